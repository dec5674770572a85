/*
 * Device side: the CMW collection of docs/evidence.md built from a device's credentials, one
 * nested collection per root. Each member is a CMW record [media type, value, indicator] typed by
 * the schema (schema.c), or a chain of them; each binding signs the digests of the members of
 * its root that are not bindings, so no member can be swapped, added or removed.
 */
#include <string.h>

#include <altroot/fdo.h>
#include <altroot/matter_op.h>

#include "../core/guard.h"
#include "../encoding/der.h"
#include "internal.h"

typedef struct root_build {
    const evd_root_spec *spec;
    evd_builder b;
    altroot_evidence_digest d[ALTROOT_EVIDENCE_MAX_MEMBERS];
    size_t dn;
} root_build;

static altroot_err put_record(altroot_bytes *out, const evd_spec *s, altroot_span value)
{
    TRY(altroot_cbor_put_head(out, ALTROOT_CBOR_ARRAY, 3));
    TRY(altroot_cbor_put_tstr(out, s->media_type, strlen(s->media_type)));
    TRY(altroot_cbor_put_bstr(out, value));
    return altroot_cbor_put_head(out, ALTROOT_CBOR_UINT, s->ind);
}

static altroot_err add_record(root_build *r, const char *label, altroot_span value)
{
    const evd_spec *s =
        evd_spec_find(r->spec, (altroot_span){(const uint8_t *)label, strlen(label)});
    ENSURE(s != NULL && !s->chain, ALTROOT_E_INTERNAL);
    ENSURE(value.len > 0, ALTROOT_E_ARG);
    altroot_bytes rec = ALTROOT_BYTES_INIT;
    altroot_err err = put_record(&rec, s, value);
    if (err == ALTROOT_OK)
        err = evd_builder_add(&r->b, label, altroot_bytes_span(&rec));
    altroot_bytes_clear(&rec);
    return err;
}

/* A chain: {0: record, 1: record, ...}, leaf first. */
static altroot_err add_chain(root_build *r, const char *label, const altroot_certs *chain)
{
    const evd_spec *s =
        evd_spec_find(r->spec, (altroot_span){(const uint8_t *)label, strlen(label)});
    size_t n = altroot_certs_count(chain);
    ENSURE(s != NULL && s->chain, ALTROOT_E_INTERNAL);
    ENSURE(n >= 1 && n <= ALTROOT_EVIDENCE_MAX_CHAIN, ALTROOT_E_ARG);
    evd_builder cb = {0};
    altroot_bytes rec = ALTROOT_BYTES_INIT, map = ALTROOT_BYTES_INIT;
    altroot_err err = ALTROOT_OK;
    for (size_t i = 0; err == ALTROOT_OK && i < n; i++) {
        rec.len = 0;
        err = put_record(&rec, s, altroot_cert_der(altroot_certs_get(chain, i)));
        if (err == ALTROOT_OK)
            err = evd_builder_add_uint(&cb, i, altroot_bytes_span(&rec));
    }
    if (err == ALTROOT_OK)
        err = evd_builder_write(&cb, &map);
    if (err == ALTROOT_OK)
        err = evd_builder_add(&r->b, label, altroot_bytes_span(&map));
    evd_builder_clear(&cb);
    altroot_bytes_clear(&rec);
    altroot_bytes_clear(&map);
    return err;
}

/* The digests of the members added so far (none is a binding yet), in label order. The labels
 * borrow from the builder, whose entries stay in place until the next sort. */
static void digest_members(root_build *r)
{
    evd_builder_sort(&r->b);
    for (size_t i = 0; i < r->b.count; i++) {
        r->d[i].label = (altroot_span){r->b.e[i].key + 1, r->b.e[i].key_len - 1};
        altroot_sha256(altroot_bytes_span(&r->b.e[i].value), r->d[i].sha256);
    }
    r->dn = r->b.count;
}

static altroot_err sign(root_build *r, const altroot_key *key, const altroot_evidence_params *p,
                        const altroot_cert *cert, const uint8_t *guid, altroot_bytes *out)
{
    return altroot_evidence_sign_binding(r->spec->root, key, p, cert, guid, r->d, r->dn, out);
}

/* Sign one or two bindings over the members already added, then add them. */
static altroot_err add_bindings(root_build *r, const altroot_evidence_params *p,
                                const altroot_key *key, const altroot_key *key2, const char *label2,
                                const altroot_cert *cert, const uint8_t *guid)
{
    altroot_bytes b1 = ALTROOT_BYTES_INIT, b2 = ALTROOT_BYTES_INIT;
    digest_members(r);
    altroot_err err = sign(r, key, p, cert, guid, &b1);
    if (err == ALTROOT_OK && key2 != NULL)
        err = sign(r, key2, p, cert, guid, &b2);
    if (err == ALTROOT_OK)
        err = add_record(r, "binding", altroot_bytes_span(&b1));
    if (err == ALTROOT_OK && key2 != NULL)
        err = add_record(r, label2, altroot_bytes_span(&b2));
    altroot_bytes_clear(&b1);
    altroot_bytes_clear(&b2);
    return err;
}

/* A Matter operational certificate in its TLV form, whatever form it was given in. */
static altroot_err add_op_cert(root_build *r, const char *label, altroot_span in)
{
    altroot_bytes der = ALTROOT_BYTES_INIT, tlv = ALTROOT_BYTES_INIT;
    altroot_err err = altroot_matter_op_cert_convert(in, &der, &tlv);
    if (err == ALTROOT_OK)
        err = add_record(r, label, altroot_bytes_span(&tlv));
    altroot_bytes_clear(&der);
    altroot_bytes_clear(&tlv);
    return err;
}

static altroot_err build_matter(root_build *r, const altroot_device_creds *c,
                                const altroot_evidence_params *p, const altroot_cert *dac)
{
    bool noc = c->matter_noc_key != NULL;
    ENSURE(!noc || (c->matter_noc.len > 0 && c->matter_rcac.len > 0), ALTROOT_E_ARG);
    TRY(add_record(r, "dac", c->matter_dac));
    TRY(add_record(r, "pai", c->matter_pai));
    TRY(add_record(r, "cd", c->matter_cd));
    if (noc) {
        TRY(add_op_cert(r, "noc", c->matter_noc));
        if (c->matter_icac.len > 0)
            TRY(add_op_cert(r, "icac", c->matter_icac));
        TRY(add_op_cert(r, "rcac", c->matter_rcac));
    }
    const altroot_cert *id = c->identity_override != NULL ? c->identity_override : dac;
    return add_bindings(r, p, c->matter_dac_key, noc ? c->matter_noc_key : NULL, "noc-binding", id,
                        NULL);
}

static altroot_err build_fdo(root_build *r, const altroot_device_creds *c,
                             const altroot_evidence_params *p)
{
    altroot_fdo_voucher *v = NULL;
    TRY(altroot_fdo_voucher_decode(c->fdo_voucher, 0, &v, NULL, 0));
    /* The voucher's CBOR bytes as issued: its hashes and signatures cover them. */
    altroot_span bytes = altroot_bytes_span(&v->bytes);
    altroot_err err = c->fdo_voucher_cut < bytes.len ? ALTROOT_OK : ALTROOT_E_ARG;
    bytes.len -= err == ALTROOT_OK ? c->fdo_voucher_cut : 0;
    if (err == ALTROOT_OK)
        err = add_record(r, "voucher", bytes);
    if (err == ALTROOT_OK)
        err = add_bindings(r, p, c->fdo_device_key, NULL, NULL, NULL, v->guid);
    altroot_fdo_voucher_free(v);
    return err;
}

static altroot_err build_devid(root_build *r, const altroot_device_creds *c,
                               const altroot_evidence_params *p)
{
    bool ldevid = c->ldevid_key != NULL;
    ENSURE(!ldevid || c->ldevid_chain != NULL, ALTROOT_E_ARG);
    TRY(add_chain(r, "idevid", c->idevid_chain));
    if (c->brski_voucher.len > 0)
        TRY(add_record(r, "voucher", c->brski_voucher));
    if (ldevid)
        TRY(add_chain(r, "ldevid", c->ldevid_chain));
    const altroot_cert *id =
        c->identity_override != NULL ? c->identity_override : altroot_certs_get(c->idevid_chain, 0);
    return add_bindings(r, p, c->idevid_key, ldevid ? c->ldevid_key : NULL, "ldevid-binding", id,
                        NULL);
}

/* text/uri-list (RFC 2483): one URI line, CRLF-terminated. */
static altroot_err build_mud(root_build *r, const altroot_device_creds *c)
{
    TRY(add_record(r, "file", c->mud_file));
    TRY(add_record(r, "signature", c->mud_signature));
    if (c->mud_url == NULL)
        return ALTROOT_OK;
    altroot_bytes line = ALTROOT_BYTES_INIT;
    altroot_err err = altroot_bytes_append(&line, c->mud_url, strlen(c->mud_url));
    if (err == ALTROOT_OK)
        err = altroot_bytes_append(&line, "\r\n", 2);
    if (err == ALTROOT_OK)
        err = add_record(r, "url", altroot_bytes_span(&line));
    altroot_bytes_clear(&line);
    return err;
}

static altroot_err build_root(altroot_evidence_root root, const altroot_device_creds *c,
                              const altroot_evidence_params *p, const altroot_cert *dac,
                              evd_builder *top)
{
    root_build r = {.spec = evd_root_spec_get(root)};
    altroot_bytes map = ALTROOT_BYTES_INIT;
    altroot_err err = r.spec != NULL ? ALTROOT_OK : ALTROOT_E_INTERNAL;
    if (err == ALTROOT_OK)
        err = root == ALTROOT_EVIDENCE_MATTER  ? build_matter(&r, c, p, dac)
              : root == ALTROOT_EVIDENCE_FDO   ? build_fdo(&r, c, p)
              : root == ALTROOT_EVIDENCE_DEVID ? build_devid(&r, c, p)
                                               : build_mud(&r, c);
    if (err == ALTROOT_OK)
        err = evd_builder_write(&r.b, &map);
    if (err == ALTROOT_OK)
        err = evd_builder_add(top, r.spec->label, altroot_bytes_span(&map));
    evd_builder_clear(&r.b);
    altroot_bytes_clear(&map);
    return err;
}

static altroot_err build_roots(const altroot_device_creds *c, const altroot_evidence_params *p,
                               const altroot_cert *dac, evd_builder *top)
{
    /* "__cmwc_t": RFC 9090 tag 111 over the collection type's OID content octets */
    altroot_bytes t = ALTROOT_BYTES_INIT;
    altroot_err err = altroot_cbor_put_head(&t, ALTROOT_CBOR_TAG, EVD_TAG_OID);
    if (err == ALTROOT_OK)
        err = altroot_cbor_put_bstr(&t,
                                    (altroot_span){EVD_OID_COLLECTION, sizeof EVD_OID_COLLECTION});
    if (err == ALTROOT_OK)
        err = evd_builder_add(top, EVD_COLLECTION_TYPE_LABEL, altroot_bytes_span(&t));
    altroot_bytes_clear(&t);
    if (err == ALTROOT_OK && dac != NULL)
        err = build_root(ALTROOT_EVIDENCE_MATTER, c, p, dac, top);
    if (err == ALTROOT_OK && c->fdo_device_key != NULL)
        err = build_root(ALTROOT_EVIDENCE_FDO, c, p, NULL, top);
    if (err == ALTROOT_OK && c->idevid_key != NULL)
        err = build_root(ALTROOT_EVIDENCE_DEVID, c, p, NULL, top);
    if (err == ALTROOT_OK && c->mud_file.len > 0)
        err = build_root(ALTROOT_EVIDENCE_MUD, c, p, NULL, top);
    return err;
}

static bool creds_complete(const altroot_device_creds *c)
{
    bool any = c->matter_dac_key != NULL || c->fdo_device_key != NULL || c->idevid_key != NULL ||
               c->mud_file.len > 0;
    return any && (c->matter_dac_key == NULL || c->matter_dac.len > 0) &&
           (c->fdo_device_key == NULL || c->fdo_voucher.len > 0) &&
           (c->idevid_key == NULL || altroot_certs_count(c->idevid_chain) > 0) &&
           (c->mud_file.len == 0 || c->mud_signature.len > 0);
}

/* RFC 9999 6.1: the extnValue is the DER of CMW, here its cbor alternative (OCTET STRING). */
static altroot_err wrap(altroot_span cbor, altroot_bytes *out)
{
    altroot_der_writer w;
    altroot_der_writer_init(&w, out);
    altroot_der_put(&w, 0x04, cbor);
    return altroot_der_writer_finish(&w);
}

altroot_err altroot_evidence_encode(const altroot_device_creds *creds,
                                    const altroot_evidence_params *p, altroot_bytes *out)
{
    ENSURE(creds != NULL && p != NULL && out != NULL, ALTROOT_E_ARG);
    ENSURE(creds_complete(creds), ALTROOT_E_ARG);
    altroot_cert *dac = NULL;
    if (creds->matter_dac_key != NULL)
        TRY(altroot_cert_from_der(creds->matter_dac, &dac));
    evd_builder top = {0};
    altroot_bytes cbor = ALTROOT_BYTES_INIT, e = ALTROOT_BYTES_INIT;
    altroot_err err = build_roots(creds, p, dac, &top);
    if (err == ALTROOT_OK)
        err = evd_builder_write(&top, &cbor);
    if (err == ALTROOT_OK)
        err = wrap(altroot_bytes_span(&cbor), &e);
    if (err == ALTROOT_OK && e.len > ALTROOT_EVIDENCE_MAX)
        err = ALTROOT_E_EVIDENCE_TOO_LARGE;
    if (err == ALTROOT_OK)
        err = altroot_bytes_append(out, e.ptr, e.len);
    evd_builder_clear(&top);
    altroot_bytes_clear(&cbor);
    altroot_bytes_clear(&e);
    altroot_cert_free(dac);
    return err;
}
