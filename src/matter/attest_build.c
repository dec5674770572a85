/* Building Certification Declarations: for `altroot mint` and for tests of every CD rule. */
#include <string.h>

#include <altroot/matter.h>

#include "../core/guard.h"
#include "../encoding/der.h"
#include "../encoding/tlv.h"

static const uint8_t OID_SIGNED_DATA[] = {0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x02};
static const uint8_t OID_DATA[] = {0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x01};
static const uint8_t OID_SHA256[] = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01};
static const uint8_t OID_ECDSA_SHA256[] = {0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x02};
#define SPAN_OF(a) ((altroot_span){(a), sizeof(a)})

altroot_err altroot_matter_cd_encode(const altroot_matter_cd *cd, altroot_bytes *out)
{
    ENSURE(cd != NULL && out != NULL, ALTROOT_E_INTERNAL);
    ENSURE(cd->product_id_count <= ALTROOT_MATTER_CD_MAX_PIDS &&
               cd->authorized_paa_count <= ALTROOT_MATTER_CD_MAX_PAAS,
           ALTROOT_E_ARG);
    altroot_tlv_writer w;
    altroot_tlv_writer_init(&w, out);
    altroot_tlv_start(&w, altroot_tlv_anon(), ALTROOT_TLV_STRUCT);
    altroot_tlv_put_uint(&w, altroot_tlv_ctx(0), cd->format_version);
    altroot_tlv_put_uint(&w, altroot_tlv_ctx(1), cd->vendor_id);
    altroot_tlv_start(&w, altroot_tlv_ctx(2), ALTROOT_TLV_ARRAY);
    for (size_t i = 0; i < cd->product_id_count; i++)
        altroot_tlv_put_uint(&w, altroot_tlv_anon(), cd->product_ids[i]);
    altroot_tlv_end(&w);
    altroot_tlv_put_uint(&w, altroot_tlv_ctx(3), cd->device_type_id);
    altroot_tlv_put_utf8(&w, altroot_tlv_ctx(4),
                         (altroot_span){(const uint8_t *)cd->certificate_id,
                                        strnlen(cd->certificate_id, sizeof cd->certificate_id)});
    altroot_tlv_put_uint(&w, altroot_tlv_ctx(5), cd->security_level);
    altroot_tlv_put_uint(&w, altroot_tlv_ctx(6), cd->security_information);
    altroot_tlv_put_uint(&w, altroot_tlv_ctx(7), cd->version_number);
    altroot_tlv_put_uint(&w, altroot_tlv_ctx(8), cd->certification_type);
    if (cd->has_dac_origin) {
        altroot_tlv_put_uint(&w, altroot_tlv_ctx(9), cd->dac_origin_vid);
        altroot_tlv_put_uint(&w, altroot_tlv_ctx(10), cd->dac_origin_pid);
    }
    if (cd->has_authorized_paas) {
        altroot_tlv_start(&w, altroot_tlv_ctx(11), ALTROOT_TLV_ARRAY);
        for (size_t i = 0; i < cd->authorized_paa_count; i++)
            altroot_tlv_put_bytes(&w, altroot_tlv_anon(),
                                  (altroot_span){cd->authorized_paas[i], 20});
        altroot_tlv_end(&w);
    }
    altroot_tlv_end(&w);
    return altroot_tlv_writer_finish(&w);
}

static void put_alg(altroot_der_writer *w, altroot_span oid)
{
    altroot_der_begin(w, ALTROOT_DER_SEQUENCE);
    altroot_der_put_oid(w, oid);
    altroot_der_end(w);
}

altroot_err altroot_matter_cd_sign(altroot_span content, const altroot_key *key,
                                   altroot_span key_id, altroot_bytes *out)
{
    ENSURE(key != NULL && out != NULL && key_id.len > 0, ALTROOT_E_INTERNAL);
    altroot_bytes sig = ALTROOT_BYTES_INIT;
    /* No signed attributes: the signature is over the content itself. */
    TRY(altroot_sign(key, ALTROOT_SIG_ECDSA_P256_SHA256, ALTROOT_SIG_FORMAT_DER, content, &sig));
    altroot_der_writer w;
    altroot_der_writer_init(&w, out);
    altroot_der_begin(&w, ALTROOT_DER_SEQUENCE);
    altroot_der_put_oid(&w, SPAN_OF(OID_SIGNED_DATA));
    altroot_der_begin(&w, ALTROOT_DER_CTX_CONS(0));
    altroot_der_begin(&w, ALTROOT_DER_SEQUENCE);
    altroot_der_put_uint(&w, 3);
    altroot_der_begin(&w, ALTROOT_DER_SET);
    put_alg(&w, SPAN_OF(OID_SHA256));
    altroot_der_end(&w);
    altroot_der_begin(&w, ALTROOT_DER_SEQUENCE);
    altroot_der_put_oid(&w, SPAN_OF(OID_DATA));
    altroot_der_begin(&w, ALTROOT_DER_CTX_CONS(0));
    altroot_der_put(&w, ALTROOT_DER_OCTET_STRING, content);
    altroot_der_end(&w);
    altroot_der_end(&w);
    altroot_der_begin(&w, ALTROOT_DER_SET);
    altroot_der_begin(&w, ALTROOT_DER_SEQUENCE);
    altroot_der_put_uint(&w, 3);
    altroot_der_put(&w, ALTROOT_DER_CTX_PRIM(0), key_id);
    put_alg(&w, SPAN_OF(OID_SHA256));
    put_alg(&w, SPAN_OF(OID_ECDSA_SHA256));
    altroot_der_put(&w, ALTROOT_DER_OCTET_STRING, altroot_bytes_span(&sig));
    altroot_der_end(&w);
    altroot_der_end(&w);
    altroot_der_end(&w);
    altroot_der_end(&w);
    altroot_der_end(&w);
    altroot_bytes_clear(&sig);
    return altroot_der_writer_finish(&w);
}
