#!/usr/bin/env bash
# `altroot demo`: every certificate class it produces gets the decision it must get.
ALTROOT=$1
. "$(dirname "$0")/lib.sh"

expect_exit "demo (text)" 0 -- "$ALTROOT" demo
if grep -q "Demo: 7 of 7 verdicts as expected." "$WORK/out"; then ok "demo summary"; else not_ok "demo summary"; fi
expect_exit "demo (JSON) at a fixed time" 0 -- "$ALTROOT" demo --json --at 2030-01-01T00:00:00Z
expect_json "demo: seven reports" 'length==7'
expect_json "demo: decisions, rules and classes" \
    '[.[]|[.decision,.rule,.certificate_class.class]] == [["untrusted",7,0],["untrusted",7,3],["untrusted",7,4],["trusted",3,5],["untrusted",7,5],["untrusted",7,5],["trusted",4,6]]'
expect_json "demo: the verification time is the one given" 'all(.[]; .at=="2030-01-01T00:00:00Z")'
finish
