/*
 * "Pin this device": record the attested identity of the device shown for the host it was
 * opened at, in the pins/ folder of the user's trust store (docs/trust-store.md "Pins"), after
 * the user has seen what will be pinned and accepted. The store is then loaded again and the page
 * opened again, so the device is decided by rule 5 exactly as on any later visit; any other
 * device at that name is refused by rule 2.
 */
#include <string.h>

#include "browser.h"

/* The pin the shown verdict would record (initialised here; the caller clears it). */
static altroot_err pin_of(const ab_browser *b, altroot_pin *pin)
{
    const altroot_verdict *v = &b->verdict;
    memset(pin, 0, sizeof *pin);
    if (v->name.name == NULL)
        return ALTROOT_E_PIN_NOTHING;
    return altroot_pin_from_verdict(v, v->name.name, ab_tls_time(b), pin);
}

char *ab_pin_unavailable(const ab_browser *b)
{
    if (!b->has_verdict || b->verdict.decision != ALTROOT_DECISION_ATTESTED)
        return g_strdup("Only a genuine device that is not yet proven yours can be pinned.");
    if (b->opt.anchors == NULL)
        return g_strdup("No --anchors folder to record pins in: start the browser with "
                        "--anchors DIR to pin devices.");
    altroot_pin pin;
    altroot_err err = pin_of(b, &pin);
    altroot_pin_clear(&pin);
    if (err == ALTROOT_OK)
        return NULL;
    if (err == ALTROOT_E_PIN_NOTHING)
        return g_strdup("Nothing to pin: this device proves no identity that a pin could record "
                        "(E_PIN_NOTHING).");
    return g_strdup_printf("Cannot pin this device: %s (%s).", altroot_strerror(err),
                           altroot_error_name(err));
}

/* Tell the user why nothing (more) happened: stderr always, a dialog or the report. */
static void tell(ab_browser *b, const char *what, const char *why)
{
    g_printerr("altroot-browser: %s: %s\n", what, why);
    if (b->headless != NULL) {
        char *line = g_strdup_printf("%s: %s", what, why);
        ab_headless_pin_failed(b, line);
        g_free(line);
        return;
    }
    GtkWidget *d = gtk_message_dialog_new(GTK_WINDOW(b->window), GTK_DIALOG_MODAL,
                                          GTK_MESSAGE_ERROR, GTK_BUTTONS_CLOSE, "%s", what);
    gtk_message_dialog_format_secondary_text(GTK_MESSAGE_DIALOG(d), "%s", why);
    gtk_dialog_run(GTK_DIALOG(d));
    gtk_widget_destroy(d);
}

/* Show what will be pinned and ask; true when the user accepts. */
static bool confirm(ab_browser *b, const altroot_pin *pin)
{
    const char *replaced = b->verdict.name.pin;
    GtkWidget *d =
        gtk_message_dialog_new(GTK_WINDOW(b->window), GTK_DIALOG_MODAL, GTK_MESSAGE_QUESTION,
                               GTK_BUTTONS_NONE, "Pin this device for %s?", pin->name);
    gtk_message_dialog_format_secondary_text(
        GTK_MESSAGE_DIALOG(d),
        "Device: %s\nRoot: %s\nIdentity: %s\nName: %s\n\nFrom now on, %s is trusted when it is "
        "this unit, and any other device there is blocked. The pin is written to %s/pins/%s%s.",
        pin->description != NULL ? pin->description : "no description", pin->root, pin->identity,
        pin->name, pin->name, b->opt.anchors, replaced != NULL ? ", replacing " : "",
        replaced != NULL ? replaced : "");
    gtk_dialog_add_buttons(GTK_DIALOG(d), "_Cancel", GTK_RESPONSE_CANCEL, "_Pin",
                           GTK_RESPONSE_ACCEPT, NULL);
    gtk_dialog_set_default_response(GTK_DIALOG(d), GTK_RESPONSE_CANCEL);
    gint response = gtk_dialog_run(GTK_DIALOG(d));
    gtk_widget_destroy(d);
    return response == GTK_RESPONSE_ACCEPT;
}

static bool save(ab_browser *b, const altroot_pin *pin)
{
    char path[4096];
    altroot_err err = altroot_pin_save(b->opt.anchors, pin, b->verdict.name.pin, path, sizeof path);
    if (err != ALTROOT_OK) {
        char *why = g_strdup_printf("%s/pins: %s (%s)", b->opt.anchors, altroot_strerror(err),
                                    altroot_error_name(err));
        tell(b, "The device was not pinned", why);
        g_free(why);
        return false;
    }
    g_free(b->pinned);
    b->pinned = g_strdup(path);
    g_printerr("altroot-browser: pinned %s to %s %s in %s\n", pin->name, pin->root, pin->identity,
               path);
    return true;
}

/* A new store from the same options, so the pin takes part in every later decision. A store
 * with problems is refused, as at start-up: the browser keeps the one it had. */
static bool reload_store(ab_browser *b)
{
    altroot_trust_store *store = NULL;
    char *problems = ab_store_load(&b->opt, &store);
    if (problems != NULL) {
        tell(b,
             "The pin was written, but the trust store now has problems; the browser keeps "
             "the anchors it had and does not use the pin",
             problems);
        g_free(problems);
        return false;
    }
    ab_proxy_replace_store(b, store); /* a tunnel may still read the old one */
    return true;
}

bool ab_pin_device(ab_browser *b, bool confirmed)
{
    char *why = ab_pin_unavailable(b);
    if (why != NULL) {
        tell(b, "Nothing was pinned", why);
        g_free(why);
        return false;
    }
    altroot_pin pin;
    altroot_err err = pin_of(b, &pin);
    bool ok =
        err == ALTROOT_OK && (confirmed || confirm(b, &pin)) && save(b, &pin) && reload_store(b);
    altroot_pin_clear(&pin);
    if (!ok)
        return false;
    char *uri = g_strdup(b->verdict.target);
    ab_tls_open(b, uri);
    g_free(uri);
    return true;
}
