/*
 * The pages the browser shows instead of a site: a blocked page for a certificate altroot does
 * not trust (or an attested device that is not proven to be yours), and an unreachable page.
 * They explain what happened in plain words and offer no way to continue: there is no link,
 * button or form on them. Everything taken from the certificate is HTML-escaped.
 */
#include "browser.h"

static const char page_style[] =
    "<style>"
    "body{font-family:'DejaVu Sans',sans-serif;margin:0;background:#f6f6f4;color:#222}"
    ".banner{padding:28px 40px;color:#fff}"
    ".untrusted{background:#b3261e}.attested{background:#1f5fa8}.unreachable{background:#5f6368}"
    ".banner h1{margin:0 0 8px 0;font-size:26px}.banner p{margin:0;font-size:16px}"
    "main{padding:20px 40px}h2{font-size:17px;margin:18px 0 6px 0}"
    "li{margin:4px 0}code{background:#e8e8e4;padding:1px 4px}"
    ".note{border-left:4px solid #999;padding:6px 12px;background:#fff}"
    "</style>";

/* Append `text` HTML-escaped. */
static void put_escaped(GString *html, const char *text)
{
    char *e = g_markup_escape_text(text != NULL ? text : "", -1);
    g_string_append(html, e);
    g_free(e);
}

static void put_head(GString *html, const char *cls, const char *heading, const char *lead)
{
    g_string_append(html, "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>");
    put_escaped(html, heading);
    g_string_append_printf(html, "</title>%s</head><body><div class=\"banner %s\"><h1>", page_style,
                           cls);
    put_escaped(html, heading);
    g_string_append(html, "</h1><p>");
    put_escaped(html, lead);
    g_string_append(html, "</p></div><main>");
}

static void put_failures(GString *html, const altroot_verdict *v)
{
    if (v->failures.count == 0)
        return;
    g_string_append(html, "<h2>What failed</h2><ul>");
    for (size_t i = 0; i < v->failures.count; i++) {
        char *line = ab_describe_failure(&v->failures.items[i]);
        g_string_append(html, "<li>");
        put_escaped(html, line);
        g_string_append(html, "</li>");
        g_free(line);
    }
    g_string_append(html, "</ul>");
}

static void put_certificate(GString *html, const altroot_verdict *v)
{
    if (v->chain_length == 0)
        return;
    g_string_append(html, "<h2>The certificate it presented</h2><ul><li>Issued to: ");
    put_escaped(html, v->leaf.subject);
    g_string_append(html, "</li><li>Issued by: ");
    put_escaped(html, v->leaf.issuer);
    if (v->cert_class >= 0) {
        g_string_append_printf(html, "</li><li>Certificate class %d: ", v->cert_class);
        put_escaped(html, altroot_cert_class_description(v->cert_class));
    }
    g_string_append(html, "</li></ul>");
}

static void put_attested(GString *html, const altroot_verdict *v)
{
    char *maker = ab_describe_maker(v), *model = ab_describe_model(v);
    g_string_append(html, "<h2>What is known</h2><ul><li>Made by: ");
    put_escaped(html, maker != NULL ? maker : "a maker the anchors name");
    g_string_append(html, "</li><li>Model: ");
    put_escaped(html, model != NULL ? model : "not stated");
    g_free(maker);
    g_free(model);
    g_string_append(html,
                    "</li></ul><p class=\"note\">This is a genuine device of that maker, but "
                    "nothing proves that it is <b>yours</b> or that it is the name you typed: "
                    "another unit of the same model would pass the same check. If it is "
                    "yours, <b>Pin this device</b> in the trust panel: this name is then "
                    "trusted for this unit only. Until then the page stays closed.</p>");
}

/* Something presented a certificate that failed a check that only an impostor or a tamperer
 * fails: broken evidence (rule 1), another device at a pinned name (rule 2), or a certificate
 * that did not come through the browser's checks. Adding an authority is then the wrong advice. */
static bool is_tampering(const altroot_verdict *v)
{
    return v->rule == 1 || v->rule == 2 ||
           altroot_failures_has(&v->failures, ALTROOT_E_ENGINE_CERT);
}

/* What a person can do: one piece of advice that fits the verdict. */
static void put_advice(GString *html, const altroot_verdict *v)
{
    const char *advice =
        is_tampering(v)
            ? "The browser blocked this page: there is no way to continue to it from here. "
              "Something at this address is not the device it claims to be, or its proof was "
              "changed. Do not look for a way around this; if you expected your own device "
              "here, check the device and your network."
        : altroot_failures_has(&v->failures, ALTROOT_E_NOT_TLS)
            ? "The browser blocked this page: there is no way to continue to it from here. Open "
              "the device's https:// address instead."
            : "The browser blocked this page: there is no way to continue to it from here. If "
              "this is your device, add the authority that vouches for it (your local CA, "
              "fabric, owner key or domain CA) to your anchors folder and open the address "
              "again.";
    g_string_append(html, "<p class=\"note\">");
    put_escaped(html, advice);
    g_string_append(html, "</p>");
}

void ab_page_show_blocked(ab_browser *b, const char *uri)
{
    const altroot_verdict *v = &b->verdict;
    bool attested = b->has_verdict && v->decision == ALTROOT_DECISION_ATTESTED;
    GString *html = g_string_new(NULL);
    put_head(html, attested ? "attested" : "untrusted",
             attested ? "A genuine device, not proven to be yours"
                      : "This connection is not trusted",
             v->message != NULL ? v->message : "altroot did not trust this certificate.");
    if (attested)
        put_attested(html, v); /* its advice is the pin button */
    else
        put_failures(html, v);
    put_certificate(html, v);
    if (!attested)
        put_advice(html, v);
    g_string_append(html, "</main></body></html>");
    b->next_page = AB_PAGE_BLOCKED;
    webkit_web_view_load_alternate_html(b->view, html->str, uri, NULL);
    g_string_free(html, TRUE);
}

void ab_page_show_unreachable(ab_browser *b, const char *uri, const char *why)
{
    g_free(b->unreachable);
    b->unreachable = g_strdup(why);
    GString *html = g_string_new(NULL);
    put_head(html, "unreachable", "The device could not be reached", why);
    g_string_append(html, "<h2>Address</h2><p><code>");
    put_escaped(html, uri);
    g_string_append(html, "</code></p><p class=\"note\">No connection was made, so nothing was "
                          "verified. Check that the device is on and that the address and port "
                          "are right.</p></main></body></html>");
    b->next_page = AB_PAGE_UNREACHABLE;
    webkit_web_view_load_alternate_html(b->view, html->str, uri, NULL);
    g_string_free(html, TRUE);
}
