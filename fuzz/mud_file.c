/* Fuzz target: the RFC 8520 MUD file checker. */
#include <stddef.h>
#include <stdint.h>

#include <altroot/mud.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    altroot_mud_file f;
    altroot_failures fl = ALTROOT_FAILURES_INIT;
    altroot_strlist w = ALTROOT_STRLIST_INIT;
    if (altroot_mud_file_check((altroot_span){data, size}, &f, &fl, &w) == ALTROOT_OK &&
        fl.count == 0 && (f.mud_url == NULL || !altroot_mud_url_valid(f.mud_url)))
        __builtin_trap(); /* an accepted file always has an https mud-url */
    altroot_mud_file_clear(&f);
    altroot_failures_clear(&fl);
    altroot_strlist_clear(&w);
    return 0;
}
