/*
 * Conformance: every FDO voucher in ../shared/vectors/fdo gives the outcome of its MANIFEST row
 * (upstream) or of derived/expectations.json (derived), under the choices of docs/fdo.md.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include <altroot/fdo.h>

#include "testutil.h"

static const altroot_time AT = 1795849200; /* 2026-11-28T07:00:00Z, as in RESULTS.txt */

#define MAX_CODES 4
typedef struct vec { /* NOLINT(clang-analyzer-optin.performance.Padding): table order */
    const char *file;
    const char *owner;  /* key file (public or private PEM) for fdo-owner, or NULL */
    bool owner_in_file; /* the private key block in the voucher file is the expected owner */
    const char *hmac;   /* file of hex, or NULL */
    bool verified;
    bool ownership; /* the manifest's "owner PASS": the final owner is the given key (rule O1) */
    altroot_err codes[MAX_CODES]; /* each must be among the failures */
    unsigned quirks;              /* each must be reported */
} vec;

static altroot_trust_store *empty_store(void)
{
    altroot_trust_options o = {NULL, ""};
    altroot_trust_store *s = NULL;
    assert_ok(altroot_trust_store_load(&o, &s));
    return s;
}

/* Owner key files are PKCS#8/SEC1 private keys or public keys: the anchor is the public key. */
static void add_key(altroot_trust_store *s, altroot_anchor_kind kind, altroot_span data)
{
    altroot_key *k = NULL;
    altroot_bytes spki = ALTROOT_BYTES_INIT;
    if (altroot_key_parse_private(data, &k) == ALTROOT_OK) {
        assert_ok(altroot_key_spki_der(k, &spki));
        data = altroot_bytes_span(&spki);
    }
    assert_ok(altroot_trust_store_add(s, kind, "owner", data));
    altroot_key_free(k);
    altroot_bytes_clear(&spki);
}

static void add_key_file(altroot_trust_store *s, altroot_anchor_kind kind, const char *rel)
{
    const char *path = testutil_shared(rel);
    assert_non_null(path);
    altroot_bytes b = ALTROOT_BYTES_INIT;
    assert_ok(altroot_bytes_read_file(&b, path, ALTROOT_CERT_FILE_MAX));
    add_key(s, kind, altroot_bytes_span(&b));
    altroot_bytes_clear(&b);
}

static void read_hex_file(const char *rel, altroot_bytes *out)
{
    const char *path = testutil_shared(rel);
    assert_non_null(path);
    altroot_bytes b = ALTROOT_BYTES_INIT;
    assert_ok(altroot_bytes_read_file(&b, path, 4096));
    char hex[256] = "";
    size_t n = 0;
    for (size_t i = 0; i < b.len && n + 1 < sizeof hex; i++)
        if (b.ptr[i] != '\n' && b.ptr[i] != '\r' && b.ptr[i] != ' ')
            hex[n++] = (char)b.ptr[i];
    assert_ok(altroot_hex_decode(hex, out));
    altroot_bytes_clear(&b);
}

static void check(const vec *t)
{
    const char *path = testutil_shared(t->file);
    assert_non_null(path);
    altroot_bytes data = ALTROOT_BYTES_INIT, secret = ALTROOT_BYTES_INIT;
    assert_ok(altroot_bytes_read_file(&data, path, ALTROOT_FDO_MAX_VOUCHER));
    altroot_trust_store *s = empty_store();
    if (t->owner != NULL)
        add_key_file(s, ALTROOT_ANCHOR_FDO_OWNER, t->owner);
    if (t->owner_in_file) {
        altroot_key *k = NULL;
        altroot_bytes spki = ALTROOT_BYTES_INIT;
        assert_ok(altroot_fdo_pem_private_key(altroot_bytes_span(&data), &k));
        assert_ok(altroot_key_spki_der(k, &spki));
        add_key(s, ALTROOT_ANCHOR_FDO_OWNER, altroot_bytes_span(&spki));
        altroot_key_free(k);
        altroot_bytes_clear(&spki);
    }
    if (t->hmac != NULL)
        read_hex_file(t->hmac, &secret);
    altroot_fdo_verify_params p = {
        .store = s, .at = AT, .hmac_secret = altroot_bytes_span(&secret)};
    altroot_fdo_result r;
    assert_ok(altroot_fdo_verify(altroot_bytes_span(&data), 0, &p, &r));
    bool owner_matched = r.verified && r.owner_anchor >= 0;
    if (r.verified != t->verified || owner_matched != t->ownership) {
        for (size_t i = 0; i < r.failures.count; i++)
            print_message("  %s %s: %s\n", altroot_error_name(r.failures.items[i].code),
                          r.failures.items[i].where, r.failures.items[i].detail);
        fail_msg("%s: verified=%d owner matched=%d, expected %d/%d", t->file, r.verified,
                 owner_matched, t->verified, t->ownership);
    }
    /* Ownership as a decision also needs a trusted start (here only a checked HMAC: these
     * stores hold no fdo-mfr key). */
    assert_int_equal(r.ownership, owner_matched && r.rooted);
    assert_int_equal(r.rooted, r.hmac_checked && r.hmac_ok);
    for (size_t i = 0; i < MAX_CODES && t->codes[i] != ALTROOT_OK; i++)
        if (!altroot_failures_has(&r.failures, t->codes[i]))
            fail_msg("%s: %s not reported", t->file, altroot_error_name(t->codes[i]));
    if ((r.quirks & t->quirks) != t->quirks)
        fail_msg("%s: quirks 0x%x, expected 0x%x", t->file, r.quirks, t->quirks);
    if (t->hmac != NULL)
        assert_true(r.hmac_checked && r.hmac_ok);
    altroot_fdo_result_clear(&r);
    altroot_trust_store_free(s);
    altroot_bytes_clear(&data);
    altroot_bytes_clear(&secret);
}

#define E(x) ALTROOT_E_##x
#define ARRAY_Q ALTROOT_FDO_QUIRK_CHAIN_HASH_ARRAY

/* MANIFEST.md section A (FDO 1.1), B (1.0 layout) and C (not FDO). */
static const vec UPSTREAM[] = {
    {"fdo/go-fdo/testdata/ov.pem",
     "fdo/go-fdo/testdata/mfg_key.pem",
     false,
     "fdo/go-fdo/testdata/dc.hmac-secret.hex",
     true,
     true,
     {0},
     ALTROOT_FDO_QUIRK_NO_ENTRIES},
    {"fdo/go-fdo/testdata/ov_extended.pem", NULL, false, NULL, true, false, {0}, 0},
    {"fdo/go-fdo/README.resale-example.ov.pem",
     "fdo/go-fdo/README.resale-example.next-owner.pub.pem",
     false,
     NULL,
     true,
     true,
     {0},
     0},
    {"fdo/fdo-rs/integration-tests/vouchers/v101/voucher1",
     NULL,
     false,
     NULL,
     false,
     false,
     {E(FDO_CHAIN_HASH)},
     ARRAY_Q},
    {"fdo/fdo-rs/libfdo-data/test_assets/testdevice1.ov",
     NULL,
     false,
     NULL,
     false,
     false,
     {E(FDO_CHAIN_HASH)},
     ARRAY_Q},
    {"fdo/fdo-rs/libfdo-data/test_assets/testdevice1.ov.pem",
     NULL,
     false,
     NULL,
     false,
     false,
     {E(FDO_CHAIN_HASH)},
     ARRAY_Q},
    {"fdo/fdo-rs/integration-tests/vouchers/v101/voucher2", NULL, false, NULL, true, false, {0}, 0},
    {"fdo/fdo-rs/integration-tests/vouchers/v101/voucher3", NULL, true, NULL, true, true, {0}, 0},
    {"fdo/fido-alliance-conformance-resources/README@b131776.example-ov-v101.pem",
     NULL,
     true,
     NULL,
     true,
     true,
     {0},
     0},
    {"fdo/astarte/sample_voucher.ov.pem",
     "fdo/astarte/sample_voucher.final-owner.pub.pem",
     false,
     NULL,
     true,
     true,
     {0},
     0},
    {"fdo/astarte/sample_voucher.ov.pem",
     "fdo/astarte/sample_voucher.WRONG-owner.pub.pem",
     false,
     NULL,
     false,
     false,
     {E(FDO_OWNER_MISMATCH)},
     0},
    {"fdo/astarte/mock_fdo_keys_api.ov.pem", NULL, false, NULL, true, false, {0}, 0},
    {"fdo/astarte/mock_fdo_keys_api.ov.pem",
     "fdo/astarte/astarte-owner-key-unrelated.pub.pem",
     false,
     NULL,
     false,
     false,
     {E(FDO_OWNER_MISMATCH)},
     0},
    {"fdo/astarte/controller_test_voucher.ov.pem",
     NULL,
     false,
     NULL,
     false,
     false,
     {E(FDO_PUBKEY)},
     0},
    /* B: 1.0 layout, rejected as unsupported; broken drafts fail to parse */
    {"fdo/fdo-rs/integration-tests/vouchers/v100/voucher1",
     NULL,
     false,
     NULL,
     false,
     false,
     {E(FDO_UNSUPPORTED_VERSION)},
     0},
    {"fdo/fdo-rs/integration-tests/vouchers/v100/voucher2",
     NULL,
     false,
     NULL,
     false,
     false,
     {E(FDO_UNSUPPORTED_VERSION)},
     0},
    {"fdo/fdo-rs-history/e2d57612/integration-tests/vouchers/voucher1",
     NULL,
     false,
     NULL,
     false,
     false,
     {E(FDO_UNSUPPORTED_VERSION)},
     0},
    {"fdo/fdo-rs-history/e2d57612/integration-tests/vouchers/voucher2",
     NULL,
     false,
     NULL,
     false,
     false,
     {E(FDO_UNSUPPORTED_VERSION)},
     0},
    {"fdo/fdo-rs-history/8f76c0fd/integration-tests/vouchers/voucher3",
     NULL,
     false,
     NULL,
     false,
     false,
     {E(FDO_UNSUPPORTED_VERSION)},
     0},
    {"fdo/fdo-rs-history/76915747/libfdo-data/test_assets/testdevice1.ov",
     NULL,
     false,
     NULL,
     false,
     false,
     {E(FDO_UNSUPPORTED_VERSION)},
     0},
    {"fdo/fdo-rs-history/76915747/libfdo-data/test_assets/testdevice1.ov.pem",
     NULL,
     false,
     NULL,
     false,
     false,
     {E(FDO_UNSUPPORTED_VERSION)},
     0},
    {"fdo/fdo-rs-history/2cfded30/libfdo-data/test_assets/testdevice1.ov",
     NULL,
     false,
     NULL,
     false,
     false,
     {E(FDO_MALFORMED)},
     0},
    {"fdo/fdo-rs-history/2cfded30/libfdo-data/test_assets/testdevice1.ov.pem",
     NULL,
     false,
     NULL,
     false,
     false,
     {E(FDO_MALFORMED)},
     0},
    {"fdo/pri-fidoiot/v1.0.2/protocol-samples/http-server-to2-sample/voucher",
     NULL,
     false,
     NULL,
     false,
     false,
     {E(FDO_UNSUPPORTED_VERSION)},
     0},
    {"fdo/pri-fidoiot/v1.0.2/protocol-samples/http-server-to2-sample/voucher.pem",
     NULL,
     false,
     NULL,
     false,
     false,
     {E(FDO_UNSUPPORTED_VERSION)},
     0},
    {"fdo/pri-fidoiot/early-drafts/d441c586/protocol-samples/http-server-to2-sample/voucher",
     NULL,
     false,
     NULL,
     false,
     false,
     {E(FDO_MALFORMED)},
     0},
    {"fdo/pri-fidoiot/early-drafts/d441c586/protocol-samples/http-server-to2-sample/voucher.pem",
     NULL,
     false,
     NULL,
     false,
     false,
     {E(FDO_MALFORMED)},
     0},
    {"fdo/pri-fidoiot/early-drafts/b5e82237/protocol-samples/http-server-to2-sample/voucher",
     NULL,
     false,
     NULL,
     false,
     false,
     {E(FDO_MALFORMED)},
     0},
    {"fdo/pri-fidoiot/early-drafts/b5e82237/protocol-samples/http-server-to2-sample/voucher.pem",
     NULL,
     false,
     NULL,
     false,
     false,
     {E(FDO_MALFORMED)},
     0},
    {"fdo/fido-alliance-conformance-resources/README@09961dd.example-ov-v100.pem",
     NULL,
     false,
     NULL,
     false,
     false,
     {E(FDO_UNSUPPORTED_VERSION)},
     0},
    {"fdo/sdo-legacy/iot-platform-sdk/voucher.json",
     NULL,
     false,
     NULL,
     false,
     false,
     {E(FDO_NO_VOUCHER)},
     0},
};

static void upstream_vouchers_give_the_manifest_outcome(void **state)
{
    (void)state;
    if (testutil_shared("fdo/MANIFEST.md") == NULL)
        skip();
    for (size_t i = 0; i < sizeof UPSTREAM / sizeof UPSTREAM[0]; i++)
        check(&UPSTREAM[i]);
}

/* derived/expectations.json: the codes each INVALID vector must raise (its
 * reference_verifier_failed_checks, in altroot codes). */
static const struct {
    const char *name;
    altroot_err codes[MAX_CODES];
    unsigned quirks;
} DERIVED[] = {
    {"bad_alg_header_mismatch", {E(FDO_ENTRY_ALG)}, 0},
    {"bad_devcertchain_null", {E(FDO_CHAIN_HASH)}, 0},
    {"bad_devcertchain_truncated", {E(FDO_CHAIN_HASH)}, 0},
    {"bad_ecdsa_der_signature", {E(FDO_ENTRY_SIGNATURE)}, 0},
    {"bad_header_deviceinfo_tampered", {E(FDO_ENTRY_PREV_HASH), E(FDO_ENTRY_HDR_HASH)}, 0},
    {"bad_prevhash_entry1", {E(FDO_ENTRY_PREV_HASH)}, 0},
    {"bad_protver_mismatch", {E(FDO_PROTVER_MISMATCH)}, 0},
    {"bad_signature_entry1", {E(FDO_ENTRY_SIGNATURE), E(FDO_ENTRY_PREV_HASH)}, 0},
    {"bad_signer_entry0", {E(FDO_ENTRY_SIGNATURE)}, 0},
    {"bad_tag_stripped_entry0", {E(FDO_ENTRY_UNTAGGED), E(FDO_ENTRY_PREV_HASH)}, 0},
    {"quirk_keytype_mismatch", {E(FDO_KEY_TYPE_MISMATCH)}, 0},
    {"quirk_untagged_entries", {E(FDO_ENTRY_UNTAGGED)}, 0},
    {"quirk_owner_x5chain_bstr_wrapped", {0}, ALTROOT_FDO_QUIRK_X5CHAIN_WRAPPED},
    {"valid_0entries", {0}, ALTROOT_FDO_QUIRK_NO_ENTRIES},
    {"valid_1entry", {0}, 0},
    {"valid_oveextra", {0}, 0},
    {"valid_owner_cosekey", {0}, 0},
    {"valid_owner_x5chain_inline", {0}, 0},
};

static void derived_vector(const char *name, json_t *exp)
{
    size_t k = 0;
    while (k < sizeof DERIVED / sizeof DERIVED[0] && strcmp(DERIVED[k].name, name) != 0)
        k++;
    if (k == sizeof DERIVED / sizeof DERIVED[0])
        fail_msg("derived vector %s has no expectation in this test", name);
    const char *expect = json_string_value(json_object_get(exp, "expect"));
    assert_non_null(expect);
    char file[256], owner[256];
    snprintf(file, sizeof file, "fdo/derived/%s.ov.pem", name);
    json_t *keys = json_object_get(exp, "owner_keys");
    assert_int_equal(json_array_size(keys), 1);
    snprintf(owner, sizeof owner, "fdo/derived/%s", json_string_value(json_array_get(keys, 0)));
    /* VALID, and the implementation-dependent wrapped X5CHAIN that docs/fdo.md accepts (and
     * reports), verify; INVALID and INVALID-STRICT do not. */
    bool valid = strcmp(expect, "VALID") == 0 || strcmp(expect, "IMPLEMENTATION-DEPENDENT") == 0;
    vec t = {file, owner, false, NULL, valid, valid, {0}, DERIVED[k].quirks};
    memcpy(t.codes, DERIVED[k].codes, sizeof t.codes);
    if (strcmp(name, "valid_0entries") == 0)
        t.hmac = "fdo/go-fdo/testdata/dc.hmac-secret.hex";
    check(&t);
}

static void derived_vectors_give_the_expected_outcome(void **state)
{
    (void)state;
    const char *path = testutil_shared("fdo/derived/expectations.json");
    if (path == NULL)
        skip();
    json_error_t jerr;
    json_t *root = json_load_file(path, 0, &jerr);
    assert_non_null(root);
    const char *name;
    json_t *exp;
    size_t n = 0;
    json_object_foreach(root, name, exp)
    {
        derived_vector(name, exp);
        n++;
    }
    assert_int_equal(n, sizeof DERIVED / sizeof DERIVED[0]);
    json_decref(root);
}

/* The manufacturer anchor on go-fdo's unextended voucher (owner = manufacturer, go-fdo-server's
 * choice). With no entry, nobody signed the header, so mfg_key.pem as an fdo-mfr key proves the
 * voucher only together with the device's HMAC; a stranger's key never does. */
static void manufacturer_anchor_on_go_fdo(void **state)
{
    (void)state;
    const char *path = testutil_shared("fdo/go-fdo/testdata/ov.pem");
    if (path == NULL)
        skip();
    altroot_bytes data = ALTROOT_BYTES_INIT, secret = ALTROOT_BYTES_INIT;
    assert_ok(altroot_bytes_read_file(&data, path, ALTROOT_FDO_MAX_VOUCHER));
    read_hex_file("fdo/go-fdo/testdata/dc.hmac-secret.hex", &secret);
    for (int i = 0; i < 4; i++) {
        bool stranger = i >= 2, hmac = (i & 1) != 0;
        altroot_trust_store *s = empty_store();
        add_key_file(s, ALTROOT_ANCHOR_FDO_MFR,
                     stranger ? "fdo/derived/key.stranger.pem" : "fdo/go-fdo/testdata/mfg_key.pem");
        altroot_fdo_verify_params p = {.store = s, .at = AT};
        if (hmac)
            p.hmac_secret = altroot_bytes_span(&secret);
        altroot_fdo_result r;
        assert_ok(altroot_fdo_verify(altroot_bytes_span(&data), 0, &p, &r));
        assert_int_equal(r.verified, !stranger);
        assert_int_equal(r.mfr_key_trusted, !stranger);
        assert_false(r.mfr_signed); /* no entry */
        assert_int_equal(r.attestation, !stranger && hmac);
        if (stranger)
            assert_true(altroot_failures_has(&r.failures, ALTROOT_E_FDO_MFR_UNTRUSTED));
        altroot_fdo_result_clear(&r);
        altroot_trust_store_free(s);
    }
    altroot_bytes_clear(&secret);
    altroot_bytes_clear(&data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(upstream_vouchers_give_the_manifest_outcome),
        cmocka_unit_test(derived_vectors_give_the_expected_outcome),
        cmocka_unit_test(manufacturer_anchor_on_go_fdo),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
