/*
 * unitimport.c: the official unit list read from CSV and compared with
 * the catalogue in use. Columns are found by their header (ours, as in
 * units.csv, or the Vietnamese names of an exported list: Mã, Tên, Cấp,
 * Mã cấp trên ...), folded (fold.c) so that case and diacritics do not
 * matter; a kind may be written in words (Xã, Phường, Đặc khu). Each row
 * is the unit as it should be: a new code is added, a known one renamed,
 * moved, given another kind or hotline, or retired with its successor;
 * units the file does not name are left as they are.
 * The procedures' list (pimport_plan()) is read the same way: the
 * national database's export (Mã thủ tục, Tên thủ tục, Lĩnh vực, Cấp
 * thực hiện, ...), its other columns named as not used.
 * Traps: spreadsheets drop the leading zeros of commune codes (00004
 * becomes 4): an all-digit code shorter than 5 is refused. A cell that a
 * spreadsheet would run (= + - @) is refused, never stored, but for the
 * hotline's leading +. libcsv reports no lines: records are fed one
 * physical line at a time, as csvfile.c does.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "fold.h"
#include "retire.h"
#include "unitimport.h"
#include "util.h"

#define UI_COLS_MAX	16
#define CSV_ROW_NOT_BEGUN	0	/* libcsv.c's ROW_NOT_BEGUN */

enum ui_col {
	C_CODE, C_PARENT, C_KIND, C_NAME_VI, C_NAME_EN, C_NAME_KM,
	C_HOTLINE, C_RETIRED, C_SUCCESSOR, C_COUNT
};

/* Header names, folded (fold.c): ours first, then Vietnamese ones. */
static const struct {
	enum ui_col	 col;
	const char	*name;
} ui_names[] = {
	{ C_CODE, "code" }, { C_CODE, "ma" }, { C_CODE, "ma don vi" },
	{ C_CODE, "ma xa" }, { C_CODE, "ma dvhc" },
	{ C_PARENT, "parent" }, { C_PARENT, "ma cap tren" },
	{ C_PARENT, "ma don vi cap tren" }, { C_PARENT, "ma tinh" },
	{ C_KIND, "kind" }, { C_KIND, "cap" }, { C_KIND, "loai" },
	{ C_NAME_VI, "name vi" }, { C_NAME_VI, "ten" },
	{ C_NAME_VI, "ten don vi" }, { C_NAME_VI, "ten tieng viet" },
	{ C_NAME_EN, "name en" }, { C_NAME_EN, "ten tieng anh" },
	{ C_NAME_KM, "name km" }, { C_NAME_KM, "ten tieng khmer" },
	{ C_HOTLINE, "hotline" }, { C_HOTLINE, "duong day nong" },
	{ C_RETIRED, "retired" }, { C_RETIRED, "ngay giai the" },
	{ C_SUCCESSOR, "successor" }, { C_SUCCESSOR, "don vi ke thua" },
	{ C_SUCCESSOR, "ma don vi ke thua" },
};

/* Kinds in words, folded, to their codes. */
static const struct {
	const char	*word;
	const char	*kind;
} ui_kinds[] = {
	{ "xa", "commune" }, { "phuong", "ward" },
	{ "dac khu", "special_zone" }, { "tinh", "province" },
	{ "thanh pho", "city" }, { "huyen", "district" },
	{ "thi xa", "town" }, { "so", "department" },
	{ "benh vien", "hospital" }, { "tram y te", "health_station" },
	{ "truong", "school" }, { "truong hoc", "school" },
	{ "chi nhanh", "branch" },
	{ "trung tam phuc vu hanh chinh cong", "service_centre" },
};

struct ui_rec {
	int		 line;
	size_t		 nf;
	char		*f[UI_COLS_MAX];
	size_t		 flen[UI_COLS_MAX];
};

struct ui_read {
	struct ui_rec	*recs;
	size_t		 n, size;
	struct ui_rec	 cur;
	int		 line;		/* where cur began */
	int		 too_many;	/* fields or rows */
};

static void
ui_err(struct uimport *u, int line, const char *fmt, ...)
{
	va_list	 ap;

	if (u->nerr == UIMPORT_ERRORS_MAX) {
		u->more++;
		return;
	}
	u->err[u->nerr].line = line;
	va_start(ap, fmt);
	vsnprintf(u->err[u->nerr].why, UIMPORT_WHY_MAX, fmt, ap);
	va_end(ap);
	u->nerr++;
}

static void
ui_field_cb(void *s, size_t len, void *data)
{
	struct ui_read	*rd = data;

	if (rd->cur.nf < UI_COLS_MAX) {
		rd->cur.f[rd->cur.nf] = xstrndup(s != NULL ? s : "", len);
		rd->cur.flen[rd->cur.nf] = len;
	} else
		rd->too_many = 1;
	rd->cur.nf++;
}

static void
ui_row_cb(int term, void *data)
{
	struct ui_read	*rd = data;

	(void)term;
	rd->cur.line = rd->line;
	if (rd->cur.nf > UI_COLS_MAX)
		rd->cur.nf = UI_COLS_MAX;
	if (rd->n == rd->size) {
		rd->size = rd->size == 0 ? 64 : rd->size * 2;
		rd->recs = xrealloc(rd->recs, rd->size * sizeof(*rd->recs));
	}
	rd->recs[rd->n++] = rd->cur;
	memset(&rd->cur, 0, sizeof(rd->cur));
}

static void
ui_rec_free(struct ui_rec *r)
{
	size_t	 i;

	for (i = 0; i < UI_COLS_MAX; i++)
		free(r->f[i]);
}

/* Records of text with their first line; -1 with an error in u. */
static int
ui_records(const char *text, size_t len, struct ui_read *rd,
    struct uimport *u)
{
	struct csv_parser	 p;
	const char		*s = text, *end = text + len, *nl;
	size_t			 n;
	int			 line = 0, rc = -1;

	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0)
		abort();
	csv_set_realloc_func(&p, xrealloc);
	if (len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3;
	while (s < end) {
		line++;
		if ((nl = memchr(s, '\n', end - s)) == NULL)
			nl = end - 1;
		n = nl - s + 1;
		if (!utf8_valid(s, n)) {
			ui_err(u, line, "không phải văn bản UTF-8 hoặc có ký "
			    "tự điều khiển (hãy lưu tệp dạng \"CSV UTF-8\")");
			goto out;
		}
		if (p.pstate == CSV_ROW_NOT_BEGUN)
			rd->line = line;
		if (csv_parse(&p, s, n, ui_field_cb, ui_row_cb, rd) != n) {
			ui_err(u, line, "sai dấu ngoặc kép (dấu \" trong ô "
			    "không đặt trong ngoặc kép, hoặc chữ sau dấu \" "
			    "đóng)");
			goto out;
		}
		if (rd->n > UIMPORT_ROWS_MAX + 1 || rd->too_many)
			break;
		s += n;
	}
	if (rd->n <= UIMPORT_ROWS_MAX + 1 && !rd->too_many &&
	    csv_fini(&p, ui_field_cb, ui_row_cb, rd) != 0) {
		ui_err(u, rd->line, "ô trong ngoặc kép không được đóng");
		goto out;
	}
	if (rd->too_many) {
		ui_err(u, rd->line, "quá %d cột", UI_COLS_MAX);
		goto out;
	}
	rc = 0;
out:
	csv_free(&p);
	ui_rec_free(&rd->cur);
	memset(&rd->cur, 0, sizeof(rd->cur));
	return (rc);
}

/* The header's columns into col[C_COUNT] (-1 absent); -1 on errors. */
static int
ui_header(const struct ui_rec *h, int col[C_COUNT], struct uimport *u)
{
	char	*f;
	size_t	 i, k;
	int	 bad = 0;

	for (i = 0; i < C_COUNT; i++)
		col[i] = -1;
	for (i = 0; i < h->nf; i++) {
		f = fold_text(h->f[i], h->flen[i]);
		for (k = 0; k < sizeof(ui_names) / sizeof(ui_names[0]); k++)
			if (strcmp(f, ui_names[k].name) == 0)
				break;
		if (k == sizeof(ui_names) / sizeof(ui_names[0])) {
			ui_err(u, h->line, "cột %zu: tên cột không dùng được "
			    "(xem các cột ở schema/README.md)", i + 1);
			bad = 1;
		} else if (col[ui_names[k].col] != -1) {
			ui_err(u, h->line, "cột %zu: cột lặp lại (cột %d)",
			    i + 1, col[ui_names[k].col] + 1);
			bad = 1;
		} else
			col[ui_names[k].col] = (int)i;
		free(f);
	}
	if (col[C_CODE] == -1) {
		ui_err(u, h->line, "thiếu cột mã đơn vị (code hoặc Mã)");
		bad = 1;
	}
	if (col[C_NAME_VI] == -1) {
		ui_err(u, h->line, "thiếu cột tên (name_vi hoặc Tên)");
		bad = 1;
	}
	if ((col[C_RETIRED] == -1) != (col[C_SUCCESSOR] == -1)) {
		ui_err(u, h->line, "cột ngày giải thể và cột đơn vị kế thừa "
		    "phải đi cùng nhau");
		bad = 1;
	}
	return (bad ? -1 : 0);
}

/* A field of the record, "" when its column is absent. */
static const char *
ui_f(const struct ui_rec *r, const int col[C_COUNT], enum ui_col c,
    size_t *len)
{
	if (col[c] < 0 || (size_t)col[c] >= r->nf) {
		*len = 0;
		return ("");
	}
	*len = r->flen[col[c]];
	return (r->f[col[c]]);
}

static int
ui_code_ok(const char *s, size_t n)
{
	size_t	 i;

	if (n == 0 || n > UNIT_CODE_MAX)
		return (0);
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '.' ||
		    s[i] == '_' || s[i] == '-'))
			return (0);
	return (1);
}

/* A kind as written (a code or words) into out; -1 when unknown. */
static int
ui_kind(const char *s, size_t n, char out[UNIT_KIND_MAX + 1])
{
	char	*f;
	size_t	 k;
	int	 rc = -1;

	f = fold_text(s, n);
	for (k = 0; k < sizeof(ui_kinds) / sizeof(ui_kinds[0]); k++)
		if (strcmp(f, ui_kinds[k].word) == 0) {
			strlcpy(out, ui_kinds[k].kind, UNIT_KIND_MAX + 1);
			rc = 0;
			break;
		}
	free(f);
	if (rc == 0)
		return (0);
	/* A code of ours: ASCII letters and '_'. */
	if (n == 0 || n > UNIT_KIND_MAX)
		return (-1);
	for (k = 0; k < n; k++)
		if (!((s[k] >= 'a' && s[k] <= 'z') || s[k] == '_'))
			return (-1);
	memcpy(out, s, n);
	out[n] = '\0';
	return (0);
}

static int
ui_text_ok(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return (0);
	return (1);
}

/* The row of record r as a unit, checked alone; -1 with errors in u. */
static int
ui_row(const struct ui_rec *r, const int col[C_COUNT],
    const struct catalog *cat, const char *top, struct uimport_row *out,
    struct uimport *u)
{
	static const enum ui_col texts[] = { C_CODE, C_PARENT, C_KIND,
	    C_NAME_VI, C_NAME_EN, C_NAME_KM, C_RETIRED, C_SUCCESSOR };
	static const size_t maxes[] = { UNIT_CODE_MAX, UNIT_CODE_MAX,
	    64, CATALOG_NAME_MAX, CATALOG_NAME_MAX, CATALOG_NAME_MAX,
	    UNIT_DATE_LEN, UNIT_CODE_MAX };
	const struct unit	*old;
	struct catrow		*w = &out->row;
	const char		*s, *sc;
	size_t			 n, i, sn;
	int64_t			 t;
	int			 bad = 0, l;
	char			 d[UNIT_DATE_LEN + 1];

	memset(out, 0, sizeof(*out));
	out->line = r->line;
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		s = ui_f(r, col, texts[i], &n);
		if (n > maxes[i]) {
			ui_err(u, r->line, "cột %d: dài quá %zu byte",
			    col[texts[i]] + 1, maxes[i]);
			return (-1);
		}
		if (!ui_text_ok(s, n)) {
			ui_err(u, r->line, "cột %d: có ký tự điều khiển",
			    col[texts[i]] + 1);
			return (-1);
		}
		if (n > 0 && cell_is_formula(s)) {
			ui_err(u, r->line, "cột %d: ô bắt đầu bằng = + - @ "
			    "(công thức bảng tính) không được nhận",
			    col[texts[i]] + 1);
			return (-1);
		}
	}
	s = ui_f(r, col, C_CODE, &n);
	if (!ui_code_ok(s, n)) {
		ui_err(u, r->line, "mã đơn vị phải có 1 đến %d ký tự A-Z a-z "
		    "0-9 . _ -", UNIT_CODE_MAX);
		return (-1);
	}
	for (i = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		;
	if (i == n && n < 5) {
		ui_err(u, r->line, "mã %.*s có vẻ đã mất số 0 ở đầu (mã xã "
		    "có 5 chữ số, ví dụ 00004: định dạng cột là văn bản)",
		    (int)n, s);
		return (-1);
	}
	memcpy(w->code, s, n);
	w->type = CATROW_UNIT;
	old = catalog_unit(cat, w->code, n);
	if (old != NULL)
		catalog_unit_row(old, &out->before);
	else
		out->what |= UI_ADD;
	/* Parent: given, or the unit's own, or the importer's top. */
	s = ui_f(r, col, C_PARENT, &n);
	if (n > 0 && !ui_code_ok(s, n)) {
		ui_err(u, r->line, "mã cấp trên không hợp lệ");
		bad = 1;
	} else if (n > 0) {
		memcpy(w->parent, s, n);
		w->parent[n] = '\0';
	} else if (old != NULL)
		strlcpy(w->parent, old->parent, sizeof(w->parent));
	else if (top[0] != '\0')
		strlcpy(w->parent, top, sizeof(w->parent));
	else if (catalog_root(cat) != NULL)
		strlcpy(w->parent, catalog_root(cat)->code,
		    sizeof(w->parent));
	s = ui_f(r, col, C_KIND, &n);
	if (n > 0 && ui_kind(s, n, w->kind) == -1) {
		ui_err(u, r->line, "loại đơn vị \"%.*s\" không rõ (xã, "
		    "phường, đặc khu, sở, ... hoặc mã như commune)",
		    (int)(n > 40 ? 40 : n), s);
		bad = 1;
	} else if (n == 0 && old != NULL)
		strlcpy(w->kind, old->kind, sizeof(w->kind));
	else if (n == 0) {
		ui_err(u, r->line, "đơn vị mới cần loại (cột kind hoặc Cấp)");
		bad = 1;
	}
	s = ui_f(r, col, C_NAME_VI, &n);
	if (n == 0) {
		ui_err(u, r->line, "thiếu tên đơn vị");
		bad = 1;
	} else
		memcpy(w->name[LANG_VI], s, n);
	for (l = LANG_EN; l < LANG_COUNT; l++) {
		s = ui_f(r, col, l == LANG_EN ? C_NAME_EN : C_NAME_KM, &n);
		if (n > 0)
			memcpy(w->name[l], s, n);
		else if (old != NULL)
			strlcpy(w->name[l], old->name.s[l],
			    sizeof(w->name[l]));
		else if (l == LANG_EN)
			strlcpy(w->name[l], w->name[LANG_VI],
			    sizeof(w->name[l]));
	}
	s = ui_f(r, col, C_HOTLINE, &n);
	if (n > UNIT_HOTLINE_MAX || !ui_text_ok(s, n)) {
		ui_err(u, r->line, "đường dây nóng dài quá %d ký tự",
		    UNIT_HOTLINE_MAX);
		bad = 1;
	} else if (n > 0 || col[C_HOTLINE] >= 0)
		memcpy(w->hotline, s, n);
	else if (old != NULL)
		strlcpy(w->hotline, old->hotline, sizeof(w->hotline));
	/* Retirement: both columns, or neither. */
	if (old != NULL && old->retired[0] != '\0') {
		strlcpy(w->retired, old->retired, sizeof(w->retired));
		strlcpy(w->successor, old->successor, sizeof(w->successor));
	}
	s = ui_f(r, col, C_RETIRED, &n);
	sc = ui_f(r, col, C_SUCCESSOR, &sn);
	if (n > 0 || sn > 0) {
		memcpy(d, s, n);
		d[n] = '\0';
		if (n != UNIT_DATE_LEN || parse_date(d, &t) == -1) {
			ui_err(u, r->line, "ngày giải thể phải là năm-tháng-"
			    "ngày, ví dụ 2025-07-01");
			bad = 1;
		} else if (!ui_code_ok(sc, sn)) {
			ui_err(u, r->line, "đơn vị giải thể cần mã đơn vị "
			    "kế thừa");
			bad = 1;
		} else if (old != NULL && old->retired[0] != '\0' &&
		    (strcmp(old->retired, d) != 0 ||
		    strlen(old->successor) != sn ||
		    memcmp(old->successor, sc, sn) != 0)) {
			ui_err(u, r->line, "đơn vị %s đã giải thể từ %s; "
			    "không đổi được", old->code, old->retired);
			bad = 1;
		} else if (old == NULL || old->retired[0] == '\0') {
			strlcpy(w->retired, d, sizeof(w->retired));
			memcpy(w->successor, sc, sn);
			w->successor[sn] = '\0';
		}
	}
	if (bad)
		return (-1);
	/* Only the importer's units. */
	if (top[0] != '\0' && ((old != NULL &&
	    (!catalog_in_subtree(cat, w->code, top) ||
	    strcmp(w->code, top) == 0)) ||
	    !catalog_in_subtree(cat, w->parent, top))) {
		ui_err(u, r->line, "đơn vị %s ngoài phạm vi được sửa của "
		    "bạn", w->code);
		u->forbidden = 1;
		return (-1);
	}
	if (old != NULL) {
		if (strcmp(w->name[LANG_VI], out->before.name[LANG_VI]) ||
		    strcmp(w->name[LANG_EN], out->before.name[LANG_EN]) ||
		    strcmp(w->name[LANG_KM], out->before.name[LANG_KM]))
			out->what |= UI_NAME;
		if (strcmp(w->parent, old->parent) != 0)
			out->what |= UI_MOVE;
		if (strcmp(w->kind, old->kind) != 0)
			out->what |= UI_KIND;
		if (strcmp(w->hotline, old->hotline) != 0)
			out->what |= UI_HOTLINE;
		if (old->retired[0] == '\0' && w->retired[0] != '\0')
			out->what |= UI_RETIRE;
	} else if (w->retired[0] != '\0')
		out->what |= UI_RETIRE;
	return (0);
}

static int
ui_code_only_cmp(const void *a, const void *b)
{
	return (strcmp(((const struct uimport_row *)a)->row.code,
	    ((const struct uimport_row *)b)->row.code));
}

static int
ui_row_code_cmp(const void *a, const void *b)
{
	const struct uimport_row *x = a, *y = b;
	int			 r;

	if ((r = strcmp(x->row.code, y->row.code)) != 0)
		return (r);
	return (x->line - y->line);
}

/* 1 when code is a unit in use or of the file (rows by code). */
static int
ui_known(const struct uimport *u, const struct catalog *cat,
    const char *code)
{
	struct uimport_row	 key;

	if (catalog_unit(cat, code, strlen(code)) != NULL)
		return (1);
	strlcpy(key.row.code, code, sizeof(key.row.code));
	key.line = 0;
	return (bsearch(&key, u->rows, u->nrows, sizeof(*u->rows),
	    ui_code_only_cmp) != NULL);
}

static int
ui_row_line_cmp(const void *a, const void *b)
{
	const struct uimport_row *x = a, *y = b;

	if ((x->what != 0) != (y->what != 0))
		return (x->what != 0 ? -1 : 1);
	return (x->line - y->line);
}

/* The changes as a whole catalogue; an error names the line it can. */
static void
ui_whole(struct uimport *u, const char *dir, const struct catrow *stored,
    size_t nstored)
{
	struct catalog	*c = NULL;
	struct catrow	*rows;
	char		 why[512], code[UNIT_CODE_MAX + 1];
	const char	*p, *q;
	size_t		 n = 0, i, j, k;
	int		 line = 0;

	rows = xcalloc(nstored + u->nchanged + 1, sizeof(*rows));
	for (i = 0; i < nstored; i++)
		rows[n++] = stored[i];
	for (i = 0; i < u->nchanged; i++) {
		for (j = 0; j < nstored; j++)
			if (stored[j].type == CATROW_UNIT &&
			    strcmp(stored[j].code, u->rows[i].row.code) == 0)
				break;
		if (j < nstored)
			rows[j] = u->rows[i].row;
		else
			rows[n++] = u->rows[i].row;
	}
	if (catalog_load_rows(dir, rows, n, &c, why, sizeof(why)) == -1) {
		/*
		 * "unit CODE: reason" (a row of ours) or "path:line: reason
		 * naming unit CODE": the line of the first row named.
		 */
		p = why;
		if ((k = strlen(dir)) > 0 && strncmp(why, dir, k) == 0 &&
		    why[k] == '/')
			p = why + k + 1;
		for (i = 0; i < u->nchanged && line == 0; i++) {
			snprintf(code, sizeof(code), "%s", u->rows[i].row.code);
			for (q = strstr(p, code); q != NULL && line == 0;
			    q = strstr(q + 1, code)) {
				j = strlen(code);
				if (q >= p + 5 &&
				    strncmp(q - 5, "unit ", 5) == 0 &&
				    !ui_code_ok(q + j, 1))
					line = u->rows[i].line;
			}
		}
		if (strncmp(p, "unit ", 5) == 0 && strchr(p, ':') != NULL)
			p = strchr(p, ':') + 2;
		ui_err(u, line, "%s", p);
	}
	catalog_free(c);
	free(rows);
}

enum hl_rc
uimport_plan(const char *text, size_t len, const struct catalog *cat,
    const char *top, const char *dir, const struct catrow *stored,
    size_t nstored, struct uimport *u)
{
	struct ui_read	 rd;
	int		 col[C_COUNT];
	size_t		 i, j;
	enum hl_rc	 rc = HL_OK;

	memset(u, 0, sizeof(*u));
	memset(&rd, 0, sizeof(rd));
	if (len > UIMPORT_BYTES_MAX) {
		ui_err(u, 0, "tệp lớn quá %u MiB", UIMPORT_BYTES_MAX >> 20);
		return (HL_TOO_BIG);
	}
	if (ui_records(text, len, &rd, u) == -1)
		goto out;
	if (rd.n > UIMPORT_ROWS_MAX + 1) {
		ui_err(u, 0, "quá %d dòng", UIMPORT_ROWS_MAX);
		rc = HL_TOO_BIG;
		goto out;
	}
	if (rd.n == 0) {
		ui_err(u, 0, "tệp trống: cần dòng tiêu đề và các dòng đơn vị");
		goto out;
	}
	if (ui_header(&rd.recs[0], col, u) == -1)
		goto out;
	if (rd.n == 1) {
		ui_err(u, 0, "không có dòng đơn vị nào sau dòng tiêu đề");
		goto out;
	}
	u->rows = xcalloc(rd.n, sizeof(*u->rows));
	for (i = 1; i < rd.n; i++) {
		if (rd.recs[i].nf != rd.recs[0].nf) {
			ui_err(u, rd.recs[i].line, "%zu ô, cần %zu như dòng "
			    "tiêu đề", rd.recs[i].nf, rd.recs[0].nf);
			continue;
		}
		if (ui_row(&rd.recs[i], col, cat, top, &u->rows[u->nrows],
		    u) == 0)
			u->nrows++;
	}
	/* A code twice: both lines named. */
	qsort(u->rows, u->nrows, sizeof(*u->rows), ui_row_code_cmp);
	for (i = 1; i < u->nrows; i++)
		if (strcmp(u->rows[i - 1].row.code, u->rows[i].row.code) == 0)
			ui_err(u, u->rows[i].line, "mã %s lặp lại (đã có ở "
			    "dòng %d)", u->rows[i].row.code,
			    u->rows[i - 1].line);
	/* Parents and successors: in use, or in the file. */
	for (i = 0; i < u->nrows; i++) {
		if (u->rows[i].row.parent[0] != '\0' && !ui_known(u, cat,
		    u->rows[i].row.parent))
			ui_err(u, u->rows[i].line, "không có đơn vị cấp trên "
			    "mã %s", u->rows[i].row.parent);
		if (u->rows[i].row.successor[0] != '\0' && !ui_known(u, cat,
		    u->rows[i].row.successor))
			ui_err(u, u->rows[i].line, "không có đơn vị kế thừa "
			    "mã %s", u->rows[i].row.successor);
	}
	qsort(u->rows, u->nrows, sizeof(*u->rows), ui_row_line_cmp);
	for (i = 0; i < u->nrows && u->rows[i].what != 0; i++)
		;
	u->nchanged = i;
	if (u->nerr == 0 && u->nchanged > 0)
		ui_whole(u, dir, stored, nstored);
out:
	for (j = 0; j < rd.n; j++)
		ui_rec_free(&rd.recs[j]);
	free(rd.recs);
	return (rc);
}

/* ---- procedures */

enum pi_col {
	P_CODE, P_NAME_VI, P_NAME_EN, P_NAME_KM, P_SECTOR, P_FIELD,
	P_LEVEL, P_WITHDRAWN, P_COUNT
};

static const struct {
	enum pi_col	 col;
	const char	*name;
} pi_names[] = {
	{ P_CODE, "code" }, { P_CODE, "ma thu tuc" }, { P_CODE, "ma tthc" },
	{ P_CODE, "ma" },
	{ P_NAME_VI, "name vi" }, { P_NAME_VI, "ten thu tuc" },
	{ P_NAME_VI, "ten" }, { P_NAME_VI, "ten tthc" },
	{ P_NAME_EN, "name en" }, { P_NAME_EN, "ten tieng anh" },
	{ P_NAME_KM, "name km" }, { P_NAME_KM, "ten tieng khmer" },
	{ P_SECTOR, "sector" },
	{ P_FIELD, "linh vuc" }, { P_FIELD, "ten linh vuc" },
	{ P_LEVEL, "cap thuc hien" },
	{ P_WITHDRAWN, "withdrawn" }, { P_WITHDRAWN, "ngay bai bo" },
};

/* A field (Lĩnh vực) to the sector whose name it holds, else "other". */
static const struct sector *
pi_sector_of(const struct catalog *cat, const char *s, size_t n)
{
	const struct sector	*other = NULL;
	char			*f, *w;
	size_t			 i;

	f = fold_text(s, n);
	for (i = 0; i < cat->nsectors; i++) {
		if (strcmp(cat->sectors[i].code, "other") == 0) {
			other = &cat->sectors[i];
			continue;
		}
		w = fold_text(cat->sectors[i].name.s[LANG_VI],
		    strlen(cat->sectors[i].name.s[LANG_VI]));
		if (w[0] != '\0' && fold_has(f, w)) {
			free(w);
			free(f);
			return (&cat->sectors[i]);
		}
		free(w);
	}
	free(f);
	return (other);
}

static const char *
pi_f(const struct ui_rec *r, const int col[P_COUNT], enum pi_col c,
    size_t *len)
{
	if (col[c] < 0 || (size_t)col[c] >= r->nf) {
		*len = 0;
		return ("");
	}
	*len = r->flen[col[c]];
	return (r->f[col[c]]);
}

/* The header's columns; the ones not used named in u->unused. */
static int
pi_header(const struct ui_rec *h, int col[P_COUNT], struct uimport *u)
{
	char	*f;
	size_t	 i, k;
	int	 bad = 0;

	for (i = 0; i < P_COUNT; i++)
		col[i] = -1;
	for (i = 0; i < h->nf; i++) {
		f = fold_text(h->f[i], h->flen[i]);
		for (k = 0; k < sizeof(pi_names) / sizeof(pi_names[0]); k++)
			if (strcmp(f, pi_names[k].name) == 0)
				break;
		free(f);
		if (k == sizeof(pi_names) / sizeof(pi_names[0]) ||
		    pi_names[k].col == P_LEVEL) {
			if (u->unused[0] != '\0')
				strlcat(u->unused, ", ", sizeof(u->unused));
			if (h->flen[i] > 0 && !cell_is_formula(h->f[i]) &&
			    ui_text_ok(h->f[i], h->flen[i]) && h->flen[i] < 60)
				strlcat(u->unused, h->f[i], sizeof(u->unused));
			else
				strlcat(u->unused, "?", sizeof(u->unused));
			continue;
		}
		if (col[pi_names[k].col] != -1) {
			ui_err(u, h->line, "cột %zu: cột lặp lại (cột %d)",
			    i + 1, col[pi_names[k].col] + 1);
			bad = 1;
		} else
			col[pi_names[k].col] = (int)i;
	}
	if (col[P_CODE] == -1) {
		ui_err(u, h->line, "thiếu cột mã thủ tục (code hoặc Mã thủ "
		    "tục)");
		bad = 1;
	}
	if (col[P_NAME_VI] == -1) {
		ui_err(u, h->line, "thiếu cột tên (name_vi hoặc Tên thủ tục)");
		bad = 1;
	}
	return (bad ? -1 : 0);
}

static int
pi_row(const struct ui_rec *r, const int col[P_COUNT],
    const struct catalog *cat, struct uimport_row *out, struct uimport *u)
{
	static const enum pi_col texts[] = { P_CODE, P_NAME_VI, P_NAME_EN,
	    P_NAME_KM, P_SECTOR, P_FIELD, P_WITHDRAWN };
	static const size_t maxes[] = { PROC_CODE_MAX, CATALOG_NAME_MAX,
	    CATALOG_NAME_MAX, CATALOG_NAME_MAX, SECTOR_CODE_MAX, 512,
	    UNIT_DATE_LEN };
	const struct procedure	*old;
	const struct sector	*sec = NULL;
	struct catrow		*w = &out->row;
	const char		*s;
	size_t			 n, i;
	int64_t			 t;
	int			 l;
	char			 d[UNIT_DATE_LEN + 1];

	memset(out, 0, sizeof(*out));
	out->line = r->line;
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		s = pi_f(r, col, texts[i], &n);
		if (n > maxes[i]) {
			ui_err(u, r->line, "cột %d: dài quá %zu byte",
			    col[texts[i]] + 1, maxes[i]);
			return (-1);
		}
		if (!ui_text_ok(s, n)) {
			ui_err(u, r->line, "cột %d: có ký tự điều khiển",
			    col[texts[i]] + 1);
			return (-1);
		}
		if (n > 0 && cell_is_formula(s)) {
			ui_err(u, r->line, "cột %d: ô bắt đầu bằng = + - @ "
			    "(công thức bảng tính) không được nhận",
			    col[texts[i]] + 1);
			return (-1);
		}
	}
	s = pi_f(r, col, P_CODE, &n);
	if (!ui_code_ok(s, n)) {
		ui_err(u, r->line, "mã thủ tục phải có 1 đến %d ký tự A-Z "
		    "a-z 0-9 . _ -", PROC_CODE_MAX);
		return (-1);
	}
	w->type = CATROW_PROC;
	memcpy(w->code, s, n);
	old = catalog_procedure(cat, w->code, n);
	if (old != NULL)
		catalog_proc_row(old, &out->before);
	else
		out->what |= UI_ADD;
	s = pi_f(r, col, P_NAME_VI, &n);
	if (n == 0) {
		ui_err(u, r->line, "thiếu tên thủ tục");
		return (-1);
	}
	memcpy(w->name[LANG_VI], s, n);
	for (l = LANG_EN; l < LANG_COUNT; l++) {
		s = pi_f(r, col, l == LANG_EN ? P_NAME_EN : P_NAME_KM, &n);
		if (n > 0)
			memcpy(w->name[l], s, n);
		else if (old != NULL)
			strlcpy(w->name[l], old->name.s[l],
			    sizeof(w->name[l]));
		else if (l == LANG_EN)
			strlcpy(w->name[l], w->name[LANG_VI],
			    sizeof(w->name[l]));
	}
	/* The sector: its code, else the field's name, else the one in use. */
	s = pi_f(r, col, P_SECTOR, &n);
	if (n > 0 && (sec = catalog_sector(cat, s, n)) == NULL) {
		ui_err(u, r->line, "lĩnh vực \"%.*s\" không có trong "
		    "sectors.ini", (int)(n > 20 ? 20 : n), s);
		return (-1);
	}
	if (sec == NULL && (s = pi_f(r, col, P_FIELD, &n), n > 0) &&
	    (sec = pi_sector_of(cat, s, n)) == NULL) {
		ui_err(u, r->line, "không xếp được lĩnh vực \"%.*s\" vào "
		    "nhóm nào (thêm cột sector)", (int)(n > 40 ? 40 : n), s);
		return (-1);
	}
	if (sec != NULL)
		strlcpy(w->sector, sec->code, sizeof(w->sector));
	else if (old != NULL)
		strlcpy(w->sector, old->sector, sizeof(w->sector));
	else {
		ui_err(u, r->line, "thủ tục mới cần lĩnh vực (cột Lĩnh vực "
		    "hoặc sector)");
		return (-1);
	}
	if (old != NULL)
		strlcpy(w->retired, old->withdrawn, sizeof(w->retired));
	s = pi_f(r, col, P_WITHDRAWN, &n);
	if (n > 0) {
		memcpy(d, s, n);
		d[n] = '\0';
		if (n != UNIT_DATE_LEN || parse_date(d, &t) == -1) {
			ui_err(u, r->line, "ngày bãi bỏ phải là năm-tháng-"
			    "ngày, ví dụ 2026-01-01");
			return (-1);
		}
		if (old != NULL && old->withdrawn[0] != '\0' &&
		    strcmp(old->withdrawn, d) != 0) {
			ui_err(u, r->line, "thủ tục %s đã bãi bỏ từ %s; không "
			    "đổi được", old->code, old->withdrawn);
			return (-1);
		}
		strlcpy(w->retired, d, sizeof(w->retired));
	}
	if (old != NULL) {
		if (strcmp(w->name[LANG_VI], out->before.name[LANG_VI]) ||
		    strcmp(w->name[LANG_EN], out->before.name[LANG_EN]) ||
		    strcmp(w->name[LANG_KM], out->before.name[LANG_KM]))
			out->what |= UI_NAME;
		if (strcmp(w->sector, old->sector) != 0)
			out->what |= UI_SECTOR;
		if (old->withdrawn[0] == '\0' && w->retired[0] != '\0')
			out->what |= UI_WITHDRAW;
	} else if (w->retired[0] != '\0')
		out->what |= UI_WITHDRAW;
	return (0);
}

enum hl_rc
pimport_plan(const char *text, size_t len, const struct catalog *cat,
    const char *dir, const struct catrow *stored, size_t nstored,
    struct uimport *u)
{
	struct ui_read	 rd;
	struct catalog	*c = NULL;
	struct catrow	*rows;
	int		 col[P_COUNT];
	char		 why[512];
	size_t		 i, j, n;
	enum hl_rc	 rc = HL_OK;

	memset(u, 0, sizeof(*u));
	memset(&rd, 0, sizeof(rd));
	if (len > UIMPORT_BYTES_MAX) {
		ui_err(u, 0, "tệp lớn quá %u MiB", UIMPORT_BYTES_MAX >> 20);
		return (HL_TOO_BIG);
	}
	if (ui_records(text, len, &rd, u) == -1)
		goto out;
	if (rd.n > UIMPORT_ROWS_MAX + 1) {
		ui_err(u, 0, "quá %d dòng", UIMPORT_ROWS_MAX);
		rc = HL_TOO_BIG;
		goto out;
	}
	if (rd.n == 0) {
		ui_err(u, 0, "tệp trống: cần dòng tiêu đề và các dòng thủ tục");
		goto out;
	}
	if (pi_header(&rd.recs[0], col, u) == -1)
		goto out;
	if (rd.n == 1) {
		ui_err(u, 0, "không có dòng thủ tục nào sau dòng tiêu đề");
		goto out;
	}
	u->rows = xcalloc(rd.n, sizeof(*u->rows));
	for (i = 1; i < rd.n; i++) {
		if (rd.recs[i].nf != rd.recs[0].nf) {
			ui_err(u, rd.recs[i].line, "%zu ô, cần %zu như dòng "
			    "tiêu đề", rd.recs[i].nf, rd.recs[0].nf);
			continue;
		}
		if (pi_row(&rd.recs[i], col, cat, &u->rows[u->nrows], u) == 0)
			u->nrows++;
	}
	qsort(u->rows, u->nrows, sizeof(*u->rows), ui_row_code_cmp);
	for (i = 1; i < u->nrows; i++)
		if (strcmp(u->rows[i - 1].row.code, u->rows[i].row.code) == 0)
			ui_err(u, u->rows[i].line, "mã %s lặp lại (đã có ở "
			    "dòng %d)", u->rows[i].row.code,
			    u->rows[i - 1].line);
	qsort(u->rows, u->nrows, sizeof(*u->rows), ui_row_line_cmp);
	for (i = 0; i < u->nrows && u->rows[i].what != 0; i++)
		;
	u->nchanged = i;
	if (u->nerr > 0 || u->nchanged == 0)
		goto out;
	/* The result as a whole catalogue. */
	rows = xcalloc(nstored + u->nchanged + 1, sizeof(*rows));
	for (n = 0; n < nstored; n++)
		rows[n] = stored[n];
	for (i = 0; i < u->nchanged; i++) {
		for (j = 0; j < nstored; j++)
			if (stored[j].type == CATROW_PROC &&
			    strcmp(stored[j].code, u->rows[i].row.code) == 0)
				break;
		if (j < nstored)
			rows[j] = u->rows[i].row;
		else
			rows[n++] = u->rows[i].row;
	}
	if (catalog_load_rows(dir, rows, n, &c, why, sizeof(why)) == -1)
		ui_err(u, 0, "%s", why);
	catalog_free(c);
	free(rows);
out:
	for (j = 0; j < rd.n; j++)
		ui_rec_free(&rd.recs[j]);
	free(rd.recs);
	return (rc);
}

void
uimport_clear(struct uimport *u)
{
	free(u->rows);
	memset(u, 0, sizeof(*u));
}

void
uimport_what_vi(unsigned what, char *out, size_t outlen)
{
	static const struct {
		unsigned	 bit;
		const char	*vi;
	} words[] = {
		{ UI_ADD, "thêm mới" }, { UI_NAME, "đổi tên" },
		{ UI_MOVE, "chuyển cấp trên" }, { UI_KIND, "đổi loại" },
		{ UI_HOTLINE, "đổi đường dây nóng" },
		{ UI_RETIRE, "giải thể" }, { UI_SECTOR, "đổi lĩnh vực" },
		{ UI_WITHDRAW, "bãi bỏ" },
	};
	size_t	 i;

	out[0] = '\0';
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (what & words[i].bit) {
			if (out[0] != '\0')
				strlcat(out, ", ", outlen);
			strlcat(out, words[i].vi, outlen);
		}
	if (out[0] == '\0')
		strlcpy(out, "không đổi", outlen);
}
