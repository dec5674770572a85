/*
 * When a verdict changes with time. Every check of a time against the verification time notes
 * the validity window it checked; the evaluation (altroot_evaluate_chain_mode) collects, per
 * thread, the earliest time after the verification time at which any of those checks would
 * come out differently, and the verdict cache never reuses a verdict past it.
 */
#ifndef ALTROOT_CORE_VALIDITY_H
#define ALTROOT_CORE_VALIDITY_H

#include <altroot/time.h>

/* A check at `at` of a window [not_before, not_after] (both inclusive; INT64_MIN and
 * ALTROOT_TIME_NO_EXPIRY for an open end): its result stays the same through the returned
 * collection's end only while at <= not_after and, if at < not_before, before not_before. */
void altroot_validity_note(altroot_time at, altroot_time not_before, altroot_time not_after);

/* Start collecting on this thread; returns the outer collection's state for _end. */
altroot_time altroot_validity_begin(void);
/* The latest time through which every check noted since _begin gives the same result (INT64_MAX
 * when none changes); the outer collection (`outer`) keeps the earlier of both. */
altroot_time altroot_validity_end(altroot_time outer);

#endif
