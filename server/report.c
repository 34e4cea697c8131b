/*
 * report.c: the monthly report: its figures from the sums and the unit ""
 * rollups of the aggregates, in one read snapshot (the whole province
 * reads two months of unit rows and twelve of province rows), the newest
 * comments of the month, the Wilson and Jeffreys maths, and the JSON
 * value every rendering is made from: CSV, XLSX and HTML all read the
 * JSON, so they never disagree.
 * Traps: a sums row's unit is the counting unit, rolled up here to every
 * ancestor, and its unit "" row is the whole province (never add both);
 * no answers is "no data" (null), never 0% or NaN; comments come from
 * the comment index by the month of their answer time, which is not
 * always the month the response was written in.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <limits.h>
#include <unistd.h>

#include <jansson.h>

#include "report.h"
#include "store.h"
#include "tpl.h"
#include "util.h"
#include "xlsx.h"

struct build {
	struct report		*rep;
	int			*row_of;	/* catalogue unit -> units[] */
	int			*parent;	/* catalogue unit -> parent */
	const char		*last_unit;	/* cache of the last lookup */
	char			 last_code[UNIT_CODE_MAX + 1];
	int			 last_ui;
	int			 has_last;
	int			 scoped;
};

uint32_t
report_month_parse(const char *s, size_t len)
{
	long long	 y, m;

	if (s == NULL || len != 7 || s[4] != '-')
		return (0);
	if (parse_num(s, 4, 1970, 9999, &y) == -1 ||
	    parse_num(s + 5, 2, 1, 12, &m) == -1)
		return (0);
	return ((uint32_t)(y * 100 + m));
}

uint32_t
report_month_add(uint32_t month, int delta)
{
	long	 i = (long)(month / 100) * 12 + (long)(month % 100) - 1 + delta;

	if (i < 0)
		return (0);
	return ((uint32_t)((i / 12) * 100 + i % 12 + 1));
}

int64_t
report_month_start(uint32_t month)
{
	char	 s[16];
	int64_t	 t;

	if (month % 100 < 1 || month % 100 > 12)
		return (-1);
	snprintf(s, sizeof(s), "%04u-%02u-01", month / 100, month % 100);
	if (parse_date(s, &t) == -1)
		return (-1);
	return (t);
}

/* ------------------------------------------------------------ maths */

int
report_wilson(uint64_t s, uint64_t n, double *lo, double *hi)
{
	double	 p, z2, d, c, h;

	if (n == 0 || s > n)
		return (-1);
	p = (double)s / (double)n;
	z2 = REPORT_Z * REPORT_Z;
	d = 1.0 + z2 / (double)n;
	c = (p + z2 / (2.0 * (double)n)) / d;
	h = REPORT_Z * sqrt(p * (1.0 - p) / (double)n +
	    z2 / (4.0 * (double)n * (double)n)) / d;
	*lo = s == 0 ? 0.0 : c - h;
	*hi = s == n ? 1.0 : c + h;
	if (*lo < 0.0)
		*lo = 0.0;
	if (*hi > 1.0)
		*hi = 1.0;
	return (0);
}

/* Continued fraction of the incomplete beta (modified Lentz). */
static double
report_betacf(double x, double a, double b)
{
	const double	 tiny = 1e-300, eps = 1e-15;
	double		 c = 1.0, d, h, del, aa, m2;
	int		 m;

	d = 1.0 - (a + b) * x / (a + 1.0);
	if (fabs(d) < tiny)
		d = tiny;
	d = 1.0 / d;
	h = d;
	for (m = 1; m <= 10000; m++) {
		m2 = 2.0 * m;
		aa = m * (b - m) * x / ((a - 1.0 + m2) * (a + m2));
		d = 1.0 + aa * d;
		if (fabs(d) < tiny)
			d = tiny;
		c = 1.0 + aa / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1.0 / d;
		h *= d * c;
		aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + 1.0 + m2));
		d = 1.0 + aa * d;
		if (fabs(d) < tiny)
			d = tiny;
		c = 1.0 + aa / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1.0 / d;
		del = d * c;
		h *= del;
		if (fabs(del - 1.0) < eps)
			break;
	}
	return (h);
}

double
report_beta_cdf(double x, double a, double b)
{
	double	 lbt;

	if (!(a > 0.0) || !(b > 0.0) || isnan(x))
		return (NAN);
	if (x <= 0.0)
		return (0.0);
	if (x >= 1.0)
		return (1.0);
	lbt = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) +
	    b * log1p(-x);
	/* The fraction converges fast on this side only: swap otherwise. */
	if (x < (a + 1.0) / (a + b + 2.0))
		return (exp(lbt) * report_betacf(x, a, b) / a);
	return (1.0 - exp(lbt) * report_betacf(1.0 - x, b, a) / b);
}

double
report_p_reach(uint64_t s, uint64_t n, double t)
{
	double	 p;

	if (n == 0 || s > n)
		return (NAN);
	p = 1.0 - report_beta_cdf(t, (double)s + 0.5, (double)(n - s) + 0.5);
	return (p < 0.0 ? 0.0 : p > 1.0 ? 1.0 : p);
}

enum report_status
report_status(uint64_t s, uint64_t n, double t)
{
	double	 lo, hi;

	if (report_wilson(s, n, &lo, &hi) == -1)
		return (RS_NO_DATA);
	/* Compared in 1e-9 steps so that 0.85 read as 0.8499999 is met. */
	if (lo + 1e-9 >= t)
		return (RS_MET);
	if (hi + 1e-9 < t)
		return (RS_NOT_MET);
	return (RS_INCONCLUSIVE);
}

const char *
report_status_name(enum report_status s)
{
	switch (s) {
	case RS_MET:
		return ("met");
	case RS_NOT_MET:
		return ("not_met");
	case RS_INCONCLUSIVE:
		return ("inconclusive");
	default:
		return ("no_data");
	}
}

const char *
report_verdict(uint64_t s, uint64_t n, uint64_t min, double t)
{
	if (n == 0)
		return ("no_data");
	if (n < min)
		return ("too_few");
	switch (report_status(s, n, t)) {
	case RS_MET:
		return ("met");
	case RS_NOT_MET:
		return ("not_met");
	default:
		return (report_p_reach(s, n, t) >= REPORT_LIKELY ? "likely" :
		    "unlikely");
	}
}

const char *
report_verdict_vi(const char *v)
{
	static const struct {
		const char	*code, *vi;
	} words[] = {
		{ "met", "Đạt" },
		{ "likely", "Nhiều khả năng đạt" },
		{ "unlikely", "Khó đạt" },
		{ "not_met", "Không đạt" },
		{ "too_few", "Quá ít phiếu" },
		{ "no_data", "Không có dữ liệu" },
		{ "no_target", "Không xét chỉ tiêu" }
	};
	size_t	 i;

	for (i = 0; v != NULL && i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(v, words[i].code) == 0)
			return (words[i].vi);
	return ("");
}

/* ------------------------------------------------------------ build */

/* The walk-ins' row name: they belong to no sector. */
static char	 walkin_vi[] = "Khách vãng lai tại ki-ốt (không thuộc lĩnh vực)";
static char	 walkin_en[] = "Kiosk walk-ins (no sector)";
static const struct text walkin_name = { { walkin_vi, walkin_en, walkin_vi } };

static int
report_month_index(const struct report *rep, uint32_t month)
{
	long	 a, b;

	a = (long)(month / 100) * 12 + (long)(month % 100);
	b = (long)(rep->months[0] / 100) * 12 + (long)(rep->months[0] % 100);
	if (a < b || a - b >= REPORT_MONTHS)
		return (-1);
	return ((int)(a - b));
}

static void
fig_add(struct report_fig *f, const struct store_sum *s)
{
	size_t	 i;

	for (i = 0; i < SURVEY_LEVELS; i++) {
		f->levels[i] += s->levels[i];
		f->responses += s->levels[i];
		if (i + 1 >= REPORT_SAT_LEVEL)
			f->satisfied += s->levels[i];
		if (i + 1 <= REPORT_UNSAT_LEVEL)
			f->unsatisfied += s->levels[i];
	}
	f->issued += s->issued;
	for (i = 0; i < CHANNEL_COUNT; i++)
		f->channels[i] += s->channels[i];
	f->suspect += s->suspect;
}

/* Index of a unit code in the catalogue, or -1; cached for runs. */
static int
build_unit(struct build *b, const char *code)
{
	const struct unit	*u;

	if (b->has_last && strcmp(b->last_code, code) == 0)
		return (b->last_ui);
	u = catalog_unit(b->rep->cat, code, strnlen(code, UNIT_CODE_MAX));
	b->last_ui = u != NULL ? (int)(u - b->rep->cat->units) : -1;
	strlcpy(b->last_code, code, sizeof(b->last_code));
	b->has_last = 1;
	return (b->last_ui);
}

/*
 * A sums row: a unit "" row (the whole province) goes to the overall and
 * sector rows (walk-ins to their own row, in no sector); a unit's row to
 * its row and its ancestors' in the scope, and, in a scoped report, to
 * the overall and sector rows too.
 */
static int
build_sum(const struct store_sum *s, void *arg)
{
	struct build		*b = arg;
	struct report		*rep = b->rep;
	size_t			 i;
	int			 m, ui;

	if ((m = report_month_index(rep, s->month)) < 0)
		return (0);
	if (rep->sector[0] != '\0' && strcmp(s->sector, rep->sector) != 0)
		return (0);
	if (s->unit[0] == '\0') {
		if (b->scoped)
			return (0);
	} else {
		ui = build_unit(b, s->unit);
		if (ui < 0 || b->row_of[ui] < 0)
			return (0);
		for (; ui >= 0; ui = b->parent[ui])
			if (b->row_of[ui] >= 0)
				fig_add(&rep->units[b->row_of[ui]].m[m], s);
		if (!b->scoped)
			return (0);
	}
	fig_add(&rep->overall.m[m], s);
	if (strcmp(s->sector, AGG_WALKIN) == 0) {
		fig_add(&rep->walkin.m[m], s);
		return (0);
	}
	for (i = 0; i < rep->nsectors; i++)
		if (strcmp(rep->sectors[i].code, s->sector) == 0) {
			fig_add(&rep->sectors[i].m[m], s);
			break;
		}
	return (0);
}

/* An aspect question's answers in the month (rollup or unit rows). */
static int
build_q(const struct agg_key *k, uint64_t n, void *arg)
{
	struct build			*b = arg;
	struct report			*rep = b->rep;
	const struct survey_question	*q;

	if (k->month != rep->month || k->question[0] == '_' ||
	    strcmp(k->question, SURVEY_OVERALL) == 0 || k->level < 1 ||
	    k->level > SURVEY_OPTIONS_MAX || rep->sv == NULL)
		return (0);
	q = survey_question(rep->sv, k->question,
	    strnlen(k->question, QUESTION_ID_MAX));
	if (q == NULL)
		return (0);
	rep->q[q - rep->sv->questions][k->level - 1] += n;
	return (0);
}

/*
 * The figures, in one read snapshot. Whole province: the trend from the
 * twelve months' unit "" sums rows, the unit table from the last two
 * months' rows, the questions from the unit "" rollups. A scope: its
 * units' rows and aggregates, one seek per unit (and month or sector).
 */
static int
build_figures(struct build *b, struct store *st)
{
	struct report		*rep = b->rep;
	const struct catalog	*cat = rep->cat;
	struct store_snap	*snap;
	const char		*sec;
	size_t			 i;
	int			 rc = -1;

	if (store_snap_begin(st, &snap) == -1)
		return (-1);
	sec = rep->sector[0] != '\0' ? rep->sector : NULL;
	if (!b->scoped) {
		/* Rows of every unit of the last two months; "" skipped. */
		if (store_each_sum(st, snap, rep->months[REPORT_MONTHS - 2],
		    rep->month, NULL, build_sum, b) != 0 ||
		    store_each_sum(st, snap, rep->months[0],
		    rep->months[REPORT_MONTHS - 3], "", build_sum, b) != 0 ||
		    store_each_agg_prefix(st, snap, rep->month, sec, "",
		    build_q, b) != 0)
			goto out;
	} else {
		for (i = 0; i < cat->nunits; i++) {
			if (b->row_of[i] < 0)
				continue;
			if (store_each_sum(st, snap, rep->months[0],
			    rep->month, cat->units[i].code, build_sum,
			    b) != 0 ||
			    store_each_agg_prefix(st, snap, rep->month, sec,
			    cat->units[i].code, build_q, b) != 0)
				goto out;
		}
	}
	rc = 0;
out:
	store_snap_end(snap);
	return (rc);
}

/* Comments: the month's newest within the report's scope. */
struct cpick {
	struct report	*rep;
	int		*row_of;
	int		 scoped;
};

/* Whether a comment of this sector and unit is in the report's scope. */
static int
cpick_pick(const char *sector, const char *unit, void *arg)
{
	struct cpick		*w = arg;
	struct report		*rep = w->rep;
	const struct unit	*u;

	if (rep->sector[0] != '\0' && strcmp(sector, rep->sector) != 0)
		return (0);
	if (w->scoped) {
		u = catalog_unit(rep->cat, unit, strnlen(unit, UNIT_CODE_MAX));
		if (u == NULL || w->row_of[u - rep->cat->units] < 0)
			return (0);
	}
	if (rep->ncomments == REPORT_COMMENTS_MAX) {
		rep->comments_more = 1;
		return (-1);
	}
	return (1);
}

static int
cpick_add(const struct response *r, void *arg)
{
	struct cpick		*w = arg;
	struct report_comment	*c = &w->rep->comments[w->rep->ncomments++];
	size_t			 i;

	c->answered = r->answered;
	c->key = r->key;
	strlcpy(c->sector, response_agg_sector(r), sizeof(c->sector));
	strlcpy(c->unit, r->unit, sizeof(c->unit));
	if (r->channel != CHANNEL_WALKIN)
		strlcpy(c->procedure, r->procedure, sizeof(c->procedure));
	for (i = 0; i < r->nanswers; i++)
		if (strcmp(r->answers[i].q, SURVEY_OVERALL) == 0)
			c->rating = r->answers[i].level;
	c->text = xstrndup(r->comment, r->comment_len);
	return (0);
}

/* The newest comments of the month in scope, from the comment index. */
static int
build_comments(struct report *rep, struct store *st, int *row_of,
    int scoped)
{
	struct cpick	 w = { rep, row_of, scoped };

	rep->comments = xcalloc(REPORT_COMMENTS_MAX,
	    sizeof(*rep->comments));
	return (store_each_comment(st, rep->month, cpick_pick, cpick_add,
	    &w));
}

static void
report_why(char *why, size_t whylen, const char *s)
{
	if (why != NULL && whylen > 0)
		snprintf(why, whylen, "%s", s);
}

enum hl_rc
report_build(struct report *rep, struct store *st, const struct catalog *cat,
    const struct survey *sv, const struct report_opts *o, char *why,
    size_t whylen)
{
	struct build		 b;
	const struct unit	*scope = NULL, *p;
	const struct sector	*sec = NULL;
	struct timespec		 t0, t1;
	size_t			 i, n;
	int			 j, ui;
	enum hl_rc		 rc = HL_ERROR;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	memset(rep, 0, sizeof(*rep));
	memset(&b, 0, sizeof(b));
	if (o->month % 100 < 1 || o->month % 100 > 12 ||
	    o->month / 100 < 1970 || o->month / 100 > 9999) {
		report_why(why, whylen, "month: want YYYY-MM");
		return (HL_INVALID);
	}
	if (o->unit != NULL && o->unit[0] != '\0' &&
	    (scope = catalog_unit(cat, o->unit, strnlen(o->unit,
	    UNIT_CODE_MAX + 1))) == NULL) {
		report_why(why, whylen, "unit: no such unit");
		return (HL_INVALID);
	}
	if (o->sector != NULL && o->sector[0] != '\0' &&
	    (sec = catalog_sector(cat, o->sector, strnlen(o->sector,
	    SECTOR_CODE_MAX + 1))) == NULL) {
		report_why(why, whylen, "sector: no such sector");
		return (HL_INVALID);
	}
	rep->cat = cat;
	rep->sv = sv;
	rep->month = o->month;
	rep->min_responses = o->min_responses > 0 ? o->min_responses :
	    REPORT_MIN_DEFAULT;
	for (j = 0; j < REPORT_MONTHS; j++)
		rep->months[j] = report_month_add(o->month,
		    j - (REPORT_MONTHS - 1));
	if (scope != NULL)
		strlcpy(rep->unit, scope->code, sizeof(rep->unit));
	if (sec != NULL)
		strlcpy(rep->sector, sec->code, sizeof(rep->sector));

	/* Sectors: the catalogue's, or the one asked for. */
	rep->sectors = xcalloc(cat->nsectors > 0 ? cat->nsectors : 1,
	    sizeof(*rep->sectors));
	for (i = 0; i < cat->nsectors; i++) {
		if (sec != NULL && sec != &cat->sectors[i])
			continue;
		strlcpy(rep->sectors[rep->nsectors].code, cat->sectors[i].code,
		    sizeof(rep->sectors[0].code));
		rep->sectors[rep->nsectors].name = &cat->sectors[i].name;
		rep->sectors[rep->nsectors].targets = &cat->sectors[i];
		rep->nsectors++;
	}
	strlcpy(rep->overall.code, sec != NULL ? "selected" : "overall",
	    sizeof(rep->overall.code));
	rep->overall.name = sec != NULL ? &sec->name : &cat->overall.name;
	rep->overall.targets = sec != NULL ? sec : &cat->overall;
	if (sec != NULL)
		strlcpy(rep->overall.code, sec->code,
		    sizeof(rep->overall.code));
	strlcpy(rep->walkin.code, AGG_WALKIN, sizeof(rep->walkin.code));
	rep->walkin.name = &walkin_name;

	/* Units: the scope's subtree, in catalogue order. */
	n = cat->nunits;
	b.rep = rep;
	b.row_of = xcalloc(n > 0 ? n : 1, sizeof(int));
	b.parent = xcalloc(n > 0 ? n : 1, sizeof(int));
	b.scoped = scope != NULL;
	rep->units = xcalloc(n > 0 ? n : 1, sizeof(*rep->units));
	for (i = 0; i < n; i++) {
		p = catalog_unit(cat, cat->units[i].parent,
		    strnlen(cat->units[i].parent, UNIT_CODE_MAX));
		b.parent[i] = p != NULL ? (int)(p - cat->units) : -1;
	}
	for (i = 0; i < n; i++) {
		b.row_of[i] = -1;
		if (scope != NULL) {
			for (ui = (int)i; ui >= 0; ui = b.parent[ui])
				if (&cat->units[ui] == scope)
					break;
			if (ui < 0)
				continue;
		}
		b.row_of[i] = (int)rep->nunits;
		strlcpy(rep->units[rep->nunits].code, cat->units[i].code,
		    sizeof(rep->units[0].code));
		rep->units[rep->nunits].name = &cat->units[i].name;
		rep->units[rep->nunits].unit = &cat->units[i];
		rep->units[rep->nunits].targets = rep->overall.targets;
		rep->nunits++;
	}
	if (build_figures(&b, st) != 0) {
		report_why(why, whylen, "cannot read the aggregates");
		goto out;
	}
	if (!o->no_comments && build_comments(rep, st, b.row_of,
	    b.scoped) == -1) {
		report_why(why, whylen, "cannot read the comments");
		goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	rep->build_ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	rc = HL_OK;
out:
	free(b.row_of);
	free(b.parent);
	if (rc != HL_OK)
		report_free(rep);
	return (rc);
}

void
report_free(struct report *rep)
{
	size_t	 i;

	if (rep == NULL)
		return;
	for (i = 0; i < rep->ncomments; i++)
		free(rep->comments[i].text);
	free(rep->comments);
	free(rep->sectors);
	free(rep->units);
	memset(rep, 0, sizeof(*rep));
}

/* ------------------------------------------------------------ JSON */

static json_t *
jnum(double v, double scale)
{
	if (isnan(v) || isinf(v))
		return (json_null());
	return (json_real(round(v * scale) / scale));
}

static const char *
txt_vi(const struct text *t, const char *dflt)
{
	if (t == NULL || t->s[LANG_VI] == NULL)
		return (dflt);
	return (t->s[LANG_VI]);
}

static void
month_str(uint32_t m, char out[8])
{
	snprintf(out, 8, "%04u-%02u", (m / 100) % 10000, m % 100);
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

static json_t *
row_json(const struct report *rep, const struct report_row *rw)
{
	const struct report_fig	*c = &rw->m[REPORT_MONTHS - 1];
	const struct report_fig	*pv = &rw->m[REPORT_MONTHS - 2];
	json_t			*o, *ts, *lv;
	double			 lo = NAN, hi = NAN, t, pr;
	uint64_t		 tick, unsat;
	char			 k[32];
	const char		*vd;
	size_t			 i;
	int			 inforce;
	enum report_status	 s;

	o = json_object();
	json_object_set_new(o, "name", json_string(txt_vi(rw->name,
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
	/* Answers through a ticket, over tickets issued. */
	tick = c->channels[CHANNEL_QR] + c->channels[CHANNEL_KIOSK];
	json_object_set_new(o, "issued", json_integer((json_int_t)c->issued));
	json_object_set_new(o, "answers_with_ticket",
	    json_integer((json_int_t)tick));
	json_object_set_new(o, "response_rate", jnum(pct(tick, c->issued),
	    100));
	/* Decision 766: (completed - rated unsatisfied) / completed. */
	unsat = c->unsatisfied < c->issued ? c->unsatisfied : c->issued;
	json_object_set_new(o, "national_completed",
	    json_integer((json_int_t)c->issued));
	json_object_set_new(o, "national_unsatisfied",
	    json_integer((json_int_t)unsat));
	json_object_set_new(o, "national_percent", jnum(pct(c->issued - unsat,
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
	const struct report_fig	*fx = &x->m[REPORT_MONTHS - 1];
	const struct report_fig	*fy = &y->m[REPORT_MONTHS - 1];
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

json_t *
report_json(const struct report *rep)
{
	const struct survey_question	*q;
	json_t				*o, *a, *r, *opts, *ms, *rr, *v;
	char				 m[8], when[32], lwhen[32];
	int				*idx;
	uint64_t			 tot;
	size_t				 i, k;
	int				 j, rank = 0, rank_depth = -1;

	o = json_object();
	month_str(rep->month, m);
	json_object_set_new(o, "month", json_string(m));
	month_str(rep->months[REPORT_MONTHS - 2], m);
	json_object_set_new(o, "previous_month", json_string(m));
	json_object_set_new(o, "unit", rep->unit[0] != '\0' ?
	    json_string(rep->unit) : json_null());
	json_object_set_new(o, "sector", rep->sector[0] != '\0' ?
	    json_string(rep->sector) : json_null());
	json_object_set_new(o, "min_responses",
	    json_integer((json_int_t)rep->min_responses));
	json_object_set_new(o, "build_ms", jnum(rep->build_ms, 1000));
	json_object_set_new(o, "definitions", json_pack(
	    "{s:s,s:s,s:s,s:s,s:s,s:s}",
	    "percent", "answers at levels 4-5 of the overall question / all "
	    "its answers (respondents' rate)",
	    "national_percent", "Decision 766: (dossiers completed - dossiers "
	    "rated unsatisfied, levels 1-2) / dossiers completed; every ticket "
	    "issued is a completed dossier, unanswered ones count as not "
	    "unsatisfied",
	    "response_rate", "answers through a ticket (QR or paired kiosk) / "
	    "tickets issued in the month",
	    "status", "met: 95% Wilson interval wholly at or above the target;"
	    " not_met: wholly below; inconclusive: straddles; no_data",
	    "verdict", "as status, but too_few under min_responses answers "
	    "(no verdict), and inconclusive split into likely (probability of "
	    "reaching the target >= 0.5) and unlikely",
	    "walkin", "kiosk answers without a ticket have no procedure: "
	    "counted in their unit's and the overall totals, in no sector"));

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

	/* Units: the total, then each depth worst first. */
	idx = xcalloc(rep->nunits > 0 ? rep->nunits : 1, sizeof(int));
	for (i = 0; i < rep->nunits; i++)
		idx[i] = (int)i;
	qsort_r(idx, rep->nunits, sizeof(int), unit_rank_cmp, (void *)rep);
	a = json_array();
	for (i = 0; i < rep->nunits; i++) {
		const struct report_row	*u = &rep->units[idx[i]];
		uint64_t n = u->m[REPORT_MONTHS - 1].responses;

		int total = unit_is_total(rep, u);

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
		json_object_set_new(r, "total", json_boolean(total));
		json_object_set_new(r, "rank", !total && n > 0 &&
		    n >= rep->min_responses ? json_integer(++rank) :
		    json_null());
		json_array_append_new(a, r);
	}
	free(idx);
	json_object_set_new(o, "units", a);

	/* Aspect questions. */
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
			    "label", txt_vi(&q->options[k].label, ""),
			    "count", (json_int_t)rep->q[i][k],
			    "percent", jnum(pct(rep->q[i][k], tot), 100)));
		json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:I,s:o}",
		    "question", q->id, "text", txt_vi(&q->text, ""),
		    "kind", q->kind == QK_MULTI ? "multi" : "choice",
		    "answers", (json_int_t)tot, "options", opts));
	}
	json_object_set_new(o, "questions", a);

	/* Channels of the month, in the scope. */
	{
		const struct report_fig *c =
		    &rep->overall.m[REPORT_MONTHS - 1];

		json_object_set_new(o, "channels", json_pack(
		    "{s:I,s:I,s:I,s:I,s:I}",
		    "qr", (json_int_t)c->channels[CHANNEL_QR],
		    "kiosk_paired", (json_int_t)c->channels[CHANNEL_KIOSK],
		    "kiosk_walkin", (json_int_t)c->channels[CHANNEL_WALKIN],
		    "suspect", (json_int_t)c->suspect,
		    "total", (json_int_t)(c->channels[0] + c->channels[1] +
		    c->channels[2])));
	}

	/* Response rate per sector and unit. */
	a = json_array();
	for (i = 0; i < rep->nsectors + 1 + rep->nunits; i++) {
		const struct report_row *w = i == 0 ? &rep->overall :
		    i <= rep->nsectors ? &rep->sectors[i - 1] :
		    &rep->units[i - 1 - rep->nsectors];
		const struct report_fig *c = &w->m[REPORT_MONTHS - 1];
		uint64_t t = c->channels[CHANNEL_QR] +
		    c->channels[CHANNEL_KIOSK];

		json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:I,s:I,s:o}",
		    "kind", i == 0 ? "overall" : i <= rep->nsectors ?
		    "sector" : "unit", "code", w->code,
		    "name", txt_vi(w->name, w->code),
		    "issued", (json_int_t)c->issued,
		    "answers_with_ticket", (json_int_t)t,
		    "percent", jnum(pct(t, c->issued), 100)));
	}
	json_object_set_new(o, "response_rate", a);

	/* Twelve months per sector and overall. */
	a = json_array();
	for (i = 0; i < rep->nsectors + 1; i++) {
		const struct report_row *w = i == 0 ? &rep->overall :
		    &rep->sectors[i - 1];

		ms = json_array();
		for (j = 0; j < REPORT_MONTHS; j++) {
			month_str(rep->months[j], m);
			json_array_append_new(ms, json_pack("{s:s,s:I,s:I,s:o}",
			    "month", m,
			    "responses", (json_int_t)w->m[j].responses,
			    "satisfied", (json_int_t)w->m[j].satisfied,
			    "percent", jnum(pct(w->m[j].satisfied,
			    w->m[j].responses), 100)));
		}
		json_array_append_new(a, json_pack("{s:s,s:s,s:o}",
		    "sector", w->code, "name", txt_vi(w->name, w->code),
		    "months", ms));
	}
	json_object_set_new(o, "trend", a);

	/* Comments, newest first. */
	a = json_array();
	for (i = 0; i < rep->ncomments; i++) {
		const struct report_comment *c = &rep->comments[i];

		const struct unit *cu = catalog_unit(rep->cat, c->unit,
		    strnlen(c->unit, UNIT_CODE_MAX));
		const struct sector *cs = catalog_sector(rep->cat, c->sector,
		    strnlen(c->sector, SECTOR_CODE_MAX));
		const struct procedure *cp = catalog_procedure(rep->cat,
		    c->procedure, strnlen(c->procedure, PROC_CODE_MAX));

		format_time(c->answered, when);
		format_time_local(c->answered, lwhen);
		rr = json_pack("{s:s,s:s,s:s,s:s,s:o}", "time", when,
		    "local_time", lwhen, "sector", c->sector, "unit", c->unit,
		    "rating", c->rating > 0 ? json_integer(c->rating) :
		    json_null());
		json_object_set_new(rr, "unit_name", json_string(
		    cu != NULL ? txt_vi(&cu->name, c->unit) : c->unit));
		json_object_set_new(rr, "sector_name", json_string(
		    strcmp(c->sector, AGG_WALKIN) == 0 ?
		    txt_vi(&walkin_name, "") : cs != NULL ?
		    txt_vi(&cs->name, c->sector) : c->sector));
		json_object_set_new(rr, "procedure", c->procedure[0] != '\0' ?
		    json_string(c->procedure) : json_null());
		json_object_set_new(rr, "procedure_name", cp != NULL ?
		    json_string(txt_vi(&cp->name, c->procedure)) :
		    c->procedure[0] != '\0' ? json_string(c->procedure) :
		    json_null());
		/* Stored comments are checked UTF-8; be safe anyway. */
		if ((v = json_string(c->text)) == NULL)
			v = json_string("?");
		json_object_set_new(rr, "text", v);
		json_array_append_new(a, rr);
	}
	json_object_set_new(o, "comments", json_pack("{s:I,s:i,s:b,s:o}",
	    "shown", (json_int_t)rep->ncomments, "limit",
	    REPORT_COMMENTS_MAX, "more", rep->comments_more, "items", a));
	return (o);
}

/* ------------------------------------------------------------ tables */

/*
 * CSV and XLSX are tables read from the JSON value: one table per part,
 * a header row of Vietnamese labels, then one row per item.
 */
enum ckind {
	CK_STR,
	CK_INT,
	CK_PCT,		/* JSON 0..100; XLSX as a fraction shown 0.0% */
	CK_PROB,	/* JSON 0..1 */
	CK_STATUS,
	CK_PP,		/* percentage points */
	CK_BOOL
};

#define RTAB_COLS	48

#define RCOL_HEAD_MAX	256

struct rcol {
	char		 key[32];
	char		 head[RCOL_HEAD_MAX];
	enum ckind	 kind;
};

struct rtab {
	const char	*sheet;		/* at most 31 characters */
	const char	*title;
	size_t		 ncols;
	struct rcol	 cols[RTAB_COLS];
	json_t		*rows;		/* owned */
};

#define RTABS_MAX	8

/* A boolean in words, as the report speaks. */
static const char *
bool_vi(int v)
{
	return (v ? "có" : "không");
}

/* Headers are whole: one that does not fit is a bug, caught by the tests. */
static void
col_add(struct rtab *t, const char *key, const char *head, enum ckind k)
{
	if (t->ncols >= RTAB_COLS ||
	    strlen(head) >= sizeof(t->cols[0].head) ||
	    strlen(key) >= sizeof(t->cols[0].key))
		abort();
	strlcpy(t->cols[t->ncols].key, key, sizeof(t->cols[0].key));
	strlcpy(t->cols[t->ncols].head, head, sizeof(t->cols[0].head));
	t->cols[t->ncols].kind = k;
	t->ncols++;
}

/*
 * One row per item of each parent's array `items`, with the parent's keys
 * k1 and k2 copied in: a table of a nested part (questions, trend).
 */
static json_t *
flatten(json_t *parents, const char *items, const char *k1, const char *k2)
{
	json_t	*rows = json_array(), *p, *x, *a;
	size_t	 i, j;

	json_array_foreach(parents, i, p)
		json_array_foreach(json_object_get(p, items), j, x) {
			a = json_deep_copy(x);
			json_object_set(a, k1, json_object_get(p, k1));
			json_object_set(a, k2, json_object_get(p, k2));
			json_array_append_new(rows, a);
		}
	return (rows);
}

/* Target years of every row, ascending, at most TARGETS_MAX * 2. */
static size_t
target_years(json_t *o, int *years, size_t max)
{
	json_t	*rows[2], *r, *t;
	size_t	 i, j, k, n = 0;
	int	 y, tmp;

	rows[0] = json_pack("[O]", json_object_get(o, "overall"));
	rows[1] = json_object_get(o, "sectors");
	for (k = 0; k < 2; k++)
		json_array_foreach(rows[k], i, r)
			json_array_foreach(json_object_get(r, "targets"), j,
			    t) {
				y = (int)json_integer_value(json_object_get(t,
				    "year"));
				for (tmp = 0; tmp < (int)n; tmp++)
					if (years[tmp] == y)
						break;
				if (tmp == (int)n && n < max)
					years[n++] = y;
			}
	json_decref(rows[0]);
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && years[j - 1] > years[j]; j--) {
			tmp = years[j];
			years[j] = years[j - 1];
			years[j - 1] = tmp;
		}
	return (n);
}

static void
figure_cols(struct rtab *t, const int *years, size_t ny)
{
	char	 k[32], h[RCOL_HEAD_MAX];
	size_t	 i;

	col_add(t, "responses", "Số phiếu trả lời", CK_INT);
	col_add(t, "satisfied", "Số hài lòng (mức 4-5)", CK_INT);
	col_add(t, "percent", "Tỷ lệ hài lòng (%)", CK_PCT);
	col_add(t, "ci_low", "Khoảng tin cậy 95%: cận dưới (%)", CK_PCT);
	col_add(t, "ci_high", "Khoảng tin cậy 95%: cận trên (%)", CK_PCT);
	for (i = 0; i < ny; i++) {
		snprintf(k, sizeof(k), "target_%d", years[i]);
		snprintf(h, sizeof(h), "Chỉ tiêu %d (%%)", years[i]);
		col_add(t, k, h, CK_PCT);
		snprintf(k, sizeof(k), "verdict_%d", years[i]);
		snprintf(h, sizeof(h), "Đánh giá so với chỉ tiêu %d",
		    years[i]);
		col_add(t, k, h, CK_STATUS);
		snprintf(k, sizeof(k), "p_%d", years[i]);
		snprintf(h, sizeof(h), "Xác suất đạt chỉ tiêu %d (0-1)",
		    years[i]);
		col_add(t, k, h, CK_PROB);
	}
	col_add(t, "delta", "Thay đổi so với tháng trước (điểm %)", CK_PP);
	col_add(t, "too_few", "Quá ít phiếu để xếp hạng", CK_BOOL);
	col_add(t, "issued", "Phiếu khảo sát đã phát", CK_INT);
	col_add(t, "response_rate", "Tỷ lệ phản hồi (%)", CK_PCT);
	col_add(t, "national_percent", "Chỉ số QĐ 766 theo hồ sơ (%), "
	    "thước đo khác tỷ lệ hài lòng", CK_PCT);
}

/* Builds the tables of o into t; returns how many. */
static size_t
report_tables(json_t *o, struct rtab *t)
{
	json_t	*r;
	size_t	 n = 0;
	int	 years[TARGETS_MAX * 4];
	size_t	 ny;

	memset(t, 0, sizeof(*t) * RTABS_MAX);
	ny = target_years(o, years, sizeof(years) / sizeof(years[0]));

	t[n].sheet = "Lĩnh vực";
	t[n].title = "Mức độ hài lòng theo lĩnh vực";
	col_add(&t[n], "sector", "Mã lĩnh vực", CK_STR);
	col_add(&t[n], "name", "Lĩnh vực", CK_STR);
	figure_cols(&t[n], years, ny);
	t[n].rows = json_array();
	json_array_append(t[n].rows, json_object_get(o, "overall"));
	json_array_extend(t[n].rows, json_object_get(o, "sectors"));
	if (json_integer_value(json_object_get(json_object_get(o, "walkin"),
	    "responses")) > 0)
		json_array_append(t[n].rows, json_object_get(o, "walkin"));
	n++;

	t[n].sheet = "Đơn vị";
	t[n].title = "Mức độ hài lòng theo đơn vị: tổng, rồi từng cấp, thấp "
	    "nhất trước";
	col_add(&t[n], "rank", "Xếp hạng trong cùng cấp (thấp nhất = 1)",
	    CK_INT);
	col_add(&t[n], "unit", "Mã đơn vị", CK_STR);
	col_add(&t[n], "name", "Đơn vị", CK_STR);
	col_add(&t[n], "parent", "Đơn vị cấp trên", CK_STR);
	col_add(&t[n], "depth", "Cấp", CK_INT);
	figure_cols(&t[n], years, ny);
	t[n].rows = json_deep_copy(json_object_get(o, "units"));
	n++;

	t[n].sheet = "Câu hỏi";
	t[n].title = "Phân bố câu trả lời theo câu hỏi";
	col_add(&t[n], "question", "Câu hỏi", CK_STR);
	col_add(&t[n], "text", "Nội dung", CK_STR);
	col_add(&t[n], "option", "Mã lựa chọn", CK_STR);
	col_add(&t[n], "label", "Lựa chọn", CK_STR);
	col_add(&t[n], "count", "Số trả lời", CK_INT);
	col_add(&t[n], "percent", "Tỷ lệ (%)", CK_PCT);
	t[n].rows = flatten(json_object_get(o, "questions"), "options",
	    "question", "text");
	n++;

	t[n].sheet = "Kênh";
	t[n].title = "Kênh trả lời";
	col_add(&t[n], "channel", "Mã kênh", CK_STR);
	col_add(&t[n], "name", "Kênh", CK_STR);
	col_add(&t[n], "count", "Số phiếu", CK_INT);
	r = json_object_get(o, "channels");
	t[n].rows = json_pack("[{s:s,s:s,s:O},{s:s,s:s,s:O},{s:s,s:s,s:O},"
	    "{s:s,s:s,s:O},{s:s,s:s,s:O}]",
	    "channel", "qr", "name", "Mã QR trên điện thoại",
	    "count", json_object_get(r, "qr"),
	    "channel", "kiosk_paired", "name", "Ki-ốt, có phiếu",
	    "count", json_object_get(r, "kiosk_paired"),
	    "channel", "kiosk_walkin", "name", "Ki-ốt, không phiếu (vãng lai)",
	    "count", json_object_get(r, "kiosk_walkin"),
	    "channel", "suspect", "name", "Trong đó bị nghi ngờ (tính riêng)",
	    "count", json_object_get(r, "suspect"),
	    "channel", "total", "name", "Tổng",
	    "count", json_object_get(r, "total"));
	n++;

	t[n].sheet = "Tỷ lệ phản hồi";
	t[n].title = "Tỷ lệ phản hồi: phiếu trả lời qua phiếu khảo sát / "
	    "phiếu đã phát";
	col_add(&t[n], "kind", "Loại", CK_STR);
	col_add(&t[n], "code", "Mã", CK_STR);
	col_add(&t[n], "name", "Tên", CK_STR);
	col_add(&t[n], "issued", "Phiếu đã phát", CK_INT);
	col_add(&t[n], "answers_with_ticket", "Trả lời qua phiếu", CK_INT);
	col_add(&t[n], "percent", "Tỷ lệ phản hồi (%)", CK_PCT);
	t[n].rows = json_deep_copy(json_object_get(o, "response_rate"));
	n++;

	t[n].sheet = "Xu hướng";
	t[n].title = "Xu hướng 12 tháng";
	col_add(&t[n], "sector", "Mã lĩnh vực", CK_STR);
	col_add(&t[n], "name", "Lĩnh vực", CK_STR);
	col_add(&t[n], "month", "Tháng", CK_STR);
	col_add(&t[n], "responses", "Số phiếu trả lời", CK_INT);
	col_add(&t[n], "satisfied", "Số hài lòng", CK_INT);
	col_add(&t[n], "percent", "Tỷ lệ hài lòng (%)", CK_PCT);
	t[n].rows = flatten(json_object_get(o, "trend"), "months",
	    "sector", "name");
	n++;

	t[n].sheet = "Góp ý";
	t[n].title = "Góp ý trong tháng (mới nhất trước)";
	col_add(&t[n], "local_time", "Thời gian (giờ Việt Nam)", CK_STR);
	col_add(&t[n], "sector_name", "Lĩnh vực", CK_STR);
	col_add(&t[n], "unit_name", "Đơn vị", CK_STR);
	col_add(&t[n], "procedure_name", "Thủ tục", CK_STR);
	col_add(&t[n], "rating", "Mức đánh giá chung (1-5)", CK_INT);
	col_add(&t[n], "text", "Góp ý", CK_STR);
	t[n].rows = json_deep_copy(json_object_get(json_object_get(o,
	    "comments"), "items"));
	n++;
	return (n);
}

static void
tables_free(struct rtab *t, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		json_decref(t[i].rows);
}

/* One cell's text for CSV ("" for null). */
static void
cell_text(const struct rcol *c, json_t *v, char *out, size_t outlen)
{
	out[0] = '\0';
	if (v == NULL || json_is_null(v))
		return;
	switch (c->kind) {
	case CK_STATUS:
		strlcpy(out, report_verdict_vi(json_string_value(v)), outlen);
		break;
	case CK_BOOL:
		strlcpy(out, bool_vi(json_is_true(v)), outlen);
		break;
	default:
		if (json_is_string(v))
			strlcpy(out, json_string_value(v), outlen);
		else if (json_is_integer(v))
			snprintf(out, outlen, "%lld",
			    (long long)json_integer_value(v));
		else if (json_is_real(v))
			snprintf(out, outlen, c->kind == CK_PROB ? "%.4f" :
			    "%.2f", json_real_value(v));
		break;
	}
}

/* One CSV cell; text that a spreadsheet could run gets a leading '. */
static int
csv_cell(struct buf *b, const char *s, int text)
{
	int	 rc = 0, q = strpbrk(s, ",\"\r\n;\t") != NULL;

	if (q)
		rc |= buf_addc(b, '"');
	if (text && cell_is_formula(s))
		rc |= buf_addc(b, '\'');
	for (; *s != '\0'; s++) {
		if (*s == '"')
			rc |= buf_addc(b, '"');
		rc |= buf_addc(b, *s);
	}
	if (q)
		rc |= buf_addc(b, '"');
	return (rc);
}

int
report_csv(const struct report *rep, struct buf *out)
{
	struct rtab	 t[RTABS_MAX];
	json_t		*o, *r;
	char		*cell, m[8];
	size_t		 n, i, j, k;
	int		 rc = 0;

	o = report_json(rep);
	n = report_tables(o, t);
	cell = xmalloc(COMMENT_BYTES_MAX + 64);
	month_str(rep->month, m);
	rc |= buf_addstr(out, "\xef\xbb\xbf");
	rc |= buf_printf(out, "Báo cáo mức độ hài lòng,Tháng %s,Đơn vị,%s,"
	    "Lĩnh vực,%s\r\n\r\n", m, rep->unit[0] ? rep->unit : "tất cả",
	    rep->sector[0] ? rep->sector : "tất cả");
	for (i = 0; i < n; i++) {
		rc |= csv_cell(out, t[i].title, 1);
		rc |= buf_addstr(out, "\r\n");
		for (k = 0; k < t[i].ncols; k++) {
			if (k > 0)
				rc |= buf_addc(out, ',');
			rc |= csv_cell(out, t[i].cols[k].head, 1);
		}
		rc |= buf_addstr(out, "\r\n");
		json_array_foreach(t[i].rows, j, r) {
			for (k = 0; k < t[i].ncols; k++) {
				json_t *v = json_object_get(r,
				    t[i].cols[k].key);

				if (k > 0)
					rc |= buf_addc(out, ',');
				cell_text(&t[i].cols[k], v, cell,
				    COMMENT_BYTES_MAX + 64);
				rc |= csv_cell(out, cell, v != NULL &&
				    json_is_string(v));
			}
			rc |= buf_addstr(out, "\r\n");
		}
		rc |= buf_addstr(out, "\r\n");
	}
	free(cell);
	tables_free(t, n);
	json_decref(o);
	return (rc != 0 ? -1 : 0);
}

/* ------------------------------------------------------------ XLSX */

int
report_xlsx_ready(char *why, size_t whylen)
{
	return (xlsx_load(why, whylen) != NULL ? 0 : -1);
}

/* A text cell; one a spreadsheet could run gets a leading '. */
static void
xlsx_text(const struct xlsx *x, lxw_worksheet *ws, lxw_row_t row,
    lxw_col_t col, const char *s, lxw_format *f)
{
	char	*q;

	if (!cell_is_formula(s)) {
		x->worksheet_write_string(ws, row, col, s, f);
		return;
	}
	q = xmalloc(strlen(s) + 2);
	q[0] = '\'';
	memcpy(q + 1, s, strlen(s) + 1);
	x->worksheet_write_string(ws, row, col, q, f);
	free(q);
}

int
report_xlsx(const struct report *rep, const char *path)
{
	const struct xlsx	*x;
	struct rtab		 t[RTABS_MAX];
	lxw_workbook		*wb;
	lxw_worksheet		*ws;
	lxw_format		*head, *pctf, *probf, *ppf, *wrap;
	lxw_chart		*ch;
	lxw_chart_series	*se;
	json_t			*o, *r, *v;
	char			 m[8], title[160];
	size_t			 n, i, j, k, nrows;
	int			 namecol, pcol, tcol[2], nt, rc = 0;
	double			 d;

	if ((x = xlsx_load(NULL, 0)) == NULL)
		return (-1);
	o = report_json(rep);
	n = report_tables(o, t);
	if ((wb = x->workbook_new(path)) == NULL) {
		tables_free(t, n);
		json_decref(o);
		return (-1);
	}
	head = x->workbook_add_format(wb);
	x->format_set_bold(head);
	x->format_set_text_wrap(head);
	x->format_set_bg_color(head, 0xDDE6F0);
	x->format_set_align(head, LXW_ALIGN_VERTICAL_TOP);
	pctf = x->workbook_add_format(wb);
	x->format_set_num_format(pctf, "0.0%");
	probf = x->workbook_add_format(wb);
	x->format_set_num_format(probf, "0.00");
	ppf = x->workbook_add_format(wb);
	x->format_set_num_format(ppf, "+0.0;-0.0;0.0");
	wrap = x->workbook_add_format(wb);
	x->format_set_text_wrap(wrap);
	for (i = 0; i < n; i++) {
		ws = x->workbook_add_worksheet(wb, t[i].sheet);
		if (ws == NULL) {
			rc = -1;
			break;
		}
		x->worksheet_freeze_panes(ws, 1, 0);
		x->worksheet_set_row(ws, 0, 60, NULL);
		for (k = 0; k < t[i].ncols; k++) {
			x->worksheet_write_string(ws, 0, (lxw_col_t)k,
			    t[i].cols[k].head, head);
			x->worksheet_set_column(ws, (lxw_col_t)k, (lxw_col_t)k,
			    strcmp(t[i].cols[k].key, "text") == 0 ? 70 :
			    strcmp(t[i].cols[k].key, "name") == 0 ||
			    strcmp(t[i].cols[k].key, "label") == 0 ? 28 : 14,
			    strcmp(t[i].cols[k].key, "text") == 0 ? wrap :
			    NULL);
		}
		json_array_foreach(t[i].rows, j, r) {
			lxw_row_t row = (lxw_row_t)(j + 1);

			for (k = 0; k < t[i].ncols; k++) {
				const struct rcol *c = &t[i].cols[k];
				lxw_col_t col = (lxw_col_t)k;

				v = json_object_get(r, c->key);
				if (v == NULL || json_is_null(v))
					continue;
				d = json_number_value(v);
				switch (c->kind) {
				case CK_PCT:
					x->worksheet_write_number(ws, row, col,
					    d / 100.0, pctf);
					break;
				case CK_PROB:
					x->worksheet_write_number(ws, row, col,
					    d, probf);
					break;
				case CK_PP:
					x->worksheet_write_number(ws, row, col,
					    d, ppf);
					break;
				case CK_INT:
					x->worksheet_write_number(ws, row, col,
					    d, NULL);
					break;
				case CK_BOOL:
					x->worksheet_write_string(ws, row, col,
					    bool_vi(json_is_true(v)), NULL);
					break;
				case CK_STATUS:
					x->worksheet_write_string(ws, row, col,
					    report_verdict_vi(
					    json_string_value(v)), NULL);
					break;
				default:
					if (json_is_string(v))
						xlsx_text(x, ws, row, col,
						    json_string_value(v), NULL);
					else
						x->worksheet_write_number(ws,
						    row, col, d, NULL);
					break;
				}
			}
		}
		if (i != 0)
			continue;
		/* The sectors against their first two targets. */
		nrows = json_array_size(t[i].rows);
		namecol = pcol = -1;
		nt = 0;
		for (k = 0; k < t[i].ncols; k++) {
			if (strcmp(t[i].cols[k].key, "name") == 0)
				namecol = (int)k;
			else if (strcmp(t[i].cols[k].key, "percent") == 0)
				pcol = (int)k;
			else if (strncmp(t[i].cols[k].key, "target_", 7) == 0 &&
			    nt < 2)
				tcol[nt++] = (int)k;
		}
		if (nrows == 0 || namecol < 0 || pcol < 0)
			continue;
		ch = x->workbook_add_chart(wb, LXW_CHART_COLUMN);
		month_str(rep->month, m);
		snprintf(title, sizeof(title), "Tỷ lệ hài lòng và chỉ tiêu, "
		    "tháng %s", m);
		x->chart_title_set_name(ch, title);
		se = x->chart_add_series(ch, NULL, NULL);
		x->chart_series_set_categories(se, t[i].sheet, 1,
		    (lxw_col_t)namecol, (lxw_row_t)nrows, (lxw_col_t)namecol);
		x->chart_series_set_values(se, t[i].sheet, 1, (lxw_col_t)pcol,
		    (lxw_row_t)nrows, (lxw_col_t)pcol);
		x->chart_series_set_name(se, "Tỷ lệ hài lòng");
		for (k = 0; k < (size_t)nt; k++) {
			se = x->chart_add_series(ch, NULL, NULL);
			x->chart_series_set_categories(se, t[i].sheet, 1,
			    (lxw_col_t)namecol, (lxw_row_t)nrows,
			    (lxw_col_t)namecol);
			x->chart_series_set_values(se, t[i].sheet, 1,
			    (lxw_col_t)tcol[k], (lxw_row_t)nrows,
			    (lxw_col_t)tcol[k]);
			x->chart_series_set_name_range(se, t[i].sheet, 0,
			    (lxw_col_t)tcol[k]);
		}
		x->chart_axis_set_min(ch->y_axis, 0);
		x->chart_axis_set_max(ch->y_axis, 1);
		x->chart_axis_set_num_format(ch->y_axis, "0%");
		x->worksheet_insert_chart(ws, (lxw_row_t)(nrows + 3), 1, ch);
	}
	/* What the figures mean, and the scope. */
	if (rc == 0 &&
	    (ws = x->workbook_add_worksheet(wb, "Ghi chú")) != NULL) {
		month_str(rep->month, m);
		x->worksheet_set_column(ws, 0, 0, 24, NULL);
		x->worksheet_set_column(ws, 1, 1, 100, wrap);
		x->worksheet_write_string(ws, 0, 0, "Tháng", head);
		x->worksheet_write_string(ws, 0, 1, m, NULL);
		x->worksheet_write_string(ws, 1, 0, "Đơn vị", head);
		x->worksheet_write_string(ws, 1, 1, rep->unit[0] ? rep->unit :
		    "tất cả", NULL);
		x->worksheet_write_string(ws, 2, 0, "Lĩnh vực", head);
		x->worksheet_write_string(ws, 2, 1, rep->sector[0] ?
		    rep->sector : "tất cả", NULL);
		x->worksheet_write_string(ws, 3, 0, "Số phiếu tối thiểu", head);
		x->worksheet_write_number(ws, 3, 1, (double)rep->min_responses,
		    NULL);
		x->worksheet_write_string(ws, 4, 0, "Tỷ lệ hài lòng", head);
		x->worksheet_write_string(ws, 4, 1, "Số trả lời mức 4-5 (hài "
		    "lòng, rất hài lòng) / tổng số trả lời câu hỏi chung, với "
		    "khoảng tin cậy Wilson 95%. Đạt: cả khoảng tin cậy không "
		    "thấp hơn chỉ tiêu; không đạt: cả khoảng thấp hơn; chưa "
		    "kết luận: khoảng tin cậy chứa chỉ tiêu.", NULL);
		x->worksheet_write_string(ws, 5, 0, "Chỉ số QĐ 766", head);
		x->worksheet_write_string(ws, 5, 1, "(Số hồ sơ hoàn thành − số "
		    "hồ sơ bị đánh giá không hài lòng, mức 1-2) / số hồ sơ "
		    "hoàn thành. Mỗi phiếu đã phát là một hồ sơ hoàn thành; "
		    "hồ sơ không trả lời không tính là không hài lòng.", NULL);
	}
	if (x->workbook_close(wb) != LXW_NO_ERROR)
		rc = -1;
	tables_free(t, n);
	json_decref(o);
	return (rc);
}

int
report_xlsx_buf(const struct report *rep, const char *tmpdir,
    struct buf *out)
{
	char	 path[PATH_MAX], chunk[65536];
	FILE	*f = NULL;
	size_t	 n;
	int	 fd, rc = -1;

	if (snprintf(path, sizeof(path), "%s/hailong-report-XXXXXX",
	    tmpdir) >= (int)sizeof(path))
		return (-1);
	if ((fd = mkstemp(path)) == -1)
		return (-1);
	close(fd);
	if (report_xlsx(rep, path) == -1)
		goto out;
	if ((f = fopen(path, "rb")) == NULL)
		goto out;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_add(out, chunk, n) == -1)
			goto out;
	if (ferror(f))
		goto out;
	rc = 0;
out:
	if (f != NULL)
		fclose(f);
	unlink(path);
	return (rc);
}

/* ------------------------------------------------------------ HTML */

/* "93,3" from a JSON number (Vietnamese decimal comma); "" for null. */
static void
fmt_num(json_t *v, int decimals, int sign, char *out, size_t outlen)
{
	char	*p;

	out[0] = '\0';
	if (v == NULL || !json_is_number(v))
		return;
	snprintf(out, outlen, sign ? "%+.*f" : "%.*f", decimals,
	    json_number_value(v));
	if ((p = strchr(out, '.')) != NULL)
		*p = ',';
}

static void
set_fmt(json_t *o, const char *key, json_t *v, int decimals, int sign,
    const char *suffix, const char *none)
{
	char	 s[64];

	fmt_num(v, decimals, sign, s, sizeof(s));
	if (s[0] == '\0')
		json_object_set_new(o, key, json_string(none));
	else {
		strlcat(s, suffix, sizeof(s));
		json_object_set_new(o, key, json_string(s));
	}
}

/* Bar colours by verdict; the page's classes v-<verdict> match them. */
static const struct {
	const char	*verdict, *fill;
} verdict_fill[] = {
	{ "met", "#1b7f3b" },
	{ "likely", "#d9a400" },
	{ "unlikely", "#d9a400" },
	{ "not_met", "#c62828" },
	{ "too_few", "#9e9e9e" },
	{ "no_data", "#9e9e9e" },
	{ "no_target", "#5f7285" }
};

static const char *
html_fill(const char *verdict)
{
	size_t	 i;

	for (i = 0; verdict != NULL &&
	    i < sizeof(verdict_fill) / sizeof(verdict_fill[0]); i++)
		if (strcmp(verdict, verdict_fill[i].verdict) == 0)
			return (verdict_fill[i].fill);
	return ("#9e9e9e");
}

/*
 * Display fields of a sector or unit row, added in place; fn, when not
 * NULL, numbers the probabilities of its targets as footnotes (fns).
 */
static void
html_row(json_t *r, int *fn, json_t *fns)
{
	json_t		*t;
	size_t		 i;
	char		 lo[32], hi[32], s[80];
	const char	*vd = json_string_value(json_object_get(r, "verdict"));

	set_fmt(r, "f_percent", json_object_get(r, "percent"), 1, 0, " %",
	    "không có dữ liệu");
	fmt_num(json_object_get(r, "ci_low"), 0, 0, lo, sizeof(lo));
	fmt_num(json_object_get(r, "ci_high"), 0, 0, hi, sizeof(hi));
	snprintf(s, sizeof(s), "%s–%s %%", lo, hi);
	json_object_set_new(r, "f_ci", json_string(lo[0] ? s : "—"));
	set_fmt(r, "f_delta", json_object_get(r, "delta"), 1, 1, "", "—");
	set_fmt(r, "f_rr", json_object_get(r, "response_rate"), 1, 0, " %",
	    "—");
	set_fmt(r, "f_nat", json_object_get(r, "national_percent"), 1, 0,
	    " %", "—");
	json_object_set_new(r, "no_data", json_boolean(json_integer_value(
	    json_object_get(r, "responses")) == 0));
	json_object_set_new(r, "verdict_vi", json_string(report_verdict_vi(
	    vd)));
	json_array_foreach(json_object_get(r, "targets"), i, t) {
		set_fmt(t, "f_target", json_object_get(t, "target"), 0, 0, " %",
		    "");
		set_fmt(t, "f_p", json_object_get(t, "p_reach"), 2, 0, "",
		    "—");
		/* A probability only beside a real verdict. */
		if (fn == NULL || !json_is_number(json_object_get(t,
		    "p_reach")) || strcmp(json_string_value(json_object_get(t,
		    "verdict")), "too_few") == 0)
			continue;
		json_object_set_new(t, "fn", json_integer(++*fn));
		json_array_append_new(fns, json_pack("{s:i,s:O,s:O,s:O,s:O}",
		    "n", *fn, "name", json_object_get(r, "name"),
		    "year", json_object_get(t, "year"),
		    "f_target", json_object_get(t, "f_target"),
		    "f_p", json_object_get(t, "f_p")));
	}
}

static int
svg_text(struct buf *b, double x, double y, const char *attrs,
    const char *s)
{
	int	 rc = 0;

	rc |= buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\"%s>", x, y, attrs);
	rc |= buf_add_html(b, s, strlen(s));
	rc |= buf_addstr(b, "</text>");
	return (rc);
}

/* The two first targets: a solid dark line, then a dashed purple one;
 * the interval is a thin grey whisker inside the bar, never like them. */
static const char *const svg_target_style[2] = {
	"stroke=\"#1f2a44\" stroke-width=\"3\"",
	"stroke=\"#7b3fa0\" stroke-width=\"2\" stroke-dasharray=\"4 2\""
};

/* Horizontal bars per row, coloured by verdict, with the interval and
 * the target lines. */
static char *
svg_bars(json_t *rows)
{
	struct buf	 b;
	json_t		*r, *t;
	size_t		 i, j, n = json_array_size(rows);
	double		 x0 = 200, w = 270, y, p, tx, lo, hi;
	char		 s[96];
	const char	*vd;
	int		 rc = 0;

	buf_init(&b, REPORT_OUT_MAX);
	rc |= buf_printf(&b, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "viewBox=\"0 0 640 %zu\" class=\"chart\" role=\"img\" "
	    "aria-label=\"Tỷ lệ hài lòng theo lĩnh vực và chỉ tiêu\">",
	    n * 30 + 40);
	for (p = 0; p <= 100; p += 20) {
		rc |= buf_printf(&b, "<line x1=\"%.1f\" y1=\"10\" x2=\"%.1f\" "
		    "y2=\"%zu\" stroke=\"#ddd\"/>", x0 + w * p / 100,
		    x0 + w * p / 100, n * 30 + 12);
		snprintf(s, sizeof(s), "%.0f%%", p);
		rc |= svg_text(&b, x0 + w * p / 100, (double)n * 30 + 28,
		    " text-anchor=\"middle\" font-size=\"11\"", s);
	}
	json_array_foreach(rows, i, r) {
		y = 12 + (double)i * 30;
		vd = json_string_value(json_object_get(r, "verdict"));
		rc |= svg_text(&b, x0 - 6, y + 15, i == 0 ?
		    " text-anchor=\"end\" font-size=\"13\" font-weight=\"bold\"" :
		    " text-anchor=\"end\" font-size=\"13\"",
		    json_string_value(json_object_get(r, "short_name")));
		if (json_is_null(json_object_get(r, "percent"))) {
			rc |= svg_text(&b, x0 + 4, y + 15, " font-size=\"12\" "
			    "fill=\"#555\"", "không có dữ liệu");
			continue;
		}
		p = json_number_value(json_object_get(r, "percent"));
		/* Codes are a-z, 0-9, _ and -: safe in an attribute. */
		rc |= buf_printf(&b, "<rect class=\"bar v-%s\" "
		    "data-row=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		    "height=\"20\" fill=\"%s\"/>",
		    vd != NULL ? vd : "no_data", json_string_value(
		    json_object_get(r, "sector")), x0, y, w * p / 100,
		    html_fill(vd));
		lo = x0 + w * json_number_value(json_object_get(r, "ci_low")) /
		    100;
		hi = x0 + w * json_number_value(json_object_get(r, "ci_high")) /
		    100;
		rc |= buf_printf(&b, "<path class=\"ci\" d=\"M%.1f %.1fH%.1f"
		    "M%.1f %.1fV%.1fM%.1f %.1fV%.1f\" stroke=\"#555\" "
		    "stroke-width=\"1\" fill=\"none\"/>", lo, y + 10, hi,
		    lo, y + 6, y + 14, hi, y + 6, y + 14);
		json_array_foreach(json_object_get(r, "targets"), j, t) {
			if (j >= 2)
				break;
			tx = x0 + w * json_number_value(json_object_get(t,
			    "target")) / 100;
			rc |= buf_printf(&b, "<line class=\"target\" "
			    "x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
			    "%s/>", tx, y - 4, tx, y + 24,
			    svg_target_style[j]);
		}
		fmt_num(json_object_get(r, "percent"), 1, 0, s, sizeof(s));
		strlcat(s, " % ", sizeof(s));
		strlcat(s, report_verdict_vi(vd), sizeof(s));
		rc |= svg_text(&b, x0 + w + 8, y + 15, " font-size=\"12\"", s);
	}
	rc |= buf_addstr(&b, "</svg>");
	if (rc != 0) {
		buf_clear(&b);
		return (xstrdup(""));
	}
	return (buf_steal(&b, &n));
}

/* A small line chart of one sector's twelve months. */
static char *
svg_trend(json_t *tr, json_t *row)
{
	struct buf	 b;
	json_t		*m, *t, *v;
	size_t		 i, n;
	double		 lo = 100, x, w = 300, h = 100, x0 = 34, y0 = 8;
	double		 pv;
	int		 rc = 0, pen = 0;
	char		 s[32];
	const char	*name;

	json_array_foreach(json_object_get(tr, "months"), i, m)
		if (json_is_number(v = json_object_get(m, "percent")) &&
		    json_number_value(v) < lo)
			lo = json_number_value(v);
	json_array_foreach(json_object_get(row, "targets"), i, t)
		if (json_number_value(json_object_get(t, "target")) < lo)
			lo = json_number_value(json_object_get(t, "target"));
	lo = floor(lo / 10) * 10;
	if (lo > 80)
		lo = 80;
	if (lo < 0)
		lo = 0;
#define TY(p)	(y0 + h - h * ((p) - lo) / (100 - lo))
	buf_init(&b, REPORT_OUT_MAX);
	rc |= buf_printf(&b, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "viewBox=\"0 0 %.0f %.0f\" class=\"trend\" role=\"img\" "
	    "aria-label=\"Tỷ lệ hài lòng 12 tháng: ", x0 + w + 10, y0 + h + 24);
	name = json_string_value(json_object_get(row, "name"));
	if (name != NULL)
		rc |= buf_add_html(&b, name, strlen(name));
	rc |= buf_addstr(&b, "\">");
	for (pv = lo; pv <= 100; pv += (100 - lo) / 2) {
		rc |= buf_printf(&b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\""
		    " y2=\"%.1f\" stroke=\"#ddd\"/>", x0, TY(pv), x0 + w,
		    TY(pv));
		snprintf(s, sizeof(s), "%.0f%%", pv);
		rc |= svg_text(&b, x0 - 3, TY(pv) + 4, " text-anchor=\"end\" "
		    "font-size=\"10\"", s);
	}
	json_array_foreach(json_object_get(row, "targets"), i, t) {
		if (i >= 2)
			break;
		pv = json_number_value(json_object_get(t, "target"));
		rc |= buf_printf(&b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\""
		    " y2=\"%.1f\" %s/>", x0, TY(pv), x0 + w, TY(pv),
		    svg_target_style[i]);
	}
	rc |= buf_addstr(&b, "<path fill=\"none\" stroke=\"#0a4a9e\" "
	    "stroke-width=\"2\" d=\"");
	n = json_array_size(json_object_get(tr, "months"));
	json_array_foreach(json_object_get(tr, "months"), i, m) {
		x = x0 + (n > 1 ? w * (double)i / (double)(n - 1) : 0);
		if (!json_is_number(v = json_object_get(m, "percent"))) {
			pen = 0;
			continue;
		}
		rc |= buf_printf(&b, "%c%.1f %.1f", pen ? 'L' : 'M', x,
		    TY(json_number_value(v)));
		pen = 1;
	}
	rc |= buf_addstr(&b, "\"/>");
	json_array_foreach(json_object_get(tr, "months"), i, m) {
		x = x0 + (n > 1 ? w * (double)i / (double)(n - 1) : 0);
		if (json_is_number(v = json_object_get(m, "percent")))
			rc |= buf_printf(&b, "<circle cx=\"%.1f\" cy=\"%.1f\" "
			    "r=\"3\" fill=\"#0a4a9e\"/>", x,
			    TY(json_number_value(v)));
		/* "MM" under each month. */
		snprintf(s, sizeof(s), "%.2s", json_string_value(
		    json_object_get(m, "month")) + 5);
		rc |= svg_text(&b, x, y0 + h + 16, " text-anchor=\"middle\" "
		    "font-size=\"10\"", s);
	}
#undef TY
	rc |= buf_addstr(&b, "</svg>");
	if (rc != 0) {
		buf_clear(&b);
		return (xstrdup(""));
	}
	return (buf_steal(&b, &n));
}

static int
comment_cmp(const void *a, const void *b)
{
	json_t		*x = *(json_t *const *)a, *y = *(json_t *const *)b;
	json_int_t	 rx = json_integer_value(json_object_get(x, "rating"));
	json_int_t	 ry = json_integer_value(json_object_get(y, "rating"));
	int		 c;

	/* No rating (0) after every rating. */
	if (rx != ry)
		return (rx == 0 ? 1 : ry == 0 ? -1 : rx < ry ? -1 : 1);
	c = strcmp(json_string_value(json_object_get(y, "time")),
	    json_string_value(json_object_get(x, "time")));
	return (c);
}

/* Sorts the comments array a in place: lowest rating, then newest. */
static void
html_sort_comments(json_t *a)
{
	json_t	**v;
	size_t	 i, n = json_array_size(a);

	if (n == 0)
		return;
	v = xcalloc(n, sizeof(*v));
	for (i = 0; i < n; i++)
		v[i] = json_incref(json_array_get(a, i));
	/* Stable for equal keys: the input is newest first already. */
	qsort(v, n, sizeof(*v), comment_cmp);
	json_array_clear(a);
	for (i = 0; i < n; i++)
		json_array_append_new(a, v[i]);
	free(v);
}

static int
unit_total_first(const void *a, const void *b)
{
	return (json_is_true(json_object_get(*(json_t *const *)b, "total")) -
	    json_is_true(json_object_get(*(json_t *const *)a, "total")));
}

static int
unit_cmp_code(const void *a, const void *b)
{
	int	 c;

	if ((c = unit_total_first(a, b)) != 0)
		return (c);
	return (strcmp(json_string_value(json_object_get(*(json_t *const *)a,
	    "unit")), json_string_value(json_object_get(*(json_t *const *)b,
	    "unit"))));
}

static int
unit_cmp_responses(const void *a, const void *b)
{
	json_int_t x = json_integer_value(json_object_get(*(json_t *const *)a,
	    "responses"));
	json_int_t y = json_integer_value(json_object_get(*(json_t *const *)b,
	    "responses"));
	int	 c;

	if ((c = unit_total_first(a, b)) != 0)
		return (c);
	return (x > y ? -1 : x < y ? 1 : unit_cmp_code(a, b));
}

/* Reorders the units array of o by "code" or "responses". */
static void
html_sort_units(json_t *o, const char *sort)
{
	json_t	*a = json_object_get(o, "units"), **v, *na;
	size_t	 i, n = json_array_size(a);

	if (sort == NULL || n == 0 || (strcmp(sort, "code") != 0 &&
	    strcmp(sort, "responses") != 0))
		return;
	v = xcalloc(n, sizeof(*v));
	for (i = 0; i < n; i++)
		v[i] = json_array_get(a, i);
	qsort(v, n, sizeof(*v), strcmp(sort, "code") == 0 ? unit_cmp_code :
	    unit_cmp_responses);
	na = json_array();
	for (i = 0; i < n; i++)
		json_array_append(na, v[i]);
	free(v);
	json_object_set_new(o, "units", na);
}

int
report_html(const struct report *rep, const char *tpl_dir, json_t *extra,
    struct buf *out)
{
	struct tplset	*ts = NULL;
	const struct tpl *tp;
	json_t		*o, *r, *t, *x, *rows, *a, *fns, *w;
	char		 why[256], *svg, m[8];
	size_t		 i, j;
	int		 rc = -1, fn = 0;
	uint64_t	 tot;

	o = report_json(rep);
	if (extra != NULL) {
		html_sort_units(o, json_string_value(json_object_get(extra,
		    "sort")));
		json_object_update(o, extra);
	}
	if (tpl_load(tpl_dir, &ts, why, sizeof(why)) == -1 ||
	    (tp = tpl_get(ts, "report")) == NULL)
		goto out;
	fns = json_array();
	html_row(json_object_get(o, "overall"), &fn, fns);
	json_array_foreach(json_object_get(o, "sectors"), i, r)
		html_row(r, &fn, fns);
	json_object_set_new(o, "has_footnotes", json_boolean(
	    json_array_size(fns) > 0));
	json_object_set_new(o, "footnotes", fns);
	w = json_object_get(o, "walkin");
	html_row(w, NULL, NULL);
	json_object_set_new(o, "has_walkin", json_boolean(
	    json_integer_value(json_object_get(w, "responses")) > 0));
	json_array_foreach(json_object_get(o, "units"), i, r)
		html_row(r, NULL, NULL);
	/* The headline: the overall figure and the target in force. */
	r = json_object_get(o, "overall");
	json_array_foreach(json_object_get(r, "targets"), i, t)
		if (json_is_true(json_object_get(t, "in_force")))
			json_object_set(o, "headline_target", t);
	/* The legend names the years of the lines (sectors.ini's). */
	a = json_array();
	json_array_foreach(json_object_get(r, "targets"), i, t) {
		if (i >= 2)
			break;
		json_array_append_new(a, json_pack("{s:O,s:b}", "year",
		    json_object_get(t, "year"), "dashed", i == 1));
	}
	json_object_set_new(o, "target_lines", a);
	rows = json_array();
	json_array_append(rows, json_object_get(o, "overall"));
	json_array_extend(rows, json_object_get(o, "sectors"));
	json_array_foreach(rows, i, r)
		json_object_set(r, "short_name", json_object_get(r, "name"));
	if (json_is_true(json_object_get(o, "has_walkin"))) {
		json_object_set_new(w, "short_name",
		    json_string("Khách vãng lai (ki-ốt)"));
		json_array_append(rows, w);
	}
	svg = svg_bars(rows);
	json_object_set_new(o, "chart_sectors", json_string(svg));
	free(svg);
	/* Response rates of the sectors (the units' are in their table). */
	a = json_array();
	json_array_foreach(json_object_get(o, "response_rate"), i, r)
		if (strcmp(json_string_value(json_object_get(r, "kind")),
		    "unit") != 0)
			json_array_append(a, r);
	json_object_set_new(o, "rate_rows", a);
	/* Comments: the lowest ratings first, then the newest. */
	a = json_deep_copy(json_object_get(json_object_get(o, "comments"),
	    "items"));
	html_sort_comments(a);
	json_array_foreach(a, i, r) {
		json_object_set_new(r, "print_more", json_boolean(
		    i >= REPORT_PRINT_COMMENTS));
		json_object_set_new(r, "low", json_boolean(json_integer_value(
		    json_object_get(r, "rating")) >= 1 && json_integer_value(
		    json_object_get(r, "rating")) <= REPORT_UNSAT_LEVEL));
	}
	json_object_set_new(o, "comments_sorted", a);
	json_object_set_new(o, "print_comments_cut", json_boolean(
	    json_array_size(a) > REPORT_PRINT_COMMENTS));
	json_object_set_new(o, "print_comments_max",
	    json_integer(REPORT_PRINT_COMMENTS));
	/* The trend of each row, beside that row's targets. */
	a = json_array();
	json_array_foreach(json_object_get(o, "trend"), i, t) {
		svg = svg_trend(t, json_array_get(rows, i));
		x = json_deep_copy(t);
		json_object_set_new(x, "svg", json_string(svg));
		free(svg);
		json_array_foreach(json_object_get(x, "months"), j, r)
			set_fmt(r, "f_percent", json_object_get(r, "percent"),
			    1, 0, " %", "—");
		json_array_append_new(a, x);
	}
	json_object_set_new(o, "trend", a);
	json_decref(rows);
	json_array_foreach(json_object_get(o, "questions"), i, r)
		json_array_foreach(json_object_get(r, "options"), j, x) {
			set_fmt(x, "f_percent", json_object_get(x, "percent"),
			    1, 0, " %", "—");
			json_object_set_new(x, "bar", json_integer(
			    json_is_number(json_object_get(x, "percent")) ?
			    (json_int_t)round(json_number_value(
			    json_object_get(x, "percent"))) : 0));
		}
	json_array_foreach(json_object_get(o, "response_rate"), i, r)
		set_fmt(r, "f_percent", json_object_get(r, "percent"), 1, 0,
		    " %", "—");
	r = json_object_get(o, "channels");
	tot = (uint64_t)json_integer_value(json_object_get(r, "total"));
	json_object_set_new(r, "has", json_boolean(tot > 0));
	month_str(report_month_add(rep->month, -1), m);
	json_object_set_new(o, "prev_link", json_string(m));
	/* No link to a month that has not begun. */
	if (report_month_add(rep->month, 1) <= month_of(now_sec())) {
		month_str(report_month_add(rep->month, 1), m);
		json_object_set_new(o, "next_link", json_string(m));
	}
	json_object_set_new(o, "sector_list", json_array());
	for (i = 0; i < rep->cat->nsectors; i++)
		json_array_append_new(json_object_get(o, "sector_list"),
		    json_pack("{s:s,s:s,s:b}", "code",
		    rep->cat->sectors[i].code, "name",
		    txt_vi(&rep->cat->sectors[i].name, ""), "selected",
		    strcmp(rep->sector, rep->cat->sectors[i].code) == 0));
	json_object_set_new(o, "unit_list", json_array());
	for (i = 0; i < rep->cat->nunits; i++)
		json_array_append_new(json_object_get(o, "unit_list"),
		    json_pack("{s:s,s:s,s:b}", "code",
		    rep->cat->units[i].code, "name",
		    txt_vi(&rep->cat->units[i].name, ""), "selected",
		    strcmp(rep->unit, rep->cat->units[i].code) == 0));
	rc = tpl_render(tp, o, out);
out:
	tpl_free(ts);
	json_decref(o);
	return (rc);
}
