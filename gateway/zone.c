/* Zones and device names: what the gateway's name constraints permit. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <altroot/fdo_crypto.h>

#include "../src/core/guard.h"
#include "gateway.h"

/* RFC 1123 2.1 host names: letters, digits and hyphens, no hyphen at either end of a label,
 * 1..63 characters per label. Lower-cases into `out` and drops one trailing dot. Returns the
 * number of labels, 0 for a name that breaks the rules. */
static size_t ldh_name(const char *in, char out[ALTROOT_GW_NAME_MAX])
{
    size_t n = strlen(in);
    if (n > 0 && in[n - 1] == '.')
        n--;
    if (n == 0 || n >= ALTROOT_GW_NAME_MAX)
        return 0;
    size_t labels = 1;
    size_t label_len = 0;
    for (size_t i = 0; i < n; i++) {
        char c = in[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
        bool edge = i == 0 || in[i - 1] == '.' || i + 1 == n || in[i + 1] == '.';
        if (!ok || (c == '-' && edge) || (c == '.' && label_len == 0))
            return 0;
        label_len = c == '.' ? 0 : label_len + 1;
        labels += c == '.' ? 1 : 0;
        if (label_len > 63)
            return 0;
        out[i] = c;
    }
    out[n] = '\0';
    return labels;
}

static bool all_digits(const char *s)
{
    for (; *s != '\0'; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

altroot_err altroot_gw_zone_check(const char *zone, char out[ALTROOT_GW_NAME_MAX])
{
    ENSURE(zone != NULL && out != NULL, ALTROOT_E_INTERNAL);
    char z[ALTROOT_GW_NAME_MAX];
    size_t labels = ldh_name(zone, z);
    ENSURE(labels >= 2, ALTROOT_E_GATEWAY_ZONE);
    const char *last = strrchr(z, '.') + 1;
    /* A name ending in a number would be read as an IPv4 address (WHATWG URL "ends in a
     * number"); home.arpa itself is shared by every home (RFC 8375). */
    ENSURE(!all_digits(last), ALTROOT_E_GATEWAY_ZONE);
    ENSURE(strcmp(z, "home.arpa") != 0, ALTROOT_E_GATEWAY_ZONE);
    memcpy(out, z, strlen(z) + 1);
    return ALTROOT_OK;
}

altroot_err altroot_gw_zone_random(char out[ALTROOT_GW_NAME_MAX])
{
    uint8_t id[8];
    TRY(altroot_random_bytes(id, sizeof id));
    char hex[2 * sizeof id + 1];
    altroot_hex_encode((altroot_span){id, sizeof id}, hex);
    snprintf(out, ALTROOT_GW_NAME_MAX, "%s.home.arpa", hex);
    return ALTROOT_OK;
}

altroot_err altroot_gw_cidr_check(const char *cidr)
{
    ENSURE(cidr != NULL, ALTROOT_E_INTERNAL);
    const char *slash = strchr(cidr, '/');
    char addr[64];
    ENSURE(slash != NULL && (size_t)(slash - cidr) < sizeof addr, ALTROOT_E_GATEWAY_CIDR);
    memcpy(addr, cidr, (size_t)(slash - cidr));
    addr[slash - cidr] = '\0';
    unsigned char buf[16] = {0};
    int len = inet_pton(AF_INET, addr, buf) == 1 ? 4 : inet_pton(AF_INET6, addr, buf) == 1 ? 16 : 0;
    char *end = NULL;
    long prefix = strtol(slash + 1, &end, 10);
    ENSURE(len != 0 && end != slash + 1 && *end == '\0', ALTROOT_E_GATEWAY_CIDR);
    ENSURE(slash[1] >= '0' && slash[1] <= '9', ALTROOT_E_GATEWAY_CIDR);
    ENSURE(prefix >= 0 && prefix <= (long)len * 8, ALTROOT_E_GATEWAY_CIDR);
    /* Host bits set would make the range mean something other than what was written. */
    for (long bit = prefix; bit < (long)len * 8; bit++)
        ENSURE((buf[bit / 8] & (0x80 >> (bit % 8))) == 0, ALTROOT_E_GATEWAY_CIDR);
    return ALTROOT_OK;
}

static bool has_suffix(const char *name, const char *zone)
{
    size_t n = strlen(name), z = strlen(zone);
    return n > z + 1 && name[n - z - 1] == '.' && strcmp(name + n - z, zone) == 0;
}

altroot_err altroot_gw_name_in_zone(const char *zone, bool allow_local, const char *name,
                                    char out[ALTROOT_GW_NAME_MAX])
{
    ENSURE(zone != NULL && name != NULL && out != NULL, ALTROOT_E_INTERNAL);
    char n[ALTROOT_GW_NAME_MAX];
    size_t labels = ldh_name(name, n);
    ENSURE(labels > 0, ALTROOT_E_MALFORMED);
    if (labels == 1) {
        ENSURE(strlen(n) + 1 + strlen(zone) < ALTROOT_GW_NAME_MAX, ALTROOT_E_MALFORMED);
        char full[2 * ALTROOT_GW_NAME_MAX];
        snprintf(full, sizeof full, "%s.%s", n, zone);
        memcpy(n, full, strlen(full) + 1);
    }
    ENSURE(strcmp(n, zone) != 0, ALTROOT_E_GATEWAY_NAME_RESERVED);
    ENSURE(has_suffix(n, zone) || (allow_local && has_suffix(n, "local")),
           ALTROOT_E_GATEWAY_OUTSIDE_ZONE);
    /* draft-sweet-iot-acme: the leftmost label is never the server's own name or localhost. */
    size_t first = strcspn(n, ".");
    ENSURE(!(first == strlen(ALTROOT_GW_OWN_LABEL) && memcmp(n, ALTROOT_GW_OWN_LABEL, first) == 0),
           ALTROOT_E_GATEWAY_NAME_RESERVED);
    ENSURE(!(first == 9 && memcmp(n, "localhost", 9) == 0), ALTROOT_E_GATEWAY_NAME_RESERVED);
    memcpy(out, n, strlen(n) + 1);
    return ALTROOT_OK;
}
