list(APPEND ALTROOT_SOURCES crypto/cert.c crypto/chain.c crypto/digest.c crypto/issue.c
     crypto/inspect.c crypto/key.c crypto/key_raw.c crypto/sig.c crypto/ssl_identity.c)
