/* Fuzz target: the strict CBOR reader (src/encoding/cbor.c). */
#include <stddef.h>
#include <stdint.h>

#include "encoding/cbor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Walk every container: each child must lie inside its parent. */
static void walk(const altroot_cbor_item *item, unsigned depth)
{
    altroot_cbor_iter it;
    altroot_cbor_item child;
    if (depth > ALTROOT_CBOR_MAX_DEPTH)
        __builtin_trap();
    if (item->major == ALTROOT_CBOR_TAG) {
        if (altroot_cbor_decode(item->content, &child) != ALTROOT_OK)
            __builtin_trap(); /* a tag's content is exactly one item */
        walk(&child, depth + 1);
        return;
    }
    if ((item->major == ALTROOT_CBOR_ARRAY &&
         altroot_cbor_array(item, SIZE_MAX, &it) == ALTROOT_OK) ||
        (item->major == ALTROOT_CBOR_MAP && altroot_cbor_map(item, &it) == ALTROOT_OK)) {
        while (it.left > 0) {
            if (altroot_cbor_next(&it, &child) != ALTROOT_OK)
                __builtin_trap(); /* validated at decode time */
            if (child.raw.ptr < item->raw.ptr ||
                child.raw.ptr + child.raw.len > item->raw.ptr + item->raw.len)
                __builtin_trap();
            walk(&child, depth + 1);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    altroot_cbor_item item;
    if (altroot_cbor_decode((altroot_span){data, size}, &item) != ALTROOT_OK)
        return 0;
    if (item.raw.ptr != data || item.raw.len != size)
        __builtin_trap(); /* exactly one item, no trailing bytes */
    walk(&item, 0);
    return 0;
}
