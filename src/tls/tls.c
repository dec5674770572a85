/* TLS sessions over caller-owned blocking sockets (OpenSSL libssl). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <altroot/alloc.h>
#include <altroot/tls.h>

#include "../crypto/ossl_tls.h"

#define DEFAULT_TIMEOUT_MS 10000

struct altroot_tls_server {
    SSL_CTX *ctx;
};

/* What the record layer saw, to tell "not TLS at all" from a failed TLS handshake. */
typedef struct record_tap {
    bool saw_record;
    bool tls_like; /* first record header had a TLS content type and version 3.x */
} record_tap;

struct altroot_tls {
    SSL *ssl;
    SSL_CTX *ctx; /* client sessions hold a reference to the shared client context */
    record_tap tap;
};

static void set_timeouts(int fd, int timeout_ms)
{
    if (timeout_ms <= 0)
        timeout_ms = DEFAULT_TIMEOUT_MS;
    struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000L};
    /* Failure leaves the socket blocking without a limit; the caller's own deadline still
     * applies at connect time, so this is not fatal. */
    (void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    (void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

static void tap_cb(int write_p, int version, int content_type, const void *buf, size_t len,
                   SSL *ssl, void *arg)
{
    (void)version, (void)ssl;
    record_tap *t = arg;
    if (write_p || content_type != SSL3_RT_HEADER || len < 3 || t->saw_record)
        return;
    const unsigned char *h = buf;
    t->saw_record = true;
    /* RFC 8446 5.1: ContentType 20..24, legacy_record_version 0x03xx. */
    t->tls_like = h[0] >= 20 && h[0] <= 24 && h[1] == 3;
}

static altroot_err tls_new(SSL_CTX *ctx, int fd, int timeout_ms, altroot_tls **out)
{
    altroot_tls *t = altroot_calloc(1, sizeof *t);
    ENSURE(t != NULL, ALTROOT_E_NOMEM);
    t->ssl = SSL_new(ctx);
    if (t->ssl == NULL || !OSSL_OK(SSL_set_fd(t->ssl, fd))) {
        SSL_free(t->ssl);
        altroot_free(t);
        ERR_clear_error();
        return ALTROOT_E_NOMEM;
    }
    SSL_set_msg_callback(t->ssl, tap_cb);
    SSL_set_msg_callback_arg(t->ssl, &t->tap);
    set_timeouts(fd, timeout_ms);
    *out = t;
    return ALTROOT_OK;
}

/* Classify a failed SSL_connect/SSL_accept. */
static altroot_err handshake_error(altroot_tls *t, int rc, altroot_failures *why)
{
    int e = SSL_get_error(t->ssl, rc);
    int saved_errno = errno;
    char line[256];
    altroot_ossl_error_line(line, sizeof line);
    altroot_err code = ALTROOT_E_TLS_HANDSHAKE;
    const char *detail = line[0] != '\0' ? line : "peer closed the connection";
    if (e == SSL_ERROR_SYSCALL && (saved_errno == EAGAIN || saved_errno == EWOULDBLOCK)) {
        code = ALTROOT_E_TIMEOUT;
        detail = "no answer from the peer within the timeout";
    } else if (t->tap.saw_record && !t->tap.tls_like) {
        code = ALTROOT_E_NOT_TLS;
        detail = "the peer answered with something other than TLS";
    }
    if (why != NULL)
        TRY(altroot_failures_add(why, code, "handshake", "%s", detail));
    return code;
}

static int64_t monotonic_ms(void)
{
    struct timespec ts;
    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The whole handshake, within one deadline of `timeout_ms` (a socket's receive timeout alone
 * restarts at every byte, so a peer sending one byte a second could hold it for ever). The
 * socket is non-blocking during the handshake and gets its flags back afterwards; if it cannot
 * be made non-blocking, the per-operation timeouts of set_timeouts() still apply. */
static altroot_err handshake(altroot_tls *t, int fd, int timeout_ms, bool client,
                             altroot_failures *why)
{
    if (timeout_ms <= 0)
        timeout_ms = DEFAULT_TIMEOUT_MS;
    int flags = fcntl(fd, F_GETFL);
    bool polled = flags >= 0 && fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0;
    int64_t deadline = monotonic_ms() + timeout_ms;
    altroot_err err = ALTROOT_OK;
    ERR_clear_error();
    for (;;) {
        int rc = client ? SSL_connect(t->ssl) : SSL_accept(t->ssl);
        if (rc == 1)
            break;
        int e = SSL_get_error(t->ssl, rc);
        if (!polled || (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)) {
            err = handshake_error(t, rc, why);
            break;
        }
        int64_t left = deadline - monotonic_ms();
        struct pollfd p = {.fd = fd, .events = e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT};
        int n = left > 0 ? poll(&p, 1, (int)left) : 0;
        if (n < 0 && errno != EINTR) {
            err = handshake_error(t, rc, why);
            break;
        }
        if (n == 0) {
            err = why == NULL ? ALTROOT_OK
                              : altroot_failures_add(why, ALTROOT_E_TIMEOUT, "handshake",
                                                     "the TLS handshake did not finish within "
                                                     "%d ms",
                                                     timeout_ms);
            err = err != ALTROOT_OK ? err : ALTROOT_E_TIMEOUT;
            break;
        }
    }
    ERR_clear_error();
    if (polled)
        (void)fcntl(fd, F_SETFL, flags);
    return err;
}

/* The chain is judged after the handshake by altroot's own verifier with an explicit time, so
 * OpenSSL's built-in verification (with the wall clock and its own store) is skipped. Possession
 * of the leaf key is still proved by the handshake's signature, which libssl always checks. */
static int defer_verification(X509_STORE_CTX *ctx, void *arg)
{
    (void)ctx, (void)arg;
    return 1;
}

/* Every client session has the same configuration and keeps no state in its context (no session
 * cache), so one context is made on first use and shared: building an SSL_CTX costs OpenSSL 3
 * more than a handshake's worth of setup. Each session holds a reference. A failed creation is
 * retried on the next call. */
static pthread_mutex_t client_ctx_lock = PTHREAD_MUTEX_INITIALIZER;
static SSL_CTX *client_ctx_shared;

static SSL_CTX *client_ctx_new(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (ctx == NULL || !OSSL_OK(SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION))) {
        SSL_CTX_free(ctx);
        return NULL;
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    SSL_CTX_set_cert_verify_callback(ctx, defer_verification, NULL);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    return ctx;
}

static altroot_err client_ctx(SSL_CTX **out)
{
    ENSURE(pthread_mutex_lock(&client_ctx_lock) == 0, ALTROOT_E_INTERNAL);
    if (client_ctx_shared == NULL)
        client_ctx_shared = client_ctx_new();
    bool ok = client_ctx_shared != NULL && SSL_CTX_up_ref(client_ctx_shared) == 1;
    *out = ok ? client_ctx_shared : NULL;
    (void)pthread_mutex_unlock(&client_ctx_lock);
    if (!ok)
        ERR_clear_error();
    return ok ? ALTROOT_OK : ALTROOT_E_NOMEM;
}

altroot_err altroot_tls_connect(int fd, const char *sni, int timeout_ms, altroot_tls **out,
                                altroot_failures *why)
{
    ENSURE(fd >= 0 && out != NULL, ALTROOT_E_INTERNAL);
    SSL_CTX *ctx = NULL;
    TRY(client_ctx(&ctx));
    altroot_tls *t = NULL;
    altroot_err err = tls_new(ctx, fd, timeout_ms, &t);
    if (err != ALTROOT_OK) {
        SSL_CTX_free(ctx);
        return err;
    }
    t->ctx = ctx;
    if (sni != NULL && !OSSL_OK(SSL_set_tlsext_host_name(t->ssl, sni))) {
        altroot_tls_free(t);
        return ALTROOT_E_ARG;
    }
    err = handshake(t, fd, timeout_ms, true, why);
    if (err != ALTROOT_OK) {
        SSL_set_quiet_shutdown(t->ssl, 1);
        altroot_tls_free(t);
        return err;
    }
    *out = t;
    return ALTROOT_OK;
}

altroot_err altroot_tls_server_new(const altroot_certs *chain, const altroot_key *key,
                                   altroot_tls_server **out)
{
    ENSURE(altroot_ssl_identity_usable(chain, key) && out != NULL, ALTROOT_E_ARG);
    altroot_tls_server *s = altroot_calloc(1, sizeof *s);
    ENSURE(s != NULL, ALTROOT_E_NOMEM);
    altroot_err err = ALTROOT_OK;
    s->ctx = SSL_CTX_new(TLS_server_method());
    ENSURE_GOTO(s->ctx != NULL, ALTROOT_E_NOMEM);
    OSSL_ENSURE_GOTO(SSL_CTX_set_min_proto_version(s->ctx, TLS1_2_VERSION), ALTROOT_E_CRYPTO);
    TRY_GOTO(altroot_ssl_ctx_set_identity(s->ctx, chain, key));
    *out = s;
    return ALTROOT_OK;
out:
    ERR_clear_error();
    altroot_tls_server_free(s);
    return err;
}

void altroot_tls_server_free(altroot_tls_server *server)
{
    if (server == NULL)
        return;
    SSL_CTX_free(server->ctx);
    altroot_free(server);
}

altroot_err altroot_tls_accept(altroot_tls_server *server, int fd, int timeout_ms,
                               altroot_tls **out)
{
    ENSURE(server != NULL && fd >= 0 && out != NULL, ALTROOT_E_INTERNAL);
    altroot_tls *t = NULL;
    TRY(tls_new(server->ctx, fd, timeout_ms, &t));
    altroot_err err = handshake(t, fd, timeout_ms, false, NULL);
    if (err != ALTROOT_OK) {
        SSL_set_quiet_shutdown(t->ssl, 1);
        altroot_tls_free(t);
        return err;
    }
    *out = t;
    return ALTROOT_OK;
}

altroot_err altroot_tls_read(altroot_tls *tls, void *buf, size_t len, size_t *got)
{
    ENSURE(tls != NULL && buf != NULL && got != NULL, ALTROOT_E_INTERNAL);
    size_t n = 0;
    ERR_clear_error();
    if (SSL_read_ex(tls->ssl, buf, len, &n) == 1) {
        *got = n;
        return ALTROOT_OK;
    }
    int e = SSL_get_error(tls->ssl, 0);
    ERR_clear_error();
    if (e == SSL_ERROR_ZERO_RETURN) {
        *got = 0;
        return ALTROOT_OK;
    }
    return e == SSL_ERROR_SYSCALL && (errno == EAGAIN || errno == EWOULDBLOCK) ? ALTROOT_E_TIMEOUT
                                                                               : ALTROOT_E_IO;
}

altroot_err altroot_tls_write(altroot_tls *tls, const void *buf, size_t len)
{
    ENSURE(tls != NULL && (buf != NULL || len == 0), ALTROOT_E_INTERNAL);
    size_t n = 0;
    ERR_clear_error();
    if (len == 0)
        return ALTROOT_OK;
    if (SSL_write_ex(tls->ssl, buf, len, &n) != 1 || n != len) {
        ERR_clear_error();
        return ALTROOT_E_IO;
    }
    return ALTROOT_OK;
}

void altroot_tls_free(altroot_tls *tls)
{
    if (tls == NULL)
        return;
    if (!SSL_get_quiet_shutdown(tls->ssl))
        (void)SSL_shutdown(tls->ssl); /* best effort close_notify; no wait for the peer's */
    SSL_free(tls->ssl);
    SSL_CTX_free(tls->ctx);
    ERR_clear_error();
    altroot_free(tls);
}

altroot_err altroot_tls_peer_chain(const altroot_tls *tls, altroot_certs **out)
{
    ENSURE(tls != NULL && out != NULL, ALTROOT_E_INTERNAL);
    /* On the client side this stack holds the leaf first, then what the server sent. */
    STACK_OF(X509) *sk = SSL_get_peer_cert_chain(tls->ssl);
    ENSURE(sk != NULL && sk_X509_num(sk) > 0, ALTROOT_E_EMPTY);
    altroot_certs *certs = NULL;
    TRY(altroot_certs_new(&certs));
    altroot_err err = ALTROOT_OK;
    for (int i = 0; i < sk_X509_num(sk) && err == ALTROOT_OK; i++) {
        X509 *x = sk_X509_value(sk, i);
        altroot_cert *c = NULL;
        if (!OSSL_OK(X509_up_ref(x))) {
            err = ALTROOT_E_CRYPTO;
            break;
        }
        err = altroot_cert_wrap_x509(x, &c);
        if (err == ALTROOT_OK)
            err = altroot_certs_push(certs, c);
        altroot_cert_free(c);
    }
    if (err != ALTROOT_OK) {
        altroot_certs_free(certs);
        return err;
    }
    *out = certs;
    return ALTROOT_OK;
}

const char *altroot_tls_version(const altroot_tls *tls)
{
    return SSL_get_version(tls->ssl);
}

const char *altroot_tls_cipher(const altroot_tls *tls)
{
    return SSL_get_cipher_name(tls->ssl);
}

/* ---- relay ---- */

#define RELAY_BUF 16384
#define RELAY_IDLE_MS 60000

/* One direction of a relay: records read from `from`, written unchanged to `to`. */
typedef struct relay_dir {
    SSL *from, *to;
    unsigned char buf[RELAY_BUF];
    size_t len, off;          /* bytes read and not yet written: buf[off..len) */
    bool eof;                 /* `from` sent close_notify */
    short want_from, want_to; /* poll events each side waits for, 0 when none */
} relay_dir;

static short want_events(SSL *ssl, int rc)
{
    int e = SSL_get_error(ssl, rc);
    if (e == SSL_ERROR_WANT_READ)
        return (short)POLLIN;
    return e == SSL_ERROR_WANT_WRITE ? (short)POLLOUT : (short)0;
}

/* Write what is pending; true on progress. E_IO when the session broke. */
static altroot_err relay_write(relay_dir *d, bool *moved)
{
    size_t n = 0;
    int rc = SSL_write_ex(d->to, d->buf + d->off, d->len - d->off, &n);
    if (rc == 1) {
        d->off += n;
        if (d->off == d->len)
            d->off = d->len = 0;
        *moved = true;
        return ALTROOT_OK;
    }
    d->want_to = want_events(d->to, rc);
    return d->want_to != 0 ? ALTROOT_OK : ALTROOT_E_IO;
}

static altroot_err relay_read(relay_dir *d, bool *moved)
{
    size_t n = 0;
    int rc = SSL_read_ex(d->from, d->buf, sizeof d->buf, &n);
    if (rc == 1) {
        d->len = n;
        d->off = 0;
        *moved = true;
        return ALTROOT_OK;
    }
    /* Only close_notify ends a direction cleanly. A TCP FIN or RST without it is what anyone on
     * the path can send to cut a page short: it is a broken session, never passed on as an end. */
    if (SSL_get_error(d->from, rc) == SSL_ERROR_ZERO_RETURN) {
        d->eof = true;
        *moved = true;
        return ALTROOT_OK;
    }
    d->want_from = want_events(d->from, rc);
    return d->want_from != 0 ? ALTROOT_OK : ALTROOT_E_IO;
}

/* Move bytes in one direction until it waits for its sockets. */
static altroot_err relay_step(relay_dir *d, bool *moved)
{
    d->want_from = d->want_to = 0;
    bool again = true;
    while (again) {
        again = false;
        if (d->len > d->off)
            TRY(relay_write(d, &again));
        else if (!d->eof)
            TRY(relay_read(d, &again));
        *moved = *moved || again;
        if (d->eof && d->len == d->off)
            break;
    }
    return ALTROOT_OK;
}

static int relay_wait(relay_dir d[2], int fa, int fb, int idle_ms)
{
    /* d[0] reads a and writes b; d[1] reads b and writes a. */
    struct pollfd p[2] = {{.fd = fa, .events = (short)(d[0].want_from | d[1].want_to)},
                          {.fd = fb, .events = (short)(d[0].want_to | d[1].want_from)}};
    int n;
    do {
        n = poll(p, 2, idle_ms);
    } while (n < 0 && errno == EINTR);
    return n;
}

static altroot_err relay_loop(relay_dir d[2], int fa, int fb, int idle_ms)
{
    for (;;) {
        bool moved = false;
        TRY(relay_step(&d[0], &moved));
        TRY(relay_step(&d[1], &moved));
        for (int i = 0; i < 2; i++)
            if (d[i].eof && d[i].len == d[i].off)
                return ALTROOT_OK; /* one peer is done; what it sent has been passed on */
        if (moved)
            continue;
        int n = relay_wait(d, fa, fb, idle_ms);
        ENSURE(n >= 0, ALTROOT_E_IO);
        ENSURE(n > 0, ALTROOT_E_TIMEOUT);
    }
}

altroot_err altroot_tls_relay(altroot_tls *a, altroot_tls *b, int idle_ms)
{
    ENSURE(a != NULL && b != NULL && a != b, ALTROOT_E_INTERNAL);
    int fa = SSL_get_fd(a->ssl), fb = SSL_get_fd(b->ssl);
    ENSURE(fa >= 0 && fb >= 0, ALTROOT_E_INTERNAL);
    relay_dir *d = altroot_calloc(2, sizeof *d);
    ENSURE(d != NULL, ALTROOT_E_NOMEM);
    d[0].from = d[1].to = a->ssl;
    d[0].to = d[1].from = b->ssl;
    int flags_a = fcntl(fa, F_GETFL), flags_b = fcntl(fb, F_GETFL);
    altroot_err err = ALTROOT_E_IO;
    if (flags_a >= 0 && flags_b >= 0 && fcntl(fa, F_SETFL, flags_a | O_NONBLOCK) == 0 &&
        fcntl(fb, F_SETFL, flags_b | O_NONBLOCK) == 0) {
        ERR_clear_error();
        err = relay_loop(d, fa, fb, idle_ms > 0 ? idle_ms : RELAY_IDLE_MS);
    }
    ERR_clear_error();
    /* A relay that did not end with a peer's close_notify (a broken session, a time-out) must
     * not end either session with one: the peers would take what they got for the whole. */
    if (err != ALTROOT_OK) {
        SSL_set_quiet_shutdown(a->ssl, 1);
        SSL_set_quiet_shutdown(b->ssl, 1);
    }
    if (flags_a >= 0)
        (void)fcntl(fa, F_SETFL, flags_a);
    if (flags_b >= 0)
        (void)fcntl(fb, F_SETFL, flags_b);
    altroot_free(d);
    return err;
}
