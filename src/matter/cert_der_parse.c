/* X.509 DER -> Matter certificate, for certificates that fit the Matter profile. */
#include <string.h>

#include "../core/guard.h"
#include "../encoding/der.h"
#include "cert_internal.h"

/* Enter a constructed element: `inner` reads its content. */
static altroot_err enter(altroot_cursor *c, uint8_t tag, altroot_cursor *inner)
{
    altroot_der_elem e;
    TRY(altroot_der_expect(c, tag, &e));
    altroot_cursor_init(inner, e.value);
    return ALTROOT_OK;
}

/* Spec 6.5.6.x [from memory] / SDK ChipDN::DecodeFromASN1: a Matter attribute is exactly 16
 * (CAT: 8) upper-case hex digits. */
static altroot_err parse_hex(altroot_span s, size_t digits, uint64_t *out)
{
    ENSURE(s.len == digits, ALTROOT_E_POLICY);
    uint64_t v = 0;
    for (size_t i = 0; i < digits; i++) {
        uint8_t ch = s.ptr[i];
        bool dec = ch >= '0' && ch <= '9', up = ch >= 'A' && ch <= 'F';
        ENSURE(dec || up, ALTROOT_E_POLICY);
        v = v << 4 | (uint64_t)(dec ? ch - '0' : ch - 'A' + 10);
    }
    *out = v;
    return ALTROOT_OK;
}

static altroot_err parse_rdn(altroot_cursor *name, altroot_matter_rdn *rdn)
{
    altroot_cursor set, atv;
    altroot_der_elem oid, val;
    TRY(enter(name, ALTROOT_DER_SET, &set));
    TRY(enter(&set, ALTROOT_DER_SEQUENCE, &atv));
    /* Matter TLV has one attribute per RDN: multi-valued RDNs cannot be expressed. */
    ENSURE(altroot_cursor_remaining(&set) == 0, ALTROOT_E_UNSUPPORTED);
    TRY(altroot_der_expect(&atv, ALTROOT_DER_OID, &oid));
    TRY(altroot_der_read(&atv, &val));
    TRY(altroot_cursor_finish(&atv));
    rdn->attr = altroot_matter_attr_from_oid(oid.value);
    ENSURE(rdn->attr != 0, ALTROOT_E_UNSUPPORTED);
    if (altroot_matter_attr_is_matter(rdn->attr)) {
        ENSURE(val.tag == ALTROOT_DER_UTF8_STRING, ALTROOT_E_POLICY);
        return parse_hex(val.value, rdn->attr == ALTROOT_MATTER_ATTR_NOC_CAT ? 8 : 16, &rdn->value);
    }
    if (rdn->attr == ALTROOT_MATTER_ATTR_DOMAIN_COMPONENT)
        ENSURE(val.tag == ALTROOT_DER_IA5_STRING, ALTROOT_E_UNSUPPORTED);
    else
        ENSURE(val.tag == ALTROOT_DER_UTF8_STRING || val.tag == ALTROOT_DER_PRINTABLE_STRING,
               ALTROOT_E_UNSUPPORTED);
    rdn->printable = val.tag == ALTROOT_DER_PRINTABLE_STRING;
    rdn->str = val.value;
    return ALTROOT_OK;
}

static altroot_err parse_name(altroot_cursor *tbs, altroot_matter_dn *dn)
{
    altroot_cursor name;
    TRY(enter(tbs, ALTROOT_DER_SEQUENCE, &name));
    memset(dn, 0, sizeof *dn);
    while (altroot_cursor_remaining(&name) > 0) {
        ENSURE(dn->count < ALTROOT_MATTER_DN_MAX, ALTROOT_E_POLICY);
        TRY(parse_rdn(&name, &dn->rdn[dn->count++]));
    }
    return altroot_matter_dn_check(dn);
}

static altroot_err parse_time(altroot_cursor *c, uint32_t *out)
{
    altroot_der_elem e;
    altroot_time t;
    TRY(altroot_der_read(c, &e));
    TRY(altroot_der_get_time(&e, &t));
    return altroot_matter_time_from_unix(t, out);
}

static altroot_err expect_sig_algo(altroot_cursor *c)
{
    altroot_cursor alg;
    altroot_der_elem oid;
    TRY(enter(c, ALTROOT_DER_SEQUENCE, &alg));
    TRY(altroot_der_expect(&alg, ALTROOT_DER_OID, &oid));
    ENSURE(altroot_span_equal(oid.value, altroot_matter_oid_ecdsa_sha256), ALTROOT_E_UNSUPPORTED);
    /* RFC 5758 3.2: "the encoding MUST omit the parameters field" */
    ENSURE(altroot_cursor_remaining(&alg) == 0, ALTROOT_E_UNSUPPORTED);
    return ALTROOT_OK;
}

static altroot_err parse_spki(altroot_cursor *tbs, altroot_matter_cert *c)
{
    altroot_cursor spki, alg;
    altroot_der_elem oid, key;
    altroot_span bits;
    TRY(enter(tbs, ALTROOT_DER_SEQUENCE, &spki));
    TRY(enter(&spki, ALTROOT_DER_SEQUENCE, &alg));
    TRY(altroot_der_expect(&alg, ALTROOT_DER_OID, &oid));
    ENSURE(altroot_span_equal(oid.value, altroot_matter_oid_ec_public_key), ALTROOT_E_UNSUPPORTED);
    TRY(altroot_der_expect(&alg, ALTROOT_DER_OID, &oid));
    ENSURE(altroot_span_equal(oid.value, altroot_matter_oid_prime256v1), ALTROOT_E_UNSUPPORTED);
    TRY(altroot_cursor_finish(&alg));
    TRY(altroot_der_expect(&spki, ALTROOT_DER_BIT_STRING, &key));
    TRY(altroot_cursor_finish(&spki));
    TRY(altroot_der_get_bit_string(&key, &bits));
    ENSURE(bits.len == sizeof c->pubkey, ALTROOT_E_POLICY);
    memcpy(c->pubkey, bits.ptr, bits.len);
    return ALTROOT_OK;
}

/* BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER OPTIONAL } */
static altroot_err parse_bc(altroot_cursor *v, altroot_matter_cert *c)
{
    altroot_cursor bc;
    altroot_der_elem e;
    uint64_t len;
    TRY(enter(v, ALTROOT_DER_SEQUENCE, &bc));
    if (altroot_der_peek_tag(&bc, ALTROOT_DER_BOOLEAN)) {
        TRY(altroot_der_read(&bc, &e));
        TRY(altroot_der_get_bool(&e, &c->is_ca));
        ENSURE(c->is_ca, ALTROOT_E_DER); /* X.690 11.5: DEFAULT value omitted */
    }
    if (altroot_der_peek_tag(&bc, ALTROOT_DER_INTEGER)) {
        TRY(altroot_der_read(&bc, &e));
        TRY(altroot_der_get_uint(&e, UINT8_MAX, &len));
        c->has_path_len = true;
        c->path_len = (uint8_t)len;
    }
    return altroot_cursor_finish(&bc);
}

static altroot_err parse_eku(altroot_cursor *v, altroot_matter_cert *c)
{
    altroot_cursor seq;
    altroot_der_elem oid;
    TRY(enter(v, ALTROOT_DER_SEQUENCE, &seq));
    while (altroot_cursor_remaining(&seq) > 0) {
        TRY(altroot_der_expect(&seq, ALTROOT_DER_OID, &oid));
        ENSURE(c->eku_count < ALTROOT_MATTER_EKU_MAX, ALTROOT_E_POLICY);
        c->eku[c->eku_count] = altroot_matter_eku_from_oid(oid.value);
        ENSURE(c->eku[c->eku_count++] != 0, ALTROOT_E_UNSUPPORTED);
    }
    return ALTROOT_OK;
}

static altroot_err parse_key_id(altroot_cursor *v, uint8_t tag, uint8_t out[20])
{
    altroot_der_elem e;
    TRY(altroot_der_expect(v, tag, &e));
    ENSURE(e.value.len == ALTROOT_MATTER_KEY_ID_LEN, ALTROOT_E_POLICY);
    memcpy(out, e.value.ptr, ALTROOT_MATTER_KEY_ID_LEN);
    return ALTROOT_OK;
}

static altroot_err parse_ext_value(uint8_t kind, altroot_span value, altroot_matter_cert *c)
{
    altroot_cursor v, akid;
    altroot_der_elem e;
    uint32_t bits;
    altroot_cursor_init(&v, value);
    switch (kind) {
    case ALTROOT_MATTER_EXT_BASIC_CONSTRAINTS:
        TRY(parse_bc(&v, c));
        break;
    case ALTROOT_MATTER_EXT_KEY_USAGE:
        TRY(altroot_der_expect(&v, ALTROOT_DER_BIT_STRING, &e));
        TRY(altroot_der_get_named_bits(&e, &bits));
        ENSURE(bits <= UINT16_MAX, ALTROOT_E_UNSUPPORTED);
        c->key_usage = (uint16_t)bits;
        break;
    case ALTROOT_MATTER_EXT_EXT_KEY_USAGE:
        TRY(parse_eku(&v, c));
        break;
    case ALTROOT_MATTER_EXT_SUBJECT_KEY_ID:
        TRY(parse_key_id(&v, ALTROOT_DER_OCTET_STRING, c->skid));
        break;
    default:
        /* Only keyIdentifier: authorityCertIssuer/SerialNumber have no TLV form. */
        TRY(enter(&v, ALTROOT_DER_SEQUENCE, &akid));
        TRY(parse_key_id(&akid, ALTROOT_DER_CTX_PRIM(0), c->akid));
        ENSURE(altroot_cursor_remaining(&akid) == 0, ALTROOT_E_UNSUPPORTED);
        break;
    }
    return altroot_cursor_finish(&v);
}

static altroot_err parse_extension(altroot_cursor *exts, altroot_matter_cert *c)
{
    altroot_cursor ext;
    altroot_der_elem whole, oid, e;
    bool critical = false;
    TRY(altroot_der_expect(exts, ALTROOT_DER_SEQUENCE, &whole));
    ENSURE(c->ext_count < ALTROOT_MATTER_EXT_MAX, ALTROOT_E_POLICY);
    altroot_cursor_init(&ext, whole.value);
    TRY(altroot_der_expect(&ext, ALTROOT_DER_OID, &oid));
    uint8_t kind = altroot_matter_ext_from_oid(oid.value);
    if (kind == 0) {
        ENSURE(c->future_count < ALTROOT_MATTER_FUTURE_EXT_MAX, ALTROOT_E_POLICY);
        TRY(altroot_matter_future_ext_check(whole.whole, &critical, NULL));
        c->future[c->future_count++] = whole.whole;
        c->future_critical = c->future_critical || critical;
        c->ext_order[c->ext_count++] = ALTROOT_MATTER_EXT_FUTURE;
        return ALTROOT_OK;
    }
    ENSURE(!(c->ext_present & (1u << kind)), ALTROOT_E_POLICY);
    if (altroot_der_peek_tag(&ext, ALTROOT_DER_BOOLEAN)) {
        TRY(altroot_der_read(&ext, &e));
        TRY(altroot_der_get_bool(&e, &critical));
        ENSURE(critical, ALTROOT_E_DER); /* DEFAULT FALSE is omitted in DER */
    }
    /* The TLV form fixes criticality: constraints and usages critical, key ids not. */
    ENSURE(critical == (kind <= ALTROOT_MATTER_EXT_EXT_KEY_USAGE), ALTROOT_E_UNSUPPORTED);
    TRY(altroot_der_expect(&ext, ALTROOT_DER_OCTET_STRING, &e));
    TRY(altroot_cursor_finish(&ext));
    c->ext_present |= 1u << kind;
    c->ext_order[c->ext_count++] = kind;
    return parse_ext_value(kind, e.value, c);
}

static altroot_err parse_extensions(altroot_cursor *tbs, altroot_matter_cert *c)
{
    altroot_cursor wrap, exts;
    /* Matter certificates always carry extensions (the TLV list is mandatory). */
    ENSURE(altroot_der_peek_tag(tbs, ALTROOT_DER_CTX_CONS(3)), ALTROOT_E_POLICY);
    TRY(enter(tbs, ALTROOT_DER_CTX_CONS(3), &wrap));
    TRY(enter(&wrap, ALTROOT_DER_SEQUENCE, &exts));
    TRY(altroot_cursor_finish(&wrap));
    while (altroot_cursor_remaining(&exts) > 0)
        TRY(parse_extension(&exts, c));
    return altroot_cursor_ok(&exts) ? ALTROOT_OK : exts.err;
}

static altroot_err parse_tbs(altroot_cursor *cert, altroot_matter_cert *c)
{
    altroot_cursor tbs, ver, val;
    altroot_der_elem e;
    altroot_span serial;
    uint64_t version;
    TRY(enter(cert, ALTROOT_DER_SEQUENCE, &tbs));
    /* version [0] EXPLICIT Version DEFAULT v1: Matter certificates are v3. */
    ENSURE(altroot_der_peek_tag(&tbs, ALTROOT_DER_CTX_CONS(0)), ALTROOT_E_UNSUPPORTED);
    TRY(enter(&tbs, ALTROOT_DER_CTX_CONS(0), &ver));
    TRY(altroot_der_expect(&ver, ALTROOT_DER_INTEGER, &e));
    TRY(altroot_cursor_finish(&ver));
    TRY(altroot_der_get_uint(&e, UINT8_MAX, &version));
    ENSURE(version == 2, ALTROOT_E_UNSUPPORTED);
    TRY(altroot_der_expect(&tbs, ALTROOT_DER_INTEGER, &e));
    TRY(altroot_der_get_uint_bytes(&e, &serial));
    c->serial = e.value; /* the content octets, as Matter TLV carries them */
    TRY(expect_sig_algo(&tbs));
    TRY(parse_name(&tbs, &c->issuer));
    TRY(enter(&tbs, ALTROOT_DER_SEQUENCE, &val));
    TRY(parse_time(&val, &c->not_before));
    TRY(parse_time(&val, &c->not_after));
    TRY(altroot_cursor_finish(&val));
    TRY(parse_name(&tbs, &c->subject));
    TRY(parse_spki(&tbs, c));
    /* issuerUniqueID [1] / subjectUniqueID [2] have no TLV form. */
    ENSURE(!altroot_der_peek_tag(&tbs, ALTROOT_DER_CTX_PRIM(1)) &&
               !altroot_der_peek_tag(&tbs, ALTROOT_DER_CTX_PRIM(2)),
           ALTROOT_E_UNSUPPORTED);
    TRY(parse_extensions(&tbs, c));
    return altroot_cursor_finish(&tbs);
}

static altroot_err parse_cert(altroot_span der, altroot_matter_cert *c)
{
    altroot_cursor top, cert;
    altroot_der_elem sig;
    altroot_span bits;
    altroot_cursor_init(&top, der);
    TRY(enter(&top, ALTROOT_DER_SEQUENCE, &cert));
    TRY(altroot_cursor_finish(&top));
    TRY(parse_tbs(&cert, c));
    /* RFC 5280 4.1.1.2: signatureAlgorithm MUST equal the TBS signature field. */
    TRY(expect_sig_algo(&cert));
    TRY(altroot_der_expect(&cert, ALTROOT_DER_BIT_STRING, &sig));
    TRY(altroot_cursor_finish(&cert));
    TRY(altroot_der_get_bit_string(&sig, &bits));
    TRY(altroot_der_ecdsa_sig_to_raw(bits, c->signature));
    return altroot_matter_cert_check(c);
}

altroot_err altroot_matter_cert_parse_der(altroot_span der, altroot_matter_cert *out)
{
    ENSURE(out != NULL, ALTROOT_E_INTERNAL);
    ENSURE(der.len <= ALTROOT_MATTER_CERT_DER_MAX, ALTROOT_E_TOO_LARGE);
    altroot_matter_cert c;
    altroot_bytes again = ALTROOT_BYTES_INIT;
    memset(&c, 0, sizeof c);
    TRY(parse_cert(der, &c));
    /* The signature covers these exact octets; whatever the TLV form would rebuild differently
     * (a choice the checks above did not pin down) cannot be carried in Matter TLV. */
    altroot_err err = altroot_matter_cert_to_der(&c, &again);
    if (err == ALTROOT_OK && !altroot_span_equal(altroot_bytes_span(&again), der))
        err = ALTROOT_E_UNSUPPORTED;
    altroot_bytes_clear(&again);
    if (err == ALTROOT_OK)
        *out = c;
    return err;
}
