/* ACME's flattened JWS requests and external account bindings, verified with libjose. */
#include <stdio.h>
#include <string.h>

#include <jose/b64.h>
#include <jose/jwk.h>
#include <jose/jws.h>

#include "../src/core/guard.h"
#include "gateway.h"
#include "jws.h"

/* RFC 7515 2 / RFC 4648 5 without padding: only the URL alphabet, and never a length that
 * leaves a lone sextet. */
static bool b64url_ok(const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_'))
            return false;
    }
    return n % 4 != 1;
}

/* The bytes of a base64url JSON string member (appended to `out`). */
static altroot_err b64url_bytes(const json_t *str, altroot_bytes *out)
{
    ENSURE(json_is_string(str) && b64url_ok(json_string_value(str)),
           ALTROOT_E_GATEWAY_JWS_MALFORMED);
    size_t n = jose_b64_dec(str, NULL, 0);
    /* SIZE_MAX (libjose's error) is above the limit too. */
    ENSURE(n <= ALTROOT_GW_JWS_MAX, ALTROOT_E_GATEWAY_JWS_MALFORMED);
    TRY(altroot_bytes_reserve(out, n + 1));
    ENSURE(jose_b64_dec(str, out->ptr + out->len, n) == n, ALTROOT_E_GATEWAY_JWS_MALFORMED);
    out->len += n;
    return ALTROOT_OK;
}

/* A JSON object from bytes; duplicate members are refused (RFC 7515 5.2: a JWS with them must
 * be rejected or the last one used; refusing is the only reading every parser shares). */
static altroot_err json_object_of(altroot_span bytes, json_t **out)
{
    json_error_t e;
    json_t *j = json_loadb((const char *)bytes.ptr, bytes.len, JSON_REJECT_DUPLICATES, &e);
    ENSURE(j != NULL, ALTROOT_E_GATEWAY_JWS_MALFORMED);
    if (!json_is_object(j)) {
        json_decref(j);
        return ALTROOT_E_GATEWAY_JWS_MALFORMED;
    }
    *out = j;
    return ALTROOT_OK;
}

altroot_err altroot_gw_b64url_json(const json_t *str, json_t **out)
{
    altroot_bytes b = ALTROOT_BYTES_INIT;
    altroot_err err = b64url_bytes(str, &b);
    if (err == ALTROOT_OK)
        err = json_object_of(altroot_bytes_span(&b), out);
    altroot_bytes_clear(&b);
    return err;
}

/* RFC 8555 6.2: exactly the three members of a flattened JWS with one signature, and no
 * unprotected header. */
altroot_err altroot_gw_jws_flattened(const json_t *root)
{
    ENSURE(json_is_object(root), ALTROOT_E_GATEWAY_JWS_MALFORMED);
    ENSURE(json_object_size(root) == 3, ALTROOT_E_GATEWAY_JWS_MALFORMED);
    static const char *const members[] = {"protected", "payload", "signature"};
    for (size_t i = 0; i < 3; i++) {
        const json_t *m = json_object_get(root, members[i]);
        ENSURE(json_is_string(m) && b64url_ok(json_string_value(m)),
               ALTROOT_E_GATEWAY_JWS_MALFORMED);
    }
    ENSURE(json_string_length(json_object_get(root, "protected")) > 0 &&
               json_string_length(json_object_get(root, "signature")) > 0,
           ALTROOT_E_GATEWAY_JWS_MALFORMED);
    return ALTROOT_OK;
}

static altroot_err copy_string(const json_t *j, char *out, size_t len)
{
    ENSURE(json_is_string(j), ALTROOT_E_GATEWAY_JWS_MALFORMED);
    size_t n = json_string_length(j);
    ENSURE(n > 0 && n < len && strlen(json_string_value(j)) == n, ALTROOT_E_GATEWAY_JWS_MALFORMED);
    memcpy(out, json_string_value(j), n + 1);
    return ALTROOT_OK;
}

static altroot_err parse_alg(const json_t *j, altroot_gw_alg *alg)
{
    ENSURE(json_is_string(j), ALTROOT_E_GATEWAY_JWS_MALFORMED);
    const char *s = json_string_value(j);
    /* RFC 8555 6.2: never "none", never a MAC. */
    *alg = strcmp(s, "ES256") == 0   ? ALTROOT_GW_ES256
           : strcmp(s, "ES384") == 0 ? ALTROOT_GW_ES384
           : strcmp(s, "RS256") == 0 ? ALTROOT_GW_RS256
                                     : (altroot_gw_alg)0;
    ENSURE(*alg != 0, ALTROOT_E_GATEWAY_JWS_ALG);
    return ALTROOT_OK;
}

/* The protected header: alg, nonce, url, and jwk xor kid. "crit" and "b64" (RFC 7797) would
 * change what the signature covers; no extension is understood, so both are refused. */
static altroot_err parse_protected(altroot_gw_jws *out, const json_t *hdr)
{
    ENSURE(json_object_get(hdr, "crit") == NULL && json_object_get(hdr, "b64") == NULL,
           ALTROOT_E_GATEWAY_JWS_MALFORMED);
    TRY(parse_alg(json_object_get(hdr, "alg"), &out->alg));
    const json_t *nonce = json_object_get(hdr, "nonce");
    TRY(copy_string(nonce, out->nonce, sizeof out->nonce));
    ENSURE(b64url_ok(out->nonce), ALTROOT_E_GATEWAY_JWS_MALFORMED);
    TRY(copy_string(json_object_get(hdr, "url"), out->url, sizeof out->url));
    json_t *jwk = json_object_get(hdr, "jwk");
    const json_t *kid = json_object_get(hdr, "kid");
    ENSURE((jwk == NULL) != (kid == NULL), ALTROOT_E_GATEWAY_JWS_MALFORMED);
    if (kid != NULL)
        return copy_string(kid, out->kid, sizeof out->kid);
    ENSURE(json_is_object(jwk), ALTROOT_E_GATEWAY_JWS_MALFORMED);
    TRY(altroot_gw_jwk_check(jwk, out->alg));
    out->jwk = jwk;
    return ALTROOT_OK;
}

static altroot_err parse_payload(altroot_gw_jws *out)
{
    const json_t *p = json_object_get(out->root, "payload");
    if (json_string_length(p) == 0) {
        out->post_as_get = true; /* RFC 8555 6.3 */
        return ALTROOT_OK;
    }
    return altroot_gw_b64url_json(p, &out->payload);
}

altroot_err altroot_gw_jws_parse(altroot_span body, altroot_gw_jws *out)
{
    ENSURE(out != NULL && (body.ptr != NULL || body.len == 0), ALTROOT_E_INTERNAL);
    memset(out, 0, sizeof *out);
    ENSURE(body.len <= ALTROOT_GW_JWS_MAX, ALTROOT_E_TOO_LARGE);
    TRY(json_object_of(body, &out->root));
    TRY(altroot_gw_jws_flattened(out->root));
    TRY(altroot_gw_b64url_json(json_object_get(out->root, "protected"), &out->header));
    TRY(parse_protected(out, out->header));
    return parse_payload(out);
}

void altroot_gw_jws_clear(altroot_gw_jws *jws)
{
    if (jws == NULL)
        return;
    json_decref(jws->payload);
    json_decref(jws->header);
    json_decref(jws->root);
    memset(jws, 0, sizeof *jws);
}

static size_t b64url_len(const json_t *j)
{
    if (!json_is_string(j) || !b64url_ok(json_string_value(j)))
        return SIZE_MAX;
    return jose_b64_dec(j, NULL, 0);
}

/* Magnitude of an RSA modulus in bytes (leading zero octets are not part of it). */
static size_t rsa_modulus_bytes(const json_t *n)
{
    altroot_bytes b = ALTROOT_BYTES_INIT;
    size_t len = 0;
    if (b64url_bytes(n, &b) == ALTROOT_OK) {
        size_t i = 0;
        while (i < b.len && b.ptr[i] == 0)
            i++;
        len = b.len - i;
    }
    altroot_bytes_clear(&b);
    return len;
}

altroot_err altroot_gw_jwk_check(const json_t *jwk, altroot_gw_alg alg)
{
    ENSURE(json_is_object(jwk), ALTROOT_E_GATEWAY_JWS_KEY);
    static const char *const private_members[] = {"d", "p", "q", "dp", "dq", "qi", "oth", "k"};
    for (size_t i = 0; i < ALTROOT_ARRAY_LEN(private_members); i++)
        ENSURE(json_object_get(jwk, private_members[i]) == NULL, ALTROOT_E_GATEWAY_JWS_KEY);
    const char *kty = json_string_value(json_object_get(jwk, "kty"));
    ENSURE(kty != NULL, ALTROOT_E_GATEWAY_JWS_KEY);
    if (alg == ALTROOT_GW_RS256) {
        ENSURE(strcmp(kty, "RSA") == 0 && b64url_len(json_object_get(jwk, "e")) != SIZE_MAX,
               ALTROOT_E_GATEWAY_JWS_KEY);
        size_t n = rsa_modulus_bytes(json_object_get(jwk, "n"));
        ENSURE(n >= 256 && n <= 1024, ALTROOT_E_GATEWAY_JWS_KEY); /* 2048 to 8192 bits */
        return ALTROOT_OK;
    }
    ENSURE(alg == ALTROOT_GW_ES256 || alg == ALTROOT_GW_ES384, ALTROOT_E_GATEWAY_JWS_ALG);
    const char *crv = json_string_value(json_object_get(jwk, "crv"));
    const char *want = alg == ALTROOT_GW_ES256 ? "P-256" : "P-384";
    size_t coord = alg == ALTROOT_GW_ES256 ? 32 : 48;
    ENSURE(strcmp(kty, "EC") == 0 && crv != NULL && strcmp(crv, want) == 0,
           ALTROOT_E_GATEWAY_JWS_KEY);
    ENSURE(b64url_len(json_object_get(jwk, "x")) == coord &&
               b64url_len(json_object_get(jwk, "y")) == coord,
           ALTROOT_E_GATEWAY_JWS_KEY);
    return ALTROOT_OK;
}

/* Verify a flattened JWS (checked to hold only its three members) with `key`. */
static bool jose_verify(const json_t *root, const json_t *key)
{
    return jose_jws_ver(NULL, root, NULL, key, false);
}

altroot_err altroot_gw_jws_verify(const altroot_gw_jws *jws, const json_t *key)
{
    ENSURE(jws != NULL && jws->root != NULL && key != NULL, ALTROOT_E_INTERNAL);
    TRY(altroot_gw_jwk_check(key, jws->alg));
    ENSURE(jose_verify(jws->root, key), ALTROOT_E_GATEWAY_JWS_SIGNATURE);
    return ALTROOT_OK;
}

altroot_err altroot_gw_jwk_thumbprint(const json_t *jwk, char out[44])
{
    ENSURE(jwk != NULL && out != NULL, ALTROOT_E_INTERNAL);
    uint8_t h[32];
    ENSURE(jose_jwk_thp_buf(NULL, jwk, "S256", h, sizeof h) == sizeof h, ALTROOT_E_GATEWAY_JWS_KEY);
    altroot_bytes b = ALTROOT_BYTES_INIT;
    TRY(altroot_gw_b64((altroot_span){h, sizeof h}, true, &b));
    memcpy(out, b.ptr, 44); /* 43 characters and the NUL */
    altroot_bytes_clear(&b);
    return ALTROOT_OK;
}

altroot_err altroot_gw_key_authorization(const char *token, const json_t *jwk, char *out,
                                         size_t len)
{
    ENSURE(token != NULL && out != NULL, ALTROOT_E_INTERNAL);
    char thp[44];
    TRY(altroot_gw_jwk_thumbprint(jwk, thp));
    int n = snprintf(out, len, "%s.%s", token, thp);
    ENSURE(n > 0 && (size_t)n < len, ALTROOT_E_TOO_LARGE);
    return ALTROOT_OK;
}

altroot_err altroot_gw_jws_check_url(const altroot_gw_jws *jws, const char *request_url)
{
    ENSURE(jws != NULL && request_url != NULL, ALTROOT_E_INTERNAL);
    ENSURE(strcmp(jws->url, request_url) == 0, ALTROOT_E_GATEWAY_JWS_URL);
    return ALTROOT_OK;
}
