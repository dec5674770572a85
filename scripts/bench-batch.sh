#!/usr/bin/env bash
# Batch verification (docs/performance.md): `altroot mint fleet` makes FLEET (10,000) Matter
# device certificates of one vendor, then `altroot verify --batch` judges all of them with one
# job and with one job per core, in the same run: devices per second, the ratio, and peak RSS.
# Usage: scripts/bench-batch.sh [BUILD_DIR]; FLEET from the environment.
set -euo pipefail
cd "$(dirname "$0")/.."
altroot=${1:-build-bench}/altroot
fleet=${FLEET:-10000}
work=$(mktemp -d /tmp/altroot-batch-XXXXXX)
trap 'rm -rf "$work"' EXIT
at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
start=$(date +%s.%N)
"$altroot" mint fleet --out "$work" --count "$fleet" --at "$at" >/dev/null
minted=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", b - a }')
cores=$(nproc)
run() { "$altroot" verify --batch "$work/devices" --anchors "$work/anchors" --webpki none \
    --at "$at" --json --jobs "$1"; }
one=$(run 1)
all=$(run "$cores")
field() { echo "$1" | jq -r ".$2"; }
echo
echo "Batch: altroot verify --batch over $fleet minted Matter device certificates (evidence: DAC chain, CD, binding)"
printf '%-44s %14s %14s %8s %16s\n' "item" "devices/s" "baseline/s" "ratio" "peak RSS KiB"
printf '%-44s %14.0f %14s %8s %16s\n' "1 job" "$(field "$one" per_second)" "-" "-" "$(field "$one" peak_rss_kib)"
printf '%-44s %14.0f %14.0f %7.2fx %16s\n' "$cores jobs (baseline: 1 job, same run)" \
    "$(field "$all" per_second)" "$(field "$one" per_second)" \
    "$(awk -v a="$(field "$all" per_second)" -v b="$(field "$one" per_second)" 'BEGIN { print a / b }')" \
    "$(field "$all" peak_rss_kib)"
echo "verdicts with $cores jobs: $(field "$all" attested) attested, $(field "$all" untrusted) untrusted, $(field "$all" unreadable) unreadable; minting took $minted s"
[ "$(field "$all" attested)" = "$fleet" ]
