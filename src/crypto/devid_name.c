/* DER Names for the DevID and MUD rules: RFC 2253 text and RFC 5280 7.1 comparison. */
#include <openssl/err.h>
#include <openssl/x509.h>

#include <altroot/devid.h>

#include "ossl.h"

static X509_NAME *name_from_der(altroot_span der)
{
    if (der.ptr == NULL || der.len == 0 || der.len > 65536)
        return NULL;
    const unsigned char *p = der.ptr;
    X509_NAME *n = d2i_X509_NAME(NULL, &p, (long)der.len);
    if (n != NULL && p != der.ptr + der.len) {
        X509_NAME_free(n);
        n = NULL;
    }
    ERR_clear_error();
    return n;
}

altroot_err altroot_name_der_to_text(altroot_span der, char *out, size_t len)
{
    ENSURE(out != NULL && len > 0, ALTROOT_E_ARG);
    out[0] = '\0';
    X509_NAME *n = name_from_der(der);
    ENSURE(n != NULL, ALTROOT_E_DER);
    altroot_err err = ALTROOT_OK;
    BIO *bio = BIO_new(BIO_s_mem());
    ENSURE_GOTO(bio != NULL, ALTROOT_E_NOMEM);
    ENSURE_GOTO(X509_NAME_print_ex(bio, n, 0, XN_FLAG_RFC2253) >= 0, ALTROOT_E_CRYPTO);
    int got = BIO_read(bio, out, (int)(len - 1 > 0x7fffffff ? 0x7fffffff : len - 1));
    out[got > 0 ? (size_t)got : 0] = '\0';
out:
    BIO_free(bio);
    X509_NAME_free(n);
    ERR_clear_error();
    return err;
}

bool altroot_name_der_match(altroot_span a, altroot_span b)
{
    X509_NAME *na = name_from_der(a);
    X509_NAME *nb = name_from_der(b);
    /* X509_NAME_cmp compares the canonical encodings (RFC 5280 7.1 folding); it returns -2 on
     * an encoding error, so only 0 is a match. */
    bool match =
        na != NULL && nb != NULL && (altroot_span_equal(a, b) || X509_NAME_cmp(na, nb) == 0);
    X509_NAME_free(na);
    X509_NAME_free(nb);
    ERR_clear_error();
    return match;
}
