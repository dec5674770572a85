/* PKCS#10 certificate signing requests (RFC 2986). */
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <altroot/alloc.h>
#include <altroot/csr.h>

#include "ossl.h"

struct altroot_csr {
    X509_REQ *req;
};

static X509_REQ *parse_der(altroot_span der)
{
    const unsigned char *p = der.ptr;
    X509_REQ *req = d2i_X509_REQ(NULL, &p, (long)der.len);
    if (req != NULL && p != der.ptr + der.len) { /* trailing bytes */
        X509_REQ_free(req);
        req = NULL;
    }
    return req;
}

static X509_REQ *parse_pem(altroot_span pem)
{
    BIO *bio = BIO_new_mem_buf(pem.ptr, (int)pem.len);
    X509_REQ *req = bio != NULL ? PEM_read_bio_X509_REQ(bio, NULL, NULL, NULL) : NULL;
    BIO_free(bio);
    return req;
}

altroot_err altroot_csr_parse(altroot_span data, altroot_csr **out)
{
    ENSURE(out != NULL && (data.ptr != NULL || data.len == 0), ALTROOT_E_INTERNAL);
    ENSURE(data.len > 0, ALTROOT_E_MALFORMED);
    ENSURE(data.len <= ALTROOT_CSR_MAX, ALTROOT_E_TOO_LARGE);
    X509_REQ *req = crypto_looks_like_pem(data) ? parse_pem(data) : parse_der(data);
    ERR_clear_error();
    ENSURE(req != NULL, ALTROOT_E_MALFORMED);
    altroot_csr *csr = altroot_calloc(1, sizeof *csr);
    if (csr == NULL) {
        X509_REQ_free(req);
        return ALTROOT_E_NOMEM;
    }
    csr->req = req;
    *out = csr;
    return ALTROOT_OK;
}

void altroot_csr_free(altroot_csr *csr)
{
    if (csr == NULL)
        return;
    X509_REQ_free(csr->req);
    altroot_free(csr);
}

altroot_err altroot_csr_verify(const altroot_csr *csr)
{
    ENSURE(csr != NULL, ALTROOT_E_INTERNAL);
    EVP_PKEY *pk = X509_REQ_get0_pubkey(csr->req);
    int ok = pk != NULL ? X509_REQ_verify(csr->req, pk) : 0;
    ERR_clear_error();
    ENSURE(OSSL_OK(ok), ALTROOT_E_SIGNATURE);
    return ALTROOT_OK;
}

altroot_err altroot_csr_public_key(const altroot_csr *csr, altroot_key **out)
{
    ENSURE(csr != NULL && out != NULL, ALTROOT_E_INTERNAL);
    EVP_PKEY *pk = X509_REQ_get_pubkey(csr->req);
    ERR_clear_error();
    ENSURE(pk != NULL, ALTROOT_E_KEY_PARSE);
    return altroot_key_wrap(pk, false, out);
}

/* RFC 5280 4.2.1.6: a dNSName is an IA5String in the preferred name syntax; anything but
 * printable ASCII (a NUL above all) is not a name this gateway would check. */
static altroot_err san_add(const GENERAL_NAME *gn, altroot_strlist *out)
{
    if (gn->type != GEN_DNS)
        return altroot_strlist_add(out, "other");
    const unsigned char *p = ASN1_STRING_get0_data(gn->d.dNSName);
    int n = ASN1_STRING_length(gn->d.dNSName);
    if (n <= 0 || n > 253)
        return altroot_strlist_add(out, "other");
    char name[260] = "DNS:";
    for (int i = 0; i < n; i++) {
        if (p[i] <= 0x20 || p[i] >= 0x7f)
            return altroot_strlist_add(out, "other");
        name[4 + i] = (char)p[i];
    }
    name[4 + n] = '\0';
    return altroot_strlist_add(out, name);
}

altroot_err altroot_csr_sans(const altroot_csr *csr, altroot_strlist *out)
{
    ENSURE(csr != NULL && out != NULL, ALTROOT_E_INTERNAL);
    STACK_OF(X509_EXTENSION) *exts = X509_REQ_get_extensions(csr->req);
    ERR_clear_error();
    if (exts == NULL)
        return ALTROOT_OK;
    int crit = 0;
    GENERAL_NAMES *gens = X509V3_get_d2i(exts, NID_subject_alt_name, &crit, NULL);
    altroot_err err = ALTROOT_OK;
    /* crit: -1 absent, -2 present more than once, otherwise present (gens NULL: undecodable). */
    if (gens == NULL && crit != -1)
        err = ALTROOT_E_MALFORMED;
    for (int i = 0; gens != NULL && i < sk_GENERAL_NAME_num(gens) && err == ALTROOT_OK; i++)
        err = san_add(sk_GENERAL_NAME_value(gens, i), out);
    GENERAL_NAMES_free(gens);
    sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
    ERR_clear_error();
    return err;
}

altroot_err altroot_csr_extension_oids(const altroot_csr *csr, altroot_strlist *out)
{
    ENSURE(csr != NULL && out != NULL, ALTROOT_E_INTERNAL);
    STACK_OF(X509_EXTENSION) *exts = X509_REQ_get_extensions(csr->req);
    ERR_clear_error();
    altroot_err err = ALTROOT_OK;
    for (int i = 0; exts != NULL && i < sk_X509_EXTENSION_num(exts) && err == ALTROOT_OK; i++) {
        char oid[128];
        int n = OBJ_obj2txt(oid, sizeof oid,
                            X509_EXTENSION_get_object(sk_X509_EXTENSION_value(exts, i)), 1);
        err = n > 0 && n < (int)sizeof oid ? altroot_strlist_add(out, oid) : ALTROOT_E_MALFORMED;
    }
    sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
    return err;
}
