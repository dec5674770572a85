#!/usr/bin/env bash
# `altroot mint fdo`, `altroot fdo extend` and `altroot verify fdo-voucher`: a minted voucher
# verifies for its owner, hands over to a next owner, and every injected fault is rejected.
ALTROOT=$1
. "$(dirname "$0")/lib.sh"
cd "$WORK"

expect_exit "mint fdo (3 entries)" 0 -- "$ALTROOT" mint fdo --out a --entries 3
expect_exit "voucher verifies for its owner, manufacturer and HMAC" 0 -- "$ALTROOT" verify fdo-voucher --json \
    --voucher a/voucher.pem --owner-keys a/owner.pub.pem --mfr a/mfr.pub.pem --hmac-secret a/hmac-secret.hex
expect_json "ownership and attestation proved" \
    '.roots[0].status=="verified" and .roots[0].ownership!=null and .roots[0].attestation!=null and .decision=="attested"'
expect_exit "mint a second owner" 0 -- "$ALTROOT" mint fdo --out b --entries 1
expect_exit "voucher under another owner key" 1 -- "$ALTROOT" verify fdo-voucher --json --voucher a/voucher.pem --owner-keys b/owner.pub.pem
expect_json "wrong owner: E_FDO_OWNER_MISMATCH" '[.failures[].name]|index("E_FDO_OWNER_MISMATCH")!=null'
expect_exit "wrong HMAC secret" 1 -- "$ALTROOT" verify fdo-voucher --voucher a/voucher.pem --owner-keys a/owner.pub.pem --hmac-secret b/hmac-secret.hex
expect_exit "extend to the second owner" 0 -- "$ALTROOT" fdo extend --voucher a/voucher.pem --owner-key a/owner.key.pem --next-owner b/owner.pub.pem --out a/extended.pem
expect_exit "extended voucher: the second owner now" 0 -- "$ALTROOT" verify fdo-voucher --voucher a/extended.pem --owner-keys b/owner.pub.pem
expect_exit "extended voucher: no longer the first owner" 1 -- "$ALTROOT" verify fdo-voucher --voucher a/extended.pem --owner-keys a/owner.pub.pem
expect_exit "extend by a key that is not the owner" 1 -- "$ALTROOT" fdo extend --voucher a/voucher.pem --owner-key b/owner.key.pem --next-owner b/owner.pub.pem --out a/bad.pem
for fault in signature prev-hash hdr-hash untagged alg; do
    rm -rf f && "$ALTROOT" mint fdo --out f --entries 2 --fault "$fault" >/dev/null || not_ok "mint fdo --fault $fault"
    expect_exit "fault $fault rejected" 1 -- "$ALTROOT" verify fdo-voucher --json --voucher f/voucher.pem --owner-keys f/owner.pub.pem
    expect_json "fault $fault: tampering (rule 1)" '.decision=="untrusted" and .rule==1 and (.failures|length)>0'
done
head -c 200 a/voucher.pem > truncated.pem
expect_exit "truncated voucher" 1 -- "$ALTROOT" verify fdo-voucher --voucher truncated.pem --owner-keys a/owner.pub.pem
expect_exit "missing voucher file: exit 2" 2 -- "$ALTROOT" verify fdo-voucher --voucher nope.pem
expect_exit "fdo without subcommand: exit 2" 2 -- "$ALTROOT" fdo
expect_exit "inspect voucher" 0 -- "$ALTROOT" inspect --json a/voucher.pem
expect_json "inspect voucher: GUID, device chain and three entries" '.kind=="fdo-ownership-voucher" and (.guid|length)==32 and (.entries|length)==3 and (.device_chain|length)>0'
expect_exit "verify fdo (the issue's spelling)" 0 -- "$ALTROOT" verify fdo --voucher a/voucher.pem --owner-key a/owner.pub.pem
finish
