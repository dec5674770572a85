#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <altroot/alloc.h>
#include <altroot/list.h>

#include "guard.h"

/* Longest detail line kept; longer ones are cut (details are for people, not parsers). */
#define DETAIL_MAX 512

__attribute__((format(printf, 1, 0))) static char *vformat(const char *fmt, va_list ap)
{
    char tmp[DETAIL_MAX];
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    if (n < 0)
        tmp[0] = '\0';
    /* Keep details to one printable line. */
    for (char *p = tmp; *p != '\0'; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = ' ';
    return altroot_strdup(tmp);
}

altroot_err altroot_strlist_add(altroot_strlist *l, const char *s)
{
    ENSURE(l != NULL && s != NULL, ALTROOT_E_INTERNAL);
    char *copy = altroot_strdup(s);
    ENSURE(copy != NULL, ALTROOT_E_NOMEM);
    char **items = altroot_realloc(l->items, (l->count + 1) * sizeof *items);
    if (items == NULL) {
        altroot_free(copy);
        return ALTROOT_E_NOMEM;
    }
    items[l->count++] = copy;
    l->items = items;
    return ALTROOT_OK;
}

altroot_err altroot_strlist_addf(altroot_strlist *l, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = vformat(fmt, ap);
    va_end(ap);
    ENSURE(s != NULL, ALTROOT_E_NOMEM);
    altroot_err err = altroot_strlist_add(l, s);
    altroot_free(s);
    return err;
}

void altroot_strlist_clear(altroot_strlist *l)
{
    if (l == NULL)
        return;
    for (size_t i = 0; i < l->count; i++)
        altroot_free(l->items[i]);
    altroot_free(l->items);
    l->items = NULL;
    l->count = 0;
}

static int str_eq(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    return strcmp(a, b) == 0;
}

static altroot_err failures_push(altroot_failures *l, altroot_err code, const char *where,
                                 char *detail /* consumed */)
{
    for (size_t i = 0; i < l->count; i++) {
        if (l->items[i].code == code && str_eq(l->items[i].where, where) &&
            str_eq(l->items[i].detail, detail)) {
            altroot_free(detail);
            return ALTROOT_OK;
        }
    }
    char *w = NULL;
    if (where != NULL && (w = altroot_strdup(where)) == NULL) {
        altroot_free(detail);
        return ALTROOT_E_NOMEM;
    }
    altroot_failure *items = altroot_realloc(l->items, (l->count + 1) * sizeof *items);
    if (items == NULL) {
        altroot_free(w);
        altroot_free(detail);
        return ALTROOT_E_NOMEM;
    }
    items[l->count++] = (altroot_failure){code, w, detail};
    l->items = items;
    return ALTROOT_OK;
}

altroot_err altroot_failures_add(altroot_failures *l, altroot_err code, const char *where,
                                 const char *detail_fmt, ...)
{
    ENSURE(l != NULL, ALTROOT_E_INTERNAL);
    char *detail;
    if (detail_fmt == NULL) {
        detail = altroot_strdup(altroot_strerror(code));
    } else {
        va_list ap;
        va_start(ap, detail_fmt);
        detail = vformat(detail_fmt, ap);
        va_end(ap);
    }
    ENSURE(detail != NULL, ALTROOT_E_NOMEM);
    return failures_push(l, code, where, detail);
}

altroot_err altroot_failures_extend(altroot_failures *dst, const altroot_failures *src,
                                    const char *prefix)
{
    ENSURE(dst != NULL && src != NULL, ALTROOT_E_INTERNAL);
    for (size_t i = 0; i < src->count; i++) {
        const altroot_failure *f = &src->items[i];
        char where[DETAIL_MAX];
        const char *w = f->where;
        if (prefix != NULL) {
            snprintf(where, sizeof where, "%s%s%s", prefix, f->where ? ": " : "",
                     f->where ? f->where : "");
            w = where;
        }
        TRY(altroot_failures_add(dst, f->code, w, "%s", f->detail));
    }
    return ALTROOT_OK;
}

int altroot_failures_has(const altroot_failures *l, altroot_err code)
{
    for (size_t i = 0; l != NULL && i < l->count; i++)
        if (l->items[i].code == code)
            return 1;
    return 0;
}

void altroot_failures_clear(altroot_failures *l)
{
    if (l == NULL)
        return;
    for (size_t i = 0; i < l->count; i++) {
        altroot_free(l->items[i].where);
        altroot_free(l->items[i].detail);
    }
    altroot_free(l->items);
    l->items = NULL;
    l->count = 0;
}
