/* altroot verify devid | voucher | mud: offline verification of 802.1AR, BRSKI and MUD
 * artefacts. */
#include <stdio.h>
#include <string.h>

#include <altroot/brski.h>
#include <altroot/devid.h>
#include <altroot/mud.h>

#include "cli.h"
#include "verify_devid.h"

#define USAGE_DEVID                                                                                \
    "usage: altroot verify devid --ca PATH --cert FILE [--chain FILE] [--ldevid-ca PATH] "         \
    "[--lenient] [--json] [--at TIME]\n"
#define USAGE_VOUCHER                                                                              \
    "usage: altroot verify voucher --voucher FILE --masa-ca PATH --idevid FILE [--nonce N] "       \
    "[--ldevid FILE] [--json] [--at TIME]\n"
#define USAGE_MUD                                                                                  \
    "usage: altroot verify mud --mud FILE --signature FILE --signer-ca PATH [--device-cert FILE "  \
    "[--device-chain FILE] [--ca PATH]] [--url URL [--url-from device|network]] [--json] "         \
    "[--at TIME]\n"

typedef struct opt {
    const char *name;
    const char **field;
} opt;

/* --name VALUE options and flags (field NULL: flag into *flag). */
static int parse(int argc, char **argv, cli_common *c, const opt *opts, size_t n, bool *flag,
                 const char *usage)
{
    for (int i = 1; i < argc; i++) {
        int r = cli_common_option(c, argc, argv, &i);
        if (r < 0)
            return -1;
        if (r > 0)
            continue;
        if (flag != NULL && strcmp(argv[i], "--lenient") == 0) {
            *flag = true;
            continue;
        }
        size_t k = 0;
        while (k < n && strcmp(argv[i], opts[k].name) != 0)
            k++;
        if (k == n || i + 1 >= argc) {
            fprintf(stderr, "altroot verify: unexpected argument \"%s\"\n%s", argv[i], usage);
            return -1;
        }
        *opts[k].field = argv[++i];
    }
    return 0;
}

/* A certificate file (PEM or DER): the first certificate's DER into `der` (kept in `l`), or the
 * raw bytes when it is no certificate (the verifier then reports it). false, after printing why:
 * unreadable, or out of memory. */
static bool read_cert(const char *path, altroot_bytes *raw, altroot_certs **l, altroot_span *der)
{
    if (!cli_read_input(path, CLI_IN_CERT, raw))
        return false;
    *der = altroot_bytes_span(raw);
    altroot_err err = cli_cert_der(*der, l, der);
    if (err != ALTROOT_OK)
        cli_error(path, err);
    return err == ALTROOT_OK;
}

/* An empty list, with the certificates of `path` when given. false after printing why. */
static bool read_chain(const char *path, altroot_certs **l)
{
    altroot_err err = altroot_certs_new(l);
    if (err == ALTROOT_OK && path != NULL)
        err = altroot_certs_load_file(*l, path);
    if (err != ALTROOT_OK)
        cli_error(path != NULL ? path : "certificates", err);
    return err == ALTROOT_OK;
}

static int report(const cli_common *c, altroot_verdict *v, altroot_err err, const char *what)
{
    if (err != ALTROOT_OK) {
        cli_error(what, err);
        return EXIT_USAGE;
    }
    return cli_report_artefact(c, v, NULL);
}

static int run_devid(cli_common *c, const char *cert, const char *chain, bool lenient,
                     altroot_trust_store *store)
{
    altroot_bytes raw = ALTROOT_BYTES_INIT;
    altroot_certs *l = NULL, *ch = NULL;
    altroot_span der = {0};
    int rc = EXIT_USAGE;
    if (!read_cert(cert, &raw, &l, &der) || !read_chain(chain, &ch))
        goto out;
    altroot_devid_params p = {.cert = der,
                              .chain = ch,
                              .store = store,
                              .at = c->at_given ? c->at : altroot_time_now(),
                              .lenient = lenient};
    altroot_devid_result res;
    altroot_verdict v;
    altroot_verdict_init(&v);
    v.at = p.at;
    altroot_root_result *r = NULL;
    altroot_err err = altroot_devid_verify(&p, &res);
    if (err == ALTROOT_OK)
        err = altroot_set_string(&v.target, cert);
    if (err == ALTROOT_OK)
        err = altroot_verdict_add_root(&v, "devid", ALTROOT_MODE_ARTEFACT, &r);
    if (err == ALTROOT_OK)
        err = altroot_devid_to_root(&res, r);
    for (size_t i = 0; err == ALTROOT_OK && i < res.warnings.count; i++)
        err = altroot_strlist_add(&v.warnings, res.warnings.items[i]);
    rc = report(c, &v, err, "devid");
    altroot_devid_result_clear(&res);
    altroot_verdict_clear(&v);
out:
    altroot_certs_free(l);
    altroot_certs_free(ch);
    altroot_bytes_clear(&raw);
    return rc;
}

int verify_devid(int argc, char **argv)
{
    cli_common c = {0};
    const char *ca = NULL, *cert = NULL, *chain = NULL, *lca = NULL;
    bool lenient = false;
    opt o[] = {{"--ca", &ca}, {"--cert", &cert}, {"--chain", &chain}, {"--ldevid-ca", &lca}};
    if (parse(argc, argv, &c, o, 4, &lenient, USAGE_DEVID) != 0)
        return EXIT_USAGE;
    if (cert == NULL || (ca == NULL && lca == NULL)) {
        fputs(USAGE_DEVID, stderr);
        return EXIT_USAGE;
    }
    cli_anchor_path extra[] = {{ALTROOT_ANCHOR_DEVID_CA, ca}, {ALTROOT_ANCHOR_LDEVID_CA, lca}};
    altroot_trust_store *store = cli_store_for_verify(&c, extra, 2);
    if (store == NULL)
        return EXIT_USAGE;
    int rc = run_devid(&c, cert, chain, lenient, store);
    altroot_trust_store_free(store);
    return rc;
}

typedef struct voucher_args {
    cli_common c;
    const char *voucher, *masa, *idevid, *nonce, *ldevid;
} voucher_args;

static altroot_err voucher_ldevid(const voucher_args *a, const altroot_voucher_result *res,
                                  altroot_time at, altroot_root_result *r)
{
    altroot_certs *l = NULL;
    altroot_err err = altroot_certs_new(&l);
    if (err == ALTROOT_OK)
        err = altroot_certs_load_file(l, a->ldevid);
    if (err != ALTROOT_OK) {
        altroot_certs_free(l);
        if (err == ALTROOT_E_NOMEM)
            return err;
        return altroot_failures_add(&r->failures, ALTROOT_E_CERT_PARSE, "ldevid", "%s",
                                    "the LDevID cannot be read");
    }
    bool ok = false;
    err = altroot_voucher_check_ldevid(&res->voucher, altroot_certs_get(l, 0), l, at, &ok,
                                       &r->failures);
    r->ownership = ok && res->verified;
    r->status = r->ownership ? r->status : ALTROOT_ROOT_FAILED;
    if (err == ALTROOT_OK && r->ownership)
        err = altroot_facts_add(&r->owned, "domain", res->owner);
    altroot_certs_free(l);
    return err;
}

static int run_voucher(voucher_args *a, const altroot_certs *masa)
{
    altroot_bytes raw = ALTROOT_BYTES_INIT, vb = ALTROOT_BYTES_INIT;
    altroot_certs *l = NULL;
    altroot_span der = {0};
    altroot_cert *idevid = NULL;
    int rc = EXIT_USAGE;
    if (!read_cert(a->idevid, &raw, &l, &der) || !cli_read_input(a->voucher, CLI_IN_CMS, &vb))
        goto out;
    idevid = altroot_certs_count(l) > 0 ? altroot_certs_get(l, 0) : NULL;
    altroot_time at = a->c.at_given ? a->c.at : altroot_time_now();
    altroot_voucher_params p = {.cms = altroot_bytes_span(&vb),
                                .masa_anchors = masa,
                                .idevid = idevid,
                                .nonce = a->nonce,
                                .at = at};
    altroot_voucher_result res;
    altroot_verdict v;
    altroot_verdict_init(&v);
    v.at = at;
    altroot_root_result *r = NULL;
    altroot_err err = altroot_voucher_verify(&p, &res);
    if (err == ALTROOT_OK && idevid == NULL)
        err = altroot_failures_add(&res.failures, ALTROOT_E_CERT_PARSE, "idevid", "%s",
                                   "the IDevID is not a certificate");
    if (err == ALTROOT_OK)
        err = altroot_set_string(&v.target, a->voucher);
    if (err == ALTROOT_OK)
        err = altroot_verdict_add_root(&v, "devid", ALTROOT_MODE_ARTEFACT, &r);
    if (err == ALTROOT_OK)
        err = altroot_voucher_to_root(&res, r);
    if (err == ALTROOT_OK && idevid == NULL)
        r->status = ALTROOT_ROOT_FAILED;
    if (err == ALTROOT_OK && a->ldevid != NULL)
        err = voucher_ldevid(a, &res, at, r);
    for (size_t i = 0; err == ALTROOT_OK && i < res.warnings.count; i++)
        err = altroot_strlist_add(&v.warnings, res.warnings.items[i]);
    rc = report(&a->c, &v, err, "voucher");
    altroot_voucher_result_clear(&res);
    altroot_verdict_clear(&v);
out:
    altroot_certs_free(l);
    altroot_bytes_clear(&raw);
    altroot_bytes_clear(&vb);
    return rc;
}

int verify_voucher(int argc, char **argv)
{
    voucher_args a;
    memset(&a, 0, sizeof a);
    opt o[] = {{"--voucher", &a.voucher},
               {"--masa-ca", &a.masa},
               {"--idevid", &a.idevid},
               {"--nonce", &a.nonce},
               {"--ldevid", &a.ldevid}};
    if (parse(argc, argv, &a.c, o, 5, NULL, USAGE_VOUCHER) != 0)
        return EXIT_USAGE;
    if (a.voucher == NULL || a.masa == NULL || a.idevid == NULL) {
        fputs(USAGE_VOUCHER, stderr);
        return EXIT_USAGE;
    }
    cli_anchor_path extra[] = {{ALTROOT_ANCHOR_DEVID_CA, a.masa}};
    altroot_trust_store *store = cli_store_for_verify(&a.c, extra, 1);
    if (store == NULL)
        return EXIT_USAGE;
    int rc = run_voucher(&a, altroot_trust_store_certs(store, ALTROOT_ANCHOR_DEVID_CA));
    altroot_trust_store_free(store);
    return rc;
}

typedef struct mud_args {
    cli_common c;
    const char *mud, *sig, *signer_ca, *device, *device_chain, *ca, *url, *url_from;
} mud_args;

static int run_mud(mud_args *a, altroot_trust_store *store)
{
    altroot_bytes f = ALTROOT_BYTES_INIT, s = ALTROOT_BYTES_INIT, d = ALTROOT_BYTES_INIT;
    altroot_certs *dl = NULL, *ch = NULL;
    altroot_span der = {0};
    int rc = EXIT_USAGE;
    if (!cli_read_input(a->mud, CLI_IN_MUD, &f) || !cli_read_input(a->sig, CLI_IN_CMS, &s) ||
        (a->device != NULL && !read_cert(a->device, &d, &dl, &der)) ||
        !read_chain(a->device_chain, &ch))
        goto out;
    altroot_mud_params p = {.file = altroot_bytes_span(&f),
                            .signature = altroot_bytes_span(&s),
                            .store = store,
                            .at = a->c.at_given ? a->c.at : altroot_time_now(),
                            .url = a->url,
                            .url_source = a->url_from != NULL && strcmp(a->url_from, "network") == 0
                                              ? ALTROOT_MUD_URL_NETWORK
                                              : ALTROOT_MUD_URL_DEVICE,
                            .device_cert = der,
                            .device_chain = ch};
    altroot_mud_result res;
    altroot_verdict v;
    altroot_verdict_init(&v);
    v.at = p.at;
    altroot_root_result *r = NULL;
    altroot_err err = altroot_mud_verify(&p, &res);
    if (err == ALTROOT_OK)
        err = altroot_set_string(&v.target, a->mud);
    if (err == ALTROOT_OK)
        err = altroot_verdict_add_root(&v, "mud", ALTROOT_MODE_ARTEFACT, &r);
    if (err == ALTROOT_OK)
        err = altroot_mud_to_root(&res, r);
    for (size_t i = 0; err == ALTROOT_OK && i < res.warnings.count; i++)
        err = altroot_strlist_add(&v.warnings, res.warnings.items[i]);
    rc = report(&a->c, &v, err, "mud");
    altroot_mud_result_clear(&res);
    altroot_verdict_clear(&v);
out:
    altroot_certs_free(dl);
    altroot_certs_free(ch);
    altroot_bytes_clear(&f);
    altroot_bytes_clear(&s);
    altroot_bytes_clear(&d);
    return rc;
}

int verify_mud(int argc, char **argv)
{
    mud_args a;
    memset(&a, 0, sizeof a);
    opt o[] = {{"--mud", &a.mud},
               {"--signature", &a.sig},
               {"--signer-ca", &a.signer_ca},
               {"--device-cert", &a.device},
               {"--device-chain", &a.device_chain},
               {"--ca", &a.ca},
               {"--url", &a.url},
               {"--url-from", &a.url_from}};
    if (parse(argc, argv, &a.c, o, 8, NULL, USAGE_MUD) != 0)
        return EXIT_USAGE;
    bool from_ok = a.url_from == NULL || strcmp(a.url_from, "device") == 0 ||
                   strcmp(a.url_from, "network") == 0;
    if (a.mud == NULL || a.sig == NULL || a.signer_ca == NULL || !from_ok) {
        fputs(USAGE_MUD, stderr);
        return EXIT_USAGE;
    }
    cli_anchor_path extra[] = {{ALTROOT_ANCHOR_MUD_SIGNER, a.signer_ca},
                               {ALTROOT_ANCHOR_DEVID_CA, a.ca}};
    altroot_trust_store *store = cli_store_for_verify(&a.c, extra, 2);
    if (store == NULL)
        return EXIT_USAGE;
    int rc = run_mud(&a, store);
    altroot_trust_store_free(store);
    return rc;
}
