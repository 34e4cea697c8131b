/*
 * h_unitimport.c: the official unit list imported from CSV: the console's
 * page /admin/units/import (a file or pasted text, a preview of every
 * change, then "Áp dụng") and POST /api/v1/admin/units/import (the CSV
 * as the body; ?dry_run=1 for the preview). unitimport.c reads and
 * checks the file against the catalogue in use; the writer stores every
 * change in one transaction with an audit entry each (WOP_CATIMPORT) and
 * the catalogue is swapped before the reply. Any error: nothing stored.
 * Traps: the preview carries the text back in the page, and "Áp dụng"
 * checks it again at the store's generation of the preview: a change in
 * between is a 409 (preview again), never a surprise. The plan's rows
 * live until the writer is done: the continuation frees them.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <microhttpd.h>

#include "adminword.h"
#include "h.h"
#include "multipart.h"
#include "retire.h"
#include "unitimport.h"
#include "util.h"

/* The plan of text for r (procs: the procedures'), as uimport_plan(). */
static enum hl_rc
h_ui_plan(struct req *r, int procs, const char *text, size_t len,
    struct uimport *u, uint64_t *gen)
{
	struct catrow	*rows = NULL;
	char		 dir[PATH_MAX + 16];
	size_t		 n = 0;
	enum hl_rc	 rc;

	if (store_catrows(r->app->st, &rows, &n, gen) == -1) {
		memset(u, 0, sizeof(*u));
		return (HL_ERROR);
	}
	snprintf(dir, sizeof(dir), "%s/schema", r->app->share);
	rc = procs ? pimport_plan(text, len, r->app->cat, dir, rows, n, u) :
	    uimport_plan(text, len, r->app->cat, r->unit, dir, rows, n, u);
	free(rows);
	return (rc);
}

static json_t *
h_ui_errors(const struct uimport *u)
{
	json_t	*a = json_array();
	size_t	 i;

	for (i = 0; i < u->nerr; i++)
		json_array_append_new(a, json_pack("{s:i,s:s}", "line",
		    u->err[i].line, "reason", u->err[i].why));
	return (a);
}

/* A sector's name in words (the page), or its code (the API). */
static const char *
h_ui_sector(const struct catalog *cat, const char *code, int words)
{
	const struct sector	*s;

	if (!words || (s = catalog_sector(cat, code, strlen(code))) == NULL)
		return (code);
	return (s->name.s[LANG_VI]);
}

static json_t *
h_ui_changes(const struct uimport *u, int words, const struct catalog *cat)
{
	const struct uimport_row *w;
	json_t			*a = json_array(), *o;
	char			 what[160];
	size_t			 i;

	for (i = 0; i < u->nchanged; i++) {
		w = &u->rows[i];
		uimport_what_vi(w->what, what, sizeof(what));
		if (w->row.type == CATROW_PROC) {
			o = json_pack("{s:i,s:s,s:s,s:s,s:s}", "line",
			    w->line, "code", w->row.code, "what", what,
			    "name", w->row.name[LANG_VI], "sector",
			    h_ui_sector(cat, w->row.sector, words));
			if (w->what & UI_NAME)
				json_object_set_new(o, "old_name",
				    json_string(w->before.name[LANG_VI]));
			if (w->what & UI_SECTOR)
				json_object_set_new(o, "old_sector",
				    json_string(h_ui_sector(cat,
				    w->before.sector, words)));
			if (w->what & UI_WITHDRAW)
				json_object_set_new(o, "withdrawn",
				    json_string(w->row.retired));
			json_array_append_new(a, o);
			continue;
		}
		o = json_pack("{s:i,s:s,s:s,s:s,s:s,s:s}", "line", w->line,
		    "code", w->row.code, "what", what, "name",
		    w->row.name[LANG_VI], "parent", w->row.parent, "kind",
		    words ? adminword_kind(w->row.kind) : w->row.kind);
		/* What it was, where it changes. */
		if (w->what & UI_NAME)
			json_object_set_new(o, "old_name",
			    json_string(w->before.name[LANG_VI]));
		if (w->what & UI_MOVE)
			json_object_set_new(o, "old_parent",
			    json_string(w->before.parent));
		if (w->what & UI_KIND)
			json_object_set_new(o, "old_kind", json_string(words ?
			    adminword_kind(w->before.kind) : w->before.kind));
		if (w->row.retired[0] != '\0' && (w->what & UI_RETIRE)) {
			json_object_set_new(o, "retired",
			    json_string(w->row.retired));
			json_object_set_new(o, "successor",
			    json_string(w->row.successor));
		}
		json_array_append_new(a, o);
	}
	return (a);
}

/* Writes the plan in u (its rows handed over); after: done. */
static void
h_ui_submit(struct req *r, struct uimport *u, uint64_t gen,
    void (*done)(struct req *))
{
	memset(&r->op, 0, sizeof(r->op));
	r->op.kind = WOP_CATIMPORT;
	r->op.u.catimport.rows = u->rows;
	r->op.u.catimport.n = u->nchanged;
	r->op.u.catimport.gen = gen;
	h_admin_actor(r, &r->op.by);
	u->rows = NULL;
	http_submit(r, done);
}

/* After the writer: 0, or the status with why. Frees the rows. */
static unsigned
h_ui_commit(struct req *r, char *why, size_t whylen)
{
	char	 w[256];

	free((void *)r->op.u.catimport.rows);
	r->op.u.catimport.rows = NULL;
	if (r->op.rc == HL_CONFLICT && r->op.u.catimport.stale) {
		snprintf(why, whylen, "danh sách đơn vị đã thay đổi từ lúc "
		    "xem trước: hãy xem trước lại");
		return (409);
	}
	if (r->op.rc != HL_OK) {
		snprintf(why, whylen, "không lưu được thay đổi");
		return (http_rc_status(r->op.rc));
	}
	if (h_state_catalog_reload(r->app, w, sizeof(w)) == -1) {
		log_error("catalogue not reloaded after a unit import: %s", w);
		snprintf(why, whylen, "đã lưu, nhưng chưa thay được danh mục "
		    "đang dùng; xem nhật ký của máy chủ");
		return (500);
	}
	return (0);
}

/* ---- the JSON API */

static void
h_ui_api_done(struct req *r)
{
	char		 why[256], *s;
	unsigned	 status;
	size_t		 n = r->op.u.catimport.n;

	if ((status = h_ui_commit(r, why, sizeof(why))) != 0) {
		http_fail(r, status, why);
		return;
	}
	s = NULL;
	if (asprintf(&s, "{\"applied\":%zu}", n) == -1) {
		http_fail(r, 500, "internal error");
		return;
	}
	http_reply_json(r, 200, s);
	free(s);
}

static void
h_ui_api_errors(struct req *r, unsigned status, const struct uimport *u)
{
	json_t	*o;
	char	*s, first[UIMPORT_WHY_MAX + 32];

	if (u->nerr > 0)
		snprintf(first, sizeof(first), "line %d: %s", u->err[0].line,
		    u->err[0].why);
	else
		snprintf(first, sizeof(first), "cannot read the file");
	o = json_pack("{s:s,s:o,s:I}", "error", first, "errors",
	    h_ui_errors(u), "more_errors", (json_int_t)u->more);
	s = o != NULL ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (s == NULL) {
		http_fail(r, 500, "internal error");
		return;
	}
	r->out.max = UIMPORT_REPLY_MAX;
	http_reply_json(r, status, s);
	free(s);
}

static void
h_ui_api(struct req *r, int procs)
{
	struct uimport	 u;
	const char	*dry = http_arg(r, "dry_run"), *ct;
	uint64_t	 gen = 0;
	json_t		*o;
	char		*s;
	enum hl_rc	 rc;

	ct = http_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
	if (ct == NULL || (strncasecmp(ct, "text/csv", 8) != 0 &&
	    strncasecmp(ct, "text/plain", 10) != 0)) {
		http_fail(r, 415, "Content-Type must be text/csv");
		return;
	}
	if (dry != NULL && strcmp(dry, "0") != 0 && strcmp(dry, "1") != 0) {
		http_fail(r, 400, "dry_run: want 0 or 1");
		return;
	}
	if (procs && r->unit[0] != '\0') {
		http_fail(r, 403, "procedures are the whole province's: an "
		    "admin of one unit may not change them");
		return;
	}
	rc = h_ui_plan(r, procs, r->body.data != NULL ? r->body.data : "",
	    r->body.len, &u, &gen);
	if (rc == HL_ERROR) {
		http_fail(r, 500, "cannot read the stored units");
		return;
	}
	if (rc == HL_TOO_BIG || u.nerr > 0) {
		h_ui_api_errors(r, rc == HL_TOO_BIG ? 413 :
		    u.forbidden ? 403 : 422, &u);
		uimport_clear(&u);
		return;
	}
	if ((dry != NULL && strcmp(dry, "1") == 0) || u.nchanged == 0) {
		o = json_pack("{s:b,s:o,s:I}", "dry_run", dry != NULL &&
		    strcmp(dry, "1") == 0, "changes", h_ui_changes(&u, 0,
		    r->app->cat),
		    "unchanged", (json_int_t)(u.nrows - u.nchanged));
		if (procs)
			json_object_set_new(o, "unused_columns",
			    json_string(u.unused));
		if (dry == NULL || strcmp(dry, "1") != 0)
			json_object_set_new(o, "applied", json_integer(0));
		s = o != NULL ? json_dumps(o, JSON_COMPACT) : NULL;
		json_decref(o);
		uimport_clear(&u);
		if (s == NULL) {
			http_fail(r, 500, "internal error");
			return;
		}
		r->no_store = 1;
		/* A province's preview passes the usual reply cap. */
		r->out.max = UIMPORT_REPLY_MAX;
		http_reply_json(r, 200, s);
		free(s);
		return;
	}
	h_ui_submit(r, &u, gen, h_ui_api_done);
	uimport_clear(&u);
}

void
h_admin_units_import(struct req *r)
{
	h_ui_api(r, 0);
}

void
h_admin_procs_import(struct req *r)
{
	h_ui_api(r, 1);
}

/* ---- the console's page */

static void
h_ui_page(struct req *r, int procs, unsigned status, const struct uimport *u,
    const char *text, size_t len, uint64_t gen, const char *error)
{
	json_t	*ctx = h_adminpage_ctx(r, procs ? "Nhập danh sách thủ tục" :
	    "Nhập danh sách đơn vị", "import");
	char	 g[24];

	json_object_set_new(ctx, "import_procs", json_boolean(procs));
	json_object_set_new(ctx, "import_units", json_boolean(!procs));
	json_object_set_new(ctx, "import_action", json_string(procs ?
	    "/admin/procedures/import" : "/admin/units/import"));
	if (u != NULL && u->unused[0] != '\0')
		json_object_set_new(ctx, "unused", json_string(u->unused));

	if (u != NULL) {
		json_object_set_new(ctx, "errors", h_ui_errors(u));
		json_object_set_new(ctx, "has_errors", json_boolean(u->nerr >
		    0));
		json_object_set_new(ctx, "nerrors",
		    json_integer((json_int_t)u->nerr));
		if (u->more > 0)
			json_object_set_new(ctx, "more_errors",
			    json_integer((json_int_t)u->more));
		if (u->nerr == 0) {
			json_object_set_new(ctx, "changes",
			    h_ui_changes(u, 1, r->app->cat));
			json_object_set_new(ctx, "nchanged",
			    json_integer((json_int_t)u->nchanged));
			json_object_set_new(ctx, "unchanged", json_integer(
			    (json_int_t)(u->nrows - u->nchanged)));
			json_object_set_new(ctx, "preview", json_true());
			if (u->nchanged > 0) {
				snprintf(g, sizeof(g), "%llu",
				    (unsigned long long)gen);
				json_object_set_new(ctx, "can_apply",
				    json_true());
				json_object_set_new(ctx, "gen",
				    json_string(g));
			}
		}
	}
	if (text != NULL && utf8_valid(text, len))
		json_object_set_new(ctx, "csv", json_stringn(text, len));
	if (error != NULL)
		json_object_set_new(ctx, "error", json_string(error));
	h_adminpage_render(r, status, ctx);
}

void
h_admin_units_import_page(struct req *r)
{
	h_ui_page(r, 0, 200, NULL, NULL, 0, 0, NULL);
}

void
h_admin_procs_import_page(struct req *r)
{
	if (r->unit[0] != '\0') {
		http_fail(r, 403, "procedures are the whole province's");
		return;
	}
	h_ui_page(r, 1, 200, NULL, NULL, 0, 0, NULL);
}

static void
h_ui_page_done(struct req *r)
{
	char		 why[256], loc[64];
	unsigned	 status;
	size_t		 n = r->op.u.catimport.n;
	int		 procs = n > 0 &&
			    r->op.u.catimport.rows[0].row.type == CATROW_PROC;

	if ((status = h_ui_commit(r, why, sizeof(why))) != 0) {
		h_ui_page(r, procs, status, NULL, NULL, 0, 0, why);
		return;
	}
	snprintf(loc, sizeof(loc), "/admin/%s?imported=%zu", procs ?
	    "procedures" : "units", n);
	http_redirect(r, 303, loc);
}

static void
h_ui_post(struct req *r, int procs)
{
	struct mpart		 parts[MULTIPART_PARTS_MAX];
	const struct mpart	*f, *c, *a, *g;
	struct uimport		 u;
	const char		*text;
	char			 why[200], gs[24];
	uint64_t		 gen = 0;
	long long		 want;
	size_t			 n, len, i;
	enum hl_rc		 rc;

	if (multipart_parse(http_header(r, MHD_HTTP_HEADER_CONTENT_TYPE),
	    r->body.data != NULL ? r->body.data : "", r->body.len, parts, &n,
	    why, sizeof(why)) == -1) {
		http_fail(r, 400, why);
		return;
	}
	for (i = 0; i < n; i++)
		if (strcmp(parts[i].name, "csrf") != 0 &&
		    strcmp(parts[i].name, "file") != 0 &&
		    strcmp(parts[i].name, "csv") != 0 &&
		    strcmp(parts[i].name, "apply") != 0 &&
		    strcmp(parts[i].name, "gen") != 0) {
			http_fail(r, 400, "unknown field");
			return;
		}
	f = multipart_get(parts, n, "file");
	c = multipart_get(parts, n, "csv");
	a = multipart_get(parts, n, "apply");
	g = multipart_get(parts, n, "gen");
	if (f != NULL && f->len > 0) {
		text = f->data;
		len = f->len;
	} else if (c != NULL && c->len > 0) {
		text = c->data;
		len = c->len;
	} else {
		h_ui_page(r, procs, 422, NULL, NULL, 0, 0, "Chưa có gì để "
		    "nhập: chọn tệp CSV hoặc dán nội dung vào ô.");
		return;
	}
	rc = h_ui_plan(r, procs, text, len, &u, &gen);
	if (rc == HL_ERROR) {
		http_fail(r, 500, "cannot read the stored units");
		return;
	}
	if (rc == HL_TOO_BIG || u.nerr > 0) {
		h_ui_page(r, procs, rc == HL_TOO_BIG ? 413 :
		    u.forbidden ? 403 : 422,
		    &u, rc == HL_TOO_BIG ? NULL : text, len, gen,
		    "Không nhập được: chưa có thay đổi nào được lưu. Sửa các "
		    "dòng dưới đây rồi thử lại.");
		uimport_clear(&u);
		return;
	}
	if (a == NULL || u.nchanged == 0) {
		h_ui_page(r, procs, 200, &u, text, len, gen, NULL);
		uimport_clear(&u);
		return;
	}
	/* Apply what was previewed, at the generation previewed. */
	if (g == NULL || g->len == 0 || g->len >= sizeof(gs)) {
		uimport_clear(&u);
		http_fail(r, 400, "gen: required to apply");
		return;
	}
	memcpy(gs, g->data, g->len);
	gs[g->len] = '\0';
	if (parse_num(gs, g->len, 0, LLONG_MAX, &want) == -1 ||
	    (uint64_t)want != gen) {
		h_ui_page(r, procs, 409, &u, text, len, gen, "Danh sách đã "
		    "thay đổi từ lúc xem trước: xem lại các thay đổi dưới đây "
		    "rồi áp dụng.");
		uimport_clear(&u);
		return;
	}
	h_ui_submit(r, &u, gen, h_ui_page_done);
	uimport_clear(&u);
}

void
h_admin_units_import_post(struct req *r)
{
	h_ui_post(r, 0);
}

void
h_admin_procs_import_post(struct req *r)
{
	if (r->unit[0] != '\0') {
		http_fail(r, 403, "procedures are the whole province's");
		return;
	}
	h_ui_post(r, 1);
}
