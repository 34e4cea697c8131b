/*
 * h_surveypage.c: the console's survey pages (templates/admin_surveys.
 * html, a part of admin.html): /admin/surveys lists the surveys and
 * their published versions; /admin/surveys/<id> shows every text in
 * vi / en / km side by side to edit, with a new option per question and
 * a new question, and posts to itself: "preview" checks the draft and
 * shows it as the phone page (the real template, 360 px) and as the
 * kiosk shows it (the kiosk page fed the draft's definition), storing
 * nothing; "publish" stores it as the next version through the API's
 * steps (h_survey_admin.c) and swaps it in. ?version=N shows an old
 * version read-only.
 * Traps: the form has a field per text (hundreds): it is read here,
 * not by form.c, within SURVEY_BODY_MAX; a field of another survey's
 * shape is refused, never ignored. A unit-limited admin sees the texts
 * read-only and gets 403 for a post.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "h.h"
#include "route.h"
#include "survey_edit.h"
#include "util.h"

#define SP_FIELDS_MAX		800
#define SP_NAME_MAX		80
#define SP_VALUE_MAX		(4 * SURVEY_TEXT_MAX)
#define SP_NEWQ_OPTIONS		4	/* option rows of a new question */

static const char *const sp_lang_vi[LANG_COUNT] = {
	"Việt", "Anh", "Khmer"
};

/* s[0..len) percent-decoded into a new string; NULL when malformed. */
static char *
sp_decode(const char *s, size_t len, size_t *outlen)
{
	char	*o = xmalloc(len + 1);
	size_t	 i, n = 0;
	int	 hi, lo;

	for (i = 0; i < len; i++) {
		if (s[i] == '+')
			o[n++] = ' ';
		else if (s[i] == '%') {
			if (len - i < 3 || (hi = hex_digit(s[i + 1])) == -1 ||
			    (lo = hex_digit(s[i + 2])) == -1) {
				free(o);
				return (NULL);
			}
			o[n++] = (char)(hi << 4 | lo);
			i += 2;
		} else
			o[n++] = s[i];
	}
	o[n] = '\0';
	*outlen = n;
	return (o);
}

/*
 * An urlencoded body into {name: value}: names of a-z 0-9 . _ (at most
 * SP_NAME_MAX), values valid UTF-8 without NUL (at most SP_VALUE_MAX),
 * each name once. NULL with the status and why.
 */
static json_t *
sp_form(const char *b, size_t len, unsigned *status, char *why,
    size_t whylen)
{
	json_t		*o = json_object();
	const char	*p = b, *end = b + len, *amp, *eq;
	char		*name = NULL, *val = NULL;
	size_t		 nn, vn, i, fields = 0;

	*status = 400;
	while (p < end) {
		if ((amp = memchr(p, '&', (size_t)(end - p))) == NULL)
			amp = end;
		if (amp == p) {
			p++;
			continue;
		}
		if (++fields > SP_FIELDS_MAX) {
			*status = 413;
			snprintf(why, whylen, "quá %d trường", SP_FIELDS_MAX);
			goto bad;
		}
		if ((eq = memchr(p, '=', (size_t)(amp - p))) == NULL)
			eq = amp;
		if ((name = sp_decode(p, (size_t)(eq - p), &nn)) == NULL ||
		    (val = sp_decode(eq < amp ? eq + 1 : amp, eq < amp ?
		    (size_t)(amp - eq - 1) : 0, &vn)) == NULL) {
			snprintf(why, whylen, "biểu mẫu hỏng");
			goto bad;
		}
		for (i = 0; i < nn; i++)
			if (!((name[i] >= 'a' && name[i] <= 'z') ||
			    (name[i] >= '0' && name[i] <= '9') ||
			    name[i] == '.' || name[i] == '_'))
				break;
		if (nn == 0 || nn > SP_NAME_MAX || i < nn) {
			snprintf(why, whylen, "tên trường không hợp lệ");
			goto bad;
		}
		if (vn > SP_VALUE_MAX) {
			*status = 422;
			snprintf(why, whylen, "%s: dài quá %d byte", name,
			    SURVEY_TEXT_MAX);
			goto bad;
		}
		if (!utf8_valid(val, vn) || memchr(val, '\0', vn) != NULL) {
			snprintf(why, whylen, "%s: không phải UTF-8", name);
			goto bad;
		}
		if (json_object_get(o, name) != NULL) {
			snprintf(why, whylen, "trường %s có hai lần", name);
			goto bad;
		}
		json_object_set_new(o, name, json_stringn(val, vn));
		free(name);
		free(val);
		name = val = NULL;
		p = amp;
	}
	return (o);
bad:
	free(name);
	free(val);
	json_decref(o);
	return (NULL);
}

/* Takes field name out of f: its value (borrowed from *keep), or "". */
static const char *
sp_take(json_t *f, json_t *keep, const char *name)
{
	json_t	*v = json_object_get(f, name);

	if (v == NULL)
		return ("");
	json_array_append(keep, v);
	json_object_del(f, name);
	return (json_string_value(v));
}

/* {vi, en, km} from the fields prefix.L. */
static json_t *
sp_text(json_t *f, json_t *keep, const char *prefix)
{
	json_t	*o = json_object();
	char	 name[SP_NAME_MAX + 8];
	int	 l;

	for (l = 0; l < LANG_COUNT; l++) {
		snprintf(name, sizeof(name), "%s.%s", prefix, lang_code(l));
		json_object_set_new(o, lang_code(l), json_string(sp_take(f,
		    keep, name)));
	}
	return (o);
}

static int
sp_text_empty(const json_t *t)
{
	const char	*k;
	json_t		*v;

	json_object_foreach((json_t *)t, k, v)
		if (json_string_length(v) > 0)
			return (0);
	return (1);
}

/*
 * The draft of cur from the form's fields: every text of cur (a field
 * missing is an empty text, which the checks refuse), the retired
 * marks, a new option per question and a new question when given.
 * NULL with why when a field is not one of the page's.
 */
static json_t *
sp_draft(const struct survey *cur, json_t *f, char *why, size_t whylen)
{
	const struct survey_question	*q;
	json_t				*d, *texts, *qs, *qo, *opts, *o, *t;
	json_t				*keep = json_array();
	char				 name[SP_NAME_MAX + 8], key[48];
	const char			*v, *k;
	size_t				 i, j;
	int				 n;
	static const char *const	 tops[] = {
		"title", "intro", "intro.received", "intro.supplement",
		"intro.refused", "comment", "thanks"
	};

	d = survey_edit_json(cur);
	v = sp_take(f, keep, "version");
	json_object_set_new(d, "version", json_integer(strtoll(v, NULL,
	    10)));
	texts = json_object();
	for (i = 0; i < sizeof(tops) / sizeof(*tops); i++) {
		t = sp_text(f, keep, tops[i]);
		if (i >= 2 && i <= 4 && sp_text_empty(t))
			json_decref(t);
		else
			json_object_set_new(texts, tops[i], t);
	}
	json_object_set_new(d, "texts", texts);
	qs = json_object_get(d, "questions");
	for (i = 0; i < cur->nquestions; i++) {
		q = &cur->questions[i];
		qo = json_array_get(qs, i);
		snprintf(name, sizeof(name), "question.%s.text", q->id);
		json_object_set_new(qo, "text", sp_text(f, keep, name));
		opts = json_object_get(qo, "options");
		for (j = 0; j < q->noptions; j++) {
			o = json_array_get(opts, j);
			snprintf(name, sizeof(name), "question.%s.option.%s",
			    q->id, q->options[j].id);
			json_object_set_new(o, "text", sp_text(f, keep, name));
			snprintf(name, sizeof(name), "question.%s.retire.%s",
			    q->id, q->options[j].id);
			json_object_set_new(o, "retired", json_boolean(
			    strcmp(sp_take(f, keep, name), "1") == 0));
		}
		snprintf(name, sizeof(name), "new.%s", q->id);
		t = sp_text(f, keep, name);
		snprintf(name, sizeof(name), "new.%s.id", q->id);
		v = sp_take(f, keep, name);
		if (v[0] != '\0' || !sp_text_empty(t))
			json_array_append_new(opts, json_pack("{s:s,s:o}",
			    "id", v, "text", t));
		else
			json_decref(t);
	}
	/* A new question, with its options given. */
	t = sp_text(f, keep, "newq");
	v = sp_take(f, keep, "newq.id");
	k = sp_take(f, keep, "newq.kind");
	qo = json_pack("{s:s,s:s,s:b,s:o,s:[]}", "id", v, "kind", k,
	    "required", strcmp(sp_take(f, keep, "newq.required"), "1") == 0,
	    "text", t, "options");
	opts = json_object_get(qo, "options");
	for (n = 1; n <= SP_NEWQ_OPTIONS; n++) {
		snprintf(key, sizeof(key), "newq.o%d", n);
		t = sp_text(f, keep, key);
		snprintf(key, sizeof(key), "newq.o%d.id", n);
		v = sp_take(f, keep, key);
		if (v[0] != '\0' || !sp_text_empty(t))
			json_array_append_new(opts, json_pack("{s:s,s:o}",
			    "id", v, "text", t));
		else
			json_decref(t);
	}
	if (json_string_length(json_object_get(qo, "id")) > 0 ||
	    !sp_text_empty(json_object_get(qo, "text")) ||
	    json_array_size(opts) > 0)
		json_array_append_new(qs, qo);
	else
		json_decref(qo);
	/* What the page never sends. */
	sp_take(f, keep, "csrf");
	sp_take(f, keep, "action");
	sp_take(f, keep, "lang");
	json_decref(keep);
	if (json_object_size(f) > 0) {
		k = json_object_iter_key(json_object_iter(f));
		snprintf(why, whylen, "trường không biết: %.40s", k);
		json_decref(d);
		return (NULL);
	}
	return (d);
}

/* ----------------------------------------------------------- rendering */

static const char *
sp_str(const json_t *t, const char *l)
{
	const char	*s = json_string_value(json_object_get(t, l));

	return (s != NULL ? s : "");
}

static json_t *
sp_row(const char *label, const char *key, const json_t *t)
{
	size_t	 n = strlen(sp_str(t, "vi")) + strlen(sp_str(t, "km")) / 3;

	return (json_pack("{s:s,s:s,s:s,s:s,s:s,s:i}", "label", label, "key",
	    key, "vi", sp_str(t, "vi"), "en", sp_str(t, "en"), "km",
	    sp_str(t, "km"), "lines", n > 240 ? 5 : n > 80 ? 3 : 1));
}

/*
 * The table's rows of survey JSON s (as survey_edit_json() gives it,
 * or a draft with what was typed); with new rows of form f when not
 * readonly.
 */
static json_t *
sp_rows(const json_t *s, const json_t *f, int readonly,
    const struct survey *cur)
{
	static const struct {
		const char	*key, *label;
	}		 tops[] = {
		{ "title", "Tiêu đề" }, { "intro", "Lời mở đầu" },
		{ "intro.received", "Lời mở đầu khi nhận hồ sơ" },
		{ "intro.supplement", "Lời mở đầu khi bổ sung hồ sơ" },
		{ "intro.refused", "Lời mở đầu khi từ chối hồ sơ" },
		{ "comment", "Lời mời góp ý" }, { "thanks", "Lời cảm ơn" }
	};
	const json_t	*texts = json_object_get(s, "texts"), *q, *o, *t;
	json_t		*rows = json_array(), *r, *empty = json_object();
	char		 label[160], key[SP_NAME_MAX], name[SP_NAME_MAX + 8];
	const char	*qid, *oid, *kind;
	size_t		 i, j;
	int		 l;

	json_array_append_new(rows, json_pack("{s:s}", "head",
	    "Khảo sát"));
	for (i = 0; i < sizeof(tops) / sizeof(*tops); i++) {
		t = json_object_get(texts, tops[i].key);
		if (t == NULL && (readonly || i < 2 || i > 4))
			continue;
		json_array_append_new(rows, sp_row(tops[i].label,
		    tops[i].key, t != NULL ? t : empty));
	}
	for (i = 0; i < json_array_size(json_object_get(s, "questions"));
	    i++) {
		q = json_array_get(json_object_get(s, "questions"), i);
		qid = json_string_value(json_object_get(q, "id"));
		kind = json_string_value(json_object_get(q, "kind"));
		/* A draft's new question and options are in their own
		 * inputs (newq, new.Q), with what was typed. */
		if (qid == NULL || kind == NULL || (cur != NULL &&
		    i >= cur->nquestions))
			continue;
		snprintf(label, sizeof(label), "Câu hỏi %s (%s)", qid,
		    strcmp(kind, "scale") == 0 ? "thang đánh giá" :
		    strcmp(kind, "multi") == 0 ? "chọn nhiều" : "chọn một");
		json_array_append_new(rows, json_pack("{s:s}", "head", label));
		snprintf(key, sizeof(key), "question.%s.text", qid);
		json_array_append_new(rows, sp_row("Câu hỏi", key,
		    json_object_get(q, "text")));
		for (j = 0; j < json_array_size(json_object_get(q, "options"));
		    j++) {
			o = json_array_get(json_object_get(q, "options"), j);
			oid = json_string_value(json_object_get(o, "id"));
			if (oid == NULL || (cur != NULL &&
			    j >= cur->questions[i].noptions))
				continue;
			snprintf(label, sizeof(label), "Phương án %s", oid);
			snprintf(key, sizeof(key), "question.%s.option.%s",
			    qid, oid);
			r = sp_row(label, key, json_object_get(o, "text"));
			json_object_set_new(r, "retired", json_boolean(
			    json_is_true(json_object_get(o, "retired"))));
			if (strcmp(kind, "scale") != 0 && !readonly) {
				snprintf(name, sizeof(name),
				    "question.%s.retire.%s", qid, oid);
				json_object_set_new(r, "retire",
				    json_string(name));
			}
			json_array_append_new(rows, r);
		}
		if (readonly || strcmp(kind, "scale") == 0)
			continue;
		r = json_pack("{s:s}", "q", qid);
		snprintf(name, sizeof(name), "new.%s.id", qid);
		json_object_set_new(r, "id", json_string(
		    sp_str(f, name)));
		for (l = 0; l < LANG_COUNT; l++) {
			snprintf(name, sizeof(name), "new.%s.%s", qid,
			    lang_code(l));
			json_object_set_new(r, lang_code(l), json_string(
			    sp_str(f, name)));
		}
		json_object_set_new(json_array_get(rows,
		    json_array_size(rows) - 1), "addopt", r);
	}
	json_decref(empty);
	return (rows);
}

/* The new question's rows, with what was typed. */
static json_t *
sp_newq(const json_t *f)
{
	json_t		*o, *opts = json_array(), *x;
	char		 name[32];
	const char	*k = sp_str(f, "newq.kind");
	int		 n, l;

	o = json_pack("{s:s,s:b,s:b,s:b,s:s,s:s,s:s}", "id",
	    sp_str(f, "newq.id"), "choice", strcmp(k, "multi") != 0,
	    "multi", strcmp(k, "multi") == 0, "required",
	    strcmp(sp_str(f, "newq.required"), "1") == 0, "vi",
	    sp_str(f, "newq.vi"), "en", sp_str(f, "newq.en"), "km",
	    sp_str(f, "newq.km"));
	for (n = 1; n <= SP_NEWQ_OPTIONS; n++) {
		x = json_pack("{s:i}", "n", n);
		snprintf(name, sizeof(name), "newq.o%d.id", n);
		json_object_set_new(x, "id", json_string(sp_str(f, name)));
		for (l = 0; l < LANG_COUNT; l++) {
			snprintf(name, sizeof(name), "newq.o%d.%s", n,
			    lang_code(l));
			json_object_set_new(x, lang_code(l), json_string(
			    sp_str(f, name)));
		}
		json_array_append_new(opts, x);
	}
	json_object_set_new(o, "opts", opts);
	return (o);
}

static json_t *
sp_langs(enum lang cur)
{
	json_t	*a = json_array();
	int	 l;

	for (l = 0; l < LANG_COUNT; l++)
		json_array_append_new(a, json_pack("{s:s,s:s,s:b}", "code",
		    lang_code(l), "name", sp_lang_vi[l], "current",
		    l == (int)cur));
	return (a);
}

/* "%XX" every byte but the unreserved ones, as encodeURIComponent. */
static void
sp_uri(struct buf *b, const char *s)
{
	static const char	 hex[] = "0123456789ABCDEF";
	const unsigned char	*p;

	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-_.!~*'()", *p))
			buf_addc(b, (char)*p);
		else {
			buf_addc(b, '%');
			buf_addc(b, hex[*p >> 4]);
			buf_addc(b, hex[*p & 15]);
		}
}

/*
 * The previews of the draft text (not stored) of survey id: the phone
 * page of a ticket of it in lang, and the kiosk page's address with the
 * draft's definition. 0, or -1 with why.
 */
static int
sp_preview(struct req *r, json_t *ctx, const struct survey_row *row,
    enum lang lang, char *why, size_t whylen)
{
	struct schema		*sch = NULL;
	const struct survey	*sv;
	const struct unit	*u;
	struct ticket		 t;
	struct buf		 b;
	int			 i, rc = -1;

	if (app_schema_preview(r->app, row, &sch, why, whylen) == -1)
		return (-1);
	sv = h_survey_admin_find(sch, row->id, strlen(row->id));
	if (sv == NULL || (i = schema_index(sch, sv)) == -1) {
		snprintf(why, whylen, "không dựng được bản xem trước");
		goto out;
	}
	memset(&t, 0, sizeof(t));
	strlcpy(t.survey, sv->id, sizeof(t.survey));
	if ((u = catalog_root(r->app->cat)) != NULL)
		strlcpy(t.unit, u->code, sizeof(t.unit));
	if (i == 0 && r->app->cat->nprocs > 0)
		strlcpy(t.procedure, r->app->cat->procs[0].code,
		    sizeof(t.procedure));
	t.issued = now_sec();
	t.expires = t.issued + 86400;
	buf_init(&b, PAGE_MAX);
	if (page_survey(sch->pg, &b, &t, "XEM-TRUOC", lang, NULL, NULL, 0,
	    NULL, NULL, STAGE_RETURNED) == -1 || b.data == NULL) {
		buf_clear(&b);
		snprintf(why, whylen, "không dựng được trang điện thoại");
		goto out;
	}
	json_object_set_new(ctx, "phone", json_stringn(b.data, b.len));
	buf_clear(&b);
	buf_init(&b, 4 * PAGE_MAX);
	buf_printf(&b, "/kiosk/?preview=1&lang=%s#def=", lang_code(lang));
	sp_uri(&b, sch->kiosk_def[i]);
	if (b.overflow) {
		buf_clear(&b);
		snprintf(why, whylen, "định nghĩa cho máy đánh giá quá lớn");
		goto out;
	}
	json_object_set_new(ctx, "kiosk", json_stringn(b.data, b.len));
	buf_clear(&b);
	json_object_set_new(ctx, "langname", json_string(sp_lang_vi[lang]));
	rc = 0;
out:
	schema_free(sch);
	return (rc);
}

static int
sp_may_edit(const struct req *r)
{
	return (r->unit[0] == '\0');
}

/* After a publication (?published=ID.N): said in the page's words. */
static void
sp_done(struct req *r, json_t *ctx)
{
	const struct survey	*s;
	const char		*p = http_arg(r, "published"), *dot;
	char			 msg[480];
	long long		 v;

	if (p == NULL || (dot = strrchr(p, '.')) == NULL ||
	    (s = h_survey_admin_find(r->app->sch, p,
	    (size_t)(dot - p))) == NULL ||
	    parse_num(dot + 1, strlen(dot + 1), 1, 1000000, &v) == -1)
		return;
	snprintf(msg, sizeof(msg), "Đã đăng phiên bản %lld của khảo sát "
	    "\"%.300s\"; điện thoại và ki-ốt dùng phiên bản %u.", v,
	    s->title.s[LANG_VI] != NULL ? s->title.s[LANG_VI] : s->id,
	    s->version);
	json_object_set_new(ctx, "done", json_string(msg));
}

void
h_admin_surveys_page(struct req *r)
{
	const struct schema	*sch = r->app->sch;
	const struct survey	*s;
	struct survey_row	*rows = NULL;
	json_t			*ctx, *list, *vs;
	char			 at[32];
	size_t			 i, j, n = 0;

	if (store_survey_rows(r->app->st, NULL, 0, &rows, &n) == -1) {
		http_fail(r, 500, "cannot read the stored surveys");
		return;
	}
	ctx = h_adminpage_ctx(r, "Khảo sát", "surveys_part");
	list = json_array();
	for (i = 0; i < sch->surveys.n; i++) {
		s = sch->surveys.s[i];
		vs = json_array();
		for (j = 0; j < n; j++) {
			if (strcmp(rows[j].id, s->id) != 0)
				continue;
			format_time_local(rows[j].at, at);
			json_array_append_new(vs, json_pack("{s:s,s:i,s:s,s:s}",
			    "id", s->id, "version", (int)rows[j].version,
			    "at", at, "who", rows[j].who));
		}
		json_array_append_new(list, json_pack("{s:s,s:s,s:i,s:o,s:b}",
		    "id", s->id, "title", s->title.s[LANG_VI], "version",
		    (int)s->version, "versions", vs, "editable",
		    sp_may_edit(r)));
	}
	store_survey_rows_free(rows, n);
	sp_done(r, ctx);
	json_object_set_new(ctx, "surveys", json_pack("{s:o,s:i}", "list",
	    list, "count", (int)sch->surveys.n));
	h_adminpage_render(r, 200, ctx);
}

/*
 * The edit page of cur with s (the survey's JSON, or the draft as
 * typed) and the form f (what was typed, or an empty object); extra
 * (the preview, or NULL) merged in. Takes s and extra.
 */
static void
sp_edit(struct req *r, unsigned status, const struct survey *cur,
    json_t *s, const json_t *f, const char *error, json_t *extra,
    enum lang lang)
{
	json_t	*ctx, *sv;
	char	 title[600];

	/* Its title as citizens read it, the id in brackets. */
	snprintf(title, sizeof(title), "%s (%s)", cur->title.s[LANG_VI] !=
	    NULL && cur->title.s[LANG_VI][0] != '\0' ? cur->title.s[LANG_VI] :
	    "Khảo sát", cur->id);
	ctx = h_adminpage_ctx(r, title, "surveys_part");
	sv = json_pack("{s:s,s:i,s:i,s:b,s:b,s:o,s:o,s:o,s:s}", "id",
	    cur->id, "version", (int)cur->version, "next",
	    (int)cur->version + 1, "readonly", !sp_may_edit(r), "current", 1,
	    "rows", sp_rows(s, f, !sp_may_edit(r), cur), "newq",
	    sp_newq(f), "langs", sp_langs(lang), "csrf",
	    json_string_value(json_object_get(ctx, "csrf")));
	if (!sp_may_edit(r))
		json_object_set_new(sv, "locked", json_string("Khảo sát dùng "
		    "cho cả tỉnh: chỉ quản trị toàn tỉnh được sửa."));
	if (extra != NULL) {
		json_object_set_new(sv, "preview", extra);
		r->frames = 1;
	}
	json_object_set_new(ctx, "survey", sv);
	if (error != NULL) {
		char	 msg[700];

		snprintf(msg, sizeof(msg), "Không lưu được: %s", error);
		json_object_set_new(ctx, "error", json_string(msg));
	}
	json_decref(s);
	h_adminpage_render(r, status, ctx);
}

/* An old version, read-only. */
static void
sp_version(struct req *r, const struct survey *cur, const char *v)
{
	struct survey_row	*rows = NULL;
	struct survey		*old = NULL;
	json_t			*ctx, *sv, *s;
	char			 why[256], title[96];
	long long		 want;
	size_t			 i, n = 0;

	if (parse_num(v, strlen(v), 1, 1000000, &want) == -1) {
		http_fail(r, 400, "version: a number");
		return;
	}
	if (store_survey_rows(r->app->st, cur->id, 0, &rows, &n) == -1) {
		http_fail(r, 500, "cannot read the stored surveys");
		return;
	}
	for (i = 0; i < n; i++)
		if (rows[i].version == (uint32_t)want)
			break;
	if (i == n || survey_load_mem(cur->id, rows[i].text, rows[i].len,
	    &old, why, sizeof(why)) == -1) {
		store_survey_rows_free(rows, n);
		http_fail(r, 404, "no such version");
		return;
	}
	store_survey_rows_free(rows, n);
	snprintf(title, sizeof(title), "Khảo sát %s, phiên bản %lld", cur->id,
	    want);
	ctx = h_adminpage_ctx(r, title, "surveys_part");
	s = survey_edit_json(old);
	sv = json_pack("{s:s,s:i,s:b,s:b,s:o}", "id", cur->id, "version",
	    (int)want, "readonly", 1, "current",
	    (unsigned)want == cur->version, "rows", sp_rows(s, NULL, 1,
	    NULL));
	json_decref(s);
	survey_free(old);
	json_object_set_new(ctx, "survey", sv);
	h_adminpage_render(r, 200, ctx);
}

void
h_admin_survey_page(struct req *r)
{
	const struct survey	*cur;
	const char		*v = http_arg(r, "version");
	json_t			*f = json_object();

	if ((cur = h_survey_admin_find(r->app->sch, r->arg,
	    r->arglen)) == NULL) {
		json_decref(f);
		http_fail(r, 404, "no such survey");
		return;
	}
	if (v != NULL) {
		json_decref(f);
		sp_version(r, cur, v);
		return;
	}
	sp_edit(r, 200, cur, survey_edit_json(cur), f, NULL, NULL, LANG_VI);
	json_decref(f);
}

static void
sp_published(struct req *r)
{
	unsigned	 status;
	char		 why[512], loc[96];

	if (h_survey_admin_commit(r, &status, why, sizeof(why)) == -1) {
		h_survey_admin_free(r);
		http_fail(r, status, why);
		return;
	}
	snprintf(loc, sizeof(loc), "/admin/surveys?published=%s.%u",
	    r->op.u.survey.row.id, r->op.u.survey.row.version);
	h_survey_admin_free(r);
	http_redirect(r, 303, loc);
}

void
h_admin_survey_post(struct req *r)
{
	const struct survey	*cur;
	struct survey		*d = NULL;
	struct survey_row	 row;
	json_t			*f, *draft, *typed, *pv;
	const char		*action, *lang;
	unsigned		 status;
	char			 why[512];
	int			 l;

	if ((cur = h_survey_admin_find(r->app->sch, r->arg,
	    r->arglen)) == NULL) {
		http_fail(r, 404, "no such survey");
		return;
	}
	if (!sp_may_edit(r)) {
		http_fail(r, 403, "khảo sát là của cả tỉnh: quản trị của một "
		    "đơn vị không được sửa");
		return;
	}
	if ((f = sp_form(r->body.data != NULL ? r->body.data : "",
	    r->body.len, &status, why, sizeof(why))) == NULL) {
		http_fail(r, status, why);
		return;
	}
	typed = json_deep_copy(f);
	action = sp_str(typed, "action");
	lang = sp_str(typed, "lang");
	l = lang_parse(lang, strlen(lang));
	if (l < 0)
		l = LANG_VI;
	if (strcmp(action, "preview") != 0 && strcmp(action, "publish") != 0) {
		json_decref(f);
		json_decref(typed);
		http_fail(r, 400, "action: preview hoặc publish");
		return;
	}
	if ((draft = sp_draft(cur, f, why, sizeof(why))) == NULL) {
		json_decref(f);
		json_decref(typed);
		http_fail(r, 400, why);
		return;
	}
	json_decref(f);
	if (h_survey_admin_prepare(r, cur, draft, &d, &status, why,
	    sizeof(why)) == -1) {
		sp_edit(r, status, cur, draft, typed, why, NULL, (enum lang)l);
		json_decref(typed);
		return;
	}
	survey_free(d);
	if (strcmp(action, "publish") == 0) {
		json_decref(draft);
		json_decref(typed);
		http_submit(r, sp_published);
		return;
	}
	/* A preview: nothing stored. */
	row = r->op.u.survey.row;
	pv = json_object();
	if (sp_preview(r, pv, &row, (enum lang)l, why, sizeof(why)) == -1) {
		h_survey_admin_free(r);
		json_decref(pv);
		sp_edit(r, 422, cur, draft, typed, why, NULL, (enum lang)l);
		json_decref(typed);
		return;
	}
	h_survey_admin_free(r);
	memset(&r->op, 0, sizeof(r->op));
	sp_edit(r, 200, cur, draft, typed, NULL, pv, (enum lang)l);
	json_decref(typed);
}
