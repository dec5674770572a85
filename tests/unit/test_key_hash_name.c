/* Key-hash names (include/altroot/key_hash_name.h, docs/key-hash-name.md): the vector of
 * draft-wing-settle-public-key-hash-01 Appendix A, letter case, every malformed form, and the
 * name binding and decision rule 2 in chain evaluation. */
#include <stdio.h>
#include <string.h>

#include "testutil.h"

#define LABEL "0EHV4BUAOTDR4WKEXHDRMBEPFGLCK3ASA4A3FWIQGPIKES2J6LIMA"
#define NOW ((altroot_time)1800000000)
#define DAY ((altroot_time)86400)

static altroot_err parse(const char *host, bool *found, altroot_key_hash_name *n, char *detail,
                         size_t len)
{
    return altroot_key_hash_name_parse((altroot_span){(const uint8_t *)host, strlen(host)}, found,
                                       n, detail, len);
}

static altroot_key *draft_key(void)
{
    altroot_bytes pem = ALTROOT_BYTES_INIT;
    assert_ok(altroot_bytes_read_file(&pem, testutil_data("key_hash_name/draft-appendix-a.pub.pem"),
                                      4096));
    altroot_key *key = NULL;
    assert_ok(altroot_key_parse_public(altroot_bytes_span(&pem), &key));
    altroot_bytes_clear(&pem);
    return key;
}

static void draft_appendix_a_vector(void **state)
{
    (void)state;
    altroot_key *key = draft_key();
    char label[ALTROOT_KEY_HASH_LABEL_LEN + 1], name[256];
    assert_ok(altroot_key_hash_label(key, label, sizeof label));
    assert_string_equal(label, LABEL);
    assert_ok(altroot_key_hash_name_for(key, "printer.local", name, sizeof name));
    assert_string_equal(name, "printer." LABEL ".local");
    assert_ok(altroot_key_hash_name_for(key, "printer", name, sizeof name));
    assert_string_equal(name, "printer." LABEL ".local");
    assert_ok(altroot_key_hash_name_for(key, "nas.lab.internal.", name, sizeof name));
    assert_string_equal(name, "nas." LABEL ".lab.internal");
    /* A short name that cannot give a key-hash name is refused. */
    assert_int_equal(altroot_key_hash_name_for(key, "printer.example.com", name, sizeof name),
                     ALTROOT_E_ARG);
    assert_int_equal(altroot_key_hash_name_for(key, "print_er.local", name, sizeof name),
                     ALTROOT_E_ARG);
    assert_int_equal(altroot_key_hash_name_for(key, "printer.local", name, 40),
                     ALTROOT_E_TOO_LARGE);
    assert_int_equal(altroot_key_hash_label(key, label, ALTROOT_KEY_HASH_LABEL_LEN),
                     ALTROOT_E_TOO_LARGE);
    bool found = false;
    altroot_key_hash_name n;
    assert_ok(parse("printer." LABEL ".local", &found, &n, NULL, 0));
    assert_true(found);
    char hex[65];
    altroot_hex_encode((altroot_span){n.hash, 32}, hex);
    assert_string_equal(hex, "21ebc0d00e98e3cb289738e2c091e532c4ad8240e0365b22067a1449693e5a18");
    assert_string_equal(n.friendly, "printer");
    assert_string_equal(n.domain, "local");
    assert_int_equal(n.algorithm, ALTROOT_KEY_HASH_ALG_SHA256);
    altroot_key_free(key);
}

/* Section 5: upper, lower and mixed case are the same name. */
static void letter_case_does_not_matter(void **state)
{
    (void)state;
    static const char *const names[] = {
        "printer." LABEL ".local",
        "PRINTER.0ehv4buaotdr4wkexhdrmbepfglck3asa4a3fwiqgpikes2j6lima.LOCAL",
        "Printer.0eHv4BuAoTdR4wKeXhDrMbEpFgLcK3aSa4A3fWiQgPiKeS2j6LiMa.Local.",
    };
    altroot_key_hash_name first, n;
    bool found = false;
    assert_ok(parse(names[0], &found, &first, NULL, 0));
    for (size_t i = 1; i < sizeof names / sizeof names[0]; i++) {
        found = false;
        assert_ok(parse(names[i], &found, &n, NULL, 0));
        assert_true(found);
        assert_memory_equal(n.hash, first.hash, 32);
        assert_string_equal(n.domain, "local");
    }
}

static void local_domains(void **state)
{
    (void)state;
    static const char *const ok[] = {"a." LABEL ".local",     "a." LABEL ".home.arpa",
                                     "a." LABEL ".internal",  "a." LABEL ".lab.internal",
                                     "a." LABEL ".localhost", "a-1." LABEL ".x.local"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        bool found = false;
        altroot_key_hash_name n;
        char detail[160];
        assert_ok(parse(ok[i], &found, &n, detail, sizeof detail));
        assert_true(found);
    }
}

static void other_names_are_not_key_hash_names(void **state)
{
    (void)state;
    static const char *const names[] = {
        "",
        ".",
        "printer.local",
        "localhost",
        "192.168.1.10",
        "2f.local",
        "printer.1st.local",
        "printer.0EHV4BUAOTDR4WKEXHDRMBEPFG.local", /* 25 characters after the digit */
        "printer.0EHV4BUAOTDR4WKEXH-DRMBEPFGLCK3ASA4A3FWIQGPIKES2J6LIMA.local",
        "printer.EHV4BUAOTDR4WKEXHDRMBEPFGLCK3ASA4A3FWIQGPIKES2J6LIMA.local",
        "a..b",
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        bool found = true;
        altroot_key_hash_name n;
        char detail[160];
        assert_ok(parse(names[i], &found, &n, detail, sizeof detail));
        assert_false(found);
    }
}

typedef struct bad_name {
    const char *host;
    const char *why; /* a word of the detail */
} bad_name;

static void malformed_names_are_reported(void **state)
{
    (void)state;
    char long_name[400];
    snprintf(long_name, sizeof long_name, "pp.%s.%0*d.%0*d.%0*d.local", LABEL, 63, 0, 63, 0, 63, 0);
    const bad_name bad[] = {
        {"printer.1EHV4BUAOTDR4WKEXHDRMBEPFGLCK3ASA4A3FWIQGPIKES2J6LIMA.local", "algorithm"},
        {"printer.0EHV4BUAOTDR4WKEXHDRMBEPFGLCK3ASA4A3FWIQGPIKES2J6LIM.local", "characters"},
        {"printer.0EHV4BUAOTDR4WKEXHDRMBEPFGLCK3ASA4A3FWIQGPIKES2J6LIMAA.local", "characters"},
        {"printer.0EHV4BUAOTDR4WKEXHDRMBEPFGLCK3ASA4A3FWIQGPIKES2J6LI8A.local", "base32"},
        {"printer.0EHV4BUAOTDR4WKEXHDRMBEPFGLCK3ASA4A3FWIQGPIKES2J6LIMB.local", "non-canonical"},
        {"printer.0EHV4BUAOTDR4WKEXHDRMBEPFGLCK3ASA4A3FWIQGPIKES2J6LIMI.local", "non-canonical"},
        {"printer." LABEL, "no local domain"},
        {"printer." LABEL ".", "no local domain"},
        {"printer." LABEL ".example.com", "not a local domain"},
        {"printer." LABEL ".home-arpa", "not a local domain"},
        {"printer." LABEL ".localdomain", "not a local domain"},
        {LABEL ".local", "no friendly name"},
        {"a.printer." LABEL ".local", "second label"},
        {"print_er." LABEL ".local", "first label"},
        {"." LABEL ".local", "first label"},
        {"printer." LABEL "..local", "label 1 of the domain"},
        {"printer." LABEL ".lo_cal", "label 1 of the domain"},
        {long_name, "longer"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        bool found = false;
        altroot_key_hash_name n;
        memset(&n, 0x5a, sizeof n);
        char detail[160];
        if (parse(bad[i].host, &found, &n, detail, sizeof detail) !=
            ALTROOT_E_KEY_HASH_NAME_MALFORMED)
            fail_msg("%s: not reported as malformed", bad[i].host);
        assert_false(found);
        if (strstr(detail, bad[i].why) == NULL)
            fail_msg("%s: detail \"%s\" lacks \"%s\"", bad[i].host, detail, bad[i].why);
        assert_int_equal(n.algorithm, 0x5a5a5a5a); /* untouched on error */
    }
    /* The mismatch code and the malformed code are in their groups. */
    assert_string_equal(altroot_error_category(ALTROOT_E_KEY_HASH_NAME_MALFORMED), "malformed");
    assert_string_equal(altroot_error_category(ALTROOT_E_KEY_HASH_NAME_MISMATCH), "policy");
    /* A detail buffer of one byte is still terminated; none at all is allowed. */
    bool found = false;
    altroot_key_hash_name n;
    char one[1] = {'x'};
    assert_int_equal(parse(LABEL ".local", &found, &n, one, 1), ALTROOT_E_KEY_HASH_NAME_MALFORMED);
    assert_int_equal(one[0], '\0');
    assert_int_equal(parse(LABEL ".local", &found, &n, NULL, 0), ALTROOT_E_KEY_HASH_NAME_MALFORMED);
}

/* A self-signed leaf for `key`, with `dns` as its one SAN (or none), optionally under a CA. */
static altroot_certs *leaf_chain(altroot_key *key, const char *dns, const altroot_cert *ca,
                                 const altroot_key *ca_key)
{
    const char *names[] = {dns};
    altroot_cert_template t = {.common_name = "device",
                               .dns_names = names,
                               .dns_count = dns != NULL ? 1 : 0,
                               .not_before = NOW - DAY,
                               .not_after = NOW + DAY,
                               .server_auth = true};
    altroot_cert *leaf = NULL;
    altroot_certs *chain = NULL;
    assert_ok(altroot_cert_issue(&t, key, ca, ca_key, &leaf));
    assert_ok(altroot_certs_new(&chain));
    assert_ok(altroot_certs_push(chain, leaf));
    altroot_cert_free(leaf);
    return chain;
}

static altroot_key *new_key(void)
{
    altroot_key *k = NULL;
    assert_ok(altroot_key_generate(ALTROOT_KEY_EC_P256, &k));
    return k;
}

static void check_against_certificates(void **state)
{
    (void)state;
    altroot_key *key = new_key(), *other = new_key();
    altroot_certs *chain = leaf_chain(key, NULL, NULL, NULL);
    char name[256], label[ALTROOT_KEY_HASH_LABEL_LEN + 1];
    assert_ok(altroot_key_hash_name_for(key, "cam.local", name, sizeof name));
    assert_ok(altroot_cert_key_hash_label(altroot_certs_get(chain, 0), label, sizeof label));
    assert_non_null(strstr(name, label));
    bool found = false, match = false;
    altroot_key_hash_name n;
    assert_ok(parse(name, &found, &n, NULL, 0));
    assert_ok(altroot_key_hash_name_check(&n, altroot_certs_get(chain, 0), &match));
    assert_true(match);
    assert_ok(altroot_key_hash_name_for(other, "cam.local", name, sizeof name));
    assert_ok(parse(name, &found, &n, NULL, 0));
    assert_ok(altroot_key_hash_name_check(&n, altroot_certs_get(chain, 0), &match));
    assert_false(match);
    n.algorithm = 1;
    assert_int_equal(altroot_key_hash_name_check(&n, altroot_certs_get(chain, 0), &match),
                     ALTROOT_E_ARG);
    altroot_certs_free(chain);
    altroot_key_free(key);
    altroot_key_free(other);
}

static altroot_trust_store *empty_store(void)
{
    altroot_trust_options o = {NULL, ""};
    altroot_trust_store *s = NULL;
    assert_ok(altroot_trust_store_load(&o, &s));
    return s;
}

static void evaluate(const altroot_certs *chain, const char *host, const altroot_trust_store *s,
                     altroot_eval_mode mode, altroot_verdict *v)
{
    altroot_verdict_init(v);
    assert_ok(altroot_evaluate_chain_mode(chain, host, s, NOW, mode, v));
}

/* The leaf's key matches: bound by "key-hash-name" via "tls-key"; alone it proves neither
 * ownership nor attestation, so the decision stays rule 7. The Web PKI mode ignores it. */
static void evaluation_binds_a_matching_name(void **state)
{
    (void)state;
    altroot_key *key = new_key();
    altroot_certs *chain = leaf_chain(key, NULL, NULL, NULL);
    altroot_trust_store *s = empty_store();
    char name[256];
    assert_ok(altroot_key_hash_name_for(key, "cam.local", name, sizeof name));
    altroot_verdict v;
    evaluate(chain, name, s, ALTROOT_EVAL_AUTO, &v);
    assert_true(v.name.bound);
    assert_string_equal(v.name.method, "key-hash-name");
    assert_string_equal(v.name.by, "tls-key");
    assert_true(v.name.key_hash_name && v.name.key_hash_matched);
    assert_int_equal(v.decision, ALTROOT_DECISION_UNTRUSTED);
    assert_int_equal(v.rule, 7);
    assert_non_null(strstr(v.message, "key-hash name"));
    assert_false(altroot_failures_has(&v.failures, ALTROOT_E_KEY_HASH_NAME_MISMATCH));
    assert_int_equal(v.lifted_class, -1);
    altroot_verdict_clear(&v);
    evaluate(chain, name, s, ALTROOT_EVAL_WEBPKI, &v);
    assert_false(v.name.bound);
    assert_false(v.name.key_hash_name);
    altroot_verdict_clear(&v);
    altroot_trust_store_free(s);
    altroot_certs_free(chain);
    altroot_key_free(key);
}

/* Another key at the name: rule 2, E_KEY_HASH_NAME_MISMATCH, nothing bound. */
static void evaluation_rejects_another_key(void **state)
{
    (void)state;
    altroot_key *key = new_key(), *other = new_key();
    altroot_certs *chain = leaf_chain(key, NULL, NULL, NULL);
    altroot_trust_store *s = empty_store();
    char name[256];
    assert_ok(altroot_key_hash_name_for(other, "cam.local", name, sizeof name));
    altroot_verdict v;
    evaluate(chain, name, s, ALTROOT_EVAL_AUTO, &v);
    assert_false(v.name.bound);
    assert_true(v.name.key_hash_name);
    assert_false(v.name.key_hash_matched);
    assert_int_equal(v.decision, ALTROOT_DECISION_UNTRUSTED);
    assert_int_equal(v.rule, 2);
    assert_true(altroot_failures_has(&v.failures, ALTROOT_E_KEY_HASH_NAME_MISMATCH));
    altroot_verdict_clear(&v);
    altroot_trust_store_free(s);
    altroot_certs_free(chain);
    altroot_key_free(key);
    altroot_key_free(other);
}

/* A name that only looks like a key-hash name binds nothing and is reported as a warning. */
static void evaluation_reports_a_malformed_name(void **state)
{
    (void)state;
    altroot_key *key = new_key();
    altroot_certs *chain = leaf_chain(key, NULL, NULL, NULL);
    altroot_trust_store *s = empty_store();
    altroot_verdict v;
    evaluate(chain, "cam.1EHV4BUAOTDR4WKEXHDRMBEPFGLCK3ASA4A3FWIQGPIKES2J6LIMA.local", s,
             ALTROOT_EVAL_AUTO, &v);
    assert_false(v.name.bound);
    assert_false(v.name.key_hash_name);
    assert_int_equal(v.rule, 7);
    assert_int_equal(v.warnings.count, 1);
    assert_non_null(strstr(v.warnings.items[0], "E_KEY_HASH_NAME_MALFORMED"));
    altroot_verdict_clear(&v);
    altroot_trust_store_free(s);
    altroot_certs_free(chain);
    altroot_key_free(key);
}

/* A SAN under a local CA you hold binds first (rule 3); but when that CA names another key's
 * key-hash name, the name itself contradicts the key and rule 2 wins over rule 3. */
static void evaluation_with_a_local_ca(void **state)
{
    (void)state;
    altroot_key *ca_key = new_key(), *key = new_key(), *other = new_key();
    altroot_cert_template t = {.common_name = "Home CA",
                               .not_before = NOW - DAY,
                               .not_after = NOW + 10 * DAY,
                               .is_ca = true,
                               .path_len = -1};
    altroot_cert *ca = NULL;
    assert_ok(altroot_cert_issue(&t, ca_key, NULL, NULL, &ca));
    altroot_trust_store *s = empty_store();
    altroot_span der = altroot_cert_der(ca);
    assert_ok(altroot_trust_store_add(s, ALTROOT_ANCHOR_LOCAL_CA, "home", der));
    char mine[256], theirs[256];
    assert_ok(altroot_key_hash_name_for(key, "cam.local", mine, sizeof mine));
    assert_ok(altroot_key_hash_name_for(other, "cam.local", theirs, sizeof theirs));
    altroot_certs *good = leaf_chain(key, mine, ca, ca_key);
    altroot_certs *bad = leaf_chain(key, theirs, ca, ca_key);
    altroot_verdict v;
    evaluate(good, mine, s, ALTROOT_EVAL_AUTO, &v);
    assert_string_equal(v.name.method, "san-dns");
    assert_string_equal(v.name.by, "local-ca");
    assert_true(v.name.key_hash_matched);
    assert_int_equal(v.rule, 3);
    assert_int_equal(v.decision, ALTROOT_DECISION_TRUSTED);
    altroot_verdict_clear(&v);
    evaluate(bad, theirs, s, ALTROOT_EVAL_AUTO, &v);
    assert_true(v.name.bound); /* the SAN, by the local CA */
    assert_false(v.name.key_hash_matched);
    assert_int_equal(v.rule, 2);
    assert_int_equal(v.decision, ALTROOT_DECISION_UNTRUSTED);
    assert_true(altroot_failures_has(&v.failures, ALTROOT_E_KEY_HASH_NAME_MISMATCH));
    altroot_verdict_clear(&v);
    altroot_certs_free(good);
    altroot_certs_free(bad);
    altroot_cert_free(ca);
    altroot_trust_store_free(s);
    altroot_key_free(ca_key);
    altroot_key_free(key);
    altroot_key_free(other);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(draft_appendix_a_vector),
        cmocka_unit_test(letter_case_does_not_matter),
        cmocka_unit_test(local_domains),
        cmocka_unit_test(other_names_are_not_key_hash_names),
        cmocka_unit_test(malformed_names_are_reported),
        cmocka_unit_test(check_against_certificates),
        cmocka_unit_test(evaluation_binds_a_matching_name),
        cmocka_unit_test(evaluation_rejects_another_key),
        cmocka_unit_test(evaluation_reports_a_malformed_name),
        cmocka_unit_test(evaluation_with_a_local_ca),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
