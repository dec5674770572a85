/*
 * Matter attestation cost: altroot's full DAC chain + CD verification against the same work done
 * with plain OpenSSL calls (X509_verify_cert over the same chain, CMS_verify of the same CD), both
 * from the same DER bytes, and against the floor: as many ECDSA P-256 verifications as altroot's
 * crypto layer counts in one verification. Rounds are interleaved; wall and thread CPU time.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <altroot/matter.h>

#include "bench.h"

#define DAY BENCH_DAY
#define NOW BENCH_NOW

typedef struct fixture {
    altroot_key *paa_key, *pai_key, *dac_key, *cd_key;
    altroot_cert *paa, *pai, *dac, *cd_cert;
    altroot_bytes cd;
    altroot_trust_store *store;
    /* OpenSSL side */
    X509_STORE *ossl_store;
    X509 *ossl_cd_cert;
    EVP_PKEY *ossl_pai_pub;
} fixture;

static altroot_cert *mint(const char *cn, const char *vid, const char *pid, bool ca, int pathlen,
                          const altroot_key *key, const altroot_cert *issuer,
                          const altroot_key *ikey)
{
    altroot_name_entry a[2] = {{"1.3.6.1.4.1.37244.2.1", vid}, {"1.3.6.1.4.1.37244.2.2", pid}};
    altroot_cert_template t = {.common_name = cn,
                               .subject_attrs = a,
                               .subject_attr_count = vid == NULL   ? 0
                                                     : pid == NULL ? 1
                                                                   : 2,
                               .is_ca = ca,
                               .path_len = pathlen,
                               .not_before = NOW - DAY,
                               .not_after = ALTROOT_TIME_NO_EXPIRY};
    altroot_cert *c = NULL;
    return bench_check(altroot_cert_issue(&t, key, issuer, ikey, &c), cn) ? c : NULL;
}

static int make(fixture *f)
{
    memset(f, 0, sizeof *f);
    if (!bench_check(altroot_key_generate(ALTROOT_KEY_EC_P256, &f->paa_key), "key") ||
        !bench_check(altroot_key_generate(ALTROOT_KEY_EC_P256, &f->pai_key), "key") ||
        !bench_check(altroot_key_generate(ALTROOT_KEY_EC_P256, &f->dac_key), "key") ||
        !bench_check(altroot_key_generate(ALTROOT_KEY_EC_P256, &f->cd_key), "key"))
        return 0;
    f->paa = mint("Bench PAA", "FFF1", NULL, true, 1, f->paa_key, NULL, NULL);
    f->pai = mint("Bench PAI", "FFF1", NULL, true, 0, f->pai_key, f->paa, f->paa_key);
    f->dac = mint("Bench DAC", "FFF1", "8000", false, -1, f->dac_key, f->pai, f->pai_key);
    f->cd_cert = mint("Bench CD signer", NULL, NULL, false, -1, f->cd_key, NULL, NULL);
    if (f->paa == NULL || f->pai == NULL || f->dac == NULL || f->cd_cert == NULL)
        return 0;
    altroot_matter_cd cd;
    memset(&cd, 0, sizeof cd);
    cd.format_version = 1;
    cd.vendor_id = 0xFFF1;
    cd.product_ids[0] = 0x8000;
    cd.product_id_count = 1;
    memcpy(cd.certificate_id, "ZIG20141ZB330001-24", 19);
    altroot_bytes content = ALTROOT_BYTES_INIT;
    altroot_cert_info ci;
    altroot_trust_options o = {NULL, ""};
    int ok = bench_check(altroot_matter_cd_encode(&cd, &content), "cd") &&
             bench_check(altroot_cert_get_info(f->cd_cert, &ci), "info") &&
             bench_check(altroot_matter_cd_sign(altroot_bytes_span(&content), f->cd_key,
                                                (altroot_span){ci.skid, ci.skid_len}, &f->cd),
                         "sign") &&
             bench_check(altroot_trust_store_load(&o, &f->store), "store") &&
             bench_check(altroot_trust_store_add(f->store, ALTROOT_ANCHOR_MATTER_PAA, "paa",
                                                 altroot_cert_der(f->paa)),
                         "paa") &&
             bench_check(altroot_trust_store_add(f->store, ALTROOT_ANCHOR_MATTER_CD, "cd",
                                                 altroot_cert_der(f->cd_cert)),
                         "cd key");
    altroot_bytes_clear(&content);
    f->ossl_store = X509_STORE_new();
    X509 *paa = bench_to_x509(f->paa), *pai = bench_to_x509(f->pai);
    X509_STORE_add_cert(f->ossl_store, paa);
    f->ossl_cd_cert = bench_to_x509(f->cd_cert);
    f->ossl_pai_pub = X509_get_pubkey(pai);
    X509_free(paa);
    X509_free(pai);
    return ok && f->ossl_cd_cert != NULL && f->ossl_pai_pub != NULL;
}

static void ours(void *arg)
{
    fixture *f = arg;
    altroot_matter_attestation_input in = {.dac = altroot_cert_der(f->dac),
                                           .pai = altroot_cert_der(f->pai),
                                           .cd = altroot_bytes_span(&f->cd),
                                           .store = f->store,
                                           .at = NOW,
                                           .has_basic_info = true,
                                           .basic_vid = 0xFFF1,
                                           .basic_pid = 0x8000};
    altroot_matter_attestation a;
    if (altroot_matter_verify_attestation(&in, &a) != ALTROOT_OK || !a.verified)
        bench_fail(__func__);
    altroot_matter_attestation_clear(&a);
}

/* The same work with OpenSSL: parse both certificates, verify the chain to the PAA at the DAC's
 * issuance, parse and verify the CD's CMS signature. */
static void baseline(void *arg)
{
    fixture *f = arg;
    X509 *dac = bench_to_x509(f->dac), *pai = bench_to_x509(f->pai);
    STACK_OF(X509) *untrusted = sk_X509_new_null();
    sk_X509_push(untrusted, pai);
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    X509_STORE_CTX_init(ctx, f->ossl_store, dac, untrusted);
    X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx), (time_t)(NOW - DAY));
    X509_VERIFY_PARAM_set_flags(X509_STORE_CTX_get0_param(ctx), X509_V_FLAG_X509_STRICT);
    int chain_ok = X509_verify_cert(ctx);
    BIO *in = BIO_new_mem_buf(f->cd.ptr, (int)f->cd.len);
    CMS_ContentInfo *cms = d2i_CMS_bio(in, NULL);
    STACK_OF(X509) *signers = sk_X509_new_null();
    sk_X509_push(signers, f->ossl_cd_cert);
    BIO *out = BIO_new(BIO_s_mem());
    int cms_ok = cms != NULL && CMS_verify(cms, signers, NULL, NULL, out,
                                           CMS_NO_SIGNER_CERT_VERIFY | CMS_BINARY) == 1;
    if (chain_ok != 1 || !cms_ok)
        bench_fail(__func__);
    BIO_free(out);
    sk_X509_free(signers);
    CMS_ContentInfo_free(cms);
    BIO_free(in);
    X509_STORE_CTX_free(ctx);
    sk_X509_free(untrusted);
    X509_free(dac);
    X509_free(pai);
}

int main(int argc, char **argv)
{
    int iters = bench_arg(argc, argv, 1, 200), rounds = bench_arg(argc, argv, 2, 15);
    fixture f;
    bench_floor fa;
    if (!make(&f) || !bench_floor_make(&fa, f.dac_key, 1))
        return 1;
    fa.count = bench_sigs_of(ours, &f); /* what altroot verifies, counted by the crypto layer */
    char floor_name[64];
    snprintf(floor_name, sizeof floor_name, "%d x ECDSA P-256 verify (floor, counted)", fa.count);
    bench_item it[] = {
        bench_item_make("altroot_matter_verify_attestation", ours, &f, iters),
        bench_item_make("OpenSSL X509_verify_cert + CMS_verify", baseline, &f, iters),
        bench_item_make(floor_name, bench_floor_run, &fa, iters),
    };
    bench_interleave(it, 3, rounds);
    bench_header("Matter attestation: DAC -> PAI -> PAA chain + Certification Declaration "
                 "(both from DER)");
    bench_report_items(&it[0], &it[1]);
    bench_report_items(&it[0], &it[2]);
    bench_report_items(&it[1], &it[2]);
    bench_floor_free(&fa);
    return 0;
}
