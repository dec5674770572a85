/*
 * A verdict in words for people: the trust panel and the error pages both read it through
 * these helpers, so they never disagree. Facts come from whichever root proved them, so the
 * alternative roots (Matter, FDO, 802.1AR, MUD) show up without change here.
 */
#include <string.h>

#include "browser.h"

static const char *const maker_keys[] = {"maker", "vendor", "vendor_name", "manufacturer", NULL};
static const char *const model_keys[] = {"model", "product", "product_name", "hardware_type", NULL};

static const char *find_key(const altroot_facts *f, const char *const *keys)
{
    for (const char *const *k = keys; *k != NULL; k++)
        for (size_t i = 0; i < f->count; i++)
            if (strcmp(f->keys[i], *k) == 0 && f->values[i][0] != '\0')
                return f->values[i];
    return NULL;
}

const char *ab_describe_fact(const altroot_verdict *v, bool owned, const char *const *keys)
{
    for (size_t i = 0; i < v->root_count; i++) {
        const altroot_root_result *r = &v->roots[i];
        if (r->status != ALTROOT_ROOT_VERIFIED || (owned ? !r->ownership : !r->attestation))
            continue;
        const char *value = find_key(owned ? &r->owned : &r->attested, keys);
        if (value != NULL)
            return value;
    }
    return NULL;
}

const char *ab_describe_maker(const altroot_verdict *v)
{
    return ab_describe_fact(v, false, maker_keys);
}

const char *ab_describe_model(const altroot_verdict *v)
{
    return ab_describe_fact(v, false, model_keys);
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
