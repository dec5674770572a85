#!/usr/bin/env bash
# Interop with a stock server: Debian's nginx serves, unchanged, the PEM files `altroot device cert`
# writes (certificate chain file + key), and `altroot connect` / `altroot get` judge it. One nginx
# (foreground, loopback, everything under the work folder), one server block per device.
ALTROOT=$1
. "$(dirname "$0")/lib.sh"
cd "$WORK"
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
if [ ! -x "$NGINX" ]; then not_ok "nginx is not installed (scripts/deps.sh installs it)"; finish; exit; fi

AT=$(date -u +%Y-%m-%dT%H:%M:%SZ)
"$ALTROOT" mint matter --out m --at "$AT" >/dev/null
"$ALTROOT" mint fdo --out f >/dev/null
"$ALTROOT" mint devid --out d >/dev/null
mkdir -p anchors/fdo-mfr anchors/fdo-owner anchors/devid-ca anchors/ldevid-ca
cp -r m/anchors/. anchors/
cp f/device-ca.pem anchors/fdo-mfr/f.pem
cp f/owner.pub.pem anchors/fdo-owner/f.pem
cp d/mfg-root-ca.pem anchors/devid-ca/d.pem
cp d/domain-ca.pem anchors/ldevid-ca/d.pem
A=(--anchors anchors --webpki none --timeout 5 --at "$AT")
MATTER=(--matter-dac-key m/dac-key.pem --matter-dac m/dac.pem --matter-pai m/pai.pem --matter-cd m/cd.der)
NOC=(--matter-noc-key m/noc-key.pem --matter-noc m/noc.tlv --matter-icac m/icac.tlv --matter-rcac m/rcac.tlv)
device() { "$ALTROOT" device cert "$@" >/dev/null || not_ok "device cert $*"; }
device --out matter --names 127.0.0.1 "${MATTER[@]}" "${NOC[@]}"
device --out fdo --names 127.0.0.1 --primary fdo --fdo-owner-key f/owner.key.pem
device --out idevid --names 127.0.0.1 --primary devid --idevid-key d/idevid.key.pem \
    --idevid d/idevid.pem --idevid-chain d/chain.pem
device --out noc --names 127.0.0.1 --primary matter "${NOC[@]}"

# Free loopback ports for the four server blocks.
read -r -a PORTS < <(python3 - <<'PY'
import socket
socks = [socket.socket() for _ in range(4)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))
PY
)
mkdir -p www logs tmp && echo "served by nginx" >www/index.html
{
    echo "error_log $WORK/logs/error.log warn; pid $WORK/logs/nginx.pid; worker_processes 1;"
    echo "events { worker_connections 64; }"
    echo "http { access_log off; client_body_temp_path $WORK/tmp; proxy_temp_path $WORK/tmp;"
    echo "  fastcgi_temp_path $WORK/tmp; uwsgi_temp_path $WORK/tmp; scgi_temp_path $WORK/tmp;"
    i=0
    for dev in matter fdo idevid noc; do
        echo "  server { listen 127.0.0.1:${PORTS[$i]} ssl; root $WORK/www;"
        echo "    ssl_certificate $WORK/$dev/cert.pem; ssl_certificate_key $WORK/$dev/key.pem; }"
        i=$((i + 1))
    done
    echo "}"
} >nginx.conf
chmod 755 "$WORK" # the worker reads the page as an unprivileged user when run as root
"$NGINX" -p "$WORK" -c "$WORK/nginx.conf" -g "daemon off;" 2>logs/stderr &
PIDS+=($!)
for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/${PORTS[3]}") 2>/dev/null && break
    sleep 0.05
done
if kill -0 "${PIDS[-1]}" 2>/dev/null; then ok "nginx $("$NGINX" -v 2>&1 | sed 's/.*\///') started"; else
    not_ok "nginx did not start"; cat logs/stderr logs/error.log 2>/dev/null | head; finish; exit; fi

url() { echo "https://127.0.0.1:${PORTS[$1]}/"; }
expect_exit "matter evidence behind nginx: attested" 1 -- "$ALTROOT" connect "${A[@]}" --json "$(url 0)"
expect_json "matter: rule 6, evidence verified, class 3 lifted to 4" \
    '.rule==6 and (.roots[]|select(.root=="matter")|.status=="verified" and .mode=="secondary") and .certificate_class.lifted_to==4'
expect_exit "FDO owner-issued chain behind nginx: trusted" 0 -- "$ALTROOT" connect "${A[@]}" --json "$(url 1)"
expect_json "fdo: rule 3, primary, name bound by fdo" \
    '.rule==3 and (.roots[]|select(.root=="fdo")|.mode=="primary") and .name_binding.by=="fdo"'
expect_exit "altroot get from the trusted FDO device" 0 -- "$ALTROOT" get "${A[@]}" "$(url 1)index.html"
grep -q "served by nginx" "$WORK/out" && ok "the page came through" || not_ok "page: $(head -c 200 "$WORK/out")"
expect_exit "IDevID chain behind nginx: attested" 1 -- "$ALTROOT" connect "${A[@]}" --json "$(url 2)"
expect_json "idevid: the full chain file was served and verified" \
    '.rule==6 and .tls.chain_length>=2 and (.roots[]|select(.root=="devid")|.status=="verified")'
expect_exit "altroot get refuses an attested-only device" 1 -- "$ALTROOT" get "${A[@]}" "$(url 2)index.html"
[ ! -s "$WORK/out" ] && ok "no body from an untrusted device" || not_ok "body leaked"
expect_exit "Matter NOC chain behind nginx: fabric verified" 1 -- "$ALTROOT" connect "${A[@]}" --json "$(url 3)"
expect_json "noc: primary matter root verified, the address is not the instance name" \
    '(.roots[]|select(.root=="matter")|.status=="verified" and .mode=="primary") and (.name_binding.bound|not)'
INSTANCE=$(jq -r '.roots[]|select(.root=="matter")|.ownership.instance_name // empty' "$WORK/out")
if [ -n "$INSTANCE" ]; then
    expect_exit "NOC chain by its instance name: trusted" 0 -- "$ALTROOT" connect "${A[@]}" --json \
        --connect-to 127.0.0.1 "https://$INSTANCE.local:${PORTS[3]}/"
    expect_json "noc: operational-instance-name binding" '.rule==3 and .name_binding.method=="operational-instance-name"'
else
    not_ok "no instance_name fact in the matter ownership facts"
fi
finish
