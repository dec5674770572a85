/*
 * Secondary integration (docs/evidence.md "Verification"): find the evidence extension in the
 * presented leaf, decode it strictly, and hand each root entry to its verifier.
 */
#include <stdio.h>
#include <string.h>

#include <altroot/alloc.h>

#include "../core/guard.h"
#include "internal.h"

/* Step 1: "Present more than once, critical, or malformed CBOR: reject". The extension as a
 * whole failed, so no root can be named: the failure is reported under the root "evidence". */
static altroot_err reject(altroot_verdict *v, altroot_err code, const char *detail)
{
    altroot_root_result *r = NULL;
    TRY(altroot_verdict_add_root(v, "evidence", ALTROOT_MODE_SECONDARY, &r));
    r->evidence = true;
    r->status = ALTROOT_ROOT_FAILED;
    return altroot_failures_add(&r->failures, code, "evidence", "%s", detail);
}

static altroot_err verify_roots(evd_ctx *c, const altroot_evidence *e)
{
    if (e->matter.present)
        TRY(evd_verify_matter(c, &e->matter));
    if (e->fdo.present)
        TRY(evd_verify_fdo(c, &e->fdo));
    /* 802.1AR before MUD: the MUD URL is authentic only in an IDevID that verified. */
    if (e->devid.present)
        TRY(evd_verify_devid(c, &e->devid));
    if (e->mud.present)
        TRY(evd_verify_mud(c, &e->mud));
    return ALTROOT_OK;
}

/* The leaf carries the evidence: what it binds holds only while the leaf itself is valid. A
 * retired certificate whose key leaked would otherwise prove the device for ever, since a binding
 * without `exp` never ends. Every root judged on this leaf fails with the leaf's own code, as
 * evidence that failed (decision rule 1), and a name it bound is withdrawn. */
altroot_err evd_judge_leaf(const altroot_certs *chain, altroot_time at, altroot_verdict *v,
                           size_t first)
{
    if (first >= v->root_count)
        return ALTROOT_OK;
    char detail[160];
    altroot_err code =
        altroot_cert_check_validity(altroot_certs_get(chain, 0), at, detail, sizeof detail);
    if (code == ALTROOT_OK)
        return ALTROOT_OK;
    for (size_t i = first; i < v->root_count; i++) {
        altroot_root_result *r = &v->roots[i];
        TRY(altroot_failures_add(&r->failures, code, "tls-chain[0]", "the TLS certificate: %s",
                                 detail));
        r->status = ALTROOT_ROOT_FAILED;
        r->evidence = true;
        r->attestation = false;
        r->ownership = false;
        if (!v->name.bound || v->name.by == NULL || strcmp(v->name.by, r->root) != 0)
            continue;
        v->name.bound = false;
        TRY(altroot_set_string(&v->name.method, "none"));
        altroot_free(v->name.by);
        v->name.by = NULL;
    }
    return ALTROOT_OK;
}

static altroot_err evaluate(const altroot_certs *chain, const char *host,
                            const altroot_trust_store *store, altroot_time at, altroot_verdict *v,
                            bool *present)
{
    const altroot_cert *leaf = altroot_certs_get(chain, 0);
    bool critical = false;
    altroot_span value = {0};
    altroot_err err = altroot_cert_extension(leaf, ALTROOT_OID_EVIDENCE, &critical, &value);
    if (err == ALTROOT_E_NOT_FOUND)
        return ALTROOT_OK;
    *present = true;
    if (err == ALTROOT_E_NOMEM)
        return err;
    if (err != ALTROOT_OK)
        return reject(v, ALTROOT_E_EVIDENCE_FORMAT, "the extension appears more than once");
    if (critical)
        return reject(v, ALTROOT_E_EVIDENCE_CRITICAL, "the extension is marked critical");
    altroot_evidence e;
    char detail[160];
    err = altroot_evidence_decode(value, &e, detail, sizeof detail);
    if (err != ALTROOT_OK)
        return reject(v, err, detail);
    evd_ctx c = {.chain = chain, .host = host, .store = store, .at = at, .v = v};
    TRY(altroot_cert_spki_sha256(leaf, c.spki_sha256));
    return verify_roots(&c, &e);
}

altroot_err altroot_evidence_evaluate(const altroot_certs *chain, const char *host,
                                      const altroot_trust_store *store, altroot_time at,
                                      altroot_verdict *v, bool *present)
{
    ENSURE(chain != NULL && store != NULL && v != NULL && present != NULL, ALTROOT_E_ARG);
    ENSURE(altroot_certs_count(chain) > 0, ALTROOT_E_EMPTY);
    *present = false;
    size_t first = v->root_count;
    TRY(evaluate(chain, host, store, at, v, present));
    return evd_judge_leaf(chain, at, v, first);
}

static bool is_alternative(const char *root)
{
    return strcmp(root, "webpki") != 0 && strcmp(root, "local-ca") != 0;
}

int altroot_evidence_lifted_class(const altroot_verdict *v)
{
    int lifted = -1;
    for (size_t i = 0; v != NULL && i < v->root_count; i++) {
        const altroot_root_result *r = &v->roots[i];
        if (r->status == ALTROOT_ROOT_FAILED && r->evidence)
            return -1; /* tampering lifts nothing (decision rule 1) */
        if (r->status != ALTROOT_ROOT_VERIFIED || !is_alternative(r->root))
            continue;
        /* A pin is the user's own statement about this name, like an anchor they hold. */
        bool held = r->ownership || (r->attestation && v->name.pin_matched);
        int cls = held && v->name.bound ? 5 : (r->attestation || r->ownership) ? 4 : -1;
        lifted = cls > lifted ? cls : lifted;
    }
    return v != NULL && lifted > v->cert_class ? lifted : -1;
}
