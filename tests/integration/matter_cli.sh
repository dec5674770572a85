#!/usr/bin/env bash
# `altroot mint matter` and `altroot verify matter-dac|matter-paa`: a clean mint verifies, each
# injected fault is rejected with its code, and bad usage or unreadable files exit 2.
ALTROOT=$1
. "$(dirname "$0")/lib.sh"
cd "$WORK"
AT=2026-11-28T12:00:00Z

expect_exit "mint matter" 0 -- "$ALTROOT" mint matter --out good --at $AT
expect_exit "verify matter-dac (minted, clean)" 0 -- "$ALTROOT" verify matter-dac --json --at $AT \
    --anchors good/anchors --dac good/dac.pem --pai good/pai.pem --cd good/cd.der --vid FFF1 --pid 8000
expect_json "clean: attested, vendor and product named" \
    '.decision=="attested" and .rule==6 and .roots[0].status=="verified" and .roots[0].mode=="artefact" and .roots[0].attestation.product_id=="0x8000"'
expect_exit "same with --paa/--cd-signers files" 0 -- "$ALTROOT" verify matter-dac --at $AT \
    --paa good/paa.pem --cd-signers good/cd-signer.pem --dac good/dac.pem --pai good/pai.pem --cd good/cd.der
expect_exit "basic info PID differs" 1 -- "$ALTROOT" verify matter-dac --json --at $AT \
    --anchors good/anchors --dac good/dac.pem --pai good/pai.pem --cd good/cd.der --vid FFF1 --pid 8001
expect_json "PID differs: E_MATTER_CD_PRODUCT" '[.failures[].name]|index("E_MATTER_CD_PRODUCT")!=null'
expect_exit "no CD" 1 -- "$ALTROOT" verify matter-dac --json --at $AT --anchors good/anchors \
    --dac good/dac.pem --pai good/pai.pem
expect_json "no CD: E_MATTER_CD_MISSING" '[.failures[].name]|index("E_MATTER_CD_MISSING")!=null'

while read -r fault code; do
    expect_exit "mint matter --fault $fault" 0 -- "$ALTROOT" mint matter --out "f-$fault" --at $AT --fault "$fault"
    expect_exit "fault $fault rejected" 1 -- "$ALTROOT" verify matter-dac --json --at $AT \
        --anchors "f-$fault/anchors" --dac "f-$fault/dac.pem" --pai "f-$fault/pai.pem" --cd "f-$fault/cd.der"
    expect_json "fault $fault: $code, decision untrusted (rule 1)" \
        "([.failures[].name]|index(\"$code\")!=null) and .decision==\"untrusted\" and .rule==1"
done <<'FAULTS'
dac-expired E_MATTER_DAC_EXPIRED
dac-is-ca E_MATTER_DAC_FORMAT
dac-key-usage E_MATTER_DAC_FORMAT
pai-pathlen E_MATTER_PAI_FORMAT
vid-mismatch E_MATTER_VID_MISMATCH
cd-vendor E_MATTER_CD_VENDOR
cd-product E_MATTER_CD_PRODUCT
cd-signature E_MATTER_CD_SIGNATURE
paa-unlisted E_MATTER_CD_PAA
FAULTS

# A PAI from another PKI: its PAA is not among the anchors.
expect_exit "foreign PAI" 1 -- "$ALTROOT" verify matter-dac --json --at $AT --anchors good/anchors \
    --dac f-dac-expired/dac.pem --pai f-dac-expired/pai.pem --cd good/cd.der
expect_json "foreign PAI: E_MATTER_PAA_NOT_FOUND" '[.failures[].name]|index("E_MATTER_PAA_NOT_FOUND")!=null'
# Garbage where a DAC should be is a rejected artefact (1), not a usage error.
head -c 300 /dev/urandom > junk.der
expect_exit "garbage DAC" 1 -- "$ALTROOT" verify matter-dac --at $AT --anchors good/anchors \
    --dac junk.der --pai good/pai.pem --cd good/cd.der

expect_exit "verify matter-paa on a PAA" 0 -- "$ALTROOT" verify matter-paa --paa good/paa.pem
expect_exit "verify matter-paa on a DAC" 1 -- "$ALTROOT" verify matter-paa --json --paa good/dac.pem
expect_json "DAC as PAA: E_MATTER_PAA_FORMAT" '[.failures[].name]|index("E_MATTER_PAA_FORMAT")!=null'
expect_exit "verify matter-paa on garbage" 1 -- "$ALTROOT" verify matter-paa --paa junk.der

expect_exit "unreadable DAC: exit 2" 2 -- "$ALTROOT" verify matter-dac --anchors good/anchors --dac nope.der --pai good/pai.pem
expect_exit "missing --pai: exit 2" 2 -- "$ALTROOT" verify matter-dac --dac good/dac.pem
expect_exit "bad --vid: exit 2" 2 -- "$ALTROOT" verify matter-dac --dac good/dac.pem --pai good/pai.pem --vid XYZ --pid 1
expect_exit "unknown verify kind: exit 2" 2 -- "$ALTROOT" verify frob
expect_exit "unknown fault: exit 2" 2 -- "$ALTROOT" mint matter --out x --fault nope
expect_exit "mint without --out: exit 2" 2 -- "$ALTROOT" mint matter
# inspect describes each Matter artefact it recognises, and refuses what it does not know.
expect_exit "inspect DAC" 0 -- "$ALTROOT" inspect --json good/dac.pem
expect_json "inspect DAC: VID/PID" '.kind=="x509-certificate" and .certificates[0].matter.vendor_id=="0xFFF1" and .certificates[0].matter.product_id=="0x8000"'
expect_exit "inspect CD" 0 -- "$ALTROOT" inspect --json good/cd.der
expect_json "inspect CD: fields" '.kind=="matter-certification-declaration" and .vendor_id=="0xFFF1" and .product_ids==["0x8000"] and .certificate_id=="ZIG20141ZB330001-24"'
expect_exit "inspect CD with a bad signature still decodes" 0 -- "$ALTROOT" inspect f-cd-signature/cd.der
expect_exit "inspect garbage" 1 -- "$ALTROOT" inspect junk.der
expect_exit "inspect missing file" 2 -- "$ALTROOT" inspect nope.der
# The fabric half of the mint: the NOC chain proves ownership by the minted matter-fabric anchor.
expect_exit "verify matter-noc (TLV, with ICAC)" 0 -- "$ALTROOT" verify matter-noc --json --at $AT \
    --rcac good/rcac.tlv --icac good/icac.tlv --noc good/noc.tlv --fabric-anchors good/anchors/matter-fabric
expect_json "NOC: trusted by ownership, instance name bound" \
    '.decision=="trusted" and .rule==3 and .name_binding.method=="operational-instance-name" and .roots[0].ownership.fabric_id=="FAB000000000001D"'
expect_exit "verify matter-noc (PEM) via --anchors" 0 -- "$ALTROOT" verify matter-noc --at $AT \
    --anchors good/anchors --rcac good/rcac.pem --icac good/icac.pem --noc good/noc.pem
expect_exit "NOC under another fabric's anchor" 1 -- "$ALTROOT" verify matter-noc --json --at $AT \
    --rcac good/rcac.tlv --icac good/icac.tlv --noc good/noc.tlv --fabric-anchors f-cd-vendor/anchors/matter-fabric
expect_json "other fabric: E_MATTER_FABRIC_NOT_TRUSTED" '[.failures[].name]|index("E_MATTER_FABRIC_NOT_TRUSTED")!=null'
expect_exit "NOC with the wrong ICAC" 1 -- "$ALTROOT" verify matter-noc --at $AT \
    --rcac good/rcac.tlv --icac f-cd-vendor/icac.tlv --noc good/noc.tlv --fabric-anchors good/anchors/matter-fabric
expect_exit "inspect NOC TLV" 0 -- "$ALTROOT" inspect --json good/noc.tlv
expect_json "inspect NOC: node id and fabric" '.kind=="matter-tlv-certificate" and .subject.type=="NOC (node)" and .subject.id=="DEDEDEDE00010001"'
finish
