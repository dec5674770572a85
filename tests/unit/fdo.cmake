altroot_unit_test(fdo_cbor test_fdo_cbor.c)
altroot_unit_test(fdo_cose test_fdo_cose.c)
altroot_unit_test(fdo_voucher test_fdo_voucher.c)
altroot_unit_test(conformance_fdo test_conformance_fdo.c)
