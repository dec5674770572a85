/* altroot verify devid | voucher | mud, and altroot mint devid | mud. */
#ifndef ALTROOT_TOOL_VERIFY_DEVID_H
#define ALTROOT_TOOL_VERIFY_DEVID_H

/* argv[0] is the kind ("devid", "voucher", "mud"); exit 0 verified, 1 rejected, 2 usage or
 * unreadable input. */
int verify_devid(int argc, char **argv);
int verify_voucher(int argc, char **argv);
int verify_mud(int argc, char **argv);

/* argv[0] is the kind ("devid", "mud"): write a test PKI into --out DIR. */
int mint_devid(int argc, char **argv);
int mint_mud(int argc, char **argv);

#endif
