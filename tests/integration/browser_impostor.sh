#!/usr/bin/env bash
# altroot-browser decides before anything is shown (docs/browser.md, "How the browser decides"):
# (a) an impostor at a pinned name, with an ordinary certificate for that name from a root that
#     the system CA bundle holds (so WebKit's own TLS library would accept it), is refused: not a
#     byte of its page is rendered, and its script never runs;
# (b) a Web PKI site at an unpinned name loads;
# (c) a device that shows its genuine certificate on the first connection and another one on the
#     next is refused on the connection that would carry the page.
# The browser runs in a private mount namespace whose /etc/hosts maps the names to 127.0.0.1 and
# whose system CA bundle (/etc/ssl/certs/ca-certificates.crt) also holds the test's Web PKI root,
# as the finding had it; nothing outside the test process sees either.
ALTROOT=$1
BROWSER=$(dirname "$ALTROOT")/altroot-browser
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" # see browser.sh
SHOTS=$(pwd)/browser-screenshots
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
for tool in xvfb-run identify convert jq timeout unshare python3 openssl curl gnutls-cli; do
    command -v "$tool" >/dev/null || { not_ok "required tool $tool is missing"; finish; exit 1; }
done
[ -x "$BROWSER" ] || { not_ok "altroot-browser not built at $BROWSER"; finish; exit 1; }
mkdir -p "$SHOTS" && cd "$WORK" || exit 1

PINNED=pinned.home.arpa
OPEN=webpki.home.arpa
printf '127.0.0.1 localhost\n127.0.0.1 %s\n127.0.0.1 %s\n' "$PINNED" "$OPEN" > hosts

# The genuine device's page, the Web PKI site's page, and the impostor's: the impostor's carries
# a marker, a script that writes another one, and a colour (#ff00ff) that nothing else shows.
export SENTENCE="The boiler in the cellar is at 60 degrees."
export WEBPKI_SENTENCE="The public weather station says it is sunny."
export MARKER="IMPOSTOR-PAGE-7f3a"
export SCRIPT_MARKER="IMPOSTOR-SCRIPT-RAN-91c2"
page() {
    printf '<!DOCTYPE html><html><head><meta charset="utf-8"><title>%s</title></head><body style="margin:0;font-family:sans-serif;background:%s"><h1 style="margin:16px">%s</h1><p style="margin:16px">%s</p>%s<div style="height:520px;background:%s"></div></body></html>' "$1" "$2" "$1" "$3" "$4" "$2"
}
mkdir -p www wwwpki wwwbad
page Boiler "#e8f0e0" "$SENTENCE" "" > www/index.html
page Weather "#e0e8f4" "$WEBPKI_SENTENCE" "" > wwwpki/index.html
page Boiler "#ff00ff" "$MARKER" "<script>document.title='$SCRIPT_MARKER';document.body.insertAdjacentText('beforeend','$SCRIPT_MARKER')</script>" > wwwbad/index.html

# A Web PKI root (no name constraints) and its leaves, made with stock openssl; the bundle
# altroot reads (--webpki) and the system bundle of the namespace both hold it.
mkdir -p wp && (
    cd wp && local_ca &&
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem \
            -days 3650 -subj "/O=Example Public Trust/CN=Example Public Root" \
            -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null &&
        START=$(date -u -d '-1 day' +%Y%m%d%H%M%SZ) && END=$(date -u -d '+90 days' +%Y%m%d%H%M%SZ) &&
        issue impostor "DNS:$PINNED" "$START" "$END" && issue open "DNS:$OPEN" "$START" "$END"
) || { not_ok "Web PKI: root and leaves"; finish; exit 1; }
cat /etc/ssl/certs/ca-certificates.crt wp/ca.pem > system-bundle.crt
cp wp/ca.pem webpki.pem

# The genuine device: a Matter unit whose leaf carries its evidence (secondary integration).
"$ALTROOT" mint matter --out m >/dev/null || { not_ok "mint matter"; finish; exit 1; }
mkdir -p anchors && cp -r m/anchors/. anchors/
expect_exit "device cert: the Matter unit at $PINNED" 0 -- "$ALTROOT" device cert --out dev \
    --names "$PINNED" --matter-dac-key m/dac-key.pem --matter-dac m/dac.pem --matter-pai m/pai.pem \
    --matter-cd m/cd.der

# "${NS[@]}" COMMAND...: run in a mount namespace with our hosts file and system CA bundle.
# shellcheck disable=SC2016
NS=(unshare --mount bash -c 'mount --bind "$0" /etc/hosts && mount --bind "$1" /etc/ssl/certs/ca-certificates.crt || exit 3
    shift; exec "$@"' "$WORK/hosts" "$WORK/system-bundle.crt")

# check NAME CODE URL [browser options...]: a headless check in the namespace; report in $WORK/out.
check() {
    local name=$1 code=$2 url=$3
    shift 3
    rm -f report.json
    expect_exit "$name: exit $code" "$code" -- timeout 90 "${NS[@]}" xvfb-run -a -s "-screen 0 1280x1024x24" \
        "$BROWSER" --headless-check "$url" --screenshot "$SHOTS/$name.png" --report "$WORK/report.json" \
        --webpki "$WORK/webpki.pem" --anchors "$WORK/anchors" --timeout 30 "$@"
    rm -f "$WORK/out"
    [ -f report.json ] && mv report.json "$WORK/out" && cp "$WORK/out" "$SHOTS/$name.json"
    local colours
    colours=$(identify -format '%k' "$SHOTS/$name.png" 2>/dev/null)
    [ "${colours:-0}" -gt 400 ] && ok "$name: screenshot is a rendering ($colours colours)" ||
        not_ok "$name: screenshot has ${colours:-no} colours"
}

# no_impostor NAME: neither the impostor's page nor its script reached the screen or the DOM.
no_impostor() {
    expect_json "$1: no byte of the impostor's page in the DOM, its script never ran" \
        '(.page_text|contains(env.MARKER)|not) and (.page_text|contains(env.SCRIPT_MARKER)|not) and (.panel.text|contains(env.MARKER)|not) and (.browser.relayed|not)'
    local magenta
    magenta=$(convert "$SHOTS/$1.png" -fill black +opaque '#ff00ff' -fill white -opaque '#ff00ff' \
        -format '%[fx:round(mean*w*h)]' info: 2>/dev/null)
    [ "${magenta:-x}" = 0 ] && ok "$1: no pixel of the impostor's page on the screen" ||
        not_ok "$1: ${magenta:-?} pixels of the impostor's colour on the screen"
}

# Pin the genuine unit at its name from the blue page; its page then opens (rule 5).
serve dev
check impostor-pin-genuine 0 "https://$PINNED:$PORT/index.html" --headless-pin
expect_json "genuine unit pinned: trusted by rule 5, its page opens over the proxy" \
    '.rule==5 and .name_binding.method=="pin" and .browser.page=="site" and .browser.relayed and (.page_text|contains(env.SENTENCE))'
GENUINE_LEAF=$(jq -r .tls.leaf.sha256 "$WORK/out")
kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null

# (a) The impostor: an ordinary Web PKI certificate for the pinned name.
(cd wwwbad && trap '' PIPE && exec openssl s_server -accept 127.0.0.1:0 -cert ../wp/impostor.pem \
    -key ../wp/impostor.key -WWW -naccept 100 >"$WORK/bad.log" 2>&1) &
PIDS+=($!)
wait_port "$WORK/bad.log" || { not_ok "impostor server"; finish; exit 1; }
BAD=$PORT
# The scenario is real: with this system bundle, stock clients accept the impostor and get its page.
expect_exit "control: curl (system bundle) accepts the impostor" 0 -- "${NS[@]}" curl -fsS "https://$PINNED:$BAD/index.html"
grep -q "$MARKER" "$WORK/out" && ok "control: curl gets the impostor's page" || not_ok "control: curl output lacks the marker"
expect_exit "control: GnuTLS (system bundle) accepts the impostor" 0 -- "${NS[@]}" bash -c \
    "echo | timeout 10 gnutls-cli --port $BAD $PINNED"
check impostor 1 "https://$PINNED:$BAD/index.html"
expect_json "impostor: untrusted by rule 2 with E_PIN_MISMATCH, although its Web PKI chain is valid" \
    '.decision=="untrusted" and .rule==2 and ([.failures[].name]|index("E_PIN_MISMATCH")!=null) and ([.roots[]|select(.root=="webpki")][0].status=="verified")'
expect_json "impostor: the browser's blocked page, every tunnel refused" \
    '.browser.page=="blocked" and .browser.page_controls==0 and (.browser.tunnels|length>0) and (.browser.tunnels|all(.decision=="untrusted" and (.relayed|not))) and (.page_text|contains("E_PIN_MISMATCH")) and (.page_text|contains("add the authority")|not) and (.panel.title|startswith("Blocked"))'
no_impostor impostor

# (b) A Web PKI site at a name nobody pinned: trusted by rule 4, its page opens.
(cd wwwpki && trap '' PIPE && exec openssl s_server -accept 127.0.0.1:0 -cert ../wp/open.pem \
    -key ../wp/open.key -WWW -naccept 100 >"$WORK/open.log" 2>&1) &
PIDS+=($!)
wait_port "$WORK/open.log" || { not_ok "Web PKI server"; finish; exit 1; }
check webpki-site 0 "https://$OPEN:$PORT/index.html"
expect_json "Web PKI site: trusted by rule 4, its page opens over the proxy" \
    '.decision=="trusted" and .rule==4 and .browser.page=="site" and .browser.relayed and (.page_text|contains(env.WEBPKI_SENTENCE)) and (.panel.title|startswith("Trusted"))'

# (c) The genuine certificate on the first connection, the impostor's on every later one.
rm -f swap.port
python3 "$HERE/tls_swap_server.py" swap.port dev/cert.pem dev/key.pem wp/impostor.pem wp/impostor.key \
    wwwbad/index.html >"$WORK/swap.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 100); do [ -s swap.port ] && break; sleep 0.05; done
SWAP=$(cat swap.port 2>/dev/null)
[ -n "$SWAP" ] || { not_ok "swap server did not start: $(cat "$WORK/swap.log")"; finish; exit 1; }
check cert-swap 1 "https://$PINNED:$SWAP/index.html"
export GENUINE_LEAF
expect_json "swap: the genuine certificate was judged trusted, the changed one refused (E_PIN_MISMATCH)" \
    '(.browser.tunnels|any(.decision=="trusted" and .leaf_sha256==env.GENUINE_LEAF)) and (.browser.tunnels|any(.decision=="untrusted" and (.relayed|not) and .leaf_sha256!=env.GENUINE_LEAF)) and .rule==2 and ([.failures[].name]|index("E_PIN_MISMATCH")!=null)'
expect_json "swap: blocked, the page of the changed certificate never shown" \
    '.browser.page=="blocked" and (.browser.tunnels|map(select(.relayed))|all(.leaf_sha256==env.GENUINE_LEAF))'
no_impostor cert-swap
grep -q "certificate B" "$WORK/swap.log" && ok "swap: the server did present the changed certificate" ||
    not_ok "swap: the server never presented certificate B: $(cat "$WORK/swap.log")"
finish
