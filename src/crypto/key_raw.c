/* Public keys from and to their raw parts (COSE_Key, Matter certificates, FDO vouchers). */
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

/* EVP_PKEY_fromdata does not check that the point is on the curve; this does. */
static bool public_key_valid(EVP_PKEY *pk)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pk, NULL);
    bool ok = ctx != NULL && EVP_PKEY_public_check(ctx) == 1;
    EVP_PKEY_CTX_free(ctx);
    return ok;
}

altroot_err altroot_key_from_ec_point(altroot_key_type type, altroot_span point, altroot_key **out)
{
    ENSURE(out != NULL, ALTROOT_E_INTERNAL);
    const char *group = type == ALTROOT_KEY_EC_P256   ? "P-256"
                        : type == ALTROOT_KEY_EC_P384 ? "P-384"
                                                      : NULL;
    size_t field = type == ALTROOT_KEY_EC_P256 ? 32 : 48;
    ENSURE(group != NULL, ALTROOT_E_ARG);
    /* SEC 1 2.3.3: only the uncompressed form 0x04 || X || Y is accepted. */
    ENSURE(point.ptr != NULL && point.len == 1 + 2 * field && point.ptr[0] == 0x04,
           ALTROOT_E_KEY_PARSE);
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    ENSURE(bld != NULL, ALTROOT_E_NOMEM);
    EVP_PKEY *pk = NULL;
    if (OSSL_OK(OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, group, 0)) &&
        OSSL_OK(
            OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point.ptr, point.len)))
        pk = from_params("EC", bld);
    OSSL_PARAM_BLD_free(bld);
    if (pk == NULL || !public_key_valid(pk)) {
        EVP_PKEY_free(pk);
        ERR_clear_error();
        return ALTROOT_E_KEY_PARSE;
    }
    return altroot_key_wrap(pk, false, out);
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
