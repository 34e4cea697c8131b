#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "buf.h"
#include "catalog.h"
#include "page.h"
#include "uitext.h"
#include "store.h"
#include "survey.h"
#include "tpl.h"
#include "util.h"

/*
 * page.c: the citizen's pages. Each page is one template rendered over a
 * JSON context built here: "lang", "t" (the strings.ini section of the
 * language, read by uitext.c), "langs" (the language switch) and the
 * page's own fields.
 */

/*
 * The survey page of a plain visit differs between tickets only in the
 * procedure (or service), the unit and the token: it is rendered once
 * per survey and language
 * with markers in their places and cut into pieces there, so that a
 * visit costs a few copies instead of a render.
 */
#define PAGE_PIECES_MAX	32
#define PAGE_MARK	'\x01'

struct page_piece {
	size_t	 off;
	size_t	 len;
	char	 then;		/* 'P'rocedure, 'U'nit, 'T'oken or 0 */
};

struct page_pre {
	char			*html;
	size_t			 n;
	struct page_piece	 piece[PAGE_PIECES_MAX];
};

struct pages;
static int	 page_pre_init(struct pages *, size_t, enum lang, char *,
		    size_t);
static int	 page_msgs_init(struct pages *, char *, size_t);

#define PAGE_MSGS	(MSG_ERROR + 1)

struct pages {
	struct page_pre		 pre[SURVEYS_MAX][LANG_COUNT];
	char			*msg[LANG_COUNT][PAGE_MSGS];
	size_t			 msglen[LANG_COUNT][PAGE_MSGS];
	struct tplset		*ts;
	const struct tpl	*survey_t;
	const struct tpl	*message_t;
	const struct tpl	*slip_t;
	const struct tpl	*home_t;
	json_t			*str[LANG_COUNT];	/* key -> text */
	json_t			*langs[LANG_COUNT];	/* the switch */
	const struct surveys	*svs;
	/* The app's catalogue, swapped while serving: read it anew. */
	struct catalog *_Atomic	*catp;
};

/* Every key the templates and this file use; all languages have them. */
static const char *const page_keys[] = {
	"lang_name", "site_name", "language", "procedure", "service", "unit",
	"required", "optional", "choose_one", "choose_any", "comment_hint",
	"submit", "error_heading", "anonymous", "form_error",
	"form_error_comment", "form_error_invalid", "more_heading",
	"msg_thanks_title", "msg_thanks_text",
	"msg_answered_title", "msg_answered_text",
	"msg_expired_title", "msg_expired_text",
	"msg_not_found_title", "msg_not_found_text",
	"msg_bad_request_title", "msg_bad_request_text",
	"msg_unavailable_title", "msg_unavailable_text",
	"msg_error_title", "msg_error_text",
	"slip_title", "slip_instruction", "slip_code", "slip_issued",
	"slip_expires", "slip_print",
	"home_title", "home_intro", "home_code_label", "home_code_hint",
	"home_submit", "home_code_error", "home_code_short", "home_code_long",
	"home_code_bad", "home_hotline", "home_help", "back_home",
	"next_heading", "next_hotline", "next_portal", "portal_name",
	"portal_url",
	"fu_heading", "fu_intro", "fu_kind", "fu_kind_complaint",
	"fu_kind_request", "fu_text", "fu_text_hint", "fu_phone",
	"fu_phone_hint", "fu_consent", "fu_submit", "fu_error_heading",
	"fu_error_text", "fu_error_long", "fu_error_phone",
	"fu_error_consent", "fu_sent", "fu_yours", "fu_answer",
	"fu_waiting", "fu_state", "fu_state_open", "fu_state_answered",
	"fu_state_closed"
};

/* By enum page_msg. */
static const char *const page_msgs[] = {
	"thanks", "answered", "expired", "not_found", "bad_request",
	"unavailable", "error"
};
_Static_assert(sizeof(page_msgs) / sizeof(*page_msgs) == PAGE_MSGS,
    "one name per enum page_msg");

/* Mouth of the face beside each level of the overall scale (1..5). */
static const char *const page_mouths[SURVEY_LEVELS] = {
	"M9 23q7-8 14 0",	/* frown */
	"M10 22q6-4 12 0",
	"M10 21h12",		/* straight */
	"M10 20q6 4 12 0",
	"M9 19q7 8 14 0"	/* big smile */
};

/* Every page the server renders: all compiled at start, none per request. */
static const char *const page_templates[] = {
	"survey", "message", "slip", "home", "report", "signin", "counter",
	"admin"
};

static void
page_why(char *why, size_t whylen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
page_why(char *why, size_t whylen, const char *fmt, ...)
{
	va_list	 ap;

	if (why == NULL || whylen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
}

const char *
page_text(const struct pages *p, enum lang l, const char *key)
{
	const char	*s;

	if ((unsigned)l >= LANG_COUNT)
		l = LANG_VI;
	s = json_string_value(json_object_get(p->str[l], key));
	return (s != NULL ? s : "");
}

json_t *
page_strings(const struct pages *p, enum lang l, const char *const *keys,
    size_t nkeys, char *why, size_t whylen)
{
	json_t	*o, *v;
	size_t	 i;

	if ((unsigned)l >= LANG_COUNT)
		l = LANG_VI;
	o = json_object();
	for (i = 0; i < nkeys; i++) {
		if ((v = json_object_get(p->str[l], keys[i])) == NULL) {
			page_why(why, whylen, "strings.ini: [%s]: key '%s' is "
			    "missing", lang_code(l), keys[i]);
			json_decref(o);
			return (NULL);
		}
		json_object_set(o, keys[i], v);
	}
	return (o);
}

const struct tpl *
page_tpl(const struct pages *p, const char *name)
{
	return (tpl_get(p->ts, name));
}

void
page_free(struct pages *p)
{
	int	 l, m;

	if (p == NULL)
		return;
	for (l = 0; l < LANG_COUNT; l++) {
		json_decref(p->str[l]);
		json_decref(p->langs[l]);
		for (m = 0; m < SURVEYS_MAX; m++)
			free(p->pre[m][l].html);
		for (m = 0; m < PAGE_MSGS; m++)
			free(p->msg[l][m]);
	}
	tpl_free(p->ts);
	free(p);
}

int
page_init(struct pages **pp, const char *tpl_dir, const struct surveys *sv,
    struct catalog *_Atomic *catp, char *why, size_t whylen)
{
	struct pages		*p;
	char			*path = NULL;
	json_t			*item;
	size_t			 i;
	int			 rc = -1, l, k;

	*pp = NULL;
	p = xcalloc(1, sizeof(*p));
	p->svs = sv;
	p->catp = catp;
	if (tpl_load(tpl_dir, &p->ts, why, whylen) == -1)
		goto out;
	for (i = 0; i < sizeof(page_templates) / sizeof(*page_templates);
	    i++)
		if (tpl_get(p->ts, page_templates[i]) == NULL) {
			page_why(why, whylen, "%s: no template %s.html",
			    tpl_dir, page_templates[i]);
			goto out;
		}
	p->survey_t = tpl_get(p->ts, "survey");
	p->message_t = tpl_get(p->ts, "message");
	p->slip_t = tpl_get(p->ts, "slip");
	p->home_t = tpl_get(p->ts, "home");
	if (asprintf(&path, "%s/strings.ini", tpl_dir) == -1)
		fatal("out of memory");
	if (uitext_load(path, page_keys, sizeof(page_keys) /
	    sizeof(*page_keys), p->str, why, whylen) == -1)
		goto out;
	rc = -1;
	for (l = 0; l < LANG_COUNT; l++) {
		p->langs[l] = json_array();
		for (k = 0; k < LANG_COUNT; k++) {
			item = json_pack("{s:s,s:O,s:s+,s:b}",
			    "code", lang_code(k),
			    "name", json_object_get(p->str[k], "lang_name"),
			    "href", "?lang=", lang_code(k),
			    "current", k == l);
			if (item == NULL)
				goto out;
			json_array_append_new(p->langs[l], item);
		}
	}
	for (l = 0; l < LANG_COUNT; l++)
		for (i = 0; i < sv->n; i++)
			if (page_pre_init(p, i, l, why, whylen) == -1)
				goto out;
	if (page_msgs_init(p, why, whylen) == -1)
		goto out;
	*pp = p;
	p = NULL;
	rc = 0;
out:
	free(path);
	page_free(p);
	return (rc);
}

/* Accept-Language q-value: "0", "1", "0.xyz", "1.000"; thousandths. */
static int
page_qvalue(const char *s, size_t len)
{
	size_t	 i;
	int	 q, scale = 100;

	if (len == 0 || (s[0] != '0' && s[0] != '1'))
		return (-1);
	q = (s[0] - '0') * 1000;
	if (len == 1)
		return (q);
	if (s[1] != '.' || len > 5)
		return (-1);
	for (i = 2; i < len; i++, scale /= 10) {
		if (s[i] < '0' || s[i] > '9')
			return (-1);
		q += (s[i] - '0') * scale;
	}
	return (q > 1000 ? -1 : q);
}

static void
page_trim(const char **s, size_t *len)
{
	while (*len > 0 && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*len)--;
	}
	while (*len > 0 && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
		(*len)--;
}

enum lang
page_lang(const char *query_lang, const char *accept_language)
{
	const char	*p, *end, *item, *semi, *param, *next;
	size_t		 len, ilen, tlen, plen, n;
	int		 l, q, best = -1, bestq = 0, items = 0;

	if (query_lang != NULL && (l = lang_parse(query_lang,
	    strnlen(query_lang, LANG_CODE_MAX + 1))) >= 0)
		return ((enum lang)l);
	if (accept_language == NULL)
		return (LANG_VI);
	len = strnlen(accept_language, PAGE_ACCEPT_LANG_MAX + 1);
	if (len > PAGE_ACCEPT_LANG_MAX)
		return (LANG_VI);
	p = accept_language;
	end = p + len;
	while (p < end && items++ < PAGE_ACCEPT_ITEMS_MAX) {
		next = memchr(p, ',', end - p);
		if (next == NULL)
			next = end;
		item = p;
		ilen = next - p;
		p = next + 1;
		/* The tag, then ";q=..." (other parameters are ignored). */
		semi = memchr(item, ';', ilen);
		tlen = semi != NULL ? (size_t)(semi - item) : ilen;
		page_trim(&item, &tlen);
		q = 1000;
		while (semi != NULL && q >= 0) {
			param = semi + 1;
			n = next - param;
			semi = memchr(param, ';', n);
			plen = semi != NULL ? (size_t)(semi - param) : n;
			page_trim(&param, &plen);
			if (plen >= 2 && (param[0] == 'q' || param[0] == 'Q') &&
			    param[1] == '=')
				q = page_qvalue(param + 2, plen - 2);
		}
		if (q <= 0)
			continue;
		/* Primary subtag only: "km-KH" is km. */
		n = 0;
		while (n < tlen && item[n] != '-')
			n++;
		if ((l = lang_parse(item, n)) >= 0 && q > bestq) {
			best = l;
			bestq = q;
		}
	}
	return (best >= 0 ? (enum lang)best : LANG_VI);
}

/* x in l, falling back to Vietnamese when that one is missing. */
static const char *
page_txt(const struct text *x, enum lang l)
{
	const char	*s = x->s[l];

	if (s == NULL || *s == '\0')
		s = x->s[LANG_VI];
	return (s != NULL ? s : "");
}

/* Sets a string when it is valid UTF-8 (input may not be). */
static void
page_set(json_t *o, const char *key, const char *s)
{
	json_t	*v;

	if (s != NULL && (v = json_string(s)) != NULL)
		json_object_set_new(o, key, v);
}

static json_t *
page_ctx(const struct pages *p, enum lang l)
{
	json_t	*ctx = json_object();

	if ((unsigned)l >= LANG_COUNT)
		l = LANG_VI;
	json_object_set_new(ctx, "lang", json_string(lang_code(l)));
	json_object_set(ctx, "t", p->str[l]);
	json_object_set(ctx, "langs", p->langs[l]);
	return (ctx);
}

static const char *
page_procedure(const struct pages *p, const char *code, enum lang l)
{
	const struct procedure	*pr;

	pr = catalog_procedure(*p->catp, code, strnlen(code, PROC_CODE_MAX));
	return (pr != NULL ? page_txt(&pr->name, l) : code);
}

/* What a ticket is for: its service's name, or its procedure's. */
static const char *
page_what(const struct pages *p, const struct ticket *t, enum lang l)
{
	const struct service	*v;

	if (t->service[0] == '\0')
		return (page_procedure(p, t->procedure, l));
	v = catalog_service(*p->catp, t->service,
	    strnlen(t->service, SERVICE_CODE_MAX));
	return (v != NULL ? page_txt(&v->name, l) : t->service);
}

/* The survey of a ticket, by index into p->svs (0: the procedure's). */
static size_t
page_survey_index(const struct pages *p, const struct ticket *t)
{
	const char		*id = ticket_survey(t);
	const struct survey	*s = surveys_find(p->svs, id, strlen(id));
	size_t			 i;

	for (i = 0; s != NULL && i < p->svs->n; i++)
		if (p->svs->s[i] == s)
			return (i);
	return (0);
}

static const char *
page_unit(const struct pages *p, const char *code, enum lang l)
{
	const struct unit	*u;

	u = catalog_unit(*p->catp, code, strnlen(code, UNIT_CODE_MAX));
	return (u != NULL ? page_txt(&u->name, l) : code);
}

/* 1 when prev holds (q, level). */
static int
page_checked(const struct answer *prev, size_t nprev, const char *q,
    int level)
{
	size_t	 i;

	for (i = 0; prev != NULL && i < nprev; i++)
		if (prev[i].level == level &&
		    strncmp(prev[i].q, q, sizeof(prev[i].q)) == 0)
			return (1);
	return (0);
}

/* A choice or multi question: name, text, multi, required, options. */
static json_t *
page_question(const struct survey_question *q, enum lang lang,
    const struct answer *prev, size_t nprev)
{
	json_t	*o, *opts;
	size_t	 i, k, asked;

	o = json_object();
	json_object_set_new(o, "name", json_string(q->id));
	page_set(o, "text", page_txt(&q->text, lang));
	json_object_set_new(o, "multi", json_boolean(q->kind == QK_MULTI));
	json_object_set_new(o, "required", json_boolean(q->required));
	for (k = 0, asked = 0; k < q->noptions; k++)
		if (!q->options[k].retired)
			asked++;
	/* Three short answers side by side; reasons two by two. */
	json_object_set_new(o, "cols", json_integer(q->kind != QK_MULTI &&
	    asked % 3 == 0 ? 3 : 2));
	opts = json_array();
	for (i = 0; i < q->noptions; i++) {
		k = q->highest_first ? q->noptions - 1 - i : i;
		if (!q->options[k].retired ||
		    page_checked(prev, nprev, q->id, (int)k + 1))
			json_array_append_new(opts, json_pack("{s:s,s:s,s:b}",
			    "value", q->options[k].id,
			    "label", page_txt(&q->options[k].label, lang),
			    "checked", page_checked(prev, nprev, q->id,
			    (int)k + 1)));
	}
	json_object_set_new(o, "options", opts);
	return (o);
}

static int
page_survey_render(const struct pages *p, struct buf *out,
    const struct ticket *t, const char *token, enum lang lang,
    const char *error, const struct answer *prev, size_t nprev,
    const char *comment, const char *skip, int stage)
{
	const struct survey		*sv;
	const struct survey_question	*q;
	json_t				*ctx, *o, *opts, *qs;
	char				*action;
	size_t				 i;
	int				 rc, level, k;

	if ((unsigned)lang >= LANG_COUNT)
		lang = LANG_VI;
	sv = p->svs->s[page_survey_index(p, t)];
	ctx = page_ctx(p, lang);
	page_set(ctx, "title", page_txt(&sv->title, lang));
	page_set(ctx, "intro", page_txt(&sv->intro, lang));
	/* A ticket at a stage before the result says which. */
	if (stage > STAGE_RETURNED && stage < STAGE_COUNT &&
	    sv->intro_stage[stage].s[lang] != NULL)
		page_set(ctx, "stage_intro", page_txt(&sv->intro_stage[stage],
		    lang));
	page_set(ctx, "comment_prompt", page_txt(&sv->comment_prompt, lang));
	page_set(ctx, "what", page_text(p, lang, sv == p->svs->s[0] ?
	    "procedure" : "service"));
	page_set(ctx, "procedure", page_what(p, t, lang));
	page_set(ctx, "unit", page_unit(p, t->unit, lang));
	if (asprintf(&action, "/s/%s", token) == -1)
		fatal("out of memory");
	page_set(ctx, "action", action);
	free(action);
	if (error != NULL)
		page_set(ctx, "error", error[0] != '\0' ? error :
		    page_text(p, lang, "msg_bad_request_text"));
	page_set(ctx, "comment", comment);

	/* The overall scale, highest level first. */
	q = sv->overall;
	o = json_object();
	page_set(o, "text", page_txt(&q->text, lang));
	json_object_set_new(o, "name", json_string(q->id));
	opts = json_array();
	/* Values are levels (a short scale's option ids: 2 4 5). */
	for (k = (int)q->noptions - 1; k >= 0; k--) {
		level = q->options[k].id[0] - '0';
		json_array_append_new(opts, json_pack("{s:i,s:s,s:s,s:b}",
		    "value", level,
		    "label", page_txt(&q->options[k].label, lang),
		    "mouth", level >= 1 && level <= SURVEY_LEVELS ?
		    page_mouths[level - 1] : "M10 21h12",
		    "checked", page_checked(prev, nprev, q->id, level)));
	}
	json_object_set_new(o, "options", opts);
	json_object_set_new(ctx, "overall", o);

	/* Reasons right below the scale they explain, then the others. */
	if (sv->reasons != NULL)
		json_object_set_new(ctx, "reasons", page_question(sv->reasons,
		    lang, prev, nprev));
	qs = json_array();
	for (i = 0; i < sv->nquestions; i++) {
		q = &sv->questions[i];
		if (q != sv->overall && q != sv->reasons &&
		    (skip == NULL || strcmp(q->id, skip) != 0))
			json_array_append_new(qs, page_question(q, lang, prev,
			    nprev));
	}
	json_object_set_new(ctx, "questions", qs);

	rc = tpl_render(p->survey_t, ctx, out);
	json_decref(ctx);
	return (rc);
}

/* Renders the plain survey page of lang with markers, cuts it up. */
static int
page_pre_init(struct pages *p, size_t si, enum lang lang, char *why,
    size_t whylen)
{
	static const char	 marks[] = "PUT";
	struct page_pre		*pre = &p->pre[si][lang];
	struct ticket		 t;
	struct buf		 b;
	char			 token[4] = { PAGE_MARK, 'T', PAGE_MARK, '\0' };
	size_t			 i, start = 0;

	memset(&t, 0, sizeof(t));
	strlcpy(t.survey, p->svs->s[si]->id, sizeof(t.survey));
	t.procedure[0] = t.procedure[2] = PAGE_MARK;
	t.procedure[1] = 'P';
	t.unit[0] = t.unit[2] = PAGE_MARK;
	t.unit[1] = 'U';
	buf_init(&b, PAGE_MAX);
	if (page_survey_render(p, &b, &t, token, lang, NULL, NULL, 0,
	    NULL, NULL, STAGE_RETURNED) == -1) {
		buf_clear(&b);
		page_why(why, whylen, "survey.html: cannot render");
		return (-1);
	}
	pre->html = buf_steal(&b, NULL);
	for (i = 0; pre->html[i] != '\0'; i++) {
		if (pre->html[i] != PAGE_MARK || pre->html[i + 1] == '\0' ||
		    strchr(marks, pre->html[i + 1]) == NULL ||
		    pre->html[i + 2] != PAGE_MARK)
			continue;
		if (pre->n == PAGE_PIECES_MAX - 1) {
			page_why(why, whylen, "survey.html: more than %d "
			    "places for the procedure, unit and token",
			    PAGE_PIECES_MAX - 1);
			return (-1);
		}
		pre->piece[pre->n++] = (struct page_piece){ start, i - start,
		    pre->html[i + 1] };
		start = i + 3;
		i += 2;
	}
	pre->piece[pre->n++] = (struct page_piece){ start, i - start, 0 };
	return (0);
}

int
page_survey(const struct pages *p, struct buf *out, const struct ticket *t,
    const char *token, enum lang lang, const char *error,
    const struct answer *prev, size_t nprev, const char *comment,
    const char *skip, int stage)
{
	const struct page_pre	*pre;
	const char		*s;
	size_t			 i;
	int			 rc = 0;

	if ((unsigned)lang >= LANG_COUNT)
		lang = LANG_VI;
	pre = &p->pre[page_survey_index(p, t)][lang];
	if (error != NULL || nprev > 0 || (comment != NULL &&
	    comment[0] != '\0') || skip != NULL || stage != STAGE_RETURNED ||
	    pre->html == NULL)
		return (page_survey_render(p, out, t, token, lang, error,
		    prev, nprev, comment, skip, stage));
	for (i = 0; i < pre->n && rc == 0; i++) {
		rc = buf_add(out, pre->html + pre->piece[i].off,
		    pre->piece[i].len);
		switch (pre->piece[i].then) {
		case 'P':
			s = page_what(p, t, lang);
			break;
		case 'U':
			s = page_unit(p, t->unit, lang);
			break;
		case 'T':
			s = token;
			break;
		default:
			continue;
		}
		if (rc == 0)
			rc = buf_add_html(out, s, strlen(s));
	}
	return (rc);
}

static int
page_message_render(const struct pages *p, struct buf *out, enum lang lang,
    enum page_msg msg, json_t *next, const struct survey *sv, json_t *fu)
{
	json_t	*ctx;
	char	 key[64];
	int	 rc;

	ctx = page_ctx(p, lang);
	snprintf(key, sizeof(key), "msg_%s_title", page_msgs[msg]);
	page_set(ctx, "title", page_text(p, lang, key));
	snprintf(key, sizeof(key), "msg_%s_text", page_msgs[msg]);
	page_set(ctx, "text", page_text(p, lang, key));
	/* The survey's own thanks, when it has one. */
	if (msg == MSG_THANKS && sv != NULL &&
	    page_txt(&sv->thanks, lang)[0] != '\0')
		page_set(ctx, "text", page_txt(&sv->thanks, lang));
	json_object_set_new(ctx, "msg", json_string(page_msgs[msg]));
	/* A survey not found: the box for the code on the receipt. */
	json_object_set_new(ctx, "form", json_boolean(msg == MSG_NOT_FOUND));
	if (next != NULL)
		json_object_set(ctx, "next", next);
	if (fu != NULL)
		json_object_set(ctx, "followup", fu);
	rc = tpl_render(p->message_t, ctx, out);
	json_decref(ctx);
	return (rc);
}

/* Message pages depend on the language only: rendered once at start. */
static int
page_msgs_init(struct pages *p, char *why, size_t whylen)
{
	struct buf	 b;
	int		 l, m;

	for (l = 0; l < LANG_COUNT; l++)
		for (m = 0; m < PAGE_MSGS; m++) {
			buf_init(&b, PAGE_MAX);
			if (page_message_render(p, &b, l, m, NULL,
			    p->svs->s[0], NULL) == -1) {
				buf_clear(&b);
				page_why(why, whylen, "message.html: cannot "
				    "render");
				return (-1);
			}
			p->msg[l][m] = buf_steal(&b, &p->msglen[l][m]);
		}
	return (0);
}

int
page_message(const struct pages *p, struct buf *out, enum lang lang,
    enum page_msg msg)
{
	if ((unsigned)lang >= LANG_COUNT)
		lang = LANG_VI;
	if ((unsigned)msg >= PAGE_MSGS)
		msg = MSG_ERROR;
	return (buf_add(out, p->msg[lang][msg], p->msglen[lang][msg]));
}

/*
 * Lines that text takes at per_line characters a line (a guess on the
 * long side: words wrap before the edge).
 */
static int
page_lines(const char *text, size_t per_line)
{
	size_t	 n = text != NULL ? utf8_chars(text, strlen(text)) : 0;

	return (n == 0 ? 1 : (int)((n + per_line - 1) / per_line));
}

/*
 * Heights in tenths of a mm of the slip's blocks, as slip.html sets them
 * (font sizes and line heights in mm); characters a line are what the
 * narrowest of the fonts it names fits, less a fifth for word wraps.
 */
int
page_slip_height(int width_mm, const char *procedure, const char *unit,
    const char *site)
{
	int	 w58 = width_mm == PAGE_SLIP_58, h;
	size_t	 cpl = w58 ? 24 : 34;	/* body text, characters a line */

	h = w58 ? 30 : 30;				/* padding */
	h += 2 * (w58 ? 45 : 55);			/* title: 2 lines */
	h += 2 * (w58 ? 40 : 45);			/* instruction */
	h += 2 * (w58 ? 60 : 65);			/* the Khmer line */
	h += (w58 ? 400 : 500) + 20;			/* QR */
	h += 2 * (w58 ? 35 : 40);			/* "or go to" */
	h += page_lines(site, w58 ? 26 : 32) * (w58 ? 45 : 50);
	h += w58 ? 75 : 95;				/* the code */
	h += 30;					/* rule */
	h += page_lines(procedure, cpl) * (w58 ? 40 : 45) + 10;
	h += page_lines(unit, cpl) * (w58 ? 40 : 45) + 10;
	h += 2 * ((w58 ? 40 : 45) + 10);		/* dates */
	return ((h + 9) / 10 + 8);			/* and a margin */
}

int
page_slip(const struct pages *p, struct buf *out, const struct ticket *t,
    const char *url, const char *code, const char *qr_svg, int width_mm)
{
	json_t		*ctx;
	struct tm	 tm;
	time_t		 tt = (time_t)t->issued, te = (time_t)t->expires;
	char		 date[32], size[64], *site = NULL;
	const char	*s, *proc, *unit;
	int		 rc;

	if (width_mm != PAGE_SLIP_58 && width_mm != PAGE_SLIP_80)
		return (-1);
	ctx = page_ctx(p, LANG_VI);
	proc = page_what(p, t, LANG_VI);
	page_set(ctx, "what", page_text(p, LANG_VI, t->service[0] != '\0' ?
	    "service" : "procedure"));
	unit = page_unit(p, t->unit, LANG_VI);
	page_set(ctx, "procedure", proc);
	page_set(ctx, "unit", unit);
	if (localtime_r(&tt, &tm) != NULL &&
	    strftime(date, sizeof(date), "%d/%m/%Y", &tm) > 0)
		page_set(ctx, "issued", date);
	if (localtime_r(&te, &tm) != NULL &&
	    strftime(date, sizeof(date), "%d/%m/%Y", &tm) > 0)
		page_set(ctx, "expires", date);
	page_set(ctx, "code", code);
	page_set(ctx, "km", page_text(p, LANG_KM, "slip_instruction"));
	json_object_set_new(ctx, "qr", json_string(qr_svg != NULL ?
	    qr_svg : ""));
	/*
	 * Where a code can be typed: the site without "/s/<token>" and
	 * without its scheme (browsers add it), then "/c".
	 */
	if (url != NULL && ((s = strstr(url, "/s/")) != NULL ||
	    (s = strstr(url, "/S/")) != NULL)) {
		if (strncmp(url, "https://", 8) == 0)
			url += 8;
		else if (strncmp(url, "http://", 7) == 0)
			url += 7;
		if (asprintf(&site, "%.*s/c", (int)(s - url), url) == -1)
			fatal("out of memory");
		page_set(ctx, "site", site);
	}
	json_object_set_new(ctx, "w58", json_boolean(width_mm ==
	    PAGE_SLIP_58));
	snprintf(size, sizeof(size), "%dmm %dmm", width_mm,
	    page_slip_height(width_mm, proc, unit, site));
	page_set(ctx, "page_size", size);
	rc = tpl_render(p->slip_t, ctx, out);
	json_decref(ctx);
	free(site);
	return (rc);
}

/* The digits and a leading '+' of a telephone number, for tel: links. */
static void
page_tel(const char *hotline, char *tel, size_t len)
{
	size_t	 i, n = 0;

	for (i = 0; hotline[i] != '\0' && n + 1 < len; i++)
		if ((hotline[i] >= '0' && hotline[i] <= '9') ||
		    (hotline[i] == '+' && n == 0))
			tel[n++] = hotline[i];
	tel[n] = '\0';
}

/*
 * The nearest unit from code up to the root that has a hotline, or NULL.
 * The walk is bounded: the tree was checked for cycles at load.
 */
static const struct unit *
page_hotline_unit(const struct pages *p, const char *code)
{
	const struct unit	*u;
	size_t			 hops;

	u = catalog_unit(*p->catp, code, strnlen(code, UNIT_CODE_MAX));
	for (hops = 0; u != NULL && hops <= (*p->catp)->nunits; hops++) {
		if (u->hotline[0] != '\0')
			return (u);
		if (u->parent[0] == '\0')
			break;
		u = catalog_unit(*p->catp, u->parent, strlen(u->parent));
	}
	return (NULL);
}

int
page_thanks(const struct pages *p, struct buf *out, enum lang lang,
    const struct ticket *t, int overall, json_t *fu)
{
	const struct survey	*sv;
	const struct unit	*u;
	json_t			*next;
	char			 tel[UNIT_HOTLINE_MAX + 1];
	int			 rc;

	if ((unsigned)lang >= LANG_COUNT)
		lang = LANG_VI;
	sv = p->svs->s[page_survey_index(p, t)];
	if ((overall < 1 || overall > SURVEY_LOW_LEVEL) && sv == p->svs->s[0] &&
	    fu == NULL)
		return (page_message(p, out, lang, MSG_THANKS));
	if (overall < 1 || overall > SURVEY_LOW_LEVEL)
		return (page_message_render(p, out, lang, MSG_THANKS, NULL,
		    sv, fu));
	next = json_object();
	if ((u = page_hotline_unit(p, t->unit)) != NULL) {
		page_tel(u->hotline, tel, sizeof(tel));
		page_set(next, "unit", page_txt(&u->name, lang));
		page_set(next, "hotline", u->hotline);
		page_set(next, "tel", tel);
	}
	rc = page_message_render(p, out, lang, MSG_THANKS, next, sv, fu);
	json_decref(next);
	return (rc);
}

int
page_answered(const struct pages *p, struct buf *out, enum lang lang,
    const struct ticket *t, json_t *fu)
{
	if ((unsigned)lang >= LANG_COUNT)
		lang = LANG_VI;
	return (page_message_render(p, out, lang, MSG_ANSWERED, NULL,
	    p->svs->s[page_survey_index(p, t)], fu));
}

int
page_filed(const struct pages *p, struct buf *out, enum lang lang,
    const struct ticket *t, json_t *fu)
{
	if ((unsigned)lang >= LANG_COUNT)
		lang = LANG_VI;
	return (page_message_render(p, out, lang, MSG_THANKS, NULL,
	    p->svs->s[page_survey_index(p, t)], fu));
}

/* What may be shown back of a typed code: A-Z a-z 0-9 '-' ' ', capped. */
static void
page_code_clean(const char *code, char *clean, size_t len)
{
	size_t	 i, n = 0;
	char	 c;

	for (i = 0; code != NULL && code[i] != '\0' && n + 1 < len; i++) {
		c = code[i];
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == ' ')
			clean[n++] = c;
	}
	clean[n] = '\0';
}

int
page_home(const struct pages *p, struct buf *out, enum lang lang,
    const char *error, const char *code)
{
	const struct unit	*root;
	json_t			*ctx, *langs, *item;
	char			 clean[PAGE_CODE_SHOWN + 1];
	char			 tel[UNIT_HOTLINE_MAX + 1];
	char			 href[PAGE_CODE_SHOWN + 32];
	size_t			 i;
	int			 rc, k;

	if ((unsigned)lang >= LANG_COUNT)
		lang = LANG_VI;
	ctx = page_ctx(p, lang);
	page_set(ctx, "error", error);
	if ((root = catalog_root(*p->catp)) != NULL) {
		page_set(ctx, "agency", page_txt(&root->name, lang));
		if (root->hotline[0] != '\0') {
			page_tel(root->hotline, tel, sizeof(tel));
			page_set(ctx, "hotline", root->hotline);
			page_set(ctx, "tel", tel);
		}
	}
	page_code_clean(code, clean, sizeof(clean));
	if (clean[0] != '\0') {
		page_set(ctx, "code", clean);
		/* The switch keeps what was typed. */
		for (i = 0; clean[i] != '\0'; i++)
			if (clean[i] == ' ')
				clean[i] = '+';
		langs = json_array();
		for (k = 0; k < LANG_COUNT; k++) {
			snprintf(href, sizeof(href), "/?code=%s&lang=%s", clean,
			    lang_code(k));
			item = json_pack("{s:s,s:O,s:s,s:b}",
			    "code", lang_code(k),
			    "name", json_object_get(p->str[k], "lang_name"),
			    "href", href, "current", k == (int)lang);
			if (item != NULL)
				json_array_append_new(langs, item);
		}
		json_object_set_new(ctx, "langs", langs);
	}
	rc = tpl_render(p->home_t, ctx, out);
	json_decref(ctx);
	return (rc);
}
