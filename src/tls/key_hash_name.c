/*
 * Key-hash names (include/altroot/key_hash_name.h, docs/key-hash-name.md), after
 * draft-wing-settle-public-key-hash-01. Section 5 gives the form: a friendly name, then a label
 * made of one hash-algorithm digit (0 = SHA-256, the only one registered, section 8) and the
 * unpadded RFC 4648 section 6 base32 of the hash of the DER public key, letter case not
 * significant. Section 4.1 puts that label second and section 6.1 lists the local domains the
 * name lives in. Appendix A's example hashes the DER SubjectPublicKeyInfo.
 */
#include <stdio.h>
#include <string.h>

#include <altroot/key_hash_name.h>

#include "../core/guard.h"

/* Labels kept for one name: 253 characters hold at most 127. */
#define MAX_LABELS 128
/* A label "looks like" a hash label from a digit and this many letters or digits on: half a
 * SHA-256 label. Shorter labels such as "2f" or "1st" are ordinary names. */
#define LOOKALIKE_MIN 27
#define SHA256_B32_LEN 52

static const char b32_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

static bool is_alpha(uint8_t c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static bool is_digit(uint8_t c)
{
    return c >= '0' && c <= '9';
}

static uint8_t to_lower(uint8_t c)
{
    return c >= 'A' && c <= 'Z' ? (uint8_t)(c - 'A' + 'a') : c;
}

/* RFC 4648 section 6 alphabet, either letter case (draft section 5). */
static int b32_value(uint8_t c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a';
    if (c >= '2' && c <= '7')
        return c - '2' + 26;
    return -1;
}

static bool looks_like_hash_label(altroot_span l)
{
    if (l.len < LOOKALIKE_MIN || !is_digit(l.ptr[0]))
        return false;
    for (size_t i = 1; i < l.len; i++)
        if (!is_alpha(l.ptr[i]) && !is_digit(l.ptr[i]))
            return false;
    return true;
}

/* friendly-name = 1*63(ALPHA / DIGIT / "-"); the domain's labels are the same LDH labels. */
static bool is_ldh_label(altroot_span l)
{
    if (l.len == 0 || l.len > 63)
        return false;
    for (size_t i = 0; i < l.len; i++)
        if (!is_alpha(l.ptr[i]) && !is_digit(l.ptr[i]) && l.ptr[i] != '-')
            return false;
    return true;
}

/* The labels of a name, split at '.', one cursor read per label. */
typedef struct labels {
    altroot_span items[MAX_LABELS];
    size_t count;     /* every label, also beyond MAX_LABELS */
    size_t lookalike; /* index of the first label that looks like a hash label */
    bool has_lookalike;
} labels;

static void split(altroot_span name, labels *out)
{
    altroot_cursor c;
    altroot_cursor_init(&c, name);
    memset(out, 0, sizeof *out);
    for (bool more = name.len > 0; more;) {
        altroot_cursor look = c;
        size_t n = 0;
        while (altroot_cursor_remaining(&look) > 0 && altroot_cursor_u8(&look) != '.')
            n++;
        altroot_span l = altroot_cursor_span(&c, n);
        more = altroot_cursor_remaining(&c) > 0;
        if (more)
            (void)altroot_cursor_u8(&c); /* the '.' */
        if (!out->has_lookalike && looks_like_hash_label(l)) {
            out->has_lookalike = true;
            out->lookalike = out->count;
        }
        if (out->count < MAX_LABELS)
            out->items[out->count] = l;
        out->count++;
    }
}

/* Decode the 52 base32 characters after the digit. The last character carries 4 bits beyond the
 * 256 of the hash; they must be zero, so each key has exactly one name (apart from letter case). */
static bool decode_sha256(altroot_span b32, uint8_t out[32], char *detail, size_t len)
{
    uint32_t acc = 0;
    unsigned bits = 0;
    size_t n = 0;
    for (size_t i = 0; i < b32.len; i++) {
        int v = b32_value(b32.ptr[i]);
        if (v < 0) {
            snprintf(detail, len, "'%c' is not a base32 character (A-Z, 2-7)", b32.ptr[i]);
            return false;
        }
        acc = (acc << 5) | (uint32_t)v;
        bits += 5;
        if (bits >= 8) {
            bits -= 8;
            out[n++] = (uint8_t)(acc >> bits);
        }
        acc &= (1U << bits) - 1U;
    }
    if (acc != 0) {
        snprintf(detail, len, "non-canonical base32: the last character sets bits beyond the hash");
        return false;
    }
    return true;
}

static bool ends_with_label(const char *domain, const char *suffix)
{
    size_t d = strlen(domain), s = strlen(suffix);
    return d == s ? strcmp(domain, suffix) == 0
                  : d > s && domain[d - s - 1] == '.' && strcmp(domain + d - s, suffix) == 0;
}

/* Section 6.1. The draft writes ".home-arpa"; the special-use name it cites (RFC 8375) is
 * home.arpa, which is what is accepted. */
static bool is_local_domain(const char *domain)
{
    static const char *const local[] = {"local", "home.arpa", "internal", "localhost"};
    for (size_t i = 0; i < ALTROOT_ARRAY_LEN(local); i++)
        if (ends_with_label(domain, local[i]))
            return true;
    return false;
}

/* The domain after the hash label: valid labels, lower-cased into `out`, and local. */
static bool check_domain(const labels *ls, altroot_key_hash_name *out, char *detail, size_t len)
{
    size_t used = 0;
    if (ls->count < 3) {
        snprintf(detail, len, "no local domain after the hash label");
        return false;
    }
    for (size_t i = 2; i < ls->count; i++) {
        altroot_span l = ls->items[i];
        if (!is_ldh_label(l)) {
            snprintf(detail, len, "label %zu of the domain is not 1 to 63 letters, digits, hyphens",
                     i - 1);
            return false;
        }
        if (i > 2)
            out->domain[used++] = '.';
        for (size_t j = 0; j < l.len; j++)
            out->domain[used++] = (char)to_lower(l.ptr[j]);
    }
    out->domain[used] = '\0';
    if (!is_local_domain(out->domain)) {
        snprintf(detail, len,
                 "\"%s\" is not a local domain (local, home.arpa, internal, localhost)",
                 out->domain);
        return false;
    }
    return true;
}

/* Section 5: encoded-hostname = friendly-name "." hash-algorithm hash, in a local domain. */
static bool check_form(const labels *ls, altroot_key_hash_name *out, char *detail, size_t len)
{
    if (ls->lookalike != 1) {
        snprintf(detail, len, "%s",
                 ls->lookalike == 0 ? "no friendly name before the hash label"
                                    : "the hash label must be the second label");
        return false;
    }
    if (!is_ldh_label(ls->items[0])) {
        snprintf(detail, len, "the first label is not 1 to 63 letters, digits, hyphens");
        return false;
    }
    altroot_span h = ls->items[1];
    if (h.ptr[0] != '0') {
        snprintf(detail, len, "hash algorithm '%c' is not defined (0 is SHA-256)", h.ptr[0]);
        return false;
    }
    if (h.len != 1 + SHA256_B32_LEN) {
        snprintf(detail, len, "the hash label has %zu characters; SHA-256 needs 1 + %d", h.len,
                 SHA256_B32_LEN);
        return false;
    }
    if (!decode_sha256((altroot_span){h.ptr + 1, SHA256_B32_LEN}, out->hash, detail, len))
        return false;
    out->algorithm = ALTROOT_KEY_HASH_ALG_SHA256;
    snprintf(out->friendly, sizeof out->friendly, "%.*s", (int)ls->items[0].len,
             (const char *)ls->items[0].ptr);
    return check_domain(ls, out, detail, len);
}

altroot_err altroot_key_hash_name_parse(altroot_span host, bool *found, altroot_key_hash_name *out,
                                        char *detail, size_t detail_len)
{
    ENSURE(found != NULL && out != NULL && (host.ptr != NULL || host.len == 0), ALTROOT_E_ARG);
    char scratch[160];
    char *why = detail != NULL && detail_len > 0 ? detail : scratch;
    size_t why_len = why == detail ? detail_len : sizeof scratch;
    why[0] = '\0';
    *found = false;
    /* One final dot names the same host (RFC 1034 3.1). */
    if (host.len > 0 && host.ptr[host.len - 1] == '.')
        host.len--;
    labels ls;
    split(host, &ls);
    if (!ls.has_lookalike)
        return ALTROOT_OK;
    altroot_key_hash_name parsed;
    memset(&parsed, 0, sizeof parsed);
    if (host.len > ALTROOT_KEY_HASH_NAME_MAX) {
        snprintf(why, why_len, "the name is longer than %d characters", ALTROOT_KEY_HASH_NAME_MAX);
        return ALTROOT_E_KEY_HASH_NAME_MALFORMED;
    }
    if (!check_form(&ls, &parsed, why, why_len))
        return ALTROOT_E_KEY_HASH_NAME_MALFORMED;
    *out = parsed;
    *found = true;
    return ALTROOT_OK;
}

static void encode_label(const uint8_t hash[32], char out[ALTROOT_KEY_HASH_LABEL_LEN + 1])
{
    uint32_t acc = 0;
    unsigned bits = 0;
    size_t n = 0;
    out[n++] = '0';
    for (size_t i = 0; i < 32; i++) {
        acc = (acc << 8) | hash[i];
        bits += 8;
        while (bits >= 5) {
            bits -= 5;
            out[n++] = b32_alphabet[(acc >> bits) & 31U];
        }
        acc &= (1U << bits) - 1U;
    }
    out[n++] = b32_alphabet[(acc << (5 - bits)) & 31U]; /* 256 = 51 * 5 + 1 */
    out[n] = '\0';
}

altroot_err altroot_key_hash_label(const altroot_key *key, char *out, size_t len)
{
    ENSURE(key != NULL && out != NULL, ALTROOT_E_ARG);
    ENSURE(len > ALTROOT_KEY_HASH_LABEL_LEN, ALTROOT_E_TOO_LARGE);
    uint8_t h[32];
    TRY(altroot_key_spki_sha256(key, h));
    encode_label(h, out);
    return ALTROOT_OK;
}

altroot_err altroot_cert_key_hash_label(const altroot_cert *cert, char *out, size_t len)
{
    ENSURE(cert != NULL && out != NULL, ALTROOT_E_ARG);
    ENSURE(len > ALTROOT_KEY_HASH_LABEL_LEN, ALTROOT_E_TOO_LARGE);
    uint8_t h[32];
    TRY(altroot_cert_spki_sha256(cert, h));
    encode_label(h, out);
    return ALTROOT_OK;
}

altroot_err altroot_key_hash_name_for(const altroot_key *key, const char *short_name, char *out,
                                      size_t len)
{
    ENSURE(key != NULL && short_name != NULL && out != NULL && len > 0, ALTROOT_E_ARG);
    char label[ALTROOT_KEY_HASH_LABEL_LEN + 1];
    TRY(altroot_key_hash_label(key, label, sizeof label));
    size_t n = strlen(short_name);
    if (n > 0 && short_name[n - 1] == '.')
        n--;
    const char *dot = memchr(short_name, '.', n);
    size_t first = dot != NULL ? (size_t)(dot - short_name) : n;
    const char *rest = dot != NULL ? dot + 1 : "local";
    int rest_len = dot != NULL ? (int)(n - first - 1) : (int)strlen(rest);
    int w = snprintf(out, len, "%.*s.%s.%.*s", (int)first, short_name, label, rest_len, rest);
    ENSURE(w > 0 && (size_t)w < len, ALTROOT_E_TOO_LARGE);
    bool found = false;
    altroot_key_hash_name parsed;
    altroot_err err = altroot_key_hash_name_parse((altroot_span){(const uint8_t *)out, (size_t)w},
                                                  &found, &parsed, NULL, 0);
    if (err != ALTROOT_OK || !found) {
        out[0] = '\0';
        return ALTROOT_E_ARG;
    }
    return ALTROOT_OK;
}

altroot_err altroot_key_hash_name_check(const altroot_key_hash_name *name, const altroot_cert *cert,
                                        bool *match)
{
    ENSURE(name != NULL && cert != NULL && match != NULL, ALTROOT_E_ARG);
    ENSURE(name->algorithm == ALTROOT_KEY_HASH_ALG_SHA256, ALTROOT_E_ARG);
    uint8_t h[32];
    TRY(altroot_cert_spki_sha256(cert, h));
    *match = altroot_span_equal_ct((altroot_span){h, 32}, (altroot_span){name->hash, 32});
    return ALTROOT_OK;
}
