/* base64 and base64url text (RFC 4648 4 and 5). */
#include "../src/core/guard.h"
#include "gateway.h"

altroot_err altroot_gw_b64(altroot_span data, bool url, altroot_bytes *out)
{
    ENSURE(out != NULL && (data.ptr != NULL || data.len == 0), ALTROOT_E_INTERNAL);
    static const char std[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    static const char urlsafe[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const char *alpha = url ? urlsafe : std;
    ENSURE(data.len < ALTROOT_BYTES_MAX / 2, ALTROOT_E_TOO_LARGE);
    TRY(altroot_bytes_reserve(out, (data.len + 2) / 3 * 4 + 1));
    for (size_t i = 0; i < data.len; i += 3) {
        size_t left = data.len - i;
        uint32_t v = (uint32_t)data.ptr[i] << 16;
        v |= left > 1 ? (uint32_t)data.ptr[i + 1] << 8 : 0;
        v |= left > 2 ? data.ptr[i + 2] : 0;
        char q[4] = {alpha[(v >> 18) & 63], alpha[(v >> 12) & 63], alpha[(v >> 6) & 63],
                     alpha[v & 63]};
        size_t keep = left >= 3 ? 4 : left + 1;
        for (size_t k = keep; k < 4; k++)
            q[k] = '=';
        TRY(altroot_bytes_append(out, q, url ? keep : 4));
    }
    TRY(altroot_bytes_append_u8(out, 0));
    out->len--;
    return ALTROOT_OK;
}
