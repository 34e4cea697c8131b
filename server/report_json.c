/*
 * report_json.c: a built report as the JSON value every rendering is made
 * from: CSV, XLSX (report_table.c) and HTML (report_html.c) all read it,
 * so they never disagree; the API serves it as it is. Rows with their
 * intervals, targets and verdicts (report_stats.c), suspect answers
 * beside the figures, units worst first with the total never ranked,
 * questions, channels, response rates, the trend, the comments, and the
 * parts of report_ind.c and report_desk.c.
 * Trap: no answers is "no data" (null), never 0% or NaN.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "report.h"
#include "report_priv.h"
#include "util.h"

void
report_final_vi(const struct report *rep, char *out, size_t outlen)
{
	char	 d[32];

	format_time_local(rep->final_at, d);
	d[10] = '\0';	/* "dd/mm/yyyy" */
	snprintf(out, outlen, rep->provisional ? "Số liệu tạm thời - chốt "
	    "ngày %s (câu trả lời muộn vẫn có thể đến trong 7 ngày sau "
	    "cuối kỳ)" : "Số liệu đã chốt ngày %s", d);
}

void
report_targets_vi(const struct report *rep, char *out, size_t outlen)
{
	unsigned	 y = (rep->period.to / 100) % 10000;

	if (rep->period.from / 100 != rep->period.to / 100)
		snprintf(out, outlen, "Chỉ tiêu áp dụng cho năm %u (kỳ trải "
		    "qua hai năm: chỉ tiêu của năm sau, năm của tháng cuối "
		    "kỳ)", y);
	else
		snprintf(out, outlen, "Chỉ tiêu áp dụng cho năm %u", y);
}

static json_t *
jnum(double v, double scale)
{
	if (isnan(v) || isinf(v))
		return (json_null());
	return (json_real(round(v * scale) / scale));
}

const char *
report_txt_vi(const struct text *t, const char *dflt)
{
	if (t == NULL || t->s[LANG_VI] == NULL)
		return (dflt);
	return (t->s[LANG_VI]);
}

void
report_month_str(uint32_t m, char out[REPORT_MONTH_STR])
{
	snprintf(out, REPORT_MONTH_STR, "%04u-%02u", (m / 100) % 10000,
	    m % 100);
}

/* Percent of a of b, or NaN when b is 0. */
static double
pct(uint64_t a, uint64_t b)
{
	return (b == 0 ? NAN : 100.0 * (double)a / (double)b);
}

/*
 * Index of the target a row is judged by at a glance: the latest whose
 * year has come (the report's year or before), else the first; -1 when
 * there are none (the walk-ins).
 */
static int
report_target_in_force(const struct report *rep, const struct sector *sec)
{
	size_t	 i;
	int	 k = 0;

	if (sec == NULL || sec->ntargets == 0)
		return (-1);
	for (i = 0; i < sec->ntargets; i++)
		if ((uint32_t)sec->targets[i].year <= rep->month / 100)
			k = (int)i;
	return (k);
}

/*
 * Beside the figures, what they leave out: the overall answers of
 * responses flagged suspect, and the rate with them counted.
 */
static void
row_json_suspect(json_t *o, const struct report_fig *c)
{
	uint64_t	 n = 0, s = 0;
	size_t		 i;

	for (i = 0; i < SURVEY_LEVELS; i++) {
		n += c->suspect_levels[i];
		if (i + 1 >= REPORT_SAT_LEVEL)
			s += c->suspect_levels[i];
	}
	json_object_set_new(o, "suspect", json_integer((json_int_t)n));
	json_object_set_new(o, "responses_with_suspect",
	    json_integer((json_int_t)(c->responses + n)));
	json_object_set_new(o, "satisfied_with_suspect",
	    json_integer((json_int_t)(c->satisfied + s)));
	json_object_set_new(o, "percent_with_suspect",
	    jnum(pct(c->satisfied + s, c->responses + n), 100));
}

static json_t *
row_json(const struct report *rep, const struct report_row *rw)
{
	const struct report_fig	*c = &rw->cur;
	const struct report_fig	*pv = &rw->prev;
	json_t			*o, *ts, *lv;
	double			 lo = NAN, hi = NAN, t, pr;
	uint64_t		 tick;
	char			 k[32];
	const char		*vd;
	size_t			 i;
	int			 inforce;
	enum report_status	 s;

	o = json_object();
	json_object_set_new(o, "name", json_string(report_txt_vi(rw->name,
	    rw->code)));
	json_object_set_new(o, "responses", json_integer((json_int_t)
	    c->responses));
	json_object_set_new(o, "satisfied", json_integer((json_int_t)
	    c->satisfied));
	json_object_set_new(o, "unsatisfied", json_integer((json_int_t)
	    c->unsatisfied));
	lv = json_array();
	for (i = 0; i < SURVEY_LEVELS; i++)
		json_array_append_new(lv, json_integer((json_int_t)
		    c->levels[i]));
	json_object_set_new(o, "levels", lv);
	report_wilson(c->satisfied, c->responses, &lo, &hi);
	json_object_set_new(o, "percent", jnum(pct(c->satisfied,
	    c->responses), 100));
	json_object_set_new(o, "ci_low", jnum(lo * 100.0, 100));
	json_object_set_new(o, "ci_high", jnum(hi * 100.0, 100));
	json_object_set_new(o, "too_few", json_boolean(c->responses <
	    rep->min_responses));
	row_json_suspect(o, c);
	ts = json_array();
	inforce = report_target_in_force(rep, rw->targets);
	for (i = 0; rw->targets != NULL && i < rw->targets->ntargets; i++) {
		t = rw->targets->targets[i].percent / 100.0;
		s = report_status(c->satisfied, c->responses, t);
		pr = report_p_reach(c->satisfied, c->responses, t);
		vd = report_verdict(c->satisfied, c->responses,
		    rep->min_responses, t);
		json_array_append_new(ts, json_pack("{s:i,s:f,s:s,s:o,s:s,s:s,"
		    "s:b}",
		    "year", rw->targets->targets[i].year,
		    "target", rw->targets->targets[i].percent,
		    "status", report_status_name(s),
		    "p_reach", jnum(pr, 10000),
		    "verdict", vd, "verdict_vi", report_verdict_vi(vd),
		    "in_force", (int)i == inforce));
		snprintf(k, sizeof(k), "verdict_%d",
		    rw->targets->targets[i].year);
		json_object_set_new(o, k, json_string(vd));
		if ((int)i == inforce) {
			json_object_set_new(o, "verdict", json_string(vd));
			json_object_set_new(o, "verdict_year", json_integer(
			    rw->targets->targets[i].year));
		}
		snprintf(k, sizeof(k), "target_%d",
		    rw->targets->targets[i].year);
		json_object_set_new(o, k,
		    json_real(rw->targets->targets[i].percent));
		snprintf(k, sizeof(k), "status_%d",
		    rw->targets->targets[i].year);
		json_object_set_new(o, k, json_string(report_status_name(s)));
		snprintf(k, sizeof(k), "p_%d", rw->targets->targets[i].year);
		json_object_set_new(o, k, jnum(pr, 10000));
	}
	json_object_set_new(o, "targets", ts);
	if (inforce < 0) {
		json_object_set_new(o, "verdict", json_string(
		    c->responses == 0 ? "no_data" : "no_target"));
		json_object_set_new(o, "verdict_year", json_null());
	}
	json_object_set_new(o, "prev_responses", json_integer((json_int_t)
	    pv->responses));
	json_object_set_new(o, "prev_percent", jnum(pct(pv->satisfied,
	    pv->responses), 100));
	json_object_set_new(o, "delta", jnum(pct(c->satisfied, c->responses) -
	    pct(pv->satisfied, pv->responses), 100));
	/* The month's tickets answered (whenever), over those tickets;
	 * beside it the answers through a ticket given in the month. */
	tick = c->channels[CHANNEL_QR] + c->channels[CHANNEL_KIOSK];
	json_object_set_new(o, "issued", json_integer((json_int_t)c->issued));
	json_object_set_new(o, "issued_answered",
	    json_integer((json_int_t)c->answered));
	json_object_set_new(o, "answers_with_ticket",
	    json_integer((json_int_t)tick));
	json_object_set_new(o, "response_rate", jnum(pct(c->answered,
	    c->issued), 100));
	return (o);
}

/* 1 when units[i] is a top unit of the report's scope: the total. */
static int
unit_is_total(const struct report *rep, const struct report_row *u)
{
	if (u->unit->parent[0] == '\0')
		return (1);
	return (rep->unit[0] != '\0' && strcmp(u->code, rep->unit) == 0);
}

static int
unit_rank_cmp(const void *a, const void *b, void *arg)
{
	const struct report	*unit_sort_rep = arg;
	const struct report_row	*x = &unit_sort_rep->units[*(const int *)a];
	const struct report_row	*y = &unit_sort_rep->units[*(const int *)b];
	const struct report_fig	*fx = &x->cur;
	const struct report_fig	*fy = &y->cur;
	uint64_t		 min = unit_sort_rep->min_responses;
	int			 cx, cy, tx, ty;
	double			 px, py;

	/* The total first; then each depth on its own: a parent is never
	 * ranked among its children. */
	tx = unit_is_total(unit_sort_rep, x);
	ty = unit_is_total(unit_sort_rep, y);
	if (tx != ty)
		return (ty - tx);
	if (x->unit->depth != y->unit->depth)
		return (x->unit->depth < y->unit->depth ? -1 : 1);
	/* Ranked first, then too few, then no data. */
	cx = fx->responses == 0 ? 2 : fx->responses < min ? 1 : 0;
	cy = fy->responses == 0 ? 2 : fy->responses < min ? 1 : 0;
	if (cx != cy)
		return (cx - cy);
	if (cx == 0) {
		/* Exact: s_x / n_x < s_y / n_y. */
		px = (double)fx->satisfied * (double)fy->responses;
		py = (double)fy->satisfied * (double)fx->responses;
		if (px != py)
			return (px < py ? -1 : 1);
		if (fx->responses != fy->responses)
			return (fx->responses > fy->responses ? -1 : 1);
	}
	return (strcmp(x->code, y->code));
}

static int
report_json_put(const char *p, size_t n, void *arg)
{
	return (buf_add(arg, p, n));
}

int
report_json_text(const struct report *rep, int indent, struct buf *out)
{
	json_t	*o;
	size_t	 start = out->len;
	int	 rc;

	if ((o = report_json(rep)) == NULL)
		return (-1);
	rc = json_dump_callback(o, report_json_put, out,
	    JSON_REAL_PRECISION(10) | (indent ? JSON_INDENT(1) : JSON_COMPACT));
	json_decref(o);
	if (rc == 0)
		rc = buf_addc(out, '\n');
	if (rc != 0) {
		out->len = start;
		return (-1);
	}
	return (0);
}

/* {kind, label, from, to, code} of a period. */
static json_t *
report_json_period(const struct report_period *p)
{
	static const char *const kinds[] = { "month", "quarter", "year",
	    "range" };
	char	 code[REPORT_PERIOD_STR], label[REPORT_PERIOD_STR];
	char	 from[REPORT_MONTH_STR], to[REPORT_MONTH_STR];

	report_period_str(p, code);
	report_period_label(p, label);
	report_month_str(p->from, from);
	report_month_str(p->to, to);
	return (json_pack("{s:s,s:s,s:s,s:s,s:s,s:i}", "kind",
	    kinds[p->kind], "code", code, "label", label, "from", from,
	    "to", to, "months", report_period_months(p)));
}

/* "YYYY-MM-DD" of t in the province's zone; null when t is -1. */
static json_t *
report_json_date(int64_t t)
{
	char	 s[32];

	if (t < 0)
		return (json_null());
	format_time(t, s);
	s[10] = '\0';
	return (json_string(s));
}

/* The report's scope and what its figures mean. */
static void
report_json_head(const struct report *rep, json_t *o)
{
	char	 m[REPORT_MONTH_STR];

	if (rep->period.kind == RP_MONTH) {
		report_month_str(rep->month, m);
		json_object_set_new(o, "month", json_string(m));
		report_month_str(rep->previous.to, m);
		json_object_set_new(o, "previous_month", json_string(m));
	}
	json_object_set_new(o, "period", report_json_period(&rep->period));
	json_object_set_new(o, "previous_period",
	    report_json_period(&rep->previous));
	json_object_set_new(o, "provisional", json_boolean(rep->provisional));
	json_object_set_new(o, "final_on", report_json_date(rep->final_at));
	json_object_set_new(o, "target_year",
	    json_integer((json_int_t)(rep->period.to / 100)));
	json_object_set_new(o, "unit", rep->unit[0] != '\0' ?
	    json_string(rep->unit) : json_null());
	json_object_set_new(o, "sector", rep->sector[0] != '\0' ?
	    json_string(rep->sector) : json_null());
	json_object_set_new(o, "min_responses",
	    json_integer((json_int_t)rep->min_responses));
	json_object_set_new(o, "tree",
	    json_string(report_tree_name(rep->tree)));
	json_object_set_new(o, "build_ms", jnum(rep->build_ms, 1000));
	json_object_set_new(o, "definitions", json_pack(
	    "{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}",
	    "percent", "answers at levels 4-5 of the overall question / all "
	    "its answers (respondents' rate); answers of responses flagged "
	    "suspect are left out of it, of responses, satisfied, the "
	    "interval, the status and the verdict",
	    "suspect", "overall answers of responses flagged suspect (a "
	    "kiosk walk-in burst or a claimed time not taken), left out of "
	    "every figure of the row and counted here",
	    "percent_with_suspect", "the percent with the suspect answers "
	    "counted: (satisfied + suspect at levels 4-5) / (responses + "
	    "suspect)",
	    "response_rate", "tickets issued in the month that were answered "
	    "(issued_answered, whenever the answer came: it grows until the "
	    "tickets expire) / tickets issued in the month; never above 100%; "
	    "answers_with_ticket counts the answers through a ticket given in "
	    "the month, whatever month their ticket was issued in",
	    "status", "met: 95% Wilson interval wholly at or above the target;"
	    " not_met: wholly below; inconclusive: straddles; no_data",
	    "verdict", "as status, but too_few under min_responses answers "
	    "(no verdict), and inconclusive split into likely (probability of "
	    "reaching the target >= 0.5) and unlikely",
	    "questions", "every answer to the aspect questions, suspect "
	    "responses' included",
	    "walkin", "kiosk answers without a ticket have no procedure: "
	    "counted in their unit's and the overall totals, in no sector"));
	json_object_set_new(json_object_get(o, "definitions"), "period",
	    json_string("figures over a period are the sums of its months' "
	    "counters; delta compares with the period just before, as long; "
	    "the target in force is that of the period's year (a range "
	    "across two years: the later year's, the year of its last "
	    "month)"));
	json_object_set_new(json_object_get(o, "definitions"), "provisional",
	    json_string("answers may still come in up to 7 days after a "
	    "month ends (kiosk answers are dated up to 7 days back): the "
	    "figures are provisional until final_on, the 8th day after the "
	    "period's last month, in the province's time zone"));
}

/* The overall row, the sectors' and the walk-ins'. */
static void
report_json_sectors(const struct report *rep, json_t *o)
{
	json_t	*a, *r;
	size_t	 i;

	r = row_json(rep, &rep->overall);
	json_object_set_new(r, "sector", json_string(rep->overall.code));
	json_object_set_new(o, "overall", r);
	a = json_array();
	for (i = 0; i < rep->nsectors; i++) {
		r = row_json(rep, &rep->sectors[i]);
		json_object_set_new(r, "sector",
		    json_string(rep->sectors[i].code));
		json_array_append_new(a, r);
	}
	json_object_set_new(o, "sectors", a);

	r = row_json(rep, &rep->walkin);
	json_object_set_new(r, "sector", json_string(AGG_WALKIN));
	json_object_set_new(o, "walkin", r);
}

/* Units: the total, then each depth worst first. */
static json_t *
report_json_units(const struct report *rep)
{
	const struct report_row	*u;
	json_t			*a, *r;
	uint64_t		 n;
	size_t			 i;
	int			*idx, total, rank = 0, rank_depth = -1;

	idx = xcalloc(rep->nunits > 0 ? rep->nunits : 1, sizeof(int));
	for (i = 0; i < rep->nunits; i++)
		idx[i] = (int)i;
	qsort_r(idx, rep->nunits, sizeof(int), unit_rank_cmp, (void *)rep);
	a = json_array();
	for (i = 0; i < rep->nunits; i++) {
		u = &rep->units[idx[i]];
		n = u->cur.responses;
		total = unit_is_total(rep, u);
		if (u->unit->depth != rank_depth) {
			rank_depth = u->unit->depth;
			rank = 0;
		}
		r = row_json(rep, u);
		json_object_set_new(r, "unit", json_string(u->code));
		json_object_set_new(r, "parent", u->unit->parent[0] != '\0' ?
		    json_string(u->unit->parent) : json_null());
		json_object_set_new(r, "kind", json_string(u->unit->kind));
		json_object_set_new(r, "depth", json_integer(u->unit->depth));
		if (u->unit->retired[0] != '\0') {
			json_object_set_new(r, "retired",
			    json_string(u->unit->retired));
			json_object_set_new(r, "successor",
			    json_string(u->unit->successor));
		}
		json_object_set_new(r, "total", json_boolean(total));
		json_object_set_new(r, "rank", !total && n > 0 &&
		    n >= rep->min_responses ? json_integer(++rank) :
		    json_null());
		json_array_append_new(a, r);
	}
	free(idx);
	return (a);
}

/* Aspect questions: answers per option in the month. */
static json_t *
report_json_questions(const struct report *rep)
{
	const struct survey_question	*q;
	json_t				*a, *opts;
	uint64_t			 tot;
	size_t				 i, k;

	a = json_array();
	for (i = 0; rep->sv != NULL && i < rep->sv->nquestions; i++) {
		q = &rep->sv->questions[i];
		if (q == rep->sv->overall)
			continue;
		tot = 0;
		for (k = 0; k < q->noptions; k++)
			tot += rep->q[i][k];
		opts = json_array();
		for (k = 0; k < q->noptions; k++)
			json_array_append_new(opts, json_pack(
			    "{s:i,s:s,s:s,s:I,s:o}", "level", (int)k + 1,
			    "option", q->options[k].id,
			    "label", report_txt_vi(&q->options[k].label, ""),
			    "count", (json_int_t)rep->q[i][k],
			    "percent", jnum(pct(rep->q[i][k], tot), 100)));
		json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:I,s:o}",
		    "question", q->id, "text", report_txt_vi(&q->text, ""),
		    "kind", q->kind == QK_MULTI ? "multi" : "choice",
		    "answers", (json_int_t)tot, "options", opts));
	}
	return (a);
}

/* Channels of the month, in the scope. */
static json_t *
report_json_channels(const struct report *rep)
{
	const struct report_fig	*c = &rep->overall.cur;

	return (json_pack("{s:I,s:I,s:I,s:I,s:I}",
	    "qr", (json_int_t)c->channels[CHANNEL_QR],
	    "kiosk_paired", (json_int_t)c->channels[CHANNEL_KIOSK],
	    "kiosk_walkin", (json_int_t)c->channels[CHANNEL_WALKIN],
	    "suspect", (json_int_t)c->suspect,
	    "total", (json_int_t)(c->channels[0] + c->channels[1] +
	    c->channels[2])));
}

/* Response rate of the overall row, each sector and each unit: of the
 * tickets issued in the month, those answered. */
static json_t *
report_json_rates(const struct report *rep)
{
	const struct report_row	*w;
	const struct report_fig	*c;
	json_t			*a;
	uint64_t		 t;
	size_t			 i;

	a = json_array();
	for (i = 0; i < rep->nsectors + 1 + rep->nunits; i++) {
		w = i == 0 ? &rep->overall : i <= rep->nsectors ?
		    &rep->sectors[i - 1] : &rep->units[i - 1 - rep->nsectors];
		c = &w->cur;
		t = c->channels[CHANNEL_QR] + c->channels[CHANNEL_KIOSK];
		json_array_append_new(a, json_pack(
		    "{s:s,s:s,s:s,s:I,s:I,s:I,s:o}",
		    "kind", i == 0 ? "overall" : i <= rep->nsectors ?
		    "sector" : "unit", "code", w->code,
		    "name", report_txt_vi(w->name, w->code),
		    "issued", (json_int_t)c->issued,
		    "issued_answered", (json_int_t)c->answered,
		    "answers_with_ticket", (json_int_t)t,
		    "percent", jnum(pct(c->answered, c->issued), 100)));
	}
	return (a);
}

/* The quarters of a year report's trend, from its months. */
static json_t *
report_json_quarters(const struct report *rep, const struct report_row *w)
{
	struct report_period	 q;
	json_t			*a;
	uint64_t		 n, sat;
	char			 code[REPORT_PERIOD_STR];
	char			 label[REPORT_PERIOD_STR];
	size_t			 j;
	int			 k;

	a = json_array();
	for (k = 0; k < 4; k++) {
		q.kind = RP_QUARTER;
		q.from = (rep->period.from / 100) * 100 + (uint32_t)k * 3 + 1;
		q.to = q.from + 2;
		n = sat = 0;
		for (j = 0; j < rep->nmonths; j++)
			if (report_period_has(&q, rep->months[j])) {
				n += w->m[j].responses;
				sat += w->m[j].satisfied;
			}
		report_period_str(&q, code);
		report_period_label(&q, label);
		json_array_append_new(a, json_pack("{s:s,s:s,s:I,s:I,s:o}",
		    "quarter", code, "label", label,
		    "responses", (json_int_t)n, "satisfied", (json_int_t)sat,
		    "percent", jnum(pct(sat, n), 100)));
	}
	return (a);
}

/* The trend's months of the overall row and each sector, and a year's
 * quarters. */
static json_t *
report_json_trend(const struct report *rep)
{
	const struct report_row	*w;
	json_t			*a, *ms, *t;
	char			 m[REPORT_MONTH_STR];
	size_t			 i, j;

	a = json_array();
	for (i = 0; i < rep->nsectors + 1; i++) {
		w = i == 0 ? &rep->overall : &rep->sectors[i - 1];
		ms = json_array();
		for (j = 0; j < rep->nmonths; j++) {
			report_month_str(rep->months[j], m);
			json_array_append_new(ms, json_pack("{s:s,s:I,s:I,s:o}",
			    "month", m,
			    "responses", (json_int_t)w->m[j].responses,
			    "satisfied", (json_int_t)w->m[j].satisfied,
			    "percent", jnum(pct(w->m[j].satisfied,
			    w->m[j].responses), 100)));
		}
		t = json_pack("{s:s,s:s,s:o}", "sector", w->code,
		    "name", report_txt_vi(w->name, w->code), "months", ms);
		if (rep->period.kind == RP_YEAR)
			json_object_set_new(t, "quarters",
			    report_json_quarters(rep, w));
		json_array_append_new(a, t);
	}
	return (a);
}

/* One comment, with the names of its unit, sector and procedure. */
static json_t *
report_json_comment(const struct report *rep, const struct report_comment *c)
{
	const struct unit	*cu;
	const struct sector	*cs;
	const struct procedure	*cp;
	json_t			*rr, *v;
	char			 when[32], lwhen[32];

	cu = catalog_unit(rep->cat, c->unit, strnlen(c->unit, UNIT_CODE_MAX));
	cs = catalog_sector(rep->cat, c->sector, strnlen(c->sector,
	    SECTOR_CODE_MAX));
	cp = catalog_procedure(rep->cat, c->procedure, strnlen(c->procedure,
	    PROC_CODE_MAX));
	format_time(c->answered, when);
	format_time_local(c->answered, lwhen);
	rr = json_pack("{s:s,s:s,s:s,s:s,s:o}", "time", when,
	    "local_time", lwhen, "sector", c->sector, "unit", c->unit,
	    "rating", c->rating > 0 ? json_integer(c->rating) : json_null());
	json_object_set_new(rr, "unit_name", json_string(
	    cu != NULL ? report_txt_vi(&cu->name, c->unit) : c->unit));
	json_object_set_new(rr, "sector_name", json_string(
	    strcmp(c->sector, AGG_WALKIN) == 0 ?
	    report_txt_vi(&report_walkin_name, "") : cs != NULL ?
	    report_txt_vi(&cs->name, c->sector) : c->sector));
	json_object_set_new(rr, "procedure", c->procedure[0] != '\0' ?
	    json_string(c->procedure) : json_null());
	json_object_set_new(rr, "procedure_name", cp != NULL ?
	    json_string(report_txt_vi(&cp->name, c->procedure)) :
	    c->procedure[0] != '\0' ? json_string(c->procedure) :
	    json_null());
	/* Stored comments are checked UTF-8; be safe anyway. */
	if ((v = json_string(c->text)) == NULL)
		v = json_string("?");
	json_object_set_new(rr, "text", v);
	return (rr);
}

/* Comments, newest first, and whether older ones were left out. */
static json_t *
report_json_comments(const struct report *rep)
{
	json_t	*a;
	size_t	 i;

	a = json_array();
	for (i = 0; i < rep->ncomments; i++)
		json_array_append_new(a, report_json_comment(rep,
		    &rep->comments[i]));
	return (json_pack("{s:I,s:i,s:b,s:o}",
	    "shown", (json_int_t)rep->ncomments, "limit",
	    REPORT_COMMENTS_MAX, "more", rep->comments_more, "items", a));
}

json_t *
report_json(const struct report *rep)
{
	json_t	*o;

	o = json_object();
	report_json_head(rep, o);
	report_json_sectors(rep, o);
	report_json_indicators(rep, o);
	json_object_set_new(o, "units", report_json_units(rep));
	json_object_set_new(o, "questions", report_json_questions(rep));
	json_object_set_new(o, "channels", report_json_channels(rep));
	json_object_set_new(o, "response_rate", report_json_rates(rep));
	json_object_set_new(o, "trend", report_json_trend(rep));
	json_object_set_new(o, "comments", report_json_comments(rep));
	report_desks_json(rep, o);
	report_766_json(rep, o);
	report_stage_json(rep, o);
	report_fu_json(rep, o);
	return (o);
}
