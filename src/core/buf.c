#include <string.h>

#include <altroot/alloc.h>
#include <altroot/buf.h>

#include "guard.h"
#include "text.h"

altroot_err altroot_bytes_reserve(altroot_bytes *b, size_t extra)
{
    ENSURE(b != NULL, ALTROOT_E_INTERNAL);
    ENSURE(extra <= ALTROOT_BYTES_MAX && b->len <= ALTROOT_BYTES_MAX - extra, ALTROOT_E_TOO_LARGE);
    size_t need = b->len + extra;
    if (need <= b->cap)
        return ALTROOT_OK;
    size_t cap = b->cap < 64 ? 64 : b->cap;
    while (cap < need)
        cap = cap > ALTROOT_BYTES_MAX / 2 ? ALTROOT_BYTES_MAX : cap * 2;
    uint8_t *p = altroot_malloc(cap);
    ENSURE(p != NULL, ALTROOT_E_NOMEM);
    /* Copy and wipe rather than realloc: the old bytes may be secret. */
    if (b->len > 0)
        memcpy(p, b->ptr, b->len);
    altroot_free_secret(b->ptr, b->cap);
    b->ptr = p;
    b->cap = cap;
    return ALTROOT_OK;
}

altroot_err altroot_bytes_append(altroot_bytes *b, const void *data, size_t len)
{
    if (len == 0)
        return ALTROOT_OK;
    ENSURE(data != NULL, ALTROOT_E_INTERNAL);
    TRY(altroot_bytes_reserve(b, len));
    memcpy(b->ptr + b->len, data, len);
    b->len += len;
    return ALTROOT_OK;
}

altroot_err altroot_bytes_append_u8(altroot_bytes *b, uint8_t v)
{
    return altroot_bytes_append(b, &v, 1);
}

void altroot_bytes_clear(altroot_bytes *b)
{
    if (b == NULL)
        return;
    altroot_free_secret(b->ptr, b->cap);
    b->ptr = NULL;
    b->len = 0;
    b->cap = 0;
}

altroot_span altroot_bytes_span(const altroot_bytes *b)
{
    return (altroot_span){b->ptr, b->len};
}

void altroot_cursor_init(altroot_cursor *c, altroot_span span)
{
    c->ptr = span.ptr;
    c->len = span.ptr == NULL ? 0 : span.len;
    c->pos = 0;
    c->err = ALTROOT_OK;
}

size_t altroot_cursor_remaining(const altroot_cursor *c)
{
    return c->err != ALTROOT_OK ? 0 : c->len - c->pos;
}

bool altroot_cursor_ok(const altroot_cursor *c)
{
    return c->err == ALTROOT_OK;
}

void altroot_cursor_fail(altroot_cursor *c, altroot_err err)
{
    if (c->err == ALTROOT_OK)
        c->err = err;
}

/* The one place that advances over untrusted bytes: returns NULL unless `n` bytes remain. */
static const uint8_t *cursor_take(altroot_cursor *c, size_t n)
{
    if (c->err != ALTROOT_OK)
        return NULL;
    if (n > c->len - c->pos) {
        c->err = ALTROOT_E_TRUNCATED;
        return NULL;
    }
    const uint8_t *p = c->ptr + c->pos;
    c->pos += n;
    return p;
}

uint8_t altroot_cursor_u8(altroot_cursor *c)
{
    const uint8_t *p = cursor_take(c, 1);
    return p == NULL ? 0 : p[0];
}

static uint64_t read_be(altroot_cursor *c, size_t n)
{
    const uint8_t *p = cursor_take(c, n);
    uint64_t v = 0;
    for (size_t i = 0; p != NULL && i < n; i++)
        v = (v << 8) | p[i];
    return v;
}

static uint64_t read_le(altroot_cursor *c, size_t n)
{
    const uint8_t *p = cursor_take(c, n);
    uint64_t v = 0;
    for (size_t i = n; p != NULL && i > 0; i--)
        v = (v << 8) | p[i - 1];
    return v;
}

uint16_t altroot_cursor_be16(altroot_cursor *c)
{
    return (uint16_t)read_be(c, 2);
}
uint32_t altroot_cursor_be32(altroot_cursor *c)
{
    return (uint32_t)read_be(c, 4);
}
uint64_t altroot_cursor_be64(altroot_cursor *c)
{
    return read_be(c, 8);
}
uint16_t altroot_cursor_le16(altroot_cursor *c)
{
    return (uint16_t)read_le(c, 2);
}
uint32_t altroot_cursor_le32(altroot_cursor *c)
{
    return (uint32_t)read_le(c, 4);
}
uint64_t altroot_cursor_le64(altroot_cursor *c)
{
    return read_le(c, 8);
}

altroot_span altroot_cursor_span(altroot_cursor *c, size_t n)
{
    const uint8_t *p = cursor_take(c, n);
    return p == NULL ? (altroot_span){NULL, 0} : (altroot_span){p, n};
}

void altroot_cursor_copy(altroot_cursor *c, void *out, size_t n)
{
    const uint8_t *p = cursor_take(c, n);
    if (p == NULL) {
        memset(out, 0, n);
        return;
    }
    memcpy(out, p, n);
}

uint8_t altroot_cursor_peek_u8(const altroot_cursor *c)
{
    if (c->err != ALTROOT_OK || c->pos >= c->len)
        return 0;
    return c->ptr[c->pos];
}

altroot_err altroot_cursor_finish(altroot_cursor *c)
{
    if (c->err == ALTROOT_OK && c->pos != c->len)
        c->err = ALTROOT_E_TRAILING_DATA;
    return c->err;
}

bool altroot_span_equal_ct(altroot_span a, altroot_span b)
{
    if (a.len != b.len)
        return false;
    volatile uint8_t acc = 0;
    for (size_t i = 0; i < a.len; i++)
        acc |= (uint8_t)(a.ptr[i] ^ b.ptr[i]);
    return acc == 0;
}

bool altroot_span_equal(altroot_span a, altroot_span b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

void altroot_hex_encode(altroot_span span, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < span.len; i++) {
        out[2 * i] = digits[span.ptr[i] >> 4];
        out[2 * i + 1] = digits[span.ptr[i] & 0x0f];
    }
    out[2 * span.len] = '\0';
}

bool altroot_text_is_space(uint8_t ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

int altroot_hex_digit(uint8_t ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

altroot_err altroot_hex_decode_append(altroot_span text, unsigned flags, altroot_bytes *out)
{
    ENSURE(out != NULL, ALTROOT_E_INTERNAL);
    int hi = -1;
    for (size_t i = 0; i < text.len; i++) {
        if ((flags & ALTROOT_HEX_SKIP_SPACE) != 0 && altroot_text_is_space(text.ptr[i]))
            continue;
        int v = altroot_hex_digit(text.ptr[i]);
        ENSURE(v >= 0, ALTROOT_E_MALFORMED);
        if (hi < 0) {
            hi = v;
            continue;
        }
        TRY(altroot_bytes_append_u8(out, (uint8_t)(hi << 4 | v)));
        hi = -1;
    }
    ENSURE(hi < 0, ALTROOT_E_MALFORMED);
    return ALTROOT_OK;
}

altroot_err altroot_hex_decode(const char *hex, altroot_bytes *out)
{
    ENSURE(hex != NULL && out != NULL, ALTROOT_E_INTERNAL);
    size_t n = strlen(hex);
    ENSURE(n % 2 == 0, ALTROOT_E_MALFORMED);
    altroot_bytes tmp = ALTROOT_BYTES_INIT;
    altroot_err err = ALTROOT_OK;
    TRY_GOTO(altroot_bytes_reserve(&tmp, n / 2));
    TRY_GOTO(altroot_hex_decode_append((altroot_span){(const uint8_t *)hex, n}, 0, &tmp));
    altroot_bytes_clear(out);
    *out = tmp;
    return ALTROOT_OK;
out:
    altroot_bytes_clear(&tmp);
    return err;
}

static int b64_value(uint8_t ch)
{
    if (ch >= 'A' && ch <= 'Z')
        return ch - 'A';
    if (ch >= 'a' && ch <= 'z')
        return ch - 'a' + 26;
    if (ch >= '0' && ch <= '9')
        return ch - '0' + 52;
    return ch == '+' ? 62 : ch == '/' ? 63 : -1;
}

/* A base64 decoder between characters: the group so far, the data characters taken, the '='s. */
typedef struct b64_state {
    uint32_t acc;
    size_t n, pad;
} b64_state;

/* Takes one non-space character; a completed group of four appends its three bytes to `out`.
 * Once a '=' is seen only '=' may follow, at most two. */
static altroot_err b64_take(b64_state *st, uint8_t ch, altroot_bytes *out)
{
    if (ch == '=' || st->pad > 0) {
        ENSURE(ch == '=' && ++st->pad <= 2, ALTROOT_E_MALFORMED);
        return ALTROOT_OK;
    }
    int v = b64_value(ch);
    ENSURE(v >= 0, ALTROOT_E_MALFORMED);
    st->acc = st->acc << 6 | (uint32_t)v;
    if (++st->n % 4 != 0)
        return ALTROOT_OK;
    uint8_t b[3] = {(uint8_t)(st->acc >> 16), (uint8_t)(st->acc >> 8), (uint8_t)st->acc};
    st->acc = 0;
    return altroot_bytes_append(out, b, sizeof b);
}

/* The short last group: two characters carry one byte and 4 spare bits, three carry two bytes
 * and 2 spare bits; one character carries no whole byte. */
static altroot_err b64_finish(const b64_state *st, unsigned flags, altroot_bytes *out)
{
    size_t rem = st->n % 4;
    ENSURE(rem != 1, ALTROOT_E_MALFORMED);
    if ((flags & ALTROOT_B64_PAD_OPTIONAL) == 0)
        ENSURE((rem + st->pad) % 4 == 0, ALTROOT_E_MALFORMED);
    if (rem == 0)
        return ALTROOT_OK;
    unsigned spare = rem == 2 ? 4 : 2;
    if ((flags & ALTROOT_B64_NONCANONICAL) == 0)
        ENSURE((st->acc & ((1u << spare) - 1u)) == 0, ALTROOT_E_MALFORMED);
    uint32_t v = st->acc >> spare;
    uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};
    return rem == 3 ? altroot_bytes_append(out, b, 2) : altroot_bytes_append_u8(out, b[1]);
}

altroot_err altroot_base64_decode_append(altroot_span text, unsigned flags, altroot_bytes *out)
{
    ENSURE(out != NULL, ALTROOT_E_INTERNAL);
    b64_state st = {0, 0, 0};
    for (size_t i = 0; i < text.len; i++) {
        if (!altroot_text_is_space(text.ptr[i]))
            TRY(b64_take(&st, text.ptr[i], out));
    }
    return b64_finish(&st, flags, out);
}

/* RFC 4648 4; padding is required, and the unused bits of the last group must be zero (a
 * canonical encoding), so one byte string has exactly one text form. */
altroot_err altroot_base64_decode(altroot_span text, altroot_bytes *out)
{
    ENSURE(out != NULL, ALTROOT_E_INTERNAL);
    altroot_bytes tmp = ALTROOT_BYTES_INIT;
    altroot_err err = ALTROOT_OK;
    TRY_GOTO(altroot_base64_decode_append(text, 0, &tmp));
    altroot_bytes_clear(out);
    *out = tmp;
    return ALTROOT_OK;
out:
    altroot_bytes_clear(&tmp);
    return err;
}

bool altroot_span_equal_nocase(altroot_span s, const char *lit)
{
    size_t n = strlen(lit);
    if (s.len != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        uint8_t a = s.ptr[i];
        if (a >= 'A' && a <= 'Z')
            a = (uint8_t)(a - 'A' + 'a');
        if (a != (uint8_t)lit[i])
            return false;
    }
    return true;
}

altroot_span altroot_cursor_take_until(altroot_cursor *c, uint8_t stop)
{
    altroot_cursor probe = *c;
    size_t n = 0;
    while (altroot_cursor_remaining(&probe) > 0 && altroot_cursor_u8(&probe) != stop)
        n++;
    return altroot_cursor_span(c, n);
}
