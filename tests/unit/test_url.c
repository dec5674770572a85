#include <string.h>

#include "testutil.h"

static void accepts(const char *text, const char *host, unsigned port, bool ip, const char *path)
{
    altroot_url u;
    altroot_err err = altroot_url_parse(text, &u);
    if (err != ALTROOT_OK)
        fail_msg("\"%s\" rejected: %s", text, altroot_error_name(err));
    assert_string_equal(u.host, host);
    assert_int_equal(u.port, port);
    assert_int_equal(u.host_is_ip, ip);
    assert_string_equal(u.path, path);
    altroot_url_clear(&u);
}

static void valid_urls(void **state)
{
    (void)state;
    accepts("https://printer.home.arpa", "printer.home.arpa", 443, false, "/");
    accepts("https://Printer.Home.Arpa:8443/admin?x=1", "printer.home.arpa", 8443, false,
            "/admin?x=1");
    accepts("HTTPS://127.0.0.1:1/", "127.0.0.1", 1, true, "/");
    accepts("https://[::1]:65535", "::1", 65535, true, "/");
    accepts("https://[FE80::1]", "fe80::1", 443, true, "/");
    accepts("https://localhost.", "localhost", 443, false, "/");
    accepts("device_1.local:8443", "device_1.local", 8443, false, "/");
    /* The absolute form of an address is that address (no SNI is sent for it). */
    accepts("https://1.2.3.4.:8443", "1.2.3.4", 8443, true, "/");
    /* Labels that merely contain digits, or start like hex, are names. */
    accepts("https://printer2.home.arpa", "printer2.home.arpa", 443, false, "/");
    accepts("https://1.2.3.4.example", "1.2.3.4.example", 443, false, "/");
    accepts("https://0xcafe.home.arpa", "0xcafe.home.arpa", 443, false, "/");
}

static void invalid_urls(void **state)
{
    (void)state;
    const char *bad[] = {
        "",
        "http://printer.home.arpa",
        "ftp://x",
        "https://",
        "https://:443",
        "https://user@host",
        "https://host:0",
        "https://host:65536",
        "https://host:12a",
        "https://host:",
        "https://[::1",
        "https://[::1]x",
        "https://[127.0.0.1]",
        "https://[fe80::1%25eth0]",
        "https://ho st",
        "https://host\n",
        "https://-host",
        "https://host-.local",
        "https://a..b",
        "https://h\xc3\xa9.local",
        "https://0123456789012345678901234567890123456789012345678901234567890123.x",
        "https://[::1]:99999",
        /* IPv4 in forms resolvers accept but that are not dotted quads: never judged as names */
        "https://127.1",
        "https://0x7f000001",
        "https://2130706433",
        "https://017700000001",
        "https://127.0.0.0x1",
        "https://printer.42",
        "https://1.2.3.4.5",
        "https://hub.0x",             /* "0x" alone is the number 0 */
        "https://[::ffff:127.0.0.1]", /* IPv4-mapped: the IPv4 device under another name */
        "https://[::FFFF:7f00:1]:8443",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        altroot_url u = {0};
        altroot_err err = altroot_url_parse(bad[i], &u);
        if (err != ALTROOT_E_URL)
            fail_msg("\"%s\" gave %s", bad[i], altroot_error_name(err));
        assert_null(u.host);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(valid_urls),
        cmocka_unit_test(invalid_urls),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
