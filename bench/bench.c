#include <stdio.h>
#include <stdlib.h>
#include <time.h>

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
