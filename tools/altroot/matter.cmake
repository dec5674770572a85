list(APPEND ALTROOT_TOOL_SOURCES verify_matter.c mint_matter.c inspect_matter.c)
