#!/usr/bin/env bash
# The gateway's state survives being killed (docs/gateway.md): `altroot gateway allow` runs
# many at once and is SIGKILLed at random moments; afterwards the database passes SQLite's
# integrity check, still opens, and holds every key a finished run printed (a key is printed only
# after its transaction committed), each once.
# usage: gateway_crash.sh ALTROOT
ALTROOT=$1
. "$(dirname "$0")/lib.sh"
cd "$WORK"
command -v python3 >/dev/null || { not_ok "python3 is not installed (scripts/deps.sh)"; finish; exit 1; }

"$ALTROOT" gateway init --dir gw --zone crash.home.arpa >/dev/null 2>&1 || { not_ok "init"; finish; exit 1; }
mkdir runs
for round in $(seq 1 8); do
    pids=()
    for i in $(seq 1 8); do
        "$ALTROOT" gateway allow --dir gw "dev$round-$i" >"runs/$round-$i.out" 2>"runs/$round-$i.err" &
        pids+=($!)
    done
    # Kill about half of them at once, at a moment that moves from round to round.
    sleep "0.0$((round % 10))"
    for i in 1 3 5 7; do kill -9 "${pids[$((i - 1))]}" 2>/dev/null; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
done
printed=$(cat runs/*.out | sed -n 's/^eab-kid: //p' | sort)
n=$(echo "$printed" | grep -c .)
[ "$n" -ge 32 ] && ok "$n of 64 runs finished and printed a key" || not_ok "only $n runs finished"
# Every run that was not killed succeeded: concurrency is not a failure.
failed=$(grep -l . runs/*.err 2>/dev/null | while read -r f; do grep -L "Killed" "$f"; done | head -3)
[ -z "$failed" ] && ok "no run failed other than by the kill" || not_ok "runs failed: $(cat $failed | head -3)"
python3 - "$WORK/gw/gateway.db" >check.txt 2>&1 <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
print("integrity", db.execute("PRAGMA integrity_check").fetchone()[0])
print("journal", db.execute("PRAGMA journal_mode").fetchone()[0])
for (kid,) in db.execute("SELECT kid FROM eab ORDER BY kid"):
    print("kid", kid)
PY
grep -qx "integrity ok" check.txt && ok "integrity check passes" || not_ok "integrity: $(head -3 check.txt)"
grep -qx "journal wal" check.txt && ok "database is in WAL mode" || not_ok "journal: $(grep journal check.txt)"
stored=$(sed -n 's/^kid //p' check.txt | sort)
missing=$(comm -23 <(echo "$printed") <(echo "$stored"))
[ -z "$missing" ] && ok "every printed key is stored" || not_ok "printed but not stored: $missing"
[ "$(echo "$stored" | sort | uniq -d)" = "" ] && ok "no key stored twice" || not_ok "duplicate kids"
expect_exit "the gateway still works after the kills" 0 -- "$ALTROOT" gateway allow --dir gw after
finish
