/*
 * COSE (RFC 9052 / RFC 9053 / RFC 8230): COSE_Sign1 verification and signing, and the public key
 * encodings FDO uses: COSE_Key (EC2, RSA), a DER X.509 SubjectPublicKeyInfo, and X5CHAIN
 * (RFC 9360). Decoding keeps the exact bytes received: the signature is checked over them.
 */
#ifndef ALTROOT_COSE_H
#define ALTROOT_COSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <altroot/buf.h>
#include <altroot/error.h>
#include <altroot/export.h>
#include <altroot/x509.h>

/* COSE algorithm identifiers (IANA "COSE Algorithms"). */
typedef enum altroot_cose_alg {
    ALTROOT_COSE_ES256 = -7,
    ALTROOT_COSE_ES384 = -35,
    ALTROOT_COSE_PS256 = -37,
    ALTROOT_COSE_PS384 = -38,
    ALTROOT_COSE_RS256 = -257,
    ALTROOT_COSE_RS384 = -258,
} altroot_cose_alg;

/* CBOR tag of a tagged COSE_Sign1 (RFC 9052 2). */
#define ALTROOT_COSE_SIGN1_TAG 18

/* A decoded COSE_Sign1. Every span is borrowed from the input given to the decoder. */
typedef struct altroot_cose_sign1 {
    bool tagged;              /* carried tag 18 */
    altroot_span raw;         /* the whole message as received (tag included) */
    altroot_span protected_h; /* content of the protected bstr (the serialized map) */
    altroot_span payload;     /* content of the payload bstr */
    altroot_span signature;   /* content of the signature bstr */
    int64_t alg;              /* alg (label 1) from the protected header */
    size_t unprotected_count; /* parameters in the unprotected header */
} altroot_cose_sign1;

/* Decode `in` (exactly one CBOR item, tagged 18 or not: see `tagged`) as COSE_Sign1 =
 * [protected: bstr .cbor header_map, unprotected: header_map, payload: bstr, signature: bstr].
 * Requires alg in the protected header (RFC 9052 3.1), no label in both buckets, no crit (2)
 * parameter (nothing beyond alg is understood), and an attached payload. E_CBOR_* for CBOR
 * errors, E_COSE_MALFORMED/E_COSE_HEADER/E_COSE_ALG otherwise. Another tag than 18 fails. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_cose_sign1_decode(altroot_span in,
                                                                     altroot_cose_sign1 *out);

/* The signature algorithm of a COSE alg; E_COSE_ALG for anything but ES256/384, RS256/384,
 * PS256/384. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_cose_alg_sig(int64_t alg, altroot_sig_alg *out);

/* Verify `msg` with `key` (borrowed): the Sig_structure ["Signature1", protected, external_aad,
 * payload] over the bytes received (RFC 9052 4.4), ECDSA as raw r||s (RFC 9053 2.1). OK when it
 * verifies; E_COSE_ALG_KEY when the key does not fit the algorithm; E_COSE_SIGNATURE otherwise
 * (also for a malformed signature); E_NOMEM. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_cose_sign1_verify(const altroot_cose_sign1 *msg,
                                                                     const altroot_key *key,
                                                                     altroot_span external_aad);

/* Sign `payload` with private `key` as a tagged COSE_Sign1 with protected {1: alg} and an empty
 * unprotected map, appended to `out` (caller clears). */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_cose_sign1_sign(altroot_cose_alg alg,
                                                                   const altroot_key *key,
                                                                   altroot_span payload,
                                                                   altroot_span external_aad,
                                                                   altroot_bytes *out);

/* Append the Sig_structure for "Signature1" to `out` (exposed for tests and signers). */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_cose_sig_structure(altroot_span protected_h,
                                                                      altroot_span external_aad,
                                                                      altroot_span payload,
                                                                      altroot_bytes *out);

/* Quirks tolerated while decoding a key, reported to the caller. */
#define ALTROOT_COSE_QUIRK_PADDED_COORD (1u << 0)    /* EC x/y with a leading 0x00 (Java) */
#define ALTROOT_COSE_QUIRK_NO_KTY (1u << 1)          /* EC2 COSE_Key without kty */
#define ALTROOT_COSE_QUIRK_WRAPPED_X5CHAIN (1u << 2) /* X5CHAIN as a bstr around the array */

/* Decode a COSE_Key map (exactly one CBOR item): EC2 {1: 2, -1: crv (1 P-256, 2 P-384), -2: x,
 * -3: y} (kty may be absent, as client-sdk and pri-fidoiot write it; x/y may carry one leading
 * 0x00 as Java's BigInteger writes it) or RSA {1: 3, -1: n, -2: e}. The point must be on the
 * curve. `quirks` (may be NULL) gets ALTROOT_COSE_QUIRK_* bits. Caller frees with
 * altroot_key_free(). E_COSE_KEY for anything else. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_cose_key_decode(altroot_span in,
                                                                   altroot_key **out,
                                                                   unsigned *quirks);
/* Encode a public EC (P-256/P-384) or RSA key as a COSE_Key map with kty, appended to `out`. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_cose_key_encode(const altroot_key *key,
                                                                   altroot_bytes *out);

/* Decode an X5CHAIN (RFC 9360 2: one bstr, or an array of two or more bstr, each a DER
 * certificate, leaf first). Also takes a one-element array (go-fdo writes it) and, when
 * `allow_wrapped`, a bstr that wraps the CBOR array (fdo-rs writes it; reported as
 * ALTROOT_COSE_QUIRK_WRAPPED_X5CHAIN). Caller frees `*out` with altroot_certs_free(). */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_cose_x5chain_decode(altroot_span in,
                                                                       bool allow_wrapped,
                                                                       altroot_certs **out,
                                                                       unsigned *quirks);
/* Encode certificates as an X5CHAIN array of bstr (always an array), appended to `out`. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_cose_x5chain_encode(const altroot_certs *chain,
                                                                       altroot_bytes *out);

#endif
