/* altroot gateway init|allow: create the gateway's local CA, let a device name in. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd_gateway.h"
#include "gateway.h"
#include "issue.h"

static void usage(FILE *out)
{
    fprintf(
        out,
        "usage: altroot gateway init --dir DIR [--zone ZONE] [--allow-local] [--allow-ip CIDR]\n"
        "       altroot gateway allow --dir DIR NAME\n"
        "init   creates DIR (0700): a root CA whose name constraints permit only ZONE\n"
        "       (default <64-bit random hex>.home.arpa), .local with --allow-local, and the\n"
        "       IP ranges given by --allow-ip (repeatable, at most 8; otherwise no address),\n"
        "       an issuing CA, both keys 0600, and the state database; prints the root's\n"
        "       SHA-256 fingerprint and the commands that install it.\n"
        "allow  creates an external account binding key for device NAME (a label, or a\n"
        "       name inside the zone) and prints its key id and HMAC key.\n"
        "Exit 0 on success, 2 on unusable input (the message names the code).\n");
}

static void print_fingerprint(const uint8_t sha[32])
{
    for (size_t i = 0; i < 32; i++)
        printf("%02X%s", sha[i], i + 1 < 32 ? ":" : "\n");
}

/* The root's DER as standard base64, for the Chromium policy. */
static bool root_b64(const char *root_path, altroot_bytes *out)
{
    altroot_certs *certs = NULL;
    altroot_err err = altroot_certs_new(&certs);
    if (err == ALTROOT_OK)
        err = altroot_certs_load_file(certs, root_path);
    if (err == ALTROOT_OK && altroot_certs_count(certs) != 1)
        err = ALTROOT_E_CERT_PARSE;
    if (err == ALTROOT_OK)
        err = altroot_gw_b64(altroot_cert_der(altroot_certs_get(certs, 0)), false, out);
    altroot_certs_free(certs);
    if (err != ALTROOT_OK)
        cli_error(root_path, err);
    return err == ALTROOT_OK;
}

static int print_install(const char *dir, const altroot_gw_info *info)
{
    char abs[PATH_MAX], root[PATH_MAX + 16];
    if (realpath(dir, abs) == NULL) {
        cli_error(dir, ALTROOT_E_IO);
        return EXIT_USAGE;
    }
    snprintf(root, sizeof root, "%s/%s", abs, ALTROOT_GW_ROOT_CERT);
    altroot_bytes b64 = ALTROOT_BYTES_INIT;
    if (!root_b64(root, &b64))
        return EXIT_USAGE;
    const char *z = info->zone;
    printf("gateway: %s\nzone: %s\nroot: %s\nroot SHA-256: ", abs, z, root);
    print_fingerprint(info->root_sha256);
    printf("\nCompare the fingerprint on each machine before trusting the root. Install it:\n\n");
    printf("# Chromium (NSS database of the user)\n"
           "mkdir -p \"$HOME/.local/share/pki/nssdb\"\n"
           "certutil -d \"sql:$HOME/.local/share/pki/nssdb\" -A -t \"C,,\" "
           "-n \"altroot gateway %s\" -i \"%s\"\n\n",
           z, root);
    printf("# Firefox (each profile; PROFILE is the profile directory)\n"
           "certutil -d \"sql:PROFILE\" -A -t \"C,,\" -n \"altroot gateway %s\" -i \"%s\"\n\n",
           z, root);
    printf("# Debian system store (OpenSSL, curl, wget; not Chromium or Firefox)\n"
           "cp \"%s\" /usr/local/share/ca-certificates/altroot-gateway-%s.crt\n"
           "update-ca-certificates\n\n",
           root, z);
    printf("# Chromium enterprise policy: /etc/chromium/policies/managed/altroot-gateway.json\n"
           "{\"CACertificatesWithConstraints\": [{\"certificate\": \"%s\",\n"
           "  \"constraints\": {\"permitted_dns_names\": [\"%s\"]}}]}\n\n",
           (const char *)b64.ptr, z);
    printf("# Firefox enterprise policy: /etc/firefox/policies/policies.json\n"
           "{\"policies\": {\"Certificates\": {\"Install\": [\"%s\"]}}}\n",
           root);
    altroot_bytes_clear(&b64);
    return EXIT_VERIFIED;
}

static int gateway_init(int argc, char **argv)
{
    altroot_gw_init_opts o = {.now = altroot_time_now()};
    for (int i = 1; i < argc; i++) {
        bool has_value = i + 1 < argc;
        if (strcmp(argv[i], "--dir") == 0 && has_value)
            o.dir = argv[++i];
        else if (strcmp(argv[i], "--zone") == 0 && has_value)
            o.zone = argv[++i];
        else if (strcmp(argv[i], "--allow-local") == 0)
            o.allow_local = true;
        else if (strcmp(argv[i], "--allow-ip") == 0 && has_value &&
                 o.allow_ip_count < ALTROOT_GW_CIDR_MAX)
            o.allow_ip[o.allow_ip_count++] = argv[++i];
        else {
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (o.dir == NULL) {
        usage(stderr);
        return EXIT_USAGE;
    }
    altroot_gw_info info;
    altroot_err err = altroot_gw_init(&o, &info);
    if (err != ALTROOT_OK) {
        cli_error(o.dir, err);
        return EXIT_USAGE;
    }
    return print_install(o.dir, &info);
}

static int gateway_allow(int argc, char **argv)
{
    const char *dir = NULL, *name = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
            dir = argv[++i];
        else if (argv[i][0] != '-' && name == NULL)
            name = argv[i];
        else {
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (dir == NULL || name == NULL) {
        usage(stderr);
        return EXIT_USAGE;
    }
    altroot_gw_eab eab;
    altroot_err err = altroot_gw_allow(dir, name, altroot_time_now(), &eab);
    altroot_bytes key = ALTROOT_BYTES_INIT;
    if (err == ALTROOT_OK)
        err = altroot_gw_b64((altroot_span){eab.hmac, sizeof eab.hmac}, true, &key);
    if (err != ALTROOT_OK) {
        bool about_name = err == ALTROOT_E_GATEWAY_OUTSIDE_ZONE ||
                          err == ALTROOT_E_GATEWAY_NAME_RESERVED || err == ALTROOT_E_MALFORMED;
        cli_error(about_name ? name : dir, err);
        altroot_wipe(&eab, sizeof eab);
        return EXIT_USAGE;
    }
    printf("name: %s\neab-kid: %s\neab-hmac-key: %s\n", eab.name, eab.kid, (const char *)key.ptr);
    altroot_bytes_clear(&key);
    altroot_wipe(&eab, sizeof eab);
    return EXIT_VERIFIED;
}

typedef struct issue_args {
    const char *dir, *csr, *names, *out;
    int days;
} issue_args;

static bool parse_issue(int argc, char **argv, issue_args *a)
{
    a->days = ALTROOT_GW_DAYS_DEFAULT;
    /* Every option takes a value: options and values come in pairs. */
    for (int i = 1; i < argc; i += 2) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        char *end = NULL;
        if (v != NULL && strcmp(argv[i], "--dir") == 0)
            a->dir = v;
        else if (v != NULL && strcmp(argv[i], "--csr") == 0)
            a->csr = v;
        else if (v != NULL && strcmp(argv[i], "--names") == 0)
            a->names = v;
        else if (v != NULL && strcmp(argv[i], "--out") == 0)
            a->out = v;
        else if (v != NULL && strcmp(argv[i], "--days") == 0)
            a->days = (int)strtol(v, &end, 10);
        else
            return false;
        if (end != NULL && (*end != '\0' || end == v))
            return false;
    }
    return a->dir != NULL && a->csr != NULL && a->names != NULL && a->out != NULL;
}

/* The comma-separated names, each checked against the gateway's zone. */
static altroot_err names_of(const char *dir, const char *list, altroot_gw_names *names)
{
    altroot_gw_db *db = NULL;
    altroot_err open_err = altroot_gw_db_open(dir, &db);
    if (open_err != ALTROOT_OK)
        return open_err;
    char zone[ALTROOT_GW_NAME_MAX];
    bool allow_local = false;
    altroot_err err = altroot_gw_db_settings(db, zone, &allow_local);
    altroot_gw_db_close(db);
    char one[ALTROOT_GW_NAME_MAX];
    for (const char *p = list; err == ALTROOT_OK && *p != '\0';) {
        size_t n = strcspn(p, ",");
        if (n == 0 || n >= sizeof one)
            return ALTROOT_E_GATEWAY_CSR_NAMES;
        memcpy(one, p, n);
        one[n] = '\0';
        err = altroot_gw_names_add(names, zone, allow_local, one);
        p += n + (p[n] == ',' ? 1 : 0);
    }
    return err == ALTROOT_OK && names->count == 0 ? ALTROOT_E_GATEWAY_CSR_NAMES : err;
}

static int gateway_issue(int argc, char **argv)
{
    issue_args a = {0};
    if (!parse_issue(argc, argv, &a)) {
        usage(stderr);
        return EXIT_USAGE;
    }
    altroot_gw_names names = {.count = 0};
    altroot_bytes csr = ALTROOT_BYTES_INIT, chain = ALTROOT_BYTES_INIT;
    altroot_err err = names_of(a.dir, a.names, &names);
    const char *what = a.names;
    if (err == ALTROOT_OK) {
        what = a.csr;
        err = altroot_bytes_read_file(&csr, a.csr, ALTROOT_CSR_MAX);
    }
    if (err == ALTROOT_OK)
        err = altroot_gw_issue(a.dir, altroot_bytes_span(&csr), &names, a.days, altroot_time_now(),
                               &chain);
    /* cli_write joins DIR "/" NAME: "" keeps an absolute path absolute, "." a relative one. */
    const char *base = a.out[0] == '/' ? "" : ".";
    bool ok = err == ALTROOT_OK && cli_write(base, a.out, chain.ptr, chain.len, false);
    if (err != ALTROOT_OK)
        cli_error(what, err);
    altroot_bytes_clear(&csr);
    altroot_bytes_clear(&chain);
    return ok ? EXIT_VERIFIED : EXIT_USAGE;
}

int cmd_gateway(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "issue") == 0)
        return gateway_issue(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "init") == 0)
        return gateway_init(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "allow") == 0)
        return gateway_allow(argc - 1, argv + 1);
    bool help = argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0);
    usage(help ? stdout : stderr);
    return help ? EXIT_VERIFIED : EXIT_USAGE;
}
