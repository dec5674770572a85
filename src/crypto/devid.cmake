# OpenSSL-backed primitives of the 802.1AR / BRSKI / MUD area.
list(APPEND ALTROOT_SOURCES crypto/cms.c crypto/devid_mint.c crypto/devid_name.c)
