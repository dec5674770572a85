/* COSE_Sign1 (RFC 9052) and the COSE_Key / X5CHAIN key encodings (include/altroot/cose.h). */
#include <string.h>

#include <altroot/cose.h>
#include <altroot/fdo_crypto.h>

#include "encoding/cbor.h"
#include "testutil.h"

/* memmem is a GNU extension: the tests carry their own. */
static uint8_t *find(uint8_t *hay, size_t n, const uint8_t *needle, size_t m)
{
    for (size_t i = 0; m <= n && i <= n - m; i++)
        if (memcmp(hay + i, needle, m) == 0)
            return hay + i;
    return NULL;
}

static const uint8_t PAYLOAD[] = {0x83, 0x01, 0x02, 0x03};

static void sign_verify(altroot_cose_alg alg, const altroot_key *k, const altroot_key *other)
{
    altroot_bytes m = ALTROOT_BYTES_INIT;
    altroot_span pl = {PAYLOAD, sizeof PAYLOAD}, none = {NULL, 0};
    assert_ok(altroot_cose_sign1_sign(alg, k, pl, none, &m));
    altroot_cose_sign1 s;
    assert_ok(altroot_cose_sign1_decode(altroot_bytes_span(&m), &s));
    assert_true(s.tagged);
    assert_int_equal(s.alg, alg);
    assert_ok(altroot_cose_sign1_verify(&s, k, none));
    /* external AAD is part of the Sig_structure */
    static const uint8_t aad[] = {1};
    assert_int_equal(altroot_cose_sign1_verify(&s, k, (altroot_span){aad, 1}),
                     ALTROOT_E_COSE_SIGNATURE);
    assert_int_equal(altroot_cose_sign1_verify(&s, other, none), ALTROOT_E_COSE_SIGNATURE);
    /* the last payload byte changed in the message bytes */
    uint8_t *p = find(m.ptr, m.len, PAYLOAD, sizeof PAYLOAD);
    assert_non_null(p);
    p[3] ^= 1;
    assert_ok(altroot_cose_sign1_decode(altroot_bytes_span(&m), &s));
    assert_int_equal(altroot_cose_sign1_verify(&s, k, none), ALTROOT_E_COSE_SIGNATURE);
    altroot_bytes_clear(&m);
}

static void every_algorithm_signs_and_verifies(void **state)
{
    (void)state;
    altroot_key *p256 = NULL, *p256b = NULL, *p384 = NULL, *p384b = NULL, *rsa = NULL, *rsab = NULL;
    assert_ok(altroot_key_generate(ALTROOT_KEY_EC_P256, &p256));
    assert_ok(altroot_key_generate(ALTROOT_KEY_EC_P256, &p256b));
    assert_ok(altroot_key_generate(ALTROOT_KEY_EC_P384, &p384));
    assert_ok(altroot_key_generate(ALTROOT_KEY_EC_P384, &p384b));
    assert_ok(altroot_key_generate(ALTROOT_KEY_RSA_2048, &rsa));
    assert_ok(altroot_key_generate(ALTROOT_KEY_RSA_2048, &rsab));
    sign_verify(ALTROOT_COSE_ES256, p256, p256b);
    sign_verify(ALTROOT_COSE_ES384, p384, p384b);
    sign_verify(ALTROOT_COSE_RS256, rsa, rsab);
    sign_verify(ALTROOT_COSE_RS384, rsa, rsab);
    sign_verify(ALTROOT_COSE_PS256, rsa, rsab);
    sign_verify(ALTROOT_COSE_PS384, rsa, rsab);
    /* the algorithm must fit the key */
    altroot_bytes m = ALTROOT_BYTES_INIT;
    assert_ok(altroot_cose_sign1_sign(ALTROOT_COSE_ES256, p256, (altroot_span){PAYLOAD, 4},
                                      (altroot_span){NULL, 0}, &m));
    altroot_cose_sign1 s;
    assert_ok(altroot_cose_sign1_decode(altroot_bytes_span(&m), &s));
    assert_int_equal(altroot_cose_sign1_verify(&s, p384, (altroot_span){NULL, 0}),
                     ALTROOT_E_COSE_ALG_KEY);
    assert_int_equal(altroot_cose_sign1_verify(&s, rsa, (altroot_span){NULL, 0}),
                     ALTROOT_E_COSE_ALG_KEY);
    altroot_bytes_clear(&m);
    altroot_key_free(p256);
    altroot_key_free(p256b);
    altroot_key_free(p384);
    altroot_key_free(p384b);
    altroot_key_free(rsa);
    altroot_key_free(rsab);
}

/* Build [bstr(prot), unprot, payload, sig] with raw header bytes. */
static altroot_err decode_with(const uint8_t *prot, size_t plen, const uint8_t *unprot, size_t ulen,
                               int tag, altroot_cose_sign1 *s)
{
    altroot_bytes b = ALTROOT_BYTES_INIT;
    static const uint8_t sig[64] = {1};
    if (tag >= 0)
        assert_ok(altroot_cbor_put_head(&b, ALTROOT_CBOR_TAG, (uint64_t)tag));
    assert_ok(altroot_cbor_put_head(&b, ALTROOT_CBOR_ARRAY, 4));
    assert_ok(altroot_cbor_put_bstr(&b, (altroot_span){prot, plen}));
    assert_ok(altroot_cbor_put_raw(&b, (altroot_span){unprot, ulen}));
    assert_ok(altroot_cbor_put_bstr(&b, (altroot_span){PAYLOAD, 4}));
    assert_ok(altroot_cbor_put_bstr(&b, (altroot_span){sig, 64}));
    altroot_err err = altroot_cose_sign1_decode(altroot_bytes_span(&b), s);
    altroot_bytes_clear(&b);
    return err;
}

static void headers_are_checked(void **state)
{
    (void)state;
    static const uint8_t es256[] = {0xa1, 0x01, 0x26}, es512[] = {0xa1, 0x01, 0x38, 0x23};
    static const uint8_t empty[] = {0xa0}, alg_u[] = {0xa1, 0x01, 0x26};
    static const uint8_t crit[] = {0xa2, 0x01, 0x26, 0x02, 0x81, 0x01};
    static const uint8_t kid[] = {0xa1, 0x04, 0x41, 0x00}, tstr_alg[] = {0xa1, 0x01, 0x61, 'x'};
    altroot_cose_sign1 s;
    assert_ok(decode_with(es256, 3, empty, 1, 18, &s));
    assert_ok(decode_with(es256, 3, kid, 4, -1, &s));
    assert_false(s.tagged);
    assert_int_equal(decode_with(es256, 3, empty, 1, 17, &s), ALTROOT_E_COSE_MALFORMED);
    assert_int_equal(decode_with(es512, 4, empty, 1, 18, &s), ALTROOT_E_COSE_ALG);
    assert_int_equal(decode_with(NULL, 0, empty, 1, 18, &s), ALTROOT_E_COSE_ALG);
    assert_int_equal(decode_with(NULL, 0, alg_u, 3, 18, &s), ALTROOT_E_COSE_HEADER);
    assert_int_equal(decode_with(es256, 3, alg_u, 3, 18, &s), ALTROOT_E_COSE_HEADER);
    assert_int_equal(decode_with(crit, 6, empty, 1, 18, &s), ALTROOT_E_COSE_HEADER);
    assert_int_equal(decode_with(tstr_alg, 4, empty, 1, 18, &s), ALTROOT_E_COSE_ALG);
    assert_int_equal(decode_with(es256, 3, es256, 1, 18, &s), ALTROOT_E_CBOR_MALFORMED);
    static const uint8_t not_map[] = {0x40};
    assert_int_equal(decode_with(es256, 3, not_map, 1, 18, &s), ALTROOT_E_COSE_MALFORMED);
}

static void cose_keys(void **state)
{
    (void)state;
    altroot_key_type types[] = {ALTROOT_KEY_EC_P256, ALTROOT_KEY_EC_P384, ALTROOT_KEY_RSA_2048};
    for (size_t i = 0; i < 3; i++) {
        altroot_key *k = NULL, *back = NULL;
        altroot_bytes b = ALTROOT_BYTES_INIT;
        unsigned q = 0;
        assert_ok(altroot_key_generate(types[i], &k));
        assert_ok(altroot_cose_key_encode(k, &b));
        assert_ok(altroot_cose_key_decode(altroot_bytes_span(&b), &back, &q));
        assert_true(altroot_key_equal(k, back));
        assert_int_equal(q, 0);
        altroot_key_free(back);
        back = NULL;
        if (i == 0) {
            /* {-1: 1, -2: 00||x, -3: y} without kty: both quirks, same key */
            altroot_bytes pt = ALTROOT_BYTES_INIT, m = ALTROOT_BYTES_INIT;
            assert_ok(altroot_key_ec_point(k, &pt));
            uint8_t x[33] = {0};
            memcpy(x + 1, pt.ptr + 1, 32);
            assert_ok(altroot_cbor_put_head(&m, ALTROOT_CBOR_MAP, 3));
            assert_ok(altroot_cbor_put_int(&m, -1));
            assert_ok(altroot_cbor_put_int(&m, 1));
            assert_ok(altroot_cbor_put_int(&m, -2));
            assert_ok(altroot_cbor_put_bstr(&m, (altroot_span){x, 33}));
            assert_ok(altroot_cbor_put_int(&m, -3));
            assert_ok(altroot_cbor_put_bstr(&m, (altroot_span){pt.ptr + 33, 32}));
            assert_ok(altroot_cose_key_decode(altroot_bytes_span(&m), &back, &q));
            assert_true(altroot_key_equal(k, back));
            assert_int_equal(q, ALTROOT_COSE_QUIRK_PADDED_COORD | ALTROOT_COSE_QUIRK_NO_KTY);
            altroot_key_free(back);
            back = NULL;
            /* a point off the curve, a private scalar, an unknown curve */
            x[32] ^= 1;
            altroot_bytes bad = ALTROOT_BYTES_INIT;
            assert_ok(altroot_cbor_put_raw(&bad, altroot_bytes_span(&m)));
            uint8_t *px = find(bad.ptr, bad.len, pt.ptr + 1, 32);
            px[31] ^= 1;
            assert_int_equal(altroot_cose_key_decode(altroot_bytes_span(&bad), &back, NULL),
                             ALTROOT_E_COSE_KEY);
            static const uint8_t priv[] = {0xa3, 0x01, 0x02, 0x20, 0x01, 0x23, 0x41, 0x01};
            assert_int_equal(altroot_cose_key_decode((altroot_span){priv, 8}, &back, NULL),
                             ALTROOT_E_COSE_KEY);
            static const uint8_t crv9[] = {0xa2, 0x01, 0x02, 0x20, 0x09};
            assert_int_equal(altroot_cose_key_decode((altroot_span){crv9, 5}, &back, NULL),
                             ALTROOT_E_COSE_KEY);
            altroot_bytes_clear(&bad);
            altroot_bytes_clear(&pt);
            altroot_bytes_clear(&m);
        }
        altroot_bytes_clear(&b);
        altroot_key_free(k);
    }
}

static void x5chain_forms(void **state)
{
    (void)state;
    altroot_key *k = NULL;
    altroot_cert *c = NULL;
    altroot_certs *l = NULL, *out = NULL;
    altroot_cert_template t = {.common_name = "x", .not_before = 0, .not_after = 1000};
    assert_ok(altroot_key_generate(ALTROOT_KEY_EC_P256, &k));
    assert_ok(altroot_cert_issue(&t, k, NULL, NULL, &c));
    assert_ok(altroot_certs_new(&l));
    assert_ok(altroot_certs_push(l, c));
    assert_ok(altroot_certs_push(l, c));
    altroot_bytes arr = ALTROOT_BYTES_INIT, one = ALTROOT_BYTES_INIT, wrapped = ALTROOT_BYTES_INIT;
    assert_ok(altroot_cose_x5chain_encode(l, &arr));
    assert_ok(altroot_cbor_put_bstr(&one, altroot_cert_der(c)));
    assert_ok(altroot_cbor_put_bstr(&wrapped, altroot_bytes_span(&arr)));
    unsigned q = 0;
    assert_ok(altroot_cose_x5chain_decode(altroot_bytes_span(&arr), false, &out, &q));
    assert_int_equal(altroot_certs_count(out), 2);
    altroot_certs_free(out);
    assert_ok(altroot_cose_x5chain_decode(altroot_bytes_span(&one), false, &out, &q));
    assert_int_equal(altroot_certs_count(out), 1);
    altroot_certs_free(out);
    out = NULL;
    assert_int_equal(altroot_cose_x5chain_decode(altroot_bytes_span(&wrapped), false, &out, &q),
                     ALTROOT_E_COSE_KEY);
    assert_null(out);
    assert_ok(altroot_cose_x5chain_decode(altroot_bytes_span(&wrapped), true, &out, &q));
    assert_int_equal(q, ALTROOT_COSE_QUIRK_WRAPPED_X5CHAIN);
    altroot_certs_free(out);
    static const uint8_t empty_arr[] = {0x80};
    assert_int_equal(altroot_cose_x5chain_decode((altroot_span){empty_arr, 1}, true, &out, NULL),
                     ALTROOT_E_COSE_KEY);
    altroot_bytes_clear(&arr);
    altroot_bytes_clear(&one);
    altroot_bytes_clear(&wrapped);
    altroot_certs_free(l);
    altroot_cert_free(c);
    altroot_key_free(k);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_algorithm_signs_and_verifies),
        cmocka_unit_test(headers_are_checked),
        cmocka_unit_test(cose_keys),
        cmocka_unit_test(x5chain_forms),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
