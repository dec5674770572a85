/*
 * Certification Declaration: the one CMS SignedData shape Matter allows, and its TLV content
 * (docs/matter.md, section 3).
 */
#include <string.h>

#include <altroot/matter.h>

#include "../core/guard.h"
#include "../encoding/der.h"
#include "../encoding/tlv.h"

/* Encoded OID contents. */
static const uint8_t OID_SIGNED_DATA[] = {0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x02};
static const uint8_t OID_DATA[] = {0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x01};
static const uint8_t OID_SHA256[] = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01};
static const uint8_t OID_ECDSA_SHA256[] = {0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x02};

#define SPAN_OF(a) ((altroot_span){(a), sizeof(a)})
/* kMaxCMSSignedCDMessage = 183 + the largest CD content; generous and bounded. */
#define CD_CMS_MAX 4096

typedef struct env_ctx {
    altroot_failures *failures;
    bool outer_ok;  /* envelope fields are the required ones */
    bool signer_ok; /* the SignerInfo is the required one */
    altroot_err err;
} env_ctx;

static void note(env_ctx *e, bool ok, bool in_signer, const char *what)
{
    if (ok)
        return;
    if (in_signer)
        e->signer_ok = false;
    else
        e->outer_ok = false;
    if (e->err == ALTROOT_OK)
        e->err = altroot_failures_add(
            e->failures, in_signer ? ALTROOT_E_MATTER_CD_NO_KEY_ID : ALTROOT_E_MATTER_CD_SIGNATURE,
            "certification declaration", "%s", what);
}

static bool is_oid(const altroot_der_elem *el, altroot_span oid)
{
    return altroot_span_equal(el->value, oid);
}

/* AlgorithmIdentifier ::= SEQUENCE { algorithm OID } with no parameters. */
static bool read_alg(altroot_cursor *c, altroot_span oid)
{
    altroot_der_elem seq = {0}, o = {0};
    if (altroot_der_expect(c, ALTROOT_DER_SEQUENCE, &seq) != ALTROOT_OK)
        return false;
    altroot_cursor in;
    altroot_cursor_init(&in, seq.value);
    return altroot_der_expect(&in, ALTROOT_DER_OID, &o) == ALTROOT_OK && is_oid(&o, oid) &&
           altroot_cursor_finish(&in) == ALTROOT_OK;
}

static bool read_version3(altroot_cursor *c)
{
    altroot_der_elem v = {0};
    uint64_t n = 0;
    return altroot_der_expect(c, ALTROOT_DER_INTEGER, &v) == ALTROOT_OK &&
           altroot_der_get_uint(&v, 255, &n) == ALTROOT_OK && n == 3;
}

/* SignerInfo ::= SEQUENCE { version 3, sid [0] IMPLICIT SubjectKeyIdentifier, digestAlgorithm
 * sha256, signatureAlgorithm ecdsa-with-SHA256, signature OCTET STRING } -- no signed attributes */
static void read_signer(env_ctx *e, altroot_cursor *c, altroot_matter_cd_envelope *out)
{
    altroot_der_elem set = {0}, si = {0}, sid = {0}, sig = {0};
    note(e, altroot_der_expect(c, ALTROOT_DER_SET, &set) == ALTROOT_OK, true,
         "signerInfos is not a SET");
    altroot_cursor s;
    altroot_cursor_init(&s, set.value);
    note(e, altroot_der_expect(&s, ALTROOT_DER_SEQUENCE, &si) == ALTROOT_OK, true,
         "signerInfos holds no SignerInfo");
    note(e, altroot_cursor_finish(&s) == ALTROOT_OK, true, "more than one SignerInfo");
    altroot_cursor in;
    altroot_cursor_init(&in, si.value);
    note(e, read_version3(&in), true, "SignerInfo version must be 3");
    note(e,
         altroot_der_expect(&in, ALTROOT_DER_CTX_PRIM(0), &sid) == ALTROOT_OK &&
             sid.value.len > 0 && sid.value.len <= 64,
         true, "SignerInfo sid must be a subjectKeyIdentifier");
    note(e, read_alg(&in, SPAN_OF(OID_SHA256)), true, "SignerInfo digest must be SHA-256");
    note(e, read_alg(&in, SPAN_OF(OID_ECDSA_SHA256)), true,
         "SignerInfo signature algorithm must be ecdsa-with-SHA256");
    note(e, altroot_der_expect(&in, ALTROOT_DER_OCTET_STRING, &sig) == ALTROOT_OK, true,
         "SignerInfo signature missing");
    note(e, altroot_cursor_finish(&in) == ALTROOT_OK, true,
         "SignerInfo has extra fields (signed attributes are not allowed)");
    if (e->signer_ok) {
        out->key_id = sid.value;
        out->signature = sig.value;
    }
}

/* EncapsulatedContentInfo ::= SEQUENCE { eContentType pkcs7-data, eContent [0] EXPLICIT OCTET
 * STRING } */
static void read_encap(env_ctx *e, altroot_cursor *c, altroot_matter_cd_envelope *out)
{
    altroot_der_elem seq = {0}, type = {0}, wrap = {0}, content = {0};
    note(e, altroot_der_expect(c, ALTROOT_DER_SEQUENCE, &seq) == ALTROOT_OK, false,
         "encapContentInfo missing");
    altroot_cursor in, w;
    altroot_cursor_init(&in, seq.value);
    note(e,
         altroot_der_expect(&in, ALTROOT_DER_OID, &type) == ALTROOT_OK &&
             is_oid(&type, SPAN_OF(OID_DATA)),
         false, "eContentType must be pkcs7-data");
    note(e, altroot_der_expect(&in, ALTROOT_DER_CTX_CONS(0), &wrap) == ALTROOT_OK, false,
         "eContent missing");
    altroot_cursor_init(&w, wrap.value);
    note(e,
         altroot_der_expect(&w, ALTROOT_DER_OCTET_STRING, &content) == ALTROOT_OK &&
             altroot_cursor_finish(&w) == ALTROOT_OK && altroot_cursor_finish(&in) == ALTROOT_OK,
         false, "eContent must be one OCTET STRING");
    out->content = content.value;
}

/* SignedData ::= SEQUENCE { version 3, digestAlgorithms SET { sha256 }, encapContentInfo,
 * signerInfos } -- no certificates, no crls */
static void read_signed_data(env_ctx *e, altroot_span body, altroot_matter_cd_envelope *out)
{
    altroot_cursor c, d;
    altroot_der_elem set = {0};
    altroot_cursor_init(&c, body);
    note(e, read_version3(&c), false, "SignedData version must be 3");
    note(e, altroot_der_expect(&c, ALTROOT_DER_SET, &set) == ALTROOT_OK, false,
         "digestAlgorithms missing");
    altroot_cursor_init(&d, set.value);
    note(e, read_alg(&d, SPAN_OF(OID_SHA256)) && altroot_cursor_finish(&d) == ALTROOT_OK, false,
         "digestAlgorithms must be exactly SHA-256");
    read_encap(e, &c, out);
    /* certificates [0] and crls [1] are not part of the Matter shape. */
    note(e,
         !altroot_der_peek_tag(&c, ALTROOT_DER_CTX_CONS(0)) &&
             !altroot_der_peek_tag(&c, ALTROOT_DER_CTX_CONS(1)),
         false, "certificates and crls must be absent");
    if (altroot_der_peek_tag(&c, ALTROOT_DER_CTX_CONS(0)) ||
        altroot_der_peek_tag(&c, ALTROOT_DER_CTX_CONS(1))) {
        altroot_der_elem skip;
        while (altroot_cursor_remaining(&c) > 0 && !altroot_der_peek_tag(&c, ALTROOT_DER_SET) &&
               altroot_der_read(&c, &skip) == ALTROOT_OK)
            ;
    }
    read_signer(e, &c, out);
    note(e, altroot_cursor_finish(&c) == ALTROOT_OK, false, "SignedData has extra fields");
}

altroot_err altroot_matter_cd_open(altroot_span cms, altroot_matter_cd_envelope *out,
                                   altroot_failures *failures)
{
    ENSURE(out != NULL && failures != NULL, ALTROOT_E_INTERNAL);
    env_ctx e = {failures, true, true, ALTROOT_OK};
    altroot_matter_cd_envelope env = {{NULL, 0}, {NULL, 0}, {NULL, 0}};
    altroot_cursor c, in, sd;
    altroot_der_elem ci = {0}, type = {0}, wrap = {0}, body = {0};
    note(&e, cms.len > 0 && cms.len <= CD_CMS_MAX, false, "CMS size out of range");
    altroot_cursor_init(&c, cms);
    note(&e,
         altroot_der_expect(&c, ALTROOT_DER_SEQUENCE, &ci) == ALTROOT_OK &&
             altroot_cursor_finish(&c) == ALTROOT_OK,
         false, "not one DER ContentInfo");
    altroot_cursor_init(&in, ci.value);
    note(&e,
         altroot_der_expect(&in, ALTROOT_DER_OID, &type) == ALTROOT_OK &&
             is_oid(&type, SPAN_OF(OID_SIGNED_DATA)),
         false, "contentType must be id-signedData");
    note(&e,
         altroot_der_expect(&in, ALTROOT_DER_CTX_CONS(0), &wrap) == ALTROOT_OK &&
             altroot_cursor_finish(&in) == ALTROOT_OK,
         false, "content must be [0] EXPLICIT SignedData");
    altroot_cursor_init(&sd, wrap.value);
    note(&e,
         altroot_der_expect(&sd, ALTROOT_DER_SEQUENCE, &body) == ALTROOT_OK &&
             altroot_cursor_finish(&sd) == ALTROOT_OK,
         false, "SignedData is not one SEQUENCE");
    if (e.outer_ok)
        read_signed_data(&e, body.value, &env);
    TRY(e.err);
    if (!e.outer_ok)
        return ALTROOT_E_MATTER_CD_SIGNATURE;
    if (!e.signer_ok)
        return ALTROOT_E_MATTER_CD_NO_KEY_ID;
    *out = env;
    return ALTROOT_OK;
}

/* ---- content ---- */

/* An unsigned field. The SDK's own CD vectors encode some of these as signed integers (for
 * example format_version as 0x20 0x00 0x01), and the SDK accepts them: a non-negative signed
 * integer is taken as the same value. */
static altroot_err elem_uint(const altroot_tlv_elem *el, uint64_t max, uint64_t *v)
{
    if (el->type == ALTROOT_TLV_INT) {
        ENSURE(el->i >= 0 && (uint64_t)el->i <= max, ALTROOT_E_MALFORMED);
        *v = (uint64_t)el->i;
        return ALTROOT_OK;
    }
    ENSURE(el->type == ALTROOT_TLV_UINT, ALTROOT_E_MALFORMED);
    return altroot_tlv_get_uint(el, max, v);
}

static altroot_err get_u(altroot_tlv_reader *r, int tag, uint64_t max, uint64_t *v)
{
    altroot_tlv_elem el;
    TRY(altroot_tlv_next(r, &el));
    ENSURE(el.tag.form == ALTROOT_TLV_TAG_CONTEXT && el.tag.number == (uint32_t)tag,
           ALTROOT_E_MALFORMED);
    return elem_uint(&el, max, v);
}

static altroot_err read_pids(altroot_tlv_reader *r, altroot_matter_cd *cd)
{
    altroot_tlv_elem el;
    TRY(altroot_tlv_expect(r, 2, ALTROOT_TLV_ARRAY, &el));
    for (;;) {
        TRY(altroot_tlv_next(r, &el));
        if (el.type == ALTROOT_TLV_END)
            break;
        uint64_t v;
        ENSURE(el.tag.form == ALTROOT_TLV_TAG_ANON, ALTROOT_E_MALFORMED);
        TRY(elem_uint(&el, UINT16_MAX, &v));
        ENSURE(cd->product_id_count < ALTROOT_MATTER_CD_MAX_PIDS, ALTROOT_E_MALFORMED);
        cd->product_ids[cd->product_id_count++] = (uint16_t)v;
    }
    ENSURE(cd->product_id_count > 0, ALTROOT_E_MALFORMED);
    return ALTROOT_OK;
}

static altroot_err read_paas(altroot_tlv_reader *r, altroot_matter_cd *cd)
{
    altroot_tlv_elem el;
    cd->has_authorized_paas = true;
    for (;;) {
        TRY(altroot_tlv_next(r, &el));
        if (el.type == ALTROOT_TLV_END)
            break;
        ENSURE(el.type == ALTROOT_TLV_BYTES && el.tag.form == ALTROOT_TLV_TAG_ANON &&
                   el.str.len == 20,
               ALTROOT_E_MALFORMED);
        ENSURE(cd->authorized_paa_count < ALTROOT_MATTER_CD_MAX_PAAS, ALTROOT_E_MALFORMED);
        memcpy(cd->authorized_paas[cd->authorized_paa_count++], el.str.ptr, 20);
    }
    /* An empty list decodes; it then authorizes no PAA at all (E_MATTER_CD_PAA), as the SDK's
     * authorized_paa_list_count0 vector expects. */
    return ALTROOT_OK;
}

/* Tags 9..11, each optional; 9 and 10 go together. */
static altroot_err read_optional(altroot_tlv_reader *r, altroot_matter_cd *cd)
{
    altroot_tlv_elem el;
    bool vid = false, pid = false;
    uint64_t v;
    for (;;) {
        TRY(altroot_tlv_next(r, &el));
        if (el.type == ALTROOT_TLV_END)
            break;
        ENSURE(el.tag.form == ALTROOT_TLV_TAG_CONTEXT, ALTROOT_E_MALFORMED);
        if (el.tag.number == 9 && !vid && !pid) {
            TRY(elem_uint(&el, UINT16_MAX, &v));
            cd->dac_origin_vid = (uint16_t)v;
            vid = true;
        } else if (el.tag.number == 10 && vid && !pid) {
            TRY(elem_uint(&el, UINT16_MAX, &v));
            cd->dac_origin_pid = (uint16_t)v;
            pid = true;
        } else if (el.tag.number == 11 && vid == pid && !cd->has_authorized_paas &&
                   el.type == ALTROOT_TLV_ARRAY) {
            TRY(read_paas(r, cd));
        } else {
            return ALTROOT_E_MALFORMED;
        }
    }
    ENSURE(vid == pid, ALTROOT_E_MALFORMED);
    cd->has_dac_origin = vid;
    return ALTROOT_OK;
}

static altroot_err decode(altroot_tlv_reader *r, altroot_matter_cd *cd)
{
    altroot_tlv_elem el;
    uint64_t v;
    TRY(altroot_tlv_expect(r, -1, ALTROOT_TLV_STRUCT, &el));
    TRY(get_u(r, 0, UINT8_MAX, &cd->format_version));
    TRY(get_u(r, 1, UINT16_MAX, &v));
    cd->vendor_id = (uint16_t)v;
    TRY(read_pids(r, cd));
    TRY(get_u(r, 3, UINT32_MAX, &v));
    cd->device_type_id = (uint32_t)v;
    TRY(altroot_tlv_expect(r, 4, ALTROOT_TLV_UTF8, &el));
    ENSURE(el.str.len == 19, ALTROOT_E_MALFORMED);
    memcpy(cd->certificate_id, el.str.ptr, 19);
    TRY(get_u(r, 5, UINT8_MAX, &v));
    cd->security_level = (uint8_t)v;
    TRY(get_u(r, 6, UINT16_MAX, &v));
    cd->security_information = (uint16_t)v;
    TRY(get_u(r, 7, UINT16_MAX, &v));
    cd->version_number = (uint16_t)v;
    TRY(get_u(r, 8, UINT8_MAX, &v));
    cd->certification_type = (uint8_t)v;
    TRY(read_optional(r, cd));
    return altroot_tlv_finish(r);
}

altroot_err altroot_matter_cd_decode(altroot_span tlv, altroot_matter_cd *out)
{
    ENSURE(out != NULL, ALTROOT_E_INTERNAL);
    altroot_matter_cd cd;
    memset(&cd, 0, sizeof cd);
    altroot_tlv_reader r;
    altroot_tlv_reader_init(&r, tlv, 0);
    altroot_err err = decode(&r, &cd);
    if (err == ALTROOT_E_NOMEM)
        return err;
    ENSURE(err == ALTROOT_OK, ALTROOT_E_MATTER_CD_FORMAT);
    *out = cd;
    return ALTROOT_OK;
}
