/*
 * test_report.c: the report's maths against closed forms, and a report
 * built from a real store filled through the writer: known counts per
 * month, sector and unit; the edges (no answers, all satisfied, one
 * answer); the renderings (JSON, CSV with a BOM, XLSX file, HTML with
 * escaped comments).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <jansson.h>

#include "catalog.h"
#include "crypto.h"
#include "report.h"
#include "store.h"
#include "survey.h"
#include "tpl.h"
#include "util.h"
#include "writer.h"

struct env {
	char		 base[64];
	char		 dir[96];
	struct store	*st;
	struct writer	*w;
	struct catalog	*cat;
	struct survey	*sv;
	uint32_t	 month;
};

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return (remove(path));
}

/* An answer stored through the writer at time when. */
static void
put_answer(struct env *e, int64_t when, const char *sector,
    const char *unit, int level, int ticket, const char *comment)
{
	struct wop	 op;
	struct response	*r = &op.u.answer.r;
	struct wop	 top;

	if (ticket) {
		memset(&top, 0, sizeof(top));
		top.kind = WOP_TICKET;
		crypto_random(top.u.ticket.t.id, TICKET_ID_LEN);
		top.u.ticket.t.kid = store_keyring(e->st)->kid[
		    store_keyring(e->st)->current];
		top.u.ticket.t.issued = when;
		top.u.ticket.t.expires = now_sec() + 86400;
		strlcpy(top.u.ticket.t.procedure, "P", PROC_CODE_MAX);
		strlcpy(top.u.ticket.t.sector, sector, SECTOR_CODE_MAX + 1);
		strlcpy(top.u.ticket.t.unit, unit, UNIT_CODE_MAX + 1);
		assert_int_equal(writer_run(e->w, &top), HL_OK);
	}
	memset(&op, 0, sizeof(op));
	op.kind = WOP_ANSWER;
	r->answered = when;
	r->channel = ticket ? CHANNEL_QR : CHANNEL_WALKIN;
	if (ticket) {
		r->has_ticket = 1;
		memcpy(r->ticket, top.u.ticket.t.id, TICKET_ID_LEN);
	}
	strlcpy(r->sector, sector, sizeof(r->sector));
	strlcpy(r->unit, unit, sizeof(r->unit));
	strlcpy(r->survey, "default", sizeof(r->survey));
	strlcpy(r->lang, "vi", sizeof(r->lang));
	strlcpy(r->answers[0].q, SURVEY_OVERALL, sizeof(r->answers[0].q));
	r->answers[0].level = (uint8_t)level;
	strlcpy(r->answers[1].q, "on_time", sizeof(r->answers[1].q));
	r->answers[1].level = 1;
	r->nanswers = 2;
	if (comment != NULL) {
		r->comment_len = strlen(comment);
		memcpy(r->comment, comment, r->comment_len);
	}
	assert_int_equal(writer_run(e->w, &op), HL_OK);
}

static int
setup(void **state)
{
	struct env	*e;
	char		 why[256];
	int64_t		 now = now_sec(), prev;

	e = calloc(1, sizeof(*e));
	strlcpy(e->base, "/tmp/hl-report-XXXXXX", sizeof(e->base));
	if (mkdtemp(e->base) == NULL || crypto_init() == -1)
		return (-1);
	snprintf(e->dir, sizeof(e->dir), "%s/data", e->base);
	if (store_open(&e->st, e->dir, 1, NULL, why, sizeof(why)) == -1 ||
	    writer_start(&e->w, e->st, 0) == -1 ||
	    catalog_load(HL_SRCDIR "/schema", &e->cat, why,
	    sizeof(why)) == -1 ||
	    survey_load(HL_SRCDIR "/schema/survey.ini", &e->sv, why,
	    sizeof(why)) == -1) {
		fprintf(stderr, "setup: %s\n", why);
		return (-1);
	}
	e->month = month_of(now);
	prev = report_month_start(report_month_add(e->month, -1)) + 3600;
	/* This month: land in VD01: 9 of 10 satisfied (levels 5,5,...,1). */
	for (int i = 0; i < 10; i++)
		put_answer(e, now - 1, "land", "92-VD01", i == 0 ? 1 : 5, 1,
		    NULL);
	/* health in VD02: one answer, satisfied, walk-in. */
	put_answer(e, now - 1, "health", "92-VD02", 4, 0,
	    "<b>\"hi\"</b> \u200f ស្វាគមន៍");
	/* Previous month: land in VD01, 1 of 2 satisfied. */
	put_answer(e, prev, "land", "92-VD01", 5, 1, "old month");
	put_answer(e, prev, "land", "92-VD01", 2, 1, NULL);
	*state = e;
	return (0);
}

static int
teardown(void **state)
{
	struct env	*e = *state;

	writer_stop(e->w);
	store_close(e->st);
	catalog_free(e->cat);
	survey_free(e->sv);
	nftw(e->base, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(e);
	return (0);
}

static void
test_beta_closed_forms(void **state)
{
	double	 x;

	(void)state;
	for (x = 0.05; x < 1.0; x += 0.1) {
		assert_true(fabs(report_beta_cdf(x, 1, 1) - x) < 1e-12);
		assert_true(fabs(report_beta_cdf(x, 3, 1) - pow(x, 3)) <
		    1e-12);
		assert_true(fabs(report_beta_cdf(x, 0.5, 0.5) -
		    2.0 / M_PI * asin(sqrt(x))) < 1e-10);
		/* Beta(1, b): 1 - (1 - x)^b. */
		assert_true(fabs(report_beta_cdf(x, 1, 4) -
		    (1 - pow(1 - x, 4))) < 1e-12);
		/* Symmetry: I_x(a, b) = 1 - I_{1-x}(b, a). */
		assert_true(fabs(report_beta_cdf(x, 30.5, 2.5) +
		    report_beta_cdf(1 - x, 2.5, 30.5) - 1) < 1e-10);
	}
	assert_true(report_beta_cdf(0, 2, 2) == 0);
	assert_true(report_beta_cdf(1, 2, 2) == 1);
	assert_true(isnan(report_beta_cdf(0.5, 0, 2)));
	/* Large counts stay finite and near the mean. */
	x = report_beta_cdf(0.9, 9000.5, 1000.5);
	assert_true(x > 0.4 && x < 0.6);
}

static void
test_wilson_edges(void **state)
{
	double	 lo, hi;

	(void)state;
	assert_int_equal(report_wilson(0, 0, &lo, &hi), -1);
	assert_int_equal(report_wilson(3, 2, &lo, &hi), -1);
	assert_int_equal(report_wilson(1, 1, &lo, &hi), 0);
	assert_true(hi == 1.0 && lo > 0.2 && lo < 0.21);	/* 0.2065 */
	assert_int_equal(report_wilson(0, 1, &lo, &hi), 0);
	assert_true(lo == 0.0 && hi > 0.79 && hi < 0.80);
	assert_int_equal(report_wilson(93, 100, &lo, &hi), 0);
	assert_true(fabs(lo - 0.8625) < 0.001 && fabs(hi - 0.9657) < 0.001);
	assert_int_equal(report_wilson(50, 50, &lo, &hi), 0);
	assert_true(hi == 1.0 && fabs(lo - 0.9287) < 0.001);
	assert_int_equal(report_status(0, 0, 0.9), RS_NO_DATA);
	assert_int_equal(report_status(1000, 1000, 0.9), RS_MET);
	assert_int_equal(report_status(0, 1000, 0.9), RS_NOT_MET);
	assert_int_equal(report_status(9, 10, 0.9), RS_INCONCLUSIVE);
	assert_true(isnan(report_p_reach(0, 0, 0.9)));
	/* 93% of 30 and of 3000 against 90%: unlike certainty. */
	assert_true(report_p_reach(28, 30, 0.9) < 0.9);
	assert_true(report_p_reach(2790, 3000, 0.9) > 0.999);
	/* Jeffreys with s = n = 0 would be the prior: refused instead. */
	assert_true(fabs(report_p_reach(1, 1, 0.5) -
	    (1 - report_beta_cdf(0.5, 1.5, 0.5))) < 1e-12);
}

/* The period parser: each kind, its bounds, and what it says when wrong. */
static void
test_periods(void **state)
{
	static const char *const bad[] = { "", "2026-", "2026-1", "2026-00",
	    "2026-13", "2026-Q0", "2026-Q5", "2026-Q", "2026Q1", "1969",
	    "+2026", " 2026", "2026 ", "2026-01..", "2026-01..2026-1",
	    "2026-01...2026-02", "2026-01..2026-02x", "２０２６", "20260",
	    "2026-01.2026-02", "-2026", "2026-0a" };
	struct report_period	 p;
	char			 why[128], s[REPORT_PERIOD_STR];
	size_t			 i;

	(void)state;
	assert_int_equal(report_period_parse("2026-11", 7, 202612, &p, why,
	    sizeof(why)), 0);
	assert_true(p.kind == RP_MONTH && p.from == 202611 && p.to == 202611);
	report_period_label(&p, s);
	assert_string_equal(s, "Tháng 11/2026");
	assert_int_equal(report_period_parse("2026-Q4", 7, 202612, &p, why,
	    sizeof(why)), 0);
	assert_true(p.kind == RP_QUARTER && p.from == 202610 && p.to == 202612);
	report_period_label(&p, s);
	assert_string_equal(s, "Quý IV/2026");
	report_period_str(&p, s);
	assert_string_equal(s, "2026-Q4");
	assert_int_equal(report_period_parse("2026", 4, 202612, &p, why,
	    sizeof(why)), 0);
	assert_true(p.kind == RP_YEAR && p.from == 202601 && p.to == 202612);
	report_period_label(&p, s);
	assert_string_equal(s, "Năm 2026");
	assert_int_equal(report_period_parse("2026-01..2026-06", 16, 202612,
	    &p, why, sizeof(why)), 0);
	assert_true(p.kind == RP_RANGE && p.from == 202601 && p.to == 202606);
	assert_int_equal(report_period_months(&p), 6);
	report_period_label(&p, s);
	assert_string_equal(s, "Tháng 01–06/2026");
	assert_int_equal(report_period_parse("2025-11..2026-02", 16, 202612,
	    &p, why, sizeof(why)), 0);
	report_period_label(&p, s);
	assert_string_equal(s, "Tháng 11/2025–02/2026");
	/* 36 months, not 37; never past this month; ascending. */
	assert_int_equal(report_period_parse("2024-01..2026-12", 16, 202612,
	    &p, why, sizeof(why)), 0);
	assert_int_equal(report_period_parse("2023-12..2026-12", 16, 202612,
	    &p, why, sizeof(why)), -1);
	assert_string_equal(why, "period: a range is at most 36 months");
	assert_int_equal(report_period_parse("2026-06..2026-01", 16, 202612,
	    &p, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "ascending"));
	assert_int_equal(report_period_parse("2026-06..2027-01", 16, 202612,
	    &p, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "after this month"));
	assert_int_equal(report_period_parse("2027-Q1", 7, 202612, &p, why,
	    sizeof(why)), -1);
	assert_non_null(strstr(why, "after this month"));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(report_period_parse(bad[i], strlen(bad[i]),
		    202612, &p, why, sizeof(why)), -1);
		assert_string_equal(why, "period: want YYYY-MM, YYYY-Qn, YYYY "
		    "or YYYY-MM..YYYY-MM");
	}
	assert_int_equal(report_period_parse(NULL, 0, 202612, &p, why,
	    sizeof(why)), -1);
}

static void
test_months(void **state)
{
	(void)state;
	assert_int_equal(report_month_parse("2025-07", 7), 202507);
	assert_int_equal(report_month_parse("2025-13", 7), 0);
	assert_int_equal(report_month_parse("2025-7", 6), 0);
	assert_int_equal(report_month_parse("2025/07", 7), 0);
	assert_int_equal(report_month_parse("2025-07x", 8), 0);
	assert_int_equal(report_month_parse(NULL, 0), 0);
	assert_int_equal(report_month_add(202501, -1), 202412);
	assert_int_equal(report_month_add(202412, 1), 202501);
	assert_int_equal(report_month_add(202506, -11), 202407);
	assert_true(report_month_start(202513) == -1);
	assert_true(report_month_start(202502) < report_month_start(202503));
	assert_int_equal(month_of(report_month_start(202502)), 202502);
	assert_int_equal(month_of(report_month_start(202503) - 1), 202502);
}

static json_t *
find(json_t *a, const char *key, const char *val)
{
	size_t	 i;
	json_t	*x;

	json_array_foreach(a, i, x)
		if (json_is_string(json_object_get(x, key)) &&
		    strcmp(json_string_value(json_object_get(x, key)),
		    val) == 0)
			return (x);
	return (NULL);
}

static void
test_build(void **state)
{
	struct env		*e = *state;
	struct report		 rep;
	struct report_opts	 o;
	json_t			*j, *land, *health, *edu, *u, *c;
	char			 why[128];

	memset(&o, 0, sizeof(o));
	o.month = e->month;
	assert_int_equal(report_build(&rep, e->st, e->cat, e->sv, &o, why,
	    sizeof(why)), HL_OK);
	j = report_json(&rep);
	land = find(json_object_get(j, "sectors"), "sector", "land");
	health = find(json_object_get(j, "sectors"), "sector", "health");
	edu = find(json_object_get(j, "sectors"), "sector", "education");
	assert_non_null(land);
	assert_int_equal(json_integer_value(json_object_get(land,
	    "responses")), 10);
	assert_int_equal(json_integer_value(json_object_get(land,
	    "satisfied")), 9);
	assert_true(fabs(json_real_value(json_object_get(land, "percent")) -
	    90.0) < 1e-9);
	assert_string_equal(json_string_value(json_object_get(land,
	    "status_2025")), "inconclusive");
	assert_int_equal(json_integer_value(json_object_get(land, "issued")),
	    10);
	/* Previous month 50%: delta +40 points. */
	assert_true(fabs(json_real_value(json_object_get(land, "delta")) -
	    40.0) < 1e-9);
	/* Decision 766 is of dossiers, not of tickets: none here. */
	assert_null(json_object_get(land, "national_percent"));
	assert_true(json_is_null(json_object_get(json_object_get(j,
	    "decision_766"), "ratio")));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j,
	    "decision_766"), "dossiers")), 0);
	/* The walk-in is in no sector, in its own row. */
	assert_int_equal(json_integer_value(json_object_get(health,
	    "responses")), 0);
	health = json_object_get(j, "walkin");
	assert_non_null(health);
	assert_int_equal(json_array_size(json_object_get(health, "targets")),
	    0);
	/* One answer, all satisfied: 100% with a wide interval. */
	assert_true(fabs(json_real_value(json_object_get(health,
	    "percent")) - 100.0) < 1e-9);
	assert_true(json_real_value(json_object_get(health, "ci_low")) < 25);
	assert_true(json_is_true(json_object_get(health, "too_few")));
	assert_true(json_is_null(json_object_get(health, "delta")));
	/* Walk-in only: no tickets, rate is no data. */
	assert_true(json_is_null(json_object_get(health, "response_rate")));
	/* No answers: null, never 0 or NaN. */
	assert_true(json_is_null(json_object_get(edu, "percent")));
	assert_true(json_is_null(json_object_get(edu, "ci_low")));
	assert_string_equal(json_string_value(json_object_get(edu,
	    "status_2025")), "no_data");
	c = json_object_get(j, "overall");
	assert_int_equal(json_integer_value(json_object_get(c, "responses")),
	    11);
	/* Units roll up to the province. */
	u = find(json_object_get(j, "units"), "unit", "92");
	assert_int_equal(json_integer_value(json_object_get(u, "responses")),
	    11);
	/* The province is the total: first, never ranked. */
	assert_true(json_is_true(json_object_get(u, "total")));
	assert_true(json_is_null(json_object_get(u, "rank")));
	assert_ptr_equal(json_array_get(json_object_get(j, "units"), 0), u);
	u = find(json_object_get(j, "units"), "unit", "92-VD03");
	assert_true(json_is_null(json_object_get(u, "percent")));
	assert_true(json_is_null(json_object_get(u, "rank")));
	c = json_object_get(j, "channels");
	assert_int_equal(json_integer_value(json_object_get(c, "qr")), 10);
	assert_int_equal(json_integer_value(json_object_get(c,
	    "kiosk_walkin")), 1);
	/* Comments of this month only, newest first. */
	c = json_object_get(j, "comments");
	assert_int_equal(json_integer_value(json_object_get(c, "shown")), 1);
	assert_non_null(strstr(json_string_value(json_object_get(
	    json_array_get(json_object_get(c, "items"), 0), "text")),
	    "<b>"));
	/* Trend: last two months. */
	c = json_object_get(json_array_get(json_object_get(j, "trend"), 0),
	    "months");
	assert_int_equal(json_array_size(c), REPORT_MONTHS);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(c,
	    REPORT_MONTHS - 2), "responses")), 2);
	/* The aspect question. */
	c = find(json_object_get(j, "questions"), "question", "on_time");
	assert_int_equal(json_integer_value(json_object_get(c, "answers")),
	    11);
	json_decref(j);
	report_free(&rep);
}

/* A ticket of 92-VD04 at counter, by officer (id, name), answered at
 * level (0: not answered), flagged suspect or not. */
static void
put_desk(struct env *e, int64_t when, const char *counter,
    const char *officer, const char *name, int level, int suspect)
{
	struct wop	 top, op;
	struct response	*r = &op.u.answer.r;

	memset(&top, 0, sizeof(top));
	top.kind = WOP_TICKET;
	crypto_random(top.u.ticket.t.id, TICKET_ID_LEN);
	top.u.ticket.t.kid = store_keyring(e->st)->kid[
	    store_keyring(e->st)->current];
	top.u.ticket.t.issued = when;
	top.u.ticket.t.expires = now_sec() + 86400;
	strlcpy(top.u.ticket.t.procedure, "P", PROC_CODE_MAX);
	strlcpy(top.u.ticket.t.sector, "land", SECTOR_CODE_MAX + 1);
	strlcpy(top.u.ticket.t.unit, "92-VD04", UNIT_CODE_MAX + 1);
	strlcpy(top.u.ticket.t.counter, counter, COUNTER_MAX + 1);
	strlcpy(top.u.ticket.t.officer, officer, KEY_ID_HEX + 1);
	strlcpy(top.u.ticket.t.officer_name, name, KEY_NAME_MAX + 1);
	assert_int_equal(writer_run(e->w, &top), HL_OK);
	if (level == 0)
		return;
	memset(&op, 0, sizeof(op));
	op.kind = WOP_ANSWER;
	r->answered = when;
	r->channel = CHANNEL_QR;
	r->has_ticket = 1;
	r->flags = suspect ? RESPONSE_SUSPECT : 0;
	memcpy(r->ticket, top.u.ticket.t.id, TICKET_ID_LEN);
	strlcpy(r->sector, "land", sizeof(r->sector));
	strlcpy(r->unit, "92-VD04", sizeof(r->unit));
	strlcpy(r->survey, "default", sizeof(r->survey));
	strlcpy(r->lang, "vi", sizeof(r->lang));
	strlcpy(r->answers[0].q, SURVEY_OVERALL, sizeof(r->answers[0].q));
	r->answers[0].level = (uint8_t)level;
	r->nanswers = 1;
	assert_int_equal(writer_run(e->w, &op), HL_OK);
}

/*
 * The section by counter and officer: only when asked for and scoped to
 * a unit; the scope's units' rows added up over the period, officers
 * across units, the one not known last; suspect answers apart; a row
 * under the minimum with no figure.
 */
static void
test_desks(void **state)
{
	struct env		*e = *state;
	struct report		 rep;
	struct report_opts	 o;
	struct report_period	 pd;
	const struct report_desk *d;
	json_t			*j, *a, *x;
	char			 why[128];
	int64_t			 now = now_sec(), prev;
	int			 i;

	prev = report_month_start(report_month_add(e->month, -1)) + 3600;
	for (i = 0; i < 4; i++)
		put_desk(e, now - 1, "3", "0123456789ab", "Trần Văn Ba",
		    i < 3 ? 5 - i : 0, 0);
	put_desk(e, now - 1, "3", "0123456789ab", "Trần Văn Ba", 1, 1);
	put_desk(e, prev, "3", "0123456789ab", "Trần Văn Ba", 2, 0);
	put_desk(e, now - 1, "4", "ba9876543210", "Lê Thị An", 5, 0);

	memset(&o, 0, sizeof(o));
	o.month = e->month;
	o.unit = "92";
	o.min_responses = 2;
	/* Not asked for: absent. */
	assert_int_equal(report_build(&rep, e->st, e->cat, e->sv, &o, why,
	    sizeof(why)), HL_OK);
	assert_false(rep.has_desks);
	j = report_json(&rep);
	assert_null(json_object_get(j, "counters"));
	assert_null(json_object_get(j, "officers"));
	json_decref(j);
	report_free(&rep);
	/* Asked for, but the whole province: absent. */
	o.desks = 1;
	o.unit = NULL;
	assert_int_equal(report_build(&rep, e->st, e->cat, e->sv, &o, why,
	    sizeof(why)), HL_OK);
	assert_false(rep.has_desks);
	report_free(&rep);

	o.unit = "92";
	assert_int_equal(report_build(&rep, e->st, e->cat, e->sv, &o, why,
	    sizeof(why)), HL_OK);
	assert_true(rep.has_desks);
	/* Counters: VD01's unknown one (setup), then VD04's 3 and 4. */
	assert_int_equal(rep.ncounters, 3);
	assert_string_equal(rep.counters[0].unit, "92-VD01");
	assert_string_equal(rep.counters[0].code, "");
	assert_int_equal(rep.counters[0].issued, 10);
	d = &rep.counters[1];
	assert_string_equal(d->unit, "92-VD04");
	assert_string_equal(d->code, "3");
	assert_int_equal(d->issued, 5);
	assert_int_equal(d->answered, 4);
	assert_int_equal(d->responses, 3);
	assert_int_equal(d->satisfied, 2);
	assert_int_equal(d->suspect, 1);
	/* Officers by name, the one not known last. */
	assert_int_equal(rep.nofficers, 3);
	assert_string_equal(rep.officers[0].name, "Lê Thị An");
	assert_string_equal(rep.officers[1].code, "0123456789ab");
	assert_string_equal(rep.officers[2].code, "");
	assert_int_equal(rep.officers[2].issued, 10);
	j = report_json(&rep);
	a = json_object_get(j, "officers");
	x = json_array_get(a, 0);
	/* One answer, under the minimum of two: no figure. */
	assert_true(json_is_true(json_object_get(x, "too_few")));
	assert_true(json_is_null(json_object_get(x, "responses")));
	assert_true(json_is_null(json_object_get(x, "percent")));
	assert_true(json_is_null(json_object_get(x, "response_rate")));
	x = json_array_get(a, 1);
	assert_string_equal(json_string_value(json_object_get(x, "officer")),
	    "0123456789ab");
	assert_string_equal(json_string_value(json_object_get(x, "name")),
	    "Trần Văn Ba");
	assert_int_equal(json_integer_value(json_object_get(x, "responses")),
	    3);
	assert_true(fabs(json_real_value(json_object_get(x, "response_rate")) -
	    80.0) < 1e-9);
	x = json_array_get(a, 2);
	assert_true(json_is_null(json_object_get(x, "officer")));
	assert_string_equal(json_string_value(json_object_get(x, "name")),
	    "không rõ");
	json_decref(j);
	report_free(&rep);

	/* Two months: the earlier ticket of officer Ba too. */
	pd.kind = RP_RANGE;
	pd.from = report_month_add(e->month, -1);
	pd.to = e->month;
	o.period = &pd;
	o.unit = "92-VD04";
	assert_int_equal(report_build(&rep, e->st, e->cat, e->sv, &o, why,
	    sizeof(why)), HL_OK);
	assert_int_equal(rep.ncounters, 2);
	assert_int_equal(rep.nofficers, 2);
	assert_int_equal(rep.officers[1].issued, 6);
	assert_int_equal(rep.officers[1].responses, 4);
	assert_int_equal(rep.officers[1].levels[1], 1);
	report_free(&rep);
}

static void
test_scope_and_bad(void **state)
{
	struct env		*e = *state;
	struct report		 rep;
	struct report_opts	 o;
	json_t			*j;
	char			 why[128];

	memset(&o, 0, sizeof(o));
	o.month = e->month;
	o.unit = "92-VD02";
	assert_int_equal(report_build(&rep, e->st, e->cat, e->sv, &o, why,
	    sizeof(why)), HL_OK);
	assert_int_equal(rep.nunits, 1);
	j = report_json(&rep);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j,
	    "overall"), "responses")), 1);
	json_decref(j);
	report_free(&rep);
	o.unit = NULL;
	o.sector = "land";
	assert_int_equal(report_build(&rep, e->st, e->cat, e->sv, &o, why,
	    sizeof(why)), HL_OK);
	assert_int_equal(rep.nsectors, 1);
	assert_int_equal(rep.overall.m[REPORT_MONTHS - 1].responses, 10);
	assert_int_equal(rep.ncomments, 0);
	report_free(&rep);
	o.sector = "nope";
	assert_int_equal(report_build(&rep, e->st, e->cat, e->sv, &o, why,
	    sizeof(why)), HL_INVALID);
	o.sector = NULL;
	o.unit = "92-XX";
	assert_int_equal(report_build(&rep, e->st, e->cat, e->sv, &o, why,
	    sizeof(why)), HL_INVALID);
	o.unit = NULL;
	o.month = 202513;
	assert_int_equal(report_build(&rep, e->st, e->cat, e->sv, &o, why,
	    sizeof(why)), HL_INVALID);
	/* A month with nothing: every figure is no data. */
	o.month = 199001;
	assert_int_equal(report_build(&rep, e->st, e->cat, e->sv, &o, why,
	    sizeof(why)), HL_OK);
	assert_int_equal(rep.overall.m[REPORT_MONTHS - 1].responses, 0);
	report_free(&rep);
}

static void
test_render(void **state)
{
	struct env		*e = *state;
	struct report		 rep;
	struct report_opts	 o;
	struct buf		 b;
	struct tplset		*ts = NULL;
	char			 why[128], path[160];
	struct stat		 sb;
	FILE			*f;
	char			 magic[2];

	memset(&o, 0, sizeof(o));
	o.month = e->month;
	assert_int_equal(report_build(&rep, e->st, e->cat, e->sv, &o, why,
	    sizeof(why)), HL_OK);
	buf_init(&b, REPORT_OUT_MAX);
	assert_int_equal(report_csv(&rep, &b), 0);
	assert_memory_equal(b.data, "\xef\xbb\xbf", 3);
	assert_non_null(strstr(b.data, "Đất đai"));
	assert_non_null(strstr(b.data, "\r\n"));
	buf_reset(&b);
	assert_int_equal(report_html(&rep, NULL, NULL, &b), -1);
	assert_int_equal(tpl_load(HL_SRCDIR "/templates", &ts, why,
	    sizeof(why)), 0);
	assert_int_equal(report_html(&rep, tpl_get(ts, "report"), NULL, &b),
	    0);
	tpl_free(ts);
	assert_null(strstr(b.data, "<b>\"hi\""));
	assert_non_null(strstr(b.data, "&lt;b&gt;"));
	assert_non_null(strstr(b.data, "ស្វាគមន៍"));
	assert_non_null(strstr(b.data, "<svg"));
	assert_null(strstr(b.data, "<script"));
	assert_null(strstr(b.data, "NaN"));
	assert_null(strstr(b.data, "nan"));
	buf_reset(&b);
	snprintf(path, sizeof(path), "%s/r.xlsx", e->base);
	assert_int_equal(report_xlsx(&rep, path), 0);
	assert_int_equal(stat(path, &sb), 0);
	assert_true(sb.st_size > 1000);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fread(magic, 1, 2, f), 2);
	fclose(f);
	assert_memory_equal(magic, "PK", 2);
	assert_int_equal(report_xlsx_buf(&rep, e->base, &b), 0);
	/* The same workbook; its creation time (in docProps, compressed)
	 * may fall in the next second and change a byte or two. */
	assert_memory_equal(b.data, "PK", 2);
	assert_true((off_t)b.len > sb.st_size - 16 &&
	    (off_t)b.len < sb.st_size + 16);
	/* A capped buffer fails instead of truncating silently. */
	buf_clear(&b);
	buf_init(&b, 100);
	assert_int_equal(report_csv(&rep, &b), -1);
	assert_int_equal(report_xlsx(&rep, "/nonexistent/dir/x.xlsx"), -1);
	buf_clear(&b);
	report_free(&rep);
}

/*
 * Reference figures from the raw per-unit aggregates (every agg key of a
 * unit, as reports were built before the sums existed), for comparing
 * with the report built from the sums and the rollups.
 */
struct ref {
	struct store		*st;
	const struct report	*rep;
	const struct catalog	*cat;
	struct report		 want;	/* overall, sectors, units, q */
	int			 scoped;
	int			*row_of;
};

/* Not stored: the reference's answers by their ticket's issue month. */
#define REF_ANSWERED	"_ref_answered"

static void
ref_fig(struct report_fig *f, const struct agg_key *k, uint64_t n)
{
	if (strcmp(k->question, SURVEY_OVERALL) == 0) {
		if (k->level < 1 || k->level > SURVEY_LEVELS)
			return;
		f->levels[k->level - 1] += n;
		f->responses += n;
		if (k->level >= REPORT_SAT_LEVEL)
			f->satisfied += n;
		if (k->level <= REPORT_UNSAT_LEVEL)
			f->unsatisfied += n;
	} else if (strcmp(k->question, AGG_ISSUED) == 0)
		f->issued += n;
	else if (strcmp(k->question, AGG_CHANNEL) == 0) {
		if (k->level >= 1 && k->level <= CHANNEL_COUNT)
			f->channels[k->level - 1] += n;
	} else if (strcmp(k->question, AGG_SUSPECT) == 0)
		f->suspect += n;
	else if (strcmp(k->question, REF_ANSWERED) == 0)
		f->answered += n;
	else if (strcmp(k->question, AGG_SUSPECT_OVERALL) == 0) {
		/* Out of the figures, beside them (wraps until "overall"
		 * adds the level back: the totals are exact). */
		if (k->level < 1 || k->level > SURVEY_LEVELS)
			return;
		f->suspect_levels[k->level - 1] += n;
		f->levels[k->level - 1] -= n;
		f->responses -= n;
		if (k->level >= REPORT_SAT_LEVEL)
			f->satisfied -= n;
		if (k->level <= REPORT_UNSAT_LEVEL)
			f->unsatisfied -= n;
	}
}

static int
ref_unit(const struct catalog *cat, const char *code)
{
	const struct unit *u = catalog_unit(cat, code, strlen(code));

	return (u != NULL ? (int)(u - cat->units) : -1);
}

/* A unit that answers are counted under but the catalog does not know. */
#define REF_UNKNOWN_UNIT	"XX-unknown"

static int
ref_agg(const struct agg_key *k, uint64_t n, void *arg)
{
	struct ref		*r = arg;
	const struct report	*rep = r->rep;
	const struct survey_question *q;
	size_t			 i;
	int			 m = -1, ui, j;

	if (k->unit[0] == '\0')		/* rollups: not raw */
		return (0);
	for (j = 0; j < REPORT_MONTHS; j++)
		if (rep->months[j] == k->month)
			m = j;
	if (m < 0)
		return (0);
	if (rep->sector[0] != '\0' && strcmp(k->sector, rep->sector) != 0)
		return (0);
	ui = ref_unit(r->cat, k->unit);
	if (r->scoped && (ui < 0 || r->row_of[ui] < 0))
		return (0);
	if (k->question[0] != '_' && strcmp(k->question, SURVEY_OVERALL) != 0) {
		if (m != REPORT_MONTHS - 1 || k->level < 1 ||
		    k->level > SURVEY_OPTIONS_MAX)
			return (0);
		q = survey_question(rep->sv, k->question, strlen(k->question));
		if (q != NULL)
			r->want.q[q - rep->sv->questions][k->level - 1] += n;
		return (0);
	}
	ref_fig(&r->want.overall.m[m], k, n);
	for (i = 0; i < rep->nsectors; i++)
		if (strcmp(rep->sectors[i].code, k->sector) == 0)
			ref_fig(&r->want.sectors[i].m[m], k, n);
	for (; ui >= 0; ui = ref_unit(r->cat, r->cat->units[ui].parent))
		if (r->row_of[ui] >= 0)
			ref_fig(&r->want.units[r->row_of[ui]].m[m], k, n);
	return (0);
}

static int ref_agg(const struct agg_key *, uint64_t, void *);

/* A response through a ticket, in its ticket's issue month, from the
 * records (not the counters). */
static int
ref_response(const struct response *rs, void *arg)
{
	struct ref	*r = arg;
	struct ticket	 t;
	struct agg_key	 k;

	if (!rs->has_ticket)
		return (0);
	assert_int_equal(store_ticket_get(r->st, rs->ticket, &t), HL_OK);
	memset(&k, 0, sizeof(k));
	k.month = month_of(t.issued);
	strlcpy(k.sector, t.sector, sizeof(k.sector));
	strlcpy(k.unit, ticket_count_unit(&t), sizeof(k.unit));
	strlcpy(k.question, REF_ANSWERED, sizeof(k.question));
	return (ref_agg(&k, 1, r));
}

/* The report of o against the reference from the raw aggregates. */
static void
compare_raw(struct env *e, const char *unit, const char *sector)
{
	struct report		 rep;
	struct report_opts	 o;
	struct ref		 r;
	char			 why[128];
	size_t			 i, ui;
	int			 m;

	memset(&o, 0, sizeof(o));
	o.month = e->month;
	o.unit = unit;
	o.sector = sector;
	o.no_comments = 1;
	assert_int_equal(report_build(&rep, e->st, e->cat, e->sv, &o, why,
	    sizeof(why)), HL_OK);
	memset(&r, 0, sizeof(r));
	r.rep = &rep;
	r.cat = e->cat;
	r.scoped = unit != NULL;
	r.row_of = calloc(e->cat->nunits, sizeof(int));
	r.want.sectors = calloc(rep.nsectors + 1, sizeof(*rep.sectors));
	r.want.units = calloc(rep.nunits + 1, sizeof(*rep.units));
	/* The reference keeps every row's twelve months. */
	r.want.overall.m = calloc(REPORT_MONTHS, sizeof(struct report_fig));
	for (i = 0; i < rep.nsectors; i++)
		r.want.sectors[i].m = calloc(REPORT_MONTHS,
		    sizeof(struct report_fig));
	for (i = 0; i < rep.nunits; i++)
		r.want.units[i].m = calloc(REPORT_MONTHS,
		    sizeof(struct report_fig));
	for (i = 0; i < e->cat->nunits; i++) {
		r.row_of[i] = -1;
		for (ui = 0; ui < rep.nunits; ui++)
			if (rep.units[ui].unit == &e->cat->units[i])
				r.row_of[i] = (int)ui;
	}
	/* Every unit's raw counters of each month, as the report reads
	 * them, and those of the unit that test_random_vs_raw answers in
	 * although the catalog has no such unit. */
	for (m = 0; m < REPORT_MONTHS; m++) {
		for (i = 0; i < e->cat->nunits; i++)
			assert_int_equal(store_each_agg_prefix(e->st, NULL,
			    rep.months[m], NULL, e->cat->units[i].code,
			    ref_agg, &r), 0);
		assert_int_equal(store_each_agg_prefix(e->st, NULL,
		    rep.months[m], NULL, REF_UNKNOWN_UNIT, ref_agg, &r), 0);
	}
	r.st = e->st;
	assert_int_equal(store_each_response(e->st, 0, UINT64_MAX,
	    ref_response, &r), 0);
	for (m = 0; m < REPORT_MONTHS; m++) {
		assert_memory_equal(&rep.overall.m[m], &r.want.overall.m[m],
		    sizeof(struct report_fig));
		for (i = 0; i < rep.nsectors; i++)
			assert_memory_equal(&rep.sectors[i].m[m],
			    &r.want.sectors[i].m[m],
			    sizeof(struct report_fig));
	}
	/* The month and the one before (all the report shows of a unit). */
	assert_memory_equal(&rep.overall.cur,
	    &r.want.overall.m[REPORT_MONTHS - 1], sizeof(struct report_fig));
	assert_memory_equal(&rep.overall.prev,
	    &r.want.overall.m[REPORT_MONTHS - 2], sizeof(struct report_fig));
	for (i = 0; i < rep.nunits; i++) {
		assert_memory_equal(&rep.units[i].cur,
		    &r.want.units[i].m[REPORT_MONTHS - 1],
		    sizeof(struct report_fig));
		assert_memory_equal(&rep.units[i].prev,
		    &r.want.units[i].m[REPORT_MONTHS - 2],
		    sizeof(struct report_fig));
	}
	assert_memory_equal(rep.q, r.want.q, sizeof(rep.q));
	assert_true(rep.overall.m[REPORT_MONTHS - 1].responses > 0 ||
	    unit != NULL);
	free(r.row_of);
	free(r.want.overall.m);
	for (i = 0; i < rep.nsectors; i++)
		free(r.want.sectors[i].m);
	for (i = 0; i < rep.nunits; i++)
		free(r.want.units[i].m);
	free(r.want.sectors);
	free(r.want.units);
	report_free(&rep);
}

static void
test_random_vs_raw(void **state)
{
	struct env	*e0 = *state, e;
	static const char *units[] = { "92", "92-VD01", "92-VD02",
	    "92-VD05", "92-VD09", REF_UNKNOWN_UNIT };
	static const char *sectors[] = { "land", "health", "education",
	    "zz-unknown" };
	static const char *qs[] = { "on_time", "courtesy", "reasons",
	    "visits", "nope" };
	struct wop	 op;
	struct response	*r = &op.u.answer.r;
	char		 why[256];
	int64_t		 now = now_sec(), when;
	unsigned int	 seed = 12345;
	size_t		 i, j;
	FILE		*f;

	memset(&e, 0, sizeof(e));
	strlcpy(e.base, "/tmp/hl-report-XXXXXX", sizeof(e.base));
	assert_non_null(mkdtemp(e.base));
	snprintf(e.dir, sizeof(e.dir), "%s/data", e.base);
	assert_int_equal(store_open(&e.st, e.dir, 1, NULL, why,
	    sizeof(why)), 0);
	assert_int_equal(writer_start(&e.w, e.st, 0), 0);
	e.cat = e0->cat;
	e.sv = e0->sv;
	e.month = e0->month;
	for (i = 0; i < 600; i++) {
		/* Over fourteen months, most in the last two. */
		when = now - 1 - (int64_t)(rand_r(&seed) % (i % 3 == 0 ?
		    420 : 50)) * 86400 - rand_r(&seed) % 86400;
		if (i % 7 == 0) {	/* an open ticket */
			memset(&op, 0, sizeof(op));
			op.kind = WOP_TICKET;
			crypto_random(op.u.ticket.t.id, TICKET_ID_LEN);
			op.u.ticket.t.issued = when;
			op.u.ticket.t.expires = now + 86400;
			strlcpy(op.u.ticket.t.procedure, "P", PROC_CODE_MAX);
			strlcpy(op.u.ticket.t.sector,
			    sectors[rand_r(&seed) % 4], SECTOR_CODE_MAX + 1);
			strlcpy(op.u.ticket.t.unit,
			    units[rand_r(&seed) % 6], UNIT_CODE_MAX + 1);
			assert_int_equal(writer_run(e.w, &op), HL_OK);
			continue;
		}
		if (i % 5 != 0) {
			put_answer(&e, when, sectors[rand_r(&seed) % 4],
			    units[rand_r(&seed) % 6],
			    (int)(rand_r(&seed) % 6), (int)(i % 2), NULL);
			continue;
		}
		/* A kiosk answer with several questions, maybe suspect. */
		memset(&op, 0, sizeof(op));
		op.kind = WOP_ANSWER;
		r->answered = when;
		r->channel = CHANNEL_WALKIN;
		r->flags = rand_r(&seed) % 2 ? RESPONSE_SUSPECT : 0;
		strlcpy(r->sector, sectors[rand_r(&seed) % 4],
		    sizeof(r->sector));
		strlcpy(r->unit, units[rand_r(&seed) % 6], sizeof(r->unit));
		strlcpy(r->survey, "default", sizeof(r->survey));
		strlcpy(r->lang, "vi", sizeof(r->lang));
		r->nanswers = 1 + rand_r(&seed) % 6;
		for (j = 0; j < r->nanswers; j++) {
			strlcpy(r->answers[j].q, j == 0 ? SURVEY_OVERALL :
			    qs[rand_r(&seed) % 5], sizeof(r->answers[j].q));
			r->answers[j].level = (uint8_t)(rand_r(&seed) % 7);
		}
		assert_int_equal(writer_run(e.w, &op), HL_OK);
	}
	/* Tickets answered up to two months after their issue. */
	for (i = 0; i < 60; i++) {
		struct wop	 top;

		when = now - 1 - (int64_t)(rand_r(&seed) % 90) * 86400;
		memset(&top, 0, sizeof(top));
		top.kind = WOP_TICKET;
		crypto_random(top.u.ticket.t.id, TICKET_ID_LEN);
		top.u.ticket.t.issued = when;
		top.u.ticket.t.expires = now + 86400;
		strlcpy(top.u.ticket.t.procedure, "P", PROC_CODE_MAX);
		strlcpy(top.u.ticket.t.sector, sectors[rand_r(&seed) % 4],
		    SECTOR_CODE_MAX + 1);
		strlcpy(top.u.ticket.t.unit, units[rand_r(&seed) % 6],
		    UNIT_CODE_MAX + 1);
		assert_int_equal(writer_run(e.w, &top), HL_OK);
		memset(&op, 0, sizeof(op));
		op.kind = WOP_ANSWER;
		r->answered = when + (int64_t)(rand_r(&seed) % 60) * 86400;
		if (r->answered >= now)
			r->answered = now - 1;
		r->channel = CHANNEL_QR;
		r->has_ticket = 1;
		memcpy(r->ticket, top.u.ticket.t.id, TICKET_ID_LEN);
		strlcpy(r->survey, "default", sizeof(r->survey));
		strlcpy(r->lang, "vi", sizeof(r->lang));
		strlcpy(r->answers[0].q, SURVEY_OVERALL,
		    sizeof(r->answers[0].q));
		r->answers[0].level = (uint8_t)(1 + rand_r(&seed) % 5);
		r->nanswers = 1;
		assert_int_equal(writer_run(e.w, &op), HL_OK);
	}
	f = fopen("/dev/null", "w");
	assert_int_equal(store_verify(e.st, f), 0);
	fclose(f);

	compare_raw(&e, NULL, NULL);
	compare_raw(&e, NULL, "land");
	compare_raw(&e, NULL, "health");
	compare_raw(&e, "92", NULL);
	compare_raw(&e, "92-VD01", NULL);
	compare_raw(&e, "92-VD02", "land");
	compare_raw(&e, "92-VD03", NULL);

	writer_stop(e.w);
	store_close(e.st);
	assert_int_equal(nftw(e.base, rm_one, 16, FTW_DEPTH | FTW_PHYS), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_beta_closed_forms),
		cmocka_unit_test(test_wilson_edges),
		cmocka_unit_test(test_months),
		cmocka_unit_test(test_periods),
		cmocka_unit_test(test_build),
		cmocka_unit_test(test_scope_and_bad),
		cmocka_unit_test(test_desks),
		cmocka_unit_test(test_render),
		cmocka_unit_test(test_random_vs_raw),
	};

	return (cmocka_run_group_tests(tests, setup, teardown));
}
