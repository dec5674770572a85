/* altroot serve --cert CHAIN.pem --key KEY.pem [...]: the reference device server. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd_serve.h"
#include "server.h"

#define DEFAULT_LISTEN "127.0.0.1:8443"
#define DEFAULT_MAX_CONNECTIONS 1024
#define MAX_MAX_CONNECTIONS 65536
#define DEFAULT_TIMEOUT_MS 10000
/* A browser opens about six connections to a host; these leave room for several people behind
 * one address, while one address can no longer fill the server. */
#define DEFAULT_MAX_PER_SOURCE 64
#define DEFAULT_MAX_IDLE_PER_SOURCE 16

static void usage(FILE *out)
{
    fprintf(
        out,
        "usage: altroot serve --cert CHAIN.pem --key KEY.pem [--listen ADDR:PORT] [--root DIR]\n"
        "                     [--max-connections N] [--max-per-source N]\n"
        "                     [--max-idle-per-source N] [--timeout SEC] [--port-file FILE]\n"
        "Serves DIR and a status page (/.well-known/altroot/status, HTML or JSON) over\n"
        "HTTPS (TLS 1.2/1.3) with the certificate chain (leaf first) and its private key.\n"
        "  --listen ADDR:PORT   IPv4:PORT or [IPv6]:PORT (default " DEFAULT_LISTEN
        "; port 0 picks one)\n"
        "  --root DIR           files to serve (default: none, only the status page)\n"
        "  --max-connections N  open connections at most (default 1024); at the limit the\n"
        "                       oldest idle one of the address holding the most gives way\n"
        "  --max-per-source N   open connections from one client address (default 64)\n"
        "  --max-idle-per-source N\n"
        "                       of those, idle ones: no complete request yet (default 16)\n"
        "  --timeout SEC        handshake + request head, keep-alive idle (default 10)\n"
        "  --port-file FILE     write the bound port there once listening\n"
        "Stops gracefully on SIGINT or SIGTERM (exit 0); exit 2 on unusable input.\n");
}

static bool parse_count(const char *s, size_t *out)
{
    size_t v = 0;
    if (*s == '\0' || strlen(s) > 6)
        return false;
    for (; *s != '\0'; s++) {
        if (*s < '0' || *s > '9')
            return false;
        v = v * 10 + (size_t)(*s - '0');
    }
    if (v == 0 || v > MAX_MAX_CONNECTIONS)
        return false;
    *out = v;
    return true;
}

static bool parse_seconds(const char *s, int *ms)
{
    char *end = NULL;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || !(v >= 0.1 && v <= 3600))
        return false;
    *ms = (int)(v * 1000);
    return true;
}

typedef struct serve_args {
    const char *cert, *key;
    srv_config cfg;
} serve_args;

/* 1: parsed; 0: --help printed; -1: usage error printed. */
static int parse_option(serve_args *a, int argc, char **argv, int *i)
{
    const char *opt = argv[*i];
    if (strcmp(opt, "--help") == 0 || strcmp(opt, "-h") == 0) {
        usage(stdout);
        return 0;
    }
    const char *val = *i + 1 < argc ? argv[*i + 1] : NULL;
    bool ok = val != NULL;
    if (strcmp(opt, "--cert") == 0)
        a->cert = val;
    else if (strcmp(opt, "--key") == 0)
        a->key = val;
    else if (strcmp(opt, "--listen") == 0)
        a->cfg.listen = val;
    else if (strcmp(opt, "--root") == 0)
        a->cfg.root = val;
    else if (strcmp(opt, "--port-file") == 0)
        a->cfg.port_file = val;
    else if (strcmp(opt, "--max-connections") == 0)
        ok = ok && parse_count(val, &a->cfg.max_connections);
    else if (strcmp(opt, "--max-per-source") == 0)
        ok = ok && parse_count(val, &a->cfg.max_per_source);
    else if (strcmp(opt, "--max-idle-per-source") == 0)
        ok = ok && parse_count(val, &a->cfg.max_idle_per_source);
    else if (strcmp(opt, "--timeout") == 0)
        ok = ok && parse_seconds(val, &a->cfg.timeout_ms);
    else {
        fprintf(stderr, "altroot serve: unexpected argument \"%s\"\n", opt);
        return -1;
    }
    if (!ok) {
        fprintf(stderr, "altroot serve: %s: %s\n", opt,
                val == NULL ? "needs a value" : "invalid value (see --help)");
        return -1;
    }
    (*i)++;
    return 1;
}

/* The chain (leaf first) and the key; prints one line and returns false when either cannot be
 * used. The key file's bytes are wiped when released. */
static bool load_credentials(const serve_args *a, altroot_certs **chain, altroot_key **key)
{
    altroot_err err = altroot_certs_new(chain);
    if (err == ALTROOT_OK)
        err = altroot_certs_load_file(*chain, a->cert);
    if (err != ALTROOT_OK) {
        cli_error(a->cert, err);
        return false;
    }
    altroot_bytes pem = ALTROOT_BYTES_INIT;
    err = altroot_bytes_read_file(&pem, a->key, ALTROOT_CERT_FILE_MAX);
    if (err == ALTROOT_OK)
        err = altroot_key_parse_private(altroot_bytes_span(&pem), key);
    altroot_bytes_clear(&pem);
    if (err != ALTROOT_OK) {
        cli_error(a->key, err);
        return false;
    }
    return true;
}

int cmd_serve(int argc, char **argv)
{
    serve_args a = {.cfg = {.listen = DEFAULT_LISTEN,
                            .max_connections = DEFAULT_MAX_CONNECTIONS,
                            .max_per_source = DEFAULT_MAX_PER_SOURCE,
                            .max_idle_per_source = DEFAULT_MAX_IDLE_PER_SOURCE,
                            .timeout_ms = DEFAULT_TIMEOUT_MS}};
    for (int i = 1; i < argc; i++) {
        int r = parse_option(&a, argc, argv, &i);
        if (r <= 0)
            return r == 0 ? EXIT_VERIFIED : EXIT_USAGE;
    }
    if (a.cert == NULL || a.key == NULL) {
        fprintf(stderr, "altroot serve: --cert and --key are required\n");
        usage(stderr);
        return EXIT_USAGE;
    }
    altroot_certs *chain = NULL;
    altroot_key *key = NULL;
    int rc = EXIT_USAGE;
    if (load_credentials(&a, &chain, &key)) {
        a.cfg.chain = chain;
        a.cfg.key = key;
        rc = srv_run(&a.cfg) == ALTROOT_OK ? EXIT_VERIFIED : EXIT_USAGE;
    }
    altroot_key_free(key);
    altroot_certs_free(chain);
    return rc;
}
