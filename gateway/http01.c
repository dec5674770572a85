/* http-01 validation with libcurl. */
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>

#include "../src/core/guard.h"
#include "http01.h"

typedef struct body {
    char data[ALTROOT_GW_HTTP01_MAX + 1];
    size_t len;
    bool too_large;
} body;

static size_t on_data(char *ptr, size_t size, size_t n, void *ctx)
{
    body *b = ctx;
    size_t len = size * n;
    if (len > ALTROOT_GW_HTTP01_MAX - b->len) {
        b->too_large = true;
        return 0; /* stops the transfer */
    }
    memcpy(b->data + b->len, ptr, len);
    b->len += len;
    return len;
}

static bool url_safe(const char *s, bool dots)
{
    if (s == NULL || *s == '\0')
        return false;
    for (; *s != '\0'; s++) {
        char c = *s;
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == '-' || (c == '_' && !dots) || (c == '.' && dots);
        if (!ok)
            return false;
    }
    return true;
}

static altroot_err fetch(CURL *h, const altroot_gw_http01 *c, body *b, long *status)
{
    char url[1024], connect_to[512];
    snprintf(url, sizeof url, "http://%s/.well-known/acme-challenge/%s", c->name, c->token);
    struct curl_slist *to = NULL;
    if (c->connect_to != NULL) {
        snprintf(connect_to, sizeof connect_to, "%s:80:%s", c->name, c->connect_to);
        to = curl_slist_append(NULL, connect_to);
        ENSURE(to != NULL, ALTROOT_E_NOMEM);
    }
    bool ok = curl_easy_setopt(h, CURLOPT_URL, url) == CURLE_OK &&
              curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http") == CURLE_OK &&
              curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L) == CURLE_OK &&
              curl_easy_setopt(h, CURLOPT_NOPROXY, "*") == CURLE_OK &&
              curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)c->timeout_ms) == CURLE_OK &&
              curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
              curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data) == CURLE_OK &&
              curl_easy_setopt(h, CURLOPT_WRITEDATA, b) == CURLE_OK &&
              (to == NULL || curl_easy_setopt(h, CURLOPT_CONNECT_TO, to) == CURLE_OK);
    altroot_err err = ok ? ALTROOT_OK : ALTROOT_E_INTERNAL;
    if (err == ALTROOT_OK && curl_easy_perform(h) != CURLE_OK)
        err = ALTROOT_E_GATEWAY_CHALLENGE_CONNECT;
    if (err == ALTROOT_OK && curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status) != CURLE_OK)
        err = ALTROOT_E_GATEWAY_CHALLENGE_CONNECT;
    curl_slist_free_all(to);
    return err;
}

altroot_err altroot_gw_http01_validate(const altroot_gw_http01 *c)
{
    ENSURE(c != NULL && c->key_authorization != NULL, ALTROOT_E_INTERNAL);
    ENSURE(url_safe(c->name, true) && url_safe(c->token, false), ALTROOT_E_ARG);
    ENSURE(c->timeout_ms > 0, ALTROOT_E_ARG);
    CURL *h = curl_easy_init();
    ENSURE(h != NULL, ALTROOT_E_NOMEM);
    body b = {.len = 0};
    long status = 0;
    altroot_err err = fetch(h, c, &b, &status);
    curl_easy_cleanup(h);
    TRY(err);
    ENSURE(status == 200 && !b.too_large, ALTROOT_E_GATEWAY_CHALLENGE_CONNECT);
    /* RFC 8555 8.3: "The server SHOULD ignore whitespace characters at the end of the body." */
    while (b.len > 0 && (b.data[b.len - 1] == ' ' || b.data[b.len - 1] == '\t' ||
                         b.data[b.len - 1] == '\r' || b.data[b.len - 1] == '\n'))
        b.len--;
    b.data[b.len] = '\0';
    ENSURE(b.len == strlen(c->key_authorization) &&
               memcmp(b.data, c->key_authorization, b.len) == 0,
           ALTROOT_E_GATEWAY_CHALLENGE_RESPONSE);
    return ALTROOT_OK;
}
