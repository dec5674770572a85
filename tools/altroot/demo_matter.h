/* The Matter scenarios of `altroot demo`: a minted attestation PKI and fabric, a second unit of
 * the same model, a pin, and the device servers of each scenario (secondary and primary
 * integration, and attacks). */
#ifndef ALTROOT_TOOL_DEMO_MATTER_H
#define ALTROOT_TOOL_DEMO_MATTER_H

#include <altroot/altroot.h>

typedef enum demo_matter_kind {
    DEMO_MATTER_ATTESTED = 1, /* evidence: DAC chain + CD on a self-signed device */
    DEMO_MATTER_OWNED,        /* evidence with the NOC chain: your fabric, the instance name */
    DEMO_MATTER_PRIMARY,      /* the NOC chain itself as the TLS chain */
    DEMO_MATTER_OTHER_KEY,    /* evidence bound to another TLS key */
    DEMO_MATTER_COPIED,       /* evidence copied from another device */
    DEMO_MATTER_FORGED_CD,    /* a CD whose signature was altered */
    DEMO_MATTER_WRONG_FABRIC, /* a NOC chain of a fabric you do not administer */
    DEMO_MATTER_SAME_MODEL,   /* evidence of another genuine unit of the same model */
} demo_matter_kind;

typedef struct demo_matter demo_matter;

ALTROOT_MUST_CHECK altroot_err demo_matter_make(altroot_time at, demo_matter **out);
void demo_matter_free(demo_matter *m);
/* anchors/matter-paa and matter-cd (of both units) and matter-fabric under `anchors`. */
ALTROOT_MUST_CHECK altroot_err demo_matter_write_anchors(const demo_matter *m, const char *anchors);
/* anchors/pins/NAME.json: a pin of the first unit (its DAC's key) for `name`, made a day before
 * `at`. */
ALTROOT_MUST_CHECK altroot_err demo_matter_write_pin(const demo_matter *m, const char *anchors,
                                                     const char *name, altroot_time at);
/* "<CFID>-<NodeID>.local": the name the owned node answers to. */
const char *demo_matter_host(const demo_matter *m);
/* A server for `kind`: chain and key (caller frees with altroot_tls_server_free). */
ALTROOT_MUST_CHECK altroot_err demo_matter_server(const demo_matter *m, demo_matter_kind kind,
                                                  altroot_time at, altroot_tls_server **out);

#endif
