/* Matter TLV certificate: parse into altroot_matter_cert, and encode back. */
#include <string.h>

#include "../core/guard.h"
#include "../encoding/tlv.h"
#include "cert_internal.h"

/*
 * Matter TLV certificate schema (spec 6.5.2 [from memory]; CHIPCert.h kTag_*): an anonymous
 * structure whose members come in this order, each exactly once:
 *
 *   matter-certificate => STRUCTURE [ tag-order ] {
 *     serial-num [1] : OCTET STRING [ length 1..20 ],
 *     sig-algo [2] : UNSIGNED INTEGER [ range 8-bits ],        -- 1 = ecdsa-with-SHA256
 *     issuer [3] : LIST [ length 1..5 ] OF dn-attribute,
 *     not-before [4] : UNSIGNED INTEGER [ range 32-bits ],     -- Matter epoch seconds
 *     not-after [5] : UNSIGNED INTEGER [ range 32-bits ],      -- 0 = no expiry
 *     subject [6] : LIST [ length 1..5 ] OF dn-attribute,
 *     pub-key-algo [7] : UNSIGNED INTEGER [ range 8-bits ],    -- 1 = id-ecPublicKey
 *     ec-curve-id [8] : UNSIGNED INTEGER [ range 8-bits ],     -- 1 = prime256v1
 *     ec-pub-key [9] : OCTET STRING [ length 65 ],
 *     extensions [10] : LIST [ length 1.. ] OF extension,
 *     signature [11] : OCTET STRING [ length 64 ],            -- raw r || s
 *   }
 */
enum {
    TAG_SERIAL = 1,
    TAG_SIG_ALGO,
    TAG_ISSUER,
    TAG_NOT_BEFORE,
    TAG_NOT_AFTER,
    TAG_SUBJECT,
    TAG_PUBKEY_ALGO,
    TAG_CURVE,
    TAG_PUBKEY,
    TAG_EXTENSIONS,
    TAG_SIGNATURE
};
enum { BC_TAG_IS_CA = 1, BC_TAG_PATH_LEN = 2 };
/* The only algorithm, key type and curve the profile has (SDK OID enum value 1 for each). */
enum { SIG_ALGO_ECDSA_SHA256 = 1, PUBKEY_ALGO_EC = 1, CURVE_PRIME256V1 = 1 };
/* DN attribute tag: attribute number | 0x80 when the X.509 value is a PrintableString. */
#define DN_PRINTABLE_FLAG 0x80u
#define DN_ATTR_MASK 0x7Fu

static altroot_err read_uint(altroot_tlv_reader *r, int tag, uint64_t max, uint64_t *out)
{
    altroot_tlv_elem e;
    TRY(altroot_tlv_expect(r, tag, ALTROOT_TLV_UINT, &e));
    return altroot_tlv_get_uint(&e, max, out);
}

static altroot_err read_fixed(altroot_tlv_reader *r, int tag, uint8_t *out, size_t len)
{
    altroot_tlv_elem e;
    TRY(altroot_tlv_expect(r, tag, ALTROOT_TLV_BYTES, &e));
    ENSURE(e.str.len == len, ALTROOT_E_POLICY);
    memcpy(out, e.str.ptr, len);
    return ALTROOT_OK;
}

/* dn-attribute: context tag = attribute (| 0x80 PrintableString); Matter attributes are
 * unsigned integers (CAT: 32 bits) and never carry the PrintableString flag; the others are
 * UTF-8 strings; domain-component is always IA5String, so the flag is meaningless there. */
static altroot_err parse_rdn(const altroot_tlv_elem *e, altroot_matter_rdn *rdn)
{
    ENSURE(e->tag.form == ALTROOT_TLV_TAG_CONTEXT, ALTROOT_E_MALFORMED);
    uint8_t attr = (uint8_t)(e->tag.number & DN_ATTR_MASK);
    bool printable = (e->tag.number & DN_PRINTABLE_FLAG) != 0;
    ENSURE(altroot_matter_attr_oid(attr).len > 0, ALTROOT_E_UNSUPPORTED);
    rdn->attr = attr;
    rdn->printable = printable;
    if (altroot_matter_attr_is_matter(attr)) {
        uint64_t max = attr == ALTROOT_MATTER_ATTR_NOC_CAT ? UINT32_MAX : UINT64_MAX;
        ENSURE(!printable, ALTROOT_E_MALFORMED);
        return altroot_tlv_get_uint(e, max, &rdn->value);
    }
    ENSURE(e->type == ALTROOT_TLV_UTF8, ALTROOT_E_MALFORMED);
    ENSURE(!(printable && attr == ALTROOT_MATTER_ATTR_DOMAIN_COMPONENT), ALTROOT_E_MALFORMED);
    rdn->str = e->str;
    return ALTROOT_OK;
}

static altroot_err parse_dn(altroot_tlv_reader *r, int tag, altroot_matter_dn *dn)
{
    altroot_tlv_elem e;
    TRY(altroot_tlv_expect(r, tag, ALTROOT_TLV_LIST, &e));
    memset(dn, 0, sizeof *dn);
    for (;;) {
        TRY(altroot_tlv_next(r, &e));
        if (e.type == ALTROOT_TLV_END)
            break;
        /* CHIP_CONFIG_CERT_MAX_RDN_ATTRIBUTES */
        ENSURE(dn->count < ALTROOT_MATTER_DN_MAX, ALTROOT_E_POLICY);
        TRY(parse_rdn(&e, &dn->rdn[dn->count++]));
    }
    return altroot_matter_dn_check(dn);
}

/* basic-constraints [1] : STRUCTURE [ tag-order ] { is-ca [1] : BOOLEAN,
 *                                                   path-len-constraint [2, optional] : UNSIGNED
 * INTEGER [ range 8-bits ] } */
static altroot_err parse_basic_constraints(altroot_tlv_reader *r, altroot_matter_cert *c)
{
    altroot_tlv_elem e;
    uint64_t v;
    TRY(altroot_tlv_expect(r, BC_TAG_IS_CA, ALTROOT_TLV_BOOL, &e));
    c->is_ca = e.b;
    TRY(altroot_tlv_peek(r, &e));
    if (e.type != ALTROOT_TLV_END) {
        TRY(read_uint(r, BC_TAG_PATH_LEN, UINT8_MAX, &v));
        c->has_path_len = true;
        c->path_len = (uint8_t)v;
    }
    return altroot_tlv_expect_end(r);
}

/* extended-key-usage [3] : ARRAY [ length 1.. ] OF UNSIGNED INTEGER [ range 8-bits ] */
static altroot_err parse_eku(altroot_tlv_reader *r, altroot_matter_cert *c)
{
    altroot_tlv_elem e;
    uint64_t v;
    for (;;) {
        TRY(altroot_tlv_next(r, &e));
        if (e.type == ALTROOT_TLV_END)
            return ALTROOT_OK;
        TRY(altroot_tlv_get_uint(&e, UINT8_MAX, &v));
        /* Seven entries from six purposes means a duplicate. */
        ENSURE(c->eku_count < ALTROOT_MATTER_EKU_MAX, ALTROOT_E_POLICY);
        ENSURE(v >= 1 && v <= ALTROOT_MATTER_EKU_MAX, ALTROOT_E_UNSUPPORTED);
        c->eku[c->eku_count++] = (uint8_t)v;
    }
}

static altroot_err parse_key_id(const altroot_tlv_elem *e, uint8_t out[ALTROOT_MATTER_KEY_ID_LEN])
{
    ENSURE(e->type == ALTROOT_TLV_BYTES, ALTROOT_E_MALFORMED);
    /* Spec 6.5.11.4/.5 [from memory]: key identifiers are 20 octets (SHA-1 of the key). */
    ENSURE(e->str.len == ALTROOT_MATTER_KEY_ID_LEN, ALTROOT_E_POLICY);
    memcpy(out, e->str.ptr, ALTROOT_MATTER_KEY_ID_LEN);
    return ALTROOT_OK;
}

static altroot_err parse_future(const altroot_tlv_elem *e, altroot_matter_cert *c)
{
    bool critical = false;
    ENSURE(e->type == ALTROOT_TLV_BYTES, ALTROOT_E_MALFORMED);
    ENSURE(c->future_count < ALTROOT_MATTER_FUTURE_EXT_MAX, ALTROOT_E_POLICY);
    TRY(altroot_matter_future_ext_check(e->str, &critical, NULL));
    c->future[c->future_count++] = e->str;
    c->future_critical = c->future_critical || critical;
    return ALTROOT_OK;
}

static altroot_err parse_extension(altroot_tlv_reader *r, const altroot_tlv_elem *e,
                                   altroot_matter_cert *c)
{
    uint64_t v;
    ENSURE(e->tag.form == ALTROOT_TLV_TAG_CONTEXT, ALTROOT_E_MALFORMED);
    ENSURE(e->tag.number >= ALTROOT_MATTER_EXT_BASIC_CONSTRAINTS &&
               e->tag.number <= ALTROOT_MATTER_EXT_FUTURE,
           ALTROOT_E_UNSUPPORTED);
    uint8_t kind = (uint8_t)e->tag.number;
    /* RFC 5280 4.2: "A certificate MUST NOT include more than one instance of a particular
     * extension." (future extensions are told apart by their OID, checked below.) */
    ENSURE(kind == ALTROOT_MATTER_EXT_FUTURE || !(c->ext_present & (1u << kind)), ALTROOT_E_POLICY);
    ENSURE(c->ext_count < ALTROOT_MATTER_EXT_MAX, ALTROOT_E_POLICY);
    c->ext_present |= 1u << kind;
    c->ext_order[c->ext_count++] = kind;
    switch (kind) {
    case ALTROOT_MATTER_EXT_BASIC_CONSTRAINTS:
        ENSURE(e->type == ALTROOT_TLV_STRUCT, ALTROOT_E_MALFORMED);
        return parse_basic_constraints(r, c);
    case ALTROOT_MATTER_EXT_KEY_USAGE:
        TRY(altroot_tlv_get_uint(e, UINT16_MAX, &v));
        c->key_usage = (uint16_t)v;
        return ALTROOT_OK;
    case ALTROOT_MATTER_EXT_EXT_KEY_USAGE:
        ENSURE(e->type == ALTROOT_TLV_ARRAY, ALTROOT_E_MALFORMED);
        return parse_eku(r, c);
    case ALTROOT_MATTER_EXT_SUBJECT_KEY_ID:
        return parse_key_id(e, c->skid);
    case ALTROOT_MATTER_EXT_AUTHORITY_KEY_ID:
        return parse_key_id(e, c->akid);
    default:
        return parse_future(e, c);
    }
}

static altroot_err parse_extensions(altroot_tlv_reader *r, altroot_matter_cert *c)
{
    altroot_tlv_elem e;
    TRY(altroot_tlv_expect(r, TAG_EXTENSIONS, ALTROOT_TLV_LIST, &e));
    for (;;) {
        TRY(altroot_tlv_next(r, &e));
        if (e.type == ALTROOT_TLV_END)
            return ALTROOT_OK;
        TRY(parse_extension(r, &e, c));
    }
}

static altroot_err parse_cert(altroot_tlv_reader *r, altroot_matter_cert *c)
{
    altroot_tlv_elem e;
    uint64_t v;
    TRY(altroot_tlv_expect(r, -1, ALTROOT_TLV_STRUCT, &e));
    TRY(altroot_tlv_expect(r, TAG_SERIAL, ALTROOT_TLV_BYTES, &e));
    c->serial = e.str;
    TRY(read_uint(r, TAG_SIG_ALGO, UINT8_MAX, &v));
    ENSURE(v == SIG_ALGO_ECDSA_SHA256, ALTROOT_E_UNSUPPORTED);
    TRY(parse_dn(r, TAG_ISSUER, &c->issuer));
    TRY(read_uint(r, TAG_NOT_BEFORE, UINT32_MAX, &v));
    c->not_before = (uint32_t)v;
    TRY(read_uint(r, TAG_NOT_AFTER, UINT32_MAX, &v));
    c->not_after = (uint32_t)v;
    TRY(parse_dn(r, TAG_SUBJECT, &c->subject));
    TRY(read_uint(r, TAG_PUBKEY_ALGO, UINT8_MAX, &v));
    ENSURE(v == PUBKEY_ALGO_EC, ALTROOT_E_UNSUPPORTED);
    TRY(read_uint(r, TAG_CURVE, UINT8_MAX, &v));
    ENSURE(v == CURVE_PRIME256V1, ALTROOT_E_UNSUPPORTED);
    TRY(read_fixed(r, TAG_PUBKEY, c->pubkey, sizeof c->pubkey));
    TRY(parse_extensions(r, c));
    TRY(read_fixed(r, TAG_SIGNATURE, c->signature, sizeof c->signature));
    TRY(altroot_tlv_expect_end(r));
    TRY(altroot_tlv_finish(r));
    return altroot_matter_cert_check(c);
}

altroot_err altroot_matter_cert_parse_tlv(altroot_span tlv, unsigned flags,
                                          altroot_matter_cert *out)
{
    ENSURE(out != NULL && (flags & ~ALTROOT_MATTER_CERT_CANONICAL) == 0, ALTROOT_E_INTERNAL);
    /* CHIPCert.h kMaxCHIPCertLength: "As per specifications (6.3.5. Node Operational
     * Credentials Certificates)". */
    ENSURE(tlv.len <= ALTROOT_MATTER_CERT_TLV_MAX, ALTROOT_E_TOO_LARGE);
    altroot_tlv_reader r;
    altroot_matter_cert c;
    memset(&c, 0, sizeof c);
    altroot_tlv_reader_init(
        &r, tlv, (flags & ALTROOT_MATTER_CERT_CANONICAL) != 0 ? ALTROOT_TLV_CANONICAL : 0);
    TRY(parse_cert(&r, &c));
    *out = c;
    return ALTROOT_OK;
}

/* ---- Encoder -------------------------------------------------------------------------------- */

static void put_dn(altroot_tlv_writer *w, uint8_t tag, const altroot_matter_dn *dn)
{
    altroot_tlv_start(w, altroot_tlv_ctx(tag), ALTROOT_TLV_LIST);
    for (size_t i = 0; i < dn->count; i++) {
        const altroot_matter_rdn *rdn = &dn->rdn[i];
        uint8_t t = (uint8_t)(rdn->attr | (rdn->printable ? DN_PRINTABLE_FLAG : 0u));
        if (altroot_matter_attr_is_matter(rdn->attr))
            altroot_tlv_put_uint(w, altroot_tlv_ctx(t), rdn->value);
        else
            altroot_tlv_put_utf8(w, altroot_tlv_ctx(t), rdn->str);
    }
    altroot_tlv_end(w);
}

static void put_extension(altroot_tlv_writer *w, const altroot_matter_cert *c, uint8_t kind,
                          size_t *future)
{
    altroot_tlv_tag tag = altroot_tlv_ctx(kind);
    switch (kind) {
    case ALTROOT_MATTER_EXT_BASIC_CONSTRAINTS:
        altroot_tlv_start(w, tag, ALTROOT_TLV_STRUCT);
        altroot_tlv_put_bool(w, altroot_tlv_ctx(BC_TAG_IS_CA), c->is_ca);
        if (c->has_path_len)
            altroot_tlv_put_uint(w, altroot_tlv_ctx(BC_TAG_PATH_LEN), c->path_len);
        altroot_tlv_end(w);
        break;
    case ALTROOT_MATTER_EXT_KEY_USAGE:
        altroot_tlv_put_uint(w, tag, c->key_usage);
        break;
    case ALTROOT_MATTER_EXT_EXT_KEY_USAGE:
        altroot_tlv_start(w, tag, ALTROOT_TLV_ARRAY);
        for (size_t i = 0; i < c->eku_count; i++)
            altroot_tlv_put_uint(w, altroot_tlv_anon(), c->eku[i]);
        altroot_tlv_end(w);
        break;
    case ALTROOT_MATTER_EXT_SUBJECT_KEY_ID:
        altroot_tlv_put_bytes(w, tag, (altroot_span){c->skid, sizeof c->skid});
        break;
    case ALTROOT_MATTER_EXT_AUTHORITY_KEY_ID:
        altroot_tlv_put_bytes(w, tag, (altroot_span){c->akid, sizeof c->akid});
        break;
    default:
        altroot_tlv_put_bytes(w, tag, c->future[(*future)++]);
        break;
    }
}

altroot_err altroot_matter_cert_to_tlv(const altroot_matter_cert *c, altroot_bytes *out)
{
    ENSURE(c != NULL && out != NULL, ALTROOT_E_INTERNAL);
    ENSURE(c->future_count <= ALTROOT_MATTER_FUTURE_EXT_MAX &&
               c->ext_count <= ALTROOT_MATTER_EXT_MAX,
           ALTROOT_E_INTERNAL);
    altroot_bytes tmp = ALTROOT_BYTES_INIT;
    altroot_tlv_writer w;
    size_t future = 0;
    altroot_tlv_writer_init(&w, &tmp);
    altroot_tlv_start(&w, altroot_tlv_anon(), ALTROOT_TLV_STRUCT);
    altroot_tlv_put_bytes(&w, altroot_tlv_ctx(TAG_SERIAL), c->serial);
    altroot_tlv_put_uint(&w, altroot_tlv_ctx(TAG_SIG_ALGO), SIG_ALGO_ECDSA_SHA256);
    put_dn(&w, TAG_ISSUER, &c->issuer);
    altroot_tlv_put_uint(&w, altroot_tlv_ctx(TAG_NOT_BEFORE), c->not_before);
    altroot_tlv_put_uint(&w, altroot_tlv_ctx(TAG_NOT_AFTER), c->not_after);
    put_dn(&w, TAG_SUBJECT, &c->subject);
    altroot_tlv_put_uint(&w, altroot_tlv_ctx(TAG_PUBKEY_ALGO), PUBKEY_ALGO_EC);
    altroot_tlv_put_uint(&w, altroot_tlv_ctx(TAG_CURVE), CURVE_PRIME256V1);
    altroot_tlv_put_bytes(&w, altroot_tlv_ctx(TAG_PUBKEY), (altroot_span){c->pubkey, 65});
    altroot_tlv_start(&w, altroot_tlv_ctx(TAG_EXTENSIONS), ALTROOT_TLV_LIST);
    for (size_t i = 0; i < c->ext_count && future <= c->future_count; i++)
        put_extension(&w, c, c->ext_order[i], &future);
    altroot_tlv_end(&w);
    altroot_tlv_put_bytes(&w, altroot_tlv_ctx(TAG_SIGNATURE), (altroot_span){c->signature, 64});
    altroot_tlv_end(&w);
    altroot_err err = altroot_tlv_writer_finish(&w);
    if (err != ALTROOT_OK) {
        altroot_bytes_clear(&tmp);
        return err;
    }
    altroot_bytes_clear(out);
    *out = tmp;
    return ALTROOT_OK;
}

altroot_err altroot_matter_cert_tlv_to_der(altroot_span tlv, altroot_bytes *der)
{
    altroot_matter_cert c;
    TRY(altroot_matter_cert_parse_tlv(tlv, 0, &c));
    return altroot_matter_cert_to_der(&c, der);
}

altroot_err altroot_matter_cert_der_to_tlv(altroot_span der, altroot_bytes *tlv)
{
    altroot_matter_cert c;
    altroot_bytes tmp = ALTROOT_BYTES_INIT;
    TRY(altroot_matter_cert_parse_der(der, &c));
    TRY(altroot_matter_cert_to_tlv(&c, &tmp));
    /* The TLV limit binds too: a DER certificate whose TLV form is over 400 octets cannot be
     * carried in the operational credentials cluster. */
    if (tmp.len > ALTROOT_MATTER_CERT_TLV_MAX) {
        altroot_bytes_clear(&tmp);
        return ALTROOT_E_TOO_LARGE;
    }
    altroot_bytes_clear(tlv);
    *tlv = tmp;
    return ALTROOT_OK;
}
