/*
 * One OVEntry (docs/fdo.md rules P7, E1). CDDL (client-sdk issue #295, go-fdo voucher.go):
 *
 *   OVEntry = CoseSignature            ;; #6.18(COSE_Sign1)
 *   OVEntryPayload = [ OVEHashPrevEntry: Hash, OVEHashHdrInfo: Hash,
 *                      OVEExtra: null / bstr .cbor OVEExtraInfo, OVEPubKey: PublicKey ]
 *   OVEExtraInfo = { * int => bstr }
 */
#include <stdio.h>
#include <string.h>

#include <altroot/cose.h>

#include "../core/guard.h"
#include "fdo_internal.h"

static altroot_err check_extra(const altroot_cbor_item *item, altroot_fdo_entry *e)
{
    altroot_cbor_item map;
    altroot_cbor_iter it;
    ENSURE(altroot_cbor_bstr(item, &e->extra) == ALTROOT_OK, ALTROOT_E_FDO_EXTRA);
    ENSURE(altroot_cbor_unwrap(item, &map) == ALTROOT_OK &&
               altroot_cbor_map(&map, &it) == ALTROOT_OK,
           ALTROOT_E_FDO_EXTRA);
    while (it.left > 0) {
        altroot_cbor_item k, v;
        int64_t key;
        altroot_span val;
        TRY(altroot_cbor_next(&it, &k));
        TRY(altroot_cbor_next(&it, &v));
        ENSURE(altroot_cbor_int(&k, &key) == ALTROOT_OK &&
                   altroot_cbor_bstr(&v, &val) == ALTROOT_OK,
               ALTROOT_E_FDO_EXTRA);
    }
    e->has_extra = true;
    return ALTROOT_OK;
}

static altroot_err decode_payload(altroot_fdo_entry *e, bool allow_wrapped)
{
    altroot_cbor_item p, prev, hdr, extra, key;
    altroot_cbor_iter it;
    TRY(altroot_cbor_decode(e->payload, &p));
    /* a 3-element payload (no OVEExtra) is the FDO 1.0 layout */
    ENSURE(altroot_cbor_array(&p, 4, &it) == ALTROOT_OK, ALTROOT_E_FDO_ENTRY_MALFORMED);
    TRY(altroot_cbor_next(&it, &prev));
    TRY(altroot_cbor_next(&it, &hdr));
    TRY(altroot_cbor_next(&it, &extra));
    TRY(altroot_cbor_next(&it, &key));
    TRY(fdo_hash_decode(&prev, &e->prev_hash_type, &e->prev_hash));
    TRY(fdo_hash_decode(&hdr, &e->hdr_hash_type, &e->hdr_hash));
    if (!altroot_cbor_is_null(&extra))
        TRY(check_extra(&extra, e));
    return fdo_pubkey_decode(&key, allow_wrapped, &e->owner);
}

static const char *stage_name(int stage)
{
    static const char *const names[] = {"COSE_Sign1", "OVEntryPayload"};
    return names[stage];
}

altroot_err fdo_entry_decode(const altroot_cbor_item *item, bool allow_wrapped,
                             altroot_fdo_entry *e)
{
    memset(e, 0, sizeof *e);
    e->raw = item->raw;
    altroot_cose_sign1 s;
    int stage = 0;
    altroot_err err = altroot_cose_sign1_decode(item->raw, &s);
    if (err == ALTROOT_OK) {
        e->tagged = s.tagged;
        e->alg = s.alg;
        e->protected_h = s.protected_h;
        e->payload = s.payload;
        e->signature = s.signature;
        stage = 1;
        err = decode_payload(e, allow_wrapped);
    }
    if (err == ALTROOT_E_NOMEM)
        return err;
    if (err != ALTROOT_OK) {
        snprintf(e->decode_detail, sizeof e->decode_detail, "%s: %s (%s)", stage_name(stage),
                 altroot_strerror(err), altroot_error_name(err));
        /* keep the specific FDO codes; CBOR and COSE shape problems are a malformed entry */
        bool specific = err == ALTROOT_E_FDO_PUBKEY || err == ALTROOT_E_FDO_HASH_ALG ||
                        err == ALTROOT_E_FDO_EXTRA || err == ALTROOT_E_COSE_ALG ||
                        err == ALTROOT_E_COSE_HEADER;
        e->decode_err = specific ? err : ALTROOT_E_FDO_ENTRY_MALFORMED;
        fdo_pubkey_clear(&e->owner);
    }
    return ALTROOT_OK;
}

void fdo_entry_clear(altroot_fdo_entry *e)
{
    if (e != NULL)
        fdo_pubkey_clear(&e->owner);
}
