/*
 * h_state.c: the state the handlers share while a server runs, made
 * before the first request and freed after the last: the browser
 * sessions and the password failures per name, the pairing of kiosks
 * with counters (and its timer; the tickets offered before a restart
 * read back from the store), the kiosks' guards, the unit tree and
 * procedure list as JSON, and the swap of the catalogue while serving.
 */
#include <stdio.h>
#include <stdlib.h>

#include "backoff.h"
#include "catswap.h"
#include "keyseen.h"
#include "h.h"
#include "pair.h"
#include "session.h"
#include "store.h"
#include "util.h"

static int
h_state_pending(const struct ticket *t, int64_t offered, void *arg)
{
	pair_restore(arg, t, offered);
	return (0);
}

int
h_state_init(struct app *a)
{
	char	*u = NULL, *p = NULL, *s = NULL;

	a->sessions = sessions_new();
	a->backoff = backoff_create();
	a->guards = h_kiosk_guards_new();
	a->swap = catswap_new();
	a->keyseen = keyseen_new();
	a->admin_fail = h_adminpage_fail;
	if (h_meta_render(a, a->cat, &u, &p, &s) == -1) {
		free(u);
		free(p);
		free(s);
		h_state_free(a);
		return (-1);
	}
	a->units_json = u;
	a->procs_json = p;
	a->services_json = s;
	if ((a->pair = pair_new()) == NULL) {
		h_state_free(a);
		return (-1);
	}
	/* Not a reason to refuse to serve: kiosks are offered new ones. */
	if (store_each_pending(a->st, h_state_pending, a->pair) != 0)
		log_warn("the tickets offered to kiosks before the restart "
		    "cannot be read; offering new ones only");
	return (0);
}

int
h_state_catalog_reload(struct app *a, char *why, size_t whylen)
{
	struct catalog	*cat = NULL, *old;
	char		*u = NULL, *p = NULL, *s = NULL, *ou, *op, *os;
	int		 rc = -1;

	catswap_change_begin(a->swap);
	if (app_catalog_load(a, &cat, why, whylen) == -1 ||
	    app_catalog_check(a, cat, why, whylen) == -1)
		goto out;
	if (h_meta_render(a, cat, &u, &p, &s) == -1) {
		snprintf(why, whylen, "cannot render the units and "
		    "procedures");
		goto out;
	}
	old = a->cat;
	ou = a->units_json;
	op = a->procs_json;
	os = a->services_json;
	a->cat = cat;
	a->units_json = u;
	a->procs_json = p;
	a->services_json = s;
	catswap_retire(a->swap, old, ou, op, os);
	cat = NULL;
	u = p = s = NULL;
	rc = 0;
out:
	catswap_change_end(a->swap);
	catalog_free(cat);
	free(u);
	free(p);
	free(s);
	return (rc);
}

int
h_state_schema_reload(struct app *a, char *why, size_t whylen)
{
	struct schema	*sch = NULL, *old;
	int		 rc = -1;

	catswap_change_begin(a->swap);
	if (app_schema_load(a, &sch, why, whylen) == -1)
		goto out;
	old = a->sch;
	a->sch = sch;
	app_writer_ids(a);
	catswap_retire_obj(a->swap, old, schema_free_obj);
	rc = 0;
out:
	catswap_change_end(a->swap);
	return (rc);
}

void
h_state_stop(struct app *a)
{
	if (a->pair != NULL)
		pair_stop(a->pair);
}

void
h_state_free(struct app *a)
{
	pair_free(a->pair);
	a->pair = NULL;
	sessions_free(a->sessions);
	a->sessions = NULL;
	backoff_free(a->backoff);
	a->backoff = NULL;
	h_kiosk_guards_free(a->guards);
	a->guards = NULL;
	free(a->units_json);
	free(a->procs_json);
	free(a->services_json);
	a->units_json = a->procs_json = a->services_json = NULL;
	catswap_free(a->swap);
	a->swap = NULL;
	keyseen_free(a->keyseen);
	a->keyseen = NULL;
}
