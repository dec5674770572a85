/*
 * What src/crypto offers src/tls, the TLS transport and the verifier hooks: the OpenSSL result
 * guards and the OpenSSL objects they exchange with the crypto layer. Only src/crypto and
 * src/tls include it (both may include <openssl/...> headers); the object layouts stay in
 * ossl.h.
 */
#ifndef ALTROOT_CRYPTO_OSSL_TLS_H
#define ALTROOT_CRYPTO_OSSL_TLS_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/x509.h>

#include <altroot/x509.h>

#include "../core/guard.h"

/* OpenSSL functions return 1 on success; anything else (0, -1, other) is failure. */
#define OSSL_OK(expr) ((expr) == 1)
#define OSSL_ENSURE(expr, code) ENSURE(OSSL_OK(expr), code)
#define OSSL_ENSURE_GOTO(expr, code) ENSURE_GOTO(OSSL_OK(expr), code)

/* Wrap an X509 (ownership taken, also on failure) into a new altroot_cert. */
ALTROOT_MUST_CHECK altroot_err altroot_cert_wrap_x509(X509 *x509, altroot_cert **out);
/* A server SSL_CTX's certificate chain (leaf first) and private key, checked to match. Needs
 * <openssl/ssl.h> for SSL_CTX (ssl_identity.c, for src/tls/tls.c and tls_event.c). */
struct ssl_ctx_st;
ALTROOT_MUST_CHECK altroot_err altroot_ssl_ctx_set_identity(struct ssl_ctx_st *ctx,
                                                            const altroot_certs *chain,
                                                            const altroot_key *key);
/* Whether `chain` has a leaf and `key` a private key: what a TLS server identity needs. */
bool altroot_ssl_identity_usable(const altroot_certs *chain, const altroot_key *key);
/* Drain OpenSSL's error queue into a one-line description (may be empty). */
void altroot_ossl_error_line(char *out, size_t len);

#endif
