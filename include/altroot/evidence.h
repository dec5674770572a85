/*
 * Evidence (docs/evidence.md, version 2): a device's ecosystem credentials and signed bindings
 * carried in its TLS leaf certificate as a RATS Conceptual Message Wrapper collection in the
 * id-pe-cmw extension (RFC 9999) (secondary integration), the primary integration
 * of alternative roots in a TLS chain, and the device side that builds such certificates.
 *
 * Client side, in one call per mode (altroot_evaluate_chain() makes both):
 *
 *     altroot_verdict v;
 *     altroot_verdict_init(&v);
 *     bool applied = false, present = false;
 *     TRY(altroot_primary_evaluate(chain, host, store, at, &v, &applied));
 *     TRY(altroot_evidence_evaluate(chain, host, store, at, &v, &present));
 *     ... altroot_verdict_decide(&v) ...
 */
#ifndef ALTROOT_EVIDENCE_H
#define ALTROOT_EVIDENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <altroot/buf.h>
#include <altroot/error.h>
#include <altroot/export.h>
#include <altroot/list.h>
#include <altroot/time.h>
#include <altroot/trust.h>
#include <altroot/verdict.h>
#include <altroot/x509.h>

/* The extension that carries the evidence: id-pe-cmw (RFC 9999), 1.3.6.1.5.5.7.1.35. */
#define ALTROOT_OID_EVIDENCE "1.3.6.1.5.5.7.1.35"
/* The project's UUID arc appears only inside CBOR, never as a certificate OID: the CMW
 * collection type ("__cmwc_t") and the EAT profile of the bindings (docs/evidence.md). */
#define ALTROOT_EVIDENCE_COLLECTION_TYPE "2.25.69226542634484640648002627714631563288.1"
#define ALTROOT_EVIDENCE_EAT_PROFILE "2.25.69226542634484640648002627714631563288.3"
/* Largest extnValue accepted (docs/evidence.md, "The extension"). */
#define ALTROOT_EVIDENCE_MAX ((size_t)16 * 1024)
/* Most members in one root's collection. */
#define ALTROOT_EVIDENCE_MAX_MEMBERS 8
/* CMW indicator bits (RFC 9999 cm-type): what a record carries. */
#define ALTROOT_CMW_IND_REFERENCE_VALUES 1u
#define ALTROOT_CMW_IND_ENDORSEMENTS 2u
#define ALTROOT_CMW_IND_EVIDENCE 4u
#define ALTROOT_CMW_IND_ATTESTATION_RESULTS 8u
/* Clock skew allowed for iat (docs/evidence.md, "Verification" step 3). */
#define ALTROOT_EVIDENCE_IAT_SKEW 300
/* Most certificates in one IDevID or LDevID chain, and most names in one binding. */
#define ALTROOT_EVIDENCE_MAX_CHAIN 4
#define ALTROOT_EVIDENCE_MAX_NAMES 16

typedef enum altroot_evidence_root {
    ALTROOT_EVIDENCE_MATTER = 1,
    ALTROOT_EVIDENCE_FDO = 2,
    ALTROOT_EVIDENCE_DEVID = 3,
    ALTROOT_EVIDENCE_MUD = 4,
} altroot_evidence_root;

/* ---- decoding (strict; spans borrow from the input) ---- */

/* One member of a root's collection: a CMW record [type, value, ind], or (a certificate chain)
 * a nested collection {0: record, 1: record, ...}. */
typedef struct altroot_evidence_member {
    altroot_span label;      /* UTF-8, not NUL-terminated */
    altroot_span media_type; /* of the record, or of each record of a chain */
    unsigned ind;            /* ALTROOT_CMW_IND_* */
    size_t chain_count;      /* 0 for a record; the certificates of a chain */
    bool binding;            /* a binding (its digest is not in any binding) */
    altroot_span raw;        /* the member's CBOR encoding: what a binding digests */
} altroot_evidence_member;

typedef struct altroot_evidence_members {
    altroot_evidence_member item[ALTROOT_EVIDENCE_MAX_MEMBERS];
    size_t count; /* in the order of the encoding */
} altroot_evidence_members;

typedef struct altroot_evidence_matter {
    bool present;
    altroot_evidence_members members;
    altroot_span dac, pai, cd;
    bool has_noc;
    altroot_span noc, icac, rcac; /* Matter TLV; icac empty when absent */
    altroot_span binding;         /* the COSE_Sign1 bytes (content of the bstr) */
    bool has_noc_binding;
    altroot_span noc_binding;
} altroot_evidence_matter;

typedef struct altroot_evidence_fdo {
    bool present;
    altroot_evidence_members members;
    altroot_span voucher, binding;
} altroot_evidence_fdo;

typedef struct altroot_evidence_devid {
    bool present;
    altroot_evidence_members members;
    altroot_span idevid[ALTROOT_EVIDENCE_MAX_CHAIN];
    size_t idevid_count;
    bool has_voucher;
    altroot_span voucher;
    altroot_span ldevid[ALTROOT_EVIDENCE_MAX_CHAIN];
    size_t ldevid_count; /* 0: no LDevID */
    altroot_span binding;
    bool has_ldevid_binding;
    altroot_span ldevid_binding;
} altroot_evidence_devid;

typedef struct altroot_evidence_mud {
    bool present;
    altroot_evidence_members members;
    altroot_span file, signature;
    bool has_url;
    altroot_span url; /* UTF-8 text, not NUL-terminated */
} altroot_evidence_mud;

typedef struct altroot_evidence {
    altroot_evidence_matter matter;
    altroot_evidence_fdo fdo;
    altroot_evidence_devid devid;
    altroot_evidence_mud mud;
} altroot_evidence;

/* Decode an id-pe-cmw extnValue strictly (docs/evidence.md "CDDL"): size, the DER CMW CHOICE
 * (cbor alternative), deterministic encoding, the altroot collection type, known roots and
 * labels only, each member with its media type and indicator. `out` is filled only on success.
 * `detail` (may be NULL) gets where decoding stopped. Errors: E_EVIDENCE_TOO_LARGE, _VERSION
 * (another or no collection type), _UNKNOWN_KEY, _ROOT_TYPE, _NOT_DETERMINISTIC, _MEDIA_TYPE,
 * _INDICATOR, _FORMAT (any other structural, DER or CBOR problem). */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_evidence_decode(altroot_span value,
                                                                   altroot_evidence *out,
                                                                   char *detail, size_t detail_len);

/* One member digest of a binding: SHA-256 of the member's encoding. */
typedef struct altroot_evidence_digest {
    altroot_span label; /* borrowed */
    uint8_t sha256[32];
} altroot_evidence_digest;

/* Decoded binding claims (docs/evidence.md "binding-claims"). */
typedef struct altroot_evidence_claims {
    uint8_t kid[32]; /* cnf kid: SHA-256 of the TLS SubjectPublicKeyInfo */
    altroot_time iat;
    bool has_exp;
    altroot_time exp;
    altroot_span names[ALTROOT_EVIDENCE_MAX_NAMES]; /* UTF-8, borrowed */
    size_t name_count;
    altroot_evidence_root id_type; /* which identity shape decoded */
    uint16_t vid, pid;             /* Matter */
    uint8_t guid[16];              /* FDO */
    altroot_span serial;           /* 802.1AR, borrowed */
    bool has_hw_type;
    altroot_span hw_type;                                          /* borrowed */
    altroot_evidence_digest digests[ALTROOT_EVIDENCE_MAX_MEMBERS]; /* in label order */
    size_t digest_count;
} altroot_evidence_claims;

/* Decode a binding's COSE_Sign1 payload for a root (`root` picks the identity shape; MUD has
 * none). E_EVIDENCE_BINDING_FORMAT, E_EVIDENCE_UNKNOWN_KEY, E_EVIDENCE_NAMES,
 * E_EVIDENCE_NOT_DETERMINISTIC, E_EVIDENCE_PROFILE (another eat_profile). */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_evidence_claims_decode(
    altroot_span payload, altroot_evidence_root root, altroot_evidence_claims *out);

/* ---- client side ---- */

/* Secondary integration: find the evidence extension in the leaf of `chain` and, when present,
 * verify it completely at `at` against `store` (docs/evidence.md "Verification"), adding one
 * root result (mode secondary) per root entry, or a single "evidence" root when the extension
 * itself is malformed. Every failure is tampering: the root is failed with evidence=true. Sets
 * the name binding (Matter operational instance name under your fabric; a SAN of the leaf when
 * an LDevID under your ldevid-ca binds this TLS key) and v->lifted_class. *present says whether
 * the leaf carried the extension. Returns OK when the evaluation ran. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_evidence_evaluate(
    const altroot_certs *chain, const char *host, const altroot_trust_store *store, altroot_time at,
    altroot_verdict *v, bool *present);

/* Primary integration: the TLS chain itself is a Matter NOC chain (matter-fabric anchors), an
 * IDevID/LDevID chain (devid-ca / ldevid-ca anchors) or a leaf signed by an fdo-owner key. Adds
 * one root result (mode primary) for each that applies and sets the name binding when the root
 * binds `host`. *applied says whether any root recognised the chain. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_primary_evaluate(
    const altroot_certs *chain, const char *host, const altroot_trust_store *store, altroot_time at,
    altroot_verdict *v, bool *applied);

/* The certificate class the verified alternative roots lift the device to (docs/decisions.md,
 * "Certificate classes"): 5 when a root proved ownership by an anchor you hold and bound the
 * name, 4 when a root proved attestation or ownership (the TLS key is bound to one identified
 * unit, so classes 1 and 2 are ruled out); -1 when nothing lifts it above v->cert_class. */
ALTROOT_API int altroot_evidence_lifted_class(const altroot_verdict *v);

/* ---- device side ---- */

/* The credentials a device holds; every pointer and span is borrowed. Leave a root's fields
 * empty/NULL to omit it. */
typedef struct altroot_device_creds {
    /* Matter: DAC key, DAC and PAI (DER), CD (CMS DER); optionally the NOC key and the NOC,
     * ICAC (may be empty) and RCAC in any form altroot_matter_op_cert_convert() accepts. */
    const altroot_key *matter_dac_key;
    altroot_span matter_dac, matter_pai, matter_cd;
    const altroot_key *matter_noc_key;
    altroot_span matter_noc, matter_icac, matter_rcac;
    /* FDO: the device attestation key and the voucher (raw CBOR or PEM). */
    const altroot_key *fdo_device_key;
    altroot_span fdo_voucher;
    size_t fdo_voucher_cut; /* attack helper (tests): carry the voucher without its last N bytes */
    /* attack helper (tests): the Matter or 802.1AR bindings name this certificate's identity
     * instead of the DAC's or IDevID's (NULL: the real one). */
    const altroot_cert *identity_override;
    /* 802.1AR: IDevID key and chain (leaf first), BRSKI voucher (CMS DER, may be empty),
     * LDevID key and chain (leaf first, may be NULL). */
    const altroot_key *idevid_key;
    const altroot_certs *idevid_chain;
    altroot_span brski_voucher;
    const altroot_key *ldevid_key;
    const altroot_certs *ldevid_chain;
    /* MUD: file, detached signature, and the URL when no certificate carries it (may be NULL). */
    altroot_span mud_file, mud_signature;
    const char *mud_url;
} altroot_device_creds;

typedef struct altroot_evidence_params {
    const altroot_key *tls_key; /* borrowed: the key the bindings name (public part used) */
    const char *const *names;   /* borrowed: the names the device answers to */
    size_t name_count;
    altroot_time iat;
    altroot_time exp; /* 0: no exp claim */
} altroot_evidence_params;

/* Build the id-pe-cmw extnValue (DER CMW CHOICE, cbor alternative, wrapping the deterministic
 * CBOR collection) for every root present in `creds`, each binding signed with that root's
 * device key over the digests of the root's other members, appended to `out` (caller clears).
 * E_ARG when no root is present or a credential is incomplete; E_EVIDENCE_TOO_LARGE past
 * 16 KiB. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_evidence_encode(
    const altroot_device_creds *creds, const altroot_evidence_params *p, altroot_bytes *out);

/* Sign one binding for `root` with `device_key` over claims naming `tls_key` and the member
 * digests `digests` (exposed for tests and attack helpers). The identity is read from
 * `identity_cert` (Matter DAC, IDevID) or the FDO `guid`. The tagged COSE_Sign1 is appended to
 * `out`. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_evidence_sign_binding(
    altroot_evidence_root root, const altroot_key *device_key, const altroot_evidence_params *p,
    const altroot_cert *identity_cert, const uint8_t guid[16],
    const altroot_evidence_digest *digests, size_t digest_count, altroot_bytes *out);

/* The media type of a member (`label`) of a root's collection, or NULL for an unknown label
 * (docs/evidence.md "Media types"); for a chain, the type of each of its records. */
ALTROOT_API const char *altroot_evidence_media_type(altroot_evidence_root root, const char *label);
/* The collection label of a root ("matter", "fdo", "devid", "mud"). */
ALTROOT_API const char *altroot_evidence_root_label(altroot_evidence_root root);

/* A certificate with extra DER extensions (each a whole Extension SEQUENCE, borrowed) after the
 * template's own; otherwise as altroot_cert_issue(). */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err
altroot_cert_issue_ext(const altroot_cert_template *tmpl, const altroot_span *exts,
                       size_t ext_count, const altroot_key *subject_key, const altroot_cert *issuer,
                       const altroot_key *issuer_key, altroot_cert **out);

/* DER of an Extension with `oid` (dotted), non-critical, extnValue `value`, appended to `out`. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_evidence_extension_der(const char *oid,
                                                                          altroot_span value,
                                                                          altroot_bytes *out);

typedef struct altroot_device_cert_params {
    const char *const *names; /* borrowed: DNS names and IP literals (SANs and claims) */
    size_t name_count;
    altroot_time not_before, not_after;
    altroot_time iat;               /* binding issue time */
    altroot_time exp;               /* binding exp, at most not_after; 0: not_after */
    const altroot_cert *ca_cert;    /* borrowed: issuer (local-ca or owner), or NULL */
    const altroot_key *ca_key;      /* borrowed: with ca_cert; NULL: self-signed */
    const altroot_key *bind_key;    /* borrowed: bindings name this key instead (attack
                                       helper "bound to another key"), or NULL */
    altroot_span evidence_override; /* borrowed: carry these evidence bytes as they are
                                       (attack helper "copied evidence"), or empty */
} altroot_device_cert_params;

/* Secondary integration: a fresh P-256 TLS key and a leaf certificate (extendedKeyUsage
 * serverAuth only) carrying the evidence built from `creds`, self-signed or issued by ca_cert.
 * E_ARG when exp is later than not_after (a binding must not outlive its certificate). `chain` gets
 * the leaf (and ca_cert when given), caller frees with altroot_certs_free(); `key` the TLS key
 * pair, caller frees with altroot_key_free(). */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err
altroot_device_cert_build(const altroot_device_creds *creds, const altroot_device_cert_params *p,
                          altroot_certs **chain, altroot_key **key);

/* Primary integration: an FDO owner-issued TLS certificate: a fresh P-256 key and a leaf with the
 * names as SANs, signed by `owner_key` (the voucher's final owner private key) under a
 * self-signed owner certificate naming it (not sent: the leaf alone is the chain). */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err
altroot_device_fdo_owner_cert(const altroot_key *owner_key, const altroot_device_cert_params *p,
                              altroot_certs **chain, altroot_key **key);

#endif
