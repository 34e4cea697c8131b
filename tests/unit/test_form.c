/*
 * test_form.c: urlencoded bodies (decoding, every malformed kind, the
 * limits at and one past) and the survey form against the real
 * schema/survey.ini.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"
#include "form.h"
#include "survey.h"
#include "util.h"

static enum hl_rc
parse(const char *body, struct form *f)
{
	char	 why[128];

	return (form_parse(body, strlen(body), f, why, sizeof(why)));
}

/* Expects rc; why must contain want (if any) and never "SECRET". */
static void
expect(const char *body, size_t len, enum hl_rc rc, const char *want)
{
	struct form	 f;
	char		 why[128];

	memset(why, 'Z', sizeof(why));
	assert_int_equal(form_parse(body, len, &f, why, sizeof(why)), rc);
	assert_non_null(memchr(why, '\0', sizeof(why)));
	if (want != NULL && strstr(why, want) == NULL)
		fail_msg("why \"%s\" lacks \"%s\"", why, want);
	assert_null(strstr(why, "SECRET"));
	if (rc != HL_OK)
		assert_int_equal(f.n, 0);
	form_clear(&f);
}

#define EXPECT(s, rc, want)	expect((s), strlen(s), (rc), (want))

static void
test_basic(void **state)
{
	struct form	 f;

	(void)state;
	assert_int_equal(parse("overall=4&q_staff=good&comment=", &f), HL_OK);
	assert_int_equal(f.n, 3);
	assert_string_equal(f.f[0].name, "overall");
	assert_string_equal(f.f[0].value, "4");
	assert_int_equal(f.f[0].len, 1);
	assert_string_equal(f.f[1].name, "q_staff");
	assert_string_equal(f.f[1].value, "good");
	assert_string_equal(f.f[2].name, "comment");
	assert_string_equal(f.f[2].value, "");
	assert_int_equal(f.f[2].len, 0);
	form_clear(&f);
	assert_int_equal(f.n, 0);
	form_clear(&f);		/* twice is fine */

	assert_int_equal(parse("", &f), HL_OK);
	assert_int_equal(f.n, 0);
	form_clear(&f);
	assert_int_equal(form_parse(NULL, 0, &f, NULL, 0), HL_OK);
	assert_int_equal(f.n, 0);
}

static void
test_decoding(void **state)
{
	struct form	 f;

	(void)state;
	assert_int_equal(parse("a=x+y%20z&b+c=1", &f), HL_MALFORMED);
	assert_int_equal(parse("a=x+y%20z++&b=%2B%25%26%3D", &f), HL_OK);
	assert_string_equal(f.f[0].value, "x y z  ");
	assert_int_equal(f.f[0].len, 7);
	assert_string_equal(f.f[1].value, "+%&=");
	form_clear(&f);
	/* hex digits of either case */
	assert_int_equal(parse("a=%c3%a1%C3%A1%c3%A1", &f), HL_OK);
	assert_string_equal(f.f[0].value, "ááá");
	assert_int_equal(f.f[0].len, 6);
	form_clear(&f);
	/* a multi-byte character split across escapes and raw bytes */
	assert_int_equal(parse("c=R%E1%BA%A5t+h\xc3%A0i+l%C3\xb2ng", &f),
	    HL_OK);
	assert_string_equal(f.f[0].value, "Rất hài lòng");
	form_clear(&f);
	/* Khmer, percent-encoded */
	assert_int_equal(parse("c=%E1%9E%96%E1%9F%81%E1%9E%89", &f), HL_OK);
	assert_string_equal(f.f[0].value, "ពេញ");
	form_clear(&f);
	/* tab, CR and LF are allowed in values */
	assert_int_equal(parse("c=a%09b%0D%0Ac", &f), HL_OK);
	assert_string_equal(f.f[0].value, "a\tb\r\nc");
	form_clear(&f);
	/* names may be percent-encoded too */
	assert_int_equal(parse("%6f%76erall=5", &f), HL_OK);
	assert_string_equal(f.f[0].name, "overall");
	form_clear(&f);
	/* the first '=' splits; later ones belong to the value */
	assert_int_equal(parse("a=b=c", &f), HL_OK);
	assert_string_equal(f.f[0].value, "b=c");
	form_clear(&f);
}

static void
test_pairs(void **state)
{
	struct form	 f;

	(void)state;
	/* empty pairs are skipped */
	assert_int_equal(parse("&&a=1&&&b=2&", &f), HL_OK);
	assert_int_equal(f.n, 2);
	assert_string_equal(f.f[0].name, "a");
	assert_string_equal(f.f[1].name, "b");
	form_clear(&f);
	assert_int_equal(parse("&", &f), HL_OK);
	assert_int_equal(f.n, 0);
	form_clear(&f);
	/* no '=': a field with an empty value */
	assert_int_equal(parse("flag&x=1&other", &f), HL_OK);
	assert_int_equal(f.n, 3);
	assert_string_equal(f.f[0].name, "flag");
	assert_string_equal(f.f[0].value, "");
	assert_int_equal(f.f[0].len, 0);
	assert_string_equal(f.f[2].name, "other");
	assert_string_equal(f.f[2].value, "");
	form_clear(&f);
	/* repeated names are kept in order (form_survey judges them) */
	assert_int_equal(parse("r=a&r=b", &f), HL_OK);
	assert_int_equal(f.n, 2);
	assert_string_equal(f.f[1].value, "b");
	form_clear(&f);
	/* the length bounds the body, not a NUL */
	assert_int_equal(form_parse("a=12&b=3", 4, &f, NULL, 0), HL_OK);
	assert_int_equal(f.n, 1);
	assert_string_equal(f.f[0].value, "12");
	form_clear(&f);
}

static void
test_malformed(void **state)
{
	static const char nul[] = "a=x\0y";

	(void)state;
	/* percent-encoding */
	EXPECT("a=%", HL_MALFORMED, "a: bad percent-encoding");
	EXPECT("a=%4", HL_MALFORMED, "a: bad percent-encoding");
	EXPECT("a=x%&b=1", HL_MALFORMED, "a: bad percent-encoding");
	EXPECT("a=%4&b=1", HL_MALFORMED, "a: bad percent-encoding");
	EXPECT("a=%G1", HL_MALFORMED, "a: bad percent-encoding");
	EXPECT("a=%1g", HL_MALFORMED, "a: bad percent-encoding");
	EXPECT("a=%%41", HL_MALFORMED, "a: bad percent-encoding");
	EXPECT("a=% 1", HL_MALFORMED, "a: bad percent-encoding");
	EXPECT("a=%-1", HL_MALFORMED, "a: bad percent-encoding");
	EXPECT("%=1", HL_MALFORMED, "field 1: bad percent-encoding");
	EXPECT("a%zz=1", HL_MALFORMED, "field 1: bad percent-encoding");
	/* names */
	EXPECT("=SECRET", HL_MALFORMED, "field 1: no name");
	EXPECT("a=1&=SECRET", HL_MALFORMED, "field 2: no name");
	EXPECT("=", HL_MALFORMED, "no name");
	EXPECT("a+b=1", HL_MALFORMED, "field 1: name");	/* "a b" */
	EXPECT("a%09b=1", HL_MALFORMED, "field 1: name");
	EXPECT("%C3%A1=1", HL_MALFORMED, "field 1: name");
	EXPECT("a%00=1", HL_MALFORMED, "field 1: name");
	/* values: NUL, controls, invalid UTF-8 */
	EXPECT("a=x%00y", HL_MALFORMED, "a: not UTF-8");
	expect(nul, sizeof(nul) - 1, HL_MALFORMED, "a: not UTF-8");
	EXPECT("a=%01", HL_MALFORMED, "a: not UTF-8");
	EXPECT("a=%1B%5B0m", HL_MALFORMED, "a: not UTF-8");
	EXPECT("a=%7F", HL_MALFORMED, "a: not UTF-8");
	EXPECT("a=%C2%85", HL_MALFORMED, "a: not UTF-8");	/* C1 */
	EXPECT("a=%C3", HL_MALFORMED, "a: not UTF-8");		/* cut */
	EXPECT("a=%E1%BA", HL_MALFORMED, "a: not UTF-8");
	EXPECT("a=%C3&b=%A1", HL_MALFORMED, "a: not UTF-8");
	EXPECT("a=%C0%AF", HL_MALFORMED, "a: not UTF-8");	/* overlong */
	EXPECT("a=%ED%A0%80", HL_MALFORMED, "a: not UTF-8");	/* surrogate */
	EXPECT("a=%FF", HL_MALFORMED, "a: not UTF-8");
	EXPECT("a=\xff", HL_MALFORMED, "a: not UTF-8");
	EXPECT("a=1&b=2&c=%FF", HL_MALFORMED, "c: not UTF-8");
}

/* Body of n fields "fN=1"; caller frees. */
static char *
fields(size_t n)
{
	struct buf	 b;
	size_t		 i;

	buf_init(&b, BUF_MAX_DEFAULT);
	for (i = 0; i < n; i++)
		assert_int_equal(buf_printf(&b, "%sf%zu=1", i ? "&" : "", i),
		    0);
	return (buf_steal(&b, NULL));
}

static void
test_limits_fields(void **state)
{
	struct form	 f;
	char		*body;

	(void)state;
	body = fields(FORM_FIELDS_MAX);
	assert_int_equal(parse(body, &f), HL_OK);
	assert_int_equal(f.n, FORM_FIELDS_MAX);
	assert_string_equal(f.f[FORM_FIELDS_MAX - 1].name, "f47");
	form_clear(&f);
	free(body);
	body = fields(FORM_FIELDS_MAX + 1);
	EXPECT(body, HL_TOO_BIG, "at most 48 fields");
	free(body);
	/* empty pairs do not count */
	body = fields(FORM_FIELDS_MAX);
	{
		struct buf b;

		buf_init(&b, BUF_MAX_DEFAULT);
		assert_int_equal(buf_printf(&b, "&&&%s&&&", body), 0);
		free(body);
		body = buf_steal(&b, NULL);
	}
	assert_int_equal(parse(body, &f), HL_OK);
	assert_int_equal(f.n, FORM_FIELDS_MAX);
	form_clear(&f);
	free(body);
}

static void
test_limits_name(void **state)
{
	struct form	 f;
	char		 body[256];
	int		 i;

	(void)state;
	memset(body, 'n', FORM_NAME_MAX);
	strcpy(body + FORM_NAME_MAX, "=1");
	assert_int_equal(parse(body, &f), HL_OK);
	assert_int_equal(strlen(f.f[0].name), FORM_NAME_MAX);
	form_clear(&f);
	memset(body, 'n', FORM_NAME_MAX + 1);
	strcpy(body + FORM_NAME_MAX + 1, "=1");
	EXPECT(body, HL_TOO_BIG, "field 1: name over 32 bytes");
	/* the decoded length counts: 32 names as %6E are 96 bytes */
	body[0] = '\0';
	for (i = 0; i < FORM_NAME_MAX; i++)
		strcat(body, "%6E");
	strcat(body, "=1");
	assert_int_equal(parse(body, &f), HL_OK);
	assert_int_equal(strlen(f.f[0].name), FORM_NAME_MAX);
	form_clear(&f);
	/* without '=' as well */
	memset(body, 'n', FORM_NAME_MAX + 1);
	body[FORM_NAME_MAX + 1] = '\0';
	EXPECT(body, HL_TOO_BIG, "name over");
}

static void
test_limits_value(void **state)
{
	struct form	 f;
	struct buf	 b;
	char		*body;
	size_t		 i;

	(void)state;
	/* raw bytes: exactly at the limit, then one over */
	body = xmalloc(FORM_VALUE_MAX + 16);
	memcpy(body, "v=", 2);
	memset(body + 2, 'x', FORM_VALUE_MAX + 1);
	assert_int_equal(form_parse(body, 2 + FORM_VALUE_MAX, &f, NULL, 0),
	    HL_OK);
	assert_int_equal(f.f[0].len, FORM_VALUE_MAX);
	assert_int_equal(strlen(f.f[0].value), FORM_VALUE_MAX);
	form_clear(&f);
	expect(body, 2 + FORM_VALUE_MAX + 1, HL_TOO_BIG,
	    "v: value over 4000 bytes");
	free(body);

	/* percent-encoded: 4000 decoded bytes from 12000 body bytes */
	buf_init(&b, BUF_MAX_DEFAULT);
	assert_int_equal(buf_addstr(&b, "v="), 0);
	for (i = 0; i < FORM_VALUE_MAX / 2; i++)
		assert_int_equal(buf_addstr(&b, "%C3%A1"), 0);
	assert_int_equal(form_parse(b.data, b.len, &f, NULL, 0), HL_OK);
	assert_int_equal(f.f[0].len, FORM_VALUE_MAX);
	assert_int_equal(utf8_chars(f.f[0].value, f.f[0].len),
	    FORM_VALUE_MAX / 2);
	form_clear(&f);
	assert_int_equal(buf_addstr(&b, "+"), 0);
	expect(b.data, b.len, HL_TOO_BIG, "v: value over");
	buf_clear(&b);
}

static void
test_why_small(void **state)
{
	struct form	 f;
	char		 why[5];

	(void)state;
	assert_int_equal(form_parse("a=%", 3, &f, why, sizeof(why)),
	    HL_MALFORMED);
	assert_string_equal(why, "a: b");
	assert_int_equal(form_parse("a=%", 3, &f, NULL, 0), HL_MALFORMED);
}

/* ---- form_survey against schema/survey.ini ---- */

static struct survey	*sv;

static int
survey_setup(void **state)
{
	char	 why[256];

	(void)state;
	if (survey_load(HL_SRCDIR "/schema/survey.ini", &sv, why,
	    sizeof(why)) == -1) {
		fprintf(stderr, "survey_load: %s\n", why);
		return (-1);
	}
	return (0);
}

static int
survey_teardown(void **state)
{
	(void)state;
	survey_free(sv);
	sv = NULL;
	return (0);
}

/* Parses body and maps it; returns form_survey's rc. */
static enum hl_rc
survey_body(const char *body, size_t len, struct survey_form *out,
    char *why, size_t whylen)
{
	struct form	 f;
	enum hl_rc	 rc;

	assert_int_equal(form_parse(body, len, &f, why, whylen), HL_OK);
	memset(out, 0x5a, sizeof(*out));
	rc = form_survey(&f, sv, out, why, whylen);
	form_clear(&f);
	return (rc);
}

static void
survey_expect(const char *body, enum hl_rc rc, const char *want)
{
	struct survey_form	*out;
	char			 why[128];

	out = xmalloc(sizeof(*out));
	memset(why, 'Z', sizeof(why));
	assert_int_equal(survey_body(body, strlen(body), out, why,
	    sizeof(why)), rc);
	assert_non_null(memchr(why, '\0', sizeof(why)));
	if (want != NULL && strstr(why, want) == NULL)
		fail_msg("why \"%s\" lacks \"%s\"", why, want);
	assert_null(strstr(why, "SECRET"));
	assert_null(strstr(why, "secret"));
	if (rc == HL_TOO_BIG) {
		assert_int_equal(out->nanswers, 0);
		assert_int_equal(out->comment_len, 0);
	}
	free(out);
}

/* The first single-choice question other than overall, or NULL. */
static const struct survey_question *
first_choice(void)
{
	size_t	 i;

	for (i = 0; i < sv->nquestions; i++)
		if (sv->questions[i].kind == QK_CHOICE)
			return (&sv->questions[i]);
	return (NULL);
}

static void
test_survey_schema(void **state)
{
	(void)state;
	/* what the tests below rely on */
	assert_non_null(sv->overall);
	assert_string_equal(sv->overall->id, SURVEY_OVERALL);
	assert_int_equal(sv->overall->kind, QK_SCALE);
	assert_non_null(sv->reasons);
	assert_string_equal(sv->reasons->id, SURVEY_REASONS);
	assert_int_equal(sv->reasons->kind, QK_MULTI);
	assert_true(sv->reasons->noptions >= 2);
	assert_non_null(first_choice());
	assert_true(first_choice()->noptions >= 2);
}

static void
test_survey_valid(void **state)
{
	const struct survey_question	*q = first_choice();
	struct survey_form		*out;
	struct buf			 b;
	char				 why[128];
	int				 l;

	(void)state;
	out = xmalloc(sizeof(*out));
	buf_init(&b, BUF_MAX_DEFAULT);
	assert_int_equal(buf_printf(&b, "overall=2&%s=%s&reasons=%s&"
	    "reasons=%s&comment=++Ch%%E1%%BA%%ADm+qu%%C3%%A1%%0D%%0A+&lang=km",
	    q->id, q->options[1].id, sv->reasons->options[1].id,
	    sv->reasons->options[0].id), 0);
	assert_int_equal(survey_body(b.data, b.len, out, why, sizeof(why)),
	    HL_OK);
	assert_int_equal(out->nanswers, 4);
	assert_string_equal(out->answers[0].q, "overall");
	assert_int_equal(out->answers[0].level, 2);
	assert_string_equal(out->answers[1].q, q->id);
	assert_int_equal(out->answers[1].level, 2);
	assert_string_equal(out->answers[2].q, "reasons");
	assert_int_equal(out->answers[2].level, 2);
	assert_string_equal(out->answers[3].q, "reasons");
	assert_int_equal(out->answers[3].level, 1);
	assert_string_equal(out->comment, "Chậm quá");	/* trimmed */
	assert_int_equal(out->comment_len, strlen("Chậm quá"));
	assert_int_equal(out->lang, LANG_KM);

	/* every overall level, nothing else */
	for (l = 1; l <= SURVEY_LEVELS; l++) {
		buf_reset(&b);
		assert_int_equal(buf_printf(&b, "overall=%d", l), 0);
		assert_int_equal(survey_body(b.data, b.len, out, why,
		    sizeof(why)), HL_OK);
		assert_int_equal(out->nanswers, 1);
		assert_int_equal(out->answers[0].level, l);
		assert_int_equal(out->comment_len, 0);
		assert_string_equal(out->comment, "");
		assert_int_equal(out->lang, -1);
	}

	/* empty values are "not answered"; a blank comment is none */
	buf_reset(&b);
	assert_int_equal(buf_printf(&b, "overall=5&%s=&reasons=&"
	    "comment=+%%0A%%09+&lang=", q->id), 0);
	assert_int_equal(survey_body(b.data, b.len, out, why, sizeof(why)),
	    HL_OK);
	assert_int_equal(out->nanswers, 1);
	assert_int_equal(out->comment_len, 0);
	assert_string_equal(out->comment, "");
	assert_int_equal(out->lang, -1);

	/* an empty form maps to nothing; survey_check() refuses it */
	assert_int_equal(survey_body("", 0, out, why, sizeof(why)), HL_OK);
	assert_int_equal(out->nanswers, 0);
	assert_int_equal(out->lang, -1);
	buf_clear(&b);
	free(out);
}

static void
test_survey_overall(void **state)
{
	(void)state;
	survey_expect("overall=0", HL_INVALID, "overall: not 1 to 5");
	survey_expect("overall=6", HL_INVALID, "overall: not 1 to 5");
	survey_expect("overall=9", HL_INVALID, "overall: not 1 to 5");
	survey_expect("overall=15", HL_INVALID, "overall: not 1 to 5");
	survey_expect("overall=abc", HL_INVALID, "overall: not 1 to 5");
	survey_expect("overall=-1", HL_INVALID, "overall: not 1 to 5");
	survey_expect("overall=+3", HL_INVALID, "overall: not 1 to 5");
	survey_expect("overall=%2B3", HL_INVALID, "overall: not 1 to 5");
	survey_expect("overall=3.0", HL_INVALID, "overall: not 1 to 5");
	survey_expect("overall=03", HL_OK, NULL);
	survey_expect("overall=", HL_OK, NULL);	/* not answered */
	survey_expect("overall=3&overall=4", HL_INVALID, "overall: repeated");
	survey_expect("overall=3&overall=3", HL_INVALID, "overall: repeated");
	survey_expect("overall=&overall=4", HL_INVALID, "overall: repeated");
}

static void
test_survey_fields(void **state)
{
	const struct survey_question	*q = first_choice();
	struct buf			 b;

	(void)state;
	buf_init(&b, BUF_MAX_DEFAULT);
	survey_expect("overall=4&foo=1", HL_INVALID, "unknown field \"foo\"");
	survey_expect("overall=4&zz_9=1", HL_INVALID, "unknown field \"zz_9\"");
	survey_expect("overall=4&token=x", HL_INVALID, "unknown field");
	/* Any printable name parses; an unknown one is quoted only when safe. */
	survey_expect("overall=4&Foo%3C=1", HL_INVALID, "unknown field");
	survey_expect("overall=4&a.b=1&overall=2", HL_INVALID, "unknown field");
	survey_expect("overall=4&reasons=SECRET", HL_INVALID,
	    "reasons: unknown option");
	survey_expect("overall=4&reasons=1", HL_INVALID,
	    "reasons: unknown option");
	assert_int_equal(buf_printf(&b, "overall=4&%s=SECRET", q->id), 0);
	survey_expect(b.data, HL_INVALID, "unknown option");
	buf_reset(&b);
	/* a choice is an option id, not a level */
	assert_int_equal(buf_printf(&b, "overall=4&%s=1", q->id), 0);
	survey_expect(b.data, HL_INVALID, "unknown option");
	buf_reset(&b);
	/* option ids are matched exactly */
	assert_int_equal(buf_printf(&b, "overall=4&%s=%s+", q->id,
	    q->options[0].id), 0);
	survey_expect(b.data, HL_INVALID, "unknown option");
	buf_reset(&b);
	/* a single choice given twice */
	assert_int_equal(buf_printf(&b, "overall=4&%s=%s&%s=%s", q->id,
	    q->options[0].id, q->id, q->options[1].id), 0);
	survey_expect(b.data, HL_INVALID, "repeated");
	buf_reset(&b);
	/* reasons repeat; the same reason twice does not */
	assert_int_equal(buf_printf(&b, "overall=1&reasons=%s&reasons=%s",
	    sv->reasons->options[0].id, sv->reasons->options[1].id), 0);
	survey_expect(b.data, HL_OK, NULL);
	buf_reset(&b);
	assert_int_equal(buf_printf(&b, "overall=1&reasons=%s&reasons=%s",
	    sv->reasons->options[0].id, sv->reasons->options[0].id), 0);
	survey_expect(b.data, HL_INVALID, "reasons: option repeated");
	buf_reset(&b);
	/* lang */
	survey_expect("overall=4&lang=vi", HL_OK, NULL);
	survey_expect("overall=4&lang=en", HL_OK, NULL);
	survey_expect("overall=4&lang=fr", HL_INVALID, "lang:");
	survey_expect("overall=4&lang=vie", HL_INVALID, "lang:");
	survey_expect("overall=4&lang=vi&lang=en", HL_INVALID,
	    "lang: repeated");
	survey_expect("overall=4&comment=a&comment=b", HL_INVALID,
	    "comment: repeated");
	buf_clear(&b);
}

/* "comment=" and n times "ệ" (3 bytes, percent-encoded), padded. */
static char *
comment_body(size_t n, size_t *len)
{
	struct buf	 b;
	size_t		 i;

	buf_init(&b, BUF_MAX_DEFAULT);
	assert_int_equal(buf_addstr(&b, "overall=3&comment=+%0A"), 0);
	for (i = 0; i < n; i++)
		assert_int_equal(buf_addstr(&b, "%E1%BB%87"), 0);
	assert_int_equal(buf_addstr(&b, "%0A+%09"), 0);
	return (buf_steal(&b, len));
}

/* An invalid field does not lose the rest: the page shows it back. */
static void
test_survey_keeps_rest(void **state)
{
	struct survey_form	*out;
	char			 why[128];
	static const char	 body[] =
	    "overall=6&foo=1&comment=Ch%E1%BA%ADm&overall=3";

	(void)state;
	out = xmalloc(sizeof(*out));
	assert_int_equal(survey_body(body, strlen(body), out, why,
	    sizeof(why)), HL_INVALID);
	/* The first reason is kept, not the later ones. */
	assert_non_null(strstr(why, "overall: not 1 to 5"));
	assert_string_equal(out->comment, "Chậm");
	free(out);
}

static void
test_survey_comment(void **state)
{
	struct survey_form	*out;
	char			 why[128], *body;
	size_t			 len;

	(void)state;
	out = xmalloc(sizeof(*out));
	body = comment_body(COMMENT_CHARS_MAX, &len);
	assert_int_equal(survey_body(body, len, out, why, sizeof(why)),
	    HL_OK);
	assert_int_equal(out->comment_len, COMMENT_CHARS_MAX * 3);
	assert_int_equal(utf8_chars(out->comment, out->comment_len),
	    COMMENT_CHARS_MAX);
	assert_int_equal(strlen(out->comment), out->comment_len);
	assert_memory_equal(out->comment, "ệệ", 6);
	free(body);

	body = comment_body(COMMENT_CHARS_MAX + 1, &len);
	memset(why, 0, sizeof(why));
	assert_int_equal(survey_body(body, len, out, why, sizeof(why)),
	    HL_TOO_BIG);
	assert_non_null(strstr(why, "comment: at most 1000 characters"));
	assert_int_equal(out->comment_len, 0);
	free(body);

	/* 1000 four-byte characters: 4000 bytes, the value limit */
	{
		struct buf b;

		buf_init(&b, BUF_MAX_DEFAULT);
		assert_int_equal(buf_addstr(&b, "comment="), 0);
		for (len = 0; len < COMMENT_CHARS_MAX; len++)
			assert_int_equal(buf_addstr(&b, "%F0%9F%98%80"), 0);
		assert_int_equal(survey_body(b.data, b.len, out, why,
		    sizeof(why)), HL_OK);
		assert_int_equal(out->comment_len, COMMENT_BYTES_MAX);
		buf_clear(&b);
	}
	/* 1001 ASCII characters */
	body = xmalloc(1100);
	memcpy(body, "comment=", 8);
	memset(body + 8, 'a', COMMENT_CHARS_MAX + 1);
	assert_int_equal(survey_body(body, 8 + COMMENT_CHARS_MAX, out, why,
	    sizeof(why)), HL_OK);
	assert_int_equal(out->comment_len, COMMENT_CHARS_MAX);
	memset(why, 0, sizeof(why));
	assert_int_equal(survey_body(body, 8 + COMMENT_CHARS_MAX + 1, out,
	    why, sizeof(why)), HL_TOO_BIG);
	free(body);
	free(out);
}

int
main(void)
{
	const struct CMUnitTest parse_tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_decoding),
		cmocka_unit_test(test_pairs),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_limits_fields),
		cmocka_unit_test(test_limits_name),
		cmocka_unit_test(test_limits_value),
		cmocka_unit_test(test_why_small),
	};
	const struct CMUnitTest survey_tests[] = {
		cmocka_unit_test(test_survey_schema),
		cmocka_unit_test(test_survey_valid),
		cmocka_unit_test(test_survey_overall),
		cmocka_unit_test(test_survey_fields),
		cmocka_unit_test(test_survey_keeps_rest),
		cmocka_unit_test(test_survey_comment),
	};
	int	 rc;

	rc = cmocka_run_group_tests_name("form_parse", parse_tests, NULL,
	    NULL);
	rc += cmocka_run_group_tests_name("form_survey", survey_tests,
	    survey_setup, survey_teardown);
	return (rc);
}
