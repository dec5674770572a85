/* Allocation-failure injection (fault.h). Counted across threads: `verify --batch` allocates on
 * worker threads, and exactly one allocation fails whichever thread makes it. */
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include <altroot/alloc.h>

#include "fault.h"

static atomic_long g_count;
static long g_fail_at; /* 0: none */
static const char *g_count_file;

static bool fail_this_one(void)
{
    return atomic_fetch_add(&g_count, 1) + 1 == g_fail_at;
}

static void *fault_malloc(size_t size, void *arg)
{
    (void)arg;
    return fail_this_one() ? NULL : malloc(size);
}

static void *fault_realloc(void *ptr, size_t size, void *arg)
{
    (void)arg;
    return fail_this_one() ? NULL : realloc(ptr, size);
}

static void fault_free(void *ptr, void *arg)
{
    (void)arg;
    free(ptr);
}

static void write_count(void)
{
    FILE *f = fopen(g_count_file, "w");
    if (f == NULL)
        return;
    fprintf(f, "%ld\n", atomic_load(&g_count));
    fclose(f);
}

/* Digits only: no sign, no blanks, no overflow, at least 1. */
static bool parse_positive(const char *s, long *out)
{
    long v = 0;
    for (const char *p = s; *p != '\0'; p++) {
        if (*p < '0' || *p > '9' || v > (LONG_MAX - (*p - '0')) / 10)
            return false;
        v = v * 10 + (*p - '0');
    }
    if (v < 1)
        return false;
    *out = v;
    return true;
}

bool fault_install(void)
{
    static const altroot_allocator counting = {fault_malloc, fault_realloc, fault_free, NULL};
    const char *at = getenv("ALTROOT_FAIL_ALLOC_AT");
    g_count_file = getenv("ALTROOT_ALLOC_COUNT_FILE");
    if (at != NULL && !parse_positive(at, &g_fail_at)) {
        fprintf(stderr, "altroot: ALTROOT_FAIL_ALLOC_AT=%s: expected a number from 1\n", at);
        return false;
    }
    if (at == NULL && g_count_file == NULL)
        return true;
    if (g_count_file != NULL)
        atexit(write_count);
    altroot_set_allocator(&counting);
    return true;
}
