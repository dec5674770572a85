/* altroot verify matter-noc: NOC -> (ICAC) -> RCAC, and whether the fabric is yours. */
#include <stdio.h>
#include <string.h>

#include <altroot/matter_op.h>

#include "cli.h"
#include "verify_matter_noc.h"

typedef struct noc_args {
    cli_common c;
    const char *rcac, *icac, *noc, *anchors;
} noc_args;

static int parse_noc_args(int argc, char **argv, noc_args *a)
{
    struct {
        const char *name;
        const char **field;
    } opts[] = {{"--rcac", &a->rcac},
                {"--icac", &a->icac},
                {"--noc", &a->noc},
                {"--fabric-anchors", &a->anchors}};
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
            fprintf(stderr, "altroot verify matter-noc: unexpected argument \"%s\"\n", argv[i]);
            return -1;
        }
        *opts[k].field = argv[++i];
    }
    if (a->rcac == NULL || a->noc == NULL) {
        fprintf(stderr, "usage: altroot verify matter-noc " VERIFY_MATTER_NOC_USAGE "\n");
        return -1;
    }
    return 0;
}

static altroot_err add_hex(altroot_facts *f, const char *key, uint64_t v, int digits)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%0*llX", digits, (unsigned long long)v);
    return altroot_facts_add(f, key, buf);
}

/* What ownership proves: the node, its fabric, and the name it announces on the LAN. */
static altroot_err add_facts(altroot_facts *f, const altroot_matter_op_result *o)
{
    altroot_err err = ALTROOT_OK;
    if (o->has_fabric_id)
        err = add_hex(f, "fabric_id", o->fabric_id, 16);
    if (err == ALTROOT_OK && o->has_node_id)
        err = add_hex(f, "node_id", o->node_id, 16);
    if (err == ALTROOT_OK && o->has_compressed_fabric_id)
        err = add_hex(f, "compressed_fabric_id", o->compressed_fabric_id, 16);
    if (err == ALTROOT_OK && o->instance_name[0] != '\0')
        err = altroot_facts_add(f, "instance_name", o->instance_name);
    for (size_t i = 0; err == ALTROOT_OK && i < o->cat_count; i++)
        err = add_hex(f, "cat", o->cats[i], 8);
    if (err == ALTROOT_OK && o->has_rcac_id)
        err = add_hex(f, "rcac_id", o->rcac_id, 16);
    if (err == ALTROOT_OK && o->has_icac_id)
        err = add_hex(f, "icac_id", o->icac_id, 16);
    return err;
}

/* A chain that is sound but anchored in nobody's store proves nothing about ownership: say so
 * instead of calling it verified. */
static altroot_err explain_unanchored(altroot_verdict *v, const altroot_matter_op_result *o)
{
    return altroot_strlist_addf(
        &v->warnings,
        "The NOC chain is valid (fabric %016llX, node %016llX, instance name %s), but its RCAC "
        "is not among your matter-fabric anchors: ownership is not proved.",
        (unsigned long long)o->fabric_id, (unsigned long long)o->node_id, o->instance_name);
}

static altroot_err fill_root(altroot_verdict *v, altroot_root_result *r,
                             const altroot_matter_op_result *o)
{
    altroot_err err = ALTROOT_OK;
    /* A sound chain under an RCAC you do not hold is not tampering (decision rule 1): like a
     * baseline root that fails, it is reported as failed without evidence, so rule 7 gives the
     * missing anchor as the reason. */
    r->evidence = o->verified || !o->chain_verified;
    r->ownership = o->verified;
    r->status = o->verified ? ALTROOT_ROOT_VERIFIED : ALTROOT_ROOT_FAILED;
    if (o->verified)
        err = add_facts(&r->owned, o);
    if (err == ALTROOT_OK && o->chain_verified && !o->anchor_matched)
        err = explain_unanchored(v, o);
    if (err == ALTROOT_OK && o->anchor_matched)
        err = altroot_set_string(&r->anchor, o->rcac_subject);
    if (err == ALTROOT_OK && o->anchor_matched)
        err = altroot_set_string(&r->anchor_file, o->anchor_file);
    if (err == ALTROOT_OK)
        err = altroot_failures_extend(&r->failures, &o->failures, NULL);
    return err;
}

static int report(noc_args *a, const altroot_matter_op_input *in, const altroot_matter_op_result *o)
{
    altroot_verdict v;
    altroot_root_result *r = NULL;
    char msg[512];
    altroot_verdict_init(&v);
    v.at = in->at;
    altroot_err err = altroot_set_string(&v.target, a->noc);
    if (err == ALTROOT_OK)
        err = altroot_verdict_add_root(&v, "matter", ALTROOT_MODE_ARTEFACT, &r);
    if (err == ALTROOT_OK)
        err = fill_root(&v, r, o);
    /* Ownership binds the operational instance name the node announces (its name binding). */
    if (err == ALTROOT_OK && o->verified) {
        v.name.bound = true;
        err = altroot_set_string(&v.name.method, "operational-instance-name");
        if (err == ALTROOT_OK)
            err = altroot_set_string(&v.name.name, o->instance_name);
        if (err == ALTROOT_OK)
            err = altroot_set_string(&v.name.by, "matter");
    }
    snprintf(msg, sizeof msg,
             "Ownership proved: node %016llX of your fabric %016llX (%s). It announces itself as "
             "%s._matter._tcp.local.",
             (unsigned long long)o->node_id, (unsigned long long)o->fabric_id, o->rcac_subject,
             o->instance_name);
    int rc = err == ALTROOT_OK ? cli_report_artefact(&a->c, &v, msg) : EXIT_USAGE;
    if (err != ALTROOT_OK)
        cli_error("matter-noc", err);
    altroot_verdict_clear(&v);
    return rc;
}

static int run_noc(noc_args *a, const altroot_trust_store *store)
{
    altroot_bytes noc = ALTROOT_BYTES_INIT, icac = ALTROOT_BYTES_INIT, rcac = ALTROOT_BYTES_INIT;
    int rc = EXIT_USAGE;
    if (!cli_read_input(a->noc, CLI_IN_CERT, &noc) ||
        !cli_read_input(a->rcac, CLI_IN_CERT, &rcac) ||
        (a->icac != NULL && !cli_read_input(a->icac, CLI_IN_CERT, &icac)))
        goto out;
    altroot_matter_op_input in = {.noc = altroot_bytes_span(&noc),
                                  .icac = altroot_bytes_span(&icac),
                                  .rcac = altroot_bytes_span(&rcac),
                                  .store = store,
                                  .at = a->c.at_given ? a->c.at : altroot_time_now()};
    altroot_matter_op_result o;
    altroot_err err = altroot_matter_op_chain_verify(&in, &o);
    if (err != ALTROOT_OK) {
        cli_error("matter-noc", err);
        goto out;
    }
    rc = report(a, &in, &o);
    altroot_matter_op_result_clear(&o);
out:
    altroot_bytes_clear(&noc);
    altroot_bytes_clear(&icac);
    altroot_bytes_clear(&rcac);
    return rc;
}

int verify_matter_noc(int argc, char **argv)
{
    noc_args a;
    memset(&a, 0, sizeof a);
    if (parse_noc_args(argc, argv, &a) != 0)
        return EXIT_USAGE;
    cli_anchor_path extra[] = {{ALTROOT_ANCHOR_MATTER_FABRIC, a.anchors}};
    altroot_trust_store *store = cli_store_for_verify(&a.c, extra, 1);
    if (store == NULL)
        return EXIT_USAGE;
    int rc = run_noc(&a, store);
    altroot_trust_store_free(store);
    return rc;
}
