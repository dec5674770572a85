#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../src/core/text.h"
#include "testutil.h"

static void cursor_reads_in_order_and_stops_at_the_end(void **state)
{
    (void)state;
    const uint8_t data[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09};
    altroot_cursor c;
    altroot_cursor_init(&c, (altroot_span){data, sizeof data});
    assert_int_equal(altroot_cursor_u8(&c), 0x01);
    assert_int_equal(altroot_cursor_be16(&c), 0x0203);
    assert_int_equal(altroot_cursor_le16(&c), 0x0504);
    assert_int_equal(altroot_cursor_remaining(&c), 4);
    assert_int_equal(altroot_cursor_peek_u8(&c), 0x06);
    assert_int_equal(altroot_cursor_be32(&c), 0x06070809);
    assert_ok(altroot_cursor_finish(&c));
}

static void short_reads_are_sticky_errors(void **state)
{
    (void)state;
    const uint8_t data[] = {0xAA, 0xBB, 0xCC};
    altroot_cursor c;
    altroot_cursor_init(&c, (altroot_span){data, sizeof data});
    assert_int_equal(altroot_cursor_be32(&c), 0);
    assert_int_equal(c.err, ALTROOT_E_TRUNCATED);
    /* Once failed, every read gives zero, even one that would fit. */
    assert_int_equal(altroot_cursor_u8(&c), 0);
    altroot_span s = altroot_cursor_span(&c, 1);
    assert_null(s.ptr);
    assert_int_equal(altroot_cursor_remaining(&c), 0);
    assert_int_equal(altroot_cursor_finish(&c), ALTROOT_E_TRUNCATED);
}

static void huge_lengths_do_not_wrap(void **state)
{
    (void)state;
    const uint8_t data[] = {1, 2, 3, 4};
    altroot_cursor c;
    altroot_cursor_init(&c, (altroot_span){data, sizeof data});
    altroot_cursor_u8(&c);
    altroot_span s = altroot_cursor_span(&c, SIZE_MAX);
    assert_null(s.ptr);
    assert_int_equal(c.err, ALTROOT_E_TRUNCATED);
}

static void trailing_bytes_are_reported(void **state)
{
    (void)state;
    const uint8_t data[] = {1, 2};
    altroot_cursor c;
    altroot_cursor_init(&c, (altroot_span){data, sizeof data});
    altroot_cursor_u8(&c);
    assert_int_equal(altroot_cursor_finish(&c), ALTROOT_E_TRAILING_DATA);
}

static void le64_and_be64(void **state)
{
    (void)state;
    const uint8_t d[16] = {1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8};
    altroot_cursor c;
    altroot_cursor_init(&c, (altroot_span){d, sizeof d});
    assert_true(altroot_cursor_be64(&c) == 0x0102030405060708ULL);
    assert_true(altroot_cursor_le64(&c) == 0x0807060504030201ULL);
    assert_ok(altroot_cursor_finish(&c));
}

static void bytes_grow_and_fail_cleanly(void **state)
{
    (void)state;
    altroot_bytes b = ALTROOT_BYTES_INIT;
    for (int i = 0; i < 1000; i++)
        assert_ok(altroot_bytes_append_u8(&b, (uint8_t)i));
    assert_int_equal(b.len, 1000);
    assert_int_equal(b.ptr[999], (uint8_t)999);
    assert_int_equal(altroot_bytes_reserve(&b, ALTROOT_BYTES_MAX), ALTROOT_E_TOO_LARGE);
    assert_int_equal(altroot_bytes_reserve(&b, SIZE_MAX), ALTROOT_E_TOO_LARGE);
    altroot_bytes_clear(&b);
    assert_null(b.ptr);
    altroot_bytes_clear(NULL);

    testutil_install_allocator();
    testutil_fail_after(1);
    assert_int_equal(altroot_bytes_append(&b, "x", 1), ALTROOT_E_NOMEM);
    assert_int_equal(b.len, 0);
    testutil_fail_after(0);
    altroot_set_allocator(NULL);
}

static void hex_round_trip_and_rejects(void **state)
{
    (void)state;
    const uint8_t d[] = {0x00, 0xAB, 0xff};
    char hex[7];
    altroot_hex_encode((altroot_span){d, 3}, hex);
    assert_string_equal(hex, "00abff");
    altroot_bytes b = ALTROOT_BYTES_INIT;
    assert_ok(altroot_hex_decode("00ABff", &b));
    assert_memory_equal(b.ptr, d, 3);
    assert_int_equal(altroot_hex_decode("abc", &b), ALTROOT_E_MALFORMED);
    assert_int_equal(altroot_hex_decode("zz", &b), ALTROOT_E_MALFORMED);
    assert_int_equal(b.len, 3); /* untouched on error */
    altroot_bytes_clear(&b);
}

static void spans_compare(void **state)
{
    (void)state;
    const uint8_t a[] = {1, 2, 3}, b[] = {1, 2, 4};
    assert_true(altroot_span_equal_ct((altroot_span){a, 3}, (altroot_span){a, 3}));
    assert_false(altroot_span_equal_ct((altroot_span){a, 3}, (altroot_span){b, 3}));
    assert_false(altroot_span_equal_ct((altroot_span){a, 3}, (altroot_span){a, 2}));
    assert_true(altroot_span_equal((altroot_span){NULL, 0}, (altroot_span){a, 0}));
}

static void read_file_limits(void **state)
{
    (void)state;
    altroot_bytes b = ALTROOT_BYTES_INIT;
    assert_int_equal(altroot_bytes_read_file(&b, "/nonexistent/altroot", 100), ALTROOT_E_NOT_FOUND);
    assert_int_equal(altroot_bytes_read_file(&b, "/", 100), ALTROOT_E_NOT_REGULAR);
    assert_ok(altroot_bytes_read_file(&b, testutil_data("tls/self-signed.pem"), 1 << 20));
    assert_true(b.len > 100);
    assert_int_equal(altroot_bytes_read_file(&b, testutil_data("tls/self-signed.pem"), 10),
                     ALTROOT_E_TOO_LARGE);
    altroot_bytes_clear(&b);
}

/* A FIFO with no writer would block a reader for ever, and /dev/zero never ends: neither is
 * opened for reading beyond the check on its descriptor. */
static void only_regular_files_are_read(void **state)
{
    (void)state;
    char dir[] = "/tmp/altroot-buf-XXXXXX", fifo[64], file[64];
    assert_non_null(mkdtemp(dir));
    snprintf(fifo, sizeof fifo, "%s/fifo", dir);
    snprintf(file, sizeof file, "%s/file", dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    altroot_bytes b = ALTROOT_BYTES_INIT;
    assert_int_equal(altroot_bytes_read_file(&b, fifo, 100), ALTROOT_E_NOT_REGULAR);
    assert_int_equal(altroot_bytes_read_file(&b, "/dev/zero", 100), ALTROOT_E_NOT_REGULAR);
    assert_int_equal(altroot_bytes_read_file(&b, "/dev/null", 100), ALTROOT_E_NOT_REGULAR);
    assert_null(b.ptr);
    altroot_file_rules rules = {.max_len = 100};
    assert_int_equal(altroot_path_check(fifo, false, &rules), ALTROOT_E_NOT_REGULAR);
    assert_int_equal(altroot_path_check(dir, false, &rules), ALTROOT_E_NOT_REGULAR);
    assert_ok(altroot_path_check(dir, true, &rules));
    /* The trust store's rules: no link, nobody but the owner (or root) may write. */
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fputs("x", f);
    fclose(f);
    assert_int_equal(chmod(file, 0644), 0);
    rules.owner_only = true;
    assert_ok(altroot_file_read(&b, file, &rules));
    assert_int_equal(b.len, 1);
    assert_int_equal(chmod(file, 0664), 0);
    assert_int_equal(altroot_file_read(&b, file, &rules), ALTROOT_E_STORE_WRITABLE);
    assert_int_equal(chmod(file, 0646), 0);
    assert_int_equal(altroot_path_check(file, false, &rules), ALTROOT_E_STORE_WRITABLE);
    assert_int_equal(chmod(file, 0600), 0);
    char link[64];
    snprintf(link, sizeof link, "%s/link", dir);
    assert_int_equal(symlink(file, link), 0);
    assert_ok(altroot_path_check(link, false, &rules));
    rules.no_follow = true;
    assert_int_equal(altroot_path_check(link, false, &rules), ALTROOT_E_STORE_SYMLINK);
    assert_int_equal(altroot_file_read(&b, link, &rules), ALTROOT_E_STORE_SYMLINK);
    altroot_bytes_clear(&b);
    unlink(link);
    unlink(file);
    unlink(fifo);
    rmdir(dir);
}

static void base64_strict(void **state)
{
    (void)state;
    const struct {
        const char *in;
        const char *hex; /* NULL: must be rejected */
    } cases[] = {
        {"", ""},
        {"Zg==", "66"},
        {"Zm8=", "666f"},
        {"Zm9v", "666f6f"},
        {"Zm9v\nYmFy", "666f6f626172"},
        {"Zg=", NULL},
        {"Zg", NULL},
        {"Zh==", NULL},
        {"Zm9=", NULL},
        {"Z===", NULL},
        {"Zm9v!", NULL},
        {"Zg==Zg==", NULL},
        {"-_8=", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        altroot_bytes out = ALTROOT_BYTES_INIT;
        altroot_err err = altroot_base64_decode(
            (altroot_span){(const uint8_t *)cases[i].in, strlen(cases[i].in)}, &out);
        if (cases[i].hex == NULL) {
            if (err != ALTROOT_E_MALFORMED)
                fail_msg("\"%s\" accepted", cases[i].in);
        } else {
            assert_ok(err);
            char hex[64];
            altroot_hex_encode(altroot_bytes_span(&out), hex);
            assert_string_equal(hex, cases[i].hex);
        }
        altroot_bytes_clear(&out);
    }
}

/* The options the Matter and FDO text forms use: each case is decoded with `flags`. */
static void text_decoder_options(void **state)
{
    (void)state;
    const struct {
        int base64; /* 0: hex */
        unsigned flags;
        const char *in;
        const char *hex; /* NULL: must be rejected */
    } cases[] = {
        {0, 0, "0a 0b", NULL},
        {0, ALTROOT_HEX_SKIP_SPACE, "0a 0b", "0a0b"},
        {0, ALTROOT_HEX_SKIP_SPACE, "0 a\n0b", "0a0b"},
        {0, ALTROOT_HEX_SKIP_SPACE, "0a0", NULL},
        {1, ALTROOT_B64_PAD_OPTIONAL, "Zg", "66"},
        {1, ALTROOT_B64_PAD_OPTIONAL, "Zg=", "66"},
        {1, ALTROOT_B64_PAD_OPTIONAL, "Zm9v==", "666f6f"},
        {1, ALTROOT_B64_PAD_OPTIONAL, "Zh", NULL},
        {1, ALTROOT_B64_PAD_OPTIONAL, "Z", NULL},
        {1, ALTROOT_B64_PAD_OPTIONAL, "Zg===", NULL},
        {1, ALTROOT_B64_NONCANONICAL, "Zh==", "66"},
        {1, ALTROOT_B64_NONCANONICAL, "Zm9=", "666f"},
        {1, ALTROOT_B64_NONCANONICAL, "Zh", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        altroot_bytes out = ALTROOT_BYTES_INIT;
        altroot_span in = {(const uint8_t *)cases[i].in, strlen(cases[i].in)};
        altroot_err err = cases[i].base64 ? altroot_base64_decode_append(in, cases[i].flags, &out)
                                          : altroot_hex_decode_append(in, cases[i].flags, &out);
        if (cases[i].hex == NULL) {
            if (err != ALTROOT_E_MALFORMED)
                fail_msg("\"%s\" accepted with flags %u", cases[i].in, cases[i].flags);
        } else {
            assert_ok(err);
            char hex[64];
            altroot_hex_encode(altroot_bytes_span(&out), hex);
            assert_string_equal(hex, cases[i].hex);
        }
        altroot_bytes_clear(&out);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cursor_reads_in_order_and_stops_at_the_end),
        cmocka_unit_test(short_reads_are_sticky_errors),
        cmocka_unit_test(huge_lengths_do_not_wrap),
        cmocka_unit_test(trailing_bytes_are_reported),
        cmocka_unit_test(le64_and_be64),
        cmocka_unit_test(bytes_grow_and_fail_cleanly),
        cmocka_unit_test(hex_round_trip_and_rejects),
        cmocka_unit_test(spans_compare),
        cmocka_unit_test(read_file_limits),
        cmocka_unit_test(only_regular_files_are_read),
        cmocka_unit_test(base64_strict),
        cmocka_unit_test(text_decoder_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
