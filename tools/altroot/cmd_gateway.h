/* altroot gateway: the name-constrained local CA and ACME server (gateway/, docs/gateway.md). */
#ifndef ALTROOT_TOOL_CMD_GATEWAY_H
#define ALTROOT_TOOL_CMD_GATEWAY_H

int cmd_gateway(int argc, char **argv);

#endif
