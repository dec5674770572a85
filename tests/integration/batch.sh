#!/usr/bin/env bash
# altroot mint fleet and altroot verify --batch: a directory of device certificates judged on
# every core, the tally, and the exit codes (0 all attested or trusted, 1 some untrusted, 2 an
# unreadable file or a usage error).
ALTROOT=$1
. "$(dirname "$0")/lib.sh"
cd "$WORK"

AT=$(date -u +%Y-%m-%dT%H:%M:%SZ)
expect_exit "mint fleet of 12" 0 -- "$ALTROOT" mint fleet --out f --count 12 --at "$AT"
[ "$(ls f/devices | wc -l)" = 12 ] && ok "12 device files" || not_ok "device files: $(ls f/devices | wc -l)"
B=(verify --anchors f/anchors --webpki none --at "$AT" --json)
expect_exit "batch, 2 jobs: all attested" 0 -- "$ALTROOT" "${B[@]}" --batch f/devices --jobs 2
expect_json "tally: 12 attested" '.files==12 and .attested==12 and .untrusted==0 and .jobs==2 and .per_second>0 and .peak_rss_kib>0'
expect_exit "batch, 1 job" 0 -- "$ALTROOT" "${B[@]}" --batch f/devices --jobs 1
expect_json "same tally with one job" '.attested==12 and .jobs==1'

# Every device is its own unit: 12 different DACs and TLS keys.
n=$(for d in f/devices/*.pem; do openssl x509 -in "$d" -noout -pubkey | sha256sum; done | sort -u | wc -l)
[ "$n" = 12 ] && ok "12 distinct TLS keys" || not_ok "distinct TLS keys: $n"

# A device certificate with one byte of its evidence changed: untrusted, exit 1.
cp -r f/devices g
python3 - g/device-00003.pem <<'PY'
import base64, sys
path = sys.argv[1]
text = open(path).read().split("-----END CERTIFICATE-----")[0]
body = "".join(text.split("\n")[1:])
der = bytearray(base64.b64decode(body))
der[len(der) // 2] ^= 0x01
b64 = base64.b64encode(bytes(der)).decode()
lines = [b64[i:i + 64] for i in range(0, len(b64), 64)]
open(path, "w").write("-----BEGIN CERTIFICATE-----\n" + "\n".join(lines) + "\n-----END CERTIFICATE-----\n")
PY
expect_exit "one tampered device: exit 1" 1 -- "$ALTROOT" "${B[@]}" --batch g
expect_json "tally: 11 attested, 1 untrusted" '.attested==11 and .untrusted==1'
expect_stderr "names the file" "first problem: device-00003.pem"
echo "not a certificate" >g/device-00003.pem
expect_exit "an unreadable file: exit 2" 2 -- "$ALTROOT" "${B[@]}" --batch g
expect_json "tally counts it" '.unreadable==1'

# Without the vendor's anchors nothing is attested.
mkdir -p empty
expect_exit "no anchors: exit 1" 1 -- "$ALTROOT" verify --anchors empty --webpki none --at "$AT" --json --batch f/devices
expect_json "all untrusted" '.untrusted==12'
expect_exit "usage: no --anchors" 2 -- "$ALTROOT" verify --batch f/devices
expect_exit "usage: --jobs 0" 2 -- "$ALTROOT" "${B[@]}" --batch f/devices --jobs 0
expect_exit "usage: empty directory" 2 -- "$ALTROOT" "${B[@]}" --batch empty
expect_exit "usage: mint fleet --count 0" 2 -- "$ALTROOT" mint fleet --out h --count 0
finish
