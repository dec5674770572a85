altroot_unit_test(devid test_devid.c)
altroot_unit_test(mud test_mud.c)
altroot_unit_test(voucher test_voucher.c)
altroot_unit_test(conformance_devid test_conformance_devid.c)
