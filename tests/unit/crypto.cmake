altroot_unit_test(x509 test_x509.c)
altroot_unit_test(sig test_sig.c)
altroot_unit_test(differential test_differential.c)
