/*
 * Matter operational certificates (NOC / ICAC / RCAC, and firmware-signing certificates) in
 * their Matter TLV form and their X.509 DER form, converted byte-exactly in both directions.
 * Internal to libaltroot (not exported).
 *
 * Reference: Matter Core Specification 6.5 "Operational Certificate Encoding" [section number from
 * memory] and connectedhomeip src/credentials/CHIPCert.h / CHIPCertToX509.cpp; the rules are
 * summarised in docs/matter-opcerts.md. The X.509 DER form is what the signature covers, so a
 * TLV certificate is only as good as its DER reconstruction: every choice that DER leaves open
 * (string type, BOOLEAN DEFAULT, time type, integer width) is fixed by the rules below.
 *
 * Error codes used:
 *   E_TRUNCATED / E_TRAILING_DATA / E_MALFORMED   TLV syntax, and the certificate schema: a
 *                          missing, extra, reordered or wrongly typed field, a value out of its
 *                          type's range
 *   E_TOO_LARGE            TLV over 400 octets, DER over 600 (CHIPCert.h kMaxCHIPCertLength /
 *                          kMaxDERCertLength, "as per specifications 6.3.5")
 *   E_UNSUPPORTED          well-formed but not expressible in the Matter profile: an algorithm,
 *                          curve, DN attribute, string type, X.509 version or field that Matter
 *                          TLV cannot carry, or a DER form that does not round-trip
 *   E_POLICY               expressible but breaks a profile rule (sizes, DN rules, extension
 *                          rules, validity order)
 *   E_DER                  malformed DER (X.509 input, future-extension content)
 *   E_NOMEM                allocation failure
 */
#ifndef ALTROOT_MATTER_CERT_H
#define ALTROOT_MATTER_CERT_H

#include <stdbool.h>
#include <stdint.h>

#include <altroot/buf.h>
#include <altroot/error.h>
#include <altroot/export.h>

#define ALTROOT_MATTER_CERT_TLV_MAX 400
#define ALTROOT_MATTER_CERT_DER_MAX 600
#define ALTROOT_MATTER_SERIAL_MAX 20
#define ALTROOT_MATTER_PUBKEY_LEN 65
#define ALTROOT_MATTER_SIG_LEN 64
#define ALTROOT_MATTER_KEY_ID_LEN 20
/* CHIP_CONFIG_CERT_MAX_RDN_ATTRIBUTES (SDK default 5). */
#define ALTROOT_MATTER_DN_MAX 5
/* CATs per NOC subject (spec 6.6.2.1.2 [from memory]; SDK kMaxSubjectCATAttributeCount). */
#define ALTROOT_MATTER_CAT_MAX 3
/* Future extensions kept per certificate (the 400-octet limit bounds them anyway). */
#define ALTROOT_MATTER_FUTURE_EXT_MAX 4
#define ALTROOT_MATTER_EXT_MAX (5 + ALTROOT_MATTER_FUTURE_EXT_MAX)

/* Matter epoch: 2000-01-01T00:00:00Z, as seconds since 1970. */
#define ALTROOT_MATTER_EPOCH_UNIX 946684800LL

/* Parse flag: require the canonical TLV form (tlv.h), so that TLV -> DER -> TLV is identity. */
#define ALTROOT_MATTER_CERT_CANONICAL 0x1u

/* DN attribute = TLV context tag number (low 7 bits); the enum values of the SDK OID table. */
typedef enum altroot_matter_attr {
    ALTROOT_MATTER_ATTR_COMMON_NAME = 1,
    ALTROOT_MATTER_ATTR_SURNAME = 2,
    ALTROOT_MATTER_ATTR_SERIAL_NUMBER = 3,
    ALTROOT_MATTER_ATTR_COUNTRY = 4,
    ALTROOT_MATTER_ATTR_LOCALITY = 5,
    ALTROOT_MATTER_ATTR_STATE = 6,
    ALTROOT_MATTER_ATTR_ORGANIZATION = 7,
    ALTROOT_MATTER_ATTR_ORG_UNIT = 8,
    ALTROOT_MATTER_ATTR_TITLE = 9,
    ALTROOT_MATTER_ATTR_NAME = 10,
    ALTROOT_MATTER_ATTR_GIVEN_NAME = 11,
    ALTROOT_MATTER_ATTR_INITIALS = 12,
    ALTROOT_MATTER_ATTR_GEN_QUALIFIER = 13,
    ALTROOT_MATTER_ATTR_DN_QUALIFIER = 14,
    ALTROOT_MATTER_ATTR_PSEUDONYM = 15,
    ALTROOT_MATTER_ATTR_DOMAIN_COMPONENT = 16,
    ALTROOT_MATTER_ATTR_NODE_ID = 17,
    ALTROOT_MATTER_ATTR_FW_SIGNING_ID = 18,
    ALTROOT_MATTER_ATTR_ICAC_ID = 19,
    ALTROOT_MATTER_ATTR_RCAC_ID = 20,
    ALTROOT_MATTER_ATTR_FABRIC_ID = 21,
    ALTROOT_MATTER_ATTR_NOC_CAT = 22,
    ALTROOT_MATTER_ATTR_VVS_ID = 23 /* VID verification signer id (Matter 1.4.2+) */
} altroot_matter_attr;

/* The certificate type follows from the subject's identifier attribute (ChipDN::GetCertType). */
typedef enum altroot_matter_cert_type {
    ALTROOT_MATTER_CERT_UNKNOWN = 0, /* no identifier attribute */
    ALTROOT_MATTER_CERT_ROOT,        /* matter-rcac-id */
    ALTROOT_MATTER_CERT_ICA,         /* matter-icac-id */
    ALTROOT_MATTER_CERT_NODE,        /* matter-node-id */
    ALTROOT_MATTER_CERT_FW_SIGNING,  /* matter-firmware-signing-id */
    ALTROOT_MATTER_CERT_VVS          /* matter-vid-verification-signer-id */
} altroot_matter_cert_type;

typedef struct altroot_matter_rdn {
    uint8_t attr;     /* altroot_matter_attr */
    bool printable;   /* standard attributes: PrintableString rather than UTF8String */
    uint64_t value;   /* Matter attributes (17..23) */
    altroot_span str; /* standard attributes (1..16): borrowed from the parsed input */
} altroot_matter_rdn;

typedef struct altroot_matter_dn {
    size_t count;
    altroot_matter_rdn rdn[ALTROOT_MATTER_DN_MAX];
    /* Derived, validated: */
    altroot_matter_cert_type type;
    uint64_t id;        /* value of the identifier attribute of `type` */
    uint64_t fabric_id; /* 0: absent (0 is not a valid fabric id) */
    size_t cat_count;
    uint32_t cats[ALTROOT_MATTER_CAT_MAX];
} altroot_matter_dn;

/* Extensions, in the TLV list's context tag numbers. */
typedef enum altroot_matter_ext {
    ALTROOT_MATTER_EXT_BASIC_CONSTRAINTS = 1,
    ALTROOT_MATTER_EXT_KEY_USAGE = 2,
    ALTROOT_MATTER_EXT_EXT_KEY_USAGE = 3,
    ALTROOT_MATTER_EXT_SUBJECT_KEY_ID = 4,
    ALTROOT_MATTER_EXT_AUTHORITY_KEY_ID = 5,
    ALTROOT_MATTER_EXT_FUTURE = 6
} altroot_matter_ext;

/* Key usage flags (TLV): RFC 5280 bit n is (1 << n). */
#define ALTROOT_MATTER_KU_DIGITAL_SIGNATURE 0x0001u
#define ALTROOT_MATTER_KU_KEY_CERT_SIGN 0x0020u
#define ALTROOT_MATTER_KU_CRL_SIGN 0x0040u
#define ALTROOT_MATTER_KU_ALL 0x01FFu

/* Extended key usage purposes (TLV values). */
#define ALTROOT_MATTER_EKU_SERVER_AUTH 1
#define ALTROOT_MATTER_EKU_CLIENT_AUTH 2
#define ALTROOT_MATTER_EKU_MAX 6

typedef struct altroot_matter_cert {
    altroot_span serial; /* INTEGER content octets (borrowed) */
    altroot_matter_dn issuer;
    uint32_t not_before; /* Matter epoch seconds; 0 maps to 99991231235959Z */
    uint32_t not_after;  /* Matter epoch seconds; 0 = no well-defined expiration */
    altroot_matter_dn subject;
    uint8_t pubkey[ALTROOT_MATTER_PUBKEY_LEN]; /* uncompressed P-256 point */
    /* Extensions in their original order. */
    size_t ext_count;
    uint8_t ext_order[ALTROOT_MATTER_EXT_MAX]; /* altroot_matter_ext */
    uint32_t ext_present;                      /* bit (1 << altroot_matter_ext) */
    bool is_ca;
    bool has_path_len;
    uint8_t path_len;
    uint16_t key_usage; /* ALTROOT_MATTER_KU_* */
    size_t eku_count;
    uint8_t eku[ALTROOT_MATTER_EKU_MAX]; /* in order */
    uint8_t skid[ALTROOT_MATTER_KEY_ID_LEN];
    uint8_t akid[ALTROOT_MATTER_KEY_ID_LEN];
    size_t future_count;
    altroot_span future[ALTROOT_MATTER_FUTURE_EXT_MAX]; /* whole DER Extension (borrowed) */
    bool future_critical;                               /* any future extension is critical */
    uint8_t signature[ALTROOT_MATTER_SIG_LEN];          /* raw r||s */
} altroot_matter_cert;

/* Parse a TLV certificate. `out` borrows from `tlv` (serial, strings, future extensions) and is
 * untouched on error. `flags`: 0 or ALTROOT_MATTER_CERT_CANONICAL. */
ALTROOT_MUST_CHECK altroot_err altroot_matter_cert_parse_tlv(altroot_span tlv, unsigned flags,
                                                             altroot_matter_cert *out);

/* Parse an X.509 DER certificate that fits the Matter profile. `out` borrows from `der`. The
 * DER must be exactly what altroot_matter_cert_to_der() rebuilds (else E_UNSUPPORTED). */
ALTROOT_MUST_CHECK altroot_err altroot_matter_cert_parse_der(altroot_span der,
                                                             altroot_matter_cert *out);

/* Encodings of a parsed certificate. Each replaces the contents of `out` (caller clears) only
 * on success. */
ALTROOT_MUST_CHECK altroot_err altroot_matter_cert_tbs_der(const altroot_matter_cert *c,
                                                           altroot_bytes *out);
ALTROOT_MUST_CHECK altroot_err altroot_matter_cert_to_der(const altroot_matter_cert *c,
                                                          altroot_bytes *out);
ALTROOT_MUST_CHECK altroot_err altroot_matter_cert_to_tlv(const altroot_matter_cert *c,
                                                          altroot_bytes *out);

/* One-step conversions (parse + encode). */
ALTROOT_MUST_CHECK altroot_err altroot_matter_cert_tlv_to_der(altroot_span tlv, altroot_bytes *der);
ALTROOT_MUST_CHECK altroot_err altroot_matter_cert_der_to_tlv(altroot_span der, altroot_bytes *tlv);

/* Shared by the TLV and DER parsers: DN rules over a filled `dn->rdn[]` (sets the derived
 * fields), and whole-certificate rules. */
ALTROOT_MUST_CHECK altroot_err altroot_matter_dn_check(altroot_matter_dn *dn);
ALTROOT_MUST_CHECK altroot_err altroot_matter_cert_check(const altroot_matter_cert *c);
/* Rules on one standard-attribute string (charset of its ASN.1 string type, no NUL). */
ALTROOT_MUST_CHECK altroot_err altroot_matter_dn_string_check(uint8_t attr, bool printable,
                                                              altroot_span s);
/* Future extension: a DER Extension whose OID is none of the five supported extensions.
 * `oid` (may be NULL) borrows the extnID content from `ext`. */
ALTROOT_MUST_CHECK altroot_err altroot_matter_future_ext_check(altroot_span ext, bool *critical,
                                                               altroot_span *oid);

/* ---- Fabric identity (spec 4.3.2.2 [from memory], 4.3.1 operational instance name) ---- */

/* CompressedFabricIdentifier = HKDF-SHA256(IKM = root public key without the 0x04 octet,
 * salt = fabric id as 8 octets big-endian, info = "CompressedFabric", L = 8), read big-endian. */
ALTROOT_MUST_CHECK altroot_err altroot_matter_compressed_fabric_id(
    const uint8_t root_pubkey[ALTROOT_MATTER_PUBKEY_LEN], uint64_t fabric_id, uint64_t *out);

/* "<CFID 16 upper hex>-<NodeID 16 upper hex>" and a NUL: 34 octets. */
#define ALTROOT_MATTER_INSTANCE_NAME_LEN 34
void altroot_matter_instance_name(uint64_t cfid, uint64_t node_id,
                                  char out[ALTROOT_MATTER_INSTANCE_NAME_LEN]);

/* Instance name of the node a NOC names, in the fabric its RCAC anchors. The NOC must be a node
 * certificate with a fabric id; the RCAC a root certificate whose fabric id, if any, matches
 * (E_POLICY otherwise). Signatures are NOT checked here. */
ALTROOT_MUST_CHECK altroot_err
altroot_matter_operational_name(const altroot_matter_cert *rcac, const altroot_matter_cert *noc,
                                char out[ALTROOT_MATTER_INSTANCE_NAME_LEN]);

#endif
