/* Minting certificates for DevID test PKIs, with every field the 802.1AR rules read under the
 * caller's control (raw extensions, raw subject Name, version), so faults can be injected. */
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <altroot/devid.h>

#include "ossl.h"

static altroot_err add_raw_ext(X509 *x, const char *oid, bool critical, altroot_span value)
{
    ENSURE(value.len <= 0x7fffffff, ALTROOT_E_ARG);
    altroot_err err = ALTROOT_OK;
    ASN1_OBJECT *obj = OBJ_txt2obj(oid, 1);
    ASN1_OCTET_STRING *os = ASN1_OCTET_STRING_new();
    X509_EXTENSION *ext = NULL;
    ENSURE_GOTO(obj != NULL && os != NULL, ALTROOT_E_ARG);
    OSSL_ENSURE_GOTO(ASN1_OCTET_STRING_set(os, value.ptr, (int)value.len), ALTROOT_E_NOMEM);
    ext = X509_EXTENSION_create_by_OBJ(NULL, obj, critical ? 1 : 0, os);
    ENSURE_GOTO(ext != NULL, ALTROOT_E_NOMEM);
    OSSL_ENSURE_GOTO(X509_add_ext(x, ext, -1), ALTROOT_E_NOMEM);
out:
    X509_EXTENSION_free(ext);
    ASN1_OCTET_STRING_free(os);
    ASN1_OBJECT_free(obj);
    return err;
}

static altroot_err add_conf_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    ENSURE(ext != NULL, ALTROOT_E_CRYPTO);
    int ok = X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
    OSSL_ENSURE(ok, ALTROOT_E_NOMEM);
    return ALTROOT_OK;
}

static altroot_err add_key_usage(X509 *x, uint32_t ku, bool critical)
{
    static const char *const names[] = {"digitalSignature", "nonRepudiation", "keyEncipherment",
                                        "dataEncipherment", "keyAgreement",   "keyCertSign",
                                        "cRLSign",          "encipherOnly",   "decipherOnly"};
    char buf[200] = "";
    size_t used = 0;
    if (critical)
        used += (size_t)snprintf(buf, sizeof buf, "critical");
    for (size_t i = 0; i < ALTROOT_ARRAY_LEN(names); i++) {
        if ((ku & (1u << i)) == 0)
            continue;
        used +=
            (size_t)snprintf(buf + used, sizeof buf - used, "%s%s", used > 0 ? "," : "", names[i]);
    }
    return add_conf_ext(x, NULL, NID_key_usage, buf);
}

static altroot_err add_extensions(X509 *x, X509 *issuer, const altroot_mint_cert *m)
{
    char bc[64];
    if (m->basic_constraints) {
        if (m->is_ca && m->path_len >= 0)
            snprintf(bc, sizeof bc, "critical,CA:TRUE,pathlen:%d", m->path_len);
        else
            snprintf(bc, sizeof bc, "critical,CA:%s", m->is_ca ? "TRUE" : "FALSE");
        TRY(add_conf_ext(x, issuer, NID_basic_constraints, bc));
    }
    if (m->key_usage != 0)
        TRY(add_key_usage(x, m->key_usage, m->key_usage_critical));
    if (!m->omit_skid)
        TRY(add_conf_ext(x, issuer, NID_subject_key_identifier, "hash"));
    if (!m->omit_akid)
        TRY(add_conf_ext(x, issuer, NID_authority_key_identifier, "keyid:always"));
    for (size_t i = 0; i < m->ext_count; i++)
        TRY(add_raw_ext(x, m->exts[i].oid, m->exts[i].critical, m->exts[i].value));
    return ALTROOT_OK;
}

static altroot_err set_names(X509 *x, const altroot_mint_cert *m, const altroot_cert *issuer)
{
    const unsigned char *p = m->subject_der.ptr;
    ENSURE(p != NULL && m->subject_der.len > 0 && m->subject_der.len < 65536, ALTROOT_E_ARG);
    X509_NAME *name = d2i_X509_NAME(NULL, &p, (long)m->subject_der.len);
    ENSURE(name != NULL, ALTROOT_E_ARG);
    int ok =
        X509_set_subject_name(x, name) == 1 &&
        X509_set_issuer_name(x, issuer != NULL ? X509_get_subject_name(issuer->x509) : name) == 1;
    X509_NAME_free(name);
    ENSURE(ok, ALTROOT_E_NOMEM);
    return ALTROOT_OK;
}

static altroot_err fill(X509 *x, const altroot_mint_cert *m, const altroot_key *subject_key,
                        const altroot_cert *issuer)
{
    int version = m->version == 0 ? 3 : m->version;
    ENSURE(version == 1 || version == 3, ALTROOT_E_ARG);
    OSSL_ENSURE(X509_set_version(x, version - 1), ALTROOT_E_CRYPTO);
    TRY(altroot_x509_set_serial(x));
    TRY(set_names(x, m, issuer));
    TRY(altroot_x509_set_time(X509_getm_notBefore(x), m->not_before));
    TRY(altroot_x509_set_time(X509_getm_notAfter(x), m->not_after));
    OSSL_ENSURE(X509_set_pubkey(x, subject_key->pkey), ALTROOT_E_CRYPTO);
    if (version == 3)
        TRY(add_extensions(x, issuer != NULL ? issuer->x509 : x, m));
    return ALTROOT_OK;
}

altroot_err altroot_mint_cert_issue(const altroot_mint_cert *m, const altroot_key *subject_key,
                                    const altroot_cert *issuer, const altroot_key *issuer_key,
                                    altroot_cert **out)
{
    ENSURE(m != NULL && subject_key != NULL && out != NULL, ALTROOT_E_ARG);
    ENSURE((issuer == NULL) == (issuer_key == NULL), ALTROOT_E_ARG);
    const altroot_key *signer = issuer_key != NULL ? issuer_key : subject_key;
    ENSURE(signer->has_private, ALTROOT_E_ARG);
    altroot_err err = ALTROOT_OK;
    X509 *x = X509_new();
    ENSURE_GOTO(x != NULL, ALTROOT_E_NOMEM);
    TRY_GOTO(fill(x, m, subject_key, issuer));
    const EVP_MD *md =
        altroot_key_get_type(signer) == ALTROOT_KEY_EC_P384 ? EVP_sha384() : EVP_sha256();
    ENSURE_GOTO(X509_sign(x, signer->pkey, md) > 0, ALTROOT_E_CRYPTO);
    err = altroot_cert_wrap_x509(x, out);
    x = NULL;
out:
    X509_free(x);
    ERR_clear_error();
    return err;
}
