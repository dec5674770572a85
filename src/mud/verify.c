/*
 * Verifying a MUD file (RFC 8520 section 13.2, as recalled in docs/devid-mud.md): the detached
 * CMS signature over the exact bytes, the signer's chain to a mud-signer anchor, signer keyUsage
 * digitalSignature, signer subject equal to the device's id-pe-mudsigner, then the file itself
 * and its mud-url against the URL it was obtained for. Any failure: not verified ("stop
 * processing until an administrator approves"), never a silent accept.
 */
#include <stdio.h>
#include <string.h>

#include <altroot/alloc.h>
#include <altroot/cms.h>
#include <altroot/devid.h>
#include <altroot/mud.h>

#include "../core/guard.h"

#define FAIL(r, code, ...) TRY(altroot_failures_add(&(r)->failures, (code), "mud", __VA_ARGS__))

const char *altroot_mud_url_source_name(altroot_mud_url_source s)
{
    switch (s) {
    case ALTROOT_MUD_URL_CERT_VERIFIED:
        return "certificate extension (authenticated)";
    case ALTROOT_MUD_URL_CERT_UNVERIFIED:
        return "certificate extension (certificate not verified)";
    case ALTROOT_MUD_URL_DEVICE:
        return "asserted by the device";
    case ALTROOT_MUD_URL_NETWORK:
        return "given by the network";
    case ALTROOT_MUD_URL_NONE:
        break;
    }
    return "none (only the file's own mud-url)";
}

bool altroot_mud_url_spoofable(altroot_mud_url_source s)
{
    return s != ALTROOT_MUD_URL_CERT_VERIFIED;
}

void altroot_mud_result_clear(altroot_mud_result *r)
{
    if (r == NULL)
        return;
    altroot_mud_file_clear(&r->file);
    altroot_free(r->anchor);
    altroot_free(r->anchor_file);
    altroot_free(r->url);
    altroot_failures_clear(&r->failures);
    altroot_strlist_clear(&r->warnings);
    memset(r, 0, sizeof *r);
}

/* Without devid-ca anchors the chain is not judged here, but the certificate's own defects
 * (unparseable, a bad MUD URL or mudsigner) still fail the MUD check. */
static altroot_err device_failures(const altroot_devid_result *dr, bool anchors,
                                   altroot_mud_result *r)
{
    if (anchors)
        return altroot_failures_extend(&r->failures, &dr->failures, "device ");
    for (size_t i = 0; i < dr->failures.count; i++) {
        const altroot_failure *f = &dr->failures.items[i];
        bool own = f->code == ALTROOT_E_CERT_PARSE ||
                   (f->code >= ALTROOT_E_DEVID_PROFILE && f->code <= ALTROOT_E_DEVID_ALGORITHM &&
                    f->code != ALTROOT_E_DEVID_CHAIN);
        if (own)
            TRY(altroot_failures_add(&r->failures, f->code, "mud device", "%s", f->detail));
    }
    return ALTROOT_OK;
}

/* The device certificate: verified as an IDevID when devid-ca anchors are configured; its
 * MUD URL and mudsigner are taken either way, but only a verified one is authenticated. */
static altroot_err check_device(const altroot_mud_params *p, altroot_mud_result *r,
                                altroot_bytes *mudsigner)
{
    altroot_devid_params dp = {
        .cert = p->device_cert, .chain = p->device_chain, .store = p->store, .at = p->at};
    altroot_devid_result dr;
    bool anchors =
        altroot_certs_count(altroot_trust_store_certs(p->store, ALTROOT_ANCHOR_DEVID_CA)) > 0;
    altroot_err err = altroot_devid_verify(&dp, &dr);
    if (err == ALTROOT_OK)
        err = device_failures(&dr, anchors, r);
    if (err == ALTROOT_OK && !anchors)
        err =
            altroot_strlist_add(&r->warnings, "mud: the device certificate was not verified "
                                              "(no devid-ca anchors): its MUD URL can be spoofed");
    r->device_verified = dr.verified && dr.kind == ALTROOT_DEVID_IDEVID;
    if (err == ALTROOT_OK && dr.info.mud_url != NULL) {
        r->url_source =
            r->device_verified ? ALTROOT_MUD_URL_CERT_VERIFIED : ALTROOT_MUD_URL_CERT_UNVERIFIED;
        err = altroot_set_string(&r->url, dr.info.mud_url);
    }
    if (err == ALTROOT_OK)
        err = altroot_bytes_append(mudsigner, dr.info.mudsigner.ptr, dr.info.mudsigner.len);
    altroot_devid_result_clear(&dr);
    return err;
}

/* Where the URL came from: the device certificate wins; a URL given beside it must agree. */
static altroot_err pick_url(const altroot_mud_params *p, altroot_mud_result *r)
{
    if (p->url == NULL)
        return ALTROOT_OK;
    if (!altroot_mud_url_valid(p->url))
        FAIL(r, ALTROOT_E_MUD_URL_SCHEME, "the URL given is not an https URL");
    if (r->url != NULL && strcmp(r->url, p->url) != 0)
        FAIL(r, ALTROOT_E_MUD_URL_MISMATCH, "the URL given differs from the certificate's");
    if (r->url != NULL)
        return ALTROOT_OK;
    r->url_source =
        p->url_source == ALTROOT_MUD_URL_NETWORK ? ALTROOT_MUD_URL_NETWORK : ALTROOT_MUD_URL_DEVICE;
    return altroot_set_string(&r->url, p->url);
}

static altroot_err note_anchor(const altroot_mud_params *p, int index, altroot_mud_result *r)
{
    const altroot_certs *anchors = altroot_trust_store_certs(p->store, ALTROOT_ANCHOR_MUD_SIGNER);
    if (index < 0 || (size_t)index >= altroot_certs_count(anchors))
        return ALTROOT_OK;
    char subject[512];
    altroot_cert_subject(altroot_certs_get(anchors, (size_t)index), subject, sizeof subject);
    TRY(altroot_set_string(&r->anchor, subject));
    return altroot_set_string(
        &r->anchor_file,
        altroot_trust_store_cert_file(p->store, ALTROOT_ANCHOR_MUD_SIGNER, (size_t)index));
}

/* RFC 8520 13.2: signature, chain, keyUsage digitalSignature, subject == mudsigner. */
static altroot_err check_signature(const altroot_mud_params *p, altroot_span mudsigner,
                                   altroot_mud_result *r)
{
    altroot_cms_verify_params cp = {
        .cms = p->signature,
        .detached = true,
        .content = p->file,
        .anchors = altroot_trust_store_certs(p->store, ALTROOT_ANCHOR_MUD_SIGNER),
        .at = p->at};
    altroot_cms_result cr;
    altroot_err err = altroot_cms_verify(&cp, &cr);
    TRY_GOTO(err);
    r->signature_ok = cr.parsed && cr.signature_ok;
    r->signer_chain_ok = cr.chain_ok;
    TRY_GOTO(altroot_failures_extend(&r->failures, &cr.failures, "mud signature "));
    if (!r->signature_ok)
        TRY_GOTO(altroot_failures_add(&r->failures, ALTROOT_E_MUD_SIGNATURE, "mud", "%s",
                                      "the detached signature does not verify over the file"));
    if (cr.signer != NULL && !cr.chain_ok)
        TRY_GOTO(altroot_failures_add(&r->failures, ALTROOT_E_MUD_SIGNER_CHAIN, "mud", "%s",
                                      "the signer does not chain to a mud-signer anchor"));
    TRY_GOTO(note_anchor(p, cr.anchor_index, r));
    if (cr.signer == NULL)
        goto out;
    altroot_cert_subject(cr.signer, r->signer, sizeof r->signer);
    if (!cr.signer_has_key_usage || (cr.signer_key_usage & ALTROOT_KU_DIGITAL_SIGNATURE) == 0)
        TRY_GOTO(altroot_failures_add(&r->failures, ALTROOT_E_MUD_SIGNER_KEY_USAGE, "mud",
                                      "signer %s has %s", r->signer,
                                      cr.signer_has_key_usage ? "keyUsage without digitalSignature"
                                                              : "no keyUsage extension"));
    if (mudsigner.len > 0 &&
        !altroot_name_der_match(mudsigner, altroot_cert_subject_der(cr.signer)))
        TRY_GOTO(altroot_failures_add(&r->failures, ALTROOT_E_MUD_SIGNER_MISMATCH, "mud",
                                      "signer %s is not the device's mudsigner", r->signer));
out:
    altroot_cms_result_clear(&cr);
    return err;
}

altroot_err altroot_mud_verify(const altroot_mud_params *p, altroot_mud_result *r)
{
    ENSURE(r != NULL, ALTROOT_E_ARG);
    memset(r, 0, sizeof *r);
    ENSURE(p != NULL && p->store != NULL, ALTROOT_E_ARG);
    altroot_err err = ALTROOT_OK;
    altroot_bytes mudsigner = ALTROOT_BYTES_INIT;
    if (p->device_cert.len > 0)
        TRY_GOTO(check_device(p, r, &mudsigner));
    TRY_GOTO(pick_url(p, r));
    if (p->file.len > ALTROOT_MUD_FILE_MAX || p->signature.len > ALTROOT_MUD_SIG_MAX)
        TRY_GOTO(altroot_failures_add(&r->failures, ALTROOT_E_MUD_TOO_LARGE, "mud",
                                      "file of %zu or signature of %zu bytes is too large",
                                      p->file.len, p->signature.len));
    else
        TRY_GOTO(check_signature(p, altroot_bytes_span(&mudsigner), r));
    size_t before = r->failures.count;
    TRY_GOTO(altroot_mud_file_check(p->file, &r->file, &r->failures, &r->warnings));
    r->file_ok = r->failures.count == before;
    if (r->url != NULL && r->file.mud_url != NULL && strcmp(r->url, r->file.mud_url) != 0)
        TRY_GOTO(altroot_failures_add(&r->failures, ALTROOT_E_MUD_URL_MISMATCH, "mud",
                                      "mud-url \"%.200s\" is not \"%.200s\"", r->file.mud_url,
                                      r->url));
    if (r->url == NULL)
        TRY_GOTO(altroot_strlist_add(&r->warnings, "mud: no URL to compare mud-url with"));
    r->verified = r->failures.count == 0 && r->signature_ok && r->signer_chain_ok && r->file_ok;
out:
    altroot_bytes_clear(&mudsigner);
    return err;
}

static altroot_err fact(altroot_facts *f, const char *key, const char *value)
{
    return value == NULL ? ALTROOT_OK : altroot_facts_add(f, key, value);
}

altroot_err altroot_mud_to_root(const altroot_mud_result *res, altroot_root_result *r)
{
    ENSURE(res != NULL && r != NULL, ALTROOT_E_ARG);
    r->evidence = true;
    r->status = res->verified ? ALTROOT_ROOT_VERIFIED : ALTROOT_ROOT_FAILED;
    r->attestation = res->verified;
    if (res->verified) {
        const altroot_mud_file *f = &res->file;
        TRY(fact(&r->attested, "maker", f->mfg_name));
        TRY(fact(&r->attested, "model", f->model_name));
        TRY(fact(&r->attested, "firmware_rev", f->firmware_rev));
        TRY(fact(&r->attested, "software_rev", f->software_rev));
        TRY(fact(&r->attested, "documentation", f->documentation));
        TRY(fact(&r->attested, "systeminfo", f->systeminfo));
        TRY(fact(&r->attested, "mud_url", f->mud_url));
        TRY(fact(&r->attested, "last_update", f->last_update));
        TRY(fact(&r->attested, "signer", res->signer));
        TRY(fact(&r->attested, "strength", "weak: declared by the manufacturer, not measured"));
    }
    TRY(altroot_facts_add(&r->attested, "mud_url_source",
                          altroot_mud_url_source_name(res->url_source)));
    TRY(altroot_facts_add(&r->attested, "mud_url_spoofable",
                          altroot_mud_url_spoofable(res->url_source) ? "yes" : "no"));
    if (res->anchor != NULL)
        TRY(altroot_set_string(&r->anchor, res->anchor));
    if (res->anchor_file != NULL)
        TRY(altroot_set_string(&r->anchor_file, res->anchor_file));
    return altroot_failures_extend(&r->failures, &res->failures, NULL);
}
