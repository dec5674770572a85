/* Minting signed MUD files for test PKIs, with faults to inject. */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include <altroot/alloc.h>
#include <altroot/cms.h>
#include <altroot/mud.h>

#include "../core/guard.h"

static const struct {
    altroot_mud_fault f;
    const char *name;
} FAULTS[] = {
    {ALTROOT_MUD_FAULT_NONE, "none"},
    {ALTROOT_MUD_FAULT_TAMPER, "tamper"},
    {ALTROOT_MUD_FAULT_HTTP_URL, "http-url"},
    {ALTROOT_MUD_FAULT_VERSION, "version"},
    {ALTROOT_MUD_FAULT_NO_SUPPORTED, "no-is-supported"},
    {ALTROOT_MUD_FAULT_BAD_POLICY, "bad-policy"},
};

const char *altroot_mud_fault_name(altroot_mud_fault f)
{
    for (size_t i = 0; i < ALTROOT_ARRAY_LEN(FAULTS); i++)
        if (FAULTS[i].f == f)
            return FAULTS[i].name;
    return NULL;
}

altroot_err altroot_mud_fault_parse(const char *name, altroot_mud_fault *out)
{
    ENSURE(name != NULL && out != NULL, ALTROOT_E_ARG);
    for (size_t i = 0; i < ALTROOT_ARRAY_LEN(FAULTS); i++) {
        if (strcmp(FAULTS[i].name, name) == 0) {
            *out = FAULTS[i].f;
            return ALTROOT_OK;
        }
    }
    return ALTROOT_E_ARG;
}

/* jansson setters steal the reference and fail on NULL; count failures instead of checking
 * each call. */
static void put(json_t *obj, const char *key, json_t *v, int *bad)
{
    if (v == NULL || json_object_set_new(obj, key, v) != 0)
        (*bad)++;
}

static void put_str(json_t *obj, const char *key, const char *v, int *bad)
{
    if (v != NULL)
        put(obj, key, json_string(v), bad);
}

static json_t *policy(const char *acl, int *bad)
{
    json_t *list = json_array(), *ref = json_object(), *lists = json_object(), *pol = json_object();
    put_str(ref, "name", acl, bad);
    if (list == NULL || json_array_append_new(list, ref) != 0)
        (*bad)++;
    put(lists, "access-list", list, bad);
    put(pol, "access-lists", lists, bad);
    return pol;
}

/* One ACL that lets the device reach its manufacturer's host over https. */
static json_t *acls(const char *name, int *bad)
{
    json_t *acl = json_object(), *aces = json_object(), *ace_list = json_array(),
           *ace = json_object(), *matches = json_object(), *ipv4 = json_object(),
           *actions = json_object(), *list = json_array(), *root = json_object();
    put_str(ipv4, "ietf-acldns:dst-dnsname", "update.example.com", bad);
    put(ipv4, "protocol", json_integer(6), bad);
    put(matches, "ipv4", ipv4, bad);
    put_str(actions, "forwarding", "accept", bad);
    put_str(ace, "name", "cl0-frdev", bad);
    put(ace, "matches", matches, bad);
    put(ace, "actions", actions, bad);
    if (ace_list == NULL || json_array_append_new(ace_list, ace) != 0)
        (*bad)++;
    put(aces, "ace", ace_list, bad);
    put_str(acl, "name", name, bad);
    put_str(acl, "type", "ipv4-acl-type", bad);
    put(acl, "aces", aces, bad);
    if (list == NULL || json_array_append_new(list, acl) != 0)
        (*bad)++;
    put(root, "acl", list, bad);
    return root;
}

static json_t *build(const altroot_mud_mint_params *p, const char *url, int *bad)
{
    json_t *mud = json_object(), *root = json_object();
    char when[ALTROOT_TIME_STR_LEN];
    altroot_time_format(p->last_update, when);
    put(mud, "mud-version", json_integer(p->fault == ALTROOT_MUD_FAULT_VERSION ? 2 : 1), bad);
    put_str(mud, "mud-url", url, bad);
    put_str(mud, "last-update", when, bad);
    put(mud, "cache-validity", json_integer(48), bad);
    if (p->fault != ALTROOT_MUD_FAULT_NO_SUPPORTED)
        put(mud, "is-supported", json_true(), bad);
    put_str(mud, "systeminfo", p->systeminfo, bad);
    put_str(mud, "mfg-name", p->mfg_name, bad);
    put_str(mud, "model-name", p->model_name, bad);
    put_str(mud, "firmware-rev", p->firmware_rev, bad);
    put_str(mud, "software-rev", p->software_rev, bad);
    put_str(mud, "documentation", p->documentation, bad);
    put(mud, "from-device-policy",
        policy(p->fault == ALTROOT_MUD_FAULT_BAD_POLICY ? "mud-undefined" : "mud-frdev", bad), bad);
    put(root, "ietf-mud:mud", mud, bad);
    put(root, "ietf-access-control-list:acls", acls("mud-frdev", bad), bad);
    return root;
}

static altroot_err render(const altroot_mud_mint_params *p, altroot_bytes *file)
{
    int bad = 0;
    char url[ALTROOT_MUD_URL_MAX + 8];
    const char *u = p->mud_url;
    if (p->fault == ALTROOT_MUD_FAULT_HTTP_URL && strncmp(u, "https://", 8) == 0) {
        ENSURE(strlen(u) < sizeof url - 1, ALTROOT_E_ARG);
        snprintf(url, sizeof url, "http://%s", u + 8); /* fits: checked above */
        u = url;
    }
    json_t *root = build(p, u, &bad);
    char *text = bad == 0 ? json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    json_decref(root);
    ENSURE(text != NULL, ALTROOT_E_NOMEM);
    altroot_err err = altroot_bytes_append(file, text, strlen(text));
    if (err == ALTROOT_OK)
        err = altroot_bytes_append_u8(file, '\n');
    free(text);
    return err;
}

/* Tamper after signing: the first "48" from `start` on (the cache-validity) becomes "49". */
static void tamper(altroot_bytes *file, size_t start)
{
    for (size_t i = start; i + 2 < file->len; i++) {
        if (file->ptr[i] == '4' && file->ptr[i + 1] == '8') {
            file->ptr[i + 1] = '9';
            return;
        }
    }
}

altroot_err altroot_mud_mint(const altroot_mud_mint_params *p, altroot_bytes *file,
                             altroot_bytes *signature)
{
    ENSURE(p != NULL && file != NULL && signature != NULL && p->mud_url != NULL, ALTROOT_E_ARG);
    ENSURE(strlen(p->mud_url) <= ALTROOT_MUD_URL_MAX, ALTROOT_E_ARG);
    size_t start = file->len;
    TRY(render(p, file));
    altroot_cms_sign_params sp = {.content = {file->ptr + start, file->len - start},
                                  .detached = true,
                                  .content_type = NULL,
                                  .signer = p->signer,
                                  .key = p->key,
                                  .chain = p->chain};
    TRY(altroot_cms_sign(&sp, signature));
    if (p->fault == ALTROOT_MUD_FAULT_TAMPER)
        tamper(file, start);
    return ALTROOT_OK;
}
