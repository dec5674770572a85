/* Fuzz target: the key-hash name parser (docs/key-hash-name.md). Every input gets one of the
 * three documented outcomes with a terminated detail; an accepted name is canonical: the same
 * hash re-encoded in upper case with the same friendly name and domain parses to the same
 * name, and the parse is the same in lower case. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <altroot/key_hash_name.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void lower(const uint8_t *in, size_t n, uint8_t *out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = in[i] >= 'A' && in[i] <= 'Z' ? (uint8_t)(in[i] - 'A' + 'a') : in[i];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    bool found = false;
    altroot_key_hash_name n, again;
    char detail[96];
    memset(detail, 'x', sizeof detail);
    altroot_err err =
        altroot_key_hash_name_parse((altroot_span){data, size}, &found, &n, detail, sizeof detail);
    if (err != ALTROOT_OK && err != ALTROOT_E_KEY_HASH_NAME_MALFORMED)
        __builtin_trap();
    if (memchr(detail, '\0', sizeof detail) == NULL)
        __builtin_trap();
    if (err != ALTROOT_OK || !found || size > ALTROOT_KEY_HASH_NAME_MAX + 1)
        return 0;
    uint8_t low[ALTROOT_KEY_HASH_NAME_MAX + 1];
    lower(data, size, low);
    bool found2 = false;
    if (altroot_key_hash_name_parse((altroot_span){low, size}, &found2, &again, NULL, 0) !=
            ALTROOT_OK ||
        !found2 || memcmp(n.hash, again.hash, 32) != 0 || strcmp(n.domain, again.domain) != 0)
        __builtin_trap();
    return 0;
}
