/*
 * webkit_probe: does WebKitGTK itself (glib-networking over GnuTLS) parse a given device
 * certificate and complete a TLS handshake with it? altroot-browser never lets WebKit see a
 * device's certificate (its proxy judges the device and relays under a certificate of its own),
 * so the interop matrix asks the engine directly with this program. A test program: built with
 * the browser when WebKitGTK 4.1 is found, never installed. It needs a display (Xvfb).
 *
 *   webkit_probe URL --expect-der LEAF.der [--timeout S]
 *
 * It loads URL (https) in an ephemeral web context, with no proxy and the TLS errors policy
 * FAIL. When the load fails with TLS errors, the certificate WebKit received must be LEAF.der
 * byte for byte (so GnuTLS parsed it); the probe then allows exactly that certificate for
 * exactly that host (webkit_web_context_allow_tls_certificate_for_host) and loads URL again.
 * When the page commits with that same certificate (webkit_web_view_get_tls_info), the handshake
 * completed. A certificate GnuTLS cannot parse shows up as a load failure in the G_TLS_ERROR
 * domain without the TLS-errors signal.
 *
 * Output, one line on stdout, and exit code:
 *   0  parsed=yes handshake=yes
 *   1  parsed=no handshake=no error=MESSAGE    (a G_TLS_ERROR failure before any certificate)
 *      parsed=yes handshake=no error=MESSAGE   (the certificate was read, the handshake failed)
 *   2  nothing on stdout, one line on stderr: usage, no display, LEAF.der unreadable, or an
 *      outcome that proves neither (another certificate than LEAF.der, a failure outside
 *      G_TLS_ERROR such as a refused connection, a page committed without TLS)
 *   3  nothing on stdout, one line on stderr: no outcome within S seconds (default 20)
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gtk/gtk.h>
#include <webkit2/webkit2.h>

enum { PROBE_OK = 0, PROBE_FAILED = 1, PROBE_USAGE = 2, PROBE_TIMEOUT = 3 };

/* Loads after the first, when WebKit's network process had not yet received the exception
 * (it travels by another route than the load). */
#define PROBE_MAX_RELOADS 5
#define PROBE_RELOAD_DELAY_MS 150

typedef struct probe {
    const char *url;
    GBytes *expected; /* owned: LEAF.der */
    WebKitWebContext *context;
    WebKitWebView *view;
    bool parsed; /* WebKit handed over LEAF.der */
    int reloads;
    int code; /* the exit code, once decided; -1 before */
} probe;

static void finish(probe *p, int code, const char *out, const char *err)
{
    if (p->code >= 0)
        return;
    p->code = code;
    if (out != NULL)
        printf("%s\n", out);
    if (err != NULL)
        fprintf(stderr, "webkit_probe: %s\n", err);
    fflush(stdout);
    gtk_main_quit();
}

static void finish_failed(probe *p, const char *message)
{
    char *line =
        g_strdup_printf("parsed=%s handshake=no error=%s", p->parsed ? "yes" : "no", message);
    g_strdelimit(line, "\r\n", ' ');
    finish(p, PROBE_FAILED, line, NULL);
    g_free(line);
}

static bool is_expected(const probe *p, GTlsCertificate *cert)
{
    GByteArray *der = NULL;
    if (cert == NULL)
        return false;
    g_object_get(cert, "certificate", &der, NULL);
    bool same = der != NULL && der->len == g_bytes_get_size(p->expected) &&
                memcmp(der->data, g_bytes_get_data(p->expected, NULL), der->len) == 0;
    if (der != NULL)
        g_byte_array_unref(der);
    return same;
}

static gboolean load_again(gpointer data)
{
    probe *p = data;
    if (p->code < 0)
        webkit_web_view_load_uri(p->view, p->url);
    return G_SOURCE_REMOVE;
}

/* WebKit read the server's certificate and did not trust it: the certificate was parsed. */
static gboolean on_tls_errors(WebKitWebView *view, gchar *uri, GTlsCertificate *cert,
                              GTlsCertificateFlags errors, gpointer data)
{
    (void)view;
    probe *p = data;
    if (!is_expected(p, cert)) {
        finish(p, PROBE_USAGE, NULL, "WebKit received another certificate than the expected leaf");
        return TRUE;
    }
    p->parsed = true;
    GUri *u = g_uri_parse(uri, G_URI_FLAGS_NONE, NULL);
    if (u == NULL || g_uri_get_host(u) == NULL) {
        finish(p, PROBE_USAGE, NULL, "the failing URI has no host");
    } else if (p->reloads >= PROBE_MAX_RELOADS) {
        char *why = g_strdup_printf("WebKit kept refusing the allowed certificate (flags 0x%x)",
                                    (unsigned)errors);
        finish_failed(p, why);
        g_free(why);
    } else {
        /* Again on each refusal: the exception may not have reached the network process. */
        webkit_web_context_allow_tls_certificate_for_host(p->context, cert, g_uri_get_host(u));
        p->reloads++;
        g_timeout_add((guint)(PROBE_RELOAD_DELAY_MS * p->reloads), load_again, p);
    }
    if (u != NULL)
        g_uri_unref(u);
    return TRUE;
}

static gboolean on_load_failed(WebKitWebView *view, WebKitLoadEvent event, gchar *uri,
                               GError *error, gpointer data)
{
    (void)view;
    (void)event;
    (void)uri;
    probe *p = data;
    /* A load replaced by the probe's own next one. */
    if (g_error_matches(error, WEBKIT_NETWORK_ERROR, WEBKIT_NETWORK_ERROR_CANCELLED) ||
        g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
        g_error_matches(error, WEBKIT_POLICY_ERROR,
                        WEBKIT_POLICY_ERROR_FRAME_LOAD_INTERRUPTED_BY_POLICY_CHANGE))
        return TRUE;
    if (error->domain == G_TLS_ERROR) {
        finish_failed(p, error->message);
    } else {
        char *why = g_strdup_printf("load failed outside TLS: %s %d: %s",
                                    g_quark_to_string(error->domain), error->code, error->message);
        finish(p, PROBE_USAGE, NULL, why);
        g_free(why);
    }
    return TRUE;
}

static void on_load_changed(WebKitWebView *view, WebKitLoadEvent event, gpointer data)
{
    probe *p = data;
    if (event != WEBKIT_LOAD_COMMITTED)
        return;
    GTlsCertificate *cert = NULL;
    GTlsCertificateFlags errors = 0;
    if (!webkit_web_view_get_tls_info(view, &cert, &errors)) {
        finish(p, PROBE_USAGE, NULL, "the page committed without TLS");
    } else if (!is_expected(p, cert)) {
        finish(p, PROBE_USAGE, NULL, "the page committed with another certificate");
    } else {
        /* A certificate WebKit trusts on its own commits without the TLS-errors signal: it was
         * parsed all the same. */
        p->parsed = true;
        finish(p, PROBE_OK, "parsed=yes handshake=yes", NULL);
    }
}

static gboolean on_timeout(gpointer data)
{
    finish(data, PROBE_TIMEOUT, NULL, "no outcome before the time-out");
    return G_SOURCE_REMOVE;
}

static int usage(void)
{
    fprintf(stderr, "usage: webkit_probe URL --expect-der LEAF.der [--timeout S]\n");
    return PROBE_USAGE;
}

/* Options into `url`, `der` and `timeout_s`; false on a usage error. */
static bool parse_args(int argc, char **argv, const char **url, const char **der, int *timeout_s)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--expect-der") == 0 && i + 1 < argc) {
            *der = argv[++i];
        } else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc) {
            char *end = NULL;
            long v = strtol(argv[++i], &end, 10);
            if (end == argv[i] || *end != '\0' || v < 1 || v > 3600)
                return false;
            *timeout_s = (int)v;
        } else if (argv[i][0] != '-' && *url == NULL) {
            *url = argv[i];
        } else {
            return false;
        }
    }
    return *url != NULL && *der != NULL && g_str_has_prefix(*url, "https://");
}

static void setup(probe *p)
{
    /* Ephemeral: no exception, cache or HSTS state comes from or outlives this process. */
    p->context = webkit_web_context_new_ephemeral();
    WebKitWebsiteDataManager *dm = webkit_web_context_get_website_data_manager(p->context);
    webkit_website_data_manager_set_tls_errors_policy(dm, WEBKIT_TLS_ERRORS_POLICY_FAIL);
    /* Straight to the server, whatever the environment's proxy says. */
    webkit_website_data_manager_set_network_proxy_settings(dm, WEBKIT_NETWORK_PROXY_MODE_NO_PROXY,
                                                           NULL);
    p->view = WEBKIT_WEB_VIEW(webkit_web_view_new_with_context(p->context));
    g_signal_connect(p->view, "load-failed-with-tls-errors", G_CALLBACK(on_tls_errors), p);
    g_signal_connect(p->view, "load-failed", G_CALLBACK(on_load_failed), p);
    g_signal_connect(p->view, "load-changed", G_CALLBACK(on_load_changed), p);
}

int main(int argc, char **argv)
{
    const char *url = NULL, *der = NULL;
    int timeout_s = 20;
    if (!parse_args(argc, argv, &url, &der, &timeout_s))
        return usage();
    gchar *bytes = NULL;
    gsize len = 0;
    GError *error = NULL;
    if (!g_file_get_contents(der, &bytes, &len, &error) || len == 0) {
        fprintf(stderr, "webkit_probe: %s: %s\n", der, error != NULL ? error->message : "empty");
        g_clear_error(&error);
        g_free(bytes);
        return PROBE_USAGE;
    }
    if (!gtk_init_check(&argc, &argv)) {
        fprintf(stderr, "webkit_probe: no display (run it under Xvfb)\n");
        g_free(bytes);
        return PROBE_USAGE;
    }
    probe p = {.url = url, .expected = g_bytes_new_take(bytes, len), .code = -1};
    setup(&p);
    GtkWidget *window = gtk_offscreen_window_new();
    gtk_window_set_default_size(GTK_WINDOW(window), 800, 600);
    gtk_container_add(GTK_CONTAINER(window), GTK_WIDGET(p.view));
    gtk_widget_show_all(window);
    g_timeout_add_seconds((guint)timeout_s, on_timeout, &p);
    webkit_web_view_load_uri(p.view, url);
    gtk_main();
    gtk_widget_destroy(window);
    g_object_unref(p.context);
    g_bytes_unref(p.expected);
    return p.code;
}
