/*
 * Evaluation of a presented TLS chain: the baseline roots (the Web PKI and the user's local-ca
 * anchors), the alternative roots in both integration modes (src/evidence/: primary, the chain
 * itself under a Matter fabric, DevID CA or FDO owner key; secondary, the evidence extension),
 * the name binding they give, and the certificate class (docs/decisions.md).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include <altroot/alloc.h>
#include <altroot/evidence.h>
#include <altroot/key_hash_name.h>
#include <altroot/pin.h>
#include <altroot/tls.h>

#include "../core/guard.h"
#include "../core/validity.h"

static bool is_ip_literal(const char *host)
{
    unsigned char a[16];
    return host != NULL && (inet_pton(AF_INET, host, a) == 1 || inet_pton(AF_INET6, host, a) == 1);
}

static altroot_err fill_leaf(altroot_peer_cert *p, const altroot_cert *leaf)
{
    char buf[1024];
    uint8_t h[32];
    altroot_cert_subject(leaf, buf, sizeof buf);
    TRY(altroot_set_string(&p->subject, buf));
    altroot_cert_issuer(leaf, buf, sizeof buf);
    TRY(altroot_set_string(&p->issuer, buf));
    altroot_cert_key_desc(leaf, buf, sizeof buf);
    TRY(altroot_set_string(&p->key, buf));
    altroot_cert_sha256(leaf, h);
    altroot_hex_encode((altroot_span){h, 32}, p->sha256);
    TRY(altroot_cert_spki_sha256(leaf, h));
    altroot_hex_encode((altroot_span){h, 32}, p->spki_sha256);
    if (altroot_cert_validity(leaf, &p->not_before, &p->not_after) != ALTROOT_OK)
        p->not_before = p->not_after = 0; /* chain validation reports the malformed time */
    p->self_signed = altroot_cert_is_self_signed(leaf);
    return altroot_cert_sans(leaf, &p->sans);
}

typedef struct root_outcome {
    bool reached;  /* the chain leads to one of these anchors by signature */
    bool verified; /* and every check passed */
} root_outcome;

static altroot_err check_root(altroot_verdict *v, const char *root, altroot_anchor_kind kind,
                              const altroot_certs *chain, const char *host,
                              const altroot_trust_store *store, root_outcome *o)
{
    altroot_root_result *r = NULL;
    TRY(altroot_verdict_add_root(v, root, ALTROOT_MODE_BASELINE, &r));
    const altroot_certs *anchors = altroot_trust_store_certs(store, kind);
    *o = (root_outcome){false, false};
    if (altroot_certs_count(anchors) == 0)
        return altroot_failures_add(&r->failures, ALTROOT_E_NO_ANCHORS, NULL,
                                    "no %s anchors configured", altroot_anchor_kind_name(kind));
    bool ip = is_ip_literal(host);
    altroot_chain_params p = {
        .at = v->at,
        .host = ip ? NULL : host,
        .ip = ip ? host : NULL,
        .purpose = ALTROOT_PURPOSE_TLS_SERVER,
        /* A local CA the user installed may be an intermediate; the Web PKI anchors are roots. */
        .partial_chain = kind == ALTROOT_ANCHOR_LOCAL_CA,
    };
    altroot_chain_result res = {0};
    TRY(altroot_chain_verify(chain, anchors, &p, &res));
    altroot_err err = altroot_failures_extend(&r->failures, &res.failures, NULL);
    o->reached = res.reached_anchor;
    o->verified = res.verified;
    r->status = res.verified         ? ALTROOT_ROOT_VERIFIED
                : res.reached_anchor ? ALTROOT_ROOT_FAILED
                                     : ALTROOT_ROOT_NOT_APPLICABLE;
    if (err == ALTROOT_OK && res.anchor_index >= 0) {
        char subject[1024];
        altroot_cert_subject(altroot_certs_get(anchors, (size_t)res.anchor_index), subject,
                             sizeof subject);
        err = altroot_set_string(&r->anchor, subject);
        if (err == ALTROOT_OK)
            err = altroot_set_string(&r->anchor_file, altroot_trust_store_cert_file(
                                                          store, kind, (size_t)res.anchor_index));
    }
    if (err == ALTROOT_OK && kind == ALTROOT_ANCHOR_LOCAL_CA && res.verified) {
        /* Decision rule 3 counts a local CA the user installed as an anchor the user holds. */
        r->ownership = true;
        err = altroot_facts_add(&r->owned, "authority", r->anchor != NULL ? r->anchor : "");
        if (err == ALTROOT_OK)
            err = altroot_facts_add(&r->owned, "meaning",
                                    "a local CA you installed vouches for this name; it says "
                                    "nothing about who made the device");
    }
    altroot_chain_result_clear(&res);
    return err;
}

static altroot_err bind_name(altroot_verdict *v, const char *host, const char *by)
{
    v->name.bound = true;
    TRY(altroot_set_string(&v->name.method, is_ip_literal(host) ? "san-ip" : "san-dns"));
    return altroot_set_string(&v->name.by, by);
}

/* A key-hash name (include/altroot/key_hash_name.h) binds the name to the leaf's key when the
 * hashes match, unless a stronger binding came first (names bind in this order: a SAN under an
 * anchor you hold, the Matter instance name). A mismatch is recorded for decision rule 2; a name
 * that only looks like a key-hash name binds nothing and is reported as a warning. */
static altroot_err apply_key_hash_name(altroot_verdict *v, const altroot_cert *leaf,
                                       const char *host)
{
    if (host == NULL || is_ip_literal(host))
        return ALTROOT_OK;
    bool found = false, match = false;
    altroot_key_hash_name khn;
    char detail[160];
    altroot_err err = altroot_key_hash_name_parse(
        (altroot_span){(const uint8_t *)host, strlen(host)}, &found, &khn, detail, sizeof detail);
    if (err == ALTROOT_E_KEY_HASH_NAME_MALFORMED)
        return altroot_strlist_addf(&v->warnings,
                                    "%s looks like a key-hash name but is not one (%s); it binds "
                                    "nothing (E_KEY_HASH_NAME_MALFORMED)",
                                    host, detail);
    TRY(err);
    if (!found)
        return ALTROOT_OK;
    TRY(altroot_key_hash_name_check(&khn, leaf, &match));
    v->name.key_hash_name = true;
    v->name.key_hash_matched = match;
    /* The name stands for the key of a certificate that is valid now, not of a retired one. */
    if (!match || v->name.bound || altroot_cert_check_validity(leaf, v->at, NULL, 0) != ALTROOT_OK)
        return ALTROOT_OK;
    v->name.bound = true;
    TRY(altroot_set_string(&v->name.method, "key-hash-name"));
    return altroot_set_string(&v->name.by, "tls-key");
}

/* An alternative root binds the name only if, in the end, it verified with ownership: a root
 * decides its status after its parts (attestation, ownership, voucher), so a binding made by a
 * part of a root that later failed is withdrawn here. */
static altroot_err keep_binding_of_owners(altroot_verdict *v)
{
    if (!v->name.bound || v->name.by == NULL || strcmp(v->name.by, "webpki") == 0 ||
        strcmp(v->name.by, "local-ca") == 0)
        return ALTROOT_OK;
    for (size_t i = 0; i < v->root_count; i++)
        if (strcmp(v->roots[i].root, v->name.by) == 0 && v->roots[i].ownership &&
            v->roots[i].status == ALTROOT_ROOT_VERIFIED)
            return ALTROOT_OK;
    v->name.bound = false;
    TRY(altroot_set_string(&v->name.method, "none"));
    altroot_free(v->name.by);
    v->name.by = NULL;
    return ALTROOT_OK;
}

static altroot_err classify(altroot_verdict *v, root_outcome web, root_outcome local)
{
    const char *note = NULL;
    if (web.reached) {
        v->cert_class = 6;
    } else if (local.reached) {
        v->cert_class = 5;
    } else if (v->leaf.self_signed) {
        v->cert_class = 3;
        note = "self-signed; one connection cannot tell whether other devices share this "
               "certificate (class 1) or it is unique to this device (class 3)";
    } else {
        v->cert_class = 4;
        note = "issued by a root you do not hold; one connection cannot tell whether other "
               "devices share this certificate (class 2) or it is unique (class 4)";
    }
    return altroot_set_string(&v->class_note, note);
}

altroot_err altroot_eval_mode_parse(const char *text, altroot_eval_mode *out)
{
    static const char *const names[] = {"auto", "primary", "secondary", "webpki"};
    ENSURE(text != NULL && out != NULL, ALTROOT_E_INTERNAL);
    for (int i = 0; i < 4; i++)
        if (strcmp(text, names[i]) == 0) {
            *out = (altroot_eval_mode)i;
            return ALTROOT_OK;
        }
    return ALTROOT_E_ARG;
}

static altroot_err evaluate(const altroot_certs *chain, const char *host,
                            const altroot_trust_store *store, altroot_time at,
                            altroot_eval_mode mode, altroot_verdict *out)
{
    out->at = at;
    out->chain_length = altroot_certs_count(chain);
    TRY(fill_leaf(&out->leaf, altroot_certs_get(chain, 0)));
    TRY(altroot_set_string(&out->name.name, host));
    TRY(altroot_set_string(&out->name.method, "none"));
    root_outcome web, local = {false, false};
    TRY(check_root(out, "webpki", ALTROOT_ANCHOR_WEBPKI, chain, host, store, &web));
    if (mode != ALTROOT_EVAL_WEBPKI)
        TRY(check_root(out, "local-ca", ALTROOT_ANCHOR_LOCAL_CA, chain, host, store, &local));
    if (host != NULL && web.verified)
        TRY(bind_name(out, host, "webpki"));
    else if (host != NULL && local.verified)
        TRY(bind_name(out, host, "local-ca"));
    bool primary = false, evidence = false;
    if (mode == ALTROOT_EVAL_AUTO || mode == ALTROOT_EVAL_PRIMARY)
        TRY(altroot_primary_evaluate(chain, host, store, at, out, &primary));
    if (mode == ALTROOT_EVAL_AUTO || mode == ALTROOT_EVAL_SECONDARY)
        TRY(altroot_evidence_evaluate(chain, host, store, at, out, &evidence));
    TRY(keep_binding_of_owners(out));
    /* A key-hash name and a pin bind the name after the roots (rules 2 and 5); the Web PKI
     * mode asks what the Web PKI alone says, so both stay out of it. */
    if (mode != ALTROOT_EVAL_WEBPKI)
        TRY(apply_key_hash_name(out, altroot_certs_get(chain, 0), host));
    if (mode != ALTROOT_EVAL_WEBPKI)
        TRY(altroot_pins_apply(store, host, out));
    TRY(classify(out, web, local));
    out->lifted_class = altroot_evidence_lifted_class(out);
    return altroot_verdict_decide(out);
}

altroot_err altroot_evaluate_chain_mode(const altroot_certs *chain, const char *host,
                                        const altroot_trust_store *store, altroot_time at,
                                        altroot_eval_mode mode, altroot_verdict *out)
{
    ENSURE(chain != NULL && store != NULL && out != NULL, ALTROOT_E_INTERNAL);
    ENSURE(altroot_certs_count(chain) > 0, ALTROOT_E_EMPTY);
    ENSURE((unsigned)mode <= ALTROOT_EVAL_WEBPKI, ALTROOT_E_ARG);
    /* Every verifier notes the windows it checked (src/core/validity.h), the leaf's too. */
    altroot_time outer = altroot_validity_begin();
    altroot_err err = evaluate(chain, host, store, at, mode, out);
    if (out->chain_length > 0) {
        bool unread = out->leaf.not_before == 0 && out->leaf.not_after == 0;
        altroot_validity_note(at, unread ? INT64_MIN : out->leaf.not_before,
                              unread ? at : out->leaf.not_after);
    }
    out->valid_until = altroot_validity_end(outer);
    return err;
}

altroot_err altroot_evaluate_chain(const altroot_certs *chain, const char *host,
                                   const altroot_trust_store *store, altroot_time at,
                                   altroot_verdict *out)
{
    return altroot_evaluate_chain_mode(chain, host, store, at, ALTROOT_EVAL_AUTO, out);
}
