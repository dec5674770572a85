/* Fuzz target: ACME request bodies (gateway/jws.c, gateway/eab.c): the flattened JWS parser,
 * signature verification with the header's key, the thumbprint, and the external account
 * binding of a newAccount payload. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../gateway/jws.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static altroot_err lookup(void *ctx, const char *kid, uint8_t hmac[32])
{
    (void)ctx;
    if (strcmp(kid, "fuzz") != 0)
        return ALTROOT_E_NOT_FOUND;
    memset(hmac, 0x42, 32);
    return ALTROOT_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    altroot_gw_jws j;
    altroot_err err = altroot_gw_jws_parse((altroot_span){data, size}, &j);
    if (err == ALTROOT_OK) {
        /* An accepted request has what every handler relies on. */
        if (j.url[0] == '\0' || j.nonce[0] == '\0' || (j.jwk == NULL) == (j.kid[0] == '\0') ||
            j.post_as_get == (j.payload != NULL))
            __builtin_trap();
        if (j.jwk != NULL) {
            char thp[44];
            altroot_err v = altroot_gw_jws_verify(&j, j.jwk);
            /* The key was checked when parsing: only the signature may fail now. */
            if (v != ALTROOT_OK && v != ALTROOT_E_GATEWAY_JWS_SIGNATURE && v != ALTROOT_E_NOMEM)
                __builtin_trap();
            if (altroot_gw_jwk_thumbprint(j.jwk, thp) == ALTROOT_OK && strlen(thp) != 43)
                __builtin_trap();
            char kid[64];
            json_t *eab = json_object_get(j.payload, "externalAccountBinding");
            if (altroot_gw_eab_verify(&j, eab, lookup, NULL, kid) == ALTROOT_OK &&
                strcmp(kid, "fuzz") != 0)
                __builtin_trap();
        }
    }
    altroot_gw_jws_clear(&j);
    return 0;
}
