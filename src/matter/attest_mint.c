/* Minting a Matter attestation PKI with one injected fault: the test fixtures of every rule. */
#include <stdio.h>
#include <string.h>

#include <altroot/matter.h>

#include "../core/guard.h"

#define DAY ((altroot_time)86400)
#define OID_VID "1.3.6.1.4.1.37244.2.1"
#define OID_PID "1.3.6.1.4.1.37244.2.2"

static const char *const fault_names[] = {
    [ALTROOT_MATTER_FAULT_NONE] = "none",
    [ALTROOT_MATTER_FAULT_DAC_EXPIRED] = "dac-expired",
    [ALTROOT_MATTER_FAULT_DAC_IS_CA] = "dac-is-ca",
    [ALTROOT_MATTER_FAULT_DAC_KEY_USAGE] = "dac-key-usage",
    [ALTROOT_MATTER_FAULT_PAI_PATHLEN] = "pai-pathlen",
    [ALTROOT_MATTER_FAULT_VID_MISMATCH] = "vid-mismatch",
    [ALTROOT_MATTER_FAULT_CD_VENDOR] = "cd-vendor",
    [ALTROOT_MATTER_FAULT_CD_PRODUCT] = "cd-product",
    [ALTROOT_MATTER_FAULT_CD_SIGNATURE] = "cd-signature",
    [ALTROOT_MATTER_FAULT_PAA_UNLISTED] = "paa-unlisted",
};

const char *altroot_matter_fault_name(altroot_matter_fault f)
{
    return (unsigned)f < ALTROOT_MATTER_FAULT_COUNT ? fault_names[f] : NULL;
}

void altroot_matter_minted_clear(altroot_matter_minted *m)
{
    if (m == NULL)
        return;
    altroot_key_free(m->paa_key);
    altroot_key_free(m->pai_key);
    altroot_key_free(m->dac_key);
    altroot_key_free(m->cd_key);
    altroot_cert_free(m->paa);
    altroot_cert_free(m->pai);
    altroot_cert_free(m->dac);
    altroot_cert_free(m->cd_signer);
    altroot_bytes_clear(&m->cd);
    memset(m, 0, sizeof *m);
}

static altroot_err keys(altroot_matter_minted *m)
{
    TRY(altroot_key_generate(ALTROOT_KEY_EC_P256, &m->paa_key));
    TRY(altroot_key_generate(ALTROOT_KEY_EC_P256, &m->pai_key));
    TRY(altroot_key_generate(ALTROOT_KEY_EC_P256, &m->dac_key));
    return altroot_key_generate(ALTROOT_KEY_EC_P256, &m->cd_key);
}

static altroot_err chain(altroot_matter_minted *m, uint16_t vid, uint16_t pid, altroot_time at,
                         altroot_matter_fault f)
{
    char v[8], dv[8], p[8];
    snprintf(v, sizeof v, "%04X", vid);
    snprintf(dv, sizeof dv, "%04X", f == ALTROOT_MATTER_FAULT_VID_MISMATCH ? vid ^ 1u : vid);
    snprintf(p, sizeof p, "%04X", pid);
    altroot_name_entry paa_a[] = {{OID_VID, v}}, pai_a[] = {{OID_VID, v}};
    altroot_name_entry dac_a[] = {{OID_VID, dv}, {OID_PID, p}};
    altroot_time far = at + 3650 * DAY;
    altroot_cert_template paa = {.common_name = "altroot test PAA",
                                 .subject_attrs = paa_a,
                                 .subject_attr_count = 1,
                                 .is_ca = true,
                                 .path_len = 1,
                                 .not_before = at - 30 * DAY,
                                 .not_after = far};
    altroot_cert_template pai = paa;
    pai.common_name = "altroot test PAI";
    pai.subject_attrs = pai_a;
    pai.path_len = f == ALTROOT_MATTER_FAULT_PAI_PATHLEN ? 1 : 0;
    altroot_cert_template dac = {
        .common_name = "altroot test DAC",
        .subject_attrs = dac_a,
        .subject_attr_count = 2,
        .is_ca = f == ALTROOT_MATTER_FAULT_DAC_IS_CA,
        .path_len = -1,
        .key_usage = f == ALTROOT_MATTER_FAULT_DAC_KEY_USAGE
                         ? ALTROOT_KU_DIGITAL_SIGNATURE | ALTROOT_KU_KEY_CERT_SIGN
                         : ALTROOT_KU_DIGITAL_SIGNATURE,
        .not_before = f == ALTROOT_MATTER_FAULT_DAC_EXPIRED ? at - 20 * DAY : at - DAY,
        .not_after = f == ALTROOT_MATTER_FAULT_DAC_EXPIRED ? at - DAY : ALTROOT_TIME_NO_EXPIRY};
    altroot_cert_template cd = {
        .common_name = "altroot test CD signer", .not_before = at - 30 * DAY, .not_after = far};
    TRY(altroot_cert_issue(&paa, m->paa_key, NULL, NULL, &m->paa));
    TRY(altroot_cert_issue(&pai, m->pai_key, m->paa, m->paa_key, &m->pai));
    TRY(altroot_cert_issue(&dac, m->dac_key, m->pai, m->pai_key, &m->dac));
    return altroot_cert_issue(&cd, m->cd_key, NULL, NULL, &m->cd_signer);
}

static altroot_err declaration(altroot_matter_minted *m, uint16_t vid, uint16_t pid,
                               altroot_matter_fault f)
{
    altroot_matter_cd cd;
    memset(&cd, 0, sizeof cd);
    cd.format_version = 1;
    cd.vendor_id = f == ALTROOT_MATTER_FAULT_CD_VENDOR ? vid ^ 1u : vid;
    cd.product_ids[0] = f == ALTROOT_MATTER_FAULT_CD_PRODUCT ? pid ^ 1u : pid;
    cd.product_id_count = 1;
    cd.device_type_id = 0x0016;
    memcpy(cd.certificate_id, "ZIG20141ZB330001-24", 19);
    if (f == ALTROOT_MATTER_FAULT_PAA_UNLISTED) {
        cd.has_authorized_paas = true;
        cd.authorized_paa_count = 1;
        memset(cd.authorized_paas[0], 0xA5, 20);
    }
    altroot_cert_info signer;
    altroot_bytes content = ALTROOT_BYTES_INIT;
    altroot_err err = altroot_cert_get_info(m->cd_signer, &signer);
    if (err == ALTROOT_OK)
        err = altroot_matter_cd_encode(&cd, &content);
    if (err == ALTROOT_OK)
        err = altroot_matter_cd_sign(altroot_bytes_span(&content), m->cd_key,
                                     (altroot_span){signer.skid, signer.skid_len}, &m->cd);
    altroot_bytes_clear(&content);
    /* The last octets are the signature's s value: flipping one breaks only the signature. */
    if (err == ALTROOT_OK && f == ALTROOT_MATTER_FAULT_CD_SIGNATURE)
        m->cd.ptr[m->cd.len - 2] ^= 0x01;
    return err;
}

altroot_err altroot_matter_mint(uint16_t vid, uint16_t pid, altroot_time at,
                                altroot_matter_fault fault, altroot_matter_minted *out)
{
    ENSURE(out != NULL, ALTROOT_E_INTERNAL);
    ENSURE((unsigned)fault < ALTROOT_MATTER_FAULT_COUNT, ALTROOT_E_ARG);
    altroot_matter_minted m;
    memset(&m, 0, sizeof m);
    altroot_err err = keys(&m);
    if (err == ALTROOT_OK)
        err = chain(&m, vid, pid, at, fault);
    if (err == ALTROOT_OK)
        err = declaration(&m, vid, pid, fault);
    if (err != ALTROOT_OK) {
        altroot_matter_minted_clear(&m);
        return err;
    }
    *out = m;
    return ALTROOT_OK;
}
