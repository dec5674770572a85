/* altroot serve: the reference device server (server/). */
#ifndef ALTROOT_TOOL_CMD_SERVE_H
#define ALTROOT_TOOL_CMD_SERVE_H

int cmd_serve(int argc, char **argv);

#endif
