#!/usr/bin/env bash
# altroot-browser in a real WebKit engine under Xvfb, against stock `openssl s_server -WWW`
# pages on loopback: the verdict JSON, the trust panel's text, the page's text, and a
# screenshot that must be a real rendering. $1 is the `altroot` tool; the browser is next to it.
# Screenshots and reports are kept in ./browser-screenshots/ of the ctest working directory.
ALTROOT=$1
BROWSER=$(dirname "$ALTROOT")/altroot-browser
# In a sanitizer build, GTK, fontconfig, D-Bus and WebKit keep process-lifetime allocations that
# LeakSanitizer reports as leaks at exit; the browser's own code is small and the library it
# calls is leak-checked by every other test, so leak detection is off for the browser process.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
SHOTS=$(pwd)/browser-screenshots
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

# CI installs everything (scripts/deps.sh): a missing tool is a failure, never a skip.
for tool in xvfb-run identify convert openssl jq timeout python3 ss; do
    command -v "$tool" >/dev/null || { not_ok "required tool $tool is missing"; finish; exit 1; }
done
[ -x "$BROWSER" ] || { not_ok "altroot-browser not built at $BROWSER"; finish; exit 1; }
rm -rf "$SHOTS" && mkdir -p "$SHOTS" || exit 1
cd "$WORK" || exit 1

# A name-constrained local CA and leaves issued with stock openssl, valid around now.
local_ca
START=$(date -u -d '-1 day' +%Y%m%d%H%M%SZ)
END=$(date -u -d '+1 year' +%Y%m%d%H%M%SZ)
issue device "DNS:localhost,IP:127.0.0.1" "$START" "$END"
issue printer "DNS:printer.home.arpa" "$START" "$END"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout self.key -out self.pem \
    -days 365 -subj "/CN=device.home.arpa" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" 2>/dev/null
mkdir -p anchors/local-ca && cp ca.pem anchors/local-ca/home.pem
for f in device.pem printer.pem self.pem; do [ -s "$f" ] || { not_ok "PKI: $f not issued"; finish; exit 1; }; done

# The device's page: a known sentence and a block of colour that only a real rendering shows.
export SENTENCE="The kettle in the kitchen is ready for tea."
mkdir -p www
cat > www/index.html <<HTML
<!DOCTYPE html><html><head><meta charset="utf-8"><title>Kitchen hub</title></head>
<body style="margin:0;font-family:sans-serif"><h1 style="margin:16px">Kitchen hub</h1>
<p style="margin:16px">$SENTENCE</p>
<div style="height:520px;background:linear-gradient(90deg,#1e6fd9,#f2a900,#2e9e44)"></div>
</body></html>
HTML

# start_www CERT KEY: `openssl s_server -WWW` serving www/ on an ephemeral port; sets PORT.
start_www() {
    local log="$WORK/www.$RANDOM.log"
    (cd www && trap '' PIPE && exec openssl s_server -accept 127.0.0.1:0 -cert "../$1" -key "../$2" -WWW \
        -naccept 200 >"$log" 2>&1) &
    PIDS+=($!)
    wait_port "$log"
}

# check NAME CODE URL [options...]: one headless check; the report goes to $WORK/out.
check() {
    local name=$1 code=$2 url=$3
    shift 3
    rm -f "$WORK/report.json"
    expect_exit "$name: exit $code" "$code" -- timeout 90 xvfb-run -a -s "-screen 0 1280x1024x24" \
        "$BROWSER" --headless-check "$url" --screenshot "$SHOTS/$name.png" --report "$WORK/report.json" \
        --webpki none --timeout 30 "$@"
    # expect_exit leaves the (empty) standard output in $WORK/out: the report replaces it.
    rm -f "$WORK/out" "$SHOTS/$name.json"
    [ -f "$WORK/report.json" ] && mv "$WORK/report.json" "$WORK/out" && cp "$WORK/out" "$SHOTS/$name.json"
    return 0
}

# expect_rendering NAME: the screenshot is the whole window at its size, with far more colours
# than a blank window (measured: about 250, all of them in the toolbar's text), and the page area
# just below the toolbar (at most 126 pixels high; a blank page there has 1 colour) shows content.
expect_rendering() {
    local png="$SHOTS/$1.png" size colours page
    size=$(identify -format '%wx%h' "$png" 2>/dev/null)
    colours=$(identify -format '%k' "$png" 2>/dev/null)
    page=$(convert "$png" -crop 1024x400+0+130 +repage -format '%k' info: 2>/dev/null)
    if [ "$size" = 1024x768 ] && [ "${colours:-0}" -gt 400 ] && [ "${page:-0}" -gt 30 ]; then
        ok "$1: screenshot is a rendering (${size}, $colours colours, $page in the page area)"
    else
        not_ok "$1: screenshot size '${size}', $colours colours, $page in the page area"
    fi
}

A=(--anchors anchors)

# (a) A leaf under the local-ca anchor: WebKit fails it (unknown CA), altroot trusts it, the
# browser allows exactly that leaf for that host and reloads the real page.
start_www device.pem device.key
check trusted 0 "https://localhost:$PORT/index.html" "${A[@]}"
expect_json "trusted: rule 3, class 5, bound by san-dns" \
    '.decision=="trusted" and .rule==3 and .certificate_class.class==5 and .name_binding.method=="san-dns" and (.failures|length)==0'
expect_json "trusted: the page itself loaded" \
    '.browser.page=="site" and (.page_text|contains(env.SENTENCE))'
expect_json "trusted: the panel names the CA" \
    '(.panel.title|startswith("Trusted")) and (.panel.text|contains("CN=Home CA"))'
expect_json "trusted: the page came over the proxy's judged connection, with the proxy's own certificate" \
    '. as $r | .browser.relayed and .tls.established and (.browser.tunnels|length>0) and (.browser.tunnels|all(.host=="localhost" and .decision=="trusted" and .relayed and .leaf_sha256==$r.tls.leaf.sha256)) and (.browser.webkit_tls_errors|index("unknown-ca")!=null)'
expect_rendering trusted
cp "$WORK/out" browser.json
# The same server judged by `altroot connect` (OpenSSL, not WebKit): the same verdict, and the
# browser's report is a superset of the documented JSON.
expect_exit "connect agrees" 0 -- "$ALTROOT" connect "${A[@]}" --webpki none --json "https://localhost:$PORT/"
if jq -e -n --slurpfile b browser.json --slurpfile c "$WORK/out" \
    '($b[0]|keys - ["panel","page_text","browser"]) == ($c[0]|keys) and $b[0].tls.leaf.sha256==$c[0].tls.leaf.sha256 and $b[0].decision==$c[0].decision and $b[0].rule==$c[0].rule' >/dev/null; then
    ok "report: same fields as altroot connect --json plus panel, page_text, browser; same leaf and decision"
else
    not_ok "report differs from altroot connect --json"
fi

# --at before the leaf's notBefore: altroot decides with the given time, whatever WebKit thinks.
check trusted-at-past 1 "https://localhost:$PORT/index.html" "${A[@]}" --at "$(date -u -d '-30 days' +%Y-%m-%dT%H:%M:%SZ)"
expect_json "--at in the past: untrusted, E_CERT_NOT_YET_VALID, nothing relayed" \
    '.decision=="untrusted" and ([.failures[].name]|index("E_CERT_NOT_YET_VALID")!=null) and (.browser.relayed|not) and (.browser.tunnels|length>0) and (.browser.tunnels|all(.relayed|not)) and (.page_text|contains(env.SENTENCE)|not)'

# (b) A self-signed server: blocked, the error page explains, and offers no way through.
start_www self.pem self.key
check self-signed 1 "https://127.0.0.1:$PORT/index.html" "${A[@]}"
expect_json "self-signed: untrusted, class 3, E_CHAIN_SELF_SIGNED" \
    '.decision=="untrusted" and .rule==7 and .certificate_class.class==3 and ([.failures[].name]|index("E_CHAIN_SELF_SIGNED")!=null)'
expect_json "self-signed: the error page explains, not the device page" \
    '.browser.page=="blocked" and (.page_text|contains("not trusted")) and (.page_text|contains("E_CHAIN_SELF_SIGNED")) and (.page_text|contains(env.SENTENCE)|not)'
expect_json "self-signed: no click-through (no link, button or form), nothing relayed" \
    '.browser.page_controls==0 and (.browser.tunnels|all(.relayed|not)) and (.panel.title|startswith("Blocked"))'
expect_rendering self-signed

# (c) A leaf under the local CA that names another host.
start_www printer.pem printer.key
check wrong-name 1 "https://localhost:$PORT/index.html" "${A[@]}"
expect_json "wrong name: untrusted with E_NAME_MISMATCH, name not bound" \
    '.decision=="untrusted" and (.name_binding.bound|not) and ([.failures[].name]|index("E_NAME_MISMATCH")!=null)'
expect_json "wrong name: blocked page and panel say why" \
    '.browser.page=="blocked" and (.page_text|contains("E_NAME_MISMATCH")) and (.panel.text|contains("E_NAME_MISMATCH")) and (.page_text|contains(env.SENTENCE)|not)'
expect_rendering wrong-name

# (d) A port that refuses: exit 2, no report, the reason on stderr, an explanatory page.
start_www self.pem self.key
kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null
check refused 2 "https://127.0.0.1:$PORT/index.html" "${A[@]}"
expect_stderr "refused: E_CONNECT on stderr" "E_CONNECT"
if [ -f "$WORK/out" ]; then not_ok "refused: a report was written"; else ok "refused: no report"; fi
expect_rendering refused

# (e) Plain HTTP at an https:// address: the proxy's connection finds no TLS: untrusted
# (E_NOT_TLS), exit 1, as `altroot connect`.
python3 -u -m http.server --bind 127.0.0.1 0 --directory "$WORK/www" >"$WORK/http.log" 2>&1 &
PIDS+=($!)
HTTP_PORT=
for _ in $(seq 1 100); do
    HTTP_PORT=$(sed -n 's/.*port \([0-9]*\).*/\1/p' "$WORK/http.log" | head -1)
    [ -n "$HTTP_PORT" ] && break
    sleep 0.05
done
check plain-http 1 "https://127.0.0.1:$HTTP_PORT/index.html" "${A[@]}"
expect_json "plain http: untrusted with E_NOT_TLS, blocked, nothing relayed" \
    '.decision=="untrusted" and ([.failures[].name]|index("E_NOT_TLS")!=null) and .browser.page=="blocked" and (.browser.tunnels|all(.relayed|not)) and (.page_text|contains(env.SENTENCE)|not)'

# (f) The proxy serves only the browser's own WebKit. Another local process (proxy_foreign.py,
# a gate in front of the device) finds the live proxy's port while the browser's first tunnel
# waits on it, keeps 100 silent connections to the proxy open (more than its 64 tunnel slots),
# and sends CONNECT heads without the secret or with a wrong one. Those get 407, never 200 or
# 403 (which would tell it what the browser trusts); the silent ones are cut after the head
# deadline with 408; and the page's script, fetched over a new tunnel while the flood is held,
# still loads.
cat > www/foreign.html <<HTML
<!DOCTYPE html><html><head><meta charset="utf-8"><title>Boiler</title></head>
<body style="margin:0;font-family:sans-serif;background:#e8f0e0"><h1 style="margin:16px">Boiler</h1>
<p style="margin:16px">$SENTENCE</p><script src="/marker.js"></script>
<div style="height:520px;background:linear-gradient(90deg,#1e6fd9,#f2a900,#2e9e44)"></div></body></html>
HTML
echo "document.body.insertAdjacentText('beforeend', 'SCRIPT-OVER-A-NEW-TUNNEL-5d1e');" > www/marker.js
start_www device.pem device.key
rm -f gate.port foreign.json
python3 "$HERE/proxy_foreign.py" "$WORK/gate.port" "$PORT" "$WORK/foreign.json" 2>"$WORK/gate.log" &
GATE_PID=$!
PIDS+=($GATE_PID)
for _ in $(seq 1 100); do [ -s gate.port ] && break; sleep 0.05; done
check foreign 0 "https://localhost:$(cat gate.port)/foreign.html" "${A[@]}"
kill "$GATE_PID" 2>/dev/null
wait "$GATE_PID" 2>/dev/null
cp "$WORK/out" "$WORK/foreign-report.json" 2>/dev/null
expect_json "foreign: the page and its script loaded over judged tunnels during the flood" \
    '.decision=="trusted" and .browser.page=="site" and (.page_text|contains("SCRIPT-OVER-A-NEW-TUNNEL-5d1e")) and (.browser.tunnels|length>=2) and (.browser.tunnels|all(.relayed))'
cp foreign.json "$WORK/out" 2>/dev/null || echo '{}' > "$WORK/out"
cp "$WORK/out" "$SHOTS/foreign-process.json"
expect_json "foreign: a CONNECT without the secret, or with a wrong one, gets 407" \
    '.probes.none=="HTTP/1.1 407 Proxy Authentication Required" and .probes.wrong==.probes.none and .probes["empty-user"]==.probes.none'
# (The browser usually ends before the head deadline: its exit cuts them, and it then refuses.)
expect_json "foreign: 100 silent connections were held at once, and none got a tunnel or a verdict" \
    '.flood_open_max==100 and (.flood_answers|keys|all(.=="HTTP/1.1 408 Request Timeout" or .=="closed" or test("Connection refused")))'

# The trust store fails closed, and usage errors exit 2 before any window opens.
mkdir -p bad/local-ca && echo "not a certificate" > bad/local-ca/broken.pem
check bad-store 2 "https://127.0.0.1:$PORT/index.html" --anchors bad
expect_stderr "bad store: refused, naming the file" "broken.pem"
mkdir -p open/local-ca && chmod 777 open/local-ca
check open-store 2 "https://127.0.0.1:$PORT/index.html" --anchors open
expect_stderr "a store others can write: refused, naming the folder and the fix" \
    "open/local-ca: .*chmod go-w open/local-ca.*E_STORE_WRITABLE"
expect_exit "usage: --headless-check without --report" 2 -- "$BROWSER" --headless-check "https://localhost/" --screenshot x.png
expect_exit "usage: not an https URL" 2 -- "$BROWSER" --headless-check "http://localhost/" --screenshot x.png --report r.json

finish
