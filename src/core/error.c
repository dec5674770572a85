#include <altroot/error.h>

const char *altroot_strerror(altroot_err err)
{
    /* No default: a code without a message fails the build (-Wswitch with -Werror). */
    switch (err) {
#define ALTROOT_ERR_MSG_(name, value, msg)                                                         \
    case ALTROOT_##name:                                                                           \
        return msg;
        ALTROOT_ERROR_LIST(ALTROOT_ERR_MSG_)
#undef ALTROOT_ERR_MSG_
    }
    return "unknown error";
}

const char *altroot_error_name(altroot_err err)
{
    switch (err) {
#define ALTROOT_ERR_NAME_(name, value, msg)                                                        \
    case ALTROOT_##name:                                                                           \
        return #name;
        ALTROOT_ERROR_LIST(ALTROOT_ERR_NAME_)
#undef ALTROOT_ERR_NAME_
    }
    return "E_UNKNOWN";
}

const char *altroot_error_category(altroot_err err)
{
    int v = (int)err;
    if (v == 0)
        return "ok";
    if (v >= 100 && v < 200)
        return "usage";
    if (v >= 200 && v < 300)
        return "io";
    if (v >= 300 && v < 400)
        return "malformed";
    if (v >= 400 && v < 500)
        return "signature";
    if (v >= 500 && v < 600)
        return "policy";
    if (v >= 600 && v < 700)
        return "matter";
    if (v >= 700 && v < 800)
        return "devid";
    if (v >= 800 && v < 900)
        return "fdo";
    if (v >= 1000 && v < 1100)
        return "evidence";
    if (v >= 1100 && v < 1150)
        return "gateway";
    return "internal";
}
