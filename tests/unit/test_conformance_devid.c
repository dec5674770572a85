/* Conformance: ../shared/vectors/devid-mud (MANIFEST.md, EXPECTED_RESULTS.md). Every case names
 * the expectation it checks; disagreements are documented in docs/devid-mud.md. */
#include <stdio.h>
#include <string.h>

#include <altroot/brski.h>
#include <altroot/cms.h>
#include <altroot/devid.h>
#include <altroot/mud.h>

#include "testutil.h"

#define V "devid-mud/"
#define NOW ((altroot_time)1795824000) /* 2026-11-28 */
#define AB V "anima-wg__anima-bootstrap/examples/"
#define REACH V "AnimaGUS-minerva__reach/spec/files/product/"
#define FOUNT V "AnimaGUS-minerva__fountain/spec/files/"
#define HIGH V "AnimaGUS-minerva__highway/spec/files/"
#define GEN V "generated/"

static int g_skipped;

/* Certificates of a shared file, or NULL (and skip) when the vectors are absent. */
static altroot_certs *load(const char *rel)
{
    const char *path = testutil_shared(rel);
    if (path == NULL) {
        g_skipped = 1;
        return NULL;
    }
    altroot_certs *c = NULL;
    assert_ok(altroot_certs_new(&c));
    assert_ok(altroot_certs_load_file(c, path));
    return c;
}

static bool read_shared(const char *rel, altroot_bytes *out)
{
    const char *path = testutil_shared(rel);
    if (path == NULL) {
        g_skipped = 1;
        return false;
    }
    assert_ok(altroot_bytes_read_file(out, path, ALTROOT_CMS_MAX));
    return true;
}

static altroot_trust_store *store_of(const char *devid, const char *ldevid, const char *mud)
{
    altroot_trust_options o = {NULL, ""};
    altroot_trust_store *s = NULL;
    assert_ok(altroot_trust_store_load(&o, &s));
    const char *files[] = {devid, ldevid, mud};
    altroot_anchor_kind kinds[] = {ALTROOT_ANCHOR_DEVID_CA, ALTROOT_ANCHOR_LDEVID_CA,
                                   ALTROOT_ANCHOR_MUD_SIGNER};
    for (size_t i = 0; i < 3; i++) {
        altroot_bytes b = ALTROOT_BYTES_INIT;
        if (files[i] != NULL && read_shared(files[i], &b))
            assert_ok(altroot_trust_store_add(s, kinds[i], files[i], altroot_bytes_span(&b)));
        altroot_bytes_clear(&b);
    }
    return s;
}

static void print_failures(const altroot_failures *f)
{
    for (size_t i = 0; i < f->count; i++)
        print_message("    %s %s %s\n", altroot_error_name(f->items[i].code),
                      f->items[i].where ? f->items[i].where : "", f->items[i].detail);
}

/* Verify a DevID (leaf file, optional chain file) against anchors; returns verified. */
static bool devid(const char *leaf, const char *chain, altroot_trust_store *s, altroot_time at,
                  bool lenient, altroot_devid_result *r)
{
    altroot_certs *l = load(leaf);
    altroot_certs *c = chain != NULL ? load(chain) : NULL;
    if (l == NULL || (chain != NULL && c == NULL))
        skip();
    altroot_devid_params p = {.cert = altroot_cert_der(altroot_certs_get(l, 0)),
                              .chain = c,
                              .store = s,
                              .at = at,
                              .lenient = lenient};
    assert_ok(altroot_devid_verify(&p, r));
    print_message("%s @%lld: %s\n", leaf, (long long)at, r->verified ? "verified" : "rejected");
    print_failures(&r->failures);
    altroot_certs_free(l);
    altroot_certs_free(c);
    return r->verified;
}

/* EXPECTED_RESULTS rows that are plain chain checks (a MASA, registrar or CA certificate). */
static bool chain_only(const char *leaf, const char *anchor, altroot_time at)
{
    altroot_certs *l = load(leaf), *a = load(anchor);
    if (l == NULL || a == NULL)
        skip();
    altroot_chain_params cp = {.at = at};
    altroot_chain_result cr;
    assert_ok(altroot_chain_verify(l, a, &cp, &cr));
    bool ok = cr.verified;
    altroot_chain_result_clear(&cr);
    altroot_certs_free(l);
    altroot_certs_free(a);
    return ok;
}

static void rfc8995_idevid_and_pki(void **state)
{
    (void)state;
    altroot_trust_store *s = store_of(AB "vendor.crt", NULL, NULL);
    altroot_devid_result r;
    /* valid @T (2021-05-01), fails @now (vendor CA expired 2023-04-13) */
    assert_true(devid(AB "idevid_00-D0-E5-F2-00-02.crt", NULL, s, 1619827200, false, &r));
    assert_int_equal(r.kind, ALTROOT_DEVID_IDEVID);
    assert_string_equal(r.info.serial, "00-D0-E5-F2-00-02");
    assert_string_equal(r.info.masa_url, "highway-test.example.com:9443");
    assert_false(r.info.has_aki); /* no AKI: a warning, not a failure */
    altroot_devid_result_clear(&r);
    assert_false(devid(AB "idevid_00-D0-E5-F2-00-02.crt", NULL, s, NOW, false, &r));
    assert_true(altroot_failures_has(&r.failures, ALTROOT_E_CERT_EXPIRED));
    altroot_devid_result_clear(&r);
    altroot_trust_store_free(s);
    assert_true(chain_only(AB "masa.crt", AB "vendor.crt", 1619827200));
    assert_true(chain_only(AB "jrc_prime256v1.crt", AB "ownerca_secp384r1.crt", 1619827200));
}

static void minerva_reach_idevids_and_ldevids(void **state)
{
    (void)state;
    altroot_devid_result r;
    altroot_trust_store *s =
        store_of(NULL, AB "ownerca_secp384r1.crt", NULL); /* LDevID: ownership */
    assert_true(devid(REACH "00-D0-E5-F2-00-02/ldevid.der", NULL, s, 1619827200, false, &r));
    assert_int_equal(r.kind, ALTROOT_DEVID_LDEVID);
    altroot_devid_result_clear(&r);
    altroot_trust_store_free(s);

    s = store_of(REACH "00-D0-E5-01-00-16/vendor.crt", FOUNT "cert/ownerca_3072.crt", NULL);
    assert_true(devid(REACH "00-D0-E5-01-00-16/device.crt", NULL, s, 1620432000, false, &r));
    assert_int_equal(r.kind, ALTROOT_DEVID_IDEVID);
    assert_string_equal(r.info.masa_url, "masa.wheezes.sandelman.ca");
    altroot_devid_result_clear(&r);
    assert_true(devid(REACH "00-D0-E5-01-00-16/ldevid.crt", NULL, s, 1620432000, false, &r));
    assert_int_equal(r.kind, ALTROOT_DEVID_LDEVID);
    altroot_devid_result_clear(&r);
    altroot_trust_store_free(s);

    /* MASA URL as UTF8String: chain valid; strict ignores the value, lenient keeps it. */
    s = store_of(REACH "00-D0-E5-F2-00-02/vendor.crt", NULL, NULL);
    /* These also carry serialNumber as UTF8String (RFC 5280: PrintableString): the chain is
     * valid as expected; strict rejects the serial, lenient accepts both with warnings. */
    assert_false(devid(REACH "00-D0-E5-02-00-2D/device.crt", NULL, s, 1617667200, false, &r));
    assert_int_equal(r.kind, ALTROOT_DEVID_IDEVID);
    assert_false(altroot_failures_has(&r.failures, ALTROOT_E_DEVID_CHAIN));
    assert_true(altroot_failures_has(&r.failures, ALTROOT_E_DEVID_SERIAL_FORMAT));
    assert_null(r.info.masa_url);
    assert_true(r.warnings.count > 0);
    altroot_devid_result_clear(&r);
    assert_true(devid(REACH "00-D0-E5-02-00-2D/device.crt", NULL, s, 1617667200, true, &r));
    assert_non_null(r.info.masa_url);
    altroot_devid_result_clear(&r);
    assert_true(devid(REACH "00-D0-E5-F2-00-0E/device.crt", NULL, s, 1617667200, true, &r));
    altroot_devid_result_clear(&r);
    /* The C.1.5 IDevID against the RSA vendor with the same DN: signature FAIL. */
    assert_false(devid(REACH "00-D0-E5-F2-00-02/device.crt", NULL, s, NOW, false, &r));
    assert_int_equal(r.kind, ALTROOT_DEVID_NONE);
    altroot_devid_result_clear(&r);
    /* pyasn1 RSA-signed issue of the RFC 8995 IDevID, valid @2021-04-27 */
    assert_true(devid(V "russhousley__pyasn1-alt-modules/"
                        "rfc8995_masa_url_idevid_00-D0-E5-F2-00-02_rsa.pem",
                      NULL, s, 1619481600, false, &r));
    altroot_devid_result_clear(&r);
    altroot_trust_store_free(s);
}

static void constrained_voucher_pledge(void **state)
{
    (void)state;
    const char *cv = V "anima-wg__constrained-voucher/examples/cose-examples/";
    char pledge[256], ca[256], reg[256], dom[256], masa[256];
    snprintf(pledge, sizeof pledge, "%spledge.pem", cv);
    snprintf(ca, sizeof ca, "%smasa_ca.pem", cv);
    snprintf(reg, sizeof reg, "%sregistrar.pem", cv);
    snprintf(dom, sizeof dom, "%sdomain_ca.pem", cv);
    snprintf(masa, sizeof masa, "%smasa.pem", cv);
    altroot_trust_store *s = store_of(ca, NULL, NULL);
    altroot_devid_result r;
    assert_true(devid(pledge, NULL, s, NOW, false, &r));
    assert_string_equal(r.info.serial, "JADA123456789");
    assert_false(r.info.no_expiry); /* 99991231125047Z is not the 802.1AR value: warned */
    altroot_devid_result_clear(&r);
    altroot_trust_store_free(s);
    assert_false(chain_only(reg, dom, NOW));
    assert_true(chain_only(reg, dom, 1685577600));
    assert_true(chain_only(masa, ca, NOW));
}

static void look_alike_unknown_and_bad_aki(void **state)
{
    (void)state;
    altroot_devid_result r;
    /* Look-alike CA (same DN, other key): FAIL by signature; genuine vendor: valid. */
    altroot_trust_store *s = store_of(FOUNT "CAs/malicious/certs/ca.cert.pem", NULL, NULL);
    assert_false(
        devid(FOUNT "product/00-D0-E5-F2-00-07/device.crt", NULL, s, 1559347200, true, &r));
    assert_int_equal(r.kind, ALTROOT_DEVID_NONE);
    assert_true(altroot_failures_has(&r.failures, ALTROOT_E_DEVID_CHAIN));
    altroot_devid_result_clear(&r);
    altroot_trust_store_free(s);
    s = store_of(FOUNT "product/00-D0-E5-F2-00-07/vendor.crt", NULL, NULL);
    assert_true(devid(FOUNT "product/00-D0-E5-F2-00-07/device.crt", NULL, s, 1559347200, true,
                      &r)); /* lenient: its serialNumber is a UTF8String */
    assert_int_equal(r.kind, ALTROOT_DEVID_IDEVID);
    altroot_devid_result_clear(&r);
    altroot_trust_store_free(s);
    /* Unknown "Fire Department" device against the highway vendor: no issuer. */
    s = store_of(HIGH "cert/vendor_secp384r1.crt", HIGH "cert/vendor_secp384r1.crt", NULL);
    assert_false(devid(FOUNT "CAs/unknown/certs/newdevice@unknown.example.com.cert.pem", NULL, s,
                       NOW, false, &r));
    altroot_devid_result_clear(&r);
    /* Smarkaklink v1 LDevID under the intermediate whose AKI equals its own SKI: FAIL. */
    assert_false(devid(FOUNT "product/Smarkaklink-1502449999/ldevice.crt",
                       HIGH "cert/idevid_prime256v1.crt", s, 1557878400, false, &r));
    altroot_devid_result_clear(&r);
    assert_false(devid(FOUNT "product/Smarkaklink-1502449999/ldevice.crt",
                       HIGH "cert/idevid_prime256v1.crt", s, NOW, false, &r));
    altroot_devid_result_clear(&r);
    altroot_trust_store_free(s);
}

static void tpm_ak_with_malformed_hw_module(void **state)
{
    (void)state;
    const char *ak = V "salrashid123__device-attest-01/README_extracted_AK_cert_hwmodulename.pem";
    const char *root = V "salrashid123__device-attest-01/tpm/certs/attestation-root-ca.crt";
    assert_true(chain_only(ak, root, NOW));
    assert_true(chain_only(ak, root, 1798761600));
    assert_false(chain_only(ak, root, 1830297600));
    altroot_trust_store *s = store_of(root, NULL, NULL);
    altroot_devid_result r;
    assert_false(devid(ak, NULL, s, NOW, false, &r)); /* strict: hwSerialNum tag 0x84 */
    assert_true(altroot_failures_has(&r.failures, ALTROOT_E_DEVID_HWMODULE));
    assert_true(altroot_failures_has(&r.failures, ALTROOT_E_DEVID_SAN)); /* empty subject */
    altroot_devid_result_clear(&r);
    devid(ak, NULL, s, NOW, true, &r); /* lenient: decoded with a warning */
    assert_false(altroot_failures_has(&r.failures, ALTROOT_E_DEVID_HWMODULE));
    assert_true(r.info.has_hw_module);
    assert_string_equal(r.info.hw_type, "2.23.133.1.2");
    altroot_devid_result_clear(&r);
    altroot_trust_store_free(s);
}

static void generated_devids(void **state)
{
    (void)state;
    altroot_trust_store *s = store_of(GEN "mfg-root-ca.pem", GEN "domain-ca.pem", NULL);
    altroot_devid_result r;
    assert_true(devid(GEN "idevid-good.pem", GEN "chain-idevid-good.pem", s, NOW, false, &r));
    assert_string_equal(r.info.serial, "WX-2000-000042");
    assert_true(r.info.no_expiry);
    assert_string_equal(r.info.hw_type, "1.3.6.1.4.1.6715.10.1");
    assert_string_equal(r.info.mud_url, "https://mud.example.com/widget-2000.json");
    assert_string_equal(r.info.masa_url, "masa.example.com");
    assert_string_equal(r.info.mudsigner_text,
                        "CN=Example Widgets MUD Signer,O=Example Widgets,C=XX");
    assert_int_equal(r.warnings.count, 0);
    altroot_devid_result_clear(&r);
    assert_true(devid(GEN "ldevid-good.pem", NULL, s, NOW, false, &r));
    assert_int_equal(r.kind, ALTROOT_DEVID_LDEVID);
    altroot_devid_result_clear(&r);
    static const struct {
        const char *file;
        altroot_err code;
    } neg[] = {{GEN "idevid-neg-http-mudurl.pem", ALTROOT_E_DEVID_MUD_URL},
               {GEN "idevid-neg-hwmodname-badtag.pem", ALTROOT_E_DEVID_HWMODULE},
               {GEN "idevid-neg-ca-true.pem", ALTROOT_E_DEVID_CA}};
    for (size_t i = 0; i < sizeof neg / sizeof neg[0]; i++) {
        assert_false(devid(neg[i].file, GEN "chain-idevid-good.pem", s, NOW, false, &r));
        assert_true(altroot_failures_has(&r.failures, neg[i].code));
        altroot_devid_result_clear(&r);
    }
    assert_true(devid(GEN "idevid-neg-no-serialnumber.pem", GEN "chain-idevid-good.pem", s, NOW,
                      false, &r));
    assert_string_equal(r.info.serial_from, "hardware-module-name");
    altroot_devid_result_clear(&r);
    assert_true(
        devid(GEN "idevid-neg-utc-expiry.pem", GEN "chain-idevid-good.pem", s, NOW, false, &r));
    altroot_devid_result_clear(&r);
    assert_false(devid(GEN "idevid-neg-utc-expiry.pem", GEN "chain-idevid-good.pem", s, 1830297600,
                       false, &r));
    altroot_devid_result_clear(&r);
    altroot_trust_store_free(s);
}

/* MUD verification of shared files; returns verified. */
static bool mud(const char *file, const char *sig, const char *device, const char *chain,
                altroot_trust_store *s, altroot_time at, const char *url, altroot_mud_result *r)
{
    altroot_bytes f = ALTROOT_BYTES_INIT, g = ALTROOT_BYTES_INIT;
    altroot_certs *d = device != NULL ? load(device) : NULL;
    altroot_certs *c = chain != NULL ? load(chain) : NULL;
    if (!read_shared(file, &f) || !read_shared(sig, &g) || (device != NULL && d == NULL))
        skip();
    altroot_mud_params p = {.file = altroot_bytes_span(&f),
                            .signature = altroot_bytes_span(&g),
                            .store = s,
                            .at = at,
                            .url = url,
                            .url_source = ALTROOT_MUD_URL_NETWORK,
                            .device_cert = d != NULL ? altroot_cert_der(altroot_certs_get(d, 0))
                                                     : (altroot_span){NULL, 0},
                            .device_chain = c};
    assert_ok(altroot_mud_verify(&p, r));
    print_message("%s: %s\n", file, r->verified ? "verified" : "rejected");
    print_failures(&r->failures);
    altroot_bytes_clear(&f);
    altroot_bytes_clear(&g);
    altroot_certs_free(d);
    altroot_certs_free(c);
    return r->verified;
}

static void generated_mud(void **state)
{
    (void)state;
    altroot_trust_store *s = store_of(GEN "mfg-root-ca.pem", NULL, GEN "mfg-root-ca.pem");
    altroot_mud_result r;
    assert_true(mud(GEN "widget-2000.json", GEN "widget-2000.p7s", GEN "idevid-good.pem",
                    GEN "chain-idevid-good.pem", s, NOW, NULL, &r));
    assert_int_equal(r.url_source, ALTROOT_MUD_URL_CERT_VERIFIED);
    assert_non_null(r.file.mfg_name);
    altroot_mud_result_clear(&r);
    assert_false(mud(GEN "widget-2000.tampered.json", GEN "widget-2000.p7s", GEN "idevid-good.pem",
                     GEN "chain-idevid-good.pem", s, NOW, NULL, &r));
    assert_true(altroot_failures_has(&r.failures, ALTROOT_E_MUD_SIGNATURE));
    altroot_mud_result_clear(&r);
    assert_false(mud(GEN "widget-2000.json", GEN "widget-2000.signed-by-other.p7s",
                     GEN "idevid-good.pem", GEN "chain-idevid-good.pem", s, NOW, NULL, &r));
    assert_true(r.signature_ok);
    assert_true(r.signer_chain_ok);
    assert_true(altroot_failures_has(&r.failures, ALTROOT_E_MUD_SIGNER_MISMATCH));
    altroot_mud_result_clear(&r);
    /* A device whose certificate carries an http MUD URL: rejected. */
    assert_false(mud(GEN "widget-2000.json", GEN "widget-2000.p7s",
                     GEN "idevid-neg-http-mudurl.pem", GEN "chain-idevid-good.pem", s, NOW, NULL,
                     &r));
    altroot_mud_result_clear(&r);
    altroot_trust_store_free(s);
}

static void cisco_and_minerva_mud_signatures(void **state)
{
    (void)state;
    const char *lum = V "CiscoDevNet__MUD-Manager/examples/luminaire/";
    char file[256], sig[256], ca[256];
    snprintf(file, sizeof file, "%sfs/Luminaire_150.json", lum);
    snprintf(sig, sizeof sig, "%sfs/Luminaire_150.p7s", lum);
    snprintf(ca, sizeof ca, "%sluminaire-cacert.pem", lum);
    altroot_trust_store *s = store_of(NULL, NULL, ca);
    altroot_mud_result r;
    assert_true(mud(file, sig, NULL, NULL, s, 1537228800,
                    "https://luminaire.example.com/Luminaire_150", &r));
    assert_int_equal(r.url_source, ALTROOT_MUD_URL_NETWORK);
    altroot_mud_result_clear(&r);
    assert_false(mud(file, sig, NULL, NULL, s, NOW, NULL, &r)); /* CA expired 2019-07-12 */
    assert_true(r.signature_ok);
    assert_true(altroot_failures_has(&r.failures, ALTROOT_E_MUD_SIGNER_CHAIN));
    altroot_mud_result_clear(&r);
    /* The pyasn1 Luminaire certificate names another mudsigner: reject. */
    assert_false(mud(file, sig, V "russhousley__pyasn1-alt-modules/rfc8520_luminaire_mud_cert.der",
                     NULL, s, 1537228800, NULL, &r));
    assert_true(altroot_failures_has(&r.failures, ALTROOT_E_MUD_SIGNER_MISMATCH));
    altroot_mud_result_clear(&r);
    altroot_trust_store_free(s);

    /* Minerva: signature over the exact bytes OK; signer without keyUsage and its CA not
     * available: reject (RFC 8520 13.2). The pretty-printed copy: signature FAIL. */
    s = store_of(NULL, NULL, NULL);
    const char *ok[][2] = {
        {HIGH "mudsig/toaster_mud.json", HIGH "mudsig/toaster_mud.json.sig"},
        {HIGH "mudsig/thermostat-example.json", HIGH "mudsig/thermostat-example.json.sig"},
        {FOUNT "mud/mwave_mud.json", FOUNT "mud/mwave_mud.json.sig"}};
    for (size_t i = 0; i < 3; i++) {
        assert_false(mud(ok[i][0], ok[i][1], NULL, NULL, s, NOW, NULL, &r));
        assert_true(r.signature_ok);
        assert_true(altroot_failures_has(&r.failures, ALTROOT_E_MUD_SIGNER_KEY_USAGE));
        assert_true(altroot_failures_has(&r.failures, ALTROOT_E_MUD_SIGNER_CHAIN));
        altroot_mud_result_clear(&r);
    }
    assert_false(mud(HIGH "mud/toaster_mud.json", HIGH "mudsig/toaster_mud.json.sig", NULL, NULL, s,
                     NOW, NULL, &r));
    assert_false(r.signature_ok);
    assert_true(altroot_failures_has(&r.failures, ALTROOT_E_MUD_SIGNATURE));
    altroot_mud_result_clear(&r);
    altroot_trust_store_free(s);
}

static size_t check_file(const char *rel, altroot_mud_file *f, altroot_failures *fl)
{
    altroot_bytes b = ALTROOT_BYTES_INIT;
    altroot_strlist w = ALTROOT_STRLIST_INIT;
    if (!read_shared(rel, &b))
        skip();
    assert_ok(altroot_mud_file_check(altroot_bytes_span(&b), f, fl, &w));
    print_message("%s: %zu failures\n", rel, fl->count);
    print_failures(fl);
    altroot_strlist_clear(&w);
    altroot_bytes_clear(&b);
    return fl->count;
}

static void public_mud_files_parse(void **state)
{
    (void)state;
    static const char *const valid[] = {
        V "iot-onboarding__mudmaker/my-controller.json",
        V "iot-onboarding__mudmaker/same-manufacturer.json",
        V "iot-onboarding__mudmaker/cloud-service.json",
        V "osmud__osmud/example/ieft-draft.json",
        V "usnistgov__nist-mud/test/unittest/mud-quarantine-test/mudfile-quarantine-test.json",
        V "usnistgov__nist-mud/test/unittest/mud-dns-test/mudfile-dns-test.json",
        V
        "usnistgov__nist-mud/test/unittest/mud-tcp-direction-test/mudfile-tcp-direction-test.json",
        V "usnistgov__nist-mud/test/unittest/mud-model-test/mudfile-model-test.json",
        V "usnistgov__nist-mud/test/unittest/mud-mfg-test/mudfile-mfg-test.json",
        V "usnistgov__nist-mud/test/system-test/mudfile-server/mudfile-sensor.json",
        V "usnistgov__nist-mud/test/unittest/mud-local-networks-test/"
          "mudfile-local-networks-test.json",
        V "usnistgov__nist-mud/test/unittest/mud-controllerclass-test/"
          "mudfile-controllerclass-test.json",
        V "CiscoDevNet__MUD-Manager/examples/luminaire/fs/Luminaire_150.json",
        GEN "widget-2000.json",
    };
    for (size_t i = 0; i < sizeof valid / sizeof valid[0]; i++) {
        altroot_mud_file f;
        altroot_failures fl = ALTROOT_FAILURES_INIT;
        assert_int_equal(check_file(valid[i], &f, &fl), 0);
        assert_non_null(f.mud_url);
        altroot_mud_file_clear(&f);
        altroot_failures_clear(&fl);
    }
    static const char *const invalid[] = {FOUNT "mud/cmdeof.json", FOUNT "mud/cmdfiles.json",
                                          FOUNT "mud/cmdone.json", FOUNT "mud/cmdtwo.json",
                                          V "osmud__osmud/test/lightbulb2000.json",
                                          /* actions inside matches, key "...:s:qrc-dnsname" */
                                          HIGH "mudsig/toaster_mud.json"};
    for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
        altroot_mud_file f;
        altroot_failures fl = ALTROOT_FAILURES_INIT;
        assert_true(check_file(invalid[i], &f, &fl) > 0);
        altroot_mud_file_clear(&f);
        altroot_failures_clear(&fl);
    }
}

static bool cms_ok(const char *rel, const char *anchor, altroot_time at, altroot_cms_result *r)
{
    altroot_bytes b = ALTROOT_BYTES_INIT;
    altroot_certs *a = anchor != NULL ? load(anchor) : NULL;
    if (!read_shared(rel, &b))
        skip();
    altroot_cms_verify_params p = {.cms = altroot_bytes_span(&b), .anchors = a, .at = at};
    assert_ok(altroot_cms_verify(&p, r));
    altroot_bytes_clear(&b);
    altroot_certs_free(a);
    return r->verified;
}

static void rfc8995_vouchers(void **state)
{
    (void)state;
    altroot_certs *vendor = load(AB "vendor.crt");
    altroot_certs *idevid = load(AB "idevid_00-D0-E5-F2-00-02.crt");
    altroot_certs *jrc = load(AB "jrc_prime256v1.crt");
    altroot_bytes b = ALTROOT_BYTES_INIT;
    if (vendor == NULL || idevid == NULL || jrc == NULL ||
        !read_shared(AB "voucher_00-D0-E5-F2-00-02.pkcs", &b))
        skip();
    altroot_voucher_params p = {.cms = altroot_bytes_span(&b),
                                .masa_anchors = vendor,
                                .idevid = altroot_certs_get(idevid, 0),
                                .nonce = "-_XE9zK9q8Ll1qylMtLKeg",
                                .at = 1618358400};
    altroot_voucher_result r;
    assert_ok(altroot_voucher_verify(&p, &r));
    print_failures(&r.failures);
    assert_true(r.verified);
    assert_int_equal(r.voucher.assertion, ALTROOT_VOUCHER_ASSERTION_LOGGED);
    assert_string_equal(r.voucher.serial_number, "00-D0-E5-F2-00-02");
    assert_string_equal(r.content_type, ALTROOT_OID_CT_DATA);
    /* pinned-domain-cert is the registrar's end-entity certificate */
    assert_true(altroot_span_equal(altroot_cert_der(r.voucher.pinned_domain_cert),
                                   altroot_cert_der(altroot_certs_get(jrc, 0))));
    altroot_voucher_result_clear(&r);
    p.at = NOW; /* the MASA chain has expired */
    assert_ok(altroot_voucher_verify(&p, &r));
    assert_false(r.verified);
    assert_true(altroot_failures_has(&r.failures, ALTROOT_E_VOUCHER_CHAIN));
    altroot_voucher_result_clear(&r);
    altroot_bytes_clear(&b);
    /* Voucher-requests: signatures and chains verify; they are not vouchers. */
    altroot_cms_result cr;
    assert_true(cms_ok(AB "parboiled_vr_00-D0-E5-F2-00-02.pkcs", AB "ownerca_secp384r1.crt",
                       1618358400, &cr));
    altroot_cms_result_clear(&cr);
    assert_true(cms_ok(AB "vr_00-D0-E5-F2-00-02.pkcs", AB "vendor.crt", 1618358400, &cr));
    altroot_voucher r2;
    altroot_failures f = ALTROOT_FAILURES_INIT;
    assert_ok(altroot_voucher_parse(altroot_bytes_span(&cr.content), &r2, &f));
    assert_true(altroot_failures_has(&f, ALTROOT_E_VOUCHER_FORMAT));
    altroot_voucher_clear(&r2);
    altroot_failures_clear(&f);
    altroot_cms_result_clear(&cr);
    /* pyasn1 voucher: id-ct-animaJSONVoucher signature verifies; its content is not RFC 8366
     * JSON (created-on "20260618T122120Z", hex idevid-issuer, string boolean). */
    assert_false(
        cms_ok(V "russhousley__pyasn1-alt-modules/rfc8366_json_voucher_cms.der", NULL, NOW, &cr));
    assert_true(cr.signature_ok);
    assert_string_equal(cr.content_type, ALTROOT_OID_CT_JSON_VOUCHER);
    assert_ok(altroot_voucher_parse(altroot_bytes_span(&cr.content), &r2, &f));
    assert_true(altroot_failures_has(&f, ALTROOT_E_VOUCHER_FORMAT));
    altroot_voucher_clear(&r2);
    altroot_failures_clear(&f);
    altroot_cms_result_clear(&cr);
    altroot_certs_free(vendor);
    altroot_certs_free(idevid);
    altroot_certs_free(jrc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rfc8995_idevid_and_pki),
        cmocka_unit_test(minerva_reach_idevids_and_ldevids),
        cmocka_unit_test(constrained_voucher_pledge),
        cmocka_unit_test(look_alike_unknown_and_bad_aki),
        cmocka_unit_test(tpm_ak_with_malformed_hw_module),
        cmocka_unit_test(generated_devids),
        cmocka_unit_test(generated_mud),
        cmocka_unit_test(cisco_and_minerva_mud_signatures),
        cmocka_unit_test(public_mud_files_parse),
        cmocka_unit_test(rfc8995_vouchers),
    };
    (void)g_skipped;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
