/*
 * h_adminpage.c: the admin console's pages under /admin (templates/
 * admin.html): the unit tree (add, rename, move), API keys (create with
 * the secret shown once, list with last use, revoke), users (add, new
 * password, disable) and the audit log (filters, CSV). Plain forms, no
 * script: each write posts the session's CSRF token as a field (http.c
 * checks it) and goes through the same checks and writer ops as the
 * JSON API, with its audit entry; a refused write shows the form again
 * with what was typed and why.
 * Traps: a unit-limited admin sees and changes only its subtree (units,
 * keys and users of it; never a province-wide key or user); a key's
 * secret is in one page only, never stored, never logged, no-store.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <microhttpd.h>

#include "adminword.h"
#include "audit.h"
#include "h.h"
#include "retire.h"
#include "session.h"
#include "tpl.h"
#include "util.h"

#define AP_DEPTH_CLASS_MAX	5	/* indentation steps of the tree */
/* A province's whole unit tree, twice (the tree, the parents offered). */
#define AP_PAGE_MAX		(8u * 1024 * 1024)

/* The context every admin page starts from. */
/*
 * Who is signed in, in words: a user by its name, a key by its name and
 * id ("user lan" -> "lan"; "key 3c9fe7a6eba4 Quầy 7" -> "Quầy 7 (khóa
 * 3c9fe7a6eba4)"); anything else as it is.
 */
static const char *
ap_who(const char *who, char *out, size_t outlen)
{
	const char	*sp;

	if (strncmp(who, "user ", 5) == 0)
		return (who + 5);
	if (strncmp(who, "key ", 4) == 0 && (sp = strchr(who + 4, ' ')) !=
	    NULL) {
		snprintf(out, outlen, "%s (khóa %.*s)", sp + 1,
		    (int)(sp - who - 4), who + 4);
		return (out);
	}
	return (who);
}

static json_t *
ap_ctx(struct req *r, const char *title, const char *part)
{
	char			 who[AUDIT_WHO_MAX + 32];
	const struct unit	*u;
	struct session		 ses;
	const char		*id;
	json_t			*ctx;

	ctx = json_pack("{s:s,s:s,s:b}", "title", title, "who",
	    ap_who(r->who, who, sizeof(who)), part, 1);
	if (r->unit[0] != '\0' && (u = catalog_unit(r->app->cat, r->unit,
	    strlen(r->unit))) != NULL)
		json_object_set_new(ctx, "scope", json_string(
		    u->name.s[LANG_VI]));
	if (r->via_session && (id = MHD_lookup_connection_value(r->conn,
	    MHD_COOKIE_KIND, SESSION_COOKIE)) != NULL &&
	    session_get(r->app->sessions, id, strlen(id), &ses) == 0)
		json_object_set_new(ctx, "csrf", json_string(ses.csrf));
	else
		json_object_set_new(ctx, "csrf", json_string(""));
	json_object_set_new(ctx, "anyunit", json_boolean(r->unit[0] == '\0'));
	return (ctx);
}

static void
ap_render(struct req *r, unsigned status, json_t *ctx)
{
	const struct tpl	*t = page_tpl(r->app->sch->pg, "admin");

	buf_clear(&r->out);
	buf_init(&r->out, AP_PAGE_MAX);
	if (ctx == NULL || t == NULL || tpl_render(t, ctx, &r->out) == -1) {
		json_decref(ctx);
		buf_reset(&r->out);
		r->out.overflow = 0;
		http_fail(r, 500, "cannot render the admin page");
		return;
	}
	json_decref(ctx);
	r->no_store = 1;
	http_reply(r, status, "text/html; charset=utf-8");
}

/* A refusal of a write, in the page's words. */
static void
ap_error(json_t *ctx, const char *why)
{
	char	 msg[600], vi[520];

	/* The checks' reasons are the API's, in English: said in words. */
	adminword_reason(why, vi, sizeof(vi));
	snprintf(msg, sizeof(msg), "Không lưu được: %s", vi);
	json_object_set_new(ctx, "error", json_string(msg));
}

struct ap_tree {
	const struct catalog	*cat;
	size_t			*idx;	/* units by (parent, code) */
};

static const struct catalog *ap_sort_cat;

static int
ap_by_parent(const void *a, const void *b)
{
	const struct unit	*x = &ap_sort_cat->units[*(const size_t *)a];
	const struct unit	*y = &ap_sort_cat->units[*(const size_t *)b];
	int			 r;

	if ((r = strcmp(x->parent, y->parent)) != 0)
		return (r);
	return (strcmp(x->code, y->code));
}

/*
 * The units of r's subtree in tree order (each unit, then its children
 * by code): a JSON array of {code, name, kind, depth}. The sort's
 * comparator reads the catalogue through a static set under a lock.
 */
static json_t *
ap_units(struct req *r, size_t *count)
{
	static pthread_mutex_t	 mu = PTHREAD_MUTEX_INITIALIZER;
	const struct catalog	*cat = r->app->cat;
	const struct unit	*top, *u;
	json_t			*a = json_array();
	size_t			*idx, *stack, n = cat->nunits, sp = 0, i, lo;
	size_t			 hi, mid;
	int			 d, top_depth;
	char			 day[16];

	*count = 0;
	top = r->unit[0] != '\0' ? catalog_unit(cat, r->unit,
	    strlen(r->unit)) : catalog_root(cat);
	if (top == NULL || n == 0)
		return (a);
	idx = xcalloc(n, sizeof(*idx));
	stack = xcalloc(n + 1, sizeof(*stack));
	for (i = 0; i < n; i++)
		idx[i] = i;
	pthread_mutex_lock(&mu);
	ap_sort_cat = cat;
	qsort(idx, n, sizeof(*idx), ap_by_parent);
	ap_sort_cat = NULL;
	pthread_mutex_unlock(&mu);
	top_depth = top->depth;
	stack[sp++] = (size_t)(top - cat->units);
	while (sp > 0) {
		u = &cat->units[stack[--sp]];
		d = u->depth - top_depth;
		json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:s,s:i}",
		    "code", u->code, "name", u->name.s[LANG_VI], "kind",
		    u->kind, "kindword", adminword_kind(u->kind), "depth",
		    d > AP_DEPTH_CLASS_MAX ? AP_DEPTH_CLASS_MAX : d));
		if (u->retired[0] != '\0')
			json_object_set_new(json_array_get(a,
			    json_array_size(a) - 1), "retired", json_pack(
			    "{s:s,s:s,s:s}", "date", u->retired, "date_vi",
			    format_day(u->retired, day), "successor",
			    u->successor));
		(*count)++;
		/* Children: the run of idx whose parent is u (found by
		 * halving), pushed last first so that they come out by code. */
		lo = 0;
		hi = n;
		while (lo < hi) {
			mid = lo + (hi - lo) / 2;
			if (strcmp(cat->units[idx[mid]].parent, u->code) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (i = lo; i < n && strcmp(cat->units[idx[i]].parent,
		    u->code) == 0; i++)
			;
		while (i > lo && sp < n)
			stack[sp++] = idx[--i];
	}
	free(idx);
	free(stack);
	return (a);
}

/* The units as options, sel selected. */
static json_t *
ap_options(json_t *units, const char *sel)
{
	json_t	*a = json_array(), *u;
	size_t	 i;
	int	 on;

	json_array_foreach(units, i, u) {
		on = sel != NULL && strcmp(json_string_value(json_object_get(u,
		    "code")), sel) == 0;
		/* A retired unit takes no new children: not offered. */
		if (json_object_get(u, "retired") != NULL && !on)
			continue;
		json_array_append_new(a, json_pack("{s:O,s:O,s:b}", "code",
		    json_object_get(u, "code"), "name",
		    json_object_get(u, "name"), "selected", on));
	}
	return (a);
}

/* The units' kinds: every kind with a word, then those of the
 * catalogue without one, each once. */
static json_t *
ap_kinds(const struct catalog *cat)
{
	json_t	*a = adminword_kinds(), *seen = json_object(), *k;
	size_t	 i;

	json_array_foreach(a, i, k)
		json_object_set(seen, json_string_value(json_object_get(k,
		    "code")), json_true());
	for (i = 0; i < cat->nunits; i++)
		if (json_object_get(seen, cat->units[i].kind) == NULL) {
			json_object_set_new(seen, cat->units[i].kind,
			    json_true());
			json_array_append_new(a, json_pack("{s:s,s:s}",
			    "code", cat->units[i].kind, "word",
			    adminword_kind(cat->units[i].kind)));
		}
	json_decref(seen);
	return (a);
}

/* The form's fields (but csrf) as a JSON object; repeated -> NULL. */
static json_t *
ap_form_json(struct req *r, struct form *f, char *why, size_t whylen)
{
	json_t	*o;
	size_t	 i;

	if (form_parse(r->body.data != NULL ? r->body.data : "", r->body.len,
	    f, why, whylen) != HL_OK)
		return (NULL);
	o = json_object();
	for (i = 0; i < f->n; i++) {
		if (strcmp(f->f[i].name, "csrf") == 0)
			continue;
		if (json_object_get(o, f->f[i].name) != NULL) {
			snprintf(why, whylen, "%s: repeated", f->f[i].name);
			json_decref(o);
			form_clear(f);
			return (NULL);
		}
		json_object_set_new(o, f->f[i].name,
		    json_stringn(f->f[i].value, f->f[i].len));
	}
	return (o);
}

static const char *
ap_str(json_t *o, const char *k)
{
	const char	*s = json_string_value(json_object_get(o, k));

	return (s != NULL ? s : "");
}

/* The units page, with the add form holding form (or empty). */
static void
ap_units_page(struct req *r, unsigned status, json_t *form,
    const char *error, const char *done)
{
	json_t		*ctx = ap_ctx(r, "Đơn vị", "units"), *units;
	size_t		 n;

	units = ap_units(r, &n);
	json_object_set_new(ctx, "parents", ap_options(units,
	    form != NULL ? ap_str(form, "parent") : NULL));
	json_object_set_new(ctx, "list", units);
	json_object_set_new(ctx, "count", json_integer((json_int_t)n));
	json_object_set_new(ctx, "kinds", ap_kinds(r->app->cat));
	json_object_set_new(ctx, "form", form != NULL ? form : json_object());
	if (error != NULL)
		ap_error(ctx, error);
	if (done != NULL)
		json_object_set_new(ctx, "done", json_string(done));
	ap_render(r, status, ctx);
}

void
h_admin_home(struct req *r)
{
	http_redirect(r, 303, "/admin/units");
}

void
h_admin_units_page(struct req *r)
{
	const char	*a = http_arg(r, "added"), *c = http_arg(r, "changed");
	const char	*x = http_arg(r, "retired");
	const char	*im = http_arg(r, "imported");
	char		 done[96];

	done[0] = '\0';
	if (a != NULL && strlen(a) <= UNIT_CODE_MAX)
		snprintf(done, sizeof(done), "Đã thêm đơn vị %s.", a);
	else if (im != NULL && strlen(im) <= 6)
		snprintf(done, sizeof(done), "Đã nhập danh sách: %s đơn vị "
		    "thay đổi.", im);
	else if (x != NULL && strlen(x) <= UNIT_CODE_MAX)
		snprintf(done, sizeof(done), "Đã ghi giải thể đơn vị %s.", x);
	else if (c != NULL && strlen(c) <= UNIT_CODE_MAX)
		snprintf(done, sizeof(done), "Đã lưu đơn vị %s.", c);
	ap_units_page(r, 200, NULL, NULL, done[0] != '\0' ? done : NULL);
}

/* One unit's edit page, with form (or the unit as it is). */
static void
ap_unit_page(struct req *r, unsigned status, json_t *form, const char *error)
{
	const struct unit	*u;
	struct catrow		 c;
	json_t			*ctx, *units;
	size_t			 n;
	char			 code[UNIT_CODE_MAX + 1];

	if (r->arglen == 0 || r->arglen > UNIT_CODE_MAX) {
		http_fail(r, 404, "no such unit");
		json_decref(form);
		return;
	}
	memcpy(code, r->arg, r->arglen);
	code[r->arglen] = '\0';
	if ((u = catalog_unit(r->app->cat, code, strlen(code))) == NULL) {
		http_fail(r, 404, "no such unit");
		json_decref(form);
		return;
	}
	if (!h_admin_may(r, code)) {
		http_fail(r, 403, "this unit is outside yours");
		json_decref(form);
		return;
	}
	if (form == NULL) {
		catalog_unit_row(u, &c);
		form = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "code", c.code,
		    "parent", c.parent, "kind", c.kind, "name_vi",
		    c.name[LANG_VI], "name_en", c.name[LANG_EN], "name_km",
		    strcmp(c.name[LANG_KM], c.name[LANG_VI]) == 0 ? "" :
		    c.name[LANG_KM], "hotline", c.hotline);
	}
	json_object_set_new(form, "code", json_string(code));
	ctx = ap_ctx(r, u->name.s[LANG_VI], "unit");
	units = ap_units(r, &n);
	if (u->parent[0] == '\0') {
		json_decref(units);
		units = json_pack("[{s:s,s:s}]", "code", "", "name",
		    "(đơn vị gốc)");
	}
	json_object_set_new(ctx, "parents", ap_options(units,
	    ap_str(form, "parent")));
	json_decref(units);
	json_object_set_new(ctx, "kinds", ap_kinds(r->app->cat));
	json_object_set_new(ctx, "form", form);
	json_object_update(ctx, units = h_unitretire_ctx(r, u));
	json_decref(units);
	if (error != NULL)
		ap_error(ctx, error);
	ap_render(r, status, ctx);
}

void
h_admin_unit_page(struct req *r)
{
	ap_unit_page(r, 200, NULL, NULL);
}

void
h_admin_unit_page_error(struct req *r, unsigned status, const char *why)
{
	ap_unit_page(r, status, NULL, why);
}

/* After the writer: the catalogue swapped in, or the form again. */
static void
ap_unit_done(struct req *r)
{
	const struct catrow	*row = &r->op.u.catrow.row;
	char			 why[512], loc[96];
	unsigned		 status;
	json_t			*form;

	if (h_catalog_commit(r, &status, why, sizeof(why)) == 0) {
		snprintf(loc, sizeof(loc), "/admin/units?%s=%s",
		    r->op.u.catrow.replace ? "changed" : "added", row->code);
		http_redirect(r, 303, loc);
		return;
	}
	form = audit_catrow_json(row);
	if (r->op.u.catrow.replace)
		ap_unit_page(r, status, form, why);
	else
		ap_units_page(r, status, form, why, NULL);
}

/* POST /admin/units and /admin/units/<code>: a unit from the form. */
static void
ap_unit_write(struct req *r, int replace)
{
	struct form	 f;
	struct catrow	 row;
	json_t		*form;
	char		 why[512], *body = NULL;
	unsigned	 status = 400;
	enum hl_rc	 rc;

	if ((form = ap_form_json(r, &f, why, sizeof(why))) == NULL) {
		http_fail(r, 400, why);
		return;
	}
	form_clear(&f);
	/* A kind typed as its word is its code ("Xã" is a commune). */
	if (json_is_string(json_object_get(form, "kind")))
		json_object_set_new(form, "kind", json_string(
		    adminword_kind_code(json_string_value(json_object_get(form,
		    "kind")))));
	if (replace) {
		if (r->arglen == 0 || r->arglen > UNIT_CODE_MAX) {
			json_decref(form);
			http_fail(r, 404, "no such unit");
			return;
		}
		json_object_set_new(form, "code", json_stringn(r->arg,
		    r->arglen));
	}
	body = json_dumps(form, JSON_COMPACT);
	rc = json_in_catrow(body != NULL ? body : "", body != NULL ?
	    strlen(body) : 0, CATROW_UNIT, &row, why, sizeof(why));
	free(body);
	if (rc == HL_OK && h_catalog_prepare(r, &row, replace, &status, why,
	    sizeof(why)) == 0) {
		json_decref(form);
		http_submit(r, ap_unit_done);
		return;
	}
	if (rc != HL_OK)
		status = http_rc_status(rc);
	if (replace)
		ap_unit_page(r, status, form, why);
	else
		ap_units_page(r, status, form, why, NULL);
}

void
h_admin_units_post(struct req *r)
{
	ap_unit_write(r, 0);
}

void
h_admin_unit_post(struct req *r)
{
	ap_unit_write(r, 1);
}

/* ---- for the admin pages of other files */

json_t *
h_adminpage_ctx(struct req *r, const char *title, const char *part)
{
	return (ap_ctx(r, title, part));
}

void
h_adminpage_render(struct req *r, unsigned status, json_t *ctx)
{
	ap_render(r, status, ctx);
}

void
h_adminpage_fail(struct req *r, unsigned status, const char *why)
{
	static const struct {
		const char	*path, *word;
	} back[] = {
		{ "/admin/units", "Danh sách đơn vị" },
		{ "/admin/procedures", "Danh sách thủ tục" },
		{ "/admin/keys", "Danh sách khóa" },
		{ "/admin/kiosks", "Danh sách ki-ốt" },
		{ "/admin/users", "Danh sách người dùng" },
		{ "/admin/surveys", "Danh sách khảo sát" },
		{ "/admin/indicators", "Chỉ tiêu" },
		{ "/admin/audit", "Nhật ký thay đổi" },
		{ "/reports", "Về báo cáo" },
	};
	json_t		*ctx;
	char		 vi[520];
	const char	*title;
	size_t		 i, n;

	switch (status) {
	case 400:
		title = "Yêu cầu không hợp lệ";
		break;
	case 403:
		title = "Không được phép";
		break;
	case 404:
		title = "Không tìm thấy";
		break;
	case 409:
		title = "Đã có thay đổi khác trước";
		break;
	case 410:
		title = "Không còn hiệu lực";
		break;
	case 413:
		title = "Dữ liệu quá lớn";
		break;
	case 422:
		title = "Dữ liệu không hợp lệ";
		break;
	case 429:
		title = "Quá nhiều lần thử";
		break;
	default:
		title = status >= 500 ? "Lỗi của máy chủ" : "Không thực hiện "
		    "được";
	}
	adminword_reason(why, vi, sizeof(vi));
	ctx = ap_ctx(r, title, "failed");
	json_object_set_new(ctx, "error", json_string(vi));
	/* The reports' readers are not the console's: no sections. */
	if (r->url != NULL && strncmp(r->url, "/reports", 8) == 0)
		json_object_set_new(ctx, "nonav", json_true());
	/* Back to the section's list: /admin/<section> of the path. */
	for (i = 0; i < sizeof(back) / sizeof(back[0]); i++) {
		n = strlen(back[i].path);
		if (r->url != NULL && strncmp(r->url, back[i].path, n) == 0 &&
		    (r->url[n] == '/' || r->url[n] == '\0') &&
		    strcmp(r->url, back[i].path) != 0) {
			json_object_set_new(ctx, "back",
			    json_string(back[i].path));
			json_object_set_new(ctx, "back_word",
			    json_string(back[i].word));
			break;
		}
	}
	ap_render(r, status, ctx);
}

void
h_adminpage_error(json_t *ctx, const char *why)
{
	ap_error(ctx, why);
}

json_t *
h_adminpage_units(struct req *r, const char *sel)
{
	json_t	*units, *o;
	size_t	 n;

	units = ap_units(r, &n);
	o = ap_options(units, sel);
	json_decref(units);
	return (o);
}

const char *
h_adminpage_str(json_t *o, const char *k)
{
	return (ap_str(o, k));
}

json_t *
h_adminpage_form(struct req *r, char *why, size_t whylen)
{
	struct form	 f;
	json_t		*o;

	if ((o = ap_form_json(r, &f, why, whylen)) != NULL)
		form_clear(&f);
	return (o);
}

/* ---- audit */

void
h_admin_audit_page(struct req *r)
{
	json_t		*ctx, *entries = NULL, *e, *list, *q;
	char		 next[24], query[HTTP_QUERY_ARG_MAX * 5], at[32];
	long long	 us;
	const char	*id, *f = http_arg(r, "from"), *t = http_arg(r, "to");
	const char	*bad = NULL;
	int64_t		 from = 0, to = 0;
	size_t		 i;

	/* The dates are days of the province (as the times shown): said
	 * in words on the page when wrong. */
	if (f != NULL && f[0] != '\0' && parse_date(f, &from) == -1)
		bad = "\"Từ ngày\" không phải một ngày (năm-tháng-ngày)";
	else if (t != NULL && t[0] != '\0' && parse_date(t, &to) == -1)
		bad = "\"Đến ngày\" không phải một ngày (năm-tháng-ngày)";
	else if (from != 0 && to != 0 && from > to)
		bad = "\"Từ ngày\" sau \"Đến ngày\"";
	if (bad == NULL && h_admin_audit_collect(r, &entries, next,
	    sizeof(next)) == -1)
		return;
	if (bad != NULL) {
		entries = json_array();
		next[0] = '\0';
	}
	ctx = ap_ctx(r, "Nhật ký thay đổi", "audit");
	if (bad != NULL) {
		json_object_set_new(ctx, "error", json_string(bad));
		json_object_set_new(ctx, "badfilter", json_true());
	}
	list = json_array();
	json_array_foreach(entries, i, e) {
		id = json_string_value(json_object_get(e, "id"));
		if (id == NULL || parse_num(id, strlen(id), 1, INT64_MAX,
		    &us) == -1)
			us = 0;
		format_time_local((int64_t)(us / 1000000), at);
		/* Before and after as field changes, in words (the API
		 * and the CSV keep the JSON). */
		json_array_append_new(list, json_pack("{s:s,s:O,s:s,s:O,s:s,"
		    "s:O,s:o}", "at", at, "who", json_object_get(e, "who"),
		    "role", adminword_role(json_string_value(json_object_get(e,
		    "role"))), "action", json_object_get(e, "action"),
		    "action_word", adminword_action(json_string_value(
		    json_object_get(e, "action"))), "unit", json_object_get(e,
		    "unit"), "changes", adminword_changes(json_object_get(e,
		    "before"), json_object_get(e, "after"))));
	}
	json_decref(entries);
	json_object_set_new(ctx, "list", list);
	json_object_set_new(ctx, "actions", adminword_actions());
	q = json_pack("{s:s,s:s,s:s,s:s}", "action", http_arg(r, "action") ?
	    http_arg(r, "action") : "", "who", http_arg(r, "who") ?
	    http_arg(r, "who") : "", "from", http_arg(r, "from") ?
	    http_arg(r, "from") : "", "to", http_arg(r, "to") ?
	    http_arg(r, "to") : "");
	json_object_set_new(ctx, "q", q);
	query[0] = '\0';
	http_query_add(r, query, sizeof(query), "action");
	http_query_add(r, query, sizeof(query), "who");
	http_query_add(r, query, sizeof(query), "from");
	http_query_add(r, query, sizeof(query), "to");
	json_object_set_new(ctx, "query", json_string(query));
	if (next[0] != '\0')
		json_object_set_new(ctx, "next", json_string(next));
	ap_render(r, bad != NULL ? 400 : 200, ctx);
}
