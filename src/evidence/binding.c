/*
 * One binding: a tagged COSE_Sign1 (RFC 9052 4.2) whose payload is the binding claims, signed by
 * a root's device key, naming the presented TLS key by the SHA-256 of its SubjectPublicKeyInfo
 * (RFC 8747 3.4, confirmation by key identifier).
 */
#include <string.h>

#include <altroot/cose.h>

#include "../core/guard.h"
#include "../core/validity.h"
#include "internal.h"

static altroot_err open_binding(altroot_span binding, altroot_cose_sign1 *msg, const char *where,
                                altroot_failures *f, bool *ok)
{
    *ok = false;
    altroot_err e = altroot_cose_sign1_decode(binding, msg);
    if (e == ALTROOT_E_NOMEM)
        return e;
    if (e != ALTROOT_OK)
        return altroot_failures_add(f, ALTROOT_E_EVIDENCE_BINDING_FORMAT, where,
                                    "not a COSE_Sign1 (%s)", altroot_error_name(e));
    /* docs/evidence.md: COSE_Sign1_Tagged (tag 18), empty unprotected header. */
    if (!msg->tagged || msg->unprotected_count != 0)
        return altroot_failures_add(f, ALTROOT_E_EVIDENCE_BINDING_FORMAT, where, "%s",
                                    !msg->tagged ? "COSE_Sign1 without tag 18"
                                                 : "unprotected header is not empty");
    altroot_sig_alg alg;
    if (altroot_cose_alg_sig(msg->alg, &alg) != ALTROOT_OK)
        return altroot_failures_add(f, ALTROOT_E_EVIDENCE_BINDING_FORMAT, where,
                                    "algorithm %lld is not allowed", (long long)msg->alg);
    *ok = true;
    return ALTROOT_OK;
}

static altroot_err check_claims(const evd_ctx *c, const altroot_evidence_claims *cl,
                                const char *where, altroot_failures *f)
{
    if (!altroot_span_equal_ct((altroot_span){cl->kid, 32}, (altroot_span){c->spki_sha256, 32}))
        TRY(altroot_failures_add(f, ALTROOT_E_EVIDENCE_KEY_MISMATCH, where, "%s",
                                 "cnf kid is not the SHA-256 of this certificate's key"));
    /* docs/evidence.md step 3: "iat <= at + 300 s and, when present, at <= exp". iat is at
     * most INT64_MAX and `at` may be before 1970, so the distance is taken unsigned. */
    uint64_t ahead = cl->iat > c->at ? (uint64_t)cl->iat - (uint64_t)c->at : 0;
    if (ahead > ALTROOT_EVIDENCE_IAT_SKEW)
        TRY(altroot_failures_add(f, ALTROOT_E_EVIDENCE_NOT_YET_VALID, where,
                                 "issued %llu s after the verification time",
                                 (unsigned long long)ahead));
    /* Valid from iat - skew (saturating) through exp (src/core/validity.h). */
    altroot_validity_note(c->at,
                          cl->iat < INT64_MIN + ALTROOT_EVIDENCE_IAT_SKEW
                              ? INT64_MIN
                              : cl->iat - ALTROOT_EVIDENCE_IAT_SKEW,
                          cl->has_exp ? cl->exp : ALTROOT_TIME_NO_EXPIRY);
    if (cl->has_exp && c->at > cl->exp)
        TRY(altroot_failures_add(f, ALTROOT_E_EVIDENCE_EXPIRED, where, "%s",
                                 "exp is before the verification time"));
    return ALTROOT_OK;
}

static const altroot_evidence_digest *find_digest(const altroot_evidence_claims *cl,
                                                  altroot_span label)
{
    for (size_t i = 0; i < cl->digest_count; i++)
        if (altroot_span_equal(cl->digests[i].label, label))
            return &cl->digests[i];
    return NULL;
}

/* docs/evidence.md: a binding carries the digest of every member of its root that is not a
 * binding, and of nothing else, so the members are bound together: a member swapped for another
 * device's, added or removed fails. */
static altroot_err check_members(const altroot_evidence_members *ms,
                                 const altroot_evidence_claims *cl, const char *where,
                                 altroot_failures *f)
{
    size_t covered = 0;
    for (size_t i = 0; i < ms->count; i++) {
        const altroot_evidence_member *m = &ms->item[i];
        if (m->binding)
            continue;
        const altroot_evidence_digest *d = find_digest(cl, m->label);
        uint8_t h[32];
        altroot_sha256(m->raw, h);
        if (d == NULL || !altroot_span_equal((altroot_span){h, 32}, (altroot_span){d->sha256, 32}))
            return altroot_failures_add(f, ALTROOT_E_EVIDENCE_MEMBERS, where, "member %.*s %s",
                                        (int)m->label.len, (const char *)m->label.ptr,
                                        d == NULL ? "is not covered by the binding"
                                                  : "differs from the one the binding covers");
        covered++;
    }
    if (covered != cl->digest_count)
        return altroot_failures_add(f, ALTROOT_E_EVIDENCE_MEMBERS, where, "%s",
                                    "the binding covers a member that is absent");
    return ALTROOT_OK;
}

altroot_err evd_check_binding(const evd_ctx *c, altroot_span binding,
                              const altroot_evidence_members *members, altroot_evidence_root root,
                              const altroot_key *key, const char *where,
                              altroot_evidence_claims *claims, bool *decoded, altroot_failures *f)
{
    altroot_cose_sign1 msg;
    bool ok = false;
    *decoded = false;
    TRY(open_binding(binding, &msg, where, f, &ok));
    if (!ok)
        return ALTROOT_OK;
    altroot_err e = altroot_evidence_claims_decode(msg.payload, root, claims);
    if (e != ALTROOT_OK)
        return altroot_failures_add(f, e, where, "binding claims: %s", altroot_strerror(e));
    *decoded = true;
    if (key == NULL)
        TRY(altroot_failures_add(f, ALTROOT_E_EVIDENCE_DEVICE_KEY, where, "%s",
                                 "no device key to check the binding with"));
    if (key != NULL) {
        e = altroot_cose_sign1_verify(&msg, key, (altroot_span){0});
        if (e == ALTROOT_E_NOMEM)
            return e;
        if (e != ALTROOT_OK)
            TRY(altroot_failures_add(f, ALTROOT_E_EVIDENCE_BINDING_SIGNATURE, where,
                                     "signature does not verify with the device key (%s)",
                                     altroot_error_name(e)));
    }
    TRY(check_members(members, claims, where, f));
    return check_claims(c, claims, where, f);
}
