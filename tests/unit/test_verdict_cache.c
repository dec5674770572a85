/* The verdict cache: reuse only for the same bytes, host, mode and store generation, within the
 * time window, never back in time or past any expiry the evaluation checked (the presented
 * certificates', the evidence's binding exp and DAC); eviction; failures. */
#include <stdlib.h>
#include <string.h>

#include <altroot/evidence.h>
#include <altroot/matter.h>

#include "testutil.h"

#define DAY ((altroot_time)86400)
static const altroot_time NOW = 1827000000; /* 2027-11-23, inside the fixtures' validity */

typedef struct fixture {
    altroot_trust_store *store;
    altroot_certs *chain, *other;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    altroot_trust_options o = {.dir = NULL, .webpki_bundle = ""};
    altroot_bytes ca = ALTROOT_BYTES_INIT;
    assert_ok(altroot_trust_store_load(&o, &f->store));
    assert_ok(altroot_bytes_read_file(&ca, testutil_data("tls/local-ca.pem"), 1 << 16));
    assert_ok(
        altroot_trust_store_add(f->store, ALTROOT_ANCHOR_LOCAL_CA, "ca", altroot_bytes_span(&ca)));
    altroot_bytes_clear(&ca);
    assert_ok(altroot_certs_new(&f->chain));
    assert_ok(altroot_certs_load_file(f->chain, testutil_data("tls/leaf.pem")));
    assert_ok(altroot_certs_new(&f->other));
    assert_ok(altroot_certs_load_file(f->other, testutil_data("tls/self-signed.pem")));
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    altroot_certs_free(f->chain);
    altroot_certs_free(f->other);
    altroot_trust_store_free(f->store);
    free(f);
    return 0;
}

/* One evaluation through the cache; returns whether it was a hit, checks the decision. */
static bool eval(altroot_verdict_cache *c, const fixture *f, const altroot_certs *chain,
                 const char *host, altroot_time at, altroot_eval_mode mode, altroot_decision expect)
{
    altroot_verdict v;
    bool hit = false;
    altroot_verdict_init(&v);
    assert_ok(altroot_evaluate_chain_cached(c, chain, host, f->store, at, mode, &v, &hit));
    assert_int_equal(v.decision, expect);
    assert_int_equal(v.at, at);
    assert_int_equal(v.cached_from != 0, hit);
    altroot_verdict_clear(&v);
    return hit;
}

static void reuse_needs_the_same_everything(void **state)
{
    fixture *f = *state;
    altroot_verdict_cache *c = NULL;
    assert_ok(altroot_verdict_cache_new(8, 60, &c));
    const altroot_decision T = ALTROOT_DECISION_TRUSTED, U = ALTROOT_DECISION_UNTRUSTED;
    assert_false(eval(c, f, f->chain, "printer.home.arpa", NOW, ALTROOT_EVAL_AUTO, T));
    assert_true(eval(c, f, f->chain, "printer.home.arpa", NOW + 30, ALTROOT_EVAL_AUTO, T));
    assert_true(eval(c, f, f->chain, "PRINTER.home.arpa", NOW + 60, ALTROOT_EVAL_AUTO, T));
    /* Another host, another mode, other bytes: each evaluated on its own. */
    assert_false(eval(c, f, f->chain, "scanner.home.arpa", NOW, ALTROOT_EVAL_AUTO, U));
    assert_false(eval(c, f, f->chain, "printer.home.arpa", NOW, ALTROOT_EVAL_WEBPKI, U));
    assert_false(eval(c, f, f->other, "printer.home.arpa", NOW, ALTROOT_EVAL_AUTO, U));
    /* Time: past the window, and back in time, are evaluated again. */
    assert_false(eval(c, f, f->chain, "printer.home.arpa", NOW + 61, ALTROOT_EVAL_AUTO, T));
    assert_false(eval(c, f, f->chain, "printer.home.arpa", NOW - 1, ALTROOT_EVAL_AUTO, T));
    altroot_verdict_cache_stats st;
    altroot_verdict_cache_stats_get(c, &st);
    assert_int_equal(st.hits, 2);
    assert_int_equal(st.misses, 6);
    altroot_verdict_cache_free(c);
}

static void anchors_and_expiry_invalidate(void **state)
{
    fixture *f = *state;
    altroot_verdict_cache *c = NULL;
    assert_ok(altroot_verdict_cache_new(8, DAY * 365 * 100, &c));
    const altroot_decision T = ALTROOT_DECISION_TRUSTED, U = ALTROOT_DECISION_UNTRUSTED;
    assert_false(eval(c, f, f->chain, "localhost", NOW, ALTROOT_EVAL_AUTO, T));
    assert_true(eval(c, f, f->chain, "localhost", NOW + DAY, ALTROOT_EVAL_AUTO, T));
    /* The leaf expires in 2126: a long window still stops there, and the late verdict says so. */
    altroot_time not_before = 0, not_after = 0;
    assert_ok(altroot_cert_validity(altroot_certs_get(f->chain, 0), &not_before, &not_after));
    assert_false(eval(c, f, f->chain, "localhost", not_after + 1, ALTROOT_EVAL_AUTO, U));
    /* Adding anchors gives the store a new generation: nothing cached before is reused. */
    altroot_bytes extra = ALTROOT_BYTES_INIT;
    assert_ok(altroot_bytes_read_file(&extra, testutil_data("tls/self-signed.pem"), 1 << 16));
    uint64_t before = altroot_trust_store_generation(f->store);
    assert_ok(altroot_trust_store_add(f->store, ALTROOT_ANCHOR_DEVID_CA, "x",
                                      altroot_bytes_span(&extra)));
    assert_true(altroot_trust_store_generation(f->store) != before);
    altroot_bytes_clear(&extra);
    assert_false(eval(c, f, f->chain, "localhost", NOW + DAY, ALTROOT_EVAL_AUTO, T));
    altroot_verdict_cache_free(c);
}

/* The longest window a caller can ask for: reuse is still bounded by the leaf's expiry, and the
 * window's end does not wrap around to before the verdict was computed. */
static void longest_window_still_ends_at_expiry(void **state)
{
    fixture *f = *state;
    altroot_verdict_cache *c = NULL;
    assert_ok(altroot_verdict_cache_new(8, INT64_MAX, &c));
    const altroot_decision T = ALTROOT_DECISION_TRUSTED, U = ALTROOT_DECISION_UNTRUSTED;
    assert_false(eval(c, f, f->chain, "localhost", NOW, ALTROOT_EVAL_AUTO, T));
    assert_true(eval(c, f, f->chain, "localhost", NOW + DAY, ALTROOT_EVAL_AUTO, T));
    altroot_time not_before = 0, not_after = 0;
    assert_ok(altroot_cert_validity(altroot_certs_get(f->chain, 0), &not_before, &not_after));
    assert_false(eval(c, f, f->chain, "localhost", not_after + 1, ALTROOT_EVAL_AUTO, U));
    altroot_verdict_cache_free(c);
}

/* ---- expiries inside the evidence ---- */

typedef struct device {
    altroot_matter_minted m;
    altroot_trust_store *store;
    altroot_certs *chain;
    altroot_key *key;
} device;

static const char *const DEVICE_NAMES[] = {"device.home.arpa"};

/* A self-signed device leaf valid for a year, carrying Matter DAC evidence minted around
 * `minted` with `fault`, whose binding ends at `exp` (0: the leaf's notAfter). */
static void device_make(device *d, altroot_time minted, altroot_matter_fault fault,
                        altroot_time exp)
{
    memset(d, 0, sizeof *d);
    altroot_trust_options o = {.dir = NULL, .webpki_bundle = ""};
    assert_ok(altroot_trust_store_load(&o, &d->store));
    assert_ok(altroot_matter_mint(0xFFF1, 0x8000, minted, fault, &d->m));
    assert_ok(altroot_trust_store_add(d->store, ALTROOT_ANCHOR_MATTER_PAA, "paa",
                                      altroot_cert_der(d->m.paa)));
    assert_ok(altroot_trust_store_add(d->store, ALTROOT_ANCHOR_MATTER_CD, "cd",
                                      altroot_cert_der(d->m.cd_signer)));
    altroot_device_creds c = {.matter_dac_key = d->m.dac_key,
                              .matter_dac = altroot_cert_der(d->m.dac),
                              .matter_pai = altroot_cert_der(d->m.pai),
                              .matter_cd = altroot_bytes_span(&d->m.cd)};
    altroot_device_cert_params p = {.names = DEVICE_NAMES,
                                    .name_count = 1,
                                    .not_before = NOW - DAY,
                                    .not_after = NOW + 365 * DAY,
                                    .iat = NOW - 60,
                                    .exp = exp};
    assert_ok(altroot_device_cert_build(&c, &p, &d->chain, &d->key));
}

static void device_free(device *d)
{
    altroot_certs_free(d->chain);
    altroot_key_free(d->key);
    altroot_trust_store_free(d->store);
    altroot_matter_minted_clear(&d->m);
}

/* One evaluation of the device through the cache: whether it was a hit; `expect` the decision
 * and, unless OK, a failure the verdict must list. */
static bool eval_device(altroot_verdict_cache *c, const device *d, altroot_time at,
                        altroot_decision expect, altroot_err failure)
{
    altroot_verdict v;
    bool hit = false;
    altroot_verdict_init(&v);
    assert_ok(altroot_evaluate_chain_cached(c, d->chain, "device.home.arpa", d->store, at,
                                            ALTROOT_EVAL_AUTO, &v, &hit));
    assert_int_equal(v.decision, expect);
    if (failure != ALTROOT_OK)
        assert_true(altroot_failures_has(&v.failures, failure));
    altroot_verdict_clear(&v);
    return hit;
}

/* A binding whose exp is long before the leaf's notAfter: with a century-long window the
 * verdict is still reused before exp, and evaluated again (and found expired) after it. */
static void binding_exp_ends_reuse(void **state)
{
    (void)state;
    device d;
    device_make(&d, NOW, ALTROOT_MATTER_FAULT_NONE, NOW + DAY);
    altroot_verdict_cache *c = NULL;
    assert_ok(altroot_verdict_cache_new(8, DAY * 365 * 100, &c));
    const altroot_decision A = ALTROOT_DECISION_ATTESTED, U = ALTROOT_DECISION_UNTRUSTED;
    assert_false(eval_device(c, &d, NOW, A, ALTROOT_OK));
    assert_true(eval_device(c, &d, NOW + DAY / 2, A, ALTROOT_OK)); /* inside the window */
    assert_true(eval_device(c, &d, NOW + DAY, A, ALTROOT_OK));     /* exp itself still counts */
    assert_false(eval_device(c, &d, NOW + DAY + 1, U, ALTROOT_E_EVIDENCE_EXPIRED));
    altroot_verdict_cache_free(c);
    device_free(&d);
}

/* A DAC that expires (day 9) long before the leaf (day 365): reuse stops at its notAfter. */
static void dac_expiry_ends_reuse(void **state)
{
    (void)state;
    device d;
    device_make(&d, NOW + 10 * DAY, ALTROOT_MATTER_FAULT_DAC_EXPIRED, 0);
    altroot_time dac_nb = 0, dac_na = 0;
    assert_ok(altroot_cert_validity(d.m.dac, &dac_nb, &dac_na));
    assert_int_equal(dac_na, NOW + 9 * DAY);
    altroot_verdict_cache *c = NULL;
    assert_ok(altroot_verdict_cache_new(8, DAY * 365 * 100, &c));
    const altroot_decision A = ALTROOT_DECISION_ATTESTED, U = ALTROOT_DECISION_UNTRUSTED;
    assert_false(eval_device(c, &d, NOW, A, ALTROOT_OK));
    assert_true(eval_device(c, &d, dac_na, A, ALTROOT_OK));
    assert_false(eval_device(c, &d, dac_na + 1, U, ALTROOT_E_MATTER_DAC_EXPIRED));
    altroot_verdict_cache_free(c);
    device_free(&d);
}

/* Inputs the key cannot cover in full are evaluated every time, never cached. */
static void unkeyable_inputs_are_not_cached(void **state)
{
    fixture *f = *state;
    altroot_verdict_cache *c = NULL;
    assert_ok(altroot_verdict_cache_new(8, 60, &c));
    char host[300];
    memset(host, 'a', sizeof host - 1);
    host[sizeof host - 1] = '\0';
    const altroot_decision U = ALTROOT_DECISION_UNTRUSTED;
    assert_false(eval(c, f, f->chain, host, NOW, ALTROOT_EVAL_AUTO, U));
    assert_false(eval(c, f, f->chain, host, NOW, ALTROOT_EVAL_AUTO, U));
    altroot_certs *many = NULL;
    assert_ok(altroot_certs_new(&many));
    for (int i = 0; i < 17; i++)
        assert_ok(altroot_certs_load_file(many, testutil_data("tls/self-signed.pem")));
    assert_false(eval(c, f, many, "localhost", NOW, ALTROOT_EVAL_AUTO, U));
    assert_false(eval(c, f, many, "localhost", NOW, ALTROOT_EVAL_AUTO, U));
    altroot_certs_free(many);
    altroot_verdict_cache_stats st;
    altroot_verdict_cache_stats_get(c, &st);
    assert_int_equal(st.entries, 0);
    altroot_verdict_cache_free(c);
}

static void the_cached_verdict_is_the_same_report(void **state)
{
    fixture *f = *state;
    altroot_verdict_cache *c = NULL;
    assert_ok(altroot_verdict_cache_new(2, 0, &c));
    altroot_verdict a, b;
    altroot_verdict_init(&a);
    altroot_verdict_init(&b);
    assert_ok(altroot_set_string(&b.target, "https://printer.home.arpa/"));
    assert_ok(altroot_strlist_add(&b.warnings, "set by the caller"));
    assert_ok(altroot_evaluate_chain_cached(c, f->chain, "printer.home.arpa", f->store, NOW,
                                            ALTROOT_EVAL_AUTO, &a, NULL));
    assert_ok(altroot_evaluate_chain_cached(c, f->chain, "printer.home.arpa", f->store, NOW,
                                            ALTROOT_EVAL_AUTO, &b, NULL));
    assert_int_equal(b.cached_from, NOW);
    assert_string_equal(b.target, "https://printer.home.arpa/"); /* the caller's fields stay */
    assert_string_equal(b.warnings.items[0], "set by the caller");
    assert_string_equal(a.message, b.message);
    assert_int_equal(a.rule, b.rule);
    assert_int_equal(a.root_count, b.root_count);
    assert_string_equal(a.roots[1].anchor, b.roots[1].anchor);
    assert_string_equal(a.leaf.sha256, b.leaf.sha256);
    assert_string_equal(a.name.method, b.name.method);
    assert_int_equal(a.failures.count, b.failures.count);
    altroot_verdict_clear(&a);
    altroot_verdict_clear(&b);
    altroot_verdict_cache_free(c);
}

static void least_recently_used_is_evicted(void **state)
{
    fixture *f = *state;
    altroot_verdict_cache *c = NULL;
    assert_ok(altroot_verdict_cache_new(2, 60, &c));
    const altroot_decision T = ALTROOT_DECISION_TRUSTED, U = ALTROOT_DECISION_UNTRUSTED;
    assert_false(eval(c, f, f->chain, "localhost", NOW, ALTROOT_EVAL_AUTO, T));
    assert_false(eval(c, f, f->other, "localhost", NOW, ALTROOT_EVAL_AUTO, U));
    assert_true(eval(c, f, f->chain, "localhost", NOW, ALTROOT_EVAL_AUTO, T));  /* used again */
    assert_false(eval(c, f, f->chain, "127.0.0.1", NOW, ALTROOT_EVAL_AUTO, T)); /* evicts other */
    assert_true(eval(c, f, f->chain, "localhost", NOW, ALTROOT_EVAL_AUTO, T));
    assert_false(eval(c, f, f->other, "localhost", NOW, ALTROOT_EVAL_AUTO, U));
    altroot_verdict_cache_stats st;
    altroot_verdict_cache_stats_get(c, &st);
    assert_int_equal(st.evictions, 2);
    assert_int_equal(st.entries, 2);
    /* No cache: plain evaluation. Bad arguments are refused. */
    assert_false(eval(NULL, f, f->chain, "localhost", NOW, ALTROOT_EVAL_AUTO, T));
    altroot_verdict_cache *none = NULL;
    assert_int_equal(altroot_verdict_cache_new(0, 60, &none), ALTROOT_E_ARG);
    altroot_verdict_cache_free(c);
}

static void allocation_failures_are_clean(void **state)
{
    fixture *f = *state;
    testutil_install_allocator();
    for (long n = 1; n < 5000; n++) {
        altroot_verdict_cache *c = NULL;
        altroot_verdict v, w;
        altroot_verdict_init(&v);
        altroot_verdict_init(&w);
        testutil_fail_after(n);
        altroot_err err = altroot_verdict_cache_new(4, 60, &c);
        if (err == ALTROOT_OK)
            err = altroot_evaluate_chain_cached(c, f->chain, "localhost", f->store, NOW,
                                                ALTROOT_EVAL_AUTO, &v, NULL);
        if (err == ALTROOT_OK)
            err = altroot_evaluate_chain_cached(c, f->chain, "localhost", f->store, NOW,
                                                ALTROOT_EVAL_AUTO, &w, NULL);
        testutil_fail_after(0);
        bool done = err == ALTROOT_OK && !testutil_alloc_failed();
        altroot_verdict_clear(&v);
        altroot_verdict_clear(&w);
        altroot_verdict_cache_free(c);
        if (done)
            return;
        assert_true(err == ALTROOT_E_NOMEM || err == ALTROOT_OK);
    }
    fail_msg("the allocation sweep did not finish");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reuse_needs_the_same_everything),
        cmocka_unit_test(anchors_and_expiry_invalidate),
        cmocka_unit_test(longest_window_still_ends_at_expiry),
        cmocka_unit_test(binding_exp_ends_reuse),
        cmocka_unit_test(dac_expiry_ends_reuse),
        cmocka_unit_test(unkeyable_inputs_are_not_cached),
        cmocka_unit_test(the_cached_verdict_is_the_same_report),
        cmocka_unit_test(least_recently_used_is_evicted),
        cmocka_unit_test(allocation_failures_are_clean),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
