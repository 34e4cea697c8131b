/*
 * audit.h: what the audit log says of each change: the JSON of the
 * things changed (users, keys, kiosk codes) as "before" and "after", and
 * who did it. No LMDB: the writer puts the entry in the transaction of
 * the change (writer_admin.c); store_each_audit() reads the log.
 * Trap: a secret, a password or its hash never goes into an entry; the
 * JSON of a user or a key says what a person may change, nothing else.
 */
#ifndef AUDIT_H
#define AUDIT_H

#include <stdint.h>

#include <jansson.h>

#include "catalog.h"
#include "model.h"

/* New JSON objects (the caller's): no hash, no salt, no secret. */
json_t	*audit_user_json(const struct user *);
json_t	*audit_key_json(const uint8_t hash[32], const struct apikey *);
json_t	*audit_enrol_json(const struct enrol *);
/* A unit's row as a row of units.csv (code, parent, kind, name_vi,
 * name_en, name_km), a procedure's as one of procedures.csv. */
json_t	*audit_catrow_json(const struct catrow *);
/*
 * j as compact JSON text into out[AUDIT_JSON_MAX + 1] ("" for NULL);
 * consumes the reference. An object too long for an entry is replaced
 * by {"truncated": true}, so the entry is still written.
 */
void	 audit_text(json_t *j, char out[AUDIT_JSON_MAX + 1]);
/* The actor of hailong's commands: "command LOGIN" (the user running
 * it), role ROLE_NONE, no unit. */
void	 audit_command_actor(struct actor *);
/* One entry as the JSON of GET /api/v1/admin/audit (new object). */
json_t	*audit_entry_json(const struct audit *);

#endif
