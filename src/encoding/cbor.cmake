list(APPEND ALTROOT_SOURCES encoding/cbor.c encoding/cbor_write.c encoding/cose.c encoding/cose_key.c)
