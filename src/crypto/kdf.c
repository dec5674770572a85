#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>

#include <altroot/alloc.h>

#include "kdf.h"
#include "ossl.h"

/* RFC 5869 2.3: L <= 255*HashLen */
#define HKDF_SHA256_MAX_OUT ((size_t)255 * 32)

/* OpenSSL wants non-NULL pointers even for empty octet strings. */
static void *octets(altroot_span s)
{
    static uint8_t empty;
    return s.ptr != NULL ? (void *)s.ptr : &empty;
}

altroot_err altroot_hkdf_sha256(altroot_span salt, altroot_span ikm, altroot_span info,
                                uint8_t *out, size_t outlen)
{
    ENSURE(out != NULL && outlen > 0 && outlen <= HKDF_SHA256_MAX_OUT, ALTROOT_E_ARG);
    altroot_err err = ALTROOT_OK;
    uint8_t tmp[HKDF_SHA256_MAX_OUT];
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, OSSL_KDF_NAME_HKDF, NULL);
    EVP_KDF_CTX *ctx = kdf != NULL ? EVP_KDF_CTX_new(kdf) : NULL;
    ENSURE_GOTO(ctx != NULL, ALTROOT_E_CRYPTO);
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)"SHA256", 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, octets(ikm), ikm.len),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, octets(salt), salt.len),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, octets(info), info.len),
        OSSL_PARAM_construct_end()};
    OSSL_ENSURE_GOTO(EVP_KDF_derive(ctx, tmp, outlen, params), ALTROOT_E_CRYPTO);
    memcpy(out, tmp, outlen);
out:
    altroot_wipe(tmp, sizeof tmp);
    EVP_KDF_CTX_free(ctx);
    EVP_KDF_free(kdf);
    return err;
}
