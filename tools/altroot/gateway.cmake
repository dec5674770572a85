# altroot gateway: the command; the CA, state and ACME server are gateway/ (altroot_gateway).
list(APPEND ALTROOT_TOOL_SOURCES cmd_gateway.c)
# This list is read before the tool target exists: link once the directory is processed.
cmake_language(DEFER CALL target_link_libraries altroot_tool PRIVATE altroot_gateway)
