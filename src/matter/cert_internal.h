/* Private to src/matter: object identifiers shared by the TLV and DER sides. */
#ifndef ALTROOT_MATTER_CERT_INTERNAL_H
#define ALTROOT_MATTER_CERT_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <altroot/buf.h>
#include <altroot/time.h>

#include "cert.h"

/* Encoded OID contents (no tag, no length). */
extern const altroot_span altroot_matter_oid_ecdsa_sha256;
extern const altroot_span altroot_matter_oid_ec_public_key;
extern const altroot_span altroot_matter_oid_prime256v1;

/* DN attribute `attr` (1..23) -> OID; empty span for anything else. */
altroot_span altroot_matter_attr_oid(uint8_t attr);
/* OID -> attribute number, 0 if not one of ours. */
uint8_t altroot_matter_attr_from_oid(altroot_span oid);
/* Extension kind (1..5) -> OID; empty span for anything else (6 has no fixed OID). */
altroot_span altroot_matter_ext_oid(uint8_t ext);
uint8_t altroot_matter_ext_from_oid(altroot_span oid);
/* Key purpose (1..6) -> OID. */
altroot_span altroot_matter_eku_oid(uint8_t purpose);
uint8_t altroot_matter_eku_from_oid(altroot_span oid);

/* Matter attributes carry numbers rather than strings. */
static inline bool altroot_matter_attr_is_matter(uint8_t attr)
{
    return attr >= ALTROOT_MATTER_ATTR_NODE_ID && attr <= ALTROOT_MATTER_ATTR_VVS_ID;
}

/* Matter epoch seconds <-> altroot_time, with 0 <-> ALTROOT_TIME_NO_EXPIRY (SDK
 * ChipEpochToASN1Time maps kNullCertTime to 99991231235959Z for either validity bound). */
altroot_time altroot_matter_time_to_unix(uint32_t t);
ALTROOT_MUST_CHECK altroot_err altroot_matter_time_from_unix(altroot_time t, uint32_t *out);

#endif
