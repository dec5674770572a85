/* The verdict model's in-library interface for the layers above it (src/tls): moving an
 * evaluation's result into a caller's verdict. Not installed. */
#ifndef ALTROOT_TRUST_VERDICT_MOVE_H
#define ALTROOT_TRUST_VERDICT_MOVE_H

#include <altroot/verdict.h>

/* Move what an evaluation sets (decision, leaf, classes, roots, name, failures, warnings) from
 * `src` into `dst`, which holds what the caller set (target, address, TLS details, warnings)
 * and no roots yet. `src` is left for the caller to clear. */
ALTROOT_MUST_CHECK altroot_err altroot_verdict_move_evaluation(altroot_verdict *dst,
                                                               altroot_verdict *src);

#endif
