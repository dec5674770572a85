/*
 * altroot demo: the whole system end to end on loopback, on built-in defaults.
 *
 * It mints a small PKI (a home local CA with name constraints, an unknown vendor CA, a stand-in
 * for the Web PKI), starts one loopback server per scenario, connects to each through the same
 * code path as `altroot connect`, and prints one table: scenario, root, mode, expected decision,
 * actual decision, reason. It exits 0 only if every row is as expected. `--json` prints
 * {"scenarios": [{"name", "root", "mode", "expected", "actual", "reason"}, ...]}; `--verbose`
 * also prints every full verdict.
 */
/* nftw() is an XSI interface. */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdio.h>
#include <sys/socket.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "demo_matter.h"
#include "loopback.h"

#define DAY 86400

typedef struct pki {
    altroot_key *web_key, *home_key, *vendor_key;
    altroot_cert *web_root, *home_ca, *vendor_ca;
    demo_matter *matter;
} pki;

/* Baseline kinds; Matter scenarios use the demo_matter_kind values after them. */
typedef enum issuer_kind { SELF = 100, WEB, HOME, VENDOR, PLAIN } issuer_kind;
#define MATTER_HOST "(instance name)" /* stands for the owned node's operational name */

typedef struct demo_case {
    const char *title;
    const char *root, *mode;  /* the root that should decide, and how */
    int issuer;               /* issuer_kind, or a demo_matter_kind */
    const char *cert_name;    /* DNS name in the certificate */
    const char *connect_host; /* host name or address in the URL */
    bool expired;
    altroot_decision expect;
    int expect_class;
} demo_case;

static const demo_case cases[] = {
    {"plain HTTP, no TLS", "-", "-", PLAIN, NULL, "127.0.0.1", false, ALTROOT_DECISION_UNTRUSTED,
     0},
    {"device-unique self-signed certificate", "-", "-", SELF, "device.home.arpa", "127.0.0.1",
     false, ALTROOT_DECISION_UNTRUSTED, 3},
    {"certificate from a vendor CA you do not hold", "-", "-", VENDOR, "device.home.arpa",
     "127.0.0.1", false, ALTROOT_DECISION_UNTRUSTED, 4},
    {"your name-constrained local CA", "local-ca", "baseline", HOME, "localhost", "localhost",
     false, ALTROOT_DECISION_TRUSTED, 5},
    {"your local CA, issued for another name", "local-ca", "baseline", HOME, "printer.home.arpa",
     "localhost", false, ALTROOT_DECISION_UNTRUSTED, 5},
    {"your local CA, expired", "local-ca", "baseline", HOME, "localhost", "localhost", true,
     ALTROOT_DECISION_UNTRUSTED, 5},
    {"Web PKI (a demo root stands in for the bundle)", "webpki", "baseline", WEB, "localhost",
     "localhost", false, ALTROOT_DECISION_TRUSTED, 6},
    {"Matter device: DAC chain + CD in the certificate", "matter", "secondary",
     DEMO_MATTER_ATTESTED, NULL, "127.0.0.1", false, ALTROOT_DECISION_ATTESTED, 3},
    {"Matter device of your fabric, by its instance name", "matter", "secondary", DEMO_MATTER_OWNED,
     NULL, MATTER_HOST, false, ALTROOT_DECISION_TRUSTED, -1},
    {"Matter device serving its NOC chain", "matter", "primary", DEMO_MATTER_PRIMARY, NULL,
     MATTER_HOST, false, ALTROOT_DECISION_TRUSTED, -1},
    {"attack: evidence bound to another key", "matter", "secondary", DEMO_MATTER_OTHER_KEY, NULL,
     "127.0.0.1", false, ALTROOT_DECISION_UNTRUSTED, -1},
    {"attack: evidence copied from another device", "matter", "secondary", DEMO_MATTER_COPIED, NULL,
     "127.0.0.1", false, ALTROOT_DECISION_UNTRUSTED, -1},
    {"attack: a forged CD", "matter", "secondary", DEMO_MATTER_FORGED_CD, NULL, "127.0.0.1", false,
     ALTROOT_DECISION_UNTRUSTED, -1},
    {"attack: a NOC chain of another fabric", "matter", "primary", DEMO_MATTER_WRONG_FABRIC, NULL,
     MATTER_HOST, false, ALTROOT_DECISION_UNTRUSTED, -1},
};

static void pki_free(pki *p)
{
    altroot_key_free(p->web_key);
    altroot_key_free(p->home_key);
    altroot_key_free(p->vendor_key);
    altroot_cert_free(p->web_root);
    altroot_cert_free(p->home_ca);
    altroot_cert_free(p->vendor_ca);
    demo_matter_free(p->matter);
}

static altroot_err make_ca(const char *cn, altroot_time at, bool constrained, altroot_key **key,
                           altroot_cert **cert)
{
    static const char *const dns[] = {"localhost", "home.arpa"};
    static const char *const ips[] = {"127.0.0.0/8", "::1/128"};
    altroot_cert_template t = {
        .common_name = cn,
        .organization = "altroot demo",
        .not_before = at - DAY,
        .not_after = at + 3650 * (altroot_time)DAY,
        .is_ca = true,
        .path_len = 0,
        .permitted_dns = constrained ? dns : NULL,
        .permitted_dns_count = constrained ? 2 : 0,
        .permitted_ip = constrained ? ips : NULL,
        .permitted_ip_count = constrained ? 2 : 0,
    };
    altroot_err err = altroot_key_generate(ALTROOT_KEY_EC_P256, key);
    return err != ALTROOT_OK ? err : altroot_cert_issue(&t, *key, NULL, NULL, cert);
}

static altroot_err pki_make(pki *p, altroot_time at)
{
    memset(p, 0, sizeof *p);
    altroot_err err = make_ca("altroot demo Web PKI root", at, false, &p->web_key, &p->web_root);
    if (err == ALTROOT_OK)
        err = make_ca("Home local CA", at, true, &p->home_key, &p->home_ca);
    if (err == ALTROOT_OK)
        err = make_ca("Unknown vendor CA", at, false, &p->vendor_key, &p->vendor_ca);
    if (err == ALTROOT_OK)
        err = demo_matter_make(at, &p->matter);
    return err;
}

/* The server certificate chain and key for one case. */
static altroot_err make_server(const pki *p, const demo_case *dc, altroot_time at,
                               altroot_tls_server **out)
{
    if (dc->issuer < SELF)
        return demo_matter_server(p->matter, (demo_matter_kind)dc->issuer, at, out);
    const char *dns[] = {dc->cert_name};
    const char *ips[] = {"127.0.0.1"};
    bool with_ip = strcmp(dc->cert_name, "localhost") == 0;
    altroot_cert_template t = {
        .common_name = dc->cert_name,
        .dns_names = dns,
        .dns_count = 1,
        .ip_addrs = with_ip ? ips : NULL,
        .ip_count = with_ip ? 1 : 0,
        .not_before = dc->expired ? at - 400 * (altroot_time)DAY : at - DAY,
        .not_after = dc->expired ? at - 35 * (altroot_time)DAY : at + 365 * (altroot_time)DAY,
        .server_auth = true,
    };
    const altroot_cert *issuer = dc->issuer == WEB      ? p->web_root
                                 : dc->issuer == HOME   ? p->home_ca
                                 : dc->issuer == VENDOR ? p->vendor_ca
                                                        : NULL;
    const altroot_key *ikey = dc->issuer == WEB      ? p->web_key
                              : dc->issuer == HOME   ? p->home_key
                              : dc->issuer == VENDOR ? p->vendor_key
                                                     : NULL;
    altroot_key *key = NULL;
    altroot_cert *leaf = NULL;
    altroot_certs *chain = NULL;
    altroot_err err = altroot_key_generate(ALTROOT_KEY_EC_P256, &key);
    if (err == ALTROOT_OK)
        err = altroot_cert_issue(&t, key, issuer, ikey, &leaf);
    if (err == ALTROOT_OK)
        err = altroot_certs_new(&chain);
    if (err == ALTROOT_OK)
        err = altroot_certs_push(chain, leaf);
    if (err == ALTROOT_OK)
        err = altroot_tls_server_new(chain, key, out);
    altroot_certs_free(chain);
    altroot_cert_free(leaf);
    altroot_key_free(key);
    return err;
}

static altroot_err write_pem(const char *path, altroot_cert *cert)
{
    altroot_certs *l = NULL;
    altroot_bytes pem = ALTROOT_BYTES_INIT;
    altroot_err err = altroot_certs_new(&l);
    if (err == ALTROOT_OK)
        err = altroot_certs_push(l, cert);
    if (err == ALTROOT_OK)
        err = altroot_certs_to_pem(l, &pem);
    FILE *f = err == ALTROOT_OK ? fopen(path, "wb") : NULL;
    if (err == ALTROOT_OK && f == NULL)
        err = ALTROOT_E_IO;
    if (f != NULL && (fwrite(pem.ptr, 1, pem.len, f) != pem.len || fclose(f) != 0))
        err = ALTROOT_E_IO;
    altroot_bytes_clear(&pem);
    altroot_certs_free(l);
    return err;
}

typedef struct demo_dir {
    char root[64], anchors[96], local_ca[128], home_pem[160], web_pem[128];
} demo_dir;

/* The demo's trust store on disk: anchors/local-ca/home-ca.pem, and a stand-in Web PKI bundle. */
static altroot_err write_store(demo_dir *d, const pki *p)
{
    snprintf(d->root, sizeof d->root, "/tmp/altroot-demo-XXXXXX");
    if (mkdtemp(d->root) == NULL)
        return ALTROOT_E_IO;
    snprintf(d->anchors, sizeof d->anchors, "%s/anchors", d->root);
    snprintf(d->local_ca, sizeof d->local_ca, "%s/local-ca", d->anchors);
    snprintf(d->home_pem, sizeof d->home_pem, "%s/home-ca.pem", d->local_ca);
    snprintf(d->web_pem, sizeof d->web_pem, "%s/webpki-demo.pem", d->root);
    if (mkdir(d->anchors, 0700) != 0 || mkdir(d->local_ca, 0700) != 0)
        return ALTROOT_E_IO;
    altroot_err err = write_pem(d->home_pem, p->home_ca);
    if (err == ALTROOT_OK)
        err = write_pem(d->web_pem, p->web_root);
    return err != ALTROOT_OK ? err : demo_matter_write_anchors(p->matter, d->anchors);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

/* Everything under the demo's own mkdtemp directory, depth first, never following links. */
static void remove_store(const demo_dir *d)
{
    if (nftw(d->root, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0)
        fprintf(stderr, "altroot demo: could not remove %s\n", d->root);
}

static const char page[] = "<!doctype html><title>altroot demo device</title>"
                           "<h1>altroot demo device</h1><p>Served over loopback.</p>\n";

typedef struct row {
    const demo_case *dc;
    altroot_decision actual;
    char reason[256];
    bool ok;
} row;

/* Why the verdict is what it is, in one line: the first failure, else the message. */
static void reason_of(const altroot_verdict *v, char *out, size_t len)
{
    if (v->failures.count > 0 && v->decision != ALTROOT_DECISION_TRUSTED &&
        v->failures.items[0].code != ALTROOT_E_NOT_TRUSTED)
        snprintf(out, len, "%s: %s", altroot_error_name(v->failures.items[0].code),
                 v->failures.items[0].detail);
    else
        snprintf(out, len, "%s", v->message != NULL ? v->message : "");
}

/* Run one case into `r`; returns an error only when the demo itself cannot go on. */
static altroot_err run_case(const demo_case *dc, const pki *p, const altroot_trust_store *st,
                            altroot_time at, bool verbose, row *r)
{
    altroot_tls_server *srv = NULL;
    loopback lb;
    altroot_verdict v;
    altroot_verdict_init(&v);
    altroot_err err = dc->issuer == PLAIN ? ALTROOT_OK : make_server(p, dc, at, &srv);
    if (err == ALTROOT_OK)
        err = loopback_start(&lb, srv, page, AF_INET);
    if (err == ALTROOT_OK) {
        char url[128];
        bool named = strcmp(dc->connect_host, MATTER_HOST) == 0;
        snprintf(url, sizeof url, "https://%s:%u/",
                 named ? demo_matter_host(p->matter) : dc->connect_host, (unsigned)lb.port);
        /* A Matter instance name has no DNS here: connect to loopback, verify the name. */
        altroot_connect_options o = {st, at, 5000, named ? "127.0.0.1" : NULL, ALTROOT_EVAL_AUTO};
        err = altroot_connect(url, &o, &v);
        loopback_stop(&lb);
    }
    r->dc = dc;
    r->actual = v.decision;
    r->ok = err == ALTROOT_OK && v.decision == dc->expect &&
            (dc->expect_class < 0 || v.cert_class == dc->expect_class);
    reason_of(&v, r->reason, sizeof r->reason);
    if (err == ALTROOT_OK && verbose) {
        printf("\n== %s\n", dc->title);
        err = altroot_verdict_print(&v, stdout);
    }
    altroot_verdict_clear(&v);
    altroot_tls_server_free(srv);
    return err;
}

static void print_table(const row *rows, size_t n, size_t passed)
{
    printf("%-48s %-9s %-9s %-9s %-9s %s\n", "scenario", "root", "mode", "expected", "actual",
           "reason");
    for (size_t i = 0; i < n; i++)
        printf("%-48s %-9s %-9s %-9s %-9s %s%s\n", rows[i].dc->title, rows[i].dc->root,
               rows[i].dc->mode, altroot_decision_name(rows[i].dc->expect),
               altroot_decision_name(rows[i].actual),
               rows[i].ok ? "" : "NOT AS EXPECTED: ", rows[i].reason);
    printf("\nDemo: %zu of %zu scenarios as expected.\n", passed, n);
}

static int print_json(const row *rows, size_t n)
{
    json_t *doc = json_object(), *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "name", json_string(rows[i].dc->title));
        json_object_set_new(o, "root", json_string(rows[i].dc->root));
        json_object_set_new(o, "mode", json_string(rows[i].dc->mode));
        json_object_set_new(o, "expected", json_string(altroot_decision_name(rows[i].dc->expect)));
        json_object_set_new(o, "actual", json_string(altroot_decision_name(rows[i].actual)));
        json_object_set_new(o, "as_expected", json_boolean(rows[i].ok));
        json_object_set_new(o, "reason", json_string(rows[i].reason));
        json_array_append_new(arr, o);
    }
    json_object_set_new(doc, "scenarios", arr);
    int rc = json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    putchar('\n');
    json_decref(doc);
    return rc;
}

static int run_all(const pki *p, const demo_dir *d, const cli_common *c, bool verbose)
{
    cli_common sc = *c;
    sc.anchors = d->anchors;
    sc.webpki = d->web_pem;
    altroot_trust_store *st = cli_load_store(&sc);
    if (st == NULL)
        return EXIT_USAGE;
    enum { N = sizeof cases / sizeof cases[0] };
    row rows[N];
    size_t passed = 0;
    altroot_err fatal = ALTROOT_OK;
    for (size_t i = 0; i < N && fatal == ALTROOT_OK; i++) {
        fatal = run_case(&cases[i], p, st, c->at, verbose && !c->json, &rows[i]);
        passed += rows[i].ok;
    }
    altroot_trust_store_free(st);
    if (fatal != ALTROOT_OK) {
        cli_error("demo", fatal);
        return EXIT_USAGE;
    }
    if (c->json ? print_json(rows, N) != 0 : (print_table(rows, N, passed), 0))
        return EXIT_USAGE;
    return passed == N ? EXIT_VERIFIED : EXIT_NOT_VERIFIED;
}

int cmd_demo(int argc, char **argv)
{
    cli_common c = {0};
    bool verbose = false;
    for (int i = 1; i < argc; i++) {
        int r = cli_common_option(&c, argc, argv, &i);
        if (r < 0)
            return EXIT_USAGE;
        if (r == 0 && strcmp(argv[i], "--verbose") == 0) {
            verbose = true;
            continue;
        }
        if (r == 0 || c.anchors != NULL || c.webpki != NULL) {
            fprintf(stderr, "usage: altroot demo [--at TIME] [--json] [--verbose]\n");
            return strcmp(argv[i], "--help") == 0 ? EXIT_VERIFIED : EXIT_USAGE;
        }
    }
    if (!c.at_given)
        c.at = altroot_time_now();
    pki p;
    demo_dir d;
    memset(&d, 0, sizeof d);
    altroot_err err = pki_make(&p, c.at);
    if (err == ALTROOT_OK)
        err = write_store(&d, &p);
    int rc = err == ALTROOT_OK ? run_all(&p, &d, &c, verbose) : EXIT_USAGE;
    if (err != ALTROOT_OK)
        cli_error("demo", err);
    else
        remove_store(&d);
    pki_free(&p);
    return rc;
}
