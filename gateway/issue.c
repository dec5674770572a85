/* Device leaves: CSR checks and the leaf profile. */
#include <stdio.h>
#include <string.h>

#include <altroot/fdo_crypto.h>

#include "../src/core/guard.h"
#include "issue.h"

#define BACKDATE_SECONDS 300
#define DAY_SECONDS ((altroot_time)24 * 3600)

altroot_err altroot_gw_names_add(altroot_gw_names *names, const char *zone, bool allow_local,
                                 const char *name)
{
    ENSURE(names != NULL && zone != NULL && name != NULL, ALTROOT_E_INTERNAL);
    ENSURE(strchr(name, '.') != NULL, ALTROOT_E_GATEWAY_CSR_NAMES);
    char n[ALTROOT_GW_NAME_MAX];
    TRY(altroot_gw_name_in_zone(zone, allow_local, name, n));
    ENSURE(names->count < ALTROOT_GW_NAMES_MAX, ALTROOT_E_GATEWAY_CSR_NAMES);
    for (size_t i = 0; i < names->count; i++)
        ENSURE(strcmp(names->name[i], n) != 0, ALTROOT_E_GATEWAY_CSR_NAMES);
    memcpy(names->name[names->count++], n, strlen(n) + 1);
    return ALTROOT_OK;
}

static altroot_err check_key(const altroot_key *key, const altroot_key *ca_key)
{
    altroot_key_type t = altroot_key_get_type(key);
    size_t bits = altroot_key_bits(key);
    bool ok = (t == ALTROOT_KEY_EC_P256 && bits == 256) ||
              (t == ALTROOT_KEY_EC_P384 && bits == 384) ||
              (t == ALTROOT_KEY_RSA_2048 && bits >= 2048 && bits <= 8192);
    ENSURE(ok, ALTROOT_E_GATEWAY_CSR_KEY);
    ENSURE(ca_key == NULL || !altroot_key_equal(key, ca_key), ALTROOT_E_GATEWAY_CSR_KEY);
    return ALTROOT_OK;
}

static altroot_err check_extensions(const altroot_csr *csr)
{
    static const char *const accepted[] = {"2.5.29.17", "2.5.29.15", "2.5.29.37", "2.5.29.19"};
    altroot_strlist oids = ALTROOT_STRLIST_INIT;
    altroot_err err = altroot_csr_extension_oids(csr, &oids);
    for (size_t i = 0; i < oids.count && err == ALTROOT_OK; i++) {
        bool known = false;
        for (size_t k = 0; k < ALTROOT_ARRAY_LEN(accepted); k++)
            known = known || strcmp(oids.items[i], accepted[k]) == 0;
        if (!known)
            err = ALTROOT_E_GATEWAY_CSR_EXTENSION;
    }
    altroot_strlist_clear(&oids);
    return err == ALTROOT_E_MALFORMED ? ALTROOT_E_GATEWAY_CSR_MALFORMED : err;
}

static bool listed(const altroot_gw_names *names, const char *dns)
{
    for (size_t i = 0; i < names->count; i++)
        if (strcmp(names->name[i], dns) == 0)
            return true;
    return false;
}

/* RFC 8555 7.4: the CSR's names are exactly the order's; compared octet for octet with the
 * lower-case names (a CSR in another case is refused, never normalised into a match). */
static altroot_err check_names(const altroot_csr *csr, const altroot_gw_names *names)
{
    altroot_strlist sans = ALTROOT_STRLIST_INIT;
    altroot_err err = altroot_csr_sans(csr, &sans);
    if (err == ALTROOT_E_MALFORMED)
        err = ALTROOT_E_GATEWAY_CSR_MALFORMED;
    if (err == ALTROOT_OK && sans.count != names->count)
        err = ALTROOT_E_GATEWAY_CSR_NAMES;
    for (size_t i = 0; i < sans.count && err == ALTROOT_OK; i++) {
        const char *s = sans.items[i];
        bool dup = false;
        for (size_t k = 0; k < i; k++)
            dup = dup || strcmp(sans.items[k], s) == 0;
        if (dup || strncmp(s, "DNS:", 4) != 0 || !listed(names, s + 4))
            err = ALTROOT_E_GATEWAY_CSR_NAMES;
    }
    altroot_strlist_clear(&sans);
    return err;
}

altroot_err altroot_gw_csr_check(const altroot_csr *csr, const altroot_gw_names *names,
                                 const altroot_key *ca_key, altroot_key **key)
{
    ENSURE(csr != NULL && names != NULL && key != NULL, ALTROOT_E_INTERNAL);
    ENSURE(names->count > 0, ALTROOT_E_GATEWAY_CSR_NAMES);
    ENSURE(altroot_csr_verify(csr) == ALTROOT_OK, ALTROOT_E_GATEWAY_CSR_SIGNATURE);
    altroot_key *k = NULL;
    ENSURE(altroot_csr_public_key(csr, &k) == ALTROOT_OK, ALTROOT_E_GATEWAY_CSR_KEY);
    altroot_err err = ALTROOT_OK;
    TRY_GOTO(check_key(k, ca_key));
    TRY_GOTO(check_extensions(csr));
    TRY_GOTO(check_names(csr, names));
    *key = k;
    k = NULL;
out:
    altroot_key_free(k);
    return err;
}

typedef struct issuer {
    altroot_certs *chain; /* the issuing CA's certificate */
    altroot_key *key;
} issuer;

static altroot_err load_issuer(const char *dir, issuer *is)
{
    char path[4096];
    altroot_bytes pem = ALTROOT_BYTES_INIT;
    snprintf(path, sizeof path, "%s/%s", dir, ALTROOT_GW_ISSUER_KEY);
    altroot_err err = altroot_bytes_read_file(&pem, path, ALTROOT_CERT_FILE_MAX);
    if (err == ALTROOT_OK)
        err = altroot_key_parse_private(altroot_bytes_span(&pem), &is->key);
    altroot_bytes_clear(&pem);
    TRY(err);
    snprintf(path, sizeof path, "%s/%s", dir, ALTROOT_GW_ISSUER_CERT);
    TRY(altroot_certs_new(&is->chain));
    TRY(altroot_certs_load_file(is->chain, path));
    ENSURE(altroot_certs_count(is->chain) == 1, ALTROOT_E_GATEWAY_NOT_INITIALISED);
    return ALTROOT_OK;
}

static altroot_err sign_leaf(const issuer *is, const altroot_gw_names *names,
                             const altroot_key *key, int days, altroot_time now,
                             altroot_bytes *chain)
{
    const char *dns[ALTROOT_GW_NAMES_MAX];
    for (size_t i = 0; i < names->count; i++)
        dns[i] = names->name[i];
    altroot_cert_template t = {.common_name = names->name[0],
                               .dns_names = dns,
                               .dns_count = names->count,
                               .not_before = now - BACKDATE_SECONDS,
                               .not_after = now + (altroot_time)days * DAY_SECONDS,
                               .server_auth = true,
                               .key_usage = ALTROOT_KU_DIGITAL_SIGNATURE};
    altroot_cert *ca = altroot_certs_get(is->chain, 0);
    altroot_cert *leaf = NULL;
    altroot_certs *out = NULL;
    altroot_err err = ALTROOT_OK;
    TRY_GOTO(altroot_cert_issue(&t, key, ca, is->key, &leaf));
    TRY_GOTO(altroot_certs_new(&out));
    TRY_GOTO(altroot_certs_push(out, leaf));
    TRY_GOTO(altroot_certs_push(out, ca));
    TRY_GOTO(altroot_certs_to_pem(out, chain));
out:
    altroot_certs_free(out);
    altroot_cert_free(leaf);
    return err;
}

altroot_err altroot_gw_issue(const char *dir, altroot_span csr_data, const altroot_gw_names *names,
                             int days, altroot_time now, altroot_bytes *chain)
{
    ENSURE(dir != NULL && names != NULL && chain != NULL, ALTROOT_E_INTERNAL);
    ENSURE(days >= 1 && days <= ALTROOT_GW_DAYS_MAX, ALTROOT_E_GATEWAY_LIFETIME);
    altroot_csr *csr = NULL;
    altroot_err err = altroot_csr_parse(csr_data, &csr);
    if (err == ALTROOT_E_MALFORMED || err == ALTROOT_E_TOO_LARGE)
        err = ALTROOT_E_GATEWAY_CSR_MALFORMED;
    TRY(err);
    issuer is = {NULL, NULL};
    altroot_key *key = NULL;
    TRY_GOTO(load_issuer(dir, &is));
    TRY_GOTO(altroot_gw_csr_check(csr, names, is.key, &key));
    TRY_GOTO(sign_leaf(&is, names, key, days, now, chain));
out:
    altroot_key_free(key);
    altroot_key_free(is.key);
    altroot_certs_free(is.chain);
    altroot_csr_free(csr);
    return err;
}
