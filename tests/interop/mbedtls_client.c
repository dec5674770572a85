/*
 * mbedTLS on a device certificate:
 *   mbedtls_client parse FILE.pem                 parse every certificate in the file
 *   mbedtls_client connect HOST PORT ROOT.pem NAME|-
 *       handshake; the chain must lead to ROOT and name NAME ("-": the chain names no host,
 *       so only the path is checked)
 * It prints one line and exits 0 when everything it was asked to check held.
 */
#include <stdio.h>
#include <string.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

static int report(const char *what, int rc)
{
    char msg[200];
    mbedtls_strerror(rc, msg, sizeof msg);
    printf("error: %s: -0x%04x %s\n", what, (unsigned)-rc, msg);
    return 1;
}

static int parse(const char *file)
{
    mbedtls_x509_crt chain;
    mbedtls_x509_crt_init(&chain);
    int rc = mbedtls_x509_crt_parse_file(&chain, file);
    int n = 0;
    for (const mbedtls_x509_crt *c = &chain; c != NULL && c->raw.len > 0; c = c->next)
        n++;
    mbedtls_x509_crt_free(&chain);
    /* A positive rc counts certificates that failed to parse. */
    if (rc != 0)
        return rc > 0 ? (printf("error: %d certificates failed to parse\n", rc), 1)
                      : report("parse", rc);
    printf("parsed %d certificates\n", n);
    return 0;
}

static int handshake(mbedtls_ssl_context *ssl, const char *host, const char *port)
{
    mbedtls_net_context net;
    mbedtls_net_init(&net);
    int rc = mbedtls_net_connect(&net, host, port, MBEDTLS_NET_PROTO_TCP);
    if (rc != 0)
        return report("connect", rc);
    mbedtls_ssl_set_bio(ssl, &net, mbedtls_net_send, mbedtls_net_recv, NULL);
    while ((rc = mbedtls_ssl_handshake(ssl)) == MBEDTLS_ERR_SSL_WANT_READ ||
           rc == MBEDTLS_ERR_SSL_WANT_WRITE)
        ;
    uint32_t flags = mbedtls_ssl_get_verify_result(ssl);
    if (rc == 0)
        printf("handshake %s, verified\n", mbedtls_ssl_get_version(ssl));
    else if (flags != 0 && flags != (uint32_t)-1)
        printf("error: verification flags 0x%x\n", (unsigned)flags);
    else
        report("handshake", rc);
    mbedtls_ssl_close_notify(ssl);
    mbedtls_net_free(&net);
    return rc == 0 ? 0 : 1;
}

static int connect(const char *host, const char *port, const char *root, const char *name)
{
    mbedtls_x509_crt ca;
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context drbg;
    mbedtls_ssl_config conf;
    mbedtls_ssl_context ssl;
    mbedtls_x509_crt_init(&ca);
    mbedtls_entropy_init(&entropy);
    mbedtls_ctr_drbg_init(&drbg);
    mbedtls_ssl_config_init(&conf);
    mbedtls_ssl_init(&ssl);
    int rc = mbedtls_x509_crt_parse_file(&ca, root);
    if (rc != 0)
        rc = report("root", rc);
    else if ((rc = mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy, NULL, 0)) != 0 ||
             (rc = mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_CLIENT,
                                               MBEDTLS_SSL_TRANSPORT_STREAM,
                                               MBEDTLS_SSL_PRESET_DEFAULT)) != 0)
        rc = report("setup", rc);
    else {
        mbedtls_ssl_conf_authmode(&conf, MBEDTLS_SSL_VERIFY_REQUIRED);
        mbedtls_ssl_conf_ca_chain(&conf, &ca, NULL);
        mbedtls_ssl_conf_rng(&conf, mbedtls_ctr_drbg_random, &drbg);
        /* With no host name set, mbedTLS verifies the path only. */
        if ((rc = mbedtls_ssl_setup(&ssl, &conf)) != 0 ||
            (rc = mbedtls_ssl_set_hostname(&ssl, strcmp(name, "-") == 0 ? NULL : name)) != 0)
            rc = report("setup", rc);
        else
            rc = handshake(&ssl, host, port);
    }
    mbedtls_ssl_free(&ssl);
    mbedtls_ssl_config_free(&conf);
    mbedtls_ctr_drbg_free(&drbg);
    mbedtls_entropy_free(&entropy);
    mbedtls_x509_crt_free(&ca);
    return rc == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "parse") == 0)
        return parse(argv[2]);
    if (argc == 6 && strcmp(argv[1], "connect") == 0)
        return connect(argv[2], argv[3], argv[4], argv[5]);
    fprintf(stderr, "usage: mbedtls_client parse FILE | connect HOST PORT ROOT NAME|-\n");
    return 2;
}
