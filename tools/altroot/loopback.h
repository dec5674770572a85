/* A small loopback HTTPS (or plain HTTP) server on a thread, for `altroot demo`. */
#ifndef ALTROOT_TOOL_LOOPBACK_H
#define ALTROOT_TOOL_LOOPBACK_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include <altroot/altroot.h>

typedef struct loopback {
    int listen_fd;
    uint16_t port;
    altroot_tls_server *tls; /* borrowed; NULL serves plain HTTP */
    const char *body;        /* borrowed; the page served */
    pthread_t thread;
    atomic_bool stop;
    bool running;
} loopback;

/* Listen on 127.0.0.1 (family AF_INET) or ::1 (AF_INET6) with an ephemeral port and serve
 * until loopback_stop(). */
ALTROOT_MUST_CHECK altroot_err loopback_start(loopback *lb, altroot_tls_server *tls,
                                              const char *body, int family);
void loopback_stop(loopback *lb);

#endif
