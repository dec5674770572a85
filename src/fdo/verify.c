/*
 * Ownership voucher verification as a third party can do it (docs/fdo.md, rules B, E, O, M, H):
 * the device chain and its hash, the entry chain from the manufacturer key, the owner and
 * manufacturer anchors, and the header HMAC when the device secret is supplied. Every failure is
 * collected; nothing stops at the first.
 */
#include <stdio.h>
#include <string.h>

#include <altroot/alloc.h>
#include <altroot/cose.h>
#include <altroot/fdo_crypto.h>

#include "../core/guard.h"
#include "fdo_internal.h"
#include "verify_internal.h"

/* FDO 1.1 3.4.6 (quoted in fdo-rs PR #601): "OVDevCertChainHash is the Hash of the
 * concatenation of the contents of each byte string in OwnershipVoucher.OVDevCertChain, in the
 * presented order." go-fdo VerifyCertChainHash: null chain and null hash go together. */
static void check_chain_hash(fdo_run *r)
{
    const altroot_fdo_voucher *v = r->v;
    if (v->device_chain == NULL || !v->has_chain_hash) {
        r->out->chain_hash_ok = v->device_chain == NULL && !v->has_chain_hash;
        if (!r->out->chain_hash_ok)
            fdo_fail(r, ALTROOT_E_FDO_CHAIN_HASH, "OVDevCertChainHash",
                     v->device_chain == NULL ? "OVDevCertChain is null but its hash is not"
                                             : "OVDevCertChainHash is null but the chain is not");
        return;
    }
    altroot_bytes cat = ALTROOT_BYTES_INIT;
    altroot_err e = ALTROOT_OK;
    for (size_t i = 0; e == ALTROOT_OK && i < altroot_certs_count(v->device_chain); i++)
        e = altroot_bytes_append(&cat, altroot_cert_der(altroot_certs_get(v->device_chain, i)).ptr,
                                 altroot_cert_der(altroot_certs_get(v->device_chain, i)).len);
    uint8_t h[FDO_HASH_MAX], h_arr[FDO_HASH_MAX];
    size_t n = 0;
    if (e == ALTROOT_OK)
        e = fdo_hash2(v->chain_hash_type, altroot_bytes_span(&cat), (altroot_span){NULL, 0}, h, &n);
    altroot_bytes_clear(&cat);
    fdo_keep(r, e);
    r->out->chain_hash_ok =
        e == ALTROOT_OK && altroot_span_equal_ct((altroot_span){h, n}, v->chain_hash);
    if (e != ALTROOT_OK || r->out->chain_hash_ok)
        return;
    /* pri-fidoiot 1.0 and fdo-rs before PR #601 hashed the CBOR array instead: still a failure,
     * but say so, since it explains every upstream voucher with this defect. */
    bool array_form = fdo_hash2(v->chain_hash_type, v->chain_raw, (altroot_span){NULL, 0}, h_arr,
                                &n) == ALTROOT_OK &&
                      altroot_span_equal_ct((altroot_span){h_arr, n}, v->chain_hash);
    if (array_form)
        r->out->quirks |= ALTROOT_FDO_QUIRK_CHAIN_HASH_ARRAY;
    fdo_fail(r, ALTROOT_E_FDO_CHAIN_HASH, "OVDevCertChainHash",
             array_form ? "hash over the CBOR array, not the concatenated DER (pre-2024 fdo-rs / "
                          "pri-fidoiot 1.0 defect)"
                        : "does not match the concatenated DER of the device chain");
}

/* Rule B3: cert[i] is signed by cert[i+1] (the order FDO presents: leaf first). */
static void check_device_chain(fdo_run *r)
{
    const altroot_certs *c = r->v->device_chain;
    r->out->device_chain_ok = true;
    for (size_t i = 0; c != NULL && i + 1 < altroot_certs_count(c); i++) {
        altroot_key *k = NULL;
        altroot_err e = altroot_cert_public_key(altroot_certs_get(c, i + 1), &k);
        fdo_keep(r, e);
        if (e != ALTROOT_OK || !altroot_cert_signed_by(altroot_certs_get(c, i), k)) {
            char where[40];
            snprintf(where, sizeof where, "OVDevCertChain[%zu]", i);
            fdo_fail(r, ALTROOT_E_FDO_DEVICE_CHAIN, where, "not signed by the next certificate");
            r->out->device_chain_ok = false;
        }
        altroot_key_free(k);
    }
}

static void check_hmac(fdo_run *r)
{
    const altroot_fdo_voucher *v = r->v;
    if (r->p->hmac_secret.len == 0)
        return;
    r->out->hmac_checked = true;
    uint8_t mac[48];
    altroot_hmac_alg alg =
        v->hmac_type == ALTROOT_FDO_HMAC_SHA256 ? ALTROOT_HMAC_SHA256 : ALTROOT_HMAC_SHA384;
    /* OVHeaderHMac = HMAC[DCHmacSecret, OVHeader]: over the header bytes as received */
    altroot_err e = altroot_hmac(alg, r->p->hmac_secret, v->header, mac, sizeof mac);
    fdo_keep(r, e);
    r->out->hmac_ok =
        e == ALTROOT_OK && altroot_span_equal_ct((altroot_span){mac, v->hmac.len}, v->hmac);
    if (!r->out->hmac_ok)
        fdo_fail(r, ALTROOT_E_FDO_HMAC, "OVHeaderHMac",
                 "does not match HMAC(secret, OVHeader): wrong secret or altered header");
}

static void add_quirk_notes(fdo_run *r)
{
    unsigned q = r->out->quirks;
    if (q & ALTROOT_FDO_QUIRK_X5CHAIN_WRAPPED)
        fdo_note(r, "quirk tolerated: X5CHAIN key written as a bstr around the certificate array "
                    "(fdo-rs style; go-fdo rejects it)");
    if (q & ALTROOT_FDO_QUIRK_COSEKEY_PADDED)
        fdo_note(r, "quirk tolerated: COSE_Key coordinate not exactly the field size (Java "
                    "BigInteger encoding)");
    if (q & ALTROOT_FDO_QUIRK_COSEKEY_NO_KTY)
        fdo_note(r, "quirk tolerated: EC2 COSE_Key without kty (client-sdk / pri-fidoiot)");
    if (q & ALTROOT_FDO_QUIRK_NO_ENTRIES)
        fdo_note(r,
                 "no entries: the manufacturer is the owner, and nothing a third party can check "
                 "binds the header and device chain to the manufacturer (only the device HMAC)");
}

static unsigned collect_quirks(const altroot_fdo_voucher *v)
{
    unsigned q = v->mfr.quirks | (v->entry_count == 0 ? ALTROOT_FDO_QUIRK_NO_ENTRIES : 0);
    for (size_t i = 0; i < v->entry_count; i++)
        q |= v->entries[i].owner.quirks;
    return q;
}

static altroot_err run_checks(fdo_run *r)
{
    altroot_fdo_result *o = r->out;
    if (r->v->entry_count > 0) {
        o->entries = altroot_calloc(r->v->entry_count, sizeof *o->entries);
        ENSURE(o->entries != NULL, ALTROOT_E_NOMEM);
    }
    o->quirks |= collect_quirks(r->v);
    check_chain_hash(r);
    check_device_chain(r);
    fdo_verify_entries(r);
    check_hmac(r);
    fdo_verify_anchors(r);
    add_quirk_notes(r);
    return r->err;
}

/* What a third party may conclude (docs/fdo.md, "Ownership and attestation"). Anyone can write
 * a voucher from a key of their own to yours, so the chain of owners means something only from
 * a start the user trusts: entry 0 signed by an fdo-mfr key (its hash covers the header, E4),
 * or the device's HMAC over the header. The manufacturer key in a header that nobody signed
 * proves nothing; a device chain under fdo-mfr attests on its own. */
static altroot_err decide_roots(altroot_fdo_result *out)
{
    size_t entries = out->voucher != NULL ? out->voucher->entry_count : 0;
    bool header_ok = out->hmac_checked && out->hmac_ok;
    out->mfr_signed = out->mfr_key_trusted && entries > 0;
    out->rooted = out->mfr_signed || header_ok;
    out->ownership = out->verified && out->owner_anchor >= 0 && out->rooted;
    out->attestation = out->verified && ((out->mfr_key_trusted && (entries > 0 || header_ok)) ||
                                         out->device_chain_trusted);
    if (out->verified && out->owner_anchor >= 0 && !out->rooted)
        TRY(altroot_strlist_add(&out->notes,
                                "the final owner is your fdo-owner key, but the voucher starts "
                                "neither at an fdo-mfr key that signed its first entry nor at a "
                                "checked HMAC: anyone can write such a voucher, so it proves no "
                                "ownership"));
    return ALTROOT_OK;
}

altroot_err altroot_fdo_verify(altroot_span data, size_t index, const altroot_fdo_verify_params *p,
                               altroot_fdo_result *out)
{
    ENSURE(p != NULL && out != NULL, ALTROOT_E_ARG);
    memset(out, 0, sizeof *out);
    out->owner_anchor = -1;
    char detail[160];
    altroot_err err = ALTROOT_OK;
    detail[0] = '\0';
    if (p->raw_only && data.len > 0 && !fdo_is_raw_cbor(data)) {
        err = ALTROOT_E_FDO_MALFORMED;
        snprintf(detail, sizeof detail, "not the voucher's CBOR bytes (PEM or other text)");
    } else {
        err = fdo_voucher_decode_ex(data, index, !p->reject_wrapped_x5chain, &out->voucher, detail,
                                    sizeof detail);
    }
    if (err == ALTROOT_E_NOMEM) {
        altroot_fdo_result_clear(out);
        return err;
    }
    if (err != ALTROOT_OK) {
        err = altroot_failures_add(&out->failures, err, "voucher", "%s",
                                   detail[0] != '\0' ? detail : altroot_strerror(err));
    } else {
        out->decoded = true;
        fdo_run r = {p, out, out->voucher, ALTROOT_OK};
        err = run_checks(&r);
    }
    if (err != ALTROOT_OK) {
        altroot_fdo_result_clear(out);
        return err;
    }
    out->verified = out->decoded && out->failures.count == 0;
    err = decide_roots(out);
    if (err != ALTROOT_OK)
        altroot_fdo_result_clear(out);
    return err;
}

void altroot_fdo_result_clear(altroot_fdo_result *r)
{
    if (r == NULL)
        return;
    altroot_fdo_voucher_free(r->voucher);
    altroot_free(r->entries);
    altroot_failures_clear(&r->failures);
    altroot_strlist_clear(&r->notes);
    memset(r, 0, sizeof *r);
    r->owner_anchor = -1;
}
