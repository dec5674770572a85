/*
 * Non-blocking TLS server sessions (OpenSSL libssl) for an event loop: each step returns what it
 * waits for instead of blocking. The blocking sessions of tls.c stay for one-shot tools.
 */
#include <errno.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <altroot/alloc.h>
#include <altroot/tls_event.h>

#include "../crypto/ossl_tls.h"

/* Sessions that resume by ID need server-side state; cap it so a handshake flood cannot grow it
 * without bound (tickets, the default, need none). */
#define SESSION_CACHE_MAX 1024

struct altroot_tls_event_server {
    SSL_CTX *ctx;
};

/* What the record layer saw first, to tell "not TLS at all" (plain HTTP on the TLS port) from a
 * failed TLS handshake. */
typedef struct record_tap {
    bool saw_record;
    bool tls_like;
} record_tap;

struct altroot_tls_event {
    SSL *ssl;
    record_tap tap;
    bool established;
    bool broken; /* a fatal error happened: no close_notify */
};

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

static altroot_err configure(SSL_CTX *ctx, const altroot_certs *chain, const altroot_key *key)
{
    OSSL_ENSURE(SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION), ALTROOT_E_CRYPTO);
    /* Client-initiated renegotiation costs the server a handshake per request: refuse it. An
     * end of stream without close_notify ends a request like close_notify does: HTTP framing
     * (Content-Length) already tells a truncated response from a whole one. */
    (void)SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_IGNORE_UNEXPECTED_EOF |
                                       SSL_OP_CIPHER_SERVER_PREFERENCE);
    /* Idle sessions give their record buffers back (memory per idle connection stays small). */
    (void)SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ENABLE_PARTIAL_WRITE);
    (void)SSL_CTX_sess_set_cache_size(ctx, SESSION_CACHE_MAX);
    return altroot_ssl_ctx_set_identity(ctx, chain, key);
}

altroot_err altroot_tls_event_server_new(const altroot_certs *chain, const altroot_key *key,
                                         altroot_tls_event_server **out)
{
    ENSURE(altroot_ssl_identity_usable(chain, key) && out != NULL, ALTROOT_E_ARG);
    altroot_tls_event_server *s = altroot_calloc(1, sizeof *s);
    ENSURE(s != NULL, ALTROOT_E_NOMEM);
    altroot_err err = ALTROOT_OK;
    s->ctx = SSL_CTX_new(TLS_server_method());
    ENSURE_GOTO(s->ctx != NULL, ALTROOT_E_NOMEM);
    TRY_GOTO(configure(s->ctx, chain, key));
    *out = s;
    return ALTROOT_OK;
out:
    ERR_clear_error();
    altroot_tls_event_server_free(s);
    return err;
}

void altroot_tls_event_server_free(altroot_tls_event_server *server)
{
    if (server == NULL)
        return;
    SSL_CTX_free(server->ctx);
    altroot_free(server);
}

altroot_err altroot_tls_event_new(altroot_tls_event_server *server, int fd, altroot_tls_event **out)
{
    ENSURE(server != NULL && fd >= 0 && out != NULL, ALTROOT_E_INTERNAL);
    altroot_tls_event *t = altroot_calloc(1, sizeof *t);
    ENSURE(t != NULL, ALTROOT_E_NOMEM);
    t->ssl = SSL_new(server->ctx);
    if (t->ssl == NULL || !OSSL_OK(SSL_set_fd(t->ssl, fd))) {
        SSL_free(t->ssl);
        altroot_free(t);
        ERR_clear_error();
        return ALTROOT_E_NOMEM;
    }
    SSL_set_accept_state(t->ssl);
    SSL_set_msg_callback(t->ssl, tap_cb);
    SSL_set_msg_callback_arg(t->ssl, &t->tap);
    *out = t;
    return ALTROOT_OK;
}

/* Map SSL_get_error() after a failed step: a wait, or a fatal error that breaks the session. */
static altroot_err step_result(altroot_tls_event *t, int rc, altroot_err fatal,
                               altroot_tls_want *want)
{
    int e = SSL_get_error(t->ssl, rc);
    ERR_clear_error();
    if (e == SSL_ERROR_WANT_READ) {
        *want = ALTROOT_TLS_WANT_READ;
        return ALTROOT_OK;
    }
    if (e == SSL_ERROR_WANT_WRITE) {
        *want = ALTROOT_TLS_WANT_WRITE;
        return ALTROOT_OK;
    }
    t->broken = true;
    SSL_set_quiet_shutdown(t->ssl, 1);
    return fatal;
}

altroot_err altroot_tls_event_handshake(altroot_tls_event *tls, altroot_tls_want *want)
{
    ENSURE(tls != NULL && want != NULL && !tls->broken, ALTROOT_E_INTERNAL);
    ERR_clear_error();
    int rc = SSL_do_handshake(tls->ssl);
    if (rc == 1) {
        tls->established = true;
        *want = ALTROOT_TLS_WANT_NONE;
        return ALTROOT_OK;
    }
    bool not_tls = tls->tap.saw_record && !tls->tap.tls_like;
    altroot_err fatal = not_tls ? ALTROOT_E_NOT_TLS : ALTROOT_E_TLS_HANDSHAKE;
    altroot_err err = step_result(tls, rc, fatal, want);
    if (err != ALTROOT_OK || !not_tls)
        return err;
    /* A first header with a record type outside 20..24 but the 0x03 version byte and a plausible
     * length passes OpenSSL's first checks, which would then wait for that many bytes of body
     * (until the caller's deadline). The header already says it is not TLS: end here. */
    tls->broken = true;
    SSL_set_quiet_shutdown(tls->ssl, 1);
    return ALTROOT_E_NOT_TLS;
}

altroot_err altroot_tls_event_read(altroot_tls_event *tls, void *buf, size_t len, size_t *got,
                                   altroot_tls_want *want)
{
    ENSURE(tls != NULL && buf != NULL && len > 0 && got != NULL && want != NULL,
           ALTROOT_E_INTERNAL);
    ENSURE(tls->established && !tls->broken, ALTROOT_E_INTERNAL);
    size_t n = 0;
    ERR_clear_error();
    *got = 0;
    int rc = SSL_read_ex(tls->ssl, buf, len, &n);
    if (rc == 1) {
        *got = n;
        *want = ALTROOT_TLS_WANT_NONE;
        return ALTROOT_OK;
    }
    if (SSL_get_error(tls->ssl, rc) == SSL_ERROR_ZERO_RETURN) {
        ERR_clear_error();
        *want = ALTROOT_TLS_WANT_NONE;
        return ALTROOT_OK;
    }
    return step_result(tls, rc, ALTROOT_E_IO, want);
}

altroot_err altroot_tls_event_write(altroot_tls_event *tls, const void *buf, size_t len,
                                    size_t *put, altroot_tls_want *want)
{
    ENSURE(tls != NULL && buf != NULL && len > 0 && put != NULL && want != NULL,
           ALTROOT_E_INTERNAL);
    ENSURE(tls->established && !tls->broken, ALTROOT_E_INTERNAL);
    size_t n = 0;
    ERR_clear_error();
    *put = 0;
    int rc = SSL_write_ex(tls->ssl, buf, len, &n);
    if (rc == 1) {
        *put = n;
        *want = ALTROOT_TLS_WANT_NONE;
        return ALTROOT_OK;
    }
    return step_result(tls, rc, ALTROOT_E_IO, want);
}

void altroot_tls_event_free(altroot_tls_event *tls)
{
    if (tls == NULL)
        return;
    /* One non-blocking attempt at close_notify (RFC 8446 6.1); the peer's reply is not awaited,
     * which the RFC allows for the side that closes. */
    if (tls->established && !tls->broken)
        (void)SSL_shutdown(tls->ssl);
    SSL_free(tls->ssl);
    ERR_clear_error();
    altroot_free(tls);
}

const char *altroot_tls_event_version(const altroot_tls_event *tls)
{
    return SSL_get_version(tls->ssl);
}

const char *altroot_tls_event_cipher(const altroot_tls_event *tls)
{
    return SSL_get_cipher_name(tls->ssl);
}
