/* Private to src/matter/op_*.c: one operational certificate as decoded from its input. */
#ifndef ALTROOT_MATTER_OP_INTERNAL_H
#define ALTROOT_MATTER_OP_INTERNAL_H

#include <stdbool.h>

#include <altroot/buf.h>
#include <altroot/error.h>
#include <altroot/list.h>

#include "cert.h"

typedef struct altroot_matter_op_cert {
    altroot_bytes raw;     /* the certificate bytes after PEM/base64/hex decoding (owned) */
    altroot_matter_cert c; /* borrows from `raw`; valid when `parsed` */
    altroot_bytes der;     /* X.509 DER rebuilt from `c` (owned) */
    bool parsed;
} altroot_matter_op_cert;

/* Decode `in` (Matter TLV raw, base64 or hex; X.509 DER or PEM with one certificate) into
 * `out`, which must be zeroed. On failure `out` owns whatever it allocated (release it with
 * altroot_matter_op_cert_clear) and:
 *   - E_NOMEM when memory ran out;
 *   - otherwise the code that best names the broken rule: E_MATTER_OP_FORMAT, or, for a subject
 *     that breaks an identifier rule, E_MATTER_OP_TYPE / _NODE_ID / _CAT / _FABRIC_MISMATCH;
 *     `detail` (at least 128 bytes) then says what was wrong. */
ALTROOT_MUST_CHECK altroot_err altroot_matter_op_cert_decode(altroot_span in,
                                                             altroot_matter_op_cert *out,
                                                             char *detail, size_t detail_len);
void altroot_matter_op_cert_clear(altroot_matter_op_cert *c);

#endif
