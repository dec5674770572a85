#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "bench.h"
#include "crypto/sig_count.h"

double bench_clock_us(int clock)
{
    struct timespec ts;
    clock_gettime((clockid_t)clock, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static double now_us(void)
{
    return bench_clock_us(CLOCK_MONOTONIC);
}

int bench_arg(int argc, char **argv, int i, int fallback)
{
    if (i >= argc)
        return fallback;
    char *end = NULL;
    errno = 0;
    long v = strtol(argv[i], &end, 10);
    if (errno != 0 || end == argv[i] || *end != '\0' || v < 1 || v > 1000000) {
        fprintf(stderr, "%s: argument %d: expected a count in 1..1000000, got \"%s\"\n", argv[0], i,
                argv[i]);
        exit(2);
    }
    return (int)v;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

bench_stat bench_stat_of(double *samples, int n)
{
    bench_stat s = {0, 0, 0};
    if (n <= 0)
        return s;
    qsort(samples, (size_t)n, sizeof *samples, cmp);
    s.median_us = samples[n / 2];
    s.min_us = samples[0];
    s.max_us = samples[n - 1];
    return s;
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
    s = bench_stat_of(per, rounds);
    free(per);
    return s;
}

bench_item bench_item_make(const char *name, bench_fn fn, void *arg, int iters)
{
    bench_item it;
    memset(&it, 0, sizeof it);
    it.name = name;
    it.fn = fn;
    it.arg = arg;
    it.iters = iters;
    return it;
}

void bench_interleave(bench_item *items, int n, int rounds)
{
    double *wall = calloc((size_t)n * (size_t)rounds, sizeof *wall);
    double *cpu = calloc((size_t)n * (size_t)rounds, sizeof *cpu);
    if (wall == NULL || cpu == NULL)
        bench_fail("allocation");
    for (int k = 0; k < n; k++)
        items[k].fn(items[k].arg);
    for (int r = 0; r < rounds; r++) {
        for (int j = 0; j < n; j++) {
            bench_item *it = &items[(r + j) % n];
            double w0 = now_us(), c0 = bench_clock_us(CLOCK_THREAD_CPUTIME_ID);
            for (int i = 0; i < it->iters; i++)
                it->fn(it->arg);
            double c1 = bench_clock_us(CLOCK_THREAD_CPUTIME_ID), w1 = now_us();
            size_t at = (size_t)((r + j) % n) * (size_t)rounds + (size_t)r;
            wall[at] = (w1 - w0) / it->iters;
            cpu[at] = (c1 - c0) / it->iters;
        }
    }
    for (int k = 0; k < n; k++) {
        items[k].wall = bench_stat_of(wall + (size_t)k * (size_t)rounds, rounds);
        items[k].cpu = bench_stat_of(cpu + (size_t)k * (size_t)rounds, rounds);
    }
    free(wall);
    free(cpu);
}

void bench_report_items(const bench_item *ours, const bench_item *base)
{
    bench_report(ours->name, ours->wall, base->name, base->wall);
    char cpu_ours[64], cpu_base[64];
    snprintf(cpu_ours, sizeof cpu_ours, "  thread CPU");
    snprintf(cpu_base, sizeof cpu_base, "  thread CPU");
    bench_report(cpu_ours, ours->cpu, cpu_base, base->cpu);
}

int bench_sigs_of(bench_fn fn, void *arg)
{
    uint64_t before = altroot_sig_count();
    fn(arg);
    return (int)(altroot_sig_count() - before);
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

void bench_rate_header(const char *title, const char *unit)
{
    char ours[48], base[48];
    snprintf(ours, sizeof ours, "altroot %s (min-max)", unit);
    snprintf(base, sizeof base, "baseline %s (min-max)", unit);
    printf("\n%s\n%-44s %22s   %-34s %22s %7s\n", title, "item", ours, "baseline", base, "ratio");
}

static double per_second(double us)
{
    return us > 0 ? 1e6 / us : 0.0;
}

void bench_report_rate(const char *name, bench_stat ours, const char *baseline_name,
                       bench_stat base)
{
    double o = per_second(ours.median_us), b = per_second(base.median_us);
    printf("%-44s %9.0f (%5.0f-%5.0f)   %-34s %9.0f (%5.0f-%5.0f) %6.2fx\n", name, o,
           per_second(ours.max_us), per_second(ours.min_us), baseline_name, b,
           per_second(base.max_us), per_second(base.min_us), b > 0 ? o / b : 0.0);
}

void bench_fail(const char *what)
{
    (void)fflush(stdout);
    fprintf(stderr, "bench: %s failed\n", what);
    exit(1);
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
            bench_fail(__func__);
        EVP_MD_CTX_free(md);
    }
}

void bench_floor_free(bench_floor *f)
{
    EVP_PKEY_free(f->key);
    f->key = NULL;
}
