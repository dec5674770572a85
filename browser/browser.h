/*
 * altroot-browser: a small WebKitGTK 4.1 browser whose TLS decision goes through libaltroot and
 * whose trust panel shows the verdict. Shared state and the functions each file provides:
 * main.c (options, start-up, the trust store), window.c (window and trust panel), page.c (error
 * pages), tls.c (the load decisions), proxy.c (the judging proxy every load goes through), pin.c
 * (pinning a device), headless.c (the automated check).
 */
#ifndef ALTROOT_BROWSER_H
#define ALTROOT_BROWSER_H

#include <stdbool.h>

#include <altroot/altroot.h>
#include <jansson.h>
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
    /* What WebKit said about the certificate it received: the proxy's own for the host. */
    GTlsCertificateFlags webkit_errors;
    bool relayed;           /* the site page shown came over a tunnel the proxy judged trusted */
    bool committed;         /* the current load committed (a failed load never does) */
    int loads;              /* loads started, to bound reload loops */
    unsigned tunnel_seq;    /* tunnels judged before the current load started */
    bool seq_taken;         /* tunnel_seq was taken for a load the browser started */
    char *pinned;           /* owned: the pin file written in this run, or NULL */
    struct ab_proxy *proxy; /* owned: the loopback CONNECT proxy every load goes through */
    int workers;            /* tunnels judging with b->store now (under the proxy's lock) */
    GPtrArray *retired;     /* trust stores replaced by a pin while tunnels still read them */
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

/* Create the web context and view with the TLS policy, the proxy and the signal handlers of the
 * trust decision. Returns false (after printing) on failure. */
bool ab_tls_setup(ab_browser *b);
/* The verification time: --at, or now. Safe from any thread. */
altroot_time ab_tls_time(const ab_browser *b);
/* Open a URL (typed or given on the command line). */
void ab_tls_open(ab_browser *b, const char *uri);
/* At exit: stop the proxy (bounded by the device time-outs of running tunnels). */
void ab_tls_drain(ab_browser *b);

/* ---- proxy.c: the loopback CONNECT proxy that judges and relays every load ---- */

/* What the latest tunnel to a host and port, judged after a given point, came to. */
typedef enum ab_tunnel_state {
    AB_TUNNEL_NONE = 0,    /* no tunnel since then */
    AB_TUNNEL_RELAYED,     /* trusted: the judged connection was relayed to WebKit */
    AB_TUNNEL_REFUSED,     /* judged and refused: the verdict says why */
    AB_TUNNEL_UNREACHABLE, /* the device could not be reached: the reason says why */
} ab_tunnel_state;

typedef struct ab_tunnel_record {
    unsigned seq;     /* the proxy's count of tunnels when this one was judged */
    bool relayed;     /* trusted, and relayed */
    bool has_verdict; /* a verdict was produced (else `why` says why not) */
    altroot_verdict verdict;
    char *why;
} ab_tunnel_record;

typedef struct ab_tunnel_entry {
    char *host;
    int port;
    char *decision;    /* "trusted", "attested", "untrusted" or "unreachable" */
    char *leaf_sha256; /* the device's leaf, or NULL */
    bool relayed;
} ab_tunnel_entry;

/* Listen on 127.0.0.1 (an ephemeral port) and start accepting tunnels. */
bool ab_proxy_start(ab_browser *b);
/* "http://127.0.0.1:PORT", for WebKit's proxy settings. Caller frees (g_free). */
char *ab_proxy_uri(const ab_browser *b);
/* The user name and this run's secret WebKit presents to the proxy at 127.0.0.1:`port`, borrowed
 * until ab_proxy_stop; false for any other host or port (never handed to a site). */
bool ab_proxy_credential(const ab_browser *b, const char *host, guint port, const char **user,
                         const char **secret);
/* Tell WebKit (main thread) to accept the proxy's own certificate for `host`, made on first
 * use. False when no certificate could be made. */
bool ab_proxy_grant(ab_browser *b, const char *host);
/* `cert` is the proxy's own certificate for `host`. */
bool ab_proxy_is_own_certificate(ab_browser *b, const char *host, GTlsCertificate *cert);
/* Tunnels judged so far, to tell which ones belong to a load. */
unsigned ab_proxy_seq(ab_browser *b);
/* The latest tunnel to host:port judged after `after`: its state, and for REFUSED its verdict
 * copied into `out` (initialised by the caller), for UNREACHABLE the reason (caller frees). */
ab_tunnel_state ab_proxy_latest(ab_browser *b, const char *host, int port, unsigned after,
                                altroot_verdict *out, char **why);
/* The verdict of the latest relayed tunnel to host:port, copied into `out`; false when none. */
bool ab_proxy_relayed(ab_browser *b, const char *host, int port, altroot_verdict *out);
/* Every tunnel judged in this run, as a JSON array (caller owns the reference). */
json_t *ab_proxy_report(const ab_browser *b);
/* A pin replaced the trust store: tunnels judge with `store` from now on; the old one is freed
 * once no tunnel reads it. */
void ab_proxy_replace_store(ab_browser *b, altroot_trust_store *store);
/* Stop accepting, cut the running tunnels and wait for them; frees the proxy. */
void ab_proxy_stop(ab_browser *b);

/* ---- headless.c ---- */

/* Run the headless check of b->opt.url; returns the exit code. */
int ab_headless_run(ab_browser *b);
/* Called by tls.c when the page shown is final (site page, or one of our error pages). */
void ab_headless_page_done(ab_browser *b);
/* Called by pin.c when pinning failed: the report says why. */
void ab_headless_pin_failed(ab_browser *b, const char *why);

#endif
