/* IEEE 802.1AR DevID, BRSKI vouchers and MUD error codes: 700-799. Part of ALTROOT_ERROR_LIST
 * (error.h); append only. */
#ifndef ALTROOT_ERROR_DEVID_H
#define ALTROOT_ERROR_DEVID_H

/* X(NAME, value, "one-line message") */
#define ALTROOT_ERRORS_DEVID(X)

#endif
