/* altroot inspect: each inspector recognises one kind of artefact and describes it as a JSON
 * object; the command prints that object as JSON or as indented text. */
#ifndef ALTROOT_TOOL_INSPECT_H
#define ALTROOT_TOOL_INSPECT_H

#include <jansson.h>

#include <altroot/altroot.h>

typedef enum inspect_result {
    INSPECT_NOT_MINE = 0, /* not this kind of artefact */
    INSPECT_OK = 1,       /* recognised and described */
    INSPECT_MALFORMED = 2 /* recognised, but broken: `obj` says how ("errors") */
} inspect_result;

/* Describe `data` into `obj` (an empty object owned by the caller). */
typedef inspect_result (*inspector)(altroot_span data, json_t *obj);

inspect_result inspect_x509(altroot_span data, json_t *obj);
inspect_result inspect_matter_tlv_cert(altroot_span data, json_t *obj);
inspect_result inspect_matter_cd(altroot_span data, json_t *obj);
inspect_result inspect_matter_elements(altroot_span data, json_t *obj);
inspect_result inspect_devid(altroot_span data, json_t *obj);
inspect_result inspect_brski_voucher(altroot_span data, json_t *obj);
inspect_result inspect_mud(altroot_span data, json_t *obj);
inspect_result inspect_fdo_voucher(altroot_span data, json_t *obj);

/* Add "evidence" to the certificate object `c` when `cert` carries id-pe-cmw: the decoded
 * collection, its members and binding claims (not verified). False when it does not decode. */
bool inspect_describe_evidence(altroot_cert *cert, json_t *c);

/* Every altroot call whose failure an inspector judges goes through here: out of memory fails
 * the command (E_NOMEM) whatever the inspector then returns. Returns `err`. */
ALTROOT_MUST_CHECK altroot_err inspect_keep(altroot_err err);

/* Helpers for inspectors. */
void inspect_set_str(json_t *obj, const char *key, const char *value);
void inspect_set_hex(json_t *obj, const char *key, altroot_span bytes);
void inspect_set_time(json_t *obj, const char *key, altroot_time t);
void inspect_add_error(json_t *obj, altroot_err err, const char *detail);
/* Whether `needle` (n bytes) occurs in the first `limit` bytes of `data`. */
bool inspect_contains(altroot_span data, size_t limit, const void *needle, size_t n);

#endif
