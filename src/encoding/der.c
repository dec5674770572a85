#include <string.h>

#include "der.h"

#include "../core/guard.h"

/* ---- Writer --------------------------------------------------------------------------------- */

void altroot_der_writer_init(altroot_der_writer *w, altroot_bytes *out)
{
    memset(w, 0, sizeof *w);
    w->out = out;
    w->err = out == NULL ? ALTROOT_E_INTERNAL : ALTROOT_OK;
}

/* X.690 8.1.3: short form below 128, else 0x80|n followed by n length octets, n minimal. */
static size_t encode_header(uint8_t tag, size_t len, uint8_t hdr[10])
{
    size_t n = 0;
    hdr[n++] = tag;
    if (len < 0x80) {
        hdr[n++] = (uint8_t)len;
        return n;
    }
    size_t octets = 0;
    for (size_t v = len; v > 0; v >>= 8)
        octets++;
    hdr[n++] = (uint8_t)(0x80u | octets);
    for (size_t i = octets; i > 0; i--)
        hdr[n++] = (uint8_t)(len >> (8 * (i - 1)));
    return n;
}

void altroot_der_begin(altroot_der_writer *w, uint8_t tag)
{
    if (w->err != ALTROOT_OK)
        return;
    if (w->depth >= ALTROOT_DER_MAX_DEPTH) {
        w->err = ALTROOT_E_INTERNAL;
        return;
    }
    w->tag[w->depth] = tag;
    w->start[w->depth] = w->out->len;
    w->depth++;
}

void altroot_der_end(altroot_der_writer *w)
{
    if (w->err == ALTROOT_OK && w->depth == 0)
        w->err = ALTROOT_E_INTERNAL;
    if (w->err != ALTROOT_OK)
        return;
    w->depth--;
    size_t start = w->start[w->depth];
    size_t content = w->out->len - start;
    uint8_t hdr[10];
    size_t hlen = encode_header(w->tag[w->depth], content, hdr);
    w->err = altroot_bytes_reserve(w->out, hlen);
    if (w->err != ALTROOT_OK)
        return;
    /* Our own output buffer: shift the content up and write the header in front of it. */
    uint8_t *base = w->out->ptr + start;
    memmove(base + hlen, base, content);
    memcpy(base, hdr, hlen);
    w->out->len += hlen;
}

void altroot_der_put(altroot_der_writer *w, uint8_t tag, altroot_span value)
{
    if (w->err == ALTROOT_OK && value.len > 0 && value.ptr == NULL)
        w->err = ALTROOT_E_INTERNAL;
    if (w->err != ALTROOT_OK)
        return;
    uint8_t hdr[10];
    size_t hlen = encode_header(tag, value.len, hdr);
    w->err = altroot_bytes_append(w->out, hdr, hlen);
    if (w->err == ALTROOT_OK)
        w->err = altroot_bytes_append(w->out, value.ptr, value.len);
}

void altroot_der_put_raw(altroot_der_writer *w, altroot_span der)
{
    if (w->err == ALTROOT_OK)
        w->err = altroot_bytes_append(w->out, der.ptr, der.len);
}

void altroot_der_put_uint_bytes(altroot_der_writer *w, altroot_span magnitude)
{
    uint8_t buf[1 + 64];
    size_t i = 0;
    while (i < magnitude.len && magnitude.ptr[i] == 0)
        i++;
    size_t n = magnitude.len - i;
    if (w->err == ALTROOT_OK && n > 64)
        w->err = ALTROOT_E_INTERNAL;
    if (w->err != ALTROOT_OK)
        return;
    size_t len = 0;
    if (n == 0 || (magnitude.ptr[i] & 0x80) != 0)
        buf[len++] = 0;
    if (n > 0)
        memcpy(buf + len, magnitude.ptr + i, n);
    altroot_der_put(w, ALTROOT_DER_INTEGER, (altroot_span){buf, len + n});
}

void altroot_der_put_uint(altroot_der_writer *w, uint64_t v)
{
    uint8_t be[8];
    for (size_t i = 0; i < 8; i++)
        be[i] = (uint8_t)(v >> (8 * (7 - i)));
    altroot_der_put_uint_bytes(w, (altroot_span){be, sizeof be});
}

void altroot_der_put_bool(altroot_der_writer *w, bool v)
{
    uint8_t b = v ? 0xFF : 0x00;
    altroot_der_put(w, ALTROOT_DER_BOOLEAN, (altroot_span){&b, 1});
}

void altroot_der_put_oid(altroot_der_writer *w, altroot_span oid)
{
    altroot_der_put(w, ALTROOT_DER_OID, oid);
}

void altroot_der_put_bit_string(altroot_der_writer *w, altroot_span bits)
{
    altroot_der_begin(w, ALTROOT_DER_BIT_STRING);
    uint8_t unused = 0;
    altroot_der_put_raw(w, (altroot_span){&unused, 1});
    altroot_der_put_raw(w, bits);
    altroot_der_end(w);
}

void altroot_der_put_named_bits(altroot_der_writer *w, uint32_t bits)
{
    uint8_t buf[1 + 4] = {0};
    int highest = -1;
    for (int n = 0; n < 32; n++) {
        if ((bits >> n) & 1u) {
            buf[1 + n / 8] |= (uint8_t)(0x80u >> (n % 8));
            highest = n;
        }
    }
    /* X.690 11.2.2: trailing zero bits removed; the empty list is a lone 0x00. */
    size_t octets = highest < 0 ? 0 : (size_t)highest / 8 + 1;
    buf[0] = (uint8_t)(highest < 0 ? 0 : 7 - highest % 8);
    altroot_der_put(w, ALTROOT_DER_BIT_STRING, (altroot_span){buf, 1 + octets});
}

static void put_digits(char *dst, const char *src, size_t n)
{
    memcpy(dst, src, n);
}

void altroot_der_put_time(altroot_der_writer *w, altroot_time t)
{
    char iso[ALTROOT_TIME_STR_LEN];
    char out[16];
    if (t == ALTROOT_TIME_NO_EXPIRY) {
        altroot_der_put(w, ALTROOT_DER_GENERALIZED_TIME,
                        (altroot_span){(const uint8_t *)"99991231235959Z", 15});
        return;
    }
    if (w->err == ALTROOT_OK && (t < ALTROOT_TIME_MIN || t > ALTROOT_TIME_MAX))
        w->err = ALTROOT_E_INTERNAL;
    if (w->err != ALTROOT_OK)
        return;
    /* "YYYY-MM-DDTHH:MM:SSZ" -> digits */
    altroot_time_format(t, iso);
    bool utc = memcmp(iso, "1950", 4) >= 0 && memcmp(iso, "2050", 4) < 0;
    size_t n = 0;
    put_digits(out + n, utc ? iso + 2 : iso, utc ? 2 : 4);
    n += utc ? 2 : 4;
    static const size_t pos[5] = {5, 8, 11, 14, 17};
    for (size_t i = 0; i < 5; i++, n += 2)
        put_digits(out + n, iso + pos[i], 2);
    out[n++] = 'Z';
    altroot_der_put(w, utc ? ALTROOT_DER_UTC_TIME : ALTROOT_DER_GENERALIZED_TIME,
                    (altroot_span){(const uint8_t *)out, n});
}

void altroot_der_put_ecdsa_sig(altroot_der_writer *w, const uint8_t raw[64])
{
    altroot_der_begin(w, ALTROOT_DER_SEQUENCE);
    altroot_der_put_uint_bytes(w, (altroot_span){raw, 32});
    altroot_der_put_uint_bytes(w, (altroot_span){raw + 32, 32});
    altroot_der_end(w);
}

altroot_err altroot_der_writer_finish(altroot_der_writer *w)
{
    ENSURE(w != NULL, ALTROOT_E_INTERNAL);
    if (w->err == ALTROOT_OK && w->depth != 0)
        w->err = ALTROOT_E_INTERNAL;
    return w->err;
}

/* ---- Reader --------------------------------------------------------------------------------- */

/* X.690 10.1: definite form, minimal number of length octets. */
static size_t read_length(altroot_cursor *c)
{
    uint8_t first = altroot_cursor_u8(c);
    if (first < 0x80)
        return first;
    size_t octets = first & 0x7Fu;
    if (octets == 0 || octets > sizeof(size_t)) {
        /* 0x80 is the indefinite form; longer lengths cannot fit in memory. */
        altroot_cursor_fail(c, ALTROOT_E_DER);
        return 0;
    }
    size_t len = 0;
    for (size_t i = 0; i < octets; i++) {
        uint8_t b = altroot_cursor_u8(c);
        if (i == 0 && b == 0)
            altroot_cursor_fail(c, ALTROOT_E_DER); /* leading zero octet */
        len = len << 8 | b;
    }
    if (len < 0x80)
        altroot_cursor_fail(c, ALTROOT_E_DER); /* long form where the short one fits */
    return altroot_cursor_ok(c) ? len : 0;
}

altroot_err altroot_der_read(altroot_cursor *c, altroot_der_elem *out)
{
    ENSURE(c != NULL && out != NULL, ALTROOT_E_INTERNAL);
    TRY(c->err);
    size_t begin = c->pos;
    uint8_t tag = altroot_cursor_u8(c);
    if (altroot_cursor_ok(c) && (tag & 0x1Fu) == 0x1Fu)
        altroot_cursor_fail(c, ALTROOT_E_UNSUPPORTED);
    size_t len = read_length(c);
    altroot_span value = altroot_cursor_span(c, len);
    TRY(c->err);
    out->tag = tag;
    out->value = value;
    out->whole = (altroot_span){c->ptr + begin, c->pos - begin};
    return ALTROOT_OK;
}

altroot_err altroot_der_expect(altroot_cursor *c, uint8_t tag, altroot_der_elem *out)
{
    altroot_der_elem e;
    TRY(altroot_der_read(c, &e));
    if (e.tag != tag) {
        /* The read succeeded, so the cursor had no error before this one. */
        altroot_cursor_fail(c, ALTROOT_E_DER);
        return ALTROOT_E_DER;
    }
    *out = e;
    return ALTROOT_OK;
}

bool altroot_der_peek_tag(const altroot_cursor *c, uint8_t tag)
{
    return altroot_cursor_remaining(c) > 0 && altroot_cursor_peek_u8(c) == tag;
}

altroot_err altroot_der_get_bool(const altroot_der_elem *e, bool *out)
{
    ENSURE(e->tag == ALTROOT_DER_BOOLEAN && e->value.len == 1, ALTROOT_E_DER);
    ENSURE(e->value.ptr[0] == 0x00 || e->value.ptr[0] == 0xFF, ALTROOT_E_DER);
    *out = e->value.ptr[0] == 0xFF;
    return ALTROOT_OK;
}

altroot_err altroot_der_get_uint_bytes(const altroot_der_elem *e, altroot_span *magnitude)
{
    altroot_span v = e->value;
    ENSURE(e->tag == ALTROOT_DER_INTEGER && v.len > 0, ALTROOT_E_DER);
    /* X.690 8.3.2: the first nine bits are not all zero nor all one. */
    ENSURE(!(v.len > 1 && v.ptr[0] == 0x00 && (v.ptr[1] & 0x80) == 0), ALTROOT_E_DER);
    ENSURE(!(v.len > 1 && v.ptr[0] == 0xFF && (v.ptr[1] & 0x80) != 0), ALTROOT_E_DER);
    ENSURE((v.ptr[0] & 0x80) == 0, ALTROOT_E_POLICY); /* negative */
    if (v.len > 1 && v.ptr[0] == 0x00)
        v = (altroot_span){v.ptr + 1, v.len - 1};
    *magnitude = v;
    return ALTROOT_OK;
}

altroot_err altroot_der_get_uint(const altroot_der_elem *e, uint64_t max, uint64_t *out)
{
    altroot_span m;
    TRY(altroot_der_get_uint_bytes(e, &m));
    ENSURE(m.len <= 8, ALTROOT_E_POLICY);
    uint64_t v = 0;
    for (size_t i = 0; i < m.len; i++)
        v = v << 8 | m.ptr[i];
    ENSURE(v <= max, ALTROOT_E_POLICY);
    *out = v;
    return ALTROOT_OK;
}

altroot_err altroot_der_get_bit_string(const altroot_der_elem *e, altroot_span *bits)
{
    ENSURE(e->tag == ALTROOT_DER_BIT_STRING && e->value.len >= 1, ALTROOT_E_DER);
    ENSURE(e->value.ptr[0] == 0, ALTROOT_E_DER);
    *bits = (altroot_span){e->value.ptr + 1, e->value.len - 1};
    return ALTROOT_OK;
}

altroot_err altroot_der_get_named_bits(const altroot_der_elem *e, uint32_t *bits)
{
    altroot_span v = e->value;
    ENSURE(e->tag == ALTROOT_DER_BIT_STRING && v.len >= 1 && v.ptr[0] <= 7, ALTROOT_E_DER);
    size_t octets = v.len - 1;
    ENSURE(octets <= 4, ALTROOT_E_POLICY);
    /* X.690 11.2.1/11.2.2: unused bits are zero, and a named bit list has no trailing zero. */
    ENSURE(octets > 0 || v.ptr[0] == 0, ALTROOT_E_DER);
    if (octets > 0) {
        uint8_t last = v.ptr[octets];
        uint8_t unused = v.ptr[0];
        ENSURE((last & ((1u << unused) - 1u)) == 0, ALTROOT_E_DER);
        ENSURE((last >> unused) & 1u, ALTROOT_E_DER);
    }
    uint32_t out = 0;
    for (size_t n = 0; n < octets * 8; n++)
        if (v.ptr[1 + n / 8] & (0x80u >> (n % 8)))
            out |= 1u << n;
    *bits = out;
    return ALTROOT_OK;
}

altroot_err altroot_der_get_time(const altroot_der_elem *e, altroot_time *out)
{
    altroot_time t;
    altroot_err err = ALTROOT_E_DER;
    if (e->tag == ALTROOT_DER_UTC_TIME)
        err = altroot_time_parse_utctime(e->value, &t);
    else if (e->tag == ALTROOT_DER_GENERALIZED_TIME)
        err = altroot_time_parse_generalized(e->value, &t);
    ENSURE(err == ALTROOT_OK, ALTROOT_E_DER);
    /* RFC 5280 4.1.2.5: "CAs conforming to this profile MUST always encode certificate validity
     * dates through the year 2049 as UTCTime; certificate validity dates in 2050 or later MUST be
     * encoded as GeneralizedTime." */
    static const altroot_time y2050 = 2524608000; /* 2050-01-01T00:00:00Z */
    bool want_utc = t < y2050 && t != ALTROOT_TIME_NO_EXPIRY && t >= -631152000; /* 1950 */
    ENSURE(want_utc == (e->tag == ALTROOT_DER_UTC_TIME), ALTROOT_E_POLICY);
    *out = t;
    return ALTROOT_OK;
}

static altroot_err ecdsa_int(altroot_cursor *c, uint8_t out[32])
{
    altroot_der_elem e = {0};
    altroot_span m;
    TRY(altroot_der_expect(c, ALTROOT_DER_INTEGER, &e));
    TRY(altroot_der_get_uint_bytes(&e, &m));
    ENSURE(m.len <= 32, ALTROOT_E_POLICY);
    /* Left-pad: a 31-octet r is legitimate (production PAAs carry one). */
    memset(out, 0, 32 - m.len);
    if (m.len > 0)
        memcpy(out + 32 - m.len, m.ptr, m.len);
    return ALTROOT_OK;
}

altroot_err altroot_der_ecdsa_sig_to_raw(altroot_span der, uint8_t raw[64])
{
    altroot_cursor c, inner;
    altroot_der_elem seq;
    uint8_t tmp[64];
    altroot_cursor_init(&c, der);
    TRY(altroot_der_expect(&c, ALTROOT_DER_SEQUENCE, &seq));
    TRY(altroot_cursor_finish(&c));
    altroot_cursor_init(&inner, seq.value);
    TRY(ecdsa_int(&inner, tmp));
    TRY(ecdsa_int(&inner, tmp + 32));
    TRY(altroot_cursor_finish(&inner));
    memcpy(raw, tmp, 64);
    return ALTROOT_OK;
}
