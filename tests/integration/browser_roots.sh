#!/usr/bin/env bash
# altroot-browser with an alternative root of trust, against `altroot serve` on loopback: a
# Matter device serving its NOC chain (primary integration), trusted by your fabric under its
# operational instance name.
# The instance name has no DNS: the browser runs in a private mount namespace whose /etc/hosts
# maps it to 127.0.0.1 (nothing outside the test process sees it).
ALTROOT=$1
BROWSER=$(dirname "$ALTROOT")/altroot-browser
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" # see browser.sh
SHOTS=$(pwd)/browser-screenshots
. "$(dirname "$0")/lib.sh"
for tool in xvfb-run identify convert jq timeout unshare python3; do
    command -v "$tool" >/dev/null || { not_ok "required tool $tool is missing"; finish; exit 1; }
done
[ -x "$BROWSER" ] || { not_ok "altroot-browser not built at $BROWSER"; finish; exit 1; }
mkdir -p "$SHOTS" && cd "$WORK" || exit 1

export SENTENCE="The hall light reports 42 lumens."
mkdir -p www && printf '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Hall light</title></head><body style="margin:0;font-family:sans-serif"><h1 style="margin:16px">Hall light</h1><p style="margin:16px">%s</p><div style="height:520px;background:linear-gradient(90deg,#1e6fd9,#f2a900,#2e9e44)"></div></body></html>' "$SENTENCE" > www/index.html

# serve DIR: `altroot serve` with DIR/cert.pem and DIR/key.pem; sets PORT.
serve() {
    rm -f "$1/port"
    "$ALTROOT" serve --cert "$1/cert.pem" --key "$1/key.pem" --root www --listen 127.0.0.1:0 \
        --port-file "$1/port" >"$1/serve.log" 2>&1 &
    PIDS+=($!)
    for _ in $(seq 1 100); do [ -s "$1/port" ] && break; sleep 0.05; done
    PORT=$(cat "$1/port" 2>/dev/null)
    [ -n "$PORT" ] || { not_ok "serve $1 did not start: $(cat "$1/serve.log")"; finish; exit 1; }
}

# check NAME CODE URL [browser options...]: a headless check inside a namespace with our hosts.
check() {
    local name=$1 code=$2 url=$3
    shift 3
    rm -f report.json
    expect_exit "$name: exit $code" "$code" -- timeout 90 unshare --mount bash -c \
        'mount --bind "$0" /etc/hosts && exec xvfb-run -a -s "-screen 0 1280x1024x24" "$@"' \
        "$WORK/hosts" "$BROWSER" --headless-check "$url" --screenshot "$SHOTS/$name.png" \
        --report "$WORK/report.json" --webpki none --timeout 30 "$@"
    rm -f "$WORK/out"
    [ -f report.json ] && mv report.json "$WORK/out" && cp "$WORK/out" "$SHOTS/$name.json"
    local colours
    colours=$(identify -format '%k' "$SHOTS/$name.png" 2>/dev/null)
    [ "${colours:-0}" -gt 400 ] && ok "$name: screenshot is a rendering ($colours colours)" ||
        not_ok "$name: screenshot has ${colours:-no} colours"
}

"$ALTROOT" mint matter --out m >/dev/null || { not_ok "mint matter"; finish; exit 1; }
"$ALTROOT" mint devid --out dv >/dev/null || { not_ok "mint devid"; finish; exit 1; }
INSTANCE=$("$ALTROOT" verify matter-noc --json --anchors m/anchors --rcac m/rcac.tlv --icac m/icac.tlv \
    --noc m/noc.tlv | jq -r .name_binding.name)
[ -n "$INSTANCE" ] && [ "$INSTANCE" != null ] || { not_ok "no instance name"; finish; exit 1; }
printf '127.0.0.1 localhost\n127.0.0.1 %s.local\n' "$INSTANCE" > hosts
mkdir -p anchors && cp -r m/anchors/* anchors/ && mkdir -p anchors/devid-ca && cp dv/mfg-root-ca.pem anchors/devid-ca/

# (1) Matter primary: the NOC chain is the TLS chain; your fabric; the instance name.
expect_exit "device cert --primary matter" 0 -- "$ALTROOT" device cert --out d-matter \
    --names "$INSTANCE.local" --primary matter --matter-noc-key m/noc-key.pem --matter-noc m/noc.tlv \
    --matter-icac m/icac.tlv --matter-rcac m/rcac.tlv
serve d-matter
check matter-primary 0 "https://$INSTANCE.local:$PORT/index.html" --anchors anchors
expect_json "matter primary: trusted by ownership, the instance name bound" \
    '.decision=="trusted" and .rule==3 and .name_binding.method=="operational-instance-name" and ([.roots[]|select(.root=="matter")][0].mode=="primary")'
expect_json "matter primary: the device page loaded, the panel says trusted" \
    '(.page_text|contains(env.SENTENCE)) and (.panel.title|startswith("Trusted"))'

# Secondary integration (evidence in the certificate) cannot be shown in WebKitGTK yet: its TLS
# library, GnuTLS (libtasn1), rejects any certificate holding an OID arc of 2^64 or more, and the
# project's arc 2.25.69226542634484640648002627714631563288 is a 128-bit UUID. The handshake
# fails before the browser sees the certificate ("ASN1 parser: Error in DER parsing"); see
# docs/evidence.md, "Interoperability". OpenSSL clients (altroot connect/get, curl) are not
# affected and are tested in tests/integration/evidence.sh.
finish
