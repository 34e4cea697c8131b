/*
 * h_meta.c: the unit tree (each unit with the survey it asks), the
 * procedure catalogue and the services of the service surveys as JSON,
 * for the one-stop software and the counter page; the health check.
 * Trap: the lists are fixed after start, so each is rendered once, by
 * h_state_init, and served from memory.
 */
#include <sys/statvfs.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "h.h"
#include "util.h"


int
h_meta_render(const struct app *app, const struct catalog *cat,
    char **units, char **procs, char **services)
{
	json_t			*a, *al, *o;
	size_t			 i, j;

	a = json_array();
	for (i = 0; i < cat->nunits; i++) {
		const struct unit *u = &cat->units[i];

		json_array_append_new(a, json_pack("{s:s, s:s?, s:s, s:i, s:o, "
		    "s:s}", "code", u->code, "parent", u->parent[0] != '\0' ?
		    u->parent : NULL, "kind", u->kind, "depth", u->depth,
		    "name", text_json(&u->name, NULL), "survey",
		    surveys_for_kind(&app->sch->surveys, u->kind)->id));
		/* Retired from that day on (local): never offered then. */
		if (u->retired[0] != '\0') {
			o = json_array_get(a, json_array_size(a) - 1);
			json_object_set_new(o, "retired",
			    json_string(u->retired));
			json_object_set_new(o, "successor",
			    json_string(u->successor));
		}
	}
	*units = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	a = json_array();
	for (i = 0; i < cat->nprocs; i++) {
		const struct procedure *p = &cat->procs[i];

		al = json_array();
		for (j = 0; j < p->naliases; j++)
			json_array_append_new(al, json_string(p->aliases[j]));
		json_array_append_new(a, json_pack("{s:s, s:s, s:o, s:o}",
		    "code", p->code, "sector", p->sector,
		    "name", text_json(&p->name, NULL), "aliases", al));
		if (p->withdrawn[0] != '\0')
			json_object_set_new(json_array_get(a,
			    json_array_size(a) - 1), "withdrawn",
			    json_string(p->withdrawn));
	}
	*procs = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	a = json_array();
	for (i = 0; i < cat->nservices; i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:o}",
		    "code", cat->services[i].code, "survey",
		    cat->services[i].survey, "name",
		    text_json(&cat->services[i].name, NULL)));
	*services = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	return (*units != NULL && *procs != NULL && *services != NULL ?
	    0 : -1);
}


void
h_units(struct req *r)
{
	http_reply_json(r, 200, r->app->units_json);
}

void
h_procedures(struct req *r)
{
	http_reply_json(r, 200, r->app->procs_json);
}

void
h_services(struct req *r)
{
	http_reply_json(r, 200, r->app->services_json);
}

void
h_healthz(struct req *r)
{
	struct statvfs	 sv;

	if (store_check(r->app->st) != 0) {
		http_fail(r, 503, "database not writable");
		return;
	}
	/* A full disk takes answers down with it: say so before. */
	if (statvfs(store_dir(r->app->st), &sv) == 0 &&
	    (unsigned long long)sv.f_bavail * sv.f_frsize < HEALTH_FREE_MIN) {
		http_fail(r, 503, "disk nearly full");
		return;
	}
	http_reply_json(r, 200, "{\"status\":\"ok\"}");
}
