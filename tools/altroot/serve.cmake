# altroot serve: the command; the server itself is server/ (altroot_server).
list(APPEND ALTROOT_TOOL_SOURCES cmd_serve.c)
