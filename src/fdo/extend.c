/*
 * Extend a voucher to the next owner: a new OVEntry signed by the current owner (the last
 * OVEPubKey, or OVPubKey for an unextended voucher), hashing the bytes as received.
 */
#include <string.h>

#include <altroot/cose.h>
#include <altroot/fdo_crypto.h>

#include "../core/guard.h"
#include "fdo_internal.h"

typedef struct ext {
    const altroot_fdo_voucher *v;
    const altroot_fdo_extend_params *p;
    const altroot_fdo_pubkey *current;
    int64_t next_type;
    int64_t hash_type;
} ext;

static int64_t other_hash(int64_t t)
{
    return t == ALTROOT_FDO_HASH_SHA256 ? ALTROOT_FDO_HASH_SHA384 : ALTROOT_FDO_HASH_SHA256;
}

static altroot_err put_payload(const ext *x, altroot_bytes *out)
{
    const altroot_fdo_voucher *v = x->v;
    uint8_t h[FDO_HASH_MAX];
    size_t n = 0;
    altroot_span prev_a = v->entry_count > 0 ? v->entries[v->entry_count - 1].raw : v->header;
    altroot_span prev_b = v->entry_count > 0 ? (altroot_span){NULL, 0} : v->hmac_raw;
    altroot_span guid = {v->guid, sizeof v->guid};
    altroot_span info = {(const uint8_t *)v->device_info, strlen(v->device_info)};
    TRY(altroot_cbor_put_head(out, ALTROOT_CBOR_ARRAY, 4));
    TRY(fdo_hash2(x->hash_type, prev_a, prev_b, h, &n));
    if (x->p->fault == ALTROOT_FDO_FAULT_PREV_HASH)
        h[0] ^= 0x01;
    TRY(fdo_hash_put(out, x->hash_type, h, n));
    TRY(fdo_hash2(x->hash_type, guid, info, h, &n));
    if (x->p->fault == ALTROOT_FDO_FAULT_HDR_HASH)
        h[n - 1] ^= 0x01;
    TRY(fdo_hash_put(out, x->hash_type, h, n));
    if (x->p->fault == ALTROOT_FDO_FAULT_EXTRA) {
        static const uint8_t not_a_map[] = {0x83, 0x01, 0x02, 0x03};
        TRY(altroot_cbor_put_bstr(out, (altroot_span){not_a_map, sizeof not_a_map}));
    } else if (x->p->extra.len > 0) {
        TRY(altroot_cbor_put_bstr(out, x->p->extra));
    } else {
        TRY(altroot_cbor_put_null(out));
    }
    int64_t enc = x->p->next_enc != 0 ? x->p->next_enc : ALTROOT_FDO_PK_ENC_X509;
    return fdo_pubkey_put(out, x->p->next_owner, x->next_type, enc, x->p->next_owner_chain);
}

static int64_t wrong_alg(int64_t alg)
{
    switch (alg) {
    case ALTROOT_COSE_ES256:
        return ALTROOT_COSE_ES384;
    case ALTROOT_COSE_ES384:
        return ALTROOT_COSE_ES256;
    case ALTROOT_COSE_RS256:
        return ALTROOT_COSE_PS256;
    default:
        return ALTROOT_COSE_RS256;
    }
}

/* COSE_Sign1 by hand rather than altroot_cose_sign1_sign(), so that faults can be injected. */
static altroot_err put_entry(const ext *x, altroot_span payload, altroot_bytes *out)
{
    const altroot_fdo_extend_params *p = x->p;
    int64_t alg = fdo_alg_for(x->current->type, x->current->key);
    int64_t hdr_alg = p->fault == ALTROOT_FDO_FAULT_ALG ? wrong_alg(alg) : alg;
    altroot_sig_alg sa;
    altroot_bytes prot = ALTROOT_BYTES_INIT, tbs = ALTROOT_BYTES_INIT, sig = ALTROOT_BYTES_INIT;
    altroot_err err = ALTROOT_OK;
    TRY_GOTO(altroot_cose_alg_sig(alg, &sa));
    TRY_GOTO(altroot_cbor_put_head(&prot, ALTROOT_CBOR_MAP, 1));
    TRY_GOTO(altroot_cbor_put_int(&prot, 1));
    TRY_GOTO(altroot_cbor_put_int(&prot, hdr_alg));
    TRY_GOTO(altroot_cose_sig_structure(altroot_bytes_span(&prot), (altroot_span){NULL, 0}, payload,
                                        &tbs));
    altroot_sig_format fmt = p->fault == ALTROOT_FDO_FAULT_DER_SIGNATURE ? ALTROOT_SIG_FORMAT_DER
                                                                         : ALTROOT_SIG_FORMAT_RAW;
    err = altroot_sign(p->owner_key, sa, fmt, altroot_bytes_span(&tbs), &sig);
    ENSURE_GOTO(err != ALTROOT_E_KEY_PARSE, ALTROOT_E_FDO_NOT_OWNER);
    TRY_GOTO(err);
    if (p->fault == ALTROOT_FDO_FAULT_SIGNATURE)
        sig.ptr[sig.len - 1] ^= 0x01;
    if (p->fault != ALTROOT_FDO_FAULT_UNTAGGED)
        TRY_GOTO(altroot_cbor_put_head(out, ALTROOT_CBOR_TAG, ALTROOT_COSE_SIGN1_TAG));
    TRY_GOTO(altroot_cbor_put_head(out, ALTROOT_CBOR_ARRAY, 4));
    TRY_GOTO(altroot_cbor_put_bstr(out, altroot_bytes_span(&prot)));
    TRY_GOTO(altroot_cbor_put_head(out, ALTROOT_CBOR_MAP, 0));
    TRY_GOTO(altroot_cbor_put_bstr(out, payload));
    TRY_GOTO(altroot_cbor_put_bstr(out, altroot_bytes_span(&sig)));
out:
    altroot_bytes_clear(&prot);
    altroot_bytes_clear(&tbs);
    altroot_bytes_clear(&sig);
    return err;
}

/* The voucher with its entries copied as received and the new entry appended. */
static altroot_err put_voucher(const ext *x, altroot_span entry, altroot_bytes *out)
{
    const altroot_fdo_voucher *v = x->v;
    TRY(altroot_cbor_put_head(out, ALTROOT_CBOR_ARRAY, 5));
    TRY(altroot_cbor_put_head(out, ALTROOT_CBOR_UINT, v->protver));
    TRY(altroot_cbor_put_bstr(out, v->header));
    TRY(altroot_cbor_put_raw(out, v->hmac_raw));
    TRY(altroot_cbor_put_raw(out, v->chain_raw));
    TRY(altroot_cbor_put_head(out, ALTROOT_CBOR_ARRAY, v->entry_count + 1));
    for (size_t i = 0; i < v->entry_count; i++)
        TRY(altroot_cbor_put_raw(out, v->entries[i].raw));
    return altroot_cbor_put_raw(out, entry);
}

static altroot_err prepare(ext *x)
{
    const altroot_fdo_voucher *v = x->v;
    const altroot_fdo_extend_params *p = x->p;
    ENSURE(v->entry_count < ALTROOT_FDO_MAX_ENTRIES, ALTROOT_E_FDO_LIMIT);
    for (size_t i = 0; i < v->entry_count; i++)
        ENSURE(v->entries[i].decode_err == ALTROOT_OK, ALTROOT_E_FDO_MALFORMED);
    x->current = v->entry_count > 0 ? &v->entries[v->entry_count - 1].owner : &v->mfr;
    ENSURE(altroot_key_equal(p->owner_key, x->current->key), ALTROOT_E_FDO_NOT_OWNER);
    x->next_type = fdo_pk_type_of(p->next_owner, v->mfr.type);
    ENSURE(x->next_type == v->mfr.type || p->allow_type_change, ALTROOT_E_FDO_KEY_TYPE_MISMATCH);
    /* every entry keeps entry 0's hash algorithm (rule E6); the first picks by key strength */
    x->hash_type = v->entry_count > 0 ? v->entries[0].prev_hash_type : fdo_hash_for_key(v->mfr.key);
    if (p->fault == ALTROOT_FDO_FAULT_HASH_ALG)
        x->hash_type = other_hash(x->hash_type);
    return ALTROOT_OK;
}

altroot_err altroot_fdo_voucher_extend(const altroot_fdo_voucher *v,
                                       const altroot_fdo_extend_params *p, altroot_bytes *out)
{
    ENSURE(v != NULL && p != NULL && out != NULL && p->owner_key != NULL && p->next_owner != NULL,
           ALTROOT_E_ARG);
    ext x = {v, p, NULL, 0, 0};
    TRY(prepare(&x));
    altroot_bytes payload = ALTROOT_BYTES_INIT, entry = ALTROOT_BYTES_INIT;
    altroot_err err = ALTROOT_OK;
    TRY_GOTO(put_payload(&x, &payload));
    TRY_GOTO(put_entry(&x, altroot_bytes_span(&payload), &entry));
    TRY_GOTO(put_voucher(&x, altroot_bytes_span(&entry), out));
out:
    altroot_bytes_clear(&payload);
    altroot_bytes_clear(&entry);
    return err;
}
