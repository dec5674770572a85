/*
 * Small owned lists shared by every module: strings, and failures (an error code with a one-line
 * detail). A verdict collects all failures, not only the first.
 */
#ifndef ALTROOT_LIST_H
#define ALTROOT_LIST_H

#include <stddef.h>

#include <altroot/error.h>
#include <altroot/export.h>

typedef struct altroot_strlist {
    char **items; /* owned */
    size_t count;
} altroot_strlist;

#define ALTROOT_STRLIST_INIT                                                                       \
    {                                                                                              \
        NULL, 0                                                                                    \
    }

/* Append a copy of `s`. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_strlist_add(altroot_strlist *l, const char *s);
/* Append a copy of a printf-formatted string. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_strlist_addf(altroot_strlist *l, const char *fmt,
                                                                ...)
    __attribute__((format(printf, 2, 3)));
ALTROOT_API void altroot_strlist_clear(altroot_strlist *l);

typedef struct altroot_failure {
    altroot_err code;
    char *where;  /* owned: what was being checked, for example "chain[0]" or
                     "anchors/local-ca/x.pem" */
    char *detail; /* owned: one line of specifics, never NULL */
} altroot_failure;

typedef struct altroot_failures {
    altroot_failure *items; /* owned */
    size_t count;
} altroot_failures;

#define ALTROOT_FAILURES_INIT                                                                      \
    {                                                                                              \
        NULL, 0                                                                                    \
    }

/* Record a failure; `where` may be NULL. Duplicate (code, where, detail) entries are kept once. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_failures_add(altroot_failures *l,
                                                                altroot_err code, const char *where,
                                                                const char *detail_fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Append copies of every entry of `src`, prefixing `where` with `prefix` when given. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_failures_extend(altroot_failures *dst,
                                                                   const altroot_failures *src,
                                                                   const char *prefix);
ALTROOT_API int altroot_failures_has(const altroot_failures *l, altroot_err code);
ALTROOT_API void altroot_failures_clear(altroot_failures *l);

#endif
