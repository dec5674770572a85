#!/usr/bin/env bash
# altroot-browser's "Pin this device" (decision rules 5 and 2), pressed by --headless-pin, against
# `altroot serve` on loopback: an attested device is pinned for its name, the page then opens
# (trusted, bound by the pin), later visits are trusted without pressing anything, and another
# unit at that name is blocked.
# The attested devices are 802.1AR units serving their IDevID chain (primary integration); units
# attested through the evidence extension are pinned in browser_roots.sh.
# The name has no DNS: the browser runs in a private mount namespace whose /etc/hosts maps it to
# 127.0.0.1, and where the pins folder can be made read-only without touching anything outside.
ALTROOT=$1
BROWSER=$(dirname "$ALTROOT")/altroot-browser
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" # see browser.sh
SHOTS=$(pwd)/browser-screenshots
. "$(dirname "$0")/lib.sh"
for tool in xvfb-run identify jq timeout unshare; do
    command -v "$tool" >/dev/null || { not_ok "required tool $tool is missing"; finish; exit 1; }
done
[ -x "$BROWSER" ] || { not_ok "altroot-browser not built at $BROWSER"; finish; exit 1; }
mkdir -p "$SHOTS" && cd "$WORK" || exit 1

NAME=widget.home.arpa
export SENTENCE="The widget in the hall is switched on."
mkdir -p www && printf '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Widget</title></head><body style="margin:0;font-family:sans-serif"><h1 style="margin:16px">Widget</h1><p style="margin:16px">%s</p><div style="height:520px;background:linear-gradient(90deg,#1e6fd9,#f2a900,#2e9e44)"></div></body></html>' "$SENTENCE" > www/index.html
printf '127.0.0.1 localhost\n127.0.0.1 %s\n' "$NAME" > hosts

# check NAME CODE URL [browser options...]: a headless check inside a namespace with our hosts;
# with RO_PINS=1 the namespace sees anchors/pins read-only. The report goes to $WORK/out.
check() {
    local name=$1 code=$2 url=$3
    shift 3
    rm -f report.json
    # shellcheck disable=SC2016
    expect_exit "$name: exit $code" "$code" -- timeout 90 unshare --mount bash -c \
        'mount --bind "$0" /etc/hosts || exit 3
         if [ "${RO_PINS:-0}" = 1 ]; then
             mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" || exit 3
         fi
         shift
         exec xvfb-run -a -s "-screen 0 1280x1024x24" "$@"' \
        "$WORK/hosts" "$WORK/anchors/pins" "$BROWSER" --headless-check "$url" \
        --screenshot "$SHOTS/$name.png" --report "$WORK/report.json" --webpki none --timeout 30 "$@"
    rm -f "$WORK/out"
    [ -f report.json ] && mv report.json "$WORK/out" && cp "$WORK/out" "$SHOTS/$name.json"
    local colours
    colours=$(identify -format '%k' "$SHOTS/$name.png" 2>/dev/null)
    [ "${colours:-0}" -gt 400 ] && ok "$name: screenshot is a rendering ($colours colours)" ||
        not_ok "$name: screenshot has ${colours:-no} colours"
}

# Two units of two makers, each serving its IDevID chain for the same name.
"$ALTROOT" mint devid --out dv1 --serial WX-2000-000042 >/dev/null || { not_ok "mint devid"; finish; exit 1; }
"$ALTROOT" mint devid --out dv2 --serial WX-2000-000043 >/dev/null || { not_ok "mint devid"; finish; exit 1; }
mkdir -p anchors/devid-ca anchors/pins
cp dv1/mfg-root-ca.pem anchors/devid-ca/maker1.pem
cp dv2/mfg-root-ca.pem anchors/devid-ca/maker2.pem
for u in 1 2; do
    expect_exit "device cert --primary devid (unit $u)" 0 -- "$ALTROOT" device cert --out "unit$u" \
        --names "$NAME" --primary devid --idevid-key "dv$u/idevid.key.pem" --idevid "dv$u/idevid.pem" \
        --idevid-chain "dv$u/chain.pem"
done
serve unit1
URL1="https://$NAME:$PORT/index.html"
serve unit2
URL2="https://$NAME:$PORT/index.html"
A=(--anchors "$WORK/anchors")
export PIN_FILE="$WORK/anchors/pins/$NAME.json"

# (1) No pin: attested, the page stays closed, the button is offered.
check pin-before 1 "$URL1" "${A[@]}"
expect_json "before pinning: attested by rule 6, no pin" \
    '.decision=="attested" and .rule==6 and .name_binding.pin==null and .browser.page=="blocked"'
expect_json "before pinning: the button is shown and enabled" \
    '.browser.pin_button.visible and .browser.pin_button.sensitive and .browser.pinned==null'
UNIT1_ID=$(jq -r '.roots[]|select(.root=="devid")|.identity' "$WORK/out")

# (2) A pin that cannot be written is reported, and nothing changes.
RO_PINS=1 check pin-read-only 1 "$URL1" "${A[@]}" --headless-pin
expect_json "read-only pins: the error is reported with its code" \
    '.decision=="attested" and .browser.pinned==null and (.browser.pin_error|contains("E_IO"))'
[ -z "$(ls anchors/pins)" ] && ok "read-only pins: nothing written" || not_ok "read-only pins: $(ls anchors/pins)"

# (3) --headless-pin presses the button: the pin is written and the site opens by rule 5.
check pin-press 0 "$URL1" "${A[@]}" --headless-pin
expect_json "pinned: trusted by rule 5, the name bound by the pin" \
    '.decision=="trusted" and .rule==5 and .name_binding.method=="pin" and .name_binding.by=="devid" and .name_binding.pin.matched'
expect_json "pinned: the report names the pin file, the device page is shown" \
    '.browser.pinned==env.PIN_FILE and .browser.page=="site" and (.page_text|contains(env.SENTENCE)) and (.panel.title|startswith("Trusted"))'
if json_true "$PIN_FILE" '.version==1 and .name==$n and .root=="devid" and .identity==$id' \
    --arg n "$NAME" --arg id "$UNIT1_ID"; then
    ok "pin file holds the name and the unit's identity"
else
    not_ok "pin file: $(cat "$PIN_FILE" 2>&1)"
fi

# (4) A later visit is trusted directly, with nothing pressed.
check pin-later 0 "$URL1" "${A[@]}"
expect_json "later visit: trusted by rule 5, nothing pinned in this run" \
    '.rule==5 and .name_binding.method=="pin" and .browser.pinned==null and (.page_text|contains(env.SENTENCE))'

# (5) Another unit at the pinned name: blocked by rule 2, and the button is not offered.
check pin-other-unit 1 "$URL2" "${A[@]}" --headless-pin
expect_json "another unit: untrusted by rule 2 with E_PIN_MISMATCH" \
    '.decision=="untrusted" and .rule==2 and ([.failures[].name]|index("E_PIN_MISMATCH")!=null)'
expect_json "another unit: the blocked page, no button, nothing pinned" \
    '.browser.page=="blocked" and (.page_text|contains("E_PIN_MISMATCH")) and (.page_text|contains(env.SENTENCE)|not) and (.browser.pin_button.visible|not) and .browser.pinned==null'
[ "$(ls anchors/pins)" = "$NAME.json" ] && ok "another unit: the pin is unchanged" || not_ok "pins: $(ls anchors/pins)"

# (6) Without --anchors there is nowhere to record a pin: the button is never enabled.
check pin-no-anchors 1 "$URL1" --headless-pin
expect_json "no anchors: not trusted, the button not enabled, nothing pinned" \
    '.decision!="trusted" and (.browser.pin_button.sensitive|not) and .browser.pinned==null'

expect_exit "--headless-pin needs --headless-check" 2 -- "$BROWSER" --headless-pin "$URL1"
finish
