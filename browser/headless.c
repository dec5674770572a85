/*
 * --headless-check: open one URL in the real window (under a virtual display in tests), wait
 * for the final page (the site, or our error page), read the page's text through JavaScript,
 * let it render, then write a PNG of the whole window (page and trust panel) and the verdict
 * JSON, extended with what a person saw: "panel" {title, text}, "page_text" and "browser".
 * With --headless-pin, an attested page first gets its "Pin this device" button pressed when it
 * is enabled, and the page opened after pinning is the one reported.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "browser.h"

/* Time from the page's text being read to the screenshot: lets WebKit paint the final page. */
#define AB_RENDER_DELAY_MS 800

typedef struct ab_headless {
    int exit_code;
    bool finishing;      /* the final page was seen; the rest is the screenshot and report */
    char *page_text;     /* document.body.innerText */
    json_int_t controls; /* links, buttons, inputs and forms on the page */
    guint timer;         /* the --timeout source, 0 once it fired */
    bool pin_pressed;    /* --headless-pin pressed the button (once per run) */
    char *pin_error;     /* why pressing it pinned nothing, or NULL */
} ab_headless;

static gboolean on_timeout(gpointer data)
{
    ab_browser *b = data;
    g_printerr("altroot-browser: %s: no final page after %d s (E_TIMEOUT)\n", b->opt.url,
               b->opt.timeout_s);
    b->headless->exit_code = AB_EXIT_USAGE;
    b->headless->timer = 0;
    gtk_main_quit();
    return G_SOURCE_REMOVE;
}

static bool save_screenshot(ab_browser *b)
{
    GdkWindow *w = gtk_widget_get_window(b->window);
    GdkPixbuf *shot = w == NULL ? NULL
                                : gdk_pixbuf_get_from_window(w, 0, 0, gdk_window_get_width(w),
                                                             gdk_window_get_height(w));
    GError *error = NULL;
    bool ok = shot != NULL && gdk_pixbuf_save(shot, b->opt.screenshot, "png", &error, NULL);
    if (!ok)
        g_printerr("altroot-browser: %s: cannot save the screenshot: %s\n", b->opt.screenshot,
                   error != NULL ? error->message : "no window contents");
    g_clear_error(&error);
    if (shot != NULL)
        g_object_unref(shot);
    return ok;
}

static const char *const tls_flag_names[] = {"unknown-ca",   "bad-identity", "not-activated",
                                             "expired",      "revoked",      "insecure",
                                             "generic-error"};

/* The "Pin this device" button as shown: visible, sensitive, and its tooltip. */
static json_t *pin_button(const ab_browser *b)
{
    char *tip = gtk_widget_get_tooltip_text(b->panel.pin);
    json_t *o = json_pack("{s:b, s:b, s:s?}", "visible", gtk_widget_get_visible(b->panel.pin),
                          "sensitive", gtk_widget_get_sensitive(b->panel.pin), "tooltip", tip);
    g_free(tip);
    return o;
}

static json_t *browser_facts(const ab_browser *b)
{
    static const char *const pages[] = {"none", "site", "blocked", "unreachable"};
    json_t *flags = json_array();
    for (unsigned i = 0; i < G_N_ELEMENTS(tls_flag_names); i++)
        if ((b->webkit_errors & (1u << i)) != 0)
            json_array_append_new(flags, json_string(tls_flag_names[i]));
    return json_pack("{s:s, s:o, s:b, s:o, s:I, s:o, s:s?, s:s?}", "page", pages[b->page],
                     "webkit_tls_errors", flags, "relayed", b->relayed, "tunnels",
                     ab_proxy_report(b), "page_controls", b->headless->controls, "pin_button",
                     pin_button(b), "pinned", b->pinned, "pin_error", b->headless->pin_error);
}

/* The verdict JSON of the library, plus what the window showed. */
static json_t *report_json(const ab_browser *b)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    if (mem == NULL)
        return NULL;
    altroot_err err = altroot_verdict_print_json(&b->verdict, mem);
    json_t *doc = NULL;
    if (fclose(mem) == 0 && err == ALTROOT_OK)
        doc = json_loadb(buf, len, 0, NULL);
    free(buf);
    if (doc == NULL)
        return NULL;
    json_t *panel = json_pack("{s:s, s:s}", "title", ab_panel_title(b), "text", ab_panel_text(b));
    const char *text = b->headless->page_text != NULL ? b->headless->page_text : "";
    if (json_object_set_new(doc, "panel", panel) != 0 ||
        json_object_set_new(doc, "page_text", json_string(text)) != 0 ||
        json_object_set_new(doc, "browser", browser_facts(b)) != 0) {
        json_decref(doc);
        return NULL;
    }
    return doc;
}

static bool write_report(const ab_browser *b)
{
    json_t *doc = report_json(b);
    bool ok = doc != NULL && json_dump_file(doc, b->opt.report, JSON_INDENT(2)) == 0;
    if (!ok)
        g_printerr("altroot-browser: %s: cannot write the report\n", b->opt.report);
    json_decref(doc);
    return ok;
}

static gboolean finish(gpointer data)
{
    ab_browser *b = data;
    ab_headless *h = b->headless;
    bool shot = save_screenshot(b);
    if (b->page == AB_PAGE_UNREACHABLE || !b->has_verdict) {
        /* No verdict, no report: exit 2 with the reason, like `altroot connect`. */
        const char *uri = webkit_web_view_get_uri(b->view);
        if (b->unreachable != NULL)
            g_printerr("altroot-browser: %s: %s (E_CONNECT)\n", b->opt.url, b->unreachable);
        else
            g_printerr("altroot-browser: %s: WebKit did not load it (it showed %s; a port WebKit "
                       "blocks?)\n",
                       b->opt.url, uri != NULL ? uri : "nothing");
        h->exit_code = AB_EXIT_USAGE;
    } else if (!write_report(b) || !shot) {
        h->exit_code = AB_EXIT_USAGE;
    } else {
        h->exit_code =
            b->verdict.decision == ALTROOT_DECISION_TRUSTED ? AB_EXIT_TRUSTED : AB_EXIT_UNTRUSTED;
    }
    gtk_main_quit();
    return G_SOURCE_REMOVE;
}

static void read_page_info(ab_headless *h, JSCValue *value)
{
    JSCValue *text = jsc_value_object_get_property(value, "text");
    JSCValue *controls = jsc_value_object_get_property(value, "controls");
    if (text != NULL && jsc_value_is_string(text))
        h->page_text = jsc_value_to_string(text);
    if (controls != NULL && jsc_value_is_number(controls))
        h->controls = jsc_value_to_int32(controls);
    g_clear_object(&text);
    g_clear_object(&controls);
}

static void on_page_info(GObject *view, GAsyncResult *result, gpointer data)
{
    ab_browser *b = data;
    GError *error = NULL;
    JSCValue *value =
        webkit_web_view_evaluate_javascript_finish(WEBKIT_WEB_VIEW(view), result, &error);
    if (value == NULL) {
        g_printerr("altroot-browser: cannot read the page text: %s\n", error->message);
        g_clear_error(&error);
    } else {
        read_page_info(b->headless, value);
        g_object_unref(value);
    }
    g_timeout_add(AB_RENDER_DELAY_MS, finish, b);
}

/* Read the final page's text, then take the screenshot and write the report. */
static void read_final_page(ab_browser *b)
{
    b->headless->finishing = true;
    /* An isolated world: the page's own scripts cannot redefine what we read. */
    static const char script[] =
        "({text: document.body ? document.body.innerText : '',"
        "  controls: document.querySelectorAll('a[href],button,input,select,textarea,form')"
        ".length})";
    webkit_web_view_evaluate_javascript(b->view, script, -1, "altroot-browser", NULL, NULL,
                                        on_page_info, b);
}

void ab_headless_pin_failed(ab_browser *b, const char *why)
{
    g_free(b->headless->pin_error);
    b->headless->pin_error = g_strdup(why);
}

/* Pressed from an idle callback, outside WebKit's load signal. A pin that worked opens the page
 * again and that load ends here again; one that failed leaves this page as the final one. */
static gboolean press_pin(gpointer data)
{
    ab_browser *b = data;
    gtk_button_clicked(GTK_BUTTON(b->panel.pin));
    if (b->headless->pin_error != NULL)
        read_final_page(b);
    return G_SOURCE_REMOVE;
}

static bool wants_pin(const ab_browser *b)
{
    return b->opt.headless_pin && !b->headless->pin_pressed &&
           gtk_widget_get_visible(b->panel.pin) && gtk_widget_get_sensitive(b->panel.pin);
}

void ab_headless_page_done(ab_browser *b)
{
    if (b->headless->finishing)
        return;
    if (wants_pin(b)) {
        b->headless->pin_pressed = true;
        g_idle_add(press_pin, b);
        return;
    }
    read_final_page(b);
}

int ab_headless_run(ab_browser *b)
{
    ab_headless h = {.exit_code = AB_EXIT_USAGE};
    b->headless = &h;
    gtk_window_set_resizable(GTK_WINDOW(b->window), FALSE);
    gtk_widget_show_all(b->window);
    h.timer = g_timeout_add_seconds((guint)b->opt.timeout_s, on_timeout, b);
    ab_tls_open(b, b->opt.url);
    gtk_main();
    if (h.timer != 0)
        g_source_remove(h.timer);
    g_free(h.page_text);
    g_free(h.pin_error);
    b->headless = NULL;
    return h.exit_code;
}
