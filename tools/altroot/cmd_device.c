/*
 * altroot device cert: a device's TLS certificate and key, as plain PEM any TLS server can serve,
 * built from the credentials the device holds (docs/evidence.md). Secondary integration (the
 * default): a fresh TLS key and a leaf carrying the evidence in id-pe-cmw. Primary integration
 * (--primary): the Matter NOC chain, the IDevID/LDevID chain, or an FDO owner-issued leaf.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <altroot/altroot.h>
#include <altroot/evidence.h>
#include <altroot/key_hash_name.h>
#include <altroot/matter_op.h>

#include "cli.h"
#include "cmd_device.h"

/* Guards for this file: a usage problem, and a library error passed up. */
#define ENSURE_ARG(cond)                                                                           \
    do {                                                                                           \
        if (!(cond))                                                                               \
            return ALTROOT_E_USAGE;                                                                \
    } while (0)
#define TRY_CLI(expr)                                                                              \
    do {                                                                                           \
        altroot_err e_ = (expr);                                                                   \
        if (e_ != ALTROOT_OK)                                                                      \
            return e_;                                                                             \
    } while (0)

#define DEVICE_USAGE                                                                               \
    "usage: altroot device cert --out DIR --names NAME[,NAME...] [--ca-cert F --ca-key F]\n"       \
    "  [--matter-dac-key F --matter-dac F --matter-pai F --matter-cd F\n"                          \
    "   [--matter-noc-key F --matter-noc F [--matter-icac F] --matter-rcac F]]\n"                  \
    "  [--fdo-device-key F --fdo-voucher F] [--idevid-key F --idevid F [--idevid-chain F]\n"       \
    "   [--voucher F] [--ldevid F --ldevid-key F]] [--mud F --mud-sig F [--mud-url URL]]\n"        \
    "  [--primary matter|devid|fdo [--fdo-owner-key F]] [--at TIME] [--days N]\n"                  \
    "  [--iat TIME] [--exp TIME] [--key-hash-name]\n"                                              \
    "  attack helpers (tests): [--copy-evidence CERT] [--bind-other-key] [--cut-voucher N]\n"

typedef struct device_args {
    const char *out, *names, *ca_cert, *ca_key, *primary, *at, *iat, *exp, *days;
    const char *dac_key, *dac, *pai, *cd, *noc_key, *noc, *icac, *rcac;
    const char *fdo_key, *fdo_voucher, *fdo_owner_key, *cut;
    const char *idevid_key, *idevid, *idevid_chain, *voucher, *ldevid, *ldevid_key;
    const char *mud, *mud_sig, *mud_url, *copy_from;
    bool bind_other, key_hash_name;
} device_args;

static const char **field(device_args *a, const char *opt)
{
    static const struct {
        const char *name;
        size_t offset;
    } opts[] = {
#define OPT(n, f) {n, offsetof(device_args, f)}
        OPT("--out", out),
        OPT("--names", names),
        OPT("--ca-cert", ca_cert),
        OPT("--ca-key", ca_key),
        OPT("--primary", primary),
        OPT("--at", at),
        OPT("--iat", iat),
        OPT("--exp", exp),
        OPT("--days", days),
        OPT("--matter-dac-key", dac_key),
        OPT("--matter-dac", dac),
        OPT("--matter-pai", pai),
        OPT("--matter-cd", cd),
        OPT("--matter-noc-key", noc_key),
        OPT("--matter-noc", noc),
        OPT("--matter-icac", icac),
        OPT("--matter-rcac", rcac),
        OPT("--fdo-device-key", fdo_key),
        OPT("--fdo-voucher", fdo_voucher),
        OPT("--fdo-owner-key", fdo_owner_key),
        OPT("--cut-voucher", cut),
        OPT("--idevid-key", idevid_key),
        OPT("--idevid", idevid),
        OPT("--idevid-chain", idevid_chain),
        OPT("--voucher", voucher),
        OPT("--ldevid", ldevid),
        OPT("--ldevid-key", ldevid_key),
        OPT("--mud", mud),
        OPT("--mud-sig", mud_sig),
        OPT("--mud-url", mud_url),
        OPT("--copy-evidence", copy_from),
#undef OPT
    };
    for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++)
        if (strcmp(opt, opts[i].name) == 0)
            return (const char **)(void *)((char *)a + opts[i].offset);
    return NULL;
}

static int parse(int argc, char **argv, device_args *a)
{
    for (int i = 1; i < argc; i++) {
        const char **f = field(a, argv[i]);
        if (f != NULL && i + 1 < argc)
            *f = argv[++i];
        else if (strcmp(argv[i], "--bind-other-key") == 0)
            a->bind_other = true;
        else if (strcmp(argv[i], "--key-hash-name") == 0)
            a->key_hash_name = true;
        else {
            fprintf(stderr, "altroot device cert: unexpected argument \"%s\"\n" DEVICE_USAGE,
                    argv[i]);
            return -1;
        }
    }
    if (a->out == NULL || a->names == NULL || (a->ca_cert == NULL) != (a->ca_key == NULL)) {
        fputs(DEVICE_USAGE, stderr);
        return -1;
    }
    return 0;
}

/* Everything loaded from files, released by loaded_clear(). */
typedef struct loaded {
    altroot_bytes dac, pai, cd, noc, icac, rcac, fdo_voucher, voucher, mud, mud_sig, copy;
    altroot_key *dac_key, *noc_key, *fdo_key, *owner_key, *idevid_key, *ldevid_key, *ca_key, *other;
    altroot_certs *idevid, *ldevid, *ca;
    char *names[ALTROOT_EVIDENCE_MAX_NAMES];
    size_t name_count;
    char names_buf[2048];
} loaded;

static void loaded_clear(loaded *l)
{
    altroot_bytes *b[] = {&l->dac,         &l->pai,     &l->cd,  &l->noc,     &l->icac, &l->rcac,
                          &l->fdo_voucher, &l->voucher, &l->mud, &l->mud_sig, &l->copy};
    for (size_t i = 0; i < sizeof b / sizeof b[0]; i++)
        altroot_bytes_clear(b[i]);
    altroot_key *k[] = {l->dac_key,    l->noc_key,    l->fdo_key, l->owner_key,
                        l->idevid_key, l->ldevid_key, l->ca_key,  l->other};
    for (size_t i = 0; i < sizeof k / sizeof k[0]; i++)
        altroot_key_free(k[i]);
    altroot_certs_free(l->idevid);
    altroot_certs_free(l->ldevid);
    altroot_certs_free(l->ca);
}

static bool read_opt(const char *path, altroot_bytes *out)
{
    return path == NULL || cli_read_file(path, out);
}

static bool key_opt(const char *path, altroot_key **out)
{
    if (path == NULL)
        return true;
    altroot_bytes b = ALTROOT_BYTES_INIT;
    bool ok = cli_read_file(path, &b);
    altroot_err err = ok ? altroot_key_parse_private(altroot_bytes_span(&b), out) : ALTROOT_OK;
    altroot_bytes_clear(&b);
    if (err != ALTROOT_OK)
        cli_error(path, err);
    return ok && err == ALTROOT_OK;
}

/* Certificates from one or two files (a leaf, then its chain), appended in order. */
static bool certs_opt(const char *path, const char *more, altroot_certs **out)
{
    if (path == NULL)
        return true;
    altroot_err err = altroot_certs_new(out);
    if (err == ALTROOT_OK)
        err = altroot_certs_load_file(*out, path);
    if (err == ALTROOT_OK && more != NULL)
        err = altroot_certs_load_file(*out, more);
    if (err != ALTROOT_OK)
        cli_error(path, err);
    return err == ALTROOT_OK;
}

/* The DER of the first certificate in a PEM or DER file (Matter DAC and PAI). */
static bool der_opt(const char *path, altroot_bytes *out)
{
    altroot_certs *c = NULL;
    if (path == NULL)
        return true;
    bool ok = certs_opt(path, NULL, &c);
    altroot_span d = ok ? altroot_cert_der(altroot_certs_get(c, 0)) : (altroot_span){0};
    ok = ok && altroot_bytes_append(out, d.ptr, d.len) == ALTROOT_OK;
    altroot_certs_free(c);
    return ok;
}

static bool split_names(const char *list, loaded *l)
{
    if (strlen(list) >= sizeof l->names_buf)
        return false;
    memcpy(l->names_buf, list, strlen(list) + 1);
    for (char *save = NULL, *t = strtok_r(l->names_buf, ",", &save); t != NULL;
         t = strtok_r(NULL, ",", &save)) {
        if (l->name_count == ALTROOT_EVIDENCE_MAX_NAMES)
            return false;
        l->names[l->name_count++] = t;
    }
    return l->name_count > 0;
}

static bool load_all(const device_args *a, loaded *l)
{
    return der_opt(a->dac, &l->dac) && der_opt(a->pai, &l->pai) && read_opt(a->cd, &l->cd) &&
           read_opt(a->noc, &l->noc) && read_opt(a->icac, &l->icac) &&
           read_opt(a->rcac, &l->rcac) && read_opt(a->fdo_voucher, &l->fdo_voucher) &&
           read_opt(a->voucher, &l->voucher) && read_opt(a->mud, &l->mud) &&
           read_opt(a->mud_sig, &l->mud_sig) && key_opt(a->dac_key, &l->dac_key) &&
           key_opt(a->noc_key, &l->noc_key) && key_opt(a->fdo_key, &l->fdo_key) &&
           key_opt(a->fdo_owner_key, &l->owner_key) && key_opt(a->idevid_key, &l->idevid_key) &&
           key_opt(a->ldevid_key, &l->ldevid_key) && key_opt(a->ca_key, &l->ca_key) &&
           certs_opt(a->idevid, a->idevid_chain, &l->idevid) &&
           certs_opt(a->ldevid, NULL, &l->ldevid) && certs_opt(a->ca_cert, NULL, &l->ca);
}

static altroot_device_creds creds_of(const device_args *a, const loaded *l)
{
    altroot_device_creds c = {
        .matter_dac_key = l->dac_key,
        .matter_dac = altroot_bytes_span(&l->dac),
        .matter_pai = altroot_bytes_span(&l->pai),
        .matter_cd = altroot_bytes_span(&l->cd),
        .matter_noc_key = l->noc_key,
        .matter_noc = altroot_bytes_span(&l->noc),
        .matter_icac = altroot_bytes_span(&l->icac),
        .matter_rcac = altroot_bytes_span(&l->rcac),
        .fdo_device_key = l->fdo_key,
        .fdo_voucher = altroot_bytes_span(&l->fdo_voucher),
        .fdo_voucher_cut = a->cut != NULL ? (size_t)strtoul(a->cut, NULL, 10) : 0,
        .idevid_key = l->idevid_key,
        .idevid_chain = l->idevid,
        .brski_voucher = altroot_bytes_span(&l->voucher),
        .ldevid_key = l->ldevid_key,
        .ldevid_chain = l->ldevid,
        .mud_file = altroot_bytes_span(&l->mud),
        .mud_signature = altroot_bytes_span(&l->mud_sig),
        .mud_url = a->mud_url,
    };
    return c;
}

static bool write_out(const char *dir, const altroot_certs *chain, const altroot_key *key)
{
    altroot_bytes pem = ALTROOT_BYTES_INIT;
    altroot_err err = altroot_certs_to_pem(chain, &pem);
    bool ok = err == ALTROOT_OK && cli_mkdirs(dir) &&
              cli_write(dir, "cert.pem", pem.ptr, pem.len, false) &&
              cli_write_key(dir, "key.pem", key);
    if (err != ALTROOT_OK)
        cli_error("cert.pem", err);
    altroot_bytes_clear(&pem);
    return ok;
}

/* --copy-evidence: the evidence bytes of another device's certificate, carried as they are. */
static altroot_err copied_evidence(const char *path, loaded *l)
{
    altroot_certs *c = NULL;
    bool critical = false;
    altroot_span value = {0};
    altroot_err err = altroot_certs_new(&c);
    if (err == ALTROOT_OK)
        err = altroot_certs_load_file(c, path);
    if (err == ALTROOT_OK)
        err = altroot_cert_extension(altroot_certs_get(c, 0), ALTROOT_OID_EVIDENCE, &critical,
                                     &value);
    if (err == ALTROOT_OK)
        err = altroot_bytes_append(&l->copy, value.ptr, value.len);
    altroot_certs_free(c);
    return err;
}

static altroot_err build_primary(const device_args *a, loaded *l,
                                 const altroot_device_cert_params *p, altroot_certs **chain,
                                 altroot_key **key)
{
    const altroot_key *use = NULL;
    altroot_err err = ALTROOT_OK;
    if (strcmp(a->primary, "fdo") == 0) {
        if (l->owner_key == NULL)
            return ALTROOT_E_USAGE;
        return altroot_device_fdo_owner_cert(l->owner_key, p, chain, key);
    }
    if (strcmp(a->primary, "matter") == 0) {
        ENSURE_ARG(l->noc_key != NULL && l->noc.len > 0 && l->rcac.len > 0);
        err = altroot_certs_new(chain);
        if (err == ALTROOT_OK)
            err = altroot_matter_op_chain_der(altroot_bytes_span(&l->noc),
                                              altroot_bytes_span(&l->icac),
                                              altroot_bytes_span(&l->rcac), *chain);
        use = l->noc_key;
        l->noc_key = NULL;
    } else if (strcmp(a->primary, "devid") == 0) {
        bool ld = l->ldevid != NULL && l->ldevid_key != NULL;
        ENSURE_ARG(ld || (l->idevid != NULL && l->idevid_key != NULL));
        *chain = ld ? l->ldevid : l->idevid;
        *(ld ? &l->ldevid : &l->idevid) = NULL;
        use = ld ? l->ldevid_key : l->idevid_key;
        *(ld ? &l->ldevid_key : &l->idevid_key) = NULL;
    } else {
        return ALTROOT_E_USAGE;
    }
    *key = (altroot_key *)use;
    return err;
}

/* --key-hash-name: the self-certifying name of the TLS key (docs/key-hash-name.md) for the first
 * of --names, written to DIR/key-hash-name.txt for the device to announce, and printed. */
static bool write_key_hash_name(const char *dir, const char *short_name, const altroot_key *key)
{
    char name[ALTROOT_KEY_HASH_NAME_MAX + 2];
    altroot_err err = altroot_key_hash_name_for(key, short_name, name, sizeof name - 1);
    if (err != ALTROOT_OK) {
        fprintf(stderr,
                "altroot device cert: no key-hash name for \"%s\": the first name must be a "
                "friendly name, optionally in a local domain (local, home.arpa, internal, "
                "localhost)\n",
                short_name);
        return false;
    }
    size_t n = strlen(name);
    name[n] = '\n';
    if (!cli_write(dir, "key-hash-name.txt", name, n + 1, false))
        return false;
    printf("key-hash name: %.*s (%s/key-hash-name.txt)\n", (int)n, name, dir);
    return true;
}

static altroot_err parse_time(const char *text, altroot_time dflt, altroot_time *out)
{
    *out = dflt;
    return text == NULL ? ALTROOT_OK : altroot_time_parse_rfc3339(text, out);
}

static altroot_err params_of(const device_args *a, loaded *l, altroot_device_cert_params *p)
{
    altroot_time at = 0;
    TRY_CLI(parse_time(a->at, altroot_time_now(), &at));
    long days = a->days != NULL ? strtol(a->days, NULL, 10) : 365;
    ENSURE_ARG(days > 0 && days < 100000);
    ENSURE_ARG(split_names(a->names, l));
    p->names = (const char *const *)l->names;
    p->name_count = l->name_count;
    p->not_before = at - 3600;
    p->not_after = at + days * 86400;
    TRY_CLI(parse_time(a->iat, at, &p->iat));
    /* The bindings expire with the certificate by default, and never after it. */
    TRY_CLI(parse_time(a->exp, p->not_after, &p->exp));
    if (p->exp > p->not_after) {
        fprintf(stderr,
                "altroot device cert: --exp is after the certificate's notAfter (--days)\n");
        return ALTROOT_E_USAGE;
    }
    p->ca_cert = l->ca != NULL ? altroot_certs_get(l->ca, 0) : NULL;
    p->ca_key = l->ca_key;
    if (a->bind_other)
        TRY_CLI(altroot_key_generate(ALTROOT_KEY_EC_P256, &l->other));
    p->bind_key = l->other;
    if (a->copy_from != NULL)
        TRY_CLI(copied_evidence(a->copy_from, l));
    p->evidence_override = altroot_bytes_span(&l->copy);
    return ALTROOT_OK;
}

static int device_cert(int argc, char **argv)
{
    device_args a;
    memset(&a, 0, sizeof a);
    if (parse(argc, argv, &a) != 0)
        return EXIT_USAGE;
    loaded l;
    memset(&l, 0, sizeof l);
    altroot_device_cert_params p;
    memset(&p, 0, sizeof p);
    altroot_certs *chain = NULL;
    altroot_key *key = NULL;
    altroot_err err = ALTROOT_E_IO;
    if (load_all(&a, &l))
        err = params_of(&a, &l, &p);
    altroot_device_creds creds = creds_of(&a, &l);
    if (err == ALTROOT_OK && a.primary != NULL)
        err = build_primary(&a, &l, &p, &chain, &key);
    else if (err == ALTROOT_OK)
        err = altroot_device_cert_build(&creds, &p, &chain, &key);
    int rc = err == ALTROOT_OK && write_out(a.out, chain, key) ? EXIT_VERIFIED : EXIT_USAGE;
    if (err == ALTROOT_E_USAGE)
        fputs(DEVICE_USAGE, stderr);
    else if (err != ALTROOT_OK && err != ALTROOT_E_IO)
        cli_error("device cert", err);
    if (rc == EXIT_VERIFIED)
        printf("wrote %s/cert.pem (%zu certificates) and %s/key.pem\n", a.out,
               altroot_certs_count(chain), a.out);
    if (rc == EXIT_VERIFIED && a.key_hash_name && !write_key_hash_name(a.out, l.names[0], key))
        rc = EXIT_USAGE;
    altroot_certs_free(chain);
    altroot_key_free(key);
    loaded_clear(&l);
    return rc;
}

int cmd_device(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "cert") == 0)
        return device_cert(argc - 1, argv + 1);
    fputs(DEVICE_USAGE, stderr);
    return EXIT_USAGE;
}
