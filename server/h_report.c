/*
 * h_report.c: the report of a period (?period=, or the monthly paths'
 * ?month=) as HTML, JSON, CSV and XLSX.
 * Traps: a key limited to a unit sees that unit's subtree only; the
 * section by counter and officer is for the unit's head and admins only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <microhttpd.h>

#include "h.h"
#include "report.h"
#include "session.h"
#include "util.h"


static const char *const h_xlsx_type =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/* 1 when unit code u lies in the subtree of code top. */
static int
h_in_subtree(const struct catalog *cat, const char *u, const char *top)
{
	const struct unit	*x;
	int			 guard = 0;

	x = catalog_unit(cat, u, strnlen(u, UNIT_CODE_MAX + 1));
	while (x != NULL && guard++ < 1000) {
		if (strcmp(x->code, top) == 0)
			return (1);
		if (x->parent[0] == '\0')
			break;
		x = catalog_unit(cat, x->parent, strlen(x->parent));
	}
	return (0);
}

/*
 * 1 when r may see the section by counter and officer of a report of
 * unit: an admin, or a key or session limited to that unit or to a unit
 * above it. A key of no unit sees the whole province, but not its
 * officers one by one.
 */
static int
h_report_desks_allowed(struct req *r, const char *unit)
{
	if (unit == NULL)
		return (0);
	if (r->role & ROLE_ADMIN)
		return (1);
	return (r->unit[0] != '\0' &&
	    h_in_subtree(r->app->cat, unit, r->unit));
}

/*
 * Builds the report the query asks for. Returns 0, or -1 after replying
 * with the error.
 */
static int
h_report_build(struct req *r, struct report *rep)
{
	const struct schema	*sch = r->app->sch;
	struct report_opts	 o;
	struct report_period	 pd;
	const char		*month, *unit, *sector, *min, *period;
	char			 why[256];
	long long		 v;
	enum hl_rc		 rc;

	memset(&o, 0, sizeof(o));
	month = http_arg(r, "month");
	unit = http_arg(r, "unit");
	sector = http_arg(r, "sector");
	min = http_arg(r, "min");
	period = http_arg(r, "period");
	if (period != NULL && period[0] != '\0') {
		if (month != NULL && month[0] != '\0') {
			http_fail(r, 400, "period: give period or month, not "
			    "both");
			return (-1);
		}
		if (report_period_parse(period, strlen(period),
		    month_of(now_sec()), &pd, why, sizeof(why)) == -1) {
			http_fail(r, 400, why);
			return (-1);
		}
		o.period = &pd;
	} else if (month == NULL || month[0] == '\0')
		o.month = month_of(now_sec());
	else if ((o.month = report_month_parse(month, strlen(month))) == 0) {
		http_fail(r, 400, "month: want YYYY-MM");
		return (-1);
	}
	if (min != NULL && min[0] != '\0') {
		if (parse_num(min, strlen(min), 1, REPORT_MIN_MAX, &v) == -1) {
			http_fail(r, 400, "min: want a number of answers");
			return (-1);
		}
		o.min_responses = (uint64_t)v;
	}
	if (report_tree_parse(http_arg(r, "tree"), &o.tree) == -1) {
		http_fail(r, 400, "tree: want current or recorded");
		return (-1);
	}
	if (unit != NULL && unit[0] == '\0')
		unit = NULL;
	if (r->unit[0] != '\0') {
		if (unit == NULL)
			unit = r->unit;
		else if (!h_in_subtree(r->app->cat, unit, r->unit)) {
			http_fail(r, 403, "this key may see its own unit only");
			return (-1);
		}
	}
	o.unit = unit;
	o.sector = sector;
	o.ind = sch->ind;
	o.desks = h_report_desks_allowed(r, unit);
	o.wd = &r->app->wd;
	o.answer_days = r->app->cfg.answer_days;
	rc = report_build(rep, r->app->st, r->app->cat, sch->sv, &o, why,
	    sizeof(why));
	if (rc == HL_INVALID) {
		http_fail(r, 400, why);
		return (-1);
	}
	if (rc != HL_OK) {
		http_fail(r, 500, "cannot read the report's figures");
		return (-1);
	}
	/* A report may pass the page cap: it has its own. */
	r->out.max = REPORT_OUT_MAX;
	r->no_store = 1;
	return (0);
}

void
h_report_json(struct req *r)
{
	struct report	 rep;
	int		 rc;

	if (h_report_build(r, &rep) == -1)
		return;
	buf_reset(&r->out);
	rc = report_json_text(&rep, 0, &r->out);
	report_free(&rep);
	if (rc == -1) {
		http_fail(r, 500, "cannot render the report");
		return;
	}
	http_reply(r, 200, "application/json");
}

/*
 * The download's name: the period, the unit and the sector when the
 * report has them ("bao-cao-2026-Q4-92-VD01.xlsx"), a clerk's folder
 * then holds every month apart. Only A-Z a-z 0-9 . _ - go in.
 */
static void
h_report_filename(struct req *r, const struct report *rep, const char *ext)
{
	char	 per[REPORT_PERIOD_STR], name[sizeof(r->filename)];
	size_t	 i;

	report_period_str(&rep->period, per);
	snprintf(name, sizeof(name), "bao-cao-%s%s%s%s%s.%s", per,
	    rep->unit[0] != '\0' ? "-" : "", rep->unit,
	    rep->sector[0] != '\0' ? "-" : "", rep->sector, ext);
	for (i = 0; name[i] != '\0'; i++)
		if (!((name[i] >= 'A' && name[i] <= 'Z') ||
		    (name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= '0' && name[i] <= '9') || name[i] == '.' ||
		    name[i] == '-'))
			name[i] = '_';
	strlcpy(r->filename, name, sizeof(r->filename));
}

void
h_report_csv(struct req *r)
{
	struct report	 rep;

	if (h_report_build(r, &rep) == -1)
		return;
	buf_reset(&r->out);
	if (report_csv(&rep, &r->out) == -1) {
		report_free(&rep);
		http_fail(r, 500, "cannot render the report");
		return;
	}
	h_report_filename(r, &rep, "csv");
	report_free(&rep);
	http_reply(r, 200, "text/csv; charset=utf-8");
}

void
h_report_xlsx(struct req *r)
{
	struct report	 rep;
	const char	*tmp = getenv("TMPDIR");
	char		 why[512];

	if (report_xlsx_ready(why, sizeof(why)) == -1) {
		log_warn("XLSX report unavailable: %s", why);
		http_fail(r, 503, "XLSX reports are unavailable on this "
		    "server (libxlsxwriter cannot be loaded); CSV and JSON "
		    "still work");
		return;
	}
	if (h_report_build(r, &rep) == -1)
		return;
	buf_reset(&r->out);
	if (report_xlsx_buf(&rep, tmp != NULL && tmp[0] == '/' ? tmp : "/tmp",
	    &r->out) == -1) {
		report_free(&rep);
		http_fail(r, 500, "cannot render the report");
		return;
	}
	h_report_filename(r, &rep, "xlsx");
	report_free(&rep);
	http_reply(r, 200, h_xlsx_type);
}

void
h_report_html(struct req *r)
{
	struct report	 rep;
	struct session	 ses;
	const char	*cookie, *sort;
	json_t		*extra;
	char		 qs[HTTP_QUERY_ARG_MAX];
	char		 q[HTTP_QUERY_ARG_MAX * 6];
	int		 monthly;

	if (h_report_build(r, &rep) == -1)
		return;
	q[0] = '\0';
	http_query_add(r, q, sizeof(q), "period");
	http_query_add(r, q, sizeof(q), "month");
	http_query_add(r, q, sizeof(q), "unit");
	http_query_add(r, q, sizeof(q), "sector");
	http_query_add(r, q, sizeof(q), "min");
	http_query_add(r, q, sizeof(q), "tree");
	qs[0] = '\0';
	http_query_add(r, qs, sizeof(qs), "sort");
	extra = json_pack("{s:s,s:s}", "query", q, "sort_query", qs);
	/* Links stay on the paths the page came from. */
	monthly = strncmp(r->url, "/reports/monthly", 16) == 0;
	json_object_set_new(extra, "monthly_paths", json_boolean(monthly));
	json_object_set_new(extra, "path_page", json_string(monthly ?
	    "/reports/monthly" : "/reports"));
	json_object_set_new(extra, "path_csv", json_string(monthly ?
	    "/reports/monthly.csv" : "/reports.csv"));
	json_object_set_new(extra, "path_xlsx", json_string(monthly ?
	    "/reports/monthly.xlsx" : "/reports.xlsx"));
	json_object_set_new(extra, "path_json", json_string(monthly ?
	    "/api/v1/reports/monthly" : "/api/v1/reports"));
	sort = http_arg(r, "sort");
	if (sort != NULL && (strcmp(sort, "code") == 0 ||
	    strcmp(sort, "responses") == 0))
		json_object_set_new(extra, "sort", json_string(sort));
	cookie = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND,
	    SESSION_COOKIE);
	if (r->via_session && cookie != NULL &&
	    session_get(r->app->sessions, cookie, strlen(cookie), &ses) == 0)
		json_object_set_new(extra, "csrf", json_string(ses.csrf));
	buf_reset(&r->out);
	if (report_html(&rep, page_tpl(r->app->sch->pg, "report"), extra,
	    &r->out) == -1) {
		json_decref(extra);
		report_free(&rep);
		buf_reset(&r->out);
		r->out.overflow = 0;
		http_fail(r, 500, "cannot render the report");
		return;
	}
	json_decref(extra);
	report_free(&rep);
	http_reply(r, 200, "text/html; charset=utf-8");
}
