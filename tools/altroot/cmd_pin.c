/*
 * altroot pin URL: connect, show what the device proved, and after the user accepts, record its
 * attested identity for the URL's host in ANCHORS/pins/ (docs/trust-store.md "Pins").
 * altroot pin --remove URL forgets the pin for that host.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

typedef struct pin_opts {
    cli_common c;
    const char *url, *connect_to;
    bool yes, replace, remove;
} pin_opts;

static void usage(FILE *out)
{
    fprintf(out,
            "usage: altroot pin --anchors DIR [--yes] [--replace] [--at TIME] [--json]\n"
            "                   [--timeout SEC] [--connect-to ADDR] https://host[:port]\n"
            "       altroot pin --anchors DIR --remove https://host[:port]\n"
            "Connects, shows what the device proved, and after you accept (or with --yes) records\n"
            "its attested identity for the host in DIR/pins/. Later connections to that name are\n"
            "trusted only from that device (decision rules 5 and 2). --replace pins this device\n"
            "where another one was pinned.\n");
}

static int parse(int argc, char **argv, pin_opts *o)
{
    for (int i = 1; i < argc; i++) {
        int r = cli_common_option(&o->c, argc, argv, &i);
        if (r < 0)
            return EXIT_USAGE;
        if (r > 0)
            continue;
        if (strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return -1;
        }
        if (strcmp(argv[i], "--connect-to") == 0 && i + 1 < argc)
            o->connect_to = argv[++i];
        else if (strcmp(argv[i], "--yes") == 0)
            o->yes = true;
        else if (strcmp(argv[i], "--replace") == 0)
            o->replace = true;
        else if (strcmp(argv[i], "--remove") == 0)
            o->remove = true;
        else if (argv[i][0] == '-' || o->url != NULL) {
            fprintf(stderr, "altroot pin: unexpected argument \"%s\"\n", argv[i]);
            usage(stderr);
            return EXIT_USAGE;
        } else
            o->url = argv[i];
    }
    if (o->url == NULL || o->c.anchors == NULL) {
        fprintf(stderr, "altroot pin: %s\n",
                o->url == NULL ? "no URL given" : "--anchors DIR is required (pins live there)");
        usage(stderr);
        return EXIT_USAGE;
    }
    return EXIT_VERIFIED;
}

/* EXIT_VERIFIED when the user accepts, EXIT_NOT_VERIFIED when they decline, EXIT_USAGE when
 * nobody can be asked. */
static int confirm(const altroot_pin *pin, bool yes)
{
    fprintf(stderr, "Pin %s (%s %s) for %s?", pin->description ? pin->description : "device",
            pin->root, pin->identity, pin->name);
    if (yes) {
        fprintf(stderr, " yes (--yes)\n");
        return EXIT_VERIFIED;
    }
    if (!isatty(STDIN_FILENO)) {
        fprintf(stderr, "\naltroot pin: not a terminal: confirm with --yes (E_USAGE)\n");
        return EXIT_USAGE;
    }
    fprintf(stderr, " [y/N] ");
    char line[16];
    bool accepted = fgets(line, sizeof line, stdin) != NULL && (line[0] == 'y' || line[0] == 'Y');
    if (!accepted)
        fprintf(stderr, "altroot pin: not pinned\n");
    return accepted ? EXIT_VERIFIED : EXIT_NOT_VERIFIED;
}

/* Whether this verdict may be pinned; prints why not. */
static int refuse(const altroot_verdict *v, const pin_opts *o)
{
    if (v->rule == 1) {
        fprintf(stderr, "altroot pin: the device's evidence failed verification: nothing is "
                        "pinned (E_NOT_TRUSTED)\n");
        return EXIT_NOT_VERIFIED;
    }
    if (v->name.pin != NULL && !v->name.pin_matched && !o->replace) {
        fprintf(stderr,
                "altroot pin: %s: another device is pinned for this name; --replace pins this "
                "one instead (E_PIN_EXISTS)\n",
                v->name.pin);
        return EXIT_NOT_VERIFIED;
    }
    return EXIT_VERIFIED;
}

static int pin_device(const pin_opts *o, const altroot_url *u, const altroot_verdict *v)
{
    if (v->name.pin_matched) {
        fprintf(stderr, "altroot pin: %s: this device is already pinned for %s\n", v->name.pin,
                u->host);
        return EXIT_VERIFIED;
    }
    int rc = refuse(v, o);
    if (rc != EXIT_VERIFIED)
        return rc;
    altroot_pin pin;
    altroot_err err =
        altroot_pin_from_verdict(v, u->host, o->c.at_given ? o->c.at : altroot_time_now(), &pin);
    if (err != ALTROOT_OK) {
        fprintf(stderr, "altroot pin: %s: %s (%s)\n", u->host, altroot_strerror(err),
                altroot_error_name(err));
        return err == ALTROOT_E_PIN_NOTHING ? EXIT_NOT_VERIFIED : EXIT_USAGE;
    }
    rc = confirm(&pin, o->yes);
    if (rc == EXIT_VERIFIED) {
        char path[4096];
        err = altroot_pin_save(o->c.anchors, &pin, v->name.pin, path, sizeof path);
        if (err == ALTROOT_OK)
            fprintf(stderr, "altroot pin: pinned %s to %s %s in %s\n", pin.name, pin.root,
                    pin.identity, path);
        else
            fprintf(stderr, "altroot pin: %s/pins: %s (%s)\n", o->c.anchors, altroot_strerror(err),
                    altroot_error_name(err));
        rc = err == ALTROOT_OK ? EXIT_VERIFIED : EXIT_USAGE;
    }
    altroot_pin_clear(&pin);
    return rc;
}

static int remove_pin(const pin_opts *o, const altroot_url *u)
{
    altroot_trust_store *store = cli_load_store(&o->c);
    if (store == NULL)
        return EXIT_USAGE;
    const char *file = NULL;
    int rc = EXIT_NOT_VERIFIED;
    if (altroot_trust_store_pin(store, u->host, &file) == NULL)
        fprintf(stderr, "altroot pin: no pin for %s (E_NOT_FOUND)\n", u->host);
    else if (unlink(file) != 0)
        fprintf(stderr, "altroot pin: %s: %s (E_IO)\n", file, strerror(errno));
    else {
        fprintf(stderr, "altroot pin: removed %s\n", file);
        rc = EXIT_VERIFIED;
    }
    altroot_trust_store_free(store);
    return rc;
}

int cmd_pin(int argc, char **argv)
{
    pin_opts o = {.c = {.timeout_ms = 10000}};
    int rc = parse(argc, argv, &o);
    if (rc != EXIT_VERIFIED)
        return rc < 0 ? EXIT_VERIFIED : rc;
    altroot_url u;
    altroot_err err = altroot_url_parse(o.url, &u);
    if (err != ALTROOT_OK) {
        cli_error(o.url, err);
        return EXIT_USAGE;
    }
    if (o.remove) {
        rc = remove_pin(&o, &u);
        altroot_url_clear(&u);
        return rc;
    }
    altroot_trust_store *store = NULL;
    altroot_verdict v;
    altroot_verdict_init(&v);
    rc = cli_connect(&o.c, o.url, o.connect_to, ALTROOT_EVAL_AUTO, &store, &v);
    if (rc == EXIT_VERIFIED) {
        altroot_err perr =
            o.c.json ? altroot_verdict_print_json(&v, stdout) : altroot_verdict_print(&v, stdout);
        fflush(stdout);
        rc = perr == ALTROOT_OK ? pin_device(&o, &u, &v) : EXIT_USAGE;
    }
    altroot_verdict_clear(&v);
    altroot_trust_store_free(store);
    altroot_url_clear(&u);
    return rc;
}
