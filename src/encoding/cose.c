/* COSE_Sign1 (RFC 9052 4.2, 4.4) over the strict CBOR reader: decode, verify, sign. */
#include <string.h>

#include <altroot/cose.h>

#include "../core/guard.h"
#include "cbor.h"

#define COSE_LABEL_ALG 1
#define COSE_LABEL_CRIT 2

altroot_err altroot_cose_alg_sig(int64_t alg, altroot_sig_alg *out)
{
    switch (alg) {
    case ALTROOT_COSE_ES256:
        *out = ALTROOT_SIG_ECDSA_P256_SHA256;
        return ALTROOT_OK;
    case ALTROOT_COSE_ES384:
        *out = ALTROOT_SIG_ECDSA_P384_SHA384;
        return ALTROOT_OK;
    case ALTROOT_COSE_RS256:
        *out = ALTROOT_SIG_RSA_PKCS1_SHA256;
        return ALTROOT_OK;
    case ALTROOT_COSE_RS384:
        *out = ALTROOT_SIG_RSA_PKCS1_SHA384;
        return ALTROOT_OK;
    case ALTROOT_COSE_PS256:
        *out = ALTROOT_SIG_RSA_PSS_SHA256;
        return ALTROOT_OK;
    case ALTROOT_COSE_PS384:
        *out = ALTROOT_SIG_RSA_PSS_SHA384;
        return ALTROOT_OK;
    default:
        return ALTROOT_E_COSE_ALG;
    }
}

/* RFC 9052 3: "Labels in each of the maps MUST be unique" and "the same label MUST NOT occur in
 * both the protected and unprotected headers"; crit (label 2) "MUST be placed in the protected
 * header" and lists labels the recipient must understand: this verifier understands only alg,
 * so any crit fails. Returns the alg found in `map` through `alg` (when `alg` is not NULL). */
static altroot_err scan_header(const altroot_cbor_item *map, const altroot_cbor_item *other,
                               int64_t *alg, bool *has_alg)
{
    altroot_cbor_iter it;
    TRY(altroot_cbor_map(map, &it));
    while (it.left > 0) {
        altroot_cbor_item k, v, dup;
        int64_t label = 0;
        TRY(altroot_cbor_next(&it, &k));
        TRY(altroot_cbor_next(&it, &v));
        bool is_int = altroot_cbor_int(&k, &label) == ALTROOT_OK;
        ENSURE(is_int || k.major == ALTROOT_CBOR_TSTR, ALTROOT_E_COSE_HEADER);
        ENSURE(!is_int || label != COSE_LABEL_CRIT, ALTROOT_E_COSE_HEADER);
        if (is_int && other != NULL)
            ENSURE(altroot_cbor_map_find(other, label, &dup) == ALTROOT_E_NOT_FOUND,
                   ALTROOT_E_COSE_HEADER);
        if (is_int && label == COSE_LABEL_ALG) {
            ENSURE(alg != NULL, ALTROOT_E_COSE_HEADER); /* alg only in the protected bucket */
            ENSURE(altroot_cbor_int(&v, alg) == ALTROOT_OK, ALTROOT_E_COSE_ALG);
            *has_alg = true;
        }
    }
    return ALTROOT_OK;
}

static altroot_err decode_headers(const altroot_cbor_item *prot, const altroot_cbor_item *unprot,
                                  altroot_cose_sign1 *out)
{
    /* RFC 9052 3: an empty protected bucket is encoded as a zero-length bstr */
    altroot_cbor_item pmap = {.major = ALTROOT_CBOR_MAP};
    if (prot->content.len > 0)
        TRY(altroot_cbor_unwrap(prot, &pmap));
    ENSURE(pmap.major == ALTROOT_CBOR_MAP && unprot->major == ALTROOT_CBOR_MAP,
           ALTROOT_E_COSE_MALFORMED);
    bool has_alg = false;
    TRY(scan_header(&pmap, unprot, &out->alg, &has_alg));
    TRY(scan_header(unprot, NULL, NULL, &has_alg));
    ENSURE(has_alg, ALTROOT_E_COSE_ALG);
    altroot_sig_alg sa;
    TRY(altroot_cose_alg_sig(out->alg, &sa));
    out->unprotected_count = (size_t)unprot->arg;
    return ALTROOT_OK;
}

altroot_err altroot_cose_sign1_decode(altroot_span in, altroot_cose_sign1 *out)
{
    altroot_cbor_item top, msg, prot, unprot, payload, sig;
    TRY(altroot_cbor_decode(in, &top));
    altroot_cose_sign1 s;
    memset(&s, 0, sizeof s);
    s.raw = top.raw;
    msg = top;
    if (top.major == ALTROOT_CBOR_TAG) {
        ENSURE(top.arg == ALTROOT_COSE_SIGN1_TAG, ALTROOT_E_COSE_MALFORMED);
        TRY(altroot_cbor_decode(top.content, &msg));
        s.tagged = true;
    }
    altroot_cbor_iter it;
    ENSURE(altroot_cbor_array(&msg, 4, &it) == ALTROOT_OK, ALTROOT_E_COSE_MALFORMED);
    TRY(altroot_cbor_next(&it, &prot));
    TRY(altroot_cbor_next(&it, &unprot));
    TRY(altroot_cbor_next(&it, &payload));
    TRY(altroot_cbor_next(&it, &sig));
    /* a detached payload (nil) cannot be verified here: nothing in FDO detaches it */
    ENSURE(altroot_cbor_bstr(&prot, &s.protected_h) == ALTROOT_OK &&
               altroot_cbor_bstr(&payload, &s.payload) == ALTROOT_OK &&
               altroot_cbor_bstr(&sig, &s.signature) == ALTROOT_OK,
           ALTROOT_E_COSE_MALFORMED);
    TRY(decode_headers(&prot, &unprot, &s));
    *out = s;
    return ALTROOT_OK;
}

/* RFC 9052 4.4: Sig_structure = ["Signature1", body_protected: empty_or_serialized_map,
 * external_aad: bstr, payload: bstr] */
altroot_err altroot_cose_sig_structure(altroot_span protected_h, altroot_span external_aad,
                                       altroot_span payload, altroot_bytes *out)
{
    static const char context[] = "Signature1";
    TRY(altroot_cbor_put_head(out, ALTROOT_CBOR_ARRAY, 4));
    TRY(altroot_cbor_put_tstr(out, context, sizeof context - 1));
    TRY(altroot_cbor_put_bstr(out, protected_h));
    TRY(altroot_cbor_put_bstr(out, external_aad));
    return altroot_cbor_put_bstr(out, payload);
}

altroot_err altroot_cose_sign1_verify(const altroot_cose_sign1 *msg, const altroot_key *key,
                                      altroot_span external_aad)
{
    altroot_sig_alg sa;
    ENSURE(msg != NULL && key != NULL, ALTROOT_E_ARG);
    TRY(altroot_cose_alg_sig(msg->alg, &sa));
    altroot_bytes tbs = ALTROOT_BYTES_INIT;
    altroot_err err =
        altroot_cose_sig_structure(msg->protected_h, external_aad, msg->payload, &tbs);
    if (err == ALTROOT_OK)
        err = altroot_verify_signature(key, sa, ALTROOT_SIG_FORMAT_RAW, altroot_bytes_span(&tbs),
                                       msg->signature);
    altroot_bytes_clear(&tbs);
    if (err == ALTROOT_OK || err == ALTROOT_E_NOMEM)
        return err;
    return err == ALTROOT_E_KEY_PARSE ? ALTROOT_E_COSE_ALG_KEY : ALTROOT_E_COSE_SIGNATURE;
}

altroot_err altroot_cose_sign1_sign(altroot_cose_alg alg, const altroot_key *key,
                                    altroot_span payload, altroot_span external_aad,
                                    altroot_bytes *out)
{
    altroot_sig_alg sa;
    TRY(altroot_cose_alg_sig(alg, &sa));
    altroot_bytes prot = ALTROOT_BYTES_INIT, tbs = ALTROOT_BYTES_INIT, sig = ALTROOT_BYTES_INIT;
    altroot_err err = ALTROOT_OK;
    TRY_GOTO(altroot_cbor_put_head(&prot, ALTROOT_CBOR_MAP, 1));
    TRY_GOTO(altroot_cbor_put_int(&prot, COSE_LABEL_ALG));
    TRY_GOTO(altroot_cbor_put_int(&prot, alg));
    TRY_GOTO(altroot_cose_sig_structure(altroot_bytes_span(&prot), external_aad, payload, &tbs));
    TRY_GOTO(altroot_sign(key, sa, ALTROOT_SIG_FORMAT_RAW, altroot_bytes_span(&tbs), &sig));
    TRY_GOTO(altroot_cbor_put_head(out, ALTROOT_CBOR_TAG, ALTROOT_COSE_SIGN1_TAG));
    TRY_GOTO(altroot_cbor_put_head(out, ALTROOT_CBOR_ARRAY, 4));
    TRY_GOTO(altroot_cbor_put_bstr(out, altroot_bytes_span(&prot)));
    TRY_GOTO(altroot_cbor_put_head(out, ALTROOT_CBOR_MAP, 0));
    TRY_GOTO(altroot_cbor_put_bstr(out, payload));
    TRY_GOTO(altroot_cbor_put_bstr(out, altroot_bytes_span(&sig)));
out:
    altroot_bytes_clear(&prot);
    altroot_bytes_clear(&tbs);
    altroot_bytes_clear(&sig);
    return err;
}
