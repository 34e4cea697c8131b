/*
 * cmd_schema.c: hailong schema export — the schema/ files as they are
 * in use: units.csv and procedures.csv written from the catalogue (the
 * files with the units and procedures admins changed in the store),
 * every other file of schema/ copied as it is, so that a province can
 * keep its state in version control and serve from it.
 * Trap: each file is written to a temporary name and renamed, so a
 * failed export never leaves half a file under a real name.
 */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "cmd.h"
#include "survey_edit.h"
#include "util.h"

static int schema_run(int, char **);

const struct cmd cmd_schema = {
	"schema", "write the units, procedures and surveys in use as schema/ "
	    "files",
	"usage: hailong schema export --data DIR OUTDIR\n"
	    "\n"
	    "Writes OUTDIR/units.csv and OUTDIR/procedures.csv as they are in\n"
	    "use (schema/'s rows with the units and procedures admins added or\n"
	    "changed), each survey file with the version admins published\n"
	    "last (when it is not the file's), sectors.ini and\n"
	    "indicators.ini with the targets admins set, and copies every\n"
	    "other file of schema/ (synonyms, services) as it is. OUTDIR\n"
	    "is created when missing; files there of the same names are\n"
	    "replaced. A server started with these files and an empty store\n"
	    "serves the same units, procedures, surveys and targets. Safe\n"
	    "while the server runs on DIR.\n",
	schema_run
};

static const char *const schema_copied[] = {
	"survey.ini", "survey-health.ini", "survey-education.ini",
	"sectors.ini", "indicators.ini", "synonyms.csv", "services.csv",
	"README.md", NULL
};

/* One CSV field: quoted when it holds a comma, a quote or starts
 * with a space or '#'. */
static void
schema_field(FILE *f, const char *s, int last)
{
	const char	*p;

	if (strpbrk(s, ",\"") != NULL || s[0] == ' ' || s[0] == '#' ||
	    (s[0] != '\0' && s[strlen(s) - 1] == ' ')) {
		fputc('"', f);
		for (p = s; *p != '\0'; p++) {
			if (*p == '"')
				fputc('"', f);
			fputc(*p, f);
		}
		fputc('"', f);
	} else
		fputs(s, f);
	fputc(last ? '\n' : ',', f);
}

static FILE *
schema_open(const char *dir, const char *name, char *tmp, size_t tmplen)
{
	int	 n = snprintf(tmp, tmplen, "%s/.%s.tmp", dir, name);

	if (n < 0 || (size_t)n >= tmplen)
		return (NULL);
	return (fopen(tmp, "w"));
}

static int
schema_close(FILE *f, const char *dir, const char *name, const char *tmp)
{
	char	 path[PATH_MAX];
	int	 bad;

	bad = ferror(f) != 0;
	if (fclose(f) == EOF || bad) {
		unlink(tmp);
		return (-1);
	}
	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    (int)sizeof(path) || rename(tmp, path) == -1) {
		unlink(tmp);
		return (-1);
	}
	return (0);
}

static int
schema_units(const struct catalog *cat, const char *dir)
{
	struct catrow	 c;
	char		 tmp[PATH_MAX];
	FILE		*f;
	size_t		 i;

	if ((f = schema_open(dir, "units.csv", tmp, sizeof(tmp))) == NULL)
		return (-1);
	fputs("# written by hailong schema export: the units in use\n"
	    "code,parent,kind,name_vi,name_en,name_km,hotline,retired,"
	    "successor\n", f);
	for (i = 0; i < cat->nunits; i++) {
		catalog_unit_row(&cat->units[i], &c);
		schema_field(f, c.code, 0);
		schema_field(f, c.parent, 0);
		schema_field(f, c.kind, 0);
		schema_field(f, c.name[LANG_VI], 0);
		schema_field(f, c.name[LANG_EN], 0);
		schema_field(f, c.name[LANG_KM], 0);
		schema_field(f, c.hotline, 0);
		schema_field(f, c.retired, 0);
		schema_field(f, c.successor, 1);
	}
	return (schema_close(f, dir, "units.csv", tmp));
}

static int
schema_procs(const struct catalog *cat, const char *dir)
{
	struct catrow	 c;
	char		 tmp[PATH_MAX];
	FILE		*f;
	size_t		 i;

	if ((f = schema_open(dir, "procedures.csv", tmp, sizeof(tmp))) ==
	    NULL)
		return (-1);
	fputs("# written by hailong schema export: the procedures in use\n"
	    "code,sector,name_vi,name_en,name_km,withdrawn\n", f);
	for (i = 0; i < cat->nprocs; i++) {
		catalog_proc_row(&cat->procs[i], &c);
		schema_field(f, c.code, 0);
		schema_field(f, c.sector, 0);
		schema_field(f, c.name[LANG_VI], 0);
		schema_field(f, c.name[LANG_EN], 0);
		schema_field(f, c.name[LANG_KM], 0);
		schema_field(f, c.retired, 1);
	}
	return (schema_close(f, dir, "procedures.csv", tmp));
}

/* Copies from/name to dir/name; a missing optional file is skipped. */
static int
schema_copy(const char *from, const char *dir, const char *name)
{
	char	 src[PATH_MAX], tmp[PATH_MAX], b[8192];
	FILE	*in, *out;
	size_t	 n;
	int	 len;

	len = snprintf(src, sizeof(src), "%s/%s", from, name);
	if (len < 0 || (size_t)len >= sizeof(src))
		return (-1);
	if ((in = fopen(src, "r")) == NULL)
		return (errno == ENOENT ? 0 : -1);
	if ((out = schema_open(dir, name, tmp, sizeof(tmp))) == NULL) {
		fclose(in);
		return (-1);
	}
	while ((n = fread(b, 1, sizeof(b), in)) > 0)
		if (fwrite(b, 1, n, out) != n)
			break;
	if (ferror(in)) {
		fclose(in);
		fclose(out);
		unlink(tmp);
		return (-1);
	}
	fclose(in);
	return (schema_close(out, dir, name, tmp));
}

/*
 * A survey file whose survey an admin published anew: the version in
 * use written over the copy (as the store keeps it, the file's rules).
 */
static int
schema_survey(const struct schema *sch, const char *from, const char *dir,
    const char *name)
{
	const struct survey	*in;
	struct survey		*file;
	struct buf		 b;
	char			 src[PATH_MAX], tmp[PATH_MAX], why[512];
	FILE			*f;
	size_t			 i;
	int			 rc = -1;

	if (snprintf(src, sizeof(src), "%s/%s", from, name) >=
	    (int)sizeof(src))
		return (-1);
	if (access(src, F_OK) == -1)
		return (0);
	if (survey_load(src, &file, why, sizeof(why)) == -1)
		return (-1);
	for (i = 0, in = NULL; i < sch->surveys.n; i++)
		if (strcmp(sch->surveys.s[i]->id, file->id) == 0)
			in = sch->surveys.s[i];
	if (in == NULL || in->version == file->version) {
		survey_free(file);
		return (0);
	}
	survey_free(file);
	buf_init(&b, INI_FILE_MAX);
	if (survey_edit_ini(in, &b, why, sizeof(why)) == -1 ||
	    b.data == NULL ||
	    (f = schema_open(dir, name, tmp, sizeof(tmp))) == NULL)
		goto out;
	fwrite(b.data, 1, b.len, f);
	rc = schema_close(f, dir, name, tmp);
out:
	buf_clear(&b);
	return (rc);
}

/* One target line: "target.YEAR = P" with P in tenths as the file's. */
static void
schema_target_line(FILE *f, int year, int tenths)
{
	if (tenths % 10 == 0)
		fprintf(f, "target.%d = %d\n", year, tenths / 10);
	else
		fprintf(f, "target.%d = %d.%d\n", year, tenths / 10,
		    tenths % 10);
}

/* The section's lines, its target lines merged with the stored ones. */
static void
schema_target_flush(FILE *out, char **lines, size_t n, char kind,
    const char *code, const struct target_row *rows, size_t nrows)
{
	struct schema_tline {
		int	 year;
		char	*line;
		int	 tenths;
	}	 t[TARGETS_MAX * 2], x;
	size_t	 i, j, nt = 0, first = n;
	long long y;
	char	*eq;

	for (i = 0; i < n; i++) {
		if (kind == '\0' || strncmp(lines[i], "target.", 7) != 0 ||
		    (eq = strchr(lines[i], '=')) == NULL)
			continue;
		for (j = 7; lines[i][j] >= '0' && lines[i][j] <= '9'; j++)
			;
		if (parse_num(lines[i] + 7, j - 7, 0, 9999, &y) == -1 ||
		    nt == TARGETS_MAX * 2)
			continue;
		if (first == n)
			first = i;
		t[nt].year = (int)y;
		t[nt].line = lines[i];
		t[nt].tenths = -1;
		nt++;
		lines[i] = NULL;
	}
	for (i = 0; kind != '\0' && i < nrows; i++) {
		if (rows[i].kind != kind || strcmp(rows[i].code, code) != 0)
			continue;
		for (j = 0; j < nt && t[j].year != rows[i].year; j++)
			;
		if (j == nt && nt == TARGETS_MAX * 2)
			continue;
		if (j == nt) {
			t[nt].year = rows[i].year;
			t[nt].line = NULL;
			nt++;
		}
		t[j].tenths = rows[i].tenths;
	}
	/* Years ascending, as the files require. */
	for (i = 1; i < nt; i++)
		for (j = i; j > 0 && t[j - 1].year > t[j].year; j--) {
			x = t[j];
			t[j] = t[j - 1];
			t[j - 1] = x;
		}
	for (i = 0; i <= n; i++) {
		if (i == first || (i == n && first == n && nt > 0))
			for (j = 0; j < nt; j++) {
				if (t[j].tenths >= 0)
					schema_target_line(out, t[j].year,
					    t[j].tenths);
				else
					fputs(t[j].line, out);
				free(t[j].line);
			}
		if (i < n && lines[i] != NULL)
			fputs(lines[i], out);
		if (i < n)
			free(lines[i]);
	}
}

/*
 * indicators.ini or sectors.ini with the targets admins set: each
 * section's target lines with the stored years' values, new years in
 * their place.
 */
static int
schema_targets(const char *from, const char *dir, const char *name,
    const struct target_row *rows, size_t nrows)
{
	char	 src[PATH_MAX], tmp[PATH_MAX], line[1024], code[64];
	char	*lines[512];
	FILE	*in, *out;
	size_t	 n = 0;
	char	 kind = '\0';

	if (snprintf(src, sizeof(src), "%s/%s", from, name) >=
	    (int)sizeof(src) || (in = fopen(src, "r")) == NULL)
		return (-1);
	if ((out = schema_open(dir, name, tmp, sizeof(tmp))) == NULL) {
		fclose(in);
		return (-1);
	}
	code[0] = '\0';
	while (fgets(line, sizeof(line), in) != NULL) {
		if (line[0] == '[') {
			schema_target_flush(out, lines, n, kind, code, rows,
			    nrows);
			n = 0;
			kind = '\0';
			if (sscanf(line, "[indicator %63[a-z0-9_]]", code) == 1)
				kind = TARGET_INDICATOR;
			else if (sscanf(line, "[sector %63[a-z0-9_]]",
			    code) == 1)
				kind = TARGET_SECTOR;
			else if (strncmp(line, "[overall]", 9) == 0) {
				kind = TARGET_OVERALL;
				code[0] = '\0';
			}
		}
		if (n == sizeof(lines) / sizeof(*lines)) {
			schema_target_flush(out, lines, n, '\0', "", rows,
			    nrows);
			n = 0;
		}
		lines[n++] = xstrdup(line);
	}
	schema_target_flush(out, lines, n, kind, code, rows, nrows);
	fclose(in);
	return (schema_close(out, dir, name, tmp));
}

static int
schema_run(int argc, char **argv)
{
	const char	*data = NULL, *file = NULL, *out = NULL;
	const struct flag flags[] = {
		{ "data", &data }, { "config", &file }, { NULL, NULL }
	};
	struct config		 cfg;
	struct app		 a;
	struct target_row	*ts = NULL;
	char			 why[512], from[PATH_MAX + 16];
	size_t			 i, nts = 0;
	int			 rc = 1;

	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0)) {
		fputs(cmd_schema.usage, stdout);
		return (0);
	}
	if (argc < 2 || strcmp(argv[1], "export") != 0)
		cmd_usage_error(&cmd_schema, "want: schema export");
	argc--;
	argv++;
	/* OUTDIR is the one argument that is not a flag. */
	if (argc >= 2 && argv[argc - 1][0] != '-' &&
	    (argc < 3 || argv[argc - 2][0] != '-' ||
	    argv[argc - 2][1] == '\0')) {
		out = argv[argc - 1];
		argc--;
	}
	cmd_flags(&cmd_schema, argc, argv, flags);
	if (out == NULL)
		cmd_usage_error(&cmd_schema, "OUTDIR is required");
	cmd_config(&cmd_schema, &cfg, file, data, NULL, NULL);
	if (app_open(&a, &cfg, APP_STORE | APP_SCHEMA, why, sizeof(why)) == -1)
		fatal("%s", why);
	if (mkdir(out, 0755) == -1 && errno != EEXIST) {
		fprintf(stderr, "hailong: schema: %s: %s\n", out,
		    strerror(errno));
		goto out;
	}
	snprintf(from, sizeof(from), "%s/schema", a.share);
	if (schema_units(a.cat, out) == -1 || schema_procs(a.cat, out) == -1) {
		fprintf(stderr, "hailong: schema: %s: cannot write\n", out);
		goto out;
	}
	for (i = 0; schema_copied[i] != NULL; i++)
		if (schema_copy(from, out, schema_copied[i]) == -1) {
			fprintf(stderr, "hailong: schema: %s/%s: cannot "
			    "copy\n", out, schema_copied[i]);
			goto out;
		}
	if (store_target_rows(a.st, &ts, &nts) == -1 ||
	    (nts > 0 && (schema_targets(from, out, "indicators.ini", ts,
	    nts) == -1 || schema_targets(from, out, "sectors.ini", ts,
	    nts) == -1))) {
		fprintf(stderr, "hailong: schema: %s: cannot write the "
		    "targets\n", out);
		goto out;
	}
	for (i = 0; schema_copied[i] != NULL; i++)
		if (strncmp(schema_copied[i], "survey", 6) == 0 &&
		    schema_survey(a.sch, from, out, schema_copied[i]) == -1) {
			fprintf(stderr, "hailong: schema: %s/%s: cannot "
			    "write\n", out, schema_copied[i]);
			goto out;
		}
	printf("schema: %zu units and %zu procedures written to %s\n",
	    a.cat->nunits, a.cat->nprocs, out);
	rc = 0;
out:
	free(ts);
	app_close(&a);
	return (rc);
}
