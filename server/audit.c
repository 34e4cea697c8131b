/*
 * audit.c: the JSON an audit entry holds of each thing changed, and who
 * changed it. Pure functions: the writer calls them inside its
 * transaction, the API to show entries.
 * Trap: before and after are stored as text and parsed again on the way
 * out; a text that does not parse (a damaged record) is shown as a
 * string, never dropped.
 */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "util.h"

json_t *
audit_user_json(const struct user *u)
{
	char	 changed[32];

	format_time(u->changed, changed);
	/* Of one-time codes, whether they are on: never the secret. */
	return (json_pack("{s:s,s:s,s:s,s:b,s:s,s:s}", "name", u->name, "role",
	    role_name((enum role)u->role), "unit", u->unit, "disabled",
	    (u->flags & USER_DISABLED) != 0, "changed", changed, "totp",
	    (u->flags & USER_TOTP) != 0 ? "on" : (u->flags & USER_TOTP_NEW) !=
	    0 ? "new" : "off"));
}

json_t *
audit_key_json(const uint8_t hash[32], const struct apikey *k)
{
	char	 id[KEY_ID_HEX + 1], created[32];
	json_t	*j;

	apikey_id_hex(hash, id);
	format_time(k->created, created);
	j = json_pack("{s:s,s:s,s:s,s:s,s:s}", "id", id, "name", k->name,
	    "role", role_name((enum role)k->role), "unit", k->unit,
	    "created", created);
	if (j != NULL && k->counter[0] != '\0')
		json_object_set_new(j, "counter", json_string(k->counter));
	return (j);
}

json_t *
audit_enrol_json(const struct enrol *e)
{
	char	 expires[32];

	format_time(e->expires, expires);
	return (json_pack("{s:s,s:s,s:s,s:s}", "kiosk", e->name, "unit",
	    e->unit, "counter", e->counter, "code_expires", expires));
}

json_t *
audit_catrow_json(const struct catrow *c)
{
	json_t	*j;

	if (c->type == CATROW_UNIT) {
		j = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "code",
		    c->code, "parent", c->parent, "kind", c->kind, "name_vi",
		    c->name[LANG_VI], "name_en", c->name[LANG_EN], "name_km",
		    c->name[LANG_KM], "hotline", c->hotline);
		if (j != NULL && c->retired[0] != '\0') {
			json_object_set_new(j, "retired",
			    json_string(c->retired));
			json_object_set_new(j, "successor",
			    json_string(c->successor));
		}
		return (j);
	}
	j = json_pack("{s:s,s:s,s:s,s:s,s:s}", "code", c->code, "sector",
	    c->sector, "name_vi", c->name[LANG_VI], "name_en",
	    c->name[LANG_EN], "name_km", c->name[LANG_KM]);
	if (j != NULL && c->retired[0] != '\0')
		json_object_set_new(j, "withdrawn", json_string(c->retired));
	return (j);
}

void
audit_text(json_t *j, char out[AUDIT_JSON_MAX + 1])
{
	char	*s;

	out[0] = '\0';
	if (j == NULL)
		return;
	s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(j);
	if (s == NULL || strlen(s) > AUDIT_JSON_MAX)
		strlcpy(out, "{\"truncated\":true}", AUDIT_JSON_MAX + 1);
	else
		strlcpy(out, s, AUDIT_JSON_MAX + 1);
	free(s);
}

void
audit_command_actor(struct actor *ac)
{
	struct passwd	*pw;
	char		 login[64];

	memset(ac, 0, sizeof(*ac));
	ac->role = ROLE_NONE;
	if ((pw = getpwuid(geteuid())) != NULL && pw->pw_name != NULL)
		strlcpy(login, pw->pw_name, sizeof(login));
	else
		snprintf(login, sizeof(login), "uid %u",
		    (unsigned)geteuid());
	snprintf(ac->who, sizeof(ac->who), "command %s", login);
}

/* Stored JSON text as a value: parsed, or kept as a string. */
static json_t *
audit_value(const char *s)
{
	json_t	*j;

	if (s[0] == '\0')
		return (json_null());
	if ((j = json_loads(s, JSON_DECODE_ANY, NULL)) == NULL)
		j = json_string(s);
	return (j);
}

json_t *
audit_entry_json(const struct audit *a)
{
	char	 at[32], id[24];

	format_time(a->at, at);
	snprintf(id, sizeof(id), "%llu", (unsigned long long)a->key);
	return (json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:o}", "id", id,
	    "at", at, "who", a->who, "role", a->role == ROLE_NONE ?
	    "operator" : role_name((enum role)a->role), "action", a->action,
	    "unit", a->unit, "before", audit_value(a->before), "after",
	    audit_value(a->after)));
}
