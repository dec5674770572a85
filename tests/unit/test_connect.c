/* altroot_connect end to end against in-process loopback servers. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../../tools/altroot/loopback.h"
#include "testutil.h"

#define DAY ((altroot_time)86400)
static const altroot_time NOW =
    1798761600; /* 2027-01-01T00:00:00Z; fixtures valid 2026-11-28..2126 */

static altroot_trust_store *g_store;

static int setup(void **state)
{
    (void)state;
    signal(SIGPIPE, SIG_IGN);
    /* The fixture CA stands in as the only local-ca anchor; no Web PKI. */
    char dir[64];
    snprintf(dir, sizeof dir, "/tmp/altroot-connect-XXXXXX");
    if (mkdtemp(dir) == NULL)
        return -1;
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s/local-ca' && cp '%s' '%s/local-ca/'", dir,
             testutil_data("tls/local-ca.pem"), dir);
    if (system(cmd) != 0)
        return -1;
    altroot_trust_options o = {dir, ""};
    altroot_err err = altroot_trust_store_load(&o, &g_store);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return err == ALTROOT_OK && system(cmd) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    altroot_trust_store_free(g_store);
    return 0;
}

static altroot_key *read_key(const char *name)
{
    altroot_bytes b = ALTROOT_BYTES_INIT;
    altroot_key *k = NULL;
    assert_ok(altroot_bytes_read_file(&b, testutil_data(name), 1 << 16));
    assert_ok(altroot_key_parse_private(altroot_bytes_span(&b), &k));
    altroot_bytes_clear(&b);
    return k;
}

static altroot_tls_server *server_from(const char *cert, const char *key)
{
    altroot_certs *chain = NULL;
    altroot_tls_server *s = NULL;
    assert_ok(altroot_certs_new(&chain));
    assert_ok(altroot_certs_load_file(chain, testutil_data(cert)));
    altroot_key *k = read_key(key);
    assert_ok(altroot_tls_server_new(chain, k, &s));
    altroot_key_free(k);
    altroot_certs_free(chain);
    return s;
}

/* A leaf for `dns` only, issued now by the fixture CA. */
static altroot_tls_server *server_for_name(const char *dns)
{
    altroot_certs *ca = NULL, *chain = NULL;
    assert_ok(altroot_certs_new(&ca));
    assert_ok(altroot_certs_load_file(ca, testutil_data("tls/local-ca.pem")));
    altroot_key *ca_key = read_key("tls/local-ca.key"), *key = NULL;
    assert_ok(altroot_key_generate(ALTROOT_KEY_EC_P256, &key));
    const char *names[] = {dns};
    altroot_cert_template t = {.common_name = dns,
                               .dns_names = names,
                               .dns_count = 1,
                               .not_before = NOW - DAY,
                               .not_after = NOW + DAY,
                               .server_auth = true};
    altroot_cert *leaf = NULL;
    assert_ok(altroot_cert_issue(&t, key, altroot_certs_get(ca, 0), ca_key, &leaf));
    assert_ok(altroot_certs_new(&chain));
    assert_ok(altroot_certs_push(chain, leaf));
    altroot_tls_server *s = NULL;
    assert_ok(altroot_tls_server_new(chain, key, &s));
    altroot_cert_free(leaf);
    altroot_certs_free(chain);
    altroot_certs_free(ca);
    altroot_key_free(ca_key);
    altroot_key_free(key);
    return s;
}

static altroot_err run(altroot_tls_server *srv, int family, const char *host, altroot_time at,
                       altroot_verdict *v)
{
    loopback lb;
    assert_ok(loopback_start(&lb, srv, "ok", family));
    char url[128];
    snprintf(url, sizeof url, family == AF_INET6 ? "https://[%s]:%u/" : "https://%s:%u/", host,
             (unsigned)lb.port);
    altroot_connect_options o = {.store = g_store, .at = at, .timeout_ms = 3000};
    altroot_verdict_init(v);
    altroot_err err = altroot_connect(url, &o, v);
    loopback_stop(&lb);
    return err;
}

static void local_ca_by_name_and_by_ip(void **state)
{
    (void)state;
    altroot_tls_server *srv = server_from("tls/leaf.pem", "tls/leaf.key");
    altroot_verdict v;
    assert_ok(run(srv, AF_INET, "localhost", NOW, &v));
    assert_int_equal(v.decision, ALTROOT_DECISION_TRUSTED);
    assert_int_equal(v.rule, 3);
    assert_int_equal(v.cert_class, 5);
    assert_true(v.name.bound);
    assert_string_equal(v.name.method, "san-dns");
    assert_true(v.tls);
    assert_int_equal(v.failures.count, 0);
    altroot_verdict_clear(&v);
    assert_ok(run(srv, AF_INET, "127.0.0.1", NOW, &v));
    assert_int_equal(v.decision, ALTROOT_DECISION_TRUSTED);
    assert_string_equal(v.name.method, "san-ip");
    altroot_verdict_clear(&v);
    altroot_tls_server_free(srv);
}

static void self_signed_is_class_3(void **state)
{
    (void)state;
    altroot_tls_server *srv = server_from("tls/self-signed.pem", "tls/self-signed.key");
    altroot_verdict v;
    assert_ok(run(srv, AF_INET, "127.0.0.1", NOW, &v));
    assert_int_equal(v.decision, ALTROOT_DECISION_UNTRUSTED);
    assert_int_equal(v.cert_class, 3);
    assert_true(v.leaf.self_signed);
    assert_true(altroot_failures_has(&v.failures, ALTROOT_E_NOT_TRUSTED));
    assert_true(altroot_failures_has(&v.failures, ALTROOT_E_CHAIN_SELF_SIGNED));
    altroot_verdict_clear(&v);
    altroot_tls_server_free(srv);
}

static void wrong_name_under_local_ca(void **state)
{
    (void)state;
    altroot_tls_server *srv = server_for_name("printer.home.arpa");
    altroot_verdict v;
    assert_ok(run(srv, AF_INET, "127.0.0.1", NOW, &v));
    assert_int_equal(v.decision, ALTROOT_DECISION_UNTRUSTED);
    assert_int_equal(v.cert_class, 5);
    assert_false(v.name.bound);
    assert_true(altroot_failures_has(&v.failures, ALTROOT_E_NAME_MISMATCH));
    altroot_verdict_clear(&v);
    altroot_tls_server_free(srv);
}

static void expired_and_not_yet_valid_by_time(void **state)
{
    (void)state;
    altroot_tls_server *srv = server_from("tls/leaf.pem", "tls/leaf.key");
    altroot_verdict v;
    assert_ok(run(srv, AF_INET, "localhost", NOW + DAY * 365 * 200, &v));
    assert_int_equal(v.decision, ALTROOT_DECISION_UNTRUSTED);
    assert_true(altroot_failures_has(&v.failures, ALTROOT_E_CERT_EXPIRED));
    altroot_verdict_clear(&v);
    assert_ok(run(srv, AF_INET, "localhost", NOW - 365 * DAY, &v));
    assert_int_equal(v.decision, ALTROOT_DECISION_UNTRUSTED);
    assert_true(altroot_failures_has(&v.failures, ALTROOT_E_CERT_NOT_YET_VALID));
    altroot_verdict_clear(&v);
    altroot_tls_server_free(srv);
}

static void ipv6_loopback(void **state)
{
    (void)state;
    altroot_tls_server *srv = server_from("tls/self-signed.pem", "tls/self-signed.key");
    altroot_verdict v;
    assert_ok(run(srv, AF_INET6, "::1", NOW, &v));
    assert_true(v.tls);
    assert_non_null(strstr(v.address, "[::1]:"));
    assert_int_equal(v.cert_class, 3);
    altroot_verdict_clear(&v);
    altroot_tls_server_free(srv);
}

static void plain_http_is_class_0(void **state)
{
    (void)state;
    altroot_verdict v;
    assert_ok(run(NULL, AF_INET, "127.0.0.1", NOW, &v));
    assert_false(v.tls);
    assert_int_equal(v.cert_class, 0);
    assert_int_equal(v.decision, ALTROOT_DECISION_UNTRUSTED);
    assert_true(altroot_failures_has(&v.failures, ALTROOT_E_NOT_TLS));
    altroot_verdict_clear(&v);
}

/* A TCP socket bound to a free loopback port, whose address goes to *sa. */
static int bound_loopback_socket(struct sockaddr_in *sa)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    *sa = (struct sockaddr_in){.sin_family = AF_INET};
    sa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof *sa;
    assert_int_equal(bind(fd, (struct sockaddr *)sa, sizeof *sa), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)sa, &len), 0);
    return fd;
}

/* altroot_connect to the loopback address `sa` fails with `code`, which the verdict records; no
 * TLS session was established. */
static void expect_connect_error(const struct sockaddr_in *sa, int timeout_ms, altroot_err code)
{
    char url[64];
    snprintf(url, sizeof url, "https://127.0.0.1:%u/", (unsigned)ntohs(sa->sin_port));
    altroot_connect_options o = {.store = g_store, .at = NOW, .timeout_ms = timeout_ms};
    altroot_verdict v;
    altroot_verdict_init(&v);
    assert_int_equal(altroot_connect(url, &o, &v), code);
    assert_true(altroot_failures_has(&v.failures, code));
    assert_false(v.tls);
    altroot_verdict_clear(&v);
}

static void refused_port_is_unreachable(void **state)
{
    (void)state;
    struct sockaddr_in sa;
    close(bound_loopback_socket(&sa)); /* nobody listens there now */
    expect_connect_error(&sa, 2000, ALTROOT_E_CONNECT);
    altroot_connect_options o = {.store = g_store, .at = NOW, .timeout_ms = 2000};
    altroot_verdict v;
    altroot_verdict_init(&v);
    assert_int_equal(altroot_connect("https://nonexistent.invalid/", &o, &v), ALTROOT_E_RESOLVE);
    altroot_verdict_clear(&v);
    altroot_verdict_init(&v);
    assert_int_equal(altroot_connect("http://x/", &o, &v), ALTROOT_E_URL);
    altroot_verdict_clear(&v);
}

/* A peer that answers the ClientHello with a well-formed record header and then one byte every
 * 100 ms: each byte comes well inside the timeout, so only a deadline on the whole handshake
 * stops it (the 261 bytes take 26 s; a per-read timeout would end in a handshake error). */
static void *dribble(void *arg)
{
    int lfd = *(int *)arg;
    int c = accept(lfd, NULL, NULL);
    if (c < 0)
        return NULL;
    char hello[2048];
    (void)recv(c, hello, sizeof hello, 0);
    static const unsigned char header[] = {0x16, 0x03, 0x03, 0x01, 0x00}; /* handshake, 256 B */
    for (size_t i = 0; i < sizeof header + 256; i++) {
        unsigned char byte = i < sizeof header ? header[i] : 0x02;
        if (send(c, &byte, 1, MSG_NOSIGNAL) != 1)
            break; /* the client gave up */
        usleep(100 * 1000);
    }
    close(c);
    return NULL;
}

static void dribbling_peer_meets_the_deadline(void **state)
{
    (void)state;
    struct sockaddr_in sa;
    int lfd = bound_loopback_socket(&sa);
    assert_int_equal(listen(lfd, 1), 0);
    pthread_t peer;
    assert_int_equal(pthread_create(&peer, NULL, dribble, &lfd), 0);
    expect_connect_error(&sa, 1000, ALTROOT_E_TIMEOUT);
    assert_int_equal(pthread_join(peer, NULL), 0);
    close(lfd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(local_ca_by_name_and_by_ip),
        cmocka_unit_test(self_signed_is_class_3),
        cmocka_unit_test(wrong_name_under_local_ca),
        cmocka_unit_test(expired_and_not_yet_valid_by_time),
        cmocka_unit_test(ipv6_loopback),
        cmocka_unit_test(plain_http_is_class_0),
        cmocka_unit_test(refused_port_is_unreachable),
        cmocka_unit_test(dribbling_peer_meets_the_deadline),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
