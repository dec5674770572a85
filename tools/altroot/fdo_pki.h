/* An FDO test PKI, minted in memory: a manufacturer key, a device CA and device certificate,
 * and an ownership voucher extended to an owner key. `altroot mint fdo` writes it out, and
 * `altroot demo` serves devices from it. */
#ifndef ALTROOT_TOOL_FDO_PKI_H
#define ALTROOT_TOOL_FDO_PKI_H

#include <altroot/fdo.h>

typedef struct fdo_pki_params {
    const char *key; /* manufacturer and owner key type: p256, p384 (NULL), rsa2048, rsa3072 */
    const char *device_info; /* the voucher's DeviceInfo and the device's CN, or NULL */
    long entries;            /* owner hand-overs after the manufacturer (0: none) */
    altroot_fdo_fault fault; /* injected into the last entry */
    altroot_time at;         /* the certificates are valid from an hour before */
} fdo_pki_params;

/* Everything is owned; release with fdo_pki_free(). */
typedef struct fdo_pki {
    altroot_key *mfr, *ca_key, *dev_key;
    altroot_key *owner; /* the voucher's final owner: `mfr` itself when there are no entries */
    altroot_cert *ca, *dev;
    altroot_certs *chain; /* the device chain in the voucher: dev, ca */
    altroot_bytes voucher;
    uint8_t secret[48]; /* the device's HMAC secret */
} fdo_pki;

/* Mint the PKI and the voucher. `s` is zeroed first; free it with fdo_pki_free() also on
 * error. E_ARG for an unknown key type. */
ALTROOT_MUST_CHECK altroot_err fdo_pki_make(const fdo_pki_params *p, fdo_pki *s);
void fdo_pki_free(fdo_pki *s);

#endif
