/* Shared by the files of server/: the server and connection objects and their steps. */
#ifndef ALTROOT_SERVER_INTERNAL_H
#define ALTROOT_SERVER_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <altroot/altroot.h>
#include <altroot/tls_event.h>

#include "http_request.h"
#include "server.h"

#include "../src/core/guard.h"

struct event;
struct event_base;
struct evconnlistener;
struct sockaddr;

/* Counters shown on the status page; nothing secret (no client address). */
typedef struct srv_stats {
    uint64_t accepted, rejected_at_limit, handshakes, handshake_failures, not_tls, timeouts,
        requests, open, peak_open;
    uint64_t idle;                   /* open connections with no complete request (admit.c) */
    uint64_t sources;                /* client addresses holding a connection now */
    uint64_t peak_per_source;        /* the most connections one address held at once */
    uint64_t rejected_per_source;    /* closed at accept: the address held its open or idle limit */
    uint64_t evicted_idle;           /* idle connections closed to admit another at the limit */
    uint64_t idle_closed_per_source; /* keep-alive ended after a response: idle limit held */
} srv_stats;

typedef enum conn_state {
    CONN_HANDSHAKE = 0,
    CONN_READING = 1, /* waiting for (the rest of) a request head */
    CONN_WRITING = 2, /* sending a response */
    CONN_LINGER = 3,  /* response sent and write side shut: draining what the client still sends */
} conn_state;

typedef struct conn conn;

/* One client address and what it holds (admit.c). */
typedef struct srv_source {
    uint8_t addr[16];
    uint8_t addr_len; /* 4 (IPv4), 16 (IPv6), 0 (any other family: one shared entry) */
    size_t bucket;
    size_t open, idle;
    conn *idle_head, *idle_tail; /* its idle connections, oldest first */
    struct srv_source *bucket_next, *prev, *next;
} srv_source;

typedef struct srv {
    const srv_config *cfg;
    struct event_base *base;
    struct evconnlistener *listener;
    struct event *sigint, *sigterm, *grace, *resume;
    altroot_tls_event_server *tls;
    char root[4096]; /* realpath of cfg->root, or "" */
    char bound[80];  /* the address actually bound, "127.0.0.1:8443" */
    size_t max_conn; /* cfg->max_connections, lowered if the descriptor limit is smaller */
    uint64_t started_ms;
    size_t max_per_source, max_idle_per_source; /* in force: at most max_conn */
    srv_stats stats;
    conn *conns;          /* every open connection, for shutdown */
    srv_source **buckets; /* client addresses by seeded hash; bucket_mask + 1 of them */
    size_t bucket_mask;
    uint64_t hash_seed;
    srv_source *sources; /* every address holding a connection */
    bool draining;
} srv;

struct conn {
    srv *srv;
    int fd;
    struct event *ev;
    altroot_tls_event *tls;
    conn_state state;
    uint64_t deadline_ms;
    altroot_bytes in;  /* the request head being received (at most HTTP_MAX_HEAD bytes) */
    http_scan scan;    /* what the trickle check saw of `in` */
    altroot_bytes out; /* response bytes not yet written: head, generated body, file chunk */
    size_t out_pos;
    int file_fd; /* body streamed from this file, or -1 */
    uint64_t file_left;
    bool close_after;
    conn *prev, *next;
    srv_source *src; /* its client address; NULL once detached */
    bool idle;       /* no complete request: on src's idle list */
    uint64_t idle_since_ms;
    conn *idle_prev, *idle_next;
};

/* Monotonic milliseconds. */
uint64_t srv_now_ms(void);

/* Take a just-accepted socket (non-blocking) from an admitted address; closes it on failure. */
void conn_start(srv *s, int fd, srv_source *src);
/* Close and free; the slot is free again. */
void conn_close(conn *c);

/* Fair admission (admit.c). The table of client addresses, sized for max_conn; freed with
 * srv_sources_free() once every connection is closed. */
ALTROOT_MUST_CHECK altroot_err srv_sources_init(srv *s);
void srv_sources_free(srv *s);
/* At accept: the entry of `addr` (borrowed; valid while a connection of it is open) when a
 * connection from it may be admitted now, after closing one idle connection at the global
 * limit if one may give way; NULL when it is refused (counted). */
srv_source *srv_admit(srv *s, const struct sockaddr *addr);
/* Count `c` against `src` as idle; with c NULL (its setup failed), forget an empty `src`. */
void srv_source_attach(srv *s, srv_source *src, conn *c);
/* Move `c` onto or off its address's idle list. */
void srv_conn_set_idle(conn *c, bool idle);
/* Whether `c`'s address may hold one more idle connection. */
bool srv_source_may_idle(const conn *c);
/* Uncount `c` (on close). */
void srv_source_detach(conn *c);

/* Build the response to a parsed request (or to a rejected one, req->status != 0) into c->out,
 * and set c->file_fd/file_left/close_after. */
ALTROOT_MUST_CHECK altroot_err respond(conn *c, const http_request *req);

/* The status page as HTML or JSON, appended to `out`. */
ALTROOT_MUST_CHECK altroot_err status_page(const conn *c, bool json, altroot_bytes *out);

/* Open the regular file that `path` (decoded, starting with '/') names under `root` (a real
 * path): E_NOT_FOUND unless it resolves, without leaving `root`, to a readable regular file. */
ALTROOT_MUST_CHECK altroot_err srv_file_open(const char *root, const char *path, int *fd,
                                             uint64_t *size, const char **content_type);
/* Open `real`, a symlink-free path under `root` (both real paths), from the root one component
 * at a time without following any symlink: directories with O_PATH, the file read-only and
 * non-blocking. Returns the descriptor, or -1 with errno (ELOOP when a component is a symlink,
 * ENOENT when `real` is not under `root`). */
int srv_open_beneath(const char *root, const char *real);

/* Append formatted text (at most 1024 bytes per call). */
ALTROOT_MUST_CHECK altroot_err srv_appendf(altroot_bytes *out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
