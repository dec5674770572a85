/*
 * Matter attestation certificates: the DAC/PAI/PAA X.509 profile and VID/PID extraction, as the
 * Matter SDK's commissioner enforces them (docs/matter.md, sections 1 and 2).
 */
#include <stdio.h>
#include <string.h>

#include <altroot/matter.h>

#include "../core/guard.h"

#define OID_MATTER_VID "1.3.6.1.4.1.37244.2.1"
#define OID_MATTER_PID "1.3.6.1.4.1.37244.2.2"
#define OID_COMMON_NAME "2.5.4.3"
#define OID_ECDSA_SHA256 "1.2.840.10045.4.3.2"
#define OID_EC_PUBLIC_KEY "1.2.840.10045.2.1"
#define OID_PRIME256V1 "1.2.840.10045.3.1.7"
#define MAX_ATTRS 16
/* The SDK reads at most this much of the common name (kMax_CommonNameAttr_Length). */
#define CN_MAX 64

static bool is_upper_hex(uint8_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
}

/* Exactly four upper-case hex digits, e.g. "FFF1". */
static bool parse_hex4(const uint8_t *p, size_t len, uint16_t *out)
{
    if (len != 4)
        return false;
    unsigned v = 0;
    for (size_t i = 0; i < 4; i++) {
        if (!is_upper_hex(p[i]))
            return false;
        v = v * 16 + (unsigned)(p[i] <= '9' ? p[i] - '0' : p[i] - 'A' + 10);
    }
    *out = (uint16_t)v;
    return true;
}

/* Matter 1.0 6.2.2.2 legacy form: the first "Mvid:" (or "Mpid:") followed by four upper-case hex
 * digits wins; the prefix present but never so followed is an error; absent is absent. */
static altroot_err scan_cn(const uint8_t *cn, size_t len, const char *prefix, bool *has,
                           uint16_t *out)
{
    bool seen = false;
    for (size_t i = 0; i + 5 <= len; i++) {
        if (memcmp(cn + i, prefix, 5) != 0)
            continue;
        seen = true;
        if (i + 9 <= len && parse_hex4(cn + i + 5, 4, out)) {
            *has = true;
            return ALTROOT_OK;
        }
    }
    return seen ? ALTROOT_E_MALFORMED : ALTROOT_OK;
}

static altroot_err take_attr(const altroot_name_attr *a, bool *has, uint16_t *out)
{
    /* At most one of each; the SDK reads the raw string bytes whatever the string type
     * (a production PAA uses PrintableString). */
    ENSURE(!*has, ALTROOT_E_MALFORMED);
    ENSURE(parse_hex4(a->value, a->value_len, out), ALTROOT_E_MALFORMED);
    *has = true;
    return ALTROOT_OK;
}

altroot_err altroot_matter_ids_get(const altroot_cert *cert, altroot_matter_ids *out)
{
    ENSURE(cert != NULL && out != NULL, ALTROOT_E_INTERNAL);
    altroot_name_attr attrs[MAX_ATTRS];
    size_t n = 0;
    TRY(altroot_cert_subject_attrs(cert, attrs, MAX_ATTRS, &n));
    ENSURE(n <= MAX_ATTRS, ALTROOT_E_MALFORMED);
    altroot_matter_ids ids = {0};
    const altroot_name_attr *cn = NULL;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(attrs[i].oid, OID_MATTER_VID) == 0)
            TRY(take_attr(&attrs[i], &ids.has_vid, &ids.vid));
        else if (strcmp(attrs[i].oid, OID_MATTER_PID) == 0)
            TRY(take_attr(&attrs[i], &ids.has_pid, &ids.pid));
        else if (strcmp(attrs[i].oid, OID_COMMON_NAME) == 0 && cn == NULL)
            cn = &attrs[i];
    }
    /* Precedence: any Matter attribute means the common name is not consulted. */
    if (!ids.has_vid && !ids.has_pid && cn != NULL) {
        size_t len = cn->value_len < CN_MAX ? cn->value_len : CN_MAX;
        TRY(scan_cn(cn->value, len, "Mvid:", &ids.has_vid, &ids.vid));
        TRY(scan_cn(cn->value, len, "Mpid:", &ids.has_pid, &ids.pid));
        ids.legacy_cn = ids.has_vid || ids.has_pid;
    }
    *out = ids;
    return ALTROOT_OK;
}

typedef struct profile_ctx {
    altroot_failures *failures;
    altroot_err code;
    const char *where;
    altroot_err err; /* allocation failure while recording */
} profile_ctx;

static void violation(profile_ctx *p, bool ok, const char *rule)
{
    if (ok || p->err != ALTROOT_OK)
        return;
    p->err = altroot_failures_add(p->failures, p->code, p->where, "%s", rule);
}

static void check_common(profile_ctx *p, const altroot_cert_info *i)
{
    violation(p, i->version == 3, "X.509 version must be 3");
    violation(p, strcmp(i->sig_alg, OID_ECDSA_SHA256) == 0,
              "signature algorithm must be ecdsa-with-SHA256");
    violation(p,
              strcmp(i->key_alg, OID_EC_PUBLIC_KEY) == 0 &&
                  strcmp(i->key_curve, OID_PRIME256V1) == 0 && i->key_point_len == 65 &&
                  i->key_point[0] == 0x04,
              "public key must be an uncompressed P-256 point");
    violation(p, !i->duplicate_extension, "an extension appears more than once");
    violation(p, i->basic_constraints.present && i->basic_constraints.critical,
              "basicConstraints must be present and critical");
    violation(p, i->key_usage.present && i->key_usage.critical,
              "keyUsage must be present and critical");
    violation(p, i->subject_key_id.present && !i->subject_key_id.critical && i->skid_len == 20,
              "subjectKeyIdentifier must be present, non-critical, 20 bytes");
    violation(p,
              !i->authority_key_id.present ||
                  (!i->authority_key_id.critical && i->akid_has_key_id && i->akid_len == 20),
              "authorityKeyIdentifier must be non-critical with a 20-byte keyIdentifier");
    violation(p, i->serial_len > 0, "serialNumber must be present");
}

static void check_role(profile_ctx *p, const altroot_cert_info *i, altroot_matter_role role)
{
    const uint32_t ca_bits = ALTROOT_KU_KEY_CERT_SIGN | ALTROOT_KU_CRL_SIGN;
    switch (role) {
    case ALTROOT_MATTER_DAC:
        violation(p, !i->ca && !i->path_len_present, "DAC must have cA FALSE and no pathLen");
        violation(p, i->key_usage_bits == ALTROOT_KU_DIGITAL_SIGNATURE,
                  "DAC keyUsage must be exactly digitalSignature");
        violation(p, i->authority_key_id.present, "DAC must have authorityKeyIdentifier");
        break;
    case ALTROOT_MATTER_PAI:
        violation(p, i->ca && i->path_len_present && i->path_len == 0,
                  "PAI must have cA TRUE and pathLen 0");
        violation(p,
                  (i->key_usage_bits & ~(ca_bits | ALTROOT_KU_DIGITAL_SIGNATURE)) == 0 &&
                      (i->key_usage_bits & ca_bits) == ca_bits,
                  "PAI keyUsage must be keyCertSign and cRLSign (digitalSignature optional)");
        violation(p, i->authority_key_id.present, "PAI must have authorityKeyIdentifier");
        break;
    case ALTROOT_MATTER_PAA:
        /* Matter 1.1 6.2.2.5: pathLen absent or 1 (the production PAAs use both). */
        violation(p, i->ca && (!i->path_len_present || i->path_len == 1),
                  "PAA must have cA TRUE and pathLen absent or 1");
        violation(p,
                  (i->key_usage_bits & ~(ca_bits | ALTROOT_KU_DIGITAL_SIGNATURE)) == 0 &&
                      (i->key_usage_bits & ca_bits) == ca_bits,
                  "PAA keyUsage must be keyCertSign and cRLSign (digitalSignature optional)");
        break;
    }
}

static void check_ids(profile_ctx *p, const altroot_cert *cert, altroot_matter_role role)
{
    altroot_matter_ids ids;
    if (altroot_matter_ids_get(cert, &ids) != ALTROOT_OK) {
        violation(p, false, "VID/PID in the subject is malformed");
        return;
    }
    /* Presence: DAC VID and PID; PAI VID; PAA no PID. */
    if (role == ALTROOT_MATTER_DAC)
        violation(p, ids.has_vid && ids.has_pid, "DAC subject must carry a VID and a PID");
    if (role == ALTROOT_MATTER_PAI)
        violation(p, ids.has_vid, "PAI subject must carry a VID");
    if (role == ALTROOT_MATTER_PAA)
        violation(p, !ids.has_pid, "PAA subject must not carry a PID");
}

altroot_err altroot_matter_check_profile(const altroot_cert *cert, altroot_matter_role role,
                                         altroot_failures *failures)
{
    ENSURE(cert != NULL && failures != NULL, ALTROOT_E_INTERNAL);
    static const altroot_err codes[] = {ALTROOT_E_MATTER_PAA_FORMAT, ALTROOT_E_MATTER_PAI_FORMAT,
                                        ALTROOT_E_MATTER_DAC_FORMAT};
    static const char *const names[] = {"PAA", "PAI", "DAC"};
    ENSURE((unsigned)role <= ALTROOT_MATTER_DAC, ALTROOT_E_ARG);
    profile_ctx p = {failures, codes[role], names[role], ALTROOT_OK};
    altroot_cert_info info;
    if (altroot_cert_get_info(cert, &info) != ALTROOT_OK) {
        violation(&p, false, "an extension cannot be decoded");
        return p.err;
    }
    check_common(&p, &info);
    check_role(&p, &info, role);
    check_ids(&p, cert, role);
    return p.err;
}
