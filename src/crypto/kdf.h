/*
 * Key derivation behind the crypto boundary. Internal to libaltroot (not exported).
 */
#ifndef ALTROOT_CRYPTO_KDF_H
#define ALTROOT_CRYPTO_KDF_H

#include <stddef.h>
#include <stdint.h>

#include <altroot/buf.h>
#include <altroot/error.h>
#include <altroot/export.h>

/* RFC 5869 HKDF-SHA256 (extract then expand). All inputs are borrowed; an empty span is allowed
 * for each (an empty salt means HashLen zero octets, RFC 5869 2.2). `outlen` is 1..8160
 * (255 * HashLen). Writes `outlen` octets to `out`, which is left untouched on failure
 * (E_ARG for a bad length, E_CRYPTO if OpenSSL fails). */
ALTROOT_MUST_CHECK altroot_err altroot_hkdf_sha256(altroot_span salt, altroot_span ikm,
                                                   altroot_span info, uint8_t *out, size_t outlen);

#endif
