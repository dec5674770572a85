/*
 * Binding claims (docs/evidence.md "binding-claims"): a CWT claims set (RFC 8392) of the altroot
 * EAT profile (RFC 9711) with a proof-of-possession confirmation by key id (RFC 8747) and the
 * digests of the other members of its root, decoded strictly.
 */
#include <string.h>

#include "../core/guard.h"
#include "internal.h"

/* RFC 8747 3.4: "cnf": { 3 (kid): bstr }. Here the kid is SHA-256 of the TLS SPKI, 32 bytes. */
static altroot_err cnf_decode(const altroot_cbor_item *item, uint8_t kid[32])
{
    evd_map m;
    altroot_cbor_item val;
    altroot_span s;
    int64_t key = 0;
    bool done = false;
    TRY(evd_map_open(item, &m));
    TRY(evd_map_next(&m, &key, &val, &done));
    ENSURE(!done && key == EVD_CNF_KID, ALTROOT_E_EVIDENCE_BINDING_FORMAT);
    ENSURE(altroot_cbor_bstr(&val, &s) == ALTROOT_OK && s.len == 32,
           ALTROOT_E_EVIDENCE_BINDING_FORMAT);
    memcpy(kid, s.ptr, 32);
    TRY(evd_map_next(&m, &key, &val, &done));
    ENSURE(done, ALTROOT_E_EVIDENCE_UNKNOWN_KEY);
    return ALTROOT_OK;
}

/* [+ tstr]: DNS names, IP literals, the operational instance name; 1..253 octets each, printable
 * ASCII (no name a device answers to needs more, and reports print them). */
static altroot_err names_decode(const altroot_cbor_item *item, altroot_evidence_claims *out)
{
    ENSURE(item->major == ALTROOT_CBOR_ARRAY && item->arg >= 1 &&
               item->arg <= ALTROOT_EVIDENCE_MAX_NAMES,
           ALTROOT_E_EVIDENCE_NAMES);
    altroot_cbor_iter it;
    TRY(altroot_cbor_array(item, SIZE_MAX, &it));
    out->name_count = (size_t)item->arg;
    for (size_t i = 0; i < out->name_count; i++) {
        altroot_cbor_item e;
        altroot_span s;
        TRY(altroot_cbor_next(&it, &e));
        ENSURE(altroot_cbor_tstr(&e, &s) == ALTROOT_OK && s.len >= 1 && s.len <= 253,
               ALTROOT_E_EVIDENCE_NAMES);
        for (size_t j = 0; j < s.len; j++)
            ENSURE(s.ptr[j] > 0x20 && s.ptr[j] < 0x7f, ALTROOT_E_EVIDENCE_NAMES);
        out->names[i] = s;
    }
    return ALTROOT_OK;
}

static altroot_err id_uint16(const altroot_cbor_item *v, uint16_t *out)
{
    uint64_t u = 0;
    ENSURE(altroot_cbor_uint(v, &u) == ALTROOT_OK && u <= 0xFFFF,
           ALTROOT_E_EVIDENCE_BINDING_FORMAT);
    *out = (uint16_t)u;
    return ALTROOT_OK;
}

static altroot_err id_field(altroot_evidence_root root, int64_t key, const altroot_cbor_item *v,
                            altroot_evidence_claims *out)
{
    altroot_span s;
    if (root == ALTROOT_EVIDENCE_MATTER && key == 1)
        return id_uint16(v, &out->vid);
    if (root == ALTROOT_EVIDENCE_MATTER && key == 2)
        return id_uint16(v, &out->pid);
    if (root == ALTROOT_EVIDENCE_FDO && key == 1) {
        ENSURE(altroot_cbor_bstr(v, &s) == ALTROOT_OK && s.len == 16,
               ALTROOT_E_EVIDENCE_BINDING_FORMAT);
        memcpy(out->guid, s.ptr, 16);
        return ALTROOT_OK;
    }
    if (root == ALTROOT_EVIDENCE_DEVID && (key == 1 || key == 2)) {
        ENSURE(altroot_cbor_tstr(v, &s) == ALTROOT_OK && s.len > 0 && s.len <= 256,
               ALTROOT_E_EVIDENCE_BINDING_FORMAT);
        out->has_hw_type = out->has_hw_type || key == 2;
        *(key == 1 ? &out->serial : &out->hw_type) = s;
        return ALTROOT_OK;
    }
    return ALTROOT_E_EVIDENCE_UNKNOWN_KEY;
}

/* matter-id = {1: vid, 2: pid}; fdo-id = {1: guid}; devid-id = {1: serial, ? 2: hwType}. */
static altroot_err identity_decode(const altroot_cbor_item *item, altroot_evidence_root root,
                                   altroot_evidence_claims *out)
{
    evd_map m;
    altroot_cbor_item val;
    int64_t key = 0;
    bool done = false;
    unsigned seen = 0;
    TRY(evd_map_open(item, &m));
    for (;;) {
        TRY(evd_map_next(&m, &key, &val, &done));
        if (done)
            break;
        TRY(id_field(root, key, &val, out));
        seen |= 1u << (key & 7);
    }
    unsigned need = root == ALTROOT_EVIDENCE_MATTER ? 6u : 2u;
    ENSURE((seen & need) == need, ALTROOT_E_EVIDENCE_BINDING_FORMAT);
    out->id_type = root;
    return ALTROOT_OK;
}

static altroot_err time_claim(const altroot_cbor_item *v, altroot_time *out)
{
    uint64_t u = 0;
    ENSURE(altroot_cbor_uint(v, &u) == ALTROOT_OK && u <= (uint64_t)INT64_MAX,
           ALTROOT_E_EVIDENCE_BINDING_FORMAT);
    *out = (altroot_time)u;
    return ALTROOT_OK;
}

/* RFC 9711 4.3.2 eat_profile, as an OID (~oid: its content octets): this profile's only. */
static altroot_err profile_decode(const altroot_cbor_item *v)
{
    altroot_span s;
    ENSURE(altroot_cbor_bstr(v, &s) == ALTROOT_OK, ALTROOT_E_EVIDENCE_BINDING_FORMAT);
    ENSURE(altroot_span_equal(s, (altroot_span){EVD_OID_PROFILE, sizeof EVD_OID_PROFILE}),
           ALTROOT_E_EVIDENCE_PROFILE);
    return ALTROOT_OK;
}

/* { + label => bstr .size 32 }: the SHA-256 of each member of the root but the bindings. */
static altroot_err digests_decode(const altroot_cbor_item *item, altroot_evidence_claims *out)
{
    ENSURE(item->major == ALTROOT_CBOR_MAP && item->arg >= 1 &&
               item->arg <= ALTROOT_EVIDENCE_MAX_MEMBERS,
           ALTROOT_E_EVIDENCE_BINDING_FORMAT);
    evd_map m;
    TRY(evd_map_open(item, &m));
    for (size_t i = 0; i < (size_t)item->arg; i++) {
        altroot_cbor_item key, val;
        altroot_span label, d;
        bool done = false;
        TRY(evd_map_next_item(&m, &key, &val, &done));
        ENSURE(!done && altroot_cbor_tstr(&key, &label) == ALTROOT_OK && label.len > 0 &&
                   altroot_cbor_bstr(&val, &d) == ALTROOT_OK && d.len == 32,
               ALTROOT_E_EVIDENCE_BINDING_FORMAT);
        out->digests[i].label = label;
        memcpy(out->digests[i].sha256, d.ptr, 32);
    }
    out->digest_count = (size_t)item->arg;
    return ALTROOT_OK;
}

static altroot_err claim(altroot_evidence_root root, int64_t key, const altroot_cbor_item *v,
                         altroot_evidence_claims *out)
{
    switch (key) {
    case EVD_CLAIM_PROFILE:
        return profile_decode(v);
    case EVD_CLAIM_DIGESTS:
        return digests_decode(v, out);
    case EVD_CLAIM_EXP:
        out->has_exp = true;
        return time_claim(v, &out->exp);
    case EVD_CLAIM_IAT:
        return time_claim(v, &out->iat);
    case EVD_CLAIM_CNF:
        return cnf_decode(v, out->kid);
    case EVD_CLAIM_NAMES:
        return names_decode(v, out);
    case EVD_CLAIM_IDENTITY:
        return identity_decode(v, root, out);
    default:
        return ALTROOT_E_EVIDENCE_UNKNOWN_KEY;
    }
}

static unsigned claim_bit(int64_t key)
{
    return key == EVD_CLAIM_IAT        ? 1u
           : key == EVD_CLAIM_CNF      ? 2u
           : key == EVD_CLAIM_NAMES    ? 4u
           : key == EVD_CLAIM_IDENTITY ? 8u
           : key == EVD_CLAIM_PROFILE  ? 16u
           : key == EVD_CLAIM_DIGESTS  ? 32u
                                       : 0u;
}

altroot_err altroot_evidence_claims_decode(altroot_span payload, altroot_evidence_root root,
                                           altroot_evidence_claims *out)
{
    ENSURE(out != NULL, ALTROOT_E_ARG);
    ENSURE(root != ALTROOT_EVIDENCE_MUD, ALTROOT_E_ARG);
    altroot_evidence_claims c;
    memset(&c, 0, sizeof c);
    altroot_cbor_item top, val;
    evd_map m;
    int64_t key = 0;
    bool done = false;
    unsigned seen = 0;
    altroot_err err = altroot_cbor_decode(payload, &top);
    ENSURE(err == ALTROOT_OK, ALTROOT_E_EVIDENCE_BINDING_FORMAT);
    TRY(evd_map_open(&top, &m));
    for (;;) {
        TRY(evd_map_next(&m, &key, &val, &done));
        if (done)
            break;
        TRY(claim(root, key, &val, &c));
        seen |= claim_bit(key);
    }
    /* iat, cnf, eat_profile, names, identity and digests are required; exp is optional. */
    ENSURE(seen == 63u, ALTROOT_E_EVIDENCE_BINDING_FORMAT);
    *out = c;
    return ALTROOT_OK;
}
