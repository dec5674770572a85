/* Fuzz target: the HTTP/1.1 request-head parser of `altroot serve` (server/http_request.c). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../server/http_request.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_accepted(const http_request *req, size_t size)
{
    /* An accepted head fits the limits and its path can be joined to a root safely. */
    if (req->status != 0 || req->head_len == 0 || req->head_len > size ||
        req->head_len > HTTP_MAX_HEAD || req->path[0] != '/' ||
        strlen(req->path) != req->path_len || strstr(req->path, "/../") != NULL ||
        strstr(req->path, "/./") != NULL || strstr(req->path, "//") != NULL ||
        strchr(req->path, '\\') != NULL)
        __builtin_trap();
    size_t n = req->path_len;
    if ((n >= 3 && memcmp(req->path + n - 3, "/..", 3) == 0) ||
        (n >= 2 && memcmp(req->path + n - 2, "/.", 2) == 0))
        __builtin_trap();
    for (size_t i = 0; i < n; i++)
        if ((uint8_t)req->path[i] < 0x20 || req->path[i] == 0x7f)
            __builtin_trap();
}

/* The trickle check never holds back an answer: the head arrives in pieces of a size the input
 * chooses, and whenever the check says parsing is not worth it, parsing that prefix must give
 * E_TRUNCATED (otherwise the client would wait for the deadline). */
static void check_trickle(const uint8_t *data, size_t size)
{
    if (size == 0 || size > HTTP_MAX_HEAD + 64)
        return;
    /* At most 16 pieces (each costs a parse), of a size the input chooses below that. */
    size_t step = 1 + data[0] % 64;
    if (size / step > 16)
        step = size / 16 + 1;
    http_scan scan = {0, 0};
    for (size_t len = step < size ? step : size;; len = len + step < size ? len + step : size) {
        altroot_span prefix = {data, len};
        http_request req;
        bool worth = http_request_worth_parsing(prefix, &scan);
        altroot_err err = http_request_parse(prefix, &req);
        if (!worth && err != ALTROOT_E_TRUNCATED)
            __builtin_trap();
        if (err != ALTROOT_E_TRUNCATED || len == size)
            break; /* the server answers here */
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    http_request req;
    altroot_span in = {data, size};
    altroot_err err = http_request_parse(in, &req);
    if (err == ALTROOT_OK) {
        check_accepted(&req, size);
    } else if (err == ALTROOT_E_TRUNCATED) {
        if (size >= HTTP_MAX_HEAD || req.status != 0)
            __builtin_trap();
    } else if (req.status != 400 && req.status != 405 && req.status != 413 && req.status != 414 &&
               req.status != 431 && req.status != 505) {
        __builtin_trap();
    }
    check_trickle(data, size);
    return 0;
}
