/*
 * cmd_report.c: hailong report — the monthly report written to a file
 * without a server (for a monthly cron job); and hailong dev-fill, a
 * development command that fills a data directory with synthetic
 * tickets and answers through the writer, for benchmarks and tests.
 * Trap: dev-fill dates its records in past months by setting the issue
 * and answer times; the writer takes each record's month from them, so
 * the aggregates are the ones real traffic would have made.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "cmd.h"
#include "crypto.h"
#include "report.h"
#include "tpl.h"
#include "util.h"

#define DEVFILL_CHUNK		4096
#define DEVFILL_ANSWERS_MAX	100000000LL
#define DEVFILL_MONTHS_MAX	36

static int report_run(int, char **);
static int devfill_run(int, char **);

const struct cmd cmd_report = {
	"report", "write the satisfaction report of a month or a period",
	"usage: hailong report --data DIR [--month YYYY-MM | --period P] "
	    "--format html|json|csv|xlsx\n"
	    "         [--unit CODE] [--sector CODE] [--min N] "
	    "[--tree recorded|current]\n"
	    "         [--comments yes|no] [-o FILE]\n"
	    "\n"
	    "Writes the report of one month (the province's time zone) as\n"
	    "GET /reports/monthly shows it, or of a period P as GET /reports\n"
	    "does: a month (2026-11), a quarter (2026-Q4), a year (2026) or a\n"
	    "range of whole months (2026-01..2026-06, at most 36, not ending\n"
	    "after this month). Per sector and overall against the targets,\n"
	    "per unit (worst first), per question, response rate, channels,\n"
	    "a trend and the period's comments; provisional until 7 days\n"
	    "after the period's end.\n"
	    "--unit limits it to a unit's subtree, --sector to one sector,\n"
	    "--min sets the answers below which a unit is not ranked\n"
	    "(default 30), --tree the unit tree: as recorded (default) or\n"
	    "the current one (retired units under their successors).\n"
	    "Without -o it goes to standard output (XLSX\n"
	    "too). Safe while the server runs on DIR.\n",
	report_run
};

const struct cmd cmd_devfill = {
	"dev-fill", "development: fill a data directory with test answers",
	"usage: hailong dev-fill --data DIR --answers N [--units U] "
	    "[--months M] [--end YYYY-MM] [--seed S]\n"
	    "\n"
	    "Development only. Issues tickets and stores N synthetic answers\n"
	    "through the writer, spread over M months (default 1) ending\n"
	    "with --end (default this month), the first U units of the\n"
	    "unit list (default all) and every sector. About 80% of the answers come\n"
	    "through a ticket, 20% from a kiosk without one; about 2% carry\n"
	    "a comment; a third of the tickets stay unanswered. Creates DIR\n"
	    "when missing. Never run it on a real data directory.\n",
	devfill_run
};

static int
report_run(int argc, char **argv)
{
	const char	*data = NULL, *month = NULL, *format = NULL;
	const char	*outpath = NULL, *file = NULL, *unit = NULL;
	const char	*sector = NULL, *min = NULL, *comments = NULL;
	const char	*period = NULL, *tree = NULL;
	const struct flag flags[] = {
		{ "data", &data }, { "month", &month }, { "format", &format },
		{ "o", &outpath }, { "config", &file }, { "unit", &unit },
		{ "sector", &sector }, { "min", &min },
		{ "comments", &comments }, { "period", &period },
		{ "tree", &tree }, { NULL, NULL }
	};
	struct config		 cfg;
	struct app		 a;
	struct report		 rep;
	struct report_opts	 o;
	struct report_period	 pd;
	struct buf		 b;
	struct tplset		*ts = NULL;
	FILE			*f = stdout;
	char			 why[512], dir[PATH_MAX + 16];
	long long		 v;
	int			 rc = 1, built = 0;

	cmd_flags(&cmd_report, argc, argv, flags);
	if (format == NULL || (strcmp(format, "html") != 0 &&
	    strcmp(format, "json") != 0 && strcmp(format, "csv") != 0 &&
	    strcmp(format, "xlsx") != 0))
		cmd_usage_error(&cmd_report, "--format: want html, json, csv "
		    "or xlsx");
	memset(&o, 0, sizeof(o));
	if (report_tree_parse(tree, &o.tree) == -1)
		cmd_usage_error(&cmd_report, "--tree: want recorded or "
		    "current");
	if (min != NULL) {
		if (parse_num(min, strlen(min), 1, REPORT_MIN_MAX, &v) == -1)
			cmd_usage_error(&cmd_report, "--min: want a number");
		o.min_responses = (uint64_t)v;
	}
	if (comments != NULL && strcmp(comments, "yes") != 0 &&
	    strcmp(comments, "no") != 0)
		cmd_usage_error(&cmd_report, "--comments: want yes or no");
	o.no_comments = comments != NULL && strcmp(comments, "no") == 0;
	if (month != NULL && (o.month = report_month_parse(month,
	    strlen(month))) == 0)
		cmd_usage_error(&cmd_report, "--month: want YYYY-MM");
	if (period != NULL && month != NULL)
		cmd_usage_error(&cmd_report, "give --month or --period, not "
		    "both");
	/* Before opening anything: a workbook needs libxlsxwriter. */
	if (strcmp(format, "xlsx") == 0 &&
	    report_xlsx_ready(why, sizeof(why)) == -1)
		fatal("report: XLSX unavailable: %s", why);
	cmd_config(&cmd_report, &cfg, file, data, NULL, NULL);
	if (app_open(&a, &cfg, APP_STORE | APP_SCHEMA, why, sizeof(why)) == -1)
		fatal("%s", why);
	if (period != NULL) {
		/* After app_open(): this month is the province's. */
		if (report_period_parse(period, strlen(period),
		    month_of(now_sec()), &pd, why, sizeof(why)) == -1) {
			app_close(&a);
			cmd_usage_error(&cmd_report, "--%s", why);
		}
		o.period = &pd;
	} else if (month == NULL)
		o.month = month_of(now_sec());
	o.unit = unit;
	o.sector = sector;
	o.ind = a.sch->ind;
	buf_init(&b, REPORT_OUT_MAX);
	if (report_build(&rep, a.st, a.cat, a.sch->sv, &o, why, sizeof(why)) !=
	    HL_OK) {
		fprintf(stderr, "hailong: report: %s\n", why);
		goto out;
	}
	built = 1;
	if (strcmp(format, "json") == 0) {
		if (report_json_text(&rep, 1, &b) == -1)
			goto fail;
	} else if (strcmp(format, "csv") == 0) {
		if (report_csv(&rep, &b) == -1)
			goto fail;
	} else if (strcmp(format, "html") == 0) {
		snprintf(dir, sizeof(dir), "%s/templates", a.share);
		if (tpl_load(dir, &ts, why, sizeof(why)) == -1) {
			fprintf(stderr, "hailong: report: %s\n", why);
			goto out;
		}
		if (report_html(&rep, tpl_get(ts, "report"), NULL, &b) == -1)
			goto fail;
	} else if (outpath != NULL) {
		if (report_xlsx(&rep, outpath) == -1)
			goto fail;
		rc = 0;
		goto out;
	} else if (report_xlsx_buf(&rep, "/tmp", &b) == -1)
		goto fail;
	if (outpath != NULL && (f = fopen(outpath, "wb")) == NULL) {
		fprintf(stderr, "hailong: report: %s: cannot write\n",
		    outpath);
		goto out;
	}
	if (b.len > 0 && fwrite(b.data, 1, b.len, f) != b.len)
		goto fail;
	if (fflush(f) != 0 || ferror(f))
		goto fail;
	rc = 0;
	goto out;
fail:
	fprintf(stderr, "hailong: report: cannot write the %s report\n",
	    format);
out:
	if (f != stdout && f != NULL)
		fclose(f);
	buf_clear(&b);
	tpl_free(ts);
	if (built)
		report_free(&rep);
	app_close(&a);
	return (rc);
}

/* ------------------------------------------------------------ dev-fill */

struct fill {
	pthread_mutex_t	 mtx;
	pthread_cond_t	 cv;
	size_t		 pending;
	size_t		 failed;
};

static uint64_t
fill_rand(uint64_t *s)
{
	/* xorshift64*: fast and good enough for test data. */
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return (*s * 2685821657736338717ULL);
}

static void
fill_done(struct wop *op, void *arg)
{
	struct fill	*fl = arg;

	pthread_mutex_lock(&fl->mtx);
	if (op->rc != HL_OK)
		fl->failed++;
	if (--fl->pending == 0)
		pthread_cond_signal(&fl->cv);
	pthread_mutex_unlock(&fl->mtx);
}

static void
fill_submit(struct app *a, struct fill *fl, struct wop *ops, size_t n)
{
	size_t	 i;

	pthread_mutex_lock(&fl->mtx);
	fl->pending = n;
	pthread_mutex_unlock(&fl->mtx);
	for (i = 0; i < n; i++) {
		ops[i].done = fill_done;
		ops[i].arg = fl;
		writer_submit(a->w, &ops[i]);
	}
	pthread_mutex_lock(&fl->mtx);
	while (fl->pending > 0)
		pthread_cond_wait(&fl->cv, &fl->mtx);
	pthread_mutex_unlock(&fl->mtx);
}

/* An overall level, mostly satisfied, varying by unit and sector. */
static int
fill_level(uint64_t *s, size_t ui, size_t si)
{
	unsigned	 r = (unsigned)(fill_rand(s) % 1000);
	unsigned	 bad = 40 + (unsigned)((ui * 37 + si * 11) % 120);

	if (r < bad / 2)
		return (1 + (int)(r % 2));
	if (r < bad)
		return (3);
	return (r % 3 == 0 ? 4 : 5);
}

static void
fill_answers(const struct survey *sv, struct response *r, int level,
    uint64_t *s)
{
	const struct survey_question	*q;
	size_t				 i;

	r->nanswers = 0;
	strlcpy(r->answers[0].q, SURVEY_OVERALL, sizeof(r->answers[0].q));
	r->answers[0].level = (uint8_t)level;
	r->nanswers = 1;
	for (i = 0; i < sv->nquestions && r->nanswers < RESPONSE_ANSWERS_MAX;
	    i++) {
		q = &sv->questions[i];
		if (q == sv->overall || q->noptions == 0)
			continue;
		if (q == sv->reasons && level > SURVEY_LOW_LEVEL)
			continue;
		if (q != sv->reasons && fill_rand(s) % 4 == 0)
			continue;	/* optional, unanswered */
		strlcpy(r->answers[r->nanswers].q, q->id,
		    sizeof(r->answers[0].q));
		r->answers[r->nanswers].level = (uint8_t)(1 +
		    fill_rand(s) % q->noptions);
		r->nanswers++;
	}
}

static int
devfill_run(int argc, char **argv)
{
	const char	*data = NULL, *answers = NULL, *units = NULL;
	const char	*months = NULL, *seed = NULL, *file = NULL;
	const char	*end = NULL;
	const struct flag flags[] = {
		{ "data", &data }, { "answers", &answers }, { "units", &units },
		{ "months", &months }, { "seed", &seed }, { "config", &file },
		{ "end", &end }, { NULL, NULL }
	};
	struct config	 cfg;
	struct app	 a;
	struct fill	 fl;
	struct wop	*tops, *aops;
	const struct keyring *kr;
	long long	 n, nu = 0, nm = 1, sd = 1;
	long long	 done = 0, tickets = 0;
	uint64_t	 rs;
	int64_t		 now = now_sec(), t0, t1, when;
	uint32_t	 m0, mend = 0;
	size_t		 i, k, ui, si, na;
	char		 why[512];
	int		 lv, rc = 1;

	cmd_flags(&cmd_devfill, argc, argv, flags);
	if (answers == NULL || parse_num(answers, strlen(answers), 0,
	    DEVFILL_ANSWERS_MAX, &n) == -1)
		cmd_usage_error(&cmd_devfill, "--answers: want a number");
	if (units != NULL && parse_num(units, strlen(units), 1,
	    CATALOG_UNITS_MAX, &nu) == -1)
		cmd_usage_error(&cmd_devfill, "--units: want a number");
	if (months != NULL && parse_num(months, strlen(months), 1,
	    DEVFILL_MONTHS_MAX, &nm) == -1)
		cmd_usage_error(&cmd_devfill, "--months: want 1 to 36");
	if (seed != NULL && parse_num(seed, strlen(seed), 1,
	    (long long)INT64_MAX, &sd) == -1)
		cmd_usage_error(&cmd_devfill, "--seed: want a number");
	if (end != NULL && (mend = report_month_parse(end,
	    strlen(end))) == 0)
		cmd_usage_error(&cmd_devfill, "--end: want YYYY-MM");
	cmd_config(&cmd_devfill, &cfg, file, data, NULL, NULL);
	cfg.max_batch = WRITER_BATCH_MAX;	/* no one waits on a reply */
	if (app_open(&a, &cfg, APP_STORE | APP_WRITER | APP_SCHEMA |
	    APP_CREATE, why, sizeof(why)) == -1)
		fatal("%s", why);
	if (a.cat->nunits == 0 || a.cat->nsectors == 0) {
		fprintf(stderr, "hailong: dev-fill: no units or sectors\n");
		goto out;
	}
	if (nu == 0 || (size_t)nu > a.cat->nunits)
		nu = (long long)a.cat->nunits;
	/* Test data: one sync at the end, not one per batch. */
	if (store_bulk(a.st, 1) == -1)
		fatal("%s: cannot turn off syncing", cfg.data);
	kr = store_keyring(a.st);
	rs = (uint64_t)sd * 0x9E3779B97F4A7C15ULL + 1;
	memset(&fl, 0, sizeof(fl));
	pthread_mutex_init(&fl.mtx, NULL);
	pthread_cond_init(&fl.cv, NULL);
	tops = xcalloc(2 * DEVFILL_CHUNK, sizeof(*tops));
	aops = xcalloc(DEVFILL_CHUNK, sizeof(*aops));
	if (mend == 0 || mend > month_of(now))
		mend = month_of(now);
	m0 = report_month_add(mend, -(int)(nm - 1));
	while (done < n) {
		size_t	 nt = 0;

		na = (size_t)(n - done < DEVFILL_CHUNK ? n - done :
		    DEVFILL_CHUNK);
		memset(aops, 0, na * sizeof(*aops));
		/* Tickets first (answered ones and some left open). */
		for (i = 0; i < na; i++) {
			struct response	*r = &aops[i].u.answer.r;
			uint32_t	 mo;

			mo = report_month_add(m0, (int)(fill_rand(&rs) %
			    (uint64_t)nm));
			t0 = report_month_start(mo);
			t1 = report_month_start(report_month_add(mo, 1));
			if (t1 > now)
				t1 = now;
			when = t0 + (int64_t)(fill_rand(&rs) % (uint64_t)
			    (t1 - t0 > 1 ? t1 - t0 : 1));
			ui = (size_t)(fill_rand(&rs) % (uint64_t)nu);
			si = (size_t)(fill_rand(&rs) % a.cat->nsectors);
			lv = fill_level(&rs, ui, si);
			aops[i].kind = WOP_ANSWER;
			r->answered = when;
			r->channel = fill_rand(&rs) % 5 == 0 ? CHANNEL_WALKIN :
			    fill_rand(&rs) % 4 == 0 ? CHANNEL_KIOSK :
			    CHANNEL_QR;
			if (r->channel == CHANNEL_WALKIN &&
			    fill_rand(&rs) % 20 == 0)
				r->flags |= RESPONSE_SUSPECT;
			strlcpy(r->sector, a.cat->sectors[si].code,
			    sizeof(r->sector));
			strlcpy(r->unit, a.cat->units[ui].code,
			    sizeof(r->unit));
			strlcpy(r->procedure, "DEV", sizeof(r->procedure));
			strlcpy(r->survey, a.sch->sv->id, sizeof(r->survey));
			r->survey_version = a.sch->sv->version;
			strlcpy(r->lang, "vi", sizeof(r->lang));
			fill_answers(a.sch->sv, r, lv, &rs);
			if (fill_rand(&rs) % 50 == 0)
				r->comment_len = (size_t)snprintf(r->comment,
				    sizeof(r->comment), "Góp ý thử nghiệm số "
				    "%lld: mức %d", done + (long long)i, lv);
			if (r->channel == CHANNEL_WALKIN)
				continue;
			/* Its ticket, issued the same month. */
			for (k = 0; k < 2 && nt < 2 * DEVFILL_CHUNK; k++) {
				struct ticket *t = &tops[nt].u.ticket.t;

				memset(&tops[nt], 0, sizeof(tops[nt]));
				tops[nt].kind = WOP_TICKET;
				crypto_random(t->id, sizeof(t->id));
				t->kid = kr->kid[kr->current];
				t->issued = when - 60 < t0 ? t0 : when - 60;
				t->expires = now + 86400;
				strlcpy(t->procedure, "DEV",
				    sizeof(t->procedure));
				strlcpy(t->sector, r->sector,
				    sizeof(t->sector));
				strlcpy(t->unit, r->unit, sizeof(t->unit));
				if (k == 0) {
					r->has_ticket = 1;
					memcpy(r->ticket, t->id,
					    sizeof(r->ticket));
				}
				nt++;
				/* Every other answer's ticket has a twin
				 * that stays unanswered. */
				if (fill_rand(&rs) % 2 == 0)
					break;
			}
		}
		fill_submit(&a, &fl, tops, nt);
		tickets += (long long)nt;
		fill_submit(&a, &fl, aops, na);
		done += (long long)na;
	}
	if (store_bulk(a.st, 0) == -1) {
		fprintf(stderr, "hailong: dev-fill: cannot sync the store\n");
		goto out2;
	}
	if (fl.failed > 0) {
		fprintf(stderr, "hailong: dev-fill: %zu writes failed\n",
		    fl.failed);
		goto out2;
	}
	printf("dev-fill: %lld answers, %lld tickets, %lld units, %lld "
	    "months\n", done, tickets, nu, nm);
	rc = 0;
out2:
	free(tops);
	free(aops);
	pthread_mutex_destroy(&fl.mtx);
	pthread_cond_destroy(&fl.cv);
out:
	app_close(&a);
	return (rc);
}
