#include <string.h>

#include "devid_pki.h"

void devid_pki_free(devid_pki *p)
{
    altroot_key *k[] = {p->root_key, p->ca_key, p->dev_key, p->dom_key, p->signer_key};
    altroot_cert *c[] = {p->root, p->ca, p->idevid, p->dom, p->ldevid, p->signer};
    for (size_t i = 0; i < 5; i++)
        altroot_key_free(k[i]);
    for (size_t i = 0; i < 6; i++)
        altroot_cert_free(c[i]);
    altroot_bytes_clear(&p->signer_name);
    memset(p, 0, sizeof *p);
}

static altroot_err keys(devid_pki *p)
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

/* Root CA, issuing CA and the MUD signer the IDevID names. */
static altroot_err manufacturer(devid_pki *p, altroot_time t0)
{
    altroot_name_entry sn[] = {{"2.5.4.6", "XX"},
                               {"2.5.4.10", "Example Widgets"},
                               {"2.5.4.3", "Example Widgets MUD Signer"}};
    altroot_err err = altroot_devid_mint_ca("Example Widgets", "Example Widgets DevID Root CA", 1,
                                            t0, p->root_key, NULL, NULL, &p->root);
    if (err == ALTROOT_OK)
        err = altroot_devid_mint_ca("Example Widgets", "Example Widgets IDevID CA", 0, t0,
                                    p->ca_key, p->root, p->root_key, &p->ca);
    if (err == ALTROOT_OK)
        err = altroot_devid_name_der(sn, 3, &p->signer_name);
    if (err == ALTROOT_OK)
        err = altroot_devid_mint_signer(altroot_bytes_span(&p->signer_name),
                                        ALTROOT_KU_DIGITAL_SIGNATURE, t0, ALTROOT_TIME_NO_EXPIRY,
                                        p->signer_key, p->root, p->root_key, &p->signer);
    return err;
}

/* The unit's DevID for the device key, under `issuer`. */
static altroot_err unit_cert(const devid_pki *p, const devid_pki_unit *u, altroot_devid_fault f,
                             const altroot_cert *issuer, const altroot_key *issuer_key,
                             altroot_cert **out)
{
    altroot_devid_mint_params m = {.organization = "Example Widgets",
                                   .common_name = "Widget 2000",
                                   .serial = u->serial,
                                   .hw_type = "1.3.6.1.4.1.6715.10.1",
                                   .masa_url = "masa.example.com",
                                   .mud_url = u->mud_url,
                                   .mudsigner = altroot_bytes_span(&p->signer_name),
                                   .not_before = u->not_before,
                                   .not_after = u->not_after,
                                   .fault = f};
    return altroot_devid_mint(&m, p->dev_key, issuer, issuer_key, out);
}

altroot_err devid_pki_idevid(const devid_pki *p, const devid_pki_unit *u, altroot_cert **out)
{
    return unit_cert(p, u, u->fault, p->ca, p->ca_key, out);
}

altroot_err devid_pki_make(devid_pki *p, const devid_pki_unit *u)
{
    memset(p, 0, sizeof *p);
    devid_pki_unit ld = *u;
    ld.not_after = ALTROOT_TIME_NO_EXPIRY;
    altroot_err err = keys(p);
    if (err == ALTROOT_OK)
        err = manufacturer(p, u->not_before);
    if (err == ALTROOT_OK)
        err = devid_pki_idevid(p, u, &p->idevid);
    if (err == ALTROOT_OK)
        err = altroot_devid_mint_ca("Home", "Home Domain CA", 0, u->not_before, p->dom_key, NULL,
                                    NULL, &p->dom);
    if (err == ALTROOT_OK)
        err = unit_cert(p, &ld, ALTROOT_DEVID_FAULT_NONE, p->dom, p->dom_key, &p->ldevid);
    return err;
}

altroot_err devid_pki_mud(const devid_pki *p, const char *mud_url, altroot_time last_update,
                          altroot_mud_fault f, altroot_bytes *file, altroot_bytes *signature)
{
    altroot_mud_mint_params m = {.mud_url = mud_url,
                                 .mfg_name = "Example Widgets",
                                 .model_name = "Widget 2000",
                                 .firmware_rev = "1.0.0",
                                 .software_rev = "1.0.0",
                                 .documentation = "https://www.example.com/widget-2000",
                                 .systeminfo = "Example Widgets Widget 2000",
                                 .last_update = last_update,
                                 .signer = p->signer,
                                 .key = p->signer_key,
                                 .fault = f};
    return altroot_mud_mint(&m, file, signature);
}
