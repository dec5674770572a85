/*
 * altroot as the chain verifier of other TLS clients: an OpenSSL SSL_CTX hook and a libcurl
 * helper (tls-hooks.md A.1: SSL_CTX_set_cert_verify_callback replaces X509_verify_cert for one
 * handshake; the callback must leave a correct error in the store context).
 */
#include <string.h>

#include <curl/curl.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <altroot/alloc.h>
#include <altroot/tls.h>
#include <altroot/verdict_cache.h>

#include "../crypto/ossl_tls.h"

/* Per SSL_CTX: a copy of the configuration; per SSL: where the verdict goes. */
typedef struct ctx_hook {
    altroot_verifier_config cfg;
    char *host;            /* owned copy of cfg.host */
    altroot_verdict *sink; /* borrowed; set by altroot_curl_install, else NULL */
} ctx_hook;

static int ctx_idx = -1, ssl_idx = -1;
static pthread_once_t idx_once = PTHREAD_ONCE_INIT;

static void free_hook(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl, void *argp)
{
    (void)parent, (void)ad, (void)idx, (void)argl, (void)argp;
    ctx_hook *h = ptr;
    if (h != NULL)
        altroot_free(h->host);
    altroot_free(h);
}

static void free_verdict(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl,
                         void *argp)
{
    (void)parent, (void)ad, (void)idx, (void)argl, (void)argp;
    altroot_verdict_clear(ptr);
    altroot_free(ptr);
}

static void init_idx(void)
{
    ctx_idx = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, free_hook);
    ssl_idx = SSL_get_ex_new_index(0, NULL, NULL, NULL, free_verdict);
}

static altroot_err chain_of(X509_STORE_CTX *sctx, altroot_certs **out)
{
    altroot_certs *l = NULL;
    TRY(altroot_certs_new(&l));
    altroot_err err = ALTROOT_OK;
    X509 *leaf = X509_STORE_CTX_get0_cert(sctx);
    STACK_OF(X509) *rest = X509_STORE_CTX_get0_untrusted(sctx);
    for (int i = -1; err == ALTROOT_OK && i < sk_X509_num(rest); i++) {
        X509 *x = i < 0 ? leaf : sk_X509_value(rest, i);
        if (i >= 0 && X509_cmp(x, leaf) == 0)
            continue; /* the untrusted stack repeats the leaf */
        altroot_cert *c = NULL;
        if (x == NULL || !OSSL_OK(X509_up_ref(x)))
            err = ALTROOT_E_CRYPTO;
        else if ((err = altroot_cert_wrap_x509(x, &c)) == ALTROOT_OK)
            err = altroot_certs_push(l, c);
        altroot_cert_free(c);
    }
    if (err != ALTROOT_OK) {
        altroot_certs_free(l);
        return err;
    }
    *out = l;
    return ALTROOT_OK;
}

/* Judge the chain; keep the verdict on the SSL; let only `trusted` through. */
static int verify_hook(X509_STORE_CTX *sctx, void *arg)
{
    ctx_hook *h = arg;
    SSL *ssl = X509_STORE_CTX_get_ex_data(sctx, SSL_get_ex_data_X509_STORE_CTX_idx());
    altroot_verdict *v = altroot_calloc(1, sizeof *v);
    altroot_certs *chain = NULL;
    int ok = 0;
    if (ssl == NULL || v == NULL) {
        altroot_free(v);
        X509_STORE_CTX_set_error(sctx, X509_V_ERR_OUT_OF_MEM);
        return 0;
    }
    altroot_verdict_init(v);
    const char *host =
        h->host != NULL ? h->host : SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    altroot_time at = h->cfg.at != 0 ? h->cfg.at : altroot_time_now();
    if (chain_of(sctx, &chain) == ALTROOT_OK &&
        altroot_evaluate_chain_cached(h->cfg.cache, chain, host, h->cfg.store, at,
                                      ALTROOT_EVAL_AUTO, v, NULL) == ALTROOT_OK)
        ok = v->decision == ALTROOT_DECISION_TRUSTED;
    altroot_certs_free(chain);
    if (h->sink != NULL) {
        /* The caller's verdict receives this one (moved, not copied). */
        altroot_verdict_clear(h->sink);
        *h->sink = *v;
        altroot_verdict_init(v);
    }
    /* A renegotiation judges again: the verdict of the earlier handshake is replaced. */
    altroot_verdict *earlier = SSL_get_ex_data(ssl, ssl_idx);
    if (OSSL_OK(SSL_set_ex_data(ssl, ssl_idx, v)))
        v = earlier;
    if (v != NULL)
        free_verdict(NULL, v, NULL, 0, 0, NULL);
    X509_STORE_CTX_set_error(sctx, ok ? X509_V_OK : X509_V_ERR_APPLICATION_VERIFICATION);
    return ok;
}

static altroot_err install(SSL_CTX *ctx, const altroot_verifier_config *cfg, altroot_verdict *sink)
{
    ENSURE(ctx != NULL && cfg != NULL && cfg->store != NULL, ALTROOT_E_INTERNAL);
    ENSURE(pthread_once(&idx_once, init_idx) == 0 && ctx_idx >= 0 && ssl_idx >= 0,
           ALTROOT_E_CRYPTO);
    ctx_hook *h = altroot_calloc(1, sizeof *h);
    ENSURE(h != NULL, ALTROOT_E_NOMEM);
    h->cfg = *cfg;
    h->sink = sink;
    if (cfg->host != NULL && (h->host = altroot_strdup(cfg->host)) == NULL) {
        altroot_free(h);
        return ALTROOT_E_NOMEM;
    }
    h->cfg.host = h->host;
    if (!OSSL_OK(SSL_CTX_set_ex_data(ctx, ctx_idx, h))) {
        free_hook(NULL, h, NULL, 0, 0, NULL);
        return ALTROOT_E_CRYPTO;
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    SSL_CTX_set_cert_verify_callback(ctx, verify_hook, h);
    /* A resumed session would carry an earlier verdict without a new judgement. */
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
    return ALTROOT_OK;
}

altroot_err altroot_ssl_ctx_install(struct ssl_ctx_st *ctx, const altroot_verifier_config *cfg)
{
    return install(ctx, cfg, NULL);
}

altroot_err altroot_ssl_take_verdict(struct ssl_st *ssl, altroot_verdict *out)
{
    ENSURE(ssl != NULL && out != NULL, ALTROOT_E_INTERNAL);
    ENSURE(ssl_idx >= 0, ALTROOT_E_NOT_FOUND);
    altroot_verdict *v = SSL_get_ex_data(ssl, ssl_idx);
    ENSURE(v != NULL && v->message != NULL, ALTROOT_E_NOT_FOUND);
    altroot_verdict_clear(out);
    *out = *v;
    altroot_verdict_init(v); /* the SSL keeps an empty verdict, freed with it */
    return ALTROOT_OK;
}

static CURLcode curl_ctx_cb(CURL *curl, void *ssl_ctx, void *userptr)
{
    (void)curl;
    altroot_curl_hook *h = userptr;
    return install(ssl_ctx, &h->cfg, h->verdict) == ALTROOT_OK ? CURLE_OK : CURLE_SSL_CERTPROBLEM;
}

altroot_err altroot_curl_install(void *curl, altroot_curl_hook *hook)
{
    ENSURE(curl != NULL && hook != NULL && hook->cfg.store != NULL && hook->verdict != NULL,
           ALTROOT_E_INTERNAL);
    CURL *c = curl;
    ENSURE(curl_easy_setopt(c, CURLOPT_SSL_CTX_FUNCTION, curl_ctx_cb) == CURLE_OK &&
               curl_easy_setopt(c, CURLOPT_SSL_CTX_DATA, hook) == CURLE_OK &&
               curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L) == CURLE_OK &&
               curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L) == CURLE_OK &&
               curl_easy_setopt(c, CURLOPT_SSL_SESSIONID_CACHE, 0L) == CURLE_OK,
           ALTROOT_E_UNSUPPORTED);
    return ALTROOT_OK;
}
