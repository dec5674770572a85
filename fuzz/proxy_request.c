/* Fuzz target: the request-head parser of altroot-browser's loopback proxy
 * (browser/proxy_request.c), with the read rule the proxy stops on and the URL it judges. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include <altroot/tls.h>

#include "../browser/proxy_request.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool has_end_before(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i + 4 <= n; i++)
        if (memcmp(p + i, "\r\n\r\n", 4) == 0)
            return true;
    return false;
}

/* The tunnel the proxy judges is the host and port the request named, nothing else. */
static void check_url(const ab_connect_request *req)
{
    char url[AB_CONNECT_URL_MAX];
    if (!ab_connect_request_url(req, url, sizeof url))
        __builtin_trap();
    altroot_url u = {0};
    if (altroot_url_parse(url, &u) != ALTROOT_OK)
        return; /* the proxy answers 400 */
    size_t n = strlen(req->host);
    if (n > 1 && !req->bracketed && req->host[n - 1] == '.')
        n--; /* the absolute form of a name is the same host */
    if (u.port != req->port || strlen(u.host) != n || strncasecmp(u.host, req->host, n) != 0 ||
        strcmp(u.path, "/") != 0 || (req->bracketed && !u.host_is_ip))
        __builtin_trap();
    altroot_url_clear(&u);
}

static void check_accepted(const ab_connect_request *req, const uint8_t *data, size_t size)
{
    size_t n = req->head_len;
    if (req->status != 0 || n < 4 || n > size || n > AB_CONNECT_HEAD_MAX || req->port == 0 ||
        memcmp(data + n - 4, "\r\n\r\n", 4) != 0 || has_end_before(data, n - 1))
        __builtin_trap();
    size_t h = strlen(req->host);
    if (h == 0 || h > AB_CONNECT_HOST_MAX)
        __builtin_trap();
    for (size_t i = 0; i < h; i++)
        if (strchr("/?#@[]: \t\r\n", req->host[i]) != NULL &&
            !(req->bracketed && req->host[i] == ':'))
            __builtin_trap();
    check_url(req);
    /* The credential kept is the value as sent, within the limit, and it matches itself only. */
    if (req->auth_len > AB_CONNECT_AUTH_MAX || strlen(req->auth) != req->auth_len)
        __builtin_trap();
    if (req->auth_len > 0 && !ab_connect_request_authorized(req, req->auth))
        __builtin_trap();
    if (strcmp(req->auth, "Basic x") != 0 && ab_connect_request_authorized(req, "Basic x"))
        __builtin_trap();
}

/* The proxy reads a byte at a time until ab_connect_request_ended(); what it parses then must
 * be an answer (never E_TRUNCATED), the same answer the whole input gives, and an accepted head
 * must end exactly where the proxy stopped reading (no byte of the tunnel consumed). */
static void check_reader(const uint8_t *data, size_t size, altroot_err whole_err,
                         const ab_connect_request *whole)
{
    size_t n = 0;
    while (n < size && !ab_connect_request_ended((altroot_span){data, n}))
        n++;
    if (!ab_connect_request_ended((altroot_span){data, n})) {
        if (whole_err == ALTROOT_OK)
            __builtin_trap(); /* an accepted head the proxy would wait past */
        return;
    }
    ab_connect_request req;
    altroot_err err = ab_connect_request_parse((altroot_span){data, n}, &req);
    if (err == ALTROOT_E_TRUNCATED || err != whole_err || req.status != whole->status)
        __builtin_trap();
    if (err == ALTROOT_OK && (req.head_len != n || whole->head_len != n ||
                              req.port != whole->port || strcmp(req.host, whole->host) != 0))
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ab_connect_request req;
    altroot_err err = ab_connect_request_parse((altroot_span){data, size}, &req);
    if (err == ALTROOT_OK) {
        check_accepted(&req, data, size);
    } else if (err == ALTROOT_E_TRUNCATED) {
        if (size >= AB_CONNECT_HEAD_MAX || req.status != 0)
            __builtin_trap();
    } else if (req.status != 400 && req.status != 403 && req.status != 431 && req.status != 505) {
        __builtin_trap();
    }
    check_reader(data, size, err, &req);
    return 0;
}
