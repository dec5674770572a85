#!/usr/bin/env bash
# One command for a newcomer: install what is missing, build, and run `altroot demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh build
exec build/altroot demo "$@"
