/* Fuzz target: the anchor-file parser (PEM/DER certificates, bare public keys) as the trust
 * store runs it on every file of every kind directory. */
#include <stddef.h>
#include <stdint.h>

#include <altroot/altroot.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    altroot_trust_options o = {NULL, ""};
    altroot_trust_store *s = NULL;
    if (altroot_trust_store_load(&o, &s) != ALTROOT_OK)
        return 0;
    static const altroot_anchor_kind kinds[] = {ALTROOT_ANCHOR_LOCAL_CA, ALTROOT_ANCHOR_FDO_OWNER};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        if (altroot_trust_store_add(s, kinds[i], "fuzz", (altroot_span){data, size}) != ALTROOT_OK)
            continue;
        /* Whatever was accepted must be usable: walk it as a verifier would. */
        const altroot_certs *l = altroot_trust_store_certs(s, kinds[i]);
        for (size_t j = 0; j < altroot_certs_count(l); j++) {
            altroot_cert *c = altroot_certs_get(l, j);
            char buf[256];
            altroot_time nb, na;
            altroot_strlist sans = ALTROOT_STRLIST_INIT;
            altroot_cert_subject(c, buf, sizeof buf);
            if (altroot_cert_validity(c, &nb, &na) == ALTROOT_OK && nb > na)
                buf[0] = 0;
            if (altroot_cert_sans(c, &sans) == ALTROOT_OK)
                altroot_strlist_clear(&sans);
            (void)altroot_cert_is_self_signed(c);
        }
    }
    altroot_trust_store_free(s);
    return 0;
}
