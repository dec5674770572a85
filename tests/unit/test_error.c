#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static const struct {
    altroot_err code;
    const char *name;
} all[] = {
#define E_(name, value, msg) {ALTROOT_##name, #name},
    ALTROOT_ERROR_LIST(E_)
#undef E_
};

static void every_code_has_a_unique_name_and_message(void **state)
{
    (void)state;
    size_t n = sizeof all / sizeof all[0];
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(altroot_error_name(all[i].code), all[i].name);
        assert_string_not_equal(altroot_strerror(all[i].code), "unknown error");
        for (size_t j = i + 1; j < n; j++) {
            assert_int_not_equal(all[i].code, all[j].code);
            assert_string_not_equal(all[i].name, all[j].name);
        }
    }
    assert_string_equal(altroot_strerror((altroot_err)12345), "unknown error");
    assert_string_equal(altroot_error_name((altroot_err)12345), "E_UNKNOWN");
}

static void categories_follow_the_numbering(void **state)
{
    (void)state;
    assert_string_equal(altroot_error_category(ALTROOT_OK), "ok");
    assert_string_equal(altroot_error_category(ALTROOT_E_USAGE), "usage");
    assert_string_equal(altroot_error_category(ALTROOT_E_IO), "io");
    assert_string_equal(altroot_error_category(ALTROOT_E_DER), "malformed");
    assert_string_equal(altroot_error_category(ALTROOT_E_SIGNATURE), "signature");
    assert_string_equal(altroot_error_category(ALTROOT_E_NAME_MISMATCH), "policy");
    assert_string_equal(altroot_error_category(ALTROOT_E_NOMEM), "internal");
    assert_string_equal(altroot_error_category(ALTROOT_E_GATEWAY_DB), "gateway");
}

/* docs/errors.md (and docs/errors-<area>.md for the roots of trust) is the published list:
 * every code must appear there with its number. */
static void append_doc(altroot_bytes *doc, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/../../docs/%s", getenv("ALTROOT_TEST_DATA"), name);
    altroot_bytes part = ALTROOT_BYTES_INIT;
    if (altroot_bytes_read_file(&part, path, 1 << 20) == ALTROOT_OK)
        assert_ok(altroot_bytes_append(doc, part.ptr, part.len));
    altroot_bytes_clear(&part);
}

static void documentation_lists_every_code(void **state)
{
    (void)state;
    altroot_bytes doc = ALTROOT_BYTES_INIT;
    static const char *const files[] = {"errors.md",     "errors-matter.md",   "errors-devid.md",
                                        "errors-fdo.md", "errors-evidence.md", "errors-gateway.md"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        append_doc(&doc, files[i]);
    assert_ok(altroot_bytes_append_u8(&doc, 0));
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        char row[128];
        snprintf(row, sizeof row, "| %d | `%s` |", (int)all[i].code, all[i].name);
        if (strstr((const char *)doc.ptr, row) == NULL)
            fail_msg("docs/errors*.md lacks the row \"%s\"", row);
    }
    altroot_bytes_clear(&doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_code_has_a_unique_name_and_message),
        cmocka_unit_test(categories_follow_the_numbering),
        cmocka_unit_test(documentation_lists_every_code),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
