/* The libcurl helper and the SSL_CTX hook, from small client programs, against in-process
 * loopback servers: only a trusted device's bytes reach the caller. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <curl/curl.h>
#include <openssl/ssl.h>

#include "../../tools/altroot/loopback.h"
#include "testutil.h"

static const altroot_time NOW = 1798761600; /* 2027-01-01; the fixtures are valid 2026..2126 */
static altroot_trust_store *g_store;

static int setup(void **state)
{
    (void)state;
    signal(SIGPIPE, SIG_IGN);
    altroot_trust_options o = {NULL, ""};
    altroot_bytes ca = ALTROOT_BYTES_INIT;
    if (altroot_trust_store_load(&o, &g_store) != ALTROOT_OK ||
        altroot_bytes_read_file(&ca, testutil_data("tls/local-ca.pem"), 1 << 16) != ALTROOT_OK ||
        altroot_trust_store_add(g_store, ALTROOT_ANCHOR_LOCAL_CA, "home",
                                altroot_bytes_span(&ca)) != ALTROOT_OK)
        return -1;
    altroot_bytes_clear(&ca);
    return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    altroot_trust_store_free(g_store);
    curl_global_cleanup();
    return 0;
}

static altroot_tls_server *server(const char *cert, const char *key)
{
    altroot_certs *chain = NULL;
    altroot_bytes k = ALTROOT_BYTES_INIT;
    altroot_key *pk = NULL;
    altroot_tls_server *s = NULL;
    assert_ok(altroot_certs_new(&chain));
    assert_ok(altroot_certs_load_file(chain, testutil_data(cert)));
    assert_ok(altroot_bytes_read_file(&k, testutil_data(key), 1 << 16));
    assert_ok(altroot_key_parse_private(altroot_bytes_span(&k), &pk));
    assert_ok(altroot_tls_server_new(chain, pk, &s));
    altroot_bytes_clear(&k);
    altroot_key_free(pk);
    altroot_certs_free(chain);
    return s;
}

typedef struct sink {
    char buf[256];
    size_t len;
} sink;

static size_t collect(char *p, size_t size, size_t n, void *ud)
{
    sink *s = ud;
    size_t k = size * n;
    if (k > sizeof s->buf - 1 - s->len)
        k = sizeof s->buf - 1 - s->len;
    memcpy(s->buf + s->len, p, k);
    s->len += k;
    s->buf[s->len] = '\0';
    return size * n;
}

static CURLcode fetch(uint16_t port, const char *host, altroot_verdict *v, sink *body)
{
    char url[128];
    snprintf(url, sizeof url, "https://%s:%u/", host, (unsigned)port);
    altroot_curl_hook hook = {.cfg = {.store = g_store, .at = NOW, .host = host}, .verdict = v};
    CURL *c = curl_easy_init();
    assert_non_null(c);
    assert_ok(altroot_curl_install(c, &hook));
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, body);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 5000L);
    CURLcode r = curl_easy_perform(c);
    curl_easy_cleanup(c);
    return r;
}

static void curl_trusted_device_is_read(void **state)
{
    (void)state;
    altroot_tls_server *srv = server("tls/leaf.pem", "tls/leaf.key");
    loopback lb;
    assert_ok(loopback_start(&lb, srv, "kettle ready", AF_INET));
    altroot_verdict v;
    sink body = {{0}, 0};
    altroot_verdict_init(&v);
    assert_int_equal(fetch(lb.port, "localhost", &v, &body), CURLE_OK);
    assert_int_equal(v.decision, ALTROOT_DECISION_TRUSTED);
    assert_int_equal(v.rule, 3);
    assert_string_equal(body.buf, "kettle ready");
    altroot_verdict_clear(&v);
    loopback_stop(&lb);
    altroot_tls_server_free(srv);
}

static void curl_untrusted_device_is_not_read(void **state)
{
    (void)state;
    altroot_tls_server *srv = server("tls/self-signed.pem", "tls/self-signed.key");
    loopback lb;
    assert_ok(loopback_start(&lb, srv, "secret", AF_INET));
    altroot_verdict v;
    sink body = {{0}, 0};
    altroot_verdict_init(&v);
    CURLcode r = fetch(lb.port, "127.0.0.1", &v, &body);
    assert_int_not_equal(r, CURLE_OK);
    assert_int_equal(v.decision, ALTROOT_DECISION_UNTRUSTED);
    assert_int_equal(v.cert_class, 3);
    assert_int_equal(body.len, 0);
    altroot_verdict_clear(&v);
    loopback_stop(&lb);
    altroot_tls_server_free(srv);
}

/* One handshake of a plain OpenSSL client with the SSL_CTX hook (`host` and `sni` may be NULL);
 * returns SSL_connect's result, the verdict taken into *v and OpenSSL's verify result. */
static int hook_handshake(const altroot_trust_store *store, uint16_t port, const char *host,
                          const char *sni, altroot_verdict *v, long *verify_result)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    altroot_verifier_config cfg = {.store = store, .at = NOW, .host = host};
    assert_ok(altroot_ssl_ctx_install(ctx, &cfg));
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
    sa.sin_addr.s_addr = htonl(0x7f000001);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    SSL *ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    if (sni != NULL)
        SSL_set_tlsext_host_name(ssl, sni);
    int rc = SSL_connect(ssl);
    assert_ok(altroot_ssl_take_verdict(ssl, v));
    assert_int_equal(altroot_ssl_take_verdict(ssl, v), ALTROOT_E_NOT_FOUND);
    *verify_result = SSL_get_verify_result(ssl);
    SSL_free(ssl);
    close(fd);
    SSL_CTX_free(ctx);
    return rc;
}

/* The same decision through a plain OpenSSL client with the SSL_CTX hook. */
static void ssl_ctx_hook_decides_the_handshake(void **state)
{
    (void)state;
    altroot_tls_server *good = server("tls/leaf.pem", "tls/leaf.key");
    altroot_tls_server *bad = server("tls/self-signed.pem", "tls/self-signed.key");
    altroot_tls_server *servers[] = {good, bad};
    for (int i = 0; i < 2; i++) {
        loopback lb;
        assert_ok(loopback_start(&lb, servers[i], "x", AF_INET));
        altroot_verdict v;
        altroot_verdict_init(&v);
        long verify = 0;
        int rc = hook_handshake(g_store, lb.port, "localhost", "localhost", &v, &verify);
        if (i == 0) {
            assert_int_equal(rc, 1);
            assert_int_equal(v.decision, ALTROOT_DECISION_TRUSTED);
        } else {
            assert_int_not_equal(rc, 1);
            assert_int_equal(v.decision, ALTROOT_DECISION_UNTRUSTED);
            assert_int_equal(verify, X509_V_ERR_APPLICATION_VERIFICATION);
        }
        altroot_verdict_clear(&v);
        loopback_stop(&lb);
    }
    altroot_tls_server_free(good);
    altroot_tls_server_free(bad);
}

/* With no host configured and no SNI sent, no name is checked: a chain valid under the Web PKI
 * then proves nothing about the peer, and the handshake fails (rule 7, E_NAME_MISMATCH). */
static void ssl_ctx_hook_without_a_name_trusts_nothing(void **state)
{
    (void)state;
    altroot_trust_options o = {NULL, ""};
    altroot_trust_store *webpki = NULL;
    altroot_bytes ca = ALTROOT_BYTES_INIT;
    assert_ok(altroot_trust_store_load(&o, &webpki));
    assert_ok(altroot_bytes_read_file(&ca, testutil_data("tls/local-ca.pem"), 1 << 16));
    assert_ok(
        altroot_trust_store_add(webpki, ALTROOT_ANCHOR_WEBPKI, "public", altroot_bytes_span(&ca)));
    altroot_bytes_clear(&ca);
    altroot_tls_server *srv = server("tls/leaf.pem", "tls/leaf.key");
    loopback lb;
    assert_ok(loopback_start(&lb, srv, "x", AF_INET));
    altroot_verdict v;
    altroot_verdict_init(&v);
    long verify = 0;
    assert_int_equal(hook_handshake(webpki, lb.port, "localhost", NULL, &v, &verify), 1);
    assert_int_equal(v.decision, ALTROOT_DECISION_TRUSTED);
    assert_int_equal(v.rule, 4);
    altroot_verdict_clear(&v);
    altroot_verdict_init(&v);
    assert_int_not_equal(hook_handshake(webpki, lb.port, NULL, NULL, &v, &verify), 1);
    assert_int_equal(v.decision, ALTROOT_DECISION_UNTRUSTED);
    assert_int_equal(v.rule, 7);
    assert_true(altroot_failures_has(&v.failures, ALTROOT_E_NAME_MISMATCH));
    assert_int_equal(verify, X509_V_ERR_APPLICATION_VERIFICATION);
    altroot_verdict_clear(&v);
    loopback_stop(&lb);
    altroot_tls_server_free(srv);
    altroot_trust_store_free(webpki);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(curl_trusted_device_is_read),
        cmocka_unit_test(curl_untrusted_device_is_not_read),
        cmocka_unit_test(ssl_ctx_hook_decides_the_handshake),
        cmocka_unit_test(ssl_ctx_hook_without_a_name_trusts_nothing),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
