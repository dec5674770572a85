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

/* Read until the peer closes; the bytes read go to `out` (NUL-terminated). */
static void read_all(altroot_tls *t, char *out, size_t cap)
{
    size_t len = 0, got = 0;
    while (len + 1 < cap && altroot_tls_read(t, out + len, cap - 1 - len, &got) == ALTROOT_OK &&
           got > 0)
        len += got;
    out[len] = '\0';
}

/* The session altroot_connect_session() hands over is the judged connection: its verdict names
 * the leaf it received, and the page read over it is the judged server's. */
static void connect_session_keeps_the_judged_connection(void **state)
{
    (void)state;
    altroot_tls_server *srv = server_from("tls/leaf.pem", "tls/leaf.key");
    loopback lb;
    assert_ok(loopback_start(&lb, srv, "judged page", AF_INET));
    char url[64];
    snprintf(url, sizeof url, "https://localhost:%u/", (unsigned)lb.port);
    altroot_connect_options o = {.store = g_store, .at = NOW, .timeout_ms = 3000};
    altroot_verdict v;
    altroot_verdict_init(&v);
    altroot_tls *tls = NULL;
    int fd = -1;
    assert_ok(altroot_connect_session(url, &o, &v, &tls, &fd));
    assert_int_equal(v.decision, ALTROOT_DECISION_TRUSTED);
    assert_non_null(tls);
    assert_true(fd >= 0);
    altroot_certs *chain = NULL;
    assert_ok(altroot_tls_peer_chain(tls, &chain));
    char hex[65];
    uint8_t d[32];
    altroot_cert_sha256(altroot_certs_get(chain, 0), d);
    for (size_t i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
    assert_string_equal(hex, v.leaf.sha256);
    altroot_certs_free(chain);
    assert_ok(altroot_tls_write(tls, "GET / HTTP/1.1\r\n\r\n", 18));
    char page[1024];
    read_all(tls, page, sizeof page);
    assert_non_null(strstr(page, "judged page"));
    altroot_tls_free(tls);
    close(fd);
    altroot_verdict_clear(&v);
    /* No session, no socket: a peer that does not speak TLS, and one that is not there. */
    loopback_stop(&lb);
    assert_ok(loopback_start(&lb, NULL, "plain", AF_INET));
    snprintf(url, sizeof url, "https://127.0.0.1:%u/", (unsigned)lb.port);
    altroot_verdict_init(&v);
    assert_ok(altroot_connect_session(url, &o, &v, &tls, &fd));
    assert_null(tls);
    assert_int_equal(fd, -1);
    assert_true(altroot_failures_has(&v.failures, ALTROOT_E_NOT_TLS));
    altroot_verdict_clear(&v);
    loopback_stop(&lb);
    altroot_tls_server_free(srv);
}

typedef struct relay_client {
    int fd;
    const char *request;
    char reply[8192];
} relay_client;

/* The browser's side of a relay: a TLS client that sends a request and reads to the end. */
static void *relay_client_run(void *arg)
{
    relay_client *c = arg;
    altroot_tls *t = NULL;
    c->reply[0] = '\0';
    if (altroot_tls_connect(c->fd, NULL, 3000, &t, NULL) != ALTROOT_OK)
        return NULL;
    if (altroot_tls_write(t, c->request, strlen(c->request)) == ALTROOT_OK)
        read_all(t, c->reply, sizeof c->reply);
    altroot_tls_free(t);
    return NULL;
}

/* A request goes from the client's session to the server's unchanged, and the reply back; the
 * relay ends when the server closes, and an idle pair ends with E_TIMEOUT. */
static void relay_carries_bytes_both_ways(void **state)
{
    (void)state;
    altroot_tls_server *dev = server_from("tls/leaf.pem", "tls/leaf.key");
    altroot_tls_server *front = server_for_name("localhost");
    loopback lb;
    char body[3000];
    memset(body, 'x', sizeof body - 1); /* more than one small read */
    body[sizeof body - 1] = '\0';
    assert_ok(loopback_start(&lb, dev, body, AF_INET));
    char url[64];
    snprintf(url, sizeof url, "https://localhost:%u/", (unsigned)lb.port);
    altroot_connect_options o = {.store = g_store, .at = NOW, .timeout_ms = 3000};
    altroot_verdict v;
    altroot_verdict_init(&v);
    altroot_tls *up = NULL, *down = NULL;
    int upfd = -1, sp[2];
    assert_ok(altroot_connect_session(url, &o, &v, &up, &upfd));
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sp), 0);
    relay_client c = {.fd = sp[0], .request = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, relay_client_run, &c), 0);
    assert_ok(altroot_tls_accept(front, sp[1], 3000, &down));
    assert_ok(altroot_tls_relay(down, up, 3000));
    altroot_tls_free(down);
    close(sp[1]);
    assert_int_equal(pthread_join(th, NULL), 0);
    close(sp[0]);
    assert_non_null(strstr(c.reply, "HTTP/1.1 200 OK"));
    assert_non_null(strstr(c.reply, body));
    altroot_tls_free(up);
    close(upfd);
    altroot_verdict_clear(&v);
    loopback_stop(&lb);
    /* Two sessions where nobody sends: the relay gives up after its idle time. */
    int a[2], b[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, a), 0);
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, b), 0);
    relay_client quiet = {.fd = a[0], .request = ""};
    assert_int_equal(pthread_create(&th, NULL, relay_client_run, &quiet), 0);
    altroot_tls *s1 = NULL;
    assert_ok(altroot_tls_accept(front, a[1], 3000, &s1));
    relay_client quiet2 = {.fd = b[0], .request = ""};
    pthread_t th2;
    assert_int_equal(pthread_create(&th2, NULL, relay_client_run, &quiet2), 0);
    altroot_tls *s2 = NULL;
    assert_ok(altroot_tls_accept(front, b[1], 3000, &s2));
    assert_int_equal(altroot_tls_relay(s1, s2, 200), ALTROOT_E_TIMEOUT);
    altroot_tls_free(s1);
    altroot_tls_free(s2);
    shutdown(a[1], SHUT_RDWR);
    shutdown(b[1], SHUT_RDWR);
    assert_int_equal(pthread_join(th, NULL), 0);
    assert_int_equal(pthread_join(th2, NULL), 0);
    for (int i = 0; i < 2; i++) {
        close(a[i]);
        close(b[i]);
    }
    altroot_tls_server_free(front);
    altroot_tls_server_free(dev);
}

/* A connected pair of loopback TCP sockets (an RST needs TCP). */
static void tcp_pair(int sv[2])
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof sa;
    int l = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(l >= 0);
    assert_int_equal(bind(l, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(listen(l, 1), 0);
    assert_int_equal(getsockname(l, (struct sockaddr *)&sa, &len), 0);
    sv[1] = socket(AF_INET, SOCK_STREAM, 0);
    assert_int_equal(connect(sv[1], (struct sockaddr *)&sa, sizeof sa), 0);
    sv[0] = accept(l, NULL, NULL);
    assert_true(sv[0] >= 0);
    close(l);
}

static const char PARTIAL_PAGE[] = "HTTP/1.0 200 OK\r\n\r\npart of the page";

typedef struct cut_device {
    altroot_tls_server *srv;
    int fd;
    bool reset; /* an RST instead of a FIN */
} cut_device;

/* A device that sends part of a page and then loses its connection without close_notify, as a
 * network attacker who injects a FIN or an RST makes it look. */
static void *cut_device_run(void *arg)
{
    cut_device *d = arg;
    altroot_tls *t = NULL;
    if (altroot_tls_accept(d->srv, d->fd, 3000, &t) != ALTROOT_OK)
        return NULL;
    char req[256];
    size_t got = 0;
    bool sent = altroot_tls_read(t, req, sizeof req, &got) == ALTROOT_OK &&
                altroot_tls_write(t, PARTIAL_PAGE, strlen(PARTIAL_PAGE)) == ALTROOT_OK;
    if (sent && d->reset) {
        struct linger l = {.l_onoff = 1, .l_linger = 0};
        (void)setsockopt(d->fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
        close(d->fd); /* an RST */
        d->fd = -1;
    } else {
        (void)shutdown(d->fd, SHUT_RDWR);
    }
    altroot_tls_free(t);
    return NULL;
}

typedef struct end_client {
    int fd;
    altroot_err end; /* how the last read ended: OK for close_notify */
    char reply[512];
} end_client;

static void *end_client_run(void *arg)
{
    end_client *c = arg;
    altroot_tls *t = NULL;
    c->end = ALTROOT_E_INTERNAL;
    if (altroot_tls_connect(c->fd, NULL, 3000, &t, NULL) != ALTROOT_OK)
        return NULL;
    size_t len = 0, got = 0;
    static const char get[] = "GET / HTTP/1.0\r\n\r\n";
    c->end = altroot_tls_write(t, get, strlen(get));
    while (c->end == ALTROOT_OK && len + 1 < sizeof c->reply) {
        c->end = altroot_tls_read(t, c->reply + len, sizeof c->reply - 1 - len, &got);
        if (c->end != ALTROOT_OK || got == 0)
            break;
        len += got;
    }
    c->reply[len] = '\0';
    altroot_tls_free(t);
    return NULL;
}

/* A relayed connection that the device side loses without close_notify (a FIN or an RST that
 * anyone on the path can send) must not reach the browser as a clean close: a page delimited by
 * the end of the connection would otherwise be accepted cut short. */
static void relay_passes_on_no_close_it_did_not_receive(void **state)
{
    (void)state;
    altroot_tls_server *dev = server_from("tls/leaf.pem", "tls/leaf.key");
    altroot_tls_server *front = server_for_name("localhost");
    for (int reset = 0; reset < 2; reset++) {
        int a[2], b[2];
        assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, a), 0);
        tcp_pair(b);
        cut_device d = {.srv = dev, .fd = b[0], .reset = reset != 0};
        end_client c = {.fd = a[0]};
        pthread_t td, tc;
        assert_int_equal(pthread_create(&td, NULL, cut_device_run, &d), 0);
        assert_int_equal(pthread_create(&tc, NULL, end_client_run, &c), 0);
        altroot_tls *up = NULL, *down = NULL;
        assert_ok(altroot_tls_connect(b[1], NULL, 3000, &up, NULL));
        assert_ok(altroot_tls_accept(front, a[1], 3000, &down));
        assert_int_not_equal(altroot_tls_relay(down, up, 3000), ALTROOT_OK);
        altroot_tls_free(down);
        altroot_tls_free(up);
        close(a[1]);
        close(b[1]);
        assert_int_equal(pthread_join(td, NULL), 0);
        assert_int_equal(pthread_join(tc, NULL), 0);
        /* After an RST the relay may lose what the device sent last; after a FIN it has it. */
        assert_true(reset || strstr(c.reply, "part of the page") != NULL);
        assert_int_equal(c.end, ALTROOT_E_IO); /* not the clean close of a complete page */
        close(a[0]);
        if (d.fd >= 0)
            close(d.fd);
    }
    altroot_tls_server_free(front);
    altroot_tls_server_free(dev);
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
        cmocka_unit_test(connect_session_keeps_the_judged_connection),
        cmocka_unit_test(relay_carries_bytes_both_ways),
        cmocka_unit_test(relay_passes_on_no_close_it_did_not_receive),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
