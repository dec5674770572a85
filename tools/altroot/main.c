/* altroot: one command with subcommands, in the style of openssl and git. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "cmd_device.h"
#include "cmd_gateway.h"
#include "cmd_serve.h"
#ifdef ALTROOT_FAULT_INJECTION
#include "fault.h"
#endif
#include "verify_fdo.h"

/* altroot fdo <subcommand>: owner tooling. */
static int cmd_fdo(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "extend") == 0)
        return fdo_extend(argc - 1, argv + 1);
    fprintf(stderr, "usage: altroot fdo extend --voucher FILE --owner-key KEY.pem "
                    "--next-owner PUB.pem --out FILE [--cose-key] [--raw]\n");
    return argc >= 2 && strcmp(argv[1], "--help") == 0 ? EXIT_VERIFIED : EXIT_USAGE;
}

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;

static const command commands[] = {
    {"connect", cmd_connect, "connect to https://host[:port] and say what its certificate proves"},
    {"pin", cmd_pin, "accept a device: record its attested identity for a name (pins/)"},
    {"device", cmd_device, "build a device's TLS certificate with evidence from its credentials"},
    {"serve", cmd_serve, "serve a directory and a status page over HTTPS (reference device)"},
    {"get", cmd_get, "fetch https://host[:port]/path with libcurl, only from a trusted device"},
    {"demo", cmd_demo, "the whole system end to end on loopback: one table of scenarios"},
    {"verify", cmd_verify,
     "verify an artefact offline (matter-dac|paa|noc, devid, voucher, mud, fdo)"},
    {"mint", cmd_mint, "mint a test PKI for an ecosystem (matter, devid, mud, fdo)"},
    {"inspect", cmd_inspect,
     "describe any artefact altroot knows (certificates, CDs, vouchers, MUD)"},
    {"fdo", cmd_fdo, "FDO owner tooling: fdo extend (hand a voucher to the next owner)"},
    {"gateway", cmd_gateway, "the home gateway's name-constrained CA (gateway init, allow)"},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: altroot <command> [options]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\ncommon options: --anchors DIR  --at TIME (RFC 3339)  --json  --timeout SEC\n"
                 "exit codes: 0 verified/trusted, 1 not verified, 2 usage or unreadable input\n"
                 "`altroot <command> --help` describes a command.\n");
}

int main(int argc, char **argv)
{
#ifdef ALTROOT_FAULT_INJECTION
    if (!fault_install())
        return EXIT_USAGE;
#endif
    /* Nothing the tool writes (anchors, pins, the demo's store, keys) is writable by group or
     * others, whatever the caller's umask: the trust store refuses such files. */
    umask(umask(0) | S_IWGRP | S_IWOTH);
    /* A peer that closes early must give an error on write, not kill the process. */
    signal(SIGPIPE, SIG_IGN);
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return EXIT_VERIFIED;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
        printf("altroot %s\n", ALTROOT_VERSION_STRING);
        return EXIT_VERIFIED;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "altroot: unknown command \"%s\"\n", argv[1]);
    usage(stderr);
    return EXIT_USAGE;
}
