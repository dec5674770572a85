#!/usr/bin/env bash
# Runs every benchmark; each line compares altroot with a baseline measured in the same run.
# Timings are printed, never asserted. docs/performance.md says what each figure means.
#
#   scripts/bench.sh [ITERATIONS_PER_ROUND [ROUNDS]]
#       builds the optimised tree (build-bench/, Release) and runs the C benchmarks (bench/) with
#       these arguments, then scripts/bench-servers.sh and scripts/bench-batch.sh (which take
#       theirs from the environment);
#   scripts/bench.sh --smoke [BUILD_DIR]      (or ALTROOT_BENCH_SMOKE=1)
#       every benchmark once with the fewest rounds, on an existing build (build/ by default,
#       the test build CI already has), so that a benchmark that no longer runs fails CI. The
#       figures of a smoke run mean nothing.
#
# Every benchmark runs to the end even when an earlier one fails; the script then names each one
# that failed and exits 1.
set -uo pipefail
cd "$(dirname "$0")/.."

smoke=${ALTROOT_BENCH_SMOKE:-0}
if [ "${1:-}" = "--smoke" ]; then
    smoke=1
    shift
fi
if [ "$smoke" = 1 ]; then
    build=${1:-build}
    args=(1 1)
    export HANDSHAKES=2 ROUNDS=1 CONNECTIONS=20 FLEET=20
    scripts/build.sh "$build" || exit 1
else
    build=build-bench
    args=("$@")
    scripts/build.sh build-bench -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF || exit 1
fi

failed=()
# run NAME COMMAND...: one benchmark; a non-zero exit is recorded, and the next one runs.
run() {
    local name=$1 rc=0
    shift
    printf '\n=== %s\n' "$name"
    "$@" || rc=$?
    if [ "$rc" != 0 ]; then
        echo "bench: $name FAILED (exit $rc)" >&2
        failed+=("$name")
    fi
}

found=0
for b in "$build"/bench/bench_*; do
    [ -f "$b" ] && [ -x "$b" ] || continue
    found=$((found + 1))
    run "$(basename "$b")" "$b" "${args[@]}"
done
if [ "$found" -lt 3 ]; then
    echo "bench: expected bench_matter, bench_roots and bench_tls in $build/bench, found $found" >&2
    failed+=("C benchmarks missing")
fi
run bench-servers.sh scripts/bench-servers.sh "$build"
run bench-batch.sh scripts/bench-batch.sh "$build"

if [ ${#failed[@]} -gt 0 ]; then
    echo >&2
    echo "bench: ${#failed[@]} benchmark(s) failed: ${failed[*]}" >&2
    exit 1
fi
echo
echo "bench: every benchmark ran to the end$([ "$smoke" = 1 ] && echo ' (smoke mode: one round, figures meaningless)')"
