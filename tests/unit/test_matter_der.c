/* DER writer and strict reader (src/encoding/der.c). */
#include <string.h>

#include "encoding/der.h"
#include "testutil.h"

#define SPAN_OF(a) ((altroot_span){(a), sizeof(a)})

static void expect_bytes(const altroot_bytes *b, const uint8_t *want, size_t n)
{
    assert_int_equal(b->len, n);
    assert_memory_equal(b->ptr, want, n);
}

typedef void (*write_fn)(altroot_der_writer *w, const void *arg);

static void check_write(write_fn fn, const void *arg, const uint8_t *want, size_t n)
{
    altroot_bytes out = ALTROOT_BYTES_INIT;
    altroot_der_writer w;
    altroot_der_writer_init(&w, &out);
    fn(&w, arg);
    assert_ok(altroot_der_writer_finish(&w));
    expect_bytes(&out, want, n);
    altroot_bytes_clear(&out);
}

static void w_uint_bytes(altroot_der_writer *w, const void *arg)
{
    altroot_der_put_uint_bytes(w, *(const altroot_span *)arg);
}

static void integers_are_minimal(void **state)
{
    (void)state;
    const uint8_t z[] = {0, 0, 1}, hi[] = {0x80}, zero[] = {0, 0};
    altroot_span a = SPAN_OF(z), b = SPAN_OF(hi), c = SPAN_OF(zero), d = {NULL, 0};
    check_write(w_uint_bytes, &a, (const uint8_t[]){0x02, 0x01, 0x01}, 3);
    check_write(w_uint_bytes, &b, (const uint8_t[]){0x02, 0x02, 0x00, 0x80}, 4);
    check_write(w_uint_bytes, &c, (const uint8_t[]){0x02, 0x01, 0x00}, 3);
    check_write(w_uint_bytes, &d, (const uint8_t[]){0x02, 0x01, 0x00}, 3);
}

static void w_nested(altroot_der_writer *w, const void *arg)
{
    size_t n = *(const size_t *)arg;
    static uint8_t zeros[300];
    altroot_der_begin(w, ALTROOT_DER_SEQUENCE);
    altroot_der_begin(w, ALTROOT_DER_CTX_CONS(3));
    altroot_der_put(w, ALTROOT_DER_OCTET_STRING, (altroot_span){zeros, n});
    altroot_der_end(w);
    altroot_der_end(w);
}

static void lengths_use_the_short_form_when_they_can(void **state)
{
    (void)state;
    altroot_bytes out = ALTROOT_BYTES_INIT;
    altroot_der_writer w;
    const size_t sizes[] = {0, 127, 128, 255, 256};
    for (size_t i = 0; i < 5; i++) {
        altroot_der_writer_init(&w, &out);
        w_nested(&w, &sizes[i]);
        assert_ok(altroot_der_writer_finish(&w));
        /* Read it back strictly: the reader rejects any non-minimal length. */
        altroot_cursor c;
        altroot_der_elem seq, ctx, os;
        altroot_cursor_init(&c, altroot_bytes_span(&out));
        assert_ok(altroot_der_expect(&c, ALTROOT_DER_SEQUENCE, &seq));
        assert_ok(altroot_cursor_finish(&c));
        altroot_cursor_init(&c, seq.value);
        assert_ok(altroot_der_expect(&c, ALTROOT_DER_CTX_CONS(3), &ctx));
        altroot_cursor_init(&c, ctx.value);
        assert_ok(altroot_der_expect(&c, ALTROOT_DER_OCTET_STRING, &os));
        assert_int_equal(os.value.len, sizes[i]);
        altroot_bytes_clear(&out);
    }
    const size_t n = 128;
    const uint8_t head[] = {0x30, 0x81, 0x86, 0xA3, 0x81, 0x83, 0x04, 0x81, 0x80};
    altroot_der_writer_init(&w, &out);
    w_nested(&w, &n);
    assert_ok(altroot_der_writer_finish(&w));
    assert_int_equal(out.len, sizeof head + n);
    assert_memory_equal(out.ptr, head, sizeof head);
    altroot_bytes_clear(&out);
}

static void w_bits(altroot_der_writer *w, const void *arg)
{
    altroot_der_put_named_bits(w, *(const uint32_t *)arg);
}

static void named_bits_drop_trailing_zeros(void **state)
{
    (void)state;
    const uint32_t ds = 0x01, ca = 0x60, dec = 0x100, none = 0;
    check_write(w_bits, &ds, (const uint8_t[]){0x03, 0x02, 0x07, 0x80}, 4);
    check_write(w_bits, &ca, (const uint8_t[]){0x03, 0x02, 0x01, 0x06}, 4);
    check_write(w_bits, &dec, (const uint8_t[]){0x03, 0x03, 0x07, 0x00, 0x80}, 5);
    check_write(w_bits, &none, (const uint8_t[]){0x03, 0x01, 0x00}, 3);
    /* and back */
    const uint8_t in[] = {0x03, 0x03, 0x07, 0x80, 0x80};
    altroot_cursor c;
    altroot_der_elem e;
    uint32_t bits;
    altroot_cursor_init(&c, SPAN_OF(in));
    assert_ok(altroot_der_read(&c, &e));
    assert_ok(altroot_der_get_named_bits(&e, &bits));
    assert_int_equal(bits, 0x101);
}

static void w_time(altroot_der_writer *w, const void *arg)
{
    altroot_der_put_time(w, *(const altroot_time *)arg);
}

static void times_follow_rfc5280(void **state)
{
    (void)state;
    altroot_time t;
    assert_ok(altroot_time_from_civil(2020, 10, 15, 14, 23, 43, &t));
    check_write(w_time, &t,
                (const uint8_t *)"\x17\x0d"
                                 "201015142343Z",
                15);
    assert_ok(altroot_time_from_civil(2049, 12, 31, 23, 59, 59, &t));
    check_write(w_time, &t,
                (const uint8_t *)"\x17\x0d"
                                 "491231235959Z",
                15);
    assert_ok(altroot_time_from_civil(2050, 1, 1, 0, 0, 0, &t));
    check_write(w_time, &t,
                (const uint8_t *)"\x18\x0f"
                                 "20500101000000Z",
                17);
    t = ALTROOT_TIME_NO_EXPIRY;
    check_write(w_time, &t,
                (const uint8_t *)"\x18\x0f"
                                 "99991231235959Z",
                17);

    /* Reading enforces the choice of type by year. */
    altroot_der_elem e = {
        ALTROOT_DER_GENERALIZED_TIME, {(const uint8_t *)"20201015142343Z", 15}, {NULL, 0}};
    altroot_time got;
    assert_int_equal(altroot_der_get_time(&e, &got), ALTROOT_E_POLICY);
    e = (altroot_der_elem){ALTROOT_DER_UTC_TIME, {(const uint8_t *)"201015142343Z", 13}, {0}};
    assert_ok(altroot_der_get_time(&e, &got));
    e.value = (altroot_span){(const uint8_t *)"2010151423Z", 11};
    assert_int_equal(altroot_der_get_time(&e, &got), ALTROOT_E_DER);
    e = (altroot_der_elem){
        ALTROOT_DER_GENERALIZED_TIME, {(const uint8_t *)"99991231235959Z", 15}, {0}};
    assert_ok(altroot_der_get_time(&e, &got));
    assert_true(got == ALTROOT_TIME_NO_EXPIRY);
}

static void ecdsa_signatures_round_trip(void **state)
{
    (void)state;
    uint8_t raw[64], back[64];
    memset(raw, 0, sizeof raw);
    raw[1] = 0x7F;  /* r: leading zero octet, 31 octets */
    raw[32] = 0x80; /* s: top bit set, needs a 0x00 */
    raw[63] = 0x01;
    altroot_bytes out = ALTROOT_BYTES_INIT;
    altroot_der_writer w;
    altroot_der_writer_init(&w, &out);
    altroot_der_put_ecdsa_sig(&w, raw);
    assert_ok(altroot_der_writer_finish(&w));
    assert_int_equal(out.len, 2 + 2 + 31 + 2 + 33);
    assert_ok(altroot_der_ecdsa_sig_to_raw(altroot_bytes_span(&out), back));
    assert_memory_equal(raw, back, 64);
    /* trailing octet after the SEQUENCE */
    assert_ok(altroot_bytes_append_u8(&out, 0));
    assert_int_equal(altroot_der_ecdsa_sig_to_raw(altroot_bytes_span(&out), back),
                     ALTROOT_E_TRAILING_DATA);
    altroot_bytes_clear(&out);
    /* 33-octet magnitude does not fit P-256 */
    uint8_t big[2 + 2 + 34 + 3] = {0x30, 2 + 34 + 3, 0x02, 34, 0x00, 0x80};
    big[2 + 2 + 34] = 0x02;
    big[2 + 2 + 34 + 1] = 1;
    big[2 + 2 + 34 + 2] = 1;
    big[4] = 0x01; /* magnitude 0x01 0x80 ... 33 octets */
    assert_int_equal(altroot_der_ecdsa_sig_to_raw(SPAN_OF(big), back), ALTROOT_E_POLICY);
}

static altroot_err read_one(const uint8_t *p, size_t n)
{
    altroot_cursor c;
    altroot_der_elem e;
    altroot_cursor_init(&c, (altroot_span){p, n});
    altroot_err err = altroot_der_read(&c, &e);
    return err != ALTROOT_OK ? err : altroot_cursor_finish(&c);
}

static void reader_accepts_der_only(void **state)
{
    (void)state;
    assert_ok(read_one((const uint8_t[]){0x04, 0x01, 0xAA}, 3));
    assert_int_equal(read_one((const uint8_t[]){0x30, 0x80, 0x00, 0x00}, 4), ALTROOT_E_DER);
    assert_int_equal(read_one((const uint8_t[]){0x04, 0x81, 0x01, 0xAA}, 4), ALTROOT_E_DER);
    assert_int_equal(read_one((const uint8_t[]){0x04, 0x82, 0x00, 0x01, 0xAA}, 5), ALTROOT_E_DER);
    assert_int_equal(read_one((const uint8_t[]){0x1F, 0x81, 0x01, 0x00}, 4), ALTROOT_E_UNSUPPORTED);
    assert_int_equal(read_one((const uint8_t[]){0x04, 0x02, 0xAA}, 3), ALTROOT_E_TRUNCATED);
    assert_int_equal(read_one((const uint8_t[]){0x04, 0x89, 1, 2, 3, 4, 5, 6, 7, 8, 9}, 11),
                     ALTROOT_E_DER);
    assert_int_equal(read_one((const uint8_t[]){0x04, 0x01, 0xAA, 0x00}, 4),
                     ALTROOT_E_TRAILING_DATA);
    for (size_t n = 0; n < 3; n++)
        assert_int_equal(read_one((const uint8_t[]){0x04, 0x01, 0xAA}, n), ALTROOT_E_TRUNCATED);
}

static altroot_err value_check(uint8_t tag, const uint8_t *p, size_t n)
{
    altroot_der_elem e = {tag, {p, n}, {NULL, 0}};
    bool b;
    altroot_span s;
    uint32_t bits;
    switch (tag) {
    case ALTROOT_DER_BOOLEAN:
        return altroot_der_get_bool(&e, &b);
    case ALTROOT_DER_INTEGER:
        return altroot_der_get_uint_bytes(&e, &s);
    default:
        return altroot_der_get_named_bits(&e, &bits);
    }
}

static void primitive_values_are_strict(void **state)
{
    (void)state;
    assert_ok(value_check(ALTROOT_DER_BOOLEAN, (const uint8_t[]){0xFF}, 1));
    assert_int_equal(value_check(ALTROOT_DER_BOOLEAN, (const uint8_t[]){0x01}, 1), ALTROOT_E_DER);
    assert_int_equal(value_check(ALTROOT_DER_BOOLEAN, (const uint8_t[]){0, 0}, 2), ALTROOT_E_DER);
    assert_ok(value_check(ALTROOT_DER_INTEGER, (const uint8_t[]){0x00, 0x80}, 2));
    assert_int_equal(value_check(ALTROOT_DER_INTEGER, (const uint8_t[]){0x00, 0x01}, 2),
                     ALTROOT_E_DER);
    assert_int_equal(value_check(ALTROOT_DER_INTEGER, (const uint8_t[]){0xFF, 0x80}, 2),
                     ALTROOT_E_DER);
    assert_int_equal(value_check(ALTROOT_DER_INTEGER, NULL, 0), ALTROOT_E_DER);
    assert_int_equal(value_check(ALTROOT_DER_INTEGER, (const uint8_t[]){0x80}, 1),
                     ALTROOT_E_POLICY);
    assert_ok(value_check(ALTROOT_DER_BIT_STRING, (const uint8_t[]){0x07, 0x80}, 2));
    assert_int_equal(value_check(ALTROOT_DER_BIT_STRING, (const uint8_t[]){0x06, 0x80}, 2),
                     ALTROOT_E_DER); /* trailing zero bit */
    assert_int_equal(value_check(ALTROOT_DER_BIT_STRING, (const uint8_t[]){0x07, 0x81}, 2),
                     ALTROOT_E_DER); /* unused bit set */
    assert_int_equal(value_check(ALTROOT_DER_BIT_STRING, (const uint8_t[]){0x01}, 1),
                     ALTROOT_E_DER); /* unused bits with no octets */
    assert_int_equal(value_check(ALTROOT_DER_BIT_STRING, (const uint8_t[]){0x08, 0x00}, 2),
                     ALTROOT_E_DER);
}

static void writer_misuse_and_allocation_failure(void **state)
{
    (void)state;
    altroot_bytes out = ALTROOT_BYTES_INIT;
    altroot_der_writer w;
    altroot_der_writer_init(&w, &out);
    altroot_der_end(&w);
    assert_int_equal(altroot_der_writer_finish(&w), ALTROOT_E_INTERNAL);
    altroot_der_writer_init(&w, &out);
    altroot_der_begin(&w, ALTROOT_DER_SEQUENCE);
    assert_int_equal(altroot_der_writer_finish(&w), ALTROOT_E_INTERNAL);
    altroot_bytes_clear(&out);

    testutil_install_allocator();
    for (long n = 1;; n++) {
        altroot_der_writer_init(&w, &out);
        testutil_fail_after(n);
        size_t len = 200;
        w_nested(&w, &len);
        altroot_err err = altroot_der_writer_finish(&w);
        int failed = testutil_alloc_failed();
        testutil_fail_after(0);
        altroot_bytes_clear(&out);
        if (!failed) {
            assert_ok(err);
            break;
        }
        assert_int_equal(err, ALTROOT_E_NOMEM);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(integers_are_minimal),
        cmocka_unit_test(lengths_use_the_short_form_when_they_can),
        cmocka_unit_test(named_bits_drop_trailing_zeros),
        cmocka_unit_test(times_follow_rfc5280),
        cmocka_unit_test(ecdsa_signatures_round_trip),
        cmocka_unit_test(reader_accepts_der_only),
        cmocka_unit_test(primitive_values_are_strict),
        cmocka_unit_test(writer_misuse_and_allocation_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
