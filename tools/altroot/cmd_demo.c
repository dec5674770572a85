/*
 * altroot demo: the whole system end to end on loopback, on built-in defaults.
 *
 * It mints a small PKI for every root (a home local CA with name constraints, an unknown vendor
 * CA, a stand-in for the Web PKI; Matter, FDO, IEEE 802.1AR and MUD credentials, and a pin) and
 * writes the anchors a user would hold into a temporary trust store. It starts one loopback
 * server per scenario, connects to each through the same code path as `altroot connect`, and
 * prints one table: scenario, root, mode, expected decision, actual decision, reason. A row is as
 * expected when its decision is, and so are the decision rule, the certificate class and the
 * status of the row's root wherever the row names one. It exits 0 only if every row is as
 * expected. `--json` prints
 * {"scenarios": [{"name", "root", "mode", "expected", "actual", "reason"}, ...]}; `--verbose`
 * also prints every full verdict.
 */
/* nftw() is an XSI interface. */
#define _XOPEN_SOURCE 700
#include <arpa/inet.h>
#include <ftw.h>
#include <stdio.h>
#include <sys/socket.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "demo.h"
#include "demo_devid.h"
#include "demo_fdo.h"
#include "demo_matter.h"
#include "loopback.h"

#define DAY 86400

typedef struct pki {
    altroot_key *web_key, *home_key, *vendor_key;
    altroot_cert *web_root, *home_ca, *vendor_ca;
    demo_matter *matter;
    demo_fdo *fdo;
    demo_devid *devid;
} pki;

/* Which module makes a row's server; `kind` is then a baseline_kind or that module's kind. */
typedef enum source { BASELINE, MATTER, FDO, DEVID } source;
typedef enum baseline_kind { SELF = 1, WEB, HOME, VENDOR, PLAIN } baseline_kind;
#define MATTER_HOST "(instance name)" /* stands for the owned node's operational name */
#define PIN_HOST "pinned.home.arpa"   /* the name the demo's pin is for */
#define ANY (-1)                      /* an expectation that is not checked */

typedef struct demo_case {
    const char *title;
    const char *root, *mode; /* the root that should decide, and how */
    source source;
    int kind;
    const char *cert_name; /* baseline: DNS name in the certificate */
    const char *host;      /* host name or address in the URL; a name other than localhost
                              has no DNS here and is reached at 127.0.0.1 */
    bool expired;          /* baseline: the certificate's validity has ended */
    altroot_decision expect;
    int expect_class;  /* 0..6, or ANY */
    int expect_rule;   /* row of the decision table, or ANY */
    int expect_status; /* altroot_root_status of the row's root in the row's mode, or ANY */
} demo_case;

#define VERIFIED ALTROOT_ROOT_VERIFIED
#define FAILED ALTROOT_ROOT_FAILED
#define UNTRUSTED ALTROOT_DECISION_UNTRUSTED
#define ATTESTED ALTROOT_DECISION_ATTESTED
#define TRUSTED ALTROOT_DECISION_TRUSTED

static const demo_case cases[] = {
    /* Baseline: what a client without alternative roots sees. */
    {"plain HTTP, no TLS", "-", "-", BASELINE, PLAIN, NULL, "127.0.0.1", false, UNTRUSTED, 0, 7,
     ANY},
    {"device-unique self-signed certificate", "-", "-", BASELINE, SELF, "device.home.arpa",
     "127.0.0.1", false, UNTRUSTED, 3, 7, ANY},
    {"certificate from a vendor CA you do not hold", "-", "-", BASELINE, VENDOR, "device.home.arpa",
     "127.0.0.1", false, UNTRUSTED, 4, 7, ANY},
    {"your name-constrained local CA", "local-ca", "baseline", BASELINE, HOME, "localhost",
     "localhost", false, TRUSTED, 5, 3, VERIFIED},
    {"your local CA, issued for another name", "local-ca", "baseline", BASELINE, HOME,
     "printer.home.arpa", "localhost", false, UNTRUSTED, 5, 7, FAILED},
    {"your local CA, expired", "local-ca", "baseline", BASELINE, HOME, "localhost", "localhost",
     true, UNTRUSTED, 5, 7, FAILED},
    {"Web PKI (a demo root stands in for the bundle)", "webpki", "baseline", BASELINE, WEB,
     "localhost", "localhost", false, TRUSTED, 6, 4, VERIFIED},
    /* Matter: attestation (DAC, CD) and ownership (your fabric). */
    {"Matter device: DAC chain + CD in the certificate", "matter", "secondary", MATTER,
     DEMO_MATTER_ATTESTED, NULL, "127.0.0.1", false, ATTESTED, 3, 6, VERIFIED},
    {"Matter device of your fabric, by its instance name", "matter", "secondary", MATTER,
     DEMO_MATTER_OWNED, NULL, MATTER_HOST, false, TRUSTED, ANY, 3, VERIFIED},
    {"Matter device serving its NOC chain", "matter", "primary", MATTER, DEMO_MATTER_PRIMARY, NULL,
     MATTER_HOST, false, TRUSTED, ANY, 3, VERIFIED},
    /* FDO: the voucher attests the device and names your owner key. */
    {"FDO device: voucher + binding in the certificate", "fdo", "secondary", FDO, DEMO_FDO_ATTESTED,
     NULL, "127.0.0.1", false, ATTESTED, 3, 6, VERIFIED},
    {"FDO device: TLS certificate from your owner key", "fdo", "primary", FDO, DEMO_FDO_PRIMARY,
     NULL, "fdo-device.home.arpa", false, TRUSTED, 4, 3, VERIFIED},
    /* IEEE 802.1AR: the IDevID attests the unit; an LDevID from your domain CA owns it. */
    {"802.1AR device: IDevID chain + binding in the certificate", "devid", "secondary", DEVID,
     DEMO_DEVID_ATTESTED, NULL, "127.0.0.1", false, ATTESTED, 3, 6, VERIFIED},
    {"802.1AR device serving its IDevID chain", "devid", "primary", DEVID, DEMO_DEVID_PRIMARY, NULL,
     "127.0.0.1", false, ATTESTED, 4, 6, VERIFIED},
    {"802.1AR device serving an LDevID from your domain CA", "devid", "primary", DEVID,
     DEMO_DEVID_ENROLLED, NULL, "widget.home.arpa", false, TRUSTED, 4, 3, VERIFIED},
    {"802.1AR device with its signed MUD file stapled", "mud", "secondary", DEVID, DEMO_DEVID_MUD,
     NULL, "127.0.0.1", false, ATTESTED, 3, 6, VERIFIED},
    /* Pins: the unit you accepted for a name, and no other. */
    {"Matter device you pinned for its name", "matter", "secondary", MATTER, DEMO_MATTER_ATTESTED,
     NULL, PIN_HOST, false, TRUSTED, 3, 5, VERIFIED},
    /* Attacks: forged, copied or broken evidence is never better than nothing. */
    {"attack: evidence bound to another key", "matter", "secondary", MATTER, DEMO_MATTER_OTHER_KEY,
     NULL, "127.0.0.1", false, UNTRUSTED, ANY, 1, FAILED},
    {"attack: evidence copied from another device", "matter", "secondary", MATTER,
     DEMO_MATTER_COPIED, NULL, "127.0.0.1", false, UNTRUSTED, ANY, 1, FAILED},
    {"attack: a forged CD", "matter", "secondary", MATTER, DEMO_MATTER_FORGED_CD, NULL, "127.0.0.1",
     false, UNTRUSTED, ANY, 1, FAILED},
    {"attack: a NOC chain of another fabric", "matter", "primary", MATTER, DEMO_MATTER_WRONG_FABRIC,
     NULL, MATTER_HOST, false, UNTRUSTED, ANY, 7, FAILED},
    {"attack: another genuine unit of the same model at a pinned name", "matter", "secondary",
     MATTER, DEMO_MATTER_SAME_MODEL, NULL, PIN_HOST, false, UNTRUSTED, 3, 2, VERIFIED},
    {"attack: a truncated FDO voucher", "fdo", "secondary", FDO, DEMO_FDO_CUT_VOUCHER, NULL,
     "127.0.0.1", false, UNTRUSTED, 3, 1, FAILED},
    {"attack: a MUD file from the wrong signer", "mud", "secondary", DEVID,
     DEMO_DEVID_MUD_WRONG_SIGNER, NULL, "127.0.0.1", false, UNTRUSTED, 3, 1, FAILED},
    {"attack: an expired IDevID in the evidence", "devid", "secondary", DEVID,
     DEMO_DEVID_EXPIRED_IDEVID, NULL, "127.0.0.1", false, UNTRUSTED, 3, 1, FAILED},
    {"attack: a binding past its expiry time", "devid", "secondary", DEVID,
     DEMO_DEVID_EXPIRED_BINDING, NULL, "127.0.0.1", false, UNTRUSTED, 3, 1, FAILED},
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
    demo_fdo_free(p->fdo);
    demo_devid_free(p->devid);
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
    if (err == ALTROOT_OK)
        err = demo_fdo_make(at, &p->fdo);
    if (err == ALTROOT_OK)
        err = demo_devid_make(at, &p->devid);
    return err;
}

/* A baseline server: a leaf from the issuer the case names, or self-signed. */
static altroot_err baseline_server(const pki *p, const demo_case *dc, altroot_time at,
                                   altroot_tls_server **out)
{
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
    const altroot_cert *issuer = dc->kind == WEB      ? p->web_root
                                 : dc->kind == HOME   ? p->home_ca
                                 : dc->kind == VENDOR ? p->vendor_ca
                                                      : NULL;
    const altroot_key *ikey = dc->kind == WEB      ? p->web_key
                              : dc->kind == HOME   ? p->home_key
                              : dc->kind == VENDOR ? p->vendor_key
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
        err = demo_serve(chain, key, out);
    altroot_certs_free(chain);
    altroot_cert_free(leaf);
    altroot_key_free(key);
    return err;
}

/* The server certificate chain and key for one case, answering to `host`. */
static altroot_err make_server(const pki *p, const demo_case *dc, const char *host, altroot_time at,
                               altroot_tls_server **out)
{
    switch (dc->source) {
    case MATTER:
        return demo_matter_server(p->matter, (demo_matter_kind)dc->kind, at, out);
    case FDO:
        return demo_fdo_server(p->fdo, (demo_fdo_kind)dc->kind, host, at, out);
    case DEVID:
        return demo_devid_server(p->devid, (demo_devid_kind)dc->kind, host, at, out);
    case BASELINE:
        return baseline_server(p, dc, at, out);
    }
    return ALTROOT_E_INTERNAL;
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

/* The demo's trust store on disk: anchors/local-ca/home-ca.pem, every root's anchors, the pin,
 * and a stand-in Web PKI bundle. */
static altroot_err write_store(demo_dir *d, const pki *p, altroot_time at)
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
    if (err == ALTROOT_OK)
        err = demo_matter_write_anchors(p->matter, d->anchors);
    if (err == ALTROOT_OK)
        err = demo_matter_write_pin(p->matter, d->anchors, PIN_HOST, at);
    if (err == ALTROOT_OK)
        err = demo_fdo_write_anchors(p->fdo, d->anchors);
    return err != ALTROOT_OK ? err : demo_devid_write_anchors(p->devid, d->anchors);
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

/* Why the verdict is what it is, in one line after `prefix`: the first failure, else the
 * message. */
static void reason_of(const altroot_verdict *v, const char *prefix, char *out, size_t len)
{
    if (v->failures.count > 0 && v->decision != ALTROOT_DECISION_TRUSTED &&
        v->failures.items[0].code != ALTROOT_E_NOT_TRUSTED)
        snprintf(out, len, "%s%s: %s", prefix, altroot_error_name(v->failures.items[0].code),
                 v->failures.items[0].detail);
    else
        snprintf(out, len, "%s%s", prefix, v->message != NULL ? v->message : "");
}

/* The status of the row's root in the row's mode; not-applicable when the verdict has none. */
static altroot_root_status root_status(const altroot_verdict *v, const demo_case *dc)
{
    for (size_t i = 0; i < v->root_count; i++)
        if (strcmp(v->roots[i].root, dc->root) == 0 &&
            strcmp(altroot_mode_name(v->roots[i].mode), dc->mode) == 0)
            return v->roots[i].status;
    return ALTROOT_ROOT_NOT_APPLICABLE;
}

/* Whether the verdict is as the case expects; if not, `why` says what it was. */
static bool as_expected(const demo_case *dc, const altroot_verdict *v, char *why, size_t len)
{
    altroot_root_status status = root_status(v, dc);
    bool ok = v->decision == dc->expect &&
              (dc->expect_class == ANY || v->cert_class == dc->expect_class) &&
              (dc->expect_rule == ANY || v->rule == dc->expect_rule) &&
              (dc->expect_status == ANY || (int)status == dc->expect_status);
    snprintf(why, len, "NOT AS EXPECTED (rule %d, class %d, %s %s %s): ", v->rule, v->cert_class,
             dc->root, dc->mode, altroot_root_status_name(status));
    return ok;
}

/* Connect to `host` on loopback `port` as `altroot connect` would, filling `v`. */
static altroot_err connect_case(const char *host, const altroot_trust_store *st, altroot_time at,
                                uint16_t port, altroot_verdict *v)
{
    unsigned char addr[16];
    bool address = inet_pton(AF_INET, host, addr) == 1 || strcmp(host, "localhost") == 0;
    char url[160];
    snprintf(url, sizeof url, "https://%s:%u/", host, (unsigned)port);
    /* The demo's names have no DNS: connect to loopback, and verify the name asked for. */
    altroot_connect_options o = {
        .store = st, .at = at, .timeout_ms = 5000, .connect_to = address ? NULL : "127.0.0.1"};
    return altroot_connect(url, &o, v);
}

/* Run one case into `r`; returns an error only when the demo itself cannot go on. */
static altroot_err run_case(const demo_case *dc, const pki *p, const altroot_trust_store *st,
                            altroot_time at, bool verbose, row *r)
{
    altroot_tls_server *srv = NULL;
    loopback lb;
    altroot_verdict v;
    altroot_verdict_init(&v);
    const char *host = strcmp(dc->host, MATTER_HOST) == 0 ? demo_matter_host(p->matter) : dc->host;
    altroot_err err = dc->source == BASELINE && dc->kind == PLAIN
                          ? ALTROOT_OK
                          : make_server(p, dc, host, at, &srv);
    if (err == ALTROOT_OK && (err = loopback_start(&lb, srv, page, AF_INET)) == ALTROOT_OK) {
        err = connect_case(host, st, at, lb.port, &v);
        loopback_stop(&lb);
    }
    char why[160] = "";
    r->dc = dc;
    r->actual = v.decision;
    r->ok = err == ALTROOT_OK && as_expected(dc, &v, why, sizeof why);
    reason_of(&v, r->ok ? "" : why, r->reason, sizeof r->reason);
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
    int w = (int)strlen("scenario");
    for (size_t i = 0; i < n; i++)
        if ((int)strlen(rows[i].dc->title) > w)
            w = (int)strlen(rows[i].dc->title);
    printf("%-*s %-9s %-9s %-9s %-9s %s\n", w, "scenario", "root", "mode", "expected", "actual",
           "reason");
    for (size_t i = 0; i < n; i++)
        printf("%-*s %-9s %-9s %-9s %-9s %s\n", w, rows[i].dc->title, rows[i].dc->root,
               rows[i].dc->mode, altroot_decision_name(rows[i].dc->expect),
               altroot_decision_name(rows[i].actual), rows[i].reason);
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

/* --write-certs DIR: every certificate the demo makes, for tests that inspect them: the anchors
 * of its trust store under DIR/anchors, and each chain it serves (demo_serve). */
static altroot_err write_certs(const char *dir, const pki *p)
{
    char anchors[512];
    int n = snprintf(anchors, sizeof anchors, "%s/anchors", dir);
    if (n <= 0 || (size_t)n >= sizeof anchors || !cli_mkdirs(anchors) ||
        !cli_write_cert(dir, "home-ca.pem", p->home_ca) ||
        !cli_write_cert(dir, "webpki-demo.pem", p->web_root))
        return ALTROOT_E_IO;
    altroot_err err = demo_matter_write_anchors(p->matter, anchors);
    if (err == ALTROOT_OK)
        err = demo_fdo_write_anchors(p->fdo, anchors);
    if (err == ALTROOT_OK)
        err = demo_devid_write_anchors(p->devid, anchors);
    demo_set_cert_dir(dir);
    return err;
}

int cmd_demo(int argc, char **argv)
{
    cli_common c = {0};
    bool verbose = false;
    const char *certs_dir = NULL;
    for (int i = 1; i < argc; i++) {
        int r = cli_common_option(&c, argc, argv, &i);
        if (r < 0)
            return EXIT_USAGE;
        if (r == 0 && strcmp(argv[i], "--verbose") == 0) {
            verbose = true;
            continue;
        }
        if (r == 0 && strcmp(argv[i], "--write-certs") == 0 && i + 1 < argc) {
            certs_dir = argv[++i];
            continue;
        }
        if (r == 0 || c.anchors != NULL || c.webpki != NULL) {
            fprintf(stderr,
                    "usage: altroot demo [--at TIME] [--json] [--verbose] [--write-certs DIR]\n");
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
        err = write_store(&d, &p, c.at);
    if (err == ALTROOT_OK && certs_dir != NULL)
        err = write_certs(certs_dir, &p);
    int rc = err == ALTROOT_OK ? run_all(&p, &d, &c, verbose) : EXIT_USAGE;
    if (err != ALTROOT_OK)
        cli_error("demo", err);
    else
        remove_store(&d);
    pki_free(&p);
    return rc;
}
