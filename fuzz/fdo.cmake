altroot_fuzz_target(fdo_cbor fdo_cbor.c)
altroot_fuzz_target(fdo_cose fdo_cose.c)
altroot_fuzz_target(fdo_voucher fdo_voucher.c)
