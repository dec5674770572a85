#!/usr/bin/env bash
# Fair admission in `altroot serve`: one source (127.0.0.1) holds the connection limit plus 16
# plain TCP connections that never send a byte, opening again each one the server drops, while
# a good client from another address (127.0.0.2) makes 100 requests, each on a fresh TLS
# connection. At least 99 of them must be served. Run at --max-connections 64, at the default
# limit, and at 64 with the per-source limits raised to the global one (so only the eviction of
# idle connections at the limit can make room), and at 64 with the same connections spread over
# eight addresses, each under its per-address limits. Loopback only; every wait is bounded; every
# process started is stopped.
ALTROOT=$1
. "$(dirname "$0")/lib.sh"
CLIENT="python3 $(cd "$(dirname "$0")" && pwd)/serve_client.py"
cd "$WORK" || exit 1

REQUESTS=100 # good requests per run
NEED=99      # served at least
EXTRA=16     # hostile connections beyond the limit
# The default limit needs 2 x 1024 + 32 descriptors in the server and over 1,040 in the client.
if ! ulimit -n 8192; then
    echo "cannot raise the descriptor limit to 8192 (hard limit $(ulimit -Hn))" >&2
    exit 1
fi

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem \
    -days 30 -subj "/CN=Fair Test CA" -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout leaf.key -out leaf.csr \
    -subj "/CN=device.local" 2>/dev/null
printf 'basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n' >leaf.ext
openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 \
    -extfile leaf.ext -out leaf.pem 2>/dev/null
mkdir -p www
echo "hello from altroot" >www/index.html

check() { if eval "$2"; then ok "$1"; else not_ok "$1"; return 1; fi; }
counts() { sed -n "s/.*\b$2 \([0-9]*\).*/\1/p" "$1"; }
# The status page, fetched from a third address (127.0.0.3) so that neither side's limit
# applies to it.
status_json() {
    curl -sS --max-time 10 --interface 127.0.0.3 --cacert ca.pem -o "$1" \
        "https://localhost:$PORT/.well-known/altroot/status?format=json"
}
wait_exit() {
    for _ in $(seq 1 $(($2 * 10))); do
        kill -0 "$1" 2>/dev/null || { wait "$1"; return; }
        sleep 0.1
    done
    kill "$1" 2>/dev/null
    wait "$1" 2>/dev/null
    return 1
}

# run NAME ADDRESSES JQ-CHECK SERVE-OPTIONS...: one server, the attack (from 127.0.0.1, or
# spread over ADDRESSES addresses 127.0.1.x when not 0), the good client, the verdict.
run() {
    local name=$1 spread=$2 expect=$3
    shift 3
    rm -f "$name.port"
    "$ALTROOT" serve --cert leaf.pem --key leaf.key --listen 127.0.0.1:0 --root www \
        --port-file "$name.port" "$@" >"$name.log" 2>&1 &
    local server=$!
    PIDS+=("$server")
    PORT=
    for _ in $(seq 1 100); do
        [ -s "$name.port" ] && PORT=$(cat "$name.port") && break
        kill -0 "$server" 2>/dev/null || break
        sleep 0.05
    done
    if [ -z "$PORT" ]; then
        not_ok "$name: server did not start: $(head -1 "$name.log")"
        return
    fi
    status_json "$name.before.json"
    local limit
    limit=$(jq .connections.max "$name.before.json")
    local hostile=$((limit + EXTRA))
    touch "$name.run"
    $CLIENT idlehold "$PORT" "$hostile" 120 "$name.run" "$name.ready" "$spread" \
        >"$name.hostile" \
        2>"$name.hostile.err" &
    local holder=$!
    PIDS+=("$holder")
    for _ in $(seq 1 300); do [ -s "$name.ready" ] && break; sleep 0.1; done
    sleep 1 # the server has accepted (or refused) the whole first wave
    status_json "$name.during.json"
    local start
    start=$(date +%s%N)
    $CLIENT fair "$PORT" ca.pem 127.0.0.2 /index.html www/index.html "$REQUESTS" 60 \
        >"$name.good" 2>"$name.good.err"
    local ms=$((($(date +%s%N) - start) / 1000000))
    status_json "$name.after.json"
    rm -f "$name.run"
    wait_exit "$holder" 30
    local served from=127.0.0.1
    [ "$spread" = 0 ] || from="$spread addresses"
    served=$(counts "$name.good" served)
    echo "# $name: fairness $served/$REQUESTS good requests served from 127.0.0.2 in $ms ms" \
        "($(cat "$name.good")) while $from held $hostile idle connections" \
        "($(cat "$name.hostile")); limit $limit"
    echo "# $name: during $(jq -c .connections "$name.during.json" 2>/dev/null)"
    echo "# $name: after $(jq -c .connections "$name.after.json" 2>/dev/null)"
    check "$name: $served of $REQUESTS good requests served (at least $NEED)" \
        '[ "${served:-0}" -ge "$NEED" ]' || sed 's/^/  | /' "$name.good.err" | head -5
    check "$name: the hostile source kept trying ($(cat "$name.hostile"))" \
        '[ "$(counts "$name.hostile" opened)" -ge "$hostile" ]'
    check "$name: status page: $expect" "json_true $name.after.json '.connections | $expect'"
    kill -TERM "$server"
    wait_exit "$server" 10
    local rc=$?
    check "$name: SIGTERM: exit 0 ($rc)" '[ "$rc" = 0 ]'
}

run limit64 0 '.rejected_per_source > 0 and .open < 64' --max-connections 64
run default 0 '.rejected_per_source > 0 and .max == 1024'
run evict64 0 '.evicted_idle > 0 and .rejected_at_limit > 0' --max-connections 64 \
    --max-per-source 64 --max-idle-per-source 64
# The same number of connections from eight addresses, each under its own limits: the server
# is full, and the largest holders give way.
run spread64 8 '.evicted_idle > 0 and .rejected_per_source == 0' --max-connections 64
finish
