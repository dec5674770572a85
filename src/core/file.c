/*
 * The one reader of input files. Every file altroot reads (artefacts, keys, certificates, anchors,
 * pins, batch entries) is opened here without blocking and checked on the open descriptor before
 * a byte is read: a FIFO, a device or a socket would otherwise stall or flood the reader. The
 * trust store adds its ownership rule here too, as OpenSSH checks its own files: only the user
 * running altroot, or root, may be able to change what it trusts.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <altroot/buf.h>

#include "guard.h"

static altroot_err open_error(int e)
{
    switch (e) {
    case ENOENT:
        return ALTROOT_E_NOT_FOUND;
    case ELOOP:
        return ALTROOT_E_STORE_SYMLINK; /* O_NOFOLLOW met a symbolic link */
    case ENXIO:
        return ALTROOT_E_NOT_REGULAR; /* a socket, or a device with nothing behind it */
    default:
        return ALTROOT_E_IO;
    }
}

/* Owned by the effective user or root, and writable by neither group nor others. */
static altroot_err owner_only(const struct stat *st)
{
    ENSURE(st->st_uid == geteuid() || st->st_uid == 0, ALTROOT_E_STORE_OWNER);
    ENSURE((st->st_mode & (S_IWGRP | S_IWOTH)) == 0, ALTROOT_E_STORE_WRITABLE);
    return ALTROOT_OK;
}

/* Opens `path` and checks it; on success *fd is open (caller closes) and *st describes it. */
static altroot_err open_checked(const char *path, bool dir, const altroot_file_rules *rules,
                                int *fd, struct stat *st)
{
    int flags = O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC | (rules->no_follow ? O_NOFOLLOW : 0);
    int f = open(path, flags);
    if (f < 0)
        return open_error(errno);
    altroot_err err = ALTROOT_OK;
    ENSURE_GOTO(fstat(f, st) == 0, ALTROOT_E_IO);
    ENSURE_GOTO(dir ? S_ISDIR(st->st_mode) : S_ISREG(st->st_mode), ALTROOT_E_NOT_REGULAR);
    if (rules->owner_only)
        TRY_GOTO(owner_only(st));
    *fd = f;
    return ALTROOT_OK;
out:
    close(f);
    return err;
}

altroot_err altroot_path_check(const char *path, bool dir, const altroot_file_rules *rules)
{
    ENSURE(path != NULL && rules != NULL, ALTROOT_E_INTERNAL);
    int fd = -1;
    struct stat st;
    TRY(open_checked(path, dir, rules, &fd, &st));
    close(fd);
    return ALTROOT_OK;
}

/* Reads at most `max_len` bytes; one more means the file grew past the limit. */
static altroot_err read_all(int fd, altroot_bytes *b, size_t max_len)
{
    for (;;) {
        uint8_t chunk[4096];
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        ENSURE(n >= 0, ALTROOT_E_IO);
        if (n == 0)
            return ALTROOT_OK;
        ENSURE((size_t)n <= max_len - b->len, ALTROOT_E_TOO_LARGE);
        TRY(altroot_bytes_append(b, chunk, (size_t)n));
    }
}

altroot_err altroot_file_read(altroot_bytes *out, const char *path, const altroot_file_rules *rules)
{
    ENSURE(out != NULL && path != NULL && rules != NULL, ALTROOT_E_INTERNAL);
    int fd = -1;
    struct stat st;
    TRY(open_checked(path, false, rules, &fd, &st));
    altroot_err err = ALTROOT_OK;
    altroot_bytes tmp = ALTROOT_BYTES_INIT;
    ENSURE_GOTO(st.st_size >= 0 && (uint64_t)st.st_size <= rules->max_len, ALTROOT_E_TOO_LARGE);
    TRY_GOTO(read_all(fd, &tmp, rules->max_len));
    altroot_bytes_clear(out);
    *out = tmp;
    tmp = (altroot_bytes)ALTROOT_BYTES_INIT;
out:
    altroot_bytes_clear(&tmp);
    close(fd);
    return err;
}

altroot_err altroot_bytes_read_file(altroot_bytes *out, const char *path, size_t max_len)
{
    altroot_file_rules rules = {.max_len = max_len};
    return altroot_file_read(out, path, &rules);
}
