/* Strict, bounded HTTP/1.1 request-head parser (RFC 9112 2-5, RFC 9110 5.5). */
#include <string.h>

#include "http_request.h"

#include "../src/core/guard.h"
#include "../src/core/text.h"

/* Reject with `status`; the code tells the caller to close after the response. */
#define REJECT(req, st, code)                                                                      \
    do {                                                                                           \
        (req)->status = (st);                                                                      \
        return (code);                                                                             \
    } while (0)

/* RFC 9110 5.6.2: tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" /
 * "_" / "`" / "|" / "~" / DIGIT / ALPHA */
static bool is_tchar(uint8_t b)
{
    if ((b >= '0' && b <= '9') || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z'))
        return true;
    return b != '\0' && strchr("!#$%&'*+-.^_`|~", b) != NULL;
}

/* RFC 9110 5.5: field-vchar = VCHAR / obs-text, plus SP and HTAB inside a value. */
static bool is_field_byte(uint8_t b)
{
    return b == ' ' || b == '\t' || (b >= 0x21 && b != 0x7f);
}

static int hex_value(uint8_t b)
{
    if (b >= '0' && b <= '9')
        return b - '0';
    if (b >= 'a' && b <= 'f')
        return b - 'a' + 10;
    if (b >= 'A' && b <= 'F')
        return b - 'A' + 10;
    return -1;
}

static bool span_is(altroot_span s, const char *lit)
{
    size_t n = strlen(lit);
    return s.len == n && memcmp(s.ptr, lit, n) == 0;
}

/* RFC 9112 2.2: lines end in CRLF; a bare CR or a bare LF is rejected (no lenient parsing, so
 * there is no disagreement with a proxy in front about where a line ends). The line, without its
 * CRLF, is at most `max` bytes: longer gives E_TOO_LARGE; no end yet gives E_TRUNCATED. */
static altroot_err take_line(altroot_cursor *c, size_t max, altroot_span *line)
{
    altroot_cursor probe = *c;
    size_t n = 0;
    while (altroot_cursor_remaining(&probe) > 0) {
        uint8_t b = altroot_cursor_u8(&probe);
        if (b == '\n')
            return ALTROOT_E_MALFORMED;
        if (b == '\r') {
            if (altroot_cursor_remaining(&probe) == 0)
                return n > max ? ALTROOT_E_TOO_LARGE : ALTROOT_E_TRUNCATED;
            if (altroot_cursor_u8(&probe) != '\n')
                return ALTROOT_E_MALFORMED;
            ENSURE(n <= max, ALTROOT_E_TOO_LARGE);
            *line = altroot_cursor_span(c, n);
            (void)altroot_cursor_u8(c);
            (void)altroot_cursor_u8(c);
            return altroot_cursor_ok(c) ? ALTROOT_OK : ALTROOT_E_INTERNAL;
        }
        if (++n > max)
            return ALTROOT_E_TOO_LARGE;
    }
    return ALTROOT_E_TRUNCATED;
}

/* One decoded path byte. RFC 3986 2.1 percent-encoding; an encoded '/' or '\\', NUL, or any
 * control byte could change how the file system reads the path, so each is rejected. */
static altroot_err path_byte(altroot_cursor *c, bool *was_encoded, uint8_t *out)
{
    uint8_t b = altroot_cursor_u8(c);
    *was_encoded = false;
    if (b == '%') {
        int hi = hex_value(altroot_cursor_u8(c));
        int lo = hex_value(altroot_cursor_u8(c));
        ENSURE(altroot_cursor_ok(c) && hi >= 0 && lo >= 0, ALTROOT_E_MALFORMED);
        b = (uint8_t)(hi * 16 + lo);
        *was_encoded = true;
        ENSURE(b != '/', ALTROOT_E_MALFORMED);
    }
    ENSURE(b >= 0x20 && b != 0x7f && b != '\\', ALTROOT_E_MALFORMED);
    *out = b;
    return ALTROOT_OK;
}

/* A decoded segment must not be empty (except after the last '/'), "." or "..". */
static bool segment_ok(const char *seg, size_t len, bool last)
{
    if (len == 0)
        return last;
    if (len == 1 && seg[0] == '.')
        return false;
    return !(len == 2 && seg[0] == '.' && seg[1] == '.');
}

static altroot_err decode_path(altroot_span raw, http_request *req)
{
    altroot_cursor c;
    altroot_cursor_init(&c, raw);
    ENSURE(raw.len > 0 && raw.len < sizeof req->path && altroot_cursor_u8(&c) == '/',
           ALTROOT_E_MALFORMED);
    size_t n = 0, seg = 1;
    req->path[n++] = '/';
    while (altroot_cursor_remaining(&c) > 0) {
        bool encoded = false;
        uint8_t b = 0;
        TRY(path_byte(&c, &encoded, &b));
        if (b == '/' && !encoded) {
            ENSURE(segment_ok(req->path + seg, n - seg, false), ALTROOT_E_MALFORMED);
            seg = n + 1;
        }
        req->path[n++] = (char)b;
    }
    ENSURE(segment_ok(req->path + seg, n - seg, true), ALTROOT_E_MALFORMED);
    req->path[n] = '\0';
    req->path_len = n;
    return ALTROOT_OK;
}

/* The query is a list of name=value pairs separated by '&'; only format=json means anything. */
static void read_query(altroot_span query, http_request *req)
{
    altroot_cursor c;
    altroot_cursor_init(&c, query);
    while (altroot_cursor_remaining(&c) > 0) {
        altroot_span pair = altroot_cursor_take_until(&c, '&');
        if (span_is(pair, "format=json"))
            req->query_format_json = true;
        if (altroot_cursor_remaining(&c) > 0)
            (void)altroot_cursor_u8(&c);
    }
}

/* request-target, origin-form only (RFC 9112 3.2.1): absolute-path [ "?" query ]. */
static altroot_err parse_target(altroot_span target, http_request *req)
{
    for (size_t i = 0; i < target.len; i++)
        ENSURE(target.ptr[i] >= 0x21 && target.ptr[i] <= 0x7e && target.ptr[i] != '#',
               ALTROOT_E_MALFORMED);
    altroot_cursor c;
    altroot_cursor_init(&c, target);
    altroot_span path = altroot_cursor_take_until(&c, '?');
    TRY(decode_path(path, req));
    if (altroot_cursor_remaining(&c) > 0) {
        (void)altroot_cursor_u8(&c);
        read_query(altroot_cursor_span(&c, altroot_cursor_remaining(&c)), req);
    }
    return altroot_cursor_finish(&c);
}

/* HTTP-version = "HTTP/" DIGIT "." DIGIT (RFC 9112 2.3); 1.x is served as 1.1 would be. */
static altroot_err parse_version(altroot_span v, http_request *req)
{
    ENSURE(v.len == 8 && memcmp(v.ptr, "HTTP/", 5) == 0 && v.ptr[6] == '.', ALTROOT_E_MALFORMED);
    ENSURE(v.ptr[5] >= '0' && v.ptr[5] <= '9' && v.ptr[7] >= '0' && v.ptr[7] <= '9',
           ALTROOT_E_MALFORMED);
    if (v.ptr[5] != '1')
        REJECT(req, 505, ALTROOT_E_UNSUPPORTED);
    req->version_minor = v.ptr[7] == '0' ? 0 : 1;
    req->keep_alive = req->version_minor == 1;
    return ALTROOT_OK;
}

/* request-line = method SP request-target SP HTTP-version (RFC 9112 3). */
static altroot_err parse_request_line(altroot_span line, http_request *req)
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
    TRY(parse_version(version, req));
    TRY(parse_target(target, req));
    if (span_is(method, "GET"))
        req->method = HTTP_GET;
    else if (span_is(method, "HEAD"))
        req->method = HTTP_HEAD;
    else
        REJECT(req, 405, ALTROOT_E_UNSUPPORTED);
    req->status = 0;
    return ALTROOT_OK;
}

typedef struct field_state {
    size_t hosts;
    size_t content_lengths;
    bool content;           /* Content-Length other than 0 */
    bool transfer_encoding; /* any Transfer-Encoding */
} field_state;

/* OWS = *( SP / HTAB ) on both sides of a value or list element (RFC 9110 5.6.3). */
static altroot_span trim_ows(altroot_span s)
{
    size_t start = 0, end = s.len;
    while (start < end && (s.ptr[start] == ' ' || s.ptr[start] == '\t'))
        start++;
    while (end > start && (s.ptr[end - 1] == ' ' || s.ptr[end - 1] == '\t'))
        end--;
    altroot_cursor c;
    altroot_cursor_init(&c, s);
    (void)altroot_cursor_span(&c, start);
    return altroot_cursor_span(&c, end - start);
}

/* Calls `fn` on each trimmed element of a comma-separated list (RFC 9110 5.6.1). */
static void each_element(altroot_span value, void (*fn)(altroot_span, http_request *),
                         http_request *req)
{
    altroot_cursor c;
    altroot_cursor_init(&c, value);
    while (altroot_cursor_remaining(&c) > 0) {
        fn(trim_ows(altroot_cursor_take_until(&c, ',')), req);
        if (altroot_cursor_remaining(&c) > 0)
            (void)altroot_cursor_u8(&c);
    }
}

static void connection_option(altroot_span token, http_request *req)
{
    if (altroot_span_equal_nocase(token, "close"))
        req->keep_alive = false;
}

/* A media range, parameters ignored: "application/json; q=0.9" names JSON. */
static void accept_range(altroot_span range, http_request *req)
{
    altroot_cursor c;
    altroot_cursor_init(&c, range);
    if (altroot_span_equal_nocase(trim_ows(altroot_cursor_take_until(&c, ';')), "application/json"))
        req->accept_json = true;
}

/* Content-Length = 1*DIGIT (RFC 9110 8.6); a list or anything else is malformed. */
static altroot_err content_length(altroot_span v, field_state *st)
{
    ENSURE(v.len > 0 && v.len <= 19, ALTROOT_E_MALFORMED);
    bool zero = true;
    for (size_t i = 0; i < v.len; i++) {
        ENSURE(v.ptr[i] >= '0' && v.ptr[i] <= '9', ALTROOT_E_MALFORMED);
        zero = zero && v.ptr[i] == '0';
    }
    st->content_lengths++;
    st->content = st->content || !zero;
    return ALTROOT_OK;
}

/* field-line = field-name ":" OWS field-value OWS (RFC 9112 5). No whitespace before the colon
 * (5.1: MUST reject) and no obs-fold (5.2: reject) */
static altroot_err parse_field(altroot_span line, http_request *req, field_state *st)
{
    altroot_cursor c;
    altroot_cursor_init(&c, line);
    altroot_span name = altroot_cursor_take_until(&c, ':');
    ENSURE(altroot_cursor_u8(&c) == ':' && name.len > 0, ALTROOT_E_MALFORMED);
    for (size_t i = 0; i < name.len; i++)
        ENSURE(is_tchar(name.ptr[i]), ALTROOT_E_MALFORMED);
    altroot_span value = trim_ows(altroot_cursor_span(&c, altroot_cursor_remaining(&c)));
    for (size_t i = 0; i < value.len; i++)
        ENSURE(is_field_byte(value.ptr[i]), ALTROOT_E_MALFORMED);
    if (altroot_span_equal_nocase(name, "host"))
        st->hosts++;
    else if (altroot_span_equal_nocase(name, "content-length"))
        TRY(content_length(value, st));
    else if (altroot_span_equal_nocase(name, "transfer-encoding"))
        st->transfer_encoding = true;
    else if (altroot_span_equal_nocase(name, "connection"))
        each_element(value, connection_option, req);
    else if (altroot_span_equal_nocase(name, "accept"))
        each_element(value, accept_range, req);
    return altroot_cursor_finish(&c);
}

/* The head as a whole: RFC 9112 3.2 (exactly one Host in HTTP/1.1), 6.3 (Transfer-Encoding with
 * Content-Length is a smuggling attempt), and no request content at all for GET and HEAD here. */
static altroot_err check_head(const field_state *st, http_request *req)
{
    if (st->hosts > 1 || (req->version_minor == 1 && st->hosts != 1))
        REJECT(req, 400, ALTROOT_E_MALFORMED);
    if (st->content_lengths > 1 || (st->transfer_encoding && st->content_lengths > 0))
        REJECT(req, 400, ALTROOT_E_MALFORMED);
    if (st->transfer_encoding || st->content)
        REJECT(req, 413, ALTROOT_E_TOO_LARGE);
    return ALTROOT_OK;
}

/* Map a line reader's result to the response: 414 for the request line, 431 for a field. */
static altroot_err line_error(altroot_err err, int too_large, http_request *req)
{
    if (err == ALTROOT_E_TRUNCATED)
        return err;
    if (err == ALTROOT_E_TOO_LARGE)
        REJECT(req, too_large, err);
    REJECT(req, 400, ALTROOT_E_MALFORMED);
}

static altroot_err parse_fields(altroot_cursor *c, http_request *req)
{
    field_state st = {0};
    for (size_t count = 0;; count++) {
        altroot_span line = {NULL, 0};
        altroot_err err = take_line(c, HTTP_MAX_FIELD_LINE, &line);
        if (err == ALTROOT_E_TRUNCATED && c->len >= HTTP_MAX_HEAD)
            REJECT(req, 431, ALTROOT_E_TOO_LARGE);
        if (err != ALTROOT_OK)
            return line_error(err, 431, req);
        if (c->pos > HTTP_MAX_HEAD)
            REJECT(req, 431, ALTROOT_E_TOO_LARGE);
        if (line.len == 0)
            return check_head(&st, req);
        if (count >= HTTP_MAX_FIELDS)
            REJECT(req, 431, ALTROOT_E_TOO_LARGE);
        err = parse_field(line, req, &st);
        if (err != ALTROOT_OK)
            REJECT(req, 400, err);
    }
}

altroot_err http_request_parse(altroot_span in, http_request *req)
{
    ENSURE(req != NULL, ALTROOT_E_INTERNAL);
    memset(req, 0, sizeof *req);
    altroot_cursor c;
    altroot_cursor_init(&c, in);
    altroot_span line = {NULL, 0};
    /* RFC 9112 2.2: "a server that is expecting to receive and parse a request-line SHOULD
     * ignore at least one empty line (CRLF) received prior to the request-line." One. */
    if (altroot_cursor_remaining(&c) > 0 && altroot_cursor_peek_u8(&c) == '\r') {
        altroot_err err = take_line(&c, 0, &line);
        if (err != ALTROOT_OK)
            return line_error(err, 400, req);
    }
    altroot_err err = take_line(&c, HTTP_MAX_REQUEST_LINE, &line);
    if (err != ALTROOT_OK)
        return line_error(err, 414, req);
    TRY(parse_request_line(line, req));
    TRY(parse_fields(&c, req));
    req->head_len = c.pos;
    req->status = 0;
    return ALTROOT_OK;
}

/* The unended line has just grown past `limit` bytes. */
static bool crossed(size_t old_len, size_t new_len, size_t limit)
{
    return old_len <= limit && new_len > limit;
}

bool http_request_worth_parsing(altroot_span in, http_scan *scan)
{
    size_t old_len = scan->scanned, start = scan->line_start;
    scan->scanned = in.len;
    if (in.len >= HTTP_MAX_HEAD || old_len > in.len || start > old_len) {
        scan->line_start = 0;
        return true;
    }
    /* The CR that ended the bytes seen before now has its next byte: either the LF of a CRLF or
     * a bare CR, rejected (400) at once rather than left waiting for an LF that never comes. */
    bool worth = old_len > 0 && in.ptr[old_len - 1] == '\r' && in.len > old_len;
    for (size_t i = old_len; i < in.len; i++) {
        if (in.ptr[i] == '\n') {
            worth = true;
            scan->line_start = i + 1;
        } else if (in.ptr[i] == '\r' && i + 1 < in.len) {
            worth = true;
        }
    }
    if (worth)
        return true;
    /* No line ended: the unended line is too long for a request line or a field line. */
    size_t before = old_len - start, now = in.len - start;
    return crossed(before, now, HTTP_MAX_REQUEST_LINE) || crossed(before, now, HTTP_MAX_FIELD_LINE);
}
