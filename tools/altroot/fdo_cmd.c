/* altroot fdo extend, altroot mint fdo: owner and test tooling for FDO vouchers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <altroot/fdo.h>

#include "cli.h"
#include "fdo_pki.h"
#include "verify_fdo.h"

#define EXTEND_USAGE                                                                               \
    "usage: altroot fdo extend --voucher FILE --owner-key KEY.pem --next-owner PUB.pem "           \
    "--out FILE [--cose-key] [--raw]\n"
#define MINT_USAGE                                                                                 \
    "usage: altroot mint fdo --out DIR [--entries N] [--key p256|p384|rsa2048|rsa3072] "           \
    "[--device-info TEXT] [--fault NAME]\n"

static bool write_file(const char *path, altroot_span data, bool secret)
{
    FILE *f = fopen(path, "wb");
    if (f != NULL && secret)
        (void)chmod(path, 0600);
    bool ok = f != NULL && fwrite(data.ptr, 1, data.len, f) == data.len;
    if (f != NULL && fclose(f) != 0)
        ok = false;
    if (!ok)
        cli_error(path, ALTROOT_E_IO);
    return ok;
}

typedef struct extend_args {
    const char *voucher, *owner_key, *next_owner, *out;
    bool cose_key, raw;
} extend_args;

static int parse_extend(int argc, char **argv, extend_args *a)
{
    for (int i = 1; i < argc; i++) {
        const char **f = strcmp(argv[i], "--voucher") == 0      ? &a->voucher
                         : strcmp(argv[i], "--owner-key") == 0  ? &a->owner_key
                         : strcmp(argv[i], "--next-owner") == 0 ? &a->next_owner
                         : strcmp(argv[i], "--out") == 0        ? &a->out
                                                                : NULL;
        if (f != NULL && i + 1 < argc) {
            *f = argv[++i];
        } else if (strcmp(argv[i], "--cose-key") == 0) {
            a->cose_key = true;
        } else if (strcmp(argv[i], "--raw") == 0) {
            a->raw = true;
        } else {
            fprintf(stderr, "altroot fdo extend: unexpected argument \"%s\"\n" EXTEND_USAGE,
                    argv[i]);
            return -1;
        }
    }
    if (a->voucher == NULL || a->owner_key == NULL || a->next_owner == NULL || a->out == NULL) {
        fprintf(stderr, EXTEND_USAGE);
        return -1;
    }
    return 0;
}

/* The voucher must verify (no anchors needed) before anyone signs on top of it. */
static int extend_verified(const extend_args *a, altroot_span data, const altroot_key *owner,
                           const altroot_key *next, altroot_bytes *out)
{
    altroot_fdo_verify_params p = {.at = altroot_time_now()};
    altroot_fdo_result res;
    altroot_err err = altroot_fdo_verify(data, 0, &p, &res);
    if (err != ALTROOT_OK) {
        cli_error("fdo extend", err);
        return EXIT_USAGE;
    }
    for (size_t i = 0; i < res.failures.count; i++)
        fprintf(stderr, "altroot fdo extend: %s: %s (%s)\n", res.failures.items[i].where,
                res.failures.items[i].detail, altroot_error_name(res.failures.items[i].code));
    altroot_fdo_extend_params ep = {.owner_key = owner,
                                    .next_owner = next,
                                    .next_enc = a->cose_key ? ALTROOT_FDO_PK_ENC_COSEKEY
                                                            : ALTROOT_FDO_PK_ENC_X509};
    err =
        res.verified ? altroot_fdo_voucher_extend(res.voucher, &ep, out) : ALTROOT_E_FDO_MALFORMED;
    altroot_fdo_result_clear(&res);
    if (err != ALTROOT_OK) {
        cli_error("fdo extend", err);
        return err == ALTROOT_E_NOMEM ? EXIT_USAGE : EXIT_NOT_VERIFIED;
    }
    return EXIT_VERIFIED;
}

static int run_extend(const extend_args *a)
{
    altroot_bytes data = ALTROOT_BYTES_INIT, kf = ALTROOT_BYTES_INIT, nf = ALTROOT_BYTES_INIT;
    altroot_bytes cbor = ALTROOT_BYTES_INIT, pem = ALTROOT_BYTES_INIT;
    altroot_key *owner = NULL, *next = NULL;
    int rc = EXIT_USAGE;
    if (!cli_read_file(a->voucher, &data) || !cli_read_file(a->owner_key, &kf) ||
        !cli_read_file(a->next_owner, &nf))
        goto out;
    altroot_err err = altroot_key_parse_private(altroot_bytes_span(&kf), &owner);
    if (err != ALTROOT_OK) {
        cli_error(a->owner_key, err);
        goto out;
    }
    err = altroot_key_parse_public(altroot_bytes_span(&nf), &next);
    if (err != ALTROOT_OK) {
        cli_error(a->next_owner, err);
        goto out;
    }
    rc = extend_verified(a, altroot_bytes_span(&data), owner, next, &cbor);
    if (rc != EXIT_VERIFIED)
        goto out;
    err = a->raw ? ALTROOT_OK : altroot_fdo_voucher_to_pem(altroot_bytes_span(&cbor), &pem);
    if (err != ALTROOT_OK || !write_file(a->out, altroot_bytes_span(a->raw ? &cbor : &pem), false))
        rc = EXIT_USAGE;
out:
    altroot_key_free(owner);
    altroot_key_free(next);
    altroot_bytes_clear(&data);
    altroot_bytes_clear(&kf);
    altroot_bytes_clear(&nf);
    altroot_bytes_clear(&cbor);
    altroot_bytes_clear(&pem);
    return rc;
}

int fdo_extend(int argc, char **argv)
{
    extend_args a;
    memset(&a, 0, sizeof a);
    if (parse_extend(argc, argv, &a) != 0)
        return EXIT_USAGE;
    return run_extend(&a);
}

/* ---- altroot mint fdo ---- */

typedef struct mint_args {
    const char *out, *key, *device_info, *fault;
    long entries;
} mint_args;

static const struct {
    const char *name;
    altroot_fdo_fault fault;
} FAULTS[] = {{"signature", ALTROOT_FDO_FAULT_SIGNATURE},
              {"prev-hash", ALTROOT_FDO_FAULT_PREV_HASH},
              {"hdr-hash", ALTROOT_FDO_FAULT_HDR_HASH},
              {"untagged", ALTROOT_FDO_FAULT_UNTAGGED},
              {"alg", ALTROOT_FDO_FAULT_ALG},
              {"der-signature", ALTROOT_FDO_FAULT_DER_SIGNATURE},
              {"hash-alg", ALTROOT_FDO_FAULT_HASH_ALG},
              {"extra", ALTROOT_FDO_FAULT_EXTRA}};

static int parse_mint(int argc, char **argv, mint_args *a)
{
    a->entries = 1;
    for (int i = 1; i < argc; i++) {
        char *end = NULL;
        if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
            a->out = argv[++i];
        else if (strcmp(argv[i], "--key") == 0 && i + 1 < argc)
            a->key = argv[++i];
        else if (strcmp(argv[i], "--device-info") == 0 && i + 1 < argc)
            a->device_info = argv[++i];
        else if (strcmp(argv[i], "--fault") == 0 && i + 1 < argc)
            a->fault = argv[++i];
        else if (strcmp(argv[i], "--entries") == 0 && i + 1 < argc &&
                 (a->entries = strtol(argv[++i], &end, 10)) >= 0 && *end == '\0' &&
                 a->entries <= ALTROOT_FDO_MAX_ENTRIES)
            continue;
        else {
            fprintf(stderr, "altroot mint fdo: unexpected argument \"%s\"\n" MINT_USAGE, argv[i]);
            return -1;
        }
    }
    if (a->out == NULL) {
        fprintf(stderr, MINT_USAGE);
        return -1;
    }
    return 0;
}

static bool write_key(const char *dir, const char *name, const altroot_key *k, bool priv)
{
    char path[4096];
    altroot_bytes b = ALTROOT_BYTES_INIT;
    altroot_err err = ALTROOT_OK;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (priv) {
        err = altroot_key_private_pem(k, &b);
    } else {
        altroot_bytes der = ALTROOT_BYTES_INIT;
        err = altroot_key_spki_der(k, &der);
        static const char head[] = "-----BEGIN PUBLIC KEY-----\n";
        /* the voucher PEM writer gives the base64 lines; relabel them */
        altroot_bytes body = ALTROOT_BYTES_INIT;
        if (err == ALTROOT_OK)
            err = altroot_fdo_voucher_to_pem(altroot_bytes_span(&der), &body);
        if (err == ALTROOT_OK) {
            size_t skip = strlen("-----BEGIN OWNERSHIP VOUCHER-----\n");
            size_t tail = strlen("-----END OWNERSHIP VOUCHER-----\n");
            err = altroot_bytes_append(&b, head, strlen(head));
            if (err == ALTROOT_OK)
                err = altroot_bytes_append(&b, body.ptr + skip, body.len - skip - tail);
            if (err == ALTROOT_OK)
                err = altroot_bytes_append(&b, "-----END PUBLIC KEY-----\n", 25);
        }
        altroot_bytes_clear(&der);
        altroot_bytes_clear(&body);
    }
    bool ok = err == ALTROOT_OK && write_file(path, altroot_bytes_span(&b), priv);
    if (err != ALTROOT_OK)
        cli_error(name, err);
    altroot_bytes_clear(&b);
    return ok;
}

static bool mint_write(const char *dir, const fdo_pki *s)
{
    char path[4096], hex[97];
    altroot_bytes pem = ALTROOT_BYTES_INIT, certs = ALTROOT_BYTES_INIT;
    altroot_certs *ca_only = NULL;
    bool ok = altroot_fdo_voucher_to_pem(altroot_bytes_span(&s->voucher), &pem) == ALTROOT_OK &&
              altroot_certs_to_pem(s->chain, &certs) == ALTROOT_OK &&
              altroot_certs_new(&ca_only) == ALTROOT_OK &&
              altroot_certs_push(ca_only, s->ca) == ALTROOT_OK;
    snprintf(path, sizeof path, "%s/voucher.pem", dir);
    ok = ok && write_file(path, altroot_bytes_span(&pem), false);
    snprintf(path, sizeof path, "%s/device-chain.pem", dir);
    ok = ok && write_file(path, altroot_bytes_span(&certs), false);
    altroot_bytes_clear(&certs);
    ok = ok && altroot_certs_to_pem(ca_only, &certs) == ALTROOT_OK;
    snprintf(path, sizeof path, "%s/device-ca.pem", dir);
    ok = ok && write_file(path, altroot_bytes_span(&certs), false);
    altroot_hex_encode((altroot_span){s->secret, sizeof s->secret}, hex);
    snprintf(path, sizeof path, "%s/hmac-secret.hex", dir);
    ok = ok && write_file(path, (altroot_span){(const uint8_t *)hex, strlen(hex)}, true);
    ok = ok && write_key(dir, "mfr.key.pem", s->mfr, true) &&
         write_key(dir, "mfr.pub.pem", s->mfr, false) &&
         write_key(dir, "device.key.pem", s->dev_key, true) &&
         write_key(dir, "owner.key.pem", s->owner, true) &&
         write_key(dir, "owner.pub.pem", s->owner, false);
    altroot_certs_free(ca_only);
    altroot_bytes_clear(&pem);
    altroot_bytes_clear(&certs);
    return ok;
}

int mint_fdo(int argc, char **argv)
{
    mint_args a;
    memset(&a, 0, sizeof a);
    if (parse_mint(argc, argv, &a) != 0)
        return EXIT_USAGE;
    altroot_fdo_fault fault = ALTROOT_FDO_FAULT_NONE;
    size_t k = 0;
    while (a.fault != NULL && k < sizeof FAULTS / sizeof FAULTS[0] &&
           strcmp(a.fault, FAULTS[k].name) != 0)
        k++;
    if (a.fault != NULL && (k == sizeof FAULTS / sizeof FAULTS[0] || a.entries == 0)) {
        fprintf(stderr, "altroot mint fdo: unknown --fault (or --entries 0)\n" MINT_USAGE);
        fprintf(stderr, "faults:");
        for (size_t i = 0; i < sizeof FAULTS / sizeof FAULTS[0]; i++)
            fprintf(stderr, " %s", FAULTS[i].name);
        fprintf(stderr, "\n");
        return EXIT_USAGE;
    }
    if (a.fault != NULL)
        fault = FAULTS[k].fault;
    fdo_pki_params pp = {a.key, a.device_info, a.entries, fault, altroot_time_now()};
    fdo_pki s;
    altroot_err err = fdo_pki_make(&pp, &s);
    if (err != ALTROOT_OK)
        cli_error("mint fdo", err);
    (void)mkdir(a.out, 0755);
    int rc = err == ALTROOT_OK && mint_write(a.out, &s) ? EXIT_VERIFIED : EXIT_USAGE;
    fdo_pki_free(&s);
    return rc;
}
