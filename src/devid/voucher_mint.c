/* Minting RFC 8366 vouchers for tests: JSON leaves, then CMS SignedData (encapsulated). */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <altroot/alloc.h>
#include <altroot/brski.h>
#include <altroot/cms.h>

#include "../core/guard.h"

/* RFC 4648 4 base64 with padding (YANG binary in JSON, RFC 7951 6.6). */
static altroot_err b64(altroot_span in, altroot_bytes *out)
{
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < in.len; i += 3) {
        uint32_t v = (uint32_t)in.ptr[i] << 16;
        size_t n = in.len - i >= 3 ? 3 : in.len - i;
        if (n > 1)
            v |= (uint32_t)in.ptr[i + 1] << 8;
        if (n > 2)
            v |= in.ptr[i + 2];
        char q[4] = {abc[(v >> 18) & 63], abc[(v >> 12) & 63],
                     (char)(n > 1 ? abc[(v >> 6) & 63] : '='), (char)(n > 2 ? abc[v & 63] : '=')};
        TRY(altroot_bytes_append(out, q, 4));
    }
    return altroot_bytes_append_u8(out, 0);
}

static void put(json_t *obj, const char *key, json_t *v, int *bad)
{
    if (v == NULL || json_object_set_new(obj, key, v) != 0)
        (*bad)++;
}

static void put_time(json_t *obj, const char *key, altroot_time t, int *bad)
{
    char when[ALTROOT_TIME_STR_LEN];
    altroot_time_format(t, when);
    put(obj, key, json_string(when), bad);
}

static altroot_err render(const altroot_voucher_mint_params *p, const char *pinned,
                          const char *issuer, altroot_bytes *json)
{
    int bad = 0;
    json_t *v = json_object(), *root = json_object();
    put(v, "assertion", json_string(p->assertion), &bad);
    put_time(v, "created-on", p->created_on, &bad);
    if (p->expires_on != 0)
        put_time(v, "expires-on", p->expires_on, &bad);
    put(v, "serial-number", json_string(p->serial_number), &bad);
    if (p->nonce != NULL)
        put(v, "nonce", json_string(p->nonce), &bad);
    if (issuer != NULL)
        put(v, "idevid-issuer", json_string(issuer), &bad);
    put(v, "pinned-domain-cert", json_string(pinned), &bad);
    if (p->extra_leaf != NULL)
        put(v, p->extra_leaf, json_true(), &bad);
    put(root, "ietf-voucher:voucher", v, &bad);
    char *text = bad == 0 ? json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(root);
    ENSURE(text != NULL, ALTROOT_E_NOMEM);
    altroot_err err = altroot_bytes_append(json, text, strlen(text));
    free(text);
    return err;
}

altroot_err altroot_voucher_mint(const altroot_voucher_mint_params *p, altroot_bytes *out)
{
    ENSURE(p != NULL && out != NULL && p->pinned != NULL && p->assertion != NULL &&
               p->serial_number != NULL,
           ALTROOT_E_ARG);
    altroot_err err = ALTROOT_OK;
    altroot_bytes pinned = ALTROOT_BYTES_INIT, issuer = ALTROOT_BYTES_INIT,
                  json = ALTROOT_BYTES_INIT;
    TRY_GOTO(b64(altroot_cert_der(p->pinned), &pinned));
    if (p->idevid_issuer.len > 0)
        TRY_GOTO(b64(p->idevid_issuer, &issuer));
    TRY_GOTO(render(p, (const char *)pinned.ptr,
                    p->idevid_issuer.len > 0 ? (const char *)issuer.ptr : NULL, &json));
    altroot_cms_sign_params sp = {.content = altroot_bytes_span(&json),
                                  .content_type = p->content_type,
                                  .signer = p->signer,
                                  .key = p->key};
    err = altroot_cms_sign(&sp, out);
out:
    altroot_bytes_clear(&pinned);
    altroot_bytes_clear(&issuer);
    altroot_bytes_clear(&json);
    return err;
}
