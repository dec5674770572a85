/* The FDO scenarios of `altroot demo`: a minted manufacturer, a device and its ownership voucher
 * handed over to your owner key, and the device servers of each scenario. */
#ifndef ALTROOT_TOOL_DEMO_FDO_H
#define ALTROOT_TOOL_DEMO_FDO_H

#include <altroot/altroot.h>

typedef enum demo_fdo_kind {
    DEMO_FDO_ATTESTED = 1, /* evidence: the voucher + a binding by the device key */
    DEMO_FDO_PRIMARY,      /* a TLS certificate issued by your owner key for the name */
    DEMO_FDO_CUT_VOUCHER,  /* evidence whose voucher lost its last bytes */
} demo_fdo_kind;

typedef struct demo_fdo demo_fdo;

ALTROOT_MUST_CHECK altroot_err demo_fdo_make(altroot_time at, demo_fdo **out);
void demo_fdo_free(demo_fdo *f);
/* anchors/fdo-mfr (the device CA) and anchors/fdo-owner (your owner public key). */
ALTROOT_MUST_CHECK altroot_err demo_fdo_write_anchors(const demo_fdo *f, const char *anchors);
/* A server for `kind` answering to `host` (caller frees with altroot_tls_server_free). */
ALTROOT_MUST_CHECK altroot_err demo_fdo_server(const demo_fdo *f, demo_fdo_kind kind,
                                               const char *host, altroot_time at,
                                               altroot_tls_server **out);

#endif
