#include <stdio.h>

#include "cli.h"
#include "demo.h"

static bool kind_dir(const char *anchors, const char *kind, char *dir, size_t len)
{
    int n = snprintf(dir, len, "%s/%s", anchors, kind);
    return n > 0 && (size_t)n < len && cli_mkdirs(dir);
}

bool demo_write_anchor(const char *anchors, const char *kind, const char *name, const void *data,
                       size_t len)
{
    char dir[512];
    return kind_dir(anchors, kind, dir, sizeof dir) && cli_write(dir, name, data, len, false);
}

bool demo_write_anchor_cert(const char *anchors, const char *kind, const char *name,
                            altroot_cert *cert)
{
    char dir[512];
    return kind_dir(anchors, kind, dir, sizeof dir) && cli_write_cert(dir, name, cert);
}

altroot_device_cert_params demo_device_params(const char *const *name, altroot_time at)
{
    altroot_device_cert_params p = {.names = name,
                                    .name_count = 1,
                                    .not_before = at - DEMO_DAY,
                                    .not_after = at + 365 * (altroot_time)DEMO_DAY,
                                    .iat = at - 60};
    return p;
}

static const char *cert_dir; /* --write-certs: where served chains go, or NULL */
static unsigned served;

void demo_set_cert_dir(const char *dir)
{
    cert_dir = dir;
}

altroot_err demo_serve(const altroot_certs *chain, const altroot_key *key, altroot_tls_server **out)
{
    char name[64];
    served++;
    for (size_t i = 0; cert_dir != NULL && i < altroot_certs_count(chain); i++) {
        snprintf(name, sizeof name, "served-%02u-%zu.pem", served, i);
        if (!cli_mkdirs(cert_dir) ||
            !cli_write_cert(cert_dir, name, (altroot_cert *)altroot_certs_get(chain, i)))
            return ALTROOT_E_IO;
    }
    return altroot_tls_server_new(chain, key, out);
}

altroot_err demo_device_server(const altroot_device_creds *creds,
                               const altroot_device_cert_params *p, altroot_tls_server **out)
{
    altroot_certs *chain = NULL;
    altroot_key *key = NULL;
    altroot_err err = altroot_device_cert_build(creds, p, &chain, &key);
    if (err == ALTROOT_OK)
        err = demo_serve(chain, key, out);
    altroot_certs_free(chain);
    altroot_key_free(key);
    return err;
}
