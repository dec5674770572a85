/* altroot mint matter: PAA -> PAI -> DAC, a CD signing certificate and a CD, plus a trust store
 * (anchors/matter-paa, anchors/matter-cd) that verifies them. */
#include <stdio.h>
#include <string.h>

#include <altroot/matter.h>
#include <altroot/matter_op.h>

#include "cli.h"

static int fault_from(const char *name, altroot_matter_fault *out)
{
    for (int f = 0; f < ALTROOT_MATTER_FAULT_COUNT; f++)
        if (strcmp(name, altroot_matter_fault_name((altroot_matter_fault)f)) == 0) {
            *out = (altroot_matter_fault)f;
            return 0;
        }
    fprintf(stderr, "altroot mint matter: unknown fault \"%s\"; faults:", name);
    for (int f = 0; f < ALTROOT_MATTER_FAULT_COUNT; f++)
        fprintf(stderr, " %s", altroot_matter_fault_name((altroot_matter_fault)f));
    fprintf(stderr, "\n");
    return -1;
}

static bool write_all(const char *out, const altroot_matter_minted *m)
{
    char paa_dir[4096], cd_dir[4096];
    snprintf(paa_dir, sizeof paa_dir, "%s/anchors/matter-paa", out);
    snprintf(cd_dir, sizeof cd_dir, "%s/anchors/matter-cd", out);
    return cli_mkdirs(paa_dir) && cli_mkdirs(cd_dir) && cli_write_cert(out, "paa.pem", m->paa) &&
           cli_write_cert(out, "pai.pem", m->pai) && cli_write_cert(out, "dac.pem", m->dac) &&
           cli_write_key(out, "dac-key.pem", m->dac_key) &&
           cli_write_key(out, "pai-key.pem", m->pai_key) &&
           cli_write_cert(out, "cd-signer.pem", m->cd_signer) &&
           cli_write_key(out, "cd-signer-key.pem", m->cd_key) &&
           cli_write(out, "cd.der", m->cd.ptr, m->cd.len, false) &&
           cli_write_cert(paa_dir, "paa.pem", m->paa) &&
           cli_write_cert(cd_dir, "cd-signer.pem", m->cd_signer);
}

/* The fabric: RCAC -> ICAC -> NOC in TLV and PEM form, keys, and anchors/matter-fabric. */
static bool write_fabric(const char *out, altroot_time at)
{
    altroot_matter_op_mint_params p = {.fabric_id = 0xFAB000000000001DULL,
                                       .node_id = 0xDEDEDEDE00010001ULL,
                                       .rcac_id = 0xCACACACA00000001ULL,
                                       .icac_id = 0xCACACACA00000002ULL,
                                       .with_icac = true,
                                       .rcac_has_fabric_id = true,
                                       .not_before = at - 86400,
                                       .not_after = at + 3650 * 86400LL};
    altroot_matter_op_fabric f;
    memset(&f, 0, sizeof f);
    altroot_err err = altroot_matter_op_fabric_mint(&p, &f);
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/anchors/matter-fabric", out);
    altroot_cert *rcac = NULL, *icac = NULL, *noc = NULL;
    if (err == ALTROOT_OK)
        err = altroot_cert_from_der(altroot_bytes_span(&f.rcac_der), &rcac);
    if (err == ALTROOT_OK)
        err = altroot_cert_from_der(altroot_bytes_span(&f.icac_der), &icac);
    if (err == ALTROOT_OK)
        err = altroot_cert_from_der(altroot_bytes_span(&f.noc_der), &noc);
    bool ok = err == ALTROOT_OK && cli_mkdirs(dir) &&
              cli_write(out, "rcac.tlv", f.rcac_tlv.ptr, f.rcac_tlv.len, false) &&
              cli_write(out, "icac.tlv", f.icac_tlv.ptr, f.icac_tlv.len, false) &&
              cli_write(out, "noc.tlv", f.noc_tlv.ptr, f.noc_tlv.len, false) &&
              cli_write_cert(out, "rcac.pem", rcac) && cli_write_cert(out, "icac.pem", icac) &&
              cli_write_cert(out, "noc.pem", noc) && cli_write_key(out, "noc-key.pem", f.noc_key) &&
              cli_write_key(out, "rcac-key.pem", f.rcac_key) &&
              cli_write_cert(dir, "rcac.pem", rcac);
    if (err != ALTROOT_OK)
        cli_error("mint matter fabric", err);
    altroot_cert_free(rcac);
    altroot_cert_free(icac);
    altroot_cert_free(noc);
    altroot_matter_op_fabric_clear(&f);
    return ok;
}

int mint_matter(int argc, char **argv)
{
    cli_common c = {0};
    const char *out = NULL, *vid_s = "FFF1", *pid_s = "8000";
    altroot_matter_fault fault = ALTROOT_MATTER_FAULT_NONE;
    for (int i = 1; i < argc; i++) {
        int r = cli_common_option(&c, argc, argv, &i);
        if (r < 0)
            return EXIT_USAGE;
        if (r > 0)
            continue;
        const char **field = strcmp(argv[i], "--out") == 0   ? &out
                             : strcmp(argv[i], "--vid") == 0 ? &vid_s
                             : strcmp(argv[i], "--pid") == 0 ? &pid_s
                                                             : NULL;
        if (strcmp(argv[i], "--fault") == 0 && i + 1 < argc) {
            if (fault_from(argv[++i], &fault) != 0)
                return EXIT_USAGE;
        } else if (field != NULL && i + 1 < argc) {
            *field = argv[++i];
        } else {
            fprintf(stderr, "altroot mint matter: unexpected argument \"%s\"\n", argv[i]);
            return EXIT_USAGE;
        }
    }
    uint16_t vid, pid;
    if (out == NULL || !cli_parse_hex16(vid_s, &vid) || !cli_parse_hex16(pid_s, &pid)) {
        fprintf(stderr, "usage: altroot mint matter --out DIR [--vid HEX] [--pid HEX] "
                        "[--at TIME] [--fault NAME]\n");
        return EXIT_USAGE;
    }
    altroot_matter_minted m;
    altroot_err err =
        altroot_matter_mint(vid, pid, c.at_given ? c.at : altroot_time_now(), fault, &m);
    if (err != ALTROOT_OK) {
        cli_error("mint matter", err);
        return EXIT_USAGE;
    }
    altroot_time at = c.at_given ? c.at : altroot_time_now();
    bool ok = write_all(out, &m) && write_fabric(out, at);
    altroot_matter_minted_clear(&m);
    if (ok)
        printf("wrote to %s: attestation paa.pem pai.pem dac.pem dac-key.pem cd-signer.pem cd.der "
               "(fault: %s); fabric rcac icac noc (.tlv, .pem) noc-key.pem; anchors/matter-paa, "
               "matter-cd, matter-fabric\n",
               out, altroot_matter_fault_name(fault));
    return ok ? EXIT_VERIFIED : EXIT_USAGE;
}
