/*
 * A verdict cache for repeat connections to known devices (docs/performance.md). A verdict is
 * reused only for exactly the same presented certificates (by SHA-256 of their DER, so the
 * evidence inside the leaf too), the same host, the same evaluation mode and the same trust store
 * generation (adding anchors or loading another store invalidates everything), and only while
 * the verification time stays within [computed, computed + max_age] and no later than the
 * verdict's valid_until: the first time at which any time check the evaluation made would come
 * out differently (a presented certificate's, an evidence certificate's such as the DAC, NOC,
 * ICAC, IDevID or LDevID, an anchor's or the CD signer's notAfter, a binding's exp, a voucher's
 * expires-on; or a notBefore or binding iat not yet reached). So no expiry is ever checked late,
 * whatever max_age is; max_age (any value, saturating) only bounds how long a verdict is kept.
 * Inputs the key cannot cover in full (more than 16 certificates, a host longer than 255
 * bytes) are evaluated every time and never cached. Thread-safe.
 */
#ifndef ALTROOT_VERDICT_CACHE_H
#define ALTROOT_VERDICT_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <altroot/export.h>
#include <altroot/tls.h>

/* Default reuse window, seconds. */
#define ALTROOT_VERDICT_CACHE_MAX_AGE 60

typedef struct altroot_verdict_cache altroot_verdict_cache;

typedef struct altroot_verdict_cache_stats {
    uint64_t hits, misses, evictions;
    size_t entries;
} altroot_verdict_cache_stats;

/* A cache of at most `capacity` verdicts (least recently used evicted), each reused for at most
 * `max_age` seconds (0: ALTROOT_VERDICT_CACHE_MAX_AGE). Free with altroot_verdict_cache_free. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err altroot_verdict_cache_new(size_t capacity,
                                                                     altroot_time max_age,
                                                                     altroot_verdict_cache **out);
ALTROOT_API void altroot_verdict_cache_free(altroot_verdict_cache *cache);
ALTROOT_API void altroot_verdict_cache_stats_get(altroot_verdict_cache *cache,
                                                 altroot_verdict_cache_stats *out);

/* altroot_evaluate_chain_mode() through the cache: a hit copies the stored verdict into `out`
 * (with out->cached_from = when it was computed, and out->at = `at`); a miss evaluates and
 * stores a copy. `hit` (optional) says which. Failures to store are not errors: the verdict is
 * then simply not cached. `cache` may be NULL: plain evaluation. */
ALTROOT_API ALTROOT_MUST_CHECK altroot_err
altroot_evaluate_chain_cached(altroot_verdict_cache *cache, const altroot_certs *chain,
                              const char *host, const altroot_trust_store *store, altroot_time at,
                              altroot_eval_mode mode, altroot_verdict *out, bool *hit);

#endif
