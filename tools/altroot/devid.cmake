list(APPEND ALTROOT_TOOL_SOURCES verify_devid.c mint_devid.c devid_pki.c)
