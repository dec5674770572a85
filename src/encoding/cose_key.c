/* COSE_Key (RFC 9053 7.1, RFC 8230 4) and X5CHAIN (RFC 9360 2) public key encodings. */
#include <string.h>

#include <altroot/alloc.h>
#include <altroot/cose.h>
#include <altroot/fdo_crypto.h>

#include "../core/guard.h"
#include "cbor.h"

#define KTY_EC2 2
#define KTY_RSA 3
#define CRV_P256 1
#define CRV_P384 2
#define X5CHAIN_MAX 16

/* RFC 9053 7.1.1: "Leading zero octets MUST be preserved" — x and y are exactly the field size.
 * pri-fidoiot writes Java BigInteger bytes (one extra 0x00, or fewer octets): left-pad or strip
 * one leading zero, and report it. */
static altroot_err put_coord(const altroot_cbor_item *v, size_t field, uint8_t *dst,
                             unsigned *quirks)
{
    altroot_span s;
    ENSURE(altroot_cbor_bstr(v, &s) == ALTROOT_OK, ALTROOT_E_COSE_KEY);
    ENSURE(s.len >= 1 && s.len <= field + 1, ALTROOT_E_COSE_KEY);
    altroot_cursor c;
    altroot_cursor_init(&c, s);
    if (s.len == field + 1) {
        ENSURE(altroot_cursor_u8(&c) == 0, ALTROOT_E_COSE_KEY);
        *quirks |= ALTROOT_COSE_QUIRK_PADDED_COORD;
    } else if (s.len < field) {
        *quirks |= ALTROOT_COSE_QUIRK_PADDED_COORD;
    }
    size_t n = altroot_cursor_remaining(&c);
    memset(dst, 0, field - n);
    altroot_cursor_copy(&c, dst + (field - n), n);
    return altroot_cursor_finish(&c) == ALTROOT_OK ? ALTROOT_OK : ALTROOT_E_COSE_KEY;
}

static altroot_err decode_ec2(const altroot_cbor_item *map, int64_t crv, altroot_key **out,
                              unsigned *quirks)
{
    ENSURE(crv == CRV_P256 || crv == CRV_P384, ALTROOT_E_COSE_KEY);
    size_t field = crv == CRV_P256 ? 32 : 48;
    altroot_cbor_item x, y, d;
    /* a public key slot never carries the private scalar d (-4) */
    ENSURE(altroot_cbor_map_find(map, -4, &d) == ALTROOT_E_NOT_FOUND, ALTROOT_E_COSE_KEY);
    ENSURE(altroot_cbor_map_find(map, -2, &x) == ALTROOT_OK &&
               altroot_cbor_map_find(map, -3, &y) == ALTROOT_OK,
           ALTROOT_E_COSE_KEY);
    uint8_t point[1 + 2 * 48];
    point[0] = 0x04; /* SEC 1 2.3.3 uncompressed */
    TRY(put_coord(&x, field, point + 1, quirks));
    TRY(put_coord(&y, field, point + 1 + field, quirks));
    altroot_key_type t = crv == CRV_P256 ? ALTROOT_KEY_EC_P256 : ALTROOT_KEY_EC_P384;
    altroot_err err = altroot_key_from_ec_point(t, (altroot_span){point, 1 + 2 * field}, out);
    return err == ALTROOT_E_NOMEM ? err : err != ALTROOT_OK ? ALTROOT_E_COSE_KEY : ALTROOT_OK;
}

/* RFC 8230 4: RSA keys {1: 3, -1: n, -2: e}; private parts (-3 d and on) must be absent. */
static altroot_err decode_rsa(const altroot_cbor_item *map, altroot_key **out)
{
    altroot_cbor_item n, e, d;
    altroot_span ns, es;
    ENSURE(altroot_cbor_map_find(map, -3, &d) == ALTROOT_E_NOT_FOUND, ALTROOT_E_COSE_KEY);
    ENSURE(altroot_cbor_map_find(map, -1, &n) == ALTROOT_OK &&
               altroot_cbor_map_find(map, -2, &e) == ALTROOT_OK &&
               altroot_cbor_bstr(&n, &ns) == ALTROOT_OK && altroot_cbor_bstr(&e, &es) == ALTROOT_OK,
           ALTROOT_E_COSE_KEY);
    altroot_err err = altroot_key_from_rsa(ns, es, out);
    return err == ALTROOT_E_NOMEM ? err : err != ALTROOT_OK ? ALTROOT_E_COSE_KEY : ALTROOT_OK;
}

altroot_err altroot_cose_key_decode(altroot_span in, altroot_key **out, unsigned *quirks)
{
    unsigned q = 0;
    altroot_cbor_item map, kty_item, crv_item;
    int64_t kty = 0, crv = 0;
    TRY(altroot_cbor_decode(in, &map));
    ENSURE(map.major == ALTROOT_CBOR_MAP, ALTROOT_E_COSE_KEY);
    altroot_err has_kty = altroot_cbor_map_find(&map, 1, &kty_item);
    ENSURE(has_kty == ALTROOT_OK || has_kty == ALTROOT_E_NOT_FOUND, ALTROOT_E_COSE_KEY);
    if (has_kty == ALTROOT_OK)
        ENSURE(altroot_cbor_int(&kty_item, &kty) == ALTROOT_OK, ALTROOT_E_COSE_KEY);
    ENSURE(altroot_cbor_map_find(&map, -1, &crv_item) == ALTROOT_OK, ALTROOT_E_COSE_KEY);
    altroot_key *k = NULL;
    if (kty == KTY_RSA) {
        TRY(decode_rsa(&map, &k));
    } else {
        /* kty absent: client-sdk and pri-fidoiot write EC2 keys without it */
        ENSURE(kty == KTY_EC2 || has_kty == ALTROOT_E_NOT_FOUND, ALTROOT_E_COSE_KEY);
        ENSURE(altroot_cbor_int(&crv_item, &crv) == ALTROOT_OK, ALTROOT_E_COSE_KEY);
        if (has_kty != ALTROOT_OK)
            q |= ALTROOT_COSE_QUIRK_NO_KTY;
        TRY(decode_ec2(&map, crv, &k, &q));
    }
    *out = k;
    if (quirks != NULL)
        *quirks |= q;
    return ALTROOT_OK;
}

static altroot_err encode_ec2(const altroot_key *key, altroot_bytes *out)
{
    altroot_key_type t = altroot_key_get_type(key);
    ENSURE(t == ALTROOT_KEY_EC_P256 || t == ALTROOT_KEY_EC_P384, ALTROOT_E_COSE_KEY);
    size_t field = t == ALTROOT_KEY_EC_P256 ? 32 : 48;
    altroot_bytes pt = ALTROOT_BYTES_INIT;
    altroot_err err = ALTROOT_OK;
    TRY_GOTO(altroot_key_ec_point(key, &pt));
    ENSURE_GOTO(pt.len == 1 + 2 * field, ALTROOT_E_COSE_KEY);
    altroot_cursor c;
    altroot_cursor_init(&c, altroot_bytes_span(&pt));
    (void)altroot_cursor_u8(&c);
    altroot_span x = altroot_cursor_span(&c, field), y = altroot_cursor_span(&c, field);
    /* RFC 8949 4.2.1 key order: 1, -1, -2, -3 */
    TRY_GOTO(altroot_cbor_put_head(out, ALTROOT_CBOR_MAP, 4));
    TRY_GOTO(altroot_cbor_put_int(out, 1));
    TRY_GOTO(altroot_cbor_put_int(out, KTY_EC2));
    TRY_GOTO(altroot_cbor_put_int(out, -1));
    TRY_GOTO(altroot_cbor_put_int(out, t == ALTROOT_KEY_EC_P256 ? CRV_P256 : CRV_P384));
    TRY_GOTO(altroot_cbor_put_int(out, -2));
    TRY_GOTO(altroot_cbor_put_bstr(out, x));
    TRY_GOTO(altroot_cbor_put_int(out, -3));
    TRY_GOTO(altroot_cbor_put_bstr(out, y));
out:
    altroot_bytes_clear(&pt);
    return err;
}

altroot_err altroot_cose_key_encode(const altroot_key *key, altroot_bytes *out)
{
    ENSURE(key != NULL && out != NULL, ALTROOT_E_ARG);
    if (altroot_key_get_type(key) != ALTROOT_KEY_RSA_2048)
        return encode_ec2(key, out);
    altroot_bytes n = ALTROOT_BYTES_INIT, e = ALTROOT_BYTES_INIT;
    altroot_err err = ALTROOT_OK;
    TRY_GOTO(altroot_key_rsa_parts(key, &n, &e));
    TRY_GOTO(altroot_cbor_put_head(out, ALTROOT_CBOR_MAP, 3));
    TRY_GOTO(altroot_cbor_put_int(out, 1));
    TRY_GOTO(altroot_cbor_put_int(out, KTY_RSA));
    TRY_GOTO(altroot_cbor_put_int(out, -1));
    TRY_GOTO(altroot_cbor_put_bstr(out, altroot_bytes_span(&n)));
    TRY_GOTO(altroot_cbor_put_int(out, -2));
    TRY_GOTO(altroot_cbor_put_bstr(out, altroot_bytes_span(&e)));
out:
    altroot_bytes_clear(&n);
    altroot_bytes_clear(&e);
    return err;
}

static altroot_err push_der(altroot_certs *chain, altroot_span der)
{
    altroot_cert *cert = NULL;
    altroot_err err = altroot_cert_from_der(der, &cert);
    if (err != ALTROOT_OK)
        return err == ALTROOT_E_NOMEM ? err : ALTROOT_E_COSE_KEY;
    err = altroot_certs_push(chain, cert);
    altroot_cert_free(cert);
    return err;
}

static altroot_err x5chain_array(const altroot_cbor_item *arr, altroot_certs *chain)
{
    altroot_cbor_iter it;
    ENSURE(altroot_cbor_array(arr, SIZE_MAX, &it) == ALTROOT_OK, ALTROOT_E_COSE_KEY);
    ENSURE(arr->arg >= 1 && arr->arg <= X5CHAIN_MAX, ALTROOT_E_COSE_KEY);
    while (it.left > 0) {
        altroot_cbor_item c;
        altroot_span der;
        TRY(altroot_cbor_next(&it, &c));
        ENSURE(altroot_cbor_bstr(&c, &der) == ALTROOT_OK, ALTROOT_E_COSE_KEY);
        TRY(push_der(chain, der));
    }
    return ALTROOT_OK;
}

static altroot_err x5chain_item(const altroot_cbor_item *item, bool allow_wrapped,
                                altroot_certs *chain, unsigned *q)
{
    if (item->major == ALTROOT_CBOR_ARRAY)
        return x5chain_array(item, chain);
    ENSURE(item->major == ALTROOT_CBOR_BSTR, ALTROOT_E_COSE_KEY);
    altroot_cbor_item inner;
    /* a DER certificate starts with 0x30, which is never a CBOR array head */
    if (allow_wrapped && altroot_cbor_unwrap(item, &inner) == ALTROOT_OK &&
        inner.major == ALTROOT_CBOR_ARRAY) {
        *q |= ALTROOT_COSE_QUIRK_WRAPPED_X5CHAIN;
        return x5chain_array(&inner, chain);
    }
    return push_der(chain, item->content);
}

altroot_err altroot_cose_x5chain_decode(altroot_span in, bool allow_wrapped, altroot_certs **out,
                                        unsigned *quirks)
{
    altroot_cbor_item item;
    unsigned q = 0;
    TRY(altroot_cbor_decode(in, &item));
    altroot_certs *chain = NULL;
    TRY(altroot_certs_new(&chain));
    altroot_err err = x5chain_item(&item, allow_wrapped, chain, &q);
    if (err != ALTROOT_OK) {
        altroot_certs_free(chain);
        return err;
    }
    *out = chain;
    if (quirks != NULL)
        *quirks |= q;
    return ALTROOT_OK;
}

altroot_err altroot_cose_x5chain_encode(const altroot_certs *chain, altroot_bytes *out)
{
    size_t n = altroot_certs_count(chain);
    ENSURE(n >= 1 && n <= X5CHAIN_MAX, ALTROOT_E_ARG);
    TRY(altroot_cbor_put_head(out, ALTROOT_CBOR_ARRAY, n));
    for (size_t i = 0; i < n; i++)
        TRY(altroot_cbor_put_bstr(out, altroot_cert_der(altroot_certs_get(chain, i))));
    return ALTROOT_OK;
}
