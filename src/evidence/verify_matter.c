/*
 * Matter evidence (docs/evidence.md, root type 1): the DAC chain and CD verified as a
 * commissioner does (altroot_matter_verify_attestation), the binding signed by the DAC key with
 * the DAC's VID/PID, and optionally the NOC chain against your matter-fabric anchors with a
 * second binding signed by the NOC key.
 */
#include <stdio.h>
#include <string.h>

#include <altroot/matter.h>
#include <altroot/matter_op.h>

#include "../core/guard.h"
#include "internal.h"

/* Anchor lookups that fail because you hold no anchors of that kind at all are absence, not
 * tampering: they are reported as E_NO_ANCHORS. */
static altroot_err copy_failures(altroot_root_result *r, const altroot_failures *src,
                                 const altroot_trust_store *store, const char *prefix)
{
    bool no_paa =
        altroot_certs_count(altroot_trust_store_certs(store, ALTROOT_ANCHOR_MATTER_PAA)) == 0;
    bool no_cd =
        altroot_certs_count(altroot_trust_store_certs(store, ALTROOT_ANCHOR_MATTER_CD)) == 0;
    for (size_t i = 0; i < src->count; i++) {
        const altroot_failure *f = &src->items[i];
        bool absent = (f->code == ALTROOT_E_MATTER_PAA_NOT_FOUND && no_paa) ||
                      (f->code == ALTROOT_E_MATTER_CD_KEY_NOT_FOUND && no_cd);
        char where[128];
        snprintf(where, sizeof where, "%s%s%s", prefix, f->where != NULL ? " " : "",
                 f->where != NULL ? f->where : "");
        TRY(altroot_failures_add(&r->failures, absent ? ALTROOT_E_NO_ANCHORS : f->code, where, "%s",
                                 f->detail));
    }
    return ALTROOT_OK;
}

static altroot_err attested_facts(altroot_root_result *r, const altroot_matter_attestation *a)
{
    static const char *const types[] = {"development and test", "provisional", "official"};
    char buf[64];
    snprintf(buf, sizeof buf, "0x%04X%s", a->dac_ids.vid,
             a->dac_ids.vid >= 0xFFF1 && a->dac_ids.vid <= 0xFFF4 ? " (test vendor)" : "");
    TRY(altroot_facts_add(&r->attested, "vendor_id", buf));
    snprintf(buf, sizeof buf, "0x%04X", a->dac_ids.pid);
    TRY(altroot_facts_add(&r->attested, "product_id", buf));
    TRY(altroot_facts_add(&r->attested, "paa", a->paa_subject));
    if (a->cd_decoded) {
        TRY(altroot_facts_add(&r->attested, "certificate_id", a->cd.certificate_id));
        TRY(altroot_facts_add(&r->attested, "certification_type",
                              a->cd.certification_type < 3 ? types[a->cd.certification_type]
                                                           : "reserved"));
    }
    /* With ownership proved, the anchor that matters to the user is the fabric's, already set. */
    if (r->anchor != NULL)
        return ALTROOT_OK;
    TRY(altroot_set_string(&r->anchor, a->paa_subject));
    return altroot_set_string(&r->anchor_file, a->paa_file);
}

static altroot_err check_identity(altroot_root_result *r, const altroot_evidence_claims *cl,
                                  const altroot_matter_ids *ids, const char *where)
{
    if (ids->has_vid && ids->has_pid && cl->vid == ids->vid && cl->pid == ids->pid)
        return ALTROOT_OK;
    return altroot_failures_add(&r->failures, ALTROOT_E_EVIDENCE_IDENTITY, where,
                                "binding says VID 0x%04X PID 0x%04X, the DAC says otherwise",
                                cl->vid, cl->pid);
}

/* The key of a certificate that may not have parsed (NULL): no key, and the binding check
 * reports it; only running out of memory is an error. */
static altroot_err parsed_key(const altroot_cert *cert, altroot_key **key)
{
    altroot_err err = cert != NULL ? altroot_cert_public_key(cert, key) : ALTROOT_OK;
    return err == ALTROOT_E_NOMEM ? err : ALTROOT_OK;
}

static altroot_err cert_key(altroot_span der, altroot_key **key)
{
    altroot_cert *cert = NULL;
    altroot_err err = altroot_cert_from_der(der, &cert);
    if (err == ALTROOT_OK)
        err = parsed_key(cert, key);
    altroot_cert_free(cert);
    return err == ALTROOT_E_NOMEM ? err : ALTROOT_OK;
}

static altroot_err owned_facts(altroot_root_result *r, const altroot_matter_op_result *o)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%016llX", (unsigned long long)o->fabric_id);
    TRY(altroot_facts_add(&r->owned, "fabric_id", buf));
    snprintf(buf, sizeof buf, "%016llX", (unsigned long long)o->node_id);
    TRY(altroot_facts_add(&r->owned, "node_id", buf));
    snprintf(buf, sizeof buf, "%016llX", (unsigned long long)o->compressed_fabric_id);
    TRY(altroot_facts_add(&r->owned, "compressed_fabric_id", buf));
    TRY(altroot_facts_add(&r->owned, "instance_name", o->instance_name));
    TRY(altroot_set_string(&r->anchor, o->rcac_subject));
    return altroot_set_string(&r->anchor_file, o->anchor_file);
}

/* The NOC binding: its key from the NOC itself, the identity still the DAC's VID/PID. */
static altroot_err noc_binding(evd_ctx *c, const altroot_evidence_matter *e, altroot_root_result *r,
                               const altroot_matter_ids *ids, bool *ok)
{
    altroot_bytes der = ALTROOT_BYTES_INIT;
    altroot_key *key = NULL;
    altroot_evidence_claims cl;
    bool decoded = false;
    size_t before = r->failures.count;
    altroot_err err = altroot_matter_op_cert_convert(e->noc, &der, NULL);
    if (err == ALTROOT_OK)
        err = cert_key(altroot_bytes_span(&der), &key);
    else if (err != ALTROOT_E_NOMEM)
        err = ALTROOT_OK; /* the chain verifier reports the malformed NOC */
    if (err == ALTROOT_OK)
        err = evd_check_binding(c, e->noc_binding, &e->members, ALTROOT_EVIDENCE_MATTER, key,
                                "evidence.matter.noc-binding", &cl, &decoded, &r->failures);
    if (err == ALTROOT_OK && decoded)
        err = check_identity(r, &cl, ids, "evidence.matter.noc-binding");
    *ok = err == ALTROOT_OK && r->failures.count == before;
    altroot_key_free(key);
    altroot_bytes_clear(&der);
    return err;
}

/* Ownership: the NOC chain under your fabric, bound to this TLS key. A sound chain under a
 * fabric you do not administer is not tampering: it proves nothing to you (a warning). */
static altroot_err ownership(evd_ctx *c, const altroot_evidence_matter *e, altroot_root_result *r,
                             const altroot_matter_ids *ids)
{
    altroot_matter_op_input in = {
        .noc = e->noc, .icac = e->icac, .rcac = e->rcac, .store = c->store, .at = c->at};
    altroot_matter_op_result o;
    bool bound = false;
    TRY(altroot_matter_op_chain_verify(&in, &o));
    altroot_err err = noc_binding(c, e, r, ids, &bound);
    if (err == ALTROOT_OK && !o.chain_verified)
        err = altroot_failures_extend(&r->failures, &o.failures, "evidence.matter.noc");
    if (err == ALTROOT_OK && o.chain_verified && !o.anchor_matched)
        err = altroot_strlist_addf(&c->v->warnings,
                                   "The device's Matter NOC chain is sound but its fabric is not "
                                   "among your matter-fabric anchors: ownership is not proved.");
    if (err == ALTROOT_OK && o.verified && bound) {
        r->ownership = true;
        err = owned_facts(r, &o);
        if (err == ALTROOT_OK && evd_instance_name_matches(c->host, o.instance_name))
            err = evd_bind_name(c->v, "operational-instance-name", NULL, "matter");
    }
    altroot_matter_op_result_clear(&o);
    return err;
}

static altroot_err attestation(evd_ctx *c, const altroot_evidence_matter *e, altroot_root_result *r,
                               altroot_matter_attestation *a)
{
    altroot_key *dac_key = NULL;
    altroot_evidence_claims cl;
    bool decoded = false;
    altroot_matter_attestation_input in = {
        .dac = e->dac, .pai = e->pai, .cd = e->cd, .store = c->store, .at = c->at};
    TRY(altroot_matter_verify_attestation(&in, a));
    TRY(copy_failures(r, &a->failures, c->store, "evidence.matter.attestation"));
    if (!a->verified && evd_tampered(r))
        TRY(altroot_failures_add(&r->failures, ALTROOT_E_EVIDENCE_ARTEFACT, "evidence.matter", "%s",
                                 "the DAC chain or CD did not verify"));
    /* The DAC as the attestation parsed it: each presented certificate is parsed once. */
    altroot_err err = parsed_key(a->dac, &dac_key);
    if (err == ALTROOT_OK)
        err = evd_check_binding(c, e->binding, &e->members, ALTROOT_EVIDENCE_MATTER, dac_key,
                                "evidence.matter.binding", &cl, &decoded, &r->failures);
    if (err == ALTROOT_OK && decoded)
        err = check_identity(r, &cl, &a->dac_ids, "evidence.matter.binding");
    altroot_key_free(dac_key);
    return err;
}

altroot_err evd_verify_matter(evd_ctx *c, const altroot_evidence_matter *e)
{
    altroot_root_result *r = NULL;
    TRY(altroot_verdict_add_root(c->v, "matter", ALTROOT_MODE_SECONDARY, &r));
    size_t idx = c->v->root_count - 1;
    altroot_matter_attestation a;
    memset(&a, 0, sizeof a);
    altroot_err err = attestation(c, e, r, &a);
    r = &c->v->roots[idx];
    if (err == ALTROOT_OK && e->has_noc)
        err = ownership(c, e, r, &a.dac_ids);
    r = &c->v->roots[idx];
    if (err == ALTROOT_OK) {
        r->evidence = r->failures.count == 0 || evd_tampered(r);
        r->status = r->failures.count == 0 ? ALTROOT_ROOT_VERIFIED : ALTROOT_ROOT_FAILED;
        r->attestation = r->status == ALTROOT_ROOT_VERIFIED && a.verified;
        r->ownership = r->ownership && r->status == ALTROOT_ROOT_VERIFIED;
    }
    if (err == ALTROOT_OK && r->attestation)
        err = attested_facts(r, &a);
    if (err == ALTROOT_OK && r->attestation)
        err = a.dac != NULL ? evd_set_identity(r, a.dac) : ALTROOT_E_INTERNAL;
    altroot_matter_attestation_clear(&a);
    return err;
}
