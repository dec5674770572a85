/* Public keys from and to their raw parts (COSE_Key, Matter certificates, FDO vouchers). */
#include <pthread.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>

#include "ossl.h"

static EVP_PKEY *from_params(const char *type, OSSL_PARAM_BLD *bld)
{
    OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
    EVP_PKEY *pk = NULL;
    if (params == NULL || ctx == NULL || !OSSL_OK(EVP_PKEY_fromdata_init(ctx)) ||
        !OSSL_OK(EVP_PKEY_fromdata(ctx, &pk, EVP_PKEY_PUBLIC_KEY, params))) {
        EVP_PKEY_free(pk);
        pk = NULL;
    }
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    return pk;
}

/* One parameter-only key per curve, made once: each key from a point copies its group instead
 * of building the curve from its name (EVP_PKEY_fromdata does that every time, at several
 * times the cost of the point decoding). */
static EVP_PKEY *curve_templates[2];
static pthread_once_t curve_once = PTHREAD_ONCE_INIT;

static void make_curve_templates(void)
{
    static const char *const names[] = {"P-256", "P-384"};
    for (int i = 0; i < 2; i++) {
        EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
        if (ctx == NULL || !OSSL_OK(EVP_PKEY_paramgen_init(ctx)) ||
            !OSSL_OK(EVP_PKEY_CTX_set_group_name(ctx, names[i])) ||
            !OSSL_OK(EVP_PKEY_paramgen(ctx, &curve_templates[i])))
            curve_templates[i] = NULL;
        EVP_PKEY_CTX_free(ctx);
    }
    ERR_clear_error();
}

altroot_err altroot_key_from_ec_point(altroot_key_type type, altroot_span point, altroot_key **out)
{
    ENSURE(out != NULL, ALTROOT_E_INTERNAL);
    ENSURE(type == ALTROOT_KEY_EC_P256 || type == ALTROOT_KEY_EC_P384, ALTROOT_E_ARG);
    size_t field = type == ALTROOT_KEY_EC_P256 ? 32 : 48;
    /* SEC 1 2.3.3: only the uncompressed form 0x04 || X || Y is accepted. */
    ENSURE(point.ptr != NULL && point.len == 1 + 2 * field && point.ptr[0] == 0x04,
           ALTROOT_E_KEY_PARSE);
    ENSURE(pthread_once(&curve_once, make_curve_templates) == 0, ALTROOT_E_CRYPTO);
    EVP_PKEY *tmpl = curve_templates[type == ALTROOT_KEY_EC_P256 ? 0 : 1];
    ENSURE(tmpl != NULL, ALTROOT_E_CRYPTO);
    EVP_PKEY *pk = EVP_PKEY_new();
    ENSURE(pk != NULL, ALTROOT_E_NOMEM);
    /* SEC 1 2.3.4 via EC_POINT_oct2point, which refuses a point that is not on the curve; a
     * P-256 or P-384 point on the curve (cofactor 1, and the uncompressed form cannot encode
     * the point at infinity) is a valid public key. */
    if (!OSSL_OK(EVP_PKEY_copy_parameters(pk, tmpl)) ||
        !OSSL_OK(EVP_PKEY_set1_encoded_public_key(pk, point.ptr, point.len))) {
        EVP_PKEY_free(pk);
        ERR_clear_error();
        return ALTROOT_E_KEY_PARSE;
    }
    return altroot_key_wrap(pk, false, out);
}

/* RFC 5480 SubjectPublicKeyInfo of a named-curve EC key, up to the uncompressed point: the
 * exact DER OpenSSL writes. Keys in this form are read and written here without OpenSSL 3.0's
 * decoder and encoder contexts, which cost more than the signature check they serve. */
static const uint8_t spki_p256[] = {0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48,
                                    0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48,
                                    0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00};
static const uint8_t spki_p384[] = {0x30, 0x76, 0x30, 0x10, 0x06, 0x07, 0x2a, 0x86,
                                    0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x05, 0x2b,
                                    0x81, 0x04, 0x00, 0x22, 0x03, 0x62, 0x00};

static bool ec_spki_header(altroot_key_type type, altroot_span *header)
{
    if (type == ALTROOT_KEY_EC_P256)
        *header = (altroot_span){spki_p256, sizeof spki_p256};
    else if (type == ALTROOT_KEY_EC_P384)
        *header = (altroot_span){spki_p384, sizeof spki_p384};
    else
        return false;
    return true;
}

bool crypto_ec_spki_point(altroot_span der, altroot_key_type *type, altroot_span *point)
{
    static const altroot_key_type types[] = {ALTROOT_KEY_EC_P256, ALTROOT_KEY_EC_P384};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        altroot_span h;
        size_t field = types[i] == ALTROOT_KEY_EC_P256 ? 32 : 48;
        if (ec_spki_header(types[i], &h) && der.len == h.len + 1 + 2 * field &&
            memcmp(der.ptr, h.ptr, h.len) == 0 && der.ptr[h.len] == 0x04) {
            *type = types[i];
            *point = (altroot_span){der.ptr + h.len, der.len - h.len};
            return true;
        }
    }
    return false;
}

altroot_err altroot_key_from_rsa(altroot_span n, altroot_span e, altroot_key **out)
{
    ENSURE(out != NULL, ALTROOT_E_INTERNAL);
    ENSURE(n.ptr != NULL && n.len >= 256 && n.len <= 1024 && e.ptr != NULL && e.len > 0 &&
               e.len <= 8,
           ALTROOT_E_KEY_PARSE);
    BIGNUM *bn_n = BN_bin2bn(n.ptr, (int)n.len, NULL), *bn_e = BN_bin2bn(e.ptr, (int)e.len, NULL);
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    EVP_PKEY *pk = NULL;
    if (bn_n != NULL && bn_e != NULL && bld != NULL && BN_num_bits(bn_n) >= 2048 &&
        BN_is_odd(bn_e) && !BN_is_one(bn_e) &&
        OSSL_OK(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n)) &&
        OSSL_OK(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e)))
        pk = from_params("RSA", bld);
    OSSL_PARAM_BLD_free(bld);
    BN_free(bn_n);
    BN_free(bn_e);
    ERR_clear_error();
    ENSURE(pk != NULL, ALTROOT_E_KEY_PARSE);
    return altroot_key_wrap(pk, false, out);
}

altroot_err altroot_key_ec_point(const altroot_key *key, altroot_bytes *out)
{
    ENSURE(key != NULL && out != NULL, ALTROOT_E_INTERNAL);
    ENSURE(EVP_PKEY_get_base_id(key->pkey) == EVP_PKEY_EC, ALTROOT_E_KEY_PARSE);
    uint8_t buf[133];
    size_t len = 0;
    /* Keys made here and parsed keys both carry the uncompressed form by default. */
    if (!OSSL_OK(EVP_PKEY_get_octet_string_param(key->pkey, OSSL_PKEY_PARAM_PUB_KEY, buf,
                                                 sizeof buf, &len)) ||
        len == 0 || buf[0] != 0x04) {
        ERR_clear_error();
        return ALTROOT_E_KEY_PARSE;
    }
    return altroot_bytes_append(out, buf, len);
}

altroot_err altroot_key_spki_der(const altroot_key *key, altroot_bytes *out)
{
    ENSURE(key != NULL && out != NULL, ALTROOT_E_INTERNAL);
    altroot_span header;
    if (ec_spki_header(altroot_key_get_type(key), &header)) {
        size_t before = out->len;
        TRY(altroot_bytes_append(out, header.ptr, header.len));
        altroot_err err = altroot_key_ec_point(key, out);
        if (err != ALTROOT_OK)
            out->len = before;
        return err;
    }
    unsigned char *der = NULL;
    int n = i2d_PUBKEY(key->pkey, &der);
    ENSURE(n > 0, ALTROOT_E_CRYPTO);
    altroot_err err = altroot_bytes_append(out, der, (size_t)n);
    OPENSSL_free(der);
    return err;
}

altroot_key_type altroot_key_get_type(const altroot_key *key)
{
    if (key == NULL)
        return 0;
    if (EVP_PKEY_get_base_id(key->pkey) == EVP_PKEY_RSA)
        return ALTROOT_KEY_RSA_2048;
    char group[32];
    size_t len = 0;
    if (EVP_PKEY_get_base_id(key->pkey) != EVP_PKEY_EC ||
        EVP_PKEY_get_group_name(key->pkey, group, sizeof group, &len) != 1)
        return 0;
    return strcmp(group, "prime256v1") == 0  ? ALTROOT_KEY_EC_P256
           : strcmp(group, "secp384r1") == 0 ? ALTROOT_KEY_EC_P384
                                             : 0;
}
