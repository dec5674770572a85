#!/usr/bin/env bash
# `altroot connect` against stock `openssl s_server` processes on loopback: one case per
# certificate situation, each asserting the decision, the class and the error codes.
ALTROOT=$1
. "$(dirname "$0")/lib.sh"
cd "$WORK"

# A name-constrained local CA, issued with stock openssl (`openssl ca` sets exact dates).
local_ca
issue device "DNS:localhost,IP:127.0.0.1,IP:::1" 20260101000000Z 20360101000000Z
issue printer "DNS:printer.home.arpa" 20260101000000Z 20360101000000Z
issue old "DNS:localhost,IP:127.0.0.1" 20200101000000Z 20210101000000Z
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout self.key -out self.pem \
    -days 3650 -subj "/CN=device.home.arpa" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" 2>/dev/null
mkdir -p anchors/local-ca && cp ca.pem anchors/local-ca/home.pem
# The local CA is valid from the moment it was made: verify at the current time (the leaves are
# valid 2026-2036).
AT=$(date -u +%Y-%m-%dT%H:%M:%SZ)
A=(--anchors anchors --webpki none --json --timeout 5)

start_s_server 127.0.0.1 self.pem self.key
expect_exit "self-signed: untrusted" 1 -- "$ALTROOT" connect "${A[@]}" --at $AT "https://127.0.0.1:$PORT"
expect_json "self-signed: class 3, rule 7, E_CHAIN_SELF_SIGNED" \
    '.decision=="untrusted" and .rule==7 and .certificate_class.class==3 and .tls.established and .tls.leaf.self_signed and ([.failures[].name]|index("E_CHAIN_SELF_SIGNED")!=null)'

start_s_server 127.0.0.1 device.pem device.key
expect_exit "local CA by name: trusted" 0 -- "$ALTROOT" connect "${A[@]}" --at $AT "https://localhost:$PORT/"
expect_json "local CA by name: class 5, rule 3, bound by san-dns" \
    '.decision=="trusted" and .rule==3 and .certificate_class.class==5 and .name_binding.bound and .name_binding.method=="san-dns" and (.failures|length)==0'
expect_exit "local CA by IP SAN: trusted" 0 -- "$ALTROOT" connect "${A[@]}" --at $AT "https://127.0.0.1:$PORT/"
expect_json "IP SAN: bound by san-ip" '.name_binding.method=="san-ip" and .decision=="trusted"'
expect_exit "not yet valid (--at before notBefore): untrusted" 1 -- "$ALTROOT" connect "${A[@]}" --at 2025-06-01T00:00:00Z "https://localhost:$PORT/"
expect_json "not yet valid: E_CERT_NOT_YET_VALID, class 5" \
    '.decision=="untrusted" and .certificate_class.class==5 and ([.failures[].name]|index("E_CERT_NOT_YET_VALID")!=null)'
expect_exit "--connect-to: the name verified is the URL's" 0 -- "$ALTROOT" connect "${A[@]}" --at $AT --connect-to 127.0.0.1 "https://localhost:$PORT/"
expect_json "--connect-to: bound by san-dns for localhost" '.name_binding.name=="localhost" and .name_binding.method=="san-dns"'
expect_exit "--connect-to with a name the certificate lacks" 1 -- "$ALTROOT" connect "${A[@]}" --at $AT --connect-to 127.0.0.1 "https://kitchen.home.arpa:$PORT/"
expect_exit "text report" 0 -- "$ALTROOT" connect --anchors anchors --webpki none --at $AT "https://localhost:$PORT/"
if grep -q "Decision:     trusted (rule 3)" "$WORK/out"; then ok "text report names the decision"; else not_ok "text report"; fi

start_s_server '[::1]' device.pem device.key
expect_exit "IPv6 literal with IP SAN: trusted" 0 -- "$ALTROOT" connect "${A[@]}" --at $AT "https://[::1]:$PORT/"
expect_json "IPv6: peer address and san-ip" '.tls.address|startswith("[::1]:")'

start_s_server 127.0.0.1 printer.pem printer.key
expect_exit "wrong host name: untrusted" 1 -- "$ALTROOT" connect "${A[@]}" --at $AT "https://localhost:$PORT/"
expect_json "wrong host: E_NAME_MISMATCH, name not bound" \
    '.decision=="untrusted" and (.name_binding.bound|not) and ([.failures[].name]|index("E_NAME_MISMATCH")!=null)'

start_s_server 127.0.0.1 old.pem old.key
expect_exit "expired: untrusted" 1 -- "$ALTROOT" connect "${A[@]}" --at $AT "https://localhost:$PORT/"
expect_json "expired: E_CERT_EXPIRED, class 5" \
    '.decision=="untrusted" and .certificate_class.class==5 and ([.failures[].name]|index("E_CERT_EXPIRED")!=null)'
# The same CA as a Web PKI root: the leaf's validity decides there too (rule 7, class 6).
mkdir -p no-anchors
W=(--anchors no-anchors --webpki ca.pem --json --timeout 5 --at "$AT")
expect_exit "expired under the Web PKI: untrusted" 1 -- "$ALTROOT" connect "${W[@]}" "https://localhost:$PORT/"
expect_json "Web PKI, expired: rule 7, E_CERT_EXPIRED, class 6" \
    '.rule==7 and .certificate_class.class==6 and (.name_binding.bound|not) and ([.failures[].name]|index("E_CERT_EXPIRED")!=null)'
# In 2020 the leaf was valid but the CA (made today) was not: the whole path is checked.
expect_exit "leaf valid in 2020, CA not yet: untrusted" 1 -- "$ALTROOT" connect "${A[@]}" --at 2020-06-01T00:00:00Z "https://localhost:$PORT/"
expect_json "2020: the CA's E_CERT_NOT_YET_VALID at chain[1]" \
    '[.failures[]|select(.name=="E_CERT_NOT_YET_VALID")|.where]|any(test("chain\\[1\\]"))'

# A server that is not TLS: plain HTTP.
python3 -m http.server --bind 127.0.0.1 0 >"$WORK/http.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 100); do
    PORT=$(sed -n 's/.*port \([0-9]*\).*/\1/p' "$WORK/http.log" | head -1); [ -n "$PORT" ] && break; sleep 0.05
done
expect_exit "plain HTTP server: untrusted" 1 -- "$ALTROOT" connect "${A[@]}" --at $AT "https://127.0.0.1:$PORT/"
expect_json "plain HTTP: class 0, E_NOT_TLS" \
    '.certificate_class.class==0 and (.tls.established|not) and ([.failures[].name]|index("E_NOT_TLS")!=null)'

# A port that refuses: take one from a server, then stop it.
start_s_server 127.0.0.1 self.pem self.key
kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null
expect_exit "refused port: exit 2" 2 -- "$ALTROOT" connect "${A[@]}" --at $AT "https://127.0.0.1:$PORT/"
expect_stderr "refused port: E_CONNECT" "E_CONNECT"

finish
