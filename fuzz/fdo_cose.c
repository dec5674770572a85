/* Fuzz target: COSE_Sign1 decoding and verification, COSE_Key and X5CHAIN decoding. */
#include <stddef.h>
#include <stdint.h>

#include <altroot/cose.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static altroot_key *key; /* a key nobody else has: no input may verify with it */
    if (key == NULL && altroot_key_generate(ALTROOT_KEY_EC_P256, &key) != ALTROOT_OK)
        return 0;
    altroot_span in = {data, size};
    altroot_cose_sign1 s;
    if (altroot_cose_sign1_decode(in, &s) == ALTROOT_OK &&
        altroot_cose_sign1_verify(&s, key, (altroot_span){NULL, 0}) == ALTROOT_OK)
        __builtin_trap();
    altroot_key *k = NULL;
    if (altroot_cose_key_decode(in, &k, NULL) == ALTROOT_OK && k == NULL)
        __builtin_trap();
    altroot_key_free(k);
    altroot_certs *c = NULL;
    if (altroot_cose_x5chain_decode(in, true, &c, NULL) == ALTROOT_OK &&
        altroot_certs_count(c) == 0)
        __builtin_trap();
    altroot_certs_free(c);
    return 0;
}
