altroot_fuzz_target(proxy_request proxy_request.c ../browser/proxy_request.c)
