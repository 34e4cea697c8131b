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
#include "util.h"

static int schema_run(int, char **);

const struct cmd cmd_schema = {
	"schema", "write the units and procedures in use as schema/ files",
	"usage: hailong schema export --data DIR OUTDIR\n"
	    "\n"
	    "Writes OUTDIR/units.csv and OUTDIR/procedures.csv as they are in\n"
	    "use (schema/'s rows with the units and procedures admins added or\n"
	    "changed), and copies every other file of schema/ (surveys,\n"
	    "sectors, indicators, synonyms, services) as it is. OUTDIR is\n"
	    "created when missing; files there of the same names are\n"
	    "replaced. A server started with these files and an empty store\n"
	    "serves the same units and procedures. Safe while the server\n"
	    "runs on DIR.\n",
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

static int
schema_run(int argc, char **argv)
{
	const char	*data = NULL, *file = NULL, *out = NULL;
	const struct flag flags[] = {
		{ "data", &data }, { "config", &file }, { NULL, NULL }
	};
	struct config	 cfg;
	struct app	 a;
	char		 why[512], from[PATH_MAX + 16];
	size_t		 i;
	int		 rc = 1;

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
	printf("schema: %zu units and %zu procedures written to %s\n",
	    a.cat->nunits, a.cat->nprocs, out);
	rc = 0;
out:
	app_close(&a);
	return (rc);
}
