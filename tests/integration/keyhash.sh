#!/usr/bin/env bash
# Key-hash names on the wire (docs/key-hash-name.md): `altroot device cert --key-hash-name` names
# a device after its TLS key, stock `openssl s_server` serves the certificate unchanged, and
# `altroot connect --connect-to` reaches it at that name. The expected names are computed here
# with stock tools (openssl, sha256, base32), independently of altroot.
# usage: keyhash.sh ALTROOT
ALTROOT=$1
DATA=$(cd "$(dirname "$0")/../data" && pwd)
. "$(dirname "$0")/lib.sh"
cd "$WORK"

AT=$(date -u +%Y-%m-%dT%H:%M:%SZ)
"$ALTROOT" mint matter --out m --at "$AT" >/dev/null
mkdir -p anchors && cp -r m/anchors/. anchors/
A=(--anchors anchors --webpki none --json --timeout 5 --at "$AT" --connect-to 127.0.0.1)
MATTER=(--matter-dac-key m/dac-key.pem --matter-dac m/dac.pem --matter-pai m/pai.pem --matter-cd m/cd.der)

# key_hash_name CERT FRIENDLY DOMAIN: draft-wing-settle-public-key-hash section 5 by hand: "0"
# and the unpadded upper-case base32 of SHA-256 over the DER SubjectPublicKeyInfo.
key_hash_name() {
    local b32
    b32=$(openssl x509 -in "$1" -noout -pubkey | openssl pkey -pubin -outform DER |
        openssl dgst -sha256 -binary | base32 -w0 | tr -d '=')
    echo "$2.0$b32.$3"
}

# The draft's own example (Appendix A) through the same pipeline.
draft=$(openssl pkey -pubin -in "$DATA/key_hash_name/draft-appendix-a.pub.pem" \
    -outform DER | openssl dgst -sha256 -binary | base32 -w0 | tr -d '=')
if [ "$draft" = EHV4BUAOTDR4WKEXHDRMBEPFGLCK3ASA4A3FWIQGPIKES2J6LIMA ]; then
    ok "the pipeline gives the draft's example"
else not_ok "the pipeline gives $draft for the draft's example"; fi

expect_exit "device cert --key-hash-name" 0 -- "$ALTROOT" device cert --out dev --names printer.local \
    "${MATTER[@]}" --key-hash-name
NAME=$(key_hash_name dev/cert.pem printer local)
if [ "$(cat dev/key-hash-name.txt)" = "$NAME" ]; then ok "key-hash-name.txt is $NAME"; else
    not_ok "key-hash-name.txt is '$(cat dev/key-hash-name.txt)', computed $NAME"; fi
if grep -q "key-hash name: $NAME" "$WORK/out"; then ok "the name is printed"; else not_ok "the name is not printed"; fi
expect_exit "inspect shows the hash label" 0 -- "$ALTROOT" inspect --json dev/cert.pem
LABEL=${NAME#printer.}
LABEL=${LABEL%.local}
expect_json "inspect: key_hash_label" "[.. | .key_hash_label? // empty] | index(\"$LABEL\") != null"

# A second device from the same credentials: another TLS key.
"$ALTROOT" device cert --out other --names printer.local "${MATTER[@]}" >/dev/null

start_s_server 127.0.0.1 dev/cert.pem dev/key.pem
expect_exit "connect at its key-hash name" 1 -- "$ALTROOT" connect "${A[@]}" "https://$NAME:$PORT/"
expect_json "bound by key-hash-name via tls-key" '.name_binding.bound and .name_binding.method=="key-hash-name" and .name_binding.by=="tls-key" and .name_binding.key_hash_name.matched'
expect_json "attestation + key-hash name stays attested (rule 6)" '.decision=="attested" and .rule==6'
LOWER=$(echo "$NAME" | tr 'A-Z' 'a-z')
expect_exit "the name in lower case" 1 -- "$ALTROOT" connect "${A[@]}" "https://$LOWER:$PORT/"
expect_json "lower case binds the same" '.name_binding.method=="key-hash-name" and .rule==6'
expect_exit "the short name" 1 -- "$ALTROOT" connect "${A[@]}" "https://printer.local:$PORT/"
expect_json "the short name is not bound" '.name_binding.bound==false and .name_binding.key_hash_name==null and .rule==6'

# Another key at that name: rule 2 with E_KEY_HASH_NAME_MISMATCH, although it is a genuine device.
start_s_server 127.0.0.1 other/cert.pem other/key.pem
expect_exit "another key at the name" 1 -- "$ALTROOT" connect "${A[@]}" "https://$NAME:$PORT/"
expect_json "untrusted by rule 2 with E_KEY_HASH_NAME_MISMATCH" '.decision=="untrusted" and .rule==2 and ([.failures[].name]|index("E_KEY_HASH_NAME_MISMATCH")!=null) and .name_binding.bound==false and .name_binding.key_hash_name.matched==false'

# A plain self-signed certificate from openssl at its own key-hash name: bound, still rule 7.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout plain.key \
    -out plain.pem -days 2 -subj "/CN=plain" 2>/dev/null
PLAIN=$(key_hash_name plain.pem nas home.arpa)
start_s_server 127.0.0.1 plain.pem plain.key
# At a time before the certificate's notBefore (a day before it was made: $AT may fall in the
# very second of its notBefore) its key-hash name binds nothing.
EARLY=$(date -u -d '-1 day' +%Y-%m-%dT%H:%M:%SZ)
expect_exit "self-signed at its key-hash name, before its validity" 1 -- "$ALTROOT" connect "${A[@]}" --at "$EARLY" "https://$PLAIN:$PORT/"
expect_json "not yet valid: rule 7, E_CERT_NOT_YET_VALID, the name not bound" '.rule==7 and .failures[0].name=="E_CERT_NOT_YET_VALID" and .name_binding.bound==false and .name_binding.key_hash_name.matched'
AT=$(date -u +%Y-%m-%dT%H:%M:%SZ)
A=(--anchors anchors --webpki none --json --timeout 5 --at "$AT" --connect-to 127.0.0.1)
expect_exit "self-signed at its key-hash name" 1 -- "$ALTROOT" connect "${A[@]}" "https://$PLAIN:$PORT/"
expect_json "bound, and rule 7: no owner, no maker" '.name_binding.method=="key-hash-name" and .decision=="untrusted" and .rule==7'

# A name that only looks like one: reported, binds nothing.
BAD="nas.1${PLAIN#nas.0}"
expect_exit "malformed key-hash name" 1 -- "$ALTROOT" connect "${A[@]}" "https://$BAD:$PORT/"
expect_json "reported as a warning" '.name_binding.bound==false and ([.warnings[]|test("E_KEY_HASH_NAME_MALFORMED")]|any)'

# --key-hash-name needs a first name that can carry one.
expect_exit "no key-hash name for a public domain" 2 -- "$ALTROOT" device cert --out bad \
    --names printer.example.com "${MATTER[@]}" --key-hash-name

echo "# $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
