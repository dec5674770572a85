/* FIDO Device Onboard, CBOR and COSE error codes: 800-899. Part of ALTROOT_ERROR_LIST (error.h);
 * append only. */
#ifndef ALTROOT_ERROR_FDO_H
#define ALTROOT_ERROR_FDO_H

/* X(NAME, value, "one-line message") */
#define ALTROOT_ERRORS_FDO(X)

#endif
