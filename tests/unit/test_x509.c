#include <string.h>

#include "testutil.h"

#include "crypto/sig_count.h"

#define DAY ((altroot_time)86400)
static const altroot_time NOW = 1795849200; /* 2026-11-28T07:00:00Z */

static altroot_certs *load(const char *name)
{
    altroot_certs *l = NULL;
    assert_ok(altroot_certs_new(&l));
    assert_ok(altroot_certs_load_file(l, testutil_data(name)));
    return l;
}

static void parses_pem_and_der_and_rejects_broken_files(void **state)
{
    (void)state;
    altroot_certs *l = load("tls/self-signed.pem");
    assert_int_equal(altroot_certs_count(l), 1);
    assert_ok(altroot_certs_load_file(l, testutil_data("tls/self-signed.der")));
    assert_int_equal(altroot_certs_count(l), 2);
    assert_true(altroot_span_equal(altroot_cert_der(altroot_certs_get(l, 0)),
                                   altroot_cert_der(altroot_certs_get(l, 1))));
    assert_int_equal(altroot_certs_load_file(l, testutil_data("tls/truncated.der")),
                     ALTROOT_E_CERT_PARSE);
    assert_int_equal(altroot_certs_load_file(l, testutil_data("tls/trailing.der")),
                     ALTROOT_E_TRAILING_DATA);
    assert_int_equal(altroot_certs_load_file(l, testutil_data("tls/bad-base64.pem")),
                     ALTROOT_E_PEM);
    assert_int_equal(altroot_certs_load_file(l, testutil_data("tls/garbage.txt")),
                     ALTROOT_E_CERT_PARSE);
    assert_int_equal(altroot_certs_load_file(l, testutil_data("tls/self-signed.key")),
                     ALTROOT_E_EMPTY);
    assert_int_equal(altroot_certs_load_file(l, testutil_data("tls/none.pem")),
                     ALTROOT_E_NOT_FOUND);
    assert_int_equal(altroot_certs_count(l), 2); /* failures leave the list unchanged */
    altroot_certs_free(l);
}

static void accessors(void **state)
{
    (void)state;
    altroot_certs *l = load("tls/leaf.pem");
    altroot_cert *c = altroot_certs_get(l, 0);
    char buf[256];
    altroot_cert_subject(c, buf, sizeof buf);
    assert_string_equal(buf, "CN=printer.home.arpa");
    altroot_cert_issuer(c, buf, sizeof buf);
    assert_string_equal(buf, "CN=Home CA,O=Home");
    altroot_cert_common_name(c, buf, sizeof buf);
    assert_string_equal(buf, "printer.home.arpa");
    altroot_cert_key_desc(c, buf, sizeof buf);
    assert_string_equal(buf, "EC P-256");
    altroot_strlist sans = ALTROOT_STRLIST_INIT;
    assert_ok(altroot_cert_sans(c, &sans));
    assert_int_equal(sans.count, 3);
    assert_string_equal(sans.items[0], "DNS:printer.home.arpa");
    assert_string_equal(sans.items[2], "IP:127.0.0.1");
    altroot_strlist_clear(&sans);
    assert_false(altroot_cert_is_self_signed(c));
    assert_false(altroot_cert_is_ca(c));
    altroot_time nb, na;
    assert_ok(altroot_cert_validity(c, &nb, &na));
    assert_true(na > nb);
    altroot_certs_free(l);

    l = load("tls/local-ca.pem");
    assert_true(altroot_cert_is_ca(altroot_certs_get(l, 0)));
    assert_true(altroot_cert_is_self_signed(altroot_certs_get(l, 0)));
    assert_true(altroot_cert_has_name_constraints(altroot_certs_get(l, 0)));
    altroot_certs_free(l);
}

/* The key ids read without decoding the rest agree with the full decode, present or absent. */
static void key_ids_agree_with_the_full_decode(void **state)
{
    (void)state;
    static const char *const files[] = {"tls/leaf.pem", "tls/local-ca.pem", "tls/self-signed.pem"};
    size_t with_akid = 0;
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        altroot_certs *l = load(files[f]);
        altroot_cert *c = altroot_certs_get(l, 0);
        altroot_cert_info info;
        altroot_span skid, akid;
        assert_ok(altroot_cert_get_info(c, &info));
        assert_ok(altroot_cert_key_ids(c, &skid, &akid));
        assert_true(altroot_span_equal(skid, (altroot_span){info.skid, info.skid_len}));
        assert_int_equal(akid.len > 0, info.akid_has_key_id);
        assert_true(altroot_span_equal(akid, (altroot_span){info.akid, info.akid_len}));
        with_akid += akid.len > 0;
        altroot_certs_free(l);
    }
    assert_true(with_akid > 0);
}

typedef struct mini_pki {
    altroot_key *ca_key, *leaf_key;
    altroot_cert *ca, *leaf;
} mini_pki;

static void make_pki(mini_pki *p, const char *leaf_dns, altroot_time nb, altroot_time na,
                     bool constrained)
{
    static const char *const permitted[] = {"home.arpa"};
    altroot_cert_template ca = {.common_name = "Test CA",
                                .not_before = NOW - DAY,
                                .not_after = NOW + 365 * DAY,
                                .is_ca = true,
                                .path_len = 0,
                                .permitted_dns = constrained ? permitted : NULL,
                                .permitted_dns_count = constrained ? 1 : 0};
    const char *dns[] = {leaf_dns};
    const char *ips[] = {"127.0.0.1", "::1"};
    altroot_cert_template leaf = {.common_name = leaf_dns,
                                  .dns_names = dns,
                                  .dns_count = 1,
                                  .ip_addrs = ips,
                                  .ip_count = 2,
                                  .not_before = nb,
                                  .not_after = na,
                                  .server_auth = true};
    assert_ok(altroot_key_generate(ALTROOT_KEY_EC_P256, &p->ca_key));
    assert_ok(altroot_key_generate(ALTROOT_KEY_EC_P256, &p->leaf_key));
    assert_ok(altroot_cert_issue(&ca, p->ca_key, NULL, NULL, &p->ca));
    assert_ok(altroot_cert_issue(&leaf, p->leaf_key, p->ca, p->ca_key, &p->leaf));
}

static void free_pki(mini_pki *p)
{
    altroot_key_free(p->ca_key);
    altroot_key_free(p->leaf_key);
    altroot_cert_free(p->ca);
    altroot_cert_free(p->leaf);
}

static altroot_certs *one(altroot_cert *c)
{
    altroot_certs *l = NULL;
    assert_ok(altroot_certs_new(&l));
    if (c != NULL)
        assert_ok(altroot_certs_push(l, c));
    return l;
}

static void verify(const mini_pki *p, altroot_cert *anchor, const char *host, const char *ip,
                   altroot_time at, altroot_chain_result *r)
{
    altroot_certs *chain = one(p->leaf), *anchors = one(anchor);
    altroot_chain_params params = {
        .at = at, .host = host, .ip = ip, .purpose = ALTROOT_PURPOSE_TLS_SERVER, .want_path = true};
    assert_ok(altroot_chain_verify(chain, anchors, &params, r));
    altroot_certs_free(chain);
    altroot_certs_free(anchors);
}

static void chain_verifies_with_host_and_ip(void **state)
{
    (void)state;
    mini_pki p;
    make_pki(&p, "printer.home.arpa", NOW - DAY, NOW + 30 * DAY, true);
    altroot_chain_result r;
    verify(&p, p.ca, "printer.home.arpa", NULL, NOW, &r);
    assert_true(r.verified);
    assert_true(r.reached_anchor);
    assert_int_equal(r.anchor_index, 0);
    assert_int_equal(altroot_certs_count(r.path), 2);
    altroot_chain_result_clear(&r);
    verify(&p, p.ca, NULL, "::1", NOW, &r);
    assert_true(r.verified);
    altroot_chain_result_clear(&r);
    /* Case-insensitive DNS match, no CN fallback needed. */
    verify(&p, p.ca, "PRINTER.home.arpa", NULL, NOW, &r);
    assert_true(r.verified);
    altroot_chain_result_clear(&r);
    free_pki(&p);
}

/* The crypto layer counts every signature it verifies (the benchmarks' floors come from it): a
 * leaf under a CA is one, the CA's own self-signature is not checked in a chain, a
 * self-signature check is one, a signature over bytes is one. */
static void signatures_verified_are_counted(void **state)
{
    (void)state;
    mini_pki p;
    make_pki(&p, "printer.home.arpa", NOW - DAY, NOW + 30 * DAY, false);
    altroot_chain_result r;
    uint64_t before = altroot_sig_count();
    verify(&p, p.ca, "printer.home.arpa", NULL, NOW, &r);
    assert_true(r.verified);
    assert_int_equal(altroot_sig_count() - before, 1);
    altroot_chain_result_clear(&r);
    before = altroot_sig_count();
    assert_true(altroot_cert_is_self_signed(p.ca));
    assert_false(altroot_cert_is_self_signed(p.leaf)); /* not self-issued: nothing verified */
    assert_int_equal(altroot_sig_count() - before, 1);
    altroot_bytes sig = ALTROOT_BYTES_INIT;
    const uint8_t msg[] = "counted";
    altroot_span data = {msg, sizeof msg - 1};
    assert_ok(altroot_sign(p.leaf_key, ALTROOT_SIG_ECDSA_P256_SHA256, ALTROOT_SIG_FORMAT_DER, data,
                           &sig));
    before = altroot_sig_count();
    assert_ok(altroot_verify_signature(p.leaf_key, ALTROOT_SIG_ECDSA_P256_SHA256,
                                       ALTROOT_SIG_FORMAT_DER, data, altroot_bytes_span(&sig)));
    assert_int_equal(altroot_sig_count() - before, 1);
    altroot_bytes_clear(&sig);
    free_pki(&p);
}

static void every_failure_is_collected(void **state)
{
    (void)state;
    mini_pki p;
    make_pki(&p, "printer.home.arpa", NOW - 10 * DAY, NOW - DAY, true);
    altroot_chain_result r;
    verify(&p, p.ca, "other.home.arpa", NULL, NOW, &r);
    assert_false(r.verified);
    assert_true(r.reached_anchor); /* the path is there; its checks fail */
    assert_true(altroot_failures_has(&r.failures, ALTROOT_E_CERT_EXPIRED));
    assert_true(altroot_failures_has(&r.failures, ALTROOT_E_NAME_MISMATCH));
    altroot_chain_result_clear(&r);
    /* Not yet valid: the same chain, checked before it starts. */
    verify(&p, p.ca, "printer.home.arpa", NULL, NOW - 20 * DAY, &r);
    assert_false(r.verified);
    assert_true(altroot_failures_has(&r.failures, ALTROOT_E_CERT_NOT_YET_VALID));
    altroot_chain_result_clear(&r);
    verify(&p, p.ca, NULL, "127.0.0.2", NOW - 5 * DAY, &r);
    assert_false(r.verified);
    assert_true(altroot_failures_has(&r.failures, ALTROOT_E_NAME_MISMATCH));
    altroot_chain_result_clear(&r);
    free_pki(&p);
}

static void name_constraints_are_enforced(void **state)
{
    (void)state;
    mini_pki p;
    make_pki(&p, "bank.example", NOW - DAY, NOW + DAY, true);
    altroot_chain_result r;
    verify(&p, p.ca, "bank.example", NULL, NOW, &r);
    assert_false(r.verified);
    assert_true(altroot_failures_has(&r.failures, ALTROOT_E_CHAIN_NAME_CONSTRAINTS));
    altroot_chain_result_clear(&r);
    free_pki(&p);
}

static void look_alike_anchor_with_the_same_name_fails(void **state)
{
    (void)state;
    mini_pki p, q;
    make_pki(&p, "printer.home.arpa", NOW - DAY, NOW + DAY, false);
    make_pki(&q, "printer.home.arpa", NOW - DAY, NOW + DAY, false); /* same names, other keys */
    altroot_chain_result r;
    verify(&p, q.ca, "printer.home.arpa", NULL, NOW, &r);
    assert_false(r.verified);
    assert_false(r.reached_anchor);
    assert_true(altroot_failures_has(&r.failures, ALTROOT_E_SIGNATURE) ||
                altroot_failures_has(&r.failures, ALTROOT_E_CHAIN_NO_ANCHOR));
    altroot_chain_result_clear(&r);
    free_pki(&p);
    free_pki(&q);
}

static void no_anchor_and_self_signed(void **state)
{
    (void)state;
    mini_pki p;
    make_pki(&p, "printer.home.arpa", NOW - DAY, NOW + DAY, false);
    altroot_chain_result r;
    verify(&p, NULL, "printer.home.arpa", NULL, NOW, &r);
    assert_false(r.verified);
    assert_false(r.reached_anchor);
    assert_true(altroot_failures_has(&r.failures, ALTROOT_E_CHAIN_NO_ANCHOR));
    altroot_chain_result_clear(&r);
    altroot_certs *chain = one(p.ca), *anchors = one(NULL);
    altroot_chain_params params = {.at = NOW};
    assert_ok(altroot_chain_verify(chain, anchors, &params, &r));
    assert_false(r.verified);
    assert_true(altroot_failures_has(&r.failures, ALTROOT_E_CHAIN_SELF_SIGNED));
    altroot_chain_result_clear(&r);
    altroot_certs_free(chain);
    altroot_certs_free(anchors);
    free_pki(&p);
}

static void issued_times_round_trip_including_no_expiry(void **state)
{
    (void)state;
    altroot_key *k = NULL;
    altroot_cert *c = NULL;
    assert_ok(altroot_key_generate(ALTROOT_KEY_EC_P256, &k));
    altroot_cert_template t = {
        .common_name = "devid", .not_before = NOW, .not_after = ALTROOT_TIME_NO_EXPIRY};
    assert_ok(altroot_cert_issue(&t, k, NULL, NULL, &c));
    altroot_time nb, na;
    assert_ok(altroot_cert_validity(c, &nb, &na));
    assert_true(nb == NOW);
    assert_true(na == ALTROOT_TIME_NO_EXPIRY);
    /* Reparse from DER: byte-identical. */
    altroot_cert *d = NULL;
    assert_ok(altroot_cert_from_der(altroot_cert_der(c), &d));
    assert_true(altroot_span_equal(altroot_cert_der(c), altroot_cert_der(d)));
    uint8_t a[32], b[32];
    assert_ok(altroot_cert_spki_sha256(c, a));
    assert_ok(altroot_key_spki_sha256(k, b));
    assert_memory_equal(a, b, 32);
    altroot_cert_free(c);
    altroot_cert_free(d);
    altroot_key_free(k);
}

static void keys_parse_and_compare(void **state)
{
    (void)state;
    altroot_bytes pem = ALTROOT_BYTES_INIT;
    assert_ok(altroot_bytes_read_file(&pem, testutil_data("tls/leaf.key"), 1 << 16));
    altroot_key *priv = NULL, *pub = NULL;
    assert_ok(altroot_key_parse_private(altroot_bytes_span(&pem), &priv));
    altroot_certs *l = load("tls/leaf.pem");
    assert_ok(altroot_cert_public_key(altroot_certs_get(l, 0), &pub));
    assert_true(altroot_key_equal(priv, pub));
    assert_int_equal(altroot_key_parse_public(altroot_bytes_span(&pem), &pub),
                     ALTROOT_E_KEY_PARSE); /* a private key is not a public-key file */
    altroot_bytes_clear(&pem);
    altroot_key_free(priv);
    altroot_key_free(pub);
    altroot_certs_free(l);
}

/* Fail each allocation in turn: every path returns a clean error and leaks nothing (ASan). */
static void chain_verify_survives_allocation_failures(void **state)
{
    (void)state;
    mini_pki p;
    make_pki(&p, "printer.home.arpa", NOW - DAY, NOW + DAY, true);
    testutil_install_allocator();
    for (long n = 1; n < 10000; n++) {
        altroot_certs *chain = NULL, *anchors = NULL;
        altroot_chain_result r = {0};
        testutil_fail_after(n);
        altroot_err err = altroot_certs_new(&chain);
        if (err == ALTROOT_OK)
            err = altroot_certs_push(chain, p.leaf);
        if (err == ALTROOT_OK)
            err = altroot_certs_new(&anchors);
        if (err == ALTROOT_OK)
            err = altroot_certs_push(anchors, p.ca);
        altroot_chain_params params = {.at = NOW, .host = "printer.home.arpa"};
        if (err == ALTROOT_OK)
            err = altroot_chain_verify(chain, anchors, &params, &r);
        int failed = testutil_alloc_failed();
        testutil_fail_after(0);
        if (failed)
            assert_int_equal(err, ALTROOT_E_NOMEM);
        else
            assert_true(err == ALTROOT_OK && r.verified);
        altroot_chain_result_clear(&r);
        altroot_certs_free(chain);
        altroot_certs_free(anchors);
        if (!failed)
            break;
    }
    altroot_set_allocator(NULL);
    free_pki(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_pem_and_der_and_rejects_broken_files),
        cmocka_unit_test(accessors),
        cmocka_unit_test(key_ids_agree_with_the_full_decode),
        cmocka_unit_test(chain_verifies_with_host_and_ip),
        cmocka_unit_test(signatures_verified_are_counted),
        cmocka_unit_test(every_failure_is_collected),
        cmocka_unit_test(name_constraints_are_enforced),
        cmocka_unit_test(look_alike_anchor_with_the_same_name_fails),
        cmocka_unit_test(no_anchor_and_self_signed),
        cmocka_unit_test(issued_times_round_trip_including_no_expiry),
        cmocka_unit_test(keys_parse_and_compare),
        cmocka_unit_test(chain_verify_survives_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
