/* altroot serve's file layer: containment under --root, also against a directory swapped for a
 * symlink after the path was resolved. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "server_internal.h"
#include "testutil.h"

static char g_base[64];       /* the test's folder */
static char g_root[PATH_MAX]; /* its real path + "/www" */

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

static void path_of(char out[PATH_MAX], const char *rel)
{
    assert_true(snprintf(out, PATH_MAX, "%s/%s", g_root, rel) < PATH_MAX);
}

static int setup(void **state)
{
    (void)state;
    snprintf(g_base, sizeof g_base, "/tmp/altroot-files-XXXXXX");
    if (mkdtemp(g_base) == NULL)
        return -1;
    char real[PATH_MAX];
    if (realpath(g_base, real) == NULL)
        return -1;
    if (strlen(real) + sizeof "/www" > sizeof g_root)
        return -1;
    memcpy(g_root, real, strlen(real));
    memcpy(g_root + strlen(real), "/www", sizeof "/www");
    char p[PATH_MAX + 64];
    snprintf(p, sizeof p, "%s/outside", real);
    if (mkdir(g_root, 0755) != 0 || mkdir(p, 0755) != 0)
        return -1;
    snprintf(p, sizeof p, "%s/outside/secret.txt", real);
    write_text(p, "secret");
    snprintf(p, sizeof p, "%s/sub", g_root);
    if (mkdir(p, 0755) != 0)
        return -1;
    snprintf(p, sizeof p, "%s/sub/secret.txt", g_root);
    write_text(p, "inside");
    snprintf(p, sizeof p, "%s/link.txt", g_root);
    if (symlink("sub/secret.txt", p) != 0)
        return -1;
    snprintf(p, sizeof p, "%s/out.txt", g_root);
    return symlink("../outside/secret.txt", p);
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_base);
    return system(cmd) == 0 ? 0 : -1;
}

static void expect_body(int fd, const char *body)
{
    char buf[64] = {0};
    assert_true(fd >= 0);
    assert_int_equal(read(fd, buf, sizeof buf - 1), (ssize_t)strlen(body));
    assert_string_equal(buf, body);
    close(fd);
}

static void opens_only_beneath_the_root(void **state)
{
    (void)state;
    char p[PATH_MAX];
    path_of(p, "sub/secret.txt");
    expect_body(srv_open_beneath(g_root, p), "inside");
    /* A symlink is never followed, inside the root or out of it. */
    path_of(p, "link.txt");
    errno = 0;
    assert_int_equal(srv_open_beneath(g_root, p), -1);
    assert_int_equal(errno, ELOOP);
    path_of(p, "out.txt");
    assert_int_equal(srv_open_beneath(g_root, p), -1);
    /* Not under the root at all, or only by a shared prefix ("www" vs "wwwx"). */
    assert_int_equal(srv_open_beneath(g_root, "/etc/hostname"), -1);
    char prefix[PATH_MAX + 16];
    snprintf(prefix, sizeof prefix, "%sx/sub/secret.txt", g_root);
    assert_int_equal(srv_open_beneath(g_root, prefix), -1);
}

static void files_by_request_path(void **state)
{
    (void)state;
    int fd = -1;
    uint64_t size = 0;
    const char *type = NULL;
    assert_ok(srv_file_open(g_root, "/sub/secret.txt", &fd, &size, &type));
    assert_int_equal(size, 6);
    assert_string_equal(type, "text/plain; charset=utf-8");
    expect_body(fd, "inside");
    /* A symlink inside the root that points inside is served as its target. */
    assert_ok(srv_file_open(g_root, "/link.txt", &fd, &size, &type));
    expect_body(fd, "inside");
    assert_int_equal(srv_file_open(g_root, "/out.txt", &fd, &size, &type), ALTROOT_E_NOT_FOUND);
    assert_int_equal(srv_file_open(g_root, "/sub/", &fd, &size, &type), ALTROOT_E_NOT_FOUND);
}

/* The race: the path was resolved while sub/ was a directory; by the time it is opened, sub is a
 * symlink to a folder outside the root that holds a file of the same name. */
static void directory_swapped_for_a_symlink(void **state)
{
    (void)state;
    char resolved[PATH_MAX], sub[PATH_MAX], moved[PATH_MAX];
    path_of(resolved, "sub/secret.txt");
    path_of(sub, "sub");
    path_of(moved, "sub.moved");
    assert_int_equal(rename(sub, moved), 0);
    assert_int_equal(symlink("../outside", sub), 0);
    /* The control: O_NOFOLLOW guards only the last component, so a plain open gets out. */
    expect_body(open(resolved, O_RDONLY | O_NOFOLLOW), "secret");
    assert_int_equal(srv_open_beneath(g_root, resolved), -1);
    assert_int_equal(unlink(sub), 0);
    assert_int_equal(rename(moved, sub), 0);
    expect_body(srv_open_beneath(g_root, resolved), "inside");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(opens_only_beneath_the_root),
        cmocka_unit_test(files_by_request_path),
        cmocka_unit_test(directory_swapped_for_a_symlink),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
