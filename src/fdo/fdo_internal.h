/* Internal to src/fdo: shared by the voucher decoder, verifier and builder. */
#ifndef ALTROOT_FDO_INTERNAL_H
#define ALTROOT_FDO_INTERNAL_H

#include <altroot/fdo.h>

#include "../encoding/cbor.h"

#define FDO_HASH_MAX 48

/* Digest length of a Hash type (-16: 32, -43: 48), 0 for anything else. */
size_t fdo_hash_len(int64_t type);
/* H_type(a || b) into out (FDO_HASH_MAX bytes); *len gets the digest length. */
ALTROOT_MUST_CHECK altroot_err fdo_hash2(int64_t type, altroot_span a, altroot_span b, uint8_t *out,
                                         size_t *len);
/* Hash = [hashtype: int, hash: bstr] with a supported type and the matching length. */
ALTROOT_MUST_CHECK altroot_err fdo_hash_decode(const altroot_cbor_item *item, int64_t *type,
                                               altroot_span *hash);
/* go-fdo hashAlgFor: SHA-384 for P-384 and RSA >= 3072 bits, else SHA-256. */
int64_t fdo_hash_for_key(const altroot_key *key);
/* Encode a Hash array. */
ALTROOT_MUST_CHECK altroot_err fdo_hash_put(altroot_bytes *out, int64_t type, const uint8_t *hash,
                                            size_t len);

/* PublicKey = [pkType, pkEnc, pkBody] (docs/fdo.md rule K1-K4). `out` is zeroed first; free
 * its parts with fdo_pubkey_clear(). */
ALTROOT_MUST_CHECK altroot_err fdo_pubkey_decode(const altroot_cbor_item *item, bool allow_wrapped,
                                                 altroot_fdo_pubkey *out);
void fdo_pubkey_clear(altroot_fdo_pubkey *k);
/* The pkType that describes `key` when it must copy `want` (OK) or its natural type. */
int64_t fdo_pk_type_of(const altroot_key *key, int64_t want);
/* The key fits its declared pkType (curve, RSA size and exponent). */
bool fdo_pk_type_fits(int64_t type, const altroot_key *key);
/* Encode a PublicKey for `key` with `type` and `enc` (X5CHAIN uses `chain`). */
ALTROOT_MUST_CHECK altroot_err fdo_pubkey_put(altroot_bytes *out, const altroot_key *key,
                                              int64_t type, int64_t enc,
                                              const altroot_certs *chain);
/* The COSE alg an owner of this pkType and key signs entries with (docs/fdo.md rule E3). */
int64_t fdo_alg_for(int64_t type, const altroot_key *key);

/* PEM: the CBOR of the `index`-th OWNERSHIP VOUCHER block (appended to `out`). E_NOT_FOUND when
 * there is none; E_PEM for a broken block. */
ALTROOT_MUST_CHECK altroot_err fdo_pem_voucher(altroot_span text, size_t index, altroot_bytes *out);
/* Strict base64 (RFC 4648 4) with line breaks ignored. */
ALTROOT_MUST_CHECK altroot_err fdo_base64_decode(altroot_span text, altroot_bytes *out);
ALTROOT_MUST_CHECK altroot_err fdo_base64_encode_lines(altroot_span data, altroot_bytes *out);
/* The input is raw CBOR (an array head) rather than PEM text. */
bool fdo_is_raw_cbor(altroot_span data);

/* Decode one OVEntry into `e` (zeroed first). Returns E_NOMEM only; other problems land in
 * e->decode_err and e->decode_detail. */
ALTROOT_MUST_CHECK altroot_err fdo_entry_decode(const altroot_cbor_item *item, bool allow_wrapped,
                                                altroot_fdo_entry *e);
void fdo_entry_clear(altroot_fdo_entry *e);

/* Decode with the X5CHAIN wrapping choice of the verifier. */
ALTROOT_MUST_CHECK altroot_err fdo_voucher_decode_ex(altroot_span data, size_t index,
                                                     bool allow_wrapped, altroot_fdo_voucher **out,
                                                     char *detail, size_t detail_len);

#endif
