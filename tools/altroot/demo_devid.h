/* The IEEE 802.1AR and MUD scenarios of `altroot demo`: a minted manufacturer DevID PKI with a
 * MUD signer, your domain CA, and the device servers of each scenario. */
#ifndef ALTROOT_TOOL_DEMO_DEVID_H
#define ALTROOT_TOOL_DEMO_DEVID_H

#include <altroot/altroot.h>

typedef enum demo_devid_kind {
    DEMO_DEVID_ATTESTED = 1,     /* evidence: the IDevID chain + a binding by the IDevID key */
    DEMO_DEVID_PRIMARY,          /* the IDevID chain itself as the TLS chain */
    DEMO_DEVID_ENROLLED,         /* an LDevID from your domain CA naming the host, as TLS chain */
    DEMO_DEVID_MUD,              /* evidence with the MUD file and its signature stapled */
    DEMO_DEVID_MUD_WRONG_SIGNER, /* a MUD file signed by another manufacturer's signer */
    DEMO_DEVID_EXPIRED_IDEVID,   /* evidence with an IDevID whose validity has ended */
    DEMO_DEVID_EXPIRED_BINDING,  /* evidence whose binding is past its exp */
} demo_devid_kind;

typedef struct demo_devid demo_devid;

ALTROOT_MUST_CHECK altroot_err demo_devid_make(altroot_time at, demo_devid **out);
void demo_devid_free(demo_devid *d);
/* anchors/devid-ca and mud-signer (the manufacturer's root) and ldevid-ca (your domain CA). */
ALTROOT_MUST_CHECK altroot_err demo_devid_write_anchors(const demo_devid *d, const char *anchors);
/* A server for `kind` answering to `host`, a DNS name or an IP address (caller frees with
 * altroot_tls_server_free). */
ALTROOT_MUST_CHECK altroot_err demo_devid_server(const demo_devid *d, demo_devid_kind kind,
                                                 const char *host, altroot_time at,
                                                 altroot_tls_server **out);

#endif
