/* Gateway (local CA and ACME server) error codes: 1100-1149. Part of ALTROOT_ERROR_LIST
 * (error.h); append only. */
#ifndef ALTROOT_ERROR_GATEWAY_H
#define ALTROOT_ERROR_GATEWAY_H

/* X(NAME, value, "one-line message") */
#define ALTROOT_ERRORS_GATEWAY(X)                                                                  \
    X(E_GATEWAY_DIR, 1100, "gateway directory must be new or empty, and private (0700)")           \
    X(E_GATEWAY_DB, 1101, "gateway database cannot be opened, read or written")                    \
    X(E_GATEWAY_SCHEMA, 1102, "gateway database holds an unknown schema version")                  \
    X(E_GATEWAY_ZONE, 1103, "zone is not a DNS name of at least two labels")                       \
    X(E_GATEWAY_CIDR, 1104, "IP range is not ADDRESS/PREFIX")                                      \
    X(E_GATEWAY_NOT_INITIALISED, 1105, "directory holds no gateway (run altroot gateway init)")    \
    X(E_GATEWAY_OUTSIDE_ZONE, 1106, "name is not inside the gateway's zone")                       \
    X(E_GATEWAY_NAME_RESERVED, 1107, "name is reserved (the zone itself or localhost)")            \
    X(E_GATEWAY_JWS_MALFORMED, 1108,                                                               \
      "request is not a flattened JWS with a valid protected header")                              \
    X(E_GATEWAY_JWS_ALG, 1109, "JWS algorithm is not ES256, ES384 or RS256")                       \
    X(E_GATEWAY_JWS_KEY, 1110, "JWS key does not fit its algorithm, is too weak or is private")    \
    X(E_GATEWAY_JWS_SIGNATURE, 1111, "JWS signature does not verify")                              \
    X(E_GATEWAY_JWS_URL, 1112, "JWS url is not the URL of the request")                            \
    X(E_GATEWAY_EAB_REQUIRED, 1113, "an external account binding is required")                     \
    X(E_GATEWAY_EAB_INVALID, 1114, "external account binding does not verify with an allowed key") \
    X(E_GATEWAY_CSR_MALFORMED, 1115, "CSR is not one DER or PEM PKCS#10 request")                  \
    X(E_GATEWAY_CSR_SIGNATURE, 1116, "CSR signature does not verify with its own key")             \
    X(E_GATEWAY_CSR_KEY, 1117, "CSR key is not EC P-256/P-384 or RSA 2048-8192, or is the CA's")   \
    X(E_GATEWAY_CSR_NAMES, 1118, "CSR names are not exactly the requested names in the zone")      \
    X(E_GATEWAY_CSR_EXTENSION, 1119, "CSR requests an extension the gateway does not accept")      \
    X(E_GATEWAY_LIFETIME, 1120, "certificate lifetime must be 1 to 90 days")                       \
    X(E_GATEWAY_BAD_NONCE, 1121, "nonce was not issued by this gateway or is used already")        \
    X(E_GATEWAY_CHALLENGE_RESPONSE, 1122, "challenge response is not the key authorization")       \
    X(E_GATEWAY_CHALLENGE_CONNECT, 1123, "challenge could not be fetched from the device")

#endif
