list(APPEND ALTROOT_SOURCES crypto/fdo_crypto.c)
