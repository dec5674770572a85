/*
 * Strict decoder of the evidence extension value (docs/evidence.md "CDDL"). Every read goes
 * through the strict CBOR reader (src/encoding/cbor.h), which already rejects indefinite
 * lengths, non-shortest heads, duplicate keys and trailing bytes; this file adds the key order,
 * the schema, and the limits.
 */
#include <stdio.h>
#include <string.h>

#include "../core/guard.h"
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

/* CBOR reader errors are all "malformed" to a caller; the detail keeps the precise name. */
static altroot_err as_format(dec *d, altroot_err code, const char *where)
{
    if (code == ALTROOT_OK)
        return ALTROOT_OK;
    if (d->detail != NULL && d->len > 0)
        snprintf(d->detail, d->len, "%s: %s", where, altroot_error_name(code));
    bool ours = code >= ALTROOT_E_EVIDENCE_FORMAT && code <= ALTROOT_E_EVIDENCE_PRIMARY;
    return ours ? code : ALTROOT_E_EVIDENCE_FORMAT;
}

altroot_err evd_map_open(const altroot_cbor_item *item, evd_map *m)
{
    ENSURE(item->major == ALTROOT_CBOR_MAP, ALTROOT_E_EVIDENCE_FORMAT);
    *m = (evd_map){0};
    return altroot_cbor_map(item, &m->it);
}

/* RFC 8949 4.2.1: bytewise lexicographic order; a shorter encoding that is a prefix sorts first
 * (never the case for two complete integer heads, which differ before either ends). */
static bool key_after(altroot_span prev, altroot_span key)
{
    size_t n = prev.len < key.len ? prev.len : key.len;
    int c = memcmp(prev.ptr, key.ptr, n);
    return c < 0 || (c == 0 && prev.len < key.len);
}

altroot_err evd_map_next(evd_map *m, int64_t *key, altroot_cbor_item *value, bool *done)
{
    *done = m->it.left == 0;
    if (*done)
        return ALTROOT_OK;
    altroot_cbor_item k;
    TRY(altroot_cbor_next(&m->it, &k));
    ENSURE(altroot_cbor_int(&k, key) == ALTROOT_OK, ALTROOT_E_EVIDENCE_FORMAT);
    ENSURE(m->last.len == 0 || key_after(m->last, k.raw), ALTROOT_E_EVIDENCE_NOT_DETERMINISTIC);
    m->last = k.raw;
    return altroot_cbor_next(&m->it, value);
}

static altroot_err get_bstr(const altroot_cbor_item *it, altroot_span *out)
{
    ENSURE(altroot_cbor_bstr(it, out) == ALTROOT_OK && out->len > 0, ALTROOT_E_EVIDENCE_FORMAT);
    return ALTROOT_OK;
}

/* [+ bstr] with between `min` and `max` elements. */
static altroot_err get_bstr_array(const altroot_cbor_item *it, size_t min, size_t max,
                                  altroot_span *out, size_t *count)
{
    ENSURE(it->major == ALTROOT_CBOR_ARRAY && it->arg >= min && it->arg <= max,
           ALTROOT_E_EVIDENCE_FORMAT);
    altroot_cbor_iter ai;
    TRY(altroot_cbor_array(it, SIZE_MAX, &ai));
    *count = (size_t)it->arg;
    for (size_t i = 0; i < *count; i++) {
        altroot_cbor_item e;
        TRY(altroot_cbor_next(&ai, &e));
        TRY(get_bstr(&e, &out[i]));
    }
    return ALTROOT_OK;
}

/* matter = {1 => 1, 2 => [dac, pai], 3 => cd, ? 4 => [noc, ? icac, rcac], 5 => binding,
 * ? 6 => binding}; 6 only with 4. */
static altroot_err matter_field(altroot_evidence_matter *e, int64_t key, altroot_cbor_item *val,
                                unsigned *seen)
{
    altroot_span two[3];
    size_t n = 0;
    switch (key) {
    case 2:
        TRY(get_bstr_array(val, 2, 2, two, &n));
        e->dac = two[0];
        e->pai = two[1];
        break;
    case 3:
        TRY(get_bstr(val, &e->cd));
        break;
    case 4:
        TRY(get_bstr_array(val, 2, 3, two, &n));
        e->has_noc = true;
        e->noc = two[0];
        e->icac = n == 3 ? two[1] : (altroot_span){0};
        e->rcac = two[n - 1];
        break;
    case 5:
        TRY(get_bstr(val, &e->binding));
        break;
    case 6:
        TRY(get_bstr(val, &e->noc_binding));
        e->has_noc_binding = true;
        break;
    default:
        return ALTROOT_E_EVIDENCE_UNKNOWN_KEY;
    }
    *seen |= 1u << key;
    return ALTROOT_OK;
}

static altroot_err fdo_field(altroot_evidence_fdo *e, int64_t key, altroot_cbor_item *val,
                             unsigned *seen)
{
    if (key == 2)
        TRY(get_bstr(val, &e->voucher));
    else if (key == 5)
        TRY(get_bstr(val, &e->binding));
    else
        return ALTROOT_E_EVIDENCE_UNKNOWN_KEY;
    *seen |= 1u << key;
    return ALTROOT_OK;
}

static altroot_err devid_field(altroot_evidence_devid *e, int64_t key, altroot_cbor_item *val,
                               unsigned *seen)
{
    switch (key) {
    case 2:
        TRY(get_bstr_array(val, 1, ALTROOT_EVIDENCE_MAX_CHAIN, e->idevid, &e->idevid_count));
        break;
    case 3:
        TRY(get_bstr(val, &e->voucher));
        e->has_voucher = true;
        break;
    case 4:
        TRY(get_bstr_array(val, 1, ALTROOT_EVIDENCE_MAX_CHAIN, e->ldevid, &e->ldevid_count));
        break;
    case 5:
        TRY(get_bstr(val, &e->binding));
        break;
    case 6:
        TRY(get_bstr(val, &e->ldevid_binding));
        e->has_ldevid_binding = true;
        break;
    default:
        return ALTROOT_E_EVIDENCE_UNKNOWN_KEY;
    }
    *seen |= 1u << key;
    return ALTROOT_OK;
}

static altroot_err mud_field(altroot_evidence_mud *e, int64_t key, altroot_cbor_item *val,
                             unsigned *seen)
{
    if (key == 2)
        TRY(get_bstr(val, &e->file));
    else if (key == 3)
        TRY(get_bstr(val, &e->signature));
    else if (key == 4) {
        ENSURE(altroot_cbor_tstr(val, &e->url) == ALTROOT_OK && e->url.len > 0,
               ALTROOT_E_EVIDENCE_FORMAT);
        e->has_url = true;
    } else
        return ALTROOT_E_EVIDENCE_UNKNOWN_KEY;
    *seen |= 1u << key;
    return ALTROOT_OK;
}

static altroot_err root_field(altroot_evidence *out, uint64_t type, int64_t key,
                              altroot_cbor_item *val, unsigned *seen)
{
    ENSURE(key >= 2 && key <= 6, ALTROOT_E_EVIDENCE_UNKNOWN_KEY);
    switch (type) {
    case ALTROOT_EVIDENCE_MATTER:
        return matter_field(&out->matter, key, val, seen);
    case ALTROOT_EVIDENCE_FDO:
        return fdo_field(&out->fdo, key, val, seen);
    case ALTROOT_EVIDENCE_DEVID:
        return devid_field(&out->devid, key, val, seen);
    default:
        return mud_field(&out->mud, key, val, seen);
    }
}

/* The keys each root requires; a second chain (4) and its binding (6) come together: a NOC or
 * LDevID chain that no binding ties to the TLS key would prove nothing about this device. */
static altroot_err root_complete(uint64_t type, unsigned seen)
{
    static const unsigned required[] = {0, 1u << 2 | 1u << 3 | 1u << 5, 1u << 2 | 1u << 5,
                                        1u << 2 | 1u << 5, 1u << 2 | 1u << 3};
    ENSURE((seen & required[type]) == required[type], ALTROOT_E_EVIDENCE_FORMAT);
    ENSURE(((seen >> 6) & 1u) == ((seen >> 4) & 1u) || type == ALTROOT_EVIDENCE_MUD,
           ALTROOT_E_EVIDENCE_FORMAT);
    return ALTROOT_OK;
}

static bool *present_flag(altroot_evidence *out, uint64_t type)
{
    return type == ALTROOT_EVIDENCE_MATTER  ? &out->matter.present
           : type == ALTROOT_EVIDENCE_FDO   ? &out->fdo.present
           : type == ALTROOT_EVIDENCE_DEVID ? &out->devid.present
                                            : &out->mud.present;
}

static altroot_err parse_root(dec *d, const altroot_cbor_item *item, altroot_evidence *out)
{
    evd_map m;
    altroot_cbor_item val;
    int64_t key = 0;
    uint64_t type = 0;
    bool done = false;
    TRY(as_format(d, evd_map_open(item, &m), "root-evidence"));
    TRY(as_format(d, evd_map_next(&m, &key, &val, &done), "root-evidence"));
    /* Key 1 sorts first, so a root entry starts with its type. */
    if (done || key != EVD_KEY_TYPE || altroot_cbor_uint(&val, &type) != ALTROOT_OK)
        return fail(d, ALTROOT_E_EVIDENCE_FORMAT, "root-evidence type");
    if (type < ALTROOT_EVIDENCE_MATTER || type > ALTROOT_EVIDENCE_MUD)
        return fail(d, ALTROOT_E_EVIDENCE_ROOT_TYPE, "root-evidence type");
    bool *present = present_flag(out, type);
    if (*present)
        return fail(d, ALTROOT_E_EVIDENCE_DUPLICATE_ROOT,
                    evd_root_name((altroot_evidence_root)type));
    *present = true;
    unsigned seen = 0;
    for (;;) {
        TRY(as_format(d, evd_map_next(&m, &key, &val, &done),
                      evd_root_name((altroot_evidence_root)type)));
        if (done)
            break;
        TRY(as_format(d, root_field(out, type, key, &val, &seen),
                      evd_root_name((altroot_evidence_root)type)));
    }
    return as_format(d, root_complete(type, seen), evd_root_name((altroot_evidence_root)type));
}

static altroot_err parse_roots(dec *d, const altroot_cbor_item *item, altroot_evidence *out)
{
    /* "[+ root-evidence], at most one entry per root type" */
    if (item->major != ALTROOT_CBOR_ARRAY || item->arg == 0 || item->arg > 4)
        return fail(d, ALTROOT_E_EVIDENCE_FORMAT, "evidence roots");
    altroot_cbor_iter it;
    TRY(as_format(d, altroot_cbor_array(item, SIZE_MAX, &it), "evidence roots"));
    for (uint64_t i = 0; i < item->arg; i++) {
        altroot_cbor_item e;
        TRY(as_format(d, altroot_cbor_next(&it, &e), "evidence roots"));
        TRY(parse_root(d, &e, out));
    }
    return ALTROOT_OK;
}

static altroot_err parse_top(dec *d, altroot_span value, altroot_evidence *out)
{
    altroot_cbor_item top, val;
    evd_map m;
    int64_t key = 0;
    uint64_t version = 0;
    bool done = false;
    TRY(as_format(d, altroot_cbor_decode(value, &top), "evidence"));
    TRY(as_format(d, evd_map_open(&top, &m), "evidence"));
    TRY(as_format(d, evd_map_next(&m, &key, &val, &done), "evidence"));
    if (done || key != EVD_KEY_VERSION || altroot_cbor_uint(&val, &version) != ALTROOT_OK)
        return fail(d, ALTROOT_E_EVIDENCE_FORMAT, "evidence version");
    if (version != 1)
        return fail(d, ALTROOT_E_EVIDENCE_VERSION, "evidence version");
    TRY(as_format(d, evd_map_next(&m, &key, &val, &done), "evidence"));
    if (done)
        return fail(d, ALTROOT_E_EVIDENCE_FORMAT, "evidence roots missing");
    if (key != EVD_KEY_ROOTS)
        return fail(d, ALTROOT_E_EVIDENCE_UNKNOWN_KEY, "evidence");
    TRY(parse_roots(d, &val, out));
    TRY(as_format(d, evd_map_next(&m, &key, &val, &done), "evidence"));
    if (!done)
        return fail(d, ALTROOT_E_EVIDENCE_UNKNOWN_KEY, "evidence");
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
    altroot_evidence e;
    memset(&e, 0, sizeof e);
    TRY(parse_top(&d, value, &e));
    *out = e;
    return ALTROOT_OK;
}

const char *evd_root_name(altroot_evidence_root root)
{
    switch (root) {
    case ALTROOT_EVIDENCE_MATTER:
        return "matter";
    case ALTROOT_EVIDENCE_FDO:
        return "fdo";
    case ALTROOT_EVIDENCE_DEVID:
        return "devid";
    case ALTROOT_EVIDENCE_MUD:
        return "mud";
    }
    return "evidence";
}
