/* Chain validation with caller-chosen anchors and an explicit time, collecting every failure. */
#include <stdio.h>

#include <openssl/err.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <altroot/alloc.h>

#include "../core/validity.h"
#include "ossl.h"
#include "sig_count.h"

static altroot_err map_verify_error(int e)
{
    switch (e) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
        return ALTROOT_E_CERT_EXPIRED;
    case X509_V_ERR_CERT_NOT_YET_VALID:
        return ALTROOT_E_CERT_NOT_YET_VALID;
    case X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD:
    case X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD:
        return ALTROOT_E_CERT_PARSE;
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
        return ALTROOT_E_CHAIN_SELF_SIGNED;
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
        return ALTROOT_E_CHAIN_NO_ANCHOR;
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
    case X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE:
    case X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY:
        return ALTROOT_E_SIGNATURE;
    case X509_V_ERR_INVALID_CA:
    case X509_V_ERR_KEYUSAGE_NO_CERTSIGN:
        return ALTROOT_E_CHAIN_CA;
    case X509_V_ERR_PATH_LENGTH_EXCEEDED:
    case X509_V_ERR_CERT_CHAIN_TOO_LONG:
        return ALTROOT_E_CHAIN_LENGTH;
    case X509_V_ERR_INVALID_PURPOSE:
        return ALTROOT_E_CHAIN_PURPOSE;
    case X509_V_ERR_PERMITTED_VIOLATION:
    case X509_V_ERR_EXCLUDED_VIOLATION:
    case X509_V_ERR_SUBTREE_MINMAX:
    case X509_V_ERR_UNSUPPORTED_CONSTRAINT_TYPE:
    case X509_V_ERR_UNSUPPORTED_CONSTRAINT_SYNTAX:
    case X509_V_ERR_UNSUPPORTED_NAME_SYNTAX:
        return ALTROOT_E_CHAIN_NAME_CONSTRAINTS;
    case X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION:
        return ALTROOT_E_CHAIN_CRITICAL_EXT;
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
    case X509_V_ERR_EMAIL_MISMATCH:
        return ALTROOT_E_NAME_MISMATCH;
    case X509_V_ERR_EE_KEY_TOO_SMALL:
    case X509_V_ERR_CA_KEY_TOO_SMALL:
    case X509_V_ERR_CA_MD_TOO_WEAK:
        return ALTROOT_E_CHAIN_KEY_TOO_WEAK;
    case X509_V_ERR_CERT_UNTRUSTED:
    case X509_V_ERR_CERT_REJECTED:
        return ALTROOT_E_NOT_TRUSTED;
    case X509_V_ERR_OUT_OF_MEM:
        return ALTROOT_E_NOMEM;
    default:
        return ALTROOT_E_CHAIN_INVALID;
    }
}

/* Failures that mean no path to an anchor was built by signature. */
static bool is_structural(altroot_err e)
{
    return e == ALTROOT_E_CHAIN_NO_ANCHOR || e == ALTROOT_E_CHAIN_SELF_SIGNED ||
           e == ALTROOT_E_SIGNATURE || e == ALTROOT_E_NOT_TRUSTED;
}

typedef struct collect {
    altroot_failures *failures;
    altroot_err oom; /* set when recording itself failed */
} collect;

static int collect_idx = -1;
static pthread_once_t collect_once = PTHREAD_ONCE_INIT;

static void collect_init(void)
{
    collect_idx = X509_STORE_CTX_get_ex_new_index(0, NULL, NULL, NULL, NULL);
}

/* Record every error and continue, so the report lists all of them. The caller treats any
 * recorded failure as "not verified", whatever X509_verify_cert() returns. */
static int verify_cb(int ok, X509_STORE_CTX *ctx)
{
    if (ok == 1)
        return 1;
    collect *c = X509_STORE_CTX_get_ex_data(ctx, collect_idx);
    if (c == NULL)
        return 0; /* fail closed: nowhere to record */
    int e = X509_STORE_CTX_get_error(ctx);
    char where[32];
    snprintf(where, sizeof where, "chain[%d]", X509_STORE_CTX_get_error_depth(ctx));
    altroot_err r = altroot_failures_add(c->failures, map_verify_error(e), where, "%s",
                                         X509_verify_cert_error_string(e));
    if (r != ALTROOT_OK) {
        c->oom = r;
        return 0;
    }
    return 1;
}

static altroot_err build_untrusted(const altroot_certs *presented, STACK_OF(X509) * *out)
{
    STACK_OF(X509) *sk = sk_X509_new_null();
    ENSURE(sk != NULL, ALTROOT_E_NOMEM);
    for (size_t i = 1; i < presented->count; i++) {
        if (sk_X509_push(sk, presented->items[i]->x509) <= 0) {
            sk_X509_free(sk);
            return ALTROOT_E_NOMEM;
        }
    }
    *out = sk; /* borrowed certificates: free with sk_X509_free only */
    return ALTROOT_OK;
}

static altroot_err set_params(X509_STORE_CTX *ctx, const altroot_chain_params *p)
{
    X509_VERIFY_PARAM *vp = X509_STORE_CTX_get0_param(ctx);
    X509_VERIFY_PARAM_set_time(vp, (time_t)p->at);
    if (p->partial_chain)
        X509_VERIFY_PARAM_set_flags(vp, X509_V_FLAG_PARTIAL_CHAIN);
    if (p->strict)
        X509_VERIFY_PARAM_set_flags(vp, X509_V_FLAG_X509_STRICT);
    if (p->purpose == ALTROOT_PURPOSE_TLS_SERVER)
        OSSL_ENSURE(X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_SERVER), ALTROOT_E_CRYPTO);
    /* Browsers' rules: no fallback to the subject CN, no partial wildcards ("f*.example"). */
    X509_VERIFY_PARAM_set_hostflags(vp, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS |
                                            X509_CHECK_FLAG_NEVER_CHECK_SUBJECT);
    if (p->host != NULL)
        OSSL_ENSURE(X509_VERIFY_PARAM_set1_host(vp, p->host, 0), ALTROOT_E_ARG);
    if (p->ip != NULL)
        OSSL_ENSURE(X509_VERIFY_PARAM_set1_ip_asc(vp, p->ip), ALTROOT_E_ARG);
    return ALTROOT_OK;
}

/* Find which anchor, if any, the top of the built chain is. */
static int anchor_index(const altroot_certs *anchors, X509 *top)
{
    for (size_t i = 0; i < anchors->count; i++)
        if (X509_cmp(anchors->items[i]->x509, top) == 0)
            return (int)i;
    return -1;
}

static altroot_err copy_path(STACK_OF(X509) * chain, altroot_certs **out)
{
    altroot_certs *path = NULL;
    TRY(altroot_certs_new(&path));
    for (int i = 0; i < sk_X509_num(chain); i++) {
        X509 *x = sk_X509_value(chain, i);
        altroot_cert *c = NULL;
        OSSL_ENSURE(X509_up_ref(x), ALTROOT_E_CRYPTO);
        altroot_err err = altroot_cert_wrap_x509(x, &c);
        if (err == ALTROOT_OK)
            err = altroot_certs_push(path, c);
        altroot_cert_free(c);
        if (err != ALTROOT_OK) {
            altroot_certs_free(path);
            return err;
        }
    }
    *out = path;
    return ALTROOT_OK;
}

/* Every certificate of the built path was checked against `at` (src/core/validity.h). */
static void note_validity(X509_STORE_CTX *ctx, altroot_time at)
{
    STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(ctx);
    for (int i = 0; chain != NULL && i < sk_X509_num(chain); i++) {
        altroot_time nb = 0, na = 0;
        if (altroot_x509_validity(sk_X509_value(chain, i), &nb, &na) != ALTROOT_OK)
            nb = INT64_MIN, na = at; /* unreadable: the result holds for this second only */
        altroot_validity_note(at, nb, na);
    }
}

static altroot_err summarise(X509_STORE_CTX *ctx, const altroot_certs *anchors, int rc,
                             bool want_path, altroot_chain_result *r)
{
    STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(ctx);
    int n = chain == NULL ? 0 : sk_X509_num(chain);
    bool structural = false;
    for (size_t i = 0; i < r->failures.count; i++)
        structural = structural || is_structural(r->failures.items[i].code);
    r->anchor_index = n > 0 ? anchor_index(anchors, sk_X509_value(chain, n - 1)) : -1;
    r->reached_anchor = !structural && r->anchor_index >= 0;
    /* Fail closed: success needs OpenSSL's "1", nothing recorded, and a known anchor on top. */
    r->verified = rc == 1 && r->failures.count == 0 && r->reached_anchor;
    if (rc != 1 && r->failures.count == 0) {
        int e = X509_STORE_CTX_get_error(ctx);
        TRY(altroot_failures_add(&r->failures, map_verify_error(e), "chain", "%s",
                                 X509_verify_cert_error_string(e)));
    }
    if (n > 0 && want_path)
        TRY(copy_path(chain, &r->path));
    return ALTROOT_OK;
}

altroot_err altroot_chain_verify(const altroot_certs *presented, const altroot_certs *anchors,
                                 const altroot_chain_params *params, altroot_chain_result *result)
{
    ENSURE(presented != NULL && anchors != NULL && params != NULL && result != NULL,
           ALTROOT_E_INTERNAL);
    ENSURE(presented->count > 0, ALTROOT_E_EMPTY);
    ENSURE(pthread_once(&collect_once, collect_init) == 0 && collect_idx >= 0, ALTROOT_E_CRYPTO);
    altroot_chain_result r = {.anchor_index = -1};
    X509_STORE *store = NULL;
    STACK_OF(X509) *untrusted = NULL;
    X509_STORE_CTX *ctx = NULL;
    altroot_err err = ALTROOT_OK;
    TRY_GOTO(altroot_certs_store(anchors, &store));
    TRY_GOTO(build_untrusted(presented, &untrusted));
    ctx = X509_STORE_CTX_new();
    ENSURE_GOTO(ctx != NULL, ALTROOT_E_NOMEM);
    OSSL_ENSURE_GOTO(X509_STORE_CTX_init(ctx, store, presented->items[0]->x509, untrusted),
                     ALTROOT_E_CRYPTO);
    TRY_GOTO(set_params(ctx, params));
    collect c = {&r.failures, ALTROOT_OK};
    OSSL_ENSURE_GOTO(X509_STORE_CTX_set_ex_data(ctx, collect_idx, &c), ALTROOT_E_CRYPTO);
    X509_STORE_CTX_set_verify_cb(ctx, verify_cb);
    int rc = X509_verify_cert(ctx);
    /* A verified path of n certificates cost n - 1 signatures: OpenSSL checks each certificate
     * with its issuer's key and never the trusted top's own (no X509_V_FLAG_CHECK_SS_SIGNATURE). */
    if (rc == 1 && sk_X509_num(X509_STORE_CTX_get0_chain(ctx)) > 1)
        altroot_sig_count_add((uint64_t)sk_X509_num(X509_STORE_CTX_get0_chain(ctx)) - 1);
    if (!params->fixed_time)
        note_validity(ctx, params->at);
    TRY_GOTO(c.oom);
    TRY_GOTO(summarise(ctx, anchors, rc, params->want_path, &r));
    *result = r;
    r = (altroot_chain_result){.anchor_index = -1};
out:
    altroot_chain_result_clear(&r);
    X509_STORE_CTX_free(ctx);
    X509_STORE_free(store); /* our reference (altroot_certs_store) */
    sk_X509_free(untrusted);
    ERR_clear_error();
    return err;
}

void altroot_chain_result_clear(altroot_chain_result *result)
{
    if (result == NULL)
        return;
    altroot_failures_clear(&result->failures);
    altroot_certs_free(result->path);
    *result = (altroot_chain_result){.anchor_index = -1};
}
