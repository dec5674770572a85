/* The gateway's zone and name rules, base64, and its state database. */
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gateway.h"
#include "nonce.h"
#include "testutil.h"

static void zones(void **state)
{
    (void)state;
    char z[ALTROOT_GW_NAME_MAX];
    assert_ok(altroot_gw_zone_check("A1b2.Home.Arpa.", z));
    assert_string_equal(z, "a1b2.home.arpa");
    assert_ok(altroot_gw_zone_check("lan.example.com", z));
    static const char *const bad[] = {
        "home.arpa",
        "local",
        "arpa",
        "",
        ".",
        "a..b",
        "-a.b",
        "a-.b",
        "a_b.c",
        "a.b.123",
        "a b.c",
        "a.b/c",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.b"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(altroot_gw_zone_check(bad[i], z), ALTROOT_E_GATEWAY_ZONE);
    char r1[ALTROOT_GW_NAME_MAX], r2[ALTROOT_GW_NAME_MAX];
    assert_ok(altroot_gw_zone_random(r1));
    assert_ok(altroot_gw_zone_random(r2));
    assert_int_equal(strlen(r1), 16 + strlen(".home.arpa"));
    assert_string_not_equal(r1, r2);
    assert_ok(altroot_gw_zone_check(r1, z));
}

static void cidrs(void **state)
{
    (void)state;
    assert_ok(altroot_gw_cidr_check("127.0.0.0/8"));
    assert_ok(altroot_gw_cidr_check("192.168.1.0/24"));
    assert_ok(altroot_gw_cidr_check("fd00::/8"));
    assert_ok(altroot_gw_cidr_check("10.0.0.1/32"));
    static const char *const bad[] = {"127.0.0.1/8",  "127.0.0.0",    "127.0.0.0/33",
                                      "fd00::/129",   "127.0.0.0/-1", "127.0.0.0/",
                                      "127.0.0.0/8x", "host/8",       "127.0.0.0/+8"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(altroot_gw_cidr_check(bad[i]), ALTROOT_E_GATEWAY_CIDR);
}

static void names(void **state)
{
    (void)state;
    const char *z = "abc.home.arpa";
    char n[ALTROOT_GW_NAME_MAX];
    assert_ok(altroot_gw_name_in_zone(z, false, "Dev1", n));
    assert_string_equal(n, "dev1.abc.home.arpa");
    assert_ok(altroot_gw_name_in_zone(z, false, "a.b.abc.home.arpa.", n));
    assert_string_equal(n, "a.b.abc.home.arpa");
    assert_int_equal(altroot_gw_name_in_zone(z, false, "xabc.home.arpa", n),
                     ALTROOT_E_GATEWAY_OUTSIDE_ZONE);
    assert_int_equal(altroot_gw_name_in_zone(z, false, "dev.local", n),
                     ALTROOT_E_GATEWAY_OUTSIDE_ZONE);
    assert_ok(altroot_gw_name_in_zone(z, true, "dev.local", n));
    assert_int_equal(altroot_gw_name_in_zone(z, false, "abc.home.arpa", n),
                     ALTROOT_E_GATEWAY_NAME_RESERVED);
    assert_int_equal(altroot_gw_name_in_zone(z, false, "gateway", n),
                     ALTROOT_E_GATEWAY_NAME_RESERVED);
    assert_int_equal(altroot_gw_name_in_zone(z, false, "localhost.abc.home.arpa", n),
                     ALTROOT_E_GATEWAY_NAME_RESERVED);
    assert_ok(altroot_gw_name_in_zone(z, false, "gateways", n));
    assert_int_equal(altroot_gw_name_in_zone(z, false, "*.abc.home.arpa", n), ALTROOT_E_MALFORMED);
    assert_int_equal(altroot_gw_name_in_zone(z, false, "a\nb", n), ALTROOT_E_MALFORMED);
}

/* RFC 4648 10 test vectors, and the URL alphabet without padding. */
static void base64(void **state)
{
    (void)state;
    static const char *const in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    static const char *const std[] = {"",         "Zg==",     "Zm8=",    "Zm9v",
                                      "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
    static const char *const url[] = {"", "Zg", "Zm8", "Zm9v", "Zm9vYg", "Zm9vYmE", "Zm9vYmFy"};
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        altroot_span s = {(const uint8_t *)in[i], strlen(in[i])};
        altroot_bytes a = ALTROOT_BYTES_INIT, b = ALTROOT_BYTES_INIT;
        assert_ok(altroot_gw_b64(s, false, &a));
        assert_ok(altroot_gw_b64(s, true, &b));
        if (s.len > 0) {
            assert_string_equal((const char *)a.ptr, std[i]);
            assert_string_equal((const char *)b.ptr, url[i]);
        }
        assert_int_equal(a.len, strlen(std[i]));
        altroot_bytes_clear(&a);
        altroot_bytes_clear(&b);
    }
    static const uint8_t hi[] = {0xfb, 0xff, 0xfe};
    altroot_bytes a = ALTROOT_BYTES_INIT, b = ALTROOT_BYTES_INIT;
    assert_ok(altroot_gw_b64((altroot_span){hi, 3}, false, &a));
    assert_ok(altroot_gw_b64((altroot_span){hi, 3}, true, &b));
    assert_string_equal((const char *)a.ptr, "+//+");
    assert_string_equal((const char *)b.ptr, "-__-");
    altroot_bytes_clear(&a);
    altroot_bytes_clear(&b);
}

static char g_dir[64];

static int make_dir(void **state)
{
    (void)state;
    snprintf(g_dir, sizeof g_dir, "/tmp/altroot-gw-XXXXXX");
    return mkdtemp(g_dir) == NULL ? -1 : 0;
}

static int remove_dir(void **state)
{
    (void)state;
    static const char *const files[] = {"gateway.db", "gateway.db-wal", "gateway.db-shm"};
    char p[128];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", g_dir, files[i]);
        unlink(p);
    }
    return rmdir(g_dir);
}

static void database(void **state)
{
    (void)state;
    altroot_gw_db *db = NULL;
    assert_int_equal(altroot_gw_db_open(g_dir, &db), ALTROOT_E_GATEWAY_NOT_INITIALISED);
    assert_ok(altroot_gw_db_create(g_dir, &db));
    assert_ok(altroot_gw_db_begin(db));
    assert_ok(altroot_gw_db_meta_set(db, "zone", "abc.home.arpa"));
    assert_ok(altroot_gw_db_commit(db));
    /* A change rolled back leaves nothing behind. */
    altroot_gw_eab e = {.kid = "k1", .name = "d.abc.home.arpa", .created = 7};
    memset(e.hmac, 0x5a, sizeof e.hmac);
    assert_ok(altroot_gw_db_begin(db));
    assert_ok(altroot_gw_db_eab_add(db, &e));
    altroot_gw_db_rollback(db);
    altroot_gw_eab got;
    assert_int_equal(altroot_gw_db_eab_get(db, "k1", &got), ALTROOT_E_NOT_FOUND);
    assert_ok(altroot_gw_db_begin(db));
    assert_ok(altroot_gw_db_eab_add(db, &e));
    assert_int_equal(altroot_gw_db_eab_add(db, &e), ALTROOT_E_GATEWAY_DB); /* same kid */
    assert_ok(altroot_gw_db_commit(db));
    altroot_gw_db_close(db);

    char path[128];
    snprintf(path, sizeof path, "%s/gateway.db", g_dir);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(altroot_gw_db_create(g_dir, &db), ALTROOT_E_GATEWAY_DIR);

    assert_ok(altroot_gw_db_open(g_dir, &db));
    char zone[ALTROOT_GW_NAME_MAX], tiny[4];
    assert_ok(altroot_gw_db_meta_get(db, "zone", zone, sizeof zone));
    assert_string_equal(zone, "abc.home.arpa");
    assert_int_equal(altroot_gw_db_meta_get(db, "zone", tiny, sizeof tiny), ALTROOT_E_TOO_LARGE);
    assert_int_equal(altroot_gw_db_meta_get(db, "nope", zone, sizeof zone), ALTROOT_E_NOT_FOUND);
    assert_ok(altroot_gw_db_eab_get(db, "k1", &got));
    assert_string_equal(got.name, e.name);
    assert_memory_equal(got.hmac, e.hmac, sizeof e.hmac);
    assert_int_equal(got.created, 7);
    altroot_gw_db_close(db);
}

static void database_refuses_open_dir_and_other_schema(void **state)
{
    (void)state;
    altroot_gw_db *db = NULL;
    assert_ok(altroot_gw_db_create(g_dir, &db));
    altroot_gw_db_close(db);
    assert_int_equal(chmod(g_dir, 0750), 0);
    assert_int_equal(altroot_gw_db_open(g_dir, &db), ALTROOT_E_GATEWAY_DIR);
    assert_int_equal(chmod(g_dir, 0700), 0);
    char path[128];
    snprintf(path, sizeof path, "%s/gateway.db", g_dir);
    sqlite3 *h = NULL;
    assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, "PRAGMA user_version = 99;", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
    db = NULL;
    assert_int_equal(altroot_gw_db_open(g_dir, &db), ALTROOT_E_GATEWAY_SCHEMA);
    assert_null(db);
}

static void nonces(void **state)
{
    (void)state;
    altroot_gw_nonces *n = NULL;
    assert_ok(altroot_gw_nonces_new(3, &n));
    char a[ALTROOT_GW_NONCE_LEN + 1], b[ALTROOT_GW_NONCE_LEN + 1];
    assert_ok(altroot_gw_nonce_issue(n, a));
    assert_ok(altroot_gw_nonce_issue(n, b));
    assert_int_equal(strlen(a), ALTROOT_GW_NONCE_LEN);
    assert_string_not_equal(a, b);
    for (size_t i = 0; i < ALTROOT_GW_NONCE_LEN; i++)
        assert_non_null(
            strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", a[i]));
    /* Once, and only once; never one this store did not issue. */
    assert_ok(altroot_gw_nonce_use(n, a));
    assert_int_equal(altroot_gw_nonce_use(n, a), ALTROOT_E_GATEWAY_BAD_NONCE);
    char forged[ALTROOT_GW_NONCE_LEN + 1];
    memcpy(forged, b, sizeof forged);
    forged[0] = forged[0] == 'A' ? 'B' : 'A';
    assert_int_equal(altroot_gw_nonce_use(n, forged), ALTROOT_E_GATEWAY_BAD_NONCE);
    assert_int_equal(altroot_gw_nonce_use(n, ""), ALTROOT_E_GATEWAY_BAD_NONCE);
    assert_ok(altroot_gw_nonce_use(n, b));
    /* Past the capacity the oldest is forgotten. */
    char c[4][ALTROOT_GW_NONCE_LEN + 1];
    for (size_t i = 0; i < 4; i++)
        assert_ok(altroot_gw_nonce_issue(n, c[i]));
    assert_int_equal(altroot_gw_nonce_use(n, c[0]), ALTROOT_E_GATEWAY_BAD_NONCE);
    for (size_t i = 1; i < 4; i++)
        assert_ok(altroot_gw_nonce_use(n, c[i]));
    altroot_gw_nonces_free(n);
    assert_int_equal(altroot_gw_nonces_new(0, &n), ALTROOT_E_ARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(zones),
        cmocka_unit_test(cidrs),
        cmocka_unit_test(names),
        cmocka_unit_test(base64),
        cmocka_unit_test(nonces),
        cmocka_unit_test_setup_teardown(database, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(database_refuses_open_dir_and_other_schema, make_dir,
                                        remove_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
