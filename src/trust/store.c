#include <dirent.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <altroot/alloc.h>
#include <altroot/pin.h>
#include <altroot/trust.h>

#include "../core/guard.h"

/* Most files one kind directory may hold; more is a configuration error, not a workload. */
#define KIND_MAX_FILES 4096

typedef struct kind_set {
    altroot_certs *certs;
    altroot_strlist cert_files; /* parallel to certs */
    altroot_key **keys;
    size_t key_count;
} kind_set;

typedef struct pin_entry {
    altroot_pin pin;
    char *file;
} pin_entry;

struct altroot_trust_store {
    uint64_t generation;
    kind_set kinds[ALTROOT_ANCHOR_KIND_COUNT];
    pin_entry *pins;
    size_t pin_count;
    altroot_failures problems;
    altroot_strlist warnings;
};

static const char *const kind_names[] = {
#define KIND_NAME_(name, value, dir, desc) [value] = (dir),
    ALTROOT_ANCHOR_KIND_LIST(KIND_NAME_)
#undef KIND_NAME_
};

static const char *const kind_descs[] = {
#define KIND_DESC_(name, value, dir, desc) [value] = (desc),
    ALTROOT_ANCHOR_KIND_LIST(KIND_DESC_)
#undef KIND_DESC_
};

const char *altroot_anchor_kind_name(altroot_anchor_kind kind)
{
    return (unsigned)kind < ALTROOT_ANCHOR_KIND_COUNT ? kind_names[kind] : "unknown";
}

const char *altroot_anchor_kind_description(altroot_anchor_kind kind)
{
    return (unsigned)kind < ALTROOT_ANCHOR_KIND_COUNT ? kind_descs[kind] : "unknown";
}

static atomic_uint_fast64_t generations = 1;

static uint64_t next_generation(void)
{
    return (uint64_t)atomic_fetch_add(&generations, 1);
}

uint64_t altroot_trust_store_generation(const altroot_trust_store *store)
{
    return store != NULL ? store->generation : 0;
}

static bool kind_holds_keys(altroot_anchor_kind kind)
{
    return kind == ALTROOT_ANCHOR_FDO_MFR || kind == ALTROOT_ANCHOR_FDO_OWNER;
}

static bool is_unsafe(altroot_err code)
{
    return code == ALTROOT_E_STORE_WRITABLE || code == ALTROOT_E_STORE_OWNER ||
           code == ALTROOT_E_STORE_SYMLINK;
}

/* What anyone but the owner could change decides nothing: each unsafe entry is named with the
 * command that makes it safe. */
static altroot_err unsafe(altroot_trust_store *s, altroot_err code, const char *path)
{
    if (code == ALTROOT_E_STORE_WRITABLE)
        return altroot_failures_add(&s->problems, code, path,
                                    "writable by group or others, so another user could change "
                                    "what you trust; run: chmod go-w %s",
                                    path);
    if (code == ALTROOT_E_STORE_OWNER)
        return altroot_failures_add(&s->problems, code, path,
                                    "owned by another user, who could change what you trust; "
                                    "run: chown %u %s (or remove it)",
                                    (unsigned)geteuid(), path);
    return altroot_failures_add(&s->problems, code, path,
                                "a symbolic link; the trust store holds only its own files and "
                                "folders: replace it with a copy of what it points to");
}

static altroot_err problem(altroot_trust_store *s, altroot_err cause, const char *path)
{
    if (is_unsafe(cause))
        return unsafe(s, cause, path);
    return altroot_failures_add(&s->problems, ALTROOT_E_ANCHOR_FILE, path, "%s (%s)",
                                altroot_strerror(cause), altroot_error_name(cause));
}

/* Every file of the store: regular, not a link, yours or root's, writable by nobody else. */
static altroot_err read_store_file(altroot_bytes *data, const char *path, size_t max_len)
{
    altroot_file_rules rules = {.max_len = max_len, .no_follow = true, .owner_only = true};
    return altroot_file_read(data, path, &rules);
}

static altroot_err add_key(kind_set *ks, altroot_key *key)
{
    altroot_key **keys = altroot_realloc(ks->keys, (ks->key_count + 1) * sizeof(altroot_key *));
    if (keys == NULL) {
        altroot_key_free(key);
        return ALTROOT_E_NOMEM;
    }
    ks->keys = keys;
    ks->keys[ks->key_count++] = key;
    return ALTROOT_OK;
}

/* A local CA should be limited to the user's names and addresses. X.509 name constraints leave
 * every name type without a permitted subtree unconstrained, so a CA limited to DNS names can
 * still vouch for any IP address (and the reverse). */
static altroot_err warn_local_ca(altroot_trust_store *s, const altroot_cert *c, const char *path)
{
    if (!altroot_cert_has_name_constraints(c))
        return altroot_strlist_addf(&s->warnings,
                                    "%s: local-ca anchor has no name constraints: it can vouch "
                                    "for any name, like a Web PKI root",
                                    path);
    bool dns = false, ip = false;
    altroot_cert_name_constraint_kinds(c, &dns, &ip);
    if (dns && ip)
        return ALTROOT_OK;
    return altroot_strlist_addf(&s->warnings,
                                "%s: local-ca anchor's name constraints do not limit %s: it can "
                                "vouch for any %s",
                                path,
                                !dns && !ip ? "DNS names or IP addresses"
                                : dns       ? "IP addresses"
                                            : "DNS names",
                                !dns && !ip ? "name or address"
                                : dns       ? "address"
                                            : "name");
}

/* Certificates first; the key kinds also take bare public keys. */
altroot_err altroot_trust_store_add(altroot_trust_store *s, altroot_anchor_kind kind,
                                    const char *label, altroot_span data)
{
    ENSURE(s != NULL && label != NULL && (unsigned)kind < ALTROOT_ANCHOR_KIND_COUNT,
           ALTROOT_E_INTERNAL);
    ENSURE(kind != ALTROOT_ANCHOR_PINS, ALTROOT_E_UNSUPPORTED);
    kind_set *ks = &s->kinds[kind];
    s->generation = next_generation(); /* also on failure: it may have added some */
    size_t before = altroot_certs_count(ks->certs);
    altroot_err err = altroot_certs_parse(ks->certs, data);
    if (err != ALTROOT_OK && err != ALTROOT_E_NOMEM && kind_holds_keys(kind)) {
        altroot_key *key = NULL;
        altroot_err key_err = altroot_key_parse_public(data, &key);
        if (key_err == ALTROOT_OK)
            err = add_key(ks, key);
        else if (key_err == ALTROOT_E_NOMEM)
            err = key_err;
    }
    TRY(err);
    for (size_t i = before; i < altroot_certs_count(ks->certs) && err == ALTROOT_OK; i++) {
        err = altroot_strlist_add(&ks->cert_files, label);
        if (err == ALTROOT_OK && kind == ALTROOT_ANCHOR_LOCAL_CA)
            err = warn_local_ca(s, altroot_certs_get(ks->certs, i), label);
    }
    return err;
}

static altroot_err load_file(altroot_trust_store *s, altroot_anchor_kind kind, const char *path)
{
    altroot_bytes data = ALTROOT_BYTES_INIT;
    altroot_err err = read_store_file(&data, path, ALTROOT_CERT_FILE_MAX);
    if (err == ALTROOT_OK)
        err = altroot_trust_store_add(s, kind, path, altroot_bytes_span(&data));
    altroot_bytes_clear(&data);
    if (err == ALTROOT_E_NOMEM)
        return err;
    return err == ALTROOT_OK ? ALTROOT_OK : problem(s, err, path);
}

/* One pin per file; two files pinning one name would make the pin ambiguous: both are named. */
static altroot_err load_pin(altroot_trust_store *s, const char *path)
{
    altroot_bytes data = ALTROOT_BYTES_INIT;
    altroot_pin pin;
    char detail[256] = "";
    altroot_err err = read_store_file(&data, path, ALTROOT_PIN_FILE_MAX);
    if (err == ALTROOT_OK)
        err = altroot_pin_parse(altroot_bytes_span(&data), &pin, detail, sizeof detail);
    altroot_bytes_clear(&data);
    if (err == ALTROOT_E_NOMEM)
        return err;
    if (is_unsafe(err))
        return unsafe(s, err, path);
    if (err != ALTROOT_OK)
        return altroot_failures_add(&s->problems, ALTROOT_E_ANCHOR_FILE, path, "%s (%s)",
                                    detail[0] != '\0' ? detail : altroot_strerror(err),
                                    altroot_error_name(err));
    for (size_t i = 0; i < s->pin_count; i++)
        if (strcmp(s->pins[i].pin.name, pin.name) == 0) {
            err = altroot_failures_add(&s->problems, ALTROOT_E_ANCHOR_FILE, path,
                                       "a second pin for %s (the first is %s) (E_PIN_FILE)",
                                       pin.name, s->pins[i].file);
            altroot_pin_clear(&pin);
            return err;
        }
    pin_entry *pins = altroot_realloc(s->pins, (s->pin_count + 1) * sizeof *pins);
    char *file = pins != NULL ? altroot_strdup(path) : NULL;
    if (pins != NULL)
        s->pins = pins;
    if (file == NULL) {
        altroot_pin_clear(&pin);
        return ALTROOT_E_NOMEM;
    }
    s->pins[s->pin_count++] = (pin_entry){pin, file};
    return ALTROOT_OK;
}

const altroot_pin *altroot_trust_store_pin(const altroot_trust_store *store, const char *host,
                                           const char **file)
{
    char name[ALTROOT_PIN_NAME_MAX + 1];
    if (store == NULL || host == NULL || altroot_pin_name(host, name, sizeof name) != ALTROOT_OK)
        return NULL;
    for (size_t i = 0; i < store->pin_count; i++)
        if (strcmp(store->pins[i].pin.name, name) == 0) {
            if (file != NULL)
                *file = store->pins[i].file;
            return &store->pins[i].pin;
        }
    return NULL;
}

static int kind_from_dir(const char *name)
{
    for (int k = 0; k < ALTROOT_ANCHOR_KIND_COUNT; k++)
        if (strcmp(name, kind_names[k]) == 0)
            return k;
    return -1;
}

static int visible(const struct dirent *d)
{
    return d->d_name[0] != '.';
}

static altroot_err load_kind_dir(altroot_trust_store *s, altroot_anchor_kind kind, const char *dir)
{
    struct dirent **names = NULL;
    int n = scandir(dir, &names, visible, alphasort);
    if (n < 0)
        return problem(s, ALTROOT_E_IO, dir);
    altroot_err err = ALTROOT_OK;
    if (n > KIND_MAX_FILES)
        err = problem(s, ALTROOT_E_TOO_LARGE, dir);
    for (int i = 0; i < n && i < KIND_MAX_FILES && err == ALTROOT_OK; i++) {
        char path[4096];
        int len = snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
        /* The reader refuses what is not a regular file (a FIFO would block the load). */
        if (len < 0 || (size_t)len >= sizeof path)
            err = problem(s, ALTROOT_E_TOO_LARGE, dir);
        else if (kind == ALTROOT_ANCHOR_PINS)
            err = load_pin(s, path);
        else if (kind == ALTROOT_ANCHOR_WEBPKI)
            /* The Web PKI comes from its bundle, not a folder. */
            err = problem(s, ALTROOT_E_UNSUPPORTED, path);
        else
            err = load_file(s, kind, path);
    }
    for (int i = 0; i < n; i++)
        free(names[i]); /* allocated by scandir with the C library */
    free(names);
    return err;
}

/* A kind folder: a real folder (not a link to one), yours or root's, writable by nobody else. */
/* One entry of the store folder: a kind folder that is a real folder (not a link to one), yours
 * or root's and writable by nobody else; anything else is named. */
static altroot_err load_entry(altroot_trust_store *s, const char *dir, const char *name)
{
    char path[4096];
    int len = snprintf(path, sizeof path, "%s/%s", dir, name);
    if (len < 0 || (size_t)len >= sizeof path)
        return problem(s, ALTROOT_E_TOO_LARGE, dir);
    int kind = kind_from_dir(name);
    altroot_file_rules rules = {.no_follow = true, .owner_only = true};
    altroot_err err = altroot_path_check(path, true, &rules);
    if (is_unsafe(err))
        return unsafe(s, err, path);
    if (kind < 0 || err != ALTROOT_OK)
        /* A misspelt kind would silently drop anchors: name it instead. */
        return altroot_failures_add(&s->problems, ALTROOT_E_ANCHOR_FILE, path,
                                    "not an anchor kind directory (expected one of "
                                    "matter-paa, matter-cd, matter-fabric, fdo-mfr, "
                                    "fdo-owner, devid-ca, ldevid-ca, mud-signer, local-ca, "
                                    "pins)");
    return load_kind_dir(s, (altroot_anchor_kind)kind, path);
}

static altroot_err load_dir(altroot_trust_store *s, const char *dir)
{
    /* The folder named may be a link (the user chose that path); what it leads to is checked. */
    altroot_file_rules rules = {.owner_only = true};
    altroot_err root = altroot_path_check(dir, true, &rules);
    if (is_unsafe(root))
        return unsafe(s, root, dir);
    ENSURE(root != ALTROOT_E_NOT_REGULAR, ALTROOT_E_IO);
    TRY(root);
    struct dirent **names = NULL;
    int n = scandir(dir, &names, visible, alphasort);
    ENSURE(n >= 0, ALTROOT_E_IO);
    altroot_err err = ALTROOT_OK;
    for (int i = 0; i < n && err == ALTROOT_OK; i++)
        err = load_entry(s, dir, names[i]->d_name);
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return err;
}

static altroot_err load_webpki(altroot_trust_store *s, const char *bundle)
{
    if (bundle != NULL && bundle[0] == '\0')
        return ALTROOT_OK;
    const char *path = bundle != NULL ? bundle : ALTROOT_WEBPKI_DEFAULT_BUNDLE;
    kind_set *ks = &s->kinds[ALTROOT_ANCHOR_WEBPKI];
    size_t before = altroot_certs_count(ks->certs);
    altroot_err err = altroot_certs_load_file(ks->certs, path);
    if (err == ALTROOT_E_NOMEM)
        return err;
    if (err == ALTROOT_E_NOT_FOUND && bundle == NULL)
        return altroot_strlist_addf(&s->warnings, "%s: no system Web PKI bundle", path);
    if (err != ALTROOT_OK)
        return problem(s, err, path);
    for (size_t i = before; i < altroot_certs_count(ks->certs); i++)
        TRY(altroot_strlist_add(&ks->cert_files, path));
    return ALTROOT_OK;
}

/* Fail closed: a store with any unsafe entry is not returned at all. Leaving out only the unsafe
 * entries would drop the user's pins with them, which lowers the bar (rule 2 no longer applies). */
static altroot_err fail_if_unsafe(const altroot_trust_store *s, altroot_failures *report)
{
    altroot_err first = ALTROOT_OK;
    for (size_t i = 0; i < s->problems.count && first == ALTROOT_OK; i++)
        if (is_unsafe(s->problems.items[i].code))
            first = s->problems.items[i].code;
    if (first != ALTROOT_OK && report != NULL)
        TRY(altroot_failures_extend(report, &s->problems, NULL));
    return first;
}

altroot_err altroot_trust_store_load(const altroot_trust_options *options,
                                     altroot_trust_store **out)
{
    return altroot_trust_store_load_report(options, out, NULL);
}

altroot_err altroot_trust_store_load_report(const altroot_trust_options *options,
                                            altroot_trust_store **out, altroot_failures *problems)
{
    ENSURE(options != NULL && out != NULL, ALTROOT_E_INTERNAL);
    altroot_trust_store *s = altroot_calloc(1, sizeof *s);
    ENSURE(s != NULL, ALTROOT_E_NOMEM);
    s->generation = next_generation();
    altroot_err err = ALTROOT_OK;
    for (int k = 0; k < ALTROOT_ANCHOR_KIND_COUNT; k++)
        TRY_GOTO(altroot_certs_new(&s->kinds[k].certs));
    if (options->dir != NULL)
        TRY_GOTO(load_dir(s, options->dir));
    TRY_GOTO(load_webpki(s, options->webpki_bundle));
    TRY_GOTO(fail_if_unsafe(s, problems));
    *out = s;
    return ALTROOT_OK;
out:
    altroot_trust_store_free(s);
    return err;
}

void altroot_trust_store_free(altroot_trust_store *store)
{
    if (store == NULL)
        return;
    for (int k = 0; k < ALTROOT_ANCHOR_KIND_COUNT; k++) {
        kind_set *ks = &store->kinds[k];
        altroot_certs_free(ks->certs);
        altroot_strlist_clear(&ks->cert_files);
        for (size_t i = 0; i < ks->key_count; i++)
            altroot_key_free(ks->keys[i]);
        altroot_free(ks->keys);
    }
    for (size_t i = 0; i < store->pin_count; i++) {
        altroot_pin_clear(&store->pins[i].pin);
        altroot_free(store->pins[i].file);
    }
    altroot_free(store->pins);
    altroot_failures_clear(&store->problems);
    altroot_strlist_clear(&store->warnings);
    altroot_free(store);
}

const altroot_certs *altroot_trust_store_certs(const altroot_trust_store *store,
                                               altroot_anchor_kind kind)
{
    return store->kinds[(unsigned)kind < ALTROOT_ANCHOR_KIND_COUNT ? kind : 0].certs;
}

const char *altroot_trust_store_cert_file(const altroot_trust_store *store,
                                          altroot_anchor_kind kind, size_t i)
{
    if ((unsigned)kind >= ALTROOT_ANCHOR_KIND_COUNT || i >= store->kinds[kind].cert_files.count)
        return NULL;
    return store->kinds[kind].cert_files.items[i];
}

size_t altroot_trust_store_key_count(const altroot_trust_store *store, altroot_anchor_kind kind)
{
    return (unsigned)kind < ALTROOT_ANCHOR_KIND_COUNT ? store->kinds[kind].key_count : 0;
}

const altroot_key *altroot_trust_store_key(const altroot_trust_store *store,
                                           altroot_anchor_kind kind, size_t i)
{
    if ((unsigned)kind >= ALTROOT_ANCHOR_KIND_COUNT || i >= store->kinds[kind].key_count)
        return NULL;
    return store->kinds[kind].keys[i];
}

const altroot_failures *altroot_trust_store_problems(const altroot_trust_store *store)
{
    return &store->problems;
}

const altroot_strlist *altroot_trust_store_warnings(const altroot_trust_store *store)
{
    return &store->warnings;
}
