/*
 * IEEE 802.1AR device identities (IDevID, LDevID): profile checks, chain to devid-ca / ldevid-ca
 * anchors matched by signature, identity extraction (serial, HardwareModuleName, MASA URL, MUD
 * URL, mudsigner), and minting of test PKIs with injectable faults. Rules and their sources:
 * docs/devid-mud.md.
 */
#ifndef ALTROOT_DEVID_H
#define ALTROOT_DEVID_H

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

/* Object identifiers (dotted). */
#define ALTROOT_OID_AT_SERIAL_NUMBER "2.5.4.5"
#define ALTROOT_OID_ON_HW_MODULE_NAME "1.3.6.1.5.5.7.8.4"
#define ALTROOT_OID_PE_MASA_URL "1.3.6.1.5.5.7.1.32"
#define ALTROOT_OID_PE_MUD_URL "1.3.6.1.5.5.7.1.25"
#define ALTROOT_OID_PE_MUDSIGNER "1.3.6.1.5.5.7.1.30"
#define ALTROOT_OID_SUBJECT_ALT_NAME "2.5.29.17"

/* Longest URL extension value kept (RFC 8520 limits the DHCP/LLDP form to 255 octets; an
 * extension is allowed more, but not without bound). */
#define ALTROOT_DEVID_URL_MAX 2048

/* What the certificate says, decoded strictly; nothing here is trusted until verified. */
typedef struct altroot_devid_info {
    char subject[512], issuer[512]; /* RFC 2253 */
    char *serial;                   /* owned: the device serial number, or NULL */
    const char *serial_from;  /* static: "subject-serialNumber", "hardware-module-name", or NULL */
    bool has_hw_module;       /* a HardwareModuleName otherName was decoded */
    char hw_type[64];         /* dotted hwType OID */
    altroot_bytes hw_serial;  /* owned: hwSerialNum octets */
    char *masa_url;           /* owned: id-pe-masa-url as encoded, or NULL */
    char *masa_endpoint;      /* owned: https://<authority>/.well-known/brski form, or NULL */
    char *mud_url;            /* owned: id-pe-mud-url (https only), or NULL */
    altroot_bytes mudsigner;  /* owned: id-pe-mudsigner Name DER (empty when absent) */
    char mudsigner_text[512]; /* RFC 2253 form of mudsigner, "" when absent */
    altroot_time not_before, not_after;
    bool no_expiry; /* notAfter is 99991231235959Z */
    bool has_aki;
} altroot_devid_info;

/* Release the owned members; the struct may be reused. NULL is a no-op. */
ALTROOT_API void altroot_devid_info_clear(altroot_devid_info *info);

typedef enum altroot_devid_kind {
    ALTROOT_DEVID_NONE = 0,
    ALTROOT_DEVID_IDEVID = 1, /* chains to a devid-ca anchor: attestation */
    ALTROOT_DEVID_LDEVID = 2, /* chains to an ldevid-ca anchor: ownership */
} altroot_devid_kind;

typedef struct altroot_devid_params {
    altroot_span cert;                /* borrowed: DER of the DevID (end entity), or empty */
    const altroot_cert *parsed;       /* borrowed, or NULL: the DevID already parsed, used
                                         instead of `cert` (which must then be empty) */
    const altroot_certs *chain;       /* borrowed, may be NULL: intermediates, any order */
    const altroot_trust_store *store; /* borrowed: devid-ca and ldevid-ca anchors */
    altroot_time at;                  /* verification time */
    /* Which anchors to try: ALTROOT_DEVID_NONE (0) both kinds, IDEVID only devid-ca, LDEVID only
     * ldevid-ca. With no anchor of the kinds tried, the failure is E_NO_ANCHORS (absence is not
     * tampering); otherwise a chain that reaches none is E_DEVID_CHAIN. */
    altroot_devid_kind expect;
    /* Accept known deviations with a warning (docs/devid-mud.md): a UTF8String MASA URL is
     * used, a HardwareModuleName hwSerialNum tagged [4] IMPLICIT is decoded. Default strict. */
    bool lenient;
} altroot_devid_params;

typedef struct altroot_devid_result {
    bool verified;           /* profile checks passed and the chain verified to an anchor */
    altroot_devid_kind kind; /* which anchor kind the chain reached (even if checks failed) */
    altroot_devid_info info;
    char *anchor;      /* owned: subject of the anchor reached, or NULL */
    char *anchor_file; /* owned: the trust-store file of that anchor, or NULL */
    altroot_failures failures;
    altroot_strlist warnings;
    altroot_cert *cert; /* the parsed certificate (one reference, freed by clear); NULL when it
                           did not parse: callers reuse it rather than parse again */
} altroot_devid_result;

/* Decode the DevID fields of `cert` strictly into `info` (initialised here; clear it with
 * altroot_devid_info_clear, also on error) and append every profile violation to `failures`
 * and every tolerated deviation to `warnings`. `kind` selects the IDevID or LDevID rules.
 * Returns OK when the check ran; E_NOMEM when it could not. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_devid_check_profile(
    const altroot_cert *cert, altroot_devid_kind kind, bool lenient, altroot_devid_info *info,
    altroot_failures *failures, altroot_strlist *warnings);

/* Verify a DevID: parse, chain to devid-ca (IDevID) or else ldevid-ca (LDevID) anchors at
 * `at`, apply the profile. Returns OK when the check ran (see result->verified); E_ARG or
 * E_NOMEM otherwise. `result` is initialised here; release it with
 * altroot_devid_result_clear(), also on error. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_devid_verify(const altroot_devid_params *params,
                                                                altroot_devid_result *result);
ALTROOT_API void altroot_devid_result_clear(altroot_devid_result *result);

/* Fill a verdict root result ("devid", mode given) from a DevID result: status, attestation
 * (IDevID) or ownership (LDevID) facts, anchor, failures. `r` is borrowed. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_devid_to_root(const altroot_devid_result *res,
                                                                 altroot_root_result *r);

/* Strict decoders for the extension values (extnValue contents), exposed for fuzzing and for
 * the MUD and voucher modules. Strings are NUL-terminated copies (caller frees with
 * altroot_free); `utf8` reports a UTF8String MASA URL (accepted only when `lenient`). */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_devid_parse_masa_url(altroot_span value,
                                                                        bool lenient, char **out,
                                                                        bool *utf8);
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_devid_parse_mud_url(altroot_span value,
                                                                       char **out);
/* mudsigner: exactly one DER Name; `name` borrows it from `value`. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_devid_parse_mudsigner(altroot_span value,
                                                                         altroot_span *name);
/* HardwareModuleName ::= SEQUENCE { hwType OBJECT IDENTIFIER, hwSerialNum OCTET STRING }
 * (RFC 4108 section 5). `hw_type` gets the dotted OID; `serial` borrows from `value`;
 * `lenient_tag` reports an accepted [4] IMPLICIT hwSerialNum. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_devid_parse_hw_module(
    altroot_span value, bool lenient, char hw_type[64], altroot_span *serial, bool *lenient_tag);
/* Walk a subjectAltName extnValue strictly (GeneralNames) and decode the first
 * HardwareModuleName otherName into the outputs above; *found says whether there was one.
 * E_DEVID_SAN when the GeneralNames are malformed, E_DEVID_HWMODULE when the
 * HardwareModuleName is. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_devid_parse_san(altroot_span value, bool lenient,
                                                                   bool *found, char hw_type[64],
                                                                   altroot_span *serial,
                                                                   bool *lenient_tag);

/* RFC 8995 2.3.2: a MASA URL without "/" is an authority; the endpoint is
 * https://<authority>/.well-known/brski. Caller frees with altroot_free. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_devid_masa_endpoint(const char *masa_url,
                                                                       char **out);

/* ---- Names (src/crypto/devid_name.c) ---- */

/* RFC 2253 text of a DER Name into `out` (truncated, NUL-terminated). E_DER when `der` is not
 * exactly one Name. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_name_der_to_text(altroot_span der, char *out,
                                                                    size_t len);
/* RFC 8520 13.2 / RFC 5280 7.1: the DER Names are equal, or equal after RFC 5280 name
 * canonicalisation (case and white space folded in string attributes). False when either is
 * not a Name. */
ALTROOT_API bool altroot_name_der_match(altroot_span a, altroot_span b);

/* ---- Minting (test PKIs; src/crypto/devid_mint.c and src/devid/mint.c) ---- */

/* An extension given as its raw extnValue contents (borrowed). */
typedef struct altroot_mint_ext {
    const char *oid; /* borrowed dotted OID */
    bool critical;
    altroot_span value; /* borrowed DER contents of extnValue */
} altroot_mint_ext;

/* Every field of a certificate the DevID rules look at, so that each can be made wrong. */
typedef struct altroot_mint_cert {
    altroot_span subject_der; /* borrowed: DER Name (may be an empty SEQUENCE) */
    altroot_time not_before;
    altroot_time not_after; /* ALTROOT_TIME_NO_EXPIRY gives 99991231235959Z */
    int version;            /* 3 (default when 0) or 1 */
    bool basic_constraints; /* include basicConstraints (critical) */
    bool is_ca;
    int path_len;       /* with is_ca; -1 for none */
    uint32_t key_usage; /* ALTROOT_KU_* bits; 0: no keyUsage extension */
    bool key_usage_critical;
    bool omit_akid, omit_skid;
    const altroot_mint_ext *exts; /* borrowed: further extensions, in order */
    size_t ext_count;
} altroot_mint_cert;

/* Issue a certificate from `m` for `subject_key`, signed by `issuer_key` under `issuer` (both
 * NULL: self-signed). ECDSA P-384 keys sign with SHA-384, others with SHA-256. Random positive
 * 16-octet serial. Caller frees with altroot_cert_free(). */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_mint_cert_issue(const altroot_mint_cert *m,
                                                                   const altroot_key *subject_key,
                                                                   const altroot_cert *issuer,
                                                                   const altroot_key *issuer_key,
                                                                   altroot_cert **out);

/* Faults a minted IDevID or LDevID can carry (one negative test per rule). */
typedef enum altroot_devid_fault {
    ALTROOT_DEVID_FAULT_NONE = 0,
    ALTROOT_DEVID_FAULT_CA_TRUE,                       /* basicConstraints cA=TRUE */
    ALTROOT_DEVID_FAULT_NO_SERIAL,                     /* no subject serialNumber */
    ALTROOT_DEVID_FAULT_SERIAL_UTF8,                   /* serialNumber as UTF8String */
    ALTROOT_DEVID_FAULT_HWMODULE_BADTAG,               /* hwSerialNum tagged [4] IMPLICIT (0x84) */
    ALTROOT_DEVID_FAULT_HWMODULE_TRAILING,             /* bytes after hwSerialNum */
    ALTROOT_DEVID_FAULT_HTTP_MUD_URL,                  /* mud-url http:// */
    ALTROOT_DEVID_FAULT_MASA_URL_UTF8,                 /* masa-url as UTF8String */
    ALTROOT_DEVID_FAULT_MUDSIGNER_BAD,                 /* mudsigner not a Name */
    ALTROOT_DEVID_FAULT_KU_NO_DIGSIG,                  /* keyUsage keyEncipherment only */
    ALTROOT_DEVID_FAULT_KU_CERTSIGN,                   /* keyUsage with keyCertSign */
    ALTROOT_DEVID_FAULT_NO_KU,                         /* no keyUsage (a warning only) */
    ALTROOT_DEVID_FAULT_UTC_EXPIRY,                    /* ordinary notAfter (a warning; expires) */
    ALTROOT_DEVID_FAULT_NO_AKI,                        /* no authorityKeyIdentifier (a warning) */
    ALTROOT_DEVID_FAULT_V1,                            /* X.509 version 1 (no extensions) */
    ALTROOT_DEVID_FAULT_EMPTY_SUBJECT_SAN_NONCRITICAL, /* empty subject, non-critical SAN */
    ALTROOT_DEVID_FAULT_COUNT
} altroot_devid_fault;

/* Name of a fault ("ca-true", ...) and back; NULL / E_ARG when unknown. */
ALTROOT_API const char *altroot_devid_fault_name(altroot_devid_fault f);
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_devid_fault_parse(const char *name,
                                                                     altroot_devid_fault *out);

typedef struct altroot_devid_mint_params {
    const char *organization; /* borrowed; subject O, may be NULL */
    const char *common_name;  /* borrowed; subject CN, may be NULL */
    const char *serial;       /* borrowed; subject serialNumber and hwSerialNum */
    const char *hw_type;      /* borrowed dotted OID, NULL for no HardwareModuleName */
    const char *masa_url;     /* borrowed, NULL for none */
    const char *mud_url;      /* borrowed, NULL for none */
    altroot_span mudsigner;   /* borrowed Name DER, empty for none */
    altroot_time not_before;
    altroot_time not_after; /* ALTROOT_TIME_NO_EXPIRY for 802.1AR */
    altroot_devid_fault fault;
} altroot_devid_mint_params;

/* Mint a DevID for `subject_key` under `issuer`/`issuer_key`. Caller frees with
 * altroot_cert_free(). */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_devid_mint(const altroot_devid_mint_params *p,
                                                              const altroot_key *subject_key,
                                                              const altroot_cert *issuer,
                                                              const altroot_key *issuer_key,
                                                              altroot_cert **out);

/* Mint a CA (self-signed when issuer is NULL): subject O/CN, keyCertSign|cRLSign, pathLen
 * `path_len` (-1 none), notAfter 99991231235959Z. Caller frees with altroot_cert_free(). */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_devid_mint_ca(
    const char *organization, const char *common_name, int path_len, altroot_time not_before,
    const altroot_key *subject_key, const altroot_cert *issuer, const altroot_key *issuer_key,
    altroot_cert **out);

/* Mint an end-entity signer (MUD signer, MASA): subject from `subject_der` (borrowed), keyUsage
 * `key_usage` (0: none). Caller frees with altroot_cert_free(). */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_devid_mint_signer(
    altroot_span subject_der, uint32_t key_usage, altroot_time not_before, altroot_time not_after,
    const altroot_key *subject_key, const altroot_cert *issuer, const altroot_key *issuer_key,
    altroot_cert **out);

/* A DER Name from (dotted OID, value) pairs, one attribute per RDN, in order. serialNumber and
 * countryName are PrintableString, the rest UTF8String. Appended to `out` (caller clears). */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_devid_name_der(const altroot_name_entry *attrs,
                                                                  size_t count, altroot_bytes *out);

#endif
