/* Fuzz target: the https URL parser of `altroot connect`. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <altroot/altroot.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char text[4096];
    if (size >= sizeof text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    altroot_url u;
    if (altroot_url_parse(text, &u) == ALTROOT_OK) {
        /* Accepted hosts are never empty and carry no control characters or spaces. */
        if (u.host[0] == '\0' || strpbrk(u.host, " \t\r\n/@") != NULL)
            __builtin_trap();
        altroot_url_clear(&u);
    }
    return 0;
}
