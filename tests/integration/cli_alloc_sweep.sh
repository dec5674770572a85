#!/usr/bin/env bash
# Allocation-failure sweep through the CLI (needs -DALTROOT_FAULT_INJECTION=ON, fault.h). Each
# command below runs once to count its allocations (K), then once for each N = 1..K with
# ALTROOT_FAIL_ALLOC_AT=N (past FULL, a stride keeps it to RUNS runs). A faulted run must end by
# itself with 0, 1 or 2: no signal, no sanitizer report, no leak, no hang. It fails closed: when
# the artefact did not verify, a faulted run never exits 0; when it did, a faulted run exits 2
# naming E_NOMEM on stderr, or 0 with the very same report. Every exit 2 names E_NOMEM.
ALTROOT=$1
. "$(dirname "$0")/lib.sh"
cd "$WORK"

FULL=200 # every N up to here
RUNS=300 # at most this many faulted runs per command
JOBS=2   # runs at a time
# A sanitizer report (a leak included) exits 99, apart from every code the tool uses; with
# abort_on_error it is a signal instead, which fails as well.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}:exitcode=99"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}:exitcode=99"

# ---- fixtures, minted here ----
"$ALTROOT" mint devid --out d >/dev/null || not_ok "mint devid"
"$ALTROOT" mint mud --out mm >/dev/null || not_ok "mint mud"
"$ALTROOT" mint fdo --out f --entries 2 >/dev/null || not_ok "mint fdo"
sleep 1 # the certificates minted now are valid from this second on
AT=$(date -u +%Y-%m-%dT%H:%M:%SZ)
"$ALTROOT" mint matter --out m --at "$AT" >/dev/null || not_ok "mint matter"
"$ALTROOT" mint matter --out mbad --at "$AT" --fault cd-signature >/dev/null || not_ok "mint mbad"
"$ALTROOT" mint fleet --out fl --count 1 --at "$AT" >/dev/null || not_ok "mint fleet"
# A BRSKI voucher as a MASA signs one (RFC 8366): stock openssl, the MUD signer as the MASA.
pin=$(openssl x509 -in d/domain-ca.pem -outform DER | base64 -w0)
cat >voucher.json <<JSON
{"ietf-voucher:voucher": {"assertion": "verified", "serial-number": "WX-2000-000042",
  "created-on": "$AT", "nonce": "bm9uY2U=", "pinned-domain-cert": "$pin"}}
JSON
openssl cms -sign -binary -nodetach -in voucher.json -signer d/mud-signer.pem \
    -inkey d/mud-signer.key.pem -econtent_type 1.2.840.113549.1.9.16.1.40 -outform DER \
    -out voucher.p7 || not_ok "sign voucher"
# A fleet judged by `verify --batch`: a minted Matter device and device certificates carrying
# the evidence of each root (the evidence path, offline).
device() {
    "$ALTROOT" device cert --names 127.0.0.1 --at "$AT" --out "$@" >/dev/null || not_ok "device $1"
}
device e-matter --matter-dac-key m/dac-key.pem --matter-dac m/dac.pem --matter-pai m/pai.pem \
    --matter-cd m/cd.der --matter-noc-key m/noc-key.pem --matter-noc m/noc.tlv \
    --matter-icac m/icac.tlv --matter-rcac m/rcac.tlv
device e-fdo --fdo-device-key f/device.key.pem --fdo-voucher f/voucher.pem
device e-devid --idevid-key d/idevid.key.pem --idevid d/idevid.pem --idevid-chain d/chain.pem \
    --ldevid d/ldevid.pem --ldevid-key d/idevid.key.pem --voucher voucher.p7
device e-mud --idevid-key mm/idevid.key.pem --idevid mm/idevid.pem --idevid-chain mm/chain.pem \
    --mud mm/mud.json --mud-sig mm/mud.p7s
mkdir -p batch
cp fl/devices/* batch/
for e in matter fdo devid mud; do cp "e-$e/cert.pem" "batch/$e.pem"; done
minted_anchors
cp fl/anchors/matter-paa/paa.pem anchors/matter-paa/fleet.pem
cp fl/anchors/matter-cd/cd-signer.pem anchors/matter-cd/fleet.pem

# ---- the sweep ----
# A faulted run costs little more than the tool's own start: its checks fork nothing.

# The report without what changes from run to run (the batch tally's rate and memory).
report() { sed -E 's/"(seconds|per_second|peak_rss_kib)": [0-9.]+//g' "$1"; }

# run PREFIX N: the command in CMD with allocation N failing (0: none, allocations counted into
# PREFIX.count), into PREFIX.{rc,out,err}.
run() {
    if [ "$2" = 0 ]; then
        ALTROOT_ALLOC_COUNT_FILE=$1.count timeout 60 "${CMD[@]}" >"$1.out" 2>"$1.err"
    else
        ALTROOT_FAIL_ALLOC_AT=$2 timeout 60 "${CMD[@]}" >"$1.out" 2>"$1.err"
    fi
    echo $? >"$1.rc"
}

# The Ns to fail for K allocations: all up to FULL, then a stride ending at K.
points() {
    local k=$1
    if [ "$k" -le "$RUNS" ]; then seq 1 "$k"; return; fi
    local stride=$(((k - FULL + RUNS - FULL - 1) / (RUNS - FULL)))
    seq 1 "$FULL"
    seq $((FULL + stride)) "$stride" $((k - 1))
    echo "$k"
}

# judge BASE RC PREFIX: WHAT becomes what is wrong with a faulted run ("" when nothing).
judge() {
    local base=$1 rc=$2 p=$3 err
    mapfile -t err <"$p.err"
    WHAT=
    case $rc in
    0) if [ "$base" != 0 ]; then WHAT="exit 0 where the artefact does not verify (fail open)"
       elif [ "$(report "$p.out")" != "$BASE_REPORT" ]; then WHAT="exit 0, another report"; fi ;;
    1) [ "$base" = 1 ] || WHAT="exit 1 where the artefact verifies (the verdict changed)" ;;
    2) if [[ "${err[*]}" != *E_NOMEM* ]]; then WHAT="exit 2 without E_NOMEM on stderr"
       elif [ "$base" = 0 ] && [ "${#err[@]}" != 1 ]; then WHAT="exit 2 with more than one line"
       else NOMEM_SEEN=$((NOMEM_SEEN + 1)); fi ;;
    99) WHAT="sanitizer report" ;;
    124) WHAT="hung (timed out)" ;;
    *) if [ "$rc" -gt 128 ]; then WHAT="killed by signal $((rc - 128))"; else WHAT="exit $rc"; fi ;;
    esac
}

COMMANDS=0
NOMEM_SEEN=0
# sweep NAME EXPECTED -- command...: EXPECTED is the exit code without a fault.
sweep() {
    local name=$1 expected=$2 base k
    shift 3
    CMD=("$ALTROOT" "$@")
    rm -rf runs base.* && mkdir runs
    run base 0
    read -r base <base.rc
    { read -r k <base.count; } 2>/dev/null
    if [ "$base" != "$expected" ] || [ -z "$k" ]; then
        not_ok "$name: unfaulted exit $base (expected $expected), ${k:-no} allocation count"
        sed 's/^/  | /' base.err | head -5
        return
    fi
    BASE_REPORT=$(report base.out)
    local n running=0
    for n in $(points "$k"); do
        run "runs/$n" "$n" &
        running=$((running + 1))
        if [ "$running" -ge "$JOBS" ]; then wait -n; running=$((running - 1)); fi
    done
    wait
    local runs=0 bad=0 rc
    local -A outcome=([0]=0 [1]=0 [2]=0)
    for n in $(points "$k"); do
        runs=$((runs + 1))
        read -r rc <"runs/$n.rc"
        outcome[$rc]=$((${outcome[$rc]:-0} + 1))
        judge "$base" "$rc" "runs/$n"
        [ -z "$WHAT" ] && continue
        bad=$((bad + 1))
        not_ok "$name, allocation $n fails: $WHAT"
        [ "$bad" -le 3 ] && sed 's/^/  | /' "runs/$n.err" | head -20
    done
    local tally="{0:${outcome[0]},1:${outcome[1]},2:${outcome[2]}}"
    echo "$name: $k allocations, $runs runs, outcomes $tally"
    COMMANDS=$((COMMANDS + 1))
    [ "$bad" = 0 ] && ok "$name: every allocation failure handled"
}

sweep "verify matter-dac" 0 -- verify matter-dac --at "$AT" --anchors m/anchors \
    --dac m/dac.pem --pai m/pai.pem --cd m/cd.der --vid FFF1 --pid 8000
sweep "verify matter-dac, forged CD" 1 -- verify matter-dac --at "$AT" --json \
    --anchors mbad/anchors --dac mbad/dac.pem --pai mbad/pai.pem --cd mbad/cd.der
sweep "verify matter-noc" 0 -- verify matter-noc --at "$AT" --json --rcac m/rcac.tlv \
    --icac m/icac.tlv --noc m/noc.tlv --fabric-anchors m/anchors/matter-fabric
sweep "verify matter-paa" 0 -- verify matter-paa --at "$AT" --paa m/paa.pem
sweep "verify devid (IDevID)" 0 -- verify devid --at "$AT" --json --ca d/mfg-root-ca.pem \
    --cert d/idevid.pem --chain d/chain.pem
sweep "verify devid (LDevID)" 0 -- verify devid --at "$AT" --ca d/mfg-root-ca.pem \
    --ldevid-ca d/domain-ca.pem --cert d/ldevid.pem
sweep "verify voucher" 0 -- verify voucher --at "$AT" --json --voucher voucher.p7 \
    --masa-ca d/mfg-root-ca.pem --idevid d/idevid.pem --nonce bm9uY2U= --ldevid d/ldevid.pem
sweep "verify mud" 0 -- verify mud --at "$AT" --mud mm/mud.json --signature mm/mud.p7s \
    --signer-ca mm/mfg-root-ca.pem --device-cert mm/idevid.pem --device-chain mm/chain.pem \
    --ca mm/mfg-root-ca.pem
sweep "verify fdo-voucher" 0 -- verify fdo-voucher --at "$AT" --json --voucher f/voucher.pem \
    --owner-keys f/owner.pub.pem --mfr f/mfr.pub.pem --hmac-secret f/hmac-secret.hex
sweep "inspect NOC (TLV)" 0 -- inspect --json m/noc.tlv
sweep "inspect CD" 0 -- inspect m/cd.der
sweep "inspect FDO voucher" 0 -- inspect --json f/voucher.pem
sweep "inspect IDevID" 0 -- inspect d/idevid.pem
sweep "inspect device certificate" 0 -- inspect e-matter/cert.pem
sweep "verify --batch" 0 -- verify --anchors anchors --webpki none --at "$AT" --json --jobs 1 \
    --batch batch

# An empty sweep, or one whose faults never reached the tool, proves nothing.
[ "$COMMANDS" -gt 0 ] && [ "$NOMEM_SEEN" -gt 0 ] || not_ok "no command swept, or none hit E_NOMEM"
finish
