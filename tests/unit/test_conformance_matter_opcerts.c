/* connectedhomeip operational certificate vectors (../shared/vectors/matter): TLV <-> DER must
 * match the SDK's X.509 form byte for byte; derived ids must match derived_ids.txt. */
#include <string.h>

#include "matter/cert.h"
#include "testutil.h"

#define OPCERTS "matter/credentials/test/operational-certificates/"
#define CHIPCERT "matter/src/credentials/tests/CHIPCert_test_vectors/"

/* Read a shared file, or skip the test when ../shared is absent. */
static void load_shared(const char *rel, altroot_bytes *out)
{
    const char *path = testutil_shared(rel);
    if (path == NULL)
        skip();
    assert_ok(altroot_bytes_read_file(out, path, 1 << 16));
}

static void strip_space(altroot_bytes *b)
{
    size_t n = 0;
    for (size_t i = 0; i < b->len; i++)
        if (b->ptr[i] != '\n' && b->ptr[i] != '\r' && b->ptr[i] != ' ')
            b->ptr[n++] = b->ptr[i];
    b->len = n;
}

static void load_hex(const char *rel, altroot_bytes *out)
{
    altroot_bytes text = ALTROOT_BYTES_INIT;
    load_shared(rel, &text);
    strip_space(&text);
    assert_ok(altroot_bytes_append_u8(&text, 0));
    assert_ok(altroot_hex_decode((const char *)text.ptr, out));
    altroot_bytes_clear(&text);
}

static int b64_value(uint8_t ch)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const char *p = ch != 0 ? strchr(alphabet, ch) : NULL;
    return p == NULL ? -1 : (int)(p - alphabet);
}

static void load_b64(const char *rel, altroot_bytes *out)
{
    altroot_bytes text = ALTROOT_BYTES_INIT;
    load_shared(rel, &text);
    strip_space(&text);
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < text.len && text.ptr[i] != '='; i++) {
        int v = b64_value(text.ptr[i]);
        assert_true(v >= 0);
        acc = acc << 6 | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            assert_ok(altroot_bytes_append_u8(out, (uint8_t)(acc >> bits)));
        }
    }
    altroot_bytes_clear(&text);
}

static void load_pem_der(const char *rel, altroot_bytes *out)
{
    altroot_bytes pem = ALTROOT_BYTES_INIT;
    altroot_certs *certs = NULL;
    load_shared(rel, &pem);
    assert_ok(altroot_certs_new(&certs));
    assert_ok(altroot_certs_parse(certs, altroot_bytes_span(&pem)));
    assert_int_equal(altroot_certs_count(certs), 1);
    altroot_span der = altroot_cert_der(altroot_certs_get(certs, 0));
    assert_ok(altroot_bytes_append(out, der.ptr, der.len));
    altroot_certs_free(certs);
    altroot_bytes_clear(&pem);
}

static void check_pair(const altroot_bytes *tlv, const altroot_bytes *der)
{
    altroot_bytes out = ALTROOT_BYTES_INIT;
    altroot_matter_cert c;
    assert_ok(altroot_matter_cert_tlv_to_der(altroot_bytes_span(tlv), &out));
    assert_int_equal(out.len, der->len);
    assert_memory_equal(out.ptr, der->ptr, der->len);
    assert_ok(altroot_matter_cert_der_to_tlv(altroot_bytes_span(der), &out));
    assert_int_equal(out.len, tlv->len);
    assert_memory_equal(out.ptr, tlv->ptr, tlv->len);
    /* The SDK encoder writes canonical TLV. */
    assert_ok(
        altroot_matter_cert_parse_tlv(altroot_bytes_span(tlv), ALTROOT_MATTER_CERT_CANONICAL, &c));
    for (size_t n = 0; n < tlv->len; n++)
        assert_int_equal(altroot_matter_cert_parse_tlv((altroot_span){tlv->ptr, n}, 0, &c),
                         ALTROOT_E_TRUNCATED);
    altroot_bytes_clear(&out);
}

static void hex_vectors_convert_byte_exactly(void **state)
{
    (void)state;
    static const char *const names[] = {"Root02", "ICA02", "Node02_02"};
    for (size_t i = 0; i < 3; i++) {
        char rel[256];
        altroot_bytes tlv = ALTROOT_BYTES_INIT, der = ALTROOT_BYTES_INIT;
        snprintf(rel, sizeof rel, CHIPCERT "%s.chip.hex", names[i]);
        load_hex(rel, &tlv);
        snprintf(rel, sizeof rel, CHIPCERT "%s.pem", names[i]);
        load_pem_der(rel, &der);
        check_pair(&tlv, &der);
        altroot_bytes_clear(&tlv);
        altroot_bytes_clear(&der);
    }
}

static void base64_vectors_convert_byte_exactly(void **state)
{
    (void)state;
    static const char *const names[] = {"Root01", "ICA02"};
    for (size_t i = 0; i < 2; i++) {
        char rel[256];
        altroot_bytes tlv = ALTROOT_BYTES_INIT, der = ALTROOT_BYTES_INIT;
        snprintf(rel, sizeof rel, OPCERTS "Chip-Test-%s-Cert.chip-b64", names[i]);
        load_b64(rel, &tlv);
        snprintf(rel, sizeof rel, OPCERTS "Chip-Test-%s-Cert.pem", names[i]);
        load_pem_der(rel, &der);
        check_pair(&tlv, &der);
        altroot_bytes_clear(&tlv);
        altroot_bytes_clear(&der);
    }
}

static void der_only_noc_round_trips(void **state)
{
    (void)state;
    altroot_bytes der = ALTROOT_BYTES_INIT, tlv = ALTROOT_BYTES_INIT, back = ALTROOT_BYTES_INIT;
    load_hex(CHIPCERT "Node02_01.der.hex", &der);
    assert_ok(altroot_matter_cert_der_to_tlv(altroot_bytes_span(&der), &tlv));
    assert_ok(altroot_matter_cert_tlv_to_der(altroot_bytes_span(&tlv), &back));
    assert_true(altroot_span_equal(altroot_bytes_span(&der), altroot_bytes_span(&back)));
    altroot_matter_cert c;
    assert_ok(altroot_matter_cert_parse_der(altroot_bytes_span(&der), &c));
    assert_int_equal(c.subject.type, ALTROOT_MATTER_CERT_NODE);
    assert_true(c.subject.id == 0xDEDEDEDE00020001ull);
    altroot_bytes_clear(&der);
    altroot_bytes_clear(&tlv);
    altroot_bytes_clear(&back);
}

static void chain_fields_and_derived_ids(void **state)
{
    (void)state;
    altroot_bytes root = ALTROOT_BYTES_INIT, ica = ALTROOT_BYTES_INIT, n2 = ALTROOT_BYTES_INIT;
    altroot_bytes n1 = ALTROOT_BYTES_INIT, ids = ALTROOT_BYTES_INIT;
    altroot_matter_cert r, i, n, n1c;
    load_hex(CHIPCERT "Root02.chip.hex", &root);
    load_hex(CHIPCERT "ICA02.chip.hex", &ica);
    load_hex(CHIPCERT "Node02_02.chip.hex", &n2);
    load_hex(CHIPCERT "Node02_01.der.hex", &n1);
    load_shared(CHIPCERT "derived_ids.txt", &ids);
    assert_ok(altroot_bytes_append_u8(&ids, 0));
    assert_ok(altroot_matter_cert_parse_tlv(altroot_bytes_span(&root), 0, &r));
    assert_ok(altroot_matter_cert_parse_tlv(altroot_bytes_span(&ica), 0, &i));
    assert_ok(altroot_matter_cert_parse_tlv(altroot_bytes_span(&n2), 0, &n));
    assert_ok(altroot_matter_cert_parse_der(altroot_bytes_span(&n1), &n1c));
    assert_int_equal(r.subject.type, ALTROOT_MATTER_CERT_ROOT);
    assert_int_equal(i.subject.type, ALTROOT_MATTER_CERT_ICA);
    assert_int_equal(n.subject.type, ALTROOT_MATTER_CERT_NODE);
    assert_true(n.subject.id == 0xDEDEDEDE00020002ull);
    assert_true(n.subject.fabric_id == 0xFAB000000000001Dull);
    assert_memory_equal(i.akid, r.skid, ALTROOT_MATTER_KEY_ID_LEN);
    assert_memory_equal(n.akid, i.skid, ALTROOT_MATTER_KEY_ID_LEN);
    assert_true(r.is_ca && r.has_path_len && r.path_len == 1);
    assert_int_equal(n.eku_count, 2);

    uint64_t cfid = 0;
    char name[ALTROOT_MATTER_INSTANCE_NAME_LEN], cfid_text[17];
    assert_ok(altroot_matter_compressed_fabric_id(r.pubkey, n.subject.fabric_id, &cfid));
    snprintf(cfid_text, sizeof cfid_text, "%016llX", (unsigned long long)cfid);
    assert_string_equal(cfid_text, "89E8911178DAC089");
    assert_non_null(strstr((const char *)ids.ptr, cfid_text));
    assert_ok(altroot_matter_operational_name(&r, &n, name));
    assert_non_null(strstr((const char *)ids.ptr, name));
    assert_ok(altroot_matter_operational_name(&r, &n1c, name));
    assert_string_equal(name, "89E8911178DAC089-DEDEDEDE00020001");
    assert_non_null(strstr((const char *)ids.ptr, name));
    altroot_bytes_clear(&root);
    altroot_bytes_clear(&ica);
    altroot_bytes_clear(&n2);
    altroot_bytes_clear(&n1);
    altroot_bytes_clear(&ids);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hex_vectors_convert_byte_exactly),
        cmocka_unit_test(base64_vectors_convert_byte_exactly),
        cmocka_unit_test(der_only_noc_round_trips),
        cmocka_unit_test(chain_fields_and_derived_ids),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
