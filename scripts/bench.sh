#!/usr/bin/env bash
# Builds the optimised tree and runs every benchmark; each line compares altroot with a baseline
# measured in the same run. Timings are printed, never asserted.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh build-bench -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF
for b in build-bench/bench/bench_*; do
    [ -x "$b" ] && "$b" "$@"
done
