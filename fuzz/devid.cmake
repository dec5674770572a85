altroot_fuzz_target(devid_ext devid_ext.c)
altroot_fuzz_target(mud_file mud_file.c)
altroot_fuzz_target(voucher voucher.c)
