# altroot device: device certificates with evidence, primary chains.
list(APPEND ALTROOT_TOOL_SOURCES cmd_device.c)
