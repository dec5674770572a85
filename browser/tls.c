/*
 * The TLS decision. WebKit fails every load whose certificate it does not trust itself
 * (WEBKIT_TLS_ERRORS_POLICY_FAIL); we then judge the presented chain with libaltroot and the
 * user's anchors, and only for a `trusted` verdict allow exactly that leaf for that host and
 * reload (primary integration). Every HTTPS page that does load, also one WebKit trusted on its
 * own, is judged again from webkit_web_view_get_tls_info() and shown (secondary integration).
 *
 * When WebKit's TLS library fails the handshake itself, no certificate reaches us: GnuTLS, for
 * one, refuses any certificate with an OID arc of 2^64 or more, which the evidence extension has
 * (docs/evidence.md, "Interoperability"). The browser then judges the device over its own
 * connection (altroot_connect, in a worker thread) with the same anchors, time and host, and
 * shows that verdict. Nothing from that connection but the verdict is shown: the site itself is
 * never loaded over it, so a device trusted that way is still blocked, with the reason.
 */
#include <string.h>

#include "browser.h"

/* Certificates followed from the leaf through g_tls_certificate_get_issuer(); a server that
 * sends more is refused (E_CHAIN_LENGTH) rather than looped over. */
#define AB_MAX_CHAIN 16
/* Automatic reloads after granting exceptions, per page opened: a server that rotates trusted
 * certificates on every connection cannot make the browser reload forever. */
#define AB_MAX_RELOADS 4
/* Pause before retrying a load WebKit failed with a leaf we had already allowed, per load. */
#define AB_RETRY_DELAY_MS 150
/* Connect and handshake, each, of the browser's own connection to a device. */
#define AB_JUDGE_TIMEOUT_MS 10000

altroot_time ab_tls_time(const ab_browser *b)
{
    return b->opt.at_given ? b->opt.at : altroot_time_now();
}

static altroot_err push_der(altroot_certs *chain, GTlsCertificate *c)
{
    GByteArray *der = NULL;
    g_object_get(c, "certificate", &der, NULL);
    if (der == NULL)
        return ALTROOT_E_CERT_PARSE;
    altroot_cert *cert = NULL;
    altroot_err err = altroot_cert_from_der((altroot_span){der->data, der->len}, &cert);
    g_byte_array_unref(der);
    if (err != ALTROOT_OK)
        return err;
    err = altroot_certs_push(chain, cert);
    altroot_cert_free(cert);
    return err;
}

/* The chain as the server sent it, leaf first (glib-networking links the issuers it sent). */
static altroot_err chain_from_gtls(GTlsCertificate *leaf, altroot_certs **out)
{
    altroot_certs *chain = NULL;
    altroot_err err = altroot_certs_new(&chain);
    if (err != ALTROOT_OK)
        return err;
    size_t depth = 0;
    for (GTlsCertificate *c = leaf; c != NULL && err == ALTROOT_OK;
         c = g_tls_certificate_get_issuer(c))
        err = ++depth > AB_MAX_CHAIN ? ALTROOT_E_CHAIN_LENGTH : push_der(chain, c);
    if (err != ALTROOT_OK) {
        altroot_certs_free(chain);
        return err;
    }
    *out = chain;
    return ALTROOT_OK;
}

/* Host of a URI as WebKit keys its exceptions: a name, or an IP literal without brackets. */
static char *host_of(const char *uri)
{
    GUri *u = g_uri_parse(uri, G_URI_FLAGS_NONE, NULL);
    if (u == NULL)
        return NULL;
    char *host = g_uri_get_host(u) != NULL ? g_ascii_strdown(g_uri_get_host(u), -1) : NULL;
    g_uri_unref(u);
    return host;
}

static altroot_err add_store_warnings(const ab_browser *b, altroot_verdict *v)
{
    const altroot_strlist *w = altroot_trust_store_warnings(b->store);
    altroot_err err = ALTROOT_OK;
    for (size_t i = 0; i < w->count && err == ALTROOT_OK; i++)
        err = altroot_strlist_add(&v->warnings, w->items[i]);
    return err;
}

/* When the chain cannot be evaluated at all, the verdict still says why: fail closed. */
static void fail_closed(altroot_verdict *v, altroot_err err)
{
    v->decision = ALTROOT_DECISION_UNTRUSTED;
    v->rule = 7;
    if (altroot_set_string(&v->message, "altroot could not evaluate this certificate; the "
                                        "page is blocked.") != ALTROOT_OK ||
        altroot_failures_add(&v->failures, err, "browser", "%s", altroot_strerror(err)) !=
            ALTROOT_OK)
        g_printerr("altroot-browser: out of memory while reporting %s\n", altroot_error_name(err));
}

/* Judge `cert` presented for `uri` into `v` (initialised here; the caller clears it). */
static void evaluate(const ab_browser *b, const char *uri, GTlsCertificate *cert,
                     altroot_verdict *v)
{
    altroot_verdict_init(v);
    char *host = host_of(uri);
    altroot_certs *chain = NULL;
    altroot_err err = host != NULL ? altroot_set_string(&v->target, uri) : ALTROOT_E_URL;
    if (err == ALTROOT_OK)
        err = add_store_warnings(b, v);
    if (err == ALTROOT_OK)
        err = chain_from_gtls(cert, &chain);
    if (err == ALTROOT_OK)
        err = altroot_evaluate_chain(chain, host, b->store, ab_tls_time(b), v);
    if (err != ALTROOT_OK)
        fail_closed(v, err);
    altroot_certs_free(chain);
    g_free(host);
}

static void set_verdict(ab_browser *b, altroot_verdict *v)
{
    g_clear_pointer(&b->engine_error, g_free);
    b->engine_blocked = false;
    altroot_verdict_clear(&b->verdict);
    b->verdict = *v; /* moved: `v` no longer owns its fields */
    altroot_verdict_init(v);
    b->has_verdict = true;
}

/* A verdict for a page that is not HTTPS: nothing protects it. */
static void set_plain_http(ab_browser *b, const char *uri)
{
    altroot_verdict v;
    altroot_verdict_init(&v);
    v.at = ab_tls_time(b);
    v.rule = 7;
    v.cert_class = 0;
    if (altroot_set_string(&v.target, uri) != ALTROOT_OK ||
        altroot_set_string(&v.message, "This page does not use HTTPS: anyone on the network can "
                                       "read or change it.") != ALTROOT_OK ||
        altroot_failures_add(&v.failures, ALTROOT_E_NOT_TLS, "browser", "no TLS") != ALTROOT_OK)
        g_printerr("altroot-browser: out of memory\n");
    set_verdict(b, &v);
}

typedef struct ab_next_load {
    ab_browser *b;
    char *uri;
    ab_page page; /* AB_PAGE_SITE: reload the site; AB_PAGE_BLOCKED: show the error page */
} ab_next_load;

/* Loads start from an idle callback, after WebKit has finished the failed load. */
static gboolean run_next_load(gpointer data)
{
    ab_next_load *n = data;
    if (n->page == AB_PAGE_SITE) {
        n->b->next_page = AB_PAGE_SITE;
        webkit_web_view_load_uri(n->b->view, n->uri);
    } else {
        ab_page_show_blocked(n->b, n->uri);
    }
    g_free(n->uri);
    g_free(n);
    return G_SOURCE_REMOVE;
}

static void schedule(ab_browser *b, const char *uri, ab_page page, guint delay_ms)
{
    ab_next_load *n = g_new0(ab_next_load, 1);
    n->b = b;
    n->uri = g_strdup(uri);
    n->page = page;
    if (delay_ms > 0)
        g_timeout_add(delay_ms, run_next_load, n);
    else
        g_idle_add(run_next_load, n);
}

/* The exception is exactly this leaf for this host: WebKit stores SHA-256(leaf DER) per host.
 * WebKit hands the exception to its network process by another route than the reload takes, so
 * on a busy machine the reload can get there first and fail again with the same leaf. A repeat
 * of the leaf we allowed is therefore granted again and reloaded after a pause, within the
 * AB_MAX_RELOADS budget; only when that is spent do we say WebKit refused it. Returns the delay
 * before the reload, or -1 when no exception was (or can be) applied. */
static int allow_exception(ab_browser *b, GTlsCertificate *cert, const char *uri)
{
    char *host = host_of(uri);
    if (host == NULL)
        return -1;
    bool again = b->exception_allowed && strcmp(b->exception_host, host) == 0 &&
                 strcmp(b->exception_sha256, b->verdict.leaf.sha256) == 0;
    bool ok =
        b->loads <= AB_MAX_RELOADS &&
        g_strlcpy(b->exception_host, host, sizeof b->exception_host) < sizeof b->exception_host;
    if (ok) {
        webkit_web_context_allow_tls_certificate_for_host(b->context, cert, host);
        g_strlcpy(b->exception_sha256, b->verdict.leaf.sha256, sizeof b->exception_sha256);
        b->exception_allowed = true;
        if (again)
            g_debug("%s: same leaf refused again; retrying (load %d)", host, b->loads);
    } else if (again) {
        g_printerr("altroot-browser: %s: WebKit refused the certificate altroot allowed\n", host);
    }
    g_free(host);
    return !ok ? -1 : again ? AB_RETRY_DELAY_MS * b->loads : 0;
}

static gboolean on_tls_errors(WebKitWebView *view, gchar *uri, GTlsCertificate *cert,
                              GTlsCertificateFlags errors, gpointer data)
{
    (void)view;
    ab_browser *b = data;
    altroot_verdict v;
    evaluate(b, uri, cert, &v);
    set_verdict(b, &v);
    b->webkit_errors = errors;
    b->tls_failure_handled = true;
    g_debug("TLS errors 0x%x on %s: altroot says %s", (unsigned)errors, uri,
            altroot_decision_name(b->verdict.decision));
    int delay =
        b->verdict.decision == ALTROOT_DECISION_TRUSTED ? allow_exception(b, cert, uri) : -1;
    if (delay >= 0) {
        schedule(b, uri, AB_PAGE_SITE, (guint)delay);
        return TRUE;
    }
    if (b->verdict.decision == ALTROOT_DECISION_TRUSTED) {
        /* Trusted, but the exception could not be applied: block rather than loop. */
        b->verdict.decision = ALTROOT_DECISION_UNTRUSTED;
        if (altroot_set_string(&b->verdict.message,
                               "The certificate was verified, but the browser could not apply "
                               "the exception for it; the page is blocked.") != ALTROOT_OK)
            g_printerr("altroot-browser: out of memory\n");
    }
    schedule(b, uri, AB_PAGE_BLOCKED, 0);
    return TRUE;
}

/* Secondary integration: judge the page that loaded, whoever trusted it. */
static void judge_committed(ab_browser *b)
{
    const char *uri = webkit_web_view_get_uri(b->view);
    GTlsCertificate *cert = NULL;
    GTlsCertificateFlags errors = 0;
    if (uri == NULL || !g_str_has_prefix(uri, "http")) {
        b->has_verdict = false;
        return;
    }
    if (!webkit_web_view_get_tls_info(b->view, &cert, &errors) || cert == NULL) {
        set_plain_http(b, uri);
        return;
    }
    altroot_verdict v;
    evaluate(b, uri, cert, &v);
    v.tls = true; /* the page arrived over this TLS session */
    set_verdict(b, &v);
    b->webkit_errors = errors;
}

static void on_load_changed(WebKitWebView *view, WebKitLoadEvent event, gpointer data)
{
    (void)view;
    ab_browser *b = data;
    g_debug("load event %d: %s", (int)event, webkit_web_view_get_uri(b->view));
    if (event == WEBKIT_LOAD_STARTED) {
        b->judge_seq++; /* an answer for an earlier load is no longer wanted */
        b->checking = false;
        b->tls_failure_handled = false;
        b->committed = false;
        b->loads++;
    } else if (event == WEBKIT_LOAD_COMMITTED) {
        b->committed = true;
        gtk_entry_set_text(GTK_ENTRY(b->entry), webkit_web_view_get_uri(b->view));
        b->page = b->next_page;
        b->next_page = AB_PAGE_SITE; /* any later navigation is the site's own */
        if (b->page == AB_PAGE_SITE)
            judge_committed(b);
        ab_panel_update(b);
    } else if (event == WEBKIT_LOAD_FINISHED && b->committed && !b->tls_failure_handled) {
        g_debug("finished %s (page %d)", webkit_web_view_get_uri(b->view), (int)b->page);
        if (b->headless != NULL)
            ab_headless_page_done(b);
    }
}

/* ---- own connection: WebKit's TLS library gave up before any certificate reached us ---- */

typedef struct ab_judgement {
    ab_browser *b;
    unsigned seq;
    char *uri;
    altroot_trust_store *store; /* borrowed: b->store, or kept in b->retired until the worker
                                   count drops to 0 */
    altroot_time at;
    altroot_verdict verdict;
    altroot_err err;
} ab_judgement;

static void judgement_free(gpointer data)
{
    ab_judgement *j = data;
    altroot_verdict_clear(&j->verdict);
    g_free(j->uri);
    g_free(j);
}

static void judge_in_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancel)
{
    (void)source;
    (void)cancel;
    ab_judgement *j = data;
    altroot_connect_options o = {.store = j->store, .at = j->at, .timeout_ms = AB_JUDGE_TIMEOUT_MS};
    j->err = altroot_connect(j->uri, &o, &j->verdict);
    (void)g_atomic_int_dec_and_test(&j->b->workers); /* the store is no longer read */
    g_task_return_boolean(task, TRUE);
}

/* The verdict of the own connection, as shown: the engine's failure is a warning; a trusted
 * device is still blocked, because the engine cannot open the page. */
static void show_judged(ab_browser *b, ab_judgement *j, const char *engine_error)
{
    altroot_verdict *v = &j->verdict;
    altroot_err err = add_store_warnings(b, v);
    if (err == ALTROOT_OK)
        err = altroot_strlist_add(&v->warnings,
                                  "the browser engine's TLS library refused the handshake; "
                                  "altroot judged the device over its own connection");
    bool blocked = err == ALTROOT_OK && v->decision == ALTROOT_DECISION_TRUSTED;
    if (blocked) {
        v->decision = ALTROOT_DECISION_UNTRUSTED;
        err = altroot_set_string(&v->message,
                                 "altroot verified this device, but the browser engine's TLS "
                                 "library failed the handshake with it, so the page cannot be "
                                 "opened here; an OpenSSL-based client (altroot get) can.");
        if (err == ALTROOT_OK)
            err = altroot_failures_add(&v->failures, ALTROOT_E_TLS_HANDSHAKE, "browser",
                                       "the engine's TLS library: %s", engine_error);
    }
    if (err != ALTROOT_OK)
        fail_closed(v, err);
    set_verdict(b, v);
    b->engine_error = g_strdup(engine_error);
    b->engine_blocked = blocked;
    schedule(b, j->uri, AB_PAGE_BLOCKED, 0);
}

static void on_judged(GObject *source, GAsyncResult *result, gpointer data)
{
    (void)source;
    char *engine_error = data;
    ab_judgement *j = g_task_get_task_data(G_TASK(result));
    ab_browser *b = j->b;
    if (g_atomic_int_get(&b->workers) == 0 && b->retired != NULL)
        g_ptr_array_set_size(b->retired, 0);
    if (j->seq == b->judge_seq)
        b->checking = false;
    if (b->closing || j->seq != b->judge_seq) {
        g_debug("own connection to %s: answer no longer wanted", j->uri);
    } else if (j->err != ALTROOT_OK) {
        /* Not reached on our own connection either: the page is unreachable. */
        char *why = g_strdup_printf("%s; altroot's own connection: %s (%s)", engine_error,
                                    altroot_strerror(j->err), altroot_error_name(j->err));
        b->has_verdict = false;
        ab_page_show_unreachable(b, j->uri, why);
        g_free(why);
    } else {
        g_debug("own connection to %s: altroot says %s", j->uri,
                altroot_decision_name(j->verdict.decision));
        show_judged(b, j, engine_error);
    }
    g_free(engine_error);
}

/* Judge the device at `uri` over the browser's own connection; the answer arrives in on_judged. */
static void judge_own_connection(ab_browser *b, const char *uri, const char *engine_error)
{
    ab_judgement *j = g_new0(ab_judgement, 1);
    j->b = b;
    j->seq = ++b->judge_seq;
    j->uri = g_strdup(uri);
    j->store = b->store;
    j->at = ab_tls_time(b);
    altroot_verdict_init(&j->verdict);
    GTask *task = g_task_new(NULL, NULL, on_judged, g_strdup(engine_error));
    g_task_set_task_data(task, j, judgement_free);
    g_atomic_int_inc(&b->workers);
    b->checking = true;
    ab_panel_update(b);
    g_task_run_in_thread(task, judge_in_thread);
    g_object_unref(task);
}

void ab_tls_retire_store(ab_browser *b, altroot_trust_store *old)
{
    if (g_atomic_int_get(&b->workers) == 0) {
        altroot_trust_store_free(old);
        return;
    }
    if (b->retired == NULL)
        b->retired = g_ptr_array_new_with_free_func((GDestroyNotify)altroot_trust_store_free);
    g_ptr_array_add(b->retired, old);
}

/* The main loop is not run here: nothing of the window may be touched any more. Answers still
 * queued for it are dropped with the loop (their tasks are not freed: the process is ending). */
void ab_tls_drain(ab_browser *b)
{
    b->closing = true;
    while (g_atomic_int_get(&b->workers) > 0)
        g_usleep(20000); /* 20 ms */
    if (b->retired != NULL)
        g_ptr_array_free(b->retired, TRUE);
    b->retired = NULL;
}

static gboolean on_load_failed(WebKitWebView *view, WebKitLoadEvent event, gchar *uri,
                               GError *error, gpointer data)
{
    (void)view;
    (void)event;
    ab_browser *b = data;
    g_debug("load of %s failed: %s %d: %s", uri, g_quark_to_string(error->domain), error->code,
            error->message);
    /* A load replaced by a newer one (our reload after an exception or a pin, or the user's
     * next address) ends as cancelled, in WebKit's or GIO's domain: not a device failure, and
     * not WebKit's own error page either, which would commit in place of the newer load. */
    if (g_error_matches(error, WEBKIT_POLICY_ERROR,
                        WEBKIT_POLICY_ERROR_FRAME_LOAD_INTERRUPTED_BY_POLICY_CHANGE))
        return TRUE;
    /* The cancelled load may also be the last one (a reload that raced the exception it was
     * given): load the page again after a pause, within the reload budget; past it, the page
     * is shown as unreachable. */
    bool cancelled = g_error_matches(error, WEBKIT_NETWORK_ERROR, WEBKIT_NETWORK_ERROR_CANCELLED) ||
                     g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    if (cancelled && b->loads <= AB_MAX_RELOADS) {
        schedule(b, uri, AB_PAGE_SITE, AB_RETRY_DELAY_MS * (guint)b->loads);
        return TRUE;
    }
    /* The engine's TLS library failed the handshake without handing us a certificate. */
    if (error->domain == G_TLS_ERROR && g_str_has_prefix(uri, "https:") && !b->closing) {
        judge_own_connection(b, uri, error->message);
        return TRUE;
    }
    b->has_verdict = false;
    ab_page_show_unreachable(b, uri, error->message);
    return TRUE;
}

/* Nothing the browser does on its own may reach beyond the pages it is asked to open. */
static gboolean on_permission(WebKitWebView *view, WebKitPermissionRequest *request, gpointer data)
{
    (void)view;
    (void)data;
    webkit_permission_request_deny(request);
    return TRUE;
}

static void configure_settings(WebKitWebView *view)
{
    WebKitSettings *s = webkit_web_view_get_settings(view);
    webkit_settings_set_enable_developer_extras(s, FALSE);
    webkit_settings_set_enable_media_stream(s, FALSE);
    webkit_settings_set_enable_webrtc(s, FALSE);
    webkit_settings_set_enable_page_cache(s, FALSE);
    webkit_settings_set_javascript_can_open_windows_automatically(s, FALSE);
}

bool ab_tls_setup(ab_browser *b)
{
    /* Ephemeral: no cookies, cache, HSTS or exceptions outlive the process. */
    b->context = webkit_web_context_new_ephemeral();
    if (b->context == NULL) {
        g_printerr("altroot-browser: cannot create a WebKit context\n");
        return false;
    }
    WebKitWebsiteDataManager *dm = webkit_web_context_get_website_data_manager(b->context);
    webkit_website_data_manager_set_tls_errors_policy(dm, WEBKIT_TLS_ERRORS_POLICY_FAIL);
    /* Direct connections only: an environment proxy must not see (or intercept) the device. */
    webkit_website_data_manager_set_network_proxy_settings(dm, WEBKIT_NETWORK_PROXY_MODE_NO_PROXY,
                                                           NULL);
    webkit_website_data_manager_set_itp_enabled(dm, FALSE);
    webkit_web_context_set_cache_model(b->context, WEBKIT_CACHE_MODEL_DOCUMENT_VIEWER);
    b->view = WEBKIT_WEB_VIEW(webkit_web_view_new_with_context(b->context));
    configure_settings(b->view);
    g_signal_connect(b->view, "load-failed-with-tls-errors", G_CALLBACK(on_tls_errors), b);
    g_signal_connect(b->view, "load-changed", G_CALLBACK(on_load_changed), b);
    g_signal_connect(b->view, "load-failed", G_CALLBACK(on_load_failed), b);
    g_signal_connect(b->view, "permission-request", G_CALLBACK(on_permission), b);
    return true;
}

void ab_tls_open(ab_browser *b, const char *uri)
{
    b->loads = 0;
    b->next_page = AB_PAGE_SITE;
    webkit_web_view_load_uri(b->view, uri);
}
