/*
 * xlsxread.c: the first worksheet of an XLSX file, row by row (libzip,
 * expat). xl/workbook.xml names the sheets in order; its relationships
 * (xl/_rels/workbook.xml.rels) give the first one's part and the shared
 * strings' and styles'; the styles say which cell formats are dates.
 * The sheet is streamed through expat; the shared strings are held.
 * Traps: the file is hostile until read: a part's size in the archive's
 * directory may lie, so reading stops at the cap whatever it says; a
 * DTD (entities: the billion laughs) stops the parse; names may carry
 * any namespace prefix, so elements are matched by their local name.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <expat.h>
#include <zip.h>

#include "util.h"
#include "xlsxread.h"

#define XR_CHUNK	65536
#define XR_ID_MAX	64
#define XR_TARGET_MAX	256
#define XR_XF_MAX	65536

struct xr {
	const char	*path;
	char		*why;
	size_t		 whylen;
	int		 failed;
	zip_t		*za;
	XML_Parser	 p;
	/* workbook and its relationships */
	char		 sheet_rid[XR_ID_MAX];
	int		 in_sheets, date1904;
	char		 sheet_part[XR_TARGET_MAX];
	char		 strings_part[XR_TARGET_MAX];
	char		 styles_part[XR_TARGET_MAX];
	/* styles: custom date formats, then each cell format */
	int		 in_numfmts, in_cellxfs;
	int		*datefmt_ids;
	size_t		 ndatefmt;
	unsigned char	*xf_date;
	size_t		 nxf;
	/* shared strings */
	char		**ss;
	size_t		*sslen;
	size_t		 nss;
	int		 in_si, in_rph, in_t;
	/* text being gathered (a string, a value) */
	char		 text[XLSXREAD_TEXT_MAX + 1];
	size_t		 tlen;
	int		 toolong;
	/* the sheet */
	int		 in_sheetdata, in_c, in_v, in_is, has_f;
	char		 ctype[16];
	long		 cstyle;
	size_t		 ccol;
	int		 crow;
	char		 vbuf[XLSXREAD_TEXT_MAX + 1];
	size_t		 vlen;
	int		 vtoolong;
	struct xlsx_row	 row;
	char		*cellbuf[XLSXREAD_COLS_MAX];
	int		 nextrow;
	unsigned long	 ncells;
	int		(*fn)(const struct xlsx_row *, void *);
	void		*arg;
	int		 stopped;
};

static void
xr_fail(struct xr *x, int row, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
xr_fail(struct xr *x, int row, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	if (x->failed)
		return;
	x->failed = 1;
	if (row > 0)
		n = snprintf(x->why, x->whylen, "%s: row %d: ", x->path, row);
	else
		n = snprintf(x->why, x->whylen, "%s: ", x->path);
	if (n < 0 || (size_t)n >= x->whylen)
		n = 0;
	va_start(ap, fmt);
	vsnprintf(x->why + n, x->whylen - (size_t)n, fmt, ap);
	va_end(ap);
	if (x->p != NULL)
		XML_StopParser(x->p, XML_FALSE);
}

/* The local part of an element or attribute name (after a prefix). */
static const char *
xr_local(const char *name)
{
	const char	*c = strrchr(name, ':');

	return (c != NULL ? c + 1 : name);
}

static const char *
xr_attr(const char **atts, const char *local)
{
	size_t	 i;

	for (i = 0; atts[i] != NULL; i += 2)
		if (strcmp(xr_local(atts[i]), local) == 0)
			return (atts[i + 1]);
	return (NULL);
}

static void XMLCALL
xr_doctype(void *arg, const XML_Char *name, const XML_Char *sysid,
    const XML_Char *pubid, int has_internal)
{
	(void)name;
	(void)sysid;
	(void)pubid;
	(void)has_internal;
	xr_fail(arg, 0, "a document type declaration in the XML: not an "
	    "XLSX file as Excel saves it");
}

/* Text gathered into x->text, capped. */
static void
xr_gather(struct xr *x, const char *s, int len)
{
	if (len <= 0)
		return;
	if ((size_t)len > XLSXREAD_TEXT_MAX - x->tlen) {
		x->toolong = 1;
		return;
	}
	memcpy(x->text + x->tlen, s, (size_t)len);
	x->tlen += (size_t)len;
}

/*
 * Parses the part name of the archive through p (handlers set), at most
 * max bytes whatever the archive's directory says. 0, or -1 (x->why set
 * unless the part is missing and optional: 1).
 */
static int
xr_parse_part(struct xr *x, const char *name, size_t max, int optional)
{
	zip_stat_t	 zs;
	zip_file_t	*zf = NULL;
	char		*buf = NULL;
	zip_int64_t	 n;
	size_t		 total = 0;
	int		 rc = -1;

	zip_stat_init(&zs);
	if (zip_stat(x->za, name, 0, &zs) == -1) {
		if (optional)
			return (1);
		xr_fail(x, 0, "no %s in the archive: not an XLSX file", name);
		return (-1);
	}
	if ((zs.valid & ZIP_STAT_SIZE) && zs.size > max) {
		xr_fail(x, 0, "%s: %llu bytes uncompressed, more than %zu",
		    name, (unsigned long long)zs.size, max);
		return (-1);
	}
	if ((zf = zip_fopen(x->za, name, 0)) == NULL) {
		xr_fail(x, 0, "%s: cannot read it from the archive (%s)", name,
		    zip_strerror(x->za));
		return (-1);
	}
	buf = xmalloc(XR_CHUNK);
	for (;;) {
		if ((n = zip_fread(zf, buf, XR_CHUNK)) < 0) {
			xr_fail(x, 0, "%s: damaged in the archive (%s)", name,
			    zip_file_strerror(zf));
			goto out;
		}
		if ((size_t)n > max - total) {
			xr_fail(x, 0, "%s: more than %zu bytes uncompressed",
			    name, max);
			goto out;
		}
		total += (size_t)n;
		if (XML_Parse(x->p, buf, (int)n, n == 0) == XML_STATUS_ERROR) {
			if (!x->failed && !x->stopped)
				xr_fail(x, 0, "%s: line %lu: %s", name,
				    (unsigned long)XML_GetCurrentLineNumber(
				    x->p), XML_ErrorString(XML_GetErrorCode(
				    x->p)));
			goto out;
		}
		if (x->failed || x->stopped)
			goto out;
		if (n == 0)
			break;
	}
	rc = 0;
out:
	free(buf);
	zip_fclose(zf);
	return (x->stopped ? 0 : rc);
}

/* A new parser for one part, with the handlers and arg x. */
static void
xr_parser(struct xr *x, XML_StartElementHandler start,
    XML_EndElementHandler end, XML_CharacterDataHandler text)
{
	if (x->p != NULL)
		XML_ParserFree(x->p);
	if ((x->p = XML_ParserCreate("UTF-8")) == NULL)
		abort();
	XML_SetUserData(x->p, x);
	XML_SetElementHandler(x->p, start, end);
	XML_SetCharacterDataHandler(x->p, text);
	XML_SetStartDoctypeDeclHandler(x->p, xr_doctype);
}

/* ------------------------------------------------------------ workbook */

static void XMLCALL
wb_start(void *arg, const XML_Char *el, const XML_Char **atts)
{
	struct xr	*x = arg;
	const char	*name = xr_local(el), *v;

	if (strcmp(name, "workbookPr") == 0 &&
	    (v = xr_attr(atts, "date1904")) != NULL)
		x->date1904 = strcmp(v, "1") == 0 || strcmp(v, "true") == 0;
	else if (strcmp(name, "sheets") == 0)
		x->in_sheets = 1;
	else if (x->in_sheets && strcmp(name, "sheet") == 0 &&
	    x->sheet_rid[0] == '\0') {
		if ((v = xr_attr(atts, "id")) == NULL || v[0] == '\0' ||
		    strlen(v) >= sizeof(x->sheet_rid))
			xr_fail(x, 0, "xl/workbook.xml: a sheet without its "
			    "relationship");
		else
			strlcpy(x->sheet_rid, v, sizeof(x->sheet_rid));
	}
}

static void XMLCALL
wb_end(void *arg, const XML_Char *el)
{
	struct xr	*x = arg;

	if (strcmp(xr_local(el), "sheets") == 0)
		x->in_sheets = 0;
}

/* A relationship's target as a part name: relative to xl/. */
static void
rel_target(const char *t, char *out, size_t outlen)
{
	if (t[0] == '/')
		strlcpy(out, t + 1, outlen);
	else if (snprintf(out, outlen, "xl/%s", t) >= (int)outlen)
		out[0] = '\0';
}

static int
ends_with(const char *s, const char *tail)
{
	size_t	 a = strlen(s), b = strlen(tail);

	return (a >= b && strcmp(s + a - b, tail) == 0);
}

static void XMLCALL
rels_start(void *arg, const XML_Char *el, const XML_Char **atts)
{
	struct xr	*x = arg;
	const char	*id, *type, *target;

	if (strcmp(xr_local(el), "Relationship") != 0 ||
	    (id = xr_attr(atts, "Id")) == NULL ||
	    (type = xr_attr(atts, "Type")) == NULL ||
	    (target = xr_attr(atts, "Target")) == NULL ||
	    strlen(target) >= XR_TARGET_MAX - 4)
		return;
	if (strcmp(id, x->sheet_rid) == 0 && ends_with(type, "/worksheet"))
		rel_target(target, x->sheet_part, sizeof(x->sheet_part));
	else if (ends_with(type, "/sharedStrings"))
		rel_target(target, x->strings_part, sizeof(x->strings_part));
	else if (ends_with(type, "/styles"))
		rel_target(target, x->styles_part, sizeof(x->styles_part));
}

static void XMLCALL
no_end(void *arg, const XML_Char *el)
{
	(void)arg;
	(void)el;
}

static void XMLCALL
no_text(void *arg, const XML_Char *s, int len)
{
	(void)arg;
	(void)s;
	(void)len;
}

/* -------------------------------------------------------------- styles */

/* Whether a number format's code shows a date (y or d outside quotes,
 * brackets and escapes). */
static int
fmt_is_date(const char *code)
{
	int	 q = 0, b = 0;

	for (; *code != '\0'; code++) {
		if (*code == '\\' && code[1] != '\0') {
			code++;
			continue;
		}
		if (*code == '"')
			q = !q;
		else if (!q && *code == '[')
			b = 1;
		else if (!q && *code == ']')
			b = 0;
		else if (!q && !b && (*code == 'y' || *code == 'Y' ||
		    *code == 'd' || *code == 'D'))
			return (1);
	}
	return (0);
}

/* Excel's built-in date formats (ECMA-376 18.8.30, and the East Asian
 * ones). */
static int
builtin_date(long id)
{
	return ((id >= 14 && id <= 17) || id == 22 || (id >= 27 && id <= 36) ||
	    (id >= 50 && id <= 58));
}

static void XMLCALL
st_start(void *arg, const XML_Char *el, const XML_Char **atts)
{
	struct xr	*x = arg;
	const char	*name = xr_local(el), *id, *code;
	long long	 v;
	size_t		 i;
	int		 date;

	if (strcmp(name, "numFmts") == 0)
		x->in_numfmts = 1;
	else if (strcmp(name, "cellXfs") == 0)
		x->in_cellxfs = 1;
	else if (x->in_numfmts && strcmp(name, "numFmt") == 0) {
		if ((id = xr_attr(atts, "numFmtId")) == NULL ||
		    (code = xr_attr(atts, "formatCode")) == NULL ||
		    parse_num(id, strlen(id), 0, 100000, &v) == -1 ||
		    !fmt_is_date(code) || x->ndatefmt >= 1000)
			return;
		x->datefmt_ids = xrealloc(x->datefmt_ids,
		    (x->ndatefmt + 1) * sizeof(int));
		x->datefmt_ids[x->ndatefmt++] = (int)v;
	} else if (x->in_cellxfs && strcmp(name, "xf") == 0) {
		if (x->nxf >= XR_XF_MAX) {
			xr_fail(x, 0, "xl/styles.xml: more than %d cell "
			    "formats", XR_XF_MAX);
			return;
		}
		date = 0;
		if ((id = xr_attr(atts, "numFmtId")) != NULL &&
		    parse_num(id, strlen(id), 0, 100000, &v) == 0) {
			date = builtin_date((long)v);
			for (i = 0; i < x->ndatefmt && !date; i++)
				date = x->datefmt_ids[i] == v;
		}
		x->xf_date = xrealloc(x->xf_date, x->nxf + 1);
		x->xf_date[x->nxf++] = (unsigned char)date;
	}
}

static void XMLCALL
st_end(void *arg, const XML_Char *el)
{
	struct xr	*x = arg;
	const char	*name = xr_local(el);

	if (strcmp(name, "numFmts") == 0)
		x->in_numfmts = 0;
	else if (strcmp(name, "cellXfs") == 0)
		x->in_cellxfs = 0;
}

/* ------------------------------------------------------ shared strings */

static void XMLCALL
ss_start(void *arg, const XML_Char *el, const XML_Char **atts)
{
	struct xr	*x = arg;
	const char	*name = xr_local(el), *c;
	long long	 v;

	if (strcmp(name, "sst") == 0) {
		/* Refused before any is read when it says too many. */
		if (((c = xr_attr(atts, "uniqueCount")) != NULL ||
		    (c = xr_attr(atts, "count")) != NULL) &&
		    parse_num(c, strlen(c), 0, XLSXREAD_STRINGS_MAX, &v) == -1)
			xr_fail(x, 0, "shared strings: %.20s, more than %d",
			    c, XLSXREAD_STRINGS_MAX);
	} else if (strcmp(name, "si") == 0) {
		if (x->nss >= XLSXREAD_STRINGS_MAX) {
			xr_fail(x, 0, "more than %d shared strings",
			    XLSXREAD_STRINGS_MAX);
			return;
		}
		x->in_si = 1;
		x->tlen = 0;
		x->toolong = 0;
	} else if (x->in_si && strcmp(name, "rPh") == 0)
		x->in_rph = 1;
	else if (x->in_si && !x->in_rph && strcmp(name, "t") == 0)
		x->in_t = 1;
}

static void XMLCALL
ss_end(void *arg, const XML_Char *el)
{
	struct xr	*x = arg;
	const char	*name = xr_local(el);

	if (strcmp(name, "t") == 0)
		x->in_t = 0;
	else if (strcmp(name, "rPh") == 0)
		x->in_rph = 0;
	else if (strcmp(name, "si") == 0 && x->in_si) {
		x->in_si = 0;
		if (x->toolong) {
			xr_fail(x, 0, "shared string %zu: longer than %d "
			    "bytes", x->nss, XLSXREAD_TEXT_MAX);
			return;
		}
		if ((x->nss & (x->nss - 1)) == 0) {
			x->ss = xrealloc(x->ss, (x->nss == 0 ? 1 : x->nss * 2) *
			    sizeof(*x->ss));
			x->sslen = xrealloc(x->sslen, (x->nss == 0 ? 1 :
			    x->nss * 2) * sizeof(*x->sslen));
		}
		x->ss[x->nss] = xmalloc(x->tlen + 1);
		memcpy(x->ss[x->nss], x->text, x->tlen);
		x->ss[x->nss][x->tlen] = '\0';
		x->sslen[x->nss++] = x->tlen;
	}
}

static void XMLCALL
ss_text(void *arg, const XML_Char *s, int len)
{
	struct xr	*x = arg;

	if (x->in_t)
		xr_gather(x, s, len);
}

/* --------------------------------------------------------------- sheet */

/* Column index of a cell reference ("AB12" -> 27), or -1. */
static long
ref_col(const char *r)
{
	long	 c = 0;
	int	 n = 0;

	for (; *r >= 'A' && *r <= 'Z'; r++) {
		if (++n > 3)
			return (-1);
		c = c * 26 + (*r - 'A' + 1);
	}
	return (n == 0 ? -1 : c - 1);
}

static long
ref_row(const char *r)
{
	long long	 v;

	while (*r >= 'A' && *r <= 'Z')
		r++;
	if (parse_num(r, strlen(r), 1, 1048576, &v) == -1)
		return (-1);
	return ((long)v);
}

static void
col_name(size_t c, char out[8])
{
	char	 b[8];
	size_t	 n = 0, i;

	c++;
	while (c > 0 && n < sizeof(b) - 1) {
		b[n++] = (char)('A' + (c - 1) % 26);
		c = (c - 1) / 26;
	}
	for (i = 0; i < n; i++)
		out[i] = b[n - 1 - i];
	out[n] = '\0';
}

static void
row_reset(struct xr *x)
{
	size_t	 i;

	for (i = 0; i < x->row.ncols; i++) {
		x->row.cells[i].kind = XK_EMPTY;
		x->row.cells[i].s = "";
		x->row.cells[i].len = 0;
		x->row.cells[i].formula = 0;
	}
	x->row.ncols = 0;
}

/* A serial date (days since 1899-12-30, or 1904-01-01) as YYYY-MM-DD. */
static int
serial_date(double d, int date1904, char *out, size_t outlen)
{
	time_t		 t;
	struct tm	 tm;
	double		 days = floor(d);

	if (!(days >= 1 && days < 2958466))	/* to 9999-12-31 */
		return (-1);
	if (date1904)
		days += 1462;
	/* 1900 system: serial 60 is Excel's 1900-02-29, which never was. */
	t = (time_t)((days - 25569) * 86400);
	if (gmtime_r(&t, &tm) == NULL)
		return (-1);
	snprintf(out, outlen, "%04d-%02d-%02d", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday);
	return (0);
}

/* The cell just read into the row. */
static void
cell_done(struct xr *x)
{
	struct xlsx_cell	*c;
	const char		*src = x->vbuf;
	size_t			 len = x->vlen;
	char			 col[8], num[64], *end;
	long long		 idx;
	double			 d;
	enum xlsx_kind		 kind;

	col_name(x->ccol, col);
	if (x->vtoolong) {
		xr_fail(x, x->crow, "column %s: longer than %d bytes", col,
		    XLSXREAD_TEXT_MAX);
		return;
	}
	if (len == 0) {
		if (x->has_f) {
			xr_fail(x, x->crow, "column %s: a formula with no saved "
			    "value (open the file in Excel and save it, or "
			    "type the value)", col);
			return;
		}
		return;		/* a formatted empty cell */
	} else if (strcmp(x->ctype, "inlineStr") == 0) {
		kind = XK_TEXT;
	} else if (strcmp(x->ctype, "s") == 0) {
		if (parse_num(src, len, 0, LLONG_MAX, &idx) == -1 ||
		    (size_t)idx >= x->nss) {
			xr_fail(x, x->crow, "column %s: shared string %.20s: "
			    "no such string (%zu in the file)", col, src,
			    x->nss);
			return;
		}
		src = x->ss[idx];
		len = x->sslen[idx];
		kind = XK_TEXT;
	} else if (strcmp(x->ctype, "str") == 0) {
		kind = XK_TEXT;
	} else if (strcmp(x->ctype, "b") == 0) {
		kind = XK_BOOL;
	} else if (strcmp(x->ctype, "e") == 0) {
		xr_fail(x, x->crow, "column %s: an error value (%.20s)", col,
		    src);
		return;
	} else if (x->ctype[0] == '\0' || strcmp(x->ctype, "n") == 0) {
		errno = 0;
		d = strtod(src, &end);
		if (end != src + len || errno != 0 || !isfinite(d)) {
			xr_fail(x, x->crow, "column %s: not a number: %.20s",
			    col, src);
			return;
		}
		kind = XK_NUMBER;
		if (x->cstyle >= 0 && (size_t)x->cstyle < x->nxf &&
		    x->xf_date[x->cstyle]) {
			if (serial_date(d, x->date1904, num, sizeof(num)) ==
			    -1) {
				xr_fail(x, x->crow, "column %s: not a date: "
				    "%.20s", col, src);
				return;
			}
			kind = XK_DATE;
		} else if (d == floor(d) && fabs(d) < 1e15)
			snprintf(num, sizeof(num), "%lld", (long long)d);
		else
			strlcpy(num, src, sizeof(num));
		src = num;
		len = strlen(num);
	} else {
		xr_fail(x, x->crow, "column %s: a cell of unknown type %.10s",
		    col, x->ctype);
		return;
	}
	if (x->ccol >= XLSXREAD_COLS_MAX) {
		xr_fail(x, x->crow, "a value in column %s: more than %d "
		    "columns", col, XLSXREAD_COLS_MAX);
		return;
	}
	if (++x->ncells > XLSXREAD_CELLS_MAX) {
		xr_fail(x, x->crow, "more than %d cells", XLSXREAD_CELLS_MAX);
		return;
	}
	x->cellbuf[x->ccol] = xrealloc(x->cellbuf[x->ccol], len + 1);
	memcpy(x->cellbuf[x->ccol], src, len);
	x->cellbuf[x->ccol][len] = '\0';
	c = &x->row.cells[x->ccol];
	c->kind = kind;
	c->s = x->cellbuf[x->ccol];
	c->len = len;
	c->formula = x->has_f;
	if (x->ccol + 1 > x->row.ncols) {
		/* Columns skipped between: empty. */
		while (x->row.ncols < x->ccol) {
			x->row.cells[x->row.ncols].kind = XK_EMPTY;
			x->row.cells[x->row.ncols].s = "";
			x->row.cells[x->row.ncols].len = 0;
			x->row.cells[x->row.ncols].formula = 0;
			x->row.ncols++;
		}
		x->row.ncols = x->ccol + 1;
	}
}

static void XMLCALL
sh_start(void *arg, const XML_Char *el, const XML_Char **atts)
{
	struct xr	*x = arg;
	const char	*name = xr_local(el), *v;
	long long	 s;
	long		 n;

	if (strcmp(name, "sheetData") == 0) {
		x->in_sheetdata = 1;
		return;
	}
	if (!x->in_sheetdata)
		return;
	if (strcmp(name, "row") == 0) {
		row_reset(x);
		n = (v = xr_attr(atts, "r")) != NULL ? ref_row(v) : x->nextrow;
		if (n < x->nextrow) {
			xr_fail(x, x->nextrow, "rows out of order (row %ld "
			    "after it)", n);
			return;
		}
		x->crow = (int)n;
		x->nextrow = (int)n + 1;
		x->ccol = 0;
	} else if (strcmp(name, "c") == 0) {
		x->in_c = 1;
		x->has_f = 0;
		x->vlen = 0;
		x->vtoolong = 0;
		x->ctype[0] = '\0';
		x->cstyle = -1;
		if ((v = xr_attr(atts, "t")) != NULL)
			strlcpy(x->ctype, v, sizeof(x->ctype));
		if ((v = xr_attr(atts, "s")) != NULL &&
		    parse_num(v, strlen(v), 0, XR_XF_MAX, &s) == 0)
			x->cstyle = (long)s;
		if ((v = xr_attr(atts, "r")) != NULL) {
			if ((n = ref_col(v)) < 0 || ref_row(v) != x->crow) {
				xr_fail(x, x->crow, "a cell reference %.12s "
				    "out of its row", v);
				return;
			}
			x->ccol = (size_t)n;
		}
	} else if (x->in_c && strcmp(name, "f") == 0)
		x->has_f = 1;
	else if (x->in_c && strcmp(name, "v") == 0)
		x->in_v = 1;
	else if (x->in_c && strcmp(name, "is") == 0)
		x->in_is = 1;
	else if (x->in_is && strcmp(name, "rPh") == 0)
		x->in_rph = 1;
	else if (x->in_is && !x->in_rph && strcmp(name, "t") == 0)
		x->in_t = 1;
}

static void XMLCALL
sh_end(void *arg, const XML_Char *el)
{
	struct xr	*x = arg;
	const char	*name = xr_local(el);
	size_t		 i;
	int		 rc;

	if (strcmp(name, "sheetData") == 0)
		x->in_sheetdata = 0;
	else if (strcmp(name, "v") == 0)
		x->in_v = 0;
	else if (strcmp(name, "t") == 0)
		x->in_t = 0;
	else if (strcmp(name, "rPh") == 0)
		x->in_rph = 0;
	else if (strcmp(name, "is") == 0)
		x->in_is = 0;
	else if (strcmp(name, "c") == 0 && x->in_c) {
		x->in_c = 0;
		cell_done(x);
		x->ccol++;
	} else if (strcmp(name, "row") == 0 && x->in_sheetdata) {
		for (i = 0; i < x->row.ncols; i++)
			if (x->row.cells[i].kind != XK_EMPTY)
				break;
		if (i == x->row.ncols || x->failed)
			return;
		x->row.row = x->crow;
		if ((rc = x->fn(&x->row, x->arg)) != 0) {
			x->stopped = rc;
			XML_StopParser(x->p, XML_FALSE);
		}
	}
}

static void XMLCALL
sh_text(void *arg, const XML_Char *s, int len)
{
	struct xr	*x = arg;

	if (!(x->in_v || (x->in_is && x->in_t)) || len <= 0)
		return;
	if ((size_t)len > XLSXREAD_TEXT_MAX - x->vlen) {
		x->vtoolong = 1;
		return;
	}
	memcpy(x->vbuf + x->vlen, s, (size_t)len);
	x->vlen += (size_t)len;
	x->vbuf[x->vlen] = '\0';
}

/* ---------------------------------------------------------------- all */

int
xlsxread(const char *path, int (*fn)(const struct xlsx_row *, void *),
    void *arg, char *why, size_t whylen)
{
	struct xr	 x;
	size_t		 i;
	int		 err = 0, rc = -1;

	memset(&x, 0, sizeof(x));
	x.path = path;
	x.why = why;
	x.whylen = whylen;
	x.fn = fn;
	x.arg = arg;
	x.nextrow = 1;
	why[0] = '\0';
	if ((x.za = zip_open(path, ZIP_RDONLY, &err)) == NULL) {
		if (err == ZIP_ER_NOENT || err == ZIP_ER_OPEN ||
		    err == ZIP_ER_READ)
			xr_fail(&x, 0, "cannot open it (%s)", strerror(errno));
		else
			xr_fail(&x, 0, "not an XLSX file (not a zip archive)");
		goto out;
	}
	xr_parser(&x, wb_start, wb_end, no_text);
	if (xr_parse_part(&x, "xl/workbook.xml", XLSXREAD_PART_MAX, 0) != 0)
		goto out;
	if (x.sheet_rid[0] == '\0') {
		xr_fail(&x, 0, "no worksheet in the workbook");
		goto out;
	}
	xr_parser(&x, rels_start, no_end, no_text);
	if (xr_parse_part(&x, "xl/_rels/workbook.xml.rels", XLSXREAD_PART_MAX,
	    0) != 0)
		goto out;
	if (x.sheet_part[0] == '\0') {
		xr_fail(&x, 0, "the first sheet is not a worksheet (a chart "
		    "sheet?) or its part is not named");
		goto out;
	}
	if (x.styles_part[0] != '\0') {
		xr_parser(&x, st_start, st_end, no_text);
		if (xr_parse_part(&x, x.styles_part, XLSXREAD_PART_MAX,
		    1) == -1)
			goto out;
	}
	if (x.strings_part[0] != '\0') {
		xr_parser(&x, ss_start, ss_end, ss_text);
		if (xr_parse_part(&x, x.strings_part, XLSXREAD_STRINGS_BYTES,
		    1) == -1)
			goto out;
	}
	xr_parser(&x, sh_start, sh_end, sh_text);
	if (xr_parse_part(&x, x.sheet_part, XLSXREAD_SHEET_MAX, 0) != 0)
		goto out;
	rc = x.stopped != 0 ? x.stopped : x.failed ? -1 : 0;
out:
	if (x.p != NULL)
		XML_ParserFree(x.p);
	if (x.za != NULL)
		zip_discard(x.za);
	for (i = 0; i < x.nss; i++)
		free(x.ss[i]);
	free(x.ss);
	free(x.sslen);
	free(x.datefmt_ids);
	free(x.xf_date);
	for (i = 0; i < XLSXREAD_COLS_MAX; i++)
		free(x.cellbuf[i]);
	return (rc);
}
