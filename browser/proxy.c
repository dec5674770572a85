/*
 * The loopback CONNECT proxy every load of the web view goes through. For each tunnel WebKit
 * asks for, the proxy itself connects to the device with libaltroot (altroot_connect_session),
 * and only when the verdict on exactly that connection's certificate is `trusted` does it answer
 * "200", terminate WebKit's TLS with a certificate of its own for that host, and relay the bytes
 * of the judged connection (altroot_tls_relay). Any other verdict, a device that cannot be
 * reached, or a request that is not a CONNECT (plain HTTP) gets "403" and nothing else: no byte
 * of that device reaches the web process, so nothing of it is rendered and no script of it runs.
 *
 * The certificate WebKit sees is the browser's own: one fresh P-256 key and self-signed
 * certificate per host, made in this process and never written anywhere, and WebKit is told to
 * accept it for that host only (webkit_web_context_allow_tls_certificate_for_host, with the TLS
 * errors policy FAIL). Only this proxy holds its key, and it presents it only after a `trusted`
 * verdict for that host.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <altroot/fdo_crypto.h>

#include "browser.h"
#include "proxy_request.h"

/* How long the request head of a CONNECT may take to arrive (WebKit sends it at once). */
#define AB_HEAD_TIMEOUT_MS 3000
/* The connect to the device, and its whole handshake, each. */
#define AB_DEVICE_TIMEOUT_MS 10000
/* A tunnel that carries nothing for this long is closed (WebKit opens another when needed). */
#define AB_IDLE_MS 60000
/* Tunnels at once; more are refused with 503 (WebKit opens a few per host). Only a client that
 * presented the proxy's secret holds one. */
#define AB_MAX_TUNNELS 64
/* Connections whose head is still being read, counted apart from tunnels: each is held for at
 * most AB_HEAD_TIMEOUT_MS; more are refused with 503. */
#define AB_MAX_PENDING 256
/* The user name WebKit presents with the secret (Basic, RFC 7617). */
#define AB_PROXY_USER "altroot-browser"
/* Random bytes of the per-run secret, written in hex. */
#define AB_SECRET_BYTES 32
/* How long a tunnel waits for the main thread to tell WebKit about the host's certificate. */
#define AB_GRANT_WAIT_US (2 * G_TIME_SPAN_SECOND)

/* The browser's own certificate for one host. */
typedef struct ab_identity {
    altroot_tls_server *server; /* owned */
    GTlsCertificate *gcert;     /* owned: the same certificate, for WebKit */
    bool granted;               /* WebKit was told to accept it for this host */
} ab_identity;

typedef struct ab_proxy {
    ab_browser *b;
    int listen_fd;
    guint16 port;
    GThread *acceptor;
    gint stop;                            /* (atomic) ab_proxy_stop was called */
    GMutex lock;                          /* guards everything below, and b's store hand-over */
    GCond changed;                        /* a grant was made, or a tunnel ended */
    GHashTable *identity;                 /* host -> ab_identity */
    GHashTable *tunnels;                  /* "host:port" -> ab_tunnel_record, the latest judged */
    GHashTable *trusted;                  /* "host:port" -> altroot_verdict *, the latest relayed */
    GHashTable *live_fds;                 /* the sockets of running tunnels, shut down at exit */
    GPtrArray *log;                       /* every tunnel judged: ab_tunnel_entry, for the report */
    unsigned seq;                         /* tunnels judged so far */
    int live;                             /* connection threads running */
    int pending;                          /* of them, those still reading their head */
    int open;                             /* of them, those holding a tunnel slot */
    char secret[2 * AB_SECRET_BYTES + 1]; /* this run's, for WebKit only */
    char *expected;                       /* owned: "Basic base64(user:secret)" */
} ab_proxy;

typedef struct ab_tunnel {
    ab_proxy *p;
    int fd;
} ab_tunnel;

static void identity_free(gpointer data)
{
    ab_identity *id = data;
    altroot_tls_server_free(id->server);
    g_clear_object(&id->gcert);
    g_free(id);
}

static void record_free(gpointer data)
{
    ab_tunnel_record *r = data;
    altroot_verdict_clear(&r->verdict);
    g_free(r->why);
    g_free(r);
}

static void verdict_free(gpointer data)
{
    altroot_verdict_clear(data);
    g_free(data);
}

static void entry_free(gpointer data)
{
    ab_tunnel_entry *e = data;
    g_free(e->host);
    g_free(e->decision);
    g_free(e->leaf_sha256);
    g_free(e);
}

/* ---- the trust store, shared with the tunnel threads ---- */

/* The store a tunnel judges with; it stays valid until ab_store_release(). */
static const altroot_trust_store *store_take(ab_browser *b)
{
    g_mutex_lock(&b->proxy->lock);
    const altroot_trust_store *s = b->store;
    b->workers++;
    g_mutex_unlock(&b->proxy->lock);
    return s;
}

static void store_release(ab_browser *b)
{
    g_mutex_lock(&b->proxy->lock);
    if (--b->workers == 0 && b->retired != NULL)
        g_ptr_array_set_size(b->retired, 0);
    g_mutex_unlock(&b->proxy->lock);
}

void ab_proxy_replace_store(ab_browser *b, altroot_trust_store *store)
{
    g_mutex_lock(&b->proxy->lock);
    altroot_trust_store *old = b->store;
    b->store = store;
    if (b->workers == 0) {
        altroot_trust_store_free(old);
    } else {
        if (b->retired == NULL)
            b->retired = g_ptr_array_new_with_free_func((GDestroyNotify)altroot_trust_store_free);
        g_ptr_array_add(b->retired, old);
    }
    g_mutex_unlock(&b->proxy->lock);
}

/* ---- the browser's own certificate per host ---- */

static altroot_err identity_make(const char *host, ab_identity **out)
{
    altroot_key *key = NULL;
    altroot_cert *cert = NULL;
    altroot_certs *chain = NULL;
    altroot_bytes pem = ALTROOT_BYTES_INIT;
    ab_identity *id = g_new0(ab_identity, 1);
    bool ip = g_hostname_is_ip_address(host);
    altroot_time now = altroot_time_now();
    altroot_cert_template t = {.common_name = host,
                               .dns_names = ip ? NULL : &host,
                               .dns_count = ip ? 0 : 1,
                               .ip_addrs = ip ? &host : NULL,
                               .ip_count = ip ? 1 : 0,
                               .not_before = now - 3600,
                               .not_after = now + (altroot_time)7 * 86400,
                               .server_auth = true};
    altroot_err err = altroot_key_generate(ALTROOT_KEY_EC_P256, &key);
    if (err == ALTROOT_OK)
        err = altroot_cert_issue(&t, key, NULL, NULL, &cert);
    if (err == ALTROOT_OK)
        err = altroot_certs_new(&chain);
    if (err == ALTROOT_OK)
        err = altroot_certs_push(chain, cert);
    if (err == ALTROOT_OK)
        err = altroot_tls_server_new(chain, key, &id->server);
    if (err == ALTROOT_OK)
        err = altroot_certs_to_pem(chain, &pem);
    if (err == ALTROOT_OK) {
        char *text = g_strndup((const char *)pem.ptr, pem.len);
        id->gcert = g_tls_certificate_new_from_pem(text, -1, NULL);
        g_free(text);
        err = id->gcert != NULL ? ALTROOT_OK : ALTROOT_E_CRYPTO;
    }
    altroot_bytes_clear(&pem);
    altroot_certs_free(chain);
    altroot_cert_free(cert);
    altroot_key_free(key);
    if (err != ALTROOT_OK) {
        identity_free(id);
        return err;
    }
    *out = id;
    return ALTROOT_OK;
}

/* The identity for `host`, made on first use; borrowed until ab_proxy_stop. Lock held. */
static ab_identity *identity_get(ab_proxy *p, const char *host)
{
    ab_identity *id = g_hash_table_lookup(p->identity, host);
    if (id != NULL)
        return id;
    altroot_err err = identity_make(host, &id);
    if (err != ALTROOT_OK) {
        g_printerr("altroot-browser: %s: no certificate for the proxy: %s (%s)\n", host,
                   altroot_strerror(err), altroot_error_name(err));
        return NULL;
    }
    g_hash_table_insert(p->identity, g_strdup(host), id);
    return id;
}

bool ab_proxy_grant(ab_browser *b, const char *host)
{
    ab_proxy *p = b->proxy;
    g_mutex_lock(&p->lock);
    ab_identity *id = identity_get(p, host);
    GTlsCertificate *gcert = id != NULL ? g_object_ref(id->gcert) : NULL;
    g_mutex_unlock(&p->lock);
    if (gcert == NULL)
        return false;
    webkit_web_context_allow_tls_certificate_for_host(b->context, gcert, host);
    g_object_unref(gcert);
    g_mutex_lock(&p->lock);
    id->granted = true;
    g_cond_broadcast(&p->changed);
    g_mutex_unlock(&p->lock);
    return true;
}

typedef struct ab_grant {
    ab_browser *b;
    char *host;
} ab_grant;

static gboolean grant_in_main(gpointer data)
{
    ab_grant *g = data;
    if (!ab_proxy_grant(g->b, g->host))
        g_debug("%s: not granted", g->host);
    g_free(g->host);
    g_free(g);
    return G_SOURCE_REMOVE;
}

/* From a tunnel thread: the identity for `host`, once WebKit was told to accept it (the main
 * thread does that); NULL when that did not happen in time. */
static ab_identity *identity_granted(ab_proxy *p, const char *host)
{
    g_mutex_lock(&p->lock);
    ab_identity *id = identity_get(p, host);
    if (id != NULL && !id->granted) {
        ab_grant *g = g_new0(ab_grant, 1);
        g->b = p->b;
        g->host = g_strdup(host);
        g_main_context_invoke(NULL, grant_in_main, g);
        gint64 deadline = g_get_monotonic_time() + AB_GRANT_WAIT_US;
        while (!id->granted && g_cond_wait_until(&p->changed, &p->lock, deadline))
            ;
    }
    ab_identity *ready = id != NULL && id->granted ? id : NULL;
    g_mutex_unlock(&p->lock);
    return ready;
}

bool ab_proxy_is_own_certificate(ab_browser *b, const char *host, GTlsCertificate *cert)
{
    g_mutex_lock(&b->proxy->lock);
    ab_identity *id = g_hash_table_lookup(b->proxy->identity, host);
    bool same = id != NULL && cert != NULL && g_tls_certificate_is_same(id->gcert, cert);
    g_mutex_unlock(&b->proxy->lock);
    return same;
}

/* ---- what the tunnels found, for the main thread ---- */

static char *tunnel_key(const char *host, int port)
{
    return g_strdup_printf("%s:%d", host, port);
}

/* Record a judged tunnel; `v` is moved. Lock not held. */
static void record(ab_proxy *p, const altroot_url *u, altroot_verdict *v, bool judged, bool relayed,
                   const char *why)
{
    ab_tunnel_record *r = g_new0(ab_tunnel_record, 1);
    ab_tunnel_entry *e = g_new0(ab_tunnel_entry, 1);
    e->host = g_strdup(u->host);
    e->port = u->port;
    e->decision = g_strdup(judged ? altroot_decision_name(v->decision) : "unreachable");
    e->leaf_sha256 = judged && v->leaf.sha256[0] != '\0' ? g_strdup(v->leaf.sha256) : NULL;
    e->relayed = relayed;
    r->relayed = relayed;
    r->has_verdict = judged;
    r->why = g_strdup(why);
    r->verdict = *v;
    altroot_verdict_init(v);
    altroot_verdict *copy = NULL;
    if (relayed) {
        copy = g_new0(altroot_verdict, 1);
        altroot_verdict_init(copy);
        if (altroot_verdict_copy(copy, &r->verdict) != ALTROOT_OK)
            g_clear_pointer(&copy, verdict_free);
    }
    g_mutex_lock(&p->lock);
    r->seq = ++p->seq;
    g_hash_table_replace(p->tunnels, tunnel_key(u->host, u->port), r);
    if (copy != NULL)
        g_hash_table_replace(p->trusted, tunnel_key(u->host, u->port), copy);
    g_ptr_array_add(p->log, e);
    g_mutex_unlock(&p->lock);
}

unsigned ab_proxy_seq(ab_browser *b)
{
    g_mutex_lock(&b->proxy->lock);
    unsigned seq = b->proxy->seq;
    g_mutex_unlock(&b->proxy->lock);
    return seq;
}

ab_tunnel_state ab_proxy_latest(ab_browser *b, const char *host, int port, unsigned after,
                                altroot_verdict *out, char **why)
{
    char *key = tunnel_key(host, port);
    g_mutex_lock(&b->proxy->lock);
    const ab_tunnel_record *r = g_hash_table_lookup(b->proxy->tunnels, key);
    ab_tunnel_state state = AB_TUNNEL_NONE;
    if (r == NULL || r->seq <= after)
        state = AB_TUNNEL_NONE;
    else if (r->relayed)
        state = AB_TUNNEL_RELAYED;
    else if (!r->has_verdict)
        state = AB_TUNNEL_UNREACHABLE;
    else
        state = altroot_verdict_copy(out, &r->verdict) == ALTROOT_OK ? AB_TUNNEL_REFUSED
                                                                     : AB_TUNNEL_NONE;
    if (state == AB_TUNNEL_UNREACHABLE)
        *why = g_strdup(r->why);
    g_mutex_unlock(&b->proxy->lock);
    g_free(key);
    return state;
}

bool ab_proxy_relayed(ab_browser *b, const char *host, int port, altroot_verdict *out)
{
    char *key = tunnel_key(host, port);
    g_mutex_lock(&b->proxy->lock);
    const altroot_verdict *v = g_hash_table_lookup(b->proxy->trusted, key);
    bool found = v != NULL && altroot_verdict_copy(out, v) == ALTROOT_OK;
    g_mutex_unlock(&b->proxy->lock);
    g_free(key);
    return found;
}

json_t *ab_proxy_report(const ab_browser *b)
{
    json_t *list = json_array();
    g_mutex_lock(&b->proxy->lock);
    for (guint i = 0; i < b->proxy->log->len; i++) {
        const ab_tunnel_entry *e = g_ptr_array_index(b->proxy->log, i);
        json_array_append_new(list, json_pack("{s:s, s:i, s:s, s:s?, s:b}", "host", e->host, "port",
                                              e->port, "decision", e->decision, "leaf_sha256",
                                              e->leaf_sha256, "relayed", e->relayed));
    }
    g_mutex_unlock(&b->proxy->lock);
    return list;
}

/* ---- one tunnel ---- */

static bool send_all(int fd, const char *text)
{
    size_t len = strlen(text), off = 0;
    while (off < len) {
        ssize_t n = send(fd, text + off, len - off, MSG_NOSIGNAL);
        if (n <= 0)
            return false;
        off += (size_t)n;
    }
    return true;
}

/* The request head, a byte at a time so that nothing after it is consumed, until the proxy can
 * answer it (ab_connect_request_ended); false on a time-out or a close before that. */
static bool read_head(int fd, uint8_t head[AB_CONNECT_HEAD_MAX], size_t *len)
{
    size_t n = 0;
    gint64 deadline = g_get_monotonic_time() + AB_HEAD_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;
    while (!ab_connect_request_ended((altroot_span){head, n})) {
        gint64 left = (deadline - g_get_monotonic_time()) / G_TIME_SPAN_MILLISECOND;
        struct pollfd pf = {.fd = fd, .events = POLLIN};
        if (n >= AB_CONNECT_HEAD_MAX || left <= 0 || poll(&pf, 1, (int)left) <= 0 ||
            recv(fd, head + n, 1, 0) != 1)
            return false;
        n++;
    }
    *len = n;
    return true;
}

/* The answer to a head the proxy refuses (ab_connect_request_parse's status). */
static const char *refusal(int status)
{
    switch (status) {
    case 403:
        return "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    case 431:
        return "HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Length: 0\r\n"
               "Connection: close\r\n\r\n";
    case 503:
        return "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    case 505:
        return "HTTP/1.1 505 HTTP Version Not Supported\r\nContent-Length: 0\r\n"
               "Connection: close\r\n\r\n";
    default:
        return "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    }
}

/* Judge the device the tunnel asks for over the proxy's own connection to it, and relay only a
 * `trusted` one. */
static void tunnel_judge(ab_proxy *p, int fd, const char *url)
{
    altroot_url u = {0};
    if (altroot_url_parse(url, &u) != ALTROOT_OK) {
        (void)send_all(fd, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
        return;
    }
    ab_browser *b = p->b;
    const altroot_trust_store *store = store_take(b);
    altroot_connect_options o = {
        .store = store, .at = ab_tls_time(b), .timeout_ms = AB_DEVICE_TIMEOUT_MS};
    altroot_verdict v;
    altroot_verdict_init(&v);
    altroot_tls *device = NULL;
    int device_fd = -1;
    altroot_err err = altroot_connect_session(url, &o, &v, &device, &device_fd);
    const altroot_strlist *w = altroot_trust_store_warnings(store);
    for (size_t i = 0; i < w->count && err == ALTROOT_OK; i++)
        err = altroot_strlist_add(&v.warnings, w->items[i]);
    store_release(b);
    bool trusted = err == ALTROOT_OK && device != NULL && v.decision == ALTROOT_DECISION_TRUSTED;
    ab_identity *id = trusted ? identity_granted(p, u.host) : NULL;
    char *why = err == ALTROOT_OK
                    ? NULL
                    : g_strdup_printf("%s (%s)", altroot_strerror(err), altroot_error_name(err));
    g_debug("tunnel %s: %s%s", url, err == ALTROOT_OK ? altroot_decision_name(v.decision) : why,
            trusted && id == NULL ? ", but WebKit was not told to accept the proxy" : "");
    record(p, &u, &v, err == ALTROOT_OK, id != NULL, why);
    g_free(why);
    altroot_tls *front = NULL;
    if (id == NULL) {
        (void)send_all(fd, "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n"
                           "Connection: close\r\n\r\n");
    } else if (send_all(fd, "HTTP/1.1 200 Connection established\r\n\r\n") &&
               altroot_tls_accept(id->server, fd, AB_DEVICE_TIMEOUT_MS, &front) == ALTROOT_OK) {
        err = altroot_tls_relay(front, device, AB_IDLE_MS);
        g_debug("tunnel %s ended: %s", url, altroot_error_name(err));
    }
    altroot_tls_free(front);
    altroot_tls_free(device);
    if (device_fd >= 0)
        close(device_fd);
    altroot_url_clear(&u);
}

static void live_fd(ab_proxy *p, int fd, bool add)
{
    g_mutex_lock(&p->lock);
    if (add)
        g_hash_table_add(p->live_fds, GINT_TO_POINTER(fd));
    else
        g_hash_table_remove(p->live_fds, GINT_TO_POINTER(fd));
    g_mutex_unlock(&p->lock);
}

/* The head is done with: the connection leaves the pending count, and takes a tunnel slot if
 * `tunnel` and one is free. */
static bool leave_pending(ab_proxy *p, bool tunnel)
{
    g_mutex_lock(&p->lock);
    p->pending--;
    bool room = tunnel && p->open < AB_MAX_TUNNELS;
    if (room)
        p->open++;
    g_mutex_unlock(&p->lock);
    return room;
}

static const char proxy_auth_required[] =
    "HTTP/1.1 407 Proxy Authentication Required\r\n"
    "Proxy-Authenticate: Basic realm=\"altroot-browser\"\r\nContent-Length: 0\r\n"
    "Connection: close\r\n\r\n";

/* Read and check the head; true when it is an authenticated CONNECT that holds a tunnel slot
 * now, with its URL in `url`. Otherwise it was answered (nothing judged). */
static bool tunnel_admit(ab_proxy *p, int fd, char url[AB_CONNECT_URL_MAX])
{
    uint8_t head[AB_CONNECT_HEAD_MAX];
    size_t len = 0;
    ab_connect_request req;
    const char *answer = NULL;
    if (!read_head(fd, head, &len))
        answer = "HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    else if (ab_connect_request_parse((altroot_span){head, len}, &req) != ALTROOT_OK)
        /* Plain HTTP through the proxy, or garbage: nothing but tunnels to HTTPS is carried. */
        answer = refusal(req.status);
    else if (!ab_connect_request_authorized(&req, p->expected))
        /* Not the browser's own WebKit: it learns nothing of any device, holds no slot. */
        answer = proxy_auth_required;
    else if (g_atomic_int_get(&p->stop))
        answer = refusal(503);
    else if (!ab_connect_request_url(&req, url, AB_CONNECT_URL_MAX))
        answer = refusal(400);
    if (!leave_pending(p, answer == NULL)) {
        (void)send_all(fd, answer != NULL ? answer : refusal(503));
        return false;
    }
    return true;
}

static gpointer tunnel_run(gpointer data)
{
    ab_tunnel *t = data;
    ab_proxy *p = t->p;
    char url[AB_CONNECT_URL_MAX];
    bool admitted = tunnel_admit(p, t->fd, url);
    if (admitted)
        tunnel_judge(p, t->fd, url);
    live_fd(p, t->fd, false);
    close(t->fd);
    g_free(t);
    g_mutex_lock(&p->lock);
    p->live--;
    if (admitted)
        p->open--;
    g_cond_broadcast(&p->changed);
    g_mutex_unlock(&p->lock);
    return NULL;
}

static void tunnel_start(ab_proxy *p, int fd)
{
    g_mutex_lock(&p->lock);
    bool room = p->pending < AB_MAX_PENDING;
    if (room) {
        p->live++;
        p->pending++;
        g_hash_table_add(p->live_fds, GINT_TO_POINTER(fd));
    }
    g_mutex_unlock(&p->lock);
    if (!room) {
        (void)send_all(fd, refusal(503));
        close(fd);
        return;
    }
    ab_tunnel *t = g_new0(ab_tunnel, 1);
    t->p = p;
    t->fd = fd;
    g_thread_unref(g_thread_new("altroot-tunnel", tunnel_run, t));
}

static gpointer accept_run(gpointer data)
{
    ab_proxy *p = data;
    while (!g_atomic_int_get(&p->stop)) {
        struct pollfd pf = {.fd = p->listen_fd, .events = POLLIN};
        if (poll(&pf, 1, 200) <= 0)
            continue;
        int fd = accept(p->listen_fd, NULL, NULL);
        if (fd >= 0 && fcntl(fd, F_SETFD, FD_CLOEXEC) == 0)
            tunnel_start(p, fd);
        else if (fd >= 0)
            close(fd);
    }
    return NULL;
}

/* ---- start and stop ---- */

static int listen_loopback(guint16 *port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof sa;
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 64) != 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &len) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    *port = ntohs(sa.sin_port);
    return fd;
}

/* A fresh secret for this run, kept in this process and handed only to WebKit. */
static bool make_secret(ab_proxy *p)
{
    uint8_t raw[AB_SECRET_BYTES];
    altroot_err err = altroot_random_bytes(raw, sizeof raw);
    if (err != ALTROOT_OK) {
        g_printerr("altroot-browser: no random secret for the proxy: %s (%s)\n",
                   altroot_strerror(err), altroot_error_name(err));
        return false;
    }
    for (size_t i = 0; i < sizeof raw; i++)
        g_snprintf(p->secret + 2 * i, 3, "%02x", raw[i]);
    char *pair = g_strconcat(AB_PROXY_USER ":", p->secret, NULL);
    char *b64 = g_base64_encode((const guchar *)pair, strlen(pair));
    p->expected = g_strconcat("Basic ", b64, NULL);
    explicit_bzero(raw, sizeof raw);
    g_free(pair);
    g_free(b64);
    return true;
}

bool ab_proxy_start(ab_browser *b)
{
    ab_proxy *p = g_new0(ab_proxy, 1);
    p->b = b;
    if (!make_secret(p)) {
        g_free(p);
        return false;
    }
    p->listen_fd = listen_loopback(&p->port);
    if (p->listen_fd < 0) {
        g_printerr("altroot-browser: cannot listen on loopback for the proxy: %s\n",
                   g_strerror(errno));
        g_free(p->expected);
        g_free(p);
        return false;
    }
    g_mutex_init(&p->lock);
    g_cond_init(&p->changed);
    p->identity = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, identity_free);
    p->tunnels = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, record_free);
    p->trusted = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, verdict_free);
    p->live_fds = g_hash_table_new(g_direct_hash, g_direct_equal);
    p->log = g_ptr_array_new_with_free_func(entry_free);
    b->proxy = p;
    p->acceptor = g_thread_new("altroot-proxy", accept_run, p);
    return true;
}

char *ab_proxy_uri(const ab_browser *b)
{
    return g_strdup_printf("http://127.0.0.1:%u", (unsigned)b->proxy->port);
}

bool ab_proxy_credential(const ab_browser *b, const char *host, guint port, const char **user,
                         const char **secret)
{
    if (b->proxy == NULL || g_strcmp0(host, "127.0.0.1") != 0 || port != b->proxy->port)
        return false;
    *user = AB_PROXY_USER;
    *secret = b->proxy->secret;
    return true;
}

/* At exit: no new tunnels; running ones are cut (their sockets shut down) and waited for, which
 * their device time-outs bound. */
void ab_proxy_stop(ab_browser *b)
{
    ab_proxy *p = b->proxy;
    if (p == NULL)
        return;
    g_atomic_int_set(&p->stop, 1);
    g_thread_join(p->acceptor);
    close(p->listen_fd);
    g_mutex_lock(&p->lock);
    while (p->live > 0) {
        GHashTableIter it;
        gpointer fd;
        g_hash_table_iter_init(&it, p->live_fds);
        while (g_hash_table_iter_next(&it, &fd, NULL))
            (void)shutdown(GPOINTER_TO_INT(fd), SHUT_RDWR);
        (void)g_cond_wait_until(&p->changed, &p->lock,
                                g_get_monotonic_time() + 100 * G_TIME_SPAN_MILLISECOND);
    }
    g_mutex_unlock(&p->lock);
    g_hash_table_destroy(p->identity);
    g_hash_table_destroy(p->tunnels);
    g_hash_table_destroy(p->trusted);
    g_hash_table_destroy(p->live_fds);
    g_ptr_array_free(p->log, TRUE);
    explicit_bzero(p->secret, sizeof p->secret);
    explicit_bzero(p->expected, strlen(p->expected));
    g_free(p->expected);
    if (b->retired != NULL)
        g_ptr_array_free(b->retired, TRUE);
    b->retired = NULL;
    g_mutex_clear(&p->lock);
    g_cond_clear(&p->changed);
    g_free(p);
    b->proxy = NULL;
}
