/* Fuzz target: certificate signing requests as ACME finalize receives them (src/crypto/csr.c
 * and the gateway's checks in gateway/issue.c). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../gateway/issue.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    altroot_csr *csr = NULL;
    if (altroot_csr_parse((altroot_span){data, size}, &csr) != ALTROOT_OK)
        return 0;
    altroot_strlist sans = ALTROOT_STRLIST_INIT, oids = ALTROOT_STRLIST_INIT;
    if (altroot_csr_sans(csr, &sans) == ALTROOT_OK) {
        /* Every entry is "other" or a printable "DNS:" name. */
        for (size_t i = 0; i < sans.count; i++)
            if (strcmp(sans.items[i], "other") != 0 && strncmp(sans.items[i], "DNS:", 4) != 0)
                __builtin_trap();
    }
    if (altroot_csr_extension_oids(csr, &oids) != ALTROOT_OK && oids.count > 64)
        __builtin_trap();
    altroot_gw_names names = {.count = 1};
    memcpy(names.name[0], "dev1.fuzz.home.arpa", sizeof "dev1.fuzz.home.arpa");
    altroot_key *key = NULL;
    if (altroot_gw_csr_check(csr, &names, NULL, &key) == ALTROOT_OK) {
        /* Accepted: the only name it asks for is the one given. */
        if (sans.count != 1 || strcmp(sans.items[0], "DNS:dev1.fuzz.home.arpa") != 0 || key == NULL)
            __builtin_trap();
    }
    altroot_key_free(key);
    altroot_strlist_clear(&oids);
    altroot_strlist_clear(&sans);
    altroot_csr_free(csr);
    return 0;
}
