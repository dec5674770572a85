#!/usr/bin/env bash
# Only regular files are read: a FIFO, a directory, /dev/zero or an oversized file named as an
# input ends the command at once with one line naming the file and its code (exit 2). Each run is
# bounded by `timeout`, so a reader that blocks again fails here instead of hanging the suite.
ALTROOT=$1
. "$(dirname "$0")/lib.sh"
cd "$WORK"

"$ALTROOT" mint matter --out m >/dev/null
"$ALTROOT" mint fdo --out f >/dev/null
mkfifo fifo
mkdir folder
head -c $((5 * 1024 * 1024)) /dev/zero >big
head -c $((2 * 1024 * 1024)) /dev/zero >big.pem

# refused NAME FILE CODE -- command...: exit 2 within 10 s, one stderr line naming FILE and CODE.
refused() {
    local name=$1 file=$2 code=$3
    shift 4
    expect_exit "$name" 2 -- timeout 10 "$@"
    if grep -Fq "$file" "$WORK/err" && grep -q "($code)" "$WORK/err"; then ok "$name: names $file ($code)"; else
        not_ok "$name: stderr lacks $file ($code)"; sed 's/^/  | /' "$WORK/err" | head -5
    fi
}

for input in fifo folder /dev/zero; do
    refused "inspect $input" "$input" E_NOT_REGULAR -- "$ALTROOT" inspect "$input"
done
refused "inspect an oversized file" big E_TOO_LARGE -- "$ALTROOT" inspect big
refused "verify fdo-voucher --voucher FIFO" fifo E_NOT_REGULAR -- \
    "$ALTROOT" verify fdo-voucher --anchors m/anchors --voucher fifo
refused "verify fdo-voucher: an oversized voucher" big E_TOO_LARGE -- \
    "$ALTROOT" verify fdo-voucher --anchors m/anchors --voucher big
refused "verify matter-dac --dac /dev/zero" /dev/zero E_NOT_REGULAR -- \
    "$ALTROOT" verify matter-dac --anchors m/anchors --dac /dev/zero --pai m/pai.pem
refused "verify matter-dac: an oversized certificate file" big.pem E_TOO_LARGE -- \
    "$ALTROOT" verify matter-dac --anchors m/anchors --dac big.pem --pai m/pai.pem
refused "fdo extend --voucher FIFO" fifo E_NOT_REGULAR -- \
    "$ALTROOT" fdo extend --voucher fifo --owner-key f/owner.key.pem --next-owner f/owner.pub.pem --out x
refused "fdo extend --owner-key folder" folder E_NOT_REGULAR -- \
    "$ALTROOT" fdo extend --voucher f/voucher.pem --owner-key folder --next-owner f/owner.pub.pem --out x

# serve: the certificate and the key.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout key.pem -out cert.pem \
    -days 1 -subj /CN=x 2>/dev/null
mkdir www
refused "serve --cert FIFO" fifo E_NOT_REGULAR -- \
    "$ALTROOT" serve --cert fifo --key key.pem --root www --listen 127.0.0.1:0
refused "serve --key FIFO" fifo E_NOT_REGULAR -- \
    "$ALTROOT" serve --cert cert.pem --key fifo --root www --listen 127.0.0.1:0
refused "serve --cert /dev/zero" /dev/zero E_NOT_REGULAR -- \
    "$ALTROOT" serve --cert /dev/zero --key key.pem --root www --listen 127.0.0.1:0
refused "serve --key an oversized file" big E_TOO_LARGE -- \
    "$ALTROOT" serve --cert cert.pem --key big --root www --listen 127.0.0.1:0

# device cert: the credentials.
refused "device cert --matter-dac-key FIFO" fifo E_NOT_REGULAR -- \
    "$ALTROOT" device cert --out d --names 127.0.0.1 --matter-dac-key fifo --matter-dac m/dac.pem \
    --matter-pai m/pai.pem --matter-cd m/cd.der

# verify --batch: a FIFO, a folder, an oversized file among the devices.
for odd in fifo folder big.pem; do
    rm -rf b && mkdir b && cp cert.pem b/a.pem
    if [ "$odd" = fifo ]; then mkfifo b/odd; elif [ "$odd" = folder ]; then mkdir b/odd; else cp big.pem b/odd; fi
    code=E_NOT_REGULAR
    [ "$odd" = big.pem ] && code=E_TOO_LARGE
    refused "verify --batch with a $odd among the files" odd "$code" -- \
        "$ALTROOT" verify --batch b --anchors m/anchors
done
finish
