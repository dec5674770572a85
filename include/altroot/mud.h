/*
 * RFC 8520 Manufacturer Usage Description: the MUD file (JSON) against the ietf-mud YANG module,
 * its detached CMS signature over the exact bytes, the signer's chain to mud-signer anchors,
 * signer keyUsage, the device certificate's mudsigner, and where the MUD URL came from. No
 * network access: the file and signature are inputs. Rules: docs/devid-mud.md.
 */
#ifndef ALTROOT_MUD_H
#define ALTROOT_MUD_H

#include <stdbool.h>
#include <stddef.h>

#include <altroot/buf.h>
#include <altroot/error.h>
#include <altroot/export.h>
#include <altroot/list.h>
#include <altroot/time.h>
#include <altroot/trust.h>
#include <altroot/verdict.h>
#include <altroot/x509.h>

/* Size limits: a MUD file (256 KiB) and its signature (64 KiB). */
#define ALTROOT_MUD_FILE_MAX ((size_t)256 * 1024)
#define ALTROOT_MUD_SIG_MAX ((size_t)64 * 1024)
/* RFC 8520 (DHCP and LLDP): a MUD URL is at most 255 octets on those carriers; altroot accepts
 * up to ALTROOT_MUD_URL_MAX from any source. */
#define ALTROOT_MUD_URL_MAX 2048

/* An https URL with a non-empty authority, printable ASCII without spaces, no userinfo, at most
 * ALTROOT_MUD_URL_MAX octets (RFC 8520: MUD URLs MUST use the https scheme). */
ALTROOT_API bool altroot_mud_url_valid(const char *url);

/* How the MUD URL was learnt, and so whether it can be spoofed (RFC 8520 security
 * considerations: only a URL in a verified manufacturer certificate is device-bound). */
typedef enum altroot_mud_url_source {
    ALTROOT_MUD_URL_NONE = 0,        /* only the file's own mud-url: nothing to compare */
    ALTROOT_MUD_URL_CERT_VERIFIED,   /* id-pe-mud-url of a DevID that verified: not spoofable */
    ALTROOT_MUD_URL_CERT_UNVERIFIED, /* id-pe-mud-url of a certificate not verified here */
    ALTROOT_MUD_URL_DEVICE,          /* asserted by the device (DHCP, LLDP, its own claim) */
    ALTROOT_MUD_URL_NETWORK,         /* given by the network or an operator */
} altroot_mud_url_source;

/* "certificate (verified)", ...; never NULL. */
ALTROOT_API const char *altroot_mud_url_source_name(altroot_mud_url_source s);
/* Whether a URL from `s` can be spoofed by a hostile device or network. */
ALTROOT_API bool altroot_mud_url_spoofable(altroot_mud_url_source s);

/* What the file declares (copied strings, NULL when absent). */
typedef struct altroot_mud_file {
    char *mud_url, *mud_signature, *last_update, *systeminfo;
    char *mfg_name, *model_name, *firmware_rev, *software_rev, *documentation;
    int cache_validity; /* hours; 48 when absent */
    bool is_supported;
    altroot_strlist extensions;
    size_t acl_count;
} altroot_mud_file;

ALTROOT_API void altroot_mud_file_clear(altroot_mud_file *f);

/* Check a MUD file's bytes against RFC 8520 (JSON, required leaves and their types, mud-version
 * 1, https mud-url, policy names resolve to ACLs, no unknown top-level members). Every
 * violation goes to `failures`, tolerated oddities to `warnings`. `out` is initialised here;
 * clear it with altroot_mud_file_clear, also on error. Returns OK when the check ran. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_mud_file_check(altroot_span json,
                                                                  altroot_mud_file *out,
                                                                  altroot_failures *failures,
                                                                  altroot_strlist *warnings);

typedef struct altroot_mud_params {
    altroot_span file;                /* borrowed: the exact MUD file bytes */
    altroot_span signature;           /* borrowed: detached CMS (DER or PEM) */
    const altroot_trust_store *store; /* borrowed: mud-signer anchors (devid-ca for the device) */
    altroot_time at;
    const char *url;                   /* borrowed: the URL the file was obtained for, or NULL */
    altroot_mud_url_source url_source; /* where `url` came from (ignored with device_cert) */
    /* The device's certificate (DER, borrowed; empty for none). Its id-pe-mud-url is the URL
     * and its id-pe-mudsigner names the required signer. With devid-ca anchors in `store` it is
     * verified as an IDevID first; only then is its URL authenticated. */
    altroot_span device_cert;
    const altroot_certs *device_chain; /* borrowed, may be NULL */
} altroot_mud_params;

typedef struct altroot_mud_result {
    bool verified;              /* every rule passed */
    bool signature_ok;          /* CMS signature over the exact bytes */
    bool signer_chain_ok;       /* signer chains to a mud-signer anchor at `at` */
    bool file_ok;               /* the JSON passed every RFC 8520 check */
    altroot_mud_file file;      /* what it declares (trust it only when verified) */
    char signer[512];           /* RFC 2253 subject of the signer, "" when none */
    char *anchor, *anchor_file; /* owned: the mud-signer anchor reached, or NULL */
    char *url;                  /* owned: the URL compared with mud-url, or NULL */
    altroot_mud_url_source url_source;
    bool device_verified; /* the device certificate verified as an IDevID */
    altroot_failures failures;
    altroot_strlist warnings;
} altroot_mud_result;

/* Verify a MUD file and its signature. Returns OK when the check ran (see result->verified);
 * E_ARG or E_NOMEM when it could not. `result` is initialised here; release it with
 * altroot_mud_result_clear(), also on error. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_mud_verify(const altroot_mud_params *params,
                                                              altroot_mud_result *result);
ALTROOT_API void altroot_mud_result_clear(altroot_mud_result *result);

/* Fill a verdict root result ("mud") from a MUD result: declared facts (maker, model,
 * revisions, documentation), URL source and whether it can be spoofed, anchor, failures. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_mud_to_root(const altroot_mud_result *res,
                                                               altroot_root_result *r);

/* ---- Minting signed MUD files (test PKIs) ---- */

typedef enum altroot_mud_fault {
    ALTROOT_MUD_FAULT_NONE = 0,
    ALTROOT_MUD_FAULT_TAMPER,       /* the file changes after signing */
    ALTROOT_MUD_FAULT_HTTP_URL,     /* mud-url http:// */
    ALTROOT_MUD_FAULT_VERSION,      /* mud-version 2 */
    ALTROOT_MUD_FAULT_NO_SUPPORTED, /* is-supported missing */
    ALTROOT_MUD_FAULT_BAD_POLICY,   /* from-device-policy names an undefined ACL */
    ALTROOT_MUD_FAULT_COUNT
} altroot_mud_fault;

ALTROOT_API const char *altroot_mud_fault_name(altroot_mud_fault f);
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_mud_fault_parse(const char *name,
                                                                   altroot_mud_fault *out);

typedef struct altroot_mud_mint_params {
    const char *mud_url;                                     /* borrowed */
    const char *mfg_name;                                    /* borrowed, may be NULL */
    const char *model_name;                                  /* borrowed, may be NULL */
    const char *firmware_rev, *software_rev, *documentation; /* borrowed, may be NULL */
    const char *systeminfo;                                  /* borrowed, may be NULL */
    altroot_time last_update;
    const altroot_cert *signer; /* borrowed */
    const altroot_key *key;     /* borrowed: the signer's private key */
    const altroot_certs *chain; /* borrowed, may be NULL: intermediates to include */
    altroot_mud_fault fault;
} altroot_mud_mint_params;

/* Make a MUD file (JSON appended to `file`) and its detached DER CMS signature (appended to
 * `signature`); both caller clears. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_mud_mint(const altroot_mud_mint_params *p,
                                                            altroot_bytes *file,
                                                            altroot_bytes *signature);

#endif
