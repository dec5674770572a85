/*
 * MUD evidence (docs/evidence.md, root type 4): a stapled MUD file and its detached signature,
 * verified as offline (altroot_mud_verify). MUD has no device key, so nothing binds the file to
 * this TLS key by itself: its URL is authentic only in an IDevID that verified in the same
 * evidence (whose binding names this TLS key). Otherwise the file may have been copied from any
 * device, and it attests nothing about this one (a warning says so).
 */
#include <stdio.h>
#include <string.h>

#include <altroot/alloc.h>
#include <altroot/mud.h>

#include "../core/guard.h"
#include "internal.h"

static altroot_err device_params(evd_ctx *c, const altroot_evidence_mud *e, altroot_mud_params *p,
                                 altroot_certs **chain, char **url)
{
    if (c->idevid_der.len > 0) {
        p->device_cert = c->idevid_der;
        TRY(altroot_certs_new(chain));
        for (size_t i = 1; i < c->idevid_chain_count; i++) {
            altroot_cert *cert = NULL;
            altroot_err err = altroot_cert_from_der(c->idevid_chain[i], &cert);
            if (err == ALTROOT_OK)
                err = altroot_certs_push(*chain, cert);
            altroot_cert_free(cert);
            if (err == ALTROOT_E_NOMEM)
                return err; /* a malformed one: the devid entry already failed on it */
        }
        p->device_chain = *chain;
    }
    if (e->has_url) {
        *url = altroot_malloc(e->url.len + 1);
        ENSURE(*url != NULL, ALTROOT_E_NOMEM);
        memcpy(*url, e->url.ptr, e->url.len);
        (*url)[e->url.len] = '\0';
        p->url = *url;
        p->url_source = ALTROOT_MUD_URL_DEVICE;
    }
    return ALTROOT_OK;
}

/* A URL stapled next to an IDevID that carries one must be the same URL. */
static altroot_err url_consistent(altroot_root_result *r, const altroot_mud_result *res,
                                  const char *stapled, bool with_cert)
{
    if (!with_cert || stapled == NULL || res->url == NULL || strcmp(res->url, stapled) == 0)
        return ALTROOT_OK;
    return altroot_failures_add(&r->failures, ALTROOT_E_EVIDENCE_IDENTITY, "evidence.mud", "%s",
                                "the stapled MUD URL differs from the IDevID's");
}

altroot_err evd_verify_mud(evd_ctx *c, const altroot_evidence_mud *e)
{
    altroot_root_result *r = NULL;
    TRY(altroot_verdict_add_root(c->v, "mud", ALTROOT_MODE_SECONDARY, &r));
    altroot_mud_params p = {
        .file = e->file, .signature = e->signature, .store = c->store, .at = c->at};
    altroot_certs *chain = NULL;
    char *url = NULL;
    altroot_mud_result res;
    memset(&res, 0, sizeof res);
    altroot_err err = device_params(c, e, &p, &chain, &url);
    if (err == ALTROOT_OK)
        err = altroot_mud_verify(&p, &res);
    if (err == ALTROOT_OK)
        err = altroot_mud_to_root(&res, r);
    if (err == ALTROOT_OK)
        err = url_consistent(r, &res, url, c->idevid_der.len > 0);
    if (err == ALTROOT_OK && !res.verified)
        err = altroot_failures_add(&r->failures, ALTROOT_E_EVIDENCE_ARTEFACT, "evidence.mud", "%s",
                                   "the MUD file or its signature did not verify");
    bool bound = res.url_source == ALTROOT_MUD_URL_CERT_VERIFIED && c->devid_idevid_verified;
    if (err == ALTROOT_OK) {
        r->evidence = true;
        r->status = r->failures.count == 0 ? ALTROOT_ROOT_VERIFIED : ALTROOT_ROOT_FAILED;
        r->attestation = r->status == ALTROOT_ROOT_VERIFIED && bound;
    }
    if (err == ALTROOT_OK && r->status == ALTROOT_ROOT_VERIFIED && !bound)
        err = altroot_strlist_addf(&c->v->warnings, "%s",
                                   "The stapled MUD file verifies, but no verified IDevID bound "
                                   "to this TLS key carries its URL: it may come from another "
                                   "device and attests nothing about this one.");
    altroot_free(url);
    altroot_certs_free(chain);
    altroot_mud_result_clear(&res);
    return err;
}
