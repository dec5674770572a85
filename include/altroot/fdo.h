/*
 * FIDO Device Onboard as a root of trust: ownership vouchers (FDO 1.1, protocol 101).
 *
 * A voucher records a device's hand-over from its manufacturer, owner by owner, to its current
 * owner (ownership) and carries the device certificate chain rooted at the manufacturer
 * (attestation). altroot verifies it from the bytes received, as a third party can; with the
 * device's HMAC secret it also checks the header HMAC. Rules, sources and choices: docs/fdo.md.
 */
#ifndef ALTROOT_FDO_H
#define ALTROOT_FDO_H

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

#define ALTROOT_FDO_PROTVER_1_0 100
#define ALTROOT_FDO_PROTVER_1_1 101
/* NumOVEntries travels as a uint8 in TO2.ProveOVHdr: no device accepts more entries. */
#define ALTROOT_FDO_MAX_ENTRIES 255
/* Largest voucher (CBOR or PEM text) accepted. */
#define ALTROOT_FDO_MAX_VOUCHER ((size_t)1024 * 1024)

/* PublicKey.pkType */
typedef enum altroot_fdo_pk_type {
    ALTROOT_FDO_PK_RSA2048RESTR = 1,
    ALTROOT_FDO_PK_RSAPKCS = 5,
    ALTROOT_FDO_PK_RSAPSS = 6,
    ALTROOT_FDO_PK_SECP256R1 = 10,
    ALTROOT_FDO_PK_SECP384R1 = 11,
} altroot_fdo_pk_type;

/* PublicKey.pkEnc */
typedef enum altroot_fdo_pk_enc {
    ALTROOT_FDO_PK_ENC_CRYPTO = 0,
    ALTROOT_FDO_PK_ENC_X509 = 1,
    ALTROOT_FDO_PK_ENC_X5CHAIN = 2,
    ALTROOT_FDO_PK_ENC_COSEKEY = 3,
} altroot_fdo_pk_enc;

/* Hash and HMAC types (COSE algorithm numbers). */
#define ALTROOT_FDO_HASH_SHA256 (-16)
#define ALTROOT_FDO_HASH_SHA384 (-43)
#define ALTROOT_FDO_HMAC_SHA256 5
#define ALTROOT_FDO_HMAC_SHA384 6

/* Tolerated quirks, reported in altroot_fdo_result.quirks (docs/fdo.md, "Choices"). */
#define ALTROOT_FDO_QUIRK_X5CHAIN_WRAPPED (1u << 0) /* X5CHAIN pkBody as bstr-wrapped array */
#define ALTROOT_FDO_QUIRK_COSEKEY_PADDED (1u << 1)  /* COSE_Key x/y not exactly field size */
#define ALTROOT_FDO_QUIRK_COSEKEY_NO_KTY (1u << 2)  /* EC2 COSE_Key without kty */
#define ALTROOT_FDO_QUIRK_CHAIN_HASH_ARRAY                                                         \
    (1u << 3) /* chain hash over the CBOR array (pre-2024                                          \
                 fdo-rs); still a failure */
#define ALTROOT_FDO_QUIRK_NO_ENTRIES                                                               \
    (1u << 4) /* nothing a third party checks binds the header                                     \
                 and device chain to the manufacturer */

/* A decoded PublicKey = [pkType, pkEnc, pkBody]. */
typedef struct altroot_fdo_pubkey {
    int64_t type;         /* altroot_fdo_pk_type as encoded */
    int64_t enc;          /* altroot_fdo_pk_enc as encoded */
    altroot_span raw;     /* the PublicKey array as received; borrowed from the voucher */
    altroot_key *key;     /* owned: the public key (X5CHAIN: the leaf's) */
    altroot_certs *chain; /* owned: X5CHAIN certificates, else NULL */
    unsigned quirks;      /* ALTROOT_FDO_QUIRK_* seen while decoding */
} altroot_fdo_pubkey;

/* One OVEntry = #6.18(COSE_Sign1) with payload [HashPrevEntry, HashHdrInfo, Extra, PubKey]. */
typedef struct altroot_fdo_entry {
    altroot_span raw;         /* the entry as received (tag included); borrowed */
    altroot_err decode_err;   /* OK when the entry decoded; else why not (see decode_detail) */
    char decode_detail[96];   /* where decoding stopped, for reports */
    bool tagged;              /* carried tag 18 */
    int64_t alg;              /* COSE alg of the protected header */
    altroot_span protected_h; /* borrowed; COSE protected header bytes */
    altroot_span payload;     /* borrowed; the OVEntryPayload bytes that were signed */
    altroot_span signature;   /* borrowed */
    int64_t prev_hash_type, hdr_hash_type;
    altroot_span prev_hash, hdr_hash; /* borrowed */
    bool has_extra;
    altroot_span extra;       /* borrowed; OVEExtra bstr content (a map) */
    altroot_fdo_pubkey owner; /* OVEPubKey: the next owner */
} altroot_fdo_entry;

/* A decoded voucher. Spans borrow from `bytes`, which the voucher owns. */
typedef struct altroot_fdo_voucher {
    altroot_bytes bytes;  /* owned copy of the CBOR voucher */
    uint64_t protver;     /* OVProtVer */
    uint64_t hdr_protver; /* OVHeader.OVHProtVer */
    altroot_span header;  /* OVHeader bytes (content of the OVHeaderTag bstr) */
    uint8_t guid[16];
    char *device_info;   /* owned, NUL-terminated */
    altroot_span rvinfo; /* OVRVInfo as received */
    size_t rv_directives;
    altroot_fdo_pubkey mfr; /* OVPubKey */
    bool has_chain_hash;
    int64_t chain_hash_type;
    altroot_span chain_hash;
    int64_t hmac_type;
    altroot_span hmac;           /* the HMAC bytes */
    altroot_span hmac_raw;       /* the whole OVHeaderHMac item as received */
    altroot_span chain_raw;      /* OVDevCertChain as received */
    altroot_certs *device_chain; /* owned; NULL when OVDevCertChain is null */
    altroot_fdo_entry *entries;  /* owned array */
    size_t entry_count;
} altroot_fdo_voucher;

/* Decode a voucher: PEM ("-----BEGIN OWNERSHIP VOUCHER-----", base64 of the CBOR; CRLF and any
 * other PEM blocks, such as a following private key, are allowed; `index` picks the n-th voucher
 * block) or, when the input does not start with "-----", raw CBOR (then `index` must be 0).
 * Header, device chain and the entry list are decoded strictly; a single entry that cannot be
 * decoded does not fail the voucher (its decode_err says why and the verifier reports it).
 * Errors: E_FDO_NO_VOUCHER (nothing at `index`), E_PEM, E_CBOR_*, E_FDO_UNSUPPORTED_VERSION
 * (a 1.0 voucher), E_FDO_PROTVER_MISMATCH, E_FDO_MALFORMED, E_FDO_GUID, E_FDO_DEVICE_INFO,
 * E_FDO_RVINFO, E_FDO_PUBKEY, E_FDO_HASH_ALG, E_FDO_DEVICE_CHAIN, E_FDO_LIMIT, E_NOMEM.
 * `detail` (may be NULL, `detail_len` bytes) gets where decoding stopped. Caller frees `*out`
 * with altroot_fdo_voucher_free(). */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_fdo_voucher_decode(
    altroot_span data, size_t index, altroot_fdo_voucher **out, char *detail, size_t detail_len);
ALTROOT_API void altroot_fdo_voucher_free(altroot_fdo_voucher *v);

/* Number of OWNERSHIP VOUCHER blocks in PEM text (1 for raw CBOR). */
ALTROOT_API size_t altroot_fdo_pem_count(altroot_span data);

/* The private key block that follows a voucher in the same file (the conformance tools and
 * fdo-rs append the owner's key), parsed by its content whatever its label says (PKCS#8 labelled
 * "EC PRIVATE KEY" occurs). E_NOT_FOUND when there is none. Caller frees with
 * altroot_key_free(). */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_fdo_pem_private_key(altroot_span data,
                                                                       altroot_key **out);

/* Base64 PEM "OWNERSHIP VOUCHER" block of `cbor`, 64-character lines, appended to `out`. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_fdo_voucher_to_pem(altroot_span cbor,
                                                                      altroot_bytes *out);

typedef struct altroot_fdo_verify_params {
    const altroot_trust_store *store; /* borrowed; fdo-mfr and fdo-owner anchors, or NULL */
    altroot_time at;                  /* verification time (device chain against fdo-mfr CAs) */
    altroot_span hmac_secret;         /* borrowed; the device's HMAC secret, or empty */
    bool reject_wrapped_x5chain;      /* refuse the fdo-rs bstr-wrapped X5CHAIN (go-fdo's
                                         reading); default: accept and report */
    bool raw_only; /* the bytes must be the voucher's CBOR as issued (as evidence carries it);
                      PEM text is then E_FDO_MALFORMED */
    bool other_owner_is_note; /* a final owner that is none of the fdo-owner keys is a note, not
                                 E_FDO_OWNER_MISMATCH: the voucher may still attest (evidence:
                                 a device someone else owns is not a forgery) */
} altroot_fdo_verify_params;

/* What verification found, per entry. */
typedef struct altroot_fdo_entry_result {
    bool signature_ok, prev_hash_ok, hdr_hash_ok;
} altroot_fdo_entry_result;

typedef struct altroot_fdo_result {
    bool verified;        /* every check that could run passed, and every anchor check asked
                             for (owner keys, manufacturer, HMAC) passed */
    bool decoded;         /* the voucher decoded (else see failures) */
    bool entries_ok;      /* the whole entry chain verified from OVPubKey */
    bool chain_hash_ok;   /* OVDevCertChainHash matches (or both null) */
    bool device_chain_ok; /* each device certificate is signed by the next */
    bool hmac_checked, hmac_ok;
    bool owner_checked;   /* fdo-owner anchors were configured */
    bool ownership;       /* verified, rooted, and the final owner is an fdo-owner anchor */
    bool mfr_checked;     /* fdo-mfr anchors were configured */
    bool mfr_key_trusted; /* OVPubKey is an fdo-mfr key or chains to an fdo-mfr certificate */
    bool mfr_signed;      /* ... and signed entry 0, whose hash covers the header */
    bool rooted;          /* the chain of owners starts where the user trusts it: mfr_signed, or
                             the header HMAC was checked with the device secret */
    bool device_chain_trusted; /* OVDevCertChain validates to an fdo-mfr certificate at `at` */
    bool attestation;          /* verified, and: the device chain is trusted, or OVPubKey is and the
                                  header is authentic (it signed entry 0, or the HMAC was checked) */
    int owner_anchor;          /* index among fdo-owner keys (then certificates), or -1 */
    char owner_anchor_desc[256]; /* subject or "key <sha256 prefix>" of the matched anchor */
    char mfr_anchor_desc[256];
    unsigned quirks;                   /* ALTROOT_FDO_QUIRK_* seen */
    altroot_fdo_voucher *voucher;      /* owned; NULL when decoding failed */
    altroot_fdo_entry_result *entries; /* owned; one per voucher entry */
    const altroot_key *final_owner;    /* borrowed from `voucher`: the last OVEPubKey (OVPubKey
                                          when there are no entries); NULL when unknown */
    altroot_failures failures;         /* every failure, with where and detail */
    altroot_strlist notes;             /* quirks and other things a reviewer should read */
} altroot_fdo_result;

/* Decode (as altroot_fdo_voucher_decode with `index`) and verify. Collects every failure rather
 * than stopping at the first. Returns OK when the verification ran (look at out->verified and
 * out->failures), E_NOMEM or E_ARG otherwise. Clear with altroot_fdo_result_clear(). */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_fdo_verify(altroot_span data, size_t index,
                                                              const altroot_fdo_verify_params *p,
                                                              altroot_fdo_result *out);
ALTROOT_API void altroot_fdo_result_clear(altroot_fdo_result *r);

/* ---- owner tooling ---- */

/* Faults to inject when minting or extending (tests and `altroot mint fdo`). */
typedef enum altroot_fdo_fault {
    ALTROOT_FDO_FAULT_NONE = 0,
    ALTROOT_FDO_FAULT_SIGNATURE,     /* flip the last signature byte of the new entry */
    ALTROOT_FDO_FAULT_PREV_HASH,     /* sign a wrong OVEHashPrevEntry */
    ALTROOT_FDO_FAULT_HDR_HASH,      /* sign a wrong OVEHashHdrInfo */
    ALTROOT_FDO_FAULT_UNTAGGED,      /* write the new entry without tag 18 */
    ALTROOT_FDO_FAULT_ALG,           /* protected alg that does not fit the signer's key */
    ALTROOT_FDO_FAULT_DER_SIGNATURE, /* ECDSA signature as DER instead of r||s */
    ALTROOT_FDO_FAULT_HASH_ALG,      /* use the other hash algorithm than entry 0 */
    ALTROOT_FDO_FAULT_EXTRA,         /* an OVEExtra that is not a map of int to bstr */
} altroot_fdo_fault;

typedef struct altroot_fdo_extend_params {
    const altroot_key *owner_key;          /* borrowed; the current owner's private key */
    const altroot_key *next_owner;         /* borrowed; the next owner's public key */
    altroot_fdo_pk_enc next_enc;           /* encoding of the new OVEPubKey: X509 (default, 0 is
                                              taken as X509) or COSEKEY; X5CHAIN needs
                                              next_owner_chain */
    const altroot_certs *next_owner_chain; /* borrowed; with X5CHAIN, leaf first */
    altroot_span extra;                    /* borrowed; OVEExtra map bytes, or empty for null */
    bool allow_type_change;                /* write a next owner of another pkType (tests only;
                                              the verifier rejects it) */
    altroot_fdo_fault fault;
} altroot_fdo_extend_params;

/* Append one entry to `v`, signed by the current owner: the new voucher's CBOR is appended to
 * `out` (caller clears). FDO 1.1 (quoted in go-fdo ExtendVoucher): "Each key in the Ownership
 * Voucher must copy the public key type from the manufacturer's key in OVHeader.OVPubKey, hash,
 * and encoding" — a next owner of another pkType fails with E_FDO_KEY_TYPE_MISMATCH unless
 * allow_type_change. E_FDO_NOT_OWNER when owner_key is not the voucher's final owner (or has no
 * private part); E_FDO_LIMIT beyond ALTROOT_FDO_MAX_ENTRIES entries. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_fdo_voucher_extend(
    const altroot_fdo_voucher *v, const altroot_fdo_extend_params *p, altroot_bytes *out);

typedef struct altroot_fdo_mint_params {
    const altroot_key *mfr_key;        /* borrowed; manufacturer key (OVPubKey, X509 encoding) */
    const altroot_certs *device_chain; /* borrowed; leaf first; NULL: null chain and hash */
    uint8_t guid[16];
    const char *device_info;       /* borrowed */
    const char *rv_dns;            /* borrowed; RV host for a single directive, or NULL for
                                      the default "rv.example" */
    uint16_t rv_port;              /* 0: 8080 */
    altroot_span hmac_secret;      /* borrowed; 32 (HMAC-SHA256) or 48 (HMAC-SHA384) bytes */
    int64_t hash_type;             /* chain hash type: 0 picks by manufacturer key */
    uint64_t protver, hdr_protver; /* 0: 101 (tests set others) */
} altroot_fdo_mint_params;

/* Build an unextended voucher (zero entries; the manufacturer is the owner) and append its CBOR
 * to `out` (caller clears). Extend it with altroot_fdo_voucher_extend(). */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err
altroot_fdo_voucher_mint(const altroot_fdo_mint_params *p, altroot_bytes *out);

/* Names for reports: "SECP384R1", "X509", "SHA384"/"HMAC-SHA384", "ES384"; "unknown" else. */
ALTROOT_API const char *altroot_fdo_pk_type_name(int64_t type);
ALTROOT_API const char *altroot_fdo_pk_enc_name(int64_t enc);
ALTROOT_API const char *altroot_fdo_hash_name(int64_t type);
ALTROOT_API const char *altroot_fdo_alg_name(int64_t alg);

#endif
