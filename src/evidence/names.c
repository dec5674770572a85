/* Name binding helpers shared by the primary and secondary integrations (in the order
 * names bind): a SAN under an anchor you hold, the Matter operational instance name. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../core/guard.h"
#include "internal.h"

/* Matter Core 4.3.2 (operational discovery): the instance name is
 * "<CompressedFabricID>-<NodeID>" in upper-case hex, announced as _matter._tcp in .local. Host
 * names compare case-insensitively (RFC 4343); ".local" with or without the final dot. */
bool evd_instance_name_matches(const char *host, const char *name)
{
    if (host == NULL || name == NULL || name[0] == '\0')
        return false;
    size_t n = strlen(name);
    if (strncasecmp(host, name, n) != 0)
        return false;
    const char *rest = host + n;
    return rest[0] == '\0' || strcasecmp(rest, ".local") == 0 || strcasecmp(rest, ".local.") == 0;
}

static bool ip_equal(const char *a, const char *b)
{
    unsigned char x[16], y[16];
    if (inet_pton(AF_INET, a, x) == 1 && inet_pton(AF_INET, b, y) == 1)
        return memcmp(x, y, 4) == 0;
    if (inet_pton(AF_INET6, a, x) == 1 && inet_pton(AF_INET6, b, y) == 1)
        return memcmp(x, y, 16) == 0;
    return false;
}

/* Exact DNS names only (case-insensitive): no wildcards for a device's own name, and never the
 * subject CN (RFC 9525 6.3: CN-ID is not used when DNS-IDs are present; altroot never uses it). */
altroot_err evd_san_matches(const altroot_cert *leaf, const char *host, bool *match, bool *ip)
{
    altroot_strlist sans = ALTROOT_STRLIST_INIT;
    *match = *ip = false;
    if (host == NULL)
        return ALTROOT_OK;
    altroot_err err = altroot_cert_sans(leaf, &sans);
    for (size_t i = 0; err == ALTROOT_OK && i < sans.count && !*match; i++) {
        const char *s = sans.items[i];
        if (strncmp(s, "DNS:", 4) == 0 && strcasecmp(s + 4, host) == 0)
            *match = true;
        else if (strncmp(s, "IP:", 3) == 0 && ip_equal(s + 3, host))
            *match = *ip = true;
    }
    altroot_strlist_clear(&sans);
    return err;
}

altroot_err evd_bind_name(altroot_verdict *v, const char *method, const char *name, const char *by)
{
    if (v->name.bound)
        return ALTROOT_OK; /* a stronger binding (Web PKI, local CA) came first */
    v->name.bound = true;
    TRY(altroot_set_string(&v->name.method, method));
    if (name != NULL)
        TRY(altroot_set_string(&v->name.name, name));
    return altroot_set_string(&v->name.by, by);
}

bool evd_tampered(const altroot_root_result *r)
{
    for (size_t i = 0; i < r->failures.count; i++)
        if (r->failures.items[i].code != ALTROOT_E_NO_ANCHORS)
            return true;
    return false;
}

altroot_err evd_set_identity(altroot_root_result *r, const altroot_cert *unit)
{
    uint8_t h[32];
    char text[sizeof "spki-sha256:" + 64];
    TRY(altroot_cert_spki_sha256(unit, h));
    memcpy(text, "spki-sha256:", sizeof "spki-sha256:" - 1);
    altroot_hex_encode((altroot_span){h, 32}, text + sizeof "spki-sha256:" - 1);
    return altroot_set_string(&r->identity, text);
}
