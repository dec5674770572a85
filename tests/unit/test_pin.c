/* Pins: the file format (every rule has a negative), canonical names, the store, and applying a
 * pin to a verdict (docs/trust-store.md "Pins", decision rules 2 and 5). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

#define ID "spki-sha256:00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
#define ID2 "spki-sha256:ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100"
#define GOOD                                                                                       \
    "{\"version\": 1, \"name\": \"printer.home.arpa\", \"root\": \"matter\", \"identity\": \"" ID  \
    "\", \"pinned_at\": \"2026-11-28T10:00:00Z\", \"description\": \"vendor_id 0xFFF1\"}"

static altroot_err parse(const char *text, altroot_pin *pin, char *detail)
{
    return altroot_pin_parse((altroot_span){(const uint8_t *)text, strlen(text)}, pin, detail, 160);
}

static void parses_a_good_pin(void **state)
{
    (void)state;
    altroot_pin pin;
    char detail[160];
    assert_ok(parse(GOOD, &pin, detail));
    assert_string_equal(pin.name, "printer.home.arpa");
    assert_string_equal(pin.root, "matter");
    assert_string_equal(pin.identity, ID);
    assert_string_equal(pin.description, "vendor_id 0xFFF1");
    char at[ALTROOT_TIME_STR_LEN];
    altroot_time_format(pin.pinned_at, at);
    assert_string_equal(at, "2026-11-28T10:00:00Z");
    /* The written form reads back the same. */
    altroot_bytes text = ALTROOT_BYTES_INIT;
    assert_ok(altroot_pin_format(&pin, &text));
    altroot_pin again;
    assert_ok(altroot_pin_parse(altroot_bytes_span(&text), &again, detail, sizeof detail));
    assert_string_equal(again.identity, pin.identity);
    assert_string_equal(again.description, pin.description);
    assert_int_equal(again.pinned_at, pin.pinned_at);
    altroot_pin_clear(&again);
    altroot_bytes_clear(&text);
    altroot_pin_clear(&pin);
}

static void rejects_every_broken_rule(void **state)
{
    (void)state;
    const struct {
        const char *json, *needle;
    } cases[] = {
        {"", "not JSON"},
        {"[1]", "not a JSON object"},
        {GOOD " {}", "not JSON"},
        {"{\"version\": 1, \"version\": 1}", "not JSON"}, /* duplicate member */
        {"{\"version\": 2, \"name\": \"a\"}", "\"version\""},
        {"{\"version\": \"1\"}", "\"version\""},
        {"{\"version\": 1, \"name\": \"a\", \"extra\": 1}", "unknown member"},
        {"{\"version\": 1, \"root\": \"matter\"}", "\"name\" is missing"},
        {"{\"version\": 1, \"name\": 7}", "\"name\" is not a string"},
        {"{\"version\": 1, \"name\": \"Printer.home.arpa\", \"root\": \"matter\", \"identity\": "
         "\"" ID "\", \"pinned_at\": \"2026-11-28T10:00:00Z\"}",
         "canonical"},
        {"{\"version\": 1, \"name\": \"a..b\", \"root\": \"matter\", \"identity\": \"" ID
         "\", \"pinned_at\": \"2026-11-28T10:00:00Z\"}",
         "canonical"},
        {"{\"version\": 1, \"name\": \"a b\", \"root\": \"matter\", \"identity\": \"" ID
         "\", \"pinned_at\": \"2026-11-28T10:00:00Z\"}",
         "canonical"},
        {"{\"version\": 1, \"name\": \"0:0::1\", \"root\": \"matter\", \"identity\": \"" ID
         "\", \"pinned_at\": \"2026-11-28T10:00:00Z\"}",
         "canonical"},
        {"{\"version\": 1, \"name\": \"a\", \"root\": \"mud\", \"identity\": \"" ID
         "\", \"pinned_at\": \"2026-11-28T10:00:00Z\"}",
         "\"root\""},
        {"{\"version\": 1, \"name\": \"a\", \"root\": \"fdo\", \"identity\": \"spki-sha256:00\", "
         "\"pinned_at\": \"2026-11-28T10:00:00Z\"}",
         "\"identity\""},
        {"{\"version\": 1, \"name\": \"a\", \"root\": \"fdo\", \"identity\": "
         "\"spki-sha256:00112233445566778899AABBCCDDEEFF00112233445566778899aabbccddeeff\", "
         "\"pinned_at\": \"2026-11-28T10:00:00Z\"}",
         "\"identity\""},
        {"{\"version\": 1, \"name\": \"a\", \"root\": \"fdo\", \"identity\": \"" ID
         "\", \"pinned_at\": \"2026-11-28\"}",
         "\"pinned_at\""},
        {"{\"version\": 1, \"name\": \"a\", \"root\": \"fdo\", \"identity\": \"" ID
         "\", \"pinned_at\": \"2026-11-28T11:00:00+01:00\"}",
         "\"pinned_at\""},
        {"{\"version\": 1, \"name\": \"a\", \"root\": \"fdo\", \"identity\": \"" ID
         "\", \"pinned_at\": \"2026-11-28T10:00:00Z\", \"description\": 5}",
         "\"description\" is not a string"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        altroot_pin pin;
        char detail[160];
        altroot_err err = parse(cases[i].json, &pin, detail);
        if (err != ALTROOT_E_PIN_FILE || strstr(detail, cases[i].needle) == NULL)
            fail_msg("case %zu: %s \"%s\", expected E_PIN_FILE with \"%s\"", i,
                     altroot_error_name(err), detail, cases[i].needle);
        assert_null(pin.name);
    }
    /* Too large, and a description longer than the limit. */
    char *big = calloc(1, ALTROOT_PIN_FILE_MAX + 2);
    assert_non_null(big);
    memset(big, ' ', ALTROOT_PIN_FILE_MAX + 1);
    altroot_pin pin;
    char detail[160];
    assert_int_equal(parse(big, &pin, detail), ALTROOT_E_TOO_LARGE);
    int n = snprintf(big, ALTROOT_PIN_FILE_MAX,
                     "{\"version\": 1, \"name\": \"a\", \"root\": \"fdo\", \"identity\": \"" ID
                     "\", \"pinned_at\": \"2026-11-28T10:00:00Z\", \"description\": \"");
    memset(big + n, 'x', 600);
    memcpy(big + n + 600, "\"}", sizeof "\"}");
    assert_int_equal(parse(big, &pin, detail), ALTROOT_E_PIN_FILE);
    assert_non_null(strstr(detail, "longer"));
    free(big);
}

static void canonical_names(void **state)
{
    (void)state;
    char out[ALTROOT_PIN_NAME_MAX + 1];
    assert_ok(altroot_pin_name("Printer.Home.ARPA.", out, sizeof out));
    assert_string_equal(out, "printer.home.arpa");
    assert_ok(altroot_pin_name("0:0:0::1", out, sizeof out));
    assert_string_equal(out, "::1");
    assert_ok(altroot_pin_name("127.0.0.1", out, sizeof out));
    assert_string_equal(out, "127.0.0.1");
    /* An IPv4-mapped IPv6 address names the IPv4 device: the same pin. */
    assert_ok(altroot_pin_name("::ffff:192.168.1.10", out, sizeof out));
    assert_string_equal(out, "192.168.1.10");
    const char *bad[] = {"", ".", ".a", "a..b", "a b", "a/b", "a.b..", "\xc3\xa9.local"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (altroot_pin_name(bad[i], out, sizeof out) != ALTROOT_E_ARG)
            fail_msg("\"%s\" was accepted", bad[i]);
    char longname[300];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    assert_int_equal(altroot_pin_name(longname, out, sizeof out), ALTROOT_E_ARG);
}

/* A store directory with pins/ holding the given files. */
static char *store_dir(const char *const *names, const char *const *texts, size_t n)
{
    static char dir[64];
    strcpy(dir, "/tmp/altroot-pin-XXXXXX");
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/pins", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    for (size_t i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/pins/%s", dir, names[i]);
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs(texts[i], f);
        fclose(f);
    }
    return dir;
}

static void remove_dir(const char *dir)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static altroot_trust_store *load(const char *dir)
{
    altroot_trust_options o = {.dir = dir, .webpki_bundle = ""};
    altroot_trust_store *s = NULL;
    assert_ok(altroot_trust_store_load(&o, &s));
    return s;
}

static void store_loads_and_reports_pins(void **state)
{
    (void)state;
    const char *names[] = {"a.json", "b.json"};
    const char *texts[] = {GOOD, "{\"version\": 1}"};
    char *dir = store_dir(names, texts, 2);
    altroot_trust_store *s = load(dir);
    const altroot_failures *p = altroot_trust_store_problems(s);
    assert_int_equal(p->count, 1);
    assert_non_null(strstr(p->items[0].where, "b.json"));
    assert_non_null(strstr(p->items[0].detail, "E_PIN_FILE"));
    const char *file = NULL;
    const altroot_pin *pin = altroot_trust_store_pin(s, "PRINTER.home.arpa.", &file);
    assert_non_null(pin);
    assert_non_null(strstr(file, "a.json"));
    assert_null(altroot_trust_store_pin(s, "scanner.home.arpa", NULL));
    altroot_trust_store_free(s);
    remove_dir(dir);
    /* Two pins for one name: the second is a problem naming the first. */
    const char *twice[] = {GOOD, GOOD};
    dir = store_dir(names, twice, 2);
    s = load(dir);
    p = altroot_trust_store_problems(s);
    assert_int_equal(p->count, 1);
    assert_non_null(strstr(p->items[0].detail, "a second pin"));
    altroot_trust_store_free(s);
    remove_dir(dir);
}

static altroot_root_result *attesting(altroot_verdict *v, const char *root, const char *id)
{
    altroot_root_result *r = NULL;
    assert_ok(altroot_verdict_add_root(v, root, ALTROOT_MODE_SECONDARY, &r));
    r->status = ALTROOT_ROOT_VERIFIED;
    r->attestation = true;
    assert_ok(altroot_set_string(&r->identity, id));
    assert_ok(altroot_facts_add(&r->attested, "vendor_id", "0xFFF1"));
    return r;
}

static void apply_and_decide(void **state)
{
    (void)state;
    const char *names[] = {"a.json"};
    const char *texts[] = {GOOD};
    char *dir = store_dir(names, texts, 1);
    altroot_trust_store *s = load(dir);
    /* The pinned unit: bound by pin, rule 5. */
    altroot_verdict v;
    altroot_verdict_init(&v);
    attesting(&v, "matter", ID);
    assert_ok(altroot_set_string(&v.name.name, "printer.home.arpa"));
    assert_ok(altroot_pins_apply(s, "printer.home.arpa", &v));
    assert_true(v.name.pin_matched);
    assert_string_equal(v.name.method, "pin");
    assert_string_equal(v.name.by, "matter");
    assert_ok(altroot_verdict_decide(&v));
    assert_int_equal(v.rule, 5);
    altroot_verdict_clear(&v);
    /* The pinned unit's identity on a leaf past its notAfter: the pin does not revive it. */
    altroot_verdict_init(&v);
    attesting(&v, "matter", ID);
    v.at = 1800000000;
    v.chain_length = 1;
    v.leaf.not_before = 1700000000;
    v.leaf.not_after = 1800000000 - 9 * 86400;
    assert_ok(altroot_set_string(&v.name.name, "printer.home.arpa"));
    assert_ok(altroot_pins_apply(s, "printer.home.arpa", &v));
    assert_ok(altroot_verdict_decide(&v));
    assert_int_equal(v.decision, ALTROOT_DECISION_UNTRUSTED);
    assert_int_equal(v.rule, 7);
    assert_int_equal(v.failures.items[0].code, ALTROOT_E_CERT_EXPIRED);
    altroot_verdict_clear(&v);
    /* Same identity under another root, or another identity: rule 2. */
    const char *roots[] = {"devid", "matter"};
    const char *ids[] = {ID, ID2};
    for (int i = 0; i < 2; i++) {
        altroot_verdict_init(&v);
        attesting(&v, roots[i], ids[i]);
        assert_ok(altroot_pins_apply(s, "printer.home.arpa", &v));
        assert_false(v.name.pin_matched);
        assert_false(v.name.bound);
        assert_ok(altroot_verdict_decide(&v));
        assert_int_equal(v.rule, 2);
        assert_true(altroot_failures_has(&v.failures, ALTROOT_E_PIN_MISMATCH));
        altroot_verdict_clear(&v);
    }
    /* A failed root with the pinned identity proves nothing. */
    altroot_verdict_init(&v);
    attesting(&v, "matter", ID)->status = ALTROOT_ROOT_FAILED;
    assert_ok(altroot_pins_apply(s, "printer.home.arpa", &v));
    assert_false(v.name.pin_matched);
    altroot_verdict_clear(&v);
    /* Another name: no pin applies. */
    altroot_verdict_init(&v);
    attesting(&v, "matter", ID2);
    assert_ok(altroot_pins_apply(s, "scanner.home.arpa", &v));
    assert_null(v.name.pin);
    assert_ok(altroot_verdict_decide(&v));
    assert_int_equal(v.rule, 6);
    /* ... and a pin made from it names that unit. */
    altroot_pin pin;
    assert_ok(altroot_pin_from_verdict(&v, "Scanner.home.arpa", 1700000000, &pin));
    assert_string_equal(pin.name, "scanner.home.arpa");
    assert_string_equal(pin.identity, ID2);
    assert_string_equal(pin.description, "vendor_id 0xFFF1");
    altroot_pin_clear(&pin);
    altroot_verdict_clear(&v);
    /* Nothing attested: nothing to pin. */
    altroot_verdict_init(&v);
    assert_int_equal(altroot_pin_from_verdict(&v, "a", 0, &pin), ALTROOT_E_PIN_NOTHING);
    altroot_verdict_clear(&v);
    altroot_trust_store_free(s);
    remove_dir(dir);
}

static void save_writes_atomically_and_refuses_to_overwrite(void **state)
{
    (void)state;
    char *dir = store_dir(NULL, NULL, 0);
    altroot_pin pin;
    char detail[160], path[512], again[512];
    assert_ok(parse(GOOD, &pin, detail));
    assert_ok(altroot_pin_save(dir, &pin, NULL, path, sizeof path));
    assert_non_null(strstr(path, "/pins/printer.home.arpa.json"));
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(altroot_pin_save(dir, &pin, NULL, again, sizeof again), ALTROOT_E_PIN_EXISTS);
    assert_ok(altroot_pin_save(dir, &pin, path, again, sizeof again));
    assert_string_equal(again, path);
    /* An IPv6 name: ':' becomes '_' in the file name; the store reads it back. */
    altroot_pin_clear(&pin);
    assert_ok(parse("{\"version\": 1, \"name\": \"::1\", \"root\": \"devid\", \"identity\": \"" ID
                    "\", \"pinned_at\": \"2026-11-28T10:00:00Z\"}",
                    &pin, detail));
    assert_ok(altroot_pin_save(dir, &pin, NULL, path, sizeof path));
    assert_non_null(strstr(path, "/pins/__1.json"));
    altroot_trust_store *s = load(dir);
    assert_int_equal(altroot_trust_store_problems(s)->count, 0);
    assert_non_null(altroot_trust_store_pin(s, "0::1", NULL));
    assert_non_null(altroot_trust_store_pin(s, "printer.home.arpa", NULL));
    altroot_trust_store_free(s);
    /* Nothing but the two pins is left behind. */
    char cmd[256];
    snprintf(cmd, sizeof cmd, "test $(ls -A '%s/pins' | wc -l) -eq 2", dir);
    assert_int_equal(system(cmd), 0);
    /* A store without pins/ yet: the folder is made 0700, and the store then loads. */
    char fresh[] = "/tmp/altroot-pin-XXXXXX";
    assert_non_null(mkdtemp(fresh));
    assert_ok(altroot_pin_save(fresh, &pin, NULL, path, sizeof path));
    char pins[64];
    snprintf(pins, sizeof pins, "%s/pins", fresh);
    assert_int_equal(stat(pins, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    s = load(fresh);
    assert_int_equal(altroot_trust_store_problems(s)->count, 0);
    altroot_trust_store_free(s);
    remove_dir(fresh);
    /* An unwritable place is E_IO. */
    assert_int_equal(altroot_pin_save("/proc/altroot-none", &pin, NULL, path, sizeof path),
                     ALTROOT_E_IO);
    altroot_pin_clear(&pin);
    remove_dir(dir);
}

static void allocation_failures_are_clean(void **state)
{
    (void)state;
    testutil_install_allocator();
    for (long n = 1;; n++) {
        altroot_pin pin;
        char detail[160];
        altroot_bytes text = ALTROOT_BYTES_INIT;
        testutil_fail_after(n);
        altroot_err err = parse(GOOD, &pin, detail);
        if (err == ALTROOT_OK)
            err = altroot_pin_format(&pin, &text);
        testutil_fail_after(0);
        altroot_bytes_clear(&text);
        altroot_pin_clear(&pin);
        if (err == ALTROOT_OK)
            break;
        assert_int_equal(err, ALTROOT_E_NOMEM);
        assert_true(n < 100);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_a_good_pin),
        cmocka_unit_test(rejects_every_broken_rule),
        cmocka_unit_test(canonical_names),
        cmocka_unit_test(store_loads_and_reports_pins),
        cmocka_unit_test(apply_and_decide),
        cmocka_unit_test(save_writes_atomically_and_refuses_to_overwrite),
        cmocka_unit_test(allocation_failures_are_clean),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
