/* inspect: Matter TLV certificates (raw, base64 or hex), Certification Declarations and
 * attestation elements. */
#include <stdio.h>
#include <string.h>

#include <altroot/matter.h>

#include "../../src/matter/attest.h"
#include "../../src/matter/cert.h"
#include "inspect.h"

static const char *type_name(altroot_matter_cert_type t)
{
    switch (t) {
    case ALTROOT_MATTER_CERT_ROOT:
        return "RCAC (root)";
    case ALTROOT_MATTER_CERT_ICA:
        return "ICAC (intermediate)";
    case ALTROOT_MATTER_CERT_NODE:
        return "NOC (node)";
    case ALTROOT_MATTER_CERT_FW_SIGNING:
        return "firmware signing";
    case ALTROOT_MATTER_CERT_VVS:
        return "VID verification signer";
    default:
        return "unknown";
    }
}

/* The input as TLV bytes: itself, or decoded from base64 or hex text. */
static bool tlv_bytes(altroot_span data, altroot_bytes *out)
{
    if (data.len > 0 && data.ptr[0] == 0x15) /* anonymous structure */
        return inspect_keep(altroot_bytes_append(out, data.ptr, data.len)) == ALTROOT_OK;
    char text[4096];
    size_t n = 0;
    for (size_t i = 0; i < data.len && n < sizeof text - 1; i++)
        if (data.ptr[i] != '\n' && data.ptr[i] != '\r' && data.ptr[i] != ' ')
            text[n++] = (char)data.ptr[i];
    text[n] = '\0';
    if (n == 0 || n >= sizeof text - 1)
        return false;
    if (inspect_keep(altroot_hex_decode(text, out)) == ALTROOT_OK)
        return out->len > 0 && out->ptr[0] == 0x15;
    return inspect_keep(altroot_base64_decode((altroot_span){(const uint8_t *)text, n}, out)) ==
               ALTROOT_OK &&
           out->len > 0 && out->ptr[0] == 0x15;
}

static void describe_dn(json_t *obj, const char *key, const altroot_matter_dn *dn)
{
    json_t *d = json_object();
    char buf[32];
    inspect_set_str(d, "type", type_name(dn->type));
    snprintf(buf, sizeof buf, "%016llX", (unsigned long long)dn->id);
    inspect_set_str(d, "id", buf);
    if (dn->fabric_id != 0) {
        snprintf(buf, sizeof buf, "%016llX", (unsigned long long)dn->fabric_id);
        inspect_set_str(d, "fabric_id", buf);
    }
    json_t *cats = json_array();
    for (size_t i = 0; i < dn->cat_count; i++) {
        snprintf(buf, sizeof buf, "%08X", (unsigned)dn->cats[i]);
        json_array_append_new(cats, json_string(buf));
    }
    json_object_set_new(d, "cats", cats);
    json_object_set_new(obj, key, d);
}

inspect_result inspect_matter_tlv_cert(altroot_span data, json_t *obj)
{
    altroot_bytes tlv = ALTROOT_BYTES_INIT, der = ALTROOT_BYTES_INIT;
    if (!tlv_bytes(data, &tlv)) {
        altroot_bytes_clear(&tlv);
        return INSPECT_NOT_MINE;
    }
    altroot_matter_cert c;
    altroot_err err = inspect_keep(altroot_matter_cert_parse_tlv(altroot_bytes_span(&tlv), 0, &c));
    if (err != ALTROOT_OK) {
        altroot_bytes_clear(&tlv);
        return INSPECT_NOT_MINE; /* a TLV structure, but not a certificate */
    }
    describe_dn(obj, "subject", &c.subject);
    describe_dn(obj, "issuer", &c.issuer);
    inspect_set_time(obj, "not_before", ALTROOT_MATTER_EPOCH_UNIX + c.not_before);
    inspect_set_time(obj, "not_after",
                     c.not_after == 0 ? ALTROOT_TIME_NO_EXPIRY
                                      : ALTROOT_MATTER_EPOCH_UNIX + c.not_after);
    inspect_set_hex(obj, "public_key", (altroot_span){c.pubkey, sizeof c.pubkey});
    inspect_set_hex(obj, "subject_key_id", (altroot_span){c.skid, sizeof c.skid});
    json_object_set_new(obj, "is_ca", json_boolean(c.is_ca));
    inspect_result r = INSPECT_OK;
    err = inspect_keep(altroot_matter_cert_check(&c));
    if (err == ALTROOT_OK)
        err = inspect_keep(altroot_matter_cert_to_der(&c, &der));
    if (err == ALTROOT_OK) {
        inspect_set_hex(obj, "x509_der_sha256", (altroot_span){NULL, 0});
        uint8_t h[32];
        altroot_sha256(altroot_bytes_span(&der), h);
        inspect_set_hex(obj, "x509_der_sha256", (altroot_span){h, 32});
        json_object_set_new(obj, "x509_der_length", json_integer((json_int_t)der.len));
    } else {
        inspect_add_error(obj, err, "the certificate breaks a Matter profile rule");
        r = INSPECT_MALFORMED;
    }
    altroot_bytes_clear(&tlv);
    altroot_bytes_clear(&der);
    return r;
}

static const char *cert_type_name(uint8_t t)
{
    return t == 0   ? "development and test"
           : t == 1 ? "provisional"
           : t == 2 ? "official"
                    : "reserved";
}

static void describe_cd(json_t *obj, const altroot_matter_cd *cd)
{
    char buf[32];
    json_object_set_new(obj, "format_version", json_integer((json_int_t)cd->format_version));
    snprintf(buf, sizeof buf, "0x%04X", cd->vendor_id);
    inspect_set_str(obj, "vendor_id", buf);
    json_t *pids = json_array();
    for (size_t i = 0; i < cd->product_id_count; i++) {
        snprintf(buf, sizeof buf, "0x%04X", cd->product_ids[i]);
        json_array_append_new(pids, json_string(buf));
    }
    json_object_set_new(obj, "product_ids", pids);
    json_object_set_new(obj, "device_type_id", json_integer(cd->device_type_id));
    inspect_set_str(obj, "certificate_id", cd->certificate_id);
    inspect_set_str(obj, "certification_type", cert_type_name(cd->certification_type));
    if (cd->has_dac_origin) {
        snprintf(buf, sizeof buf, "0x%04X/0x%04X", cd->dac_origin_vid, cd->dac_origin_pid);
        inspect_set_str(obj, "dac_origin", buf);
    }
    if (cd->has_authorized_paas) {
        json_t *paas = json_array();
        for (size_t i = 0; i < cd->authorized_paa_count; i++) {
            char hex[41];
            altroot_hex_encode((altroot_span){cd->authorized_paas[i], 20}, hex);
            json_array_append_new(paas, json_string(hex));
        }
        json_object_set_new(obj, "authorized_paa_list", paas);
    }
}

inspect_result inspect_matter_cd(altroot_span data, json_t *obj)
{
    altroot_matter_cd_envelope env;
    altroot_failures f = ALTROOT_FAILURES_INIT;
    altroot_err err = inspect_keep(altroot_matter_cd_open(data, &env, &f));
    /* A CMS SignedData whose content is id-data, as a CD's is: a BRSKI voucher (id-ct-animaJSON)
     * or another signed message is left to its own inspector. */
    bool cms = data.len > 20 && data.ptr[0] == 0x30 &&
               inspect_contains(data, 32, "\x2A\x86\x48\x86\xF7\x0D\x01\x07\x02", 9) &&
               inspect_contains(data, 64, "\x2A\x86\x48\x86\xF7\x0D\x01\x07\x01", 9);
    if (err != ALTROOT_OK) {
        for (size_t i = 0; cms && i < f.count; i++)
            inspect_add_error(obj, f.items[i].code, f.items[i].detail);
        altroot_failures_clear(&f);
        return cms ? INSPECT_MALFORMED : INSPECT_NOT_MINE;
    }
    altroot_failures_clear(&f);
    inspect_set_hex(obj, "signer_key_id", env.key_id);
    altroot_matter_cd cd;
    if (inspect_keep(altroot_matter_cd_decode(env.content, &cd)) != ALTROOT_OK) {
        inspect_add_error(obj, ALTROOT_E_MATTER_CD_FORMAT, "the content breaks the CD schema");
        return INSPECT_MALFORMED;
    }
    describe_cd(obj, &cd);
    json_object_set_new(obj, "signature_checked", json_false());
    return INSPECT_OK;
}

inspect_result inspect_matter_elements(altroot_span data, json_t *obj)
{
    altroot_matter_elements el;
    if (data.len == 0 || data.ptr[0] != 0x15 ||
        inspect_keep(altroot_matter_elements_decode(data, &el)) != ALTROOT_OK)
        return INSPECT_NOT_MINE;
    inspect_set_hex(obj, "attestation_nonce", el.nonce);
    json_t *cd = json_object();
    if (inspect_matter_cd(el.cd, cd) == INSPECT_NOT_MINE)
        inspect_add_error(cd, ALTROOT_E_MATTER_CD_FORMAT, "not a CD");
    json_object_set_new(obj, "certification_declaration", cd);
    return INSPECT_OK;
}
