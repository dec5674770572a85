/* Replay nonces: a ring of outstanding ones, oldest overwritten first. */
#include <string.h>

#include <altroot/alloc.h>
#include <altroot/fdo_crypto.h>

#include "../src/core/guard.h"
#include "gateway.h"
#include "nonce.h"

typedef struct slot {
    char text[ALTROOT_GW_NONCE_LEN + 1]; /* "" when free */
} slot;

struct altroot_gw_nonces {
    slot *slots;
    size_t capacity;
    size_t next; /* the slot the next nonce takes (the oldest when full) */
};

altroot_err altroot_gw_nonces_new(size_t capacity, altroot_gw_nonces **out)
{
    ENSURE(out != NULL && capacity > 0 && capacity <= ((size_t)1 << 20), ALTROOT_E_ARG);
    altroot_gw_nonces *n = altroot_calloc(1, sizeof *n);
    ENSURE(n != NULL, ALTROOT_E_NOMEM);
    n->slots = altroot_calloc(capacity, sizeof *n->slots);
    if (n->slots == NULL) {
        altroot_free(n);
        return ALTROOT_E_NOMEM;
    }
    n->capacity = capacity;
    *out = n;
    return ALTROOT_OK;
}

void altroot_gw_nonces_free(altroot_gw_nonces *n)
{
    if (n == NULL)
        return;
    altroot_free(n->slots);
    altroot_free(n);
}

altroot_err altroot_gw_nonce_issue(altroot_gw_nonces *n, char out[ALTROOT_GW_NONCE_LEN + 1])
{
    ENSURE(n != NULL && out != NULL, ALTROOT_E_INTERNAL);
    uint8_t rnd[16];
    TRY(altroot_random_bytes(rnd, sizeof rnd));
    altroot_bytes b = ALTROOT_BYTES_INIT;
    TRY(altroot_gw_b64((altroot_span){rnd, sizeof rnd}, true, &b));
    ENSURE(b.len == ALTROOT_GW_NONCE_LEN, ALTROOT_E_INTERNAL);
    slot *s = &n->slots[n->next];
    memcpy(s->text, b.ptr, ALTROOT_GW_NONCE_LEN + 1);
    memcpy(out, b.ptr, ALTROOT_GW_NONCE_LEN + 1);
    altroot_bytes_clear(&b);
    n->next = (n->next + 1) % n->capacity;
    return ALTROOT_OK;
}

altroot_err altroot_gw_nonce_use(altroot_gw_nonces *n, const char *nonce)
{
    ENSURE(n != NULL && nonce != NULL, ALTROOT_E_INTERNAL);
    ENSURE(strlen(nonce) == ALTROOT_GW_NONCE_LEN, ALTROOT_E_GATEWAY_BAD_NONCE);
    for (size_t i = 0; i < n->capacity; i++) {
        slot *s = &n->slots[i];
        if (s->text[0] != '\0' && strcmp(s->text, nonce) == 0) {
            s->text[0] = '\0'; /* used once */
            return ALTROOT_OK;
        }
    }
    return ALTROOT_E_GATEWAY_BAD_NONCE;
}
