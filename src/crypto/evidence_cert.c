/*
 * Certificates with the evidence extension, id-pe-cmw (docs/evidence.md). The template part is
 * issued by altroot_cert_issue(); the extra extensions are appended to a copy, which is then signed
 * again by the same signer.
 */
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <altroot/evidence.h>

#include "ossl.h"

/* RFC 5280 4.1: Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue }.
 * docs/evidence.md: "The extension MUST NOT be marked critical". */
altroot_err altroot_evidence_extension_der(const char *oid, altroot_span value, altroot_bytes *out)
{
    ENSURE(oid != NULL && out != NULL && value.len <= INT32_MAX, ALTROOT_E_ARG);
    altroot_err err = ALTROOT_OK;
    ASN1_OBJECT *obj = OBJ_txt2obj(oid, 1);
    ASN1_OCTET_STRING *os = ASN1_OCTET_STRING_new();
    X509_EXTENSION *ext = NULL;
    unsigned char *der = NULL;
    ENSURE_GOTO(obj != NULL && os != NULL, ALTROOT_E_NOMEM);
    OSSL_ENSURE_GOTO(ASN1_OCTET_STRING_set(os, value.ptr, (int)value.len), ALTROOT_E_NOMEM);
    ext = X509_EXTENSION_create_by_OBJ(NULL, obj, 0, os);
    ENSURE_GOTO(ext != NULL, ALTROOT_E_NOMEM);
    int n = i2d_X509_EXTENSION(ext, &der);
    ENSURE_GOTO(n > 0, ALTROOT_E_CRYPTO);
    err = altroot_bytes_append(out, der, (size_t)n);
out:
    OPENSSL_free(der);
    X509_EXTENSION_free(ext);
    ASN1_OCTET_STRING_free(os);
    ASN1_OBJECT_free(obj);
    ERR_clear_error();
    return err;
}

static altroot_err add_ext_der(X509 *x, altroot_span der)
{
    ENSURE(der.len > 0 && der.len <= INT32_MAX, ALTROOT_E_ARG);
    const unsigned char *p = der.ptr;
    X509_EXTENSION *ext = d2i_X509_EXTENSION(NULL, &p, (long)der.len);
    ENSURE(ext != NULL, ALTROOT_E_DER);
    altroot_err err = p == der.ptr + der.len ? ALTROOT_OK : ALTROOT_E_TRAILING_DATA;
    if (err == ALTROOT_OK && !OSSL_OK(X509_add_ext(x, ext, -1)))
        err = ALTROOT_E_NOMEM;
    X509_EXTENSION_free(ext);
    return err;
}

static const EVP_MD *digest_for(const altroot_key *key)
{
    return EVP_PKEY_get_bits(key->pkey) >= 384 && EVP_PKEY_get_base_id(key->pkey) == EVP_PKEY_EC
               ? EVP_sha384()
               : EVP_sha256();
}

altroot_err altroot_cert_issue_ext(const altroot_cert_template *tmpl, const altroot_span *exts,
                                   size_t ext_count, const altroot_key *subject_key,
                                   const altroot_cert *issuer, const altroot_key *issuer_key,
                                   altroot_cert **out)
{
    ENSURE(out != NULL && (ext_count == 0 || exts != NULL), ALTROOT_E_ARG);
    altroot_cert *base = NULL;
    TRY(altroot_cert_issue(tmpl, subject_key, issuer, issuer_key, &base));
    const altroot_key *signer = issuer_key != NULL ? issuer_key : subject_key;
    altroot_err err = ALTROOT_OK;
    X509 *x = X509_dup(base->x509);
    ENSURE_GOTO(x != NULL, ALTROOT_E_NOMEM);
    for (size_t i = 0; i < ext_count; i++)
        TRY_GOTO(add_ext_der(x, exts[i]));
    ENSURE_GOTO(X509_sign(x, signer->pkey, digest_for(signer)) > 0, ALTROOT_E_CRYPTO);
    err = altroot_cert_wrap_x509(x, out);
    x = NULL; /* owned by the wrapper, even on failure */
out:
    X509_free(x);
    altroot_cert_free(base);
    if (err != ALTROOT_OK)
        ERR_clear_error();
    return err;
}
