/*
 * The listening socket, the connection limit, signals and the loop: srv_run().
 *
 * One thread and one libevent loop serve every connection; each connection costs a TLS session
 * (with released record buffers while idle), a small struct and its buffers while a request is
 * in flight, so thousands of idle or slow clients fit in a few megabytes.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/listener.h>

#include "server_internal.h"

#define GRACE_MS 500  /* responses in flight may finish this long after SIGTERM */
#define FD_RESERVE 32 /* descriptors kept for the listener, files being served, logs */
#define LISTEN_BACKLOG 1024

/* "PORT" as 0..65535, digits only. */
static bool parse_port(const char *s, uint16_t *out)
{
    unsigned long v = 0;
    if (*s == '\0' || strlen(s) > 5)
        return false;
    for (; *s != '\0'; s++) {
        if (*s < '0' || *s > '9')
            return false;
        v = v * 10 + (unsigned long)(*s - '0');
    }
    if (v > 65535)
        return false;
    *out = (uint16_t)v;
    return true;
}

/* "a.b.c.d:PORT" or "[v6]:PORT" (IP literals only: a server binds addresses, not names). */
static altroot_err parse_listen(const char *text, struct sockaddr_storage *ss, socklen_t *len)
{
    char host[64];
    const char *colon = strrchr(text, ':');
    ENSURE(colon != NULL, ALTROOT_E_ARG);
    size_t hl = (size_t)(colon - text);
    bool v6 = hl >= 2 && text[0] == '[' && text[hl - 1] == ']';
    if (v6)
        text++, hl -= 2;
    ENSURE(hl > 0 && hl < sizeof host, ALTROOT_E_ARG);
    memcpy(host, text, hl);
    host[hl] = '\0';
    uint16_t port = 0;
    ENSURE(parse_port(colon + 1, &port), ALTROOT_E_ARG);
    memset(ss, 0, sizeof *ss);
    struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
    if (!v6 && inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
        in4->sin_family = AF_INET;
        in4->sin_port = htons(port);
        *len = sizeof *in4;
        return ALTROOT_OK;
    }
    ENSURE(v6 && inet_pton(AF_INET6, host, &in6->sin6_addr) == 1, ALTROOT_E_ARG);
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(port);
    *len = sizeof *in6;
    return ALTROOT_OK;
}

/* The address bound, as "127.0.0.1:8443" or "[::1]:8443", and its port. */
static altroot_err describe_bound(int fd, char *out, size_t out_len, uint16_t *port)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    char host[INET6_ADDRSTRLEN];
    ENSURE(getsockname(fd, (struct sockaddr *)&ss, &len) == 0, ALTROOT_E_IO);
    bool v6 = ss.ss_family == AF_INET6;
    const void *addr = v6 ? (const void *)&((struct sockaddr_in6 *)&ss)->sin6_addr
                          : (const void *)&((struct sockaddr_in *)&ss)->sin_addr;
    ENSURE(inet_ntop(ss.ss_family, addr, host, sizeof host) != NULL, ALTROOT_E_IO);
    *port =
        ntohs(v6 ? ((struct sockaddr_in6 *)&ss)->sin6_port : ((struct sockaddr_in *)&ss)->sin_port);
    int n = snprintf(out, out_len, v6 ? "[%s]:%u" : "%s:%u", host, (unsigned)*port);
    ENSURE(n > 0 && (size_t)n < out_len, ALTROOT_E_INTERNAL);
    return ALTROOT_OK;
}

static altroot_err bind_socket(const char *listen_text, int *out)
{
    struct sockaddr_storage ss;
    socklen_t len = 0;
    if (parse_listen(listen_text, &ss, &len) != ALTROOT_OK) {
        fprintf(stderr, "altroot serve: --listen %s: expected IPv4:PORT or [IPv6]:PORT\n",
                listen_text);
        return ALTROOT_E_USAGE;
    }
    int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    ENSURE(fd >= 0, ALTROOT_E_IO);
    int one = 1;
    (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (ss.ss_family == AF_INET6)
        (void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&ss, len) != 0 || listen(fd, LISTEN_BACKLOG) != 0) {
        fprintf(stderr, "altroot serve: --listen %s: %s\n", listen_text, strerror(errno));
        (void)close(fd);
        return ALTROOT_E_CONNECT;
    }
    *out = fd;
    return ALTROOT_OK;
}

/* Written to FILE.tmp then renamed, so a reader never sees a partial number. */
static altroot_err write_port_file(const char *path, uint16_t port)
{
    char tmp[4096];
    int n = snprintf(tmp, sizeof tmp, "%s.tmp", path);
    ENSURE(n > 0 && (size_t)n < sizeof tmp, ALTROOT_E_ARG);
    FILE *f = fopen(tmp, "w");
    ENSURE(f != NULL, ALTROOT_E_IO);
    bool ok = fprintf(f, "%u\n", (unsigned)port) > 0;
    ok = fclose(f) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        (void)unlink(tmp);
        return ALTROOT_E_IO;
    }
    return ALTROOT_OK;
}

/* Each connection needs a descriptor (and a file being served, another): raise the soft limit
 * as far as the hard limit allows, and lower the connection limit to what fits. */
static void fit_fd_limit(srv *s)
{
    struct rlimit rl;
    s->max_conn = s->cfg->max_connections;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return;
    rlim_t need = (rlim_t)s->max_conn * 2 + FD_RESERVE;
    if (rl.rlim_cur < need) {
        rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= need ? need : rl.rlim_max;
        (void)setrlimit(RLIMIT_NOFILE, &rl);
        (void)getrlimit(RLIMIT_NOFILE, &rl);
    }
    if (rl.rlim_cur < need) {
        size_t fit = rl.rlim_cur > FD_RESERVE ? (size_t)(rl.rlim_cur - FD_RESERVE) / 2 : 1;
        fprintf(stderr, "altroot serve: descriptor limit %llu: at most %zu connections\n",
                (unsigned long long)rl.rlim_cur, fit);
        s->max_conn = fit;
    }
}

/* The per-address limits in force: never above the global one. */
static void fit_source_limits(srv *s)
{
    s->max_per_source = s->cfg->max_per_source;
    if (s->max_per_source > s->max_conn)
        s->max_per_source = s->max_conn;
    s->max_idle_per_source = s->cfg->max_idle_per_source;
    if (s->max_idle_per_source > s->max_per_source)
        s->max_idle_per_source = s->max_per_source;
}

static void on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *addr,
                      int socklen, void *arg)
{
    (void)l, (void)socklen;
    srv *s = arg;
    s->stats.accepted++;
    /* Refused (at a limit, see admit.c): a prompt close beats a client hanging in the backlog. */
    srv_source *src = NULL;
    if (s->draining)
        s->stats.rejected_at_limit++;
    else
        src = srv_admit(s, addr);
    if (src == NULL) {
        (void)close(fd);
        return;
    }
    int one = 1;
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    conn_start(s, fd, src);
}

static void on_resume(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what;
    srv *s = arg;
    if (s->listener != NULL)
        (void)evconnlistener_enable(s->listener);
}

/* accept() failed (EMFILE, ENOBUFS): pause accepting for a moment instead of spinning. */
static void on_accept_error(struct evconnlistener *l, void *arg)
{
    srv *s = arg;
    struct timeval tv = {0, 100 * 1000L};
    (void)evconnlistener_disable(l);
    (void)event_add(s->resume, &tv);
}

static void on_grace_end(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what;
    srv *s = arg;
    (void)event_base_loopbreak(s->base);
}

/* SIGINT/SIGTERM: stop accepting, close idle connections, let responses in flight finish for
 * GRACE_MS. A second signal stops at once. */
static void on_signal(evutil_socket_t sig, short what, void *arg)
{
    (void)sig, (void)what;
    srv *s = arg;
    if (s->draining) {
        (void)event_base_loopbreak(s->base);
        return;
    }
    s->draining = true;
    if (s->listener != NULL) {
        evconnlistener_free(s->listener);
        s->listener = NULL;
    }
    conn *c = s->conns;
    while (c != NULL) {
        conn *next = c->next;
        if (c->state != CONN_WRITING)
            conn_close(c);
        c = next;
    }
    struct timeval tv = {0, GRACE_MS * 1000L};
    if (s->stats.open == 0 || event_add(s->grace, &tv) != 0)
        (void)event_base_loopbreak(s->base);
}

static altroot_err prepare_root(srv *s)
{
    if (s->cfg->root == NULL)
        return ALTROOT_OK;
    char real[PATH_MAX];
    if (realpath(s->cfg->root, real) == NULL || strlen(real) >= sizeof s->root) {
        fprintf(stderr, "altroot serve: --root %s: %s\n", s->cfg->root, strerror(errno));
        return ALTROOT_E_NOT_FOUND;
    }
    /* realpath() of "DIR/." fails unless DIR is a directory we can search. */
    char probe[PATH_MAX + 2], check[PATH_MAX];
    int n = snprintf(probe, sizeof probe, "%s/.", real);
    if (n <= 0 || (size_t)n >= sizeof probe || realpath(probe, check) == NULL) {
        fprintf(stderr, "altroot serve: --root %s: not a usable directory\n", s->cfg->root);
        return ALTROOT_E_NOT_FOUND;
    }
    memcpy(s->root, real, strlen(real) + 1);
    return ALTROOT_OK;
}

static altroot_err make_events(srv *s)
{
    s->base = event_base_new();
    ENSURE(s->base != NULL, ALTROOT_E_NOMEM);
    s->sigint = evsignal_new(s->base, SIGINT, on_signal, s);
    s->sigterm = evsignal_new(s->base, SIGTERM, on_signal, s);
    s->grace = evtimer_new(s->base, on_grace_end, s);
    s->resume = evtimer_new(s->base, on_resume, s);
    ENSURE(s->sigint != NULL && s->sigterm != NULL && s->grace != NULL && s->resume != NULL,
           ALTROOT_E_NOMEM);
    ENSURE(event_add(s->sigint, NULL) == 0 && event_add(s->sigterm, NULL) == 0, ALTROOT_E_INTERNAL);
    return ALTROOT_OK;
}

static altroot_err start_listening(srv *s)
{
    int fd = -1;
    TRY(bind_socket(s->cfg->listen, &fd));
    uint16_t port = 0;
    altroot_err err = describe_bound(fd, s->bound, sizeof s->bound, &port);
    if (err == ALTROOT_OK) {
        s->listener = evconnlistener_new(s->base, on_accept, s,
                                         LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 0, fd);
        err = s->listener != NULL ? ALTROOT_OK : ALTROOT_E_NOMEM;
    }
    if (err != ALTROOT_OK) {
        (void)close(fd);
        return err;
    }
    evconnlistener_set_error_cb(s->listener, on_accept_error);
    if (s->cfg->port_file != NULL && write_port_file(s->cfg->port_file, port) != ALTROOT_OK) {
        fprintf(stderr, "altroot serve: --port-file %s: cannot write\n", s->cfg->port_file);
        return ALTROOT_E_IO;
    }
    return ALTROOT_OK;
}

static altroot_err setup(srv *s)
{
    fit_fd_limit(s);
    fit_source_limits(s);
    TRY(srv_sources_init(s));
    TRY(prepare_root(s));
    altroot_err err = altroot_tls_event_server_new(s->cfg->chain, s->cfg->key, &s->tls);
    if (err != ALTROOT_OK) {
        fprintf(stderr, "altroot serve: %s (%s)\n",
                err == ALTROOT_E_ARG ? "the private key does not match the certificate"
                                     : altroot_strerror(err),
                altroot_error_name(err));
        return err;
    }
    TRY(make_events(s));
    return start_listening(s);
}

static void teardown(srv *s)
{
    while (s->conns != NULL)
        conn_close(s->conns);
    srv_sources_free(s);
    if (s->listener != NULL)
        evconnlistener_free(s->listener);
    struct event *events[] = {s->sigint, s->sigterm, s->grace, s->resume};
    for (size_t i = 0; i < ALTROOT_ARRAY_LEN(events); i++)
        if (events[i] != NULL)
            event_free(events[i]);
    if (s->base != NULL)
        event_base_free(s->base);
    altroot_tls_event_server_free(s->tls);
    altroot_free(s);
}

altroot_err srv_run(const srv_config *cfg)
{
    ENSURE(cfg != NULL && cfg->listen != NULL && cfg->chain != NULL && cfg->key != NULL &&
               cfg->max_connections > 0 && cfg->max_per_source > 0 &&
               cfg->max_idle_per_source > 0 && cfg->timeout_ms > 0,
           ALTROOT_E_ARG);
    (void)signal(SIGPIPE, SIG_IGN);
    srv *s = altroot_calloc(1, sizeof *s);
    ENSURE(s != NULL, ALTROOT_E_NOMEM);
    s->cfg = cfg;
    s->started_ms = srv_now_ms();
    altroot_err err = setup(s);
    if (err == ALTROOT_OK) {
        printf("altroot serve: listening on https://%s/\n", s->bound);
        (void)fflush(stdout);
        if (event_base_dispatch(s->base) < 0)
            err = ALTROOT_E_INTERNAL;
    }
    s->draining = false; /* teardown closes the rest without breaking the finished loop */
    teardown(s);
    return err;
}
