/*
 * Certificates, public and private keys, and chain validation with caller-chosen anchors and an
 * explicit verification time. Implemented in src/crypto/, the only code that touches OpenSSL.
 */
#ifndef ALTROOT_X509_H
#define ALTROOT_X509_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <altroot/buf.h>
#include <altroot/error.h>
#include <altroot/export.h>
#include <altroot/list.h>
#include <altroot/time.h>

/* Largest certificate or key file altroot reads (1 MiB). */
#define ALTROOT_CERT_FILE_MAX ((size_t)1024 * 1024)

typedef struct altroot_cert altroot_cert;   /* one parsed certificate; immutable once parsed */
typedef struct altroot_certs altroot_certs; /* an ordered list of certificates */
typedef struct altroot_key altroot_key;     /* a public key, or a key pair */

/* ---- certificates ---- */

/* Parse exactly one DER certificate (no trailing bytes). Bytes are copied. Caller frees with
 * altroot_cert_free(). */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_cert_from_der(altroot_span der,
                                                                 altroot_cert **out);
ALTROOT_API void altroot_cert_free(altroot_cert *cert);
/* Another reference to the same certificate; free each with altroot_cert_free(). */
ALTROOT_API altroot_cert *altroot_cert_ref(altroot_cert *cert);

/* The DER encoding; borrowed, valid while `cert` lives. */
ALTROOT_API altroot_span altroot_cert_der(const altroot_cert *cert);
/* RFC 2253 one-line names into `out` (truncated to `len`, NUL-terminated). */
ALTROOT_API void altroot_cert_subject(const altroot_cert *cert, char *out, size_t len);
ALTROOT_API void altroot_cert_issuer(const altroot_cert *cert, char *out, size_t len);
/* Value of the last commonName in the subject, or "" when there is none. */
ALTROOT_API void altroot_cert_common_name(const altroot_cert *cert, char *out, size_t len);
/* Validity; notAfter of 99991231235959Z gives ALTROOT_TIME_NO_EXPIRY. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_cert_validity(const altroot_cert *cert,
                                                                 altroot_time *not_before,
                                                                 altroot_time *not_after);
/* Whether `cert` is valid at `at` (RFC 5280 4.1.2.5: notBefore <= at <= notAfter): OK,
 * E_CERT_NOT_YET_VALID, E_CERT_EXPIRED, or E_CERT_PARSE when its validity cannot be read. With
 * `detail` (len > 0) a reason naming the times ("valid from ... until ..., not at ..."). */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_cert_check_validity(const altroot_cert *cert,
                                                                       altroot_time at,
                                                                       char *detail, size_t len);
/* SHA-256 of the DER, and of the DER SubjectPublicKeyInfo. */
ALTROOT_API void altroot_cert_sha256(const altroot_cert *cert, uint8_t out[32]);
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_cert_spki_sha256(const altroot_cert *cert,
                                                                    uint8_t out[32]);
/* Subject equals issuer. */
ALTROOT_API bool altroot_cert_is_self_issued(const altroot_cert *cert);
/* Self-issued and its signature verifies with its own key. */
ALTROOT_API bool altroot_cert_is_self_signed(const altroot_cert *cert);
/* basicConstraints cA=TRUE. */
ALTROOT_API bool altroot_cert_is_ca(const altroot_cert *cert);
/* Has a nameConstraints extension. */
ALTROOT_API bool altroot_cert_has_name_constraints(const altroot_cert *cert);
/* Which name types the nameConstraints permit only within subtrees: *dns when there is a
 * permitted dNSName subtree, *ip when there is a permitted iPAddress subtree. A type with no
 * permitted subtree is unconstrained (RFC 5280 4.2.1.10). Both false without the extension. */
ALTROOT_API void altroot_cert_name_constraint_kinds(const altroot_cert *cert, bool *dns, bool *ip);
/* Subject alternative names as "DNS:name" and "IP:address" strings (other kinds as
 * "othername:<oid>", "URI:...", "email:..."), appended to `out`. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_cert_sans(const altroot_cert *cert,
                                                             altroot_strlist *out);
/* Public key algorithm and size, for example "EC P-256" or "RSA 2048". */
ALTROOT_API void altroot_cert_key_desc(const altroot_cert *cert, char *out, size_t len);
/* The certificate's public key; caller frees with altroot_key_free(). */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_cert_public_key(const altroot_cert *cert,
                                                                   altroot_key **out);

/* ---- profile inspection (ecosystem profile checks read these) ---- */

/* keyUsage bits, numbered as in RFC 5280 4.2.1.3. */
#define ALTROOT_KU_DIGITAL_SIGNATURE (1u << 0)
#define ALTROOT_KU_NON_REPUDIATION (1u << 1)
#define ALTROOT_KU_KEY_ENCIPHERMENT (1u << 2)
#define ALTROOT_KU_DATA_ENCIPHERMENT (1u << 3)
#define ALTROOT_KU_KEY_AGREEMENT (1u << 4)
#define ALTROOT_KU_KEY_CERT_SIGN (1u << 5)
#define ALTROOT_KU_CRL_SIGN (1u << 6)
#define ALTROOT_KU_ENCIPHER_ONLY (1u << 7)
#define ALTROOT_KU_DECIPHER_ONLY (1u << 8)

typedef struct altroot_ext_presence {
    bool present;
    bool critical;
} altroot_ext_presence;

/* Structural facts of a certificate, as encoded (no interpretation beyond decoding). */
typedef struct altroot_cert_info {
    long version;           /* 1..3 (the X.509 version number, not the encoded value) */
    char sig_alg[64];       /* dotted OID of signatureAlgorithm */
    char key_alg[64];       /* dotted OID of the SubjectPublicKeyInfo algorithm */
    char key_curve[64];     /* dotted OID of the named curve for EC keys, else "" */
    uint8_t key_point[133]; /* EC public point as encoded (65 bytes uncompressed for P-256) */
    size_t key_point_len;
    bool duplicate_extension; /* some extension OID appears more than once */
    size_t extension_count;
    altroot_ext_presence basic_constraints, key_usage, subject_key_id, authority_key_id,
        ext_key_usage, subject_alt_name;
    bool ca; /* basicConstraints cA */
    bool path_len_present;
    long path_len;
    uint32_t key_usage_bits; /* ALTROOT_KU_* */
    uint8_t skid[64];        /* subjectKeyIdentifier bytes */
    size_t skid_len;
    uint8_t akid[64]; /* authorityKeyIdentifier keyIdentifier bytes */
    size_t akid_len;
    bool akid_has_key_id;
    uint8_t serial[32]; /* serialNumber content octets (two's complement, as encoded) */
    size_t serial_len;
} altroot_cert_info;

/* Decode the structural facts. E_CERT_PARSE when an extension present cannot be decoded. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_cert_get_info(const altroot_cert *cert,
                                                                 altroot_cert_info *out);
/* The subjectKeyIdentifier and the authorityKeyIdentifier's keyIdentifier (borrowed, valid while
 * `cert` lives; empty when absent), without decoding anything else: for looking anchors up by key
 * id. E_CERT_PARSE when the certificate's extensions cannot be decoded. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_cert_key_ids(const altroot_cert *cert,
                                                                altroot_span *skid,
                                                                altroot_span *akid);

/* One attribute of a distinguished name, in encoded order. */
typedef struct altroot_name_attr {
    char oid[64];    /* dotted OID of the attribute type */
    int string_type; /* ASN.1 universal tag of the value: 12 UTF8String, 19 PrintableString, ... */
    uint8_t value[256]; /* raw content octets, truncated to 255 (see value_len) */
    size_t value_len;   /* the full encoded length */
    size_t rdn;         /* index of the RelativeDistinguishedName it belongs to */
} altroot_name_attr;

/* The subject's attributes into out[0..max-1]; *count is the total number (may exceed max). */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_cert_subject_attrs(const altroot_cert *cert,
                                                                      altroot_name_attr *out,
                                                                      size_t max, size_t *count);

/* The extension with dotted OID `oid`: its criticality and extnValue content octets (borrowed,
 * valid while `cert` lives). E_NOT_FOUND when absent; E_CERT_PARSE when it appears more than
 * once (RFC 5280 4.2: "A certificate MUST NOT include more than one instance of a particular
 * extension"). */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_cert_extension(const altroot_cert *cert,
                                                                  const char *oid, bool *critical,
                                                                  altroot_span *value);
/* The DER-encoded subject and issuer Names (borrowed, valid while `cert` lives), for exact
 * comparisons and for profiles that parse attributes themselves. */
ALTROOT_API altroot_span altroot_cert_subject_der(const altroot_cert *cert);
ALTROOT_API altroot_span altroot_cert_issuer_der(const altroot_cert *cert);

/* Verify that `cert` is signed by `issuer_key` (signature only: no names, no time). */
ALTROOT_API bool altroot_cert_signed_by(const altroot_cert *cert, const altroot_key *issuer_key);

/* ---- certificate lists ---- */

ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_certs_new(altroot_certs **out);
ALTROOT_API void altroot_certs_free(altroot_certs *certs);
ALTROOT_API size_t altroot_certs_count(const altroot_certs *certs);
/* Borrowed, valid while `certs` lives and is not modified. */
ALTROOT_API altroot_cert *altroot_certs_get(const altroot_certs *certs, size_t i);
/* Append a new reference to `cert` (the caller keeps its own). */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_certs_push(altroot_certs *certs,
                                                              altroot_cert *cert);
/* Parse `data` as PEM (every CERTIFICATE block, other block types ignored) or, if it does not
 * start like PEM, as exactly one DER certificate, appending to `certs`. A PEM input with no
 * CERTIFICATE block fails with E_EMPTY; a broken block with E_PEM or E_CERT_PARSE. On error
 * `certs` is unchanged. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_certs_parse(altroot_certs *certs,
                                                               altroot_span data);
/* Read and parse a file with altroot_certs_parse(). */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_certs_load_file(altroot_certs *certs,
                                                                   const char *path);
/* PEM encoding of every certificate, appended to `out`. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_certs_to_pem(const altroot_certs *certs,
                                                                altroot_bytes *out);

/* ---- keys ---- */

ALTROOT_API void altroot_key_free(altroot_key *key);
/* Parse a public key: PEM "PUBLIC KEY" or DER SubjectPublicKeyInfo. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_key_parse_public(altroot_span data,
                                                                    altroot_key **out);
/* Parse a private key: PEM (PKCS#8, SEC1 or PKCS#1, unencrypted). */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_key_parse_private(altroot_span data,
                                                                     altroot_key **out);
/* Generate a fresh key pair. */
typedef enum altroot_key_type {
    ALTROOT_KEY_EC_P256 = 1,
    ALTROOT_KEY_EC_P384 = 2,
    ALTROOT_KEY_RSA_2048 = 3,
} altroot_key_type;
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_key_generate(altroot_key_type type,
                                                                altroot_key **out);
/* A public key from raw parts: an EC point (uncompressed, 0x04 || X || Y) on P-256 or P-384
 * (`type` ALTROOT_KEY_EC_P256/P384; the point must be on the curve), or an RSA modulus and
 * public exponent (big-endian magnitudes; at least 2048 bits). Caller frees with
 * altroot_key_free(). E_KEY_PARSE when the parts do not form a valid key. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_key_from_ec_point(altroot_key_type type,
                                                                     altroot_span point,
                                                                     altroot_key **out);
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_key_from_rsa(altroot_span n, altroot_span e,
                                                                altroot_key **out);
/* The uncompressed EC point of an EC key (appended to `out`); E_KEY_PARSE for other keys. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_key_ec_point(const altroot_key *key,
                                                                altroot_bytes *out);
/* The DER SubjectPublicKeyInfo (appended to `out`). */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_key_spki_der(const altroot_key *key,
                                                                altroot_bytes *out);
/* ALTROOT_KEY_EC_P256, _EC_P384 or _RSA_2048 (any RSA size); 0 for other keys. */
ALTROOT_API altroot_key_type altroot_key_get_type(const altroot_key *key);

/* PKCS#8 PEM private key (appended to `out`; wipe it with altroot_bytes_clear). */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_key_private_pem(const altroot_key *key,
                                                                   altroot_bytes *out);
/* SHA-256 of the DER SubjectPublicKeyInfo. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_key_spki_sha256(const altroot_key *key,
                                                                   uint8_t out[32]);
/* Same public key. */
ALTROOT_API bool altroot_key_equal(const altroot_key *a, const altroot_key *b);

/* ---- issuing (test PKIs, device certificates) ---- */

/* An extra subject attribute: dotted OID and UTF-8 value (both borrowed). */
typedef struct altroot_name_entry {
    const char *oid;
    const char *value;
} altroot_name_entry;

typedef struct altroot_cert_template {
    const char *common_name;      /* borrowed; subject CN */
    const char *organization;     /* borrowed; subject O, may be NULL */
    const char *const *dns_names; /* borrowed; SAN dNSName entries */
    size_t dns_count;
    const char *const *ip_addrs; /* borrowed; SAN iPAddress entries (textual) */
    size_t ip_count;
    altroot_time not_before;
    altroot_time not_after; /* ALTROOT_TIME_NO_EXPIRY gives 99991231235959Z */
    bool is_ca;
    int path_len;                     /* with is_ca; -1 for no limit */
    const char *const *permitted_dns; /* borrowed; nameConstraints permitted dNSName subtrees */
    size_t permitted_dns_count;
    const char *const *permitted_ip; /* borrowed; "addr/prefix" permitted iPAddress subtrees */
    size_t permitted_ip_count;
    bool server_auth;                        /* extendedKeyUsage serverAuth on an end-entity */
    const altroot_name_entry *subject_attrs; /* borrowed; appended after O and CN, in order */
    size_t subject_attr_count;
    uint32_t key_usage;        /* ALTROOT_KU_* bits; 0: keyCertSign|cRLSign for a CA, else
                                  digitalSignature */
    bool omit_skid, omit_akid; /* leave out the key identifiers (profile tests) */
    /* borrowed; "addr/prefix" excluded iPAddress subtrees: "0.0.0.0/0" and "::/0" forbid every
     * address, since a name type without a permitted subtree is otherwise unconstrained */
    const char *const *excluded_ip;
    size_t excluded_ip_count;
} altroot_cert_template;

/* Issue a certificate for `subject_key` from `tmpl`, signed by `issuer_key` under `issuer` (both
 * NULL: self-signed with `subject_key`). Serial numbers are random (RFC 5280: positive, <= 20
 * octets). Caller frees with altroot_cert_free(). */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_cert_issue(const altroot_cert_template *tmpl,
                                                              const altroot_key *subject_key,
                                                              const altroot_cert *issuer,
                                                              const altroot_key *issuer_key,
                                                              altroot_cert **out);

/* ---- chain validation ---- */

typedef enum altroot_purpose {
    ALTROOT_PURPOSE_ANY = 0,
    ALTROOT_PURPOSE_TLS_SERVER = 1,
} altroot_purpose;

typedef struct altroot_chain_params {
    altroot_time at;  /* verification time: always explicit */
    const char *host; /* borrowed; DNS name the leaf must match (no CN fallback), or NULL */
    const char *ip;   /* borrowed; textual IP address the leaf must match, or NULL */
    altroot_purpose purpose;
    bool partial_chain; /* anchors need not be self-signed (an intermediate may anchor) */
    bool strict;        /* also the RFC 5280 rules of OpenSSL's X509_V_FLAG_X509_STRICT */
    bool want_path;     /* fill result->path (costs a copy of each certificate) */
    bool fixed_time;    /* `at` is a fixed past instant, not the verification time: the result
                           does not change with the verification time (not noted for caching) */
} altroot_chain_params;

typedef struct altroot_chain_result {
    bool verified;       /* a path to an anchor was built and every check passed */
    bool reached_anchor; /* a path to an anchor was built by signature; checks may still fail */
    int anchor_index;    /* index of that anchor in the anchor list, or -1 */
    altroot_failures failures; /* every failure found, with the chain depth in `where` */
    altroot_certs *path; /* with want_path: the built path, leaf first (anchor last); else NULL */
} altroot_chain_result;

/* Validate `presented` (leaf first, then any intermediates in any order) against `anchors` at
 * `params->at`. Collects every failure rather than stopping at the first. Returns OK when the
 * check ran (look at result->verified); an error only when it could not run. Release the result
 * with altroot_chain_result_clear(). */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_chain_verify(const altroot_certs *presented,
                                                                const altroot_certs *anchors,
                                                                const altroot_chain_params *params,
                                                                altroot_chain_result *result);
ALTROOT_API void altroot_chain_result_clear(altroot_chain_result *result);

/* ---- signatures ---- */

typedef enum altroot_sig_alg {
    ALTROOT_SIG_ECDSA_P256_SHA256 = 1, /* COSE ES256; Matter */
    ALTROOT_SIG_ECDSA_P384_SHA384 = 2, /* COSE ES384 */
    ALTROOT_SIG_RSA_PKCS1_SHA256 = 3,  /* COSE RS256 */
    ALTROOT_SIG_RSA_PKCS1_SHA384 = 4,  /* COSE RS384 */
    ALTROOT_SIG_RSA_PSS_SHA256 = 5,    /* COSE PS256 */
    ALTROOT_SIG_RSA_PSS_SHA384 = 6,    /* COSE PS384 */
} altroot_sig_alg;

/* ECDSA signatures come as DER Ecdsa-Sig-Value (X.509, CMS) or raw r||s (COSE, Matter). */
typedef enum altroot_sig_format {
    ALTROOT_SIG_FORMAT_DER = 0,
    ALTROOT_SIG_FORMAT_RAW = 1,
} altroot_sig_format;

/* Verify `sig` over `data` with `key`. The key must fit the algorithm (curve for ECDSA, RSA of at
 * least 2048 bits); a raw ECDSA signature must be exactly twice the field size. OK when it
 * verifies; E_SIGNATURE when it does not; E_KEY_PARSE when the key does not fit the algorithm;
 * E_MALFORMED for a malformed signature encoding. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_verify_signature(const altroot_key *key,
                                                                    altroot_sig_alg alg,
                                                                    altroot_sig_format format,
                                                                    altroot_span data,
                                                                    altroot_span sig);
/* Sign `data` with a private key; the signature is appended to `out`. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_sign(const altroot_key *key, altroot_sig_alg alg,
                                                        altroot_sig_format format,
                                                        altroot_span data, altroot_bytes *out);

/* ---- digests ---- */

ALTROOT_API void altroot_sha256(altroot_span data, uint8_t out[32]);
ALTROOT_API void altroot_sha384(altroot_span data, uint8_t out[48]);

#endif
