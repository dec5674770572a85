/* The readable report. */
#include <stdio.h>

#include <altroot/verdict.h>

#include "../core/guard.h"

static void print_facts(FILE *out, const char *label, bool proved, const altroot_facts *f)
{
    if (!proved)
        return;
    fprintf(out, "    %s:\n", label);
    for (size_t i = 0; i < f->count; i++)
        fprintf(out, "      %s: %s\n", f->keys[i], f->values[i]);
}

static void print_failures(FILE *out, const char *indent, const altroot_failures *l)
{
    for (size_t i = 0; i < l->count; i++)
        fprintf(out, "%s%s (%d) %s%s%s\n", indent, altroot_error_name(l->items[i].code),
                l->items[i].code, l->items[i].where ? l->items[i].where : "",
                l->items[i].where ? ": " : "", l->items[i].detail);
}

static void print_tls(const altroot_verdict *v, FILE *out)
{
    char nb[ALTROOT_TIME_STR_LEN], na[ALTROOT_TIME_STR_LEN];
    if (!v->tls) {
        fprintf(out, "TLS:          not established\n");
        return;
    }
    fprintf(out, "TLS:          %s, %s, peer %s\n", v->tls_version ? v->tls_version : "?",
            v->tls_cipher ? v->tls_cipher : "?", v->address ? v->address : "?");
    if (v->chain_length == 0)
        return;
    altroot_time_format(v->leaf.not_before, nb);
    altroot_time_format(v->leaf.not_after, na);
    fprintf(out, "Certificate:  %s\n", v->leaf.subject ? v->leaf.subject : "");
    fprintf(out, "  issuer:     %s%s\n", v->leaf.issuer ? v->leaf.issuer : "",
            v->leaf.self_signed ? " (self-signed)" : "");
    fprintf(out, "  valid:      %s .. %s\n", nb, na);
    fprintf(out, "  key:        %s\n", v->leaf.key ? v->leaf.key : "?");
    fprintf(out, "  sha256:     %s\n", v->leaf.sha256);
    for (size_t i = 0; i < v->leaf.sans.count; i++)
        fprintf(out, "  name:       %s\n", v->leaf.sans.items[i]);
    fprintf(out, "  chain:      %zu certificate%s presented\n", v->chain_length,
            v->chain_length == 1 ? "" : "s");
}

altroot_err altroot_verdict_print(const altroot_verdict *v, FILE *out)
{
    ENSURE(v != NULL && out != NULL, ALTROOT_E_INTERNAL);
    char at[ALTROOT_TIME_STR_LEN];
    altroot_time_format(v->at, at);
    fprintf(out, "Target:       %s\n", v->target ? v->target : "");
    fprintf(out, "Verified at:  %s\n", at);
    fprintf(out, "Decision:     %s (rule %d)\n", altroot_decision_name(v->decision), v->rule);
    fprintf(out, "Message:      %s\n", v->message ? v->message : "");
    /* An offline artefact has no connection: no class and no TLS, and a name only when the
     * artefact itself binds one (a NOC's operational instance name). */
    bool connection = v->address != NULL || v->tls || v->cert_class >= 0;
    if (connection) {
        fprintf(out, "Class:        %d, %s", v->cert_class,
                altroot_cert_class_description(v->cert_class));
        if (v->lifted_class >= 0)
            fprintf(out, ", lifted to %d", v->lifted_class);
        fprintf(out, "\n");
        if (v->class_note != NULL)
            fprintf(out, "              %s\n", v->class_note);
    }
    if (connection || v->name.name != NULL) {
        fprintf(out, "Name:         %s", v->name.bound ? "bound" : "not bound");
        if (v->name.name != NULL)
            fprintf(out, " (%s", v->name.name);
        if (v->name.bound && v->name.method != NULL)
            fprintf(out, " by %s via %s", v->name.method, v->name.by ? v->name.by : "?");
        fprintf(out, "%s\n", v->name.name != NULL ? ")" : "");
        if (v->name.pin != NULL)
            fprintf(out, "Pin:          %s (%s), %s\n", v->name.pinned_identity, v->name.pin,
                    v->name.pin_matched ? "this device" : "NOT this device");
        if (v->name.key_hash_name)
            fprintf(out, "Key hash:     the name is a key-hash name of %s\n",
                    v->name.key_hash_matched ? "this device's key" : "ANOTHER key");
    }
    if (connection)
        print_tls(v, out);
    for (size_t i = 0; i < v->root_count; i++) {
        const altroot_root_result *r = &v->roots[i];
        fprintf(out, "Root %-8s %s, %s%s\n", r->root, altroot_root_status_name(r->status),
                altroot_mode_name(r->mode), r->evidence ? ", evidence presented" : "");
        if (r->anchor != NULL)
            fprintf(out, "    anchor: %s%s%s%s\n", r->anchor, r->anchor_file ? " (" : "",
                    r->anchor_file ? r->anchor_file : "", r->anchor_file ? ")" : "");
        print_facts(out, "attestation", r->attestation, &r->attested);
        print_facts(out, "ownership", r->ownership, &r->owned);
        if (r->identity != NULL)
            fprintf(out, "    identity: %s\n", r->identity);
        if (r->status != ALTROOT_ROOT_VERIFIED)
            print_failures(out, "    ", &r->failures);
    }
    if (v->failures.count > 0) {
        fprintf(out, "Failures:\n");
        print_failures(out, "  ", &v->failures);
    }
    for (size_t i = 0; i < v->warnings.count; i++)
        fprintf(out, "Warning:      %s\n", v->warnings.items[i]);
    return ferror(out) ? ALTROOT_E_IO : ALTROOT_OK;
}
