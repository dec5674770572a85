#!/usr/bin/env bash
# clang-tidy gate (run by .ci/run): every C file of the tree, with the checked-in .clang-tidy and
# the compile database of a configured build dir (build/, or $1; CMake writes
# compile_commands.json at configure time). Files run in parallel, one clang-tidy per core.
# Prints every warning once (a header's warning is reported by every file that includes it) and
# exits non-zero if there is any. Extra arguments after the build dir restrict the run to those
# files, e.g. `scripts/tidy.sh build src/core/buf.c`.
# ALTROOT_ANALYSIS_GUARDS makes src/core/guard.h expand TRY/ENSURE as if/else statements instead
# of do {} while (0) blocks (the same control flow), so the nesting limit counts the code's own
# blocks only; that if/else form is what -Wno-dangling-else is for.
set -uo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
shift || true
if [ ! -f "$dir/compile_commands.json" ]; then
    echo "no compile database in $dir: configure it first (scripts/build.sh $dir)" >&2
    exit 1
fi
command -v clang-tidy >/dev/null || { echo "clang-tidy is not installed" >&2; exit 1; }

if [ $# -gt 0 ]; then
    files=("$@")
else
    mapfile -t files < <(git ls-files '*.c')
fi

# A file the build dir does not compile (the browser without WebKitGTK, say) would be checked
# with guessed flags: name it instead.
missing=$(for f in "${files[@]}"; do
    grep -qF "/$f\"" "$dir/compile_commands.json" || echo "  $f"
done)
if [ -n "$missing" ]; then
    echo "not in $dir/compile_commands.json (is every part of the tree configured?):"
    echo "$missing"
    exit 1
fi

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# Each clang-tidy writes its own file so parallel output is never interleaved.
printf '%s\n' "${files[@]}" |
    xargs -P "$(nproc)" -I{} sh -c \
        'clang-tidy --quiet -p "$1" --extra-arg=-DALTROOT_ANALYSIS_GUARDS \
            --extra-arg=-Wno-dangling-else "$2" >"$3/$(echo "$2" | tr / _).log" 2>&1 ||
            echo "$2" >>"$3/failed"' \
        sh "$dir" {} "$out"

# A diagnostic starts with "path:line:col: warning|error:"; its source excerpt follows until
# the next diagnostic. Print each distinct diagnostic with its excerpt once.
cat "$out"/*.log | awk '
    /^[^ ]+:[0-9]+:[0-9]+: (warning|error): / { key = $0; show = !(key in seen); seen[key] = 1;
                                                if (show) n++ }
    /^[0-9]+ (warning|error)s? generated\.$/ { next }
    key != "" && show { print }
    END { printf "%d\n", n > "/dev/stderr" }' 2>"$out/count"
count=$(cat "$out/count")
if [ -f "$out/failed" ]; then
    echo "clang-tidy failed on:"; sed 's/^/  /' "$out/failed"
    [ "$count" -gt 0 ] || count=1
fi
if [ "$count" -gt 0 ]; then
    echo "clang-tidy: $count finding(s) in ${#files[@]} file(s)"
    exit 1
fi
echo "clang-tidy: ok (${#files[@]} files)"
