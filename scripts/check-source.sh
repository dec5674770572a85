#!/usr/bin/env bash
# Source gates that a compiler does not check (run by .ci/run):
#  - only src/crypto/ and src/tls/ include OpenSSL headers (the crypto boundary, and the TLS
#    transport and verifier hooks built on it);
#  - banned functions (unbounded string functions, shell-outs, non-reentrant parsers);
#  - no comment or doc refers to files outside the tree or to issue numbers;
#  - no raw memcpy on untrusted input outside the buffer module and the crypto boundary is a
#    review rule, not a grep: it is left to review.
set -u
cd "$(dirname "$0")/.."
status=0
lib_dirs="src include tools server browser gateway"

boundary=$(grep -rnE '#\s*include\s*<openssl/' $lib_dirs 2>/dev/null | grep -vE '^src/(crypto|tls)/')
if [ -n "$boundary" ]; then
    echo "OpenSSL headers outside src/crypto/ and src/tls/:"; echo "$boundary"; status=1
fi

banned='\b(strcpy|strcat|sprintf|vsprintf|gets|strtok|atoi|atol|atof|tmpnam|mktemp|system|popen|alloca)\s*\('
hits=$(grep -rnE "$banned" $lib_dirs 2>/dev/null | grep -v '^\S*:\s*/\?\*' )
if [ -n "$hits" ]; then
    echo "banned functions:"; echo "$hits"; status=1
fi

# Comments and docs say the thing itself: no pointer to files outside the repository (design or
# style notes, anything beside it except the test vectors in ../shared/vectors) and no tracker
# numbers of this project (another project's "issue #N" or "PR #N" is a citation and stays).
outside='(DESIGN|STYLE)\.md|DESIGN:|shared/notes|\.\./shared/[^v]|\b[Ii]ssues? [0-9]'
hits=$(git ls-files | grep -vE '^fuzz/corpus/|^scripts/check-source\.sh$' |
    xargs grep -nIE "$outside" 2>/dev/null)
if [ -n "$hits" ]; then
    echo "references to files outside the tree or to issue numbers:"; echo "$hits"; status=1
fi

# Static analysis: cppcheck's warning and portability checks on the library and the tools.
# jansson's iteration macros are unknown to cppcheck; the files that use them are named.
if command -v cppcheck >/dev/null; then
    if ! cppcheck --quiet --enable=warning,portability --inline-suppr --std=c11 -I include \
        --suppress=unknownMacro:tools/altroot/cmd_inspect.c --error-exitcode=1 -j2 src tools server gateway; then
        echo "cppcheck found problems"; status=1
    fi
else
    echo "cppcheck is not installed"; status=1
fi

[ $status -eq 0 ] && echo "source checks: ok"
exit $status
