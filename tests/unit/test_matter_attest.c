/* Matter attestation: a minted PAA -> PAI -> DAC chain and CD, then one change per rule. */
#include <string.h>

#include <altroot/matter.h>

#include "../../src/encoding/tlv.h"
#include "testutil.h"

#define DAY ((altroot_time)86400)
static const altroot_time NOW = 1795849200;
#define VID_OID "1.3.6.1.4.1.37244.2.1"
#define PID_OID "1.3.6.1.4.1.37244.2.2"

typedef struct spec {
    /* what to change from the good chain */
    const char *dac_vid, *dac_pid, *pai_vid, *pai_pid, *paa_vid;
    const char *dac_cn;
    bool dac_ca, pai_pathlen1, dac_no_akid, dac_no_skid;
    uint32_t dac_ku, pai_ku;
    altroot_time dac_nb, dac_na, pai_na;
    bool paa_untrusted;
} spec;

typedef struct pki {
    altroot_key *paa_key, *pai_key, *dac_key, *cd_key;
    altroot_cert *paa, *pai, *dac, *cd_cert;
    altroot_trust_store *store;
    altroot_bytes cd;
} pki;

static altroot_cert *issue(const char *cn, altroot_name_entry *attrs, size_t n, bool ca,
                           int pathlen, uint32_t ku, altroot_time nb, altroot_time na,
                           const altroot_key *key, const altroot_cert *issuer,
                           const altroot_key *ikey, bool no_akid, bool no_skid)
{
    altroot_cert_template t = {.common_name = cn,
                               .subject_attrs = attrs,
                               .subject_attr_count = n,
                               .is_ca = ca,
                               .path_len = pathlen,
                               .key_usage = ku,
                               .not_before = nb,
                               .not_after = na,
                               .omit_akid = no_akid,
                               .omit_skid = no_skid};
    altroot_cert *c = NULL;
    assert_ok(altroot_cert_issue(&t, key, issuer, ikey, &c));
    return c;
}

static size_t attrs(altroot_name_entry *a, const char *vid, const char *pid)
{
    size_t n = 0;
    if (vid != NULL)
        a[n++] = (altroot_name_entry){VID_OID, vid};
    if (pid != NULL)
        a[n++] = (altroot_name_entry){PID_OID, pid};
    return n;
}

static void sign_cd(pki *p, const altroot_matter_cd *cd)
{
    altroot_bytes content = ALTROOT_BYTES_INIT;
    altroot_cert_info ci;
    assert_ok(altroot_matter_cd_encode(cd, &content));
    assert_ok(altroot_cert_get_info(p->cd_cert, &ci));
    altroot_bytes_clear(&p->cd);
    assert_ok(altroot_matter_cd_sign(altroot_bytes_span(&content), p->cd_key,
                                     (altroot_span){ci.skid, ci.skid_len}, &p->cd));
    altroot_bytes_clear(&content);
}

static altroot_matter_cd good_cd(void)
{
    altroot_matter_cd cd;
    memset(&cd, 0, sizeof cd);
    cd.format_version = 1;
    cd.vendor_id = 0xFFF1;
    cd.product_ids[0] = 0x8000;
    cd.product_id_count = 1;
    cd.device_type_id = 0x0016;
    memcpy(cd.certificate_id, "ZIG20141ZB330001-24", 19);
    cd.certification_type = 0;
    return cd;
}

static void make(pki *p, const spec *s)
{
    memset(p, 0, sizeof *p);
    altroot_name_entry a[2];
    assert_ok(altroot_key_generate(ALTROOT_KEY_EC_P256, &p->paa_key));
    assert_ok(altroot_key_generate(ALTROOT_KEY_EC_P256, &p->pai_key));
    assert_ok(altroot_key_generate(ALTROOT_KEY_EC_P256, &p->dac_key));
    assert_ok(altroot_key_generate(ALTROOT_KEY_EC_P256, &p->cd_key));
    altroot_time nb = NOW - 10 * DAY, far = NOW + 3650 * DAY;
    p->paa = issue("Test PAA", a, attrs(a, s->paa_vid, NULL), true, 1, 0, nb, far, p->paa_key, NULL,
                   NULL, false, false);
    p->pai = issue("Test PAI", a, attrs(a, s->pai_vid ? s->pai_vid : "FFF1", s->pai_pid), true,
                   s->pai_pathlen1 ? 1 : 0, s->pai_ku, nb, s->pai_na ? s->pai_na : far, p->pai_key,
                   p->paa, p->paa_key, false, false);
    p->dac = issue(s->dac_cn ? s->dac_cn : "Test DAC", a,
                   attrs(a, s->dac_vid ? s->dac_vid : "FFF1", s->dac_pid ? s->dac_pid : "8000"),
                   s->dac_ca, -1, s->dac_ku, s->dac_nb ? s->dac_nb : NOW - DAY,
                   s->dac_na ? s->dac_na : ALTROOT_TIME_NO_EXPIRY, p->dac_key, p->pai, p->pai_key,
                   s->dac_no_akid, s->dac_no_skid);
    p->cd_cert = issue("Test CD signer", NULL, 0, false, -1, 0, nb, far, p->cd_key, NULL, NULL,
                       false, false);
    altroot_trust_options o = {NULL, ""};
    assert_ok(altroot_trust_store_load(&o, &p->store));
    if (!s->paa_untrusted)
        assert_ok(altroot_trust_store_add(p->store, ALTROOT_ANCHOR_MATTER_PAA, "paa",
                                          altroot_cert_der(p->paa)));
    assert_ok(altroot_trust_store_add(p->store, ALTROOT_ANCHOR_MATTER_CD, "cd",
                                      altroot_cert_der(p->cd_cert)));
    altroot_matter_cd cd = good_cd();
    sign_cd(p, &cd);
}

static void drop(pki *p)
{
    altroot_key_free(p->paa_key);
    altroot_key_free(p->pai_key);
    altroot_key_free(p->dac_key);
    altroot_key_free(p->cd_key);
    altroot_cert_free(p->paa);
    altroot_cert_free(p->pai);
    altroot_cert_free(p->dac);
    altroot_cert_free(p->cd_cert);
    altroot_trust_store_free(p->store);
    altroot_bytes_clear(&p->cd);
}

static void verify(pki *p, altroot_matter_attestation *a)
{
    altroot_matter_attestation_input in = {.dac = altroot_cert_der(p->dac),
                                           .pai = altroot_cert_der(p->pai),
                                           .cd = altroot_bytes_span(&p->cd),
                                           .store = p->store,
                                           .at = NOW,
                                           .has_basic_info = true,
                                           .basic_vid = 0xFFF1,
                                           .basic_pid = 0x8000};
    assert_ok(altroot_matter_verify_attestation(&in, a));
}

/* Build with `s`, verify, and require `code` among the failures (ALTROOT_OK: none). */
static void expect(const spec *s, altroot_err code)
{
    pki p;
    make(&p, s);
    altroot_matter_attestation a;
    verify(&p, &a);
    if (code == ALTROOT_OK) {
        if (!a.verified)
            fail_msg("expected success, got %s: %s", altroot_error_name(a.failures.items[0].code),
                     a.failures.items[0].detail);
    } else {
        assert_false(a.verified);
        if (!altroot_failures_has(&a.failures, code))
            fail_msg("expected %s, got %s", altroot_error_name(code),
                     a.failures.count ? altroot_error_name(a.failures.items[0].code) : "none");
    }
    altroot_matter_attestation_clear(&a);
    drop(&p);
}

static void good_chain_verifies(void **state)
{
    (void)state;
    spec s = {0};
    pki p;
    make(&p, &s);
    altroot_matter_attestation a;
    verify(&p, &a);
    assert_true(a.verified);
    assert_true(a.chain_verified && a.cd_verified);
    assert_int_equal(a.dac_ids.vid, 0xFFF1);
    assert_int_equal(a.dac_ids.pid, 0x8000);
    assert_true(a.paa_found);
    assert_string_equal(a.paa_subject, "CN=Test PAA");
    assert_int_equal(a.cd.vendor_id, 0xFFF1);
    assert_string_equal(a.cd.certificate_id, "ZIG20141ZB330001-24");
    altroot_matter_attestation_clear(&a);
    drop(&p);
}

static void profile_rules(void **state)
{
    (void)state;
    expect(&(spec){.dac_ca = true}, ALTROOT_E_MATTER_DAC_FORMAT);
    expect(&(spec){.dac_ku = ALTROOT_KU_DIGITAL_SIGNATURE | ALTROOT_KU_KEY_CERT_SIGN},
           ALTROOT_E_MATTER_DAC_FORMAT);
    expect(&(spec){.dac_no_akid = true}, ALTROOT_E_MATTER_DAC_FORMAT);
    expect(&(spec){.dac_no_skid = true}, ALTROOT_E_MATTER_DAC_FORMAT);
    expect(&(spec){.pai_pathlen1 = true}, ALTROOT_E_MATTER_PAI_FORMAT);
    expect(&(spec){.pai_ku = ALTROOT_KU_KEY_CERT_SIGN}, ALTROOT_E_MATTER_PAI_FORMAT);
    expect(&(spec){.pai_ku = ALTROOT_KU_KEY_CERT_SIGN | ALTROOT_KU_CRL_SIGN |
                             ALTROOT_KU_DIGITAL_SIGNATURE},
           ALTROOT_OK);
}

static void vid_pid_rules(void **state)
{
    (void)state;
    expect(&(spec){.dac_vid = "FFF2"}, ALTROOT_E_MATTER_VID_MISMATCH);
    expect(&(spec){.paa_vid = "FFF2"}, ALTROOT_E_MATTER_VID_MISMATCH);
    expect(&(spec){.paa_vid = "FFF1"}, ALTROOT_OK);
    expect(&(spec){.pai_pid = "8001"}, ALTROOT_E_MATTER_PID_MISMATCH);
    expect(&(spec){.pai_pid = "8000"}, ALTROOT_OK);
    expect(&(spec){.dac_vid = "fff1"}, ALTROOT_E_MATTER_DAC_FORMAT);
    expect(&(spec){.dac_pid = "800"}, ALTROOT_E_MATTER_DAC_FORMAT);
}

static void legacy_common_name_ids(void **state)
{
    (void)state;
    altroot_key *k = NULL;
    assert_ok(altroot_key_generate(ALTROOT_KEY_EC_P256, &k));
    const struct {
        const char *cn;
        altroot_err err;
        bool vid, pid;
        uint16_t v, p;
    } cases[] = {
        {"ACME Matter Devel DAC 5CDA9899 Mvid:FFF1 Mpid:00B1", ALTROOT_OK, true, true, 0xFFF1,
         0x00B1},
        {"Mpid:00B1,ACME Matter Devel DAC 5CDA9899,Mvid:FFF1", ALTROOT_OK, true, true, 0xFFF1,
         0x00B1},
        {"MpidMvid:FFF10 Matter Test Mpid:00B1", ALTROOT_OK, true, true, 0xFFF1, 0x00B1},
        {"Mvid:FF1 Mpid:00B1", ALTROOT_E_MALFORMED, false, false, 0, 0},
        {"Mvid:fff1 Mpid:00B1", ALTROOT_E_MALFORMED, false, false, 0, 0},
        {"Mvid:FFF1", ALTROOT_OK, true, false, 0xFFF1, 0},
        {"MVID:FFF1 Mvid_FFF1", ALTROOT_OK, false, false, 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        altroot_cert *c =
            issue(cases[i].cn, NULL, 0, false, -1, 0, NOW, NOW + DAY, k, NULL, NULL, false, false);
        altroot_matter_ids ids;
        assert_int_equal(altroot_matter_ids_get(c, &ids), cases[i].err);
        if (cases[i].err == ALTROOT_OK) {
            assert_int_equal(ids.has_vid, cases[i].vid);
            assert_int_equal(ids.has_pid, cases[i].pid);
            if (ids.has_vid)
                assert_int_equal(ids.vid, cases[i].v);
            if (ids.has_pid)
                assert_int_equal(ids.pid, cases[i].p);
        }
        altroot_cert_free(c);
    }
    /* Matter attributes take precedence over the common name. */
    altroot_name_entry a[] = {{PID_OID, "8000"}};
    altroot_cert *c = issue("Mvid:FFF1 Mpid:00B1", a, 1, false, -1, 0, NOW, NOW + DAY, k, NULL,
                            NULL, false, false);
    altroot_matter_ids ids;
    assert_ok(altroot_matter_ids_get(c, &ids));
    assert_false(ids.has_vid);
    assert_true(ids.has_pid && ids.pid == 0x8000);
    altroot_cert_free(c);
    altroot_key_free(k);
}

static void time_and_anchor_rules(void **state)
{
    (void)state;
    expect(&(spec){.dac_na = NOW - 1}, ALTROOT_E_MATTER_DAC_EXPIRED);
    expect(&(spec){.dac_nb = NOW + DAY}, ALTROOT_E_MATTER_DAC_EXPIRED);
    /* The PAI expired before the DAC was issued: the chain fails as of issuance. */
    expect(&(spec){.pai_na = NOW - 2 * DAY}, ALTROOT_E_MATTER_CHAIN);
    /* A PAI that expires after the DAC's issuance but before now is fine. */
    expect(&(spec){.pai_na = NOW - DAY / 2}, ALTROOT_OK);
    expect(&(spec){.paa_untrusted = true}, ALTROOT_E_MATTER_PAA_NOT_FOUND);
    /* A DAC the PAA signed directly, presented with a PAI: the path DAC -> PAA leaves the PAI,
     * whose IDs drive the other checks, unverified; the path must pass through it. */
    pki p;
    make(&p, &(spec){0});
    altroot_name_entry a[2];
    altroot_cert_free(p.dac);
    p.dac = issue("Test DAC", a, attrs(a, "FFF1", "8000"), false, -1, 0, NOW - DAY,
                  ALTROOT_TIME_NO_EXPIRY, p.dac_key, p.paa, p.paa_key, false, false);
    altroot_matter_attestation m;
    verify(&p, &m);
    assert_false(m.verified);
    assert_true(altroot_failures_has(&m.failures, ALTROOT_E_MATTER_CHAIN));
    altroot_matter_attestation_clear(&m);
    drop(&p);
}

static void cd_rules(void **state)
{
    (void)state;
    spec s = {0};
    pki p;
    make(&p, &s);
    altroot_matter_attestation a;
    altroot_matter_cd cd = good_cd();
    cd.vendor_id = 0xFFF2;
    sign_cd(&p, &cd);
    verify(&p, &a);
    assert_true(altroot_failures_has(&a.failures, ALTROOT_E_MATTER_CD_VENDOR));
    altroot_matter_attestation_clear(&a);
    cd = good_cd();
    cd.product_ids[0] = 0x8001;
    sign_cd(&p, &cd);
    verify(&p, &a);
    assert_true(altroot_failures_has(&a.failures, ALTROOT_E_MATTER_CD_PRODUCT));
    altroot_matter_attestation_clear(&a);
    cd = good_cd();
    cd.format_version = 2;
    sign_cd(&p, &cd);
    verify(&p, &a);
    assert_true(altroot_failures_has(&a.failures, ALTROOT_E_MATTER_ELEMENTS));
    altroot_matter_attestation_clear(&a);
    /* authorized_paa_list with and without this PAA */
    cd = good_cd();
    cd.has_authorized_paas = true;
    cd.authorized_paa_count = 1;
    sign_cd(&p, &cd);
    verify(&p, &a);
    assert_true(altroot_failures_has(&a.failures, ALTROOT_E_MATTER_CD_PAA));
    altroot_matter_attestation_clear(&a);
    altroot_cert_info paa;
    assert_ok(altroot_cert_get_info(p.paa, &paa));
    memcpy(cd.authorized_paas[0], paa.skid, 20);
    sign_cd(&p, &cd);
    verify(&p, &a);
    assert_true(a.verified);
    altroot_matter_attestation_clear(&a);
    /* dac_origin overrides the CD vendor for the DAC/PAI cross-check. */
    cd = good_cd();
    cd.has_dac_origin = true;
    cd.dac_origin_vid = 0xFFF1;
    cd.dac_origin_pid = 0x8001;
    sign_cd(&p, &cd);
    verify(&p, &a);
    assert_true(altroot_failures_has(&a.failures, ALTROOT_E_MATTER_CD_PRODUCT));
    altroot_matter_attestation_clear(&a);
    /* A tampered signature, then an unknown signing key, then a missing CD. */
    cd = good_cd();
    sign_cd(&p, &cd);
    p.cd.ptr[p.cd.len - 5] ^= 1;
    verify(&p, &a);
    assert_true(altroot_failures_has(&a.failures, ALTROOT_E_MATTER_CD_SIGNATURE));
    altroot_matter_attestation_clear(&a);
    p.cd.ptr[p.cd.len - 5] ^= 1;
    altroot_cert_free(p.cd_cert);
    altroot_key *other = NULL;
    assert_ok(altroot_key_generate(ALTROOT_KEY_EC_P256, &other));
    p.cd_cert =
        issue("other", NULL, 0, false, -1, 0, NOW, NOW + DAY, other, NULL, NULL, false, false);
    sign_cd(&p, &cd);
    verify(&p, &a);
    assert_true(altroot_failures_has(&a.failures, ALTROOT_E_MATTER_CD_KEY_NOT_FOUND));
    altroot_matter_attestation_clear(&a);
    altroot_key_free(other);
    altroot_bytes_clear(&p.cd);
    verify(&p, &a);
    assert_true(altroot_failures_has(&a.failures, ALTROOT_E_MATTER_CD_MISSING));
    assert_true(a.chain_verified);
    altroot_matter_attestation_clear(&a);
    drop(&p);
}

static void cd_envelope_and_content_are_strict(void **state)
{
    (void)state;
    altroot_matter_cd cd = good_cd(), back;
    altroot_bytes tlv = ALTROOT_BYTES_INIT;
    assert_ok(altroot_matter_cd_encode(&cd, &tlv));
    assert_ok(altroot_matter_cd_decode(altroot_bytes_span(&tlv), &back));
    assert_int_equal(back.product_id_count, 1);
    /* Every truncation of the content is rejected. */
    for (size_t n = 0; n < tlv.len; n++)
        assert_int_equal(altroot_matter_cd_decode((altroot_span){tlv.ptr, n}, &back),
                         ALTROOT_E_MATTER_CD_FORMAT);
    assert_ok(altroot_bytes_append_u8(&tlv, 0x18));
    assert_int_equal(altroot_matter_cd_decode(altroot_bytes_span(&tlv), &back),
                     ALTROOT_E_MATTER_CD_FORMAT);
    altroot_bytes_clear(&tlv);
    /* certificate_id must be 19 characters. */
    memcpy(cd.certificate_id, "SHORT", 6);
    assert_ok(altroot_matter_cd_encode(&cd, &tlv));
    assert_int_equal(altroot_matter_cd_decode(altroot_bytes_span(&tlv), &back),
                     ALTROOT_E_MATTER_CD_FORMAT);
    /* Every truncation of a signed envelope is rejected without crashing. */
    altroot_key *k = NULL;
    altroot_bytes cms = ALTROOT_BYTES_INIT;
    assert_ok(altroot_key_generate(ALTROOT_KEY_EC_P256, &k));
    uint8_t kid[20] = {1};
    assert_ok(altroot_matter_cd_sign(altroot_bytes_span(&tlv), k, (altroot_span){kid, 20}, &cms));
    altroot_matter_cd_envelope env;
    altroot_failures f = ALTROOT_FAILURES_INIT;
    assert_ok(altroot_matter_cd_open(altroot_bytes_span(&cms), &env, &f));
    assert_int_equal(f.count, 0);
    assert_int_equal(env.key_id.len, 20);
    for (size_t n = 0; n < cms.len; n++) {
        assert_int_not_equal(altroot_matter_cd_open((altroot_span){cms.ptr, n}, &env, &f),
                             ALTROOT_OK);
        altroot_failures_clear(&f);
    }
    altroot_bytes_clear(&cms);
    altroot_bytes_clear(&tlv);
    altroot_key_free(k);
}

/* altroot_matter_mint: no fault verifies; each fault fails with its own code. */
static void minted_faults_each_fail_their_rule(void **state)
{
    (void)state;
    static const altroot_err expected[ALTROOT_MATTER_FAULT_COUNT] = {
        [ALTROOT_MATTER_FAULT_NONE] = ALTROOT_OK,
        [ALTROOT_MATTER_FAULT_DAC_EXPIRED] = ALTROOT_E_MATTER_DAC_EXPIRED,
        [ALTROOT_MATTER_FAULT_DAC_IS_CA] = ALTROOT_E_MATTER_DAC_FORMAT,
        [ALTROOT_MATTER_FAULT_DAC_KEY_USAGE] = ALTROOT_E_MATTER_DAC_FORMAT,
        [ALTROOT_MATTER_FAULT_PAI_PATHLEN] = ALTROOT_E_MATTER_PAI_FORMAT,
        [ALTROOT_MATTER_FAULT_VID_MISMATCH] = ALTROOT_E_MATTER_VID_MISMATCH,
        [ALTROOT_MATTER_FAULT_CD_VENDOR] = ALTROOT_E_MATTER_CD_VENDOR,
        [ALTROOT_MATTER_FAULT_CD_PRODUCT] = ALTROOT_E_MATTER_CD_PRODUCT,
        [ALTROOT_MATTER_FAULT_CD_SIGNATURE] = ALTROOT_E_MATTER_CD_SIGNATURE,
        [ALTROOT_MATTER_FAULT_PAA_UNLISTED] = ALTROOT_E_MATTER_CD_PAA,
    };
    for (int f = 0; f < ALTROOT_MATTER_FAULT_COUNT; f++) {
        altroot_matter_minted m;
        assert_ok(altroot_matter_mint(0xFFF1, 0x8000, NOW, (altroot_matter_fault)f, &m));
        altroot_trust_options o = {NULL, ""};
        altroot_trust_store *st = NULL;
        assert_ok(altroot_trust_store_load(&o, &st));
        assert_ok(
            altroot_trust_store_add(st, ALTROOT_ANCHOR_MATTER_PAA, "paa", altroot_cert_der(m.paa)));
        assert_ok(altroot_trust_store_add(st, ALTROOT_ANCHOR_MATTER_CD, "cd",
                                          altroot_cert_der(m.cd_signer)));
        altroot_matter_attestation_input in = {.dac = altroot_cert_der(m.dac),
                                               .pai = altroot_cert_der(m.pai),
                                               .cd = altroot_bytes_span(&m.cd),
                                               .store = st,
                                               .at = NOW,
                                               .has_basic_info = true,
                                               .basic_vid = 0xFFF1,
                                               .basic_pid = 0x8000};
        altroot_matter_attestation a;
        assert_ok(altroot_matter_verify_attestation(&in, &a));
        if (expected[f] == ALTROOT_OK
                ? !a.verified
                : (a.verified || !altroot_failures_has(&a.failures, expected[f])))
            fail_msg("fault %s: expected %s", altroot_matter_fault_name((altroot_matter_fault)f),
                     altroot_error_name(expected[f]));
        altroot_matter_attestation_clear(&a);
        altroot_trust_store_free(st);
        altroot_matter_minted_clear(&m);
    }
    assert_null(altroot_matter_fault_name(ALTROOT_MATTER_FAULT_COUNT));
}

/* Attestation elements TLV: CD, nonce, timestamp (and optionally firmware information). */
static void elements(altroot_bytes *out, altroot_span cd, const uint8_t nonce[32], bool extra_ctx)
{
    altroot_tlv_writer w;
    altroot_tlv_writer_init(&w, out);
    altroot_tlv_start(&w, altroot_tlv_anon(), ALTROOT_TLV_STRUCT);
    altroot_tlv_put_bytes(&w, altroot_tlv_ctx(1), cd);
    altroot_tlv_put_bytes(&w, altroot_tlv_ctx(2), (altroot_span){nonce, 32});
    altroot_tlv_put_uint(&w, altroot_tlv_ctx(3), 0);
    if (extra_ctx)
        altroot_tlv_put_uint(&w, altroot_tlv_ctx(7), 1);          /* unknown context tag */
    altroot_tlv_put_uint(&w, altroot_tlv_full(0xFFF1, 1, 1), 42); /* vendor reserved */
    altroot_tlv_end(&w);
    assert_ok(altroot_tlv_writer_finish(&w));
}

/* A full AttestationResponse: the DAC signs elements || challenge (raw ECDSA P-256). */
static void attestation_response(void **state)
{
    (void)state;
    altroot_matter_minted m;
    assert_ok(altroot_matter_mint(0xFFF1, 0x8000, NOW, ALTROOT_MATTER_FAULT_NONE, &m));
    altroot_trust_options o = {NULL, ""};
    altroot_trust_store *st = NULL;
    assert_ok(altroot_trust_store_load(&o, &st));
    assert_ok(
        altroot_trust_store_add(st, ALTROOT_ANCHOR_MATTER_PAA, "paa", altroot_cert_der(m.paa)));
    assert_ok(
        altroot_trust_store_add(st, ALTROOT_ANCHOR_MATTER_CD, "cd", altroot_cert_der(m.cd_signer)));
    uint8_t nonce[32], other[32], challenge[16];
    memset(nonce, 0x11, 32);
    memset(other, 0x22, 32);
    memset(challenge, 0x33, 16);
    altroot_bytes el = ALTROOT_BYTES_INIT, tbs = ALTROOT_BYTES_INIT, sig = ALTROOT_BYTES_INIT;
    elements(&el, altroot_bytes_span(&m.cd), nonce, false);
    assert_ok(altroot_bytes_append(&tbs, el.ptr, el.len));
    assert_ok(altroot_bytes_append(&tbs, challenge, 16));
    assert_ok(altroot_sign(m.dac_key, ALTROOT_SIG_ECDSA_P256_SHA256, ALTROOT_SIG_FORMAT_RAW,
                           altroot_bytes_span(&tbs), &sig));
    altroot_matter_attestation_input in = {
        .dac = altroot_cert_der(m.dac), .pai = altroot_cert_der(m.pai), .store = st, .at = NOW};
    altroot_matter_response r = {
        altroot_bytes_span(&el), altroot_bytes_span(&sig), {challenge, 16}, {nonce, 32}};
    altroot_matter_attestation a;
    assert_ok(altroot_matter_verify_response(&in, &r, &a));
    assert_true(a.verified && a.cd_verified);
    altroot_matter_attestation_clear(&a);
    /* The nonce sent was another one. */
    r.nonce = (altroot_span){other, 32};
    assert_ok(altroot_matter_verify_response(&in, &r, &a));
    assert_true(altroot_failures_has(&a.failures, ALTROOT_E_MATTER_NONCE));
    altroot_matter_attestation_clear(&a);
    r.nonce = (altroot_span){nonce, 32};
    /* Another challenge than the one signed. */
    challenge[0] ^= 1;
    assert_ok(altroot_matter_verify_response(&in, &r, &a));
    assert_true(altroot_failures_has(&a.failures, ALTROOT_E_MATTER_ATTESTATION_SIGNATURE));
    altroot_matter_attestation_clear(&a);
    challenge[0] ^= 1;
    /* A signature of the wrong length. */
    r.signature = (altroot_span){sig.ptr, 63};
    assert_ok(altroot_matter_verify_response(&in, &r, &a));
    assert_true(altroot_failures_has(&a.failures, ALTROOT_E_MATTER_ATTESTATION_SIGNATURE));
    altroot_matter_attestation_clear(&a);
    r.signature = altroot_bytes_span(&sig);
    /* Elements with an unknown context tag, and truncated elements. */
    altroot_bytes bad = ALTROOT_BYTES_INIT;
    elements(&bad, altroot_bytes_span(&m.cd), nonce, true);
    r.elements = altroot_bytes_span(&bad);
    assert_ok(altroot_matter_verify_response(&in, &r, &a));
    assert_true(altroot_failures_has(&a.failures, ALTROOT_E_MATTER_ELEMENTS));
    altroot_matter_attestation_clear(&a);
    for (size_t n = 0; n < el.len; n += 7) {
        r.elements = (altroot_span){el.ptr, n};
        assert_ok(altroot_matter_verify_response(&in, &r, &a));
        assert_false(a.verified);
        assert_true(altroot_failures_has(&a.failures, ALTROOT_E_MATTER_ELEMENTS));
        altroot_matter_attestation_clear(&a);
    }
    altroot_bytes_clear(&bad);
    altroot_bytes_clear(&el);
    altroot_bytes_clear(&tbs);
    altroot_bytes_clear(&sig);
    altroot_trust_store_free(st);
    altroot_matter_minted_clear(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(good_chain_verifies),
        cmocka_unit_test(profile_rules),
        cmocka_unit_test(vid_pid_rules),
        cmocka_unit_test(legacy_common_name_ids),
        cmocka_unit_test(time_and_anchor_rules),
        cmocka_unit_test(cd_rules),
        cmocka_unit_test(cd_envelope_and_content_are_strict),
        cmocka_unit_test(minted_faults_each_fail_their_rule),
        cmocka_unit_test(attestation_response),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
