/*
 * The X.509 chain a Matter device serves as its TLS chain in the primary integration
 * (the device serves its NOC chain, in DER form, as its TLS chain): the
 * operational certificates rebuilt as DER, leaf first.
 */
#include <string.h>

#include <altroot/matter_op.h>

#include "../core/guard.h"
#include "op_internal.h"

/* Decode one certificate of the expected type and append its DER form to `list`. */
static altroot_err push_one(altroot_span in, altroot_matter_cert_type type, altroot_certs *list)
{
    altroot_matter_op_cert c;
    altroot_cert *cert = NULL;
    char detail[160];
    memset(&c, 0, sizeof c);
    altroot_err err = altroot_matter_op_cert_decode(in, &c, detail, sizeof detail);
    if (err != ALTROOT_OK && err != ALTROOT_E_NOMEM)
        err = ALTROOT_E_MATTER_OP_FORMAT;
    if (err == ALTROOT_OK && c.c.subject.type != type)
        err = ALTROOT_E_MATTER_OP_TYPE;
    if (err == ALTROOT_OK)
        err = altroot_cert_from_der(altroot_bytes_span(&c.der), &cert);
    if (err == ALTROOT_OK)
        err = altroot_certs_push(list, cert);
    altroot_cert_free(cert);
    altroot_matter_op_cert_clear(&c);
    /* OpenSSL accepts whatever the Matter encoder builds; anything else is a bug of ours. */
    return err == ALTROOT_E_CERT_PARSE ? ALTROOT_E_INTERNAL : err;
}

altroot_err altroot_matter_op_chain_der(altroot_span noc, altroot_span icac, altroot_span rcac,
                                        altroot_certs *out)
{
    ENSURE(out != NULL, ALTROOT_E_INTERNAL);
    altroot_certs *tmp = NULL;
    altroot_err err = altroot_certs_new(&tmp);
    if (err == ALTROOT_OK)
        err = push_one(noc, ALTROOT_MATTER_CERT_NODE, tmp);
    if (err == ALTROOT_OK && icac.len > 0)
        err = push_one(icac, ALTROOT_MATTER_CERT_ICA, tmp);
    if (err == ALTROOT_OK)
        err = push_one(rcac, ALTROOT_MATTER_CERT_ROOT, tmp);
    /* Append only once everything converted, so `out` is unchanged on error; a failure while
     * appending removes nothing already there but may leave part of the chain: report it. */
    for (size_t i = 0; err == ALTROOT_OK && i < altroot_certs_count(tmp); i++)
        err = altroot_certs_push(out, altroot_certs_get(tmp, i));
    altroot_certs_free(tmp);
    return err;
}
