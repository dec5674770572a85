/*
 * Ownership vouchers built here: minted, extended to chains of 1, 5 and 20 entries, and one
 * negative test per rule of docs/fdo.md (each fault changes exactly one thing).
 */
#include <stdio.h>
#include <string.h>

#include <altroot/cose.h>
#include <altroot/fdo.h>
#include <altroot/fdo_crypto.h>

#include "encoding/cbor.h"
#include "testutil.h"

static const altroot_time AT = 1795849200; /* 2026-11-28T07:00:00Z */
static const uint8_t SECRET[48] = {1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 16,
                                   17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
                                   33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48};

/* memmem is a GNU extension: the tests carry their own. */
static uint8_t *find(uint8_t *hay, size_t n, const uint8_t *needle, size_t m)
{
    for (size_t i = 0; m <= n && i <= n - m; i++)
        if (memcmp(hay + i, needle, m) == 0)
            return hay + i;
    return NULL;
}

typedef struct pki {
    altroot_key *mfr, *ca_key, *dev_key;
    altroot_cert *ca, *dev;
    altroot_certs *chain;
} pki;

static void pki_make(pki *p, altroot_key_type mfr_type)
{
    memset(p, 0, sizeof *p);
    altroot_cert_template ca = {.common_name = "FDO test device CA",
                                .not_before = AT - 86400,
                                .not_after = AT + (altroot_time)86400 * 365,
                                .is_ca = true,
                                .path_len = 0};
    altroot_cert_template dev = {.common_name = "fdo-device",
                                 .not_before = AT - 86400,
                                 .not_after = AT + (altroot_time)86400 * 365};
    assert_ok(altroot_key_generate(mfr_type, &p->mfr));
    assert_ok(altroot_key_generate(ALTROOT_KEY_EC_P384, &p->ca_key));
    assert_ok(altroot_key_generate(ALTROOT_KEY_EC_P256, &p->dev_key));
    assert_ok(altroot_cert_issue(&ca, p->ca_key, NULL, NULL, &p->ca));
    assert_ok(altroot_cert_issue(&dev, p->dev_key, p->ca, p->ca_key, &p->dev));
    assert_ok(altroot_certs_new(&p->chain));
    assert_ok(altroot_certs_push(p->chain, p->dev));
    assert_ok(altroot_certs_push(p->chain, p->ca));
}

static void pki_free(pki *p)
{
    altroot_key_free(p->mfr);
    altroot_key_free(p->ca_key);
    altroot_key_free(p->dev_key);
    altroot_cert_free(p->ca);
    altroot_cert_free(p->dev);
    altroot_certs_free(p->chain);
}

static altroot_fdo_mint_params mint_params(const pki *p)
{
    altroot_fdo_mint_params m = {.mfr_key = p->mfr,
                                 .device_chain = p->chain,
                                 .guid = {0xd7, 0xc3, 0x57, 0x4c, 0xdd, 0x94, 0x0d, 0x32, 0x8c,
                                          0x09, 0x8e, 0xc5, 0xfd, 0xc9, 0x0a, 0xb5},
                                 .device_info = "altroot test device",
                                 .hmac_secret = {SECRET, 48}};
    return m;
}

static void mint(const pki *p, altroot_bytes *out)
{
    altroot_fdo_mint_params m = mint_params(p);
    assert_ok(altroot_fdo_voucher_mint(&m, out));
}

/* Extend `v` (CBOR) in place by one entry from `owner` to `next`. */
static altroot_err extend_with(altroot_bytes *v, const altroot_key *owner, const altroot_key *next,
                               const altroot_fdo_extend_params *tmpl)
{
    altroot_fdo_voucher *dv = NULL;
    assert_ok(altroot_fdo_voucher_decode(altroot_bytes_span(v), 0, &dv, NULL, 0));
    altroot_fdo_extend_params ep = {0};
    if (tmpl != NULL)
        ep = *tmpl;
    ep.owner_key = owner;
    ep.next_owner = next;
    altroot_bytes nv = ALTROOT_BYTES_INIT;
    altroot_err err = altroot_fdo_voucher_extend(dv, &ep, &nv);
    altroot_fdo_voucher_free(dv);
    if (err != ALTROOT_OK) {
        altroot_bytes_clear(&nv);
        return err;
    }
    altroot_bytes_clear(v);
    *v = nv;
    return ALTROOT_OK;
}

static void add_key_anchor(altroot_trust_store *s, altroot_anchor_kind kind, const altroot_key *k)
{
    altroot_bytes spki = ALTROOT_BYTES_INIT;
    assert_ok(altroot_key_spki_der(k, &spki));
    assert_ok(altroot_trust_store_add(s, kind, "key", altroot_bytes_span(&spki)));
    altroot_bytes_clear(&spki);
}

static altroot_trust_store *store_with(altroot_anchor_kind kind, const altroot_key *k,
                                       const altroot_cert *c)
{
    altroot_trust_options o = {NULL, ""};
    altroot_trust_store *s = NULL;
    assert_ok(altroot_trust_store_load(&o, &s));
    if (k != NULL)
        add_key_anchor(s, kind, k);
    if (c != NULL)
        assert_ok(altroot_trust_store_add(s, kind, "cert", altroot_cert_der(c)));
    return s;
}

static void verify(altroot_span v, const altroot_trust_store *s, altroot_span secret,
                   altroot_fdo_result *r)
{
    altroot_fdo_verify_params p = {.store = s, .at = AT, .hmac_secret = secret};
    assert_ok(altroot_fdo_verify(v, 0, &p, r));
}

static void expect_code(altroot_span v, altroot_err code)
{
    altroot_fdo_result r;
    verify(v, NULL, (altroot_span){NULL, 0}, &r);
    assert_false(r.verified);
    if (!altroot_failures_has(&r.failures, code)) {
        for (size_t i = 0; i < r.failures.count; i++)
            print_message("  %s %s: %s\n", altroot_error_name(r.failures.items[i].code),
                          r.failures.items[i].where, r.failures.items[i].detail);
        fail_msg("expected %s", altroot_error_name(code));
    }
    altroot_fdo_result_clear(&r);
}

/* Chains of 1, 5 and 20 entries verify to their last owner, and every proper prefix (a
 * truncated voucher) fails the ownership check against that owner (rule O1). */
static void chain_of(size_t n)
{
    pki p;
    pki_make(&p, ALTROOT_KEY_EC_P384);
    altroot_bytes v = ALTROOT_BYTES_INIT, prefix = ALTROOT_BYTES_INIT;
    mint(&p, &v);
    altroot_key *owner = p.mfr, *next = NULL;
    for (size_t i = 0; i < n; i++) {
        assert_ok(altroot_key_generate(ALTROOT_KEY_EC_P384, &next));
        if (i + 1 == n)
            assert_ok(altroot_bytes_append(&prefix, v.ptr, v.len));
        assert_ok(extend_with(&v, owner, next, NULL));
        if (owner != p.mfr)
            altroot_key_free(owner);
        owner = next;
    }
    altroot_trust_store *s = store_with(ALTROOT_ANCHOR_FDO_OWNER, owner, NULL);
    altroot_fdo_result r;
    verify(altroot_bytes_span(&v), s, (altroot_span){SECRET, 48}, &r);
    assert_true(r.verified && r.ownership && r.entries_ok && r.hmac_ok && r.chain_hash_ok);
    assert_int_equal(r.voucher->entry_count, n);
    assert_true(altroot_key_equal(r.final_owner, owner));
    altroot_fdo_result_clear(&r);
    verify(altroot_bytes_span(&prefix), s, (altroot_span){NULL, 0}, &r);
    assert_false(r.verified || r.ownership);
    assert_true(r.entries_ok && altroot_failures_has(&r.failures, ALTROOT_E_FDO_OWNER_MISMATCH));
    altroot_fdo_result_clear(&r);
    altroot_trust_store_free(s);
    if (owner != p.mfr)
        altroot_key_free(owner);
    altroot_bytes_clear(&v);
    altroot_bytes_clear(&prefix);
    pki_free(&p);
}

static void chains_of_1_5_and_20_entries(void **state)
{
    (void)state;
    chain_of(1);
    chain_of(5);
    chain_of(20);
}

/* One entry, with a fault injected into it. */
static void faulted(altroot_fdo_fault fault, altroot_err code)
{
    pki p;
    pki_make(&p, ALTROOT_KEY_EC_P384);
    altroot_bytes v = ALTROOT_BYTES_INIT;
    mint(&p, &v);
    altroot_key *o1 = NULL, *o2 = NULL;
    assert_ok(altroot_key_generate(ALTROOT_KEY_EC_P384, &o1));
    assert_ok(altroot_key_generate(ALTROOT_KEY_EC_P384, &o2));
    assert_ok(extend_with(&v, p.mfr, o1, NULL));
    altroot_fdo_extend_params ep = {.fault = fault};
    assert_ok(extend_with(&v, o1, o2, &ep));
    expect_code(altroot_bytes_span(&v), code);
    altroot_key_free(o1);
    altroot_key_free(o2);
    altroot_bytes_clear(&v);
    pki_free(&p);
}

static void each_entry_fault_is_rejected(void **state)
{
    (void)state;
    faulted(ALTROOT_FDO_FAULT_SIGNATURE, ALTROOT_E_FDO_ENTRY_SIGNATURE);     /* E2 */
    faulted(ALTROOT_FDO_FAULT_PREV_HASH, ALTROOT_E_FDO_ENTRY_PREV_HASH);     /* E4 */
    faulted(ALTROOT_FDO_FAULT_HDR_HASH, ALTROOT_E_FDO_ENTRY_HDR_HASH);       /* E5 */
    faulted(ALTROOT_FDO_FAULT_UNTAGGED, ALTROOT_E_FDO_ENTRY_UNTAGGED);       /* E1 */
    faulted(ALTROOT_FDO_FAULT_ALG, ALTROOT_E_FDO_ENTRY_ALG);                 /* E3 */
    faulted(ALTROOT_FDO_FAULT_DER_SIGNATURE, ALTROOT_E_FDO_ENTRY_SIGNATURE); /* E2 */
    faulted(ALTROOT_FDO_FAULT_HASH_ALG, ALTROOT_E_FDO_HASH_MISMATCH);        /* E6 */
    faulted(ALTROOT_FDO_FAULT_EXTRA, ALTROOT_E_FDO_EXTRA);                   /* P8 */
}

/* E7 and the extend-time rule: another pkType is refused when extending, and rejected when
 * verifying a voucher that has one anyway. A signer that is not the owner is refused. */
static void key_type_and_signer(void **state)
{
    (void)state;
    pki p;
    pki_make(&p, ALTROOT_KEY_EC_P384);
    altroot_bytes v = ALTROOT_BYTES_INIT;
    mint(&p, &v);
    altroot_key *p256 = NULL, *p384 = NULL;
    assert_ok(altroot_key_generate(ALTROOT_KEY_EC_P256, &p256));
    assert_ok(altroot_key_generate(ALTROOT_KEY_EC_P384, &p384));
    assert_int_equal(extend_with(&v, p.mfr, p256, NULL), ALTROOT_E_FDO_KEY_TYPE_MISMATCH);
    assert_int_equal(extend_with(&v, p384, p384, NULL), ALTROOT_E_FDO_NOT_OWNER);
    altroot_fdo_extend_params ep = {.allow_type_change = true};
    assert_ok(extend_with(&v, p.mfr, p256, &ep));
    expect_code(altroot_bytes_span(&v), ALTROOT_E_FDO_KEY_TYPE_MISMATCH);
    altroot_key_free(p256);
    altroot_key_free(p384);
    altroot_bytes_clear(&v);
    pki_free(&p);
}

/* raw_only (as evidence carries vouchers): the CBOR verifies, the same voucher as PEM does not. */
static void raw_only_refuses_pem(void **state)
{
    (void)state;
    pki p;
    pki_make(&p, ALTROOT_KEY_EC_P384);
    altroot_bytes v = ALTROOT_BYTES_INIT, pem = ALTROOT_BYTES_INIT;
    mint(&p, &v);
    assert_ok(altroot_fdo_voucher_to_pem(altroot_bytes_span(&v), &pem));
    altroot_fdo_result r;
    altroot_fdo_verify_params vp = {.at = AT, .raw_only = true};
    assert_ok(altroot_fdo_verify(altroot_bytes_span(&v), 0, &vp, &r));
    assert_true(r.verified);
    altroot_fdo_result_clear(&r);
    assert_ok(altroot_fdo_verify(altroot_bytes_span(&pem), 0, &vp, &r));
    assert_false(r.decoded || r.verified);
    assert_true(altroot_failures_has(&r.failures, ALTROOT_E_FDO_MALFORMED));
    altroot_fdo_result_clear(&r);
    vp.raw_only = false; /* the offline verifier reads PEM */
    assert_ok(altroot_fdo_verify(altroot_bytes_span(&pem), 0, &vp, &r));
    assert_true(r.verified);
    altroot_fdo_result_clear(&r);
    altroot_bytes_clear(&pem);
    altroot_bytes_clear(&v);
    pki_free(&p);
}

/* K2/K3: next owners in COSEKEY and X5CHAIN encodings verify and are the owner. */
static void owner_encodings(void **state)
{
    (void)state;
    pki p;
    pki_make(&p, ALTROOT_KEY_EC_P384);
    for (int enc = ALTROOT_FDO_PK_ENC_X5CHAIN; enc <= ALTROOT_FDO_PK_ENC_COSEKEY; enc++) {
        altroot_bytes v = ALTROOT_BYTES_INIT;
        mint(&p, &v);
        altroot_key *o = NULL;
        altroot_cert *oc = NULL;
        altroot_certs *chain = NULL;
        altroot_cert_template t = {
            .common_name = "owner", .not_before = AT - 10, .not_after = AT + 1000};
        assert_ok(altroot_key_generate(ALTROOT_KEY_EC_P384, &o));
        assert_ok(altroot_cert_issue(&t, o, NULL, NULL, &oc));
        assert_ok(altroot_certs_new(&chain));
        assert_ok(altroot_certs_push(chain, oc));
        altroot_fdo_extend_params ep = {.next_enc = (altroot_fdo_pk_enc)enc,
                                        .next_owner_chain = chain};
        assert_ok(extend_with(&v, p.mfr, o, &ep));
        altroot_trust_store *s = store_with(ALTROOT_ANCHOR_FDO_OWNER, o, NULL);
        altroot_fdo_result r;
        /* The final owner is yours, but nothing you trust starts the chain: anyone can write
         * a voucher from a key of their own to yours. */
        verify(altroot_bytes_span(&v), s, (altroot_span){NULL, 0}, &r);
        assert_true(r.verified && r.owner_anchor >= 0 && !r.rooted && !r.ownership);
        assert_non_null(strstr(r.notes.items[r.notes.count - 1], "proves no ownership"));
        altroot_fdo_result_clear(&r);
        /* From the manufacturer's key, which signed entry 0: yours. */
        add_key_anchor(s, ALTROOT_ANCHOR_FDO_MFR, p.mfr);
        verify(altroot_bytes_span(&v), s, (altroot_span){NULL, 0}, &r);
        assert_true(r.verified && r.mfr_signed && r.rooted && r.ownership);
        assert_int_equal(r.voucher->entries[0].owner.enc, enc);
        altroot_fdo_result_clear(&r);
        altroot_trust_store_free(s);
        altroot_certs_free(chain);
        altroot_cert_free(oc);
        altroot_key_free(o);
        altroot_bytes_clear(&v);
    }
    pki_free(&p);
}

/* RSA owners: RSA2048RESTR signs RS256, RSAPKCS 3072 signs RS384 (rule E3). */
static void rsa_vouchers(void **state)
{
    (void)state;
    for (int big = 0; big < 2; big++) {
        pki p;
        pki_make(&p, ALTROOT_KEY_EC_P256);
        altroot_key_free(p.mfr);
        p.mfr = NULL;
        if (big)
            assert_ok(altroot_key_generate_rsa(3072, &p.mfr));
        else
            assert_ok(altroot_key_generate(ALTROOT_KEY_RSA_2048, &p.mfr));
        altroot_bytes v = ALTROOT_BYTES_INIT;
        mint(&p, &v);
        altroot_key *o = NULL;
        if (big)
            assert_ok(altroot_key_generate_rsa(3072, &o));
        else
            assert_ok(altroot_key_generate(ALTROOT_KEY_RSA_2048, &o));
        assert_ok(extend_with(&v, p.mfr, o, NULL));
        altroot_fdo_result r;
        verify(altroot_bytes_span(&v), NULL, (altroot_span){NULL, 0}, &r);
        assert_true(r.verified);
        assert_int_equal(r.voucher->mfr.type,
                         big ? ALTROOT_FDO_PK_RSAPKCS : ALTROOT_FDO_PK_RSA2048RESTR);
        assert_int_equal(r.voucher->entries[0].alg, big ? ALTROOT_COSE_RS384 : ALTROOT_COSE_RS256);
        assert_int_equal(r.voucher->entries[0].prev_hash_type,
                         big ? ALTROOT_FDO_HASH_SHA384 : ALTROOT_FDO_HASH_SHA256);
        altroot_fdo_result_clear(&r);
        altroot_key_free(o);
        altroot_bytes_clear(&v);
        pki_free(&p);
    }
}

/* H1 (HMAC with the device secret), B1-B3 (chain hash, chain signatures), M1-M2 (fdo-mfr). */
static void header_hmac_chain_and_manufacturer(void **state)
{
    (void)state;
    pki p;
    pki_make(&p, ALTROOT_KEY_EC_P384);
    altroot_bytes v = ALTROOT_BYTES_INIT;
    mint(&p, &v);
    altroot_fdo_result r;
    uint8_t wrong[48];
    memcpy(wrong, SECRET, 48);
    wrong[0] ^= 1;
    verify(altroot_bytes_span(&v), NULL, (altroot_span){wrong, 48}, &r);
    assert_true(r.hmac_checked && !r.hmac_ok && !r.verified);
    assert_true(altroot_failures_has(&r.failures, ALTROOT_E_FDO_HMAC));
    altroot_fdo_result_clear(&r);
    /* fdo-mfr: the device CA certificate, the manufacturer key, a stranger */
    altroot_trust_store *ca = store_with(ALTROOT_ANCHOR_FDO_MFR, NULL, p.ca);
    verify(altroot_bytes_span(&v), ca, (altroot_span){NULL, 0}, &r);
    assert_true(r.verified && r.attestation && r.device_chain_trusted && !r.mfr_key_trusted);
    altroot_fdo_result_clear(&r);
    /* The manufacturer key alone: the voucher has no entry, so nobody signed its header (the
     * device chain in it could be anyone's); with the device's HMAC the header is authentic. */
    altroot_trust_store *mk = store_with(ALTROOT_ANCHOR_FDO_MFR, p.mfr, NULL);
    verify(altroot_bytes_span(&v), mk, (altroot_span){NULL, 0}, &r);
    assert_true(r.verified && r.mfr_key_trusted && !r.mfr_signed && !r.attestation);
    altroot_fdo_result_clear(&r);
    verify(altroot_bytes_span(&v), mk, (altroot_span){SECRET, 48}, &r);
    assert_true(r.verified && r.mfr_key_trusted && r.rooted && r.attestation);
    altroot_fdo_result_clear(&r);
    altroot_trust_store *st = store_with(ALTROOT_ANCHOR_FDO_MFR, p.dev_key, NULL);
    verify(altroot_bytes_span(&v), st, (altroot_span){NULL, 0}, &r);
    assert_false(r.verified || r.attestation);
    assert_true(altroot_failures_has(&r.failures, ALTROOT_E_FDO_MFR_UNTRUSTED));
    altroot_fdo_result_clear(&r);
    /* the last byte of the leaf certificate (its signature) flipped inside the voucher */
    altroot_span leaf = altroot_cert_der(p.dev);
    uint8_t *at = find(v.ptr, v.len, leaf.ptr, leaf.len);
    assert_non_null(at);
    at[leaf.len - 1] ^= 0x01;
    verify(altroot_bytes_span(&v), NULL, (altroot_span){NULL, 0}, &r);
    assert_true(altroot_failures_has(&r.failures, ALTROOT_E_FDO_CHAIN_HASH));
    assert_true(altroot_failures_has(&r.failures, ALTROOT_E_FDO_DEVICE_CHAIN));
    altroot_fdo_result_clear(&r);
    altroot_trust_store_free(ca);
    altroot_trust_store_free(mk);
    altroot_trust_store_free(st);
    altroot_bytes_clear(&v);
    pki_free(&p);
}

/* P1-P6 header rules through mint parameters. */
static void mint_rejected(altroot_fdo_mint_params m, altroot_err code)
{
    altroot_bytes v = ALTROOT_BYTES_INIT;
    assert_ok(altroot_fdo_voucher_mint(&m, &v));
    expect_code(altroot_bytes_span(&v), code);
    altroot_fdo_voucher *dv = NULL;
    assert_int_equal(altroot_fdo_voucher_decode(altroot_bytes_span(&v), 0, &dv, NULL, 0), code);
    altroot_bytes_clear(&v);
}

static void header_rules(void **state)
{
    (void)state;
    pki p;
    pki_make(&p, ALTROOT_KEY_EC_P256);
    altroot_fdo_mint_params m = mint_params(&p);
    m.protver = 100;
    mint_rejected(m, ALTROOT_E_FDO_PROTVER_MISMATCH);
    m.hdr_protver = 100;
    mint_rejected(m, ALTROOT_E_FDO_UNSUPPORTED_VERSION);
    m.protver = m.hdr_protver = 102;
    mint_rejected(m, ALTROOT_E_FDO_UNSUPPORTED_VERSION);
    m = mint_params(&p);
    memset(m.guid, 0, sizeof m.guid);
    mint_rejected(m, ALTROOT_E_FDO_GUID);
    m = mint_params(&p);
    m.device_info = "";
    mint_rejected(m, ALTROOT_E_FDO_DEVICE_INFO);
    /* a null chain needs a null hash (B1): mint writes both null, so verify passes */
    m = mint_params(&p);
    m.device_chain = NULL;
    altroot_bytes v = ALTROOT_BYTES_INIT;
    assert_ok(altroot_fdo_voucher_mint(&m, &v));
    altroot_fdo_result r;
    verify(altroot_bytes_span(&v), NULL, (altroot_span){SECRET, 48}, &r);
    assert_true(r.verified && r.chain_hash_ok);
    altroot_fdo_result_clear(&r);
    altroot_bytes_clear(&v);
    pki_free(&p);
}

/* Hand-built structures the minter never writes: 1.0 layout, empty RV info, bad HMac. */
static void put_voucher(altroot_bytes *out, altroot_span hdr, int64_t hmac_type, size_t hmac_len)
{
    uint8_t mac[64] = {0};
    assert_ok(altroot_cbor_put_head(out, ALTROOT_CBOR_ARRAY, 5));
    assert_ok(altroot_cbor_put_int(out, 101));
    assert_ok(altroot_cbor_put_bstr(out, hdr));
    assert_ok(altroot_cbor_put_head(out, ALTROOT_CBOR_ARRAY, 2));
    assert_ok(altroot_cbor_put_int(out, hmac_type));
    assert_ok(altroot_cbor_put_bstr(out, (altroot_span){mac, hmac_len}));
    assert_ok(altroot_cbor_put_null(out));
    assert_ok(altroot_cbor_put_head(out, ALTROOT_CBOR_ARRAY, 0));
}

static void put_header(altroot_bytes *h, const altroot_key *k, int rv_kind, int64_t pk_type)
{
    static const uint8_t guid[16] = {1};
    altroot_bytes spki = ALTROOT_BYTES_INIT;
    assert_ok(altroot_key_spki_der(k, &spki));
    assert_ok(altroot_cbor_put_head(h, ALTROOT_CBOR_ARRAY, 6));
    assert_ok(altroot_cbor_put_int(h, 101));
    assert_ok(altroot_cbor_put_bstr(h, (altroot_span){guid, 16}));
    if (rv_kind == 0) { /* [] */
        assert_ok(altroot_cbor_put_head(h, ALTROOT_CBOR_ARRAY, 0));
    } else { /* [[[3, 8080]]]: 1 is a 1.0-style plain value, 2 the 1.1 bstr-wrapped one */
        static const uint8_t port[] = {0x19, 0x1f, 0x90};
        assert_ok(altroot_cbor_put_head(h, ALTROOT_CBOR_ARRAY, 1));
        assert_ok(altroot_cbor_put_head(h, ALTROOT_CBOR_ARRAY, 1));
        assert_ok(altroot_cbor_put_head(h, ALTROOT_CBOR_ARRAY, 2));
        assert_ok(altroot_cbor_put_int(h, 3));
        if (rv_kind == 1)
            assert_ok(altroot_cbor_put_int(h, 8080));
        else
            assert_ok(altroot_cbor_put_bstr(h, (altroot_span){port, sizeof port}));
    }
    assert_ok(altroot_cbor_put_tstr(h, "x", 1));
    assert_ok(altroot_cbor_put_head(h, ALTROOT_CBOR_ARRAY, 3));
    assert_ok(altroot_cbor_put_int(h, pk_type));
    assert_ok(altroot_cbor_put_int(h, 1));
    assert_ok(altroot_cbor_put_bstr(h, altroot_bytes_span(&spki)));
    assert_ok(altroot_cbor_put_null(h));
    altroot_bytes_clear(&spki);
}

static void hand_built_structures(void **state)
{
    (void)state;
    altroot_key *k = NULL;
    assert_ok(altroot_key_generate(ALTROOT_KEY_EC_P256, &k));
    altroot_bytes h = ALTROOT_BYTES_INIT, v = ALTROOT_BYTES_INIT;
    put_header(&h, k, 0, 10);
    put_voucher(&v, altroot_bytes_span(&h), 6, 48);
    expect_code(altroot_bytes_span(&v), ALTROOT_E_FDO_RVINFO);
    altroot_bytes_clear(&h);
    altroot_bytes_clear(&v);
    put_header(&h, k, 1, 10);
    put_voucher(&v, altroot_bytes_span(&h), 6, 48);
    expect_code(altroot_bytes_span(&v), ALTROOT_E_FDO_RVINFO);
    altroot_bytes_clear(&h);
    altroot_bytes_clear(&v);
    put_header(&h, k, 2, 11); /* SECP384R1 for a P-256 key (K4) */
    put_voucher(&v, altroot_bytes_span(&h), 6, 48);
    expect_code(altroot_bytes_span(&v), ALTROOT_E_FDO_PUBKEY);
    altroot_bytes_clear(&h);
    altroot_bytes_clear(&v);
    put_header(&h, k, 2, 10);
    put_voucher(&v, altroot_bytes_span(&h), 6, 48);
    altroot_fdo_result r;
    verify(altroot_bytes_span(&v), NULL, (altroot_span){NULL, 0}, &r);
    assert_true(r.verified); /* the well-formed control: no entries, nothing else to check */
    altroot_fdo_result_clear(&r);
    altroot_bytes_clear(&v);
    put_voucher(&v, altroot_bytes_span(&h), 6, 32); /* HMAC-SHA384 with 32 bytes */
    expect_code(altroot_bytes_span(&v), ALTROOT_E_FDO_HASH_ALG);
    altroot_bytes_clear(&h);
    altroot_bytes_clear(&v);
    /* a 1.0 layout: [[100, guid, rv, info, [-7, 1, spki], null], [5, h32], null, []] */
    static const uint8_t v10[] = {0x84, 0x86, 0x18, 0x64, 0x50, 1,    2,    3,    4,
                                  5,    6,    7,    8,    9,    10,   11,   12,   13,
                                  14,   15,   16,   0x80, 0x61, 'x',  0x83, 0x26, 0x01,
                                  0x40, 0xf6, 0x82, 0x05, 0x40, 0xf6, 0x80};
    expect_code((altroot_span){v10, sizeof v10}, ALTROOT_E_FDO_UNSUPPORTED_VERSION);
    /* trailing bytes, indefinite length, not CBOR at all */
    altroot_bytes good = ALTROOT_BYTES_INIT;
    pki p;
    pki_make(&p, ALTROOT_KEY_EC_P384);
    mint(&p, &good);
    assert_ok(altroot_bytes_append_u8(&good, 0x00));
    expect_code(altroot_bytes_span(&good), ALTROOT_E_TRAILING_DATA);
    good.ptr[0] = 0x9f;
    expect_code(altroot_bytes_span(&good), ALTROOT_E_CBOR_INDEFINITE);
    static const char junk[] = "{\"pv\": 113}";
    expect_code((altroot_span){(const uint8_t *)junk, sizeof junk - 1}, ALTROOT_E_FDO_NO_VOUCHER);
    altroot_bytes_clear(&good);
    pki_free(&p);
    altroot_key_free(k);
}

/* PEM: CRLF, several voucher blocks, a following private key block with a wrong label. */
static void pem_forms(void **state)
{
    (void)state;
    pki p;
    pki_make(&p, ALTROOT_KEY_EC_P384);
    altroot_bytes v = ALTROOT_BYTES_INIT, pem = ALTROOT_BYTES_INIT, crlf = ALTROOT_BYTES_INIT;
    mint(&p, &v);
    assert_ok(altroot_fdo_voucher_to_pem(altroot_bytes_span(&v), &pem));
    assert_ok(altroot_fdo_voucher_to_pem(altroot_bytes_span(&v), &pem));
    altroot_bytes key = ALTROOT_BYTES_INIT;
    assert_ok(altroot_key_private_pem(p.mfr, &key)); /* PKCS#8 ... */
    for (size_t i = 0; i < pem.len; i++) {
        if (pem.ptr[i] == '\n')
            assert_ok(altroot_bytes_append_u8(&crlf, '\r'));
        assert_ok(altroot_bytes_append_u8(&crlf, pem.ptr[i]));
    }
    /* ... relabelled "EC PRIVATE KEY", as fdo-rs v101/voucher3 has it */
    const char *body = strstr((const char *)key.ptr, "\n") + 1;
    const char *end = strstr(body, "-----END");
    assert_ok(altroot_bytes_append(&crlf, "-----BEGIN EC PRIVATE KEY-----\n", 31));
    assert_ok(altroot_bytes_append(&crlf, body, (size_t)(end - body)));
    assert_ok(altroot_bytes_append(&crlf, "-----END EC PRIVATE KEY-----\n", 29));
    assert_int_equal(altroot_fdo_pem_count(altroot_bytes_span(&crlf)), 2);
    for (size_t i = 0; i < 2; i++) {
        altroot_fdo_voucher *dv = NULL;
        assert_ok(altroot_fdo_voucher_decode(altroot_bytes_span(&crlf), i, &dv, NULL, 0));
        assert_int_equal(dv->bytes.len, v.len);
        assert_memory_equal(dv->bytes.ptr, v.ptr, v.len);
        altroot_fdo_voucher_free(dv);
    }
    altroot_fdo_voucher *dv = NULL;
    assert_int_equal(altroot_fdo_voucher_decode(altroot_bytes_span(&crlf), 2, &dv, NULL, 0),
                     ALTROOT_E_FDO_NO_VOUCHER);
    altroot_key *k = NULL;
    assert_ok(altroot_fdo_pem_private_key(altroot_bytes_span(&crlf), &k));
    assert_true(altroot_key_equal(k, p.mfr));
    altroot_key_free(k);
    /* a broken base64 body */
    crlf.ptr[40] = '*';
    assert_int_equal(altroot_fdo_voucher_decode(altroot_bytes_span(&crlf), 0, &dv, NULL, 0),
                     ALTROOT_E_PEM);
    altroot_bytes_clear(&key);
    altroot_bytes_clear(&v);
    altroot_bytes_clear(&pem);
    altroot_bytes_clear(&crlf);
    pki_free(&p);
}

/* Every allocation of the verifier and of extend fails in turn: each run either completes with
 * the same answer or returns E_NOMEM, and nothing leaks (ASan build). */
static void allocation_failure_sweep(void **state)
{
    (void)state;
    pki p;
    pki_make(&p, ALTROOT_KEY_EC_P384);
    altroot_bytes v = ALTROOT_BYTES_INIT;
    mint(&p, &v);
    altroot_key *o1 = NULL, *o2 = NULL;
    assert_ok(altroot_key_generate(ALTROOT_KEY_EC_P384, &o1));
    assert_ok(altroot_key_generate(ALTROOT_KEY_EC_P384, &o2));
    assert_ok(extend_with(&v, p.mfr, o1, NULL));
    altroot_trust_store *s = store_with(ALTROOT_ANCHOR_FDO_OWNER, o1, NULL);
    altroot_fdo_voucher *dv = NULL;
    assert_ok(altroot_fdo_voucher_decode(altroot_bytes_span(&v), 0, &dv, NULL, 0));
    testutil_install_allocator();
    bool done = false;
    for (long n = 1; !done && n < 100000; n++) {
        testutil_fail_after(n);
        altroot_fdo_result r;
        altroot_fdo_verify_params vp = {.store = s, .at = AT, .hmac_secret = {SECRET, 48}};
        altroot_err err = altroot_fdo_verify(altroot_bytes_span(&v), 0, &vp, &r);
        altroot_fdo_extend_params ep = {.owner_key = o1, .next_owner = o2};
        altroot_bytes nv = ALTROOT_BYTES_INIT;
        altroot_err e2 = altroot_fdo_voucher_extend(dv, &ep, &nv);
        done = !testutil_alloc_failed();
        testutil_fail_after(0);
        if (err == ALTROOT_OK)
            assert_true(r.verified && r.ownership);
        else
            assert_int_equal(err, ALTROOT_E_NOMEM);
        assert_true(e2 == ALTROOT_OK || e2 == ALTROOT_E_NOMEM);
        if (done)
            assert_true(err == ALTROOT_OK && e2 == ALTROOT_OK);
        altroot_fdo_result_clear(&r);
        altroot_bytes_clear(&nv);
    }
    assert_true(done);
    altroot_fdo_voucher_free(dv);
    altroot_trust_store_free(s);
    altroot_key_free(o1);
    altroot_key_free(o2);
    altroot_bytes_clear(&v);
    pki_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(chains_of_1_5_and_20_entries),
        cmocka_unit_test(each_entry_fault_is_rejected),
        cmocka_unit_test(key_type_and_signer),
        cmocka_unit_test(owner_encodings),
        cmocka_unit_test(raw_only_refuses_pem),
        cmocka_unit_test(rsa_vouchers),
        cmocka_unit_test(header_hmac_chain_and_manufacturer),
        cmocka_unit_test(header_rules),
        cmocka_unit_test(hand_built_structures),
        cmocka_unit_test(pem_forms),
        cmocka_unit_test(allocation_failure_sweep),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
