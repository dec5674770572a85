/* altroot device: build a device's TLS certificate and key from its credentials. */
#ifndef ALTROOT_TOOL_CMD_DEVICE_H
#define ALTROOT_TOOL_CMD_DEVICE_H

/* `altroot device cert ...` (argv[0] is "device"). Exit 0 when the files were written, 2 for a
 * usage or input error. */
int cmd_device(int argc, char **argv);

#endif
