/* Fuzz target: the Certification Declaration CMS envelope and its TLV content. */
#include <stddef.h>
#include <stdint.h>

#include <altroot/matter.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    altroot_span in = {data, size};
    altroot_failures f = ALTROOT_FAILURES_INIT;
    altroot_matter_cd_envelope env;
    altroot_matter_cd cd;
    /* The input as a whole envelope, and as bare content. */
    if (altroot_matter_cd_open(in, &env, &f) == ALTROOT_OK &&
        altroot_matter_cd_decode(env.content, &cd) == ALTROOT_OK && cd.product_id_count == 0)
        __builtin_trap(); /* the decoder never accepts an empty product_id_array */
    altroot_failures_clear(&f);
    if (altroot_matter_cd_decode(in, &cd) == ALTROOT_OK &&
        (cd.product_id_count == 0 || cd.product_id_count > ALTROOT_MATTER_CD_MAX_PIDS))
        __builtin_trap();
    return 0;
}
