/*
 * Internal guard macros (never installed). Functions branch on failure, not on success:
 *
 *   TRY(expr)            propagate a non-OK altroot_err
 *   ENSURE(cond, code)   fail with `code` unless `cond` holds
 *   TRY_GOTO(expr)       set the local `err` and jump to `out` (the one cleanup label)
 *   ENSURE_GOTO(c, code) likewise for a condition
 */
#ifndef ALTROOT_CORE_GUARD_H
#define ALTROOT_CORE_GUARD_H

#include <altroot/error.h>

#ifdef ALTROOT_ANALYSIS_GUARDS
/* The same guards without their do {} block, for the function-size gate only (scripts/tidy.sh
 * defines ALTROOT_ANALYSIS_GUARDS): a guard is one statement, so it must not count as a nesting
 * level. The if/else form keeps each guard a single statement, as do {} while (0) does. */
static altroot_err altroot_try_err_;
#define TRY(expr)                                                                                  \
    if ((altroot_try_err_ = (expr)) != ALTROOT_OK)                                                 \
        return altroot_try_err_;                                                                   \
    else                                                                                           \
        (void)0
#define ENSURE(cond, code)                                                                         \
    if (!(cond))                                                                                   \
        return (code);                                                                             \
    else                                                                                           \
        (void)0
#define TRY_GOTO(expr)                                                                             \
    if ((err = (expr)) != ALTROOT_OK)                                                              \
        goto out;                                                                                  \
    else                                                                                           \
        (void)0
#define ENSURE_GOTO(cond, code)                                                                    \
    if (!(cond) && (err = (code), 1))                                                              \
        goto out;                                                                                  \
    else                                                                                           \
        (void)0
#else
#define TRY(expr)                                                                                  \
    do {                                                                                           \
        altroot_err try_err_ = (expr);                                                             \
        if (try_err_ != ALTROOT_OK)                                                                \
            return try_err_;                                                                       \
    } while (0)

#define ENSURE(cond, code)                                                                         \
    do {                                                                                           \
        if (!(cond))                                                                               \
            return (code);                                                                         \
    } while (0)

#define TRY_GOTO(expr)                                                                             \
    do {                                                                                           \
        err = (expr);                                                                              \
        if (err != ALTROOT_OK)                                                                     \
            goto out;                                                                              \
    } while (0)

#define ENSURE_GOTO(cond, code)                                                                    \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            err = (code);                                                                          \
            goto out;                                                                              \
        }                                                                                          \
    } while (0)
#endif

#define ALTROOT_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif
