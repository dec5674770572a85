/* Internal to src/tls: TCP connection set-up with a deadline. */
#ifndef ALTROOT_TLS_NET_H
#define ALTROOT_TLS_NET_H

#include <stddef.h>
#include <stdint.h>

#include <altroot/list.h>

#define NET_ADDR_STR 64

/* Resolve `host` and connect to the first address that answers, each attempt bounded by
 * `timeout_ms`. On success *fd is a blocking socket (caller closes) and `addr` holds
 * "a.b.c.d:port" or "[v6]:port". Failures: E_RESOLVE, E_CONNECT, E_TIMEOUT, recorded in `why`. */
ALTROOT_MUST_CHECK altroot_err altroot_net_connect(const char *host, uint16_t port, int timeout_ms,
                                                   int *fd, char addr[NET_ADDR_STR],
                                                   altroot_failures *why);

#endif
