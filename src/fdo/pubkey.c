/* FDO base types: Hash, PublicKey (docs/fdo.md rules K1-K4), and their names. */
#include <string.h>

#include <altroot/cose.h>
#include <altroot/fdo_crypto.h>

#include "../core/guard.h"
#include "fdo_internal.h"

size_t fdo_hash_len(int64_t type)
{
    return type == ALTROOT_FDO_HASH_SHA256 ? 32 : type == ALTROOT_FDO_HASH_SHA384 ? 48 : 0;
}

altroot_err fdo_hash2(int64_t type, altroot_span a, altroot_span b, uint8_t *out, size_t *len)
{
    ENSURE(fdo_hash_len(type) > 0, ALTROOT_E_FDO_HASH_ALG);
    altroot_bytes buf = ALTROOT_BYTES_INIT;
    altroot_err err = altroot_cbor_put_raw(&buf, a);
    if (err == ALTROOT_OK)
        err = altroot_cbor_put_raw(&buf, b);
    if (err == ALTROOT_OK && type == ALTROOT_FDO_HASH_SHA256)
        altroot_sha256(altroot_bytes_span(&buf), out);
    else if (err == ALTROOT_OK)
        altroot_sha384(altroot_bytes_span(&buf), out);
    altroot_bytes_clear(&buf);
    *len = fdo_hash_len(type);
    return err;
}

/* Hash = [hashtype: int, hash: bstr]; SHA256 -16 and SHA384 -43 (COSE numbers). */
altroot_err fdo_hash_decode(const altroot_cbor_item *item, int64_t *type, altroot_span *hash)
{
    altroot_cbor_iter it;
    altroot_cbor_item t, h;
    ENSURE(altroot_cbor_array(item, 2, &it) == ALTROOT_OK, ALTROOT_E_FDO_HASH_ALG);
    TRY(altroot_cbor_next(&it, &t));
    TRY(altroot_cbor_next(&it, &h));
    ENSURE(altroot_cbor_int(&t, type) == ALTROOT_OK && altroot_cbor_bstr(&h, hash) == ALTROOT_OK,
           ALTROOT_E_FDO_HASH_ALG);
    ENSURE(fdo_hash_len(*type) > 0 && hash->len == fdo_hash_len(*type), ALTROOT_E_FDO_HASH_ALG);
    return ALTROOT_OK;
}

altroot_err fdo_hash_put(altroot_bytes *out, int64_t type, const uint8_t *hash, size_t len)
{
    TRY(altroot_cbor_put_head(out, ALTROOT_CBOR_ARRAY, 2));
    TRY(altroot_cbor_put_int(out, type));
    return altroot_cbor_put_bstr(out, (altroot_span){hash, len});
}

int64_t fdo_hash_for_key(const altroot_key *key)
{
    return altroot_key_get_type(key) == ALTROOT_KEY_EC_P384 || altroot_key_bits(key) >= 3072
               ? ALTROOT_FDO_HASH_SHA384
               : ALTROOT_FDO_HASH_SHA256;
}

bool fdo_pk_type_fits(int64_t type, const altroot_key *key)
{
    altroot_key_type kt = altroot_key_get_type(key);
    size_t bits = altroot_key_bits(key);
    switch (type) {
    case ALTROOT_FDO_PK_SECP256R1:
        return kt == ALTROOT_KEY_EC_P256;
    case ALTROOT_FDO_PK_SECP384R1:
        return kt == ALTROOT_KEY_EC_P384;
    case ALTROOT_FDO_PK_RSA2048RESTR:
        /* "RSA2048RESTR: RSA 2048 with restricted key/exponent (PKCS1 1.5 encoding)" */
        return kt == ALTROOT_KEY_RSA_2048 && bits == 2048 && altroot_key_rsa_exponent(key) == 65537;
    case ALTROOT_FDO_PK_RSAPKCS:
    case ALTROOT_FDO_PK_RSAPSS:
        return kt == ALTROOT_KEY_RSA_2048 && bits >= 2048 && bits <= 4096;
    default:
        return false;
    }
}

int64_t fdo_pk_type_of(const altroot_key *key, int64_t want)
{
    if (fdo_pk_type_fits(want, key))
        return want;
    altroot_key_type kt = altroot_key_get_type(key);
    if (kt == ALTROOT_KEY_EC_P256)
        return ALTROOT_FDO_PK_SECP256R1;
    if (kt == ALTROOT_KEY_EC_P384)
        return ALTROOT_FDO_PK_SECP384R1;
    return altroot_key_bits(key) == 2048 ? ALTROOT_FDO_PK_RSA2048RESTR : ALTROOT_FDO_PK_RSAPKCS;
}

/* go-fdo (protocol/cose.go, key type to algorithm): EC keys by curve; RSA PKCS#1 and PSS by
 * modulus size, SHA-384 from 3072 bits; RSA2048RESTR is RS256 only. */
int64_t fdo_alg_for(int64_t type, const altroot_key *key)
{
    bool big = altroot_key_bits(key) >= 3072;
    switch (type) {
    case ALTROOT_FDO_PK_SECP256R1:
        return ALTROOT_COSE_ES256;
    case ALTROOT_FDO_PK_SECP384R1:
        return ALTROOT_COSE_ES384;
    case ALTROOT_FDO_PK_RSA2048RESTR:
        return ALTROOT_COSE_RS256;
    case ALTROOT_FDO_PK_RSAPKCS:
        return big ? ALTROOT_COSE_RS384 : ALTROOT_COSE_RS256;
    case ALTROOT_FDO_PK_RSAPSS:
        return big ? ALTROOT_COSE_PS384 : ALTROOT_COSE_PS256;
    default:
        return 0;
    }
}

static unsigned fdo_quirks(unsigned cose)
{
    return ((cose & ALTROOT_COSE_QUIRK_WRAPPED_X5CHAIN) ? ALTROOT_FDO_QUIRK_X5CHAIN_WRAPPED : 0) |
           ((cose & ALTROOT_COSE_QUIRK_PADDED_COORD) ? ALTROOT_FDO_QUIRK_COSEKEY_PADDED : 0) |
           ((cose & ALTROOT_COSE_QUIRK_NO_KTY) ? ALTROOT_FDO_QUIRK_COSEKEY_NO_KTY : 0);
}

static altroot_err as_pubkey_err(altroot_err e)
{
    return e == ALTROOT_OK || e == ALTROOT_E_NOMEM ? e : ALTROOT_E_FDO_PUBKEY;
}

/* pkBody by pkEnc: X509 = bstr of a DER SubjectPublicKeyInfo (not a certificate: fdo-rs PR #48);
 * COSEKEY = a COSE_Key map written inline; X5CHAIN = COSE x5chain, the key is the leaf's.
 * Crypto (0, EPID) is supported by no implementation: rejected. */
static altroot_err decode_body(const altroot_cbor_item *body, bool allow_wrapped,
                               altroot_fdo_pubkey *k)
{
    unsigned q = 0;
    altroot_span der;
    altroot_err err = ALTROOT_E_FDO_PUBKEY;
    switch (k->enc) {
    case ALTROOT_FDO_PK_ENC_X509:
        ENSURE(altroot_cbor_bstr(body, &der) == ALTROOT_OK, ALTROOT_E_FDO_PUBKEY);
        /* DER only (a SEQUENCE): a PEM text inside the bstr is not an X509 pkBody */
        altroot_cursor c;
        altroot_cursor_init(&c, der);
        ENSURE(altroot_cursor_u8(&c) == 0x30 && altroot_cursor_ok(&c), ALTROOT_E_FDO_PUBKEY);
        err = altroot_key_parse_public(der, &k->key);
        break;
    case ALTROOT_FDO_PK_ENC_COSEKEY:
        /* inline map; a bstr-wrapped map (Astarte's generator) is not a COSE_Key */
        ENSURE(body->major == ALTROOT_CBOR_MAP, ALTROOT_E_FDO_PUBKEY);
        err = altroot_cose_key_decode(body->raw, &k->key, &q);
        break;
    case ALTROOT_FDO_PK_ENC_X5CHAIN:
        err = altroot_cose_x5chain_decode(body->raw, allow_wrapped, &k->chain, &q);
        if (err == ALTROOT_OK)
            err = altroot_cert_public_key(altroot_certs_get(k->chain, 0), &k->key);
        break;
    default:
        break;
    }
    k->quirks |= fdo_quirks(q);
    return as_pubkey_err(err);
}

altroot_err fdo_pubkey_decode(const altroot_cbor_item *item, bool allow_wrapped,
                              altroot_fdo_pubkey *out)
{
    memset(out, 0, sizeof *out);
    altroot_cbor_iter it;
    altroot_cbor_item t, e, body;
    ENSURE(altroot_cbor_array(item, 3, &it) == ALTROOT_OK, ALTROOT_E_FDO_PUBKEY);
    TRY(altroot_cbor_next(&it, &t));
    TRY(altroot_cbor_next(&it, &e));
    TRY(altroot_cbor_next(&it, &body));
    out->raw = item->raw;
    ENSURE(altroot_cbor_int(&t, &out->type) == ALTROOT_OK &&
               altroot_cbor_int(&e, &out->enc) == ALTROOT_OK,
           ALTROOT_E_FDO_PUBKEY);
    altroot_err err = decode_body(&body, allow_wrapped, out);
    /* the key must be what pkType says: curve, RSA size and exponent */
    if (err == ALTROOT_OK && !fdo_pk_type_fits(out->type, out->key))
        err = ALTROOT_E_FDO_PUBKEY;
    if (err != ALTROOT_OK)
        fdo_pubkey_clear(out);
    return err;
}

void fdo_pubkey_clear(altroot_fdo_pubkey *k)
{
    if (k == NULL)
        return;
    altroot_key_free(k->key);
    altroot_certs_free(k->chain);
    k->key = NULL;
    k->chain = NULL;
}

altroot_err fdo_pubkey_put(altroot_bytes *out, const altroot_key *key, int64_t type, int64_t enc,
                           const altroot_certs *chain)
{
    TRY(altroot_cbor_put_head(out, ALTROOT_CBOR_ARRAY, 3));
    TRY(altroot_cbor_put_int(out, type));
    TRY(altroot_cbor_put_int(out, enc));
    if (enc == ALTROOT_FDO_PK_ENC_COSEKEY)
        return altroot_cose_key_encode(key, out);
    if (enc == ALTROOT_FDO_PK_ENC_X5CHAIN)
        return chain != NULL ? altroot_cose_x5chain_encode(chain, out) : ALTROOT_E_ARG;
    ENSURE(enc == ALTROOT_FDO_PK_ENC_X509, ALTROOT_E_ARG);
    altroot_bytes spki = ALTROOT_BYTES_INIT;
    altroot_err err = altroot_key_spki_der(key, &spki);
    if (err == ALTROOT_OK)
        err = altroot_cbor_put_bstr(out, altroot_bytes_span(&spki));
    altroot_bytes_clear(&spki);
    return err;
}

const char *altroot_fdo_pk_type_name(int64_t type)
{
    switch (type) {
    case ALTROOT_FDO_PK_RSA2048RESTR:
        return "RSA2048RESTR";
    case ALTROOT_FDO_PK_RSAPKCS:
        return "RSAPKCS";
    case ALTROOT_FDO_PK_RSAPSS:
        return "RSAPSS";
    case ALTROOT_FDO_PK_SECP256R1:
        return "SECP256R1";
    case ALTROOT_FDO_PK_SECP384R1:
        return "SECP384R1";
    default:
        return "unknown";
    }
}

const char *altroot_fdo_pk_enc_name(int64_t enc)
{
    static const char *const names[] = {"Crypto", "X509", "X5CHAIN", "COSEKEY"};
    return enc >= 0 && enc <= 3 ? names[enc] : "unknown";
}

const char *altroot_fdo_hash_name(int64_t type)
{
    switch (type) {
    case ALTROOT_FDO_HASH_SHA256:
        return "SHA256";
    case ALTROOT_FDO_HASH_SHA384:
        return "SHA384";
    case ALTROOT_FDO_HMAC_SHA256:
        return "HMAC-SHA256";
    case ALTROOT_FDO_HMAC_SHA384:
        return "HMAC-SHA384";
    default:
        return "unknown";
    }
}

const char *altroot_fdo_alg_name(int64_t alg)
{
    switch (alg) {
    case ALTROOT_COSE_ES256:
        return "ES256";
    case ALTROOT_COSE_ES384:
        return "ES384";
    case ALTROOT_COSE_RS256:
        return "RS256";
    case ALTROOT_COSE_RS384:
        return "RS384";
    case ALTROOT_COSE_PS256:
        return "PS256";
    case ALTROOT_COSE_PS384:
        return "PS384";
    default:
        return "unknown";
    }
}
