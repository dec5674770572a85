/*
 * Fair admission: what each client address holds, and who gives way when the server is full.
 *
 * A connection is idle while it has no complete request: during the TLS handshake, while its
 * request head is still arriving, and between keep-alive requests. One address may hold at
 * most max_per_source connections and max_idle_per_source idle ones; a connection beyond
 * either is closed at accept. When every slot is taken, a newcomer is admitted by closing the
 * oldest idle connection of the address holding the most connections, provided that address
 * holds more than the newcomer's own; otherwise (no idle connection anywhere, or the newcomer's
 * address is itself the largest) it is closed at accept. A connection writing a response is
 * never closed to make room.
 *
 * Addresses are kept in a hash table seeded per run (so a client cannot choose colliding
 * addresses in advance) and in one list, which the eviction scans: O(addresses) per accept at
 * the limit, a few microseconds for the thousand-odd addresses a full server can hold.
 */
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include "server_internal.h"

/* The address bytes of `sa`: 4 for IPv4, 16 for IPv6, 0 for anything else (one shared key). */
static size_t address_bytes(const struct sockaddr *sa, uint8_t out[16])
{
    if (sa != NULL && sa->sa_family == AF_INET) {
        memcpy(out, &((const struct sockaddr_in *)sa)->sin_addr, 4);
        return 4;
    }
    if (sa != NULL && sa->sa_family == AF_INET6) {
        memcpy(out, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
        return 16;
    }
    return 0;
}

/* FNV-1a over the seed and the address. */
static size_t bucket_of(const srv *s, const uint8_t *addr, size_t len)
{
    uint64_t h = 14695981039346656037ull ^ s->hash_seed;
    for (size_t i = 0; i < len; i++) {
        h ^= addr[i];
        h *= 1099511628211ull;
    }
    h ^= (uint64_t)len;
    h *= 1099511628211ull;
    return (size_t)(h ^ (h >> 29)) & s->bucket_mask;
}

altroot_err srv_sources_init(srv *s)
{
    size_t n = 64;
    while (n < s->max_conn)
        n *= 2;
    s->buckets = altroot_calloc(n, sizeof(srv_source *));
    ENSURE(s->buckets != NULL, ALTROOT_E_NOMEM);
    s->bucket_mask = n - 1;
    if (getrandom(&s->hash_seed, sizeof s->hash_seed, GRND_NONBLOCK) != sizeof s->hash_seed)
        s->hash_seed = srv_now_ms(); /* no entropy yet at boot: still differs per run */
    return ALTROOT_OK;
}

void srv_sources_free(srv *s)
{
    while (s->sources != NULL) {
        srv_source *next = s->sources->next;
        altroot_free(s->sources);
        s->sources = next;
    }
    altroot_free(s->buckets);
    s->buckets = NULL;
}

static srv_source *find_or_add(srv *s, const struct sockaddr *sa)
{
    uint8_t addr[16] = {0};
    size_t len = address_bytes(sa, addr);
    size_t b = bucket_of(s, addr, len);
    for (srv_source *p = s->buckets[b]; p != NULL; p = p->bucket_next)
        if (p->addr_len == len && memcmp(p->addr, addr, len) == 0)
            return p;
    srv_source *p = altroot_calloc(1, sizeof *p);
    if (p == NULL)
        return NULL;
    memcpy(p->addr, addr, sizeof addr);
    p->addr_len = (uint8_t)len;
    p->bucket = b;
    p->bucket_next = s->buckets[b];
    s->buckets[b] = p;
    p->next = s->sources;
    if (s->sources != NULL)
        s->sources->prev = p;
    s->sources = p;
    s->stats.sources++;
    return p;
}

/* Forget an address that holds nothing any more. */
static void drop_if_empty(srv *s, srv_source *p)
{
    if (p->open > 0)
        return;
    srv_source **link = &s->buckets[p->bucket];
    while (*link != p)
        link = &(*link)->bucket_next;
    *link = p->bucket_next;
    if (p->prev != NULL)
        p->prev->next = p->next;
    else
        s->sources = p->next;
    if (p->next != NULL)
        p->next->prev = p->prev;
    s->stats.sources--;
    altroot_free(p);
}

/* The oldest idle connection of the address holding the most connections (ties: the one whose
 * oldest idle connection is older), or NULL when no connection is idle. */
static conn *eviction_candidate(const srv *s)
{
    const srv_source *best = NULL;
    for (const srv_source *p = s->sources; p != NULL; p = p->next) {
        if (p->idle_head == NULL)
            continue;
        if (best == NULL || p->open > best->open ||
            (p->open == best->open && p->idle_head->idle_since_ms < best->idle_head->idle_since_ms))
            best = p;
    }
    return best != NULL ? best->idle_head : NULL;
}

/* At the global limit: room for a connection from `p`, if an idle one may give way. */
static bool make_room(srv *s, const srv_source *p)
{
    conn *victim = eviction_candidate(s);
    if (victim == NULL || victim->src->open <= p->open)
        return false;
    s->stats.evicted_idle++;
    conn_close(victim);
    return true;
}

srv_source *srv_admit(srv *s, const struct sockaddr *sa)
{
    srv_source *p = find_or_add(s, sa);
    if (p == NULL) {
        s->stats.rejected_at_limit++;
        return NULL;
    }
    if (p->open >= s->max_per_source || p->idle >= s->max_idle_per_source) {
        s->stats.rejected_per_source++;
        return NULL; /* it holds connections, so it stays */
    }
    if (s->stats.open >= s->max_conn && !make_room(s, p)) {
        s->stats.rejected_at_limit++;
        drop_if_empty(s, p);
        return NULL;
    }
    return p;
}

void srv_source_attach(srv *s, srv_source *p, conn *c)
{
    if (c == NULL) { /* the connection could not be set up */
        drop_if_empty(s, p);
        return;
    }
    c->src = p;
    p->open++;
    if (p->open > s->stats.peak_per_source)
        s->stats.peak_per_source = p->open;
    srv_conn_set_idle(c, true);
}

void srv_conn_set_idle(conn *c, bool idle)
{
    srv_source *p = c->src;
    if (p == NULL || c->idle == idle)
        return;
    c->idle = idle;
    if (idle) {
        c->idle_since_ms = srv_now_ms();
        c->idle_prev = p->idle_tail;
        c->idle_next = NULL;
        if (p->idle_tail != NULL)
            p->idle_tail->idle_next = c;
        else
            p->idle_head = c;
        p->idle_tail = c;
        p->idle++;
        c->srv->stats.idle++;
        return;
    }
    if (c->idle_prev != NULL)
        c->idle_prev->idle_next = c->idle_next;
    else
        p->idle_head = c->idle_next;
    if (c->idle_next != NULL)
        c->idle_next->idle_prev = c->idle_prev;
    else
        p->idle_tail = c->idle_prev;
    c->idle_prev = c->idle_next = NULL;
    p->idle--;
    c->srv->stats.idle--;
}

bool srv_source_may_idle(const conn *c)
{
    return c->src == NULL || c->src->idle < c->srv->max_idle_per_source;
}

void srv_source_detach(conn *c)
{
    srv_source *p = c->src;
    if (p == NULL)
        return;
    srv_conn_set_idle(c, false);
    c->src = NULL;
    p->open--;
    drop_if_empty(c->srv, p);
}
