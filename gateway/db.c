/* The gateway's state in SQLite: WAL journal, full fsync, one transaction per state change, so
 * a gateway killed at any moment reopens with every committed change and no half of one. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include <altroot/alloc.h>

#include "../src/core/guard.h"
#include "gateway.h"

#define SCHEMA_VERSION 1

struct altroot_gw_db {
    sqlite3 *h;
};

static const char schema_v1[] =
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;"
    "CREATE TABLE eab(kid TEXT PRIMARY KEY, name TEXT NOT NULL, hmac BLOB NOT NULL,"
    " created INTEGER NOT NULL) STRICT;"
    "PRAGMA user_version = 1;";

static altroot_err exec(altroot_gw_db *db, const char *sql)
{
    ENSURE(sqlite3_exec(db->h, sql, NULL, NULL, NULL) == SQLITE_OK, ALTROOT_E_GATEWAY_DB);
    return ALTROOT_OK;
}

static altroot_err db_path(const char *dir, char *path, size_t len)
{
    ENSURE(dir != NULL, ALTROOT_E_INTERNAL);
    int n = snprintf(path, len, "%s/%s", dir, ALTROOT_GW_DB);
    ENSURE(n > 0 && (size_t)n < len, ALTROOT_E_ARG);
    return ALTROOT_OK;
}

/* synchronous=FULL: a committed transaction survives a power cut too, not only a crash. */
static altroot_err configure(altroot_gw_db *db)
{
    sqlite3_busy_timeout(db->h, 5000);
    TRY(exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
                 "PRAGMA foreign_keys = ON; PRAGMA trusted_schema = OFF;"));
    return ALTROOT_OK;
}

static altroot_err open_handle(const char *path, int flags, altroot_gw_db **out)
{
    altroot_gw_db *db = altroot_calloc(1, sizeof *db);
    ENSURE(db != NULL, ALTROOT_E_NOMEM);
    altroot_err err = ALTROOT_OK;
    ENSURE_GOTO(sqlite3_open_v2(path, &db->h, flags | SQLITE_OPEN_NOFOLLOW, NULL) == SQLITE_OK,
                ALTROOT_E_GATEWAY_DB);
    TRY_GOTO(configure(db));
    *out = db;
    db = NULL;
out:
    altroot_gw_db_close(db);
    return err;
}

altroot_err altroot_gw_db_create(const char *dir, altroot_gw_db **out)
{
    ENSURE(out != NULL, ALTROOT_E_INTERNAL);
    char path[4096];
    TRY(db_path(dir, path, sizeof path));
    /* Created here first, so the file (and the -wal and -shm files SQLite gives the same
     * mode) is private from the start. */
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    ENSURE(fd >= 0, ALTROOT_E_GATEWAY_DIR);
    ENSURE(close(fd) == 0, ALTROOT_E_IO);
    altroot_gw_db *db = NULL;
    TRY(open_handle(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &db));
    altroot_err err = exec(db, "BEGIN IMMEDIATE;");
    if (err == ALTROOT_OK)
        err = exec(db, schema_v1);
    if (err == ALTROOT_OK)
        err = exec(db, "COMMIT;");
    if (err != ALTROOT_OK) {
        altroot_gw_db_close(db);
        return err;
    }
    *out = db;
    return ALTROOT_OK;
}

/* The directory holds the keys: a directory others may enter or list is refused. */
static altroot_err check_dir(const char *dir)
{
    struct stat st;
    if (lstat(dir, &st) != 0)
        return errno == ENOENT ? ALTROOT_E_GATEWAY_NOT_INITIALISED : ALTROOT_E_IO;
    ENSURE(S_ISDIR(st.st_mode), ALTROOT_E_GATEWAY_DIR);
    ENSURE((st.st_mode & 077) == 0 && st.st_uid == geteuid(), ALTROOT_E_GATEWAY_DIR);
    return ALTROOT_OK;
}

static altroot_err schema_version(altroot_gw_db *db, int *version)
{
    sqlite3_stmt *st = NULL;
    ENSURE(sqlite3_prepare_v2(db->h, "PRAGMA user_version;", -1, &st, NULL) == SQLITE_OK,
           ALTROOT_E_GATEWAY_DB);
    altroot_err err = sqlite3_step(st) == SQLITE_ROW ? ALTROOT_OK : ALTROOT_E_GATEWAY_DB;
    if (err == ALTROOT_OK)
        *version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return err;
}

altroot_err altroot_gw_db_open(const char *dir, altroot_gw_db **out)
{
    ENSURE(out != NULL, ALTROOT_E_INTERNAL);
    TRY(check_dir(dir));
    char path[4096];
    TRY(db_path(dir, path, sizeof path));
    ENSURE(access(path, F_OK) == 0, ALTROOT_E_GATEWAY_NOT_INITIALISED);
    altroot_gw_db *db = NULL;
    TRY(open_handle(path, SQLITE_OPEN_READWRITE, &db));
    int version = -1;
    altroot_err err = schema_version(db, &version);
    if (err == ALTROOT_OK && version != SCHEMA_VERSION)
        err = ALTROOT_E_GATEWAY_SCHEMA;
    if (err != ALTROOT_OK) {
        altroot_gw_db_close(db);
        return err;
    }
    *out = db;
    return ALTROOT_OK;
}

void altroot_gw_db_close(altroot_gw_db *db)
{
    if (db == NULL)
        return;
    sqlite3_close(db->h);
    altroot_free(db);
}

altroot_err altroot_gw_db_begin(altroot_gw_db *db)
{
    /* IMMEDIATE takes the write lock now, so two writers never both read then write. */
    return exec(db, "BEGIN IMMEDIATE;");
}

altroot_err altroot_gw_db_commit(altroot_gw_db *db)
{
    return exec(db, "COMMIT;");
}

void altroot_gw_db_rollback(altroot_gw_db *db)
{
    if (db != NULL && !sqlite3_get_autocommit(db->h))
        (void)sqlite3_exec(db->h, "ROLLBACK;", NULL, NULL, NULL);
}

altroot_err altroot_gw_db_meta_set(altroot_gw_db *db, const char *key, const char *value)
{
    ENSURE(db != NULL && key != NULL && value != NULL, ALTROOT_E_INTERNAL);
    sqlite3_stmt *st = NULL;
    ENSURE(sqlite3_prepare_v2(db->h, "INSERT OR REPLACE INTO meta(key, value) VALUES(?1, ?2);", -1,
                              &st, NULL) == SQLITE_OK,
           ALTROOT_E_GATEWAY_DB);
    altroot_err err = ALTROOT_OK;
    if (sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_DONE)
        err = ALTROOT_E_GATEWAY_DB;
    sqlite3_finalize(st);
    return err;
}

/* Run a one-parameter SELECT: *out is the statement at its first row (the caller finalizes it);
 * E_NOT_FOUND when there is none. */
static altroot_err select_one(altroot_gw_db *db, const char *sql, const char *key,
                              sqlite3_stmt **out)
{
    sqlite3_stmt *st = NULL;
    ENSURE(sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) == SQLITE_OK, ALTROOT_E_GATEWAY_DB);
    int rc = sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC) == SQLITE_OK ? sqlite3_step(st)
                                                                           : SQLITE_ERROR;
    if (rc == SQLITE_ROW) {
        *out = st;
        return ALTROOT_OK;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? ALTROOT_E_NOT_FOUND : ALTROOT_E_GATEWAY_DB;
}

altroot_err altroot_gw_db_meta_get(altroot_gw_db *db, const char *key, char *out, size_t len)
{
    ENSURE(db != NULL && key != NULL && out != NULL && len > 0, ALTROOT_E_INTERNAL);
    sqlite3_stmt *st = NULL;
    TRY(select_one(db, "SELECT value FROM meta WHERE key = ?1;", key, &st));
    altroot_err err = ALTROOT_OK;
    const unsigned char *value = sqlite3_column_text(st, 0);
    size_t n = (size_t)sqlite3_column_bytes(st, 0);
    if (value == NULL || n >= len)
        err = value == NULL ? ALTROOT_E_GATEWAY_DB : ALTROOT_E_TOO_LARGE;
    else
        memcpy(out, value, n + 1);
    sqlite3_finalize(st);
    return err;
}

altroot_err altroot_gw_db_eab_add(altroot_gw_db *db, const altroot_gw_eab *eab)
{
    ENSURE(db != NULL && eab != NULL, ALTROOT_E_INTERNAL);
    sqlite3_stmt *st = NULL;
    ENSURE(sqlite3_prepare_v2(db->h,
                              "INSERT INTO eab(kid, name, hmac, created) VALUES(?1, ?2, ?3, ?4);",
                              -1, &st, NULL) == SQLITE_OK,
           ALTROOT_E_GATEWAY_DB);
    altroot_err err = ALTROOT_OK;
    if (sqlite3_bind_text(st, 1, eab->kid, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(st, 2, eab->name, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_blob(st, 3, eab->hmac, sizeof eab->hmac, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_int64(st, 4, eab->created) != SQLITE_OK || sqlite3_step(st) != SQLITE_DONE)
        err = ALTROOT_E_GATEWAY_DB;
    sqlite3_finalize(st);
    return err;
}

static altroot_err eab_row(sqlite3_stmt *st, altroot_gw_eab *out)
{
    const unsigned char *name = sqlite3_column_text(st, 0);
    const void *hmac = sqlite3_column_blob(st, 1);
    ENSURE(name != NULL && (size_t)sqlite3_column_bytes(st, 0) < sizeof out->name,
           ALTROOT_E_GATEWAY_DB);
    ENSURE(hmac != NULL && (size_t)sqlite3_column_bytes(st, 1) == sizeof out->hmac,
           ALTROOT_E_GATEWAY_DB);
    memcpy(out->name, name, (size_t)sqlite3_column_bytes(st, 0) + 1);
    memcpy(out->hmac, hmac, sizeof out->hmac);
    out->created = sqlite3_column_int64(st, 2);
    return ALTROOT_OK;
}

altroot_err altroot_gw_db_eab_get(altroot_gw_db *db, const char *kid, altroot_gw_eab *out)
{
    ENSURE(db != NULL && kid != NULL && out != NULL, ALTROOT_E_INTERNAL);
    ENSURE(strlen(kid) < sizeof out->kid, ALTROOT_E_NOT_FOUND);
    sqlite3_stmt *st = NULL;
    TRY(select_one(db, "SELECT name, hmac, created FROM eab WHERE kid = ?1;", kid, &st));
    altroot_gw_eab e;
    memset(&e, 0, sizeof e);
    altroot_err err = eab_row(st, &e);
    sqlite3_finalize(st);
    if (err == ALTROOT_OK) {
        memcpy(e.kid, kid, strlen(kid) + 1);
        *out = e;
    }
    altroot_wipe(&e, sizeof e);
    return err;
}
