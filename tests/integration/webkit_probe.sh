#!/usr/bin/env bash
# WebKitGTK's own TLS stack (glib-networking over GnuTLS) against device certificates, through
# tests/interop/webkit_probe under Xvfb: a plain certificate and certificates carrying evidence
# (`altroot mint` + `altroot device cert`, served by `altroot serve`) are parsed and complete a
# handshake; a certificate with an OID arc of 128 bits, which GnuTLS refuses, is not parsed; and
# the probe says yes only for the very certificate it was told to expect.
# $1 is the `altroot` tool, $2 the probe.
ALTROOT=$1
PROBE=$2
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
. "$(dirname "$0")/lib.sh"

# CI installs everything (scripts/deps.sh): a missing tool is a failure, never a skip.
for tool in xvfb-run openssl timeout; do
    command -v "$tool" >/dev/null || { not_ok "required tool $tool is missing"; finish; exit 1; }
done
[ -x "$PROBE" ] || { not_ok "webkit_probe not built at $PROBE"; finish; exit 1; }
cd "$WORK" || exit 1
mkdir -p www && echo "<p>device</p>" >www/index.html

# probe NAME URL DER CODE LINE: the probe's exit code and its one line on stdout.
probe() {
    local name=$1 url=$2 der=$3 code=$4 line=$5
    timeout 120 xvfb-run -a "$PROBE" "$url" --expect-der "$der" --timeout 30 >"$WORK/out" 2>"$WORK/err"
    local rc=$? got
    got=$(cat "$WORK/out")
    if [ "$rc" -eq "$code" ] && [[ "$got" == $line ]] && [ "$(wc -l <"$WORK/out")" -le 1 ]; then
        ok "$name: exit $rc, '$got'"
    else
        not_ok "$name: exit $rc, '$got' (expected $code, '$line')"; sed 's/^/  | /' "$WORK/err" | head -5
    fi
}
leaf_der() { openssl x509 -in "$1/cert.pem" -outform DER -out "$1/leaf.der"; }

# A plain self-signed device certificate, as a device without evidence has.
mkdir -p plain
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout plain/key.pem \
    -out plain/cert.pem -days 30 -subj "/CN=device.home.arpa" \
    -addext "subjectAltName=DNS:device.home.arpa,IP:127.0.0.1" 2>/dev/null
leaf_der plain
serve plain
probe "plain certificate" "https://127.0.0.1:$PORT/" plain/leaf.der 0 "parsed=yes handshake=yes"

# Certificates carrying evidence (id-pe-cmw), one from Matter credentials and one from FDO and
# 802.1AR ones.
AT=$(date -u +%Y-%m-%dT%H:%M:%SZ)
"$ALTROOT" mint matter --out m --at "$AT" >/dev/null
"$ALTROOT" mint devid --out d >/dev/null
"$ALTROOT" mint fdo --out f >/dev/null
"$ALTROOT" device cert --out ev-matter --names 127.0.0.1,device.home.arpa \
    --matter-dac-key m/dac-key.pem --matter-dac m/dac.pem --matter-pai m/pai.pem \
    --matter-cd m/cd.der --matter-noc-key m/noc-key.pem --matter-noc m/noc.tlv \
    --matter-icac m/icac.tlv --matter-rcac m/rcac.tlv >/dev/null
"$ALTROOT" device cert --out ev-fdo-devid --names 127.0.0.1 --fdo-device-key f/device.key.pem \
    --fdo-voucher f/voucher.pem --idevid-key d/idevid.key.pem --idevid d/idevid.pem \
    --idevid-chain d/chain.pem --ldevid d/ldevid.pem --ldevid-key d/idevid.key.pem >/dev/null
for dir in ev-matter ev-fdo-devid; do
    leaf_der "$dir"
    if openssl x509 -in "$dir/cert.pem" -noout -text | grep -q "1.3.6.1.5.5.7.1.35"; then
        ok "$dir: the leaf carries id-pe-cmw"; else not_ok "$dir: no id-pe-cmw in the leaf"; fi
    serve "$dir"
    probe "$dir: evidence certificate" "https://127.0.0.1:$PORT/" "$dir/leaf.der" 0 \
        "parsed=yes handshake=yes"
done

# The negative control: an extension whose OID has a 128-bit arc (a UUID arc), which GnuTLS
# (libtasn1) cannot parse, served by stock openssl.
mkdir -p arc128
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout arc128/key.pem \
    -out arc128/cert.pem -days 30 -subj "/CN=device.home.arpa" \
    -addext "subjectAltName=IP:127.0.0.1" \
    -addext "2.25.69226542634484640648002627714631563288=DER:05:00" 2>/dev/null
leaf_der arc128
if openssl x509 -in arc128/cert.pem -noout -text | grep -q "2.25.69226542634484640648002627714631563288"; then
    ok "arc128: the leaf carries the 128-bit arc"; else not_ok "arc128: the OID is missing"; fi
start_s_server 127.0.0.1 arc128/cert.pem arc128/key.pem
probe "128-bit arc: GnuTLS does not parse it" "https://127.0.0.1:$PORT/" arc128/leaf.der 1 \
    "parsed=no handshake=no error=*"

# The probe answers yes only for the certificate it expects; no server is a failure, not a no.
serve plain
probe "another certificate than the expected one" "https://127.0.0.1:$PORT/" ev-matter/leaf.der 2 ""
expect_stderr "another certificate: said so" "another certificate than the expected leaf"
# (Not port 1: WebKit blocks some ports without an error signal.)
FREE=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
probe "nothing listening" "https://127.0.0.1:$FREE/" plain/leaf.der 2 ""
expect_stderr "nothing listening: a failure outside TLS" "load failed outside TLS"
probe "usage: missing file" "https://127.0.0.1:$PORT/" missing.der 2 ""
expect_exit "usage: no --expect-der" 2 -- "$PROBE" "https://127.0.0.1:$PORT/"
# A server that accepts and never speaks: the time-out.
python3 -c 'import socket,sys,time
s=socket.socket(); s.bind(("127.0.0.1",0)); s.listen(8); print(s.getsockname()[1], flush=True); time.sleep(60)' >silent.port &
PIDS+=($!)
for _ in $(seq 1 100); do [ -s silent.port ] && break; sleep 0.05; done
timeout 60 xvfb-run -a "$PROBE" "https://127.0.0.1:$(cat silent.port)/" --expect-der plain/leaf.der \
    --timeout 2 >"$WORK/out" 2>"$WORK/err"
rc=$?
if [ "$rc" -eq 3 ] && [ ! -s "$WORK/out" ]; then ok "silent server: time-out (exit 3)"; else
    not_ok "silent server: exit $rc, '$(cat "$WORK/out")'"; fi

finish
