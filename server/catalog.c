/*
 * catalog.c: loads schema/sectors.ini (inih, through survey_ini_parse()),
 * schema/units.csv and schema/procedures.csv (libcsv), checks them whole
 * and answers lookups by code with binary searches.
 *
 * sectors.ini: [overall] and one [sector CODE] per sector (CODE: a-z 0-9 _,
 * not "overall"), each with name.vi, name.en, name.km and target.YEAR =
 * PERCENT (YEAR 2000..2100 ascending, PERCENT 0..100 with at most two
 * decimals, 1..TARGETS_MAX of them).
 * units.csv: code,parent,kind,name_vi,name_en,name_km[,hotline]; one
 * root (empty parent), every parent present, no cycle; depth computed;
 * hotline, an optional column, a telephone number or empty.
 * procedures.csv: code,sector,name_vi,name_en,name_km; sector from
 * sectors.ini. synonyms.csv (may be absent): abbr,words; abbr 1 to
 * SYNONYM_ABBR_MAX bytes of letters and digits, words a few words that
 * fold to something else; no pair twice, however written. Both CSV files: UTF-8, optional BOM, the header row exactly
 * as above, lines starting with '#' outside a quoted field are comments,
 * spaces around unquoted fields are dropped, an empty name_km falls back
 * to name_vi. Codes: A-Z a-z 0-9 . _ -
 *
 * Trap: libcsv reports neither lines nor where a record began. csv_read()
 * feeds one physical line at a time and reads the parser's state between
 * lines to know where each record starts, so that a quoted field holding
 * a line break does not shift the lines reported after it.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "catalog.h"
#include "survey.h"
#include "util.h"

#define CAT_REASON_MAX		256
#define CSV_FIELDS_MAX		8
#define CSV_ROW_NOT_BEGUN	0	/* libcsv.c's ROW_NOT_BEGUN */
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

struct csv_ctx {
	const char	*path;
	const char *const *header;
	size_t		 nheader;	/* required columns */
	size_t		 nopt;		/* optional ones after them */
	size_t		 ncols;		/* the file's: nheader..+nopt */
	int		 header_done;
	int		 recline;	/* where the current record began */
	size_t		 nf;
	char		*f[CSV_FIELDS_MAX];
	size_t		 flen[CSV_FIELDS_MAX];
	int		 failed;
	char		*why;
	size_t		 whylen;
	int		(*row)(struct csv_ctx *, void *);
	void		*arg;
};

struct urow {
	struct unit	 u;
	int		 line;
};

struct prow {
	struct procedure p;
	int		 line;
};

struct srow {
	struct synonym	 s;
	int		 line;
};

struct load {
	struct catalog	*c;
	struct urow	*u;
	size_t		 nu, usize;
	struct prow	*p;
	size_t		 np, psize;
	struct srow	*s;
	size_t		 ns, ssize;
	struct service	*v;
	size_t		 nv, vsize;
};

/* A letter with Vietnamese diacritics and its base letter. */
struct fold_map {
	uint32_t	 cp;
	char		 base;
};

/* Sorted by code point; upper and lower case alike. */
static const struct fold_map fold_map[] = {
	{ 0x00c0, 'a' }, { 0x00c1, 'a' }, { 0x00c2, 'a' }, { 0x00c3, 'a' },
	{ 0x00c8, 'e' }, { 0x00c9, 'e' }, { 0x00ca, 'e' }, { 0x00cc, 'i' },
	{ 0x00cd, 'i' }, { 0x00d2, 'o' }, { 0x00d3, 'o' }, { 0x00d4, 'o' },
	{ 0x00d5, 'o' }, { 0x00d9, 'u' }, { 0x00da, 'u' }, { 0x00dd, 'y' },
	{ 0x00e0, 'a' }, { 0x00e1, 'a' }, { 0x00e2, 'a' }, { 0x00e3, 'a' },
	{ 0x00e8, 'e' }, { 0x00e9, 'e' }, { 0x00ea, 'e' }, { 0x00ec, 'i' },
	{ 0x00ed, 'i' }, { 0x00f2, 'o' }, { 0x00f3, 'o' }, { 0x00f4, 'o' },
	{ 0x00f5, 'o' }, { 0x00f9, 'u' }, { 0x00fa, 'u' }, { 0x00fd, 'y' },
	{ 0x0102, 'a' }, { 0x0103, 'a' }, { 0x0110, 'd' }, { 0x0111, 'd' },
	{ 0x0128, 'i' }, { 0x0129, 'i' }, { 0x0168, 'u' }, { 0x0169, 'u' },
	{ 0x01a0, 'o' }, { 0x01a1, 'o' }, { 0x01af, 'u' }, { 0x01b0, 'u' },
	{ 0x1ea0, 'a' }, { 0x1ea1, 'a' }, { 0x1ea2, 'a' }, { 0x1ea3, 'a' },
	{ 0x1ea4, 'a' }, { 0x1ea5, 'a' }, { 0x1ea6, 'a' }, { 0x1ea7, 'a' },
	{ 0x1ea8, 'a' }, { 0x1ea9, 'a' }, { 0x1eaa, 'a' }, { 0x1eab, 'a' },
	{ 0x1eac, 'a' }, { 0x1ead, 'a' }, { 0x1eae, 'a' }, { 0x1eaf, 'a' },
	{ 0x1eb0, 'a' }, { 0x1eb1, 'a' }, { 0x1eb2, 'a' }, { 0x1eb3, 'a' },
	{ 0x1eb4, 'a' }, { 0x1eb5, 'a' }, { 0x1eb6, 'a' }, { 0x1eb7, 'a' },
	{ 0x1eb8, 'e' }, { 0x1eb9, 'e' }, { 0x1eba, 'e' }, { 0x1ebb, 'e' },
	{ 0x1ebc, 'e' }, { 0x1ebd, 'e' }, { 0x1ebe, 'e' }, { 0x1ebf, 'e' },
	{ 0x1ec0, 'e' }, { 0x1ec1, 'e' }, { 0x1ec2, 'e' }, { 0x1ec3, 'e' },
	{ 0x1ec4, 'e' }, { 0x1ec5, 'e' }, { 0x1ec6, 'e' }, { 0x1ec7, 'e' },
	{ 0x1ec8, 'i' }, { 0x1ec9, 'i' }, { 0x1eca, 'i' }, { 0x1ecb, 'i' },
	{ 0x1ecc, 'o' }, { 0x1ecd, 'o' }, { 0x1ece, 'o' }, { 0x1ecf, 'o' },
	{ 0x1ed0, 'o' }, { 0x1ed1, 'o' }, { 0x1ed2, 'o' }, { 0x1ed3, 'o' },
	{ 0x1ed4, 'o' }, { 0x1ed5, 'o' }, { 0x1ed6, 'o' }, { 0x1ed7, 'o' },
	{ 0x1ed8, 'o' }, { 0x1ed9, 'o' }, { 0x1eda, 'o' }, { 0x1edb, 'o' },
	{ 0x1edc, 'o' }, { 0x1edd, 'o' }, { 0x1ede, 'o' }, { 0x1edf, 'o' },
	{ 0x1ee0, 'o' }, { 0x1ee1, 'o' }, { 0x1ee2, 'o' }, { 0x1ee3, 'o' },
	{ 0x1ee4, 'u' }, { 0x1ee5, 'u' }, { 0x1ee6, 'u' }, { 0x1ee7, 'u' },
	{ 0x1ee8, 'u' }, { 0x1ee9, 'u' }, { 0x1eea, 'u' }, { 0x1eeb, 'u' },
	{ 0x1eec, 'u' }, { 0x1eed, 'u' }, { 0x1eee, 'u' }, { 0x1eef, 'u' },
	{ 0x1ef0, 'u' }, { 0x1ef1, 'u' }, { 0x1ef2, 'y' }, { 0x1ef3, 'y' },
	{ 0x1ef4, 'y' }, { 0x1ef5, 'y' }, { 0x1ef6, 'y' }, { 0x1ef7, 'y' },
	{ 0x1ef8, 'y' }, { 0x1ef9, 'y' },
};

static const char *const unit_header[] = {
	"code", "parent", "kind", "name_vi", "name_en", "name_km",
	"hotline"		/* optional */
};
static const char *const proc_header[] = {
	"code", "sector", "name_vi", "name_en", "name_km"
};
static const char *const syn_header[] = { "abbr", "words" };
static const char *const svc_header[] = {
	"code", "survey", "name_vi", "name_en", "name_km"
};

/* 1 when s[0..len) is empty or a telephone number, e.g. 0292 3830 000. */
static int
hotline_valid(const char *s, size_t len)
{
	size_t	 i, digits = 0;

	if (len == 0)
		return (1);
	if (len < UNIT_HOTLINE_MIN || len > UNIT_HOTLINE_MAX)
		return (0);
	for (i = 0; i < len; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			digits++;
		else if (strchr(" +.-()", s[i]) == NULL || s[i] == '\0')
			return (0);
	}
	return (digits >= UNIT_HOTLINE_MIN);
}

/* 1 when s[0..len) is 1..max bytes of [A-Za-z0-9._-]. */
static int
code_valid(const char *s, size_t len, size_t max)
{
	size_t	 i;

	if (len == 0 || len > max)
		return (0);
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '.' || s[i] == '_' || s[i] == '-'))
			return (0);
	return (1);
}

static int
code_cmp(const char *k, size_t len, const char *code)
{
	size_t	 n = strlen(code);
	int	 r;

	if ((r = memcmp(k, code, len < n ? len : n)) != 0)
		return (r);
	return ((len > n) - (len < n));
}

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

static int
sectors_load(struct catalog *c, const char *path, char *why, size_t whylen)
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
	if (survey_ini_parse(path, sectors_section, sectors_handler, x,
	    x->reason, doc, why, whylen) == -1)
		goto out;
	if ((line = survey_ini_line(doc, OVERALL_CODE)) == 0) {
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
		    survey_ini_line(doc, sec), sec, why, whylen) == -1)
			goto out;
	}
	rc = 0;
out:
	free(doc);
	free(x);
	return (rc);
}

static void
csv_fields_clear(struct csv_ctx *x)
{
	size_t	 i;

	for (i = 0; i < CSV_FIELDS_MAX; i++) {
		free(x->f[i]);
		x->f[i] = NULL;
		x->flen[i] = 0;
	}
	x->nf = 0;
}

static void
csv_field_cb(void *s, size_t len, void *data)
{
	struct csv_ctx	*x = data;

	if (!x->failed && x->nf < CSV_FIELDS_MAX) {
		x->f[x->nf] = xstrndup(s != NULL ? s : "", len);
		x->flen[x->nf] = len;
	}
	x->nf++;
}

static void
csv_row_cb(int term, void *data)
{
	struct csv_ctx	*x = data;
	char		 want[CAT_REASON_MAX];
	size_t		 i;

	(void)term;
	if (x->failed)
		goto out;
	for (i = 0; i < x->nf && i < CSV_FIELDS_MAX; i++) {
		if (!utf8_valid(x->f[i], x->flen[i])) {
			why_at(x->why, x->whylen, x->path, x->recline,
			    "field %zu is not valid UTF-8", i + 1);
			x->failed = 1;
			goto out;
		}
	}
	if (!x->header_done) {
		x->header_done = 1;
		for (i = 0; i < x->nheader + x->nopt; i++)
			if (i >= x->nf || strcmp(x->f[i], x->header[i]) != 0)
				break;
		if (i < x->nheader || x->nf != i) {
			want[0] = '\0';
			for (i = 0; i < x->nheader + x->nopt; i++) {
				if (i > 0)
					strlcat(want, i < x->nheader ? "," :
					    "[,", sizeof(want));
				strlcat(want, x->header[i], sizeof(want));
			}
			for (i = 0; i < x->nopt; i++)
				strlcat(want, "]", sizeof(want));
			why_at(x->why, x->whylen, x->path, x->recline,
			    "the header row must be %s", want);
			x->failed = 1;
		}
		x->ncols = x->nf;
		goto out;
	}
	if (x->nf != x->ncols) {
		why_at(x->why, x->whylen, x->path, x->recline,
		    "%zu fields, expected %zu", x->nf, x->ncols);
		x->failed = 1;
		goto out;
	}
	if (x->row(x, x->arg) == -1)
		x->failed = 1;
out:
	csv_fields_clear(x);
}

/*
 * Reads path and calls row once per record after the header (fields in
 * x->f, line in x->recline). Returns 0, or -1 with why set.
 */
static int
csv_read(struct csv_ctx *x)
{
	struct csv_parser	 p;
	FILE			*f = NULL;
	char			*text = NULL;
	const char		*s, *end, *nl;
	size_t			 len = 0, n;
	enum hl_rc		 rd;
	int			 rc = -1, inited = 0, line = 0;

	if ((f = fopen(x->path, "rb")) == NULL) {
		why_at(x->why, x->whylen, x->path, 0, "%s", strerror(errno));
		goto out;
	}
	if ((rd = file_slurp(f, CATALOG_FILE_MAX, &text, &len)) != HL_OK) {
		why_at(x->why, x->whylen, x->path, 0, "%s", rd == HL_ERROR ?
		    "read error" : "file too large");
		goto out;
	}
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0)
		abort();
	inited = 1;
	csv_set_realloc_func(&p, xrealloc);
	s = text;
	end = text + len;
	if (len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3;
	while (s < end && !x->failed) {
		line++;
		if ((nl = memchr(s, '\n', end - s)) == NULL)
			nl = end - 1;
		n = nl - s + 1;
		if (p.pstate == CSV_ROW_NOT_BEGUN) {
			x->recline = line;
			if (*s == '#') {
				s += n;
				continue;
			}
		}
		if (csv_parse(&p, s, n, csv_field_cb, csv_row_cb, x) != n) {
			if (!x->failed)
				why_at(x->why, x->whylen, x->path, line,
				    "bad quoting (a quote inside an unquoted "
				    "field, or text after a closing quote)");
			x->failed = 1;
		}
		s += n;
	}
	if (!x->failed && csv_fini(&p, csv_field_cb, csv_row_cb, x) != 0) {
		if (!x->failed)
			why_at(x->why, x->whylen, x->path, x->recline,
			    "quoted field not closed");
		x->failed = 1;
	}
	if (!x->failed && !x->header_done) {
		why_at(x->why, x->whylen, x->path, 0, "no header row");
		x->failed = 1;
	}
	if (!x->failed)
		rc = 0;
out:
	if (inited)
		csv_free(&p);
	csv_fields_clear(x);
	if (f != NULL)
		fclose(f);
	free(text);
	return (rc);
}

/* Fills t from fields vi, en, km; an empty km takes the vi name. */
static int
names_set(struct csv_ctx *x, struct text *t, size_t vi)
{
	static const char *const col[] = { "name_vi", "name_en", "name_km" };
	int			 l;

	for (l = 0; l < LANG_COUNT; l++) {
		if (x->flen[vi + l] > CATALOG_NAME_MAX ||
		    (x->flen[vi + l] == 0 && l != LANG_KM)) {
			why_at(x->why, x->whylen, x->path, x->recline,
			    "%s must be 1 to %d bytes", col[l],
			    CATALOG_NAME_MAX);
			return (-1);
		}
	}
	for (l = 0; l < LANG_COUNT; l++)
		t->s[l] = xstrdup(x->flen[vi + l] == 0 ? x->f[vi] :
		    x->f[vi + l]);
	return (0);
}

static void
text_clear(struct text *t)
{
	int	 l;

	for (l = 0; l < LANG_COUNT; l++) {
		free(t->s[l]);
		t->s[l] = NULL;
	}
}

static int
unit_row(struct csv_ctx *x, void *arg)
{
	struct load	*ld = arg;
	struct urow	*r;
	size_t		 i;

	if (!code_valid(x->f[0], x->flen[0], UNIT_CODE_MAX)) {
		why_at(x->why, x->whylen, x->path, x->recline, "code must be "
		    "1 to %d characters of A-Z a-z 0-9 . _ -", UNIT_CODE_MAX);
		return (-1);
	}
	if (x->flen[1] != 0 &&
	    !code_valid(x->f[1], x->flen[1], UNIT_CODE_MAX)) {
		why_at(x->why, x->whylen, x->path, x->recline, "parent must "
		    "be empty (the root) or a unit code");
		return (-1);
	}
	for (i = 0; i < x->flen[2]; i++)
		if ((unsigned char)x->f[2][i] < 0x20)
			break;
	if (x->flen[2] == 0 || x->flen[2] > UNIT_KIND_MAX || i < x->flen[2]) {
		why_at(x->why, x->whylen, x->path, x->recline, "kind must be "
		    "1 to %d bytes on one line", UNIT_KIND_MAX);
		return (-1);
	}
	if (ld->nu == CATALOG_UNITS_MAX) {
		why_at(x->why, x->whylen, x->path, x->recline, "more than %d "
		    "units", CATALOG_UNITS_MAX);
		return (-1);
	}
	if (ld->nu == ld->usize) {
		ld->usize = ld->usize == 0 ? 64 : ld->usize * 2;
		ld->u = xrealloc(ld->u, ld->usize * sizeof(*ld->u));
	}
	if (x->ncols > 6 && !hotline_valid(x->f[6], x->flen[6])) {
		why_at(x->why, x->whylen, x->path, x->recline, "hotline must "
		    "be empty or a telephone number: %d to %d characters of "
		    "0-9, spaces and + . - ( )", UNIT_HOTLINE_MIN,
		    UNIT_HOTLINE_MAX);
		return (-1);
	}
	r = &ld->u[ld->nu];
	memset(r, 0, sizeof(*r));
	if (names_set(x, &r->u.name, 3) == -1)
		return (-1);
	if (x->ncols > 6)
		strlcpy(r->u.hotline, x->f[6], sizeof(r->u.hotline));
	ld->nu++;
	r->line = x->recline;
	strlcpy(r->u.code, x->f[0], sizeof(r->u.code));
	strlcpy(r->u.parent, x->f[1], sizeof(r->u.parent));
	strlcpy(r->u.kind, x->f[2], sizeof(r->u.kind));
	r->u.depth = -1;
	return (0);
}

static int
proc_row(struct csv_ctx *x, void *arg)
{
	struct load	*ld = arg;
	struct prow	*r;

	if (!code_valid(x->f[0], x->flen[0], PROC_CODE_MAX)) {
		why_at(x->why, x->whylen, x->path, x->recline, "code must be "
		    "1 to %d characters of A-Z a-z 0-9 . _ -", PROC_CODE_MAX);
		return (-1);
	}
	if (catalog_sector(ld->c, x->f[1], x->flen[1]) == NULL) {
		if (ident_valid(x->f[1], x->flen[1], SECTOR_CODE_MAX))
			why_at(x->why, x->whylen, x->path, x->recline,
			    "unknown sector %s (not in sectors.ini)", x->f[1]);
		else
			why_at(x->why, x->whylen, x->path, x->recline,
			    "unknown sector (not in sectors.ini)");
		return (-1);
	}
	if (ld->np == CATALOG_PROCS_MAX) {
		why_at(x->why, x->whylen, x->path, x->recline, "more than %d "
		    "procedures", CATALOG_PROCS_MAX);
		return (-1);
	}
	if (ld->np == ld->psize) {
		ld->psize = ld->psize == 0 ? 64 : ld->psize * 2;
		ld->p = xrealloc(ld->p, ld->psize * sizeof(*ld->p));
	}
	r = &ld->p[ld->np];
	memset(r, 0, sizeof(*r));
	if (names_set(x, &r->p.name, 2) == -1)
		return (-1);
	ld->np++;
	r->line = x->recline;
	strlcpy(r->p.code, x->f[0], sizeof(r->p.code));
	strlcpy(r->p.sector, x->f[1], sizeof(r->p.sector));
	return (0);
}

static int
fold_cmp(const void *k, const void *e)
{
	uint32_t		 cp = *(const uint32_t *)k;
	const struct fold_map	*m = e;

	return (cp < m->cp ? -1 : cp > m->cp ? 1 : 0);
}

/*
 * Folds s[0..len) into out (len + 1 bytes); *other counts the characters
 * that are neither letters nor digits. Returns the folded length.
 */
static size_t
fold_into(const char *s, size_t len, char *out, size_t *other)
{
	const unsigned char	*u = (const unsigned char *)s;
	const struct fold_map	*m;
	uint32_t		 cp;
	size_t			 i = 0, n = 0, k, more;
	int			 gap = 0;
	char			 c;

	*other = 0;
	while (i < len) {
		cp = u[i];
		more = cp >= 0xf0 ? 3 : cp >= 0xe0 ? 2 : cp >= 0xc0 ? 1 : 0;
		if (more > len - i - 1)
			more = len - i - 1;
		if (more > 0)
			cp &= 0x3f >> more;
		for (k = 1; k <= more; k++)
			cp = cp << 6 | (u[i + k] & 0x3f);
		i += more + 1;
		c = 0;
		if (cp >= 'A' && cp <= 'Z')
			c = (char)(cp - 'A' + 'a');
		else if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9'))
			c = (char)cp;
		else if (cp >= 0x300 && cp <= 0x36f)
			continue;	/* a combining mark: NFD text */
		else if ((m = bsearch(&cp, fold_map, sizeof(fold_map) /
		    sizeof(fold_map[0]), sizeof(fold_map[0]), fold_cmp)) != NULL)
			c = m->base;
		if (c == 0) {
			(*other)++;
			gap = 1;
			continue;
		}
		if (gap && n > 0)
			out[n++] = ' ';
		gap = 0;
		out[n++] = c;
	}
	out[n] = '\0';
	return (n);
}

char *
catalog_fold(const char *s, size_t len)
{
	char	*out = xmalloc(len + 1);
	size_t	 other;

	fold_into(s, len, out, &other);
	return (out);
}

/* 1 when the folded words w are words of the folded text t. */
static int
fold_has(const char *t, const char *w)
{
	size_t		 n = strlen(w);
	const char	*p = t;

	if (n == 0)
		return (0);
	while ((p = strstr(p, w)) != NULL) {
		if ((p == t || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
			return (1);
		p++;
	}
	return (0);
}

static int
syn_row(struct csv_ctx *x, void *arg)
{
	struct load	*ld = arg;
	struct srow	*r;
	char		*af, *wf;
	size_t		 other, i;

	if (x->flen[0] == 0 || x->flen[0] > SYNONYM_ABBR_MAX) {
		why_at(x->why, x->whylen, x->path, x->recline, "abbr must be "
		    "1 to %d bytes", SYNONYM_ABBR_MAX);
		return (-1);
	}
	af = xmalloc(x->flen[0] + 1);
	fold_into(x->f[0], x->flen[0], af, &other);
	if (other > 0 || af[0] == '\0') {
		free(af);
		why_at(x->why, x->whylen, x->path, x->recline, "abbr must be "
		    "letters and digits only (no spaces)");
		return (-1);
	}
	wf = xmalloc(x->flen[1] + 1);
	fold_into(x->f[1], x->flen[1], wf, &other);
	if (x->flen[1] > CATALOG_NAME_MAX || wf[0] == '\0' ||
	    strcmp(wf, af) == 0) {
		free(af);
		free(wf);
		why_at(x->why, x->whylen, x->path, x->recline, "words must be "
		    "1 to %d bytes of words other than the abbr itself",
		    CATALOG_NAME_MAX);
		return (-1);
	}
	for (i = 0; i < ld->ns; i++) {
		if (strcmp(ld->s[i].s.abbr_fold, af) != 0 ||
		    strcmp(ld->s[i].s.words_fold, wf) != 0)
			continue;
		free(af);
		free(wf);
		why_at(x->why, x->whylen, x->path, x->recline, "the same "
		    "abbr and words as line %d", ld->s[i].line);
		return (-1);
	}
	if (ld->ns == CATALOG_SYNONYMS_MAX) {
		free(af);
		free(wf);
		why_at(x->why, x->whylen, x->path, x->recline, "more than %d "
		    "synonyms", CATALOG_SYNONYMS_MAX);
		return (-1);
	}
	if (ld->ns == ld->ssize) {
		ld->ssize = ld->ssize == 0 ? 32 : ld->ssize * 2;
		ld->s = xrealloc(ld->s, ld->ssize * sizeof(*ld->s));
	}
	r = &ld->s[ld->ns++];
	r->line = x->recline;
	r->s.abbr = xstrdup(x->f[0]);
	r->s.words = xstrdup(x->f[1]);
	r->s.abbr_fold = af;
	r->s.words_fold = wf;
	return (0);
}

static void
syn_clear(struct synonym *s)
{
	free(s->abbr);
	free(s->words);
	free(s->abbr_fold);
	free(s->words_fold);
}

static int
syns_load(struct load *ld, const char *path, char *why, size_t whylen)
{
	struct csv_ctx	 x;
	struct stat	 sb;

	if (stat(path, &sb) == -1 && errno == ENOENT)
		return (0);
	memset(&x, 0, sizeof(x));
	x.path = path;
	x.header = syn_header;
	x.nheader = sizeof(syn_header) / sizeof(syn_header[0]);
	x.why = why;
	x.whylen = whylen;
	x.row = syn_row;
	x.arg = ld;
	return (csv_read(&x));
}

/* Adds s to p's aliases unless there already. */
static void
alias_add(struct procedure *p, const char *s)
{
	size_t	 i;

	for (i = 0; i < p->naliases; i++)
		if (strcmp(p->aliases[i], s) == 0)
			return;
	p->aliases = xrealloc(p->aliases, (p->naliases + 1) *
	    sizeof(*p->aliases));
	p->aliases[p->naliases++] = s;
}

/* Each procedure's aliases, by its folded Vietnamese name. */
static void
aliases_set(struct catalog *c)
{
	struct procedure	*p;
	char			*name;
	size_t			 i, j;

	for (i = 0; i < c->nprocs; i++) {
		p = &c->procs[i];
		name = catalog_fold(p->name.s[LANG_VI],
		    strlen(p->name.s[LANG_VI]));
		for (j = 0; j < c->nsyns; j++) {
			if (fold_has(name, c->syns[j].words_fold))
				alias_add(p, c->syns[j].abbr);
			if (fold_has(name, c->syns[j].abbr_fold))
				alias_add(p, c->syns[j].words);
		}
		free(name);
	}
}

static int
svc_row(struct csv_ctx *x, void *arg)
{
	struct load	*ld = arg;
	struct service	*r;
	size_t		 i;

	if (!code_valid(x->f[0], x->flen[0], SERVICE_CODE_MAX)) {
		why_at(x->why, x->whylen, x->path, x->recline, "code must be "
		    "1 to %d characters of A-Z a-z 0-9 . _ -",
		    SERVICE_CODE_MAX);
		return (-1);
	}
	if (!ident_valid(x->f[1], x->flen[1], SURVEY_ID_MAX)) {
		why_at(x->why, x->whylen, x->path, x->recline, "survey must "
		    "be a survey id (a-z, 0-9, _)");
		return (-1);
	}
	for (i = 0; i < ld->nv; i++)
		if (strcmp(ld->v[i].code, x->f[0]) == 0) {
			why_at(x->why, x->whylen, x->path, x->recline,
			    "duplicate code %s (first at line %d)", x->f[0],
			    ld->v[i].line);
			return (-1);
		}
	if (ld->nv == CATALOG_SERVICES_MAX) {
		why_at(x->why, x->whylen, x->path, x->recline, "more than %d "
		    "services", CATALOG_SERVICES_MAX);
		return (-1);
	}
	if (ld->nv == ld->vsize) {
		ld->vsize = ld->vsize == 0 ? 16 : ld->vsize * 2;
		ld->v = xrealloc(ld->v, ld->vsize * sizeof(*ld->v));
	}
	r = &ld->v[ld->nv];
	memset(r, 0, sizeof(*r));
	if (names_set(x, &r->name, 2) == -1)
		return (-1);
	ld->nv++;
	r->line = x->recline;
	strlcpy(r->code, x->f[0], sizeof(r->code));
	strlcpy(r->survey, x->f[1], sizeof(r->survey));
	return (0);
}

/* services.csv, when there is one. */
static int
svcs_load(struct load *ld, const char *path, char *why, size_t whylen)
{
	struct csv_ctx	 x;
	struct stat	 sb;

	if (stat(path, &sb) == -1 && errno == ENOENT)
		return (0);
	memset(&x, 0, sizeof(x));
	x.path = path;
	x.header = svc_header;
	x.nheader = sizeof(svc_header) / sizeof(svc_header[0]);
	x.why = why;
	x.whylen = whylen;
	x.row = svc_row;
	x.arg = ld;
	return (csv_read(&x));
}

static int
urow_cmp(const void *a, const void *b)
{
	return (strcmp(((const struct urow *)a)->u.code,
	    ((const struct urow *)b)->u.code));
}

static int
prow_cmp(const void *a, const void *b)
{
	return (strcmp(((const struct prow *)a)->p.code,
	    ((const struct prow *)b)->p.code));
}

static struct urow *
urow_find(struct load *ld, const char *code)
{
	struct urow	 key;

	strlcpy(key.u.code, code, sizeof(key.u.code));
	return (bsearch(&key, ld->u, ld->nu, sizeof(*ld->u), urow_cmp));
}

/*
 * The tree: one root, known parents, no cycle; sets depths. Each check
 * reports the first offending row of the file.
 */
static int
units_tree(struct load *ld, const char *path, char *why, size_t whylen)
{
	struct urow	*r, *root = NULL, *second = NULL, *bad = NULL;
	size_t		*stack = NULL, top, i, j;
	char		*state = NULL;	/* 0 new, 1 on the walk, 2 done */
	int		 rc = -1, line;

	for (i = 0; i < ld->nu; i++) {
		r = &ld->u[i];
		if (r->u.parent[0] != '\0') {
			if (urow_find(ld, r->u.parent) == NULL &&
			    (bad == NULL || r->line < bad->line))
				bad = r;
			continue;
		}
		if (root == NULL || r->line < root->line) {
			second = root;
			root = r;
		} else if (second == NULL || r->line < second->line)
			second = r;
	}
	if (root == NULL) {
		why_at(why, whylen, path, 0, "no root unit (a row with an "
		    "empty parent)");
		goto out;
	}
	if (second != NULL) {
		why_at(why, whylen, path, second->line, "second root %s (the "
		    "root is %s, line %d): only one unit may have an empty "
		    "parent", second->u.code, root->u.code, root->line);
		goto out;
	}
	if (bad != NULL) {
		why_at(why, whylen, path, bad->line, "unknown parent %s",
		    bad->u.parent);
		goto out;
	}
	stack = xcalloc(ld->nu + 1, sizeof(*stack));
	state = xcalloc(ld->nu, 1);
	root->u.depth = 0;
	state[root - ld->u] = 2;
	for (i = 0; i < ld->nu; i++) {
		top = 0;
		j = i;
		while (state[j] == 0) {
			state[j] = 1;
			stack[top++] = j;
			j = urow_find(ld, ld->u[j].u.parent) - ld->u;
		}
		if (state[j] == 1) {
			/* j is on this walk: the cycle runs from j up. */
			line = ld->u[j].line;
			bad = &ld->u[j];
			while (top > 0 && stack[top - 1] != j) {
				top--;
				if (ld->u[stack[top]].line < line) {
					line = ld->u[stack[top]].line;
					bad = &ld->u[stack[top]];
				}
			}
			why_at(why, whylen, path, line, "unit %s is in a "
			    "cycle of parents", bad->u.code);
			goto out;
		}
		while (top > 0) {
			top--;
			ld->u[stack[top]].u.depth = ld->u[j].u.depth + 1;
			state[stack[top]] = 2;
			j = stack[top];
		}
	}
	rc = 0;
out:
	free(stack);
	free(state);
	return (rc);
}

static void
load_clear(struct load *ld)
{
	size_t	 i;

	for (i = 0; i < ld->nu; i++)
		text_clear(&ld->u[i].u.name);
	for (i = 0; i < ld->np; i++)
		text_clear(&ld->p[i].p.name);
	for (i = 0; i < ld->ns; i++)
		syn_clear(&ld->s[i].s);
	for (i = 0; i < ld->nv; i++)
		text_clear(&ld->v[i].name);
	free(ld->v);
	free(ld->u);
	free(ld->p);
	free(ld->s);
}

static int
units_load(struct load *ld, const char *path, char *why, size_t whylen)
{
	struct csv_ctx	 x;
	size_t		 i;
	int		 a, b;

	memset(&x, 0, sizeof(x));
	x.path = path;
	x.header = unit_header;
	x.nheader = sizeof(unit_header) / sizeof(unit_header[0]) - 1;
	x.nopt = 1;
	x.why = why;
	x.whylen = whylen;
	x.row = unit_row;
	x.arg = ld;
	if (csv_read(&x) == -1)
		return (-1);
	qsort(ld->u, ld->nu, sizeof(*ld->u), urow_cmp);
	for (i = 1; i < ld->nu; i++) {
		if (strcmp(ld->u[i - 1].u.code, ld->u[i].u.code) == 0) {
			a = ld->u[i - 1].line;
			b = ld->u[i].line;
			why_at(why, whylen, path, a > b ? a : b, "duplicate "
			    "code %s (first at line %d)", ld->u[i].u.code,
			    a < b ? a : b);
			return (-1);
		}
	}
	return (units_tree(ld, path, why, whylen));
}

static int
procs_load(struct load *ld, const char *path, char *why, size_t whylen)
{
	struct csv_ctx	 x;
	size_t		 i;
	int		 a, b;

	memset(&x, 0, sizeof(x));
	x.path = path;
	x.header = proc_header;
	x.nheader = sizeof(proc_header) / sizeof(proc_header[0]);
	x.why = why;
	x.whylen = whylen;
	x.row = proc_row;
	x.arg = ld;
	if (csv_read(&x) == -1)
		return (-1);
	qsort(ld->p, ld->np, sizeof(*ld->p), prow_cmp);
	for (i = 1; i < ld->np; i++) {
		if (strcmp(ld->p[i - 1].p.code, ld->p[i].p.code) == 0) {
			a = ld->p[i - 1].line;
			b = ld->p[i].line;
			why_at(why, whylen, path, a > b ? a : b, "duplicate "
			    "code %s (first at line %d)", ld->p[i].p.code,
			    a < b ? a : b);
			return (-1);
		}
	}
	return (0);
}

int
catalog_load(const char *dir, struct catalog **cp, char *why, size_t whylen)
{
	struct catalog	*c;
	struct load	 ld;
	char		*path = NULL;
	size_t		 i, n = strlen(dir) + sizeof("/procedures.csv");
	int		 rc = -1;

	*cp = NULL;
	memset(&ld, 0, sizeof(ld));
	c = xcalloc(1, sizeof(*c));
	ld.c = c;
	path = xmalloc(n);
	snprintf(path, n, "%s/sectors.ini", dir);
	if (sectors_load(c, path, why, whylen) == -1)
		goto out;
	snprintf(path, n, "%s/units.csv", dir);
	if (units_load(&ld, path, why, whylen) == -1)
		goto out;
	snprintf(path, n, "%s/procedures.csv", dir);
	if (procs_load(&ld, path, why, whylen) == -1)
		goto out;
	snprintf(path, n, "%s/synonyms.csv", dir);
	if (syns_load(&ld, path, why, whylen) == -1)
		goto out;
	snprintf(path, n, "%s/services.csv", dir);
	if (svcs_load(&ld, path, why, whylen) == -1)
		goto out;
	c->units = xcalloc(ld.nu, sizeof(*c->units));
	for (i = 0; i < ld.nu; i++)
		c->units[i] = ld.u[i].u;
	c->nunits = ld.nu;
	ld.nu = 0;
	c->procs = xcalloc(ld.np, sizeof(*c->procs));
	for (i = 0; i < ld.np; i++)
		c->procs[i] = ld.p[i].p;
	c->nprocs = ld.np;
	ld.np = 0;
	c->syns = xcalloc(ld.ns, sizeof(*c->syns));
	for (i = 0; i < ld.ns; i++)
		c->syns[i] = ld.s[i].s;
	c->nsyns = ld.ns;
	ld.ns = 0;
	c->services = ld.v;
	c->nservices = ld.nv;
	ld.v = NULL;
	ld.nv = 0;
	aliases_set(c);
	*cp = c;
	c = NULL;
	rc = 0;
out:
	load_clear(&ld);
	catalog_free(c);
	free(path);
	return (rc);
}

void
catalog_free(struct catalog *c)
{
	size_t	 i;

	if (c == NULL)
		return;
	text_clear(&c->overall.name);
	for (i = 0; i < c->nsectors; i++)
		text_clear(&c->sectors[i].name);
	for (i = 0; i < c->nunits; i++)
		text_clear(&c->units[i].name);
	for (i = 0; i < c->nprocs; i++) {
		text_clear(&c->procs[i].name);
		free(c->procs[i].aliases);
	}
	for (i = 0; i < c->nsyns; i++)
		syn_clear(&c->syns[i]);
	for (i = 0; i < c->nservices; i++)
		text_clear(&c->services[i].name);
	free(c->services);
	free(c->units);
	free(c->procs);
	free(c->syns);
	free(c);
}

const struct sector *
catalog_sector(const struct catalog *c, const char *code, size_t len)
{
	size_t	 i;

	if (len == 0 || len > SECTOR_CODE_MAX)
		return (NULL);
	for (i = 0; i < c->nsectors; i++)
		if (code_cmp(code, len, c->sectors[i].code) == 0)
			return (&c->sectors[i]);
	return (NULL);
}

const struct unit *
catalog_root(const struct catalog *c)
{
	size_t	 i;

	for (i = 0; i < c->nunits; i++)
		if (c->units[i].parent[0] == '\0')
			return (&c->units[i]);
	return (NULL);
}

const struct unit *
catalog_unit(const struct catalog *c, const char *code, size_t len)
{
	size_t	 lo = 0, hi = c->nunits, mid;
	int	 r;

	if (len == 0 || len > UNIT_CODE_MAX)
		return (NULL);
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((r = code_cmp(code, len, c->units[mid].code)) == 0)
			return (&c->units[mid]);
		if (r < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return (NULL);
}

int
catalog_in_subtree(const struct catalog *c, const char *u, const char *top)
{
	const struct unit	*x;
	size_t			 depth = 0;

	x = catalog_unit(c, u, strnlen(u, UNIT_CODE_MAX + 1));
	if (x != NULL && top[0] == '\0')
		return (1);
	/* catalog_load() refused cycles; the bound is for safety only. */
	while (x != NULL && depth++ <= c->nunits) {
		if (strcmp(x->code, top) == 0)
			return (1);
		if (x->parent[0] == '\0')
			break;
		x = catalog_unit(c, x->parent, strlen(x->parent));
	}
	return (0);
}

const struct procedure *
catalog_procedure(const struct catalog *c, const char *code, size_t len)
{
	size_t	 lo = 0, hi = c->nprocs, mid;
	int	 r;

	if (len == 0 || len > PROC_CODE_MAX)
		return (NULL);
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((r = code_cmp(code, len, c->procs[mid].code)) == 0)
			return (&c->procs[mid]);
		if (r < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return (NULL);
}

const struct service *
catalog_service(const struct catalog *c, const char *code, size_t len)
{
	size_t	 i;

	if (len == 0 || len > SERVICE_CODE_MAX)
		return (NULL);
	for (i = 0; i < c->nservices; i++)
		if (code_cmp(code, len, c->services[i].code) == 0)
			return (&c->services[i]);
	return (NULL);
}
