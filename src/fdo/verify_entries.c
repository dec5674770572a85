/*
 * The entry chain (docs/fdo.md rules E1-E8), as the device walks it in TO2 (GetOVNextEntry /
 * OVNextEntry) and go-fdo VerifyEntries / fdo-rs iter_entries do:
 *
 *   prevKey  = OVPubKey
 *   prevHash = H(OVHeader bytes || OVHeaderHMac bytes)        (entry 0)
 *            = H(entry[i-1] as received, tag included)      (entry i > 0)
 *   hdrInfo  = H(OVGuid || OVDeviceInfo)
 *   each entry: COSE_Sign1 by prevKey over its payload; payload hashes as above; then
 *   prevKey = OVEPubKey.
 */
#include <stdio.h>
#include <string.h>

#include <altroot/cose.h>

#include "../core/guard.h"
#include "fdo_internal.h"
#include "verify_internal.h"

typedef struct walk {
    const altroot_fdo_pubkey *prev_key;
    altroot_span prev_a, prev_b; /* what entry i's OVEHashPrevEntry covers */
    int64_t hash0;               /* hash type of entry 0 */
    bool ok;
} walk;

static void where_of(char *buf, size_t len, size_t i, const char *field)
{
    snprintf(buf, len, "entry[%zu]%s%s", i, field[0] != '\0' ? "." : "", field);
}

/* E3: the protected alg must be the one the previous owner's key type signs with. */
static bool alg_fits(fdo_run *r, const altroot_fdo_entry *e, const altroot_fdo_pubkey *k, size_t i)
{
    int64_t want = fdo_alg_for(k->type, k->key);
    if (e->alg == want)
        return true;
    char where[48], detail[96];
    where_of(where, sizeof where, i, "alg");
    snprintf(detail, sizeof detail, "%s, but the previous owner's %s key signs with %s",
             altroot_fdo_alg_name(e->alg), altroot_fdo_pk_type_name(k->type),
             altroot_fdo_alg_name(want));
    fdo_fail(r, ALTROOT_E_FDO_ENTRY_ALG, where, detail);
    return false;
}

/* E2: RFC 9052 4.4 signature over the bytes received, by the previous owner's key. */
static bool signature_ok(fdo_run *r, const altroot_fdo_entry *e, const altroot_fdo_pubkey *k,
                         size_t i)
{
    altroot_cose_sign1 s = {.tagged = e->tagged,
                            .raw = e->raw,
                            .protected_h = e->protected_h,
                            .payload = e->payload,
                            .signature = e->signature,
                            .alg = e->alg};
    altroot_err err = altroot_cose_sign1_verify(&s, k->key, (altroot_span){NULL, 0});
    fdo_keep(r, err);
    if (err == ALTROOT_OK)
        return true;
    char where[48];
    where_of(where, sizeof where, i, "signature");
    fdo_fail(r, ALTROOT_E_FDO_ENTRY_SIGNATURE, where,
             i == 0 ? "does not verify with the manufacturer key (OVPubKey)"
                    : "does not verify with the previous entry's OVEPubKey");
    return false;
}

static bool hash_matches(fdo_run *r, int64_t type, altroot_span a, altroot_span b,
                         altroot_span want)
{
    uint8_t h[FDO_HASH_MAX];
    size_t n = 0;
    altroot_err err = fdo_hash2(type, a, b, h, &n);
    fdo_keep(r, err);
    return err == ALTROOT_OK && altroot_span_equal_ct((altroot_span){h, n}, want);
}

/* E4-E6: the hashes, and E6 (go-fdo): every entry uses entry 0's hash algorithm. */
static void check_hashes(fdo_run *r, walk *w, const altroot_fdo_entry *e, size_t i,
                         altroot_fdo_entry_result *er)
{
    const altroot_fdo_voucher *v = r->v;
    char where[48];
    if (e->prev_hash_type != w->hash0 || e->hdr_hash_type != w->hash0) {
        where_of(where, sizeof where, i, "hashtype");
        fdo_fail(r, ALTROOT_E_FDO_HASH_MISMATCH, where, "differs from entry 0's hash algorithm");
        w->ok = false;
    }
    er->prev_hash_ok = hash_matches(r, e->prev_hash_type, w->prev_a, w->prev_b, e->prev_hash);
    if (!er->prev_hash_ok) {
        where_of(where, sizeof where, i, "OVEHashPrevEntry");
        fdo_fail(r, ALTROOT_E_FDO_ENTRY_PREV_HASH, where,
                 i == 0 ? "is not H(OVHeader || OVHeaderHMac)" : "is not H(previous entry)");
    }
    altroot_span guid = {v->guid, sizeof v->guid};
    altroot_span info = {(const uint8_t *)v->device_info, strlen(v->device_info)};
    er->hdr_hash_ok = hash_matches(r, e->hdr_hash_type, guid, info, e->hdr_hash);
    if (!er->hdr_hash_ok) {
        where_of(where, sizeof where, i, "OVEHashHdrInfo");
        fdo_fail(r, ALTROOT_E_FDO_ENTRY_HDR_HASH, where, "is not H(OVGuid || OVDeviceInfo)");
    }
    w->ok = w->ok && er->prev_hash_ok && er->hdr_hash_ok;
}

/* E7: "Each key in the Ownership Voucher must copy the public key type from the manufacturer's
 * key in OVHeader.OVPubKey" (FDO 1.1, quoted in go-fdo ExtendVoucher). */
static void check_key_type(fdo_run *r, walk *w, const altroot_fdo_entry *e, size_t i)
{
    if (e->owner.type == r->v->mfr.type)
        return;
    char where[48], detail[96];
    where_of(where, sizeof where, i, "OVEPubKey");
    snprintf(detail, sizeof detail, "pkType %s, but OVPubKey is %s",
             altroot_fdo_pk_type_name(e->owner.type), altroot_fdo_pk_type_name(r->v->mfr.type));
    fdo_fail(r, ALTROOT_E_FDO_KEY_TYPE_MISMATCH, where, detail);
    w->ok = false;
}

static bool check_entry(fdo_run *r, walk *w, size_t i)
{
    const altroot_fdo_entry *e = &r->v->entries[i];
    altroot_fdo_entry_result *er = &r->out->entries[i];
    char where[48];
    where_of(where, sizeof where, i, "");
    if (e->decode_err != ALTROOT_OK) {
        fdo_fail(r, e->decode_err, where, e->decode_detail);
        return false; /* the next owner's key is unknown: the chain ends here */
    }
    /* E1: FDO 1.1 OVEntry = #6.18(COSE_Sign1); fdo-rs PR #119 and the conformance tools
     * (DecTagRequired) reject untagged entries */
    if (!e->tagged) {
        fdo_fail(r, ALTROOT_E_FDO_ENTRY_UNTAGGED, where, "COSE_Sign1 without tag 18");
        w->ok = false;
    }
    if (i == 0)
        w->hash0 = e->prev_hash_type;
    bool alg_ok = alg_fits(r, e, w->prev_key, i);
    er->signature_ok = alg_ok && signature_ok(r, e, w->prev_key, i);
    check_hashes(r, w, e, i, er);
    check_key_type(r, w, e, i);
    w->ok = w->ok && er->signature_ok;
    w->prev_key = &e->owner;
    w->prev_a = e->raw;
    w->prev_b = (altroot_span){NULL, 0};
    return true;
}

void fdo_verify_entries(fdo_run *r)
{
    const altroot_fdo_voucher *v = r->v;
    walk w = {&v->mfr, v->header, v->hmac_raw, 0, true};
    size_t i = 0;
    while (i < v->entry_count && check_entry(r, &w, i))
        i++;
    bool complete = i == v->entry_count;
    r->out->entries_ok = complete && w.ok;
    /* The final owner is known only when every entry decoded; it is trusted only when the
     * whole chain verified (the caller looks at `verified`). */
    r->out->final_owner = complete ? w.prev_key->key : NULL;
}
