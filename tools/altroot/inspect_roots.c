/* inspect: 802.1AR DevIDs, BRSKI vouchers, MUD files and FDO ownership vouchers. Nothing here is
 * verified: signatures and anchors are `altroot verify`'s job. */
#include <stdio.h>
#include <string.h>

#include <altroot/brski.h>
#include <altroot/devid.h>
#include <altroot/fdo.h>
#include <altroot/mud.h>

#include "inspect.h"

static void add_failures(json_t *obj, const char *key, const altroot_failures *f)
{
    if (f->count == 0)
        return;
    json_t *a = json_array();
    for (size_t i = 0; i < f->count; i++) {
        char line[600];
        snprintf(line, sizeof line, "%s: %s", altroot_error_name(f->items[i].code),
                 f->items[i].detail);
        json_array_append_new(a, json_string(line));
    }
    json_object_set_new(obj, key, a);
}

static bool has_devid_extension(const altroot_cert *c)
{
    static const char *const oids[] = {ALTROOT_OID_PE_MASA_URL, ALTROOT_OID_PE_MUD_URL,
                                       ALTROOT_OID_PE_MUDSIGNER};
    bool crit;
    altroot_span v;
    for (size_t i = 0; i < sizeof oids / sizeof oids[0]; i++)
        if (inspect_keep(altroot_cert_extension(c, oids[i], &crit, &v)) == ALTROOT_OK)
            return true;
    altroot_strlist sans = ALTROOT_STRLIST_INIT;
    bool hw = false;
    if (inspect_keep(altroot_cert_sans(c, &sans)) == ALTROOT_OK)
        for (size_t i = 0; i < sans.count; i++)
            hw = hw || strcmp(sans.items[i], "othername:" ALTROOT_OID_ON_HW_MODULE_NAME) == 0;
    altroot_strlist_clear(&sans);
    return hw;
}

static void describe_devid(json_t *obj, const altroot_devid_info *i)
{
    inspect_set_str(obj, "subject", i->subject);
    inspect_set_str(obj, "maker", i->issuer);
    inspect_set_str(obj, "serial", i->serial);
    inspect_set_str(obj, "serial_from", i->serial_from);
    if (i->has_hw_module) {
        inspect_set_str(obj, "hardware_type", i->hw_type);
        inspect_set_hex(obj, "hardware_serial", altroot_bytes_span(&i->hw_serial));
    }
    inspect_set_str(obj, "masa_url", i->masa_url);
    inspect_set_str(obj, "mud_url", i->mud_url);
    if (i->mudsigner_text[0] != '\0')
        inspect_set_str(obj, "mud_signer", i->mudsigner_text);
    inspect_set_time(obj, "not_before", i->not_before);
    inspect_set_time(obj, "not_after", i->no_expiry ? ALTROOT_TIME_NO_EXPIRY : i->not_after);
}

inspect_result inspect_devid(altroot_span data, json_t *obj)
{
    altroot_certs *l = NULL;
    if (inspect_keep(altroot_certs_new(&l)) != ALTROOT_OK)
        return INSPECT_NOT_MINE;
    inspect_result r = INSPECT_NOT_MINE;
    if (inspect_keep(altroot_certs_parse(l, data)) == ALTROOT_OK &&
        has_devid_extension(altroot_certs_get(l, 0))) {
        altroot_devid_info info;
        altroot_failures f = ALTROOT_FAILURES_INIT;
        altroot_strlist w = ALTROOT_STRLIST_INIT;
        if (inspect_keep(altroot_devid_check_profile(altroot_certs_get(l, 0), ALTROOT_DEVID_IDEVID,
                                                     true, &info, &f, &w)) == ALTROOT_OK) {
            describe_devid(obj, &info);
            add_failures(obj, "idevid_profile_problems", &f);
            r = INSPECT_OK;
        }
        altroot_devid_info_clear(&info);
        altroot_failures_clear(&f);
        altroot_strlist_clear(&w);
    }
    altroot_certs_free(l);
    return r;
}

static void describe_voucher(json_t *obj, const altroot_voucher *v)
{
    inspect_set_str(obj, "serial_number", v->serial_number);
    inspect_set_str(obj, "assertion", altroot_voucher_assertion_name(v->assertion));
    inspect_set_time(obj, "created_on", v->created_on);
    if (v->has_expires_on)
        inspect_set_time(obj, "expires_on", v->expires_on);
    inspect_set_str(obj, "nonce", v->nonce);
}

/* Bare voucher JSON (the eContent of a signed voucher, or an unsigned one). */
static inspect_result inspect_voucher_json(altroot_span data, json_t *obj)
{
    altroot_voucher v;
    altroot_failures f = ALTROOT_FAILURES_INIT;
    inspect_result r = INSPECT_NOT_MINE;
    if (inspect_keep(altroot_voucher_parse(data, &v, &f)) == ALTROOT_OK) {
        describe_voucher(obj, &v);
        add_failures(obj, "errors", &f);
        json_object_set_new(obj, "signed", json_false());
        r = f.count == 0 ? INSPECT_OK : INSPECT_MALFORMED;
    }
    altroot_voucher_clear(&v);
    altroot_failures_clear(&f);
    return r;
}

inspect_result inspect_brski_voucher(altroot_span data, json_t *obj)
{
    if (data.len > 0 && data.ptr[0] == '{')
        return inspect_contains(data, data.len, "ietf-voucher:voucher", 20)
                   ? inspect_voucher_json(data, obj)
                   : INSPECT_NOT_MINE;
    altroot_certs *none = NULL;
    if (inspect_keep(altroot_certs_new(&none)) != ALTROOT_OK)
        return INSPECT_NOT_MINE;
    altroot_voucher_params p = {.cms = data, .masa_anchors = none, .at = altroot_time_now()};
    altroot_voucher_result res;
    inspect_result r = INSPECT_NOT_MINE;
    if (inspect_keep(altroot_voucher_verify(&p, &res)) == ALTROOT_OK &&
        res.voucher.serial_number != NULL) {
        describe_voucher(obj, &res.voucher);
        inspect_set_str(obj, "owner_domain", res.owner);
        inspect_set_str(obj, "signer", res.signer);
        json_object_set_new(obj, "signature_checked", json_false());
        r = INSPECT_OK;
    }
    altroot_voucher_result_clear(&res);
    altroot_certs_free(none);
    return r;
}

inspect_result inspect_mud(altroot_span data, json_t *obj)
{
    if (data.len == 0 || data.ptr[0] != '{' ||
        !inspect_contains(data, data.len, "ietf-mud:mud", 12))
        return INSPECT_NOT_MINE;
    altroot_mud_file f;
    altroot_failures fail = ALTROOT_FAILURES_INIT;
    altroot_strlist warn = ALTROOT_STRLIST_INIT;
    if (inspect_keep(altroot_mud_file_check(data, &f, &fail, &warn)) != ALTROOT_OK) {
        altroot_mud_file_clear(&f);
        return INSPECT_NOT_MINE;
    }
    inspect_set_str(obj, "mud_url", f.mud_url);
    inspect_set_str(obj, "maker", f.mfg_name);
    inspect_set_str(obj, "model", f.model_name);
    inspect_set_str(obj, "firmware_rev", f.firmware_rev);
    inspect_set_str(obj, "software_rev", f.software_rev);
    inspect_set_str(obj, "documentation", f.documentation);
    inspect_set_str(obj, "systeminfo", f.systeminfo);
    inspect_set_str(obj, "last_update", f.last_update);
    inspect_set_str(obj, "mud_signature", f.mud_signature);
    json_object_set_new(obj, "acl_count", json_integer((json_int_t)f.acl_count));
    add_failures(obj, "errors", &fail);
    inspect_result r = fail.count == 0 ? INSPECT_OK : INSPECT_MALFORMED;
    altroot_mud_file_clear(&f);
    altroot_failures_clear(&fail);
    altroot_strlist_clear(&warn);
    return r;
}

static json_t *describe_key(const altroot_fdo_pubkey *k)
{
    char buf[128];
    uint8_t h[32];
    json_t *o = json_object();
    inspect_set_str(o, "type", altroot_fdo_pk_type_name(k->type));
    inspect_set_str(o, "encoding", altroot_fdo_pk_enc_name(k->enc));
    if (k->key != NULL && inspect_keep(altroot_key_spki_sha256(k->key, h)) == ALTROOT_OK) {
        altroot_hex_encode((altroot_span){h, 32}, buf);
        inspect_set_str(o, "spki_sha256", buf);
    }
    return o;
}

inspect_result inspect_fdo_voucher(altroot_span data, json_t *obj)
{
    altroot_fdo_voucher *v = NULL;
    char detail[128];
    altroot_err err = inspect_keep(altroot_fdo_voucher_decode(data, 0, &v, detail, sizeof detail));
    bool pem = inspect_contains(data, data.len, "OWNERSHIP VOUCHER", 17);
    if (err != ALTROOT_OK) {
        if (!pem)
            return INSPECT_NOT_MINE;
        inspect_add_error(obj, err, detail);
        return INSPECT_MALFORMED;
    }
    inspect_set_hex(obj, "guid", (altroot_span){v->guid, 16});
    inspect_set_str(obj, "device_info", v->device_info);
    json_object_set_new(obj, "protocol_version", json_integer((json_int_t)v->protver));
    json_object_set_new(obj, "manufacturer_key", describe_key(&v->mfr));
    json_t *chain = json_array();
    for (size_t i = 0; i < altroot_certs_count(v->device_chain); i++) {
        char subject[256];
        altroot_cert_subject(altroot_certs_get(v->device_chain, i), subject, sizeof subject);
        json_array_append_new(chain, json_string(subject));
    }
    json_object_set_new(obj, "device_chain", chain);
    json_t *entries = json_array();
    for (size_t i = 0; i < v->entry_count; i++) {
        json_t *e = describe_key(&v->entries[i].owner);
        inspect_set_str(e, "signed_with", altroot_fdo_alg_name(v->entries[i].alg));
        json_array_append_new(entries, e);
    }
    json_object_set_new(obj, "entries", entries);
    json_object_set_new(obj, "signatures_checked", json_false());
    altroot_fdo_voucher_free(v);
    return INSPECT_OK;
}
