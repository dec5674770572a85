/*
 * oid_arcs: walks every OBJECT IDENTIFIER of every certificate given (PEM or DER files) and
 * fails on any arc of 2^28 or more, the largest RFC 5280 Appendix B promises every parser reads
 * (GnuTLS keeps arcs in 64 bits, Go in 31). A DER walk, not a text search: it descends into
 * every constructed element, and into OCTET STRING and BIT STRING contents that are themselves
 * DER (an extension's extnValue), so the OIDs inside extendedKeyUsage or certificatePolicies
 * count too.
 *
 *   oid_arcs FILE...        walk; prints one line per file, exit 1 on any large arc
 *   oid_arcs --faults KIND  the fault names of `altroot mint KIND` (matter, devid, mud)
 *   oid_arcs --op DIR       mint a Matter fabric with every operational-certificate fault and
 *                           write its certificates (DER) to DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <altroot/altroot.h>
#include <altroot/devid.h>
#include <altroot/matter.h>
#include <altroot/matter_op.h>
#include <altroot/mud.h>

#define ARC_LIMIT (1ull << 28)

typedef struct walk {
    const char *file;
    size_t oids, bad;
} walk;

/* One TLV at p[0..n): tag, header length and content length; false when it does not fit. */
static bool tlv(const uint8_t *p, size_t n, uint8_t *tag, size_t *hdr, size_t *len)
{
    if (n < 2 || (p[0] & 0x1f) == 0x1f)
        return false;
    *tag = p[0];
    size_t l = p[1], h = 2;
    if (l & 0x80) {
        size_t k = l & 0x7f;
        if (k == 0 || k > 4 || n < 2 + k)
            return false;
        l = 0;
        for (size_t i = 0; i < k; i++)
            l = (l << 8) | p[2 + i];
        h += k;
    }
    if (l > n - h)
        return false;
    *hdr = h;
    *len = l;
    return true;
}

/* Whether p[0..n) is a sequence of complete TLVs, constructed ones checked to the bottom. */
static bool is_der(const uint8_t *p, size_t n, int depth)
{
    if (n == 0 || depth > 32)
        return false;
    while (n > 0) {
        uint8_t tag;
        size_t h, l;
        if (!tlv(p, n, &tag, &h, &l))
            return false;
        if ((tag & 0x20) && l > 0 && !is_der(p + h, l, depth + 1))
            return false;
        p += h + l;
        n -= h + l;
    }
    return true;
}

/* Append subidentifier p[0..n) (base 128, any size) in decimal to `text`. */
static void append_arc(char *text, size_t cap, const uint8_t *p, size_t n)
{
    uint8_t dec[160] = {0}; /* little-endian decimal digits */
    size_t digits = 1;
    for (size_t i = 0; i < n; i++) {
        unsigned carry = p[i] & 0x7f;
        for (size_t d = 0; d < digits || carry; d++) {
            if (d == sizeof dec)
                return;
            unsigned v = (d < digits ? dec[d] * 128u : 0u) + carry;
            dec[d] = (uint8_t)(v % 10);
            carry = v / 10;
            digits = d + 1 > digits ? d + 1 : digits;
        }
    }
    size_t used = strlen(text);
    for (size_t d = digits; d > 0 && used + 2 < cap; d--)
        text[used++] = (char)('0' + dec[d - 1]);
    text[used] = '\0';
}

/* X.690 8.19: base-128 subidentifiers; the first holds the first two arcs (40 * X + Y). An arc
 * is 2^28 or more exactly when its value needs more than 28 bits. */
static void check_oid(walk *w, const uint8_t *p, size_t n)
{
    char text[512] = "";
    bool bad = n == 0 || (p[n - 1] & 0x80) != 0;
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] & 0x80)
            continue;
        const uint8_t *sub = p + start;
        size_t len = i + 1 - start;
        uint64_t v = 0;
        for (size_t k = 0; k < len && k < 9; k++)
            v = (v << 7) | (sub[k] & 0x7f);
        bool big = len > 9 || (len > 4 && v >= (1ull << 28));
        if (start == 0 && !big) {
            unsigned x = v < 40 ? 0 : v < 80 ? 1 : 2;
            uint64_t y = v - 40ull * x;
            snprintf(text, sizeof text, "%u.%llu", x, (unsigned long long)y);
            big = y >= ARC_LIMIT;
        } else {
            strncat(text, ".", sizeof text - strlen(text) - 1);
            append_arc(text, sizeof text, sub, len);
            big = big || v >= ARC_LIMIT;
        }
        bad = bad || big;
        start = i + 1;
    }
    w->oids++;
    if (bad) {
        w->bad++;
        printf("%s: OID %s has an arc of 2^28 or more\n", w->file, text[0] ? text : "(malformed)");
    }
}

/* `in_octets`: p is the content of an OCTET STRING (an extnValue). An OCTET STRING directly in
 * it is data, not DER to walk: a subjectKeyIdentifier's 20 random octets are sometimes a
 * well-formed TLV holding an "OID" that no parser ever reads as one. */
static void walk_der(walk *w, const uint8_t *p, size_t n, int depth, bool in_octets)
{
    while (n > 0 && depth <= 32) {
        uint8_t tag;
        size_t h, l;
        if (!tlv(p, n, &tag, &h, &l))
            return;
        const uint8_t *c = p + h;
        if (tag == 0x06)
            check_oid(w, c, l);
        else if (tag & 0x20)
            walk_der(w, c, l, depth + 1, false);
        else if (tag == 0x04 && !in_octets && is_der(c, l, 0))
            walk_der(w, c, l, depth + 1, true);
        else if (tag == 0x03 && l > 1 && c[0] == 0 && is_der(c + 1, l - 1, 0))
            walk_der(w, c + 1, l - 1, depth + 1, false);
        p += h + l;
        n -= h + l;
    }
}

static int walk_file(const char *path)
{
    altroot_certs *certs = NULL;
    walk w = {path, 0, 0};
    if (altroot_certs_new(&certs) != ALTROOT_OK ||
        altroot_certs_load_file(certs, path) != ALTROOT_OK || altroot_certs_count(certs) == 0) {
        printf("%s: not a certificate file\n", path);
        altroot_certs_free(certs);
        return 1;
    }
    size_t n = altroot_certs_count(certs);
    for (size_t i = 0; i < n; i++) {
        altroot_span der = altroot_cert_der(altroot_certs_get(certs, i));
        walk_der(&w, der.ptr, der.len, 0, false);
    }
    altroot_certs_free(certs);
    printf("%s: %zu certificate(s), %zu OIDs, %zu with a large arc\n", path, n, w.oids, w.bad);
    return w.bad > 0 || w.oids == 0 ? 1 : 0;
}

static int faults(const char *kind)
{
    if (strcmp(kind, "matter") == 0)
        for (int f = 0; f < ALTROOT_MATTER_FAULT_COUNT; f++)
            printf("%s\n", altroot_matter_fault_name((altroot_matter_fault)f));
    else if (strcmp(kind, "devid") == 0)
        for (int f = 0; f < ALTROOT_DEVID_FAULT_COUNT; f++)
            printf("%s\n", altroot_devid_fault_name((altroot_devid_fault)f));
    else if (strcmp(kind, "mud") == 0)
        for (int f = 0; f < ALTROOT_MUD_FAULT_COUNT; f++)
            printf("%s\n", altroot_mud_fault_name((altroot_mud_fault)f));
    else
        return 2;
    return 0;
}

static int write_der(const char *dir, unsigned bit, const char *what, const altroot_bytes *b)
{
    char path[512];
    if (b->len == 0)
        return 0;
    snprintf(path, sizeof path, "%s/op-fault-%02u-%s.der", dir, bit, what);
    FILE *f = fopen(path, "wb");
    int rc = f != NULL && fwrite(b->ptr, 1, b->len, f) == b->len ? 0 : 1;
    if (f != NULL && fclose(f) != 0)
        rc = 1;
    return rc;
}

/* Every operational-certificate fault, one fabric each (with an ICAC). */
static int op_faults(const char *dir)
{
    int rc = 0;
    for (unsigned bit = 0; bit < 32 && rc == 0; bit++) {
        altroot_matter_op_fabric f;
        memset(&f, 0, sizeof f);
        altroot_matter_op_mint_params p = {.fabric_id = 0xFAB000000000001DULL,
                                           .node_id = 0xDEDEDEDE00010001ULL,
                                           .rcac_id = 0xCACACACA00000001ULL,
                                           .icac_id = 0xCACACACA00000002ULL,
                                           .with_icac = true,
                                           .not_before = 1798761600,
                                           .not_after = 1798761600 + 86400,
                                           .faults = 1u << bit};
        if (altroot_matter_op_fabric_mint(&p, &f) != ALTROOT_OK)
            continue; /* not a fault bit */
        rc = write_der(dir, bit, "noc", &f.noc_der) || write_der(dir, bit, "icac", &f.icac_der) ||
             write_der(dir, bit, "rcac", &f.rcac_der);
        altroot_matter_op_fabric_clear(&f);
    }
    return rc;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--faults") == 0)
        return faults(argv[2]);
    if (argc == 3 && strcmp(argv[1], "--op") == 0)
        return op_faults(argv[2]);
    if (argc < 2) {
        fprintf(stderr, "usage: oid_arcs FILE... | --faults KIND | --op DIR\n");
        return 2;
    }
    int rc = 0;
    for (int i = 1; i < argc; i++)
        rc |= walk_file(argv[i]);
    return rc;
}
