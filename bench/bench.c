#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "bench.h"

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

bench_stat bench_run(bench_fn fn, void *arg, int iters, int rounds)
{
    double *per = calloc((size_t)rounds, sizeof *per);
    bench_stat s = {0, 0, 0};
    if (per == NULL)
        return s;
    fn(arg); /* warm caches and lazy initialisation outside the timing */
    for (int r = 0; r < rounds; r++) {
        double t0 = now_us();
        for (int i = 0; i < iters; i++)
            fn(arg);
        per[r] = (now_us() - t0) / iters;
    }
    qsort(per, (size_t)rounds, sizeof *per, cmp);
    s.median_us = per[rounds / 2];
    s.min_us = per[0];
    s.max_us = per[rounds - 1];
    free(per);
    return s;
}

void bench_header(const char *title)
{
    printf("\n%s\n%-44s %22s   %-34s %22s %7s\n", title, "item", "altroot us (min-max)", "baseline",
           "baseline us (min-max)", "ratio");
}

void bench_report(const char *name, bench_stat ours, const char *baseline_name, bench_stat base)
{
    printf("%-44s %9.1f (%5.1f-%5.1f)   %-34s %9.1f (%5.1f-%5.1f) %6.2fx\n", name, ours.median_us,
           ours.min_us, ours.max_us, baseline_name, base.median_us, base.min_us, base.max_us,
           base.median_us > 0 ? ours.median_us / base.median_us : 0.0);
}

int bench_check(altroot_err e, const char *what)
{
    if (e != ALTROOT_OK)
        fprintf(stderr, "bench: %s: %s\n", what, altroot_error_name(e));
    return e == ALTROOT_OK;
}

X509 *bench_to_x509(const altroot_cert *c)
{
    altroot_span d = altroot_cert_der(c);
    const unsigned char *p = d.ptr;
    return d2i_X509(NULL, &p, (long)d.len);
}

static const unsigned char floor_msg[] = "a TBSCertificate stands in for any signed bytes";

int bench_floor_make(bench_floor *f, const altroot_key *key, int count)
{
    altroot_bytes sig = ALTROOT_BYTES_INIT, spki = ALTROOT_BYTES_INIT;
    memset(f, 0, sizeof *f);
    f->count = count;
    int ok = bench_check(altroot_sign(key, ALTROOT_SIG_ECDSA_P256_SHA256, ALTROOT_SIG_FORMAT_DER,
                                      (altroot_span){floor_msg, sizeof floor_msg - 1}, &sig),
                         "sign") &&
             bench_check(altroot_key_spki_der(key, &spki), "spki") && sig.len <= sizeof f->sig;
    if (ok) {
        memcpy(f->sig, sig.ptr, sig.len);
        f->sig_len = sig.len;
        const unsigned char *p = spki.ptr;
        f->key = d2i_PUBKEY(NULL, &p, (long)spki.len);
    }
    altroot_bytes_clear(&sig);
    altroot_bytes_clear(&spki);
    return ok && f->key != NULL;
}

void bench_floor_run(void *arg)
{
    bench_floor *f = arg;
    for (int i = 0; i < f->count; i++) {
        EVP_MD_CTX *md = EVP_MD_CTX_new();
        if (EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, f->key) != 1 ||
            EVP_DigestVerify(md, f->sig, f->sig_len, floor_msg, sizeof floor_msg - 1) != 1)
            abort();
        EVP_MD_CTX_free(md);
    }
}

void bench_floor_free(bench_floor *f)
{
    EVP_PKEY_free(f->key);
    f->key = NULL;
}
