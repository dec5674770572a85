#!/usr/bin/env bash
# Pins end to end (decision rules 2 and 5): `altroot pin` records an attested device for a name,
# later connections to that name are trusted from that unit only, whatever TLS key it uses; any
# other device at the name is refused, also one that proves nothing; malformed pins stop the
# tool; --replace and --remove change the user's mind.
ALTROOT=$1
. "$(dirname "$0")/lib.sh"
cd "$WORK"

AT=$(date -u +%Y-%m-%dT%H:%M:%SZ)
"$ALTROOT" mint matter --out m --at "$AT" >/dev/null
"$ALTROOT" mint matter --out m2 --at "$AT" --vid FFF2 >/dev/null
"$ALTROOT" mint devid --out d >/dev/null
mkdir -p anchors/matter-paa anchors/matter-cd anchors/devid-ca
cp m/anchors/matter-paa/paa.pem anchors/matter-paa/m.pem
cp m/anchors/matter-cd/cd-signer.pem anchors/matter-cd/m.pem
cp m2/anchors/matter-paa/paa.pem anchors/matter-paa/m2.pem
cp m2/anchors/matter-cd/cd-signer.pem anchors/matter-cd/m2.pem
cp d/mfg-root-ca.pem anchors/devid-ca/d.pem
A=(--anchors anchors --webpki none --timeout 5 --at "$AT")
matter() { # DIR: the Matter credentials of mint DIR
    echo --matter-dac-key "$1/dac-key.pem" --matter-dac "$1/dac.pem" --matter-pai "$1/pai.pem" --matter-cd "$1/cd.der"
}
device() { "$ALTROOT" device cert --names 127.0.0.1 "$@" >/dev/null; }
s_serve() { # DIR: serve DIR/cert.pem with stock openssl; sets URL
    start_s_server 127.0.0.1 "$1/cert.pem" "$1/key.pem"
    URL="https://127.0.0.1:$PORT/"
}
# judge NAME EXIT JQ: connect to $URL and check the exit code and the JSON report.
judge() {
    expect_exit "$1" "$2" -- "$ALTROOT" connect "${A[@]}" --json "$URL"
    if [ -s "$WORK/out" ]; then expect_json "$1: report" "$3"; else not_ok "$1: no report"; fi
}

# shellcheck disable=SC2046
device --out unit1 $(matter m)
s_serve unit1
judge "before pinning: attested" 1 '.rule==6 and .name_binding.pin==null'
MATTER_ID=$(jq -r '.roots[]|select(.root=="matter")|.identity' "$WORK/out")
DAC_ID="spki-sha256:$(openssl x509 -in m/dac.pem -pubkey -noout | openssl pkey -pubin -outform DER | sha256sum | cut -c1-64)"
if [ "$MATTER_ID" = "$DAC_ID" ]; then ok "identity is the DAC's SPKI hash"; else not_ok "identity $MATTER_ID, DAC $DAC_ID"; fi

expect_exit "pin without a terminal or --yes" 2 -- "$ALTROOT" pin "${A[@]}" "$URL"
expect_stderr "asks for --yes" "confirm with --yes"
[ ! -e anchors/pins/127.0.0.1.json ] && ok "nothing written without consent" || not_ok "pin written without consent"
expect_exit "pin --yes" 0 -- "$ALTROOT" pin "${A[@]}" --yes "$URL"
expect_stderr "says what it pinned" "pinned 127.0.0.1 to matter $MATTER_ID"
if json_true anchors/pins/127.0.0.1.json '.version==1 and .name=="127.0.0.1" and .root=="matter" and .identity==$id and (.description|contains("0xFFF1"))' --arg id "$MATTER_ID"; then
    ok "pin file holds name, root, identity, description"; else not_ok "pin file: $(cat anchors/pins/127.0.0.1.json)"; fi
[ "$(stat -c %a anchors/pins/127.0.0.1.json)" = 600 ] && ok "pin file is 0600" || not_ok "pin file mode"
[ -z "$(ls anchors/pins | grep tmp)" ] && ok "no temporary file left" || not_ok "temporary file left"
judge "pinned: trusted by rule 5" 0 \
    '.decision=="trusted" and .rule==5 and .name_binding.method=="pin" and .name_binding.by=="matter" and .name_binding.pin.matched and .certificate_class.lifted_to==5'
[ "$(stat -c %a anchors/pins)" = 700 ] && ok "pins folder is 0700" || not_ok "pins folder mode $(stat -c %a anchors/pins)"

# Only its owner can change the trust store: the pin decides `trusted`, so anything another user
# could write stops the tool (exit 2) with the file and the fix, and nothing is judged.
unsafe() { # NAME PATH CODE FIX: the store refused because of PATH
    expect_exit "$1: refused" 2 -- "$ALTROOT" connect "${A[@]}" --json "$URL"
    expect_stderr "$1: names $2 and the fix" "^altroot: $2: .*$4.*\($3\)$"
    [ ! -s "$WORK/out" ] && ok "$1: no verdict" || not_ok "$1: a verdict was printed"
}
chmod 666 anchors/pins/127.0.0.1.json
unsafe "pin file 0666" anchors/pins/127.0.0.1.json E_STORE_WRITABLE "chmod go-w anchors/pins/127.0.0.1.json"
chmod 600 anchors/pins/127.0.0.1.json
chmod 777 anchors/pins
unsafe "world-writable pins folder" anchors/pins E_STORE_WRITABLE "chmod go-w anchors/pins"
chmod 700 anchors/pins
chmod 757 anchors/matter-paa
unsafe "world-writable kind folder" anchors/matter-paa E_STORE_WRITABLE "chmod go-w anchors/matter-paa"
chmod 755 anchors/matter-paa
chmod 777 anchors
unsafe "world-writable store folder" anchors E_STORE_WRITABLE "chmod go-w anchors"
chmod 755 anchors
if [ "$(id -u)" = 0 ]; then
    chown nobody anchors/matter-paa
    unsafe "a kind folder owned by another user" anchors/matter-paa E_STORE_OWNER "chown 0 anchors/matter-paa"
    chown root anchors/matter-paa
    chown nobody anchors/pins/127.0.0.1.json
    unsafe "a pin owned by another user" anchors/pins/127.0.0.1.json E_STORE_OWNER "chown 0"
    chown root anchors/pins/127.0.0.1.json
fi
judge "owner-only again: trusted by rule 5" 0 '.rule==5'
expect_exit "pin again: already pinned" 0 -- "$ALTROOT" pin "${A[@]}" --yes "$URL"
expect_stderr "already pinned" "already pinned"
expect_exit "text report names the pin" 0 -- "$ALTROOT" connect "${A[@]}" "$URL"
grep -q "^Pin: .*this device" "$WORK/out" && ok "text report: Pin line" || not_ok "text report lacks the pin"

# The same unit with a new TLS key: the pin is on the DAC, not on the TLS key.
# shellcheck disable=SC2046
device --out unit1-renewed $(matter m)
s_serve unit1-renewed
judge "same unit, new TLS key: still trusted" 0 '.rule==5'

# Another unit at the pinned name: attested on its own, refused here.
# shellcheck disable=SC2046
device --out unit2 $(matter m2)
s_serve unit2
judge "another Matter unit at the pinned name: rule 2" 1 \
    '.rule==2 and ([.failures[].name]|index("E_PIN_MISMATCH")!=null) and (.name_binding.pin.matched|not) and .certificate_class.lifted_to==4'
device --out devid --idevid-key d/idevid.key.pem --idevid d/idevid.pem --idevid-chain d/chain.pem
s_serve devid
judge "an 802.1AR device at the pinned name: rule 2" 1 '.rule==2'
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout plain.key \
    -out plain.pem -days 2 -subj "/CN=impostor" -addext "subjectAltName=IP:127.0.0.1" 2>/dev/null
start_s_server 127.0.0.1 plain.pem plain.key
URL="https://127.0.0.1:$PORT/"
# Before its notBefore the leaf counts for nothing, not even as another device (rule 7). A day
# before it was made, so that the check cannot fall in the very second of its notBefore.
A_NOW=("${A[@]}")
A+=(--at "$(date -u -d '-1 day' +%Y-%m-%dT%H:%M:%SZ)")
judge "a self-signed device before its validity: rule 7, E_CERT_NOT_YET_VALID" 1 \
    '.rule==7 and .failures[0].name=="E_CERT_NOT_YET_VALID" and .failures[0].where=="tls-chain[0]"'
A=("${A_NOW[@]}")
# From here on the verification time is one at which that certificate is valid.
AT=$(date -u +%Y-%m-%dT%H:%M:%SZ)
A=(--anchors anchors --webpki none --timeout 5 --at "$AT")
judge "a self-signed device at the pinned name: rule 2, no identity" 1 \
    '.rule==2 and (.failures[0].detail|contains("no identity"))'
expect_exit "nothing to pin on a self-signed device" 1 -- "$ALTROOT" pin "${A[@]}" --yes --replace "$URL"
expect_stderr "E_PIN_NOTHING" "E_PIN_NOTHING"

# Changing one's mind: --replace, then --remove.
s_serve unit2
expect_exit "pin another unit without --replace" 1 -- "$ALTROOT" pin "${A[@]}" --yes "$URL"
expect_stderr "E_PIN_EXISTS" "E_PIN_EXISTS"
expect_exit "pin --replace" 0 -- "$ALTROOT" pin "${A[@]}" --yes --replace "$URL"
judge "the replacement is trusted" 0 '.rule==5'
[ "$(ls anchors/pins | wc -l)" = 1 ] && ok "one pin file for the name" || not_ok "pin files: $(ls anchors/pins)"
expect_exit "pin --remove" 0 -- "$ALTROOT" pin "${A[@]}" --remove "$URL"
judge "removed: attested again" 1 '.rule==6 and .name_binding.pin==null'
expect_exit "pin --remove with no pin" 1 -- "$ALTROOT" pin "${A[@]}" --remove "$URL"

# Pins in the store fail closed: a broken or ambiguous pin stops the tool, naming the file.
mkdir -p anchors/pins
echo '{"version": 1, "name": "127.0.0.1"}' >anchors/pins/broken.json
expect_exit "malformed pin file" 2 -- "$ALTROOT" connect "${A[@]}" "$URL"
expect_stderr "names the file and the code" "broken.json.*E_PIN_FILE"
rm anchors/pins/broken.json
expect_exit "pin --yes" 0 -- "$ALTROOT" pin "${A[@]}" --yes "$URL"
cp anchors/pins/127.0.0.1.json anchors/pins/copy.json
expect_exit "two pins for one name" 2 -- "$ALTROOT" connect "${A[@]}" "$URL"
expect_stderr "a second pin" "a second pin for 127.0.0.1"
rm anchors/pins/copy.json

# Usage.
expect_exit "pin without --anchors" 2 -- "$ALTROOT" pin --yes "$URL"
expect_exit "pin with a bad URL" 2 -- "$ALTROOT" pin "${A[@]}" --yes "http://127.0.0.1/"
finish
