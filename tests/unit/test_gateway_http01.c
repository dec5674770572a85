/* http-01 validation against a one-shot HTTP responder on loopback. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http01.h"
#include "testutil.h"

#define KA "tok1.NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"

typedef struct responder {
    int fd;
    const char *response; /* NULL: accept and never answer */
    char request[2048];
} responder;

static void *serve_one(void *arg)
{
    responder *r = arg;
    int c = accept(r->fd, NULL, NULL);
    if (c < 0)
        return NULL;
    size_t got = 0;
    while (got < sizeof r->request - 1 && strstr(r->request, "\r\n\r\n") == NULL) {
        ssize_t n = read(c, r->request + got, sizeof r->request - 1 - got);
        if (n <= 0)
            break;
        got += (size_t)n;
        r->request[got] = '\0';
    }
    if (r->response != NULL) {
        ssize_t w = write(c, r->response, strlen(r->response));
        (void)w;
    } else {
        sleep(1);
    }
    close(c);
    return NULL;
}

static int listen_loopback(char addr[32])
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(listen(fd, 4), 0);
    socklen_t len = sizeof sa;
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
    snprintf(addr, 32, "127.0.0.1:%u", (unsigned)ntohs(sa.sin_port));
    return fd;
}

/* Validate against a responder that answers `response`; the request it saw is kept. */
static altroot_err run(const char *response, responder *r)
{
    memset(r, 0, sizeof *r);
    char addr[32];
    r->fd = listen_loopback(addr);
    r->response = response;
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, serve_one, r), 0);
    altroot_gw_http01 c = {.name = "dev1.abc.home.arpa",
                           .token = "tok1",
                           .key_authorization = KA,
                           .connect_to = addr,
                           .timeout_ms = 300};
    altroot_err err = altroot_gw_http01_validate(&c);
    pthread_join(t, NULL);
    close(r->fd);
    return err;
}

static void accepts_the_key_authorization(void **state)
{
    (void)state;
    responder r;
    assert_ok(
        run("HTTP/1.1 200 OK\r\nContent-Length: 49\r\nConnection: close\r\n\r\n" KA "\n", &r));
    assert_non_null(strstr(r.request, "GET /.well-known/acme-challenge/tok1 HTTP/1.1\r\n"));
    assert_non_null(strstr(r.request, "\r\nHost: dev1.abc.home.arpa\r\n"));
}

static void refuses_everything_else(void **state)
{
    (void)state;
    responder r;
    assert_int_equal(run("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\ntok1.other", &r),
                     ALTROOT_E_GATEWAY_CHALLENGE_RESPONSE);
    assert_int_equal(run("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" KA "x", &r),
                     ALTROOT_E_GATEWAY_CHALLENGE_RESPONSE);
    assert_int_equal(run("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n", &r),
                     ALTROOT_E_GATEWAY_CHALLENGE_RESPONSE);
    assert_int_equal(run("HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n" KA, &r),
                     ALTROOT_E_GATEWAY_CHALLENGE_CONNECT);
    /* A redirect is not followed, even to a place that would answer. */
    assert_int_equal(run("HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1/\r\n"
                         "Connection: close\r\n\r\n",
                         &r),
                     ALTROOT_E_GATEWAY_CHALLENGE_CONNECT);
    static char big[4096];
    memset(big, 0, sizeof big);
    snprintf(big, sizeof big, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n%s", KA);
    memset(big + strlen(big), ' ', 2000);
    assert_int_equal(run(big, &r), ALTROOT_E_GATEWAY_CHALLENGE_CONNECT);
    assert_int_equal(run(NULL, &r), ALTROOT_E_GATEWAY_CHALLENGE_CONNECT); /* timeout */
}

static void refuses_unreachable_and_unsafe(void **state)
{
    (void)state;
    char addr[32];
    int fd = listen_loopback(addr);
    close(fd); /* nothing listens there now */
    altroot_gw_http01 c = {.name = "dev1.abc.home.arpa",
                           .token = "tok1",
                           .key_authorization = KA,
                           .connect_to = addr,
                           .timeout_ms = 300};
    assert_int_equal(altroot_gw_http01_validate(&c), ALTROOT_E_GATEWAY_CHALLENGE_CONNECT);
    c.token = "../x";
    assert_int_equal(altroot_gw_http01_validate(&c), ALTROOT_E_ARG);
    c.token = "tok1";
    c.name = "dev1.abc.home.arpa/evil";
    assert_int_equal(altroot_gw_http01_validate(&c), ALTROOT_E_ARG);
    c.name = "user@dev1";
    assert_int_equal(altroot_gw_http01_validate(&c), ALTROOT_E_ARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(accepts_the_key_authorization),
        cmocka_unit_test(refuses_everything_else),
        cmocka_unit_test(refuses_unreachable_and_unsafe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
