#include <arpa/inet.h>
#include <string.h>

#include "../../src/core/guard.h"
#include "demo.h"
#include "demo_devid.h"
#include "devid_pki.h"

struct demo_devid {
    devid_pki pki;         /* the unit, its manufacturer and your domain CA */
    devid_pki other;       /* another manufacturer: its MUD signer is not one you trust */
    altroot_cert *expired; /* the unit's IDevID, issued again with a validity that has ended */
    altroot_bytes mud, mud_sig, other_mud, other_sig;
};

void demo_devid_free(demo_devid *d)
{
    if (d == NULL)
        return;
    devid_pki_free(&d->pki);
    devid_pki_free(&d->other);
    altroot_cert_free(d->expired);
    altroot_bytes_clear(&d->mud);
    altroot_bytes_clear(&d->mud_sig);
    altroot_bytes_clear(&d->other_mud);
    altroot_bytes_clear(&d->other_sig);
    altroot_free(d);
}

/* Both manufacturers publish a MUD file for the URL in the unit's IDevID. */
static altroot_err mint(demo_devid *d, altroot_time at)
{
    devid_pki_unit u = {"WX-2000-000042", DEVID_PKI_MUD_URL, ALTROOT_DEVID_FAULT_NONE,
                        at - DEMO_DAY, ALTROOT_TIME_NO_EXPIRY};
    devid_pki_unit old = u;
    old.not_before = at - 400 * (altroot_time)DEMO_DAY;
    old.not_after = at - 35 * (altroot_time)DEMO_DAY;
    TRY(devid_pki_make(&d->pki, &u));
    TRY(devid_pki_make(&d->other, &u));
    TRY(devid_pki_idevid(&d->pki, &old, &d->expired));
    TRY(devid_pki_mud(&d->pki, DEVID_PKI_MUD_URL, at - DEMO_DAY, ALTROOT_MUD_FAULT_NONE, &d->mud,
                      &d->mud_sig));
    return devid_pki_mud(&d->other, DEVID_PKI_MUD_URL, at - DEMO_DAY, ALTROOT_MUD_FAULT_NONE,
                         &d->other_mud, &d->other_sig);
}

altroot_err demo_devid_make(altroot_time at, demo_devid **out)
{
    demo_devid *d = altroot_calloc(1, sizeof *d);
    ENSURE(d != NULL, ALTROOT_E_NOMEM);
    altroot_err err = mint(d, at);
    if (err != ALTROOT_OK) {
        demo_devid_free(d);
        return err;
    }
    *out = d;
    return ALTROOT_OK;
}

altroot_err demo_devid_write_anchors(const demo_devid *d, const char *anchors)
{
    bool ok = demo_write_anchor_cert(anchors, "devid-ca", "widgets-root.pem", d->pki.root) &&
              demo_write_anchor_cert(anchors, "mud-signer", "widgets-root.pem", d->pki.root) &&
              demo_write_anchor_cert(anchors, "ldevid-ca", "home-domain-ca.pem", d->pki.dom);
    return ok ? ALTROOT_OK : ALTROOT_E_IO;
}

/* Enrolment in your domain: an LDevID from your domain CA that names the host. */
static altroot_err enrolled(const demo_devid *d, const char *host, altroot_time at,
                            altroot_tls_server **out)
{
    const char *names[] = {host};
    unsigned char addr[16];
    bool ip = inet_pton(AF_INET, host, addr) == 1 || inet_pton(AF_INET6, host, addr) == 1;
    altroot_cert_template t = {.common_name = "Widget 2000",
                               .organization = "Example Widgets",
                               .dns_names = ip ? NULL : names,
                               .dns_count = ip ? 0 : 1,
                               .ip_addrs = ip ? names : NULL,
                               .ip_count = ip ? 1 : 0,
                               .not_before = at - DEMO_DAY,
                               .not_after = at + 365 * (altroot_time)DEMO_DAY,
                               .server_auth = true};
    altroot_cert *ldevid = NULL;
    altroot_certs *chain = NULL;
    altroot_err err = altroot_cert_issue(&t, d->pki.dev_key, d->pki.dom, d->pki.dom_key, &ldevid);
    if (err == ALTROOT_OK)
        err = altroot_certs_new(&chain);
    if (err == ALTROOT_OK)
        err = altroot_certs_push(chain, ldevid);
    if (err == ALTROOT_OK)
        err = demo_serve(chain, d->pki.dev_key, out);
    altroot_certs_free(chain);
    altroot_cert_free(ldevid);
    return err;
}

/* Secondary: the IDevID chain, a binding by the IDevID key, and for MUD the stapled file. */
static altroot_err secondary(const demo_devid *d, demo_devid_kind kind, const altroot_certs *chain,
                             const char *host, altroot_time at, altroot_tls_server **out)
{
    const char *names[] = {host};
    altroot_device_cert_params p = demo_device_params(names, at);
    altroot_device_creds creds = {.idevid_key = d->pki.dev_key, .idevid_chain = chain};
    if (kind == DEMO_DEVID_MUD || kind == DEMO_DEVID_MUD_WRONG_SIGNER) {
        bool own = kind == DEMO_DEVID_MUD;
        creds.mud_file = altroot_bytes_span(own ? &d->mud : &d->other_mud);
        creds.mud_signature = altroot_bytes_span(own ? &d->mud_sig : &d->other_sig);
    }
    if (kind == DEMO_DEVID_EXPIRED_BINDING) {
        p.iat = at - 2 * (altroot_time)DEMO_DAY;
        p.exp = at - DEMO_DAY;
    }
    return demo_device_server(&creds, &p, out);
}

altroot_err demo_devid_server(const demo_devid *d, demo_devid_kind kind, const char *host,
                              altroot_time at, altroot_tls_server **out)
{
    if (kind == DEMO_DEVID_ENROLLED)
        return enrolled(d, host, at, out);
    /* The IDevID chain as the device holds it: its IDevID, then the issuing CA. */
    altroot_certs *chain = NULL;
    TRY(altroot_certs_new(&chain));
    altroot_err err =
        altroot_certs_push(chain, kind == DEMO_DEVID_EXPIRED_IDEVID ? d->expired : d->pki.idevid);
    if (err == ALTROOT_OK)
        err = altroot_certs_push(chain, d->pki.ca);
    if (err == ALTROOT_OK && kind == DEMO_DEVID_PRIMARY)
        err = demo_serve(chain, d->pki.dev_key, out);
    else if (err == ALTROOT_OK)
        err = secondary(d, kind, chain, host, at, out);
    altroot_certs_free(chain);
    return err;
}
