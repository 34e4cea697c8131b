/*
 * report_stage.c: the survey's own figures by the stage a ticket asked
 * at (received, supplement, refused, returned; a ticket without a stage
 * is returned) and for walk-ins apart: the overall question's answers,
 * the satisfied share with its 95% Wilson interval, and the aspect
 * questions' answers per option, for the scope and each unit of the
 * report. Read from stage_sums (every unit's, a month at a time) and
 * stage_agg (the rollups, or the scope's units) (counts.h); its JSON
 * part (`by_stage` in `overall` and in each unit), its display fields
 * for the page.
 * Trap: the figures must add up to the report's own: suspect answers
 * are left out as fig_add() leaves them out, a whole-province report
 * takes every unit's rows (the report's rollups take them too), a unit's
 * report its subtree's only, and a sector's report that sector's only.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "report.h"
#include "report_priv.h"
#include "record.h"
#include "store.h"
#include "util.h"

/* The stages in the order of a dossier's life, walk-ins last. */
static const int stage_order[STAGE_AGG_STAGES] = {
	STAGE_RECEIVED, STAGE_SUPPLEMENT, STAGE_REFUSED, STAGE_RETURNED,
	STAGE_AGG_WALKIN
};

static const char *const stage_vi[STAGE_AGG_STAGES] = {
	"Khi trả kết quả (và phiếu không ghi giai đoạn)", "Khi tiếp nhận",
	"Khi yêu cầu bổ sung hồ sơ", "Khi từ chối",
	"Khách vãng lai tại ki-ốt"
};

/* The page's column heads. */
static const char *const stage_short[STAGE_AGG_STAGES] = {
	"Trả kết quả", "Tiếp nhận", "Bổ sung", "Từ chối", "Vãng lai"
};

static const char *
stage_code(int s)
{
	return (s == STAGE_AGG_WALKIN ? "walkin" : dossier_stage_name(s));
}

/* One stage's overall answers in a scope. */
struct stage_fig {
	uint64_t	 levels[SURVEY_LEVELS];		/* with suspect */
	uint64_t	 suspect_levels[SURVEY_LEVELS];
};

struct report_stages {
	struct stage_fig	 total[STAGE_AGG_STAGES];
	/* The aspect questions' answers per option, the scope's. */
	uint64_t		 q[STAGE_AGG_STAGES][SURVEY_QUESTIONS_MAX]
				    [SURVEY_OPTIONS_MAX];
	struct stage_fig	*units;	/* nunits * STAGE_AGG_STAGES */
	int			*row_of;	/* catalogue index -> row */
	/* The last row's unit, looked up once for the run of rows that
	 * share it (stage_sums rows sort by unit). */
	int			 has_last;
	char			 last_unit[UNIT_CODE_MAX + 1];
	int			*last_rows;	/* its rows and those above */
	size_t			 last_nrows;
	int			 last_in_scope;
};

/* The scope's (and, in a whole-province report, every unit's) rows
 * count; in a unit's report its subtree's only. */
static int
stage_in_scope(struct report *rep, const char *unit, int **rows,
    size_t *nrows)
{
	struct report_stages	*rs = rep->stages;
	const struct catalog	*cat = rep->cat;
	const struct unit	*u;
	int			 row;

	/* Runs of one unit: looked up once. */
	if (!rs->has_last || strcmp(rs->last_unit, unit) != 0) {
		rs->has_last = 1;
		strlcpy(rs->last_unit, unit, sizeof(rs->last_unit));
		rs->last_nrows = 0;
		rs->last_in_scope = rep->unit[0] == '\0';
		for (u = catalog_unit(cat, unit, strlen(unit)); u != NULL &&
		    rs->last_nrows < rep->nunits; u = u->parent[0] != '\0' ?
		    catalog_unit(cat, u->parent, strlen(u->parent)) : NULL) {
			if ((row = rs->row_of[u - cat->units]) < 0)
				continue;
			rs->last_in_scope = 1;
			rs->last_rows[rs->last_nrows++] = row;
		}
	}
	*rows = rs->last_rows;
	*nrows = rs->last_nrows;
	return (rs->last_in_scope);
}

static int
stage_skip(const struct report *rep, const char *sector, int stage)
{
	return (stage < 0 || stage >= STAGE_AGG_STAGES ||
	    sector[0] == AGG_SURVEY_MARK ||
	    (rep->sector[0] != '\0' && strcmp(sector, rep->sector) != 0));
}

static void
fig_add(struct stage_fig *f, const uint64_t *c)
{
	size_t	 i;

	for (i = 0; i < SURVEY_LEVELS; i++) {
		f->levels[i] += c[i];
		f->suspect_levels[i] += c[SURVEY_LEVELS + i];
	}
}

/* A stage_sums row: into the scope and the rows of its unit and above. */
static int
stage_sum(const struct store_stage_sum *ss, void *arg)
{
	struct report		*rep = arg;
	struct report_stages	*rs = rep->stages;
	int			*rows;
	size_t			 i, n;

	if (stage_skip(rep, ss->sector, ss->stage) ||
	    !stage_in_scope(rep, ss->unit, &rows, &n))
		return (0);
	for (i = 0; i < n; i++)
		fig_add(&rs->units[(size_t)rows[i] * STAGE_AGG_STAGES +
		    ss->stage], ss->c);
	fig_add(&rs->total[ss->stage], ss->c);
	return (0);
}

/* An aspect question's answers at a stage: the scope's. */
static int
stage_q(const struct agg_key *k, int stage, uint64_t n, void *arg)
{
	struct report			*rep = arg;
	struct report_stages		*rs = rep->stages;
	const struct survey_question	*q;

	if (stage_skip(rep, k->sector, stage) || k->level < 1 ||
	    k->level > SURVEY_OPTIONS_MAX || rep->sv == NULL)
		return (0);
	q = survey_question(rep->sv, k->question,
	    strnlen(k->question, QUESTION_ID_MAX));
	if (q != NULL && q != rep->sv->overall)
		rs->q[stage][q - rep->sv->questions][k->level - 1] += n;
	return (0);
}

int
report_stage_build(struct report *rep, struct store *st)
{
	struct report_stages	*rs;
	struct store_snap	*snap;
	const struct unit	*u;
	size_t			 i, n = rep->cat->nunits;
	uint32_t		 m;
	int			 rc = 0;

	rs = xcalloc(1, sizeof(*rs));
	rs->units = xcalloc((rep->nunits > 0 ? rep->nunits : 1) *
	    STAGE_AGG_STAGES, sizeof(*rs->units));
	rs->row_of = xmalloc((n > 0 ? n : 1) * sizeof(int));
	rs->last_rows = xcalloc(rep->nunits > 0 ? rep->nunits : 1,
	    sizeof(int));
	for (i = 0; i < n; i++)
		rs->row_of[i] = -1;
	for (i = 0; i < rep->nunits; i++)
		if ((u = rep->units[i].unit) != NULL)
			rs->row_of[u - rep->cat->units] = (int)i;
	rep->stages = rs;
	if (store_snap_begin(st, &snap) == -1)
		return (-1);
	for (m = rep->period.from; m != 0 && m <= rep->period.to && rc == 0;
	    m = report_month_add(m, 1)) {
		rc = store_each_stage_sum(st, snap, m, stage_sum, rep);
		/* The questions: the rollups, or each unit of the scope. */
		if (rc == 0 && rep->unit[0] == '\0')
			rc = store_each_stage_q(st, snap, m, "", stage_q, rep);
		for (i = 0; rc == 0 && rep->unit[0] != '\0' &&
		    i < rep->nunits; i++)
			rc = store_each_stage_q(st, snap, m, rep->units[i].code,
			    stage_q, rep);
	}
	store_snap_end(snap);
	return (rc == 0 ? 0 : -1);
}

void
report_stage_free(struct report *rep)
{
	if (rep->stages == NULL)
		return;
	free(rep->stages->units);
	free(rep->stages->row_of);
	free(rep->stages->last_rows);
	free(rep->stages);
	rep->stages = NULL;
}

static json_t *
num(double v, double scale)
{
	if (isnan(v) || isinf(v))
		return (json_null());
	return (json_real(round(v * scale) / scale));
}

/* A stage's figures: answers (suspect ones apart), satisfied, the share
 * and its interval. */
static json_t *
fig_json(const struct report *rep, const struct stage_fig *f, int s)
{
	json_t		*o, *lv;
	uint64_t	 n = 0, sat = 0, sus = 0, x;
	double		 lo = NAN, hi = NAN;
	size_t		 i;

	lv = json_array();
	for (i = 0; i < SURVEY_LEVELS; i++) {
		x = f->levels[i] - (f->suspect_levels[i] < f->levels[i] ?
		    f->suspect_levels[i] : f->levels[i]);
		n += x;
		sus += f->levels[i] - x;
		if (i + 1 >= REPORT_SAT_LEVEL)
			sat += x;
		json_array_append_new(lv, json_integer((json_int_t)x));
	}
	if (report_wilson(sat, n, &lo, &hi) == -1)
		lo = hi = NAN;
	o = json_object();
	json_object_set_new(o, "stage", json_string(stage_code(s)));
	json_object_set_new(o, "name", json_string(stage_vi[s]));
	json_object_set_new(o, "responses", json_integer((json_int_t)n));
	json_object_set_new(o, "satisfied", json_integer((json_int_t)sat));
	json_object_set_new(o, "levels", lv);
	json_object_set_new(o, "percent", num(n > 0 ? 100.0 * (double)sat /
	    (double)n : NAN, 100));
	json_object_set_new(o, "ci_low", num(lo * 100.0, 100));
	json_object_set_new(o, "ci_high", num(hi * 100.0, 100));
	json_object_set_new(o, "too_few", json_boolean(n <
	    rep->min_responses));
	json_object_set_new(o, "suspect", json_integer((json_int_t)sus));
	return (o);
}

/* The aspect questions of stage s, as the report's `questions`. */
static json_t *
questions_json(const struct report *rep, int s)
{
	const struct survey_question	*q;
	const uint64_t			(*c)[SURVEY_OPTIONS_MAX];
	json_t				*a, *opts;
	uint64_t			 tot;
	size_t				 i, k;

	a = json_array();
	c = rep->stages->q[s];
	for (i = 0; rep->sv != NULL && i < rep->sv->nquestions; i++) {
		q = &rep->sv->questions[i];
		if (q == rep->sv->overall)
			continue;
		tot = 0;
		for (k = 0; k < q->noptions; k++)
			tot += c[i][k];
		opts = json_array();
		for (k = 0; k < q->noptions; k++)
			json_array_append_new(opts, json_pack(
			    "{s:i,s:s,s:s,s:I,s:o}", "level", (int)k + 1,
			    "option", q->options[k].id,
			    "label", report_txt_vi(&q->options[k].label, ""),
			    "count", (json_int_t)c[i][k],
			    "percent", num(tot > 0 ? 100.0 *
			    (double)c[i][k] / (double)tot : NAN, 100)));
		json_array_append_new(a, json_pack("{s:s,s:s,s:I,s:o}",
		    "question", q->id, "text", report_txt_vi(&q->text, ""),
		    "answers", (json_int_t)tot, "options", opts));
	}
	return (a);
}

void
report_stage_json(const struct report *rep, json_t *o)
{
	const struct report_stages	*rs = rep->stages;
	json_t				*a, *f, *u;
	const char			*code;
	size_t				 i, j, k;
	int				 s;

	if (rs == NULL)
		return;
	a = json_array();
	for (k = 0; k < STAGE_AGG_STAGES; k++) {
		s = stage_order[k];
		f = fig_json(rep, &rs->total[s], s);
		json_object_set_new(f, "questions", questions_json(rep, s));
		json_array_append_new(a, f);
	}
	json_object_set_new(json_object_get(o, "overall"), "by_stage", a);
	/* Each unit row: the units' array is ranked, found by code. */
	json_array_foreach(json_object_get(o, "units"), i, u) {
		code = json_string_value(json_object_get(u, "unit"));
		for (j = 0; code != NULL && j < rep->nunits; j++)
			if (strcmp(rep->units[j].code, code) == 0)
				break;
		if (code == NULL || j == rep->nunits)
			continue;
		a = json_array();
		for (k = 0; k < STAGE_AGG_STAGES; k++) {
			s = stage_order[k];
			json_array_append_new(a, fig_json(rep,
			    &rs->units[j * STAGE_AGG_STAGES + s], s));
		}
		json_object_set_new(u, "by_stage", a);
	}
	json_object_set_new(json_object_get(o, "definitions"), "by_stage",
	    json_string("The survey's own figures by the stage the ticket "
	    "asked at: received (with the receipt), supplement (a request "
	    "for more documents), refused, returned (the result handed back; "
	    "also every ticket issued without a stage), and walk-in kiosk "
	    "answers apart (no ticket, no stage). responses, satisfied, "
	    "percent and its 95% Wilson interval are those of the overall "
	    "question, suspect answers left out as everywhere; questions as "
	    "in the report's questions. The stages add up to the scope's "
	    "overall figures."));
}

/* "93,3 %" of a JSON number, or none. */
static void
set_pct(json_t *o, const char *key, json_t *v, const char *none)
{
	char	 s[32], *p;

	if (v == NULL || !json_is_number(v)) {
		json_object_set_new(o, key, json_string(none));
		return;
	}
	snprintf(s, sizeof(s), "%.1f", json_number_value(v));
	if ((p = strchr(s, '.')) != NULL)
		*p = ',';
	json_object_set_new(o, key, json_string(s));
}

void
report_stage_html(json_t *o)
{
	json_t	*a, *f, *q, *opt, *rows, *r, *cells;
	size_t	 i, j, k, s;

	a = json_object_get(json_object_get(o, "overall"), "by_stage");
	if (a == NULL)
		return;
	json_array_foreach(a, i, f) {
		json_object_set_new(f, "f_short", json_string(i <
		    STAGE_AGG_STAGES ? stage_short[stage_order[i]] : ""));
		set_pct(f, "f_percent", json_object_get(f, "percent"), "—");
		set_pct(f, "f_ci_low", json_object_get(f, "ci_low"), "");
		set_pct(f, "f_ci_high", json_object_get(f, "ci_high"), "");
		json_object_set_new(f, "has_ci", json_boolean(
		    json_is_number(json_object_get(f, "ci_low"))));
	}
	/* The questions: one row per option, a count per stage. */
	rows = json_array();
	f = json_array_get(a, 0);
	json_array_foreach(json_object_get(f, "questions"), j, q) {
		json_array_foreach(json_object_get(q, "options"), k, opt) {
			cells = json_array();
			for (s = 0; s < json_array_size(a); s++)
				json_array_append(cells, json_object_get(
				    json_array_get(json_object_get(
				    json_array_get(json_object_get(
				    json_array_get(a, s), "questions"), j),
				    "options"), k), "count"));
			r = json_pack("{s:O,s:O,s:o}", "label",
			    json_object_get(opt, "label"), "first",
			    json_boolean(k == 0), "counts", cells);
			json_object_set(r, "text", json_object_get(q, "text"));
			json_array_append_new(rows, r);
		}
	}
	json_object_set_new(o, "stage_q_rows", rows);
	json_object_set(o, "stage_heads", a);
}
