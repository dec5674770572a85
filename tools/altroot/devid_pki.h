/* An 802.1AR and MUD test PKI, minted in memory: `altroot mint devid | mud` write it out, and
 * `altroot demo` serves devices from it. */
#ifndef ALTROOT_TOOL_DEVID_PKI_H
#define ALTROOT_TOOL_DEVID_PKI_H

#include <altroot/devid.h>
#include <altroot/mud.h>

/* The manufacturer's MUD URL, carried by the IDevID and named in the MUD file. */
#define DEVID_PKI_MUD_URL "https://mud.example.com/widget-2000.json"

/* Every key and certificate is owned; release with devid_pki_free(). */
typedef struct devid_pki {
    altroot_key *root_key, *ca_key, *dev_key, *dom_key, *signer_key;
    altroot_cert *root;   /* manufacturer DevID root CA (a devid-ca and mud-signer anchor) */
    altroot_cert *ca;     /* issuing CA under the root: the IDevID's chain */
    altroot_cert *idevid; /* the unit's IDevID, key dev_key */
    altroot_cert *dom;    /* the owner's domain CA (an ldevid-ca anchor) */
    altroot_cert *ldevid; /* an LDevID for dev_key under the domain CA */
    altroot_cert *signer; /* the MUD signer under the root, named by the IDevID's mudsigner */
    altroot_bytes signer_name;
} devid_pki;

/* What the unit's IDevID says, and when it is valid. */
typedef struct devid_pki_unit {
    const char *serial;  /* borrowed: subject serialNumber and hwSerialNum */
    const char *mud_url; /* borrowed: id-pe-mud-url, or NULL */
    altroot_devid_fault fault;
    altroot_time not_before; /* also the start of every CA's validity */
    altroot_time not_after;  /* ALTROOT_TIME_NO_EXPIRY for 802.1AR */
} devid_pki_unit;

/* Mint root CA, issuing CA, MUD signer, the unit's IDevID, domain CA and LDevID (the CAs and the
 * LDevID without expiry, the LDevID without the fault). `p` is zeroed first; free it with
 * devid_pki_free() also on error. */
ALTROOT_MUST_CHECK altroot_err devid_pki_make(devid_pki *p, const devid_pki_unit *u);
/* Another IDevID for the same device key under the issuing CA (caller frees with
 * altroot_cert_free). */
ALTROOT_MUST_CHECK altroot_err devid_pki_idevid(const devid_pki *p, const devid_pki_unit *u,
                                                altroot_cert **out);
void devid_pki_free(devid_pki *p);

/* A MUD file for `mud_url` signed by the PKI's MUD signer, with fault `f`: the JSON and its
 * detached DER CMS signature are appended to `file` and `signature` (caller clears both). */
ALTROOT_MUST_CHECK altroot_err devid_pki_mud(const devid_pki *p, const char *mud_url,
                                             altroot_time last_update, altroot_mud_fault f,
                                             altroot_bytes *file, altroot_bytes *signature);

#endif
