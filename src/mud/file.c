/*
 * The MUD file: JSON encoding (RFC 7951) of the ietf-mud@2019-01-28 YANG module (RFC 8520
 * section 2.1) and the RFC 8519 access lists it points to. Checked with jansson; every failure
 * is collected.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include <altroot/alloc.h>
#include <altroot/mud.h>

#include "../core/guard.h"

#define TOP_MUD "ietf-mud:mud"
#define TOP_ACLS "ietf-access-control-list:acls"

typedef struct chk {
    altroot_mud_file *out;
    altroot_failures *failures;
    altroot_strlist *warnings;
} chk;

#define FAIL(k, code, ...) TRY(altroot_failures_add((k)->failures, (code), "mud", __VA_ARGS__))
#define WARN(k, ...) TRY(altroot_strlist_addf((k)->warnings, __VA_ARGS__))

void altroot_mud_file_clear(altroot_mud_file *f)
{
    if (f == NULL)
        return;
    char **strs[] = {&f->mud_url,      &f->mud_signature, &f->last_update,
                     &f->systeminfo,   &f->mfg_name,      &f->model_name,
                     &f->firmware_rev, &f->software_rev,  &f->documentation};
    for (size_t i = 0; i < ALTROOT_ARRAY_LEN(strs); i++)
        altroot_free(*strs[i]);
    altroot_strlist_clear(&f->extensions);
    memset(f, 0, sizeof *f);
}

/* An optional string leaf, copied. */
static altroot_err opt_string(chk *k, json_t *obj, const char *name, char **out)
{
    json_t *v = json_object_get(obj, name);
    if (v == NULL)
        return ALTROOT_OK;
    if (!json_is_string(v)) {
        FAIL(k, ALTROOT_E_MUD_SCHEMA, "%s is not a string", name);
        return ALTROOT_OK;
    }
    *out = altroot_strdup(json_string_value(v));
    ENSURE(*out != NULL, ALTROOT_E_NOMEM);
    return ALTROOT_OK;
}

/* mandatory mud-version (uint8, this spec 1), mud-url (inet:uri, https), last-update
 * (yang:date-and-time), is-supported (boolean). */
static altroot_err check_mandatory(chk *k, json_t *mud)
{
    json_t *ver = json_object_get(mud, "mud-version");
    if (!json_is_integer(ver))
        FAIL(k, ALTROOT_E_MUD_SCHEMA, "mud-version is missing or not an integer");
    else if (json_integer_value(ver) != 1)
        FAIL(k, ALTROOT_E_MUD_VERSION, "mud-version is %lld", (long long)json_integer_value(ver));
    if (!json_is_string(json_object_get(mud, "mud-url")))
        FAIL(k, ALTROOT_E_MUD_SCHEMA, "mud-url is missing or not a string");
    TRY(opt_string(k, mud, "mud-url", &k->out->mud_url));
    if (k->out->mud_url != NULL && !altroot_mud_url_valid(k->out->mud_url))
        FAIL(k, ALTROOT_E_MUD_URL_SCHEME, "mud-url is not an https URL");
    TRY(opt_string(k, mud, "last-update", &k->out->last_update));
    altroot_time t = 0;
    if (k->out->last_update == NULL || strchr(k->out->last_update, 'T') == NULL ||
        altroot_time_parse_rfc3339(k->out->last_update, &t) != ALTROOT_OK)
        FAIL(k, ALTROOT_E_MUD_SCHEMA, "last-update is missing or not an RFC 3339 date-time");
    json_t *sup = json_object_get(mud, "is-supported");
    if (!json_is_boolean(sup))
        FAIL(k, ALTROOT_E_MUD_SCHEMA, "is-supported is missing or not a boolean");
    k->out->is_supported = json_is_true(sup);
    return ALTROOT_OK;
}

/* cache-validity: uint8 range 1..168, default 48; extensions: leaf-list of string 1..40. */
static altroot_err check_optional(chk *k, json_t *mud)
{
    json_t *cv = json_object_get(mud, "cache-validity");
    k->out->cache_validity = 48;
    if (cv != NULL &&
        (!json_is_integer(cv) || json_integer_value(cv) < 1 || json_integer_value(cv) > 168))
        FAIL(k, ALTROOT_E_MUD_SCHEMA, "cache-validity is not an integer in 1..168");
    else if (cv != NULL)
        k->out->cache_validity = (int)json_integer_value(cv);
    json_t *ext = json_object_get(mud, "extensions");
    if (ext != NULL && !json_is_array(ext))
        FAIL(k, ALTROOT_E_MUD_SCHEMA, "extensions is not a list");
    size_t i;
    json_t *e;
    json_array_foreach(ext, i, e)
    {
        size_t n = json_is_string(e) ? strlen(json_string_value(e)) : 0;
        if (n < 1 || n > 40)
            FAIL(k, ALTROOT_E_MUD_SCHEMA, "extensions[%zu] is not a string of 1..40", i);
        else
            TRY(altroot_strlist_add(&k->out->extensions, json_string_value(e)));
    }
    TRY(opt_string(k, mud, "mud-signature", &k->out->mud_signature));
    if (k->out->mud_signature != NULL && !altroot_mud_url_valid(k->out->mud_signature))
        WARN(k, "mud: mud-signature \"%.100s\" is not an absolute https URL",
             k->out->mud_signature);
    return ALTROOT_OK;
}

static bool known_mud_leaf(const char *name)
{
    static const char *const leaves[] = {
        "mud-version",  "mud-url",       "last-update", "mud-signature",      "cache-validity",
        "is-supported", "systeminfo",    "mfg-name",    "model-name",         "firmware-rev",
        "software-rev", "documentation", "extensions",  "from-device-policy", "to-device-policy"};
    for (size_t i = 0; i < ALTROOT_ARRAY_LEN(leaves); i++)
        if (strcmp(name, leaves[i]) == 0)
            return true;
    return false;
}

/* Unknown members: a module-qualified one ("module:name") is an augmentation this verifier does
 * not understand and ignores (it grants nothing: MUD is deny by default); an unqualified one is
 * not part of ietf-mud and is an error. */
static altroot_err check_members(chk *k, json_t *mud)
{
    const char *key;
    json_t *v;
    json_object_foreach(mud, key, v)
    {
        if (known_mud_leaf(key))
            continue;
        if (strchr(key, ':') != NULL)
            WARN(k, "mud: augmentation \"%.80s\" is not understood and was ignored", key);
        else
            FAIL(k, ALTROOT_E_MUD_SCHEMA, "unknown member \"%.80s\" in ietf-mud:mud", key);
    }
    return ALTROOT_OK;
}

/* actions.forwarding is an identityref: accept, drop or reject (RFC 8519). */
static altroot_err check_ace(chk *k, json_t *ace, size_t a, size_t j)
{
    const char *fw =
        json_string_value(json_object_get(json_object_get(ace, "actions"), "forwarding"));
    static const char pre[] = "ietf-access-control-list:";
    if (fw != NULL && strncmp(fw, pre, sizeof pre - 1) == 0)
        fw += sizeof pre - 1;
    if (!json_is_object(ace) || !json_is_string(json_object_get(ace, "name")) ||
        !json_is_object(json_object_get(ace, "matches")) || fw == NULL ||
        (strcasecmp(fw, "accept") != 0 && strcasecmp(fw, "drop") != 0 &&
         strcasecmp(fw, "reject") != 0)) {
        FAIL(k, ALTROOT_E_MUD_SCHEMA,
             "acl[%zu].ace[%zu] lacks name, matches or a forwarding "
             "action of accept, drop or reject",
             a, j);
        return ALTROOT_OK;
    }
    if (strcmp(fw, "accept") != 0 && strcmp(fw, "drop") != 0 && strcmp(fw, "reject") != 0)
        WARN(k, "mud: acl[%zu].ace[%zu] forwarding \"%s\" is not lower case", a, j, fw);
    return ALTROOT_OK;
}

static altroot_err check_acls(chk *k, json_t *acls)
{
    json_t *list = json_object_get(acls, "acl");
    if (!json_is_object(acls) || !json_is_array(list)) {
        FAIL(k, ALTROOT_E_MUD_SCHEMA, "%s has no acl list", TOP_ACLS);
        return ALTROOT_OK;
    }
    size_t a;
    json_t *acl;
    json_array_foreach(list, a, acl)
    {
        json_t *aces = json_object_get(json_object_get(acl, "aces"), "ace");
        if (!json_is_string(json_object_get(acl, "name")) || !json_is_array(aces)) {
            FAIL(k, ALTROOT_E_MUD_SCHEMA, "acl[%zu] lacks a name or an ace list", a);
            continue;
        }
        size_t j;
        json_t *ace;
        json_array_foreach(aces, j, ace) TRY(check_ace(k, ace, a, j));
    }
    k->out->acl_count = json_array_size(list);
    return ALTROOT_OK;
}

static bool acl_defined(json_t *acls, const char *name)
{
    size_t i;
    json_t *acl;
    json_array_foreach(json_object_get(acls, "acl"), i, acl)
    {
        const char *n = json_string_value(json_object_get(acl, "name"));
        if (n != NULL && strcmp(n, name) == 0)
            return true;
    }
    return false;
}

/* from-/to-device-policy: access-lists/access-list[]/name, a leafref to /acls/acl/name. */
static altroot_err check_policy(chk *k, json_t *mud, json_t *acls, const char *which)
{
    json_t *pol = json_object_get(mud, which);
    if (pol == NULL)
        return ALTROOT_OK;
    json_t *list = json_object_get(json_object_get(pol, "access-lists"), "access-list");
    if (!json_is_array(list)) {
        FAIL(k, ALTROOT_E_MUD_SCHEMA, "%s has no access-lists/access-list", which);
        return ALTROOT_OK;
    }
    size_t i;
    json_t *ref;
    json_array_foreach(list, i, ref)
    {
        const char *name = json_string_value(json_object_get(ref, "name"));
        if (name == NULL || !acl_defined(acls, name))
            FAIL(k, ALTROOT_E_MUD_POLICY_REF,
                 "%s names access list \"%.80s\", which is not "
                 "defined",
                 which, name != NULL ? name : "");
    }
    return ALTROOT_OK;
}

static altroot_err check_top(chk *k, json_t *root, json_t **mud, json_t **acls)
{
    const char *key;
    json_t *v;
    json_object_foreach(root, key, v)
    {
        if (strcmp(key, TOP_MUD) != 0 && strcmp(key, TOP_ACLS) != 0)
            FAIL(k, ALTROOT_E_MUD_SCHEMA, "unknown top-level member \"%.80s\"", key);
    }
    *mud = json_object_get(root, TOP_MUD);
    *acls = json_object_get(root, TOP_ACLS);
    if (!json_is_object(*mud))
        FAIL(k, ALTROOT_E_MUD_SCHEMA, "no %s object", TOP_MUD);
    if (*acls != NULL)
        TRY(check_acls(k, *acls));
    return ALTROOT_OK;
}

static altroot_err check_mud(chk *k, json_t *mud, json_t *acls)
{
    TRY(check_mandatory(k, mud));
    TRY(check_optional(k, mud));
    TRY(check_members(k, mud));
    altroot_mud_file *o = k->out;
    TRY(opt_string(k, mud, "systeminfo", &o->systeminfo));
    TRY(opt_string(k, mud, "mfg-name", &o->mfg_name));
    TRY(opt_string(k, mud, "model-name", &o->model_name));
    TRY(opt_string(k, mud, "firmware-rev", &o->firmware_rev));
    TRY(opt_string(k, mud, "software-rev", &o->software_rev));
    TRY(opt_string(k, mud, "documentation", &o->documentation));
    TRY(check_policy(k, mud, acls, "from-device-policy"));
    return check_policy(k, mud, acls, "to-device-policy");
}

altroot_err altroot_mud_file_check(altroot_span bytes, altroot_mud_file *out,
                                   altroot_failures *failures, altroot_strlist *warnings)
{
    ENSURE(out != NULL && failures != NULL && warnings != NULL, ALTROOT_E_ARG);
    memset(out, 0, sizeof *out);
    chk k = {out, failures, warnings};
    if (bytes.len > ALTROOT_MUD_FILE_MAX) {
        FAIL(&k, ALTROOT_E_MUD_TOO_LARGE, "MUD file of %zu bytes exceeds %zu", bytes.len,
             ALTROOT_MUD_FILE_MAX);
        return ALTROOT_OK;
    }
    json_error_t jerr;
    /* RFC 8259 / RFC 7951: one object, no duplicate member names, no NUL characters. */
    json_t *root = bytes.len == 0 ? NULL
                                  : json_loadb((const char *)bytes.ptr, bytes.len,
                                               JSON_REJECT_DUPLICATES, &jerr);
    if (!json_is_object(root)) {
        json_decref(root);
        FAIL(&k, ALTROOT_E_MUD_JSON, "%s", bytes.len == 0 ? "empty" : "not one JSON object");
        return ALTROOT_OK;
    }
    json_t *mud = NULL, *acls = NULL;
    altroot_err err = check_top(&k, root, &mud, &acls);
    if (err == ALTROOT_OK && json_is_object(mud))
        err = check_mud(&k, mud, acls);
    json_decref(root);
    return err;
}
