/* The strict CBOR reader and writer (src/encoding/cbor.h), cross-checked with libcbor. */
#include <string.h>

#include <cbor.h>

#include "encoding/cbor.h"
#include "testutil.h"

static altroot_err dec(const uint8_t *b, size_t n, altroot_cbor_item *out)
{
    return altroot_cbor_decode((altroot_span){b, n}, out);
}

#define DEC(code, ...)                                                                             \
    do {                                                                                           \
        static const uint8_t in_[] = {__VA_ARGS__};                                                \
        altroot_cbor_item it_;                                                                     \
        assert_int_equal(dec(in_, sizeof in_, &it_), (code));                                      \
    } while (0)

/* libcbor agrees that what we accept is one well-formed item of exactly that length. (libcbor
 * < 0.11 rejects tags 6..20, COSE_Sign1's 18 among them: PJK/libcbor issue #307; the samples
 * here use other tags.) */
static void libcbor_agrees(const uint8_t *b, size_t n)
{
    struct cbor_load_result res;
    cbor_item_t *item = cbor_load(b, n, &res);
    assert_non_null(item);
    assert_int_equal(res.error.code, CBOR_ERR_NONE);
    assert_int_equal(res.read, n);
    cbor_decref(&item);
}

static void accepts_and_keeps_spans(void **state)
{
    (void)state;
    /* [1, -2, h'0102', "a", {1: null}, 1(1), true, 1.5 (half)] */
    static const uint8_t in[] = {0x88, 0x01, 0x21, 0x42, 0x01, 0x02, 0x61, 'a', 0xa1,
                                 0x01, 0xf6, 0xc1, 0x01, 0xf5, 0xf9, 0x3e, 0x00};
    altroot_cbor_item top, x;
    assert_ok(dec(in, sizeof in, &top));
    libcbor_agrees(in, sizeof in);
    assert_int_equal(top.raw.len, sizeof in);
    altroot_cbor_iter it;
    assert_int_equal(altroot_cbor_array(&top, 7, &it), ALTROOT_E_CBOR_TYPE);
    assert_ok(altroot_cbor_array(&top, 8, &it));
    uint64_t u;
    int64_t i;
    altroot_span s;
    assert_ok(altroot_cbor_next(&it, &x));
    assert_ok(altroot_cbor_uint(&x, &u));
    assert_int_equal(u, 1);
    assert_ok(altroot_cbor_next(&it, &x));
    assert_ok(altroot_cbor_int(&x, &i));
    assert_int_equal(i, -2);
    assert_int_equal(altroot_cbor_uint(&x, &u), ALTROOT_E_CBOR_TYPE);
    assert_ok(altroot_cbor_next(&it, &x));
    assert_ok(altroot_cbor_bstr(&x, &s));
    assert_int_equal(s.len, 2);
    assert_ptr_equal(s.ptr, in + 4); /* a view into the input, not a copy */
    assert_ok(altroot_cbor_next(&it, &x));
    assert_ok(altroot_cbor_tstr(&x, &s));
    assert_ok(altroot_cbor_next(&it, &x));
    altroot_cbor_item v;
    assert_ok(altroot_cbor_map_find(&x, 1, &v));
    assert_true(altroot_cbor_is_null(&v));
    assert_int_equal(altroot_cbor_map_find(&x, 2, &v), ALTROOT_E_NOT_FOUND);
    assert_ok(altroot_cbor_next(&it, &x));
    assert_int_equal(x.major, ALTROOT_CBOR_TAG);
    assert_int_equal(x.arg, 1);
    assert_int_equal(x.raw.len, 2);
    assert_ok(altroot_cbor_next(&it, &x));
    assert_ok(altroot_cbor_next(&it, &x));
    assert_true(x.is_float);
    assert_int_equal(altroot_cbor_next(&it, &x), ALTROOT_E_CBOR_TYPE);
}

static void rejects_what_fdo_forbids(void **state)
{
    (void)state;
    DEC(ALTROOT_E_TRAILING_DATA, 0x01, 0x02);
    DEC(ALTROOT_E_CBOR_INDEFINITE, 0x9f, 0x01, 0xff);
    DEC(ALTROOT_E_CBOR_INDEFINITE, 0x5f, 0x41, 0x00, 0xff);
    DEC(ALTROOT_E_CBOR_NONCANONICAL, 0x18, 0x05);
    DEC(ALTROOT_E_CBOR_NONCANONICAL, 0x19, 0x00, 0xff);
    DEC(ALTROOT_E_CBOR_NONCANONICAL, 0x98, 0x01, 0x01);
    DEC(ALTROOT_E_CBOR_MALFORMED, 0x1c);
    DEC(ALTROOT_E_CBOR_MALFORMED, 0xff);
    DEC(ALTROOT_E_CBOR_MALFORMED, 0xf8, 0x10);
    DEC(ALTROOT_E_CBOR_MALFORMED, 0x45, 0x01);
    DEC(ALTROOT_E_CBOR_MALFORMED, 0x82, 0x01);
    DEC(ALTROOT_E_CBOR_MALFORMED, 0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
    DEC(ALTROOT_E_CBOR_UTF8, 0x62, 0xc3, 0x28);
    DEC(ALTROOT_E_CBOR_UTF8, 0x63, 0xed, 0xa0, 0x80); /* a surrogate */
    DEC(ALTROOT_E_CBOR_UTF8, 0x62, 0xc0, 0xaf);       /* overlong */
    DEC(ALTROOT_E_CBOR_DUPLICATE_KEY, 0xa2, 0x01, 0x01, 0x01, 0x02);
    uint8_t deep[40];
    memset(deep, 0x81, sizeof deep);
    deep[sizeof deep - 1] = 0x00;
    altroot_cbor_item it;
    assert_int_equal(dec(deep, sizeof deep, &it), ALTROOT_E_CBOR_LIMIT);
    assert_ok(dec(deep + 20, 20, &it));
    assert_int_equal(altroot_cbor_decode((altroot_span){NULL, 0}, &it), ALTROOT_E_CBOR_MALFORMED);
}

/* The writer uses the shortest heads: what it writes decodes strictly and libcbor agrees. */
static void writer_round_trips(void **state)
{
    (void)state;
    static const int64_t values[] = {0,      23,           24,           255,       256,      65535,
                                     65536,  -1,           -24,          -25,       -256,     -257,
                                     -65537, 4294967295LL, 4294967296LL, INT64_MAX, INT64_MIN};
    for (size_t k = 0; k < sizeof values / sizeof values[0]; k++) {
        altroot_bytes b = ALTROOT_BYTES_INIT;
        assert_ok(altroot_cbor_put_int(&b, values[k]));
        altroot_cbor_item it;
        int64_t back;
        assert_ok(altroot_cbor_decode(altroot_bytes_span(&b), &it));
        assert_ok(altroot_cbor_int(&it, &back));
        assert_int_equal(back, values[k]);
        libcbor_agrees(b.ptr, b.len);
        altroot_bytes_clear(&b);
    }
    altroot_bytes b = ALTROOT_BYTES_INIT;
    static const uint8_t data[300] = {0};
    assert_ok(altroot_cbor_put_head(&b, ALTROOT_CBOR_ARRAY, 3));
    assert_ok(altroot_cbor_put_bstr(&b, (altroot_span){data, sizeof data}));
    assert_ok(altroot_cbor_put_tstr(&b, "fdo", 3));
    assert_ok(altroot_cbor_put_null(&b));
    altroot_cbor_item it, inner;
    assert_ok(altroot_cbor_decode(altroot_bytes_span(&b), &it));
    libcbor_agrees(b.ptr, b.len);
    assert_int_equal(b.ptr[1], 0x59); /* bstr, two-byte length */
    assert_int_equal(altroot_cbor_unwrap(&it, &inner), ALTROOT_E_CBOR_TYPE);
    altroot_bytes_clear(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(accepts_and_keeps_spans),
        cmocka_unit_test(rejects_what_fdo_forbids),
        cmocka_unit_test(writer_round_trips),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
