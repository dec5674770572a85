#!/usr/bin/env bash
# The installed library is usable as documented: `cmake --install`, then a consumer built with
# pkg-config against the shared library; only altroot_ symbols are exported; the SONAME is set.
ALTROOT=$1
. "$(dirname "$0")/lib.sh"
build=$(dirname "$ALTROOT")

expect_exit "cmake --install" 0 -- cmake --install "$build" --prefix "$WORK/prefix"
libdir=$(ls -d "$WORK"/prefix/lib*/ | head -1)
export PKG_CONFIG_PATH="$libdir/pkgconfig"
cat > "$WORK/consumer.c" <<'C'
#include <altroot/altroot.h>
#include <stdio.h>
int main(void)
{
    altroot_time t;
    if (altroot_time_parse_rfc3339("2026-11-28T00:00:00Z", &t) != ALTROOT_OK)
        return 1;
    printf("%s %s\n", ALTROOT_VERSION_STRING, altroot_error_name(ALTROOT_E_CERT_EXPIRED));
    return 0;
}
C
# A sanitizer build of the library needs a consumer built with the same runtime.
san=
readelf -d "$libdir"/libaltroot.so | grep -q 'libasan' && san="-fsanitize=address,undefined"
expect_exit "consumer compiles with pkg-config" 0 -- sh -c \
    "cc -std=c11 -Wall -Werror $san \$(pkg-config --cflags altroot) '$WORK/consumer.c' -o '$WORK/consumer' \$(pkg-config --libs altroot)"
expect_exit "consumer runs against the shared library" 0 -- env LD_LIBRARY_PATH="$libdir" "$WORK/consumer"
if grep -q "E_CERT_EXPIRED" "$WORK/out"; then ok "consumer output"; else not_ok "consumer output"; fi

so=$(ls "$libdir"/libaltroot.so.*.*.* | head -1)
if readelf -d "$so" | grep -q 'SONAME.*libaltroot.so.0'; then ok "SONAME libaltroot.so.0"; else not_ok "SONAME"; fi
leaked=$(nm -D --defined-only "$so" | awk '{print $3}' | grep -v '^altroot_' | grep -vE '^(_init|_fini|_edata|_end|__bss_start)$' || true)
if [ -z "$leaked" ]; then ok "only altroot_ symbols exported"; else not_ok "exported: $leaked"; fi
[ -f "$libdir/libaltroot.a" ] && ok "static library installed" || not_ok "static library"
[ -x "$WORK/prefix/bin/altroot" ] && ok "tool installed" || not_ok "tool installed"
finish
