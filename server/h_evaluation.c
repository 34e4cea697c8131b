/*
 * h_evaluation.c: GET /api/v1/evaluations, the evaluations of a period
 * for the national evaluation system (evaluation.h) as JSON lines or
 * CSV.
 * Trap: a key limited to a unit sees its subtree's agencies only, as
 * with reports.
 */
#include <string.h>

#include "evaluation.h"
#include "h.h"
#include "report.h"
#include "util.h"

void
h_evaluations(struct req *r)
{
	struct evaluation_opts	 o;
	struct report_period	 pd;
	const char		*period = http_arg(r, "period");
	const char		*format = http_arg(r, "format");
	const char		*unit = http_arg(r, "unit");
	char			 why[128];
	long			 n;

	memset(&o, 0, sizeof(o));
	if (period == NULL || period[0] == '\0') {
		http_fail(r, 400, "period: required (YYYY-MM, YYYY-Qn, YYYY "
		    "or YYYY-MM..YYYY-MM)");
		return;
	}
	if (report_period_parse(period, strlen(period), month_of(now_sec()),
	    &pd, why, sizeof(why)) == -1) {
		http_fail(r, 400, why);
		return;
	}
	if (format != NULL && strcmp(format, "csv") != 0 &&
	    strcmp(format, "jsonl") != 0) {
		http_fail(r, 400, "format: want jsonl or csv");
		return;
	}
	if (unit != NULL && unit[0] == '\0')
		unit = NULL;
	if (unit != NULL && catalog_unit(r->app->cat, unit,
	    strlen(unit)) == NULL) {
		http_fail(r, 400, "unit: no such unit");
		return;
	}
	if (r->unit[0] != '\0') {
		if (unit == NULL)
			unit = r->unit;
		else if (!catalog_in_subtree(r->app->cat, unit, r->unit)) {
			http_fail(r, 403, "this key may see its own unit only");
			return;
		}
	}
	o.from = pd.from;
	o.to = pd.to;
	o.unit = unit;
	o.csv = format != NULL && strcmp(format, "csv") == 0;
	buf_reset(&r->out);
	r->out.max = EVALUATION_HTTP_MAX;
	n = evaluation_write(r->app->st, r->app->cat, r->app->sch->sv, &o,
	    &r->out);
	if (n == -2) {
		http_fail(r, 413, "too many evaluations for one answer: ask "
		    "for a shorter period, or use hailong export --format "
		    "evaluations");
		return;
	}
	if (n < 0) {
		http_fail(r, 500, "cannot read the evaluations");
		return;
	}
	r->no_store = 1;
	http_reply(r, 200, o.csv ? "text/csv; charset=utf-8" :
	    "application/x-ndjson");
}
