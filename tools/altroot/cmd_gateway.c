/* altroot gateway init|allow: create the gateway's local CA, let a device name in. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd_gateway.h"
#include "gateway.h"

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

int cmd_gateway(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "init") == 0)
        return gateway_init(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "allow") == 0)
        return gateway_allow(argc - 1, argv + 1);
    bool help = argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0);
    usage(help ? stdout : stderr);
    return help ? EXIT_VERIFIED : EXIT_USAGE;
}
