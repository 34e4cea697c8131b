/*
 * report_html.c: the report as one HTML page (templates/report.html):
 * display fields added to the JSON value (Vietnamese decimal commas,
 * footnotes of the probabilities), the sectors' bar chart and each row's
 * trend as inline SVG, the comments in print order.
 * Traps: the SVG is built here, outside the template's escaping, so
 * every text goes through buf_add_html(); only codes (a-z, 0-9, _ and -)
 * go into attributes unescaped.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "report.h"
#include "report_priv.h"
#include "tpl.h"
#include "util.h"

/* "93,3" from a JSON number (Vietnamese decimal comma); "" for null. */
static void
fmt_num(json_t *v, int decimals, int sign, char *out, size_t outlen)
{
	char	*p;

	out[0] = '\0';
	if (v == NULL || !json_is_number(v))
		return;
	snprintf(out, outlen, sign ? "%+.*f" : "%.*f", decimals,
	    json_number_value(v));
	if ((p = strchr(out, '.')) != NULL)
		*p = ',';
}

static void
set_fmt(json_t *o, const char *key, json_t *v, int decimals, int sign,
    const char *suffix, const char *none)
{
	char	 s[64];

	fmt_num(v, decimals, sign, s, sizeof(s));
	if (s[0] == '\0')
		json_object_set_new(o, key, json_string(none));
	else {
		strlcat(s, suffix, sizeof(s));
		json_object_set_new(o, key, json_string(s));
	}
}

/* A target as set: 90 %, 92,5 %, 92,25 % (never rounded to whole). */
static void
set_target(json_t *o, const char *key, json_t *v, const char *none)
{
	double	 t = json_number_value(v);
	int	 d = 0;

	if (json_is_number(v)) {
		if (fabs(t * 10 - round(t * 10)) > 1e-6)
			d = 2;
		else if (fabs(t - round(t)) > 1e-6)
			d = 1;
	}
	set_fmt(o, key, v, d, 0, " %", none);
}

/* Bar colours by verdict; the page's classes v-<verdict> match them. */
static const struct {
	const char	*verdict, *fill;
} verdict_fill[] = {
	{ "met", "#1b7f3b" },
	{ "likely", "#d9a400" },
	{ "unlikely", "#d9a400" },
	{ "not_met", "#c62828" },
	{ "too_few", "#9e9e9e" },
	{ "no_data", "#9e9e9e" },
	{ "no_target", "#5f7285" }
};

static const char *
html_fill(const char *verdict)
{
	size_t	 i;

	for (i = 0; verdict != NULL &&
	    i < sizeof(verdict_fill) / sizeof(verdict_fill[0]); i++)
		if (strcmp(verdict, verdict_fill[i].verdict) == 0)
			return (verdict_fill[i].fill);
	return ("#9e9e9e");
}

/*
 * Display fields of a sector or unit row, added in place; fn, when not
 * NULL, numbers the probabilities of its targets as footnotes (fns).
 */
static void
html_row(json_t *r, int *fn, json_t *fns)
{
	json_t		*t;
	size_t		 i;
	char		 lo[32], hi[32], s[80], day[16];
	const char	*vd = json_string_value(json_object_get(r, "verdict"));

	set_fmt(r, "f_percent", json_object_get(r, "percent"), 1, 0, " %",
	    "không có dữ liệu");
	fmt_num(json_object_get(r, "ci_low"), 0, 0, lo, sizeof(lo));
	fmt_num(json_object_get(r, "ci_high"), 0, 0, hi, sizeof(hi));
	snprintf(s, sizeof(s), "%s–%s %%", lo, hi);
	json_object_set_new(r, "f_ci", json_string(lo[0] ? s : "—"));
	set_fmt(r, "f_delta", json_object_get(r, "delta"), 1, 1, "", "—");
	/* A retired unit's day as people write it (the JSON keeps ISO). */
	if (json_is_string(json_object_get(r, "retired")))
		json_object_set_new(r, "retired_vi", json_string(
		    format_day(json_string_value(json_object_get(r,
		    "retired")), day)));
	set_fmt(r, "f_rr", json_object_get(r, "response_rate"), 1, 0, " %",
	    "—");
	/* Suspect answers: out of the figures, shown beside them. */
	json_object_set_new(r, "has_suspect", json_boolean(json_integer_value(
	    json_object_get(r, "suspect")) > 0));
	set_fmt(r, "f_pws", json_object_get(r, "percent_with_suspect"), 1, 0,
	    " %", "—");
	json_object_set_new(r, "no_data", json_boolean(json_integer_value(
	    json_object_get(r, "responses")) == 0));
	json_object_set_new(r, "verdict_vi", json_string(report_verdict_vi(
	    vd)));
	json_array_foreach(json_object_get(r, "targets"), i, t) {
		set_target(t, "f_target", json_object_get(t, "target"), "");
		set_fmt(t, "f_p", json_object_get(t, "p_reach"), 2, 0, "",
		    "—");
		/* A probability only beside a real verdict. */
		if (fn == NULL || !json_is_number(json_object_get(t,
		    "p_reach")) || strcmp(json_string_value(json_object_get(t,
		    "verdict")), "too_few") == 0)
			continue;
		json_object_set_new(t, "fn", json_integer(++*fn));
		json_array_append_new(fns, json_pack("{s:i,s:O,s:O,s:O,s:O}",
		    "n", *fn, "name", json_object_get(r, "name"),
		    "year", json_object_get(t, "year"),
		    "f_target", json_object_get(t, "f_target"),
		    "f_p", json_object_get(t, "f_p")));
	}
}

/* Display fields of the follow-ups' section, when the report has it. */
static void
html_followups(json_t *o)
{
	json_t	*fu = json_object_get(o, "followups"), *r;
	size_t	 i;

	json_object_set_new(o, "has_followups", json_boolean(fu != NULL));
	if (fu == NULL)
		return;
	r = json_object_get(fu, "total");
	set_fmt(r, "f_median", json_object_get(r, "median_hours"), 1, 0,
	    " giờ", "—");
	json_array_foreach(json_object_get(fu, "units"), i, r)
		set_fmt(r, "f_median", json_object_get(r, "median_hours"), 1,
		    0, " giờ", "—");
}

/*
 * Display fields of the section by counter and officer, when the report
 * has it (has_desks); a row under the minimum has no figure to show.
 */
static void
html_desks(json_t *o)
{
	static const char *const parts[] = { "counters", "officers" };
	json_t		*r;
	char		 lo[32], hi[32], s[80];
	size_t		 i, k;

	json_object_set_new(o, "has_desks", json_boolean(
	    json_object_get(o, "counters") != NULL));
	for (k = 0; k < 2; k++)
		json_array_foreach(json_object_get(o, parts[k]), i, r) {
			set_fmt(r, "f_percent", json_object_get(r, "percent"),
			    1, 0, " %", "—");
			fmt_num(json_object_get(r, "ci_low"), 0, 0, lo,
			    sizeof(lo));
			fmt_num(json_object_get(r, "ci_high"), 0, 0, hi,
			    sizeof(hi));
			snprintf(s, sizeof(s), "%s–%s %%", lo, hi);
			json_object_set_new(r, "f_ci", json_string(lo[0] ?
			    s : "—"));
			set_fmt(r, "f_rr", json_object_get(r,
			    "response_rate"), 1, 0, " %", "—");
		}
}

/* Display fields of Decision 766's part: its ratio and its units'. */
static void
html_766(json_t *o)
{
	json_t	*d = json_object_get(o, "decision_766"), *r;
	size_t	 i;

	set_fmt(d, "f_percent", json_object_get(d, "percent"), 1, 0, " %",
	    "không có hồ sơ");
	json_array_foreach(json_object_get(d, "units"), i, r)
		set_fmt(r, "f_percent", json_object_get(r, "percent"), 1, 0,
		    " %", "—");
}

static int
svg_text(struct buf *b, double x, double y, const char *attrs,
    const char *s)
{
	int	 rc = 0;

	rc |= buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\"%s>", x, y, attrs);
	rc |= buf_add_html(b, s, strlen(s));
	rc |= buf_addstr(b, "</text>");
	return (rc);
}

/* The two first targets: a solid dark line, then a dashed purple one;
 * the interval is a thin grey whisker inside the bar, never like them. */
static const char *const svg_target_style[2] = {
	"stroke=\"#1f2a44\" stroke-width=\"3\"",
	"stroke=\"#7b3fa0\" stroke-width=\"2\" stroke-dasharray=\"4 2\""
};

/* Horizontal bars per row, coloured by verdict, with the interval and
 * the target lines. */
static char *
svg_bars(json_t *rows)
{
	struct buf	 b;
	json_t		*r, *t;
	size_t		 i, j, n = json_array_size(rows);
	double		 x0 = 200, w = 270, y, p, tx, lo, hi;
	char		 s[96];
	const char	*vd;
	int		 rc = 0;

	buf_init(&b, REPORT_OUT_MAX);
	rc |= buf_printf(&b, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "viewBox=\"0 0 640 %zu\" class=\"chart\" role=\"img\" "
	    "aria-label=\"Tỷ lệ hài lòng theo lĩnh vực và chỉ tiêu\">",
	    n * 30 + 40);
	for (p = 0; p <= 100; p += 20) {
		rc |= buf_printf(&b, "<line x1=\"%.1f\" y1=\"10\" x2=\"%.1f\" "
		    "y2=\"%zu\" stroke=\"#ddd\"/>", x0 + w * p / 100,
		    x0 + w * p / 100, n * 30 + 12);
		snprintf(s, sizeof(s), "%.0f%%", p);
		rc |= svg_text(&b, x0 + w * p / 100, (double)n * 30 + 28,
		    " text-anchor=\"middle\" font-size=\"11\"", s);
	}
	json_array_foreach(rows, i, r) {
		y = 12 + (double)i * 30;
		vd = json_string_value(json_object_get(r, "verdict"));
		rc |= svg_text(&b, x0 - 6, y + 15, i == 0 ?
		    " text-anchor=\"end\" font-size=\"13\" font-weight=\"bold\"" :
		    " text-anchor=\"end\" font-size=\"13\"",
		    json_string_value(json_object_get(r, "short_name")));
		if (json_is_null(json_object_get(r, "percent"))) {
			rc |= svg_text(&b, x0 + 4, y + 15, " font-size=\"12\" "
			    "fill=\"#555\"", "không có dữ liệu");
			continue;
		}
		p = json_number_value(json_object_get(r, "percent"));
		/* Codes are a-z, 0-9, _ and -: safe in an attribute. */
		rc |= buf_printf(&b, "<rect class=\"bar v-%s\" "
		    "data-row=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		    "height=\"20\" fill=\"%s\"/>",
		    vd != NULL ? vd : "no_data", json_string_value(
		    json_object_get(r, "sector")), x0, y, w * p / 100,
		    html_fill(vd));
		lo = x0 + w * json_number_value(json_object_get(r, "ci_low")) /
		    100;
		hi = x0 + w * json_number_value(json_object_get(r, "ci_high")) /
		    100;
		rc |= buf_printf(&b, "<path class=\"ci\" d=\"M%.1f %.1fH%.1f"
		    "M%.1f %.1fV%.1fM%.1f %.1fV%.1f\" stroke=\"#555\" "
		    "stroke-width=\"1\" fill=\"none\"/>", lo, y + 10, hi,
		    lo, y + 6, y + 14, hi, y + 6, y + 14);
		json_array_foreach(json_object_get(r, "targets"), j, t) {
			if (j >= 2)
				break;
			tx = x0 + w * json_number_value(json_object_get(t,
			    "target")) / 100;
			rc |= buf_printf(&b, "<line class=\"target\" "
			    "x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
			    "%s/>", tx, y - 4, tx, y + 24,
			    svg_target_style[j]);
		}
		fmt_num(json_object_get(r, "percent"), 1, 0, s, sizeof(s));
		strlcat(s, " % ", sizeof(s));
		strlcat(s, report_verdict_vi(vd), sizeof(s));
		rc |= svg_text(&b, x0 + w + 8, y + 15, " font-size=\"12\"", s);
	}
	rc |= buf_addstr(&b, "</svg>");
	if (rc != 0) {
		buf_clear(&b);
		return (xstrdup(""));
	}
	return (buf_steal(&b, &n));
}

/* A small line chart of one sector's twelve months. */
static char *
svg_trend(json_t *tr, json_t *row)
{
	struct buf	 b;
	json_t		*m, *t, *v;
	size_t		 i, n;
	double		 lo = 100, x, w = 300, h = 100, x0 = 34, y0 = 8;
	double		 pv;
	int		 rc = 0, pen = 0;
	char		 s[32];
	const char	*name;

	json_array_foreach(json_object_get(tr, "months"), i, m)
		if (json_is_number(v = json_object_get(m, "percent")) &&
		    json_number_value(v) < lo)
			lo = json_number_value(v);
	json_array_foreach(json_object_get(row, "targets"), i, t)
		if (json_number_value(json_object_get(t, "target")) < lo)
			lo = json_number_value(json_object_get(t, "target"));
	lo = floor(lo / 10) * 10;
	if (lo > 80)
		lo = 80;
	if (lo < 0)
		lo = 0;
#define TY(p)	(y0 + h - h * ((p) - lo) / (100 - lo))
	buf_init(&b, REPORT_OUT_MAX);
	rc |= buf_printf(&b, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "viewBox=\"0 0 %.0f %.0f\" class=\"trend\" role=\"img\" "
	    "aria-label=\"Tỷ lệ hài lòng theo tháng: ", x0 + w + 10,
	    y0 + h + 24);
	name = json_string_value(json_object_get(row, "name"));
	if (name != NULL)
		rc |= buf_add_html(&b, name, strlen(name));
	rc |= buf_addstr(&b, "\">");
	for (pv = lo; pv <= 100; pv += (100 - lo) / 2) {
		rc |= buf_printf(&b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\""
		    " y2=\"%.1f\" stroke=\"#ddd\"/>", x0, TY(pv), x0 + w,
		    TY(pv));
		snprintf(s, sizeof(s), "%.0f%%", pv);
		rc |= svg_text(&b, x0 - 3, TY(pv) + 4, " text-anchor=\"end\" "
		    "font-size=\"10\"", s);
	}
	json_array_foreach(json_object_get(row, "targets"), i, t) {
		if (i >= 2)
			break;
		pv = json_number_value(json_object_get(t, "target"));
		rc |= buf_printf(&b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\""
		    " y2=\"%.1f\" %s/>", x0, TY(pv), x0 + w, TY(pv),
		    svg_target_style[i]);
	}
	rc |= buf_addstr(&b, "<path fill=\"none\" stroke=\"#0a4a9e\" "
	    "stroke-width=\"2\" d=\"");
	n = json_array_size(json_object_get(tr, "months"));
	json_array_foreach(json_object_get(tr, "months"), i, m) {
		x = x0 + (n > 1 ? w * (double)i / (double)(n - 1) : 0);
		if (!json_is_number(v = json_object_get(m, "percent"))) {
			pen = 0;
			continue;
		}
		rc |= buf_printf(&b, "%c%.1f %.1f", pen ? 'L' : 'M', x,
		    TY(json_number_value(v)));
		pen = 1;
	}
	rc |= buf_addstr(&b, "\"/>");
	json_array_foreach(json_object_get(tr, "months"), i, m) {
		x = x0 + (n > 1 ? w * (double)i / (double)(n - 1) : 0);
		if (json_is_number(v = json_object_get(m, "percent")))
			rc |= buf_printf(&b, "<circle cx=\"%.1f\" cy=\"%.1f\" "
			    "r=\"3\" fill=\"#0a4a9e\"/>", x,
			    TY(json_number_value(v)));
		/* "MM" under each month; past twelve, every third. */
		if (n > REPORT_MONTHS && i % 3 != 0)
			continue;
		snprintf(s, sizeof(s), "%.2s", json_string_value(
		    json_object_get(m, "month")) + 5);
		rc |= svg_text(&b, x, y0 + h + 16, " text-anchor=\"middle\" "
		    "font-size=\"10\"", s);
	}
#undef TY
	rc |= buf_addstr(&b, "</svg>");
	if (rc != 0) {
		buf_clear(&b);
		return (xstrdup(""));
	}
	return (buf_steal(&b, &n));
}

static int
comment_cmp(const void *a, const void *b)
{
	json_t		*x = *(json_t *const *)a, *y = *(json_t *const *)b;
	json_int_t	 rx = json_integer_value(json_object_get(x, "rating"));
	json_int_t	 ry = json_integer_value(json_object_get(y, "rating"));
	int		 c;

	/* No rating (0) after every rating. */
	if (rx != ry)
		return (rx == 0 ? 1 : ry == 0 ? -1 : rx < ry ? -1 : 1);
	c = strcmp(json_string_value(json_object_get(y, "time")),
	    json_string_value(json_object_get(x, "time")));
	return (c);
}

/* Sorts the comments array a in place: lowest rating, then newest. */
static void
html_sort_comments(json_t *a)
{
	json_t	**v;
	size_t	 i, n = json_array_size(a);

	if (n == 0)
		return;
	v = xcalloc(n, sizeof(*v));
	for (i = 0; i < n; i++)
		v[i] = json_incref(json_array_get(a, i));
	/* Stable for equal keys: the input is newest first already. */
	qsort(v, n, sizeof(*v), comment_cmp);
	json_array_clear(a);
	for (i = 0; i < n; i++)
		json_array_append_new(a, v[i]);
	free(v);
}

static int
unit_total_first(const void *a, const void *b)
{
	return (json_is_true(json_object_get(*(json_t *const *)b, "total")) -
	    json_is_true(json_object_get(*(json_t *const *)a, "total")));
}

static int
unit_cmp_code(const void *a, const void *b)
{
	int	 c;

	if ((c = unit_total_first(a, b)) != 0)
		return (c);
	return (strcmp(json_string_value(json_object_get(*(json_t *const *)a,
	    "unit")), json_string_value(json_object_get(*(json_t *const *)b,
	    "unit"))));
}

static int
unit_cmp_responses(const void *a, const void *b)
{
	json_int_t x = json_integer_value(json_object_get(*(json_t *const *)a,
	    "responses"));
	json_int_t y = json_integer_value(json_object_get(*(json_t *const *)b,
	    "responses"));
	int	 c;

	if ((c = unit_total_first(a, b)) != 0)
		return (c);
	return (x > y ? -1 : x < y ? 1 : unit_cmp_code(a, b));
}

/* Reorders the units array of o by "code" or "responses". */
static void
html_sort_units(json_t *o, const char *sort)
{
	json_t	*a = json_object_get(o, "units"), **v, *na;
	size_t	 i, n = json_array_size(a);

	if (sort == NULL || n == 0 || (strcmp(sort, "code") != 0 &&
	    strcmp(sort, "responses") != 0))
		return;
	v = xcalloc(n, sizeof(*v));
	for (i = 0; i < n; i++)
		v[i] = json_array_get(a, i);
	qsort(v, n, sizeof(*v), strcmp(sort, "code") == 0 ? unit_cmp_code :
	    unit_cmp_responses);
	na = json_array();
	for (i = 0; i < n; i++)
		json_array_append(na, v[i]);
	free(v);
	json_object_set_new(o, "units", na);
}

/* A link to period p: its code and title. */
static json_t *
html_period_link(const struct report_period *p)
{
	char	 code[REPORT_PERIOD_STR], label[REPORT_PERIOD_STR];

	report_period_str(p, code);
	report_period_label(p, label);
	return (json_pack("{s:s,s:s}", "code", code, "label", label));
}

/* A month as people write it: "10/2026". */
static void
html_month_label(json_t *o, const char *key, uint32_t month)
{
	char	 s[16];

	snprintf(s, sizeof(s), "%02u/%04u", (unsigned)(month % 100),
	    (unsigned)(month / 100));
	json_object_set_new(o, key, json_string(s));
}

/*
 * The scope in words: the unit's name and code, or every unit under the
 * root's name (a province, a centrally-run city: units.csv says which).
 */
static void
html_scope(const struct report *rep, json_t *o)
{
	const struct unit *u, *root;
	char buf[512];

	root = catalog_root(rep->cat);
	json_object_set_new(o, "all_units", json_string(root != NULL ?
	    report_txt_vi(&root->name, root->code) : "Tất cả đơn vị"));
	if (rep->unit[0] != '\0' &&
	    (u = catalog_unit(rep->cat, rep->unit, strlen(rep->unit))) != NULL) {
		snprintf(buf, sizeof(buf), "%s (%s)",
		    report_txt_vi(&u->name, u->code), u->code);
		json_object_set_new(o, "scope_name", json_string(buf));
	} else if (rep->unit[0] != '\0')
		json_object_set_new(o, "scope_name", json_string(rep->unit));
	else if (root != NULL) {
		snprintf(buf, sizeof(buf), "toàn bộ %s",
		    report_txt_vi(&root->name, root->code));
		json_object_set_new(o, "scope_name", json_string(buf));
	} else
		json_object_set_new(o, "scope_name",
		    json_string("tất cả đơn vị"));
}

/*
 * The period's words and links: its title, the provisional banner, the
 * periods before and after, the month, quarter and year around its last
 * month, and the year to date.
 */
static void
html_period(const struct report *rep, json_t *o)
{
	static const char *const prev_vi[] = { "tháng trước", "quý trước",
	    "năm trước", "kỳ trước" };
	static const char *const in_vi[] = { "trong tháng", "trong quý",
	    "trong năm", "trong kỳ" };
	struct report_period	 p;
	json_t			*a;
	char			 s[REPORT_PERIOD_STR], d[32];
	uint32_t		 now = month_of(now_sec());
	int			 len = report_period_months(&rep->period);

	report_period_label(&rep->period, s);
	json_object_set_new(o, "period_label", json_string(s));
	report_period_str(&rep->period, s);
	json_object_set_new(o, "period_code", json_string(s));
	json_object_set_new(o, "is_month", json_boolean(rep->period.kind ==
	    RP_MONTH));
	json_object_set_new(o, "is_year", json_boolean(rep->period.kind ==
	    RP_YEAR));
	json_object_set_new(o, "prev_word", json_string(
	    prev_vi[rep->period.kind]));
	json_object_set_new(o, "in_period", json_string(
	    in_vi[rep->period.kind]));
	if (rep->final_at >= 0) {
		format_time_local(rep->final_at, d);
		d[10] = '\0';	/* "dd/mm/yyyy" */
		json_object_set_new(o, "final_date", json_string(d));
	}
	json_object_set_new(o, "trend_title", json_string(
	    rep->period.kind == RP_YEAR ? "Xu hướng theo tháng và quý" :
	    rep->period.kind == RP_RANGE ? "Xu hướng theo tháng" :
	    "Xu hướng 12 tháng"));
	/* A range across two years is judged by the later year's target. */
	json_object_set_new(o, "across_years", json_boolean(
	    rep->period.from / 100 != rep->period.to / 100));
	json_object_set_new(o, "prev_period", html_period_link(
	    &rep->previous));
	p = rep->period;
	p.from = report_month_add(rep->period.to, 1);
	p.to = report_month_add(rep->period.to, len);
	if (p.kind == RP_RANGE ? p.to <= now : p.from <= now)
		json_object_set_new(o, "next_period", html_period_link(&p));
	/* Month, quarter and year around the period's last month. */
	a = json_array();
	p.kind = RP_MONTH;
	p.from = p.to = rep->period.to;
	json_array_append_new(a, html_period_link(&p));
	p.kind = RP_QUARTER;
	p.from = (rep->period.to / 100) * 100 +
	    ((rep->period.to % 100 - 1) / 3) * 3 + 1;
	p.to = p.from + 2;
	json_array_append_new(a, html_period_link(&p));
	p.kind = RP_YEAR;
	p.from = (rep->period.to / 100) * 100 + 1;
	p.to = p.from + 11;
	json_array_append_new(a, html_period_link(&p));
	json_object_set_new(o, "period_choices", a);
	/* The year to date: January to this month. */
	p.kind = RP_RANGE;
	p.from = (now / 100) * 100 + 1;
	p.to = now;
	report_period_str(&p, s);
	json_object_set_new(o, "ytd_period", json_string(s));
}

/*
 * The share at levels 3-5 of a five-level survey, labelled as the figure
 * to compare with three-level systems; absent otherwise.
 */
static void
html_ind_mid(json_t *f)
{
	json_t	*v = json_object_get(f, "share_3_5");

	if (!json_is_number(v))
		return;
	set_fmt(f, "f_share_3_5", v, 1, 0, " %", "—");
}

/* Display fields of an indicator's figures, added in place. */
static void
html_ind(json_t *f, int collected)
{
	char	 lo[32], hi[32], s[80];

	set_fmt(f, "f_percent", json_object_get(f, "percent"), 1, 0, " %",
	    collected ? "không có dữ liệu" : "chưa có phiếu");
	fmt_num(json_object_get(f, "ci_low"), 0, 0, lo, sizeof(lo));
	fmt_num(json_object_get(f, "ci_high"), 0, 0, hi, sizeof(hi));
	snprintf(s, sizeof(s), "%s–%s %%", lo, hi);
	json_object_set_new(f, "f_ci", json_string(lo[0] ? s : "—"));
	set_target(f, "f_target", json_object_get(f, "target"), "—");
	set_fmt(f, "f_p", json_object_get(f, "p_target"), 2, 0, "", "—");
	if (!collected)
		json_object_set_new(f, "verdict_vi",
		    json_string("Chưa có phiếu"));
	html_ind_mid(f);
}

/*
 * The resolution's indicators on the first page: the scope's figures,
 * then each agency's (worst first, the total first).
 */
static void
html_indicators(json_t *o)
{
	json_t	*is = json_object_get(o, "indicators"), *a, *f, *d;
	size_t	 i, j;

	json_object_set_new(o, "has_indicators", json_boolean(
	    json_array_size(is) > 0));
	json_array_foreach(is, i, f)
		html_ind(f, json_is_true(json_object_get(f, "collected")));
	/* Printed: the total and the first agencies, worst first. */
	json_array_foreach(json_object_get(o, "agencies"), i, a) {
		json_object_set_new(a, "print_more", json_boolean(
		    i > REPORT_PRINT_AGENCIES));
		json_array_foreach(json_object_get(a, "indicators"), j, f) {
			d = json_array_get(is, j);
			html_ind(f, json_is_true(json_object_get(d,
			    "collected")));
		}
	}
	json_object_set_new(o, "print_agencies_cut", json_boolean(
	    json_array_size(json_object_get(o, "agencies")) >
	    REPORT_PRINT_AGENCIES + 1));
	json_object_set_new(o, "print_agencies_max",
	    json_integer(REPORT_PRINT_AGENCIES));
}

int
report_html(const struct report *rep, const struct tpl *tp, json_t *extra,
    struct buf *out)
{
	json_t		*o, *r, *t, *x, *rows, *a, *fns, *w;
	char		*svg, m[REPORT_MONTH_STR];
	size_t		 i, j;
	int		 rc = -1, fn = 0, monthly;
	uint64_t	 tot;

	o = report_json(rep);
	/* Without a request (the command): the paths of the period's kind. */
	monthly = rep->period.kind == RP_MONTH;
	json_object_set_new(o, "monthly_paths", json_boolean(monthly));
	json_object_set_new(o, "path_page", json_string(monthly ?
	    "/reports/monthly" : "/reports"));
	json_object_set_new(o, "path_csv", json_string(monthly ?
	    "/reports/monthly.csv" : "/reports.csv"));
	json_object_set_new(o, "path_xlsx", json_string(monthly ?
	    "/reports/monthly.xlsx" : "/reports.xlsx"));
	json_object_set_new(o, "path_json", json_string(monthly ?
	    "/api/v1/reports/monthly" : "/api/v1/reports"));
	if (extra != NULL) {
		html_sort_units(o, json_string_value(json_object_get(extra,
		    "sort")));
		json_object_update(o, extra);
	}
	if (tp == NULL)
		goto out;
	html_indicators(o);
	fns = json_array();
	html_row(json_object_get(o, "overall"), &fn, fns);
	json_array_foreach(json_object_get(o, "sectors"), i, r)
		html_row(r, &fn, fns);
	json_object_set_new(o, "has_footnotes", json_boolean(
	    json_array_size(fns) > 0));
	json_object_set_new(o, "footnotes", fns);
	w = json_object_get(o, "walkin");
	html_row(w, NULL, NULL);
	json_object_set_new(o, "has_walkin", json_boolean(
	    json_integer_value(json_object_get(w, "responses")) > 0));
	json_array_foreach(json_object_get(o, "units"), i, r)
		html_row(r, NULL, NULL);
	html_desks(o);
	html_766(o);
	report_stage_html(o);
	html_followups(o);
	/* The headline: the overall figure and the target in force. */
	r = json_object_get(o, "overall");
	json_array_foreach(json_object_get(r, "targets"), i, t)
		if (json_is_true(json_object_get(t, "in_force")))
			json_object_set(o, "headline_target", t);
	/* The legend names the years of the lines (sectors.ini's). */
	a = json_array();
	json_array_foreach(json_object_get(r, "targets"), i, t) {
		if (i >= 2)
			break;
		json_array_append_new(a, json_pack("{s:O,s:b}", "year",
		    json_object_get(t, "year"), "dashed", i == 1));
	}
	json_object_set_new(o, "target_lines", a);
	rows = json_array();
	json_array_append(rows, json_object_get(o, "overall"));
	json_array_extend(rows, json_object_get(o, "sectors"));
	json_array_foreach(rows, i, r)
		json_object_set(r, "short_name", json_object_get(r, "name"));
	if (json_is_true(json_object_get(o, "has_walkin"))) {
		json_object_set_new(w, "short_name",
		    json_string("Khách vãng lai (ki-ốt)"));
		json_array_append(rows, w);
	}
	svg = svg_bars(rows);
	json_object_set_new(o, "chart_sectors", json_string(svg));
	free(svg);
	/* Response rates of the sectors (the units' are in their table). */
	a = json_array();
	json_array_foreach(json_object_get(o, "response_rate"), i, r)
		if (strcmp(json_string_value(json_object_get(r, "kind")),
		    "unit") != 0)
			json_array_append(a, r);
	json_object_set_new(o, "rate_rows", a);
	/* Comments: the lowest ratings first, then the newest. */
	a = json_deep_copy(json_object_get(json_object_get(o, "comments"),
	    "items"));
	html_sort_comments(a);
	json_array_foreach(a, i, r) {
		json_object_set_new(r, "print_more", json_boolean(
		    i >= REPORT_PRINT_COMMENTS));
		json_object_set_new(r, "low", json_boolean(json_integer_value(
		    json_object_get(r, "rating")) >= 1 && json_integer_value(
		    json_object_get(r, "rating")) <= REPORT_UNSAT_LEVEL));
	}
	json_object_set_new(o, "comments_sorted", a);
	json_object_set_new(o, "print_comments_cut", json_boolean(
	    json_array_size(a) > REPORT_PRINT_COMMENTS));
	json_object_set_new(o, "print_comments_max",
	    json_integer(REPORT_PRINT_COMMENTS));
	/* The trend of each row, beside that row's targets. */
	a = json_array();
	json_array_foreach(json_object_get(o, "trend"), i, t) {
		svg = svg_trend(t, json_array_get(rows, i));
		x = json_deep_copy(t);
		json_object_set_new(x, "svg", json_string(svg));
		free(svg);
		json_array_foreach(json_object_get(x, "months"), j, r)
			set_fmt(r, "f_percent", json_object_get(r, "percent"),
			    1, 0, " %", "—");
		json_array_foreach(json_object_get(x, "quarters"), j, r)
			set_fmt(r, "f_percent", json_object_get(r, "percent"),
			    1, 0, " %", "—");
		json_array_append_new(a, x);
	}
	json_object_set_new(o, "trend", a);
	json_decref(rows);
	json_array_foreach(json_object_get(o, "questions"), i, r)
		json_array_foreach(json_object_get(r, "options"), j, x) {
			set_fmt(x, "f_percent", json_object_get(x, "percent"),
			    1, 0, " %", "—");
			json_object_set_new(x, "bar", json_integer(
			    json_is_number(json_object_get(x, "percent")) ?
			    (json_int_t)round(json_number_value(
			    json_object_get(x, "percent"))) : 0));
		}
	json_array_foreach(json_object_get(o, "response_rate"), i, r)
		set_fmt(r, "f_percent", json_object_get(r, "percent"), 1, 0,
		    " %", "—");
	r = json_object_get(o, "channels");
	tot = (uint64_t)json_integer_value(json_object_get(r, "total"));
	json_object_set_new(r, "has", json_boolean(tot > 0));
	report_month_str(report_month_add(rep->month, -1), m);
	json_object_set_new(o, "prev_link", json_string(m));
	html_month_label(o, "prev_label", report_month_add(rep->month, -1));
	/* No link to a month that has not begun. */
	if (report_month_add(rep->month, 1) <= month_of(now_sec())) {
		report_month_str(report_month_add(rep->month, 1), m);
		json_object_set_new(o, "next_link", json_string(m));
		html_month_label(o, "next_label",
		    report_month_add(rep->month, 1));
	}
	html_period(rep, o);
	json_object_set_new(o, "sector_list", json_array());
	for (i = 0; i < rep->cat->nsectors; i++)
		json_array_append_new(json_object_get(o, "sector_list"),
		    json_pack("{s:s,s:s,s:b}", "code",
		    rep->cat->sectors[i].code, "name",
		    report_txt_vi(&rep->cat->sectors[i].name, ""), "selected",
		    strcmp(rep->sector, rep->cat->sectors[i].code) == 0));
	html_scope(rep, o);
	json_object_set_new(o, "tree_current",
	    json_boolean(rep->tree == REPORT_TREE_CURRENT));
	json_object_set_new(o, "unit_list", json_array());
	for (i = 0; i < rep->cat->nunits; i++)
		json_array_append_new(json_object_get(o, "unit_list"),
		    json_pack("{s:s,s:s,s:b}", "code",
		    rep->cat->units[i].code, "name",
		    report_txt_vi(&rep->cat->units[i].name, ""), "selected",
		    strcmp(rep->unit, rep->cat->units[i].code) == 0));
	rc = tpl_render(tp, o, out);
out:
	json_decref(o);
	return (rc);
}
