/* Matter certificate <-> X.509 DER (RFC 5280), byte-exact in both directions. */
#include <string.h>

#include "../core/guard.h"
#include "../encoding/der.h"
#include "cert_internal.h"

#define KEY_ID_SPAN(a) ((altroot_span){(a), ALTROOT_MATTER_KEY_ID_LEN})

/* ---- Encoder -------------------------------------------------------------------------------- */

/* Matter DN attributes in X.509: UTF8String of 16 (CAT: 8) upper-case hex digits. */
static void put_rdn_value(altroot_der_writer *w, const altroot_matter_rdn *rdn)
{
    static const char hex[] = "0123456789ABCDEF";
    if (altroot_matter_attr_is_matter(rdn->attr)) {
        char buf[16];
        size_t n = rdn->attr == ALTROOT_MATTER_ATTR_NOC_CAT ? 8 : 16;
        for (size_t i = 0; i < n; i++)
            buf[i] = hex[(rdn->value >> (4 * (n - 1 - i))) & 0xFu];
        altroot_der_put(w, ALTROOT_DER_UTF8_STRING, (altroot_span){(const uint8_t *)buf, n});
        return;
    }
    uint8_t tag = rdn->attr == ALTROOT_MATTER_ATTR_DOMAIN_COMPONENT ? ALTROOT_DER_IA5_STRING
                  : rdn->printable                                  ? ALTROOT_DER_PRINTABLE_STRING
                                                                    : ALTROOT_DER_UTF8_STRING;
    altroot_der_put(w, tag, rdn->str);
}

/* Name ::= SEQUENCE OF RelativeDistinguishedName
 * RelativeDistinguishedName ::= SET SIZE (1..MAX) OF AttributeTypeAndValue   -- one in Matter
 * AttributeTypeAndValue ::= SEQUENCE { type AttributeType, value AttributeValue } */
static void put_dn(altroot_der_writer *w, const altroot_matter_dn *dn)
{
    altroot_der_begin(w, ALTROOT_DER_SEQUENCE);
    for (size_t i = 0; i < dn->count; i++) {
        altroot_der_begin(w, ALTROOT_DER_SET);
        altroot_der_begin(w, ALTROOT_DER_SEQUENCE);
        altroot_der_put_oid(w, altroot_matter_attr_oid(dn->rdn[i].attr));
        put_rdn_value(w, &dn->rdn[i]);
        altroot_der_end(w);
        altroot_der_end(w);
    }
    altroot_der_end(w);
}

static void put_ext_value(altroot_der_writer *w, const altroot_matter_cert *c, uint8_t kind)
{
    switch (kind) {
    case ALTROOT_MATTER_EXT_BASIC_CONSTRAINTS:
        /* BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE,
         *                                 pathLenConstraint INTEGER (0..MAX) OPTIONAL } */
        altroot_der_begin(w, ALTROOT_DER_SEQUENCE);
        if (c->is_ca)
            altroot_der_put_bool(w, true);
        if (c->has_path_len)
            altroot_der_put_uint(w, c->path_len);
        altroot_der_end(w);
        break;
    case ALTROOT_MATTER_EXT_KEY_USAGE:
        altroot_der_put_named_bits(w, c->key_usage);
        break;
    case ALTROOT_MATTER_EXT_EXT_KEY_USAGE:
        /* ExtKeyUsageSyntax ::= SEQUENCE SIZE (1..MAX) OF KeyPurposeId */
        altroot_der_begin(w, ALTROOT_DER_SEQUENCE);
        for (size_t i = 0; i < c->eku_count; i++)
            altroot_der_put_oid(w, altroot_matter_eku_oid(c->eku[i]));
        altroot_der_end(w);
        break;
    case ALTROOT_MATTER_EXT_SUBJECT_KEY_ID:
        altroot_der_put(w, ALTROOT_DER_OCTET_STRING, KEY_ID_SPAN(c->skid));
        break;
    default:
        /* AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] KeyIdentifier OPTIONAL, ... } */
        altroot_der_begin(w, ALTROOT_DER_SEQUENCE);
        altroot_der_put(w, ALTROOT_DER_CTX_PRIM(0), KEY_ID_SPAN(c->akid));
        altroot_der_end(w);
        break;
    }
}

/* Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }.
 * Matter marks basicConstraints, keyUsage and extKeyUsage critical, the key identifiers not. */
static void put_extension(altroot_der_writer *w, const altroot_matter_cert *c, uint8_t kind,
                          size_t *future)
{
    if (kind == ALTROOT_MATTER_EXT_FUTURE) {
        /* A complete DER Extension, copied verbatim. */
        if (*future < c->future_count)
            altroot_der_put_raw(w, c->future[(*future)++]);
        return;
    }
    altroot_der_begin(w, ALTROOT_DER_SEQUENCE);
    altroot_der_put_oid(w, altroot_matter_ext_oid(kind));
    if (kind <= ALTROOT_MATTER_EXT_EXT_KEY_USAGE)
        altroot_der_put_bool(w, true);
    altroot_der_begin(w, ALTROOT_DER_OCTET_STRING);
    put_ext_value(w, c, kind);
    altroot_der_end(w);
    altroot_der_end(w);
}

static void put_sig_algo(altroot_der_writer *w)
{
    /* RFC 5758 3.2: ecdsa-with-SHA256 AlgorithmIdentifier has no parameters field. */
    altroot_der_begin(w, ALTROOT_DER_SEQUENCE);
    altroot_der_put_oid(w, altroot_matter_oid_ecdsa_sha256);
    altroot_der_end(w);
}

static void put_spki(altroot_der_writer *w, const altroot_matter_cert *c)
{
    /* RFC 5480 2: SubjectPublicKeyInfo with id-ecPublicKey and namedCurve prime256v1. */
    altroot_der_begin(w, ALTROOT_DER_SEQUENCE);
    altroot_der_begin(w, ALTROOT_DER_SEQUENCE);
    altroot_der_put_oid(w, altroot_matter_oid_ec_public_key);
    altroot_der_put_oid(w, altroot_matter_oid_prime256v1);
    altroot_der_end(w);
    altroot_der_put_bit_string(w, (altroot_span){c->pubkey, sizeof c->pubkey});
    altroot_der_end(w);
}

/* RFC 5280 4.1: TBSCertificate ::= SEQUENCE { version [0] EXPLICIT v3, serialNumber, signature,
 *   issuer, validity, subject, subjectPublicKeyInfo, extensions [3] EXPLICIT Extensions } */
static void put_tbs(altroot_der_writer *w, const altroot_matter_cert *c)
{
    size_t future = 0;
    altroot_der_begin(w, ALTROOT_DER_SEQUENCE);
    altroot_der_begin(w, ALTROOT_DER_CTX_CONS(0));
    altroot_der_put_uint(w, 2);
    altroot_der_end(w);
    altroot_der_put(w, ALTROOT_DER_INTEGER, c->serial);
    put_sig_algo(w);
    put_dn(w, &c->issuer);
    altroot_der_begin(w, ALTROOT_DER_SEQUENCE);
    altroot_der_put_time(w, altroot_matter_time_to_unix(c->not_before));
    altroot_der_put_time(w, altroot_matter_time_to_unix(c->not_after));
    altroot_der_end(w);
    put_dn(w, &c->subject);
    put_spki(w, c);
    altroot_der_begin(w, ALTROOT_DER_CTX_CONS(3));
    altroot_der_begin(w, ALTROOT_DER_SEQUENCE);
    for (size_t i = 0; i < c->ext_count && i < ALTROOT_MATTER_EXT_MAX; i++)
        put_extension(w, c, c->ext_order[i], &future);
    altroot_der_end(w);
    altroot_der_end(w);
    altroot_der_end(w);
}

static altroot_err encode(const altroot_matter_cert *c, bool whole, altroot_bytes *out)
{
    ENSURE(c != NULL && out != NULL, ALTROOT_E_INTERNAL);
    altroot_bytes tmp = ALTROOT_BYTES_INIT;
    altroot_der_writer w;
    altroot_der_writer_init(&w, &tmp);
    if (whole)
        altroot_der_begin(&w, ALTROOT_DER_SEQUENCE);
    put_tbs(&w, c);
    if (whole) {
        put_sig_algo(&w);
        /* RFC 5480 2.2 / RFC 3279 2.2.3: signatureValue BIT STRING holds Ecdsa-Sig-Value. */
        altroot_der_begin(&w, ALTROOT_DER_BIT_STRING);
        altroot_der_put_raw(&w, (altroot_span){(const uint8_t *)"", 1});
        altroot_der_put_ecdsa_sig(&w, c->signature);
        altroot_der_end(&w);
        altroot_der_end(&w);
    }
    altroot_err err = altroot_der_writer_finish(&w);
    if (err == ALTROOT_OK && tmp.len > ALTROOT_MATTER_CERT_DER_MAX)
        err = ALTROOT_E_TOO_LARGE;
    if (err != ALTROOT_OK) {
        altroot_bytes_clear(&tmp);
        return err;
    }
    altroot_bytes_clear(out);
    *out = tmp;
    return ALTROOT_OK;
}

altroot_err altroot_matter_cert_tbs_der(const altroot_matter_cert *c, altroot_bytes *out)
{
    return encode(c, false, out);
}

altroot_err altroot_matter_cert_to_der(const altroot_matter_cert *c, altroot_bytes *out)
{
    return encode(c, true, out);
}
