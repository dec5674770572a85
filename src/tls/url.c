/* https URLs as `altroot connect` accepts them (RFC 3986 subset). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include <altroot/alloc.h>
#include <altroot/tls.h>

#include "../core/guard.h"

#define URL_MAX 2048
#define HOST_MAX 253

void altroot_url_clear(altroot_url *url)
{
    if (url == NULL)
        return;
    altroot_free(url->host);
    altroot_free(url->path);
    memset(url, 0, sizeof *url);
}

static bool is_name_char(char c)
{
    return isalnum((unsigned char)c) || c == '-' || c == '.' || c == '_';
}

/* RFC 1123 host names: labels of 1..63 letters, digits, hyphens (underscore tolerated, as
 * local names use it), not starting or ending with a hyphen. */
static altroot_err check_dns_name(const char *h, size_t n)
{
    ENSURE(n > 0 && n <= HOST_MAX, ALTROOT_E_URL);
    size_t label = 0;
    for (size_t i = 0; i < n; i++) {
        ENSURE(is_name_char(h[i]), ALTROOT_E_URL);
        if (h[i] == '.') {
            ENSURE(label > 0 && h[i - 1] != '-', ALTROOT_E_URL);
            label = 0;
            continue;
        }
        ENSURE(label > 0 || h[i] != '-', ALTROOT_E_URL);
        ENSURE(++label <= 63, ALTROOT_E_URL);
    }
    ENSURE(label > 0 && h[n - 1] != '-', ALTROOT_E_URL);
    return ALTROOT_OK;
}

static altroot_err parse_port(const char *p, size_t n, uint16_t *out)
{
    ENSURE(n >= 1 && n <= 5, ALTROOT_E_URL);
    unsigned v = 0;
    for (size_t i = 0; i < n; i++) {
        ENSURE(p[i] >= '0' && p[i] <= '9', ALTROOT_E_URL);
        v = v * 10 + (unsigned)(p[i] - '0');
    }
    ENSURE(v >= 1 && v <= 65535, ALTROOT_E_URL);
    *out = (uint16_t)v;
    return ALTROOT_OK;
}

static char *dup_lower(const char *s, size_t n)
{
    char *d = altroot_malloc(n + 1);
    if (d == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++)
        d[i] = (char)(tolower)((unsigned char)s[i]); /* the function: glibc's macro nests */
    d[n] = '\0';
    return d;
}

/* The WHATWG URL standard's "ends in a number": a host whose last label is digits, or 0x and
 * hex digits, is an IPv4 address in some form (127.1, 0x7f000001, 017700000001) that resolvers
 * turn into an address. Only the dotted-quad form is taken as an address; the others are
 * refused rather than judged as names while another address is reached. */
static bool ends_in_number(const char *h, size_t n)
{
    size_t start = n;
    while (start > 0 && h[start - 1] != '.')
        start--;
    const char *label = h + start;
    size_t len = n - start;
    bool hex = len >= 2 && label[0] == '0' && (label[1] == 'x' || label[1] == 'X');
    size_t i = hex ? 2 : 0;
    if (len == 0)
        return false;
    for (; i < len; i++)
        if (hex ? !isxdigit((unsigned char)label[i]) : !isdigit((unsigned char)label[i]))
            return false;
    return true;
}

/* authority = host [ ":" port ]; host = IP-literal / IPv4address / reg-name */
static altroot_err parse_authority(const char *a, size_t n, altroot_url *u)
{
    const char *host = a, *colon = NULL;
    size_t hlen;
    ENSURE(memchr(a, '@', n) == NULL, ALTROOT_E_URL); /* no userinfo */
    if (n > 0 && a[0] == '[') {
        const char *close = memchr(a, ']', n);
        ENSURE(close != NULL, ALTROOT_E_URL);
        host = a + 1;
        hlen = (size_t)(close - host);
        ENSURE(close + 1 == a + n || close[1] == ':', ALTROOT_E_URL);
        colon = close + 1 < a + n ? close + 1 : NULL;
    } else {
        colon = memchr(a, ':', n);
        hlen = colon != NULL ? (size_t)(colon - a) : n;
    }
    if (colon != NULL)
        TRY(parse_port(colon + 1, (size_t)(a + n - colon - 1), &u->port));
    else
        u->port = 443;
    ENSURE(hlen > 0 && hlen <= HOST_MAX, ALTROOT_E_URL);
    char *h = dup_lower(host, hlen);
    ENSURE(h != NULL, ALTROOT_E_NOMEM);
    struct in6_addr addr; /* large enough for either family */
    if (host != a) { /* bracketed: must be IPv6 (no zone identifiers), not an IPv4 in disguise */
        if (inet_pton(AF_INET6, h, &addr) != 1 || IN6_IS_ADDR_V4MAPPED(&addr)) {
            altroot_free(h);
            return ALTROOT_E_URL;
        }
        u->host_is_ip = true;
    } else {
        if (hlen > 1 && h[hlen - 1] == '.')
            h[--hlen] = '\0'; /* the absolute form names the same host (or address) */
        if (inet_pton(AF_INET, h, &addr) == 1) {
            u->host_is_ip = true;
            u->host = h;
            return ALTROOT_OK;
        }
        altroot_err err = ends_in_number(h, hlen) ? ALTROOT_E_URL : check_dns_name(h, hlen);
        if (err != ALTROOT_OK) {
            altroot_free(h);
            return err;
        }
    }
    u->host = h;
    return ALTROOT_OK;
}

altroot_err altroot_url_parse(const char *text, altroot_url *out)
{
    ENSURE(text != NULL && out != NULL, ALTROOT_E_INTERNAL);
    size_t len = strlen(text);
    ENSURE(len > 0 && len <= URL_MAX, ALTROOT_E_URL);
    for (size_t i = 0; i < len; i++)
        ENSURE((unsigned char)text[i] > 0x20 && (unsigned char)text[i] < 0x7f, ALTROOT_E_URL);
    const char *p = text;
    const char *sep = strstr(text, "://");
    if (sep != NULL) {
        /* Only https: a device reached over plain http has no certificate to judge. */
        ENSURE(sep - text == 5 && strncasecmp(text, "https", 5) == 0, ALTROOT_E_URL);
        p = sep + 3;
    }
    size_t alen = strcspn(p, "/?#");
    altroot_url u = {0};
    TRY(parse_authority(p, alen, &u));
    const char *rest = p + alen;
    u.path = altroot_strdup(*rest == '/' ? rest : "/");
    if (u.path == NULL) {
        altroot_url_clear(&u);
        return ALTROOT_E_NOMEM;
    }
    *out = u;
    return ALTROOT_OK;
}
