/*
 * report_desk.c: the section of a unit's report by one-stop counter and
 * by officer (the key that issued the tickets): the desks rows of the
 * scope's units over the period's months, one row per (unit, counter)
 * and one per officer (added up across the units), and their JSON.
 * Traps: these figures are of the tickets issued in the period and
 * their answers whenever they came (the issue cohort), under the unit
 * that received them: they need not add up to the unit rows, which count
 * answers by the month given and under the handling unit. A row under
 * the report's minimum number of answers shows no figure at all: with
 * few answers, a figure could name the citizens who gave them. Who may
 * see the section is the caller's rule (report_opts.desks).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "report.h"
#include "report_priv.h"
#include "store.h"
#include "util.h"

#define DESK_UNKNOWN_VI	"không rõ"

/* The rows of the unit being read, then of every unit. */
struct desk_read {
	struct report		*rep;
	size_t			 unit;		/* rep->units[] */
	struct report_desk	*counters;
	size_t			 ncounters, capcounters;
	struct report_desk	*officers;
	size_t			 nofficers, capofficers;
	size_t			 first;		/* the unit's first counter */
};

static struct report_desk *
desk_push(struct report_desk **a, size_t *n, size_t *cap)
{
	if (*n == *cap) {
		*cap = *cap == 0 ? 64 : *cap * 2;
		*a = xrealloc(*a, *cap * sizeof(**a));
	}
	memset(&(*a)[*n], 0, sizeof(**a));
	return (&(*a)[(*n)++]);
}

static void
desk_add(struct report_desk *w, const struct store_desk *d)
{
	size_t	 i;

	w->issued += d->issued;
	w->answered += d->answered;
	w->suspect += d->suspect;
	for (i = 0; i < SURVEY_LEVELS; i++) {
		w->levels[i] += d->levels[i];
		w->responses += d->levels[i];
		if (i + 1 >= REPORT_SAT_LEVEL)
			w->satisfied += d->levels[i];
	}
}

/* A desks row of the unit being read: its counter's row (one per unit
 * and counter), or an officer's (merged across units later). */
static int
desk_row(const struct store_desk *d, void *arg)
{
	struct desk_read	*r = arg;
	struct report_desk	*w = NULL;
	size_t			 i;

	if (d->kind == DESK_COUNTER) {
		for (i = r->first; i < r->ncounters && w == NULL; i++)
			if (strcmp(r->counters[i].code, d->code) == 0)
				w = &r->counters[i];
		if (w == NULL) {
			w = desk_push(&r->counters, &r->ncounters,
			    &r->capcounters);
			strlcpy(w->unit, r->rep->units[r->unit].code,
			    sizeof(w->unit));
			strlcpy(w->code, d->code, sizeof(w->code));
			w->unit_index = r->unit;
		}
	} else {
		w = desk_push(&r->officers, &r->nofficers, &r->capofficers);
		strlcpy(w->code, d->code, sizeof(w->code));
		strlcpy(w->name, d->name, sizeof(w->name));
	}
	desk_add(w, d);
	return (0);
}

/* Officers by id, the one not known last. */
static int
desk_id_cmp(const void *a, const void *b)
{
	const struct report_desk	*x = a, *y = b;

	if ((x->code[0] == '\0') != (y->code[0] == '\0'))
		return (x->code[0] == '\0' ? 1 : -1);
	return (strcmp(x->code, y->code));
}

/* Officers shown by name (then id), the one not known last. */
static int
desk_officer_cmp(const void *a, const void *b)
{
	const struct report_desk	*x = a, *y = b;
	int				 c;

	if ((x->code[0] == '\0') != (y->code[0] == '\0'))
		return (x->code[0] == '\0' ? 1 : -1);
	if ((c = strcmp(x->name, y->name)) != 0)
		return (c);
	return (strcmp(x->code, y->code));
}

/* Counters by unit (the report's order), then code, unknown last. */
static int
desk_counter_cmp(const void *a, const void *b)
{
	const struct report_desk	*x = a, *y = b;

	if (x->unit_index != y->unit_index)
		return (x->unit_index < y->unit_index ? -1 : 1);
	return (desk_id_cmp(a, b));
}

/* The officers' rows of every unit and month, one per officer. */
static void
desk_merge_officers(struct desk_read *r)
{
	size_t	 i, j, k;

	if (r->nofficers == 0)
		return;
	qsort(r->officers, r->nofficers, sizeof(*r->officers), desk_id_cmp);
	for (i = 1, j = 0; i < r->nofficers; i++) {
		if (strcmp(r->officers[i].code, r->officers[j].code) != 0) {
			r->officers[++j] = r->officers[i];
			continue;
		}
		r->officers[j].issued += r->officers[i].issued;
		r->officers[j].answered += r->officers[i].answered;
		r->officers[j].responses += r->officers[i].responses;
		r->officers[j].satisfied += r->officers[i].satisfied;
		r->officers[j].suspect += r->officers[i].suspect;
		for (k = 0; k < SURVEY_LEVELS; k++)
			r->officers[j].levels[k] += r->officers[i].levels[k];
	}
	r->nofficers = j + 1;
	qsort(r->officers, r->nofficers, sizeof(*r->officers),
	    desk_officer_cmp);
}

int
report_desks_build(struct report *rep, struct store *st)
{
	struct desk_read	 r;
	struct store_snap	*snap = NULL;
	size_t			 i;
	int			 rc = -1;

	memset(&r, 0, sizeof(r));
	r.rep = rep;
	if (store_snap_begin(st, &snap) == -1)
		goto out;
	for (i = 0; i < rep->nunits; i++) {
		r.unit = i;
		r.first = r.ncounters;
		if (store_each_desk(st, snap, rep->period.from,
		    rep->period.to, rep->units[i].code, desk_row, &r) != 0)
			goto out;
	}
	desk_merge_officers(&r);
	if (r.ncounters > 0)
		qsort(r.counters, r.ncounters, sizeof(*r.counters),
		    desk_counter_cmp);
	rep->has_desks = 1;
	rep->counters = r.counters;
	rep->ncounters = r.ncounters;
	rep->officers = r.officers;
	rep->nofficers = r.nofficers;
	r.counters = r.officers = NULL;
	rc = 0;
out:
	store_snap_end(snap);
	free(r.counters);
	free(r.officers);
	return (rc);
}

void
report_desks_free(struct report *rep)
{
	free(rep->counters);
	free(rep->officers);
	rep->counters = rep->officers = NULL;
	rep->ncounters = rep->nofficers = 0;
	rep->has_desks = 0;
}

/* A rounded real, or null for no figure. */
static json_t *
desk_num(double v)
{
	if (isnan(v) || isinf(v))
		return (json_null());
	return (json_real(round(v * 100.0) / 100.0));
}

static json_t *
desk_pct(uint64_t a, uint64_t b)
{
	return (b == 0 ? json_null() : desk_num(100.0 * (double)a /
	    (double)b));
}

/* A text as stored: a stored name that is not UTF-8 shows as "?". */
static void
desk_json_str(json_t *o, const char *key, const char *s)
{
	json_t	*v;

	if ((v = json_string(s)) == NULL)
		v = json_string("?");
	json_object_set_new(o, key, v);
}

/* A row's figures, or nulls under the minimum (too_few). */
static void
desk_json_figures(const struct report *rep, const struct report_desk *w,
    json_t *o)
{
	double	 lo = NAN, hi = NAN;
	int	 few = w->responses < rep->min_responses;

	json_object_set_new(o, "too_few", json_boolean(few));
	if (few) {
		json_object_set_new(o, "responses", json_null());
		json_object_set_new(o, "satisfied", json_null());
		json_object_set_new(o, "percent", json_null());
		json_object_set_new(o, "ci_low", json_null());
		json_object_set_new(o, "ci_high", json_null());
		json_object_set_new(o, "suspect", json_null());
		json_object_set_new(o, "issued", json_null());
		json_object_set_new(o, "issued_answered", json_null());
		json_object_set_new(o, "response_rate", json_null());
		return;
	}
	report_wilson(w->satisfied, w->responses, &lo, &hi);
	json_object_set_new(o, "responses",
	    json_integer((json_int_t)w->responses));
	json_object_set_new(o, "satisfied",
	    json_integer((json_int_t)w->satisfied));
	json_object_set_new(o, "percent", desk_pct(w->satisfied,
	    w->responses));
	json_object_set_new(o, "ci_low", desk_num(lo * 100.0));
	json_object_set_new(o, "ci_high", desk_num(hi * 100.0));
	json_object_set_new(o, "suspect", json_integer((json_int_t)w->suspect));
	json_object_set_new(o, "issued", json_integer((json_int_t)w->issued));
	json_object_set_new(o, "issued_answered",
	    json_integer((json_int_t)w->answered));
	json_object_set_new(o, "response_rate", desk_pct(w->answered,
	    w->issued));
}

void
report_desks_json(const struct report *rep, json_t *o)
{
	const struct report_desk	*w;
	const struct unit		*u;
	json_t				*a, *r;
	size_t				 i;

	if (!rep->has_desks)
		return;
	a = json_array();
	for (i = 0; i < rep->ncounters; i++) {
		w = &rep->counters[i];
		u = rep->units[w->unit_index].unit;
		r = json_object();
		desk_json_str(r, "unit", w->unit);
		desk_json_str(r, "unit_name", report_txt_vi(&u->name,
		    w->unit));
		json_object_set_new(r, "counter", w->code[0] != '\0' ?
		    json_string(w->code) : json_null());
		desk_json_str(r, "name", w->code[0] != '\0' ? w->code :
		    DESK_UNKNOWN_VI);
		desk_json_figures(rep, w, r);
		json_array_append_new(a, r);
	}
	json_object_set_new(o, "counters", a);
	a = json_array();
	for (i = 0; i < rep->nofficers; i++) {
		w = &rep->officers[i];
		r = json_object();
		json_object_set_new(r, "officer", w->code[0] != '\0' ?
		    json_string(w->code) : json_null());
		desk_json_str(r, "name", w->code[0] == '\0' ?
		    DESK_UNKNOWN_VI : w->name[0] != '\0' ? w->name : w->code);
		desk_json_figures(rep, w, r);
		json_array_append_new(a, r);
	}
	json_object_set_new(o, "officers", a);
	json_object_set_new(json_object_get(o, "definitions"), "counters",
	    json_string("counters and officers: the tickets issued in the "
	    "period at each one-stop counter of the scope's units (the unit "
	    "that received them) and by each officer (the key that issued "
	    "them, under its name then; null when not known: the command "
	    "line, or before format 8), and their answers whenever they came "
	    "(responses, satisfied, percent and the interval leave out the "
	    "suspect ones, counted in suspect); a row under min_responses "
	    "answers shows no figure (too_few)"));
}
