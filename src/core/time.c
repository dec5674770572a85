#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <altroot/time.h>

#include "guard.h"
#include "validity.h"

static bool is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int64_t y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

altroot_err altroot_time_from_civil(int year, int month, int day, int hour, int min, int sec,
                                    altroot_time *out)
{
    ENSURE(year >= 0 && year <= 9999, ALTROOT_E_TIME_FORMAT);
    ENSURE(month >= 1 && month <= 12, ALTROOT_E_TIME_FORMAT);
    ENSURE(day >= 1 && day <= days_in_month(year, month), ALTROOT_E_TIME_FORMAT);
    ENSURE(hour >= 0 && hour <= 23, ALTROOT_E_TIME_FORMAT);
    ENSURE(min >= 0 && min <= 59, ALTROOT_E_TIME_FORMAT);
    /* A leap second (60) is accepted and folded onto the next second, as POSIX time does. */
    ENSURE(sec >= 0 && sec <= 60, ALTROOT_E_TIME_FORMAT);
    int64_t days = days_from_civil(year, month, day);
    *out = days * 86400 + (int64_t)hour * 3600 + (int64_t)min * 60 + sec;
    return ALTROOT_OK;
}

/* Parse exactly `n` decimal digits at `s`. */
static bool parse_digits(const char *s, size_t n, int *out)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

static altroot_err parse_epoch(const char *text, altroot_time *out)
{
    /* "@<seconds>", optionally negative. */
    const char *p = text + 1;
    bool neg = *p == '-';
    if (neg)
        p++;
    ENSURE(*p != '\0' && strlen(p) <= 12, ALTROOT_E_TIME_FORMAT);
    int64_t v = 0;
    for (; *p != '\0'; p++) {
        ENSURE(*p >= '0' && *p <= '9', ALTROOT_E_TIME_FORMAT);
        v = v * 10 + (*p - '0');
    }
    v = neg ? -v : v;
    ENSURE(v >= ALTROOT_TIME_MIN && v <= ALTROOT_TIME_MAX, ALTROOT_E_TIME_FORMAT);
    *out = v;
    return ALTROOT_OK;
}

/* RFC 3339 section 5.6: time-offset = "Z" / time-numoffset; time-secfrac = "." 1*DIGIT */
static altroot_err parse_offset(const char *p, int *offset_sec)
{
    if ((p[0] == 'Z' || p[0] == 'z') && p[1] == '\0') {
        *offset_sec = 0;
        return ALTROOT_OK;
    }
    int oh, om;
    ENSURE((p[0] == '+' || p[0] == '-') && strlen(p) == 6 && p[3] == ':', ALTROOT_E_TIME_FORMAT);
    ENSURE(parse_digits(p + 1, 2, &oh) && parse_digits(p + 4, 2, &om), ALTROOT_E_TIME_FORMAT);
    ENSURE(oh <= 23 && om <= 59, ALTROOT_E_TIME_FORMAT);
    *offset_sec = (p[0] == '-' ? -1 : 1) * (oh * 3600 + om * 60);
    return ALTROOT_OK;
}

altroot_err altroot_time_parse_rfc3339(const char *text, altroot_time *out)
{
    ENSURE(text != NULL && out != NULL, ALTROOT_E_INTERNAL);
    if (text[0] == '@')
        return parse_epoch(text, out);
    size_t n = strlen(text);
    int y, mo, d, h = 0, mi = 0, s = 0, offset = 0;
    ENSURE(n >= 10 && text[4] == '-' && text[7] == '-', ALTROOT_E_TIME_FORMAT);
    ENSURE(parse_digits(text, 4, &y) && parse_digits(text + 5, 2, &mo) &&
               parse_digits(text + 8, 2, &d),
           ALTROOT_E_TIME_FORMAT);
    if (n > 10) {
        const char *t = text + 10;
        ENSURE(strlen(t) >= 10 && (t[0] == 'T' || t[0] == 't' || t[0] == ' '),
               ALTROOT_E_TIME_FORMAT);
        ENSURE(t[3] == ':' && t[6] == ':', ALTROOT_E_TIME_FORMAT);
        ENSURE(parse_digits(t + 1, 2, &h) && parse_digits(t + 4, 2, &mi) &&
                   parse_digits(t + 7, 2, &s),
               ALTROOT_E_TIME_FORMAT);
        const char *p = t + 9;
        if (*p == '.') {
            p++;
            ENSURE(*p >= '0' && *p <= '9', ALTROOT_E_TIME_FORMAT);
            while (*p >= '0' && *p <= '9')
                p++;
        }
        TRY(parse_offset(p, &offset));
    }
    altroot_time t;
    TRY(altroot_time_from_civil(y, mo, d, h, mi, s, &t));
    *out = t - offset;
    return ALTROOT_OK;
}

/* Shared tail of UTCTime and GeneralizedTime: "MMDDHHMMSSZ" after the year digits. */
static altroot_err parse_asn1_tail(const char *p, int year, altroot_time *out)
{
    int mo, d, h, mi, s;
    ENSURE(parse_digits(p, 2, &mo) && parse_digits(p + 2, 2, &d) && parse_digits(p + 4, 2, &h) &&
               parse_digits(p + 6, 2, &mi) && parse_digits(p + 8, 2, &s),
           ALTROOT_E_TIME_FORMAT);
    ENSURE(p[10] == 'Z', ALTROOT_E_TIME_FORMAT);
    /* DER forbids a leap second representation other than as written; reject 60 here. */
    ENSURE(s <= 59, ALTROOT_E_TIME_FORMAT);
    return altroot_time_from_civil(year, mo, d, h, mi, s, out);
}

altroot_err altroot_time_parse_utctime(altroot_span text, altroot_time *out)
{
    /* RFC 5280 4.1.2.5.1: YYMMDDHHMMSSZ, seconds present, Zulu. */
    char buf[14];
    ENSURE(text.ptr != NULL && text.len == 13, ALTROOT_E_TIME_FORMAT);
    memcpy(buf, text.ptr, 13);
    buf[13] = '\0';
    int yy;
    ENSURE(parse_digits(buf, 2, &yy), ALTROOT_E_TIME_FORMAT);
    /* "Where YY is greater than or equal to 50, the year SHALL be interpreted as 19YY" */
    int year = yy >= 50 ? 1900 + yy : 2000 + yy;
    return parse_asn1_tail(buf + 2, year, out);
}

altroot_err altroot_time_parse_generalized(altroot_span text, altroot_time *out)
{
    /* RFC 5280 4.1.2.5.2: YYYYMMDDHHMMSSZ, no fractional seconds. */
    char buf[16];
    ENSURE(text.ptr != NULL && text.len == 15, ALTROOT_E_TIME_FORMAT);
    memcpy(buf, text.ptr, 15);
    buf[15] = '\0';
    int year;
    ENSURE(parse_digits(buf, 4, &year), ALTROOT_E_TIME_FORMAT);
    altroot_time t;
    TRY(parse_asn1_tail(buf + 4, year, &t));
    /* RFC 5280 4.1.2.5: 99991231235959Z "no well-defined expiration date". */
    *out = strcmp(buf, "99991231235959Z") == 0 ? ALTROOT_TIME_NO_EXPIRY : t;
    return ALTROOT_OK;
}

void altroot_time_format(altroot_time t, char *out)
{
    if (t == ALTROOT_TIME_NO_EXPIRY) {
        snprintf(out, ALTROOT_TIME_STR_LEN, "no-expiry");
        return;
    }
    if (t < ALTROOT_TIME_MIN || t > ALTROOT_TIME_MAX) {
        snprintf(out, ALTROOT_TIME_STR_LEN, "out-of-range");
        return;
    }
    int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
    int64_t secs = t - days * 86400;
    int64_t y;
    int m, d;
    civil_from_days(days, &y, &m, &d);
    /* In range by the check above; the modulos only tell the compiler the field widths. */
    unsigned year = (unsigned)y % 10000u, mon = (unsigned)m % 100u, day = (unsigned)d % 100u;
    unsigned hh = (unsigned)(secs / 3600) % 100u, mm = (unsigned)(secs / 60 % 60) % 100u;
    unsigned ss = (unsigned)(secs % 60) % 100u;
    snprintf(out, ALTROOT_TIME_STR_LEN, "%04u-%02u-%02uT%02u:%02u:%02uZ", year, mon, day, hh, mm,
             ss);
}

altroot_time altroot_time_now(void)
{
    return (altroot_time)time(NULL);
}

/* Per thread: evaluations on different threads collect independently (src/core/validity.h). */
static _Thread_local altroot_time validity_until = INT64_MAX;

void altroot_validity_note(altroot_time at, altroot_time not_before, altroot_time not_after)
{
    if (at < not_before && not_before - 1 < validity_until)
        validity_until = not_before - 1; /* becomes valid at not_before */
    if (at <= not_after && not_after != ALTROOT_TIME_NO_EXPIRY && not_after < validity_until)
        validity_until = not_after; /* expires after not_after */
}

altroot_time altroot_validity_begin(void)
{
    altroot_time outer = validity_until;
    validity_until = INT64_MAX;
    return outer;
}

altroot_time altroot_validity_end(altroot_time outer)
{
    altroot_time mine = validity_until;
    validity_until = outer < mine ? outer : mine;
    return mine;
}
