# Shared by the integration scripts: a temporary work folder, background servers that are
# always stopped, and checks that count passes and failures.
set -u
# Files and folders the tests create have the modes a careful user's have, whatever the caller's
# umask: a trust store writable by group or others is refused (docs/trust-store.md).
umask 022
WORK=$(mktemp -d /tmp/altroot-it-XXXXXX)
PIDS=()
PASS=0
FAIL=0

cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    rm -rf "$WORK"
}
trap cleanup EXIT

ok() { PASS=$((PASS + 1)); echo "ok - $1"; }
not_ok() { FAIL=$((FAIL + 1)); echo "not ok - $1"; }

# expect_exit NAME CODE -- command...
expect_exit() {
    local name=$1 code=$2
    shift 3
    "$@" >"$WORK/out" 2>"$WORK/err"
    local rc=$?
    if [ "$rc" -eq "$code" ]; then ok "$name (exit $rc)"; else
        not_ok "$name: exit $rc, expected $code"; sed 's/^/  | /' "$WORK/err" "$WORK/out" | head -20
    fi
}

# expect_json NAME JQ-EXPR: the last command's stdout is a JSON document that satisfies the jq
# boolean expression (an empty stdout fails: plain `jq -e` would accept it).
expect_json() {
    if jq -e -n "input | ($2)" "$WORK/out" >/dev/null 2>&1; then ok "$1"; else
        not_ok "$1: jq '$2' is false"; jq -c '{decision,rule,certificate_class,failures:[.failures[].name]}' "$WORK/out" 2>&1 | head -5
    fi
}

# json_true FILE JQ-EXPR [jq options...]: FILE holds a JSON document satisfying the expression.
json_true() {
    local file=$1 expr=$2
    shift 2
    jq -e -n "$@" "input | ($expr)" "$file" >/dev/null 2>&1
}

# expect_stderr NAME REGEX
expect_stderr() {
    if grep -Eq "$2" "$WORK/err"; then ok "$1"; else not_ok "$1: stderr lacks /$2/"; sed 's/^/  | /' "$WORK/err" | head -5; fi
}

# start_s_server ADDR CERT KEY: starts `openssl s_server` on an ephemeral port; sets PORT.
start_s_server() {
    local log="$WORK/s_server.$RANDOM.log"
    # SIGPIPE ignored: a client that leaves right after the handshake must not kill the server
    # when it writes its page (clients here often only shake hands).
    (trap '' PIPE; exec openssl s_server -accept "$1:0" -cert "$2" -key "$3" -www -naccept 1000) >"$log" 2>&1 &
    PIDS+=($!)
    wait_port "$log"
}

wait_port() {
    PORT=
    for _ in $(seq 1 100); do
        PORT=$(sed -n 's/^ACCEPT .*:\([0-9]*\)$/\1/p' "$1" | head -1)
        [ -n "$PORT" ] && return 0
        sleep 0.05
    done
    echo "server did not start: $(cat "$1")" >&2
    return 1
}

# local_ca: a name-constrained local CA ("Home CA": localhost, home.arpa, 127/8 and ::1) made with
# stock openssl in the current folder, with an `openssl ca` database so leaves get exact dates.
local_ca() {
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem \
        -days 3650 -subj "/CN=Home CA" -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -addext "nameConstraints=critical,permitted;DNS:localhost,permitted;DNS:home.arpa,permitted;IP:127.0.0.0/255.0.0.0,permitted;IP:0:0:0:0:0:0:0:1/FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF" 2>/dev/null
    mkdir -p ca.db/new && : > ca.db/index && echo 01 > ca.db/serial
    cat > ca.cnf <<'CNF'
[ca]
default_ca = home
[home]
dir = ca.db
database = $dir/index
new_certs_dir = $dir/new
serial = $dir/serial
default_md = sha256
policy = any
copy_extensions = none
unique_subject = no
[any]
commonName = supplied
[leaf]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = $ENV::SAN
CNF
}

# issue NAME SAN START END: a P-256 server leaf NAME.pem/NAME.key from the local CA.
issue() {
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" -out "$1.csr" \
        -subj "/CN=$1" 2>/dev/null
    SAN=$2 openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -in "$1.csr" \
        -out "$1.pem" -extensions leaf -startdate "$3" -enddate "$4" -notext 2>/dev/null
}

# minted_anchors: anchors/ holding the roots of the PKIs `altroot mint` made in m (matter),
# d (devid), mm (mud) and f (fdo), each under its anchor kind.
minted_anchors() {
    mkdir -p anchors/devid-ca anchors/ldevid-ca anchors/mud-signer anchors/fdo-mfr anchors/fdo-owner
    cp -r m/anchors/. anchors/
    cp d/mfg-root-ca.pem anchors/devid-ca/d.pem
    cp mm/mfg-root-ca.pem anchors/devid-ca/mm.pem
    cp mm/mfg-root-ca.pem anchors/mud-signer/mm.pem
    cp d/domain-ca.pem anchors/ldevid-ca/d.pem
    cp f/device-ca.pem anchors/fdo-mfr/f.pem
    cp f/mfr.pub.pem anchors/fdo-mfr/f-voucher-key.pem
    cp f/owner.pub.pem anchors/fdo-owner/f.pem
}

# serve DIR: `altroot serve` ($ALTROOT) of the folder www/ on a loopback port, with DIR/cert.pem
# and DIR/key.pem; sets PORT (its log is DIR/serve.log).
serve() {
    rm -f "$1/port"
    "$ALTROOT" serve --cert "$1/cert.pem" --key "$1/key.pem" --root www --listen 127.0.0.1:0 \
        --port-file "$1/port" >"$1/serve.log" 2>&1 &
    PIDS+=($!)
    for _ in $(seq 1 100); do [ -s "$1/port" ] && break; sleep 0.05; done
    PORT=$(cat "$1/port" 2>/dev/null)
    [ -n "$PORT" ] || { not_ok "serve $1 did not start: $(cat "$1/serve.log")"; finish; exit 1; }
}

finish() {
    echo "$PASS passed, $FAIL failed"
    [ "$FAIL" -eq 0 ] && [ "$PASS" -gt 0 ]
}
