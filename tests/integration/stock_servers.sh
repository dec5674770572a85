#!/usr/bin/env bash
# Interop with stock servers: Debian's nginx and lighttpd serve, unchanged, the PEM files
# `altroot device cert` writes (certificate chain file + key), and `altroot connect` /
# `altroot get` judge them. Each server runs in the foreground on loopback with everything under
# the work folder, with one TLS listener per device; the same checks run against each.
ALTROOT=$1
. "$(dirname "$0")/lib.sh"
cd "$WORK"
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
LIGHTTPD=$(command -v lighttpd || echo /usr/sbin/lighttpd)
for server in "$NGINX" "$LIGHTTPD"; do
    [ -x "$server" ] || { not_ok "$server is not installed (scripts/deps.sh installs it)"; finish; exit; }
done

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

DEVICES=(matter fdo idevid noc)
# free_ports: four free loopback ports into PORTS.
free_ports() {
    read -r -a PORTS < <(python3 - <<'PY'
import socket
socks = [socket.socket() for _ in range(4)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))
PY
)
}
# wait_started NAME PID: the server listens on its last port, and is still running.
wait_started() {
    for _ in $(seq 1 100); do
        (exec 3<>"/dev/tcp/127.0.0.1/${PORTS[3]}") 2>/dev/null && break
        sleep 0.05
    done
    if kill -0 "$2" 2>/dev/null; then ok "$1 started"; else
        not_ok "$1 did not start"; cat logs/* 2>/dev/null | head; finish; exit; fi
}
mkdir -p www logs tmp
chmod 755 "$WORK" # the workers read the page as an unprivileged user when run as root

start_nginx() {
    free_ports
    {
        echo "error_log $WORK/logs/nginx-error.log warn; pid $WORK/logs/nginx.pid; worker_processes 1;"
        echo "events { worker_connections 64; }"
        echo "http { access_log off; client_body_temp_path $WORK/tmp; proxy_temp_path $WORK/tmp;"
        echo "  fastcgi_temp_path $WORK/tmp; uwsgi_temp_path $WORK/tmp; scgi_temp_path $WORK/tmp;"
        for i in 0 1 2 3; do
            echo "  server { listen 127.0.0.1:${PORTS[$i]} ssl; root $WORK/www;"
            echo "    ssl_certificate $WORK/${DEVICES[$i]}/cert.pem; ssl_certificate_key $WORK/${DEVICES[$i]}/key.pem; }"
        done
        echo "}"
    } >nginx.conf
    "$NGINX" -p "$WORK" -c "$WORK/nginx.conf" -g "daemon off;" 2>logs/nginx-stderr &
    PIDS+=($!)
    wait_started "nginx $("$NGINX" -v 2>&1 | sed 's/.*\///')" "${PIDS[-1]}"
}

# lighttpd reads the whole chain from ssl.pemfile, the key from ssl.privkey.
start_lighttpd() {
    free_ports
    {
        echo "server.document-root = \"$WORK/www\""
        echo "server.bind = \"127.0.0.1\""
        echo "server.port = ${PORTS[0]}"
        echo "server.errorlog = \"$WORK/logs/lighttpd-error.log\""
        echo "server.modules = (\"mod_openssl\")"
        echo "ssl.engine = \"enable\""
        echo "ssl.pemfile = \"$WORK/${DEVICES[0]}/cert.pem\""
        echo "ssl.privkey = \"$WORK/${DEVICES[0]}/key.pem\""
        for i in 1 2 3; do
            echo "\$SERVER[\"socket\"] == \"127.0.0.1:${PORTS[$i]}\" {"
            echo "  ssl.engine = \"enable\""
            echo "  ssl.pemfile = \"$WORK/${DEVICES[$i]}/cert.pem\""
            echo "  ssl.privkey = \"$WORK/${DEVICES[$i]}/key.pem\""
            echo "}"
        done
    } >lighttpd.conf
    "$LIGHTTPD" -D -f "$WORK/lighttpd.conf" 2>logs/lighttpd-stderr &
    PIDS+=($!)
    wait_started "lighttpd $("$LIGHTTPD" -v 2>&1 | sed -n 's/^lighttpd\/\([^ ]*\).*/\1/p')" "${PIDS[-1]}"
}

url() { echo "https://127.0.0.1:${PORTS[$1]}/"; }
# checks NAME: the same judgements of the four devices behind server NAME.
checks() {
    local s=$1
    echo "served by $s" >www/index.html
    expect_exit "$s: matter evidence: attested" 1 -- "$ALTROOT" connect "${A[@]}" --json "$(url 0)"
    expect_json "$s: matter: rule 6, evidence verified, class 3 lifted to 4" \
        '.rule==6 and (.roots[]|select(.root=="matter")|.status=="verified" and .mode=="secondary") and .certificate_class.lifted_to==4'
    expect_exit "$s: FDO owner-issued chain: trusted" 0 -- "$ALTROOT" connect "${A[@]}" --json "$(url 1)"
    expect_json "$s: fdo: rule 3, primary, name bound by fdo" \
        '.rule==3 and (.roots[]|select(.root=="fdo")|.mode=="primary") and .name_binding.by=="fdo"'
    expect_exit "$s: altroot get from the trusted FDO device" 0 -- "$ALTROOT" get "${A[@]}" "$(url 1)index.html"
    grep -q "served by $s" "$WORK/out" && ok "$s: the page came through" || not_ok "$s: page: $(head -c 200 "$WORK/out")"
    expect_exit "$s: IDevID chain: attested" 1 -- "$ALTROOT" connect "${A[@]}" --json "$(url 2)"
    expect_json "$s: idevid: the full chain file was served and verified" \
        '.rule==6 and .tls.chain_length>=2 and (.roots[]|select(.root=="devid")|.status=="verified")'
    expect_exit "$s: altroot get refuses an attested-only device" 1 -- "$ALTROOT" get "${A[@]}" "$(url 2)index.html"
    [ ! -s "$WORK/out" ] && ok "$s: no body from an untrusted device" || not_ok "$s: body leaked"
    expect_exit "$s: Matter NOC chain: fabric verified" 1 -- "$ALTROOT" connect "${A[@]}" --json "$(url 3)"
    expect_json "$s: noc: primary matter root verified, the address is not the instance name" \
        '(.roots[]|select(.root=="matter")|.status=="verified" and .mode=="primary") and (.name_binding.bound|not)'
    local instance
    instance=$(jq -r '.roots[]|select(.root=="matter")|.ownership.instance_name // empty' "$WORK/out")
    if [ -n "$instance" ]; then
        expect_exit "$s: NOC chain by its instance name: trusted" 0 -- "$ALTROOT" connect "${A[@]}" --json \
            --connect-to 127.0.0.1 "https://$instance.local:${PORTS[3]}/"
        expect_json "$s: noc: operational-instance-name binding" '.rule==3 and .name_binding.method=="operational-instance-name"'
    else
        not_ok "$s: no instance_name fact in the matter ownership facts"
    fi
}

start_nginx
checks nginx
start_lighttpd
checks lighttpd
finish
