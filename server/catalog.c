/*
 * catalog.c: loads schema/units.csv, procedures.csv, synonyms.csv and
 * services.csv (read by csvfile.c; sectors.ini by catalog_sectors.c),
 * checks them whole (the unit tree: one root, every parent present, no
 * cycle, depth computed) and answers lookups by code with binary
 * searches.
 * units.csv: code,parent,kind,name_vi,name_en,name_km[,hotline[,retired,
 * successor]]; hotline, an optional column, a telephone number or empty;
 * retired (YYYY-MM-DD) and successor, optional columns, both empty or
 * both set: a retired unit's successor is another unit, not below it, its
 * chain of successors ends at a unit never retired, and no unit below a
 * retired one is still active.
 * procedures.csv: code,sector,name_vi,name_en,name_km; sector from
 * sectors.ini. synonyms.csv (may be absent): abbr,words; abbr 1 to
 * SYNONYM_ABBR_MAX bytes of letters and digits, words a few words that
 * fold (fold.c) to something else; no pair twice, however written.
 * services.csv: code,survey,name_vi,name_en,name_km. Spaces around
 * unquoted fields are dropped, an empty name_km falls back to name_vi.
 * Codes: A-Z a-z 0-9 . _ -
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "catalog_priv.h"
#include "csvfile.h"
#include "fold.h"
#include "survey.h"
#include "util.h"

struct urow {
	struct unit	 u;
	int		 line;
	int		 stored;	/* a row of the store */
};

struct prow {
	struct procedure p;
	int		 line;
	int		 stored;
};

struct srow {
	struct synonym	 s;
	int		 line;
};

struct load {
	struct catalog	*c;
	const struct catrow *rows;	/* the store's */
	size_t		 nrows;
	struct urow	*u;
	size_t		 nu, usize;
	struct prow	*p;
	size_t		 np, psize;
	struct srow	*s;
	size_t		 ns, ssize;
	struct service	*v;
	size_t		 nv, vsize;
};

static const char *const unit_header[] = {
	"code", "parent", "kind", "name_vi", "name_en", "name_km",
	"hotline", "retired", "successor"	/* optional */
};
static const char *const proc_header[] = {
	"code", "sector", "name_vi", "name_en", "name_km",
	"withdrawn"		/* optional */
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

/* Fills t from fields vi, en, km; an empty km takes the vi name. */
static int
names_set(struct csvfile *x, struct text *t, size_t vi)
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

/* 1 when s[0..n) is a day, YYYY-MM-DD. */
static int
date_valid(const char *s, size_t n)
{
	char	 d[UNIT_DATE_LEN + 1];
	int64_t	 t;

	if (n != UNIT_DATE_LEN)
		return (0);
	memcpy(d, s, n);
	d[n] = '\0';
	return (parse_date(d, &t) == 0);
}

/* A row's retired and successor: both empty, or a day and a code. */
static int
unit_retire_valid(struct csvfile *x)
{
	char	 d[UNIT_DATE_LEN + 1];
	int64_t	 t;

	if (x->flen[7] == 0 && x->flen[8] == 0)
		return (0);
	if (x->flen[7] != UNIT_DATE_LEN) {
		why_at(x->why, x->whylen, x->path, x->recline, "retired must "
		    "be a day, YYYY-MM-DD");
		return (-1);
	}
	memcpy(d, x->f[7], UNIT_DATE_LEN);
	d[UNIT_DATE_LEN] = '\0';
	if (parse_date(d, &t) == -1) {
		why_at(x->why, x->whylen, x->path, x->recline, "retired must "
		    "be a day, YYYY-MM-DD");
		return (-1);
	}
	if (!code_valid(x->f[8], x->flen[8], UNIT_CODE_MAX)) {
		why_at(x->why, x->whylen, x->path, x->recline, "a retired "
		    "unit needs its successor's code");
		return (-1);
	}
	if (x->flen[8] == x->flen[0] &&
	    memcmp(x->f[8], x->f[0], x->flen[0]) == 0) {
		why_at(x->why, x->whylen, x->path, x->recline, "a unit "
		    "cannot be its own successor");
		return (-1);
	}
	return (0);
}

static int
unit_row(struct csvfile *x, void *arg)
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
	if (x->ncols == 8) {
		why_at(x->why, x->whylen, x->path, x->recline, "retired "
		    "and successor come together");
		return (-1);
	}
	if (x->ncols > 8 && unit_retire_valid(x) == -1)
		return (-1);
	r = &ld->u[ld->nu];
	memset(r, 0, sizeof(*r));
	if (names_set(x, &r->u.name, 3) == -1)
		return (-1);
	if (x->ncols > 6)
		strlcpy(r->u.hotline, x->f[6], sizeof(r->u.hotline));
	if (x->ncols > 8) {
		strlcpy(r->u.retired, x->f[7], sizeof(r->u.retired));
		strlcpy(r->u.successor, x->f[8], sizeof(r->u.successor));
	}
	ld->nu++;
	r->line = x->recline;
	strlcpy(r->u.code, x->f[0], sizeof(r->u.code));
	strlcpy(r->u.parent, x->f[1], sizeof(r->u.parent));
	strlcpy(r->u.kind, x->f[2], sizeof(r->u.kind));
	r->u.depth = -1;
	return (0);
}

static int
proc_row(struct csvfile *x, void *arg)
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
	if (x->ncols > 5 && x->flen[5] > 0 && !date_valid(x->f[5],
	    x->flen[5])) {
		why_at(x->why, x->whylen, x->path, x->recline, "withdrawn "
		    "must be empty or a day, YYYY-MM-DD");
		return (-1);
	}
	r = &ld->p[ld->np];
	memset(r, 0, sizeof(*r));
	if (names_set(x, &r->p.name, 2) == -1)
		return (-1);
	if (x->ncols > 5)
		strlcpy(r->p.withdrawn, x->f[5], sizeof(r->p.withdrawn));
	ld->np++;
	r->line = x->recline;
	strlcpy(r->p.code, x->f[0], sizeof(r->p.code));
	strlcpy(r->p.sector, x->f[1], sizeof(r->p.sector));
	return (0);
}

static int
syn_row(struct csvfile *x, void *arg)
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
	struct csvfile	 x;
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
	return (csvfile_read(&x, CATALOG_FILE_MAX));
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
		name = fold_text(p->name.s[LANG_VI],
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
svc_row(struct csvfile *x, void *arg)
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
	struct csvfile	 x;
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
	return (csvfile_read(&x, CATALOG_FILE_MAX));
}

static int
urow_cmp(const void *a, const void *b)
{
	return (strcmp(((const struct urow *)a)->u.code,
	    ((const struct urow *)b)->u.code));
}

/* By code, a file's row before the store's row of the same code. */
static int
urow_cmp_stored(const void *a, const void *b)
{
	const struct urow	*x = a, *y = b;
	int			 r;

	if ((r = strcmp(x->u.code, y->u.code)) != 0)
		return (r);
	return ((x->stored > y->stored) - (x->stored < y->stored));
}

static int
prow_cmp_stored(const void *a, const void *b)
{
	const struct prow	*x = a, *y = b;
	int			 r;

	if ((r = strcmp(x->p.code, y->p.code)) != 0)
		return (r);
	return ((x->stored > y->stored) - (x->stored < y->stored));
}

/*
 * The store's rows of type into ld through row() as if read from a file
 * named "unit CODE" or "procedure CODE" (every rule of a file's row
 * applies), marked stored.
 */
static int
rows_add(struct load *ld, char type, int (*row)(struct csvfile *, void *),
    char *why, size_t whylen)
{
	struct csvfile	 x;
	struct catrow	 cr;
	char		 path[64];
	size_t		 i, nf;
	int		 l;

	for (i = 0; i < ld->nrows; i++) {
		if (ld->rows[i].type != type)
			continue;
		cr = ld->rows[i];
		memset(&x, 0, sizeof(x));
		snprintf(path, sizeof(path), "%s %s", type == CATROW_UNIT ?
		    "unit" : "procedure", cr.code);
		x.path = path;
		x.why = why;
		x.whylen = whylen;
		nf = 0;
		x.f[nf++] = cr.code;
		if (type == CATROW_UNIT) {
			x.f[nf++] = cr.parent;
			x.f[nf++] = cr.kind;
		} else
			x.f[nf++] = cr.sector;
		for (l = 0; l < LANG_COUNT; l++)
			x.f[nf++] = cr.name[l];
		if (type == CATROW_UNIT) {
			x.f[nf++] = cr.hotline;
			x.f[nf++] = cr.retired;
			x.f[nf++] = cr.successor;
		} else
			x.f[nf++] = cr.retired;		/* withdrawn */
		x.nf = x.ncols = nf;
		for (nf = 0; nf < x.nf; nf++)
			x.flen[nf] = strlen(x.f[nf]);
		if (row(&x, ld) == -1)
			return (-1);
		if (type == CATROW_UNIT)
			ld->u[ld->nu - 1].stored = 1;
		else
			ld->p[ld->np - 1].stored = 1;
	}
	return (0);
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

/*
 * Retired units: a known successor, not below the unit, a chain of
 * successors that ends at an active unit (no cycle), and no active unit
 * below a retired one.
 */
static int
units_retired(struct load *ld, const char *path, char *why, size_t whylen)
{
	struct urow	*r, *s, *p;
	size_t		 i, steps;

	for (i = 0; i < ld->nu; i++) {
		r = &ld->u[i];
		if (r->u.retired[0] == '\0') {
			/* An active unit: every unit above it active. */
			for (p = urow_find(ld, r->u.parent); p != NULL;
			    p = urow_find(ld, p->u.parent))
				if (p->u.retired[0] != '\0') {
					why_at(why, whylen, path, r->line,
					    "unit %s is active below %s, "
					    "retired since %s: move or retire "
					    "it first", r->u.code, p->u.code,
					    p->u.retired);
					return (-1);
				}
			continue;
		}
		if ((s = urow_find(ld, r->u.successor)) == NULL) {
			why_at(why, whylen, path, r->line, "unknown "
			    "successor %s", r->u.successor);
			return (-1);
		}
		for (p = s; p != NULL; p = urow_find(ld, p->u.parent))
			if (p == r) {
				why_at(why, whylen, path, r->line, "successor "
				    "%s is below the retired unit %s",
				    s->u.code, r->u.code);
				return (-1);
			}
		for (steps = 0; s->u.retired[0] != '\0'; steps++) {
			if (steps > ld->nu || s == r) {
				why_at(why, whylen, path, r->line, "unit %s "
				    "is in a cycle of successors", r->u.code);
				return (-1);
			}
			if ((s = urow_find(ld, s->u.successor)) == NULL)
				break;	/* named at its own line */
		}
	}
	return (0);
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
	struct csvfile	 x;
	size_t		 i, j;
	int		 a, b;

	memset(&x, 0, sizeof(x));
	x.path = path;
	x.header = unit_header;
	x.nheader = sizeof(unit_header) / sizeof(unit_header[0]) - 3;
	x.nopt = 3;
	x.why = why;
	x.whylen = whylen;
	x.row = unit_row;
	x.arg = ld;
	if (csvfile_read(&x, CATALOG_FILE_MAX) == -1 ||
	    rows_add(ld, CATROW_UNIT, unit_row, why, whylen) == -1)
		return (-1);
	/* A stored row replaces the file's row of its code. */
	qsort(ld->u, ld->nu, sizeof(*ld->u), urow_cmp_stored);
	for (i = 1, j = 0; ld->nu > 0 && i <= ld->nu; i++) {
		if (i < ld->nu && ld->u[i].stored && !ld->u[i - 1].stored &&
		    strcmp(ld->u[i - 1].u.code, ld->u[i].u.code) == 0) {
			ld->u[i].line = ld->u[i - 1].line;
			text_clear(&ld->u[i - 1].u.name);
			continue;
		}
		ld->u[j++] = ld->u[i - 1];
	}
	ld->nu = j;
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
	if (units_tree(ld, path, why, whylen) == -1)
		return (-1);
	return (units_retired(ld, path, why, whylen));
}

static int
procs_load(struct load *ld, const char *path, char *why, size_t whylen)
{
	struct csvfile	 x;
	size_t		 i, j;
	int		 a, b;

	memset(&x, 0, sizeof(x));
	x.path = path;
	x.header = proc_header;
	x.nheader = sizeof(proc_header) / sizeof(proc_header[0]) - 1;
	x.nopt = 1;
	x.why = why;
	x.whylen = whylen;
	x.row = proc_row;
	x.arg = ld;
	if (csvfile_read(&x, CATALOG_FILE_MAX) == -1 ||
	    rows_add(ld, CATROW_PROC, proc_row, why, whylen) == -1)
		return (-1);
	qsort(ld->p, ld->np, sizeof(*ld->p), prow_cmp_stored);
	for (i = 1, j = 0; ld->np > 0 && i <= ld->np; i++) {
		if (i < ld->np && ld->p[i].stored && !ld->p[i - 1].stored &&
		    strcmp(ld->p[i - 1].p.code, ld->p[i].p.code) == 0) {
			ld->p[i].line = ld->p[i - 1].line;
			text_clear(&ld->p[i - 1].p.name);
			continue;
		}
		ld->p[j++] = ld->p[i - 1];
	}
	ld->np = j;
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
	return (catalog_load_rows(dir, NULL, 0, cp, why, whylen));
}

int
catalog_load_rows(const char *dir, const struct catrow *rows, size_t nrows,
    struct catalog **cp, char *why, size_t whylen)
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
	ld.rows = rows;
	ld.nrows = nrows;
	path = xmalloc(n);
	snprintf(path, n, "%s/sectors.ini", dir);
	if (catalog_sectors_load(c, path, why, whylen) == -1)
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

void
catalog_unit_row(const struct unit *u, struct catrow *c)
{
	int	 l;

	memset(c, 0, sizeof(*c));
	c->type = CATROW_UNIT;
	strlcpy(c->code, u->code, sizeof(c->code));
	strlcpy(c->parent, u->parent, sizeof(c->parent));
	strlcpy(c->kind, u->kind, sizeof(c->kind));
	for (l = 0; l < LANG_COUNT; l++)
		strlcpy(c->name[l], u->name.s[l], sizeof(c->name[l]));
	strlcpy(c->hotline, u->hotline, sizeof(c->hotline));
	strlcpy(c->retired, u->retired, sizeof(c->retired));
	strlcpy(c->successor, u->successor, sizeof(c->successor));
}

int
catalog_unit_retired(const struct unit *u, int64_t now)
{
	int64_t	 t;

	if (u == NULL || u->retired[0] == '\0' ||
	    parse_date(u->retired, &t) == -1)
		return (0);
	return (now >= t);
}

const struct unit *
catalog_unit_current(const struct catalog *c, const struct unit *u,
    int64_t now)
{
	const struct unit	*s;
	size_t			 steps;

	for (steps = 0; u != NULL && steps <= c->nunits &&
	    catalog_unit_retired(u, now); steps++) {
		s = catalog_unit(c, u->successor, strlen(u->successor));
		if (s == NULL)
			break;
		u = s;
	}
	return (u);
}

void
catalog_proc_row(const struct procedure *p, struct catrow *c)
{
	int	 l;

	memset(c, 0, sizeof(*c));
	c->type = CATROW_PROC;
	strlcpy(c->code, p->code, sizeof(c->code));
	strlcpy(c->sector, p->sector, sizeof(c->sector));
	for (l = 0; l < LANG_COUNT; l++)
		strlcpy(c->name[l], p->name.s[l], sizeof(c->name[l]));
	strlcpy(c->retired, p->withdrawn, sizeof(c->retired));
}

int
catalog_proc_withdrawn(const struct procedure *p, int64_t now)
{
	int64_t	 t;

	if (p == NULL || p->withdrawn[0] == '\0' ||
	    parse_date(p->withdrawn, &t) == -1)
		return (0);
	return (now >= t);
}
