/*
 * Device side: the evidence CBOR (docs/evidence.md "CDDL"), deterministically encoded (RFC 8949
 * 4.2.1: shortest heads, definite lengths, map keys in bytewise order of their encodings -- here
 * every map is written in ascending key order, which for the keys used is that order), and the
 * bindings, each a COSE_Sign1 (RFC 9052 4.2) over binding claims signed by a device key.
 */
#include <string.h>

#include <altroot/cose.h>
#include <altroot/devid.h>
#include <altroot/fdo.h>
#include <altroot/matter.h>
#include <altroot/matter_op.h>

#include "../core/guard.h"
#include "internal.h"

altroot_err evd_put_key(altroot_bytes *out, int64_t key)
{
    return altroot_cbor_put_int(out, key);
}

static altroot_err put_names(altroot_bytes *out, const altroot_evidence_params *p)
{
    ENSURE(p->name_count >= 1 && p->name_count <= ALTROOT_EVIDENCE_MAX_NAMES, ALTROOT_E_ARG);
    TRY(altroot_cbor_put_head(out, ALTROOT_CBOR_ARRAY, p->name_count));
    for (size_t i = 0; i < p->name_count; i++)
        TRY(altroot_cbor_put_tstr(out, p->names[i], strlen(p->names[i])));
    return ALTROOT_OK;
}

/* The root-specific identity, read from the artefact the verifier reads it from. */
static altroot_err put_identity(altroot_bytes *out, altroot_evidence_root root,
                                const altroot_cert *cert, const uint8_t guid[16])
{
    if (root == ALTROOT_EVIDENCE_FDO) {
        ENSURE(guid != NULL, ALTROOT_E_ARG);
        TRY(altroot_cbor_put_head(out, ALTROOT_CBOR_MAP, 1));
        TRY(evd_put_key(out, 1));
        return altroot_cbor_put_bstr(out, (altroot_span){guid, 16});
    }
    ENSURE(cert != NULL, ALTROOT_E_ARG);
    if (root == ALTROOT_EVIDENCE_MATTER) {
        altroot_matter_ids ids;
        TRY(altroot_matter_ids_get(cert, &ids));
        ENSURE(ids.has_vid && ids.has_pid, ALTROOT_E_ARG);
        TRY(altroot_cbor_put_head(out, ALTROOT_CBOR_MAP, 2));
        TRY(evd_put_key(out, 1));
        TRY(altroot_cbor_put_int(out, ids.vid));
        TRY(evd_put_key(out, 2));
        return altroot_cbor_put_int(out, ids.pid);
    }
    altroot_devid_info info;
    altroot_failures f = ALTROOT_FAILURES_INIT;
    altroot_strlist w = ALTROOT_STRLIST_INIT;
    altroot_err err = altroot_devid_check_profile(cert, ALTROOT_DEVID_IDEVID, false, &info, &f, &w);
    if (err == ALTROOT_OK && info.serial == NULL)
        err = ALTROOT_E_ARG;
    if (err == ALTROOT_OK)
        err = altroot_cbor_put_head(out, ALTROOT_CBOR_MAP, info.has_hw_module ? 2 : 1);
    if (err == ALTROOT_OK)
        err = evd_put_key(out, 1);
    if (err == ALTROOT_OK)
        err = altroot_cbor_put_tstr(out, info.serial, strlen(info.serial));
    if (err == ALTROOT_OK && info.has_hw_module)
        err = evd_put_key(out, 2);
    if (err == ALTROOT_OK && info.has_hw_module)
        err = altroot_cbor_put_tstr(out, info.hw_type, strlen(info.hw_type));
    altroot_devid_info_clear(&info);
    altroot_failures_clear(&f);
    altroot_strlist_clear(&w);
    return err;
}

static altroot_err claims_encode(altroot_evidence_root root, const altroot_evidence_params *p,
                                 const altroot_cert *cert, const uint8_t guid[16],
                                 altroot_bytes *out)
{
    uint8_t kid[32];
    ENSURE(p->tls_key != NULL && p->iat >= 0 && p->exp >= 0, ALTROOT_E_ARG);
    TRY(altroot_key_spki_sha256(p->tls_key, kid));
    TRY(altroot_cbor_put_head(out, ALTROOT_CBOR_MAP, p->exp > 0 ? 5 : 4));
    if (p->exp > 0) {
        TRY(evd_put_key(out, EVD_CLAIM_EXP));
        TRY(altroot_cbor_put_head(out, ALTROOT_CBOR_UINT, (uint64_t)p->exp));
    }
    TRY(evd_put_key(out, EVD_CLAIM_IAT));
    TRY(altroot_cbor_put_head(out, ALTROOT_CBOR_UINT, (uint64_t)p->iat));
    TRY(evd_put_key(out, EVD_CLAIM_CNF));
    TRY(altroot_cbor_put_head(out, ALTROOT_CBOR_MAP, 1));
    TRY(evd_put_key(out, EVD_CNF_KID));
    TRY(altroot_cbor_put_bstr(out, (altroot_span){kid, 32}));
    TRY(evd_put_key(out, EVD_CLAIM_NAMES));
    TRY(put_names(out, p));
    TRY(evd_put_key(out, EVD_CLAIM_IDENTITY));
    return put_identity(out, root, cert, guid);
}

static altroot_err alg_for(const altroot_key *key, altroot_cose_alg *alg)
{
    switch (altroot_key_get_type(key)) {
    case ALTROOT_KEY_EC_P256:
        *alg = ALTROOT_COSE_ES256;
        return ALTROOT_OK;
    case ALTROOT_KEY_EC_P384:
        *alg = ALTROOT_COSE_ES384;
        return ALTROOT_OK;
    case ALTROOT_KEY_RSA_2048:
        *alg = ALTROOT_COSE_PS256;
        return ALTROOT_OK;
    }
    return ALTROOT_E_UNSUPPORTED;
}

altroot_err altroot_evidence_sign_binding(altroot_evidence_root root, const altroot_key *device_key,
                                          const altroot_evidence_params *p,
                                          const altroot_cert *identity_cert, const uint8_t guid[16],
                                          altroot_bytes *out)
{
    ENSURE(device_key != NULL && p != NULL && out != NULL, ALTROOT_E_ARG);
    ENSURE(root != ALTROOT_EVIDENCE_MUD, ALTROOT_E_ARG);
    altroot_cose_alg alg;
    TRY(alg_for(device_key, &alg));
    altroot_bytes claims = ALTROOT_BYTES_INIT;
    altroot_err err = claims_encode(root, p, identity_cert, guid, &claims);
    if (err == ALTROOT_OK)
        err = altroot_cose_sign1_sign(alg, device_key, altroot_bytes_span(&claims),
                                      (altroot_span){0}, out);
    altroot_bytes_clear(&claims);
    return err;
}

/* Sign a binding and write it as "bstr .cbor COSE_Sign1_Tagged" under `key`. */
static altroot_err put_binding(altroot_bytes *out, int64_t key, altroot_evidence_root root,
                               const altroot_key *device_key, const altroot_evidence_params *p,
                               const altroot_cert *cert, const uint8_t guid[16])
{
    altroot_bytes b = ALTROOT_BYTES_INIT;
    altroot_err err = altroot_evidence_sign_binding(root, device_key, p, cert, guid, &b);
    if (err == ALTROOT_OK)
        err = evd_put_key(out, key);
    if (err == ALTROOT_OK)
        err = altroot_cbor_put_bstr(out, altroot_bytes_span(&b));
    altroot_bytes_clear(&b);
    return err;
}

static altroot_err put_chain(altroot_bytes *out, const altroot_certs *chain)
{
    size_t n = altroot_certs_count(chain);
    ENSURE(n >= 1 && n <= ALTROOT_EVIDENCE_MAX_CHAIN, ALTROOT_E_ARG);
    TRY(altroot_cbor_put_head(out, ALTROOT_CBOR_ARRAY, n));
    for (size_t i = 0; i < n; i++)
        TRY(altroot_cbor_put_bstr(out, altroot_cert_der(altroot_certs_get(chain, i))));
    return ALTROOT_OK;
}

static altroot_err put_op_cert(altroot_bytes *out, altroot_span in)
{
    altroot_bytes der = ALTROOT_BYTES_INIT, tlv = ALTROOT_BYTES_INIT;
    altroot_err err = altroot_matter_op_cert_convert(in, &der, &tlv);
    if (err == ALTROOT_OK)
        err = altroot_cbor_put_bstr(out, altroot_bytes_span(&tlv));
    altroot_bytes_clear(&der);
    altroot_bytes_clear(&tlv);
    return err;
}

static altroot_err put_noc_chain(altroot_bytes *out, const altroot_device_creds *c)
{
    TRY(evd_put_key(out, 4));
    TRY(altroot_cbor_put_head(out, ALTROOT_CBOR_ARRAY, c->matter_icac.len > 0 ? 3 : 2));
    TRY(put_op_cert(out, c->matter_noc));
    if (c->matter_icac.len > 0)
        TRY(put_op_cert(out, c->matter_icac));
    return put_op_cert(out, c->matter_rcac);
}

static altroot_err put_matter(altroot_bytes *out, const altroot_device_creds *c,
                              const altroot_evidence_params *p, const altroot_cert *dac)
{
    bool noc = c->matter_noc_key != NULL;
    ENSURE(!noc || (c->matter_noc.len > 0 && c->matter_rcac.len > 0), ALTROOT_E_ARG);
    ENSURE(c->matter_pai.len > 0 && c->matter_cd.len > 0, ALTROOT_E_ARG);
    TRY(altroot_cbor_put_head(out, ALTROOT_CBOR_MAP, noc ? 6 : 4));
    TRY(evd_put_key(out, EVD_KEY_TYPE));
    TRY(altroot_cbor_put_int(out, ALTROOT_EVIDENCE_MATTER));
    TRY(evd_put_key(out, 2));
    TRY(altroot_cbor_put_head(out, ALTROOT_CBOR_ARRAY, 2));
    TRY(altroot_cbor_put_bstr(out, c->matter_dac));
    TRY(altroot_cbor_put_bstr(out, c->matter_pai));
    TRY(evd_put_key(out, 3));
    TRY(altroot_cbor_put_bstr(out, c->matter_cd));
    if (noc)
        TRY(put_noc_chain(out, c));
    TRY(put_binding(out, 5, ALTROOT_EVIDENCE_MATTER, c->matter_dac_key, p, dac, NULL));
    if (noc)
        TRY(put_binding(out, 6, ALTROOT_EVIDENCE_MATTER, c->matter_noc_key, p, dac, NULL));
    return ALTROOT_OK;
}

static altroot_err put_fdo(altroot_bytes *out, const altroot_device_creds *c,
                           const altroot_evidence_params *p)
{
    altroot_fdo_voucher *v = NULL;
    TRY(altroot_fdo_voucher_decode(c->fdo_voucher, 0, &v, NULL, 0));
    altroot_err err = altroot_cbor_put_head(out, ALTROOT_CBOR_MAP, 3);
    if (err == ALTROOT_OK)
        err = evd_put_key(out, EVD_KEY_TYPE);
    if (err == ALTROOT_OK)
        err = altroot_cbor_put_int(out, ALTROOT_EVIDENCE_FDO);
    if (err == ALTROOT_OK)
        err = evd_put_key(out, 2);
    /* The voucher's CBOR bytes as issued: its hashes and signatures cover them. */
    altroot_span bytes = altroot_bytes_span(&v->bytes);
    if (err == ALTROOT_OK && c->fdo_voucher_cut >= bytes.len)
        err = ALTROOT_E_ARG;
    bytes.len -= err == ALTROOT_OK ? c->fdo_voucher_cut : 0;
    if (err == ALTROOT_OK)
        err = altroot_cbor_put_bstr(out, bytes);
    if (err == ALTROOT_OK)
        err = put_binding(out, 5, ALTROOT_EVIDENCE_FDO, c->fdo_device_key, p, NULL, v->guid);
    altroot_fdo_voucher_free(v);
    return err;
}

static altroot_err put_devid(altroot_bytes *out, const altroot_device_creds *c,
                             const altroot_evidence_params *p)
{
    bool ldevid = c->ldevid_key != NULL;
    bool voucher = c->brski_voucher.len > 0;
    ENSURE(!ldevid || c->ldevid_chain != NULL, ALTROOT_E_ARG);
    const altroot_cert *idevid = altroot_certs_get(c->idevid_chain, 0);
    TRY(altroot_cbor_put_head(out, ALTROOT_CBOR_MAP,
                              3u + (voucher ? 1u : 0u) + (ldevid ? 2u : 0u)));
    TRY(evd_put_key(out, EVD_KEY_TYPE));
    TRY(altroot_cbor_put_int(out, ALTROOT_EVIDENCE_DEVID));
    TRY(evd_put_key(out, 2));
    TRY(put_chain(out, c->idevid_chain));
    if (voucher) {
        TRY(evd_put_key(out, 3));
        TRY(altroot_cbor_put_bstr(out, c->brski_voucher));
    }
    if (ldevid) {
        TRY(evd_put_key(out, 4));
        TRY(put_chain(out, c->ldevid_chain));
    }
    TRY(put_binding(out, 5, ALTROOT_EVIDENCE_DEVID, c->idevid_key, p, idevid, NULL));
    if (ldevid)
        TRY(put_binding(out, 6, ALTROOT_EVIDENCE_DEVID, c->ldevid_key, p, idevid, NULL));
    return ALTROOT_OK;
}

static altroot_err put_mud(altroot_bytes *out, const altroot_device_creds *c)
{
    bool url = c->mud_url != NULL;
    TRY(altroot_cbor_put_head(out, ALTROOT_CBOR_MAP, url ? 4 : 3));
    TRY(evd_put_key(out, EVD_KEY_TYPE));
    TRY(altroot_cbor_put_int(out, ALTROOT_EVIDENCE_MUD));
    TRY(evd_put_key(out, 2));
    TRY(altroot_cbor_put_bstr(out, c->mud_file));
    TRY(evd_put_key(out, 3));
    TRY(altroot_cbor_put_bstr(out, c->mud_signature));
    if (url) {
        TRY(evd_put_key(out, 4));
        TRY(altroot_cbor_put_tstr(out, c->mud_url, strlen(c->mud_url)));
    }
    return ALTROOT_OK;
}

static altroot_err put_roots(altroot_bytes *out, const altroot_device_creds *c,
                             const altroot_evidence_params *p, const altroot_cert *dac)
{
    if (dac != NULL)
        TRY(put_matter(out, c, p, dac));
    if (c->fdo_device_key != NULL)
        TRY(put_fdo(out, c, p));
    if (c->idevid_key != NULL)
        TRY(put_devid(out, c, p));
    if (c->mud_file.len > 0)
        TRY(put_mud(out, c));
    return ALTROOT_OK;
}

static size_t root_count(const altroot_device_creds *c)
{
    return (c->matter_dac_key != NULL ? 1u : 0u) + (c->fdo_device_key != NULL ? 1u : 0u) +
           (c->idevid_key != NULL ? 1u : 0u) + (c->mud_file.len > 0 ? 1u : 0u);
}

static bool creds_complete(const altroot_device_creds *c)
{
    return (c->matter_dac_key == NULL || c->matter_dac.len > 0) &&
           (c->fdo_device_key == NULL || c->fdo_voucher.len > 0) &&
           (c->idevid_key == NULL || altroot_certs_count(c->idevid_chain) > 0) &&
           (c->mud_file.len == 0 || c->mud_signature.len > 0);
}

altroot_err altroot_evidence_encode(const altroot_device_creds *creds,
                                    const altroot_evidence_params *p, altroot_bytes *out)
{
    ENSURE(creds != NULL && p != NULL && out != NULL, ALTROOT_E_ARG);
    size_t n = root_count(creds);
    ENSURE(n > 0 && creds_complete(creds), ALTROOT_E_ARG);
    altroot_cert *dac = NULL;
    if (creds->matter_dac_key != NULL)
        TRY(altroot_cert_from_der(creds->matter_dac, &dac));
    altroot_bytes e = ALTROOT_BYTES_INIT;
    altroot_err err = altroot_cbor_put_head(&e, ALTROOT_CBOR_MAP, 2);
    if (err == ALTROOT_OK)
        err = evd_put_key(&e, EVD_KEY_VERSION);
    if (err == ALTROOT_OK)
        err = altroot_cbor_put_int(&e, 1);
    if (err == ALTROOT_OK)
        err = evd_put_key(&e, EVD_KEY_ROOTS);
    if (err == ALTROOT_OK)
        err = altroot_cbor_put_head(&e, ALTROOT_CBOR_ARRAY, n);
    if (err == ALTROOT_OK)
        err = put_roots(&e, creds, p, dac);
    if (err == ALTROOT_OK && e.len > ALTROOT_EVIDENCE_MAX)
        err = ALTROOT_E_EVIDENCE_TOO_LARGE;
    if (err == ALTROOT_OK)
        err = altroot_bytes_append(out, e.ptr, e.len);
    altroot_bytes_clear(&e);
    altroot_cert_free(dac);
    return err;
}
