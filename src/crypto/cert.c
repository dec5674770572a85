#include <stdio.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <altroot/alloc.h>

#include "../core/validity.h"
#include "ossl.h"
#include "sig_count.h"

altroot_err altroot_cert_wrap_x509(X509 *x509, altroot_cert **out)
{
    ENSURE(x509 != NULL, ALTROOT_E_INTERNAL);
    altroot_cert *c = altroot_calloc(1, sizeof *c);
    int n = i2d_X509(x509, NULL);
    if (c == NULL || n <= 0) {
        altroot_free(c);
        X509_free(x509);
        return n <= 0 ? ALTROOT_E_CERT_PARSE : ALTROOT_E_NOMEM;
    }
    c->der = altroot_malloc((size_t)n);
    if (c->der == NULL) {
        altroot_free(c);
        X509_free(x509);
        return ALTROOT_E_NOMEM;
    }
    unsigned char *p = c->der;
    c->der_len = (size_t)i2d_X509(x509, &p);
    atomic_init(&c->refs, 1);
    c->x509 = x509;
    altroot_sha256((altroot_span){c->der, c->der_len}, c->sha256);
    *out = c;
    return ALTROOT_OK;
}

/* d2i_X509 takes the length as a long. */
_Static_assert(ALTROOT_CERT_FILE_MAX <= (size_t)LONG_MAX, "a certificate's length fits a long");

altroot_err altroot_cert_from_der(altroot_span der, altroot_cert **out)
{
    ENSURE(out != NULL, ALTROOT_E_INTERNAL);
    ENSURE(der.ptr != NULL && der.len > 0, ALTROOT_E_EMPTY);
    ENSURE(der.len <= ALTROOT_CERT_FILE_MAX, ALTROOT_E_TOO_LARGE);
    const unsigned char *p = der.ptr;
    X509 *x = d2i_X509(NULL, &p, (long)der.len);
    if (x == NULL) {
        ERR_clear_error();
        return ALTROOT_E_CERT_PARSE;
    }
    if ((size_t)(p - der.ptr) != der.len) {
        X509_free(x);
        return ALTROOT_E_TRAILING_DATA;
    }
    altroot_cert *c;
    TRY(altroot_cert_wrap_x509(x, &c));
    /* The stored bytes must be the bytes received: a re-encoding that differs means the input
     * was not DER, and hashes or pins over it would not match what the peer sent. */
    if (c->der_len != der.len || memcmp(c->der, der.ptr, der.len) != 0) {
        altroot_cert_free(c);
        return ALTROOT_E_DER;
    }
    *out = c;
    return ALTROOT_OK;
}

void altroot_cert_free(altroot_cert *cert)
{
    if (cert == NULL || atomic_fetch_sub(&cert->refs, 1) != 1)
        return;
    X509_free(cert->x509);
    altroot_free(cert->der);
    altroot_free(cert);
}

altroot_cert *altroot_cert_ref(altroot_cert *cert)
{
    if (cert != NULL)
        atomic_fetch_add(&cert->refs, 1);
    return cert;
}

altroot_span altroot_cert_der(const altroot_cert *cert)
{
    return (altroot_span){cert->der, cert->der_len};
}

static void name_oneline(const X509_NAME *name, char *out, size_t len)
{
    if (len == 0)
        return;
    out[0] = '\0';
    BIO *bio = BIO_new(BIO_s_mem());
    if (bio == NULL)
        return;
    /* RFC 2253 escaping keeps control characters and separators from a hostile name out of
     * the report as raw bytes. */
    /* Attributes with OIDs OpenSSL does not name (Matter's VID/PID) print as their string
     * value after the dotted OID, not as a hex dump. */
    unsigned long flags = XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB & ~XN_FLAG_DUMP_UNKNOWN_FIELDS;
    if (X509_NAME_print_ex(bio, name, 0, flags) >= 0) {
        int n = BIO_read(bio, out, (int)(len - 1 > (size_t)INT_MAX ? INT_MAX : len - 1));
        out[n > 0 ? n : 0] = '\0';
    }
    BIO_free(bio);
}

void altroot_cert_subject(const altroot_cert *cert, char *out, size_t len)
{
    name_oneline(X509_get_subject_name(cert->x509), out, len);
}

void altroot_cert_issuer(const altroot_cert *cert, char *out, size_t len)
{
    name_oneline(X509_get_issuer_name(cert->x509), out, len);
}

/* Copy an ASN1_STRING as printable UTF-8, replacing control bytes. */
static void asn1_string_utf8(const ASN1_STRING *s, char *out, size_t len)
{
    unsigned char *utf8 = NULL;
    out[0] = '\0';
    int n = ASN1_STRING_to_UTF8(&utf8, s);
    if (n < 0)
        return;
    size_t k = (size_t)n < len - 1 ? (size_t)n : len - 1;
    for (size_t i = 0; i < k; i++)
        out[i] = (char)(utf8[i] < 0x20 || utf8[i] == 0x7f ? '?' : utf8[i]);
    out[k] = '\0';
    OPENSSL_free(utf8);
}

void altroot_cert_common_name(const altroot_cert *cert, char *out, size_t len)
{
    if (len == 0)
        return;
    out[0] = '\0';
    const X509_NAME *name = X509_get_subject_name(cert->x509);
    int idx = -1, last = -1;
    while ((idx = X509_NAME_get_index_by_NID(name, NID_commonName, idx)) >= 0)
        last = idx;
    if (last < 0)
        return;
    asn1_string_utf8(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, last)), out, len);
}

static altroot_err asn1_time_get(const ASN1_TIME *t, altroot_time *out)
{
    ENSURE(t != NULL, ALTROOT_E_CERT_PARSE);
    altroot_span s = {ASN1_STRING_get0_data(t), (size_t)ASN1_STRING_length(t)};
    if (ASN1_STRING_type(t) == V_ASN1_UTCTIME)
        return altroot_time_parse_utctime(s, out);
    if (ASN1_STRING_type(t) == V_ASN1_GENERALIZEDTIME)
        return altroot_time_parse_generalized(s, out);
    return ALTROOT_E_TIME_FORMAT;
}

altroot_err altroot_x509_validity(const X509 *x, altroot_time *not_before, altroot_time *not_after)
{
    altroot_time nb, na;
    TRY(asn1_time_get(X509_get0_notBefore(x), &nb));
    TRY(asn1_time_get(X509_get0_notAfter(x), &na));
    *not_before = nb;
    *not_after = na;
    return ALTROOT_OK;
}

altroot_err altroot_cert_validity(const altroot_cert *cert, altroot_time *not_before,
                                  altroot_time *not_after)
{
    return altroot_x509_validity(cert->x509, not_before, not_after);
}

altroot_err altroot_cert_check_validity(const altroot_cert *cert, altroot_time at, char *detail,
                                        size_t len)
{
    altroot_time nb = 0, na = 0;
    char from[ALTROOT_TIME_STR_LEN], until[ALTROOT_TIME_STR_LEN], now[ALTROOT_TIME_STR_LEN];
    if (altroot_cert_validity(cert, &nb, &na) != ALTROOT_OK) {
        if (detail != NULL && len > 0)
            snprintf(detail, len, "validity cannot be read");
        return ALTROOT_E_CERT_PARSE;
    }
    altroot_validity_note(at, nb, na);
    if (at >= nb && at <= na)
        return ALTROOT_OK;
    altroot_time_format(nb, from);
    altroot_time_format(na, until);
    altroot_time_format(at, now);
    if (detail != NULL && len > 0)
        snprintf(detail, len, "valid from %s until %s, not at %s", from, until, now);
    return at < nb ? ALTROOT_E_CERT_NOT_YET_VALID : ALTROOT_E_CERT_EXPIRED;
}

void altroot_cert_sha256(const altroot_cert *cert, uint8_t out[32])
{
    memcpy(out, cert->sha256, 32);
}

altroot_err altroot_cert_spki_sha256(const altroot_cert *cert, uint8_t out[32])
{
    X509_PUBKEY *pk = X509_get_X509_PUBKEY(cert->x509);
    unsigned char *der = NULL;
    int n = i2d_X509_PUBKEY(pk, &der);
    ENSURE(n > 0, ALTROOT_E_CRYPTO);
    altroot_sha256((altroot_span){der, (size_t)n}, out);
    OPENSSL_free(der);
    return ALTROOT_OK;
}

bool altroot_cert_is_self_issued(const altroot_cert *cert)
{
    return X509_NAME_cmp(X509_get_subject_name(cert->x509), X509_get_issuer_name(cert->x509)) == 0;
}

bool altroot_cert_is_self_signed(const altroot_cert *cert)
{
    /* OpenSSL verifies the signature only of a certificate that looks self-issued. */
    bool ok = X509_self_signed(cert->x509, 0) == 1;
    if (ok) {
        altroot_sig_count_add(1);
        ok = X509_self_signed(cert->x509, 1) == 1;
    }
    ERR_clear_error();
    return ok;
}

bool altroot_cert_is_ca(const altroot_cert *cert)
{
    return X509_check_ca(cert->x509) == 1 &&
           (X509_get_extension_flags(cert->x509) & EXFLAG_BCONS) != 0;
}

bool altroot_cert_has_name_constraints(const altroot_cert *cert)
{
    return X509_get_ext_by_NID(cert->x509, NID_name_constraints, -1) >= 0;
}

void altroot_cert_name_constraint_kinds(const altroot_cert *cert, bool *dns, bool *ip)
{
    *dns = *ip = false;
    NAME_CONSTRAINTS *nc = X509_get_ext_d2i(cert->x509, NID_name_constraints, NULL, NULL);
    if (nc == NULL) {
        ERR_clear_error();
        return;
    }
    for (int i = 0; i < sk_GENERAL_SUBTREE_num(nc->permittedSubtrees); i++) {
        const GENERAL_SUBTREE *t = sk_GENERAL_SUBTREE_value(nc->permittedSubtrees, i);
        *dns = *dns || t->base->type == GEN_DNS;
        *ip = *ip || t->base->type == GEN_IPADD;
    }
    NAME_CONSTRAINTS_free(nc);
}

static altroot_err san_add(const GENERAL_NAME *gn, altroot_strlist *out)
{
    char buf[512];
    switch (gn->type) {
    case GEN_DNS:
        asn1_string_utf8(gn->d.dNSName, buf, sizeof buf);
        return altroot_strlist_addf(out, "DNS:%s", buf);
    case GEN_IPADD: {
        BIO *bio = BIO_new(BIO_s_mem());
        ENSURE(bio != NULL, ALTROOT_E_NOMEM);
        GENERAL_NAME_print(bio, (GENERAL_NAME *)gn);
        int n = BIO_read(bio, buf, (int)sizeof buf - 1);
        BIO_free(bio);
        buf[n > 0 ? n : 0] = '\0';
        /* GENERAL_NAME_print writes "IP Address:1.2.3.4"; keep the report's "IP:" form. */
        const char *v = strchr(buf, ':');
        return altroot_strlist_addf(out, "IP:%s", v != NULL ? v + 1 : buf);
    }
    case GEN_URI:
        asn1_string_utf8(gn->d.uniformResourceIdentifier, buf, sizeof buf);
        return altroot_strlist_addf(out, "URI:%s", buf);
    case GEN_EMAIL:
        asn1_string_utf8(gn->d.rfc822Name, buf, sizeof buf);
        return altroot_strlist_addf(out, "email:%s", buf);
    case GEN_OTHERNAME:
        OBJ_obj2txt(buf, sizeof buf, gn->d.otherName->type_id, 1);
        return altroot_strlist_addf(out, "othername:%s", buf);
    default:
        return altroot_strlist_addf(out, "other:%d", gn->type);
    }
}

altroot_err altroot_cert_sans(const altroot_cert *cert, altroot_strlist *out)
{
    int crit = 0;
    GENERAL_NAMES *gens = X509_get_ext_d2i(cert->x509, NID_subject_alt_name, &crit, NULL);
    if (gens == NULL) {
        ERR_clear_error();
        /* crit == -1: absent; -2: present more than once, which RFC 5280 forbids. */
        return crit == -2 ? ALTROOT_E_CERT_PARSE : ALTROOT_OK;
    }
    altroot_err err = ALTROOT_OK;
    for (int i = 0; i < sk_GENERAL_NAME_num(gens) && err == ALTROOT_OK; i++)
        err = san_add(sk_GENERAL_NAME_value(gens, i), out);
    GENERAL_NAMES_free(gens);
    return err;
}

void altroot_cert_key_desc(const altroot_cert *cert, char *out, size_t len)
{
    EVP_PKEY *pk = X509_get0_pubkey(cert->x509);
    if (pk == NULL) {
        snprintf(out, len, "unknown");
        ERR_clear_error();
        return;
    }
    char group[64] = "";
    size_t glen = 0;
    if (EVP_PKEY_get_base_id(pk) == EVP_PKEY_EC &&
        EVP_PKEY_get_group_name(pk, group, sizeof group, &glen) == 1) {
        const char *nice = strcmp(group, "prime256v1") == 0  ? "P-256"
                           : strcmp(group, "secp384r1") == 0 ? "P-384"
                           : strcmp(group, "secp521r1") == 0 ? "P-521"
                                                             : group;
        snprintf(out, len, "EC %s", nice);
        return;
    }
    snprintf(out, len, "%s %d", EVP_PKEY_get0_type_name(pk), EVP_PKEY_get_bits(pk));
}

altroot_err altroot_cert_public_key(const altroot_cert *cert, altroot_key **out)
{
    EVP_PKEY *pk = X509_get_pubkey(cert->x509);
    if (pk == NULL) {
        ERR_clear_error();
        return ALTROOT_E_KEY_PARSE;
    }
    return altroot_key_wrap(pk, false, out);
}

/* ---- lists ---- */

altroot_err altroot_certs_new(altroot_certs **out)
{
    altroot_certs *l = altroot_calloc(1, sizeof *l);
    ENSURE(l != NULL, ALTROOT_E_NOMEM);
    if (pthread_mutex_init(&l->lock, NULL) != 0) {
        altroot_free(l);
        return ALTROOT_E_INTERNAL;
    }
    *out = l;
    return ALTROOT_OK;
}

void altroot_certs_free(altroot_certs *certs)
{
    if (certs == NULL)
        return;
    for (size_t i = 0; i < certs->count; i++)
        altroot_cert_free(certs->items[i]);
    altroot_free(certs->items);
    X509_STORE_free(certs->store);
    pthread_mutex_destroy(&certs->lock);
    altroot_free(certs);
}

size_t altroot_certs_count(const altroot_certs *certs)
{
    return certs == NULL ? 0 : certs->count;
}

altroot_cert *altroot_certs_get(const altroot_certs *certs, size_t i)
{
    return certs == NULL || i >= certs->count ? NULL : certs->items[i];
}

static void certs_invalidate_store(altroot_certs *certs)
{
    pthread_mutex_lock(&certs->lock);
    X509_STORE_free(certs->store);
    certs->store = NULL;
    pthread_mutex_unlock(&certs->lock);
}

altroot_err altroot_certs_push(altroot_certs *certs, altroot_cert *cert)
{
    ENSURE(certs != NULL && cert != NULL, ALTROOT_E_INTERNAL);
    altroot_cert **items =
        altroot_realloc(certs->items, (certs->count + 1) * sizeof(altroot_cert *));
    ENSURE(items != NULL, ALTROOT_E_NOMEM);
    certs->items = items;
    certs->items[certs->count++] = altroot_cert_ref(cert);
    certs_invalidate_store(certs);
    return ALTROOT_OK;
}

bool crypto_looks_like_pem(altroot_span data)
{
    static const char marker[] = "-----BEGIN ";
    size_t m = sizeof marker - 1;
    for (size_t i = 0; data.len >= m && i <= data.len - m; i++)
        if (memcmp(data.ptr + i, marker, m) == 0)
            return true;
    return false;
}

static bool pem_is_certificate(const char *name)
{
    return strcmp(name, PEM_STRING_X509) == 0 || strcmp(name, PEM_STRING_X509_OLD) == 0;
}

/* Parse every CERTIFICATE block into `into` (a scratch list). */
static altroot_err parse_pem(altroot_certs *into, altroot_span data)
{
    ENSURE(data.len <= (size_t)INT_MAX, ALTROOT_E_TOO_LARGE);
    BIO *bio = BIO_new_mem_buf(data.ptr, (int)data.len);
    ENSURE(bio != NULL, ALTROOT_E_NOMEM);
    altroot_err err = ALTROOT_OK;
    for (;;) {
        char *name = NULL, *header = NULL;
        unsigned char *der = NULL;
        long len = 0;
        ERR_clear_error();
        if (PEM_read_bio(bio, &name, &header, &der, &len) != 1) {
            unsigned long e = ERR_peek_last_error();
            /* PEM_R_NO_START_LINE at the end of input is the normal end of the loop. */
            if (ERR_GET_LIB(e) != ERR_LIB_PEM || ERR_GET_REASON(e) != PEM_R_NO_START_LINE)
                err = ALTROOT_E_PEM;
            ERR_clear_error();
            break;
        }
        if (pem_is_certificate(name)) {
            altroot_cert *c = NULL;
            err = altroot_cert_from_der((altroot_span){der, (size_t)len}, &c);
            if (err == ALTROOT_OK)
                err = altroot_certs_push(into, c);
            altroot_cert_free(c);
        }
        OPENSSL_free(name);
        OPENSSL_free(header);
        OPENSSL_free(der);
        if (err != ALTROOT_OK)
            break;
    }
    BIO_free(bio);
    return err;
}

altroot_err altroot_certs_parse(altroot_certs *certs, altroot_span data)
{
    ENSURE(certs != NULL, ALTROOT_E_INTERNAL);
    ENSURE(data.ptr != NULL && data.len > 0, ALTROOT_E_EMPTY);
    altroot_certs *tmp = NULL;
    TRY(altroot_certs_new(&tmp));
    altroot_err err = ALTROOT_OK;
    if (crypto_looks_like_pem(data)) {
        TRY_GOTO(parse_pem(tmp, data));
        ENSURE_GOTO(tmp->count > 0, ALTROOT_E_EMPTY);
    } else {
        altroot_cert *c = NULL;
        TRY_GOTO(altroot_cert_from_der(data, &c));
        err = altroot_certs_push(tmp, c);
        altroot_cert_free(c);
        TRY_GOTO(err);
    }
    size_t before = certs->count;
    for (size_t i = 0; i < tmp->count && err == ALTROOT_OK; i++)
        err = altroot_certs_push(certs, tmp->items[i]);
    /* Leave `certs` unchanged on error: drop anything already appended. */
    while (err != ALTROOT_OK && certs->count > before)
        altroot_cert_free(certs->items[--certs->count]);
out:
    altroot_certs_free(tmp);
    return err;
}

altroot_err altroot_certs_load_file(altroot_certs *certs, const char *path)
{
    altroot_bytes data = ALTROOT_BYTES_INIT;
    TRY(altroot_bytes_read_file(&data, path, ALTROOT_CERT_FILE_MAX));
    altroot_err err = altroot_certs_parse(certs, altroot_bytes_span(&data));
    altroot_bytes_clear(&data);
    return err;
}

altroot_err altroot_certs_to_pem(const altroot_certs *certs, altroot_bytes *out)
{
    BIO *bio = BIO_new(BIO_s_mem());
    ENSURE(bio != NULL, ALTROOT_E_NOMEM);
    altroot_err err = ALTROOT_OK;
    for (size_t i = 0; i < certs->count; i++)
        OSSL_ENSURE_GOTO(PEM_write_bio_X509(bio, certs->items[i]->x509), ALTROOT_E_CRYPTO);
    char *p = NULL;
    long n = BIO_get_mem_data(bio, &p);
    TRY_GOTO(altroot_bytes_append(out, p, (size_t)n));
out:
    BIO_free(bio);
    return err;
}

/* A new store holding every certificate of `a`; on error `out` is untouched. */
static altroot_err build_store(const altroot_certs *a, X509_STORE **out)
{
    X509_STORE *st = X509_STORE_new();
    ENSURE(st != NULL, ALTROOT_E_NOMEM);
    for (size_t i = 0; i < a->count; i++) {
        if (OSSL_OK(X509_STORE_add_cert(st, a->items[i]->x509)))
            continue;
        /* The same certificate twice is not an error for a store. */
        unsigned long e = ERR_peek_last_error();
        ERR_clear_error();
        if (ERR_GET_REASON(e) != X509_R_CERT_ALREADY_IN_HASH_TABLE) {
            X509_STORE_free(st);
            return ALTROOT_E_CRYPTO;
        }
    }
    *out = st;
    return ALTROOT_OK;
}

altroot_err altroot_certs_store(const altroot_certs *anchors, X509_STORE **out)
{
    altroot_certs *a = (altroot_certs *)anchors; /* the cache is not part of the value */
    altroot_err err = ALTROOT_OK;
    pthread_mutex_lock(&a->lock);
    if (a->store == NULL)
        err = build_store(a, &a->store);
    /* A reference of the caller's own: another thread may add an anchor, which frees the
     * cached store, while this one verifies with it. */
    if (err == ALTROOT_OK && X509_STORE_up_ref(a->store) != 1)
        err = ALTROOT_E_CRYPTO;
    if (err == ALTROOT_OK)
        *out = a->store;
    pthread_mutex_unlock(&a->lock);
    return err;
}
