/*
 * altroot-browser: a small WebKitGTK 4.1 browser whose TLS decision goes through libaltroot and
 * whose trust panel shows the verdict. Shared state and the functions each file provides:
 * main.c (options, start-up, the trust store), window.c (window and trust panel), page.c (error
 * pages), tls.c (the TLS decision), pin.c (pinning a device), headless.c (the automated check).
 */
#ifndef ALTROOT_BROWSER_H
#define ALTROOT_BROWSER_H

#include <stdbool.h>

#include <altroot/altroot.h>
#include <webkit2/webkit2.h>

/* Exit codes, as `altroot connect`: */
enum {
    AB_EXIT_TRUSTED = 0,   /* the page was verified: decision trusted */
    AB_EXIT_UNTRUSTED = 1, /* a verdict other than trusted (the report says why) */
    AB_EXIT_USAGE = 2,     /* usage error, unusable trust store, unreachable page, time-out */
};

/* The window size of a headless check, so screenshots have a known size. */
#define AB_HEADLESS_WIDTH 1024
#define AB_HEADLESS_HEIGHT 768

typedef struct ab_options {
    const char *anchors; /* --anchors DIR, or NULL */
    const char *webpki;  /* --webpki FILE ("" for none), or NULL for the system bundle */
    altroot_time at;     /* --at TIME */
    bool at_given;
    const char *url;        /* the page to open */
    bool headless;          /* --headless-check */
    const char *screenshot; /* --screenshot FILE.png */
    const char *report;     /* --report FILE.json */
    int timeout_s;          /* --timeout SEC of a headless check */
    bool headless_pin;      /* --headless-pin: press "Pin this device" when it is enabled */
} ab_options;

/* What the view shows now; the trust panel and the report follow it. */
typedef enum ab_page {
    AB_PAGE_NONE = 0,    /* nothing loaded yet */
    AB_PAGE_SITE,        /* the site's own page */
    AB_PAGE_BLOCKED,     /* our error page: altroot did not trust the certificate */
    AB_PAGE_UNREACHABLE, /* our error page: no connection (or not HTTPS at all) */
} ab_page;

typedef struct ab_panel {
    GtkWidget *frame; /* the whole panel; its CSS class follows the decision */
    GtkWidget *icon;  /* a symbol label: padlock-like, shield-like, or a cross */
    GtkWidget *title; /* one line: the decision in words */
    GtkWidget *text;  /* what was proved, by whom, and why not more */
    GtkWidget *pin;   /* "Pin this device" (attested only) */
} ab_panel;

typedef struct ab_browser {
    ab_options opt;
    altroot_trust_store *store; /* owned */
    GtkWidget *window;
    GtkWidget *entry; /* the address bar */
    ab_panel panel;
    WebKitWebContext *context; /* owned: ephemeral, TLS errors fail */
    WebKitWebView *view;
    /* The verdict on the page shown (valid when has_verdict). */
    altroot_verdict verdict;
    bool has_verdict;
    ab_page page;      /* what the view shows now */
    ab_page next_page; /* what the load in progress will show (set before each load) */
    char *unreachable; /* owned: why the page could not be reached (AB_PAGE_UNREACHABLE) */
    /* What WebKit said about the certificate, and the exception we granted. */
    GTlsCertificateFlags webkit_errors;
    bool exception_allowed;
    char exception_host[256];
    char exception_sha256[65]; /* hex SHA-256 of the leaf DER we allowed for exception_host */
    bool tls_failure_handled;  /* the current load failed with TLS errors and we took over */
    bool committed;            /* the current load committed (a failed load never does) */
    int loads;                 /* loads started, to bound reload loops */
    char *pinned;              /* owned: the pin file written in this run, or NULL */
    /* When WebKit's TLS library failed the handshake itself (no certificate reached us), the
     * device is judged over the browser's own connection (tls.c, "own connection"). */
    char *engine_error;  /* owned: the engine's message, when the shown verdict came that way */
    bool engine_blocked; /* altroot trusted it that way, but the engine cannot open the page */
    unsigned judge_seq;  /* the judgement whose answer is still wanted */
    bool checking;       /* that judgement is running: the panel says so */
    int workers;         /* (atomic) worker threads still running an own connection */
    GPtrArray *retired;  /* trust stores replaced by a pin while workers still read them */
    bool closing;        /* the main loop has ended: no new judgements */
    /* The headless check (NULL in interactive mode). */
    struct ab_headless *headless;
} ab_browser;

/* ---- main.c ---- */

/* Load the trust store of `o`, refused as a whole when any anchor or pin is unusable. On
 * success returns NULL and sets *out (caller frees with altroot_trust_store_free); otherwise
 * returns the problems, one per line (caller frees with g_free), and leaves *out untouched. */
char *ab_store_load(const ab_options *o, altroot_trust_store **out);

/* ---- window.c ---- */

/* Build the window (address bar, trust panel, the page) around b->view. */
void ab_window_build(ab_browser *b);
/* Show the verdict in the trust panel (b->verdict when b->has_verdict, else b->page's state). */
void ab_panel_update(ab_browser *b);
/* The panel's title and text as shown (borrowed from the labels). */
const char *ab_panel_title(const ab_browser *b);
const char *ab_panel_text(const ab_browser *b);

/* ---- describe.c: a verdict in words ---- */

/* The first attested (or, with `owned`, ownership) fact of a proved root whose key is one of
 * `keys` (NULL-terminated); borrowed from `v`, or NULL. */
const char *ab_describe_fact(const altroot_verdict *v, bool owned, const char *const *keys);
/* Who made the device and which model, when a root proved it, in words (a name's
 * organisation, an identifier with what it is); NULL when no root says. Caller frees (g_free). */
char *ab_describe_maker(const altroot_verdict *v);
char *ab_describe_model(const altroot_verdict *v);
/* The root that proved ownership (its anchor vouches for the device), or NULL. */
const altroot_root_result *ab_describe_owner_root(const altroot_verdict *v);
/* One failure in plain words: "what failed (NAME) at WHERE: detail". Caller frees (g_free). */
char *ab_describe_failure(const altroot_failure *f);

/* ---- page.c ---- */

/* Show the error page for an untrusted verdict (no way to continue to the site). */
void ab_page_show_blocked(ab_browser *b, const char *uri);
/* Show the error page for a page that could not be reached. */
void ab_page_show_unreachable(ab_browser *b, const char *uri, const char *why);

/* ---- pin.c ---- */

/* Why the shown verdict cannot be pinned, in words for the button's tooltip; NULL when it can
 * (an `attested` verdict, an --anchors folder, and an identity to pin). Caller frees (g_free). */
char *ab_pin_unavailable(const ab_browser *b);
/* Pin the device of the shown verdict: ask first unless `confirmed`, then write the pin, reload
 * the trust store and open the page again. Returns false (after telling the user) when nothing
 * was pinned; b->pinned names the file written. */
bool ab_pin_device(ab_browser *b, bool confirmed);

/* ---- tls.c ---- */

/* Create the web context and view with the TLS policy and the signal handlers of the trust
 * decision. Returns false (after printing) on failure. */
bool ab_tls_setup(ab_browser *b);
/* The verification time: --at, or now. */
altroot_time ab_tls_time(const ab_browser *b);
/* Open a URL (typed or given on the command line). */
void ab_tls_open(ab_browser *b, const char *uri);
/* A pin replaced the trust store: free the old one once no worker thread can read it. */
void ab_tls_retire_store(ab_browser *b, altroot_trust_store *old);
/* At exit: wait for the worker threads (bounded by their connect and handshake time-outs), then
 * free the retired stores. */
void ab_tls_drain(ab_browser *b);

/* ---- headless.c ---- */

/* Run the headless check of b->opt.url; returns the exit code. */
int ab_headless_run(ab_browser *b);
/* Called by tls.c when the page shown is final (site page, or one of our error pages). */
void ab_headless_page_done(ab_browser *b);
/* Called by pin.c when pinning failed: the report says why. */
void ab_headless_pin_failed(ab_browser *b, const char *why);

#endif
