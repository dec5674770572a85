/* altroot mint devid | mud: 802.1AR and MUD test PKIs written as PEM/JSON into --out DIR. */
#include <stdio.h>
#include <string.h>

#include <altroot/devid.h>
#include <altroot/mud.h>

#include "cli.h"
#include "devid_pki.h"
#include "verify_devid.h"

#define USAGE_MINT_DEVID                                                                           \
    "usage: altroot mint devid --out DIR [--serial S] [--mud-url URL] [--fault NAME]\n"
#define USAGE_MINT_MUD "usage: altroot mint mud --out DIR [--mud-url URL] [--fault NAME]\n"
static bool write_pki(const char *out, const devid_pki *p)
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
    mint_args a = {NULL, "WX-2000-000042", DEVID_PKI_MUD_URL, "none"};
    altroot_devid_fault f = ALTROOT_DEVID_FAULT_NONE;
    if (parse_mint(argc, argv, &a, USAGE_MINT_DEVID) != 0)
        return EXIT_USAGE;
    if (altroot_devid_fault_parse(a.fault, &f) != ALTROOT_OK) {
        fprintf(stderr, "altroot mint devid: unknown fault \"%s\"\n", a.fault);
        return EXIT_USAGE;
    }
    devid_pki_unit u = {a.serial, a.url, f, altroot_time_now() - 3600, ALTROOT_TIME_NO_EXPIRY};
    devid_pki p;
    altroot_err err = devid_pki_make(&p, &u);
    int rc = err == ALTROOT_OK && write_pki(a.out, &p) ? EXIT_VERIFIED : EXIT_USAGE;
    if (err != ALTROOT_OK)
        cli_error("mint devid", err);
    devid_pki_free(&p);
    return rc;
}

int mint_mud(int argc, char **argv)
{
    mint_args a = {NULL, "WX-2000-000042", DEVID_PKI_MUD_URL, "none"};
    altroot_mud_fault f = ALTROOT_MUD_FAULT_NONE;
    if (parse_mint(argc, argv, &a, USAGE_MINT_MUD) != 0)
        return EXIT_USAGE;
    if (altroot_mud_fault_parse(a.fault, &f) != ALTROOT_OK) {
        fprintf(stderr, "altroot mint mud: unknown fault \"%s\"\n", a.fault);
        return EXIT_USAGE;
    }
    devid_pki_unit u = {a.serial, a.url, ALTROOT_DEVID_FAULT_NONE, altroot_time_now() - 3600,
                        ALTROOT_TIME_NO_EXPIRY};
    devid_pki p;
    altroot_bytes file = ALTROOT_BYTES_INIT, sig = ALTROOT_BYTES_INIT;
    altroot_err err = devid_pki_make(&p, &u);
    if (err == ALTROOT_OK)
        err = devid_pki_mud(&p, a.url, altroot_time_now(), f, &file, &sig);
    int rc = err == ALTROOT_OK && write_pki(a.out, &p) &&
                     cli_write(a.out, "mud.json", file.ptr, file.len, false) &&
                     cli_write(a.out, "mud.p7s", sig.ptr, sig.len, false)
                 ? EXIT_VERIFIED
                 : EXIT_USAGE;
    if (err != ALTROOT_OK)
        cli_error("mint mud", err);
    altroot_bytes_clear(&file);
    altroot_bytes_clear(&sig);
    devid_pki_free(&p);
    return rc;
}
