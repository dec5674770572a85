/* Deterministic CBOR writer (RFC 8949 4.2.1): shortest heads, definite lengths only. */
#include <string.h>

#include "../core/guard.h"
#include "cbor.h"

altroot_err altroot_cbor_put_head(altroot_bytes *out, altroot_cbor_major major, uint64_t arg)
{
    uint8_t buf[9];
    size_t n = 0;
    uint8_t mt = (uint8_t)((unsigned)major << 5);
    size_t width = arg < 24 ? 0 : arg <= 0xff ? 1 : arg <= 0xffff ? 2 : arg <= 0xffffffffu ? 4 : 8;
    static const uint8_t ai_for_width[9] = {0, 24, 25, 0, 26, 0, 0, 0, 27};
    buf[n++] = (uint8_t)(mt | (width == 0 ? (uint8_t)arg : ai_for_width[width]));
    for (size_t i = width; i > 0; i--)
        buf[n++] = (uint8_t)(arg >> (8 * (i - 1)));
    return altroot_bytes_append(out, buf, n);
}

altroot_err altroot_cbor_put_int(altroot_bytes *out, int64_t v)
{
    if (v >= 0)
        return altroot_cbor_put_head(out, ALTROOT_CBOR_UINT, (uint64_t)v);
    /* RFC 8949 3.1: major type 1 carries -1 - v */
    return altroot_cbor_put_head(out, ALTROOT_CBOR_NINT, (uint64_t)(-(v + 1)));
}

altroot_err altroot_cbor_put_bstr(altroot_bytes *out, altroot_span bytes)
{
    TRY(altroot_cbor_put_head(out, ALTROOT_CBOR_BSTR, bytes.len));
    return bytes.len == 0 ? ALTROOT_OK : altroot_bytes_append(out, bytes.ptr, bytes.len);
}

altroot_err altroot_cbor_put_tstr(altroot_bytes *out, const char *text, size_t len)
{
    TRY(altroot_cbor_put_head(out, ALTROOT_CBOR_TSTR, len));
    return len == 0 ? ALTROOT_OK : altroot_bytes_append(out, text, len);
}

altroot_err altroot_cbor_put_null(altroot_bytes *out)
{
    return altroot_bytes_append_u8(out, (uint8_t)(0xe0 | ALTROOT_CBOR_NULL));
}

altroot_err altroot_cbor_put_raw(altroot_bytes *out, altroot_span raw)
{
    return raw.len == 0 ? ALTROOT_OK : altroot_bytes_append(out, raw.ptr, raw.len);
}
