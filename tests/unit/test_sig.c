/* Signatures: every algorithm, both ECDSA encodings, and each way to fail. */
#include <string.h>

#include "testutil.h"

static void round_trip(altroot_key_type kt, altroot_sig_alg alg, altroot_sig_format fmt,
                       size_t raw_len)
{
    altroot_key *k = NULL;
    assert_ok(altroot_key_generate(kt, &k));
    const uint8_t msg[] = "attestation elements || challenge";
    altroot_span data = {msg, sizeof msg - 1};
    altroot_bytes sig = ALTROOT_BYTES_INIT;
    assert_ok(altroot_sign(k, alg, fmt, data, &sig));
    if (raw_len != 0)
        assert_int_equal(sig.len, raw_len);
    assert_ok(altroot_verify_signature(k, alg, fmt, data, altroot_bytes_span(&sig)));
    /* One flipped bit in the data, then in the signature. */
    uint8_t other[sizeof msg];
    memcpy(other, msg, sizeof msg);
    other[3] ^= 1;
    assert_int_equal(altroot_verify_signature(k, alg, fmt, (altroot_span){other, data.len},
                                              altroot_bytes_span(&sig)),
                     ALTROOT_E_SIGNATURE);
    sig.ptr[sig.len / 2] ^= 0x10;
    altroot_err e = altroot_verify_signature(k, alg, fmt, data, altroot_bytes_span(&sig));
    assert_true(e == ALTROOT_E_SIGNATURE || e == ALTROOT_E_MALFORMED);
    /* Truncated. */
    sig.ptr[sig.len / 2] ^= 0x10;
    e = altroot_verify_signature(k, alg, fmt, data, (altroot_span){sig.ptr, sig.len - 1});
    assert_true(e == ALTROOT_E_SIGNATURE || e == ALTROOT_E_MALFORMED);
    altroot_bytes_clear(&sig);
    altroot_key_free(k);
}

static void every_algorithm_round_trips(void **state)
{
    (void)state;
    round_trip(ALTROOT_KEY_EC_P256, ALTROOT_SIG_ECDSA_P256_SHA256, ALTROOT_SIG_FORMAT_RAW, 64);
    round_trip(ALTROOT_KEY_EC_P256, ALTROOT_SIG_ECDSA_P256_SHA256, ALTROOT_SIG_FORMAT_DER, 0);
    round_trip(ALTROOT_KEY_EC_P384, ALTROOT_SIG_ECDSA_P384_SHA384, ALTROOT_SIG_FORMAT_RAW, 96);
    round_trip(ALTROOT_KEY_EC_P384, ALTROOT_SIG_ECDSA_P384_SHA384, ALTROOT_SIG_FORMAT_DER, 0);
    round_trip(ALTROOT_KEY_RSA_2048, ALTROOT_SIG_RSA_PKCS1_SHA256, ALTROOT_SIG_FORMAT_DER, 256);
    round_trip(ALTROOT_KEY_RSA_2048, ALTROOT_SIG_RSA_PKCS1_SHA384, ALTROOT_SIG_FORMAT_DER, 256);
    round_trip(ALTROOT_KEY_RSA_2048, ALTROOT_SIG_RSA_PSS_SHA256, ALTROOT_SIG_FORMAT_DER, 256);
    round_trip(ALTROOT_KEY_RSA_2048, ALTROOT_SIG_RSA_PSS_SHA384, ALTROOT_SIG_FORMAT_DER, 256);
}

static void key_must_fit_the_algorithm(void **state)
{
    (void)state;
    altroot_key *p256 = NULL, *p384 = NULL, *rsa = NULL;
    assert_ok(altroot_key_generate(ALTROOT_KEY_EC_P256, &p256));
    assert_ok(altroot_key_generate(ALTROOT_KEY_EC_P384, &p384));
    assert_ok(altroot_key_generate(ALTROOT_KEY_RSA_2048, &rsa));
    uint8_t sig[96] = {1};
    altroot_span d = {(const uint8_t *)"x", 1};
    assert_int_equal(altroot_verify_signature(p384, ALTROOT_SIG_ECDSA_P256_SHA256,
                                              ALTROOT_SIG_FORMAT_RAW, d, (altroot_span){sig, 64}),
                     ALTROOT_E_KEY_PARSE);
    assert_int_equal(altroot_verify_signature(rsa, ALTROOT_SIG_ECDSA_P256_SHA256,
                                              ALTROOT_SIG_FORMAT_RAW, d, (altroot_span){sig, 64}),
                     ALTROOT_E_KEY_PARSE);
    assert_int_equal(altroot_verify_signature(p256, ALTROOT_SIG_RSA_PSS_SHA256,
                                              ALTROOT_SIG_FORMAT_DER, d, (altroot_span){sig, 64}),
                     ALTROOT_E_KEY_PARSE);
    /* Raw ECDSA must be exactly 2 x 32 bytes for P-256. */
    assert_int_equal(altroot_verify_signature(p256, ALTROOT_SIG_ECDSA_P256_SHA256,
                                              ALTROOT_SIG_FORMAT_RAW, d, (altroot_span){sig, 63}),
                     ALTROOT_E_MALFORMED);
    assert_int_equal(altroot_verify_signature(p256, ALTROOT_SIG_ECDSA_P256_SHA256,
                                              ALTROOT_SIG_FORMAT_RAW, d, (altroot_span){sig, 96}),
                     ALTROOT_E_MALFORMED);
    assert_int_equal(altroot_verify_signature(p256, ALTROOT_SIG_ECDSA_P256_SHA256,
                                              ALTROOT_SIG_FORMAT_RAW, d, (altroot_span){NULL, 0}),
                     ALTROOT_E_MALFORMED);
    /* A public key cannot sign. */
    altroot_certs *l = NULL;
    altroot_key *pub = NULL;
    assert_ok(altroot_certs_new(&l));
    assert_ok(altroot_certs_load_file(l, testutil_data("tls/leaf.pem")));
    assert_ok(altroot_cert_public_key(altroot_certs_get(l, 0), &pub));
    altroot_bytes out = ALTROOT_BYTES_INIT;
    assert_int_equal(
        altroot_sign(pub, ALTROOT_SIG_ECDSA_P256_SHA256, ALTROOT_SIG_FORMAT_RAW, d, &out),
        ALTROOT_E_KEY_PARSE);
    altroot_key_free(pub);
    altroot_certs_free(l);
    altroot_key_free(p256);
    altroot_key_free(p384);
    altroot_key_free(rsa);
}

static void certificate_info(void **state)
{
    (void)state;
    altroot_certs *l = NULL;
    assert_ok(altroot_certs_new(&l));
    assert_ok(altroot_certs_load_file(l, testutil_data("tls/leaf.pem")));
    assert_ok(altroot_certs_load_file(l, testutil_data("tls/local-ca.pem")));
    altroot_cert_info i;
    assert_ok(altroot_cert_get_info(altroot_certs_get(l, 0), &i));
    assert_int_equal(i.version, 3);
    assert_string_equal(i.sig_alg, "1.2.840.10045.4.3.2");
    assert_string_equal(i.key_alg, "1.2.840.10045.2.1");
    assert_string_equal(i.key_curve, "1.2.840.10045.3.1.7");
    assert_int_equal(i.key_point_len, 65);
    assert_int_equal(i.key_point[0], 0x04);
    assert_true(i.key_usage.present && i.key_usage.critical);
    assert_int_equal(i.key_usage_bits, ALTROOT_KU_DIGITAL_SIGNATURE);
    assert_true(i.subject_key_id.present && !i.subject_key_id.critical);
    assert_int_equal(i.skid_len, 20);
    assert_true(i.authority_key_id.present && i.akid_has_key_id);
    assert_true(i.ext_key_usage.present && i.subject_alt_name.present);
    assert_false(i.basic_constraints.present);
    assert_false(i.duplicate_extension);
    assert_true(i.serial_len > 0);
    altroot_cert_info ca;
    assert_ok(altroot_cert_get_info(altroot_certs_get(l, 1), &ca));
    assert_true(ca.basic_constraints.present && ca.basic_constraints.critical && ca.ca);
    assert_true(ca.path_len_present);
    assert_int_equal(ca.path_len, 0);
    assert_int_equal(ca.key_usage_bits, ALTROOT_KU_KEY_CERT_SIGN | ALTROOT_KU_CRL_SIGN);
    /* The leaf's AKID is the CA's SKID. */
    assert_int_equal(i.akid_len, ca.skid_len);
    assert_memory_equal(i.akid, ca.skid, ca.skid_len);
    altroot_name_attr attrs[4];
    size_t n = 0;
    assert_ok(altroot_cert_subject_attrs(altroot_certs_get(l, 1), attrs, 4, &n));
    assert_int_equal(n, 2);
    assert_string_equal(attrs[0].oid, "2.5.4.10");
    assert_string_equal(attrs[1].oid, "2.5.4.3");
    assert_int_equal(attrs[1].string_type, 12);
    assert_memory_equal(attrs[1].value, "Home CA", 7);
    assert_int_equal(attrs[1].rdn, 1);
    bool crit = true;
    altroot_span v;
    assert_ok(altroot_cert_extension(altroot_certs_get(l, 0), "2.5.29.17", &crit, &v));
    assert_false(crit);
    assert_int_equal(v.ptr[0], 0x30); /* GeneralNames SEQUENCE */
    assert_ok(altroot_cert_extension(altroot_certs_get(l, 0), "2.5.29.15", &crit, &v));
    assert_true(crit);
    assert_int_equal(
        altroot_cert_extension(altroot_certs_get(l, 0), "1.3.6.1.5.5.7.1.25", &crit, &v),
        ALTROOT_E_NOT_FOUND);
    assert_int_equal(altroot_cert_extension(altroot_certs_get(l, 0), "not-an-oid", &crit, &v),
                     ALTROOT_E_ARG);
    assert_true(altroot_cert_subject_der(altroot_certs_get(l, 0)).len > 0);
    assert_true(altroot_span_equal(altroot_cert_issuer_der(altroot_certs_get(l, 0)),
                                   altroot_cert_subject_der(altroot_certs_get(l, 1))));
    altroot_key *ca_key = NULL;
    assert_ok(altroot_cert_public_key(altroot_certs_get(l, 1), &ca_key));
    assert_true(altroot_cert_signed_by(altroot_certs_get(l, 0), ca_key));
    altroot_key *leaf_key = NULL;
    assert_ok(altroot_cert_public_key(altroot_certs_get(l, 0), &leaf_key));
    assert_false(altroot_cert_signed_by(altroot_certs_get(l, 0), leaf_key));
    altroot_key_free(ca_key);
    altroot_key_free(leaf_key);
    altroot_certs_free(l);
}

static void keys_from_raw_parts(void **state)
{
    (void)state;
    altroot_key *k = NULL, *back = NULL;
    altroot_bytes point = ALTROOT_BYTES_INIT, spki = ALTROOT_BYTES_INIT;
    assert_ok(altroot_key_generate(ALTROOT_KEY_EC_P256, &k));
    assert_int_equal(altroot_key_get_type(k), ALTROOT_KEY_EC_P256);
    assert_ok(altroot_key_ec_point(k, &point));
    assert_int_equal(point.len, 65);
    assert_ok(altroot_key_from_ec_point(ALTROOT_KEY_EC_P256, altroot_bytes_span(&point), &back));
    assert_true(altroot_key_equal(k, back));
    altroot_key_free(back);
    /* Wrong curve size, compressed form, and a point off the curve are all rejected. */
    assert_int_equal(
        altroot_key_from_ec_point(ALTROOT_KEY_EC_P384, altroot_bytes_span(&point), &back),
        ALTROOT_E_KEY_PARSE);
    point.ptr[0] = 0x02;
    assert_int_equal(
        altroot_key_from_ec_point(ALTROOT_KEY_EC_P256, altroot_bytes_span(&point), &back),
        ALTROOT_E_KEY_PARSE);
    point.ptr[0] = 0x04;
    point.ptr[64] ^= 1;
    assert_int_equal(
        altroot_key_from_ec_point(ALTROOT_KEY_EC_P256, altroot_bytes_span(&point), &back),
        ALTROOT_E_KEY_PARSE);
    assert_ok(altroot_key_spki_der(k, &spki));
    assert_ok(altroot_key_parse_public(altroot_bytes_span(&spki), &back));
    assert_true(altroot_key_equal(k, back));
    altroot_key_free(back);
    /* The SubjectPublicKeyInfo read without OpenSSL's decoders is held to the same rules: a
     * point off the curve and a trailing byte are refused. */
    spki.ptr[spki.len - 1] ^= 1;
    assert_int_equal(altroot_key_parse_public(altroot_bytes_span(&spki), &back),
                     ALTROOT_E_KEY_PARSE);
    spki.ptr[spki.len - 1] ^= 1;
    assert_ok(altroot_bytes_append_u8(&spki, 0));
    assert_int_equal(altroot_key_parse_public(altroot_bytes_span(&spki), &back),
                     ALTROOT_E_TRAILING_DATA);
    altroot_key_free(k);
    altroot_bytes_clear(&point);
    altroot_bytes_clear(&spki);
    /* P-384 both ways; the SPKI written here is byte for byte what OpenSSL writes into a
     * certificate. */
    assert_ok(altroot_key_generate(ALTROOT_KEY_EC_P384, &k));
    assert_ok(altroot_key_spki_der(k, &spki));
    assert_int_equal(spki.len, 120);
    altroot_cert_template t = {.common_name = "spki", .path_len = -1, .not_after = 2000000000};
    altroot_cert *c = NULL;
    uint8_t h_cert[32], h_key[32];
    assert_ok(altroot_cert_issue(&t, k, NULL, NULL, &c));
    assert_ok(altroot_cert_spki_sha256(c, h_cert));
    assert_ok(altroot_key_spki_sha256(k, h_key));
    assert_memory_equal(h_cert, h_key, 32);
    altroot_cert_free(c);
    assert_ok(altroot_key_parse_public(altroot_bytes_span(&spki), &back));
    assert_int_equal(altroot_key_get_type(back), ALTROOT_KEY_EC_P384);
    assert_true(altroot_key_equal(k, back));
    altroot_key_free(back);
    altroot_key_free(k);
    altroot_bytes_clear(&spki);
    /* RSA: a 2048-bit modulus and e = 65537 make a key; a short modulus or even e do not. */
    uint8_t n[256], e[3] = {0x01, 0x00, 0x01};
    memset(n, 0xC5, sizeof n);
    n[255] |= 1;
    assert_ok(altroot_key_from_rsa((altroot_span){n, 256}, (altroot_span){e, 3}, &back));
    assert_int_equal(altroot_key_get_type(back), ALTROOT_KEY_RSA_2048);
    altroot_key_free(back);
    assert_int_equal(altroot_key_from_rsa((altroot_span){n, 128}, (altroot_span){e, 3}, &back),
                     ALTROOT_E_KEY_PARSE);
    e[2] = 0x00;
    assert_int_equal(altroot_key_from_rsa((altroot_span){n, 256}, (altroot_span){e, 3}, &back),
                     ALTROOT_E_KEY_PARSE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_algorithm_round_trips),
        cmocka_unit_test(key_must_fit_the_algorithm),
        cmocka_unit_test(certificate_info),
        cmocka_unit_test(keys_from_raw_parts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
