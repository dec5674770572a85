/* Writing a pin file (altroot_pin_save, include/altroot/pin.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <altroot/pin.h>

#include "../core/guard.h"

static bool write_all(int fd, altroot_span data)
{
    size_t done = 0;
    while (done < data.len) {
        ssize_t n = write(fd, data.ptr + done, data.len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        done += (size_t)n;
    }
    return true;
}

/* DIR/pins/<name>.json, the ':' of an IPv6 address written as '_'. */
static altroot_err pin_path(const char *dir, const char *name, char *out, size_t len)
{
    int n = snprintf(out, len, "%s/pins/%s.json", dir, name);
    ENSURE(n > 0 && (size_t)n < len, ALTROOT_E_TOO_LARGE);
    for (char *p = out + strlen(dir) + sizeof "/pins/" - 1; *p != '\0'; p++)
        if (*p == ':')
            *p = '_';
    return ALTROOT_OK;
}

/* A temporary file beside `path`, then into place: link() refuses to overwrite a pin that
 * appeared meanwhile; rename() replaces the one named for replacement. The temporary name starts
 * with a dot, so a store loaded meanwhile (or after a crash) never reads it as a pin. */
static altroot_err install(const char *path, altroot_span text, bool replace)
{
    char tmp[4200];
    const char *slash = strrchr(path, '/');
    int dir_len = slash != NULL ? (int)(slash - path + 1) : 0;
    int n =
        snprintf(tmp, sizeof tmp, "%.*s.%s.tmp-%ld", dir_len, path, path + dir_len, (long)getpid());
    ENSURE(n > 0 && (size_t)n < sizeof tmp, ALTROOT_E_TOO_LARGE);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    ENSURE(fd >= 0, ALTROOT_E_IO);
    bool ok = write_all(fd, text);
    ok = fsync(fd) == 0 && ok;
    ok = close(fd) == 0 && ok;
    int linked = ok ? (replace ? rename(tmp, path) : link(tmp, path)) : -1;
    int saved = errno;
    unlink(tmp); /* after link() or a failure; already gone after rename() */
    if (linked == 0)
        return ALTROOT_OK;
    return ok && saved == EEXIST ? ALTROOT_E_PIN_EXISTS : ALTROOT_E_IO;
}

altroot_err altroot_pin_save(const char *dir, const altroot_pin *pin, const char *replace,
                             char *path, size_t len)
{
    ENSURE(dir != NULL && pin != NULL && path != NULL && len > 0, ALTROOT_E_ARG);
    char pins[4096];
    int n = snprintf(pins, sizeof pins, "%s/pins", dir);
    ENSURE(n > 0 && (size_t)n < sizeof pins, ALTROOT_E_TOO_LARGE);
    ENSURE(mkdir(pins, 0700) == 0 || errno == EEXIST, ALTROOT_E_IO);
    if (replace != NULL) {
        ENSURE(strlen(replace) < len, ALTROOT_E_TOO_LARGE);
        memcpy(path, replace, strlen(replace) + 1);
    } else {
        TRY(pin_path(dir, pin->name, path, len));
    }
    altroot_bytes text = ALTROOT_BYTES_INIT;
    altroot_err err = altroot_pin_format(pin, &text);
    if (err == ALTROOT_OK)
        err = install(path, altroot_bytes_span(&text), replace != NULL);
    altroot_bytes_clear(&text);
    return err;
}
