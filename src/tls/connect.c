/* `altroot connect`: one connection, one verdict. */
#include <stdio.h>
#include <unistd.h>

#include <altroot/alloc.h>
#include <altroot/tls.h>
#include <altroot/verdict_cache.h>

#include "../core/guard.h"
#include "net.h"

/* The peer was reached but no TLS session resulted: decide on what is known. */
static altroot_err no_session(altroot_verdict *v, altroot_err why)
{
    v->cert_class = why == ALTROOT_E_NOT_TLS ? 0 : -1;
    if (why == ALTROOT_E_NOT_TLS)
        TRY(altroot_set_string(&v->class_note, "the peer answered, but not with TLS"));
    return altroot_verdict_decide(v);
}

static altroot_err after_handshake(altroot_verdict *v, altroot_tls *tls, const altroot_url *u,
                                   const altroot_connect_options *o)
{
    v->tls = true;
    TRY(altroot_set_string(&v->tls_version, altroot_tls_version(tls)));
    TRY(altroot_set_string(&v->tls_cipher, altroot_tls_cipher(tls)));
    altroot_certs *chain = NULL;
    altroot_err err = altroot_tls_peer_chain(tls, &chain);
    if (err == ALTROOT_E_EMPTY) {
        /* Anonymous cipher suites are not offered, so this cannot happen with a real peer. */
        TRY(altroot_failures_add(&v->failures, ALTROOT_E_TLS_HANDSHAKE, "handshake",
                                 "the peer presented no certificate"));
        return no_session(v, ALTROOT_E_TLS_HANDSHAKE);
    }
    TRY(err);
    err =
        altroot_evaluate_chain_cached(o->cache, chain, u->host, o->store, o->at, o->mode, v, NULL);
    altroot_certs_free(chain);
    return err;
}

/* The connection altroot_connect() judges; with `keep`, its session and socket are handed over
 * instead of closed (NULL session when no TLS session resulted). */
static altroot_err connect_judged(const char *url, const altroot_connect_options *o,
                                  altroot_verdict *v, altroot_tls **keep, int *keep_fd)
{
    ENSURE(url != NULL && o != NULL && o->store != NULL && v != NULL, ALTROOT_E_INTERNAL);
    TRY(altroot_set_string(&v->target, url));
    v->at = o->at;
    altroot_url u = {0};
    altroot_err err = altroot_url_parse(url, &u);
    if (err != ALTROOT_OK) {
        TRY(altroot_failures_add(&v->failures, err, "url", "cannot use \"%s\"", url));
        return err;
    }
    int fd = -1;
    char addr[NET_ADDR_STR];
    altroot_tls *tls = NULL;
    /* The name verified is always the URL's; only where to connect may be overridden. */
    TRY_GOTO(altroot_net_connect(o->connect_to != NULL ? o->connect_to : u.host, u.port,
                                 o->timeout_ms, &fd, addr, &v->failures));
    TRY_GOTO(altroot_set_string(&v->address, addr));
    err = altroot_tls_connect(fd, u.host_is_ip ? NULL : u.host, o->timeout_ms, &tls, &v->failures);
    if (err == ALTROOT_E_TIMEOUT || err == ALTROOT_E_NOMEM)
        goto out;
    if (err != ALTROOT_OK) {
        err = no_session(v, err);
        goto out;
    }
    err = after_handshake(v, tls, &u, o);
    if (err == ALTROOT_OK && keep != NULL) {
        *keep = tls;
        *keep_fd = fd;
        tls = NULL;
        fd = -1;
    }
out:
    altroot_tls_free(tls);
    if (fd >= 0)
        close(fd);
    altroot_url_clear(&u);
    return err;
}

altroot_err altroot_connect(const char *url, const altroot_connect_options *o, altroot_verdict *v)
{
    return connect_judged(url, o, v, NULL, NULL);
}

altroot_err altroot_connect_session(const char *url, const altroot_connect_options *o,
                                    altroot_verdict *v, altroot_tls **tls, int *fd)
{
    ENSURE(tls != NULL && fd != NULL, ALTROOT_E_INTERNAL);
    *tls = NULL;
    *fd = -1;
    return connect_judged(url, o, v, tls, fd);
}
