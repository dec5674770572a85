/*
 * Matter device attestation as a commissioner verifies it (docs/matter.md, section 0): the DAC
 * chain to a PAA the user trusts, the Certification Declaration, and the AttestationResponse.
 * Every failure is collected; nothing stops at the first.
 */
#include <stdio.h>
#include <string.h>

#include <altroot/alloc.h>
#include <altroot/matter.h>

#include "../core/guard.h"
#include "../core/validity.h"
#include "../encoding/tlv.h"
#include "attest.h"

/* kid of the well-known "Matter Test CD Signing Authority" key. */
static const uint8_t TEST_CD_KID[20] = {0x62, 0xFA, 0x82, 0x33, 0x59, 0xAC, 0xFA, 0xA9, 0x96, 0x3E,
                                        0x1C, 0xFA, 0x14, 0x0A, 0xDD, 0xF5, 0x04, 0xF3, 0x71, 0x60};
#define ELEMENTS_MAX 900 /* RESP_MAX */

typedef struct run {
    const altroot_matter_attestation_input *in;
    altroot_matter_attestation *out;
    altroot_cert *dac, *pai;
    const altroot_cert *paa; /* borrowed from the trust store */
    altroot_err err;         /* allocation failure while recording */
} run;

static void fail(run *r, altroot_err code, const char *where, const char *detail)
{
    if (r->err == ALTROOT_OK)
        r->err = altroot_failures_add(&r->out->failures, code, where, "%s", detail);
}

/* Out of memory ends the run; every other code is for the caller to judge. */
static altroot_err keep(run *r, altroot_err e)
{
    if (e == ALTROOT_E_NOMEM && r->err == ALTROOT_OK)
        r->err = e;
    return e;
}

static void parse_certs(run *r)
{
    if (keep(r, altroot_cert_from_der(r->in->dac, &r->dac)) != ALTROOT_OK)
        fail(r, ALTROOT_E_MATTER_DAC_FORMAT, "DAC", "not a DER X.509 certificate");
    if (r->in->pai.len == 0)
        fail(r, ALTROOT_E_MATTER_PAI_FORMAT, "PAI", "no PAI was presented");
    else if (keep(r, altroot_cert_from_der(r->in->pai, &r->pai)) != ALTROOT_OK)
        fail(r, ALTROOT_E_MATTER_PAI_FORMAT, "PAI", "not a DER X.509 certificate");
}

static void check_ids(run *r)
{
    altroot_matter_attestation *o = r->out;
    if (altroot_matter_ids_get(r->dac, &o->dac_ids) != ALTROOT_OK ||
        altroot_matter_ids_get(r->pai, &o->pai_ids) != ALTROOT_OK)
        return; /* the profile check reported the malformed IDs */
    if (!o->pai_ids.has_vid || !o->dac_ids.has_vid || o->pai_ids.vid != o->dac_ids.vid)
        fail(r, ALTROOT_E_MATTER_VID_MISMATCH, "DAC", "DAC and PAI vendor IDs differ");
    if (!o->dac_ids.has_pid)
        fail(r, ALTROOT_E_MATTER_PID_MISMATCH, "DAC", "DAC has no product ID");
    else if (o->pai_ids.has_pid && o->pai_ids.pid != o->dac_ids.pid)
        fail(r, ALTROOT_E_MATTER_PID_MISMATCH, "PAI", "DAC and PAI product IDs differ");
}

/* The PAA is found by the PAI's authorityKeyIdentifier among the matter-paa anchors (their key
 * ids are read without decoding the rest: a store holds every production PAA). */
static void find_paa(run *r)
{
    altroot_span skid, akid;
    if (altroot_cert_key_ids(r->pai, &skid, &akid) != ALTROOT_OK || akid.len == 0) {
        fail(r, ALTROOT_E_MATTER_PAA_NOT_FOUND, "PAI", "PAI has no authority key id");
        return;
    }
    const altroot_certs *paas = altroot_trust_store_certs(r->in->store, ALTROOT_ANCHOR_MATTER_PAA);
    for (size_t i = 0; i < altroot_certs_count(paas); i++) {
        altroot_span a, unused;
        if (altroot_cert_key_ids(altroot_certs_get(paas, i), &a, &unused) != ALTROOT_OK ||
            !altroot_span_equal(a, akid))
            continue;
        r->paa = altroot_certs_get(paas, i);
        r->out->paa_found = true;
        memcpy(r->out->paa_skid, a.ptr, a.len < 20 ? a.len : 20);
        altroot_cert_subject(r->paa, r->out->paa_subject, sizeof r->out->paa_subject);
        const char *file =
            altroot_trust_store_cert_file(r->in->store, ALTROOT_ANCHOR_MATTER_PAA, i);
        snprintf(r->out->paa_file, sizeof r->out->paa_file, "%s", file ? file : "");
        if (a.len != 20)
            fail(r, ALTROOT_E_MATTER_PAA_FORMAT, "PAA", "PAA key id is not 20 bytes");
        return;
    }
    fail(r, ALTROOT_E_MATTER_PAA_NOT_FOUND, "PAI", "no matter-paa anchor has this key id");
}

static void check_paa(run *r)
{
    altroot_matter_attestation *o = r->out;
    if (r->err == ALTROOT_OK)
        r->err = altroot_matter_check_profile(r->paa, ALTROOT_MATTER_PAA, &o->failures);
    if (altroot_matter_ids_get(r->paa, &o->paa_ids) != ALTROOT_OK)
        return;
    if (o->paa_ids.has_vid && (!o->pai_ids.has_vid || o->paa_ids.vid != o->pai_ids.vid))
        fail(r, ALTROOT_E_MATTER_VID_MISMATCH, "PAI", "PAI vendor ID differs from the PAA's");
}

/* DAC valid now; PAI and PAA valid when the DAC was issued (the SDK verifies the chain as of
 * the DAC's notBefore, with OpenSSL's strict X.509 rules). The path is built against every
 * matter-paa anchor (their store is built once) and must end at the PAA found by key id: a
 * look-alike PAA with the same name and another key cannot stand in. The path must be exactly
 * DAC, the presented PAI, that PAA: a DAC signed by the PAA directly would leave the PAI, whose
 * IDs drive the later checks, unverified. */
static void check_chain(run *r)
{
    altroot_time nb, na;
    if (altroot_cert_validity(r->dac, &nb, &na) != ALTROOT_OK) {
        fail(r, ALTROOT_E_MATTER_DAC_FORMAT, "DAC", "validity cannot be read");
        return;
    }
    altroot_validity_note(r->in->at, nb, na);
    if (r->in->at < nb || (na != ALTROOT_TIME_NO_EXPIRY && r->in->at > na))
        fail(r, ALTROOT_E_MATTER_DAC_EXPIRED, "DAC", "DAC is not valid at the verification time");
    if (r->paa == NULL)
        return;
    const altroot_certs *paas = altroot_trust_store_certs(r->in->store, ALTROOT_ANCHOR_MATTER_PAA);
    altroot_certs *chain = NULL;
    altroot_chain_result res = {0};
    altroot_chain_params p = {.at = nb, .strict = true, .want_path = true, .fixed_time = true};
    altroot_err e = altroot_certs_new(&chain);
    if (e == ALTROOT_OK && (e = altroot_certs_push(chain, r->dac)) == ALTROOT_OK &&
        (e = altroot_certs_push(chain, r->pai)) == ALTROOT_OK)
        e = altroot_chain_verify(chain, paas, &p, &res);
    if (e != ALTROOT_OK && r->err == ALTROOT_OK)
        r->err = e;
    for (size_t i = 0; e == ALTROOT_OK && !res.verified && i < res.failures.count; i++)
        fail(r, ALTROOT_E_MATTER_CHAIN, res.failures.items[i].where, res.failures.items[i].detail);
    if (e == ALTROOT_OK && res.verified &&
        altroot_certs_get(paas, (size_t)res.anchor_index) != r->paa)
        fail(r, ALTROOT_E_MATTER_CHAIN, "PAA", "the chain ends at another PAA than the PAI names");
    if (e == ALTROOT_OK && res.verified &&
        (altroot_certs_count(res.path) != 3 ||
         !altroot_span_equal(altroot_cert_der(altroot_certs_get(res.path, 1)),
                             altroot_cert_der(r->pai))))
        fail(r, ALTROOT_E_MATTER_CHAIN, "PAI", "the chain does not pass through the PAI presented");
    altroot_chain_result_clear(&res);
    altroot_certs_free(chain);
}

static const altroot_cert *find_cd_key(run *r, altroot_span kid)
{
    const altroot_certs *keys = altroot_trust_store_certs(r->in->store, ALTROOT_ANCHOR_MATTER_CD);
    for (size_t i = 0; kid.len > 0 && i < altroot_certs_count(keys); i++) {
        altroot_span skid, unused;
        if (altroot_cert_key_ids(altroot_certs_get(keys, i), &skid, &unused) == ALTROOT_OK &&
            altroot_span_equal(skid, kid))
            return altroot_certs_get(keys, i);
    }
    return NULL;
}

static bool cd_signature_ok(run *r, const altroot_matter_cd_envelope *env)
{
    const altroot_cert *signer = find_cd_key(r, env->key_id);
    if (signer == NULL) {
        fail(r, ALTROOT_E_MATTER_CD_KEY_NOT_FOUND, "CD", "no matter-cd anchor has the key id");
        return false;
    }
    r->out->cd_test_key = env->key_id.len == 20 && memcmp(env->key_id.ptr, TEST_CD_KID, 20) == 0;
    altroot_key *key = NULL;
    altroot_err e = altroot_cert_public_key(signer, &key);
    if (e == ALTROOT_OK)
        e = altroot_verify_signature(key, ALTROOT_SIG_ECDSA_P256_SHA256, ALTROOT_SIG_FORMAT_DER,
                                     env->content, env->signature);
    altroot_key_free(key);
    if (keep(r, e) != ALTROOT_OK)
        fail(r, ALTROOT_E_MATTER_CD_SIGNATURE, "CD", "signature does not verify");
    return e == ALTROOT_OK;
}

static void check_cd_payload(run *r);

static void check_cd(run *r)
{
    altroot_matter_attestation *o = r->out;
    o->cd_present = r->in->cd.len > 0;
    if (!o->cd_present) {
        fail(r, ALTROOT_E_MATTER_CD_MISSING, "CD", "no certification declaration");
        return;
    }
    altroot_matter_cd_envelope env;
    altroot_err e = keep(r, altroot_matter_cd_open(r->in->cd, &env, &o->failures));
    if (e != ALTROOT_OK || !cd_signature_ok(r, &env))
        return;
    if (keep(r, altroot_matter_cd_decode(env.content, &o->cd)) != ALTROOT_OK) {
        fail(r, ALTROOT_E_MATTER_CD_FORMAT, "CD", "content does not match the schema");
        return;
    }
    o->cd_decoded = true;
    /* The test key signs only development and provisional declarations. */
    if (o->cd_test_key && o->cd.certification_type >= 2)
        fail(r, ALTROOT_E_MATTER_CD_KEY_NOT_FOUND, "CD",
             "the test CD signing key is not allowed for this certification type");
    check_cd_payload(r);
}

static bool pid_listed(const altroot_matter_cd *cd, uint16_t pid)
{
    for (size_t i = 0; i < cd->product_id_count; i++)
        if (cd->product_ids[i] == pid)
            return true;
    return false;
}

/* docs/matter.md 3.4 */
static void check_cd_payload(run *r)
{
    const altroot_matter_attestation *o = r->out;
    const altroot_matter_cd *cd = &o->cd;
    if (cd->format_version != 1 || cd->certification_type >= 3)
        fail(r, ALTROOT_E_MATTER_ELEMENTS, "CD", "format_version or certification_type invalid");
    uint16_t vid = r->in->has_basic_info ? r->in->basic_vid : o->dac_ids.vid;
    uint16_t pid = r->in->has_basic_info ? r->in->basic_pid : o->dac_ids.pid;
    if (cd->vendor_id != vid)
        fail(r, ALTROOT_E_MATTER_CD_VENDOR, "CD", "vendor_id is not the product's");
    if (!pid_listed(cd, pid))
        fail(r, ALTROOT_E_MATTER_CD_PRODUCT, "CD", "the product's ID is not in product_id_array");
    uint16_t want_vid = cd->has_dac_origin ? cd->dac_origin_vid : cd->vendor_id;
    if (o->dac_ids.vid != want_vid || o->pai_ids.vid != want_vid)
        fail(r, ALTROOT_E_MATTER_CD_VENDOR, "CD", "DAC/PAI vendor ID is not the CD's");
    bool dac_pid_ok =
        cd->has_dac_origin ? o->dac_ids.pid == cd->dac_origin_pid : pid_listed(cd, o->dac_ids.pid);
    bool pai_pid_ok =
        !o->pai_ids.has_pid || (cd->has_dac_origin ? o->pai_ids.pid == cd->dac_origin_pid
                                                   : pid_listed(cd, o->pai_ids.pid));
    if (!dac_pid_ok || !pai_pid_ok)
        fail(r, ALTROOT_E_MATTER_CD_PRODUCT, "CD", "DAC/PAI product ID is not the CD's");
    bool listed = !cd->has_authorized_paas;
    for (size_t i = 0; !listed && i < cd->authorized_paa_count; i++)
        listed = o->paa_found && memcmp(cd->authorized_paas[i], o->paa_skid, 20) == 0;
    if (!listed)
        fail(r, ALTROOT_E_MATTER_CD_PAA, "CD", "the PAA is not in authorized_paa_list");
}

altroot_err altroot_matter_verify_attestation(const altroot_matter_attestation_input *in,
                                              altroot_matter_attestation *out)
{
    ENSURE(in != NULL && out != NULL && in->store != NULL, ALTROOT_E_INTERNAL);
    memset(out, 0, sizeof *out);
    run r = {in, out, NULL, NULL, NULL, ALTROOT_OK};
    parse_certs(&r);
    if (r.dac != NULL && r.pai != NULL) {
        if (r.err == ALTROOT_OK)
            r.err = altroot_matter_check_profile(r.pai, ALTROOT_MATTER_PAI, &out->failures);
        if (r.err == ALTROOT_OK)
            r.err = altroot_matter_check_profile(r.dac, ALTROOT_MATTER_DAC, &out->failures);
        check_ids(&r);
        find_paa(&r);
        if (r.paa != NULL)
            check_paa(&r);
        check_chain(&r);
        out->chain_verified = out->failures.count == 0;
        size_t before = out->failures.count;
        check_cd(&r);
        out->cd_verified = out->cd_decoded && out->failures.count == before;
    }
    out->dac = r.dac;
    altroot_cert_free(r.pai);
    out->verified = r.err == ALTROOT_OK && out->failures.count == 0;
    if (r.err != ALTROOT_OK)
        altroot_matter_attestation_clear(out);
    return r.err;
}

void altroot_matter_attestation_clear(altroot_matter_attestation *a)
{
    if (a == NULL)
        return;
    altroot_failures_clear(&a->failures);
    altroot_cert_free(a->dac);
    memset(a, 0, sizeof *a);
}

/* ---- AttestationResponse ---- */

/* attest.h describes the schema. */
altroot_err altroot_matter_elements_decode(altroot_span tlv, altroot_matter_elements *out)
{
    ENSURE(tlv.len > 0 && tlv.len <= ELEMENTS_MAX, ALTROOT_E_MATTER_ELEMENTS);
    altroot_tlv_reader rd;
    altroot_tlv_elem el;
    uint64_t ts;
    altroot_tlv_reader_init(&rd, tlv, 0);
    ENSURE(altroot_tlv_expect(&rd, -1, ALTROOT_TLV_STRUCT, &el) == ALTROOT_OK &&
               altroot_tlv_expect(&rd, 1, ALTROOT_TLV_BYTES, &el) == ALTROOT_OK,
           ALTROOT_E_MATTER_ELEMENTS);
    out->cd = el.str;
    ENSURE(altroot_tlv_expect(&rd, 2, ALTROOT_TLV_BYTES, &el) == ALTROOT_OK && el.str.len == 32,
           ALTROOT_E_MATTER_ELEMENTS);
    out->nonce = el.str;
    ENSURE(altroot_tlv_expect(&rd, 3, ALTROOT_TLV_UINT, &el) == ALTROOT_OK &&
               altroot_tlv_get_uint(&el, UINT32_MAX, &ts) == ALTROOT_OK,
           ALTROOT_E_MATTER_ELEMENTS);
    bool firmware = false;
    for (;;) {
        ENSURE(altroot_tlv_next(&rd, &el) == ALTROOT_OK, ALTROOT_E_MATTER_ELEMENTS);
        if (el.type == ALTROOT_TLV_END)
            break;
        bool fw = el.tag.form == ALTROOT_TLV_TAG_CONTEXT && el.tag.number == 4 && !firmware &&
                  el.type == ALTROOT_TLV_BYTES;
        ENSURE(fw || el.tag.form == ALTROOT_TLV_TAG_FULL, ALTROOT_E_MATTER_ELEMENTS);
        firmware = firmware || fw;
        ENSURE(altroot_tlv_skip(&rd, &el) == ALTROOT_OK, ALTROOT_E_MATTER_ELEMENTS);
    }
    ENSURE(altroot_tlv_finish(&rd) == ALTROOT_OK, ALTROOT_E_MATTER_ELEMENTS);
    return ALTROOT_OK;
}

static altroot_err check_response_signature(const altroot_cert *dac,
                                            const altroot_matter_response *resp, bool *ok)
{
    altroot_key *key = NULL;
    altroot_bytes signed_bytes = ALTROOT_BYTES_INIT;
    *ok = false;
    if (dac == NULL)
        return ALTROOT_OK; /* reported by the attestation checks */
    altroot_err err = altroot_cert_public_key(dac, &key);
    if (err == ALTROOT_OK)
        err = altroot_bytes_append(&signed_bytes, resp->elements.ptr, resp->elements.len);
    if (err == ALTROOT_OK)
        err = altroot_bytes_append(&signed_bytes, resp->challenge.ptr, resp->challenge.len);
    if (err == ALTROOT_OK) {
        altroot_err v =
            altroot_verify_signature(key, ALTROOT_SIG_ECDSA_P256_SHA256, ALTROOT_SIG_FORMAT_RAW,
                                     altroot_bytes_span(&signed_bytes), resp->signature);
        *ok = v == ALTROOT_OK;
        err = v == ALTROOT_E_NOMEM ? v : ALTROOT_OK;
    }
    altroot_bytes_clear(&signed_bytes);
    altroot_key_free(key);
    return err == ALTROOT_E_KEY_PARSE ? ALTROOT_OK : err;
}

altroot_err altroot_matter_verify_response(const altroot_matter_attestation_input *in,
                                           const altroot_matter_response *resp,
                                           altroot_matter_attestation *out)
{
    ENSURE(in != NULL && resp != NULL && out != NULL, ALTROOT_E_INTERNAL);
    altroot_matter_elements el = {{NULL, 0}, {NULL, 0}};
    altroot_err decoded = altroot_matter_elements_decode(resp->elements, &el);
    altroot_matter_attestation_input with_cd = *in;
    with_cd.cd = el.cd;
    TRY(altroot_matter_verify_attestation(&with_cd, out));
    altroot_failures *f = &out->failures;
    altroot_err err = ALTROOT_OK;
    if (decoded != ALTROOT_OK)
        err = altroot_failures_add(f, ALTROOT_E_MATTER_ELEMENTS, "response", "%s",
                                   "attestation elements do not match the schema");
    else if (!altroot_span_equal_ct(el.nonce, resp->nonce))
        err = altroot_failures_add(f, ALTROOT_E_MATTER_NONCE, "response", "%s",
                                   "the nonce is not the one sent");
    bool sig_ok = false;
    if (err == ALTROOT_OK)
        err = check_response_signature(out->dac, resp, &sig_ok);
    if (err == ALTROOT_OK && (!sig_ok || resp->challenge.len != 16))
        err = altroot_failures_add(f, ALTROOT_E_MATTER_ATTESTATION_SIGNATURE, "response", "%s",
                                   "the DAC's signature over elements and challenge is invalid");
    out->verified = err == ALTROOT_OK && f->count == 0;
    if (err != ALTROOT_OK)
        altroot_matter_attestation_clear(out);
    return err;
}
