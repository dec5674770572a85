/*
 * The reference device server behind `altroot serve`: HTTPS (TLS 1.2/1.3) on one address,
 * static files from a directory and a status page, on one libevent loop. Internal to the
 * altroot tools (not part of libaltroot, which stays free of an event library).
 */
#ifndef ALTROOT_SERVER_H
#define ALTROOT_SERVER_H

#include <stddef.h>

#include <altroot/altroot.h>

typedef struct srv_config {
    const char *listen;         /* borrowed: "IPv4:PORT" or "[IPv6]:PORT"; PORT 0 picks one */
    const char *root;           /* borrowed: directory served, or NULL (status page only) */
    const altroot_certs *chain; /* borrowed for the run: leaf first */
    const altroot_key *key;     /* borrowed for the run: the leaf's private key */
    size_t max_connections;     /* open connections at most; more are closed at accept */
    size_t max_per_source;      /* open connections from one client address at most */
    size_t max_idle_per_source; /* idle ones (no complete request yet) from one address */
    int timeout_ms;             /* handshake + request head, keep-alive idle, write stall */
    const char *port_file;      /* borrowed: written with the bound port, or NULL */
} srv_config;

/* Serve until SIGINT or SIGTERM, then stop gracefully: OK. Setup problems (address in use,
 * unusable root, key not matching the certificate) return their code after printing one line
 * to stderr. */
ALTROOT_MUST_CHECK altroot_err srv_run(const srv_config *cfg);

#endif
