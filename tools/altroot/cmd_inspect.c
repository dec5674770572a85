/* altroot inspect FILE: what an artefact is and what it says, without judging it. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "inspect.h"

static const struct {
    const char *kind;
    inspector fn;
} inspectors[] = {
    {"ieee8021ar-devid", inspect_devid},
    {"x509-certificate", inspect_x509},
    {"matter-tlv-certificate", inspect_matter_tlv_cert},
    {"matter-certification-declaration", inspect_matter_cd},
    {"matter-attestation-elements", inspect_matter_elements},
    {"brski-voucher", inspect_brski_voucher},
    {"mud-file", inspect_mud},
    {"fdo-ownership-voucher", inspect_fdo_voucher},
};

static bool g_out_of_memory; /* set by inspect_keep(), checked after each inspector */

altroot_err inspect_keep(altroot_err err)
{
    if (err == ALTROOT_E_NOMEM)
        g_out_of_memory = true;
    return err;
}

void inspect_set_str(json_t *obj, const char *key, const char *value)
{
    json_object_set_new(obj, key, value != NULL ? json_string(value) : json_null());
}

void inspect_set_hex(json_t *obj, const char *key, altroot_span bytes)
{
    char buf[2 * 256 + 1];
    if (bytes.len > 256) {
        json_object_set_new(obj, key, json_string("(too long to show)"));
        return;
    }
    altroot_hex_encode(bytes, buf);
    json_object_set_new(obj, key, json_string(buf));
}

void inspect_set_time(json_t *obj, const char *key, altroot_time t)
{
    char buf[ALTROOT_TIME_STR_LEN];
    altroot_time_format(t, buf);
    json_object_set_new(obj, key, json_string(buf));
}

void inspect_add_error(json_t *obj, altroot_err err, const char *detail)
{
    json_t *errors = json_object_get(obj, "errors");
    if (errors == NULL) {
        errors = json_array();
        json_object_set_new(obj, "errors", errors);
    }
    char line[512];
    snprintf(line, sizeof line, "%s: %s", altroot_error_name(err), detail);
    json_array_append_new(errors, json_string(line));
}

bool inspect_contains(altroot_span data, size_t limit, const void *needle, size_t n)
{
    size_t len = data.len < limit ? data.len : limit;
    for (size_t i = 0; n > 0 && i + n <= len; i++)
        if (memcmp(data.ptr + i, needle, n) == 0)
            return true;
    return false;
}

static bool all_strings(json_t *a)
{
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v) if (!json_is_string(v)) return false;
    return true;
}

/* Indented "key: value" text for a JSON value; arrays of scalars on one line each. */
static void print_text(const char *key, json_t *v, int depth)
{
    const char *k;
    json_t *child;
    size_t i;
    if (json_is_object(v)) {
        if (key != NULL)
            printf("%*s%s:\n", depth * 2, "", key);
        json_object_foreach(v, k, child) print_text(k, child, key != NULL ? depth + 1 : depth);
    } else if (json_is_array(v) && all_strings(v)) {
        printf("%*s%s:", depth * 2, "", key);
        json_array_foreach(v, i, child) printf("%s %s", i > 0 ? "," : "", json_string_value(child));
        printf("%s\n", json_array_size(v) == 0 ? " (none)" : "");
    } else if (json_is_array(v)) {
        printf("%*s%s:\n", depth * 2, "", key);
        json_array_foreach(v, i, child) print_text("-", child, depth + 1);
    } else {
        char *s = json_is_string(v) ? NULL : json_dumps(v, JSON_ENCODE_ANY);
        printf("%*s%s: %s\n", depth * 2, "", key, s != NULL ? s : json_string_value(v));
        free(s);
    }
}

static int inspect_data(const char *path, altroot_span data, bool json)
{
    for (size_t i = 0; i < sizeof inspectors / sizeof inspectors[0]; i++) {
        json_t *obj = json_object();
        json_object_set_new(obj, "file", json_string(path));
        json_object_set_new(obj, "kind", json_string(inspectors[i].kind));
        inspect_result r = inspectors[i].fn(data, obj);
        if (g_out_of_memory) {
            json_decref(obj);
            cli_error(path, ALTROOT_E_NOMEM);
            return EXIT_USAGE;
        }
        if (r != INSPECT_NOT_MINE) {
            if (json)
                json_dumpf(obj, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER), putchar('\n');
            else
                print_text(NULL, obj, 0);
            json_decref(obj);
            return r == INSPECT_OK ? EXIT_VERIFIED : EXIT_NOT_VERIFIED;
        }
        json_decref(obj);
    }
    fprintf(stderr, "altroot inspect: %s: not an artefact altroot knows (E_MALFORMED)\n", path);
    return EXIT_NOT_VERIFIED;
}

int cmd_inspect(int argc, char **argv)
{
    cli_common c = {0};
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        int r = cli_common_option(&c, argc, argv, &i);
        if (r < 0)
            return EXIT_USAGE;
        if (r == 0 && (argv[i][0] == '-' || path != NULL)) {
            fprintf(stderr, "usage: altroot inspect [--json] FILE\n");
            return EXIT_USAGE;
        }
        if (r == 0)
            path = argv[i];
    }
    if (path == NULL) {
        fprintf(stderr, "usage: altroot inspect [--json] FILE\n");
        return EXIT_USAGE;
    }
    altroot_bytes data = ALTROOT_BYTES_INIT;
    if (!cli_read_file(path, &data))
        return EXIT_USAGE;
    int rc = inspect_data(path, altroot_bytes_span(&data), c.json);
    altroot_bytes_clear(&data);
    return rc;
}
