/* Internal to the voucher verifier (verify.c, verify_entries.c, verify_anchors.c). */
#ifndef ALTROOT_FDO_VERIFY_INTERNAL_H
#define ALTROOT_FDO_VERIFY_INTERNAL_H

#include <altroot/fdo.h>

typedef struct fdo_run {
    const altroot_fdo_verify_params *p;
    altroot_fdo_result *out;
    const altroot_fdo_voucher *v;
    altroot_err err; /* allocation failure while recording: the verification cannot finish */
} fdo_run;

/* Record a failure with a one-line detail. */
static inline void fdo_fail(fdo_run *r, altroot_err code, const char *where, const char *detail)
{
    if (r->err == ALTROOT_OK)
        r->err = altroot_failures_add(&r->out->failures, code, where, "%s", detail);
}

static inline void fdo_note(fdo_run *r, const char *text)
{
    if (r->err == ALTROOT_OK)
        r->err = altroot_strlist_add(&r->out->notes, text);
}

/* Out of memory ends the run; every other code is for the caller to judge. */
static inline void fdo_keep(fdo_run *r, altroot_err e)
{
    if (e == ALTROOT_E_NOMEM && r->err == ALTROOT_OK)
        r->err = e;
}

void fdo_verify_entries(fdo_run *r);
void fdo_verify_anchors(fdo_run *r);

#endif
