/* inspect: the evidence a certificate carries in id-pe-cmw (docs/evidence.md), decoded but not
 * verified: each root's members with their media types, and each binding's claims. */
#include <stdio.h>
#include <string.h>

#include <altroot/cose.h>
#include <altroot/evidence.h>

#include "inspect.h"

static void set_span_str(json_t *obj, const char *key, altroot_span s)
{
    json_object_set_new(obj, key, json_stringn((const char *)s.ptr, s.len));
}

static json_t *indicator(unsigned ind)
{
    static const char *const names[] = {"reference values", "endorsements", "evidence",
                                        "attestation results"};
    json_t *a = json_array();
    for (unsigned b = 0; b < 4; b++)
        if (ind & (1u << b))
            json_array_append_new(a, json_string(names[b]));
    return a;
}

static json_t *identity(const altroot_evidence_claims *cl)
{
    json_t *id = json_object();
    char buf[16];
    if (cl->id_type == ALTROOT_EVIDENCE_MATTER) {
        snprintf(buf, sizeof buf, "0x%04X", cl->vid);
        inspect_set_str(id, "vendor_id", buf);
        snprintf(buf, sizeof buf, "0x%04X", cl->pid);
        inspect_set_str(id, "product_id", buf);
    } else if (cl->id_type == ALTROOT_EVIDENCE_FDO) {
        inspect_set_hex(id, "guid", (altroot_span){cl->guid, 16});
    } else {
        set_span_str(id, "serial_number", cl->serial);
        if (cl->has_hw_type)
            set_span_str(id, "hardware_type", cl->hw_type);
    }
    return id;
}

static const char *alg_name(int64_t alg)
{
    switch (alg) {
    case -7:
        return "ES256";
    case -35:
        return "ES384";
    case -37:
        return "PS256";
    case -38:
        return "PS384";
    case -257:
        return "RS256";
    case -258:
        return "RS384";
    default:
        return "other";
    }
}

static json_t *claims_json(const altroot_evidence_claims *cl, const uint8_t spki[32])
{
    json_t *c = json_object();
    inspect_set_str(c, "eat_profile", ALTROOT_EVIDENCE_EAT_PROFILE);
    inspect_set_time(c, "iat", cl->iat);
    if (cl->has_exp)
        inspect_set_time(c, "exp", cl->exp);
    inspect_set_hex(c, "cnf_kid", (altroot_span){cl->kid, 32});
    json_object_set_new(c, "cnf_is_this_certificate_key",
                        json_boolean(memcmp(cl->kid, spki, 32) == 0));
    json_t *names = json_array();
    for (size_t i = 0; i < cl->name_count; i++)
        json_array_append_new(names,
                              json_stringn((const char *)cl->names[i].ptr, cl->names[i].len));
    json_object_set_new(c, "names", names);
    json_object_set_new(c, "identity", identity(cl));
    json_t *d = json_object();
    for (size_t i = 0; i < cl->digest_count; i++) {
        char label[64];
        snprintf(label, sizeof label, "%.*s", (int)cl->digests[i].label.len,
                 (const char *)cl->digests[i].label.ptr);
        inspect_set_hex(d, label, (altroot_span){cl->digests[i].sha256, 32});
    }
    json_object_set_new(c, "member_digests", d);
    return c;
}

/* A binding: its COSE_Sign1 header and claims, decoded as a verifier would before checking. */
static bool binding_json(altroot_span cose, altroot_evidence_root root, const uint8_t spki[32],
                         json_t *m)
{
    altroot_cose_sign1 msg;
    altroot_evidence_claims cl;
    altroot_err err = inspect_keep(altroot_cose_sign1_decode(cose, &msg));
    if (err == ALTROOT_OK)
        err = inspect_keep(altroot_evidence_claims_decode(msg.payload, root, &cl));
    if (err != ALTROOT_OK) {
        inspect_add_error(m, err, "the binding cannot be decoded");
        return false;
    }
    inspect_set_str(m, "signature_algorithm", alg_name(msg.alg));
    json_object_set_new(m, "claims", claims_json(&cl, spki));
    return true;
}

static altroot_span binding_value(const altroot_evidence *e, altroot_evidence_root root,
                                  altroot_span label)
{
    bool second = label.len > 7; /* "noc-binding", "ldevid-binding" */
    switch (root) {
    case ALTROOT_EVIDENCE_MATTER:
        return second ? e->matter.noc_binding : e->matter.binding;
    case ALTROOT_EVIDENCE_FDO:
        return e->fdo.binding;
    case ALTROOT_EVIDENCE_DEVID:
        return second ? e->devid.ldevid_binding : e->devid.binding;
    case ALTROOT_EVIDENCE_MUD:
        break;
    }
    return (altroot_span){0};
}

static bool root_json(const altroot_evidence *e, altroot_evidence_root root,
                      const altroot_evidence_members *ms, const uint8_t spki[32], json_t *roots)
{
    bool ok = true;
    json_t *r = json_object();
    inspect_set_str(r, "root", altroot_evidence_root_label(root));
    json_t *members = json_array();
    for (size_t i = 0; i < ms->count; i++) {
        const altroot_evidence_member *mem = &ms->item[i];
        uint8_t h[32];
        json_t *m = json_object();
        set_span_str(m, "label", mem->label);
        set_span_str(m, "media_type", mem->media_type);
        json_object_set_new(m, "indicator", indicator(mem->ind));
        if (mem->chain_count > 0)
            json_object_set_new(m, "certificates", json_integer((json_int_t)mem->chain_count));
        json_object_set_new(m, "size", json_integer((json_int_t)mem->raw.len));
        altroot_sha256(mem->raw, h);
        inspect_set_hex(m, "sha256", (altroot_span){h, 32});
        if (mem->binding)
            ok = binding_json(binding_value(e, root, mem->label), root, spki, m) && ok;
        json_t *claims = json_object_get(m, "claims");
        if (claims != NULL && json_object_get(r, "identity") == NULL)
            json_object_set_new(r, "identity", json_deep_copy(json_object_get(claims, "identity")));
        json_array_append_new(members, m);
    }
    json_object_set_new(r, "members", members);
    json_array_append_new(roots, r);
    return ok;
}

bool inspect_describe_evidence(altroot_cert *cert, json_t *c)
{
    bool critical = false;
    altroot_span value = {0};
    altroot_err err =
        inspect_keep(altroot_cert_extension(cert, ALTROOT_OID_EVIDENCE, &critical, &value));
    if (err == ALTROOT_E_NOT_FOUND)
        return true;
    json_t *ev = json_object();
    json_object_set_new(c, "evidence", ev);
    inspect_set_str(ev, "extension", "id-pe-cmw (" ALTROOT_OID_EVIDENCE ")");
    json_object_set_new(ev, "critical", json_boolean(critical));
    json_object_set_new(ev, "size", json_integer((json_int_t)value.len));
    altroot_evidence e;
    char detail[160];
    if (err == ALTROOT_OK)
        err = inspect_keep(altroot_evidence_decode(value, &e, detail, sizeof detail));
    else
        snprintf(detail, sizeof detail, "%s", "the extension appears more than once");
    if (err != ALTROOT_OK) {
        inspect_add_error(ev, err, detail);
        return false;
    }
    inspect_set_str(ev, "collection_type", ALTROOT_EVIDENCE_COLLECTION_TYPE);
    uint8_t spki[32];
    if (inspect_keep(altroot_cert_spki_sha256(cert, spki)) != ALTROOT_OK)
        memset(spki, 0, sizeof spki);
    json_t *roots = json_array();
    json_object_set_new(ev, "roots", roots);
    bool ok = true;
    if (e.matter.present)
        ok = root_json(&e, ALTROOT_EVIDENCE_MATTER, &e.matter.members, spki, roots) && ok;
    if (e.fdo.present)
        ok = root_json(&e, ALTROOT_EVIDENCE_FDO, &e.fdo.members, spki, roots) && ok;
    if (e.devid.present)
        ok = root_json(&e, ALTROOT_EVIDENCE_DEVID, &e.devid.members, spki, roots) && ok;
    if (e.mud.present)
        ok = root_json(&e, ALTROOT_EVIDENCE_MUD, &e.mud.members, spki, roots) && ok;
    return ok;
}
