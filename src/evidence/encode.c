/*
 * Device side: the id-pe-cmw extension value (docs/evidence.md): a DER OCTET STRING (the cbor
 * alternative of the CMW CHOICE, RFC 9999 6.1) around a CMW collection, deterministically
 * encoded (RFC 8949 4.2.1: shortest heads, definite lengths, map keys in the bytewise order of
 * their encodings), with one nested collection per root. Each root's bindings are COSE_Sign1
 * (RFC 9052 4.2) over claims that carry the SHA-256 of every other member of the root.
 */
#include <string.h>

#include <altroot/cose.h>
#include <altroot/devid.h>
#include <altroot/fdo.h>
#include <altroot/matter.h>
#include <altroot/matter_op.h>

#include "../core/guard.h"
#include "../encoding/der.h"
#include "internal.h"

altroot_err evd_put_key(altroot_bytes *out, int64_t key)
{
    return altroot_cbor_put_int(out, key);
}

/* ---- deterministic maps ---- */

static altroot_err builder_add_key(evd_builder *b, altroot_bytes *key, altroot_span value)
{
    altroot_err err = b->count < EVD_BUILDER_MAX && key->len <= sizeof b->e[0].key
                          ? ALTROOT_OK
                          : ALTROOT_E_INTERNAL;
    if (err == ALTROOT_OK) {
        memcpy(b->e[b->count].key, key->ptr, key->len);
        b->e[b->count].key_len = key->len;
        b->e[b->count].value = (altroot_bytes)ALTROOT_BYTES_INIT;
        err = altroot_bytes_append(&b->e[b->count].value, value.ptr, value.len);
        b->count += err == ALTROOT_OK ? 1 : 0;
    }
    altroot_bytes_clear(key);
    return err;
}

altroot_err evd_builder_add(evd_builder *b, const char *label, altroot_span value)
{
    altroot_bytes key = ALTROOT_BYTES_INIT;
    altroot_err err = altroot_cbor_put_tstr(&key, label, strlen(label));
    if (err != ALTROOT_OK) {
        altroot_bytes_clear(&key);
        return err;
    }
    return builder_add_key(b, &key, value);
}

altroot_err evd_builder_add_uint(evd_builder *b, uint64_t k, altroot_span value)
{
    altroot_bytes key = ALTROOT_BYTES_INIT;
    altroot_err err = altroot_cbor_put_head(&key, ALTROOT_CBOR_UINT, k);
    if (err != ALTROOT_OK) {
        altroot_bytes_clear(&key);
        return err;
    }
    return builder_add_key(b, &key, value);
}

static bool key_less(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
    int c = memcmp(a, b, an < bn ? an : bn);
    return c < 0 || (c == 0 && an < bn);
}

/* Insertion sort: at most EVD_BUILDER_MAX entries. */
void evd_builder_sort(evd_builder *b)
{
    for (size_t i = 1; i < b->count; i++)
        for (size_t j = i;
             j > 0 && key_less(b->e[j].key, b->e[j].key_len, b->e[j - 1].key, b->e[j - 1].key_len);
             j--) {
            evd_entry t = b->e[j];
            b->e[j] = b->e[j - 1];
            b->e[j - 1] = t;
        }
}

altroot_err evd_builder_write(evd_builder *b, altroot_bytes *out)
{
    evd_builder_sort(b);
    TRY(altroot_cbor_put_head(out, ALTROOT_CBOR_MAP, b->count));
    for (size_t i = 0; i < b->count; i++) {
        TRY(altroot_bytes_append(out, b->e[i].key, b->e[i].key_len));
        TRY(altroot_cbor_put_raw(out, altroot_bytes_span(&b->e[i].value)));
    }
    return ALTROOT_OK;
}

void evd_builder_clear(evd_builder *b)
{
    for (size_t i = 0; i < b->count; i++)
        altroot_bytes_clear(&b->e[i].value);
    b->count = 0;
}

/* ---- binding claims ---- */

static altroot_err put_names(altroot_bytes *out, const altroot_evidence_params *p)
{
    ENSURE(p->name_count >= 1 && p->name_count <= ALTROOT_EVIDENCE_MAX_NAMES, ALTROOT_E_ARG);
    TRY(altroot_cbor_put_head(out, ALTROOT_CBOR_ARRAY, p->name_count));
    for (size_t i = 0; i < p->name_count; i++)
        TRY(altroot_cbor_put_tstr(out, p->names[i], strlen(p->names[i])));
    return ALTROOT_OK;
}

static altroot_err put_devid_identity(altroot_bytes *out, const altroot_cert *cert)
{
    altroot_devid_info info;
    altroot_failures f = ALTROOT_FAILURES_INIT;
    altroot_strlist w = ALTROOT_STRLIST_INIT;
    altroot_err err = altroot_devid_check_profile(cert, ALTROOT_DEVID_IDEVID, false, &info, &f, &w);
    if (err == ALTROOT_OK && info.serial == NULL)
        err = ALTROOT_E_ARG;
    if (err == ALTROOT_OK)
        err = altroot_cbor_put_head(out, ALTROOT_CBOR_MAP, info.has_hw_module ? 2 : 1);
    if (err == ALTROOT_OK)
        err = evd_put_key(out, 1);
    if (err == ALTROOT_OK)
        err = altroot_cbor_put_tstr(out, info.serial, strlen(info.serial));
    if (err == ALTROOT_OK && info.has_hw_module)
        err = evd_put_key(out, 2);
    if (err == ALTROOT_OK && info.has_hw_module)
        err = altroot_cbor_put_tstr(out, info.hw_type, strlen(info.hw_type));
    altroot_devid_info_clear(&info);
    altroot_failures_clear(&f);
    altroot_strlist_clear(&w);
    return err;
}

/* The root-specific identity, read from the artefact the verifier reads it from. */
static altroot_err put_identity(altroot_bytes *out, altroot_evidence_root root,
                                const altroot_cert *cert, const uint8_t guid[16])
{
    if (root == ALTROOT_EVIDENCE_FDO) {
        ENSURE(guid != NULL, ALTROOT_E_ARG);
        TRY(altroot_cbor_put_head(out, ALTROOT_CBOR_MAP, 1));
        TRY(evd_put_key(out, 1));
        return altroot_cbor_put_bstr(out, (altroot_span){guid, 16});
    }
    ENSURE(cert != NULL, ALTROOT_E_ARG);
    if (root != ALTROOT_EVIDENCE_MATTER)
        return put_devid_identity(out, cert);
    altroot_matter_ids ids;
    TRY(altroot_matter_ids_get(cert, &ids));
    ENSURE(ids.has_vid && ids.has_pid, ALTROOT_E_ARG);
    TRY(altroot_cbor_put_head(out, ALTROOT_CBOR_MAP, 2));
    TRY(evd_put_key(out, 1));
    TRY(altroot_cbor_put_int(out, ids.vid));
    TRY(evd_put_key(out, 2));
    return altroot_cbor_put_int(out, ids.pid);
}

/* { + label => bstr .size 32 }, labels in the order of their encodings (the caller's). */
static altroot_err put_digests(altroot_bytes *out, const altroot_evidence_digest *d, size_t n)
{
    ENSURE(n >= 1 && n <= ALTROOT_EVIDENCE_MAX_MEMBERS, ALTROOT_E_ARG);
    TRY(altroot_cbor_put_head(out, ALTROOT_CBOR_MAP, n));
    for (size_t i = 0; i < n; i++) {
        TRY(altroot_cbor_put_tstr(out, (const char *)d[i].label.ptr, d[i].label.len));
        TRY(altroot_cbor_put_bstr(out, (altroot_span){d[i].sha256, 32}));
    }
    return ALTROOT_OK;
}

typedef struct claims_in {
    altroot_evidence_root root;
    const altroot_evidence_params *p;
    const altroot_cert *cert;
    const uint8_t *guid;
    const altroot_evidence_digest *digests;
    size_t digest_count;
} claims_in;

/* Keys in the bytewise order of their encodings: 4, 6, 8, 265, -70001, -70002, -70003. */
static altroot_err claims_encode(const claims_in *in, altroot_bytes *out)
{
    const altroot_evidence_params *p = in->p;
    uint8_t kid[32];
    ENSURE(p->tls_key != NULL && p->iat >= 0 && p->exp >= 0, ALTROOT_E_ARG);
    TRY(altroot_key_spki_sha256(p->tls_key, kid));
    TRY(altroot_cbor_put_head(out, ALTROOT_CBOR_MAP, p->exp > 0 ? 7 : 6));
    if (p->exp > 0) {
        TRY(evd_put_key(out, EVD_CLAIM_EXP));
        TRY(altroot_cbor_put_head(out, ALTROOT_CBOR_UINT, (uint64_t)p->exp));
    }
    TRY(evd_put_key(out, EVD_CLAIM_IAT));
    TRY(altroot_cbor_put_head(out, ALTROOT_CBOR_UINT, (uint64_t)p->iat));
    TRY(evd_put_key(out, EVD_CLAIM_CNF));
    TRY(altroot_cbor_put_head(out, ALTROOT_CBOR_MAP, 1));
    TRY(evd_put_key(out, EVD_CNF_KID));
    TRY(altroot_cbor_put_bstr(out, (altroot_span){kid, 32}));
    /* RFC 9711 4.3.2: eat_profile as an OID is its untagged content octets (~oid). */
    TRY(evd_put_key(out, EVD_CLAIM_PROFILE));
    TRY(altroot_cbor_put_bstr(out, (altroot_span){EVD_OID_PROFILE, sizeof EVD_OID_PROFILE}));
    TRY(evd_put_key(out, EVD_CLAIM_NAMES));
    TRY(put_names(out, p));
    TRY(evd_put_key(out, EVD_CLAIM_IDENTITY));
    TRY(put_identity(out, in->root, in->cert, in->guid));
    TRY(evd_put_key(out, EVD_CLAIM_DIGESTS));
    return put_digests(out, in->digests, in->digest_count);
}

static altroot_err alg_for(const altroot_key *key, altroot_cose_alg *alg)
{
    switch (altroot_key_get_type(key)) {
    case ALTROOT_KEY_EC_P256:
        *alg = ALTROOT_COSE_ES256;
        return ALTROOT_OK;
    case ALTROOT_KEY_EC_P384:
        *alg = ALTROOT_COSE_ES384;
        return ALTROOT_OK;
    case ALTROOT_KEY_RSA_2048:
        *alg = ALTROOT_COSE_PS256;
        return ALTROOT_OK;
    }
    return ALTROOT_E_UNSUPPORTED;
}

altroot_err altroot_evidence_sign_binding(altroot_evidence_root root, const altroot_key *device_key,
                                          const altroot_evidence_params *p,
                                          const altroot_cert *identity_cert, const uint8_t guid[16],
                                          const altroot_evidence_digest *digests,
                                          size_t digest_count, altroot_bytes *out)
{
    ENSURE(device_key != NULL && p != NULL && out != NULL, ALTROOT_E_ARG);
    ENSURE(root != ALTROOT_EVIDENCE_MUD && (digests != NULL || digest_count == 0), ALTROOT_E_ARG);
    altroot_cose_alg alg;
    TRY(alg_for(device_key, &alg));
    claims_in in = {root, p, identity_cert, guid, digests, digest_count};
    altroot_bytes claims = ALTROOT_BYTES_INIT;
    altroot_err err = claims_encode(&in, &claims);
    if (err == ALTROOT_OK)
        err = altroot_cose_sign1_sign(alg, device_key, altroot_bytes_span(&claims),
                                      (altroot_span){0}, out);
    altroot_bytes_clear(&claims);
    return err;
}
