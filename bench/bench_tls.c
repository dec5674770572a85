/*
 * Client TLS 1.3 handshakes on loopback, one at a time, each on a fresh TCP connection with a
 * fresh SSL (no resumption): handshakes per second and the client thread's CPU per handshake.
 *   - altroot: an OpenSSL client whose chain verification is altroot's (altroot_ssl_ctx_install,
 *     only a `trusted` verdict completes the handshake), and the library's whole client call,
 *     altroot_connect() (its own socket, context and session, then the verdict);
 *   - baseline: the same OpenSSL client with OpenSSL's own verification: an X509_STORE holding
 *     the root, SSL_VERIFY_PEER and a host check.
 * Devices, each served by the library's server API (altroot_tls_accept) on its own thread:
 *   - secondary integration: a self-signed certificate carrying Matter evidence (DAC chain, CD
 *     and binding); the trust store holds the PAA and the CD signer, and the user's pin for
 *     127.0.0.1 (decision rule 5). The baseline doing the same work is an OpenSSL client that
 *     checks the evidence in its verification callback (chain, CD and binding: see
 *     evidence_base); a second one trusts the same certificate as its own anchor;
 *   - primary integration: the Matter NOC -> ICAC -> RCAC chain, name bound by the operational
 *     instance name; the baseline is a P-256 chain of the same length under a local root;
 *   - that same local-root chain judged by altroot (a local-ca anchor): the same bytes on the
 *     wire for both clients.
 * Every client waits for the server's close after its own close_notify, so the server's share of
 * each handshake is inside the timing. Rounds rotate the order of the clients so that the
 * machine's drift reaches all of them. Arguments: [handshakes per round] [rounds]
 * [evidence|chains].
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/cms.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/ssl.h>

#include <altroot/cose.h>

#include <altroot/evidence.h>
#include <altroot/matter.h>
#include <altroot/matter_op.h>
#include <altroot/pin.h>
#include <altroot/tls.h>

#include "bench.h"

#define NOW BENCH_NOW
#define DAY BENCH_DAY
#define IO_TIMEOUT_MS 5000
#define MAX_ROUNDS 101
#define LOOPBACK "127.0.0.1"

static void die(const char *what)
{
    fprintf(stderr, "bench_tls: %s\n", what);
    ERR_print_errors_fp(stderr);
    exit(1);
}

/* ---- the device: one server thread per certificate chain ---- */

typedef struct server {
    altroot_tls_server *tls;
    int fd;
    uint16_t port;
    pthread_t thread;
    atomic_bool stop;
} server;

static void set_io_timeouts(int fd)
{
    struct timeval tv = {IO_TIMEOUT_MS / 1000, 0};
    int one = 1;
    (void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    (void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

/* Handshake, then read until the client's close_notify (or an error) and close. */
static void serve_one(server *s, int fd)
{
    altroot_tls *t = NULL;
    set_io_timeouts(fd);
    if (altroot_tls_accept(s->tls, fd, IO_TIMEOUT_MS, &t) == ALTROOT_OK) {
        char buf[256];
        size_t got = 1;
        while (got > 0 && altroot_tls_read(t, buf, sizeof buf, &got) == ALTROOT_OK)
            ;
        altroot_tls_free(t);
    }
    close(fd);
}

static void *serve_loop(void *arg)
{
    server *s = arg;
    while (!atomic_load(&s->stop)) {
        struct pollfd p = {s->fd, POLLIN, 0};
        if (poll(&p, 1, 100) <= 0)
            continue;
        int fd = accept(s->fd, NULL, NULL);
        if (fd >= 0)
            serve_one(s, fd);
    }
    return NULL;
}

static void server_start(server *s, const altroot_certs *chain, const altroot_key *key)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    memset(s, 0, sizeof *s);
    s->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (!bench_check(altroot_tls_server_new(chain, key, &s->tls), "server") || s->fd < 0 ||
        bind(s->fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(s->fd, 64) != 0 ||
        getsockname(s->fd, (struct sockaddr *)&a, &len) != 0)
        die("cannot start the loopback server");
    s->port = ntohs(a.sin_port);
    if (pthread_create(&s->thread, NULL, serve_loop, s) != 0)
        die("cannot start the server thread");
}

static void server_stop(server *s)
{
    atomic_store(&s->stop, true);
    pthread_join(s->thread, NULL);
    close(s->fd);
    altroot_tls_server_free(s->tls);
}

/* ---- the clients ---- */

typedef struct client {
    SSL_CTX *ctx;
    uint16_t port;
    const char *sni;      /* server name sent, or NULL */
    const char *check_ip; /* the baseline's host check, or NULL */
} client;

static int dial(uint16_t port)
{
    struct sockaddr_in a = {
        .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0)
        die("cannot connect to the loopback server");
    set_io_timeouts(fd);
    return fd;
}

/* Until the peer closes (or the timeout): the server has then finished its part. */
static void drain(int fd)
{
    char buf[512];
    while (read(fd, buf, sizeof buf) > 0)
        ;
}

static void handshake(void *arg)
{
    client *c = arg;
    int fd = dial(c->port);
    SSL *ssl = SSL_new(c->ctx);
    if (ssl == NULL || SSL_set_fd(ssl, fd) != 1)
        die("SSL_new");
    if (c->sni != NULL && SSL_set_tlsext_host_name(ssl, c->sni) != 1)
        die("SNI");
    if (c->check_ip != NULL && X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), c->check_ip) != 1)
        die("host check");
    if (SSL_connect(ssl) != 1 || SSL_get_verify_result(ssl) != X509_V_OK)
        die("handshake refused: the benchmark's fixture is wrong");
    (void)SSL_shutdown(ssl);
    drain(fd);
    SSL_free(ssl);
    close(fd);
}

/* The client settings both sides share: TLS 1.3 only, no session cache, no tickets. */
static SSL_CTX *client_ctx(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (ctx == NULL || SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) != 1 ||
        SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) != 1)
        die("SSL_CTX_new");
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
    return ctx;
}

static SSL_CTX *altroot_client(const altroot_trust_store *store, const char *host,
                               altroot_verdict_cache *cache)
{
    SSL_CTX *ctx = client_ctx();
    altroot_verifier_config cfg = {.store = store, .at = NOW, .host = host, .cache = cache};
    if (!bench_check(altroot_ssl_ctx_install(ctx, &cfg), "verifier"))
        die("altroot_ssl_ctx_install");
    return ctx;
}

/* OpenSSL's own verification against `anchor`, at the fixtures' time. */
static SSL_CTX *openssl_client(const altroot_cert *anchor)
{
    SSL_CTX *ctx = client_ctx();
    X509 *x = bench_to_x509(anchor);
    if (x == NULL || X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx), x) != 1)
        die("X509_STORE_add_cert");
    X509_free(x);
    X509_VERIFY_PARAM_set_time(SSL_CTX_get0_param(ctx), (time_t)NOW);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    return ctx;
}

static int accept_any(X509_STORE_CTX *ctx, void *arg)
{
    (void)ctx;
    (void)arg;
    return 1;
}

/* A client that checks nothing: with SSL_VERIFY_NONE alone OpenSSL still builds and verifies the
 * chain, so the verification callback is replaced too. The handshake alone: the floor of any
 * verifier. */
static SSL_CTX *unverified_client(void)
{
    SSL_CTX *ctx = client_ctx();
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    SSL_CTX_set_cert_verify_callback(ctx, accept_any, NULL);
    return ctx;
}

/* ---- the evidence baseline: an OpenSSL client doing the evidence's checks itself ---- */

/* In its certificate verification callback, from the leaf the server sent: the evidence
 * extension's value (read with altroot_evidence_decode: OpenSSL has no CBOR reader), then with
 * OpenSSL alone the DAC -> PAI -> PAA chain (d2i_X509 of both, X509_verify_cert at the DAC's
 * issuance), the CD's CMS signature by its signer, and the binding: its COSE_Sign1 signature by
 * the DAC's key over the Sig_structure, and its claims (the TLS key's SPKI hash, the name,
 * the times). Not checked: the Matter profile rules, the CD payload and the leaf's own
 * self-signature, which altroot checks as well. */
typedef struct evidence_base {
    X509_STORE *paa; /* the PAA only, at the DAC's issuance */
    X509 *cd_signer;
    ASN1_OBJECT *oid;
} evidence_base;

static X509 *x509_of(altroot_span der)
{
    const unsigned char *p = der.ptr;
    return d2i_X509(NULL, &p, (long)der.len);
}

static bool base_chain(const evidence_base *b, X509 *dac, X509 *pai)
{
    STACK_OF(X509) *untrusted = sk_X509_new_null();
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    bool ok = untrusted != NULL && ctx != NULL && sk_X509_push(untrusted, pai) > 0 &&
              X509_STORE_CTX_init(ctx, b->paa, dac, untrusted) == 1;
    if (ok) {
        X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx), (time_t)(NOW - DAY));
        X509_VERIFY_PARAM_set_flags(X509_STORE_CTX_get0_param(ctx), X509_V_FLAG_X509_STRICT);
        ok = X509_verify_cert(ctx) == 1;
    }
    X509_STORE_CTX_free(ctx);
    sk_X509_free(untrusted);
    return ok;
}

static bool base_cd(const evidence_base *b, altroot_span cd)
{
    BIO *in = BIO_new_mem_buf(cd.ptr, (int)cd.len), *out = BIO_new(BIO_s_mem());
    CMS_ContentInfo *cms = in != NULL ? d2i_CMS_bio(in, NULL) : NULL;
    STACK_OF(X509) *signers = sk_X509_new_null();
    bool ok =
        cms != NULL && out != NULL && signers != NULL && sk_X509_push(signers, b->cd_signer) > 0 &&
        CMS_verify(cms, signers, NULL, NULL, out, CMS_NO_SIGNER_CERT_VERIFY | CMS_BINARY) == 1;
    sk_X509_free(signers);
    CMS_ContentInfo_free(cms);
    BIO_free(out);
    BIO_free(in);
    return ok;
}

/* ECDSA raw r||s (COSE) as DER, for EVP_DigestVerify. */
static int raw_sig_der(altroot_span raw, unsigned char **der)
{
    ECDSA_SIG *sig = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(raw.ptr, (int)raw.len / 2, NULL);
    BIGNUM *s = BN_bin2bn(raw.ptr + raw.len / 2, (int)raw.len / 2, NULL);
    int len = -1;
    if (sig != NULL && r != NULL && s != NULL && ECDSA_SIG_set0(sig, r, s) == 1) {
        r = s = NULL;
        len = i2d_ECDSA_SIG(sig, der);
    }
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(sig);
    return len;
}

static bool base_binding_signature(X509 *dac, const altroot_cose_sign1 *msg)
{
    altroot_bytes tbs = ALTROOT_BYTES_INIT;
    unsigned char *der = NULL;
    int der_len = msg->signature.len == 64 ? raw_sig_der(msg->signature, &der) : -1;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    bool ok = der_len > 0 && md != NULL && msg->alg == -7 &&
              altroot_cose_sig_structure(msg->protected_h, (altroot_span){NULL, 0}, msg->payload,
                                         &tbs) == ALTROOT_OK &&
              EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, X509_get0_pubkey(dac)) == 1 &&
              EVP_DigestVerify(md, der, (size_t)der_len, tbs.ptr, tbs.len) == 1;
    EVP_MD_CTX_free(md);
    OPENSSL_free(der);
    altroot_bytes_clear(&tbs);
    return ok;
}

/* The claims: the TLS key's SPKI hash, the name asked for, issued before now, not expired. */
static bool base_claims(X509 *leaf, altroot_span payload)
{
    altroot_evidence_claims c;
    unsigned char *spki = NULL, kid[32];
    int n = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(leaf), &spki);
    bool ok = n > 0 && SHA256(spki, (size_t)n, kid) != NULL &&
              altroot_evidence_claims_decode(payload, ALTROOT_EVIDENCE_MATTER, &c) == ALTROOT_OK &&
              memcmp(c.kid, kid, sizeof kid) == 0 && c.iat <= NOW && (!c.has_exp || c.exp > NOW);
    bool named = false;
    for (size_t i = 0; ok && i < c.name_count; i++)
        named |= c.names[i].len == strlen(LOOPBACK) &&
                 memcmp(c.names[i].ptr, LOOPBACK, c.names[i].len) == 0;
    OPENSSL_free(spki);
    return ok && named;
}

static bool base_evidence(const evidence_base *b, X509 *leaf)
{
    int at = X509_get_ext_by_OBJ(leaf, b->oid, -1);
    ASN1_OCTET_STRING *v = at >= 0 ? X509_EXTENSION_get_data(X509_get_ext(leaf, at)) : NULL;
    altroot_evidence ev;
    altroot_cose_sign1 msg;
    if (v == NULL ||
        altroot_evidence_decode(
            (altroot_span){ASN1_STRING_get0_data(v), (size_t)ASN1_STRING_length(v)}, &ev, NULL,
            0) != ALTROOT_OK ||
        !ev.matter.present || altroot_cose_sign1_decode(ev.matter.binding, &msg) != ALTROOT_OK)
        return false;
    X509 *dac = x509_of(ev.matter.dac), *pai = x509_of(ev.matter.pai);
    bool ok = dac != NULL && pai != NULL && base_chain(b, dac, pai) && base_cd(b, ev.matter.cd) &&
              base_binding_signature(dac, &msg) && base_claims(leaf, msg.payload);
    X509_free(dac);
    X509_free(pai);
    return ok;
}

static int evidence_verify_cb(X509_STORE_CTX *ctx, void *arg)
{
    X509 *leaf = X509_STORE_CTX_get0_cert(ctx);
    bool ok = leaf != NULL && X509_check_ip_asc(leaf, LOOPBACK, 0) == 1 && base_evidence(arg, leaf);
    X509_STORE_CTX_set_error(ctx, ok ? X509_V_OK : X509_V_ERR_APPLICATION_VERIFICATION);
    return ok ? 1 : 0;
}

static SSL_CTX *evidence_client(evidence_base *b, const altroot_matter_minted *m)
{
    SSL_CTX *ctx = client_ctx();
    X509 *paa = bench_to_x509(m->paa);
    b->paa = X509_STORE_new();
    b->cd_signer = bench_to_x509(m->cd_signer);
    b->oid = OBJ_txt2obj(ALTROOT_OID_EVIDENCE, 1);
    if (paa == NULL || b->paa == NULL || X509_STORE_add_cert(b->paa, paa) != 1 ||
        b->cd_signer == NULL || b->oid == NULL)
        die("evidence baseline");
    X509_free(paa);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    SSL_CTX_set_cert_verify_callback(ctx, evidence_verify_cb, b);
    return ctx;
}

static void evidence_base_free(evidence_base *b)
{
    X509_STORE_free(b->paa);
    X509_free(b->cd_signer);
    ASN1_OBJECT_free(b->oid);
}

typedef struct connect_call {
    char url[160];
    altroot_connect_options o;
} connect_call;

static void connect_once(void *arg)
{
    connect_call *c = arg;
    altroot_verdict v;
    altroot_verdict_init(&v);
    if (altroot_connect(c->url, &c->o, &v) != ALTROOT_OK || v.decision != ALTROOT_DECISION_TRUSTED)
        die("altroot_connect did not trust the device: the benchmark's fixture is wrong");
    altroot_verdict_clear(&v);
}

static void connect_call_make(connect_call *c, const char *host, uint16_t port,
                              const altroot_trust_store *store)
{
    snprintf(c->url, sizeof c->url, "https://%s:%u/", host, (unsigned)port);
    c->o = (altroot_connect_options){
        .store = store, .at = NOW, .timeout_ms = IO_TIMEOUT_MS, .connect_to = LOOPBACK};
}

/* ---- timing: rounds that rotate the order of the clients ---- */

typedef struct side {
    const char *name;
    bench_fn fn;
    void *arg;
    double wall[MAX_ROUNDS], cpu[MAX_ROUNDS]; /* per handshake, microseconds */
    bench_stat wall_stat, cpu_stat;
} side;

static void one_round(side *s, int iters, int r)
{
    double w0 = bench_clock_us(CLOCK_MONOTONIC), c0 = bench_clock_us(CLOCK_THREAD_CPUTIME_ID);
    for (int i = 0; i < iters; i++)
        s->fn(s->arg);
    s->wall[r] = (bench_clock_us(CLOCK_MONOTONIC) - w0) / iters;
    s->cpu[r] = (bench_clock_us(CLOCK_THREAD_CPUTIME_ID) - c0) / iters;
}

static void run_group(side *sides, int n, int iters, int rounds)
{
    for (int k = 0; k < n; k++)
        sides[k].fn(sides[k].arg); /* lazy initialisation outside the timing */
    for (int r = 0; r < rounds; r++)
        for (int k = 0; k < n; k++)
            one_round(&sides[(r + k) % n], iters, r);
    for (int k = 0; k < n; k++) {
        sides[k].wall_stat = bench_stat_of(sides[k].wall, rounds);
        sides[k].cpu_stat = bench_stat_of(sides[k].cpu, rounds);
    }
}

static void report(const side *ours, const side *base, bool cpu)
{
    if (cpu)
        bench_report(ours->name, ours->cpu_stat, base->name, base->cpu_stat);
    else
        bench_report_rate(ours->name, ours->wall_stat, base->name, base->wall_stat);
}

/* ---- fixtures ---- */

static altroot_trust_store *empty_store(const char *dir)
{
    altroot_trust_options o = {dir, ""};
    altroot_trust_store *s = NULL;
    return bench_check(altroot_trust_store_load(&o, &s), "store") ? s : NULL;
}

static void add_anchor(altroot_trust_store *s, altroot_anchor_kind kind, altroot_span der)
{
    if (s == NULL || !bench_check(altroot_trust_store_add(s, kind, "bench", der), "anchor"))
        die("trust store");
}

typedef struct evidence_fx {
    altroot_matter_minted m;
    altroot_certs *chain;
    altroot_key *key;
    altroot_trust_store *store; /* PAA, CD signer and the pin */
    char dir[64], pin_file[4096];
} evidence_fx;

static void evidence_anchors(evidence_fx *f, altroot_trust_store *s)
{
    add_anchor(s, ALTROOT_ANCHOR_MATTER_PAA, altroot_cert_der(f->m.paa));
    add_anchor(s, ALTROOT_ANCHOR_MATTER_CD, altroot_cert_der(f->m.cd_signer));
}

static void remove_pin_dir(const evidence_fx *f)
{
    char pins[96];
    snprintf(pins, sizeof pins, "%s/pins", f->dir);
    (void)unlink(f->pin_file);
    (void)rmdir(pins);
    (void)rmdir(f->dir);
}

/* What the user does once at onboarding: look at the attested device and pin it to the name. */
static void evidence_pin(evidence_fx *f)
{
    altroot_trust_store *plain = empty_store(NULL);
    evidence_anchors(f, plain);
    altroot_verdict v;
    altroot_pin pin = {0};
    altroot_verdict_init(&v);
    snprintf(f->dir, sizeof f->dir, "/tmp/altroot-bench-XXXXXX");
    if (mkdtemp(f->dir) == NULL ||
        !bench_check(altroot_evaluate_chain(f->chain, LOOPBACK, plain, NOW, &v), "verdict") ||
        !bench_check(altroot_pin_from_verdict(&v, LOOPBACK, NOW, &pin), "pin") ||
        !bench_check(altroot_pin_save(f->dir, &pin, NULL, f->pin_file, sizeof f->pin_file),
                     "pin save"))
        die("cannot pin the evidence device");
    altroot_pin_clear(&pin);
    altroot_verdict_clear(&v);
    altroot_trust_store_free(plain);
    f->store = empty_store(f->dir);
    evidence_anchors(f, f->store);
    remove_pin_dir(f); /* the store has read it */
}

static void evidence_make(evidence_fx *f)
{
    memset(f, 0, sizeof *f);
    const char *names[] = {LOOPBACK};
    if (!bench_check(altroot_matter_mint(0xFFF1, 0x8000, NOW, ALTROOT_MATTER_FAULT_NONE, &f->m),
                     "matter"))
        die("altroot_matter_mint");
    altroot_device_creds c = {.matter_dac_key = f->m.dac_key,
                              .matter_dac = altroot_cert_der(f->m.dac),
                              .matter_pai = altroot_cert_der(f->m.pai),
                              .matter_cd = altroot_bytes_span(&f->m.cd)};
    altroot_device_cert_params p = {.names = names,
                                    .name_count = 1,
                                    .not_before = NOW - DAY,
                                    .not_after = NOW + 365 * (altroot_time)DAY,
                                    .iat = NOW - 60};
    if (!bench_check(altroot_device_cert_build(&c, &p, &f->chain, &f->key), "device"))
        die("altroot_device_cert_build");
    evidence_pin(f);
}

static void evidence_free(evidence_fx *f)
{
    altroot_trust_store_free(f->store);
    altroot_certs_free(f->chain);
    altroot_key_free(f->key);
    altroot_matter_minted_clear(&f->m);
}

typedef struct noc_fx {
    altroot_matter_op_fabric fab;
    altroot_certs *chain; /* NOC, ICAC, RCAC */
    altroot_cert *rcac;
    altroot_trust_store *store;
    char host[ALTROOT_MATTER_OP_NAME_LEN + 8]; /* the operational instance name, .local */
} noc_fx;

static void noc_host(noc_fx *f)
{
    altroot_matter_op_input in = {.noc = altroot_bytes_span(&f->fab.noc_tlv),
                                  .icac = altroot_bytes_span(&f->fab.icac_tlv),
                                  .rcac = altroot_bytes_span(&f->fab.rcac_tlv),
                                  .store = f->store,
                                  .at = NOW};
    altroot_matter_op_result r;
    if (!bench_check(altroot_matter_op_chain_verify(&in, &r), "noc") || !r.verified)
        die("the NOC chain does not verify");
    snprintf(f->host, sizeof f->host, "%s.local", r.instance_name);
    altroot_matter_op_result_clear(&r);
}

static void noc_make(noc_fx *f)
{
    memset(f, 0, sizeof *f);
    altroot_matter_op_mint_params p = {.fabric_id = 0xFAB000000000001DULL,
                                       .node_id = 0xDEDEDEDE00010001ULL,
                                       .rcac_id = 0xCACACACA00000001ULL,
                                       .icac_id = 0xCACACACA00000002ULL,
                                       .with_icac = true,
                                       .not_before = NOW - DAY,
                                       .not_after = NOW + 3650 * (altroot_time)DAY};
    if (!bench_check(altroot_matter_op_fabric_mint(&p, &f->fab), "fabric") ||
        !bench_check(altroot_certs_new(&f->chain), "chain") ||
        !bench_check(altroot_matter_op_chain_der(altroot_bytes_span(&f->fab.noc_tlv),
                                                 altroot_bytes_span(&f->fab.icac_tlv),
                                                 altroot_bytes_span(&f->fab.rcac_tlv), f->chain),
                     "chain der") ||
        !bench_check(altroot_cert_from_der(altroot_bytes_span(&f->fab.rcac_der), &f->rcac), "rcac"))
        die("NOC chain");
    f->store = empty_store(NULL);
    add_anchor(f->store, ALTROOT_ANCHOR_MATTER_FABRIC, altroot_cert_der(f->rcac));
    noc_host(f);
}

static void noc_free(noc_fx *f)
{
    altroot_trust_store_free(f->store);
    altroot_cert_free(f->rcac);
    altroot_certs_free(f->chain);
    altroot_matter_op_fabric_clear(&f->fab);
}

/* leaf (IP SAN 127.0.0.1) -> intermediate -> root, all P-256; the root is a local-ca anchor. */
typedef struct local_fx {
    altroot_key *root_key, *ca_key, *leaf_key;
    altroot_cert *root, *ca, *leaf;
    altroot_certs *chain;
    altroot_trust_store *store;
} local_fx;

static altroot_cert *issue(const char *cn, bool ca, const altroot_key *key,
                           const altroot_cert *issuer, const altroot_key *issuer_key)
{
    const char *ips[] = {LOOPBACK};
    altroot_cert_template t = {.common_name = cn,
                               .ip_addrs = ca ? NULL : ips,
                               .ip_count = ca ? 0 : 1,
                               .not_before = NOW - DAY,
                               .not_after = NOW + 365 * (altroot_time)DAY,
                               .is_ca = ca,
                               .path_len = ca ? 1 : -1,
                               .server_auth = !ca};
    altroot_cert *c = NULL;
    if (!bench_check(altroot_cert_issue(&t, key, issuer, issuer_key, &c), cn))
        die("altroot_cert_issue");
    return c;
}

static void local_make(local_fx *f)
{
    memset(f, 0, sizeof *f);
    if (!bench_check(altroot_key_generate(ALTROOT_KEY_EC_P256, &f->root_key), "key") ||
        !bench_check(altroot_key_generate(ALTROOT_KEY_EC_P256, &f->ca_key), "key") ||
        !bench_check(altroot_key_generate(ALTROOT_KEY_EC_P256, &f->leaf_key), "key"))
        die("altroot_key_generate");
    f->root = issue("Bench Local Root", true, f->root_key, NULL, NULL);
    f->ca = issue("Bench Local CA", true, f->ca_key, f->root, f->root_key);
    f->leaf = issue("Bench Device", false, f->leaf_key, f->ca, f->ca_key);
    if (!bench_check(altroot_certs_new(&f->chain), "chain") ||
        !bench_check(altroot_certs_push(f->chain, f->leaf), "push") ||
        !bench_check(altroot_certs_push(f->chain, f->ca), "push") ||
        !bench_check(altroot_certs_push(f->chain, f->root), "push"))
        die("chain");
    f->store = empty_store(NULL);
    add_anchor(f->store, ALTROOT_ANCHOR_LOCAL_CA, altroot_cert_der(f->root));
}

static void local_free(local_fx *f)
{
    altroot_trust_store_free(f->store);
    altroot_certs_free(f->chain);
    altroot_cert_free(f->leaf);
    altroot_cert_free(f->ca);
    altroot_cert_free(f->root);
    altroot_key_free(f->leaf_key);
    altroot_key_free(f->ca_key);
    altroot_key_free(f->root_key);
}

/* ---- the two groups ---- */

static void print_group(const char *title, side *s, int n_ours, const side *base)
{
    bench_rate_header(title, "hs/s");
    for (int k = 0; k < n_ours; k++)
        report(&s[k], base, false);
    bench_header("  the same: client CPU per handshake (thread CPU time, user + system)");
    for (int k = 0; k < n_ours; k++)
        report(&s[k], base, true);
}

static void run_evidence(int iters, int rounds)
{
    evidence_fx f;
    server srv;
    evidence_make(&f);
    server_start(&srv, f.chain, f.key);
    altroot_verdict_cache *cache = NULL;
    if (!bench_check(altroot_verdict_cache_new(16, 0, &cache), "cache"))
        die("altroot_verdict_cache_new");
    client hook = {altroot_client(f.store, LOOPBACK, NULL), srv.port, NULL, NULL};
    client cached = {altroot_client(f.store, LOOPBACK, cache), srv.port, NULL, NULL};
    client base = {openssl_client(altroot_certs_get(f.chain, 0)), srv.port, NULL, LOOPBACK};
    client none = {unverified_client(), srv.port, NULL, NULL};
    evidence_base eb;
    client same = {evidence_client(&eb, &f.m), srv.port, NULL, NULL};
    connect_call call;
    connect_call_make(&call, LOOPBACK, srv.port, f.store);
    side s[] = {
        {.name = "evidence (Matter, pinned): SSL_CTX hook", .fn = handshake, .arg = &hook},
        {.name = "evidence (Matter, pinned): altroot_connect", .fn = connect_once, .arg = &call},
        {.name = "evidence: hook, repeat (verdict cache)", .fn = handshake, .arg = &cached},
        {.name = "OpenSSL, same cert as its anchor", .fn = handshake, .arg = &base},
        {.name = "OpenSSL, no verification", .fn = handshake, .arg = &none},
        {.name = "OpenSSL checking the evidence itself", .fn = handshake, .arg = &same}};
    run_group(s, 6, iters, rounds);
    print_group("TLS 1.3 client handshakes, secondary: self-signed leaf with Matter evidence", s, 2,
                &s[5]);
    bench_header("  the same, against OpenSSL trusting that certificate as its anchor (no evidence "
                 "checked: no signature)");
    report(&s[0], &s[3], true);
    report(&s[1], &s[3], true);
    bench_header("  repeat connections to a known device: client CPU, cached against first and "
                 "against no verification at all");
    report(&s[2], &s[0], true);
    report(&s[2], &s[4], true);
    altroot_verdict_cache_free(cache);
    SSL_CTX_free(same.ctx);
    evidence_base_free(&eb);
    SSL_CTX_free(none.ctx);
    SSL_CTX_free(cached.ctx);
    SSL_CTX_free(hook.ctx);
    SSL_CTX_free(base.ctx);
    server_stop(&srv);
    evidence_free(&f);
}

static void run_chains(int iters, int rounds)
{
    noc_fx n;
    local_fx l;
    server noc_srv, local_srv;
    noc_make(&n);
    local_make(&l);
    server_start(&noc_srv, n.chain, n.fab.noc_key);
    server_start(&local_srv, l.chain, l.leaf_key);
    client noc_hook = {altroot_client(n.store, n.host, NULL), noc_srv.port, n.host, NULL};
    client local_hook = {altroot_client(l.store, LOOPBACK, NULL), local_srv.port, NULL, NULL};
    client base = {openssl_client(l.root), local_srv.port, NULL, LOOPBACK};
    connect_call call;
    connect_call_make(&call, n.host, noc_srv.port, n.store);
    side s[] = {{.name = "NOC chain (primary): SSL_CTX hook", .fn = handshake, .arg = &noc_hook},
                {.name = "NOC chain (primary): altroot_connect", .fn = connect_once, .arg = &call},
                {.name = "local-ca chain of 3: SSL_CTX hook", .fn = handshake, .arg = &local_hook},
                {.name = "OpenSSL, local-ca chain of 3", .fn = handshake, .arg = &base}};
    run_group(s, 4, iters, rounds);
    print_group("TLS 1.3 client handshakes, chains of 3 (leaf, intermediate, root)", s, 3, &s[3]);
    SSL_CTX_free(noc_hook.ctx);
    SSL_CTX_free(local_hook.ctx);
    SSL_CTX_free(base.ctx);
    server_stop(&noc_srv);
    server_stop(&local_srv);
    noc_free(&n);
    local_free(&l);
}

int main(int argc, char **argv)
{
    int iters = bench_arg(argc, argv, 1, 40), rounds = bench_arg(argc, argv, 2, 11);
    if (rounds > MAX_ROUNDS)
        rounds = MAX_ROUNDS;
    const char *only = argc > 3 ? argv[3] : ""; /* "evidence" or "chains": one group */
    (void)signal(SIGPIPE, SIG_IGN);
    if (only[0] == '\0' || strcmp(only, "evidence") == 0)
        run_evidence(iters, rounds);
    if (only[0] == '\0' || strcmp(only, "chains") == 0)
        run_chains(iters, rounds);
    return 0;
}
