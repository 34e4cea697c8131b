/*
 * h_targets.c: the indicators' and sectors' targets changed while the
 * server runs: GET|PUT /api/v1/admin/indicators and the console's page
 * /admin/indicators (templates/admin_indicators.html). A target (a
 * percentage from 0 to 100 with at most one decimal, for a year) is
 * stored by the writer over the file's of that year with its audit
 * entry; the catalogue (sectors) and the surveys and indicators are
 * loaded again and swapped before the reply, so the next report shows
 * it.
 * Traps: targets are the whole province's: a unit-limited admin reads
 * them and gets 403 for a change. A target of a new year makes at most
 * TARGETS_MAX; an indicator's year is within its resolution's years.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "form.h"
#include "h.h"
#include "util.h"

#define TG_YEAR_MIN	2000
#define TG_YEAR_MAX	2100

static json_t *
tg_targets(const struct target *ts, size_t n)
{
	json_t	*a = json_array();
	size_t	 i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:i,s:f}", "year",
		    ts[i].year, "target", ts[i].percent));
	return (a);
}

static json_t *
tg_all(const struct schema *sch, const struct catalog *cat)
{
	const struct indicators	*set = sch->ind;
	const struct indicator	*d;
	json_t			*o, *a;
	size_t			 i;

	a = json_array();
	for (i = 0; set != NULL && i < set->n; i++) {
		d = &set->ind[i];
		json_array_append_new(a, json_pack("{s:s,s:o,s:s,s:s,s:o}",
		    "id", d->id, "name", text_json(&d->name, NULL), "survey",
		    d->survey, "question", d->question, "targets",
		    tg_targets(d->targets, d->ntargets)));
	}
	o = json_pack("{s:{s:o,s:i,s:i},s:o,s:{s:o,s:o}}", "resolution",
	    "name", set != NULL ? text_json(&set->name, NULL) : json_null(),
	    "from", set != NULL ? set->from : 0, "to", set != NULL ? set->to :
	    0, "indicators", a, "overall", "name",
	    text_json(&cat->overall.name, NULL), "targets",
	    tg_targets(cat->overall.targets, cat->overall.ntargets));
	a = json_array();
	for (i = 0; i < cat->nsectors; i++)
		json_array_append_new(a, json_pack("{s:s,s:o,s:o}", "code",
		    cat->sectors[i].code, "name",
		    text_json(&cat->sectors[i].name, NULL), "targets",
		    tg_targets(cat->sectors[i].targets,
		    cat->sectors[i].ntargets)));
	json_object_set_new(o, "sectors", a);
	return (o);
}

/* "91", "91.5", "91,5": tenths of a percent, 0..1000; -1 otherwise. */
static int
tg_tenths(const char *s, int *out)
{
	size_t	 n = strlen(s), i;
	int	 v = 0, dec = -1;

	if (n == 0 || n > 5)
		return (-1);
	for (i = 0; i < n; i++) {
		if ((s[i] == '.' || s[i] == ',') && dec == -1 && i > 0 &&
		    i == n - 2) {
			dec = 0;
			continue;
		}
		if (s[i] < '0' || s[i] > '9')
			return (-1);
		v = v * 10 + (s[i] - '0');
		if (dec != -1)
			dec++;
	}
	if (dec == -1)
		v *= 10;
	if (v > 1000)
		return (-1);
	*out = v;
	return (0);
}

/* The targets of (kind, code) in use, or NULL when there is no such. */
static const struct target *
tg_find(const struct schema *sch, const struct catalog *cat, char kind,
    const char *code, size_t *n)
{
	size_t	 i;

	if (kind == TARGET_OVERALL) {
		*n = cat->overall.ntargets;
		return (cat->overall.targets);
	}
	if (kind == TARGET_SECTOR) {
		for (i = 0; i < cat->nsectors; i++)
			if (strcmp(cat->sectors[i].code, code) == 0) {
				*n = cat->sectors[i].ntargets;
				return (cat->sectors[i].targets);
			}
		return (NULL);
	}
	for (i = 0; sch->ind != NULL && i < sch->ind->n; i++)
		if (strcmp(sch->ind->ind[i].id, code) == 0) {
			*n = sch->ind->ind[i].ntargets;
			return (sch->ind->ind[i].targets);
		}
	return (NULL);
}

static const char *
tg_kind_name(char k)
{
	return (k == TARGET_INDICATOR ? "indicator" : k == TARGET_SECTOR ?
	    "sector" : "overall");
}

static char
tg_kind(const char *s)
{
	if (s == NULL)
		return ('\0');
	if (strcmp(s, "indicator") == 0)
		return (TARGET_INDICATOR);
	if (strcmp(s, "sector") == 0)
		return (TARGET_SECTOR);
	if (strcmp(s, "overall") == 0)
		return (TARGET_OVERALL);
	return ('\0');
}

/*
 * The checks of a target and r->op filled to store it; 0, or -1 with
 * the status and why (in Vietnamese).
 */
static int
tg_prepare(struct req *r, char kind, const char *code, long long year,
    int tenths, unsigned *status, char *why, size_t whylen)
{
	const struct schema	*sch = r->app->sch;
	const struct catalog	*cat = r->app->cat;
	const struct target	*ts;
	struct target_row	*t;
	json_t			*b, *a;
	size_t			 n = 0, i;
	int			 lo = TG_YEAR_MIN, hi = TG_YEAR_MAX;

	*status = 422;
	if (r->unit[0] != '\0') {
		snprintf(why, whylen, "chỉ tiêu là của cả tỉnh: quản trị của "
		    "một đơn vị không được sửa");
		*status = 403;
		return (-1);
	}
	if (kind == '\0') {
		snprintf(why, whylen, "kind: indicator, sector hoặc overall");
		return (-1);
	}
	if (kind == TARGET_OVERALL)
		code = "";
	if ((ts = tg_find(sch, cat, kind, code, &n)) == NULL) {
		snprintf(why, whylen, "code: không có %s %.40s",
		    kind == TARGET_INDICATOR ? "chỉ số" : "lĩnh vực", code);
		return (-1);
	}
	if (kind == TARGET_INDICATOR && sch->ind != NULL) {
		lo = sch->ind->from;
		hi = sch->ind->to;
	}
	if (year < lo || year > hi) {
		snprintf(why, whylen, "year: năm từ %d đến %d", lo, hi);
		return (-1);
	}
	if (tenths < 0 || tenths > 1000) {
		snprintf(why, whylen, "target: tỷ lệ phần trăm từ 0 đến 100, "
		    "tối đa một chữ số thập phân (ví dụ 92,5)");
		return (-1);
	}
	for (i = 0; i < n && ts[i].year != (int)year; i++)
		;
	if (i == n && n == TARGETS_MAX) {
		snprintf(why, whylen, "year: đã có %d năm có chỉ tiêu; hãy sửa "
		    "một năm đã có", TARGETS_MAX);
		return (-1);
	}
	memset(&r->op, 0, sizeof(r->op));
	r->op.kind = WOP_TARGET;
	t = &r->op.u.target.row;
	t->kind = kind;
	strlcpy(t->code, code, sizeof(t->code));
	t->year = (int)year;
	t->tenths = tenths;
	t->at = now_sec();
	strlcpy(t->who, r->who, sizeof(t->who));
	b = json_pack("{s:s,s:s,s:i,s:o}", "kind", tg_kind_name(kind),
	    "code", code, "year", (int)year, "target", i < n ?
	    json_real(ts[i].percent) : json_null());
	a = json_pack("{s:s,s:s,s:i,s:f}", "kind", tg_kind_name(kind),
	    "code", code, "year", (int)year, "target", tenths / 10.0);
	r->op.u.target.before = json_dumps(b, JSON_COMPACT);
	r->op.u.target.after = json_dumps(a, JSON_COMPACT);
	json_decref(b);
	json_decref(a);
	h_admin_actor(r, &r->op.by);
	return (0);
}

static void
tg_free(struct req *r)
{
	free((char *)r->op.u.target.before);
	free((char *)r->op.u.target.after);
	r->op.u.target.before = r->op.u.target.after = NULL;
}

/* After the writer: the sectors and the indicators swapped. */
static int
tg_commit(struct req *r, unsigned *status, char *why, size_t whylen)
{
	char	 w[512];

	if (r->op.rc != HL_OK) {
		snprintf(why, whylen, "không lưu được");
		*status = http_rc_status(r->op.rc);
		return (-1);
	}
	if (h_state_catalog_reload(r->app, w, sizeof(w)) == -1 ||
	    h_state_schema_reload(r->app, w, sizeof(w)) == -1) {
		log_error("targets not reloaded after %s %s %d: %s",
		    tg_kind_name(r->op.u.target.row.kind),
		    r->op.u.target.row.code, r->op.u.target.row.year, w);
		snprintf(why, whylen, "đã lưu, nhưng chưa dùng được; xem nhật "
		    "ký của máy chủ");
		*status = 500;
		return (-1);
	}
	return (0);
}

static void
tg_reply(struct req *r, unsigned status, json_t *o)
{
	char	*s = o != NULL ? json_dumps(o, JSON_COMPACT) : NULL;

	json_decref(o);
	if (s == NULL) {
		http_fail(r, 500, "cannot render the targets");
		return;
	}
	r->no_store = 1;
	http_reply_json(r, status, s);
	free(s);
}

void
h_admin_targets(struct req *r)
{
	tg_reply(r, 200, tg_all(r->app->sch, r->app->cat));
}

static void
tg_put_done(struct req *r)
{
	unsigned	 status;
	char		 why[512];

	tg_free(r);
	if (tg_commit(r, &status, why, sizeof(why)) == -1) {
		http_fail(r, status, why);
		return;
	}
	tg_reply(r, 200, tg_all(r->app->sch, r->app->cat));
}

void
h_admin_target_put(struct req *r)
{
	json_t		*b, *v;
	json_error_t	 e;
	const char	*k;
	double		 pct;
	unsigned	 status;
	char		 why[256];
	int		 tenths = -1;

	if (r->unit[0] != '\0') {
		http_fail(r, 403, "chỉ tiêu là của cả tỉnh: quản trị của một "
		    "đơn vị không được sửa");
		return;
	}
	b = json_loadb(r->body.data != NULL ? r->body.data : "", r->body.len,
	    JSON_REJECT_DUPLICATES, &e);
	if (!json_is_object(b)) {
		json_decref(b);
		http_fail(r, 400, "body: a JSON object");
		return;
	}
	json_object_foreach(b, k, v)
		if (strcmp(k, "kind") != 0 && strcmp(k, "code") != 0 &&
		    strcmp(k, "year") != 0 && strcmp(k, "target") != 0) {
			snprintf(why, sizeof(why), "trường không biết: %.32s",
			    k);
			json_decref(b);
			http_fail(r, 422, why);
			return;
		}
	v = json_object_get(b, "target");
	if (json_is_number(v)) {
		pct = json_number_value(v);
		if (pct >= 0 && pct <= 100 &&
		    fabs(pct * 10 - round(pct * 10)) < 1e-6)
			tenths = (int)lround(pct * 10);
	}
	if (!json_is_integer(json_object_get(b, "year"))) {
		json_decref(b);
		http_fail(r, 422, "year: một năm, ví dụ 2026");
		return;
	}
	if (json_object_get(b, "code") != NULL &&
	    !json_is_string(json_object_get(b, "code"))) {
		json_decref(b);
		http_fail(r, 422, "code: mã chỉ số hoặc lĩnh vực");
		return;
	}
	if (tg_prepare(r, tg_kind(json_string_value(json_object_get(b,
	    "kind"))), json_string_value(json_object_get(b, "code")) != NULL ?
	    json_string_value(json_object_get(b, "code")) : "",
	    json_integer_value(json_object_get(b, "year")), tenths, &status,
	    why, sizeof(why)) == -1) {
		json_decref(b);
		http_fail(r, status, why);
		return;
	}
	json_decref(b);
	http_submit(r, tg_put_done);
}

/* ---------------------------------------------------------- the page */

static json_t *
tg_page_rows(const struct target *ts, size_t n)
{
	json_t	*a = json_array();
	char	 p[16];
	size_t	 i;

	for (i = 0; i < n; i++) {
		snprintf(p, sizeof(p), "%.1f", ts[i].percent);
		if (p[strlen(p) - 1] == '0')
			p[strlen(p) - 2] = '\0';
		else
			p[strlen(p) - 2] = ',';
		json_array_append_new(a, json_pack("{s:i,s:s}", "year",
		    ts[i].year, "pct", p));
	}
	return (a);
}

static void
tg_page(struct req *r, unsigned status, const char *error, const char *done)
{
	const struct schema	*sch = r->app->sch;
	const struct catalog	*cat = r->app->cat;
	const struct indicator	*d;
	json_t			*ctx, *list;
	char			 msg[600];
	size_t			 i;

	ctx = h_adminpage_ctx(r, "Chỉ tiêu", "indicators_part");
	list = json_array();
	for (i = 0; sch->ind != NULL && i < sch->ind->n; i++) {
		d = &sch->ind->ind[i];
		json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:o}",
		    "kind", "indicator", "code", d->id, "name",
		    d->name.s[LANG_VI], "targets", tg_page_rows(d->targets,
		    d->ntargets)));
	}
	json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:o,s:b}",
	    "kind", "overall", "code", "", "name", cat->overall.name.s[LANG_VI],
	    "targets", tg_page_rows(cat->overall.targets,
	    cat->overall.ntargets), "sectorhead", 1));
	for (i = 0; i < cat->nsectors; i++)
		json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:o}",
		    "kind", "sector", "code", cat->sectors[i].code, "name",
		    cat->sectors[i].name.s[LANG_VI], "targets",
		    tg_page_rows(cat->sectors[i].targets,
		    cat->sectors[i].ntargets)));
	json_object_set_new(ctx, "targets", json_pack("{s:o,s:s,s:i,s:i,"
	    "s:b}", "list", list, "resolution", sch->ind != NULL ?
	    sch->ind->name.s[LANG_VI] : "", "from", sch->ind != NULL ?
	    sch->ind->from : 0, "to", sch->ind != NULL ? sch->ind->to : 0,
	    "editable", r->unit[0] == '\0'));
	if (error != NULL) {
		snprintf(msg, sizeof(msg), "Không lưu được: %s", error);
		json_object_set_new(ctx, "error", json_string(msg));
	}
	if (done != NULL)
		json_object_set_new(ctx, "done", json_string(done));
	h_adminpage_render(r, status, ctx);
}

void
h_admin_targets_page(struct req *r)
{
	const char	*s = http_arg(r, "saved");
	char		 msg[160];
	long long	 y;

	/* ?saved=YEAR: said in the page's words, never echoed. */
	if (s != NULL && parse_num(s, strlen(s), TG_YEAR_MIN, TG_YEAR_MAX,
	    &y) == 0) {
		snprintf(msg, sizeof(msg), "Đã lưu chỉ tiêu năm %lld; báo cáo "
		    "dùng chỉ tiêu mới.", y);
		tg_page(r, 200, NULL, msg);
		return;
	}
	tg_page(r, 200, NULL, NULL);
}

/* Field name of f, or NULL when absent or given twice. */
static const char *
tg_field(const struct form *f, const char *name)
{
	const char	*v = NULL;
	size_t		 i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->f[i].name, name) == 0) {
			if (v != NULL)
				return (NULL);
			v = f->f[i].value;
		}
	return (v);
}

static void
tg_post_done(struct req *r)
{
	unsigned	 status;
	char		 why[512], loc[64];

	tg_free(r);
	if (tg_commit(r, &status, why, sizeof(why)) == -1) {
		http_fail(r, status, why);
		return;
	}
	snprintf(loc, sizeof(loc), "/admin/indicators?saved=%d",
	    r->op.u.target.row.year);
	http_redirect(r, 303, loc);
}

void
h_admin_targets_post(struct req *r)
{
	struct form	 f;
	const char	*kind, *code, *year, *target;
	long long	 y = 0;
	unsigned	 status;
	char		 why[256];
	int		 tenths = -1;
	enum hl_rc	 rc;

	if (r->unit[0] != '\0') {
		http_fail(r, 403, "chỉ tiêu là của cả tỉnh: quản trị của một "
		    "đơn vị không được sửa");
		return;
	}
	rc = form_parse(r->body.data != NULL ? r->body.data : "",
	    r->body.len, &f, why, sizeof(why));
	if (rc != HL_OK) {
		http_fail(r, http_rc_status(rc), why);
		return;
	}
	kind = tg_field(&f, "kind");
	code = tg_field(&f, "code");
	year = tg_field(&f, "year");
	target = tg_field(&f, "target");
	if (f.n != 5 || kind == NULL || code == NULL || year == NULL ||
	    target == NULL || tg_field(&f, "csrf") == NULL) {
		form_clear(&f);
		http_fail(r, 400, "the form's fields: kind, code, year, "
		    "target, csrf");
		return;
	}
	if (parse_num(year, strlen(year), 0, 9999, &y) == -1)
		y = -1;
	if (tg_tenths(target, &tenths) == -1)
		tenths = -1;
	if (tg_prepare(r, tg_kind(kind), code, y, tenths, &status, why,
	    sizeof(why)) == -1) {
		form_clear(&f);
		tg_page(r, status, why, NULL);
		return;
	}
	form_clear(&f);
	http_submit(r, tg_post_done);
}
