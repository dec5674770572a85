list(APPEND ALTROOT_SOURCES tls/url.c tls/net.c tls/evaluate.c tls/key_hash_name.c tls/verdict_cache.c tls/connect.c)
