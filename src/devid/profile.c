/*
 * The IEEE 802.1AR DevID certificate profile as restated by public sources (docs/devid-mud.md
 * lists each rule, its source and its tests): version, algorithms, end entity, keyUsage,
 * serialNumber, HardwareModuleName, MASA URL, MUD URL, mudsigner.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <altroot/alloc.h>
#include <altroot/devid.h>

#include "../core/guard.h"

typedef struct prof {
    const altroot_cert *cert;
    altroot_devid_kind kind;
    bool lenient;
    altroot_devid_info *info;
    altroot_failures *failures;
    altroot_strlist *warnings;
    bool serial_bad; /* a serialNumber was present but malformed (already reported) */
} prof;

#define FAIL(p, code, ...) TRY(altroot_failures_add((p)->failures, (code), "devid", __VA_ARGS__))
#define WARN(p, ...) TRY(altroot_strlist_addf((p)->warnings, __VA_ARGS__))

void altroot_devid_info_clear(altroot_devid_info *info)
{
    if (info == NULL)
        return;
    altroot_free(info->serial);
    altroot_free(info->masa_url);
    altroot_free(info->masa_endpoint);
    altroot_free(info->mud_url);
    altroot_bytes_clear(&info->hw_serial);
    altroot_bytes_clear(&info->mudsigner);
    memset(info, 0, sizeof *info);
}

/* 802.1AR signature suites as restated publicly: RSA >= 2048 with SHA-256, ECDSA P-256 and
 * P-384 with SHA-256 or SHA-384 (sha384WithRSA is accepted as the RSA counterpart). */
static altroot_err check_algorithms(prof *p, const altroot_cert_info *ci)
{
    static const char *const sigs[] = {"1.2.840.10045.4.3.2", "1.2.840.10045.4.3.3",
                                       "1.2.840.113549.1.1.11", "1.2.840.113549.1.1.12"};
    bool sig_ok = false;
    for (size_t i = 0; i < ALTROOT_ARRAY_LEN(sigs); i++)
        sig_ok = sig_ok || strcmp(ci->sig_alg, sigs[i]) == 0;
    if (!sig_ok)
        FAIL(p, ALTROOT_E_DEVID_ALGORITHM, "signature algorithm %s is not an 802.1AR suite",
             ci->sig_alg);
    char desc[64];
    altroot_cert_key_desc(p->cert, desc, sizeof desc);
    bool ec_ok = strcmp(desc, "EC P-256") == 0 || strcmp(desc, "EC P-384") == 0;
    char *end = NULL;
    long bits = strncmp(desc, "RSA ", 4) == 0 ? strtol(desc + 4, &end, 10) : 0;
    bool rsa_ok = end != NULL && *end == '\0' && bits >= 2048;
    if (!ec_ok && !rsa_ok)
        FAIL(p, ALTROOT_E_DEVID_ALGORITHM, "key %s is not P-256, P-384 or RSA >= 2048", desc);
    return ALTROOT_OK;
}

/* End entity, keyUsage, AKI, notAfter. */
static altroot_err check_structure(prof *p, const altroot_cert_info *ci)
{
    if (ci->version != 3)
        FAIL(p, ALTROOT_E_DEVID_PROFILE, "X.509 version %ld; a DevID is version 3", ci->version);
    if (ci->duplicate_extension)
        FAIL(p, ALTROOT_E_DEVID_PROFILE, "an extension appears more than once (RFC 5280 4.2)");
    /* A DevID is an end entity: never a CA. */
    if (ci->ca)
        FAIL(p, ALTROOT_E_DEVID_CA, "basicConstraints cA=TRUE on a DevID");
    /* 802.1AR 8.10.3 (restated): keyUsage SHOULD be present with digitalSignature. */
    if (!ci->key_usage.present)
        WARN(p, "devid: no keyUsage extension (802.1AR recommends digitalSignature)");
    else if ((ci->key_usage_bits & ALTROOT_KU_DIGITAL_SIGNATURE) == 0)
        FAIL(p, ALTROOT_E_DEVID_KEY_USAGE, "keyUsage lacks digitalSignature");
    if (ci->key_usage.present &&
        (ci->key_usage_bits & (ALTROOT_KU_KEY_CERT_SIGN | ALTROOT_KU_CRL_SIGN)) != 0)
        FAIL(p, ALTROOT_E_DEVID_KEY_USAGE, "keyUsage allows certificate or CRL signing");
    /* 802.1AR Table 8-2 (restated): AKI MUST be present; the RFC 8995 example omits it. */
    p->info->has_aki = ci->authority_key_id.present;
    if (!ci->authority_key_id.present)
        WARN(p, "devid: no authorityKeyIdentifier (802.1AR requires one)");
    /* RFC 5280 4.1.2.5 / 802.1AR: an IDevID has no well-defined expiry, 99991231235959Z. */
    if (p->kind == ALTROOT_DEVID_IDEVID && !p->info->no_expiry)
        WARN(p, "devid: notAfter is not 99991231235959Z; it expires as usual");
    return ALTROOT_OK;
}

static bool printable(altroot_span s)
{
    for (size_t i = 0; i < s.len; i++)
        if (s.ptr[i] < 0x20u || s.ptr[i] > 0x7Eu)
            return false;
    return s.len > 0;
}

/* RFC 5280 App. A: X520SerialNumber ::= PrintableString (SIZE (1..ub-serial-number)), 64. */
static altroot_err check_serial_attr(prof *p)
{
    altroot_name_attr attrs[16];
    size_t count = 0;
    if (altroot_cert_subject_attrs(p->cert, attrs, ALTROOT_ARRAY_LEN(attrs), &count) !=
        ALTROOT_OK) {
        FAIL(p, ALTROOT_E_DEVID_PROFILE, "subject attributes cannot be decoded");
        return ALTROOT_OK;
    }
    for (size_t i = 0; i < count && i < ALTROOT_ARRAY_LEN(attrs); i++) {
        const altroot_name_attr *a = &attrs[i];
        if (strcmp(a->oid, ALTROOT_OID_AT_SERIAL_NUMBER) != 0)
            continue;
        if (p->info->serial != NULL) {
            WARN(p, "devid: more than one subject serialNumber; the first is used");
            continue;
        }
        /* Lenient: a UTF8String serialNumber (older minerva IDevIDs) with a warning. */
        bool utf8_ok = p->lenient && a->string_type == 12;
        if ((a->string_type != 19 && !utf8_ok) || a->value_len == 0 || a->value_len > 64 ||
            !printable((altroot_span){a->value, a->value_len})) {
            p->serial_bad = true;
            FAIL(p, ALTROOT_E_DEVID_SERIAL_FORMAT, "serialNumber has tag %d and length %zu",
                 a->string_type, a->value_len);
            continue;
        }
        if (utf8_ok)
            WARN(p, "devid: serialNumber is a UTF8String, not PrintableString (accepted: lenient)");
        p->info->serial = altroot_malloc(a->value_len + 1);
        ENSURE(p->info->serial != NULL, ALTROOT_E_NOMEM);
        memcpy(p->info->serial, a->value, a->value_len);
        p->info->serial[a->value_len] = '\0';
        p->info->serial_from = "subject-serialNumber";
    }
    return ALTROOT_OK;
}

/* RFC 4108 5 / 802.1AR 8.10.4: HardwareModuleName in the subjectAltName. RFC 5280 4.2.1.6:
 * with an empty subject the subjectAltName MUST be critical. */
static altroot_err check_san(prof *p, const altroot_cert_info *ci)
{
    altroot_span subj = altroot_cert_subject_der(p->cert);
    bool empty_subject = subj.len == 2;
    bool crit = false;
    altroot_span value = {0};
    altroot_err e = altroot_cert_extension(p->cert, ALTROOT_OID_SUBJECT_ALT_NAME, &crit, &value);
    if (e == ALTROOT_E_NOT_FOUND) {
        if (empty_subject)
            FAIL(p, ALTROOT_E_DEVID_SAN, "empty subject and no subjectAltName");
        return ALTROOT_OK;
    }
    if (e != ALTROOT_OK)
        FAIL(p, ALTROOT_E_DEVID_SAN, "subjectAltName cannot be read (%s)", altroot_error_name(e));
    if (e != ALTROOT_OK)
        return ALTROOT_OK;
    if (empty_subject && !ci->subject_alt_name.critical)
        FAIL(p, ALTROOT_E_DEVID_SAN, "empty subject with a non-critical subjectAltName");
    bool found = false, lenient_tag = false;
    altroot_span serial = {0};
    e = altroot_devid_parse_san(value, p->lenient, &found, p->info->hw_type, &serial, &lenient_tag);
    if (e == ALTROOT_E_NOMEM)
        return e;
    if (e != ALTROOT_OK)
        FAIL(p, e, "%s",
             e == ALTROOT_E_DEVID_HWMODULE
                 ? "HardwareModuleName is not SEQUENCE { OID, OCTET STRING }"
                 : "subjectAltName GeneralNames are malformed");
    if (e != ALTROOT_OK || !found)
        return ALTROOT_OK;
    p->info->has_hw_module = true;
    TRY(altroot_bytes_append(&p->info->hw_serial, serial.ptr, serial.len));
    if (lenient_tag)
        WARN(p, "devid: hwSerialNum tagged [4] IMPLICIT, not OCTET STRING (accepted: lenient)");
    return ALTROOT_OK;
}

/* Identity: the subject serialNumber, else the HardwareModuleName serial ([8995-d45 2.3.1]
 * allows other locations). An IDevID without either has no identity to attest. */
static altroot_err pick_identity(prof *p)
{
    if (p->info->serial != NULL || p->kind == ALTROOT_DEVID_LDEVID || p->serial_bad)
        return ALTROOT_OK;
    altroot_span hw = altroot_bytes_span(&p->info->hw_serial);
    if (p->info->has_hw_module && printable(hw)) {
        p->info->serial = altroot_malloc(hw.len + 1);
        ENSURE(p->info->serial != NULL, ALTROOT_E_NOMEM);
        memcpy(p->info->serial, hw.ptr, hw.len);
        p->info->serial[hw.len] = '\0';
        p->info->serial_from = "hardware-module-name";
        WARN(p, "devid: no subject serialNumber; serial taken from HardwareModuleName");
        return ALTROOT_OK;
    }
    FAIL(p, ALTROOT_E_DEVID_NO_SERIAL, "no subject serialNumber and no HardwareModuleName serial");
    return ALTROOT_OK;
}

/* The extension `oid`, or absent; a duplicate is a failure with `code`. */
static altroot_err find_ext(prof *p, const char *oid, altroot_err code, bool *present,
                            bool *critical, altroot_span *value)
{
    altroot_err e = altroot_cert_extension(p->cert, oid, critical, value);
    *present = e == ALTROOT_OK;
    if (e != ALTROOT_OK && e != ALTROOT_E_NOT_FOUND)
        FAIL(p, code, "extension %s cannot be read (%s)", oid, altroot_error_name(e));
    return ALTROOT_OK;
}

/* RFC 8995 2.3.2: id-pe-masa-url, non-critical, IA5String. */
static altroot_err check_masa_url(prof *p)
{
    bool present = false, crit = false, utf8 = false;
    altroot_span v = {0};
    TRY(find_ext(p, ALTROOT_OID_PE_MASA_URL, ALTROOT_E_DEVID_MASA_URL, &present, &crit, &v));
    if (!present)
        return ALTROOT_OK;
    if (crit)
        FAIL(p, ALTROOT_E_DEVID_MASA_URL, "MASA URL extension is marked critical");
    char *url = NULL;
    altroot_err e = altroot_devid_parse_masa_url(v, true, &url, &utf8);
    if (e == ALTROOT_E_NOMEM)
        return e;
    if (e != ALTROOT_OK)
        FAIL(p, ALTROOT_E_DEVID_MASA_URL, "MASA URL is not an IA5String URL");
    if (e != ALTROOT_OK)
        return ALTROOT_OK;
    if (utf8 && !p->lenient) {
        altroot_free(url);
        WARN(p, "devid: MASA URL is a UTF8String, not IA5String: ignored (strict)");
        return ALTROOT_OK;
    }
    if (utf8)
        WARN(p, "devid: MASA URL is a UTF8String, not IA5String (accepted: lenient)");
    p->info->masa_url = url;
    return altroot_devid_masa_endpoint(url, &p->info->masa_endpoint);
}

/* RFC 8520 10: id-pe-mud-url (https only) and id-pe-mudsigner (a Name). */
static altroot_err check_mud_exts(prof *p)
{
    bool present = false, crit = false;
    altroot_span v = {0};
    TRY(find_ext(p, ALTROOT_OID_PE_MUD_URL, ALTROOT_E_DEVID_MUD_URL, &present, &crit, &v));
    altroot_err e = present ? altroot_devid_parse_mud_url(v, &p->info->mud_url) : ALTROOT_OK;
    if (e == ALTROOT_E_NOMEM)
        return e;
    if (e != ALTROOT_OK)
        FAIL(p, ALTROOT_E_DEVID_MUD_URL, "MUD URL is not an https URL in an IA5String");
    TRY(find_ext(p, ALTROOT_OID_PE_MUDSIGNER, ALTROOT_E_DEVID_MUDSIGNER, &present, &crit, &v));
    if (!present)
        return ALTROOT_OK;
    altroot_span name = {0};
    if (altroot_devid_parse_mudsigner(v, &name) != ALTROOT_OK ||
        altroot_name_der_to_text(name, p->info->mudsigner_text, sizeof p->info->mudsigner_text) !=
            ALTROOT_OK) {
        FAIL(p, ALTROOT_E_DEVID_MUDSIGNER, "mudsigner is not exactly one non-empty DER Name");
        return ALTROOT_OK;
    }
    return altroot_bytes_append(&p->info->mudsigner, name.ptr, name.len);
}

altroot_err altroot_devid_check_profile(const altroot_cert *cert, altroot_devid_kind kind,
                                        bool lenient, altroot_devid_info *info,
                                        altroot_failures *failures, altroot_strlist *warnings)
{
    ENSURE(cert != NULL && info != NULL && failures != NULL && warnings != NULL, ALTROOT_E_ARG);
    memset(info, 0, sizeof *info);
    prof p = {cert, kind, lenient, info, failures, warnings, false};
    altroot_cert_subject(cert, info->subject, sizeof info->subject);
    altroot_cert_issuer(cert, info->issuer, sizeof info->issuer);
    if (altroot_cert_validity(cert, &info->not_before, &info->not_after) == ALTROOT_OK)
        info->no_expiry = info->not_after == ALTROOT_TIME_NO_EXPIRY;
    altroot_cert_info ci;
    if (altroot_cert_get_info(cert, &ci) != ALTROOT_OK) {
        FAIL(&p, ALTROOT_E_DEVID_PROFILE, "an extension cannot be decoded");
        return ALTROOT_OK;
    }
    TRY(check_algorithms(&p, &ci));
    TRY(check_structure(&p, &ci));
    TRY(check_serial_attr(&p));
    TRY(check_san(&p, &ci));
    TRY(pick_identity(&p));
    TRY(check_masa_url(&p));
    return check_mud_exts(&p);
}
