/* Signature verification and signing for every algorithm the roots of trust use. */
#include <stdatomic.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "ossl.h"
#include "sig_count.h"

static _Atomic uint64_t sig_verified;

uint64_t altroot_sig_count(void)
{
    return atomic_load_explicit(&sig_verified, memory_order_relaxed);
}

void altroot_sig_count_add(uint64_t n)
{
    atomic_fetch_add_explicit(&sig_verified, n, memory_order_relaxed);
}

typedef struct alg_desc {
    const char *digest;
    int key_type;       /* EVP_PKEY_EC or EVP_PKEY_RSA */
    const char *curve;  /* group name for ECDSA */
    size_t field_bytes; /* r and s length in the raw form */
    bool pss;
} alg_desc;

static const alg_desc *describe(altroot_sig_alg alg)
{
    static const alg_desc es256 = {"SHA256", EVP_PKEY_EC, "prime256v1", 32, false};
    static const alg_desc es384 = {"SHA384", EVP_PKEY_EC, "secp384r1", 48, false};
    static const alg_desc rs256 = {"SHA256", EVP_PKEY_RSA, NULL, 0, false};
    static const alg_desc rs384 = {"SHA384", EVP_PKEY_RSA, NULL, 0, false};
    static const alg_desc ps256 = {"SHA256", EVP_PKEY_RSA, NULL, 0, true};
    static const alg_desc ps384 = {"SHA384", EVP_PKEY_RSA, NULL, 0, true};
    switch (alg) {
    case ALTROOT_SIG_ECDSA_P256_SHA256:
        return &es256;
    case ALTROOT_SIG_ECDSA_P384_SHA384:
        return &es384;
    case ALTROOT_SIG_RSA_PKCS1_SHA256:
        return &rs256;
    case ALTROOT_SIG_RSA_PKCS1_SHA384:
        return &rs384;
    case ALTROOT_SIG_RSA_PSS_SHA256:
        return &ps256;
    case ALTROOT_SIG_RSA_PSS_SHA384:
        return &ps384;
    }
    return NULL;
}

static bool key_fits(const EVP_PKEY *pk, const alg_desc *d)
{
    if (EVP_PKEY_get_base_id(pk) != d->key_type)
        return false;
    if (d->key_type == EVP_PKEY_RSA)
        return EVP_PKEY_get_bits(pk) >= 2048;
    char group[64];
    size_t len = 0;
    return EVP_PKEY_get_group_name(pk, group, sizeof group, &len) == 1 &&
           strcmp(group, d->curve) == 0;
}

/* COSE and Matter carry r||s, each left-padded to the field size; OpenSSL wants DER. */
static altroot_err raw_to_der(altroot_span raw, size_t field, unsigned char **der, int *der_len)
{
    ENSURE(raw.len == 2 * field, ALTROOT_E_MALFORMED);
    ECDSA_SIG *sig = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(raw.ptr, (int)field, NULL);
    BIGNUM *s = BN_bin2bn(raw.ptr + field, (int)field, NULL);
    if (sig == NULL || r == NULL || s == NULL || !OSSL_OK(ECDSA_SIG_set0(sig, r, s))) {
        BN_free(r);
        BN_free(s);
        ECDSA_SIG_free(sig);
        return ALTROOT_E_NOMEM;
    }
    *der = NULL;
    *der_len = i2d_ECDSA_SIG(sig, der);
    ECDSA_SIG_free(sig);
    return *der_len > 0 ? ALTROOT_OK : ALTROOT_E_NOMEM;
}

static altroot_err der_to_raw(const unsigned char *der, size_t len, size_t field,
                              altroot_bytes *out)
{
    const unsigned char *p = der;
    ECDSA_SIG *sig = d2i_ECDSA_SIG(NULL, &p, (long)len);
    ENSURE(sig != NULL, ALTROOT_E_CRYPTO);
    uint8_t raw[2 * 66];
    const BIGNUM *r = NULL, *s = NULL;
    ECDSA_SIG_get0(sig, &r, &s);
    bool ok = BN_bn2binpad(r, raw, (int)field) == (int)field &&
              BN_bn2binpad(s, raw + field, (int)field) == (int)field;
    ECDSA_SIG_free(sig);
    ENSURE(ok, ALTROOT_E_CRYPTO);
    return altroot_bytes_append(out, raw, 2 * field);
}

static altroot_err set_padding(EVP_PKEY_CTX *pctx, const alg_desc *d)
{
    if (d->key_type != EVP_PKEY_RSA)
        return ALTROOT_OK;
    OSSL_ENSURE(
        EVP_PKEY_CTX_set_rsa_padding(pctx, d->pss ? RSA_PKCS1_PSS_PADDING : RSA_PKCS1_PADDING),
        ALTROOT_E_CRYPTO);
    /* RFC 8230 2: PS256/PS384 use MGF1 with the same hash and a salt as long as the hash. */
    if (d->pss)
        OSSL_ENSURE(EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST),
                    ALTROOT_E_CRYPTO);
    return ALTROOT_OK;
}

altroot_err altroot_verify_signature(const altroot_key *key, altroot_sig_alg alg,
                                     altroot_sig_format format, altroot_span data, altroot_span sig)
{
    const alg_desc *d = describe(alg);
    ENSURE(key != NULL && d != NULL, ALTROOT_E_INTERNAL);
    ENSURE(key_fits(key->pkey, d), ALTROOT_E_KEY_PARSE);
    ENSURE(sig.ptr != NULL && sig.len > 0 && sig.len <= 1024, ALTROOT_E_MALFORMED);
    unsigned char *der = NULL;
    int der_len = (int)sig.len;
    if (d->key_type == EVP_PKEY_EC && format == ALTROOT_SIG_FORMAT_RAW)
        TRY(raw_to_der(sig, d->field_bytes, &der, &der_len));
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    altroot_err err = ALTROOT_OK;
    ENSURE_GOTO(md != NULL, ALTROOT_E_NOMEM);
    OSSL_ENSURE_GOTO(EVP_DigestVerifyInit_ex(md, &pctx, d->digest, NULL, NULL, key->pkey, NULL),
                     ALTROOT_E_CRYPTO);
    TRY_GOTO(set_padding(pctx, d));
    altroot_sig_count_add(1);
    int rc = EVP_DigestVerify(md, der != NULL ? der : sig.ptr, (size_t)der_len,
                              data.ptr != NULL ? data.ptr : (const unsigned char *)"", data.len);
    err = rc == 1 ? ALTROOT_OK : ALTROOT_E_SIGNATURE;
out:
    EVP_MD_CTX_free(md);
    OPENSSL_free(der);
    ERR_clear_error();
    return err;
}

altroot_err altroot_sign(const altroot_key *key, altroot_sig_alg alg, altroot_sig_format format,
                         altroot_span data, altroot_bytes *out)
{
    const alg_desc *d = describe(alg);
    ENSURE(key != NULL && d != NULL && out != NULL, ALTROOT_E_INTERNAL);
    ENSURE(key->has_private && key_fits(key->pkey, d), ALTROOT_E_KEY_PARSE);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    unsigned char *sig = NULL;
    size_t len = 0;
    altroot_err err = ALTROOT_OK;
    ENSURE_GOTO(md != NULL, ALTROOT_E_NOMEM);
    OSSL_ENSURE_GOTO(EVP_DigestSignInit_ex(md, &pctx, d->digest, NULL, NULL, key->pkey, NULL),
                     ALTROOT_E_CRYPTO);
    TRY_GOTO(set_padding(pctx, d));
    OSSL_ENSURE_GOTO(EVP_DigestSign(md, NULL, &len, data.ptr, data.len), ALTROOT_E_CRYPTO);
    sig = OPENSSL_malloc(len);
    ENSURE_GOTO(sig != NULL, ALTROOT_E_NOMEM);
    OSSL_ENSURE_GOTO(EVP_DigestSign(md, sig, &len, data.ptr, data.len), ALTROOT_E_CRYPTO);
    if (d->key_type == EVP_PKEY_EC && format == ALTROOT_SIG_FORMAT_RAW)
        err = der_to_raw(sig, len, d->field_bytes, out);
    else
        err = altroot_bytes_append(out, sig, len);
out:
    EVP_MD_CTX_free(md);
    OPENSSL_free(sig);
    ERR_clear_error();
    return err;
}
