/* The evidence extension and the primary integration, end to end through altroot_evaluate_chain
 * with credentials minted for all four roots (docs/evidence.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <altroot/evidence.h>

#include "encoding/cbor.h"
#include "evidence/internal.h"
#include "testutil.h"

static const altroot_time NOW = 1798761600; /* 2027-01-01T00:00:00Z */
#define DAY 86400

typedef struct fixture {
    altroot_trust_store *store;
    altroot_matter_minted m, m2;
    altroot_matter_op_fabric fab, fab2;
    altroot_key *root_key, *ca_key, *dev_key, *dom_key, *dom2_key, *signer_key;
    altroot_cert *root, *ca, *idevid, *dom, *dom2, *ldevid, *ldevid2, *signer;
    altroot_certs *idevid_chain, *ldevid_chain, *ldevid2_chain;
    altroot_bytes signer_name, mud, mud_sig, mud_bad, mud_bad_sig;
    altroot_key *fdo_ca_key, *fdo_dev_key, *mfr_key, *owner_key, *owner2_key;
    altroot_cert *fdo_ca, *fdo_dev;
    altroot_certs *fdo_chain;
    altroot_bytes voucher;
} fixture;

static fixture F;
static const char *const MUD_URL = "https://mud.example.com/widget.json";

static void add_cert(altroot_anchor_kind kind, const altroot_cert *c)
{
    assert_ok(altroot_trust_store_add(F.store, kind, "test", altroot_cert_der(c)));
}

static void add_der(altroot_anchor_kind kind, altroot_span der)
{
    assert_ok(altroot_trust_store_add(F.store, kind, "test", der));
}

static void mint_matter(void)
{
    assert_ok(altroot_matter_mint(0xFFF1, 0x8000, NOW, ALTROOT_MATTER_FAULT_NONE, &F.m));
    assert_ok(altroot_matter_mint(0xFFF1, 0x8001, NOW, ALTROOT_MATTER_FAULT_NONE, &F.m2));
    altroot_matter_op_mint_params p = {.fabric_id = 0xFAB000000000001DULL,
                                       .node_id = 0xDEDEDEDE00010001ULL,
                                       .rcac_id = 0xCACACACA00000001ULL,
                                       .icac_id = 0xCACACACA00000002ULL,
                                       .with_icac = true,
                                       .not_before = NOW - DAY,
                                       .not_after = NOW + 3650LL * DAY};
    assert_ok(altroot_matter_op_fabric_mint(&p, &F.fab));
    p.fabric_id = 0xFAB0000000000002ULL;
    assert_ok(altroot_matter_op_fabric_mint(&p, &F.fab2));
    add_cert(ALTROOT_ANCHOR_MATTER_PAA, F.m.paa);
    add_cert(ALTROOT_ANCHOR_MATTER_CD, F.m.cd_signer);
    add_der(ALTROOT_ANCHOR_MATTER_FABRIC, altroot_bytes_span(&F.fab.rcac_der));
}

/* An LDevID with a DNS and an IP SAN (device.home.arpa, 127.0.0.1): the names your domain CA
 * vouches for. */
static altroot_cert *ldevid_with_sans(const altroot_cert *ca, const altroot_key *ca_key)
{
    static const uint8_t san[] = {0x30, 0x18, 0x82, 0x10, 'd',  'e',  'v',  'i', 'c',
                                  'e',  '.',  'h',  'o',  'm',  'e',  '.',  'a', 'r',
                                  'p',  'a',  0x87, 0x04, 0x7f, 0x00, 0x00, 0x01};
    altroot_name_entry sn[] = {{"2.5.4.3", "Widget 2000"}, {"2.5.4.5", "SN-0001"}};
    altroot_bytes subject = ALTROOT_BYTES_INIT;
    assert_ok(altroot_devid_name_der(sn, 2, &subject));
    altroot_mint_ext ext = {"2.5.29.17", false, {san, sizeof san}};
    altroot_mint_cert m = {.subject_der = altroot_bytes_span(&subject),
                           .not_before = NOW - DAY,
                           .not_after = ALTROOT_TIME_NO_EXPIRY,
                           .basic_constraints = true,
                           .path_len = -1,
                           .key_usage = ALTROOT_KU_DIGITAL_SIGNATURE,
                           .key_usage_critical = true,
                           .exts = &ext,
                           .ext_count = 1};
    altroot_cert *c = NULL;
    assert_ok(altroot_mint_cert_issue(&m, F.dev_key, ca, ca_key, &c));
    altroot_bytes_clear(&subject);
    return c;
}

static altroot_certs *chain_of(altroot_cert *a, altroot_cert *b)
{
    altroot_certs *c = NULL;
    assert_ok(altroot_certs_new(&c));
    assert_ok(altroot_certs_push(c, a));
    if (b != NULL)
        assert_ok(altroot_certs_push(c, b));
    return c;
}

static void mint_devid(void)
{
    altroot_time t0 = NOW - DAY;
    altroot_key **keys[] = {&F.root_key, &F.ca_key,   &F.dev_key,
                            &F.dom_key,  &F.dom2_key, &F.signer_key};
    for (size_t i = 0; i < 6; i++)
        assert_ok(altroot_key_generate(ALTROOT_KEY_EC_P256, keys[i]));
    assert_ok(altroot_devid_mint_ca("Ex", "Ex Root", 1, t0, F.root_key, NULL, NULL, &F.root));
    assert_ok(
        altroot_devid_mint_ca("Ex", "Ex IDevID CA", 0, t0, F.ca_key, F.root, F.root_key, &F.ca));
    altroot_name_entry sn[] = {{"2.5.4.10", "Ex"}, {"2.5.4.3", "Ex MUD Signer"}};
    assert_ok(altroot_devid_name_der(sn, 2, &F.signer_name));
    assert_ok(altroot_devid_mint_signer(altroot_bytes_span(&F.signer_name),
                                        ALTROOT_KU_DIGITAL_SIGNATURE, t0, ALTROOT_TIME_NO_EXPIRY,
                                        F.signer_key, F.root, F.root_key, &F.signer));
    altroot_devid_mint_params m = {.organization = "Ex",
                                   .common_name = "Widget 2000",
                                   .serial = "SN-0001",
                                   .hw_type = "1.3.6.1.4.1.6715.10.1",
                                   .mud_url = MUD_URL,
                                   .mudsigner = altroot_bytes_span(&F.signer_name),
                                   .not_before = t0,
                                   .not_after = ALTROOT_TIME_NO_EXPIRY};
    assert_ok(altroot_devid_mint(&m, F.dev_key, F.ca, F.ca_key, &F.idevid));
    assert_ok(altroot_devid_mint_ca("Home", "Home CA", 0, t0, F.dom_key, NULL, NULL, &F.dom));
    assert_ok(altroot_devid_mint_ca("Other", "Other CA", 0, t0, F.dom2_key, NULL, NULL, &F.dom2));
    F.ldevid = ldevid_with_sans(F.dom, F.dom_key);
    F.ldevid2 = ldevid_with_sans(F.dom2, F.dom2_key);
    F.idevid_chain = chain_of(F.idevid, F.ca);
    F.ldevid_chain = chain_of(F.ldevid, NULL);
    F.ldevid2_chain = chain_of(F.ldevid2, NULL);
    altroot_mud_mint_params mp = {.mud_url = MUD_URL,
                                  .mfg_name = "Ex",
                                  .model_name = "W2000",
                                  .last_update = t0,
                                  .signer = F.signer,
                                  .key = F.signer_key};
    assert_ok(altroot_mud_mint(&mp, &F.mud, &F.mud_sig));
    /* A MUD file from the wrong signer: a self-made CA nobody trusts. */
    mp.signer = F.dom2;
    mp.key = F.dom2_key;
    assert_ok(altroot_mud_mint(&mp, &F.mud_bad, &F.mud_bad_sig));
    add_cert(ALTROOT_ANCHOR_DEVID_CA, F.root);
    add_cert(ALTROOT_ANCHOR_LDEVID_CA, F.dom);
    add_cert(ALTROOT_ANCHOR_MUD_SIGNER, F.root);
}

static void mint_fdo(void)
{
    altroot_cert_template ca = {.common_name = "FDO device CA",
                                .not_before = NOW - DAY,
                                .not_after = NOW + 3650LL * DAY,
                                .is_ca = true,
                                .path_len = 0};
    altroot_cert_template dev = {
        .common_name = "fdo-device", .not_before = NOW - DAY, .not_after = ALTROOT_TIME_NO_EXPIRY};
    assert_ok(altroot_key_generate(ALTROOT_KEY_EC_P384, &F.fdo_ca_key));
    assert_ok(altroot_key_generate(ALTROOT_KEY_EC_P256, &F.fdo_dev_key));
    assert_ok(altroot_key_generate(ALTROOT_KEY_EC_P384, &F.mfr_key));
    assert_ok(altroot_key_generate(ALTROOT_KEY_EC_P384, &F.owner_key));
    assert_ok(altroot_key_generate(ALTROOT_KEY_EC_P384, &F.owner2_key));
    assert_ok(altroot_cert_issue(&ca, F.fdo_ca_key, NULL, NULL, &F.fdo_ca));
    assert_ok(altroot_cert_issue(&dev, F.fdo_dev_key, F.fdo_ca, F.fdo_ca_key, &F.fdo_dev));
    F.fdo_chain = chain_of(F.fdo_dev, F.fdo_ca);
    static const uint8_t secret[32] = {1, 2, 3};
    altroot_fdo_mint_params mp = {.mfr_key = F.mfr_key,
                                  .device_chain = F.fdo_chain,
                                  .guid = {0xAA, 0xBB, 0xCC},
                                  .device_info = "fdo-device",
                                  .hmac_secret = {secret, 32}};
    altroot_bytes v0 = ALTROOT_BYTES_INIT;
    altroot_fdo_voucher *v = NULL;
    assert_ok(altroot_fdo_voucher_mint(&mp, &v0));
    assert_ok(altroot_fdo_voucher_decode(altroot_bytes_span(&v0), 0, &v, NULL, 0));
    altroot_fdo_extend_params ep = {.owner_key = F.mfr_key, .next_owner = F.owner_key};
    assert_ok(altroot_fdo_voucher_extend(v, &ep, &F.voucher));
    altroot_fdo_voucher_free(v);
    altroot_bytes_clear(&v0);
    add_cert(ALTROOT_ANCHOR_FDO_MFR, F.fdo_ca);
    altroot_bytes spki = ALTROOT_BYTES_INIT;
    assert_ok(altroot_key_spki_der(F.mfr_key, &spki)); /* the chain of owners starts here */
    add_der(ALTROOT_ANCHOR_FDO_MFR, altroot_bytes_span(&spki));
    altroot_bytes_clear(&spki);
    assert_ok(altroot_key_spki_der(F.owner_key, &spki));
    add_der(ALTROOT_ANCHOR_FDO_OWNER, altroot_bytes_span(&spki));
    altroot_bytes_clear(&spki);
}

static int setup(void **state)
{
    (void)state;
    altroot_trust_options o = {NULL, ""};
    if (altroot_trust_store_load(&o, &F.store) != ALTROOT_OK)
        return -1;
    mint_matter();
    mint_devid();
    mint_fdo();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    altroot_trust_store_free(F.store);
    altroot_matter_minted_clear(&F.m);
    altroot_matter_minted_clear(&F.m2);
    altroot_matter_op_fabric_clear(&F.fab);
    altroot_matter_op_fabric_clear(&F.fab2);
    altroot_key *keys[] = {F.root_key, F.ca_key,     F.dev_key,    F.dom_key,
                           F.dom2_key, F.signer_key, F.fdo_ca_key, F.fdo_dev_key,
                           F.mfr_key,  F.owner_key,  F.owner2_key};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        altroot_key_free(keys[i]);
    altroot_cert *certs[] = {F.root,   F.ca,      F.idevid, F.dom,    F.dom2,
                             F.ldevid, F.ldevid2, F.signer, F.fdo_ca, F.fdo_dev};
    for (size_t i = 0; i < sizeof certs / sizeof certs[0]; i++)
        altroot_cert_free(certs[i]);
    altroot_certs_free(F.idevid_chain);
    altroot_certs_free(F.ldevid_chain);
    altroot_certs_free(F.ldevid2_chain);
    altroot_certs_free(F.fdo_chain);
    altroot_bytes *b[] = {&F.signer_name, &F.mud,         &F.mud_sig,
                          &F.mud_bad,     &F.mud_bad_sig, &F.voucher};
    for (size_t i = 0; i < sizeof b / sizeof b[0]; i++)
        altroot_bytes_clear(b[i]);
    return 0;
}

/* ---- credentials per root ---- */

static altroot_device_creds matter_creds(bool noc)
{
    altroot_device_creds c = {.matter_dac_key = F.m.dac_key,
                              .matter_dac = altroot_cert_der(F.m.dac),
                              .matter_pai = altroot_cert_der(F.m.pai),
                              .matter_cd = altroot_bytes_span(&F.m.cd)};
    if (noc) {
        c.matter_noc_key = F.fab.noc_key;
        c.matter_noc = altroot_bytes_span(&F.fab.noc_tlv);
        c.matter_icac = altroot_bytes_span(&F.fab.icac_tlv);
        c.matter_rcac = altroot_bytes_span(&F.fab.rcac_tlv);
    }
    return c;
}

static altroot_device_creds fdo_creds(void)
{
    return (altroot_device_creds){.fdo_device_key = F.fdo_dev_key,
                                  .fdo_voucher = altroot_bytes_span(&F.voucher)};
}

static altroot_device_creds devid_creds(bool ldevid, bool mud)
{
    altroot_device_creds c = {.idevid_key = F.dev_key, .idevid_chain = F.idevid_chain};
    if (ldevid) {
        c.ldevid_key = F.dev_key;
        c.ldevid_chain = F.ldevid_chain;
    }
    if (mud) {
        c.mud_file = altroot_bytes_span(&F.mud);
        c.mud_signature = altroot_bytes_span(&F.mud_sig);
    }
    return c;
}

static const char *const NAMES[] = {"device.home.arpa", "127.0.0.1"};

static altroot_device_cert_params params(void)
{
    return (altroot_device_cert_params){.names = NAMES,
                                        .name_count = 2,
                                        .not_before = NOW - DAY,
                                        .not_after = NOW + 365LL * DAY,
                                        .iat = NOW - 60};
}

/* Build a device certificate and evaluate it as a client connecting to `host` would. */
static void evaluate(const altroot_device_creds *c, const altroot_device_cert_params *p,
                     const char *host, altroot_verdict *v)
{
    altroot_certs *chain = NULL;
    altroot_key *key = NULL;
    assert_ok(altroot_device_cert_build(c, p, &chain, &key));
    altroot_verdict_init(v);
    assert_ok(altroot_evaluate_chain(chain, host, F.store, NOW, v));
    altroot_certs_free(chain);
    altroot_key_free(key);
}

static void dump(const altroot_verdict *v)
{
    for (size_t i = 0; i < v->failures.count; i++)
        print_message("  failure %s %s: %s\n", altroot_error_name(v->failures.items[i].code),
                      v->failures.items[i].where ? v->failures.items[i].where : "",
                      v->failures.items[i].detail);
}

static const altroot_root_result *root(const altroot_verdict *v, const char *name)
{
    if (getenv("EVIDENCE_DEBUG") != NULL)
        dump(v);
    for (size_t i = 0; i < v->root_count; i++)
        if (strcmp(v->roots[i].root, name) == 0)
            return &v->roots[i];
    fail_msg("no root %s", name);
    return NULL;
}

static void assert_tampered(const altroot_verdict *v, altroot_err code)
{
    assert_int_equal(v->decision, ALTROOT_DECISION_UNTRUSTED);
    assert_int_equal(v->rule, 1);
    assert_true(altroot_failures_has(&v->failures, code));
    assert_int_equal(v->lifted_class, -1);
}

/* ---- secondary: success per root ---- */

static void matter_dac_evidence_attests_a_self_signed_device(void **state)
{
    (void)state;
    altroot_device_creds c = matter_creds(false);
    altroot_device_cert_params p = params();
    altroot_verdict v;
    evaluate(&c, &p, "device.home.arpa", &v);
    const altroot_root_result *r = root(&v, "matter");
    assert_int_equal(r->mode, ALTROOT_MODE_SECONDARY);
    assert_int_equal(r->status, ALTROOT_ROOT_VERIFIED);
    assert_true(r->evidence && r->attestation && !r->ownership);
    assert_int_equal(v.decision, ALTROOT_DECISION_ATTESTED);
    assert_int_equal(v.rule, 6);
    assert_int_equal(v.cert_class, 3);
    assert_int_equal(v.lifted_class, 4);
    assert_false(v.name.bound); /* the names claim alone binds nothing */
    altroot_verdict_clear(&v);
}

static char *instance_name(void)
{
    altroot_matter_op_input in = {.noc = altroot_bytes_span(&F.fab.noc_tlv),
                                  .icac = altroot_bytes_span(&F.fab.icac_tlv),
                                  .rcac = altroot_bytes_span(&F.fab.rcac_tlv),
                                  .store = F.store,
                                  .at = NOW};
    altroot_matter_op_result o;
    assert_ok(altroot_matter_op_chain_verify(&in, &o));
    assert_true(o.verified);
    static char name[64];
    snprintf(name, sizeof name, "%s", o.instance_name);
    altroot_matter_op_result_clear(&o);
    return name;
}

static void matter_noc_evidence_proves_ownership_and_binds_instance_name(void **state)
{
    (void)state;
    altroot_device_creds c = matter_creds(true);
    altroot_device_cert_params p = params();
    char host[80];
    snprintf(host, sizeof host, "%s.local", instance_name());
    altroot_verdict v;
    evaluate(&c, &p, host, &v);
    const altroot_root_result *r = root(&v, "matter");
    assert_true(r->attestation && r->ownership);
    assert_int_equal(v.decision, ALTROOT_DECISION_TRUSTED);
    assert_int_equal(v.rule, 3);
    assert_string_equal(v.name.method, "operational-instance-name");
    assert_int_equal(v.lifted_class, 5);
    altroot_verdict_clear(&v);
    /* Another name: ownership, but nothing binds the name (rule 6 by attestation). */
    evaluate(&c, &p, "device.home.arpa", &v);
    assert_false(v.name.bound);
    assert_int_equal(v.rule, 6);
    altroot_verdict_clear(&v);
    /* Only the fabric anchor: the attestation half cannot verify, so the root fails, and the
     * instance name its NOC matched is not left bound by a root that did not verify. */
    altroot_certs *chain = NULL;
    altroot_key *key = NULL;
    assert_ok(altroot_device_cert_build(&c, &p, &chain, &key));
    altroot_trust_options o = {NULL, ""};
    altroot_trust_store *s = NULL;
    assert_ok(altroot_trust_store_load(&o, &s));
    assert_ok(altroot_trust_store_add(s, ALTROOT_ANCHOR_MATTER_FABRIC, "fabric",
                                      altroot_bytes_span(&F.fab.rcac_der)));
    altroot_verdict_init(&v);
    assert_ok(altroot_evaluate_chain(chain, host, s, NOW, &v));
    r = root(&v, "matter");
    assert_int_equal(r->status, ALTROOT_ROOT_FAILED);
    assert_false(r->ownership);
    assert_false(v.name.bound);
    assert_null(v.name.by);
    assert_int_not_equal(v.decision, ALTROOT_DECISION_TRUSTED);
    altroot_verdict_clear(&v);
    altroot_trust_store_free(s);
    altroot_certs_free(chain);
    altroot_key_free(key);
}

static void fdo_evidence_proves_attestation_and_ownership(void **state)
{
    (void)state;
    altroot_device_creds c = fdo_creds();
    altroot_device_cert_params p = params();
    altroot_verdict v;
    evaluate(&c, &p, "device.home.arpa", &v);
    const altroot_root_result *r = root(&v, "fdo");
    assert_int_equal(r->status, ALTROOT_ROOT_VERIFIED);
    assert_true(r->attestation && r->ownership && r->evidence);
    /* Ownership without a name an anchor vouches for: attested, not trusted. */
    assert_int_equal(v.decision, ALTROOT_DECISION_ATTESTED);
    altroot_verdict_clear(&v);
}

/* A device whose voucher names an owner other than yours is someone else's device: attested,
 * with a warning, never "forged" (as a NOC chain under a fabric you do not hold). */
static void fdo_evidence_of_another_owner_attests(void **state)
{
    (void)state;
    altroot_device_creds c = fdo_creds();
    altroot_device_cert_params p = params();
    altroot_certs *chain = NULL;
    altroot_key *key = NULL;
    assert_ok(altroot_device_cert_build(&c, &p, &chain, &key));
    altroot_trust_options o = {NULL, ""};
    altroot_trust_store *s = NULL;
    altroot_bytes spki = ALTROOT_BYTES_INIT;
    assert_ok(altroot_trust_store_load(&o, &s));
    assert_ok(altroot_trust_store_add(s, ALTROOT_ANCHOR_FDO_MFR, "ca", altroot_cert_der(F.fdo_ca)));
    assert_ok(altroot_key_spki_der(F.owner2_key, &spki));
    assert_ok(
        altroot_trust_store_add(s, ALTROOT_ANCHOR_FDO_OWNER, "mine", altroot_bytes_span(&spki)));
    altroot_bytes_clear(&spki);
    altroot_verdict v;
    altroot_verdict_init(&v);
    assert_ok(altroot_evaluate_chain(chain, "device.home.arpa", s, NOW, &v));
    const altroot_root_result *r = root(&v, "fdo");
    assert_int_equal(r->status, ALTROOT_ROOT_VERIFIED);
    assert_true(r->attestation && !r->ownership);
    assert_int_equal(v.rule, 6);
    bool warned = false;
    for (size_t i = 0; i < v.warnings.count; i++)
        warned = warned || strstr(v.warnings.items[i], "not an fdo-owner key") != NULL;
    assert_true(warned);
    altroot_verdict_clear(&v);
    altroot_trust_store_free(s);
    altroot_certs_free(chain);
    altroot_key_free(key);
}

static void devid_evidence_with_ldevid_binds_san(void **state)
{
    (void)state;
    altroot_device_creds c = devid_creds(true, true);
    altroot_device_cert_params p = params();
    altroot_verdict v;
    evaluate(&c, &p, "device.home.arpa", &v);
    const altroot_root_result *r = root(&v, "devid");
    assert_int_equal(r->status, ALTROOT_ROOT_VERIFIED);
    assert_true(r->attestation && r->ownership);
    assert_true(root(&v, "mud")->attestation);
    assert_int_equal(v.decision, ALTROOT_DECISION_TRUSTED);
    assert_int_equal(v.rule, 3);
    assert_string_equal(v.name.method, "san-dns");
    assert_string_equal(v.name.by, "devid");
    altroot_verdict_clear(&v);
    /* An IP SAN of the LDevID binds the address too. */
    evaluate(&c, &p, "127.0.0.1", &v);
    assert_string_equal(v.name.method, "san-ip");
    altroot_verdict_clear(&v);
    /* A name the LDevID does not carry stays unbound, even though the claims list it. */
    static const char *const names[] = {"other.home.arpa"};
    p.names = names;
    p.name_count = 1;
    evaluate(&c, &p, "other.home.arpa", &v);
    assert_false(v.name.bound);
    assert_int_equal(v.rule, 6);
    altroot_verdict_clear(&v);
}

/* Each DevID is judged against its own anchor kind: a user who holds only ldevid-ca anchors, or
 * only devid-ca anchors, sees the other DevID as absent (E_NO_ANCHORS), never as forged. */
static void devid_anchor_kinds_are_separate(void **state)
{
    (void)state;
    altroot_device_creds c = devid_creds(true, false);
    altroot_device_cert_params p = params();
    altroot_certs *chain = NULL;
    altroot_key *key = NULL;
    assert_ok(altroot_device_cert_build(&c, &p, &chain, &key));
    for (int only_ldevid = 0; only_ldevid < 2; only_ldevid++) {
        altroot_trust_options o = {NULL, ""};
        altroot_trust_store *s = NULL;
        assert_ok(altroot_trust_store_load(&o, &s));
        assert_ok(altroot_trust_store_add(
            s, only_ldevid ? ALTROOT_ANCHOR_LDEVID_CA : ALTROOT_ANCHOR_DEVID_CA, "only",
            altroot_cert_der(only_ldevid ? F.dom : F.root)));
        altroot_verdict v;
        altroot_verdict_init(&v);
        assert_ok(altroot_evaluate_chain(chain, "device.home.arpa", s, NOW, &v));
        const altroot_root_result *r = root(&v, "devid");
        assert_false(r->evidence && r->status == ALTROOT_ROOT_FAILED);
        assert_int_not_equal(v.rule, 1);
        assert_false(altroot_failures_has(&r->failures, ALTROOT_E_DEVID_CHAIN));
        if (only_ldevid) { /* the IDevID is absent evidence */
            assert_true(altroot_failures_has(&r->failures, ALTROOT_E_NO_ANCHORS));
        } else { /* the IDevID attests; the LDevID proves nothing to this user */
            assert_int_equal(v.rule, 6);
            assert_true(r->attestation && !r->ownership);
            assert_non_null(strstr(v.warnings.items[v.warnings.count - 1], "LDevID"));
        }
        altroot_verdict_clear(&v);
        altroot_trust_store_free(s);
    }
    altroot_certs_free(chain);
    altroot_key_free(key);
}

static void mud_alone_attests_nothing(void **state)
{
    (void)state;
    altroot_device_creds c = {.mud_file = altroot_bytes_span(&F.mud),
                              .mud_signature = altroot_bytes_span(&F.mud_sig),
                              .mud_url = MUD_URL};
    altroot_device_cert_params p = params();
    altroot_verdict v;
    evaluate(&c, &p, "device.home.arpa", &v);
    const altroot_root_result *r = root(&v, "mud");
    assert_int_equal(r->status, ALTROOT_ROOT_VERIFIED);
    assert_false(r->attestation);
    assert_int_equal(v.decision, ALTROOT_DECISION_UNTRUSTED);
    assert_int_equal(v.rule, 7);
    assert_true(v.warnings.count > 0);
    altroot_verdict_clear(&v);
}

/* ---- secondary: tampering ---- */

static void each_root_creds(altroot_device_creds out[4])
{
    out[0] = matter_creds(true);
    out[1] = fdo_creds();
    out[2] = devid_creds(true, false);
    out[3] = devid_creds(false, true);
}

static void binding_to_another_key_fails_every_root(void **state)
{
    (void)state;
    altroot_device_creds c[4];
    each_root_creds(c);
    altroot_key *other = NULL;
    assert_ok(altroot_key_generate(ALTROOT_KEY_EC_P256, &other));
    for (size_t i = 0; i < 4; i++) {
        altroot_device_cert_params p = params();
        p.bind_key = other;
        altroot_verdict v;
        evaluate(&c[i], &p, "device.home.arpa", &v);
        assert_tampered(&v, ALTROOT_E_EVIDENCE_KEY_MISMATCH);
        altroot_verdict_clear(&v);
    }
    altroot_key_free(other);
}

static void expired_and_future_bindings_fail(void **state)
{
    (void)state;
    altroot_device_creds c[4];
    each_root_creds(c);
    for (size_t i = 0; i < 4; i++) {
        altroot_device_cert_params p = params();
        p.exp = NOW - 1;
        altroot_verdict v;
        evaluate(&c[i], &p, "device.home.arpa", &v);
        assert_tampered(&v, ALTROOT_E_EVIDENCE_EXPIRED);
        altroot_verdict_clear(&v);
        p = params();
        p.iat = NOW + ALTROOT_EVIDENCE_IAT_SKEW + 1;
        evaluate(&c[i], &p, "device.home.arpa", &v);
        assert_tampered(&v, ALTROOT_E_EVIDENCE_NOT_YET_VALID);
        altroot_verdict_clear(&v);
        /* Within the skew and before exp: fine. */
        p.iat = NOW + ALTROOT_EVIDENCE_IAT_SKEW;
        p.exp = NOW;
        evaluate(&c[i], &p, "device.home.arpa", &v);
        assert_int_not_equal(v.rule, 1);
        altroot_verdict_clear(&v);
    }
}

/* A binding issued at the end of time, judged at a time before 1970 (--at accepts years from
 * 0000): the distance between the two does not fit in a signed 64-bit difference, and must still
 * count as issued in the future. */
static void far_future_iat_before_1970_fails(void **state)
{
    (void)state;
    altroot_key *key = NULL;
    assert_ok(altroot_key_generate(ALTROOT_KEY_EC_P256, &key));
    altroot_device_creds c = matter_creds(false);
    altroot_evidence_params ep = {
        .tls_key = key, .names = NAMES, .name_count = 2, .iat = INT64_MAX, .exp = 0};
    altroot_bytes ev = ALTROOT_BYTES_INIT, ext = ALTROOT_BYTES_INIT;
    assert_ok(altroot_evidence_encode(&c, &ep, &ev));
    assert_ok(altroot_evidence_extension_der(ALTROOT_OID_EVIDENCE, altroot_bytes_span(&ev), &ext));
    const altroot_time at = -2208988800; /* 1900-01-01T00:00:00Z */
    altroot_cert_template t = {.common_name = "x", .not_before = at - DAY, .not_after = NOW + DAY};
    altroot_span exts[1] = {altroot_bytes_span(&ext)};
    altroot_cert *leaf = NULL;
    assert_ok(altroot_cert_issue_ext(&t, exts, 1, key, NULL, NULL, &leaf));
    altroot_certs *ch = chain_of(leaf, NULL);
    altroot_verdict v;
    altroot_verdict_init(&v);
    assert_ok(altroot_evaluate_chain(ch, "x", F.store, at, &v));
    const altroot_root_result *r = root(&v, "matter");
    assert_true(altroot_failures_has(&r->failures, ALTROOT_E_EVIDENCE_NOT_YET_VALID));
    assert_int_not_equal(v.decision, ALTROOT_DECISION_TRUSTED);
    altroot_verdict_clear(&v);
    altroot_certs_free(ch);
    altroot_cert_free(leaf);
    altroot_bytes_clear(&ev);
    altroot_bytes_clear(&ext);
    altroot_key_free(key);
}

/* Evidence taken from one device's certificate onto another key. */
static void copied_evidence_fails(void **state)
{
    (void)state;
    altroot_device_creds c[4];
    each_root_creds(c);
    for (size_t i = 0; i < 4; i++) {
        altroot_certs *chain = NULL;
        altroot_key *key = NULL;
        altroot_device_cert_params p = params();
        assert_ok(altroot_device_cert_build(&c[i], &p, &chain, &key));
        bool crit = true;
        altroot_span ev;
        assert_ok(
            altroot_cert_extension(altroot_certs_get(chain, 0), ALTROOT_OID_EVIDENCE, &crit, &ev));
        assert_false(crit);
        p.evidence_override = ev;
        altroot_verdict v;
        evaluate(&c[i], &p, "device.home.arpa", &v);
        assert_tampered(&v, ALTROOT_E_EVIDENCE_KEY_MISMATCH);
        altroot_verdict_clear(&v);
        altroot_certs_free(chain);
        altroot_key_free(key);
    }
}

static void forged_cd_truncated_voucher_wrong_mud_signer_fail(void **state)
{
    (void)state;
    altroot_matter_minted bad;
    assert_ok(altroot_matter_mint(0xFFF1, 0x8000, NOW, ALTROOT_MATTER_FAULT_CD_SIGNATURE, &bad));
    altroot_device_creds c = matter_creds(false);
    c.matter_cd = altroot_bytes_span(&bad.cd);
    altroot_device_cert_params p = params();
    altroot_verdict v;
    evaluate(&c, &p, "device.home.arpa", &v);
    assert_tampered(&v, ALTROOT_E_EVIDENCE_ARTEFACT);
    altroot_verdict_clear(&v);
    altroot_matter_minted_clear(&bad);

    c = fdo_creds();
    c.fdo_voucher_cut = 40;
    evaluate(&c, &p, "device.home.arpa", &v);
    assert_tampered(&v, ALTROOT_E_EVIDENCE_ARTEFACT);
    altroot_verdict_clear(&v);

    c = devid_creds(false, true);
    c.mud_file = altroot_bytes_span(&F.mud_bad);
    c.mud_signature = altroot_bytes_span(&F.mud_bad_sig);
    evaluate(&c, &p, "device.home.arpa", &v);
    assert_tampered(&v, ALTROOT_E_EVIDENCE_ARTEFACT);
    altroot_verdict_clear(&v);
}

/* A leaf for `key` itself carrying the extension value `ev` (so cnf matches), evaluated. */
static void eval_ev(altroot_span ev, const altroot_key *key, altroot_verdict *v)
{
    altroot_bytes ext = ALTROOT_BYTES_INIT;
    assert_ok(altroot_evidence_extension_der(ALTROOT_OID_EVIDENCE, ev, &ext));
    altroot_cert_template t = {.common_name = "x", .not_before = NOW - DAY, .not_after = NOW + DAY};
    altroot_span exts[1] = {altroot_bytes_span(&ext)};
    altroot_cert *leaf = NULL;
    assert_ok(altroot_cert_issue_ext(&t, exts, 1, key, NULL, NULL, &leaf));
    altroot_certs *ch = chain_of(leaf, NULL);
    altroot_verdict_init(v);
    assert_ok(altroot_evaluate_chain(ch, "x", F.store, NOW, v));
    altroot_certs_free(ch);
    altroot_cert_free(leaf);
    altroot_bytes_clear(&ext);
}

/* The extension value for `c`, its bindings naming `key`. */
static void encode_for(const altroot_device_creds *c, const altroot_key *key, altroot_bytes *ev)
{
    altroot_evidence_params ep = {
        .tls_key = key, .names = NAMES, .name_count = 2, .iat = NOW, .exp = NOW + DAY};
    assert_ok(altroot_evidence_encode(c, &ep, ev));
}

/* A binding whose identity names another product, signed by the right DAC key; and one whose
 * serial number is another unit's, signed by the right IDevID key. */
static void identity_mismatch_fails(void **state)
{
    (void)state;
    altroot_key *key = NULL;
    assert_ok(altroot_key_generate(ALTROOT_KEY_EC_P256, &key));
    altroot_device_creds c[2] = {matter_creds(false), devid_creds(false, false)};
    c[0].identity_override = F.m2.dac;
    c[1].identity_override = F.ldevid; /* a DevID of the same PKI naming another serial */
    for (size_t i = 0; i < 2; i++) {
        altroot_bytes ev = ALTROOT_BYTES_INIT;
        encode_for(&c[i], key, &ev);
        altroot_verdict v;
        eval_ev(altroot_bytes_span(&ev), key, &v);
        assert_tampered(&v, ALTROOT_E_EVIDENCE_IDENTITY);
        assert_false(altroot_failures_has(&v.failures, ALTROOT_E_EVIDENCE_KEY_MISMATCH));
        assert_false(altroot_failures_has(&v.failures, ALTROOT_E_EVIDENCE_MEMBERS));
        altroot_verdict_clear(&v);
        altroot_bytes_clear(&ev);
    }
    altroot_key_free(key);
}

/* A leaf for `key` carrying the extensions `exts` (DER), evaluated. */
static void eval_exts(const altroot_span *exts, size_t n, const altroot_key *key,
                      altroot_verdict *v)
{
    altroot_cert_template t = {.common_name = "x", .not_before = NOW - DAY, .not_after = NOW + DAY};
    altroot_cert *leaf = NULL;
    assert_ok(altroot_cert_issue_ext(&t, exts, n, key, NULL, NULL, &leaf));
    altroot_certs *ch = chain_of(leaf, NULL);
    altroot_verdict_init(v);
    assert_ok(altroot_evaluate_chain(ch, "x", F.store, NOW, v));
    altroot_certs_free(ch);
    altroot_cert_free(leaf);
}

/* The Extension DER `ext` (30 82 LL LL, then the OID) with critical TRUE after its OID. */
static void mark_critical(altroot_span ext, altroot_bytes *out)
{
    assert_true(ext.len > 14 && ext.ptr[0] == 0x30 && ext.ptr[1] == 0x82 && ext.ptr[4] == 0x06);
    size_t inner = ext.len - 4 + 3, oid_end = 4 + 2 + ext.ptr[5];
    static const uint8_t yes[] = {0x01, 0x01, 0xFF};
    const uint8_t head[] = {0x30, 0x82, (uint8_t)(inner >> 8), (uint8_t)inner};
    assert_ok(altroot_bytes_append(out, head, sizeof head));
    assert_ok(altroot_bytes_append(out, ext.ptr + 4, oid_end - 4));
    assert_ok(altroot_bytes_append(out, yes, sizeof yes));
    assert_ok(altroot_bytes_append(out, ext.ptr + oid_end, ext.len - oid_end));
}

/* docs/evidence.md step 1: id-pe-cmw twice is E_EVIDENCE_FORMAT and marked critical is
 * E_EVIDENCE_CRITICAL, both tampering; the retired version 1 extension OID is an unknown
 * extension, ignored beside version 2 and never read alone. */
static void extension_twice_critical_or_old_oid(void **state)
{
    (void)state;
    altroot_key *key = NULL;
    assert_ok(altroot_key_generate(ALTROOT_KEY_EC_P256, &key));
    altroot_device_creds c = matter_creds(false);
    altroot_bytes ev = ALTROOT_BYTES_INIT, ext = ALTROOT_BYTES_INIT, crit = ALTROOT_BYTES_INIT;
    altroot_bytes v1 = ALTROOT_BYTES_INIT;
    encode_for(&c, key, &ev);
    assert_ok(altroot_evidence_extension_der(ALTROOT_OID_EVIDENCE, altroot_bytes_span(&ev), &ext));
    assert_ok(altroot_evidence_extension_der("2.25.69226542634484640648002627714631563288.1",
                                             altroot_bytes_span(&ev), &v1));
    mark_critical(altroot_bytes_span(&ext), &crit);
    altroot_verdict v;
    altroot_span one[1] = {altroot_bytes_span(&ext)};
    eval_exts(one, 1, key, &v);
    assert_int_equal(v.decision, ALTROOT_DECISION_ATTESTED); /* the control */
    size_t roots = v.root_count;
    altroot_verdict_clear(&v);
    altroot_span twice[2] = {altroot_bytes_span(&ext), altroot_bytes_span(&ext)};
    eval_exts(twice, 2, key, &v);
    assert_tampered(&v, ALTROOT_E_EVIDENCE_FORMAT);
    altroot_verdict_clear(&v);
    altroot_span critical[1] = {altroot_bytes_span(&crit)};
    eval_exts(critical, 1, key, &v);
    assert_tampered(&v, ALTROOT_E_EVIDENCE_CRITICAL);
    altroot_verdict_clear(&v);
    altroot_span beside[2] = {altroot_bytes_span(&v1), altroot_bytes_span(&ext)};
    eval_exts(beside, 2, key, &v);
    assert_int_equal(v.decision, ALTROOT_DECISION_ATTESTED);
    assert_int_equal(v.root_count, roots);
    altroot_verdict_clear(&v);
    altroot_span old[1] = {altroot_bytes_span(&v1)};
    eval_exts(old, 1, key, &v);
    assert_int_equal(v.root_count, roots - 1); /* no evidence: a self-signed certificate */
    for (size_t i = 0; i < v.root_count; i++)
        assert_false(v.roots[i].evidence);
    assert_int_not_equal(v.decision, ALTROOT_DECISION_TRUSTED);
    assert_int_not_equal(v.decision, ALTROOT_DECISION_ATTESTED);
    altroot_verdict_clear(&v);
    altroot_bytes *all[] = {&ev, &ext, &crit, &v1};
    for (size_t i = 0; i < 4; i++)
        altroot_bytes_clear(all[i]);
    altroot_key_free(key);
}

/* Rebuild the single-root evidence `ev` with its member `label` taken from `donor` (NULL:
 * removed), or added from `donor` when `ev` has none. */
static void splice(altroot_span ev, altroot_evidence_root root, const char *label,
                   const altroot_evidence_members *donor, altroot_bytes *out)
{
    altroot_evidence d;
    assert_ok(altroot_evidence_decode(ev, &d, NULL, 0));
    const altroot_evidence_members *ms = root == ALTROOT_EVIDENCE_MATTER  ? &d.matter.members
                                         : root == ALTROOT_EVIDENCE_DEVID ? &d.devid.members
                                                                          : &d.fdo.members;
    evd_builder rb = {0}, top = {0};
    char name[32];
    bool replaced = false;
    for (size_t i = 0; i < ms->count; i++) {
        snprintf(name, sizeof name, "%.*s", (int)ms->item[i].label.len,
                 (const char *)ms->item[i].label.ptr);
        altroot_span raw = ms->item[i].raw;
        for (size_t j = 0; strcmp(name, label) == 0 && donor != NULL && j < donor->count; j++)
            if (altroot_span_equal(donor->item[j].label, ms->item[i].label))
                raw = donor->item[j].raw;
        replaced = replaced || strcmp(name, label) == 0;
        if (strcmp(name, label) != 0 || donor != NULL)
            assert_ok(evd_builder_add(&rb, name, raw));
    }
    for (size_t j = 0; !replaced && donor != NULL && j < donor->count; j++)
        if (donor->item[j].label.len == strlen(label) &&
            memcmp(donor->item[j].label.ptr, label, strlen(label)) == 0)
            assert_ok(evd_builder_add(&rb, label, donor->item[j].raw));
    altroot_bytes rmap = ALTROOT_BYTES_INIT, t = ALTROOT_BYTES_INIT, cbor = ALTROOT_BYTES_INIT;
    assert_ok(evd_builder_write(&rb, &rmap));
    assert_ok(altroot_cbor_put_head(&t, ALTROOT_CBOR_TAG, 111));
    assert_ok(altroot_cbor_put_bstr(&t, (altroot_span){EVD_OID_COLLECTION, 20}));
    assert_ok(evd_builder_add(&top, "__cmwc_t", altroot_bytes_span(&t)));
    assert_ok(evd_builder_add(&top, altroot_evidence_root_label(root), altroot_bytes_span(&rmap)));
    assert_ok(evd_builder_write(&top, &cbor));
    assert_ok(altroot_bytes_append_u8(out, 0x04));
    assert_true(cbor.len >= 256 && cbor.len < 65536);
    assert_ok(altroot_bytes_append_u8(out, 0x82));
    assert_ok(altroot_bytes_append_u8(out, (uint8_t)(cbor.len >> 8)));
    assert_ok(altroot_bytes_append_u8(out, (uint8_t)cbor.len));
    assert_ok(altroot_bytes_append(out, cbor.ptr, cbor.len));
    evd_builder_clear(&rb);
    evd_builder_clear(&top);
    altroot_bytes_clear(&rmap);
    altroot_bytes_clear(&t);
    altroot_bytes_clear(&cbor);
}

static void expect_members_fail(altroot_span ev, const altroot_key *key)
{
    altroot_verdict v;
    eval_ev(ev, key, &v);
    assert_tampered(&v, ALTROOT_E_EVIDENCE_MEMBERS);
    altroot_verdict_clear(&v);
}

/* The bindings carry the digest of every other member of their root: a member swapped for
 * another device's, removed, or added fails with E_EVIDENCE_MEMBERS, even where the artefacts
 * alone would still decode. */
static void members_are_bound_together(void **state)
{
    (void)state;
    altroot_key *key = NULL;
    assert_ok(altroot_key_generate(ALTROOT_KEY_EC_P256, &key));
    altroot_device_creds a = matter_creds(true), b = matter_creds(false);
    b.matter_dac_key = F.m2.dac_key;
    b.matter_dac = altroot_cert_der(F.m2.dac);
    b.matter_pai = altroot_cert_der(F.m2.pai);
    b.matter_cd = altroot_bytes_span(&F.m2.cd);
    altroot_bytes ea = ALTROOT_BYTES_INIT, eb = ALTROOT_BYTES_INIT, out = ALTROOT_BYTES_INIT;
    encode_for(&a, key, &ea);
    encode_for(&b, key, &eb);
    altroot_evidence db;
    assert_ok(altroot_evidence_decode(altroot_bytes_span(&eb), &db, NULL, 0));
    /* the baseline rebuilt unchanged still verifies */
    splice(altroot_bytes_span(&ea), ALTROOT_EVIDENCE_MATTER, "none", NULL, &out);
    altroot_verdict v;
    eval_ev(altroot_bytes_span(&out), key, &v);
    assert_int_equal(root(&v, "matter")->status, ALTROOT_ROOT_VERIFIED);
    altroot_verdict_clear(&v);
    static const char *const swap[] = {"cd", "pai", "binding"};
    for (size_t i = 0; i < 3; i++) {
        out.len = 0;
        splice(altroot_bytes_span(&ea), ALTROOT_EVIDENCE_MATTER, swap[i], &db.matter.members, &out);
        expect_members_fail(altroot_bytes_span(&out), key);
    }
    out.len = 0; /* removed: the ICAC (the chain without it is well-formed) */
    splice(altroot_bytes_span(&ea), ALTROOT_EVIDENCE_MATTER, "icac", NULL, &out);
    expect_members_fail(altroot_bytes_span(&out), key);
    /* added: a BRSKI voucher next to an IDevID that had none */
    altroot_device_creds dv = devid_creds(false, false), dv2 = devid_creds(false, false);
    static const uint8_t junk[] = {0x30, 0x03, 0x02, 0x01, 0x01};
    dv2.brski_voucher = (altroot_span){junk, sizeof junk};
    altroot_bytes ed = ALTROOT_BYTES_INIT, ed2 = ALTROOT_BYTES_INIT;
    encode_for(&dv, key, &ed);
    encode_for(&dv2, key, &ed2);
    altroot_evidence d2;
    assert_ok(altroot_evidence_decode(altroot_bytes_span(&ed2), &d2, NULL, 0));
    out.len = 0;
    splice(altroot_bytes_span(&ed), ALTROOT_EVIDENCE_DEVID, "voucher", &d2.devid.members, &out);
    expect_members_fail(altroot_bytes_span(&out), key);
    altroot_bytes *all[] = {&ea, &eb, &out, &ed, &ed2};
    for (size_t i = 0; i < 5; i++)
        altroot_bytes_clear(all[i]);
    altroot_key_free(key);
}

static void skipped_range(altroot_span ev, bool skip_hmac, size_t *lo, size_t *hi)
{
    altroot_evidence d;
    *lo = *hi = 0;
    assert_ok(altroot_evidence_decode(ev, &d, NULL, 0));
    if (skip_hmac) {
        altroot_fdo_voucher *fv = NULL;
        assert_ok(altroot_fdo_voucher_decode(d.fdo.voucher, 0, &fv, NULL, 0));
        *lo = (size_t)(d.fdo.voucher.ptr - ev.ptr) + (size_t)(fv->hmac_raw.ptr - fv->bytes.ptr);
        *hi = *lo + fv->hmac_raw.len;
        altroot_fdo_voucher_free(fv);
    }
}

/* Every byte of the evidence, flipped in turn, makes it fail (rule 1), except the FDO header
 * HMAC, which only the device's secret can check (docs/evidence.md, "Verification"). */
static void sweep(const altroot_device_creds *c, bool skip_hmac)
{
    altroot_certs *chain = NULL;
    altroot_key *key = NULL;
    altroot_device_cert_params p = params();
    assert_ok(altroot_device_cert_build(c, &p, &chain, &key));
    bool crit = false;
    altroot_span ev;
    assert_ok(
        altroot_cert_extension(altroot_certs_get(chain, 0), ALTROOT_OID_EVIDENCE, &crit, &ev));
    size_t hmac_lo = 0, hmac_hi = 0;
    skipped_range(ev, skip_hmac, &hmac_lo, &hmac_hi);
    uint8_t *copy = malloc(ev.len);
    assert_non_null(copy);
    for (size_t i = 0; i < ev.len; i++) {
        if (i >= hmac_lo && i < hmac_hi)
            continue;
        memcpy(copy, ev.ptr, ev.len);
        copy[i] ^= 0x01;
        p.evidence_override = (altroot_span){copy, ev.len};
        altroot_verdict v;
        evaluate(c, &p, "device.home.arpa", &v);
        if (v.rule != 1)
            fail_msg("flipping byte %zu of %zu left rule %d", i, ev.len, v.rule);
        altroot_verdict_clear(&v);
    }
    free(copy);
    altroot_certs_free(chain);
    altroot_key_free(key);
}

static void every_byte_of_matter_evidence_is_checked(void **state)
{
    (void)state;
    altroot_device_creds c = matter_creds(true);
    sweep(&c, false);
}

static void every_byte_of_fdo_evidence_is_checked(void **state)
{
    (void)state;
    altroot_device_creds c = fdo_creds();
    sweep(&c, true);
}

static void every_byte_of_devid_and_mud_evidence_is_checked(void **state)
{
    (void)state;
    altroot_device_creds c = devid_creds(true, true);
    sweep(&c, false);
}

static void oversize_and_malformed_evidence_is_rejected(void **state)
{
    (void)state;
    altroot_device_creds c = matter_creds(false);
    altroot_device_cert_params p = params();
    uint8_t *big = calloc(1, ALTROOT_EVIDENCE_MAX + 1);
    assert_non_null(big);
    p.evidence_override = (altroot_span){big, ALTROOT_EVIDENCE_MAX + 1};
    altroot_verdict v;
    evaluate(&c, &p, "device.home.arpa", &v);
    assert_tampered(&v, ALTROOT_E_EVIDENCE_TOO_LARGE);
    assert_non_null(root(&v, "evidence"));
    altroot_verdict_clear(&v);
    free(big);
    static const uint8_t junk[] = {0xbf, 0x01, 0x01, 0xff};
    p.evidence_override = (altroot_span){junk, sizeof junk};
    evaluate(&c, &p, "device.home.arpa", &v);
    assert_tampered(&v, ALTROOT_E_EVIDENCE_FORMAT);
    altroot_verdict_clear(&v);
}

static altroot_err dec(altroot_span b)
{
    altroot_evidence e;
    char detail[128];
    return altroot_evidence_decode(b, &e, detail, sizeof detail);
}

/* A hand-written MUD-only evidence (the one root without a binding), one field varied. */
typedef struct mud_variant {
    uint8_t oid_last;       /* last octet of the collection type OID (0x01) */
    bool untagged_type;     /* "__cmwc_t" as a bare bstr */
    const char *root_label; /* "mud" */
    const char *file_label; /* "file" */
    const char *file_type;  /* "application/mud+json" */
    int file_ind;           /* 2; -1: no indicator; -2: CoAP content-format type */
    bool swap_order;        /* "signature" written before "file" */
    bool no_signature;
    const char *url;     /* NULL: none */
    uint8_t wrapper_tag; /* 0x04 */
    bool trailing;
} mud_variant;

static mud_variant mud_ok(void)
{
    return (mud_variant){0x01,  false, "mud", "file", "application/mud+json", 2, false,
                         false, NULL,  0x04,  false};
}

static void put_rec(altroot_bytes *o, const char *type, int ind)
{
    assert_ok(altroot_cbor_put_head(o, ALTROOT_CBOR_ARRAY, ind == -1 ? 2 : 3));
    if (ind == -2)
        assert_ok(altroot_cbor_put_int(o, 60));
    else
        assert_ok(altroot_cbor_put_tstr(o, type, strlen(type)));
    assert_ok(altroot_cbor_put_bstr(o, (altroot_span){(const uint8_t *)"{}", 2}));
    if (ind != -1)
        assert_ok(altroot_cbor_put_int(o, ind < 0 ? 2 : ind));
}

static void put_tstr(altroot_bytes *o, const char *t)
{
    assert_ok(altroot_cbor_put_tstr(o, t, strlen(t)));
}

static void mud_root(altroot_bytes *o, const mud_variant *m)
{
    size_t n = (m->no_signature ? 1u : 2u) + (m->url != NULL ? 1u : 0u);
    assert_ok(altroot_cbor_put_head(o, ALTROOT_CBOR_MAP, n));
    if (m->url != NULL) {
        put_tstr(o, "url");
        assert_ok(altroot_cbor_put_head(o, ALTROOT_CBOR_ARRAY, 3));
        put_tstr(o, "text/uri-list");
        assert_ok(
            altroot_cbor_put_bstr(o, (altroot_span){(const uint8_t *)m->url, strlen(m->url)}));
        assert_ok(altroot_cbor_put_int(o, 2));
    }
    if (!m->swap_order) {
        put_tstr(o, m->file_label);
        put_rec(o, m->file_type, m->file_ind);
    }
    if (!m->no_signature) {
        put_tstr(o, "signature");
        put_rec(o, "application/pkcs7-signature", 2);
    }
    if (m->swap_order) {
        put_tstr(o, m->file_label);
        put_rec(o, m->file_type, m->file_ind);
    }
}

static altroot_err dec_mud(const mud_variant *m)
{
    altroot_bytes c = ALTROOT_BYTES_INIT, o = ALTROOT_BYTES_INIT;
    uint8_t oid[20];
    memcpy(oid, EVD_OID_COLLECTION, 20);
    oid[19] = m->oid_last;
    /* keys in encoded order: "mud" (3 octets) before "__cmwc_t" (8) */
    assert_ok(altroot_cbor_put_head(&c, ALTROOT_CBOR_MAP, 2));
    put_tstr(&c, m->root_label);
    mud_root(&c, m);
    put_tstr(&c, "__cmwc_t");
    if (!m->untagged_type)
        assert_ok(altroot_cbor_put_head(&c, ALTROOT_CBOR_TAG, 111));
    assert_ok(altroot_cbor_put_bstr(&c, (altroot_span){oid, 20}));
    assert_true(c.len < 256);
    assert_ok(altroot_bytes_append_u8(&o, m->wrapper_tag));
    if (c.len >= 128)
        assert_ok(altroot_bytes_append_u8(&o, 0x81));
    assert_ok(altroot_bytes_append_u8(&o, (uint8_t)c.len));
    assert_ok(altroot_bytes_append(&o, c.ptr, c.len));
    if (m->trailing)
        assert_ok(altroot_bytes_append_u8(&o, 0x00));
    altroot_err e = dec(altroot_bytes_span(&o));
    altroot_bytes_clear(&c);
    altroot_bytes_clear(&o);
    return e;
}

#define DEC(...)                                                                                   \
    dec((altroot_span){(const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__})})

static void decoder_is_strict(void **state)
{
    (void)state;
    mud_variant m = mud_ok();
    assert_ok(dec_mud(&m));
    m.url = "https://mud.example.com/w.json\r\n";
    assert_ok(dec_mud(&m));
    m.url = "https://mud.example.com/w.json"; /* a uri-list line ends in CRLF */
    assert_int_equal(dec_mud(&m), ALTROOT_E_EVIDENCE_FORMAT);
    m = mud_ok();
    m.oid_last = 0x02; /* another collection type */
    assert_int_equal(dec_mud(&m), ALTROOT_E_EVIDENCE_VERSION);
    m = mud_ok();
    m.untagged_type = true;
    assert_int_equal(dec_mud(&m), ALTROOT_E_EVIDENCE_VERSION);
    m = mud_ok();
    m.root_label = "mux";
    assert_int_equal(dec_mud(&m), ALTROOT_E_EVIDENCE_ROOT_TYPE);
    m = mud_ok();
    m.file_label = "fils";
    assert_int_equal(dec_mud(&m), ALTROOT_E_EVIDENCE_UNKNOWN_KEY);
    m = mud_ok();
    m.file_type = "application/json";
    assert_int_equal(dec_mud(&m), ALTROOT_E_EVIDENCE_MEDIA_TYPE);
    m.file_ind = -2; /* a CoAP Content-Format instead of a media type */
    assert_int_equal(dec_mud(&m), ALTROOT_E_EVIDENCE_MEDIA_TYPE);
    m = mud_ok();
    m.file_ind = 4; /* evidence, where the schema says endorsements */
    assert_int_equal(dec_mud(&m), ALTROOT_E_EVIDENCE_INDICATOR);
    m.file_ind = -1; /* no indicator */
    assert_int_equal(dec_mud(&m), ALTROOT_E_EVIDENCE_INDICATOR);
    m = mud_ok();
    m.swap_order = true;
    assert_int_equal(dec_mud(&m), ALTROOT_E_EVIDENCE_NOT_DETERMINISTIC);
    m = mud_ok();
    m.no_signature = true;
    assert_int_equal(dec_mud(&m), ALTROOT_E_EVIDENCE_FORMAT);
    m = mud_ok();
    m.wrapper_tag = 0x0C; /* the json alternative of the CMW CHOICE */
    assert_int_equal(dec_mud(&m), ALTROOT_E_EVIDENCE_FORMAT);
    m = mud_ok();
    m.trailing = true;
    assert_int_equal(dec_mud(&m), ALTROOT_E_EVIDENCE_FORMAT);
    /* an empty collection, an indefinite map, a non-minimal DER length, CBOR trailing bytes */
    assert_int_equal(DEC(0x04, 0x01, 0xa0), ALTROOT_E_EVIDENCE_VERSION);
    assert_int_equal(DEC(0x04, 0x02, 0xbf, 0xff), ALTROOT_E_EVIDENCE_FORMAT);
    assert_int_equal(DEC(0x04, 0x81, 0x01, 0xa0), ALTROOT_E_EVIDENCE_FORMAT);
    assert_int_equal(DEC(0x04, 0x02, 0xa0, 0x00), ALTROOT_E_EVIDENCE_FORMAT);
    assert_int_equal(DEC(0xa0), ALTROOT_E_EVIDENCE_FORMAT);
}

/* {6: 0, 8: {3: h'11'*32}, 265: profile, -70001: ["a"], -70002: {1: h'22'*16},
 * -70003: {"voucher": h'33'*32}}, with one field varied. */
static void claims_bytes(altroot_bytes *o, uint8_t profile_last, size_t digest_len, bool digests)
{
    uint8_t b[32], prof[20];
    memcpy(prof, EVD_OID_PROFILE, 20);
    prof[19] = profile_last;
    assert_ok(altroot_cbor_put_head(o, ALTROOT_CBOR_MAP, digests ? 6 : 5));
    assert_ok(altroot_cbor_put_int(o, 6));
    assert_ok(altroot_cbor_put_int(o, 0));
    assert_ok(altroot_cbor_put_int(o, 8));
    assert_ok(altroot_cbor_put_head(o, ALTROOT_CBOR_MAP, 1));
    assert_ok(altroot_cbor_put_int(o, 3));
    memset(b, 0x11, 32);
    assert_ok(altroot_cbor_put_bstr(o, (altroot_span){b, 32}));
    assert_ok(altroot_cbor_put_int(o, 265));
    assert_ok(altroot_cbor_put_bstr(o, (altroot_span){prof, 20}));
    assert_ok(altroot_cbor_put_int(o, -70001));
    assert_ok(altroot_cbor_put_head(o, ALTROOT_CBOR_ARRAY, 1));
    put_tstr(o, "a");
    assert_ok(altroot_cbor_put_int(o, -70002));
    assert_ok(altroot_cbor_put_head(o, ALTROOT_CBOR_MAP, 1));
    assert_ok(altroot_cbor_put_int(o, 1));
    memset(b, 0x22, 16);
    assert_ok(altroot_cbor_put_bstr(o, (altroot_span){b, 16}));
    if (!digests)
        return;
    assert_ok(altroot_cbor_put_int(o, -70003));
    assert_ok(altroot_cbor_put_head(o, ALTROOT_CBOR_MAP, 1));
    put_tstr(o, "voucher");
    memset(b, 0x33, 32);
    assert_ok(altroot_cbor_put_bstr(o, (altroot_span){b, digest_len}));
}

static altroot_err claims_dec(uint8_t profile_last, size_t digest_len, bool digests,
                              altroot_evidence_root root, altroot_evidence_claims *cl)
{
    altroot_bytes o = ALTROOT_BYTES_INIT;
    claims_bytes(&o, profile_last, digest_len, digests);
    altroot_err e = altroot_evidence_claims_decode(altroot_bytes_span(&o), root, cl);
    altroot_bytes_clear(&o);
    return e;
}

static void claims_decoder_is_strict(void **state)
{
    (void)state;
    altroot_evidence_claims cl;
    assert_ok(claims_dec(0x03, 32, true, ALTROOT_EVIDENCE_FDO, &cl));
    assert_int_equal(cl.guid[0], 0x22);
    assert_int_equal(cl.name_count, 1);
    assert_int_equal(cl.digest_count, 1);
    assert_int_equal(cl.digests[0].sha256[0], 0x33);
    /* the same claims as a Matter identity: wrong shape */
    assert_int_equal(claims_dec(0x03, 32, true, ALTROOT_EVIDENCE_MATTER, &cl),
                     ALTROOT_E_EVIDENCE_BINDING_FORMAT);
    assert_int_equal(claims_dec(0x02, 32, true, ALTROOT_EVIDENCE_FDO, &cl),
                     ALTROOT_E_EVIDENCE_PROFILE);
    assert_int_equal(claims_dec(0x03, 31, true, ALTROOT_EVIDENCE_FDO, &cl),
                     ALTROOT_E_EVIDENCE_BINDING_FORMAT);
    assert_int_equal(claims_dec(0x03, 32, false, ALTROOT_EVIDENCE_FDO, &cl),
                     ALTROOT_E_EVIDENCE_BINDING_FORMAT);
}

/* ---- the worked example of docs/evidence.md ---- */

static void write_hex_block(FILE *f, const char *name, altroot_span der)
{
    fprintf(f, "<!-- example: %s -->\n```text\n", name);
    for (size_t i = 0; i < der.len; i++)
        fprintf(f, "%02x%s", der.ptr[i], i % 32 == 31 || i + 1 == der.len ? "\n" : "");
    fprintf(f, "```\n");
}

/* ALTROOT_EVIDENCE_EXAMPLE=FILE writes a fresh example (the leaf of a Matter device with DAC
 * evidence, its PAA and CD signer) in the form docs/evidence.md holds it. */
static void write_example(const char *path)
{
    altroot_device_creds c = matter_creds(false);
    altroot_device_cert_params p = params();
    altroot_certs *chain = NULL;
    altroot_key *key = NULL;
    assert_ok(altroot_device_cert_build(&c, &p, &chain, &key));
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    write_hex_block(f, "leaf", altroot_cert_der(altroot_certs_get(chain, 0)));
    write_hex_block(f, "paa", altroot_cert_der(F.m.paa));
    write_hex_block(f, "cd-signer", altroot_cert_der(F.m.cd_signer));
    assert_int_equal(fclose(f), 0);
    altroot_certs_free(chain);
    altroot_key_free(key);
}

/* The hex block after "<!-- example: NAME -->" in `doc`, decoded. */
static void doc_block(const char *doc, const char *name, altroot_bytes *out)
{
    char marker[64];
    snprintf(marker, sizeof marker, "<!-- example: %s -->\n```text\n", name);
    const char *start = strstr(doc, marker);
    if (start == NULL)
        fail_msg("docs/evidence.md has no example block %s", name);
    start += strlen(marker);
    const char *end = strstr(start, "```");
    assert_non_null(end);
    char *hex = calloc(1, (size_t)(end - start) + 1);
    assert_non_null(hex);
    size_t n = 0;
    for (const char *q = start; q < end; q++)
        if (*q != '\n')
            hex[n++] = *q;
    assert_ok(altroot_hex_decode(hex, out));
    free(hex);
}

/* The certificate docs/evidence.md shows, byte for byte, still decodes and verifies: with its PAA
 * and CD signer as the only anchors, at its issue time, it is a genuine Matter device
 * (attested, rule 6), and its evidence has the members the document lists. */
static void documented_example_verifies(void **state)
{
    (void)state;
    const char *out = getenv("ALTROOT_EVIDENCE_EXAMPLE");
    if (out != NULL)
        write_example(out);
    altroot_bytes doc = ALTROOT_BYTES_INIT, leaf = ALTROOT_BYTES_INIT, paa = ALTROOT_BYTES_INIT,
                  cds = ALTROOT_BYTES_INIT;
    assert_ok(altroot_bytes_read_file(&doc, ALTROOT_DOCS_DIR "/evidence.md", 1 << 20));
    assert_ok(altroot_bytes_append_u8(&doc, 0));
    doc_block((const char *)doc.ptr, "leaf", &leaf);
    doc_block((const char *)doc.ptr, "paa", &paa);
    doc_block((const char *)doc.ptr, "cd-signer", &cds);
    altroot_trust_options o = {NULL, ""};
    altroot_trust_store *st = NULL;
    assert_ok(altroot_trust_store_load(&o, &st));
    assert_ok(
        altroot_trust_store_add(st, ALTROOT_ANCHOR_MATTER_PAA, "doc", altroot_bytes_span(&paa)));
    assert_ok(
        altroot_trust_store_add(st, ALTROOT_ANCHOR_MATTER_CD, "doc", altroot_bytes_span(&cds)));
    altroot_cert *cert = NULL;
    assert_ok(altroot_cert_from_der(altroot_bytes_span(&leaf), &cert));
    bool crit = true;
    altroot_span ev;
    assert_ok(altroot_cert_extension(cert, ALTROOT_OID_EVIDENCE, &crit, &ev));
    assert_false(crit);
    altroot_evidence d;
    assert_ok(altroot_evidence_decode(ev, &d, NULL, 0));
    assert_true(d.matter.present && !d.fdo.present && !d.devid.present && !d.mud.present);
    static const char *const labels[] = {"cd", "dac", "pai", "binding"};
    assert_int_equal(d.matter.members.count, 4);
    for (size_t i = 0; i < 4; i++)
        assert_true(
            altroot_span_equal(d.matter.members.item[i].label,
                               (altroot_span){(const uint8_t *)labels[i], strlen(labels[i])}));
    altroot_certs *chain = chain_of(cert, NULL);
    altroot_verdict v;
    altroot_verdict_init(&v);
    assert_ok(altroot_evaluate_chain(chain, "device.home.arpa", st, NOW, &v));
    assert_int_equal(root(&v, "matter")->status, ALTROOT_ROOT_VERIFIED);
    assert_int_equal(v.decision, ALTROOT_DECISION_ATTESTED);
    assert_int_equal(v.rule, 6);
    altroot_verdict_clear(&v);
    altroot_certs_free(chain);
    altroot_cert_free(cert);
    altroot_trust_store_free(st);
    altroot_bytes *all[] = {&doc, &leaf, &paa, &cds};
    for (size_t i = 0; i < 4; i++)
        altroot_bytes_clear(all[i]);
}

/* ---- primary integration ---- */

static void eval_chain(altroot_certs *chain, const char *host, altroot_verdict *v)
{
    altroot_verdict_init(v);
    assert_ok(altroot_evaluate_chain(chain, host, F.store, NOW, v));
}

static altroot_certs *noc_chain(const altroot_matter_op_fabric *f, bool with_rcac)
{
    altroot_certs *c = NULL;
    assert_ok(altroot_certs_new(&c));
    assert_ok(altroot_matter_op_chain_der(altroot_bytes_span(&f->noc_tlv),
                                          altroot_bytes_span(&f->icac_tlv),
                                          altroot_bytes_span(&f->rcac_tlv), c));
    if (!with_rcac) {
        altroot_certs *two = chain_of(altroot_certs_get(c, 0), altroot_certs_get(c, 1));
        altroot_certs_free(c);
        c = two;
    }
    return c;
}

static void matter_primary(void **state)
{
    (void)state;
    char host[80];
    snprintf(host, sizeof host, "%s.local", instance_name());
    altroot_verdict v;
    for (int with_rcac = 0; with_rcac < 2; with_rcac++) {
        altroot_certs *c = noc_chain(&F.fab, with_rcac != 0);
        eval_chain(c, host, &v);
        const altroot_root_result *r = root(&v, "matter");
        assert_int_equal(r->mode, ALTROOT_MODE_PRIMARY);
        assert_true(r->ownership);
        assert_int_equal(v.decision, ALTROOT_DECISION_TRUSTED);
        assert_int_equal(v.rule, 3);
        assert_string_equal(v.name.method, "operational-instance-name");
        altroot_verdict_clear(&v);
        /* wrong name: ownership, but the name is not bound */
        eval_chain(c, "printer.local", &v);
        assert_int_equal(v.decision, ALTROOT_DECISION_UNTRUSTED);
        assert_int_equal(v.rule, 7);
        assert_false(v.name.bound);
        altroot_verdict_clear(&v);
        altroot_certs_free(c);
    }
    /* wrong fabric: a sound chain under an RCAC you do not hold is not tampering */
    altroot_certs *c = noc_chain(&F.fab2, true);
    eval_chain(c, host, &v);
    assert_int_equal(v.decision, ALTROOT_DECISION_UNTRUSTED);
    assert_int_equal(v.rule, 7);
    assert_true(altroot_failures_has(&v.failures, ALTROOT_E_MATTER_FABRIC_NOT_TRUSTED));
    altroot_verdict_clear(&v);
    altroot_certs_free(c);
}

static void devid_primary(void **state)
{
    (void)state;
    altroot_verdict v;
    eval_chain(F.ldevid_chain, "device.home.arpa", &v);
    assert_int_equal(root(&v, "devid")->mode, ALTROOT_MODE_PRIMARY);
    assert_int_equal(v.decision, ALTROOT_DECISION_TRUSTED);
    assert_int_equal(v.rule, 3);
    assert_string_equal(v.name.by, "devid");
    altroot_verdict_clear(&v);
    eval_chain(F.ldevid_chain, "other.home.arpa", &v); /* wrong name */
    assert_int_equal(v.rule, 7);
    altroot_verdict_clear(&v);
    eval_chain(F.ldevid2_chain, "device.home.arpa", &v); /* wrong anchor */
    assert_int_equal(v.decision, ALTROOT_DECISION_UNTRUSTED);
    assert_int_equal(v.rule, 7);
    for (size_t i = 0; i < v.root_count; i++)
        assert_string_not_equal(v.roots[i].root, "devid");
    altroot_verdict_clear(&v);
    eval_chain(F.idevid_chain, "device.home.arpa", &v); /* IDevID: attestation only */
    assert_int_equal(v.decision, ALTROOT_DECISION_ATTESTED);
    assert_int_equal(v.rule, 6);
    altroot_verdict_clear(&v);
}

static void fdo_primary(void **state)
{
    (void)state;
    altroot_device_cert_params p = params();
    altroot_certs *chain = NULL;
    altroot_key *key = NULL;
    assert_ok(altroot_device_fdo_owner_cert(F.owner_key, &p, &chain, &key));
    altroot_verdict v;
    eval_chain(chain, "device.home.arpa", &v);
    assert_int_equal(root(&v, "fdo")->mode, ALTROOT_MODE_PRIMARY);
    assert_int_equal(v.decision, ALTROOT_DECISION_TRUSTED);
    assert_int_equal(v.rule, 3);
    altroot_verdict_clear(&v);
    eval_chain(chain, "other.home.arpa", &v); /* wrong name */
    assert_int_equal(v.rule, 7);
    assert_true(root(&v, "fdo")->ownership);
    altroot_verdict_clear(&v);
    altroot_certs_free(chain);
    altroot_key_free(key);
    assert_ok(altroot_device_fdo_owner_cert(F.owner2_key, &p, &chain, &key)); /* not your key */
    eval_chain(chain, "device.home.arpa", &v);
    assert_int_equal(v.rule, 7);
    for (size_t i = 0; i < v.root_count; i++)
        assert_string_not_equal(v.roots[i].root, "fdo");
    altroot_verdict_clear(&v);
    altroot_certs_free(chain);
    altroot_key_free(key);
}

/* ---- the TLS leaf's own validity, on every path ---- */

static void assert_leaf_fails(const altroot_verdict *v, altroot_err code)
{
    assert_tampered(v, code);
    assert_false(v->name.bound);
    bool leaf = false; /* the code given for the leaf itself, whatever else a root says */
    for (size_t i = 0; i < v->failures.count; i++)
        leaf = leaf || (v->failures.items[i].code == code &&
                        strstr(v->failures.items[i].where, "tls-chain[0]") != NULL);
    assert_true(leaf);
    for (size_t i = 0; i < v->root_count; i++)
        assert_false(v->roots[i].status == ALTROOT_ROOT_VERIFIED &&
                     (v->roots[i].attestation || v->roots[i].ownership));
}

/* A leaf past its notAfter (nine days, as a retired certificate whose key leaked) or before its
 * notBefore proves nothing, whatever its evidence or chain says: bindings without `exp` do not
 * outlive the certificate that carries them. */
static void the_leaf_validity_counts_on_every_path(void **state)
{
    (void)state;
    char host[80];
    snprintf(host, sizeof host, "%s.local", instance_name());
    altroot_device_creds c[4];
    each_root_creds(c);
    for (size_t i = 0; i < 4; i++) {
        altroot_device_cert_params p = params();
        p.not_before = NOW - 40LL * DAY;
        p.not_after = NOW - 9LL * DAY;
        p.iat = NOW - 40LL * DAY;
        altroot_verdict v;
        evaluate(&c[i], &p, i == 0 ? host : "device.home.arpa", &v);
        assert_leaf_fails(&v, ALTROOT_E_CERT_EXPIRED);
        altroot_verdict_clear(&v);
        p = params();
        p.not_before = NOW + DAY;
        evaluate(&c[i], &p, i == 0 ? host : "device.home.arpa", &v);
        assert_leaf_fails(&v, ALTROOT_E_CERT_NOT_YET_VALID);
        altroot_verdict_clear(&v);
    }
    /* Primary Matter: the NOC is the leaf; one second past its notAfter. */
    altroot_certs *chain = noc_chain(&F.fab, true);
    altroot_time nb = 0, na = 0;
    assert_ok(altroot_cert_validity(altroot_certs_get(chain, 0), &nb, &na));
    altroot_verdict v;
    altroot_verdict_init(&v);
    assert_ok(altroot_evaluate_chain(chain, host, F.store, na + 1, &v));
    assert_leaf_fails(&v, ALTROOT_E_CERT_EXPIRED);
    altroot_verdict_clear(&v);
    altroot_certs_free(chain);
    /* Primary 802.1AR: an LDevID one second before its notBefore. */
    assert_ok(altroot_cert_validity(altroot_certs_get(F.ldevid_chain, 0), &nb, &na));
    altroot_verdict_init(&v);
    assert_ok(altroot_evaluate_chain(F.ldevid_chain, "device.home.arpa", F.store, nb - 1, &v));
    assert_leaf_fails(&v, ALTROOT_E_CERT_NOT_YET_VALID);
    altroot_verdict_clear(&v);
    /* Primary FDO: an owner-issued leaf that has expired. */
    altroot_device_cert_params p = params();
    p.not_before = NOW - 40LL * DAY;
    p.not_after = NOW - 9LL * DAY;
    altroot_key *key = NULL;
    assert_ok(altroot_device_fdo_owner_cert(F.owner_key, &p, &chain, &key));
    eval_chain(chain, "device.home.arpa", &v);
    assert_leaf_fails(&v, ALTROOT_E_CERT_EXPIRED);
    altroot_verdict_clear(&v);
    altroot_certs_free(chain);
    altroot_key_free(key);
}

/* ---- allocation failures ---- */

static void alloc_sweep(const altroot_device_creds *c, altroot_decision expected)
{
    altroot_certs *chain = NULL;
    altroot_key *key = NULL;
    altroot_device_cert_params p = params();
    assert_ok(altroot_device_cert_build(c, &p, &chain, &key));
    testutil_install_allocator();
    bool completed = false;
    for (long n = 1; n < 20000 && !completed; n++) {
        altroot_verdict v;
        altroot_verdict_init(&v);
        testutil_fail_after(n);
        altroot_err e = altroot_evaluate_chain(chain, "device.home.arpa", F.store, NOW, &v);
        bool failed = testutil_alloc_failed() != 0;
        testutil_fail_after(0);
        if (!failed) {
            assert_ok(e);
            assert_int_equal(v.decision, expected);
            completed = true;
        } else if (e == ALTROOT_OK) {
            /* Fail closed: an allocation failure never gives more than the real answer. */
            assert_true(v.decision == expected || v.decision == ALTROOT_DECISION_UNTRUSTED);
        }
        altroot_verdict_clear(&v);
    }
    assert_true(completed);
    altroot_certs_free(chain);
    altroot_key_free(key);
}

static void evidence_verifier_survives_allocation_failures(void **state)
{
    (void)state;
    altroot_device_creds c = matter_creds(false);
    alloc_sweep(&c, ALTROOT_DECISION_ATTESTED);
    c = fdo_creds();
    alloc_sweep(&c, ALTROOT_DECISION_ATTESTED);
    c = devid_creds(true, true);
    alloc_sweep(&c, ALTROOT_DECISION_TRUSTED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(matter_dac_evidence_attests_a_self_signed_device),
        cmocka_unit_test(matter_noc_evidence_proves_ownership_and_binds_instance_name),
        cmocka_unit_test(fdo_evidence_proves_attestation_and_ownership),
        cmocka_unit_test(devid_evidence_with_ldevid_binds_san),
        cmocka_unit_test(devid_anchor_kinds_are_separate),
        cmocka_unit_test(fdo_evidence_of_another_owner_attests),
        cmocka_unit_test(mud_alone_attests_nothing),
        cmocka_unit_test(binding_to_another_key_fails_every_root),
        cmocka_unit_test(expired_and_future_bindings_fail),
        cmocka_unit_test(far_future_iat_before_1970_fails),
        cmocka_unit_test(copied_evidence_fails),
        cmocka_unit_test(forged_cd_truncated_voucher_wrong_mud_signer_fail),
        cmocka_unit_test(identity_mismatch_fails),
        cmocka_unit_test(extension_twice_critical_or_old_oid),
        cmocka_unit_test(members_are_bound_together),
        cmocka_unit_test(every_byte_of_matter_evidence_is_checked),
        cmocka_unit_test(every_byte_of_fdo_evidence_is_checked),
        cmocka_unit_test(every_byte_of_devid_and_mud_evidence_is_checked),
        cmocka_unit_test(oversize_and_malformed_evidence_is_rejected),
        cmocka_unit_test(decoder_is_strict),
        cmocka_unit_test(claims_decoder_is_strict),
        cmocka_unit_test(documented_example_verifies),
        cmocka_unit_test(matter_primary),
        cmocka_unit_test(devid_primary),
        cmocka_unit_test(fdo_primary),
        cmocka_unit_test(the_leaf_validity_counts_on_every_path),
        cmocka_unit_test(evidence_verifier_survives_allocation_failures),
    };
    /* EVIDENCE_TEST=pattern runs only the matching tests (debugging under sanitizers). */
    if (getenv("EVIDENCE_TEST") != NULL)
        cmocka_set_test_filter(getenv("EVIDENCE_TEST"));
    return cmocka_run_group_tests(tests, setup, teardown);
}
