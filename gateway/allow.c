/* altroot gateway allow NAME: an external account binding key for one device name. */
#include <string.h>

#include <altroot/fdo_crypto.h>

#include "../src/core/guard.h"
#include "gateway.h"

static altroot_err new_key(altroot_gw_eab *e)
{
    uint8_t id[16];
    TRY(altroot_random_bytes(id, sizeof id));
    TRY(altroot_random_bytes(e->hmac, sizeof e->hmac));
    altroot_bytes kid = ALTROOT_BYTES_INIT;
    altroot_err err = altroot_gw_b64((altroot_span){id, sizeof id}, true, &kid);
    if (err == ALTROOT_OK && kid.len < sizeof e->kid)
        memcpy(e->kid, kid.ptr, kid.len + 1);
    else if (err == ALTROOT_OK)
        err = ALTROOT_E_INTERNAL;
    altroot_bytes_clear(&kid);
    return err;
}

altroot_err altroot_gw_db_settings(altroot_gw_db *db, char zone[ALTROOT_GW_NAME_MAX],
                                   bool *allow_local)
{
    ENSURE(db != NULL && zone != NULL && allow_local != NULL, ALTROOT_E_INTERNAL);
    char local[8];
    altroot_err err = altroot_gw_db_meta_get(db, "zone", zone, ALTROOT_GW_NAME_MAX);
    if (err == ALTROOT_OK)
        err = altroot_gw_db_meta_get(db, "allow_local", local, sizeof local);
    /* A database without its settings was never completed: no gateway. */
    if (err == ALTROOT_E_NOT_FOUND)
        return ALTROOT_E_GATEWAY_NOT_INITIALISED;
    TRY(err);
    *allow_local = strcmp(local, "1") == 0;
    return ALTROOT_OK;
}

altroot_err altroot_gw_allow(const char *dir, const char *name, altroot_time now,
                             altroot_gw_eab *out)
{
    ENSURE(dir != NULL && name != NULL && out != NULL, ALTROOT_E_INTERNAL);
    altroot_gw_db *db = NULL;
    TRY(altroot_gw_db_open(dir, &db));
    altroot_gw_eab e;
    memset(&e, 0, sizeof e);
    char zone[ALTROOT_GW_NAME_MAX];
    bool allow_local = false;
    altroot_err err = ALTROOT_OK;
    TRY_GOTO(altroot_gw_db_settings(db, zone, &allow_local));
    TRY_GOTO(altroot_gw_name_in_zone(zone, allow_local, name, e.name));
    TRY_GOTO(new_key(&e));
    e.created = now;
    TRY_GOTO(altroot_gw_db_begin(db));
    TRY_GOTO(altroot_gw_db_eab_add(db, &e));
    TRY_GOTO(altroot_gw_db_commit(db));
    *out = e;
out:
    if (err != ALTROOT_OK)
        altroot_gw_db_rollback(db);
    altroot_gw_db_close(db);
    altroot_wipe(&e, sizeof e);
    return err;
}
