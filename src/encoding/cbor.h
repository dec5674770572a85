/*
 * Strict CBOR (RFC 8949) reader and deterministic writer. Internal to libaltroot.
 *
 * Why not libcbor's cbor_load(): FDO and COSE hash and sign the bytes *as received*, so every
 * decoded item must keep its exact byte span; libcbor 0.8 builds a tree without offsets, accepts
 * indefinite lengths and non-shortest heads silently, reads the bytes outside altroot_cursor,
 * and (before 0.11, PJK/libcbor issue #307) rejects tags 6..20 -- COSE_Sign1 is tag 18, so the
 * installed libcbor cannot load any FDO voucher at all. This reader is a head decoder over
 * altroot_cursor (the one reader of untrusted bytes) that never allocates: an item is a view
 * (`altroot_cbor_item`) into the caller's bytes, and containers are walked with an iterator.
 * libcbor stays as an independent cross-check in tests/unit/test_fdo_cbor.c.
 *
 * Strictness (RFC 8949 4.2.1 "Core Deterministic Encoding Requirements" for the heads):
 *   - exactly one item; trailing bytes fail with E_TRAILING_DATA;
 *   - indefinite lengths fail with E_CBOR_INDEFINITE; reserved additional info 28..30 and a
 *     lone "break" fail with E_CBOR_MALFORMED;
 *   - a head not in its shortest form fails with E_CBOR_NONCANONICAL;
 *   - text strings must be UTF-8 (E_CBOR_UTF8); simple values 24..31 in two bytes are invalid
 *     (RFC 8949 3.3);
 *   - map keys must be unique by encoding (E_CBOR_DUPLICATE_KEY);
 *   - nesting depth and container sizes are bounded (E_CBOR_LIMIT).
 */
#ifndef ALTROOT_ENCODING_CBOR_H
#define ALTROOT_ENCODING_CBOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <altroot/buf.h>
#include <altroot/error.h>

#define ALTROOT_CBOR_MAX_DEPTH 24
#define ALTROOT_CBOR_MAX_MAP_PAIRS 256

typedef enum altroot_cbor_major {
    ALTROOT_CBOR_UINT = 0,
    ALTROOT_CBOR_NINT = 1,
    ALTROOT_CBOR_BSTR = 2,
    ALTROOT_CBOR_TSTR = 3,
    ALTROOT_CBOR_ARRAY = 4,
    ALTROOT_CBOR_MAP = 5,
    ALTROOT_CBOR_TAG = 6,
    ALTROOT_CBOR_SIMPLE = 7,
} altroot_cbor_major;

#define ALTROOT_CBOR_FALSE 20
#define ALTROOT_CBOR_TRUE 21
#define ALTROOT_CBOR_NULL 22

/* A decoded item: a view into bytes the caller keeps alive. */
typedef struct altroot_cbor_item {
    altroot_cbor_major major;
    uint64_t arg;         /* value, length, element/pair count, tag number or simple value */
    bool is_float;        /* major 7 with a half/single/double payload */
    altroot_span raw;     /* the whole item as encoded, tags and content included */
    altroot_span content; /* strings: the bytes; containers: the encoded children; tag: the
                             tagged item */
} altroot_cbor_item;

/* Decode `in` as exactly one well-formed item (checked to the bottom). */
ALTROOT_MUST_CHECK altroot_err altroot_cbor_decode(altroot_span in, altroot_cbor_item *out);

/* Walk the children of an array (one per call) or the keys and values of a map (key, value,
 * key, ...). */
typedef struct altroot_cbor_iter {
    altroot_cursor cur;
    uint64_t left; /* items still to read */
} altroot_cbor_iter;

/* Open `item` as an array of exactly `count` elements (SIZE_MAX: any count). */
ALTROOT_MUST_CHECK altroot_err altroot_cbor_array(const altroot_cbor_item *item, size_t count,
                                                  altroot_cbor_iter *it);
/* Open `item` as a map; `it` yields 2 * pairs items. */
ALTROOT_MUST_CHECK altroot_err altroot_cbor_map(const altroot_cbor_item *item,
                                                altroot_cbor_iter *it);
/* The next child; E_CBOR_TYPE when there is none left. */
ALTROOT_MUST_CHECK altroot_err altroot_cbor_next(altroot_cbor_iter *it, altroot_cbor_item *out);

/* Typed accessors: E_CBOR_TYPE when the item is not of that type or range. */
ALTROOT_MUST_CHECK altroot_err altroot_cbor_uint(const altroot_cbor_item *item, uint64_t *out);
/* Major 0 or 1 as int64 (range-checked). */
ALTROOT_MUST_CHECK altroot_err altroot_cbor_int(const altroot_cbor_item *item, int64_t *out);
ALTROOT_MUST_CHECK altroot_err altroot_cbor_bstr(const altroot_cbor_item *item, altroot_span *out);
ALTROOT_MUST_CHECK altroot_err altroot_cbor_tstr(const altroot_cbor_item *item, altroot_span *out);
bool altroot_cbor_is_null(const altroot_cbor_item *item);
/* "bstr .cbor T": the content of a byte string decoded as exactly one item. */
ALTROOT_MUST_CHECK altroot_err altroot_cbor_unwrap(const altroot_cbor_item *item,
                                                   altroot_cbor_item *out);
/* Find the value of integer key `key` in a map; E_NOT_FOUND when absent. */
ALTROOT_MUST_CHECK altroot_err altroot_cbor_map_find(const altroot_cbor_item *map, int64_t key,
                                                     altroot_cbor_item *out);

/* ---- writer: deterministic (shortest-form heads, definite lengths) ---- */

ALTROOT_MUST_CHECK altroot_err altroot_cbor_put_head(altroot_bytes *out, altroot_cbor_major major,
                                                     uint64_t arg);
ALTROOT_MUST_CHECK altroot_err altroot_cbor_put_int(altroot_bytes *out, int64_t v);
ALTROOT_MUST_CHECK altroot_err altroot_cbor_put_bstr(altroot_bytes *out, altroot_span bytes);
ALTROOT_MUST_CHECK altroot_err altroot_cbor_put_tstr(altroot_bytes *out, const char *text,
                                                     size_t len);
ALTROOT_MUST_CHECK altroot_err altroot_cbor_put_null(altroot_bytes *out);
/* Append already-encoded CBOR as it is. */
ALTROOT_MUST_CHECK altroot_err altroot_cbor_put_raw(altroot_bytes *out, altroot_span raw);

#endif
