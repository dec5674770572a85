/* Profile rules shared by both certificate forms, and the object identifier tables. */
#include <string.h>

#include <altroot/time.h>

#include "../core/guard.h"
#include "../encoding/der.h"
#include "../encoding/tlv.h"
#include "cert_internal.h"

#define SPAN(a) ((altroot_span){(a), sizeof(a)})

static const uint8_t oid_ecdsa_sha256[] = {0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x02};
static const uint8_t oid_ec_public_key[] = {0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01};
static const uint8_t oid_prime256v1[] = {0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07};
const altroot_span altroot_matter_oid_ecdsa_sha256 = SPAN(oid_ecdsa_sha256);
const altroot_span altroot_matter_oid_ec_public_key = SPAN(oid_ec_public_key);
const altroot_span altroot_matter_oid_prime256v1 = SPAN(oid_prime256v1);

/* DN attribute OIDs by attribute number: id-at 2.5.4.x for 1..15, domainComponent
 * 0.9.2342.19200300.100.1.25 for 16, Matter 1.3.6.1.4.1.37244.1.(n-16) for 17..23. */
static const struct {
    uint8_t len;
    uint8_t oid[10];
} attr_oids[ALTROOT_MATTER_ATTR_VVS_ID + 1] = {
    [1] = {3, {0x55, 0x04, 0x03}},
    [2] = {3, {0x55, 0x04, 0x04}},
    [3] = {3, {0x55, 0x04, 0x05}},
    [4] = {3, {0x55, 0x04, 0x06}},
    [5] = {3, {0x55, 0x04, 0x07}},
    [6] = {3, {0x55, 0x04, 0x08}},
    [7] = {3, {0x55, 0x04, 0x0A}},
    [8] = {3, {0x55, 0x04, 0x0B}},
    [9] = {3, {0x55, 0x04, 0x0C}},
    [10] = {3, {0x55, 0x04, 0x29}},
    [11] = {3, {0x55, 0x04, 0x2A}},
    [12] = {3, {0x55, 0x04, 0x2B}},
    [13] = {3, {0x55, 0x04, 0x2C}},
    [14] = {3, {0x55, 0x04, 0x2E}},
    [15] = {3, {0x55, 0x04, 0x41}},
    [16] = {10, {0x09, 0x92, 0x26, 0x89, 0x93, 0xF2, 0x2C, 0x64, 0x01, 0x19}},
    [17] = {10, {0x2B, 0x06, 0x01, 0x04, 0x01, 0x82, 0xA2, 0x7C, 0x01, 0x01}},
    [18] = {10, {0x2B, 0x06, 0x01, 0x04, 0x01, 0x82, 0xA2, 0x7C, 0x01, 0x02}},
    [19] = {10, {0x2B, 0x06, 0x01, 0x04, 0x01, 0x82, 0xA2, 0x7C, 0x01, 0x03}},
    [20] = {10, {0x2B, 0x06, 0x01, 0x04, 0x01, 0x82, 0xA2, 0x7C, 0x01, 0x04}},
    [21] = {10, {0x2B, 0x06, 0x01, 0x04, 0x01, 0x82, 0xA2, 0x7C, 0x01, 0x05}},
    [22] = {10, {0x2B, 0x06, 0x01, 0x04, 0x01, 0x82, 0xA2, 0x7C, 0x01, 0x06}},
    [23] = {10, {0x2B, 0x06, 0x01, 0x04, 0x01, 0x82, 0xA2, 0x7C, 0x01, 0x07}},
};
/* 2.5.29.x: basicConstraints 19, keyUsage 15, extKeyUsage 37, SKID 14, AKID 35 */
static const uint8_t ext_oids[6][3] = {[1] = {0x55, 0x1D, 19},
                                       [2] = {0x55, 0x1D, 15},
                                       [3] = {0x55, 0x1D, 37},
                                       [4] = {0x55, 0x1D, 14},
                                       [5] = {0x55, 0x1D, 35}};
/* 1.3.6.1.5.5.7.3.x: serverAuth 1, clientAuth 2, codeSigning 3, emailProtection 4,
 * timeStamping 8, OCSPSigning 9 */
static const uint8_t kp_oids[7][8] = {
    [1] = {0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 1},
    [2] = {0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 2},
    [3] = {0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 3},
    [4] = {0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 4},
    [5] = {0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 8},
    [6] = {0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 9},
};

altroot_span altroot_matter_attr_oid(uint8_t attr)
{
    if (attr < 1 || attr > ALTROOT_MATTER_ATTR_VVS_ID)
        return (altroot_span){NULL, 0};
    return (altroot_span){attr_oids[attr].oid, attr_oids[attr].len};
}

uint8_t altroot_matter_attr_from_oid(altroot_span oid)
{
    for (unsigned a = 1; a <= ALTROOT_MATTER_ATTR_VVS_ID; a++)
        if (altroot_span_equal(oid, altroot_matter_attr_oid((uint8_t)a)))
            return (uint8_t)a;
    return 0;
}

altroot_span altroot_matter_ext_oid(uint8_t ext)
{
    if (ext >= 1 && ext <= 5)
        return (altroot_span){ext_oids[ext], sizeof ext_oids[ext]};
    return (altroot_span){NULL, 0};
}

uint8_t altroot_matter_ext_from_oid(altroot_span oid)
{
    for (uint8_t e = 1; e <= 5; e++)
        if (altroot_span_equal(oid, altroot_matter_ext_oid(e)))
            return e;
    return 0;
}

altroot_span altroot_matter_eku_oid(uint8_t purpose)
{
    if (purpose >= 1 && purpose <= ALTROOT_MATTER_EKU_MAX)
        return (altroot_span){kp_oids[purpose], sizeof kp_oids[purpose]};
    return (altroot_span){NULL, 0};
}

uint8_t altroot_matter_eku_from_oid(altroot_span oid)
{
    for (uint8_t k = 1; k <= ALTROOT_MATTER_EKU_MAX; k++)
        if (altroot_span_equal(oid, altroot_matter_eku_oid(k)))
            return k;
    return 0;
}

altroot_time altroot_matter_time_to_unix(uint32_t t)
{
    return t == 0 ? ALTROOT_TIME_NO_EXPIRY : ALTROOT_MATTER_EPOCH_UNIX + (altroot_time)t;
}

altroot_err altroot_matter_time_from_unix(altroot_time t, uint32_t *out)
{
    if (t == ALTROOT_TIME_NO_EXPIRY) {
        *out = 0;
        return ALTROOT_OK;
    }
    /* Exactly the Matter epoch would encode as 0, which means "no expiry": not representable. */
    ENSURE(t > ALTROOT_MATTER_EPOCH_UNIX && t - ALTROOT_MATTER_EPOCH_UNIX <= UINT32_MAX,
           ALTROOT_E_UNSUPPORTED);
    *out = (uint32_t)(t - ALTROOT_MATTER_EPOCH_UNIX);
    return ALTROOT_OK;
}

/* ---- DN ------------------------------------------------------------------------------------- */

static bool printable_char(uint8_t ch)
{
    /* X.680 41.4 PrintableString: A-Z a-z 0-9 space ' ( ) + , - . / : = ? */
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
           (ch != 0 && strchr(" '()+,-./:=?", ch) != NULL);
}

altroot_err altroot_matter_dn_string_check(uint8_t attr, bool printable, altroot_span s)
{
    /* X.520 attribute values have at least one character; an embedded NUL invites C-string
     * truncation in every consumer that prints a DN. */
    ENSURE(s.len > 0 && memchr(s.ptr, 0, s.len) == NULL, ALTROOT_E_POLICY);
    ENSURE(altroot_utf8_valid(s), ALTROOT_E_POLICY);
    bool ia5 = attr == ALTROOT_MATTER_ATTR_DOMAIN_COMPONENT;
    for (size_t i = 0; (printable || ia5) && i < s.len; i++) {
        if (printable)
            ENSURE(printable_char(s.ptr[i]), ALTROOT_E_POLICY);
        else
            ENSURE(s.ptr[i] < 0x80, ALTROOT_E_POLICY);
    }
    return ALTROOT_OK;
}

/* CHIPCert ChipDN::GetCertType: at most one of matter-rcac-id, -icac-id, -node-id,
 * -firmware-signing-id (and the VID verification signer id) decides the certificate type. */
static altroot_err dn_identifier(altroot_matter_dn *dn, const altroot_matter_rdn *r)
{
    static const altroot_matter_cert_type type_of[] = {
        [ALTROOT_MATTER_ATTR_NODE_ID] = ALTROOT_MATTER_CERT_NODE,
        [ALTROOT_MATTER_ATTR_FW_SIGNING_ID] = ALTROOT_MATTER_CERT_FW_SIGNING,
        [ALTROOT_MATTER_ATTR_ICAC_ID] = ALTROOT_MATTER_CERT_ICA,
        [ALTROOT_MATTER_ATTR_RCAC_ID] = ALTROOT_MATTER_CERT_ROOT,
        [ALTROOT_MATTER_ATTR_VVS_ID] = ALTROOT_MATTER_CERT_VVS};
    ENSURE(dn->type == ALTROOT_MATTER_CERT_UNKNOWN, ALTROOT_E_POLICY);
    /* Spec 2.5.5.1 [from memory]: operational node ids are 0x0000_0000_0000_0001 ..
     * 0xFFFF_FFEF_FFFF_FFFF (SDK IsOperationalNodeId). */
    if (r->attr == ALTROOT_MATTER_ATTR_NODE_ID)
        ENSURE(r->value != 0 && r->value <= UINT64_C(0xFFFFFFEFFFFFFFFF), ALTROOT_E_POLICY);
    dn->type = type_of[r->attr];
    dn->id = r->value;
    return ALTROOT_OK;
}

/* CASE Authenticated Tag: 16-bit identifier << 16 | 16-bit version; version 0 is invalid and an
 * identifier may appear once (SDK IsValidCASEAuthTag, CATValues::AreValid). */
static altroot_err dn_cat(altroot_matter_dn *dn, uint64_t v)
{
    ENSURE(v <= UINT32_MAX && (v & 0xFFFFu) != 0, ALTROOT_E_POLICY);
    ENSURE(dn->cat_count < ALTROOT_MATTER_CAT_MAX, ALTROOT_E_POLICY);
    for (size_t i = 0; i < dn->cat_count; i++)
        ENSURE((dn->cats[i] >> 16) != (v >> 16), ALTROOT_E_POLICY);
    dn->cats[dn->cat_count++] = (uint32_t)v;
    return ALTROOT_OK;
}

altroot_err altroot_matter_dn_check(altroot_matter_dn *dn)
{
    ENSURE(dn != NULL, ALTROOT_E_INTERNAL);
    /* RFC 5280 4.1.2.4: the issuer field MUST contain a non-empty DN; Matter subjects always
     * carry at least their identifier. */
    ENSURE(dn->count > 0 && dn->count <= ALTROOT_MATTER_DN_MAX, ALTROOT_E_POLICY);
    dn->type = ALTROOT_MATTER_CERT_UNKNOWN;
    dn->id = dn->fabric_id = 0;
    dn->cat_count = 0;
    for (size_t i = 0; i < dn->count; i++) {
        const altroot_matter_rdn *r = &dn->rdn[i];
        if (!altroot_matter_attr_is_matter(r->attr)) {
            TRY(altroot_matter_dn_string_check(r->attr, r->printable, r->str));
        } else if (r->attr == ALTROOT_MATTER_ATTR_FABRIC_ID) {
            /* One fabric id, never 0 (kUndefinedFabricId). */
            ENSURE(dn->fabric_id == 0 && r->value != 0, ALTROOT_E_POLICY);
            dn->fabric_id = r->value;
        } else if (r->attr == ALTROOT_MATTER_ATTR_NOC_CAT) {
            TRY(dn_cat(dn, r->value));
        } else {
            TRY(dn_identifier(dn, r));
        }
    }
    /* A node certificate names its fabric; CATs only appear in node certificates. */
    if (dn->type == ALTROOT_MATTER_CERT_NODE)
        ENSURE(dn->fabric_id != 0, ALTROOT_E_POLICY);
    else
        ENSURE(dn->cat_count == 0, ALTROOT_E_POLICY);
    return ALTROOT_OK;
}

/* ---- Extensions and whole certificate ------------------------------------------------------- */

/* X.690 8.19: subidentifiers in base 128, no leading 0x80 octet, last octet without bit 8. */
static bool oid_well_formed(altroot_span oid)
{
    if (oid.len == 0 || (oid.ptr[oid.len - 1] & 0x80) != 0)
        return false;
    for (size_t i = 0; i < oid.len; i++)
        if (oid.ptr[i] == 0x80 && (i == 0 || (oid.ptr[i - 1] & 0x80) == 0))
            return false;
    return true;
}

altroot_err altroot_matter_future_ext_check(altroot_span ext, bool *critical, altroot_span *oid_out)
{
    altroot_cursor c, in;
    altroot_der_elem seq, oid, e;
    bool crit = false;
    altroot_cursor_init(&c, ext);
    TRY(altroot_der_expect(&c, ALTROOT_DER_SEQUENCE, &seq));
    TRY(altroot_cursor_finish(&c));
    /* RFC 5280 4.1: Extension ::= SEQUENCE { extnID OBJECT IDENTIFIER,
     *     critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING } */
    altroot_cursor_init(&in, seq.value);
    TRY(altroot_der_expect(&in, ALTROOT_DER_OID, &oid));
    ENSURE(oid_well_formed(oid.value), ALTROOT_E_DER);
    if (altroot_der_peek_tag(&in, ALTROOT_DER_BOOLEAN)) {
        TRY(altroot_der_read(&in, &e));
        TRY(altroot_der_get_bool(&e, &crit));
        /* X.690 11.5: a value equal to its DEFAULT is omitted. */
        ENSURE(crit, ALTROOT_E_DER);
    }
    TRY(altroot_der_expect(&in, ALTROOT_DER_OCTET_STRING, &e));
    TRY(altroot_cursor_finish(&in));
    /* A supported extension in disguise would dodge the per-extension rules (and duplicates). */
    ENSURE(altroot_matter_ext_from_oid(oid.value) == 0, ALTROOT_E_POLICY);
    *critical = crit;
    if (oid_out != NULL)
        *oid_out = oid.value;
    return ALTROOT_OK;
}

/* RFC 5280 4.2: "A certificate MUST NOT include more than one instance of a particular
 * extension": future extensions are told apart by their OID. */
static altroot_err future_unique(const altroot_matter_cert *c)
{
    altroot_span oids[ALTROOT_MATTER_FUTURE_EXT_MAX];
    bool critical;
    for (size_t i = 0; i < c->future_count; i++) {
        TRY(altroot_matter_future_ext_check(c->future[i], &critical, &oids[i]));
        for (size_t j = 0; j < i; j++)
            ENSURE(!altroot_span_equal(oids[i], oids[j]), ALTROOT_E_POLICY);
    }
    return ALTROOT_OK;
}

/* RFC 5280 4.1.2.2: the serial is a positive INTEGER of at most 20 octets; Matter TLV carries
 * the DER content octets, which must therefore already be minimal. */
static altroot_err serial_check(altroot_span s)
{
    ENSURE(s.len >= 1 && s.len <= ALTROOT_MATTER_SERIAL_MAX, ALTROOT_E_POLICY);
    ENSURE((s.ptr[0] & 0x80) == 0, ALTROOT_E_POLICY);
    ENSURE(!(s.len > 1 && s.ptr[0] == 0 && (s.ptr[1] & 0x80) == 0), ALTROOT_E_POLICY);
    return ALTROOT_OK;
}

static altroot_err ext_check(const altroot_matter_cert *c)
{
    /* RFC 5280 4.1: Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension */
    ENSURE(c->ext_count > 0, ALTROOT_E_POLICY);
    ENSURE(c->future_count <= ALTROOT_MATTER_FUTURE_EXT_MAX, ALTROOT_E_INTERNAL);
    TRY(future_unique(c));
    if (c->ext_present & (1u << ALTROOT_MATTER_EXT_BASIC_CONSTRAINTS))
        /* RFC 5280 4.2.1.9: "CAs MUST NOT include the pathLenConstraint field unless the cA
         * boolean is asserted" */
        ENSURE(c->is_ca || !c->has_path_len, ALTROOT_E_POLICY);
    if (c->ext_present & (1u << ALTROOT_MATTER_EXT_KEY_USAGE))
        /* RFC 5280 4.2.1.3: "at least one of the bits in the KeyUsage type MUST be set" */
        ENSURE(c->key_usage != 0 && (c->key_usage & ~ALTROOT_MATTER_KU_ALL) == 0, ALTROOT_E_POLICY);
    if (c->ext_present & (1u << ALTROOT_MATTER_EXT_EXT_KEY_USAGE)) {
        /* ExtKeyUsageSyntax ::= SEQUENCE SIZE (1..MAX) OF KeyPurposeId; one of each. */
        ENSURE(c->eku_count > 0, ALTROOT_E_POLICY);
        uint32_t seen = 0;
        for (size_t i = 0; i < c->eku_count; i++) {
            ENSURE(c->eku[i] >= 1 && c->eku[i] <= ALTROOT_MATTER_EKU_MAX, ALTROOT_E_POLICY);
            ENSURE((seen & (1u << c->eku[i])) == 0, ALTROOT_E_POLICY);
            seen |= 1u << c->eku[i];
        }
    }
    return ALTROOT_OK;
}

altroot_err altroot_matter_cert_check(const altroot_matter_cert *c)
{
    ENSURE(c != NULL, ALTROOT_E_INTERNAL);
    TRY(serial_check(c->serial));
    /* CHIPCertToX509 DecodeConvertValidity: notBefore < notAfter unless notAfter is "never". */
    ENSURE(c->not_after == 0 || c->not_before < c->not_after, ALTROOT_E_POLICY);
    /* SEC 1 2.3.3: uncompressed point 0x04 || X || Y (on-curve is checked by the verifier). */
    ENSURE(c->pubkey[0] == 0x04, ALTROOT_E_POLICY);
    return ext_check(c);
}
