/* altroot gateway init: the name-constrained root, the issuing CA and the state database. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../src/core/guard.h"
#include "gateway.h"

#define ROOT_YEARS 10
#define ISSUER_YEARS 5
#define YEAR_SECONDS ((altroot_time)365 * 24 * 3600)
/* Clocks of devices and browsers differ; a CA valid from an hour ago is valid for all. */
#define BACKDATE_SECONDS 3600

/* A new directory 0700, or an existing empty one of ours made 0700. */
static altroot_err make_dir(const char *dir)
{
    if (mkdir(dir, 0700) == 0)
        return ALTROOT_OK;
    ENSURE(errno == EEXIST, ALTROOT_E_GATEWAY_DIR);
    struct stat st;
    ENSURE(lstat(dir, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == geteuid(),
           ALTROOT_E_GATEWAY_DIR);
    DIR *d = opendir(dir);
    ENSURE(d != NULL, ALTROOT_E_GATEWAY_DIR);
    bool empty = true;
    for (struct dirent *e = readdir(d); e != NULL && empty; e = readdir(d))
        empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
    closedir(d);
    ENSURE(empty, ALTROOT_E_GATEWAY_DIR);
    ENSURE(chmod(dir, 0700) == 0, ALTROOT_E_GATEWAY_DIR);
    return ALTROOT_OK;
}

/* O_EXCL: never replace a file, never follow a planted link. */
static altroot_err write_new(const char *dir, const char *name, altroot_span data, mode_t mode)
{
    char path[4096];
    int n = snprintf(path, sizeof path, "%s/%s", dir, name);
    ENSURE(n > 0 && (size_t)n < sizeof path, ALTROOT_E_ARG);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    ENSURE(fd >= 0, ALTROOT_E_IO);
    altroot_err err = ALTROOT_OK;
    for (size_t off = 0; off < data.len && err == ALTROOT_OK;) {
        ssize_t w = write(fd, data.ptr + off, data.len - off);
        if (w > 0)
            off += (size_t)w;
        else if (w < 0 && errno != EINTR)
            err = ALTROOT_E_IO;
    }
    if (err == ALTROOT_OK && fsync(fd) != 0)
        err = ALTROOT_E_IO;
    if (close(fd) != 0 && err == ALTROOT_OK)
        err = ALTROOT_E_IO;
    return err;
}

static altroot_err write_cert(const char *dir, const char *name, altroot_cert *cert)
{
    altroot_certs *list = NULL;
    altroot_bytes pem = ALTROOT_BYTES_INIT;
    altroot_err err = ALTROOT_OK;
    TRY_GOTO(altroot_certs_new(&list));
    TRY_GOTO(altroot_certs_push(list, cert));
    TRY_GOTO(altroot_certs_to_pem(list, &pem));
    err = write_new(dir, name, altroot_bytes_span(&pem), 0644);
out:
    altroot_bytes_clear(&pem);
    altroot_certs_free(list);
    return err;
}

static altroot_err write_key(const char *dir, const char *name, const altroot_key *key)
{
    altroot_bytes pem = ALTROOT_BYTES_INIT;
    altroot_err err = altroot_key_private_pem(key, &pem);
    if (err == ALTROOT_OK)
        err = write_new(dir, name, altroot_bytes_span(&pem), 0600);
    altroot_bytes_clear(&pem); /* wiped */
    return err;
}

/* RFC 5280 4.2.1.10. The constraints sit in the root, which is what the person installs (and
 * what Chromium and Firefox enforce on a local anchor); the issuing CA repeats them so a copy of
 * it installed alone is just as narrow. Addresses are excluded outright unless ranges were
 * asked for: a type with no permitted subtree would otherwise be unconstrained. */
static void constrain(altroot_cert_template *t, const char *const *dns, size_t dns_count,
                      const altroot_gw_init_opts *o)
{
    static const char *const all_ip[] = {"0.0.0.0/0", "::/0"};
    t->permitted_dns = dns;
    t->permitted_dns_count = dns_count;
    t->permitted_ip = o->allow_ip;
    t->permitted_ip_count = o->allow_ip_count;
    if (o->allow_ip_count == 0) {
        t->excluded_ip = all_ip;
        t->excluded_ip_count = 2;
    }
}

static altroot_err make_cas(const altroot_gw_init_opts *o, const char *zone, altroot_key *root_key,
                            altroot_key *issuer_key, altroot_cert **root, altroot_cert **issuer)
{
    const char *dns[2] = {zone, "local"};
    size_t dns_count = o->allow_local ? 2 : 1;
    char cn[ALTROOT_GW_NAME_MAX + 32];
    snprintf(cn, sizeof cn, "altroot gateway root %s", zone);
    altroot_cert_template t = {.common_name = cn,
                               .organization = "altroot gateway",
                               .not_before = o->now - BACKDATE_SECONDS,
                               .not_after = o->now + ROOT_YEARS * YEAR_SECONDS,
                               .is_ca = true,
                               .path_len = 1};
    constrain(&t, dns, dns_count, o);
    TRY(altroot_cert_issue(&t, root_key, NULL, NULL, root));
    snprintf(cn, sizeof cn, "altroot gateway issuer %s", zone);
    t.not_after = o->now + ISSUER_YEARS * YEAR_SECONDS;
    t.path_len = 0;
    return altroot_cert_issue(&t, issuer_key, *root, root_key, issuer);
}

static altroot_err write_db(const altroot_gw_init_opts *o, const char *zone)
{
    char ips[ALTROOT_GW_CIDR_MAX * 64] = "";
    for (size_t i = 0; i < o->allow_ip_count; i++) {
        size_t used = strlen(ips);
        snprintf(ips + used, sizeof ips - used, "%s%s", i > 0 ? "," : "", o->allow_ip[i]);
    }
    char created[32];
    altroot_time_format(o->now, created);
    altroot_gw_db *db = NULL;
    TRY(altroot_gw_db_create(o->dir, &db));
    altroot_err err = ALTROOT_OK;
    TRY_GOTO(altroot_gw_db_begin(db));
    TRY_GOTO(altroot_gw_db_meta_set(db, "zone", zone));
    TRY_GOTO(altroot_gw_db_meta_set(db, "allow_local", o->allow_local ? "1" : "0"));
    TRY_GOTO(altroot_gw_db_meta_set(db, "allow_ip", ips));
    TRY_GOTO(altroot_gw_db_meta_set(db, "created", created));
    TRY_GOTO(altroot_gw_db_commit(db));
out:
    if (err != ALTROOT_OK)
        altroot_gw_db_rollback(db);
    altroot_gw_db_close(db);
    return err;
}

static altroot_err check_opts(const altroot_gw_init_opts *o, char zone[ALTROOT_GW_NAME_MAX])
{
    ENSURE(o->dir != NULL && o->allow_ip_count <= ALTROOT_GW_CIDR_MAX, ALTROOT_E_INTERNAL);
    for (size_t i = 0; i < o->allow_ip_count; i++)
        TRY(altroot_gw_cidr_check(o->allow_ip[i]));
    if (o->zone == NULL)
        return altroot_gw_zone_random(zone);
    return altroot_gw_zone_check(o->zone, zone);
}

altroot_err altroot_gw_init(const altroot_gw_init_opts *opts, altroot_gw_info *info)
{
    ENSURE(opts != NULL && info != NULL, ALTROOT_E_INTERNAL);
    char zone[ALTROOT_GW_NAME_MAX];
    TRY(check_opts(opts, zone));
    altroot_key *root_key = NULL, *issuer_key = NULL;
    altroot_cert *root = NULL, *issuer = NULL;
    altroot_err err = ALTROOT_OK;
    TRY_GOTO(altroot_key_generate(ALTROOT_KEY_EC_P384, &root_key));
    TRY_GOTO(altroot_key_generate(ALTROOT_KEY_EC_P384, &issuer_key));
    TRY_GOTO(make_cas(opts, zone, root_key, issuer_key, &root, &issuer));
    TRY_GOTO(make_dir(opts->dir));
    TRY_GOTO(write_key(opts->dir, ALTROOT_GW_ROOT_KEY, root_key));
    TRY_GOTO(write_cert(opts->dir, ALTROOT_GW_ROOT_CERT, root));
    TRY_GOTO(write_key(opts->dir, ALTROOT_GW_ISSUER_KEY, issuer_key));
    TRY_GOTO(write_cert(opts->dir, ALTROOT_GW_ISSUER_CERT, issuer));
    TRY_GOTO(write_db(opts, zone));
    memcpy(info->zone, zone, sizeof zone);
    altroot_cert_sha256(root, info->root_sha256);
out:
    altroot_cert_free(issuer);
    altroot_cert_free(root);
    altroot_key_free(issuer_key);
    altroot_key_free(root_key);
    return err;
}
