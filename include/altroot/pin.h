/*
 * Pins: a device the user accepted for a name (the last name binding, decision rules 2 and 5 of
 * docs/decisions.md). A pin records the attested identity of one unit, not its TLS key, so the
 * device may renew its TLS certificate; the evidence binds each new key to the same attestation
 * key. One JSON file per pin in the `pins/` directory of the trust store; the format is in
 * docs/trust-store.md.
 */
#ifndef ALTROOT_PIN_H
#define ALTROOT_PIN_H

#include <stddef.h>

#include <altroot/buf.h>
#include <altroot/error.h>
#include <altroot/export.h>
#include <altroot/time.h>
#include <altroot/trust.h>
#include <altroot/verdict.h>

/* Largest pin file read; larger is E_TOO_LARGE. */
#define ALTROOT_PIN_FILE_MAX 16384
/* Longest canonical name (a DNS name, RFC 1035 2.3.4). */
#define ALTROOT_PIN_NAME_MAX 253

typedef struct altroot_pin {
    char *name;     /* owned: canonical name (altroot_pin_name) */
    char *root;     /* owned: "matter", "fdo" or "devid" */
    char *identity; /* owned: "spki-sha256:" and 64 lower-case hex digits */
    altroot_time pinned_at;
    char *description; /* owned: what the user saw when pinning (maker, model), or NULL */
} altroot_pin;

ALTROOT_API void altroot_pin_clear(altroot_pin *pin);

/* The canonical form of a host for pins: a DNS name in lower case without a final dot, or an IP
 * address as inet_ntop writes it. E_ARG for anything else (empty, too long, bad characters). */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_pin_name(const char *host, char *out,
                                                            size_t len);

/* Parse a pin file strictly: a JSON object with exactly the documented members, no duplicates,
 * nothing after it. E_PIN_FILE (or E_TOO_LARGE, E_NOMEM) with a one-line `detail` on failure;
 * `pin` is initialised here and owns its strings on success. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_pin_parse(altroot_span json, altroot_pin *pin,
                                                             char *detail, size_t detail_len);

/* The pin file's text (UTF-8 JSON, newline-terminated), appended to `out`. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_pin_format(const altroot_pin *pin,
                                                              altroot_bytes *out);

/* A pin for `host` from a verdict: the first root that verified with attestation and has an
 * identity. E_PIN_NOTHING when there is none. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_pin_from_verdict(const altroot_verdict *v,
                                                                    const char *host,
                                                                    altroot_time now,
                                                                    altroot_pin *pin);

/* Write `pin` as DIR/pins/<name>.json (an IPv6 address's ':' as '_'), creating DIR/pins (0700)
 * when needed. The file (0600) is written to a temporary name, synced, then moved into place, so
 * a reader never sees half a pin. With `replace` NULL an existing file is E_PIN_EXISTS;
 * otherwise `replace` is the file to overwrite (the pin of another device for this name). The
 * path written is copied to `path`. Call again with a fresh store to see the pin. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_pin_save(const char *dir, const altroot_pin *pin,
                                                            const char *replace, char *path,
                                                            size_t len);

/* The pin for `host` in the store, or NULL; borrowed. `file` (optional) receives its path. */
ALTROOT_API const altroot_pin *altroot_trust_store_pin(const altroot_trust_store *store,
                                                       const char *host, const char **file);

/* Apply the store's pin for `host`, if any, to a verdict whose roots are evaluated: records the
 * pin in v->name and, when an attesting root has the pinned identity, binds the name by "pin"
 * (unless a stronger binding came first). The decision (rules 2 and 5) is made by
 * altroot_verdict_decide(). */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_pins_apply(const altroot_trust_store *store,
                                                              const char *host, altroot_verdict *v);

#endif
