/*
 * RFC 8366 vouchers (JSON, CMS-signed by the MASA) as BRSKI (RFC 8995 5.6) consumes them:
 * verify the CMS signature and the MASA chain first, then decode the exact eContent, then
 * compare with the pledge's IDevID.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include <altroot/alloc.h>
#include <altroot/brski.h>
#include <altroot/cms.h>
#include <altroot/devid.h>

#include "../core/guard.h"
#include "../core/validity.h"

#define TOP "ietf-voucher:voucher"
#define FAIL(f, code, ...) TRY(altroot_failures_add((f), (code), "voucher", __VA_ARGS__))

void altroot_voucher_clear(altroot_voucher *v)
{
    if (v == NULL)
        return;
    altroot_free(v->serial_number);
    altroot_free(v->nonce);
    altroot_cert_free(v->pinned_domain_cert);
    altroot_bytes_clear(&v->idevid_issuer);
    memset(v, 0, sizeof *v);
}

const char *altroot_voucher_assertion_name(altroot_voucher_assertion a)
{
    switch (a) {
    case ALTROOT_VOUCHER_ASSERTION_VERIFIED:
        return "verified";
    case ALTROOT_VOUCHER_ASSERTION_LOGGED:
        return "logged";
    case ALTROOT_VOUCHER_ASSERTION_PROXIMITY:
        return "proximity";
    case ALTROOT_VOUCHER_ASSERTION_NONE:
        break;
    }
    return "none";
}

/* yang:date-and-time (RFC 6991): an RFC 3339 date-time, with "T". */
static bool date_time(json_t *v, altroot_time *out)
{
    const char *s = json_string_value(v);
    return s != NULL && strchr(s, 'T') != NULL && altroot_time_parse_rfc3339(s, out) == ALTROOT_OK;
}

/* YANG binary in JSON (RFC 7951 6.6): base64 with padding. */
static altroot_err binary(json_t *v, altroot_bytes *out, bool *ok)
{
    const char *s = json_string_value(v);
    *ok = false;
    if (s == NULL)
        return ALTROOT_OK;
    altroot_err e = altroot_base64_decode((altroot_span){(const uint8_t *)s, strlen(s)}, out);
    ENSURE(e != ALTROOT_E_NOMEM, e);
    *ok = e == ALTROOT_OK && out->len > 0;
    return ALTROOT_OK;
}

static bool known_leaf(const char *k)
{
    static const char *const leaves[] = {"created-on",
                                         "expires-on",
                                         "assertion",
                                         "serial-number",
                                         "idevid-issuer",
                                         "pinned-domain-cert",
                                         "domain-cert-revocation-checks",
                                         "nonce",
                                         "last-renewal-date"};
    for (size_t i = 0; i < ALTROOT_ARRAY_LEN(leaves); i++)
        if (strcmp(k, leaves[i]) == 0)
            return true;
    return false;
}

static altroot_err parse_assertion(json_t *obj, altroot_voucher *v, altroot_failures *f)
{
    const char *a = json_string_value(json_object_get(obj, "assertion"));
    static const struct {
        const char *name;
        altroot_voucher_assertion value;
    } names[] = {{"verified", ALTROOT_VOUCHER_ASSERTION_VERIFIED},
                 {"logged", ALTROOT_VOUCHER_ASSERTION_LOGGED},
                 {"proximity", ALTROOT_VOUCHER_ASSERTION_PROXIMITY}};
    for (size_t i = 0; a != NULL && i < ALTROOT_ARRAY_LEN(names); i++)
        if (strcmp(a, names[i].name) == 0)
            v->assertion = names[i].value;
    if (v->assertion == ALTROOT_VOUCHER_ASSERTION_NONE)
        FAIL(f, ALTROOT_E_VOUCHER_ASSERTION,
             "assertion is missing or not verified, logged or "
             "proximity");
    return ALTROOT_OK;
}

static altroot_err parse_pinned(json_t *obj, altroot_voucher *v, altroot_failures *f)
{
    altroot_bytes der = ALTROOT_BYTES_INIT;
    bool ok = false;
    altroot_err err = binary(json_object_get(obj, "pinned-domain-cert"), &der, &ok);
    if (err == ALTROOT_OK && ok) {
        altroot_err e = altroot_cert_from_der(altroot_bytes_span(&der), &v->pinned_domain_cert);
        err = e == ALTROOT_E_NOMEM ? e : ALTROOT_OK;
        ok = e == ALTROOT_OK;
    }
    altroot_bytes_clear(&der);
    TRY(err);
    if (!ok)
        FAIL(f, ALTROOT_E_VOUCHER_PINNED_CERT,
             "pinned-domain-cert is missing or not base64 of "
             "one DER certificate");
    return ALTROOT_OK;
}

static altroot_err parse_strings(json_t *obj, altroot_voucher *v, altroot_failures *f)
{
    json_t *sn = json_object_get(obj, "serial-number");
    if (!json_is_string(sn) || json_string_length(sn) == 0)
        FAIL(f, ALTROOT_E_VOUCHER_FORMAT, "serial-number is missing or not a string");
    else if ((v->serial_number = altroot_strdup(json_string_value(sn))) == NULL)
        return ALTROOT_E_NOMEM;
    json_t *nonce = json_object_get(obj, "nonce");
    /* RFC 8366 types nonce as binary; RFC 8995's example carries base64url. It is compared as
     * the string the pledge sent (docs/devid-mud.md). */
    if (nonce != NULL && !json_is_string(nonce))
        FAIL(f, ALTROOT_E_VOUCHER_FORMAT, "nonce is not a string");
    else if (nonce != NULL && (v->nonce = altroot_strdup(json_string_value(nonce))) == NULL)
        return ALTROOT_E_NOMEM;
    json_t *issuer = json_object_get(obj, "idevid-issuer");
    bool ok = false;
    if (issuer != NULL)
        TRY(binary(issuer, &v->idevid_issuer, &ok));
    if (issuer != NULL && !ok)
        FAIL(f, ALTROOT_E_VOUCHER_FORMAT, "idevid-issuer is not base64");
    return ALTROOT_OK;
}

static altroot_err parse_times(json_t *obj, altroot_voucher *v, altroot_failures *f)
{
    if (!date_time(json_object_get(obj, "created-on"), &v->created_on))
        FAIL(f, ALTROOT_E_VOUCHER_FORMAT, "created-on is missing or not an RFC 3339 date-time");
    json_t *exp = json_object_get(obj, "expires-on");
    v->has_expires_on = exp != NULL;
    if (exp != NULL && !date_time(exp, &v->expires_on))
        FAIL(f, ALTROOT_E_VOUCHER_FORMAT, "expires-on is not an RFC 3339 date-time");
    json_t *lr = json_object_get(obj, "last-renewal-date");
    v->has_last_renewal = lr != NULL;
    if (lr != NULL && !date_time(lr, &v->last_renewal_date))
        FAIL(f, ALTROOT_E_VOUCHER_FORMAT, "last-renewal-date is not an RFC 3339 date-time");
    json_t *rc = json_object_get(obj, "domain-cert-revocation-checks");
    v->has_revocation_checks = rc != NULL;
    v->domain_cert_revocation_checks = json_is_true(rc);
    if (rc != NULL && !json_is_boolean(rc))
        FAIL(f, ALTROOT_E_VOUCHER_FORMAT, "domain-cert-revocation-checks is not a boolean");
    return ALTROOT_OK;
}

static altroot_err parse_object(json_t *obj, altroot_voucher *v, altroot_failures *f)
{
    const char *key;
    json_t *val;
    json_object_foreach(obj, key, val)
    {
        if (!known_leaf(key))
            FAIL(f, ALTROOT_E_VOUCHER_FORMAT, "unknown leaf \"%.80s\"", key);
    }
    TRY(parse_times(obj, v, f));
    TRY(parse_assertion(obj, v, f));
    TRY(parse_strings(obj, v, f));
    return parse_pinned(obj, v, f);
}

altroot_err altroot_voucher_parse(altroot_span json, altroot_voucher *out,
                                  altroot_failures *failures)
{
    ENSURE(out != NULL && failures != NULL, ALTROOT_E_ARG);
    memset(out, 0, sizeof *out);
    if (json.len == 0 || json.len > ALTROOT_VOUCHER_JSON_MAX) {
        FAIL(failures, ALTROOT_E_VOUCHER_FORMAT, "voucher JSON of %zu bytes", json.len);
        return ALTROOT_OK;
    }
    json_error_t jerr;
    json_t *root = json_loadb((const char *)json.ptr, json.len, JSON_REJECT_DUPLICATES, &jerr);
    json_t *obj = json_object_get(root, TOP);
    altroot_err err = ALTROOT_OK;
    if (!json_is_object(root) || json_object_size(root) != 1 || !json_is_object(obj))
        err = altroot_failures_add(failures, ALTROOT_E_VOUCHER_FORMAT, "voucher", "%s",
                                   "not one JSON object with exactly \"" TOP "\"");
    else
        err = parse_object(obj, out, failures);
    json_decref(root);
    return err;
}

void altroot_voucher_result_clear(altroot_voucher_result *r)
{
    if (r == NULL)
        return;
    altroot_voucher_clear(&r->voucher);
    altroot_failures_clear(&r->failures);
    altroot_strlist_clear(&r->warnings);
    memset(r, 0, sizeof *r);
    r->anchor_index = -1;
}

/* RFC 8366 5.3 idevid-issuer: the IDevID's Authority Key Identifier. The keyIdentifier octets
 * and the whole extension value are both accepted (docs/devid-mud.md). */
static altroot_err check_issuer(const altroot_voucher *v, const altroot_cert *idevid,
                                altroot_failures *f)
{
    if (v->idevid_issuer.len == 0)
        return ALTROOT_OK;
    altroot_cert_info ci;
    bool crit = false;
    altroot_span aki = {0};
    altroot_span got = altroot_bytes_span(&v->idevid_issuer);
    bool ok = altroot_cert_get_info(idevid, &ci) == ALTROOT_OK && ci.akid_has_key_id &&
              altroot_span_equal(got, (altroot_span){ci.akid, ci.akid_len});
    if (!ok && altroot_cert_extension(idevid, "2.5.29.35", &crit, &aki) == ALTROOT_OK)
        ok = altroot_span_equal(got, aki);
    if (!ok)
        FAIL(f, ALTROOT_E_VOUCHER_IDEVID_ISSUER, "idevid-issuer is not the IDevID's AKI");
    return ALTROOT_OK;
}

/* RFC 8995 5.6.1: serial-number equals the pledge's; the nonce equals the one sent. */
static altroot_err check_pledge(const altroot_voucher_params *p, altroot_voucher_result *r)
{
    altroot_voucher *v = &r->voucher;
    if (v->has_expires_on)
        altroot_validity_note(p->at, INT64_MIN, v->expires_on);
    if (v->has_expires_on && p->at > v->expires_on)
        FAIL(&r->failures, ALTROOT_E_VOUCHER_EXPIRED, "expires-on is before the verification time");
    if (p->nonce != NULL && (v->nonce == NULL || strcmp(v->nonce, p->nonce) != 0))
        FAIL(&r->failures, ALTROOT_E_VOUCHER_NONCE, "nonce differs from the one sent");
    if (p->nonce == NULL && v->nonce == NULL)
        TRY(altroot_strlist_add(&r->warnings, "voucher: no nonce: it can be replayed until it "
                                              "expires (a nonceless voucher)"));
    if (p->idevid == NULL)
        return ALTROOT_OK;
    altroot_devid_info info;
    altroot_failures pf = ALTROOT_FAILURES_INIT;
    altroot_strlist pw = ALTROOT_STRLIST_INIT;
    altroot_err err =
        altroot_devid_check_profile(p->idevid, ALTROOT_DEVID_IDEVID, false, &info, &pf, &pw);
    if (err == ALTROOT_OK && (info.serial == NULL || v->serial_number == NULL ||
                              strcmp(info.serial, v->serial_number) != 0))
        err = altroot_failures_add(&r->failures, ALTROOT_E_VOUCHER_SERIAL, "voucher",
                                   "serial-number \"%.64s\" is not the IDevID's \"%.64s\"",
                                   v->serial_number != NULL ? v->serial_number : "",
                                   info.serial != NULL ? info.serial : "");
    if (err == ALTROOT_OK)
        err = check_issuer(v, p->idevid, &r->failures);
    altroot_devid_info_clear(&info);
    altroot_failures_clear(&pf);
    altroot_strlist_clear(&pw);
    return err;
}

/* The MASA certificate and every IDevID come from the same vendor CA, so chaining to it does not
 * tell the MASA from a device: a device certificate (the IDevID itself, or anything with a
 * HardwareModuleName) may not sign vouchers, nor a key whose keyUsage excludes signatures. */
static altroot_err check_signer(const altroot_voucher_params *p, const altroot_cms_result *cr,
                                altroot_voucher_result *r)
{
    if (p->idevid != NULL &&
        altroot_span_equal(altroot_cert_der(cr->signer), altroot_cert_der(p->idevid)))
        FAIL(&r->failures, ALTROOT_E_VOUCHER_SIGNER, "the voucher is signed by the IDevID itself");
    altroot_devid_info info;
    altroot_failures pf = ALTROOT_FAILURES_INIT;
    altroot_strlist pw = ALTROOT_STRLIST_INIT;
    altroot_err err =
        altroot_devid_check_profile(cr->signer, ALTROOT_DEVID_IDEVID, true, &info, &pf, &pw);
    bool device = err == ALTROOT_OK && info.has_hw_module;
    altroot_devid_info_clear(&info);
    altroot_failures_clear(&pf);
    altroot_strlist_clear(&pw);
    TRY(err);
    if (device)
        FAIL(&r->failures, ALTROOT_E_VOUCHER_SIGNER,
             "the signer carries a HardwareModuleName: a device certificate");
    if (cr->signer_has_key_usage && (cr->signer_key_usage & ALTROOT_KU_DIGITAL_SIGNATURE) == 0)
        FAIL(&r->failures, ALTROOT_E_VOUCHER_SIGNER, "the signer's keyUsage excludes signatures");
    return ALTROOT_OK;
}

/* RFC 8366 5.4 / RFC 8995 5.6.1: the CMS is verified before its content is used. */
static altroot_err check_cms(const altroot_voucher_params *p, altroot_voucher_result *r,
                             altroot_cms_result *cr)
{
    altroot_cms_verify_params cp = {
        .cms = p->cms, .extra = p->extra, .anchors = p->masa_anchors, .at = p->at};
    TRY(altroot_cms_verify(&cp, cr));
    TRY(altroot_failures_extend(&r->failures, &cr->failures, "voucher "));
    memcpy(r->content_type, cr->content_type, sizeof r->content_type);
    r->anchor_index = cr->anchor_index;
    if (cr->signer != NULL)
        altroot_cert_subject(cr->signer, r->signer, sizeof r->signer);
    if (!cr->signature_ok)
        FAIL(&r->failures, ALTROOT_E_VOUCHER_SIGNATURE, "the CMS signature does not verify");
    if (cr->signer != NULL && !cr->chain_ok)
        FAIL(&r->failures, ALTROOT_E_VOUCHER_CHAIN, "the signer does not chain to a MASA anchor");
    if (cr->signer != NULL)
        TRY(check_signer(p, cr, r));
    /* RFC 8366 5.4: id-ct-animaJSONVoucher; every RFC 8995 sample uses id-data. */
    if (cr->parsed && strcmp(cr->content_type, ALTROOT_OID_CT_JSON_VOUCHER) != 0 &&
        strcmp(cr->content_type, ALTROOT_OID_CT_DATA) != 0)
        FAIL(&r->failures, ALTROOT_E_VOUCHER_FORMAT, "eContentType %s is not a JSON voucher",
             cr->content_type);
    return ALTROOT_OK;
}

altroot_err altroot_voucher_verify(const altroot_voucher_params *p, altroot_voucher_result *r)
{
    ENSURE(r != NULL, ALTROOT_E_ARG);
    memset(r, 0, sizeof *r);
    r->anchor_index = -1;
    ENSURE(p != NULL && p->masa_anchors != NULL, ALTROOT_E_ARG);
    altroot_cms_result cr;
    altroot_err err = check_cms(p, r, &cr);
    TRY_GOTO(err);
    if (!cr.signature_ok)
        goto out;
    TRY_GOTO(altroot_voucher_parse(altroot_bytes_span(&cr.content), &r->voucher, &r->failures));
    if (r->voucher.pinned_domain_cert != NULL)
        altroot_cert_subject(r->voucher.pinned_domain_cert, r->owner, sizeof r->owner);
    TRY_GOTO(check_pledge(p, r));
    r->verified = r->failures.count == 0 && cr.verified;
out:
    altroot_cms_result_clear(&cr);
    return err;
}

altroot_err altroot_voucher_check_ldevid(const altroot_voucher *v, const altroot_cert *ldevid,
                                         const altroot_certs *chain, altroot_time at, bool *ok,
                                         altroot_failures *failures)
{
    ENSURE(v != NULL && ldevid != NULL && ok != NULL && failures != NULL, ALTROOT_E_ARG);
    *ok = false;
    if (v->pinned_domain_cert == NULL)
        return altroot_failures_add(failures, ALTROOT_E_VOUCHER_DOMAIN, "voucher", "%s",
                                    "no pinned-domain-cert");
    altroot_err err = ALTROOT_OK;
    altroot_certs *presented = NULL, *anchors = NULL;
    altroot_chain_result cr = {.anchor_index = -1};
    TRY_GOTO(altroot_certs_new(&presented));
    TRY_GOTO(altroot_certs_new(&anchors));
    TRY_GOTO(altroot_certs_push(presented, (altroot_cert *)ldevid));
    for (size_t i = 0; chain != NULL && i < altroot_certs_count(chain); i++)
        TRY_GOTO(altroot_certs_push(presented, altroot_certs_get(chain, i)));
    TRY_GOTO(altroot_certs_push(anchors, v->pinned_domain_cert));
    /* RFC 8995 5.6.2: the pinned certificate is the anchor even when it is not self-signed. */
    altroot_chain_params cp = {.at = at, .purpose = ALTROOT_PURPOSE_ANY, .partial_chain = true};
    TRY_GOTO(altroot_chain_verify(presented, anchors, &cp, &cr));
    *ok = cr.verified;
    TRY_GOTO(altroot_failures_extend(failures, &cr.failures, "ldevid "));
    if (!cr.verified)
        TRY_GOTO(altroot_failures_add(failures, ALTROOT_E_VOUCHER_DOMAIN, "voucher", "%s",
                                      "the LDevID does not chain to pinned-domain-cert"));
out:
    altroot_chain_result_clear(&cr);
    altroot_certs_free(anchors);
    altroot_certs_free(presented);
    return err;
}

altroot_err altroot_voucher_to_root(const altroot_voucher_result *res, altroot_root_result *r)
{
    ENSURE(res != NULL && r != NULL, ALTROOT_E_ARG);
    const altroot_voucher *v = &res->voucher;
    r->evidence = true;
    r->status = res->verified ? ALTROOT_ROOT_VERIFIED : ALTROOT_ROOT_FAILED;
    /* The manufacturer (MASA) attests the unit and the domain it belongs to; ownership needs an
     * LDevID under pinned-domain-cert too (altroot_voucher_check_ldevid). */
    r->attestation = res->verified;
    if (res->verified) {
        char when[ALTROOT_TIME_STR_LEN];
        TRY(altroot_facts_add(&r->attested, "owner_domain", res->owner));
        TRY(altroot_facts_add(&r->attested, "assertion",
                              altroot_voucher_assertion_name(v->assertion)));
        TRY(altroot_facts_add(&r->attested, "serial", v->serial_number));
        TRY(altroot_facts_add(&r->attested, "masa", res->signer));
        altroot_time_format(v->created_on, when);
        TRY(altroot_facts_add(&r->attested, "created_on", when));
        altroot_time_format(v->has_expires_on ? v->expires_on : ALTROOT_TIME_NO_EXPIRY, when);
        TRY(altroot_facts_add(&r->attested, "expires_on", v->has_expires_on ? when : "none"));
        TRY(altroot_facts_add(&r->attested, "nonce", v->nonce != NULL ? v->nonce : "none"));
        TRY(altroot_facts_add(&r->attested, "meaning",
                              "the manufacturer vouches that this unit belongs to the pinned "
                              "domain; ownership needs an LDevID under it too"));
    }
    return altroot_failures_extend(&r->failures, &res->failures, NULL);
}
