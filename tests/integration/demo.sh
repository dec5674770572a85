#!/usr/bin/env bash
# `altroot demo`: every certificate class it produces gets the decision it must get.
ALTROOT=$1
. "$(dirname "$0")/lib.sh"

expect_exit "demo (text)" 0 -- "$ALTROOT" demo
if grep -q "Demo: 7 of 7 scenarios as expected." "$WORK/out"; then ok "demo summary"; else not_ok "demo summary"; fi
expect_exit "demo --verbose prints every verdict" 0 -- "$ALTROOT" demo --verbose
if [ "$(grep -c '^Decision:' "$WORK/out")" -eq 7 ]; then ok "seven verdicts"; else not_ok "seven verdicts"; fi
expect_exit "demo (JSON) at a fixed time" 0 -- "$ALTROOT" demo --json --at 2030-01-01T00:00:00Z
expect_json "demo: seven scenarios" '(.scenarios|length)==7'
expect_json "demo: every scenario as expected" 'all(.scenarios[]; .as_expected and .expected==.actual)'
expect_json "demo: the decisions" '[.scenarios[].actual]==["untrusted","untrusted","untrusted","trusted","untrusted","untrusted","trusted"]'
expect_json "demo: reasons name the failure" '.scenarios[5].reason|startswith("E_CERT_EXPIRED")'
finish
