/*
 * survey_edit.c: a survey as JSON, a draft of a new version checked
 * against the one in use, the survey written as its INI file, and the
 * difference of two versions (for the audit log).
 * Trap: the stored form of a version is its INI text, read back by
 * survey.c with the file's every rule; what is written here must read
 * back as the same survey: texts with single spaces (the file joins its
 * lines with one), no word a line cannot hold, no line inih would take
 * for a comment.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "survey_edit.h"
#include "util.h"

/* The survey's own texts: the four, then the intros of the stages. */
#define EDIT_TOP_FIXED	4
static const char *const edit_top_names[EDIT_TOP_FIXED] = {
	"title", "intro", "comment", "thanks"
};
static const char *const edit_top_vi[EDIT_TOP_FIXED] = {
	"tiêu đề", "lời mở đầu", "lời mời góp ý", "lời cảm ơn"
};
static const char *const edit_lang_vi[LANG_COUNT] = {
	"tiếng Việt", "tiếng Anh", "tiếng Khmer"
};

/* The i-th text of the survey itself, its key name; NULL past them. */
static struct text *
edit_top(const struct survey *s, size_t i, char *name, size_t namelen)
{
	struct survey	*m = (struct survey *)s;
	size_t		 st;

	if (i < EDIT_TOP_FIXED) {
		strlcpy(name, edit_top_names[i], namelen);
		switch (i) {
		case 0:
			return (&m->title);
		case 1:
			return (&m->intro);
		case 2:
			return (&m->comment_prompt);
		default:
			return (&m->thanks);
		}
	}
	st = STAGE_RETURNED + 1 + (i - EDIT_TOP_FIXED);
	if (st >= STAGE_COUNT)
		return (NULL);
	snprintf(name, namelen, "intro.%s", dossier_stage_name((int)st));
	return (&m->intro_stage[st]);
}

static const char *
edit_kind(enum question_kind k)
{
	return (k == QK_SCALE ? "scale" : k == QK_MULTI ? "multi" :
	    "choice");
}

static json_t *
edit_text_json(const struct text *t)
{
	json_t	*o = json_object();
	int	 l;

	for (l = 0; l < LANG_COUNT; l++)
		json_object_set_new(o, lang_code(l), json_string(
		    t->s[l] != NULL ? t->s[l] : ""));
	return (o);
}

json_t *
survey_edit_json(const struct survey *s)
{
	const struct survey_question	*q;
	const struct text		*t;
	json_t				*o, *texts, *qs, *qo, *opts, *a;
	char				 name[32];
	size_t				 i, j;

	texts = json_object();
	for (i = 0; (t = edit_top(s, i, name, sizeof(name))) != NULL; i++)
		if (i < EDIT_TOP_FIXED || t->s[LANG_VI] != NULL)
			json_object_set_new(texts, name, edit_text_json(t));
	qs = json_array();
	for (i = 0; i < s->nquestions; i++) {
		q = &s->questions[i];
		opts = json_array();
		for (j = 0; j < q->noptions; j++)
			json_array_append_new(opts, json_pack("{s:s,s:o,s:b}",
			    "id", q->options[j].id, "text",
			    edit_text_json(&q->options[j].label), "retired",
			    q->options[j].retired));
		qo = json_pack("{s:s,s:s,s:b,s:o,s:o}", "id", q->id, "kind",
		    edit_kind(q->kind), "required", q->required, "text",
		    edit_text_json(&q->text), "options", opts);
		json_array_append_new(qs, qo);
	}
	a = json_array();
	for (i = 0; i < SURVEY_LEVELS; i++)
		if (s->satisfied & (1u << i))
			json_array_append_new(a, json_integer((json_int_t)i +
			    1));
	o = json_pack("{s:s,s:i,s:o,s:o,s:o}", "id", s->id, "version",
	    (int)s->version, "texts", texts, "satisfied", a, "questions", qs);
	a = json_array();
	for (i = 0; i < s->nkinds; i++)
		json_array_append_new(a, json_string(s->kinds[i]));
	json_object_set_new(o, "kinds", a);
	return (o);
}

/* ------------------------------------------------------------ the file */

/* key = value, continued on indented lines at spaces. */
static int
edit_put(struct buf *b, const char *key, const char *v, char *why,
    size_t whylen)
{
	const char	*p = v, *e;
	size_t		 line, n;
	int		 empty = 1;

	buf_printf(b, "%s = ", key);
	line = strlen(key) + 3;
	while (*p != '\0') {
		for (e = p; *e != '\0' && *e != ' '; e++)
			;
		n = (size_t)(e - p);
		/* A continuation never starts with what inih would take
		 * for a comment. */
		if (!empty && line + 1 + n > INI_LINE_MAX - 1 &&
		    *p != ';' && *p != '#') {
			buf_addstr(b, "\n\t");
			line = 1;
			empty = 1;
		}
		if (!empty) {
			buf_addc(b, ' ');
			line++;
		}
		if (line + n > INI_LINE_MAX - 1) {
			snprintf(why, whylen, "%s: một từ quá dài (%zu byte "
			    "liền không có dấu cách, tối đa %d): hãy thêm "
			    "dấu cách", key, n, INI_LINE_MAX - 40);
			return (-1);
		}
		buf_add(b, p, n);
		line += n;
		empty = 0;
		p = *e != '\0' ? e + 1 : e;
	}
	buf_addc(b, '\n');
	return (0);
}

static int
edit_put_text(struct buf *b, const char *prefix, const struct text *t,
    char *why, size_t whylen)
{
	char	 key[INI_NAME_MAX + 1];
	int	 l;

	for (l = 0; l < LANG_COUNT; l++) {
		if (t->s[l] == NULL)
			continue;
		snprintf(key, sizeof(key), "%s.%s", prefix, lang_code(l));
		if (edit_put(b, key, t->s[l], why, whylen) == -1)
			return (-1);
	}
	return (0);
}

int
survey_edit_ini(const struct survey *s, struct buf *b, char *why,
    size_t whylen)
{
	const struct survey_question	*q;
	const struct text		*t;
	char				 name[INI_NAME_MAX + 1];
	size_t				 i, j;
	int				 any;

	buf_printf(b, "; survey %s, version %u: published from the admin "
	    "console.\n; schema/README.md explains every key.\n\n[survey]\n"
	    "id = %s\nversion = %u\nsatisfied =", s->id, s->version, s->id,
	    s->version);
	for (i = 0; i < SURVEY_LEVELS; i++)
		if (s->satisfied & (1u << i))
			buf_printf(b, " %zu", i + 1);
	buf_addc(b, '\n');
	if (s->nkinds > 0) {
		buf_addstr(b, "kinds =");
		for (i = 0; i < s->nkinds; i++)
			buf_printf(b, " %s", s->kinds[i]);
		buf_addc(b, '\n');
	}
	for (i = 0; (t = edit_top(s, i, name, sizeof(name))) != NULL; i++)
		if (edit_put_text(b, name, t, why, whylen) == -1)
			return (-1);
	for (i = 0; i < s->nquestions; i++) {
		q = &s->questions[i];
		buf_printf(b, "\n[question %s]\nkind = %s\n", q->id,
		    edit_kind(q->kind));
		if (q->kind != QK_SCALE)
			buf_printf(b, "required = %s\n", q->required ? "yes" :
			    "no");
		if (q->highest_first)
			buf_addstr(b, "order = highest-first\n");
		snprintf(name, sizeof(name), "question %s", q->id);
		if (edit_put_text(b, "text", &q->text, why, whylen) == -1)
			return (-1);
		for (j = 0; j < q->noptions; j++) {
			snprintf(name, sizeof(name), "option.%s",
			    q->options[j].id);
			if (edit_put_text(b, name, &q->options[j].label, why,
			    whylen) == -1)
				return (-1);
		}
		for (j = 0, any = 0; j < q->noptions; j++)
			if (q->options[j].retired) {
				buf_addstr(b, any ? " " : "retired = ");
				buf_addstr(b, q->options[j].id);
				any = 1;
			}
		if (any)
			buf_addc(b, '\n');
	}
	if (b->overflow) {
		snprintf(why, whylen, "khảo sát quá dài");
		return (-1);
	}
	return (0);
}

/* ----------------------------------------------------------- the draft */

/* One language of a text: trimmed, spaces joined, checked; caller's. */
static char *
edit_string(const json_t *v, const char *what, int l, char *why,
    size_t whylen)
{
	const char	*s;
	char		*out, *o;
	size_t		 n, i;
	int		 space = 0;

	if (!json_is_string(v)) {
		snprintf(why, whylen, "%s: thiếu bản %s", what,
		    edit_lang_vi[l]);
		return (NULL);
	}
	s = json_string_value(v);
	n = json_string_length(v);
	o = out = xmalloc(n + 1);
	for (i = 0; i < n; i++) {
		unsigned char	 c = (unsigned char)s[i];

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			space = o != out;
			continue;
		}
		if (c < 0x20 || c == 0x7f) {
			snprintf(why, whylen, "%s (%s): có ký tự điều khiển",
			    what, edit_lang_vi[l]);
			free(out);
			return (NULL);
		}
		if (space)
			*o++ = ' ';
		space = 0;
		*o++ = (char)c;
	}
	*o = '\0';
	n = (size_t)(o - out);
	if (n == 0) {
		snprintf(why, whylen, "%s: thiếu bản %s", what,
		    edit_lang_vi[l]);
		free(out);
		return (NULL);
	}
	if (n > SURVEY_TEXT_MAX || !utf8_valid(out, n)) {
		snprintf(why, whylen, "%s (%s): dài quá %d byte (%zu)", what,
		    edit_lang_vi[l], SURVEY_TEXT_MAX, n);
		free(out);
		return (NULL);
	}
	if (strstr(out, " ;") != NULL || strstr(out, " #") != NULL) {
		snprintf(why, whylen, "%s (%s): không được có dấu cách rồi "
		    "dấu ; hoặc # (tệp khảo sát đọc đó là ghi chú)", what,
		    edit_lang_vi[l]);
		free(out);
		return (NULL);
	}
	return (out);
}

/* A text {vi, en, km} into t (empty). optional: none given is fine. */
static int
edit_text(const json_t *o, struct text *t, const char *what, int optional,
    char *why, size_t whylen)
{
	const json_t	*v;
	int		 l, given = 0;

	if (o != NULL && !json_is_object(o)) {
		snprintf(why, whylen, "%s: cần {\"vi\", \"en\", \"km\"}",
		    what);
		return (-1);
	}
	for (l = 0; o != NULL && l < LANG_COUNT; l++)
		if ((v = json_object_get(o, lang_code(l))) != NULL &&
		    json_is_string(v) && json_string_length(v) > 0)
			given++;
	if (optional && given == 0)
		return (0);
	if (o != NULL && json_object_size(o) > LANG_COUNT) {
		snprintf(why, whylen, "%s: chỉ có vi, en, km", what);
		return (-1);
	}
	for (l = 0; l < LANG_COUNT; l++)
		if ((t->s[l] = edit_string(o != NULL ?
		    json_object_get(o, lang_code(l)) : NULL, what, l, why,
		    whylen)) == NULL)
			return (-1);
	return (0);
}

static int
edit_id(const json_t *v, char *out, size_t outlen, const char *what,
    char *why, size_t whylen)
{
	const char	*s = json_string_value(v);

	if (s == NULL || !ident_valid(s, json_string_length(v),
	    QUESTION_ID_MAX)) {
		snprintf(why, whylen, "%s: mã gồm 1 đến %d ký tự a-z, 0-9 "
		    "và _", what, QUESTION_ID_MAX);
		return (-1);
	}
	strlcpy(out, s, outlen);
	return (0);
}

/* The options of question q (cur: the same question in use, or NULL). */
static int
edit_options(const struct survey_question *cur, struct survey_question *q,
    const json_t *a, char *why, size_t whylen)
{
	const json_t		*o, *r;
	struct survey_option	*op;
	char			 what[128];
	size_t			 j, k, n, asked = 0;

	if (!json_is_array(a)) {
		snprintf(why, whylen, "câu hỏi %s: thiếu danh sách phương án",
		    q->id);
		return (-1);
	}
	n = json_array_size(a);
	if (cur != NULL && n < cur->noptions) {
		snprintf(why, whylen, "câu hỏi %s: thiếu phương án %s; không "
		    "được bỏ phương án (hãy cho ngừng hỏi)", q->id,
		    cur->options[n].id);
		return (-1);
	}
	if (n > SURVEY_OPTIONS_MAX) {
		snprintf(why, whylen, "câu hỏi %s: quá %d phương án", q->id,
		    SURVEY_OPTIONS_MAX);
		return (-1);
	}
	if (cur != NULL && cur->kind == QK_SCALE && n != cur->noptions) {
		snprintf(why, whylen, "câu hỏi %s: thang đánh giá không thêm "
		    "phương án được", q->id);
		return (-1);
	}
	for (j = 0; j < n; j++) {
		o = json_array_get(a, j);
		op = &q->options[j];
		q->noptions = j + 1;
		snprintf(what, sizeof(what), "câu hỏi %s, phương án %zu",
		    q->id, j + 1);
		if (!json_is_object(o) || edit_id(json_object_get(o, "id"),
		    op->id, sizeof(op->id), what, why, whylen) == -1) {
			if (!json_is_object(o))
				snprintf(why, whylen, "%s: cần một đối tượng "
				    "JSON", what);
			return (-1);
		}
		if (cur != NULL && j < cur->noptions &&
		    strcmp(op->id, cur->options[j].id) != 0) {
			snprintf(why, whylen, "câu hỏi %s: phương án thứ %zu "
			    "phải là %s; không được bỏ hay đổi chỗ phương án "
			    "(hãy cho ngừng hỏi)", q->id, j + 1,
			    cur->options[j].id);
			return (-1);
		}
		for (k = 0; k < j; k++)
			if (strcmp(q->options[k].id, op->id) == 0) {
				snprintf(why, whylen, "câu hỏi %s: phương án "
				    "%s có hai lần", q->id, op->id);
				return (-1);
			}
		snprintf(what, sizeof(what), "câu hỏi %s, phương án %s",
		    q->id, op->id);
		if (edit_text(json_object_get(o, "text"), &op->label, what, 0,
		    why, whylen) == -1)
			return (-1);
		r = json_object_get(o, "retired");
		if (r != NULL && !json_is_boolean(r)) {
			snprintf(why, whylen, "%s: retired là true hoặc false",
			    what);
			return (-1);
		}
		op->retired = json_is_true(r);
		if (op->retired && q->kind == QK_SCALE) {
			snprintf(why, whylen, "câu hỏi %s: thang đánh giá "
			    "không ngừng phương án được", q->id);
			return (-1);
		}
		if (!op->retired)
			asked++;
	}
	if (q->kind != QK_SCALE && asked < 2) {
		snprintf(why, whylen, "câu hỏi %s cần ít nhất 2 phương án "
		    "đang hỏi", q->id);
		return (-1);
	}
	return (0);
}

static int
edit_question(const struct survey *cur, struct survey *d, size_t i,
    const json_t *o, char *why, size_t whylen)
{
	const struct survey_question	*cq = i < cur->nquestions ?
					    &cur->questions[i] : NULL;
	struct survey_question		*q = &d->questions[i];
	const json_t			*v;
	const char			*kind;
	char				 what[64];
	size_t				 k;

	snprintf(what, sizeof(what), "câu hỏi thứ %zu", i + 1);
	if (!json_is_object(o)) {
		snprintf(why, whylen, "%s: cần một đối tượng JSON", what);
		return (-1);
	}
	if (edit_id(json_object_get(o, "id"), q->id, sizeof(q->id), what,
	    why, whylen) == -1)
		return (-1);
	if (cq != NULL && strcmp(q->id, cq->id) != 0) {
		snprintf(why, whylen, "câu hỏi thứ %zu phải là %s; không được "
		    "bỏ hay đổi chỗ câu hỏi (câu mới thêm vào cuối)", i + 1,
		    cq->id);
		return (-1);
	}
	for (k = 0; k < i; k++)
		if (strcmp(d->questions[k].id, q->id) == 0) {
			snprintf(why, whylen, "câu hỏi %s có hai lần", q->id);
			return (-1);
		}
	kind = json_string_value(json_object_get(o, "kind"));
	if (cq != NULL) {
		q->kind = cq->kind;
		q->required = cq->required;
		q->highest_first = cq->highest_first;
		if (kind != NULL && strcmp(kind, edit_kind(cq->kind)) != 0) {
			snprintf(why, whylen, "câu hỏi %s: không được đổi loại "
			    "câu hỏi", q->id);
			return (-1);
		}
	} else {
		if (kind == NULL || (strcmp(kind, "choice") != 0 &&
		    strcmp(kind, "multi") != 0)) {
			snprintf(why, whylen, "câu hỏi %s: loại là choice "
			    "hoặc multi", q->id);
			return (-1);
		}
		q->kind = strcmp(kind, "multi") == 0 ? QK_MULTI : QK_CHOICE;
		if ((q->kind == QK_MULTI) !=
		    (strcmp(q->id, SURVEY_REASONS) == 0)) {
			snprintf(why, whylen, "câu hỏi %s: chỉ câu hỏi %s (lý "
			    "do không hài lòng) là loại multi", q->id,
			    SURVEY_REASONS);
			return (-1);
		}
		v = json_object_get(o, "required");
		if (v != NULL && !json_is_boolean(v)) {
			snprintf(why, whylen, "câu hỏi %s: required là true "
			    "hoặc false", q->id);
			return (-1);
		}
		q->required = json_is_true(v);
	}
	snprintf(what, sizeof(what), "câu hỏi %s", q->id);
	if (edit_text(json_object_get(o, "text"), &q->text, what, 0, why,
	    whylen) == -1)
		return (-1);
	return (edit_options(cq, q, json_object_get(o, "options"), why,
	    whylen));
}

enum hl_rc
survey_edit_draft(const struct survey *cur, const json_t *draft,
    char **text, size_t *len, struct survey **sp, char *why, size_t whylen)
{
	struct survey	*d;
	struct text	*t;
	const json_t	*texts, *qs, *v;
	const char	*key;
	struct buf	 b;
	char		 name[32], sub[SURVEY_EDIT_REASON_MAX];
	size_t		 i, n;
	enum hl_rc	 rc = HL_INVALID;

	*text = NULL;
	*len = 0;
	*sp = NULL;
	buf_init(&b, INI_FILE_MAX);
	d = xcalloc(1, sizeof(*d));
	if (!json_is_object(draft)) {
		snprintf(why, whylen, "cần một đối tượng JSON");
		goto out;
	}
	json_object_foreach((json_t *)draft, key, v)
		if (strcmp(key, "id") != 0 && strcmp(key, "version") != 0 &&
		    strcmp(key, "texts") != 0 &&
		    strcmp(key, "questions") != 0 &&
		    strcmp(key, "satisfied") != 0 &&
		    strcmp(key, "kinds") != 0) {
			snprintf(why, whylen, "trường không biết: %.32s", key);
			goto out;
		}
	v = json_object_get(draft, "id");
	if (v != NULL && (!json_is_string(v) ||
	    strcmp(json_string_value(v), cur->id) != 0)) {
		snprintf(why, whylen, "id: phải là %s", cur->id);
		goto out;
	}
	v = json_object_get(draft, "version");
	if (!json_is_integer(v)) {
		snprintf(why, whylen, "version: số phiên bản đã sửa (%u)",
		    cur->version);
		goto out;
	}
	if (json_integer_value(v) != (json_int_t)cur->version) {
		snprintf(why, whylen, "bản nháp sửa từ phiên bản %lld nhưng "
		    "phiên bản hiện hành là %u: hãy mở lại trang",
		    (long long)json_integer_value(v), cur->version);
		rc = HL_CONFLICT;
		goto out;
	}
	strlcpy(d->id, cur->id, sizeof(d->id));
	d->version = cur->version + 1;
	d->satisfied = cur->satisfied;
	d->nkinds = cur->nkinds;
	memcpy(d->kinds, cur->kinds, sizeof(d->kinds));
	texts = json_object_get(draft, "texts");
	if (!json_is_object(texts)) {
		snprintf(why, whylen, "texts: thiếu các lời của khảo sát");
		goto out;
	}
	n = 0;
	for (i = 0; (t = edit_top(d, i, name, sizeof(name))) != NULL; i++) {
		v = json_object_get(texts, name);
		if (v != NULL)
			n++;
		snprintf(sub, sizeof(sub), "%s", i < EDIT_TOP_FIXED ?
		    edit_top_vi[i] : name);
		if (edit_text(v, t, sub, i >= EDIT_TOP_FIXED, why,
		    whylen) == -1)
			goto out;
	}
	if (n != json_object_size(texts)) {
		snprintf(why, whylen, "texts: có lời không biết (title, intro, "
		    "intro.received, intro.supplement, intro.refused, comment, "
		    "thanks)");
		goto out;
	}
	qs = json_object_get(draft, "questions");
	if (!json_is_array(qs) || json_array_size(qs) < cur->nquestions) {
		snprintf(why, whylen, "questions: thiếu câu hỏi; không được bỏ "
		    "câu hỏi");
		goto out;
	}
	if (json_array_size(qs) > SURVEY_QUESTIONS_MAX) {
		snprintf(why, whylen, "questions: quá %d câu hỏi",
		    SURVEY_QUESTIONS_MAX);
		goto out;
	}
	for (i = 0; i < json_array_size(qs); i++) {
		d->nquestions = i + 1;
		if (edit_question(cur, d, i, json_array_get(qs, i), why,
		    whylen) == -1)
			goto out;
	}
	if (survey_edit_ini(d, &b, why, whylen) == -1)
		goto out;
	/* The file's every rule, as survey.c reads it. */
	if (b.data == NULL || survey_load_mem("bản nháp", b.data, b.len, sp,
	    sub, sizeof(sub)) == -1) {
		snprintf(why, whylen, "bản nháp không hợp lệ: %s", sub);
		goto out;
	}
	*len = b.len;
	*text = buf_steal(&b, NULL);
	rc = HL_OK;
out:
	buf_clear(&b);
	survey_free(d);
	return (rc);
}

/* ------------------------------------------------------------ the diff */

static void
edit_flat_text(json_t *o, const char *prefix, const struct text *t)
{
	char	 key[96];
	int	 l;

	for (l = 0; l < LANG_COUNT; l++)
		if (t->s[l] != NULL) {
			snprintf(key, sizeof(key), "%s.%s", prefix,
			    lang_code(l));
			json_object_set_new(o, key, json_string(t->s[l]));
		}
}

/* Every text and rule of s, as key -> string. */
static json_t *
edit_flat(const struct survey *s)
{
	const struct survey_question	*q;
	const struct text		*t;
	struct buf			 r;
	json_t				*o = json_object();
	char				 name[96];
	size_t				 i, j;

	if (s == NULL)
		return (o);
	for (i = 0; (t = edit_top(s, i, name, sizeof(name))) != NULL; i++)
		edit_flat_text(o, name, t);
	for (i = 0; i < s->nquestions; i++) {
		q = &s->questions[i];
		snprintf(name, sizeof(name), "question.%s.kind", q->id);
		json_object_set_new(o, name, json_string(edit_kind(q->kind)));
		snprintf(name, sizeof(name), "question.%s.text", q->id);
		edit_flat_text(o, name, &q->text);
		buf_init(&r, 1024);
		for (j = 0; j < q->noptions; j++) {
			snprintf(name, sizeof(name), "question.%s.option.%s",
			    q->id, q->options[j].id);
			edit_flat_text(o, name, &q->options[j].label);
			if (q->options[j].retired)
				buf_printf(&r, "%s%s", r.len > 0 ? " " : "",
				    q->options[j].id);
		}
		if (r.len > 0) {
			snprintf(name, sizeof(name), "question.%s.retired",
			    q->id);
			json_object_set_new(o, name, json_stringn(r.data,
			    r.len));
		}
		buf_clear(&r);
	}
	return (o);
}

void
survey_edit_diff(const struct survey *a, const struct survey *b,
    json_t **before, json_t **after)
{
	json_t		*fa = edit_flat(a), *fb = edit_flat(b);
	json_t		*ta, *tb, *v, *w;
	const char	*key;

	ta = json_object();
	tb = json_object();
	json_object_foreach(fa, key, v) {
		w = json_object_get(fb, key);
		if (w == NULL || !json_equal(v, w)) {
			json_object_set(ta, key, v);
			if (w != NULL)
				json_object_set(tb, key, w);
		}
	}
	json_object_foreach(fb, key, w)
		if (json_object_get(fa, key) == NULL)
			json_object_set(tb, key, w);
	*before = a == NULL ? NULL : json_pack("{s:s,s:i,s:o}", "id",
	    a->id, "version", (int)a->version, "texts", ta);
	if (a == NULL)
		json_decref(ta);
	*after = json_pack("{s:s,s:i,s:o}", "id", b->id, "version",
	    (int)b->version, "texts", tb);
	json_decref(fa);
	json_decref(fb);
}
