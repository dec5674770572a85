/* The decision table (docs/decisions.md), row by row, and the JSON report. */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "testutil.h"

static altroot_root_result *root(altroot_verdict *v, const char *name, altroot_root_status st)
{
    altroot_root_result *r = NULL;
    assert_ok(altroot_verdict_add_root(v, name, ALTROOT_MODE_BASELINE, &r));
    r->status = st;
    return r;
}

static void bind(altroot_verdict *v, const char *method, const char *by)
{
    v->name.bound = true;
    assert_ok(altroot_set_string(&v->name.method, method));
    assert_ok(altroot_set_string(&v->name.by, by));
    assert_ok(altroot_set_string(&v->name.name, "printer.home.arpa"));
}

static void pin(altroot_verdict *v, bool matched)
{
    assert_ok(altroot_set_string(&v->name.pin, "anchors/pins/printer.home.arpa.json"));
    assert_ok(altroot_set_string(&v->name.pinned_identity, "matter spki-sha256:00"));
    v->name.pin_matched = matched;
}

static void decide(altroot_verdict *v, altroot_decision d, int rule)
{
    assert_ok(altroot_verdict_decide(v));
    assert_int_equal(v->decision, d);
    assert_int_equal(v->rule, rule);
    assert_non_null(v->message);
}

static void rule1_failed_evidence_beats_everything(void **state)
{
    (void)state;
    altroot_verdict v;
    altroot_verdict_init(&v);
    root(&v, "webpki", ALTROOT_ROOT_VERIFIED);
    altroot_root_result *m = root(&v, "matter", ALTROOT_ROOT_FAILED);
    m->evidence = true;
    assert_ok(altroot_failures_add(&m->failures, ALTROOT_E_SIGNATURE, "binding", "bad sig"));
    bind(&v, "san-dns", "webpki");
    decide(&v, ALTROOT_DECISION_UNTRUSTED, 1);
    assert_true(altroot_failures_has(&v.failures, ALTROOT_E_SIGNATURE));
    assert_non_null(strstr(v.message, "forged"));
    altroot_verdict_clear(&v);
}

static void rule3_ownership_with_bound_name(void **state)
{
    (void)state;
    altroot_verdict v;
    altroot_verdict_init(&v);
    root(&v, "webpki", ALTROOT_ROOT_NOT_APPLICABLE);
    altroot_root_result *r = root(&v, "local-ca", ALTROOT_ROOT_VERIFIED);
    r->ownership = true;
    bind(&v, "san-dns", "local-ca");
    decide(&v, ALTROOT_DECISION_TRUSTED, 3);
    assert_int_equal(v.failures.count, 0);
    altroot_verdict_clear(&v);
    /* Ownership without a bound name is not enough. */
    altroot_verdict_init(&v);
    r = root(&v, "local-ca", ALTROOT_ROOT_VERIFIED);
    r->ownership = true;
    v.cert_class = 5;
    decide(&v, ALTROOT_DECISION_UNTRUSTED, 7);
    altroot_verdict_clear(&v);
}

static void rule4_webpki(void **state)
{
    (void)state;
    altroot_verdict v;
    altroot_verdict_init(&v);
    root(&v, "webpki", ALTROOT_ROOT_VERIFIED);
    root(&v, "local-ca", ALTROOT_ROOT_NOT_APPLICABLE);
    bind(&v, "san-dns", "webpki");
    decide(&v, ALTROOT_DECISION_TRUSTED, 4);
    altroot_verdict_clear(&v);
    /* A chain checked against no name (no host, no SNI) is not rule 4. */
    altroot_verdict_init(&v);
    root(&v, "webpki", ALTROOT_ROOT_VERIFIED);
    decide(&v, ALTROOT_DECISION_UNTRUSTED, 7);
    assert_true(altroot_failures_has(&v.failures, ALTROOT_E_NAME_MISMATCH));
    assert_non_null(strstr(v.message, "no host name"));
    altroot_verdict_clear(&v);
}

static void rules5_and_6_attestation_with_and_without_pin(void **state)
{
    (void)state;
    altroot_verdict v;
    altroot_verdict_init(&v);
    altroot_root_result *r = root(&v, "devid", ALTROOT_ROOT_VERIFIED);
    r->attestation = true;
    r->evidence = true;
    decide(&v, ALTROOT_DECISION_ATTESTED, 6);
    altroot_verdict_clear(&v);
    altroot_verdict_init(&v);
    r = root(&v, "devid", ALTROOT_ROOT_VERIFIED);
    r->attestation = true;
    bind(&v, "pin", "pin");
    pin(&v, true);
    decide(&v, ALTROOT_DECISION_TRUSTED, 5);
    assert_non_null(strstr(v.message, "pinned"));
    altroot_verdict_clear(&v);
    /* A name bound by "pin" without the pin matching is not rule 5. */
    altroot_verdict_init(&v);
    r = root(&v, "devid", ALTROOT_ROOT_VERIFIED);
    r->attestation = true;
    bind(&v, "pin", "pin");
    decide(&v, ALTROOT_DECISION_ATTESTED, 6);
    altroot_verdict_clear(&v);
}

static void rule2_pin_names_another_device(void **state)
{
    (void)state;
    /* Another attested unit at a pinned name, even one the Web PKI vouches for. */
    altroot_verdict v;
    altroot_verdict_init(&v);
    root(&v, "webpki", ALTROOT_ROOT_VERIFIED);
    root(&v, "matter", ALTROOT_ROOT_VERIFIED)->attestation = true;
    bind(&v, "san-dns", "webpki");
    pin(&v, false);
    decide(&v, ALTROOT_DECISION_UNTRUSTED, 2);
    assert_true(altroot_failures_has(&v.failures, ALTROOT_E_PIN_MISMATCH));
    assert_false(altroot_failures_has(&v.failures, ALTROOT_E_NOT_TRUSTED));
    assert_non_null(strstr(v.failures.items[0].detail, "another identity"));
    altroot_verdict_clear(&v);
    /* A device that proves no identity at all. */
    altroot_verdict_init(&v);
    root(&v, "local-ca", ALTROOT_ROOT_NOT_APPLICABLE);
    v.cert_class = 3;
    pin(&v, false);
    decide(&v, ALTROOT_DECISION_UNTRUSTED, 2);
    assert_non_null(strstr(v.failures.items[0].detail, "no identity"));
    altroot_verdict_clear(&v);
    /* Tampering still comes first. */
    altroot_verdict_init(&v);
    altroot_root_result *m = root(&v, "matter", ALTROOT_ROOT_FAILED);
    m->evidence = true;
    assert_ok(altroot_failures_add(&m->failures, ALTROOT_E_SIGNATURE, "binding", NULL));
    pin(&v, false);
    decide(&v, ALTROOT_DECISION_UNTRUSTED, 1);
    altroot_verdict_clear(&v);
    /* Ownership by one root while another (the Web PKI) bound the name: the pin stands. */
    altroot_verdict_init(&v);
    root(&v, "webpki", ALTROOT_ROOT_VERIFIED);
    altroot_root_result *own = root(&v, "matter", ALTROOT_ROOT_VERIFIED);
    own->ownership = own->attestation = true;
    bind(&v, "san-dns", "webpki");
    pin(&v, false);
    decide(&v, ALTROOT_DECISION_UNTRUSTED, 2);
    altroot_verdict_clear(&v);
    /* Ownership under an anchor you hold, name bound: rule 3, with a warning about the pin. */
    altroot_verdict_init(&v);
    root(&v, "local-ca", ALTROOT_ROOT_VERIFIED)->ownership = true;
    bind(&v, "san-dns", "local-ca");
    pin(&v, false);
    decide(&v, ALTROOT_DECISION_TRUSTED, 3);
    assert_int_equal(v.warnings.count, 1);
    assert_non_null(strstr(v.warnings.items[0], "another device"));
    altroot_verdict_clear(&v);
}

static void rule7_messages_by_class(void **state)
{
    (void)state;
    const struct {
        int cls;
        const char *needle;
    } cases[] = {{0, "does not use HTTPS"}, {3, "self-signed"}, {4, "do not trust"},
                 {5, "local CA"},           {6, "Web PKI"},     {-1, "No secure connection"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        altroot_verdict v;
        altroot_verdict_init(&v);
        v.cert_class = cases[i].cls;
        altroot_root_result *r =
            root(&v, cases[i].cls == 6 ? "webpki" : "local-ca",
                 cases[i].cls >= 5 ? ALTROOT_ROOT_FAILED : ALTROOT_ROOT_NOT_APPLICABLE);
        assert_ok(altroot_failures_add(&r->failures, ALTROOT_E_CERT_EXPIRED, "chain[0]", NULL));
        decide(&v, ALTROOT_DECISION_UNTRUSTED, 7);
        if (strstr(v.message, cases[i].needle) == NULL)
            fail_msg("class %d: \"%s\" lacks \"%s\"", cases[i].cls, v.message, cases[i].needle);
        assert_true(altroot_failures_has(&v.failures, ALTROOT_E_CERT_EXPIRED));
        assert_int_equal(altroot_failures_has(&v.failures, ALTROOT_E_NOT_TRUSTED),
                         cases[i].cls < 5);
        altroot_verdict_clear(&v);
    }
}

/* A presented leaf outside its validity period: whatever a root claims, rule 7 with the leaf's
 * code (rule 1 still first). A verdict assembled by hand, as a root module of one's own might. */
static void leaf(altroot_verdict *v, altroot_time nb, altroot_time na)
{
    v->at = 1800000000;
    v->chain_length = 1;
    v->leaf.not_before = nb;
    v->leaf.not_after = na;
    v->cert_class = 3;
}

static void rule7_a_leaf_outside_its_validity(void **state)
{
    (void)state;
    static const struct {
        altroot_time nb, na;
        altroot_err code;
    } cases[] = {{1700000000, 1800000000 - 9 * 86400, ALTROOT_E_CERT_EXPIRED},
                 {1800000000 + 1, 1900000000, ALTROOT_E_CERT_NOT_YET_VALID},
                 {0, 0, ALTROOT_E_CERT_PARSE}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        /* Ownership with the name bound (rule 3), attestation with a matching pin (rule 5),
         * attestation alone (rule 6), a pin of another device (rule 2): none applies. */
        for (int shape = 0; shape < 4; shape++) {
            altroot_verdict v;
            altroot_verdict_init(&v);
            leaf(&v, cases[i].nb, cases[i].na);
            altroot_root_result *m = root(&v, "matter", ALTROOT_ROOT_VERIFIED);
            m->attestation = true;
            m->ownership = shape == 0;
            if (shape == 0)
                bind(&v, "operational-instance-name", "matter");
            if (shape == 1 || shape == 3)
                pin(&v, shape == 1);
            decide(&v, ALTROOT_DECISION_UNTRUSTED, 7);
            assert_int_equal(v.failures.items[0].code, cases[i].code);
            assert_string_equal(v.failures.items[0].where, "tls-chain[0]");
            altroot_verdict_clear(&v);
        }
    }
    /* At the edges the leaf is valid (notBefore <= at <= notAfter). */
    altroot_verdict v;
    altroot_verdict_init(&v);
    leaf(&v, 1800000000, 1800000000);
    root(&v, "matter", ALTROOT_ROOT_VERIFIED)->attestation = true;
    decide(&v, ALTROOT_DECISION_ATTESTED, 6);
    altroot_verdict_clear(&v);
    /* Tampering is still reported as tampering. */
    altroot_verdict_init(&v);
    leaf(&v, 1700000000, 1700000001);
    altroot_root_result *m = root(&v, "matter", ALTROOT_ROOT_FAILED);
    m->evidence = true;
    assert_ok(altroot_failures_add(&m->failures, ALTROOT_E_SIGNATURE, "binding", "bad sig"));
    decide(&v, ALTROOT_DECISION_UNTRUSTED, 1);
    altroot_verdict_clear(&v);
}

static void json_report_has_the_documented_fields(void **state)
{
    (void)state;
    altroot_verdict v;
    altroot_verdict_init(&v);
    assert_ok(altroot_set_string(&v.target, "https://printer.home.arpa/"));
    v.at = 1795849200;
    v.cert_class = 5;
    altroot_root_result *r = root(&v, "local-ca", ALTROOT_ROOT_VERIFIED);
    r->ownership = true;
    assert_ok(altroot_facts_add(&r->owned, "authority", "CN=Home CA"));
    assert_ok(altroot_set_string(&r->anchor, "CN=Home CA"));
    bind(&v, "san-dns", "local-ca");
    assert_ok(altroot_strlist_add(&v.warnings, "a \"quoted\"\nwarning"));
    assert_ok(altroot_verdict_decide(&v));
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_ok(altroot_verdict_print_json(&v, f));
    rewind(f);
    json_error_t jerr;
    json_t *doc = json_loadf(f, 0, &jerr);
    fclose(f);
    assert_non_null(doc);
    assert_int_equal(json_integer_value(json_object_get(doc, "altroot_report")), 1);
    assert_string_equal(json_string_value(json_object_get(doc, "decision")), "trusted");
    assert_int_equal(json_integer_value(json_object_get(doc, "rule")), 3);
    assert_string_equal(json_string_value(json_object_get(doc, "at")), "2026-11-28T07:00:00Z");
    json_t *cls = json_object_get(doc, "certificate_class");
    assert_int_equal(json_integer_value(json_object_get(cls, "class")), 5);
    assert_true(json_is_null(json_object_get(cls, "lifted_to")));
    json_t *nb = json_object_get(doc, "name_binding");
    assert_true(json_is_true(json_object_get(nb, "bound")));
    assert_string_equal(json_string_value(json_object_get(nb, "method")), "san-dns");
    assert_true(json_is_null(json_object_get(nb, "key_hash_name")));
    json_t *r0 = json_array_get(json_object_get(doc, "roots"), 0);
    assert_string_equal(json_string_value(json_object_get(r0, "status")), "verified");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(r0, "ownership"), "authority")),
        "CN=Home CA");
    assert_true(json_is_null(json_object_get(r0, "attestation")));
    assert_string_equal(json_string_value(json_array_get(json_object_get(doc, "warnings"), 0)),
                        "a \"quoted\"\nwarning");
    json_decref(doc);
    altroot_verdict_clear(&v);
}

static void key_hash(altroot_verdict *v, bool matched)
{
    v->name.key_hash_name = true;
    v->name.key_hash_matched = matched;
    if (matched)
        bind(v, "key-hash-name", "tls-key");
}

/* A key-hash name binds the name to the key and proves nothing else: with attestation it stays
 * rule 6, with ownership it is rule 3, alone rule 7. Another key at the name is rule 2, which
 * neither the Web PKI (rule 4) nor an anchor you hold (rule 3) outranks. */
static void key_hash_name_rules(void **state)
{
    (void)state;
    altroot_verdict v;
    altroot_verdict_init(&v);
    root(&v, "matter", ALTROOT_ROOT_VERIFIED)->attestation = true;
    key_hash(&v, true);
    decide(&v, ALTROOT_DECISION_ATTESTED, 6);
    assert_non_null(strstr(v.message, "key-hash name"));
    altroot_verdict_clear(&v);
    altroot_verdict_init(&v);
    root(&v, "matter", ALTROOT_ROOT_VERIFIED)->ownership = true;
    key_hash(&v, true);
    decide(&v, ALTROOT_DECISION_TRUSTED, 3);
    altroot_verdict_clear(&v);
    altroot_verdict_init(&v);
    root(&v, "local-ca", ALTROOT_ROOT_NOT_APPLICABLE);
    v.cert_class = 3;
    key_hash(&v, true);
    decide(&v, ALTROOT_DECISION_UNTRUSTED, 7);
    assert_non_null(strstr(v.message, "key-hash name"));
    assert_true(altroot_failures_has(&v.failures, ALTROOT_E_NOT_TRUSTED));
    altroot_verdict_clear(&v);
    /* Mismatch: under the Web PKI, and under an anchor you hold that binds the name. */
    altroot_verdict_init(&v);
    root(&v, "webpki", ALTROOT_ROOT_VERIFIED);
    altroot_root_result *r = root(&v, "local-ca", ALTROOT_ROOT_VERIFIED);
    r->ownership = true;
    bind(&v, "san-dns", "local-ca");
    key_hash(&v, false);
    decide(&v, ALTROOT_DECISION_UNTRUSTED, 2);
    assert_true(altroot_failures_has(&v.failures, ALTROOT_E_KEY_HASH_NAME_MISMATCH));
    assert_false(altroot_failures_has(&v.failures, ALTROOT_E_PIN_MISMATCH));
    assert_non_null(strstr(v.message, "key-hash name"));
    altroot_verdict_clear(&v);
    /* Mismatch with an attested device and a pin that matches it. */
    altroot_verdict_init(&v);
    root(&v, "matter", ALTROOT_ROOT_VERIFIED)->attestation = true;
    pin(&v, true);
    key_hash(&v, false);
    decide(&v, ALTROOT_DECISION_UNTRUSTED, 2);
    assert_true(altroot_failures_has(&v.failures, ALTROOT_E_KEY_HASH_NAME_MISMATCH));
    altroot_verdict_clear(&v);
    /* A matching key-hash name does not excuse a pin of another device. */
    altroot_verdict_init(&v);
    root(&v, "matter", ALTROOT_ROOT_VERIFIED)->attestation = true;
    key_hash(&v, true);
    pin(&v, false);
    decide(&v, ALTROOT_DECISION_UNTRUSTED, 2);
    assert_true(altroot_failures_has(&v.failures, ALTROOT_E_PIN_MISMATCH));
    assert_false(altroot_failures_has(&v.failures, ALTROOT_E_KEY_HASH_NAME_MISMATCH));
    altroot_verdict_clear(&v);
}

static void json_report_key_hash_name(void **state)
{
    (void)state;
    altroot_verdict v;
    altroot_verdict_init(&v);
    v.cert_class = 3;
    key_hash(&v, false);
    assert_ok(altroot_verdict_decide(&v));
    altroot_verdict copy;
    assert_ok(altroot_verdict_copy(&copy, &v));
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_ok(altroot_verdict_print_json(&copy, f));
    rewind(f);
    json_error_t jerr;
    json_t *doc = json_loadf(f, 0, &jerr);
    fclose(f);
    assert_non_null(doc);
    json_t *k = json_object_get(json_object_get(doc, "name_binding"), "key_hash_name");
    assert_string_equal(json_string_value(json_object_get(k, "algorithm")), "sha-256");
    assert_true(json_is_false(json_object_get(k, "matched")));
    json_t *f0 = json_array_get(json_object_get(doc, "failures"), 0);
    assert_string_equal(json_string_value(json_object_get(f0, "name")), "E_KEY_HASH_NAME_MISMATCH");
    json_decref(doc);
    altroot_verdict_clear(&copy);
    altroot_verdict_clear(&v);
}

static void text_report_prints(void **state)
{
    (void)state;
    altroot_verdict v;
    altroot_verdict_init(&v);
    v.cert_class = 0;
    decide(&v, ALTROOT_DECISION_UNTRUSTED, 7);
    FILE *f = tmpfile();
    assert_ok(altroot_verdict_print(&v, f));
    char buf[4096];
    rewind(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    assert_non_null(strstr(buf, "Decision:     untrusted (rule 7)"));
    assert_non_null(strstr(buf, "E_NOT_TRUSTED (503)"));
    altroot_verdict_clear(&v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rule1_failed_evidence_beats_everything),
        cmocka_unit_test(rule2_pin_names_another_device),
        cmocka_unit_test(rule3_ownership_with_bound_name),
        cmocka_unit_test(rule4_webpki),
        cmocka_unit_test(rules5_and_6_attestation_with_and_without_pin),
        cmocka_unit_test(rule7_messages_by_class),
        cmocka_unit_test(rule7_a_leaf_outside_its_validity),
        cmocka_unit_test(json_report_has_the_documented_fields),
        cmocka_unit_test(text_report_prints),
        cmocka_unit_test(key_hash_name_rules),
        cmocka_unit_test(json_report_key_hash_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
