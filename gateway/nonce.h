/*
 * Replay nonces (RFC 8555 6.5): each is 128 random bits, base64url, accepted once. The store is
 * in memory and bounded: past its capacity the oldest nonce is forgotten, and a restart forgets
 * all; either way the client gets badNonce with a fresh nonce and retries (RFC 8555 6.5: "the
 * client SHOULD retry"). One store per server loop; not thread-safe.
 */
#ifndef ALTROOT_GATEWAY_NONCE_H
#define ALTROOT_GATEWAY_NONCE_H

#include <stddef.h>

#include <altroot/altroot.h>

#define ALTROOT_GW_NONCE_LEN 22 /* base64url of 16 bytes */

typedef struct altroot_gw_nonces altroot_gw_nonces;

/* A store of at most `capacity` outstanding nonces. Caller frees with altroot_gw_nonces_free(). */
ALTROOT_MUST_CHECK altroot_err altroot_gw_nonces_new(size_t capacity, altroot_gw_nonces **out);
void altroot_gw_nonces_free(altroot_gw_nonces *n);

/* A fresh nonce into `out`, remembered as outstanding. */
ALTROOT_MUST_CHECK altroot_err altroot_gw_nonce_issue(altroot_gw_nonces *n,
                                                      char out[ALTROOT_GW_NONCE_LEN + 1]);

/* Accept `nonce` once: OK when it is outstanding (it is then forgotten), else
 * E_GATEWAY_BAD_NONCE. */
ALTROOT_MUST_CHECK altroot_err altroot_gw_nonce_use(altroot_gw_nonces *n, const char *nonce);

#endif
