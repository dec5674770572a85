/*
 * libFuzzer target: the Matter operational chain verifier on TLV (or any accepted) input.
 * Input: be16 length + NOC, be16 length + ICAC, then the RCAC (the rest). Properties checked
 * beyond "no crash":
 *   - without anchors, ownership is never proved;
 *   - a chain that verifies has exactly one failure, E_MATTER_FABRIC_NOT_TRUSTED;
 *   - a chain that verifies also converts to its DER form (the device's TLS chain).
 */
#include <stdint.h>
#include <stdlib.h>

#include <altroot/matter_op.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void chain_der(altroot_span noc, altroot_span icac, altroot_span rcac, bool must_work)
{
    altroot_certs *l = NULL;
    if (altroot_certs_new(&l) != ALTROOT_OK)
        return;
    altroot_err err = altroot_matter_op_chain_der(noc, icac, rcac, l);
    if (must_work && err != ALTROOT_OK)
        abort();
    altroot_certs_free(l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    altroot_cursor c;
    altroot_cursor_init(&c, (altroot_span){data, size});
    altroot_span noc = altroot_cursor_span(&c, altroot_cursor_be16(&c));
    altroot_span icac = altroot_cursor_span(&c, altroot_cursor_be16(&c));
    altroot_span rcac = altroot_cursor_span(&c, altroot_cursor_remaining(&c));
    if (!altroot_cursor_ok(&c))
        return 0;
    altroot_time at = 1780000000; /* 2026-05-28 */
    altroot_matter_op_input in = {.noc = noc, .icac = icac, .rcac = rcac, .store = NULL, .at = at};
    altroot_matter_op_result r;
    if (altroot_matter_op_chain_verify(&in, &r) != ALTROOT_OK)
        return 0;
    if (r.verified || r.anchor_matched)
        abort();
    if (r.chain_verified &&
        (r.failures.count != 1 || r.failures.items[0].code != ALTROOT_E_MATTER_FABRIC_NOT_TRUSTED))
        abort();
    chain_der(noc, icac, rcac, r.chain_verified);
    altroot_matter_op_result_clear(&r);
    return 0;
}
