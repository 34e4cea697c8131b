/*
 * h_meta.c: the unit tree and the procedure catalogue as JSON, for the
 * one-stop software and the counter page; the health check.
 * Trap: both lists are fixed after start, so each is rendered once and
 * served from memory.
 */
#include <pthread.h>
#include <sys/statvfs.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "h.h"
#include "util.h"

static pthread_once_t	 meta_once = PTHREAD_ONCE_INIT;
static char		*meta_units;
static char		*meta_procs;
static struct catalog	*meta_cat;

static json_t *
meta_names(const struct text *t)
{
	json_t	*o = json_object();
	int	 l;

	for (l = 0; l < LANG_COUNT; l++)
		json_object_set_new(o, lang_code(l),
		    json_string(t->s[l] != NULL ? t->s[l] : ""));
	return (o);
}

static void
meta_render(void)
{
	json_t	*a, *al;
	size_t	 i, j;

	a = json_array();
	for (i = 0; i < meta_cat->nunits; i++) {
		const struct unit *u = &meta_cat->units[i];

		json_array_append_new(a, json_pack("{s:s, s:s?, s:s, s:i, s:o}",
		    "code", u->code, "parent", u->parent[0] != '\0' ?
		    u->parent : NULL, "kind", u->kind, "depth", u->depth,
		    "name", meta_names(&u->name)));
	}
	meta_units = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	a = json_array();
	for (i = 0; i < meta_cat->nprocs; i++) {
		const struct procedure *p = &meta_cat->procs[i];

		al = json_array();
		for (j = 0; j < p->naliases; j++)
			json_array_append_new(al, json_string(p->aliases[j]));
		json_array_append_new(a, json_pack("{s:s, s:s, s:o, s:o}",
		    "code", p->code, "sector", p->sector,
		    "name", meta_names(&p->name), "aliases", al));
	}
	meta_procs = json_dumps(a, JSON_COMPACT);
	json_decref(a);
}

static void
meta_reply(struct req *r, char **which)
{
	meta_cat = r->app->cat;
	pthread_once(&meta_once, meta_render);
	if (*which == NULL) {
		http_fail(r, 500, "internal error");
		return;
	}
	http_reply_json(r, 200, *which);
}

void
h_units(struct req *r)
{
	meta_reply(r, &meta_units);
}

void
h_procedures(struct req *r)
{
	meta_reply(r, &meta_procs);
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
