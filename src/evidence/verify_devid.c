/*
 * IEEE 802.1AR evidence (docs/evidence.md, root type 3): the IDevID chain verified to a devid-ca
 * anchor (altroot_devid_verify), the binding signed by the IDevID key naming its serial number;
 * optionally a BRSKI voucher (RFC 8366, signed by the manufacturer: its signer must chain to a
 * devid-ca anchor) and an LDevID chain to your ldevid-ca anchor with a second binding signed by
 * the LDevID key.
 */
#include <stdio.h>
#include <string.h>

#include <altroot/brski.h>
#include <altroot/devid.h>

#include "../core/guard.h"
#include "internal.h"

/* Parse a chain of DER spans: certs[0] is the end entity, `rest` the others. */
static altroot_err load_chain(const altroot_span *ders, size_t n, altroot_certs **rest)
{
    TRY(altroot_certs_new(rest));
    for (size_t i = 1; i < n; i++) {
        altroot_cert *cert = NULL;
        altroot_err err = altroot_cert_from_der(ders[i], &cert);
        if (err == ALTROOT_OK)
            err = altroot_certs_push(*rest, cert);
        altroot_cert_free(cert);
        if (err == ALTROOT_E_NOMEM)
            return err; /* a malformed intermediate only fails the chain, reported below */
    }
    return ALTROOT_OK;
}

static altroot_err check_identity(altroot_root_result *r, const altroot_evidence_claims *cl,
                                  const altroot_devid_info *info, const char *where)
{
    bool serial = info->serial != NULL &&
                  altroot_span_equal(cl->serial, (altroot_span){(const uint8_t *)info->serial,
                                                                strlen(info->serial)});
    bool hw = cl->has_hw_type == info->has_hw_module &&
              (!info->has_hw_module ||
               altroot_span_equal(cl->hw_type, (altroot_span){(const uint8_t *)info->hw_type,
                                                              strlen(info->hw_type)}));
    if (serial && hw)
        return ALTROOT_OK;
    return altroot_failures_add(&r->failures, ALTROOT_E_EVIDENCE_IDENTITY, where, "%s",
                                serial ? "binding hardware type differs from the IDevID's"
                                       : "binding serial number differs from the IDevID's");
}

/* Verify one DevID chain and the binding its key signed. */
static altroot_err devid_and_binding(evd_ctx *c, const altroot_span *ders, size_t n,
                                     altroot_devid_kind kind, altroot_span binding,
                                     const altroot_evidence_members *members, const char *where,
                                     altroot_devid_result *res, altroot_evidence_claims *cl,
                                     bool *decoded, altroot_root_result *r)
{
    altroot_certs *rest = NULL;
    altroot_key *key = NULL;
    altroot_err err = load_chain(ders, n, &rest);
    /* Each DevID against its own anchor kind: an IDevID with no devid-ca, or an LDevID with no
     * ldevid-ca, is absent evidence (E_NO_ANCHORS), not tampering. */
    altroot_devid_params p = {
        .cert = ders[0], .chain = rest, .store = c->store, .at = c->at, .expect = kind};
    if (err == ALTROOT_OK)
        err = altroot_devid_verify(&p, res);
    /* The certificate as the verifier parsed it (NULL when it did not parse: no device key). */
    if (err == ALTROOT_OK && res->cert != NULL &&
        altroot_cert_public_key(res->cert, &key) == ALTROOT_E_NOMEM)
        err = ALTROOT_E_NOMEM; /* an unusable key is reported as no device key */
    if (err == ALTROOT_OK)
        err = evd_check_binding(c, binding, members, ALTROOT_EVIDENCE_DEVID, key, where, cl,
                                decoded, &r->failures);
    altroot_key_free(key);
    altroot_certs_free(rest);
    return err;
}

static altroot_err voucher(evd_ctx *c, const altroot_evidence_devid *e, altroot_root_result *r,
                           const altroot_cert *idevid, altroot_voucher_result *vr)
{
    if (idevid == NULL)
        return ALTROOT_OK; /* reported with the IDevID */
    altroot_voucher_params p = {
        .cms = e->voucher,
        .masa_anchors = altroot_trust_store_certs(c->store, ALTROOT_ANCHOR_DEVID_CA),
        .idevid = idevid,
        .at = c->at,
    };
    altroot_err err = altroot_voucher_verify(&p, vr);
    if (err == ALTROOT_OK)
        err = altroot_failures_extend(&r->failures, &vr->failures, "evidence.devid.voucher");
    if (err == ALTROOT_OK && vr->verified)
        err = altroot_facts_add(&r->attested, "owner_domain", vr->owner);
    return err;
}

/* Ownership: an LDevID under your ldevid-ca, bound to this TLS key. A DNS or IP SAN of the
 * LDevID (issued by an anchor you hold) binds the name; the binding's names claims never do. */
static altroot_err ldevid_owned(evd_ctx *c, altroot_root_result *r, const altroot_devid_result *res)
{
    r->ownership = true;
    TRY(altroot_facts_add(&r->owned, "domain", res->info.issuer));
    TRY(altroot_facts_add(&r->owned, "subject", res->info.subject));
    TRY(altroot_facts_add(&r->owned, "meaning",
                          "enrolled in your domain: an LDevID issued under your ldevid-ca"));
    if (res->anchor != NULL)
        TRY(altroot_set_string(&r->anchor, res->anchor));
    if (res->anchor_file != NULL)
        TRY(altroot_set_string(&r->anchor_file, res->anchor_file));
    bool match = false, ip = false;
    ENSURE(res->cert != NULL, ALTROOT_E_INTERNAL); /* verified, so it parsed */
    TRY(evd_san_matches(res->cert, c->host, &match, &ip));
    return match ? evd_bind_name(c->v, ip ? "san-ip" : "san-dns", NULL, "devid") : ALTROOT_OK;
}

static altroot_err ldevid(evd_ctx *c, const altroot_evidence_devid *e, altroot_root_result *r,
                          const altroot_devid_info *id, const altroot_voucher_result *vr)
{
    /* Like a NOC chain under a fabric you do not hold: with no ldevid-ca anchor the LDevID can
     * prove nothing to you, which is no failure of the device (a warning says so). */
    if (altroot_certs_count(altroot_trust_store_certs(c->store, ALTROOT_ANCHOR_LDEVID_CA)) == 0)
        return altroot_strlist_addf(&c->v->warnings,
                                    "The device's LDevID was not checked: you hold no ldevid-ca "
                                    "anchors, so ownership is not proved.");
    altroot_devid_result res;
    altroot_evidence_claims cl;
    bool decoded = false;
    memset(&res, 0, sizeof res);
    size_t before = r->failures.count;
    altroot_err err =
        devid_and_binding(c, e->ldevid, e->ldevid_count, ALTROOT_DEVID_LDEVID, e->ldevid_binding,
                          &e->members, "evidence.devid.ldevid-binding", &res, &cl, &decoded, r);
    if (err == ALTROOT_OK)
        err = altroot_failures_extend(&r->failures, &res.failures, "evidence.devid.ldevid");
    if (err == ALTROOT_OK && decoded)
        err = check_identity(r, &cl, id, "evidence.devid.ldevid-binding");
    bool ok = false;
    if (err == ALTROOT_OK && e->has_voucher && vr->verified && res.cert != NULL)
        err = altroot_voucher_check_ldevid(&vr->voucher, res.cert, NULL, c->at, &ok, &r->failures);
    bool owned = err == ALTROOT_OK && res.verified && r->failures.count == before;
    if (owned)
        err = ldevid_owned(c, r, &res);
    altroot_devid_result_clear(&res);
    return err;
}

static altroot_err idevid(evd_ctx *c, const altroot_evidence_devid *e, altroot_root_result *r,
                          altroot_devid_result *res)
{
    altroot_evidence_claims cl;
    bool decoded = false;
    TRY(devid_and_binding(c, e->idevid, e->idevid_count, ALTROOT_DEVID_IDEVID, e->binding,
                          &e->members, "evidence.devid.binding", res, &cl, &decoded, r));
    /* Attestation facts and the IDevID's own failures, as `altroot verify devid` reports them. */
    TRY(altroot_devid_to_root(res, r));
    if (decoded)
        TRY(check_identity(r, &cl, &res->info, "evidence.devid.binding"));
    return ALTROOT_OK;
}

altroot_err evd_verify_devid(evd_ctx *c, const altroot_evidence_devid *e)
{
    altroot_root_result *r = NULL;
    TRY(altroot_verdict_add_root(c->v, "devid", ALTROOT_MODE_SECONDARY, &r));
    altroot_devid_result res;
    altroot_voucher_result vr;
    memset(&res, 0, sizeof res);
    memset(&vr, 0, sizeof vr);
    altroot_err err = idevid(c, e, r, &res);
    bool id_ok = err == ALTROOT_OK && res.verified && r->failures.count == 0;
    if (err == ALTROOT_OK && e->has_voucher)
        err = voucher(c, e, r, res.cert, &vr);
    if (err == ALTROOT_OK && e->ldevid_count > 0)
        err = ldevid(c, e, r, &res.info, &vr);
    if (err == ALTROOT_OK) {
        r->evidence = r->failures.count == 0 || evd_tampered(r);
        r->status = r->failures.count == 0 ? ALTROOT_ROOT_VERIFIED : ALTROOT_ROOT_FAILED;
        r->attestation = r->attestation && id_ok && r->status == ALTROOT_ROOT_VERIFIED;
        r->ownership = r->ownership && r->status == ALTROOT_ROOT_VERIFIED;
        if (r->attestation)
            err = res.cert != NULL ? evd_set_identity(r, res.cert) : ALTROOT_E_INTERNAL;
        c->devid_idevid_verified = id_ok;
        c->idevid_der = e->idevid[0];
        c->idevid_chain_count = e->idevid_count;
        for (size_t i = 0; i < e->idevid_count; i++)
            c->idevid_chain[i] = e->idevid[i];
    }
    altroot_voucher_result_clear(&vr);
    altroot_devid_result_clear(&res);
    return err;
}
