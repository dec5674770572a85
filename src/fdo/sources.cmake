list(APPEND ALTROOT_SOURCES fdo/pem.c fdo/pubkey.c fdo/decode.c fdo/entry.c fdo/verify.c
     fdo/verify_entries.c fdo/verify_anchors.c fdo/build.c fdo/extend.c)
