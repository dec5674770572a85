/* Conformance: every Matter SDK commissioner_dut vector in ../shared/vectors gets the SDK
 * commissioner's outcome (tests/data/matter/commissioner_dut.tsv). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <altroot/matter.h>

#include "testutil.h"

static const altroot_time AT = 1795824000; /* 2026-11-28T00:00:00Z */

static void add(altroot_trust_store *s, altroot_anchor_kind kind, const char *rel)
{
    const char *path = testutil_shared(rel);
    assert_non_null(path);
    altroot_bytes b = ALTROOT_BYTES_INIT;
    assert_ok(altroot_bytes_read_file(&b, path, 1 << 20));
    assert_ok(altroot_trust_store_add(s, kind, rel, altroot_bytes_span(&b)));
    altroot_bytes_clear(&b);
}

static altroot_trust_store *test_store(void)
{
    altroot_trust_options o = {NULL, ""};
    altroot_trust_store *s = NULL;
    assert_ok(altroot_trust_store_load(&o, &s));
    add(s, ALTROOT_ANCHOR_MATTER_PAA,
        "matter/credentials/test/attestation/Chip-Test-PAA-FFF1-Cert.pem");
    add(s, ALTROOT_ANCHOR_MATTER_PAA,
        "matter/credentials/test/attestation/Chip-Test-PAA-NoVID-Cert.pem");
    add(s, ALTROOT_ANCHOR_MATTER_CD,
        "matter/credentials/test/certification-declaration/Chip-Test-CD-Signing-Cert.pem");
    for (int k = 1; k <= 5; k++) {
        char rel[96];
        snprintf(rel, sizeof rel, "matter/cd-signing-keys/CSA-CD-Signing-Key-%03d.pem", k);
        add(s, ALTROOT_ANCHOR_MATTER_CD, rel);
    }
    return s;
}

static void hex_field(json_t *doc, const char *name, altroot_bytes *out)
{
    const char *hex = json_string_value(json_object_get(doc, name));
    if (hex == NULL)
        return;
    assert_ok(altroot_hex_decode(hex, out));
}

/* Returns 1 when the case matched its expectation, printing why not otherwise. */
static int run_case(altroot_trust_store *s, const char *name, const char *expect, unsigned pid)
{
    char rel[512];
    snprintf(rel, sizeof rel,
             "matter/credentials/development/commissioner_dut/%s/test_case_vector.json", name);
    json_error_t jerr;
    json_t *doc = json_load_file(testutil_shared(rel), 0, &jerr);
    assert_non_null(doc);
    altroot_bytes dac = ALTROOT_BYTES_INIT, pai = ALTROOT_BYTES_INIT, cd = ALTROOT_BYTES_INIT;
    hex_field(doc, "dac_cert", &dac);
    hex_field(doc, "pai_cert", &pai);
    hex_field(doc, "certification_declaration", &cd);
    altroot_matter_attestation_input in = {.dac = altroot_bytes_span(&dac),
                                           .pai = altroot_bytes_span(&pai),
                                           .cd = altroot_bytes_span(&cd),
                                           .store = s,
                                           .at = AT,
                                           .has_basic_info = true,
                                           .basic_vid = 0xFFF1,
                                           .basic_pid = (uint16_t)pid};
    altroot_matter_attestation a;
    assert_ok(altroot_matter_verify_attestation(&in, &a));
    int matched;
    if (strcmp(expect, "ok") == 0) {
        matched = a.verified && a.failures.count == 0;
    } else {
        matched = !a.verified;
        bool found = false;
        for (size_t i = 0; i < a.failures.count; i++)
            found = found || strcmp(altroot_error_name(a.failures.items[i].code), expect) == 0;
        matched = matched && found;
    }
    if (!matched) {
        printf("MISMATCH %s: expected %s, got %s:", name, expect,
               a.verified ? "verified" : "failed");
        for (size_t i = 0; i < a.failures.count; i++)
            printf(" %s(%s: %s)", altroot_error_name(a.failures.items[i].code),
                   a.failures.items[i].where ? a.failures.items[i].where : "",
                   a.failures.items[i].detail);
        printf("\n");
    }
    altroot_matter_attestation_clear(&a);
    altroot_bytes_clear(&dac);
    altroot_bytes_clear(&pai);
    altroot_bytes_clear(&cd);
    json_decref(doc);
    return matched;
}

static void every_commissioner_dut_case(void **state)
{
    (void)state;
    if (testutil_shared("matter/credentials/development/commissioner_dut") == NULL)
        skip();
    altroot_trust_store *s = test_store();
    FILE *f = fopen(testutil_data("matter/commissioner_dut.tsv"), "r");
    assert_non_null(f);
    char line[512];
    int total = 0, matched = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        char name[200], expect[64], pid_text[16];
        assert_int_equal(sscanf(line, "%199s %63s %15s", name, expect, pid_text), 3);
        char *end = NULL;
        unsigned long pid = strtoul(pid_text, &end, 10);
        assert_true(end != pid_text && *end == '\0' && pid <= 0xFFFF);
        total++;
        matched += run_case(s, name, expect, (unsigned)pid);
    }
    fclose(f);
    altroot_trust_store_free(s);
    printf("commissioner_dut: %d of %d cases as the SDK commissioner decides\n", matched, total);
    assert_int_equal(total, 85);
    assert_int_equal(matched, total);
}

/* Every production PAA meets the PAA profile altroot enforces (MANIFEST 1.x). */
static void production_paas_meet_the_paa_profile(void **state)
{
    (void)state;
    const char *dir = testutil_shared("matter/credentials/production/paa-root-certs");
    if (dir == NULL)
        skip();
    char base[4096];
    snprintf(base, sizeof base, "%s", dir);
    DIR *d = opendir(base);
    assert_non_null(d);
    struct dirent *e;
    int n = 0;
    while ((e = readdir(d)) != NULL) {
        if (strstr(e->d_name, ".pem") == NULL)
            continue;
        char p[8192];
        snprintf(p, sizeof p, "%s/%s", base, e->d_name);
        altroot_certs *l = NULL;
        assert_ok(altroot_certs_new(&l));
        assert_ok(altroot_certs_load_file(l, p));
        altroot_failures f = ALTROOT_FAILURES_INIT;
        assert_ok(altroot_matter_check_profile(altroot_certs_get(l, 0), ALTROOT_MATTER_PAA, &f));
        if (f.count > 0)
            fail_msg("%s: %s", e->d_name, f.items[0].detail);
        altroot_failures_clear(&f);
        altroot_certs_free(l);
        n++;
    }
    closedir(d);
    assert_int_equal(n, 61);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_commissioner_dut_case),
        cmocka_unit_test(production_paas_meet_the_paa_profile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
