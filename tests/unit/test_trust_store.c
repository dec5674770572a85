#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

static char g_dir[64];

static void copy_file(const char *from, const char *to)
{
    altroot_bytes b = ALTROOT_BYTES_INIT;
    assert_ok(altroot_bytes_read_file(&b, from, 1 << 20));
    FILE *f = fopen(to, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(b.ptr, 1, b.len, f), b.len);
    fclose(f);
    altroot_bytes_clear(&b);
}

static const char *path(const char *rel)
{
    static char buf[512];
    snprintf(buf, sizeof buf, "%s/%s", g_dir, rel);
    return buf;
}

static int setup(void **state)
{
    (void)state;
    snprintf(g_dir, sizeof g_dir, "/tmp/altroot-store-XXXXXX");
    if (mkdtemp(g_dir) == NULL)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_dir); /* our own mkdtemp path */
    return system(cmd) == 0 ? 0 : -1;
}

static altroot_trust_store *load(const char *webpki)
{
    altroot_trust_options o = {g_dir, webpki};
    altroot_trust_store *s = NULL;
    assert_ok(altroot_trust_store_load(&o, &s));
    return s;
}

static void loads_each_kind_and_reports_bad_files_by_name(void **state)
{
    (void)state;
    mkdir(path("local-ca"), 0700);
    mkdir(path("devid-ca"), 0700);
    mkdir(path("fdo-owner"), 0700);
    copy_file(testutil_data("tls/local-ca.pem"), path("local-ca/home.pem"));
    copy_file(testutil_data("tls/self-signed.der"), path("devid-ca/maker.der"));
    copy_file(testutil_data("tls/bad-base64.pem"), path("devid-ca/broken.pem"));
    copy_file(testutil_data("tls/garbage.txt"), path("fdo-owner/garbage.txt"));
    altroot_trust_store *s = load("");
    assert_int_equal(altroot_certs_count(altroot_trust_store_certs(s, ALTROOT_ANCHOR_LOCAL_CA)), 1);
    assert_int_equal(altroot_certs_count(altroot_trust_store_certs(s, ALTROOT_ANCHOR_DEVID_CA)), 1);
    assert_string_equal(altroot_trust_store_cert_file(s, ALTROOT_ANCHOR_LOCAL_CA, 0),
                        path("local-ca/home.pem"));
    assert_int_equal(altroot_certs_count(altroot_trust_store_certs(s, ALTROOT_ANCHOR_WEBPKI)), 0);
    const altroot_failures *p = altroot_trust_store_problems(s);
    assert_int_equal(p->count, 2);
    assert_int_equal(p->items[0].code, ALTROOT_E_ANCHOR_FILE);
    assert_string_equal(p->items[0].where, path("devid-ca/broken.pem"));
    assert_non_null(strstr(p->items[0].detail, "E_PEM"));
    assert_string_equal(p->items[1].where, path("fdo-owner/garbage.txt"));
    assert_int_equal(altroot_trust_store_warnings(s)->count, 0); /* home CA is constrained */
    altroot_trust_store_free(s);
}

static void bare_public_keys_for_fdo_kinds(void **state)
{
    (void)state;
    mkdir(path("fdo-owner"), 0700);
    unlink(path("fdo-owner/garbage.txt"));
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "openssl pkey -in '%s' -pubout -out '%s' 2>/dev/null",
             testutil_data("tls/leaf.key"), path("fdo-owner/owner.pub.pem"));
    assert_int_equal(system(cmd), 0);
    altroot_trust_store *s = load("");
    assert_int_equal(altroot_trust_store_key_count(s, ALTROOT_ANCHOR_FDO_OWNER), 1);
    assert_non_null(altroot_trust_store_key(s, ALTROOT_ANCHOR_FDO_OWNER, 0));
    assert_null(altroot_trust_store_key(s, ALTROOT_ANCHOR_FDO_OWNER, 1));
    altroot_trust_store_free(s);
}

static void unknown_directories_and_bad_pins_are_problems(void **state)
{
    (void)state;
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'/*", g_dir);
    assert_int_equal(system(cmd), 0);
    mkdir(path("localca"), 0700); /* misspelt kind */
    mkdir(path("pins"), 0700);
    copy_file(testutil_data("tls/garbage.txt"), path("pins/device.json"));
    copy_file(testutil_data("tls/garbage.txt"), path("README"));
    altroot_trust_store *s = load("");
    const altroot_failures *p = altroot_trust_store_problems(s);
    assert_int_equal(p->count, 3);
    assert_string_equal(p->items[0].where, path("README"));
    assert_string_equal(p->items[1].where, path("localca"));
    assert_string_equal(p->items[2].where, path("pins/device.json"));
    assert_non_null(strstr(p->items[2].detail, "E_PIN_FILE"));
    altroot_trust_store_free(s);
}

static void unconstrained_local_ca_is_a_warning(void **state)
{
    (void)state;
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'/*", g_dir);
    assert_int_equal(system(cmd), 0);
    mkdir(path("local-ca"), 0700);
    copy_file(testutil_data("tls/self-signed.pem"), path("local-ca/wide.pem"));
    altroot_trust_store *s = load("");
    assert_int_equal(altroot_trust_store_problems(s)->count, 0);
    assert_int_equal(altroot_trust_store_warnings(s)->count, 1);
    assert_non_null(strstr(altroot_trust_store_warnings(s)->items[0], "no name constraints"));
    altroot_trust_store_free(s);
    /* Constrained to DNS names only: any IP address is still allowed (RFC 5280 4.2.1.10). */
    char cmd2[1024];
    snprintf(cmd2, sizeof cmd2,
             "rm -f '%s'/local-ca/* && openssl req -x509 -newkey ec -pkeyopt "
             "ec_paramgen_curve:P-256 -nodes -keyout /dev/null -out '%s/local-ca/dns.pem' -days 2 "
             "-subj /CN=DNS-only -addext basicConstraints=critical,CA:TRUE -addext "
             "keyUsage=critical,keyCertSign -addext "
             "nameConstraints=critical,permitted\\;DNS:home.arpa 2>/dev/null",
             g_dir, g_dir);
    assert_int_equal(system(cmd2), 0);
    s = load("");
    assert_int_equal(altroot_trust_store_problems(s)->count, 0);
    assert_int_equal(altroot_trust_store_warnings(s)->count, 1);
    assert_non_null(strstr(altroot_trust_store_warnings(s)->items[0], "do not limit IP addresses"));
    altroot_trust_store_free(s);
}

static void webpki_bundle_sources(void **state)
{
    (void)state;
    altroot_trust_store *s = load(testutil_data("tls/local-ca.pem"));
    assert_int_equal(altroot_certs_count(altroot_trust_store_certs(s, ALTROOT_ANCHOR_WEBPKI)), 1);
    altroot_trust_store_free(s);
    /* An explicit bundle that is missing is a problem; the absent default is only a warning. */
    s = load("/nonexistent/bundle.pem");
    assert_int_equal(altroot_trust_store_problems(s)->count, 1);
    altroot_trust_store_free(s);
}

static void missing_directory_fails(void **state)
{
    (void)state;
    altroot_trust_options o = {"/nonexistent/anchors", ""};
    altroot_trust_store *s = NULL;
    assert_int_equal(altroot_trust_store_load(&o, &s), ALTROOT_E_NOT_FOUND);
    assert_null(s);
    assert_string_equal(altroot_anchor_kind_name(ALTROOT_ANCHOR_MATTER_FABRIC), "matter-fabric");
    assert_string_equal(altroot_anchor_kind_name((altroot_anchor_kind)99), "unknown");
}

static void load_survives_allocation_failures(void **state)
{
    (void)state;
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'/*", g_dir);
    assert_int_equal(system(cmd), 0);
    mkdir(path("local-ca"), 0700);
    mkdir(path("devid-ca"), 0700);
    copy_file(testutil_data("tls/local-ca.pem"), path("local-ca/home.pem"));
    copy_file(testutil_data("tls/bad-base64.pem"), path("devid-ca/broken.pem"));
    testutil_install_allocator();
    for (long n = 1; n < 100000; n++) {
        altroot_trust_options o = {g_dir, testutil_data("tls/self-signed.pem")};
        altroot_trust_store *s = NULL;
        testutil_fail_after(n);
        altroot_err err = altroot_trust_store_load(&o, &s);
        int failed = testutil_alloc_failed();
        testutil_fail_after(0);
        if (!failed) {
            assert_ok(err);
            assert_int_equal(altroot_trust_store_problems(s)->count, 1);
            altroot_trust_store_free(s);
            break;
        }
        assert_int_equal(err, ALTROOT_E_NOMEM);
        assert_null(s);
    }
    altroot_set_allocator(NULL);
}

/* A store of one pin and one anchor, both loadable; then one entry at a time is made unsafe. */
static void safe_store(void)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'/*", g_dir);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(chmod(g_dir, 0700), 0);
    mkdir(path("local-ca"), 0700);
    mkdir(path("pins"), 0700);
    copy_file(testutil_data("tls/local-ca.pem"), path("local-ca/home.pem"));
    FILE *f = fopen(path("pins/printer.json"), "w");
    assert_non_null(f);
    fputs("{\"version\": 1, \"name\": \"printer.home.arpa\", \"root\": \"matter\", "
          "\"identity\": \"spki-sha256:"
          "67662559efa8ed7e100aea97d754ae6f20c5fd7411f9d6493c4b1bbdbc7f5768\", "
          "\"pinned_at\": \"2026-11-28T10:00:00Z\"}\n",
          f);
    fclose(f);
    assert_int_equal(chmod(path("local-ca/home.pem"), 0600), 0);
    assert_int_equal(chmod(path("pins/printer.json"), 0600), 0);
}

/* Loading must fail with `code`, naming `where` with the fix, and give no store. */
static void refused(altroot_err code, const char *where, const char *fix)
{
    altroot_trust_options o = {g_dir, ""};
    altroot_trust_store *s = NULL;
    altroot_failures problems = {0};
    assert_int_equal(altroot_trust_store_load_report(&o, &s, &problems), code);
    assert_null(s);
    assert_true(problems.count >= 1);
    assert_int_equal(problems.items[0].code, code);
    assert_string_equal(problems.items[0].where, where);
    assert_non_null(strstr(problems.items[0].detail, fix));
    altroot_failures_clear(&problems);
    assert_int_equal(altroot_trust_store_load(&o, &s), code);
    assert_null(s);
}

static void writable_by_others_is_refused(void **state)
{
    (void)state;
    safe_store();
    altroot_trust_store *s = load("");
    assert_int_equal(altroot_trust_store_problems(s)->count, 0);
    altroot_trust_store_free(s);
    static const struct {
        const char *rel;
        mode_t bad, good;
    } cases[] = {{"", 0777, 0700},
                 {"", 0770, 0700},
                 {"local-ca", 0757, 0700},
                 {"pins", 0777, 0700},
                 {"pins/printer.json", 0666, 0600},
                 {"local-ca/home.pem", 0620, 0600}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *p = cases[i].rel[0] != '\0' ? path(cases[i].rel) : g_dir;
        char where[512], fix[600];
        snprintf(where, sizeof where, "%s", p);
        snprintf(fix, sizeof fix, "chmod go-w %s", where);
        assert_int_equal(chmod(where, cases[i].bad), 0);
        refused(ALTROOT_E_STORE_WRITABLE, where, fix);
        assert_int_equal(chmod(where, cases[i].good), 0);
    }
    /* Read-only for everyone (a file copied from read-only media) is fine. */
    assert_int_equal(chmod(path("local-ca/home.pem"), 0444), 0);
    s = load("");
    assert_int_equal(altroot_trust_store_problems(s)->count, 0);
    altroot_trust_store_free(s);
}

/* Owned by another user: refused; owned by root or by the running user: fine. Changing a file's
 * owner needs root (CI runs the tests as root); as another user only the own-files half runs. */
static void owned_by_another_user_is_refused(void **state)
{
    (void)state;
    safe_store();
    if (geteuid() != 0) {
        altroot_trust_store *s = load("");
        assert_int_equal(altroot_trust_store_problems(s)->count, 0);
        altroot_trust_store_free(s);
        return;
    }
    const uid_t nobody = 65534;
    const char *entries[] = {g_dir, path("local-ca"), path("pins"), path("pins/printer.json")};
    for (size_t i = 0; i < sizeof entries / sizeof entries[0]; i++) {
        char where[512];
        snprintf(where, sizeof where, "%s", entries[i]);
        assert_int_equal(chown(where, nobody, nobody), 0);
        refused(ALTROOT_E_STORE_OWNER, where, "chown 0 ");
        assert_int_equal(chown(where, 0, 0), 0);
    }
    altroot_trust_store *s = load(""); /* everything root's again */
    assert_int_equal(altroot_trust_store_problems(s)->count, 0);
    altroot_trust_store_free(s);
}

/* Inside the store nothing may be a link: its target could live anywhere, writable by anyone.
 * The folder named by the caller may be one; what it leads to is checked. */
static void links_inside_the_store_are_refused(void **state)
{
    (void)state;
    safe_store();
    assert_int_equal(symlink(testutil_data("tls/local-ca.pem"), path("local-ca/link.pem")), 0);
    refused(ALTROOT_E_STORE_SYMLINK, path("local-ca/link.pem"), "symbolic link");
    unlink(path("local-ca/link.pem"));
    char kind[512], real[512];
    snprintf(kind, sizeof kind, "%s", path("local-ca"));
    snprintf(real, sizeof real, "%s", path("real-ca"));
    assert_int_equal(rename(kind, real), 0);
    assert_int_equal(symlink("real-ca", kind), 0);
    refused(ALTROOT_E_STORE_SYMLINK, kind, "symbolic link");
    unlink(kind);
    assert_int_equal(rename(real, kind), 0);
    char link[96];
    snprintf(link, sizeof link, "%s.link", g_dir);
    assert_int_equal(symlink(g_dir, link), 0);
    altroot_trust_options o = {link, ""};
    altroot_trust_store *s = NULL;
    assert_ok(altroot_trust_store_load(&o, &s));
    assert_int_equal(altroot_trust_store_problems(s)->count, 0);
    altroot_trust_store_free(s);
    unlink(link);
}

/* A FIFO among the anchors is refused without blocking the load. */
static void a_fifo_is_not_read(void **state)
{
    (void)state;
    safe_store();
    assert_int_equal(mkfifo(path("local-ca/fifo.pem"), 0600), 0);
    altroot_trust_store *s = load("");
    const altroot_failures *p = altroot_trust_store_problems(s);
    assert_int_equal(p->count, 1);
    assert_string_equal(p->items[0].where, path("local-ca/fifo.pem"));
    assert_non_null(strstr(p->items[0].detail, "E_NOT_REGULAR"));
    altroot_trust_store_free(s);
    unlink(path("local-ca/fifo.pem"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(loads_each_kind_and_reports_bad_files_by_name),
        cmocka_unit_test(bare_public_keys_for_fdo_kinds),
        cmocka_unit_test(unknown_directories_and_bad_pins_are_problems),
        cmocka_unit_test(unconstrained_local_ca_is_a_warning),
        cmocka_unit_test(webpki_bundle_sources),
        cmocka_unit_test(missing_directory_fails),
        cmocka_unit_test(load_survives_allocation_failures),
        cmocka_unit_test(writable_by_others_is_refused),
        cmocka_unit_test(owned_by_another_user_is_refused),
        cmocka_unit_test(links_inside_the_store_are_refused),
        cmocka_unit_test(a_fifo_is_not_read),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
