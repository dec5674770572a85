/*
 * The verdict: what was proved about a peer, per root of trust, and the decision a browser acts
 * on. The decision table is documented in docs/decisions.md; each row has a number reported in
 * `rule`.
 */
#ifndef ALTROOT_VERDICT_H
#define ALTROOT_VERDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <altroot/error.h>
#include <altroot/export.h>
#include <altroot/list.h>
#include <altroot/time.h>

typedef enum altroot_decision {
    ALTROOT_DECISION_UNTRUSTED = 0,
    ALTROOT_DECISION_ATTESTED = 1,
    ALTROOT_DECISION_TRUSTED = 2,
} altroot_decision;

typedef enum altroot_mode {
    ALTROOT_MODE_BASELINE = 0,  /* Web PKI or a local CA: ordinary X.509 */
    ALTROOT_MODE_PRIMARY = 1,   /* an alternative anchor replaces the Web PKI */
    ALTROOT_MODE_SECONDARY = 2, /* evidence in the certificate augments the decision */
    ALTROOT_MODE_ARTEFACT = 3,  /* an artefact verified offline, outside any connection */
} altroot_mode;

typedef enum altroot_root_status {
    ALTROOT_ROOT_NOT_APPLICABLE = 0, /* this root has nothing to say about the peer */
    ALTROOT_ROOT_VERIFIED = 1,       /* everything this root checked passed */
    ALTROOT_ROOT_FAILED = 2,         /* this root applies and a check failed */
} altroot_root_status;

/* Key/value facts, for example maker=..., fabric-id=... . Keys and values are owned. */
typedef struct altroot_facts {
    char **keys;
    char **values;
    size_t count;
} altroot_facts;

typedef struct altroot_root_result {
    char *root; /* owned: "webpki", "local-ca", "matter", "fdo", "devid", "mud" */
    altroot_mode mode;
    altroot_root_status status;
    bool evidence;             /* the peer presented this root's artefacts itself: a failure is
                                  tampering (decision rule 1), not mere absence */
    bool attestation;          /* attestation proved (facts in `attested`) */
    bool ownership;            /* ownership proved by an anchor the user holds */
    altroot_facts attested;    /* who made it */
    altroot_facts owned;       /* who owns it */
    char *anchor;              /* owned: subject of the anchor used, or NULL */
    char *anchor_file;         /* owned: the trust-store file it came from, or NULL */
    char *identity;            /* owned: with attestation, the unit's identity as a pin records
                                  it ("spki-sha256:<hex>" of its attestation key), else NULL */
    altroot_failures failures; /* every failure of this root */
} altroot_root_result;

typedef struct altroot_name_binding {
    bool bound;
    char *method; /* owned: "san-dns", "san-ip", "operational-instance-name", "key-hash-name",
                     "pin", or "none" */
    char *name;   /* owned: the name or address that was bound or asked for */
    char *by;     /* owned: the root that bound it, or NULL */
    char *pin;    /* owned: the pin file recorded for this name, or NULL when there is none */
    char *pinned_identity; /* owned: the root and identity that pin names ("matter spki-...") */
    bool pin_matched;      /* a verified attestation of this peer has the pinned identity */
    bool key_hash_name;    /* the name asked for is a well-formed key-hash name
                              (include/altroot/key_hash_name.h) */
    bool key_hash_matched; /* and it names the public key of the leaf presented */
} altroot_name_binding;

/* The certificate's summary as shown to people. */
typedef struct altroot_peer_cert {
    char *subject, *issuer, *key; /* owned */
    char sha256[65], spki_sha256[65];
    altroot_time not_before, not_after;
    altroot_strlist sans;
    bool self_signed;
} altroot_peer_cert;

typedef struct altroot_verdict {
    altroot_decision decision;
    int rule;        /* row of the decision table that decided */
    char *message;   /* owned: what a browser should say */
    char *target;    /* owned: the URL or artefact verified */
    altroot_time at; /* verification time */
    /* TLS */
    bool tls;                       /* a TLS session was established */
    char *address;                  /* owned: the peer address connected to */
    char *tls_version, *tls_cipher; /* owned */
    size_t chain_length;            /* certificates the peer presented */
    altroot_peer_cert leaf;         /* valid when chain_length > 0 */
    int cert_class;                 /* 0..6 (see docs/decisions.md), -1 when unknown */
    char *class_note;               /* owned: why this class, and what one connection cannot tell */
    int lifted_class;               /* class the alternative roots lift it to, -1 when none */
    /* per root */
    altroot_root_result *roots; /* owned array */
    size_t root_count;
    altroot_name_binding name;
    altroot_failures failures; /* every failure of every root, prefixed by root */
    altroot_strlist warnings;
    altroot_time cached_from; /* 0; with a verdict cache hit, when this evaluation was made
                                 (altroot_evaluate_chain_cached) */
    altroot_time valid_until; /* the latest verification time at which every time check this
                                 evaluation made (certificates in the chain and the evidence,
                                 anchors, binding iat/exp, voucher expiry) comes out the same;
                                 ALTROOT_TIME_NO_EXPIRY: none changes; INT64_MIN: unknown */
} altroot_verdict;

ALTROOT_API void altroot_verdict_init(altroot_verdict *v);
ALTROOT_API void altroot_verdict_clear(altroot_verdict *v);

/* Add a root result (zero-initialised, `root` copied); the pointer is valid until the next
 * add. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_verdict_add_root(altroot_verdict *v,
                                                                    const char *root,
                                                                    altroot_mode mode,
                                                                    altroot_root_result **out);
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_facts_add(altroot_facts *f, const char *key,
                                                             const char *value);
/* Set a string field to a copy (NULL allowed), freeing the old value. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_set_string(char **field, const char *value);

/* A deep copy of `src` into `dst` (initialised here; clear it with altroot_verdict_clear). */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_verdict_copy(altroot_verdict *dst,
                                                                const altroot_verdict *src);

/* Apply the decision table to the roots and the name binding: sets decision, rule, message and
 * lifted_class, and gathers the roots' failures into v->failures. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_verdict_decide(altroot_verdict *v);

ALTROOT_API const char *altroot_decision_name(altroot_decision d);
ALTROOT_API const char *altroot_mode_name(altroot_mode m);
ALTROOT_API const char *altroot_root_status_name(altroot_root_status s);
/* One-line description of certificate class 0..6. */
ALTROOT_API const char *altroot_cert_class_description(int cert_class);

/* Readable report. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_verdict_print(const altroot_verdict *v,
                                                                 FILE *out);
/* JSON report (docs/report-json.md), one document, UTF-8, newline-terminated. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_verdict_print_json(const altroot_verdict *v,
                                                                      FILE *out);

#endif
