/* Evidence extension and integration error codes: 1000-1099. Part of ALTROOT_ERROR_LIST
 * (error.h); append only. */
#ifndef ALTROOT_ERROR_EVIDENCE_H
#define ALTROOT_ERROR_EVIDENCE_H

/* X(NAME, value, "one-line message") */
#define ALTROOT_ERRORS_EVIDENCE(X)                                                                 \
    X(E_EVIDENCE_FORMAT, 1000, "evidence extension is malformed")                                  \
    X(E_EVIDENCE_TOO_LARGE, 1001, "evidence extension exceeds 16 KiB")                             \
    X(E_EVIDENCE_VERSION, 1002, "evidence version is not supported")                               \
    X(E_EVIDENCE_CRITICAL, 1003, "evidence extension is marked critical")                          \
    X(E_EVIDENCE_UNKNOWN_KEY, 1004, "evidence or binding claims hold an unknown key")              \
    X(E_EVIDENCE_DUPLICATE_ROOT, 1005, "evidence holds two entries for one root")                  \
    X(E_EVIDENCE_NOT_DETERMINISTIC, 1006, "evidence is not in deterministic CBOR encoding")        \
    X(E_EVIDENCE_ROOT_TYPE, 1007, "evidence names an unknown root type")                           \
    X(E_EVIDENCE_BINDING_FORMAT, 1008, "binding is not a COSE_Sign1 over binding claims")          \
    X(E_EVIDENCE_BINDING_SIGNATURE, 1009, "binding signature does not verify with the device key") \
    X(E_EVIDENCE_KEY_MISMATCH, 1010, "binding names another TLS key (cnf kid)")                    \
    X(E_EVIDENCE_NOT_YET_VALID, 1011, "binding was issued after the verification time (iat)")      \
    X(E_EVIDENCE_EXPIRED, 1012, "binding expired before the verification time (exp)")              \
    X(E_EVIDENCE_IDENTITY, 1013, "binding identity differs from what the artefacts say")           \
    X(E_EVIDENCE_ARTEFACT, 1014, "evidence artefact failed its root's verification")               \
    X(E_EVIDENCE_DEVICE_KEY, 1015, "the device key that signs the binding cannot be found")        \
    X(E_EVIDENCE_NAMES, 1016, "binding names are malformed")                                       \
    X(E_EVIDENCE_PRIMARY, 1017, "TLS chain failed its alternative root's primary verification")    \
    X(E_EVIDENCE_MEMBERS, 1018, "binding digests do not match the members of its root")            \
    X(E_EVIDENCE_MEDIA_TYPE, 1019, "evidence member has the wrong media type")                     \
    X(E_EVIDENCE_INDICATOR, 1020, "evidence member has the wrong CMW indicator")                   \
    X(E_EVIDENCE_PROFILE, 1021, "binding names another EAT profile")

#endif
