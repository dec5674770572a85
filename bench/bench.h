/* Shared by the benchmarks: timing, medians, and the one report format (every item is printed
 * with its baseline measured in the same run, and their ratio). */
#ifndef ALTROOT_BENCH_H
#define ALTROOT_BENCH_H

#include <stddef.h>

typedef void (*bench_fn)(void *arg);

typedef struct bench_stat {
    double median_us, min_us, max_us; /* per operation */
} bench_stat;

/* Run `fn` `iters` times per round, `rounds` rounds; per-operation statistics over the rounds. */
bench_stat bench_run(bench_fn fn, void *arg, int iters, int rounds);

/* One measured operation among others timed in the same rounds (bench_interleave). */
typedef struct bench_item {
    const char *name;
    bench_fn fn;
    void *arg;
    int iters;            /* operations per round */
    bench_stat wall, cpu; /* per operation: CLOCK_MONOTONIC and this thread's CPU time */
} bench_item;

/* An item not yet timed; `name` and `arg` are borrowed for its life. */
bench_item bench_item_make(const char *name, bench_fn fn, void *arg, int iters);

/* Time `n` items over `rounds` rounds, interleaved: every round runs each item's `iters`
 * operations once, starting with item r % n in round r, so the machine's drift reaches all of
 * them alike. Each item runs once untimed first (caches, lazy initialisation). */
void bench_interleave(bench_item *items, int n, int rounds);

/* Two lines: wall time (median, min-max over the rounds) and thread CPU time of `ours` against
 * `base`, with their ratios. */
void bench_report_items(const bench_item *ours, const bench_item *base);

/* The signatures one call of `fn` verifies, counted by the crypto layer (src/crypto/sig_count.h):
 * what a signature floor must contain. */
int bench_sigs_of(bench_fn fn, void *arg);

/* Median, min and max of `n` per-operation samples in microseconds (sorted in place). */
bench_stat bench_stat_of(double *samples, int n);

/* Microseconds on `clock` (CLOCK_MONOTONIC, CLOCK_THREAD_CPUTIME_ID, ...). */
double bench_clock_us(int clock);

/* Argument `i` as a count in 1..1000000, or `fallback` when absent; anything else ends the
 * program with a message (exit 2). */
int bench_arg(int argc, char **argv, int i, int fallback);

/* One line: name, altroot median (spread), baseline median (spread), ratio. */
void bench_report(const char *name, bench_stat ours, const char *baseline_name, bench_stat base);

void bench_header(const char *title);

/* The same in operations per second (1e6 / the microsecond figures): the ratio is altroot's rate
 * over the baseline's, so below 1 means altroot completes fewer per second. */
void bench_rate_header(const char *title, const char *unit);
void bench_report_rate(const char *name, bench_stat ours, const char *baseline_name,
                       bench_stat base);

/* ---- shared fixtures ---- */

#include <altroot/altroot.h>
#include <openssl/x509.h>

/* A fixed verification time, and a day, for every fixture. */
#define BENCH_NOW ((altroot_time)1795849200)
#define BENCH_DAY 86400

/* A measured operation did not give the result it must: print "bench: WHAT failed" and exit 1
 * (stdout flushed first, so the rows already measured stay). */
_Noreturn void bench_fail(const char *what);

/* Print "bench: WHAT: E_..." and return 0 unless `e` is OK. */
int bench_check(altroot_err e, const char *what);

/* The certificate as OpenSSL holds it (caller frees with X509_free). */
X509 *bench_to_x509(const altroot_cert *c);

/* The floor: `count` ECDSA P-256 verifications with an already parsed key (bench_floor_run). */
typedef struct bench_floor {
    EVP_PKEY *key;
    unsigned char sig[80];
    size_t sig_len;
    int count;
} bench_floor;
int bench_floor_make(bench_floor *f, const altroot_key *key, int count);
void bench_floor_run(void *arg);
void bench_floor_free(bench_floor *f);

#endif
