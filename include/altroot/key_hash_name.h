/*
 * Key-hash names: a self-certifying host name that carries a hash of the server's public key
 * (a name binding of its own, below a SAN and the Matter instance name;
 * draft-wing-settle-public-key-hash-01, sections 4.1, 5 and 6, docs/key-hash-name.md). The form is
 * FRIENDLY "." ALG HASH "." LOCAL-DOMAIN: the second label is one digit naming the hash algorithm
 * (0, SHA-256, the only one defined) followed by the base32 (RFC 4648 section 6, no padding, any
 * letter case) of the hash of the DER SubjectPublicKeyInfo, and the name ends in a local domain
 * (.local, .home.arpa, .internal, .localhost).
 */
#ifndef ALTROOT_KEY_HASH_NAME_H
#define ALTROOT_KEY_HASH_NAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <altroot/buf.h>
#include <altroot/error.h>
#include <altroot/export.h>
#include <altroot/x509.h>

/* Hash algorithm digit 0: SHA-256, 32 bytes, 52 base32 characters. */
#define ALTROOT_KEY_HASH_ALG_SHA256 0
/* The hash label: the algorithm digit and 52 base32 characters. */
#define ALTROOT_KEY_HASH_LABEL_LEN 53
/* Longest host name (RFC 1035 2.3.4), without the optional final dot. */
#define ALTROOT_KEY_HASH_NAME_MAX 253

typedef struct altroot_key_hash_name {
    int algorithm;                              /* ALTROOT_KEY_HASH_ALG_SHA256 */
    uint8_t hash[32];                           /* the decoded hash */
    char friendly[64];                          /* the first label, as written */
    char domain[ALTROOT_KEY_HASH_NAME_MAX + 1]; /* what follows the hash label, lower case,
                                                   without a final dot */
} altroot_key_hash_name;

/* Recognise a key-hash name in `host` (borrowed bytes, no NUL needed). Three outcomes:
 *   OK with *found false: `host` is not a key-hash name (no label looks like a hash label);
 *   OK with *found true: a well-formed key-hash name, decoded into `out`;
 *   E_KEY_HASH_NAME_MALFORMED: a label looks like a hash label (a digit followed by at least 26
 *   letters and digits) but the name is not well formed; `detail` (always NUL-terminated when
 *   `detail_len` > 0) says why. `out` is written only on success. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_key_hash_name_parse(
    altroot_span host, bool *found, altroot_key_hash_name *out, char *detail, size_t detail_len);

/* The hash label of `key` (SHA-256 of its DER SubjectPublicKeyInfo, upper-case base32, as in the
 * draft's example), NUL-terminated into `out` (at least ALTROOT_KEY_HASH_LABEL_LEN + 1 bytes). */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_key_hash_label(const altroot_key *key, char *out,
                                                                  size_t len);

/* The same for a certificate's public key. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_cert_key_hash_label(const altroot_cert *cert,
                                                                       char *out, size_t len);

/* The key-hash name for a device known by `short_name`: its first label, the hash label of `key`,
 * then the rest of `short_name`, or "local" when it has one label ("printer.local" gives
 * "printer.0….local"). E_ARG unless the result is a well-formed key-hash name (a valid first
 * label, a local domain); E_TOO_LARGE when it does not fit `len`. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_key_hash_name_for(const altroot_key *key,
                                                                     const char *short_name,
                                                                     char *out, size_t len);

/* Whether the certificate's public key is the one `name` names (the hash of its DER
 * SubjectPublicKeyInfo, compared in constant time). */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_key_hash_name_check(
    const altroot_key_hash_name *name, const altroot_cert *cert, bool *match);

#endif
