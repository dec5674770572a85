/* altroot verify <kind>: offline verification of one kind of artefact. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "verify_devid.h"
#include "verify_fdo.h"
#include "verify_matter_noc.h"

typedef struct verifier {
    const char *kind;
    int (*run)(int argc, char **argv);
    const char *usage;
} verifier;

static const verifier verifiers[] = {
    {"matter-dac", verify_matter_dac,
     "--paa PATH --cd-signers PATH --dac FILE --pai FILE --cd FILE [--vid HEX --pid HEX]"},
    {"matter-paa", verify_matter_paa, "--paa FILE"},
    {"matter-noc", verify_matter_noc, VERIFY_MATTER_NOC_USAGE},
    {"fdo", verify_fdo_voucher,
     "--voucher FILE [--owner-key PATH] [--mfr-key PATH] [--device-ca PATH] [--hmac-secret FILE]"},
    {"fdo-voucher", verify_fdo_voucher,
     "--voucher FILE [--owner-keys PATH] [--mfr PATH] [--hmac-secret HEX|FILE] "
     "[--strict-x5chain]"},
    {"devid", verify_devid, "--ca PATH --cert FILE [--chain FILE] [--ldevid-ca PATH] [--lenient]"},
    {"voucher", verify_voucher,
     "--voucher FILE --masa-ca PATH --idevid FILE [--nonce N] [--ldevid FILE]"},
    {"mud", verify_mud,
     "--mud FILE --signature FILE --signer-ca PATH [--device-cert FILE [--device-chain FILE] "
     "[--ca PATH]] [--url URL [--url-from device|network]]"},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: altroot verify <kind> [--json] [--at TIME] [--anchors DIR] options\n"
                 "kinds:\n");
    for (size_t i = 0; i < sizeof verifiers / sizeof verifiers[0]; i++)
        fprintf(out, "  %-12s %s\n", verifiers[i].kind, verifiers[i].usage);
    fprintf(out,
            "       altroot verify --batch DIR --anchors DIR [--jobs N] [--at TIME] [--json]\n"
            "         every device certificate file of DIR, judged as a connection would be\n");
    fprintf(out, "PATH is a file or a directory of files; files are PEM or DER.\n"
                 "Exit codes: 0 the artefact verified, 1 it did not (the report says why),\n"
                 "2 usage error or unreadable input.\n");
}

int cmd_verify(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_VERIFIED;
    }
    for (int i = 1; i < argc; i++) /* options may come before --batch */
        if (strcmp(argv[i], "--batch") == 0)
            return verify_batch(argc, argv);
    for (size_t i = 0; i < sizeof verifiers / sizeof verifiers[0]; i++)
        if (strcmp(argv[1], verifiers[i].kind) == 0)
            return verifiers[i].run(argc - 1, argv + 1);
    fprintf(stderr, "altroot verify: unknown kind \"%s\"\n", argv[1]);
    usage(stderr);
    return EXIT_USAGE;
}
