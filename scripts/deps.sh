#!/usr/bin/env bash
# Installs the Debian 12 packages altroot needs to build, test and run (only those missing).
set -euo pipefail
packages=(
    build-essential cmake ninja-build pkg-config git ca-certificates
    libsqlite3-dev libjose-dev
    libssl-dev openssl libcbor-dev libjansson-dev libcurl4-openssl-dev libevent-dev
    libcmocka-dev jq python3 nginx lighttpd lighttpd-mod-openssl
    libwebkit2gtk-4.1-dev glib-networking xvfb xauth imagemagick chromium libnss3-tools xxd
    fonts-dejavu-core curl gnutls-bin
    clang libclang-rt-14-dev clang-format clang-tidy cppcheck
    # the interop matrix (tests/integration/interop.sh): clients, parsers, servers, browsers
    curl wget gnutls-bin golang-go default-jdk-headless nodejs libmbedtls-dev python3-cryptography
    firefox-esr caddy
    # ss: the browser test finds its live proxy's port as another local process would
    iproute2
)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=
[ "$(id -u)" -ne 0 ] && sudo=sudo
echo "installing: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
