/*
 * TLS integration: `altroot connect` as a library call, plus a minimal TLS session API for
 * servers and clients (blocking sockets, caller-owned file descriptors).
 */
#ifndef ALTROOT_TLS_H
#define ALTROOT_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <altroot/error.h>
#include <altroot/export.h>
#include <altroot/list.h>
#include <altroot/trust.h>
#include <altroot/verdict.h>
#include <altroot/x509.h>

/* ---- URLs ---- */

typedef struct altroot_url {
    char *host;      /* owned: name, or IP literal without brackets */
    uint16_t port;   /* 443 when absent */
    bool host_is_ip; /* IPv4 or IPv6 literal */
    char *path;      /* owned: "/" when absent */
} altroot_url;

/* Parse "https://host[:port][/path]" (host: DNS name, IPv4, or [IPv6]). Userinfo, other schemes,
 * control characters and malformed ports fail with E_URL. Caller clears with
 * altroot_url_clear(). */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_url_parse(const char *text, altroot_url *out);
ALTROOT_API void altroot_url_clear(altroot_url *url);

/* ---- connect: one connection, one verdict ---- */

/* Which roots a connection consults (`--mode`). Baseline roots are the Web PKI and local-ca. */
typedef enum altroot_eval_mode {
    ALTROOT_EVAL_AUTO = 0,      /* every root: baseline, primary and the evidence extension */
    ALTROOT_EVAL_PRIMARY = 1,   /* baseline and primary (the presented chain under an alternative
                                   anchor); evidence in the certificate is ignored */
    ALTROOT_EVAL_SECONDARY = 2, /* baseline and the evidence extension; no primary chains */
    ALTROOT_EVAL_WEBPKI = 3,    /* the Web PKI alone */
} altroot_eval_mode;

/* "auto", "primary", "secondary", "webpki" to a mode; E_ARG for anything else. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_eval_mode_parse(const char *text,
                                                                   altroot_eval_mode *out);

typedef struct altroot_connect_options {
    const altroot_trust_store *store;    /* borrowed; Web PKI and local-ca anchors */
    altroot_time at;                     /* verification time */
    int timeout_ms;                      /* the connect, and the whole handshake, each; <= 0
                                            means 10 s */
    const char *connect_to;              /* borrowed; an address to connect to instead of resolving
                                            the URL's host, which is still the name verified and
                                            sent as SNI (like curl --connect-to); NULL: resolve */
    altroot_eval_mode mode;              /* which roots decide; ALTROOT_EVAL_AUTO: all */
    struct altroot_verdict_cache *cache; /* borrowed, may be NULL: reuse verdicts for repeat
                                            connections (include/altroot/verdict_cache.h) */
} altroot_connect_options;

/* Connect to `url`, complete a TLS handshake (TLS 1.2 or 1.3), and decide trust. Returns OK when
 * a verdict was produced (look at out->decision), including for a peer that does not speak TLS;
 * E_URL, E_RESOLVE, E_CONNECT or E_TIMEOUT when the peer could not be reached (out still holds
 * the target and a failure). Clear `out` with altroot_verdict_clear(). */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_connect(const char *url,
                                                           const altroot_connect_options *options,
                                                           altroot_verdict *out);

/* Evaluation of a presented chain (leaf first) without a connection: the baseline roots (Web
 * PKI, local-ca), the primary roots (a Matter NOC chain, an IDevID/LDevID chain, an FDO
 * owner-issued certificate), the evidence extension (secondary), name binding, certificate
 * class and the class the alternative roots lift it to, and the decision. `host` is a DNS name or
 * an IP literal. Adds to `out`, which the caller initialised. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_evaluate_chain(const altroot_certs *chain,
                                                                  const char *host,
                                                                  const altroot_trust_store *store,
                                                                  altroot_time at,
                                                                  altroot_verdict *out);
/* The same, consulting only the roots `mode` names. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_evaluate_chain_mode(
    const altroot_certs *chain, const char *host, const altroot_trust_store *store, altroot_time at,
    altroot_eval_mode mode, altroot_verdict *out);

/* ---- sessions ---- */

typedef struct altroot_tls altroot_tls;               /* one TLS connection */
typedef struct altroot_tls_server altroot_tls_server; /* a server's certificate and key */

/* altroot_connect(), keeping the connection it judged. On OK with a TLS session, *tls is that
 * session and *fd its socket: the verdict in `out` is about exactly the certificate this session
 * received, so bytes read from it are the judged peer's. The caller frees *tls
 * (altroot_tls_free), then closes *fd. *tls is NULL and *fd -1 when no session resulted (a peer
 * that does not speak TLS) and on every error. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err
altroot_connect_session(const char *url, const altroot_connect_options *options,
                        altroot_verdict *out, altroot_tls **tls, int *fd);

/* `chain` (leaf first) and `key` are referenced, not copied; they may be freed after this call.
 * Caller frees with altroot_tls_server_free(). */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_tls_server_new(const altroot_certs *chain,
                                                                  const altroot_key *key,
                                                                  altroot_tls_server **out);
ALTROOT_API void altroot_tls_server_free(altroot_tls_server *server);

/* Server handshake on connected socket `fd` (borrowed; the caller closes it after
 * altroot_tls_free()), finished within `timeout_ms` (<= 0: 10 s) or E_TIMEOUT. Later reads and
 * writes each time out after `timeout_ms`. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_tls_accept(altroot_tls_server *server, int fd,
                                                              int timeout_ms, altroot_tls **out);

/* Client handshake on `fd` (borrowed). `sni` is the server name to send, or NULL (never an IP
 * literal: RFC 6066 3). The peer's chain is not judged here: callers verify it with an explicit
 * time through altroot_evaluate_chain(). The handshake itself still proves that the peer holds
 * the leaf's private key. The whole handshake must finish within `timeout_ms` (<= 0: 10 s), or
 * E_TIMEOUT. Failures are described in `why` (may be NULL). */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_tls_connect(int fd, const char *sni,
                                                               int timeout_ms, altroot_tls **out,
                                                               altroot_failures *why);

/* Read up to `len` bytes; *got = 0 at a clean end of stream. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_tls_read(altroot_tls *tls, void *buf, size_t len,
                                                            size_t *got);
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_tls_write(altroot_tls *tls, const void *buf,
                                                             size_t len);
/* Sends close_notify (best effort) and frees. The fd stays open. NULL is a no-op. */
ALTROOT_API void altroot_tls_free(altroot_tls *tls);
/* The certificates the peer presented, leaf first; caller frees with altroot_certs_free(). */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_tls_peer_chain(const altroot_tls *tls,
                                                                  altroot_certs **out);
/* Relay application data both ways between two established sessions until either peer closes
 * with close_notify (OK, after the other side's pending bytes are written), a session breaks
 * (E_IO: a TCP end without close_notify is a break, since anyone on the path can send one), or
 * nothing moves for `idle_ms` (E_TIMEOUT; <= 0: 60 s). After an error neither session sends
 * close_notify when freed, so no peer takes a cut stream for a complete one. Both sockets are
 * non-blocking while it runs and get their flags back. Bytes are passed unchanged and in order;
 * nothing is buffered beyond one record per direction. Neither session is freed. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_tls_relay(altroot_tls *a, altroot_tls *b,
                                                             int idle_ms);
/* "TLSv1.3" and the cipher suite name; borrowed, valid while `tls` lives. */
ALTROOT_API const char *altroot_tls_version(const altroot_tls *tls);
ALTROOT_API const char *altroot_tls_cipher(const altroot_tls *tls);

/* ---- the altroot verifier inside other TLS clients ---- */

/* OpenSSL's types, declared without including OpenSSL: pass your SSL_CTX * and SSL *. */
struct ssl_ctx_st;
struct ssl_st;

typedef struct altroot_verifier_config {
    const altroot_trust_store *store;    /* borrowed; must outlive every connection made */
    altroot_time at;                     /* verification time; 0 means the system clock */
    const char *host;                    /* borrowed; the name or address asked for, or NULL to use
                                            the SNI name the client sends. With neither, no name
                                            is checked, so nothing is trusted (rule 7,
                                            E_NAME_MISMATCH, for a Web PKI chain) */
    struct altroot_verdict_cache *cache; /* borrowed, may be NULL: reuse verdicts for repeat
                                            handshakes with the same device */
} altroot_verifier_config;

/* Replace OpenSSL's chain verification on `ctx` with altroot's: each handshake's chain is judged
 * with altroot_evaluate_chain(); only a `trusted` decision lets the handshake complete (fail
 * closed: OpenSSL sees X509_V_ERR_APPLICATION_VERIFICATION otherwise). `cfg` is copied; the
 * store it points to is borrowed. Sets SSL_VERIFY_PEER. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err
altroot_ssl_ctx_install(struct ssl_ctx_st *ctx, const altroot_verifier_config *cfg);

/* Move the verdict of the handshake on `ssl` into `out` (which the caller initialised; its
 * previous contents are cleared). E_NOT_FOUND when no chain was judged on this connection, or
 * the verdict was already taken. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_ssl_take_verdict(struct ssl_st *ssl,
                                                                    altroot_verdict *out);

/* libcurl in one call. The hook is caller-owned and borrowed: it must outlive every transfer
 * of the handle. */
typedef struct altroot_curl_hook {
    altroot_verifier_config cfg;
    altroot_verdict *verdict; /* borrowed; receives the verdict of each handshake */
} altroot_curl_hook;

/* Install the verifier on `curl` (a CURL * easy handle using the OpenSSL backend) through
 * CURLOPT_SSL_CTX_FUNCTION. libcurl's own host check is turned off, because the verdict binds
 * the name (a Matter operational name is not a SAN), and its CA store is never consulted;
 * session reuse is off, so every transfer is judged. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_curl_install(void *curl,
                                                                altroot_curl_hook *hook);

#endif
