/* Helpers shared by the cmocka unit tests. */
#ifndef ALTROOT_TESTUTIL_H
#define ALTROOT_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <altroot/altroot.h>

/* Allocation failure injection: after testutil_fail_after(n), the nth allocation from now
 * fails (n = 1: the next one); 0 disables. testutil_alloc_count() counts allocations made since
 * the hook was installed. */
void testutil_install_allocator(void);
void testutil_fail_after(long n);
long testutil_alloc_count(void);
int testutil_alloc_failed(void);

/* Path of a file under tests/data (static buffer). */
const char *testutil_data(const char *name);
/* Path under ../shared/vectors (static buffer), or NULL when it is absent; callers then skip().
 * With ALTROOT_REQUIRE_SHARED set (CI), a missing path ends the test binary with a failure. */
const char *testutil_shared(const char *rel);

#ifdef __clang_analyzer__
/* cmocka's fail() leaves the test with a long jump; the static analyzer cannot see that. */
void _fail(const char *file, int line) __attribute__((analyzer_noreturn));
#endif

#define assert_ok(expr) assert_int_equal((expr), ALTROOT_OK)

#endif
