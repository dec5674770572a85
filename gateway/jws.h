/*
 * ACME request bodies (RFC 8555 6.2): a flattened JWS whose protected header carries alg, nonce,
 * url and exactly one of jwk and kid; and the external account binding inside newAccount
 * (7.3.4). Signatures are checked with libjose; what libjose leaves to its caller (which
 * algorithms and keys are acceptable, no unprotected header, strict base64url, duplicate JSON
 * members) is checked here first. The parser reads untrusted bytes (fuzz/acme_jws.c).
 */
#ifndef ALTROOT_GATEWAY_JWS_H
#define ALTROOT_GATEWAY_JWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include <altroot/altroot.h>

/* Largest request body accepted (a CSR with a 4096-bit key fits many times). */
#define ALTROOT_GW_JWS_MAX ((size_t)64 * 1024)
#define ALTROOT_GW_URL_MAX 1024
#define ALTROOT_GW_NONCE_MAX 128

typedef enum altroot_gw_alg {
    ALTROOT_GW_ES256 = 1,
    ALTROOT_GW_ES384 = 2,
    ALTROOT_GW_RS256 = 3,
} altroot_gw_alg;

typedef struct altroot_gw_jws {
    json_t *root;   /* the whole request object (protected, payload, signature); owned */
    json_t *header; /* the decoded protected header; owned */
    altroot_gw_alg alg;
    json_t *jwk; /* the header's public key (borrowed from `header`), or NULL with a kid */
    char kid[ALTROOT_GW_URL_MAX];
    char nonce[ALTROOT_GW_NONCE_MAX];
    char url[ALTROOT_GW_URL_MAX];
    json_t *payload;  /* the decoded payload object (owned), NULL for POST-as-GET */
    bool post_as_get; /* the payload is the empty string */
} altroot_gw_jws;

/* Parse `body` (not yet verified). Clear with altroot_gw_jws_clear() whatever it returns.
 * E_GATEWAY_JWS_MALFORMED for anything but one flattened JWS with the members above, strict
 * base64url (no padding) and JSON objects without duplicate members; E_GATEWAY_JWS_ALG for an
 * algorithm other than ES256, ES384, RS256; E_GATEWAY_JWS_KEY for a jwk that does not fit the
 * algorithm, an RSA key below 2048 bits, or one with private members; E_TOO_LARGE beyond
 * ALTROOT_GW_JWS_MAX. */
ALTROOT_MUST_CHECK altroot_err altroot_gw_jws_parse(altroot_span body, altroot_gw_jws *out);
void altroot_gw_jws_clear(altroot_gw_jws *jws);

/* Check that `key` (a public JWK: the header's own, or the account's for a kid) fits the
 * algorithm, then the signature: OK, E_GATEWAY_JWS_KEY or E_GATEWAY_JWS_SIGNATURE. */
ALTROOT_MUST_CHECK altroot_err altroot_gw_jws_verify(const altroot_gw_jws *jws, const json_t *key);

/* RFC 8555 6.4: the header's url is exactly the URL the request was sent to, else
 * E_GATEWAY_JWS_URL ("unauthorized"). */
ALTROOT_MUST_CHECK altroot_err altroot_gw_jws_check_url(const altroot_gw_jws *jws,
                                                        const char *request_url);

/* Same check of a JWK against an algorithm, for keys stored or received elsewhere. */
ALTROOT_MUST_CHECK altroot_err altroot_gw_jwk_check(const json_t *jwk, altroot_gw_alg alg);

/* RFC 7638 SHA-256 thumbprint of a public JWK, base64url (43 characters and a NUL). */
ALTROOT_MUST_CHECK altroot_err altroot_gw_jwk_thumbprint(const json_t *jwk, char out[44]);

/* RFC 8555 8.1: keyAuthorization = token || '.' || base64url(Thumbprint(accountKey)). */
ALTROOT_MUST_CHECK altroot_err altroot_gw_key_authorization(const char *token, const json_t *jwk,
                                                            char *out, size_t len);

/* Helpers shared with eab.c. A JSON object holding exactly "protected", "payload" and
 * "signature", each strict base64url: OK or E_GATEWAY_JWS_MALFORMED. */
ALTROOT_MUST_CHECK altroot_err altroot_gw_jws_flattened(const json_t *root);
/* The JSON object (no duplicate members) encoded in a base64url string; caller decrefs. */
ALTROOT_MUST_CHECK altroot_err altroot_gw_b64url_json(const json_t *str, json_t **out);

/* Looks up the HMAC key of an external account binding key id; E_NOT_FOUND when none. */
typedef altroot_err (*altroot_gw_eab_lookup)(void *ctx, const char *kid, uint8_t hmac[32]);

/* RFC 8555 7.3.4: `eab` (the newAccount payload's externalAccountBinding) is a flattened JWS
 * with alg HS256, the key id as kid, no nonce, the url of `outer`, and as payload the outer
 * jwk; its MAC verifies with the key `lookup` finds for the kid. On OK the kid is copied to
 * `kid_out`. E_GATEWAY_EAB_REQUIRED when `eab` is NULL (the payload has none);
 * E_GATEWAY_EAB_INVALID for any other failure. */
ALTROOT_MUST_CHECK altroot_err altroot_gw_eab_verify(const altroot_gw_jws *outer, const json_t *eab,
                                                     altroot_gw_eab_lookup lookup, void *ctx,
                                                     char kid_out[64]);

/* ---- ACME problem documents (RFC 8555 6.7, RFC 7807) ---- */

typedef struct altroot_gw_problem {
    const char *type; /* static: the error name after "urn:ietf:params:acme:error:" */
    int status;       /* HTTP status */
} altroot_gw_problem;

/* The ACME error type and HTTP status for a code (serverInternal, 500, for codes that are not
 * the client's fault). */
altroot_gw_problem altroot_gw_problem_of(altroot_err err);
/* The application/problem+json body for `err`, with `detail` (copied; NULL: the code's
 * message). Caller frees with free(). NULL when out of memory. */
char *altroot_gw_problem_json(altroot_err err, const char *detail);

#endif
