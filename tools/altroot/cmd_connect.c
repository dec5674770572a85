/* altroot connect URL: one TLS connection, one verdict. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: altroot connect [--anchors DIR] [--webpki FILE|none] [--at TIME] [--json]\n"
            "                       [--timeout SEC] [--connect-to ADDR]\n"
            "                       [--mode auto|primary|secondary|webpki] https://host[:port]\n"
            "Connects over TLS 1.2/1.3, judges the certificate against the Web PKI and your\n"
            "local-ca anchors at the given time, and prints the verdict. --connect-to connects\n"
            "to ADDR while verifying the URL's host (for names without DNS, such as a Matter\n"
            "operational instance name).\n");
}

int cli_connect(const cli_common *c, const char *url, const char *connect_to,
                altroot_eval_mode mode, altroot_trust_store **store, altroot_verdict *v)
{
    altroot_url parsed;
    altroot_err err = altroot_url_parse(url, &parsed);
    if (err != ALTROOT_OK) {
        cli_error(url, err);
        return EXIT_USAGE;
    }
    altroot_url_clear(&parsed);
    *store = cli_load_store(c);
    if (*store == NULL)
        return EXIT_USAGE;
    altroot_connect_options o = {.store = *store,
                                 .at = c->at_given ? c->at : altroot_time_now(),
                                 .timeout_ms = c->timeout_ms,
                                 .connect_to = connect_to,
                                 .mode = mode};
    const altroot_strlist *w = altroot_trust_store_warnings(*store);
    for (size_t i = 0; i < w->count && err == ALTROOT_OK; i++)
        err = altroot_strlist_add(&v->warnings, w->items[i]);
    if (err == ALTROOT_OK)
        err = altroot_connect(url, &o, v);
    if (err == ALTROOT_OK)
        return EXIT_VERIFIED;
    /* Not reached: say why on one line per cause, and exit 2. */
    for (size_t i = 0; i < v->failures.count; i++)
        fprintf(stderr, "altroot: %s: %s (%s)\n", v->failures.items[i].where,
                v->failures.items[i].detail, altroot_error_name(v->failures.items[i].code));
    cli_error(url, err);
    return EXIT_USAGE;
}

/* --mode's argument; false (and the reason on stderr) when it names no mode. */
static bool parse_mode(const char *arg, altroot_eval_mode *mode)
{
    if (altroot_eval_mode_parse(arg, mode) == ALTROOT_OK)
        return true;
    fprintf(stderr, "altroot connect: --mode takes auto, primary, secondary or webpki (E_ARG)\n");
    return false;
}

int cmd_connect(int argc, char **argv)
{
    cli_common c = {.timeout_ms = 10000};
    const char *url = NULL, *connect_to = NULL;
    altroot_eval_mode mode = ALTROOT_EVAL_AUTO;
    for (int i = 1; i < argc; i++) {
        int r = cli_common_option(&c, argc, argv, &i);
        if (r < 0)
            return EXIT_USAGE;
        if (r > 0)
            continue;
        if (strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return EXIT_VERIFIED;
        }
        if (strcmp(argv[i], "--connect-to") == 0 && i + 1 < argc) {
            connect_to = argv[++i];
            continue;
        }
        if (strcmp(argv[i], "--mode") == 0 && i + 1 < argc) {
            if (!parse_mode(argv[++i], &mode))
                return EXIT_USAGE;
            continue;
        }
        if (argv[i][0] == '-' || url != NULL) {
            fprintf(stderr, "altroot connect: unexpected argument \"%s\"\n", argv[i]);
            usage(stderr);
            return EXIT_USAGE;
        }
        url = argv[i];
    }
    if (url == NULL) {
        usage(stderr);
        return EXIT_USAGE;
    }
    altroot_trust_store *store = NULL;
    altroot_verdict v;
    altroot_verdict_init(&v);
    int rc = cli_connect(&c, url, connect_to, mode, &store, &v);
    if (rc == EXIT_VERIFIED) {
        altroot_err perr =
            c.json ? altroot_verdict_print_json(&v, stdout) : altroot_verdict_print(&v, stdout);
        rc = perr == ALTROOT_OK ? cli_exit_for(v.decision) : EXIT_USAGE;
    }
    altroot_verdict_clear(&v);
    altroot_trust_store_free(store);
    return rc;
}
