/* Strict CBOR reader over altroot_cursor (see cbor.h for the rules and why not libcbor). */
#include <string.h>

#include "../core/guard.h"
#include "cbor.h"

typedef struct head {
    altroot_cbor_major major;
    uint8_t ai; /* additional information, RFC 8949 3 */
    uint64_t arg;
} head;

/* RFC 8949 3: "The initial byte of each encoded data item contains both information about the
 * major type (the high-order 3 bits) and additional information (the low-order 5 bits)". */
static altroot_err read_head(altroot_cursor *c, head *h)
{
    uint8_t ib = altroot_cursor_u8(c);
    ENSURE(altroot_cursor_ok(c), ALTROOT_E_CBOR_MALFORMED);
    h->major = (altroot_cbor_major)(ib >> 5);
    h->ai = (uint8_t)(ib & 0x1f);
    if (h->ai < 24)
        h->arg = h->ai;
    else if (h->ai == 24)
        h->arg = altroot_cursor_u8(c);
    else if (h->ai == 25)
        h->arg = altroot_cursor_be16(c);
    else if (h->ai == 26)
        h->arg = altroot_cursor_be32(c);
    else if (h->ai == 27)
        h->arg = altroot_cursor_be64(c);
    else if (h->ai == 31 && h->major >= ALTROOT_CBOR_BSTR && h->major <= ALTROOT_CBOR_MAP)
        return ALTROOT_E_CBOR_INDEFINITE;
    else
        return ALTROOT_E_CBOR_MALFORMED; /* 28..30 reserved; 31 break or indefinite elsewhere */
    ENSURE(altroot_cursor_ok(c), ALTROOT_E_CBOR_MALFORMED);
    return ALTROOT_OK;
}

/* RFC 8949 4.2.1: "Preferred serialization MUST be used", i.e. the shortest head. Floats (major
 * 7, ai 25..27) carry a payload, not an argument; RFC 8949 3.3: simple values 0..31 in the
 * two-byte form are not well-formed. */
static altroot_err check_shortest(const head *h)
{
    if (h->major == ALTROOT_CBOR_SIMPLE) {
        ENSURE(h->ai != 24 || h->arg >= 32, ALTROOT_E_CBOR_MALFORMED);
        return ALTROOT_OK;
    }
    bool shortest = h->ai < 24 || (h->ai == 24 && h->arg >= 24) || (h->ai == 25 && h->arg > 0xff) ||
                    (h->ai == 26 && h->arg > 0xffff) || (h->ai == 27 && h->arg > 0xffffffffu);
    ENSURE(shortest, ALTROOT_E_CBOR_NONCANONICAL);
    return ALTROOT_OK;
}

/* One RFC 3629 UTF-8 code point from the cursor: no overlongs, no surrogates, <= 10FFFF. */
static bool utf8_char(altroot_cursor *c)
{
    uint8_t b = altroot_cursor_u8(c);
    size_t n = b < 0x80             ? 0
               : (b & 0xe0) == 0xc0 ? 1
               : (b & 0xf0) == 0xe0 ? 2
               : (b & 0xf8) == 0xf0 ? 3
                                    : 9;
    if (n == 9 || (n == 1 && b < 0xc2))
        return false;
    uint32_t cp = n == 0 ? b : (uint32_t)(b & (0x3f >> n));
    for (size_t k = 0; k < n; k++) {
        uint8_t t = altroot_cursor_u8(c);
        if ((t & 0xc0) != 0x80)
            return false;
        cp = (cp << 6) | (uint32_t)(t & 0x3f);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)))
        return false;
    return altroot_cursor_ok(c) && !(cp >= 0xd800 && cp <= 0xdfff);
}

static altroot_err check_utf8(altroot_span s)
{
    altroot_cursor c;
    altroot_cursor_init(&c, s);
    while (altroot_cursor_remaining(&c) > 0)
        ENSURE(utf8_char(&c), ALTROOT_E_CBOR_UTF8);
    return ALTROOT_OK;
}

static altroot_err read_item(altroot_cursor *c, unsigned depth, altroot_cbor_item *out);

/* Keys are compared by their encoding: with shortest-form heads, equal encodings are equal
 * values for every key type FDO and COSE use (integers and text). */
static altroot_err read_map(altroot_cursor *c, unsigned depth, uint64_t pairs)
{
    altroot_span keys[ALTROOT_CBOR_MAX_MAP_PAIRS];
    ENSURE(pairs <= ALTROOT_CBOR_MAX_MAP_PAIRS, ALTROOT_E_CBOR_LIMIT);
    ENSURE(pairs <= altroot_cursor_remaining(c) / 2, ALTROOT_E_CBOR_MALFORMED);
    for (size_t i = 0; i < pairs; i++) {
        altroot_cbor_item k, v;
        TRY(read_item(c, depth + 1, &k));
        TRY(read_item(c, depth + 1, &v));
        for (size_t j = 0; j < i; j++)
            ENSURE(!altroot_span_equal(keys[j], k.raw), ALTROOT_E_CBOR_DUPLICATE_KEY);
        keys[i] = k.raw;
    }
    return ALTROOT_OK;
}

static altroot_err read_content(altroot_cursor *c, unsigned depth, const head *h,
                                altroot_cbor_item *out)
{
    altroot_cursor start = *c;
    switch (h->major) {
    case ALTROOT_CBOR_BSTR:
    case ALTROOT_CBOR_TSTR:
        ENSURE(h->arg <= altroot_cursor_remaining(c), ALTROOT_E_CBOR_MALFORMED);
        out->content = altroot_cursor_span(c, (size_t)h->arg);
        if (h->major == ALTROOT_CBOR_TSTR)
            TRY(check_utf8(out->content));
        return ALTROOT_OK;
    case ALTROOT_CBOR_ARRAY:
        /* every element takes at least one byte: a count beyond the input is malformed */
        ENSURE(h->arg <= altroot_cursor_remaining(c), ALTROOT_E_CBOR_MALFORMED);
        for (uint64_t i = 0; i < h->arg; i++) {
            altroot_cbor_item child;
            TRY(read_item(c, depth + 1, &child));
        }
        break;
    case ALTROOT_CBOR_MAP:
        TRY(read_map(c, depth, h->arg));
        break;
    case ALTROOT_CBOR_TAG: {
        altroot_cbor_item tagged;
        TRY(read_item(c, depth + 1, &tagged));
        break;
    }
    default:
        return ALTROOT_OK;
    }
    out->content = altroot_cursor_span(&start, c->pos - start.pos);
    return ALTROOT_OK;
}

static altroot_err read_item(altroot_cursor *c, unsigned depth, altroot_cbor_item *out)
{
    ENSURE(depth < ALTROOT_CBOR_MAX_DEPTH, ALTROOT_E_CBOR_LIMIT);
    altroot_cursor start = *c;
    head h;
    TRY(read_head(c, &h));
    TRY(check_shortest(&h));
    memset(out, 0, sizeof *out);
    out->major = h.major;
    out->arg = h.arg;
    out->is_float = h.major == ALTROOT_CBOR_SIMPLE && h.ai >= 25;
    TRY(read_content(c, depth, &h, out));
    out->raw = altroot_cursor_span(&start, c->pos - start.pos);
    ENSURE(altroot_cursor_ok(c) && altroot_cursor_ok(&start), ALTROOT_E_CBOR_MALFORMED);
    return ALTROOT_OK;
}

altroot_err altroot_cbor_decode(altroot_span in, altroot_cbor_item *out)
{
    ENSURE(in.ptr != NULL && in.len > 0, ALTROOT_E_CBOR_MALFORMED);
    altroot_cursor c;
    altroot_cursor_init(&c, in);
    altroot_cbor_item item;
    TRY(read_item(&c, 0, &item));
    ENSURE(altroot_cursor_finish(&c) == ALTROOT_OK, ALTROOT_E_TRAILING_DATA);
    *out = item;
    return ALTROOT_OK;
}

static void iter_open(const altroot_cbor_item *item, uint64_t left, altroot_cbor_iter *it)
{
    altroot_cursor_init(&it->cur, item->content);
    it->left = left;
}

altroot_err altroot_cbor_array(const altroot_cbor_item *item, size_t count, altroot_cbor_iter *it)
{
    ENSURE(item->major == ALTROOT_CBOR_ARRAY, ALTROOT_E_CBOR_TYPE);
    ENSURE(count == SIZE_MAX || item->arg == count, ALTROOT_E_CBOR_TYPE);
    iter_open(item, item->arg, it);
    return ALTROOT_OK;
}

altroot_err altroot_cbor_map(const altroot_cbor_item *item, altroot_cbor_iter *it)
{
    ENSURE(item->major == ALTROOT_CBOR_MAP, ALTROOT_E_CBOR_TYPE);
    iter_open(item, item->arg * 2, it);
    return ALTROOT_OK;
}

/* Children were checked when their container was decoded; they are read again through the
 * cursor, so a view never trusts an offset it did not read. */
altroot_err altroot_cbor_next(altroot_cbor_iter *it, altroot_cbor_item *out)
{
    ENSURE(it->left > 0, ALTROOT_E_CBOR_TYPE);
    it->left--;
    return read_item(&it->cur, 0, out);
}

altroot_err altroot_cbor_uint(const altroot_cbor_item *item, uint64_t *out)
{
    ENSURE(item->major == ALTROOT_CBOR_UINT, ALTROOT_E_CBOR_TYPE);
    *out = item->arg;
    return ALTROOT_OK;
}

altroot_err altroot_cbor_int(const altroot_cbor_item *item, int64_t *out)
{
    ENSURE(item->major == ALTROOT_CBOR_UINT || item->major == ALTROOT_CBOR_NINT,
           ALTROOT_E_CBOR_TYPE);
    ENSURE(item->arg <= (uint64_t)INT64_MAX, ALTROOT_E_CBOR_TYPE);
    /* RFC 8949 3.1: major type 1 encodes -1 - arg */
    *out = item->major == ALTROOT_CBOR_UINT ? (int64_t)item->arg : -1 - (int64_t)item->arg;
    return ALTROOT_OK;
}

altroot_err altroot_cbor_bstr(const altroot_cbor_item *item, altroot_span *out)
{
    ENSURE(item->major == ALTROOT_CBOR_BSTR, ALTROOT_E_CBOR_TYPE);
    *out = item->content;
    return ALTROOT_OK;
}

altroot_err altroot_cbor_tstr(const altroot_cbor_item *item, altroot_span *out)
{
    ENSURE(item->major == ALTROOT_CBOR_TSTR, ALTROOT_E_CBOR_TYPE);
    *out = item->content;
    return ALTROOT_OK;
}

bool altroot_cbor_is_null(const altroot_cbor_item *item)
{
    return item->major == ALTROOT_CBOR_SIMPLE && !item->is_float && item->arg == ALTROOT_CBOR_NULL;
}

altroot_err altroot_cbor_unwrap(const altroot_cbor_item *item, altroot_cbor_item *out)
{
    ENSURE(item->major == ALTROOT_CBOR_BSTR, ALTROOT_E_CBOR_TYPE);
    return altroot_cbor_decode(item->content, out);
}

altroot_err altroot_cbor_map_find(const altroot_cbor_item *map, int64_t key, altroot_cbor_item *out)
{
    altroot_cbor_iter it;
    TRY(altroot_cbor_map(map, &it));
    while (it.left > 0) {
        altroot_cbor_item k, v;
        int64_t kv;
        TRY(altroot_cbor_next(&it, &k));
        TRY(altroot_cbor_next(&it, &v));
        if (altroot_cbor_int(&k, &kv) == ALTROOT_OK && kv == key) {
            *out = v;
            return ALTROOT_OK;
        }
    }
    return ALTROOT_E_NOT_FOUND;
}
