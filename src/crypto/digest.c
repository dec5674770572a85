#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include "ossl.h"

void altroot_sha256(altroot_span data, uint8_t out[32])
{
    static const uint8_t empty = 0;
    SHA256(data.ptr != NULL ? data.ptr : &empty, data.len, out);
}

void altroot_sha384(altroot_span data, uint8_t out[48])
{
    static const uint8_t empty = 0;
    SHA384(data.ptr != NULL ? data.ptr : &empty, data.len, out);
}

void altroot_ossl_error_line(char *out, size_t len)
{
    unsigned long e = ERR_peek_last_error();
    if (len == 0)
        return;
    out[0] = '\0';
    if (e != 0)
        ERR_error_string_n(e, out, len);
    ERR_clear_error();
}
