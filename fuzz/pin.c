/* Fuzz target: the pin file parser (docs/trust-store.md "Pins"). An accepted pin is canonical:
 * written back and read again it is the same pin. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <altroot/pin.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    altroot_pin pin, again;
    char detail[160];
    if (altroot_pin_parse((altroot_span){data, size}, &pin, detail, sizeof detail) != ALTROOT_OK)
        return 0;
    altroot_bytes text = ALTROOT_BYTES_INIT;
    if (altroot_pin_format(&pin, &text) == ALTROOT_OK) {
        if (altroot_pin_parse(altroot_bytes_span(&text), &again, detail, sizeof detail) !=
                ALTROOT_OK ||
            strcmp(pin.name, again.name) != 0 || strcmp(pin.identity, again.identity) != 0 ||
            strcmp(pin.root, again.root) != 0 || pin.pinned_at != again.pinned_at)
            __builtin_trap();
        altroot_pin_clear(&again);
    }
    altroot_bytes_clear(&text);
    altroot_pin_clear(&pin);
    return 0;
}
