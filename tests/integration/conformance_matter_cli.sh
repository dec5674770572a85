#!/usr/bin/env bash
# Conformance through the command line: every production PAA in ../shared/vectors passes
# `altroot verify matter-paa`, and the SDK's operational chain verifies with `verify matter-noc`.
ALTROOT=$1
VECTORS=$2
. "$(dirname "$0")/lib.sh"
M=$VECTORS/matter
[ -d "$M" ] || { echo "missing $M"; exit 1; }

n=0
for paa in "$M"/credentials/production/paa-root-certs/*.pem; do
    n=$((n + 1))
    "$ALTROOT" verify matter-paa --paa "$paa" >"$WORK/out" 2>&1 || { not_ok "PAA $(basename "$paa")"; cat "$WORK/out"; continue; }
done
[ "$n" -eq 61 ] && ok "61 production PAAs found" || not_ok "expected 61 production PAAs, found $n"
[ "$FAIL" -eq 0 ] && ok "every production PAA passes verify matter-paa"

V=$M/src/credentials/tests/CHIPCert_test_vectors
expect_exit "Root02 -> ICA02 -> Node02_02 (hex TLV), Root02 as fabric anchor" 0 -- "$ALTROOT" verify matter-noc --json \
    --at 2030-01-01T00:00:00Z --rcac "$V/Root02.chip.hex" --icac "$V/ICA02.chip.hex" --noc "$V/Node02_02.chip.hex" \
    --fabric-anchors "$V/Root02.pem"
expect_json "derived compressed fabric id and instance name" \
    '.roots[0].ownership.compressed_fabric_id=="89E8911178DAC089" and .name_binding.name=="89E8911178DAC089-DEDEDEDE00020002"'
expect_exit "same chain after its expiry (2041)" 1 -- "$ALTROOT" verify matter-noc \
    --at 2041-01-01T00:00:00Z --rcac "$V/Root02.chip.hex" --icac "$V/ICA02.chip.hex" --noc "$V/Node02_02.chip.hex" \
    --fabric-anchors "$V/Root02.pem"
finish
