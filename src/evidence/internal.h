/* Internal to src/evidence: shared between the decoder, the encoder and the verifiers. */
#ifndef ALTROOT_EVIDENCE_INTERNAL_H
#define ALTROOT_EVIDENCE_INTERNAL_H

#include <altroot/evidence.h>

#include "../encoding/cbor.h"

/* Claim keys of docs/evidence.md "binding-claims" (RFC 8392, RFC 9711 eat_profile 265). */
#define EVD_CLAIM_EXP 4
#define EVD_CLAIM_IAT 6
#define EVD_CLAIM_CNF 8
#define EVD_CNF_KID 3
#define EVD_CLAIM_NAMES (-70001)
#define EVD_CLAIM_IDENTITY (-70002)
#define EVD_CLAIM_DIGESTS (-70003)
#define EVD_CLAIM_PROFILE 265
/* RFC 9090 tag 111: an OID as the BER content of its OBJECT IDENTIFIER. */
#define EVD_TAG_OID 111
#define EVD_COLLECTION_TYPE_LABEL "__cmwc_t"

/* The encoded OIDs (content octets) of ALTROOT_EVIDENCE_COLLECTION_TYPE and _EAT_PROFILE. */
extern const uint8_t EVD_OID_COLLECTION[20];
extern const uint8_t EVD_OID_PROFILE[20];

/* One member of a root's collection (docs/evidence.md "Members"): its label, media type and
 * indicator, whether it is a certificate chain (a nested collection of application/pkix-cert
 * records), required, a binding; and where the decoder puts it in the root's struct (offsets of
 * an altroot_span, or of the span array and its size_t count for a chain). */
typedef struct evd_spec {
    const char *label;
    const char *media_type;
    unsigned ind;
    bool chain, required, binding;
    size_t offset, count_offset;
} evd_spec;

typedef struct evd_root_spec {
    altroot_evidence_root root;
    const char *label;
    const evd_spec *members;
    size_t count;
} evd_root_spec;

/* The schema of `root` (NULL for none). */
const evd_root_spec *evd_root_spec_get(altroot_evidence_root root);
/* The member of `r` labelled `label`, or NULL. */
const evd_spec *evd_spec_find(const evd_root_spec *r, altroot_span label);
/* The root labelled `label`, or 0. */
altroot_evidence_root evd_root_by_label(altroot_span label);

/* A map walked in deterministic order: RFC 8949 4.2.1 "The keys in every map MUST be sorted in
 * the bytewise lexicographic order of their deterministic encodings". Only integer keys occur. */
typedef struct evd_map {
    altroot_cbor_iter it;
    altroot_span last; /* encoding of the previous key, empty before the first */
} evd_map;

ALTROOT_MUST_CHECK altroot_err evd_map_open(const altroot_cbor_item *item, evd_map *m);
/* The next pair; *done when none is left. E_EVIDENCE_FORMAT for a non-integer key,
 * E_EVIDENCE_NOT_DETERMINISTIC for a key out of order. */
ALTROOT_MUST_CHECK altroot_err evd_map_next(evd_map *m, int64_t *key, altroot_cbor_item *value,
                                            bool *done);
/* The same for a key of any type (returned as an item). */
ALTROOT_MUST_CHECK altroot_err evd_map_next_item(evd_map *m, altroot_cbor_item *key,
                                                 altroot_cbor_item *value, bool *done);

/* Write a deterministic map's integer key (callers write keys in the order above). */
ALTROOT_MUST_CHECK altroot_err evd_put_key(altroot_bytes *out, int64_t key);

/* A deterministic map under construction: entries added in any order, written sorted by the
 * bytewise order of their encoded keys (RFC 8949 4.2.1). Text keys of at most 23 octets. */
#define EVD_BUILDER_MAX 10
typedef struct evd_entry {
    uint8_t key[24];
    size_t key_len;
    altroot_bytes value;
} evd_entry;
typedef struct evd_builder {
    evd_entry e[EVD_BUILDER_MAX];
    size_t count;
} evd_builder;

/* Add `label` => `value` (copied). */
ALTROOT_MUST_CHECK altroot_err evd_builder_add(evd_builder *b, const char *label,
                                               altroot_span value);
/* Add an unsigned integer key. */
ALTROOT_MUST_CHECK altroot_err evd_builder_add_uint(evd_builder *b, uint64_t key,
                                                    altroot_span value);
/* Sort the entries by their encoded keys (evd_builder_write does it too). */
void evd_builder_sort(evd_builder *b);
/* Append the map to `out`. */
ALTROOT_MUST_CHECK altroot_err evd_builder_write(evd_builder *b, altroot_bytes *out);
void evd_builder_clear(evd_builder *b);

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

/* Verify one binding: COSE_Sign1 tag 18 signed by `key`, claims for `root`, cnf, iat/exp, and
 * the digests of exactly the non-binding `members` of its root.
 * Failures go to `f` under `where`; `claims` is filled when the claims decoded (*decoded). */
ALTROOT_MUST_CHECK altroot_err evd_check_binding(const evd_ctx *c, altroot_span binding,
                                                 const altroot_evidence_members *members,
                                                 altroot_evidence_root root, const altroot_key *key,
                                                 const char *where, altroot_evidence_claims *claims,
                                                 bool *decoded, altroot_failures *f);

/* Whether `host` names the Matter operational instance `name` ("<CFID>-<NodeID>" with or
 * without ".local", any case). */
bool evd_instance_name_matches(const char *host, const char *name);
/* Whether `host` is a DNS or IP SAN of `leaf`; *ip says which kind matched. */
ALTROOT_MUST_CHECK altroot_err evd_san_matches(const altroot_cert *leaf, const char *host,
                                               bool *match, bool *ip);
/* Bind the verdict's name (method, by). */
ALTROOT_MUST_CHECK altroot_err evd_bind_name(altroot_verdict *v, const char *method,
                                             const char *name, const char *by);

/* Set r->identity to "spki-sha256:<hex>" of the unit's attestation certificate's key: what a pin
 * records (include/altroot/pin.h). */
ALTROOT_MUST_CHECK altroot_err evd_set_identity(altroot_root_result *r, const altroot_cert *unit);

ALTROOT_MUST_CHECK altroot_err evd_verify_matter(evd_ctx *c, const altroot_evidence_matter *e);
ALTROOT_MUST_CHECK altroot_err evd_verify_fdo(evd_ctx *c, const altroot_evidence_fdo *e);
ALTROOT_MUST_CHECK altroot_err evd_verify_devid(evd_ctx *c, const altroot_evidence_devid *e);
ALTROOT_MUST_CHECK altroot_err evd_verify_mud(evd_ctx *c, const altroot_evidence_mud *e);

/* Record the artefacts' failures into the root result, keeping "no anchors of this kind" apart
 * from tampering: returns whether any failure other than E_NO_ANCHORS was recorded. */
bool evd_tampered(const altroot_root_result *r);

/* The TLS leaf outside its validity period at `at` fails every root added to `v` from index
 * `first` on (evaluate.c; docs/decisions.md "The TLS leaf's validity"). */
ALTROOT_MUST_CHECK altroot_err evd_judge_leaf(const altroot_certs *chain, altroot_time at,
                                              altroot_verdict *v, size_t first);

#endif
