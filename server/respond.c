/* Responses: the status page, static files and error responses (RFC 9110 15, RFC 9112 9.6). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <altroot/version.h>

#include "server_internal.h"

#define STATUS_PATH "/.well-known/altroot/status"

altroot_err srv_appendf(altroot_bytes *out, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    ENSURE(n >= 0 && (size_t)n < sizeof buf, ALTROOT_E_INTERNAL);
    return altroot_bytes_append(out, buf, (size_t)n);
}

static const char *reason(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 413:
        return "Content Too Large";
    case 414:
        return "URI Too Long";
    case 431:
        return "Request Header Fields Too Large";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "Internal Server Error";
    }
}

/* Status line and fields. Content-Length always (a HEAD response gives the GET length, RFC 9110
 * 9.3.2); "Connection: close" whenever the connection ends after this response. */
static altroot_err head(conn *c, int status, const char *type, uint64_t length, bool no_store)
{
    char date[64] = "";
    time_t now = time(NULL);
    struct tm tm;
    if (gmtime_r(&now, &tm) != NULL)
        (void)strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    TRY(srv_appendf(&c->out,
                    "HTTP/1.1 %d %s\r\nServer: altroot/%s\r\nDate: %s\r\n"
                    "Content-Type: %s\r\nContent-Length: %llu\r\n"
                    "X-Content-Type-Options: nosniff\r\n",
                    status, reason(status), ALTROOT_VERSION_STRING, date, type,
                    (unsigned long long)length));
    if (status == 405)
        TRY(srv_appendf(&c->out, "Allow: GET, HEAD\r\n"));
    if (no_store)
        TRY(srv_appendf(&c->out, "Cache-Control: no-store\r\n"));
    return srv_appendf(&c->out, "Connection: %s\r\n\r\n", c->close_after ? "close" : "keep-alive");
}

static altroot_err error_response(conn *c, int status, bool head_only)
{
    char body[96];
    int n = snprintf(body, sizeof body, "%d %s\n", status, reason(status));
    ENSURE(n > 0 && (size_t)n < sizeof body, ALTROOT_E_INTERNAL);
    TRY(head(c, status, "text/plain; charset=utf-8", (uint64_t)n, true));
    return head_only ? ALTROOT_OK : altroot_bytes_append(&c->out, body, (size_t)n);
}

static altroot_err status_response(conn *c, bool json, bool head_only)
{
    altroot_bytes body = ALTROOT_BYTES_INIT;
    altroot_err err = status_page(c, json, &body);
    if (err == ALTROOT_OK)
        err = head(c, 200, json ? "application/json" : "text/html; charset=utf-8", body.len, true);
    if (err == ALTROOT_OK && !head_only)
        err = altroot_bytes_append(&c->out, body.ptr, body.len);
    altroot_bytes_clear(&body);
    return err;
}

static altroot_err file_response(conn *c, const http_request *req)
{
    bool head_only = req->method == HTTP_HEAD;
    int fd = -1;
    uint64_t size = 0;
    const char *type = NULL;
    altroot_err err = srv_file_open(c->srv->root, req->path, &fd, &size, &type);
    if (err == ALTROOT_E_NOT_FOUND)
        return error_response(c, 404, head_only);
    TRY(err);
    err = head(c, 200, type, size, false);
    if (err != ALTROOT_OK || head_only || size == 0) {
        (void)close(fd);
        return err;
    }
    c->file_fd = fd;
    c->file_left = size;
    return ALTROOT_OK;
}

altroot_err respond(conn *c, const http_request *req)
{
    c->out.len = 0;
    c->out_pos = 0;
    if (req->status != 0) {
        /* After a rejected head the rest of the stream cannot be trusted to be framed. */
        c->close_after = true;
        return error_response(c, req->status, false);
    }
    c->close_after = !req->keep_alive || c->srv->draining;
    bool head_only = req->method == HTTP_HEAD;
    if (strcmp(req->path, STATUS_PATH) == 0)
        return status_response(c, req->query_format_json || req->accept_json, head_only);
    if (c->srv->root[0] == '\0')
        return error_response(c, 404, head_only);
    return file_response(c, req);
}
