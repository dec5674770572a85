#include <string.h>

#include "tlv.h"

#include "../core/guard.h"

/* Control octet layout (Appendix A): tag control in bits 7..5, element type in bits 4..0. */
#define TAG_CTL_SHIFT 5
#define TYPE_MASK 0x1Fu
#define TYPE_BOOL_FALSE 0x08u
#define TYPE_BOOL_TRUE 0x09u
#define TYPE_FLOAT 0x0Au
#define TYPE_DOUBLE 0x0Bu
#define TYPE_UTF8 0x0Cu
#define TYPE_BYTES 0x10u
#define TYPE_NULL 0x14u
#define TYPE_STRUCT 0x15u
#define TYPE_ARRAY 0x16u
#define TYPE_LIST 0x17u
#define TYPE_END 0x18u

/* ---- UTF-8 ---------------------------------------------------------------------------------- */

/* RFC 3629 section 4: UTF8-2 = %xC2-DF UTF8-tail; UTF8-3 = %xE0 %xA0-BF UTF8-tail /
 * %xE1-EC 2( UTF8-tail ) / %xED %x80-9F UTF8-tail / %xEE-EF 2( UTF8-tail ); UTF8-4 = %xF0 %x90-BF
 * 2( UTF8-tail ) / %xF1-F3 3( UTF8-tail ) / %xF4 %x80-8F 2( UTF8-tail ) */
static size_t utf8_seq_len(const uint8_t *p, size_t left)
{
    uint8_t b = p[0];
    size_t n = b < 0x80                 ? 1
               : b >= 0xC2 && b <= 0xDF ? 2
               : b >= 0xE0 && b <= 0xEF ? 3
               : b >= 0xF0 && b <= 0xF4 ? 4
                                        : 0;
    if (n == 0 || n > left)
        return 0;
    uint8_t lo = 0x80, hi = 0xBF;
    if (b == 0xE0)
        lo = 0xA0;
    else if (b == 0xED)
        hi = 0x9F;
    else if (b == 0xF0)
        lo = 0x90;
    else if (b == 0xF4)
        hi = 0x8F;
    if (n > 1 && (p[1] < lo || p[1] > hi))
        return 0;
    for (size_t i = 2; i < n; i++)
        if (p[i] < 0x80 || p[i] > 0xBF)
            return 0;
    return n;
}

bool altroot_utf8_valid(altroot_span s)
{
    size_t i = 0;
    while (i < s.len) {
        size_t n = utf8_seq_len(s.ptr + i, s.len - i);
        if (n == 0)
            return false;
        i += n;
    }
    return true;
}

/* ---- Reader --------------------------------------------------------------------------------- */

void altroot_tlv_reader_init(altroot_tlv_reader *r, altroot_span in, unsigned flags)
{
    memset(r, 0, sizeof *r);
    altroot_cursor_init(&r->cur, in);
    r->flags = flags;
}

static bool canonical(const altroot_tlv_reader *r)
{
    return (r->flags & ALTROOT_TLV_CANONICAL) != 0;
}

static uint64_t read_le(altroot_cursor *c, size_t width)
{
    switch (width) {
    case 1:
        return altroot_cursor_u8(c);
    case 2:
        return altroot_cursor_le16(c);
    case 4:
        return altroot_cursor_le32(c);
    default:
        return altroot_cursor_le64(c);
    }
}

static size_t min_uint_width(uint64_t v)
{
    return v <= UINT8_MAX ? 1 : v <= UINT16_MAX ? 2 : v <= UINT32_MAX ? 4 : 8;
}

static size_t min_int_width(int64_t v)
{
    return v >= INT8_MIN && v <= INT8_MAX     ? 1
           : v >= INT16_MIN && v <= INT16_MAX ? 2
           : v >= INT32_MIN && v <= INT32_MAX ? 4
                                              : 8;
}

/* Tag control field (A.8): 0 anonymous, 1 context (1 octet), 2/3 common profile (2/4 octets),
 * 4/5 implicit profile (2/4 octets), 6/7 fully qualified (vendor, profile, 2/4-octet number). */
static altroot_err read_tag(altroot_tlv_reader *r, unsigned ctl, altroot_tlv_tag *tag)
{
    static const altroot_tlv_tag_form forms[8] = {
        ALTROOT_TLV_TAG_ANON,   ALTROOT_TLV_TAG_CONTEXT,  ALTROOT_TLV_TAG_COMMON,
        ALTROOT_TLV_TAG_COMMON, ALTROOT_TLV_TAG_IMPLICIT, ALTROOT_TLV_TAG_IMPLICIT,
        ALTROOT_TLV_TAG_FULL,   ALTROOT_TLV_TAG_FULL};
    altroot_cursor *c = &r->cur;
    *tag = (altroot_tlv_tag){forms[ctl & 7u], 0, 0, 0};
    if (ctl == 6 || ctl == 7) {
        tag->vendor = altroot_cursor_le16(c);
        tag->profile = altroot_cursor_le16(c);
    }
    if (ctl == 1)
        tag->number = altroot_cursor_u8(c);
    else if (ctl == 2 || ctl == 4 || ctl == 6)
        tag->number = altroot_cursor_le16(c);
    else if (ctl == 3 || ctl == 5 || ctl == 7)
        tag->number = altroot_cursor_le32(c);
    TRY(c->err);
    bool wide = ctl == 3 || ctl == 5 || ctl == 7;
    ENSURE(!(canonical(r) && wide && tag->number <= UINT16_MAX), ALTROOT_E_MALFORMED);
    return ALTROOT_OK;
}

static altroot_err read_string(altroot_tlv_reader *r, unsigned t, altroot_tlv_elem *e)
{
    e->type = t < TYPE_BYTES ? ALTROOT_TLV_UTF8 : ALTROOT_TLV_BYTES;
    e->width = (uint8_t)(1u << (t & 3u));
    uint64_t len = read_le(&r->cur, e->width);
    TRY(r->cur.err);
    ENSURE(len <= altroot_cursor_remaining(&r->cur), ALTROOT_E_TRUNCATED);
    ENSURE(!(canonical(r) && min_uint_width(len) != e->width), ALTROOT_E_MALFORMED);
    e->str = altroot_cursor_span(&r->cur, (size_t)len);
    TRY(r->cur.err);
    ENSURE(e->type != ALTROOT_TLV_UTF8 || altroot_utf8_valid(e->str), ALTROOT_E_MALFORMED);
    return ALTROOT_OK;
}

static altroot_err read_number(altroot_tlv_reader *r, unsigned t, altroot_tlv_elem *e)
{
    e->width = (uint8_t)(1u << (t & 3u));
    uint64_t raw = read_le(&r->cur, e->width);
    TRY(r->cur.err);
    if (t >= 4) {
        e->type = ALTROOT_TLV_UINT;
        e->u = raw;
        ENSURE(!(canonical(r) && min_uint_width(raw) != e->width), ALTROOT_E_MALFORMED);
        return ALTROOT_OK;
    }
    /* Sign-extend the two's complement value from its width. */
    unsigned bits = 8u * e->width;
    uint64_t sign = (uint64_t)1 << (bits - 1);
    uint64_t ext = bits == 64 ? raw : (raw ^ sign) - sign;
    e->type = ALTROOT_TLV_INT;
    memcpy(&e->i, &ext, sizeof e->i);
    ENSURE(!(canonical(r) && min_int_width(e->i) != e->width), ALTROOT_E_MALFORMED);
    return ALTROOT_OK;
}

/* Element type field (A.7): 0x00-0x03 signed, 0x04-0x07 unsigned, 0x08/0x09 false/true, 0x0A
 * float, 0x0B double, 0x0C-0x0F UTF-8 string, 0x10-0x13 octet string (1/2/4/8-octet length),
 * 0x14 null, 0x15 structure, 0x16 array, 0x17 list, 0x18 end of container; 0x19-0x1F reserved. */
static altroot_err read_value(altroot_tlv_reader *r, unsigned t, altroot_tlv_elem *e)
{
    static const altroot_tlv_type simple[] = {[TYPE_NULL - TYPE_NULL] = ALTROOT_TLV_NULL,
                                              [TYPE_STRUCT - TYPE_NULL] = ALTROOT_TLV_STRUCT,
                                              [TYPE_ARRAY - TYPE_NULL] = ALTROOT_TLV_ARRAY,
                                              [TYPE_LIST - TYPE_NULL] = ALTROOT_TLV_LIST,
                                              [TYPE_END - TYPE_NULL] = ALTROOT_TLV_END};
    if (t <= 0x07)
        return read_number(r, t, e);
    if (t == TYPE_BOOL_FALSE || t == TYPE_BOOL_TRUE) {
        e->type = ALTROOT_TLV_BOOL;
        e->b = t == TYPE_BOOL_TRUE;
        return ALTROOT_OK;
    }
    if (t == TYPE_FLOAT || t == TYPE_DOUBLE) {
        e->type = t == TYPE_FLOAT ? ALTROOT_TLV_FLOAT : ALTROOT_TLV_DOUBLE;
        e->width = t == TYPE_FLOAT ? 4 : 8;
        e->u = read_le(&r->cur, e->width);
        return r->cur.err;
    }
    if (t < TYPE_NULL)
        return read_string(r, t, e);
    ENSURE(t <= TYPE_END, ALTROOT_E_MALFORMED);
    e->type = simple[t - TYPE_NULL];
    return ALTROOT_OK;
}

/* Rank of a tag in the canonical order: context < common/fully-qualified < implicit. */
static int tag_cmp(const altroot_tlv_tag *a, const altroot_tlv_tag *b)
{
    static const int rank[] = {[ALTROOT_TLV_TAG_ANON] = 0,
                               [ALTROOT_TLV_TAG_CONTEXT] = 1,
                               [ALTROOT_TLV_TAG_COMMON] = 2,
                               [ALTROOT_TLV_TAG_FULL] = 2,
                               [ALTROOT_TLV_TAG_IMPLICIT] = 3};
    uint64_t ka = (uint64_t)a->vendor << 48 | (uint64_t)a->profile << 32 | a->number;
    uint64_t kb = (uint64_t)b->vendor << 48 | (uint64_t)b->profile << 32 | b->number;
    if (rank[a->form] != rank[b->form])
        return rank[a->form] < rank[b->form] ? -1 : 1;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
}

static altroot_err check_struct_member(altroot_tlv_reader *r, altroot_tlv_frame *f,
                                       const altroot_tlv_elem *e)
{
    /* Structure members carry tags, unique within the structure. */
    ENSURE(e->tag.form != ALTROOT_TLV_TAG_ANON, ALTROOT_E_MALFORMED);
    if (e->tag.form == ALTROOT_TLV_TAG_CONTEXT) {
        uint8_t bit = (uint8_t)(1u << (e->tag.number & 7u));
        ENSURE((f->ctx_seen[e->tag.number >> 3] & bit) == 0, ALTROOT_E_MALFORMED);
        f->ctx_seen[e->tag.number >> 3] |= bit;
    }
    ENSURE(!(canonical(r) && f->has_prev && tag_cmp(&f->prev, &e->tag) >= 0), ALTROOT_E_MALFORMED);
    return ALTROOT_OK;
}

static altroot_err check_placement(altroot_tlv_reader *r, const altroot_tlv_elem *e)
{
    if (r->depth == 0) {
        ENSURE(e->type != ALTROOT_TLV_END, ALTROOT_E_MALFORMED);
        ENSURE(e->tag.form != ALTROOT_TLV_TAG_CONTEXT, ALTROOT_E_MALFORMED);
        return ALTROOT_OK;
    }
    altroot_tlv_frame *f = &r->stack[r->depth - 1];
    if (e->type == ALTROOT_TLV_END)
        return ALTROOT_OK;
    if (f->type == ALTROOT_TLV_ARRAY)
        ENSURE(e->tag.form == ALTROOT_TLV_TAG_ANON, ALTROOT_E_MALFORMED);
    else if (f->type == ALTROOT_TLV_STRUCT)
        TRY(check_struct_member(r, f, e));
    f->has_prev = true;
    f->prev = e->tag;
    return ALTROOT_OK;
}

static altroot_err update_depth(altroot_tlv_reader *r, const altroot_tlv_elem *e)
{
    if (e->type == ALTROOT_TLV_END) {
        r->depth--;
    } else if (e->type == ALTROOT_TLV_STRUCT || e->type == ALTROOT_TLV_ARRAY ||
               e->type == ALTROOT_TLV_LIST) {
        ENSURE(r->depth < ALTROOT_TLV_MAX_DEPTH, ALTROOT_E_TOO_LARGE);
        memset(&r->stack[r->depth], 0, sizeof r->stack[r->depth]);
        r->stack[r->depth].type = e->type;
        r->depth++;
    }
    r->done = r->depth == 0;
    return ALTROOT_OK;
}

static altroot_err next_element(altroot_tlv_reader *r, altroot_tlv_elem *e)
{
    if (r->done)
        return altroot_cursor_remaining(&r->cur) > 0 ? ALTROOT_E_TRAILING_DATA
                                                     : ALTROOT_E_TRUNCATED;
    uint8_t control = altroot_cursor_u8(&r->cur);
    TRY(r->cur.err);
    unsigned ctl = control >> TAG_CTL_SHIFT;
    unsigned t = control & TYPE_MASK;
    /* The end-of-container marker is always encoded without a tag. */
    ENSURE(t != TYPE_END || ctl == 0, ALTROOT_E_MALFORMED);
    TRY(read_tag(r, ctl, &e->tag));
    TRY(read_value(r, t, e));
    TRY(check_placement(r, e));
    return update_depth(r, e);
}

altroot_err altroot_tlv_next(altroot_tlv_reader *r, altroot_tlv_elem *out)
{
    ENSURE(r != NULL && out != NULL, ALTROOT_E_INTERNAL);
    TRY(r->err);
    altroot_tlv_elem e;
    memset(&e, 0, sizeof e);
    r->err = next_element(r, &e);
    if (r->err == ALTROOT_OK)
        *out = e;
    return r->err;
}

altroot_err altroot_tlv_peek(const altroot_tlv_reader *r, altroot_tlv_elem *out)
{
    ENSURE(r != NULL, ALTROOT_E_INTERNAL);
    altroot_tlv_reader copy = *r;
    return altroot_tlv_next(&copy, out);
}

altroot_err altroot_tlv_expect(altroot_tlv_reader *r, int ctx, altroot_tlv_type type,
                               altroot_tlv_elem *out)
{
    altroot_tlv_elem e;
    TRY(altroot_tlv_next(r, &e));
    bool tag_ok = ctx < 0 ? e.tag.form == ALTROOT_TLV_TAG_ANON
                          : e.tag.form == ALTROOT_TLV_TAG_CONTEXT && e.tag.number == (uint32_t)ctx;
    if (!tag_ok || e.type != type) {
        r->err = ALTROOT_E_MALFORMED;
        return r->err;
    }
    *out = e;
    return ALTROOT_OK;
}

altroot_err altroot_tlv_expect_end(altroot_tlv_reader *r)
{
    altroot_tlv_elem e;
    TRY(altroot_tlv_next(r, &e));
    if (e.type != ALTROOT_TLV_END)
        r->err = ALTROOT_E_MALFORMED;
    return r->err;
}

altroot_err altroot_tlv_skip(altroot_tlv_reader *r, const altroot_tlv_elem *e)
{
    ENSURE(r != NULL && e != NULL, ALTROOT_E_INTERNAL);
    if (e->type != ALTROOT_TLV_STRUCT && e->type != ALTROOT_TLV_ARRAY &&
        e->type != ALTROOT_TLV_LIST)
        return ALTROOT_OK;
    ENSURE(r->depth > 0, ALTROOT_E_INTERNAL);
    size_t target = r->depth - 1;
    /* Terminates: every call consumes at least one octet or fails. */
    while (r->depth > target) {
        altroot_tlv_elem tmp;
        TRY(altroot_tlv_next(r, &tmp));
    }
    return ALTROOT_OK;
}

altroot_err altroot_tlv_finish(altroot_tlv_reader *r)
{
    ENSURE(r != NULL, ALTROOT_E_INTERNAL);
    TRY(r->err);
    if (!r->done)
        r->err = ALTROOT_E_TRUNCATED;
    else
        r->err = altroot_cursor_finish(&r->cur);
    return r->err;
}

altroot_err altroot_tlv_get_uint(const altroot_tlv_elem *e, uint64_t max, uint64_t *out)
{
    ENSURE(e != NULL && out != NULL, ALTROOT_E_INTERNAL);
    ENSURE(e->type == ALTROOT_TLV_UINT && e->u <= max, ALTROOT_E_MALFORMED);
    *out = e->u;
    return ALTROOT_OK;
}

/* ---- Writer --------------------------------------------------------------------------------- */

void altroot_tlv_writer_init(altroot_tlv_writer *w, altroot_bytes *out)
{
    memset(w, 0, sizeof *w);
    w->out = out;
    w->err = out == NULL ? ALTROOT_E_INTERNAL : ALTROOT_OK;
}

static void put_le(altroot_tlv_writer *w, uint64_t v, size_t width)
{
    for (size_t i = 0; i < width && w->err == ALTROOT_OK; i++)
        w->err = altroot_bytes_append_u8(w->out, (uint8_t)(v >> (8 * i)));
}

/* The tag form must suit the container it goes into, as the reader requires. */
static bool tag_allowed(const altroot_tlv_writer *w, altroot_tlv_tag tag)
{
    if (w->done)
        return false;
    if (w->depth == 0)
        return tag.form != ALTROOT_TLV_TAG_CONTEXT;
    altroot_tlv_type parent = w->stack[w->depth - 1];
    if (parent == ALTROOT_TLV_ARRAY)
        return tag.form == ALTROOT_TLV_TAG_ANON;
    if (parent == ALTROOT_TLV_STRUCT)
        return tag.form != ALTROOT_TLV_TAG_ANON;
    return true;
}

/* Control octet and tag in their shortest form. */
static void put_head(altroot_tlv_writer *w, altroot_tlv_tag tag, unsigned type)
{
    if (w->err != ALTROOT_OK)
        return;
    if (!tag_allowed(w, tag) || (tag.form == ALTROOT_TLV_TAG_CONTEXT && tag.number > 0xFF)) {
        w->err = ALTROOT_E_INTERNAL;
        return;
    }
    bool wide = tag.number > UINT16_MAX;
    unsigned ctl = 0;
    switch (tag.form) {
    case ALTROOT_TLV_TAG_ANON:
        break;
    case ALTROOT_TLV_TAG_CONTEXT:
        ctl = 1;
        break;
    case ALTROOT_TLV_TAG_COMMON:
        ctl = wide ? 3 : 2;
        break;
    case ALTROOT_TLV_TAG_IMPLICIT:
        ctl = wide ? 5 : 4;
        break;
    case ALTROOT_TLV_TAG_FULL:
        ctl = wide ? 7 : 6;
        break;
    }
    w->err = altroot_bytes_append_u8(w->out, (uint8_t)(ctl << TAG_CTL_SHIFT | type));
    if (ctl >= 6) {
        put_le(w, tag.vendor, 2);
        put_le(w, tag.profile, 2);
    }
    put_le(w, tag.number, ctl == 0 ? 0 : ctl == 1 ? 1 : wide ? 4 : 2);
    if (w->depth == 0 && type != TYPE_STRUCT && type != TYPE_ARRAY && type != TYPE_LIST)
        w->done = true;
}

static unsigned width_code(size_t width)
{
    return width == 1 ? 0u : width == 2 ? 1u : width == 4 ? 2u : 3u;
}

void altroot_tlv_put_uint(altroot_tlv_writer *w, altroot_tlv_tag tag, uint64_t v)
{
    size_t width = min_uint_width(v);
    put_head(w, tag, 0x04u | width_code(width));
    put_le(w, v, width);
}

void altroot_tlv_put_int(altroot_tlv_writer *w, altroot_tlv_tag tag, int64_t v)
{
    size_t width = min_int_width(v);
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    put_head(w, tag, width_code(width));
    put_le(w, bits, width);
}

void altroot_tlv_put_bool(altroot_tlv_writer *w, altroot_tlv_tag tag, bool v)
{
    put_head(w, tag, v ? TYPE_BOOL_TRUE : TYPE_BOOL_FALSE);
}

void altroot_tlv_put_null(altroot_tlv_writer *w, altroot_tlv_tag tag)
{
    put_head(w, tag, TYPE_NULL);
}

static void put_string(altroot_tlv_writer *w, altroot_tlv_tag tag, unsigned base, altroot_span v)
{
    if (w->err == ALTROOT_OK && v.len > 0 && v.ptr == NULL)
        w->err = ALTROOT_E_INTERNAL;
    size_t width = min_uint_width(v.len);
    put_head(w, tag, base | width_code(width));
    put_le(w, v.len, width);
    if (w->err == ALTROOT_OK)
        w->err = altroot_bytes_append(w->out, v.ptr, v.len);
}

void altroot_tlv_put_bytes(altroot_tlv_writer *w, altroot_tlv_tag tag, altroot_span v)
{
    put_string(w, tag, TYPE_BYTES, v);
}

void altroot_tlv_put_utf8(altroot_tlv_writer *w, altroot_tlv_tag tag, altroot_span v)
{
    if (w->err == ALTROOT_OK && !altroot_utf8_valid(v))
        w->err = ALTROOT_E_INTERNAL;
    put_string(w, tag, TYPE_UTF8, v);
}

void altroot_tlv_start(altroot_tlv_writer *w, altroot_tlv_tag tag, altroot_tlv_type type)
{
    unsigned code = type == ALTROOT_TLV_STRUCT  ? TYPE_STRUCT
                    : type == ALTROOT_TLV_ARRAY ? TYPE_ARRAY
                    : type == ALTROOT_TLV_LIST  ? TYPE_LIST
                                                : 0;
    if (w->err == ALTROOT_OK && (code == 0 || w->depth >= ALTROOT_TLV_MAX_DEPTH))
        w->err = ALTROOT_E_INTERNAL;
    put_head(w, tag, code);
    if (w->err == ALTROOT_OK)
        w->stack[w->depth++] = type;
}

void altroot_tlv_end(altroot_tlv_writer *w)
{
    if (w->err == ALTROOT_OK && w->depth == 0)
        w->err = ALTROOT_E_INTERNAL;
    if (w->err != ALTROOT_OK)
        return;
    w->err = altroot_bytes_append_u8(w->out, TYPE_END);
    w->depth--;
    w->done = w->depth == 0;
}

altroot_err altroot_tlv_writer_finish(altroot_tlv_writer *w)
{
    ENSURE(w != NULL, ALTROOT_E_INTERNAL);
    if (w->err == ALTROOT_OK && (w->depth != 0 || !w->done))
        w->err = ALTROOT_E_INTERNAL;
    return w->err;
}
