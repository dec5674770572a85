/*
 * A verdict in words for people: the trust panel and the error pages both read it through
 * these helpers, so they never disagree. Facts come from whichever root proved them, so the
 * alternative roots (Matter, FDO, 802.1AR, MUD) show up without change here.
 */
#include <string.h>

#include "browser.h"

/* The fact keys each root uses for maker and model, most telling first. A root's identifiers
 * (Matter's vendor and product ids, an 802.1AR hardware type) are shown with what they are. */
static const char *const maker_keys[] = {"maker",        "vendor",    "vendor_name",
                                         "manufacturer", "vendor_id", NULL};
static const char *const model_keys[] = {"model",      "product",       "product_name",
                                         "product_id", "hardware_type", NULL};

typedef struct fact_ref {
    const char *key;
    const char *value;
} fact_ref;

static fact_ref find_key(const altroot_facts *f, const char *const *keys)
{
    for (const char *const *k = keys; *k != NULL; k++)
        for (size_t i = 0; i < f->count; i++)
            if (strcmp(f->keys[i], *k) == 0 && f->values[i][0] != '\0')
                return (fact_ref){*k, f->values[i]};
    return (fact_ref){NULL, NULL};
}

static fact_ref find_fact(const altroot_verdict *v, bool owned, const char *const *keys)
{
    for (size_t i = 0; i < v->root_count; i++) {
        const altroot_root_result *r = &v->roots[i];
        if (r->status != ALTROOT_ROOT_VERIFIED || (owned ? !r->ownership : !r->attestation))
            continue;
        fact_ref f = find_key(owned ? &r->owned : &r->attested, keys);
        if (f.value != NULL)
            return f;
    }
    return (fact_ref){NULL, NULL};
}

const char *ab_describe_fact(const altroot_verdict *v, bool owned, const char *const *keys)
{
    return find_fact(v, owned, keys).value;
}

/* The value of attribute `type` (for example "O") in an RFC 2253 name, unescaped; or NULL. */
static char *dn_attribute(const char *dn, const char *type)
{
    size_t n = strlen(type);
    for (const char *p = dn; *p != '\0';) {
        bool match = strncmp(p, type, n) == 0 && p[n] == '=';
        const char *q = p + (match ? n + 1 : 0);
        GString *value = g_string_new(NULL);
        for (; *q != '\0' && *q != ','; q++) {
            if (*q == '\\' && q[1] != '\0')
                q++;
            g_string_append_c(value, *q);
        }
        if (match && value->len > 0)
            return g_string_free(value, FALSE);
        g_string_free(value, TRUE);
        p = *q == ',' ? q + 1 : q;
    }
    return NULL;
}

/* A fact as a person reads it: a distinguished name by its organisation (or common name), an
 * identifier with what it is. */
static char *readable(fact_ref f)
{
    if (f.value == NULL)
        return NULL;
    if (strcmp(f.key, "vendor_id") == 0)
        return g_strdup_printf("Matter vendor %s", f.value);
    if (strcmp(f.key, "product_id") == 0)
        return g_strdup_printf("product %s", f.value);
    if (strcmp(f.key, "hardware_type") == 0)
        return g_strdup_printf("hardware type %s", f.value);
    if (strchr(f.value, '=') != NULL) {
        char *name = dn_attribute(f.value, "O");
        if (name == NULL)
            name = dn_attribute(f.value, "CN");
        if (name != NULL)
            return name;
    }
    return g_strdup(f.value);
}

char *ab_describe_maker(const altroot_verdict *v)
{
    return readable(find_fact(v, false, maker_keys));
}

char *ab_describe_model(const altroot_verdict *v)
{
    return readable(find_fact(v, false, model_keys));
}

const altroot_root_result *ab_describe_owner_root(const altroot_verdict *v)
{
    for (size_t i = 0; i < v->root_count; i++)
        if (v->roots[i].status == ALTROOT_ROOT_VERIFIED && v->roots[i].ownership)
            return &v->roots[i];
    return NULL;
}

char *ab_describe_failure(const altroot_failure *f)
{
    const char *where = f->where != NULL ? f->where : "";
    const char *what = altroot_strerror(f->code);
    /* The detail often repeats the code's own message; say it once. */
    bool same = strcmp(f->detail, what) == 0;
    return g_strdup_printf("%s (%s)%s%s%s%s", what, altroot_error_name(f->code),
                           where[0] != '\0' ? " at " : "", where, same ? "" : ": ",
                           same ? "" : f->detail);
}
