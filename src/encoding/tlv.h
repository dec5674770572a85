/*
 * Matter TLV (Matter Core Specification, Appendix A): a strict element-by-element reader over
 * altroot_cursor and a small writer into altroot_bytes. Internal to libaltroot (not exported).
 *
 * Section numbers below are from memory of Matter 1.x Appendix A (the PDF was not available);
 * the rules themselves were checked against connectedhomeip's TLVReader and the SDK vectors.
 *
 * Wire format (A.7, A.8): one control octet = tag control (top 3 bits) | element type (low 5
 * bits), then the tag (0, 1, 2, 4, 6 or 8 octets), then a length field for strings, then the value.
 * All multi-octet numbers are little-endian.
 *
 * What the reader ALWAYS rejects (the specification's "SHALL"s and our safety bounds):
 *   - element types 0x19..0x1F (reserved)                                     E_MALFORMED
 *   - an end-of-container whose tag control is not anonymous (A.7.4: the
 *     end-of-container marker carries no tag), or one with no open container   E_MALFORMED
 *   - a context-specific tag outside a structure or list (A.2.2: context tags
 *     only have meaning inside their containing structure/list)                E_MALFORMED
 *   - a tagged member of an array (A.11.3: array members are anonymous)        E_MALFORMED
 *   - an anonymous member of a structure (A.11.2: structure members carry
 *     tags) and two members with the same context tag in one structure
 *     (A.11.2: tags are unique within a structure)                            E_MALFORMED
 *   - a UTF-8 string element that is not well-formed UTF-8 (RFC 3629: no
 *     overlong forms, no surrogates, nothing above U+10FFFF)                   E_MALFORMED
 *   - a length or value that runs past the input                              E_TRUNCATED
 *   - more than ALTROOT_TLV_MAX_DEPTH open containers                          E_TOO_LARGE
 *   - a second top-level element (A.1: an encoding is a single element)        E_TRAILING_DATA
 *
 * ALTROOT_TLV_CANONICAL additionally rejects, with E_MALFORMED, everything that makes two
 * encodings of one value differ. Matter itself lets the encoder pick integer and length widths
 * (A.7.2 "encoders may use any width that holds the value"), so this is NOT a Matter rule: it is
 * the form the reference encoder (connectedhomeip TLVWriter) always produces, and requiring it
 * makes a decode/re-encode round trip byte-exact:
 *   - an integer or a string length in a wider field than its value needs
 *   - a common-profile, implicit-profile or fully-qualified tag in its 4-octet-number form
 *     while the number fits 16 bits
 *   - structure members out of canonical order [spec A.2.4 "canonical ordering of tags", from
 *     memory]: context tags first in increasing order, then profile tags in increasing
 *     (vendor, profile, number) order with common-profile tags as vendor 0 profile 0, implicit
 *     tags last by number.
 */
#ifndef ALTROOT_ENCODING_TLV_H
#define ALTROOT_ENCODING_TLV_H

#include <stdbool.h>
#include <stdint.h>

#include <altroot/buf.h>
#include <altroot/error.h>
#include <altroot/export.h>

/* Most containers open at once. Certificates need 3, attestation elements 2. */
#define ALTROOT_TLV_MAX_DEPTH 8

/* Reader flag: require the canonical form described above. */
#define ALTROOT_TLV_CANONICAL 0x1u

typedef enum altroot_tlv_type {
    ALTROOT_TLV_INT = 1, /* signed integer, 1/2/4/8 octets */
    ALTROOT_TLV_UINT,    /* unsigned integer, 1/2/4/8 octets */
    ALTROOT_TLV_BOOL,
    ALTROOT_TLV_FLOAT,  /* IEEE 754 binary32; raw bits in `u` */
    ALTROOT_TLV_DOUBLE, /* IEEE 754 binary64; raw bits in `u` */
    ALTROOT_TLV_UTF8,
    ALTROOT_TLV_BYTES,
    ALTROOT_TLV_NULL,
    ALTROOT_TLV_STRUCT,
    ALTROOT_TLV_ARRAY,
    ALTROOT_TLV_LIST,
    ALTROOT_TLV_END /* end of container */
} altroot_tlv_type;

typedef enum altroot_tlv_tag_form {
    ALTROOT_TLV_TAG_ANON = 0,
    ALTROOT_TLV_TAG_CONTEXT,  /* number 0..255 */
    ALTROOT_TLV_TAG_COMMON,   /* Matter common profile: vendor 0, profile 0 */
    ALTROOT_TLV_TAG_IMPLICIT, /* profile taken from the surrounding protocol */
    ALTROOT_TLV_TAG_FULL      /* fully qualified: vendor, profile, number */
} altroot_tlv_tag_form;

typedef struct altroot_tlv_tag {
    altroot_tlv_tag_form form;
    uint16_t vendor;  /* ALTROOT_TLV_TAG_FULL only */
    uint16_t profile; /* ALTROOT_TLV_TAG_FULL only */
    uint32_t number;
} altroot_tlv_tag;

static inline altroot_tlv_tag altroot_tlv_anon(void)
{
    return (altroot_tlv_tag){ALTROOT_TLV_TAG_ANON, 0, 0, 0};
}
static inline altroot_tlv_tag altroot_tlv_ctx(uint8_t number)
{
    return (altroot_tlv_tag){ALTROOT_TLV_TAG_CONTEXT, 0, 0, number};
}
static inline altroot_tlv_tag altroot_tlv_common(uint32_t number)
{
    return (altroot_tlv_tag){ALTROOT_TLV_TAG_COMMON, 0, 0, number};
}
static inline altroot_tlv_tag altroot_tlv_implicit(uint32_t number)
{
    return (altroot_tlv_tag){ALTROOT_TLV_TAG_IMPLICIT, 0, 0, number};
}
static inline altroot_tlv_tag altroot_tlv_full(uint16_t vendor, uint16_t profile, uint32_t number)
{
    return (altroot_tlv_tag){ALTROOT_TLV_TAG_FULL, vendor, profile, number};
}

/* One decoded element. Strings are borrowed from the reader's input. */
typedef struct altroot_tlv_elem {
    altroot_tlv_tag tag;
    altroot_tlv_type type;
    uint8_t width;    /* octets of the number, or of the string length field; 0 otherwise */
    uint64_t u;       /* UINT value; FLOAT/DOUBLE raw bits */
    int64_t i;        /* INT value */
    bool b;           /* BOOL value */
    altroot_span str; /* UTF8/BYTES value (borrowed, valid while the input lives) */
} altroot_tlv_elem;

typedef struct altroot_tlv_frame {
    altroot_tlv_type type; /* STRUCT, ARRAY or LIST */
    bool has_prev;         /* a member was read (canonical order check) */
    altroot_tlv_tag prev;
    uint8_t ctx_seen[32]; /* structure: context tags seen, one bit each */
} altroot_tlv_frame;

/* Caller-owned reader; plain data, so copying it gives an independent look-ahead. */
typedef struct altroot_tlv_reader {
    altroot_cursor cur;
    unsigned flags;
    size_t depth; /* containers open */
    bool done;    /* the top-level element is complete */
    altroot_err err;
    altroot_tlv_frame stack[ALTROOT_TLV_MAX_DEPTH];
} altroot_tlv_reader;

/* `in` is borrowed and must outlive the reader and every element read from it. */
void altroot_tlv_reader_init(altroot_tlv_reader *r, altroot_span in, unsigned flags);

/* Read the next element. A container start opens the container (the next call reads its first
 * member); ALTROOT_TLV_END closes it. Errors are sticky. */
ALTROOT_MUST_CHECK altroot_err altroot_tlv_next(altroot_tlv_reader *r, altroot_tlv_elem *out);

/* Look at the next element without consuming it. */
ALTROOT_MUST_CHECK altroot_err altroot_tlv_peek(const altroot_tlv_reader *r, altroot_tlv_elem *out);

/* Read the next element and require its tag (context `ctx`, or anonymous when ctx < 0) and
 * type; a mismatch is E_MALFORMED (and sticky). */
ALTROOT_MUST_CHECK altroot_err altroot_tlv_expect(altroot_tlv_reader *r, int ctx,
                                                  altroot_tlv_type type, altroot_tlv_elem *out);

/* Read the next element and require it to close the current container. */
ALTROOT_MUST_CHECK altroot_err altroot_tlv_expect_end(altroot_tlv_reader *r);

/* Skip the rest of the container `e` that was just read (no-op for a primitive). */
ALTROOT_MUST_CHECK altroot_err altroot_tlv_skip(altroot_tlv_reader *r, const altroot_tlv_elem *e);

/* The top-level element must be complete and the input fully consumed (E_TRAILING_DATA). */
ALTROOT_MUST_CHECK altroot_err altroot_tlv_finish(altroot_tlv_reader *r);

/* UINT element whose value is at most `max`, else E_MALFORMED. */
ALTROOT_MUST_CHECK altroot_err altroot_tlv_get_uint(const altroot_tlv_elem *e, uint64_t max,
                                                    uint64_t *out);

/* Writer: appends to a caller-owned altroot_bytes; errors are sticky and reported by
 * altroot_tlv_writer_finish(). Integers and lengths use the smallest width (canonical form). */
typedef struct altroot_tlv_writer {
    altroot_bytes *out; /* borrowed */
    altroot_err err;
    size_t depth;
    bool done;
    altroot_tlv_type stack[ALTROOT_TLV_MAX_DEPTH];
} altroot_tlv_writer;

void altroot_tlv_writer_init(altroot_tlv_writer *w, altroot_bytes *out);
void altroot_tlv_put_uint(altroot_tlv_writer *w, altroot_tlv_tag tag, uint64_t v);
void altroot_tlv_put_int(altroot_tlv_writer *w, altroot_tlv_tag tag, int64_t v);
void altroot_tlv_put_bool(altroot_tlv_writer *w, altroot_tlv_tag tag, bool v);
void altroot_tlv_put_null(altroot_tlv_writer *w, altroot_tlv_tag tag);
/* Strings are copied. */
void altroot_tlv_put_bytes(altroot_tlv_writer *w, altroot_tlv_tag tag, altroot_span v);
void altroot_tlv_put_utf8(altroot_tlv_writer *w, altroot_tlv_tag tag, altroot_span v);
/* `type` is ALTROOT_TLV_STRUCT, _ARRAY or _LIST. */
void altroot_tlv_start(altroot_tlv_writer *w, altroot_tlv_tag tag, altroot_tlv_type type);
void altroot_tlv_end(altroot_tlv_writer *w);
/* The first error, or E_INTERNAL if containers are still open or nothing was written. */
ALTROOT_MUST_CHECK altroot_err altroot_tlv_writer_finish(altroot_tlv_writer *w);

/* RFC 3629 well-formedness. */
bool altroot_utf8_valid(altroot_span s);

#endif
