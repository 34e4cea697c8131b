/*
 * report_fu.c: the report's follow-ups (report.h, struct report_fu): per
 * unit of the scope and for the whole scope, the items opened in the
 * period, answered, answered by their deadline (workdays.h), the median
 * time to the first answer and the items overdue now; and the dossiers
 * with a complaint (store_complaint_dossiers()), which Decision 766's
 * ratio leaves out. Figures only: no text, no number.
 * Trap: an item counts under its own unit only (a parent's row is not
 * the sum of its children's); the total is the scope's. In the current
 * tree a retired unit's items count under its successor.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "followup.h"
#include "report_priv.h"
#include "store.h"
#include "util.h"
#include "workdays.h"

/* Durations to answer, per row (units, then the total). */
struct fu_walk {
	struct report		*rep;
	const struct workdays	*wd;
	int			 days;
	int64_t			 from, to, now;
	int64_t			**d;
	size_t			*nd, *cap;
};

/* The first second of month YYYYMM, local time. */
static int64_t
fu_month_start(uint32_t month)
{
	struct tm	 tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = (int)(month / 100) - 1900;
	tm.tm_mon = (int)(month % 100) - 1;
	tm.tm_mday = 1;
	tm.tm_isdst = -1;
	return ((int64_t)mktime(&tm));
}

static void
fu_add_duration(struct fu_walk *w, size_t row, int64_t d)
{
	if (w->nd[row] == w->cap[row]) {
		w->cap[row] = w->cap[row] == 0 ? 16 : w->cap[row] * 2;
		w->d[row] = xrealloc(w->d[row], w->cap[row] * sizeof(int64_t));
	}
	w->d[row][w->nd[row]++] = d;
}

static void
fu_count(struct fu_walk *w, size_t row, struct report_fu *x,
    const struct followup *f, int64_t deadline)
{
	if (f->created >= w->from && f->created < w->to) {
		x->received++;
		if (f->answered_at != 0) {
			x->answered++;
			if (f->answered_at < deadline)
				x->in_time++;
			fu_add_duration(w, row, f->answered_at - f->created);
		}
	}
	if (f->state == FOLLOWUP_OPEN && deadline != 0 && w->now >= deadline)
		x->overdue_now++;
}

static int
fu_pick(const struct followup *f, void *arg)
{
	struct fu_walk		*w = arg;
	struct report		*rep = w->rep;
	const struct unit	*tu;
	const char		*code = f->unit;
	int64_t			 deadline;
	size_t			 i;

	/* In the current tree, a retired unit's under its successor. */
	if ((tu = report_tree_unit(rep, f->unit)) != NULL)
		code = tu->code;
	if (rep->unit[0] != '\0' &&
	    !catalog_in_subtree(rep->cat, code, rep->unit))
		return (0);
	deadline = workdays_deadline(w->wd, f->created, w->days);
	fu_count(w, rep->nunits, &rep->fu_total, f, deadline);
	for (i = 0; i < rep->nunits; i++)
		if (strcmp(rep->units[i].code, code) == 0) {
			fu_count(w, i, &rep->fu_units[i], f, deadline);
			break;
		}
	return (0);
}

static int
fu_cmp(const void *a, const void *b)
{
	int64_t	 x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x < y ? -1 : x > y);
}

static int64_t
fu_median(int64_t *d, size_t n)
{
	if (n == 0)
		return (-1);
	qsort(d, n, sizeof(*d), fu_cmp);
	return (n % 2 ? d[n / 2] : (d[n / 2 - 1] + d[n / 2]) / 2);
}

int
report_fu_build(struct report *rep, struct store *st,
    const struct workdays *wd, int answer_days, int64_t now)
{
	struct fu_walk	 w;
	size_t		 i, nrows = rep->nunits + 1;
	int		 ret = -1;

	memset(&w, 0, sizeof(w));
	w.rep = rep;
	w.wd = wd;
	w.days = answer_days;
	w.now = now;
	w.from = fu_month_start(rep->period.from);
	w.to = fu_month_start(report_month_add(rep->period.to, 1));
	w.d = xcalloc(nrows, sizeof(*w.d));
	w.nd = xcalloc(nrows, sizeof(*w.nd));
	w.cap = xcalloc(nrows, sizeof(*w.cap));
	rep->fu_units = xcalloc(rep->nunits > 0 ? rep->nunits : 1,
	    sizeof(*rep->fu_units));
	memset(&rep->fu_total, 0, sizeof(rep->fu_total));
	if (store_each_followup(st, fu_pick, &w) != 0)
		goto out;
	for (i = 0; i < rep->nunits; i++)
		rep->fu_units[i].median_secs = fu_median(w.d[i], w.nd[i]);
	rep->fu_total.median_secs = fu_median(w.d[rep->nunits],
	    w.nd[rep->nunits]);
	if (followup_complaint_dossiers(st, rep->cat, rep->unit, w.from, w.to,
	    &rep->fu_dossiers) == -1)
		goto out;
	rep->has_fu = 1;
	ret = 0;
out:
	for (i = 0; i < nrows; i++)
		free(w.d[i]);
	free(w.d);
	free(w.nd);
	free(w.cap);
	if (ret == -1)
		report_fu_free(rep);
	return (ret);
}

void
report_fu_free(struct report *rep)
{
	free(rep->fu_units);
	rep->fu_units = NULL;
	rep->has_fu = 0;
}

static json_t *
fu_json(const struct report_fu *x)
{
	json_t	*o = json_object();

	json_object_set_new(o, "received", json_integer((json_int_t)
	    x->received));
	json_object_set_new(o, "answered", json_integer((json_int_t)
	    x->answered));
	json_object_set_new(o, "answered_in_time", json_integer((json_int_t)
	    x->in_time));
	json_object_set_new(o, "median_hours", x->median_secs < 0 ?
	    json_null() : json_real((double)x->median_secs / 3600.0));
	json_object_set_new(o, "overdue_now", json_integer((json_int_t)
	    x->overdue_now));
	return (o);
}

void
report_fu_json(const struct report *rep, json_t *o)
{
	const struct report_fu	*x;
	json_t			*fu, *a, *r;
	size_t			 i;

	if (!rep->has_fu)
		return;
	fu = json_object();
	json_object_set_new(fu, "total", fu_json(&rep->fu_total));
	json_object_set_new(fu, "dossiers_with_complaint",
	    json_integer((json_int_t)rep->fu_dossiers));
	a = json_array();
	for (i = 0; i < rep->nunits; i++) {
		x = &rep->fu_units[i];
		if (x->received == 0 && x->overdue_now == 0)
			continue;
		r = fu_json(x);
		json_object_set_new(r, "unit", json_string(rep->units[i].code));
		json_object_set_new(r, "unit_name", json_string(report_txt_vi(
		    rep->units[i].name, rep->units[i].code)));
		json_array_append_new(a, r);
	}
	json_object_set_new(fu, "units", a);
	json_object_set_new(o, "followups", fu);
	json_object_set_new(json_object_get(o, "definitions"), "followups",
	    json_string("followups: complaints and requests citizens filed "
	    "and low ratings with a comment, per unit (its own items, not "
	    "its subtree's) and for the scope: received = opened in the "
	    "period; answered = of those, answered since; answered_in_time "
	    "= answered before the end of their last working day to answer "
	    "([followups] answer_days); median_hours = median time from "
	    "opening to the first answer; overdue_now = still open past "
	    "their deadline now, whenever opened; dossiers_with_complaint = "
	    "distinct dossiers (case numbers) whose citizen filed a "
	    "complaint or request, opened in the period"));
}
