/*
 * test_survey.c: the shipped schema/survey.ini loads and says what the
 * reports expect; every kind of broken survey file is refused with the
 * file and the right line; survey_check() accepts valid answers and
 * refuses each kind of bad one naming the question.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "survey.h"
#include "util.h"

#define SHIPPED	HL_SRCDIR "/schema/survey.ini"

static char	 dir[64];
static char	 path[128];

#define L3(k, v)	k ".vi = " v "\n" k ".en = " v "\n" k ".km = " v "\n"

#define HEAD \
	"[survey]\n" \
	"id = t\n" \
	"version = 2\n" \
	L3("title", "T") L3("intro", "I") L3("comment", "C") L3("thanks", "X")
#define OVERALL_SEC \
	"[question overall]\n" \
	"kind = scale\n" \
	L3("text", "How?")
#define OVERALL_OPTS \
	L3("option.1", "1") L3("option.2", "2") L3("option.3", "3") \
	L3("option.4", "4") L3("option.5", "5")
#define OVERALL	OVERALL_SEC OVERALL_OPTS
#define QA \
	"[question a]\n" \
	"kind = choice\n" \
	L3("text", "A?") L3("option.x", "X") L3("option.y", "Y")
#define REASONS \
	"[question reasons]\n" \
	"kind = multi\n" \
	L3("text", "Why?") L3("option.slow", "S") L3("option.rude", "R")

static int
setup(void **state)
{
	(void)state;
	strlcpy(dir, "/tmp/hl-survey-XXXXXX", sizeof(dir));
	if (mkdtemp(dir) == NULL)
		return (-1);
	snprintf(path, sizeof(path), "%s/survey.ini", dir);
	return (0);
}

static int
teardown(void **state)
{
	(void)state;
	unlink(path);
	return (rmdir(dir));
}

static void
write_file(const char *text, size_t len)
{
	FILE	*f;

	assert_non_null(f = fopen(path, "wb"));
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* Line of the first occurrence of needle in text. */
static int
line_of(const char *text, const char *needle)
{
	const char	*p = strstr(text, needle), *q;
	int		 line = 1;

	assert_non_null(p);
	for (q = text; q < p; q++)
		line += *q == '\n';
	return (line);
}

/* Number of lines of text, i.e. the line number of what follows it. */
static int
nlines(const char *text)
{
	int	 n = 0;

	for (; *text != '\0'; text++)
		n += *text == '\n';
	return (n);
}

/*
 * text[0..len) must be refused: why starts "path:line: " (no line when
 * line is 0) and contains reason.
 */
static void
refused_line(const char *text, size_t len, int line, const char *reason)
{
	struct survey	*s = (struct survey *)1;
	char		 why[512], want[256];

	write_file(text, len);
	why[0] = '\0';
	assert_int_equal(survey_load(path, &s, why, sizeof(why)), -1);
	assert_null(s);
	if (line > 0)
		snprintf(want, sizeof(want), "%s:%d: ", path, line);
	else
		snprintf(want, sizeof(want), "%s: ", path);
	if (strncmp(why, want, strlen(want)) != 0 ||
	    strstr(why, reason) == NULL)
		fail_msg("got \"%s\", want \"%s...%s\"", why, want, reason);
}

/* As refused_line(), the line being that of at in text (none if NULL). */
static void
refused(const char *text, const char *at, const char *reason)
{
	refused_line(text, strlen(text), at == NULL ? 0 : line_of(text, at),
	    reason);
}

static struct survey *
loaded(const char *text)
{
	struct survey	*s = NULL;
	char		 why[512] = "";

	write_file(text, strlen(text));
	if (survey_load(path, &s, why, sizeof(why)) != 0)
		fail_msg("refused: %s", why);
	assert_non_null(s);
	return (s);
}

/* loaded(), with "\r\n" for every '\n' of text. */
static struct survey *
loaded_crlf(const char *text)
{
	char	 buf[8192], *p = buf;
	size_t	 n = strlen(text), i;

	for (i = 0; i < n && p < buf + sizeof(buf) - 3; i++) {
		if (text[i] == '\n')
			*p++ = '\r';
		*p++ = text[i];
	}
	*p = '\0';
	return (loaded(buf));
}

static void
test_shipped(void **state)
{
	struct survey			*s = NULL;
	const struct survey_question	*q;
	char				 why[512] = "";
	size_t				 i;
	int				 l;

	(void)state;
	if (survey_load(SHIPPED, &s, why, sizeof(why)) != 0)
		fail_msg("%s", why);
	assert_string_equal(s->id, "procedure");
	assert_true(s->version >= 1);
	assert_ptr_equal(s->overall, &s->questions[0]);
	assert_string_equal(s->overall->id, SURVEY_OVERALL);
	assert_int_equal(s->overall->kind, QK_SCALE);
	assert_true(s->overall->required);
	assert_int_equal(s->overall->noptions, SURVEY_LEVELS);
	assert_string_equal(s->overall->options[0].id, "1");
	assert_string_equal(s->overall->options[4].id, "5");
	assert_string_equal(s->overall->options[0].label.s[LANG_VI],
	    "Rất không hài lòng");
	assert_string_equal(s->overall->options[1].label.s[LANG_VI],
	    "Không hài lòng");
	assert_string_equal(s->overall->options[2].label.s[LANG_VI],
	    "Bình thường");
	assert_string_equal(s->overall->options[3].label.s[LANG_VI],
	    "Hài lòng");
	assert_string_equal(s->overall->options[4].label.s[LANG_VI],
	    "Rất hài lòng");
	assert_non_null(s->reasons);
	assert_string_equal(s->reasons->id, SURVEY_REASONS);
	assert_int_equal(s->reasons->kind, QK_MULTI);
	assert_int_equal(s->reasons->noptions, 7);
	/* the aspect questions, in file order, optional */
	assert_int_equal(s->nquestions, 8);
	assert_string_equal(s->questions[1].id, "on_time");
	assert_string_equal(s->questions[2].id, "visits");
	assert_string_equal(s->questions[3].id, "courtesy");
	assert_string_equal(s->questions[4].id, "unofficial_payment");
	assert_string_equal(s->questions[5].id, "clarity");
	/* item (15) of the resolution: five levels, like the overall one */
	assert_string_equal(s->questions[6].id, "agency_service");
	assert_int_equal(s->questions[6].kind, QK_CHOICE);
	assert_false(s->questions[6].required);
	assert_int_equal(s->questions[6].noptions, SURVEY_LEVELS);
	assert_string_equal(s->questions[6].options[3].label.s[LANG_VI],
	    "Hài lòng");
	assert_int_equal(s->version, 4);
	/* Words of the stages before the result; none for the result. */
	assert_non_null(s->intro_stage[STAGE_RECEIVED].s[LANG_KM]);
	assert_non_null(s->intro_stage[STAGE_SUPPLEMENT].s[LANG_EN]);
	assert_non_null(s->intro_stage[STAGE_REFUSED].s[LANG_VI]);
	assert_null(s->intro_stage[STAGE_RETURNED].s[LANG_VI]);
	for (i = 1; i < 6; i++) {
		assert_int_equal(s->questions[i].kind, QK_CHOICE);
		assert_false(s->questions[i].required);
		assert_int_equal(s->questions[i].noptions, 3);
	}
	for (l = 0; l < LANG_COUNT; l++) {
		assert_non_null(s->title.s[l]);
		assert_non_null(s->intro.s[l]);
		assert_non_null(s->comment_prompt.s[l]);
		assert_non_null(s->thanks.s[l]);
		for (i = 0; i < s->nquestions; i++)
			assert_non_null(s->questions[i].text.s[l]);
	}
	/* continuation lines joined with one space */
	assert_non_null(strstr(s->intro.s[LANG_EN], "take a minute"));
	assert_null(strstr(s->intro.s[LANG_EN], "  "));
	assert_null(strchr(s->intro.s[LANG_EN], '\t'));
	/* Khmer script (U+1780..U+17FF: E1 9E xx / E1 9F xx) */
	assert_true((unsigned char)s->title.s[LANG_KM][0] == 0xe1);

	/* lookups take pointer + length, not a NUL */
	q = survey_question(s, "visitsXYZ", 6);
	assert_non_null(q);
	assert_string_equal(q->id, "visits");
	assert_null(survey_question(s, "visit", 5));
	assert_null(survey_question(s, "nope", 4));
	assert_null(survey_question(s, "", 0));
	assert_null(survey_question(s, "overall_overall_overall_x", 25));
	assert_int_equal(survey_option_level(q, "twice!", 5), 2);
	assert_int_equal(survey_option_level(q, "once", 4), 1);
	assert_int_equal(survey_option_level(q, "thrice", 6), 0);
	assert_int_equal(survey_option_level(s->overall, "5", 1), 5);
	assert_int_equal(survey_option_level(s->overall, "6", 1), 0);
	survey_free(s);
	survey_free(NULL);
}

static void
test_minimal_and_bom(void **state)
{
	struct survey	*s;

	(void)state;
	s = loaded("\xef\xbb\xbf" HEAD OVERALL QA);
	assert_string_equal(s->id, "t");
	assert_int_equal(s->version, 2);
	assert_int_equal(s->nquestions, 2);
	assert_null(s->reasons);
	assert_string_equal(s->questions[1].options[1].id, "y");
	survey_free(s);

	/* CRLF line ends (Windows editors), a continuation among them */
	s = loaded_crlf(HEAD OVERALL QA);
	assert_string_equal(s->questions[1].text.s[LANG_EN], "A?");
	survey_free(s);
	s = loaded_crlf(HEAD OVERALL "[question a]\nkind = choice\n"
	    "text.vi = A\n  B\n" "text.en = A?\ntext.km = A?\n"
	    L3("option.x", "X") L3("option.y", "Y"));
	assert_string_equal(s->questions[1].text.s[LANG_VI], "A B");
	survey_free(s);

	/* options in the order their ids first appear; required = yes */
	s = loaded(HEAD OVERALL
	    "[question a]\nkind = choice\nrequired = yes\n"
	    L3("text", "A?") "option.y.vi = Y\noption.x.vi = X\n"
	    "option.y.en = Y\noption.y.km = Y\noption.x.en = X\n"
	    "option.x.km = X\n");
	assert_string_equal(s->questions[1].options[0].id, "y");
	assert_true(s->questions[1].required);
	survey_free(s);
}

static void
test_broken_structure(void **state)
{
	(void)state;
	refused(HEAD QA, NULL, "no [question overall]");
	refused(HEAD QA OVERALL, "[question overall]", "must be the first");
	refused(OVERALL QA, NULL, "no [survey] section");
	refused_line(HEAD OVERALL QA QA, strlen(HEAD OVERALL QA QA),
	    nlines(HEAD OVERALL QA) + 1, "[question a] given twice (first at "
	    "line");
	refused(HEAD OVERALL "[question B]\nkind = choice\n", "[question B]",
	    "question id");
	refused(HEAD OVERALL "[questions a]\nkind = choice\n", "[questions a]",
	    "unknown section");
	refused(HEAD OVERALL "[question a]\nkind = choose\n", "kind = choose",
	    "kind must be");
	refused(HEAD OVERALL "[question a]\n" L3("text", "A?")
	    L3("option.x", "X") L3("option.y", "Y"), "[question a]",
	    "kind missing");
	refused(HEAD OVERALL "[question a]\nkind = scale\n" L3("text", "A?")
	    L3("option.x", "X") L3("option.y", "Y"), "[question a]",
	    "kind scale");
	refused(HEAD OVERALL "[question a]\nkind = multi\n" L3("text", "A?")
	    L3("option.x", "X") L3("option.y", "Y"), "[question a]",
	    "kind multi");
	refused(HEAD OVERALL "[question a]\nkind = choice\n" L3("text", "A?")
	    L3("option.x", "X"), "[question a]", "at least 2 options");
	refused(HEAD "[question overall]\nkind = scale\nrequired = no\n",
	    "required = no", "always required");
	refused(HEAD "[question overall]\nkind = scale\nrequired = maybe\n",
	    "required = maybe", "yes or no");
	refused("[survey]\nid = t\n", "[survey]", "needs version");
	/* A stage's intro: in every language or none; known stages only. */
	refused(HEAD "intro.refused.vi = R\nintro.refused.en = R\n" OVERALL,
	    "[survey]", "intro.refused.km missing");
	refused(HEAD "intro.returned.vi = R\n" OVERALL, "intro.returned.vi",
	    "unknown key intro.returned.vi");
	refused(HEAD "intro.lost.vi = R\n" OVERALL, "intro.lost.vi",
	    "unknown key");
	refused(HEAD L3("intro.received", "R") "intro.received.vi = S\n"
	    OVERALL, "intro.received.vi = S", "given twice");
	refused("[survey]\nid = Bad\n", "id = Bad", "id must be");
	refused("[survey]\nversion = 0\n", "version = 0", "version must");
}

static void
test_broken_overall(void **state)
{
	(void)state;
	/* 6 options */
	refused(HEAD OVERALL_SEC OVERALL_OPTS L3("option.6", "6"),
	    "[question overall]", "exactly 5 options, not 6");
	/* 4 options */
	refused(HEAD OVERALL_SEC L3("option.1", "1") L3("option.2", "2")
	    L3("option.3", "3") L3("option.4", "4"), "[question overall]",
	    "exactly 5 options, not 4");
	/* ids not 1..5 */
	refused(HEAD OVERALL_SEC L3("option.1", "1") L3("option.2", "2")
	    L3("option.3", "3") L3("option.4", "4") L3("option.9", "9"),
	    "[question overall]", "ids must be 1 to 5");
	/* the overall question is the only scale */
	refused(HEAD "[question overall]\nkind = choice\n" L3("text", "How?")
	    OVERALL_OPTS, "[question overall]", "kind scale");
}

static void
test_broken_texts(void **state)
{
	char	 big[SURVEY_TEXT_MAX + 600], *p;
	size_t	 i;

	(void)state;
	/* a language missing: question text, option, survey text */
	refused(HEAD OVERALL "[question a]\nkind = choice\n"
	    "text.vi = A?\ntext.en = A?\n" L3("option.x", "X")
	    L3("option.y", "Y"), "[question a]", "text.km missing");
	refused(HEAD OVERALL "[question a]\nkind = choice\n" L3("text", "A?")
	    L3("option.x", "X") "option.y.vi = Y\noption.y.km = Y\n",
	    "[question a]", "option.y.en missing");
	refused("[survey]\nid = t\nversion = 1\n" L3("title", "T")
	    L3("intro", "I") L3("comment", "C") "thanks.vi = X\n"
	    "thanks.en = X\n" OVERALL, "[survey]", "thanks.km missing");
	/* unknown key, unknown language, empty value, key twice */
	refused(HEAD OVERALL "[question a]\nkind = choice\nhint.vi = h\n",
	    "hint.vi", "unknown key hint.vi");
	refused(HEAD "colour = red\n" OVERALL, "colour", "unknown key");
	refused(HEAD OVERALL "[question a]\nkind = choice\ntext.fr = A\n",
	    "text.fr", "unknown key");
	refused(HEAD OVERALL "[question a]\nkind = choice\ntext.vi =\n",
	    "text.vi =\n", "empty");
	refused(HEAD OVERALL "[question a]\ntext.vi = A\nkind = choice\n"
	    "text.vi = B\n", "text.vi = B", "given twice");
	refused(HEAD OVERALL "[question a]\nkind = choice\nkind = multi\n",
	    "kind = multi", "given twice");
	/* not UTF-8 (a lone continuation byte, a truncated sequence) */
	refused(HEAD OVERALL "[question a]\nkind = choice\n"
	    "text.vi = caf\xe9\n", "text.vi = caf", "UTF-8");
	refused(HEAD OVERALL "[question a]\nkind = choice\n"
	    "text.km = \xe1\x9e\n", "text.km = \xe1", "UTF-8");
	/* ids */
	refused(HEAD OVERALL "[question a]\nkind = choice\n"
	    "option.X.vi = x\n", "option.X", "option id");
	refused(HEAD OVERALL "[question a_very_long_question_id_x]\n"
	    "kind = choice\n", "[question a_very", "question id");
	/* what inih would misread */
	memset(big, 0, sizeof(big));
	p = big;
	p += snprintf(p, 400, "%s", "[survey]\nid = t\ntitle.vi = ");
	for (i = 0; i < INI_LINE_MAX; i++)
		*p++ = 'a';
	refused(big, "title.vi", "longer than 190 bytes");
	refused(HEAD OVERALL "[question a]\nkind = choice\n"
	    "text.vi = Yes ;no\n", "text.vi = Yes", "';' after a space");
	refused(HEAD OVERALL "[question a]\nkind = choice\n"
	    "this is not a key\n", "this is", "expected 'key = value'");
	refused(HEAD OVERALL "[question a\nkind = choice\n", "[question a\n",
	    "without ']'");
	refused(HEAD OVERALL "[question a]\nkind = choice\n"
	    "text.vi = a\ntext.vi = b\n", "text.vi = b", "given twice");
	refused_line(HEAD "\0x = y\n", sizeof(HEAD "\0x = y\n") - 1,
	    nlines(HEAD) + 1, "UTF-8");
	/* a text that grows past SURVEY_TEXT_MAX through continuations */
	p = big;
	p += snprintf(p, 400, "%s", "[survey]\nid = t\ntitle.vi = a\n");
	for (i = 0; i < 8; i++) {
		*p++ = '\t';
		memset(p, 'b', 150);
		p += 150;
		*p++ = '\n';
	}
	*p = '\0';
	/* 1 + 7 * 151 > 1024: the 7th continuation, line 3 + 7 */
	refused_line(big, strlen(big), 10, "longer than 1024 bytes");
}

static void
test_limits(void **state)
{
	char	 text[16384], *p = text;
	int	 i;

	(void)state;
	p += snprintf(p, sizeof(text), "%s", HEAD OVERALL);
	for (i = 0; i < SURVEY_QUESTIONS_MAX; i++)
		p += snprintf(p, text + sizeof(text) - p,
		    "[question q%d]\nkind = choice\n", i);
	/* the 13th question header fails */
	refused_line(text, strlen(text), line_of(text, "[question q11]"),
	    "more than 12 questions");

	p = text;
	p += snprintf(p, sizeof(text), "%s", HEAD OVERALL
	    "[question a]\nkind = choice\n");
	for (i = 0; i <= SURVEY_OPTIONS_MAX; i++)
		p += snprintf(p, text + sizeof(text) - p,
		    "option.o%d.vi = x\n", i);
	refused(text, "option.o12", "more than 12 options");
}

/* The line of a refusal is counted from the text; check line_of itself. */
static void
test_line_numbers(void **state)
{
	(void)state;
	assert_int_equal(line_of("a\nb\nc", "c"), 3);
	/* continuation lines count: error on the line after them */
	refused("[survey]\nid = t\ntitle.vi = a\n\tb\n\n  c\n; x\nbad key\n",
	    "bad key", "expected");
}

static struct survey *
shipped(void)
{
	struct survey	*s = NULL;
	char		 why[512] = "";

	if (survey_load(SHIPPED, &s, why, sizeof(why)) != 0)
		fail_msg("%s", why);
	return (s);
}

static void
ans(struct answer *a, const char *q, int level)
{
	memset(a, 0, sizeof(*a));
	strlcpy(a->q, q, sizeof(a->q));
	a->level = (uint8_t)level;
}

static void
check_bad(const struct survey *s, const struct answer *a, size_t n,
    const char *q, const char *reason)
{
	char	 why[256] = "";

	assert_int_equal(survey_check(s, a, n, why, sizeof(why)), HL_INVALID);
	if (strncmp(why, q, strlen(q)) != 0 || strstr(why, reason) == NULL)
		fail_msg("got \"%s\", want \"%s...%s\"", why, q, reason);
}

static void
test_check(void **state)
{
	struct survey	*s = shipped();
	struct answer	 a[RESPONSE_ANSWERS_MAX + 1];
	char		 why[256];
	int		 i;

	(void)state;
	/* valid */
	ans(&a[0], "overall", 5);
	assert_int_equal(survey_check(s, a, 1, why, sizeof(why)), HL_OK);
	ans(&a[1], "on_time", 1);
	ans(&a[2], "visits", 3);
	ans(&a[3], "unofficial_payment", 3);
	assert_int_equal(survey_check(s, a, 4, why, sizeof(why)), HL_OK);
	ans(&a[0], "overall", 2);
	ans(&a[4], "reasons", 1);
	ans(&a[5], "reasons", 7);
	assert_int_equal(survey_check(s, a, 6, why, sizeof(why)), HL_OK);
	ans(&a[0], "overall", 1);
	assert_int_equal(survey_check(s, a, 6, why, sizeof(why)), HL_OK);
	/* answers in any order */
	ans(&a[0], "reasons", 2);
	ans(&a[1], "overall", 1);
	assert_int_equal(survey_check(s, a, 2, why, sizeof(why)), HL_OK);

	/* overall missing, 0, 6 */
	check_bad(s, a, 0, "overall", "missing");
	ans(&a[0], "on_time", 1);
	check_bad(s, a, 1, "overall", "missing");
	ans(&a[0], "overall", 0);
	check_bad(s, a, 1, "overall", "level 0");
	ans(&a[0], "overall", 6);
	check_bad(s, a, 1, "overall", "level 6");
	ans(&a[0], "overall", 255);
	check_bad(s, a, 1, "overall", "level 255");
	/* unknown question */
	ans(&a[0], "overall", 4);
	ans(&a[1], "colour", 1);
	check_bad(s, a, 2, "colour", "unknown question");
	ans(&a[1], "<b>", 1);
	check_bad(s, a, 2, "unknown question", "");
	/* level out of range of an aspect question */
	ans(&a[1], "on_time", 4);
	check_bad(s, a, 2, "on_time", "level 4");
	ans(&a[1], "reasons", 8);
	ans(&a[0], "overall", 1);
	check_bad(s, a, 2, "reasons", "level 8");
	/* reasons with a high overall */
	ans(&a[0], "overall", 4);
	ans(&a[1], "reasons", 1);
	check_bad(s, a, 2, "reasons", "at most 2 (it is 4)");
	ans(&a[0], "overall", 3);
	check_bad(s, a, 2, "reasons", "(it is 3)");
	/* repeated choice, repeated overall, same reason twice */
	ans(&a[0], "overall", 4);
	ans(&a[1], "courtesy", 1);
	ans(&a[2], "courtesy", 2);
	check_bad(s, a, 3, "courtesy", "answered twice");
	ans(&a[1], "overall", 4);
	check_bad(s, a, 2, "overall", "answered twice");
	ans(&a[0], "overall", 1);
	ans(&a[1], "reasons", 3);
	ans(&a[2], "reasons", 3);
	check_bad(s, a, 3, "reasons", "unclear chosen twice");
	/* too many answers */
	for (i = 0; i <= RESPONSE_ANSWERS_MAX; i++)
		ans(&a[i], "reasons", 1);
	check_bad(s, a, RESPONSE_ANSWERS_MAX + 1, "more than", "answers");
	survey_free(s);
}

static void
test_check_required(void **state)
{
	struct survey	*s;
	struct answer	 a[2];
	char		 why[256];

	(void)state;
	s = loaded(HEAD OVERALL "[question a]\nkind = choice\nrequired = yes\n"
	    L3("text", "A?") L3("option.x", "X") L3("option.y", "Y") REASONS);
	ans(&a[0], "overall", 3);
	check_bad(s, a, 1, "a", "missing (required)");
	ans(&a[1], "a", 2);
	assert_int_equal(survey_check(s, a, 2, why, sizeof(why)), HL_OK);
	survey_free(s);
}

/* retired options stay readable; keep_asked drops reasons above 2. */
static void
test_retired_and_keep_asked(void **state)
{
	struct survey	*s;
	struct answer	 a[4];
	char		 why[256];
	size_t		 n;

	(void)state;
	s = shipped();
	/* the shipped reasons repeat no question: those are retired */
	assert_true(s->reasons->options[survey_option_level(s->reasons,
	    "visits", 6) - 1].retired);
	assert_true(s->reasons->options[survey_option_level(s->reasons,
	    "payment", 7) - 1].retired);
	assert_false(s->reasons->options[0].retired);
	survey_free(s);

	s = loaded(HEAD OVERALL QA REASONS L3("option.late", "L")
	    "retired = rude\n");
	assert_false(s->reasons->options[0].retired);
	assert_true(s->reasons->options[1].retired);
	/* an old answer with a retired option still checks */
	ans(&a[0], "overall", 1);
	ans(&a[1], "reasons", 2);
	assert_int_equal(survey_check(s, a, 2, why, sizeof(why)), HL_OK);
	/* 3 with reasons: the rating and the rest are kept */
	ans(&a[0], "reasons", 1);
	ans(&a[1], "overall", 3);
	ans(&a[2], "reasons", 2);
	ans(&a[3], "a", 2);
	n = 4;
	assert_int_equal(survey_keep_asked(s, a, &n), 2);
	assert_int_equal(n, 2);
	assert_string_equal(a[0].q, "overall");
	assert_int_equal(a[0].level, 3);
	assert_string_equal(a[1].q, "a");
	assert_int_equal(survey_check(s, a, n, why, sizeof(why)), HL_OK);
	/* 2 with reasons, and no overall: nothing dropped */
	ans(&a[0], "overall", 2);
	ans(&a[1], "reasons", 1);
	n = 2;
	assert_int_equal(survey_keep_asked(s, a, &n), 0);
	assert_int_equal(n, 2);
	ans(&a[0], "a", 1);
	n = 2;
	assert_int_equal(survey_keep_asked(s, a, &n), 0);
	assert_int_equal(n, 2);
	survey_free(s);

	refused(HEAD OVERALL QA REASONS "retired = fast\n", "[question reasons]",
	    "retired: no option fast");
	refused(HEAD OVERALL QA REASONS "retired = slow rude\n",
	    "[question reasons]", "at least 2 options that are not retired");
	refused(HEAD OVERALL_SEC "retired = 1\n" OVERALL_OPTS QA,
	    "[question overall]", "cannot retire");
}

/* The three-level scale: option ids are the levels they count at. */
static void
test_short_scale(void **state)
{
	struct survey	*s;
	struct answer	 a[1];
	char		 why[256];

	(void)state;
	s = loaded(HEAD "satisfied = 4 5\n" OVERALL_SEC
	    L3("option.2", "Không hài lòng") L3("option.4", "Hài lòng")
	    L3("option.5", "Rất hài lòng") QA);
	assert_int_equal(s->overall->noptions, SURVEY_LEVELS_SHORT);
	assert_int_equal(s->satisfied, (1u << 3) | (1u << 4));
	assert_int_equal(survey_overall_index(s, 4), 1);
	assert_int_equal(survey_overall_index(s, 3), -1);
	strlcpy(a[0].q, SURVEY_OVERALL, sizeof(a[0].q));
	a[0].level = 2;
	assert_int_equal(survey_check(s, a, 1, why, sizeof(why)), HL_OK);
	a[0].level = 3;
	assert_int_equal(survey_check(s, a, 1, why, sizeof(why)), HL_INVALID);
	assert_non_null(strstr(why, "overall: level 3"));
	survey_free(s);
	/* Default: the top two levels of the scale. */
	s = loaded(HEAD OVERALL_SEC L3("option.1", "K") L3("option.3", "H")
	    L3("option.5", "R"));
	assert_int_equal(s->satisfied, (1u << 2) | (1u << 4));
	survey_free(s);
	s = loaded(HEAD OVERALL);
	assert_int_equal(s->satisfied, (1u << 3) | (1u << 4));
	survey_free(s);
	refused(HEAD OVERALL_SEC L3("option.4", "K") L3("option.2", "H")
	    L3("option.5", "R"), "[question overall]", "levels of the "
	    "five-level scale they count at");
	refused(HEAD OVERALL_SEC L3("option.a", "K") L3("option.4", "H")
	    L3("option.5", "R"), "[question overall]", "ascending");
	refused(HEAD "satisfied = 3 5\n" OVERALL_SEC L3("option.2", "K")
	    L3("option.4", "H") L3("option.5", "R"), "[survey]",
	    "satisfied: levels of the overall question");
	refused(HEAD "satisfied = 4 4\n" OVERALL, "[survey]", "each once");
	refused(HEAD "satisfied =\n" OVERALL, "[survey]", "satisfied");
}

/* Writes text to dir/name. */
static void
write_named(const char *name, const char *text)
{
	char	 p[256];
	FILE	*f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	assert_non_null(f = fopen(p, "wb"));
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
}

/* surveys_load(dir) must fail with why "dir/name:line: ...reason". */
static void
set_refused(const char *name, int line, const char *reason)
{
	struct surveys	 set;
	char		 why[512], want[256];

	assert_int_equal(surveys_load(dir, &set, why, sizeof(why)), -1);
	assert_int_equal(set.n, 0);
	snprintf(want, sizeof(want), "%s/%s:%d: ", dir, name, line);
	if (strncmp(why, want, strlen(want)) != 0 ||
	    strstr(why, reason) == NULL)
		fail_msg("got \"%s\", want \"%s...%s\"", why, want, reason);
}

static void
test_set(void **state)
{
	struct surveys	 set;
	const struct survey *h;
	char		 why[512] = "", p[256];
	size_t		 i;

	(void)state;
	/* The shipped ones: procedure, then education and health. */
	if (surveys_load(HL_SRCDIR "/schema", &set, why, sizeof(why)) != 0)
		fail_msg("%s", why);
	assert_int_equal(set.n, 3);
	assert_string_equal(set.s[0]->id, SURVEY_PROCEDURE);
	assert_string_equal(set.s[1]->id, "education");
	assert_string_equal(set.s[2]->id, "health");
	assert_ptr_equal(surveys_find(&set, "default", 7), set.s[0]);
	assert_ptr_equal(surveys_find(&set, "health", 6), set.s[2]);
	assert_null(surveys_find(&set, "heal", 4));
	for (i = 1; i < set.n; i++) {
		h = set.s[i];
		assert_true(h->nquestions <= 8);
		assert_int_equal(h->overall->noptions, SURVEY_LEVELS);
		assert_int_equal(h->satisfied, (1u << 3) | (1u << 4));
		assert_non_null(h->reasons);
		assert_non_null(strstr(h->intro.s[LANG_VI], "Ông/Bà"));
		assert_non_null(strstr(h->intro.s[LANG_KM], "លោកអ្នក"));
	}
	survey_sector(set.s[2], p);
	assert_string_equal(p, "@health");
	survey_sector(set.s[0], p);
	assert_string_equal(p, "");
	surveys_clear(&set);

	/* survey.ini must be the procedure survey. */
	write_file(HEAD OVERALL, strlen(HEAD OVERALL));
	set_refused("survey.ini", 2, "id must be procedure");
	write_named("survey.ini", "[survey]\nid = procedure\nversion = 1\n"
	    L3("title", "T") L3("intro", "I") L3("comment", "C")
	    L3("thanks", "X") OVERALL);
	assert_int_equal(surveys_load(dir, &set, why, sizeof(why)), 0);
	assert_int_equal(set.n, 1);
	surveys_clear(&set);
	/* A broken service survey stops the load, naming its line. */
	write_named("survey-x.ini", "[survey]\nid = x\nversion = 1\n"
	    L3("title", "T") L3("intro", "I") L3("comment", "C")
	    L3("thanks", "X") "[question overall]\nkind = scale\n"
	    L3("text", "How?") "colour = blue\n");
	set_refused("survey-x.ini", 21, "unknown key colour");
	write_named("survey-x.ini", "[survey]\nid = default\n");
	set_refused("survey-x.ini", 2, "not procedure or default");
	write_named("survey-x.ini", "[survey]\nid = fifteen_chars_x\n");
	set_refused("survey-x.ini", 2, "1 to 14 characters");
	write_named("survey-x.ini", "[survey]\nid = x\nversion = 1\n"
	    L3("title", "T") L3("intro", "I") L3("comment", "C")
	    L3("thanks", "X") OVERALL);
	write_named("survey-y.ini", "[survey]\nid = x\n");
	set_refused("survey-y.ini", 2, "id x: another survey has it");
	snprintf(p, sizeof(p), "%s/survey-y.ini", dir);
	unlink(p);
	assert_int_equal(surveys_load(dir, &set, why, sizeof(why)), 0);
	assert_int_equal(set.n, 2);
	surveys_clear(&set);
	snprintf(p, sizeof(p), "%s/survey-x.ini", dir);
	unlink(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped),
		cmocka_unit_test(test_minimal_and_bom),
		cmocka_unit_test(test_broken_structure),
		cmocka_unit_test(test_broken_overall),
		cmocka_unit_test(test_broken_texts),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_line_numbers),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_check_required),
		cmocka_unit_test(test_retired_and_keep_asked),
		cmocka_unit_test(test_short_scale),
		cmocka_unit_test(test_set),
	};

	return (cmocka_run_group_tests(tests, setup, teardown));
}
