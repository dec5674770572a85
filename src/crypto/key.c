#include <string.h>

#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <altroot/alloc.h>

#include "ossl.h"

altroot_err altroot_key_wrap(EVP_PKEY *pkey, bool has_private, altroot_key **out)
{
    ENSURE(pkey != NULL, ALTROOT_E_INTERNAL);
    altroot_key *k = altroot_calloc(1, sizeof *k);
    if (k == NULL) {
        EVP_PKEY_free(pkey);
        return ALTROOT_E_NOMEM;
    }
    k->pkey = pkey;
    k->has_private = has_private;
    *out = k;
    return ALTROOT_OK;
}

void altroot_key_free(altroot_key *key)
{
    if (key == NULL)
        return;
    EVP_PKEY_free(key->pkey); /* OpenSSL clears private key material on free */
    altroot_free(key);
}

altroot_err altroot_key_parse_public(altroot_span data, altroot_key **out)
{
    ENSURE(data.ptr != NULL && data.len > 0, ALTROOT_E_EMPTY);
    ENSURE(data.len <= ALTROOT_CERT_FILE_MAX, ALTROOT_E_TOO_LARGE);
    EVP_PKEY *pk = NULL;
    BIO *bio = BIO_new_mem_buf(data.ptr, (int)data.len);
    ENSURE(bio != NULL, ALTROOT_E_NOMEM);
    pk = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
    BIO_free(bio);
    if (pk == NULL) {
        ERR_clear_error();
        const unsigned char *p = data.ptr;
        pk = d2i_PUBKEY(NULL, &p, (long)data.len);
        if (pk != NULL && (size_t)(p - data.ptr) != data.len) {
            EVP_PKEY_free(pk);
            return ALTROOT_E_TRAILING_DATA;
        }
    }
    if (pk == NULL) {
        ERR_clear_error();
        return ALTROOT_E_KEY_PARSE;
    }
    return altroot_key_wrap(pk, false, out);
}

static int no_password(char *buf, int size, int rwflag, void *u)
{
    (void)buf, (void)size, (void)rwflag, (void)u;
    return -1; /* encrypted keys are not supported: never prompt */
}

altroot_err altroot_key_parse_private(altroot_span data, altroot_key **out)
{
    ENSURE(data.ptr != NULL && data.len > 0, ALTROOT_E_EMPTY);
    ENSURE(data.len <= ALTROOT_CERT_FILE_MAX, ALTROOT_E_TOO_LARGE);
    BIO *bio = BIO_new_mem_buf(data.ptr, (int)data.len);
    ENSURE(bio != NULL, ALTROOT_E_NOMEM);
    EVP_PKEY *pk = PEM_read_bio_PrivateKey(bio, NULL, no_password, NULL);
    BIO_free(bio);
    if (pk == NULL) {
        ERR_clear_error();
        return ALTROOT_E_KEY_PARSE;
    }
    return altroot_key_wrap(pk, true, out);
}

altroot_err altroot_key_generate(altroot_key_type type, altroot_key **out)
{
    EVP_PKEY *pk = NULL;
    switch (type) {
    case ALTROOT_KEY_EC_P256:
        pk = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
        break;
    case ALTROOT_KEY_EC_P384:
        pk = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
        break;
    case ALTROOT_KEY_RSA_2048:
        pk = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
        break;
    default:
        return ALTROOT_E_ARG;
    }
    if (pk == NULL) {
        ERR_clear_error();
        return ALTROOT_E_CRYPTO;
    }
    return altroot_key_wrap(pk, true, out);
}

altroot_err altroot_key_private_pem(const altroot_key *key, altroot_bytes *out)
{
    ENSURE(key != NULL && key->has_private, ALTROOT_E_ARG);
    BIO *bio = BIO_new(BIO_s_secmem());
    ENSURE(bio != NULL, ALTROOT_E_NOMEM);
    altroot_err err = ALTROOT_OK;
    OSSL_ENSURE_GOTO(PEM_write_bio_PrivateKey(bio, key->pkey, NULL, NULL, 0, NULL, NULL),
                     ALTROOT_E_CRYPTO);
    char *p = NULL;
    long n = BIO_get_mem_data(bio, &p);
    TRY_GOTO(altroot_bytes_append(out, p, (size_t)n));
out:
    BIO_free(bio);
    return err;
}

altroot_err altroot_key_spki_sha256(const altroot_key *key, uint8_t out[32])
{
    unsigned char *der = NULL;
    int n = i2d_PUBKEY(key->pkey, &der);
    ENSURE(n > 0, ALTROOT_E_CRYPTO);
    altroot_sha256((altroot_span){der, (size_t)n}, out);
    OPENSSL_free(der);
    return ALTROOT_OK;
}

bool altroot_key_equal(const altroot_key *a, const altroot_key *b)
{
    if (a == NULL || b == NULL)
        return false;
    bool eq = EVP_PKEY_eq(a->pkey, b->pkey) == 1;
    ERR_clear_error();
    return eq;
}
