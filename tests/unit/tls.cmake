altroot_unit_test(url test_url.c)
altroot_unit_test(connect test_connect.c ../../tools/altroot/loopback.c)
