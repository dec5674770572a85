/* ACME request JWS and external account bindings: every acceptance and refusal rule of
 * gateway/jws.c and gateway/eab.c, with requests signed by libjose. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jose/b64.h>
#include <jose/jwk.h>
#include <jose/jws.h>

#include "jws.h"
#include "testutil.h"

#define URL "https://127.0.0.1:14000/acme/new-account"

static json_t *gen_key(const char *tmpl)
{
    json_error_t e;
    json_t *k = json_loads(tmpl, 0, &e);
    assert_non_null(k);
    assert_true(jose_jwk_gen(NULL, k));
    return k;
}

/* The public members a client puts in its header. */
static json_t *public_of(const json_t *key)
{
    json_t *p = json_deep_copy(key);
    assert_true(jose_jwk_pub(NULL, p));
    json_object_del(p, "key_ops");
    json_object_del(p, "alg");
    return p;
}

/* The public half of a fresh key. */
static json_t *fresh_public(const char *tmpl)
{
    json_t *key = gen_key(tmpl);
    json_t *pub = public_of(key);
    json_decref(key);
    return pub;
}

/* A flattened JWS of `payload` (NULL: POST-as-GET) with protected header `prot` (stolen). */
static char *sign(const json_t *key, json_t *prot, const char *payload)
{
    const char *p = payload != NULL ? payload : "";
    json_t *jws = json_pack("{s:o}", "payload", jose_b64_enc(p, strlen(p)));
    json_t *sig = json_pack("{s:o}", "protected", prot);
    assert_true(jose_jws_sig(NULL, jws, sig, key));
    json_decref(sig);
    char *s = json_dumps(jws, JSON_COMPACT);
    json_decref(jws);
    return s;
}

static json_t *header(const char *alg, const json_t *jwk, const char *kid)
{
    json_t *h = json_pack("{s:s,s:s,s:s}", "alg", alg, "nonce", "bm9uY2UtMQ", "url", URL);
    if (jwk != NULL)
        json_object_set(h, "jwk", (json_t *)jwk);
    if (kid != NULL)
        json_object_set_new(h, "kid", json_string(kid));
    return h;
}

static altroot_err parse_text(const char *text, altroot_gw_jws *out)
{
    return altroot_gw_jws_parse((altroot_span){(const uint8_t *)text, strlen(text)}, out);
}

static void accepts_each_algorithm(void **state)
{
    (void)state;
    static const char *const tmpl[] = {"{\"alg\":\"ES256\"}", "{\"alg\":\"ES384\"}",
                                       "{\"kty\":\"RSA\",\"bits\":2048}"};
    static const char *const alg[] = {"ES256", "ES384", "RS256"};
    for (size_t i = 0; i < 3; i++) {
        json_t *key = gen_key(tmpl[i]);
        json_t *pub = public_of(key);
        char *text = sign(key, header(alg[i], pub, NULL), "{\"termsOfServiceAgreed\":true}");
        altroot_gw_jws j;
        assert_ok(parse_text(text, &j));
        assert_int_equal(j.alg, (int)(i + 1));
        assert_string_equal(j.url, URL);
        assert_string_equal(j.nonce, "bm9uY2UtMQ");
        assert_non_null(j.jwk);
        assert_false(j.post_as_get);
        assert_true(json_is_true(json_object_get(j.payload, "termsOfServiceAgreed")));
        assert_ok(altroot_gw_jws_verify(&j, j.jwk));
        altroot_gw_jws_clear(&j);
        free(text);
        /* With a kid the account's stored key verifies; another key does not. */
        text = sign(key, header(alg[i], NULL, "https://gw/acct/1"), NULL);
        assert_ok(parse_text(text, &j));
        assert_true(j.post_as_get);
        assert_null(j.jwk);
        assert_string_equal(j.kid, "https://gw/acct/1");
        assert_ok(altroot_gw_jws_verify(&j, pub));
        json_t *other = gen_key(tmpl[i]);
        json_t *other_pub = public_of(other);
        assert_int_equal(altroot_gw_jws_verify(&j, other_pub), ALTROOT_E_GATEWAY_JWS_SIGNATURE);
        altroot_gw_jws_clear(&j);
        free(text);
        json_decref(other_pub);
        json_decref(other);
        json_decref(pub);
        json_decref(key);
    }
}

/* Replace member `name` of the request object `text` by `value` (a JSON string). */
static char *with_member(const char *text, const char *name, json_t *value)
{
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);
    assert_non_null(j);
    json_object_set_new(j, name, value);
    char *s = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    return s;
}

static void expect(const char *text, altroot_err want)
{
    altroot_gw_jws j;
    assert_int_equal(parse_text(text, &j), want);
    altroot_gw_jws_clear(&j);
}

static void refuses_bad_requests(void **state)
{
    (void)state;
    json_t *key = gen_key("{\"alg\":\"ES256\"}");
    json_t *pub = public_of(key);
    char *good = sign(key, header("ES256", pub, NULL), "{}");
    expect(good, ALTROOT_OK);

    char *s = with_member(good, "header", json_pack("{s:s}", "kid", "x")); /* unprotected */
    expect(s, ALTROOT_E_GATEWAY_JWS_MALFORMED);
    free(s);
    s = with_member(good, "signatures", json_array()); /* general serialization */
    expect(s, ALTROOT_E_GATEWAY_JWS_MALFORMED);
    free(s);
    json_error_t e;
    json_t *g = json_loads(good, 0, &e);
    char padded[4096];
    snprintf(padded, sizeof padded, "%s=", json_string_value(json_object_get(g, "signature")));
    s = with_member(good, "signature", json_string(padded));
    expect(s, ALTROOT_E_GATEWAY_JWS_MALFORMED);
    free(s);
    s = with_member(good, "payload", json_string("e30+")); /* "{}" in the standard alphabet */
    expect(s, ALTROOT_E_GATEWAY_JWS_MALFORMED);
    free(s);
    json_decref(g);
    expect("[]", ALTROOT_E_GATEWAY_JWS_MALFORMED);
    expect("{\"protected\":\"e30\",\"payload\":\"\",\"protected\":\"e30\",\"signature\":\"AA\"}",
           ALTROOT_E_GATEWAY_JWS_MALFORMED);
    expect("", ALTROOT_E_GATEWAY_JWS_MALFORMED);

    /* Tampered payload: parses, never verifies. */
    s = with_member(good, "payload", jose_b64_enc("{\"a\":1}", 7));
    altroot_gw_jws j;
    assert_ok(parse_text(s, &j));
    assert_int_equal(altroot_gw_jws_verify(&j, j.jwk), ALTROOT_E_GATEWAY_JWS_SIGNATURE);
    altroot_gw_jws_clear(&j);
    free(s);
    /* A payload that is not an object. */
    s = sign(key, header("ES256", pub, NULL), "[1]");
    expect(s, ALTROOT_E_GATEWAY_JWS_MALFORMED);
    free(s);
    free(good);
    json_decref(pub);
    json_decref(key);
}

static char *unsigned_request(json_t *prot)
{
    char *p = json_dumps(prot, JSON_COMPACT);
    json_t *r = json_pack("{s:o,s:s,s:s}", "protected", jose_b64_enc(p, strlen(p)), "payload", "",
                          "signature", "AAAA");
    char *s = json_dumps(r, JSON_COMPACT);
    json_decref(r);
    json_decref(prot);
    free(p);
    return s;
}

static void refuses_bad_headers(void **state)
{
    (void)state;
    json_t *key = gen_key("{\"alg\":\"ES256\"}");
    json_t *pub = public_of(key);
    json_t *p384 = fresh_public("{\"alg\":\"ES384\"}");
    json_t *oct = gen_key("{\"alg\":\"HS256\"}");
    struct {
        json_t *prot;
        altroot_err want;
    } cases[] = {
        {header("none", pub, NULL), ALTROOT_E_GATEWAY_JWS_ALG},
        {header("HS256", oct, NULL), ALTROOT_E_GATEWAY_JWS_ALG},
        {header("PS256", pub, NULL), ALTROOT_E_GATEWAY_JWS_ALG},
        {header("ES256", p384, NULL), ALTROOT_E_GATEWAY_JWS_KEY},
        {header("ES256", key, NULL), ALTROOT_E_GATEWAY_JWS_KEY}, /* private member d */
        {header("RS256", pub, NULL), ALTROOT_E_GATEWAY_JWS_KEY},
        {header("ES256", pub, "https://gw/acct/1"), ALTROOT_E_GATEWAY_JWS_MALFORMED},
        {header("ES256", NULL, NULL), ALTROOT_E_GATEWAY_JWS_MALFORMED},
        {header("ES256", NULL, ""), ALTROOT_E_GATEWAY_JWS_MALFORMED},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *s = unsigned_request(cases[i].prot);
        expect(s, cases[i].want);
        free(s);
    }
    static const char *const drop[] = {"alg", "nonce", "url"};
    for (size_t i = 0; i < 3; i++) {
        json_t *h = header("ES256", pub, NULL);
        json_object_del(h, drop[i]);
        char *s = unsigned_request(h);
        expect(s, ALTROOT_E_GATEWAY_JWS_MALFORMED);
        free(s);
    }
    json_t *h = header("ES256", pub, NULL);
    json_object_set_new(h, "crit", json_pack("[s]", "b64"));
    json_object_set_new(h, "b64", json_false());
    char *s = unsigned_request(h);
    expect(s, ALTROOT_E_GATEWAY_JWS_MALFORMED);
    free(s);
    h = header("ES256", pub, NULL);
    json_object_set_new(h, "nonce", json_string("not base64url!"));
    s = unsigned_request(h);
    expect(s, ALTROOT_E_GATEWAY_JWS_MALFORMED);
    free(s);
    /* A 1024-bit RSA account key is too weak. */
    uint8_t n[128];
    memset(n, 0xc5, sizeof n);
    json_t *rsa =
        json_pack("{s:s,s:o,s:s}", "kty", "RSA", "n", jose_b64_enc(n, sizeof n), "e", "AQAB");
    s = unsigned_request(header("RS256", rsa, NULL));
    expect(s, ALTROOT_E_GATEWAY_JWS_KEY);
    free(s);
    json_decref(rsa);
    json_decref(oct);
    json_decref(p384);
    json_decref(pub);
    json_decref(key);
}

static void thumbprint_and_key_authorization(void **state)
{
    (void)state;
    /* RFC 7638 3.1. */
    json_error_t e;
    json_t *jwk = json_loads(
        "{\"kty\":\"RSA\",\"n\":\"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86"
        "zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_"
        "RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n9"
        "1CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCu"
        "r-kEgU8awapJzKnqDKgw\",\"e\":\"AQAB\",\"alg\":\"RS256\",\"kid\":\"2011-04-29\"}",
        0, &e);
    assert_non_null(jwk);
    char thp[44];
    assert_ok(altroot_gw_jwk_thumbprint(jwk, thp));
    assert_string_equal(thp, "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
    char ka[128];
    assert_ok(altroot_gw_key_authorization("tok", jwk, ka, sizeof ka));
    assert_string_equal(ka, "tok.NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
    assert_int_equal(altroot_gw_key_authorization("tok", jwk, ka, 10), ALTROOT_E_TOO_LARGE);
    json_decref(jwk);
}

/* ---- external account binding ---- */

static const uint8_t g_mac[32] = {1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 16,
                                  17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};

static altroot_err lookup(void *ctx, const char *kid, uint8_t hmac[32])
{
    (void)ctx;
    if (strcmp(kid, "eab-1") != 0)
        return ALTROOT_E_NOT_FOUND;
    memcpy(hmac, g_mac, 32);
    return ALTROOT_OK;
}

/* An EAB JWS over `payload_jwk`, MACed with `mac`. */
static json_t *eab(const char *alg, const char *kid, const char *url, const json_t *payload_jwk,
                   const uint8_t mac[32], bool nonce)
{
    json_t *key = json_pack("{s:s,s:o}", "kty", "oct", "k", jose_b64_enc(mac, 32));
    char *p = json_dumps(payload_jwk, JSON_COMPACT);
    json_t *jws = json_pack("{s:o}", "payload", jose_b64_enc(p, strlen(p)));
    json_t *prot = json_pack("{s:s,s:s,s:s}", "alg", alg, "kid", kid, "url", url);
    if (nonce)
        json_object_set_new(prot, "nonce", json_string("bm9uY2U"));
    json_t *sig = json_pack("{s:o}", "protected", prot);
    assert_true(jose_jws_sig(NULL, jws, sig, key));
    json_decref(sig);
    json_decref(key);
    free(p);
    return jws;
}

/* HS512 needs a 64-byte key in libjose; the algorithm is refused before any MAC. */
static json_t *eab_hs512(const json_t *payload_jwk)
{
    char *p = json_dumps(payload_jwk, JSON_COMPACT);
    const char *prot = "{\"alg\":\"HS512\",\"kid\":\"eab-1\",\"url\":\"" URL "\"}";
    json_t *jws = json_pack("{s:o,s:o,s:s}", "protected", jose_b64_enc(prot, strlen(prot)),
                            "payload", jose_b64_enc(p, strlen(p)), "signature", "AAAA");
    free(p);
    return jws;
}

static void external_account_binding(void **state)
{
    (void)state;
    json_t *key = gen_key("{\"alg\":\"ES256\"}");
    json_t *pub = public_of(key);
    char *text = sign(key, header("ES256", pub, NULL), "{}");
    altroot_gw_jws outer;
    assert_ok(parse_text(text, &outer));
    char kid[64];
    json_t *good = eab("HS256", "eab-1", URL, pub, g_mac, false);
    assert_ok(altroot_gw_eab_verify(&outer, good, lookup, NULL, kid));
    assert_string_equal(kid, "eab-1");

    uint8_t wrong[32];
    memcpy(wrong, g_mac, 32);
    wrong[0] ^= 1;
    json_t *other = fresh_public("{\"alg\":\"ES256\"}");
    json_t *bad[] = {
        eab("HS256", "eab-1", URL, pub, wrong, false),                         /* another key */
        eab("HS256", "eab-2", URL, pub, g_mac, false),                         /* unknown kid */
        eab("HS256", "eab-1", "https://127.0.0.1:14000/x", pub, g_mac, false), /* url */
        eab("HS256", "eab-1", URL, other, g_mac, false), /* another account key */
        eab_hs512(pub),                                  /* another MAC */
        eab("HS256", "eab-1", URL, pub, g_mac, true),    /* a nonce */
        json_string("eab"),
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(altroot_gw_eab_verify(&outer, bad[i], lookup, NULL, kid),
                         ALTROOT_E_GATEWAY_EAB_INVALID);
        json_decref(bad[i]);
    }
    assert_int_equal(altroot_gw_eab_verify(&outer, NULL, lookup, NULL, kid),
                     ALTROOT_E_GATEWAY_EAB_REQUIRED);
    /* A request identified by kid binds no key. */
    altroot_gw_jws by_kid;
    char *t2 = sign(key, header("ES256", NULL, "https://gw/acct/1"), "{}");
    assert_ok(parse_text(t2, &by_kid));
    assert_int_equal(altroot_gw_eab_verify(&by_kid, good, lookup, NULL, kid),
                     ALTROOT_E_GATEWAY_EAB_INVALID);
    altroot_gw_jws_clear(&by_kid);
    free(t2);
    json_decref(other);
    json_decref(good);
    altroot_gw_jws_clear(&outer);
    free(text);
    json_decref(pub);
    json_decref(key);
}

static void request_url_and_problems(void **state)
{
    (void)state;
    json_t *key = gen_key("{\"alg\":\"ES256\"}");
    json_t *pub = public_of(key);
    char *text = sign(key, header("ES256", pub, NULL), "{}");
    altroot_gw_jws j;
    assert_ok(parse_text(text, &j));
    assert_ok(altroot_gw_jws_check_url(&j, URL));
    assert_int_equal(altroot_gw_jws_check_url(&j, URL "/"), ALTROOT_E_GATEWAY_JWS_URL);
    altroot_gw_jws_clear(&j);
    free(text);
    json_decref(pub);
    json_decref(key);

    static const struct {
        const char *type;
        altroot_err err;
        int status;
    } rows[] = {
        {"malformed", ALTROOT_E_GATEWAY_JWS_MALFORMED, 400},
        {"malformed", ALTROOT_E_GATEWAY_JWS_SIGNATURE, 400},
        {"badSignatureAlgorithm", ALTROOT_E_GATEWAY_JWS_ALG, 400},
        {"badPublicKey", ALTROOT_E_GATEWAY_JWS_KEY, 400},
        {"unauthorized", ALTROOT_E_GATEWAY_JWS_URL, 401},
        {"unauthorized", ALTROOT_E_GATEWAY_EAB_INVALID, 401},
        {"externalAccountRequired", ALTROOT_E_GATEWAY_EAB_REQUIRED, 400},
        {"badNonce", ALTROOT_E_GATEWAY_BAD_NONCE, 400},
        {"incorrectResponse", ALTROOT_E_GATEWAY_CHALLENGE_RESPONSE, 403},
        {"connection", ALTROOT_E_GATEWAY_CHALLENGE_CONNECT, 400},
        {"badCSR", ALTROOT_E_GATEWAY_CSR_NAMES, 400},
        {"badCSR", ALTROOT_E_GATEWAY_CSR_SIGNATURE, 400},
        {"rejectedIdentifier", ALTROOT_E_GATEWAY_OUTSIDE_ZONE, 400},
        {"serverInternal", ALTROOT_E_GATEWAY_DB, 500},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char *body = altroot_gw_problem_json(rows[i].err, NULL);
        json_error_t e;
        json_t *p = json_loads(body, 0, &e);
        assert_non_null(p);
        char type[96];
        snprintf(type, sizeof type, "urn:ietf:params:acme:error:%s", rows[i].type);
        assert_string_equal(json_string_value(json_object_get(p, "type")), type);
        assert_int_equal(json_integer_value(json_object_get(p, "status")), rows[i].status);
        const char *detail = json_string_value(json_object_get(p, "detail"));
        if (rows[i].status == 500)
            assert_string_equal(detail, "internal error");
        else
            assert_non_null(strstr(detail, altroot_error_name(rows[i].err)));
        json_decref(p);
        free(body);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(accepts_each_algorithm),
        cmocka_unit_test(refuses_bad_requests),
        cmocka_unit_test(refuses_bad_headers),
        cmocka_unit_test(thumbprint_and_key_authorization),
        cmocka_unit_test(external_account_binding),
        cmocka_unit_test(request_url_and_problems),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
