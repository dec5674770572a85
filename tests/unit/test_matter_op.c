/* Matter operational chains and fabric ownership on minted fabrics: every rule of
 * docs/matter-opcerts.md breaks one at a time, in both the TLV and the DER form. */
#include <stdio.h>
#include <string.h>

#include <altroot/matter_op.h>

#include "matter/cert.h"
#include "testutil.h"

#define FABRIC 0xFAB000000000001Dull
#define NODE 0xDEDEDEDE00020002ull
#define DAY 86400

static altroot_time at_2026(void)
{
    altroot_time t;
    assert_ok(altroot_time_from_civil(2026, 6, 1, 0, 0, 0, &t));
    return t;
}

static altroot_matter_op_mint_params defaults(void)
{
    static const uint32_t cats[] = {0x00010001u, 0x00020003u};
    altroot_matter_op_mint_params p;
    memset(&p, 0, sizeof p);
    p.fabric_id = FABRIC;
    p.node_id = NODE;
    p.rcac_id = 0xCACACACA00000001ull;
    p.icac_id = 0xCACACACA00000002ull;
    p.with_icac = true;
    p.rcac_has_fabric_id = true;
    p.icac_has_fabric_id = true;
    p.cats = cats;
    p.cat_count = 2;
    assert_ok(altroot_time_from_civil(2024, 1, 1, 0, 0, 0, &p.not_before));
    assert_ok(altroot_time_from_civil(2034, 1, 1, 0, 0, 0, &p.not_after));
    return p;
}

static void mint(const altroot_matter_op_mint_params *p, altroot_matter_op_fabric *f)
{
    memset(f, 0, sizeof *f);
    assert_ok(altroot_matter_op_fabric_mint(p, f));
}

/* A store with no Web PKI and the given RCAC (DER) as the one matter-fabric anchor. */
static altroot_trust_store *store_with(const altroot_bytes *rcac_der)
{
    altroot_trust_options o = {.dir = NULL, .webpki_bundle = ""};
    altroot_trust_store *s = NULL;
    assert_ok(altroot_trust_store_load(&o, &s));
    if (rcac_der != NULL)
        assert_ok(altroot_trust_store_add(s, ALTROOT_ANCHOR_MATTER_FABRIC, "fabric.der",
                                          altroot_bytes_span(rcac_der)));
    return s;
}

static void verify(const altroot_matter_op_fabric *f, bool der, const altroot_trust_store *s,
                   altroot_time at, altroot_matter_op_result *out)
{
    altroot_matter_op_input in = {.noc = altroot_bytes_span(der ? &f->noc_der : &f->noc_tlv),
                                  .icac = altroot_bytes_span(der ? &f->icac_der : &f->icac_tlv),
                                  .rcac = altroot_bytes_span(der ? &f->rcac_der : &f->rcac_tlv),
                                  .store = s,
                                  .at = at};
    assert_ok(altroot_matter_op_chain_verify(&in, out));
}

/* Every failure has code `code` (and there is one). */
static void assert_only(const altroot_matter_op_result *r, altroot_err code, const char *what)
{
    if (r->failures.count == 0)
        fail_msg("%s: no failure, expected %s", what, altroot_error_name(code));
    for (size_t i = 0; i < r->failures.count; i++)
        if (r->failures.items[i].code != code)
            fail_msg("%s: got %s at %s (%s), expected only %s", what,
                     altroot_error_name(r->failures.items[i].code),
                     r->failures.items[i].where ? r->failures.items[i].where : "-",
                     r->failures.items[i].detail, altroot_error_name(code));
    assert_false(r->verified);
    assert_int_equal(r->chain_verified, code == ALTROOT_E_MATTER_FABRIC_NOT_TRUSTED);
}

/* The matched anchor is named by the RCAC's subject and its file. */
static void assert_rcac_subject(const altroot_matter_op_result *r,
                                const altroot_matter_op_fabric *f)
{
    altroot_cert *rcac = NULL;
    char subject[256];
    assert_ok(altroot_cert_from_der(altroot_bytes_span(&f->rcac_der), &rcac));
    altroot_cert_subject(rcac, subject, sizeof subject);
    assert_true(subject[0] != '\0');
    assert_string_equal(r->rcac_subject, subject);
    assert_true(r->anchor_file[0] != '\0');
    altroot_cert_free(rcac);
}

/* Mint with `p`, anchor its own RCAC, verify in both forms, expect only `code`. */
static void expect_code(const altroot_matter_op_mint_params *p, altroot_time at, altroot_err code,
                        const char *what)
{
    altroot_matter_op_fabric f;
    mint(p, &f);
    altroot_trust_store *s = store_with(&f.rcac_der);
    for (int der = 0; der < 2; der++) {
        altroot_matter_op_result r;
        verify(&f, der != 0, s, at, &r);
        assert_only(&r, code, what);
        altroot_matter_op_result_clear(&r);
    }
    altroot_trust_store_free(s);
    altroot_matter_op_fabric_clear(&f);
}

static void owned_fabric_verifies_with_its_facts(void **state)
{
    (void)state;
    for (int icac = 0; icac < 2; icac++) {
        altroot_matter_op_mint_params p = defaults();
        p.with_icac = icac != 0;
        altroot_matter_op_fabric f;
        mint(&p, &f);
        altroot_trust_store *s = store_with(&f.rcac_der);
        for (int der = 0; der < 2; der++) {
            altroot_matter_op_result r;
            verify(&f, der != 0, s, at_2026(), &r);
            assert_int_equal(r.failures.count, 0);
            assert_true(r.verified && r.chain_verified && r.anchor_matched);
            assert_rcac_subject(&r, &f);
            assert_true(r.fabric_id == FABRIC && r.node_id == NODE);
            assert_int_equal(r.cat_count, 2);
            assert_true(r.cats[0] == 0x00010001u && r.cats[1] == 0x00020003u);
            assert_true(r.rcac_id == p.rcac_id);
            assert_int_equal(r.has_icac_id, icac != 0);
            /* The name is "<CFID>-<NodeID>" in 16 upper-case hex digits each. */
            uint64_t cfid;
            char name[64];
            assert_ok(altroot_matter_compressed_fabric_id(r.root_public_key, FABRIC, &cfid));
            assert_true(cfid == r.compressed_fabric_id);
            snprintf(name, sizeof name, "%016llX-%016llX", (unsigned long long)cfid,
                     (unsigned long long)NODE);
            assert_string_equal(r.instance_name, name);
            assert_string_equal(r.anchor_file, "fabric.der");
            altroot_matter_op_result_clear(&r);
        }
        altroot_trust_store_free(s);
        altroot_matter_op_fabric_clear(&f);
    }
}

static void b64(const altroot_bytes *in, altroot_bytes *out)
{
    static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < in->len; i += 3) {
        uint32_t v = (uint32_t)in->ptr[i] << 16;
        size_t n = in->len - i < 3 ? in->len - i : 3;
        if (n > 1)
            v |= (uint32_t)in->ptr[i + 1] << 8;
        if (n > 2)
            v |= in->ptr[i + 2];
        for (size_t k = 0; k < 4; k++)
            assert_ok(altroot_bytes_append_u8(out, k <= n ? (uint8_t)a[(v >> (18 - 6 * k)) & 63]
                                                          : (uint8_t)'='));
        if (i % 48 == 45)
            assert_ok(altroot_bytes_append_u8(out, '\n'));
    }
}

static void hex(const altroot_bytes *in, altroot_bytes *out)
{
    char two[3];
    for (size_t i = 0; i < in->len; i++) {
        snprintf(two, sizeof two, "%02x", in->ptr[i]);
        assert_ok(altroot_bytes_append(out, two, 2));
    }
    assert_ok(altroot_bytes_append_u8(out, '\n'));
}

static void pem(const altroot_bytes *der, altroot_bytes *out)
{
    altroot_certs *l = NULL;
    altroot_cert *c = NULL;
    assert_ok(altroot_certs_new(&l));
    assert_ok(altroot_cert_from_der(altroot_bytes_span(der), &c));
    assert_ok(altroot_certs_push(l, c));
    assert_ok(altroot_certs_to_pem(l, out));
    altroot_cert_free(c);
    altroot_certs_free(l);
}

/* Each certificate in base64 TLV, hex TLV and PEM verifies like the raw forms. */
static void every_input_form_is_accepted(void **state)
{
    (void)state;
    altroot_matter_op_mint_params p = defaults();
    altroot_matter_op_fabric f, text;
    mint(&p, &f);
    altroot_trust_store *s = store_with(&f.rcac_der);
    void (*conv[3])(const altroot_bytes *, altroot_bytes *) = {b64, hex, pem};
    for (int k = 0; k < 3; k++) {
        memset(&text, 0, sizeof text);
        conv[k](k == 2 ? &f.noc_der : &f.noc_tlv, &text.noc_tlv);
        conv[k](k == 2 ? &f.icac_der : &f.icac_tlv, &text.icac_tlv);
        conv[k](k == 2 ? &f.rcac_der : &f.rcac_tlv, &text.rcac_tlv);
        altroot_matter_op_result r;
        verify(&text, false, s, at_2026(), &r);
        assert_int_equal(r.failures.count, 0);
        assert_true(r.verified);
        altroot_matter_op_result_clear(&r);
        /* One corrupted character is a format failure, never a crash or a pass. */
        if (text.noc_tlv.len <= 5)
            fail();
        text.noc_tlv.ptr[5] = '!';
        verify(&text, false, s, at_2026(), &r);
        assert_true(altroot_failures_has(&r.failures, ALTROOT_E_MATTER_OP_FORMAT));
        assert_false(r.verified);
        altroot_matter_op_result_clear(&r);
        altroot_matter_op_fabric_clear(&text);
    }
    altroot_trust_store_free(s);
    altroot_matter_op_fabric_clear(&f);
}

/* Ownership is the anchor: none, another key with the same subject, the same key with another
 * subject all fail; the same key and subject in another certificate is the same fabric. */
static void ownership_needs_key_and_subject(void **state)
{
    (void)state;
    altroot_matter_op_mint_params p = defaults();
    altroot_matter_op_fabric f, other;
    mint(&p, &f);
    altroot_matter_op_result r;
    verify(&f, false, NULL, at_2026(), &r);
    assert_only(&r, ALTROOT_E_MATTER_FABRIC_NOT_TRUSTED, "no store");
    altroot_matter_op_result_clear(&r);
    for (int k = 0; k < 3; k++) {
        altroot_matter_op_mint_params q = defaults();
        if (k >= 1)
            q.rcac_key = f.rcac_key;
        if (k == 1)
            q.rcac_id ^= 0x10;
        if (k == 2)
            q.not_after = ALTROOT_TIME_NO_EXPIRY;
        mint(&q, &other);
        altroot_trust_store *s = store_with(&other.rcac_der);
        verify(&f, k == 2, s, at_2026(), &r);
        if (k < 2) {
            assert_true(r.chain_verified);
            assert_false(r.anchor_matched || r.verified);
            assert_int_equal(r.failures.count, 1);
            assert_int_equal(r.failures.items[0].code, ALTROOT_E_MATTER_FABRIC_NOT_TRUSTED);
        } else {
            /* Not the anchor's bytes: matched by subject and key, the same facts. */
            assert_true(r.verified);
            assert_rcac_subject(&r, &f);
        }
        altroot_matter_op_result_clear(&r);
        altroot_trust_store_free(s);
        altroot_matter_op_fabric_clear(&other);
    }
    altroot_matter_op_fabric_clear(&f);
}

static const struct {
    uint32_t fault;
    altroot_err code;
    const char *what;
} FAULTS[] = {
    {ALTROOT_MATTER_OP_FAULT_NOC_SIGNATURE, ALTROOT_E_MATTER_OP_SIGNATURE, "NOC signature"},
    {ALTROOT_MATTER_OP_FAULT_ICAC_SIGNATURE, ALTROOT_E_MATTER_OP_SIGNATURE, "ICAC signature"},
    {ALTROOT_MATTER_OP_FAULT_RCAC_SIGNATURE, ALTROOT_E_MATTER_OP_SIGNATURE, "RCAC signature"},
    {ALTROOT_MATTER_OP_FAULT_NOC_CA, ALTROOT_E_MATTER_OP_NOC, "NOC cA"},
    {ALTROOT_MATTER_OP_FAULT_NOC_KEY_USAGE, ALTROOT_E_MATTER_OP_NOC, "NOC keyUsage"},
    {ALTROOT_MATTER_OP_FAULT_NOC_NO_SERVER, ALTROOT_E_MATTER_OP_NOC, "NOC serverAuth"},
    {ALTROOT_MATTER_OP_FAULT_NOC_NO_CLIENT, ALTROOT_E_MATTER_OP_NOC, "NOC clientAuth"},
    {ALTROOT_MATTER_OP_FAULT_NOC_NO_EKU, ALTROOT_E_MATTER_OP_NOC, "NOC EKU"},
    {ALTROOT_MATTER_OP_FAULT_NOC_NO_SKID, ALTROOT_E_MATTER_OP_NOC, "NOC SKID"},
    {ALTROOT_MATTER_OP_FAULT_ICAC_NOT_CA, ALTROOT_E_MATTER_OP_ICAC, "ICAC cA"},
    {ALTROOT_MATTER_OP_FAULT_ICAC_KEY_USAGE, ALTROOT_E_MATTER_OP_ICAC, "ICAC keyCertSign"},
    {ALTROOT_MATTER_OP_FAULT_RCAC_NOT_CA, ALTROOT_E_MATTER_OP_RCAC, "RCAC cA"},
    {ALTROOT_MATTER_OP_FAULT_RCAC_KEY_USAGE, ALTROOT_E_MATTER_OP_RCAC, "RCAC keyCertSign"},
    {ALTROOT_MATTER_OP_FAULT_RCAC_PATH_LEN_2, ALTROOT_E_MATTER_OP_RCAC, "RCAC pathLen 2"},
    {ALTROOT_MATTER_OP_FAULT_RCAC_PATH_LEN_0, ALTROOT_E_MATTER_OP_RCAC, "RCAC pathLen 0"},
    {ALTROOT_MATTER_OP_FAULT_RCAC_AKID, ALTROOT_E_MATTER_OP_RCAC, "RCAC AKID"},
    {ALTROOT_MATTER_OP_FAULT_RCAC_ISSUER, ALTROOT_E_MATTER_OP_RCAC, "RCAC self-issued"},
    {ALTROOT_MATTER_OP_FAULT_NOC_AKID, ALTROOT_E_MATTER_OP_CHAIN, "NOC AKID"},
    {ALTROOT_MATTER_OP_FAULT_ICAC_AKID, ALTROOT_E_MATTER_OP_CHAIN, "ICAC AKID"},
    {ALTROOT_MATTER_OP_FAULT_NOC_ISSUER, ALTROOT_E_MATTER_OP_CHAIN, "NOC issuer"},
    {ALTROOT_MATTER_OP_FAULT_NOC_TYPE, ALTROOT_E_MATTER_OP_TYPE, "NOC type"},
    {ALTROOT_MATTER_OP_FAULT_NOC_CRITICAL_EXT, ALTROOT_E_MATTER_OP_CRITICAL_EXT, "critical ext"},
    {ALTROOT_MATTER_OP_FAULT_ICAC_FABRIC, ALTROOT_E_MATTER_OP_FABRIC_MISMATCH, "ICAC fabric"},
    {ALTROOT_MATTER_OP_FAULT_RCAC_FABRIC, ALTROOT_E_MATTER_OP_FABRIC_MISMATCH, "RCAC fabric"},
};

static void each_fault_breaks_exactly_its_rule(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof FAULTS / sizeof FAULTS[0]; i++) {
        altroot_matter_op_mint_params p = defaults();
        p.faults = FAULTS[i].fault;
        expect_code(&p, at_2026(), FAULTS[i].code, FAULTS[i].what);
    }
}

static void node_id_fabric_id_and_cats(void **state)
{
    (void)state;
    static const uint32_t version0[] = {0x00010000u};
    static const uint32_t same_id[] = {0x00050001u, 0x00050002u};
    static const uint32_t three[] = {0x00010001u, 0x00020001u, 0xFFFF0001u};
    static const uint64_t bad_nodes[] = {0, 0xFFFFFFF000000000ull, 0xFFFFFFFFFFFFFFFFull};
    for (size_t i = 0; i < 3; i++) {
        altroot_matter_op_mint_params p = defaults();
        p.node_id = bad_nodes[i];
        expect_code(&p, at_2026(), ALTROOT_E_MATTER_OP_NODE_ID, "node id range");
    }
    altroot_matter_op_mint_params p = defaults();
    p.fabric_id = 0;
    p.rcac_has_fabric_id = p.icac_has_fabric_id = false;
    expect_code(&p, at_2026(), ALTROOT_E_MATTER_OP_FABRIC_MISMATCH, "NOC without fabric id");
    p = defaults();
    p.cats = version0;
    p.cat_count = 1;
    expect_code(&p, at_2026(), ALTROOT_E_MATTER_OP_CAT, "CAT version 0");
    p.cats = same_id;
    p.cat_count = 2;
    expect_code(&p, at_2026(), ALTROOT_E_MATTER_OP_CAT, "CAT identifier twice");
    /* The edges that pass: three CATs, the highest operational node id, no fabric id on the
     * CAs, no ICAC. */
    p = defaults();
    p.cats = three;
    p.cat_count = 3;
    p.node_id = 0xFFFFFFEFFFFFFFFFull;
    p.rcac_has_fabric_id = p.icac_has_fabric_id = false;
    altroot_matter_op_fabric f;
    mint(&p, &f);
    altroot_trust_store *s = store_with(&f.rcac_der);
    altroot_matter_op_result r;
    verify(&f, true, s, at_2026(), &r);
    assert_true(r.verified);
    assert_int_equal(r.cat_count, 3);
    altroot_matter_op_result_clear(&r);
    altroot_trust_store_free(s);
    altroot_matter_op_fabric_clear(&f);
    p.cat_count = 4;
    assert_int_equal(altroot_matter_op_fabric_mint(&p, &f), ALTROOT_E_ARG);
}

static void validity_at_the_verification_time(void **state)
{
    (void)state;
    altroot_matter_op_mint_params p = defaults();
    expect_code(&p, p.not_before - 1, ALTROOT_E_MATTER_OP_NOT_YET_VALID, "before notBefore");
    expect_code(&p, p.not_after + 1, ALTROOT_E_MATTER_OP_EXPIRED, "after notAfter");
    /* notAfter 0 (99991231235959Z): no expiry. */
    p.not_after = ALTROOT_TIME_NO_EXPIRY;
    altroot_matter_op_fabric f;
    mint(&p, &f);
    altroot_trust_store *s = store_with(&f.rcac_der);
    altroot_matter_op_result r;
    altroot_time far;
    assert_ok(altroot_time_from_civil(2200, 1, 1, 0, 0, 0, &far));
    verify(&f, false, s, far, &r);
    assert_true(r.verified);
    altroot_matter_op_result_clear(&r);
    /* The bounds themselves are inside the validity period. */
    verify(&f, false, s, p.not_before, &r);
    assert_true(r.verified);
    altroot_matter_op_result_clear(&r);
    altroot_trust_store_free(s);
    altroot_matter_op_fabric_clear(&f);
}

/* Certificates from two fabrics, missing pieces, wrong positions. */
static void chain_structure(void **state)
{
    (void)state;
    altroot_matter_op_mint_params p = defaults();
    altroot_matter_op_fabric a, b;
    mint(&p, &a);
    mint(&p, &b);
    altroot_trust_store *s = store_with(&a.rcac_der);
    altroot_matter_op_result r;
    altroot_matter_op_input in = {.noc = altroot_bytes_span(&b.noc_tlv),
                                  .icac = altroot_bytes_span(&b.icac_tlv),
                                  .rcac = altroot_bytes_span(&a.rcac_tlv),
                                  .store = s,
                                  .at = at_2026()};
    /* Same names, other keys: the key identifiers and the signature give it away. */
    assert_ok(altroot_matter_op_chain_verify(&in, &r));
    assert_true(altroot_failures_has(&r.failures, ALTROOT_E_MATTER_OP_CHAIN));
    assert_true(altroot_failures_has(&r.failures, ALTROOT_E_MATTER_OP_SIGNATURE));
    assert_false(r.verified);
    altroot_matter_op_result_clear(&r);
    /* The ICAC left out: the NOC's issuer is not the RCAC. */
    in.noc = altroot_bytes_span(&a.noc_tlv);
    in.icac = (altroot_span){NULL, 0};
    assert_ok(altroot_matter_op_chain_verify(&in, &r));
    assert_true(altroot_failures_has(&r.failures, ALTROOT_E_MATTER_OP_CHAIN));
    assert_true(altroot_failures_has(&r.failures, ALTROOT_E_MATTER_OP_SIGNATURE));
    assert_false(r.verified);
    altroot_matter_op_result_clear(&r);
    /* Certificates in the wrong positions, and no NOC at all. */
    in.noc = altroot_bytes_span(&a.icac_tlv);
    in.icac = altroot_bytes_span(&a.rcac_tlv);
    assert_ok(altroot_matter_op_chain_verify(&in, &r));
    assert_true(altroot_failures_has(&r.failures, ALTROOT_E_MATTER_OP_TYPE));
    altroot_matter_op_result_clear(&r);
    in.noc = (altroot_span){NULL, 0};
    assert_ok(altroot_matter_op_chain_verify(&in, &r));
    assert_true(altroot_failures_has(&r.failures, ALTROOT_E_MATTER_OP_FORMAT));
    assert_false(r.verified || r.chain_verified);
    altroot_matter_op_result_clear(&r);
    altroot_trust_store_free(s);
    altroot_matter_op_fabric_clear(&a);
    altroot_matter_op_fabric_clear(&b);
}

/* The DER chain a device serves is an ordinary X.509 chain: OpenSSL's strict verifier accepts
 * it under the RCAC, and it is exactly the minted DER. */
static void der_chain_for_tls(void **state)
{
    (void)state;
    altroot_matter_op_mint_params p = defaults();
    altroot_matter_op_fabric f;
    mint(&p, &f);
    altroot_certs *chain = NULL, *anchors = NULL;
    altroot_cert *root = NULL;
    assert_ok(altroot_certs_new(&chain));
    assert_ok(altroot_matter_op_chain_der(altroot_bytes_span(&f.noc_tlv),
                                          altroot_bytes_span(&f.icac_tlv),
                                          altroot_bytes_span(&f.rcac_tlv), chain));
    assert_int_equal(altroot_certs_count(chain), 3);
    const altroot_bytes *want[3] = {&f.noc_der, &f.icac_der, &f.rcac_der};
    for (size_t i = 0; i < 3; i++)
        assert_true(altroot_span_equal(altroot_cert_der(altroot_certs_get(chain, i)),
                                       altroot_bytes_span(want[i])));
    assert_ok(altroot_certs_new(&anchors));
    assert_ok(altroot_cert_from_der(altroot_bytes_span(&f.rcac_der), &root));
    assert_ok(altroot_certs_push(anchors, root));
    altroot_chain_params cp = {.at = at_2026(), .strict = true};
    altroot_chain_result res = {0};
    assert_ok(altroot_chain_verify(chain, anchors, &cp, &res));
    assert_true(res.verified);
    altroot_chain_result_clear(&res);
    /* Wrong position: an RCAC is not a NOC. Garbage is a format error. */
    assert_int_equal(altroot_matter_op_chain_der(altroot_bytes_span(&f.rcac_tlv),
                                                 (altroot_span){NULL, 0},
                                                 altroot_bytes_span(&f.rcac_tlv), chain),
                     ALTROOT_E_MATTER_OP_TYPE);
    assert_int_equal(altroot_matter_op_chain_der((altroot_span){(const uint8_t *)"xyz", 3},
                                                 (altroot_span){NULL, 0},
                                                 altroot_bytes_span(&f.rcac_tlv), chain),
                     ALTROOT_E_MATTER_OP_FORMAT);
    assert_int_equal(altroot_certs_count(chain), 3);
    /* One certificate converted both ways. */
    altroot_bytes der = ALTROOT_BYTES_INIT, tlv = ALTROOT_BYTES_INIT;
    assert_ok(altroot_matter_op_cert_convert(altroot_bytes_span(&f.noc_der), &der, &tlv));
    assert_true(altroot_span_equal(altroot_bytes_span(&der), altroot_bytes_span(&f.noc_der)));
    assert_true(altroot_span_equal(altroot_bytes_span(&tlv), altroot_bytes_span(&f.noc_tlv)));
    altroot_bytes_clear(&der);
    altroot_bytes_clear(&tlv);
    altroot_cert_free(root);
    altroot_certs_free(anchors);
    altroot_certs_free(chain);
    altroot_matter_op_fabric_clear(&f);
}

/* Every allocation of the verifier (and of the chain builder) fails in turn: the result is
 * E_NOMEM with nothing leaked, never a verified chain. */
static void allocation_failures_are_clean(void **state)
{
    (void)state;
    altroot_matter_op_mint_params p = defaults();
    altroot_matter_op_fabric f;
    mint(&p, &f);
    altroot_trust_store *s = store_with(&f.rcac_der);
    testutil_install_allocator();
    for (int der = 0; der < 2; der++) {
        bool done = false;
        for (long n = 1; !done && n < 100000; n++) {
            altroot_matter_op_result r;
            altroot_matter_op_input in = {
                .noc = altroot_bytes_span(der ? &f.noc_der : &f.noc_tlv),
                .icac = altroot_bytes_span(der ? &f.icac_der : &f.icac_tlv),
                .rcac = altroot_bytes_span(der ? &f.rcac_der : &f.rcac_tlv),
                .store = s,
                .at = at_2026()};
            testutil_fail_after(n);
            altroot_err err = altroot_matter_op_chain_verify(&in, &r);
            int failed = testutil_alloc_failed();
            testutil_fail_after(0);
            if (err == ALTROOT_OK) {
                /* An allocation failure the verifier absorbed must not make it pass. */
                assert_true(failed ? !r.verified : r.verified);
                done = !failed;
                altroot_matter_op_result_clear(&r);
            } else {
                assert_int_equal(err, ALTROOT_E_NOMEM);
                assert_int_equal(r.failures.count, 0);
            }
        }
        assert_true(done);
    }
    for (long n = 1;; n++) {
        altroot_certs *chain = NULL;
        assert_ok(altroot_certs_new(&chain));
        testutil_fail_after(n);
        altroot_err err = altroot_matter_op_chain_der(altroot_bytes_span(&f.noc_tlv),
                                                      altroot_bytes_span(&f.icac_tlv),
                                                      altroot_bytes_span(&f.rcac_tlv), chain);
        int failed = testutil_alloc_failed();
        testutil_fail_after(0);
        altroot_certs_free(chain);
        if (!failed) {
            assert_ok(err);
            break;
        }
        assert_int_equal(err, ALTROOT_E_NOMEM);
    }
    altroot_trust_store_free(s);
    altroot_matter_op_fabric_clear(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(owned_fabric_verifies_with_its_facts),
        cmocka_unit_test(every_input_form_is_accepted),
        cmocka_unit_test(ownership_needs_key_and_subject),
        cmocka_unit_test(each_fault_breaks_exactly_its_rule),
        cmocka_unit_test(node_id_fabric_id_and_cats),
        cmocka_unit_test(validity_at_the_verification_time),
        cmocka_unit_test(chain_structure),
        cmocka_unit_test(der_chain_for_tls),
        cmocka_unit_test(allocation_failures_are_clean),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
