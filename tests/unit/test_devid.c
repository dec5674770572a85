/* IEEE 802.1AR DevID rules on minted PKIs: every rule passes on the good IDevID and fails on the
 * artefact minted with its fault. */
#include <stdio.h>
#include <string.h>

#include <altroot/devid.h>

#include "encoding/der.h"
#include "testutil.h"

#define T0 ((altroot_time)1767225600)  /* 2026-01-01 */
#define NOW ((altroot_time)1795824000) /* 2026-11-28 */

typedef struct pki {
    altroot_key *root_key, *ca_key, *dev_key, *dom_key, *fake_key;
    altroot_cert *root, *ca, *dom, *fake_root;
    altroot_certs *chain;
    altroot_trust_store *store;
    altroot_bytes mudsigner;
} pki;

static pki P;

static int setup(void **state)
{
    (void)state;
    memset(&P, 0, sizeof P);
    assert_ok(altroot_key_generate(ALTROOT_KEY_EC_P384, &P.root_key));
    assert_ok(altroot_key_generate(ALTROOT_KEY_EC_P256, &P.ca_key));
    assert_ok(altroot_key_generate(ALTROOT_KEY_EC_P256, &P.dev_key));
    assert_ok(altroot_key_generate(ALTROOT_KEY_EC_P256, &P.dom_key));
    assert_ok(altroot_key_generate(ALTROOT_KEY_EC_P384, &P.fake_key));
    assert_ok(altroot_devid_mint_ca("Example Widgets", "Widgets DevID Root CA", 1, T0, P.root_key,
                                    NULL, NULL, &P.root));
    assert_ok(altroot_devid_mint_ca("Example Widgets", "Widgets IDevID CA", 0, T0, P.ca_key, P.root,
                                    P.root_key, &P.ca));
    /* The look-alike: same names, another key. */
    assert_ok(altroot_devid_mint_ca("Example Widgets", "Widgets DevID Root CA", 1, T0, P.fake_key,
                                    NULL, NULL, &P.fake_root));
    assert_ok(
        altroot_devid_mint_ca("Home", "Home Domain CA", 0, T0, P.dom_key, NULL, NULL, &P.dom));
    assert_ok(altroot_certs_new(&P.chain));
    assert_ok(altroot_certs_push(P.chain, P.ca));
    altroot_trust_options o = {NULL, ""};
    assert_ok(altroot_trust_store_load(&o, &P.store));
    assert_ok(altroot_trust_store_add(P.store, ALTROOT_ANCHOR_DEVID_CA, "root",
                                      altroot_cert_der(P.root)));
    assert_ok(
        altroot_trust_store_add(P.store, ALTROOT_ANCHOR_LDEVID_CA, "dom", altroot_cert_der(P.dom)));
    altroot_name_entry signer[] = {{"2.5.4.6", "XX"},
                                   {"2.5.4.10", "Example Widgets"},
                                   {"2.5.4.3", "Example Widgets MUD Signer"}};
    assert_ok(altroot_devid_name_der(signer, 3, &P.mudsigner));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    altroot_key *keys[] = {P.root_key, P.ca_key, P.dev_key, P.dom_key, P.fake_key};
    for (size_t i = 0; i < 5; i++)
        altroot_key_free(keys[i]);
    altroot_cert_free(P.root);
    altroot_cert_free(P.ca);
    altroot_cert_free(P.dom);
    altroot_cert_free(P.fake_root);
    altroot_certs_free(P.chain);
    altroot_trust_store_free(P.store);
    altroot_bytes_clear(&P.mudsigner);
    return 0;
}

static altroot_devid_mint_params params(altroot_devid_fault f)
{
    altroot_devid_mint_params m = {.organization = "Example Widgets",
                                   .common_name = "Widget 2000",
                                   .serial = "WX-2000-000042",
                                   .hw_type = "1.3.6.1.4.1.6715.10.1",
                                   .masa_url = "masa.example.com",
                                   .mud_url = "https://mud.example.com/widget-2000.json",
                                   .mudsigner = altroot_bytes_span(&P.mudsigner),
                                   .not_before = T0,
                                   .not_after = ALTROOT_TIME_NO_EXPIRY,
                                   .fault = f};
    return m;
}

static altroot_cert *mint(altroot_devid_fault f, const altroot_cert *issuer,
                          const altroot_key *issuer_key)
{
    altroot_devid_mint_params m = params(f);
    altroot_cert *c = NULL;
    assert_ok(altroot_devid_mint(&m, P.dev_key, issuer, issuer_key, &c));
    return c;
}

static void verify(const altroot_cert *c, altroot_time at, bool lenient, altroot_devid_result *r)
{
    altroot_devid_params p = {.cert = altroot_cert_der(c),
                              .chain = P.chain,
                              .store = P.store,
                              .at = at,
                              .lenient = lenient};
    assert_ok(altroot_devid_verify(&p, r));
}

static void good_idevid_verifies_with_every_fact(void **state)
{
    (void)state;
    altroot_cert *c = mint(ALTROOT_DEVID_FAULT_NONE, P.ca, P.ca_key);
    altroot_devid_result r;
    verify(c, NOW, false, &r);
    for (size_t i = 0; i < r.failures.count; i++)
        print_message("%s %s\n", altroot_error_name(r.failures.items[i].code),
                      r.failures.items[i].detail);
    assert_true(r.verified);
    assert_int_equal(r.kind, ALTROOT_DEVID_IDEVID);
    assert_string_equal(r.info.serial, "WX-2000-000042");
    assert_string_equal(r.info.serial_from, "subject-serialNumber");
    assert_true(r.info.has_hw_module);
    assert_string_equal(r.info.hw_type, "1.3.6.1.4.1.6715.10.1");
    assert_string_equal(r.info.masa_url, "masa.example.com");
    assert_string_equal(r.info.masa_endpoint, "https://masa.example.com/.well-known/brski");
    assert_string_equal(r.info.mud_url, "https://mud.example.com/widget-2000.json");
    assert_string_equal(r.info.mudsigner_text,
                        "CN=Example Widgets MUD Signer,O=Example Widgets,C=XX");
    assert_true(r.info.no_expiry);
    assert_int_equal(r.warnings.count, 0);
    assert_non_null(strstr(r.anchor, "Widgets DevID Root CA"));
    altroot_verdict v;
    altroot_verdict_init(&v);
    altroot_root_result *rr = NULL;
    assert_ok(altroot_verdict_add_root(&v, "devid", ALTROOT_MODE_ARTEFACT, &rr));
    assert_ok(altroot_devid_to_root(&r, rr));
    assert_true(rr->attestation);
    assert_false(rr->ownership);
    altroot_verdict_clear(&v);
    altroot_devid_result_clear(&r);
    altroot_cert_free(c);
}

typedef struct neg {
    altroot_devid_fault fault;
    altroot_err code;    /* the failure expected; ALTROOT_OK: passes with a warning */
    const char *warning; /* a substring of the expected warning, or NULL */
} neg;

static void each_fault_fails_its_rule(void **state)
{
    (void)state;
    static const neg cases[] = {
        {ALTROOT_DEVID_FAULT_CA_TRUE, ALTROOT_E_DEVID_CA, NULL},
        {ALTROOT_DEVID_FAULT_SERIAL_UTF8, ALTROOT_E_DEVID_SERIAL_FORMAT, NULL},
        {ALTROOT_DEVID_FAULT_HWMODULE_BADTAG, ALTROOT_E_DEVID_HWMODULE, NULL},
        {ALTROOT_DEVID_FAULT_HWMODULE_TRAILING, ALTROOT_E_DEVID_HWMODULE, NULL},
        {ALTROOT_DEVID_FAULT_HTTP_MUD_URL, ALTROOT_E_DEVID_MUD_URL, NULL},
        {ALTROOT_DEVID_FAULT_MUDSIGNER_BAD, ALTROOT_E_DEVID_MUDSIGNER, NULL},
        {ALTROOT_DEVID_FAULT_KU_NO_DIGSIG, ALTROOT_E_DEVID_KEY_USAGE, NULL},
        {ALTROOT_DEVID_FAULT_KU_CERTSIGN, ALTROOT_E_DEVID_KEY_USAGE, NULL},
        {ALTROOT_DEVID_FAULT_V1, ALTROOT_E_DEVID_PROFILE, NULL},
        {ALTROOT_DEVID_FAULT_EMPTY_SUBJECT_SAN_NONCRITICAL, ALTROOT_E_DEVID_SAN, NULL},
        {ALTROOT_DEVID_FAULT_NO_SERIAL, ALTROOT_OK, "serial taken from HardwareModuleName"},
        {ALTROOT_DEVID_FAULT_MASA_URL_UTF8, ALTROOT_OK, "UTF8String"},
        {ALTROOT_DEVID_FAULT_NO_KU, ALTROOT_OK, "no keyUsage"},
        {ALTROOT_DEVID_FAULT_UTC_EXPIRY, ALTROOT_OK, "not 99991231235959Z"},
        {ALTROOT_DEVID_FAULT_NO_AKI, ALTROOT_OK, "authorityKeyIdentifier"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        altroot_cert *c = mint(cases[i].fault, P.ca, P.ca_key);
        altroot_devid_result r;
        verify(c, NOW, false, &r);
        print_message("fault %s\n", altroot_devid_fault_name(cases[i].fault));
        if (cases[i].code != ALTROOT_OK) {
            assert_false(r.verified);
            assert_true(altroot_failures_has(&r.failures, cases[i].code));
        } else {
            assert_true(r.verified);
        }
        bool warned = cases[i].warning == NULL;
        for (size_t w = 0; w < r.warnings.count; w++)
            warned = warned || strstr(r.warnings.items[w], cases[i].warning) != NULL;
        assert_true(warned);
        altroot_devid_result_clear(&r);
        altroot_cert_free(c);
    }
}

static void no_serial_and_no_hw_module_fails(void **state)
{
    (void)state;
    altroot_devid_mint_params m = params(ALTROOT_DEVID_FAULT_NO_SERIAL);
    m.hw_type = NULL;
    altroot_cert *c = NULL;
    assert_ok(altroot_devid_mint(&m, P.dev_key, P.ca, P.ca_key, &c));
    altroot_devid_result r;
    verify(c, NOW, false, &r);
    assert_false(r.verified);
    assert_true(altroot_failures_has(&r.failures, ALTROOT_E_DEVID_NO_SERIAL));
    altroot_devid_result_clear(&r);
    altroot_cert_free(c);
}

static void lenient_accepts_known_deviations_with_warnings(void **state)
{
    (void)state;
    altroot_cert *c = mint(ALTROOT_DEVID_FAULT_HWMODULE_BADTAG, P.ca, P.ca_key);
    altroot_devid_result r;
    verify(c, NOW, true, &r);
    assert_true(r.verified);
    assert_true(r.info.has_hw_module);
    assert_true(r.warnings.count > 0);
    altroot_devid_result_clear(&r);
    altroot_cert_free(c);
    c = mint(ALTROOT_DEVID_FAULT_MASA_URL_UTF8, P.ca, P.ca_key);
    verify(c, NOW, true, &r);
    assert_true(r.verified);
    assert_string_equal(r.info.masa_url, "masa.example.com");
    altroot_devid_result_clear(&r);
    verify(c, NOW, false, &r); /* strict: the value is not used */
    assert_null(r.info.masa_url);
    altroot_devid_result_clear(&r);
    altroot_cert_free(c);
}

static void utc_expiry_fails_after_it(void **state)
{
    (void)state;
    altroot_cert *c = mint(ALTROOT_DEVID_FAULT_UTC_EXPIRY, P.ca, P.ca_key);
    altroot_devid_result r;
    verify(c, (altroot_time)1830297600 /* 2028 */, false, &r);
    assert_false(r.verified);
    assert_true(altroot_failures_has(&r.failures, ALTROOT_E_CERT_EXPIRED));
    altroot_devid_result_clear(&r);
    altroot_cert_free(c);
}

static void look_alike_ca_fails_by_signature(void **state)
{
    (void)state;
    altroot_cert *c = mint(ALTROOT_DEVID_FAULT_NONE, P.fake_root, P.fake_key);
    altroot_devid_params p = {.cert = altroot_cert_der(c), .store = P.store, .at = NOW};
    altroot_devid_result r;
    assert_ok(altroot_devid_verify(&p, &r));
    assert_false(r.verified);
    assert_int_equal(r.kind, ALTROOT_DEVID_NONE);
    assert_true(altroot_failures_has(&r.failures, ALTROOT_E_DEVID_CHAIN));
    altroot_devid_result_clear(&r);
    altroot_cert_free(c);
}

/* A DevID handed over already parsed is judged exactly as its DER; the verifier keeps the parsed
 * certificate for its callers; giving both forms is a caller error. */
static void parsed_devid_is_judged_as_its_der(void **state)
{
    (void)state;
    altroot_cert *c = mint(ALTROOT_DEVID_FAULT_NONE, P.ca, P.ca_key);
    altroot_cert *fake = mint(ALTROOT_DEVID_FAULT_NONE, P.fake_root, P.fake_key);
    altroot_devid_result r;
    altroot_devid_params p = {.parsed = c, .chain = P.chain, .store = P.store, .at = NOW};
    assert_ok(altroot_devid_verify(&p, &r));
    assert_true(r.verified);
    assert_int_equal(r.kind, ALTROOT_DEVID_IDEVID);
    assert_ptr_equal(r.cert, c);
    altroot_devid_result_clear(&r);
    p.parsed = fake;
    assert_ok(altroot_devid_verify(&p, &r));
    assert_false(r.verified);
    assert_true(altroot_failures_has(&r.failures, ALTROOT_E_DEVID_CHAIN));
    altroot_devid_result_clear(&r);
    p.cert = altroot_cert_der(c);
    assert_int_equal(altroot_devid_verify(&p, &r), ALTROOT_E_ARG);
    altroot_devid_result_clear(&r);
    altroot_cert_free(fake);
    altroot_cert_free(c);
}

static void ldevid_under_domain_ca_is_ownership(void **state)
{
    (void)state;
    altroot_cert *c = mint(ALTROOT_DEVID_FAULT_NONE, P.dom, P.dom_key);
    altroot_devid_params p = {.cert = altroot_cert_der(c), .store = P.store, .at = NOW};
    altroot_devid_result r;
    assert_ok(altroot_devid_verify(&p, &r));
    assert_true(r.verified);
    assert_int_equal(r.kind, ALTROOT_DEVID_LDEVID);
    altroot_verdict v;
    altroot_verdict_init(&v);
    altroot_root_result *rr = NULL;
    assert_ok(altroot_verdict_add_root(&v, "devid", ALTROOT_MODE_ARTEFACT, &rr));
    assert_ok(altroot_devid_to_root(&r, rr));
    assert_true(rr->ownership);
    assert_false(rr->attestation);
    altroot_verdict_clear(&v);
    altroot_devid_result_clear(&r);
    altroot_cert_free(c);
}

static void no_anchors_and_garbage_fail_closed(void **state)
{
    (void)state;
    altroot_trust_options o = {NULL, ""};
    altroot_trust_store *empty = NULL;
    assert_ok(altroot_trust_store_load(&o, &empty));
    altroot_cert *c = mint(ALTROOT_DEVID_FAULT_NONE, P.ca, P.ca_key);
    altroot_devid_params p = {
        .cert = altroot_cert_der(c), .chain = P.chain, .store = empty, .at = NOW};
    altroot_devid_result r;
    assert_ok(altroot_devid_verify(&p, &r));
    assert_false(r.verified);
    assert_true(altroot_failures_has(&r.failures, ALTROOT_E_NO_ANCHORS));
    altroot_devid_result_clear(&r);
    static const uint8_t junk[] = {0x30, 0x03, 0x02, 0x01, 0x01};
    p.cert = (altroot_span){junk, sizeof junk};
    assert_ok(altroot_devid_verify(&p, &r));
    assert_false(r.verified);
    assert_true(altroot_failures_has(&r.failures, ALTROOT_E_CERT_PARSE));
    altroot_devid_result_clear(&r);
    altroot_cert_free(c);
    altroot_trust_store_free(empty);
}

static void extension_parsers_are_strict(void **state)
{
    (void)state;
    char *s = NULL;
    bool utf8 = false;
    static const uint8_t ia5[] = {0x16, 0x03, 'a', '.', 'b'};
    static const uint8_t ia5_trailing[] = {0x16, 0x03, 'a', '.', 'b', 0x00};
    static const uint8_t ia5_space[] = {0x16, 0x03, 'a', ' ', 'b'};
    static const uint8_t ia5_long_len[] = {0x16, 0x81, 0x03, 'a', '.', 'b'};
    assert_ok(altroot_devid_parse_masa_url((altroot_span){ia5, sizeof ia5}, false, &s, &utf8));
    assert_string_equal(s, "a.b");
    altroot_free(s);
    s = NULL;
    assert_int_equal(altroot_devid_parse_masa_url((altroot_span){ia5_trailing, sizeof ia5_trailing},
                                                  false, &s, &utf8),
                     ALTROOT_E_DEVID_MASA_URL);
    assert_int_equal(
        altroot_devid_parse_masa_url((altroot_span){ia5_space, sizeof ia5_space}, false, &s, &utf8),
        ALTROOT_E_DEVID_MASA_URL);
    assert_int_equal(altroot_devid_parse_masa_url((altroot_span){ia5_long_len, sizeof ia5_long_len},
                                                  false, &s, &utf8),
                     ALTROOT_E_DEVID_MASA_URL);
    static const uint8_t mud_userinfo[] = {0x16, 0x0F, 'h', 't', 't', 'p', 's', ':', '/',
                                           '/',  'u',  '@', 'h', '/', 'x', 'y', 'z'};
    assert_int_equal(
        altroot_devid_parse_mud_url((altroot_span){mud_userinfo, sizeof mud_userinfo}, &s),
        ALTROOT_E_DEVID_MUD_URL);
    char hw[64];
    altroot_span serial;
    bool lt = false;
    /* OID with a non-minimal subidentifier (0x80 first). */
    static const uint8_t bad_oid[] = {0x30, 0x08, 0x06, 0x03, 0x2B, 0x80, 0x01, 0x04, 0x01, 'x'};
    assert_int_equal(altroot_devid_parse_hw_module((altroot_span){bad_oid, sizeof bad_oid}, false,
                                                   hw, &serial, &lt),
                     ALTROOT_E_DEVID_HWMODULE);
    static const uint8_t good[] = {0x30, 0x08, 0x06, 0x03, 0x2B, 0x06, 0x01, 0x04, 0x01, 'x'};
    assert_ok(
        altroot_devid_parse_hw_module((altroot_span){good, sizeof good}, false, hw, &serial, &lt));
    assert_string_equal(hw, "1.3.6.1");
    altroot_span name;
    static const uint8_t empty_name[] = {0x30, 0x00};
    assert_int_equal(altroot_devid_parse_mudsigner((altroot_span){empty_name, 2}, &name),
                     ALTROOT_E_DEVID_MUDSIGNER);
    bool found = false;
    static const uint8_t empty_san[] = {0x30, 0x00};
    assert_int_equal(
        altroot_devid_parse_san((altroot_span){empty_san, 2}, false, &found, hw, &serial, &lt),
        ALTROOT_E_DEVID_SAN);
}

static void verify_survives_every_allocation_failure(void **state)
{
    (void)state;
    altroot_cert *c = mint(ALTROOT_DEVID_FAULT_NONE, P.ca, P.ca_key);
    testutil_install_allocator();
    bool completed = false;
    for (long n = 1; n < 5000 && !completed; n++) {
        testutil_fail_after(n);
        altroot_devid_result r;
        altroot_devid_params p = {
            .cert = altroot_cert_der(c), .chain = P.chain, .store = P.store, .at = NOW};
        altroot_err e = altroot_devid_verify(&p, &r);
        bool failed = testutil_alloc_failed() != 0;
        testutil_fail_after(0);
        if (!failed) {
            assert_ok(e);
            assert_true(r.verified);
            completed = true;
        } else {
            /* Fail closed: never "verified" after an allocation failure. */
            assert_false(e == ALTROOT_OK && r.verified);
        }
        altroot_devid_result_clear(&r);
    }
    assert_true(completed);
    altroot_cert_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(good_idevid_verifies_with_every_fact),
        cmocka_unit_test(each_fault_fails_its_rule),
        cmocka_unit_test(no_serial_and_no_hw_module_fails),
        cmocka_unit_test(lenient_accepts_known_deviations_with_warnings),
        cmocka_unit_test(utc_expiry_fails_after_it),
        cmocka_unit_test(look_alike_ca_fails_by_signature),
        cmocka_unit_test(parsed_devid_is_judged_as_its_der),
        cmocka_unit_test(ldevid_under_domain_ca_is_ownership),
        cmocka_unit_test(no_anchors_and_garbage_fail_closed),
        cmocka_unit_test(extension_parsers_are_strict),
        cmocka_unit_test(verify_survives_every_allocation_failure),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
