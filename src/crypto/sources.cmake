list(APPEND ALTROOT_SOURCES crypto/cert.c crypto/chain.c crypto/digest.c crypto/issue.c
     crypto/key.c crypto/tls.c)
