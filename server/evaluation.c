/*
 * evaluation.c: the evaluations for the national evaluation system
 * (evaluation.h), one record each, as CSV or JSON lines.
 * Trap: the columns are a contract with the province's integrator
 * (docs/EVALUATIONS.md): add at the end, never rename or reorder. The
 * case number is not here, only its keyed hash; the comment neither.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "evaluation.h"
#include "model.h"
#include "report.h"
#include "store.h"
#include "token.h"
#include "util.h"

/* Answers may be stored this long after they were given (a kiosk's
 * queue), so a period's walk reads this much further on. */
#define EVALUATION_LAG_SEC	(41 * 86400)

/* The fixed columns, before one per question of the survey. */
static const char *const eval_cols[] = {
	"dossier", "agency", "receiving_unit", "procedure", "stage",
	"dossier_state", "received_at", "due_at", "settled_at", "late",
	"ticket_code", "issued_at", "answered_at", "month", "channel",
	"survey", "survey_version", "lang", "suspect", "overall"
};
#define EVAL_NCOLS	(sizeof(eval_cols) / sizeof(eval_cols[0]))

struct eval_walk {
	const struct catalog		*cat;
	const struct survey		*sv;
	const struct evaluation_opts	*o;
	struct buf			*out;
	int64_t				 now;
	long				 n;
	int				 full;
};

static const char *
eval_option(const struct survey_question *q, uint8_t level)
{
	if (q == NULL || level < 1 || level > q->noptions)
		return ("");
	return (q->options[level - 1].id);
}

static json_t *
eval_time(int64_t t)
{
	char	 s[32];

	if (t == 0)
		return (json_null());
	format_time(t, s);
	return (json_string(s));
}

/* The record of e as a JSON object, columns in order. */
static json_t *
eval_json(struct eval_walk *w, const struct store_eval *e)
{
	const struct response		*r = e->r;
	const struct dossier		*d = e->d;
	const struct survey_question	*q;
	json_t				*o, *ra = NULL;
	char				 hex[65], code[CODE_LEN + 1];
	char				 month[16];
	size_t				 i, k;
	int				 overall = 0;

	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x",
		    e->dkey[UNIT_CODE_MAX + i]);
	token_code(r->ticket, code);
	snprintf(month, sizeof(month), "%04u-%02u", r->month / 100,
	    r->month % 100);
	o = json_object();
	json_object_set_new(o, "dossier", json_string(hex));
	json_object_set_new(o, "agency", json_string(d != NULL ?
	    dossier_count_unit(d) : ticket_count_unit(e->t)));
	json_object_set_new(o, "receiving_unit", json_string(e->t->unit));
	json_object_set_new(o, "procedure", json_string(d != NULL ?
	    d->procedure : e->t->procedure));
	json_object_set_new(o, "stage", json_string(dossier_stage_name(
	    e->stage)));
	json_object_set_new(o, "dossier_state", d != NULL ?
	    json_string(dossier_state(d)) : json_null());
	json_object_set_new(o, "received_at", eval_time(d != NULL ?
	    d->received : 0));
	json_object_set_new(o, "due_at", eval_time(d != NULL ? d->due : 0));
	json_object_set_new(o, "settled_at", eval_time(d != NULL ?
	    d->settled : 0));
	json_object_set_new(o, "late", d != NULL ?
	    json_boolean(dossier_late(d, w->now)) : json_null());
	json_object_set_new(o, "ticket_code", json_string(code));
	json_object_set_new(o, "issued_at", eval_time(e->t->issued));
	json_object_set_new(o, "answered_at", eval_time(r->answered));
	json_object_set_new(o, "month", json_string(month));
	json_object_set_new(o, "channel", json_string(channel_name(
	    r->channel)));
	json_object_set_new(o, "survey", json_string(w->sv->id));
	json_object_set_new(o, "survey_version", json_integer(
	    (json_int_t)r->survey_version));
	json_object_set_new(o, "lang", json_string(r->lang));
	json_object_set_new(o, "suspect", json_boolean(
	    (r->flags & RESPONSE_SUSPECT) != 0));
	for (i = 0; i < r->nanswers; i++)
		if (strcmp(r->answers[i].q, SURVEY_OVERALL) == 0)
			overall = r->answers[i].level;
	json_object_set_new(o, "overall", overall != 0 ?
	    json_integer(overall) : json_null());
	for (k = 1; k < w->sv->nquestions; k++) {
		q = &w->sv->questions[k];
		if (q == w->sv->reasons) {
			ra = json_array();
			for (i = 0; i < r->nanswers; i++) {
				if (strcmp(r->answers[i].q, q->id) != 0)
					continue;
				json_array_append_new(ra, json_string(
				    eval_option(q, r->answers[i].level)));
			}
			json_object_set_new(o, q->id, ra);
			continue;
		}
		json_object_set_new(o, q->id, json_null());
		for (i = 0; i < r->nanswers; i++)
			if (strcmp(r->answers[i].q, q->id) == 0)
				json_object_set_new(o, q->id, json_string(
				    eval_option(q, r->answers[i].level)));
	}
	return (o);
}

/* A CSV cell: quoted when needed, a formula shown as text. */
static int
eval_cell(struct buf *b, const char *s)
{
	int	 quote = strpbrk(s, ",\"\r\n;") != NULL, rc = 0;

	if (quote)
		rc |= buf_addc(b, '"');
	if (cell_is_formula(s))
		rc |= buf_addc(b, '\'');
	for (; *s != '\0'; s++) {
		if (*s == '"')
			rc |= buf_addc(b, '"');
		rc |= buf_addc(b, *s);
	}
	if (quote)
		rc |= buf_addc(b, '"');
	return (rc != 0 ? -1 : 0);
}

/* The CSV row of o, in the header's column order. */
static int
eval_csv_row(struct eval_walk *w, json_t *o)
{
	json_t		*v, *x;
	const char	*key;
	char		 num[32], list[512];
	size_t		 c, i, ncols = EVAL_NCOLS + w->sv->nquestions - 1;
	int		 rc = 0;

	for (c = 0; c < ncols && rc == 0; c++) {
		key = c < EVAL_NCOLS ? eval_cols[c] :
		    w->sv->questions[c - EVAL_NCOLS + 1].id;
		if (c > 0)
			rc = buf_addc(w->out, ',');
		v = json_object_get(o, key);
		if (json_is_string(v))
			rc |= eval_cell(w->out, json_string_value(v));
		else if (json_is_integer(v)) {
			snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
			    json_integer_value(v));
			rc |= buf_addstr(w->out, num);
		} else if (json_is_boolean(v))
			rc |= buf_addstr(w->out, json_is_true(v) ? "có" :
			    "không");
		else if (json_is_array(v)) {
			list[0] = '\0';
			json_array_foreach(v, i, x) {
				if (i > 0)
					strlcat(list, ";", sizeof(list));
				strlcat(list, json_string_value(x),
				    sizeof(list));
			}
			rc |= eval_cell(w->out, list);
		}
	}
	if (rc == 0)
		rc = buf_addstr(w->out, "\r\n");
	return (rc);
}

static int
eval_one(const struct store_eval *e, void *arg)
{
	struct eval_walk	*w = arg;
	const char		*agency;
	json_t			*o;
	char			*s;
	int			 rc;

	if (e->r->month < w->o->from || e->r->month > w->o->to ||
	    !survey_is_procedure(e->r->survey))
		return (0);
	agency = e->d != NULL ? dossier_count_unit(e->d) :
	    ticket_count_unit(e->t);
	if (w->o->unit != NULL && w->o->unit[0] != '\0' &&
	    !catalog_in_subtree(w->cat, agency, w->o->unit))
		return (0);
	if ((o = eval_json(w, e)) == NULL)
		return (-1);
	if (w->o->csv)
		rc = eval_csv_row(w, o);
	else {
		if ((s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER)) ==
		    NULL) {
			json_decref(o);
			return (-1);
		}
		rc = buf_addstr(w->out, s) | buf_addc(w->out, '\n');
		free(s);
	}
	json_decref(o);
	if (rc != 0) {
		w->full = 1;
		return (1);
	}
	w->n++;
	return (0);
}

long
evaluation_write(struct store *st, const struct catalog *cat,
    const struct survey *sv, const struct evaluation_opts *o,
    struct buf *out)
{
	struct eval_walk	 w;
	int64_t			 lo, hi;
	size_t			 c;
	int			 rc;

	memset(&w, 0, sizeof(w));
	w.cat = cat;
	w.sv = sv;
	w.o = o;
	w.out = out;
	w.now = o->now != 0 ? o->now : now_sec();
	if ((lo = report_month_start(o->from)) < 0 ||
	    (hi = report_month_start(report_month_add(o->to, 1))) < 0)
		return (-1);
	hi += EVALUATION_LAG_SEC;
	if (o->csv) {
		rc = buf_addstr(out, "\xef\xbb\xbf");
		for (c = 0; c < EVAL_NCOLS; c++)
			rc |= buf_printf(out, "%s%s", c > 0 ? "," : "",
			    eval_cols[c]);
		for (c = 1; c < sv->nquestions; c++)
			rc |= buf_printf(out, ",%s", sv->questions[c].id);
		rc |= buf_addstr(out, "\r\n");
		if (rc != 0)
			return (-2);
	}
	rc = store_each_evaluation(st, (uint64_t)lo * 1000000u,
	    (uint64_t)hi * 1000000u, eval_one, &w);
	if (w.full)
		return (-2);
	return (rc == 0 ? w.n : -1);
}
