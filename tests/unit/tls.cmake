altroot_unit_test(url test_url.c)
altroot_unit_test(connect test_connect.c ../../tools/altroot/loopback.c)
altroot_unit_test(curl_hook test_curl_hook.c ../../tools/altroot/loopback.c)
altroot_unit_test(verdict_cache test_verdict_cache.c)
