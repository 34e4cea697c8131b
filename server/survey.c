/*
 * survey.c: loads the survey definitions (schema/survey.ini and
 * survey-*.ini, through inifile.c), checks each whole before anything
 * uses it, checks a response's answers against it, and finds a survey by
 * id or by unit kind.
 *
 * Format of survey.ini (schema/README.md has the operator's version):
 *   [survey]             id (a-z 0-9 _), version (1..1000000),
 *                        title.L, intro.L, comment.L (the comment
 *                        prompt), thanks.L
 *   [question overall]   first; kind = scale; text.L; option.1.L ...
 *                        option.5.L (1 = rất không hài lòng ...
 *                        5 = rất hài lòng); always required
 *   [question ID]        kind = choice; required = yes|no (default no);
 *                        text.L; option.OPTID.L, options in the order
 *                        their ids first appear
 *   [question reasons]   kind = multi, otherwise like choice; asked when
 *                        overall <= SURVEY_LOW_LEVEL
 *   retired = ID ...     in a choice or multi question: options no
 *                        longer asked (kept so that old answers read)
 * where L is vi, en and km, all three required. An indented line
 * continues the text above it (joined with one space).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#include "model.h"
#include "survey.h"
#include "util.h"

#define SURVEY_VERSION_MAX	1000000
#define SURVEY_REASON_MAX	256
#define SURVEY_LIST_MAX		64	/* satisfied = ..., as written */

/* What a file must be: anything (tests), survey.ini, a survey-*.ini. */
enum {
	SURVEY_WANT_ANY,
	SURVEY_WANT_PROCEDURE,
	SURVEY_WANT_SERVICE
};

struct survey_ctx {
	struct survey	*s;
	int		 failed;
	char		 reason[SURVEY_REASON_MAX];
	char		 lastsec[INI_NAME_MAX + 1];
	char		 lastname[INI_NAME_MAX + 1];
	char		**lastslot;
	int		 haveid;
	int		 haveversion;
	int		 havesatisfied;
	int		 want;		/* SURVEY_WANT_* */
	const struct surveys *taken;	/* ids of the files before */
	char		 satisfied[SURVEY_LIST_MAX];	/* "4 5", checked
							   once options are */
	int		 nsections;	/* [question ...] headers */
	int		 kindset[SURVEY_QUESTIONS_MAX];
	int		 reqset[SURVEY_QUESTIONS_MAX];
	char		*retired[SURVEY_QUESTIONS_MAX];	/* "id id ..." */
};

static int
ctx_fail(struct survey_ctx *c, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(c->reason, sizeof(c->reason), fmt, ap);
	va_end(ap);
	c->failed = 1;
	return (0);
}

/*
 * When name is prefix.L for a language L, points *slotp at that
 * language's string of t and returns 1.
 */
static int
text_slot(const char *name, const char *prefix, struct text *t,
    char ***slotp)
{
	size_t	 n = strlen(prefix);
	int	 l;

	if (strncmp(name, prefix, n) != 0 || name[n] != '.')
		return (0);
	if ((l = lang_parse(name + n + 1, strlen(name + n + 1))) == -1)
		return (0);
	*slotp = &t->s[l];
	return (1);
}

static int
text_set(struct survey_ctx *c, char **slot, const char *name,
    const char *value)
{
	size_t	 n = strlen(value);

	if (*slot != NULL)
		return (ctx_fail(c, "%s given twice", name));
	if (n == 0)
		return (ctx_fail(c, "%s is empty", name));
	if (n > SURVEY_TEXT_MAX)
		return (ctx_fail(c, "%s longer than %d bytes", name,
		    SURVEY_TEXT_MAX));
	if (!utf8_valid(value, n))
		return (ctx_fail(c, "%s is not valid UTF-8", name));
	*slot = xstrdup(value);
	c->lastslot = slot;
	return (1);
}

static int
text_join(struct survey_ctx *c, const char *name, const char *value)
{
	char	*old = *c->lastslot;
	size_t	 a = strlen(old), b = strlen(value);

	if (b == 0)
		return (1);
	if (a + 1 + b > SURVEY_TEXT_MAX)
		return (ctx_fail(c, "%s longer than %d bytes", name,
		    SURVEY_TEXT_MAX));
	if (!utf8_valid(value, b))
		return (ctx_fail(c, "%s is not valid UTF-8", name));
	old = xrealloc(old, a + 1 + b + 1);
	old[a] = ' ';
	memcpy(old + a + 1, value, b + 1);
	*c->lastslot = old;
	return (1);
}

/* kinds = KIND ...: a service survey's, each kind in one survey only. */
static int
survey_kinds(struct survey_ctx *c, const char *value)
{
	struct survey	*s = c->s;
	const char	*p = value, *e;
	size_t		 n, i, k;

	if (c->want == SURVEY_WANT_PROCEDURE)
		return (ctx_fail(c, "kinds: only a service survey has them "
		    "(the procedure survey is every other unit's)"));
	if (s->nkinds > 0)
		return (ctx_fail(c, "kinds given twice"));
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		for (e = p; *e != '\0' && *e != ' ' && *e != '\t'; e++)
			;
		n = (size_t)(e - p);
		if (!ident_valid(p, n, SURVEY_KIND_MAX))
			return (ctx_fail(c, "kinds: unit kinds of 1 to %d "
			    "characters of a-z, 0-9 and _", SURVEY_KIND_MAX));
		if (s->nkinds == SURVEY_KINDS_MAX)
			return (ctx_fail(c, "kinds: at most %d",
			    SURVEY_KINDS_MAX));
		for (i = 0; c->taken != NULL && i < c->taken->n; i++)
			for (k = 0; k < c->taken->s[i]->nkinds; k++)
				if (strlen(c->taken->s[i]->kinds[k]) == n &&
				    memcmp(c->taken->s[i]->kinds[k], p,
				    n) == 0)
					return (ctx_fail(c, "kinds: %.*s is "
					    "survey %s's already", (int)n, p,
					    c->taken->s[i]->id));
		for (k = 0; k < s->nkinds; k++)
			if (strlen(s->kinds[k]) == n &&
			    memcmp(s->kinds[k], p, n) == 0)
				return (ctx_fail(c, "kinds: %.*s given twice",
				    (int)n, p));
		memcpy(s->kinds[s->nkinds], p, n);
		s->kinds[s->nkinds++][n] = '\0';
		p = e;
	}
	return (1);
}

static int
survey_key(struct survey_ctx *c, const char *name, const char *value)
{
	struct survey	*s = c->s;
	char		**slot, prefix[32];
	long long	 v;
	int		 st;

	if (strcmp(name, "id") == 0) {
		if (c->haveid)
			return (ctx_fail(c, "id given twice"));
		if (!ident_valid(value, strlen(value), SURVEY_ID_MAX))
			return (ctx_fail(c, "id must be 1 to %d characters "
			    "of a-z, 0-9 and _", SURVEY_ID_MAX));
		if (c->want == SURVEY_WANT_PROCEDURE &&
		    strcmp(value, SURVEY_PROCEDURE) != 0)
			return (ctx_fail(c, "id must be %s (the procedure "
			    "survey)", SURVEY_PROCEDURE));
		if (c->want == SURVEY_WANT_SERVICE &&
		    (survey_is_procedure(value) ||
		    strlen(value) > SURVEY_SERVICE_ID_MAX))
			return (ctx_fail(c, "id must be 1 to %d characters, "
			    "not %s or %s", SURVEY_SERVICE_ID_MAX,
			    SURVEY_PROCEDURE, SURVEY_PROCEDURE_OLD));
		if (c->taken != NULL &&
		    surveys_find(c->taken, value, strlen(value)) != NULL)
			return (ctx_fail(c, "id %s: another survey has it",
			    value));
		strlcpy(s->id, value, sizeof(s->id));
		c->haveid = 1;
		return (1);
	}
	if (strcmp(name, "version") == 0) {
		if (c->haveversion)
			return (ctx_fail(c, "version given twice"));
		if (parse_num(value, strlen(value), 1, SURVEY_VERSION_MAX,
		    &v) == -1)
			return (ctx_fail(c, "version must be a number from 1 "
			    "to %d", SURVEY_VERSION_MAX));
		s->version = (unsigned)v;
		c->haveversion = 1;
		return (1);
	}
	if (strcmp(name, "satisfied") == 0) {
		if (c->havesatisfied)
			return (ctx_fail(c, "satisfied given twice"));
		if (strlcpy(c->satisfied, value, sizeof(c->satisfied)) >=
		    sizeof(c->satisfied))
			return (ctx_fail(c, "satisfied: levels of the overall "
			    "question, such as 4 5"));
		c->havesatisfied = 1;
		return (1);
	}
	if (strcmp(name, "kinds") == 0)
		return (survey_kinds(c, value));
	if (text_slot(name, "title", &s->title, &slot) ||
	    text_slot(name, "intro", &s->intro, &slot) ||
	    text_slot(name, "comment", &s->comment_prompt, &slot) ||
	    text_slot(name, "thanks", &s->thanks, &slot))
		return (text_set(c, slot, name, value));
	/* intro.received.vi: the intro of a ticket at that stage. */
	for (st = STAGE_RETURNED + 1; st < STAGE_COUNT; st++) {
		snprintf(prefix, sizeof(prefix), "intro.%s",
		    dossier_stage_name(st));
		if (text_slot(name, prefix, &s->intro_stage[st], &slot))
			return (text_set(c, slot, name, value));
	}
	return (ctx_fail(c, "unknown key %s in [survey]", name));
}

static int
question_key(struct survey_ctx *c, struct survey_question *q,
    const char *name, const char *value)
{
	size_t			 qi = q - c->s->questions, i, n;
	struct survey_option	*o;
	const char		*id, *dot;
	char			**slot;
	int			 l;

	if (strcmp(name, "kind") == 0) {
		if (c->kindset[qi])
			return (ctx_fail(c, "kind given twice"));
		if (strcmp(value, "scale") == 0)
			q->kind = QK_SCALE;
		else if (strcmp(value, "choice") == 0)
			q->kind = QK_CHOICE;
		else if (strcmp(value, "multi") == 0)
			q->kind = QK_MULTI;
		else
			return (ctx_fail(c, "kind must be scale, choice or "
			    "multi"));
		c->kindset[qi] = 1;
		return (1);
	}
	if (strcmp(name, "order") == 0) {
		if (q->kind != QK_CHOICE)
			return (ctx_fail(c, "order: only a choice question "
			    "(after its kind)"));
		if (strcmp(value, "highest-first") == 0)
			q->highest_first = 1;
		else if (strcmp(value, "as-written") == 0)
			q->highest_first = 0;
		else
			return (ctx_fail(c, "order must be as-written or "
			    "highest-first"));
		return (1);
	}
	if (strcmp(name, "required") == 0) {
		if (c->reqset[qi])
			return (ctx_fail(c, "required given twice"));
		if (strcmp(value, "yes") == 0)
			q->required = 1;
		else if (strcmp(value, "no") == 0)
			q->required = 0;
		else
			return (ctx_fail(c, "required must be yes or no"));
		if (!q->required && strcmp(q->id, SURVEY_OVERALL) == 0)
			return (ctx_fail(c, "the overall question is always "
			    "required"));
		c->reqset[qi] = 1;
		return (1);
	}
	if (text_slot(name, "text", &q->text, &slot))
		return (text_set(c, slot, name, value));
	if (strcmp(name, "retired") == 0) {
		if (c->retired[qi] != NULL)
			return (ctx_fail(c, "retired given twice"));
		return (text_set(c, &c->retired[qi], name, value));
	}
	if (strncmp(name, "option.", 7) == 0 &&
	    (dot = strrchr(name + 7, '.')) != NULL &&
	    (l = lang_parse(dot + 1, strlen(dot + 1))) != -1) {
		id = name + 7;
		n = dot - id;
		if (!ident_valid(id, n, QUESTION_ID_MAX))
			return (ctx_fail(c, "option id must be 1 to %d "
			    "characters of a-z, 0-9 and _", QUESTION_ID_MAX));
		for (i = 0; i < q->noptions; i++)
			if (strlen(q->options[i].id) == n &&
			    memcmp(q->options[i].id, id, n) == 0)
				break;
		if (i == q->noptions) {
			if (q->noptions == SURVEY_OPTIONS_MAX)
				return (ctx_fail(c, "more than %d options",
				    SURVEY_OPTIONS_MAX));
			o = &q->options[q->noptions++];
			memcpy(o->id, id, n);
			o->id[n] = '\0';
		}
		return (text_set(c, &q->options[i].label.s[l], name, value));
	}
	return (ctx_fail(c, "unknown key %s in [question %s]", name, q->id));
}

/* Section names, seen before any key: [survey] and [question ID]. */
static int
survey_section(void *user, const char *section)
{
	struct survey_ctx	*c = user;
	const char		*id;

	if (strcmp(section, "survey") == 0)
		return (1);
	if (strncmp(section, "question ", 9) != 0)
		return (ctx_fail(c, "unknown section [%s]", section));
	id = section + 9;
	if (!ident_valid(id, strlen(id), QUESTION_ID_MAX))
		return (ctx_fail(c, "question id must be 1 to %d characters "
		    "of a-z, 0-9 and _", QUESTION_ID_MAX));
	if (++c->nsections > SURVEY_QUESTIONS_MAX)
		return (ctx_fail(c, "more than %d questions",
		    SURVEY_QUESTIONS_MAX));
	return (1);
}

static int
survey_handler(void *user, const char *section, const char *name,
    const char *value)
{
	struct survey_ctx	*c = user;
	struct survey		*s = c->s;
	struct survey_question	*q = NULL;
	const char		*id;
	size_t			 i;
	int			 rc;

	if (c->failed)
		return (1);	/* keep the first reason */
	if (c->lastslot != NULL && strcmp(section, c->lastsec) == 0 &&
	    strcmp(name, c->lastname) == 0)
		return (text_join(c, name, value));
	c->lastslot = NULL;
	strlcpy(c->lastsec, section, sizeof(c->lastsec));
	strlcpy(c->lastname, name, sizeof(c->lastname));

	if (strcmp(section, "survey") == 0)
		return (survey_key(c, name, value));
	if (strncmp(section, "question ", 9) != 0)
		return (ctx_fail(c, "unknown section [%s]", section));
	id = section + 9;
	if (!ident_valid(id, strlen(id), QUESTION_ID_MAX))
		return (ctx_fail(c, "question id must be 1 to %d characters "
		    "of a-z, 0-9 and _", QUESTION_ID_MAX));
	for (i = 0; i < s->nquestions; i++)
		if (strcmp(s->questions[i].id, id) == 0)
			q = &s->questions[i];
	if (q == NULL) {
		if (s->nquestions == SURVEY_QUESTIONS_MAX)
			return (ctx_fail(c, "more than %d questions",
			    SURVEY_QUESTIONS_MAX));
		q = &s->questions[s->nquestions++];
		strlcpy(q->id, id, sizeof(q->id));
		q->required = strcmp(id, SURVEY_OVERALL) == 0;
	}
	rc = question_key(c, q, name, value);
	return (rc);
}

static int
text_missing(const struct text *t)
{
	int	 l;

	for (l = 0; l < LANG_COUNT; l++)
		if (t->s[l] == NULL)
			return (l);
	return (-1);
}

/*
 * Marks the options named in list ("id id ...") retired. The overall
 * scale keeps its five; a question keeps at least two options asked.
 */
static int
survey_retire(struct survey_question *q, const char *list, const char *sec,
    const char *path, int line, char *why, size_t whylen)
{
	const char	*p = list, *e;
	size_t		 i, n, asked;
	int		 level;

	if (q->kind == QK_SCALE) {
		why_at(why, whylen, path, line, "[%s] the overall scale "
		    "cannot retire options", sec);
		return (-1);
	}
	for (;;) {
		while (*p == ' ' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		for (e = p; *e != '\0' && *e != ' ' && *e != ','; e++)
			;
		n = e - p;
		if ((level = survey_option_level(q, p, n)) == 0) {
			if (ident_valid(p, n, QUESTION_ID_MAX))
				why_at(why, whylen, path, line, "[%s] retired: "
				    "no option %.*s", sec, (int)n, p);
			else
				why_at(why, whylen, path, line, "[%s] retired: "
				    "option ids separated by spaces", sec);
			return (-1);
		}
		q->options[level - 1].retired = 1;
		p = e;
	}
	for (i = 0, asked = 0; i < q->noptions; i++)
		if (!q->options[i].retired)
			asked++;
	if (asked < 2) {
		why_at(why, whylen, path, line, "[%s] needs at least 2 options "
		    "that are not retired", sec);
		return (-1);
	}
	return (0);
}

/* A three-option scale's ids: levels 1..5, ascending. */
static int
survey_short_ids(const struct survey_question *q)
{
	size_t	 j;
	int	 prev = 0, v;

	for (j = 0; j < q->noptions; j++) {
		if (strlen(q->options[j].id) != 1)
			return (-1);
		v = q->options[j].id[0] - '0';
		if (v <= prev || v > SURVEY_LEVELS)
			return (-1);
		prev = v;
	}
	return (0);
}

/* The satisfied levels: given, or 4 5 (the top two of a short scale). */
static int
survey_satisfied(struct survey_ctx *c, struct survey *s)
{
	const char	*p = c->satisfied, *e;
	long long	 v;
	size_t		 n = s->overall->noptions;

	s->satisfied = 0;
	if (!c->havesatisfied) {
		s->satisfied = 1u << (s->overall->options[n - 1].id[0] - '1') |
		    1u << (s->overall->options[n - 2].id[0] - '1');
		return (0);
	}
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		for (e = p; *e != '\0' && *e != ' ' && *e != '\t'; e++)
			;
		if (parse_num(p, (size_t)(e - p), 1, SURVEY_LEVELS, &v) == -1 ||
		    survey_overall_index(s, (int)v) == -1 ||
		    (s->satisfied & (1u << (v - 1))))
			return (-1);
		s->satisfied |= 1u << (v - 1);
		p = e;
	}
	return (s->satisfied != 0 ? 0 : -1);
}

/* Checks made once the whole file is read. */
static int
survey_validate(struct survey_ctx *c, const struct ini_doc *doc,
    const char *path, char *why, size_t whylen)
{
	struct survey		*s = c->s;
	struct survey_question	*q;
	static const struct {
		const char	*name;
		size_t		 off;
	}			 texts[] = {
		{ "title", offsetof(struct survey, title) },
		{ "intro", offsetof(struct survey, intro) },
		{ "comment", offsetof(struct survey, comment_prompt) },
		{ "thanks", offsetof(struct survey, thanks) },
	};
	char			 sec[INI_NAME_MAX + 1], want[2];
	size_t			 i, j;
	int			 l, line;

	if ((line = inifile_line(doc, "survey")) == 0) {
		why_at(why, whylen, path, 0, "no [survey] section");
		return (-1);
	}
	if (!c->haveid || !c->haveversion) {
		why_at(why, whylen, path, line, "[survey] needs %s",
		    c->haveid ? "version" : "id");
		return (-1);
	}
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		l = text_missing((const struct text *)((const char *)s +
		    texts[i].off));
		if (l != -1) {
			why_at(why, whylen, path, line, "[survey] %s.%s "
			    "missing", texts[i].name, lang_code(l));
			return (-1);
		}
	}
	/* A stage's intro: in every language, or none. */
	for (j = STAGE_RETURNED + 1; j < STAGE_COUNT; j++) {
		l = text_missing(&s->intro_stage[j]);
		if (l != -1 && s->intro_stage[j].s[(l + 1) % LANG_COUNT] ==
		    NULL && s->intro_stage[j].s[(l + 2) % LANG_COUNT] == NULL)
			continue;	/* none given */
		if (l != -1) {
			why_at(why, whylen, path, line, "[survey] intro.%s.%s "
			    "missing", dossier_stage_name((int)j),
			    lang_code(l));
			return (-1);
		}
	}
	if (s->nquestions == 0 ||
	    strcmp(s->questions[0].id, SURVEY_OVERALL) != 0) {
		snprintf(sec, sizeof(sec), "question %s", SURVEY_OVERALL);
		line = inifile_line(doc, sec);
		why_at(why, whylen, path, line, "%s", line == 0 ?
		    "no [question overall]: it is required" :
		    "[question overall] must be the first question");
		return (-1);
	}
	for (i = 0; i < s->nquestions; i++) {
		q = &s->questions[i];
		snprintf(sec, sizeof(sec), "question %s", q->id);
		line = inifile_line(doc, sec);
		if (!c->kindset[i]) {
			why_at(why, whylen, path, line, "[%s] kind missing",
			    sec);
			return (-1);
		}
		if ((q->kind == QK_SCALE) != (i == 0)) {
			why_at(why, whylen, path, line, "[%s] kind scale is "
			    "for the overall question, and only for it", sec);
			return (-1);
		}
		if ((q->kind == QK_MULTI) !=
		    (strcmp(q->id, SURVEY_REASONS) == 0)) {
			why_at(why, whylen, path, line, "[%s] kind multi is "
			    "for the reasons question, and only for it", sec);
			return (-1);
		}
		if ((l = text_missing(&q->text)) != -1) {
			why_at(why, whylen, path, line, "[%s] text.%s "
			    "missing", sec, lang_code(l));
			return (-1);
		}
		if (q->kind == QK_SCALE && q->noptions != SURVEY_LEVELS &&
		    q->noptions != SURVEY_LEVELS_SHORT) {
			why_at(why, whylen, path, line, "[%s] needs exactly "
			    "%d options, not %zu (or %d on a short scale)",
			    sec, SURVEY_LEVELS, q->noptions,
			    SURVEY_LEVELS_SHORT);
			return (-1);
		}
		if (q->kind == QK_SCALE && q->noptions == SURVEY_LEVELS_SHORT &&
		    survey_short_ids(q) == -1) {
			why_at(why, whylen, path, line, "[%s] the ids of %d "
			    "options are the levels of the five-level scale "
			    "they count at, ascending (such as 2, 4, 5)", sec,
			    SURVEY_LEVELS_SHORT);
			return (-1);
		}
		if (q->noptions < 2) {
			why_at(why, whylen, path, line, "[%s] needs at least "
			    "2 options", sec);
			return (-1);
		}
		for (j = 0; j < q->noptions; j++) {
			want[0] = '1' + j;
			want[1] = '\0';
			if (q->kind == QK_SCALE &&
			    q->noptions == SURVEY_LEVELS &&
			    strcmp(q->options[j].id, want) != 0) {
				why_at(why, whylen, path, line, "[%s] option "
				    "ids must be 1 to %d in order", sec,
				    SURVEY_LEVELS);
				return (-1);
			}
			if ((l = text_missing(&q->options[j].label)) != -1) {
				why_at(why, whylen, path, line, "[%s] "
				    "option.%s.%s missing", sec,
				    q->options[j].id, lang_code(l));
				return (-1);
			}
		}
		if (c->retired[i] != NULL && survey_retire(q, c->retired[i],
		    sec, path, line, why, whylen) == -1)
			return (-1);
		if (q->kind == QK_MULTI)
			s->reasons = q;
	}
	s->overall = &s->questions[0];
	if (survey_satisfied(c, s) == -1) {
		why_at(why, whylen, path, inifile_line(doc, "survey"),
		    "[survey] satisfied: levels of the overall question "
		    "(option ids), each once, such as 4 5");
		return (-1);
	}
	return (0);
}

/* survey_load() and survey_load_mem(): text is NULL to read path. */
static int
survey_load_from(const char *path, const char *text, size_t len,
    int want, const struct surveys *taken, struct survey **sp, char *why,
    size_t whylen)
{
	struct survey_ctx	*c;
	struct ini_doc		*doc;
	char			*copy = NULL;
	size_t			 i;
	int			 rc = -1;

	*sp = NULL;
	c = xcalloc(1, sizeof(*c));
	doc = xcalloc(1, sizeof(*doc));
	c->s = xcalloc(1, sizeof(*c->s));
	c->want = want;
	c->taken = taken;
	if (text == NULL) {
		if (inifile_parse(path, survey_section, survey_handler, c,
		    c->reason, doc, why, whylen) == -1)
			goto out;
	} else {
		if (len > INI_FILE_MAX) {
			why_at(why, whylen, path, 0, "larger than %d bytes",
			    INI_FILE_MAX);
			goto out;
		}
		copy = xmalloc(len + 1);	/* inih wants a NUL */
		memcpy(copy, text, len);
		copy[len] = '\0';
		if (inifile_parse_text(path, copy, len, survey_section,
		    survey_handler, c, c->reason, doc, why, whylen) == -1)
			goto out;
	}
	if (survey_validate(c, doc, path, why, whylen) == -1)
		goto out;
	*sp = c->s;
	c->s = NULL;
	rc = 0;
out:
	for (i = 0; i < SURVEY_QUESTIONS_MAX; i++)
		free(c->retired[i]);
	survey_free(c->s);
	free(copy);
	free(doc);
	free(c);
	return (rc);
}

int
survey_load(const char *path, struct survey **sp, char *why, size_t whylen)
{
	return (survey_load_from(path, NULL, 0, SURVEY_WANT_ANY, NULL, sp,
	    why, whylen));
}

int
survey_load_mem(const char *name, const char *text, size_t len,
    struct survey **sp, char *why, size_t whylen)
{
	return (survey_load_from(name, text, len, SURVEY_WANT_ANY, NULL, sp,
	    why, whylen));
}

static void
text_clear(struct text *t)
{
	int	 l;

	for (l = 0; l < LANG_COUNT; l++)
		free(t->s[l]);
}

void
survey_free(struct survey *s)
{
	size_t	 i, j;

	if (s == NULL)
		return;
	text_clear(&s->title);
	text_clear(&s->intro);
	for (i = 0; i < STAGE_COUNT; i++)
		text_clear(&s->intro_stage[i]);
	text_clear(&s->comment_prompt);
	text_clear(&s->thanks);
	for (i = 0; i < s->nquestions; i++) {
		text_clear(&s->questions[i].text);
		for (j = 0; j < s->questions[i].noptions; j++)
			text_clear(&s->questions[i].options[j].label);
	}
	free(s);
}

const struct survey_question *
survey_question(const struct survey *s, const char *id, size_t idlen)
{
	size_t	 i;

	if (idlen > QUESTION_ID_MAX)
		return (NULL);
	for (i = 0; i < s->nquestions; i++)
		if (strlen(s->questions[i].id) == idlen &&
		    memcmp(s->questions[i].id, id, idlen) == 0)
			return (&s->questions[i]);
	return (NULL);
}

int
survey_option_level(const struct survey_question *q, const char *id,
    size_t idlen)
{
	size_t	 i;

	if (idlen > QUESTION_ID_MAX)
		return (0);
	for (i = 0; i < q->noptions; i++)
		if (strlen(q->options[i].id) == idlen &&
		    memcmp(q->options[i].id, id, idlen) == 0)
			return ((int)i + 1);
	return (0);
}

enum hl_rc
survey_check(const struct survey *s, const struct answer *a, size_t n,
    char *why, size_t whylen)
{
	const struct survey_question	*q;
	unsigned			 seen[SURVEY_QUESTIONS_MAX];
	size_t				 i, qi, idlen;
	int				 overall = 0, reasons = 0;

	if (n > RESPONSE_ANSWERS_MAX) {
		snprintf(why, whylen, "more than %d answers",
		    RESPONSE_ANSWERS_MAX);
		return (HL_INVALID);
	}
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < n; i++) {
		idlen = strnlen(a[i].q, sizeof(a[i].q));
		if ((q = survey_question(s, a[i].q, idlen)) == NULL) {
			/* Name it only when it cannot carry markup. */
			if (ident_valid(a[i].q, idlen, QUESTION_ID_MAX))
				snprintf(why, whylen, "%.*s: unknown question",
				    (int)idlen, a[i].q);
			else
				snprintf(why, whylen, "unknown question");
			return (HL_INVALID);
		}
		qi = q - s->questions;
		if (q == s->overall) {
			if (survey_overall_index(s, a[i].level) == -1) {
				snprintf(why, whylen, "%s: level %u is not one "
				    "of this survey's", q->id,
				    (unsigned)a[i].level);
				return (HL_INVALID);
			}
		} else if (a[i].level < 1 || a[i].level > q->noptions) {
			snprintf(why, whylen, "%s: level %u is not between 1 "
			    "and %zu", q->id, (unsigned)a[i].level,
			    q->noptions);
			return (HL_INVALID);
		}
		if (q->kind == QK_MULTI) {
			if (seen[qi] & (1u << (a[i].level - 1))) {
				snprintf(why, whylen, "%s: option %s chosen "
				    "twice", q->id,
				    q->options[a[i].level - 1].id);
				return (HL_INVALID);
			}
			seen[qi] |= 1u << (a[i].level - 1);
		} else {
			if (seen[qi]) {
				snprintf(why, whylen, "%s: answered twice",
				    q->id);
				return (HL_INVALID);
			}
			seen[qi] = 1;
		}
		if (q == s->overall)
			overall = a[i].level;
		if (q == s->reasons)
			reasons = 1;
	}
	for (qi = 0; qi < s->nquestions; qi++) {
		if (s->questions[qi].required && seen[qi] == 0) {
			snprintf(why, whylen, "%s: missing (required)",
			    s->questions[qi].id);
			return (HL_INVALID);
		}
	}
	if (reasons && overall > SURVEY_LOW_LEVEL) {
		snprintf(why, whylen, "%s: only asked when %s is at most %d "
		    "(it is %d)", s->reasons->id, s->overall->id,
		    SURVEY_LOW_LEVEL, overall);
		return (HL_INVALID);
	}
	return (HL_OK);
}

size_t
survey_keep_asked(const struct survey *s, struct answer *a, size_t *n)
{
	size_t	 i, k, idlen;
	int	 overall = 0;

	if (s->reasons == NULL)
		return (0);
	for (i = 0; i < *n; i++)
		if (strncmp(a[i].q, s->overall->id, sizeof(a[i].q)) == 0)
			overall = a[i].level;
	if (overall == 0 || overall <= SURVEY_LOW_LEVEL)
		return (0);
	for (i = 0, k = 0; i < *n; i++) {
		idlen = strnlen(a[i].q, sizeof(a[i].q));
		if (survey_question(s, a[i].q, idlen) == s->reasons)
			continue;
		if (k != i)
			a[k] = a[i];
		k++;
	}
	i = *n - k;
	*n = k;
	return (i);
}

int
survey_overall_index(const struct survey *s, int level)
{
	const struct survey_question	*q = s->overall;
	size_t				 i;

	if (q == NULL || level < 1 || level > SURVEY_LEVELS)
		return (-1);
	for (i = 0; i < q->noptions; i++)
		if (q->options[i].id[0] - '0' == level &&
		    q->options[i].id[1] == '\0')
			return ((int)i);
	return (-1);
}

int
survey_is_procedure(const char *id)
{
	return (strcmp(id, SURVEY_PROCEDURE) == 0 ||
	    strcmp(id, SURVEY_PROCEDURE_OLD) == 0);
}

const struct survey *
surveys_find(const struct surveys *set, const char *id, size_t idlen)
{
	size_t	 i;

	if (idlen == strlen(SURVEY_PROCEDURE_OLD) &&
	    memcmp(id, SURVEY_PROCEDURE_OLD, idlen) == 0)
		return (set->n > 0 ? set->s[0] : NULL);
	for (i = 0; i < set->n; i++)
		if (strlen(set->s[i]->id) == idlen &&
		    memcmp(set->s[i]->id, id, idlen) == 0)
			return (set->s[i]);
	return (NULL);
}

static int
surveys_name_cmp(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

int
surveys_load(const char *dir, struct surveys *set, char *why, size_t whylen)
{
	DIR		*d = NULL;
	struct dirent	*de;
	char		*names[SURVEYS_MAX], p[PATH_MAX];
	size_t		 nnames = 0, i, n;
	int		 rc = -1;

	memset(set, 0, sizeof(*set));
	if (snprintf(p, sizeof(p), "%s/survey.ini", dir) >= (int)sizeof(p)) {
		snprintf(why, whylen, "%s: path too long", dir);
		return (-1);
	}
	if (survey_load_from(p, NULL, 0, SURVEY_WANT_PROCEDURE, NULL,
	    &set->s[0], why, whylen) == -1)
		return (-1);
	set->n = 1;
	if ((d = opendir(dir)) == NULL) {
		snprintf(why, whylen, "%s: %s", dir, strerror(errno));
		goto out;
	}
	while ((de = readdir(d)) != NULL) {
		n = strlen(de->d_name);
		if (n < 12 || strncmp(de->d_name, "survey-", 7) != 0 ||
		    strcmp(de->d_name + n - 4, ".ini") != 0)
			continue;
		if (nnames == SURVEYS_MAX - 1) {
			snprintf(why, whylen, "%s: more than %d survey-*.ini "
			    "files", dir, SURVEYS_MAX - 1);
			goto out;
		}
		names[nnames++] = xstrdup(de->d_name);
	}
	qsort(names, nnames, sizeof(names[0]), surveys_name_cmp);
	for (i = 0; i < nnames; i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, names[i]);
		if (survey_load_from(p, NULL, 0, SURVEY_WANT_SERVICE, set,
		    &set->s[set->n], why, whylen) == -1)
			goto out;
		set->n++;
	}
	rc = 0;
out:
	for (i = 0; i < nnames; i++)
		free(names[i]);
	if (d != NULL)
		closedir(d);
	if (rc == -1)
		surveys_clear(set);
	return (rc);
}

void
surveys_clear(struct surveys *set)
{
	size_t	 i;

	for (i = 0; i < set->n; i++)
		survey_free(set->s[i]);
	memset(set, 0, sizeof(*set));
}

void
survey_sector(const struct survey *s, char out[SECTOR_CODE_MAX + 1])
{
	out[0] = '\0';
	if (survey_is_procedure(s->id))
		return;
	out[0] = AGG_SURVEY_MARK;
	strlcpy(out + 1, s->id, SECTOR_CODE_MAX);
}

const struct survey *
surveys_for_kind(const struct surveys *set, const char *kind)
{
	size_t	 i, k;

	for (i = 1; kind != NULL && i < set->n; i++)
		for (k = 0; k < set->s[i]->nkinds; k++)
			if (strcmp(set->s[i]->kinds[k], kind) == 0)
				return (set->s[i]);
	return (set->n > 0 ? set->s[0] : NULL);
}
