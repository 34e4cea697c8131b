/*
 * test_json_in.c: ticket request bodies: valid ones, every field's rules,
 * malformed JSON, duplicates, nesting, and that why never echoes values.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "json_in.h"
#include "util.h"

static enum hl_rc
parse(const char *body, struct ticket_req *r, char *why, size_t whylen)
{
	return (json_in_ticket(body, strlen(body), r, why, whylen));
}

/* Expects rc; why must contain want and must not contain secret. */
static void
expect(const char *body, enum hl_rc rc, const char *want)
{
	struct ticket_req	 r;
	char			 why[128];

	memset(why, 'Z', sizeof(why));
	assert_int_equal(parse(body, &r, why, sizeof(why)), rc);
	assert_non_null(memchr(why, '\0', sizeof(why)));
	if (want != NULL && strstr(why, want) == NULL)
		fail_msg("why \"%s\" lacks \"%s\"", why, want);
	assert_null(strstr(why, "SECRET"));
	assert_null(strstr(why, "secret"));
	if (rc != HL_OK) {
		assert_int_equal(r.procedure[0], '\0');
		assert_int_equal(r.has_case, 0);
	}
}

static void
test_full(void **state)
{
	struct ticket_req	 r;
	char			 why[128];
	static const char	 body[] = "{\"procedure\": \"1.001234\", "
	    "\"unit\": \"UBND-XA_01\", \"handling_unit\": \"SO.TP\", "
	    "\"sector\": \"tu-phap\", \"case\": \"HS/2026 số 12\", "
	    "\"counter\": \"Quầy 3\"}";

	(void)state;
	assert_int_equal(json_in_ticket(body, sizeof(body) - 1, &r, why,
	    sizeof(why)), HL_OK);
	assert_string_equal(r.procedure, "1.001234");
	assert_string_equal(r.unit, "UBND-XA_01");
	assert_string_equal(r.handling_unit, "SO.TP");
	assert_string_equal(r.sector, "tu-phap");
	assert_int_equal(r.has_case, 1);
	assert_int_equal(r.case_len, strlen("HS/2026 số 12"));
	assert_string_equal(r.caseref, "HS/2026 số 12");
	assert_string_equal(r.counter, "Quầy 3");
}

static void
test_minimal(void **state)
{
	struct ticket_req	 r;
	char			 why[128];

	(void)state;
	memset(&r, 'x', sizeof(r));
	assert_int_equal(parse("{\"unit\":\"U1\",\"procedure\":\"P1\"}", &r,
	    why, sizeof(why)), HL_OK);
	assert_string_equal(r.procedure, "P1");
	assert_string_equal(r.unit, "U1");
	assert_string_equal(r.handling_unit, "");
	assert_string_equal(r.sector, "");
	assert_string_equal(r.counter, "");
	assert_int_equal(r.has_case, 0);
	assert_int_equal(r.case_len, 0);
	assert_string_equal(r.caseref, "");
	/* whitespace around the object is fine */
	expect(" \n\t{\"procedure\":\"P\",\"unit\":\"U\"}\r\n ", HL_OK, NULL);
}

static void
test_counter_integer(void **state)
{
	struct ticket_req	 r;
	char			 why[128];

	(void)state;
	assert_int_equal(parse("{\"procedure\":\"P\",\"unit\":\"U\","
	    "\"counter\":3}", &r, why, sizeof(why)), HL_OK);
	assert_string_equal(r.counter, "3");
	assert_int_equal(parse("{\"procedure\":\"P\",\"unit\":\"U\","
	    "\"counter\":0}", &r, why, sizeof(why)), HL_OK);
	assert_string_equal(r.counter, "0");
	assert_int_equal(parse("{\"procedure\":\"P\",\"unit\":\"U\","
	    "\"counter\":9999999999999999}", &r, why, sizeof(why)), HL_OK);
	assert_string_equal(r.counter, "9999999999999999");	/* 16 */
	expect("{\"procedure\":\"P\",\"unit\":\"U\","
	    "\"counter\":10000000000000000}", HL_INVALID,
	    "counter: at most 16 bytes");
	expect("{\"procedure\":\"P\",\"unit\":\"U\",\"counter\":-1}",
	    HL_INVALID, "counter: must not be negative");
	expect("{\"procedure\":\"P\",\"unit\":\"U\",\"counter\":3.0}",
	    HL_INVALID, "counter: must be a string or a non-negative integer");
	expect("{\"procedure\":\"P\",\"unit\":\"U\",\"counter\":true}",
	    HL_INVALID, "counter:");
	/* only counter takes integers */
	expect("{\"procedure\":3,\"unit\":\"U\"}", HL_INVALID,
	    "procedure: must be a string");
}

static void
test_missing(void **state)
{
	(void)state;
	expect("{\"unit\":\"U\"}", HL_INVALID, "procedure: required");
	expect("{\"procedure\":\"P\"}", HL_INVALID, "unit: required");
	expect("{\"procedure\":\"P\",\"sector\":\"S\"}", HL_INVALID,
	    "unit: required");
	expect("{}", HL_INVALID, "procedure: required");
}

static void
test_types(void **state)
{
	static const char *const bad[] = { "1", "1.5", "true", "false",
	    "null", "[]", "[\"P\"]", "{}", "{\"a\":\"b\"}" };
	static const char *const fields[] = { "procedure", "unit",
	    "handling_unit", "sector", "case", "counter" };
	char	 body[256], want[64];
	size_t	 i, j;
	int	 n;

	(void)state;
	for (j = 0; j < sizeof(fields) / sizeof(fields[0]); j++)
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			/* counter accepts a non-negative integer */
			if (strcmp(fields[j], "counter") == 0 &&
			    strcmp(bad[i], "1") == 0)
				continue;
			n = snprintf(body, sizeof(body), "{\"procedure\":\"P\","
			    "\"unit\":\"U\",\"%s\":%s}", fields[j], bad[i]);
			assert_true(n > 0 && (size_t)n < sizeof(body));
			/* a repeated procedure/unit key is a duplicate */
			if (j < 2)
				n = snprintf(body, sizeof(body),
				    "{\"%s\":%s,\"%s\":\"U\"}", fields[j],
				    bad[i], fields[1 - j]);
			assert_true(n > 0 && (size_t)n < sizeof(body));
			snprintf(want, sizeof(want), "%s: must be a string",
			    fields[j]);
			expect(body, HL_INVALID, want);
		}
}

static void
test_empty_values(void **state)
{
	(void)state;
	expect("{\"procedure\":\"\",\"unit\":\"U\"}", HL_INVALID,
	    "procedure: must not be empty");
	expect("{\"procedure\":\"P\",\"unit\":\"\"}", HL_INVALID,
	    "unit: must not be empty");
	expect("{\"procedure\":\"P\",\"unit\":\"U\",\"case\":\"\"}",
	    HL_INVALID, "case: must not be empty");
	expect("{\"procedure\":\"P\",\"unit\":\"U\",\"counter\":\"\"}",
	    HL_INVALID, "counter: must not be empty");
	expect("{\"procedure\":\"P\",\"unit\":\"U\",\"sector\":\"\"}",
	    HL_INVALID, "sector: must not be empty");
}

static void
test_codes(void **state)
{
	(void)state;
	expect("{\"procedure\":\"a b\",\"unit\":\"U\"}", HL_INVALID,
	    "procedure: only");
	expect("{\"procedure\":\"P\",\"unit\":\"U/1\"}", HL_INVALID,
	    "unit: only");
	expect("{\"procedure\":\"P\",\"unit\":\"xã\"}", HL_INVALID,
	    "unit: only");
	expect("{\"procedure\":\"P\",\"unit\":\"U\",\"sector\":\"<s>\"}",
	    HL_INVALID, "sector: only");
	expect("{\"procedure\":\"P\",\"unit\":\"U\","
	    "\"handling_unit\":\"a\\u0000\"}", HL_MALFORMED, NULL);
	expect("{\"procedure\":\"P\",\"unit\":\"U\","
	    "\"handling_unit\":\"a\\nb\"}", HL_INVALID, "handling_unit: only");
}

static void
test_controls(void **state)
{
	(void)state;
	expect("{\"procedure\":\"P\",\"unit\":\"U\",\"case\":\"a\\tb\"}",
	    HL_INVALID, "case: control characters");
	expect("{\"procedure\":\"P\",\"unit\":\"U\",\"case\":\"a\\nb\"}",
	    HL_INVALID, "case: control characters");
	expect("{\"procedure\":\"P\",\"unit\":\"U\",\"case\":\"a\\u007fb\"}",
	    HL_INVALID, "case: control characters");
	expect("{\"procedure\":\"P\",\"unit\":\"U\",\"case\":\"a\\u0085b\"}",
	    HL_INVALID, "case: control characters");
	expect("{\"procedure\":\"P\",\"unit\":\"U\",\"counter\":\"\\u001b\"}",
	    HL_INVALID, "counter: control characters");
	/* raw control bytes inside strings are not JSON */
	expect("{\"procedure\":\"P\",\"unit\":\"U\",\"case\":\"a\tb\"}",
	    HL_MALFORMED, NULL);
	/* NUL escaped and raw */
	expect("{\"procedure\":\"P\",\"unit\":\"U\",\"case\":\"a\\u0000b\"}",
	    HL_MALFORMED, NULL);
	{
		static const char body[] =
		    "{\"procedure\":\"P\",\"unit\":\"U\",\"case\":\"a\0b\"}";
		struct ticket_req r;
		char why[128];

		assert_int_equal(json_in_ticket(body, sizeof(body) - 1, &r,
		    why, sizeof(why)), HL_MALFORMED);
	}
	/* invalid UTF-8 inside a string */
	expect("{\"procedure\":\"P\",\"unit\":\"U\",\"case\":\"\xc3\x28\"}",
	    HL_MALFORMED, NULL);
	expect("{\"procedure\":\"P\",\"unit\":\"U\",\"case\":\"\\ud800\"}",
	    HL_MALFORMED, NULL);
}

/* Builds {"procedure":"P","unit":"U","<field>":"<n x c>"} and parses. */
static void
expect_len(const char *field, char c, size_t n, enum hl_rc rc,
    const char *want)
{
	char	 body[512];
	int	 k;

	k = snprintf(body, sizeof(body), "{\"procedure\":\"%s\","
	    "\"unit\":\"%s\",", strcmp(field, "procedure") ? "P" : "",
	    strcmp(field, "unit") ? "U" : "");
	assert_true(k > 0 && (size_t)k < sizeof(body));
	/* drop the placeholder pair of the field under test */
	if (strcmp(field, "procedure") == 0)
		k = snprintf(body, sizeof(body), "{\"unit\":\"U\",");
	else if (strcmp(field, "unit") == 0)
		k = snprintf(body, sizeof(body), "{\"procedure\":\"P\",");
	k += snprintf(body + k, sizeof(body) - (size_t)k, "\"%s\":\"", field);
	assert_true((size_t)k + n + 3 < sizeof(body));
	memset(body + k, c, n);
	k += (int)n;
	memcpy(body + k, "\"}", 3);
	expect(body, rc, want);
}

static void
test_lengths(void **state)
{
	(void)state;
	expect_len("procedure", 'p', PROC_CODE_MAX, HL_OK, NULL);
	expect_len("procedure", 'p', PROC_CODE_MAX + 1, HL_INVALID,
	    "procedure: at most 32 bytes");
	expect_len("unit", 'u', UNIT_CODE_MAX, HL_OK, NULL);
	expect_len("unit", 'u', UNIT_CODE_MAX + 1, HL_INVALID,
	    "unit: at most 32 bytes");
	expect_len("handling_unit", 'h', UNIT_CODE_MAX, HL_OK, NULL);
	expect_len("handling_unit", 'h', UNIT_CODE_MAX + 1, HL_INVALID,
	    "handling_unit: at most 32 bytes");
	expect_len("sector", 's', SECTOR_CODE_MAX, HL_OK, NULL);
	expect_len("sector", 's', SECTOR_CODE_MAX + 1, HL_INVALID,
	    "sector: at most 15 bytes");
	expect_len("counter", 'c', COUNTER_MAX, HL_OK, NULL);
	expect_len("counter", 'c', COUNTER_MAX + 1, HL_INVALID,
	    "counter: at most 16 bytes");
	expect_len("case", 'k', CASE_MAX, HL_OK, NULL);
	expect_len("case", 'k', CASE_MAX + 1, HL_INVALID,
	    "case: at most 64 bytes");
}

/* Case limit is in bytes: 21 "ố" (3 bytes each) = 63, 22 = 66. */
static void
test_case_multibyte(void **state)
{
	struct ticket_req	 r;
	char			 body[256], why[128];
	size_t			 i;
	int			 k;

	(void)state;
	k = snprintf(body, sizeof(body), "{\"procedure\":\"P\",\"unit\":\"U\","
	    "\"case\":\"x");
	for (i = 0; i < 21; i++)
		k += snprintf(body + k, sizeof(body) - (size_t)k, "ố");
	snprintf(body + k, sizeof(body) - (size_t)k, "\"}");
	assert_int_equal(parse(body, &r, why, sizeof(why)), HL_OK);
	assert_int_equal(r.case_len, 64);
	assert_int_equal(strlen(r.caseref), 64);
	snprintf(body + k, sizeof(body) - (size_t)k, "ố\"}");
	expect(body, HL_INVALID, "case: at most 64 bytes");
}

static void
test_duplicates(void **state)
{
	(void)state;
	expect("{\"procedure\":\"P\",\"unit\":\"U\",\"unit\":\"U\"}",
	    HL_MALFORMED, "duplicate key");
	expect("{\"procedure\":\"P\",\"unit\":\"U\",\"case\":\"a\","
	    "\"case\":\"b\"}", HL_MALFORMED, "duplicate key");
	expect("{\"procedure\":\"P\",\"unit\":\"U\",\"SECRET\":1,"
	    "\"SECRET\":2}", HL_MALFORMED, "duplicate key");
}

static void
test_unknown(void **state)
{
	(void)state;
	expect("{\"procedure\":\"P\",\"unit\":\"U\",\"foo\":\"x\"}",
	    HL_INVALID, "unknown field \"foo\"");
	expect("{\"procedure\":\"P\",\"unit\":\"U\",\"Foo_9\":1}",
	    HL_INVALID, "unknown field \"Foo_9\"");
	expect("{\"procedure\":\"P\",\"unit\":\"U\","
	    "\"<script>secret\":1}", HL_INVALID, "unknown field");
	expect("{\"procedure\":\"P\",\"unit\":\"U\",\"\":1}", HL_INVALID,
	    "unknown field");
	expect("{\"procedure\":\"P\",\"unit\":\"U\",\"a\\\"secret\":1}",
	    HL_INVALID, "unknown field");
	/* 32 characters are quoted, 33 are not */
	expect("{\"procedure\":\"P\",\"unit\":\"U\","
	    "\"abcdefghijabcdefghijabcdefghijab\":1}", HL_INVALID,
	    "unknown field \"abcdefghijabcdefghijabcdefghijab\"");
	{
		struct ticket_req r;
		char why[128];

		assert_int_equal(parse("{\"procedure\":\"P\",\"unit\":\"U\","
		    "\"abcdefghijabcdefghijabcdefghijabc\":1}", &r, why,
		    sizeof(why)), HL_INVALID);
		assert_string_equal(why, "unknown field");
	}
	/* keys are case-sensitive */
	expect("{\"Procedure\":\"P\",\"unit\":\"U\"}", HL_INVALID,
	    "unknown field \"Procedure\"");
}

static void
test_not_object(void **state)
{
	struct ticket_req	 r;
	char			 why[128];

	(void)state;
	assert_int_equal(json_in_ticket("", 0, &r, why, sizeof(why)),
	    HL_MALFORMED);
	expect(" ", HL_MALFORMED, NULL);
	expect("[]", HL_MALFORMED, "not a JSON object");
	expect("[{\"procedure\":\"P\",\"unit\":\"U\"}]", HL_MALFORMED,
	    "not a JSON object");
	expect("\"SECRET\"", HL_MALFORMED, "not a JSON object");
	expect("3", HL_MALFORMED, "not a JSON object");
	expect("null", HL_MALFORMED, "not a JSON object");
	expect("{", HL_MALFORMED, "not JSON");
	expect("{\"procedure\":\"P\",\"unit\":\"U\"", HL_MALFORMED, NULL);
	expect("{'procedure':'P'}", HL_MALFORMED, NULL);
	expect("{\"procedure\":\"P\",\"unit\":\"U\",}", HL_MALFORMED, NULL);
	expect("{\"procedure\":\"SECRET\" \"unit\":\"U\"}", HL_MALFORMED,
	    NULL);
	/* trailing garbage */
	expect("{\"procedure\":\"P\",\"unit\":\"U\"}x", HL_MALFORMED, NULL);
	expect("{\"procedure\":\"P\",\"unit\":\"U\"}{}", HL_MALFORMED, NULL);
	expect("{\"procedure\":\"P\",\"unit\":\"U\"} SECRET", HL_MALFORMED,
	    NULL);
	/* the length is the bound: the closing brace is outside it */
	assert_int_equal(json_in_ticket("{\"procedure\":\"P\",\"unit\":\"U\"}",
	    27, &r, why, sizeof(why)), HL_MALFORMED);
}

/* depth brackets ("{\"a\":" for objects), closed when close is set. */
static void
nest(size_t depth, int obj, int close, enum hl_rc rc, const char *want)
{
	struct ticket_req	 r;
	char			 why[128];
	char			*body;
	size_t			 i, len = 0, step = obj ? 5 : 1;

	body = xmalloc(depth * (step + 1) + 1);
	for (i = 0; i < depth; i++) {
		memcpy(body + len, obj ? "{\"a\":" : "[", step);
		len += step;
	}
	if (obj)
		body[len++] = '1';
	for (i = 0; close && i < depth; i++)
		body[len++] = obj ? '}' : ']';
	assert_int_equal(json_in_ticket(body, len, &r, why, sizeof(why)), rc);
	if (want != NULL)
		assert_non_null(strstr(why, want));
	free(body);
}

static void
test_nesting(void **state)
{
	(void)state;
	nest(8, 0, 1, HL_MALFORMED, "not a JSON object");
	nest(9, 0, 1, HL_MALFORMED, "nested deeper than 8");
	nest(8, 1, 1, HL_INVALID, "unknown field \"a\"");
	nest(9, 1, 1, HL_MALFORMED, "nested deeper than 8");
	nest(10000, 0, 0, HL_MALFORMED, "nested deeper than 8");
	nest(2000, 1, 0, HL_MALFORMED, "nested deeper than 8");
	nest(8000, 0, 1, HL_MALFORMED, "nested deeper than 8");
	nest(10000, 0, 1, HL_TOO_BIG, NULL);	/* 20000 bytes */
	expect("{\"procedure\":\"P\",\"unit\":\"U\",\"case\":"
	    "[[[[[[[[\"x\"]]]]]]]]}", HL_MALFORMED, "nested deeper than 8");
	expect("{\"procedure\":\"P\",\"unit\":\"U\",\"case\":"
	    "[[[[[[\"x\"]]]]]]}", HL_INVALID, "case: must be a string");
	/* brackets inside strings do not count */
	expect("{\"procedure\":\"P\",\"unit\":\"U\",\"case\":"
	    "\"[[[[[[[[[[{{{{{{{{{{\\\"[[[[[[[[[\"}", HL_OK, NULL);
}

static void
test_too_big(void **state)
{
	struct ticket_req	 r;
	char			 why[128];
	char			*body;

	(void)state;
	body = xmalloc(JSON_BODY_MAX + 1);
	memset(body, ' ', JSON_BODY_MAX + 1);
	memcpy(body, "{\"procedure\":\"P\",\"unit\":\"U\"}", 28);
	assert_int_equal(json_in_ticket(body, JSON_BODY_MAX, &r, why,
	    sizeof(why)), HL_OK);
	assert_int_equal(json_in_ticket(body, JSON_BODY_MAX + 1, &r, why,
	    sizeof(why)), HL_TOO_BIG);
	free(body);
}

static void
test_small_why(void **state)
{
	struct ticket_req	 r;
	char			 why[4];

	(void)state;
	assert_int_equal(parse("{\"procedure\":\"P\"}", &r, why,
	    sizeof(why)), HL_INVALID);
	assert_string_equal(why, "uni");	/* unit: required */
	assert_int_equal(parse("{\"procedure\":\"P\"}", &r, NULL, 0),
	    HL_INVALID);
}


static enum hl_rc
resp(const char *body, struct response_req *r)
{
	char	 why[128];

	return (json_in_response(body, strlen(body), r, why, sizeof(why)));
}

#define IDK	"\"idempotency_key\":\"abcdefghijklmnop\""

static void
test_response_ok(void **state)
{
	struct response_req	*r = malloc(sizeof(*r));

	(void)state;
	assert_int_equal(resp("{" IDK ",\"answers\":{\"overall\":5}}", r),
	    HL_OK);
	assert_int_equal(r->overall, 5);
	assert_int_equal(r->has_token, 0);
	assert_int_equal(r->has_answered, 0);
	assert_int_equal(r->lang, -1);
	assert_int_equal(r->idem_len, 16);
	assert_int_equal(resp("{" IDK ",\"token\":\"ABC123\",\"answers\":"
	    "{\"overall\":1,\"on_time\":\"late\",\"reasons\":[\"slow\","
	    "\"rude\"]},\"comment\":\"Tốt\\nlắm\",\"lang\":\"km\","
	    "\"answered_at\":\"2026-01-31T23:59:30+07:00\"}", r), HL_OK);
	assert_int_equal(r->has_token, 1);
	assert_string_equal(r->token, "ABC123");
	assert_int_equal(r->nchoices, 1);
	assert_string_equal(r->choices[0].q, "on_time");
	assert_string_equal(r->choices[0].option, "late");
	assert_int_equal(r->nreasons, 2);
	assert_string_equal(r->reasons[1], "rude");
	assert_int_equal(r->comment_len, strlen("Tốt\nlắm"));
	assert_int_equal(r->lang, LANG_KM);
	assert_int_equal(r->answered, 1769878770);	/* 16:59:30Z */
	assert_int_equal(resp("{" IDK ",\"answers\":{\"overall\":3},"
	    "\"answered_at\":1769878770}", r), HL_OK);
	assert_int_equal(r->answered, 1769878770);
	free(r);
}

static void
test_response_bad(void **state)
{
	struct response_req	*r = malloc(sizeof(*r));
	char			*big;
	static const char *const invalid[] = {
		"{\"answers\":{\"overall\":5}}",
		"{\"idempotency_key\":\"short\",\"answers\":{\"overall\":5}}",
		"{\"idempotency_key\":\"abcdefghijklmnop!\","
		    "\"answers\":{\"overall\":5}}",
		"{\"idempotency_key\":12345678901234567,"
		    "\"answers\":{\"overall\":5}}",
		"{" IDK "}",
		"{" IDK ",\"answers\":5}",
		"{" IDK ",\"answers\":{}}",
		"{" IDK ",\"answers\":{\"overall\":0}}",
		"{" IDK ",\"answers\":{\"overall\":6}}",
		"{" IDK ",\"answers\":{\"overall\":\"5\"}}",
		"{" IDK ",\"answers\":{\"overall\":5.0}}",
		"{" IDK ",\"answers\":{\"overall\":true}}",
		"{" IDK ",\"answers\":{\"overall\":5,\"Bad-Id\":\"x\"}}",
		"{" IDK ",\"answers\":{\"overall\":5,\"q\":\"Bad\"}}",
		"{" IDK ",\"answers\":{\"overall\":5,\"q\":1}}",
		"{" IDK ",\"answers\":{\"overall\":5,\"q\":[\"a\"]}}",
		"{" IDK ",\"answers\":{\"overall\":1,\"reasons\":\"a\"}}",
		"{" IDK ",\"answers\":{\"overall\":1,\"reasons\":[1]}}",
		"{" IDK ",\"answers\":{\"overall\":1,\"reasons\":[\"a\",\"a\"]}}",
		"{" IDK ",\"answers\":{\"overall\":5},\"extra\":1}",
		"{" IDK ",\"answers\":{\"overall\":5},\"token\":\"\"}",
		"{" IDK ",\"answers\":{\"overall\":5},\"token\":\"a b\"}",
		"{" IDK ",\"answers\":{\"overall\":5},\"token\":5}",
		"{" IDK ",\"answers\":{\"overall\":5},\"lang\":\"fr\"}",
		"{" IDK ",\"answers\":{\"overall\":5},\"comment\":5}",
		"{" IDK ",\"answers\":{\"overall\":5},\"comment\":\"\\u0001\"}",
		"{" IDK ",\"answers\":{\"overall\":5},\"answered_at\":-5}",
		"{" IDK ",\"answers\":{\"overall\":5},\"answered_at\":1.5}",
		"{" IDK ",\"answers\":{\"overall\":5},"
		    "\"answered_at\":\"2026-01-31T23:59:30\"}",
		"{" IDK ",\"answers\":{\"overall\":5},"
		    "\"answered_at\":\"2026-02-30T10:00:00Z\"}",
		"{" IDK ",\"answers\":{\"overall\":5},"
		    "\"answered_at\":\"2026-01-31T24:00:00Z\"}",
		"{" IDK ",\"answers\":{\"overall\":5},"
		    "\"answered_at\":\"2026-01-31T10:00:00+7\"}",
	};
	size_t			 i, n;

	(void)state;
	for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		if (resp(invalid[i], r) != HL_INVALID)
			fail_msg("not 422: %s", invalid[i]);
		assert_int_equal(r->overall, 0);
		assert_int_equal(r->lang, -1);
	}
	assert_int_equal(resp("{", r), HL_MALFORMED);
	assert_int_equal(resp("[]", r), HL_MALFORMED);
	assert_int_equal(resp("{" IDK "," IDK ",\"answers\":{\"overall\":5}}",
	    r), HL_MALFORMED);
	assert_int_equal(resp("{" IDK ",\"answers\":{\"overall\":5,"
	    "\"overall\":4}}", r), HL_MALFORMED);
	/* Comment: 1000 characters fit, 1001 do not. */
	n = strlen("{" IDK ",\"answers\":{\"overall\":5},\"comment\":\"\"}");
	big = malloc(n + 3 * 1001 + 1);
	strcpy(big, "{" IDK ",\"answers\":{\"overall\":5},\"comment\":\"");
	for (i = 0; i < 1000; i++)
		strcat(big, "ệ");
	strcat(big, "\"}");
	assert_int_equal(resp(big, r), HL_OK);
	assert_int_equal(r->comment_len, 3000);
	big[strlen(big) - 2] = '\0';
	strcat(big, "a\"}");
	assert_int_equal(resp(big, r), HL_INVALID);
	free(big);
	big = calloc(1, JSON_BODY_MAX + 2);
	memset(big, ' ', JSON_BODY_MAX + 1);
	assert_int_equal(json_in_response(big, JSON_BODY_MAX + 1, r, NULL, 0),
	    HL_TOO_BIG);
	free(big);
	free(r);
}

static void
test_enrol_and_time(void **state)
{
	struct enrol_req	 e;
	char			 why[128];
	int64_t			 t;

	(void)state;
	assert_int_equal(json_in_enrol("{\"code\":\"ab12-cd34\"}", 20, &e, why,
	    sizeof(why)), HL_OK);
	assert_string_equal(e.code, "ab12-cd34");
	assert_int_equal(e.len, 9);
	assert_int_equal(json_in_enrol("{}", 2, &e, why, sizeof(why)),
	    HL_INVALID);
	assert_int_equal(json_in_enrol("{\"code\":1}", 10, &e, why,
	    sizeof(why)), HL_INVALID);
	assert_int_equal(json_in_enrol("{\"code\":\"\"}", 11, &e, why,
	    sizeof(why)), HL_INVALID);
	assert_int_equal(json_in_enrol("{\"code\":\"a\",\"x\":1}", 18, &e, why,
	    sizeof(why)), HL_INVALID);
	assert_int_equal(json_in_enrol("[1]", 3, &e, why, sizeof(why)),
	    HL_MALFORMED);

	assert_int_equal(json_in_time("1970-01-01T00:00:00Z", 20, &t), 0);
	assert_int_equal(t, 0);
	assert_int_equal(json_in_time("2024-02-29T12:00Z", 17, &t), 0);
	assert_int_equal(t, 1709208000);
	assert_int_equal(json_in_time("2024-02-29T19:00:00.123+0700", 28, &t),
	    0);
	assert_int_equal(t, 1709208000);
	assert_int_equal(json_in_time("2024-02-29T07:00:00-05:00", 25, &t),
	    0);
	assert_int_equal(t, 1709208000);
	assert_int_equal(json_in_time("2023-02-29T12:00Z", 17, &t), -1);
	assert_int_equal(json_in_time("2024-13-01T12:00Z", 17, &t), -1);
	assert_int_equal(json_in_time("2024-01-01T12:00:00", 19, &t), -1);
	assert_int_equal(json_in_time("2024-01-01T12:00:00Zx", 21, &t), -1);
	assert_int_equal(json_in_time("2024-01-01", 10, &t), -1);
	assert_int_equal(json_in_time("1969-12-31T23:59:59Z", 20, &t), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_minimal),
		cmocka_unit_test(test_counter_integer),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_empty_values),
		cmocka_unit_test(test_codes),
		cmocka_unit_test(test_controls),
		cmocka_unit_test(test_lengths),
		cmocka_unit_test(test_case_multibyte),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_not_object),
		cmocka_unit_test(test_nesting),
		cmocka_unit_test(test_too_big),
		cmocka_unit_test(test_small_why),
		cmocka_unit_test(test_response_ok),
		cmocka_unit_test(test_response_bad),
		cmocka_unit_test(test_enrol_and_time),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
