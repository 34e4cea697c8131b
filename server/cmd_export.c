/*
 * cmd_export.c: hailong export — every stored response, one row each,
 * as CSV for Excel (UTF-8 with a BOM, CRLF) or as JSON.
 * Traps: answers are stored as levels and shown as the survey's option
 * ids; a CSV cell that a spreadsheet could take for a formula
 * (cell_is_formula()) is prefixed with ' so that it is shown as text and
 * never run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "app.h"
#include "cmd.h"
#include "evaluation.h"
#include "report.h"
#include "util.h"

/* Queued kiosk answers may be stored up to this long after they were
 * given, so a date range reads this much further on. */
#define EXPORT_LAG_SEC	(8 * 86400)

static int export_run(int, char **);

const struct cmd cmd_export = {
	"export", "write the raw responses as CSV or JSON",
	"usage: hailong export --data DIR --format csv|json "
	    "[--from YYYY-MM-DD --to YYYY-MM-DD] [--survey ID] [-o FILE]\n"
	    "       hailong export --data DIR --format evaluations "
	    "--period P [--as jsonl|csv]\n"
	    "           [--unit CODE] [-o FILE]\n"
	    "\n"
	    "Writes one row per response to the survey ID (default: the\n"
	    "procedure survey; health, education: the service surveys, the\n"
	    "procedure column holding the service): when, month, channel,\n"
	    "ticket code, procedure, sector (empty for a walk-in), unit,\n"
	    "survey and\n"
	    "version, language, the overall level (1-5), each question's\n"
	    "answer (option id), the reasons (ids joined by ';'), the\n"
	    "comment, the suspect flag (\"có\" or \"không\" in CSV).\n"
	    "JSON rows also give the answered ticket's receiving unit, month\n"
	    "of issue, counter and officer (the issuing key's id and name;\n"
	    "null when none, or not known).\n"
	    "--from and --to are days in the province's time zone, both\n"
	    "included. CSV is UTF-8 with a BOM, so Excel shows Vietnamese.\n"
	    "--format evaluations writes the evaluations for the national\n"
	    "evaluation system instead: one record per answer through a\n"
	    "ticket linked to a dossier, answered in period P (YYYY-MM,\n"
	    "YYYY-Qn, YYYY or YYYY-MM..YYYY-MM), as JSON lines (default) or\n"
	    "CSV; --unit keeps one agency's subtree (docs/EVALUATIONS.md).\n"
	    "Safe while the server runs on DIR.\n",
	export_run
};

/* A JSON row waiting for its ticket's fields, read after the walk. */
struct export_tk {
	json_t		*row;		/* borrowed from rows */
	uint8_t		 id[TICKET_ID_LEN];
};

struct export {
	const struct survey	*sv;
	const struct survey	*procedure;
	FILE			*out;
	int			 json;
	json_t			*rows;
	int64_t			 from, to;	/* answered in [from, to) */
	long			 n;
	struct export_tk	*tk;
	size_t			 ntk, captk;
};

/* Option id of level in question q, or "" when out of range. */
static const char *
export_option(const struct survey_question *q, uint8_t level)
{
	if (q == NULL || level < 1 || level > q->noptions)
		return ("");
	return (q->options[level - 1].id);
}

/* A walk-in has no sector ("other" in records before format 6). */
static const char *
export_sector(const struct response *r)
{
	return (r->channel == CHANNEL_WALKIN ? "" : r->sector);
}

static void
export_csv_cell(FILE *f, const char *s)
{
	int	 quote = strpbrk(s, ",\"\r\n;") != NULL;

	if (quote)
		fputc('"', f);
	if (cell_is_formula(s))
		fputc('\'', f);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	if (quote)
		fputc('"', f);
}

static const char *const export_ticket_keys[] = {
	"ticket_unit", "ticket_month", "counter", "officer", "officer_name"
};

static void
export_ticket_null(json_t *o)
{
	size_t	 i;

	for (i = 0; i < sizeof(export_ticket_keys) /
	    sizeof(export_ticket_keys[0]); i++)
		json_object_set_new(o, export_ticket_keys[i], json_null());
}

/* A text field, null when empty (or, for a damaged name, not UTF-8). */
static json_t *
export_str(const char *s)
{
	json_t	*v;

	if (s[0] == '\0' || (v = json_string(s)) == NULL)
		return (json_null());
	return (v);
}

/*
 * The answered tickets' fields, after the walk of the responses (a read
 * of its own each: never inside the walk's transaction). A ticket gone
 * leaves them null. Returns 0, or -1 when the store cannot be read.
 */
static int
export_tickets(struct store *st, struct export *e)
{
	struct ticket	 t;
	char		 month[16];
	size_t		 i;
	uint32_t	 m;
	enum hl_rc	 rc;

	for (i = 0; i < e->ntk; i++) {
		if ((rc = store_ticket_get(st, e->tk[i].id, &t)) ==
		    HL_NOT_FOUND)
			continue;
		if (rc != HL_OK)
			return (-1);
		m = month_of(t.issued);
		snprintf(month, sizeof(month), "%04u-%02u", m / 100, m % 100);
		json_object_set_new(e->tk[i].row, "ticket_unit",
		    export_str(t.unit));
		json_object_set_new(e->tk[i].row, "ticket_month",
		    m != 0 ? json_string(month) : json_null());
		json_object_set_new(e->tk[i].row, "counter",
		    export_str(t.counter));
		json_object_set_new(e->tk[i].row, "officer",
		    export_str(t.officer));
		json_object_set_new(e->tk[i].row, "officer_name",
		    export_str(t.officer_name));
	}
	return (0);
}

static int
export_row(const struct response *r, void *arg)
{
	struct export			*e = arg;
	const struct survey		*sv = e->sv;
	const struct survey_question	*q;
	char				 when[32], month[16], code[CODE_LEN + 1];
	char				 reasons[512];
	size_t				 i, k;
	json_t				*o, *ra;
	int				 overall = 0;

	if (r->answered < e->from || r->answered >= e->to)
		return (0);
	/* The survey's rows only: their columns are its questions. */
	if (strcmp(r->survey, sv->id) != 0 && !(survey_is_procedure(
	    r->survey) && sv == e->procedure))
		return (0);
	format_time(r->answered, when);
	snprintf(month, sizeof(month), "%04u-%02u", r->month / 100,
	    r->month % 100);
	code[0] = '\0';
	if (r->has_ticket)
		token_code(r->ticket, code);
	reasons[0] = '\0';
	ra = json_array();
	for (i = 0; i < r->nanswers; i++) {
		if (strcmp(r->answers[i].q, SURVEY_OVERALL) == 0)
			overall = r->answers[i].level;
		else if (strcmp(r->answers[i].q, SURVEY_REASONS) == 0) {
			const char *id = export_option(sv->reasons,
			    r->answers[i].level);

			if (reasons[0] != '\0')
				strlcat(reasons, ";", sizeof(reasons));
			strlcat(reasons, id, sizeof(reasons));
			json_array_append_new(ra, json_string(id));
		}
	}
	if (e->json) {
		o = json_pack("{s:s, s:s, s:s, s:s?, s:s, s:s, s:s, s:s, s:i,"
		    " s:s, s:i, s:o, s:s, s:b}",
		    "answered_at", when, "month", month,
		    "channel", channel_name(r->channel),
		    "ticket_code", r->has_ticket ? code : NULL,
		    "procedure", r->procedure, "sector", export_sector(r),
		    "unit", r->unit, "survey", r->survey,
		    "survey_version", (int)r->survey_version, "lang", r->lang,
		    "overall", overall, "reasons", ra,
		    "comment", r->comment,
		    "suspect", (r->flags & RESPONSE_SUSPECT) != 0);
		for (k = 1; k < sv->nquestions; k++) {
			q = &sv->questions[k];
			if (q == sv->reasons)
				continue;
			json_object_set_new(o, q->id, json_null());
			for (i = 0; i < r->nanswers; i++)
				if (strcmp(r->answers[i].q, q->id) == 0)
					json_object_set_new(o, q->id,
					    json_string(export_option(q,
					    r->answers[i].level)));
		}
		export_ticket_null(o);
		if (r->has_ticket) {
			if (e->ntk == e->captk) {
				e->captk = e->captk == 0 ? 1024 : e->captk * 2;
				e->tk = xrealloc(e->tk, e->captk *
				    sizeof(*e->tk));
			}
			e->tk[e->ntk].row = o;
			memcpy(e->tk[e->ntk++].id, r->ticket, TICKET_ID_LEN);
		}
		json_array_append_new(e->rows, o);
		e->n++;
		return (0);
	}
	json_decref(ra);
	fprintf(e->out, "%s,%s,%s,%s,", when, month, channel_name(r->channel),
	    code);
	export_csv_cell(e->out, r->procedure);
	fputc(',', e->out);
	export_csv_cell(e->out, export_sector(r));
	fputc(',', e->out);
	export_csv_cell(e->out, r->unit);
	fputc(',', e->out);
	export_csv_cell(e->out, r->survey);
	fprintf(e->out, ",%u,%s,%d", r->survey_version, r->lang, overall);
	for (k = 1; k < sv->nquestions; k++) {
		q = &sv->questions[k];
		if (q == sv->reasons)
			continue;
		fputc(',', e->out);
		for (i = 0; i < r->nanswers; i++)
			if (strcmp(r->answers[i].q, q->id) == 0)
				fputs(export_option(q, r->answers[i].level),
				    e->out);
	}
	fputc(',', e->out);
	export_csv_cell(e->out, reasons);
	fputc(',', e->out);
	export_csv_cell(e->out, r->comment);
	fprintf(e->out, ",%s\r\n", (r->flags & RESPONSE_SUSPECT) != 0 ?
	    "có" : "không");
	e->n++;
	return (0);
}

/* --format evaluations: the records for the national system. */
static int
export_evaluations(struct app *a, const char *period, const char *as,
    const char *unit, const char *outpath)
{
	struct evaluation_opts	 o;
	struct report_period	 pd;
	struct buf		 b;
	FILE			*f = stdout;
	long			 n;
	char			 why[128];
	int			 rc = 1;

	memset(&o, 0, sizeof(o));
	if (period == NULL)
		cmd_usage_error(&cmd_export, "--period: required with "
		    "--format evaluations");
	if (report_period_parse(period, strlen(period), month_of(now_sec()),
	    &pd, why, sizeof(why)) == -1)
		cmd_usage_error(&cmd_export, "%s", why);
	if (as != NULL && strcmp(as, "csv") != 0 && strcmp(as, "jsonl") != 0)
		cmd_usage_error(&cmd_export, "--as: want jsonl or csv");
	if (unit != NULL && catalog_unit(a->cat, unit, strlen(unit)) == NULL)
		cmd_usage_error(&cmd_export, "--unit: no such unit");
	o.from = pd.from;
	o.to = pd.to;
	o.unit = unit;
	o.csv = as != NULL && strcmp(as, "csv") == 0;
	buf_init(&b, SIZE_MAX / 2);
	n = evaluation_write(a->st, a->cat, a->sch->sv, &o, &b);
	if (n < 0) {
		fprintf(stderr, "hailong: export: cannot read the "
		    "evaluations\n");
		goto out;
	}
	if (outpath != NULL && (f = fopen(outpath, "w")) == NULL) {
		fprintf(stderr, "hailong: export: %s: cannot write\n",
		    outpath);
		goto out;
	}
	if ((b.len > 0 && fwrite(b.data, 1, b.len, f) != b.len) ||
	    fflush(f) != 0) {
		fprintf(stderr, "hailong: export: write error\n");
		goto out;
	}
	rc = 0;
out:
	if (f != stdout && f != NULL)
		fclose(f);
	buf_clear(&b);
	return (rc);
}

static int
export_run(int argc, char **argv)
{
	const char	*data = NULL, *format = NULL, *from = NULL, *to = NULL;
	const char	*outpath = NULL, *file = NULL, *survey = NULL;
	const char	*period = NULL, *as = NULL, *unit = NULL;
	const struct flag flags[] = {
		{ "data", &data }, { "format", &format }, { "from", &from },
		{ "to", &to }, { "o", &outpath }, { "config", &file },
		{ "survey", &survey }, { "period", &period }, { "as", &as },
		{ "unit", &unit }, { NULL, NULL }
	};
	struct config	 cfg;
	struct app	 a;
	struct export	 e;
	uint64_t	 lo = 0, hi = UINT64_MAX;
	char		 why[512], *s;
	size_t		 k;
	int		 rc = 1;

	cmd_flags(&cmd_export, argc, argv, flags);
	if (format == NULL || (strcmp(format, "csv") != 0 &&
	    strcmp(format, "json") != 0 && strcmp(format, "evaluations") != 0))
		cmd_usage_error(&cmd_export, "--format: want csv, json or "
		    "evaluations");
	if (strcmp(format, "evaluations") == 0 ? (from != NULL ||
	    to != NULL || survey != NULL) : (period != NULL || as != NULL ||
	    unit != NULL))
		cmd_usage_error(&cmd_export, "--period, --as and --unit go "
		    "with --format evaluations only; --from, --to and --survey "
		    "without it");
	cmd_config(&cmd_export, &cfg, file, data, NULL, NULL);
	if (app_open(&a, &cfg, APP_STORE | APP_SCHEMA, why, sizeof(why)) == -1)
		fatal("%s", why);
	if (strcmp(format, "evaluations") == 0) {
		rc = export_evaluations(&a, period, as, unit, outpath);
		app_close(&a);
		return (rc);
	}

	memset(&e, 0, sizeof(e));
	e.sv = e.procedure = a.sch->sv;
	if (survey != NULL && (e.sv = surveys_find(&a.sch->surveys, survey,
	    strlen(survey))) == NULL) {
		app_close(&a);
		cmd_usage_error(&cmd_export, "--survey: no such survey");
	}
	e.json = strcmp(format, "json") == 0;
	e.from = INT64_MIN;
	e.to = INT64_MAX;
	if ((from != NULL && parse_date(from, &e.from) == -1) ||
	    (to != NULL && parse_date(to, &e.to) == -1)) {
		app_close(&a);
		cmd_usage_error(&cmd_export, "--from/--to: want YYYY-MM-DD");
	}
	if (to != NULL)
		e.to += 86400;	/* the whole last day */
	if (from != NULL && e.from > 0)
		lo = (uint64_t)e.from * 1000000u;
	if (to != NULL && e.to > 0)
		hi = (uint64_t)(e.to + EXPORT_LAG_SEC) * 1000000u;
	e.out = stdout;
	if (outpath != NULL && (e.out = fopen(outpath, "w")) == NULL) {
		app_close(&a);
		fatal("%s: cannot write", outpath);
	}
	if (e.json)
		e.rows = json_array();
	else {
		fputs("\xef\xbb\xbf" "answered_at,month,channel,ticket_code,"
		    "procedure,sector,unit,survey,survey_version,lang,overall",
		    e.out);
		for (k = 1; k < e.sv->nquestions; k++)
			if (&e.sv->questions[k] != e.sv->reasons)
				fprintf(e.out, ",%s", e.sv->questions[k].id);
		fputs(",reasons,comment,suspect\r\n", e.out);
	}
	if (store_each_response(a.st, lo, hi, export_row, &e) != 0) {
		fprintf(stderr, "hailong: export: cannot read the responses\n");
		goto out;
	}
	if (e.json) {
		if (export_tickets(a.st, &e) == -1) {
			fprintf(stderr, "hailong: export: cannot read the "
			    "tickets\n");
			goto out;
		}
		if ((s = json_dumps(e.rows, JSON_INDENT(1))) == NULL)
			goto out;
		fprintf(e.out, "%s\n", s);
		free(s);
	}
	rc = 0;
out:
	free(e.tk);
	json_decref(e.rows);
	if (fflush(e.out) != 0 || ferror(e.out)) {
		fprintf(stderr, "hailong: export: write error\n");
		rc = 1;
	}
	if (e.out != stdout)
		fclose(e.out);
	app_close(&a);
	return (rc);
}
