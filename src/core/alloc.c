#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <altroot/alloc.h>

static void *default_malloc(size_t size, void *arg)
{
    (void)arg;
    return malloc(size);
}

static void *default_realloc(void *ptr, size_t size, void *arg)
{
    (void)arg;
    return realloc(ptr, size);
}

static void default_free(void *ptr, void *arg)
{
    (void)arg;
    free(ptr);
}

static altroot_allocator g_alloc = {default_malloc, default_realloc, default_free, NULL};

void altroot_set_allocator(const altroot_allocator *allocator)
{
    if (allocator == NULL || allocator->malloc_fn == NULL || allocator->realloc_fn == NULL ||
        allocator->free_fn == NULL) {
        g_alloc = (altroot_allocator){default_malloc, default_realloc, default_free, NULL};
        return;
    }
    g_alloc = *allocator;
}

void *altroot_malloc(size_t size)
{
    /* A zero-size request still gets a distinct pointer, so NULL always means failure. */
    return g_alloc.malloc_fn(size == 0 ? 1 : size, g_alloc.arg);
}

void *altroot_calloc(size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size)
        return NULL;
    void *p = altroot_malloc(n * size);
    if (p != NULL)
        memset(p, 0, n * size == 0 ? 1 : n * size);
    return p;
}

void *altroot_realloc(void *ptr, size_t size)
{
    if (ptr == NULL)
        return altroot_malloc(size);
    return g_alloc.realloc_fn(ptr, size == 0 ? 1 : size, g_alloc.arg);
}

void altroot_free(void *ptr)
{
    if (ptr != NULL)
        g_alloc.free_fn(ptr, g_alloc.arg);
}

char *altroot_strdup(const char *s)
{
    if (s == NULL)
        return NULL;
    size_t n = strlen(s) + 1;
    char *p = altroot_malloc(n);
    if (p != NULL)
        memcpy(p, s, n);
    return p;
}

void altroot_wipe(void *ptr, size_t size)
{
    if (ptr == NULL || size == 0)
        return;
    /* A volatile function pointer keeps the compiler from eliding the wipe. */
    static void *(*const volatile memset_v)(void *, int, size_t) = memset;
    memset_v(ptr, 0, size);
}

void altroot_free_secret(void *ptr, size_t size)
{
    altroot_wipe(ptr, size);
    altroot_free(ptr);
}
