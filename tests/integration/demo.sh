#!/usr/bin/env bash
# `altroot demo`: every certificate class it produces gets the decision it must get.
ALTROOT=$1
. "$(dirname "$0")/lib.sh"

expect_exit "demo (text)" 0 -- "$ALTROOT" demo
if grep -q "Demo: 14 of 14 scenarios as expected." "$WORK/out"; then ok "demo summary"; else not_ok "demo summary"; fi
expect_exit "demo --verbose prints every verdict" 0 -- "$ALTROOT" demo --verbose
if [ "$(grep -c '^Decision:' "$WORK/out")" -eq 14 ]; then ok "fourteen verdicts"; else not_ok "fourteen verdicts"; fi
expect_exit "demo (JSON) at a fixed time" 0 -- "$ALTROOT" demo --json --at 2030-01-01T00:00:00Z
expect_json "demo: fourteen scenarios" '(.scenarios|length)==14'
expect_json "demo: every scenario as expected" 'all(.scenarios[]; .as_expected and .expected==.actual)'
expect_json "demo: the decisions" '[.scenarios[].actual]==["untrusted","untrusted","untrusted","trusted","untrusted","untrusted","trusted","attested","trusted","trusted","untrusted","untrusted","untrusted","untrusted"]'
expect_json "demo: Matter primary and secondary rows" '[.scenarios[]|select(.root=="matter")|.mode]|index("primary")!=null and index("secondary")!=null'
expect_json "demo: attacks fail as tampering or a foreign fabric" '[.scenarios[]|select(.name|startswith("attack"))|.reason|split(":")[0]]==["E_EVIDENCE_KEY_MISMATCH","E_EVIDENCE_KEY_MISMATCH","E_MATTER_CD_SIGNATURE","E_MATTER_FABRIC_NOT_TRUSTED"]'
expect_json "demo: reasons name the failure" '.scenarios[5].reason|startswith("E_CERT_EXPIRED")'
finish
