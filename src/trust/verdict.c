/* The verdict model and the decision table (docs/decisions.md). */
#include <stdio.h>
#include <string.h>

#include <altroot/alloc.h>
#include <altroot/verdict.h>

#include "../core/guard.h"

void altroot_verdict_init(altroot_verdict *v)
{
    memset(v, 0, sizeof *v);
    v->cert_class = -1;
    v->lifted_class = -1;
    v->valid_until = INT64_MIN;
}

static void facts_clear(altroot_facts *f)
{
    for (size_t i = 0; i < f->count; i++) {
        altroot_free(f->keys[i]);
        altroot_free(f->values[i]);
    }
    altroot_free(f->keys);
    altroot_free(f->values);
    memset(f, 0, sizeof *f);
}

static void root_clear(altroot_root_result *r)
{
    altroot_free(r->root);
    facts_clear(&r->attested);
    facts_clear(&r->owned);
    altroot_free(r->anchor);
    altroot_free(r->anchor_file);
    altroot_free(r->identity);
    altroot_failures_clear(&r->failures);
}

void altroot_verdict_clear(altroot_verdict *v)
{
    if (v == NULL)
        return;
    altroot_free(v->message);
    altroot_free(v->target);
    altroot_free(v->address);
    altroot_free(v->tls_version);
    altroot_free(v->tls_cipher);
    altroot_free(v->leaf.subject);
    altroot_free(v->leaf.issuer);
    altroot_free(v->leaf.key);
    altroot_strlist_clear(&v->leaf.sans);
    altroot_free(v->class_note);
    for (size_t i = 0; i < v->root_count; i++)
        root_clear(&v->roots[i]);
    altroot_free(v->roots);
    altroot_free(v->name.method);
    altroot_free(v->name.name);
    altroot_free(v->name.by);
    altroot_free(v->name.pin);
    altroot_free(v->name.pinned_identity);
    altroot_failures_clear(&v->failures);
    altroot_strlist_clear(&v->warnings);
    altroot_verdict_init(v);
}

altroot_err altroot_set_string(char **field, const char *value)
{
    char *copy = NULL;
    if (value != NULL && (copy = altroot_strdup(value)) == NULL)
        return ALTROOT_E_NOMEM;
    altroot_free(*field);
    *field = copy;
    return ALTROOT_OK;
}

altroot_err altroot_verdict_add_root(altroot_verdict *v, const char *root, altroot_mode mode,
                                     altroot_root_result **out)
{
    ENSURE(v != NULL && root != NULL && out != NULL, ALTROOT_E_INTERNAL);
    char *name = altroot_strdup(root);
    ENSURE(name != NULL, ALTROOT_E_NOMEM);
    altroot_root_result *roots = altroot_realloc(v->roots, (v->root_count + 1) * sizeof *roots);
    if (roots == NULL) {
        altroot_free(name);
        return ALTROOT_E_NOMEM;
    }
    v->roots = roots;
    altroot_root_result *r = &v->roots[v->root_count++];
    memset(r, 0, sizeof *r);
    r->root = name;
    r->mode = mode;
    *out = r;
    return ALTROOT_OK;
}

altroot_err altroot_facts_add(altroot_facts *f, const char *key, const char *value)
{
    ENSURE(f != NULL && key != NULL && value != NULL, ALTROOT_E_INTERNAL);
    char *k = altroot_strdup(key), *val = altroot_strdup(value);
    char **keys = k && val ? altroot_realloc(f->keys, (f->count + 1) * sizeof *keys) : NULL;
    if (keys != NULL)
        f->keys = keys;
    char **vals = keys ? altroot_realloc(f->values, (f->count + 1) * sizeof *vals) : NULL;
    if (vals == NULL) {
        altroot_free(k);
        altroot_free(val);
        return ALTROOT_E_NOMEM;
    }
    f->values = vals;
    f->keys[f->count] = k;
    f->values[f->count] = val;
    f->count++;
    return ALTROOT_OK;
}

const char *altroot_decision_name(altroot_decision d)
{
    switch (d) {
    case ALTROOT_DECISION_TRUSTED:
        return "trusted";
    case ALTROOT_DECISION_ATTESTED:
        return "attested";
    case ALTROOT_DECISION_UNTRUSTED:
        return "untrusted";
    }
    return "untrusted";
}

const char *altroot_mode_name(altroot_mode m)
{
    switch (m) {
    case ALTROOT_MODE_BASELINE:
        return "baseline";
    case ALTROOT_MODE_PRIMARY:
        return "primary";
    case ALTROOT_MODE_SECONDARY:
        return "secondary";
    case ALTROOT_MODE_ARTEFACT:
        return "artefact";
    }
    return "unknown";
}

const char *altroot_root_status_name(altroot_root_status s)
{
    switch (s) {
    case ALTROOT_ROOT_NOT_APPLICABLE:
        return "not-applicable";
    case ALTROOT_ROOT_VERIFIED:
        return "verified";
    case ALTROOT_ROOT_FAILED:
        return "failed";
    }
    return "unknown";
}

const char *altroot_cert_class_description(int cert_class)
{
    switch (cert_class) {
    case 0:
        return "no TLS";
    case 1:
        return "shared self-signed certificate";
    case 2:
        return "shared CA-signed certificate";
    case 3:
        return "device-unique self-signed certificate";
    case 4:
        return "device-unique certificate under an unknown root";
    case 5:
        return "device-unique certificate under a local root";
    case 6:
        return "Web PKI certificate";
    default:
        return "unknown";
    }
}

static const altroot_root_result *find_root(const altroot_verdict *v, const char *root)
{
    for (size_t i = 0; i < v->root_count; i++)
        if (strcmp(v->roots[i].root, root) == 0)
            return &v->roots[i];
    return NULL;
}

static const altroot_root_result *first_failed(const altroot_verdict *v, bool evidence_only)
{
    for (size_t i = 0; i < v->root_count; i++)
        if (v->roots[i].status == ALTROOT_ROOT_FAILED && (!evidence_only || v->roots[i].evidence))
            return &v->roots[i];
    return NULL;
}

static const char *first_detail(const altroot_root_result *r)
{
    return r != NULL && r->failures.count > 0 ? r->failures.items[0].detail : "unknown failure";
}

static bool key_hash_bound(const altroot_verdict *v)
{
    return v->name.bound && v->name.method != NULL && strcmp(v->name.method, "key-hash-name") == 0;
}

/* Rule 7: "untrusted, message by certificate class". */
static altroot_err message_by_class(altroot_verdict *v, char *msg, size_t len)
{
    const altroot_root_result *failed = first_failed(v, false);
    if (key_hash_bound(v) && failed == NULL) {
        snprintf(msg, len,
                 "%s is the key-hash name of this device's key: this is the device the name "
                 "stands for, but nothing proves who made it or that it is yours.",
                 v->name.name != NULL ? v->name.name : "The name");
        return ALTROOT_OK;
    }
    switch (v->cert_class) {
    case 0:
        snprintf(msg, len,
                 "This device does not use HTTPS: anyone on the network can read and "
                 "change what you send and see.");
        break;
    case 1:
    case 3:
        snprintf(msg, len,
                 "This device presented a self-signed certificate. Nothing proves "
                 "which device it is: any device on the network can present one.");
        break;
    case 5:
        snprintf(msg, len, "Your local CA issued this certificate, but it is not valid here: %s.",
                 first_detail(failed));
        break;
    case 6:
        snprintf(msg, len, "This site's Web PKI certificate is not valid here: %s.",
                 first_detail(failed));
        break;
    case 2:
    case 4:
        snprintf(msg, len,
                 "This certificate was issued by an authority you do not trust. "
                 "Nothing proves which device this is.");
        break;
    default:
        snprintf(msg, len,
                 v->address == NULL && v->target != NULL && strstr(v->target, "://") == NULL
                     ? "This artefact failed verification: %s."
                     : "No secure connection could be established: %s.",
                 failed != NULL          ? first_detail(failed)
                 : v->failures.count > 0 ? v->failures.items[0].detail
                                         : "unknown failure");
        break;
    }
    return ALTROOT_OK;
}

/* The verdict lists the failures of every root that applied and failed. When none applied, the
 * roots that did not apply explain the untrusted decision instead (a self-signed chain, say). */
static altroot_err gather_failures(altroot_verdict *v, bool explain_absence)
{
    for (size_t i = 0; i < v->root_count; i++) {
        const altroot_root_result *r = &v->roots[i];
        bool take = r->status == ALTROOT_ROOT_FAILED ||
                    (explain_absence && r->status == ALTROOT_ROOT_NOT_APPLICABLE);
        for (size_t j = 0; take && j < r->failures.count; j++) {
            const altroot_failure *f = &r->failures.items[j];
            if (f->code == ALTROOT_E_NO_ANCHORS)
                continue;
            char where[256];
            snprintf(where, sizeof where, "%s%s%s", r->root, f->where ? ": " : "",
                     f->where ? f->where : "");
            TRY(altroot_failures_add(&v->failures, f->code, where, "%s", f->detail));
        }
    }
    return ALTROOT_OK;
}

static const altroot_root_result *owning_root(const altroot_verdict *v)
{
    for (size_t i = 0; i < v->root_count; i++)
        if (v->roots[i].status == ALTROOT_ROOT_VERIFIED && v->roots[i].ownership)
            return &v->roots[i];
    return NULL;
}

/* The owning root that also bound the name (a key-hash name binds for every root: it names the
 * TLS key itself), or NULL. Rules 2 and 3: only an anchor that vouches for the name outranks
 * a pin; a name bound by the Web PKI beside ownership by some other root does not. */
static const altroot_root_result *owner_of_name(const altroot_verdict *v)
{
    if (!v->name.bound || v->name.by == NULL)
        return NULL;
    bool any = v->name.method != NULL && strcmp(v->name.method, "key-hash-name") == 0;
    for (size_t i = 0; i < v->root_count; i++)
        if (v->roots[i].status == ALTROOT_ROOT_VERIFIED && v->roots[i].ownership &&
            (any || strcmp(v->roots[i].root, v->name.by) == 0))
            return &v->roots[i];
    return NULL;
}

static const altroot_root_result *attesting_root(const altroot_verdict *v)
{
    for (size_t i = 0; i < v->root_count; i++)
        if (v->roots[i].status == ALTROOT_ROOT_VERIFIED && v->roots[i].attestation)
            return &v->roots[i];
    return NULL;
}

/* The ecosystem as people know it. */
static const char *root_label(const char *root)
{
    static const struct {
        const char *root, *label;
    } labels[] = {{"matter", "Matter"}, {"devid", "IEEE 802.1AR"}, {"mud", "MUD-described"},
                  {"fdo", "FDO"},       {"webpki", "Web PKI"},     {"local-ca", "local CA"}};
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
        if (strcmp(root, labels[i].root) == 0)
            return labels[i].label;
    return root;
}

/* "key value, key value" of the first facts: the maker and model a person needs to see. */
static void describe_facts(const altroot_facts *f, char *out, size_t len)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < f->count && i < 2 && used < len; i++) {
        int n = snprintf(out + used, len - used, "%s%s %s", i > 0 ? ", " : "", f->keys[i],
                         f->values[i]);
        used += n > 0 ? (size_t)n : 0;
    }
    if (f->count == 0)
        snprintf(out, len, "no details");
}

static void set_rule(altroot_verdict *v, altroot_decision d, int rule)
{
    v->decision = d;
    v->rule = rule;
}

/* Rule 2: the name asked for names another device, by a key-hash name of another key or by a
 * pin of another identity. The failure says which; the key-hash name is checked first. */
static altroot_err name_names_another(altroot_verdict *v, bool key_hash, bool attested, char *msg,
                                      size_t len)
{
    const char *name = v->name.name != NULL ? v->name.name : "this name";
    if (key_hash) {
        TRY(altroot_failures_add(&v->failures, ALTROOT_E_KEY_HASH_NAME_MISMATCH, "name",
                                 "%s is the key-hash name of another public key; this device "
                                 "presented the key with SPKI SHA-256 %s",
                                 name, v->leaf.spki_sha256));
        snprintf(msg, len,
                 "%s names another device's key (a key-hash name). This is not that device; do "
                 "not continue.",
                 name);
        return ALTROOT_OK;
    }
    TRY(altroot_failures_add(
        &v->failures, ALTROOT_E_PIN_MISMATCH, "pin", "%s is pinned to %s (%s); %s", name,
        v->name.pinned_identity, v->name.pin,
        attested ? "this device proved another identity" : "this device proved no identity"));
    snprintf(msg, len,
             "You pinned another device for %s. This is not that device; do not continue.", name);
    return ALTROOT_OK;
}

/* The presented TLS leaf outside its validity period at the verification time (or with a validity
 * that could not be read, kept as 0..0): OK when it is valid or no chain was presented. */
static altroot_err leaf_validity(const altroot_verdict *v)
{
    if (v->chain_length == 0)
        return ALTROOT_OK;
    if (v->leaf.not_before == 0 && v->leaf.not_after == 0)
        return ALTROOT_E_CERT_PARSE;
    if (v->at < v->leaf.not_before)
        return ALTROOT_E_CERT_NOT_YET_VALID;
    return v->at > v->leaf.not_after ? ALTROOT_E_CERT_EXPIRED : ALTROOT_OK;
}

/* Rule 7 for a leaf outside its validity: whatever else verified, nothing the certificate says
 * counts at this time (docs/decisions.md "The TLS leaf's validity"). Its failure is listed once,
 * under the leaf, unless a root already gave it. */
static altroot_err leaf_not_valid(altroot_verdict *v, altroot_err code, char *msg, size_t len)
{
    char from[ALTROOT_TIME_STR_LEN], until[ALTROOT_TIME_STR_LEN], at[ALTROOT_TIME_STR_LEN];
    altroot_time_format(v->leaf.not_before, from);
    altroot_time_format(v->leaf.not_after, until);
    altroot_time_format(v->at, at);
    set_rule(v, ALTROOT_DECISION_UNTRUSTED, 7);
    bool listed = altroot_failures_has(&v->failures, code); /* by a root judged on this leaf */
    if (!listed && code == ALTROOT_E_CERT_PARSE)
        TRY(altroot_failures_add(&v->failures, code, "tls-chain[0]", "%s",
                                 "the TLS certificate: validity cannot be read"));
    else if (!listed)
        TRY(altroot_failures_add(&v->failures, code, "tls-chain[0]",
                                 "the TLS certificate: valid from %s until %s, not at %s", from,
                                 until, at));
    if (v->cert_class == 5 || v->cert_class == 6)
        return message_by_class(v, msg, len);
    if (code == ALTROOT_E_CERT_NOT_YET_VALID)
        snprintf(msg, len,
                 "This device's certificate is not valid before %s (it is %s). Nothing it "
                 "presents counts yet.",
                 from, at);
    else if (code == ALTROOT_E_CERT_EXPIRED)
        snprintf(msg, len,
                 "This device's certificate expired on %s (it is %s). Nothing it presents counts "
                 "after that: the key of a retired certificate may be in other hands.",
                 until, at);
    else
        snprintf(msg, len, "This device's certificate has no readable validity period.");
    return ALTROOT_OK;
}

/* Rule 7 with no failure of its own says "nothing establishes trust", and why each root that
 * did not verify stood aside. */
static altroot_err explain_rule7(altroot_verdict *v)
{
    bool all_verified = v->root_count > 0;
    for (size_t i = 0; i < v->root_count; i++)
        all_verified = all_verified && v->roots[i].status == ALTROOT_ROOT_VERIFIED;
    if (v->rule == 7 && first_failed(v, false) == NULL && !all_verified) {
        TRY(altroot_failures_add(&v->failures, ALTROOT_E_NOT_TRUSTED, NULL, NULL));
        TRY(gather_failures(v, true));
    }
    return ALTROOT_OK;
}

/* Rule 3: an anchor you hold owns the device and binds the name; a pin for another device
 * yields to it, with a warning. */
static altroot_err rule3_owner_named(altroot_verdict *v, const altroot_root_result *owner,
                                     char *msg, size_t len)
{
    set_rule(v, ALTROOT_DECISION_TRUSTED, 3);
    if (v->name.pin != NULL && !v->name.pin_matched)
        TRY(altroot_strlist_addf(&v->warnings,
                                 "%s: the pin for this name names another device; an "
                                 "anchor you hold vouches for this one",
                                 v->name.pin));
    snprintf(msg, len, "Secure connection to %s, vouched for by %s (%s).",
             v->name.name != NULL ? v->name.name : "this device",
             owner->anchor != NULL ? owner->anchor : "an anchor you hold", owner->root);
    return ALTROOT_OK;
}

/* Rule 6: a genuine device, but nothing says it is yours. */
static void rule6_attested(altroot_verdict *v, const altroot_root_result *attest, char *msg,
                           size_t len)
{
    set_rule(v, ALTROOT_DECISION_ATTESTED, 6);
    char who[256];
    describe_facts(&attest->attested, who, sizeof who);
    snprintf(msg, len,
             key_hash_bound(v) ? "A genuine %s device (%s) at its key-hash name, but nothing "
                                 "proves it is yours. You can pin it."
                               : "A genuine %s device (%s), but nothing proves it is yours or "
                                 "the one you asked for. You can pin it.",
             root_label(attest->root), who);
}

/* Rule 7 when no earlier rule applied: a Web PKI chain checked against no name, ownership
 * without a bound name, or the class of the first failure. */
static altroot_err rule7_unbound(altroot_verdict *v, const altroot_root_result *webpki,
                                 const altroot_root_result *owner, char *msg, size_t len)
{
    set_rule(v, ALTROOT_DECISION_UNTRUSTED, 7);
    if (webpki != NULL && webpki->status == ALTROOT_ROOT_VERIFIED) {
        TRY(altroot_failures_add(&v->failures, ALTROOT_E_NAME_MISMATCH, "name",
                                 "no host name was checked against the certificate"));
        snprintf(msg, len,
                 "The certificate chains to the Web PKI, but no host name was checked against "
                 "it, so it proves nothing about this peer.");
    } else if (owner != NULL) {
        /* Ownership without a bound name: yours, but perhaps not the device at this name. */
        snprintf(msg, len,
                 "This device is enrolled under %s (%s), but nothing binds it to the name you "
                 "asked for.",
                 owner->anchor != NULL ? owner->anchor : "an anchor you hold",
                 root_label(owner->root));
    } else {
        TRY(message_by_class(v, msg, len));
    }
    return ALTROOT_OK;
}

altroot_err altroot_verdict_decide(altroot_verdict *v)
{
    ENSURE(v != NULL, ALTROOT_E_INTERNAL);
    char msg[768];
    TRY(gather_failures(v, false));
    const altroot_root_result *tampered = first_failed(v, true);
    const altroot_root_result *owner = owning_root(v);
    const altroot_root_result *named_owner = owner_of_name(v);
    const altroot_root_result *webpki = find_root(v, "webpki");
    const altroot_root_result *attest = attesting_root(v);
    /* Rule 2 yields to rule 3: ownership under an anchor you hold, with the name bound by it,
     * is stronger than a pin (docs/decisions.md). */
    bool pin_broken = v->name.pin != NULL && !v->name.pin_matched && named_owner == NULL;
    /* A key-hash name is itself a statement of which key lives at the name; unlike a pin, no
     * anchor outranks it (docs/decisions.md). */
    bool key_hash_broken = v->name.key_hash_name && !v->name.key_hash_matched;
    altroot_err leaf = leaf_validity(v);
    if (tampered != NULL) {
        set_rule(v, ALTROOT_DECISION_UNTRUSTED, 1);
        snprintf(msg, sizeof msg,
                 "This device's %s evidence failed verification (%s). It may be forged or "
                 "tampered with; do not continue.",
                 tampered->root, first_detail(tampered));
    } else if (leaf != ALTROOT_OK) {
        TRY(leaf_not_valid(v, leaf, msg, sizeof msg));
    } else if (key_hash_broken || pin_broken) {
        set_rule(v, ALTROOT_DECISION_UNTRUSTED, 2);
        TRY(name_names_another(v, key_hash_broken, attest != NULL, msg, sizeof msg));
    } else if (named_owner != NULL) {
        owner = named_owner;
        TRY(rule3_owner_named(v, owner, msg, sizeof msg));
    } else if (webpki != NULL && webpki->status == ALTROOT_ROOT_VERIFIED && v->name.bound) {
        /* The Web PKI vouches for names only: a chain checked against no name proves nothing
         * about the peer (a client that sends no SNI and names no host). */
        set_rule(v, ALTROOT_DECISION_TRUSTED, 4);
        snprintf(msg, sizeof msg, "Secure connection to %s (Web PKI).",
                 v->name.name != NULL ? v->name.name : "this site");
    } else if (attest != NULL && v->name.pin_matched) {
        set_rule(v, ALTROOT_DECISION_TRUSTED, 5);
        snprintf(msg, sizeof msg, "Secure connection to the device you pinned for %s.",
                 v->name.name != NULL ? v->name.name : "this name");
    } else if (attest != NULL) {
        rule6_attested(v, attest, msg, sizeof msg);
    } else {
        TRY(rule7_unbound(v, webpki, owner, msg, sizeof msg));
    }
    TRY(explain_rule7(v));
    return altroot_set_string(&v->message, msg);
}
