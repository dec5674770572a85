#!/usr/bin/env bash
# Stock Chromium (Debian's, BoringSSL inside) and device certificates that carry the evidence
# extension, against `altroot serve` on loopback:
# - Chromium's own verifier reads them: a leaf with the evidence in id-pe-cmw (RFC 9999) and
#   extendedKeyUsage serverAuth, under a local CA in the user's NSS database, loads; without that
#   CA it is refused (the control).
# - altroot's decision applied to a stock Chromium through its key allow-list
#   (--ignore-certificate-errors-spki-list): a launcher passes the leaf's SPKI hash only when
#   `altroot connect` says `trusted`. A trusted device loads; an attested one does not until it
#   is pinned; forged evidence never does (docs/browser.md, "Chromium").
# Host names reach 127.0.0.1 through Chromium's --host-resolver-rules; nothing leaves loopback.
ALTROOT=$1
. "$(dirname "$0")/lib.sh"
for tool in chromium certutil jq xxd base64 timeout; do
    command -v "$tool" >/dev/null || { not_ok "required tool $tool is missing"; finish; exit 1; }
done
cd "$WORK" || exit 1

export SENTENCE="The porch lamp is on."
mkdir -p www && printf '<!DOCTYPE html><html><body><p id="s">%s</p></body></html>' "$SENTENCE" > www/index.html

# chrome NAME HOME URL [flags...]: headless Chromium's DOM of URL into NAME.dom (its log in
# NAME.log), with HOME (and so its NSS database) and a fresh profile.
chrome() {
    local name=$1 home=$2 url=$3
    shift 3
    local host=${url#https://}
    host=${host%%[:/]*}
    HOME=$home timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-quic \
        --no-first-run --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$WORK/profile-$name" --host-resolver-rules="MAP $host 127.0.0.1" \
        "$@" --dump-dom "$url" >"$name.dom" 2>"$name.log"
}
loads() { # NAME: the device's page was rendered
    if grep -qF "$SENTENCE" "$1.dom"; then ok "$1: Chromium loaded the page"; else
        not_ok "$1: page not loaded: $(grep -o 'net::ERR_[A-Z_]*' "$1.log" | head -1)"; fi
}
refused() { # NAME ERROR: Chromium refused the page with net::ERROR
    if ! grep -qF "$SENTENCE" "$1.dom" && grep -q "net::$2" "$1.log"; then ok "$1: refused ($2)"; else
        not_ok "$1: expected net::$2: $(grep -o 'net::ERR_[A-Z_]*' "$1.log" | head -1)"; fi
}

"$ALTROOT" mint matter --out m >/dev/null || { not_ok "mint matter"; finish; exit 1; }
"$ALTROOT" mint matter --out mbad --fault cd-signature >/dev/null || { not_ok "mint matter fault"; finish; exit 1; }
"$ALTROOT" mint devid --out d >/dev/null || { not_ok "mint devid"; finish; exit 1; }
local_ca
sleep 1 # the CA's notBefore is this second
mkdir -p anchors/devid-ca anchors/local-ca && cp -r m/anchors/. anchors/ &&
    cp d/mfg-root-ca.pem anchors/devid-ca/d.pem && cp ca.pem anchors/local-ca/home.pem
MATTER=(--matter-dac-key m/dac-key.pem --matter-dac m/dac.pem --matter-pai m/pai.pem --matter-cd m/cd.der)
EVIDENCE_OID=1.3.6.1.5.5.7.1.35

# A Matter unit with evidence under the local CA; an 802.1AR unit and forged evidence, self-signed.
expect_exit "device cert: matter evidence under the local CA" 0 -- "$ALTROOT" device cert \
    --out lamp --names lamp.home.arpa --ca-cert ca.pem --ca-key ca.key "${MATTER[@]}"
expect_exit "device cert: 802.1AR evidence" 0 -- "$ALTROOT" device cert --out widget \
    --names widget.home.arpa --idevid-key d/idevid.key.pem --idevid d/idevid.pem --idevid-chain d/chain.pem
expect_exit "device cert: forged CD" 0 -- "$ALTROOT" device cert --out forged \
    --names forged.home.arpa --matter-dac-key m/dac-key.pem --matter-dac m/dac.pem \
    --matter-pai m/pai.pem --matter-cd mbad/cd.der
exts=$(openssl x509 -in lamp/cert.pem -noout -text)
if grep -q "$EVIDENCE_OID:" <<<"$exts" &&
    grep -A1 "Extended Key Usage" <<<"$exts" | tail -1 | grep -qx " *TLS Web Server Authentication"; then
    ok "the leaf carries id-pe-cmw and extendedKeyUsage serverAuth only"
else not_ok "id-pe-cmw missing or another extended key usage"; fi

# ---- Chromium's own verifier: the user's NSS database trusts the local CA ----
mkdir -p nss/.pki/nssdb empty
certutil -d sql:nss/.pki/nssdb -N --empty-password &&
    certutil -d sql:nss/.pki/nssdb -A -t "C,," -n "Home CA" -i ca.pem ||
    { not_ok "NSS database"; finish; exit 1; }
serve lamp
LAMP=https://lamp.home.arpa:$PORT/index.html
chrome nss-trusted "$WORK/nss" "$LAMP"
loads nss-trusted
chrome nss-empty "$WORK/empty" "$LAMP"
refused nss-empty ERR_CERT_AUTHORITY_INVALID

# ---- altroot decides, Chromium applies: the SPKI of a trusted leaf only ----
# decide NAME URL: `altroot connect` on the device; sets SPKI (base64) when it says trusted.
decide() {
    SPKI=
    "$ALTROOT" connect --json --anchors anchors --webpki none --connect-to 127.0.0.1 "$2" \
        >"$1.json" 2>"$1.err"
    DECISION=$(jq -r .decision "$1.json" 2>/dev/null)
    if [ "$DECISION" = trusted ]; then
        SPKI=$(jq -r .tls.leaf.spki_sha256 "$1.json" | xxd -r -p | base64)
    fi
}
# applied NAME URL DECISION: decide, then open URL in Chromium with only what altroot allowed.
applied() {
    decide "$1" "$2"
    [ "$DECISION" = "$3" ] && ok "$1: altroot says $3" || not_ok "$1: altroot says $DECISION, expected $3"
    local allow=()
    [ -n "$SPKI" ] && allow=(--ignore-certificate-errors-spki-list="$SPKI")
    chrome "$1" "$WORK/empty" "$2" "${allow[@]}"
}

applied lamp-trusted "$LAMP" trusted
loads lamp-trusted

serve widget
WIDGET=https://widget.home.arpa:$PORT/index.html
applied widget-attested "$WIDGET" attested
refused widget-attested ERR_CERT_AUTHORITY_INVALID
expect_exit "altroot pin --yes the 802.1AR unit" 0 -- "$ALTROOT" pin --anchors anchors --yes \
    --connect-to 127.0.0.1 "https://widget.home.arpa:$PORT"
applied widget-pinned "$WIDGET" trusted
loads widget-pinned
json_true widget-pinned.json '.rule==5 and .name_binding.method=="pin"' &&
    ok "widget-pinned: trusted by its pin (rule 5)" || not_ok "widget-pinned: not rule 5"

serve forged
FORGED=https://forged.home.arpa:$PORT/index.html
applied forged-evidence "$FORGED" untrusted
json_true forged-evidence.json '.rule==1 and ([.failures[].name]|index("E_EVIDENCE_ARTEFACT")!=null)' &&
    ok "forged-evidence: tampering (rule 1, E_EVIDENCE_ARTEFACT)" || not_ok "forged-evidence: rule"
refused forged-evidence ERR_CERT_AUTHORITY_INVALID

# The allow-list names a key, not a host: the lamp's SPKI does not admit the widget's key.
decide lamp-again "$LAMP"
chrome other-key "$WORK/empty" "$WIDGET" --ignore-certificate-errors-spki-list="$SPKI"
refused other-key ERR_CERT_AUTHORITY_INVALID
finish
