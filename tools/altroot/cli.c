#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static int parse_timeout(const char *s, int *ms)
{
    char *end = NULL;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || !(v > 0 && v <= 3600))
        return -1;
    *ms = (int)(v * 1000);
    return 0;
}

int cli_common_option(cli_common *c, int argc, char **argv, int *i)
{
    const char *opt = argv[*i];
    bool takes_value = strcmp(opt, "--anchors") == 0 || strcmp(opt, "--at") == 0 ||
                       strcmp(opt, "--timeout") == 0 || strcmp(opt, "--webpki") == 0;
    if (strcmp(opt, "--json") == 0) {
        c->json = true;
        return 1;
    }
    if (!takes_value)
        return 0;
    if (*i + 1 >= argc) {
        fprintf(stderr, "altroot: %s needs a value\n", opt);
        return -1;
    }
    const char *val = argv[++*i];
    if (strcmp(opt, "--anchors") == 0) {
        c->anchors = val;
    } else if (strcmp(opt, "--webpki") == 0) {
        c->webpki = strcmp(val, "none") == 0 ? "" : val;
    } else if (strcmp(opt, "--at") == 0) {
        altroot_err err = altroot_time_parse_rfc3339(val, &c->at);
        if (err != ALTROOT_OK) {
            fprintf(stderr, "altroot: --at %s: not an RFC 3339 time (E_TIME_FORMAT)\n", val);
            return -1;
        }
        c->at_given = true;
    } else if (parse_timeout(val, &c->timeout_ms) != 0) {
        fprintf(stderr, "altroot: --timeout %s: expected seconds in (0, 3600]\n", val);
        return -1;
    }
    return 1;
}

void cli_error(const char *what, altroot_err err)
{
    fprintf(stderr, "altroot: %s: %s (%s)\n", what, altroot_strerror(err), altroot_error_name(err));
}

/* One line per problem: the file, what is wrong and how to fix it, the code. */
static void print_problems(const altroot_failures *p)
{
    for (size_t i = 0; i < p->count; i++)
        fprintf(stderr, "altroot: %s: %s (%s)\n", p->items[i].where, p->items[i].detail,
                altroot_error_name(p->items[i].code));
}

altroot_trust_store *cli_load_store(const cli_common *c)
{
    altroot_failures unsafe = {0};
    altroot_trust_options o = {c->anchors, c->webpki};
    altroot_trust_store *store = NULL;
    altroot_err err = altroot_trust_store_load_report(&o, &store, &unsafe);
    print_problems(&unsafe);
    altroot_failures_clear(&unsafe);
    if (err != ALTROOT_OK) {
        cli_error(c->anchors != NULL ? c->anchors : "trust store", err);
        return NULL;
    }
    const altroot_failures *p = altroot_trust_store_problems(store);
    print_problems(p);
    if (p->count > 0) {
        altroot_trust_store_free(store);
        return NULL;
    }
    return store;
}

int cli_exit_for(altroot_decision d)
{
    return d == ALTROOT_DECISION_TRUSTED ? EXIT_VERIFIED : EXIT_NOT_VERIFIED;
}

bool cli_read_input(const char *path, cli_input kind, altroot_bytes *out)
{
    static const size_t limits[] = {
        [CLI_IN_ARTEFACT] = (size_t)4 * 1024 * 1024,
        [CLI_IN_CERT] = ALTROOT_CERT_FILE_MAX,
        [CLI_IN_KEY] = (size_t)64 * 1024,
        [CLI_IN_CMS] = ALTROOT_CMS_MAX,
        [CLI_IN_VOUCHER] = (size_t)1024 * 1024,
        [CLI_IN_MUD] = ALTROOT_MUD_FILE_MAX,
        [CLI_IN_SECRET] = 4096,
    };
    altroot_err err = altroot_bytes_read_file(out, path, limits[kind]);
    if (err != ALTROOT_OK)
        cli_error(path, err);
    return err == ALTROOT_OK;
}

bool cli_read_file(const char *path, altroot_bytes *out)
{
    return cli_read_input(path, CLI_IN_ARTEFACT, out);
}

altroot_err cli_cert_der(altroot_span data, altroot_certs **list, altroot_span *der)
{
    altroot_err err = altroot_certs_new(list);
    if (err == ALTROOT_OK)
        err = altroot_certs_parse(*list, data);
    if (err == ALTROOT_OK)
        *der = altroot_cert_der(altroot_certs_get(*list, 0));
    return err == ALTROOT_E_NOMEM ? err : ALTROOT_OK;
}

static bool add_one(altroot_trust_store *store, altroot_anchor_kind kind, const char *path)
{
    altroot_bytes data = ALTROOT_BYTES_INIT;
    if (!cli_read_input(path, CLI_IN_CERT, &data))
        return false;
    altroot_err err = altroot_trust_store_add(store, kind, path, altroot_bytes_span(&data));
    altroot_bytes_clear(&data);
    if (err != ALTROOT_OK)
        cli_error(path, err);
    return err == ALTROOT_OK;
}

bool cli_add_anchors(altroot_trust_store *store, altroot_anchor_kind kind, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        cli_error(path, ALTROOT_E_NOT_FOUND);
        return false;
    }
    if (!S_ISDIR(st.st_mode))
        return add_one(store, kind, path);
    struct dirent **names = NULL;
    int n = scandir(path, &names, NULL, alphasort);
    if (n < 0) {
        cli_error(path, ALTROOT_E_IO);
        return false;
    }
    bool ok = true;
    for (int i = 0; i < n; i++) {
        char p[4096];
        if (names[i]->d_name[0] != '.' &&
            snprintf(p, sizeof p, "%s/%s", path, names[i]->d_name) < (int)sizeof p &&
            stat(p, &st) == 0 && S_ISREG(st.st_mode))
            ok = add_one(store, kind, p) && ok;
        free(names[i]);
    }
    free(names);
    return ok;
}

altroot_trust_store *cli_store_for_verify(const cli_common *c, const cli_anchor_path *extra,
                                          size_t n)
{
    cli_common sc = *c;
    if (sc.webpki == NULL)
        sc.webpki = ""; /* offline artefacts do not involve the Web PKI */
    altroot_trust_store *store = cli_load_store(&sc);
    for (size_t i = 0; store != NULL && i < n; i++)
        if (extra[i].path != NULL && !cli_add_anchors(store, extra[i].kind, extra[i].path)) {
            altroot_trust_store_free(store);
            store = NULL;
        }
    return store;
}

bool cli_parse_hex16(const char *s, uint16_t *out)
{
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        s += 2;
    size_t n = strlen(s);
    unsigned v = 0;
    if (n == 0 || n > 4)
        return false;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        int d = ch >= '0' && ch <= '9'   ? ch - '0'
                : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
                : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
                                         : -1;
        if (d < 0)
            return false;
        v = v * 16 + (unsigned)d;
    }
    *out = (uint16_t)v;
    return true;
}

int cli_report_artefact(const cli_common *c, altroot_verdict *v, const char *message)
{
    bool all = v->root_count > 0;
    for (size_t i = 0; i < v->root_count; i++)
        all = all && v->roots[i].status == ALTROOT_ROOT_VERIFIED;
    altroot_err err = altroot_verdict_decide(v);
    if (err == ALTROOT_OK && all && message != NULL) {
        /* An artefact that verified but gives no device decision (an anchor, a signer) is
         * rule 0; one that did decide keeps its rule and gets the more precise message. */
        if (v->decision == ALTROOT_DECISION_UNTRUSTED)
            v->rule = 0;
        err = altroot_set_string(&v->message, message);
    }
    if (err == ALTROOT_OK)
        err = c->json ? altroot_verdict_print_json(v, stdout) : altroot_verdict_print(v, stdout);
    if (err != ALTROOT_OK) {
        cli_error("report", err);
        return EXIT_USAGE;
    }
    return all ? EXIT_VERIFIED : EXIT_NOT_VERIFIED;
}

bool cli_mkdirs(const char *dir)
{
    char p[4096];
    if (snprintf(p, sizeof p, "%s", dir) >= (int)sizeof p)
        return false;
    for (char *s = p + 1; *s != '\0'; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0755) != 0 && errno != EEXIST)
            break;
        *s = '/';
    }
    if (mkdir(p, 0755) != 0 && errno != EEXIST) {
        cli_error(dir, ALTROOT_E_IO);
        return false;
    }
    return true;
}

bool cli_write(const char *dir, const char *name, const void *data, size_t len, bool secret)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, secret ? 0600 : 0644);
    bool ok = fd >= 0;
    const uint8_t *p = data;
    while (ok && len > 0) {
        ssize_t n = write(fd, p, len);
        ok = n > 0;
        p += ok ? n : 0;
        len -= ok ? (size_t)n : 0;
    }
    if (fd >= 0 && close(fd) != 0)
        ok = false;
    if (!ok)
        cli_error(path, ALTROOT_E_IO);
    return ok;
}

bool cli_write_cert(const char *dir, const char *name, altroot_cert *cert)
{
    altroot_certs *l = NULL;
    altroot_bytes pem = ALTROOT_BYTES_INIT;
    altroot_err err = altroot_certs_new(&l);
    if (err == ALTROOT_OK)
        err = altroot_certs_push(l, cert);
    if (err == ALTROOT_OK)
        err = altroot_certs_to_pem(l, &pem);
    bool ok = err == ALTROOT_OK && cli_write(dir, name, pem.ptr, pem.len, false);
    if (err != ALTROOT_OK)
        cli_error(name, err);
    altroot_bytes_clear(&pem);
    altroot_certs_free(l);
    return ok;
}

bool cli_write_key(const char *dir, const char *name, const altroot_key *key)
{
    altroot_bytes pem = ALTROOT_BYTES_INIT;
    altroot_err err = altroot_key_private_pem(key, &pem);
    bool ok = err == ALTROOT_OK && cli_write(dir, name, pem.ptr, pem.len, true);
    if (err != ALTROOT_OK)
        cli_error(name, err);
    altroot_bytes_clear(&pem); /* wiped */
    return ok;
}
