/* IEEE 802.1AR DevID, BRSKI vouchers and MUD error codes: 700-799. Part of ALTROOT_ERROR_LIST
 * (error.h); append only. */
#ifndef ALTROOT_ERROR_DEVID_H
#define ALTROOT_ERROR_DEVID_H

/* DevID 700-719, vouchers 720-739, MUD 740-769, CMS 770-789. */
/* X(NAME, value, "one-line message") */
#define ALTROOT_ERRORS_DEVID(X)                                                                    \
    X(E_DEVID_PROFILE, 700, "DevID certificate violates the 802.1AR profile")                      \
    X(E_DEVID_CA, 701, "DevID certificate is a certificate authority")                             \
    X(E_DEVID_KEY_USAGE, 702,                                                                      \
      "DevID keyUsage lacks digitalSignature or allows certificate signing")                       \
    X(E_DEVID_NO_SERIAL, 703, "IDevID carries no device serial number")                            \
    X(E_DEVID_SERIAL_FORMAT, 704, "subject serialNumber is not a PrintableString of 1-64 chars")   \
    X(E_DEVID_HWMODULE, 705, "HardwareModuleName is not strict DER")                               \
    X(E_DEVID_SAN, 706, "DevID subjectAltName is malformed or wrongly marked")                     \
    X(E_DEVID_MASA_URL, 707, "MASA URL extension is malformed")                                    \
    X(E_DEVID_MUD_URL, 708, "MUD URL extension is malformed or not https")                         \
    X(E_DEVID_MUDSIGNER, 709, "mudsigner extension is not a DER Name")                             \
    X(E_DEVID_CHAIN, 710, "DevID does not chain to a devid-ca or ldevid-ca anchor")                \
    X(E_DEVID_ALGORITHM, 711, "DevID key or signature algorithm is not an 802.1AR suite")          \
    X(E_VOUCHER_FORMAT, 720, "voucher is not a well-formed RFC 8366 JSON voucher")                 \
    X(E_VOUCHER_SIGNATURE, 721, "voucher CMS signature is invalid")                                \
    X(E_VOUCHER_CHAIN, 722, "voucher signer does not chain to a MASA anchor")                      \
    X(E_VOUCHER_SERIAL, 723, "voucher serial-number differs from the IDevID serial number")        \
    X(E_VOUCHER_EXPIRED, 724, "voucher has expired at the verification time")                      \
    X(E_VOUCHER_NONCE, 725, "voucher nonce differs from the one sent")                             \
    X(E_VOUCHER_PINNED_CERT, 726, "voucher pinned-domain-cert is not a certificate")               \
    X(E_VOUCHER_IDEVID_ISSUER, 727,                                                                \
      "voucher idevid-issuer differs from the IDevID's issuer key id")                             \
    X(E_VOUCHER_ASSERTION, 728, "voucher assertion is not verified, logged or proximity")          \
    X(E_VOUCHER_DOMAIN, 729, "LDevID does not chain to the voucher's pinned-domain-cert")          \
    X(E_VOUCHER_SIGNER, 730, "voucher signer is a device certificate, not a MASA")                 \
    X(E_MUD_TOO_LARGE, 740, "MUD file or signature exceeds the size limit")                        \
    X(E_MUD_JSON, 741, "MUD file is not one well-formed JSON object")                              \
    X(E_MUD_SCHEMA, 742, "MUD file violates the RFC 8520 schema")                                  \
    X(E_MUD_VERSION, 743, "mud-version is not 1")                                                  \
    X(E_MUD_URL_SCHEME, 744, "MUD URL does not use https")                                         \
    X(E_MUD_URL_MISMATCH, 745, "mud-url differs from the URL the file was obtained for")           \
    X(E_MUD_SIGNATURE, 746, "MUD signature does not verify over the exact file bytes")             \
    X(E_MUD_SIGNER_CHAIN, 747, "MUD signer does not chain to a mud-signer anchor")                 \
    X(E_MUD_SIGNER_KEY_USAGE, 748, "MUD signer certificate lacks keyUsage digitalSignature")       \
    X(E_MUD_SIGNER_MISMATCH, 749, "MUD signer subject differs from the device's mudsigner")        \
    X(E_MUD_POLICY_REF, 750, "MUD policy names an access list that is not defined")                \
    X(E_CMS_FORMAT, 770, "CMS SignedData is malformed or of an unsupported shape")                 \
    X(E_CMS_SIGNER, 771, "CMS signer certificate is not present")                                  \
    X(E_CMS_SIGNATURE, 772, "CMS signature or message digest does not verify")                     \
    X(E_CMS_CHAIN, 773, "CMS signer does not chain to a trusted anchor")

#endif
