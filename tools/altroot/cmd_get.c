/* altroot get URL [-o FILE]: fetch over HTTPS with libcurl, trusting only what altroot trusts. */
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>

#include "cli.h"

static size_t write_body(char *ptr, size_t size, size_t n, void *userdata)
{
    return fwrite(ptr, size, n, userdata) * size;
}

static void usage(FILE *out)
{
    fprintf(out, "usage: altroot get [--anchors DIR] [--webpki FILE|none] [--at TIME] [--json]\n"
                 "                   [--timeout SEC] [-o FILE] https://host[:port]/path\n"
                 "The body goes to stdout (or FILE) only when the device is trusted; the report\n"
                 "goes to stderr.\n");
}

typedef struct get_args {
    cli_common c;
    const char *url, *out;
} get_args;

static int parse(int argc, char **argv, get_args *a)
{
    for (int i = 1; i < argc; i++) {
        int r = cli_common_option(&a->c, argc, argv, &i);
        if (r < 0)
            return -1;
        if (r > 0)
            continue;
        if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
            a->out = argv[++i];
        else if (argv[i][0] != '-' && a->url == NULL)
            a->url = argv[i];
        else
            return -1;
    }
    return a->url == NULL ? -1 : 0;
}

/* One transfer. Returns the exit code; the verdict is printed whatever happened. */
static int transfer(const get_args *a, const altroot_url *u, altroot_trust_store *store)
{
    altroot_verdict v;
    altroot_verdict_init(&v);
    altroot_curl_hook hook = {.cfg = {.store = store,
                                      .at = a->c.at_given ? a->c.at : altroot_time_now(),
                                      .host = u->host},
                              .verdict = &v};
    FILE *body = a->out != NULL ? fopen(a->out, "wb") : stdout;
    CURL *curl = curl_easy_init();
    int rc = EXIT_USAGE;
    if (body == NULL || curl == NULL || altroot_curl_install(curl, &hook) != ALTROOT_OK) {
        cli_error(a->out != NULL ? a->out : "curl", ALTROOT_E_IO);
        goto out;
    }
    curl_easy_setopt(curl, CURLOPT_URL, a->url);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "https");
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, body);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, (long)a->c.timeout_ms);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    CURLcode cr = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    v.target = v.target != NULL ? v.target : altroot_strdup(a->url);
    if (v.message != NULL) { /* a chain was judged: print the verdict */
        altroot_err e =
            a->c.json ? altroot_verdict_print_json(&v, stderr) : altroot_verdict_print(&v, stderr);
        rc = e != ALTROOT_OK                                ? EXIT_USAGE
             : v.decision != ALTROOT_DECISION_TRUSTED       ? EXIT_NOT_VERIFIED
             : cr == CURLE_OK && status > 0 && status < 400 ? EXIT_VERIFIED
                                                            : EXIT_NOT_VERIFIED;
    }
    if (cr != CURLE_OK && v.message == NULL)
        fprintf(stderr, "altroot: %s: %s (E_CONNECT)\n", a->url, curl_easy_strerror(cr));
    else if (cr == CURLE_OK && status >= 400)
        fprintf(stderr, "altroot: %s: HTTP status %ld\n", a->url, status);
out:
    if (curl != NULL)
        curl_easy_cleanup(curl);
    if (body != NULL && body != stdout && fclose(body) != 0)
        rc = EXIT_USAGE;
    if (rc != EXIT_VERIFIED && a->out != NULL)
        remove(a->out); /* nothing from an untrusted or failed transfer is kept */
    altroot_verdict_clear(&v);
    return rc;
}

int cmd_get(int argc, char **argv)
{
    get_args a;
    memset(&a, 0, sizeof a);
    a.c.timeout_ms = 10000;
    if (argc > 1 && strcmp(argv[1], "--help") == 0) {
        usage(stdout);
        return EXIT_VERIFIED;
    }
    if (parse(argc, argv, &a) != 0) {
        usage(stderr);
        return EXIT_USAGE;
    }
    altroot_url u;
    altroot_err err = altroot_url_parse(a.url, &u);
    if (err != ALTROOT_OK) {
        cli_error(a.url, err);
        return EXIT_USAGE;
    }
    altroot_trust_store *store = cli_load_store(&a.c);
    int rc = store != NULL ? transfer(&a, &u, store) : EXIT_USAGE;
    altroot_trust_store_free(store);
    altroot_url_clear(&u);
    return rc;
}
