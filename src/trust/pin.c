/* Pins (include/altroot/pin.h, docs/trust-store.md "Pins"). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include <altroot/alloc.h>
#include <altroot/pin.h>

#include "../core/guard.h"

#define PIN_VERSION 1
#define PIN_IDENTITY_PREFIX "spki-sha256:"
#define PIN_DESCRIPTION_MAX 512

static const char *const pin_roots[] = {"matter", "fdo", "devid"};

void altroot_pin_clear(altroot_pin *pin)
{
    if (pin == NULL)
        return;
    altroot_free(pin->name);
    altroot_free(pin->root);
    altroot_free(pin->identity);
    altroot_free(pin->description);
    memset(pin, 0, sizeof *pin);
}

static bool dns_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

altroot_err altroot_pin_name(const char *host, char *out, size_t len)
{
    ENSURE(host != NULL && out != NULL && len > 0, ALTROOT_E_ARG);
    unsigned char a[16];
    int family = inet_pton(AF_INET, host, a) == 1    ? AF_INET
                 : inet_pton(AF_INET6, host, a) == 1 ? AF_INET6
                                                     : 0;
    /* An IPv4-mapped IPv6 address (::ffff:a.b.c.d) reaches the IPv4 device: one name. */
    struct in6_addr a6;
    memcpy(&a6, a, sizeof a6);
    if (family == AF_INET6 && IN6_IS_ADDR_V4MAPPED(&a6)) {
        memmove(a, a + 12, 4);
        family = AF_INET;
    }
    if (family != 0)
        return inet_ntop(family, a, out, (socklen_t)len) != NULL ? ALTROOT_OK : ALTROOT_E_ARG;
    size_t n = strlen(host);
    if (n > 0 && host[n - 1] == '.')
        n--; /* "printer.local." and "printer.local" are one name */
    ENSURE(n > 0 && n <= ALTROOT_PIN_NAME_MAX && n < len, ALTROOT_E_ARG);
    for (size_t i = 0; i < n; i++) {
        char c = host[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        ENSURE(dns_char(c), ALTROOT_E_ARG);
        ENSURE(c != '.' || (i > 0 && host[i - 1] != '.'), ALTROOT_E_ARG); /* no empty label */
        out[i] = c;
    }
    ENSURE(host[0] != '.' && out[n - 1] != '.', ALTROOT_E_ARG);
    out[n] = '\0';
    return ALTROOT_OK;
}

static bool is_identity(const char *s)
{
    size_t p = sizeof PIN_IDENTITY_PREFIX - 1;
    if (strncmp(s, PIN_IDENTITY_PREFIX, p) != 0 || strlen(s) != p + 64)
        return false;
    for (size_t i = p; i < p + 64; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return true;
}

static bool is_pin_root(const char *s)
{
    for (size_t i = 0; i < sizeof pin_roots / sizeof pin_roots[0]; i++)
        if (strcmp(s, pin_roots[i]) == 0)
            return true;
    return false;
}

/* A member of `obj` that must be a string; NULL (with `detail`) when missing or not a string. */
static const char *member(json_t *obj, const char *key, bool required, char *detail, size_t len,
                          bool *bad)
{
    json_t *m = json_object_get(obj, key);
    if (m == NULL && !required)
        return NULL;
    if (!json_is_string(m)) {
        snprintf(detail, len, "\"%s\" %s", key, m == NULL ? "is missing" : "is not a string");
        *bad = true;
        return NULL;
    }
    return json_string_value(m);
}

static altroot_err check_members(json_t *obj, char *detail, size_t len)
{
    static const char *const known[] = {"version",  "name",      "root",
                                        "identity", "pinned_at", "description"};
    const char *key;
    json_t *value;
    json_object_foreach(obj, key, value)
    {
        (void)value;
        bool ok = false;
        for (size_t i = 0; i < sizeof known / sizeof known[0] && !ok; i++)
            ok = strcmp(key, known[i]) == 0;
        if (!ok) {
            snprintf(detail, len, "unknown member \"%.64s\"", key);
            return ALTROOT_E_PIN_FILE;
        }
    }
    json_t *v = json_object_get(obj, "version");
    if (!json_is_integer(v) || json_integer_value(v) != PIN_VERSION) {
        snprintf(detail, len, "\"version\" must be the integer %d", PIN_VERSION);
        return ALTROOT_E_PIN_FILE;
    }
    return ALTROOT_OK;
}

static altroot_err fill(json_t *obj, altroot_pin *pin, char *detail, size_t len)
{
    bool bad = false;
    const char *name = member(obj, "name", true, detail, len, &bad);
    const char *root = bad ? NULL : member(obj, "root", true, detail, len, &bad);
    const char *id = bad ? NULL : member(obj, "identity", true, detail, len, &bad);
    const char *at = bad ? NULL : member(obj, "pinned_at", true, detail, len, &bad);
    const char *desc = bad ? NULL : member(obj, "description", false, detail, len, &bad);
    if (bad)
        return ALTROOT_E_PIN_FILE;
    char canonical[ALTROOT_PIN_NAME_MAX + 1], again[ALTROOT_TIME_STR_LEN];
    if (altroot_pin_name(name, canonical, sizeof canonical) != ALTROOT_OK ||
        strcmp(name, canonical) != 0) {
        snprintf(detail, len, "\"name\" is not a canonical host name or address");
        return ALTROOT_E_PIN_FILE;
    }
    if (!is_pin_root(root)) {
        snprintf(detail, len, "\"root\" must be matter, fdo or devid");
        return ALTROOT_E_PIN_FILE;
    }
    if (!is_identity(id)) {
        snprintf(detail, len, "\"identity\" must be spki-sha256: and 64 lower-case hex digits");
        return ALTROOT_E_PIN_FILE;
    }
    altroot_time t = 0;
    bool time_ok = altroot_time_parse_rfc3339(at, &t) == ALTROOT_OK;
    if (time_ok)
        altroot_time_format(t, again);
    if (!time_ok || strcmp(again, at) != 0) {
        snprintf(detail, len,
                 "\"pinned_at\" must be an RFC 3339 UTC time like "
                 "2026-11-28T10:00:00Z");
        return ALTROOT_E_PIN_FILE;
    }
    if (desc != NULL && strlen(desc) > PIN_DESCRIPTION_MAX) {
        snprintf(detail, len, "\"description\" is longer than %d bytes", PIN_DESCRIPTION_MAX);
        return ALTROOT_E_PIN_FILE;
    }
    pin->pinned_at = t;
    TRY(altroot_set_string(&pin->name, name));
    TRY(altroot_set_string(&pin->root, root));
    TRY(altroot_set_string(&pin->identity, id));
    return altroot_set_string(&pin->description, desc);
}

altroot_err altroot_pin_parse(altroot_span json, altroot_pin *pin, char *detail, size_t detail_len)
{
    ENSURE(pin != NULL && detail != NULL && detail_len > 0, ALTROOT_E_ARG);
    memset(pin, 0, sizeof *pin);
    detail[0] = '\0';
    if (json.len > ALTROOT_PIN_FILE_MAX) {
        snprintf(detail, detail_len, "%zu bytes, more than %d", json.len, ALTROOT_PIN_FILE_MAX);
        return ALTROOT_E_TOO_LARGE;
    }
    json_error_t jerr;
    json_t *root = json_loadb((const char *)json.ptr, json.len, JSON_REJECT_DUPLICATES, &jerr);
    altroot_err err = ALTROOT_OK;
    if (root == NULL) {
        snprintf(detail, detail_len, "not JSON: %s (line %d)", jerr.text, jerr.line);
        err = ALTROOT_E_PIN_FILE;
    } else if (!json_is_object(root)) {
        snprintf(detail, detail_len, "not a JSON object");
        err = ALTROOT_E_PIN_FILE;
    } else {
        err = check_members(root, detail, detail_len);
        if (err == ALTROOT_OK)
            err = fill(root, pin, detail, detail_len);
    }
    json_decref(root);
    if (err != ALTROOT_OK)
        altroot_pin_clear(pin);
    if (err == ALTROOT_E_NOMEM)
        snprintf(detail, detail_len, "out of memory");
    return err;
}

altroot_err altroot_pin_format(const altroot_pin *pin, altroot_bytes *out)
{
    ENSURE(pin != NULL && out != NULL && pin->name != NULL && pin->root != NULL &&
               pin->identity != NULL,
           ALTROOT_E_ARG);
    char at[ALTROOT_TIME_STR_LEN];
    altroot_time_format(pin->pinned_at, at);
    json_t *o = json_object();
    int bad = o == NULL;
    bad |= json_object_set_new(o, "version", json_integer(PIN_VERSION));
    bad |= json_object_set_new(o, "name", json_string(pin->name));
    bad |= json_object_set_new(o, "root", json_string(pin->root));
    bad |= json_object_set_new(o, "identity", json_string(pin->identity));
    bad |= json_object_set_new(o, "pinned_at", json_string(at));
    if (pin->description != NULL)
        bad |= json_object_set_new(o, "description", json_string(pin->description));
    char *text = bad == 0 ? json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    json_decref(o);
    ENSURE(text != NULL, ALTROOT_E_NOMEM);
    altroot_err err = altroot_bytes_append(out, text, strlen(text));
    if (err == ALTROOT_OK)
        err = altroot_bytes_append_u8(out, '\n');
    free(text); /* allocated by jansson with the C library */
    return err;
}

/* "maker X, model Y": the first two facts, as the verdict's message shows them. */
static altroot_err describe(const altroot_root_result *r, altroot_pin *pin)
{
    char text[PIN_DESCRIPTION_MAX + 1];
    size_t used = 0;
    text[0] = '\0';
    for (size_t i = 0; i < r->attested.count && i < 2 && used < sizeof text; i++) {
        int n = snprintf(text + used, sizeof text - used, "%s%s %s", i > 0 ? ", " : "",
                         r->attested.keys[i], r->attested.values[i]);
        used += n > 0 ? (size_t)n : 0;
    }
    return altroot_set_string(&pin->description, text[0] != '\0' ? text : NULL);
}

altroot_err altroot_pin_from_verdict(const altroot_verdict *v, const char *host, altroot_time now,
                                     altroot_pin *pin)
{
    ENSURE(v != NULL && host != NULL && pin != NULL, ALTROOT_E_ARG);
    memset(pin, 0, sizeof *pin);
    char name[ALTROOT_PIN_NAME_MAX + 1];
    TRY(altroot_pin_name(host, name, sizeof name));
    const altroot_root_result *r = NULL;
    for (size_t i = 0; i < v->root_count && r == NULL; i++)
        if (v->roots[i].status == ALTROOT_ROOT_VERIFIED && v->roots[i].attestation &&
            v->roots[i].identity != NULL && is_pin_root(v->roots[i].root))
            r = &v->roots[i];
    if (r == NULL)
        return ALTROOT_E_PIN_NOTHING;
    pin->pinned_at = now;
    altroot_err err = altroot_set_string(&pin->name, name);
    if (err == ALTROOT_OK)
        err = altroot_set_string(&pin->root, r->root);
    if (err == ALTROOT_OK)
        err = altroot_set_string(&pin->identity, r->identity);
    if (err == ALTROOT_OK)
        err = describe(r, pin);
    if (err != ALTROOT_OK)
        altroot_pin_clear(pin);
    return err;
}

altroot_err altroot_pins_apply(const altroot_trust_store *store, const char *host,
                               altroot_verdict *v)
{
    ENSURE(store != NULL && v != NULL, ALTROOT_E_ARG);
    const char *file = NULL;
    const altroot_pin *pin = host != NULL ? altroot_trust_store_pin(store, host, &file) : NULL;
    if (pin == NULL)
        return ALTROOT_OK;
    char pinned[96];
    snprintf(pinned, sizeof pinned, "%s %s", pin->root, pin->identity);
    TRY(altroot_set_string(&v->name.pin, file));
    TRY(altroot_set_string(&v->name.pinned_identity, pinned));
    const altroot_root_result *match = NULL;
    for (size_t i = 0; i < v->root_count && match == NULL; i++) {
        const altroot_root_result *r = &v->roots[i];
        if (r->status == ALTROOT_ROOT_VERIFIED && r->attestation && r->identity != NULL &&
            strcmp(r->root, pin->root) == 0 && strcmp(r->identity, pin->identity) == 0)
            match = r;
    }
    v->name.pin_matched = match != NULL;
    if (match == NULL || v->name.bound)
        return ALTROOT_OK; /* no match, or a stronger binding came first */
    v->name.bound = true;
    TRY(altroot_set_string(&v->name.method, "pin"));
    return altroot_set_string(&v->name.by, match->root);
}
