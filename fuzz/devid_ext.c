/* Fuzz target: the DevID extension value decoders (subjectAltName with HardwareModuleName,
 * HardwareModuleName alone, MASA URL, MUD URL, mudsigner). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include <altroot/alloc.h>
#include <altroot/devid.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    altroot_span in = {data, size};
    char hw[64];
    altroot_span serial = {0}, name = {0};
    bool found = false, lt = false, utf8 = false;
    for (int lenient = 0; lenient < 2; lenient++) {
        if (altroot_devid_parse_san(in, lenient != 0, &found, hw, &serial, &lt) == ALTROOT_OK &&
            found &&
            (serial.len == 0 || serial.ptr < data || serial.ptr + serial.len > data + size))
            __builtin_trap(); /* the serial is borrowed from the input */
        if (altroot_devid_parse_hw_module(in, lenient != 0, hw, &serial, &lt) == ALTROOT_OK &&
            (strlen(hw) == 0 || (lt && lenient == 0)))
            __builtin_trap(); /* strict never accepts the [4] tag */
        char *s = NULL;
        if (altroot_devid_parse_masa_url(in, lenient != 0, &s, &utf8) == ALTROOT_OK &&
            (s == NULL || (utf8 && lenient == 0)))
            __builtin_trap();
        altroot_free(s);
    }
    char *u = NULL;
    /* A MUD URL is https only; RFC 3986 3.1: the scheme is case-insensitive ("httpS://"). */
    if (altroot_devid_parse_mud_url(in, &u) == ALTROOT_OK && strncasecmp(u, "https://", 8) != 0)
        __builtin_trap();
    altroot_free(u);
    if (altroot_devid_parse_mudsigner(in, &name) == ALTROOT_OK && name.len != size)
        __builtin_trap(); /* exactly one Name, nothing after it */
    return 0;
}
