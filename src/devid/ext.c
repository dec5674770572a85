/*
 * Strict decoders for the extension values an 802.1AR DevID carries: subjectAltName with a
 * HardwareModuleName otherName, id-pe-masa-url, id-pe-mud-url and id-pe-mudsigner.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <altroot/alloc.h>
#include <altroot/devid.h>
#include <altroot/mud.h>

#include "../core/guard.h"
#include "../encoding/der.h"

/* X.690 8.19: an OBJECT IDENTIFIER's content as dotted text. Every subidentifier is minimal
 * (no leading 0x80) and fits in 32 bits; E_DER otherwise. */
static altroot_err oid_to_text(altroot_span oid, char out[64])
{
    ENSURE(oid.len > 0 && (oid.ptr[oid.len - 1] & 0x80u) == 0, ALTROOT_E_DER);
    size_t used = 0;
    uint64_t arc = 0;
    bool first = true, start = true;
    for (size_t i = 0; i < oid.len; i++) {
        ENSURE(!(start && oid.ptr[i] == 0x80u), ALTROOT_E_DER);
        arc = (arc << 7) | (oid.ptr[i] & 0x7Fu);
        ENSURE(arc <= 0xFFFFFFFFu, ALTROOT_E_DER);
        start = (oid.ptr[i] & 0x80u) == 0;
        if (!start)
            continue;
        int n;
        if (first) {
            unsigned top = arc < 40 ? 0u : arc < 80 ? 1u : 2u;
            n = snprintf(out + used, 64 - used, "%u.%llu", top,
                         (unsigned long long)(arc - (uint64_t)top * 40));
            first = false;
        } else {
            n = snprintf(out + used, 64 - used, ".%llu", (unsigned long long)arc);
        }
        ENSURE(n > 0 && (size_t)n < 64 - used, ALTROOT_E_DER);
        used += (size_t)n;
        arc = 0;
    }
    return ALTROOT_OK;
}

/* Printable ASCII without space: what a URL in an IA5String may hold here. */
static bool url_chars_ok(altroot_span s)
{
    for (size_t i = 0; i < s.len; i++)
        if (s.ptr[i] < 0x21u || s.ptr[i] > 0x7Eu)
            return false;
    return true;
}

static altroot_err copy_string(altroot_span s, char **out)
{
    char *p = altroot_malloc(s.len + 1);
    ENSURE(p != NULL, ALTROOT_E_NOMEM);
    if (s.len > 0)
        memcpy(p, s.ptr, s.len);
    p[s.len] = '\0';
    *out = p;
    return ALTROOT_OK;
}

/* One string element filling the whole extnValue. */
static altroot_err read_string(altroot_span value, altroot_der_elem *e)
{
    altroot_cursor c;
    altroot_cursor_init(&c, value);
    TRY(altroot_der_read(&c, e));
    return altroot_cursor_finish(&c);
}

/* RFC 8995 2.3.2: MASAURLSyntax ::= IA5String. */
altroot_err altroot_devid_parse_masa_url(altroot_span value, bool lenient, char **out, bool *utf8)
{
    ENSURE(out != NULL && utf8 != NULL, ALTROOT_E_ARG);
    altroot_der_elem e = {0};
    ENSURE(read_string(value, &e) == ALTROOT_OK, ALTROOT_E_DEVID_MASA_URL);
    bool is_utf8 = e.tag == ALTROOT_DER_UTF8_STRING;
    ENSURE(e.tag == ALTROOT_DER_IA5_STRING || (lenient && is_utf8), ALTROOT_E_DEVID_MASA_URL);
    ENSURE(e.value.len > 0 && e.value.len <= ALTROOT_DEVID_URL_MAX && url_chars_ok(e.value),
           ALTROOT_E_DEVID_MASA_URL);
    TRY(copy_string(e.value, out));
    *utf8 = is_utf8;
    return ALTROOT_OK;
}

/* Declared in mud.h; here because the id-pe-mud-url decoder below is its lowest user (mud/
 * builds on devid/, not the reverse). */
bool altroot_mud_url_valid(const char *url)
{
    static const char scheme[] = "https://";
    if (url == NULL || strncasecmp(url, scheme, sizeof scheme - 1) != 0)
        return false;
    size_t n = strlen(url);
    if (n > ALTROOT_MUD_URL_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)url[i] < 0x21u || (unsigned char)url[i] > 0x7Eu)
            return false;
    /* RFC 3986 3.2: authority up to the next "/", "?" or "#"; no userinfo. */
    const char *auth = url + sizeof scheme - 1;
    size_t alen = strcspn(auth, "/?#");
    return alen > 0 && memchr(auth, '@', alen) == NULL;
}

/* RFC 8520 10: MUDURLSyntax ::= IA5String; RFC 8520 (MUD URL): the scheme MUST be https. */
altroot_err altroot_devid_parse_mud_url(altroot_span value, char **out)
{
    ENSURE(out != NULL, ALTROOT_E_ARG);
    altroot_der_elem e = {0};
    ENSURE(read_string(value, &e) == ALTROOT_OK && e.tag == ALTROOT_DER_IA5_STRING,
           ALTROOT_E_DEVID_MUD_URL);
    ENSURE(e.value.len > 0 && e.value.len <= ALTROOT_DEVID_URL_MAX && url_chars_ok(e.value),
           ALTROOT_E_DEVID_MUD_URL);
    char *s = NULL;
    TRY(copy_string(e.value, &s));
    if (!altroot_mud_url_valid(s)) {
        altroot_free(s);
        return ALTROOT_E_DEVID_MUD_URL;
    }
    *out = s;
    return ALTROOT_OK;
}

/* AttributeTypeAndValue ::= SEQUENCE { type OBJECT IDENTIFIER, value ANY } */
static bool read_atv(altroot_cursor *set)
{
    altroot_der_elem atv = {0}, type = {0}, val = {0};
    if (altroot_der_expect(set, ALTROOT_DER_SEQUENCE, &atv) != ALTROOT_OK)
        return false;
    altroot_cursor c;
    altroot_cursor_init(&c, atv.value);
    char oid[64];
    return altroot_der_expect(&c, ALTROOT_DER_OID, &type) == ALTROOT_OK &&
           oid_to_text(type.value, oid) == ALTROOT_OK && altroot_der_read(&c, &val) == ALTROOT_OK &&
           altroot_cursor_finish(&c) == ALTROOT_OK;
}

/* Name ::= RDNSequence; RDN ::= SET SIZE (1..MAX) OF AttributeTypeAndValue (RFC 5280 4.1.2.4). */
static altroot_err check_name(altroot_span name_content)
{
    altroot_cursor c;
    altroot_cursor_init(&c, name_content);
    while (altroot_cursor_remaining(&c) > 0) {
        altroot_der_elem rdn = {0};
        ENSURE(altroot_der_expect(&c, ALTROOT_DER_SET, &rdn) == ALTROOT_OK, ALTROOT_E_DER);
        altroot_cursor set;
        altroot_cursor_init(&set, rdn.value);
        ENSURE(altroot_cursor_remaining(&set) > 0, ALTROOT_E_DER);
        while (altroot_cursor_remaining(&set) > 0)
            ENSURE(read_atv(&set), ALTROOT_E_DER);
    }
    return altroot_cursor_finish(&c);
}

/* RFC 8520 10: MUDsignerSyntax ::= Name; an empty Name names nobody. */
altroot_err altroot_devid_parse_mudsigner(altroot_span value, altroot_span *name)
{
    ENSURE(name != NULL, ALTROOT_E_ARG);
    altroot_cursor c;
    altroot_cursor_init(&c, value);
    altroot_der_elem e = {0};
    ENSURE(altroot_der_expect(&c, ALTROOT_DER_SEQUENCE, &e) == ALTROOT_OK &&
               altroot_cursor_finish(&c) == ALTROOT_OK,
           ALTROOT_E_DEVID_MUDSIGNER);
    ENSURE(e.value.len > 0 && check_name(e.value) == ALTROOT_OK, ALTROOT_E_DEVID_MUDSIGNER);
    *name = e.whole;
    return ALTROOT_OK;
}

/* RFC 4108 5: HardwareModuleName ::= SEQUENCE { hwType OBJECT IDENTIFIER,
 * hwSerialNum OCTET STRING }. The [4] IMPLICIT tag (0x84) seen in the wild is accepted only
 * when lenient. */
altroot_err altroot_devid_parse_hw_module(altroot_span value, bool lenient, char hw_type[64],
                                          altroot_span *serial, bool *lenient_tag)
{
    ENSURE(hw_type != NULL && serial != NULL && lenient_tag != NULL, ALTROOT_E_ARG);
    altroot_cursor c, in;
    altroot_cursor_init(&c, value);
    altroot_der_elem seq = {0}, type = {0}, num = {0};
    ENSURE(altroot_der_expect(&c, ALTROOT_DER_SEQUENCE, &seq) == ALTROOT_OK &&
               altroot_cursor_finish(&c) == ALTROOT_OK,
           ALTROOT_E_DEVID_HWMODULE);
    altroot_cursor_init(&in, seq.value);
    ENSURE(altroot_der_expect(&in, ALTROOT_DER_OID, &type) == ALTROOT_OK, ALTROOT_E_DEVID_HWMODULE);
    ENSURE(altroot_der_read(&in, &num) == ALTROOT_OK && altroot_cursor_finish(&in) == ALTROOT_OK,
           ALTROOT_E_DEVID_HWMODULE);
    bool ok_tag =
        num.tag == ALTROOT_DER_OCTET_STRING || (lenient && num.tag == ALTROOT_DER_CTX_PRIM(4));
    ENSURE(ok_tag && num.value.len > 0, ALTROOT_E_DEVID_HWMODULE);
    char text[64];
    ENSURE(oid_to_text(type.value, text) == ALTROOT_OK, ALTROOT_E_DEVID_HWMODULE);
    memcpy(hw_type, text, sizeof text);
    *serial = num.value;
    *lenient_tag = num.tag != ALTROOT_DER_OCTET_STRING;
    return ALTROOT_OK;
}

/* OtherName ::= SEQUENCE { type-id OBJECT IDENTIFIER, value [0] EXPLICIT ANY } (RFC 5280
 * 4.2.1.6), here as the content of the [0] IMPLICIT GeneralName. */
static altroot_err read_other_name(altroot_span content, char oid[64], altroot_span *inner)
{
    altroot_cursor c, v;
    altroot_cursor_init(&c, content);
    altroot_der_elem type = {0}, val = {0}, any = {0};
    ENSURE(altroot_der_expect(&c, ALTROOT_DER_OID, &type) == ALTROOT_OK &&
               oid_to_text(type.value, oid) == ALTROOT_OK,
           ALTROOT_E_DEVID_SAN);
    ENSURE(altroot_der_expect(&c, ALTROOT_DER_CTX_CONS(0), &val) == ALTROOT_OK &&
               altroot_cursor_finish(&c) == ALTROOT_OK,
           ALTROOT_E_DEVID_SAN);
    altroot_cursor_init(&v, val.value);
    ENSURE(altroot_der_read(&v, &any) == ALTROOT_OK && altroot_cursor_finish(&v) == ALTROOT_OK,
           ALTROOT_E_DEVID_SAN);
    *inner = any.whole;
    return ALTROOT_OK;
}

/* GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName; every GeneralName is a context tag
 * [0]..[8]. */
altroot_err altroot_devid_parse_san(altroot_span value, bool lenient, bool *found, char hw_type[64],
                                    altroot_span *serial, bool *lenient_tag)
{
    ENSURE(found != NULL, ALTROOT_E_ARG);
    *found = false;
    altroot_cursor c, names;
    altroot_cursor_init(&c, value);
    altroot_der_elem seq = {0};
    ENSURE(altroot_der_expect(&c, ALTROOT_DER_SEQUENCE, &seq) == ALTROOT_OK &&
               altroot_cursor_finish(&c) == ALTROOT_OK && seq.value.len > 0,
           ALTROOT_E_DEVID_SAN);
    altroot_cursor_init(&names, seq.value);
    while (altroot_cursor_remaining(&names) > 0) {
        altroot_der_elem gn = {0};
        ENSURE(altroot_der_read(&names, &gn) == ALTROOT_OK, ALTROOT_E_DEVID_SAN);
        ENSURE((gn.tag & 0xC0u) == 0x80u && (gn.tag & 0x1Fu) <= 8, ALTROOT_E_DEVID_SAN);
        if (gn.tag != ALTROOT_DER_CTX_CONS(0))
            continue;
        char oid[64];
        altroot_span inner = {0};
        TRY(read_other_name(gn.value, oid, &inner));
        if (*found || strcmp(oid, ALTROOT_OID_ON_HW_MODULE_NAME) != 0)
            continue;
        TRY(altroot_devid_parse_hw_module(inner, lenient, hw_type, serial, lenient_tag));
        *found = true;
    }
    return ALTROOT_OK;
}

/* RFC 8995 2.3.2: "If there is no '/' ... the value is only the authority" and the MASA is at
 * https://<authority>/.well-known/brski. */
altroot_err altroot_devid_masa_endpoint(const char *masa_url, char **out)
{
    ENSURE(masa_url != NULL && out != NULL && masa_url[0] != '\0', ALTROOT_E_ARG);
    if (strchr(masa_url, '/') != NULL) {
        char *s = altroot_strdup(masa_url);
        ENSURE(s != NULL, ALTROOT_E_NOMEM);
        *out = s;
        return ALTROOT_OK;
    }
    static const char pre[] = "https://", post[] = "/.well-known/brski";
    size_t n = strlen(masa_url);
    ENSURE(n <= ALTROOT_DEVID_URL_MAX, ALTROOT_E_ARG);
    char *s = altroot_malloc(sizeof pre + n + sizeof post);
    ENSURE(s != NULL, ALTROOT_E_NOMEM);
    snprintf(s, sizeof pre + n + sizeof post, "%s%s%s", pre, masa_url, post);
    *out = s;
    return ALTROOT_OK;
}
