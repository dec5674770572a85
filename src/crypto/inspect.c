/* Structural facts of certificates, for the ecosystems' profile checks. */
#include <string.h>

#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include "ossl.h"
#include "sig_count.h"

static void oid_text(const ASN1_OBJECT *obj, char out[64])
{
    out[0] = '\0';
    if (obj == NULL || OBJ_obj2txt(out, 64, obj, 1) <= 0)
        out[0] = '\0';
}

static void note_extension(altroot_cert_info *info, int nid, bool critical)
{
    altroot_ext_presence *p = nid == NID_basic_constraints          ? &info->basic_constraints
                              : nid == NID_key_usage                ? &info->key_usage
                              : nid == NID_subject_key_identifier   ? &info->subject_key_id
                              : nid == NID_authority_key_identifier ? &info->authority_key_id
                              : nid == NID_ext_key_usage            ? &info->ext_key_usage
                              : nid == NID_subject_alt_name         ? &info->subject_alt_name
                                                                    : NULL;
    if (p != NULL) {
        p->present = true;
        p->critical = critical;
    }
}

static void scan_extensions(const X509 *x, altroot_cert_info *info)
{
    int n = X509_get_ext_count(x);
    info->extension_count = n > 0 ? (size_t)n : 0;
    for (int i = 0; i < n; i++) {
        const X509_EXTENSION *e = X509_get_ext(x, i);
        const ASN1_OBJECT *obj = X509_EXTENSION_get_object((X509_EXTENSION *)e);
        note_extension(info, OBJ_obj2nid(obj), X509_EXTENSION_get_critical(e) == 1);
        for (int j = 0; j < i; j++)
            if (OBJ_cmp(obj, X509_EXTENSION_get_object(X509_get_ext(x, j))) == 0)
                info->duplicate_extension = true;
    }
}

static altroot_err read_key(const X509 *x, altroot_cert_info *info)
{
    ASN1_OBJECT *alg = NULL;
    const unsigned char *pk = NULL;
    int pklen = 0;
    X509_ALGOR *pa = NULL;
    OSSL_ENSURE(X509_PUBKEY_get0_param(&alg, &pk, &pklen, &pa, X509_get_X509_PUBKEY(x)),
                ALTROOT_E_CERT_PARSE);
    oid_text(alg, info->key_alg);
    int ptype = 0;
    const void *pval = NULL;
    X509_ALGOR_get0(NULL, &ptype, &pval, pa);
    if (ptype == V_ASN1_OBJECT)
        oid_text(pval, info->key_curve);
    info->key_point_len = (size_t)pklen;
    if (pklen > 0 && (size_t)pklen <= sizeof info->key_point)
        memcpy(info->key_point, pk, (size_t)pklen);
    return ALTROOT_OK;
}

/* X509_get_ext_d2i with the three outcomes told apart: absent, decoded, undecodable. */
static void *ext_d2i(const X509 *x, int nid, altroot_err *err)
{
    int crit = 0;
    void *v = X509_get_ext_d2i(x, nid, &crit, NULL);
    if (v == NULL && crit != -1)
        *err = ALTROOT_E_CERT_PARSE; /* present but malformed, or duplicated (-2) */
    ERR_clear_error();
    return v;
}

static void copy_octets(const ASN1_OCTET_STRING *o, uint8_t *out, size_t cap, size_t *len)
{
    *len = (size_t)ASN1_STRING_length(o);
    memcpy(out, ASN1_STRING_get0_data(o), *len < cap ? *len : cap);
}

static altroot_err read_constraints(const X509 *x, altroot_cert_info *info)
{
    altroot_err err = ALTROOT_OK;
    BASIC_CONSTRAINTS *bc = ext_d2i(x, NID_basic_constraints, &err);
    if (bc != NULL) {
        info->ca = bc->ca != 0;
        info->path_len_present = bc->pathlen != NULL;
        info->path_len = bc->pathlen != NULL ? ASN1_INTEGER_get(bc->pathlen) : -1;
        BASIC_CONSTRAINTS_free(bc);
    }
    ASN1_BIT_STRING *ku = ext_d2i(x, NID_key_usage, &err);
    for (int bit = 0; ku != NULL && bit < 9; bit++)
        if (ASN1_BIT_STRING_get_bit(ku, bit))
            info->key_usage_bits |= 1u << bit;
    ASN1_BIT_STRING_free(ku);
    ASN1_OCTET_STRING *skid = ext_d2i(x, NID_subject_key_identifier, &err);
    if (skid != NULL)
        copy_octets(skid, info->skid, sizeof info->skid, &info->skid_len);
    ASN1_OCTET_STRING_free(skid);
    AUTHORITY_KEYID *akid = ext_d2i(x, NID_authority_key_identifier, &err);
    if (akid != NULL && akid->keyid != NULL) {
        info->akid_has_key_id = true;
        copy_octets(akid->keyid, info->akid, sizeof info->akid, &info->akid_len);
    }
    AUTHORITY_KEYID_free(akid);
    return err;
}

static void read_serial(const X509 *x, altroot_cert_info *info)
{
    unsigned char *der = NULL;
    int n = i2d_ASN1_INTEGER(X509_get0_serialNumber(x), &der);
    /* Skip the tag and the length octets to keep the content octets as encoded. */
    if (n > 2) {
        size_t hdr = (der[1] & 0x80) ? 2u + (der[1] & 0x7fu) : 2u;
        size_t len = (size_t)n > hdr ? (size_t)n - hdr : 0;
        info->serial_len = len;
        memcpy(info->serial, der + hdr, len < sizeof info->serial ? len : sizeof info->serial);
    }
    OPENSSL_free(der);
}

static altroot_span octets(const ASN1_OCTET_STRING *s)
{
    return s != NULL ? (altroot_span){ASN1_STRING_get0_data(s), (size_t)ASN1_STRING_length(s)}
                     : (altroot_span){NULL, 0};
}

altroot_err altroot_cert_key_ids(const altroot_cert *cert, altroot_span *skid, altroot_span *akid)
{
    ENSURE(cert != NULL && skid != NULL && akid != NULL, ALTROOT_E_INTERNAL);
    /* OpenSSL decodes the extensions once per certificate and keeps them; a certificate whose
     * extensions did not decode (or repeat) is flagged invalid. */
    X509 *x = cert->x509;
    ENSURE((X509_get_extension_flags(x) & EXFLAG_INVALID) == 0, ALTROOT_E_CERT_PARSE);
    *skid = octets(X509_get0_subject_key_id(x));
    *akid = octets(X509_get0_authority_key_id(x));
    return ALTROOT_OK;
}

altroot_err altroot_cert_get_info(const altroot_cert *cert, altroot_cert_info *out)
{
    ENSURE(cert != NULL && out != NULL, ALTROOT_E_INTERNAL);
    altroot_cert_info info;
    memset(&info, 0, sizeof info);
    const X509 *x = cert->x509;
    info.version = X509_get_version(x) + 1;
    const X509_ALGOR *sig = NULL;
    X509_get0_signature(NULL, &sig, x);
    const ASN1_OBJECT *sig_obj = NULL;
    X509_ALGOR_get0(&sig_obj, NULL, NULL, sig);
    oid_text(sig_obj, info.sig_alg);
    TRY(read_key(x, &info));
    scan_extensions(x, &info);
    TRY(read_constraints(x, &info));
    read_serial(x, &info);
    *out = info;
    return ALTROOT_OK;
}

altroot_err altroot_cert_subject_attrs(const altroot_cert *cert, altroot_name_attr *out, size_t max,
                                       size_t *count)
{
    ENSURE(cert != NULL && count != NULL && (out != NULL || max == 0), ALTROOT_E_INTERNAL);
    const X509_NAME *name = X509_get_subject_name(cert->x509);
    int n = X509_NAME_entry_count(name);
    for (int i = 0; i < n && (size_t)i < max; i++) {
        const X509_NAME_ENTRY *e = X509_NAME_get_entry(name, i);
        const ASN1_STRING *v = X509_NAME_ENTRY_get_data(e);
        altroot_name_attr *a = &out[i];
        memset(a, 0, sizeof *a);
        oid_text(X509_NAME_ENTRY_get_object(e), a->oid);
        a->string_type = ASN1_STRING_type(v);
        a->value_len = (size_t)ASN1_STRING_length(v);
        memcpy(a->value, ASN1_STRING_get0_data(v),
               a->value_len < sizeof a->value - 1 ? a->value_len : sizeof a->value - 1);
        a->rdn = (size_t)X509_NAME_ENTRY_set(e);
    }
    *count = n > 0 ? (size_t)n : 0;
    return ALTROOT_OK;
}

bool altroot_cert_signed_by(const altroot_cert *cert, const altroot_key *issuer_key)
{
    if (cert == NULL || issuer_key == NULL)
        return false;
    altroot_sig_count_add(1);
    bool ok = X509_verify(cert->x509, issuer_key->pkey) == 1;
    ERR_clear_error();
    return ok;
}

altroot_err altroot_cert_extension(const altroot_cert *cert, const char *oid, bool *critical,
                                   altroot_span *value)
{
    ENSURE(cert != NULL && oid != NULL && critical != NULL && value != NULL, ALTROOT_E_INTERNAL);
    ASN1_OBJECT *obj = OBJ_txt2obj(oid, 1);
    ENSURE(obj != NULL, ALTROOT_E_ARG);
    int idx = X509_get_ext_by_OBJ(cert->x509, obj, -1);
    int again = idx >= 0 ? X509_get_ext_by_OBJ(cert->x509, obj, idx) : -1;
    ASN1_OBJECT_free(obj);
    ERR_clear_error();
    ENSURE(idx >= 0, ALTROOT_E_NOT_FOUND);
    ENSURE(again < 0, ALTROOT_E_CERT_PARSE);
    const X509_EXTENSION *e = X509_get_ext(cert->x509, idx);
    const ASN1_OCTET_STRING *v = X509_EXTENSION_get_data((X509_EXTENSION *)e);
    *critical = X509_EXTENSION_get_critical(e) == 1;
    *value = (altroot_span){ASN1_STRING_get0_data(v), (size_t)ASN1_STRING_length(v)};
    return ALTROOT_OK;
}

static altroot_span name_der(const X509_NAME *name)
{
    const unsigned char *der = NULL;
    size_t len = 0;
    if (X509_NAME_get0_der((X509_NAME *)name, &der, &len) != 1) {
        ERR_clear_error();
        return (altroot_span){NULL, 0};
    }
    return (altroot_span){der, len};
}

altroot_span altroot_cert_subject_der(const altroot_cert *cert)
{
    return name_der(X509_get_subject_name(cert->x509));
}

altroot_span altroot_cert_issuer_der(const altroot_cert *cert)
{
    return name_der(X509_get_issuer_name(cert->x509));
}
