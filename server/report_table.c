/*
 * report_table.c: the report as tables, read from its JSON value: CSV
 * (UTF-8 with a BOM, CRLF, one block per part) and XLSX (one sheet per
 * part, a chart of the sectors, a sheet of notes), written through
 * libxlsxwriter as xlsx.c loads it.
 * Traps: a text cell a spreadsheet could run as a formula gets a leading
 * '; a header that does not fit its column is a bug (abort), caught by
 * the tests.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "report.h"
#include "report_priv.h"
#include "util.h"
#include "xlsx.h"

/* ------------------------------------------------------------ tables */

/*
 * CSV and XLSX are tables read from the JSON value: one table per part,
 * a header row of Vietnamese labels, then one row per item.
 */
enum ckind {
	CK_STR,
	CK_INT,
	CK_PCT,		/* JSON 0..100; XLSX as a fraction shown 0.0% */
	CK_PROB,	/* JSON 0..1 */
	CK_STATUS,
	CK_PP,		/* percentage points */
	CK_BOOL
};

#define RTAB_COLS	48

#define RCOL_HEAD_MAX	256

struct rcol {
	char		 key[32];
	char		 head[RCOL_HEAD_MAX];
	enum ckind	 kind;
};

struct rtab {
	const char	*sheet;		/* at most 31 characters */
	const char	*title;
	size_t		 ncols;
	struct rcol	 cols[RTAB_COLS];
	json_t		*rows;		/* owned */
};

#define RTABS_MAX	20

/* A boolean in words, as the report speaks. */
static const char *
bool_vi(int v)
{
	return (v ? "có" : "không");
}

/* Headers are whole: one that does not fit is a bug, caught by the tests. */
static void
col_add(struct rtab *t, const char *key, const char *head, enum ckind k)
{
	if (t->ncols >= RTAB_COLS ||
	    strlen(head) >= sizeof(t->cols[0].head) ||
	    strlen(key) >= sizeof(t->cols[0].key))
		abort();
	strlcpy(t->cols[t->ncols].key, key, sizeof(t->cols[0].key));
	strlcpy(t->cols[t->ncols].head, head, sizeof(t->cols[0].head));
	t->cols[t->ncols].kind = k;
	t->ncols++;
}

/*
 * One row per item of each parent's array `items`, with the parent's keys
 * k1 and k2 copied in: a table of a nested part (questions, trend).
 */
static json_t *
flatten(json_t *parents, const char *items, const char *k1, const char *k2)
{
	json_t	*rows = json_array(), *p, *x, *a;
	size_t	 i, j;

	json_array_foreach(parents, i, p)
		json_array_foreach(json_object_get(p, items), j, x) {
			a = json_deep_copy(x);
			json_object_set(a, k1, json_object_get(p, k1));
			json_object_set(a, k2, json_object_get(p, k2));
			json_array_append_new(rows, a);
		}
	return (rows);
}

/* Target years of every row, ascending, at most TARGETS_MAX * 2. */
static size_t
target_years(json_t *o, int *years, size_t max)
{
	json_t	*rows[2], *r, *t;
	size_t	 i, j, k, n = 0;
	int	 y, tmp;

	rows[0] = json_pack("[O]", json_object_get(o, "overall"));
	rows[1] = json_object_get(o, "sectors");
	for (k = 0; k < 2; k++)
		json_array_foreach(rows[k], i, r)
			json_array_foreach(json_object_get(r, "targets"), j,
			    t) {
				y = (int)json_integer_value(json_object_get(t,
				    "year"));
				for (tmp = 0; tmp < (int)n; tmp++)
					if (years[tmp] == y)
						break;
				if (tmp == (int)n && n < max)
					years[n++] = y;
			}
	json_decref(rows[0]);
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && years[j - 1] > years[j]; j--) {
			tmp = years[j];
			years[j] = years[j - 1];
			years[j - 1] = tmp;
		}
	return (n);
}

/* "tháng trước", "quý trước", ... of the period in o. */
static const char *
prev_vi(json_t *o)
{
	const char	*k = json_string_value(json_object_get(
			    json_object_get(o, "period"), "kind"));

	if (k == NULL || strcmp(k, "month") == 0)
		return ("tháng trước");
	if (strcmp(k, "quarter") == 0)
		return ("quý trước");
	if (strcmp(k, "year") == 0)
		return ("năm trước");
	return ("kỳ trước");
}

static int
is_kind(json_t *o, const char *kind)
{
	const char	*k = json_string_value(json_object_get(
			    json_object_get(o, "period"), "kind"));

	return (k != NULL && strcmp(k, kind) == 0);
}

static void
figure_cols(struct rtab *t, const int *years, size_t ny, const char *prev)
{
	char	 k[32], h[RCOL_HEAD_MAX];
	size_t	 i;

	col_add(t, "responses", "Số phiếu trả lời", CK_INT);
	col_add(t, "satisfied", "Số hài lòng (mức 4-5)", CK_INT);
	col_add(t, "percent", "Tỷ lệ hài lòng (%)", CK_PCT);
	col_add(t, "ci_low", "Khoảng tin cậy 95%: cận dưới (%)", CK_PCT);
	col_add(t, "ci_high", "Khoảng tin cậy 95%: cận trên (%)", CK_PCT);
	col_add(t, "suspect", "Phiếu bị nghi ngờ (không tính vào các số "
	    "trên)", CK_INT);
	col_add(t, "percent_with_suspect", "Tỷ lệ hài lòng nếu tính cả phiếu "
	    "bị nghi ngờ (%)", CK_PCT);
	for (i = 0; i < ny; i++) {
		snprintf(k, sizeof(k), "target_%d", years[i]);
		snprintf(h, sizeof(h), "Chỉ tiêu %d (%%)", years[i]);
		col_add(t, k, h, CK_PCT);
		snprintf(k, sizeof(k), "verdict_%d", years[i]);
		snprintf(h, sizeof(h), "Đánh giá so với chỉ tiêu %d",
		    years[i]);
		col_add(t, k, h, CK_STATUS);
		snprintf(k, sizeof(k), "p_%d", years[i]);
		snprintf(h, sizeof(h), "Xác suất đạt chỉ tiêu %d (0-1)",
		    years[i]);
		col_add(t, k, h, CK_PROB);
	}
	snprintf(h, sizeof(h), "Thay đổi so với %s (điểm %%)", prev);
	col_add(t, "delta", h, CK_PP);
	col_add(t, "too_few", "Quá ít phiếu để xếp hạng", CK_BOOL);
	col_add(t, "issued", "Phiếu khảo sát đã phát", CK_INT);
	col_add(t, "issued_answered", "Phiếu đã phát được trả lời", CK_INT);
	col_add(t, "response_rate", "Tỷ lệ phản hồi (%)", CK_PCT);
}

/* The levels an indicator counts, as "4 5", into its row. */
static void
ind_levels_text(json_t *r)
{
	json_t	*v;
	size_t	 i;
	char	 s[64] = "", w[8];

	json_array_foreach(json_object_get(r, "levels"), i, v) {
		snprintf(w, sizeof(w), "%s%lld", i > 0 ? " " : "",
		    (long long)json_integer_value(v));
		strlcat(s, w, sizeof(s));
	}
	json_object_set_new(r, "levels_text", json_string(s));
}

/* The share at levels 3-5 of a five-level survey (empty otherwise). */
static void
ind_mid_cols(struct rtab *t)
{
	col_add(t, "responses_3_5", "Số phiếu mức 3-5 (thang 5 mức)", CK_INT);
	col_add(t, "share_3_5", "Tỷ lệ mức 3-5 (%), để so sánh với hệ thống "
	    "3 mức", CK_PCT);
}

static void
ind_cols(struct rtab *t)
{
	col_add(t, "id", "Mã chỉ tiêu", CK_STR);
	col_add(t, "item", "Chỉ tiêu của nghị quyết", CK_STR);
	col_add(t, "name", "Tên", CK_STR);
	col_add(t, "levels_text", "Mức tính là hài lòng", CK_STR);
	col_add(t, "responses", "Số phiếu trả lời", CK_INT);
	col_add(t, "satisfied", "Số hài lòng", CK_INT);
	col_add(t, "percent", "Tỷ lệ hài lòng (%)", CK_PCT);
	col_add(t, "ci_low", "Khoảng tin cậy 95%: cận dưới (%)", CK_PCT);
	col_add(t, "ci_high", "Khoảng tin cậy 95%: cận trên (%)", CK_PCT);
	col_add(t, "target_year", "Năm chỉ tiêu", CK_INT);
	col_add(t, "target", "Chỉ tiêu (%)", CK_PCT);
	col_add(t, "verdict", "Đánh giá", CK_STATUS);
	col_add(t, "p_target", "Xác suất đạt chỉ tiêu (0-1)", CK_PROB);
	col_add(t, "too_few", "Quá ít phiếu để đánh giá", CK_BOOL);
	ind_mid_cols(t);
}

/*
 * The resolution's indicators: one table of the scope's figures, one of
 * each agency's (the total first, then worst first). Returns how many
 * tables were added at t (none without indicators).
 */
static size_t
report_ind_tables(json_t *o, struct rtab *t)
{
	json_t		*set = json_object_get(o, "indicator_set"), *a, *f, *r;
	size_t		 i, j, n = 0;

	if (!json_is_object(set))
		return (0);
	t[n].sheet = "Chỉ tiêu NQ";
	t[n].title = "Chỉ tiêu của nghị quyết: mức độ hài lòng";
	col_add(&t[n], "resolution", "Nghị quyết", CK_STR);
	ind_cols(&t[n]);
	t[n].rows = json_deep_copy(json_object_get(o, "indicators"));
	json_array_foreach(t[n].rows, i, r) {
		ind_levels_text(r);
		json_object_set(r, "resolution", json_object_get(set, "name"));
	}
	n++;

	t[n].sheet = "Chỉ tiêu NQ theo đơn vị";
	t[n].title = "Chỉ tiêu của nghị quyết theo đơn vị: tổng, rồi từng cấp, "
	    "thấp nhất trước";
	col_add(&t[n], "unit", "Mã đơn vị", CK_STR);
	col_add(&t[n], "unit_name", "Đơn vị", CK_STR);
	col_add(&t[n], "depth", "Cấp", CK_INT);
	col_add(&t[n], "total", "Tổng của phạm vi", CK_BOOL);
	col_add(&t[n], "rank", "Xếp hạng trong cùng cấp (thấp nhất = 1)",
	    CK_INT);
	ind_cols(&t[n]);
	t[n].rows = json_array();
	json_array_foreach(json_object_get(o, "agencies"), i, a)
		json_array_foreach(json_object_get(a, "indicators"), j, f) {
			r = json_deep_copy(f);
			ind_levels_text(r);
			json_object_set(r, "unit", json_object_get(a, "unit"));
			json_object_set(r, "unit_name",
			    json_object_get(a, "name"));
			json_object_set(r, "depth", json_object_get(a, "depth"));
			json_object_set(r, "total", json_object_get(a, "total"));
			json_array_append_new(t[n].rows, r);
		}
	n++;
	return (n);
}

/*
 * The table by counter and officer, into t, when o has it: one row per
 * counter, then per officer. Returns 1, or 0 when o has none.
 */
static size_t
table_desks(json_t *o, struct rtab *t)
{
	json_t	*r, *x;
	size_t	 i;

	if (json_object_get(o, "counters") == NULL)
		return (0);
	t->sheet = "Quầy và cán bộ";
	t->title = "Theo quầy và cán bộ: phiếu phát trong kỳ tại từng quầy "
	    "(đơn vị tiếp nhận) và bởi từng cán bộ, với các câu trả lời cho "
	    "các phiếu đó (không tính phiếu bị nghi ngờ); dưới số phiếu tối "
	    "thiểu: quá ít phiếu, không nêu số liệu";
	col_add(t, "kind", "Loại", CK_STR);
	col_add(t, "unit", "Mã đơn vị", CK_STR);
	col_add(t, "unit_name", "Đơn vị", CK_STR);
	col_add(t, "code", "Quầy, hoặc mã khóa của cán bộ", CK_STR);
	col_add(t, "name", "Tên", CK_STR);
	col_add(t, "too_few", "Quá ít phiếu (không nêu số liệu)", CK_BOOL);
	col_add(t, "responses", "Số phiếu trả lời", CK_INT);
	col_add(t, "satisfied", "Số hài lòng (mức 4-5)", CK_INT);
	col_add(t, "percent", "Tỷ lệ hài lòng (%)", CK_PCT);
	col_add(t, "ci_low", "Khoảng tin cậy 95%: cận dưới (%)", CK_PCT);
	col_add(t, "ci_high", "Khoảng tin cậy 95%: cận trên (%)", CK_PCT);
	col_add(t, "issued", "Phiếu đã phát", CK_INT);
	col_add(t, "issued_answered", "Phiếu đã phát được trả lời", CK_INT);
	col_add(t, "response_rate", "Tỷ lệ phản hồi (%)", CK_PCT);
	col_add(t, "suspect", "Phiếu bị nghi ngờ (không tính)", CK_INT);
	t->rows = json_array();
	json_array_foreach(json_object_get(o, "counters"), i, r) {
		x = json_deep_copy(r);
		json_object_set_new(x, "kind", json_string("Quầy"));
		json_object_set(x, "code", json_object_get(r, "counter"));
		json_array_append_new(t->rows, x);
	}
	json_array_foreach(json_object_get(o, "officers"), i, r) {
		x = json_deep_copy(r);
		json_object_set_new(x, "kind", json_string("Cán bộ"));
		json_object_set(x, "code", json_object_get(r, "officer"));
		json_array_append_new(t->rows, x);
	}
	return (1);
}

/*
 * Decision 766's ratio into t[0] (the scope, then each unit with
 * dossiers) and its tickets by stage into t[1]. Returns 2.
 */
static size_t
table_766(json_t *o, struct rtab *t)
{
	json_t	*d = json_object_get(o, "decision_766"), *x;

	t[0].sheet = "QĐ 766";
	t[0].title = "Tỷ lệ hài lòng theo Quyết định 766/QĐ-TTg: (hồ sơ − "
	    "hồ sơ bị đánh giá không hài lòng, có khiếu nại, hoặc trễ hạn) / "
	    "hồ sơ; tính theo hồ sơ của phần mềm một cửa, thước đo khác tỷ "
	    "lệ hài lòng của người trả lời; khiếu nại: phản ánh, kiến nghị "
	    "người dân gửi sau khi trả lời phiếu của hồ sơ";
	col_add(&t[0], "unit", "Mã đơn vị", CK_STR);
	col_add(&t[0], "name", "Đơn vị", CK_STR);
	col_add(&t[0], "dossiers", "Hồ sơ", CK_INT);
	col_add(&t[0], "returned", "Đã trả kết quả", CK_INT);
	col_add(&t[0], "refused", "Từ chối", CK_INT);
	col_add(&t[0], "open_late", "Chưa giải quyết, quá hạn", CK_INT);
	col_add(&t[0], "dissatisfied", "Bị đánh giá không hài lòng",
	    CK_INT);
	col_add(&t[0], "complaints", "Có khiếu nại", CK_INT);
	col_add(&t[0], "late", "Trễ hạn", CK_INT);
	col_add(&t[0], "against", "Bị trừ (mỗi hồ sơ một lần)", CK_INT);
	col_add(&t[0], "percent", "Tỷ lệ theo QĐ 766 (%)", CK_PCT);
	t[0].rows = json_array();
	x = json_deep_copy(d);
	json_object_set_new(x, "unit", json_string(""));
	json_object_set_new(x, "name", json_string("Tổng (phạm vi báo cáo)"));
	json_array_append_new(t[0].rows, x);
	json_array_extend(t[0].rows, json_object_get(d, "units"));

	t[1].sheet = "QĐ 766 theo giai đoạn";
	t[1].title = "Phiếu khảo sát của các hồ sơ trên theo giai đoạn: khi "
	    "tiếp nhận, khi yêu cầu bổ sung, khi từ chối, khi trả kết quả";
	col_add(&t[1], "stage", "Mã giai đoạn", CK_STR);
	col_add(&t[1], "name", "Giai đoạn", CK_STR);
	col_add(&t[1], "tickets", "Phiếu đã phát", CK_INT);
	col_add(&t[1], "answered", "Đã trả lời", CK_INT);
	col_add(&t[1], "dissatisfied", "Không hài lòng (mức 1-2)", CK_INT);
	t[1].rows = json_deep_copy(json_object_get(d, "stages"));
	return (2);
}

/*
 * The survey's figures by stage into t[0] (the scope, then each unit)
 * and its questions by stage into t[1]. Returns 2.
 */
static size_t
table_stages(json_t *o, struct rtab *t)
{
	json_t	*a, *u, *x, *q, *opt;
	size_t	 i, j, k, l;

	t[0].sheet = "Theo giai đoạn";
	t[0].title = "Mức độ hài lòng theo giai đoạn khảo sát: khi tiếp "
	    "nhận, khi yêu cầu bổ sung, khi từ chối, khi trả kết quả (và "
	    "phiếu không ghi giai đoạn), khách vãng lai riêng";
	col_add(&t[0], "unit", "Mã đơn vị", CK_STR);
	col_add(&t[0], "unit_name", "Đơn vị", CK_STR);
	col_add(&t[0], "stage", "Mã giai đoạn", CK_STR);
	col_add(&t[0], "name", "Giai đoạn", CK_STR);
	col_add(&t[0], "responses", "Số trả lời", CK_INT);
	col_add(&t[0], "satisfied", "Số hài lòng", CK_INT);
	col_add(&t[0], "percent", "Tỷ lệ hài lòng (%)", CK_PCT);
	col_add(&t[0], "ci_low", "Cận dưới 95% (%)", CK_PCT);
	col_add(&t[0], "ci_high", "Cận trên 95% (%)", CK_PCT);
	col_add(&t[0], "suspect", "Bị nghi ngờ (không tính)", CK_INT);
	t[0].rows = json_array();
	a = json_pack("[O]", json_object_get(o, "overall"));
	json_array_extend(a, json_object_get(o, "units"));
	json_array_foreach(a, i, u)
		json_array_foreach(json_object_get(u, "by_stage"), j, x) {
			x = json_deep_copy(x);
			json_object_del(x, "questions");
			json_object_set_new(x, "unit", i == 0 ?
			    json_string("") : json_copy(json_object_get(u,
			    "unit")));
			json_object_set_new(x, "unit_name", i == 0 ?
			    json_string("Tổng (phạm vi báo cáo)") :
			    json_copy(json_object_get(u, "name")));
			json_array_append_new(t[0].rows, x);
		}
	json_decref(a);

	t[1].sheet = "Câu hỏi theo giai đoạn";
	t[1].title = "Phân bố câu trả lời theo câu hỏi và giai đoạn";
	col_add(&t[1], "stage", "Mã giai đoạn", CK_STR);
	col_add(&t[1], "stage_name", "Giai đoạn", CK_STR);
	col_add(&t[1], "question", "Câu hỏi", CK_STR);
	col_add(&t[1], "text", "Nội dung", CK_STR);
	col_add(&t[1], "option", "Mã lựa chọn", CK_STR);
	col_add(&t[1], "label", "Lựa chọn", CK_STR);
	col_add(&t[1], "count", "Số trả lời", CK_INT);
	col_add(&t[1], "percent", "Tỷ lệ (%)", CK_PCT);
	t[1].rows = json_array();
	json_array_foreach(json_object_get(json_object_get(o, "overall"),
	    "by_stage"), i, u)
		json_array_foreach(json_object_get(u, "questions"), k, q)
			json_array_foreach(json_object_get(q, "options"), l,
			    opt) {
				x = json_deep_copy(opt);
				json_object_set(x, "stage",
				    json_object_get(u, "stage"));
				json_object_set(x, "stage_name",
				    json_object_get(u, "name"));
				json_object_set(x, "question",
				    json_object_get(q, "question"));
				json_object_set(x, "text",
				    json_object_get(q, "text"));
				json_array_append_new(t[1].rows, x);
			}
	return (2);
}

/* The follow-ups' table into t, when o has it: the total, then units. */
static size_t
table_followups(json_t *o, struct rtab *t)
{
	json_t	*fu = json_object_get(o, "followups"), *x;

	if (fu == NULL)
		return (0);
	t->sheet = "Phản ánh";
	t->title = "Phản ánh, kiến nghị: tiếp nhận trong kỳ, đã trả lời, "
	    "trả lời đúng hạn, thời gian trả lời trung vị (giờ), quá hạn hiện "
	    "nay; mỗi đơn vị chỉ tính phản ánh của chính đơn vị";
	col_add(t, "unit", "Mã đơn vị", CK_STR);
	col_add(t, "unit_name", "Đơn vị", CK_STR);
	col_add(t, "received", "Tiếp nhận", CK_INT);
	col_add(t, "answered", "Đã trả lời", CK_INT);
	col_add(t, "answered_in_time", "Trả lời đúng hạn", CK_INT);
	col_add(t, "median_hours", "Thời gian trả lời trung vị (giờ)",
	    CK_INT);
	col_add(t, "overdue_now", "Quá hạn hiện nay", CK_INT);
	col_add(t, "dossiers", "Số hồ sơ có phản ánh (QĐ 766)", CK_INT);
	t->rows = json_array();
	x = json_deep_copy(json_object_get(fu, "total"));
	json_object_set_new(x, "unit", json_string(""));
	json_object_set_new(x, "unit_name", json_string("Tổng"));
	json_object_set(x, "dossiers", json_object_get(fu,
	    "dossiers_with_complaint"));
	json_array_append_new(t->rows, x);
	json_array_extend(t->rows, json_object_get(fu, "units"));
	return (1);
}

/* Builds the tables of o into t; returns how many. */
static size_t
report_tables(json_t *o, struct rtab *t)
{
	json_t	*r;
	size_t	 n = 0;
	int	 years[TARGETS_MAX * 4];
	size_t	 ny;

	memset(t, 0, sizeof(*t) * RTABS_MAX);
	ny = target_years(o, years, sizeof(years) / sizeof(years[0]));

	t[n].sheet = "Lĩnh vực";
	t[n].title = "Mức độ hài lòng theo lĩnh vực";
	col_add(&t[n], "sector", "Mã lĩnh vực", CK_STR);
	col_add(&t[n], "name", "Lĩnh vực", CK_STR);
	figure_cols(&t[n], years, ny, prev_vi(o));
	t[n].rows = json_array();
	json_array_append(t[n].rows, json_object_get(o, "overall"));
	json_array_extend(t[n].rows, json_object_get(o, "sectors"));
	if (json_integer_value(json_object_get(json_object_get(o, "walkin"),
	    "responses")) > 0)
		json_array_append(t[n].rows, json_object_get(o, "walkin"));
	n++;
	n += report_ind_tables(o, &t[n]);

	t[n].sheet = "Đơn vị";
	t[n].title = "Mức độ hài lòng theo đơn vị: tổng, rồi từng cấp, thấp "
	    "nhất trước";
	col_add(&t[n], "rank", "Xếp hạng trong cùng cấp (thấp nhất = 1)",
	    CK_INT);
	col_add(&t[n], "unit", "Mã đơn vị", CK_STR);
	col_add(&t[n], "name", "Đơn vị", CK_STR);
	col_add(&t[n], "parent", "Đơn vị cấp trên", CK_STR);
	col_add(&t[n], "depth", "Cấp", CK_INT);
	col_add(&t[n], "retired", "Giải thể từ ngày", CK_STR);
	col_add(&t[n], "successor", "Đơn vị kế thừa", CK_STR);
	figure_cols(&t[n], years, ny, prev_vi(o));
	t[n].rows = json_deep_copy(json_object_get(o, "units"));
	n++;
	n += table_desks(o, &t[n]);
	n += table_766(o, &t[n]);
	n += table_stages(o, &t[n]);
	n += table_followups(o, &t[n]);

	t[n].sheet = "Câu hỏi";
	t[n].title = "Phân bố câu trả lời theo câu hỏi";
	col_add(&t[n], "question", "Câu hỏi", CK_STR);
	col_add(&t[n], "text", "Nội dung", CK_STR);
	col_add(&t[n], "option", "Mã lựa chọn", CK_STR);
	col_add(&t[n], "label", "Lựa chọn", CK_STR);
	col_add(&t[n], "count", "Số trả lời", CK_INT);
	col_add(&t[n], "percent", "Tỷ lệ (%)", CK_PCT);
	t[n].rows = flatten(json_object_get(o, "questions"), "options",
	    "question", "text");
	n++;

	t[n].sheet = "Kênh";
	t[n].title = "Kênh trả lời";
	col_add(&t[n], "channel", "Mã kênh", CK_STR);
	col_add(&t[n], "name", "Kênh", CK_STR);
	col_add(&t[n], "count", "Số phiếu", CK_INT);
	r = json_object_get(o, "channels");
	t[n].rows = json_pack("[{s:s,s:s,s:O},{s:s,s:s,s:O},{s:s,s:s,s:O},"
	    "{s:s,s:s,s:O},{s:s,s:s,s:O}]",
	    "channel", "qr", "name", "Mã QR trên điện thoại",
	    "count", json_object_get(r, "qr"),
	    "channel", "kiosk_paired", "name", "Ki-ốt, có phiếu",
	    "count", json_object_get(r, "kiosk_paired"),
	    "channel", "kiosk_walkin", "name", "Ki-ốt, không phiếu (vãng lai)",
	    "count", json_object_get(r, "kiosk_walkin"),
	    "channel", "suspect", "name", "Trong đó bị nghi ngờ (không tính "
	    "vào các tỷ lệ, ghi riêng)",
	    "count", json_object_get(r, "suspect"),
	    "channel", "total", "name", "Tổng",
	    "count", json_object_get(r, "total"));
	n++;

	t[n].sheet = "Tỷ lệ phản hồi";
	t[n].title = "Tỷ lệ phản hồi: phiếu phát trong tháng đã được trả lời "
	    "(dù trả lời tháng nào) / phiếu đã phát trong tháng";
	col_add(&t[n], "kind", "Loại", CK_STR);
	col_add(&t[n], "code", "Mã", CK_STR);
	col_add(&t[n], "name", "Tên", CK_STR);
	col_add(&t[n], "issued", "Phiếu đã phát", CK_INT);
	col_add(&t[n], "issued_answered", "Đã được trả lời", CK_INT);
	col_add(&t[n], "percent", "Tỷ lệ phản hồi (%)", CK_PCT);
	col_add(&t[n], "answers_with_ticket", "Trả lời qua phiếu trong tháng "
	    "(mọi tháng phát)", CK_INT);
	t[n].rows = json_deep_copy(json_object_get(o, "response_rate"));
	n++;

	t[n].sheet = "Xu hướng";
	t[n].title = is_kind(o, "year") || is_kind(o, "range") ?
	    "Xu hướng theo tháng" : "Xu hướng 12 tháng";
	col_add(&t[n], "sector", "Mã lĩnh vực", CK_STR);
	col_add(&t[n], "name", "Lĩnh vực", CK_STR);
	col_add(&t[n], "month", "Tháng", CK_STR);
	col_add(&t[n], "responses", "Số phiếu trả lời", CK_INT);
	col_add(&t[n], "satisfied", "Số hài lòng", CK_INT);
	col_add(&t[n], "percent", "Tỷ lệ hài lòng (%)", CK_PCT);
	t[n].rows = flatten(json_object_get(o, "trend"), "months",
	    "sector", "name");
	n++;

	if (is_kind(o, "year")) {
		t[n].sheet = "Theo quý";
		t[n].title = "Xu hướng theo quý";
		col_add(&t[n], "sector", "Mã lĩnh vực", CK_STR);
		col_add(&t[n], "name", "Lĩnh vực", CK_STR);
		col_add(&t[n], "label", "Quý", CK_STR);
		col_add(&t[n], "responses", "Số phiếu trả lời", CK_INT);
		col_add(&t[n], "satisfied", "Số hài lòng", CK_INT);
		col_add(&t[n], "percent", "Tỷ lệ hài lòng (%)", CK_PCT);
		t[n].rows = flatten(json_object_get(o, "trend"), "quarters",
		    "sector", "name");
		n++;
	}

	t[n].sheet = "Góp ý";
	t[n].title = is_kind(o, "month") ? "Góp ý trong tháng (mới nhất "
	    "trước)" : "Góp ý trong kỳ (mới nhất trước)";
	col_add(&t[n], "local_time", "Thời gian (giờ Việt Nam)", CK_STR);
	col_add(&t[n], "sector_name", "Lĩnh vực", CK_STR);
	col_add(&t[n], "unit_name", "Đơn vị", CK_STR);
	col_add(&t[n], "procedure_name", "Thủ tục", CK_STR);
	col_add(&t[n], "rating", "Mức đánh giá chung (1-5)", CK_INT);
	col_add(&t[n], "text", "Góp ý", CK_STR);
	t[n].rows = json_deep_copy(json_object_get(json_object_get(o,
	    "comments"), "items"));
	n++;
	return (n);
}

static void
tables_free(struct rtab *t, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		json_decref(t[i].rows);
}

/* One cell's text for CSV ("" for null). */
static void
cell_text(const struct rcol *c, json_t *v, char *out, size_t outlen)
{
	out[0] = '\0';
	if (v == NULL || json_is_null(v))
		return;
	switch (c->kind) {
	case CK_STATUS:
		strlcpy(out, report_verdict_vi(json_string_value(v)), outlen);
		break;
	case CK_BOOL:
		strlcpy(out, bool_vi(json_is_true(v)), outlen);
		break;
	default:
		if (json_is_string(v))
			strlcpy(out, json_string_value(v), outlen);
		else if (json_is_integer(v))
			snprintf(out, outlen, "%lld",
			    (long long)json_integer_value(v));
		else if (json_is_real(v))
			snprintf(out, outlen, c->kind == CK_PROB ? "%.4f" :
			    "%.2f", json_real_value(v));
		break;
	}
}

/* One CSV cell; text that a spreadsheet could run gets a leading '. */
static int
csv_cell(struct buf *b, const char *s, int text)
{
	int	 rc = 0, q = strpbrk(s, ",\"\r\n;\t") != NULL;

	if (q)
		rc |= buf_addc(b, '"');
	if (text && cell_is_formula(s))
		rc |= buf_addc(b, '\'');
	for (; *s != '\0'; s++) {
		if (*s == '"')
			rc |= buf_addc(b, '"');
		rc |= buf_addc(b, *s);
	}
	if (q)
		rc |= buf_addc(b, '"');
	return (rc);
}

/* What the figures mean: the CSV's last block, the workbook's notes. */
static const struct {
	const char	*label;
	const char	*text;
} report_notes[] = {
	{ "Tỷ lệ hài lòng", "Số trả lời mức 4-5 (hài lòng, rất hài lòng) / "
	    "tổng số trả lời câu hỏi chung, với khoảng tin cậy Wilson 95%. "
	    "Đạt: cả khoảng tin cậy không thấp hơn chỉ tiêu; không đạt: cả "
	    "khoảng thấp hơn; chưa kết luận: khoảng tin cậy chứa chỉ tiêu. "
	    "Không tính các phiếu bị nghi ngờ." },
	{ "Phiếu bị nghi ngờ", "Phiếu ki-ốt không kèm phiếu khảo sát khi ki-ốt "
	    "nhận từ 5 phiếu cùng mức trong 60 giây, hoặc khai thời điểm "
	    "không nhận được. Không tính vào số phiếu, số hài lòng, tỷ lệ, "
	    "khoảng tin cậy và đánh giá; số phiếu này và tỷ lệ hài lòng nếu "
	    "tính cả chúng được ghi riêng bên cạnh." },
	{ "Tỷ lệ phản hồi", "Số phiếu phát trong kỳ đã được trả lời (qua "
	    "QR hoặc ki-ốt có phiếu, kể cả trả lời sau khi kỳ kết thúc) / số "
	    "phiếu đã phát trong kỳ; không bao giờ quá 100%, còn tăng cho "
	    "đến khi các phiếu của kỳ hết hạn." },
	{ "Chỉ số QĐ 766", "(Số hồ sơ hoàn thành − số hồ sơ bị đánh giá "
	    "không hài lòng, mức 1-2) / số hồ sơ hoàn thành. Mỗi phiếu đã "
	    "phát là một hồ sơ hoàn thành; hồ sơ không trả lời không tính là "
	    "không hài lòng." },
};

int
report_csv(const struct report *rep, struct buf *out)
{
	struct rtab	 t[RTABS_MAX];
	json_t		*o, *r;
	char		*cell, m[REPORT_MONTH_STR], from[REPORT_MONTH_STR];
	char		 label[REPORT_PERIOD_STR];
	size_t		 n, i, j, k;
	int		 rc = 0;

	o = report_json(rep);
	n = report_tables(o, t);
	cell = xmalloc(COMMENT_BYTES_MAX + 64);
	report_month_str(rep->month, m);
	rc |= buf_addstr(out, "\xef\xbb\xbf");
	if (rep->period.kind == RP_MONTH)
		rc |= buf_printf(out, "Báo cáo mức độ hài lòng,Tháng %s,", m);
	else {
		report_period_label(&rep->period, label);
		report_month_str(rep->period.from, from);
		rc |= buf_printf(out, "Báo cáo mức độ hài lòng,%s,Từ tháng,%s,"
		    "Đến tháng,%s,", label, from, m);
	}
	rc |= buf_printf(out, "Đơn vị,%s,Lĩnh vực,%s,Cây đơn vị,%s"
	    "\r\n\r\n", rep->unit[0] ? rep->unit : "tất cả",
	    rep->sector[0] ? rep->sector : "tất cả",
	    rep->tree == REPORT_TREE_CURRENT ? "hiện hành" :
	    "như khi ghi nhận");
	for (i = 0; i < n; i++) {
		rc |= csv_cell(out, t[i].title, 1);
		rc |= buf_addstr(out, "\r\n");
		for (k = 0; k < t[i].ncols; k++) {
			if (k > 0)
				rc |= buf_addc(out, ',');
			rc |= csv_cell(out, t[i].cols[k].head, 1);
		}
		rc |= buf_addstr(out, "\r\n");
		json_array_foreach(t[i].rows, j, r) {
			for (k = 0; k < t[i].ncols; k++) {
				json_t *v = json_object_get(r,
				    t[i].cols[k].key);

				if (k > 0)
					rc |= buf_addc(out, ',');
				cell_text(&t[i].cols[k], v, cell,
				    COMMENT_BYTES_MAX + 64);
				rc |= csv_cell(out, cell, v != NULL &&
				    json_is_string(v));
			}
			rc |= buf_addstr(out, "\r\n");
		}
		rc |= buf_addstr(out, "\r\n");
	}
	/* Notes: the period, whether its figures are final, its targets. */
	report_period_label(&rep->period, label);
	rc |= buf_printf(out, "Ghi chú\r\nKỳ báo cáo,%s\r\n", label);
	report_final_vi(rep, cell, COMMENT_BYTES_MAX + 64);
	rc |= buf_addstr(out, "Số liệu,");
	rc |= csv_cell(out, cell, 1);
	report_targets_vi(rep, cell, COMMENT_BYTES_MAX + 64);
	rc |= buf_addstr(out, "\r\nChỉ tiêu,");
	rc |= csv_cell(out, cell, 1);
	rc |= buf_addstr(out, "\r\n");
	for (i = 0; i < sizeof(report_notes) / sizeof(report_notes[0]); i++) {
		rc |= csv_cell(out, report_notes[i].label, 1);
		rc |= buf_addc(out, ',');
		rc |= csv_cell(out, report_notes[i].text, 1);
		rc |= buf_addstr(out, "\r\n");
	}
	free(cell);
	tables_free(t, n);
	json_decref(o);
	return (rc != 0 ? -1 : 0);
}

/* ------------------------------------------------------------ XLSX */

int
report_xlsx_ready(char *why, size_t whylen)
{
	return (xlsx_load(why, whylen) != NULL ? 0 : -1);
}

/* A text cell; one a spreadsheet could run gets a leading '. */
static void
xlsx_text(const struct xlsx *x, lxw_worksheet *ws, lxw_row_t row,
    lxw_col_t col, const char *s, lxw_format *f)
{
	char	*q;

	if (!cell_is_formula(s)) {
		x->worksheet_write_string(ws, row, col, s, f);
		return;
	}
	q = xmalloc(strlen(s) + 2);
	q[0] = '\'';
	memcpy(q + 1, s, strlen(s) + 1);
	x->worksheet_write_string(ws, row, col, q, f);
	free(q);
}

/* The cell formats of a workbook. */
struct xlsx_fmts {
	lxw_format	*head;		/* header row, notes' labels */
	lxw_format	*pct;		/* CK_PCT */
	lxw_format	*prob;		/* CK_PROB */
	lxw_format	*pp;		/* CK_PP */
	lxw_format	*wrap;		/* long texts */
};

static void
report_xlsx_formats(const struct xlsx *x, lxw_workbook *wb,
    struct xlsx_fmts *f)
{
	f->head = x->workbook_add_format(wb);
	x->format_set_bold(f->head);
	x->format_set_text_wrap(f->head);
	x->format_set_bg_color(f->head, 0xDDE6F0);
	x->format_set_align(f->head, LXW_ALIGN_VERTICAL_TOP);
	f->pct = x->workbook_add_format(wb);
	x->format_set_num_format(f->pct, "0.0%");
	f->prob = x->workbook_add_format(wb);
	x->format_set_num_format(f->prob, "0.00");
	f->pp = x->workbook_add_format(wb);
	x->format_set_num_format(f->pp, "+0.0;-0.0;0.0");
	f->wrap = x->workbook_add_format(wb);
	x->format_set_text_wrap(f->wrap);
}

/* One cell of column c; v is not NULL and not null. */
static void
report_xlsx_cell(const struct xlsx *x, lxw_worksheet *ws, lxw_row_t row,
    lxw_col_t col, const struct rcol *c, json_t *v,
    const struct xlsx_fmts *f)
{
	double	 d = json_number_value(v);

	switch (c->kind) {
	case CK_PCT:
		x->worksheet_write_number(ws, row, col, d / 100.0, f->pct);
		break;
	case CK_PROB:
		x->worksheet_write_number(ws, row, col, d, f->prob);
		break;
	case CK_PP:
		x->worksheet_write_number(ws, row, col, d, f->pp);
		break;
	case CK_INT:
		x->worksheet_write_number(ws, row, col, d, NULL);
		break;
	case CK_BOOL:
		x->worksheet_write_string(ws, row, col,
		    bool_vi(json_is_true(v)), NULL);
		break;
	case CK_STATUS:
		x->worksheet_write_string(ws, row, col,
		    report_verdict_vi(json_string_value(v)), NULL);
		break;
	default:
		if (json_is_string(v))
			xlsx_text(x, ws, row, col, json_string_value(v), NULL);
		else
			x->worksheet_write_number(ws, row, col, d, NULL);
		break;
	}
}

/* The sheet of table t: its header row, then its rows; NULL on error. */
static lxw_worksheet *
report_xlsx_sheet(const struct xlsx *x, lxw_workbook *wb,
    const struct rtab *t, const struct xlsx_fmts *f)
{
	lxw_worksheet	*ws;
	json_t		*r, *v;
	size_t		 j, k;

	if ((ws = x->workbook_add_worksheet(wb, t->sheet)) == NULL)
		return (NULL);
	x->worksheet_freeze_panes(ws, 1, 0);
	x->worksheet_set_row(ws, 0, 60, NULL);
	for (k = 0; k < t->ncols; k++) {
		x->worksheet_write_string(ws, 0, (lxw_col_t)k,
		    t->cols[k].head, f->head);
		x->worksheet_set_column(ws, (lxw_col_t)k, (lxw_col_t)k,
		    strcmp(t->cols[k].key, "text") == 0 ? 70 :
		    strcmp(t->cols[k].key, "name") == 0 ||
		    strcmp(t->cols[k].key, "label") == 0 ? 28 : 14,
		    strcmp(t->cols[k].key, "text") == 0 ? f->wrap : NULL);
	}
	json_array_foreach(t->rows, j, r)
		for (k = 0; k < t->ncols; k++) {
			v = json_object_get(r, t->cols[k].key);
			if (v == NULL || json_is_null(v))
				continue;
			report_xlsx_cell(x, ws, (lxw_row_t)(j + 1),
			    (lxw_col_t)k, &t->cols[k], v, f);
		}
	return (ws);
}

/* Under the sectors' table: the sectors against their first two targets. */
static void
report_xlsx_chart(const struct xlsx *x, lxw_workbook *wb, lxw_worksheet *ws,
    const struct rtab *t, const struct report *rep)
{
	lxw_chart		*ch;
	lxw_chart_series	*se;
	char			 m[REPORT_MONTH_STR], title[160];
	char			 label[REPORT_PERIOD_STR];
	size_t			 k, nrows;
	int			 namecol = -1, pcol = -1, tcol[2], nt = 0;

	nrows = json_array_size(t->rows);
	for (k = 0; k < t->ncols; k++) {
		if (strcmp(t->cols[k].key, "name") == 0)
			namecol = (int)k;
		else if (strcmp(t->cols[k].key, "percent") == 0)
			pcol = (int)k;
		else if (strncmp(t->cols[k].key, "target_", 7) == 0 && nt < 2)
			tcol[nt++] = (int)k;
	}
	if (nrows == 0 || namecol < 0 || pcol < 0)
		return;
	ch = x->workbook_add_chart(wb, LXW_CHART_COLUMN);
	report_month_str(rep->month, m);
	report_period_label(&rep->period, label);
	if (rep->period.kind == RP_MONTH)
		snprintf(title, sizeof(title), "Tỷ lệ hài lòng và chỉ tiêu, "
		    "tháng %s", m);
	else
		snprintf(title, sizeof(title), "Tỷ lệ hài lòng và chỉ tiêu, "
		    "%s", label);
	x->chart_title_set_name(ch, title);
	se = x->chart_add_series(ch, NULL, NULL);
	x->chart_series_set_categories(se, t->sheet, 1, (lxw_col_t)namecol,
	    (lxw_row_t)nrows, (lxw_col_t)namecol);
	x->chart_series_set_values(se, t->sheet, 1, (lxw_col_t)pcol,
	    (lxw_row_t)nrows, (lxw_col_t)pcol);
	x->chart_series_set_name(se, "Tỷ lệ hài lòng");
	for (k = 0; k < (size_t)nt; k++) {
		se = x->chart_add_series(ch, NULL, NULL);
		x->chart_series_set_categories(se, t->sheet, 1,
		    (lxw_col_t)namecol, (lxw_row_t)nrows, (lxw_col_t)namecol);
		x->chart_series_set_values(se, t->sheet, 1, (lxw_col_t)tcol[k],
		    (lxw_row_t)nrows, (lxw_col_t)tcol[k]);
		x->chart_series_set_name_range(se, t->sheet, 0,
		    (lxw_col_t)tcol[k]);
	}
	x->chart_axis_set_min(ch->y_axis, 0);
	x->chart_axis_set_max(ch->y_axis, 1);
	x->chart_axis_set_num_format(ch->y_axis, "0%");
	x->worksheet_insert_chart(ws, (lxw_row_t)(nrows + 3), 1, ch);
}

/* The last sheet: what the figures mean, and the scope. */
static void
report_xlsx_notes(const struct xlsx *x, lxw_workbook *wb,
    const struct report *rep, const struct xlsx_fmts *f)
{
	lxw_worksheet	*ws;
	char		 m[REPORT_MONTH_STR], from[REPORT_MONTH_STR];
	char		 label[REPORT_PERIOD_STR], s[256];
	size_t		 i;

	if ((ws = x->workbook_add_worksheet(wb, "Ghi chú")) == NULL)
		return;
	report_month_str(rep->month, m);
	report_month_str(rep->period.from, from);
	report_period_label(&rep->period, label);
	x->worksheet_set_column(ws, 0, 0, 24, NULL);
	x->worksheet_set_column(ws, 1, 1, 100, f->wrap);
	x->worksheet_write_string(ws, 0, 0, rep->period.kind == RP_MONTH ?
	    "Tháng" : "Kỳ báo cáo", f->head);
	x->worksheet_write_string(ws, 0, 1, rep->period.kind == RP_MONTH ?
	    m : label, NULL);
	x->worksheet_write_string(ws, 1, 0, "Đơn vị", f->head);
	x->worksheet_write_string(ws, 1, 1, rep->unit[0] ? rep->unit :
	    "tất cả", NULL);
	x->worksheet_write_string(ws, 2, 0, "Lĩnh vực", f->head);
	x->worksheet_write_string(ws, 2, 1, rep->sector[0] ? rep->sector :
	    "tất cả", NULL);
	x->worksheet_write_string(ws, 3, 0, "Số phiếu tối thiểu", f->head);
	x->worksheet_write_number(ws, 3, 1, (double)rep->min_responses, NULL);
	x->worksheet_write_string(ws, 4, 0, "Kỳ", f->head);
	snprintf(s, sizeof(s), "%s: từ tháng %s đến tháng %s, tổng các "
	    "tháng trong kỳ", label, from, m);
	x->worksheet_write_string(ws, 4, 1, s, NULL);
	x->worksheet_write_string(ws, 5, 0, "Số liệu", f->head);
	report_final_vi(rep, s, sizeof(s));
	x->worksheet_write_string(ws, 5, 1, s, NULL);
	x->worksheet_write_string(ws, 6, 0, "Chỉ tiêu", f->head);
	report_targets_vi(rep, s, sizeof(s));
	x->worksheet_write_string(ws, 6, 1, s, NULL);
	for (i = 0; i < sizeof(report_notes) / sizeof(report_notes[0]);
	    i++) {
		x->worksheet_write_string(ws, (lxw_row_t)(7 + i), 0,
		    report_notes[i].label, f->head);
		x->worksheet_write_string(ws, (lxw_row_t)(7 + i), 1,
		    report_notes[i].text, NULL);
	}
}

int
report_xlsx(const struct report *rep, const char *path)
{
	const struct xlsx	*x;
	struct rtab		 t[RTABS_MAX];
	struct xlsx_fmts	 f;
	lxw_workbook		*wb;
	lxw_worksheet		*ws;
	json_t			*o;
	size_t			 n, i;
	int			 rc = 0;

	if ((x = xlsx_load(NULL, 0)) == NULL)
		return (-1);
	o = report_json(rep);
	n = report_tables(o, t);
	if ((wb = x->workbook_new(path)) == NULL) {
		tables_free(t, n);
		json_decref(o);
		return (-1);
	}
	report_xlsx_formats(x, wb, &f);
	for (i = 0; i < n; i++) {
		if ((ws = report_xlsx_sheet(x, wb, &t[i], &f)) == NULL) {
			rc = -1;
			break;
		}
		if (i == 0)
			report_xlsx_chart(x, wb, ws, &t[i], rep);
	}
	if (rc == 0)
		report_xlsx_notes(x, wb, rep, &f);
	if (x->workbook_close(wb) != LXW_NO_ERROR)
		rc = -1;
	tables_free(t, n);
	json_decref(o);
	return (rc);
}

int
report_xlsx_buf(const struct report *rep, const char *tmpdir,
    struct buf *out)
{
	char	 path[PATH_MAX], chunk[65536];
	FILE	*f = NULL;
	size_t	 n;
	int	 fd, rc = -1;

	if (snprintf(path, sizeof(path), "%s/hailong-report-XXXXXX",
	    tmpdir) >= (int)sizeof(path))
		return (-1);
	if ((fd = mkstemp(path)) == -1)
		return (-1);
	close(fd);
	if (report_xlsx(rep, path) == -1)
		goto out;
	if ((f = fopen(path, "rb")) == NULL)
		goto out;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_add(out, chunk, n) == -1)
			goto out;
	if (ferror(f))
		goto out;
	rc = 0;
out:
	if (f != NULL)
		fclose(f);
	unlink(path);
	return (rc);
}
