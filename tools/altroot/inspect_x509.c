/* inspect: X.509 certificates (PEM, possibly several, or one DER), with the evidence they carry. */
#include <stdio.h>
#include <string.h>

#include <altroot/key_hash_name.h>
#include <altroot/matter.h>

#include "inspect.h"

static void describe_extensions(const altroot_cert_info *i, json_t *c)
{
    json_t *ext = json_object();
    if (i->basic_constraints.present) {
        char bc[64];
        snprintf(bc, sizeof bc, "cA=%s%s%ld%s", i->ca ? "TRUE" : "FALSE",
                 i->path_len_present ? ", pathLen=" : "", i->path_len_present ? i->path_len : 0L,
                 i->basic_constraints.critical ? " (critical)" : "");
        if (!i->path_len_present)
            snprintf(bc, sizeof bc, "cA=%s%s", i->ca ? "TRUE" : "FALSE",
                     i->basic_constraints.critical ? " (critical)" : "");
        inspect_set_str(ext, "basic_constraints", bc);
    }
    if (i->key_usage.present) {
        char ku[32];
        snprintf(ku, sizeof ku, "0x%03X%s", (unsigned)i->key_usage_bits,
                 i->key_usage.critical ? " (critical)" : "");
        inspect_set_str(ext, "key_usage", ku);
    }
    if (i->subject_key_id.present)
        inspect_set_hex(ext, "subject_key_id", (altroot_span){i->skid, i->skid_len});
    if (i->authority_key_id.present && i->akid_has_key_id)
        inspect_set_hex(ext, "authority_key_id", (altroot_span){i->akid, i->akid_len});
    json_object_set_new(ext, "count", json_integer((json_int_t)i->extension_count));
    json_object_set_new(c, "extensions", ext);
}

static void describe_matter(altroot_cert *cert, json_t *c)
{
    altroot_matter_ids ids;
    if (inspect_keep(altroot_matter_ids_get(cert, &ids)) != ALTROOT_OK) {
        inspect_set_str(c, "matter_ids", "malformed VID/PID");
        return;
    }
    if (!ids.has_vid && !ids.has_pid)
        return;
    char buf[32];
    json_t *m = json_object();
    if (ids.has_vid)
        snprintf(buf, sizeof buf, "0x%04X", ids.vid), inspect_set_str(m, "vendor_id", buf);
    if (ids.has_pid)
        snprintf(buf, sizeof buf, "0x%04X", ids.pid), inspect_set_str(m, "product_id", buf);
    json_object_set_new(m, "legacy_common_name", json_boolean(ids.legacy_cn));
    json_object_set_new(c, "matter", m);
}

static json_t *describe(altroot_cert *cert, bool *ok)
{
    char buf[1024];
    uint8_t h[32];
    json_t *c = json_object();
    altroot_cert_subject(cert, buf, sizeof buf);
    inspect_set_str(c, "subject", buf);
    altroot_cert_issuer(cert, buf, sizeof buf);
    inspect_set_str(c, "issuer", buf);
    altroot_time nb, na;
    if (inspect_keep(altroot_cert_validity(cert, &nb, &na)) == ALTROOT_OK) {
        inspect_set_time(c, "not_before", nb);
        inspect_set_time(c, "not_after", na);
    }
    altroot_cert_key_desc(cert, buf, sizeof buf);
    inspect_set_str(c, "key", buf);
    altroot_cert_sha256(cert, h);
    inspect_set_hex(c, "sha256", (altroot_span){h, 32});
    /* The second label of the key's key-hash name (docs/key-hash-name.md). */
    char label[ALTROOT_KEY_HASH_LABEL_LEN + 1];
    if (inspect_keep(altroot_cert_key_hash_label(cert, label, sizeof label)) == ALTROOT_OK)
        inspect_set_str(c, "key_hash_label", label);
    json_object_set_new(c, "self_signed", json_boolean(altroot_cert_is_self_signed(cert)));
    altroot_strlist sans = ALTROOT_STRLIST_INIT;
    if (inspect_keep(altroot_cert_sans(cert, &sans)) == ALTROOT_OK && sans.count > 0) {
        json_t *a = json_array();
        for (size_t i = 0; i < sans.count; i++)
            json_array_append_new(a, json_string(sans.items[i]));
        json_object_set_new(c, "san", a);
    }
    altroot_strlist_clear(&sans);
    altroot_cert_info info;
    if (inspect_keep(altroot_cert_get_info(cert, &info)) == ALTROOT_OK) {
        json_object_set_new(c, "version", json_integer(info.version));
        inspect_set_hex(c, "serial", (altroot_span){info.serial, info.serial_len});
        inspect_set_str(c, "signature_algorithm", info.sig_alg);
        describe_extensions(&info, c);
    } else {
        inspect_add_error(c, ALTROOT_E_CERT_PARSE, "an extension cannot be decoded");
    }
    describe_matter(cert, c);
    *ok = inspect_describe_evidence(cert, c) && *ok;
    return c;
}

inspect_result inspect_x509(altroot_span data, json_t *obj)
{
    altroot_certs *l = NULL;
    if (inspect_keep(altroot_certs_new(&l)) != ALTROOT_OK)
        return INSPECT_NOT_MINE;
    altroot_err err = inspect_keep(altroot_certs_parse(l, data));
    bool pem = inspect_contains(data, data.len, "-----BEGIN CERTIFICATE", 22);
    if (err != ALTROOT_OK) {
        altroot_certs_free(l);
        if (!pem)
            return INSPECT_NOT_MINE;
        inspect_add_error(obj, err, "a CERTIFICATE block cannot be parsed");
        return INSPECT_MALFORMED;
    }
    json_t *arr = json_array();
    bool ok = true;
    for (size_t i = 0; i < altroot_certs_count(l); i++)
        json_array_append_new(arr, describe(altroot_certs_get(l, i), &ok));
    json_object_set_new(obj, "certificates", arr);
    altroot_certs_free(l);
    return ok ? INSPECT_OK : INSPECT_MALFORMED;
}
