#!/usr/bin/env bash
# Builds the optimised tree and runs every benchmark; each line compares altroot with a baseline
# measured in the same run. Timings are printed, never asserted. Arguments go to the C benchmarks
# (handshakes or iterations per round, rounds); the server benchmarks take theirs from the
# environment (scripts/bench-servers.sh). docs/performance.md says what each figure means.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh build-bench -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF
for b in build-bench/bench/bench_*; do
    [ -x "$b" ] && "$b" "$@"
done
scripts/bench-servers.sh build-bench
scripts/bench-batch.sh build-bench
