/* Copying verdicts (the verdict cache keeps one per device) and moving an evaluation's result
 * into a caller's verdict. */
#include <string.h>

#include <altroot/alloc.h>
#include <altroot/verdict.h>

#include "../core/guard.h"
#include "verdict_move.h"

static altroot_err copy_facts(altroot_facts *dst, const altroot_facts *src)
{
    for (size_t i = 0; i < src->count; i++)
        TRY(altroot_facts_add(dst, src->keys[i], src->values[i]));
    return ALTROOT_OK;
}

static altroot_err copy_strlist(altroot_strlist *dst, const altroot_strlist *src)
{
    for (size_t i = 0; i < src->count; i++)
        TRY(altroot_strlist_add(dst, src->items[i]));
    return ALTROOT_OK;
}

static altroot_err copy_root(altroot_verdict *dst, const altroot_root_result *src)
{
    altroot_root_result *r = NULL;
    TRY(altroot_verdict_add_root(dst, src->root, src->mode, &r));
    r->status = src->status;
    r->evidence = src->evidence;
    r->attestation = src->attestation;
    r->ownership = src->ownership;
    TRY(copy_facts(&r->attested, &src->attested));
    TRY(copy_facts(&r->owned, &src->owned));
    TRY(altroot_set_string(&r->anchor, src->anchor));
    TRY(altroot_set_string(&r->anchor_file, src->anchor_file));
    TRY(altroot_set_string(&r->identity, src->identity));
    return altroot_failures_extend(&r->failures, &src->failures, NULL);
}

static altroot_err copy_leaf(altroot_peer_cert *dst, const altroot_peer_cert *src)
{
    TRY(altroot_set_string(&dst->subject, src->subject));
    TRY(altroot_set_string(&dst->issuer, src->issuer));
    TRY(altroot_set_string(&dst->key, src->key));
    memcpy(dst->sha256, src->sha256, sizeof dst->sha256);
    memcpy(dst->spki_sha256, src->spki_sha256, sizeof dst->spki_sha256);
    dst->not_before = src->not_before;
    dst->not_after = src->not_after;
    dst->self_signed = src->self_signed;
    return copy_strlist(&dst->sans, &src->sans);
}

static altroot_err copy_name(altroot_name_binding *dst, const altroot_name_binding *src)
{
    dst->bound = src->bound;
    dst->pin_matched = src->pin_matched;
    dst->key_hash_name = src->key_hash_name;
    dst->key_hash_matched = src->key_hash_matched;
    TRY(altroot_set_string(&dst->method, src->method));
    TRY(altroot_set_string(&dst->name, src->name));
    TRY(altroot_set_string(&dst->by, src->by));
    TRY(altroot_set_string(&dst->pin, src->pin));
    return altroot_set_string(&dst->pinned_identity, src->pinned_identity);
}

/* The plain fields an evaluation sets. */
static void copy_evaluation_scalars(altroot_verdict *dst, const altroot_verdict *src)
{
    dst->decision = src->decision;
    dst->rule = src->rule;
    dst->at = src->at;
    dst->chain_length = src->chain_length;
    dst->cert_class = src->cert_class;
    dst->lifted_class = src->lifted_class;
    dst->cached_from = src->cached_from;
    dst->valid_until = src->valid_until;
}

static altroot_err copy_all(altroot_verdict *dst, const altroot_verdict *src)
{
    copy_evaluation_scalars(dst, src);
    dst->tls = src->tls;
    TRY(altroot_set_string(&dst->message, src->message));
    TRY(altroot_set_string(&dst->target, src->target));
    TRY(altroot_set_string(&dst->address, src->address));
    TRY(altroot_set_string(&dst->tls_version, src->tls_version));
    TRY(altroot_set_string(&dst->tls_cipher, src->tls_cipher));
    TRY(altroot_set_string(&dst->class_note, src->class_note));
    TRY(copy_leaf(&dst->leaf, &src->leaf));
    for (size_t i = 0; i < src->root_count; i++)
        TRY(copy_root(dst, &src->roots[i]));
    TRY(copy_name(&dst->name, &src->name));
    TRY(altroot_failures_extend(&dst->failures, &src->failures, NULL));
    return copy_strlist(&dst->warnings, &src->warnings);
}

altroot_err altroot_verdict_copy(altroot_verdict *dst, const altroot_verdict *src)
{
    ENSURE(dst != NULL && src != NULL, ALTROOT_E_ARG);
    altroot_verdict_init(dst);
    altroot_err err = copy_all(dst, src);
    if (err != ALTROOT_OK)
        altroot_verdict_clear(dst);
    return err;
}

static void move_string(char **dst, char **src)
{
    altroot_free(*dst);
    *dst = *src;
    *src = NULL;
}

altroot_err altroot_verdict_move_evaluation(altroot_verdict *dst, altroot_verdict *src)
{
    ENSURE(dst->root_count == 0, ALTROOT_E_INTERNAL); /* an evaluation adds the roots */
    copy_evaluation_scalars(dst, src);
    move_string(&dst->message, &src->message);
    move_string(&dst->class_note, &src->class_note);
    /* Swapped: dst's old leaf, name and (empty) roots are freed with src. */
    altroot_peer_cert leaf = dst->leaf;
    dst->leaf = src->leaf;
    src->leaf = leaf;
    altroot_name_binding name = dst->name;
    dst->name = src->name;
    src->name = name;
    altroot_root_result *roots = dst->roots;
    dst->roots = src->roots;
    dst->root_count = src->root_count;
    src->roots = roots;
    src->root_count = 0;
    TRY(altroot_failures_extend(&dst->failures, &src->failures, NULL));
    return copy_strlist(&dst->warnings, &src->warnings);
}
