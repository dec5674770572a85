/* Shared by every `altroot` subcommand: exit codes, common options, trust store loading. */
#ifndef ALTROOT_TOOL_CLI_H
#define ALTROOT_TOOL_CLI_H

#include <stdbool.h>

#include <altroot/altroot.h>

/* Exit codes of every command (DESIGN.md): */
enum {
    EXIT_VERIFIED = 0,     /* verified / trusted */
    EXIT_NOT_VERIFIED = 1, /* not verified: the report says why */
    EXIT_USAGE = 2,        /* usage error, or an input that cannot be read or reached */
};

typedef struct cli_common {
    const char *anchors; /* --anchors DIR */
    const char *webpki;  /* --webpki FILE|none */
    altroot_time at;     /* --at TIME, default: now */
    bool at_given;
    bool json;      /* --json */
    int timeout_ms; /* --timeout SECONDS */
} cli_common;

/* Try to consume a common option at argv[*i] (advancing *i past its value). Returns 1 when
 * consumed, 0 when not a common option, -1 after printing a usage error. */
int cli_common_option(cli_common *c, int argc, char **argv, int *i);

/* Load the trust store named by the options. Prints every problem; returns NULL (after
 * printing) when the store cannot be used: a malformed anchor fails closed. */
altroot_trust_store *cli_load_store(const cli_common *c);

/* Print "altroot: <what>: <message> (<NAME>)" to stderr. */
void cli_error(const char *what, altroot_err err);

/* Exit code for a decision. */
int cli_exit_for(altroot_decision d);

int cmd_connect(int argc, char **argv);
int cmd_demo(int argc, char **argv);

#endif
