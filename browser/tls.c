/*
 * The load decisions. Every load of the web view goes through the browser's loopback CONNECT
 * proxy (proxy.c), which judges the device over its own connection before WebKit receives a
 * byte, and relays only a `trusted` one. WebKit's TLS errors policy is FAIL and the only
 * certificate it is told to accept is the proxy's own for that host, so the engine's own trust
 * (the system CAs) never decides: a site that WebKit would trust on its own but altroot does not
 * (an impostor at a pinned name) is refused at the proxy like any other.
 *
 * What the view then shows:
 * - a refused tunnel fails the load; the browser shows its own page for the proxy's verdict
 *   (blocked, or the attested page with "Pin this device"), or the unreachable page;
 * - a relayed tunnel commits the site; the panel shows the proxy's verdict for that connection.
 *   As a second line, the committed page must have come with the proxy's own certificate for
 *   its host and a relayed verdict, or it is stopped and blocked (E_ENGINE_CERT).
 */
#include <string.h>

#include "browser.h"

/* Automatic reloads per page opened: after WebKit refused the proxy's certificate because its
 * exception had not arrived yet, or after a relayed device closed without answering. */
#define AB_MAX_RELOADS 4
/* Pause before such a reload, per load. */
#define AB_RETRY_DELAY_MS 150

altroot_time ab_tls_time(const ab_browser *b)
{
    return b->opt.at_given ? b->opt.at : altroot_time_now();
}

/* Host of a URI as WebKit keys its exceptions (a name, or an IP literal without brackets), and
 * its port (443 when absent). */
static char *host_of(const char *uri, int *port)
{
    GUri *u = g_uri_parse(uri, G_URI_FLAGS_NONE, NULL);
    if (u == NULL)
        return NULL;
    char *host = g_uri_get_host(u) != NULL ? g_ascii_strdown(g_uri_get_host(u), -1) : NULL;
    if (port != NULL)
        *port = g_uri_get_port(u) > 0 ? g_uri_get_port(u) : 443;
    g_uri_unref(u);
    return host;
}

static void set_verdict(ab_browser *b, altroot_verdict *v)
{
    altroot_verdict_clear(&b->verdict);
    b->verdict = *v; /* moved: `v` no longer owns its fields */
    altroot_verdict_init(v);
    b->has_verdict = true;
}

/* The browser's own verdict (no device verdict applies): untrusted with `code` and `message`. */
static void set_refused(ab_browser *b, const char *uri, altroot_err code, const char *message,
                        const char *detail)
{
    altroot_verdict v;
    altroot_verdict_init(&v);
    v.at = ab_tls_time(b);
    v.rule = 7;
    v.cert_class = code == ALTROOT_E_NOT_TLS ? 0 : -1;
    char *host = host_of(uri, NULL);
    if (altroot_set_string(&v.target, uri) != ALTROOT_OK ||
        (host != NULL && altroot_set_string(&v.name.name, host) != ALTROOT_OK) ||
        altroot_set_string(&v.message, message) != ALTROOT_OK ||
        altroot_failures_add(&v.failures, code, "browser", "%s", detail) != ALTROOT_OK)
        g_printerr("altroot-browser: out of memory\n");
    g_free(host);
    set_verdict(b, &v);
}

typedef struct ab_next_load {
    ab_browser *b;
    char *uri;
    ab_page page; /* AB_PAGE_SITE: load the site again; AB_PAGE_BLOCKED: show the error page */
} ab_next_load;

/* Start loading `uri`. Tunnels judged from now on belong to this load: WebKit may open its
 * tunnel before it reports the load as started. */
static void load(ab_browser *b, const char *uri)
{
    b->tunnel_seq = ab_proxy_seq(b);
    b->seq_taken = true;
    webkit_web_view_load_uri(b->view, uri);
}

/* Loads start from an idle callback, after WebKit has finished the failed load. */
static gboolean run_next_load(gpointer data)
{
    ab_next_load *n = data;
    if (n->page == AB_PAGE_SITE) {
        n->b->next_page = AB_PAGE_SITE;
        load(n->b, n->uri);
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

/* Load the site again after a pause, within the budget; false when it is spent. */
static bool retry(ab_browser *b, const char *uri)
{
    if (b->loads > AB_MAX_RELOADS)
        return false;
    schedule(b, uri, AB_PAGE_SITE, AB_RETRY_DELAY_MS * (guint)b->loads);
    return true;
}

static bool show_refusal(ab_browser *b, const char *uri);

/* WebKit refused a certificate. The proxy's own one is refused only when WebKit's network
 * process had not received the exception yet (it travels by another route than the load):
 * grant it again and retry. Any other certificate did not come through the proxy: refused. */
static gboolean on_tls_errors(WebKitWebView *view, gchar *uri, GTlsCertificate *cert,
                              GTlsCertificateFlags errors, gpointer data)
{
    (void)view;
    ab_browser *b = data;
    b->webkit_errors = errors;
    char *host = host_of(uri, NULL);
    bool own = host != NULL && ab_proxy_is_own_certificate(b, host, cert);
    g_debug("TLS errors 0x%x on %s (%s certificate)", (unsigned)errors, uri,
            own ? "the proxy's" : "another");
    if (own && ab_proxy_grant(b, host) && retry(b, uri)) {
        g_free(host);
        return TRUE;
    }
    g_free(host);
    set_refused(b, uri, ALTROOT_E_ENGINE_CERT,
                own ? "The browser engine did not accept the connection altroot verified; the "
                      "page is blocked."
                    : "The browser engine received a certificate that altroot did not check; "
                      "the page is blocked.",
                own ? "WebKit refused the proxy's certificate for this host"
                    : "a certificate that did not come through altroot's proxy");
    schedule(b, uri, AB_PAGE_BLOCKED, 0);
    return TRUE;
}

/* Stop a committed page that did not come over a relayed tunnel, and block it. Only a load that
 * bypassed the proxy could get here. */
static void block_committed(ab_browser *b, const char *uri, altroot_err code, const char *detail)
{
    webkit_web_view_stop_loading(b->view);
    /* libsoup shows the proxy's own (empty) answer to a refused tunnel as the page: the
     * proxy's verdict is what that page is about. */
    if (show_refusal(b, uri))
        return;
    set_refused(b, uri, code,
                "This page did not come over a connection altroot verified; the page is "
                "blocked.",
                detail);
    schedule(b, uri, AB_PAGE_BLOCKED, 0);
}

/* The site committed: show the proxy's verdict on the connection that carried it. */
static void judge_committed(ab_browser *b)
{
    const char *uri = webkit_web_view_get_uri(b->view);
    GTlsCertificate *cert = NULL;
    GTlsCertificateFlags errors = 0;
    b->relayed = false;
    if (uri == NULL || !g_str_has_prefix(uri, "https:")) {
        block_committed(b, uri != NULL ? uri : "about:blank", ALTROOT_E_NOT_TLS,
                        "the page does not use HTTPS");
        return;
    }
    int port = 443;
    char *host = host_of(uri, &port);
    bool own = webkit_web_view_get_tls_info(b->view, &cert, &errors) && host != NULL &&
               ab_proxy_is_own_certificate(b, host, cert);
    altroot_verdict v;
    altroot_verdict_init(&v);
    if (own && ab_proxy_relayed(b, host, port, &v) && v.decision == ALTROOT_DECISION_TRUSTED &&
        altroot_set_string(&v.target, uri) == ALTROOT_OK) {
        set_verdict(b, &v);
        b->webkit_errors = errors;
        b->relayed = true;
    } else {
        altroot_verdict_clear(&v);
        block_committed(b, uri, ALTROOT_E_ENGINE_CERT,
                        own ? "no verified connection to this host was relayed"
                            : "the page came with a certificate that altroot did not check");
    }
    g_free(host);
}

static void on_load_changed(WebKitWebView *view, WebKitLoadEvent event, gpointer data)
{
    (void)view;
    ab_browser *b = data;
    g_debug("load event %d: %s", (int)event, webkit_web_view_get_uri(b->view));
    if (event == WEBKIT_LOAD_STARTED) {
        b->committed = false;
        if (!b->seq_taken) /* a navigation of the page's own */
            b->tunnel_seq = ab_proxy_seq(b);
        b->seq_taken = false;
        b->loads++;
    } else if (event == WEBKIT_LOAD_COMMITTED) {
        b->committed = true;
        gtk_entry_set_text(GTK_ENTRY(b->entry), webkit_web_view_get_uri(b->view));
        b->page = b->next_page;
        b->next_page = AB_PAGE_SITE; /* any later navigation is the site's own */
        if (b->page == AB_PAGE_SITE)
            judge_committed(b);
        ab_panel_update(b);
    } else if (event == WEBKIT_LOAD_FINISHED && b->committed &&
               (b->page != AB_PAGE_SITE || b->relayed)) {
        g_debug("finished %s (page %d)", webkit_web_view_get_uri(b->view), (int)b->page);
        if (b->headless != NULL)
            ab_headless_page_done(b);
    }
}

/* What the proxy found for the host of a load that did not bring a relayed page: its verdict
 * (blocked, or the attested page), the unreachable page, the not-HTTPS page, or a new try when
 * the device closed a verified connection without answering. False when none of these applies. */
static bool show_refusal(ab_browser *b, const char *uri)
{
    int port = 443;
    char *host = host_of(uri, &port);
    altroot_verdict v;
    char *why = NULL;
    ab_tunnel_state state =
        host != NULL ? ab_proxy_latest(b, host, port, b->tunnel_seq, &v, &why) : AB_TUNNEL_NONE;
    g_free(host);
    bool shown = true;
    if (state == AB_TUNNEL_REFUSED) {
        if (altroot_set_string(&v.target, uri) != ALTROOT_OK)
            g_printerr("altroot-browser: out of memory\n");
        set_verdict(b, &v);
        schedule(b, uri, AB_PAGE_BLOCKED, 0);
    } else if (state == AB_TUNNEL_UNREACHABLE) {
        b->has_verdict = false;
        ab_page_show_unreachable(b, uri, why);
    } else if (state == AB_TUNNEL_RELAYED && retry(b, uri)) {
        g_debug("%s: the device closed the verified connection; asking again", uri);
    } else if (g_str_has_prefix(uri, "http:")) {
        set_refused(b, uri, ALTROOT_E_NOT_TLS,
                    "This page does not use HTTPS: anyone on the network could read or change "
                    "it, so the browser does not open it.",
                    "no TLS");
        schedule(b, uri, AB_PAGE_BLOCKED, 0);
    } else {
        shown = false;
    }
    g_free(why);
    return shown;
}

static gboolean on_load_failed(WebKitWebView *view, WebKitLoadEvent event, gchar *uri,
                               GError *error, gpointer data)
{
    (void)view;
    (void)event;
    ab_browser *b = data;
    g_debug("load of %s failed: %s %d: %s", uri, g_quark_to_string(error->domain), error->code,
            error->message);
    /* A load replaced by a newer one (our reload, or the user's next address) ends as
     * interrupted or cancelled: not a device failure, and not WebKit's own error page either,
     * which would commit in place of the newer load. A cancelled last load is tried again. */
    if (g_error_matches(error, WEBKIT_POLICY_ERROR,
                        WEBKIT_POLICY_ERROR_FRAME_LOAD_INTERRUPTED_BY_POLICY_CHANGE))
        return TRUE;
    bool cancelled = g_error_matches(error, WEBKIT_NETWORK_ERROR, WEBKIT_NETWORK_ERROR_CANCELLED) ||
                     g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    if (cancelled && retry(b, uri))
        return TRUE;
    if (!show_refusal(b, uri)) {
        b->has_verdict = false;
        ab_page_show_unreachable(b, uri, error->message);
    }
    return TRUE;
}

/* A navigation is decided before its request is sent: tunnels judged from now on belong to it
 * (a link or a redirect of the page's own, as well as the browser's loads). */
static gboolean on_decide_policy(WebKitWebView *view, WebKitPolicyDecision *decision,
                                 WebKitPolicyDecisionType type, gpointer data)
{
    (void)view;
    (void)decision;
    ab_browser *b = data;
    if (type == WEBKIT_POLICY_DECISION_TYPE_NAVIGATION_ACTION) {
        b->tunnel_seq = ab_proxy_seq(b);
        b->seq_taken = true;
    }
    return FALSE; /* WebKit's own decision */
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

/* The proxy asks WebKit for its per-run secret (407): answer with it, and only for the proxy's
 * own address. Any other request for credentials (a site's) is left to WebKit's default. */
static gboolean on_authenticate(WebKitWebView *view, WebKitAuthenticationRequest *req,
                                gpointer data)
{
    (void)view;
    const char *user = NULL, *secret = NULL;
    if (!webkit_authentication_request_is_for_proxy(req) ||
        !ab_proxy_credential(data, webkit_authentication_request_get_host(req),
                             webkit_authentication_request_get_port(req), &user, &secret))
        return FALSE;
    WebKitCredential *c =
        webkit_credential_new(user, secret, WEBKIT_CREDENTIAL_PERSISTENCE_FOR_SESSION);
    webkit_authentication_request_authenticate(req, c);
    webkit_credential_free(c);
    return TRUE;
}

/* Every load goes through the proxy, whatever the environment says; no host is exempt. */
static void route_through_proxy(ab_browser *b, WebKitWebsiteDataManager *dm)
{
    char *uri = ab_proxy_uri(b);
    WebKitNetworkProxySettings *ps = webkit_network_proxy_settings_new(uri, NULL);
    webkit_website_data_manager_set_network_proxy_settings(dm, WEBKIT_NETWORK_PROXY_MODE_CUSTOM,
                                                           ps);
    webkit_network_proxy_settings_free(ps);
    g_free(uri);
}

bool ab_tls_setup(ab_browser *b)
{
    /* Ephemeral: no cookies, cache, HSTS or exceptions outlive the process. */
    b->context = webkit_web_context_new_ephemeral();
    if (b->context == NULL) {
        g_printerr("altroot-browser: cannot create a WebKit context\n");
        return false;
    }
    if (!ab_proxy_start(b))
        return false;
    WebKitWebsiteDataManager *dm = webkit_web_context_get_website_data_manager(b->context);
    webkit_website_data_manager_set_tls_errors_policy(dm, WEBKIT_TLS_ERRORS_POLICY_FAIL);
    route_through_proxy(b, dm);
    webkit_website_data_manager_set_itp_enabled(dm, FALSE);
    webkit_web_context_set_cache_model(b->context, WEBKIT_CACHE_MODEL_DOCUMENT_VIEWER);
    b->view = WEBKIT_WEB_VIEW(webkit_web_view_new_with_context(b->context));
    configure_settings(b->view);
    g_signal_connect(b->view, "load-failed-with-tls-errors", G_CALLBACK(on_tls_errors), b);
    g_signal_connect(b->view, "load-changed", G_CALLBACK(on_load_changed), b);
    g_signal_connect(b->view, "load-failed", G_CALLBACK(on_load_failed), b);
    g_signal_connect(b->view, "permission-request", G_CALLBACK(on_permission), b);
    g_signal_connect(b->view, "decide-policy", G_CALLBACK(on_decide_policy), b);
    g_signal_connect(b->view, "authenticate", G_CALLBACK(on_authenticate), b);
    return true;
}

void ab_tls_open(ab_browser *b, const char *uri)
{
    b->loads = 0;
    b->next_page = AB_PAGE_SITE;
    /* The proxy's certificate for this host is announced to WebKit before the load starts. */
    char *host = host_of(uri, NULL);
    if (host != NULL && !ab_proxy_grant(b, host))
        g_printerr("altroot-browser: %s: the proxy has no certificate for it\n", host);
    g_free(host);
    load(b, uri);
}

void ab_tls_drain(ab_browser *b)
{
    ab_proxy_stop(b);
}
