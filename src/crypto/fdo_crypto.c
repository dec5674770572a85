/* Primitives for the FDO module behind the crypto boundary (include/altroot/fdo_crypto.h). */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <altroot/alloc.h>
#include <altroot/fdo_crypto.h>

#include "ossl.h"

altroot_err altroot_hmac(altroot_hmac_alg alg, altroot_span key, altroot_span data, uint8_t *out,
                         size_t out_len)
{
    static const uint8_t empty = 0;
    const EVP_MD *md = alg == ALTROOT_HMAC_SHA256   ? EVP_sha256()
                       : alg == ALTROOT_HMAC_SHA384 ? EVP_sha384()
                                                    : NULL;
    ENSURE(md != NULL && out != NULL, ALTROOT_E_ARG);
    ENSURE(out_len >= (size_t)EVP_MD_get_size(md), ALTROOT_E_ARG);
    ENSURE(key.len <= INT32_MAX, ALTROOT_E_ARG);
    unsigned int len = 0;
    unsigned char *r = HMAC(md, key.ptr != NULL ? key.ptr : &empty, (int)key.len,
                            data.ptr != NULL ? data.ptr : &empty, data.len, out, &len);
    if (r == NULL) {
        ERR_clear_error();
        return ALTROOT_E_CRYPTO;
    }
    return ALTROOT_OK;
}

size_t altroot_key_bits(const altroot_key *key)
{
    if (key == NULL || key->pkey == NULL)
        return 0;
    int bits = EVP_PKEY_get_bits(key->pkey);
    return bits > 0 ? (size_t)bits : 0;
}

uint64_t altroot_key_rsa_exponent(const altroot_key *key)
{
    BIGNUM *e = NULL;
    if (key == NULL || EVP_PKEY_get_base_id(key->pkey) != EVP_PKEY_RSA ||
        !OSSL_OK(EVP_PKEY_get_bn_param(key->pkey, OSSL_PKEY_PARAM_RSA_E, &e))) {
        ERR_clear_error();
        return 0;
    }
    uint64_t v = BN_num_bits(e) <= 64 ? (uint64_t)BN_get_word(e) : 0;
    BN_free(e);
    return v;
}

static altroot_err bn_param(const EVP_PKEY *pk, const char *name, altroot_bytes *out)
{
    BIGNUM *bn = NULL;
    if (!OSSL_OK(EVP_PKEY_get_bn_param(pk, name, &bn))) {
        ERR_clear_error();
        return ALTROOT_E_KEY_PARSE;
    }
    altroot_err err = ALTROOT_OK;
    int len = BN_num_bytes(bn);
    uint8_t *buf = altroot_malloc(len > 0 ? (size_t)len : 1);
    ENSURE_GOTO(buf != NULL, ALTROOT_E_NOMEM);
    ENSURE_GOTO(BN_bn2bin(bn, buf) == len, ALTROOT_E_CRYPTO);
    err = altroot_bytes_append(out, buf, (size_t)len);
out:
    altroot_free(buf);
    BN_free(bn);
    return err;
}

altroot_err altroot_key_rsa_parts(const altroot_key *key, altroot_bytes *n, altroot_bytes *e)
{
    ENSURE(key != NULL && EVP_PKEY_get_base_id(key->pkey) == EVP_PKEY_RSA, ALTROOT_E_KEY_PARSE);
    TRY(bn_param(key->pkey, OSSL_PKEY_PARAM_RSA_N, n));
    return bn_param(key->pkey, OSSL_PKEY_PARAM_RSA_E, e);
}

altroot_err altroot_key_generate_rsa(size_t bits, altroot_key **out)
{
    ENSURE(bits == 2048 || bits == 3072 || bits == 4096, ALTROOT_E_ARG);
    EVP_PKEY *pk = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", bits);
    if (pk == NULL) {
        ERR_clear_error();
        return ALTROOT_E_CRYPTO;
    }
    return altroot_key_wrap(pk, true, out);
}

altroot_err altroot_random_bytes(uint8_t *out, size_t len)
{
    ENSURE(len <= INT32_MAX, ALTROOT_E_ARG);
    if (len == 0)
        return ALTROOT_OK;
    if (!OSSL_OK(RAND_bytes(out, (int)len))) {
        ERR_clear_error();
        return ALTROOT_E_CRYPTO;
    }
    return ALTROOT_OK;
}
