altroot_fuzz_target(http_request http_request.c ../server/http_request.c)
