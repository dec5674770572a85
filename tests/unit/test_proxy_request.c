/* The request heads altroot-browser's loopback proxy accepts and refuses (browser/proxy_request.c):
 * only a CONNECT in authority-form, with the answer for everything else, and the rule that tells
 * the proxy, reading a byte at a time, that it has read enough to answer. */
#include <string.h>

#include "../../browser/proxy_request.h"
#include "testutil.h"

static altroot_err parse(const char *text, ab_connect_request *req)
{
    return ab_connect_request_parse((altroot_span){(const uint8_t *)text, strlen(text)}, req);
}

static void accepts(const char *text, const char *host, unsigned port, const char *url)
{
    ab_connect_request req;
    altroot_err err = parse(text, &req);
    if (err != ALTROOT_OK)
        fail_msg("\"%s\" refused: %s, %d", text, altroot_error_name(err), req.status);
    assert_string_equal(req.host, host);
    assert_int_equal(req.port, port);
    assert_int_equal(req.status, 0);
    assert_int_equal(req.head_len, strlen(text));
    char out[AB_CONNECT_URL_MAX];
    assert_true(ab_connect_request_url(&req, out, sizeof out));
    assert_string_equal(out, url);
}

static void refuses(const char *text, altroot_err code, int status)
{
    ab_connect_request req;
    altroot_err err = parse(text, &req);
    if (err != code || req.status != status)
        fail_msg("\"%s\": %s, %d (expected %s, %d)", text, altroot_error_name(err), req.status,
                 altroot_error_name(code), status);
    assert_int_equal(req.head_len, 0);
    assert_string_equal(req.host, "");
}

static void connect_heads(void **state)
{
    (void)state;
    /* What libsoup sends for WebKit. */
    accepts("CONNECT localhost:8443 HTTP/1.1\r\nHost: localhost:8443\r\n"
            "Proxy-Connection: keep-alive\r\nUser-Agent: Mozilla/5.0\r\n\r\n",
            "localhost", 8443, "https://localhost:8443/");
    accepts("CONNECT 127.0.0.1:443 HTTP/1.0\r\n\r\n", "127.0.0.1", 443, "https://127.0.0.1:443/");
    accepts("CONNECT [::1]:65535 HTTP/1.1\r\nhost:[::1]:65535\r\n\r\n", "::1", 65535,
            "https://[::1]:65535/");
    accepts("CONNECT [::ffff:127.0.0.1]:1 HTTP/1.1\r\nHost: x\r\n\r\n", "::ffff:127.0.0.1", 1,
            "https://[::ffff:127.0.0.1]:1/");
    accepts("CONNECT Device_1.Home.Arpa.:08443 HTTP/1.1\r\nHost: d\r\nContent-Length: 0\r\n\r\n",
            "Device_1.Home.Arpa.", 8443, "https://Device_1.Home.Arpa.:8443/");
    /* The head ends at the first empty line; what follows is the tunnel's. */
    ab_connect_request req;
    const char text[] = "CONNECT a:1 HTTP/1.1\r\nHost: a:1\r\n\r\n\x16\x03\x01\x02\x00";
    assert_ok(
        ab_connect_request_parse((altroot_span){(const uint8_t *)text, sizeof text - 1}, &req));
    assert_int_equal(req.head_len, sizeof text - 1 - 5);
}

static void refused_heads(void **state)
{
    (void)state;
    const int bad = 400;
    refuses("GET http://localhost/ HTTP/1.1\r\nHost: localhost\r\n\r\n", ALTROOT_E_UNSUPPORTED,
            403);
    refuses("connect a:1 HTTP/1.1\r\nHost: a\r\n\r\n", ALTROOT_E_UNSUPPORTED, 403);
    refuses("CONNECT a:1 HTTP/2.0\r\nHost: a\r\n\r\n", ALTROOT_E_UNSUPPORTED, 505);
    const char *malformed[] = {
        "CONNECT https://a:443/ HTTP/1.1\r\nHost: a\r\n\r\n", /* absolute-form */
        "CONNECT / HTTP/1.1\r\nHost: a\r\n\r\n",              /* origin-form */
        "CONNECT a HTTP/1.1\r\nHost: a\r\n\r\n",              /* no port */
        "CONNECT a: HTTP/1.1\r\nHost: a\r\n\r\n",
        "CONNECT a:0 HTTP/1.1\r\nHost: a\r\n\r\n",
        "CONNECT a:65536 HTTP/1.1\r\nHost: a\r\n\r\n",
        "CONNECT a:000443 HTTP/1.1\r\nHost: a\r\n\r\n",
        "CONNECT a:+443 HTTP/1.1\r\nHost: a\r\n\r\n",
        "CONNECT a:44x HTTP/1.1\r\nHost: a\r\n\r\n",
        "CONNECT a:1:2 HTTP/1.1\r\nHost: a\r\n\r\n",
        "CONNECT :443 HTTP/1.1\r\nHost: a\r\n\r\n",
        "CONNECT user@a:443 HTTP/1.1\r\nHost: a\r\n\r\n",
        "CONNECT a%2e:443 HTTP/1.1\r\nHost: a\r\n\r\n",
        "CONNECT ::1:443 HTTP/1.1\r\nHost: a\r\n\r\n",
        "CONNECT [::1] HTTP/1.1\r\nHost: a\r\n\r\n",
        "CONNECT [::1:443 HTTP/1.1\r\nHost: a\r\n\r\n",
        "CONNECT []:443 HTTP/1.1\r\nHost: a\r\n\r\n",
        "CONNECT [fe80::1%25eth0]:443 HTTP/1.1\r\nHost: a\r\n\r\n",
        "CONNECT [v1.x]:443 HTTP/1.1\r\nHost: a\r\n\r\n",
        "CONNECT [::1]x:443 HTTP/1.1\r\nHost: a\r\n\r\n",
        "CONNECT  a:1 HTTP/1.1\r\nHost: a\r\n\r\n",
        "CONNECT a:1 HTTP/1.1 \r\nHost: a\r\n\r\n",
        "CONNECT a:1 HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n", /* obs-fold */
        "CONNECT a:1 HTTP/1.1\r\nHost : a\r\n\r\n",           /* space before the colon */
        "CONNECT a:1 HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", /* two Hosts */
        "CONNECT a:1 HTTP/1.1\r\n\r\n",                       /* no Host in 1.1 */
        "CONNECT a:1 HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n",
        "CONNECT a:1 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n",
        "CONNECT a:1 HTTP/1.1\r\nHost: a\x01\r\n\r\n",
        "CONNECT a:1 HTTP/1.1\nHost: a\n\n", /* bare LF */
        "CONNECT a:1 HTTP/1.1\r\rHost: a\r\n\r\n",
        "\r\nCONNECT a:1 HTTP/1.1\r\nHost: a\r\n\r\n",
        "CONNECT a:1 HTTP/1.1x\r\nHost: a\r\n\r\n",
        "CONNECT a:1 HTTP/1\r\nHost: a\r\n\r\n",
    };
    for (size_t i = 0; i < sizeof malformed / sizeof malformed[0]; i++)
        refuses(malformed[i], ALTROOT_E_MALFORMED, bad);
    /* A NUL in the request line, which a C-string parser would stop at. */
    ab_connect_request req;
    const char nul[] = "CONNECT a\0:1 HTTP/1.1\r\nHost: a\r\n\r\n";
    assert_int_equal(
        ab_connect_request_parse((altroot_span){(const uint8_t *)nul, sizeof nul - 1}, &req),
        ALTROOT_E_MALFORMED);
    assert_int_equal(req.status, 400);
    const char nul_head[] = "\0\r\n\r\n";
    assert_int_equal(ab_connect_request_parse(
                         (altroot_span){(const uint8_t *)nul_head, sizeof nul_head - 1}, &req),
                     ALTROOT_E_MALFORMED);
}

static void limits(void **state)
{
    (void)state;
    static char big[AB_CONNECT_HEAD_MAX + 64];
    ab_connect_request req;
    /* A host one byte over the limit, then at it. */
    char host[AB_CONNECT_HOST_MAX + 2];
    memset(host, 'a', sizeof host - 1);
    host[sizeof host - 1] = '\0';
    snprintf(big, sizeof big, "CONNECT %s:1 HTTP/1.1\r\nHost: a\r\n\r\n", host);
    refuses(big, ALTROOT_E_MALFORMED, 400);
    host[AB_CONNECT_HOST_MAX] = '\0';
    snprintf(big, sizeof big, "CONNECT %s:1 HTTP/1.1\r\nHost: a\r\n\r\n", host);
    assert_ok(parse(big, &req));
    /* 64 fields pass, 65 are too many. */
    size_t n = (size_t)snprintf(big, sizeof big, "CONNECT a:1 HTTP/1.1\r\nHost: a\r\n");
    for (int i = 1; i < AB_CONNECT_FIELDS_MAX; i++)
        n += (size_t)snprintf(big + n, sizeof big - n, "X-%d: y\r\n", i);
    memcpy(big + n, "\r\n", 3);
    assert_ok(parse(big, &req));
    memcpy(big + n, "Z: z\r\n\r\n", 9);
    refuses(big, ALTROOT_E_TOO_LARGE, 431);
    /* A head that has not ended by the limit: 431; a shorter one is still incomplete. */
    n = (size_t)snprintf(big, sizeof big, "CONNECT a:1 HTTP/1.1\r\nHost: a\r\nX: ");
    memset(big + n, 'x', sizeof big - n - 1);
    big[sizeof big - 1] = '\0';
    refuses(big, ALTROOT_E_TOO_LARGE, 431);
    assert_int_equal(ab_connect_request_parse(
                         (altroot_span){(const uint8_t *)big, AB_CONNECT_HEAD_MAX - 1}, &req),
                     ALTROOT_E_TRUNCATED);
    assert_int_equal(req.status, 0);
    /* A complete head that ends before the limit is accepted even with more bytes after it. */
    memcpy(big + n, "x\r\n\r\n", 5);
    assert_ok(ab_connect_request_parse((altroot_span){(const uint8_t *)big, sizeof big - 1}, &req));
    assert_int_equal(req.head_len, n + 5);
}

static bool ended(const char *text)
{
    return ab_connect_request_ended((altroot_span){(const uint8_t *)text, strlen(text)});
}

/* The proxy reads until this says it can answer; each stop gives a parse that is not
 * E_TRUNCATED, and each non-stop waits for the next byte. */
static void read_rule(void **state)
{
    (void)state;
    assert_false(ended(""));
    assert_false(ended("CONNECT a:1 HTTP/1.1"));
    assert_false(ended("CONNECT a:1 HTTP/1.1\r"));
    assert_false(ended("CONNECT a:1 HTTP/1.1\r\n"));
    assert_false(ended("CONNECT a:1 HTTP/1.1\r\nHost: a\r\n\r"));
    assert_true(ended("CONNECT a:1 HTTP/1.1\r\nHost: a\r\n\r\n"));
    assert_true(ended("CONNECT a:1 HTTP/1.1\n"));
    assert_true(ended("CONNECT a:1 HTTP/1.1\rX"));
    assert_true(ended("\n"));
    const char *stops[] = {"CONNECT a:1 HTTP/1.1\r\nHost: a\r\n\r\n", "CONNECT a:1 HTTP/1.1\n",
                           "CONNECT a:1 HTTP/1.1\rX", "\n", "X\r\n\r\n"};
    for (size_t i = 0; i < sizeof stops / sizeof stops[0]; i++) {
        ab_connect_request req;
        assert_int_not_equal(parse(stops[i], &req), ALTROOT_E_TRUNCATED);
    }
    static uint8_t big[AB_CONNECT_HEAD_MAX];
    memset(big, 'x', sizeof big);
    assert_false(ab_connect_request_ended((altroot_span){big, sizeof big - 1}));
    assert_true(ab_connect_request_ended((altroot_span){big, sizeof big}));
}

/* The proxy's secret: one Proxy-Authorization, kept as sent and matched exactly; a head without
 * it, with another value, a longer or shorter one, or a second field line is never authorized. */
static void proxy_authorization(void **state)
{
    (void)state;
    const char *good = "Basic YWx0cm9vdC1icm93c2VyOnNlY3JldA==";
    ab_connect_request req;
    assert_ok(parse("CONNECT a:1 HTTP/1.1\r\nHost: a:1\r\n"
                    "Proxy-Authorization:  Basic YWx0cm9vdC1icm93c2VyOnNlY3JldA==\t\r\n\r\n",
                    &req));
    assert_string_equal(req.auth, good);
    assert_int_equal(req.auth_len, strlen(good));
    assert_true(ab_connect_request_authorized(&req, good));
    assert_false(ab_connect_request_authorized(&req, "Basic YWx0cm9vdC1icm93c2VyOnNlY3JldB=="));
    assert_false(ab_connect_request_authorized(&req, "Basic YWx0cm9vdC1icm93c2VyOnNlY3JldA="));
    assert_false(ab_connect_request_authorized(&req, "Basic YWx0cm9vdC1icm93c2VyOnNlY3JldA==="));
    assert_false(ab_connect_request_authorized(&req, ""));
    /* The field name is matched without case, the value exactly. */
    assert_ok(parse("CONNECT a:1 HTTP/1.1\r\nHost: a:1\r\nproxy-AUTHORIZATION: basic "
                    "YWx0cm9vdC1icm93c2VyOnNlY3JldA==\r\n\r\n",
                    &req));
    assert_false(ab_connect_request_authorized(&req, good));
    /* No field: nothing matches, not even an empty expectation. */
    assert_ok(parse("CONNECT a:1 HTTP/1.1\r\nHost: a:1\r\n\r\n", &req));
    assert_int_equal(req.auth_len, 0);
    assert_false(ab_connect_request_authorized(&req, good));
    assert_false(ab_connect_request_authorized(&req, ""));
    /* A prefix of the secret is not the secret. */
    assert_ok(
        parse("CONNECT a:1 HTTP/1.1\r\nHost: a:1\r\nProxy-Authorization: Basic\r\n\r\n", &req));
    assert_false(ab_connect_request_authorized(&req, good));
    /* Two field lines, an empty value, or one over the limit: refused with 400. */
    refuses("CONNECT a:1 HTTP/1.1\r\nHost: a:1\r\nProxy-Authorization: Basic eA==\r\n"
            "Proxy-Authorization: Basic eA==\r\n\r\n",
            ALTROOT_E_MALFORMED, 400);
    refuses("CONNECT a:1 HTTP/1.1\r\nHost: a:1\r\nProxy-Authorization: \r\n\r\n",
            ALTROOT_E_MALFORMED, 400);
    char big[AB_CONNECT_AUTH_MAX + 200];
    int n = snprintf(big, sizeof big, "CONNECT a:1 HTTP/1.1\r\nHost: a:1\r\nProxy-Authorization: ");
    memset(big + n, 'x', AB_CONNECT_AUTH_MAX + 1);
    memcpy(big + n + AB_CONNECT_AUTH_MAX + 1, "\r\n\r\n", 5);
    refuses(big, ALTROOT_E_MALFORMED, 400);
    /* Exactly at the limit it is kept whole. */
    memcpy(big + n + AB_CONNECT_AUTH_MAX, "\r\n\r\n", 5);
    assert_ok(parse(big, &req));
    assert_int_equal(req.auth_len, AB_CONNECT_AUTH_MAX);
    /* A refused head keeps nothing of its credentials. */
    assert_int_not_equal(parse("GET / HTTP/1.1\r\nHost: a\r\nProxy-Authorization: x\r\n\r\n", &req),
                         ALTROOT_OK);
    assert_int_equal(req.auth_len, 0);
    assert_string_equal(req.auth, "");
}

static void url_fits(void **state)
{
    (void)state;
    ab_connect_request req;
    assert_ok(parse("CONNECT [::1]:8443 HTTP/1.1\r\nHost: a\r\n\r\n", &req));
    char small[sizeof "https://[::1]:8443/"];
    assert_true(ab_connect_request_url(&req, small, sizeof small));
    assert_false(ab_connect_request_url(&req, small, sizeof small - 1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(connect_heads), cmocka_unit_test(refused_heads),
        cmocka_unit_test(limits),        cmocka_unit_test(read_rule),
        cmocka_unit_test(url_fits),      cmocka_unit_test(proxy_authorization),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
