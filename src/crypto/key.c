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

/* The DER of the first "PUBLIC KEY" block of PEM text (OPENSSL_free it), or NULL. */
static unsigned char *pem_public_key(altroot_span data, long *len)
{
    BIO *bio = BIO_new_mem_buf(data.ptr, (int)data.len);
    unsigned char *der = NULL;
    char *name = NULL, *header = NULL;
    while (bio != NULL && PEM_read_bio(bio, &name, &header, &der, len) == 1) {
        bool found = strcmp(name, PEM_STRING_PUBLIC) == 0;
        OPENSSL_free(name);
        OPENSSL_free(header);
        if (found)
            break;
        OPENSSL_free(der);
        der = NULL;
    }
    BIO_free(bio);
    ERR_clear_error();
    return der;
}

/* PEM is unwrapped here and every key decoded with d2i_PUBKEY: OpenSSL 3.0's
 * PEM_read_bio_PUBKEY builds a decoder context, which costs more than an ECDSA verification,
 * even for bytes that are not PEM at all. */
altroot_err altroot_key_parse_public(altroot_span data, altroot_key **out)
{
    ENSURE(data.ptr != NULL && data.len > 0, ALTROOT_E_EMPTY);
    ENSURE(data.len <= ALTROOT_CERT_FILE_MAX, ALTROOT_E_TOO_LARGE);
    long len = (long)data.len;
    unsigned char *pem_der = NULL;
    if (crypto_looks_like_pem(data)) {
        pem_der = pem_public_key(data, &len);
        if (pem_der == NULL)
            return ALTROOT_E_KEY_PARSE;
    }
    const unsigned char *start = pem_der != NULL ? pem_der : data.ptr, *p = start;
    altroot_key_type type;
    altroot_span point;
    if (crypto_ec_spki_point((altroot_span){start, (size_t)len}, &type, &point)) {
        altroot_err err = altroot_key_from_ec_point(type, point, out);
        OPENSSL_free(pem_der);
        return err;
    }
    EVP_PKEY *pk = d2i_PUBKEY(NULL, &p, len);
    bool trailing = pk != NULL && p - start != len;
    OPENSSL_free(pem_der);
    if (pk == NULL || trailing) {
        EVP_PKEY_free(pk);
        ERR_clear_error();
        return trailing ? ALTROOT_E_TRAILING_DATA : ALTROOT_E_KEY_PARSE;
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
    altroot_bytes der = ALTROOT_BYTES_INIT;
    altroot_err err = altroot_key_spki_der(key, &der);
    if (err == ALTROOT_OK)
        altroot_sha256(altroot_bytes_span(&der), out);
    altroot_bytes_clear(&der);
    return err;
}

bool altroot_key_equal(const altroot_key *a, const altroot_key *b)
{
    if (a == NULL || b == NULL)
        return false;
    bool eq = EVP_PKEY_eq(a->pkey, b->pkey) == 1;
    ERR_clear_error();
    return eq;
}
