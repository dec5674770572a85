/* Matter TLV certificates <-> X.509 DER, on the self-made fabric in tests/data/matter
 * (generated independently by make.py with python-cryptography and a separate TLV encoder). */
#include <string.h>

#include "encoding/tlv.h"
#include "matter/cert.h"
#include "testutil.h"

static void load(const char *name, altroot_bytes *out)
{
    assert_ok(altroot_bytes_read_file(out, testutil_data(name), 4096));
}

static void converts_both_ways_byte_exactly(void **state)
{
    (void)state;
    static const char *const names[] = {"rcac", "icac", "noc"};
    for (size_t i = 0; i < 3; i++) {
        char path[64];
        altroot_bytes tlv = ALTROOT_BYTES_INIT, der = ALTROOT_BYTES_INIT;
        altroot_bytes out = ALTROOT_BYTES_INIT;
        snprintf(path, sizeof path, "matter/%s.tlv", names[i]);
        load(path, &tlv);
        snprintf(path, sizeof path, "matter/%s.der", names[i]);
        load(path, &der);
        assert_ok(altroot_matter_cert_tlv_to_der(altroot_bytes_span(&tlv), &out));
        assert_true(altroot_span_equal(altroot_bytes_span(&out), altroot_bytes_span(&der)));
        assert_ok(altroot_matter_cert_der_to_tlv(altroot_bytes_span(&der), &out));
        assert_true(altroot_span_equal(altroot_bytes_span(&out), altroot_bytes_span(&tlv)));
        /* The TBS is the first element of the certificate. */
        altroot_matter_cert c;
        assert_ok(altroot_matter_cert_parse_tlv(altroot_bytes_span(&tlv),
                                                ALTROOT_MATTER_CERT_CANONICAL, &c));
        assert_ok(altroot_matter_cert_tbs_der(&c, &out));
        assert_memory_equal(out.ptr, der.ptr + 4, out.len);
        /* OpenSSL reads what we produce. */
        altroot_cert *x = NULL;
        assert_ok(altroot_cert_from_der(altroot_bytes_span(&der), &x));
        altroot_cert_free(x);
        altroot_bytes_clear(&tlv);
        altroot_bytes_clear(&der);
        altroot_bytes_clear(&out);
    }
}

static void parses_the_node_certificate_fields(void **state)
{
    (void)state;
    altroot_bytes tlv = ALTROOT_BYTES_INIT;
    altroot_matter_cert c;
    load("matter/noc.tlv", &tlv);
    assert_ok(altroot_matter_cert_parse_tlv(altroot_bytes_span(&tlv), 0, &c));
    assert_int_equal(c.subject.type, ALTROOT_MATTER_CERT_NODE);
    assert_true(c.subject.id == 0x00000000DEDE0001ull);
    assert_true(c.subject.fabric_id == 0xFAB000000000A171ull);
    assert_int_equal(c.subject.cat_count, 1);
    assert_int_equal(c.subject.cats[0], 0xABCD0002u);
    assert_int_equal(c.subject.count, 5);
    assert_true(c.subject.rdn[3].printable);
    assert_int_equal(c.issuer.type, ALTROOT_MATTER_CERT_ICA);
    assert_false(c.is_ca);
    assert_int_equal(c.key_usage, ALTROOT_MATTER_KU_DIGITAL_SIGNATURE);
    assert_int_equal(c.eku_count, 2);
    assert_int_equal(c.eku[0], ALTROOT_MATTER_EKU_CLIENT_AUTH);
    assert_int_equal(c.future_count, 1);
    assert_false(c.future_critical);
    assert_int_equal(c.ext_count, 6);
    assert_int_equal(c.pubkey[0], 0x04);
    altroot_bytes_clear(&tlv);
}

static void instance_name_matches_independent_computation(void **state)
{
    (void)state;
    altroot_bytes a = ALTROOT_BYTES_INIT, b = ALTROOT_BYTES_INIT, want = ALTROOT_BYTES_INIT;
    altroot_matter_cert rcac, noc;
    char name[ALTROOT_MATTER_INSTANCE_NAME_LEN];
    load("matter/rcac.tlv", &a);
    load("matter/noc.tlv", &b);
    load("matter/fabric.txt", &want);
    assert_ok(altroot_matter_cert_parse_tlv(altroot_bytes_span(&a), 0, &rcac));
    assert_ok(altroot_matter_cert_parse_tlv(altroot_bytes_span(&b), 0, &noc));
    assert_ok(altroot_matter_operational_name(&rcac, &noc, name));
    assert_int_equal(strlen(name), 33);
    assert_memory_equal(name, want.ptr, 33);
    /* Swapped roles are refused. */
    assert_int_equal(altroot_matter_operational_name(&noc, &rcac, name), ALTROOT_E_POLICY);
    /* Spec 4.3.2.2 test vector. */
    altroot_bytes pk = ALTROOT_BYTES_INIT;
    assert_ok(altroot_hex_decode("044a9f42b1ca4840d37292bbc7f6a7e11e22200c976fc900dbc98a7a383a"
                                 "641cb8254a2e56d4e295a847943b4e3897c4a773e930277b4d9fbede8a05"
                                 "2686bfacfa",
                                 &pk));
    uint64_t cfid = 0;
    assert_ok(altroot_matter_compressed_fabric_id(pk.ptr, 0x2906C908D115D362ull, &cfid));
    assert_true(cfid == 0x87E1B004E235A130ull);
    altroot_matter_instance_name(cfid, 1, name);
    assert_string_equal(name, "87E1B004E235A130-0000000000000001");
    altroot_bytes_clear(&pk);
    altroot_bytes_clear(&a);
    altroot_bytes_clear(&b);
    altroot_bytes_clear(&want);
}

static void every_truncation_and_extension_fails(void **state)
{
    (void)state;
    altroot_bytes tlv = ALTROOT_BYTES_INIT, der = ALTROOT_BYTES_INIT;
    altroot_matter_cert c;
    load("matter/noc.tlv", &tlv);
    load("matter/noc.der", &der);
    for (size_t n = 0; n < tlv.len; n++)
        assert_int_equal(altroot_matter_cert_parse_tlv((altroot_span){tlv.ptr, n}, 0, &c),
                         ALTROOT_E_TRUNCATED);
    for (size_t n = 0; n < der.len; n++)
        assert_int_not_equal(altroot_matter_cert_parse_der((altroot_span){der.ptr, n}, &c),
                             ALTROOT_OK);
    assert_ok(altroot_bytes_append_u8(&tlv, 0x18));
    assert_int_equal(altroot_matter_cert_parse_tlv(altroot_bytes_span(&tlv), 0, &c),
                     ALTROOT_E_TRAILING_DATA);
    assert_ok(altroot_bytes_append_u8(&der, 0x00));
    /* 599 + 1 octets is still within the 600 limit */
    assert_int_equal(altroot_matter_cert_parse_der(altroot_bytes_span(&der), &c),
                     ALTROOT_E_TRAILING_DATA);
    assert_ok(altroot_bytes_append_u8(&der, 0x00));
    assert_int_equal(altroot_matter_cert_parse_der(altroot_bytes_span(&der), &c),
                     ALTROOT_E_TOO_LARGE);
    altroot_bytes_clear(&tlv);
    altroot_bytes_clear(&der);
}

/* ---- Rule violations: mutate a parsed certificate, re-encode it, parse again. ---- */

typedef void (*mutate_fn)(altroot_matter_cert *c);

static altroot_err parse_mutated(const char *name, mutate_fn fn)
{
    altroot_bytes tlv = ALTROOT_BYTES_INIT, out = ALTROOT_BYTES_INIT;
    altroot_matter_cert c, back;
    load(name, &tlv);
    assert_ok(altroot_matter_cert_parse_tlv(altroot_bytes_span(&tlv), 0, &c));
    fn(&c);
    altroot_err err = altroot_matter_cert_to_tlv(&c, &out);
    if (err == ALTROOT_OK)
        err = altroot_matter_cert_parse_tlv(altroot_bytes_span(&out), 0, &back);
    altroot_bytes_clear(&tlv);
    altroot_bytes_clear(&out);
    return err;
}

static const uint8_t long_serial[21] = {0x01};
static const uint8_t bad_serial[2] = {0x00, 0x01};
static const uint8_t neg_serial[1] = {0x80};
static void m_serial_long(altroot_matter_cert *c)
{
    c->serial = (altroot_span){long_serial, 21};
}
static void m_serial_nonminimal(altroot_matter_cert *c)
{
    c->serial = (altroot_span){bad_serial, 2};
}
static void m_serial_negative(altroot_matter_cert *c)
{
    c->serial = (altroot_span){neg_serial, 1};
}
static void m_serial_empty(altroot_matter_cert *c)
{
    c->serial = (altroot_span){NULL, 0};
}
static void m_validity(altroot_matter_cert *c)
{
    c->not_before = c->not_after;
}
static void m_pubkey_format(altroot_matter_cert *c)
{
    c->pubkey[0] = 0x02;
}
static void m_ku_zero(altroot_matter_cert *c)
{
    c->key_usage = 0;
}
static void m_ku_unknown(altroot_matter_cert *c)
{
    c->key_usage = 0x0201;
}
static void m_eku_dup(altroot_matter_cert *c)
{
    c->eku[1] = c->eku[0];
}
static void m_eku_empty(altroot_matter_cert *c)
{
    c->eku_count = 0;
}
static void m_pathlen_on_leaf(altroot_matter_cert *c)
{
    c->has_path_len = true;
}
static void m_dup_ext(altroot_matter_cert *c)
{
    c->ext_order[1] = c->ext_order[0];
}
static void m_no_ext(altroot_matter_cert *c)
{
    c->ext_count = 0;
}
static void m_dup_future(altroot_matter_cert *c)
{
    c->future[1] = c->future[0];
    c->future_count = 2;
    c->ext_order[c->ext_count++] = ALTROOT_MATTER_EXT_FUTURE;
}
static void m_node_id_zero(altroot_matter_cert *c)
{
    c->subject.rdn[0].value = 0;
}
static void m_node_id_group(altroot_matter_cert *c)
{
    c->subject.rdn[0].value = 0xFFFFFFFF00000001ull;
}
static void m_fabric_zero(altroot_matter_cert *c)
{
    c->subject.rdn[1].value = 0;
}
static void m_two_fabrics(altroot_matter_cert *c)
{
    c->subject.rdn[3] = c->subject.rdn[1];
}
static void m_two_ids(altroot_matter_cert *c)
{
    c->subject.rdn[3] = c->subject.rdn[0];
    c->subject.rdn[3].attr = ALTROOT_MATTER_ATTR_ICAC_ID;
}
static void m_no_fabric(altroot_matter_cert *c)
{
    c->subject.rdn[1] = c->subject.rdn[3];
}
static void m_cat_version0(altroot_matter_cert *c)
{
    c->subject.rdn[2].value = 0xABCD0000;
}
static void m_cat_same_id(altroot_matter_cert *c)
{
    c->subject.rdn[3] = c->subject.rdn[2];
    c->subject.rdn[3].value += 1;
}
static void m_cat_too_wide(altroot_matter_cert *c)
{
    c->subject.rdn[2].value = 0x1ABCD0002ull;
}
static void m_cat_in_issuer(altroot_matter_cert *c)
{
    c->issuer.rdn[c->issuer.count++] = c->subject.rdn[2];
}
static void m_dn_empty(altroot_matter_cert *c)
{
    c->issuer.count = 0;
}
static void m_printable_charset(altroot_matter_cert *c)
{
    c->subject.rdn[3].str = (altroot_span){(const uint8_t *)"a*b", 3};
}
static void m_nul_in_cn(altroot_matter_cert *c)
{
    c->subject.rdn[3].str = (altroot_span){(const uint8_t *)"a\0b", 3};
}
static void m_printable_matter_attr(altroot_matter_cert *c)
{
    c->subject.rdn[0].printable = true;
}
static void m_unknown_attr(altroot_matter_cert *c)
{
    c->subject.rdn[3].attr = 0x30;
}
static void m_dc_printable(altroot_matter_cert *c)
{
    c->subject.rdn[3].attr = ALTROOT_MATTER_ATTR_DOMAIN_COMPONENT;
}
static void m_dc_non_ascii(altroot_matter_cert *c)
{
    c->subject.rdn[4].attr = ALTROOT_MATTER_ATTR_DOMAIN_COMPONENT;
}

static void profile_rules_are_enforced(void **state)
{
    (void)state;
    static const struct {
        mutate_fn fn;
        altroot_err want;
    } cases[] = {
        {m_serial_long, ALTROOT_E_POLICY},
        {m_serial_nonminimal, ALTROOT_E_POLICY},
        {m_serial_negative, ALTROOT_E_POLICY},
        {m_serial_empty, ALTROOT_E_POLICY},
        {m_validity, ALTROOT_E_POLICY},
        {m_pubkey_format, ALTROOT_E_POLICY},
        {m_ku_zero, ALTROOT_E_POLICY},
        {m_ku_unknown, ALTROOT_E_POLICY},
        {m_eku_dup, ALTROOT_E_POLICY},
        {m_eku_empty, ALTROOT_E_POLICY},
        {m_pathlen_on_leaf, ALTROOT_E_POLICY},
        {m_dup_ext, ALTROOT_E_POLICY},
        {m_no_ext, ALTROOT_E_POLICY},
        {m_dup_future, ALTROOT_E_POLICY},
        {m_node_id_zero, ALTROOT_E_POLICY},
        {m_node_id_group, ALTROOT_E_POLICY},
        {m_fabric_zero, ALTROOT_E_POLICY},
        {m_two_fabrics, ALTROOT_E_POLICY},
        {m_two_ids, ALTROOT_E_POLICY},
        {m_no_fabric, ALTROOT_E_POLICY},
        {m_cat_version0, ALTROOT_E_POLICY},
        {m_cat_same_id, ALTROOT_E_POLICY},
        {m_cat_too_wide, ALTROOT_E_MALFORMED},
        {m_cat_in_issuer, ALTROOT_E_POLICY},
        {m_dn_empty, ALTROOT_E_POLICY},
        {m_printable_charset, ALTROOT_E_POLICY},
        {m_nul_in_cn, ALTROOT_E_POLICY},
        {m_printable_matter_attr, ALTROOT_E_MALFORMED},
        {m_unknown_attr, ALTROOT_E_UNSUPPORTED},
        {m_dc_printable, ALTROOT_E_MALFORMED},
        {m_dc_non_ascii, ALTROOT_E_POLICY},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        altroot_err got = parse_mutated("matter/noc.tlv", cases[i].fn);
        if (got != cases[i].want)
            fail_msg("case %zu: got %s, want %s", i, altroot_error_name(got),
                     altroot_error_name(cases[i].want));
    }
}

/* ---- Schema violations: patch octets of the self-made RCAC. ---- */

static altroot_err parse_patched(const uint8_t *find, size_t flen, const uint8_t *repl, size_t rlen)
{
    altroot_bytes tlv = ALTROOT_BYTES_INIT, out = ALTROOT_BYTES_INIT;
    altroot_matter_cert c;
    load("matter/rcac.tlv", &tlv);
    size_t at = 0;
    while (at + flen <= tlv.len && memcmp(tlv.ptr + at, find, flen) != 0)
        at++;
    assert_true(at + flen <= tlv.len);
    assert_ok(altroot_bytes_append(&out, tlv.ptr, at));
    assert_ok(altroot_bytes_append(&out, repl, rlen));
    assert_ok(altroot_bytes_append(&out, tlv.ptr + at + flen, tlv.len - at - flen));
    altroot_err err = altroot_matter_cert_parse_tlv(altroot_bytes_span(&out), 0, &c);
    altroot_bytes_clear(&tlv);
    altroot_bytes_clear(&out);
    return err;
}

#define PATCH(find, repl)                                                                          \
    parse_patched((const uint8_t *)(find), sizeof(find) - 1, (const uint8_t *)(repl),              \
                  sizeof(repl) - 1)

static void schema_violations_are_rejected(void **state)
{
    (void)state;
    /* sig-algo [2] = 1, then issuer [3] LIST; not-after [5] = 0; pub-key-algo, curve */
    assert_int_equal(PATCH("\x24\x02\x01\x37\x03", "\x24\x02\x02\x37\x03"), ALTROOT_E_UNSUPPORTED);
    assert_int_equal(PATCH("\x24\x02\x01\x37\x03", "\x2C\x02\x01\x01\x37\x03"),
                     ALTROOT_E_MALFORMED); /* wrong type */
    assert_int_equal(PATCH("\x24\x02\x01\x37\x03", "\x24\x03\x01\x37\x02"),
                     ALTROOT_E_MALFORMED); /* wrong order */
    assert_int_equal(PATCH("\x24\x02\x01\x37\x03", "\x37\x03"), ALTROOT_E_MALFORMED); /* missing */
    assert_int_equal(PATCH("\x24\x02\x01\x37\x03", "\x20\x02\x01\x37\x03"),
                     ALTROOT_E_MALFORMED); /* signed integer */
    assert_int_equal(PATCH("\x24\x07\x01\x24\x08\x01", "\x24\x07\x02\x24\x08\x01"),
                     ALTROOT_E_UNSUPPORTED);
    assert_int_equal(PATCH("\x24\x07\x01\x24\x08\x01", "\x24\x07\x01\x24\x08\x02"),
                     ALTROOT_E_UNSUPPORTED);
    assert_int_equal(PATCH("\x30\x09\x41\x04", "\x30\x09\x42\x04\x04"),
                     ALTROOT_E_POLICY); /* 66-octet public key */
    /* A wider, non-canonical width is fine unless canonical form is required. */
    assert_ok(PATCH("\x24\x02\x01\x37\x03", "\x25\x02\x01\x00\x37\x03"));
    assert_int_equal(PATCH("\x24\x05\x00\x37\x06", "\x24\x05\x00\x24\x0C\x00\x37\x06"),
                     ALTROOT_E_MALFORMED); /* unknown member */
    assert_int_equal(PATCH("\x35\x01\x29\x01", "\x35\x01\x28\x01"),
                     ALTROOT_E_POLICY); /* path length on a non-CA */
    assert_int_equal(PATCH("\x35\x01\x29\x01", "\x35\x01\x24\x01\x01"), ALTROOT_E_MALFORMED);
    assert_int_equal(PATCH("\x37\x0a", "\x37\x0a\x24\x07\x00"), ALTROOT_E_UNSUPPORTED);
    assert_int_equal(PATCH("\x37\x0a", "\x37\x0a\x04\x00"), ALTROOT_E_MALFORMED);
    /* future extension carrying a supported OID (basicConstraints) */
    assert_int_equal(PATCH("\x37\x0a", "\x37\x0a\x30\x06\x0d\x30\x0b\x06\x03\x55\x1d\x13\x04\x04"
                                       "\x30\x02\x30\x00"),
                     ALTROOT_E_POLICY);
    /* future extension with an explicit FALSE critical flag (non-DER) */
    assert_int_equal(PATCH("\x37\x0a", "\x37\x0a\x30\x06\x0b\x30\x09\x06\x02\x2a\x03\x01\x01\x00"
                                       "\x04\x00"),
                     ALTROOT_E_DER);
}

static void canonical_flag_on_certificates(void **state)
{
    (void)state;
    altroot_bytes tlv = ALTROOT_BYTES_INIT;
    altroot_matter_cert c;
    load("matter/rcac.tlv", &tlv);
    /* sig-algo written as uint16 */
    const uint8_t find[] = {0x24, 0x02, 0x01};
    size_t at = 0;
    while (memcmp(tlv.ptr + at, find, 3) != 0)
        at++;
    altroot_bytes wide = ALTROOT_BYTES_INIT;
    assert_ok(altroot_bytes_append(&wide, tlv.ptr, at));
    assert_ok(altroot_bytes_append(&wide, "\x25\x02\x01\x00", 4));
    assert_ok(altroot_bytes_append(&wide, tlv.ptr + at + 3, tlv.len - at - 3));
    assert_ok(altroot_matter_cert_parse_tlv(altroot_bytes_span(&wide), 0, &c));
    assert_int_equal(
        altroot_matter_cert_parse_tlv(altroot_bytes_span(&wide), ALTROOT_MATTER_CERT_CANONICAL, &c),
        ALTROOT_E_MALFORMED);
    /* Both encode to the same DER. */
    altroot_bytes d1 = ALTROOT_BYTES_INIT, d2 = ALTROOT_BYTES_INIT;
    assert_ok(altroot_matter_cert_tlv_to_der(altroot_bytes_span(&tlv), &d1));
    assert_ok(altroot_matter_cert_tlv_to_der(altroot_bytes_span(&wide), &d2));
    assert_true(altroot_span_equal(altroot_bytes_span(&d1), altroot_bytes_span(&d2)));
    uint8_t big[ALTROOT_MATTER_CERT_TLV_MAX + 1] = {0};
    assert_int_equal(altroot_matter_cert_parse_tlv((altroot_span){big, sizeof big}, 0, &c),
                     ALTROOT_E_TOO_LARGE);
    altroot_bytes_clear(&tlv);
    altroot_bytes_clear(&wide);
    altroot_bytes_clear(&d1);
    altroot_bytes_clear(&d2);
}

/* ---- DER side: edits that X.509 allows but the Matter profile cannot carry. ---- */

static altroot_err der_patched(const char *find, size_t flen, const char *repl, size_t rlen)
{
    altroot_bytes der = ALTROOT_BYTES_INIT, out = ALTROOT_BYTES_INIT;
    altroot_matter_cert c;
    load("matter/icac.der", &der);
    size_t at = 0;
    while (at + flen <= der.len && memcmp(der.ptr + at, find, flen) != 0)
        at++;
    assert_true(at + flen <= der.len);
    assert_ok(altroot_bytes_append(&out, der.ptr, at));
    assert_ok(altroot_bytes_append(&out, repl, rlen));
    assert_ok(altroot_bytes_append(&out, der.ptr + at + flen, der.len - at - flen));
    altroot_err err = altroot_matter_cert_parse_der(altroot_bytes_span(&out), &c);
    altroot_bytes_clear(&der);
    altroot_bytes_clear(&out);
    return err;
}

#define DPATCH(f, r) der_patched((f), sizeof(f) - 1, (r), sizeof(r) - 1)

static void der_outside_the_profile_is_rejected(void **state)
{
    (void)state;
    /* version v2 */
    assert_int_equal(DPATCH("\xa0\x03\x02\x01\x02", "\xa0\x03\x02\x01\x01"), ALTROOT_E_UNSUPPORTED);
    /* ecdsa-with-SHA384 */
    assert_int_equal(DPATCH("\x2a\x86\x48\xce\x3d\x04\x03\x02\x30", "\x2a\x86\x48\xce\x3d\x04\x03"
                                                                    "\x03\x30"),
                     ALTROOT_E_UNSUPPORTED);
    /* secp384r1 OID in place of prime256v1 (same length: 2b 81 04 00 22 is shorter, so use
     * 1.2.840.10045.3.1.1 prime192v1) */
    assert_int_equal(DPATCH("\x2a\x86\x48\xce\x3d\x03\x01\x07", "\x2a\x86\x48\xce\x3d\x03\x01\x01"),
                     ALTROOT_E_UNSUPPORTED);
    /* basicConstraints not critical: drop "01 01 ff" (lengths fixed by hand below is hard),
     * so flip TRUE to an invalid BOOLEAN value instead */
    assert_int_equal(DPATCH("\x55\x1d\x13\x01\x01\xff", "\x55\x1d\x13\x01\x01\x01"), ALTROOT_E_DER);
    /* Matter attribute in lower-case hex */
    assert_int_equal(DPATCH("CACACACA0000A172", "cacacaca0000A172"), ALTROOT_E_POLICY);
    /* Matter attribute as PrintableString */
    assert_int_equal(DPATCH("\x0c\x10"
                            "CACACACA0000A172",
                            "\x13\x10"
                            "CACACACA0000A172"),
                     ALTROOT_E_POLICY);
    /* validity 2060 written as UTCTime would be 1960 and is refused; GeneralizedTime for a year
     * before 2050 is against RFC 5280 */
    assert_int_equal(DPATCH("\x17\x0d"
                            "240101000000Z",
                            "\x17\x0d"
                            "990101000000Z"),
                     ALTROOT_E_UNSUPPORTED);
}

static void allocation_failures_are_clean(void **state)
{
    (void)state;
    altroot_bytes tlv = ALTROOT_BYTES_INIT, der = ALTROOT_BYTES_INIT;
    load("matter/noc.tlv", &tlv);
    load("matter/noc.der", &der);
    testutil_install_allocator();
    for (int dir = 0; dir < 2; dir++) {
        for (long n = 1;; n++) {
            altroot_bytes out = ALTROOT_BYTES_INIT;
            testutil_fail_after(n);
            altroot_err err = dir == 0
                                  ? altroot_matter_cert_tlv_to_der(altroot_bytes_span(&tlv), &out)
                                  : altroot_matter_cert_der_to_tlv(altroot_bytes_span(&der), &out);
            int failed = testutil_alloc_failed();
            testutil_fail_after(0);
            if (!failed) {
                assert_ok(err);
                assert_true(altroot_span_equal(altroot_bytes_span(&out),
                                               altroot_bytes_span(dir == 0 ? &der : &tlv)));
                altroot_bytes_clear(&out);
                break;
            }
            assert_int_equal(err, ALTROOT_E_NOMEM);
            /* Out-parameter untouched on error. */
            assert_null(out.ptr);
            assert_int_equal(out.len, 0);
        }
    }
    altroot_bytes_clear(&tlv);
    altroot_bytes_clear(&der);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(converts_both_ways_byte_exactly),
        cmocka_unit_test(parses_the_node_certificate_fields),
        cmocka_unit_test(instance_name_matches_independent_computation),
        cmocka_unit_test(every_truncation_and_extension_fails),
        cmocka_unit_test(profile_rules_are_enforced),
        cmocka_unit_test(schema_violations_are_rejected),
        cmocka_unit_test(canonical_flag_on_certificates),
        cmocka_unit_test(der_outside_the_profile_is_rejected),
        cmocka_unit_test(allocation_failures_are_clean),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
