/*
 * Matter as a root of trust: device attestation (DAC -> PAI -> PAA, Certification Declaration,
 * AttestationResponse). Rules and their sources: docs/matter.md.
 */
#ifndef ALTROOT_MATTER_H
#define ALTROOT_MATTER_H

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

/* Vendor and product IDs from a certificate's subject. */
typedef struct altroot_matter_ids {
    bool has_vid, has_pid;
    uint16_t vid, pid;
    bool legacy_cn; /* taken from the Mvid:/Mpid: form of the common name */
} altroot_matter_ids;

/* The subject's VID/PID: the Matter attributes (1.3.6.1.4.1.37244.2.1/.2.2) when either is
 * present, else the legacy "Mvid:XXXX"/"Mpid:XXXX" substrings of the first common name. Values
 * are exactly four upper-case hex digits. E_MALFORMED for a malformed or repeated value. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_matter_ids_get(const altroot_cert *cert,
                                                                  altroot_matter_ids *out);

typedef enum altroot_matter_role {
    ALTROOT_MATTER_PAA = 0,
    ALTROOT_MATTER_PAI = 1,
    ALTROOT_MATTER_DAC = 2,
} altroot_matter_role;

/* Check the attestation certificate profile for `role`, appending one failure per violated rule
 * (E_MATTER_PAA/PAI/DAC_FORMAT) to `failures`. Returns OK when the check ran. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_matter_check_profile(const altroot_cert *cert,
                                                                        altroot_matter_role role,
                                                                        altroot_failures *failures);

/* Certification Declaration content (TLV), fields as encoded. */
#define ALTROOT_MATTER_CD_MAX_PIDS 100
#define ALTROOT_MATTER_CD_MAX_PAAS 10
typedef struct altroot_matter_cd {
    uint64_t format_version;
    uint16_t vendor_id;
    uint16_t product_ids[ALTROOT_MATTER_CD_MAX_PIDS];
    size_t product_id_count;
    uint32_t device_type_id;
    char certificate_id[20]; /* 19 characters and a NUL */
    uint8_t security_level;
    uint16_t security_information;
    uint16_t version_number;
    uint8_t certification_type; /* 0 development and test, 1 provisional, 2 official */
    bool has_dac_origin;
    uint16_t dac_origin_vid, dac_origin_pid;
    bool has_authorized_paas;
    uint8_t authorized_paas[ALTROOT_MATTER_CD_MAX_PAAS][20];
    size_t authorized_paa_count;
} altroot_matter_cd;

/* Decode CD content. E_MATTER_CD_FORMAT for anything off the schema. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_matter_cd_decode(altroot_span tlv,
                                                                    altroot_matter_cd *out);

/* Encode CD content (canonical TLV), appended to `out`. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_matter_cd_encode(const altroot_matter_cd *cd,
                                                                    altroot_bytes *out);
/* Wrap `content` in the Matter CMS shape, signed with `key` (P-256) under `key_id` (the signing
 * certificate's subjectKeyIdentifier); appended to `out`. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_matter_cd_sign(altroot_span content,
                                                                  const altroot_key *key,
                                                                  altroot_span key_id,
                                                                  altroot_bytes *out);

/* The parts of a CD's CMS envelope (borrowed from the input). */
typedef struct altroot_matter_cd_envelope {
    altroot_span content;   /* eContent: the CD TLV */
    altroot_span key_id;    /* SignerInfo sid subjectKeyIdentifier */
    altroot_span signature; /* DER Ecdsa-Sig-Value */
} altroot_matter_cd_envelope;

/* Parse the one CMS shape Matter allows (docs/matter.md). Problems in the SignerInfo are
 * E_MATTER_CD_NO_KEY_ID; problems elsewhere in the envelope E_MATTER_CD_SIGNATURE; every one is
 * appended to `failures`. Returns OK only when the envelope has exactly the required shape. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_matter_cd_open(altroot_span cms,
                                                                  altroot_matter_cd_envelope *out,
                                                                  altroot_failures *failures);

typedef struct altroot_matter_attestation_input {
    altroot_span dac, pai;            /* DER; borrowed */
    altroot_span cd;                  /* CMS DER; borrowed; empty when the device presented none */
    const altroot_trust_store *store; /* borrowed: matter-paa and matter-cd anchors */
    altroot_time at;                  /* verification time (the DAC must be valid then) */
    bool has_basic_info; /* the product's Basic Information cluster VID/PID are known */
    uint16_t basic_vid, basic_pid;
} altroot_matter_attestation_input;

typedef struct altroot_matter_attestation {
    bool verified;       /* every check passed */
    bool chain_verified; /* DAC -> PAI -> PAA profile, IDs and signatures */
    bool cd_verified;    /* CD signature, content and cross-checks */
    altroot_matter_ids dac_ids, pai_ids, paa_ids;
    bool paa_found;
    char paa_subject[256];
    char paa_file[512];
    uint8_t paa_skid[20];
    bool cd_present;
    bool cd_decoded;
    bool cd_test_key; /* signed by the well-known test CD signing key */
    altroot_matter_cd cd;
    altroot_failures failures; /* every failure found */
    altroot_cert *dac;         /* the parsed DAC (one reference, freed by clear); NULL when the
                                  DAC did not parse: callers reuse it rather than parse again */
} altroot_matter_attestation;

/* Verify DAC, PAI and CD as a commissioner does, without a live challenge. Returns OK when the
 * verification ran (look at out->verified and out->failures). Clear with
 * altroot_matter_attestation_clear(). */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_matter_verify_attestation(
    const altroot_matter_attestation_input *in, altroot_matter_attestation *out);
ALTROOT_API void altroot_matter_attestation_clear(altroot_matter_attestation *a);

/* An AttestationResponse as a commissioner receives it. */
typedef struct altroot_matter_response {
    altroot_span elements;  /* attestation elements TLV (<= 900 bytes) */
    altroot_span signature; /* raw r||s, 64 bytes */
    altroot_span challenge; /* the session's attestation challenge, 16 bytes */
    altroot_span nonce;     /* the nonce the commissioner sent, 32 bytes */
} altroot_matter_response;

/* Verify a full AttestationResponse: the elements (their CD replaces in->cd), the nonce, and the
 * DAC's signature over elements || challenge, then everything altroot_matter_verify_attestation
 * checks. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_matter_verify_response(
    const altroot_matter_attestation_input *in, const altroot_matter_response *resp,
    altroot_matter_attestation *out);

/* ---- minting a test attestation PKI (altroot mint matter, tests, the demo) ---- */

typedef enum altroot_matter_fault {
    ALTROOT_MATTER_FAULT_NONE = 0,
    ALTROOT_MATTER_FAULT_DAC_EXPIRED,   /* DAC validity ended a day before `at` */
    ALTROOT_MATTER_FAULT_DAC_IS_CA,     /* DAC with cA TRUE */
    ALTROOT_MATTER_FAULT_DAC_KEY_USAGE, /* DAC keyUsage with keyCertSign too */
    ALTROOT_MATTER_FAULT_PAI_PATHLEN,   /* PAI pathLen 1 */
    ALTROOT_MATTER_FAULT_VID_MISMATCH,  /* DAC VID differs from the PAI's */
    ALTROOT_MATTER_FAULT_CD_VENDOR,     /* CD vendor_id differs */
    ALTROOT_MATTER_FAULT_CD_PRODUCT,    /* CD product_id_array lacks the PID */
    ALTROOT_MATTER_FAULT_CD_SIGNATURE,  /* CD signature corrupted */
    ALTROOT_MATTER_FAULT_PAA_UNLISTED,  /* CD authorized_paa_list names another PAA */
    ALTROOT_MATTER_FAULT_COUNT
} altroot_matter_fault;

/* Name of a fault for the command line ("dac-expired", ...); NULL past the last. */
ALTROOT_API const char *altroot_matter_fault_name(altroot_matter_fault f);

typedef struct altroot_matter_minted {
    altroot_key *paa_key, *pai_key, *dac_key, *cd_key; /* owned */
    altroot_cert *paa, *pai, *dac, *cd_signer;         /* owned */
    altroot_bytes cd;                                  /* CMS DER */
} altroot_matter_minted;

/* Mint PAA -> PAI -> DAC for `vid`/`pid`, a CD signing certificate and a CD (certification type
 * 0), valid around `at`, with one fault injected. Release with altroot_matter_minted_clear(). */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_matter_mint(uint16_t vid, uint16_t pid,
                                                               altroot_time at,
                                                               altroot_matter_fault fault,
                                                               altroot_matter_minted *out);
ALTROOT_API void altroot_matter_minted_clear(altroot_matter_minted *m);

#endif
