#!/usr/bin/env bash
# Configures and builds into build/ (or $1), reusing an existing configuration; options given
# after the folder (-DNAME=VALUE) are applied to it too. Quiet on success; on failure the whole
# log is printed.
set -uo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
shift || true
log=$(mktemp)
if { { [ -f "$dir/build.ninja" ] && [ $# -eq 0 ]; } ||
    cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@"; } >"$log" 2>&1 &&
    cmake --build "$dir" >>"$log" 2>&1; then
    rm -f "$log"
    exit 0
fi
cat "$log" >&2
rm -f "$log"
echo "build failed in $dir" >&2
exit 1
