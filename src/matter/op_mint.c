/*
 * Minting a Matter fabric for tests and `altroot mint matter`: RCAC, optional ICAC and NOC with
 * fresh P-256 keys, built directly in the Matter profile (so the TLV and DER forms are exact
 * conversions of each other) and signed over the X.509 TBS, with optional faults that each
 * break one rule of docs/matter-opcerts.md.
 */
#include <string.h>

#include <altroot/matter_op.h>

#include "../core/guard.h"
#include "cert_internal.h"

#define F(name) ((p->faults & ALTROOT_MATTER_OP_FAULT_##name) != 0)

/* A critical extension no Matter verifier knows: OID 1.3.6.1.4.1.32473.1, under the enterprise
 * number IANA reserves for documentation and examples (RFC 5612), so it has no one's assigned
 * meaning and every arc is below 2^28 (RFC 5280 Appendix B); critical TRUE, empty extnValue. */
static const uint8_t CRITICAL_TEST_EXT[] = {0x30, 0x10, 0x06, 0x09, 0x2B, 0x06, 0x01, 0x04, 0x01,
                                            0x81, 0xFD, 0x59, 0x01, 0x01, 0x01, 0xFF, 0x04, 0x00};

typedef struct mint_cert {
    altroot_matter_cert c;
    uint8_t serial[8];
} mint_cert;

/* RFC 7093 2 method 1: the leftmost 160 bits of the SHA-256 of the subjectPublicKey. */
static void key_id(const uint8_t pub[ALTROOT_MATTER_PUBKEY_LEN],
                   uint8_t out[ALTROOT_MATTER_KEY_ID_LEN])
{
    uint8_t h[32];
    altroot_sha256((altroot_span){pub, ALTROOT_MATTER_PUBKEY_LEN}, h);
    memcpy(out, h, ALTROOT_MATTER_KEY_ID_LEN);
}

/* The public point, the key ids and a serial derived from the key (RFC 5280 4.1.2.2: positive,
 * unique per issuer; a fresh key makes it unique). */
static altroot_err set_key(mint_cert *m, const altroot_key *key)
{
    altroot_bytes point = ALTROOT_BYTES_INIT;
    TRY(altroot_key_ec_point(key, &point));
    altroot_err err = point.len == ALTROOT_MATTER_PUBKEY_LEN ? ALTROOT_OK : ALTROOT_E_INTERNAL;
    if (err == ALTROOT_OK) {
        memcpy(m->c.pubkey, point.ptr, ALTROOT_MATTER_PUBKEY_LEN);
        key_id(m->c.pubkey, m->c.skid);
        uint8_t h[32];
        altroot_sha256((altroot_span){point.ptr, point.len}, h);
        memcpy(m->serial, h + 20, sizeof m->serial);
        m->serial[0] = (uint8_t)((m->serial[0] & 0x7F) | 0x01);
        m->c.serial = (altroot_span){m->serial, sizeof m->serial};
    }
    altroot_bytes_clear(&point);
    return err;
}

static void add_rdn(altroot_matter_dn *dn, uint8_t attr, uint64_t value)
{
    if (dn->count < ALTROOT_MATTER_DN_MAX) {
        dn->rdn[dn->count].attr = attr;
        dn->rdn[dn->count].value = value;
        dn->count++;
    }
}

static void add_ext(altroot_matter_cert *c, altroot_matter_ext e)
{
    c->ext_order[c->ext_count++] = (uint8_t)e;
    c->ext_present |= 1u << e;
}

/* Extensions in the SDK's order: basicConstraints, keyUsage, [EKU], SKID, AKID. */
static void add_standard_exts(altroot_matter_cert *c, bool eku, bool skid)
{
    add_ext(c, ALTROOT_MATTER_EXT_BASIC_CONSTRAINTS);
    add_ext(c, ALTROOT_MATTER_EXT_KEY_USAGE);
    if (eku)
        add_ext(c, ALTROOT_MATTER_EXT_EXT_KEY_USAGE);
    if (skid)
        add_ext(c, ALTROOT_MATTER_EXT_SUBJECT_KEY_ID);
    add_ext(c, ALTROOT_MATTER_EXT_AUTHORITY_KEY_ID);
}

static altroot_err set_validity(const altroot_matter_op_mint_params *p, altroot_matter_cert *c)
{
    TRY(altroot_matter_time_from_unix(p->not_before, &c->not_before));
    return altroot_matter_time_from_unix(p->not_after, &c->not_after);
}

/* Sign the TBS with `key` (raw r||s, as Matter TLV carries it); `corrupt` flips one bit. */
static altroot_err sign_cert(altroot_matter_cert *c, const altroot_key *key, bool corrupt)
{
    altroot_bytes tbs = ALTROOT_BYTES_INIT, sig = ALTROOT_BYTES_INIT;
    altroot_err err = altroot_matter_cert_tbs_der(c, &tbs);
    if (err == ALTROOT_OK)
        err = altroot_sign(key, ALTROOT_SIG_ECDSA_P256_SHA256, ALTROOT_SIG_FORMAT_RAW,
                           altroot_bytes_span(&tbs), &sig);
    if (err == ALTROOT_OK && sig.len != ALTROOT_MATTER_SIG_LEN)
        err = ALTROOT_E_INTERNAL;
    if (err == ALTROOT_OK) {
        memcpy(c->signature, sig.ptr, ALTROOT_MATTER_SIG_LEN);
        if (corrupt)
            c->signature[ALTROOT_MATTER_SIG_LEN - 1] ^= 0x01;
    }
    altroot_bytes_clear(&tbs);
    altroot_bytes_clear(&sig);
    return err;
}

static altroot_err build_rcac(const altroot_matter_op_mint_params *p, const altroot_key *key,
                              mint_cert *m)
{
    altroot_matter_cert *c = &m->c;
    TRY(set_key(m, key));
    TRY(set_validity(p, c));
    add_rdn(&c->subject, ALTROOT_MATTER_ATTR_RCAC_ID, p->rcac_id);
    if (p->rcac_has_fabric_id)
        add_rdn(&c->subject, ALTROOT_MATTER_ATTR_FABRIC_ID,
                F(RCAC_FABRIC) ? p->fabric_id + 1 : p->fabric_id);
    c->issuer = c->subject;
    if (F(RCAC_ISSUER))
        c->issuer.rdn[0].value ^= 1;
    c->is_ca = !F(RCAC_NOT_CA);
    c->has_path_len = c->is_ca;
    c->path_len = F(RCAC_PATH_LEN_2) ? 2 : F(RCAC_PATH_LEN_0) ? 0 : 1;
    c->key_usage = F(RCAC_KEY_USAGE) ? ALTROOT_MATTER_KU_CRL_SIGN
                                     : ALTROOT_MATTER_KU_KEY_CERT_SIGN | ALTROOT_MATTER_KU_CRL_SIGN;
    memcpy(c->akid, c->skid, ALTROOT_MATTER_KEY_ID_LEN);
    if (F(RCAC_AKID))
        c->akid[0] ^= 0x01;
    add_standard_exts(c, false, true);
    return sign_cert(c, key, F(RCAC_SIGNATURE));
}

static altroot_err build_icac(const altroot_matter_op_mint_params *p, const altroot_key *key,
                              const mint_cert *root, const altroot_key *root_key, mint_cert *m)
{
    altroot_matter_cert *c = &m->c;
    TRY(set_key(m, key));
    TRY(set_validity(p, c));
    add_rdn(&c->subject, ALTROOT_MATTER_ATTR_ICAC_ID, p->icac_id);
    if (p->icac_has_fabric_id)
        add_rdn(&c->subject, ALTROOT_MATTER_ATTR_FABRIC_ID,
                F(ICAC_FABRIC) ? p->fabric_id + 1 : p->fabric_id);
    c->issuer = root->c.subject;
    c->is_ca = !F(ICAC_NOT_CA);
    c->has_path_len = c->is_ca;
    c->path_len = 0;
    c->key_usage = F(ICAC_KEY_USAGE) ? ALTROOT_MATTER_KU_CRL_SIGN
                                     : ALTROOT_MATTER_KU_KEY_CERT_SIGN | ALTROOT_MATTER_KU_CRL_SIGN;
    memcpy(c->akid, root->c.skid, ALTROOT_MATTER_KEY_ID_LEN);
    if (F(ICAC_AKID))
        c->akid[0] ^= 0x01;
    add_standard_exts(c, false, true);
    return sign_cert(c, root_key, F(ICAC_SIGNATURE));
}

static void noc_subject(const altroot_matter_op_mint_params *p, altroot_matter_dn *dn)
{
    add_rdn(dn, F(NOC_TYPE) ? ALTROOT_MATTER_ATTR_ICAC_ID : ALTROOT_MATTER_ATTR_NODE_ID,
            p->node_id);
    if (p->fabric_id != 0)
        add_rdn(dn, ALTROOT_MATTER_ATTR_FABRIC_ID, p->fabric_id);
    /* CATs belong to node subjects only: with the type fault they would break a second rule. */
    for (size_t i = 0; !F(NOC_TYPE) && i < p->cat_count && i < ALTROOT_MATTER_OP_CAT_MAX; i++)
        add_rdn(dn, ALTROOT_MATTER_ATTR_NOC_CAT, p->cats[i]);
}

static altroot_err build_noc(const altroot_matter_op_mint_params *p, const altroot_key *key,
                             const mint_cert *parent, const altroot_key *parent_key, mint_cert *m)
{
    altroot_matter_cert *c = &m->c;
    TRY(set_key(m, key));
    TRY(set_validity(p, c));
    noc_subject(p, &c->subject);
    c->issuer = parent->c.subject;
    if (F(NOC_ISSUER))
        c->issuer.rdn[0].value ^= 1;
    c->is_ca = F(NOC_CA);
    c->key_usage = F(NOC_KEY_USAGE) ? 0x0010u /* keyAgreement */
                                    : ALTROOT_MATTER_KU_DIGITAL_SIGNATURE;
    if (!F(NOC_NO_CLIENT))
        c->eku[c->eku_count++] = ALTROOT_MATTER_EKU_CLIENT_AUTH;
    if (!F(NOC_NO_SERVER))
        c->eku[c->eku_count++] = ALTROOT_MATTER_EKU_SERVER_AUTH;
    memcpy(c->akid, parent->c.skid, ALTROOT_MATTER_KEY_ID_LEN);
    if (F(NOC_AKID))
        c->akid[0] ^= 0x01;
    add_standard_exts(c, !F(NOC_NO_EKU) && c->eku_count > 0, !F(NOC_NO_SKID));
    if (F(NOC_CRITICAL_EXT)) {
        c->future[c->future_count++] = (altroot_span){CRITICAL_TEST_EXT, sizeof CRITICAL_TEST_EXT};
        c->future_critical = true;
        add_ext(c, ALTROOT_MATTER_EXT_FUTURE);
    }
    return sign_cert(c, parent_key, F(NOC_SIGNATURE));
}

/* Both encodings of a minted certificate. */
static altroot_err encode(const mint_cert *m, altroot_bytes *tlv, altroot_bytes *der)
{
    TRY(altroot_matter_cert_to_tlv(&m->c, tlv));
    return altroot_matter_cert_to_der(&m->c, der);
}

/* Another owner of the same key pair (PKCS#8 round trip: keys have no reference count). */
static altroot_err copy_key(const altroot_key *key, altroot_key **out)
{
    altroot_bytes pem = ALTROOT_BYTES_INIT;
    altroot_err err = altroot_key_private_pem(key, &pem);
    if (err == ALTROOT_OK)
        err = altroot_key_parse_private(altroot_bytes_span(&pem), out);
    altroot_bytes_clear(&pem);
    return err;
}

static altroot_err gen_keys(const altroot_matter_op_mint_params *p, altroot_matter_op_fabric *f)
{
    if (p->rcac_key != NULL)
        TRY(copy_key(p->rcac_key, &f->rcac_key));
    else
        TRY(altroot_key_generate(ALTROOT_KEY_EC_P256, &f->rcac_key));
    if (p->with_icac)
        TRY(altroot_key_generate(ALTROOT_KEY_EC_P256, &f->icac_key));
    return altroot_key_generate(ALTROOT_KEY_EC_P256, &f->noc_key);
}

static altroot_err mint(const altroot_matter_op_mint_params *p, altroot_matter_op_fabric *f)
{
    mint_cert root, ica, node;
    memset(&root, 0, sizeof root);
    memset(&ica, 0, sizeof ica);
    memset(&node, 0, sizeof node);
    TRY(gen_keys(p, f));
    TRY(build_rcac(p, f->rcac_key, &root));
    TRY(encode(&root, &f->rcac_tlv, &f->rcac_der));
    const mint_cert *parent = &root;
    const altroot_key *parent_key = f->rcac_key;
    if (p->with_icac) {
        TRY(build_icac(p, f->icac_key, &root, f->rcac_key, &ica));
        TRY(encode(&ica, &f->icac_tlv, &f->icac_der));
        parent = &ica;
        parent_key = f->icac_key;
    }
    TRY(build_noc(p, f->noc_key, parent, parent_key, &node));
    return encode(&node, &f->noc_tlv, &f->noc_der);
}

altroot_err altroot_matter_op_fabric_mint(const altroot_matter_op_mint_params *p,
                                          altroot_matter_op_fabric *out)
{
    ENSURE(p != NULL && out != NULL, ALTROOT_E_INTERNAL);
    ENSURE(p->cat_count <= ALTROOT_MATTER_OP_CAT_MAX && (p->cats != NULL || p->cat_count == 0),
           ALTROOT_E_ARG);
    altroot_matter_op_fabric f;
    memset(&f, 0, sizeof f);
    altroot_err err = mint(p, &f);
    if (err != ALTROOT_OK) {
        altroot_matter_op_fabric_clear(&f);
        return err;
    }
    altroot_matter_op_fabric_clear(out);
    *out = f;
    return ALTROOT_OK;
}

void altroot_matter_op_fabric_clear(altroot_matter_op_fabric *f)
{
    if (f == NULL)
        return;
    altroot_bytes_clear(&f->rcac_tlv);
    altroot_bytes_clear(&f->icac_tlv);
    altroot_bytes_clear(&f->noc_tlv);
    altroot_bytes_clear(&f->rcac_der);
    altroot_bytes_clear(&f->icac_der);
    altroot_bytes_clear(&f->noc_der);
    altroot_key_free(f->rcac_key);
    altroot_key_free(f->icac_key);
    altroot_key_free(f->noc_key);
    memset(f, 0, sizeof *f);
}
