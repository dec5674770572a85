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

/* One line: name, altroot median (spread), baseline median (spread), ratio. */
void bench_report(const char *name, bench_stat ours, const char *baseline_name, bench_stat base);

void bench_header(const char *title);

#endif
