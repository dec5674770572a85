list(APPEND ALTROOT_SOURCES tls/url.c tls/net.c tls/tls.c tls/evaluate.c tls/key_hash_name.c
     tls/verdict_cache.c tls/connect.c tls/ssl_verifier.c)
