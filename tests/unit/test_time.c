#include <string.h>

#include "testutil.h"

static altroot_span S(const char *s)
{
    return (altroot_span){(const uint8_t *)s, strlen(s)};
}

static void rfc3339_forms(void **state)
{
    (void)state;
    altroot_time t;
    assert_ok(altroot_time_parse_rfc3339("1970-01-01T00:00:00Z", &t));
    assert_int_equal(t, 0);
    assert_ok(altroot_time_parse_rfc3339("2026-11-28T07:00:00Z", &t));
    assert_int_equal(t, 1795849200);
    assert_ok(altroot_time_parse_rfc3339("2026-11-28T08:00:00+01:00", &t));
    assert_int_equal(t, 1795849200);
    assert_ok(altroot_time_parse_rfc3339("2026-11-28T07:00:00.999Z", &t));
    assert_int_equal(t, 1795849200);
    assert_ok(altroot_time_parse_rfc3339("2026-11-28", &t));
    assert_int_equal(t, 1795824000);
    assert_ok(altroot_time_parse_rfc3339("@1795849200", &t));
    assert_int_equal(t, 1795849200);
    /* Past 2038 and far past: 64-bit. */
    assert_ok(altroot_time_parse_rfc3339("2106-02-07T06:28:16Z", &t));
    assert_true(t == 4294967296LL);
    assert_ok(altroot_time_parse_rfc3339("1950-01-01T00:00:00Z", &t));
    assert_true(t == -631152000LL);
}

static void rfc3339_rejects(void **state)
{
    (void)state;
    const char *bad[] = {"",
                         "2026",
                         "2026-13-01",
                         "2026-02-29",
                         "2026-11-28T24:00:00Z",
                         "2026-11-28T07:00:00",
                         "2026-11-28T07:00Z",
                         "2026-11-28T07:00:00+1:00",
                         "2026-11-28T07:00:00.Z",
                         "2026-11-28T07:00:00Zjunk",
                         "@",
                         "@12a",
                         "@99999999999999",
                         "x026-11-28"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        altroot_time t = 42;
        assert_int_equal(altroot_time_parse_rfc3339(bad[i], &t), ALTROOT_E_TIME_FORMAT);
        assert_int_equal(t, 42); /* untouched on error */
    }
    altroot_time t;
    assert_ok(altroot_time_parse_rfc3339("2024-02-29T00:00:00Z", &t)); /* leap year */
    assert_int_equal(altroot_time_parse_rfc3339("2100-02-29T00:00:00Z", &t), ALTROOT_E_TIME_FORMAT);
}

static void utctime_pivot(void **state)
{
    (void)state;
    altroot_time t;
    /* RFC 5280: YY >= 50 is 19YY, YY < 50 is 20YY. */
    assert_ok(altroot_time_parse_utctime(S("491231235959Z"), &t));
    assert_true(t == 2524607999LL);
    assert_ok(altroot_time_parse_utctime(S("500101000000Z"), &t));
    assert_true(t == -631152000LL);
    assert_int_equal(altroot_time_parse_utctime(S("5001010000Z"), &t), ALTROOT_E_TIME_FORMAT);
    assert_int_equal(altroot_time_parse_utctime(S("500101000000+0100"), &t), ALTROOT_E_TIME_FORMAT);
    assert_int_equal(altroot_time_parse_utctime(S("500101000060Z"), &t), ALTROOT_E_TIME_FORMAT);
    assert_int_equal(altroot_time_parse_utctime(S("501301000000Z"), &t), ALTROOT_E_TIME_FORMAT);
}

static void generalized_time_and_no_expiry(void **state)
{
    (void)state;
    altroot_time t;
    assert_ok(altroot_time_parse_generalized(S("99991231235959Z"), &t));
    assert_true(t == ALTROOT_TIME_NO_EXPIRY);
    assert_ok(altroot_time_parse_generalized(S("99991231235958Z"), &t));
    assert_true(t == ALTROOT_TIME_MAX - 1);
    assert_ok(altroot_time_parse_generalized(S("20500101000000Z"), &t));
    assert_true(t == 2524608000LL);
    assert_int_equal(altroot_time_parse_generalized(S("20500101000000.5Z"), &t),
                     ALTROOT_E_TIME_FORMAT);
    assert_int_equal(altroot_time_parse_generalized(S("2050010100000Z"), &t),
                     ALTROOT_E_TIME_FORMAT);
    assert_int_equal(altroot_time_parse_generalized((altroot_span){NULL, 0}, &t),
                     ALTROOT_E_TIME_FORMAT);
}

static void format_round_trips(void **state)
{
    (void)state;
    char buf[ALTROOT_TIME_STR_LEN];
    const char *samples[] = {"1970-01-01T00:00:00Z", "2000-02-29T12:34:56Z", "1969-12-31T23:59:59Z",
                             "9999-12-31T23:59:58Z", "0001-01-01T00:00:00Z"};
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        altroot_time t;
        assert_ok(altroot_time_parse_rfc3339(samples[i], &t));
        altroot_time_format(t, buf);
        assert_string_equal(buf, samples[i]);
    }
    altroot_time_format(ALTROOT_TIME_NO_EXPIRY, buf);
    assert_string_equal(buf, "no-expiry");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rfc3339_forms),      cmocka_unit_test(rfc3339_rejects),
        cmocka_unit_test(utctime_pivot),      cmocka_unit_test(generalized_time_and_no_expiry),
        cmocka_unit_test(format_round_trips),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
