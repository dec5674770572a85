/* connectedhomeip operational certificate chains (../shared/vectors/matter, MANIFEST "Other
 * vectors"): Root02 -> ICA02 -> Node02_02 / Node02_01 and Root01 verify in the files' own forms
 * (hex TLV, base64 TLV, PEM, hex DER), own the fabric when Root02 is an anchor, and give the
 * derived ids of derived_ids.txt. The spec CFID vector is tested in
 * test_conformance_matter_opcerts.c. */
#include <string.h>

#include <altroot/matter_op.h>

#include "testutil.h"

#define OPCERTS "matter/credentials/test/operational-certificates/"
#define CHIPCERT "matter/src/credentials/tests/CHIPCert_test_vectors/"

/* A shared file's bytes as they are, or skip the test when ../shared is absent. */
static void load(const char *rel, altroot_bytes *out)
{
    const char *path = testutil_shared(rel);
    if (path == NULL)
        skip();
    assert_ok(altroot_bytes_read_file(out, path, 1 << 16));
}

static altroot_time at(int year)
{
    altroot_time t;
    assert_ok(altroot_time_from_civil(year, 1, 1, 0, 0, 0, &t));
    return t;
}

static altroot_trust_store *store_with(const char *anchor_rel)
{
    altroot_trust_options o = {.dir = NULL, .webpki_bundle = ""};
    altroot_trust_store *s = NULL;
    altroot_bytes a = ALTROOT_BYTES_INIT;
    assert_ok(altroot_trust_store_load(&o, &s));
    load(anchor_rel, &a);
    assert_ok(altroot_trust_store_add(s, ALTROOT_ANCHOR_MATTER_FABRIC, anchor_rel,
                                      altroot_bytes_span(&a)));
    altroot_bytes_clear(&a);
    return s;
}

/* Verify the files `noc`, `icac` (or NULL) and `rcac` under `anchor` at `year`. */
static void run(const char *noc, const char *icac, const char *rcac, const char *anchor, int year,
                altroot_matter_op_result *r)
{
    altroot_bytes n = ALTROOT_BYTES_INIT, i = ALTROOT_BYTES_INIT, c = ALTROOT_BYTES_INIT;
    altroot_trust_store *s = store_with(anchor);
    if (noc != NULL)
        load(noc, &n);
    if (icac != NULL)
        load(icac, &i);
    load(rcac, &c);
    altroot_matter_op_input in = {.noc = altroot_bytes_span(&n),
                                  .icac = altroot_bytes_span(&i),
                                  .rcac = altroot_bytes_span(&c),
                                  .store = s,
                                  .at = at(year)};
    assert_ok(altroot_matter_op_chain_verify(&in, r));
    altroot_trust_store_free(s);
    altroot_bytes_clear(&n);
    altroot_bytes_clear(&i);
    altroot_bytes_clear(&c);
}

static void print_failures(const altroot_matter_op_result *r)
{
    for (size_t k = 0; k < r->failures.count; k++)
        print_message("  %s %s: %s\n", altroot_error_name(r->failures.items[k].code),
                      r->failures.items[k].where, r->failures.items[k].detail);
}

static void expect_owned(const altroot_matter_op_result *r, uint64_t node, const char *name)
{
    if (!r->verified)
        print_failures(r);
    assert_true(r->verified);
    assert_true(r->fabric_id == 0xFAB000000000001Dull);
    assert_true(r->node_id == node);
    assert_true(r->rcac_id == 0xCACACACA00000002ull);
    assert_true(r->has_icac_id && r->icac_id == 0xCACACACA00000004ull);
    assert_true(r->compressed_fabric_id == 0x89E8911178DAC089ull);
    assert_string_equal(r->instance_name, name);
}

/* derived_ids.txt names both instance names. */
static void assert_in_derived_ids(const char *name)
{
    altroot_bytes ids = ALTROOT_BYTES_INIT;
    load(CHIPCERT "derived_ids.txt", &ids);
    assert_ok(altroot_bytes_append_u8(&ids, 0));
    assert_non_null(strstr((const char *)ids.ptr, name));
    altroot_bytes_clear(&ids);
}

static void root02_chain_verifies_in_every_form(void **state)
{
    (void)state;
    static const char *const forms[][4] = {
        {CHIPCERT "Node02_02.chip.hex", CHIPCERT "ICA02.chip.hex", CHIPCERT "Root02.chip.hex",
         CHIPCERT "Root02.pem"},
        {CHIPCERT "Node02_02.pem", CHIPCERT "ICA02.pem", CHIPCERT "Root02.pem",
         CHIPCERT "Root02.pem"},
        {CHIPCERT "Node02_02.chip.hex", OPCERTS "Chip-Test-ICA02-Cert.chip-b64",
         CHIPCERT "Root02.pem", CHIPCERT "Root02.pem"},
        {CHIPCERT "Node02_02.pem", OPCERTS "Chip-Test-ICA02-Cert.pem", CHIPCERT "Root02.chip.hex",
         CHIPCERT "Root02.pem"},
    };
    for (size_t k = 0; k < sizeof forms / sizeof forms[0]; k++) {
        altroot_matter_op_result r;
        run(forms[k][0], forms[k][1], forms[k][2], forms[k][3], 2026, &r);
        expect_owned(&r, 0xDEDEDEDE00020002ull, "89E8911178DAC089-DEDEDEDE00020002");
        assert_int_equal(r.cat_count, 0);
        altroot_matter_op_result_clear(&r);
    }
    assert_in_derived_ids("89E8911178DAC089-DEDEDEDE00020002");
}

static void node02_01_der_verifies(void **state)
{
    (void)state;
    altroot_matter_op_result r;
    run(CHIPCERT "Node02_01.der.hex", CHIPCERT "ICA02.chip.hex", CHIPCERT "Root02.chip.hex",
        CHIPCERT "Root02.pem", 2026, &r);
    expect_owned(&r, 0xDEDEDEDE00020001ull, "89E8911178DAC089-DEDEDEDE00020001");
    altroot_matter_op_result_clear(&r);
    assert_in_derived_ids("89E8911178DAC089-DEDEDEDE00020001");
}

/* Root01 has no NOC in the vectors: every RCAC rule passes and the anchor matches; the only
 * failure is the missing NOC. */
static void root01_meets_the_rcac_profile(void **state)
{
    (void)state;
    altroot_matter_op_result r;
    run(NULL, NULL, OPCERTS "Chip-Test-Root01-Cert.chip-b64", OPCERTS "Chip-Test-Root01-Cert.pem",
        2026, &r);
    assert_int_equal(r.failures.count, 1);
    assert_int_equal(r.failures.items[0].code, ALTROOT_E_MATTER_OP_FORMAT);
    assert_string_equal(r.failures.items[0].where, "NOC");
    assert_true(r.anchor_matched);
    assert_true(r.has_rcac_id && r.rcac_id == 0xCACACACA00000001ull);
    assert_false(r.verified);
    altroot_matter_op_result_clear(&r);
}

/* The same vectors fail where they should: the wrong root, the wrong anchor, outside
 * 2020-10-15 .. 2040-10-15, a NOC in place of the ICAC. */
static void vector_chains_fail_where_they_should(void **state)
{
    (void)state;
    altroot_matter_op_result r;
    run(CHIPCERT "Node02_02.chip.hex", CHIPCERT "ICA02.chip.hex",
        OPCERTS "Chip-Test-Root01-Cert.chip-b64", OPCERTS "Chip-Test-Root01-Cert.pem", 2026, &r);
    assert_true(altroot_failures_has(&r.failures, ALTROOT_E_MATTER_OP_CHAIN));
    assert_true(altroot_failures_has(&r.failures, ALTROOT_E_MATTER_OP_SIGNATURE));
    assert_false(r.verified);
    altroot_matter_op_result_clear(&r);
    run(CHIPCERT "Node02_02.chip.hex", CHIPCERT "ICA02.chip.hex", CHIPCERT "Root02.chip.hex",
        OPCERTS "Chip-Test-Root01-Cert.pem", 2026, &r);
    assert_true(r.chain_verified);
    assert_false(r.verified);
    assert_true(altroot_failures_has(&r.failures, ALTROOT_E_MATTER_FABRIC_NOT_TRUSTED));
    altroot_matter_op_result_clear(&r);
    run(CHIPCERT "Node02_02.chip.hex", CHIPCERT "ICA02.chip.hex", CHIPCERT "Root02.chip.hex",
        CHIPCERT "Root02.pem", 2041, &r);
    assert_true(altroot_failures_has(&r.failures, ALTROOT_E_MATTER_OP_EXPIRED));
    assert_false(r.verified);
    altroot_matter_op_result_clear(&r);
    run(CHIPCERT "Node02_02.chip.hex", CHIPCERT "ICA02.chip.hex", CHIPCERT "Root02.chip.hex",
        CHIPCERT "Root02.pem", 2020, &r);
    assert_true(altroot_failures_has(&r.failures, ALTROOT_E_MATTER_OP_NOT_YET_VALID));
    assert_false(r.verified);
    altroot_matter_op_result_clear(&r);
    run(CHIPCERT "Node02_02.chip.hex", CHIPCERT "Node02_01.der.hex", CHIPCERT "Root02.chip.hex",
        CHIPCERT "Root02.pem", 2026, &r);
    assert_true(altroot_failures_has(&r.failures, ALTROOT_E_MATTER_OP_TYPE));
    assert_false(r.verified);
    altroot_matter_op_result_clear(&r);
}

/* The DER chain built from the hex TLV files is the SDK's own X.509 form. */
static void der_chain_matches_the_pem_files(void **state)
{
    (void)state;
    static const char *const tlv[] = {CHIPCERT "Node02_02.chip.hex", CHIPCERT "ICA02.chip.hex",
                                      CHIPCERT "Root02.chip.hex"};
    static const char *const pems[] = {CHIPCERT "Node02_02.pem", CHIPCERT "ICA02.pem",
                                       CHIPCERT "Root02.pem"};
    altroot_bytes b[3] = {ALTROOT_BYTES_INIT, ALTROOT_BYTES_INIT, ALTROOT_BYTES_INIT};
    for (size_t k = 0; k < 3; k++)
        load(tlv[k], &b[k]);
    altroot_certs *chain = NULL;
    assert_ok(altroot_certs_new(&chain));
    assert_ok(altroot_matter_op_chain_der(altroot_bytes_span(&b[0]), altroot_bytes_span(&b[1]),
                                          altroot_bytes_span(&b[2]), chain));
    assert_int_equal(altroot_certs_count(chain), 3);
    for (size_t k = 0; k < 3; k++) {
        altroot_bytes p = ALTROOT_BYTES_INIT;
        altroot_certs *l = NULL;
        load(pems[k], &p);
        assert_ok(altroot_certs_new(&l));
        assert_ok(altroot_certs_parse(l, altroot_bytes_span(&p)));
        assert_true(altroot_span_equal(altroot_cert_der(altroot_certs_get(l, 0)),
                                       altroot_cert_der(altroot_certs_get(chain, k))));
        altroot_certs_free(l);
        altroot_bytes_clear(&p);
        altroot_bytes_clear(&b[k]);
    }
    altroot_certs_free(chain);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(root02_chain_verifies_in_every_form),
        cmocka_unit_test(node02_01_der_verifies),
        cmocka_unit_test(root01_meets_the_rcac_profile),
        cmocka_unit_test(vector_chains_fail_where_they_should),
        cmocka_unit_test(der_chain_matches_the_pem_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
