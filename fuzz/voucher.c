/* Fuzz target: the RFC 8366 voucher JSON parser and the CMS envelope around it. */
#include <stddef.h>
#include <stdint.h>

#include <altroot/brski.h>
#include <altroot/cms.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    altroot_voucher v;
    altroot_failures f = ALTROOT_FAILURES_INIT;
    if (altroot_voucher_parse((altroot_span){data, size}, &v, &f) == ALTROOT_OK && f.count == 0 &&
        (v.pinned_domain_cert == NULL || v.serial_number == NULL ||
         v.assertion == ALTROOT_VOUCHER_ASSERTION_NONE))
        __builtin_trap(); /* an accepted voucher has its mandatory leaves */
    altroot_voucher_clear(&v);
    altroot_failures_clear(&f);
    altroot_certs *none = NULL;
    if (altroot_certs_new(&none) != ALTROOT_OK)
        return 0;
    altroot_voucher_params p = {.cms = {data, size}, .masa_anchors = none, .at = 0};
    altroot_voucher_result r;
    if (altroot_voucher_verify(&p, &r) == ALTROOT_OK && r.verified)
        __builtin_trap(); /* never verified without an anchor */
    altroot_voucher_result_clear(&r);
    altroot_certs_free(none);
    return 0;
}
