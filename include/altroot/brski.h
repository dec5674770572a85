/*
 * RFC 8366 vouchers as BRSKI (RFC 8995) uses them: a CMS-signed JSON voucher verified against
 * MASA anchors, checked against the pledge's IDevID (serial number, idevid-issuer), and the
 * pinned-domain-cert that, together with an LDevID under it, is ownership evidence.
 * Rules: docs/devid-mud.md.
 */
#ifndef ALTROOT_BRSKI_H
#define ALTROOT_BRSKI_H

#include <stdbool.h>
#include <stddef.h>

#include <altroot/buf.h>
#include <altroot/error.h>
#include <altroot/export.h>
#include <altroot/list.h>
#include <altroot/time.h>
#include <altroot/verdict.h>
#include <altroot/x509.h>

/* Largest voucher JSON (eContent) accepted (64 KiB). */
#define ALTROOT_VOUCHER_JSON_MAX ((size_t)64 * 1024)

typedef enum altroot_voucher_assertion {
    ALTROOT_VOUCHER_ASSERTION_NONE = 0,
    ALTROOT_VOUCHER_ASSERTION_VERIFIED,
    ALTROOT_VOUCHER_ASSERTION_LOGGED,
    ALTROOT_VOUCHER_ASSERTION_PROXIMITY,
} altroot_voucher_assertion;

/* The voucher's leaves (RFC 8366 section 5.3), decoded strictly. */
typedef struct altroot_voucher {
    altroot_time created_on;
    bool has_expires_on;
    altroot_time expires_on;
    altroot_voucher_assertion assertion;
    char *serial_number;              /* owned */
    char *nonce;                      /* owned, NULL when absent */
    altroot_cert *pinned_domain_cert; /* owned reference */
    altroot_bytes idevid_issuer;      /* owned: decoded octets, empty when absent */
    bool has_revocation_checks;
    bool domain_cert_revocation_checks;
    bool has_last_renewal;
    altroot_time last_renewal_date;
} altroot_voucher;

ALTROOT_API void altroot_voucher_clear(altroot_voucher *v);
ALTROOT_API const char *altroot_voucher_assertion_name(altroot_voucher_assertion a);

/* Decode voucher JSON (the exact eContent bytes) strictly: one object with one member
 * "ietf-voucher:voucher", the RFC 8366 leaves with their YANG types, no unknown leaves. Every
 * violation goes to `failures` (E_VOUCHER_*). `out` is initialised here; clear it with
 * altroot_voucher_clear, also on error. Returns OK when the check ran. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_voucher_parse(altroot_span json,
                                                                 altroot_voucher *out,
                                                                 altroot_failures *failures);

typedef struct altroot_voucher_params {
    altroot_span cms;                  /* borrowed: the CMS-signed voucher, DER or PEM */
    const altroot_certs *masa_anchors; /* borrowed: MASA trust anchors */
    const altroot_certs *extra;        /* borrowed, may be NULL: more certificates for the signer */
    const altroot_cert *idevid;        /* borrowed: the pledge's IDevID, or NULL */
    const char *nonce;                 /* borrowed: the nonce sent, or NULL when none was */
    altroot_time at;
} altroot_voucher_params;

typedef struct altroot_voucher_result {
    bool verified; /* signature, signer chain, content, serial (and nonce) all passed */
    altroot_voucher voucher;
    char signer[512]; /* RFC 2253 subject of the MASA signer */
    char owner[512];  /* RFC 2253 subject of pinned-domain-cert: the owner domain */
    char content_type[64];
    int anchor_index; /* in masa_anchors, or -1 */
    altroot_failures failures;
    altroot_strlist warnings;
} altroot_voucher_result;

/* Verify a voucher. Returns OK when the check ran (see result->verified); E_ARG or E_NOMEM
 * otherwise. `result` is initialised here; release it with altroot_voucher_result_clear(). */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err
altroot_voucher_verify(const altroot_voucher_params *params, altroot_voucher_result *result);
ALTROOT_API void altroot_voucher_result_clear(altroot_voucher_result *result);

/* RFC 8995 5.6.2 / 2.3: the LDevID (with `chain`, may be NULL) chains to the voucher's
 * pinned-domain-cert at `at` (the pinned certificate acts as the anchor, CA or not). Failures
 * are appended (E_VOUCHER_DOMAIN and the chain's). *ok is the answer. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_voucher_check_ldevid(const altroot_voucher *v,
                                                                        const altroot_cert *ldevid,
                                                                        const altroot_certs *chain,
                                                                        altroot_time at, bool *ok,
                                                                        altroot_failures *failures);

/* Fill a verdict root result (the "devid" root) from a voucher result. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err
altroot_voucher_to_root(const altroot_voucher_result *res, altroot_root_result *r);

/* Mint a voucher (tests): JSON with the given leaves, CMS-signed (encapsulated, eContentType
 * `content_type` or id-data when NULL) by `signer`/`key`. `expires_on` 0 for none, `nonce` and
 * `idevid_issuer` (empty) optional. DER appended to `out` (caller clears). */
typedef struct altroot_voucher_mint_params {
    const char *assertion;     /* borrowed: "verified", "logged", "proximity" */
    const char *serial_number; /* borrowed */
    const char *nonce;         /* borrowed, may be NULL */
    altroot_time created_on, expires_on;
    const altroot_cert *pinned; /* borrowed: pinned-domain-cert */
    altroot_span idevid_issuer; /* borrowed octets, may be empty */
    const char *content_type;   /* borrowed dotted OID or NULL */
    const altroot_cert *signer; /* borrowed */
    const altroot_key *key;     /* borrowed */
    const char *extra_leaf;     /* borrowed: an unknown leaf name to add (fault), or NULL */
} altroot_voucher_mint_params;

ALTROOT_API ALTROOT_MUST_CHECK altroot_err
altroot_voucher_mint(const altroot_voucher_mint_params *p, altroot_bytes *out);

#endif
