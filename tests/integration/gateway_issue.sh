#!/usr/bin/env bash
# altroot gateway issue (docs/gateway.md): CSRs made with stock openssl pass or fail the same
# checks ACME finalize will run; the issued leaf has the gateway's profile whatever the CSR
# asked for; and stock `openssl s_client -verify_return_error`, trusting only the gateway root,
# accepts `altroot serve` with the issued chain at the device's name.
# usage: gateway_issue.sh ALTROOT
ALTROOT=$1
. "$(dirname "$0")/lib.sh"
cd "$WORK"
command -v openssl >/dev/null || { not_ok "openssl is not installed"; finish; exit 1; }

"$ALTROOT" gateway init --dir gw --zone home-2.home.arpa >init.txt 2>&1 || { not_ok "init: $(cat init.txt)"; finish; exit 1; }
Z=home-2.home.arpa

# csr NAME KEYOPTS SUBJECT [openssl req options...]: DIR-less CSR NAME.csr with key NAME.key.
csr() {
    local name=$1 keyopt=$2
    shift 2
    openssl req -new -newkey "$keyopt" -nodes -keyout "$name.key" -subj "/CN=$name" "$@" \
        -out "$name.csr" 2>/dev/null
}
# issue_expect WHAT CODE [CODE-NAME] -- gateway issue arguments...
issue_expect() {
    local what=$1 code=$2 name=$3
    shift 4
    expect_exit "$what" "$code" -- "$ALTROOT" gateway issue --dir gw "$@"
    [ -z "$name" ] || expect_stderr "$what: $name" "$name"
}

csr ec ec -pkeyopt ec_paramgen_curve:P-256 -addext "subjectAltName=DNS:dev1.$Z,DNS:www.dev1.$Z"
issue_expect "issue a P-256 CSR for its two names" 0 "" -- --csr ec.csr --names "dev1.$Z,www.dev1.$Z" --out ec.pem
openssl x509 -in ec.pem -noout -text >leaf.txt
grep -q "DNS:dev1.$Z, DNS:www.dev1.$Z" leaf.txt && ok "SAN holds exactly the names" || not_ok "SAN: $(grep -A1 'Alternative Name' leaf.txt)"
grep -A1 "X509v3 Key Usage: critical" leaf.txt | grep -qx " *Digital Signature" && ok "KU digitalSignature only, critical" || not_ok "KU: $(grep -A1 'Key Usage' leaf.txt)"
grep -A1 "X509v3 Extended Key Usage" leaf.txt | grep -qx " *TLS Web Server Authentication" && ok "EKU serverAuth only" || not_ok "EKU"
grep -A1 "X509v3 Basic Constraints: critical" leaf.txt | grep -q "CA:FALSE" && ok "not a CA" || not_ok "basicConstraints"
serial=$(openssl x509 -in ec.pem -noout -serial | cut -d= -f2)
[ ${#serial} -ge 16 ] && ok "serial has at least 64 bits (${#serial} hex digits)" || not_ok "serial $serial"
nb=$(date -d "$(openssl x509 -in ec.pem -noout -startdate | cut -d= -f2)" +%s)
na=$(date -d "$(openssl x509 -in ec.pem -noout -enddate | cut -d= -f2)" +%s)
[ $((na - nb)) -eq $((30 * 86400 + 300)) ] && ok "30 days by default (from 5 minutes ago)" || not_ok "lifetime $((na - nb)) s"
[ "$(openssl x509 -in ec.pem -noout -pubkey)" = "$(openssl pkey -in ec.key -pubout)" ] && ok "leaf carries the CSR's key" || not_ok "leaf key"
[ "$(grep -c 'BEGIN CERTIFICATE' ec.pem)" -eq 2 ] && openssl verify -CAfile gw/root.pem -untrusted ec.pem ec.pem >/dev/null 2>&1 &&
    ok "chain is leaf + issuing CA and verifies to the root" || not_ok "chain"

# Stock s_client with only the gateway root trusts altroot serve at the device's name.
mkdir -p srv www && cp ec.pem srv/cert.pem && cp ec.key srv/key.pem && echo hello >www/index.html
serve srv
sc() {
    openssl s_client -connect "127.0.0.1:$PORT" -servername "$1" -verify_hostname "$1" \
        -CAfile "$2" -verify_return_error </dev/null >sc.log 2>&1
}
sc "dev1.$Z" gw/root.pem && grep -q "Verify return code: 0 (ok)" sc.log &&
    ok "s_client -verify_return_error trusts the device with only the gateway root" || not_ok "s_client: $(grep -i verify sc.log | head -3)"
sc "other.$Z" gw/root.pem && not_ok "s_client accepted another name" || ok "s_client refuses another name"
"$ALTROOT" gateway init --dir gwx --zone home-2.home.arpa >/dev/null 2>&1
sc "dev1.$Z" gwx/root.pem && not_ok "s_client trusted another gateway's root" || ok "another gateway's root does not trust it"

# The leaf profile is the gateway's: what the CSR asks for is never copied.
csr ca ec -pkeyopt ec_paramgen_curve:P-384 -addext "subjectAltName=DNS:cam.$Z" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=keyCertSign,cRLSign" \
    -addext "extendedKeyUsage=clientAuth,codeSigning"
issue_expect "a P-384 CSR asking to be a CA" 0 "" -- --csr ca.csr --names "cam.$Z" --out ca.pem --days 90
openssl x509 -in ca.pem -noout -text >ca.txt
grep -q "CA:FALSE" ca.txt && ! grep -q "Certificate Sign" ca.txt && ! grep -q "Client Auth\|Code Signing" ca.txt &&
    ok "CA, keyCertSign and EKU requests are not copied" || not_ok "leaf copied CSR extensions"
nb=$(date -d "$(openssl x509 -in ca.pem -noout -startdate | cut -d= -f2)" +%s)
na=$(date -d "$(openssl x509 -in ca.pem -noout -enddate | cut -d= -f2)" +%s)
[ $((na - nb)) -eq $((90 * 86400 + 300)) ] && ok "--days 90" || not_ok "90-day lifetime $((na - nb)) s"
csr rsa rsa:2048 -addext "subjectAltName=DNS:nas.$Z"
issue_expect "an RSA 2048 CSR" 0 "" -- --csr rsa.csr --names "nas.$Z" --out rsa.pem

# Refusals, each with its code, and no certificate.
issue_expect "91 days" 2 E_GATEWAY_LIFETIME -- --csr ec.csr --names "dev1.$Z,www.dev1.$Z" --out x.pem --days 91
issue_expect "0 days" 2 E_GATEWAY_LIFETIME -- --csr ec.csr --names "dev1.$Z,www.dev1.$Z" --out x.pem --days 0
issue_expect "fewer names than the CSR" 2 E_GATEWAY_CSR_NAMES -- --csr ec.csr --names "dev1.$Z" --out x.pem
issue_expect "more names than the CSR" 2 E_GATEWAY_CSR_NAMES -- --csr rsa.csr --names "nas.$Z,tv.$Z" --out x.pem
issue_expect "a name outside the zone" 2 E_GATEWAY_OUTSIDE_ZONE -- --csr rsa.csr --names "nas.example.com" --out x.pem
csr out ec -pkeyopt ec_paramgen_curve:P-256 -addext "subjectAltName=DNS:evil.example.com"
issue_expect "a CSR for a name outside the zone" 2 E_GATEWAY_CSR_NAMES -- --csr out.csr --names "dev9.$Z" --out x.pem
csr upper ec -pkeyopt ec_paramgen_curve:P-256 -addext "subjectAltName=DNS:Dev3.$Z"
issue_expect "a CSR name in another case" 2 E_GATEWAY_CSR_NAMES -- --csr upper.csr --names "dev3.$Z" --out x.pem
csr ip ec -pkeyopt ec_paramgen_curve:P-256 -addext "subjectAltName=DNS:dev4.$Z,IP:127.0.0.1"
issue_expect "a CSR with an IP address" 2 E_GATEWAY_CSR_NAMES -- --csr ip.csr --names "dev4.$Z" --out x.pem
csr nosan ec -pkeyopt ec_paramgen_curve:P-256
issue_expect "a CSR without subjectAltName" 2 E_GATEWAY_CSR_NAMES -- --csr nosan.csr --names "nosan.$Z" --out x.pem
csr staple ec -pkeyopt ec_paramgen_curve:P-256 -addext "subjectAltName=DNS:dev5.$Z" -addext "tlsfeature=status_request"
issue_expect "a CSR asking for must-staple" 2 E_GATEWAY_CSR_EXTENSION -- --csr staple.csr --names "dev5.$Z" --out x.pem
csr p521 ec -pkeyopt ec_paramgen_curve:P-521 -addext "subjectAltName=DNS:dev6.$Z"
issue_expect "a P-521 key" 2 E_GATEWAY_CSR_KEY -- --csr p521.csr --names "dev6.$Z" --out x.pem
csr weak rsa:1024 -addext "subjectAltName=DNS:dev7.$Z"
issue_expect "an RSA 1024 key" 2 E_GATEWAY_CSR_KEY -- --csr weak.csr --names "dev7.$Z" --out x.pem
openssl req -new -key gw/issuer-key.pem -subj /CN=x -addext "subjectAltName=DNS:dev8.$Z" -out own.csr 2>/dev/null
issue_expect "a CSR with the issuing CA's own key" 2 E_GATEWAY_CSR_KEY -- --csr own.csr --names "dev8.$Z" --out x.pem
# A CSR whose signature was altered in its last byte.
openssl req -in ec.csr -outform DER -out ec.der
cp ec.der bad.der && printf '\x01' | dd of=bad.der bs=1 seek=$(($(stat -c %s bad.der) - 1)) conv=notrunc 2>/dev/null
cmp -s ec.der bad.der && not_ok "the CSR was not altered" || true
issue_expect "a CSR with a broken signature" 2 E_GATEWAY_CSR_SIGNATURE -- --csr bad.der --names "dev1.$Z,www.dev1.$Z" --out x.pem
issue_expect "a DER CSR verifies as well" 0 "" -- --csr ec.der --names "dev1.$Z,www.dev1.$Z" --out der.pem
head -c 100 ec.der >short.der
issue_expect "a truncated CSR" 2 E_GATEWAY_CSR_MALFORMED -- --csr short.der --names "dev1.$Z" --out x.pem
[ ! -e x.pem ] && ok "no refused request wrote a certificate" || not_ok "x.pem exists"

finish
