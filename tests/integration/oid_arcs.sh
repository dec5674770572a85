#!/usr/bin/env bash
# No certificate altroot writes holds an OID that a strict parser cannot read: every OID of every
# certificate from `altroot mint` (every kind and every fault), from `altroot device cert` (each
# root, secondary and primary) and from `altroot demo` has all its arcs below 2^28 (RFC 5280
# Appendix B; GnuTLS keeps arcs in 64 bits, Go in 31). oid_arcs walks the DER (tests/integration/
# oid_arcs.c); two controls with a UUID OID, one as an extension and one inside
# extendedKeyUsage, show that the walk sees them.
ALTROOT=$1
ARCS=$2
. "$(dirname "$0")/lib.sh"
cd "$WORK"

# ---- the controls: the walker must catch a large arc, also inside an extension value ----
UUID=2.25.69226542634484640648002627714631563288
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout c.key -out ctl-ext.pem \
    -days 1 -subj "/CN=control" -addext "$UUID.1=DER:05:00" 2>/dev/null
openssl req -x509 -key c.key -out ctl-eku.pem -days 1 -subj "/CN=control" \
    -addext "extendedKeyUsage=serverAuth,$UUID.2" 2>/dev/null
openssl req -x509 -key c.key -out ctl-ok.pem -days 1 -subj "/CN=control" \
    -addext "extendedKeyUsage=serverAuth,1.3.6.1.4.1.32473.2" 2>/dev/null
expect_exit "control: a UUID extension OID is caught" 1 -- "$ARCS" ctl-ext.pem
expect_exit "control: a UUID EKU inside the extension value is caught" 1 -- "$ARCS" ctl-eku.pem
expect_exit "control: small arcs pass" 0 -- "$ARCS" ctl-ok.pem
# A key identifier is octets, not DER: one that happens to read as an OID TLV is no OID.
openssl req -x509 -key c.key -out ctl-skid.pem -days 1 -subj "/CN=control" \
    -addext "subjectKeyIdentifier=061469E894C684AD84CAAAA19083CDF0B3B2BDF01801" 2>/dev/null
expect_exit "control: a key identifier that reads as a UUID OID is not an OID" 0 -- "$ARCS" ctl-skid.pem
if "$ARCS" ctl-eku.pem | grep -q "OID $UUID.2 has an arc"; then ok "control: the OID is named"
else not_ok "control: the OID is not named"; fi

# ---- everything altroot mints ----
mkdir -p o
for kind in matter devid mud; do
    for f in $("$ARCS" --faults "$kind"); do
        "$ALTROOT" mint "$kind" --out "o/$kind-$f" --fault "$f" >/dev/null ||
            not_ok "mint $kind --fault $f"
    done
done
for f in none $("$ALTROOT" mint fdo --out x --fault list 2>&1 | sed -n 's/^faults: //p'); do
    [ "$f" = none ] && args=() || args=(--fault "$f")
    "$ALTROOT" mint fdo --out "o/fdo-$f" "${args[@]}" >/dev/null 2>&1 || not_ok "mint fdo --fault $f"
done
for key in p384 rsa2048 rsa3072; do
    "$ALTROOT" mint fdo --out "o/fdo-$key" --key "$key" >/dev/null || not_ok "mint fdo --key $key"
done
"$ALTROOT" mint fleet --out o/fleet --count 2 >/dev/null || not_ok "mint fleet"
mkdir -p o/op && "$ARCS" --op o/op || not_ok "Matter operational faults"
if [ "$(ls o | grep -c '^fdo-')" -ge 9 ]; then ok "every FDO fault minted"; else not_ok "FDO faults"; fi

# ---- device certificates: each root, secondary and primary ----
m=o/matter-none d=o/devid-none mm=o/mud-none f=o/fdo-none
MATTER=(--matter-dac-key $m/dac-key.pem --matter-dac $m/dac.pem --matter-pai $m/pai.pem --matter-cd $m/cd.der)
NOC=(--matter-noc-key $m/noc-key.pem --matter-noc $m/noc.tlv --matter-icac $m/icac.tlv --matter-rcac $m/rcac.tlv)
IDEVID=(--idevid-key $d/idevid.key.pem --idevid $d/idevid.pem --idevid-chain $d/chain.pem)
FDO=(--fdo-device-key $f/device.key.pem --fdo-voucher $f/voucher.pem)
dev() { "$ALTROOT" device cert --out "o/device-$1" --names "${NAMES:-127.0.0.1,device.home.arpa}" \
    "${@:2}" >/dev/null || not_ok "device cert $1"; }
dev matter "${MATTER[@]}"
dev matter-noc "${MATTER[@]}" "${NOC[@]}"
dev fdo "${FDO[@]}"
dev devid "${IDEVID[@]}" --ldevid $d/ldevid.pem --ldevid-key $d/idevid.key.pem
dev mud --idevid-key $mm/idevid.key.pem --idevid $mm/idevid.pem --idevid-chain $mm/chain.pem \
    --mud $mm/mud.json --mud-sig $mm/mud.p7s
dev all "${MATTER[@]}" "${NOC[@]}" "${FDO[@]}" "${IDEVID[@]}"
NAMES=printer.local dev keyhash "${MATTER[@]}" --key-hash-name
dev primary-matter "${MATTER[@]}" "${NOC[@]}" --primary matter
dev primary-devid "${IDEVID[@]}" --primary devid
dev primary-fdo "${FDO[@]}" --primary fdo --fdo-owner-key $f/owner.key.pem

# ---- the demo: its trust store and every chain it serves ----
expect_exit "demo writes its certificates" 0 -- "$ALTROOT" demo --write-certs o/demo
served=$(ls o/demo | grep -c '^served-')
if [ "$served" -ge 20 ]; then ok "demo served $served certificates"; else not_ok "demo served $served"; fi

# ---- the walk ----
files=()
while IFS= read -r p; do
    if grep -q "BEGIN CERTIFICATE" "$p" 2>/dev/null ||
        { [[ $p == *.der ]] && openssl x509 -inform der -in "$p" -noout 2>/dev/null; }; then
        files+=("$p")
    fi
done < <(find o -type f \( -name '*.pem' -o -name '*.der' -o -name '*.crt' \) | sort)
echo "# walking ${#files[@]} certificate files"
if [ "${#files[@]}" -ge 200 ]; then ok "${#files[@]} certificate files"; else not_ok "only ${#files[@]} certificate files"; fi
expect_exit "every OID of every certificate has arcs below 2^28" 0 -- "$ARCS" "${files[@]}"
grep "large arc\|has an arc\|not a certificate" "$WORK/out" | grep -v ", 0 with a large arc" | head -20
for dir in device-matter demo; do
    if grep -q "^o/$dir/" "$WORK/out"; then ok "walked $dir"; else not_ok "did not walk $dir"; fi
done
finish
