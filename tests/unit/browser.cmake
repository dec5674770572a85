# altroot-browser pieces that need no GTK: the proxy's request-head parser.
altroot_unit_test(proxy_request test_proxy_request.c ../../browser/proxy_request.c)
