/* Allocation-failure injection for test builds (-DALTROOT_FAULT_INJECTION=ON only): the
 * integration test cli_alloc_sweep.sh fails each allocation of a command in turn. */
#ifndef ALTROOT_TOOL_FAULT_H
#define ALTROOT_TOOL_FAULT_H

#include <stdbool.h>

/* Reads the environment before any other altroot call:
 *   ALTROOT_FAIL_ALLOC_AT=N     the Nth allocation through altroot's allocator fails (once);
 *   ALTROOT_ALLOC_COUNT_FILE=F  at exit, the number of allocations made is written to F.
 * With neither set the C library's allocator stays. Returns false after printing a usage error
 * when N is not a decimal number from 1. */
bool fault_install(void);

#endif
