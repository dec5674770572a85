/* The JSON report (docs/report-json.md). Field names are stable; new fields may be added. */
#include <jansson.h>

#include <altroot/verdict.h>

#include "../core/guard.h"

#define REPORT_VERSION 1

/* jansson's setters steal the value reference; a NULL value (allocation failure) makes them
 * fail, which `ok` records so the whole document fails as one. */
typedef struct jb {
    bool ok;
} jb;

static void put(jb *b, json_t *obj, const char *key, json_t *value)
{
    if (value == NULL || json_object_set_new(obj, key, value) != 0)
        b->ok = false;
}

static json_t *str_or_null(const char *s)
{
    return s != NULL ? json_string(s) : json_null();
}

static json_t *time_json(altroot_time t)
{
    char buf[ALTROOT_TIME_STR_LEN];
    altroot_time_format(t, buf);
    return json_string(buf);
}

static json_t *strlist_json(jb *b, const altroot_strlist *l)
{
    json_t *a = json_array();
    for (size_t i = 0; a != NULL && i < l->count; i++)
        if (json_array_append_new(a, json_string(l->items[i])) != 0)
            b->ok = false;
    return a;
}

static json_t *failures_json(jb *b, const altroot_failures *l)
{
    json_t *a = json_array();
    for (size_t i = 0; a != NULL && i < l->count; i++) {
        const altroot_failure *f = &l->items[i];
        json_t *o = json_object();
        if (o == NULL) {
            b->ok = false;
            continue;
        }
        put(b, o, "code", json_integer(f->code));
        put(b, o, "name", json_string(altroot_error_name(f->code)));
        put(b, o, "category", json_string(altroot_error_category(f->code)));
        put(b, o, "message", json_string(altroot_strerror(f->code)));
        put(b, o, "where", str_or_null(f->where));
        put(b, o, "detail", str_or_null(f->detail));
        if (json_array_append_new(a, o) != 0)
            b->ok = false;
    }
    return a;
}

static json_t *facts_json(jb *b, bool proved, const altroot_facts *f)
{
    if (!proved)
        return json_null();
    json_t *o = json_object();
    for (size_t i = 0; o != NULL && i < f->count; i++)
        put(b, o, f->keys[i], json_string(f->values[i]));
    return o;
}

static json_t *root_json(jb *b, const altroot_root_result *r)
{
    json_t *o = json_object();
    if (o == NULL)
        return NULL;
    put(b, o, "root", json_string(r->root));
    put(b, o, "mode", json_string(altroot_mode_name(r->mode)));
    put(b, o, "status", json_string(altroot_root_status_name(r->status)));
    put(b, o, "evidence", json_boolean(r->evidence));
    put(b, o, "attestation", facts_json(b, r->attestation, &r->attested));
    put(b, o, "ownership", facts_json(b, r->ownership, &r->owned));
    put(b, o, "anchor", str_or_null(r->anchor));
    put(b, o, "anchor_file", str_or_null(r->anchor_file));
    put(b, o, "identity", str_or_null(r->identity));
    put(b, o, "failures", failures_json(b, &r->failures));
    return o;
}

static json_t *leaf_json(jb *b, const altroot_peer_cert *c)
{
    json_t *o = json_object();
    if (o == NULL)
        return NULL;
    put(b, o, "subject", str_or_null(c->subject));
    put(b, o, "issuer", str_or_null(c->issuer));
    put(b, o, "key", str_or_null(c->key));
    put(b, o, "sha256", json_string(c->sha256));
    put(b, o, "spki_sha256", json_string(c->spki_sha256));
    put(b, o, "not_before", time_json(c->not_before));
    put(b, o, "not_after", time_json(c->not_after));
    put(b, o, "san", strlist_json(b, &c->sans));
    put(b, o, "self_signed", json_boolean(c->self_signed));
    return o;
}

static json_t *tls_json(jb *b, const altroot_verdict *v)
{
    json_t *o = json_object();
    if (o == NULL)
        return NULL;
    put(b, o, "established", json_boolean(v->tls));
    put(b, o, "address", str_or_null(v->address));
    put(b, o, "version", str_or_null(v->tls_version));
    put(b, o, "cipher", str_or_null(v->tls_cipher));
    put(b, o, "chain_length", json_integer((json_int_t)v->chain_length));
    put(b, o, "leaf", v->chain_length > 0 ? leaf_json(b, &v->leaf) : json_null());
    return o;
}

static json_t *class_json(jb *b, const altroot_verdict *v)
{
    json_t *o = json_object();
    if (o == NULL)
        return NULL;
    put(b, o, "class", v->cert_class >= 0 ? json_integer(v->cert_class) : json_null());
    put(b, o, "description", json_string(altroot_cert_class_description(v->cert_class)));
    put(b, o, "note", str_or_null(v->class_note));
    put(b, o, "lifted_to", v->lifted_class >= 0 ? json_integer(v->lifted_class) : json_null());
    return o;
}

static json_t *name_json(jb *b, const altroot_name_binding *n)
{
    json_t *o = json_object();
    if (o == NULL)
        return NULL;
    put(b, o, "bound", json_boolean(n->bound));
    put(b, o, "method", json_string(n->method != NULL ? n->method : "none"));
    put(b, o, "name", str_or_null(n->name));
    put(b, o, "by", str_or_null(n->by));
    json_t *pin = n->pin != NULL ? json_object() : json_null();
    if (n->pin != NULL && pin != NULL) {
        put(b, pin, "file", json_string(n->pin));
        put(b, pin, "identity", str_or_null(n->pinned_identity));
        put(b, pin, "matched", json_boolean(n->pin_matched));
    }
    put(b, o, "pin", pin);
    json_t *khn = n->key_hash_name ? json_object() : json_null();
    if (n->key_hash_name && khn != NULL) {
        put(b, khn, "algorithm", json_string("sha-256"));
        put(b, khn, "matched", json_boolean(n->key_hash_matched));
    }
    put(b, o, "key_hash_name", khn);
    return o;
}

static json_t *verdict_json(jb *b, const altroot_verdict *v)
{
    json_t *o = json_object();
    if (o == NULL)
        return NULL;
    put(b, o, "altroot_report", json_integer(REPORT_VERSION));
    put(b, o, "target", str_or_null(v->target));
    put(b, o, "at", time_json(v->at));
    put(b, o, "cached_from", v->cached_from != 0 ? time_json(v->cached_from) : json_null());
    put(b, o, "decision", json_string(altroot_decision_name(v->decision)));
    put(b, o, "rule", json_integer(v->rule));
    put(b, o, "message", str_or_null(v->message));
    put(b, o, "certificate_class", class_json(b, v));
    put(b, o, "tls", tls_json(b, v));
    put(b, o, "name_binding", name_json(b, &v->name));
    json_t *roots = json_array();
    for (size_t i = 0; roots != NULL && i < v->root_count; i++)
        if (json_array_append_new(roots, root_json(b, &v->roots[i])) != 0)
            b->ok = false;
    put(b, o, "roots", roots);
    put(b, o, "failures", failures_json(b, &v->failures));
    put(b, o, "warnings", strlist_json(b, &v->warnings));
    return o;
}

altroot_err altroot_verdict_print_json(const altroot_verdict *v, FILE *out)
{
    ENSURE(v != NULL && out != NULL, ALTROOT_E_INTERNAL);
    jb b = {true};
    json_t *doc = verdict_json(&b, v);
    altroot_err err = ALTROOT_OK;
    ENSURE_GOTO(doc != NULL && b.ok, ALTROOT_E_NOMEM);
    ENSURE_GOTO(json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) == 0, ALTROOT_E_IO);
    ENSURE_GOTO(fputc('\n', out) != EOF, ALTROOT_E_IO);
out:
    json_decref(doc);
    return err;
}
