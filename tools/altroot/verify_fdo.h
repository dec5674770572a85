/* `altroot verify fdo-voucher`, `altroot fdo extend` and `altroot mint fdo`. */
#ifndef ALTROOT_TOOL_VERIFY_FDO_H
#define ALTROOT_TOOL_VERIFY_FDO_H

/* altroot verify fdo-voucher --voucher FILE [--owner-keys PATH] [--mfr PATH]
 *                            [--hmac-secret HEX|FILE] [--strict-x5chain] [--json] [--at TIME]
 * argv[0] is the kind. Exit 0 verified, 1 rejected (malformed and unsupported included),
 * 2 usage errors and unreadable files. */
int verify_fdo_voucher(int argc, char **argv);

/* altroot fdo extend --voucher FILE --owner-key KEY.pem --next-owner PUB.pem --out FILE
 *                    [--cose-key] [--raw]
 * argv[0] is "extend". Exit 0 written, 1 voucher rejected or key not the current owner,
 * 2 usage errors and unreadable or unwritable files. */
int fdo_extend(int argc, char **argv);

/* altroot mint fdo --out DIR [--entries N] [--key p256|p384|rsa2048|rsa3072]
 *                  [--device-info TEXT] [--fault NAME]
 * argv[0] is "fdo". Writes a manufacturer key, device CA, device key and certificate, HMAC
 * secret, owner keys and the voucher. Exit 0 written, 2 usage or I/O errors. */
int mint_fdo(int argc, char **argv);

#endif
