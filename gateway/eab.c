/* RFC 8555 7.3.4 external account binding: the newAccount request carries a JWS, MACed with a
 * key the gateway handed out (altroot gateway allow), over the account's public key. */
#include <string.h>

#include <jose/b64.h>
#include <jose/jws.h>

#include <altroot/alloc.h>

#include "../src/core/guard.h"
#include "gateway.h"
#include "jws.h"

/* The EAB's protected header: "alg" a MAC (HS256 is the only one accepted), "kid" the key id,
 * "url" the outer url, and "The protected header MUST NOT contain a nonce". */
static altroot_err eab_header(const altroot_gw_jws *outer, const json_t *hdr, char kid[64])
{
    const char *alg = json_string_value(json_object_get(hdr, "alg"));
    const char *k = json_string_value(json_object_get(hdr, "kid"));
    const char *url = json_string_value(json_object_get(hdr, "url"));
    ENSURE(alg != NULL && strcmp(alg, "HS256") == 0, ALTROOT_E_GATEWAY_EAB_INVALID);
    ENSURE(json_object_get(hdr, "nonce") == NULL && json_object_get(hdr, "crit") == NULL &&
               json_object_get(hdr, "jwk") == NULL && json_object_get(hdr, "b64") == NULL,
           ALTROOT_E_GATEWAY_EAB_INVALID);
    ENSURE(url != NULL && strcmp(url, outer->url) == 0, ALTROOT_E_GATEWAY_EAB_INVALID);
    ENSURE(k != NULL && strlen(k) > 0 && strlen(k) < 64, ALTROOT_E_GATEWAY_EAB_INVALID);
    memcpy(kid, k, strlen(k) + 1);
    return ALTROOT_OK;
}

static altroot_err hmac_jwk(const uint8_t mac[32], json_t **out)
{
    json_t *k = jose_b64_enc(mac, 32);
    ENSURE(k != NULL, ALTROOT_E_NOMEM);
    *out = json_pack("{s:s,s:o}", "kty", "oct", "k", k); /* steals k, even on failure */
    ENSURE(*out != NULL, ALTROOT_E_NOMEM);
    return ALTROOT_OK;
}

/* The payload is the outer jwk, exactly (member order aside). */
static altroot_err eab_payload(const altroot_gw_jws *outer, const json_t *eab)
{
    json_t *payload = NULL;
    ENSURE(altroot_gw_b64url_json(json_object_get(eab, "payload"), &payload) == ALTROOT_OK,
           ALTROOT_E_GATEWAY_EAB_INVALID);
    bool same = json_equal(payload, outer->jwk) != 0;
    json_decref(payload);
    ENSURE(same, ALTROOT_E_GATEWAY_EAB_INVALID);
    return ALTROOT_OK;
}

static altroot_err eab_mac(const json_t *eab, const char *kid, altroot_gw_eab_lookup lookup,
                           void *ctx)
{
    uint8_t mac[32];
    json_t *key = NULL;
    altroot_err err = lookup(ctx, kid, mac);
    if (err == ALTROOT_E_NOT_FOUND)
        err = ALTROOT_E_GATEWAY_EAB_INVALID;
    if (err == ALTROOT_OK)
        err = hmac_jwk(mac, &key);
    if (err == ALTROOT_OK && !jose_jws_ver(NULL, eab, NULL, key, false))
        err = ALTROOT_E_GATEWAY_EAB_INVALID;
    altroot_wipe(mac, sizeof mac);
    json_decref(key);
    return err;
}

altroot_err altroot_gw_eab_verify(const altroot_gw_jws *outer, const json_t *eab,
                                  altroot_gw_eab_lookup lookup, void *ctx, char kid_out[64])
{
    ENSURE(outer != NULL && lookup != NULL && kid_out != NULL, ALTROOT_E_INTERNAL);
    /* newAccount is signed with its own key (jwk), the one the binding vouches for. */
    ENSURE(eab != NULL, ALTROOT_E_GATEWAY_EAB_REQUIRED);
    ENSURE(outer->jwk != NULL, ALTROOT_E_GATEWAY_EAB_INVALID);
    ENSURE(altroot_gw_jws_flattened(eab) == ALTROOT_OK, ALTROOT_E_GATEWAY_EAB_INVALID);
    json_t *hdr = NULL;
    ENSURE(altroot_gw_b64url_json(json_object_get(eab, "protected"), &hdr) == ALTROOT_OK,
           ALTROOT_E_GATEWAY_EAB_INVALID);
    char kid[64];
    altroot_err err = eab_header(outer, hdr, kid);
    json_decref(hdr);
    TRY(err);
    TRY(eab_payload(outer, eab));
    TRY(eab_mac(eab, kid, lookup, ctx));
    memcpy(kid_out, kid, strlen(kid) + 1);
    return ALTROOT_OK;
}
