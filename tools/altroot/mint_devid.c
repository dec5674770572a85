/* altroot mint devid | mud: 802.1AR and MUD test PKIs written as PEM/JSON into --out DIR. */
#include <stdio.h>
#include <string.h>

#include <altroot/devid.h>
#include <altroot/mud.h>

#include "cli.h"
#include "verify_devid.h"

#define USAGE_MINT_DEVID                                                                           \
    "usage: altroot mint devid --out DIR [--serial S] [--mud-url URL] [--fault NAME]\n"
#define USAGE_MINT_MUD "usage: altroot mint mud --out DIR [--mud-url URL] [--fault NAME]\n"
#define MUD_URL "https://mud.example.com/widget-2000.json"

typedef struct pki {
    altroot_key *root_key, *ca_key, *dev_key, *dom_key, *signer_key;
    altroot_cert *root, *ca, *idevid, *dom, *ldevid, *signer;
    altroot_bytes signer_name;
} pki;

static void pki_free(pki *p)
{
    altroot_key *k[] = {p->root_key, p->ca_key, p->dev_key, p->dom_key, p->signer_key};
    altroot_cert *c[] = {p->root, p->ca, p->idevid, p->dom, p->ldevid, p->signer};
    for (size_t i = 0; i < 5; i++)
        altroot_key_free(k[i]);
    for (size_t i = 0; i < 6; i++)
        altroot_cert_free(c[i]);
    altroot_bytes_clear(&p->signer_name);
}

static altroot_err keys(pki *p)
{
    altroot_key **k[] = {&p->root_key, &p->ca_key, &p->dev_key, &p->dom_key, &p->signer_key};
    for (size_t i = 0; i < 5; i++) {
        altroot_err err =
            altroot_key_generate(i == 0 ? ALTROOT_KEY_EC_P384 : ALTROOT_KEY_EC_P256, k[i]);
        if (err != ALTROOT_OK)
            return err;
    }
    return ALTROOT_OK;
}

/* Root CA, issuing CA, MUD signer, IDevID (with `fault`), domain CA and LDevID. */
static altroot_err build(pki *p, const char *serial, const char *mud_url, altroot_devid_fault f)
{
    altroot_time t0 = altroot_time_now() - 3600;
    altroot_name_entry sn[] = {{"2.5.4.6", "XX"},
                               {"2.5.4.10", "Example Widgets"},
                               {"2.5.4.3", "Example Widgets MUD Signer"}};
    altroot_err err = keys(p);
    if (err == ALTROOT_OK)
        err = altroot_devid_mint_ca("Example Widgets", "Example Widgets DevID Root CA", 1, t0,
                                    p->root_key, NULL, NULL, &p->root);
    if (err == ALTROOT_OK)
        err = altroot_devid_mint_ca("Example Widgets", "Example Widgets IDevID CA", 0, t0,
                                    p->ca_key, p->root, p->root_key, &p->ca);
    if (err == ALTROOT_OK)
        err = altroot_devid_name_der(sn, 3, &p->signer_name);
    if (err == ALTROOT_OK)
        err = altroot_devid_mint_signer(altroot_bytes_span(&p->signer_name),
                                        ALTROOT_KU_DIGITAL_SIGNATURE, t0, ALTROOT_TIME_NO_EXPIRY,
                                        p->signer_key, p->root, p->root_key, &p->signer);
    altroot_devid_mint_params m = {.organization = "Example Widgets",
                                   .common_name = "Widget 2000",
                                   .serial = serial,
                                   .hw_type = "1.3.6.1.4.1.6715.10.1",
                                   .masa_url = "masa.example.com",
                                   .mud_url = mud_url,
                                   .mudsigner = altroot_bytes_span(&p->signer_name),
                                   .not_before = t0,
                                   .not_after = ALTROOT_TIME_NO_EXPIRY,
                                   .fault = f};
    if (err == ALTROOT_OK)
        err = altroot_devid_mint(&m, p->dev_key, p->ca, p->ca_key, &p->idevid);
    if (err == ALTROOT_OK)
        err =
            altroot_devid_mint_ca("Home", "Home Domain CA", 0, t0, p->dom_key, NULL, NULL, &p->dom);
    m.fault = ALTROOT_DEVID_FAULT_NONE;
    if (err == ALTROOT_OK)
        err = altroot_devid_mint(&m, p->dev_key, p->dom, p->dom_key, &p->ldevid);
    return err;
}

static bool write_pki(const char *out, const pki *p)
{
    return cli_mkdirs(out) && cli_write_cert(out, "mfg-root-ca.pem", p->root) &&
           cli_write_key(out, "mfg-root-ca.key.pem", p->root_key) &&
           cli_write_cert(out, "mfg-idevid-ca.pem", p->ca) &&
           cli_write_key(out, "mfg-idevid-ca.key.pem", p->ca_key) &&
           cli_write_cert(out, "idevid.pem", p->idevid) &&
           cli_write_key(out, "idevid.key.pem", p->dev_key) &&
           cli_write_cert(out, "chain.pem", p->ca) &&
           cli_write_cert(out, "domain-ca.pem", p->dom) &&
           cli_write_key(out, "domain-ca.key.pem", p->dom_key) &&
           cli_write_cert(out, "ldevid.pem", p->ldevid) &&
           cli_write_cert(out, "mud-signer.pem", p->signer) &&
           cli_write_key(out, "mud-signer.key.pem", p->signer_key);
}

typedef struct mint_args {
    const char *out, *serial, *url, *fault;
} mint_args;

static int parse_mint(int argc, char **argv, mint_args *a, const char *usage)
{
    for (int i = 1; i < argc; i++) {
        const char **f = strcmp(argv[i], "--out") == 0       ? &a->out
                         : strcmp(argv[i], "--serial") == 0  ? &a->serial
                         : strcmp(argv[i], "--mud-url") == 0 ? &a->url
                         : strcmp(argv[i], "--fault") == 0   ? &a->fault
                                                             : NULL;
        if (f == NULL || i + 1 >= argc) {
            fprintf(stderr, "altroot mint: unexpected argument \"%s\"\n%s", argv[i], usage);
            return -1;
        }
        *f = argv[++i];
    }
    if (a->out == NULL) {
        fputs(usage, stderr);
        return -1;
    }
    return 0;
}

int mint_devid(int argc, char **argv)
{
    mint_args a = {NULL, "WX-2000-000042", MUD_URL, "none"};
    altroot_devid_fault f = ALTROOT_DEVID_FAULT_NONE;
    if (parse_mint(argc, argv, &a, USAGE_MINT_DEVID) != 0)
        return EXIT_USAGE;
    if (altroot_devid_fault_parse(a.fault, &f) != ALTROOT_OK) {
        fprintf(stderr, "altroot mint devid: unknown fault \"%s\"\n", a.fault);
        return EXIT_USAGE;
    }
    pki p;
    memset(&p, 0, sizeof p);
    altroot_err err = build(&p, a.serial, a.url, f);
    int rc = err == ALTROOT_OK && write_pki(a.out, &p) ? EXIT_VERIFIED : EXIT_USAGE;
    if (err != ALTROOT_OK)
        cli_error("mint devid", err);
    pki_free(&p);
    return rc;
}

int mint_mud(int argc, char **argv)
{
    mint_args a = {NULL, "WX-2000-000042", MUD_URL, "none"};
    altroot_mud_fault f = ALTROOT_MUD_FAULT_NONE;
    if (parse_mint(argc, argv, &a, USAGE_MINT_MUD) != 0)
        return EXIT_USAGE;
    if (altroot_mud_fault_parse(a.fault, &f) != ALTROOT_OK) {
        fprintf(stderr, "altroot mint mud: unknown fault \"%s\"\n", a.fault);
        return EXIT_USAGE;
    }
    pki p;
    memset(&p, 0, sizeof p);
    altroot_bytes file = ALTROOT_BYTES_INIT, sig = ALTROOT_BYTES_INIT;
    altroot_err err = build(&p, a.serial, a.url, ALTROOT_DEVID_FAULT_NONE);
    altroot_mud_mint_params m = {.mud_url = a.url,
                                 .mfg_name = "Example Widgets",
                                 .model_name = "Widget 2000",
                                 .firmware_rev = "1.0.0",
                                 .software_rev = "1.0.0",
                                 .documentation = "https://www.example.com/widget-2000",
                                 .systeminfo = "Example Widgets Widget 2000",
                                 .last_update = altroot_time_now(),
                                 .signer = p.signer,
                                 .key = p.signer_key,
                                 .fault = f};
    if (err == ALTROOT_OK)
        err = altroot_mud_mint(&m, &file, &sig);
    int rc = err == ALTROOT_OK && write_pki(a.out, &p) &&
                     cli_write(a.out, "mud.json", file.ptr, file.len, false) &&
                     cli_write(a.out, "mud.p7s", sig.ptr, sig.len, false)
                 ? EXIT_VERIFIED
                 : EXIT_USAGE;
    if (err != ALTROOT_OK)
        cli_error("mint mud", err);
    altroot_bytes_clear(&file);
    altroot_bytes_clear(&sig);
    pki_free(&p);
    return rc;
}
