/*
 * h_procpage.c: the procedures and services page of the admin console
 * (/admin/procedures): the list with a search that needs no diacritics
 * ("dat dai" finds "đất đai", fold.c), a form to add one, a page per
 * procedure to change its sector or names and to withdraw it (bãi bỏ)
 * from a day; and POST /api/v1/admin/procedures/<code>/withdraw. Every
 * write goes through h_catalog.c's checks and writer op with its audit
 * entry, and the catalogue is swapped before the reply.
 * Traps: procedures are the whole province's: a unit-limited admin gets
 * 403 on every page and write here. A withdrawn procedure stays in the
 * catalogue (its old answers keep their name and sector); only new
 * tickets are refused (app.c), and the counter page stops offering it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "audit.h"
#include "fold.h"
#include "form.h"
#include "h.h"
#include "util.h"

#define PP_LIST_MAX	300	/* rows shown; a search narrows them */

static int
pp_allowed(struct req *r)
{
	if (r->unit[0] == '\0')
		return (1);
	http_fail(r, 403, "procedures are the whole province's: an admin "
	    "of one unit may not change them");
	return (0);
}

static json_t *
pp_sectors(const struct catalog *cat, const char *sel)
{
	json_t	*a = json_array();
	size_t	 i;

	for (i = 0; i < cat->nsectors; i++)
		json_array_append_new(a, json_pack("{s:s,s:s,s:b}", "code",
		    cat->sectors[i].code, "name",
		    cat->sectors[i].name.s[LANG_VI], "selected", sel != NULL &&
		    strcmp(sel, cat->sectors[i].code) == 0));
	return (a);
}

static const char *
pp_sector_vi(const struct catalog *cat, const char *code)
{
	const struct sector	*s = catalog_sector(cat, code, strlen(code));

	return (s != NULL ? s->name.s[LANG_VI] : code);
}

/* 1 when p matches the folded words w ("" matches all). */
static int
pp_match(const struct procedure *p, const char *w)
{
	char	*t, *f;
	size_t	 i, n;
	int	 m;

	if (w[0] == '\0')
		return (1);
	n = strlen(p->code) + strlen(p->name.s[LANG_VI]) + 2;
	for (i = 0; i < p->naliases; i++)
		n += strlen(p->aliases[i]) + 1;
	t = xmalloc(n);
	snprintf(t, n, "%s %s", p->code, p->name.s[LANG_VI]);
	for (i = 0; i < p->naliases; i++) {
		strlcat(t, " ", n);
		strlcat(t, p->aliases[i], n);
	}
	f = fold_text(t, strlen(t));
	m = fold_has(f, w);
	free(f);
	free(t);
	return (m);
}

/* The list page, the add form holding form (or empty). */
static void
pp_list_page(struct req *r, unsigned status, json_t *form,
    const char *error, const char *done)
{
	const struct catalog	*cat = r->app->cat;
	const struct procedure	*p;
	const char		*q = http_arg(r, "q");
	json_t			*ctx, *a;
	char			*w, day[16];
	size_t			 i, found = 0, shown = 0;
	int64_t			 now = now_sec();

	ctx = h_adminpage_ctx(r, "Thủ tục và dịch vụ", "procs");
	if (q == NULL || strlen(q) > 200)
		q = "";
	w = fold_text(q, strlen(q));
	a = json_array();
	for (i = 0; i < cat->nprocs; i++) {
		p = &cat->procs[i];
		if (!pp_match(p, w))
			continue;
		found++;
		if (shown == PP_LIST_MAX)
			continue;
		shown++;
		json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:s?,s:b}",
		    "code", p->code, "name", p->name.s[LANG_VI], "sector",
		    pp_sector_vi(cat, p->sector), "withdrawn",
		    p->withdrawn[0] != '\0' ? format_day(p->withdrawn,
		    day) : NULL, "gone", catalog_proc_withdrawn(p, now)));
	}
	free(w);
	json_object_set_new(ctx, "list", a);
	json_object_set_new(ctx, "q", json_string(q));
	json_object_set_new(ctx, "found", json_integer((json_int_t)found));
	json_object_set_new(ctx, "total",
	    json_integer((json_int_t)cat->nprocs));
	if (found > shown)
		json_object_set_new(ctx, "cut",
		    json_integer((json_int_t)shown));
	json_object_set_new(ctx, "sectors", pp_sectors(cat, form != NULL ?
	    json_string_value(json_object_get(form, "sector")) : NULL));
	json_object_set_new(ctx, "form", form != NULL ? form : json_object());
	if (error != NULL)
		json_object_set_new(ctx, "error", json_pack("s+", "Không lưu "
		    "được: ", error));
	if (done != NULL)
		json_object_set_new(ctx, "done", json_string(done));
	h_adminpage_render(r, status, ctx);
}

void
h_admin_procs_page(struct req *r)
{
	const char	*a = http_arg(r, "added"), *c = http_arg(r, "changed");
	const char	*x = http_arg(r, "withdrawn");
	const char	*im = http_arg(r, "imported");
	char		 done[96];

	if (!pp_allowed(r))
		return;
	done[0] = '\0';
	if (a != NULL && strlen(a) <= PROC_CODE_MAX)
		snprintf(done, sizeof(done), "Đã thêm thủ tục %s.", a);
	else if (c != NULL && strlen(c) <= PROC_CODE_MAX)
		snprintf(done, sizeof(done), "Đã lưu thủ tục %s.", c);
	else if (im != NULL && strlen(im) <= 6)
		snprintf(done, sizeof(done), "Đã nhập danh sách: %s thủ tục "
		    "thay đổi.", im);
	else if (x != NULL && strlen(x) <= PROC_CODE_MAX)
		snprintf(done, sizeof(done), "Đã bãi bỏ thủ tục %s.", x);
	pp_list_page(r, 200, NULL, NULL, done[0] != '\0' ? done : NULL);
}

/* One procedure's page, with form (or the procedure as it is). */
static void
pp_proc_page(struct req *r, unsigned status, json_t *form, const char *error)
{
	const struct catalog	*cat = r->app->cat;
	const struct procedure	*p = NULL;
	struct catrow		 c;
	json_t			*ctx;
	time_t			 now = (time_t)now_sec();
	struct tm		 tm;
	char			 code[PROC_CODE_MAX + 1], today[16];

	if (r->arglen > 0 && r->arglen <= PROC_CODE_MAX) {
		memcpy(code, r->arg, r->arglen);
		code[r->arglen] = '\0';
		p = catalog_procedure(cat, code, strlen(code));
	}
	if (p == NULL) {
		json_decref(form);
		http_fail(r, 404, "no such procedure");
		return;
	}
	if (form == NULL) {
		catalog_proc_row(p, &c);
		form = json_pack("{s:s,s:s,s:s,s:s}", "sector", c.sector,
		    "name_vi", c.name[LANG_VI], "name_en", c.name[LANG_EN],
		    "name_km", strcmp(c.name[LANG_KM], c.name[LANG_VI]) == 0 ?
		    "" : c.name[LANG_KM]);
	}
	json_object_set_new(form, "code", json_string(p->code));
	ctx = h_adminpage_ctx(r, p->name.s[LANG_VI], "proc");
	json_object_set_new(ctx, "sectors", pp_sectors(cat,
	    json_string_value(json_object_get(form, "sector"))));
	json_object_set_new(ctx, "form", form);
	if (p->withdrawn[0] != '\0')
		json_object_set_new(ctx, "withdrawn", json_pack("{s:s,s:b}",
		    "date", p->withdrawn, "in_force",
		    catalog_proc_withdrawn(p, now_sec())));
	else {
		localtime_r(&now, &tm);
		strftime(today, sizeof(today), "%Y-%m-%d", &tm);
		json_object_set_new(ctx, "withdraw", json_pack("{s:s}",
		    "today", today));
	}
	if (error != NULL)
		json_object_set_new(ctx, "error", json_pack("s+", "Không lưu "
		    "được: ", error));
	h_adminpage_render(r, status, ctx);
}

void
h_admin_proc_page(struct req *r)
{
	if (!pp_allowed(r))
		return;
	pp_proc_page(r, 200, NULL, NULL);
}

static void
pp_done(struct req *r)
{
	const struct catrow	*row = &r->op.u.catrow.row;
	char			 why[512], loc[96];
	unsigned		 status;

	if (h_catalog_commit(r, &status, why, sizeof(why)) == 0) {
		snprintf(loc, sizeof(loc), "/admin/procedures?%s=%s",
		    !r->op.u.catrow.replace ? "added" :
		    row->retired[0] != '\0' && (!r->op.u.catrow.has_before ||
		    r->op.u.catrow.before.retired[0] == '\0') ? "withdrawn" :
		    "changed", row->code);
		http_redirect(r, 303, loc);
		return;
	}
	if (r->op.u.catrow.replace)
		pp_proc_page(r, status, NULL, why);
	else
		pp_list_page(r, status, audit_catrow_json(row), why, NULL);
}

/* The form's fields (csrf left out) as JSON; NULL with why. */
static json_t *
pp_form(struct req *r, char *why, size_t whylen)
{
	struct form	 f;
	json_t		*o;
	size_t		 i;

	if (form_parse(r->body.data != NULL ? r->body.data : "", r->body.len,
	    &f, why, whylen) != HL_OK)
		return (NULL);
	o = json_object();
	for (i = 0; i < f.n; i++) {
		if (strcmp(f.f[i].name, "csrf") == 0)
			continue;
		if (json_object_get(o, f.f[i].name) != NULL) {
			snprintf(why, whylen, "%s: repeated", f.f[i].name);
			json_decref(o);
			form_clear(&f);
			return (NULL);
		}
		json_object_set_new(o, f.f[i].name,
		    json_stringn(f.f[i].value, f.f[i].len));
	}
	form_clear(&f);
	return (o);
}

/* POST /admin/procedures and /admin/procedures/<code>. */
static void
pp_write(struct req *r, int replace)
{
	struct catrow	 row;
	json_t		*form;
	char		 why[512], *body;
	unsigned	 status = 400;
	enum hl_rc	 rc;

	if (!pp_allowed(r))
		return;
	if ((form = pp_form(r, why, sizeof(why))) == NULL) {
		http_fail(r, 400, why);
		return;
	}
	if (replace) {
		if (r->arglen == 0 || r->arglen > PROC_CODE_MAX) {
			json_decref(form);
			http_fail(r, 404, "no such procedure");
			return;
		}
		json_object_set_new(form, "code", json_stringn(r->arg,
		    r->arglen));
	}
	body = json_dumps(form, JSON_COMPACT);
	rc = json_in_catrow(body != NULL ? body : "", body != NULL ?
	    strlen(body) : 0, CATROW_PROC, &row, why, sizeof(why));
	free(body);
	if (rc == HL_OK && h_catalog_prepare(r, &row, replace, &status, why,
	    sizeof(why)) == 0) {
		json_decref(form);
		http_submit(r, pp_done);
		return;
	}
	if (rc != HL_OK)
		status = http_rc_status(rc);
	if (replace)
		pp_proc_page(r, status, form, why);
	else
		pp_list_page(r, status, form, why, NULL);
}

void
h_admin_procs_post(struct req *r)
{
	pp_write(r, 0);
}

void
h_admin_proc_post(struct req *r)
{
	pp_write(r, 1);
}

/* The withdrawal of the path's procedure on date, into r->op. */
static int
pp_withdraw_prepare(struct req *r, const char *date, unsigned *status,
    char *why, size_t whylen)
{
	const struct procedure	*p = NULL;
	struct catrow		 row;
	char			 code[PROC_CODE_MAX + 1];
	int64_t			 t;

	if (r->arglen > 0 && r->arglen <= PROC_CODE_MAX) {
		memcpy(code, r->arg, r->arglen);
		code[r->arglen] = '\0';
		p = catalog_procedure(r->app->cat, code, strlen(code));
	}
	if (p == NULL) {
		snprintf(why, whylen, "no such procedure");
		*status = 404;
		return (-1);
	}
	if (p->withdrawn[0] != '\0') {
		snprintf(why, whylen, "procedure %s is already withdrawn "
		    "since %s", p->code, p->withdrawn);
		*status = 409;
		return (-1);
	}
	if (strlen(date) != UNIT_DATE_LEN || parse_date(date, &t) == -1) {
		snprintf(why, whylen, "date: want a day as YYYY-MM-DD, e.g. "
		    "2026-01-01");
		*status = 422;
		return (-1);
	}
	catalog_proc_row(p, &row);
	strlcpy(row.retired, date, sizeof(row.retired));
	return (h_catalog_prepare(r, &row, 1, status, why, whylen));
}

void
h_admin_proc_withdraw_post(struct req *r)
{
	struct form	 f;
	const char	*date = NULL;
	int		 confirm = 0;
	char		 why[512];
	unsigned	 status = 400;
	size_t		 i;

	if (!pp_allowed(r))
		return;
	if (form_parse(r->body.data != NULL ? r->body.data : "", r->body.len,
	    &f, why, sizeof(why)) != HL_OK) {
		http_fail(r, 400, why);
		return;
	}
	for (i = 0; i < f.n; i++) {
		if (strcmp(f.f[i].name, "csrf") == 0)
			continue;
		if (strcmp(f.f[i].name, "confirm") == 0 && !confirm &&
		    strcmp(f.f[i].value, "yes") == 0) {
			confirm = 1;
			continue;
		}
		if (strcmp(f.f[i].name, "date") != 0 || date != NULL) {
			form_clear(&f);
			http_fail(r, 400, "unknown or repeated field");
			return;
		}
		date = f.f[i].value;
	}
	if (pp_withdraw_prepare(r, date != NULL ? date : "", &status, why,
	    sizeof(why)) == 0) {
		form_clear(&f);
		/* It cannot be undone: the clerk ticks that it knows. */
		if (!confirm) {
			pp_proc_page(r, 422, NULL, "chưa đánh dấu ô xác nhận: "
			    "bãi bỏ không hoàn tác được");
			return;
		}
		http_submit(r, pp_done);
		return;
	}
	form_clear(&f);
	if (status == 404)
		http_fail(r, 404, why);
	else
		pp_proc_page(r, status, NULL, why);
}

static void
pp_api_done(struct req *r)
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
h_admin_proc_withdraw(struct req *r)
{
	json_t		*o;
	json_error_t	 e;
	const char	*date;
	char		 why[512];
	unsigned	 status;

	if (!pp_allowed(r))
		return;
	o = json_loadb(r->body.data != NULL ? r->body.data : "", r->body.len,
	    JSON_REJECT_DUPLICATES, &e);
	if (o == NULL || !json_is_object(o)) {
		json_decref(o);
		http_fail(r, 400, "body: not a JSON object");
		return;
	}
	if (json_object_size(o) != 1 ||
	    (date = json_string_value(json_object_get(o, "date"))) == NULL) {
		json_decref(o);
		http_fail(r, 422, "want {\"date\": \"YYYY-MM-DD\"} only");
		return;
	}
	if (pp_withdraw_prepare(r, date, &status, why, sizeof(why)) == -1) {
		json_decref(o);
		http_fail(r, status, why);
		return;
	}
	json_decref(o);
	http_submit(r, pp_api_done);
}
