/*
 * Differential tests: altroot's decisions against plain OpenSSL's on the same inputs.
 *   - X.509 path validation: hundreds of correctly signed chains whose fields vary at random
 *     (CA flags, path lengths, key usages, validity, SANs, name constraints, the presence of an
 *     intermediate), and byte mutations of a valid chain. altroot collects every failure through
 *     a verify callback that continues after errors; whatever it reports, it must never accept a
 *     chain OpenSSL's own default verification rejects, and where it rejects one OpenSSL accepts
 *     the reason must be one of the documented stricter rules (none today).
 *   - CMS: byte mutations of a detached and an encapsulated signature. altroot's signature check
 *     must never pass where OpenSSL's CMS_verify fails; it may refuse more (exactly one
 *     SignerInfo, the detached form expected), and those refusals are counted by reason.
 * The random choices come from a fixed seed, so a failure names a case that can be replayed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "testutil.h"

#define DAY ((altroot_time)86400)
static const altroot_time NOW = 1795849200;
static const char HOST[] = "device.home.arpa";

static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state % n);
}

typedef struct keys {
    altroot_key *root, *mid, *leaf;
} keys;

static void keys_make(keys *k)
{
    assert_ok(altroot_key_generate(ALTROOT_KEY_EC_P256, &k->root));
    assert_ok(altroot_key_generate(ALTROOT_KEY_EC_P256, &k->mid));
    assert_ok(altroot_key_generate(ALTROOT_KEY_EC_P256, &k->leaf));
}

static void keys_free(keys *k)
{
    altroot_key_free(k->root);
    altroot_key_free(k->mid);
    altroot_key_free(k->leaf);
}

/* ---- plain OpenSSL, default verification: no callback ---- */

static X509 *to_x509(altroot_span der)
{
    const unsigned char *p = der.ptr;
    X509 *x = d2i_X509(NULL, &p, (long)der.len);
    if (x != NULL && p != der.ptr + der.len) { /* trailing bytes: not one certificate */
        X509_free(x);
        x = NULL;
    }
    return x;
}

/* 1 verified, 0 rejected (also when a certificate does not parse). */
static int openssl_verdict(altroot_span leaf, const altroot_span *rest, size_t n, altroot_span root)
{
    X509 *l = to_x509(leaf), *r = to_x509(root);
    STACK_OF(X509) *sk = sk_X509_new_null();
    int ok = l != NULL && r != NULL && sk != NULL;
    for (size_t i = 0; ok && i < n; i++) {
        X509 *x = to_x509(rest[i]);
        ok = x != NULL && sk_X509_push(sk, x) > 0;
        if (!ok)
            X509_free(x);
    }
    X509_STORE *store = X509_STORE_new();
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    int verdict = 0;
    if (ok && store != NULL && ctx != NULL && X509_STORE_add_cert(store, r) == 1 &&
        X509_STORE_CTX_init(ctx, store, l, sk) == 1) {
        X509_VERIFY_PARAM *vp = X509_STORE_CTX_get0_param(ctx);
        X509_VERIFY_PARAM_set_time(vp, (time_t)NOW);
        X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_SERVER);
        X509_VERIFY_PARAM_set_hostflags(vp, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS |
                                                X509_CHECK_FLAG_NEVER_CHECK_SUBJECT);
        X509_VERIFY_PARAM_set1_host(vp, HOST, 0);
        verdict = X509_verify_cert(ctx) == 1;
    }
    X509_STORE_CTX_free(ctx);
    X509_STORE_free(store);
    sk_X509_pop_free(sk, X509_free);
    X509_free(l);
    X509_free(r);
    ERR_clear_error();
    return verdict;
}

/* altroot's decision on the same bytes, the way a connection makes it (src/tls/evaluate.c). */
static int our_verdict(altroot_span leaf, const altroot_span *rest, size_t n, altroot_span root,
                       altroot_err *first)
{
    altroot_certs *chain = NULL, *anchors = NULL;
    assert_ok(altroot_certs_new(&chain));
    assert_ok(altroot_certs_new(&anchors));
    *first = ALTROOT_OK;
    altroot_err err = altroot_certs_parse(anchors, root);
    altroot_cert *c = NULL;
    if (err == ALTROOT_OK && (err = altroot_cert_from_der(leaf, &c)) == ALTROOT_OK)
        err = altroot_certs_push(chain, c);
    altroot_cert_free(c);
    for (size_t i = 0; err == ALTROOT_OK && i < n; i++) {
        c = NULL;
        if ((err = altroot_cert_from_der(rest[i], &c)) == ALTROOT_OK)
            err = altroot_certs_push(chain, c);
        altroot_cert_free(c);
    }
    int verdict = 0;
    if (err == ALTROOT_OK) {
        altroot_chain_params p = {.at = NOW, .host = HOST, .purpose = ALTROOT_PURPOSE_TLS_SERVER};
        altroot_chain_result r = {0};
        assert_ok(altroot_chain_verify(chain, anchors, &p, &r));
        verdict = r.verified;
        *first = r.failures.count > 0 ? r.failures.items[0].code : ALTROOT_OK;
        altroot_chain_result_clear(&r);
    } else {
        *first = err;
    }
    altroot_certs_free(chain);
    altroot_certs_free(anchors);
    return verdict;
}

/* ---- structured variations ---- */

static altroot_time pick_validity(altroot_time *not_after)
{
    switch (rnd(8)) {
    case 0: /* expired */
        *not_after = NOW - DAY;
        return NOW - 30 * DAY;
    case 1: /* not yet valid */
        *not_after = NOW + 30 * DAY;
        return NOW + DAY;
    case 2:
        *not_after = ALTROOT_TIME_NO_EXPIRY;
        return NOW - DAY;
    default:
        *not_after = NOW + 30 * DAY;
        return NOW - DAY;
    }
}

static uint32_t pick_ku(bool ca)
{
    static const uint32_t ca_kus[] = {0, 0, ALTROOT_KU_KEY_CERT_SIGN | ALTROOT_KU_CRL_SIGN,
                                      ALTROOT_KU_DIGITAL_SIGNATURE, ALTROOT_KU_CRL_SIGN};
    static const uint32_t ee_kus[] = {0, 0, ALTROOT_KU_DIGITAL_SIGNATURE, ALTROOT_KU_KEY_CERT_SIGN,
                                      ALTROOT_KU_KEY_ENCIPHERMENT};
    return ca ? ca_kus[rnd(5)] : ee_kus[rnd(5)];
}

static void pick_ca(altroot_cert_template *t, const char *cn)
{
    static const char *const constraints[] = {"home.arpa", "example.com"};
    memset(t, 0, sizeof *t);
    t->common_name = cn;
    t->is_ca = rnd(10) != 0;
    t->path_len = (int)rnd(3) - 1;
    t->key_usage = pick_ku(t->is_ca);
    t->not_before = pick_validity(&t->not_after);
    if (rnd(3) == 0) {
        t->permitted_dns = &constraints[rnd(2)];
        t->permitted_dns_count = 1;
    }
}

static void pick_leaf(altroot_cert_template *t)
{
    static const char *const names[] = {"device.home.arpa", "other.example.com", "*.home.arpa",
                                        "DEVICE.home.arpa"};
    memset(t, 0, sizeof *t);
    t->common_name = HOST;
    t->is_ca = rnd(10) == 0;
    t->path_len = -1;
    t->server_auth = rnd(4) != 0;
    t->key_usage = pick_ku(t->is_ca);
    t->not_before = pick_validity(&t->not_after);
    if (rnd(6) != 0) {
        t->dns_names = &names[rnd(4)];
        t->dns_count = 1;
    }
}

typedef struct tally {
    int both_accept, both_reject, only_openssl, only_altroot;
} tally;

static void compare(const char *what, int i, altroot_span leaf, const altroot_span *rest, size_t n,
                    altroot_span root, tally *t)
{
    altroot_err first;
    int ours = our_verdict(leaf, rest, n, root, &first);
    int theirs = openssl_verdict(leaf, rest, n, root);
    if (ours && theirs)
        t->both_accept++;
    else if (!ours && !theirs)
        t->both_reject++;
    else if (ours)
        fail_msg("%s case %d: altroot accepts a chain OpenSSL rejects", what, i);
    else
        fail_msg("%s case %d: altroot rejects (%s) a chain OpenSSL accepts: no documented "
                 "stricter rule covers it",
                 what, i, altroot_error_name(first));
}

static void x509_structured_variations(void **state)
{
    (void)state;
    rng_state = 0x9E3779B97F4A7C15ULL;
    keys k;
    keys_make(&k);
    tally t = {0};
    for (int i = 0; i < 300; i++) {
        altroot_cert_template rt, mt, lt;
        pick_ca(&rt, "Diff Root");
        pick_ca(&mt, "Diff Intermediate");
        pick_leaf(&lt);
        bool with_mid = rnd(2) == 0;
        altroot_cert *root = NULL, *mid = NULL, *leaf = NULL;
        assert_ok(altroot_cert_issue(&rt, k.root, NULL, NULL, &root));
        if (with_mid)
            assert_ok(altroot_cert_issue(&mt, k.mid, root, k.root, &mid));
        assert_ok(altroot_cert_issue(&lt, k.leaf, with_mid ? mid : root, with_mid ? k.mid : k.root,
                                     &leaf));
        altroot_span rest[1] = {with_mid ? altroot_cert_der(mid) : (altroot_span){0}};
        compare("structured", i, altroot_cert_der(leaf), rest, with_mid ? 1 : 0,
                altroot_cert_der(root), &t);
        altroot_cert_free(root);
        altroot_cert_free(mid);
        altroot_cert_free(leaf);
    }
    printf("x509 structured: %d both accept, %d both reject\n", t.both_accept, t.both_reject);
    assert_true(t.both_accept >= 10 && t.both_reject >= 10); /* both outcomes were exercised */
    keys_free(&k);
}

static void x509_byte_mutations(void **state)
{
    (void)state;
    rng_state = 0xD1B54A32D192ED03ULL;
    keys k;
    keys_make(&k);
    altroot_cert_template rt, mt, lt;
    pick_ca(&rt, "Diff Root");
    rt.is_ca = true, rt.path_len = -1, rt.key_usage = 0, rt.permitted_dns_count = 0;
    rt.not_before = NOW - DAY, rt.not_after = NOW + 30 * DAY;
    mt = rt;
    mt.common_name = "Diff Intermediate";
    const char *names[] = {HOST};
    memset(&lt, 0, sizeof lt);
    lt.common_name = HOST, lt.path_len = -1, lt.server_auth = true;
    lt.dns_names = names, lt.dns_count = 1;
    lt.not_before = NOW - DAY, lt.not_after = NOW + 30 * DAY;
    altroot_cert *root = NULL, *mid = NULL, *leaf = NULL;
    assert_ok(altroot_cert_issue(&rt, k.root, NULL, NULL, &root));
    assert_ok(altroot_cert_issue(&mt, k.mid, root, k.root, &mid));
    assert_ok(altroot_cert_issue(&lt, k.leaf, mid, k.mid, &leaf));
    altroot_span l = altroot_cert_der(leaf), m = altroot_cert_der(mid);
    uint8_t *lb = malloc(l.len), *mb = malloc(m.len);
    assert_non_null(lb);
    assert_non_null(mb);
    tally t = {0};
    for (int i = 0; i < 600; i++) {
        memcpy(lb, l.ptr, l.len);
        memcpy(mb, m.ptr, m.len);
        uint8_t *target = rnd(3) == 0 ? mb : lb;
        size_t len = target == mb ? m.len : l.len;
        for (uint32_t f = rnd(3) + 1; f > 0; f--)
            target[rnd((uint32_t)len)] ^= (uint8_t)(1u << rnd(8));
        size_t cut = rnd(20) == 0 ? rnd((uint32_t)len) : len; /* sometimes truncated too */
        altroot_span ls = {lb, target == lb ? cut : l.len};
        altroot_span rest[1] = {{mb, target == mb ? cut : m.len}};
        compare("byte-mutated", i, ls, rest, 1, altroot_cert_der(root), &t);
    }
    printf("x509 mutated: %d both accept, %d both reject\n", t.both_accept, t.both_reject);
    free(lb);
    free(mb);
    altroot_cert_free(root);
    altroot_cert_free(mid);
    altroot_cert_free(leaf);
    keys_free(&k);
}

/* ---- CMS ---- */

typedef struct cms_tally {
    int both_ok, both_fail, altroot_shape; /* altroot refused the structure OpenSSL took */
} cms_tally;

static int openssl_cms(altroot_span cms, bool detached, altroot_span content, X509 *signer)
{
    const unsigned char *p = cms.ptr;
    CMS_ContentInfo *ci = d2i_CMS_ContentInfo(NULL, &p, (long)cms.len);
    /* Behind a null filter, as src/crypto/cms.c does: OpenSSL 3.0's CMS_verify leaks its copy of
     * a memory BIO when the SignedData is malformed. */
    BIO *in = detached
                  ? BIO_push(BIO_new(BIO_f_null()), BIO_new_mem_buf(content.ptr, (int)content.len))
                  : NULL;
    BIO *out = BIO_new(BIO_s_mem());
    STACK_OF(X509) *extra = sk_X509_new_null();
    sk_X509_push(extra, signer);
    int ok = ci != NULL && p == cms.ptr + cms.len &&
             CMS_verify(ci, extra, NULL, in, out, CMS_NO_SIGNER_CERT_VERIFY | CMS_BINARY) == 1;
    sk_X509_free(extra);
    BIO_free(out);
    BIO_free_all(in);
    CMS_ContentInfo_free(ci);
    ERR_clear_error();
    return ok;
}

static void cms_mutations_one(bool detached, cms_tally *t)
{
    static const uint8_t body[] = "{\"ietf-mud:mud\": {\"mud-version\": 1}}";
    altroot_key *key = NULL;
    altroot_cert *signer = NULL;
    altroot_cert_template st = {.common_name = "Diff signer",
                                .path_len = -1,
                                .not_before = NOW - DAY,
                                .not_after = NOW + 30 * DAY};
    assert_ok(altroot_key_generate(ALTROOT_KEY_EC_P256, &key));
    assert_ok(altroot_cert_issue(&st, key, NULL, NULL, &signer));
    altroot_cms_sign_params sp = {
        .content = {body, sizeof body - 1}, .detached = detached, .signer = signer, .key = key};
    altroot_bytes sig = ALTROOT_BYTES_INIT;
    assert_ok(altroot_cms_sign(&sp, &sig));
    altroot_certs *extra = NULL;
    assert_ok(altroot_certs_new(&extra));
    assert_ok(altroot_certs_push(extra, signer));
    X509 *x = to_x509(altroot_cert_der(signer));
    assert_non_null(x);
    uint8_t *buf = malloc(sig.len);
    assert_non_null(buf);
    for (int i = 0; i < 400; i++) {
        memcpy(buf, sig.ptr, sig.len);
        if (i > 0) /* case 0 is the signature as made: both must accept it */
            buf[rnd((uint32_t)sig.len)] ^= (uint8_t)(1u << rnd(8));
        altroot_span s = {buf, sig.len};
        altroot_cms_verify_params vp = {
            .cms = s, .detached = detached, .content = sp.content, .extra = extra, .at = NOW};
        altroot_cms_result r;
        assert_ok(altroot_cms_verify(&vp, &r));
        int theirs = openssl_cms(s, detached, sp.content, x);
        if (r.signature_ok && !theirs)
            fail_msg("cms (%s) case %d: altroot's signature check passed, CMS_verify failed",
                     detached ? "detached" : "encapsulated", i);
        if (i == 0 && !(r.signature_ok && theirs))
            fail_msg("cms: the unmodified signature did not verify on both sides");
        if (r.signature_ok && theirs)
            t->both_ok++;
        else if (!r.signature_ok && !theirs)
            t->both_fail++;
        else if (!r.parsed)
            t->altroot_shape++; /* documented: docs/security.md "Differential tests" */
        else
            fail_msg("cms (%s) case %d: altroot refused a signature CMS_verify accepts",
                     detached ? "detached" : "encapsulated", i);
        altroot_cms_result_clear(&r);
    }
    free(buf);
    X509_free(x);
    altroot_certs_free(extra);
    altroot_bytes_clear(&sig);
    altroot_cert_free(signer);
    altroot_key_free(key);
}

static void cms_byte_mutations(void **state)
{
    (void)state;
    rng_state = 0x2545F4914F6CDD1DULL;
    cms_tally t = {0};
    cms_mutations_one(true, &t);
    cms_mutations_one(false, &t);
    printf("cms mutated: %d both verify, %d both fail, %d refused by altroot's shape rules\n",
           t.both_ok, t.both_fail, t.altroot_shape);
    assert_true(t.both_ok >= 2 && t.both_fail >= 100);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(x509_structured_variations),
        cmocka_unit_test(x509_byte_mutations),
        cmocka_unit_test(cms_byte_mutations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
