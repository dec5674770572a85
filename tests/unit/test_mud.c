/* RFC 8520 MUD rules on minted artefacts: a negative test per rule. */
#include <stdio.h>
#include <string.h>

#include <altroot/cms.h>
#include <altroot/devid.h>
#include <altroot/mud.h>

#include "testutil.h"

#define T0 ((altroot_time)1767225600)  /* 2026-01-01 */
#define NOW ((altroot_time)1795824000) /* 2026-11-28 */
#define URL "https://mud.example.com/widget-2000.json"

typedef struct pki {
    altroot_key *root_key, *signer_key, *dev_key, *other_key;
    altroot_cert *root, *signer, *signer_noku, *other, *device;
    altroot_trust_store *store;    /* mud-signer + devid-ca = root */
    altroot_trust_store *mud_only; /* mud-signer only */
    altroot_bytes signer_name;
} pki;

static pki P;

static altroot_cert *signer_cert(const char *cn, uint32_t ku, altroot_key *key)
{
    altroot_name_entry attrs[] = {
        {"2.5.4.6", "XX"}, {"2.5.4.10", "Example Widgets"}, {"2.5.4.3", cn}};
    altroot_bytes name = ALTROOT_BYTES_INIT;
    assert_ok(altroot_devid_name_der(attrs, 3, &name));
    altroot_cert *c = NULL;
    assert_ok(altroot_devid_mint_signer(altroot_bytes_span(&name), ku, T0, ALTROOT_TIME_NO_EXPIRY,
                                        key, P.root, P.root_key, &c));
    altroot_bytes_clear(&name);
    return c;
}

static altroot_trust_store *store_with(bool devid)
{
    altroot_trust_options o = {NULL, ""};
    altroot_trust_store *s = NULL;
    assert_ok(altroot_trust_store_load(&o, &s));
    assert_ok(
        altroot_trust_store_add(s, ALTROOT_ANCHOR_MUD_SIGNER, "root", altroot_cert_der(P.root)));
    if (devid)
        assert_ok(
            altroot_trust_store_add(s, ALTROOT_ANCHOR_DEVID_CA, "root", altroot_cert_der(P.root)));
    return s;
}

static int setup(void **state)
{
    (void)state;
    memset(&P, 0, sizeof P);
    assert_ok(altroot_key_generate(ALTROOT_KEY_EC_P256, &P.root_key));
    assert_ok(altroot_key_generate(ALTROOT_KEY_EC_P256, &P.signer_key));
    assert_ok(altroot_key_generate(ALTROOT_KEY_EC_P256, &P.dev_key));
    assert_ok(altroot_key_generate(ALTROOT_KEY_EC_P256, &P.other_key));
    assert_ok(altroot_devid_mint_ca("Example Widgets", "Widgets Root CA", -1, T0, P.root_key, NULL,
                                    NULL, &P.root));
    P.signer =
        signer_cert("Example Widgets MUD Signer", ALTROOT_KU_DIGITAL_SIGNATURE, P.signer_key);
    P.signer_noku =
        signer_cert("Example Widgets MUD Signer", ALTROOT_KU_KEY_ENCIPHERMENT, P.signer_key);
    P.other = signer_cert("Other Signer", ALTROOT_KU_DIGITAL_SIGNATURE, P.other_key);
    altroot_bytes_clear(&P.signer_name);
    assert_ok(altroot_bytes_append(&P.signer_name, altroot_cert_subject_der(P.signer).ptr,
                                   altroot_cert_subject_der(P.signer).len));
    altroot_devid_mint_params m = {.organization = "Example Widgets",
                                   .common_name = "Widget 2000",
                                   .serial = "WX-1",
                                   .hw_type = "1.3.6.1.4.1.6715.10.1",
                                   .mud_url = URL,
                                   .mudsigner = altroot_bytes_span(&P.signer_name),
                                   .not_before = T0,
                                   .not_after = ALTROOT_TIME_NO_EXPIRY};
    assert_ok(altroot_devid_mint(&m, P.dev_key, P.root, P.root_key, &P.device));
    P.store = store_with(true);
    P.mud_only = store_with(false);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    altroot_key_free(P.root_key);
    altroot_key_free(P.signer_key);
    altroot_key_free(P.dev_key);
    altroot_key_free(P.other_key);
    altroot_cert *certs[] = {P.root, P.signer, P.signer_noku, P.other, P.device};
    for (size_t i = 0; i < 5; i++)
        altroot_cert_free(certs[i]);
    altroot_trust_store_free(P.store);
    altroot_trust_store_free(P.mud_only);
    altroot_bytes_clear(&P.signer_name);
    return 0;
}

typedef struct made {
    altroot_bytes file, sig;
} made;

static made make(altroot_mud_fault f, const altroot_cert *signer, const altroot_key *key)
{
    made m = {ALTROOT_BYTES_INIT, ALTROOT_BYTES_INIT};
    altroot_mud_mint_params p = {.mud_url = URL,
                                 .mfg_name = "Example Widgets",
                                 .model_name = "Widget 2000",
                                 .firmware_rev = "1.0",
                                 .software_rev = "2.1",
                                 .documentation = "https://example.com/widget",
                                 .systeminfo = "A widget",
                                 .last_update = T0,
                                 .signer = signer,
                                 .key = key,
                                 .fault = f};
    assert_ok(altroot_mud_mint(&p, &m.file, &m.sig));
    return m;
}

static void made_clear(made *m)
{
    altroot_bytes_clear(&m->file);
    altroot_bytes_clear(&m->sig);
}

static void run(const made *m, const altroot_trust_store *s, bool device, const char *url,
                altroot_mud_result *r)
{
    altroot_mud_params p = {.file = altroot_bytes_span(&m->file),
                            .signature = altroot_bytes_span(&m->sig),
                            .store = s,
                            .at = NOW,
                            .url = url,
                            .url_source = ALTROOT_MUD_URL_DEVICE,
                            .device_cert =
                                device ? altroot_cert_der(P.device) : (altroot_span){NULL, 0}};
    assert_ok(altroot_mud_verify(&p, r));
    for (size_t i = 0; i < r->failures.count; i++)
        print_message("  %s %s\n", altroot_error_name(r->failures.items[i].code),
                      r->failures.items[i].detail);
}

static void good_mud_with_device_cert_is_not_spoofable(void **state)
{
    (void)state;
    made m = make(ALTROOT_MUD_FAULT_NONE, P.signer, P.signer_key);
    altroot_mud_result r;
    run(&m, P.store, true, NULL, &r);
    assert_true(r.verified);
    assert_true(r.device_verified);
    assert_int_equal(r.url_source, ALTROOT_MUD_URL_CERT_VERIFIED);
    assert_false(altroot_mud_url_spoofable(r.url_source));
    assert_string_equal(r.file.mfg_name, "Example Widgets");
    assert_string_equal(r.file.model_name, "Widget 2000");
    assert_string_equal(r.file.firmware_rev, "1.0");
    assert_string_equal(r.file.software_rev, "2.1");
    assert_string_equal(r.file.documentation, "https://example.com/widget");
    altroot_verdict v;
    altroot_verdict_init(&v);
    altroot_root_result *rr = NULL;
    assert_ok(altroot_verdict_add_root(&v, "mud", ALTROOT_MODE_ARTEFACT, &rr));
    assert_ok(altroot_mud_to_root(&r, rr));
    assert_true(rr->attestation);
    altroot_verdict_clear(&v);
    altroot_mud_result_clear(&r);
    /* The same file learnt from DHCP: verified, but spoofable. */
    run(&m, P.mud_only, false, URL, &r);
    assert_true(r.verified);
    assert_int_equal(r.url_source, ALTROOT_MUD_URL_DEVICE);
    assert_true(altroot_mud_url_spoofable(r.url_source));
    altroot_mud_result_clear(&r);
    /* The device certificate without devid-ca anchors: its URL is not authenticated. */
    run(&m, P.mud_only, true, NULL, &r);
    assert_true(r.verified);
    assert_int_equal(r.url_source, ALTROOT_MUD_URL_CERT_UNVERIFIED);
    assert_true(altroot_mud_url_spoofable(r.url_source));
    altroot_mud_result_clear(&r);
    made_clear(&m);
}

typedef struct neg {
    altroot_mud_fault fault;
    int signer; /* 0 good, 1 no KU, 2 other */
    altroot_err code;
} neg;

static void each_rule_has_a_negative(void **state)
{
    (void)state;
    static const neg cases[] = {
        {ALTROOT_MUD_FAULT_TAMPER, 0, ALTROOT_E_MUD_SIGNATURE},
        {ALTROOT_MUD_FAULT_HTTP_URL, 0, ALTROOT_E_MUD_URL_SCHEME},
        {ALTROOT_MUD_FAULT_VERSION, 0, ALTROOT_E_MUD_VERSION},
        {ALTROOT_MUD_FAULT_NO_SUPPORTED, 0, ALTROOT_E_MUD_SCHEMA},
        {ALTROOT_MUD_FAULT_BAD_POLICY, 0, ALTROOT_E_MUD_POLICY_REF},
        {ALTROOT_MUD_FAULT_NONE, 1, ALTROOT_E_MUD_SIGNER_KEY_USAGE},
        {ALTROOT_MUD_FAULT_NONE, 2, ALTROOT_E_MUD_SIGNER_MISMATCH},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const altroot_cert *s = cases[i].signer == 0   ? P.signer
                                : cases[i].signer == 1 ? P.signer_noku
                                                       : P.other;
        altroot_key *k = cases[i].signer == 2 ? P.other_key : P.signer_key;
        made m = make(cases[i].fault, s, k);
        altroot_mud_result r;
        print_message("case %zu\n", i);
        run(&m, P.store, true, NULL, &r);
        assert_false(r.verified);
        assert_true(altroot_failures_has(&r.failures, cases[i].code));
        altroot_mud_result_clear(&r);
        made_clear(&m);
    }
}

static void url_mismatch_and_unknown_signer_fail(void **state)
{
    (void)state;
    made m = make(ALTROOT_MUD_FAULT_NONE, P.signer, P.signer_key);
    altroot_mud_result r;
    run(&m, P.mud_only, false, "https://mud.example.com/other.json", &r);
    assert_false(r.verified);
    assert_true(altroot_failures_has(&r.failures, ALTROOT_E_MUD_URL_MISMATCH));
    altroot_mud_result_clear(&r);
    run(&m, P.mud_only, false, "http://mud.example.com/widget-2000.json", &r);
    assert_false(r.verified);
    assert_true(altroot_failures_has(&r.failures, ALTROOT_E_MUD_URL_SCHEME));
    altroot_mud_result_clear(&r);
    /* No mud-signer anchors: the chain cannot be built. */
    altroot_trust_options o = {NULL, ""};
    altroot_trust_store *empty = NULL;
    assert_ok(altroot_trust_store_load(&o, &empty));
    run(&m, empty, false, URL, &r);
    assert_false(r.verified);
    assert_true(r.signature_ok);
    assert_true(altroot_failures_has(&r.failures, ALTROOT_E_MUD_SIGNER_CHAIN));
    altroot_mud_result_clear(&r);
    altroot_trust_store_free(empty);
    /* A signature that is not CMS at all. */
    altroot_bytes_clear(&m.sig);
    assert_ok(altroot_bytes_append(&m.sig, "garbage", 7));
    run(&m, P.store, false, URL, &r);
    assert_false(r.verified);
    assert_true(altroot_failures_has(&r.failures, ALTROOT_E_MUD_SIGNATURE));
    assert_true(altroot_failures_has(&r.failures, ALTROOT_E_CMS_FORMAT));
    altroot_mud_result_clear(&r);
    made_clear(&m);
}

static void file_checker_rejects_schema_violations(void **state)
{
    (void)state;
    static const struct {
        const char *json;
        altroot_err code;
    } cases[] = {
        {"[]", ALTROOT_E_MUD_JSON},
        {"{\"ietf-mud:mud\":{}} trailing", ALTROOT_E_MUD_JSON},
        {"{\"a\":1,\"a\":2}", ALTROOT_E_MUD_JSON},
        {"{\"ietf-mud:mud\":{\"mud-version\":1,\"mud-url\":\"https://a/b\",\"last-update\":"
         "\"2026-01-01\",\"is-supported\":true}}",
         ALTROOT_E_MUD_SCHEMA},
        {"{\"ietf-mud:mud\":{\"mud-version\":1,\"mud-url\":\"https://a/b\",\"last-update\":"
         "\"2026-01-01T00:00:00Z\",\"is-supported\":true,\"cache-validity\":169}}",
         ALTROOT_E_MUD_SCHEMA},
        {"{\"ietf-mud:mud\":{\"mud-version\":1,\"mud-url\":\"https://a/b\",\"last-update\":"
         "\"2026-01-01T00:00:00Z\",\"is-supported\":true,\"bogus\":1}}",
         ALTROOT_E_MUD_SCHEMA},
        {"{\"ietf-mud:mud\":{\"mud-version\":1,\"mud-url\":\"https://a/b\",\"last-update\":"
         "\"2026-01-01T00:00:00Z\",\"is-supported\":true},\"ietf-access-control-list:"
         "access-lists\":{}}",
         ALTROOT_E_MUD_SCHEMA},
        {"{\"ietf-mud:mud\":{\"mud-version\":1,\"mud-url\":\"ftp://a/b\",\"last-update\":"
         "\"2026-01-01T00:00:00Z\",\"is-supported\":true}}",
         ALTROOT_E_MUD_URL_SCHEME},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        altroot_mud_file f;
        altroot_failures fl = ALTROOT_FAILURES_INIT;
        altroot_strlist w = ALTROOT_STRLIST_INIT;
        altroot_span s = {(const uint8_t *)cases[i].json, strlen(cases[i].json)};
        assert_ok(altroot_mud_file_check(s, &f, &fl, &w));
        print_message("json case %zu\n", i);
        assert_true(altroot_failures_has(&fl, cases[i].code));
        altroot_mud_file_clear(&f);
        altroot_failures_clear(&fl);
        altroot_strlist_clear(&w);
    }
    static const char ok[] = "{\"ietf-mud:mud\":{\"mud-version\":1,\"mud-url\":\"https://a/b\","
                             "\"last-update\":\"2026-01-01T00:00:00+01:00\",\"is-supported\":"
                             "false,\"x-vendor:thing\":1}}";
    altroot_mud_file f;
    altroot_failures fl = ALTROOT_FAILURES_INIT;
    altroot_strlist w = ALTROOT_STRLIST_INIT;
    assert_ok(altroot_mud_file_check((altroot_span){(const uint8_t *)ok, strlen(ok)}, &f, &fl, &w));
    assert_int_equal(fl.count, 0);
    assert_int_equal(w.count, 1); /* the augmentation is reported, not trusted */
    altroot_mud_file_clear(&f);
    altroot_strlist_clear(&w);
}

static void verify_survives_every_allocation_failure(void **state)
{
    (void)state;
    made m = make(ALTROOT_MUD_FAULT_NONE, P.signer, P.signer_key);
    testutil_install_allocator();
    bool completed = false;
    for (long n = 1; n < 20000 && !completed; n++) {
        testutil_fail_after(n);
        altroot_mud_result r;
        altroot_mud_params p = {.file = altroot_bytes_span(&m.file),
                                .signature = altroot_bytes_span(&m.sig),
                                .store = P.store,
                                .at = NOW,
                                .device_cert = altroot_cert_der(P.device)};
        altroot_err e = altroot_mud_verify(&p, &r);
        bool failed = testutil_alloc_failed() != 0;
        testutil_fail_after(0);
        if (!failed) {
            assert_ok(e);
            assert_true(r.verified);
            completed = true;
        } else {
            assert_false(e == ALTROOT_OK && r.verified);
        }
        altroot_mud_result_clear(&r);
    }
    assert_true(completed);
    made_clear(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(good_mud_with_device_cert_is_not_spoofable),
        cmocka_unit_test(each_rule_has_a_negative),
        cmocka_unit_test(url_mismatch_and_unknown_signer_fail),
        cmocka_unit_test(file_checker_rejects_schema_violations),
        cmocka_unit_test(verify_survives_every_allocation_failure),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
