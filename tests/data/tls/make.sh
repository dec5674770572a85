#!/usr/bin/env bash
# How the fixed TLS test files here were made (stock openssl; run again to replace them).
set -euo pipefail
cd "$(dirname "$0")"
days=36500
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout self-signed.key \
    -out self-signed.pem -days $days -subj "/CN=device.home.arpa" \
    -addext "subjectAltName=DNS:device.home.arpa,IP:127.0.0.1" 2>/dev/null
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout local-ca.key \
    -out local-ca.pem -days $days -subj "/O=Home/CN=Home CA" \
    -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -addext "nameConstraints=critical,permitted;DNS:home.arpa,permitted;DNS:localhost,permitted;IP:127.0.0.0/255.0.0.0" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout leaf.key -out leaf.csr \
    -subj "/CN=printer.home.arpa" 2>/dev/null
openssl x509 -req -in leaf.csr -CA local-ca.pem -CAkey local-ca.key -days $days -out leaf.pem \
    -extfile <(printf "subjectAltName=DNS:printer.home.arpa,DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature\n") 2>/dev/null
rm -f leaf.csr local-ca.srl
openssl x509 -in self-signed.pem -outform DER -out self-signed.der
# Deliberately broken inputs.
head -c 200 self-signed.der > truncated.der
sed '3s/./!/' self-signed.pem > bad-base64.pem
printf 'not a certificate\n' > garbage.txt
(cat self-signed.der; printf '\x00') > trailing.der
