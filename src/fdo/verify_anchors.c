/*
 * The user's anchors (docs/fdo.md rules O1, M1-M2): the final owner key against fdo-owner
 * (ownership; go-fdo-server VerifyVoucherOwnership, the device's CUPHOwnerPubKey check in TO2),
 * and the manufacturer key or device chain against fdo-mfr (attestation).
 */
#include <stdio.h>
#include <string.h>

#include <altroot/alloc.h>

#include "../core/guard.h"
#include "fdo_internal.h"
#include "verify_internal.h"

static void key_desc(fdo_run *r, const altroot_key *k, char *out, size_t len)
{
    uint8_t h[32];
    char hex[65];
    altroot_err e = altroot_key_spki_sha256(k, h);
    fdo_keep(r, e);
    if (e != ALTROOT_OK) {
        snprintf(out, len, "key");
        return;
    }
    altroot_hex_encode((altroot_span){h, 32}, hex);
    snprintf(out, len, "key spki-sha256:%.16s", hex);
}

/* Equal to a bare key of `kind` (index i) or to the key of a certificate of `kind` (index
 * key_count + i). -1 when none. */
static int find_key(fdo_run *r, altroot_anchor_kind kind, const altroot_key *k, char *desc,
                    size_t len)
{
    const altroot_trust_store *s = r->p->store;
    size_t nk = altroot_trust_store_key_count(s, kind);
    for (size_t i = 0; i < nk; i++) {
        if (altroot_key_equal(k, altroot_trust_store_key(s, kind, i))) {
            key_desc(r, k, desc, len);
            return (int)i;
        }
    }
    const altroot_certs *certs = altroot_trust_store_certs(s, kind);
    for (size_t i = 0; i < altroot_certs_count(certs); i++) {
        altroot_key *ck = NULL;
        altroot_err e = altroot_cert_public_key(altroot_certs_get(certs, i), &ck);
        fdo_keep(r, e);
        bool same = e == ALTROOT_OK && altroot_key_equal(k, ck);
        altroot_key_free(ck);
        if (same) {
            altroot_cert_subject(altroot_certs_get(certs, i), desc, len);
            return (int)(nk + i);
        }
    }
    return -1;
}

static bool has_anchors(const altroot_trust_store *s, altroot_anchor_kind kind)
{
    return s != NULL && (altroot_trust_store_key_count(s, kind) > 0 ||
                         altroot_certs_count(altroot_trust_store_certs(s, kind)) > 0);
}

/* O1: ownership means the final OVEPubKey is a key the user holds. Without this check a
 * truncated voucher (a valid prefix of the chain) still verifies (vector
 * derived/owner_mismatch_truncated in the notes). */
static void check_owner(fdo_run *r)
{
    altroot_fdo_result *o = r->out;
    if (!has_anchors(r->p->store, ALTROOT_ANCHOR_FDO_OWNER))
        return;
    o->owner_checked = true;
    if (o->final_owner == NULL) {
        fdo_fail(r, ALTROOT_E_FDO_OWNER_MISMATCH, "owner",
                 "the final owner key is unknown: an entry could not be decoded");
        return;
    }
    o->owner_anchor = find_key(r, ALTROOT_ANCHOR_FDO_OWNER, o->final_owner, o->owner_anchor_desc,
                               sizeof o->owner_anchor_desc);
    if (o->owner_anchor < 0) {
        char desc[64], detail[128];
        key_desc(r, o->final_owner, desc, sizeof desc);
        snprintf(detail, sizeof detail, "final owner is %s, not an fdo-owner key", desc);
        if (r->p->other_owner_is_note)
            fdo_note(r, detail);
        else
            fdo_fail(r, ALTROOT_E_FDO_OWNER_MISMATCH, "owner", detail);
    }
}

/* Validate `chain` (leaf first) to the certificates of fdo-mfr at the verification time. An
 * intermediate may be the anchor (a manufacturer may hand out its device CA, not its root). */
static bool chain_to_mfr(fdo_run *r, const altroot_certs *chain, char *why, size_t len)
{
    const altroot_certs *anchors = altroot_trust_store_certs(r->p->store, ALTROOT_ANCHOR_FDO_MFR);
    if (chain == NULL || altroot_certs_count(anchors) == 0)
        return false;
    altroot_chain_params cp = {.at = r->p->at, .partial_chain = true};
    altroot_chain_result res = {0};
    altroot_err e = altroot_chain_verify(chain, anchors, &cp, &res);
    fdo_keep(r, e);
    bool ok = e == ALTROOT_OK && res.verified;
    if (!ok && e == ALTROOT_OK && res.failures.count > 0)
        snprintf(why, len, "%s: %s", res.failures.items[0].where ? res.failures.items[0].where : "",
                 res.failures.items[0].detail);
    if (ok && res.anchor_index >= 0)
        altroot_cert_subject(altroot_certs_get(anchors, (size_t)res.anchor_index),
                             r->out->mfr_anchor_desc, sizeof r->out->mfr_anchor_desc);
    altroot_chain_result_clear(&res);
    return ok;
}

static void check_mfr(fdo_run *r)
{
    altroot_fdo_result *o = r->out;
    const altroot_fdo_voucher *v = r->v;
    if (!has_anchors(r->p->store, ALTROOT_ANCHOR_FDO_MFR))
        return;
    o->mfr_checked = true;
    char why_key[200] = "", why_dev[200] = "";
    o->mfr_key_trusted = find_key(r, ALTROOT_ANCHOR_FDO_MFR, v->mfr.key, o->mfr_anchor_desc,
                                  sizeof o->mfr_anchor_desc) >= 0 ||
                         chain_to_mfr(r, v->mfr.chain, why_key, sizeof why_key);
    o->device_chain_trusted = chain_to_mfr(r, v->device_chain, why_dev, sizeof why_dev);
    if (o->mfr_key_trusted || o->device_chain_trusted)
        return;
    char detail[256];
    snprintf(detail, sizeof detail, "OVPubKey is no fdo-mfr key; device chain: %s",
             v->device_chain == NULL ? "null"
             : why_dev[0] != '\0'    ? why_dev
                                     : "no fdo-mfr certificate to validate it against");
    fdo_fail(r, ALTROOT_E_FDO_MFR_UNTRUSTED, "manufacturer", detail);
}

void fdo_verify_anchors(fdo_run *r)
{
    check_owner(r);
    check_mfr(r);
}
