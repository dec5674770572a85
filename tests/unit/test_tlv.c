/* Matter TLV reader and writer (src/encoding/tlv.c). */
#include <string.h>

#include "encoding/tlv.h"
#include "testutil.h"

#define SPAN_OF(a) ((altroot_span){(a), sizeof(a)})

/* Read every element of `in`; return the first error (OK if the whole input is one element). */
static altroot_err read_all(altroot_span in, unsigned flags)
{
    altroot_tlv_reader r;
    altroot_tlv_elem e;
    altroot_tlv_reader_init(&r, in, flags);
    do {
        altroot_err err = altroot_tlv_next(&r, &e);
        if (err != ALTROOT_OK)
            return err;
    } while (r.depth > 0);
    return altroot_tlv_finish(&r);
}

static altroot_err read_bytes(const uint8_t *p, size_t n, unsigned flags)
{
    return read_all((altroot_span){p, n}, flags);
}

/* A structure exercising every element type and tag form. */
static const uint8_t every_type[] = {
    0x15,                                                       /* anonymous structure */
    0x20, 0x00, 0xFF,                                           /* [0] int8 -1 */
    0x21, 0x01, 0x00, 0x80,                                     /* [1] int16 -32768 */
    0x22, 0x02, 0xFE, 0xFF, 0xFF, 0xFF,                         /* [2] int32 -2 */
    0x23, 0x03, 0x01, 0,    0,    0,    0,    0,    0,    0x80, /* [3] int64 */
    0x24, 0x04, 0x2A,                                           /* [4] uint8 42 */
    0x25, 0x05, 0x34, 0x12,                                     /* [5] uint16 0x1234 */
    0x26, 0x06, 0x78, 0x56, 0x34, 0x12,                         /* [6] uint32 */
    0x27, 0x07, 8,    7,    6,    5,    4,    3,    2,    1,    /* [7] uint64 */
    0x28, 0x08,                                                 /* [8] false */
    0x29, 0x09,                                                 /* [9] true */
    0x2A, 0x0A, 0x00, 0x00, 0x80, 0x3F,                         /* [10] float 1.0 */
    0x2B, 0x0B, 0,    0,    0,    0,    0,    0,    0xF0, 0x3F, /* [11] double 1.0 */
    0x2C, 0x0C, 0x02, 'h',  'i',                                /* [12] utf8, 1-octet length */
    0x2D, 0x0D, 0x01, 0x00, 'x',                                /* [13] utf8, 2-octet length */
    0x30, 0x0E, 0x03, 1,    2,    3,                            /* [14] bytes */
    0x31, 0x0F, 0x00, 0x00,                         /* [15] empty bytes, 2-octet length */
    0x34, 0x10,                                     /* [16] null */
    0x36, 0x11, 0x04, 0x01, 0x04, 0x02, 0x18,       /* [17] array [1, 2] */
    0x37, 0x12,                                     /* [18] list */
    0x04, 0x07,                                     /*   anonymous uint */
    0x44, 0x01, 0x00, 0x01,                         /*   common profile, 2-octet tag */
    0x64, 0x00, 0x00, 0x01, 0x00, 0x02,             /*   common profile, 4-octet tag */
    0x84, 0x02, 0x00, 0x03,                         /*   implicit, 2-octet */
    0xA4, 0x00, 0x00, 0x02, 0x00, 0x04,             /*   implicit, 4-octet */
    0xC4, 0xF1, 0xFF, 0x01, 0x00, 0x05, 0x00, 0x05, /*   fully qualified, 6 octets */
    0xE4, 0xF1, 0xFF, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x06, /* fully qualified, 8 */
    0x20, 0x01, 0x07,                                           /*   context tag in a list */
    0x18,                                                       /* end list */
    0x35, 0x13, 0x18,                                           /* [19] empty structure */
    0x18};

static void reads_every_type_and_tag_form(void **state)
{
    (void)state;
    altroot_tlv_reader r;
    altroot_tlv_elem e;
    altroot_tlv_reader_init(&r, SPAN_OF(every_type), 0);
    assert_ok(altroot_tlv_next(&r, &e));
    assert_int_equal(e.type, ALTROOT_TLV_STRUCT);
    assert_int_equal(e.tag.form, ALTROOT_TLV_TAG_ANON);
    static const int64_t ints[] = {-1, -32768, -2, (int64_t)0x8000000000000001ull};
    for (int i = 0; i < 4; i++) {
        assert_ok(altroot_tlv_next(&r, &e));
        assert_int_equal(e.type, ALTROOT_TLV_INT);
        assert_int_equal(e.tag.form, ALTROOT_TLV_TAG_CONTEXT);
        assert_int_equal(e.tag.number, i);
        assert_true(e.i == ints[i]);
        assert_int_equal(e.width, 1 << i);
    }
    static const uint64_t uints[] = {42, 0x1234, 0x12345678, 0x0102030405060708ull};
    for (int i = 0; i < 4; i++) {
        assert_ok(altroot_tlv_next(&r, &e));
        assert_int_equal(e.type, ALTROOT_TLV_UINT);
        assert_true(e.u == uints[i]);
    }
    assert_ok(altroot_tlv_next(&r, &e));
    assert_true(e.type == ALTROOT_TLV_BOOL && !e.b);
    assert_ok(altroot_tlv_next(&r, &e));
    assert_true(e.type == ALTROOT_TLV_BOOL && e.b);
    assert_ok(altroot_tlv_next(&r, &e));
    assert_true(e.type == ALTROOT_TLV_FLOAT && e.u == 0x3F800000u);
    assert_ok(altroot_tlv_next(&r, &e));
    assert_true(e.type == ALTROOT_TLV_DOUBLE && e.u == 0x3FF0000000000000ull);
    assert_ok(altroot_tlv_next(&r, &e));
    assert_true(e.type == ALTROOT_TLV_UTF8 && e.str.len == 2 && memcmp(e.str.ptr, "hi", 2) == 0);
    assert_ok(altroot_tlv_next(&r, &e));
    assert_true(e.type == ALTROOT_TLV_UTF8 && e.width == 2 && e.str.len == 1);
    assert_ok(altroot_tlv_next(&r, &e));
    assert_true(e.type == ALTROOT_TLV_BYTES && e.str.len == 3 && e.str.ptr[2] == 3);
    assert_ok(altroot_tlv_next(&r, &e));
    assert_true(e.type == ALTROOT_TLV_BYTES && e.str.len == 0);
    assert_ok(altroot_tlv_next(&r, &e));
    assert_int_equal(e.type, ALTROOT_TLV_NULL);
    assert_ok(altroot_tlv_next(&r, &e));
    assert_int_equal(e.type, ALTROOT_TLV_ARRAY);
    assert_ok(altroot_tlv_skip(&r, &e));
    assert_int_equal(r.depth, 1);
    assert_ok(altroot_tlv_next(&r, &e));
    assert_int_equal(e.type, ALTROOT_TLV_LIST);
    assert_ok(altroot_tlv_next(&r, &e));
    assert_int_equal(e.tag.form, ALTROOT_TLV_TAG_ANON);
    static const altroot_tlv_tag tags[] = {
        {ALTROOT_TLV_TAG_COMMON, 0, 0, 1},    {ALTROOT_TLV_TAG_COMMON, 0, 0, 0x10000},
        {ALTROOT_TLV_TAG_IMPLICIT, 0, 0, 2},  {ALTROOT_TLV_TAG_IMPLICIT, 0, 0, 0x20000},
        {ALTROOT_TLV_TAG_FULL, 0xFFF1, 1, 5}, {ALTROOT_TLV_TAG_FULL, 0xFFF1, 1, 0x10000},
        {ALTROOT_TLV_TAG_CONTEXT, 0, 0, 1}};
    for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++) {
        assert_ok(altroot_tlv_next(&r, &e));
        assert_int_equal(e.tag.form, tags[i].form);
        assert_int_equal(e.tag.vendor, tags[i].vendor);
        assert_int_equal(e.tag.profile, tags[i].profile);
        assert_int_equal(e.tag.number, tags[i].number);
    }
    assert_ok(altroot_tlv_expect_end(&r));
    assert_ok(altroot_tlv_expect(&r, 19, ALTROOT_TLV_STRUCT, &e));
    assert_ok(altroot_tlv_expect_end(&r));
    assert_ok(altroot_tlv_expect_end(&r));
    assert_ok(altroot_tlv_finish(&r));
}

static void every_truncation_fails(void **state)
{
    (void)state;
    for (size_t n = 0; n < sizeof every_type; n++)
        assert_int_equal(read_bytes(every_type, n, 0), ALTROOT_E_TRUNCATED);
    assert_ok(read_bytes(every_type, sizeof every_type, 0));
}

static void trailing_bytes_and_second_elements_fail(void **state)
{
    (void)state;
    uint8_t buf[sizeof every_type + 1];
    memcpy(buf, every_type, sizeof every_type);
    buf[sizeof every_type] = 0x14;
    assert_int_equal(read_bytes(buf, sizeof buf, 0), ALTROOT_E_TRAILING_DATA);
    const uint8_t two[] = {0x04, 0x01, 0x04, 0x02};
    altroot_tlv_reader r;
    altroot_tlv_elem e;
    altroot_tlv_reader_init(&r, SPAN_OF(two), 0);
    assert_ok(altroot_tlv_next(&r, &e));
    assert_int_equal(altroot_tlv_next(&r, &e), ALTROOT_E_TRAILING_DATA);
    /* Sticky. */
    assert_int_equal(altroot_tlv_finish(&r), ALTROOT_E_TRAILING_DATA);
}

static void structural_violations_are_malformed(void **state)
{
    (void)state;
    static const struct {
        uint8_t bytes[8];
        size_t len;
    } bad[] = {
        {{0x19}, 1},                         /* reserved type */
        {{0x1F}, 1},                         /* reserved type */
        {{0x18}, 1},                         /* end of container at top level */
        {{0x15, 0x38, 0x00}, 3},             /* end of container with a context tag */
        {{0x24, 0x01, 0x05}, 3},             /* context tag at top level */
        {{0x16, 0x24, 0x01, 0x05, 0x18}, 5}, /* tagged array member */
        {{0x15, 0x04, 0x05, 0x18}, 4},       /* anonymous structure member */
        {{0x15, 0x24, 0x01, 0x05, 0x24, 0x01, 0x06, 0x18}, 8}, /* duplicate context tag */
        {{0x0C, 0x02, 0xC0, 0x80}, 4},                         /* overlong UTF-8 */
        {{0x0C, 0x03, 0xED, 0xA0, 0x80}, 5},                   /* UTF-8 surrogate */
        {{0x0C, 0x01, 0xF5}, 3},                               /* beyond U+10FFFF */
        {{0x0C, 0x01, 0x80}, 3},                               /* lone continuation */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(read_bytes(bad[i].bytes, bad[i].len, 0), ALTROOT_E_MALFORMED);
    /* Lists may repeat tags and mix anonymous and tagged members. */
    const uint8_t list[] = {0x17, 0x24, 0x01, 0x05, 0x24, 0x01, 0x06, 0x04, 0x00, 0x18};
    assert_ok(read_bytes(list, sizeof list, 0));
}

static void oversized_lengths_are_truncation(void **state)
{
    (void)state;
    const uint8_t len8[] = {0x13, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00};
    assert_int_equal(read_bytes(len8, sizeof len8, 0), ALTROOT_E_TRUNCATED);
    const uint8_t len4[] = {0x0E, 0x05, 0x00, 0x00, 0x00, 'a', 'b', 'c', 'd'};
    assert_int_equal(read_bytes(len4, sizeof len4, 0), ALTROOT_E_TRUNCATED);
    const uint8_t open[] = {0x15, 0x36, 0x01};
    assert_int_equal(read_bytes(open, sizeof open, 0), ALTROOT_E_TRUNCATED);
}

static void nesting_is_bounded(void **state)
{
    (void)state;
    uint8_t buf[2 * (ALTROOT_TLV_MAX_DEPTH + 1)];
    for (size_t d = 1; d <= ALTROOT_TLV_MAX_DEPTH + 1; d++) {
        memset(buf, 0x16, d);
        memset(buf + d, 0x18, d);
        altroot_err want = d <= ALTROOT_TLV_MAX_DEPTH ? ALTROOT_OK : ALTROOT_E_TOO_LARGE;
        assert_int_equal(read_bytes(buf, 2 * d, 0), want);
    }
}

static void canonical_flag_rejects_alternative_encodings(void **state)
{
    (void)state;
    static const struct {
        uint8_t bytes[10];
        size_t len;
    } alt[] = {
        {{0x05, 0x01, 0x00}, 3},                   /* uint 1 in 2 octets */
        {{0x06, 0xFF, 0x00, 0x00, 0x00}, 5},       /* uint 255 in 4 octets */
        {{0x01, 0x7F, 0x00}, 3},                   /* int 127 in 2 octets */
        {{0x01, 0xFF, 0xFF}, 3},                   /* int -1 in 2 octets */
        {{0x0D, 0x01, 0x00, 'a'}, 4},              /* string length in 2 octets */
        {{0x64, 0x01, 0x00, 0x00, 0x00, 0x14}, 6}, /* 4-octet common tag, small number */
        {{0x15, 0x24, 0x02, 0x00, 0x24, 0x01, 0x00, 0x18}, 8},       /* members out of order */
        {{0x15, 0x44, 0x01, 0x00, 0x00, 0x24, 0x01, 0x00, 0x18}, 9}, /* profile before context */
    };
    for (size_t i = 0; i < sizeof alt / sizeof alt[0]; i++) {
        assert_ok(read_bytes(alt[i].bytes, alt[i].len, 0));
        assert_int_equal(read_bytes(alt[i].bytes, alt[i].len, ALTROOT_TLV_CANONICAL),
                         ALTROOT_E_MALFORMED);
    }
    /* Negative numbers at their minimal width and sorted members pass. */
    const uint8_t ok[] = {0x15, 0x20, 0x01, 0x80, 0x21, 0x02, 0x7F,
                          0xFF, 0x44, 0x01, 0x00, 0x14, 0x18};
    assert_ok(read_bytes(ok, sizeof ok, ALTROOT_TLV_CANONICAL));
}

static void expect_checks_tag_and_type(void **state)
{
    (void)state;
    const uint8_t in[] = {0x15, 0x24, 0x01, 0x05, 0x18};
    altroot_tlv_reader r;
    altroot_tlv_elem e;
    altroot_tlv_reader_init(&r, SPAN_OF(in), 0);
    assert_ok(altroot_tlv_expect(&r, -1, ALTROOT_TLV_STRUCT, &e));
    assert_ok(altroot_tlv_peek(&r, &e));
    assert_int_equal(e.tag.number, 1);
    assert_int_equal(altroot_tlv_expect(&r, 2, ALTROOT_TLV_UINT, &e), ALTROOT_E_MALFORMED);
    assert_int_equal(altroot_tlv_expect_end(&r), ALTROOT_E_MALFORMED); /* sticky */

    altroot_tlv_reader_init(&r, SPAN_OF(in), 0);
    assert_ok(altroot_tlv_next(&r, &e));
    assert_int_equal(altroot_tlv_expect(&r, 1, ALTROOT_TLV_INT, &e), ALTROOT_E_MALFORMED);
    altroot_tlv_reader_init(&r, SPAN_OF(in), 0);
    assert_ok(altroot_tlv_next(&r, &e));
    assert_ok(altroot_tlv_next(&r, &e));
    uint64_t v;
    assert_int_equal(altroot_tlv_get_uint(&e, 4, &v), ALTROOT_E_MALFORMED);
    assert_ok(altroot_tlv_get_uint(&e, 5, &v));
    assert_int_equal(v, 5);
}

static void writer_output_is_canonical_and_reads_back(void **state)
{
    (void)state;
    altroot_bytes out = ALTROOT_BYTES_INIT;
    altroot_tlv_writer w;
    altroot_tlv_writer_init(&w, &out);
    altroot_tlv_start(&w, altroot_tlv_anon(), ALTROOT_TLV_STRUCT);
    altroot_tlv_put_uint(&w, altroot_tlv_ctx(1), 1);
    altroot_tlv_put_uint(&w, altroot_tlv_ctx(2), 0x100);
    altroot_tlv_put_int(&w, altroot_tlv_ctx(3), -129);
    altroot_tlv_put_bool(&w, altroot_tlv_ctx(4), true);
    altroot_tlv_put_null(&w, altroot_tlv_ctx(5));
    altroot_tlv_put_utf8(&w, altroot_tlv_ctx(6), (altroot_span){(const uint8_t *)"ok", 2});
    altroot_tlv_start(&w, altroot_tlv_ctx(7), ALTROOT_TLV_ARRAY);
    altroot_tlv_put_bytes(&w, altroot_tlv_anon(), (altroot_span){NULL, 0});
    altroot_tlv_end(&w);
    altroot_tlv_put_uint(&w, altroot_tlv_full(0xFFF1, 0, 0x10000), 7);
    altroot_tlv_put_uint(&w, altroot_tlv_implicit(3), 7);
    altroot_tlv_end(&w);
    assert_ok(altroot_tlv_writer_finish(&w));
    const uint8_t want[] = {0x15, 0x24, 0x01, 0x01, 0x25, 0x02, 0x00, 0x01, 0x21, 0x03, 0x7F,
                            0xFF, 0x29, 0x04, 0x34, 0x05, 0x2C, 0x06, 0x02, 'o',  'k',  0x36,
                            0x07, 0x10, 0x00, 0x18, 0xE4, 0xF1, 0xFF, 0x00, 0x00, 0x00, 0x00,
                            0x01, 0x00, 0x07, 0x84, 0x03, 0x00, 0x07, 0x18};
    assert_int_equal(out.len, sizeof want);
    assert_memory_equal(out.ptr, want, sizeof want);
    assert_ok(read_all(altroot_bytes_span(&out), ALTROOT_TLV_CANONICAL));
    altroot_bytes_clear(&out);
}

static void writer_rejects_misuse(void **state)
{
    (void)state;
    altroot_bytes out = ALTROOT_BYTES_INIT;
    altroot_tlv_writer w;
    altroot_tlv_writer_init(&w, &out);
    altroot_tlv_put_uint(&w, altroot_tlv_ctx(1), 1); /* context tag at top level */
    assert_int_equal(altroot_tlv_writer_finish(&w), ALTROOT_E_INTERNAL);
    altroot_bytes_clear(&out);

    altroot_tlv_writer_init(&w, &out);
    altroot_tlv_start(&w, altroot_tlv_anon(), ALTROOT_TLV_ARRAY);
    altroot_tlv_put_uint(&w, altroot_tlv_ctx(1), 1); /* tagged array member */
    altroot_tlv_end(&w);
    assert_int_equal(altroot_tlv_writer_finish(&w), ALTROOT_E_INTERNAL);
    altroot_bytes_clear(&out);

    altroot_tlv_writer_init(&w, &out);
    altroot_tlv_start(&w, altroot_tlv_anon(), ALTROOT_TLV_STRUCT); /* never closed */
    assert_int_equal(altroot_tlv_writer_finish(&w), ALTROOT_E_INTERNAL);
    altroot_bytes_clear(&out);

    altroot_tlv_writer_init(&w, &out);
    altroot_tlv_end(&w); /* nothing open */
    assert_int_equal(altroot_tlv_writer_finish(&w), ALTROOT_E_INTERNAL);
    altroot_bytes_clear(&out);

    altroot_tlv_writer_init(&w, &out);
    altroot_tlv_put_utf8(&w, altroot_tlv_anon(), (altroot_span){(const uint8_t *)"\xC0\x80", 2});
    assert_int_equal(altroot_tlv_writer_finish(&w), ALTROOT_E_INTERNAL);
    altroot_bytes_clear(&out);
}

static void writer_reports_allocation_failure(void **state)
{
    (void)state;
    testutil_install_allocator();
    altroot_bytes out = ALTROOT_BYTES_INIT;
    altroot_tlv_writer w;
    testutil_fail_after(1);
    altroot_tlv_writer_init(&w, &out);
    altroot_tlv_put_uint(&w, altroot_tlv_anon(), 1);
    assert_int_equal(altroot_tlv_writer_finish(&w), ALTROOT_E_NOMEM);
    testutil_fail_after(0);
    altroot_bytes_clear(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_every_type_and_tag_form),
        cmocka_unit_test(every_truncation_fails),
        cmocka_unit_test(trailing_bytes_and_second_elements_fail),
        cmocka_unit_test(structural_violations_are_malformed),
        cmocka_unit_test(oversized_lengths_are_truncation),
        cmocka_unit_test(nesting_is_bounded),
        cmocka_unit_test(canonical_flag_rejects_alternative_encodings),
        cmocka_unit_test(expect_checks_tag_and_type),
        cmocka_unit_test(writer_output_is_canonical_and_reads_back),
        cmocka_unit_test(writer_rejects_misuse),
        cmocka_unit_test(writer_reports_allocation_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
