/* Shared by the scenario modules of `altroot demo` (demo_matter.c, demo_fdo.c, demo_devid.c):
 * writing anchors into the demo's trust store, and serving a device certificate. */
#ifndef ALTROOT_TOOL_DEMO_H
#define ALTROOT_TOOL_DEMO_H

#include <stdbool.h>
#include <stddef.h>

#include <altroot/altroot.h>
#include <altroot/evidence.h>

#define DEMO_DAY 86400

/* Write `len` bytes to ANCHORS/KIND/NAME, creating the kind's directory. Prints and returns
 * false on failure. */
bool demo_write_anchor(const char *anchors, const char *kind, const char *name, const void *data,
                       size_t len);
/* The same for one certificate, as PEM. */
bool demo_write_anchor_cert(const char *anchors, const char *kind, const char *name,
                            altroot_cert *cert);

/* Device certificate parameters for the one name `*name` (borrowed): valid from a day before
 * `at` for a year, the binding issued a minute before `at`, expiring with the certificate. */
altroot_device_cert_params demo_device_params(const char *const *name, altroot_time at);

/* A server for the secondary-integration certificate altroot_device_cert_build() makes from
 * `creds` and `p` (caller frees with altroot_tls_server_free). */
ALTROOT_MUST_CHECK altroot_err demo_device_server(const altroot_device_creds *creds,
                                                  const altroot_device_cert_params *p,
                                                  altroot_tls_server **out);

/* A TLS server for `chain` and `key` (as altroot_tls_server_new), every certificate of the chain
 * also written to the directory demo_set_cert_dir() named (`altroot demo --write-certs`). */
ALTROOT_MUST_CHECK altroot_err demo_serve(const altroot_certs *chain, const altroot_key *key,
                                          altroot_tls_server **out);
/* Where demo_serve writes (borrowed, valid while the demo runs); NULL: nowhere. */
void demo_set_cert_dir(const char *dir);

#endif
