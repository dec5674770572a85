/*
 * The window: an address bar, the trust panel next to it, and the page below. The panel is the
 * verdict for people: a padlock-equivalent naming who vouches for the device (trusted), a calm
 * indicator naming maker and model (attested), or a plain "not trusted" with the reasons.
 */
#include <string.h>

#include "browser.h"

static const char panel_css[] =
    ".ab-panel{border-radius:6px;padding:4px 10px;border:1px solid #999}"
    ".ab-trusted{background:#e3f4e1;border-color:#2e7d32;color:#1b5e20}"
    ".ab-attested{background:#e3eefb;border-color:#1f5fa8;color:#123d6e}"
    ".ab-untrusted{background:#fbe4e2;border-color:#b3261e;color:#7f1d17}"
    ".ab-neutral{background:#eeeeee;color:#333}"
    ".ab-icon{font-size:22px}.ab-title{font-weight:bold}";

static const char *const panel_classes[] = {"ab-trusted", "ab-attested", "ab-untrusted",
                                            "ab-neutral"};

static void set_look(ab_browser *b, const char *cls, const char *icon)
{
    GtkStyleContext *sc = gtk_widget_get_style_context(b->panel.frame);
    for (size_t i = 0; i < G_N_ELEMENTS(panel_classes); i++)
        gtk_style_context_remove_class(sc, panel_classes[i]);
    gtk_style_context_add_class(sc, cls);
    gtk_label_set_text(GTK_LABEL(b->panel.icon), icon);
}

/* Trusted: who vouches for the device, what that proves, and maker/model when known. */
static void describe_trusted(const altroot_verdict *v, GString *t)
{
    const altroot_root_result *owner = ab_describe_owner_root(v);
    char *maker = ab_describe_maker(v), *model = ab_describe_model(v);
    if (owner != NULL && owner->anchor_file != NULL)
        g_string_append_printf(t, "\nYour %s anchor: %s.", owner->root, owner->anchor_file);
    for (size_t i = 0; owner != NULL && i < owner->owned.count; i++)
        if (strcmp(owner->owned.keys[i], "meaning") == 0)
            g_string_append_printf(t, "\nThis proves: %s.", owner->owned.values[i]);
    if (maker != NULL || model != NULL)
        g_string_append_printf(t, "\nMaker: %s. Model: %s.", maker != NULL ? maker : "unknown",
                               model != NULL ? model : "unknown");
    g_free(maker);
    g_free(model);
    if (v->name.bound)
        g_string_append_printf(t, "\nName %s bound by %s (%s).", v->name.name, v->name.method,
                               v->name.by != NULL ? v->name.by : "-");
}

static void describe_attested(const altroot_verdict *v, GString *t)
{
    char *maker = ab_describe_maker(v), *model = ab_describe_model(v);
    g_string_append_printf(t, "\nMaker: %s. Model: %s.", maker != NULL ? maker : "unknown",
                           model != NULL ? model : "unknown");
    g_free(maker);
    g_free(model);
    g_string_append(t, "\nGenuine, but not proven to be yours or to be the name you typed.");
}

static void describe_untrusted(const altroot_verdict *v, GString *t)
{
    for (size_t i = 0; i < v->failures.count && i < 4; i++) {
        char *line = ab_describe_failure(&v->failures.items[i]);
        g_string_append_printf(t, "\n\u2022 %s", line);
        g_free(line);
    }
    if (v->failures.count > 4)
        g_string_append_printf(t, "\n(and %zu more)", v->failures.count - 4);
}

/* "Pin this device": shown for attested verdicts, enabled only when a pin can be recorded; the
 * tooltip says what pinning does, or exactly why it cannot be done. */
static void update_pin_button(ab_browser *b, bool shown)
{
    gtk_widget_set_visible(b->panel.pin, shown);
    if (!shown) {
        gtk_widget_set_sensitive(b->panel.pin, FALSE);
        gtk_widget_set_tooltip_text(b->panel.pin, NULL);
        return;
    }
    char *why = ab_pin_unavailable(b);
    char *tip = why != NULL ? why
                            : g_strdup_printf("Record this device for %s in %s/pins/: later "
                                              "visits are trusted from this unit only.",
                                              b->verdict.name.name, b->opt.anchors);
    gtk_widget_set_sensitive(b->panel.pin, why == NULL);
    gtk_widget_set_tooltip_text(b->panel.pin, tip);
    g_free(tip);
}

static void show_verdict(ab_browser *b, const altroot_verdict *v)
{
    GString *t = g_string_new(v->message != NULL ? v->message : "");
    const char *host = v->name.name != NULL ? v->name.name : "this site";
    char *title = NULL;
    if (v->decision == ALTROOT_DECISION_TRUSTED) {
        set_look(b, "ab-trusted", "\u2714");
        title = g_strdup_printf("Trusted: %s", host);
        describe_trusted(v, t);
    } else if (v->decision == ALTROOT_DECISION_ATTESTED) {
        set_look(b, "ab-attested", "\u2139");
        char *maker = ab_describe_maker(v), *model = ab_describe_model(v);
        title =
            g_strdup_printf("Genuine: %s%s%s, not proven yours", maker != NULL ? maker : "a device",
                            model != NULL ? ", " : "", model != NULL ? model : "");
        g_free(maker);
        g_free(model);
        describe_attested(v, t);
    } else {
        set_look(b, "ab-untrusted", "\u2716");
        title = g_strdup_printf(b->page == AB_PAGE_SITE ? "Not verified: %s" : "Blocked: %s", host);
        describe_untrusted(v, t);
    }
    gtk_label_set_text(GTK_LABEL(b->panel.title), title);
    gtk_label_set_text(GTK_LABEL(b->panel.text), t->str);
    update_pin_button(b, v->decision == ALTROOT_DECISION_ATTESTED);
    g_free(title);
    g_string_free(t, TRUE);
}

void ab_panel_update(ab_browser *b)
{
    if (b->has_verdict && b->page != AB_PAGE_UNREACHABLE) {
        show_verdict(b, &b->verdict);
        return;
    }
    update_pin_button(b, false);
    if (b->page == AB_PAGE_UNREACHABLE) {
        set_look(b, "ab-untrusted", "\u2716");
        gtk_label_set_text(GTK_LABEL(b->panel.title), "Not connected");
        gtk_label_set_text(GTK_LABEL(b->panel.text),
                           b->unreachable != NULL ? b->unreachable : "The page could not load.");
        return;
    }
    set_look(b, "ab-neutral", "\u2026");
    bool shown = b->page == AB_PAGE_SITE;
    gtk_label_set_text(GTK_LABEL(b->panel.title), shown ? "Not verified" : "No page");
    gtk_label_set_text(GTK_LABEL(b->panel.text),
                       shown ? "WebKit did not load an http(s) page here: nothing was verified."
                             : "Type an https:// address of a device.");
}

const char *ab_panel_title(const ab_browser *b)
{
    return gtk_label_get_text(GTK_LABEL(b->panel.title));
}

const char *ab_panel_text(const ab_browser *b)
{
    return gtk_label_get_text(GTK_LABEL(b->panel.text));
}

static GtkWidget *label(const char *cls, bool wrap)
{
    GtkWidget *l = gtk_label_new(NULL);
    gtk_label_set_xalign(GTK_LABEL(l), 0);
    gtk_label_set_line_wrap(GTK_LABEL(l), wrap);
    gtk_label_set_selectable(GTK_LABEL(l), wrap);
    gtk_style_context_add_class(gtk_widget_get_style_context(l), cls);
    return l;
}

static void on_pin_clicked(GtkButton *button, gpointer data)
{
    (void)button;
    ab_browser *b = data;
    /* The headless check presses the button as `altroot pin --yes` does: without asking. */
    if (!ab_pin_device(b, b->headless != NULL))
        g_debug("nothing pinned");
}

static GtkWidget *build_panel(ab_browser *b)
{
    ab_panel *p = &b->panel;
    p->frame = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 8);
    gtk_style_context_add_class(gtk_widget_get_style_context(p->frame), "ab-panel");
    gtk_widget_set_size_request(p->frame, 520, -1);
    p->icon = label("ab-icon", false);
    p->title = label("ab-title", false);
    p->text = label("ab-text", true);
    gtk_label_set_max_width_chars(GTK_LABEL(p->text), 70);
    p->pin = gtk_button_new_with_label("Pin this device");
    gtk_widget_set_sensitive(p->pin, FALSE);
    g_signal_connect(p->pin, "clicked", G_CALLBACK(on_pin_clicked), b);
    gtk_widget_set_no_show_all(p->pin, TRUE);
    gtk_widget_set_valign(p->pin, GTK_ALIGN_CENTER);
    GtkWidget *words = gtk_box_new(GTK_ORIENTATION_VERTICAL, 2);
    gtk_box_pack_start(GTK_BOX(words), p->title, FALSE, FALSE, 0);
    gtk_box_pack_start(GTK_BOX(words), p->text, FALSE, FALSE, 0);
    gtk_box_pack_start(GTK_BOX(p->frame), p->icon, FALSE, FALSE, 0);
    gtk_box_pack_start(GTK_BOX(p->frame), words, TRUE, TRUE, 0);
    gtk_box_pack_end(GTK_BOX(p->frame), p->pin, FALSE, FALSE, 0);
    return p->frame;
}

static void on_activate(GtkEntry *entry, gpointer data)
{
    const char *text = gtk_entry_get_text(entry);
    if (text[0] == '\0')
        return;
    char *uri = strstr(text, "://") != NULL ? g_strdup(text) : g_strconcat("https://", text, NULL);
    ab_tls_open(data, uri);
    g_free(uri);
}

static void on_destroy(GtkWidget *window, gpointer data)
{
    (void)window;
    (void)data;
    if (gtk_main_level() > 0)
        gtk_main_quit();
}

static void install_css(void)
{
    GtkCssProvider *css = gtk_css_provider_new();
    if (!gtk_css_provider_load_from_data(css, panel_css, -1, NULL))
        g_printerr("altroot-browser: panel style not loaded\n");
    gtk_style_context_add_provider_for_screen(gdk_screen_get_default(), GTK_STYLE_PROVIDER(css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
    g_object_unref(css);
}

void ab_window_build(ab_browser *b)
{
    install_css();
    b->window = gtk_window_new(GTK_WINDOW_TOPLEVEL);
    gtk_window_set_title(GTK_WINDOW(b->window), "altroot-browser");
    gtk_window_set_default_size(GTK_WINDOW(b->window), AB_HEADLESS_WIDTH, AB_HEADLESS_HEIGHT);
    b->entry = gtk_entry_new();
    gtk_entry_set_placeholder_text(GTK_ENTRY(b->entry), "https://device.home.arpa/");
    gtk_widget_set_valign(b->entry, GTK_ALIGN_START);
    g_signal_connect(b->entry, "activate", G_CALLBACK(on_activate), b);
    GtkWidget *bar = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 8);
    gtk_container_set_border_width(GTK_CONTAINER(bar), 6);
    gtk_box_pack_start(GTK_BOX(bar), b->entry, TRUE, TRUE, 0);
    gtk_box_pack_start(GTK_BOX(bar), build_panel(b), FALSE, FALSE, 0);
    GtkWidget *vbox = gtk_box_new(GTK_ORIENTATION_VERTICAL, 0);
    gtk_box_pack_start(GTK_BOX(vbox), bar, FALSE, FALSE, 0);
    gtk_box_pack_start(GTK_BOX(vbox), GTK_WIDGET(b->view), TRUE, TRUE, 0);
    gtk_container_add(GTK_CONTAINER(b->window), vbox);
    g_signal_connect(b->window, "destroy", G_CALLBACK(on_destroy), NULL);
    ab_panel_update(b);
}
