/* FIDO Device Onboard, CBOR and COSE error codes: 800-899. Part of ALTROOT_ERROR_LIST (error.h);
 * append only. CBOR 800-809, COSE 810-819, ownership vouchers 820-899. */
#ifndef ALTROOT_ERROR_FDO_H
#define ALTROOT_ERROR_FDO_H

/* X(NAME, value, "one-line message") */
#define ALTROOT_ERRORS_FDO(X)                                                                      \
    X(E_CBOR_MALFORMED, 800, "CBOR item is not well-formed or is truncated")                       \
    X(E_CBOR_INDEFINITE, 801, "indefinite-length CBOR item where a definite length is required")   \
    X(E_CBOR_NONCANONICAL, 802, "CBOR head is not in its shortest form (RFC 8949 4.2.1)")          \
    X(E_CBOR_TYPE, 803, "CBOR item has the wrong type or size for its field")                      \
    X(E_CBOR_LIMIT, 804, "CBOR item exceeds the nesting depth or size limit")                      \
    X(E_CBOR_DUPLICATE_KEY, 805, "CBOR map holds the same key twice")                              \
    X(E_CBOR_UTF8, 806, "CBOR text string is not valid UTF-8")                                     \
    X(E_COSE_MALFORMED, 810, "COSE structure is malformed")                                        \
    X(E_COSE_ALG, 811, "COSE algorithm is missing or not supported")                               \
    X(E_COSE_SIGNATURE, 812, "COSE signature does not verify")                                     \
    X(E_COSE_KEY, 813, "COSE_Key, X509 or X5CHAIN key cannot be used")                             \
    X(E_COSE_TAG, 814, "COSE_Sign1 lacks its CBOR tag 18")                                         \
    X(E_COSE_ALG_KEY, 815, "COSE algorithm does not fit the signer's key")                         \
    X(E_COSE_HEADER, 816, "COSE header parameter is duplicated, critical or misplaced")            \
    X(E_FDO_MALFORMED, 820, "ownership voucher is malformed")                                      \
    X(E_FDO_UNSUPPORTED_VERSION, 821,                                                              \
      "unsupported ownership voucher version (only FDO 1.1, protocol 101, is accepted)")           \
    X(E_FDO_PROTVER_MISMATCH, 822, "OVProtVer and OVHeader.OVHProtVer differ")                     \
    X(E_FDO_GUID, 823, "OVGuid is not 16 bytes or is all zero")                                    \
    X(E_FDO_DEVICE_INFO, 824, "OVDeviceInfo is empty or not printable")                            \
    X(E_FDO_RVINFO, 825, "OVRVInfo is empty or malformed")                                         \
    X(E_FDO_PUBKEY, 826, "FDO PublicKey is malformed, unsupported or does not match its pkType")   \
    X(E_FDO_HASH_ALG, 827, "hash or HMAC type is not supported or its length is wrong")            \
    X(E_FDO_CHAIN_HASH, 828, "OVDevCertChainHash does not match the device certificate chain")     \
    X(E_FDO_DEVICE_CHAIN, 829,                                                                     \
      "device certificate chain is malformed or its signatures do not verify")                     \
    X(E_FDO_ENTRY_MALFORMED, 830, "ownership voucher entry is malformed")                          \
    X(E_FDO_ENTRY_UNTAGGED, 831, "ownership voucher entry is not tagged COSE_Sign1 (tag 18)")      \
    X(E_FDO_ENTRY_ALG, 832, "entry signature algorithm does not fit the previous owner's key")     \
    X(E_FDO_ENTRY_SIGNATURE, 833, "entry is not signed by the previous owner's key")               \
    X(E_FDO_ENTRY_PREV_HASH, 834,                                                                  \
      "OVEHashPrevEntry does not match the previous entry or the header")                          \
    X(E_FDO_ENTRY_HDR_HASH, 835, "OVEHashHdrInfo does not match the GUID and device info")         \
    X(E_FDO_KEY_TYPE_MISMATCH, 836, "owner key type differs from the manufacturer key type")       \
    X(E_FDO_HASH_MISMATCH, 837, "entries do not all use the same hash algorithm")                  \
    X(E_FDO_HMAC, 838, "OVHeaderHMac does not match the device HMAC secret")                       \
    X(E_FDO_OWNER_MISMATCH, 839, "final owner key is not one of the fdo-owner anchors")            \
    X(E_FDO_MFR_UNTRUSTED, 840,                                                                    \
      "neither the manufacturer key nor the device chain leads to an fdo-mfr anchor")              \
    X(E_FDO_EXTRA, 841, "OVEExtra is not a map of integer keys to byte strings")                   \
    X(E_FDO_LIMIT, 842, "ownership voucher has more entries or bytes than allowed")                \
    X(E_FDO_NOT_OWNER, 843, "the signing key is not the voucher's current owner key")              \
    X(E_FDO_NO_VOUCHER, 844,                                                                       \
      "input holds no ownership voucher (neither an OWNERSHIP VOUCHER PEM block nor CBOR)")

#endif
