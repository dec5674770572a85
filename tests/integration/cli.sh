#!/usr/bin/env bash
# Command-line contract: usage errors, bad URLs, bad times and malformed anchors exit 2 with
# one clear line each; help and version exit 0.
ALTROOT=$1
. "$(dirname "$0")/lib.sh"
cd "$WORK"

expect_exit "no command" 2 -- "$ALTROOT"
expect_exit "unknown command" 2 -- "$ALTROOT" frobnicate
expect_stderr "unknown command named" 'unknown command "frobnicate"'
expect_exit "help" 0 -- "$ALTROOT" --help
expect_exit "version" 0 -- "$ALTROOT" --version
expect_exit "connect without URL" 2 -- "$ALTROOT" connect
for url in "http://127.0.0.1/" "https://user@host/" "https://host:99999/" "https://[::1" "https://bad host/" "ftp://x"; do
    expect_exit "bad URL $url" 2 -- "$ALTROOT" connect "$url"
    expect_stderr "bad URL $url: E_URL" "E_URL"
done
expect_exit "bad --at" 2 -- "$ALTROOT" connect --at yesterday https://127.0.0.1:1/
expect_stderr "bad --at: E_TIME_FORMAT" "E_TIME_FORMAT"
expect_exit "bad --timeout" 2 -- "$ALTROOT" connect --timeout -1 https://127.0.0.1:1/
expect_exit "--anchors without a value" 2 -- "$ALTROOT" connect https://127.0.0.1:1/ --anchors
expect_exit "missing anchors dir" 2 -- "$ALTROOT" connect --anchors "$WORK/none" https://127.0.0.1:1/
expect_stderr "missing anchors dir: E_NOT_FOUND" "E_NOT_FOUND"

mkdir -p bad/local-ca bad/devid-ca
printf -- '-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n' > bad/local-ca/broken.pem
head -c 100 /dev/urandom > bad/devid-ca/random.der
expect_exit "malformed anchor files" 2 -- "$ALTROOT" connect --anchors bad https://127.0.0.1:1/
expect_stderr "malformed PEM named" "bad/local-ca/broken.pem: .*E_PEM"
expect_stderr "random DER named" "bad/devid-ca/random.der: .*(E_CERT_PARSE|E_DER)"
mkdir -p typo/localca
expect_exit "misspelt anchor kind" 2 -- "$ALTROOT" connect --anchors typo https://127.0.0.1:1/
expect_stderr "misspelt kind named" "typo/localca: not an anchor kind directory"
expect_exit "unresolvable name" 2 -- "$ALTROOT" connect --webpki none https://nonexistent.invalid/
expect_stderr "unresolvable: E_RESOLVE" "E_RESOLVE"
expect_exit "demo rejects --anchors" 2 -- "$ALTROOT" demo --anchors x

finish
