/*
 * Small DER (ITU-T X.690) helpers: a writer with a sticky error into altroot_bytes and a strict
 * reader over altroot_cursor. Internal to libaltroot (not exported).
 *
 * The reader accepts DER only (X.690 section 10): low tag numbers (< 31) in one octet, definite
 * lengths in their shortest form, no indefinite length. Everything else is E_DER; a high tag
 * number (multi-octet tag) is E_UNSUPPORTED.
 */
#ifndef ALTROOT_ENCODING_DER_H
#define ALTROOT_ENCODING_DER_H

#include <stdbool.h>
#include <stdint.h>

#include <altroot/buf.h>
#include <altroot/error.h>
#include <altroot/time.h>

#define ALTROOT_DER_BOOLEAN 0x01u
#define ALTROOT_DER_INTEGER 0x02u
#define ALTROOT_DER_BIT_STRING 0x03u
#define ALTROOT_DER_OCTET_STRING 0x04u
#define ALTROOT_DER_NULL 0x05u
#define ALTROOT_DER_OID 0x06u
#define ALTROOT_DER_UTF8_STRING 0x0Cu
#define ALTROOT_DER_PRINTABLE_STRING 0x13u
#define ALTROOT_DER_IA5_STRING 0x16u
#define ALTROOT_DER_UTC_TIME 0x17u
#define ALTROOT_DER_GENERALIZED_TIME 0x18u
#define ALTROOT_DER_SEQUENCE 0x30u
#define ALTROOT_DER_SET 0x31u
/* Context-specific tags: constructed [n] and primitive [n]. */
#define ALTROOT_DER_CTX_CONS(n) ((uint8_t)(0xA0u | (n)))
#define ALTROOT_DER_CTX_PRIM(n) ((uint8_t)(0x80u | (n)))

/* Most constructed elements the writer keeps open at once. */
#define ALTROOT_DER_MAX_DEPTH 10

/* ---- Writer ---- */

typedef struct altroot_der_writer {
    altroot_bytes *out; /* borrowed */
    altroot_err err;    /* sticky */
    size_t depth;
    size_t start[ALTROOT_DER_MAX_DEPTH]; /* content offsets of the open elements */
    uint8_t tag[ALTROOT_DER_MAX_DEPTH];
} altroot_der_writer;

void altroot_der_writer_init(altroot_der_writer *w, altroot_bytes *out);
/* Open a constructed element (SEQUENCE, SET, [n] EXPLICIT) or an encapsulating OCTET/BIT STRING
 * (for BIT STRING the caller writes the unused-bits octet itself). */
void altroot_der_begin(altroot_der_writer *w, uint8_t tag);
/* Close the innermost element, inserting its tag and minimal length in front. */
void altroot_der_end(altroot_der_writer *w);
/* tag, length, copy of `value` */
void altroot_der_put(altroot_der_writer *w, uint8_t tag, altroot_span value);
/* Bytes that are already a complete DER encoding (copied). */
void altroot_der_put_raw(altroot_der_writer *w, altroot_span der);
/* INTEGER from an unsigned big-endian magnitude: leading zeros dropped, 0x00 added when the top
 * bit is set (X.690 8.3.2 minimal two's complement). An empty magnitude encodes 0. */
void altroot_der_put_uint_bytes(altroot_der_writer *w, altroot_span magnitude);
void altroot_der_put_uint(altroot_der_writer *w, uint64_t v);
/* X.690 11.1: TRUE is 0xFF. */
void altroot_der_put_bool(altroot_der_writer *w, bool v);
/* `oid` is the encoded content (without tag and length). */
void altroot_der_put_oid(altroot_der_writer *w, altroot_span oid);
void altroot_der_put_bit_string(altroot_der_writer *w, altroot_span bits);
/* Named bit list (X.690 11.2.2): bit 0 is the most significant bit of the first octet, trailing
 * zero bits are dropped. `bits` holds bit n in (1 << n). */
void altroot_der_put_named_bits(altroot_der_writer *w, uint32_t bits);
/* RFC 5280 4.1.2.5: UTCTime for years 1950..2049, GeneralizedTime otherwise, always "Z" and
 * whole seconds; ALTROOT_TIME_NO_EXPIRY is 99991231235959Z. */
void altroot_der_put_time(altroot_der_writer *w, altroot_time t);
/* RFC 3279 2.2.3 Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER } from raw r||s. */
void altroot_der_put_ecdsa_sig(altroot_der_writer *w, const uint8_t raw[64]);
/* The first error; E_INTERNAL if an element is still open. */
ALTROOT_MUST_CHECK altroot_err altroot_der_writer_finish(altroot_der_writer *w);

/* ---- Reader ---- */

typedef struct altroot_der_elem {
    uint8_t tag;
    altroot_span value; /* content octets (borrowed) */
    altroot_span whole; /* tag, length and content (borrowed) */
} altroot_der_elem;

/* Read one element. Sticky errors on the cursor: a DER violation sets E_DER. */
ALTROOT_MUST_CHECK altroot_err altroot_der_read(altroot_cursor *c, altroot_der_elem *out);
/* Read one element and require its tag (E_DER otherwise). */
ALTROOT_MUST_CHECK altroot_err altroot_der_expect(altroot_cursor *c, uint8_t tag,
                                                  altroot_der_elem *out);
/* Whether the next element has tag `tag` (false at the end or after an error). */
bool altroot_der_peek_tag(const altroot_cursor *c, uint8_t tag);

/* BOOLEAN content: X.690 11.1 allows only 0x00 and 0xFF. */
ALTROOT_MUST_CHECK altroot_err altroot_der_get_bool(const altroot_der_elem *e, bool *out);
/* Non-negative minimal INTEGER: `magnitude` borrows the value without the 0x00 sign octet. */
ALTROOT_MUST_CHECK altroot_err altroot_der_get_uint_bytes(const altroot_der_elem *e,
                                                          altroot_span *magnitude);
/* Non-negative minimal INTEGER no larger than `max`. */
ALTROOT_MUST_CHECK altroot_err altroot_der_get_uint(const altroot_der_elem *e, uint64_t max,
                                                    uint64_t *out);
/* BIT STRING with no unused bits; `bits` borrows the octets after the unused-bits octet. */
ALTROOT_MUST_CHECK altroot_err altroot_der_get_bit_string(const altroot_der_elem *e,
                                                          altroot_span *bits);
/* Named bit list (at most 32 bits) in DER form (no trailing zero bit); inverse of
 * altroot_der_put_named_bits. */
ALTROOT_MUST_CHECK altroot_err altroot_der_get_named_bits(const altroot_der_elem *e,
                                                          uint32_t *bits);
/* UTCTime or GeneralizedTime per RFC 5280 (the choice by year is checked too). */
ALTROOT_MUST_CHECK altroot_err altroot_der_get_time(const altroot_der_elem *e, altroot_time *out);
/* Ecdsa-Sig-Value DER (exactly one SEQUENCE) to raw r||s, each left-padded to 32 octets. */
ALTROOT_MUST_CHECK altroot_err altroot_der_ecdsa_sig_to_raw(altroot_span der, uint8_t raw[64]);

#endif
