#!/usr/bin/env bash
# The layering gate (docs/architecture.md, "Layers"): every object of the static library is
# placed in its module by its path under src/, and every symbol an object leaves undefined that
# another module of the library defines must be a call down the order:
#
#   core < crypto < encoding < trust < roots (matter, fdo, devid; mud, which builds on devid)
#        < evidence < tls
#
# A call up the order, a call between two peers (two roots of one level), and a call to another
# module's private symbol (a global name without the altroot_ prefix: module-internal helpers
# such as fdo_* or evd_*) fail the gate, and so does a file of one module including another
# module's private header (*internal.h, crypto/ossl.h).
#
#   scripts/check-layers.sh [build-dir]          check build-dir/src/libaltroot.a (default build)
#   scripts/check-layers.sh --lib A --objects D  check archive A whose objects were built in D
#   scripts/check-layers.sh --self-test          show that the gate fails on each kind of call
# Paths are relative to the repository root, as in the other scripts.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

# module level: a module may call only modules of a lower level.
levels="core:0 crypto:1 encoding:2 trust:3 matter:4 fdo:4 devid:4 mud:5 evidence:6 tls:7"

level_of() {
    local m
    for m in $levels; do
        [ "${m%%:*}" = "$1" ] && { echo "${m#*:}"; return 0; }
    done
    echo -1
}

# check ARCHIVE OBJECT_DIR [headers]: prints every violation (with "headers", of the includes
# under src/ too) and returns 1 if there is any.
check() {
    local lib=$1 objdir=$2 tmp
    [ -f "$lib" ] || { echo "check-layers: no library $lib (build first)"; return 1; }
    [ -d "$objdir" ] || { echo "check-layers: no object folder $objdir"; return 1; }
    tmp=$(mktemp -d)
    # shellcheck disable=SC2064
    trap "rm -rf '$tmp'" RETURN
    local status=0 member seen path cand n=0
    declare -A count=()
    : >"$tmp/defined"
    : >"$tmp/undefined"
    find "$objdir" -name '*.o' -type f | sort >"$tmp/objects"
    # Place each archive member (member names carry no folder, and some repeat: file.c.o is in
    # core and mud) by finding the object file under objdir with the same bytes.
    while read -r member; do
        count[$member]=$((${count[$member]:-0} + 1))
        seen=${count[$member]}
        rm -f "$tmp/$member"
        (cd "$tmp" && ar xN "$seen" "$lib" "$member") || { echo "cannot extract $member"; return 1; }
        path=
        while read -r cand; do
            if cmp -s "$cand" "$tmp/$member"; then path=${cand#"$objdir"/}; break; fi
        done < <(grep -F "/$member" "$tmp/objects")
        if [ -z "$path" ]; then
            echo "$member (copy $seen) of $lib matches no object under $objdir"; status=1; continue
        fi
        local module=${path%%/*}
        if [ "$module" = "$path" ] || [ "$(level_of "$module")" -lt 0 ]; then
            echo "$path: not in a module of the layer table"; status=1; continue
        fi
        nm -g --defined-only "$tmp/$member" |
            awk -v m="$module" -v f="$path" 'NF == 3 { print $3, m, f }' >>"$tmp/defined"
        nm -u "$tmp/$member" | awk -v m="$module" -v f="$path" '{ print $2, m, f }' >>"$tmp/undefined"
        n=$((n + 1))
    done < <(ar t "$lib")
    [ "$n" -gt 0 ] || { echo "check-layers: $lib has no objects"; return 1; }
    local table=""
    for m in $levels; do table="$table ${m%%:*}=${m#*:}"; done
    local hits
    hits=$(awk -v table="$table" '
        BEGIN { n = split(table, t, " "); for (i = 1; i <= n; i++) { split(t[i], kv, "="); lv[kv[1]] = kv[2] + 0 } }
        FNR == NR { if (!($1 in mod)) { mod[$1] = $2; file[$1] = $3 } next }
        ($1 in mod) && mod[$1] != $2 {
            from = $2; to = mod[$1]
            if (lv[to] > lv[from]) why = "calls up the order"
            else if (lv[to] == lv[from]) why = "calls a peer of its level"
            else if ($1 !~ /^altroot_/) why = "calls a private symbol of another module"
            else next
            printf "%s (%s) -> %s (%s): %s %s\n", $3, from, file[$1], to, $1, why
        }' "$tmp/defined" "$tmp/undefined" | sort -u)
    if [ -n "$hits" ]; then
        echo "layering violations in $lib:"; echo "$hits"; status=1
    fi
    if [ "${3:-}" = headers ] && ! check_headers; then status=1; fi
    [ $status -eq 0 ] && echo "layers: ok ($n objects, order:$table)"
    return $status
}

# No private header crosses a module: a file of src/<module>/ includes another module's
# *internal.h or crypto/ossl.h never (programs, tests and fuzz targets are checked by review).
check_headers() {
    local hits
    hits=$(grep -rnE '#\s*include\s*"\.\./[a-z]+/([a-z_]*internal|ossl)\.h"' src | grep -v '^src/crypto/[^:]*:.*"\.\./crypto/')
    if [ -n "$hits" ]; then
        echo "private headers included from another module:"; echo "$hits"; return 1
    fi
}

# A tiny library per case: the gate must pass a call down and fail each kind of bad call.
self_test() {
    local dir cc=${CC:-cc} failed=0
    dir=$(mktemp -d)
    # shellcheck disable=SC2064
    trap "rm -rf '$dir'" RETURN
    # case NAME EXPECT CALLER_MODULE CALLEE_MODULE CALLEE_SYMBOL
    run_case() {
        local name=$1 expect=$2 from=$3 to=$4 sym=$5 d="$dir/$1"
        mkdir -p "$d/obj/$from" "$d/obj/$to"
        printf 'int %s(void);\nint altroot_caller_%s(void);\nint altroot_caller_%s(void) { return %s(); }\n' \
            "$sym" "$name" "$name" "$sym" >"$d/a.c"
        printf 'int %s(void);\nint %s(void) { return 1; }\n' "$sym" "$sym" >"$d/b.c"
        if ! "$cc" -c "$d/a.c" -o "$d/obj/$from/a.c.o" || ! "$cc" -c "$d/b.c" -o "$d/obj/$to/b.c.o" ||
            ! ar rcs "$d/lib.a" "$d/obj/$from/a.c.o" "$d/obj/$to/b.c.o"; then
            echo "self-test $name: cannot build its library"; failed=1; return
        fi
        local out rc
        out=$(check "$d/lib.a" "$d/obj" 2>&1)
        rc=$?
        if { [ "$expect" = pass ] && [ $rc -ne 0 ]; } || { [ "$expect" = fail ] && [ $rc -eq 0 ]; }; then
            echo "self-test $name: expected $expect, got exit $rc:"; echo "$out"; failed=1
        else
            echo "self-test $name: $expect as expected${out:+ ($(echo "$out" | tail -n 1))}"
        fi
    }
    run_case down pass tls core altroot_down
    run_case up fail crypto tls altroot_evaluate_up
    run_case peer fail devid matter altroot_peer
    run_case private fail tls trust verdict_private_helper
    run_case unknown fail nowhere core altroot_unknown
    return $failed
}

case "${1:-}" in
--self-test) self_test ;;
--lib)
    if [ $# -ne 4 ] || [ "$3" != --objects ]; then echo "usage: $0 --lib ARCHIVE --objects DIR"; exit 2; fi
    check "$(realpath "$2")" "$(realpath "$4")" headers
    ;;
*)
    build=$(realpath "${1:-build}")
    check "$build/src/libaltroot.a" "$build/src/CMakeFiles/altroot_objects.dir" headers
    ;;
esac
