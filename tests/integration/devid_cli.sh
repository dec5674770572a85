#!/usr/bin/env bash
# `altroot mint devid|mud` and `altroot verify devid|mud`: clean artefacts verify, each injected
# fault gets its code (or, for the rules 802.1AR only recommends, a warning), usage errors exit 2.
ALTROOT=$1
. "$(dirname "$0")/lib.sh"
cd "$WORK"

expect_exit "mint devid" 0 -- "$ALTROOT" mint devid --out dv
expect_exit "IDevID verifies" 0 -- "$ALTROOT" verify devid --json --ca dv/mfg-root-ca.pem --cert dv/idevid.pem --chain dv/chain.pem
expect_json "IDevID: attested with maker and serial" \
    '.decision=="attested" and .roots[0].attestation.serial=="WX-2000-000042" and (.roots[0].attestation.maker|test("IDevID CA"))'
expect_exit "LDevID under your domain CA" 0 -- "$ALTROOT" verify devid --json --ca dv/mfg-root-ca.pem --ldevid-ca dv/domain-ca.pem --cert dv/ldevid.pem
expect_json "LDevID: ownership by the domain CA" '.roots[0].ownership.domain|test("Home Domain CA")'
expect_exit "IDevID against the domain CA only" 1 -- "$ALTROOT" verify devid --ca dv/domain-ca.pem --cert dv/idevid.pem --chain dv/chain.pem

while read -r fault rc code; do
    rm -rf f && "$ALTROOT" mint devid --out f --fault "$fault" >/dev/null || not_ok "mint devid --fault $fault"
    expect_exit "devid fault $fault" "$rc" -- "$ALTROOT" verify devid --json --ca f/mfg-root-ca.pem --cert f/idevid.pem --chain f/chain.pem
    if [ "$code" = warning ]; then
        expect_json "devid fault $fault: a warning" '(.warnings|length)>0 and (.failures|length)==0'
    else
        expect_json "devid fault $fault: $code" "[.failures[].name]|index(\"$code\")!=null"
    fi
done <<'FAULTS'
ca-true 1 E_DEVID_CA
serial-utf8 1 E_DEVID_SERIAL_FORMAT
hwmodule-badtag 1 E_DEVID_HWMODULE
hwmodule-trailing 1 E_DEVID_HWMODULE
http-mud-url 1 E_DEVID_MUD_URL
mudsigner-bad 1 E_DEVID_MUDSIGNER
ku-no-digsig 1 E_DEVID_KEY_USAGE
ku-certsign 1 E_DEVID_KEY_USAGE
v1 1 E_DEVID_PROFILE
empty-subject-san-noncritical 1 E_DEVID_SAN
no-serial 0 warning
masa-url-utf8 0 warning
no-ku 0 warning
utc-expiry 0 warning
no-aki 0 warning
FAULTS

expect_exit "mint mud" 0 -- "$ALTROOT" mint mud --out m
expect_exit "MUD with the device certificate" 0 -- "$ALTROOT" verify mud --json --mud m/mud.json --signature m/mud.p7s \
    --signer-ca m/mfg-root-ca.pem --device-cert m/idevid.pem --device-chain m/chain.pem --ca m/mfg-root-ca.pem
expect_json "MUD: maker, model, URL from the authenticated certificate" \
    '.roots[0].attestation.maker=="Example Widgets" and .roots[0].attestation.mud_url_spoofable=="no"'
expect_exit "MUD with the URL from the network" 0 -- "$ALTROOT" verify mud --json --mud m/mud.json --signature m/mud.p7s \
    --signer-ca m/mfg-root-ca.pem --url https://mud.example.com/widget-2000.json --url-from network
expect_json "network URL: spoofable" '.roots[0].attestation.mud_url_spoofable!="no"'
while read -r fault code; do
    rm -rf f && "$ALTROOT" mint mud --out f --fault "$fault" >/dev/null || not_ok "mint mud --fault $fault"
    expect_exit "mud fault $fault" 1 -- "$ALTROOT" verify mud --json --mud f/mud.json --signature f/mud.p7s --signer-ca f/mfg-root-ca.pem
    expect_json "mud fault $fault: $code" "[.failures[].name]|index(\"$code\")!=null"
done <<'FAULTS'
tamper E_MUD_SIGNATURE
http-url E_MUD_URL_SCHEME
version E_MUD_VERSION
no-is-supported E_MUD_SCHEMA
bad-policy E_MUD_POLICY_REF
FAULTS
# A BRSKI voucher signed with stock openssl (RFC 8366, the MUD signer standing in for a MASA) is
# inspected as a voucher, not as a malformed Matter CD (both are CMS SignedData).
pin=$(openssl x509 -in dv/domain-ca.pem -outform DER | base64 -w0)
printf '{"ietf-voucher:voucher": {"assertion": "verified", "serial-number": "WX-2000-000042", "created-on": "2026-11-28T12:00:00Z", "pinned-domain-cert": "%s"}}' "$pin" >voucher.json
openssl cms -sign -binary -nodetach -in voucher.json -signer dv/mud-signer.pem -inkey dv/mud-signer.key.pem \
    -econtent_type 1.2.840.113549.1.9.16.1.40 -outform DER -out voucher.p7 || not_ok "sign a voucher with openssl"
expect_exit "inspect an openssl-signed voucher" 0 -- "$ALTROOT" inspect --json voucher.p7
expect_json "inspect voucher: a BRSKI voucher with its serial" '.kind=="brski-voucher" and .serial_number=="WX-2000-000042"'
# A MUD file signed by someone the user does not trust.
expect_exit "MUD signer not trusted" 1 -- "$ALTROOT" verify mud --mud m/mud.json --signature m/mud.p7s --signer-ca dv/domain-ca.pem
expect_exit "missing --signature: exit 2" 2 -- "$ALTROOT" verify mud --mud m/mud.json --signer-ca m/mfg-root-ca.pem
expect_exit "unreadable cert: exit 2" 2 -- "$ALTROOT" verify devid --ca dv/mfg-root-ca.pem --cert nope.pem
expect_exit "inspect IDevID" 0 -- "$ALTROOT" inspect --json dv/idevid.pem
expect_json "inspect IDevID: DevID fields" '.kind=="ieee8021ar-devid" and .serial=="WX-2000-000042" and (.mud_url|startswith("https://"))'
expect_exit "inspect MUD file" 0 -- "$ALTROOT" inspect --json m/mud.json
expect_json "inspect MUD: maker and model" '.kind=="mud-file" and .maker=="Example Widgets" and .model=="Widget 2000"'
finish
