/*
 * One connection as a state machine on the event loop: TLS handshake, request head, response,
 * then the next request (keep-alive) or a lingering close. One deadline per phase: the handshake
 * and the whole request head must arrive within the timeout (a slow trickle does not extend it),
 * and a response must make progress within it.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "server_internal.h"

#define READ_CHUNK 4096
#define FILE_CHUNK 16384
#define WRITES_PER_TURN 16     /* then yield to other connections */
#define STEPS_PER_TURN 32      /* pipelined requests answered before yielding */
#define LINGER_MAX_MS 2000     /* how long a closing connection may keep sending */
#define LINGER_MAX_BYTES 65536 /* and how much */

typedef enum step_result {
    STEP_AGAIN = 0, /* the state changed: run the next step */
    STEP_WAIT = 1,  /* armed for the socket (or closed): stop */
} step_result;

static void on_event(evutil_socket_t fd, short what, void *arg);

uint64_t srv_now_ms(void)
{
    struct timespec ts = {0, 0};
    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void set_deadline(conn *c, uint64_t ms)
{
    c->deadline_ms = srv_now_ms() + ms;
}

/* Wait for the socket as `want` says, at most until the deadline. May close `c`. */
static step_result arm(conn *c, altroot_tls_want want)
{
    uint64_t now = srv_now_ms();
    if (now >= c->deadline_ms) {
        if (c->state != CONN_LINGER)
            c->srv->stats.timeouts++;
        conn_close(c);
        return STEP_WAIT;
    }
    uint64_t left = c->deadline_ms - now;
    struct timeval tv = {(time_t)(left / 1000), (suseconds_t)((left % 1000) * 1000)};
    short what = want == ALTROOT_TLS_WANT_WRITE ? EV_WRITE : EV_READ;
    (void)event_del(c->ev);
    if (event_assign(c->ev, c->srv->base, c->fd, what, on_event, c) != 0 ||
        event_add(c->ev, &tv) != 0)
        conn_close(c);
    return STEP_WAIT;
}

static step_result do_handshake(conn *c)
{
    altroot_tls_want want = ALTROOT_TLS_WANT_NONE;
    altroot_err err = altroot_tls_event_handshake(c->tls, &want);
    if (err != ALTROOT_OK) {
        c->srv->stats.handshake_failures++;
        if (err == ALTROOT_E_NOT_TLS)
            c->srv->stats.not_tls++;
        conn_close(c);
        return STEP_WAIT;
    }
    if (want != ALTROOT_TLS_WANT_NONE)
        return arm(c, want);
    c->srv->stats.handshakes++;
    c->state = CONN_READING;
    return STEP_AGAIN;
}

/* Drop the first `n` bytes of the head buffer (a pipelined next request stays). */
static void consume(altroot_bytes *b, size_t n)
{
    if (n >= b->len) {
        b->len = 0;
        return;
    }
    memmove(b->ptr, b->ptr + n, b->len - n);
    b->len -= n;
}

/* 1: a response is ready; 0: more bytes are needed; -1: closed. */
static int try_parse(conn *c)
{
    altroot_span in = altroot_bytes_span(&c->in);
    if (!http_request_worth_parsing(in, &c->scan))
        return 0;
    http_request req;
    altroot_err err = http_request_parse(in, &req);
    if (err == ALTROOT_E_TRUNCATED)
        return 0;
    c->srv->stats.requests++;
    srv_conn_set_idle(c, false); /* a complete request: no longer evictable */
    if ((err != ALTROOT_OK && req.status == 0) || respond(c, &req) != ALTROOT_OK) {
        conn_close(c);
        return -1;
    }
    consume(&c->in, err == ALTROOT_OK ? req.head_len : c->in.len);
    c->scan = (http_scan){0, 0};
    c->state = CONN_WRITING;
    set_deadline(c, (uint64_t)c->srv->cfg->timeout_ms);
    return 1;
}

static step_result do_read(conn *c)
{
    for (;;) {
        int r = try_parse(c);
        if (r != 0)
            return r > 0 ? STEP_AGAIN : STEP_WAIT;
        if (c->in.len >= HTTP_MAX_HEAD) { /* the parser rejects a full buffer; never reached */
            conn_close(c);
            return STEP_WAIT;
        }
        uint8_t buf[READ_CHUNK];
        size_t room = HTTP_MAX_HEAD - c->in.len, got = 0;
        altroot_tls_want want = ALTROOT_TLS_WANT_NONE;
        altroot_err err =
            altroot_tls_event_read(c->tls, buf, room < sizeof buf ? room : sizeof buf, &got, &want);
        if (err != ALTROOT_OK || (got == 0 && want == ALTROOT_TLS_WANT_NONE)) {
            conn_close(c); /* broken, or the client closed */
            return STEP_WAIT;
        }
        if (got == 0)
            return arm(c, want);
        if (altroot_bytes_append(&c->in, buf, got) != ALTROOT_OK) {
            conn_close(c);
            return STEP_WAIT;
        }
    }
}

/* The next piece of a file body; a file that shrank under us ends the connection, since the
 * Content-Length already sent can no longer be met. */
static bool refill(conn *c)
{
    c->out.len = 0;
    c->out_pos = 0;
    if (altroot_bytes_reserve(&c->out, FILE_CHUNK) != ALTROOT_OK)
        return false;
    size_t want = c->file_left < FILE_CHUNK ? (size_t)c->file_left : FILE_CHUNK;
    ssize_t n = read(c->file_fd, c->out.ptr, want);
    if (n <= 0)
        return false;
    c->out.len = (size_t)n;
    c->file_left -= (uint64_t)n;
    return true;
}

/* Close after shutting the write side, reading what the client still sends for a moment, so a
 * client still sending is not answered with a reset that could discard our last response. */
static step_result start_linger(conn *c)
{
    if (c->srv->draining) {
        conn_close(c);
        return STEP_WAIT;
    }
    srv_conn_set_idle(c, false);
    altroot_tls_event_free(c->tls); /* sends close_notify */
    c->tls = NULL;
    (void)shutdown(c->fd, SHUT_WR);
    altroot_bytes_clear(&c->in);
    altroot_bytes_clear(&c->out);
    c->state = CONN_LINGER;
    c->file_left = 0;
    uint64_t t = (uint64_t)c->srv->cfg->timeout_ms;
    set_deadline(c, t < LINGER_MAX_MS ? t : LINGER_MAX_MS);
    return arm(c, ALTROOT_TLS_WANT_READ);
}

static step_result do_linger(conn *c)
{
    uint8_t buf[READ_CHUNK];
    for (;;) {
        ssize_t n = recv(c->fd, buf, sizeof buf, 0);
        if (n > 0 && c->file_left + (uint64_t)n <= LINGER_MAX_BYTES) {
            c->file_left += (uint64_t)n; /* bytes discarded so far */
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return arm(c, ALTROOT_TLS_WANT_READ);
        if (n < 0 && errno == EINTR)
            continue;
        conn_close(c);
        return STEP_WAIT;
    }
}

static step_result response_done(conn *c)
{
    if (c->file_fd >= 0) {
        (void)close(c->file_fd);
        c->file_fd = -1;
    }
    if (c->close_after || c->srv->draining)
        return start_linger(c);
    if (!srv_source_may_idle(c)) { /* its address holds its idle limit: no keep-alive */
        c->srv->stats.idle_closed_per_source++;
        return start_linger(c);
    }
    /* Keep-alive: the next head has the full timeout again; idle buffers are given back. */
    altroot_bytes_clear(&c->out);
    c->out_pos = 0;
    c->state = CONN_READING;
    c->scan = (http_scan){0, 0};
    srv_conn_set_idle(c, true);
    set_deadline(c, (uint64_t)c->srv->cfg->timeout_ms);
    return STEP_AGAIN;
}

/* The output buffer is empty: the response is done, or the next file chunk is read into it.
 * False when the connection is over (done or closed), with its step in `*next`. */
static bool have_output(conn *c, step_result *next)
{
    if (c->out_pos != c->out.len)
        return true;
    if (c->file_fd < 0 || c->file_left == 0) {
        *next = response_done(c);
        return false;
    }
    if (refill(c))
        return true;
    conn_close(c);
    *next = STEP_WAIT;
    return false;
}

static step_result do_write(conn *c)
{
    for (int turn = 0; turn < WRITES_PER_TURN; turn++) {
        step_result next = STEP_WAIT;
        if (!have_output(c, &next))
            return next;
        size_t len = c->out.len - c->out_pos, put = 0;
        altroot_tls_want want = ALTROOT_TLS_WANT_NONE;
        if (len > FILE_CHUNK)
            len = FILE_CHUNK;
        if (altroot_tls_event_write(c->tls, c->out.ptr + c->out_pos, len, &put, &want) !=
            ALTROOT_OK) {
            conn_close(c);
            return STEP_WAIT;
        }
        if (put == 0)
            return arm(c, want);
        c->out_pos += put;
        set_deadline(c, (uint64_t)c->srv->cfg->timeout_ms); /* progress */
    }
    return arm(c, ALTROOT_TLS_WANT_WRITE); /* yield; the socket is likely still writable */
}

static void step(conn *c)
{
    for (int i = 0; i < STEPS_PER_TURN; i++) {
        step_result r = STEP_WAIT;
        switch (c->state) {
        case CONN_HANDSHAKE:
            r = do_handshake(c);
            break;
        case CONN_READING:
            r = do_read(c);
            break;
        case CONN_WRITING:
            r = do_write(c);
            break;
        case CONN_LINGER:
            r = do_linger(c);
            break;
        }
        if (r == STEP_WAIT)
            return;
    }
    /* Many pipelined requests: let other connections run, come back when writable. */
    (void)arm(c, ALTROOT_TLS_WANT_WRITE);
}

static void on_event(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    conn *c = arg;
    if (what & EV_TIMEOUT) {
        if (c->state != CONN_LINGER)
            c->srv->stats.timeouts++;
        conn_close(c);
        return;
    }
    step(c);
}

void conn_start(srv *s, int fd, srv_source *src)
{
    conn *c = altroot_calloc(1, sizeof *c);
    if (c == NULL) {
        srv_source_attach(s, src, NULL);
        (void)close(fd);
        return;
    }
    c->srv = s;
    c->fd = fd;
    c->file_fd = -1;
    c->state = CONN_HANDSHAKE;
    c->ev = event_new(s->base, fd, EV_READ, on_event, c);
    if (c->ev == NULL || altroot_tls_event_new(s->tls, fd, &c->tls) != ALTROOT_OK) {
        if (c->ev != NULL)
            event_free(c->ev);
        altroot_free(c);
        srv_source_attach(s, src, NULL);
        (void)close(fd);
        return;
    }
    srv_source_attach(s, src, c);
    c->next = s->conns;
    if (s->conns != NULL)
        s->conns->prev = c;
    s->conns = c;
    s->stats.open++;
    if (s->stats.open > s->stats.peak_open)
        s->stats.peak_open = s->stats.open;
    set_deadline(c, (uint64_t)s->cfg->timeout_ms);
    (void)arm(c, ALTROOT_TLS_WANT_READ);
}

void conn_close(conn *c)
{
    srv *s = c->srv;
    if (c->prev != NULL)
        c->prev->next = c->next;
    else
        s->conns = c->next;
    if (c->next != NULL)
        c->next->prev = c->prev;
    s->stats.open--;
    srv_source_detach(c);
    event_free(c->ev);
    altroot_tls_event_free(c->tls);
    (void)close(c->fd);
    if (c->file_fd >= 0)
        (void)close(c->file_fd);
    altroot_bytes_clear(&c->in);
    altroot_bytes_clear(&c->out);
    altroot_free(c);
    if (s->draining && s->stats.open == 0)
        (void)event_base_loopbreak(s->base);
}
