/*
 * The trust store: a directory with one subdirectory per anchor kind, plus the system Web PKI
 * bundle as its own kind. Loaded once; every unreadable or malformed file is reported by name.
 */
#ifndef ALTROOT_TRUST_H
#define ALTROOT_TRUST_H

#include <stddef.h>
#include <stdint.h>

#include <altroot/error.h>
#include <altroot/export.h>
#include <altroot/list.h>
#include <altroot/x509.h>

/* The anchor kinds a trust store holds (docs/trust-store.md); the value of each is stable. */
#define ALTROOT_ANCHOR_KIND_LIST(X)                                                                \
    X(MATTER_PAA, 0, "matter-paa", "Matter PAA certificates (attestation)")                        \
    X(MATTER_CD, 1, "matter-cd", "Matter CD signing certificates (certification)")                 \
    X(MATTER_FABRIC, 2, "matter-fabric", "RCACs of fabrics you administer (ownership)")            \
    X(FDO_MFR, 3, "fdo-mfr", "FDO manufacturer keys and device CA roots (attestation)")            \
    X(FDO_OWNER, 4, "fdo-owner", "your FDO owner public keys (ownership)")                         \
    X(DEVID_CA, 5, "devid-ca", "manufacturer DevID CA roots (802.1AR attestation)")                \
    X(LDEVID_CA, 6, "ldevid-ca", "your domain CA for LDevIDs (802.1AR ownership)")                 \
    X(MUD_SIGNER, 7, "mud-signer", "trusted MUD signer roots")                                     \
    X(LOCAL_CA, 8, "local-ca", "name-constrained local roots you installed")                       \
    X(PINS, 9, "pins", "devices you accepted earlier (identity and name)")                         \
    X(WEBPKI, 10, "webpki", "the system Web PKI bundle")

typedef enum altroot_anchor_kind {
#define ALTROOT_ANCHOR_ENUM_(name, value, dir, desc) ALTROOT_ANCHOR_##name = (value),
    ALTROOT_ANCHOR_KIND_LIST(ALTROOT_ANCHOR_ENUM_)
#undef ALTROOT_ANCHOR_ENUM_
        ALTROOT_ANCHOR_KIND_COUNT
} altroot_anchor_kind;

/* Directory name of a kind ("local-ca"); "unknown" for an invalid value. */
ALTROOT_API const char *altroot_anchor_kind_name(altroot_anchor_kind kind);
ALTROOT_API const char *altroot_anchor_kind_description(altroot_anchor_kind kind);

/* Debian's bundle of the system's Web PKI roots. */
#define ALTROOT_WEBPKI_DEFAULT_BUNDLE "/etc/ssl/certs/ca-certificates.crt"

typedef struct altroot_trust_options {
    const char *dir;           /* borrowed; the anchors directory, or NULL for none */
    const char *webpki_bundle; /* borrowed; NULL: the system default (absent is a warning);
                                  "": no Web PKI; a path: that bundle (absent is an error) */
} altroot_trust_options;

typedef struct altroot_trust_store altroot_trust_store;

/* Load the store. Returns OK when the store could be built, even if some files were bad: those
 * are listed by altroot_trust_store_problems() (callers that must fail closed check it). Returns
 * E_NOT_FOUND when `dir` does not exist. Caller frees with altroot_trust_store_free().
 *
 * A store that someone other than its owner could change fails as a whole, with no store: the
 * folder, each kind folder and each file must be owned by the running user or root and not be
 * writable by group or others (E_STORE_OWNER, E_STORE_WRITABLE), and nothing inside the folder
 * may be a symbolic link (E_STORE_SYMLINK; the folder itself may be one). The first such code is
 * returned. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err
altroot_trust_store_load(const altroot_trust_options *options, altroot_trust_store **out);
/* As altroot_trust_store_load; when the store is refused as unsafe, `problems` (not NULL)
 * receives every problem of the load, each by path with the command that fixes it. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_trust_store_load_report(
    const altroot_trust_options *options, altroot_trust_store **out, altroot_failures *problems);
ALTROOT_API void altroot_trust_store_free(altroot_trust_store *store);

/* Add anchors of `kind` from bytes in memory (PEM or DER; bare public keys for fdo-mfr and
 * fdo-owner), labelled `label` (copied) in reports. On error the store is unchanged, except
 * that E_NOMEM may leave the anchors added with their labels missing. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_trust_store_add(altroot_trust_store *store,
                                                                   altroot_anchor_kind kind,
                                                                   const char *label,
                                                                   altroot_span data);

/* A number that changes whenever anchors are added, and differs between any two stores loaded
 * by this process: what a verdict cache keys on, so that no verdict outlives its anchors. */
ALTROOT_API uint64_t altroot_trust_store_generation(const altroot_trust_store *store);

/* Certificates of a kind; borrowed, valid while `store` lives. Never NULL. */
ALTROOT_API const altroot_certs *altroot_trust_store_certs(const altroot_trust_store *store,
                                                           altroot_anchor_kind kind);
/* The file each certificate of a kind came from (same order); borrowed. */
ALTROOT_API const char *altroot_trust_store_cert_file(const altroot_trust_store *store,
                                                      altroot_anchor_kind kind, size_t i);
/* Bare public keys of a kind (fdo-mfr, fdo-owner); borrowed. */
ALTROOT_API size_t altroot_trust_store_key_count(const altroot_trust_store *store,
                                                 altroot_anchor_kind kind);
ALTROOT_API const altroot_key *altroot_trust_store_key(const altroot_trust_store *store,
                                                       altroot_anchor_kind kind, size_t i);
/* Files that could not be used (E_ANCHOR_FILE and the specific cause); borrowed. */
ALTROOT_API const altroot_failures *altroot_trust_store_problems(const altroot_trust_store *store);
/* Things worth knowing that do not make a file unusable; borrowed. */
ALTROOT_API const altroot_strlist *altroot_trust_store_warnings(const altroot_trust_store *store);

#endif
