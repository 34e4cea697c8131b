/*
 * cmd_dossiers.c: hailong dossiers import — the monthly statistics a
 * one-stop system prints (received, settled on time, settled late,
 * refused, withdrawn per month, agency and procedure), for what its
 * events miss.
 * Traps: a file is imported whole or not at all: every row is checked
 * first (each error as file:line: reason), then all go to the writer in
 * one operation, which refuses them all when a row differs from one
 * imported before; a row whose month, agency and procedure events of
 * the one-stop software already cover is refused too, so that no
 * dossier is counted twice. An XLSX file (its first worksheet,
 * xlsxread.c) has the same columns and checks, its errors as FILE: row
 * N: reason (the row a clerk sees in Excel).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "cmd.h"
#include "csvfile.h"
#include "report.h"
#include "util.h"
#include "xlsxread.h"

#define DSTAT_FILE_MAX		(64u * 1024 * 1024)
#define DSTAT_ROWS_MAX		200000
#define DSTAT_ERRORS_SHOWN	50

static int dossiers_run(int, char **);

const struct cmd cmd_dossiers = {
	"dossiers", "import a one-stop system's monthly dossier statistics",
	"usage: hailong dossiers import --data DIR FILE\n"
	    "\n"
	    "Imports FILE, a CSV file (UTF-8, optional byte order mark, '#'\n"
	    "lines ignored) or an XLSX file (its first worksheet; a name\n"
	    "ending in .xlsx, or a zip archive) with the header row\n"
	    "  month,agency,procedure,received,settled_on_time,settled_late,"
	    "refused,withdrawn\n"
	    "and one row per month (YYYY-MM), agency (a unit code) and\n"
	    "procedure code, the counts whole numbers: what one-stop systems\n"
	    "print in their monthly statistics. Decision 766's ratio counts\n"
	    "their settled and refused dossiers where no dossier event covers\n"
	    "the same month, agency and procedure. Every row is checked\n"
	    "(FILE:LINE: reason) and the file is imported whole or not at\n"
	    "all; importing the same rows again changes nothing; a row that\n"
	    "differs from one imported before, or whose month, agency and\n"
	    "procedure dossier events already cover, is refused. In XLSX the\n"
	    "month is text (2026-11) or a date; a formula counts by the\n"
	    "value Excel saved with it. Safe while the server runs on DIR.\n",
	dossiers_run
};

static const char *const dstat_header[] = {
	"month", "agency", "procedure", "received", "settled_on_time",
	"settled_late", "refused", "withdrawn"
};

struct dstat_read {
	const struct app	*a;
	const char		*path;
	uint32_t		 this_month;
	struct dossier_stat	*rows;
	int			*lines;
	size_t			 n, cap;
	long			 errors;
	int			 xlsx;	/* errors as "row N" */
};

static void
dstat_error(struct dstat_read *d, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
dstat_error(struct dstat_read *d, int line, const char *fmt, ...)
{
	va_list	 ap;

	if (d->errors++ >= DSTAT_ERRORS_SHOWN)
		return;
	fprintf(stderr, d->xlsx ? "%s: row %d: " : "%s:%d: ", d->path, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int
dstat_code_ok(const char *s, size_t len, size_t max)
{
	size_t	 i;

	if (len == 0 || len > max)
		return (0);
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '.' || s[i] == '_' || s[i] == '-'))
			return (0);
	return (1);
}

static int
dstat_row(struct csvfile *x, void *arg)
{
	struct dstat_read	*d = arg;
	struct dossier_stat	 ds;
	uint64_t		*counts[5];
	long long		 v;
	size_t			 i;
	int			 bad = 0;

	memset(&ds, 0, sizeof(ds));
	counts[0] = &ds.received;
	counts[1] = &ds.on_time;
	counts[2] = &ds.late;
	counts[3] = &ds.refused;
	counts[4] = &ds.withdrawn;
	if ((ds.month = report_month_parse(x->f[0], x->flen[0])) == 0) {
		dstat_error(d, x->recline, "month: want YYYY-MM");
		bad = 1;
	} else if (ds.month > d->this_month) {
		dstat_error(d, x->recline, "month: not over yet");
		bad = 1;
	}
	if (!dstat_code_ok(x->f[1], x->flen[1], UNIT_CODE_MAX) ||
	    catalog_unit(d->a->cat, x->f[1], x->flen[1]) == NULL) {
		dstat_error(d, x->recline, "agency: not in the unit list");
		bad = 1;
	} else
		memcpy(ds.agency, x->f[1], x->flen[1]);
	if (!dstat_code_ok(x->f[2], x->flen[2], PROC_CODE_MAX)) {
		dstat_error(d, x->recline, "procedure: 1 to %d of A-Z, a-z, "
		    "0-9, '.', '_', '-'", PROC_CODE_MAX);
		bad = 1;
	} else
		memcpy(ds.procedure, x->f[2], x->flen[2]);
	for (i = 0; i < 5; i++) {
		if (parse_num(x->f[3 + i], x->flen[3 + i], 0, DSTAT_COUNT_MAX,
		    &v) == -1) {
			dstat_error(d, x->recline, "%s: want a whole number "
			    "from 0 to %d", dstat_header[3 + i],
			    DSTAT_COUNT_MAX);
			bad = 1;
		} else
			*counts[i] = (uint64_t)v;
	}
	if (bad)
		return (0);
	for (i = 0; i < d->n; i++)
		if (d->rows[i].month == ds.month &&
		    strcmp(d->rows[i].agency, ds.agency) == 0 &&
		    strcmp(d->rows[i].procedure, ds.procedure) == 0) {
			dstat_error(d, x->recline, "the same month, agency and "
			    "procedure as line %d", d->lines[i]);
			return (0);
		}
	if (d->n == DSTAT_ROWS_MAX) {
		dstat_error(d, x->recline, "more than %d rows",
		    DSTAT_ROWS_MAX);
		return (-1);
	}
	if (d->n == d->cap) {
		d->cap = d->cap == 0 ? 256 : d->cap * 2;
		d->rows = xrealloc(d->rows, d->cap * sizeof(*d->rows));
		d->lines = xrealloc(d->lines, d->cap * sizeof(*d->lines));
	}
	ds.imported = now_sec();
	d->rows[d->n] = ds;
	d->lines[d->n++] = x->recline;
	return (0);
}

/*
 * A row of an XLSX sheet: the header first, then each row through the
 * CSV's checks; a month may be a date (its YYYY-MM) and a count a
 * number.
 */
struct dstat_xlsx {
	struct dstat_read	*d;
	int			 header_done;
};

static int
dstat_xlsx_row(const struct xlsx_row *r, void *arg)
{
	struct dstat_xlsx	*xs = arg;
	struct dstat_read	*d = xs->d;
	const size_t		 nh = sizeof(dstat_header) /
				    sizeof(dstat_header[0]);
	struct csvfile		 x;
	char			 month[8];
	size_t			 i;

	if (r->ncols > nh) {
		dstat_error(d, r->row, "%zu columns, want %zu (%s, ...)",
		    r->ncols, nh, dstat_header[0]);
		return (xs->header_done ? 0 : -1);
	}
	if (!xs->header_done) {
		for (i = 0; i < nh; i++)
			if (i >= r->ncols || r->cells[i].kind != XK_TEXT ||
			    strcmp(r->cells[i].s, dstat_header[i]) != 0) {
				dstat_error(d, r->row, "want the header row "
				    "month, agency, procedure, received, "
				    "settled_on_time, settled_late, refused, "
				    "withdrawn; column %c is not %s",
				    (char)('A' + i), dstat_header[i]);
				return (-1);
			}
		xs->header_done = 1;
		return (0);
	}
	memset(&x, 0, sizeof(x));
	x.recline = r->row;
	x.nf = nh;
	for (i = 0; i < nh; i++) {
		x.f[i] = i < r->ncols ? (char *)r->cells[i].s : "";
		x.flen[i] = i < r->ncols ? r->cells[i].len : 0;
	}
	if (r->ncols > 0 && r->cells[0].kind == XK_DATE) {
		memcpy(month, r->cells[0].s, 7);
		month[7] = '\0';
		x.f[0] = month;
		x.flen[0] = 7;
	} else if (r->ncols > 0 && r->cells[0].kind == XK_NUMBER) {
		dstat_error(d, r->row, "month: want YYYY-MM as text or a "
		    "date, not the number %s", r->cells[0].s);
		return (0);
	}
	return (dstat_row(&x, d));
}

/* Whether path is an XLSX file: its name, or a zip archive's bytes. */
static int
dstat_is_xlsx(const char *path)
{
	unsigned char	 b[4];
	size_t		 n = strlen(path), got = 0;
	FILE		*f;

	if (n >= 5 && strcasecmp(path + n - 5, ".xlsx") == 0)
		return (1);
	if ((f = fopen(path, "rb")) != NULL) {
		got = fread(b, 1, sizeof(b), f);
		fclose(f);
	}
	return (got == 4 && memcmp(b, "PK\003\004", 4) == 0);
}

/* Rows whose month, agency and procedure dossier events cover. */
struct dstat_cover {
	struct dstat_read	*d;
	size_t			*events;	/* per row */
};

static int
dstat_cover_one(const struct dossier *dd, const struct dossier_ratings *rt,
    void *arg)
{
	struct dstat_cover	*c = arg;
	const char		*unit = dossier_count_unit(dd);
	uint32_t		 mr, ms;
	size_t			 i;

	(void)rt;
	mr = dd->received != 0 ? month_of(dd->received) : 0;
	ms = dd->settled != 0 ? month_of(dd->settled) : 0;
	for (i = 0; i < c->d->n; i++)
		if ((c->d->rows[i].month == mr || c->d->rows[i].month == ms) &&
		    strcmp(c->d->rows[i].agency, unit) == 0 &&
		    strcmp(c->d->rows[i].procedure, dd->procedure) == 0)
			c->events[i]++;
	return (0);
}

static int
dstat_import(struct app *a, const char *path)
{
	struct dstat_read	 d;
	struct dstat_cover	 cv;
	struct csvfile		 x;
	struct wop		 op;
	char			 why[CSVFILE_WHY_MAX], when[32];
	size_t			 i, same = 0;
	int			 rc = 1;

	memset(&d, 0, sizeof(d));
	memset(&cv, 0, sizeof(cv));
	memset(&op, 0, sizeof(op));
	d.a = a;
	d.path = path;
	d.this_month = month_of(now_sec());
	memset(&x, 0, sizeof(x));
	x.path = path;
	x.header = dstat_header;
	x.nheader = sizeof(dstat_header) / sizeof(dstat_header[0]);
	x.why = why;
	x.whylen = sizeof(why);
	x.row = dstat_row;
	x.arg = &d;
	if (dstat_is_xlsx(path)) {
		struct dstat_xlsx	 xs = { &d, 0 };
		char			 xwhy[XLSXREAD_WHY_MAX];

		d.xlsx = 1;
		/* -1 from a row (the header, too many rows): said. */
		if (xlsxread(path, dstat_xlsx_row, &xs, xwhy,
		    sizeof(xwhy)) == -1 && xwhy[0] != '\0') {
			fprintf(stderr, "%s\n", xwhy);
			goto out;
		}
		if (!xs.header_done && d.errors == 0) {
			fprintf(stderr, "%s: no rows: want the header row "
			    "month, agency, procedure, ...\n", path);
			goto out;
		}
	} else if (csvfile_read(&x, DSTAT_FILE_MAX) == -1) {
		fprintf(stderr, "%s\n", why);
		goto out;
	}
	if (d.errors > 0) {
		fprintf(stderr, "hailong: dossiers: %ld error(s)%s; nothing "
		    "imported\n", d.errors, d.errors > DSTAT_ERRORS_SHOWN ?
		    " (the first shown)" : "");
		goto out;
	}
	/* Never counted twice: rows that events already cover. */
	cv.d = &d;
	cv.events = xcalloc(d.n > 0 ? d.n : 1, sizeof(size_t));
	if (store_each_dossier(a->st, dstat_cover_one, &cv) != 0) {
		fprintf(stderr, "hailong: dossiers: cannot read the "
		    "dossiers\n");
		goto out;
	}
	for (i = 0; i < d.n; i++)
		if (cv.events[i] > 0)
			dstat_error(&d, d.lines[i], "dossier events already "
			    "cover this month, agency and procedure (%zu "
			    "dossiers): the row would count them twice",
			    cv.events[i]);
	if (d.errors > 0) {
		fprintf(stderr, "hailong: dossiers: %ld row(s) conflict with "
		    "dossier events; nothing imported\n", d.errors);
		goto out;
	}
	op.kind = WOP_DSTATS;
	op.u.dstats.rows = d.rows;
	op.u.dstats.n = d.n;
	op.u.dstats.old = xcalloc(d.n > 0 ? d.n : 1, sizeof(*op.u.dstats.old));
	op.u.dstats.state = xcalloc(d.n > 0 ? d.n : 1, 1);
	switch (writer_run(a->w, &op)) {
	case HL_OK:
		for (i = 0; i < d.n; i++)
			same += op.u.dstats.state[i] == 1;
		printf("%s: %zu row(s): %zu imported, %zu imported before "
		    "(unchanged)\n", path, d.n, op.u.dstats.added, same);
		rc = 0;
		break;
	case HL_CONFLICT:
		for (i = 0; i < d.n; i++) {
			if (op.u.dstats.state[i] != 2)
				continue;
			format_time(op.u.dstats.old[i].imported, when);
			dstat_error(&d, d.lines[i], "differs from the row "
			    "imported at %s (received %llu, settled on time "
			    "%llu, late %llu, refused %llu, withdrawn %llu)",
			    when,
			    (unsigned long long)op.u.dstats.old[i].received,
			    (unsigned long long)op.u.dstats.old[i].on_time,
			    (unsigned long long)op.u.dstats.old[i].late,
			    (unsigned long long)op.u.dstats.old[i].refused,
			    (unsigned long long)op.u.dstats.old[i].withdrawn);
		}
		fprintf(stderr, "hailong: dossiers: %ld row(s) differ from "
		    "rows imported before; nothing imported\n", d.errors);
		break;
	default:
		fprintf(stderr, "hailong: dossiers: cannot store the rows\n");
		break;
	}
out:
	free(op.u.dstats.old);
	free(op.u.dstats.state);
	free(cv.events);
	free(d.rows);
	free(d.lines);
	return (rc);
}

static int
dossiers_run(int argc, char **argv)
{
	const char	*data = NULL, *file = NULL, *path = NULL;
	const struct flag flags[] = {
		{ "data", &data }, { "config", &file }, { NULL, NULL }
	};
	struct config	 cfg;
	struct app	 a;
	char		 why[512], **av;
	int		 rc, i, n = 0;

	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0)) {
		fputs(cmd_dossiers.usage, stdout);
		return (0);
	}
	if (argc < 2 || strcmp(argv[1], "import") != 0)
		cmd_usage_error(&cmd_dossiers, "want: dossiers import FILE");
	/* The file: the one argument that is neither a flag nor its
	 * value, before or after the flags. */
	av = xcalloc((size_t)argc + 1, sizeof(*av));
	av[n++] = argv[1];
	for (i = 2; i < argc; i++) {
		if (argv[i][0] == '-' && argv[i][1] != '\0') {
			av[n++] = argv[i];
			if (i + 1 < argc && strcmp(argv[i], "--help") != 0)
				av[n++] = argv[++i];
		} else if (path == NULL)
			path = argv[i];
		else
			av[n++] = argv[i];	/* a stray one: an error */
	}
	cmd_flags(&cmd_dossiers, n, av, flags);
	free(av);
	if (path == NULL)
		cmd_usage_error(&cmd_dossiers, "import: FILE is required");
	cmd_config(&cmd_dossiers, &cfg, file, data, NULL, NULL);
	if (app_open(&a, &cfg, APP_STORE | APP_WRITER | APP_SCHEMA, why,
	    sizeof(why)) == -1)
		fatal("%s", why);
	rc = dstat_import(&a, path);
	app_close(&a);
	return (rc);
}
