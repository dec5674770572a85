#include <string.h>

#include <altroot/alloc.h>
#include <altroot/fdo_crypto.h>

#include "fdo_pki.h"

static altroot_err new_key(const char *name, altroot_key **out)
{
    if (name == NULL || strcmp(name, "p384") == 0)
        return altroot_key_generate(ALTROOT_KEY_EC_P384, out);
    if (strcmp(name, "p256") == 0)
        return altroot_key_generate(ALTROOT_KEY_EC_P256, out);
    if (strcmp(name, "rsa2048") == 0)
        return altroot_key_generate(ALTROOT_KEY_RSA_2048, out);
    if (strcmp(name, "rsa3072") == 0)
        return altroot_key_generate_rsa(3072, out);
    return ALTROOT_E_ARG;
}

void fdo_pki_free(fdo_pki *s)
{
    if (s->owner != s->mfr)
        altroot_key_free(s->owner);
    altroot_key_free(s->mfr);
    altroot_key_free(s->ca_key);
    altroot_key_free(s->dev_key);
    altroot_cert_free(s->ca);
    altroot_cert_free(s->dev);
    altroot_certs_free(s->chain);
    altroot_bytes_clear(&s->voucher);
    altroot_wipe(s->secret, sizeof s->secret);
    memset(s, 0, sizeof *s);
}

static altroot_err mint_pki(const fdo_pki_params *a, fdo_pki *s)
{
    altroot_cert_template ca = {.common_name = "altroot FDO test device CA",
                                .organization = "altroot test manufacturer",
                                .not_before = a->at - 3600,
                                .not_after = a->at + 3650L * 86400,
                                .is_ca = true,
                                .path_len = 0};
    altroot_cert_template dev = {.common_name =
                                     a->device_info != NULL ? a->device_info : "altroot-fdo-device",
                                 .not_before = a->at - 3600,
                                 .not_after = ALTROOT_TIME_NO_EXPIRY};
    altroot_err err = new_key(a->key, &s->mfr);
    if (err == ALTROOT_OK)
        err = altroot_key_generate(ALTROOT_KEY_EC_P384, &s->ca_key);
    if (err == ALTROOT_OK)
        err = altroot_key_generate(ALTROOT_KEY_EC_P256, &s->dev_key);
    if (err == ALTROOT_OK)
        err = altroot_cert_issue(&ca, s->ca_key, NULL, NULL, &s->ca);
    if (err == ALTROOT_OK)
        err = altroot_cert_issue(&dev, s->dev_key, s->ca, s->ca_key, &s->dev);
    if (err == ALTROOT_OK)
        err = altroot_certs_new(&s->chain);
    if (err == ALTROOT_OK)
        err = altroot_certs_push(s->chain, s->dev);
    if (err == ALTROOT_OK)
        err = altroot_certs_push(s->chain, s->ca);
    return err;
}

static altroot_err mint_chain(const fdo_pki_params *a, fdo_pki *s)
{
    altroot_fdo_mint_params mp = {.mfr_key = s->mfr,
                                  .device_chain = s->chain,
                                  .device_info = a->device_info != NULL ? a->device_info
                                                                        : "altroot-fdo-device",
                                  .hmac_secret = {s->secret, 48}};
    altroot_err err = altroot_random_bytes(mp.guid, sizeof mp.guid);
    if (err == ALTROOT_OK)
        err = altroot_random_bytes(s->secret, sizeof s->secret);
    if (err == ALTROOT_OK)
        err = altroot_fdo_voucher_mint(&mp, &s->voucher);
    altroot_key *signer = s->mfr;
    for (long i = 0; err == ALTROOT_OK && i < a->entries; i++) {
        altroot_key *next = NULL;
        altroot_fdo_voucher *v = NULL;
        err = new_key(a->key, &next);
        if (err == ALTROOT_OK)
            err = altroot_fdo_voucher_decode(altroot_bytes_span(&s->voucher), 0, &v, NULL, 0);
        altroot_fdo_extend_params ep = {.owner_key = signer,
                                        .next_owner = next,
                                        .fault = i + 1 == a->entries ? a->fault
                                                                     : ALTROOT_FDO_FAULT_NONE};
        altroot_bytes nv = ALTROOT_BYTES_INIT;
        if (err == ALTROOT_OK)
            err = altroot_fdo_voucher_extend(v, &ep, &nv);
        altroot_fdo_voucher_free(v);
        altroot_bytes_clear(&s->voucher);
        s->voucher = nv;
        if (signer != s->mfr)
            altroot_key_free(signer);
        signer = next;
    }
    s->owner = signer;
    return err;
}

altroot_err fdo_pki_make(const fdo_pki_params *p, fdo_pki *s)
{
    memset(s, 0, sizeof *s);
    altroot_err err = mint_pki(p, s);
    return err == ALTROOT_OK ? mint_chain(p, s) : err;
}
