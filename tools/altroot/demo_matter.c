#include <stdio.h>
#include <string.h>

#include "../../src/core/guard.h"
#include "demo.h"
#include "demo_matter.h"

#define DAY DEMO_DAY
#define VID 0xFFF1
#define PID 0x8000

struct demo_matter {
    altroot_matter_minted att;
    altroot_matter_minted twin; /* another unit of the same model, from its own PAA */
    altroot_matter_op_fabric fab, other;
    char host[64];
};

void demo_matter_free(demo_matter *m)
{
    if (m == NULL)
        return;
    altroot_matter_minted_clear(&m->att);
    altroot_matter_minted_clear(&m->twin);
    altroot_matter_op_fabric_clear(&m->fab);
    altroot_matter_op_fabric_clear(&m->other);
    altroot_free(m);
}

static altroot_err fabric(altroot_time at, uint64_t fabric_id, altroot_matter_op_fabric *f)
{
    altroot_matter_op_mint_params p = {.fabric_id = fabric_id,
                                       .node_id = 0xDEDEDEDE00010001ULL,
                                       .rcac_id = 0xCACACACA00000001ULL,
                                       .icac_id = 0xCACACACA00000002ULL,
                                       .with_icac = true,
                                       .not_before = at - DAY,
                                       .not_after = at + 3650 * (altroot_time)DAY};
    return altroot_matter_op_fabric_mint(&p, f);
}

static altroot_err instance_host(demo_matter *m, altroot_time at)
{
    altroot_matter_op_input in = {altroot_bytes_span(&m->fab.noc_tlv),
                                  altroot_bytes_span(&m->fab.icac_tlv),
                                  altroot_bytes_span(&m->fab.rcac_tlv), NULL, at};
    altroot_matter_op_result r;
    TRY(altroot_matter_op_chain_verify(&in, &r));
    snprintf(m->host, sizeof m->host, "%s.local", r.instance_name);
    bool ok = r.chain_verified && r.instance_name[0] != '\0';
    altroot_matter_op_result_clear(&r);
    return ok ? ALTROOT_OK : ALTROOT_E_INTERNAL;
}

altroot_err demo_matter_make(altroot_time at, demo_matter **out)
{
    demo_matter *m = altroot_calloc(1, sizeof *m);
    ENSURE(m != NULL, ALTROOT_E_NOMEM);
    altroot_err err = altroot_matter_mint(VID, PID, at, ALTROOT_MATTER_FAULT_NONE, &m->att);
    if (err == ALTROOT_OK)
        err = altroot_matter_mint(VID, PID, at, ALTROOT_MATTER_FAULT_NONE, &m->twin);
    if (err == ALTROOT_OK)
        err = fabric(at, 0xFAB000000000001DULL, &m->fab);
    if (err == ALTROOT_OK)
        err = fabric(at, 0xFAB000000000002EULL, &m->other);
    if (err == ALTROOT_OK)
        err = instance_host(m, at);
    if (err != ALTROOT_OK) {
        demo_matter_free(m);
        return err;
    }
    *out = m;
    return ALTROOT_OK;
}

altroot_err demo_matter_write_anchors(const demo_matter *m, const char *anchors)
{
    altroot_cert *rcac = NULL;
    TRY(altroot_cert_from_der(altroot_bytes_span(&m->fab.rcac_der), &rcac));
    bool ok = demo_write_anchor_cert(anchors, "matter-paa", "paa.pem", m->att.paa) &&
              demo_write_anchor_cert(anchors, "matter-cd", "cd-signer.pem", m->att.cd_signer) &&
              demo_write_anchor_cert(anchors, "matter-paa", "paa-2.pem", m->twin.paa) &&
              demo_write_anchor_cert(anchors, "matter-cd", "cd-signer-2.pem", m->twin.cd_signer) &&
              demo_write_anchor_cert(anchors, "matter-fabric", "rcac.pem", rcac);
    altroot_cert_free(rcac);
    return ok ? ALTROOT_OK : ALTROOT_E_IO;
}

/* As `altroot pin` records it: the SHA-256 of the DAC's SubjectPublicKeyInfo. */
altroot_err demo_matter_write_pin(const demo_matter *m, const char *anchors, const char *name,
                                  altroot_time at)
{
    uint8_t spki[32];
    TRY(altroot_cert_spki_sha256(m->att.dac, spki));
    char canonical[ALTROOT_PIN_NAME_MAX + 1], identity[sizeof "spki-sha256:" + 64], file[300];
    snprintf(identity, sizeof identity, "spki-sha256:");
    altroot_hex_encode((altroot_span){spki, sizeof spki}, identity + strlen(identity));
    TRY(altroot_pin_name(name, canonical, sizeof canonical));
    char root[] = "matter", description[64];
    snprintf(description, sizeof description, "vendor_id 0x%04X (test vendor), product_id 0x%04X",
             VID, PID);
    altroot_pin pin = {.name = canonical,
                       .root = root,
                       .identity = identity,
                       .pinned_at = at - DAY,
                       .description = description};
    altroot_bytes text = ALTROOT_BYTES_INIT;
    TRY(altroot_pin_format(&pin, &text));
    snprintf(file, sizeof file, "%s.json", canonical);
    bool ok = demo_write_anchor(anchors, "pins", file, text.ptr, text.len);
    altroot_bytes_clear(&text);
    return ok ? ALTROOT_OK : ALTROOT_E_IO;
}

const char *demo_matter_host(const demo_matter *m)
{
    return m->host;
}

/* Secondary: a self-signed device certificate carrying the evidence of unit `u`. */
static altroot_err secondary(const demo_matter *m, const altroot_matter_minted *u,
                             demo_matter_kind kind, altroot_time at, altroot_bytes *cd,
                             altroot_certs **chain, altroot_key **key)
{
    const char *names[] = {m->host};
    altroot_device_creds creds = {.matter_dac_key = u->dac_key,
                                  .matter_dac = altroot_cert_der(u->dac),
                                  .matter_pai = altroot_cert_der(u->pai),
                                  .matter_cd = altroot_bytes_span(cd)};
    if (kind == DEMO_MATTER_OWNED) {
        creds.matter_noc_key = m->fab.noc_key;
        creds.matter_noc = altroot_bytes_span(&m->fab.noc_tlv);
        creds.matter_icac = altroot_bytes_span(&m->fab.icac_tlv);
        creds.matter_rcac = altroot_bytes_span(&m->fab.rcac_tlv);
    }
    altroot_device_cert_params p = demo_device_params(names, at);
    altroot_key *other = NULL;
    altroot_certs *donor = NULL;
    altroot_key *donor_key = NULL;
    altroot_err err = ALTROOT_OK;
    if (kind == DEMO_MATTER_OTHER_KEY &&
        (err = altroot_key_generate(ALTROOT_KEY_EC_P256, &other)) == ALTROOT_OK)
        p.bind_key = other;
    /* Copied: the evidence of a genuine device, carried by another device's certificate. */
    if (kind == DEMO_MATTER_COPIED && err == ALTROOT_OK &&
        (err = altroot_device_cert_build(&creds, &p, &donor, &donor_key)) == ALTROOT_OK) {
        bool crit;
        err = altroot_cert_extension(altroot_certs_get(donor, 0), ALTROOT_OID_EVIDENCE, &crit,
                                     &p.evidence_override);
    }
    if (err == ALTROOT_OK)
        err = altroot_device_cert_build(&creds, &p, chain, key);
    altroot_key_free(other);
    altroot_certs_free(donor);
    altroot_key_free(donor_key);
    return err;
}

/* Primary: the NOC chain in DER is the TLS chain, the NOC key the TLS key. */
static altroot_err primary(const altroot_matter_op_fabric *f, altroot_certs **chain,
                           const altroot_key **key)
{
    TRY(altroot_certs_new(chain));
    *key = f->noc_key;
    return altroot_matter_op_chain_der(altroot_bytes_span(&f->noc_tlv),
                                       altroot_bytes_span(&f->icac_tlv),
                                       altroot_bytes_span(&f->rcac_tlv), *chain);
}

altroot_err demo_matter_server(const demo_matter *m, demo_matter_kind kind, altroot_time at,
                               altroot_tls_server **out)
{
    altroot_certs *chain = NULL;
    altroot_key *own_key = NULL;
    const altroot_key *key = NULL;
    const altroot_matter_minted *u = kind == DEMO_MATTER_SAME_MODEL ? &m->twin : &m->att;
    altroot_bytes cd = ALTROOT_BYTES_INIT;
    altroot_err err = altroot_bytes_append(&cd, u->cd.ptr, u->cd.len);
    if (err == ALTROOT_OK && kind == DEMO_MATTER_FORGED_CD)
        cd.ptr[cd.len - 2] ^= 0x01; /* a byte of the signature's s value */
    if (err == ALTROOT_OK && (kind == DEMO_MATTER_PRIMARY || kind == DEMO_MATTER_WRONG_FABRIC))
        err = primary(kind == DEMO_MATTER_PRIMARY ? &m->fab : &m->other, &chain, &key);
    else if (err == ALTROOT_OK &&
             (err = secondary(m, u, kind, at, &cd, &chain, &own_key)) == ALTROOT_OK)
        key = own_key;
    if (err == ALTROOT_OK)
        err = demo_serve(chain, key, out);
    altroot_certs_free(chain);
    altroot_key_free(own_key);
    altroot_bytes_clear(&cd);
    return err;
}
