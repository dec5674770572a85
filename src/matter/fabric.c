/* Fabric identity: compressed fabric identifier and the operational DNS-SD instance name. */
#include <stdio.h>
#include <string.h>

#include "../core/guard.h"
#include "../crypto/kdf.h"
#include "cert.h"

/* Spec 4.3.2.2 [from memory]: CompressedFabricIdentifier = Crypto_KDF(inputKey =
 * TargetOperationalRootPublicKey without its 0x04 format octet, salt = TargetOperationalFabricID
 * as 64-bit big-endian, info = "CompressedFabric", len = 64 bits). */
altroot_err
altroot_matter_compressed_fabric_id(const uint8_t root_pubkey[ALTROOT_MATTER_PUBKEY_LEN],
                                    uint64_t fabric_id, uint64_t *out)
{
    static const char info[] = "CompressedFabric";
    ENSURE(root_pubkey != NULL && out != NULL, ALTROOT_E_INTERNAL);
    ENSURE(root_pubkey[0] == 0x04, ALTROOT_E_POLICY);
    uint8_t salt[8], okm[8];
    for (size_t i = 0; i < 8; i++)
        salt[i] = (uint8_t)(fabric_id >> (8 * (7 - i)));
    TRY(altroot_hkdf_sha256((altroot_span){salt, sizeof salt},
                            (altroot_span){root_pubkey + 1, ALTROOT_MATTER_PUBKEY_LEN - 1},
                            (altroot_span){(const uint8_t *)info, sizeof info - 1}, okm,
                            sizeof okm));
    uint64_t v = 0;
    for (size_t i = 0; i < 8; i++)
        v = v << 8 | okm[i];
    *out = v;
    return ALTROOT_OK;
}

/* Spec 4.3.1 [from memory]: operational instance name "<CompressedFabricId>-<NodeId>", each as
 * 16 upper-case hex digits. */
void altroot_matter_instance_name(uint64_t cfid, uint64_t node_id,
                                  char out[ALTROOT_MATTER_INSTANCE_NAME_LEN])
{
    snprintf(out, ALTROOT_MATTER_INSTANCE_NAME_LEN, "%08X%08X-%08X%08X", (unsigned)(cfid >> 32),
             (unsigned)(cfid & 0xFFFFFFFFu), (unsigned)(node_id >> 32),
             (unsigned)(node_id & 0xFFFFFFFFu));
}

altroot_err altroot_matter_operational_name(const altroot_matter_cert *rcac,
                                            const altroot_matter_cert *noc,
                                            char out[ALTROOT_MATTER_INSTANCE_NAME_LEN])
{
    ENSURE(rcac != NULL && noc != NULL && out != NULL, ALTROOT_E_INTERNAL);
    const altroot_matter_dn *n = &noc->subject;
    const altroot_matter_dn *r = &rcac->subject;
    ENSURE(n->type == ALTROOT_MATTER_CERT_NODE && n->fabric_id != 0, ALTROOT_E_POLICY);
    ENSURE(r->type == ALTROOT_MATTER_CERT_ROOT, ALTROOT_E_POLICY);
    /* Spec 6.5.6.x [from memory] / SDK ValidateChipRCAC: an RCAC fabric id, if present, must be
     * the NOC's. */
    ENSURE(r->fabric_id == 0 || r->fabric_id == n->fabric_id, ALTROOT_E_POLICY);
    uint64_t cfid;
    TRY(altroot_matter_compressed_fabric_id(rcac->pubkey, n->fabric_id, &cfid));
    altroot_matter_instance_name(cfid, n->id, out);
    return ALTROOT_OK;
}
