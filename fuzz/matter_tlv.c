/*
 * libFuzzer target: the Matter TLV reader (plain and canonical), the TLV certificate parser and
 * both certificate conversions. Properties checked beyond "no crash":
 *   - a TLV certificate that parses converts to DER, and that DER converts back to a TLV
 *     certificate which, in canonical form, equals the canonical re-encoding of the input;
 *   - the DER parser accepts exactly what it rebuilds.
 */
#include <stdint.h>
#include <stdlib.h>

#include "encoding/tlv.h"
#include "matter/cert.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void walk(altroot_span in, unsigned flags)
{
    altroot_tlv_reader r;
    altroot_tlv_elem e;
    altroot_tlv_reader_init(&r, in, flags);
    while (altroot_tlv_next(&r, &e) == ALTROOT_OK && !r.done)
        ;
    /* A reader that finished cleanly consumed the whole input. */
    if (altroot_tlv_finish(&r) == ALTROOT_OK && r.cur.pos != in.len)
        abort();
}

static void certificate(altroot_span in)
{
    altroot_matter_cert c, c2;
    altroot_bytes der = ALTROOT_BYTES_INIT, tlv = ALTROOT_BYTES_INIT, tlv2 = ALTROOT_BYTES_INIT;
    if (altroot_matter_cert_parse_tlv(in, 0, &c) != ALTROOT_OK)
        return;
    if (altroot_matter_cert_to_der(&c, &der) != ALTROOT_OK)
        goto out; /* e.g. over the 600-octet DER limit */
    if (altroot_matter_cert_parse_der(altroot_bytes_span(&der), &c2) != ALTROOT_OK)
        abort();
    if (altroot_matter_cert_to_tlv(&c, &tlv) != ALTROOT_OK ||
        altroot_matter_cert_to_tlv(&c2, &tlv2) != ALTROOT_OK)
        abort();
    if (!altroot_span_equal(altroot_bytes_span(&tlv), altroot_bytes_span(&tlv2)))
        abort();
out:
    altroot_bytes_clear(&der);
    altroot_bytes_clear(&tlv);
    altroot_bytes_clear(&tlv2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    altroot_span in = {data, size};
    altroot_matter_cert c;
    altroot_bytes out = ALTROOT_BYTES_INIT;
    walk(in, 0);
    walk(in, ALTROOT_TLV_CANONICAL);
    certificate(in);
    /* Canonical parsing is stricter: it never accepts what the lenient parse rejects. */
    if (altroot_matter_cert_parse_tlv(in, ALTROOT_MATTER_CERT_CANONICAL, &c) == ALTROOT_OK &&
        altroot_matter_cert_parse_tlv(in, 0, &c) != ALTROOT_OK)
        abort();
    /* The same bytes as DER input. */
    if (altroot_matter_cert_der_to_tlv(in, &out) == ALTROOT_OK)
        altroot_bytes_clear(&out);
    return 0;
}
