/*
 * Allocation hook. Every allocation inside libaltroot goes through these functions so that tests
 * can fail the Nth allocation and check that every path cleans up.
 */
#ifndef ALTROOT_ALLOC_H
#define ALTROOT_ALLOC_H

#include <stddef.h>

#include <altroot/export.h>

typedef struct altroot_allocator {
    void *(*malloc_fn)(size_t size, void *arg);
    void *(*realloc_fn)(void *ptr, size_t size, void *arg);
    void (*free_fn)(void *ptr, void *arg);
    void *arg; /* borrowed; passed to each function */
} altroot_allocator;

/* Install an allocator for the whole process (copied). NULL restores the C library's.
 * Not thread-safe: call before any other altroot function. */
ALTROOT_API void altroot_set_allocator(const altroot_allocator *allocator);

/* Allocation wrappers. altroot_malloc(0) returns a unique non-NULL pointer or NULL on failure.
 * Sizes that overflow (n * size) fail. The caller frees with altroot_free(). */
ALTROOT_API void *altroot_malloc(size_t size);
ALTROOT_API void *altroot_calloc(size_t n, size_t size);
ALTROOT_API void *altroot_realloc(void *ptr, size_t size);
ALTROOT_API void altroot_free(void *ptr);
/* Copy of a NUL-terminated string; caller frees with altroot_free(). NULL in gives NULL. */
ALTROOT_API char *altroot_strdup(const char *s);
/* Wipe then free; for secrets. `size` is the allocated size the caller knows. */
ALTROOT_API void altroot_free_secret(void *ptr, size_t size);
/* Wipe memory in a way the compiler cannot remove. */
ALTROOT_API void altroot_wipe(void *ptr, size_t size);

#endif
