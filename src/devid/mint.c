/*
 * Minting DevID test PKIs: manufacturer CAs, IDevIDs with every 802.1AR field, LDevIDs, signers,
 * each with an injectable fault so every rule has a negative test on artefacts made here.
 */
#include <stdlib.h>
#include <string.h>

#include <altroot/alloc.h>
#include <altroot/devid.h>

#include "../core/guard.h"
#include "../encoding/der.h"

static const struct {
    altroot_devid_fault f;
    const char *name;
} FAULTS[] = {
    {ALTROOT_DEVID_FAULT_NONE, "none"},
    {ALTROOT_DEVID_FAULT_CA_TRUE, "ca-true"},
    {ALTROOT_DEVID_FAULT_NO_SERIAL, "no-serial"},
    {ALTROOT_DEVID_FAULT_SERIAL_UTF8, "serial-utf8"},
    {ALTROOT_DEVID_FAULT_HWMODULE_BADTAG, "hwmodule-badtag"},
    {ALTROOT_DEVID_FAULT_HWMODULE_TRAILING, "hwmodule-trailing"},
    {ALTROOT_DEVID_FAULT_HTTP_MUD_URL, "http-mud-url"},
    {ALTROOT_DEVID_FAULT_MASA_URL_UTF8, "masa-url-utf8"},
    {ALTROOT_DEVID_FAULT_MUDSIGNER_BAD, "mudsigner-bad"},
    {ALTROOT_DEVID_FAULT_KU_NO_DIGSIG, "ku-no-digsig"},
    {ALTROOT_DEVID_FAULT_KU_CERTSIGN, "ku-certsign"},
    {ALTROOT_DEVID_FAULT_NO_KU, "no-ku"},
    {ALTROOT_DEVID_FAULT_UTC_EXPIRY, "utc-expiry"},
    {ALTROOT_DEVID_FAULT_NO_AKI, "no-aki"},
    {ALTROOT_DEVID_FAULT_V1, "v1"},
    {ALTROOT_DEVID_FAULT_EMPTY_SUBJECT_SAN_NONCRITICAL, "empty-subject-san-noncritical"},
};

const char *altroot_devid_fault_name(altroot_devid_fault f)
{
    for (size_t i = 0; i < ALTROOT_ARRAY_LEN(FAULTS); i++)
        if (FAULTS[i].f == f)
            return FAULTS[i].name;
    return NULL;
}

altroot_err altroot_devid_fault_parse(const char *name, altroot_devid_fault *out)
{
    ENSURE(name != NULL && out != NULL, ALTROOT_E_ARG);
    for (size_t i = 0; i < ALTROOT_ARRAY_LEN(FAULTS); i++) {
        if (strcmp(FAULTS[i].name, name) == 0) {
            *out = FAULTS[i].f;
            return ALTROOT_OK;
        }
    }
    return ALTROOT_E_ARG;
}

/* Dotted text to OID content octets (X.690 8.19). */
static altroot_err oid_encode(const char *dotted, altroot_bytes *out)
{
    unsigned long arcs[32];
    size_t n = 0;
    const char *s = dotted;
    while (n < ALTROOT_ARRAY_LEN(arcs)) {
        char *end = NULL;
        ENSURE(*s >= '0' && *s <= '9', ALTROOT_E_ARG);
        arcs[n++] = strtoul(s, &end, 10);
        if (*end == '\0')
            break;
        ENSURE(*end == '.', ALTROOT_E_ARG);
        s = end + 1;
    }
    ENSURE(n >= 2 && arcs[0] <= 2 && (arcs[0] == 2 || arcs[1] < 40), ALTROOT_E_ARG);
    arcs[1] += arcs[0] * 40;
    for (size_t i = 1; i < n; i++) {
        uint8_t tmp[10];
        size_t k = 0;
        unsigned long v = arcs[i];
        do {
            tmp[k++] = (uint8_t)(v & 0x7Fu);
            v >>= 7;
        } while (v != 0);
        while (k > 0) {
            uint8_t b = (uint8_t)(tmp[k - 1] | (k > 1 ? 0x80u : 0u));
            TRY(altroot_bytes_append_u8(out, b));
            k--;
        }
    }
    return ALTROOT_OK;
}

static void put_oid_text(altroot_der_writer *w, const char *dotted)
{
    altroot_bytes oid = ALTROOT_BYTES_INIT;
    altroot_err e = oid_encode(dotted, &oid);
    if (e == ALTROOT_OK)
        altroot_der_put_oid(w, altroot_bytes_span(&oid));
    else if (w->err == ALTROOT_OK)
        w->err = e;
    altroot_bytes_clear(&oid);
}

static altroot_span cstr(const char *s)
{
    return (altroot_span){(const uint8_t *)s, strlen(s)};
}

static void put_attr(altroot_der_writer *w, const char *oid, uint8_t tag, const char *value)
{
    altroot_der_begin(w, ALTROOT_DER_SET);
    altroot_der_begin(w, ALTROOT_DER_SEQUENCE);
    put_oid_text(w, oid);
    altroot_der_put(w, tag, cstr(value));
    altroot_der_end(w);
    altroot_der_end(w);
}

altroot_err altroot_devid_name_der(const altroot_name_entry *attrs, size_t count,
                                   altroot_bytes *out)
{
    ENSURE(out != NULL && (attrs != NULL || count == 0), ALTROOT_E_ARG);
    altroot_der_writer w;
    altroot_der_writer_init(&w, out);
    altroot_der_begin(&w, ALTROOT_DER_SEQUENCE);
    for (size_t i = 0; i < count; i++) {
        bool printable = strcmp(attrs[i].oid, ALTROOT_OID_AT_SERIAL_NUMBER) == 0 ||
                         strcmp(attrs[i].oid, "2.5.4.6") == 0;
        put_attr(&w, attrs[i].oid,
                 printable ? ALTROOT_DER_PRINTABLE_STRING : ALTROOT_DER_UTF8_STRING,
                 attrs[i].value);
    }
    altroot_der_end(&w);
    return altroot_der_writer_finish(&w);
}

static altroot_err subject_of(const altroot_devid_mint_params *p, altroot_bytes *out)
{
    altroot_der_writer w;
    altroot_der_writer_init(&w, out);
    altroot_der_begin(&w, ALTROOT_DER_SEQUENCE);
    if (p->fault != ALTROOT_DEVID_FAULT_EMPTY_SUBJECT_SAN_NONCRITICAL) {
        if (p->organization != NULL)
            put_attr(&w, "2.5.4.10", ALTROOT_DER_UTF8_STRING, p->organization);
        if (p->common_name != NULL)
            put_attr(&w, "2.5.4.3", ALTROOT_DER_UTF8_STRING, p->common_name);
        if (p->serial != NULL && p->fault != ALTROOT_DEVID_FAULT_NO_SERIAL)
            put_attr(&w, ALTROOT_OID_AT_SERIAL_NUMBER,
                     p->fault == ALTROOT_DEVID_FAULT_SERIAL_UTF8 ? ALTROOT_DER_UTF8_STRING
                                                                 : ALTROOT_DER_PRINTABLE_STRING,
                     p->serial);
    }
    altroot_der_end(&w);
    return altroot_der_writer_finish(&w);
}

/* GeneralNames { otherName { id-on-hardwareModuleName, [0] HardwareModuleName } } */
static altroot_err san_of(const altroot_devid_mint_params *p, altroot_bytes *out)
{
    altroot_der_writer w;
    altroot_der_writer_init(&w, out);
    altroot_der_begin(&w, ALTROOT_DER_SEQUENCE);
    altroot_der_begin(&w, ALTROOT_DER_CTX_CONS(0));
    put_oid_text(&w, ALTROOT_OID_ON_HW_MODULE_NAME);
    altroot_der_begin(&w, ALTROOT_DER_CTX_CONS(0));
    altroot_der_begin(&w, ALTROOT_DER_SEQUENCE);
    put_oid_text(&w, p->hw_type);
    altroot_der_put(&w,
                    p->fault == ALTROOT_DEVID_FAULT_HWMODULE_BADTAG ? ALTROOT_DER_CTX_PRIM(4)
                                                                    : ALTROOT_DER_OCTET_STRING,
                    cstr(p->serial != NULL ? p->serial : "0"));
    if (p->fault == ALTROOT_DEVID_FAULT_HWMODULE_TRAILING)
        altroot_der_put(&w, ALTROOT_DER_NULL, (altroot_span){(const uint8_t *)"", 0});
    altroot_der_end(&w);
    altroot_der_end(&w);
    altroot_der_end(&w);
    altroot_der_end(&w);
    return altroot_der_writer_finish(&w);
}

static altroot_err string_ext(uint8_t tag, const char *s, altroot_bytes *out)
{
    altroot_der_writer w;
    altroot_der_writer_init(&w, out);
    altroot_der_put(&w, tag, cstr(s));
    return altroot_der_writer_finish(&w);
}

typedef struct ext_bufs {
    altroot_bytes san, masa, mud, signer;
    altroot_mint_ext exts[4];
    size_t count;
} ext_bufs;

static void ext_bufs_clear(ext_bufs *b)
{
    altroot_bytes_clear(&b->san);
    altroot_bytes_clear(&b->masa);
    altroot_bytes_clear(&b->mud);
    altroot_bytes_clear(&b->signer);
}

static void push_ext(ext_bufs *b, const char *oid, bool critical, const altroot_bytes *v)
{
    b->exts[b->count++] = (altroot_mint_ext){oid, critical, altroot_bytes_span(v)};
}

static altroot_err build_exts(const altroot_devid_mint_params *p, ext_bufs *b)
{
    altroot_devid_fault f = p->fault;
    if (p->hw_type != NULL) {
        TRY(san_of(p, &b->san));
        push_ext(b, ALTROOT_OID_SUBJECT_ALT_NAME,
                 f != ALTROOT_DEVID_FAULT_EMPTY_SUBJECT_SAN_NONCRITICAL && p->serial == NULL,
                 &b->san);
    }
    if (p->masa_url != NULL) {
        uint8_t tag = f == ALTROOT_DEVID_FAULT_MASA_URL_UTF8 ? ALTROOT_DER_UTF8_STRING
                                                             : ALTROOT_DER_IA5_STRING;
        TRY(string_ext(tag, p->masa_url, &b->masa));
        push_ext(b, ALTROOT_OID_PE_MASA_URL, false, &b->masa);
    }
    if (p->mud_url != NULL) {
        const char *url = p->mud_url;
        bool http = f == ALTROOT_DEVID_FAULT_HTTP_MUD_URL && strncmp(url, "https://", 8) == 0;
        altroot_bytes tmp = ALTROOT_BYTES_INIT;
        altroot_err e = http ? altroot_bytes_append(&tmp, "http://", 7) : ALTROOT_OK;
        if (e == ALTROOT_OK)
            e = altroot_bytes_append(&tmp, http ? url + 8 : url, strlen(http ? url + 8 : url) + 1);
        if (e == ALTROOT_OK)
            e = string_ext(ALTROOT_DER_IA5_STRING, (const char *)tmp.ptr, &b->mud);
        altroot_bytes_clear(&tmp);
        TRY(e);
        push_ext(b, ALTROOT_OID_PE_MUD_URL, false, &b->mud);
    }
    if (p->mudsigner.len > 0 || f == ALTROOT_DEVID_FAULT_MUDSIGNER_BAD) {
        if (f == ALTROOT_DEVID_FAULT_MUDSIGNER_BAD)
            TRY(string_ext(ALTROOT_DER_UTF8_STRING, "Example Widgets MUD Signer", &b->signer));
        else
            TRY(altroot_bytes_append(&b->signer, p->mudsigner.ptr, p->mudsigner.len));
        push_ext(b, ALTROOT_OID_PE_MUDSIGNER, false, &b->signer);
    }
    return ALTROOT_OK;
}

static uint32_t fault_key_usage(altroot_devid_fault f)
{
    switch (f) {
    case ALTROOT_DEVID_FAULT_KU_NO_DIGSIG:
        return ALTROOT_KU_KEY_ENCIPHERMENT;
    case ALTROOT_DEVID_FAULT_KU_CERTSIGN:
        return ALTROOT_KU_DIGITAL_SIGNATURE | ALTROOT_KU_KEY_CERT_SIGN;
    case ALTROOT_DEVID_FAULT_NO_KU:
        return 0;
    default:
        return ALTROOT_KU_DIGITAL_SIGNATURE;
    }
}

altroot_err altroot_devid_mint(const altroot_devid_mint_params *p, const altroot_key *subject_key,
                               const altroot_cert *issuer, const altroot_key *issuer_key,
                               altroot_cert **out)
{
    ENSURE(p != NULL && out != NULL, ALTROOT_E_ARG);
    altroot_err err = ALTROOT_OK;
    altroot_bytes subject = ALTROOT_BYTES_INIT;
    ext_bufs b = {0};
    TRY_GOTO(subject_of(p, &subject));
    TRY_GOTO(build_exts(p, &b));
    altroot_devid_fault f = p->fault;
    altroot_time utc_expiry = 1798761600; /* 2027-01-01T00:00:00Z */
    altroot_mint_cert m = {
        .subject_der = altroot_bytes_span(&subject),
        .not_before = p->not_before,
        .not_after = f == ALTROOT_DEVID_FAULT_UTC_EXPIRY ? utc_expiry : p->not_after,
        .version = f == ALTROOT_DEVID_FAULT_V1 ? 1 : 3,
        .basic_constraints = f == ALTROOT_DEVID_FAULT_CA_TRUE,
        .is_ca = f == ALTROOT_DEVID_FAULT_CA_TRUE,
        .path_len = -1,
        .key_usage = fault_key_usage(f),
        .key_usage_critical = true,
        .omit_akid = f == ALTROOT_DEVID_FAULT_NO_AKI,
        .exts = b.exts,
        .ext_count = b.count,
    };
    err = altroot_mint_cert_issue(&m, subject_key, issuer, issuer_key, out);
out:
    ext_bufs_clear(&b);
    altroot_bytes_clear(&subject);
    return err;
}

altroot_err altroot_devid_mint_ca(const char *organization, const char *common_name, int path_len,
                                  altroot_time not_before, const altroot_key *subject_key,
                                  const altroot_cert *issuer, const altroot_key *issuer_key,
                                  altroot_cert **out)
{
    ENSURE(common_name != NULL, ALTROOT_E_ARG);
    altroot_name_entry attrs[2];
    size_t n = 0;
    if (organization != NULL)
        attrs[n++] = (altroot_name_entry){"2.5.4.10", organization};
    attrs[n++] = (altroot_name_entry){"2.5.4.3", common_name};
    altroot_bytes subject = ALTROOT_BYTES_INIT;
    altroot_err err = altroot_devid_name_der(attrs, n, &subject);
    altroot_mint_cert m = {.subject_der = altroot_bytes_span(&subject),
                           .not_before = not_before,
                           .not_after = ALTROOT_TIME_NO_EXPIRY,
                           .basic_constraints = true,
                           .is_ca = true,
                           .path_len = path_len,
                           .key_usage = ALTROOT_KU_KEY_CERT_SIGN | ALTROOT_KU_CRL_SIGN,
                           .key_usage_critical = true,
                           .omit_akid = issuer == NULL};
    if (err == ALTROOT_OK)
        err = altroot_mint_cert_issue(&m, subject_key, issuer, issuer_key, out);
    altroot_bytes_clear(&subject);
    return err;
}

altroot_err altroot_devid_mint_signer(altroot_span subject_der, uint32_t key_usage,
                                      altroot_time not_before, altroot_time not_after,
                                      const altroot_key *subject_key, const altroot_cert *issuer,
                                      const altroot_key *issuer_key, altroot_cert **out)
{
    altroot_mint_cert m = {.subject_der = subject_der,
                           .not_before = not_before,
                           .not_after = not_after,
                           .basic_constraints = true,
                           .path_len = -1,
                           .key_usage = key_usage,
                           .key_usage_critical = true};
    return altroot_mint_cert_issue(&m, subject_key, issuer, issuer_key, out);
}
