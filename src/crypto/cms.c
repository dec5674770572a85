/*
 * CMS SignedData (RFC 5652) for MUD signatures (RFC 8520 section 13) and vouchers (RFC 8366
 * section 5.4): OpenSSL checks the signature, altroot_chain_verify() checks the signer's path
 * against the caller's anchors at the caller's time.
 */
#include <limits.h>
#include <string.h>

/* pem.h first: cms.h declares PEM_read_bio_CMS only when it is already included. */
#include <openssl/pem.h>

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <altroot/alloc.h>
#include <altroot/cms.h>

#include "ossl.h"
#include "sig_count.h"

static bool looks_pem(altroot_span in)
{
    static const char begin[] = "-----BEGIN ";
    return in.len >= sizeof begin - 1 && memcmp(in.ptr, begin, sizeof begin - 1) == 0;
}

/* DER: exactly one ContentInfo, no trailing bytes. PEM: the first CMS/PKCS7 block. */
static CMS_ContentInfo *parse_cms(altroot_span in)
{
    if (in.len == 0 || in.len > ALTROOT_CMS_MAX)
        return NULL;
    if (looks_pem(in)) {
        BIO *bio = BIO_new_mem_buf(in.ptr, (int)in.len);
        CMS_ContentInfo *cms = bio != NULL ? PEM_read_bio_CMS(bio, NULL, NULL, NULL) : NULL;
        BIO_free(bio);
        return cms;
    }
    const unsigned char *p = in.ptr;
    CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &p, (long)in.len);
    if (cms != NULL && p != in.ptr + in.len) {
        CMS_ContentInfo_free(cms);
        return NULL;
    }
    return cms;
}

static altroot_err fail(altroot_cms_result *r, altroot_err code, const char *detail)
{
    char line[160];
    altroot_ossl_error_line(line, sizeof line);
    return altroot_failures_add(&r->failures, code, "cms", "%s%s%s", detail,
                                line[0] != '\0' ? ": " : "", line);
}

/* RFC 5652 5.1: SignedData with exactly one SignerInfo, detached exactly when expected. */
static altroot_err check_shape(CMS_ContentInfo *cms, const altroot_cms_verify_params *p,
                               altroot_cms_result *r)
{
    if (OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed)
        return fail(r, ALTROOT_E_CMS_FORMAT, "content type is not SignedData");
    STACK_OF(CMS_SignerInfo) *sis = CMS_get0_SignerInfos(cms);
    if (sis == NULL || sk_CMS_SignerInfo_num(sis) != 1)
        return fail(r, ALTROOT_E_CMS_FORMAT, "SignedData does not hold exactly one SignerInfo");
    int detached = CMS_is_detached(cms);
    if (detached != (p->detached ? 1 : 0))
        return fail(r, ALTROOT_E_CMS_FORMAT,
                    p->detached ? "content is encapsulated, a detached signature was expected"
                                : "content is detached, encapsulated content was expected");
    const ASN1_OBJECT *ct = CMS_get0_eContentType(cms);
    if (ct == NULL || OBJ_obj2txt(r->content_type, sizeof r->content_type, ct, 1) <= 0)
        return fail(r, ALTROOT_E_CMS_FORMAT, "no eContentType");
    CMS_SignerInfo *si = sk_CMS_SignerInfo_value(sis, 0);
    r->has_signed_attrs = CMS_signed_get_attr_count(si) > 0;
    r->parsed = true;
    return ALTROOT_OK;
}

static altroot_err certs_to_stack(const altroot_certs *l, STACK_OF(X509) * st)
{
    for (size_t i = 0; l != NULL && i < l->count; i++)
        ENSURE(sk_X509_push(st, l->items[i]->x509) > 0, ALTROOT_E_NOMEM);
    return ALTROOT_OK;
}

/* The detached content as CMS_verify reads it: a memory BIO behind a null filter. OpenSSL 3.0's
 * CMS_verify copies a memory BIO it is given into a temporary one and, when CMS_dataInit fails
 * on a malformed SignedData, returns without freeing that copy; with any other BIO type it reads
 * ours directly and leaks nothing. The caller frees the chain with BIO_free_all(). */
static altroot_err detached_content(altroot_span content, BIO **out)
{
    BIO *mem = BIO_new_mem_buf(content.len > 0 ? content.ptr : (const void *)"", (int)content.len);
    BIO *filter = mem != NULL ? BIO_new(BIO_f_null()) : NULL;
    if (filter == NULL) {
        BIO_free(mem);
        return ALTROOT_E_NOMEM;
    }
    *out = BIO_push(filter, mem);
    return ALTROOT_OK;
}

/* Find the signer among the embedded and extra certificates, then check the signature only
 * (CMS_NO_SIGNER_CERT_VERIFY): the path is checked separately with the caller's time. */
static altroot_err check_signature(CMS_ContentInfo *cms, const altroot_cms_verify_params *p,
                                   altroot_cms_result *r, BIO *out)
{
    altroot_err err = ALTROOT_OK;
    STACK_OF(X509) *extra = sk_X509_new_null();
    BIO *dcont = NULL;
    ENSURE_GOTO(extra != NULL, ALTROOT_E_NOMEM);
    TRY_GOTO(certs_to_stack(p->extra, extra));
    CMS_SignerInfo *si = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), 0);
    X509 *signer = NULL;
    if (CMS_set1_signers_certs(cms, extra, 0) < 0)
        ERR_clear_error();
    CMS_SignerInfo_get0_algs(si, NULL, &signer, NULL, NULL);
    if (signer == NULL) {
        err = fail(r, ALTROOT_E_CMS_SIGNER, "the signer's certificate is not in the CMS");
        goto out;
    }
    ENSURE_GOTO(X509_up_ref(signer) == 1, ALTROOT_E_CRYPTO);
    TRY_GOTO(altroot_cert_wrap_x509(signer, &r->signer));
    if (p->detached)
        TRY_GOTO(detached_content(p->content, &dcont));
    unsigned flags = CMS_NO_SIGNER_CERT_VERIFY | CMS_BINARY;
    altroot_sig_count_add(1); /* the one SignerInfo; its certificate is not checked here */
    if (OSSL_OK(CMS_verify(cms, extra, NULL, dcont, out, flags)))
        r->signature_ok = true;
    else
        err = fail(r, ALTROOT_E_CMS_SIGNATURE, "signature does not verify");
out:
    BIO_free_all(dcont);
    sk_X509_free(extra);
    return err;
}

static altroot_err copy_content(BIO *out, altroot_cms_result *r)
{
    const unsigned char *data = NULL;
    long n = BIO_get_mem_data(out, (char **)&data);
    ENSURE(n >= 0, ALTROOT_E_CRYPTO);
    return n > 0 ? altroot_bytes_append(&r->content, data, (size_t)n) : ALTROOT_OK;
}

/* RFC 5652 5.6: the signer's certificate path, built from the signer, the certificates the
 * CMS carries and the caller's extras, to the caller's anchors at the caller's time. */
static altroot_err check_chain(CMS_ContentInfo *cms, const altroot_cms_verify_params *p,
                               altroot_cms_result *r)
{
    altroot_err err = ALTROOT_OK;
    altroot_certs *presented = NULL;
    altroot_chain_result cr = {.anchor_index = -1};
    STACK_OF(X509) *embedded = CMS_get1_certs(cms);
    TRY_GOTO(altroot_certs_new(&presented));
    TRY_GOTO(altroot_certs_push(presented, r->signer));
    for (int i = 0; embedded != NULL && i < sk_X509_num(embedded); i++) {
        altroot_cert *c = NULL;
        X509 *x = sk_X509_value(embedded, i);
        ENSURE_GOTO(X509_up_ref(x) == 1, ALTROOT_E_CRYPTO);
        TRY_GOTO(altroot_cert_wrap_x509(x, &c));
        err = altroot_certs_push(presented, c);
        altroot_cert_free(c);
        TRY_GOTO(err);
    }
    for (size_t i = 0; p->extra != NULL && i < p->extra->count; i++)
        TRY_GOTO(altroot_certs_push(presented, p->extra->items[i]));
    if (p->anchors == NULL || p->anchors->count == 0) {
        err = altroot_failures_add(&r->failures, ALTROOT_E_CMS_CHAIN, "cms signer",
                                   "no anchors were given for the signer");
        goto out;
    }
    altroot_chain_params cp = {.at = p->at, .purpose = ALTROOT_PURPOSE_ANY};
    TRY_GOTO(altroot_chain_verify(presented, p->anchors, &cp, &cr));
    r->chain_ok = cr.verified;
    r->anchor_index = cr.anchor_index;
    TRY_GOTO(altroot_failures_extend(&r->failures, &cr.failures, "cms signer "));
    if (!cr.verified)
        err = altroot_failures_add(&r->failures, ALTROOT_E_CMS_CHAIN, "cms signer",
                                   "the signer's chain does not verify to an anchor");
out:
    altroot_chain_result_clear(&cr);
    altroot_certs_free(presented);
    sk_X509_pop_free(embedded, X509_free);
    return err;
}

static void signer_key_usage(altroot_cms_result *r)
{
    X509 *x = r->signer->x509;
    r->signer_has_key_usage = (X509_get_extension_flags(x) & EXFLAG_KUSAGE) != 0;
    uint32_t ku = X509_get_key_usage(x);
    /* OpenSSL's bit order (X509v3_KU_*) differs from RFC 5280's numbering. */
    static const struct {
        uint32_t ossl, altroot;
    } map[] = {{X509v3_KU_DIGITAL_SIGNATURE, ALTROOT_KU_DIGITAL_SIGNATURE},
               {X509v3_KU_NON_REPUDIATION, ALTROOT_KU_NON_REPUDIATION},
               {X509v3_KU_KEY_ENCIPHERMENT, ALTROOT_KU_KEY_ENCIPHERMENT},
               {X509v3_KU_DATA_ENCIPHERMENT, ALTROOT_KU_DATA_ENCIPHERMENT},
               {X509v3_KU_KEY_AGREEMENT, ALTROOT_KU_KEY_AGREEMENT},
               {X509v3_KU_KEY_CERT_SIGN, ALTROOT_KU_KEY_CERT_SIGN},
               {X509v3_KU_CRL_SIGN, ALTROOT_KU_CRL_SIGN},
               {X509v3_KU_ENCIPHER_ONLY, ALTROOT_KU_ENCIPHER_ONLY},
               {X509v3_KU_DECIPHER_ONLY, ALTROOT_KU_DECIPHER_ONLY}};
    r->signer_key_usage = 0;
    for (size_t i = 0; r->signer_has_key_usage && i < ALTROOT_ARRAY_LEN(map); i++)
        if ((ku & map[i].ossl) != 0)
            r->signer_key_usage |= map[i].altroot;
}

altroot_err altroot_cms_verify(const altroot_cms_verify_params *p, altroot_cms_result *r)
{
    ENSURE(r != NULL, ALTROOT_E_ARG);
    *r = (altroot_cms_result){.anchor_index = -1};
    ENSURE(p != NULL && (p->cms.ptr != NULL || p->cms.len == 0), ALTROOT_E_ARG);
    ENSURE(!p->detached || p->content.ptr != NULL || p->content.len == 0, ALTROOT_E_ARG);
    ENSURE(p->content.len <= INT_MAX && p->cms.len <= INT_MAX, ALTROOT_E_TOO_LARGE);
    altroot_err err = ALTROOT_OK;
    BIO *out = NULL;
    CMS_ContentInfo *cms = parse_cms(p->cms);
    if (cms == NULL) {
        err = fail(r, ALTROOT_E_CMS_FORMAT, "not a DER or PEM CMS ContentInfo");
        goto out;
    }
    TRY_GOTO(check_shape(cms, p, r));
    if (!r->parsed)
        goto out;
    out = BIO_new(BIO_s_mem());
    ENSURE_GOTO(out != NULL, ALTROOT_E_NOMEM);
    TRY_GOTO(check_signature(cms, p, r, out));
    if (r->signer == NULL)
        goto out;
    signer_key_usage(r);
    if (r->signature_ok && !p->detached)
        TRY_GOTO(copy_content(out, r));
    TRY_GOTO(check_chain(cms, p, r));
    r->verified = r->parsed && r->signature_ok && r->chain_ok;
out:
    BIO_free(out);
    CMS_ContentInfo_free(cms);
    ERR_clear_error();
    return err;
}

void altroot_cms_result_clear(altroot_cms_result *r)
{
    if (r == NULL)
        return;
    altroot_bytes_clear(&r->content);
    altroot_cert_free(r->signer);
    altroot_failures_clear(&r->failures);
    *r = (altroot_cms_result){.anchor_index = -1};
}

static altroot_err sign_finish(CMS_ContentInfo *cms, const altroot_cms_sign_params *p,
                               unsigned flags, altroot_bytes *out)
{
    altroot_err err = ALTROOT_OK;
    unsigned char *der = NULL;
    BIO *in = BIO_new_mem_buf(p->content.len > 0 ? p->content.ptr : (const void *)"",
                              (int)p->content.len);
    ENSURE_GOTO(in != NULL, ALTROOT_E_NOMEM);
    if (p->content_type != NULL) {
        ASN1_OBJECT *oid = OBJ_txt2obj(p->content_type, 1);
        ENSURE_GOTO(oid != NULL, ALTROOT_E_ARG);
        int ok = CMS_set1_eContentType(cms, oid);
        ASN1_OBJECT_free(oid);
        OSSL_ENSURE_GOTO(ok, ALTROOT_E_CRYPTO);
    }
    OSSL_ENSURE_GOTO(CMS_final(cms, in, NULL, flags), ALTROOT_E_CRYPTO);
    int n = i2d_CMS_ContentInfo(cms, &der);
    ENSURE_GOTO(n > 0, ALTROOT_E_CRYPTO);
    TRY_GOTO(altroot_bytes_append(out, der, (size_t)n));
out:
    OPENSSL_free(der);
    BIO_free(in);
    return err;
}

altroot_err altroot_cms_sign(const altroot_cms_sign_params *p, altroot_bytes *out)
{
    ENSURE(p != NULL && out != NULL && p->signer != NULL && p->key != NULL, ALTROOT_E_ARG);
    ENSURE(p->key->has_private && p->content.len <= ALTROOT_CMS_MAX, ALTROOT_E_ARG);
    ENSURE(OSSL_OK(X509_check_private_key(p->signer->x509, p->key->pkey)), ALTROOT_E_ARG);
    altroot_err err = ALTROOT_OK;
    STACK_OF(X509) *chain = sk_X509_new_null();
    CMS_ContentInfo *cms = NULL;
    ENSURE_GOTO(chain != NULL, ALTROOT_E_NOMEM);
    TRY_GOTO(certs_to_stack(p->chain, chain));
    unsigned flags = CMS_BINARY | CMS_PARTIAL | (p->detached ? CMS_DETACHED : 0u) |
                     (p->no_signed_attrs ? CMS_NOATTR : 0u);
    cms = CMS_sign(NULL, NULL, chain, NULL, flags);
    ENSURE_GOTO(cms != NULL, ALTROOT_E_CRYPTO);
    const EVP_MD *md =
        altroot_key_get_type(p->key) == ALTROOT_KEY_EC_P384 ? EVP_sha384() : EVP_sha256();
    ENSURE_GOTO(CMS_add1_signer(cms, p->signer->x509, p->key->pkey, md, flags) != NULL,
                ALTROOT_E_CRYPTO);
    TRY_GOTO(sign_finish(cms, p, flags, out));
out:
    CMS_ContentInfo_free(cms);
    sk_X509_free(chain);
    ERR_clear_error();
    return err;
}
