/*
 * indicators.c: loads schema/indicators.ini (inih, through
 * inifile_parse()) and checks it whole.
 *
 * [resolution]: name.vi, name.en, name.km, from = YEAR, to = YEAR.
 * [indicator ID] (ID: a-z 0-9 _, at most IND_ID_MAX): name.L, item,
 * survey, question, levels = L ..., sectors = CODE ... (may be empty),
 * kinds = KIND ... (may be empty), target.YEAR = PERCENT. Texts may go
 * on over indented lines, joined with one space.
 * Trap: inih calls the handler again for a continuation line with the
 * same section and key; only texts may continue, so a key seen again is
 * a continuation for a text and an error for anything else. A section
 * given twice apart is not inih's error: the section callback counts
 * them.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "indicators.h"
#include "model.h"
#include "util.h"

#define IND_REASON_MAX	256
#define IND_YEAR_MIN	2000
#define IND_YEAR_MAX	2100

struct ind_ctx {
	struct indicators	*set;
	const struct surveys	*sv;
	const struct catalog	*cat;
	int			 failed;
	char			 reason[IND_REASON_MAX];
	char			 lastsec[INI_NAME_MAX + 1];
	char			 lastname[INI_NAME_MAX + 1];
	int			 nhead;
	/* Keys seen per indicator (bits below), by index. */
	unsigned		 seen[IND_MAX];
};

#define SEEN_ITEM	0x01
#define SEEN_SURVEY	0x02
#define SEEN_QUESTION	0x04
#define SEEN_LEVELS	0x08
#define SEEN_SECTORS	0x10
#define SEEN_KINDS	0x20

static int
ind_fail(struct ind_ctx *x, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
ind_fail(struct ind_ctx *x, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(x->reason, sizeof(x->reason), fmt, ap);
	va_end(ap);
	x->failed = 1;
	return (0);
}

static struct indicator *
ind_find(struct indicators *set, const char *id)
{
	size_t	 i;

	for (i = 0; i < set->n; i++)
		if (strcmp(set->ind[i].id, id) == 0)
			return (&set->ind[i]);
	return (NULL);
}

/* Every section header, before any key: new ids are added here. */
static int
ind_section(void *user, const char *section)
{
	struct ind_ctx		*x = user;
	struct indicator	*d;
	const char		*id;

	if (strcmp(section, IND_HEAD) == 0) {
		if (x->nhead++ > 0)
			return (ind_fail(x, "[%s] given twice", IND_HEAD));
		return (1);
	}
	if (strncmp(section, IND_SECTION, strlen(IND_SECTION)) != 0)
		return (ind_fail(x, "unknown section [%s]", section));
	id = section + strlen(IND_SECTION);
	if (!ident_valid(id, strlen(id), IND_ID_MAX))
		return (ind_fail(x, "indicator id must be 1 to %d characters "
		    "of a-z, 0-9 and _", IND_ID_MAX));
	if (ind_find(x->set, id) != NULL)
		return (ind_fail(x, "indicator %s given twice", id));
	if (x->set->n == IND_MAX)
		return (ind_fail(x, "more than %d indicators", IND_MAX));
	d = &x->set->ind[x->set->n++];
	strlcpy(d->id, id, sizeof(d->id));
	return (1);
}

/* A text, or its continuation joined with one space. */
static int
ind_text(struct ind_ctx *x, char **t, const char *name, const char *value,
    int cont)
{
	size_t	 n = strlen(value), old;
	char	*s;

	if (!cont && *t != NULL)
		return (ind_fail(x, "%s given twice", name));
	old = *t != NULL ? strlen(*t) : 0;
	if (n == 0 || old + 1 + n > IND_TEXT_MAX)
		return (ind_fail(x, "%s must be 1 to %d bytes", name,
		    IND_TEXT_MAX));
	if (!utf8_valid(value, n))
		return (ind_fail(x, "%s is not valid UTF-8", name));
	if (*t == NULL) {
		*t = xstrdup(value);
		return (1);
	}
	s = xmalloc(old + 1 + n + 1);
	memcpy(s, *t, old);
	s[old] = ' ';
	memcpy(s + old + 1, value, n + 1);
	free(*t);
	*t = s;
	return (1);
}

static int
ind_year(struct ind_ctx *x, const char *name, const char *value, int *y)
{
	long long	 v;

	if (parse_num(value, strlen(value), IND_YEAR_MIN, IND_YEAR_MAX,
	    &v) == -1)
		return (ind_fail(x, "%s: a year from %d to %d", name,
		    IND_YEAR_MIN, IND_YEAR_MAX));
	*y = (int)v;
	return (1);
}

static int
ind_head(struct ind_ctx *x, const char *name, const char *value, int cont)
{
	struct indicators	*set = x->set;
	int			 l;

	if (strncmp(name, "name.", 5) == 0 &&
	    (l = lang_parse(name + 5, strlen(name + 5))) != -1)
		return (ind_text(x, &set->name.s[l], name, value, cont));
	if (cont)
		return (ind_fail(x, "%s: no continuation lines here", name));
	if (strcmp(name, "from") == 0)
		return (set->from != 0 ? ind_fail(x, "from given twice") :
		    ind_year(x, name, value, &set->from));
	if (strcmp(name, "to") == 0)
		return (set->to != 0 ? ind_fail(x, "to given twice") :
		    ind_year(x, name, value, &set->to));
	return (ind_fail(x, "unknown key %s in [%s]", name, IND_HEAD));
}

/*
 * Calls fn with each space-separated word of value; fn returns 0 to
 * fail (its reason set). Returns 1, or 0.
 */
static int
ind_words(struct ind_ctx *x, struct indicator *d, const char *value,
    int (*fn)(struct ind_ctx *, struct indicator *, const char *, size_t))
{
	const char	*p = value, *e;

	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			return (1);
		for (e = p; *e != '\0' && *e != ' ' && *e != '\t'; e++)
			;
		if (!fn(x, d, p, (size_t)(e - p)))
			return (0);
		p = e;
	}
}

static const struct survey_question *
ind_question(const struct ind_ctx *x, const struct indicator *d)
{
	const struct survey	*s;

	if (!d->collected || d->question[0] == '\0' ||
	    (s = surveys_find(x->sv, d->survey, strlen(d->survey))) == NULL)
		return (NULL);
	return (survey_question(s, d->question, strlen(d->question)));
}

static int
ind_level(struct ind_ctx *x, struct indicator *d, const char *w, size_t n)
{
	const struct survey_question	*q = ind_question(x, d);
	const struct survey		*s;
	long long			 v;
	int				 max;

	max = q != NULL ? (int)q->noptions : SURVEY_OPTIONS_MAX;
	if (q != NULL && q->kind == QK_SCALE &&
	    q->noptions != SURVEY_LEVELS) {
		/* The overall's levels: its option ids (a short scale's). */
		s = surveys_find(x->sv, d->survey, strlen(d->survey));
		if (parse_num(w, n, 1, SURVEY_LEVELS, &v) == -1 ||
		    survey_overall_index(s, (int)v) == -1)
			return (ind_fail(x, "levels: %.*s is not a level of "
			    "the overall question of %s",
			    (int)(n > 16 ? 16 : n), w, d->survey));
	} else if (parse_num(w, n, 1, max, &v) == -1)
		return (ind_fail(x, "levels: %.*s is not a level from 1 to %d",
		    (int)(n > 16 ? 16 : n), w, max));
	if (d->levels & (1u << (v - 1)))
		return (ind_fail(x, "levels: %lld given twice", v));
	d->levels |= 1u << (v - 1);
	return (1);
}

static int
ind_sector(struct ind_ctx *x, struct indicator *d, const char *w, size_t n)
{
	size_t	 i;

	if (catalog_sector(x->cat, w, n) == NULL)
		return (ind_fail(x, "sectors: unknown sector %.*s (not in "
		    "sectors.ini)", (int)(n > SECTOR_CODE_MAX ?
		    SECTOR_CODE_MAX : n), w));
	for (i = 0; i < d->nsectors; i++)
		if (strlen(d->sectors[i]) == n &&
		    memcmp(d->sectors[i], w, n) == 0)
			return (ind_fail(x, "sectors: %.*s given twice",
			    (int)n, w));
	memcpy(d->sectors[d->nsectors], w, n);
	d->sectors[d->nsectors++][n] = '\0';
	return (1);
}

static int
ind_kind(struct ind_ctx *x, struct indicator *d, const char *w, size_t n)
{
	size_t	 i;

	if (n > UNIT_KIND_MAX || !utf8_valid(w, n))
		return (ind_fail(x, "kinds: a unit kind is 1 to %d bytes",
		    UNIT_KIND_MAX));
	for (i = 0; i < d->nkinds; i++)
		if (strlen(d->kinds[i]) == n && memcmp(d->kinds[i], w, n) == 0)
			return (ind_fail(x, "kinds: %.*s given twice",
			    (int)n, w));
	if (d->nkinds == IND_KINDS_MAX)
		return (ind_fail(x, "kinds: more than %d", IND_KINDS_MAX));
	memcpy(d->kinds[d->nkinds], w, n);
	d->kinds[d->nkinds++][n] = '\0';
	return (1);
}

/* A key seen once: its bit in seen. */
static int
ind_once(struct ind_ctx *x, struct indicator *d, unsigned bit,
    const char *name)
{
	unsigned	*s = &x->seen[d - x->set->ind];

	if (*s & bit)
		return (ind_fail(x, "%s given twice", name));
	*s |= bit;
	return (1);
}

static int
ind_target(struct ind_ctx *x, struct indicator *d, const char *name,
    const char *value)
{
	struct target	*t;
	long long	 year, ip, fp = 0;
	const char	*dot;
	size_t		 n = strlen(value), fl = 0;
	double		 pct;

	if (parse_num(name + 7, strlen(name + 7), IND_YEAR_MIN, IND_YEAR_MAX,
	    &year) == -1)
		return (ind_fail(x, "%s: the year must be %d to %d", name,
		    IND_YEAR_MIN, IND_YEAR_MAX));
	if ((dot = memchr(value, '.', n)) != NULL) {
		fl = n - (size_t)(dot - value) - 1;
		n = (size_t)(dot - value);
	}
	if ((dot != NULL && (fl < 1 || fl > 2 ||
	    parse_num(dot + 1, fl, 0, 99, &fp) == -1)) ||
	    parse_num(value, n, 0, 100, &ip) == -1 ||
	    (pct = (double)ip + (fl == 1 ? (double)fp / 10.0 :
	    (double)fp / 100.0)) > 100.0)
		return (ind_fail(x, "%s: the target must be a percent from 0 "
		    "to 100 (at most two decimals)", name));
	if (d->ntargets > 0 && d->targets[d->ntargets - 1].year >= year)
		return (ind_fail(x, "%s: %s", name,
		    d->targets[d->ntargets - 1].year == year ?
		    "given twice" : "years must ascend"));
	if (d->ntargets == TARGETS_MAX)
		return (ind_fail(x, "more than %d targets", TARGETS_MAX));
	t = &d->targets[d->ntargets++];
	t->year = (int)year;
	t->percent = pct;
	return (1);
}

static int
ind_key(struct ind_ctx *x, struct indicator *d, const char *name,
    const char *value, int cont)
{
	const struct survey_question	*q;
	int				 l;

	if (strncmp(name, "name.", 5) == 0 &&
	    (l = lang_parse(name + 5, strlen(name + 5))) != -1)
		return (ind_text(x, &d->name.s[l], name, value, cont));
	if (strcmp(name, "item") == 0)
		return (ind_text(x, &d->item, name, value, cont));
	if (cont)
		return (ind_fail(x, "%s: no continuation lines here", name));
	if (strcmp(name, "survey") == 0) {
		if (!ind_once(x, d, SEEN_SURVEY, name))
			return (0);
		if (d->question[0] != '\0')
			return (ind_fail(x, "survey: before question"));
		if (!ident_valid(value, strlen(value), SURVEY_ID_MAX))
			return (ind_fail(x, "survey: an id of 1 to %d "
			    "characters of a-z, 0-9 and _", SURVEY_ID_MAX));
		strlcpy(d->survey, value, sizeof(d->survey));
		d->collected = surveys_find(x->sv, value,
		    strlen(value)) != NULL;
		d->procedure = survey_is_procedure(value);
		return (1);
	}
	if (strcmp(name, "question") == 0) {
		if (!ind_once(x, d, SEEN_QUESTION, name))
			return (0);
		if (d->survey[0] == '\0')
			return (ind_fail(x, "question: after survey"));
		if (!ident_valid(value, strlen(value), QUESTION_ID_MAX))
			return (ind_fail(x, "question: an id of 1 to %d "
			    "characters of a-z, 0-9 and _", QUESTION_ID_MAX));
		strlcpy(d->question, value, sizeof(d->question));
		if (!d->collected)
			return (1);
		if ((q = ind_question(x, d)) == NULL)
			return (ind_fail(x, "question: unknown question %s "
			    "(not in survey %s)", value, d->survey));
		if (q->kind == QK_MULTI)
			return (ind_fail(x, "question: %s takes several "
			    "answers, not one rating", value));
		if (q->kind == QK_SCALE)
			d->scale = (int)q->noptions;
		return (1);
	}
	if (strcmp(name, "levels") == 0) {
		if (!ind_once(x, d, SEEN_LEVELS, name))
			return (0);
		if (d->question[0] == '\0')
			return (ind_fail(x, "levels: after question"));
		if (!ind_words(x, d, value, ind_level))
			return (0);
		if (d->levels == 0)
			return (ind_fail(x, "levels: at least one level"));
		return (1);
	}
	if (strcmp(name, "sectors") == 0)
		return (ind_once(x, d, SEEN_SECTORS, name) &&
		    ind_words(x, d, value, ind_sector));
	if (strcmp(name, "kinds") == 0)
		return (ind_once(x, d, SEEN_KINDS, name) &&
		    ind_words(x, d, value, ind_kind));
	if (strncmp(name, "target.", 7) == 0)
		return (ind_target(x, d, name, value));
	return (ind_fail(x, "unknown key %s in [%s%s]", name, IND_SECTION,
	    d->id));
}

static int
ind_handler(void *user, const char *section, const char *name,
    const char *value)
{
	struct ind_ctx		*x = user;
	struct indicator	*d;
	int			 cont;

	if (x->failed)
		return (1);	/* keep the first reason */
	cont = strcmp(section, x->lastsec) == 0 &&
	    strcmp(name, x->lastname) == 0;
	strlcpy(x->lastsec, section, sizeof(x->lastsec));
	strlcpy(x->lastname, name, sizeof(x->lastname));
	if (strcmp(section, IND_HEAD) == 0)
		return (ind_head(x, name, value, cont));
	d = ind_find(x->set, section + strlen(IND_SECTION));
	if (d == NULL)
		return (ind_fail(x, "unknown section [%s]", section));
	return (ind_key(x, d, name, value, cont));
}

/* What only the whole section can tell. */
static int
ind_check(const struct ind_ctx *x, const struct indicator *d,
    const char *path, int line, char *why, size_t whylen)
{
	const struct indicators	*set = x->set;
	size_t			 i;
	int			 l;

	for (l = 0; l < LANG_COUNT; l++)
		if (d->name.s[l] == NULL) {
			why_at(why, whylen, path, line, "[%s%s] name.%s "
			    "missing", IND_SECTION, d->id, lang_code(l));
			return (-1);
		}
	if (d->item == NULL || d->survey[0] == '\0' ||
	    d->question[0] == '\0' || d->levels == 0) {
		why_at(why, whylen, path, line, "[%s%s] %s missing",
		    IND_SECTION, d->id, d->item == NULL ? "item" :
		    d->survey[0] == '\0' ? "survey" : d->question[0] == '\0' ?
		    "question" : "levels");
		return (-1);
	}
	if (!d->procedure && d->nsectors > 0) {
		why_at(why, whylen, path, line, "[%s%s] sectors: the answers "
		    "of survey %s have no sector", IND_SECTION, d->id,
		    d->survey);
		return (-1);
	}
	if (d->ntargets == 0) {
		why_at(why, whylen, path, line, "[%s%s] needs at least one "
		    "target.YEAR", IND_SECTION, d->id);
		return (-1);
	}
	for (i = 0; i < d->ntargets; i++)
		if (d->targets[i].year < set->from ||
		    d->targets[i].year > set->to) {
			why_at(why, whylen, path, line, "[%s%s] target.%d: "
			    "outside the resolution's years %d to %d",
			    IND_SECTION, d->id, d->targets[i].year,
			    set->from, set->to);
			return (-1);
		}
	return (0);
}

int
indicators_load(const char *path, const struct surveys *sv,
    const struct catalog *cat, struct indicators **ip, char *why,
    size_t whylen)
{
	struct ind_ctx	*x;
	struct ini_doc	*doc;
	char		 sec[INI_NAME_MAX + 1];
	size_t		 i;
	int		 rc = -1, line, l;

	*ip = NULL;
	x = xcalloc(1, sizeof(*x));
	doc = xcalloc(1, sizeof(*doc));
	x->set = xcalloc(1, sizeof(*x->set));
	x->sv = sv;
	x->cat = cat;
	if (inifile_parse(path, ind_section, ind_handler, x, x->reason,
	    doc, why, whylen) == -1)
		goto out;
	if ((line = inifile_line(doc, IND_HEAD)) == 0) {
		why_at(why, whylen, path, 0, "no [%s] section", IND_HEAD);
		goto out;
	}
	for (l = 0; l < LANG_COUNT; l++)
		if (x->set->name.s[l] == NULL) {
			why_at(why, whylen, path, line, "[%s] name.%s missing",
			    IND_HEAD, lang_code(l));
			goto out;
		}
	if (x->set->from == 0 || x->set->to == 0 ||
	    x->set->from > x->set->to) {
		why_at(why, whylen, path, line, "[%s] needs from = YEAR and "
		    "to = YEAR, from not after to", IND_HEAD);
		goto out;
	}
	if (x->set->n == 0) {
		why_at(why, whylen, path, 0, "no [%sID] section", IND_SECTION);
		goto out;
	}
	for (i = 0; i < x->set->n; i++) {
		snprintf(sec, sizeof(sec), "%s%s", IND_SECTION,
		    x->set->ind[i].id);
		if (ind_check(x, &x->set->ind[i], path,
		    inifile_line(doc, sec), why, whylen) == -1)
			goto out;
	}
	*ip = x->set;
	x->set = NULL;
	rc = 0;
out:
	indicators_free(x->set);
	free(doc);
	free(x);
	return (rc);
}

void
indicators_free(struct indicators *set)
{
	size_t	 i;
	int	 l;

	if (set == NULL)
		return;
	for (l = 0; l < LANG_COUNT; l++)
		free(set->name.s[l]);
	for (i = 0; i < set->n; i++) {
		for (l = 0; l < LANG_COUNT; l++)
			free(set->ind[i].name.s[l]);
		free(set->ind[i].item);
	}
	free(set);
}

static int
indicators_kind(const struct indicator *d, const char *kind)
{
	size_t	 i;

	if (d->nkinds == 0)
		return (1);
	for (i = 0; i < d->nkinds; i++)
		if (kind != NULL && strcmp(d->kinds[i], kind) == 0)
			return (1);
	return (0);
}

int
indicators_counts(const struct indicator *d, const char *sector,
    const char *kind)
{
	size_t	 i;
	int	 ok;

	/* A service survey's answers: under its own marked sector only. */
	if (sector[0] == AGG_SURVEY_MARK || !d->procedure)
		return (!d->procedure && sector[0] == AGG_SURVEY_MARK &&
		    strcmp(sector + 1, d->survey) == 0 &&
		    indicators_kind(d, kind));
	if (d->nsectors > 0) {
		for (ok = 0, i = 0; i < d->nsectors && !ok; i++)
			ok = strcmp(d->sectors[i], sector) == 0;
		if (!ok)
			return (0);
	}
	return (indicators_kind(d, kind));
}

void
indicators_targets_apply(struct indicators *set, const struct target_row *rows,
    size_t n)
{
	struct indicator	*d;
	size_t			 i, j;

	for (i = 0; set != NULL && i < n; i++) {
		if (rows[i].kind != TARGET_INDICATOR)
			continue;
		for (j = 0; j < set->n; j++) {
			d = &set->ind[j];
			if (strcmp(d->id, rows[i].code) == 0)
				(void)catalog_target_set(d->targets,
				    &d->ntargets, rows[i].year,
				    rows[i].tenths / 10.0);
		}
	}
}
