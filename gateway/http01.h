/*
 * The http-01 challenge (RFC 8555 8.3): the gateway fetches
 * http://NAME/.well-known/acme-challenge/TOKEN from the device and compares the body with the
 * key authorization. Only together with an external account binding for NAME (docs/gateway.md):
 * answering on the LAN alone proves nothing about who let the device in.
 */
#ifndef ALTROOT_GATEWAY_HTTP01_H
#define ALTROOT_GATEWAY_HTTP01_H

#include <altroot/altroot.h>

/* Largest body read; a key authorization is about 87 bytes. */
#define ALTROOT_GW_HTTP01_MAX 1024

typedef struct altroot_gw_http01 {
    const char *name;              /* borrowed; the identifier, a DNS name */
    const char *token;             /* borrowed; base64url */
    const char *key_authorization; /* borrowed; token "." thumbprint */
    const char *connect_to;        /* borrowed; "ADDRESS:PORT" to reach instead of NAME:80, or
                                      NULL (tests, and a gateway that knows the address) */
    int timeout_ms;
} altroot_gw_http01;

/* OK when the device answered 200 with the key authorization (trailing whitespace ignored, RFC
 * 8555 8.3). Redirects are not followed: the gateway fetches nothing but the device's own
 * answer. E_GATEWAY_CHALLENGE_CONNECT when it could not be fetched (no answer, timeout, a status
 * other than 200, a body over ALTROOT_GW_HTTP01_MAX); E_GATEWAY_CHALLENGE_RESPONSE when the body
 * differs; E_ARG for a token or name that could not be in a URL. */
ALTROOT_MUST_CHECK altroot_err altroot_gw_http01_validate(const altroot_gw_http01 *c);

#endif
