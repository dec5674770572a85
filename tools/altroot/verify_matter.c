/* altroot verify matter-dac | matter-paa */
#include <stdio.h>
#include <string.h>

#include <altroot/matter.h>

#include "cli.h"

typedef struct dac_args {
    cli_common c;
    const char *paa, *cd_signers, *dac, *pai, *cd, *vid, *pid;
} dac_args;

/* Options of the form --name VALUE into the matching field; the common ones too. */
static int parse_dac_args(int argc, char **argv, dac_args *a)
{
    struct {
        const char *name;
        const char **field;
    } opts[] = {{"--paa", &a->paa}, {"--cd-signers", &a->cd_signers},
                {"--dac", &a->dac}, {"--pai", &a->pai},
                {"--cd", &a->cd},   {"--vid", &a->vid},
                {"--pid", &a->pid}};
    for (int i = 1; i < argc; i++) {
        int r = cli_common_option(&a->c, argc, argv, &i);
        if (r < 0)
            return -1;
        if (r > 0)
            continue;
        size_t k = 0;
        while (k < sizeof opts / sizeof opts[0] && strcmp(argv[i], opts[k].name) != 0)
            k++;
        if (k == sizeof opts / sizeof opts[0] || i + 1 >= argc) {
            fprintf(stderr, "altroot verify matter-dac: unexpected argument \"%s\"\n", argv[i]);
            return -1;
        }
        *opts[k].field = argv[++i];
    }
    if (a->dac == NULL || a->pai == NULL || (a->vid == NULL) != (a->pid == NULL)) {
        fprintf(stderr, "altroot verify matter-dac: --dac and --pai are required; --vid and "
                        "--pid go together\n");
        return -1;
    }
    return 0;
}

static const char *cert_type_name(uint8_t t)
{
    return t == 0   ? "development and test"
           : t == 1 ? "provisional"
           : t == 2 ? "official"
                    : "reserved";
}

/* Facts a person acts on: who made it, which product, how it is certified. */
static altroot_err add_facts(altroot_root_result *r, const altroot_matter_attestation *a)
{
    char buf[64];
    altroot_err err = ALTROOT_OK;
    if (a->dac_ids.has_vid) {
        snprintf(buf, sizeof buf, "0x%04X%s", a->dac_ids.vid,
                 a->dac_ids.vid >= 0xFFF1 && a->dac_ids.vid <= 0xFFF4 ? " (test vendor)" : "");
        err = altroot_facts_add(&r->attested, "vendor_id", buf);
    }
    if (err == ALTROOT_OK && a->dac_ids.has_pid) {
        snprintf(buf, sizeof buf, "0x%04X", a->dac_ids.pid);
        err = altroot_facts_add(&r->attested, "product_id", buf);
    }
    if (err == ALTROOT_OK && a->paa_found)
        err = altroot_facts_add(&r->attested, "paa", a->paa_subject);
    if (err == ALTROOT_OK && a->cd_decoded) {
        err = altroot_facts_add(&r->attested, "certificate_id", a->cd.certificate_id);
        if (err == ALTROOT_OK)
            err = altroot_facts_add(&r->attested, "certification_type",
                                    cert_type_name(a->cd.certification_type));
    }
    return err;
}

/* The verifier's result as the verdict's one "matter" root, judged at `at`. */
static altroot_err record_dac(altroot_verdict *v, const char *target, altroot_time at,
                              const altroot_matter_attestation *res)
{
    altroot_root_result *r = NULL;
    altroot_err err = altroot_set_string(&v->target, target);
    if (err == ALTROOT_OK)
        err = altroot_verdict_add_root(v, "matter", ALTROOT_MODE_ARTEFACT, &r);
    if (err != ALTROOT_OK)
        return err;
    v->at = at;
    r->evidence = true;
    r->status = res->verified ? ALTROOT_ROOT_VERIFIED : ALTROOT_ROOT_FAILED;
    r->attestation = res->verified;
    err = add_facts(r, res);
    if (err == ALTROOT_OK && res->paa_found)
        err = altroot_set_string(&r->anchor, res->paa_subject);
    if (err == ALTROOT_OK && res->paa_found)
        err = altroot_set_string(&r->anchor_file, res->paa_file);
    if (err == ALTROOT_OK)
        err = altroot_failures_extend(&r->failures, &res->failures, NULL);
    return err;
}

static int run_dac(dac_args *a, altroot_trust_store *store)
{
    altroot_bytes dac = ALTROOT_BYTES_INIT, pai = ALTROOT_BYTES_INIT, cd = ALTROOT_BYTES_INIT;
    altroot_certs *dl = NULL, *pl = NULL;
    int rc = EXIT_USAGE;
    uint16_t vid = 0, pid = 0;
    if ((a->vid != NULL && (!cli_parse_hex16(a->vid, &vid) || !cli_parse_hex16(a->pid, &pid)))) {
        fprintf(stderr, "altroot verify matter-dac: --vid/--pid take 16-bit hex (E_ARG)\n");
        return EXIT_USAGE;
    }
    if (!cli_read_input(a->dac, CLI_IN_CERT, &dac) || !cli_read_input(a->pai, CLI_IN_CERT, &pai) ||
        (a->cd != NULL && !cli_read_input(a->cd, CLI_IN_CMS, &cd)))
        goto out;
    /* PEM or DER: the verifier takes DER, so PEM input is decoded first. A file that is neither
     * is passed on as it is, and the verifier reports it as malformed. */
    altroot_span d = altroot_bytes_span(&dac), p = altroot_bytes_span(&pai);
    altroot_err err = cli_cert_der(d, &dl, &d);
    if (err == ALTROOT_OK)
        err = cli_cert_der(p, &pl, &p);
    if (err != ALTROOT_OK) {
        cli_error("matter-dac", err);
        goto out;
    }
    altroot_matter_attestation_input in = {.dac = d,
                                           .pai = p,
                                           .cd = altroot_bytes_span(&cd),
                                           .store = store,
                                           .at = a->c.at_given ? a->c.at : altroot_time_now(),
                                           .has_basic_info = a->vid != NULL,
                                           .basic_vid = vid,
                                           .basic_pid = pid};
    altroot_matter_attestation res;
    altroot_verdict v;
    altroot_verdict_init(&v);
    err = altroot_matter_verify_attestation(&in, &res);
    if (err == ALTROOT_OK)
        err = record_dac(&v, a->dac, in.at, &res);
    rc = err == ALTROOT_OK ? cli_report_artefact(&a->c, &v, NULL) : EXIT_USAGE;
    if (err != ALTROOT_OK)
        cli_error("matter-dac", err);
    altroot_matter_attestation_clear(&res);
    altroot_verdict_clear(&v);
out:
    altroot_certs_free(dl);
    altroot_certs_free(pl);
    altroot_bytes_clear(&dac);
    altroot_bytes_clear(&pai);
    altroot_bytes_clear(&cd);
    return rc;
}

int verify_matter_dac(int argc, char **argv)
{
    dac_args a;
    memset(&a, 0, sizeof a);
    if (parse_dac_args(argc, argv, &a) != 0)
        return EXIT_USAGE;
    cli_anchor_path extra[] = {{ALTROOT_ANCHOR_MATTER_PAA, a.paa},
                               {ALTROOT_ANCHOR_MATTER_CD, a.cd_signers}};
    altroot_trust_store *store = cli_store_for_verify(&a.c, extra, 2);
    if (store == NULL)
        return EXIT_USAGE;
    int rc = run_dac(&a, store);
    altroot_trust_store_free(store);
    return rc;
}

int verify_matter_paa(int argc, char **argv)
{
    cli_common c = {0};
    const char *paa = NULL;
    for (int i = 1; i < argc; i++) {
        int r = cli_common_option(&c, argc, argv, &i);
        if (r < 0)
            return EXIT_USAGE;
        if (r == 0 && strcmp(argv[i], "--paa") == 0 && i + 1 < argc)
            paa = argv[++i];
        else if (r == 0) {
            fprintf(stderr, "usage: altroot verify matter-paa --paa FILE [--json]\n");
            return EXIT_USAGE;
        }
    }
    if (paa == NULL) {
        fprintf(stderr, "usage: altroot verify matter-paa --paa FILE [--json]\n");
        return EXIT_USAGE;
    }
    altroot_certs *l = NULL;
    altroot_err err = altroot_certs_new(&l);
    if (err == ALTROOT_OK)
        err = altroot_certs_load_file(l, paa);
    if (err == ALTROOT_E_NOT_FOUND || err == ALTROOT_E_IO || err == ALTROOT_E_TOO_LARGE ||
        err == ALTROOT_E_NOMEM) {
        cli_error(paa, err);
        altroot_certs_free(l);
        return EXIT_USAGE;
    }
    altroot_verdict v;
    altroot_verdict_init(&v);
    v.at = c.at_given ? c.at : altroot_time_now();
    altroot_root_result *r = NULL;
    altroot_err e2 = altroot_set_string(&v.target, paa);
    if (e2 == ALTROOT_OK)
        e2 = altroot_verdict_add_root(&v, "matter", ALTROOT_MODE_ARTEFACT, &r);
    if (e2 == ALTROOT_OK && err != ALTROOT_OK)
        e2 = altroot_failures_add(&r->failures, ALTROOT_E_MATTER_PAA_FORMAT, "PAA", "%s (%s)",
                                  altroot_strerror(err), altroot_error_name(err));
    else if (e2 == ALTROOT_OK)
        e2 =
            altroot_matter_check_profile(altroot_certs_get(l, 0), ALTROOT_MATTER_PAA, &r->failures);
    int rc = EXIT_USAGE;
    if (e2 == ALTROOT_OK) {
        r->status = r->failures.count == 0 ? ALTROOT_ROOT_VERIFIED : ALTROOT_ROOT_FAILED;
        char subject[256];
        if (err == ALTROOT_OK) {
            altroot_cert_subject(altroot_certs_get(l, 0), subject, sizeof subject);
            e2 = altroot_set_string(&r->anchor, subject);
        }
        rc = e2 == ALTROOT_OK
                 ? cli_report_artefact(
                       &c, &v,
                       "This PAA meets the Matter PAA profile. It is a trust anchor, not a device.")
                 : EXIT_USAGE;
    }
    if (e2 != ALTROOT_OK)
        cli_error("matter-paa", e2);
    altroot_verdict_clear(&v);
    altroot_certs_free(l);
    return rc;
}
