/*
 * Byte buffers and the bounds-checked cursor.
 *
 * Every read of untrusted bytes goes through altroot_cursor: it never reads past its end and
 * carries a sticky error, so a parser can read field after field and check once at the end.
 */
#ifndef ALTROOT_BUF_H
#define ALTROOT_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <altroot/error.h>
#include <altroot/export.h>

/* A borrowed byte span: the bytes belong to someone else and must outlive the span. */
typedef struct altroot_span {
    const uint8_t *ptr;
    size_t len;
} altroot_span;

/* An owned, growable byte buffer. Initialise with ALTROOT_BYTES_INIT; release with
 * altroot_bytes_clear(). */
typedef struct altroot_bytes {
    uint8_t *ptr;
    size_t len;
    size_t cap;
} altroot_bytes;

#define ALTROOT_BYTES_INIT                                                                         \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }

/* Largest buffer altroot_bytes will grow to (64 MiB); larger inputs fail with E_TOO_LARGE. */
#define ALTROOT_BYTES_MAX ((size_t)64 * 1024 * 1024)

ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_bytes_reserve(altroot_bytes *b, size_t extra);
/* Append copies of `len` bytes. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_bytes_append(altroot_bytes *b, const void *data,
                                                                size_t len);
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_bytes_append_u8(altroot_bytes *b, uint8_t v);
/* Free the storage (wiped first) and reset to empty. NULL is a no-op. */
ALTROOT_API void altroot_bytes_clear(altroot_bytes *b);
ALTROOT_API altroot_span altroot_bytes_span(const altroot_bytes *b);

/* What altroot_file_read and altroot_path_check ask of a file or folder besides its type. */
typedef struct altroot_file_rules {
    size_t max_len;  /* a larger file fails with E_TOO_LARGE before a byte is read */
    bool no_follow;  /* a symbolic link fails with E_STORE_SYMLINK */
    bool owner_only; /* owned by the running (effective) user or root, and writable by nobody
                        else: E_STORE_OWNER, E_STORE_WRITABLE (the trust store's rule) */
} altroot_file_rules;

/* Read a whole regular file into `out` (caller clears). The file is opened without blocking and
 * without becoming a controlling terminal, then checked on the open descriptor: anything but a
 * regular file (a FIFO, a device such as /dev/zero, a socket, a directory) fails with
 * E_NOT_REGULAR and is never read; a missing file fails with E_NOT_FOUND, a file over
 * `rules->max_len` with E_TOO_LARGE, other failures with E_IO. On error `out` is untouched. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_file_read(altroot_bytes *out, const char *path,
                                                             const altroot_file_rules *rules);

/* altroot_file_read with no rule but the size limit. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_bytes_read_file(altroot_bytes *out,
                                                                   const char *path,
                                                                   size_t max_len);

/* Check a file (`dir` false: it must be regular) or folder (`dir` true) by the same rules as
 * altroot_file_read, without reading it (max_len is ignored). A folder where a file should be,
 * or the reverse, is E_NOT_REGULAR. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_path_check(const char *path, bool dir,
                                                              const altroot_file_rules *rules);

/* Bounds-checked reader over a borrowed span. */
typedef struct altroot_cursor {
    const uint8_t *ptr; /* borrowed, valid while the underlying bytes live */
    size_t len;
    size_t pos;
    altroot_err err; /* sticky: the first error; once set, reads return zeros */
} altroot_cursor;

ALTROOT_API void altroot_cursor_init(altroot_cursor *c, altroot_span span);
ALTROOT_API size_t altroot_cursor_remaining(const altroot_cursor *c);
ALTROOT_API bool altroot_cursor_ok(const altroot_cursor *c);
/* Record an error unless one is already recorded. */
ALTROOT_API void altroot_cursor_fail(altroot_cursor *c, altroot_err err);

/* Reads: on short input they set E_TRUNCATED and return 0 / an empty span. */
ALTROOT_API uint8_t altroot_cursor_u8(altroot_cursor *c);
ALTROOT_API uint16_t altroot_cursor_be16(altroot_cursor *c);
ALTROOT_API uint32_t altroot_cursor_be32(altroot_cursor *c);
ALTROOT_API uint64_t altroot_cursor_be64(altroot_cursor *c);
ALTROOT_API uint16_t altroot_cursor_le16(altroot_cursor *c);
ALTROOT_API uint32_t altroot_cursor_le32(altroot_cursor *c);
ALTROOT_API uint64_t altroot_cursor_le64(altroot_cursor *c);
/* A sub-span of the next `n` bytes (borrowed from the cursor's bytes). */
ALTROOT_API altroot_span altroot_cursor_span(altroot_cursor *c, size_t n);
/* Copy the next `n` bytes into `out`. */
ALTROOT_API void altroot_cursor_copy(altroot_cursor *c, void *out, size_t n);
ALTROOT_API uint8_t altroot_cursor_peek_u8(const altroot_cursor *c);
/* Sticky E_TRAILING_DATA unless the cursor is at its end; returns the final error. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_cursor_finish(altroot_cursor *c);

/* Constant-time equality of two equal-length spans; false when lengths differ. */
ALTROOT_API bool altroot_span_equal_ct(altroot_span a, altroot_span b);
ALTROOT_API bool altroot_span_equal(altroot_span a, altroot_span b);

/* Lower-case hex of `span` into `out` (2*len+1 bytes, NUL-terminated). */
ALTROOT_API void altroot_hex_encode(altroot_span span, char *out);
/* Decode hex (either case, no separators) into `out` (caller clears). */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_hex_decode(const char *hex, altroot_bytes *out);

/* Decode standard base64 (RFC 4648 4: A-Z a-z 0-9 + /, '=' padding required), ignoring ASCII
 * white space between characters, into `out` (caller clears). E_MALFORMED for anything else. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_base64_decode(altroot_span text,
                                                                 altroot_bytes *out);

#endif
