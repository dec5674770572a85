/*
 * The schema of the evidence collection (docs/evidence.md "Members"): for each root, the labels
 * of its members, their media types and CMW indicators (RFC 9999 cm-type), which are required,
 * which are certificate chains and which are bindings. The encoder, the decoder and
 * `altroot inspect` all read it from here.
 */
#include <stddef.h>
#include <string.h>

#include "internal.h"

/* 2.25.69226542634484640648002627714631563288.1 and .3 as OBJECT IDENTIFIER content octets
 * (X.690 8.19: 2*40+25, then base-128 arcs). */
const uint8_t EVD_OID_COLLECTION[20] = {0x69, 0xE8, 0x94, 0xC6, 0x84, 0xAD, 0x84, 0xCA, 0xAA, 0xA1,
                                        0x90, 0x83, 0xCD, 0xF0, 0xB3, 0xB2, 0xBD, 0xF0, 0x18, 0x01};
const uint8_t EVD_OID_PROFILE[20] = {0x69, 0xE8, 0x94, 0xC6, 0x84, 0xAD, 0x84, 0xCA, 0xAA, 0xA1,
                                     0x90, 0x83, 0xCD, 0xF0, 0xB3, 0xB2, 0xBD, 0xF0, 0x18, 0x03};

/* Registered media types where one exists; the vnd.altroot ones are this project's own. */
#define MT_CERT "application/pkix-cert"                       /* RFC 2585 */
#define MT_CMS_SIG "application/pkcs7-signature"              /* RFC 8551 */
#define MT_MUD "application/mud+json"                         /* RFC 8520 */
#define MT_BRSKI "application/voucher-cms+json"               /* RFC 8366 */
#define MT_URI "text/uri-list"                                /* RFC 2483 */
#define MT_CD "application/vnd.altroot.matter-cd"             /* CMS SignedData of a CD */
#define MT_TLV "application/vnd.altroot.matter-tlv-cert"      /* Matter TLV certificate */
#define MT_VOUCHER "application/vnd.altroot.fdo-voucher+cbor" /* FDO 1.1 ownership voucher */
/* RFC 9711 9.1: application/eat+cwt with the eat_profile parameter. */
#define MT_BINDING "application/eat+cwt; eat_profile=\"" ALTROOT_EVIDENCE_EAT_PROFILE "\""

#define END ALTROOT_CMW_IND_ENDORSEMENTS
#define EVI ALTROOT_CMW_IND_EVIDENCE
#define SPAN(type, field) offsetof(type, field), 0
#define CHAIN(type, field, count) offsetof(type, field), offsetof(type, count)

static const evd_spec MATTER[] = {
    {"dac", MT_CERT, END, false, true, false, SPAN(altroot_evidence_matter, dac)},
    {"pai", MT_CERT, END, false, true, false, SPAN(altroot_evidence_matter, pai)},
    {"cd", MT_CD, END, false, true, false, SPAN(altroot_evidence_matter, cd)},
    {"noc", MT_TLV, END, false, false, false, SPAN(altroot_evidence_matter, noc)},
    {"icac", MT_TLV, END, false, false, false, SPAN(altroot_evidence_matter, icac)},
    {"rcac", MT_TLV, END, false, false, false, SPAN(altroot_evidence_matter, rcac)},
    {"binding", MT_BINDING, EVI, false, true, true, SPAN(altroot_evidence_matter, binding)},
    {"noc-binding", MT_BINDING, EVI, false, false, true,
     SPAN(altroot_evidence_matter, noc_binding)},
};

static const evd_spec FDO[] = {
    {"voucher", MT_VOUCHER, END, false, true, false, SPAN(altroot_evidence_fdo, voucher)},
    {"binding", MT_BINDING, EVI, false, true, true, SPAN(altroot_evidence_fdo, binding)},
};

static const evd_spec DEVID[] = {
    {"idevid", MT_CERT, END, true, true, false,
     CHAIN(altroot_evidence_devid, idevid, idevid_count)},
    {"voucher", MT_BRSKI, END, false, false, false, SPAN(altroot_evidence_devid, voucher)},
    {"ldevid", MT_CERT, END, true, false, false,
     CHAIN(altroot_evidence_devid, ldevid, ldevid_count)},
    {"binding", MT_BINDING, EVI, false, true, true, SPAN(altroot_evidence_devid, binding)},
    {"ldevid-binding", MT_BINDING, EVI, false, false, true,
     SPAN(altroot_evidence_devid, ldevid_binding)},
};

static const evd_spec MUD[] = {
    {"file", MT_MUD, END, false, true, false, SPAN(altroot_evidence_mud, file)},
    {"signature", MT_CMS_SIG, END, false, true, false, SPAN(altroot_evidence_mud, signature)},
    {"url", MT_URI, END, false, false, false, SPAN(altroot_evidence_mud, url)},
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const evd_root_spec ROOTS[] = {
    {ALTROOT_EVIDENCE_MATTER, "matter", MATTER, N(MATTER)},
    {ALTROOT_EVIDENCE_FDO, "fdo", FDO, N(FDO)},
    {ALTROOT_EVIDENCE_DEVID, "devid", DEVID, N(DEVID)},
    {ALTROOT_EVIDENCE_MUD, "mud", MUD, N(MUD)},
};

static bool label_is(altroot_span label, const char *s)
{
    size_t n = strlen(s);
    return label.len == n && (n == 0 || memcmp(label.ptr, s, n) == 0);
}

const evd_root_spec *evd_root_spec_get(altroot_evidence_root root)
{
    for (size_t i = 0; i < N(ROOTS); i++)
        if (ROOTS[i].root == root)
            return &ROOTS[i];
    return NULL;
}

const evd_spec *evd_spec_find(const evd_root_spec *r, altroot_span label)
{
    for (size_t i = 0; r != NULL && i < r->count; i++)
        if (label_is(label, r->members[i].label))
            return &r->members[i];
    return NULL;
}

altroot_evidence_root evd_root_by_label(altroot_span label)
{
    for (size_t i = 0; i < N(ROOTS); i++)
        if (label_is(label, ROOTS[i].label))
            return ROOTS[i].root;
    return (altroot_evidence_root)0;
}

const char *altroot_evidence_media_type(altroot_evidence_root root, const char *label)
{
    if (label == NULL)
        return NULL;
    const evd_spec *s = evd_spec_find(evd_root_spec_get(root),
                                      (altroot_span){(const uint8_t *)label, strlen(label)});
    return s != NULL ? s->media_type : NULL;
}

const char *altroot_evidence_root_label(altroot_evidence_root root)
{
    const evd_root_spec *r = evd_root_spec_get(root);
    return r != NULL ? r->label : "evidence";
}

const char *evd_root_name(altroot_evidence_root root)
{
    return altroot_evidence_root_label(root);
}
