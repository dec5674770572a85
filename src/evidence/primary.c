/*
 * Primary integration (one mode per root): the alternative anchor replaces the Web PKI for the
 * connection, and the presented TLS chain is judged by the ecosystem's own profile rules.
 *   - Matter: the NOC chain in X.509 DER form, under your fabric's RCAC; the name is the
 *     operational instance name.
 *   - 802.1AR: an IDevID chain (devid-ca: attestation) or LDevID chain (ldevid-ca: ownership; its
 *     DNS/IP SANs bind the name).
 *   - FDO: a leaf issued by your FDO owner key (fdo-owner: ownership; its SANs bind the name).
 */
#include <stdio.h>
#include <string.h>

#include <altroot/devid.h>
#include <altroot/matter_op.h>

#include "../core/guard.h"
#include "internal.h"

/* The RCAC: the last presented certificate when self-issued, else the matter-fabric anchor whose
 * subject is the last certificate's issuer (a device need not send the root). */
static const altroot_cert *find_rcac(const altroot_certs *chain, const altroot_trust_store *store,
                                     size_t *presented)
{
    size_t n = altroot_certs_count(chain);
    const altroot_cert *last = altroot_certs_get(chain, n - 1);
    *presented = n;
    if (altroot_cert_is_self_issued(last))
        return last;
    const altroot_certs *anchors = altroot_trust_store_certs(store, ALTROOT_ANCHOR_MATTER_FABRIC);
    for (size_t i = 0; i < altroot_certs_count(anchors); i++) {
        const altroot_cert *a = altroot_certs_get(anchors, i);
        if (altroot_span_equal(altroot_cert_subject_der(a), altroot_cert_issuer_der(last))) {
            *presented = n + 1;
            return a;
        }
    }
    return NULL;
}

static altroot_err matter_facts(altroot_root_result *r, const altroot_matter_op_result *o)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%016llX", (unsigned long long)o->fabric_id);
    TRY(altroot_facts_add(&r->owned, "fabric_id", buf));
    snprintf(buf, sizeof buf, "%016llX", (unsigned long long)o->node_id);
    TRY(altroot_facts_add(&r->owned, "node_id", buf));
    snprintf(buf, sizeof buf, "%016llX", (unsigned long long)o->compressed_fabric_id);
    TRY(altroot_facts_add(&r->owned, "compressed_fabric_id", buf));
    return altroot_facts_add(&r->owned, "instance_name", o->instance_name);
}

static altroot_err matter_result(evd_ctx *c, const altroot_matter_op_result *o)
{
    altroot_root_result *r = NULL;
    TRY(altroot_verdict_add_root(c->v, "matter", ALTROOT_MODE_PRIMARY, &r));
    /* As `altroot verify matter-noc`: a sound chain under a fabric you do not administer is not
     * tampering (rule 7 names the missing anchor); a broken one is. */
    r->evidence = o->verified || !o->chain_verified;
    r->ownership = o->verified;
    r->status = o->verified ? ALTROOT_ROOT_VERIFIED : ALTROOT_ROOT_FAILED;
    if (o->verified)
        TRY(matter_facts(r, o));
    if (o->anchor_matched) {
        TRY(altroot_set_string(&r->anchor, o->rcac_subject));
        TRY(altroot_set_string(&r->anchor_file, o->anchor_file));
    }
    TRY(altroot_failures_extend(&r->failures, &o->failures, "tls-chain"));
    if (!o->verified)
        return ALTROOT_OK;
    if (evd_instance_name_matches(c->host, o->instance_name))
        return evd_bind_name(c->v, "operational-instance-name", NULL, "matter");
    return altroot_strlist_addf(&c->v->warnings,
                                "This node of your fabric announces itself as %s; the name you "
                                "asked for is not bound to it.",
                                o->instance_name);
}

/* Applies when the leaf is a Matter operational certificate (it converts in the Matter
 * profile) and the chain is NOC[, ICAC][, RCAC]. */
static altroot_err primary_matter(evd_ctx *c, bool *applied)
{
    const altroot_cert *leaf = altroot_certs_get(c->chain, 0);
    altroot_bytes der = ALTROOT_BYTES_INIT;
    altroot_err err = altroot_matter_op_cert_convert(altroot_cert_der(leaf), &der, NULL);
    altroot_bytes_clear(&der);
    if (err == ALTROOT_E_NOMEM)
        return err;
    size_t total = 0;
    const altroot_cert *rcac = err == ALTROOT_OK ? find_rcac(c->chain, c->store, &total) : NULL;
    if (rcac == NULL || total < 2 || total > 3)
        return ALTROOT_OK;
    *applied = true;
    altroot_matter_op_input in = {
        .noc = altroot_cert_der(leaf),
        .icac = total == 3 ? altroot_cert_der(altroot_certs_get(c->chain, 1)) : (altroot_span){0},
        .rcac = altroot_cert_der(rcac),
        .store = c->store,
        .at = c->at};
    altroot_matter_op_result o;
    TRY(altroot_matter_op_chain_verify(&in, &o));
    err = matter_result(c, &o);
    altroot_matter_op_result_clear(&o);
    return err;
}

/* Applies when the chain reaches a devid-ca or ldevid-ca anchor by signature. */
static altroot_err primary_devid(evd_ctx *c, bool *applied)
{
    /* Without devid-ca or ldevid-ca anchors no chain can reach one (the result would be "not
     * applicable"): skip parsing it again. */
    if (altroot_certs_count(altroot_trust_store_certs(c->store, ALTROOT_ANCHOR_DEVID_CA)) == 0 &&
        altroot_certs_count(altroot_trust_store_certs(c->store, ALTROOT_ANCHOR_LDEVID_CA)) == 0)
        return ALTROOT_OK;
    altroot_certs *rest = NULL;
    TRY(altroot_certs_new(&rest));
    altroot_err err = ALTROOT_OK;
    for (size_t i = 1; err == ALTROOT_OK && i < altroot_certs_count(c->chain); i++)
        err = altroot_certs_push(rest, altroot_certs_get(c->chain, i));
    const altroot_cert *leaf = altroot_certs_get(c->chain, 0);
    altroot_devid_params p = {.parsed = leaf, .chain = rest, .store = c->store, .at = c->at};
    altroot_devid_result res;
    memset(&res, 0, sizeof res);
    if (err == ALTROOT_OK)
        err = altroot_devid_verify(&p, &res);
    altroot_root_result *r = NULL;
    bool applies = err == ALTROOT_OK && res.kind != ALTROOT_DEVID_NONE;
    if (applies) {
        *applied = true;
        err = altroot_verdict_add_root(c->v, "devid", ALTROOT_MODE_PRIMARY, &r);
    }
    if (applies && err == ALTROOT_OK)
        err = altroot_devid_to_root(&res, r);
    if (applies && err == ALTROOT_OK && r->attestation)
        err = evd_set_identity(r, leaf);
    bool match = false, ip = false;
    if (applies && err == ALTROOT_OK && res.verified && res.kind == ALTROOT_DEVID_LDEVID)
        err = evd_san_matches(leaf, c->host, &match, &ip);
    if (match && err == ALTROOT_OK)
        err = evd_bind_name(c->v, ip ? "san-ip" : "san-dns", NULL, "devid");
    altroot_devid_result_clear(&res);
    altroot_certs_free(rest);
    return err;
}

/* The fdo-owner key that signed the leaf: bare keys first, then certificates' keys. */
static altroot_err find_owner(const altroot_trust_store *store, const altroot_cert *leaf,
                              int *index, altroot_key **cert_key)
{
    *index = -1;
    size_t keys = altroot_trust_store_key_count(store, ALTROOT_ANCHOR_FDO_OWNER);
    for (size_t i = 0; i < keys; i++)
        if (altroot_cert_signed_by(leaf,
                                   altroot_trust_store_key(store, ALTROOT_ANCHOR_FDO_OWNER, i))) {
            *index = (int)i;
            return ALTROOT_OK;
        }
    const altroot_certs *certs = altroot_trust_store_certs(store, ALTROOT_ANCHOR_FDO_OWNER);
    for (size_t i = 0; i < altroot_certs_count(certs); i++) {
        altroot_key *k = NULL;
        TRY(altroot_cert_public_key(altroot_certs_get(certs, i), &k));
        if (altroot_cert_signed_by(leaf, k)) {
            *index = (int)(keys + i);
            *cert_key = k;
            return ALTROOT_OK;
        }
        altroot_key_free(k);
    }
    return ALTROOT_OK;
}

/* The leaf's validity is judged with every other primary root's (evd_judge_leaf). */
static altroot_err owner_checks(const altroot_cert *leaf, altroot_root_result *r)
{
    if (altroot_cert_is_ca(leaf))
        TRY(altroot_failures_add(&r->failures, ALTROOT_E_EVIDENCE_PRIMARY, "tls-chain[0]", "%s",
                                 "an owner-issued TLS certificate must not be a CA"));
    return ALTROOT_OK;
}

/* Applies when the leaf's signature verifies with one of your fdo-owner keys. */
static altroot_err primary_fdo(evd_ctx *c, bool *applied)
{
    const altroot_cert *leaf = altroot_certs_get(c->chain, 0);
    altroot_key *cert_key = NULL;
    int index = -1;
    TRY(find_owner(c->store, leaf, &index, &cert_key));
    altroot_key_free(cert_key);
    if (index < 0)
        return ALTROOT_OK;
    *applied = true;
    altroot_root_result *r = NULL;
    TRY(altroot_verdict_add_root(c->v, "fdo", ALTROOT_MODE_PRIMARY, &r));
    TRY(owner_checks(leaf, r));
    char desc[96];
    snprintf(desc, sizeof desc, "fdo-owner anchor #%d", index);
    TRY(altroot_set_string(&r->anchor, desc));
    /* An owner-issued leaf that is a CA is refused but not tampering: rule 7 gives the reason. */
    r->evidence = false;
    r->status = r->failures.count == 0 ? ALTROOT_ROOT_VERIFIED : ALTROOT_ROOT_FAILED;
    r->ownership = r->status == ALTROOT_ROOT_VERIFIED;
    if (!r->ownership)
        return ALTROOT_OK;
    TRY(altroot_facts_add(&r->owned, "owner_key", desc));
    TRY(altroot_facts_add(&r->owned, "meaning",
                          "your FDO owner key issued this TLS certificate: the device was "
                          "onboarded to you"));
    bool match = false, ip = false;
    TRY(evd_san_matches(leaf, c->host, &match, &ip));
    return match ? evd_bind_name(c->v, ip ? "san-ip" : "san-dns", NULL, "fdo") : ALTROOT_OK;
}

altroot_err altroot_primary_evaluate(const altroot_certs *chain, const char *host,
                                     const altroot_trust_store *store, altroot_time at,
                                     altroot_verdict *v, bool *applied)
{
    ENSURE(chain != NULL && store != NULL && v != NULL && applied != NULL, ALTROOT_E_ARG);
    ENSURE(altroot_certs_count(chain) > 0, ALTROOT_E_EMPTY);
    *applied = false;
    evd_ctx c = {.chain = chain, .host = host, .store = store, .at = at, .v = v};
    size_t first = v->root_count;
    TRY(primary_matter(&c, applied));
    TRY(primary_devid(&c, applied));
    TRY(primary_fdo(&c, applied));
    return evd_judge_leaf(chain, at, v, first);
}
