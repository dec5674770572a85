/* ACME problem documents: RFC 8555 6.7 error types, each with the status a client expects. */
#include <stdio.h>

#include "jws.h"

altroot_gw_problem altroot_gw_problem_of(altroot_err err)
{
    switch (err) {
    case ALTROOT_E_GATEWAY_JWS_MALFORMED:
    case ALTROOT_E_GATEWAY_JWS_SIGNATURE:
    case ALTROOT_E_MALFORMED:
    case ALTROOT_E_TOO_LARGE:
        return (altroot_gw_problem){"malformed", 400};
    case ALTROOT_E_GATEWAY_JWS_ALG:
        return (altroot_gw_problem){"badSignatureAlgorithm", 400};
    case ALTROOT_E_GATEWAY_JWS_KEY:
        return (altroot_gw_problem){"badPublicKey", 400};
    case ALTROOT_E_GATEWAY_CHALLENGE_RESPONSE:
        return (altroot_gw_problem){"incorrectResponse", 403};
    case ALTROOT_E_GATEWAY_CHALLENGE_CONNECT:
        return (altroot_gw_problem){"connection", 400};
    case ALTROOT_E_GATEWAY_BAD_NONCE:
        return (altroot_gw_problem){"badNonce", 400};
    case ALTROOT_E_GATEWAY_JWS_URL:
    case ALTROOT_E_GATEWAY_EAB_INVALID:
        return (altroot_gw_problem){"unauthorized", 401};
    case ALTROOT_E_GATEWAY_EAB_REQUIRED:
        return (altroot_gw_problem){"externalAccountRequired", 400};
    case ALTROOT_E_GATEWAY_CSR_MALFORMED:
    case ALTROOT_E_GATEWAY_CSR_SIGNATURE:
    case ALTROOT_E_GATEWAY_CSR_KEY:
    case ALTROOT_E_GATEWAY_CSR_NAMES:
    case ALTROOT_E_GATEWAY_CSR_EXTENSION:
        return (altroot_gw_problem){"badCSR", 400};
    case ALTROOT_E_GATEWAY_OUTSIDE_ZONE:
    case ALTROOT_E_GATEWAY_NAME_RESERVED:
        return (altroot_gw_problem){"rejectedIdentifier", 400};
    default:
        return (altroot_gw_problem){"serverInternal", 500};
    }
}

char *altroot_gw_problem_json(altroot_err err, const char *detail)
{
    altroot_gw_problem p = altroot_gw_problem_of(err);
    char type[96];
    snprintf(type, sizeof type, "urn:ietf:params:acme:error:%s", p.type);
    /* A server fault names no internals; a client's gets the code that explains it. */
    char text[512];
    if (p.status == 500)
        snprintf(text, sizeof text, "internal error");
    else
        snprintf(text, sizeof text, "%s (%s)", detail != NULL ? detail : altroot_strerror(err),
                 altroot_error_name(err));
    json_t *j = json_pack("{s:s,s:s,s:i}", "type", type, "detail", text, "status", p.status);
    char *out = j != NULL ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    return out;
}
