/*
 * Static files under --root. The request parser already refuses "..", ".", NUL, control bytes
 * and encoded slashes; here the final path is resolved with realpath() (every symlink followed)
 * and must still lie under the root, so a symlink that points outside is not served either. The
 * resolved path is then opened from the root one component at a time, following no symlink, so
 * a directory swapped for a symlink after realpath() cannot lead out of the root.
 */
#define _GNU_SOURCE /* O_PATH */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "server_internal.h"

typedef struct type_entry {
    const char *ext;
    const char *type;
} type_entry;

static const type_entry types[] = {
    {".html", "text/html; charset=utf-8"},
    {".htm", "text/html; charset=utf-8"},
    {".txt", "text/plain; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".json", "application/json"},
    {".png", "image/png"},
    {".jpg", "image/jpeg"},
    {".jpeg", "image/jpeg"},
    {".gif", "image/gif"},
    {".svg", "image/svg+xml"},
    {".ico", "image/vnd.microsoft.icon"},
    {".pem", "application/x-pem-file"},
    {".cbor", "application/cbor"},
};

static const char *type_for(const char *path)
{
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    if (dot != NULL && (slash == NULL || dot > slash))
        for (size_t i = 0; i < ALTROOT_ARRAY_LEN(types); i++)
            if (strcmp(dot, types[i].ext) == 0)
                return types[i].type;
    return "application/octet-stream";
}

/* `resolved` is `root` itself or below it: "/srv/www" contains "/srv/www/a", not "/srv/wwwx". */
static bool contained(const char *root, const char *resolved)
{
    size_t n = strlen(root);
    if (strncmp(resolved, root, n) != 0)
        return false;
    return resolved[n] == '/' || resolved[n] == '\0' || (n == 1 && root[0] == '/');
}

/* realpath() of base + path + suffix, only when it stays under root. */
static altroot_err resolve(const char *root, const char *base, const char *path, const char *suffix,
                           char out[PATH_MAX])
{
    char joined[PATH_MAX];
    int n = snprintf(joined, sizeof joined, "%s%s%s", base, path, suffix);
    ENSURE(n > 0 && (size_t)n < sizeof joined, ALTROOT_E_NOT_FOUND);
    ENSURE(realpath(joined, out) != NULL, ALTROOT_E_NOT_FOUND);
    ENSURE(contained(root, out), ALTROOT_E_NOT_FOUND);
    return ALTROOT_OK;
}

int srv_open_beneath(const char *root, const char *real)
{
    size_t n = strlen(root);
    if (!contained(root, real)) {
        errno = ENOENT;
        return -1;
    }
    const char *rel = real + n;
    while (*rel == '/')
        rel++;
    int dir = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    while (dir >= 0) {
        const char *slash = strchr(rel, '/');
        size_t len = slash != NULL ? (size_t)(slash - rel) : strlen(rel);
        char part[NAME_MAX + 1];
        if (len == 0 || len > NAME_MAX) {
            (void)close(dir);
            errno = ENOENT;
            return -1;
        }
        memcpy(part, rel, len);
        part[len] = '\0';
        int flags = slash != NULL ? O_PATH | O_DIRECTORY : O_RDONLY | O_NONBLOCK | O_NOCTTY;
        int next = openat(dir, part, flags | O_NOFOLLOW | O_CLOEXEC);
        (void)close(dir);
        if (next < 0 || slash == NULL)
            return next;
        dir = next;
        rel = slash + 1;
    }
    return -1;
}

altroot_err srv_file_open(const char *root, const char *path, int *fd, uint64_t *size,
                          const char **content_type)
{
    ENSURE(root[0] == '/' && path[0] == '/', ALTROOT_E_INTERNAL);
    char real[PATH_MAX];
    size_t len = strlen(path);
    TRY(resolve(root, root, path, path[len - 1] == '/' ? "index.html" : "", real));
    struct stat st;
    ENSURE(stat(real, &st) == 0, ALTROOT_E_NOT_FOUND);
    if (S_ISDIR(st.st_mode)) {
        char dir[PATH_MAX];
        memcpy(dir, real, sizeof dir);
        TRY(resolve(root, dir, "/", "index.html", real));
    }
    /* The resolved path holds no symlink, and none is followed while it is opened; fstat()
     * judges what was actually opened. */
    int f = srv_open_beneath(root, real);
    ENSURE(f >= 0, ALTROOT_E_NOT_FOUND);
    if (fstat(f, &st) != 0 || !S_ISREG(st.st_mode)) {
        (void)close(f);
        return ALTROOT_E_NOT_FOUND;
    }
    *fd = f;
    *size = (uint64_t)st.st_size;
    *content_type = type_for(real);
    return ALTROOT_OK;
}
