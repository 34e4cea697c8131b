/*
 * h_state.c: the state the handlers share while a server runs, made
 * before the first request and freed after the last: the browser
 * sessions, the pairing of kiosks with counters (and its timer; the
 * tickets offered before a restart read back from the store), the
 * kiosks' guards, the unit tree and procedure list as JSON.
 */
#include <stdlib.h>

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
	a->sessions = sessions_new();
	a->guards = h_kiosk_guards_new();
	if ((a->pair = pair_new()) == NULL ||
	    h_meta_render(a, &a->units_json, &a->procs_json,
	    &a->services_json) == -1) {
		h_state_free(a);
		return (-1);
	}
	/* Not a reason to refuse to serve: kiosks are offered new ones. */
	if (store_each_pending(a->st, h_state_pending, a->pair) != 0)
		log_warn("the tickets offered to kiosks before the restart "
		    "cannot be read; offering new ones only");
	return (0);
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
	h_kiosk_guards_free(a->guards);
	a->guards = NULL;
	free(a->units_json);
	free(a->procs_json);
	free(a->services_json);
	a->units_json = a->procs_json = a->services_json = NULL;
}
