/*
 * Owner tooling: mint an unextended voucher (what a manufacturer's DI step produces) and extend a
 * voucher to the next owner (go-fdo ExtendVoucher, fdo-owner-tool extend-ownership-voucher).
 * Output is deterministic CBOR; existing parts are copied byte for byte.
 */
#include <string.h>

#include <altroot/cose.h>
#include <altroot/fdo_crypto.h>

#include "../core/guard.h"
#include "fdo_internal.h"

#define DEFAULT_RV_HOST "rv.example"
#define RV_DNS 5
#define RV_DEV_PORT 3

/* RendezvousInfo with one directive: [[[5, bstr .cbor host], [3, bstr .cbor port]]] */
static altroot_err put_rvinfo(altroot_bytes *out, const char *host, uint16_t port)
{
    altroot_bytes v = ALTROOT_BYTES_INIT;
    altroot_err err = ALTROOT_OK;
    TRY_GOTO(altroot_cbor_put_head(out, ALTROOT_CBOR_ARRAY, 1));
    TRY_GOTO(altroot_cbor_put_head(out, ALTROOT_CBOR_ARRAY, 2));
    TRY_GOTO(altroot_cbor_put_head(out, ALTROOT_CBOR_ARRAY, 2));
    TRY_GOTO(altroot_cbor_put_int(out, RV_DNS));
    TRY_GOTO(altroot_cbor_put_tstr(&v, host, strlen(host)));
    TRY_GOTO(altroot_cbor_put_bstr(out, altroot_bytes_span(&v)));
    v.len = 0;
    TRY_GOTO(altroot_cbor_put_head(out, ALTROOT_CBOR_ARRAY, 2));
    TRY_GOTO(altroot_cbor_put_int(out, RV_DEV_PORT));
    TRY_GOTO(altroot_cbor_put_int(&v, port));
    TRY_GOTO(altroot_cbor_put_bstr(out, altroot_bytes_span(&v)));
out:
    altroot_bytes_clear(&v);
    return err;
}

static altroot_err put_chain_hash(altroot_bytes *out, const altroot_certs *chain, int64_t type)
{
    if (chain == NULL)
        return altroot_cbor_put_null(out);
    altroot_bytes cat = ALTROOT_BYTES_INIT;
    altroot_err err = ALTROOT_OK;
    uint8_t h[FDO_HASH_MAX];
    size_t n = 0;
    for (size_t i = 0; err == ALTROOT_OK && i < altroot_certs_count(chain); i++)
        err = altroot_cbor_put_raw(&cat, altroot_cert_der(altroot_certs_get(chain, i)));
    if (err == ALTROOT_OK)
        err = fdo_hash2(type, altroot_bytes_span(&cat), (altroot_span){NULL, 0}, h, &n);
    if (err == ALTROOT_OK)
        err = fdo_hash_put(out, type, h, n);
    altroot_bytes_clear(&cat);
    return err;
}

static altroot_err put_header(altroot_bytes *hdr, const altroot_fdo_mint_params *p)
{
    const char *info = p->device_info != NULL ? p->device_info : "";
    int64_t type = fdo_pk_type_of(p->mfr_key, 0);
    TRY(altroot_cbor_put_head(hdr, ALTROOT_CBOR_ARRAY, 6));
    TRY(altroot_cbor_put_head(hdr, ALTROOT_CBOR_UINT,
                              p->hdr_protver != 0 ? p->hdr_protver : ALTROOT_FDO_PROTVER_1_1));
    TRY(altroot_cbor_put_bstr(hdr, (altroot_span){p->guid, sizeof p->guid}));
    TRY(put_rvinfo(hdr, p->rv_dns != NULL ? p->rv_dns : DEFAULT_RV_HOST,
                   p->rv_port != 0 ? p->rv_port : 8080));
    TRY(altroot_cbor_put_tstr(hdr, info, strlen(info)));
    TRY(fdo_pubkey_put(hdr, p->mfr_key, type, ALTROOT_FDO_PK_ENC_X509, NULL));
    return put_chain_hash(hdr, p->device_chain,
                          p->hash_type != 0 ? p->hash_type : fdo_hash_for_key(p->mfr_key));
}

altroot_err altroot_fdo_voucher_mint(const altroot_fdo_mint_params *p, altroot_bytes *out)
{
    ENSURE(p != NULL && p->mfr_key != NULL && out != NULL, ALTROOT_E_ARG);
    size_t mac_len = p->hmac_secret.len;
    ENSURE(mac_len == 32 || mac_len == 48, ALTROOT_E_ARG);
    altroot_bytes hdr = ALTROOT_BYTES_INIT;
    uint8_t mac[48];
    altroot_err err = ALTROOT_OK;
    TRY_GOTO(put_header(&hdr, p));
    /* OVHeaderHMac = HMAC[DCHmacSecret, OVHeader]; the size follows the secret (F1) */
    TRY_GOTO(altroot_hmac(mac_len == 32 ? ALTROOT_HMAC_SHA256 : ALTROOT_HMAC_SHA384, p->hmac_secret,
                          altroot_bytes_span(&hdr), mac, sizeof mac));
    TRY_GOTO(altroot_cbor_put_head(out, ALTROOT_CBOR_ARRAY, 5));
    TRY_GOTO(altroot_cbor_put_head(out, ALTROOT_CBOR_UINT,
                                   p->protver != 0 ? p->protver : ALTROOT_FDO_PROTVER_1_1));
    TRY_GOTO(altroot_cbor_put_bstr(out, altroot_bytes_span(&hdr)));
    TRY_GOTO(altroot_cbor_put_head(out, ALTROOT_CBOR_ARRAY, 2));
    TRY_GOTO(altroot_cbor_put_int(out, mac_len == 32 ? ALTROOT_FDO_HMAC_SHA256
                                                     : ALTROOT_FDO_HMAC_SHA384));
    TRY_GOTO(altroot_cbor_put_bstr(out, (altroot_span){mac, mac_len}));
    if (p->device_chain != NULL)
        TRY_GOTO(altroot_cose_x5chain_encode(p->device_chain, out));
    else
        TRY_GOTO(altroot_cbor_put_null(out));
    TRY_GOTO(altroot_cbor_put_head(out, ALTROOT_CBOR_ARRAY, 0));
out:
    altroot_bytes_clear(&hdr);
    return err;
}
