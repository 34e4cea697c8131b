/*
 * h_counterpage.c: the counter page (templates/counter.html): a clerk
 * signed in with a counter key picks the procedure, types the case
 * number and presses one button; kiosk/counter.js issues the ticket and
 * prints its slip. The page names the key signed in with and its unit
 * (the units offered are that unit's subtree).
 * Trap: the page carries the session's CSRF token for its script, so it
 * must never be cached (no-store) and is rendered for a cookie session
 * only; a request with a Bearer key gets the page without a token (its
 * POSTs would need the key anyway).
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>
#include <microhttpd.h>

#include "h.h"
#include "retire.h"
#include "session.h"
#include "tpl.h"
#include "util.h"

void
h_counter_page(struct req *r)
{
	const struct tpl	*t;
	const struct unit	*u;
	const char		*id;
	struct session		 ses;
	json_t			*ctx = NULL;
	char			 why[400];

	if ((t = page_tpl(r->app->sch->pg, "counter")) == NULL) {
		http_fail(r, 500, "cannot load the counter page");
		return;
	}
	ctx = json_object();
	json_object_set_new(ctx, "unit", json_string(r->unit));
	u = catalog_unit(r->app->cat, r->unit, strlen(r->unit));
	if (u != NULL)
		json_object_set_new(ctx, "unit_name",
		    json_string(u->name.s[LANG_VI]));
	/* A key of a retired unit: said at once, naming the successor. */
	if (u != NULL && retire_refused(r->app->cat, r->unit, now_sec(), why,
	    sizeof(why)))
		json_object_set_new(ctx, "retired", json_string(why));
	if (r->via_session && (id = MHD_lookup_connection_value(r->conn,
	    MHD_COOKIE_KIND, SESSION_COOKIE)) != NULL &&
	    session_get(r->app->sessions, id, strlen(id), &ses) == 0) {
		json_object_set_new(ctx, "csrf", json_string(ses.csrf));
		json_object_set_new(ctx, "who", json_string(ses.name));
	} else if (r->has_key)
		json_object_set_new(ctx, "who", json_string(r->key_name));
	buf_reset(&r->out);
	if (tpl_render(t, ctx, &r->out) == -1) {
		json_decref(ctx);
		buf_reset(&r->out);
		http_fail(r, 500, "cannot render the counter page");
		return;
	}
	json_decref(ctx);
	r->scripts = 1;
	r->no_store = 1;
	http_reply(r, 200, "text/html; charset=utf-8");
}
