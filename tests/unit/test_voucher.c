/* RFC 8366 vouchers on minted artefacts: a negative test per rule. */
#include <string.h>

#include <altroot/brski.h>
#include <altroot/cms.h>
#include <altroot/devid.h>

#include "testutil.h"

#define T0 ((altroot_time)1767225600)  /* 2026-01-01 */
#define NOW ((altroot_time)1795824000) /* 2026-11-28 */

typedef struct pki {
    altroot_key *vendor_key, *masa_key, *dev_key, *dom_key, *fake_key;
    altroot_cert *vendor, *masa, *idevid, *dom, *ldevid, *fake;
    altroot_certs *anchors;
    altroot_cert_info idevid_info;
} pki;

static pki P;

static int setup(void **state)
{
    (void)state;
    memset(&P, 0, sizeof P);
    altroot_key **keys[] = {&P.vendor_key, &P.masa_key, &P.dev_key, &P.dom_key, &P.fake_key};
    for (size_t i = 0; i < 5; i++)
        assert_ok(altroot_key_generate(ALTROOT_KEY_EC_P256, keys[i]));
    assert_ok(
        altroot_devid_mint_ca("Vendor", "Vendor CA", -1, T0, P.vendor_key, NULL, NULL, &P.vendor));
    assert_ok(
        altroot_devid_mint_ca("Vendor", "Vendor CA", -1, T0, P.fake_key, NULL, NULL, &P.fake));
    altroot_name_entry masa[] = {{"2.5.4.3", "Vendor MASA"}};
    altroot_bytes name = ALTROOT_BYTES_INIT;
    assert_ok(altroot_devid_name_der(masa, 1, &name));
    assert_ok(altroot_devid_mint_signer(altroot_bytes_span(&name), ALTROOT_KU_DIGITAL_SIGNATURE, T0,
                                        ALTROOT_TIME_NO_EXPIRY, P.masa_key, P.vendor, P.vendor_key,
                                        &P.masa));
    altroot_bytes_clear(&name);
    altroot_devid_mint_params m = {.serial = "SN-1",
                                   .common_name = "Pledge",
                                   .not_before = T0,
                                   .not_after = ALTROOT_TIME_NO_EXPIRY,
                                   .masa_url = "masa.example.com"};
    assert_ok(altroot_devid_mint(&m, P.dev_key, P.vendor, P.vendor_key, &P.idevid));
    assert_ok(
        altroot_devid_mint_ca("Home", "Home Domain CA", 0, T0, P.dom_key, NULL, NULL, &P.dom));
    assert_ok(altroot_devid_mint(&m, P.dev_key, P.dom, P.dom_key, &P.ldevid));
    assert_ok(altroot_certs_new(&P.anchors));
    assert_ok(altroot_certs_push(P.anchors, P.vendor));
    assert_ok(altroot_cert_get_info(P.idevid, &P.idevid_info));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    altroot_key *keys[] = {P.vendor_key, P.masa_key, P.dev_key, P.dom_key, P.fake_key};
    for (size_t i = 0; i < 5; i++)
        altroot_key_free(keys[i]);
    altroot_cert *certs[] = {P.vendor, P.masa, P.idevid, P.dom, P.ldevid, P.fake};
    for (size_t i = 0; i < 6; i++)
        altroot_cert_free(certs[i]);
    altroot_certs_free(P.anchors);
    return 0;
}

static altroot_voucher_mint_params good(void)
{
    altroot_voucher_mint_params p = {
        .assertion = "verified",
        .serial_number = "SN-1",
        .nonce = "bm9uY2U=",
        .created_on = T0,
        .expires_on = NOW + 86400,
        .pinned = P.dom,
        .idevid_issuer = {P.idevid_info.akid, P.idevid_info.akid_len},
        .content_type = ALTROOT_OID_CT_JSON_VOUCHER,
        .signer = P.masa,
        .key = P.masa_key,
    };
    return p;
}

static void run(const altroot_voucher_mint_params *mp, const char *nonce, altroot_time at,
                altroot_voucher_result *r)
{
    altroot_bytes cms = ALTROOT_BYTES_INIT;
    assert_ok(altroot_voucher_mint(mp, &cms));
    altroot_voucher_params p = {.cms = altroot_bytes_span(&cms),
                                .masa_anchors = P.anchors,
                                .idevid = P.idevid,
                                .nonce = nonce,
                                .at = at};
    assert_ok(altroot_voucher_verify(&p, r));
    for (size_t i = 0; i < r->failures.count; i++)
        print_message("  %s %s\n", altroot_error_name(r->failures.items[i].code),
                      r->failures.items[i].detail);
    altroot_bytes_clear(&cms);
}

static void good_voucher_and_ldevid_prove_ownership(void **state)
{
    (void)state;
    altroot_voucher_mint_params mp = good();
    altroot_voucher_result r;
    run(&mp, "bm9uY2U=", NOW, &r);
    assert_true(r.verified);
    assert_int_equal(r.voucher.assertion, ALTROOT_VOUCHER_ASSERTION_VERIFIED);
    assert_string_equal(r.voucher.serial_number, "SN-1");
    assert_non_null(strstr(r.owner, "Home Domain CA"));
    bool ok = false;
    altroot_failures f = ALTROOT_FAILURES_INIT;
    assert_ok(altroot_voucher_check_ldevid(&r.voucher, P.ldevid, NULL, NOW, &ok, &f));
    assert_true(ok);
    /* An IDevID is not under the pinned domain. */
    assert_ok(altroot_voucher_check_ldevid(&r.voucher, P.idevid, NULL, NOW, &ok, &f));
    assert_false(ok);
    assert_true(altroot_failures_has(&f, ALTROOT_E_VOUCHER_DOMAIN));
    altroot_failures_clear(&f);
    altroot_voucher_result_clear(&r);
}

static void each_rule_has_a_negative(void **state)
{
    (void)state;
    altroot_voucher_result r;
    altroot_voucher_mint_params mp = good();
    mp.serial_number = "SN-2";
    run(&mp, NULL, NOW, &r);
    assert_true(altroot_failures_has(&r.failures, ALTROOT_E_VOUCHER_SERIAL));
    assert_false(r.verified);
    altroot_voucher_result_clear(&r);

    mp = good();
    run(&mp, "other", NOW, &r);
    assert_true(altroot_failures_has(&r.failures, ALTROOT_E_VOUCHER_NONCE));
    altroot_voucher_result_clear(&r);

    mp = good();
    run(&mp, NULL, NOW + (altroot_time)3 * 86400, &r);
    assert_true(altroot_failures_has(&r.failures, ALTROOT_E_VOUCHER_EXPIRED));
    altroot_voucher_result_clear(&r);

    mp = good();
    mp.assertion = "trust-me";
    run(&mp, NULL, NOW, &r);
    assert_true(altroot_failures_has(&r.failures, ALTROOT_E_VOUCHER_ASSERTION));
    altroot_voucher_result_clear(&r);

    mp = good();
    static const uint8_t wrong[] = {1, 2, 3, 4};
    mp.idevid_issuer = (altroot_span){wrong, sizeof wrong};
    run(&mp, NULL, NOW, &r);
    assert_true(altroot_failures_has(&r.failures, ALTROOT_E_VOUCHER_IDEVID_ISSUER));
    altroot_voucher_result_clear(&r);

    mp = good();
    mp.extra_leaf = "grant-everything";
    run(&mp, NULL, NOW, &r);
    assert_true(altroot_failures_has(&r.failures, ALTROOT_E_VOUCHER_FORMAT));
    altroot_voucher_result_clear(&r);

    mp = good();
    mp.content_type = "1.2.840.113549.1.9.16.1.41"; /* a MUD, not a voucher */
    run(&mp, NULL, NOW, &r);
    assert_true(altroot_failures_has(&r.failures, ALTROOT_E_VOUCHER_FORMAT));
    altroot_voucher_result_clear(&r);

    /* Signed by a device with its own IDevID key: it chains to the vendor CA like the MASA, yet
     * a device may not vouch for itself (or for any other unit). */
    mp = good();
    mp.signer = P.idevid;
    mp.key = P.dev_key;
    run(&mp, NULL, NOW, &r);
    assert_false(r.verified);
    assert_true(altroot_failures_has(&r.failures, ALTROOT_E_VOUCHER_SIGNER));
    assert_false(altroot_failures_has(&r.failures, ALTROOT_E_VOUCHER_CHAIN));
    altroot_voucher_result_clear(&r);

    /* Signed by a look-alike vendor key: the chain fails by signature. */
    mp = good();
    altroot_cert *fake_masa = NULL;
    altroot_bytes name = ALTROOT_BYTES_INIT;
    altroot_name_entry masa[] = {{"2.5.4.3", "Vendor MASA"}};
    assert_ok(altroot_devid_name_der(masa, 1, &name));
    assert_ok(altroot_devid_mint_signer(altroot_bytes_span(&name), ALTROOT_KU_DIGITAL_SIGNATURE, T0,
                                        ALTROOT_TIME_NO_EXPIRY, P.masa_key, P.fake, P.fake_key,
                                        &fake_masa));
    mp.signer = fake_masa;
    run(&mp, NULL, NOW, &r);
    assert_false(r.verified);
    assert_true(altroot_failures_has(&r.failures, ALTROOT_E_VOUCHER_CHAIN));
    altroot_voucher_result_clear(&r);
    altroot_cert_free(fake_masa);
    altroot_bytes_clear(&name);
}

static void tampered_and_malformed_cms_fail(void **state)
{
    (void)state;
    altroot_voucher_mint_params mp = good();
    altroot_bytes cms = ALTROOT_BYTES_INIT;
    assert_ok(altroot_voucher_mint(&mp, &cms));
    /* Flip one byte of the JSON inside the CMS ("SN-1" -> "SN-2"). */
    for (size_t i = 0; i + 4 < cms.len; i++) {
        if (memcmp(cms.ptr + i, "SN-1", 4) == 0) {
            cms.ptr[i + 3] = '2';
            break;
        }
    }
    altroot_voucher_params p = {
        .cms = altroot_bytes_span(&cms), .masa_anchors = P.anchors, .idevid = P.idevid, .at = NOW};
    altroot_voucher_result r;
    assert_ok(altroot_voucher_verify(&p, &r));
    assert_false(r.verified);
    assert_true(altroot_failures_has(&r.failures, ALTROOT_E_VOUCHER_SIGNATURE));
    altroot_voucher_result_clear(&r);
    cms.len = cms.len / 2; /* truncated */
    p.cms = altroot_bytes_span(&cms);
    assert_ok(altroot_voucher_verify(&p, &r));
    assert_false(r.verified);
    assert_true(altroot_failures_has(&r.failures, ALTROOT_E_CMS_FORMAT));
    altroot_voucher_result_clear(&r);
    altroot_bytes_clear(&cms);
}

static void parser_is_strict(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "{}",
        "{\"ietf-voucher:voucher\":{},\"x\":1}",
        "{\"ietf-voucher-request:voucher\":{\"serial-number\":\"a\"}}",
        /* one string, split over two lines */
        ("{\"ietf-voucher:voucher\":{\"created-on\":\"20260618T122120Z\",\"assertion\":"
         "\"logged\",\"serial-number\":\"a\",\"pinned-domain-cert\":\"AAAA\"}}"),
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        altroot_voucher v;
        altroot_failures f = ALTROOT_FAILURES_INIT;
        assert_ok(
            altroot_voucher_parse((altroot_span){(const uint8_t *)bad[i], strlen(bad[i])}, &v, &f));
        assert_true(f.count > 0);
        altroot_voucher_clear(&v);
        altroot_failures_clear(&f);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(good_voucher_and_ldevid_prove_ownership),
        cmocka_unit_test(each_rule_has_a_negative),
        cmocka_unit_test(tampered_and_malformed_cms_fail),
        cmocka_unit_test(parser_is_strict),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
