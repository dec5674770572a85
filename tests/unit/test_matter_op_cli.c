/* `altroot verify matter-noc` (tools/altroot/verify_matter_noc.c) on minted fabrics: the exit
 * codes of tools/altroot/cli.h for an owned fabric, an unanchored one, a forged one and bad usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <altroot/matter_op.h>

#include "../../tools/altroot/verify_matter_noc.h"
#include "testutil.h"

static char dir[64];

static const char *path(const char *name)
{
    static char p[4][128];
    static int k;
    k = (k + 1) % 4;
    snprintf(p[k], sizeof p[k], "%s/%s", dir, name);
    return p[k];
}

static void write_file(const char *name, const altroot_bytes *b)
{
    FILE *f = fopen(path(name), "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(b->ptr, 1, b->len, f), b->len);
    assert_int_equal(fclose(f), 0);
}

static void mint_into(uint32_t faults, const char *prefix)
{
    altroot_matter_op_mint_params p;
    altroot_matter_op_fabric f;
    char name[64];
    memset(&p, 0, sizeof p);
    memset(&f, 0, sizeof f);
    p.fabric_id = 0x1122334455667788ull;
    p.node_id = 0x42;
    p.rcac_id = 1;
    p.icac_id = 2;
    p.with_icac = true;
    p.faults = faults;
    assert_ok(altroot_time_from_civil(2024, 1, 1, 0, 0, 0, &p.not_before));
    p.not_after = ALTROOT_TIME_NO_EXPIRY;
    assert_ok(altroot_matter_op_fabric_mint(&p, &f));
    snprintf(name, sizeof name, "%s-noc.tlv", prefix);
    write_file(name, &f.noc_tlv);
    snprintf(name, sizeof name, "%s-icac.der", prefix);
    write_file(name, &f.icac_der);
    snprintf(name, sizeof name, "%s-rcac.tlv", prefix);
    write_file(name, &f.rcac_tlv);
    snprintf(name, sizeof name, "anchors/%s-rcac.der", prefix);
    write_file(name, &f.rcac_der);
    altroot_matter_op_fabric_clear(&f);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/altroot-noc-XXXXXX");
    assert_non_null(mkdtemp(dir));
    char sub[96];
    snprintf(sub, sizeof sub, "%s/anchors", dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    mint_into(0, "good");
    mint_into(ALTROOT_MATTER_OP_FAULT_NOC_SIGNATURE, "forged");
    altroot_bytes junk = ALTROOT_BYTES_INIT;
    assert_ok(altroot_bytes_append(&junk, "not a certificate\n", 18));
    write_file("junk", &junk);
    altroot_bytes_clear(&junk);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    const char *names[] = {"good-noc.tlv",   "good-icac.der",         "good-rcac.tlv",
                           "forged-noc.tlv", "forged-icac.der",       "forged-rcac.tlv",
                           "junk",           "anchors/good-rcac.der", "anchors/forged-rcac.der",
                           "anchors"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        remove(path(names[i]));
    rmdir(dir);
    return 0;
}

static int run(const char *prefix, const char *noc, bool anchors, const char *extra)
{
    char *argv[16];
    int argc = 0;
    char rcac[128], icac[128], n[128], a[128];
    snprintf(rcac, sizeof rcac, "%s", path(prefix[0] ? "good-rcac.tlv" : "missing"));
    if (strcmp(prefix, "forged") == 0)
        snprintf(rcac, sizeof rcac, "%s", path("forged-rcac.tlv"));
    snprintf(icac, sizeof icac, "%s",
             path(strcmp(prefix, "forged") == 0 ? "forged-icac.der" : "good-icac.der"));
    snprintf(n, sizeof n, "%s", path(noc));
    snprintf(a, sizeof a, "%s", path("anchors"));
    argv[argc++] = "matter-noc";
    argv[argc++] = "--at";
    argv[argc++] = "2026-06-01";
    argv[argc++] = "--rcac";
    argv[argc++] = rcac;
    argv[argc++] = "--icac";
    argv[argc++] = icac;
    if (noc[0] != '\0') {
        argv[argc++] = "--noc";
        argv[argc++] = n;
    }
    if (anchors) {
        argv[argc++] = "--fabric-anchors";
        argv[argc++] = a;
    }
    if (extra != NULL)
        argv[argc++] = (char *)extra;
    argv[argc] = NULL;
    fflush(stdout);
    return verify_matter_noc(argc, argv);
}

static void exit_codes(void **state)
{
    (void)state;
    assert_int_equal(run("good", "good-noc.tlv", true, NULL), 0);
    assert_int_equal(run("good", "good-noc.tlv", true, "--json"), 0);
    /* The chain is sound but the fabric is nobody's here: ownership not proved. */
    assert_int_equal(run("good", "good-noc.tlv", false, NULL), 1);
    /* A forged NOC under an RCAC you hold. */
    assert_int_equal(run("forged", "forged-noc.tlv", true, NULL), 1);
    /* The good NOC presented with the other fabric's CAs. */
    assert_int_equal(run("forged", "good-noc.tlv", true, NULL), 1);
    /* Malformed artefact: rejected, not a usage error. */
    assert_int_equal(run("good", "junk", true, NULL), 1);
    /* Usage and unreadable files. */
    assert_int_equal(run("good", "", true, NULL), 2);
    assert_int_equal(run("", "good-noc.tlv", true, NULL), 2);
    assert_int_equal(run("good", "good-noc.tlv", true, "--bogus"), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(exit_codes, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
