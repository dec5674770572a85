list(APPEND ALTROOT_SOURCES encoding/tlv.c encoding/der.c)
