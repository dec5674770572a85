/* Issuing certificates: test PKIs for every ecosystem and device TLS certificates. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <altroot/alloc.h>

#include "ossl.h"

altroot_err altroot_x509_set_time(ASN1_TIME *field, altroot_time t)
{
    /* RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050; ASN1_TIME_set
     * chooses accordingly. "No expiry" is the fixed GeneralizedTime 99991231235959Z. */
    if (t == ALTROOT_TIME_NO_EXPIRY)
        OSSL_ENSURE(ASN1_TIME_set_string_X509(field, "99991231235959Z"), ALTROOT_E_CRYPTO);
    else
        ENSURE(ASN1_TIME_set(field, (time_t)t) != NULL, ALTROOT_E_ARG);
    return ALTROOT_OK;
}

altroot_err altroot_x509_set_serial(X509 *x)
{
    unsigned char rnd[16];
    OSSL_ENSURE(RAND_bytes(rnd, sizeof rnd), ALTROOT_E_CRYPTO);
    rnd[0] = (unsigned char)((rnd[0] & 0x7f) | 0x01); /* positive, and 16 octets long */
    BIGNUM *bn = BN_bin2bn(rnd, sizeof rnd, NULL);
    ENSURE(bn != NULL, ALTROOT_E_NOMEM);
    ASN1_INTEGER *serial = BN_to_ASN1_INTEGER(bn, NULL);
    BN_free(bn);
    ENSURE(serial != NULL, ALTROOT_E_NOMEM);
    int ok = X509_set_serialNumber(x, serial);
    ASN1_INTEGER_free(serial);
    OSSL_ENSURE(ok, ALTROOT_E_CRYPTO);
    return ALTROOT_OK;
}

static altroot_err set_subject(X509 *x, const altroot_cert_template *t)
{
    X509_NAME *name = X509_get_subject_name(x);
    if (t->organization != NULL)
        OSSL_ENSURE(X509_NAME_add_entry_by_NID(name, NID_organizationName, MBSTRING_UTF8,
                                               (const unsigned char *)t->organization, -1, -1, 0),
                    ALTROOT_E_ARG);
    if (t->common_name != NULL)
        OSSL_ENSURE(X509_NAME_add_entry_by_NID(name, NID_commonName, MBSTRING_UTF8,
                                               (const unsigned char *)t->common_name, -1, -1, 0),
                    ALTROOT_E_ARG);
    for (size_t i = 0; i < t->subject_attr_count; i++) {
        ASN1_OBJECT *obj = OBJ_txt2obj(t->subject_attrs[i].oid, 1);
        ENSURE(obj != NULL, ALTROOT_E_ARG);
        /* V_ASN1_UTF8STRING: the Matter attributes must be UTF8String. */
        int ok =
            X509_NAME_add_entry_by_OBJ(name, obj, V_ASN1_UTF8STRING,
                                       (const unsigned char *)t->subject_attrs[i].value, -1, -1, 0);
        ASN1_OBJECT_free(obj);
        OSSL_ENSURE(ok, ALTROOT_E_ARG);
    }
    return ALTROOT_OK;
}

/* RFC 5280 4.2.1.10: an iPAddress constraint is the address followed by its mask, 8 octets
 * for IPv4 and 32 for IPv6. Input "addr/prefix". */
static ASN1_OCTET_STRING *ip_constraint(const char *text)
{
    char addr[64];
    const char *slash = strchr(text, '/');
    if (slash == NULL || (size_t)(slash - text) >= sizeof addr)
        return NULL;
    memcpy(addr, text, (size_t)(slash - text));
    addr[slash - text] = '\0';
    unsigned char buf[32] = {0};
    int len = inet_pton(AF_INET, addr, buf) == 1 ? 4 : inet_pton(AF_INET6, addr, buf) == 1 ? 16 : 0;
    char *end = NULL;
    long prefix = strtol(slash + 1, &end, 10);
    if (len == 0 || end == slash + 1 || *end != '\0' || prefix < 0 || prefix > (long)len * 8)
        return NULL;
    for (int bit = 0; bit < prefix; bit++)
        buf[len + bit / 8] |= (unsigned char)(0x80 >> (bit % 8));
    ASN1_OCTET_STRING *o = ASN1_OCTET_STRING_new();
    if (o != NULL && !OSSL_OK(ASN1_OCTET_STRING_set(o, buf, 2 * len))) {
        ASN1_OCTET_STRING_free(o);
        o = NULL;
    }
    return o;
}

/* Names are built as structures, never through OpenSSL's text configuration, so a hostile
 * name cannot smuggle in other entries. */
static altroot_err push_name(GENERAL_NAMES *gens, int type, const char *value, bool constraint)
{
    GENERAL_NAME *gn = NULL;
    if (type == GEN_DNS) {
        ASN1_IA5STRING *s = ASN1_IA5STRING_new();
        ENSURE(s != NULL, ALTROOT_E_NOMEM);
        if (!OSSL_OK(ASN1_STRING_set(s, value, -1)) || (gn = GENERAL_NAME_new()) == NULL) {
            ASN1_IA5STRING_free(s);
            return ALTROOT_E_NOMEM;
        }
        GENERAL_NAME_set0_value(gn, GEN_DNS, s);
    } else {
        ASN1_OCTET_STRING *ip = constraint ? ip_constraint(value) : a2i_IPADDRESS(value);
        ENSURE(ip != NULL, ALTROOT_E_ARG);
        if ((gn = GENERAL_NAME_new()) == NULL) {
            ASN1_OCTET_STRING_free(ip);
            return ALTROOT_E_NOMEM;
        }
        GENERAL_NAME_set0_value(gn, GEN_IPADD, ip);
    }
    if (sk_GENERAL_NAME_push(gens, gn) <= 0) {
        GENERAL_NAME_free(gn);
        return ALTROOT_E_NOMEM;
    }
    return ALTROOT_OK;
}

static altroot_err add_sans(X509 *x, const altroot_cert_template *t)
{
    if (t->dns_count == 0 && t->ip_count == 0)
        return ALTROOT_OK;
    GENERAL_NAMES *gens = GENERAL_NAMES_new();
    ENSURE(gens != NULL, ALTROOT_E_NOMEM);
    altroot_err err = ALTROOT_OK;
    for (size_t i = 0; i < t->dns_count; i++)
        TRY_GOTO(push_name(gens, GEN_DNS, t->dns_names[i], false));
    for (size_t i = 0; i < t->ip_count; i++)
        TRY_GOTO(push_name(gens, GEN_IPADD, t->ip_addrs[i], false));
    /* RFC 5280 4.2.1.6: critical when the subject is empty. */
    bool critical = t->common_name == NULL && t->organization == NULL;
    OSSL_ENSURE_GOTO(X509_add1_ext_i2d(x, NID_subject_alt_name, gens, critical, 0),
                     ALTROOT_E_CRYPTO);
out:
    GENERAL_NAMES_free(gens);
    return err;
}

static altroot_err add_subtrees(STACK_OF(GENERAL_SUBTREE) * st, int type, const char *const *v,
                                size_t n)
{
    for (size_t i = 0; i < n; i++) {
        GENERAL_NAMES *one = GENERAL_NAMES_new();
        ENSURE(one != NULL, ALTROOT_E_NOMEM);
        altroot_err err = push_name(one, type, v[i], true);
        GENERAL_SUBTREE *sub = err == ALTROOT_OK ? GENERAL_SUBTREE_new() : NULL;
        if (sub == NULL) {
            GENERAL_NAMES_free(one);
            return err != ALTROOT_OK ? err : ALTROOT_E_NOMEM;
        }
        GENERAL_NAME_free(sub->base);
        sub->base = sk_GENERAL_NAME_pop(one);
        GENERAL_NAMES_free(one);
        if (sk_GENERAL_SUBTREE_push(st, sub) <= 0) {
            GENERAL_SUBTREE_free(sub);
            return ALTROOT_E_NOMEM;
        }
    }
    return ALTROOT_OK;
}

static altroot_err add_name_constraints(X509 *x, const altroot_cert_template *t)
{
    if (t->permitted_dns_count == 0 && t->permitted_ip_count == 0 && t->excluded_ip_count == 0)
        return ALTROOT_OK;
    NAME_CONSTRAINTS *nc = NAME_CONSTRAINTS_new();
    ENSURE(nc != NULL, ALTROOT_E_NOMEM);
    altroot_err err = ALTROOT_OK;
    nc->permittedSubtrees = sk_GENERAL_SUBTREE_new_null();
    ENSURE_GOTO(nc->permittedSubtrees != NULL, ALTROOT_E_NOMEM);
    TRY_GOTO(
        add_subtrees(nc->permittedSubtrees, GEN_DNS, t->permitted_dns, t->permitted_dns_count));
    TRY_GOTO(
        add_subtrees(nc->permittedSubtrees, GEN_IPADD, t->permitted_ip, t->permitted_ip_count));
    if (t->excluded_ip_count > 0) {
        nc->excludedSubtrees = sk_GENERAL_SUBTREE_new_null();
        ENSURE_GOTO(nc->excludedSubtrees != NULL, ALTROOT_E_NOMEM);
        TRY_GOTO(
            add_subtrees(nc->excludedSubtrees, GEN_IPADD, t->excluded_ip, t->excluded_ip_count));
    }
    /* An empty SEQUENCE is not allowed (RFC 5280: SIZE (1..MAX)). */
    if (sk_GENERAL_SUBTREE_num(nc->permittedSubtrees) == 0) {
        sk_GENERAL_SUBTREE_free(nc->permittedSubtrees);
        nc->permittedSubtrees = NULL;
    }
    /* RFC 5280 4.2.1.10: "Conforming CAs MUST mark this extension as critical". */
    OSSL_ENSURE_GOTO(X509_add1_ext_i2d(x, NID_name_constraints, nc, 1, 0), ALTROOT_E_CRYPTO);
out:
    NAME_CONSTRAINTS_free(nc);
    return err;
}

/* Extensions whose values are fixed strings chosen here (never caller text). */
static altroot_err add_conf_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, ctx, nid, value);
    ENSURE(ext != NULL, ALTROOT_E_CRYPTO);
    int ok = X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
    OSSL_ENSURE(ok, ALTROOT_E_CRYPTO);
    return ALTROOT_OK;
}

/* RFC 5280 4.2.1.3: "When present, conforming CAs SHOULD mark this extension as critical." */
static altroot_err add_key_usage(X509 *x, uint32_t bits)
{
    ASN1_BIT_STRING *ku = ASN1_BIT_STRING_new();
    ENSURE(ku != NULL, ALTROOT_E_NOMEM);
    altroot_err err = ALTROOT_OK;
    for (int bit = 0; bit < 9; bit++)
        if ((bits & (1u << bit)) != 0 && !OSSL_OK(ASN1_BIT_STRING_set_bit(ku, bit, 1)))
            err = ALTROOT_E_NOMEM;
    if (err == ALTROOT_OK && !OSSL_OK(X509_add1_ext_i2d(x, NID_key_usage, ku, 1, 0)))
        err = ALTROOT_E_CRYPTO;
    ASN1_BIT_STRING_free(ku);
    return err;
}

static altroot_err add_profile_exts(X509 *x, X509 *issuer, const altroot_cert_template *t)
{
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
    char bc[64];
    if (t->is_ca && t->path_len >= 0)
        snprintf(bc, sizeof bc, "critical,CA:TRUE,pathlen:%d", t->path_len);
    else
        snprintf(bc, sizeof bc, "critical,%s", t->is_ca ? "CA:TRUE" : "CA:FALSE");
    TRY(add_conf_ext(x, &ctx, NID_basic_constraints, bc));
    uint32_t ku = t->key_usage != 0 ? t->key_usage
                  : t->is_ca        ? ALTROOT_KU_KEY_CERT_SIGN | ALTROOT_KU_CRL_SIGN
                                    : ALTROOT_KU_DIGITAL_SIGNATURE;
    TRY(add_key_usage(x, ku));
    if (!t->omit_skid)
        TRY(add_conf_ext(x, &ctx, NID_subject_key_identifier, "hash"));
    if (!t->omit_akid)
        TRY(add_conf_ext(x, &ctx, NID_authority_key_identifier, "keyid:always"));
    if (!t->is_ca && t->server_auth)
        TRY(add_conf_ext(x, &ctx, NID_ext_key_usage, "serverAuth"));
    return ALTROOT_OK;
}

static const EVP_MD *digest_for(const altroot_key *key)
{
    return EVP_PKEY_get_bits(key->pkey) >= 384 && EVP_PKEY_get_base_id(key->pkey) == EVP_PKEY_EC
               ? EVP_sha384()
               : EVP_sha256();
}

altroot_err altroot_cert_issue(const altroot_cert_template *tmpl, const altroot_key *subject_key,
                               const altroot_cert *issuer, const altroot_key *issuer_key,
                               altroot_cert **out)
{
    ENSURE(tmpl != NULL && subject_key != NULL && out != NULL, ALTROOT_E_INTERNAL);
    ENSURE((issuer == NULL) == (issuer_key == NULL), ALTROOT_E_ARG);
    const altroot_key *signer = issuer_key != NULL ? issuer_key : subject_key;
    ENSURE(signer->has_private, ALTROOT_E_ARG);
    X509 *x = X509_new();
    ENSURE(x != NULL, ALTROOT_E_NOMEM);
    altroot_err err = ALTROOT_OK;
    OSSL_ENSURE_GOTO(X509_set_version(x, X509_VERSION_3), ALTROOT_E_CRYPTO);
    TRY_GOTO(altroot_x509_set_serial(x));
    TRY_GOTO(set_subject(x, tmpl));
    OSSL_ENSURE_GOTO(X509_set_issuer_name(x, issuer != NULL ? X509_get_subject_name(issuer->x509)
                                                            : X509_get_subject_name(x)),
                     ALTROOT_E_CRYPTO);
    TRY_GOTO(altroot_x509_set_time(X509_getm_notBefore(x), tmpl->not_before));
    TRY_GOTO(altroot_x509_set_time(X509_getm_notAfter(x), tmpl->not_after));
    OSSL_ENSURE_GOTO(X509_set_pubkey(x, subject_key->pkey), ALTROOT_E_CRYPTO);
    TRY_GOTO(add_profile_exts(x, issuer != NULL ? issuer->x509 : x, tmpl));
    TRY_GOTO(add_sans(x, tmpl));
    TRY_GOTO(add_name_constraints(x, tmpl));
    ENSURE_GOTO(X509_sign(x, signer->pkey, digest_for(signer)) > 0, ALTROOT_E_CRYPTO);
    err = altroot_cert_wrap_x509(x, out);
    x = NULL; /* owned by the wrapper, even on failure */
out:
    X509_free(x);
    if (err != ALTROOT_OK)
        ERR_clear_error();
    return err;
}
