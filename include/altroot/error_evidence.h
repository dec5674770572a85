/* Evidence extension and integration error codes: 1000-1099. Part of ALTROOT_ERROR_LIST
 * (error.h); append only. */
#ifndef ALTROOT_ERROR_EVIDENCE_H
#define ALTROOT_ERROR_EVIDENCE_H

/* X(NAME, value, "one-line message") */
#define ALTROOT_ERRORS_EVIDENCE(X)

#endif
