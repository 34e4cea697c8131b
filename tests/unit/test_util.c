/*
 * test_util.c: number parsing, UTF-8 checks, months and dates in the
 * province's zone (Asia/Ho_Chi_Minh, UTC+7), and the capped buffer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"
#include "util.h"

#define S(x)	(x), (sizeof(x) - 1)

static void
num_ok(const char *s, long long min, long long max, long long want)
{
	long long	 v = 12345;

	assert_int_equal(parse_num(s, strlen(s), min, max, &v), 0);
	assert_true(v == want);
}

static void
num_bad(const char *s, size_t len, long long min, long long max)
{
	long long	 v = 12345;

	assert_int_equal(parse_num(s, len, min, max, &v), -1);
	assert_true(v == 12345);	/* untouched */
}

static void
test_parse_num_basic(void **state)
{
	(void)state;
	num_ok("0", 0, 10, 0);
	num_ok("7", 0, 10, 7);
	num_ok("10", 0, 10, 10);
	num_ok("007", 0, 10, 7);
	num_ok("1", 1, 5, 1);
	num_ok("5", 1, 5, 5);
	num_bad(S(""), 0, 10);
	num_bad(NULL, 0, 0, 10);
	num_bad(S("11"), 0, 10);
	num_bad(S("0"), 1, 5);
	num_bad(S("abc"), 0, 10);
	num_bad(S("1a"), 0, 10);
	num_bad(S(" 1"), 0, 10);
	num_bad(S("1 "), 0, 10);
	num_bad(S("+1"), 0, 10);
	num_bad(S("1.0"), 0, 10);
	/* len is the bound, not the NUL: "12" read as "1" */
	num_ok("1", 0, 10, 1);
	{
		long long v = 0;

		assert_int_equal(parse_num("12", 1, 0, 10, &v), 0);
		assert_true(v == 1);
	}
}

/* A single digit above a small max must not slip through. */
static void
test_parse_num_small_max(void **state)
{
	(void)state;
	num_bad(S("6"), 1, 5);
	num_bad(S("9"), 1, 5);
	num_bad(S("7"), 0, 6);
	num_bad(S("1"), 0, 0);
	num_bad(S("9"), 0, 8);
	num_bad(S("16"), 0, 15);
	num_bad(S("60"), 1, 5);
	num_ok("8", 0, 8, 8);
	num_ok("15", 0, 15, 15);
	num_bad(S("-6"), -5, 5);
	num_bad(S("-9"), -5, 5);
	num_ok("-5", -5, 5, -5);
}

static void
test_parse_num_signs(void **state)
{
	(void)state;
	num_ok("-1", -10, 10, -1);
	num_ok("-10", -10, 10, -10);
	num_ok("-0", -10, 10, 0);
	num_bad(S("-11"), -10, 10);
	num_bad(S("-1"), 0, 10);	/* no sign unless min < 0 */
	num_bad(S("-"), -10, 10);
	num_bad(S("--1"), -10, 10);
	num_bad(S("-+1"), -10, 10);
	num_bad(S("1"), -10, -5);	/* max < 0 */
	num_ok("-7", -10, -5, -7);
	num_bad(S("-4"), -10, -5);
}

static void
test_parse_num_extremes(void **state)
{
	(void)state;
	num_ok("9223372036854775807", LLONG_MIN, LLONG_MAX, LLONG_MAX);
	num_ok("-9223372036854775808", LLONG_MIN, LLONG_MAX, LLONG_MIN);
	num_ok("9223372036854775807", 0, LLONG_MAX, LLONG_MAX);
	num_bad(S("9223372036854775808"), LLONG_MIN, LLONG_MAX);
	num_bad(S("-9223372036854775809"), LLONG_MIN, LLONG_MAX);
	num_bad(S("18446744073709551615"), 0, LLONG_MAX);
	num_bad(S("18446744073709551616"), 0, LLONG_MAX);
	num_bad(S("99999999999999999999"), 0, LLONG_MAX);
	num_bad(S("100000000000000000000"), 0, LLONG_MAX);
	num_bad(S("9223372036854775807"), 0, LLONG_MAX - 1);
	num_bad(S("-9223372036854775808"), LLONG_MIN + 1, LLONG_MAX);
	num_ok("-9223372036854775807", LLONG_MIN + 1, 0, LLONG_MIN + 1);
}

static void
test_utf8_valid(void **state)
{
	static const char vi[] = "Rất hài lòng với thủ tục hành chính";
	static const char km[] = "ពេញចិត្តខ្លាំង";
	static const char nul[] = "a\0b";

	(void)state;
	assert_int_equal(utf8_valid(S("")), 1);
	assert_int_equal(utf8_valid(S("plain ascii")), 1);
	assert_int_equal(utf8_valid(S(vi)), 1);
	assert_int_equal(utf8_valid(S(km)), 1);
	assert_int_equal(utf8_valid(S("tab\tcr\rlf\n")), 1);
	assert_int_equal(utf8_valid(S("\xf0\x9f\x98\x80")), 1);	/* U+1F600 */
	assert_int_equal(utf8_valid(S("\xf4\x8f\xbf\xbf")), 1);	/* U+10FFFF */
	assert_int_equal(utf8_valid(S("\xef\xbf\xbd")), 1);	/* U+FFFD */
	assert_int_equal(utf8_valid(S("\xc2\xa0")), 1);		/* NBSP */
	/* NUL and controls */
	assert_int_equal(utf8_valid(nul, 3), 0);
	assert_int_equal(utf8_valid(S("\x01")), 0);
	assert_int_equal(utf8_valid(S("\x1b[0m")), 0);
	assert_int_equal(utf8_valid(S("\x7f")), 0);
	assert_int_equal(utf8_valid(S("\xc2\x85")), 0);		/* C1 NEL */
	/* overlongs */
	assert_int_equal(utf8_valid(S("\xc0\xaf")), 0);
	assert_int_equal(utf8_valid(S("\xc1\xbf")), 0);
	assert_int_equal(utf8_valid(S("\xc0\x80")), 0);		/* NUL */
	assert_int_equal(utf8_valid(S("\xe0\x80\xaf")), 0);
	assert_int_equal(utf8_valid(S("\xe0\x9f\xbf")), 0);
	assert_int_equal(utf8_valid(S("\xf0\x80\x80\xaf")), 0);
	assert_int_equal(utf8_valid(S("\xf0\x8f\xbf\xbf")), 0);
	/* surrogates, beyond U+10FFFF, bad lead bytes */
	assert_int_equal(utf8_valid(S("\xed\xa0\x80")), 0);
	assert_int_equal(utf8_valid(S("\xed\xbf\xbf")), 0);
	assert_int_equal(utf8_valid(S("\xf4\x90\x80\x80")), 0);
	assert_int_equal(utf8_valid(S("\xf5\x80\x80\x80")), 0);
	assert_int_equal(utf8_valid(S("\xff")), 0);
	assert_int_equal(utf8_valid(S("\x80")), 0);
	assert_int_equal(utf8_valid(S("a\xbf" "b")), 0);
	/* truncated sequences, also at the end of the given length */
	assert_int_equal(utf8_valid(S("\xc3")), 0);
	assert_int_equal(utf8_valid(S("\xe1\xba")), 0);
	assert_int_equal(utf8_valid(S("\xf0\x9f\x98")), 0);
	assert_int_equal(utf8_valid(S("\xe1\xba" "a")), 0);
	assert_int_equal(utf8_valid("\xc3\xa1", 1), 0);
	assert_int_equal(utf8_valid(vi, 3), 0);	/* "Rấ" cut in "ấ" */
}

static void
test_utf8_chars(void **state)
{
	(void)state;
	assert_int_equal(utf8_chars(S("")), 0);
	assert_int_equal(utf8_chars(S("abc")), 3);
	assert_int_equal(utf8_chars(S("Rất")), 3);
	assert_int_equal(utf8_chars(S("hài lòng")), 8);
	assert_int_equal(utf8_chars(S("ពេញ")), 3);
	assert_int_equal(utf8_chars(S("\xf0\x9f\x98\x80")), 1);
}

static int
tz_setup(void **state)
{
	(void)state;
	return (util_set_tz("Asia/Ho_Chi_Minh") == 0 ? 0 : -1);
}

static void
test_set_tz(void **state)
{
	(void)state;
	assert_int_equal(util_set_tz("No/Such_Zone"), -1);
	assert_int_equal(util_set_tz(""), -1);
	assert_int_equal(util_set_tz(NULL), -1);
	assert_int_equal(util_set_tz("../../etc/passwd"), -1);
	assert_int_equal(util_set_tz("/etc/localtime"), -1);
	assert_int_equal(util_set_tz("Asia/Ho_Chi_Minh"), 0);
}

static void
test_month_of(void **state)
{
	(void)state;
	/* 2026-11-30T17:30:00Z is 2026-12-01T00:30 in Viet Nam */
	assert_int_equal(month_of(1796059800), 202612);
	/* 2026-11-30T16:59:59Z is still 23:59:59 on 30 November */
	assert_int_equal(month_of(1796057999), 202611);
	assert_int_equal(month_of(1796058000), 202612);
	/* New year: 2026-12-31T17:00:00Z is 2027-01-01T00:00+07 */
	assert_int_equal(month_of(1798736400), 202701);
	assert_int_equal(month_of(1798736399), 202612);
	assert_int_equal(month_of(0), 197001);
}

static void
test_parse_date(void **state)
{
	int64_t	 t = -5;

	(void)state;
	assert_int_equal(parse_date("2026-12-01", &t), 0);
	assert_true(t == 1796058000);	/* midnight +07 */
	assert_int_equal(month_of(t), 202612);
	assert_int_equal(month_of(t - 1), 202611);
	assert_int_equal(parse_date("2024-02-29", &t), 0);
	assert_true(t == 1709139600);
	t = -5;
	assert_int_equal(parse_date("2026-02-29", &t), -1);
	assert_int_equal(parse_date("2026-02-30", &t), -1);
	assert_int_equal(parse_date("2026-04-31", &t), -1);
	assert_int_equal(parse_date("2026-13-01", &t), -1);
	assert_int_equal(parse_date("2026-00-10", &t), -1);
	assert_int_equal(parse_date("2026-01-00", &t), -1);
	assert_int_equal(parse_date("2026-1-01", &t), -1);
	assert_int_equal(parse_date("2026-01-010", &t), -1);
	assert_int_equal(parse_date("2026/01/01", &t), -1);
	assert_int_equal(parse_date("+026-01-01", &t), -1);
	assert_int_equal(parse_date("1969-12-31", &t), -1);
	assert_int_equal(parse_date("", &t), -1);
	assert_int_equal(parse_date(NULL, &t), -1);
	assert_true(t == -5);
}

static void
test_format_time(void **state)
{
	char	 out[32];

	(void)state;
	format_time(1796059800, out);
	assert_string_equal(out, "2026-12-01T00:30:00+07:00");
	format_time(1767200400, out);
	assert_string_equal(out, "2026-01-01T00:00:00+07:00");
	format_time(1767200399, out);
	assert_string_equal(out, "2025-12-31T23:59:59+07:00");
}

static void
test_lang(void **state)
{
	(void)state;
	assert_int_equal(lang_parse(S("vi")), LANG_VI);
	assert_int_equal(lang_parse(S("en")), LANG_EN);
	assert_int_equal(lang_parse(S("km")), LANG_KM);
	assert_int_equal(lang_parse(S("fr")), -1);
	assert_int_equal(lang_parse(S("v")), -1);
	assert_int_equal(lang_parse(S("vie")), -1);
	assert_int_equal(lang_parse("vi", 1), -1);
	assert_int_equal(lang_parse(S("")), -1);
	assert_string_equal(lang_code(LANG_KM), "km");
	assert_string_equal(lang_code((enum lang)99), "vi");
}

static void
test_buf_cap(void **state)
{
	struct buf	 b;
	char		*p;
	size_t		 len;

	(void)state;
	buf_init(&b, 8);
	assert_null(b.data);
	assert_int_equal(buf_add(&b, "abcd", 4), 0);
	assert_int_equal(buf_addstr(&b, "efg"), 0);
	assert_int_equal(buf_addc(&b, 'h'), 0);		/* exactly at max */
	assert_int_equal(b.len, 8);
	assert_int_equal(b.overflow, 0);
	assert_string_equal(b.data, "abcdefgh");
	assert_int_equal(buf_addc(&b, 'i'), -1);	/* one over */
	assert_int_equal(b.overflow, 1);
	assert_int_equal(b.len, 8);
	assert_string_equal(b.data, "abcdefgh");
	assert_int_equal(buf_add(&b, "", 0), 0);
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.overflow, 0);
	assert_string_equal(b.data, "");
	assert_int_equal(buf_add(&b, "123456789", 9), -1);
	assert_int_equal(b.len, 0);
	assert_int_equal(buf_printf(&b, "%d-%s", 42, "x"), 0);
	assert_string_equal(b.data, "42-x");
	assert_int_equal(buf_printf(&b, "%s", "toolong"), -1);
	assert_string_equal(b.data, "42-x");
	p = buf_steal(&b, &len);
	assert_int_equal(len, 4);
	assert_string_equal(p, "42-x");
	free(p);
	assert_null(b.data);
	assert_int_equal(b.max, 8);
	p = buf_steal(&b, &len);	/* never NULL */
	assert_non_null(p);
	assert_int_equal(len, 0);
	assert_string_equal(p, "");
	free(p);
	buf_clear(&b);
}

static void
test_buf_grow(void **state)
{
	struct buf	 b;
	char		 big[1000];
	size_t		 i;

	(void)state;
	memset(big, 'x', sizeof(big));
	buf_init(&b, BUF_MAX_DEFAULT);
	for (i = 0; i < 100; i++)
		assert_int_equal(buf_add(&b, big, sizeof(big)), 0);
	assert_int_equal(b.len, 100000);
	assert_int_equal(b.data[b.len], '\0');
	assert_int_equal(buf_printf(&b, "%.*s", 600, big), 0);	/* > 256 */
	assert_int_equal(b.len, 100600);
	assert_int_equal(b.data[b.len], '\0');
	buf_clear(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	buf_init(&b, 300);
	assert_int_equal(buf_printf(&b, "%.*s", 300, big), 0);
	assert_int_equal(b.len, 300);
	assert_int_equal(buf_printf(&b, "%s", "y"), -1);
	buf_clear(&b);
}

static void
test_buf_html(void **state)
{
	struct buf	 b;
	static const char vi[] = "Rất hài lòng";

	(void)state;
	buf_init(&b, 1024);
	assert_int_equal(buf_add_html(&b,
	    S("<a href=\"x\" onclick='y'>&amp;</a>")), 0);
	assert_string_equal(b.data, "&lt;a href=&quot;x&quot; "
	    "onclick=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;");
	buf_reset(&b);
	assert_int_equal(buf_add_html(&b, S(vi)), 0);
	assert_string_equal(b.data, vi);
	buf_reset(&b);
	assert_int_equal(buf_add_html(&b, S("")), 0);
	assert_int_equal(b.len, 0);
	/* Bytes after a NUL within len are copied too. */
	assert_int_equal(buf_add_html(&b, "a\0<", 3), 0);
	assert_int_equal(b.len, 6);
	assert_memory_equal(b.data, "a\0&lt;", 7);
	buf_clear(&b);

	/* At the cap: an escape that does not fit adds nothing. */
	buf_init(&b, 6);
	assert_int_equal(buf_add_html(&b, S("a&")), 0);	/* "a&amp;" */
	assert_string_equal(b.data, "a&amp;");
	buf_reset(&b);
	assert_int_equal(buf_add_html(&b, S("abc<")), -1);	/* 7 */
	assert_int_equal(b.overflow, 1);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	buf_reset(&b);
	assert_int_equal(buf_addstr(&b, "12"), 0);
	assert_int_equal(buf_add_html(&b, S("x\"y")), -1);
	assert_string_equal(b.data, "12");
	buf_clear(&b);
}

static void
test_ident(void **state)
{
	(void)state;
	assert_int_equal(hex_digit('0'), 0);
	assert_int_equal(hex_digit('9'), 9);
	assert_int_equal(hex_digit('a'), 10);
	assert_int_equal(hex_digit('F'), 15);
	assert_int_equal(hex_digit('g'), -1);
	assert_int_equal(hex_digit('%'), -1);
	assert_int_equal(hex_digit('\0'), -1);
	assert_int_equal(ident_valid("on_time", 7, 23), 1);
	assert_int_equal(ident_valid("a1_", 3, 3), 1);
	assert_int_equal(ident_valid("a1_", 3, 2), 0);		/* too long */
	assert_int_equal(ident_valid("", 0, 23), 0);
	assert_int_equal(ident_valid("On", 2, 23), 0);		/* upper case */
	assert_int_equal(ident_valid("a-b", 3, 23), 0);
	assert_int_equal(ident_valid("a\0b", 3, 23), 0);	/* NUL inside */
	assert_int_equal(ident_valid("\xc3\xa1", 2, 23), 0);	/* not ASCII */
}

/* Regular files are read at their size; streams without one grow. */
static void
test_file_slurp(void **state)
{
	char	 src[10000], *text;
	size_t	 len, i;
	FILE	*f;
	int	 pass;

	(void)state;
	for (i = 0; i < sizeof(src); i++)
		src[i] = (char)('a' + i % 26);
	for (pass = 0; pass < 2; pass++) {
		if (pass == 0) {
			assert_non_null(f = tmpfile());
			assert_int_equal(fwrite(src, 1, sizeof(src), f),
			    sizeof(src));
			rewind(f);
		} else
			assert_non_null(f = fmemopen(src, sizeof(src), "rb"));
		assert_int_equal(file_slurp(f, sizeof(src), &text, &len),
		    HL_OK);
		assert_int_equal(len, sizeof(src));
		assert_memory_equal(text, src, len);
		assert_int_equal(text[len], '\0');
		free(text);
		rewind(f);
		assert_int_equal(file_slurp(f, sizeof(src) - 1, &text, &len),
		    HL_TOO_BIG);
		assert_null(text);
		assert_int_equal(len, 0);
		fclose(f);
	}
	assert_non_null(f = tmpfile());
	assert_int_equal(file_slurp(f, 16, &text, &len), HL_OK);
	assert_int_equal(len, 0);
	assert_int_equal(text[0], '\0');
	free(text);
	fclose(f);
}

/* Days as people write them; anything else as it came. */
static void
test_format_day(void **state)
{
	char	 out[16];

	(void)state;
	assert_string_equal(format_day("2025-07-01", out), "01/07/2025");
	assert_string_equal(format_day("2025-7-1", out), "2025-7-1");
	assert_string_equal(format_day("", out), "");
	assert_string_equal(format_day(NULL, out), "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ident),
		cmocka_unit_test(test_parse_num_basic),
		cmocka_unit_test(test_parse_num_small_max),
		cmocka_unit_test(test_parse_num_signs),
		cmocka_unit_test(test_parse_num_extremes),
		cmocka_unit_test(test_utf8_valid),
		cmocka_unit_test(test_utf8_chars),
		cmocka_unit_test(test_set_tz),
		cmocka_unit_test(test_month_of),
		cmocka_unit_test(test_parse_date),
		cmocka_unit_test(test_format_time),
		cmocka_unit_test(test_lang),
		cmocka_unit_test(test_buf_cap),
		cmocka_unit_test(test_buf_grow),
		cmocka_unit_test(test_buf_html),
		cmocka_unit_test(test_file_slurp),
		cmocka_unit_test(test_format_day),
	};

	return (cmocka_run_group_tests(tests, tz_setup, NULL));
}
