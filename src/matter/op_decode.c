/*
 * An operational certificate in any form it travels in, decoded into the Matter profile:
 * Matter TLV (raw, base64 as in the SDK's .chip-b64 files, or hex as in .chip.hex) or X.509
 * (DER, or PEM with exactly one certificate). When the profile parser rejects a subject, the
 * subject is read again on its own so that the failure carries the code of the rule it broke
 * (type, node id, fabric id, CATs) rather than a bare "malformed".
 */
#include <stdio.h>
#include <string.h>

#include <altroot/matter_op.h>

#include "../core/guard.h"
#include "../core/text.h"
#include "../encoding/tlv.h"
#include "op_internal.h"

/* "-----BEGIN" starts every PEM block (RFC 7468 2). */
static const char PEM_BEGIN[] = "-----BEGIN";
/* An anonymous TLV structure (Matter spec A.7: tag control 0, element type 0x15). */
#define TLV_ANON_STRUCT 0x15u
/* DER SEQUENCE, the first octet of every X.509 certificate. */
#define DER_SEQUENCE 0x30u
/* Matter arc 1.3.6.1.4.1.37244.1.N, as dotted text, for the DER side of the diagnosis. */
static const char MATTER_DN_ARC[] = "1.3.6.1.4.1.37244.1.";

void altroot_matter_op_cert_clear(altroot_matter_op_cert *c)
{
    if (c == NULL)
        return;
    altroot_bytes_clear(&c->raw);
    altroot_bytes_clear(&c->der);
    memset(c, 0, sizeof *c);
}

/* ---- text forms ----------------------------------------------------------------------------- */

/* Hex digits only, in pairs (whitespace ignored, also inside a pair); never empty. */
static altroot_err decode_hex(altroot_span in, altroot_bytes *out)
{
    TRY(altroot_hex_decode_append(in, ALTROOT_HEX_SKIP_SPACE, out));
    ENSURE(out->len > 0, ALTROOT_E_MALFORMED);
    return ALTROOT_OK;
}

/* RFC 4648 4 base64 with optional '=' padding at the end only; whitespace ignored; never empty.
 * Leftover bits must be zero (RFC 4648 3.5: canonical encoding), so one certificate has one
 * text. */
static altroot_err decode_b64(altroot_span in, altroot_bytes *out)
{
    TRY(altroot_base64_decode_append(in, ALTROOT_B64_PAD_OPTIONAL, out));
    ENSURE(out->len > 0, ALTROOT_E_MALFORMED);
    return ALTROOT_OK;
}

static bool all_hex(altroot_span in)
{
    for (size_t i = 0; i < in.len; i++)
        if (!altroot_text_is_space(in.ptr[i]) && altroot_hex_digit(in.ptr[i]) < 0)
            return false;
    return true;
}

static altroot_err unwrap_pem(altroot_span in, altroot_bytes *raw, char *detail, size_t len)
{
    altroot_certs *certs = NULL;
    altroot_err err = altroot_certs_new(&certs);
    if (err == ALTROOT_OK)
        err = altroot_certs_parse(certs, in);
    if (err == ALTROOT_OK && altroot_certs_count(certs) != 1) {
        snprintf(detail, len, "PEM holds %zu certificates, not one", altroot_certs_count(certs));
        err = ALTROOT_E_MALFORMED;
    } else if (err != ALTROOT_OK && err != ALTROOT_E_NOMEM) {
        snprintf(detail, len, "PEM: %s", altroot_error_name(err));
    }
    if (err == ALTROOT_OK) {
        altroot_span der = altroot_cert_der(altroot_certs_get(certs, 0));
        err = altroot_bytes_append(raw, der.ptr, der.len);
    }
    altroot_certs_free(certs);
    return err;
}

/* The certificate bytes, whatever the wrapping. */
static altroot_err unwrap(altroot_span in, altroot_bytes *raw, char *detail, size_t len)
{
    size_t n = sizeof PEM_BEGIN - 1;
    if (in.len >= n && memcmp(in.ptr, PEM_BEGIN, n) == 0)
        return unwrap_pem(in, raw, detail, len);
    if (in.len > 0 && (in.ptr[0] == DER_SEQUENCE || in.ptr[0] == TLV_ANON_STRUCT))
        return altroot_bytes_append(raw, in.ptr, in.len);
    /* Text: hex when it only has hex digits (a base64 certificate starts "FTAB" or "MII"). */
    altroot_err err = all_hex(in) ? decode_hex(in, raw) : decode_b64(in, raw);
    if (err != ALTROOT_OK && err != ALTROOT_E_NOMEM)
        snprintf(detail, len, "neither TLV, DER, PEM, base64 nor hex");
    return err;
}

/* ---- subject diagnosis ---------------------------------------------------------------------- */

typedef struct diag {
    size_t ids, fabrics, cats;
    bool node, node_range, fabric_zero, cat_version0, cat_dup, cat_wide;
    uint32_t cat_ids[8];
} diag;

static void diag_add(diag *d, uint8_t attr, uint64_t v)
{
    if (attr == ALTROOT_MATTER_ATTR_FABRIC_ID) {
        d->fabrics++;
        d->fabric_zero = d->fabric_zero || v == 0;
    } else if (attr == ALTROOT_MATTER_ATTR_NOC_CAT) {
        d->cat_wide = d->cat_wide || v > UINT32_MAX;
        d->cat_version0 = d->cat_version0 || (v & 0xFFFFu) == 0;
        for (size_t i = 0; i < d->cats && i < ALTROOT_ARRAY_LEN(d->cat_ids); i++)
            d->cat_dup = d->cat_dup || d->cat_ids[i] == (uint32_t)((v >> 16) & 0xFFFFu);
        if (d->cats < ALTROOT_ARRAY_LEN(d->cat_ids))
            d->cat_ids[d->cats] = (uint32_t)((v >> 16) & 0xFFFFu);
        d->cats++;
    } else if (attr >= ALTROOT_MATTER_ATTR_NODE_ID && attr <= ALTROOT_MATTER_ATTR_VVS_ID) {
        d->ids++;
        if (attr == ALTROOT_MATTER_ATTR_NODE_ID) {
            d->node = true;
            /* Spec 2.5.5.1 [from memory]: operational node ids 1 .. 0xFFFFFFEFFFFFFFFF. */
            d->node_range = d->node_range || v == 0 || v > 0xFFFFFFEFFFFFFFFFull;
        }
    }
}

/* The rule a subject breaks, or E_MATTER_OP_FORMAT when it breaks none of these. */
static altroot_err diag_code(const diag *d, char *detail, size_t len)
{
    /* No identifier at all parses (type unknown) and is judged by position later. */
    if (d->ids > 1) {
        snprintf(detail, len, "subject has %zu certificate-type identifiers, not one", d->ids);
        return ALTROOT_E_MATTER_OP_TYPE;
    }
    if (d->node_range) {
        snprintf(detail, len, "node id outside 0x0000000000000001..0xFFFFFFEFFFFFFFFF");
        return ALTROOT_E_MATTER_OP_NODE_ID;
    }
    if (d->fabrics > 1 || d->fabric_zero || (d->node && d->fabrics == 0)) {
        snprintf(detail, len, "%s",
                 d->fabrics > 1   ? "subject has two fabric ids"
                 : d->fabric_zero ? "fabric id 0 is not a valid fabric id"
                                  : "node certificate has no fabric id");
        return ALTROOT_E_MATTER_OP_FABRIC_MISMATCH;
    }
    if (d->cats > 0 && (!d->node || d->cats > ALTROOT_MATTER_OP_CAT_MAX || d->cat_version0 ||
                        d->cat_dup || d->cat_wide)) {
        snprintf(detail, len, "%s",
                 !d->node                              ? "CATs in a subject that is not a NOC"
                 : d->cats > ALTROOT_MATTER_OP_CAT_MAX ? "more than three CATs"
                 : d->cat_version0                     ? "a CAT with version 0"
                 : d->cat_dup                          ? "two CATs with the same identifier"
                                                       : "a CAT wider than 32 bits");
        return ALTROOT_E_MATTER_OP_CAT;
    }
    return ALTROOT_E_MATTER_OP_FORMAT;
}

/* TLV: the subject list is member [6] of the top-level structure. */
static void diag_tlv(altroot_span raw, diag *d)
{
    altroot_tlv_reader r;
    altroot_tlv_elem e;
    altroot_tlv_reader_init(&r, raw, 0);
    if (altroot_tlv_expect(&r, -1, ALTROOT_TLV_STRUCT, &e) != ALTROOT_OK)
        return;
    while (altroot_tlv_next(&r, &e) == ALTROOT_OK && e.type != ALTROOT_TLV_END) {
        if (e.tag.form == ALTROOT_TLV_TAG_CONTEXT && e.tag.number == 6 &&
            e.type == ALTROOT_TLV_LIST)
            break;
        if (altroot_tlv_skip(&r, &e) != ALTROOT_OK)
            return;
    }
    if (e.type != ALTROOT_TLV_LIST)
        return;
    while (altroot_tlv_next(&r, &e) == ALTROOT_OK && e.type == ALTROOT_TLV_UINT &&
           e.tag.form == ALTROOT_TLV_TAG_CONTEXT && e.tag.number <= 0x7F)
        diag_add(d, (uint8_t)e.tag.number, e.u);
}

static bool parse_hex_value(const altroot_name_attr *a, uint64_t *out)
{
    if (a->value_len != 16 && a->value_len != 8)
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < a->value_len; i++) {
        int h = altroot_hex_digit(a->value[i]);
        if (h < 0)
            return false;
        v = v << 4 | (uint64_t)h;
    }
    *out = v;
    return true;
}

/* DER: the subject through the crypto boundary's attribute reader. */
static void diag_der(altroot_span raw, diag *d)
{
    altroot_cert *cert = NULL;
    altroot_name_attr attrs[8];
    size_t count = 0, arc = sizeof MATTER_DN_ARC - 1;
    if (altroot_cert_from_der(raw, &cert) != ALTROOT_OK)
        return;
    if (altroot_cert_subject_attrs(cert, attrs, ALTROOT_ARRAY_LEN(attrs), &count) != ALTROOT_OK)
        count = 0;
    for (size_t i = 0; i < count && i < ALTROOT_ARRAY_LEN(attrs); i++) {
        uint64_t v;
        if (strncmp(attrs[i].oid, MATTER_DN_ARC, arc) != 0 || !parse_hex_value(&attrs[i], &v))
            continue;
        const char *num = attrs[i].oid + arc;
        if (num[0] >= '1' && num[0] <= '7' && num[1] == '\0')
            diag_add(d, (uint8_t)(ALTROOT_MATTER_ATTR_NODE_ID + (num[0] - '1')), v);
    }
    altroot_cert_free(cert);
}

/* ---- decode --------------------------------------------------------------------------------- */

/* Without `diagnose`, a certificate that breaks a rule is only E_MATTER_OP_FORMAT: the DER
 * diagnosis parses it again with OpenSSL, which a caller asking only "is it one?" need not pay. */
static altroot_err parse(altroot_matter_op_cert *out, bool der, bool diagnose, char *detail,
                         size_t len)
{
    altroot_span raw = altroot_bytes_span(&out->raw);
    altroot_err err = der ? altroot_matter_cert_parse_der(raw, &out->c)
                          : altroot_matter_cert_parse_tlv(raw, 0, &out->c);
    if (err == ALTROOT_E_NOMEM)
        return err;
    if (err != ALTROOT_OK && !diagnose)
        return ALTROOT_E_MATTER_OP_FORMAT;
    if (err != ALTROOT_OK) {
        diag d;
        memset(&d, 0, sizeof d);
        if (der)
            diag_der(raw, &d);
        else
            diag_tlv(raw, &d);
        altroot_err code = diag_code(&d, detail, len);
        if (code == ALTROOT_E_MATTER_OP_FORMAT)
            snprintf(detail, len, "%s: %s (%s)", der ? "X.509" : "Matter TLV",
                     altroot_strerror(err), altroot_error_name(err));
        return code;
    }
    out->parsed = true;
    return altroot_matter_cert_to_der(&out->c, &out->der);
}

static altroot_err decode(altroot_span in, altroot_matter_op_cert *out, bool diagnose, char *detail,
                          size_t detail_len)
{
    ENSURE(out != NULL && detail != NULL && detail_len > 0, ALTROOT_E_INTERNAL);
    detail[0] = '\0';
    if (in.len == 0) {
        snprintf(detail, detail_len, "empty input");
        return ALTROOT_E_MATTER_OP_FORMAT;
    }
    altroot_err err = unwrap(in, &out->raw, detail, detail_len);
    if (err == ALTROOT_E_NOMEM)
        return err;
    if (err != ALTROOT_OK)
        return ALTROOT_E_MATTER_OP_FORMAT;
    uint8_t first = out->raw.ptr[0];
    if (first != DER_SEQUENCE && first != TLV_ANON_STRUCT) {
        snprintf(detail, detail_len, "decoded bytes are neither Matter TLV nor DER");
        return ALTROOT_E_MATTER_OP_FORMAT;
    }
    err = parse(out, first == DER_SEQUENCE, diagnose, detail, detail_len);
    if (err != ALTROOT_OK && err != ALTROOT_E_NOMEM && detail[0] == '\0')
        snprintf(detail, detail_len, "%s (%s)", altroot_strerror(err), altroot_error_name(err));
    return err;
}

altroot_err altroot_matter_op_cert_decode(altroot_span in, altroot_matter_op_cert *out,
                                          char *detail, size_t detail_len)
{
    return decode(in, out, true, detail, detail_len);
}

altroot_err altroot_matter_op_cert_convert(altroot_span in, altroot_bytes *der, altroot_bytes *tlv)
{
    ENSURE(der != NULL, ALTROOT_E_INTERNAL);
    altroot_matter_op_cert c;
    char detail[160];
    memset(&c, 0, sizeof c);
    altroot_err err = decode(in, &c, false, detail, sizeof detail);
    /* Every rule broken at decoding is a format problem for a plain conversion. */
    if (err != ALTROOT_OK && err != ALTROOT_E_NOMEM)
        err = ALTROOT_E_MATTER_OP_FORMAT;
    altroot_bytes t = ALTROOT_BYTES_INIT;
    if (err == ALTROOT_OK && tlv != NULL)
        err = altroot_matter_cert_to_tlv(&c.c, &t);
    size_t der_len = der->len;
    if (err == ALTROOT_OK)
        err = altroot_bytes_append(der, c.der.ptr, c.der.len);
    if (err == ALTROOT_OK && tlv != NULL)
        err = altroot_bytes_append(tlv, t.ptr, t.len);
    if (err != ALTROOT_OK)
        der->len = der_len < der->len ? der_len : der->len;
    altroot_bytes_clear(&t);
    altroot_matter_op_cert_clear(&c);
    return err;
}
