/*
 * Verification cost per root of trust, each item against plain OpenSSL doing the same work where
 * OpenSSL can (chains, CMS), both sides from the same DER bytes, and against the floor: as many
 * ECDSA P-256 verifications, with keys already parsed, as the crypto layer's signature counter
 * says one altroot verification made. Rounds are interleaved; wall and thread CPU time.
 *   - 802.1AR: an IDevID under an issuing CA under the maker's root (altroot_devid_verify);
 *   - Matter ownership: a NOC -> ICAC -> RCAC chain as a TLS chain (primary integration);
 *   - FDO: vouchers of 1, 5 and 20 entries (no OpenSSL equivalent: COSE over CBOR);
 *   - MUD: a MUD file and its detached CMS signature (OpenSSL: CMS_verify with the chain);
 *   - secondary integration: a device certificate carrying Matter evidence (DAC chain, CD and
 *     binding), the whole connection verdict (altroot_evaluate_chain).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/cms.h>

#include "bench.h"

#define NOW BENCH_NOW
#define DAY BENCH_DAY

static altroot_trust_store *empty_store(void)
{
    altroot_trust_options o = {NULL, ""};
    altroot_trust_store *s = NULL;
    return bench_check(altroot_trust_store_load(&o, &s), "store") ? s : NULL;
}

static int add_anchor(altroot_trust_store *s, altroot_anchor_kind kind, altroot_span der)
{
    return s != NULL && bench_check(altroot_trust_store_add(s, kind, "bench", der), "anchor");
}

static altroot_key *new_key(void)
{
    altroot_key *k = NULL;
    return bench_check(altroot_key_generate(ALTROOT_KEY_EC_P256, &k), "key") ? k : NULL;
}

/* OpenSSL's X509_verify_cert of leaf + intermediates (parsed from DER each time, as a client
 * receives them) to a store, at NOW. */
typedef struct ossl_chain {
    X509_STORE *store;
    altroot_span der[4];
    int count;
} ossl_chain;

static int ossl_chain_make(ossl_chain *o, const altroot_cert *anchor)
{
    o->store = X509_STORE_new();
    X509 *a = bench_to_x509(anchor);
    int ok = o->store != NULL && a != NULL && X509_STORE_add_cert(o->store, a) == 1;
    X509_free(a);
    return ok;
}

static void ossl_chain_run(void *arg)
{
    ossl_chain *o = arg;
    X509 *leaf = NULL;
    STACK_OF(X509) *rest = sk_X509_new_null();
    for (int i = 0; i < o->count; i++) {
        const unsigned char *p = o->der[i].ptr;
        X509 *x = d2i_X509(NULL, &p, (long)o->der[i].len);
        if (x == NULL)
            bench_fail(__func__);
        if (i == 0)
            leaf = x;
        else
            sk_X509_push(rest, x);
    }
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    X509_STORE_CTX_init(ctx, o->store, leaf, rest);
    X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx), (time_t)NOW);
    X509_VERIFY_PARAM_set_flags(X509_STORE_CTX_get0_param(ctx), X509_V_FLAG_X509_STRICT);
    if (X509_verify_cert(ctx) != 1)
        bench_fail(__func__);
    X509_STORE_CTX_free(ctx);
    sk_X509_pop_free(rest, X509_free);
    X509_free(leaf);
}

/* ---- 802.1AR ---- */

typedef struct devid_fx {
    altroot_key *root_key, *ca_key, *dev_key;
    altroot_cert *root, *ca, *idevid;
    altroot_certs *chain;
    altroot_trust_store *store;
    ossl_chain ossl;
} devid_fx;

static int devid_make(devid_fx *f)
{
    memset(f, 0, sizeof *f);
    f->root_key = new_key();
    f->ca_key = new_key();
    f->dev_key = new_key();
    altroot_devid_mint_params p = {.organization = "Bench Maker",
                                   .common_name = "Bench Device",
                                   .serial = "SN-000001",
                                   .hw_type = "1.3.6.1.4.1.6175.10.1",
                                   .not_before = NOW - DAY,
                                   .not_after = ALTROOT_TIME_NO_EXPIRY};
    int ok =
        f->root_key != NULL && f->ca_key != NULL && f->dev_key != NULL &&
        bench_check(altroot_devid_mint_ca("Bench Maker", "Bench Root CA", 1, NOW - DAY, f->root_key,
                                          NULL, NULL, &f->root),
                    "root") &&
        bench_check(altroot_devid_mint_ca("Bench Maker", "Bench Issuing CA", 0, NOW - DAY,
                                          f->ca_key, f->root, f->root_key, &f->ca),
                    "ca") &&
        bench_check(altroot_devid_mint(&p, f->dev_key, f->ca, f->ca_key, &f->idevid), "idevid") &&
        bench_check(altroot_certs_new(&f->chain), "chain") &&
        bench_check(altroot_certs_push(f->chain, f->ca), "push");
    f->store = empty_store();
    ok = ok && add_anchor(f->store, ALTROOT_ANCHOR_DEVID_CA, altroot_cert_der(f->root));
    f->ossl.der[0] = altroot_cert_der(f->idevid);
    f->ossl.der[1] = altroot_cert_der(f->ca);
    f->ossl.count = 2;
    return ok && ossl_chain_make(&f->ossl, f->root);
}

/* Certificates parsed from their DER bytes, as the OpenSSL baselines parse theirs each time. */
static altroot_certs *certs_from_der(const altroot_span *der, int count)
{
    altroot_certs *chain = NULL;
    if (altroot_certs_new(&chain) != ALTROOT_OK)
        bench_fail("altroot_certs_new");
    for (int i = 0; i < count; i++) {
        altroot_cert *c = NULL;
        if (altroot_cert_from_der(der[i], &c) != ALTROOT_OK ||
            altroot_certs_push(chain, c) != ALTROOT_OK)
            bench_fail("altroot_cert_from_der");
        altroot_cert_free(c);
    }
    return chain;
}

static void devid_ours(void *arg)
{
    devid_fx *f = arg;
    altroot_certs *chain = certs_from_der(&f->ossl.der[1], 1); /* the issuing CA */
    altroot_devid_params p = {.cert = f->ossl.der[0], .chain = chain, .store = f->store, .at = NOW};
    altroot_devid_result r;
    if (altroot_devid_verify(&p, &r) != ALTROOT_OK || !r.verified)
        bench_fail(__func__);
    altroot_devid_result_clear(&r);
    altroot_certs_free(chain);
}

/* ---- Matter NOC chain (primary integration) ---- */

typedef struct noc_fx {
    altroot_matter_op_fabric fab;
    altroot_certs *chain;
    altroot_trust_store *store;
    altroot_cert *rcac;
    ossl_chain ossl;
} noc_fx;

static int noc_make(noc_fx *f)
{
    memset(f, 0, sizeof *f);
    altroot_matter_op_mint_params p = {.fabric_id = 0xFAB000000000001DULL,
                                       .node_id = 0xDEDEDEDE00010001ULL,
                                       .rcac_id = 0xCACACACA00000001ULL,
                                       .icac_id = 0xCACACACA00000002ULL,
                                       .with_icac = true,
                                       .not_before = NOW - DAY,
                                       .not_after = NOW + 3650 * (altroot_time)DAY};
    int ok =
        bench_check(altroot_matter_op_fabric_mint(&p, &f->fab), "fabric") &&
        bench_check(altroot_certs_new(&f->chain), "chain") &&
        bench_check(altroot_matter_op_chain_der(altroot_bytes_span(&f->fab.noc_tlv),
                                                altroot_bytes_span(&f->fab.icac_tlv),
                                                altroot_bytes_span(&f->fab.rcac_tlv), f->chain),
                    "chain der") &&
        bench_check(altroot_cert_from_der(altroot_bytes_span(&f->fab.rcac_der), &f->rcac), "rcac");
    f->store = empty_store();
    ok = ok && add_anchor(f->store, ALTROOT_ANCHOR_MATTER_FABRIC, altroot_cert_der(f->rcac));
    f->ossl.der[0] = altroot_bytes_span(&f->fab.noc_der);
    f->ossl.der[1] = altroot_bytes_span(&f->fab.icac_der);
    f->ossl.count = 2;
    return ok && ossl_chain_make(&f->ossl, f->rcac);
}

/* The whole connection verdict for a chain given as DER bytes, as a client computes it after a
 * handshake (parsing included, as in the OpenSSL baseline). */
typedef struct verdict_arg {
    altroot_span der[4];
    int count;
    const altroot_trust_store *store;
    const char *root; /* the root that must verify */
} verdict_arg;

static verdict_arg verdict_of(const altroot_certs *chain, const altroot_trust_store *store)
{
    verdict_arg a = {.store = store, .root = "matter"};
    for (size_t i = 0; i < altroot_certs_count(chain) && i < 4; i++)
        a.der[a.count++] = altroot_cert_der(altroot_certs_get(chain, i));
    return a;
}

static void verdict_run(void *arg)
{
    verdict_arg *a = arg;
    altroot_verdict v;
    altroot_verdict_init(&v);
    altroot_certs *chain = certs_from_der(a->der, a->count);
    if (altroot_evaluate_chain(chain, "127.0.0.1", a->store, NOW, &v) != ALTROOT_OK)
        bench_fail(__func__);
    altroot_certs_free(chain);
    bool verified = false;
    for (size_t i = 0; i < v.root_count; i++)
        verified |=
            strcmp(v.roots[i].root, a->root) == 0 && v.roots[i].status == ALTROOT_ROOT_VERIFIED;
    if (!verified)
        bench_fail(__func__);
    altroot_verdict_clear(&v);
}

/* ---- FDO ---- */

typedef struct fdo_fx {
    altroot_key *mfr_key, *devca_key, *dev_key, *owner_key;
    altroot_cert *devca, *dev;
    altroot_certs *dev_chain;
    altroot_bytes voucher;
    altroot_trust_store *store;
} fdo_fx;

/* One more owner: the current owner signs an entry for a fresh key, which becomes the owner. */
static int fdo_extend(fdo_fx *f)
{
    altroot_fdo_voucher *v = NULL;
    altroot_key *next = new_key();
    altroot_bytes out = ALTROOT_BYTES_INIT;
    altroot_fdo_extend_params p = {.owner_key = f->owner_key, .next_owner = next};
    int ok =
        next != NULL &&
        bench_check(altroot_fdo_voucher_decode(altroot_bytes_span(&f->voucher), 0, &v, NULL, 0),
                    "decode") &&
        bench_check(altroot_fdo_voucher_extend(v, &p, &out), "extend");
    altroot_fdo_voucher_free(v);
    if (f->owner_key != f->mfr_key)
        altroot_key_free(f->owner_key);
    f->owner_key = next;
    altroot_bytes_clear(&f->voucher);
    f->voucher = out;
    return ok;
}

static int fdo_make(fdo_fx *f, int entries)
{
    memset(f, 0, sizeof *f);
    f->mfr_key = new_key();
    f->devca_key = new_key();
    f->dev_key = new_key();
    altroot_cert_template ca = {.common_name = "Bench Device CA",
                                .is_ca = true,
                                .path_len = 0,
                                .not_before = NOW - DAY,
                                .not_after = ALTROOT_TIME_NO_EXPIRY};
    altroot_cert_template dev = {.common_name = "Bench FDO Device",
                                 .path_len = -1,
                                 .not_before = NOW - DAY,
                                 .not_after = ALTROOT_TIME_NO_EXPIRY};
    static const uint8_t secret[32] = {1};
    int ok = f->mfr_key != NULL && f->devca_key != NULL && f->dev_key != NULL &&
             bench_check(altroot_cert_issue(&ca, f->devca_key, NULL, NULL, &f->devca), "ca") &&
             bench_check(altroot_cert_issue(&dev, f->dev_key, f->devca, f->devca_key, &f->dev),
                         "device") &&
             bench_check(altroot_certs_new(&f->dev_chain), "chain") &&
             bench_check(altroot_certs_push(f->dev_chain, f->dev), "push") &&
             bench_check(altroot_certs_push(f->dev_chain, f->devca), "push");
    altroot_fdo_mint_params p = {.mfr_key = f->mfr_key,
                                 .device_chain = f->dev_chain,
                                 .guid = {0xB1},
                                 .device_info = "bench",
                                 .hmac_secret = {secret, sizeof secret}};
    ok = ok && bench_check(altroot_fdo_voucher_mint(&p, &f->voucher), "mint");
    f->owner_key = f->mfr_key;
    for (int i = 0; ok && i < entries; i++)
        ok = fdo_extend(f);
    /* Ownership counts only for a chain of owners rooted at an fdo-mfr key that signed entry 0
     * (docs/fdo.md): the manufacturer's key is an anchor beside the device CA. */
    altroot_bytes owner = ALTROOT_BYTES_INIT, mfr = ALTROOT_BYTES_INIT;
    f->store = empty_store();
    ok = ok && bench_check(altroot_key_spki_der(f->owner_key, &owner), "owner") &&
         bench_check(altroot_key_spki_der(f->mfr_key, &mfr), "manufacturer") &&
         add_anchor(f->store, ALTROOT_ANCHOR_FDO_MFR, altroot_cert_der(f->devca)) &&
         add_anchor(f->store, ALTROOT_ANCHOR_FDO_MFR, altroot_bytes_span(&mfr)) &&
         add_anchor(f->store, ALTROOT_ANCHOR_FDO_OWNER, altroot_bytes_span(&owner));
    altroot_bytes_clear(&owner);
    altroot_bytes_clear(&mfr);
    return ok;
}

static void fdo_ours(void *arg)
{
    fdo_fx *f = arg;
    altroot_fdo_verify_params p = {.store = f->store, .at = NOW};
    altroot_fdo_result r;
    if (altroot_fdo_verify(altroot_bytes_span(&f->voucher), 0, &p, &r) != ALTROOT_OK ||
        !r.verified || !r.ownership)
        bench_fail(__func__);
    altroot_fdo_result_clear(&r);
}

/* ---- MUD ---- */

#define MUD_URL "https://bench.example/mud/device.json"

typedef struct mud_fx {
    altroot_key *root_key, *signer_key;
    altroot_cert *root, *signer;
    altroot_bytes file, sig;
    altroot_trust_store *store;
    X509_STORE *ossl;
} mud_fx;

static int mud_make(mud_fx *f)
{
    memset(f, 0, sizeof *f);
    f->root_key = new_key();
    f->signer_key = new_key();
    altroot_name_entry cn[] = {{"2.5.4.10", "Bench Maker"}, {"2.5.4.3", "Bench MUD signer"}};
    altroot_bytes subject = ALTROOT_BYTES_INIT;
    int ok = f->root_key != NULL && f->signer_key != NULL &&
             bench_check(altroot_devid_mint_ca("Bench Maker", "Bench MUD Root", 0, NOW - DAY,
                                               f->root_key, NULL, NULL, &f->root),
                         "root") &&
             bench_check(altroot_devid_name_der(cn, 2, &subject), "name") &&
             bench_check(altroot_devid_mint_signer(altroot_bytes_span(&subject),
                                                   ALTROOT_KU_DIGITAL_SIGNATURE, NOW - DAY,
                                                   NOW + 365 * (altroot_time)DAY, f->signer_key,
                                                   f->root, f->root_key, &f->signer),
                         "signer");
    altroot_bytes_clear(&subject);
    altroot_mud_mint_params p = {.mud_url = MUD_URL,
                                 .mfg_name = "Bench Maker",
                                 .model_name = "Bench Model",
                                 .last_update = NOW - DAY,
                                 .signer = f->signer,
                                 .key = f->signer_key};
    ok = ok && bench_check(altroot_mud_mint(&p, &f->file, &f->sig), "mud");
    f->store = empty_store();
    ok = ok && add_anchor(f->store, ALTROOT_ANCHOR_MUD_SIGNER, altroot_cert_der(f->root));
    f->ossl = X509_STORE_new();
    X509 *root = bench_to_x509(f->root);
    ok = ok && f->ossl != NULL && root != NULL && X509_STORE_add_cert(f->ossl, root) == 1;
    X509_free(root);
    if (ok)
        X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(f->ossl), (time_t)NOW);
    return ok;
}

static void mud_ours(void *arg)
{
    mud_fx *f = arg;
    altroot_mud_params p = {.file = altroot_bytes_span(&f->file),
                            .signature = altroot_bytes_span(&f->sig),
                            .store = f->store,
                            .at = NOW,
                            .url = MUD_URL,
                            .url_source = ALTROOT_MUD_URL_NETWORK};
    altroot_mud_result r;
    if (altroot_mud_verify(&p, &r) != ALTROOT_OK || !r.verified)
        bench_fail(__func__);
    altroot_mud_result_clear(&r);
}

/* OpenSSL: parse the CMS, verify the detached signature over the file and the signer's chain.
 * (altroot also checks the JSON against RFC 8520; OpenSSL has nothing to say about it.) */
static void mud_openssl(void *arg)
{
    mud_fx *f = arg;
    const unsigned char *p = f->sig.ptr;
    CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &p, (long)f->sig.len);
    BIO *content = BIO_new_mem_buf(f->file.ptr, (int)f->file.len);
    if (cms == NULL || content == NULL ||
        CMS_verify(cms, NULL, f->ossl, content, NULL, CMS_BINARY | CMS_DETACHED) != 1)
        bench_fail(__func__);
    BIO_free(content);
    CMS_ContentInfo_free(cms);
}

/* ---- secondary integration: a device certificate with Matter evidence ---- */

typedef struct evidence_fx {
    altroot_matter_minted m;
    altroot_certs *chain;
    altroot_key *tls_key;
    altroot_trust_store *store;
} evidence_fx;

static int evidence_make(evidence_fx *f)
{
    memset(f, 0, sizeof *f);
    const char *names[] = {"127.0.0.1"};
    if (!bench_check(altroot_matter_mint(0xFFF1, 0x8000, NOW, ALTROOT_MATTER_FAULT_NONE, &f->m),
                     "matter"))
        return 0;
    altroot_device_creds c = {.matter_dac_key = f->m.dac_key,
                              .matter_dac = altroot_cert_der(f->m.dac),
                              .matter_pai = altroot_cert_der(f->m.pai),
                              .matter_cd = altroot_bytes_span(&f->m.cd)};
    altroot_device_cert_params p = {.names = names,
                                    .name_count = 1,
                                    .not_before = NOW - DAY,
                                    .not_after = NOW + 365 * (altroot_time)DAY,
                                    .iat = NOW - 60};
    f->store = empty_store();
    return bench_check(altroot_device_cert_build(&c, &p, &f->chain, &f->tls_key), "device") &&
           add_anchor(f->store, ALTROOT_ANCHOR_MATTER_PAA, altroot_cert_der(f->m.paa)) &&
           add_anchor(f->store, ALTROOT_ANCHOR_MATTER_CD, altroot_cert_der(f->m.cd_signer));
}

/* ---- main ---- */

static bench_floor floor_fx;

/* The floor for what one call of `fn` verifies: that many ECDSA P-256 verifications, the count
 * taken from the crypto layer's signature counter (every fixture here signs with P-256). */
typedef struct floor_item {
    bench_floor floor;
    char name[64];
} floor_item;

static bench_item floor_for(floor_item *fi, bench_fn fn, void *arg, int iters)
{
    fi->floor = floor_fx;
    fi->floor.count = bench_sigs_of(fn, arg);
    snprintf(fi->name, sizeof fi->name, "%d x ECDSA P-256 verify (floor, counted)",
             fi->floor.count);
    return bench_item_make(fi->name, bench_floor_run, &fi->floor, iters);
}

static void run_devid(int iters, int rounds)
{
    devid_fx f;
    noc_fx n;
    if (!devid_make(&f) || !noc_make(&n))
        exit(1);
    verdict_arg a = verdict_of(n.chain, n.store);
    floor_item fd, fn;
    bench_item it[] = {
        bench_item_make("altroot_devid_verify (IDevID, CA; from DER)", devid_ours, &f, iters),
        bench_item_make("OpenSSL X509_verify_cert, same DER", ossl_chain_run, &f.ossl, iters),
        floor_for(&fd, devid_ours, &f, iters),
        bench_item_make("NOC chain from DER: connection verdict", verdict_run, &a, iters),
        bench_item_make("OpenSSL X509_verify_cert, same DER", ossl_chain_run, &n.ossl, iters),
        floor_for(&fn, verdict_run, &a, iters),
    };
    bench_interleave(it, 6, rounds);
    bench_header("802.1AR IDevID and Matter NOC chains (both sides parse the DER each time)");
    bench_report_items(&it[0], &it[1]);
    bench_report_items(&it[0], &it[2]);
    bench_report_items(&it[3], &it[4]);
    bench_report_items(&it[3], &it[5]);
}

static void run_fdo(int iters, int rounds)
{
    static const int entries[] = {1, 5, 20};
    bench_header("FDO ownership vouchers (no OpenSSL equivalent: COSE_Sign1 over CBOR)");
    for (size_t i = 0; i < sizeof entries / sizeof entries[0]; i++) {
        fdo_fx f;
        if (!fdo_make(&f, entries[i]))
            exit(1);
        char name[64];
        snprintf(name, sizeof name, "altroot_fdo_verify, %d entries", entries[i]);
        int n = entries[i] > 5 ? iters / 4 + 1 : iters;
        floor_item fl;
        bench_item it[] = {bench_item_make(name, fdo_ours, &f, n), floor_for(&fl, fdo_ours, &f, n)};
        bench_interleave(it, 2, rounds);
        bench_report_items(&it[0], &it[1]);
    }
}

static void run_mud_and_evidence(int iters, int rounds)
{
    mud_fx m;
    evidence_fx e;
    if (!mud_make(&m) || !evidence_make(&e))
        exit(1);
    verdict_arg a = verdict_of(e.chain, e.store);
    floor_item fm, fe;
    bench_item it[] = {
        bench_item_make("altroot_mud_verify (RFC 8520 + CMS + chain)", mud_ours, &m, iters),
        bench_item_make("OpenSSL CMS_verify with the chain", mud_openssl, &m, iters),
        floor_for(&fm, mud_ours, &m, iters),
        bench_item_make("evidence from DER: connection verdict", verdict_run, &a, iters),
        floor_for(&fe, verdict_run, &a, iters),
    };
    bench_interleave(it, 5, rounds);
    bench_header("MUD file + signature, and Matter evidence in a device certificate");
    bench_report_items(&it[0], &it[1]);
    bench_report_items(&it[0], &it[2]);
    bench_report_items(&it[3], &it[4]);
}

int main(int argc, char **argv)
{
    int iters = bench_arg(argc, argv, 1, 100), rounds = bench_arg(argc, argv, 2, 11);
    altroot_key *k = new_key();
    if (k == NULL || !bench_floor_make(&floor_fx, k, 1))
        return 1;
    const char *only = argc > 3 ? argv[3] : ""; /* "devid", "fdo" or "mud": one section */
    if (only[0] == '\0' || strcmp(only, "devid") == 0)
        run_devid(iters, rounds);
    if (only[0] == '\0' || strcmp(only, "fdo") == 0)
        run_fdo(iters, rounds);
    if (only[0] == '\0' || strcmp(only, "mud") == 0)
        run_mud_and_evidence(iters, rounds);
    bench_floor_free(&floor_fx);
    altroot_key_free(k);
    return 0;
}
