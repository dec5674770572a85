#!/usr/bin/env bash
# The evidence extension on the wire: `altroot device cert` builds certificates from credentials
# minted by `altroot mint`, stock `openssl s_server` serves them unchanged, and `altroot connect`
# judges them: decisions, rules and error codes for each root, primary and secondary, and the
# attacks (copied evidence, evidence bound to another key, a forged CD, a truncated voucher, a
# MUD file from the wrong signer, an expired binding).
ALTROOT=$1
DEVICE_TOOL=${2:-$1}
. "$(dirname "$0")/lib.sh"
cd "$WORK"

# `altroot device` once main.c dispatches it; the test build of the same command until then.
if "$ALTROOT" device cert 2>&1 | grep -q "usage: altroot device cert"; then DEVICE_TOOL=$ALTROOT; fi
device() { "$DEVICE_TOOL" device cert "$@" >/dev/null; }

# A local CA a device may be given (made first: it must be valid at the verification time).
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem \
    -days 30 -subj "/CN=Home CA" -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -addext "nameConstraints=critical,permitted;DNS:home.arpa,permitted;IP:127.0.0.0/255.0.0.0" 2>/dev/null
sleep 1
AT=$(date -u +%Y-%m-%dT%H:%M:%SZ)
"$ALTROOT" mint matter --out m --at "$AT" >/dev/null
"$ALTROOT" mint matter --out mbad --at "$AT" --fault cd-signature >/dev/null
"$ALTROOT" mint devid --out d >/dev/null
"$ALTROOT" mint mud --out mm >/dev/null
"$ALTROOT" mint mud --out mm2 >/dev/null
"$ALTROOT" mint fdo --out f >/dev/null
minted_anchors
A=(--anchors anchors --webpki none --json --timeout 5 --at "$AT")
MATTER=(--matter-dac-key m/dac-key.pem --matter-dac m/dac.pem --matter-pai m/pai.pem --matter-cd m/cd.der)
NOC=(--matter-noc-key m/noc-key.pem --matter-noc m/noc.tlv --matter-icac m/icac.tlv --matter-rcac m/rcac.tlv)
IDEVID=(--idevid-key d/idevid.key.pem --idevid d/idevid.pem --idevid-chain d/chain.pem)
LDEVID=(--ldevid d/ldevid.pem --ldevid-key d/idevid.key.pem)
FDO=(--fdo-device-key f/device.key.pem --fdo-voucher f/voucher.pem)

# Stock `openssl s_server` serving cert.pem as written: the leaf (-cert) and the certificates
# after it (-cert_chain), as nginx serves a full-chain file.
start_chain_server() {
    local log="$WORK/s_server.$RANDOM.log" rest="$1.rest"
    awk 'n>0{print} /-----END CERTIFICATE-----/{n++}' "$1" >"$rest"
    local chain=()
    [ -s "$rest" ] && chain=(-cert_chain "$rest")
    openssl s_server -accept 127.0.0.1:0 -cert "$1" "${chain[@]}" -key "$2" -www \
        -naccept 1000 >"$log" 2>&1 &
    PIDS+=($!)
    wait_port "$log"
}

# connect_to NAME DIR EXIT JQ: serve DIR/cert.pem with openssl, connect, check exit and JSON.
connect_to() {
    start_chain_server "$2/cert.pem" "$2/key.pem"
    expect_exit "$1" "$3" -- "$ALTROOT" connect "${A[@]}" "https://127.0.0.1:$PORT/"
    if [ -s "$WORK/out" ]; then expect_json "$1: report" "$4"; else not_ok "$1: no report"; fi
}
has() { echo "([.failures[].name]|index(\"$1\")!=null)"; }
root_is() { echo "(.roots[]|select(.root==\"$1\" and .mode==\"$2\")|.status==\"$3\")"; }

# ---- secondary integration, one root at a time ----
device --out s-matter --names 127.0.0.1,device.home.arpa "${MATTER[@]}" "${NOC[@]}"
openssl x509 -in s-matter/cert.pem -noout -text >"$WORK/x509.txt"
if grep -q "1.3.6.1.5.5.7.1.35" "$WORK/x509.txt"; then
    ok "leaf carries id-pe-cmw"; else not_ok "id-pe-cmw missing"; fi
if grep -A1 "Extended Key Usage" "$WORK/x509.txt" | tail -1 | grep -qx " *TLS Web Server Authentication"; then
    ok "leaf EKU is serverAuth only"; else not_ok "leaf EKU is not serverAuth alone"; fi
if [ "$(stat -c %a s-matter/key.pem)" = 600 ]; then ok "key.pem is 0600"; else not_ok "key.pem mode"; fi
connect_to "matter secondary: attested" s-matter 1 \
    ".decision==\"attested\" and .rule==6 and $(root_is matter secondary verified) and .certificate_class.class==3 and .certificate_class.lifted_to==4"

device --out s-fdo --names 127.0.0.1 "${FDO[@]}"
connect_to "fdo secondary: attested, owned" s-fdo 1 \
    ".decision==\"attested\" and $(root_is fdo secondary verified) and (.roots[]|select(.root==\"fdo\")|.ownership!=null)"

device --out s-devid --names 127.0.0.1 "${IDEVID[@]}" "${LDEVID[@]}"
connect_to "devid secondary: attested, enrolled" s-devid 1 \
    ".decision==\"attested\" and $(root_is devid secondary verified) and (.roots[]|select(.root==\"devid\")|.ownership!=null)"

device --out s-mud --names 127.0.0.1 --idevid-key mm/idevid.key.pem --idevid mm/idevid.pem \
    --idevid-chain mm/chain.pem --mud mm/mud.json --mud-sig mm/mud.p7s
connect_to "devid + stapled MUD: attested" s-mud 1 \
    "$(root_is mud secondary verified) and (.roots[]|select(.root==\"mud\")|.attestation!=null) and .decision==\"attested\""

# Under a local CA the device was given: the CA binds the name, the evidence attests the maker.
mkdir -p anchors/local-ca && cp ca.pem anchors/local-ca/home.pem
device --out s-ca --names 127.0.0.1 --ca-cert ca.pem --ca-key ca.key "${MATTER[@]}"
connect_to "matter secondary under a local CA: trusted" s-ca 0 \
    ".decision==\"trusted\" and .rule==3 and .certificate_class.class==5 and $(root_is matter secondary verified)"
rm -r anchors/local-ca
# The CA is limited to home.arpa, localhost and loopback addresses: a leaf naming only an address
# must not carry it as a CN, which OpenSSL and GnuTLS check as a DNS name against the constraints.
if openssl verify -CAfile ca.pem s-ca/cert.pem >"$WORK/out" 2>&1; then
    ok "an address-only leaf under a name-constrained CA verifies with openssl"
else not_ok "openssl verify of an address-only leaf: $(tr '\n' ' ' <"$WORK/out")"; fi
if certtool --verify --load-ca-certificate ca.pem --infile s-ca/cert.pem >"$WORK/out" 2>&1; then
    ok "an address-only leaf under a name-constrained CA verifies with GnuTLS"
else not_ok "certtool --verify of an address-only leaf: $(tail -3 "$WORK/out" | tr '\n' ' ')"; fi

# ---- altroot inspect reads the evidence (docs/report-json.md) ----
expect_exit "inspect: a certificate with Matter evidence" 0 -- "$ALTROOT" inspect --json s-matter/cert.pem
expect_json "inspect: the members, their media types and indicators" \
    '.certificates[0].evidence.roots[0] as $r | $r.root=="matter" and ([$r.members[].label]==["cd","dac","noc","pai","icac","rcac","binding","noc-binding"]) and ($r.members[]|select(.label=="dac")|.media_type=="application/pkix-cert" and .indicator==["endorsements"]) and ($r.members[]|select(.label=="cd")|.media_type=="application/vnd.altroot.matter-cd")'
expect_json "inspect: the identity and the binding's claims" \
    '.certificates[0] as $c | $c.evidence.roots[0] as $r | $r.identity.product_id!=null and ($r.members[]|select(.label=="binding")|.claims|.cnf_is_this_certificate_key==true and .eat_profile=="2.25.69226542634484640648002627714631563288.3" and (.member_digests|keys|length)==6 and .exp==$c.not_after and (.names|index("device.home.arpa")!=null))'
expect_exit "inspect: text" 0 -- "$ALTROOT" inspect s-devid/cert.pem
if grep -q "media_type: application/pkix-cert" "$WORK/out" && grep -q "serial_number:" "$WORK/out"; then
    ok "inspect text: members and identity"; else not_ok "inspect text"; fi
expect_exit "inspect: FDO evidence" 0 -- "$ALTROOT" inspect --json s-fdo/cert.pem
expect_json "inspect: the voucher's media type and the GUID" \
    '.certificates[0].evidence.roots[0] | .root=="fdo" and (.members[]|select(.label=="voucher")|.media_type=="application/vnd.altroot.fdo-voucher+cbor") and (.identity.guid|length)==32'

# ---- attacks: every one is tampering (rule 1) ----
device --out a-other --names 127.0.0.1 --bind-other-key "${MATTER[@]}"
connect_to "evidence bound to another key" a-other 1 ".rule==1 and $(has E_EVIDENCE_KEY_MISMATCH)"
device --out a-copy --names 127.0.0.1 --copy-evidence s-matter/cert.pem
connect_to "evidence copied onto another key" a-copy 1 ".rule==1 and $(has E_EVIDENCE_KEY_MISMATCH)"
expect_exit "inspect: copied evidence" 0 -- "$ALTROOT" inspect --json a-copy/cert.pem
expect_json "inspect: copied evidence names another key" \
    '[.certificates[0].evidence.roots[0].members[]|select(.claims!=null)|.claims.cnf_is_this_certificate_key]|all(.==false)' 
device --out a-cd --names 127.0.0.1 --matter-dac-key m/dac-key.pem --matter-dac m/dac.pem \
    --matter-pai m/pai.pem --matter-cd mbad/cd.der
connect_to "forged CD" a-cd 1 ".rule==1 and $(has E_EVIDENCE_ARTEFACT) and $(root_is matter secondary failed)"
device --out a-voucher --names 127.0.0.1 "${FDO[@]}" --cut-voucher 40
connect_to "truncated voucher" a-voucher 1 ".rule==1 and $(has E_EVIDENCE_ARTEFACT) and $(root_is fdo secondary failed)"
device --out a-mud --names 127.0.0.1 --idevid-key mm/idevid.key.pem --idevid mm/idevid.pem \
    --idevid-chain mm/chain.pem --mud mm2/mud.json --mud-sig mm2/mud.p7s
connect_to "MUD file from the wrong signer" a-mud 1 ".rule==1 and $(root_is mud secondary failed)"
device --out a-exp --names 127.0.0.1 "${FDO[@]}" --exp 2020-01-01T00:00:00Z
connect_to "expired binding" a-exp 1 ".rule==1 and $(has E_EVIDENCE_EXPIRED)"

# ---- primary integration ----
device --out p-matter --names 127.0.0.1 --primary matter "${NOC[@]}"
connect_to "matter primary: your fabric, name not bound by an address" p-matter 1 \
    ".rule==7 and $(root_is matter primary verified) and (.name_binding.bound|not)"
device --out p-idevid --names 127.0.0.1 --primary devid "${IDEVID[@]}"
connect_to "IDevID primary: attested" p-idevid 1 ".decision==\"attested\" and $(root_is devid primary verified)"
device --out p-fdo --names 127.0.0.1 --primary fdo --fdo-owner-key f/owner.key.pem
connect_to "FDO owner-issued primary: trusted" p-fdo 0 \
    ".decision==\"trusted\" and .rule==3 and $(root_is fdo primary verified) and .name_binding.by==\"fdo\""
"$ALTROOT" mint fdo --out f2 >/dev/null
device --out p-fdo2 --names 127.0.0.1 --primary fdo --fdo-owner-key f2/owner.key.pem
connect_to "FDO primary under another owner: untrusted" p-fdo2 1 ".rule==7 and ([.roots[].root]|index(\"fdo\")==null)"

# ---- the TLS leaf's own validity counts on every path ----
# The reviewer's case: DAC + NOC of your fabric, bindings without exp (the default), a leaf
# whose notAfter passed nine days before the verification time, at its instance name.
later() { date -u -d "$AT + $1" +%Y-%m-%dT%H:%M:%SZ; }
INST=$("$ALTROOT" verify matter-noc --anchors anchors --at "$AT" --json --noc m/noc.tlv \
    --icac m/icac.tlv --rcac m/rcac.tlv | jq -r '.roots[0].ownership.instance_name')
device --out v-matter --at "$AT" --days 1 --names "$INST.local" "${MATTER[@]}" "${NOC[@]}"
# at TIME NAME DIR EXIT JQ: serve DIR, connect to its instance name as of TIME.
at_time() {
    start_chain_server "$3/cert.pem" "$3/key.pem"
    expect_exit "$2" "$4" -- "$ALTROOT" connect --anchors anchors --webpki none --json --timeout 5 \
        --at "$1" --connect-to 127.0.0.1 "https://$INST.local:$PORT/"
    if [ -s "$WORK/out" ]; then expect_json "$2: report" "$5"; else not_ok "$2: no report"; fi
}
leaf_is() { echo "(.rule==1 and .decision==\"untrusted\" and ([.failures[]|select(.name==\"$1\" and (.where|endswith(\"tls-chain[0]\")))]|length)>0 and (.name_binding.bound|not))"; }
at_time "$AT" "matter secondary, leaf valid: trusted at the instance name" v-matter 0 '.rule==3'
at_time "$(later "1 day + 9 days")" "matter secondary, leaf expired nine days ago" v-matter 1 "$(leaf_is E_CERT_EXPIRED)"
at_time "$(later "-2 hours")" "matter secondary, leaf not yet valid" v-matter 1 "$(leaf_is E_CERT_NOT_YET_VALID)"
# The other roots' evidence, each past its leaf's notAfter.
for dir in s-fdo s-devid s-mud; do
    start_chain_server "$dir/cert.pem" "$dir/key.pem"
    expect_exit "$dir, leaf expired" 1 -- "$ALTROOT" connect --anchors anchors --webpki none --json \
        --timeout 5 --at "$(later "400 days")" "https://127.0.0.1:$PORT/"
    expect_json "$dir, leaf expired: report" "$(leaf_is E_CERT_EXPIRED)"
done
# Primary chains: the Matter NOC, an LDevID, an FDO owner-issued leaf.
device --out v-noc --names "$INST.local" --primary matter "${NOC[@]}"
NOC_END=$(date -u -d "$(openssl x509 -in v-noc/cert.pem -noout -enddate | cut -d= -f2) + 1 day" +%Y-%m-%dT%H:%M:%SZ)
at_time "$AT" "matter primary, NOC valid: trusted" v-noc 0 '.rule==3'
at_time "$NOC_END" "matter primary, NOC expired" v-noc 1 "$(leaf_is E_CERT_EXPIRED)"
device --out p-ldevid --names 127.0.0.1 --primary devid "${IDEVID[@]}" "${LDEVID[@]}"
start_chain_server p-ldevid/cert.pem p-ldevid/key.pem
expect_exit "802.1AR primary, before the leaf's notBefore" 1 -- "$ALTROOT" connect --anchors anchors \
    --webpki none --json --timeout 5 --at 2020-01-01T00:00:00Z "https://127.0.0.1:$PORT/"
expect_json "802.1AR primary, not yet valid: report" "$(leaf_is E_CERT_NOT_YET_VALID)"
start_chain_server p-fdo/cert.pem p-fdo/key.pem
expect_exit "FDO owner-issued primary, expired" 1 -- "$ALTROOT" connect --anchors anchors \
    --webpki none --json --timeout 5 --at "$(later "400 days")" "https://127.0.0.1:$PORT/"
expect_json "FDO owner-issued primary, expired: report" "$(leaf_is E_CERT_EXPIRED)"

# ---- --mode: which roots decide ----
start_chain_server s-matter/cert.pem s-matter/key.pem
expect_exit "--mode primary ignores the evidence" 1 -- "$ALTROOT" connect "${A[@]}" --mode primary "https://127.0.0.1:$PORT/"
expect_json "--mode primary: no secondary root, untrusted" '.decision=="untrusted" and ([.roots[]|select(.mode=="secondary")]|length)==0'
expect_exit "--mode secondary reads it" 1 -- "$ALTROOT" connect "${A[@]}" --mode secondary "https://127.0.0.1:$PORT/"
expect_json "--mode secondary: attested by the evidence" '.decision=="attested"'
start_chain_server p-fdo/cert.pem p-fdo/key.pem
expect_exit "--mode secondary ignores an owner-issued chain" 1 -- "$ALTROOT" connect "${A[@]}" --mode secondary "https://127.0.0.1:$PORT/"
expect_exit "--mode webpki: the Web PKI alone" 1 -- "$ALTROOT" connect "${A[@]}" --mode webpki "https://127.0.0.1:$PORT/"
expect_json "--mode webpki: only the webpki root" '[.roots[].root]==["webpki"]'
expect_exit "--mode nonsense" 2 -- "$ALTROOT" connect "${A[@]}" --mode nonsense "https://127.0.0.1:$PORT/"

expect_exit "usage error" 2 -- "$DEVICE_TOOL" device cert --names x
expect_exit "--exp after the certificate's notAfter" 2 -- "$DEVICE_TOOL" device cert --out a-late \
    --names 127.0.0.1 "${FDO[@]}" --days 1 --exp 2099-01-01T00:00:00Z
finish
