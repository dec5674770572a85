#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "testutil.h"

/* Every test creates files with the modes a careful user's have, whatever the caller's umask: the
 * trust store refuses files and folders writable by group or others (docs/trust-store.md). */
__attribute__((constructor)) static void testutil_umask(void)
{
    umask(022);
}

static long g_fail_at; /* allocation number that fails; 0: none */
static long g_count;
static int g_failed;

static void *t_malloc(size_t size, void *arg)
{
    (void)arg;
    g_count++;
    if (g_fail_at != 0 && g_count == g_fail_at) {
        g_failed = 1;
        return NULL;
    }
    return malloc(size);
}

static void *t_realloc(void *ptr, size_t size, void *arg)
{
    (void)arg;
    g_count++;
    if (g_fail_at != 0 && g_count == g_fail_at) {
        g_failed = 1;
        return NULL;
    }
    return realloc(ptr, size);
}

static void t_free(void *ptr, void *arg)
{
    (void)arg;
    free(ptr);
}

void testutil_install_allocator(void)
{
    static const altroot_allocator a = {t_malloc, t_realloc, t_free, NULL};
    altroot_set_allocator(&a);
}

void testutil_fail_after(long n)
{
    g_fail_at = n == 0 ? 0 : g_count + n;
    g_failed = 0;
}

long testutil_alloc_count(void)
{
    return g_count;
}

int testutil_alloc_failed(void)
{
    return g_failed;
}

const char *testutil_data(const char *name)
{
    static char buf[4096];
    const char *dir = getenv("ALTROOT_TEST_DATA");
    snprintf(buf, sizeof buf, "%s/%s", dir != NULL ? dir : "tests/data", name);
    return buf;
}

const char *testutil_shared(const char *rel)
{
    static char buf[4096];
    const char *dir = getenv("ALTROOT_SHARED");
    struct stat st;
    snprintf(buf, sizeof buf, "%s/vectors/%s", dir != NULL ? dir : "../shared", rel);
    if (stat(buf, &st) == 0)
        return buf;
    /* CI sets this: there, a missing vector is a failure, never a silent skip. */
    if (getenv("ALTROOT_REQUIRE_SHARED") != NULL) {
        fprintf(stderr, "required vector missing: %s\n", buf);
        exit(1);
    }
    return NULL;
}
