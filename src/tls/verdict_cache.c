/* The verdict cache (include/altroot/verdict_cache.h). */
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include <altroot/alloc.h>
#include <altroot/verdict_cache.h>

#include "../core/guard.h"
#include "../trust/verdict_move.h"

typedef struct entry {
    bool used;
    uint8_t key[32];
    altroot_time computed, until; /* reusable for at in [computed, until] */
    uint64_t last_use;
    altroot_verdict verdict;
} entry;

struct altroot_verdict_cache {
    pthread_mutex_t lock;
    entry *entries;
    size_t capacity;
    altroot_time max_age;
    uint64_t clock; /* use counter, for least recently used */
    altroot_verdict_cache_stats stats;
};

altroot_err altroot_verdict_cache_new(size_t capacity, altroot_time max_age,
                                      altroot_verdict_cache **out)
{
    ENSURE(out != NULL && capacity > 0 && capacity <= 1u << 20 && max_age >= 0, ALTROOT_E_ARG);
    altroot_verdict_cache *c = altroot_calloc(1, sizeof *c);
    ENSURE(c != NULL, ALTROOT_E_NOMEM);
    c->entries = altroot_calloc(capacity, sizeof *c->entries);
    if (c->entries == NULL || pthread_mutex_init(&c->lock, NULL) != 0) {
        altroot_free(c->entries);
        altroot_free(c);
        return ALTROOT_E_NOMEM;
    }
    c->capacity = capacity;
    c->max_age = max_age > 0 ? max_age : ALTROOT_VERDICT_CACHE_MAX_AGE;
    *out = c;
    return ALTROOT_OK;
}

void altroot_verdict_cache_free(altroot_verdict_cache *cache)
{
    if (cache == NULL)
        return;
    for (size_t i = 0; i < cache->capacity; i++)
        if (cache->entries[i].used)
            altroot_verdict_clear(&cache->entries[i].verdict);
    pthread_mutex_destroy(&cache->lock);
    altroot_free(cache->entries);
    altroot_free(cache);
}

void altroot_verdict_cache_stats_get(altroot_verdict_cache *cache, altroot_verdict_cache_stats *out)
{
    memset(out, 0, sizeof *out);
    if (cache == NULL)
        return;
    pthread_mutex_lock(&cache->lock);
    *out = cache->stats;
    pthread_mutex_unlock(&cache->lock);
}

/* The key covers at most this many certificates and host bytes; longer inputs are not cached. */
#define KEY_CERTS 16
#define KEY_HOST 255

static bool keyable(const altroot_certs *chain, const char *host)
{
    return altroot_certs_count(chain) <= KEY_CERTS && (host == NULL || strlen(host) <= KEY_HOST);
}

/* SHA-256 over everything the verdict depends on apart from time (keyable() inputs only). */
static void make_key(const altroot_certs *chain, const char *host, const altroot_trust_store *store,
                     altroot_eval_mode mode, uint8_t key[32])
{
    size_t n = altroot_certs_count(chain), hlen = host != NULL ? strlen(host) : 0;
    uint8_t buf[64 + KEY_CERTS * 32 + KEY_HOST + 1];
    size_t used = 0;
    uint64_t gen = altroot_trust_store_generation(store);
    memcpy(buf, &gen, sizeof gen);
    used += sizeof gen;
    buf[used++] = (uint8_t)mode;
    buf[used++] = (uint8_t)(host != NULL); /* no host and "" differ */
    buf[used++] = (uint8_t)(hlen > KEY_HOST ? KEY_HOST : hlen);
    for (size_t i = 0; i < hlen && i < KEY_HOST; i++) /* names compare case-insensitively */
        buf[used++] = (uint8_t)(host[i] >= 'A' && host[i] <= 'Z' ? host[i] + 32 : host[i]);
    for (size_t i = 0; i < n && i < KEY_CERTS; i++) {
        altroot_cert_sha256(altroot_certs_get(chain, i), buf + used);
        used += 32;
    }
    buf[used++] = (uint8_t)(n > KEY_CERTS ? 0xFF : n);
    altroot_sha256((altroot_span){buf, used}, key);
}

/* The latest time the verdict may be reused: max_age on, before any presented certificate
 * expires, and no later than the evaluation's own valid_until (every window it checked: the
 * evidence's certificates and binding, anchors, vouchers). Reuse never goes back in time. */
static altroot_time reuse_until(const altroot_verdict_cache *c, const altroot_certs *chain,
                                altroot_time at, altroot_time valid_until)
{
    /* max_age may be as large as the type allows: the window's end saturates, never wraps. */
    altroot_time until = at > INT64_MAX - c->max_age ? INT64_MAX : at + c->max_age;
    if (valid_until < until)
        until = valid_until;
    for (size_t i = 0; i < altroot_certs_count(chain); i++) {
        altroot_time nb = 0, na = 0;
        if (altroot_cert_validity(altroot_certs_get(chain, i), &nb, &na) != ALTROOT_OK)
            return at; /* unreadable validity: reuse only at the same second */
        if (na >= at && na - 1 < until)
            until = na - 1;
        if (nb > at && nb - 1 < until)
            until = nb - 1; /* becomes valid later: the verdict changes then */
    }
    return until;
}

static entry *find(altroot_verdict_cache *c, const uint8_t key[32], altroot_time at)
{
    for (size_t i = 0; i < c->capacity; i++) {
        entry *e = &c->entries[i];
        if (e->used && memcmp(e->key, key, 32) == 0 && at >= e->computed && at <= e->until)
            return e;
    }
    return NULL;
}

/* A slot for a new entry: a free one, the same key, or the least recently used. */
static entry *slot(altroot_verdict_cache *c, const uint8_t key[32])
{
    entry *victim = &c->entries[0];
    for (size_t i = 0; i < c->capacity; i++) {
        entry *e = &c->entries[i];
        if (!e->used || memcmp(e->key, key, 32) == 0)
            return e;
        if (e->last_use < victim->last_use)
            victim = e;
    }
    c->stats.evictions++;
    return victim;
}

static altroot_err lookup(altroot_verdict_cache *c, const uint8_t key[32], altroot_time at,
                          altroot_verdict *copy, bool *hit)
{
    pthread_mutex_lock(&c->lock);
    entry *e = find(c, key, at);
    altroot_err err = ALTROOT_OK;
    *hit = e != NULL;
    if (e != NULL) {
        e->last_use = ++c->clock;
        c->stats.hits++;
        err = altroot_verdict_copy(copy, &e->verdict);
    } else {
        c->stats.misses++;
    }
    pthread_mutex_unlock(&c->lock);
    return err;
}

static void store_copy(altroot_verdict_cache *c, const uint8_t key[32], altroot_time at,
                       altroot_time until, const altroot_verdict *v)
{
    altroot_verdict copy;
    if (altroot_verdict_copy(&copy, v) != ALTROOT_OK)
        return; /* not cached: the next connection evaluates again */
    pthread_mutex_lock(&c->lock);
    entry *e = slot(c, key);
    if (e->used)
        altroot_verdict_clear(&e->verdict);
    else
        c->stats.entries++;
    *e = (entry){.used = true, .computed = at, .until = until, .last_use = ++c->clock};
    memcpy(e->key, key, 32);
    e->verdict = copy;
    pthread_mutex_unlock(&c->lock);
}

altroot_err altroot_evaluate_chain_cached(altroot_verdict_cache *cache, const altroot_certs *chain,
                                          const char *host, const altroot_trust_store *store,
                                          altroot_time at, altroot_eval_mode mode,
                                          altroot_verdict *out, bool *hit)
{
    bool found = false;
    if (hit != NULL)
        *hit = false;
    if (cache == NULL)
        return altroot_evaluate_chain_mode(chain, host, store, at, mode, out);
    ENSURE(chain != NULL && store != NULL && out != NULL, ALTROOT_E_INTERNAL);
    ENSURE(altroot_certs_count(chain) > 0, ALTROOT_E_EMPTY);
    if (!keyable(chain, host))
        return altroot_evaluate_chain_mode(chain, host, store, at, mode, out);
    uint8_t key[32];
    make_key(chain, host, store, mode, key);
    altroot_verdict v;
    altroot_verdict_init(&v);
    altroot_err err = lookup(cache, key, at, &v, &found);
    if (err == ALTROOT_OK && found) {
        v.cached_from = v.at;
        v.at = at;
    } else if (err == ALTROOT_OK) {
        err = altroot_evaluate_chain_mode(chain, host, store, at, mode, &v);
        altroot_time until = reuse_until(cache, chain, at, v.valid_until);
        if (err == ALTROOT_OK && until >= at)
            store_copy(cache, key, at, until, &v);
    }
    if (err == ALTROOT_OK)
        err = altroot_verdict_move_evaluation(out, &v);
    altroot_verdict_clear(&v);
    if (hit != NULL)
        *hit = found && err == ALTROOT_OK;
    return err;
}
