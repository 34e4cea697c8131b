/*
 * h_unitretire.c: retiring a unit with an effective day and a successor:
 * POST /api/v1/admin/units/<code>/retire ({"date", "successor"}) and the
 * console's form POST /admin/units/<code>/retire, and the unit page's
 * part that offers it or says since when the unit is retired. The
 * retirement is the unit's stored row with its day and successor: it
 * goes through the same whole-catalogue check, writer op (audit action
 * unit.retire, before and after) and catalogue swap as any unit change.
 * Traps: answers stay under the unit they were given to; only the
 * current tree of a report (report_tree.c) counts them under the
 * successor. A retirement is not undone here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "audit.h"
#include "form.h"
#include "adminword.h"
#include "h.h"
#include "retire.h"
#include "util.h"

/* The retirement of the unit in the path, checked, into r->op. */
static int
h_retire_prepare(struct req *r, const char *date, const char *successor,
    unsigned *status, char *why, size_t whylen)
{
	struct catrow	 row;
	char		 code[UNIT_CODE_MAX + 1];

	if (r->arglen == 0 || r->arglen > UNIT_CODE_MAX) {
		snprintf(why, whylen, "no such unit");
		*status = 404;
		return (-1);
	}
	memcpy(code, r->arg, r->arglen);
	code[r->arglen] = '\0';
	if ((*status = retire_check(r->app->cat, code, date, successor,
	    r->unit, &row, why, whylen)) != 0)
		return (-1);
	return (h_catalog_prepare(r, &row, 1, status, why, whylen));
}

static void
h_retire_done(struct req *r)
{
	char		 why[512], *s;
	unsigned	 status;
	json_t		*j;

	if (h_catalog_commit(r, &status, why, sizeof(why)) == -1) {
		http_fail(r, status, why);
		return;
	}
	j = audit_catrow_json(&r->op.u.catrow.row);
	s = j != NULL ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	if (s == NULL) {
		http_fail(r, 500, "internal error");
		return;
	}
	http_reply_json(r, 200, s);
	free(s);
}

void
h_admin_unit_retire(struct req *r)
{
	char		 date[UNIT_DATE_LEN + 1], succ[UNIT_CODE_MAX + 1];
	char		 why[512];
	unsigned	 status;
	enum hl_rc	 rc;

	rc = json_in_retire(r->body.data != NULL ? r->body.data : "",
	    r->body.len, date, succ, why, sizeof(why));
	if (rc != HL_OK) {
		http_fail(r, http_rc_status(rc), why);
		return;
	}
	if (h_retire_prepare(r, date, succ, &status, why, sizeof(why)) ==
	    -1) {
		http_fail(r, status, why);
		return;
	}
	http_submit(r, h_retire_done);
}

static void
h_retire_page_done(struct req *r)
{
	char		 why[512], loc[96];
	unsigned	 status;

	if (h_catalog_commit(r, &status, why, sizeof(why)) == 0) {
		snprintf(loc, sizeof(loc), "/admin/units?retired=%s",
		    r->op.u.catrow.row.code);
		http_redirect(r, 303, loc);
		return;
	}
	h_admin_unit_page_error(r, status, why);
}

void
h_admin_unit_retire_post(struct req *r)
{
	struct form	 f;
	const char	*date = NULL, *succ = NULL;
	int		 confirm = 0;
	char		 why[512];
	unsigned	 status = 400;
	size_t		 i;

	if (form_parse(r->body.data != NULL ? r->body.data : "", r->body.len,
	    &f, why, sizeof(why)) != HL_OK) {
		http_fail(r, 400, why);
		return;
	}
	for (i = 0; i < f.n; i++) {
		if (strcmp(f.f[i].name, "csrf") == 0)
			continue;
		if (strcmp(f.f[i].name, "date") == 0 && date == NULL)
			date = f.f[i].value;
		else if (strcmp(f.f[i].name, "successor") == 0 &&
		    succ == NULL)
			succ = f.f[i].value;
		else if (strcmp(f.f[i].name, "confirm") == 0 && !confirm &&
		    strcmp(f.f[i].value, "yes") == 0)
			confirm = 1;
		else {
			form_clear(&f);
			http_fail(r, 400, "unknown or repeated field");
			return;
		}
	}
	if (h_retire_prepare(r, date != NULL ? date : "", succ != NULL ?
	    succ : "", &status, why, sizeof(why)) == 0) {
		form_clear(&f);
		/* It cannot be undone: the clerk ticks that it knows. */
		if (!confirm) {
			h_admin_unit_page_error(r, 422, "chưa đánh dấu ô xác "
			    "nhận: giải thể không hoàn tác được");
			return;
		}
		http_submit(r, h_retire_page_done);
		return;
	}
	form_clear(&f);
	h_admin_unit_page_error(r, status, why);
}

json_t *
h_unitretire_ctx(struct req *r, const struct unit *u)
{
	const struct catalog	*cat = r->app->cat;
	const struct unit	*s, *x;
	json_t			*o, *a;
	size_t			 i;
	time_t			 now = (time_t)now_sec();
	struct tm		 tm;
	char			 today[16];

	if (u->retired[0] != '\0') {
		s = catalog_unit(cat, u->successor, strlen(u->successor));
		x = catalog_unit_current(cat, u, INT64_MAX);
		o = json_pack("{s:s,s:s,s:s,s:b}", "date", u->retired,
		    "successor", u->successor, "successor_name", s != NULL ?
		    s->name.s[LANG_VI] : u->successor, "in_force",
		    catalog_unit_retired(u, now_sec()));
		if (x != NULL && x != s)
			json_object_set_new(o, "final", json_pack("{s:s,s:s}",
			    "code", x->code, "name", x->name.s[LANG_VI]));
		return (json_pack("{s:o}", "retired", o));
	}
	if (u->parent[0] == '\0' || strcmp(r->unit, u->code) == 0)
		return (json_object());
	a = json_array();
	for (i = 0; i < cat->nunits; i++) {
		x = &cat->units[i];
		if (x == u || x->retired[0] != '\0' ||
		    catalog_in_subtree(cat, x->code, u->code) ||
		    !h_admin_may(r, x->code))
			continue;
		json_array_append_new(a, json_pack("{s:s,s:s,s:s}", "code",
		    x->code, "name", x->name.s[LANG_VI], "kind",
		    adminword_kind(x->kind)));
	}
	localtime_r(&now, &tm);
	strftime(today, sizeof(today), "%Y-%m-%d", &tm);
	return (json_pack("{s:{s:o,s:s}}", "retire", "successors", a,
	    "today", today));
}
