/*
 * FDO evidence (docs/evidence.md, root type 2): the ownership voucher verified as offline
 * (altroot_fdo_verify: hash chain, entry signatures, device chain, fdo-mfr and fdo-owner
 * anchors), and the binding signed by the device attestation key, the leaf of the voucher's
 * device certificate chain, naming the voucher's GUID.
 */
#include <stdio.h>
#include <string.h>

#include <altroot/fdo.h>

#include "../core/guard.h"
#include "internal.h"

static altroot_err facts(altroot_root_result *r, const altroot_fdo_result *res)
{
    char guid[33], hash[65];
    uint8_t h[32];
    altroot_hex_encode((altroot_span){res->voucher->guid, 16}, guid);
    TRY(altroot_facts_add(&r->attested, "guid", guid));
    if (res->attestation) {
        TRY(altroot_facts_add(&r->attested, "manufacturer", res->mfr_anchor_desc));
        TRY(altroot_set_string(&r->anchor, res->mfr_anchor_desc));
    }
    if (res->ownership) {
        TRY(altroot_facts_add(&r->owned, "owner_key", res->owner_anchor_desc));
        TRY(altroot_set_string(&r->anchor, res->owner_anchor_desc));
    } else if (res->final_owner != NULL &&
               altroot_key_spki_sha256(res->final_owner, h) == ALTROOT_OK) {
        altroot_hex_encode((altroot_span){h, 32}, hash);
        TRY(altroot_facts_add(&r->owned, "final_owner_spki_sha256", hash));
    }
    return ALTROOT_OK;
}

static altroot_err bind(evd_ctx *c, const altroot_evidence_fdo *e, altroot_root_result *r,
                        const altroot_fdo_result *res)
{
    altroot_key *key = NULL;
    altroot_evidence_claims cl;
    bool decoded = false;
    const altroot_fdo_voucher *v = res->voucher;
    if (v != NULL && v->device_chain != NULL && altroot_certs_count(v->device_chain) > 0) {
        altroot_err ke = altroot_cert_public_key(altroot_certs_get(v->device_chain, 0), &key);
        ENSURE(ke != ALTROOT_E_NOMEM, ke); /* an unusable key is reported as no device key */
    }
    altroot_err err = evd_check_binding(c, e->binding, &e->members, ALTROOT_EVIDENCE_FDO, key,
                                        "evidence.fdo.binding", &cl, &decoded, &r->failures);
    if (err == ALTROOT_OK && decoded && v != NULL &&
        !altroot_span_equal((altroot_span){cl.guid, 16}, (altroot_span){v->guid, 16}))
        err =
            altroot_failures_add(&r->failures, ALTROOT_E_EVIDENCE_IDENTITY, "evidence.fdo.binding",
                                 "%s", "binding GUID differs from the voucher's");
    altroot_key_free(key);
    return err;
}

altroot_err evd_verify_fdo(evd_ctx *c, const altroot_evidence_fdo *e)
{
    altroot_root_result *r = NULL;
    TRY(altroot_verdict_add_root(c->v, "fdo", ALTROOT_MODE_SECONDARY, &r));
    /* Evidence carries the voucher as its CBOR bytes as issued (docs/evidence.md), never PEM. */
    /* A voucher to an owner you are not is another person's device, not a forgery: it proves no
     * ownership to you (a warning), as a NOC chain under a fabric you do not hold. */
    altroot_fdo_verify_params p = {
        .store = c->store, .at = c->at, .raw_only = true, .other_owner_is_note = true};
    altroot_fdo_result res;
    altroot_err err = altroot_fdo_verify(e->voucher, 0, &p, &res);
    if (err != ALTROOT_OK) {
        altroot_fdo_result_clear(&res); /* whatever it kept before failing */
        return err;
    }
    err = altroot_failures_extend(&r->failures, &res.failures, "evidence.fdo.voucher");
    if (err == ALTROOT_OK && !res.verified)
        err = altroot_failures_add(&r->failures, ALTROOT_E_EVIDENCE_ARTEFACT, "evidence.fdo", "%s",
                                   "the ownership voucher did not verify");
    if (err == ALTROOT_OK && (res.voucher == NULL || res.voucher->device_chain == NULL))
        err = altroot_failures_add(&r->failures, ALTROOT_E_EVIDENCE_DEVICE_KEY, "evidence.fdo",
                                   "%s", "the voucher carries no device certificate chain");
    if (err == ALTROOT_OK)
        err = bind(c, e, r, &res);
    if (err == ALTROOT_OK) {
        r->evidence = true;
        r->status = r->failures.count == 0 ? ALTROOT_ROOT_VERIFIED : ALTROOT_ROOT_FAILED;
        r->attestation = r->status == ALTROOT_ROOT_VERIFIED && res.attestation;
        r->ownership = r->status == ALTROOT_ROOT_VERIFIED && res.ownership;
    }
    if (err == ALTROOT_OK && r->status == ALTROOT_ROOT_VERIFIED)
        err = facts(r, &res);
    /* Attestation implies a voucher with a device chain (both are failures above otherwise). */
    if (err == ALTROOT_OK && r->attestation && res.voucher != NULL &&
        res.voucher->device_chain != NULL)
        err = evd_set_identity(r, altroot_certs_get(res.voucher->device_chain, 0));
    for (size_t i = 0; err == ALTROOT_OK && i < res.notes.count; i++)
        err = altroot_strlist_add(&c->v->warnings, res.notes.items[i]);
    altroot_fdo_result_clear(&res);
    return err;
}
