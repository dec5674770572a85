/*
 * Device side: a TLS key and certificate that any TLS server can serve unchanged, carrying the
 * evidence in the id-pe-cmw extension (docs/evidence.md) and extendedKeyUsage serverAuth only,
 * self-signed or issued by a CA key the device was given; and the FDO owner-issued certificate of
 * the primary integration.
 */
#include <arpa/inet.h>
#include <string.h>

#include <altroot/alloc.h>

#include "../core/guard.h"
#include "internal.h"

static bool is_ip(const char *s)
{
    unsigned char a[16];
    return inet_pton(AF_INET, s, a) == 1 || inet_pton(AF_INET6, s, a) == 1;
}

typedef struct split_names {
    const char **dns, **ip;
    size_t dns_count, ip_count;
} split_names;

static altroot_err split(const altroot_device_cert_params *p, split_names *s)
{
    ENSURE(p->name_count >= 1 && p->name_count <= ALTROOT_EVIDENCE_MAX_NAMES, ALTROOT_E_ARG);
    s->dns = altroot_calloc(p->name_count, sizeof *s->dns);
    s->ip = altroot_calloc(p->name_count, sizeof *s->ip);
    ENSURE(s->dns != NULL && s->ip != NULL, ALTROOT_E_NOMEM);
    for (size_t i = 0; i < p->name_count; i++) {
        ENSURE(p->names[i] != NULL && p->names[i][0] != '\0', ALTROOT_E_ARG);
        if (is_ip(p->names[i]))
            s->ip[s->ip_count++] = p->names[i];
        else
            s->dns[s->dns_count++] = p->names[i];
    }
    return ALTROOT_OK;
}

/* The subject's CN is the first DNS name. A verifier checks a CN that looks like a host name
 * against its issuer's DNS name constraints (OpenSSL, GnuTLS), so an address there would put a
 * leaf of a CA limited to home.arpa outside its subtree. With addresses only, a leaf under a CA
 * has an empty subject (its SAN is then critical, RFC 5280 4.2.1.6); a self-signed one keeps the
 * first address, since its issuer name, equal to its subject, must not be empty. */
static const char *leaf_common_name(const altroot_device_cert_params *p, const split_names *s,
                                    bool self_signed)
{
    if (s->dns_count > 0)
        return s->dns[0];
    return self_signed ? p->names[0] : NULL;
}

static altroot_cert_template leaf_template(const altroot_device_cert_params *p,
                                           const split_names *s, bool server_auth, bool self_signed)
{
    return (altroot_cert_template){
        .common_name = leaf_common_name(p, s, self_signed),
        .dns_names = s->dns,
        .dns_count = s->dns_count,
        .ip_addrs = s->ip,
        .ip_count = s->ip_count,
        .not_before = p->not_before,
        .not_after = p->not_after,
        .server_auth = server_auth,
        .key_usage = ALTROOT_KU_DIGITAL_SIGNATURE,
    };
}

/* The bindings expire with the certificate at the latest: a binding that outlived its TLS key's
 * certificate would vouch for a key no longer certified. */
static altroot_err evidence_ext(const altroot_device_creds *creds,
                                const altroot_device_cert_params *p, const altroot_key *key,
                                altroot_bytes *ev, altroot_bytes *ext)
{
    ENSURE(p->exp >= 0 && p->exp <= p->not_after, ALTROOT_E_ARG);
    altroot_evidence_params ep = {.tls_key = p->bind_key != NULL ? p->bind_key : key,
                                  .names = p->names,
                                  .name_count = p->name_count,
                                  .iat = p->iat,
                                  .exp = p->exp > 0 ? p->exp : p->not_after};
    if (p->evidence_override.len > 0)
        TRY(altroot_bytes_append(ev, p->evidence_override.ptr, p->evidence_override.len));
    else
        TRY(altroot_evidence_encode(creds, &ep, ev));
    return altroot_evidence_extension_der(ALTROOT_OID_EVIDENCE, altroot_bytes_span(ev), ext);
}

static altroot_err make_chain(altroot_cert *leaf, const altroot_cert *ca, altroot_certs **chain)
{
    TRY(altroot_certs_new(chain));
    TRY(altroot_certs_push(*chain, leaf));
    if (ca != NULL)
        TRY(altroot_certs_push(*chain, (altroot_cert *)ca));
    return ALTROOT_OK;
}

altroot_err altroot_device_cert_build(const altroot_device_creds *creds,
                                      const altroot_device_cert_params *p, altroot_certs **chain,
                                      altroot_key **key)
{
    ENSURE(creds != NULL && p != NULL && chain != NULL && key != NULL, ALTROOT_E_ARG);
    ENSURE((p->ca_cert == NULL) == (p->ca_key == NULL), ALTROOT_E_ARG);
    split_names s = {0};
    altroot_key *k = NULL;
    altroot_cert *leaf = NULL;
    altroot_certs *c = NULL;
    altroot_bytes ev = ALTROOT_BYTES_INIT, ext = ALTROOT_BYTES_INIT;
    altroot_err err = split(p, &s);
    if (err == ALTROOT_OK)
        err = altroot_key_generate(ALTROOT_KEY_EC_P256, &k);
    if (err == ALTROOT_OK)
        err = evidence_ext(creds, p, k, &ev, &ext);
    altroot_cert_template t = leaf_template(p, &s, true, p->ca_cert == NULL);
    altroot_span exts[1] = {altroot_bytes_span(&ext)};
    if (err == ALTROOT_OK)
        err = altroot_cert_issue_ext(&t, exts, 1, k, p->ca_cert, p->ca_key, &leaf);
    if (err == ALTROOT_OK)
        err = make_chain(leaf, p->ca_cert, &c);
    if (err == ALTROOT_OK) {
        *chain = c;
        *key = k;
        c = NULL;
        k = NULL;
    }
    altroot_certs_free(c);
    altroot_cert_free(leaf);
    altroot_key_free(k);
    altroot_bytes_clear(&ev);
    altroot_bytes_clear(&ext);
    altroot_free(s.dns);
    altroot_free(s.ip);
    return err;
}

altroot_err altroot_device_fdo_owner_cert(const altroot_key *owner_key,
                                          const altroot_device_cert_params *p,
                                          altroot_certs **chain, altroot_key **key)
{
    ENSURE(owner_key != NULL && p != NULL && chain != NULL && key != NULL, ALTROOT_E_ARG);
    split_names s = {0};
    altroot_key *k = NULL;
    altroot_cert *owner = NULL, *leaf = NULL;
    altroot_certs *c = NULL;
    altroot_cert_template ot = {.common_name = "FDO owner",
                                .not_before = p->not_before,
                                .not_after = p->not_after,
                                .is_ca = true,
                                .path_len = 0};
    altroot_err err = split(p, &s);
    if (err == ALTROOT_OK)
        err = altroot_key_generate(ALTROOT_KEY_EC_P256, &k);
    if (err == ALTROOT_OK)
        err = altroot_cert_issue(&ot, owner_key, NULL, NULL, &owner);
    altroot_cert_template t = leaf_template(p, &s, true, false);
    if (err == ALTROOT_OK)
        err = altroot_cert_issue(&t, k, owner, owner_key, &leaf);
    if (err == ALTROOT_OK)
        err = make_chain(leaf, NULL, &c);
    if (err == ALTROOT_OK) {
        *chain = c;
        *key = k;
        c = NULL;
        k = NULL;
    }
    altroot_certs_free(c);
    altroot_cert_free(leaf);
    altroot_cert_free(owner);
    altroot_key_free(k);
    altroot_free(s.dns);
    altroot_free(s.ip);
    return err;
}
