/*
 * The status page at /.well-known/altroot/status: the certificate chain served (subjects,
 * issuers, SHA-256 of each certificate), uptime and connection counters. Nothing secret: no key
 * material, no file system paths, no client addresses.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <altroot/version.h>

#include "server_internal.h"

typedef struct cert_row {
    char subject[512];
    char issuer[512];
    char sha256[65];
} cert_row;

static void cert_row_fill(const altroot_cert *cert, cert_row *row)
{
    uint8_t digest[32];
    altroot_cert_subject(cert, row->subject, sizeof row->subject);
    altroot_cert_issuer(cert, row->issuer, sizeof row->issuer);
    altroot_cert_sha256(cert, digest);
    altroot_hex_encode((altroot_span){digest, sizeof digest}, row->sha256);
}

static json_t *chain_json(const altroot_certs *chain)
{
    json_t *a = json_array();
    for (size_t i = 0; a != NULL && i < altroot_certs_count(chain); i++) {
        cert_row row;
        cert_row_fill(altroot_certs_get(chain, i), &row);
        if (json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "subject", row.subject, "issuer",
                                               row.issuer, "sha256", row.sha256)) != 0) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

/* Fair admission: per-address counts and limits (counts only, never an address). */
static altroot_err admission_json(const srv *s, json_t *obj)
{
    const srv_stats *st = &s->stats;
    const struct {
        const char *name;
        uint64_t value;
    } rows[] = {
        {"idle", st->idle},
        {"sources", st->sources},
        {"peak_per_source", st->peak_per_source},
        {"rejected_per_source", st->rejected_per_source},
        {"evicted_idle", st->evicted_idle},
        {"idle_closed_per_source", st->idle_closed_per_source},
        {"max_per_source", s->max_per_source},
        {"max_idle_per_source", s->max_idle_per_source},
    };
    for (size_t i = 0; i < ALTROOT_ARRAY_LEN(rows); i++)
        ENSURE(json_object_set_new(obj, rows[i].name, json_integer((json_int_t)rows[i].value)) == 0,
               ALTROOT_E_NOMEM);
    return ALTROOT_OK;
}

static json_t *stats_json(const srv *s)
{
    const srv_stats *st = &s->stats;
    json_t *obj = json_pack(
        "{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "open", (json_int_t)st->open,
        "peak_open", (json_int_t)st->peak_open, "accepted", (json_int_t)st->accepted,
        "rejected_at_limit", (json_int_t)st->rejected_at_limit, "handshakes",
        (json_int_t)st->handshakes, "handshake_failures", (json_int_t)st->handshake_failures,
        "not_tls", (json_int_t)st->not_tls, "timeouts", (json_int_t)st->timeouts, "requests",
        (json_int_t)st->requests, "max", (json_int_t)s->max_conn);
    if (obj != NULL && admission_json(s, obj) != ALTROOT_OK) {
        json_decref(obj);
        return NULL;
    }
    return obj;
}

static altroot_err status_json(const conn *c, uint64_t uptime, altroot_bytes *out)
{
    const srv *s = c->srv;
    json_t *doc =
        json_pack("{s:s, s:I, s:s, s:b, s:o, s:o, s:{s:I, s:I, s:I}, s:{s:s, s:s}}", "server",
                  "altroot/" ALTROOT_VERSION_STRING, "uptime_seconds", (json_int_t)uptime, "listen",
                  s->bound, "serving_files", s->root[0] != '\0', "chain", chain_json(s->cfg->chain),
                  "connections", stats_json(s), "limits", "timeout_ms",
                  (json_int_t)s->cfg->timeout_ms, "max_request_head", (json_int_t)HTTP_MAX_HEAD,
                  "max_fields", (json_int_t)HTTP_MAX_FIELDS, "this_connection", "tls_version",
                  altroot_tls_event_version(c->tls), "cipher", altroot_tls_event_cipher(c->tls));
    ENSURE(doc != NULL, ALTROOT_E_NOMEM);
    char *text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(doc);
    ENSURE(text != NULL, ALTROOT_E_NOMEM);
    altroot_err err = altroot_bytes_append(out, text, strlen(text));
    if (err == ALTROOT_OK)
        err = altroot_bytes_append_u8(out, '\n');
    free(text); /* jansson's default allocator */
    return err;
}

/* HTML text escaping (subjects may hold '<' and '&'). */
static altroot_err append_escaped(altroot_bytes *out, const char *s)
{
    for (; *s != '\0'; s++) {
        const char *rep = *s == '<'   ? "&lt;"
                          : *s == '>' ? "&gt;"
                          : *s == '&' ? "&amp;"
                          : *s == '"' ? "&quot;"
                                      : NULL;
        if (rep != NULL)
            TRY(altroot_bytes_append(out, rep, strlen(rep)));
        else
            TRY(altroot_bytes_append_u8(out, (uint8_t)*s));
    }
    return ALTROOT_OK;
}

static altroot_err html_chain(const altroot_certs *chain, altroot_bytes *out)
{
    TRY(srv_appendf(out, "<h2>Certificate chain served</h2>\n<table>\n"
                         "<tr><th>#</th><th>subject</th><th>issuer</th><th>SHA-256</th></tr>\n"));
    for (size_t i = 0; i < altroot_certs_count(chain); i++) {
        cert_row row;
        cert_row_fill(altroot_certs_get(chain, i), &row);
        TRY(srv_appendf(out, "<tr><td>%zu</td><td>", i));
        TRY(append_escaped(out, row.subject));
        TRY(srv_appendf(out, "</td><td>"));
        TRY(append_escaped(out, row.issuer));
        TRY(srv_appendf(out, "</td><td><code>%s</code></td></tr>\n", row.sha256));
    }
    return srv_appendf(out, "</table>\n");
}

static altroot_err html_stats(const srv *s, altroot_bytes *out)
{
    const srv_stats *st = &s->stats;
    TRY(srv_appendf(out, "<h2>Connections</h2>\n<table>\n"));
    TRY(srv_appendf(
        out,
        "<tr><td>open</td><td>%llu</td></tr>\n<tr><td>peak open</td><td>%llu</td></tr>\n"
        "<tr><td>limit</td><td>%zu</td></tr>\n<tr><td>accepted</td><td>%llu</td></tr>\n"
        "<tr><td>rejected at the limit</td><td>%llu</td></tr>\n",
        (unsigned long long)st->open, (unsigned long long)st->peak_open, s->max_conn,
        (unsigned long long)st->accepted, (unsigned long long)st->rejected_at_limit));
    TRY(srv_appendf(out,
                    "<tr><td>handshakes</td><td>%llu</td></tr>\n"
                    "<tr><td>handshake failures</td><td>%llu</td></tr>\n"
                    "<tr><td>not TLS</td><td>%llu</td></tr>\n"
                    "<tr><td>timeouts</td><td>%llu</td></tr>\n"
                    "<tr><td>requests</td><td>%llu</td></tr>\n</table>\n",
                    (unsigned long long)st->handshakes, (unsigned long long)st->handshake_failures,
                    (unsigned long long)st->not_tls, (unsigned long long)st->timeouts,
                    (unsigned long long)st->requests));
    TRY(srv_appendf(out,
                    "<h2>Fair admission</h2>\n<table>\n"
                    "<tr><td>idle (no complete request)</td><td>%llu</td></tr>\n"
                    "<tr><td>client addresses</td><td>%llu</td></tr>\n"
                    "<tr><td>most held by one address</td><td>%llu</td></tr>\n",
                    (unsigned long long)st->idle, (unsigned long long)st->sources,
                    (unsigned long long)st->peak_per_source));
    TRY(srv_appendf(
        out,
        "<tr><td>limit per address</td><td>%zu</td></tr>\n"
        "<tr><td>idle limit per address</td><td>%zu</td></tr>\n"
        "<tr><td>rejected: address at its limit</td><td>%llu</td></tr>\n"
        "<tr><td>idle evicted at the limit</td><td>%llu</td></tr>\n"
        "<tr><td>keep-alive ended: address at its idle limit</td><td>%llu</td></tr>\n"
        "</table>\n",
        s->max_per_source, s->max_idle_per_source, (unsigned long long)st->rejected_per_source,
        (unsigned long long)st->evicted_idle, (unsigned long long)st->idle_closed_per_source));
    return ALTROOT_OK;
}

static altroot_err status_html(const conn *c, uint64_t uptime, altroot_bytes *out)
{
    TRY(srv_appendf(out,
                    "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
                    "<title>altroot device status</title></head><body>\n"
                    "<h1>altroot serve %s</h1>\n<p>Up for %llu s, listening on %s. "
                    "This connection: %s, %s.</p>\n",
                    ALTROOT_VERSION_STRING, (unsigned long long)uptime, c->srv->bound,
                    altroot_tls_event_version(c->tls), altroot_tls_event_cipher(c->tls)));
    TRY(html_chain(c->srv->cfg->chain, out));
    TRY(html_stats(c->srv, out));
    return srv_appendf(out, "<p><a href=\"?format=json\">JSON</a></p>\n</body></html>\n");
}

altroot_err status_page(const conn *c, bool json, altroot_bytes *out)
{
    uint64_t uptime = (srv_now_ms() - c->srv->started_ms) / 1000;
    return json ? status_json(c, uptime, out) : status_html(c, uptime, out);
}
