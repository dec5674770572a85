#!/usr/bin/env bash
# `altroot demo`: every scenario, on every root of trust, gets the decision it must get.
ALTROOT=$1
. "$(dirname "$0")/lib.sh"

expect_exit "demo (text)" 0 -- "$ALTROOT" demo
if grep -q "Demo: 26 of 26 scenarios as expected." "$WORK/out"; then ok "demo summary"; else not_ok "demo summary"; fi
expect_exit "demo --verbose prints every verdict" 0 -- "$ALTROOT" demo --verbose
if [ "$(grep -c '^Decision:' "$WORK/out")" -eq 26 ]; then ok "twenty-six verdicts"; else not_ok "twenty-six verdicts"; fi
expect_exit "demo (JSON) at a fixed time" 0 -- "$ALTROOT" demo --json --at 2030-01-01T00:00:00Z
expect_json "demo: twenty-six scenarios" '(.scenarios|length)==26'
expect_json "demo: every scenario as expected" 'all(.scenarios[]; .as_expected and .expected==.actual)'
expect_json "demo: the decisions" '[.scenarios[].actual]==["untrusted","untrusted","untrusted","trusted","untrusted","untrusted","trusted","attested","trusted","trusted","attested","trusted","attested","attested","trusted","attested","trusted","untrusted","untrusted","untrusted","untrusted","untrusted","untrusted","untrusted","untrusted","untrusted"]'
for root in matter fdo devid; do
    expect_json "demo: $root primary and secondary rows" "[.scenarios[]|select(.root==\"$root\")|.mode]|index(\"primary\")!=null and index(\"secondary\")!=null"
done
expect_json "demo: a stapled MUD file is attested" '[.scenarios[]|select(.root=="mud" and (.name|startswith("attack")|not))|.actual]==["attested"]'
expect_json "demo: a pinned device is trusted" '.scenarios[]|select(.name|test("you pinned"))|.actual=="trusted"'
expect_json "demo: attacks fail as tampering, a foreign fabric or another pinned unit" '[.scenarios[]|select(.name|startswith("attack"))|.reason|split(":")[0]]==["E_EVIDENCE_KEY_MISMATCH","E_EVIDENCE_KEY_MISMATCH","E_MATTER_CD_SIGNATURE","E_MATTER_FABRIC_NOT_TRUSTED","E_PIN_MISMATCH","E_CBOR_MALFORMED","E_CHAIN_NO_ANCHOR","E_CERT_EXPIRED","E_EVIDENCE_EXPIRED"]'
expect_json "demo: reasons name the failure" '.scenarios[5].reason|startswith("E_CERT_EXPIRED")'
# The demo's own store passes the owner-only check whatever the caller's umask.
expect_exit "demo under umask 002" 0 -- bash -c "umask 002 && exec '$ALTROOT' demo --json"
finish
