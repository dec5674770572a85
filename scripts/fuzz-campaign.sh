#!/usr/bin/env bash
# A long fuzzing campaign, outside CI: each libFuzzer target (ASan + UBSan) runs for SECONDS from
# its corpus in fuzz/corpus/ plus the real artefacts in ../shared/vectors that fit its input,
# JOBS targets at a time. New inputs that add coverage are merged, minimised, into
# fuzz/corpus/<target>/ (the vectors themselves are read, never copied). Every target's
# executions, coverage and findings go to a table on stdout and to $OUT/summary.md; crash, leak
# and timeout inputs are kept in $OUT/<target>/.
#
#   scripts/fuzz-campaign.sh 1800                 # every target, 30 minutes each
#   JOBS=1 scripts/fuzz-campaign.sh 600 url pin   # two targets, 10 minutes each, one at a time
#
# MERGE=0 leaves fuzz/corpus/ alone (CI runs this script briefly that way). Exit status: 0 when
# no target found anything, 1 otherwise (the end of each failing target's log is printed).
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-1800}
shift || true
jobs=${JOBS:-2}
out=${OUT:-$(mktemp -d /tmp/altroot-fuzz.XXXXXX)}
mkdir -p "$out" || exit 1
vectors=../shared/vectors

CC=clang scripts/build.sh build-fuzz -DALTROOT_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo || exit 1

if [ $# -gt 0 ]; then
    targets=("$@")
else
    targets=()
    for bin in build-fuzz/fuzz/fuzz_*; do targets+=("${bin##*/fuzz_}"); done
fi

# The folders of real artefacts whose files are inputs of the target's kind (libFuzzer reads
# folders recursively and skips what does not parse; only existing folders are passed).
seeds_for() {
    case $1 in
    anchor_load | evidence) echo "$vectors" ;;
    matter_tlv | matter_op | matter_cd | matter_elements) echo "$vectors/matter" ;;
    fdo_cbor | fdo_cose | fdo_voucher) echo "$vectors/fdo" ;;
    devid_ext | voucher | mud_file) echo "$vectors/devid-mud" ;;
    *) ;;
    esac
}

run_one() {
    local name=$1 dir=$out/$1 seeds
    mkdir -p "$dir/new" "$dir/findings"
    seeds=$(seeds_for "$name")
    [ -n "$seeds" ] && [ -d "$seeds" ] || seeds=
    # -fork is not used: one process keeps its coverage and reports executions at the end.
    nice -n 10 "build-fuzz/fuzz/fuzz_$name" -max_total_time="$seconds" -rss_limit_mb=4096 \
        -timeout=10 -print_final_stats=1 -artifact_prefix="$dir/findings/" \
        "$dir/new" "fuzz/corpus/$name" $seeds >"$dir/log" 2>&1
    echo $? >"$dir/status"
    : >"$dir/merge.log"
    [ "${MERGE:-1}" = 0 ] && return
    "build-fuzz/fuzz/fuzz_$name" -merge=1 "fuzz/corpus/$name" "$dir/new" >"$dir/merge.log" 2>&1
    # Inputs the fuzzer derived from the vectors may stay; a vector itself never enters the tree.
    [ -s "$out/vectors.sha1" ] || return 0
    find "fuzz/corpus/$name" -type f -exec sha1sum {} + | sort >"$dir/corpus.sha1"
    join -o 1.2 <(sort -k1,1 "$dir/corpus.sha1") "$out/vectors.sha1" | xargs -r rm -f
}

# Only a merge needs the vectors' hashes.
[ "${MERGE:-1}" != 0 ] && [ -d "$vectors" ] &&
    find "$vectors" -type f -exec sha1sum {} + | awk '{print $1}' | sort -u >"$out/vectors.sha1"

running=0
for name in "${targets[@]}"; do
    [ -x "build-fuzz/fuzz/fuzz_$name" ] || { echo "no fuzz target $name" >&2; exit 2; }
    run_one "$name" &
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then
        wait -n
        running=$((running - 1))
    fi
done
wait

found=0
{
    echo "| target | seconds | executions | exec/s | coverage (cov / ft) | corpus added | findings |"
    echo "| --- | --- | --- | --- | --- | --- | --- |"
    for name in "${targets[@]}"; do
        dir=$out/$name
        execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log")
        rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$dir/log")
        cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$dir/log" | tail -1 | sed 's/cov: \([0-9]*\) ft: \([0-9]*\)/\1 \/ \2/')
        added=$(grep -oE 'MERGE-OUTER: [0-9]+ new files' "$dir/merge.log" | grep -oE '[0-9]+' | head -1)
        findings=$(find "$dir/findings" -type f | wc -l)
        [ "$(cat "$dir/status")" = 0 ] || findings="$findings (exit $(cat "$dir/status"))"
        [ "$findings" = 0 ] || found=1
        echo "| $name | $seconds | ${execs:-?} | ${rate:-?} | ${cov:-?} | ${added:-0} | $findings |"
    done
} | tee "$out/summary.md"
for name in "${targets[@]}"; do
    [ "$(cat "$out/$name/status")" = 0 ] && [ -z "$(ls -A "$out/$name/findings")" ] && continue
    echo "== $name: end of its log"
    tail -40 "$out/$name/log"
done
echo "logs and findings: $out"
exit "$found"
