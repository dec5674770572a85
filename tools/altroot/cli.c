#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int parse_timeout(const char *s, int *ms)
{
    char *end = NULL;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || !(v > 0 && v <= 3600))
        return -1;
    *ms = (int)(v * 1000);
    return 0;
}

int cli_common_option(cli_common *c, int argc, char **argv, int *i)
{
    const char *opt = argv[*i];
    bool takes_value = strcmp(opt, "--anchors") == 0 || strcmp(opt, "--at") == 0 ||
                       strcmp(opt, "--timeout") == 0 || strcmp(opt, "--webpki") == 0;
    if (strcmp(opt, "--json") == 0) {
        c->json = true;
        return 1;
    }
    if (!takes_value)
        return 0;
    if (*i + 1 >= argc) {
        fprintf(stderr, "altroot: %s needs a value\n", opt);
        return -1;
    }
    const char *val = argv[++*i];
    if (strcmp(opt, "--anchors") == 0) {
        c->anchors = val;
    } else if (strcmp(opt, "--webpki") == 0) {
        c->webpki = strcmp(val, "none") == 0 ? "" : val;
    } else if (strcmp(opt, "--at") == 0) {
        altroot_err err = altroot_time_parse_rfc3339(val, &c->at);
        if (err != ALTROOT_OK) {
            fprintf(stderr, "altroot: --at %s: not an RFC 3339 time (E_TIME_FORMAT)\n", val);
            return -1;
        }
        c->at_given = true;
    } else if (parse_timeout(val, &c->timeout_ms) != 0) {
        fprintf(stderr, "altroot: --timeout %s: expected seconds in (0, 3600]\n", val);
        return -1;
    }
    return 1;
}

void cli_error(const char *what, altroot_err err)
{
    fprintf(stderr, "altroot: %s: %s (%s)\n", what, altroot_strerror(err), altroot_error_name(err));
}

altroot_trust_store *cli_load_store(const cli_common *c)
{
    altroot_trust_options o = {c->anchors, c->webpki};
    altroot_trust_store *store = NULL;
    altroot_err err = altroot_trust_store_load(&o, &store);
    if (err != ALTROOT_OK) {
        cli_error(c->anchors != NULL ? c->anchors : "trust store", err);
        return NULL;
    }
    const altroot_failures *p = altroot_trust_store_problems(store);
    for (size_t i = 0; i < p->count; i++)
        fprintf(stderr, "altroot: %s: %s (%s)\n", p->items[i].where, p->items[i].detail,
                altroot_error_name(p->items[i].code));
    if (p->count > 0) {
        altroot_trust_store_free(store);
        return NULL;
    }
    return store;
}

int cli_exit_for(altroot_decision d)
{
    return d == ALTROOT_DECISION_TRUSTED ? EXIT_VERIFIED : EXIT_NOT_VERIFIED;
}
