/*
 * The request head the browser's loopback proxy reads before each tunnel: a CONNECT in
 * authority-form (RFC 9110 9.3.6, RFC 9112 3.2.3), parsed strictly within fixed limits. Any
 * local process can send it, so it is untrusted input: the parser reads through altroot_cursor,
 * never allocates and depends on nothing but libaltroot's core (no GLib), and it is a fuzz target
 * (fuzz/proxy_request.c).
 */
#ifndef ALTROOT_BROWSER_PROXY_REQUEST_H
#define ALTROOT_BROWSER_PROXY_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <altroot/buf.h>
#include <altroot/error.h>
#include <altroot/export.h>

/* The whole head, final empty line included; a longer one gets 431. */
#define AB_CONNECT_HEAD_MAX 8192
/* Field lines after the request line; more get 431. */
#define AB_CONNECT_FIELDS_MAX 64
/* The host of the target, without brackets (a DNS name's limit). */
#define AB_CONNECT_HOST_MAX 253
/* The value of Proxy-Authorization, as sent; a longer one gets 400. */
#define AB_CONNECT_AUTH_MAX 256
/* "https://[" host "]:" port "/" and its NUL. */
#define AB_CONNECT_URL_MAX (AB_CONNECT_HOST_MAX + 20)

typedef struct ab_connect_request {
    char host[AB_CONNECT_HOST_MAX + 1]; /* NUL-terminated, as sent, without brackets */
    bool bracketed;                     /* the host was an IP-literal: "[" ... "]" */
    uint16_t port;                      /* 1 to 65535 */
    size_t head_len;                    /* bytes of the head, final empty line included */
    char
        auth[AB_CONNECT_AUTH_MAX + 1]; /* Proxy-Authorization's value, NUL-terminated; "" if none */
    size_t auth_len;                   /* its length */
    int status;                        /* on error: the proxy's answer (400, 403, 431, 505) */
} ab_connect_request;

/* Parse the request head at the start of `in` into `req` (overwritten in every case). OK: a
 * complete CONNECT head of req->head_len bytes naming host and port. E_TRUNCATED: no error so
 * far, more bytes are needed, and `in` is shorter than AB_CONNECT_HEAD_MAX. Any other code: the
 * request is refused with req->status, and the connection closed after that answer:
 * 403 for a method other than CONNECT (the proxy carries nothing but tunnels), 505 for an HTTP
 * major version other than 1, 431 for a head over the limits, and 400 for the rest (a target not
 * in authority-form, a missing or bad port, bare CR or LF, obs-fold, no or repeated Host in
 * HTTP/1.1, a repeated or overlong Proxy-Authorization, request content). */
ALTROOT_MUST_CHECK altroot_err ab_connect_request_parse(altroot_span in, ab_connect_request *req);

/* Whether the proxy, which reads the head a byte at a time so that it never consumes a byte of
 * the tunnel, has read enough of it to answer: the last byte ended the head (CRLF CRLF), was a
 * bare LF or followed a bare CR (both refused at once), or the head reached its limit. Once this
 * says true, ab_connect_request_parse() on the same bytes never gives E_TRUNCATED. */
bool ab_connect_request_ended(altroot_span in);

/* Whether the head carried exactly `expected` as its Proxy-Authorization value (RFC 9110 11.7.1),
 * compared in time that depends only on the length of `expected`, never on where the two first
 * differ: the proxy's per-run secret is what it guards. */
bool ab_connect_request_authorized(const ab_connect_request *req, const char *expected);

/* The URL the proxy judges, "https://HOST:PORT/" ("[HOST]" when bracketed), into `out` of
 * `cap` bytes; false when it does not fit. */
bool ab_connect_request_url(const ab_connect_request *req, char *out, size_t cap);

#endif
