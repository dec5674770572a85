/* Matter attestation pieces the library does not install, for the altroot tool, tests and fuzz
 * targets. */
#ifndef ALTROOT_MATTER_ATTEST_H
#define ALTROOT_MATTER_ATTEST_H

#include <altroot/buf.h>
#include <altroot/error.h>

typedef struct altroot_matter_elements {
    altroot_span cd, nonce; /* borrowed from the elements */
} altroot_matter_elements;

/* Attestation elements: anonymous structure; context tags 1 (CD), 2 (nonce, 32 bytes),
 * 3 (timestamp, uint32) required, 4 (firmware information) optional, all in increasing order;
 * then only vendor-reserved fully-qualified profile tags; at most 900 bytes.
 * E_MATTER_ELEMENTS otherwise. */
ALTROOT_MUST_CHECK altroot_err altroot_matter_elements_decode(altroot_span tlv,
                                                              altroot_matter_elements *out);

#endif
