/* Shared by every `altroot` subcommand: exit codes, common options, trust store loading. */
#ifndef ALTROOT_TOOL_CLI_H
#define ALTROOT_TOOL_CLI_H

#include <stdbool.h>

#include <altroot/altroot.h>

/* Exit codes of every command, one per outcome, the same for every verb: */
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

/* Load the store and connect to `url`, filling `v` (initialised by the caller). Returns
 * EXIT_VERIFIED when a verdict was reached, else EXIT_USAGE after printing why. The caller
 * frees *store (NULL when it could not be loaded) and clears `v`. */
int cli_connect(const cli_common *c, const char *url, const char *connect_to,
                altroot_eval_mode mode, altroot_trust_store **store, altroot_verdict *v);

int cmd_connect(int argc, char **argv);
int cmd_pin(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_get(int argc, char **argv);

#endif

/* ---- helpers shared by `altroot verify <kind>` ---- */

/* Kinds of input file, each with its size limit (cli.c). */
typedef enum cli_input {
    CLI_IN_ARTEFACT, /* any artefact (inspect, device credentials): 4 MiB */
    CLI_IN_CERT,     /* certificates and chains, PEM or DER, Matter TLV: ALTROOT_CERT_FILE_MAX */
    CLI_IN_KEY,      /* a private or public key: 64 KiB */
    CLI_IN_CMS,      /* a CMS signature or signed object (CD, BRSKI voucher): ALTROOT_CMS_MAX */
    CLI_IN_VOUCHER,  /* an FDO ownership voucher: 1 MiB */
    CLI_IN_MUD,      /* a MUD file: ALTROOT_MUD_FILE_MAX */
    CLI_IN_SECRET,   /* a short secret in hex: 4 KiB */
} cli_input;

/* Read a whole regular file of the given kind through the one reader
 * (altroot_file_read: a FIFO, a device or a directory is refused with E_NOT_REGULAR without
 * blocking; a file over the kind's limit with E_TOO_LARGE). Prints "altroot: PATH: ... (CODE)"
 * and returns false when it cannot be read. */
bool cli_read_input(const char *path, cli_input kind, altroot_bytes *out);
/* cli_read_input of an artefact (CLI_IN_ARTEFACT). */
bool cli_read_file(const char *path, altroot_bytes *out);

/* PEM or DER certificate input: *der becomes the DER of the first certificate of `data`, kept
 * in *list (caller frees with altroot_certs_free); input that holds no certificate leaves *der
 * as it is, for the verifier to report. Fails only with E_NOMEM. */
ALTROOT_MUST_CHECK altroot_err cli_cert_der(altroot_span data, altroot_certs **list,
                                            altroot_span *der);

/* Add every anchor in PATH (a file, or every file of a directory) as `kind` to `store`. Prints
 * each problem; returns false when PATH cannot be read or any file is not a usable anchor. */
bool cli_add_anchors(altroot_trust_store *store, altroot_anchor_kind kind, const char *path);

/* Anchors named by a verify option: `path` as `kind`; a NULL path (option not given) adds none. */
typedef struct cli_anchor_path {
    altroot_anchor_kind kind;
    const char *path;
} cli_anchor_path;

/* An empty store (no Web PKI) or, with --anchors, the store of that directory, plus the `n`
 * anchors of `extra`. NULL, after printing why, when any of them cannot be used. */
altroot_trust_store *cli_store_for_verify(const cli_common *c, const cli_anchor_path *extra,
                                          size_t n);

/* Parse a 16-bit hex value "0xFFF1" or "FFF1". */
bool cli_parse_hex16(const char *s, uint16_t *out);

/* Decide, print (text or JSON) and return the exit code of an offline verification: 0 when
 * every root in `v` verified, 1 otherwise (2 if printing failed). `message`, when given, replaces
 * the decision's message for an artefact that verified; if the artefact gives no device decision
 * (an anchor, a signer: the decision stays untrusted) the report carries rule 0. */
int cli_report_artefact(const cli_common *c, altroot_verdict *v, const char *message);

/* `altroot verify` and the verifiers of each kind (argv[0] is the kind). */
int cmd_verify(int argc, char **argv);
int verify_matter_dac(int argc, char **argv);
int verify_matter_paa(int argc, char **argv);

/* ---- helpers shared by `altroot mint <kind>` ---- */

/* Create DIR and its parents (mode 0755). */
bool cli_mkdirs(const char *dir);
/* Write `len` bytes to DIR/NAME (created or replaced; `secret` makes it mode 0600). Prints and
 * returns false on failure. */
bool cli_write(const char *dir, const char *name, const void *data, size_t len, bool secret);
bool cli_write_cert(const char *dir, const char *name, altroot_cert *cert);
bool cli_write_key(const char *dir, const char *name, const altroot_key *key);

int cmd_mint(int argc, char **argv);
/* batch.c: a fleet of Matter devices, and judging a directory of them on every core. */
int mint_fleet(int argc, char **argv);
int verify_batch(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int mint_matter(int argc, char **argv);
