#!/usr/bin/env bash
# Builds and runs the test suite: unit, integration and fuzz-corpus replay. The conformance suite
# (label "conformance", needs ../shared/vectors) runs in CI; run it with `ctest -L conformance`.
set -euo pipefail
cd "$(dirname "$0")/.."
# The tool can fail its Nth allocation on request: the CLI allocation-failure sweep needs it.
scripts/build.sh build -DALTROOT_FAULT_INJECTION=ON
cd build
ctest --output-on-failure --no-tests=error -LE conformance -j2
