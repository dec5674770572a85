#include "../../src/core/guard.h"
#include "demo.h"
#include "demo_fdo.h"
#include "fdo_pki.h"

/* What a truncated voucher loses: enough to cut into its last entry's signature. */
#define CUT_BYTES 40

struct demo_fdo {
    fdo_pki pki; /* the voucher has one entry: the manufacturer hands the device to your key */
};

void demo_fdo_free(demo_fdo *f)
{
    if (f == NULL)
        return;
    fdo_pki_free(&f->pki);
    altroot_free(f);
}

altroot_err demo_fdo_make(altroot_time at, demo_fdo **out)
{
    demo_fdo *f = altroot_calloc(1, sizeof *f);
    ENSURE(f != NULL, ALTROOT_E_NOMEM);
    fdo_pki_params p = {.device_info = "altroot demo FDO device", .entries = 1, .at = at};
    altroot_err err = fdo_pki_make(&p, &f->pki);
    if (err != ALTROOT_OK) {
        demo_fdo_free(f);
        return err;
    }
    *out = f;
    return ALTROOT_OK;
}

altroot_err demo_fdo_write_anchors(const demo_fdo *f, const char *anchors)
{
    /* The manufacturer's voucher key as well as its device CA: a chain of owners counts only
     * from a manufacturer key you hold (docs/fdo.md, "Ownership and attestation"). */
    altroot_bytes owner = ALTROOT_BYTES_INIT, mfr = ALTROOT_BYTES_INIT;
    altroot_err err = altroot_key_spki_der(f->pki.owner, &owner);
    if (err == ALTROOT_OK)
        err = altroot_key_spki_der(f->pki.mfr, &mfr);
    bool ok = err == ALTROOT_OK &&
              demo_write_anchor_cert(anchors, "fdo-mfr", "device-ca.pem", f->pki.ca) &&
              demo_write_anchor(anchors, "fdo-mfr", "voucher-key.der", mfr.ptr, mfr.len) &&
              demo_write_anchor(anchors, "fdo-owner", "owner.der", owner.ptr, owner.len);
    altroot_bytes_clear(&owner);
    altroot_bytes_clear(&mfr);
    return err != ALTROOT_OK ? err : ok ? ALTROOT_OK : ALTROOT_E_IO;
}

/* Primary: the owner key issues the device's TLS certificate for the name. */
static altroot_err primary(const demo_fdo *f, const altroot_device_cert_params *p,
                           altroot_tls_server **out)
{
    altroot_certs *chain = NULL;
    altroot_key *key = NULL;
    altroot_err err = altroot_device_fdo_owner_cert(f->pki.owner, p, &chain, &key);
    if (err == ALTROOT_OK)
        err = demo_serve(chain, key, out);
    altroot_certs_free(chain);
    altroot_key_free(key);
    return err;
}

altroot_err demo_fdo_server(const demo_fdo *f, demo_fdo_kind kind, const char *host,
                            altroot_time at, altroot_tls_server **out)
{
    const char *names[] = {host};
    altroot_device_cert_params p = demo_device_params(names, at);
    if (kind == DEMO_FDO_PRIMARY)
        return primary(f, &p, out);
    /* Secondary: the voucher, and a binding signed by the device key (its chain's leaf). */
    altroot_device_creds creds = {.fdo_device_key = f->pki.dev_key,
                                  .fdo_voucher = altroot_bytes_span(&f->pki.voucher),
                                  .fdo_voucher_cut = kind == DEMO_FDO_CUT_VOUCHER ? CUT_BYTES : 0};
    return demo_device_server(&creds, &p, out);
}
