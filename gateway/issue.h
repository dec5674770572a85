/*
 * Device leaves: the checks every certificate signing request passes (RFC 8555 7.4 finalize,
 * and `altroot gateway issue`) and the leaf profile the issuing CA signs.
 */
#ifndef ALTROOT_GATEWAY_ISSUE_H
#define ALTROOT_GATEWAY_ISSUE_H

#include <altroot/altroot.h>
#include <altroot/csr.h>

#include "gateway.h"

#define ALTROOT_GW_DAYS_DEFAULT 30
#define ALTROOT_GW_DAYS_MAX 90
#define ALTROOT_GW_NAMES_MAX 16

/* The names a certificate is for: lower-case, inside the zone, no duplicates. */
typedef struct altroot_gw_names {
    char name[ALTROOT_GW_NAMES_MAX][ALTROOT_GW_NAME_MAX];
    size_t count;
} altroot_gw_names;

/* Add `name` to `names` after altroot_gw_name_in_zone (a single label is not a name here: it
 * must be written out). E_GATEWAY_CSR_NAMES for a duplicate or too many. */
ALTROOT_MUST_CHECK altroot_err altroot_gw_names_add(altroot_gw_names *names, const char *zone,
                                                    bool allow_local, const char *name);

/* Check `csr` against the names it must carry: its signature verifies with its key; the key is
 * EC P-256 or P-384 or RSA of 2048 to 8192 bits, and not `ca_key` (NULL: skipped); it requests
 * no extension but subjectAltName, keyUsage, extendedKeyUsage and basicConstraints (none of
 * which is copied: the leaf profile is the gateway's); its subjectAltName holds dNSNames only,
 * and as a set exactly `names`. On OK *key is its public key (caller frees). */
ALTROOT_MUST_CHECK altroot_err altroot_gw_csr_check(const altroot_csr *csr,
                                                    const altroot_gw_names *names,
                                                    const altroot_key *ca_key, altroot_key **key);

/* Check the DER or PEM request `csr` for `names` and issue its leaf with the gateway's issuing
 * CA in `dir`: SAN dNSName(s) `names` (the first also as CN), EKU serverAuth, KU
 * digitalSignature (critical), basicConstraints CA:FALSE, a random 127-bit serial, valid from
 * five minutes before `now` for `days` (1..90) days. The PEM chain (leaf, issuing CA) is
 * appended to `chain`. */
ALTROOT_MUST_CHECK altroot_err altroot_gw_issue(const char *dir, altroot_span csr,
                                                const altroot_gw_names *names, int days,
                                                altroot_time now, altroot_bytes *chain);

#endif
