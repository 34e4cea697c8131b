/*
 * report.c: a report's figures from the sums and the unit "" rollups of
 * the aggregates, a period's months added up, in one read snapshot (the
 * whole province reads the unit rows of the period and the one before,
 * and province rows for the rest of the trend), the newest comments of
 * the period, and the period parser. The JSON value every rendering is
 * made from is in report_json.c; the maths is in report_stats.c.
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

#include <jansson.h>

#include "report.h"
#include "report_priv.h"
#include "store.h"
#include "util.h"

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

/* Months since year 0 of YYYYMM, for differences. */
static long
month_index(uint32_t m)
{
	return ((long)(m / 100) * 12 + (long)(m % 100) - 1);
}

int
report_period_months(const struct report_period *p)
{
	return ((int)(month_index(p->to) - month_index(p->from)) + 1);
}

static int
period_fail(char *why, size_t whylen, const char *s)
{
	if (why != NULL && whylen > 0)
		snprintf(why, whylen, "period: %s", s);
	return (-1);
}

int
report_period_parse(const char *s, size_t len, uint32_t now,
    struct report_period *p, char *why, size_t whylen)
{
	long long	 y, q;

	memset(p, 0, sizeof(*p));
	if (s == NULL || len == 0)
		return (period_fail(why, whylen, "want YYYY-MM, YYYY-Qn, "
		    "YYYY or YYYY-MM..YYYY-MM"));
	if (len == 4 && parse_num(s, 4, 1970, 9999, &y) == 0) {
		p->kind = RP_YEAR;
		p->from = (uint32_t)(y * 100 + 1);
		p->to = (uint32_t)(y * 100 + 12);
	} else if (len == 7 && (s[5] == 'Q' || s[5] == 'q') &&
	    s[4] == '-' && parse_num(s, 4, 1970, 9999, &y) == 0 &&
	    parse_num(s + 6, 1, 1, 4, &q) == 0) {
		p->kind = RP_QUARTER;
		p->from = (uint32_t)(y * 100 + (q - 1) * 3 + 1);
		p->to = p->from + 2;
	} else if (len == 7 && (p->from = report_month_parse(s, 7)) != 0) {
		p->kind = RP_MONTH;
		p->to = p->from;
	} else if (len == 16 && s[7] == '.' && s[8] == '.' &&
	    (p->from = report_month_parse(s, 7)) != 0 &&
	    (p->to = report_month_parse(s + 9, 7)) != 0) {
		p->kind = RP_RANGE;
		if (p->to < p->from)
			return (period_fail(why, whylen, "a range must be "
			    "ascending: the earlier month first"));
		if (report_period_months(p) > REPORT_RANGE_MAX)
			return (period_fail(why, whylen, "a range is at most "
			    "36 months"));
		if (p->to > now)
			return (period_fail(why, whylen, "a range may not end "
			    "after this month"));
		return (0);
	} else
		return (period_fail(why, whylen, "want YYYY-MM, YYYY-Qn, "
		    "YYYY or YYYY-MM..YYYY-MM"));
	if (p->from > now)
		return (period_fail(why, whylen, "it begins after this "
		    "month"));
	return (0);
}

void
report_period_str(const struct report_period *p, char *out)
{
	unsigned	 fy = (p->from / 100) % 10000, fm = p->from % 100;
	unsigned	 ty = (p->to / 100) % 10000, tm = p->to % 100;

	switch (p->kind) {
	case RP_QUARTER:
		snprintf(out, REPORT_PERIOD_STR, "%04u-Q%u", fy, (fm + 2) / 3);
		break;
	case RP_YEAR:
		snprintf(out, REPORT_PERIOD_STR, "%04u", fy);
		break;
	case RP_RANGE:
		snprintf(out, REPORT_PERIOD_STR, "%04u-%02u..%04u-%02u",
		    fy, fm, ty, tm);
		break;
	default:
		snprintf(out, REPORT_PERIOD_STR, "%04u-%02u", fy, fm);
		break;
	}
}

void
report_period_label(const struct report_period *p, char *out)
{
	static const char *const roman[4] = { "I", "II", "III", "IV" };
	unsigned	 fy = (p->from / 100) % 10000, fm = p->from % 100;
	unsigned	 ty = (p->to / 100) % 10000, tm = p->to % 100;

	switch (p->kind) {
	case RP_QUARTER:
		snprintf(out, REPORT_PERIOD_STR, "Quý %s/%04u",
		    roman[(fm + 11) / 3 % 4], fy);
		break;
	case RP_YEAR:
		snprintf(out, REPORT_PERIOD_STR, "Năm %04u", fy);
		break;
	case RP_RANGE:
		if (p->from == p->to)
			snprintf(out, REPORT_PERIOD_STR, "Tháng %02u/%04u",
			    fm, fy);
		else if (fy == ty)
			snprintf(out, REPORT_PERIOD_STR, "Tháng %02u–%02u/%04u",
			    fm, tm, ty);
		else
			snprintf(out, REPORT_PERIOD_STR,
			    "Tháng %02u/%04u–%02u/%04u", fm, fy, tm, ty);
		break;
	default:
		snprintf(out, REPORT_PERIOD_STR, "Tháng %02u/%04u", fm, fy);
		break;
	}
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

/* ------------------------------------------------------------ build */

/* The walk-ins' row name: they belong to no sector. */
static char	 walkin_vi[] = "Khách vãng lai tại ki-ốt (không thuộc lĩnh vực)";
static char	 walkin_en[] = "Kiosk walk-ins (no sector)";
const struct text report_walkin_name = { { walkin_vi, walkin_en,
    walkin_vi } };

/* Index of month in the trend, or -1. */
static int
report_month_index(const struct report *rep, uint32_t month)
{
	long	 d = month_index(month) - month_index(rep->months[0]);

	if (d < 0 || d >= (long)rep->nmonths)
		return (-1);
	return ((int)d);
}

int
report_period_has(const struct report_period *p, uint32_t month)
{
	return (month >= p->from && month <= p->to);
}

/* A sums row into f: suspect answers apart from the figures. */
static void
fig_add(struct report_fig *f, const struct store_sum *s)
{
	uint64_t	 n;
	size_t		 i;

	for (i = 0; i < SURVEY_LEVELS; i++) {
		/* A part of levels[]: never more, unless damaged. */
		n = s->levels[i] - (s->suspect_levels[i] < s->levels[i] ?
		    s->suspect_levels[i] : s->levels[i]);
		f->levels[i] += n;
		f->responses += n;
		if (i + 1 >= REPORT_SAT_LEVEL)
			f->satisfied += n;
		if (i + 1 <= REPORT_UNSAT_LEVEL)
			f->unsatisfied += n;
		f->suspect_levels[i] += s->levels[i] - n;
	}
	f->issued += s->issued;
	f->answered += s->answered;
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
/* A sums row's figures into a row: the period, the one before, and
 * (rows with a trend) its month. */
static void
row_add(struct report_row *rw, const struct report *rep, int m,
    const struct store_sum *s)
{
	if (report_period_has(&rep->period, s->month))
		fig_add(&rw->cur, s);
	if (report_period_has(&rep->previous, s->month))
		fig_add(&rw->prev, s);
	if (m >= 0 && rw->m != NULL)
		fig_add(&rw->m[m], s);
}

static int
build_sum(const struct store_sum *s, void *arg)
{
	struct build		*b = arg;
	struct report		*rep = b->rep;
	size_t			 i;
	int			 m, ui;

	m = report_month_index(rep, s->month);
	if (m < 0 && !report_period_has(&rep->period, s->month) &&
	    !report_period_has(&rep->previous, s->month))
		return (0);
	if (rep->sector[0] != '\0' && strcmp(s->sector, rep->sector) != 0)
		return (0);
	/* A service survey's rows: its indicators only (report_ind.c). */
	if (s->sector[0] == AGG_SURVEY_MARK)
		return (0);
	if (s->unit[0] == '\0') {
		if (b->scoped)
			return (0);
	} else {
		ui = build_unit(b, s->unit);
		if (ui >= 0)
			ui = rep->tree_map[ui];
		if (ui < 0 || b->row_of[ui] < 0)
			return (0);
		for (; ui >= 0; ui = b->parent[ui])
			if (b->row_of[ui] >= 0)
				row_add(&rep->units[b->row_of[ui]], rep, m, s);
		if (!b->scoped)
			return (0);
	}
	row_add(&rep->overall, rep, m, s);
	if (strcmp(s->sector, AGG_WALKIN) == 0) {
		row_add(&rep->walkin, rep, m, s);
		return (0);
	}
	for (i = 0; i < rep->nsectors; i++)
		if (strcmp(rep->sectors[i].code, s->sector) == 0) {
			row_add(&rep->sectors[i], rep, m, s);
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

	if (!report_period_has(&rep->period, k->month) || k->question[0] == '_' ||
	    k->sector[0] == AGG_SURVEY_MARK ||
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
 * The figures, in one read snapshot. Whole province: every row of the
 * period and the one before, the unit "" sums rows of the trend's months
 * before them, the questions from the unit "" rollups of each month of
 * the period. A scope: its units' rows and aggregates, one seek per unit
 * (and month or sector).
 */
static int
build_figures(struct build *b, struct store *st)
{
	struct report		*rep = b->rep;
	const struct catalog	*cat = rep->cat;
	struct store_snap	*snap;
	const char		*sec;
	uint32_t		 first, m;
	size_t			 i;
	int			 rc = -1;

	if (store_snap_begin(st, &snap) == -1)
		return (-1);
	sec = rep->sector[0] != '\0' ? rep->sector : NULL;
	first = rep->months[0] < rep->previous.from ? rep->months[0] :
	    rep->previous.from;
	if (!b->scoped) {
		if (store_each_sum(st, snap, rep->previous.from,
		    rep->period.to, NULL, build_sum, b) != 0)
			goto out;
		if (first < rep->previous.from &&
		    store_each_sum(st, snap, first, report_month_add(
		    rep->previous.from, -1), "", build_sum, b) != 0)
			goto out;
		for (m = rep->period.from; m <= rep->period.to;
		    m = report_month_add(m, 1))
			if (store_each_agg_prefix(st, snap, m, sec, "",
			    build_q, b) != 0)
				goto out;
	} else {
		for (i = 0; i < cat->nunits; i++) {
			if (b->row_of[i] < 0 && b->row_of[rep->tree_map[i]] < 0)
				continue;
			if (store_each_sum(st, snap, first, rep->period.to,
			    cat->units[i].code, build_sum, b) != 0)
				goto out;
			for (m = rep->period.from; m <= rep->period.to;
			    m = report_month_add(m, 1))
				if (store_each_agg_prefix(st, snap, m, sec,
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

	if ((rep->sector[0] != '\0' && strcmp(sector, rep->sector) != 0) ||
	    sector[0] == AGG_SURVEY_MARK)
		return (0);
	if (w->scoped) {
		u = catalog_unit(rep->cat, unit, strnlen(unit, UNIT_CODE_MAX));
		if (u == NULL ||
		    w->row_of[rep->tree_map[u - rep->cat->units]] < 0)
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

/* The newest comments of the period in scope, from the comment index,
 * month by month from its end. */
static int
build_comments(struct report *rep, struct store *st, int *row_of,
    int scoped)
{
	struct cpick	 w = { rep, row_of, scoped };
	uint32_t	 m;

	rep->comments = xcalloc(REPORT_COMMENTS_MAX,
	    sizeof(*rep->comments));
	for (m = rep->period.to; m >= rep->period.from && !rep->comments_more;
	    m = report_month_add(m, -1))
		if (store_each_comment(st, m, cpick_pick, cpick_add, &w) == -1)
			return (-1);
	return (0);
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
	struct report_period	 pd;
	struct timespec		 t0, t1;
	size_t			 i, n;
	int			 j, ui, len;
	uint32_t		 m;
	enum hl_rc		 rc = HL_ERROR;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	memset(rep, 0, sizeof(*rep));
	memset(&b, 0, sizeof(b));
	if (o->period != NULL) {
		pd = *o->period;
		if (pd.from % 100 < 1 || pd.from % 100 > 12 ||
		    pd.from / 100 < 1970 || pd.to % 100 < 1 ||
		    pd.to % 100 > 12 || pd.to / 100 > 9999 || pd.to < pd.from ||
		    report_period_months(&pd) > REPORT_RANGE_MAX) {
			report_why(why, whylen, "period: want YYYY-MM, "
			    "YYYY-Qn, YYYY or YYYY-MM..YYYY-MM");
			return (HL_INVALID);
		}
	} else if (o->month % 100 < 1 || o->month % 100 > 12 ||
	    o->month / 100 < 1970 || o->month / 100 > 9999) {
		report_why(why, whylen, "month: want YYYY-MM");
		return (HL_INVALID);
	} else {
		pd.kind = RP_MONTH;
		pd.from = pd.to = o->month;
	}
	if (o->unit != NULL && o->unit[0] != '\0' &&
	    (scope = catalog_unit(cat, o->unit, strnlen(o->unit,
	    UNIT_CODE_MAX + 1))) == NULL) {
		report_why(why, whylen, "unit: no such unit");
		return (HL_INVALID);
	}
	if (scope != NULL && o->tree == REPORT_TREE_CURRENT &&
	    catalog_unit_retired(scope, o->now != 0 ? o->now : now_sec())) {
		if (why != NULL)
			snprintf(why, whylen, "unit: %s was retired on %s; in "
			    "the current tree its figures are under %s (ask "
			    "for that unit, or tree=recorded)", scope->code,
			    scope->retired, catalog_unit_current(cat, scope,
			    o->now != 0 ? o->now : now_sec())->code);
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
	rep->tree = o->tree;
	rep->tree_map = report_tree_map(cat, o->tree, o->now != 0 ? o->now :
	    now_sec());
	rep->period = pd;
	rep->month = pd.to;
	len = report_period_months(&pd);
	rep->previous.kind = pd.kind;
	rep->previous.from = report_month_add(pd.from, -len);
	rep->previous.to = report_month_add(pd.from, -1);
	rep->final_at = month_closes(pd.to);
	rep->provisional = (o->now != 0 ? o->now : now_sec()) < rep->final_at;
	rep->min_responses = o->min_responses > 0 ? o->min_responses :
	    REPORT_MIN_DEFAULT;
	/* The trend: a year's or a range's own months, else the twelve to
	 * the period's end (a quarter and the three before). */
	rep->nmonths = pd.kind == RP_YEAR || pd.kind == RP_RANGE ?
	    (size_t)len : REPORT_MONTHS;
	for (j = 0; j < (int)rep->nmonths; j++)
		rep->months[j] = report_month_add(pd.to,
		    j - ((int)rep->nmonths - 1));
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
		rep->sectors[rep->nsectors].m = xcalloc(rep->nmonths,
		    sizeof(struct report_fig));
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
	rep->overall.m = xcalloc(rep->nmonths, sizeof(struct report_fig));
	rep->walkin.m = xcalloc(rep->nmonths, sizeof(struct report_fig));
	strlcpy(rep->walkin.code, AGG_WALKIN, sizeof(rep->walkin.code));
	rep->walkin.name = &report_walkin_name;

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
		if (rep->tree_map[i] != (int)i)
			continue;	/* retired: under its successor */
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
	/* The indicators: the period's months added up. */
	report_ind_init(rep, o->ind);
	for (m = rep->period.from; m != 0 && m <= rep->period.to;
	    m = report_month_add(m, 1))
		if (report_ind_month(rep, st, m) != 0) {
			report_why(why, whylen, "cannot read the aggregates");
			goto out;
		}
	if (!o->no_comments && build_comments(rep, st, b.row_of,
	    b.scoped) == -1) {
		report_why(why, whylen, "cannot read the comments");
		goto out;
	}
	if (report_stage_build(rep, st) == -1) {
		report_why(why, whylen, "cannot read the aggregates");
		goto out;
	}
	if (report_766_build(rep, st, o->now) == -1) {
		report_why(why, whylen, "cannot read the dossiers");
		goto out;
	}
	if (o->desks && scope != NULL && report_desks_build(rep, st) == -1) {
		report_why(why, whylen, "cannot read the counters");
		goto out;
	}
	if (o->wd != NULL && report_fu_build(rep, st, o->wd, o->answer_days,
	    o->now != 0 ? o->now : now_sec()) == -1) {
		report_why(why, whylen, "cannot read the follow-ups");
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
	for (i = 0; i < rep->nsectors; i++)
		free(rep->sectors[i].m);
	free(rep->overall.m);
	free(rep->walkin.m);
	free(rep->sectors);
	free(rep->units);
	free(rep->tree_map);
	report_ind_free(rep);
	report_desks_free(rep);
	report_766_free(rep);
	report_stage_free(rep);
	report_fu_free(rep);
	memset(rep, 0, sizeof(*rep));
}
