/*
 * report_766.c: Decision 766/QĐ-TTg's satisfaction ratio of a report's
 * period and scope, from the dossiers of the one-stop software and the
 * answers to their tickets (report.h, struct report_766), and its JSON
 * part "decision_766".
 * Trap: it is a different measure from the survey's percent: its
 * denominator is dossiers, not answers, and an unanswered dossier is
 * not dissatisfied; the two are never compared or mixed. The dossiers
 * are read whole once per report (store_each_dossier()): their number,
 * not the answers', bounds its cost.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "report.h"
#include "report_priv.h"
#include "store.h"
#include "util.h"

/* The stages in the report's words, by enum dossier_stage. */
static const char *const stage_vi[STAGE_COUNT] = {
	"Khi trả kết quả", "Khi tiếp nhận", "Khi yêu cầu bổ sung hồ sơ",
	"Khi từ chối"
};

/* A month, agency and procedure that events cover. */
struct d766_key {
	uint32_t month;
	char	 unit[UNIT_CODE_MAX + 1];
	char	 procedure[PROC_CODE_MAX + 1];
};

struct d766_walk {
	struct report	*rep;
	int64_t		 now;
	int		*row_of;	/* catalogue index -> units[] row */
	struct d766_key	*keys;		/* of the events counted */
	size_t		 nkeys, capkeys;
};

static int
d766_key_cmp(const void *a, const void *b)
{
	const struct d766_key	*x = a, *y = b;
	int			 c;

	if (x->month != y->month)
		return (x->month < y->month ? -1 : 1);
	if ((c = strcmp(x->unit, y->unit)) != 0)
		return (c);
	return (strcmp(x->procedure, y->procedure));
}

/*
 * 1 when the dossier had a complaint about its receipt or handling: its
 * citizen filed a complaint or request (a follow-up, phản ánh, kiến nghị)
 * after answering one of its tickets, at any stage (store_each_dossier()).
 */
static int
report_766_complaint(const struct dossier_ratings *rt)
{
	return (rt->complaint != 0);
}
#define REPORT_766_COMPLAINTS_RECORDED	1

/* The month d counts in, 0 when in none (open and not late yet, or
 * withdrawn). */
static uint32_t
d766_month(const struct dossier *d, int64_t now)
{
	if (d->outcome == DOSSIER_RETURNED || d->outcome == DOSSIER_REFUSED)
		return (month_of(d->settled));
	if (d->outcome == DOSSIER_NONE && d->due != 0 && now > d->due)
		return (month_of(d->due));
	return (0);
}

static void
d766_add(struct report_766 *f, const struct dossier *d,
    const struct dossier_ratings *rt, int dis, int cpl, int late)
{
	int	 s;

	f->dossiers++;
	if (d->outcome == DOSSIER_RETURNED)
		f->returned++;
	else if (d->outcome == DOSSIER_REFUSED)
		f->refused++;
	else
		f->open_late++;
	f->dissatisfied += dis;
	f->complaints += cpl;
	f->late += late;
	f->against += dis || cpl || late;
	for (s = 0; s < STAGE_COUNT; s++) {
		f->asked[s] += rt->asked[s];
		f->answered[s] += rt->level[s] != 0;
		f->stage_dissatisfied[s] += rt->level[s] != 0 &&
		    rt->level[s] <= REPORT_UNSAT_LEVEL;
	}
}

static int
d766_one(const struct dossier *d, const struct dossier_ratings *rt,
    void *arg)
{
	struct d766_walk	*w = arg;
	struct report		*rep = w->rep;
	const struct catalog	*cat = rep->cat;
	const struct procedure	*p;
	const struct unit	*u;
	const char		*cu = dossier_count_unit(d);
	const struct unit	*tu;
	uint32_t		 m;
	int			 s, dis = 0, cpl, late;

	if ((m = d766_month(d, w->now)) == 0 ||
	    !report_period_has(&rep->period, m))
		return (0);
	/* In the current tree, a retired unit's under its successor. */
	if ((tu = report_tree_unit(rep, cu)) != NULL)
		cu = tu->code;
	if (rep->unit[0] != '\0' && !catalog_in_subtree(cat, cu, rep->unit))
		return (0);
	if (rep->sector[0] != '\0' && ((p = catalog_procedure(cat,
	    d->procedure, strlen(d->procedure))) == NULL ||
	    strcmp(p->sector, rep->sector) != 0))
		return (0);
	for (s = 0; s < STAGE_COUNT; s++)
		if (rt->level[s] != 0 && rt->level[s] <= REPORT_UNSAT_LEVEL)
			dis = 1;
	cpl = report_766_complaint(rt);
	late = dossier_late(d, w->now);
	if (w->nkeys == w->capkeys) {
		w->capkeys = w->capkeys == 0 ? 256 : w->capkeys * 2;
		w->keys = xrealloc(w->keys, w->capkeys * sizeof(*w->keys));
	}
	w->keys[w->nkeys].month = m;
	strlcpy(w->keys[w->nkeys].unit, cu, sizeof(w->keys[0].unit));
	strlcpy(w->keys[w->nkeys].procedure, d->procedure,
	    sizeof(w->keys[0].procedure));
	w->nkeys++;
	d766_add(&rep->d766, d, rt, dis, cpl, late);
	/* Its unit's row and every row above it. */
	for (u = catalog_unit(cat, cu, strlen(cu)); u != NULL;
	    u = u->parent[0] != '\0' ? catalog_unit(cat, u->parent,
	    strlen(u->parent)) : NULL) {
		if (w->row_of[u - cat->units] >= 0)
			d766_add(&rep->d766_units[w->row_of[u - cat->units]],
			    d, rt, dis, cpl, late);
	}
	return (0);
}

static void
d766_add_stat(struct report_766 *f, const struct dossier_stat *ds)
{
	uint64_t	 n = ds->on_time + ds->late + ds->refused;

	f->dossiers += n;
	f->imported += n;
	f->returned += ds->on_time + ds->late;
	f->refused += ds->refused;
	f->late += ds->late;
	f->against += ds->late;
}

/* An imported row: counted unless events cover its key. */
static int
d766_stat(const struct dossier_stat *ds, void *arg)
{
	struct d766_walk	*w = arg;
	struct report		*rep = w->rep;
	const struct catalog	*cat = rep->cat;
	const struct procedure	*p;
	const struct unit	*u;
	const char		*agency = ds->agency;
	struct d766_key		 k;

	if (!report_period_has(&rep->period, ds->month))
		return (0);
	if ((u = report_tree_unit(rep, agency)) != NULL)
		agency = u->code;
	if (rep->unit[0] != '\0' && !catalog_in_subtree(cat, agency,
	    rep->unit))
		return (0);
	if (rep->sector[0] != '\0' && ((p = catalog_procedure(cat,
	    ds->procedure, strlen(ds->procedure))) == NULL ||
	    strcmp(p->sector, rep->sector) != 0))
		return (0);
	memset(&k, 0, sizeof(k));
	k.month = ds->month;
	strlcpy(k.unit, ds->agency, sizeof(k.unit));
	strlcpy(k.procedure, ds->procedure, sizeof(k.procedure));
	if (w->nkeys > 0 && bsearch(&k, w->keys, w->nkeys, sizeof(k),
	    d766_key_cmp) != NULL) {
		rep->d766.import_rows_overlapped++;
		return (0);
	}
	d766_add_stat(&rep->d766, ds);
	for (u = catalog_unit(cat, agency, strlen(agency)); u != NULL;
	    u = u->parent[0] != '\0' ? catalog_unit(cat, u->parent,
	    strlen(u->parent)) : NULL)
		if (w->row_of[u - cat->units] >= 0)
			d766_add_stat(&rep->d766_units[w->row_of[u -
			    cat->units]], ds);
	return (0);
}

int
report_766_build(struct report *rep, struct store *st, int64_t now)
{
	struct d766_walk	 w;
	const struct unit	*u;
	size_t			 i, n = rep->cat->nunits;
	int			 rc;

	memset(&rep->d766, 0, sizeof(rep->d766));
	rep->d766_units = xcalloc(rep->nunits > 0 ? rep->nunits : 1,
	    sizeof(*rep->d766_units));
	w.rep = rep;
	w.now = now != 0 ? now : now_sec();
	w.row_of = xmalloc((n > 0 ? n : 1) * sizeof(int));
	for (i = 0; i < n; i++)
		w.row_of[i] = -1;
	for (i = 0; i < rep->nunits; i++)
		if ((u = rep->units[i].unit) != NULL)
			w.row_of[u - rep->cat->units] = (int)i;
	w.keys = NULL;
	w.nkeys = w.capkeys = 0;
	rc = store_each_dossier(st, d766_one, &w);
	if (rc == 0) {
		if (w.nkeys > 0)
			qsort(w.keys, w.nkeys, sizeof(*w.keys), d766_key_cmp);
		rc = store_each_dossier_stat(st, rep->period.from,
		    rep->period.to, d766_stat, &w);
	}
	free(w.keys);
	free(w.row_of);
	return (rc == 0 ? 0 : -1);
}

void
report_766_free(struct report *rep)
{
	free(rep->d766_units);
	rep->d766_units = NULL;
}

double
report_766_ratio(const struct report_766 *f)
{
	if (f->dossiers == 0)
		return (NAN);
	return ((double)(f->dossiers - f->against) / (double)f->dossiers);
}

static json_t *
ratio_json(double v, double scale)
{
	if (isnan(v))
		return (json_null());
	return (json_real(round(v * scale) / scale));
}

static json_t *
fig_json(const struct report_766 *f)
{
	json_t	*o, *a;
	int	 s;

	o = json_object();
	json_object_set_new(o, "dossiers", json_integer((json_int_t)
	    f->dossiers));
	json_object_set_new(o, "returned", json_integer((json_int_t)
	    f->returned));
	json_object_set_new(o, "refused", json_integer((json_int_t)
	    f->refused));
	json_object_set_new(o, "open_late", json_integer((json_int_t)
	    f->open_late));
	json_object_set_new(o, "dissatisfied", json_integer((json_int_t)
	    f->dissatisfied));
	json_object_set_new(o, "complaints", json_integer((json_int_t)
	    f->complaints));
	json_object_set_new(o, "late", json_integer((json_int_t)f->late));
	json_object_set_new(o, "against", json_integer((json_int_t)
	    f->against));
	json_object_set_new(o, "imported", json_integer((json_int_t)
	    f->imported));
	json_object_set_new(o, "ratio", ratio_json(report_766_ratio(f),
	    10000));
	json_object_set_new(o, "percent", ratio_json(report_766_ratio(f) *
	    100.0, 100));
	a = json_array();
	for (s = 0; s < STAGE_COUNT; s++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:I, s:I, s:I}",
		    "stage", dossier_stage_name(s), "name", stage_vi[s],
		    "tickets", (json_int_t)f->asked[s],
		    "answered", (json_int_t)f->answered[s],
		    "dissatisfied", (json_int_t)f->stage_dissatisfied[s]));
	json_object_set_new(o, "stages", a);
	return (o);
}

void
report_766_json(const struct report *rep, json_t *o)
{
	json_t	*d, *a, *r;
	size_t	 i;

	d = fig_json(&rep->d766);
	json_object_set_new(d, "name", json_string("Tỷ lệ hài lòng theo "
	    "Quyết định 766/QĐ-TTg"));
	json_object_set_new(d, "name_en", json_string("Satisfaction ratio "
	    "of Decision 766/QĐ-TTg"));
	json_object_set_new(d, "complaints_recorded",
	    json_boolean(REPORT_766_COMPLAINTS_RECORDED));
	json_object_set_new(d, "import_rows_overlapped", json_integer(
	    (json_int_t)rep->d766.import_rows_overlapped));
	json_object_set_new(d, "definitions", json_pack(
	    "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
	    "ratio", "(dossiers - against) / dossiers, as Decision "
	    "766/QĐ-TTg defines it: a measure of dossiers, not of answers, "
	    "not comparable with percent; null when there are no dossiers",
	    "dossiers", "dossiers of the one-stop software (POST "
	    "/api/v1/dossiers) under the agency (the handling unit, else the "
	    "receiving one): returned or refused in the period, and those "
	    "still open whose due date fell in the period and has passed; "
	    "withdrawn dossiers are not counted",
	    "dissatisfied", "dossiers with an answer at levels 1-2 of the "
	    "overall question through a ticket of their case, at any stage "
	    "(answers flagged suspect left out); walk-in kiosk answers and "
	    "tickets without a case are never dossiers",
	    "complaints", "dossiers with a complaint about their receipt or "
	    "handling: the citizen filed a complaint or request (a follow-up) "
	    "after answering one of the dossier's tickets, at any stage",
	    "late", "dossiers returned after their due date, or still open "
	    "past it",
	    "against", "dossiers rated dissatisfied, with a complaint, or "
	    "late: each counted once",
	    "imported", "of dossiers, those of imported monthly statistics "
	    "(hailong dossiers import): settled on time, settled late (late) "
	    "and refused, of the months, agencies and procedures no event "
	    "covers; they have no tickets, so none is rated; "
	    "import_rows_overlapped counts the rows left out because events "
	    "cover them (never counted twice)",
	    "stages", "the tickets of these dossiers at each stage (with the "
	    "receipt slip, a request for documents, a refusal, the result), "
	    "those answered, those answered at levels 1-2"));
	a = json_array();
	for (i = 0; rep->d766_units != NULL && i < rep->nunits; i++) {
		if (rep->d766_units[i].dossiers == 0)
			continue;
		r = fig_json(&rep->d766_units[i]);
		json_object_set_new(r, "unit", json_string(
		    rep->units[i].code));
		json_object_set_new(r, "name", json_string(report_txt_vi(
		    rep->units[i].name, rep->units[i].code)));
		json_array_append_new(a, r);
	}
	json_object_set_new(d, "units", a);
	json_object_set_new(o, "decision_766", d);
}
