/*
 * Matter operational certificate chain NOC -> (ICAC) -> RCAC, and ownership: the RCAC is one
 * of the user's matter-fabric anchors. Rules (from the
 * SDK's ChipDN::GetCertType, ValidateCert, ValidateChipRCAC and FabricTable::VerifyCredentials)
 * are listed in docs/matter-opcerts.md with their codes and tests. Every failure is collected.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <altroot/alloc.h>
#include <altroot/matter_op.h>

#include "../core/guard.h"
#include "../core/validity.h"
#include "cert_internal.h"
#include "op_internal.h"

enum { NOC = 0, ICAC = 1, RCAC = 2, SLOTS = 3 };
static const char *const ROLE[SLOTS] = {"NOC", "ICAC", "RCAC"};
/* Profile failures are reported under the code of the certificate's role. */
static const altroot_err ROLE_CODE[SLOTS] = {ALTROOT_E_MATTER_OP_NOC, ALTROOT_E_MATTER_OP_ICAC,
                                             ALTROOT_E_MATTER_OP_RCAC};
static const altroot_matter_cert_type ROLE_TYPE[SLOTS] = {
    ALTROOT_MATTER_CERT_NODE, ALTROOT_MATTER_CERT_ICA, ALTROOT_MATTER_CERT_ROOT};

typedef struct run {
    const altroot_matter_op_input *in;
    altroot_matter_op_result *out;
    altroot_matter_op_cert cert[SLOTS];
    altroot_key *key[SLOTS]; /* each certificate's public key, NULL when unusable */
    bool present[SLOTS];
    altroot_err err; /* the first failure to record a failure (E_NOMEM) */
} run;

static void fail(run *r, altroot_err code, int slot, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void fail(run *r, altroot_err code, int slot, const char *fmt, ...)
{
    char detail[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    if (r->err == ALTROOT_OK)
        r->err = altroot_failures_add(&r->out->failures, code, ROLE[slot], "%s", detail);
}

static const altroot_matter_cert *get(const run *r, int slot)
{
    return r->cert[slot].parsed ? &r->cert[slot].c : NULL;
}

/* ---- decoding and types --------------------------------------------------------------------- */

static void decode_one(run *r, int slot, altroot_span in)
{
    char detail[160];
    altroot_matter_op_cert *c = &r->cert[slot];
    altroot_err e = altroot_matter_op_cert_decode(in, c, detail, sizeof detail);
    if (e == ALTROOT_E_NOMEM && r->err == ALTROOT_OK)
        r->err = e;
    if (e != ALTROOT_OK) {
        fail(r, e == ALTROOT_E_NOMEM ? ALTROOT_E_MATTER_OP_FORMAT : e, slot, "%s", detail);
        c->parsed = false;
        return;
    }
    /* SEC 1 2.3.4: the point must be on the curve before any signature is checked with it. */
    e = altroot_key_from_ec_point(ALTROOT_KEY_EC_P256,
                                  (altroot_span){c->c.pubkey, sizeof c->c.pubkey}, &r->key[slot]);
    if (e == ALTROOT_E_NOMEM && r->err == ALTROOT_OK)
        r->err = e;
    if (e != ALTROOT_OK)
        fail(r, ALTROOT_E_MATTER_OP_FORMAT, slot, "public key is not a P-256 point");
}

/* CHIPCert ChipDN::GetCertType: the subject's identifier attribute decides the type, and each
 * position of the chain needs its own. */
static void decode_all(run *r)
{
    const altroot_span in[SLOTS] = {r->in->noc, r->in->icac, r->in->rcac};
    for (int s = 0; s < SLOTS; s++) {
        r->present[s] = in[s].len > 0;
        if (r->present[s])
            decode_one(r, s, in[s]);
        else if (s != ICAC)
            fail(r, ALTROOT_E_MATTER_OP_FORMAT, s, "no %s was presented", ROLE[s]);
        const altroot_matter_cert *c = get(r, s);
        if (c != NULL && c->subject.type != ROLE_TYPE[s])
            fail(r, ALTROOT_E_MATTER_OP_TYPE, s, "subject does not carry a %s identifier",
                 s == NOC    ? "matter-node-id"
                 : s == ICAC ? "matter-icac-id"
                             : "matter-rcac-id");
    }
}

/* ---- profiles ------------------------------------------------------------------------------- */

static bool has_ext(const altroot_matter_cert *c, altroot_matter_ext e)
{
    return (c->ext_present & (1u << e)) != 0;
}

/* CHIPCert LoadCert: every operational certificate carries both key identifiers; ValidateCert
 * needs basicConstraints and keyUsage to judge the role; a critical extension the profile does
 * not know cannot be honoured (RFC 5280 4.2: "MUST reject the certificate"). */
static void check_common(run *r, int s, const altroot_matter_cert *c)
{
    if (!has_ext(c, ALTROOT_MATTER_EXT_SUBJECT_KEY_ID))
        fail(r, ROLE_CODE[s], s, "no subjectKeyIdentifier");
    if (!has_ext(c, ALTROOT_MATTER_EXT_AUTHORITY_KEY_ID))
        fail(r, ROLE_CODE[s], s, "no authorityKeyIdentifier");
    if (!has_ext(c, ALTROOT_MATTER_EXT_BASIC_CONSTRAINTS))
        fail(r, ROLE_CODE[s], s, "no basicConstraints");
    if (!has_ext(c, ALTROOT_MATTER_EXT_KEY_USAGE))
        fail(r, ROLE_CODE[s], s, "no keyUsage");
    if (c->future_critical)
        fail(r, ALTROOT_E_MATTER_OP_CRITICAL_EXT, s, "a critical extension outside the profile");
}

static bool dn_equal(const altroot_matter_dn *a, const altroot_matter_dn *b)
{
    if (a->count != b->count)
        return false;
    /* Exact, attribute by attribute, including order and string type (notes 6). */
    for (size_t i = 0; i < a->count; i++) {
        const altroot_matter_rdn *x = &a->rdn[i], *y = &b->rdn[i];
        if (x->attr != y->attr || x->printable != y->printable)
            return false;
        if (altroot_matter_attr_is_matter(x->attr) ? x->value != y->value
                                                   : !altroot_span_equal(x->str, y->str))
            return false;
    }
    return true;
}

/* A CA certificate at depth > 0 (ValidateCert): cA and keyCertSign. The SDK does not require
 * cRLSign, and neither do we (docs/matter-opcerts.md). */
static void check_ca(run *r, int s, const altroot_matter_cert *c)
{
    if (has_ext(c, ALTROOT_MATTER_EXT_BASIC_CONSTRAINTS) && !c->is_ca)
        fail(r, ROLE_CODE[s], s, "basicConstraints cA is FALSE");
    if (has_ext(c, ALTROOT_MATTER_EXT_KEY_USAGE) &&
        (c->key_usage & ALTROOT_MATTER_KU_KEY_CERT_SIGN) == 0)
        fail(r, ROLE_CODE[s], s, "keyUsage lacks keyCertSign");
}

/* SDK ValidateChipRCAC: self-issued, SKID == AKID, cA, pathLen <= 1 when present, keyCertSign,
 * and the self-signature verifies. */
static void check_rcac(run *r, const altroot_matter_cert *c, const altroot_bytes *tbs)
{
    if (!dn_equal(&c->issuer, &c->subject))
        fail(r, ALTROOT_E_MATTER_OP_RCAC, RCAC, "issuer differs from subject: not self-issued");
    if (has_ext(c, ALTROOT_MATTER_EXT_SUBJECT_KEY_ID) &&
        has_ext(c, ALTROOT_MATTER_EXT_AUTHORITY_KEY_ID) &&
        memcmp(c->skid, c->akid, ALTROOT_MATTER_KEY_ID_LEN) != 0)
        fail(r, ALTROOT_E_MATTER_OP_RCAC, RCAC, "authorityKeyIdentifier differs from SKID");
    check_ca(r, RCAC, c);
    if (c->has_path_len && c->path_len > 1)
        fail(r, ALTROOT_E_MATTER_OP_RCAC, RCAC, "pathLenConstraint %u is more than 1",
             (unsigned)c->path_len);
    if (r->key[RCAC] == NULL || tbs == NULL)
        return;
    altroot_err e = altroot_verify_signature(r->key[RCAC], ALTROOT_SIG_ECDSA_P256_SHA256,
                                             ALTROOT_SIG_FORMAT_RAW, altroot_bytes_span(tbs),
                                             (altroot_span){c->signature, sizeof c->signature});
    if (e == ALTROOT_E_NOMEM && r->err == ALTROOT_OK)
        r->err = e;
    if (e != ALTROOT_OK)
        fail(r, ALTROOT_E_MATTER_OP_SIGNATURE, RCAC, "self-signature does not verify");
}

/* The NOC (depth 0): cA FALSE, digitalSignature, and the EKU the spec's NOC profile lists
 * (serverAuth and clientAuth; the SDK's FabricTable asks only for serverAuth). RFC 5280
 * 4.2.1.3: keyCertSign needs cA, and cRLSign is a CA's too. */
static void check_noc(run *r, const altroot_matter_cert *c)
{
    if (has_ext(c, ALTROOT_MATTER_EXT_BASIC_CONSTRAINTS) && c->is_ca)
        fail(r, ALTROOT_E_MATTER_OP_NOC, NOC, "basicConstraints cA is TRUE");
    if (has_ext(c, ALTROOT_MATTER_EXT_KEY_USAGE) &&
        (c->key_usage & ALTROOT_MATTER_KU_DIGITAL_SIGNATURE) == 0)
        fail(r, ALTROOT_E_MATTER_OP_NOC, NOC, "keyUsage lacks digitalSignature");
    if (c->key_usage & (ALTROOT_MATTER_KU_KEY_CERT_SIGN | ALTROOT_MATTER_KU_CRL_SIGN))
        fail(r, ALTROOT_E_MATTER_OP_NOC, NOC, "keyUsage has a CA bit (keyCertSign or cRLSign)");
    if (!has_ext(c, ALTROOT_MATTER_EXT_EXT_KEY_USAGE)) {
        fail(r, ALTROOT_E_MATTER_OP_NOC, NOC, "no extendedKeyUsage");
        return;
    }
    bool server = false, client = false;
    for (size_t i = 0; i < c->eku_count; i++) {
        server = server || c->eku[i] == ALTROOT_MATTER_EKU_SERVER_AUTH;
        client = client || c->eku[i] == ALTROOT_MATTER_EKU_CLIENT_AUTH;
    }
    if (!server)
        fail(r, ALTROOT_E_MATTER_OP_NOC, NOC, "extendedKeyUsage lacks serverAuth");
    if (!client)
        fail(r, ALTROOT_E_MATTER_OP_NOC, NOC, "extendedKeyUsage lacks clientAuth");
}

static void check_profiles(run *r)
{
    for (int s = 0; s < SLOTS; s++)
        if (get(r, s) != NULL)
            check_common(r, s, get(r, s));
    if (get(r, NOC) != NULL)
        check_noc(r, get(r, NOC));
    if (get(r, ICAC) != NULL)
        check_ca(r, ICAC, get(r, ICAC));
    if (get(r, RCAC) == NULL)
        return;
    altroot_bytes tbs = ALTROOT_BYTES_INIT;
    altroot_err e = altroot_matter_cert_tbs_der(get(r, RCAC), &tbs);
    if (e != ALTROOT_OK && r->err == ALTROOT_OK)
        r->err = e;
    check_rcac(r, get(r, RCAC), e == ALTROOT_OK ? &tbs : NULL);
    altroot_bytes_clear(&tbs);
}

/* ---- links ---------------------------------------------------------------------------------- */

/* Child at `cs` issued by parent at `ps` (depth of the parent in the path: `depth`). */
static void check_link(run *r, int cs, int ps, unsigned depth)
{
    const altroot_matter_cert *c = get(r, cs), *p = get(r, ps);
    if (c == NULL || p == NULL)
        return;
    /* Notes 6: issuer DN of the child == subject DN of the parent, exactly. */
    if (!dn_equal(&c->issuer, &p->subject))
        fail(r, ALTROOT_E_MATTER_OP_CHAIN, cs, "issuer name differs from the %s subject", ROLE[ps]);
    if (memcmp(c->akid, p->skid, ALTROOT_MATTER_KEY_ID_LEN) != 0 &&
        has_ext(c, ALTROOT_MATTER_EXT_AUTHORITY_KEY_ID))
        fail(r, ALTROOT_E_MATTER_OP_CHAIN, cs, "authorityKeyIdentifier differs from the %s SKID",
             ROLE[ps]);
    /* RFC 5280 4.2.1.9: pathLenConstraint = the most non-self-issued intermediates below. */
    if (p->has_path_len && depth - 1 > p->path_len)
        fail(r, ROLE_CODE[ps], ps, "pathLenConstraint %u with %u CA certificate(s) below",
             (unsigned)p->path_len, depth - 1);
    if (r->key[ps] == NULL)
        return;
    /* The signature covers SHA-256 of the X.509 TBS rebuilt from the Matter form. */
    altroot_bytes tbs = ALTROOT_BYTES_INIT;
    altroot_err e = altroot_matter_cert_tbs_der(c, &tbs);
    if (e == ALTROOT_OK)
        e = altroot_verify_signature(r->key[ps], ALTROOT_SIG_ECDSA_P256_SHA256,
                                     ALTROOT_SIG_FORMAT_RAW, altroot_bytes_span(&tbs),
                                     (altroot_span){c->signature, sizeof c->signature});
    altroot_bytes_clear(&tbs);
    if (e == ALTROOT_E_NOMEM && r->err == ALTROOT_OK)
        r->err = e;
    if (e != ALTROOT_OK)
        fail(r, ALTROOT_E_MATTER_OP_SIGNATURE, cs, "signature does not verify with the %s key",
             ROLE[ps]);
}

/* Chain NOC -> ICAC -> RCAC or NOC -> RCAC: three certificates at most, by construction. */
static void check_links(run *r)
{
    if (r->present[ICAC]) {
        check_link(r, NOC, ICAC, 1);
        check_link(r, ICAC, RCAC, 2);
    } else {
        check_link(r, NOC, RCAC, 1);
    }
}

/* SDK ValidateChipRCAC / VerifyCredentials: the NOC names the fabric; an ICAC or RCAC that
 * names one names the same (CHIP_ERROR_FABRIC_MISMATCH_ON_ICA, CHIP_ERROR_WRONG_CERT_DN). */
static void check_fabric(run *r)
{
    const altroot_matter_cert *n = get(r, NOC);
    if (n == NULL)
        return;
    for (int s = ICAC; s <= RCAC; s++) {
        const altroot_matter_cert *c = get(r, s);
        if (c != NULL && c->subject.fabric_id != 0 && c->subject.fabric_id != n->subject.fabric_id)
            fail(r, ALTROOT_E_MATTER_OP_FABRIC_MISMATCH, s,
                 "fabric id %016llX differs from the NOC's %016llX",
                 (unsigned long long)c->subject.fabric_id,
                 (unsigned long long)n->subject.fabric_id);
    }
}

/* Notes 6 "Time": notBefore <= at and (notAfter == 0 || at <= notAfter). A notBefore of 0 is
 * the X.509 time 99991231235959Z in the DER form a TLS peer checks, so it is never valid yet. */
static void check_time(run *r)
{
    char when[ALTROOT_TIME_STR_LEN];
    for (int s = 0; s < SLOTS; s++) {
        const altroot_matter_cert *c = get(r, s);
        if (c == NULL)
            continue;
        altroot_time nb = altroot_matter_time_to_unix(c->not_before);
        altroot_time na = altroot_matter_time_to_unix(c->not_after);
        altroot_validity_note(r->in->at, nb, na);
        if (r->in->at < nb) {
            altroot_time_format(nb, when);
            fail(r, ALTROOT_E_MATTER_OP_NOT_YET_VALID, s, "valid from %s", when);
        }
        if (na != ALTROOT_TIME_NO_EXPIRY && r->in->at > na) {
            altroot_time_format(na, when);
            fail(r, ALTROOT_E_MATTER_OP_EXPIRED, s, "expired at %s", when);
        }
    }
}

/* ---- anchor and facts ----------------------------------------------------------------------- */

/* A fabric is its root key (the compressed fabric id derives from it): the anchor must hold the
 * same public key and the same subject as the presented RCAC. */
static bool anchor_matches(const altroot_cert *anchor, const altroot_matter_cert *rc,
                           altroot_span subject)
{
    /* The subject first: it is compared in place, the key needs the anchor decoded. */
    altroot_cert_info info;
    return altroot_span_equal(altroot_cert_subject_der(anchor), subject) &&
           altroot_cert_get_info(anchor, &info) == ALTROOT_OK &&
           altroot_span_equal((altroot_span){info.key_point, info.key_point_len},
                              (altroot_span){rc->pubkey, sizeof rc->pubkey});
}

/* With `rcac` NULL, only an anchor that is the presented RCAC's very bytes matches (the usual
 * case: the device sends the anchor, or the caller passes it), and nothing needs parsing; else
 * an anchor with the RCAC's subject and key. Returns whether one matched; a miss is reported
 * only on the second pass. */
static bool find_anchor(run *r, const altroot_cert *rcac)
{
    const altroot_matter_cert *rc = get(r, RCAC);
    const altroot_certs *anchors =
        r->in->store != NULL ? altroot_trust_store_certs(r->in->store, ALTROOT_ANCHOR_MATTER_FABRIC)
                             : NULL;
    size_t n = anchors != NULL ? altroot_certs_count(anchors) : 0;
    altroot_span der = altroot_bytes_span(&r->cert[RCAC].der);
    for (size_t i = 0; i < n; i++) {
        const altroot_cert *a = altroot_certs_get(anchors, i);
        if (rcac == NULL ? !altroot_span_equal(altroot_cert_der(a), der)
                         : !anchor_matches(a, rc, altroot_cert_subject_der(rcac)))
            continue;
        if (rcac == NULL)
            altroot_cert_subject(a, r->out->rcac_subject, sizeof r->out->rcac_subject);
        const char *file =
            altroot_trust_store_cert_file(r->in->store, ALTROOT_ANCHOR_MATTER_FABRIC, i);
        snprintf(r->out->anchor_file, sizeof r->out->anchor_file, "%s", file ? file : "");
        r->out->anchor_matched = true;
        return true;
    }
    if (rcac != NULL)
        fail(r, ALTROOT_E_MATTER_FABRIC_NOT_TRUSTED, RCAC,
             "%s is not among your %zu matter-fabric anchor(s): ownership not proved",
             r->out->rcac_subject, n);
    return false;
}

static void check_anchor(run *r)
{
    if (get(r, RCAC) == NULL) {
        fail(r, ALTROOT_E_MATTER_FABRIC_NOT_TRUSTED, RCAC, "no usable RCAC to match");
        return;
    }
    if (find_anchor(r, NULL))
        return;
    altroot_cert *rcac = NULL;
    altroot_err e = altroot_cert_from_der(altroot_bytes_span(&r->cert[RCAC].der), &rcac);
    if (e != ALTROOT_OK) {
        if (r->err == ALTROOT_OK)
            r->err = e == ALTROOT_E_NOMEM ? e : ALTROOT_E_INTERNAL;
        return;
    }
    altroot_cert_subject(rcac, r->out->rcac_subject, sizeof r->out->rcac_subject);
    (void)find_anchor(r, rcac);
    altroot_cert_free(rcac);
}

static void set_facts(run *r)
{
    altroot_matter_op_result *o = r->out;
    const altroot_matter_cert *n = get(r, NOC), *i = get(r, ICAC), *rc = get(r, RCAC);
    if (n != NULL && n->subject.type == ALTROOT_MATTER_CERT_NODE) {
        o->has_node_id = true;
        o->node_id = n->subject.id;
        o->has_fabric_id = n->subject.fabric_id != 0;
        o->fabric_id = n->subject.fabric_id;
        o->cat_count = n->subject.cat_count;
        memcpy(o->cats, n->subject.cats, sizeof o->cats);
    }
    o->has_icac_id = i != NULL && i->subject.type == ALTROOT_MATTER_CERT_ICA;
    o->icac_id = o->has_icac_id ? i->subject.id : 0;
    o->has_rcac_id = rc != NULL && rc->subject.type == ALTROOT_MATTER_CERT_ROOT;
    o->rcac_id = o->has_rcac_id ? rc->subject.id : 0;
    if (rc == NULL || !o->has_fabric_id)
        return;
    /* Notes 7: CFID = HKDF-SHA256(root key without 0x04, salt = fabric id big-endian). */
    altroot_err e =
        altroot_matter_compressed_fabric_id(rc->pubkey, o->fabric_id, &o->compressed_fabric_id);
    if (e != ALTROOT_OK) {
        if (r->err == ALTROOT_OK)
            r->err = e;
        return;
    }
    o->has_compressed_fabric_id = true;
    memcpy(o->root_public_key, rc->pubkey, sizeof o->root_public_key);
    if (o->has_node_id)
        altroot_matter_instance_name(o->compressed_fabric_id, o->node_id, o->instance_name);
}

static void conclude(run *r)
{
    altroot_matter_op_result *o = r->out;
    size_t other = 0;
    for (size_t i = 0; i < o->failures.count; i++)
        other += o->failures.items[i].code != ALTROOT_E_MATTER_FABRIC_NOT_TRUSTED;
    o->chain_verified = other == 0;
    o->verified = o->chain_verified && o->anchor_matched;
}

altroot_err altroot_matter_op_chain_verify(const altroot_matter_op_input *in,
                                           altroot_matter_op_result *out)
{
    ENSURE(in != NULL && out != NULL, ALTROOT_E_INTERNAL);
    memset(out, 0, sizeof *out);
    run r;
    memset(&r, 0, sizeof r);
    r.in = in;
    r.out = out;
    decode_all(&r);
    check_profiles(&r);
    check_links(&r);
    check_fabric(&r);
    check_time(&r);
    check_anchor(&r);
    set_facts(&r);
    conclude(&r);
    for (int s = 0; s < SLOTS; s++) {
        altroot_matter_op_cert_clear(&r.cert[s]);
        altroot_key_free(r.key[s]);
    }
    if (r.err != ALTROOT_OK) {
        altroot_matter_op_result_clear(out);
        return r.err;
    }
    return ALTROOT_OK;
}

void altroot_matter_op_result_clear(altroot_matter_op_result *r)
{
    if (r == NULL)
        return;
    altroot_failures_clear(&r->failures);
    memset(r, 0, sizeof *r);
}
