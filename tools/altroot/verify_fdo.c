/* altroot verify fdo-voucher: an FDO ownership voucher, offline (docs/fdo.md). */
#include <stdio.h>
#include <string.h>

#include <altroot/fdo.h>

#include "cli.h"
#include "verify_fdo.h"

#define USAGE                                                                                      \
    "usage: altroot verify fdo-voucher --voucher FILE [--owner-keys PATH] [--mfr PATH] "           \
    "[--hmac-secret HEX|FILE] [--strict-x5chain] [--json] [--at TIME]\n"

typedef struct fdo_args {
    cli_common c;
    const char *voucher, *owner, *mfr, *hmac;
    bool strict_x5chain;
} fdo_args;

/* The spellings (--owner-key, --mfr-key, --device-ca) are accepted as aliases. */
static int parse_args(int argc, char **argv, fdo_args *a)
{
    struct {
        const char *name;
        const char **field;
    } opts[] = {{"--voucher", &a->voucher}, {"--owner-keys", &a->owner}, {"--owner-key", &a->owner},
                {"--mfr", &a->mfr},         {"--mfr-key", &a->mfr},      {"--device-ca", &a->mfr},
                {"--hmac-secret", &a->hmac}};
    for (int i = 1; i < argc; i++) {
        int r = cli_common_option(&a->c, argc, argv, &i);
        if (r < 0)
            return -1;
        if (r > 0)
            continue;
        if (strcmp(argv[i], "--strict-x5chain") == 0) {
            a->strict_x5chain = true;
            continue;
        }
        size_t k = 0;
        while (k < sizeof opts / sizeof opts[0] && strcmp(argv[i], opts[k].name) != 0)
            k++;
        if (k == sizeof opts / sizeof opts[0] || i + 1 >= argc || *opts[k].field != NULL) {
            fprintf(stderr, "altroot verify fdo-voucher: unexpected argument \"%s\"\n" USAGE,
                    argv[i]);
            return -1;
        }
        *opts[k].field = argv[++i];
    }
    if (a->voucher == NULL) {
        fprintf(stderr, USAGE);
        return -1;
    }
    return 0;
}

/* HEX on the command line, or a file holding hex (go-fdo's dc.hmac-secret.hex). */
static bool read_secret(const char *arg, altroot_bytes *out)
{
    altroot_err err = altroot_hex_decode(arg, out);
    if (err == ALTROOT_OK && out->len > 0)
        return true;
    altroot_bytes_clear(out);
    if (err != ALTROOT_E_NOMEM) {
        altroot_bytes file = ALTROOT_BYTES_INIT;
        if (!cli_read_input(arg, CLI_IN_SECRET, &file))
            return false;
        char hex[256];
        size_t n = 0;
        for (size_t i = 0; i < file.len && n + 1 < sizeof hex; i++)
            if (file.ptr[i] != '\n' && file.ptr[i] != '\r' && file.ptr[i] != ' ')
                hex[n++] = (char)file.ptr[i];
        hex[n] = '\0';
        altroot_bytes_clear(&file);
        err = altroot_hex_decode(hex, out);
        if (err == ALTROOT_OK && out->len > 0)
            return true;
    }
    if (err == ALTROOT_E_NOMEM)
        cli_error("--hmac-secret", err);
    else
        fprintf(stderr, "altroot verify fdo-voucher: --hmac-secret takes hex or a file of hex\n");
    return false;
}

/* Device-supplied text is shown as it is, except control characters. */
static void printable(const char *in, char *out, size_t len)
{
    size_t n = 0;
    for (; in[n] != '\0' && n + 1 < len; n++)
        out[n] = (char)((unsigned char)in[n] < 0x20 || in[n] == 0x7f ? '?' : in[n]);
    out[n] = '\0';
}

static altroot_err key_line(const altroot_fdo_pubkey *k, char *out, size_t len)
{
    uint8_t h[32];
    char hex[65] = "";
    altroot_err err = k->key != NULL ? altroot_key_spki_sha256(k->key, h) : ALTROOT_OK;
    if (err == ALTROOT_OK && k->key != NULL)
        altroot_hex_encode((altroot_span){h, 32}, hex);
    snprintf(out, len, "%s %s spki-sha256:%.16s", altroot_fdo_pk_type_name(k->type),
             altroot_fdo_pk_enc_name(k->enc), hex);
    return err;
}

static altroot_err add_voucher_facts(altroot_root_result *r, const altroot_fdo_voucher *v)
{
    char buf[512], guid[33];
    altroot_hex_encode((altroot_span){v->guid, 16}, guid);
    altroot_err err = altroot_facts_add(&r->attested, "guid", guid);
    printable(v->device_info, buf, sizeof buf);
    if (err == ALTROOT_OK)
        err = altroot_facts_add(&r->attested, "device_info", buf);
    if (err == ALTROOT_OK)
        err = key_line(&v->mfr, buf, sizeof buf);
    if (err == ALTROOT_OK)
        err = altroot_facts_add(&r->attested, "manufacturer_key", buf);
    for (size_t i = 0;
         err == ALTROOT_OK && v->device_chain != NULL && i < altroot_certs_count(v->device_chain);
         i++) {
        char key[48];
        snprintf(key, sizeof key, "device_chain[%zu]", i);
        altroot_cert_subject(altroot_certs_get(v->device_chain, i), buf, sizeof buf);
        err = altroot_facts_add(&r->attested, key, buf);
    }
    for (size_t i = 0; err == ALTROOT_OK && i < v->entry_count; i++) {
        char key[48], kl[160];
        const altroot_fdo_entry *e = &v->entries[i];
        snprintf(key, sizeof key, "entry[%zu]", i);
        if (e->decode_err != ALTROOT_OK)
            snprintf(buf, sizeof buf, "undecodable: %s", e->decode_detail);
        else {
            err = key_line(&e->owner, kl, sizeof kl);
            snprintf(buf, sizeof buf, "%s %s -> %s", altroot_fdo_alg_name(e->alg),
                     altroot_fdo_hash_name(e->prev_hash_type), kl);
        }
        if (err == ALTROOT_OK)
            err = altroot_facts_add(&r->owned, key, buf);
    }
    return err;
}

static altroot_err add_result(altroot_verdict *v, const altroot_fdo_result *res, size_t index)
{
    altroot_root_result *r = NULL;
    altroot_err err = altroot_verdict_add_root(v, "fdo", ALTROOT_MODE_ARTEFACT, &r);
    if (err != ALTROOT_OK)
        return err;
    r->evidence = true;
    r->status = res->verified ? ALTROOT_ROOT_VERIFIED : ALTROOT_ROOT_FAILED;
    r->attestation = res->attestation;
    r->ownership = res->ownership;
    char buf[160];
    snprintf(buf, sizeof buf, "%zu", index);
    err = altroot_facts_add(&r->owned, "voucher", buf);
    if (err == ALTROOT_OK && res->voucher != NULL)
        err = add_voucher_facts(r, res->voucher);
    if (err == ALTROOT_OK && res->final_owner != NULL && res->voucher != NULL) {
        const altroot_fdo_voucher *vv = res->voucher;
        err = key_line(vv->entry_count > 0 ? &vv->entries[vv->entry_count - 1].owner : &vv->mfr,
                       buf, sizeof buf);
        if (err == ALTROOT_OK)
            err = altroot_facts_add(&r->owned, "owner_key", buf);
    }
    if (err == ALTROOT_OK && res->ownership)
        err = altroot_set_string(&r->anchor, res->owner_anchor_desc);
    else if (err == ALTROOT_OK && res->attestation)
        err = altroot_set_string(&r->anchor, res->mfr_anchor_desc);
    if (err == ALTROOT_OK)
        err = altroot_failures_extend(&r->failures, &res->failures, NULL);
    for (size_t i = 0; err == ALTROOT_OK && i < res->notes.count; i++)
        err = altroot_strlist_add(&v->warnings, res->notes.items[i]);
    return err;
}

/* A private key that follows the voucher is never used as an anchor (the file would vouch for
 * itself); the report only says whether it is the final owner's. */
static altroot_err note_embedded_key(altroot_verdict *v, altroot_span data,
                                     const altroot_fdo_result *res)
{
    altroot_key *k = NULL;
    if (res->final_owner == NULL || altroot_fdo_pem_private_key(data, &k) != ALTROOT_OK)
        return ALTROOT_OK;
    bool same = altroot_key_equal(k, res->final_owner);
    altroot_key_free(k);
    return altroot_strlist_add(&v->warnings,
                               same ? "the file also holds the final owner's private key (not "
                                      "used as an anchor)"
                                    : "the file also holds a private key that is NOT the final "
                                      "owner's");
}

static int run(fdo_args *a, altroot_trust_store *store)
{
    altroot_bytes data = ALTROOT_BYTES_INIT, secret = ALTROOT_BYTES_INIT;
    int rc = EXIT_USAGE;
    if (!cli_read_input(a->voucher, CLI_IN_VOUCHER, &data) ||
        (a->hmac != NULL && !read_secret(a->hmac, &secret)))
        goto out;
    altroot_fdo_verify_params p = {.store = store,
                                   .at = a->c.at_given ? a->c.at : altroot_time_now(),
                                   .hmac_secret = altroot_bytes_span(&secret),
                                   .reject_wrapped_x5chain = a->strict_x5chain};
    altroot_verdict v;
    altroot_verdict_init(&v);
    v.at = p.at;
    altroot_err err = altroot_set_string(&v.target, a->voucher);
    size_t n = altroot_fdo_pem_count(altroot_bytes_span(&data));
    for (size_t i = 0; err == ALTROOT_OK && i < (n > 0 ? n : 1); i++) {
        altroot_fdo_result res;
        err = altroot_fdo_verify(altroot_bytes_span(&data), i, &p, &res);
        if (err == ALTROOT_OK)
            err = add_result(&v, &res, i);
        if (err == ALTROOT_OK)
            err = note_embedded_key(&v, altroot_bytes_span(&data), &res);
        altroot_fdo_result_clear(&res);
    }
    rc = err == ALTROOT_OK ? cli_report_artefact(&a->c, &v, NULL) : EXIT_USAGE;
    if (err != ALTROOT_OK)
        cli_error("fdo-voucher", err);
    altroot_verdict_clear(&v);
out:
    altroot_bytes_clear(&data);
    altroot_bytes_clear(&secret);
    return rc;
}

int verify_fdo_voucher(int argc, char **argv)
{
    fdo_args a;
    memset(&a, 0, sizeof a);
    if (parse_args(argc, argv, &a) != 0)
        return EXIT_USAGE;
    cli_anchor_path extra[] = {{ALTROOT_ANCHOR_FDO_OWNER, a.owner},
                               {ALTROOT_ANCHOR_FDO_MFR, a.mfr}};
    altroot_trust_store *store = cli_store_for_verify(&a.c, extra, 2);
    if (store == NULL)
        return EXIT_USAGE;
    int rc = run(&a, store);
    altroot_trust_store_free(store);
    return rc;
}
