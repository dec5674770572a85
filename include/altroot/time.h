/*
 * Verification time. Always explicit: every verifier takes the time it verifies at.
 * Times are signed 64-bit seconds since 1970-01-01T00:00:00Z (UTC, no leap seconds).
 */
#ifndef ALTROOT_TIME_H
#define ALTROOT_TIME_H

#include <stddef.h>
#include <stdint.h>

#include <altroot/buf.h>
#include <altroot/error.h>
#include <altroot/export.h>

typedef int64_t altroot_time;

/* RFC 5280 4.1.2.5: notAfter 99991231235959Z means "no well-defined expiration date". */
#define ALTROOT_TIME_NO_EXPIRY INT64_MAX

/* Earliest and latest representable calendar times (0000-01-01 .. 9999-12-31T23:59:59Z). */
#define ALTROOT_TIME_MIN ((altroot_time)-62167219200LL)
#define ALTROOT_TIME_MAX ((altroot_time)253402300799LL)

/* Seconds from a proleptic Gregorian date-time in UTC; fields out of range give E_TIME_FORMAT. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_time_from_civil(int year, int month, int day,
                                                                   int hour, int min, int sec,
                                                                   altroot_time *out);

/* RFC 3339 date-time ("2026-11-28T07:00:00Z", "...+01:00", optional fractional seconds, which are
 * truncated), or a bare date "2026-11-28" meaning midnight UTC, or "@<seconds>". */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_time_parse_rfc3339(const char *text,
                                                                      altroot_time *out);

/* ASN.1 UTCTime content as DER requires: "YYMMDDHHMMSSZ". RFC 5280: YY >= 50 is 19YY. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_time_parse_utctime(altroot_span text,
                                                                      altroot_time *out);

/* ASN.1 GeneralizedTime content as DER/RFC 5280 requires: "YYYYMMDDHHMMSSZ", no fraction.
 * "99991231235959Z" gives ALTROOT_TIME_NO_EXPIRY. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_time_parse_generalized(altroot_span text,
                                                                          altroot_time *out);

/* Format as RFC 3339 UTC ("2026-11-28T07:00:00Z"), or "no-expiry". `out` holds at least
 * ALTROOT_TIME_STR_LEN bytes. */
#define ALTROOT_TIME_STR_LEN 32
ALTROOT_API void altroot_time_format(altroot_time t, char *out);

/* The system clock, for callers that choose "now" as their verification time. */
ALTROOT_API altroot_time altroot_time_now(void);

#endif
