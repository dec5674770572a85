/*
 * altroot-browser [--anchors DIR] [--webpki FILE|none] [--at TIME] URL
 * altroot-browser --headless-check URL --screenshot FILE.png --report FILE.json
 *                 [--anchors DIR] [--webpki FILE|none] [--at TIME] [--timeout SEC]
 *                 [--headless-pin]
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "browser.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: altroot-browser [--anchors DIR] [--webpki FILE|none] [--at TIME] [URL]\n"
            "       altroot-browser --headless-check URL --screenshot FILE.png --report "
            "FILE.json\n"
            "                       [--anchors DIR] [--webpki FILE|none] [--at TIME] "
            "[--timeout SEC]\n"
            "                       [--headless-pin]\n"
            "A WebKitGTK browser whose TLS decision is made by altroot with your anchors.\n"
            "The headless check exits 0 when the page is trusted, 1 when it is not, 2 when it\n"
            "could not be checked. --headless-pin presses \"Pin this device\" when it is\n"
            "enabled (without asking) and reports the page opened after pinning.\n");
}

static bool parse_timeout(const char *s, int *out)
{
    char *end = NULL;
    long v = strtol(s, &end, 10);
    if (end == s || *end != '\0' || v <= 0 || v > 3600)
        return false;
    *out = (int)v;
    return true;
}

/* One option with a value; returns false after printing a usage error. */
static bool set_option(ab_options *o, const char *opt, const char *val)
{
    if (strcmp(opt, "--anchors") == 0) {
        o->anchors = val;
    } else if (strcmp(opt, "--webpki") == 0) {
        o->webpki = strcmp(val, "none") == 0 ? "" : val;
    } else if (strcmp(opt, "--at") == 0) {
        if (altroot_time_parse_rfc3339(val, &o->at) != ALTROOT_OK) {
            fprintf(stderr, "altroot-browser: --at %s: not an RFC 3339 time (E_TIME_FORMAT)\n",
                    val);
            return false;
        }
        o->at_given = true;
    } else if (strcmp(opt, "--headless-check") == 0) {
        o->headless = true;
        o->url = val;
    } else if (strcmp(opt, "--screenshot") == 0) {
        o->screenshot = val;
    } else if (strcmp(opt, "--report") == 0) {
        o->report = val;
    } else if (!parse_timeout(val, &o->timeout_s)) {
        fprintf(stderr, "altroot-browser: --timeout %s: expected whole seconds in 1..3600\n", val);
        return false;
    }
    return true;
}

static bool takes_value(const char *opt)
{
    static const char *const opts[] = {"--anchors",    "--webpki", "--at",     "--headless-check",
                                       "--screenshot", "--report", "--timeout"};
    for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++)
        if (strcmp(opt, opts[i]) == 0)
            return true;
    return false;
}

/* Returns 0 to go on, or an exit code (after printing). */
static int parse_args(ab_options *o, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return -1;
        }
        if (strcmp(argv[i], "--headless-pin") == 0) {
            o->headless_pin = true;
            continue;
        }
        bool has_value = takes_value(argv[i]);
        if (has_value && i + 1 >= argc) {
            fprintf(stderr, "altroot-browser: %s needs a value\n", argv[i]);
            return AB_EXIT_USAGE;
        }
        if (has_value && !set_option(o, argv[i], argv[i + 1]))
            return AB_EXIT_USAGE;
        if (has_value) {
            i++;
        } else if (argv[i][0] == '-' || o->url != NULL) {
            fprintf(stderr, "altroot-browser: unexpected argument \"%s\"\n", argv[i]);
            usage(stderr);
            return AB_EXIT_USAGE;
        } else {
            o->url = argv[i];
        }
    }
    return 0;
}

/* The headless check needs its outputs and an https:// URL the library can parse. */
static bool check_headless_args(const ab_options *o)
{
    if (o->headless_pin && !o->headless) {
        fprintf(stderr, "altroot-browser: --headless-pin needs --headless-check\n");
        return false;
    }
    if (o->screenshot == NULL || o->report == NULL) {
        fprintf(stderr, "altroot-browser: --headless-check needs --screenshot and --report\n");
        return false;
    }
    altroot_url parsed;
    altroot_err err = altroot_url_parse(o->url, &parsed);
    if (err != ALTROOT_OK) {
        fprintf(stderr, "altroot-browser: %s: %s (%s)\n", o->url, altroot_strerror(err),
                altroot_error_name(err));
        return false;
    }
    altroot_url_clear(&parsed);
    return true;
}

/* One problem of a trust store as a line: "WHERE: DETAIL (CODE)". */
static void add_problem(GString *lines, const char *where, const char *detail, altroot_err code)
{
    g_string_append_printf(lines, "%s%s: %s (%s)", lines->len > 0 ? "\n" : "", where, detail,
                           altroot_error_name(code));
}

/* The same store as `altroot --anchors DIR`, refused as a whole if any anchor is unusable. */
char *ab_store_load(const ab_options *o, altroot_trust_store **out)
{
    altroot_trust_options to = {o->anchors, o->webpki};
    altroot_trust_store *store = NULL;
    GString *lines = g_string_new(NULL);
    altroot_failures unsafe = {0};
    altroot_err err = altroot_trust_store_load_report(&to, &store, &unsafe);
    for (size_t i = 0; i < unsafe.count; i++)
        add_problem(lines, unsafe.items[i].where, unsafe.items[i].detail, unsafe.items[i].code);
    altroot_failures_clear(&unsafe);
    if (err != ALTROOT_OK) {
        add_problem(lines, o->anchors != NULL ? o->anchors : "trust store", altroot_strerror(err),
                    err);
        return g_string_free(lines, FALSE);
    }
    const altroot_failures *p = altroot_trust_store_problems(store);
    for (size_t i = 0; i < p->count; i++)
        add_problem(lines, p->items[i].where, p->items[i].detail, p->items[i].code);
    if (p->count > 0) {
        altroot_trust_store_free(store);
        return g_string_free(lines, FALSE);
    }
    g_string_free(lines, TRUE);
    *out = store;
    return NULL;
}

/* At start-up, a store with problems stops the browser: each problem goes to stderr. */
static altroot_trust_store *load_store(const ab_options *o)
{
    altroot_trust_store *store = NULL;
    char *problems = ab_store_load(o, &store);
    if (problems == NULL)
        return store;
    char **lines = g_strsplit(problems, "\n", -1);
    for (char **l = lines; *l != NULL; l++)
        fprintf(stderr, "altroot-browser: %s\n", *l);
    fprintf(stderr, "altroot-browser: the trust store has problems; refusing to use it\n");
    g_strfreev(lines);
    g_free(problems);
    return NULL;
}

static int run(ab_browser *b)
{
    if (!ab_tls_setup(b))
        return AB_EXIT_USAGE;
    ab_window_build(b);
    if (b->opt.headless)
        return ab_headless_run(b);
    gtk_widget_show_all(b->window);
    if (b->opt.url != NULL)
        ab_tls_open(b, b->opt.url);
    gtk_main();
    return AB_EXIT_TRUSTED;
}

int main(int argc, char **argv)
{
    ab_browser b = {.opt = {.timeout_s = 30}};
    /* A peer that resets a tunnel of the proxy (proxy.c) must not end the process. */
    (void)signal(SIGPIPE, SIG_IGN);
    altroot_verdict_init(&b.verdict);
    int rc = parse_args(&b.opt, argc, argv);
    if (rc != 0)
        return rc < 0 ? AB_EXIT_TRUSTED : rc;
    if ((b.opt.headless || b.opt.headless_pin) && !check_headless_args(&b.opt))
        return AB_EXIT_USAGE;
    b.store = load_store(&b.opt);
    if (b.store == NULL)
        return AB_EXIT_USAGE;
    if (!gtk_init_check(&argc, &argv)) {
        fprintf(stderr, "altroot-browser: cannot open a display (set DISPLAY, or run under "
                        "xvfb-run)\n");
        altroot_trust_store_free(b.store);
        return AB_EXIT_USAGE;
    }
    rc = run(&b);
    ab_tls_drain(&b);
    if (b.window != NULL)
        gtk_widget_destroy(b.window);
    g_clear_object(&b.context);
    altroot_verdict_clear(&b.verdict);
    g_free(b.unreachable);
    g_free(b.pinned);
    altroot_trust_store_free(b.store);
    return rc;
}
