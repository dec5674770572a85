/* Strict, bounded parser of the proxy's CONNECT request heads (RFC 9112 2-5, RFC 9110 9.3.6). */
#include <stdio.h>
#include <string.h>

#include "proxy_request.h"

#include "../src/core/guard.h"
#include "../src/core/text.h"

/* Refuse with `status`; the proxy answers it and closes. */
#define REFUSE(req, st, code)                                                                      \
    do {                                                                                           \
        (req)->status = (st);                                                                      \
        return (code);                                                                             \
    } while (0)

static bool is_digit(uint8_t b)
{
    return b >= '0' && b <= '9';
}

static bool is_alpha(uint8_t b)
{
    return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z');
}

static bool is_hex(uint8_t b)
{
    return is_digit(b) || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');
}

/* RFC 9110 5.6.2: tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" /
 * "_" / "`" / "|" / "~" / DIGIT / ALPHA */
static bool is_tchar(uint8_t b)
{
    return is_digit(b) || is_alpha(b) || (b != '\0' && strchr("!#$%&'*+-.^_`|~", b) != NULL);
}

/* RFC 9110 5.5: field-vchar = VCHAR / obs-text, and SP and HTAB inside a value. */
static bool is_field_byte(uint8_t b)
{
    return b == ' ' || b == '\t' || (b >= 0x21 && b != 0x7f);
}

static bool span_is(altroot_span s, const char *lit)
{
    size_t n = strlen(lit);
    return s.len == n && memcmp(s.ptr, lit, n) == 0;
}

/* RFC 9112 2.2: a line ends in CRLF; a bare CR or bare LF is refused, so the proxy and whatever
 * sent the head never disagree about where it ends. E_TRUNCATED: no line end yet. */
static altroot_err take_line(altroot_cursor *c, altroot_span *line)
{
    altroot_cursor probe = *c;
    size_t n = 0;
    while (altroot_cursor_remaining(&probe) > 0) {
        uint8_t b = altroot_cursor_u8(&probe);
        if (b == '\n')
            return ALTROOT_E_MALFORMED;
        if (b == '\r') {
            if (altroot_cursor_remaining(&probe) == 0)
                return ALTROOT_E_TRUNCATED;
            ENSURE(altroot_cursor_u8(&probe) == '\n', ALTROOT_E_MALFORMED);
            *line = altroot_cursor_span(c, n);
            (void)altroot_cursor_span(c, 2);
            return altroot_cursor_ok(c) ? ALTROOT_OK : ALTROOT_E_INTERNAL;
        }
        n++;
    }
    return ALTROOT_E_TRUNCATED;
}

/* port = 1*DIGIT (RFC 3986 3.2.3), here 1 to 5 digits naming 1 to 65535. */
static altroot_err parse_port(altroot_span p, uint16_t *out)
{
    ENSURE(p.len >= 1 && p.len <= 5, ALTROOT_E_MALFORMED);
    unsigned v = 0;
    for (size_t i = 0; i < p.len; i++) {
        ENSURE(is_digit(p.ptr[i]), ALTROOT_E_MALFORMED);
        v = v * 10 + (unsigned)(p.ptr[i] - '0');
    }
    ENSURE(v >= 1 && v <= 65535, ALTROOT_E_MALFORMED);
    *out = (uint16_t)v;
    return ALTROOT_OK;
}

/* uri-host = IP-literal / IPv4address / reg-name (RFC 3986 3.2.2), narrowed to what a device
 * can be named by: an IPv6 address in brackets (hex digits, ':' and '.' for an embedded IPv4;
 * no zone identifier, no IPvFuture), or letters, digits, '-', '.' and '_'. Whether the name or
 * address is well formed is then the URL parser's to say (altroot_url_parse). */
static altroot_err parse_host(altroot_span h, bool bracketed, ab_connect_request *req)
{
    ENSURE(h.len > 0 && h.len <= AB_CONNECT_HOST_MAX, ALTROOT_E_MALFORMED);
    for (size_t i = 0; i < h.len; i++) {
        uint8_t b = h.ptr[i];
        bool ok = bracketed ? is_hex(b) || b == ':' || b == '.'
                            : is_digit(b) || is_alpha(b) || b == '-' || b == '.' || b == '_';
        ENSURE(ok, ALTROOT_E_MALFORMED);
    }
    memcpy(req->host, h.ptr, h.len);
    req->host[h.len] = '\0';
    req->bracketed = bracketed;
    return ALTROOT_OK;
}

/* authority-form = uri-host ":" port (RFC 9112 3.2.3): the port is not optional. An origin- or
 * absolute-form target ("/", "https://host/") and userinfo ("user@host") have no place here. */
static altroot_err parse_target(altroot_span target, ab_connect_request *req)
{
    altroot_cursor c;
    altroot_cursor_init(&c, target);
    bool bracketed = altroot_cursor_remaining(&c) > 0 && altroot_cursor_peek_u8(&c) == '[';
    altroot_span host;
    if (bracketed) {
        (void)altroot_cursor_u8(&c);
        host = altroot_cursor_take_until(&c, ']');
        ENSURE(altroot_cursor_u8(&c) == ']', ALTROOT_E_MALFORMED);
    } else {
        host = altroot_cursor_take_until(&c, ':');
    }
    ENSURE(altroot_cursor_u8(&c) == ':' && altroot_cursor_ok(&c), ALTROOT_E_MALFORMED);
    TRY(parse_port(altroot_cursor_span(&c, altroot_cursor_remaining(&c)), &req->port));
    return parse_host(host, bracketed, req);
}

/* HTTP-version = "HTTP/" DIGIT "." DIGIT (RFC 9112 2.3); only HTTP/1.x is spoken. */
static altroot_err parse_version(altroot_span v, ab_connect_request *req, bool *http11)
{
    ENSURE(v.len == 8 && memcmp(v.ptr, "HTTP/", 5) == 0 && v.ptr[6] == '.', ALTROOT_E_MALFORMED);
    ENSURE(is_digit(v.ptr[5]) && is_digit(v.ptr[7]), ALTROOT_E_MALFORMED);
    if (v.ptr[5] != '1')
        REFUSE(req, 505, ALTROOT_E_UNSUPPORTED);
    *http11 = v.ptr[7] != '0';
    return ALTROOT_OK;
}

/* request-line = method SP request-target SP HTTP-version (RFC 9112 3). */
static altroot_err parse_request_line(altroot_span line, ab_connect_request *req, bool *http11)
{
    altroot_cursor c;
    altroot_cursor_init(&c, line);
    altroot_span method = altroot_cursor_take_until(&c, ' ');
    bool sp1 = altroot_cursor_u8(&c) == ' ';
    altroot_span target = altroot_cursor_take_until(&c, ' ');
    bool sp2 = altroot_cursor_u8(&c) == ' ';
    altroot_span version = altroot_cursor_span(&c, altroot_cursor_remaining(&c));
    req->status = 400;
    ENSURE(altroot_cursor_ok(&c) && sp1 && sp2 && method.len > 0, ALTROOT_E_MALFORMED);
    for (size_t i = 0; i < method.len; i++)
        ENSURE(is_tchar(method.ptr[i]), ALTROOT_E_MALFORMED);
    TRY(parse_version(version, req, http11));
    /* Plain HTTP through the proxy (GET http://...) or any other method: only tunnels. */
    if (!span_is(method, "CONNECT"))
        REFUSE(req, 403, ALTROOT_E_UNSUPPORTED);
    return parse_target(target, req);
}

/* Content-Length = 1*DIGIT (RFC 9110 8.6); only zero is accepted, as RFC 9110 9.3.6 says "A
 * CONNECT request message does not have content": what follows the head is the tunnel. */
static bool zero_length(altroot_span v)
{
    if (v.len == 0)
        return false;
    for (size_t i = 0; i < v.len; i++)
        if (v.ptr[i] != '0')
            return false;
    return true;
}

/* Proxy-Authorization (RFC 9110 11.7.1): one field line only, and within the limit. */
static altroot_err keep_auth(altroot_span value, ab_connect_request *req)
{
    ENSURE(req->auth_len == 0 && req->auth[0] == '\0', ALTROOT_E_MALFORMED);
    ENSURE(value.len > 0 && value.len <= AB_CONNECT_AUTH_MAX, ALTROOT_E_MALFORMED);
    memcpy(req->auth, value.ptr, value.len);
    req->auth[value.len] = '\0';
    req->auth_len = value.len;
    return ALTROOT_OK;
}

/* field-line = field-name ":" OWS field-value OWS (RFC 9112 5). No whitespace before the colon
 * (5.1), none at the start of a line (5.2: obs-fold is refused). */
static altroot_err parse_field(altroot_span line, size_t *hosts, ab_connect_request *req)
{
    altroot_cursor c;
    altroot_cursor_init(&c, line);
    altroot_span name = altroot_cursor_take_until(&c, ':');
    ENSURE(altroot_cursor_u8(&c) == ':' && name.len > 0, ALTROOT_E_MALFORMED);
    for (size_t i = 0; i < name.len; i++)
        ENSURE(is_tchar(name.ptr[i]), ALTROOT_E_MALFORMED);
    altroot_span raw = altroot_cursor_span(&c, altroot_cursor_remaining(&c));
    size_t start = 0, end = raw.len;
    while (start < end && (raw.ptr[start] == ' ' || raw.ptr[start] == '\t'))
        start++;
    while (end > start && (raw.ptr[end - 1] == ' ' || raw.ptr[end - 1] == '\t'))
        end--;
    for (size_t i = start; i < end; i++)
        ENSURE(is_field_byte(raw.ptr[i]), ALTROOT_E_MALFORMED);
    altroot_span value = {raw.ptr + start, end - start};
    if (altroot_span_equal_nocase(name, "host"))
        ++*hosts;
    else if (altroot_span_equal_nocase(name, "proxy-authorization"))
        TRY(keep_auth(value, req));
    else if (altroot_span_equal_nocase(name, "transfer-encoding"))
        return ALTROOT_E_MALFORMED;
    else if (altroot_span_equal_nocase(name, "content-length"))
        ENSURE(zero_length(value), ALTROOT_E_MALFORMED);
    return altroot_cursor_finish(&c);
}

/* RFC 9112 3.2: "A server MUST respond with a 400 (Bad Request) status code to any HTTP/1.1
 * request message that lacks a Host header field and to any request message that contains more
 * than one Host header field line". */
static altroot_err parse_fields(altroot_cursor *c, bool http11, ab_connect_request *req)
{
    size_t hosts = 0;
    for (size_t count = 0;; count++) {
        altroot_span line = {NULL, 0};
        altroot_err err = take_line(c, &line);
        if (err == ALTROOT_E_TRUNCATED)
            return err;
        if (err != ALTROOT_OK)
            REFUSE(req, 400, err);
        if (line.len == 0)
            break;
        if (count >= AB_CONNECT_FIELDS_MAX)
            REFUSE(req, 431, ALTROOT_E_TOO_LARGE);
        err = parse_field(line, &hosts, req);
        if (err != ALTROOT_OK)
            REFUSE(req, 400, err);
    }
    if (hosts > 1 || (http11 && hosts == 0))
        REFUSE(req, 400, ALTROOT_E_MALFORMED);
    return ALTROOT_OK;
}

static altroot_err parse_head(altroot_span in, ab_connect_request *req)
{
    altroot_cursor c;
    altroot_cursor_init(&c, in);
    altroot_span line = {NULL, 0};
    altroot_err err = take_line(&c, &line);
    if (err == ALTROOT_E_TRUNCATED)
        return err;
    if (err != ALTROOT_OK)
        REFUSE(req, 400, err);
    bool http11 = false;
    TRY(parse_request_line(line, req, &http11));
    TRY(parse_fields(&c, http11, req));
    req->head_len = c.pos;
    req->status = 0;
    return ALTROOT_OK;
}

altroot_err ab_connect_request_parse(altroot_span in, ab_connect_request *req)
{
    ENSURE(req != NULL, ALTROOT_E_INTERNAL);
    memset(req, 0, sizeof *req);
    /* Only the first AB_CONNECT_HEAD_MAX bytes can belong to the head. */
    altroot_span head = {in.ptr, in.len < AB_CONNECT_HEAD_MAX ? in.len : AB_CONNECT_HEAD_MAX};
    altroot_err err = parse_head(head, req);
    if (err == ALTROOT_E_TRUNCATED && in.len >= AB_CONNECT_HEAD_MAX) {
        memset(req, 0, sizeof *req);
        REFUSE(req, 431, ALTROOT_E_TOO_LARGE);
    }
    if (err != ALTROOT_OK) {
        int status = err == ALTROOT_E_TRUNCATED ? 0 : req->status;
        memset(req, 0, sizeof *req);
        req->status = status;
    }
    return err;
}

bool ab_connect_request_ended(altroot_span in)
{
    size_t n = in.len;
    if (n >= AB_CONNECT_HEAD_MAX)
        return true;
    if (n == 0)
        return false;
    const uint8_t *p = in.ptr;
    if (p[n - 1] == '\n')
        return n < 2 || p[n - 2] != '\r' || (n >= 4 && memcmp(p + n - 4, "\r\n\r\n", 4) == 0);
    return n >= 2 && p[n - 2] == '\r';
}

bool ab_connect_request_authorized(const ab_connect_request *req, const char *expected)
{
    size_t n = strlen(expected);
    if (n == 0 || n > AB_CONNECT_AUTH_MAX)
        return false;
    /* req->auth is zero past auth_len, so every index below n is inside it. */
    unsigned diff = req->auth_len != n;
    for (size_t i = 0; i < n; i++)
        diff |= (unsigned)((uint8_t)req->auth[i] ^ (uint8_t)expected[i]);
    return diff == 0;
}

bool ab_connect_request_url(const ab_connect_request *req, char *out, size_t cap)
{
    const char *open = req->bracketed ? "[" : "", *close = req->bracketed ? "]" : "";
    int n = snprintf(out, cap, "https://%s%s%s:%u/", open, req->host, close, (unsigned)req->port);
    return n > 0 && (size_t)n < cap;
}
