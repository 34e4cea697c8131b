/*
 * h_state.c: the state the handlers share while a server runs, made
 * before the first request and freed after the last: the browser
 * sessions and the password failures per name, the pairing of kiosks
 * with counters (and its timer), the kiosks' guards, the unit tree and
 * procedure list as JSON.
 */
#include <stdlib.h>

#include "backoff.h"
#include "h.h"
#include "pair.h"
#include "session.h"

int
h_state_init(struct app *a)
{
	a->sessions = sessions_new();
	a->backoff = backoff_create();
	a->guards = h_kiosk_guards_new();
	if ((a->pair = pair_new()) == NULL ||
	    h_meta_render(a, &a->units_json, &a->procs_json,
	    &a->services_json) == -1) {
		h_state_free(a);
		return (-1);
	}
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
	backoff_free(a->backoff);
	a->backoff = NULL;
	h_kiosk_guards_free(a->guards);
	a->guards = NULL;
	free(a->units_json);
	free(a->procs_json);
	free(a->services_json);
	a->units_json = a->procs_json = a->services_json = NULL;
}
