/*
 * Non-blocking TLS server sessions for event-driven servers (`altroot serve`).
 *
 * The blocking session API of tls.h suits one connection at a time; an event loop instead calls
 * each step again when the socket is ready, as the step asks (`altroot_tls_want`). The socket is
 * the caller's: non-blocking, borrowed, closed by the caller after altroot_tls_event_free(). No
 * event library appears here, so libaltroot does not depend on one.
 */
#ifndef ALTROOT_TLS_EVENT_H
#define ALTROOT_TLS_EVENT_H

#include <stddef.h>

#include <altroot/error.h>
#include <altroot/export.h>
#include <altroot/x509.h>

typedef struct altroot_tls_event_server altroot_tls_event_server; /* certificate chain and key */
typedef struct altroot_tls_event altroot_tls_event;               /* one server-side session */

/* What a step waits for before it can make progress; call the same step again then. */
typedef enum altroot_tls_want {
    ALTROOT_TLS_WANT_NONE = 0,  /* the step finished */
    ALTROOT_TLS_WANT_READ = 1,  /* the socket must become readable */
    ALTROOT_TLS_WANT_WRITE = 2, /* the socket must become writable */
} altroot_tls_want;

/* TLS 1.2 and 1.3 with `chain` (leaf first) and its private `key`; both are referenced, not
 * copied, and may be freed after this call. E_ARG when the key does not match the leaf.
 * Caller frees with altroot_tls_event_server_free(). */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_tls_event_server_new(
    const altroot_certs *chain, const altroot_key *key, altroot_tls_event_server **out);
ALTROOT_API void altroot_tls_event_server_free(altroot_tls_event_server *server);

/* A session on accepted non-blocking socket `fd` (borrowed). `server` must outlive it. Caller
 * frees with altroot_tls_event_free(). */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_tls_event_new(altroot_tls_event_server *server,
                                                                 int fd, altroot_tls_event **out);

/* One handshake step. OK with *want NONE when the handshake is complete; OK with READ/WRITE
 * when it must be called again. E_NOT_TLS when the peer's first bytes are not a TLS record (for
 * example plain HTTP), E_TLS_HANDSHAKE or E_IO otherwise; after an error the session can only be
 * freed. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_tls_event_handshake(altroot_tls_event *tls,
                                                                       altroot_tls_want *want);

/* Read up to `len` bytes. OK with *got > 0: data; OK with *got == 0 and *want NONE: the peer
 * closed (close_notify or end of stream); OK with *got == 0 and *want READ/WRITE: call again
 * when ready. E_IO on a broken session. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_tls_event_read(altroot_tls_event *tls, void *buf,
                                                                  size_t len, size_t *got,
                                                                  altroot_tls_want *want);

/* Write up to `len` bytes (`len` > 0). OK with *put > 0: that many were taken; OK with *put == 0
 * and *want READ/WRITE: call again when ready with the same bytes. E_IO on a broken session. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_tls_event_write(altroot_tls_event *tls,
                                                                   const void *buf, size_t len,
                                                                   size_t *put,
                                                                   altroot_tls_want *want);

/* Sends close_notify once when the session is established and healthy (no waiting for the
 * peer's), then frees. The fd stays open. NULL is a no-op. */
ALTROOT_API void altroot_tls_event_free(altroot_tls_event *tls);

/* "TLSv1.3" and the cipher suite name; borrowed, valid while `tls` lives. */
ALTROOT_API const char *altroot_tls_event_version(const altroot_tls_event *tls);
ALTROOT_API const char *altroot_tls_event_cipher(const altroot_tls_event *tls);

#endif
