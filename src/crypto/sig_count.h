/* How many signatures this process has verified: each public-key verification the crypto layer
 * performs (a signature over bytes, a certificate's signature inside a chain, a CMS SignerInfo),
 * whatever its result. The benchmarks derive their signature floors from it; nothing decides on
 * it. Thread-safe (a relaxed atomic). Internal to libaltroot. */
#ifndef ALTROOT_CRYPTO_SIG_COUNT_H
#define ALTROOT_CRYPTO_SIG_COUNT_H

#include <stdint.h>

/* The count so far. */
uint64_t altroot_sig_count(void);
/* Count `n` more verifications (src/crypto only). */
void altroot_sig_count_add(uint64_t n);

#endif
