/*
 * HTTP/1.1 request heads (RFC 9112), parsed strictly and within fixed limits. Only what a static
 * file server needs: GET and HEAD in origin-form, no request content. The parser reads untrusted
 * bytes through altroot_cursor and never allocates; it is a fuzz target (fuzz/http_request.c).
 */
#ifndef ALTROOT_SERVER_HTTP_REQUEST_H
#define ALTROOT_SERVER_HTTP_REQUEST_H

#include <stdbool.h>
#include <stddef.h>

#include <altroot/buf.h>
#include <altroot/error.h>
#include <altroot/export.h>

/* Limits: a longer request line gets 414, a longer head or more fields 431. */
#define HTTP_MAX_REQUEST_LINE 4096
#define HTTP_MAX_FIELD_LINE 8192
#define HTTP_MAX_FIELDS 64
#define HTTP_MAX_HEAD 16384

typedef enum http_method {
    HTTP_GET = 1,
    HTTP_HEAD = 2,
} http_method;

typedef struct http_request {
    http_method method;
    int version_minor;                /* HTTP/1.0 or HTTP/1.1 */
    char path[HTTP_MAX_REQUEST_LINE]; /* percent-decoded, NUL-terminated, starts with '/' */
    size_t path_len;
    bool query_format_json; /* the query holds the parameter format=json */
    bool accept_json;       /* Accept names application/json */
    bool keep_alive;        /* HTTP/1.1 without "Connection: close" */
    size_t head_len;        /* bytes of the head, final empty line included */
    int status;             /* on error: the response status (400, 405, 413, 414, 431, 505) */
} http_request;

/* Parse the request head at the start of `in` into `req`. OK: a complete, acceptable head of
 * req->head_len bytes. E_TRUNCATED: no error so far, more bytes are needed (and `in` is within
 * the limits). Any other code: the request is rejected with req->status; the connection must be
 * closed after the response. `req` is overwritten in every case. */
ALTROOT_MUST_CHECK altroot_err http_request_parse(altroot_span in, http_request *req);

/* What the trickle check has seen of the buffered head so far; zero it for a new head. */
typedef struct http_scan {
    size_t scanned;    /* bytes already looked at */
    size_t line_start; /* offset of the line not yet ended */
} http_scan;

/* Whether parsing is worth trying again now that the buffered head is `in` (it only grows, from
 * what `scan` saw): a new line ended, a CR got the byte after it (a bare CR is an error to answer
 * now), the line not yet ended grew past a line limit, or the head reached its limit. Parsing any
 * prefix for which this says false gives E_TRUNCATED, so nothing is left waiting for the
 * deadline; and a byte-by-byte trickle does not cost a full parse per byte. */
bool http_request_worth_parsing(altroot_span in, http_scan *scan);

#endif
