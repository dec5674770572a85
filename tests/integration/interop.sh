#!/usr/bin/env bash
# The interop matrix: device certificates that `altroot mint` and `altroot device cert` write (the
# evidence of each root, the primary chains) and a plain control from stock openssl, read by every
# mainstream TLS stack and served unchanged by nginx, lighttpd and Caddy, all on loopback.
# Each cell says what that stack really checked (docs/interop.md, written by this test):
# parsed (the stack's own certificate parser read every certificate of the chain file) and
# handshake (a TLS handshake with nginx serving it, the chain verified to the issuing root).
#   interop.sh ALTROOT [DOC [MBEDTLS_CLIENT]]
# DOC: the Markdown file the matrix is written to; MBEDTLS_CLIENT: tests/interop/mbedtls_client.c
# as CMake built it (else it is compiled here).
# A stack that is not installed is a failed cell (scripts/deps.sh installs them all).
ALTROOT=$1
DOC=${2:-}
MBEDTLS_CLIENT=${3:-}
BROWSER=$(dirname "$ALTROOT")/altroot-browser
PROBE=$(dirname "$ALTROOT")/tests/interop/webkit_probe # WebKitGTK's own TLS (tests/interop)
SRC=$(cd "$(dirname "$0")/../interop" && pwd)
OUT=$(pwd)/interop-matrix # screenshots, logs and results, kept for a look after the run
# GTK and WebKit keep process-lifetime allocations that LeakSanitizer reports (browser.sh): off
# for the browser process only.
BROWSER_ASAN="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3 # Debian's, with python3-cryptography
TOOLS=(openssl curl certtool gnutls-cli wget certutil tstclnt go "$PY" java javac keytool node cc
    chromium firefox-esr nginx lighttpd caddy xvfb-run convert jq timeout)
for tool in "${TOOLS[@]}"; do
    command -v "$tool" >/dev/null || { not_ok "required tool $tool is missing (scripts/deps.sh)"; finish; exit 1; }
done
[ -x "$BROWSER" ] || { not_ok "altroot-browser not built at $BROWSER"; finish; exit 1; }
[ -x "$PROBE" ] || { not_ok "webkit_probe not built at $PROBE"; finish; exit 1; }
rm -rf "$OUT" && mkdir -p "$OUT" || exit 1
cd "$WORK" || exit 1
chmod 755 "$WORK" # nginx and lighttpd workers read the page as an unprivileged user
mkdir -p logs www tmp bin

# ---- the certificates ----
# KINDS in the order of the table; for each: the root a client trusts, the name it checks ("-":
# the chain names no host; the path alone is verified), and altroot's decision with the minted
# anchors (no local-ca: the evidence, not the local CA, decides).
KINDS=(plain matter-dac matter-noc fdo idevid idevid-mud noc-chain idevid-chain ldevid-chain)
declare -A ROOT NAME DECISION
# The local CA (its `openssl ca` set-up from lib.sh) without name constraints: mbedTLS 2.28 cannot
# parse a certificate with a critical nameConstraints extension, and this matrix is about the
# device certificates, not the CA.
local_ca
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem \
    -days 3650 -subj "/CN=Home CA" -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
START=$(date -u -d '-1 hour' +%Y%m%d%H%M%SZ)
END=$(date -u -d '+1 year' +%Y%m%d%H%M%SZ)
AT=$(date -u +%Y-%m-%dT%H:%M:%SZ)
"$ALTROOT" mint matter --out m --at "$AT" >/dev/null &&
    "$ALTROOT" mint devid --out d >/dev/null && "$ALTROOT" mint mud --out mm >/dev/null &&
    "$ALTROOT" mint fdo --out f >/dev/null || { not_ok "altroot mint"; finish; exit 1; }
minted_anchors
MATTER=(--matter-dac-key m/dac-key.pem --matter-dac m/dac.pem --matter-pai m/pai.pem --matter-cd m/cd.der)
NOC=(--matter-noc-key m/noc-key.pem --matter-noc m/noc.tlv --matter-icac m/icac.tlv --matter-rcac m/rcac.tlv)
IDEVID=(--idevid-key d/idevid.key.pem --idevid d/idevid.pem --idevid-chain d/chain.pem)
# device KIND ARGS...: KIND/cert.pem and KIND/key.pem. Secondary certificates come from the local
# CA, like the plain control, so that the evidence extension is the only difference.
device() {
    local kind=$1
    shift
    "$ALTROOT" device cert --out "$kind" --names 127.0.0.1 "$@" >"logs/device-$kind" 2>&1 ||
        { not_ok "device cert $kind: $(tail -1 "logs/device-$kind")"; finish; exit 1; }
}
secondary() { device "$@" --ca-cert ca.pem --ca-key ca.key; }
# The control names 127.0.0.1 in its CN too, as device leaves do.
mkdir -p plain && issue "127.0.0.1" "IP:127.0.0.1" "$START" "$END" &&
    mv 127.0.0.1.pem plain/cert.pem && mv 127.0.0.1.key plain/key.pem || { not_ok "plain control certificate"; finish; exit 1; }
secondary matter-dac "${MATTER[@]}"
secondary matter-noc "${MATTER[@]}" "${NOC[@]}"
secondary fdo --fdo-device-key f/device.key.pem --fdo-voucher f/voucher.pem
secondary idevid "${IDEVID[@]}"
secondary idevid-mud --idevid-key mm/idevid.key.pem --idevid mm/idevid.pem \
    --idevid-chain mm/chain.pem --mud mm/mud.json --mud-sig mm/mud.p7s
device noc-chain --primary matter "${NOC[@]}"
device idevid-chain --primary devid "${IDEVID[@]}"
device ldevid-chain --primary devid "${IDEVID[@]}" --ldevid d/ldevid.pem --ldevid-key d/idevid.key.pem
for k in plain matter-dac matter-noc fdo idevid idevid-mud; do ROOT[$k]=ca.pem NAME[$k]=127.0.0.1; done
ROOT[noc-chain]=m/rcac.pem ROOT[idevid-chain]=d/mfg-root-ca.pem ROOT[ldevid-chain]=d/domain-ca.pem
NAME[noc-chain]=- NAME[idevid-chain]=- NAME[ldevid-chain]=-
DECISION=([plain]=untrusted [matter-dac]=attested [matter-noc]=attested [fdo]=attested
    [idevid]=attested [idevid-mud]=attested [noc-chain]=untrusted [idevid-chain]=attested
    [ldevid-chain]=untrusted)
# Each certificate of each chain file on its own (c0.pem is the leaf), its leaf's SPKI hash.
declare -A SPKI COUNT
for k in "${KINDS[@]}"; do
    awk -v d="$k" '/-----BEGIN CERTIFICATE-----/{f=d "/c" n++ ".pem"} f{print > f}' "$k/cert.pem"
    COUNT[$k]=$(grep -c -- '-----BEGIN CERTIFICATE-----' "$k/cert.pem")
    SPKI[$k]=$(openssl x509 -in "$k/c0.pem" -noout -pubkey | openssl pkey -pubin -outform DER |
        openssl dgst -sha256 -binary | base64)
done

# The device's page: a sentence, and a colour that fills the window only when it is rendered.
SENTENCE="The greenhouse sensor reads 21 degrees."
COLOUR=1E6FD9
printf '<!DOCTYPE html><html><head><title>Greenhouse</title></head><body style="margin:0;background:#%s;height:100vh"><p>%s</p></body></html>\n' \
    "$COLOUR" "$SENTENCE" >www/index.html

# ---- results ----
# Cells that fail for a reason outside altroot's certificates, each with the message that must
# explain it; such a cell fails the test if it passes (the table would be stale) or fails for
# another reason.
declare -A KNOWN=(
    ["Caddy noc-chain parsed"]="certificate has no names"
    ["Caddy noc-chain handshake"]="certificate has no names"
)
declare -A KNOWN_WHY=(
    ["Caddy noc-chain"]='Caddy files a certificate under its names and refuses one that has none ("certificate has no names"). A Matter NOC has no SAN and no CN (its subject holds only the node and fabric IDs), so Caddy cannot serve the primary NOC chain; nginx and lighttpd can.'
)
# cell STACK KIND PARSED HANDSHAKE: one cell of the matrix (yes, no, or - for not checked by this
# stack); every yes/no is also a test result. The reason for a "no" is the check's log.
: >results.tsv
cell() {
    printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>results.tsv
    local what value known log
    for what in parsed handshake; do
        [ "$what" = parsed ] && value=$3 || value=$4
        known=${KNOWN["$1 $2 $what"]:-} log="logs/$1-$2-$what"
        if [ -n "$known" ]; then
            if [ "$value" = no ] && grep -rqF "$known" "$log" "logs/${1,,}-$2" 2>/dev/null; then
                ok "$1 $2: $what fails as documented ($known)"
            else not_ok "$1 $2: $what is $value, documented as failing with '$known'"; fi
        elif [ "$value" = yes ]; then ok "$1 $2: $what"
        elif [ "$value" = no ]; then not_ok "$1 $2: $what: $(tr '\n' ' ' <"$log" 2>/dev/null | cut -c1-300)"; fi
    done
}
# check STACK KIND WHAT command...: runs the check into its log; yes or no. Every outside program
# in a check runs under `timeout` (T), so a peer that hangs fails its cell.
T=(timeout 60)
check() {
    local log="logs/$1-$2-$3"
    shift 3
    local t0=$SECONDS
    if "$@" >"$log" 2>&1 </dev/null; then echo yes; else echo no; fi
    echo "$((SECONDS - t0)) s $log" >>logs/timing
}
# each_cert KIND command...: the command on every certificate of the chain file (as FILE).
each_cert() {
    local kind=$1 i
    shift
    for ((i = 0; i < COUNT[$kind]; i++)); do "${T[@]}" "${@//FILE/$kind/c$i.pem}" || return 1; done
}
# has_sentence FILE: the device's page came through.
has_sentence() { grep -qF "$SENTENCE" "$1"; }

# ---- servers: each serves every certificate unchanged, one port per certificate ----
read -r -a FREE < <("$PY" -c '
import socket
s = [socket.socket() for _ in range(40)]
[x.bind(("127.0.0.1", 0)) for x in s]
print(" ".join(str(x.getsockname()[1]) for x in s))')
declare -A NGINX_PORT LIGHTTPD_PORT CADDY_PORT
i=0
for k in "${KINDS[@]}"; do
    NGINX_PORT[$k]=${FREE[i]} LIGHTTPD_PORT[$k]=${FREE[i + 10]} CADDY_PORT[$k]=${FREE[i + 20]}
    i=$((i + 1))
done
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_listening() { for _ in $(seq 1 100); do listening "$1" && return 0; sleep 0.05; done; return 1; }

{
    echo "error_log $WORK/logs/nginx-error.log warn; pid $WORK/logs/nginx.pid; worker_processes 1;"
    echo "events { worker_connections 256; }"
    echo "http { access_log off; client_body_temp_path $WORK/tmp; proxy_temp_path $WORK/tmp;"
    echo "  fastcgi_temp_path $WORK/tmp; uwsgi_temp_path $WORK/tmp; scgi_temp_path $WORK/tmp;"
    for k in "${KINDS[@]}"; do
        echo "  server { listen 127.0.0.1:${NGINX_PORT[$k]} ssl; root $WORK/www;"
        echo "    ssl_certificate $WORK/$k/cert.pem; ssl_certificate_key $WORK/$k/key.pem; }"
    done
    echo "}"
} >nginx.conf
nginx -p "$WORK" -c "$WORK/nginx.conf" -g "daemon off;" >logs/nginx-stderr 2>&1 &
PIDS+=($!)

# lighttpd reads the whole chain from ssl.pemfile, the key from ssl.privkey.
{
    echo "server.document-root = \"$WORK/www\""
    echo "server.bind = \"127.0.0.1\""
    echo "server.port = ${LIGHTTPD_PORT[plain]}"
    echo "server.errorlog = \"$WORK/logs/lighttpd-error.log\""
    echo "server.modules = (\"mod_openssl\")"
    echo "ssl.engine = \"enable\""
    echo "ssl.pemfile = \"$WORK/plain/cert.pem\""
    echo "ssl.privkey = \"$WORK/plain/key.pem\""
    for k in "${KINDS[@]:1}"; do
        echo "\$SERVER[\"socket\"] == \"127.0.0.1:${LIGHTTPD_PORT[$k]}\" {"
        echo "  ssl.engine = \"enable\""
        echo "  ssl.pemfile = \"$WORK/$k/cert.pem\""
        echo "  ssl.privkey = \"$WORK/$k/key.pem\""
        echo "}"
    done
} >lighttpd.conf
lighttpd -D -f "$WORK/lighttpd.conf" >logs/lighttpd-stderr 2>&1 &
PIDS+=($!)

# Caddy: one process per certificate, since Caddy refuses its whole configuration when one
# certificate does not load, and each cell must say which one. No ACME, no admin endpoint.
export XDG_DATA_HOME=$WORK/caddy-data XDG_CONFIG_HOME=$WORK/caddy-config
for k in "${KINDS[@]}"; do
    cat >"Caddyfile-$k" <<CADDY
{
	admin off
	auto_https off
	storage file_system $WORK/caddy-data
	servers {
		protocols h1 h2
	}
}
https://:${CADDY_PORT[$k]} {
	bind 127.0.0.1
	tls $WORK/$k/cert.pem $WORK/$k/key.pem
	root * $WORK/www
	file_server
}
CADDY
    caddy run --adapter caddyfile --config "Caddyfile-$k" >"logs/caddy-$k" 2>&1 &
    PIDS+=($!)
done
for k in "${KINDS[@]}"; do wait_listening "${NGINX_PORT[$k]}"; wait_listening "${LIGHTTPD_PORT[$k]}"; done

# ---- the parsers and clients, compiled once ----
export GOCACHE=$WORK/go-cache GOPATH=$WORK/go GO111MODULE=off HOME=$WORK
go build -o bin/go-client "$SRC/client.go" >logs/build-go 2>&1 || not_ok "go build: $(head -3 logs/build-go)"
javac -d bin "$SRC/Client.java" >logs/build-java 2>&1 || not_ok "javac: $(head -3 logs/build-java)"
if [ -n "$MBEDTLS_CLIENT" ]; then
    cp "$MBEDTLS_CLIENT" bin/mbedtls-client >logs/build-mbedtls 2>&1 || not_ok "mbedTLS client: $MBEDTLS_CLIENT"
else
    cc -std=c11 -O1 -o bin/mbedtls-client "$SRC/mbedtls_client.c" -lmbedtls -lmbedx509 -lmbedcrypto \
        >logs/build-mbedtls 2>&1 || not_ok "mbedTLS client: $(head -3 logs/build-mbedtls)"
fi

# ---- one function per stack and check: KIND; the port P, root R and name N of that kind ----
openssl_handshake() {
    local ip=() && [ "$N" != - ] && ip=(-verify_ip "$N")
    "${T[@]}" openssl s_client -connect "127.0.0.1:$P" -CAfile "$R" -verify_return_error "${ip[@]}"
}
# fetch TOOL FILE: FILE holds the device's page that TOOL fetched.
fetched() { has_sentence "$1" || { echo "the page did not come through"; return 1; }; }
curl_get() {
    local trust=(--cacert "$R")
    # No name to check: curl cannot verify a path without one, so it pins the leaf's key.
    [ "$N" != - ] || trust=(-k --pinnedpubkey "sha256//${SPKI[$1]}")
    "${T[@]}" curl -sS --max-time 20 "${trust[@]}" -o "$1/curl.html" "https://127.0.0.1:$P/index.html" &&
        fetched "$1/curl.html"
}
gnutls_handshake() {
    if [ "$N" != - ]; then "${T[@]}" gnutls-cli --x509cafile "$R" -p "$P" 127.0.0.1; else
        # gnutls-cli verifies a name always: the path is verified by certtool on the same chain.
        "${T[@]}" certtool --verify --load-ca-certificate "$R" --infile "$1/cert.pem" &&
            "${T[@]}" gnutls-cli --insecure -p "$P" 127.0.0.1
    fi
}
wget_get() {
    local trust=(--ca-certificate="$R")
    [ "$N" != - ] || trust=(--no-check-certificate)
    "${T[@]}" wget -nv -T 20 -t 1 "${trust[@]}" -O "$1/wget.html" "https://127.0.0.1:$P/index.html" &&
        fetched "$1/wget.html"
}

# NSS: a fresh database per kind (nss/KIND, also the HOME of Chromium's run) trusting the root.
nss_db() {
    mkdir -p "nss/$1/.pki/nssdb" && DB=sql:nss/$1/.pki/nssdb
    certutil -N -d "$DB" --empty-password && certutil -A -d "$DB" -n root -t "C,," -i "$R"
}
# certutil imports every certificate of the chain and lists the leaf; -V verifies it for an SSL
# server (the path to the trusted root; the name is tstclnt's part).
nss_parse() {
    local i
    for ((i = 0; i < COUNT[$1]; i++)); do
        # A chain file that ends with the root: importing it again would clear its trust.
        cmp -s <(openssl x509 -in "$1/c$i.pem") <(openssl x509 -in "$R") && continue
        "${T[@]}" certutil -A -d "$DB" -n "$1-$i" -t ",," -i "$1/c$i.pem" || return 1
    done
    "${T[@]}" certutil -L -d "$DB" -n "$1-0" && "${T[@]}" certutil -V -d "$DB" -n "$1-0" -u V
}
nss_handshake() {
    # -o (accept a bad certificate) only where the chain names no host: certutil -V checked its path.
    local override=() && [ "$N" != - ] || override=(-o)
    # tstclnt spins once its standard input ends, and does not exit when the server closes: its
    # input stays open (a FIFO) and it is stopped once the page came through.
    local fd pid
    rm -f "$1/nss.in" && mkfifo "$1/nss.in"
    tstclnt -h 127.0.0.1 -p "$P" -d "$DB" "${override[@]}" <"$1/nss.in" >"$1/nss.html" 2>&1 &
    pid=$!
    exec {fd}>"$1/nss.in"
    printf 'GET /index.html HTTP/1.0\r\n\r\n' >&"$fd"
    for _ in $(seq 1 200); do
        has_sentence "$1/nss.html" || ! kill -0 "$pid" 2>/dev/null && break
        sleep 0.05
    done
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    exec {fd}>&-
    cat "$1/nss.html"
    fetched "$1/nss.html"
}
java_parse() { "${T[@]}" keytool -printcert -file "$1/cert.pem"; }
# A short-lived JVM: the client compiler only, which halves its start-up.
java_handshake() { "${T[@]}" java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp bin Client 127.0.0.1 "$P" "$R" "$N"; }

# The client checks run against nginx.
# The client checks run against nginx.
for k in "${KINDS[@]}"; do
    P=${NGINX_PORT[$k]} R=${ROOT[$k]} N=${NAME[$k]}
    cell OpenSSL "$k" "$(check OpenSSL "$k" parsed each_cert "$k" openssl x509 -in FILE -noout -text)" \
        "$(check OpenSSL "$k" handshake openssl_handshake "$k")"
    cell curl "$k" - "$(check curl "$k" handshake curl_get "$k")"
    cell GnuTLS "$k" "$(check GnuTLS "$k" parsed each_cert "$k" certtool -i --infile FILE)" \
        "$(check GnuTLS "$k" handshake gnutls_handshake "$k")"
    cell wget "$k" - "$(check wget "$k" handshake wget_get "$k")"
    nss_db "$k" >"logs/nss-db-$k" 2>&1 || not_ok "NSS database for $k: $(tail -1 "logs/nss-db-$k")"
    cell NSS "$k" "$(check NSS "$k" parsed nss_parse "$k")" "$(check NSS "$k" handshake nss_handshake "$k")"
    cell Go "$k" "$(check Go "$k" parsed "${T[@]}" bin/go-client parse "$k/cert.pem")" \
        "$(check Go "$k" handshake "${T[@]}" bin/go-client connect "127.0.0.1:$P" "$R" "$N")"
    cell Python "$k" "$(check Python "$k" parsed "${T[@]}" "$PY" "$SRC/client.py" parse "$k/cert.pem")" \
        "$(check Python "$k" handshake "${T[@]}" "$PY" "$SRC/client.py" connect 127.0.0.1 "$P" "$R" "$N")"
    cell Java "$k" "$(check Java "$k" parsed java_parse "$k")" "$(check Java "$k" handshake java_handshake "$k")"
    cell Node.js "$k" "$(check Node.js "$k" parsed "${T[@]}" node "$SRC/client.js" parse "$k/cert.pem")" \
        "$(check Node.js "$k" handshake "${T[@]}" node "$SRC/client.js" connect 127.0.0.1 "$P" "$R" "$N")"
    cell mbedTLS "$k" "$(check mbedTLS "$k" parsed "${T[@]}" bin/mbedtls-client parse "$k/cert.pem")" \
        "$(check mbedTLS "$k" handshake "${T[@]}" bin/mbedtls-client connect 127.0.0.1 "$P" "$R" -)"
done

# Controls that must fail, so that no client cell passes without checking: the plain leaf
# against a root that did not issue it.
P=${NGINX_PORT[plain]} R=d/mfg-root-ca.pem N=127.0.0.1
mkdir -p wrong-root && cp plain/c0.pem wrong-root/
nss_db wrong-root >logs/nss-db-wrong-root 2>&1
refuses() {
    local stack=$1
    shift
    if [ "$(check "$stack" wrong-root handshake "$@")" = no ]; then ok "$stack refuses a chain to another root"; else
        not_ok "$stack accepted the plain leaf with another root"; fi
}
refuses OpenSSL openssl_handshake wrong-root
refuses curl curl_get wrong-root
refuses GnuTLS gnutls_handshake wrong-root
refuses wget wget_get wrong-root
refuses NSS nss_handshake wrong-root
refuses Go "${T[@]}" bin/go-client connect "127.0.0.1:$P" "$R" "$N"
refuses Go-path-only "${T[@]}" bin/go-client connect "127.0.0.1:$P" "$R" -
refuses Python "${T[@]}" "$PY" "$SRC/client.py" connect 127.0.0.1 "$P" "$R" "$N"
refuses Python-path-only "${T[@]}" "$PY" "$SRC/client.py" connect 127.0.0.1 "$P" "$R" -
refuses Java java_handshake wrong-root
N=- refuses Java-path-only java_handshake wrong-root
refuses Node.js "${T[@]}" node "$SRC/client.js" connect 127.0.0.1 "$P" "$R" "$N"
refuses Node.js-path-only "${T[@]}" node "$SRC/client.js" connect 127.0.0.1 "$P" "$R" -
refuses mbedTLS "${T[@]}" bin/mbedtls-client connect 127.0.0.1 "$P" "$R" -

# ---- browsers: the device's page from nginx in a fresh profile, and a screenshot of it ----
# painted PNG: the screenshot's centre is the page's colour (an error page is not).
painted() {
    local c
    c=$(convert "$1" -format '%[hex:p{400,300}]' info: 2>/dev/null)
    [ "${c:0:6}" = "$COLOUR" ] || { echo "screenshot centre is #${c:-none}, not the page's #$COLOUR"; return 1; }
}
# Chromium reads the NSS database of its HOME (nss/KIND, trusting the root). Where the chain names
# no host, the load must first fail on the name alone (so the path verified), then the leaf's key
# is allowed by its SPKI hash, as a launcher applying altroot's decision does (chromium.sh).
chrome() {
    local home=$1 name=$2
    shift 2
    # Loopback never goes through a proxy; anything else would go to a closed port.
    HOME=$home "${T[@]}" chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --proxy-server=http://127.0.0.1:9 --user-data-dir="$WORK/chromium-$name" \
        --window-size=800,600 "$@" "https://127.0.0.1:$P/index.html"
}
chromium_load() {
    local allow=()
    if [ "$N" = - ]; then
        chrome "$WORK/nss/$1" "$1-name" --dump-dom >"$1/chromium-name.log" 2>&1
        grep -q ERR_CERT_COMMON_NAME_INVALID "$1/chromium-name.log" ||
            { echo "without the SPKI allowance: $(grep -o 'net::ERR_[A-Z_]*' "$1/chromium-name.log" | head -1)"; return 1; }
        allow=(--ignore-certificate-errors-spki-list="${SPKI[$1]}")
    fi
    chrome "$WORK/nss/$1" "$1" "${allow[@]}" --screenshot="$OUT/chromium-$1.png" && painted "$OUT/chromium-$1.png"
}
# Firefox ESR: a fresh profile whose NSS database trusts the root; every request that is not
# for loopback goes to a closed proxy port, and the background services are off.
firefox_profile() {
    local prof=$WORK/firefox-$1
    mkdir -p "$prof" && certutil -N -d "sql:$prof" --empty-password &&
        certutil -A -d "sql:$prof" -n root -t "C,," -i "$R" || return 1
    cat >"$prof/user.js" <<'PREFS'
user_pref("network.proxy.type", 2);
user_pref("network.proxy.autoconfig_url", "data:text/plain,function FindProxyForURL(u,h){return h=='127.0.0.1'?'DIRECT':'PROXY 127.0.0.1:9';}");
user_pref("network.trr.mode", 5);
user_pref("network.captive-portal-service.enabled", false);
user_pref("network.connectivity-service.enabled", false);
user_pref("network.dns.disablePrefetch", true);
user_pref("network.prefetch-next", false);
user_pref("browser.safebrowsing.malware.enabled", false);
user_pref("browser.safebrowsing.phishing.enabled", false);
user_pref("browser.safebrowsing.downloads.enabled", false);
user_pref("browser.safebrowsing.update.enabled", false);
user_pref("app.update.auto", false);
user_pref("app.normandy.enabled", false);
user_pref("datareporting.policy.dataSubmissionEnabled", false);
user_pref("datareporting.healthreport.uploadEnabled", false);
user_pref("toolkit.telemetry.enabled", false);
user_pref("services.settings.server", "http://127.0.0.1:9/");
user_pref("browser.region.network.url", "");
user_pref("extensions.update.enabled", false);
user_pref("security.OCSP.enabled", 0);
user_pref("security.remote_settings.crlite_filters.enabled", false);
user_pref("security.remote_settings.intermediates.enabled", false);
user_pref("browser.shell.checkDefaultBrowser", false);
user_pref("browser.startup.homepage_override.mstone", "ignore");
user_pref("browser.startup.page", 0);
PREFS
}
firefox_load() {
    firefox_profile "$1" || return 1
    # No host name to check: an exception for exactly this leaf (its SHA-256 fingerprint) at this
    # address, as a person adding one would make; Firefox then checks neither path nor name.
    [ "$N" != - ] || printf '127.0.0.1:%s:\tOID.2.16.840.1.101.3.4.2.1\t%s\t\n' "$P" \
        "$(openssl x509 -in "$1/c0.pem" -noout -fingerprint -sha256 | cut -d= -f2)" \
        >"$WORK/firefox-$1/cert_override.txt"
    HOME=$WORK/firefox-$1 "${T[@]}" firefox-esr --headless --no-remote --profile "$WORK/firefox-$1" \
        --window-size=800,600 --screenshot "$OUT/firefox-$1.png" "https://127.0.0.1:$P/index.html" &&
        painted "$OUT/firefox-$1.png"
}
# WebKitGTK itself (glib-networking, GnuTLS), with no altroot in the way: webkit_probe loads the
# page, checks that the certificate WebKit's TLS-errors signal carries is this leaf (so GnuTLS
# parsed it), allows exactly that certificate for the host, and reports a page committed over TLS
# with it. Its line says both answers; webkit_cell turns it into the two cells.
webkit_probe_load() {
    openssl x509 -in "$1/c0.pem" -outform DER -out "$1/c0.der" || return 1
    ASAN_OPTIONS=$BROWSER_ASAN "${T[@]}" "$PROBE" "https://127.0.0.1:$P/index.html" \
        --expect-der "$1/c0.der" --timeout 30 | tee "$1/webkit-probe.txt"
    grep -qx 'parsed=yes handshake=yes' "$1/webkit-probe.txt"
}
webkit_cell() {
    local handshake parsed=no
    handshake=$(DISPLAY=:$XDISPLAY check WebKitGTK "$1" handshake webkit_probe_load "$1")
    grep -q '^parsed=yes' "$1/webkit-probe.txt" 2>/dev/null && parsed=yes
    [ "$parsed" = yes ] || cp "logs/WebKitGTK-$1-handshake" "logs/WebKitGTK-$1-parsed"
    cell WebKitGTK "$1" "$parsed" "$handshake"
}
# altroot-browser (WebKitGTK behind its own proxy): altroot decides with the minted anchors plus the local CA (a
# copy per kind, since --headless-pin writes the pin of an attested device into it).
declare -A WEBKIT_PAGE=([noc-chain]=blocked [ldevid-chain]=blocked)
webkit_load() {
    local anchors=$WORK/anchors-webkit-$1 page=${WEBKIT_PAGE[$1]:-site}
    rm -rf "$anchors" && cp -r anchors "$anchors" && mkdir -p "$anchors/local-ca" &&
        cp ca.pem "$anchors/local-ca/home.pem" || return 1
    ASAN_OPTIONS=$BROWSER_ASAN "${T[@]}" "$BROWSER" --headless-check "https://127.0.0.1:$P/index.html" --headless-pin \
        --screenshot "$OUT/webkit-$1.png" --report "$1/webkit.json" --anchors "$anchors" \
        --webpki none --timeout 30
    jq -c '{decision, rule, browser: .browser | {page, relayed}}' "$1/webkit.json"
    json_true "$1/webkit.json" '.browser.page==$page and (.browser.relayed == ($page == "site"))' \
        --arg page "$page" || { echo "expected altroot-browser to show the '$page' page"; return 1; }
    [ "$page" != site ] || painted "$OUT/webkit-$1.png"
}
# One virtual display for every WebKitGTK check: the first display number with no X lock.
for XDISPLAY in $(seq 90 140); do [ -e "/tmp/.X$XDISPLAY-lock" ] || break; done
Xvfb ":$XDISPLAY" -screen 0 1280x1024x24 -nolisten tcp >logs/xvfb 2>&1 &
PIDS+=($!)
for _ in $(seq 1 100); do [ -e "/tmp/.X11-unix/X$XDISPLAY" ] && break; sleep 0.05; done
for k in "${KINDS[@]}"; do
    P=${NGINX_PORT[$k]} R=${ROOT[$k]} N=${NAME[$k]}
    cell Chromium "$k" - "$(check Chromium "$k" handshake chromium_load "$k")"
    cell "Firefox ESR" "$k" - "$(check "Firefox ESR" "$k" handshake firefox_load "$k")"
    webkit_cell "$k"
    cell altroot-browser "$k" - "$(DISPLAY=:$XDISPLAY check altroot-browser "$k" handshake webkit_load "$k")"
done

# ---- servers: the certificate loaded, the chain served byte for byte, altroot's verdict ----
A=(--anchors anchors --webpki none --timeout 10 --at "$AT" --json)
: >decisions.tsv
# served KIND PORT: the chain the server sent is the chain file, certificate for certificate.
served() {
    "${T[@]}" openssl s_client -connect "127.0.0.1:$2" -showcerts </dev/null >"$1/served.txt" 2>&1
    diff <(openssl crl2pkcs7 -nocrl -certfile "$1/served.txt" | openssl pkcs7 -print_certs) \
        <(openssl crl2pkcs7 -nocrl -certfile "$1/cert.pem" | openssl pkcs7 -print_certs) ||
        { echo "the server sent another chain"; return 1; }
}
# judged SERVER KIND PORT: `altroot connect` through the server gives the kind's decision.
judged() {
    "$ALTROOT" connect "${A[@]}" "https://127.0.0.1:$3/" >"$2/connect-$1.json"
    local got
    got=$(jq -r .decision "$2/connect-$1.json" 2>/dev/null)
    printf '%s\t%s\t%s\n' "$1" "$2" "${got:-none}" >>decisions.tsv
    [ "$got" = "${DECISION[$2]}" ] || { echo "decision ${got:-none}, expected ${DECISION[$2]}"; return 1; }
}
server_cells() {
    local server=$1 k port
    declare -n ports=$2
    for k in "${KINDS[@]}"; do
        port=${ports[$k]}
        cell "$server" "$k" "$(check "$server" "$k" parsed listening "$port")" \
            "$(check "$server" "$k" handshake eval "served $k $port && judged $server $k $port")"
    done
}
server_cells nginx NGINX_PORT
server_cells lighttpd LIGHTTPD_PORT
for k in "${KINDS[@]}"; do wait_listening "${CADDY_PORT[$k]}"; done
server_cells Caddy CADDY_PORT

# ---- the matrix, as docs/interop.md: deterministic apart from the versions ----
pkgver() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null | sed 's/^[0-9]*://; s/[-+~].*//'; }
declare -A VERSION=(
    [OpenSSL]=$(openssl version | awk '{print $2}')
    [curl]="$(curl --version | awk 'NR==1{print $2, "(" $5 ")"}')"
    [GnuTLS]=$(certtool --version | awk 'NR==1{print $2}')
    [wget]="$(wget --version | awk 'NR==1{print $3}') (GnuTLS)"
    [NSS]=$(pkgver libnss3)
    [Go]=$(go version | awk '{print $3}')
    [Python]="$("$PY" -c 'import platform, cryptography, ssl; print(platform.python_version(), "/ cryptography", cryptography.__version__, "/", ssl.OPENSSL_VERSION.split()[1])')"
    [Java]=$(java -version 2>&1 | awk -F'"' 'NR==1{print "OpenJDK " $2}')
    [Node.js]="$(node -p 'process.version + " (OpenSSL " + process.versions.openssl + ")"')"
    [mbedTLS]=$(pkgver libmbedtls-dev)
    [Chromium]=$(chromium --version 2>/dev/null | awk '{print $2}')
    ["Firefox ESR"]=$(firefox-esr --version | awk '{print $3}')
    [WebKitGTK]="$(pkgver libwebkit2gtk-4.1-0) (GnuTLS $(pkgver libgnutls30))"
    [altroot-browser]="WebKitGTK $(pkgver libwebkit2gtk-4.1-0) behind its proxy"
    [nginx]=$(nginx -v 2>&1 | sed 's/.*\///')
    [lighttpd]=$(lighttpd -v | sed -n 's/^lighttpd\/\([^ ]*\).*/\1/p')
    [Caddy]=$(caddy version | awk '{print $1}')
)
STACKS=(OpenSSL curl GnuTLS wget NSS Go Python Java Node.js mbedTLS Chromium "Firefox ESR" WebKitGTK
    altroot-browser nginx lighttpd Caddy)
declare -A NOTE=(
    [OpenSSL]='`x509 -text` of each certificate; `s_client -verify_return_error -CAfile` root, `-verify_ip` 127.0.0.1'
    [curl]='page fetched, `--cacert` root and the name; primary chains: `-k` and `--pinnedpubkey` of the leaf'
    [GnuTLS]='`certtool -i` of each certificate; `gnutls-cli --x509cafile` root and the name; primary chains: `certtool --verify` of the path, then `gnutls-cli --insecure`'
    [wget]='page fetched, `--ca-certificate` root and the name; primary chains: `--no-check-certificate`'
    [NSS]='`certutil -A`/`-L` of each certificate and `-V -u V` (path to the root); `tstclnt` page fetch with the name; primary chains: `tstclnt -o`'
    [Go]='`crypto/x509.ParseCertificate` of each; `crypto/tls` with the root and the name; primary chains: the path only (`Verify` without a name)'
    [Python]='`cryptography` (subject, extensions, key) of each; `ssl` with the root and the name; primary chains: the path only'
    [Java]='`keytool -printcert`; `SSLSocket` with a PKIX trust store of the root and HTTPS endpoint identification; primary chains: the path only'
    [Node.js]='`X509Certificate` of each; `tls.connect` with `ca` = root and the name; primary chains: the path only'
    [mbedTLS]='`x509_crt_parse_file`; `ssl_handshake` with the root, the path only (2.28 does not match IP addresses)'
    [Chromium]='headless, the root in a fresh NSS database, screenshot shows the page; primary chains: refused for the name alone, then the leaf allowed by its SPKI hash'
    ["Firefox ESR"]='headless, the root in a fresh profile, screenshot shows the page; primary chains: an exception for the leaf (`cert_override.txt`), no path check'
    [WebKitGTK]='`tests/interop/webkit_probe`: WebKit'"'"'s own TLS (GnuTLS) reads the leaf (the certificate of its TLS-errors signal is this leaf), then, with exactly that certificate allowed for the host, commits the page over TLS with it; no path check'
    [altroot-browser]='`altroot-browser --headless-check --headless-pin`: its proxy judges the device (minted anchors + the local CA) and relays only a trusted connection; the page opens except where altroot refuses (noc-chain, ldevid-chain: blocked page)'
    [nginx]='loaded (listening); the chain file served byte for byte; `altroot connect` gives the expected decision'
    [lighttpd]='as nginx (`ssl.pemfile` + `ssl.privkey`)'
    [Caddy]='as nginx (`tls CERT KEY`, `auto_https off`, one process per certificate)'
)
declare -A RES
while IFS=$'\t' read -r stack kind parsed handshake; do RES["$stack $kind"]="$parsed $handshake"; done <results.tsv
mark() { # VALUE STACK KIND WHAT
    case $1 in
    yes) echo ok ;;
    no) if [ -n "${KNOWN["$2 $3 $4"]:-}" ]; then echo "FAIL¹"; else echo FAIL; fi ;;
    *) echo - ;;
    esac
}
matrix() {
    local stack kind p h row
    echo "# Interop matrix"
    echo
    echo "Written by \`tests/integration/interop.sh\` (\`ctest -R integration.interop\`); do not edit by"
    echo "hand. Everything runs on loopback with Debian 12's packages (\`scripts/deps.sh\`). The"
    echo "certificates are made in the test by \`altroot mint\` and \`altroot device cert\`:"
    echo
    echo "| certificate | what | clients trust | name checked |"
    echo "| --- | --- | --- | --- |"
    echo "| plain | control: a leaf from stock \`openssl ca\`, no evidence | the local CA | 127.0.0.1 |"
    echo "| matter-dac | evidence: Matter DAC chain and CD, leaf from the local CA | the local CA | 127.0.0.1 |"
    echo "| matter-noc | evidence: Matter DAC chain, CD and NOC chain | the local CA | 127.0.0.1 |"
    echo "| fdo | evidence: FDO ownership voucher | the local CA | 127.0.0.1 |"
    echo "| idevid | evidence: IEEE 802.1AR IDevID chain | the local CA | 127.0.0.1 |"
    echo "| idevid-mud | evidence: IDevID chain and a stapled signed MUD file | the local CA | 127.0.0.1 |"
    echo "| noc-chain | primary: the Matter NOC chain (DER form) as the TLS chain | the fabric RCAC | none in the chain |"
    echo "| idevid-chain | primary: the IDevID chain | the DevID root CA | none in the chain |"
    echo "| ldevid-chain | primary: the LDevID from the domain CA | the domain CA | none in the chain |"
    echo
    echo "The evidence certificates come from the same local CA as the control (\`--ca-cert\`), so"
    echo "the \`id-pe-cmw\` extension is the only difference between them."
    echo
    echo "Each cell is *parsed / handshake*: the stack's own parser read every certificate of the"
    echo "chain file, and a TLS handshake with nginx serving it completed with the check in the note"
    echo "(for servers: the certificate loaded / served unchanged with altroot's verdict). \`ok\`"
    echo "passed, \`FAIL\` failed, \`-\` is not a separate check of that stack (its parser is the one"
    echo "of its handshake). Each client also refuses the control presented with a root that did"
    echo "not issue it (with the name, and without it where a client verifies a path alone), so no"
    echo "client cell passes unchecked."
    echo
    row="| stack | version |"
    for kind in "${KINDS[@]}"; do row+=" $kind |"; done
    echo "$row note |"
    row="| --- | --- |"
    for kind in "${KINDS[@]}"; do row+=" --- |"; done
    echo "$row --- |"
    for stack in "${STACKS[@]}"; do
        row="| $stack | ${VERSION[$stack]} |"
        for kind in "${KINDS[@]}"; do
            read -r p h <<<"${RES["$stack $kind"]:-- -}"
            row+=" $(mark "$p" "$stack" "$kind" parsed) / $(mark "$h" "$stack" "$kind" handshake) |"
        done
        echo "$row ${NOTE[$stack]} |"
    done
    echo
    echo "¹ Known, and outside what a device certificate can change (the test checks each one"
    echo "still fails, and for this reason):"
    echo
    local key
    for key in "${!KNOWN_WHY[@]}"; do echo "- $key: ${KNOWN_WHY[$key]}"; done | sort
    echo
    echo "## altroot connect through each server"
    echo
    echo "The decision \`altroot connect --anchors\` gives with the minted anchors (no local CA), per"
    echo "server; each must be the expected one."
    echo
    row="| server |"
    for kind in "${KINDS[@]}"; do row+=" $kind |"; done
    echo "$row"
    row="| --- |"
    for kind in "${KINDS[@]}"; do row+=" --- |"; done
    echo "$row"
    row="| expected |"
    for kind in "${KINDS[@]}"; do row+=" ${DECISION[$kind]} |"; done
    echo "$row"
    for stack in nginx lighttpd Caddy; do
        row="| $stack |"
        for kind in "${KINDS[@]}"; do
            row+=" $(awk -F'\t' -v s="$stack" -v k="$kind" '$1==s && $2==k {print $3}' decisions.tsv | head -1) |"
        done
        echo "${row//  |/ - |}"
    done
}
matrix >interop.md
cp interop.md "$OUT/"
[ -z "$DOC" ] || cp interop.md "$DOC"
cp -r logs results.tsv decisions.tsv "$OUT/"
finish
