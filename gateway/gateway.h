/*
 * altroot gateway: a name-constrained local CA and its state, for the ACME server that issues
 * devices short-lived certificates. Internal to the tools (like server/): it links libaltroot,
 * SQLite and jansson, and reaches OpenSSL only through libaltroot.
 */
#ifndef ALTROOT_GATEWAY_H
#define ALTROOT_GATEWAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <altroot/altroot.h>

/* Longest zone or name (RFC 1035: 253 characters in text form), plus the NUL. */
#define ALTROOT_GW_NAME_MAX 254
/* At most this many --allow-ip ranges. */
#define ALTROOT_GW_CIDR_MAX 8
/* Files in the gateway directory. */
#define ALTROOT_GW_ROOT_CERT "root.pem"
#define ALTROOT_GW_ROOT_KEY "root-key.pem"
#define ALTROOT_GW_ISSUER_CERT "issuer.pem"
#define ALTROOT_GW_ISSUER_KEY "issuer-key.pem"
#define ALTROOT_GW_DB "gateway.db"
/* The gateway's own host label inside its zone; never issued to a device. */
#define ALTROOT_GW_OWN_LABEL "gateway"

/* ---- zones and names (zone.c) ---- */

/* Check a zone and write it lower-cased, without a trailing dot, into `out`: LDH labels of 1..63
 * characters, at least two labels, a last label that is not all digits, and not one of the
 * shared suffixes `home.arpa`, `local` (a root for those would be valid in every home).
 * E_GATEWAY_ZONE otherwise. */
ALTROOT_MUST_CHECK altroot_err altroot_gw_zone_check(const char *zone,
                                                     char out[ALTROOT_GW_NAME_MAX]);
/* A fresh zone `<16 hex digits: 64 random bits>.home.arpa`. */
ALTROOT_MUST_CHECK altroot_err altroot_gw_zone_random(char out[ALTROOT_GW_NAME_MAX]);
/* Check an "ADDRESS/PREFIX" range (IPv4 or IPv6, host bits zero). E_GATEWAY_CIDR otherwise. */
ALTROOT_MUST_CHECK altroot_err altroot_gw_cidr_check(const char *cidr);
/* A device name for `zone`: a single label becomes `label.zone`; a dotted name must end in
 * `.zone` (or in `.local` when `allow_local`). Lower-cased into `out`. E_GATEWAY_OUTSIDE_ZONE
 * outside, E_GATEWAY_NAME_RESERVED for the zone itself, `localhost` or the gateway's own label,
 * E_MALFORMED for a name that is not LDH. */
ALTROOT_MUST_CHECK altroot_err altroot_gw_name_in_zone(const char *zone, bool allow_local,
                                                       const char *name,
                                                       char out[ALTROOT_GW_NAME_MAX]);

/* ---- base64 (b64.c) ---- */

/* RFC 4648 4 (padded) or 5 (base64url, no padding: ACME, RFC 8555 6.1) text of `data`,
 * appended to `out` with a NUL that is not counted in out->len. */
ALTROOT_MUST_CHECK altroot_err altroot_gw_b64(altroot_span data, bool url, altroot_bytes *out);

/* ---- state database (db.c) ---- */

typedef struct altroot_gw_db altroot_gw_db;

/* Create DIR/gateway.db (it must not exist): schema version 1, WAL journal. Caller closes with
 * altroot_gw_db_close(). */
ALTROOT_MUST_CHECK altroot_err altroot_gw_db_create(const char *dir, altroot_gw_db **out);
/* Open an existing DIR/gateway.db after checking that DIR is a directory private to its owner.
 * E_GATEWAY_NOT_INITIALISED when there is none; E_GATEWAY_SCHEMA for another version. */
ALTROOT_MUST_CHECK altroot_err altroot_gw_db_open(const char *dir, altroot_gw_db **out);
void altroot_gw_db_close(altroot_gw_db *db);

/* Every state change is one transaction: begin, the writes, commit (or rollback on failure). */
ALTROOT_MUST_CHECK altroot_err altroot_gw_db_begin(altroot_gw_db *db);
ALTROOT_MUST_CHECK altroot_err altroot_gw_db_commit(altroot_gw_db *db);
void altroot_gw_db_rollback(altroot_gw_db *db);

/* Gateway settings (key/value text, copied). Get: E_NOT_FOUND when absent. */
ALTROOT_MUST_CHECK altroot_err altroot_gw_db_meta_set(altroot_gw_db *db, const char *key,
                                                      const char *value);
ALTROOT_MUST_CHECK altroot_err altroot_gw_db_meta_get(altroot_gw_db *db, const char *key, char *out,
                                                      size_t len);

/* The zone and whether .local is permitted, as init stored them. E_GATEWAY_NOT_INITIALISED
 * when init never completed. */
ALTROOT_MUST_CHECK altroot_err altroot_gw_db_settings(altroot_gw_db *db,
                                                      char zone[ALTROOT_GW_NAME_MAX],
                                                      bool *allow_local);

/* An external account binding key (RFC 8555 7.3.4) that lets one account in for `name`. */
typedef struct altroot_gw_eab {
    char kid[64];     /* base64url of 16 random bytes */
    uint8_t hmac[32]; /* HS256 key */
    char name[ALTROOT_GW_NAME_MAX];
    altroot_time created;
} altroot_gw_eab;
ALTROOT_MUST_CHECK altroot_err altroot_gw_db_eab_add(altroot_gw_db *db, const altroot_gw_eab *eab);
/* E_NOT_FOUND when no key has that id. */
ALTROOT_MUST_CHECK altroot_err altroot_gw_db_eab_get(altroot_gw_db *db, const char *kid,
                                                     altroot_gw_eab *out);

/* ---- the gateway (init.c, allow.c) ---- */

typedef struct altroot_gw_init_opts {
    const char *dir;  /* borrowed; created 0700, or an existing empty directory */
    const char *zone; /* borrowed; NULL: a random zone under home.arpa */
    bool allow_local; /* also permit names under .local */
    const char *allow_ip[ALTROOT_GW_CIDR_MAX]; /* borrowed; permitted IP ranges */
    size_t allow_ip_count;
    altroot_time now;
} altroot_gw_init_opts;

typedef struct altroot_gw_info {
    char zone[ALTROOT_GW_NAME_MAX];
    uint8_t root_sha256[32]; /* SHA-256 of the root certificate's DER */
} altroot_gw_info;

/* Create a gateway in opts->dir: a P-384 root whose name constraints permit only the zone (and
 * .local and the IP ranges when asked; every other address is excluded), an issuing CA under it,
 * both keys 0600, and the database holding the settings. The database is written last, in one
 * transaction: a directory without it is no gateway. */
ALTROOT_MUST_CHECK altroot_err altroot_gw_init(const altroot_gw_init_opts *opts,
                                               altroot_gw_info *info);

/* Create an external account binding for device name `name` (see altroot_gw_name_in_zone) in
 * the gateway at `dir`, in one transaction; `out` receives the key. */
ALTROOT_MUST_CHECK altroot_err altroot_gw_allow(const char *dir, const char *name, altroot_time now,
                                                altroot_gw_eab *out);

#endif
