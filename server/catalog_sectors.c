/*
 * catalog_sectors.c: schema/sectors.ini (inih, through
 * inifile_parse()): [overall] and one [sector CODE] per sector (CODE:
 * a-z 0-9 _, not "overall"), each with name.vi, name.en, name.km and
 * target.YEAR = PERCENT (YEAR 2000..2100 ascending, PERCENT 0..100 with
 * at most two decimals, 1..TARGETS_MAX of them); every error as
 * path:line: reason.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "catalog_priv.h"
#include "survey.h"
#include "util.h"

#define CAT_REASON_MAX		256
#define TARGET_YEAR_MIN		2000
#define TARGET_YEAR_MAX		2100
#define OVERALL_CODE		"overall"

struct sectors_ctx {
	struct catalog	*c;
	int		 failed;
	char		 reason[CAT_REASON_MAX];
	char		 lastsec[INI_NAME_MAX + 1];
	char		 lastname[INI_NAME_MAX + 1];
	int		 nsections;	/* [sector ...] headers */
};

static int
sec_fail(struct sectors_ctx *x, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(x->reason, sizeof(x->reason), fmt, ap);
	va_end(ap);
	x->failed = 1;
	return (0);
}

/* PERCENT: digits with at most two decimals, 0..100. */
static int
percent_parse(const char *s, double *v)
{
	const char	*dot;
	long long	 i, f = 0;
	size_t		 n = strlen(s), fl = 0;

	if ((dot = memchr(s, '.', n)) != NULL) {
		fl = n - (dot - s) - 1;
		if (fl < 1 || fl > 2 ||
		    parse_num(dot + 1, fl, 0, 99, &f) == -1)
			return (-1);
		n = dot - s;
	}
	if (parse_num(s, n, 0, 100, &i) == -1)
		return (-1);
	*v = (double)i + (fl == 1 ? f / 10.0 : f / 100.0);
	if (*v > 100.0)
		return (-1);
	return (0);
}

/* Section names, seen before any key: [overall] and [sector CODE]. */
static int
sectors_section(void *user, const char *section)
{
	struct sectors_ctx	*x = user;
	const char		*code;

	if (strcmp(section, OVERALL_CODE) == 0)
		return (1);
	if (strncmp(section, "sector ", 7) != 0)
		return (sec_fail(x, "unknown section [%s]", section));
	code = section + 7;
	if (!ident_valid(code, strlen(code), SECTOR_CODE_MAX) ||
	    strcmp(code, OVERALL_CODE) == 0)
		return (sec_fail(x, "sector code must be 1 to %d characters "
		    "of a-z, 0-9 and _, not %s", SECTOR_CODE_MAX,
		    OVERALL_CODE));
	if (++x->nsections > CATALOG_SECTORS_MAX)
		return (sec_fail(x, "more than %d sectors",
		    CATALOG_SECTORS_MAX));
	return (1);
}

static int
sectors_handler(void *user, const char *section, const char *name,
    const char *value)
{
	struct sectors_ctx	*x = user;
	struct catalog		*c = x->c;
	struct sector		*s = NULL;
	struct target		*t;
	const char		*code;
	long long		 year;
	double			 pct;
	size_t			 i, n;
	int			 l;

	if (x->failed)
		return (1);	/* keep the first reason */
	if (strcmp(section, x->lastsec) == 0 &&
	    strcmp(name, x->lastname) == 0)
		return (sec_fail(x, "%s: no continuation lines here", name));
	strlcpy(x->lastsec, section, sizeof(x->lastsec));
	strlcpy(x->lastname, name, sizeof(x->lastname));

	if (strcmp(section, OVERALL_CODE) == 0)
		s = &c->overall;
	else if (strncmp(section, "sector ", 7) == 0) {
		code = section + 7;
		n = strlen(code);
		if (!ident_valid(code, n, SECTOR_CODE_MAX) ||
		    strcmp(code, OVERALL_CODE) == 0)
			return (sec_fail(x, "sector code must be 1 to %d "
			    "characters of a-z, 0-9 and _, not %s",
			    SECTOR_CODE_MAX, OVERALL_CODE));
		for (i = 0; i < c->nsectors; i++)
			if (strcmp(c->sectors[i].code, code) == 0)
				s = &c->sectors[i];
		if (s == NULL) {
			if (c->nsectors == CATALOG_SECTORS_MAX)
				return (sec_fail(x, "more than %d sectors",
				    CATALOG_SECTORS_MAX));
			s = &c->sectors[c->nsectors++];
			strlcpy(s->code, code, sizeof(s->code));
		}
	} else
		return (sec_fail(x, "unknown section [%s]", section));

	if (strncmp(name, "name.", 5) == 0 &&
	    (l = lang_parse(name + 5, strlen(name + 5))) != -1) {
		n = strlen(value);
		if (s->name.s[l] != NULL)
			return (sec_fail(x, "%s given twice", name));
		if (n == 0 || n > CATALOG_NAME_MAX)
			return (sec_fail(x, "%s must be 1 to %d bytes", name,
			    CATALOG_NAME_MAX));
		if (!utf8_valid(value, n))
			return (sec_fail(x, "%s is not valid UTF-8", name));
		s->name.s[l] = xstrdup(value);
		return (1);
	}
	if (strncmp(name, "target.", 7) == 0) {
		if (parse_num(name + 7, strlen(name + 7), TARGET_YEAR_MIN,
		    TARGET_YEAR_MAX, &year) == -1)
			return (sec_fail(x, "%s: the year must be %d to %d",
			    name, TARGET_YEAR_MIN, TARGET_YEAR_MAX));
		if (percent_parse(value, &pct) == -1)
			return (sec_fail(x, "%s: the target must be a percent "
			    "from 0 to 100 (at most two decimals)", name));
		if (s->ntargets > 0 &&
		    s->targets[s->ntargets - 1].year == year)
			return (sec_fail(x, "%s given twice", name));
		if (s->ntargets > 0 &&
		    s->targets[s->ntargets - 1].year > year)
			return (sec_fail(x, "%s: years must ascend", name));
		if (s->ntargets == TARGETS_MAX)
			return (sec_fail(x, "more than %d targets",
			    TARGETS_MAX));
		t = &s->targets[s->ntargets++];
		t->year = (int)year;
		t->percent = pct;
		return (1);
	}
	return (sec_fail(x, "unknown key %s in [%s]", name, section));
}

static int
sector_check(const struct sector *s, const char *path, int line,
    const char *sec, char *why, size_t whylen)
{
	int	 l;

	for (l = 0; l < LANG_COUNT; l++) {
		if (s->name.s[l] == NULL) {
			why_at(why, whylen, path, line, "[%s] name.%s "
			    "missing", sec, lang_code(l));
			return (-1);
		}
	}
	if (s->ntargets == 0) {
		why_at(why, whylen, path, line, "[%s] needs at least one "
		    "target.YEAR", sec);
		return (-1);
	}
	return (0);
}

int
catalog_sectors_load(struct catalog *c, const char *path, char *why,
    size_t whylen)
{
	struct sectors_ctx	*x;
	struct ini_doc		*doc;
	char			 sec[INI_NAME_MAX + 1];
	size_t			 i;
	int			 rc = -1, line;

	x = xcalloc(1, sizeof(*x));
	doc = xcalloc(1, sizeof(*doc));
	x->c = c;
	strlcpy(c->overall.code, OVERALL_CODE, sizeof(c->overall.code));
	if (inifile_parse(path, sectors_section, sectors_handler, x,
	    x->reason, doc, why, whylen) == -1)
		goto out;
	if ((line = inifile_line(doc, OVERALL_CODE)) == 0) {
		why_at(why, whylen, path, 0, "no [%s] section", OVERALL_CODE);
		goto out;
	}
	if (sector_check(&c->overall, path, line, OVERALL_CODE, why,
	    whylen) == -1)
		goto out;
	if (c->nsectors == 0) {
		why_at(why, whylen, path, 0, "no [sector CODE] section");
		goto out;
	}
	for (i = 0; i < c->nsectors; i++) {
		snprintf(sec, sizeof(sec), "sector %s", c->sectors[i].code);
		if (sector_check(&c->sectors[i], path,
		    inifile_line(doc, sec), sec, why, whylen) == -1)
			goto out;
	}
	rc = 0;
out:
	free(doc);
	free(x);
	return (rc);
}

int
catalog_target_set(struct target *ts, size_t *n, int year, double percent)
{
	size_t	 i;

	for (i = 0; i < *n && ts[i].year < year; i++)
		;
	if (i < *n && ts[i].year == year) {
		ts[i].percent = percent;
		return (0);
	}
	if (*n == TARGETS_MAX)
		return (-1);
	memmove(&ts[i + 1], &ts[i], (*n - i) * sizeof(*ts));
	ts[i].year = year;
	ts[i].percent = percent;
	(*n)++;
	return (0);
}

void
catalog_targets_apply(struct catalog *c, const struct target_row *rows,
    size_t n)
{
	struct sector	*s;
	size_t		 i, j;

	for (i = 0; i < n; i++) {
		s = NULL;
		if (rows[i].kind == TARGET_OVERALL)
			s = &c->overall;
		else if (rows[i].kind == TARGET_SECTOR)
			for (j = 0; j < c->nsectors; j++)
				if (strcmp(c->sectors[j].code,
				    rows[i].code) == 0)
					s = &c->sectors[j];
		/* A sector no longer in sectors.ini: its target waits. */
		if (s != NULL)
			(void)catalog_target_set(s->targets, &s->ntargets,
			    rows[i].year, rows[i].tenths / 10.0);
	}
}
