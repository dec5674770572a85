list(APPEND ALTROOT_TOOL_SOURCES verify_matter_noc.c)
