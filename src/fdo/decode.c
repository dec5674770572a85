/*
 * Ownership voucher decoding (FDO 1.1; docs/fdo.md rules P1-P9). The CDDL, as quoted in go-fdo
 * voucher.go and client-sdk msg6x.c:
 *
 *   OwnershipVoucher = [ OVProtVer: protver, OVHeaderTag: bstr .cbor OVHeader,
 *                        OVHeaderHMac: HMac, OVDevCertChain: X5CHAIN / null,
 *                        OVEntryArray: [ * OVEntry ] ]
 *   OVHeader = [ OVHProtVer: protver, OVGuid: Guid, OVRVInfo: RendezvousInfo,
 *                OVDeviceInfo: tstr, OVPubKey: PublicKey, OVDevCertChainHash: Hash / null ]
 */
#include <stdio.h>
#include <string.h>

#include <altroot/alloc.h>
#include <altroot/cose.h>

#include "../core/guard.h"
#include "fdo_internal.h"

typedef struct dec {
    altroot_fdo_voucher *v;
    bool allow_wrapped;
    char *detail;
    size_t detail_len;
} dec;

static altroot_err why(dec *d, altroot_err err, const char *where)
{
    if (err != ALTROOT_OK && d->detail != NULL && d->detail_len > 0)
        snprintf(d->detail, d->detail_len, "%s: %s", where, altroot_strerror(err));
    return err;
}

/* RendezvousDirective = [ + RendezvousInstr ];
 * RendezvousInstr = [ RVVariable: uint, ? RVValue: bstr .cbor any ] */
static altroot_err check_rv_directive(const altroot_cbor_item *dir)
{
    altroot_cbor_iter ins;
    ENSURE(altroot_cbor_array(dir, SIZE_MAX, &ins) == ALTROOT_OK && dir->arg > 0,
           ALTROOT_E_FDO_RVINFO);
    while (ins.left > 0) {
        altroot_cbor_item instr, var, val, inner;
        altroot_cbor_iter parts;
        uint64_t u;
        TRY(altroot_cbor_next(&ins, &instr));
        ENSURE(altroot_cbor_array(&instr, SIZE_MAX, &parts) == ALTROOT_OK &&
                   (instr.arg == 1 || instr.arg == 2),
               ALTROOT_E_FDO_RVINFO);
        TRY(altroot_cbor_next(&parts, &var));
        ENSURE(altroot_cbor_uint(&var, &u) == ALTROOT_OK, ALTROOT_E_FDO_RVINFO);
        if (instr.arg == 2) {
            TRY(altroot_cbor_next(&parts, &val));
            /* 1.1: each value is bstr-wrapped CBOR (1.0 wrote plain values) */
            ENSURE(altroot_cbor_unwrap(&val, &inner) == ALTROOT_OK, ALTROOT_E_FDO_RVINFO);
        }
    }
    return ALTROOT_OK;
}

/* RendezvousInfo = [ + RendezvousDirective ]. go-fdo-server and the conformance tools
 * (HEADER_BAD_RVINFO_EMPTY) reject an empty list. */
static altroot_err check_rvinfo(const altroot_cbor_item *rv, size_t *directives)
{
    altroot_cbor_iter dirs;
    ENSURE(altroot_cbor_array(rv, SIZE_MAX, &dirs) == ALTROOT_OK && rv->arg > 0,
           ALTROOT_E_FDO_RVINFO);
    *directives = (size_t)rv->arg;
    while (dirs.left > 0) {
        altroot_cbor_item dir;
        TRY(altroot_cbor_next(&dirs, &dir));
        TRY(check_rv_directive(&dir));
    }
    return ALTROOT_OK;
}

static altroot_err decode_guid_info(dec *d, altroot_cbor_iter *it)
{
    altroot_cbor_item guid, rv, info;
    altroot_span g, s;
    TRY(altroot_cbor_next(it, &guid));
    /* Guid = bstr .size 16; go-fdo-server rejects the all-zero GUID */
    ENSURE(altroot_cbor_bstr(&guid, &g) == ALTROOT_OK && g.len == 16, ALTROOT_E_FDO_GUID);
    altroot_cursor c;
    altroot_cursor_init(&c, g);
    altroot_cursor_copy(&c, d->v->guid, 16);
    static const uint8_t zero[16];
    ENSURE(memcmp(d->v->guid, zero, 16) != 0, ALTROOT_E_FDO_GUID);
    TRY(altroot_cbor_next(it, &rv));
    d->v->rvinfo = rv.raw;
    TRY(check_rvinfo(&rv, &d->v->rv_directives));
    TRY(altroot_cbor_next(it, &info));
    /* OVDeviceInfo: tstr; empty is HEADER_BAD_DEVICEINFO_EMPTY; a NUL would cut reports */
    ENSURE(altroot_cbor_tstr(&info, &s) == ALTROOT_OK && s.len > 0 && s.len < 1024,
           ALTROOT_E_FDO_DEVICE_INFO);
    ENSURE(memchr(s.ptr, 0, s.len) == NULL, ALTROOT_E_FDO_DEVICE_INFO);
    d->v->device_info = altroot_malloc(s.len + 1);
    ENSURE(d->v->device_info != NULL, ALTROOT_E_NOMEM);
    altroot_cursor_init(&c, s);
    altroot_cursor_copy(&c, d->v->device_info, s.len);
    d->v->device_info[s.len] = '\0';
    return ALTROOT_OK;
}

static altroot_err decode_header(dec *d, const altroot_cbor_item *tag)
{
    altroot_fdo_voucher *v = d->v;
    altroot_cbor_item hdr, pv, pk, ch;
    altroot_cbor_iter it;
    ENSURE(altroot_cbor_bstr(tag, &v->header) == ALTROOT_OK, ALTROOT_E_FDO_MALFORMED);
    TRY(why(d, altroot_cbor_unwrap(tag, &hdr), "OVHeader"));
    ENSURE(altroot_cbor_array(&hdr, 6, &it) == ALTROOT_OK,
           why(d, ALTROOT_E_FDO_MALFORMED, "OVHeader"));
    TRY(altroot_cbor_next(&it, &pv));
    ENSURE(altroot_cbor_uint(&pv, &v->hdr_protver) == ALTROOT_OK,
           why(d, ALTROOT_E_FDO_MALFORMED, "OVHeader.OVHProtVer"));
    /* go-fdo-server: OVProtVer must equal OVHProtVer */
    ENSURE(v->protver == v->hdr_protver, why(d, ALTROOT_E_FDO_PROTVER_MISMATCH, "OVProtVer"));
    ENSURE(v->protver == ALTROOT_FDO_PROTVER_1_1,
           why(d, ALTROOT_E_FDO_UNSUPPORTED_VERSION, "OVProtVer"));
    TRY(why(d, decode_guid_info(d, &it), "OVHeader"));
    TRY(altroot_cbor_next(&it, &pk));
    TRY(why(d, fdo_pubkey_decode(&pk, d->allow_wrapped, &v->mfr), "OVHeader.OVPubKey"));
    TRY(altroot_cbor_next(&it, &ch));
    v->has_chain_hash = !altroot_cbor_is_null(&ch);
    if (v->has_chain_hash)
        TRY(why(d, fdo_hash_decode(&ch, &v->chain_hash_type, &v->chain_hash),
                "OVHeader.OVDevCertChainHash"));
    return ALTROOT_OK;
}

/* HMac = [hmactype, hash]: HMAC-SHA256 (5) with 32 bytes or HMAC-SHA384 (6) with 48. */
static altroot_err decode_hmac(dec *d, const altroot_cbor_item *item)
{
    altroot_cbor_iter it;
    altroot_cbor_item t, h;
    d->v->hmac_raw = item->raw;
    ENSURE(altroot_cbor_array(item, 2, &it) == ALTROOT_OK, ALTROOT_E_FDO_HASH_ALG);
    TRY(altroot_cbor_next(&it, &t));
    TRY(altroot_cbor_next(&it, &h));
    ENSURE(altroot_cbor_int(&t, &d->v->hmac_type) == ALTROOT_OK &&
               altroot_cbor_bstr(&h, &d->v->hmac) == ALTROOT_OK,
           ALTROOT_E_FDO_HASH_ALG);
    size_t want = d->v->hmac_type == ALTROOT_FDO_HMAC_SHA256   ? 32
                  : d->v->hmac_type == ALTROOT_FDO_HMAC_SHA384 ? 48
                                                               : 0;
    ENSURE(want > 0 && d->v->hmac.len == want, ALTROOT_E_FDO_HASH_ALG);
    return ALTROOT_OK;
}

static altroot_err decode_chain(dec *d, const altroot_cbor_item *item)
{
    d->v->chain_raw = item->raw;
    if (altroot_cbor_is_null(item))
        return ALTROOT_OK; /* null only for EPID; the chain-hash rule (B1) checks the pairing */
    /* OVDevCertChain = X5CHAIN, written inline as an array (never bstr-wrapped here) */
    ENSURE(item->major == ALTROOT_CBOR_ARRAY, ALTROOT_E_FDO_DEVICE_CHAIN);
    altroot_err err = altroot_cose_x5chain_decode(item->raw, false, &d->v->device_chain, NULL);
    return err == ALTROOT_OK || err == ALTROOT_E_NOMEM ? err : ALTROOT_E_FDO_DEVICE_CHAIN;
}

static altroot_err decode_entries(dec *d, const altroot_cbor_item *arr)
{
    altroot_cbor_iter it;
    ENSURE(altroot_cbor_array(arr, SIZE_MAX, &it) == ALTROOT_OK, ALTROOT_E_FDO_MALFORMED);
    ENSURE(arr->arg <= ALTROOT_FDO_MAX_ENTRIES, ALTROOT_E_FDO_LIMIT);
    if (arr->arg == 0)
        return ALTROOT_OK;
    d->v->entries = altroot_calloc((size_t)arr->arg, sizeof *d->v->entries);
    ENSURE(d->v->entries != NULL, ALTROOT_E_NOMEM);
    while (it.left > 0) {
        altroot_cbor_item e;
        TRY(altroot_cbor_next(&it, &e));
        altroot_fdo_entry *slot = &d->v->entries[d->v->entry_count++];
        TRY(fdo_entry_decode(&e, d->allow_wrapped, slot));
    }
    return ALTROOT_OK;
}

/* pkType in 1.0 output (COSE alg ids, pri Const.PK_*) or the 1.1 numbers. */
static bool pk_type_known(int64_t t)
{
    return t == -7 || t == -35 || t == -257 || t == -258 || t == 1 || t == 5 || t == 6 || t == 10 ||
           t == 11;
}

/* OVHeader 1.0 = [100, Guid, RVInfo, DeviceInfo, PublicKey, Hash / null] */
static bool header_10(const altroot_cbor_item *hdr)
{
    altroot_cbor_iter it, kit;
    altroot_cbor_item f[6], t;
    uint64_t ver = 0;
    int64_t type = 0;
    altroot_span g;
    if (altroot_cbor_array(hdr, 6, &it) != ALTROOT_OK)
        return false;
    for (size_t i = 0; i < 6; i++)
        if (altroot_cbor_next(&it, &f[i]) != ALTROOT_OK)
            return false;
    return altroot_cbor_uint(&f[0], &ver) == ALTROOT_OK && ver == ALTROOT_FDO_PROTVER_1_0 &&
           altroot_cbor_bstr(&f[1], &g) == ALTROOT_OK && g.len == 16 &&
           f[3].major == ALTROOT_CBOR_TSTR && altroot_cbor_array(&f[4], 3, &kit) == ALTROOT_OK &&
           altroot_cbor_next(&kit, &t) == ALTROOT_OK && altroot_cbor_int(&t, &type) == ALTROOT_OK &&
           pk_type_known(type);
}

/* Every 1.0 entry is a COSE_Sign1 (tagged or not) whose protected header is a bstr; the
 * Feb-2021 pri drafts put a map there and are not 1.0 vouchers at all. */
static bool entries_10(const altroot_cbor_item *arr)
{
    altroot_cbor_iter it, eit;
    altroot_cbor_item e, inner, prot;
    if (altroot_cbor_array(arr, SIZE_MAX, &it) != ALTROOT_OK)
        return false;
    while (it.left > 0) {
        if (altroot_cbor_next(&it, &e) != ALTROOT_OK)
            return false;
        inner = e;
        if (e.major == ALTROOT_CBOR_TAG && altroot_cbor_decode(e.content, &inner) != ALTROOT_OK)
            return false;
        if (altroot_cbor_array(&inner, 4, &eit) != ALTROOT_OK ||
            altroot_cbor_next(&eit, &prot) != ALTROOT_OK || prot.major != ALTROOT_CBOR_BSTR)
            return false;
    }
    return true;
}

/* A 1.0 voucher (pri-fidoiot, client-sdk <= 1.0.2): [OVHeader (inline array of 6 starting with
 * 100), HMac, chain, entries]. Anything else of 4 elements is simply malformed. */
static altroot_err classify_four(dec *d, const altroot_cbor_item *top)
{
    altroot_cbor_iter it;
    altroot_cbor_item hdr, hmac, chain, entries;
    TRY(altroot_cbor_array(top, 4, &it));
    TRY(altroot_cbor_next(&it, &hdr));
    TRY(altroot_cbor_next(&it, &hmac));
    TRY(altroot_cbor_next(&it, &chain));
    TRY(altroot_cbor_next(&it, &entries));
    bool looks_10 = header_10(&hdr) && hmac.major == ALTROOT_CBOR_ARRAY && hmac.arg == 2 &&
                    entries_10(&entries);
    if (looks_10 && d->detail != NULL)
        snprintf(d->detail, d->detail_len,
                 "FDO 1.0 voucher (4-element layout, OVHProtVer 100): unsupported version 1.0");
    return looks_10 ? ALTROOT_E_FDO_UNSUPPORTED_VERSION
                    : why(d, ALTROOT_E_FDO_MALFORMED, "OwnershipVoucher (4 elements, not FDO 1.0)");
}

static altroot_err decode_cbor(dec *d)
{
    altroot_cbor_item top, pv, hdr, hmac, chain, entries;
    altroot_cbor_iter it;
    altroot_fdo_voucher *v = d->v;
    TRY(why(d, altroot_cbor_decode(altroot_bytes_span(&v->bytes), &top), "OwnershipVoucher"));
    ENSURE(top.major == ALTROOT_CBOR_ARRAY, why(d, ALTROOT_E_FDO_MALFORMED, "OwnershipVoucher"));
    if (top.arg == 4)
        return classify_four(d, &top);
    ENSURE(altroot_cbor_array(&top, 5, &it) == ALTROOT_OK,
           why(d, ALTROOT_E_FDO_MALFORMED, "OwnershipVoucher"));
    TRY(altroot_cbor_next(&it, &pv));
    ENSURE(altroot_cbor_uint(&pv, &v->protver) == ALTROOT_OK,
           why(d, ALTROOT_E_FDO_MALFORMED, "OVProtVer"));
    TRY(altroot_cbor_next(&it, &hdr));
    TRY(decode_header(d, &hdr));
    TRY(altroot_cbor_next(&it, &hmac));
    TRY(why(d, decode_hmac(d, &hmac), "OVHeaderHMac"));
    TRY(altroot_cbor_next(&it, &chain));
    TRY(why(d, decode_chain(d, &chain), "OVDevCertChain"));
    TRY(altroot_cbor_next(&it, &entries));
    return why(d, decode_entries(d, &entries), "OVEntryArray");
}

static altroot_err load_bytes(altroot_span data, size_t index, altroot_bytes *out)
{
    ENSURE(data.ptr != NULL && data.len > 0, ALTROOT_E_FDO_NO_VOUCHER);
    ENSURE(data.len <= ALTROOT_FDO_MAX_VOUCHER, ALTROOT_E_FDO_LIMIT);
    if (fdo_is_raw_cbor(data)) {
        ENSURE(index == 0, ALTROOT_E_FDO_NO_VOUCHER);
        return altroot_bytes_append(out, data.ptr, data.len);
    }
    altroot_err err = fdo_pem_voucher(data, index, out);
    return err == ALTROOT_E_NOT_FOUND ? ALTROOT_E_FDO_NO_VOUCHER : err;
}

altroot_err fdo_voucher_decode_ex(altroot_span data, size_t index, bool allow_wrapped,
                                  altroot_fdo_voucher **out, char *detail, size_t detail_len)
{
    ENSURE(out != NULL, ALTROOT_E_ARG);
    if (detail != NULL && detail_len > 0)
        detail[0] = '\0';
    altroot_fdo_voucher *v = altroot_calloc(1, sizeof *v);
    ENSURE(v != NULL, ALTROOT_E_NOMEM);
    dec d = {v, allow_wrapped, detail, detail_len};
    altroot_err err = why(&d, load_bytes(data, index, &v->bytes), "input");
    if (err == ALTROOT_OK)
        err = decode_cbor(&d);
    if (err != ALTROOT_OK) {
        altroot_fdo_voucher_free(v);
        return err;
    }
    *out = v;
    return ALTROOT_OK;
}

altroot_err altroot_fdo_voucher_decode(altroot_span data, size_t index, altroot_fdo_voucher **out,
                                       char *detail, size_t detail_len)
{
    return fdo_voucher_decode_ex(data, index, true, out, detail, detail_len);
}

void altroot_fdo_voucher_free(altroot_fdo_voucher *v)
{
    if (v == NULL)
        return;
    for (size_t i = 0; i < v->entry_count; i++)
        fdo_entry_clear(&v->entries[i]);
    altroot_free(v->entries);
    fdo_pubkey_clear(&v->mfr);
    altroot_certs_free(v->device_chain);
    altroot_free(v->device_info);
    altroot_bytes_clear(&v->bytes);
    altroot_free(v);
}
