/*
 * Cryptographic primitives the FIDO Device Onboard module needs beyond x509.h: the voucher
 * header HMAC, RSA key sizes (pkType and COSE algorithm consistency), RSA-3072 keys (RSAPKCS
 * test vouchers) and random bytes (HMAC secrets, GUIDs). Implemented in src/crypto/fdo_crypto.c.
 */
#ifndef ALTROOT_FDO_CRYPTO_H
#define ALTROOT_FDO_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include <altroot/buf.h>
#include <altroot/error.h>
#include <altroot/export.h>
#include <altroot/x509.h>

typedef enum altroot_hmac_alg {
    ALTROOT_HMAC_SHA256 = 1, /* 32-byte tag */
    ALTROOT_HMAC_SHA384 = 2, /* 48-byte tag */
} altroot_hmac_alg;

/* RFC 2104 HMAC of `data` under `key` (both borrowed; either may be empty). Writes the full tag
 * (32 or 48 bytes) to `out`, which holds `out_len` bytes. E_ARG when `out_len` is too small or
 * `alg` unknown; E_CRYPTO when OpenSSL fails. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_hmac(altroot_hmac_alg alg, altroot_span key,
                                                        altroot_span data, uint8_t *out,
                                                        size_t out_len);

/* Size in bits of the key (RSA modulus or EC field); 0 when unknown. `key` is borrowed. */
ALTROOT_API size_t altroot_key_bits(const altroot_key *key);

/* The public RSA exponent as a small integer (0 when not RSA or larger than 64 bits). */
ALTROOT_API uint64_t altroot_key_rsa_exponent(const altroot_key *key);

/* The RSA modulus and public exponent as big-endian magnitudes, appended to `n` and `e`.
 * E_KEY_PARSE when `key` is not RSA. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_key_rsa_parts(const altroot_key *key,
                                                                 altroot_bytes *n,
                                                                 altroot_bytes *e);

/* A fresh RSA key pair of `bits` (2048, 3072 or 4096) with e = 65537. Caller frees with
 * altroot_key_free(). */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_key_generate_rsa(size_t bits, altroot_key **out);

/* Fill `out` with `len` bytes from the OpenSSL CSPRNG. E_CRYPTO on failure. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_random_bytes(uint8_t *out, size_t len);

#endif
