/* Fuzz target: Matter attestation elements (TLV). */
#include <stddef.h>
#include <stdint.h>

#include "matter/attest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    altroot_matter_elements el;
    if (altroot_matter_elements_decode((altroot_span){data, size}, &el) == ALTROOT_OK &&
        (el.nonce.len != 32 || el.cd.ptr < data || el.cd.ptr + el.cd.len > data + size))
        __builtin_trap();
    return 0;
}
