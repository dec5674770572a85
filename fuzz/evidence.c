/* Fuzz target: the id-pe-cmw evidence decoder (docs/evidence.md, version 2), then each binding
 * as a COSE_Sign1 and its claims for the root it belongs to. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <altroot/cose.h>
#include <altroot/evidence.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void binding(altroot_span b, altroot_evidence_root root)
{
    altroot_cose_sign1 msg;
    altroot_evidence_claims cl;
    if (altroot_cose_sign1_decode(b, &msg) != ALTROOT_OK)
        return;
    if (altroot_evidence_claims_decode(msg.payload, root, &cl) == ALTROOT_OK &&
        (cl.name_count == 0 || cl.name_count > ALTROOT_EVIDENCE_MAX_NAMES || cl.id_type != root))
        __builtin_trap();
}

/* Every decoded member has a known label, the media type the schema gives it, and bytes. */
static void members(const altroot_evidence_members *ms, altroot_evidence_root root)
{
    if (ms->count == 0 || ms->count > ALTROOT_EVIDENCE_MAX_MEMBERS)
        __builtin_trap();
    for (size_t i = 0; i < ms->count; i++) {
        const altroot_evidence_member *m = &ms->item[i];
        char label[32];
        if (m->label.len == 0 || m->label.len >= sizeof label || m->raw.len == 0)
            __builtin_trap();
        memcpy(label, m->label.ptr, m->label.len);
        label[m->label.len] = '\0';
        const char *mt = altroot_evidence_media_type(root, label);
        if (mt == NULL || strlen(mt) != m->media_type.len ||
            memcmp(mt, m->media_type.ptr, m->media_type.len) != 0)
            __builtin_trap();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    altroot_evidence e;
    char detail[128];
    /* The claims decoder on its own, as a Matter, FDO and 802.1AR identity. */
    for (int root = ALTROOT_EVIDENCE_MATTER; root <= ALTROOT_EVIDENCE_DEVID; root++) {
        altroot_evidence_claims cl;
        if (altroot_evidence_claims_decode((altroot_span){data, size}, (altroot_evidence_root)root,
                                           &cl) == ALTROOT_OK &&
            cl.id_type != (altroot_evidence_root)root)
            __builtin_trap();
    }
    if (altroot_evidence_decode((altroot_span){data, size}, &e, detail, sizeof detail) !=
        ALTROOT_OK)
        return 0;
    /* A decoded evidence has at least one root, and each root its required fields. */
    if (!e.matter.present && !e.fdo.present && !e.devid.present && !e.mud.present)
        __builtin_trap();
    if (e.matter.present && (e.matter.dac.len == 0 || e.matter.binding.len == 0))
        __builtin_trap();
    if (e.devid.present && (e.devid.idevid_count == 0 || e.devid.binding.len == 0))
        __builtin_trap();
    if (e.matter.present)
        members(&e.matter.members, ALTROOT_EVIDENCE_MATTER);
    if (e.fdo.present)
        members(&e.fdo.members, ALTROOT_EVIDENCE_FDO);
    if (e.devid.present)
        members(&e.devid.members, ALTROOT_EVIDENCE_DEVID);
    if (e.mud.present)
        members(&e.mud.members, ALTROOT_EVIDENCE_MUD);
    if (e.matter.present)
        binding(e.matter.binding, ALTROOT_EVIDENCE_MATTER);
    if (e.matter.has_noc_binding)
        binding(e.matter.noc_binding, ALTROOT_EVIDENCE_MATTER);
    if (e.fdo.present)
        binding(e.fdo.binding, ALTROOT_EVIDENCE_FDO);
    if (e.devid.present)
        binding(e.devid.binding, ALTROOT_EVIDENCE_DEVID);
    if (e.devid.has_ldevid_binding)
        binding(e.devid.ldevid_binding, ALTROOT_EVIDENCE_DEVID);
    return 0;
}
