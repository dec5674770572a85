/* altroot mint <kind>: test PKIs for every ecosystem, written as plain files. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "verify_devid.h"
#include "verify_fdo.h"

typedef struct minter {
    const char *kind;
    int (*run)(int argc, char **argv);
    const char *usage;
} minter;

static const minter minters[] = {
    {"matter", mint_matter, "--out DIR [--vid HEX] [--pid HEX] [--at TIME] [--fault NAME]"},
    {"devid", mint_devid, "--out DIR [--serial S] [--mud-url URL] [--fault NAME]"},
    {"mud", mint_mud, "--out DIR [--mud-url URL] [--fault NAME]"},
    {"fleet", mint_fleet, "--out DIR --count N [--at TIME]: N Matter devices of one vendor"},
    {"fdo", mint_fdo,
     "--out DIR [--entries N] [--key p256|p384|rsa2048|rsa3072] [--device-info TEXT] "
     "[--fault NAME]"},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: altroot mint <kind> --out DIR [options]\nkinds:\n");
    for (size_t i = 0; i < sizeof minters / sizeof minters[0]; i++)
        fprintf(out, "  %-8s %s\n", minters[i].kind, minters[i].usage);
    fprintf(out, "The keys written are fresh test keys: never use them for real devices.\n");
}

int cmd_mint(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_VERIFIED;
    }
    for (size_t i = 0; i < sizeof minters / sizeof minters[0]; i++)
        if (strcmp(argv[1], minters[i].kind) == 0)
            return minters[i].run(argc - 1, argv + 1);
    fprintf(stderr, "altroot mint: unknown kind \"%s\"\n", argv[1]);
    usage(stderr);
    return EXIT_USAGE;
}
