/* Conformance: real anchors from the ecosystems (../shared/vectors) load through the trust store
 * and validate as the ecosystems say they must. */
#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include "testutil.h"

static const altroot_time AT = 1795849200; /* 2026-11-28T07:00:00Z */

static altroot_trust_store *empty_store(void)
{
    altroot_trust_options o = {NULL, ""};
    altroot_trust_store *s = NULL;
    assert_ok(altroot_trust_store_load(&o, &s));
    return s;
}

static void add_file(altroot_trust_store *s, altroot_anchor_kind kind, const char *path)
{
    altroot_bytes b = ALTROOT_BYTES_INIT;
    assert_ok(altroot_bytes_read_file(&b, path, ALTROOT_CERT_FILE_MAX));
    altroot_err err = altroot_trust_store_add(s, kind, path, altroot_bytes_span(&b));
    if (err != ALTROOT_OK)
        fail_msg("%s: %s", path, altroot_error_name(err));
    altroot_bytes_clear(&b);
}

/* MANIFEST: 61 production PAA PEMs, each verifying its own self-signature. */
static void production_paas_are_self_signed_cas(void **state)
{
    (void)state;
    const char *dir = testutil_shared("matter/credentials/production/paa-root-certs");
    if (dir == NULL)
        skip();
    char base[4096];
    snprintf(base, sizeof base, "%s", dir);
    altroot_trust_store *s = empty_store();
    DIR *d = opendir(base);
    assert_non_null(d);
    struct dirent *e;
    size_t files = 0;
    while ((e = readdir(d)) != NULL) {
        if (strstr(e->d_name, ".pem") == NULL)
            continue;
        char p[8192];
        snprintf(p, sizeof p, "%s/%s", base, e->d_name);
        add_file(s, ALTROOT_ANCHOR_MATTER_PAA, p);
        files++;
    }
    closedir(d);
    const altroot_certs *paas = altroot_trust_store_certs(s, ALTROOT_ANCHOR_MATTER_PAA);
    assert_int_equal(files, 61);
    assert_int_equal(altroot_certs_count(paas), 61);
    for (size_t i = 0; i < altroot_certs_count(paas); i++) {
        altroot_cert *c = altroot_certs_get(paas, i);
        if (!altroot_cert_is_self_signed(c) || !altroot_cert_is_ca(c))
            fail_msg("%s is not a self-signed CA",
                     altroot_trust_store_cert_file(s, ALTROOT_ANCHOR_MATTER_PAA, i));
    }
    altroot_trust_store_free(s);
}

static void test_paa_der_equals_pem(void **state)
{
    (void)state;
    const char *pem =
        testutil_shared("matter/credentials/test/attestation/Chip-Test-PAA-FFF1-Cert.pem");
    if (pem == NULL)
        skip();
    altroot_certs *a = NULL;
    assert_ok(altroot_certs_new(&a));
    assert_ok(altroot_certs_load_file(a, pem));
    assert_ok(altroot_certs_load_file(
        a, testutil_shared("matter/credentials/test/attestation/Chip-Test-PAA-FFF1-Cert.der")));
    assert_int_equal(altroot_certs_count(a), 2);
    assert_true(altroot_span_equal(altroot_cert_der(altroot_certs_get(a, 0)),
                                   altroot_cert_der(altroot_certs_get(a, 1))));
    altroot_certs_free(a);
}

/* MANIFEST: each official CD signing certificate verifies against the CSA root. */
static void csa_cd_signing_keys_chain_to_the_csa_root(void **state)
{
    (void)state;
    if (testutil_shared("matter/cd-signing-keys") == NULL)
        skip();
    altroot_certs *root = NULL;
    assert_ok(altroot_certs_new(&root));
    assert_ok(altroot_certs_load_file(
        root, testutil_shared(
                  "matter/cd-signing-keys/CSA-Matter-Certification-and-Testing-CA-root.pem")));
    for (int k = 1; k <= 5; k++) {
        char rel[128];
        snprintf(rel, sizeof rel, "matter/cd-signing-keys/CSA-CD-Signing-Key-%03d.pem", k);
        altroot_certs *leaf = NULL;
        assert_ok(altroot_certs_new(&leaf));
        assert_ok(altroot_certs_load_file(leaf, testutil_shared(rel)));
        altroot_chain_params p = {.at = AT};
        altroot_chain_result r;
        assert_ok(altroot_chain_verify(leaf, root, &p, &r));
        if (!r.verified)
            fail_msg("%s: %s", rel, r.failures.count ? r.failures.items[0].detail : "?");
        altroot_chain_result_clear(&r);
        /* The test CD signing certificate is not under the CSA root. */
        altroot_certs_free(leaf);
    }
    altroot_certs *test = NULL;
    assert_ok(altroot_certs_new(&test));
    assert_ok(altroot_certs_load_file(
        test, testutil_shared("matter/cd-signing-keys/Test-CD-Signing-Cert.pem")));
    altroot_chain_params p = {.at = AT};
    altroot_chain_result r;
    assert_ok(altroot_chain_verify(test, root, &p, &r));
    assert_false(r.verified);
    assert_false(r.reached_anchor);
    altroot_chain_result_clear(&r);
    altroot_certs_free(test);
    altroot_certs_free(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(production_paas_are_self_signed_cas),
        cmocka_unit_test(test_paa_der_equals_pem),
        cmocka_unit_test(csa_cd_signing_keys_chain_to_the_csa_root),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
