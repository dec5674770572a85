/*
 * altroot error codes.
 *
 * One list generates the enum, altroot_strerror() and altroot_error_name(). Values are explicit,
 * grouped by category, and never renumbered or reused: append new codes at the end of their group.
 * A retired code keeps its number and its entry.
 */
#ifndef ALTROOT_ERROR_H
#define ALTROOT_ERROR_H

#include <altroot/export.h>
#include <altroot/error_devid.h>
#include <altroot/error_evidence.h>
#include <altroot/error_fdo.h>
#include <altroot/error_gateway.h>
#include <altroot/error_matter.h>

/* X(NAME, value, "one-line message"). Each root of trust keeps its own range in its own header
 * (error_<area>.h); ALTROOT_ERROR_LIST joins them. */
#define ALTROOT_ERRORS_CORE(X)                                                                     \
    X(OK, 0, "success")                                                                            \
    /* usage: 100-199 */                                                                           \
    X(E_USAGE, 100, "invalid command-line usage")                                                  \
    X(E_ARG, 101, "invalid argument")                                                              \
    X(E_URL, 102, "malformed or unsupported URL")                                                  \
    X(E_TIME_FORMAT, 103, "malformed time value")                                                  \
    X(E_UNSUPPORTED, 104, "feature not supported by this version")                                 \
    /* input/output and network: 200-299 */                                                        \
    X(E_IO, 200, "input/output error")                                                             \
    X(E_NOT_FOUND, 201, "file or directory not found")                                             \
    X(E_RESOLVE, 202, "host name could not be resolved")                                           \
    X(E_CONNECT, 203, "connection refused or unreachable")                                         \
    X(E_TIMEOUT, 204, "operation timed out")                                                       \
    X(E_TLS_HANDSHAKE, 205, "TLS handshake failed")                                                \
    X(E_NOT_TLS, 206, "peer does not speak TLS")                                                   \
    X(E_TOO_LARGE, 207, "input exceeds the size limit")                                            \
    X(E_NOT_REGULAR, 208, "not a regular file (a FIFO, device, socket or directory)")              \
    /* malformed input: 300-399 */                                                                 \
    X(E_MALFORMED, 300, "malformed input")                                                         \
    X(E_TRUNCATED, 301, "input is truncated")                                                      \
    X(E_TRAILING_DATA, 302, "unexpected data after the end of the input")                          \
    X(E_DER, 303, "malformed DER encoding")                                                        \
    X(E_PEM, 304, "malformed PEM encoding")                                                        \
    X(E_CERT_PARSE, 305, "certificate cannot be parsed")                                           \
    X(E_KEY_PARSE, 306, "public key cannot be parsed")                                             \
    X(E_EMPTY, 307, "input holds no usable object")                                                \
    X(E_KEY_HASH_NAME_MALFORMED, 308, "host name looks like a key-hash name but is malformed")     \
    /* signatures and chains: 400-499 */                                                           \
    X(E_SIGNATURE, 400, "signature verification failed")                                           \
    X(E_CHAIN_NO_ANCHOR, 401, "chain does not lead to a trusted anchor")                           \
    X(E_CHAIN_SELF_SIGNED, 402, "certificate is self-signed and not a trusted anchor")             \
    X(E_CHAIN_INVALID, 403, "certificate chain is invalid")                                        \
    X(E_CERT_EXPIRED, 404, "certificate has expired at the verification time")                     \
    X(E_CERT_NOT_YET_VALID, 405, "certificate is not yet valid at the verification time")          \
    X(E_CHAIN_CA, 406, "issuer is not allowed to act as a certificate authority")                  \
    X(E_CHAIN_PURPOSE, 407, "certificate is not allowed for this purpose")                         \
    X(E_CHAIN_NAME_CONSTRAINTS, 408, "certificate violates its issuer's name constraints")         \
    X(E_CHAIN_CRITICAL_EXT, 409, "certificate has an unhandled critical extension")                \
    X(E_CHAIN_LENGTH, 410, "certificate chain is too long")                                        \
    X(E_CHAIN_KEY_TOO_WEAK, 411, "certificate key or signature algorithm is too weak")             \
    /* policy and trust: 500-599 */                                                                \
    X(E_NAME_MISMATCH, 500, "certificate does not match the requested host name or address")       \
    X(E_NO_ANCHORS, 501, "no anchors of the required kind are configured")                         \
    X(E_ANCHOR_FILE, 502, "anchor file cannot be used")                                            \
    X(E_NOT_TRUSTED, 503, "nothing establishes trust in this peer")                                \
    X(E_POLICY, 504, "artefact violates the profile rules")                                        \
    X(E_PIN_MISMATCH, 505, "the device is not the one pinned for this name")                       \
    X(E_PIN_FILE, 506, "pin file is malformed")                                                    \
    X(E_PIN_EXISTS, 507, "a pin for this name already exists")                                     \
    X(E_PIN_NOTHING, 508, "the device proved no identity that can be pinned")                      \
    X(E_KEY_HASH_NAME_MISMATCH, 509, "the key-hash name names another public key")                 \
    X(E_STORE_WRITABLE, 510, "trust store file or folder is writable by group or others")          \
    X(E_STORE_OWNER, 511, "trust store file or folder is owned by another user")                   \
    X(E_STORE_SYMLINK, 512, "trust store entry is a symbolic link")                                \
    X(E_ENGINE_CERT, 520, "the browser engine received a certificate altroot did not judge")       \
    /* internal: 900-999 */                                                                        \
    X(E_INTERNAL, 900, "internal error")                                                           \
    X(E_NOMEM, 901, "out of memory")                                                               \
    X(E_CRYPTO, 902, "cryptographic library failure")

#define ALTROOT_ERROR_LIST(X)                                                                      \
    ALTROOT_ERRORS_CORE(X)                                                                         \
    ALTROOT_ERRORS_MATTER(X)                                                                       \
    ALTROOT_ERRORS_DEVID(X)                                                                        \
    ALTROOT_ERRORS_FDO(X)                                                                          \
    ALTROOT_ERRORS_EVIDENCE(X)                                                                     \
    ALTROOT_ERRORS_GATEWAY(X)

typedef enum altroot_err {
#define ALTROOT_ERR_ENUM_(name, value, msg) ALTROOT_##name = (value),
    ALTROOT_ERROR_LIST(ALTROOT_ERR_ENUM_)
#undef ALTROOT_ERR_ENUM_
} altroot_err;

/* One-line English message; never NULL. Unknown values give "unknown error". */
ALTROOT_API const char *altroot_strerror(altroot_err err);

/* Stable symbolic name without prefix, for example "E_CERT_EXPIRED"; never NULL. */
ALTROOT_API const char *altroot_error_name(altroot_err err);

/* Category of a code: "ok", "usage", "io", "malformed", "signature", "policy", "matter",
 * "devid", "fdo", "evidence", "gateway", "internal". */
ALTROOT_API const char *altroot_error_category(altroot_err err);

#endif
