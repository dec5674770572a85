#!/usr/bin/env bash
# altroot gateway init and allow (docs/gateway.md): the files and their modes, the printed
# fingerprint and install commands run as printed (certutil into a fresh NSS database, the
# policy JSON), and the root's name constraints as stock `openssl verify` enforces them on
# leaves made by hand with the gateway's issuing key.
# usage: gateway_init.sh ALTROOT
ALTROOT=$1
. "$(dirname "$0")/lib.sh"
cd "$WORK"
for tool in openssl certutil jq base64; do
    command -v "$tool" >/dev/null || { not_ok "$tool is not installed (scripts/deps.sh)"; finish; exit 1; }
done

mode() { stat -c %a "$1"; }

expect_exit "init with a zone and a loopback range" 0 -- "$ALTROOT" gateway init --dir gw \
    --zone Home-1.Example.Home.Arpa --allow-ip 127.0.0.0/8
cp "$WORK/out" init.txt
[ "$(mode gw)" = 700 ] && ok "directory is 0700" || not_ok "directory is $(mode gw)"
for f in root-key.pem issuer-key.pem gateway.db; do
    [ "$(mode "gw/$f")" = 600 ] && ok "$f is 0600" || not_ok "$f is $(mode "gw/$f")"
done
grep -qx "zone: home-1.example.home.arpa" init.txt && ok "zone is lower-cased" || not_ok "zone line"
want=$(openssl x509 -in gw/root.pem -noout -fingerprint -sha256 | cut -d= -f2)
grep -qx "root SHA-256: $want" init.txt && ok "printed fingerprint is the root's" ||
    not_ok "fingerprint differs from openssl's $want"
openssl x509 -in gw/root.pem -noout -text >root.txt
grep -q "X509v3 Name Constraints: critical" root.txt && ok "name constraints are critical" ||
    not_ok "no critical name constraints"
grep -q "DNS:home-1.example.home.arpa" root.txt && grep -q "IP:127.0.0.0/255.0.0.0" root.txt &&
    ok "root permits the zone and the range" || not_ok "root constraints: $(grep -A4 'Name Constraints' root.txt)"
openssl verify -CAfile gw/root.pem gw/issuer.pem >/dev/null 2>&1 && ok "issuer chains to the root" ||
    not_ok "issuer does not verify"
cmp <(openssl pkey -in gw/issuer-key.pem -pubout) <(openssl x509 -in gw/issuer.pem -noout -pubkey) &&
    ok "issuer key matches the issuer certificate" || not_ok "issuer key mismatch"

# The certutil command exactly as printed, against a fresh HOME.
mkdir home
line=$(grep '^certutil -d "sql:$HOME' init.txt)
HOME=$WORK/home bash -c "mkdir -p \"\$HOME/.local/share/pki/nssdb\" && certutil -N --empty-password -d \"sql:\$HOME/.local/share/pki/nssdb\" && $line" &&
    certutil -L -d "sql:$WORK/home/.local/share/pki/nssdb" | grep -q "altroot gateway home-1.example.home.arpa *C,," &&
    ok "certutil command installs the root as a CA" || not_ok "certutil command failed: $line"
sed -n '/^# Chromium enterprise policy/{n;N;p}' init.txt >chromium.json
jq -r '.CACertificatesWithConstraints[0].certificate' chromium.json | base64 -d >policy.der &&
    cmp policy.der <(openssl x509 -in gw/root.pem -outform DER) &&
    jq -e '.CACertificatesWithConstraints[0].constraints.permitted_dns_names == ["home-1.example.home.arpa"]' chromium.json >/dev/null &&
    ok "Chromium policy holds the root and the zone" || not_ok "Chromium policy: $(cat chromium.json)"
sed -n '/^# Firefox enterprise policy/{n;p}' init.txt >firefox.json
jq -e --arg p "$WORK/gw/root.pem" '.policies.Certificates.Install == [$p]' firefox.json >/dev/null &&
    ok "Firefox policy names the root by its absolute path" || not_ok "Firefox policy: $(cat firefox.json)"

# leaf NAME SAN: a leaf made with stock openssl and the gateway's issuing key.
leaf() {
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" \
        -subj "/CN=leaf" -addext "subjectAltName=$2" -addext "extendedKeyUsage=serverAuth" \
        -CA "$3/issuer.pem" -CAkey "$3/issuer-key.pem" -days 7 -out "$1.pem" 2>/dev/null
}
# verify_leaf NAME DIR EXPECT(ok|refused) WHAT
verify_leaf() {
    if openssl verify -CAfile "$2/root.pem" -untrusted "$2/issuer.pem" "$1.pem" >"$1.log" 2>&1; then
        [ "$3" = ok ] && ok "$4 verifies" || not_ok "$4 verified: it must be refused"
    else
        [ "$3" = refused ] && grep -q "subtree violation" "$1.log" && ok "$4 is refused (name constraints)" ||
            not_ok "$4: $(tr '\n' ' ' <"$1.log")"
    fi
}
leaf in gw DNS:dev1.home-1.example.home.arpa && verify_leaf in gw ok "a leaf in the zone"
leaf ip gw "DNS:dev1.home-1.example.home.arpa,IP:127.0.0.1" && verify_leaf ip gw ok "a leaf for 127.0.0.1 (allowed range)"
leaf out gw DNS:evil.example.com && verify_leaf out gw refused "a leaf outside the zone"
leaf parent gw DNS:example.home.arpa && verify_leaf parent gw refused "a leaf for the zone's parent"
leaf ipout gw "DNS:dev1.home-1.example.home.arpa,IP:10.0.0.1" && verify_leaf ipout gw refused "a leaf for an address outside the range"
leaf local gw DNS:dev1.local && verify_leaf local gw refused "a .local leaf without --allow-local"

# The default: a random 64-bit zone under home.arpa, no address at all, .local when asked.
expect_exit "init with defaults and --allow-local" 0 -- "$ALTROOT" gateway init --dir gw2 --allow-local
zone=$(sed -n 's/^zone: //p' "$WORK/out")
[[ $zone =~ ^[0-9a-f]{16}\.home\.arpa$ ]] && ok "default zone is <16 hex>.home.arpa" || not_ok "default zone \"$zone\""
leaf d2 gw2 "DNS:tv.$zone" && verify_leaf d2 gw2 ok "a leaf in the random zone"
leaf d2l gw2 DNS:tv.local && verify_leaf d2l gw2 ok "a .local leaf with --allow-local"
leaf d2ip gw2 "DNS:tv.$zone,IP:127.0.0.1" && verify_leaf d2ip gw2 refused "any address without --allow-ip"
leaf d2v6 gw2 "DNS:tv.$zone,IP:::1" && verify_leaf d2v6 gw2 refused "any IPv6 address without --allow-ip"
expect_exit "a second init gets another zone" 0 -- "$ALTROOT" gateway init --dir gw3
[ "$(sed -n 's/^zone: //p' "$WORK/out")" != "$zone" ] && ok "zones differ" || not_ok "same zone twice"

# Refusals, each with its code, and nothing left behind.
expect_exit "init into a non-empty directory" 2 -- "$ALTROOT" gateway init --dir gw
expect_stderr "non-empty directory: E_GATEWAY_DIR" "E_GATEWAY_DIR"
expect_exit "zone home.arpa itself" 2 -- "$ALTROOT" gateway init --dir z1 --zone home.arpa
expect_stderr "shared zone: E_GATEWAY_ZONE" "E_GATEWAY_ZONE"
[ ! -e z1 ] && ok "refused init creates nothing" || not_ok "z1 exists after a refused init"
expect_exit "a one-label zone" 2 -- "$ALTROOT" gateway init --dir z2 --zone lan
expect_exit "a range with host bits" 2 -- "$ALTROOT" gateway init --dir z3 --allow-ip 127.0.0.1/8
expect_stderr "host bits: E_GATEWAY_CIDR" "E_GATEWAY_CIDR"
expect_exit "init without --dir" 2 -- "$ALTROOT" gateway init

# allow: an EAB key per name, only inside the zone.
expect_exit "allow a label" 0 -- "$ALTROOT" gateway allow --dir gw dev1
grep -qx "name: dev1.home-1.example.home.arpa" "$WORK/out" && ok "label is placed in the zone" || not_ok "allow name line"
kid1=$(sed -n 's/^eab-kid: //p' "$WORK/out")
key1=$(sed -n 's/^eab-hmac-key: //p' "$WORK/out")
[[ $kid1 =~ ^[A-Za-z0-9_-]{22}$ ]] && [[ $key1 =~ ^[A-Za-z0-9_-]{43}$ ]] &&
    ok "kid (128 bits) and HMAC key (256 bits) in base64url" || not_ok "kid \"$kid1\" key \"$key1\""
expect_exit "allow the same name again" 0 -- "$ALTROOT" gateway allow --dir gw dev1.home-1.example.home.arpa
[ "$(sed -n 's/^eab-kid: //p' "$WORK/out")" != "$kid1" ] && ok "each allow makes a new key" || not_ok "kid reused"
expect_exit "allow outside the zone" 2 -- "$ALTROOT" gateway allow --dir gw evil.example.com
expect_stderr "outside: E_GATEWAY_OUTSIDE_ZONE" "E_GATEWAY_OUTSIDE_ZONE"
expect_exit "allow the gateway's own name" 2 -- "$ALTROOT" gateway allow --dir gw gateway
expect_stderr "own name: E_GATEWAY_NAME_RESERVED" "E_GATEWAY_NAME_RESERVED"
expect_exit "allow localhost" 2 -- "$ALTROOT" gateway allow --dir gw localhost
mkdir -m 700 empty
expect_exit "allow in a directory without a gateway" 2 -- "$ALTROOT" gateway allow --dir empty dev1
expect_stderr "no gateway: E_GATEWAY_NOT_INITIALISED" "E_GATEWAY_NOT_INITIALISED"
chmod 755 gw
expect_exit "allow with a directory others can read" 2 -- "$ALTROOT" gateway allow --dir gw dev2
expect_stderr "open directory: E_GATEWAY_DIR" "E_GATEWAY_DIR"
chmod 700 gw

finish
