/* Fuzz target: the ownership voucher parser and verifier (PEM and CBOR). */
#include <stddef.h>
#include <stdint.h>

#include <altroot/fdo.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    altroot_span in = {data, size};
    altroot_fdo_verify_params p = {.at = 1795849200};
    altroot_fdo_result r;
    if (altroot_fdo_verify(in, 0, &p, &r) != ALTROOT_OK)
        return 0;
    /* fail closed: a verified voucher decoded, its chain verified, and nothing was reported */
    if (r.verified && (!r.decoded || !r.entries_ok || !r.chain_hash_ok || r.failures.count != 0 ||
                       r.final_owner == NULL))
        __builtin_trap();
    if (!r.verified && r.failures.count == 0)
        __builtin_trap();
    altroot_fdo_result_clear(&r);
    altroot_key *k = NULL;
    if (altroot_fdo_pem_private_key(in, &k) == ALTROOT_OK && k == NULL)
        __builtin_trap();
    altroot_key_free(k);
    return 0;
}
