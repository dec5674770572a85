altroot_unit_test(error test_error.c)
altroot_unit_test(buf test_buf.c)
altroot_unit_test(time test_time.c)
