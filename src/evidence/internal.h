/* Internal to src/evidence: shared between the decoder, the encoder and the verifiers. */
#ifndef ALTROOT_EVIDENCE_INTERNAL_H
#define ALTROOT_EVIDENCE_INTERNAL_H

#include <altroot/evidence.h>

#include "../encoding/cbor.h"

/* Map keys of docs/evidence.md. */
#define EVD_KEY_VERSION 1
#define EVD_KEY_ROOTS 2
#define EVD_KEY_TYPE 1
#define EVD_CLAIM_EXP 4
#define EVD_CLAIM_IAT 6
#define EVD_CLAIM_CNF 8
#define EVD_CNF_KID 3
#define EVD_CLAIM_NAMES (-70001)
#define EVD_CLAIM_IDENTITY (-70002)

/* A map walked in deterministic order: RFC 8949 4.2.1 "The keys in every map MUST be sorted in
 * the bytewise lexicographic order of their deterministic encodings". Only integer keys occur. */
typedef struct evd_map {
    altroot_cbor_iter it;
    altroot_span last; /* encoding of the previous key, empty before the first */
} evd_map;

altroot_err evd_map_open(const altroot_cbor_item *item, evd_map *m);
/* The next pair; *done when none is left. E_EVIDENCE_FORMAT for a non-integer key,
 * E_EVIDENCE_NOT_DETERMINISTIC for a key out of order. */
altroot_err evd_map_next(evd_map *m, int64_t *key, altroot_cbor_item *value, bool *done);

/* Write a deterministic map's integer key (callers write keys in the order above). */
altroot_err evd_put_key(altroot_bytes *out, int64_t key);

/* Human name of a root ("matter", "fdo", "devid", "mud"). */
const char *evd_root_name(altroot_evidence_root root);

/* Per-root secondary verification (verify_<root>.c): add a root result to `v`. */
typedef struct evd_ctx {
    const altroot_certs *chain;
    const char *host;
    const altroot_trust_store *store;
    altroot_time at;
    uint8_t spki_sha256[32]; /* of the presented leaf */
    altroot_verdict *v;
    bool devid_idevid_verified; /* the IDevID entry verified (the MUD URL is then authentic) */
    altroot_span idevid_der;    /* the IDevID of the devid entry, when present */
    altroot_span idevid_chain[ALTROOT_EVIDENCE_MAX_CHAIN];
    size_t idevid_chain_count;
} evd_ctx;

/* Verify one binding: COSE_Sign1 tag 18 signed by `key`, claims for `root`, cnf, iat/exp.
 * Failures go to `f` under `where`; `claims` is filled when the claims decoded (*decoded). */
altroot_err evd_check_binding(const evd_ctx *c, altroot_span binding, altroot_evidence_root root,
                              const altroot_key *key, const char *where,
                              altroot_evidence_claims *claims, bool *decoded, altroot_failures *f);

/* Whether `host` names the Matter operational instance `name` ("<CFID>-<NodeID>" with or
 * without ".local", any case). */
bool evd_instance_name_matches(const char *host, const char *name);
/* Whether `host` is a DNS or IP SAN of `leaf`; *ip says which kind matched. */
altroot_err evd_san_matches(const altroot_cert *leaf, const char *host, bool *match, bool *ip);
/* Bind the verdict's name (method, by). */
altroot_err evd_bind_name(altroot_verdict *v, const char *method, const char *name, const char *by);

/* Set r->identity to "spki-sha256:<hex>" of the unit's attestation certificate's key: what a pin
 * records (include/altroot/pin.h). */
altroot_err evd_set_identity(altroot_root_result *r, const altroot_cert *unit);

altroot_err evd_verify_matter(evd_ctx *c, const altroot_evidence_matter *e);
altroot_err evd_verify_fdo(evd_ctx *c, const altroot_evidence_fdo *e);
altroot_err evd_verify_devid(evd_ctx *c, const altroot_evidence_devid *e);
altroot_err evd_verify_mud(evd_ctx *c, const altroot_evidence_mud *e);

/* Record the artefacts' failures into the root result, keeping "no anchors of this kind" apart
 * from tampering: returns whether any failure other than E_NO_ANCHORS was recorded. */
bool evd_tampered(const altroot_root_result *r);

/* The TLS leaf outside its validity period at `at` fails every root added to `v` from index
 * `first` on (evaluate.c; docs/decisions.md "The TLS leaf's validity"). */
altroot_err evd_judge_leaf(const altroot_certs *chain, altroot_time at, altroot_verdict *v,
                           size_t first);

#endif
