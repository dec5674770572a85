/*
 * Voucher text wrapping: base64 of the raw CBOR between "-----BEGIN OWNERSHIP VOUCHER-----" and
 * "-----END OWNERSHIP VOUCHER-----" (fdo-rs VOUCHER_PEM_TAG, go-fdo, pri-fidoiot VoucherUtils,
 * the conformance tools). CRLF line ends (pri-fidoiot) and other blocks (the owner's private key
 * that the conformance tools and fdo-rs append) are allowed.
 */
#include <string.h>

#include <altroot/alloc.h>
#include <altroot/fdo.h>

#include "../core/guard.h"
#include "../core/text.h"
#include "fdo_internal.h"

#define PEM_LABEL_MAX 64
static const char VOUCHER_LABEL[] = "OWNERSHIP VOUCHER";

/* RFC 4648 4, strict: only the alphabet, "=" padding only to complete the last quantum,
 * whitespace (line breaks) ignored, never empty. The unused bits of the last group are not
 * checked, as other FDO implementations do not check them. */
altroot_err fdo_base64_decode(altroot_span text, altroot_bytes *out)
{
    size_t before = out->len;
    altroot_err err = altroot_base64_decode_append(text, ALTROOT_B64_NONCANONICAL, out);
    if (err == ALTROOT_E_MALFORMED)
        return ALTROOT_E_PEM;
    TRY(err);
    ENSURE(out->len > before, ALTROOT_E_PEM);
    return ALTROOT_OK;
}

altroot_err fdo_base64_encode_lines(altroot_span data, altroot_bytes *out)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    altroot_cursor c;
    altroot_cursor_init(&c, data);
    size_t col = 0;
    while (altroot_cursor_remaining(&c) > 0) {
        size_t take = altroot_cursor_remaining(&c) < 3 ? altroot_cursor_remaining(&c) : 3;
        uint8_t in[3] = {0, 0, 0};
        altroot_cursor_copy(&c, in, take);
        uint32_t v = ((uint32_t)in[0] << 16) | ((uint32_t)in[1] << 8) | in[2];
        char q[4] = {alphabet[(v >> 18) & 63], alphabet[(v >> 12) & 63],
                     (char)(take > 1 ? alphabet[(v >> 6) & 63] : '='),
                     (char)(take > 2 ? alphabet[v & 63] : '=')};
        TRY(altroot_bytes_append(out, q, 4));
        col += 4;
        if (col == 64 || altroot_cursor_remaining(&c) == 0) {
            TRY(altroot_bytes_append_u8(out, '\n'));
            col = 0;
        }
    }
    return ALTROOT_OK;
}

/* The next line (without "\r\n" or "\n"); false at the end of the text. */
static bool next_line(altroot_cursor *c, altroot_span *line)
{
    if (altroot_cursor_remaining(c) == 0)
        return false;
    altroot_cursor start = *c;
    size_t len = 0;
    while (altroot_cursor_remaining(c) > 0 && altroot_cursor_peek_u8(c) != '\n') {
        (void)altroot_cursor_u8(c);
        len++;
    }
    if (altroot_cursor_remaining(c) > 0)
        (void)altroot_cursor_u8(c);
    altroot_cursor last = start;
    *line = altroot_cursor_span(&start, len);
    if (len > 0) {
        (void)altroot_cursor_span(&last, len - 1);
        if (altroot_cursor_u8(&last) == '\r')
            line->len--;
    }
    return true;
}

/* "-----BEGIN <label>-----" or "-----END <label>-----": copies the label (NUL-terminated). */
static bool boundary(altroot_span line, const char *kind, char label[PEM_LABEL_MAX])
{
    size_t k = strlen(kind);
    if (line.len < 10 + k + 1 || line.len - 10 - k >= PEM_LABEL_MAX)
        return false;
    altroot_cursor c;
    altroot_cursor_init(&c, line);
    char head[5 + 16];
    altroot_cursor_copy(&c, head, 5 + k);
    if (memcmp(head, "-----", 5) != 0 || memcmp(head + 5, kind, k) != 0)
        return false;
    size_t n = line.len - 10 - k;
    altroot_cursor_copy(&c, label, n);
    label[n] = '\0';
    char tail[5];
    altroot_cursor_copy(&c, tail, 5);
    return altroot_cursor_ok(&c) && memcmp(tail, "-----", 5) == 0 && strlen(label) == n;
}

typedef struct pem_block {
    char label[PEM_LABEL_MAX];
    altroot_span body; /* the base64 lines, borrowed */
} pem_block;

/* The body after a BEGIN line (b->label set), up to the END line with the same label. */
static altroot_err pem_body(altroot_cursor *c, pem_block *b)
{
    altroot_span line;
    char end_label[PEM_LABEL_MAX];
    altroot_cursor body_start = *c;
    size_t body_len = 0;
    while (next_line(c, &line)) {
        if (boundary(line, "END ", end_label)) {
            ENSURE(strcmp(end_label, b->label) == 0, ALTROOT_E_PEM);
            b->body = altroot_cursor_span(&body_start, body_len);
            return ALTROOT_OK;
        }
        body_len = c->pos - body_start.pos;
    }
    return ALTROOT_E_PEM; /* no END line */
}

/* The next PEM block at or after the cursor. */
static altroot_err pem_next(altroot_cursor *c, pem_block *b)
{
    altroot_span line;
    while (next_line(c, &line)) {
        if (boundary(line, "BEGIN ", b->label))
            return pem_body(c, b);
    }
    return ALTROOT_E_NOT_FOUND;
}

bool fdo_is_raw_cbor(altroot_span data)
{
    /* A voucher is a CBOR array (0x80..0x9f); PEM text starts with a printable character. */
    return data.len > 0 && (data.ptr[0] & 0xe0) == 0x80;
}

altroot_err fdo_pem_voucher(altroot_span text, size_t index, altroot_bytes *out)
{
    altroot_cursor c;
    altroot_cursor_init(&c, text);
    pem_block b;
    size_t seen = 0;
    altroot_err err;
    while ((err = pem_next(&c, &b)) == ALTROOT_OK) {
        if (strcmp(b.label, VOUCHER_LABEL) != 0)
            continue;
        if (seen++ == index)
            return fdo_base64_decode(b.body, out);
    }
    return err;
}

size_t altroot_fdo_pem_count(altroot_span data)
{
    if (fdo_is_raw_cbor(data))
        return 1;
    altroot_cursor c;
    altroot_cursor_init(&c, data);
    pem_block b;
    size_t n = 0;
    while (pem_next(&c, &b) == ALTROOT_OK)
        n += strcmp(b.label, VOUCHER_LABEL) == 0;
    return n;
}

static altroot_err wrap_pem(const char *label, altroot_span der, altroot_bytes *out)
{
    TRY(altroot_bytes_append(out, "-----BEGIN ", 11));
    TRY(altroot_bytes_append(out, label, strlen(label)));
    TRY(altroot_bytes_append(out, "-----\n", 6));
    TRY(fdo_base64_encode_lines(der, out));
    TRY(altroot_bytes_append(out, "-----END ", 9));
    TRY(altroot_bytes_append(out, label, strlen(label)));
    return altroot_bytes_append(out, "-----\n", 6);
}

altroot_err altroot_fdo_voucher_to_pem(altroot_span cbor, altroot_bytes *out)
{
    ENSURE(cbor.len > 0 && out != NULL, ALTROOT_E_ARG);
    return wrap_pem(VOUCHER_LABEL, cbor, out);
}

/* Parse by content: PKCS#8 mislabelled "EC PRIVATE KEY" occurs (fdo-rs v100, v101/voucher3). */
static altroot_err key_any_label(altroot_span der, altroot_key **out)
{
    static const char *const labels[] = {"PRIVATE KEY", "EC PRIVATE KEY", "RSA PRIVATE KEY"};
    altroot_err err = ALTROOT_E_KEY_PARSE;
    for (size_t i = 0; i < ALTROOT_ARRAY_LEN(labels) && err != ALTROOT_OK; i++) {
        altroot_bytes pem = ALTROOT_BYTES_INIT;
        err = wrap_pem(labels[i], der, &pem);
        if (err == ALTROOT_OK)
            err = altroot_key_parse_private(altroot_bytes_span(&pem), out);
        altroot_bytes_clear(&pem);
        if (err == ALTROOT_E_NOMEM)
            return err;
    }
    return err;
}

altroot_err altroot_fdo_pem_private_key(altroot_span data, altroot_key **out)
{
    ENSURE(out != NULL, ALTROOT_E_ARG);
    altroot_cursor c;
    altroot_cursor_init(&c, data);
    pem_block b;
    altroot_err err;
    while ((err = pem_next(&c, &b)) == ALTROOT_OK) {
        size_t n = strlen(b.label);
        if (n < 11 || strcmp(b.label + n - 11, "PRIVATE KEY") != 0)
            continue;
        altroot_bytes der = ALTROOT_BYTES_INIT;
        err = fdo_base64_decode(b.body, &der);
        if (err == ALTROOT_OK)
            err = key_any_label(altroot_bytes_span(&der), out);
        altroot_bytes_clear(&der);
        return err;
    }
    return err;
}
