#!/usr/bin/env bash
# Server benchmarks on loopback (docs/performance.md, items 2 and 3), each against a baseline
# measured in the same run with the same certificate and key: a device certificate carrying
# Matter evidence, made by `altroot mint matter` and `altroot device cert`.
#   - handshake rate: `altroot serve` against `openssl s_server -www` and nginx (1 worker), one
#     client loop of fresh TLS 1.3 full handshakes (build-bench/bench/tls_load rate);
#   - memory: RSS of `altroot serve` and of the nginx worker holding N idle TLS connections, and
#     the client's own RSS per connection (tls_load hold).
# Usage: scripts/bench-servers.sh [BUILD_DIR] (default build-bench, already built).
# Environment: HANDSHAKES (per round, 200), ROUNDS (9), CONNECTIONS (1000).
# Every process started here is stopped on exit; every wait is bounded.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-bench}
altroot=$build/altroot
load=$build/bench/tls_load
handshakes=${HANDSHAKES:-200}
rounds=${ROUNDS:-9}
connections=${CONNECTIONS:-1000}
nginx=${NGINX:-/usr/sbin/nginx}

[ -x "$altroot" ] && [ -x "$load" ] || { echo "bench-servers: build $build first" >&2; exit 2; }
ulimit -n $((connections * 2 + 256))

tmp=$(mktemp -d /tmp/altroot-bench-servers.XXXXXX)
pids=() # every process started here and not yet stopped

# Stop process $1 (SIGTERM, then SIGKILL after 5 s) and forget it.
stop() {
    kill "$1" 2>/dev/null || true
    for _ in $(seq 50); do
        kill -0 "$1" 2>/dev/null || break
        sleep 0.1
    done
    kill -9 "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
    local rest=() p
    for p in "${pids[@]}"; do
        [ "$p" = "$1" ] || rest+=("$p")
    done
    pids=("${rest[@]}")
}
cleanup() {
    exec 3>&- 2>/dev/null || true
    local p
    for p in "${pids[@]}"; do
        stop "$p"
    done
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# Wait (at most 10 s) until something listens on 127.0.0.1:$1.
wait_port() {
    for _ in $(seq 100); do
        ss -Hltn "sport = :$1" | grep -q . && return 0
        sleep 0.1
    done
    echo "bench-servers: nothing listens on port $1" >&2
    return 1
}

# A port nobody listens on, away from the ephemeral range.
free_port() {
    local p
    for _ in $(seq 50); do
        p=$((20000 + RANDOM % 10000))
        ss -Hltn "sport = :$p" | grep -q . || { echo "$p"; return 0; }
    done
    return 1
}

rss() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
peak() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }

# ---- the device's certificate and key ----
"$altroot" mint matter --out "$tmp/m" >/dev/null
"$altroot" device cert --out "$tmp/dev" --names 127.0.0.1 --matter-dac-key "$tmp/m/dac-key.pem" \
    --matter-dac "$tmp/m/dac.pem" --matter-pai "$tmp/m/pai.pem" --matter-cd "$tmp/m/cd.der" \
    >/dev/null
cert=$tmp/dev/cert.pem
key=$tmp/dev/key.pem

# ---- the servers ----
# Every client here is 127.0.0.1: altroot's per-address limits are raised to the global one.
"$altroot" serve --cert "$cert" --key "$key" --listen 127.0.0.1:0 --port-file "$tmp/altroot.port" \
    --max-connections $((connections + 100)) --max-per-source $((connections + 100)) \
    --max-idle-per-source $((connections + 100)) --timeout 600 >"$tmp/altroot.log" 2>&1 &
altroot_pid=$!
pids+=("$altroot_pid")

s_server_port=$(free_port)
openssl s_server -quiet -www -tls1_3 -cert "$cert" -key "$key" -accept "127.0.0.1:$s_server_port" \
    </dev/null >"$tmp/s_server.log" 2>&1 &
s_server_pid=$!
pids+=("$s_server_pid")

nginx_port=$(free_port)
mkdir -p "$tmp/nginx/logs"
cat >"$tmp/nginx/nginx.conf" <<EOF
worker_processes 1;
worker_rlimit_nofile $((connections * 2 + 256));
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log;
events { worker_connections $((connections + 100)); }
http {
    access_log off;
    client_body_temp_path $tmp/nginx/body;
    proxy_temp_path $tmp/nginx/proxy;
    fastcgi_temp_path $tmp/nginx/fastcgi;
    uwsgi_temp_path $tmp/nginx/uwsgi;
    scgi_temp_path $tmp/nginx/scgi;
    client_header_timeout 600s;
    keepalive_timeout 600s;
    server {
        listen 127.0.0.1:$nginx_port ssl;
        ssl_certificate $cert;
        ssl_certificate_key $key;
        ssl_protocols TLSv1.2 TLSv1.3; # 1.22 leaves TLS 1.3 out by default
        location / { return 200 "ok\n"; }
    }
}
EOF
"$nginx" -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -e "$tmp/nginx/error.log" -g 'daemon off;' &
nginx_pid=$!
pids+=("$nginx_pid")

for _ in $(seq 100); do
    [ -s "$tmp/altroot.port" ] && break
    sleep 0.1
done
[ -s "$tmp/altroot.port" ] || { echo "bench-servers: altroot serve did not start" >&2; exit 1; }
altroot_port=$(cat "$tmp/altroot.port")
wait_port "$altroot_port"
wait_port "$s_server_port"
wait_port "$nginx_port"
worker_pid=$(cat "/proc/$nginx_pid/task/$nginx_pid/children" | awk '{print $1}')
[ -n "$worker_pid" ] || { echo "bench-servers: no nginx worker" >&2; exit 1; }

# ---- item 2: handshake rate ----
"$load" rate "$handshakes" "$rounds" "altroot serve:$altroot_port:$altroot_pid" \
    "openssl s_server -www:$s_server_port:$s_server_pid" \
    "nginx, 1 worker:$nginx_port:$worker_pid"
stop "$s_server_pid"

# ---- item 3: memory with N idle connections ----
# Holds $connections connections to port $1 with client API $2 (tls_load hold) while process $3
# is measured; sets h_before, h_with, h_per (KiB per connection) and h_peak, and appends the
# client's own figures, labelled with server name $4, to $tmp/client.txt.
hold() {
    local port=$1 api=$2 pid=$3 name=$4 holder
    sleep 0.5 # connections of the previous step are closed
    h_before=$(rss "$pid")
    rm -f "$tmp/hold.in" "$tmp/hold.out"
    mkfifo "$tmp/hold.in"
    "$load" hold "$port" "$connections" "$api" <"$tmp/hold.in" >"$tmp/hold.out" 2>&1 &
    holder=$!
    pids+=("$holder")
    exec 3>"$tmp/hold.in"
    for _ in $(seq 600); do
        grep -q '^ready' "$tmp/hold.out" && break
        kill -0 "$holder" 2>/dev/null || break
        sleep 0.1
    done
    if ! grep -q '^ready' "$tmp/hold.out"; then
        cat "$tmp/hold.out" >&2
        echo "bench-servers: the client did not open $connections connections" >&2
        exit 1
    fi
    sleep 0.3 # the server finishes its last handshake
    h_with=$(rss "$pid")
    h_peak=$(peak "$pid")
    h_per=$(awk -v a="$h_before" -v b="$h_with" -v n="$connections" \
        'BEGIN {printf "%.1f", (b - a) / n}')
    grep -v '^ready' "$tmp/hold.out" | sed "s/^/  to $name: /" >>"$tmp/client.txt"
    exec 3>&- # the client reads the end of its input and closes everything
    for _ in $(seq 100); do
        kill -0 "$holder" 2>/dev/null || break
        sleep 0.1
    done
    stop "$holder"
}

: >"$tmp/client.txt"
hold "$altroot_port" openssl "$altroot_pid" "altroot serve"
a_before=$h_before a_with=$h_with a_per=$h_per a_peak=$h_peak
hold "$nginx_port" openssl "$worker_pid" nginx
n_before=$h_before n_with=$h_with n_per=$h_per n_peak=$h_peak
hold "$altroot_port" altroot "$altroot_pid" "altroot serve"
nginx_master=$(rss "$nginx_pid")

echo
echo "Memory: $connections idle TLS 1.3 connections (handshake done, no request), RSS in KiB"
printf '%-34s %10s %12s %16s %12s\n' "server" "before" "with conns" "per connection" "peak (HWM)"
printf '%-34s %10s %12s %16s %12s\n' "altroot serve" "$a_before" "$a_with" "$a_per" "$a_peak"
printf '%-34s %10s %12s %16s %12s\n' "nginx, 1 worker (the worker)" "$n_before" "$n_with" "$n_per" \
    "$n_peak"
awk -v a="$a_per" -v n="$n_per" \
    'BEGIN {printf "per-connection ratio altroot/nginx: %.2fx\n", (n > 0) ? a / n : 0}'
echo "(nginx master process, not counted above: $nginx_master KiB)"
echo "Client side, the same $connections connections (its own RSS growth):"
cat "$tmp/client.txt"
