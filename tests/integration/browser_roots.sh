#!/usr/bin/env bash
# altroot-browser with alternative roots of trust, against `altroot serve` on loopback:
# - a Matter device serving its NOC chain (primary integration), trusted by your fabric under its
#   operational instance name;
# - devices whose leaf carries the evidence extension (secondary integration): an 802.1AR and a
#   Matter unit (attested, the page opens once pinned), forged and copied evidence (untrusted, no
#   way on), and a Matter unit under your local CA (trusted, the page opens). The browser's proxy
#   judges each device over its own connection and relays only a trusted one; WebKit only ever
#   sees the proxy's certificate (docs/browser.md, "How the browser decides").
# The instance name has no DNS: the browser runs in a private mount namespace whose /etc/hosts
# maps it to 127.0.0.1 (nothing outside the test process sees it).
ALTROOT=$1
BROWSER=$(dirname "$ALTROOT")/altroot-browser
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" # see browser.sh
SHOTS=$(pwd)/browser-screenshots
. "$(dirname "$0")/lib.sh"
for tool in xvfb-run identify convert jq timeout unshare python3 fc-list; do
    command -v "$tool" >/dev/null || { not_ok "required tool $tool is missing"; finish; exit 1; }
done
[ -x "$BROWSER" ] || { not_ok "altroot-browser not built at $BROWSER"; finish; exit 1; }
mkdir -p "$SHOTS" && cd "$WORK" || exit 1

export SENTENCE="The hall light reports 42 lumens."
mkdir -p www && printf '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Hall light</title></head><body style="margin:0;font-family:sans-serif"><h1 style="margin:16px">Hall light</h1><p style="margin:16px">%s</p><div style="height:520px;background:linear-gradient(90deg,#1e6fd9,#f2a900,#2e9e44)"></div></body></html>' "$SENTENCE" > www/index.html

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

# Every glyph the panel and the pages use (written as \uXXXX in browser/) is in DejaVu Sans, the
# default font of Debian (fonts-dejavu-core): none renders as a box.
glyphs=$(grep -oh '\\u[0-9a-fA-F]\{4\}' "$(dirname "$0")"/../../browser/*.c | sort -u | cut -c3-)
missing=
for g in $glyphs; do
    fc-list ":charset=$g" file | grep -q '/DejaVuSans.ttf' || missing="$missing U+$g"
done
[ -n "$glyphs" ] && [ -z "$missing" ] && ok "glyphs$(printf ' U+%s' $glyphs) are all in DejaVu Sans" ||
    not_ok "glyphs not in DejaVu Sans:${missing:- none found}"

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

# ---- secondary integration: the evidence extension, judged by the browser's proxy ----
printf '127.0.0.1 widget.home.arpa\n127.0.0.1 forged.home.arpa\n127.0.0.1 copied.home.arpa\n127.0.0.1 lamp.home.arpa\n' >> hosts
"$ALTROOT" mint matter --out mbad --fault cd-signature >/dev/null || { not_ok "mint matter fault"; finish; exit 1; }
MATTER=(--matter-dac-key m/dac-key.pem --matter-dac m/dac.pem --matter-pai m/pai.pem --matter-cd m/cd.der)
# Refused at the proxy: every tunnel judged, none relayed, the device's page never shown.
refused='(.browser.tunnels|length>0) and (.browser.tunnels|all(.relayed|not)) and (.browser.relayed|not)'
blocked='.browser.page=="blocked" and .browser.page_controls==0 and (.page_text|contains(env.SENTENCE)|not)'
# Opened: the page came over the proxy's relay of a trusted connection to this device.
opened='.browser.page=="site" and .browser.relayed and (.page_text|contains(env.SENTENCE)) and (.panel.title|startswith("Trusted")) and (. as $r|.browser.tunnels|any(.relayed and .leaf_sha256==$r.tls.leaf.sha256))'
root_is() { echo "(.roots[]|select(.root==\"$1\" and .mode==\"$2\")|.status==\"$3\")"; }

# (2) An 802.1AR unit: genuine, not proven yours; the page stays closed until it is pinned.
expect_exit "device cert: 802.1AR evidence" 0 -- "$ALTROOT" device cert --out s-devid \
    --names widget.home.arpa --idevid-key dv/idevid.key.pem --idevid dv/idevid.pem --idevid-chain dv/chain.pem
serve s-devid
check devid-secondary 1 "https://widget.home.arpa:$PORT/index.html" --anchors anchors
expect_json "802.1AR secondary: attested, refused at the proxy" \
    ".decision==\"attested\" and .rule==6 and $(root_is devid secondary verified) and $refused"
expect_json "802.1AR secondary: attested page, panel and an enabled pin button" \
    "$blocked and (.panel.title==\"Genuine: Example Widgets, hardware type 1.3.6.1.4.1.6715.10.1, not proven yours\") and (.page_text|contains(\"not proven to be yours\")) and (.page_text|contains(\"Pin this device\")) and (.page_text|contains(\"add the authority\")|not) and .browser.pin_button.visible and .browser.pin_button.sensitive"
# Pinned from the panel: the pin is written, the unit is trusted by rule 5 and its page opens.
check devid-secondary-pin 0 "https://widget.home.arpa:$PORT/index.html" --anchors anchors --headless-pin
expect_json "802.1AR secondary, pinned: trusted by rule 5, the device page opens" \
    "(.browser.pinned|type==\"string\") and .rule==5 and .name_binding.method==\"pin\" and (.failures|length==0) and $opened"
[ -n "$(ls anchors/pins 2>/dev/null)" ] && ok "the pin file is in anchors/pins" || not_ok "no pin file"

# (3) Forged evidence: a CD signed by the wrong key, and evidence copied from another device.
expect_exit "device cert: forged CD" 0 -- "$ALTROOT" device cert --out a-cd --names forged.home.arpa \
    --matter-dac-key m/dac-key.pem --matter-dac m/dac.pem --matter-pai m/pai.pem --matter-cd mbad/cd.der
serve a-cd
check forged-evidence 1 "https://forged.home.arpa:$PORT/index.html" --anchors anchors
expect_json "forged CD: untrusted by rule 1, blocked, no pin button" \
    ".decision==\"untrusted\" and .rule==1 and $(root_is matter secondary failed) and ([.failures[].name]|index(\"E_EVIDENCE_ARTEFACT\")!=null) and $refused and $blocked and (.browser.pin_button.visible|not) and (.panel.title|startswith(\"Blocked\")) and (.page_text|contains(\"add the authority\")|not)"
expect_exit "device cert: the matter unit" 0 -- "$ALTROOT" device cert --out s-matter \
    --names lamp.home.arpa "${MATTER[@]}"
expect_exit "device cert: its evidence copied" 0 -- "$ALTROOT" device cert --out a-copy \
    --names copied.home.arpa --copy-evidence s-matter/cert.pem
serve s-matter
check matter-secondary 1 "https://lamp.home.arpa:$PORT/index.html" --anchors anchors
expect_json "matter secondary: attested, the panel names vendor and product" \
    ".decision==\"attested\" and $(root_is matter secondary verified) and $refused and $blocked and (.panel.title|contains(\"Matter vendor 0xFFF1\") and contains(\"product 0x8000\")) and (.page_text|contains(\"Matter vendor 0xFFF1\")) and .browser.pin_button.sensitive"
# The Matter unit pinned from the blue page: the same load then opens its page (rule 5).
check matter-secondary-pin 0 "https://lamp.home.arpa:$PORT/index.html" --anchors anchors --headless-pin
expect_json "matter secondary, pinned: trusted by rule 5 through its DAC, the device page opens" \
    "(.browser.pinned|endswith(\"lamp.home.arpa.json\")) and .rule==5 and .name_binding.pin.matched and $(root_is matter secondary verified) and $opened"
check matter-secondary-later 0 "https://lamp.home.arpa:$PORT/index.html" --anchors anchors
expect_json "matter secondary, later visit: trusted by the pin, nothing pressed" \
    ".rule==5 and .browser.pinned==null and $opened"
serve a-copy
check copied-evidence 1 "https://copied.home.arpa:$PORT/index.html" --anchors anchors
expect_json "copied evidence: untrusted by rule 1 (E_EVIDENCE_KEY_MISMATCH), blocked" \
    ".decision==\"untrusted\" and .rule==1 and ([.failures[].name]|index(\"E_EVIDENCE_KEY_MISMATCH\")!=null) and $refused and $blocked and (.page_text|contains(\"add the authority\")|not)"

# (4) Evidence under your local CA: the CA binds the name (rule 3), the evidence attests the maker;
# the page opens, with the same verdict as `altroot connect`.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem \
    -days 30 -subj "/CN=Home CA" -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -addext "nameConstraints=critical,permitted;DNS:home.arpa" 2>/dev/null || { not_ok "local CA"; finish; exit 1; }
mkdir -p anchors/local-ca && cp ca.pem anchors/local-ca/home.pem
sleep 1 # the CA's notBefore is this second
expect_exit "device cert: matter evidence under the local CA" 0 -- "$ALTROOT" device cert \
    --out s-ca --names lamp.home.arpa --ca-cert ca.pem --ca-key ca.key "${MATTER[@]}"
serve s-ca
expect_exit "altroot connect trusts it" 0 -- "$ALTROOT" connect --anchors anchors --webpki none \
    --connect-to 127.0.0.1 "https://lamp.home.arpa:$PORT/"
check matter-local-ca 0 "https://lamp.home.arpa:$PORT/index.html" --anchors anchors
expect_json "matter evidence under the local CA: trusted by rule 3, the roots verified, the page opens" \
    ".decision==\"trusted\" and .rule==3 and $(root_is matter secondary verified) and $opened"
finish
