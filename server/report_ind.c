/*
 * report_ind.c: the resolution's indicators (schema/indicators.ini) in a
 * report: their answers per month from the aggregates (per question and
 * level under sector and unit), rolled up the unit tree, and their JSON
 * part: "indicator_set", "indicators" and "agencies".
 * Traps: the unit "" rollups are the whole province, units unknown to
 * the catalogue included, but they have no unit kind: an indicator
 * narrowed to kinds is the sum of the units' rows, never the rollup; a
 * service survey's answers are under its marked sector ("@health"), so
 * indicators_counts() picks by survey; an indicator of a survey not
 * loaded has no counters and shows no answers.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "indicators.h"
#include "report.h"
#include "report_priv.h"
#include "store.h"
#include "util.h"

struct ind_walk {
	struct report	*rep;
	int		*row_of;	/* catalogue unit -> units[] or -1 */
	int		*parent;	/* catalogue unit -> parent or -1 */
	int		 ui;		/* the unit walked; -1: the rollup */
	int		 scoped;
};

void
report_ind_init(struct report *rep, const struct indicators *ind)
{
	size_t	 n;

	rep->ind = ind;
	if (ind == NULL || ind->n == 0)
		return;
	n = ind->n;
	rep->ind_total = xcalloc(n, sizeof(*rep->ind_total));
	rep->ind_units = xcalloc(rep->nunits > 0 ? rep->nunits * n : 1,
	    sizeof(*rep->ind_units));
}

void
report_ind_free(struct report *rep)
{
	free(rep->ind_total);
	free(rep->ind_units);
	rep->ind_total = rep->ind_units = NULL;
}

/*
 * Adds n answers at level; subtracts them when out (suspect answers come
 * as their own aggregate and leave the figures as they leave every
 * headline figure; the sums wrap back as unsigned sums do).
 */
static void
ind_fig_add(struct report_ind_fig *f, const struct indicator *d,
    uint8_t level, uint64_t n, int out)
{
	if (out)
		n = (uint64_t)0 - n;
	f->responses += n;
	if (d->levels & (1u << (level - 1)))
		f->satisfied += n;
	if (d->scale == SURVEY_LEVELS && level >= REPORT_MID_LEVEL)
		f->mid_up += n;
}

/* One aggregate: to every indicator that counts it. */
static int
ind_agg(const struct agg_key *k, uint64_t n, void *arg)
{
	struct ind_walk			*w = arg;
	struct report			*rep = w->rep;
	const struct indicators		*set = rep->ind;
	const struct indicator		*d;
	const char			*kind, *q = k->question;
	size_t				 i;
	int				 ui, out = 0;

	if (k->level < 1 || k->level > SURVEY_OPTIONS_MAX)
		return (0);
	/* Suspect answers' overall ratings: out of the overall's figures. */
	if (strcmp(q, AGG_SUSPECT_OVERALL) == 0) {
		q = SURVEY_OVERALL;
		out = 1;
	}
	kind = w->ui >= 0 ? rep->cat->units[w->ui].kind : NULL;
	for (i = 0; i < set->n; i++) {
		d = &set->ind[i];
		if (!d->collected || strcmp(d->question, q) != 0 ||
		    !indicators_counts(d, k->sector, kind))
			continue;
		if (w->ui < 0) {
			/* The rollup: the total of kinds-less ones. */
			if (d->nkinds == 0)
				ind_fig_add(&rep->ind_total[i], d, k->level, n,
				    out);
			continue;
		}
		for (ui = rep->tree_map[w->ui]; ui >= 0; ui = w->parent[ui])
			if (w->row_of[ui] >= 0)
				ind_fig_add(&rep->ind_units[(size_t)w->row_of[ui] *
				    set->n + i], d, k->level, n, out);
		if (w->scoped || d->nkinds > 0)
			ind_fig_add(&rep->ind_total[i], d, k->level, n, out);
	}
	return (0);
}

int
report_ind_month(struct report *rep, struct store *st, uint32_t month)
{
	const struct catalog	*cat = rep->cat;
	const struct unit	*p;
	struct store_snap	*snap = NULL;
	struct ind_walk		 w;
	const char		*sec;
	size_t			 i, n = cat->nunits;
	int			 rc = -1;

	if (rep->ind == NULL || rep->ind->n == 0)
		return (0);
	memset(&w, 0, sizeof(w));
	w.rep = rep;
	w.scoped = rep->unit[0] != '\0';
	w.row_of = xcalloc(n > 0 ? n : 1, sizeof(int));
	w.parent = xcalloc(n > 0 ? n : 1, sizeof(int));
	for (i = 0; i < n; i++) {
		w.row_of[i] = -1;
		p = catalog_unit(cat, cat->units[i].parent,
		    strnlen(cat->units[i].parent, UNIT_CODE_MAX));
		w.parent[i] = p != NULL ? (int)(p - cat->units) : -1;
	}
	for (i = 0; i < rep->nunits; i++)
		w.row_of[rep->units[i].unit - cat->units] = (int)i;
	sec = rep->sector[0] != '\0' ? rep->sector : NULL;
	if (store_snap_begin(st, &snap) == -1)
		goto out;
	if (!w.scoped) {
		w.ui = -1;
		if (store_each_agg_prefix(st, snap, month, sec, "", ind_agg,
		    &w) != 0)
			goto out;
	}
	for (i = 0; i < n; i++) {
		if (w.row_of[i] < 0 && w.row_of[rep->tree_map[i]] < 0)
			continue;
		w.ui = (int)i;
		if (store_each_agg_prefix(st, snap, month, sec,
		    cat->units[i].code, ind_agg, &w) != 0)
			goto out;
	}
	rc = 0;
out:
	if (snap != NULL)
		store_snap_end(snap);
	free(w.row_of);
	free(w.parent);
	return (rc);
}

/* ------------------------------------------------------------ JSON */

static json_t *
ind_num(double v, double scale)
{
	if (isnan(v) || isinf(v))
		return (json_null());
	return (json_real(round(v * scale) / scale));
}

/* The target in force: the latest whose year has come, else the first. */
static const struct target *
ind_target(const struct report *rep, const struct indicator *d)
{
	size_t	 i, k = 0;

	if (d->ntargets == 0)
		return (NULL);
	for (i = 0; i < d->ntargets; i++)
		if ((uint32_t)d->targets[i].year <= rep->month / 100)
			k = i;
	return (&d->targets[k]);
}

/*
 * The share at levels 3 to 5 of a five-level overall question, beside
 * its figures: the one to compare with the three-level scale of
 * national practice (Rất hài lòng / Hài lòng / Không hài lòng). Null for
 * other questions and for a survey on the three-level scale itself.
 */
static void
ind_share_mid_json(json_t *o, const struct indicator *d,
    const struct report_ind_fig *f)
{
	int	 five = d->scale == SURVEY_LEVELS;

	json_object_set_new(o, "share_3_5", five && f->responses > 0 ?
	    ind_num(100.0 * (double)f->mid_up / (double)f->responses, 100) :
	    json_null());
	json_object_set_new(o, "responses_3_5", five ?
	    json_integer((json_int_t)f->mid_up) : json_null());
	json_object_set_new(o, "scale", d->scale > 0 ?
	    json_integer(d->scale) : json_null());
}

/* An indicator's figures against its target in force. */
static json_t *
ind_fig_json(const struct report *rep, const struct indicator *d,
    const struct report_ind_fig *f)
{
	const struct target	*t = ind_target(rep, d);
	json_t			*o, *a;
	double			 lo = NAN, hi = NAN, tv;
	const char		*vd;
	size_t			 i;

	o = json_object();
	json_object_set_new(o, "id", json_string(d->id));
	json_object_set_new(o, "item", json_string(d->item));
	json_object_set_new(o, "name", json_string(d->name.s[LANG_VI]));
	json_object_set_new(o, "name_en", json_string(d->name.s[LANG_EN]));
	json_object_set_new(o, "responses",
	    json_integer((json_int_t)f->responses));
	json_object_set_new(o, "satisfied",
	    json_integer((json_int_t)f->satisfied));
	report_wilson(f->satisfied, f->responses, &lo, &hi);
	json_object_set_new(o, "percent", f->responses == 0 ? json_null() :
	    ind_num(100.0 * (double)f->satisfied / (double)f->responses,
	    100));
	json_object_set_new(o, "ci_low", ind_num(lo * 100.0, 100));
	json_object_set_new(o, "ci_high", ind_num(hi * 100.0, 100));
	json_object_set_new(o, "too_few", json_boolean(f->responses <
	    rep->min_responses));
	tv = t != NULL ? t->percent / 100.0 : NAN;
	json_object_set_new(o, "target", t != NULL ?
	    json_real(t->percent) : json_null());
	json_object_set_new(o, "target_year", t != NULL ?
	    json_integer(t->year) : json_null());
	json_object_set_new(o, "status", json_string(t != NULL ?
	    report_status_name(report_status(f->satisfied, f->responses,
	    tv)) : "no_target"));
	json_object_set_new(o, "p_target", t != NULL && f->responses > 0 ?
	    ind_num(report_p_reach(f->satisfied, f->responses, tv), 10000) :
	    json_null());
	vd = t != NULL ? report_verdict(f->satisfied, f->responses,
	    rep->min_responses, tv) : f->responses == 0 ? "no_data" :
	    "no_target";
	json_object_set_new(o, "verdict", json_string(vd));
	json_object_set_new(o, "verdict_vi", json_string(
	    report_verdict_vi(vd)));
	a = json_array();
	for (i = 0; i < SURVEY_OPTIONS_MAX; i++)
		if (d->levels & (1u << i))
			json_array_append_new(a, json_integer((json_int_t)i + 1));
	json_object_set_new(o, "levels", a);
	ind_share_mid_json(o, d, f);
	return (o);
}

/* The indicator's definition, beside its figures in the scope. */
static json_t *
ind_json(const struct report *rep, const struct indicator *d,
    const struct report_ind_fig *f)
{
	json_t	*o, *a;
	size_t	 i;

	o = ind_fig_json(rep, d, f);
	json_object_set_new(o, "name_km", json_string(d->name.s[LANG_KM]));
	json_object_set_new(o, "survey", json_string(d->survey));
	json_object_set_new(o, "question", json_string(d->question));
	json_object_set_new(o, "collected", json_boolean(d->collected));
	a = json_array();
	for (i = 0; i < d->nsectors; i++)
		json_array_append_new(a, json_string(d->sectors[i]));
	json_object_set_new(o, "sectors", a);
	a = json_array();
	for (i = 0; i < d->nkinds; i++)
		json_array_append_new(a, json_string(d->kinds[i]));
	json_object_set_new(o, "kinds", a);
	a = json_array();
	for (i = 0; i < d->ntargets; i++)
		json_array_append_new(a, json_pack("{s:i,s:f}", "year",
		    d->targets[i].year, "target", d->targets[i].percent));
	json_object_set_new(o, "targets", a);
	return (o);
}

/* 1 when units[u] is the scope's total: the root, or the scope's top. */
static int
ind_is_total(const struct report *rep, size_t u)
{
	const struct report_row	*r = &rep->units[u];

	return (r->unit->parent[0] == '\0' ||
	    (rep->unit[0] != '\0' && strcmp(r->code, rep->unit) == 0));
}

/* 0 ranked, 1 too few answers, 2 none. */
static int
ind_class(const struct report *rep, const struct report_ind_fig *f)
{
	return (f->responses == 0 ? 2 : f->responses < rep->min_responses ?
	    1 : 0);
}

/* Worst first by the set's first indicator; the total first. */
static int
ind_rank_cmp(const void *a, const void *b, void *arg)
{
	const struct report	*rep = arg;
	size_t			 x = (size_t)*(const int *)a;
	size_t			 y = (size_t)*(const int *)b;
	const struct report_ind_fig *fx = &rep->ind_units[x * rep->ind->n];
	const struct report_ind_fig *fy = &rep->ind_units[y * rep->ind->n];
	int			 tx, ty, cx, cy, dx, dy;
	double			 px, py;

	tx = ind_is_total(rep, x);
	ty = ind_is_total(rep, y);
	if (tx != ty)
		return (ty - tx);
	dx = rep->units[x].unit->depth;
	dy = rep->units[y].unit->depth;
	if (dx != dy)
		return (dx < dy ? -1 : 1);
	cx = ind_class(rep, fx);
	cy = ind_class(rep, fy);
	if (cx != cy)
		return (cx - cy);
	if (cx == 0) {
		px = (double)fx->satisfied * (double)fy->responses;
		py = (double)fy->satisfied * (double)fx->responses;
		if (px != py)
			return (px < py ? -1 : 1);
		if (fx->responses != fy->responses)
			return (fx->responses > fy->responses ? -1 : 1);
	}
	return (strcmp(rep->units[x].code, rep->units[y].code));
}

/*
 * Rank of units[u] for indicator i among the ranked units of its depth
 * (1 = worst), or 0 when it is the total or not ranked.
 */
static int
ind_rank(const struct report *rep, size_t u, size_t i)
{
	const struct report_ind_fig	*f, *g;
	size_t				 v, n = rep->ind->n;
	int				 r = 1;

	f = &rep->ind_units[u * n + i];
	if (ind_is_total(rep, u) || ind_class(rep, f) != 0)
		return (0);
	for (v = 0; v < rep->nunits; v++) {
		g = &rep->ind_units[v * n + i];
		if (v == u || ind_is_total(rep, v) || ind_class(rep, g) != 0 ||
		    rep->units[v].unit->depth != rep->units[u].unit->depth)
			continue;
		if ((double)g->satisfied * (double)f->responses <
		    (double)f->satisfied * (double)g->responses ||
		    ((double)g->satisfied * (double)f->responses ==
		    (double)f->satisfied * (double)g->responses &&
		    (g->responses > f->responses ||
		    (g->responses == f->responses &&
		    strcmp(rep->units[v].code, rep->units[u].code) < 0))))
			r++;
	}
	return (r);
}

static json_t *
ind_agencies(const struct report *rep)
{
	const struct indicators	*set = rep->ind;
	const struct report_row	*u;
	json_t			*a, *o, *is, *f;
	size_t			 k, i, x;
	int			*idx, rk, total;

	a = json_array();
	idx = xcalloc(rep->nunits > 0 ? rep->nunits : 1, sizeof(int));
	for (k = 0; k < rep->nunits; k++)
		idx[k] = (int)k;
	qsort_r(idx, rep->nunits, sizeof(int), ind_rank_cmp, (void *)rep);
	for (k = 0; k < rep->nunits; k++) {
		x = (size_t)idx[k];
		u = &rep->units[x];
		total = ind_is_total(rep, x);
		o = json_object();
		json_object_set_new(o, "unit", json_string(u->code));
		json_object_set_new(o, "name", json_string(
		    report_txt_vi(u->name, u->code)));
		json_object_set_new(o, "kind", json_string(u->unit->kind));
		json_object_set_new(o, "parent", u->unit->parent[0] != '\0' ?
		    json_string(u->unit->parent) : json_null());
		json_object_set_new(o, "depth", json_integer(u->unit->depth));
		json_object_set_new(o, "total", json_boolean(total));
		rk = ind_rank(rep, x, 0);
		json_object_set_new(o, "rank", rk > 0 ? json_integer(rk) :
		    json_null());
		is = json_array();
		for (i = 0; i < set->n; i++) {
			f = ind_fig_json(rep, &set->ind[i],
			    &rep->ind_units[x * set->n + i]);
			rk = ind_rank(rep, x, i);
			json_object_set_new(f, "rank", rk > 0 ?
			    json_integer(rk) : json_null());
			json_array_append_new(is, f);
		}
		json_object_set_new(o, "indicators", is);
		json_array_append_new(a, o);
	}
	free(idx);
	return (a);
}

void
report_json_indicators(const struct report *rep, json_t *o)
{
	const struct indicators	*set = rep->ind;
	json_t			*a;
	size_t			 i;

	if (set == NULL || set->n == 0) {
		json_object_set_new(o, "indicator_set", json_null());
		json_object_set_new(o, "indicators", json_array());
		json_object_set_new(o, "agencies", json_array());
		return;
	}
	json_object_set_new(o, "indicator_set", json_pack(
	    "{s:s,s:s,s:s,s:i,s:i}", "name", set->name.s[LANG_VI],
	    "name_en", set->name.s[LANG_EN], "name_km", set->name.s[LANG_KM],
	    "from", set->from, "to", set->to));
	a = json_array();
	for (i = 0; i < set->n; i++)
		json_array_append_new(a, ind_json(rep, &set->ind[i],
		    &rep->ind_total[i]));
	json_object_set_new(o, "indicators", a);
	json_object_set_new(o, "agencies", ind_agencies(rep));
}
