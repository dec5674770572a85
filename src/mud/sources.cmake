list(APPEND ALTROOT_SOURCES mud/file.c mud/verify.c mud/mint.c)
