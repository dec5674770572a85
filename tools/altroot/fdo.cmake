list(APPEND ALTROOT_TOOL_SOURCES verify_fdo.c fdo_cmd.c fdo_pki.c)
