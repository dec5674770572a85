/*
 * Internal to src/crypto: the OpenSSL-backed object layouts. Nothing outside src/crypto includes
 * this header; src/tls, the only other room allowed <openssl/...> headers (CI greps for it), uses
 * ossl_tls.h.
 */
#ifndef ALTROOT_CRYPTO_OSSL_H
#define ALTROOT_CRYPTO_OSSL_H

#include <pthread.h>
#include <stdatomic.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <altroot/x509.h>

#include "../core/guard.h"
#include "ossl_tls.h"

/* Whether `der` is exactly the SubjectPublicKeyInfo of an uncompressed P-256 or P-384 key, and
 * if so its type and point (key_raw.c). */
bool crypto_ec_spki_point(altroot_span der, altroot_key_type *type, altroot_span *point);

/* Whether the bytes contain a PEM "-----BEGIN " line anywhere (cert.c). */
bool crypto_looks_like_pem(altroot_span data);

struct altroot_cert {
    atomic_int refs;
    X509 *x509;   /* owned */
    uint8_t *der; /* owned copy of the exact bytes parsed */
    size_t der_len;
    uint8_t sha256[32];
};

struct altroot_certs {
    altroot_cert **items; /* each holds one reference */
    size_t count;
    /* Anchor store built on first use as anchors and kept (anchors are parsed once). */
    pthread_mutex_t lock;
    X509_STORE *store;
};

struct altroot_key {
    EVP_PKEY *pkey; /* owned */
    bool has_private;
};

/* Wrap an EVP_PKEY (ownership taken, also on failure). */
ALTROOT_MUST_CHECK altroot_err altroot_key_wrap(EVP_PKEY *pkey, bool has_private,
                                                altroot_key **out);
/* The anchor store of `anchors`, built once and cached; *out is a reference of the caller's own
 * (X509_STORE_free it), valid even if another thread adds an anchor meanwhile. */
ALTROOT_MUST_CHECK altroot_err altroot_certs_store(const altroot_certs *anchors, X509_STORE **out);
/* Certificate fields shared by every issuer in src/crypto: a validity time (RFC 5280 4.1.2.5:
 * UTCTime through 2049, GeneralizedTime after, ALTROOT_TIME_NO_EXPIRY as 99991231235959Z) and a
 * random positive 16-octet serial number. */
ALTROOT_MUST_CHECK altroot_err altroot_x509_set_time(ASN1_TIME *field, altroot_time t);
/* altroot_cert_validity() of a bare X509 (borrowed). */
ALTROOT_MUST_CHECK altroot_err altroot_x509_validity(const X509 *x, altroot_time *not_before,
                                                     altroot_time *not_after);
ALTROOT_MUST_CHECK altroot_err altroot_x509_set_serial(X509 *x);

#endif
