/*
 * Strict decoder of the id-pe-cmw extension value (docs/evidence.md "ASN.1" and "CDDL"): the DER
 * CMW CHOICE (cbor alternative only), then the CMW collection. Every CBOR read goes through the
 * strict reader (src/encoding/cbor.h), which already rejects indefinite lengths, non-shortest
 * heads, duplicate keys and trailing bytes; this file adds the key order, the schema of
 * schema.c, and the limits.
 */
#include <stdio.h>
#include <string.h>

#include "../core/guard.h"
#include "../encoding/der.h"
#include "internal.h"

typedef struct dec {
    char *detail;
    size_t len;
} dec;

static altroot_err fail(dec *d, altroot_err code, const char *where)
{
    if (d->detail != NULL && d->len > 0)
        snprintf(d->detail, d->len, "%s: %s", where, altroot_error_name(code));
    return code;
}

/* CBOR and DER reader errors are all "malformed" to a caller; the detail keeps the precise
 * name. */
static altroot_err as_format(dec *d, altroot_err code, const char *where)
{
    if (code == ALTROOT_OK)
        return ALTROOT_OK;
    if (d->detail != NULL && d->len > 0)
        snprintf(d->detail, d->len, "%s: %s", where, altroot_error_name(code));
    if (code == ALTROOT_E_NOMEM)
        return ALTROOT_E_NOMEM;
    bool ours = code >= ALTROOT_E_EVIDENCE_FORMAT && code <= ALTROOT_E_EVIDENCE_PROFILE;
    return ours ? code : ALTROOT_E_EVIDENCE_FORMAT;
}

altroot_err evd_map_open(const altroot_cbor_item *item, evd_map *m)
{
    ENSURE(item->major == ALTROOT_CBOR_MAP, ALTROOT_E_EVIDENCE_FORMAT);
    *m = (evd_map){0};
    return altroot_cbor_map(item, &m->it);
}

/* RFC 8949 4.2.1: bytewise lexicographic order; a shorter encoding that is a prefix sorts first
 * (never the case for two complete heads of integers, which differ before either ends). */
static bool key_after(altroot_span prev, altroot_span key)
{
    size_t n = prev.len < key.len ? prev.len : key.len;
    int c = memcmp(prev.ptr, key.ptr, n);
    return c < 0 || (c == 0 && prev.len < key.len);
}

altroot_err evd_map_next_item(evd_map *m, altroot_cbor_item *key, altroot_cbor_item *value,
                              bool *done)
{
    *done = m->it.left == 0;
    if (*done)
        return ALTROOT_OK;
    TRY(altroot_cbor_next(&m->it, key));
    ENSURE(m->last.len == 0 || key_after(m->last, key->raw), ALTROOT_E_EVIDENCE_NOT_DETERMINISTIC);
    m->last = key->raw;
    return altroot_cbor_next(&m->it, value);
}

altroot_err evd_map_next(evd_map *m, int64_t *key, altroot_cbor_item *value, bool *done)
{
    altroot_cbor_item k;
    TRY(evd_map_next_item(m, &k, value, done));
    if (*done)
        return ALTROOT_OK;
    ENSURE(altroot_cbor_int(&k, key) == ALTROOT_OK, ALTROOT_E_EVIDENCE_FORMAT);
    return ALTROOT_OK;
}

/* cbor-record = [type: media-type, value: bytes, ind: uint .bits cm-type]: this profile always
 * carries the indicator, and only as the schema says. */
static altroot_err record(const altroot_cbor_item *item, const evd_spec *s, altroot_span *value,
                          altroot_evidence_member *m)
{
    ENSURE(item->major == ALTROOT_CBOR_ARRAY, ALTROOT_E_EVIDENCE_FORMAT);
    ENSURE(item->arg == 3,
           item->arg == 2 ? ALTROOT_E_EVIDENCE_INDICATOR : ALTROOT_E_EVIDENCE_FORMAT);
    altroot_cbor_iter it;
    altroot_cbor_item type, val, ind;
    uint64_t bits = 0;
    TRY(altroot_cbor_array(item, 3, &it));
    TRY(altroot_cbor_next(&it, &type));
    TRY(altroot_cbor_next(&it, &val));
    TRY(altroot_cbor_next(&it, &ind));
    /* A CoAP Content-Format (uint) is a valid CMW type, but no type this profile allows. */
    ENSURE(altroot_cbor_tstr(&type, &m->media_type) == ALTROOT_OK, ALTROOT_E_EVIDENCE_MEDIA_TYPE);
    ENSURE(m->media_type.len == strlen(s->media_type) &&
               memcmp(m->media_type.ptr, s->media_type, m->media_type.len) == 0,
           ALTROOT_E_EVIDENCE_MEDIA_TYPE);
    ENSURE(altroot_cbor_bstr(&val, value) == ALTROOT_OK && value->len > 0,
           ALTROOT_E_EVIDENCE_FORMAT);
    ENSURE(altroot_cbor_uint(&ind, &bits) == ALTROOT_OK, ALTROOT_E_EVIDENCE_FORMAT);
    ENSURE(bits == s->ind, ALTROOT_E_EVIDENCE_INDICATOR);
    m->ind = (unsigned)bits;
    return ALTROOT_OK;
}

/* A certificate chain: {0: record, 1: record, ...}, leaf first, 1 to 4 certificates. */
static altroot_err chain(const altroot_cbor_item *item, const evd_spec *s, altroot_span *out,
                         size_t *count, altroot_evidence_member *m)
{
    ENSURE(item->major == ALTROOT_CBOR_MAP && item->arg >= 1 &&
               item->arg <= ALTROOT_EVIDENCE_MAX_CHAIN,
           ALTROOT_E_EVIDENCE_FORMAT);
    evd_map map = {0};
    TRY(evd_map_open(item, &map));
    for (size_t i = 0; i < (size_t)item->arg; i++) {
        altroot_cbor_item val = {0};
        int64_t key = -1;
        bool done = false;
        TRY(evd_map_next(&map, &key, &val, &done));
        ENSURE(!done && key == (int64_t)i, ALTROOT_E_EVIDENCE_FORMAT);
        TRY(record(&val, s, &out[i], m));
    }
    *count = (size_t)item->arg;
    m->chain_count = *count;
    return ALTROOT_OK;
}

static altroot_err member(uint8_t *root_struct, const evd_spec *s, const altroot_cbor_item *val,
                          altroot_evidence_member *m)
{
    m->raw = val->raw;
    m->binding = s->binding;
    if (s->chain)
        return chain(val, s, (altroot_span *)(void *)(root_struct + s->offset),
                     (size_t *)(void *)(root_struct + s->count_offset), m);
    return record(val, s, (altroot_span *)(void *)(root_struct + s->offset), m);
}

static bool has(const altroot_evidence_members *ms, const char *label)
{
    for (size_t i = 0; i < ms->count; i++)
        if (ms->item[i].label.len == strlen(label) &&
            memcmp(ms->item[i].label.ptr, label, ms->item[i].label.len) == 0)
            return true;
    return false;
}

/* Required members, and the members that come together: a NOC or LDevID chain that no binding
 * ties to the TLS key would prove nothing about this device; an ICAC only with a NOC. */
static altroot_err complete(const evd_root_spec *r, const altroot_evidence_members *ms)
{
    for (size_t i = 0; i < r->count; i++)
        ENSURE(!r->members[i].required || has(ms, r->members[i].label), ALTROOT_E_EVIDENCE_FORMAT);
    if (r->root == ALTROOT_EVIDENCE_MATTER) {
        bool noc = has(ms, "noc");
        ENSURE(noc == has(ms, "rcac") && noc == has(ms, "noc-binding"), ALTROOT_E_EVIDENCE_FORMAT);
        ENSURE(noc || !has(ms, "icac"), ALTROOT_E_EVIDENCE_FORMAT);
    }
    if (r->root == ALTROOT_EVIDENCE_DEVID)
        ENSURE(has(ms, "ldevid") == has(ms, "ldevid-binding"), ALTROOT_E_EVIDENCE_FORMAT);
    return ALTROOT_OK;
}

/* text/uri-list holding exactly one URI line: printable ASCII without spaces, then CRLF. */
static altroot_err mud_url(altroot_evidence_mud *e)
{
    ENSURE(e->url.len >= 3 && e->url.ptr[e->url.len - 2] == '\r' &&
               e->url.ptr[e->url.len - 1] == '\n',
           ALTROOT_E_EVIDENCE_FORMAT);
    e->url.len -= 2;
    for (size_t i = 0; i < e->url.len; i++)
        ENSURE(e->url.ptr[i] > 0x20 && e->url.ptr[i] < 0x7f, ALTROOT_E_EVIDENCE_FORMAT);
    e->has_url = true;
    return ALTROOT_OK;
}

static void set_flags(altroot_evidence *out, altroot_evidence_root root)
{
    const altroot_evidence_members *ms = NULL;
    switch (root) {
    case ALTROOT_EVIDENCE_MATTER:
        ms = &out->matter.members;
        out->matter.has_noc = has(ms, "noc");
        out->matter.has_noc_binding = has(ms, "noc-binding");
        return;
    case ALTROOT_EVIDENCE_DEVID:
        ms = &out->devid.members;
        out->devid.has_voucher = has(ms, "voucher");
        out->devid.has_ldevid_binding = has(ms, "ldevid-binding");
        return;
    case ALTROOT_EVIDENCE_FDO:
    case ALTROOT_EVIDENCE_MUD:
        return;
    }
}

static void root_slot(altroot_evidence *out, altroot_evidence_root root, uint8_t **base,
                      altroot_evidence_members **ms, bool **present)
{
    switch (root) {
    case ALTROOT_EVIDENCE_MATTER:
        *base = (uint8_t *)&out->matter, *ms = &out->matter.members;
        *present = &out->matter.present;
        return;
    case ALTROOT_EVIDENCE_FDO:
        *base = (uint8_t *)&out->fdo, *ms = &out->fdo.members, *present = &out->fdo.present;
        return;
    case ALTROOT_EVIDENCE_DEVID:
        *base = (uint8_t *)&out->devid, *ms = &out->devid.members, *present = &out->devid.present;
        return;
    case ALTROOT_EVIDENCE_MUD:
        *base = (uint8_t *)&out->mud, *ms = &out->mud.members, *present = &out->mud.present;
        return;
    }
}

/* One root's collection: { + label => record / chain }, labels of its schema only. */
static altroot_err parse_root(dec *d, altroot_evidence_root root, const altroot_cbor_item *item,
                              altroot_evidence *out)
{
    const evd_root_spec *r = evd_root_spec_get(root);
    uint8_t *base = NULL;
    altroot_evidence_members *ms = NULL;
    bool *present = NULL;
    root_slot(out, root, &base, &ms, &present);
    *present = true;
    evd_map m = {0};
    TRY(as_format(d, evd_map_open(item, &m), r->label));
    for (;;) {
        altroot_cbor_item key = {0}, val = {0};
        altroot_span label;
        bool done = false;
        TRY(as_format(d, evd_map_next_item(&m, &key, &val, &done), r->label));
        if (done)
            break;
        if (altroot_cbor_tstr(&key, &label) != ALTROOT_OK)
            return fail(d, ALTROOT_E_EVIDENCE_FORMAT, r->label);
        const evd_spec *s = evd_spec_find(r, label);
        if (s == NULL || ms->count == ALTROOT_EVIDENCE_MAX_MEMBERS)
            return fail(d, ALTROOT_E_EVIDENCE_UNKNOWN_KEY, r->label);
        altroot_evidence_member *mem = &ms->item[ms->count++];
        mem->label = label;
        TRY(as_format(d, member(base, s, &val, mem), s->label));
    }
    TRY(as_format(d, complete(r, ms), r->label));
    if (root == ALTROOT_EVIDENCE_MUD && out->mud.url.len > 0)
        TRY(as_format(d, mud_url(&out->mud), "mud url"));
    set_flags(out, root);
    return ALTROOT_OK;
}

static bool key_is(const altroot_cbor_item *key, const char *s)
{
    altroot_span t;
    return altroot_cbor_tstr(key, &t) == ALTROOT_OK && t.len == strlen(s) &&
           memcmp(t.ptr, s, t.len) == 0;
}

/* "__cmwc_t": the altroot collection type as an RFC 9090 OID (tag 111 over the OID's content
 * octets). Anything else is another kind of collection: not ours to read. */
static altroot_err collection_type(dec *d, const altroot_cbor_item *top)
{
    evd_map m = {0};
    TRY(as_format(d, evd_map_open(top, &m), "collection"));
    for (;;) {
        altroot_cbor_item key = {0}, val = {0}, oid = {0};
        altroot_span bytes;
        bool done = false;
        TRY(as_format(d, evd_map_next_item(&m, &key, &val, &done), "collection"));
        if (done)
            return fail(d, ALTROOT_E_EVIDENCE_VERSION, "collection type missing");
        if (!key_is(&key, EVD_COLLECTION_TYPE_LABEL))
            continue;
        bool ours = val.major == ALTROOT_CBOR_TAG && val.arg == EVD_TAG_OID &&
                    altroot_cbor_decode(val.content, &oid) == ALTROOT_OK &&
                    altroot_cbor_bstr(&oid, &bytes) == ALTROOT_OK &&
                    altroot_span_equal(
                        bytes, (altroot_span){EVD_OID_COLLECTION, sizeof EVD_OID_COLLECTION});
        return ours ? ALTROOT_OK : fail(d, ALTROOT_E_EVIDENCE_VERSION, "collection type");
    }
}

/* cbor-collection = { "__cmwc_t" => oid, + root-label => root collection } */
static altroot_err parse_collection(dec *d, altroot_span cbor, altroot_evidence *out)
{
    altroot_cbor_item top = {0};
    evd_map m = {0};
    size_t roots = 0;
    TRY(as_format(d, altroot_cbor_decode(cbor, &top), "collection"));
    TRY(collection_type(d, &top));
    TRY(as_format(d, evd_map_open(&top, &m), "collection"));
    for (;;) {
        altroot_cbor_item key = {0}, val = {0};
        altroot_span label;
        bool done = false;
        TRY(as_format(d, evd_map_next_item(&m, &key, &val, &done), "collection"));
        if (done)
            break;
        if (key_is(&key, EVD_COLLECTION_TYPE_LABEL))
            continue;
        if (altroot_cbor_tstr(&key, &label) != ALTROOT_OK)
            return fail(d, ALTROOT_E_EVIDENCE_FORMAT, "collection label");
        altroot_evidence_root root = evd_root_by_label(label);
        if (root == 0)
            return fail(d, ALTROOT_E_EVIDENCE_ROOT_TYPE, "collection label");
        TRY(parse_root(d, root, &val, out));
        roots++;
    }
    return roots > 0 ? ALTROOT_OK : fail(d, ALTROOT_E_EVIDENCE_FORMAT, "collection has no root");
}

/* RFC 9999 6.1: CMW ::= CHOICE { json UTF8String, cbor OCTET STRING }. This profile is CBOR. */
static altroot_err unwrap(dec *d, altroot_span value, altroot_span *cbor)
{
    altroot_cursor c;
    altroot_der_elem e;
    altroot_cursor_init(&c, value);
    altroot_err err = altroot_der_read(&c, &e);
    if (err != ALTROOT_OK)
        return as_format(d, err, "CMW");
    if (e.tag != 0x04)
        return fail(d, ALTROOT_E_EVIDENCE_FORMAT,
                    e.tag == 0x0C ? "CMW json alternative" : "CMW is not an OCTET STRING");
    if (altroot_cursor_remaining(&c) != 0)
        return fail(d, ALTROOT_E_EVIDENCE_FORMAT, "CMW followed by other data");
    *cbor = e.value;
    return ALTROOT_OK;
}

altroot_err altroot_evidence_decode(altroot_span value, altroot_evidence *out, char *detail,
                                    size_t detail_len)
{
    dec d = {detail, detail_len};
    if (detail != NULL && detail_len > 0)
        detail[0] = '\0';
    ENSURE(out != NULL && (value.ptr != NULL || value.len == 0), ALTROOT_E_ARG);
    /* docs/evidence.md: "the whole extnValue MUST NOT exceed 16 KiB" */
    if (value.len > ALTROOT_EVIDENCE_MAX)
        return fail(&d, ALTROOT_E_EVIDENCE_TOO_LARGE, "evidence");
    altroot_span cbor = {0};
    TRY(unwrap(&d, value, &cbor));
    altroot_evidence e;
    memset(&e, 0, sizeof e);
    TRY(parse_collection(&d, cbor, &e));
    *out = e;
    return ALTROOT_OK;
}
