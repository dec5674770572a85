/*
 * Matter operational certificates as a root of trust for ownership: the NOC -> (ICAC) -> RCAC
 * chain of a fabric, checked against the RCACs of the fabrics the user administers
 * (`matter-fabric` anchors). Rules, codes and tests: docs/matter-opcerts.md.
 *
 * Certificates are accepted in every form they travel in: Matter TLV (raw, base64 or hex, as
 * the SDK's tools write them) or X.509 (DER or PEM). Whatever the form, the X.509 DER that a
 * signature covers is rebuilt byte-exactly from the Matter profile, so both forms verify the
 * same way.
 */
#ifndef ALTROOT_MATTER_OP_H
#define ALTROOT_MATTER_OP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <altroot/buf.h>
#include <altroot/error.h>
#include <altroot/export.h>
#include <altroot/list.h>
#include <altroot/time.h>
#include <altroot/trust.h>
#include <altroot/x509.h>

/* Most CASE Authenticated Tags in one NOC subject. */
#define ALTROOT_MATTER_OP_CAT_MAX 3
/* "<CFID 16 upper hex>-<NodeID 16 upper hex>" and a NUL. */
#define ALTROOT_MATTER_OP_NAME_LEN 34

/* ---- verification ---- */

typedef struct altroot_matter_op_input {
    altroot_span noc;  /* borrowed; required */
    altroot_span icac; /* borrowed; empty when the fabric has no intermediate */
    altroot_span rcac; /* borrowed; required */
    /* borrowed; its matter-fabric anchors decide ownership. NULL: no anchors (the chain is
     * checked, ownership cannot be proved). */
    const altroot_trust_store *store;
    altroot_time at; /* verification time: every certificate must be valid then */
} altroot_matter_op_input;

typedef struct altroot_matter_op_result {
    bool chain_verified; /* every profile, chain, signature, fabric and time rule passed */
    bool anchor_matched; /* the RCAC is a matter-fabric anchor (same public key and subject) */
    bool verified;       /* both: ownership is proved, "your fabric" */
    /* Facts as decoded from the certificates; to be trusted only when `verified`. */
    bool has_fabric_id;
    uint64_t fabric_id; /* the NOC's */
    bool has_node_id;
    uint64_t node_id;
    size_t cat_count;
    uint32_t cats[ALTROOT_MATTER_OP_CAT_MAX]; /* identifier << 16 | version */
    bool has_rcac_id, has_icac_id;
    uint64_t rcac_id, icac_id;
    bool has_compressed_fabric_id; /* RCAC key and NOC fabric id known */
    uint64_t compressed_fabric_id;
    char instance_name[ALTROOT_MATTER_OP_NAME_LEN]; /* "" until the CFID and node id are known */
    uint8_t root_public_key[65];                    /* valid with has_compressed_fabric_id */
    char rcac_subject[256];                         /* RFC 2253, "" when the RCAC did not parse */
    char anchor_file[512];     /* trust-store file of the matching anchor, or "" */
    altroot_failures failures; /* every failure found (codes 650-699) */
} altroot_matter_op_result;

/* Verify a NOC chain and whether its RCAC is one of the user's fabric anchors, collecting every
 * failure (docs/matter-opcerts.md lists the rules in order). Returns OK when the verification
 * ran (look at out->verified and out->failures); E_NOMEM or E_INTERNAL when it could not, with
 * `out` cleared. Release `out` with altroot_matter_op_result_clear(). */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err
altroot_matter_op_chain_verify(const altroot_matter_op_input *in, altroot_matter_op_result *out);
ALTROOT_API void altroot_matter_op_result_clear(altroot_matter_op_result *r);

/* ---- the TLS chain a device serves (primary integration) ---- */

/* The X.509 DER chain NOC[, ICAC], RCAC rebuilt from the certificates in any accepted form,
 * appended to `out` in that order (leaf first). Conversion only: each certificate must decode
 * in the Matter profile (E_MATTER_OP_FORMAT) and have the type of its position
 * (E_MATTER_OP_TYPE), but nothing is verified: use altroot_matter_op_chain_verify() for that.
 * `icac` may be empty. On a decoding error `out` is unchanged; E_NOMEM while appending may
 * leave part of the chain in it. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_matter_op_chain_der(altroot_span noc,
                                                                       altroot_span icac,
                                                                       altroot_span rcac,
                                                                       altroot_certs *out);

/* One certificate in any accepted form to its X.509 DER (appended to `out`, caller clears) and,
 * when `tlv` is not NULL, its Matter TLV (appended likewise). E_MATTER_OP_FORMAT when it is not
 * a Matter operational certificate in any accepted form. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_matter_op_cert_convert(altroot_span in,
                                                                          altroot_bytes *der,
                                                                          altroot_bytes *tlv);

/* ---- minting test fabrics (`altroot mint matter`, unit tests) ---- */

/* Faults a test can inject; each breaks exactly one rule (docs/matter-opcerts.md). */
#define ALTROOT_MATTER_OP_FAULT_NOC_SIGNATURE (1u << 0)    /* NOC signature corrupted */
#define ALTROOT_MATTER_OP_FAULT_ICAC_SIGNATURE (1u << 1)   /* ICAC signature corrupted */
#define ALTROOT_MATTER_OP_FAULT_RCAC_SIGNATURE (1u << 2)   /* RCAC self-signature corrupted */
#define ALTROOT_MATTER_OP_FAULT_NOC_CA (1u << 3)           /* NOC cA TRUE */
#define ALTROOT_MATTER_OP_FAULT_NOC_KEY_USAGE (1u << 4)    /* NOC keyUsage without digitalSig. */
#define ALTROOT_MATTER_OP_FAULT_NOC_NO_SERVER (1u << 5)    /* NOC EKU without serverAuth */
#define ALTROOT_MATTER_OP_FAULT_NOC_NO_CLIENT (1u << 6)    /* NOC EKU without clientAuth */
#define ALTROOT_MATTER_OP_FAULT_ICAC_NOT_CA (1u << 7)      /* ICAC cA FALSE */
#define ALTROOT_MATTER_OP_FAULT_ICAC_KEY_USAGE (1u << 8)   /* ICAC keyUsage without keyCertSign */
#define ALTROOT_MATTER_OP_FAULT_RCAC_NOT_CA (1u << 9)      /* RCAC cA FALSE */
#define ALTROOT_MATTER_OP_FAULT_RCAC_KEY_USAGE (1u << 10)  /* RCAC keyUsage without keyCertSign */
#define ALTROOT_MATTER_OP_FAULT_RCAC_PATH_LEN_2 (1u << 11) /* RCAC pathLen 2 */
#define ALTROOT_MATTER_OP_FAULT_RCAC_PATH_LEN_0 (1u << 12) /* RCAC pathLen 0 (ICAC under it) */
#define ALTROOT_MATTER_OP_FAULT_RCAC_AKID (1u << 13)       /* RCAC AKID != SKID */
#define ALTROOT_MATTER_OP_FAULT_RCAC_ISSUER (1u << 14)     /* RCAC issuer != subject */
#define ALTROOT_MATTER_OP_FAULT_NOC_AKID (1u << 15)        /* NOC AKID != issuer's SKID */
#define ALTROOT_MATTER_OP_FAULT_NOC_ISSUER (1u << 16)      /* NOC issuer != issuer's subject */
#define ALTROOT_MATTER_OP_FAULT_NOC_TYPE (1u << 17)        /* NOC subject has icac-id, no node-id */
#define ALTROOT_MATTER_OP_FAULT_NOC_NO_SKID (1u << 18)     /* NOC without subjectKeyIdentifier */
#define ALTROOT_MATTER_OP_FAULT_NOC_CRITICAL_EXT (1u << 19) /* NOC critical unknown extension */
#define ALTROOT_MATTER_OP_FAULT_ICAC_FABRIC (1u << 20)      /* ICAC fabric id != NOC's */
#define ALTROOT_MATTER_OP_FAULT_RCAC_FABRIC (1u << 21)      /* RCAC fabric id != NOC's */
#define ALTROOT_MATTER_OP_FAULT_NOC_NO_EKU (1u << 22)       /* NOC without extendedKeyUsage */
#define ALTROOT_MATTER_OP_FAULT_ICAC_AKID (1u << 23)        /* ICAC AKID != RCAC SKID */

typedef struct altroot_matter_op_mint_params {
    uint64_t fabric_id; /* the NOC's fabric id (0 leaves it out: an invalid NOC) */
    uint64_t node_id;   /* the NOC's node id (any value: out-of-range ones are test cases) */
    uint64_t rcac_id, icac_id;
    bool with_icac;                              /* RCAC -> ICAC -> NOC, else RCAC -> NOC */
    bool rcac_has_fabric_id, icac_has_fabric_id; /* also name the fabric in the CA subjects */
    const uint32_t *cats; /* borrowed; CATs for the NOC subject (any values: tests) */
    size_t cat_count;     /* at most ALTROOT_MATTER_OP_CAT_MAX */
    /* Validity of every certificate; not_after ALTROOT_TIME_NO_EXPIRY encodes 0, "no expiry".
     * Both must be representable in Matter epoch seconds (after 2000-01-01). */
    altroot_time not_before, not_after;
    const altroot_key *rcac_key; /* borrowed; reuse this root key pair, or NULL for a new one */
    uint32_t faults;             /* ALTROOT_MATTER_OP_FAULT_* */
} altroot_matter_op_mint_params;

typedef struct altroot_matter_op_fabric {
    altroot_bytes rcac_tlv, icac_tlv, noc_tlv;  /* Matter TLV; icac_tlv empty without ICAC */
    altroot_bytes rcac_der, icac_der, noc_der;  /* the same certificates as X.509 DER */
    altroot_key *rcac_key, *icac_key, *noc_key; /* key pairs; icac_key NULL without ICAC */
} altroot_matter_op_fabric;

/* Mint a fabric's certificates, properly signed unless `faults` says otherwise. `out` must be
 * zeroed or hold an earlier fabric: it is released and replaced on success, untouched on error
 * (E_ARG for more than three CATs, E_UNSUPPORTED for a time Matter cannot encode). Release with
 * altroot_matter_op_fabric_clear(). */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_matter_op_fabric_mint(
    const altroot_matter_op_mint_params *p, altroot_matter_op_fabric *out);
ALTROOT_API void altroot_matter_op_fabric_clear(altroot_matter_op_fabric *f);

#endif
