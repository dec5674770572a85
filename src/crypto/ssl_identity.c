/* A TLS server's identity from the crypto layer's objects (OpenSSL libssl), for src/tls. */
#include <openssl/ssl.h>

#include "ossl.h"

bool altroot_ssl_identity_usable(const altroot_certs *chain, const altroot_key *key)
{
    return chain != NULL && chain->count > 0 && key != NULL && key->has_private;
}

altroot_err altroot_ssl_ctx_set_identity(SSL_CTX *ctx, const altroot_certs *chain,
                                         const altroot_key *key)
{
    OSSL_ENSURE(SSL_CTX_use_certificate(ctx, chain->items[0]->x509), ALTROOT_E_CRYPTO);
    for (size_t i = 1; i < chain->count; i++)
        OSSL_ENSURE(SSL_CTX_add1_chain_cert(ctx, chain->items[i]->x509), ALTROOT_E_CRYPTO);
    OSSL_ENSURE(SSL_CTX_use_PrivateKey(ctx, key->pkey), ALTROOT_E_ARG);
    OSSL_ENSURE(SSL_CTX_check_private_key(ctx), ALTROOT_E_ARG);
    return ALTROOT_OK;
}
