/*
 * Verifying a DevID: the chain to a devid-ca anchor (IDevID, attestation) or an ldevid-ca anchor
 * (LDevID, ownership), then the profile. Anchors match by signature: OpenSSL's path building
 * finds candidates by name and keeps only those whose key verifies the signature, so a look-alike
 * CA with the same name fails with a signature error.
 */
#include <stdio.h>
#include <string.h>

#include <altroot/alloc.h>
#include <altroot/devid.h>

#include "../core/guard.h"

void altroot_devid_result_clear(altroot_devid_result *r)
{
    if (r == NULL)
        return;
    altroot_devid_info_clear(&r->info);
    altroot_free(r->anchor);
    altroot_free(r->anchor_file);
    altroot_failures_clear(&r->failures);
    altroot_strlist_clear(&r->warnings);
    altroot_cert_free(r->cert);
    memset(r, 0, sizeof *r);
}

static altroot_err build_presented(const altroot_devid_params *p, altroot_cert *leaf,
                                   altroot_certs **out)
{
    TRY(altroot_certs_new(out));
    TRY(altroot_certs_push(*out, leaf));
    for (size_t i = 0; p->chain != NULL && i < altroot_certs_count(p->chain); i++)
        TRY(altroot_certs_push(*out, altroot_certs_get(p->chain, i)));
    return ALTROOT_OK;
}

static altroot_err note_anchor(const altroot_devid_params *p, altroot_anchor_kind kind,
                               const altroot_chain_result *cr, altroot_devid_result *r)
{
    const altroot_certs *anchors = altroot_trust_store_certs(p->store, kind);
    char subject[512];
    altroot_cert_subject(altroot_certs_get(anchors, (size_t)cr->anchor_index), subject,
                         sizeof subject);
    TRY(altroot_set_string(&r->anchor, subject));
    return altroot_set_string(
        &r->anchor_file, altroot_trust_store_cert_file(p->store, kind, (size_t)cr->anchor_index));
}

/* Try one anchor kind. *reached when a path to one of its anchors was built by signature. */
static altroot_err try_kind(const altroot_devid_params *p, const altroot_certs *presented,
                            altroot_anchor_kind kind, altroot_devid_result *r,
                            altroot_chain_result *cr, bool *reached)
{
    *reached = false;
    const altroot_certs *anchors = altroot_trust_store_certs(p->store, kind);
    if (altroot_certs_count(anchors) == 0)
        return ALTROOT_OK;
    altroot_chain_params cp = {.at = p->at, .purpose = ALTROOT_PURPOSE_ANY};
    TRY(altroot_chain_verify(presented, anchors, &cp, cr));
    if (!cr->reached_anchor || cr->anchor_index < 0)
        return ALTROOT_OK;
    *reached = true;
    return note_anchor(p, kind, cr, r);
}

/* How many anchors of `kind` the chain was tried against (none when the kind was not wanted). */
static size_t anchors_tried(const altroot_devid_params *p, altroot_anchor_kind kind, bool wanted)
{
    return wanted ? altroot_certs_count(altroot_trust_store_certs(p->store, kind)) : 0;
}

/* Which anchor kind the DevID chains to; every chain failure is recorded. */
static altroot_err check_chain(const altroot_devid_params *p, altroot_cert *leaf,
                               altroot_devid_result *r, bool *chain_ok)
{
    altroot_err err = ALTROOT_OK;
    altroot_certs *presented = NULL;
    altroot_chain_result idc = {.anchor_index = -1}, ldc = {.anchor_index = -1};
    bool reached = false;
    *chain_ok = false;
    bool want_id = p->expect != ALTROOT_DEVID_LDEVID, want_ld = p->expect != ALTROOT_DEVID_IDEVID;
    TRY_GOTO(build_presented(p, leaf, &presented));
    if (want_id)
        TRY_GOTO(try_kind(p, presented, ALTROOT_ANCHOR_DEVID_CA, r, &idc, &reached));
    if (reached) {
        r->kind = ALTROOT_DEVID_IDEVID;
        *chain_ok = idc.verified;
        TRY_GOTO(altroot_failures_extend(&r->failures, &idc.failures, "devid-ca "));
        goto out;
    }
    if (want_ld)
        TRY_GOTO(try_kind(p, presented, ALTROOT_ANCHOR_LDEVID_CA, r, &ldc, &reached));
    if (reached) {
        r->kind = ALTROOT_DEVID_LDEVID;
        *chain_ok = ldc.verified;
        TRY_GOTO(altroot_failures_extend(&r->failures, &ldc.failures, "ldevid-ca "));
        goto out;
    }
    bool none = anchors_tried(p, ALTROOT_ANCHOR_DEVID_CA, want_id) +
                    anchors_tried(p, ALTROOT_ANCHOR_LDEVID_CA, want_ld) ==
                0;
    TRY_GOTO(altroot_failures_extend(&r->failures, &idc.failures, "devid-ca "));
    TRY_GOTO(altroot_failures_extend(&r->failures, &ldc.failures, "ldevid-ca "));
    TRY_GOTO(altroot_failures_add(&r->failures, none ? ALTROOT_E_NO_ANCHORS : ALTROOT_E_DEVID_CHAIN,
                                  "devid", "%s",
                                  none ? "no anchors of the kind this DevID needs are configured"
                                       : "no path to a devid-ca or ldevid-ca anchor by signature"));
out:
    altroot_chain_result_clear(&idc);
    altroot_chain_result_clear(&ldc);
    altroot_certs_free(presented);
    return err;
}

altroot_err altroot_devid_verify(const altroot_devid_params *p, altroot_devid_result *r)
{
    ENSURE(r != NULL, ALTROOT_E_ARG);
    memset(r, 0, sizeof *r);
    ENSURE(p != NULL && p->store != NULL && (p->cert.ptr != NULL || p->cert.len == 0),
           ALTROOT_E_ARG);
    ENSURE(p->parsed == NULL || p->cert.len == 0, ALTROOT_E_ARG);
    altroot_err err = ALTROOT_OK;
    altroot_cert *leaf = NULL;
    altroot_err pe = ALTROOT_OK;
    if (p->parsed != NULL)
        leaf = altroot_cert_ref((altroot_cert *)p->parsed);
    else
        pe = altroot_cert_from_der(p->cert, &leaf);
    if (pe == ALTROOT_E_NOMEM)
        return pe;
    if (pe != ALTROOT_OK)
        return altroot_failures_add(&r->failures, ALTROOT_E_CERT_PARSE, "devid",
                                    "not one DER certificate (%s)", altroot_error_name(pe));
    bool chain_ok = false;
    TRY_GOTO(check_chain(p, leaf, r, &chain_ok));
    size_t before = r->failures.count;
    altroot_devid_kind rules = r->kind == ALTROOT_DEVID_NONE ? ALTROOT_DEVID_IDEVID : r->kind;
    TRY_GOTO(
        altroot_devid_check_profile(leaf, rules, p->lenient, &r->info, &r->failures, &r->warnings));
    r->verified = chain_ok && r->failures.count == before && r->failures.count == 0;
out:
    r->cert = leaf;
    return err;
}

static altroot_err add_attested(const altroot_devid_result *res, altroot_root_result *r)
{
    const altroot_devid_info *in = &res->info;
    TRY(altroot_facts_add(&r->attested, "maker", in->issuer));
    TRY(altroot_facts_add(&r->attested, "subject", in->subject));
    if (in->serial != NULL)
        TRY(altroot_facts_add(&r->attested, "serial", in->serial));
    if (in->serial_from != NULL)
        TRY(altroot_facts_add(&r->attested, "serial_from", in->serial_from));
    if (in->has_hw_module)
        TRY(altroot_facts_add(&r->attested, "hardware_type", in->hw_type));
    if (in->masa_url != NULL)
        TRY(altroot_facts_add(&r->attested, "masa_url", in->masa_endpoint));
    if (in->mud_url != NULL)
        TRY(altroot_facts_add(&r->attested, "mud_url", in->mud_url));
    if (in->mudsigner.len > 0)
        TRY(altroot_facts_add(&r->attested, "mud_signer", in->mudsigner_text));
    return altroot_facts_add(&r->attested, "expiry",
                             in->no_expiry ? "none (99991231235959Z)" : "ordinary notAfter");
}

altroot_err altroot_devid_to_root(const altroot_devid_result *res, altroot_root_result *r)
{
    ENSURE(res != NULL && r != NULL, ALTROOT_E_ARG);
    r->evidence = true;
    r->status = res->verified ? ALTROOT_ROOT_VERIFIED : ALTROOT_ROOT_FAILED;
    if (res->verified && res->kind == ALTROOT_DEVID_IDEVID) {
        r->attestation = true;
        TRY(add_attested(res, r));
    }
    if (res->verified && res->kind == ALTROOT_DEVID_LDEVID) {
        r->ownership = true;
        TRY(altroot_facts_add(&r->owned, "domain", res->info.issuer));
        TRY(altroot_facts_add(&r->owned, "subject", res->info.subject));
        TRY(altroot_facts_add(&r->owned, "meaning",
                              "enrolled in your domain: an LDevID issued under your ldevid-ca"));
    }
    if (res->anchor != NULL)
        TRY(altroot_set_string(&r->anchor, res->anchor));
    if (res->anchor_file != NULL)
        TRY(altroot_set_string(&r->anchor_file, res->anchor_file));
    return altroot_failures_extend(&r->failures, &res->failures, NULL);
}
