/*
 * CMS SignedData (RFC 5652) verification and signing, for RFC 8520 MUD signatures (detached
 * content) and RFC 8366 vouchers (encapsulated content). Implemented in src/crypto/cms.c, behind
 * the OpenSSL boundary. The signer's chain is built with altroot_chain_verify() against the
 * caller's anchors at the caller's time: anchors match by signature, never by name.
 */
#ifndef ALTROOT_CMS_H
#define ALTROOT_CMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <altroot/buf.h>
#include <altroot/error.h>
#include <altroot/export.h>
#include <altroot/list.h>
#include <altroot/time.h>
#include <altroot/x509.h>

/* Largest CMS object altroot parses (1 MiB). */
#define ALTROOT_CMS_MAX ((size_t)1024 * 1024)

/* Dotted content-type OIDs seen in MUD and voucher signatures. */
#define ALTROOT_OID_CT_DATA "1.2.840.113549.1.7.1"
#define ALTROOT_OID_CT_MUD "1.2.840.113549.1.9.16.1.41"
#define ALTROOT_OID_CT_JSON_VOUCHER "1.2.840.113549.1.9.16.1.40"

typedef struct altroot_cms_verify_params {
    altroot_span cms;             /* borrowed: DER ContentInfo, or PEM "CMS"/"PKCS7" */
    bool detached;                /* the content is `content`, not inside the CMS */
    altroot_span content;         /* borrowed: the exact signed bytes when `detached` */
    const altroot_certs *extra;   /* borrowed, may be NULL: more certificates for the path */
    const altroot_certs *anchors; /* borrowed, may be NULL: no anchors means no chain */
    altroot_time at;              /* verification time of the signer's chain */
} altroot_cms_verify_params;

typedef struct altroot_cms_result {
    bool parsed;           /* one SignedData with exactly one SignerInfo */
    bool signature_ok;     /* the signature (and messageDigest, if signed attributes) verified */
    bool chain_ok;         /* the signer chains to an anchor and every chain check passed */
    bool verified;         /* parsed && signature_ok && chain_ok */
    char content_type[64]; /* dotted eContentType */
    bool has_signed_attrs;
    altroot_bytes content; /* encapsulated content (copied); empty when detached */
    altroot_cert *signer;  /* owned reference (freed by altroot_cms_result_clear), or NULL */
    bool signer_has_key_usage;
    uint32_t signer_key_usage; /* ALTROOT_KU_* bits when signer_has_key_usage */
    int anchor_index;          /* index in `anchors` of the anchor reached, or -1 */
    altroot_failures failures; /* every failure, E_CMS_* codes and chain codes */
} altroot_cms_result;

/* Verify a CMS SignedData. Returns OK when the check ran (look at result->verified and
 * result->failures); E_NOMEM or E_INTERNAL when it could not run, E_ARG for bad parameters.
 * `result` is initialised here; release it with altroot_cms_result_clear(), also on error. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err
altroot_cms_verify(const altroot_cms_verify_params *params, altroot_cms_result *result);
ALTROOT_API void altroot_cms_result_clear(altroot_cms_result *result);

typedef struct altroot_cms_sign_params {
    altroot_span content;       /* borrowed: the bytes to sign */
    bool detached;              /* leave the content out (MUD) or encapsulate it (voucher) */
    bool no_signed_attrs;       /* like `openssl cms -noattr` */
    const char *content_type;   /* borrowed dotted OID, or NULL for id-data */
    const altroot_cert *signer; /* borrowed */
    const altroot_key *key;     /* borrowed: the signer's private key */
    const altroot_certs *chain; /* borrowed, may be NULL: intermediates to include */
} altroot_cms_sign_params;

/* Sign: DER ContentInfo appended to `out` (caller clears). SHA-256 digests (SHA-384 for a P-384
 * key). Fails with E_ARG when the key is not private or does not match the signer. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_cms_sign(const altroot_cms_sign_params *params,
                                                            altroot_bytes *out);

#endif
