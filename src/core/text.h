/*
 * The tree's one hex and one base64 decoder, with the options their callers need (never
 * installed). The public altroot_hex_decode and altroot_base64_decode are the strict forms.
 * Both append to `out` (the caller owns it and clears it, also after a failure, which may leave
 * a partial result); a malformed text is E_MALFORMED, a failed allocation E_NOMEM.
 */
#ifndef ALTROOT_CORE_TEXT_H
#define ALTROOT_CORE_TEXT_H

#include <stdbool.h>

#include <altroot/buf.h>

/* Hex: ASCII white space between digits is skipped (a pair may straddle it). */
#define ALTROOT_HEX_SKIP_SPACE 0x1u
/* Base64: up to two '=' may end the text whatever its length, and none is required. */
#define ALTROOT_B64_PAD_OPTIONAL 0x1u
/* Base64: the unused low bits of a short last group may be non-zero (not canonical). */
#define ALTROOT_B64_NONCANONICAL 0x2u

/* Space, tab, CR or LF: the white space the text decoders may skip. */
bool altroot_text_is_space(uint8_t ch);
/* The value of one hex digit (either case), or -1. */
int altroot_hex_digit(uint8_t ch);

/* Whether `s` is the ASCII text `lit`, letters compared without case (HTTP tokens). */
bool altroot_span_equal_nocase(altroot_span s, const char *lit);
/* The bytes up to (not including) `stop`, or to the end; the cursor stays on `stop`. */
altroot_span altroot_cursor_take_until(altroot_cursor *c, uint8_t stop);

/* Hex digits in pairs, either case. */
ALTROOT_MUST_CHECK altroot_err altroot_hex_decode_append(altroot_span text, unsigned flags,
                                                         altroot_bytes *out);
/* RFC 4648 4 base64 (standard alphabet); white space between characters is skipped. Without
 * options, '=' padding completes the last group exactly and its unused bits must be zero. */
ALTROOT_MUST_CHECK altroot_err altroot_base64_decode_append(altroot_span text, unsigned flags,
                                                            altroot_bytes *out);

#endif
