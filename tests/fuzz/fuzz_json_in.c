#include <stdio.h>
#include <string.h>

#include "json_in.h"
#include "util.h"
#include "fuzz.h"

/*
 * fuzz_json_in.c: one body through each JSON request parser: tickets,
 * kiosk responses, enrolment codes, and the answered_at time form.
 * Trap: the outputs are fixed arrays; every length must stay within them.
 */

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return (0);
}

static void
fuzz_ticket(const char *s, size_t n)
{
	struct ticket_req	 t;
	char			 why[256];

	if (json_in_ticket(s, n, &t, why, sizeof(why)) != HL_OK)
		return;
	FUZZ_CHECK(t.procedure[0] != '\0' && t.unit[0] != '\0');
	FUZZ_CHECK(strlen(t.procedure) <= PROC_CODE_MAX);
	FUZZ_CHECK(strlen(t.unit) <= UNIT_CODE_MAX);
	FUZZ_CHECK(strlen(t.handling_unit) <= UNIT_CODE_MAX);
	FUZZ_CHECK(strlen(t.sector) <= SECTOR_CODE_MAX);
	FUZZ_CHECK(strlen(t.counter) <= COUNTER_MAX);
	if (t.has_case)
		FUZZ_CHECK(t.case_len >= 1 && t.case_len <= CASE_MAX);
}

static void
fuzz_response(const char *s, size_t n)
{
	struct response_req	 r;
	char			 why[256];
	size_t			 i;

	if (json_in_response(s, n, &r, why, sizeof(why)) != HL_OK)
		return;
	FUZZ_CHECK(r.idem_len >= IDEM_KEY_MIN && r.idem_len <= IDEM_KEY_MAX);
	FUZZ_CHECK(strlen(r.idem) == r.idem_len);
	if (r.has_token)
		FUZZ_CHECK(r.token_len <= RESPONSE_TOKEN_MAX);
	FUZZ_CHECK(r.overall >= 1 && r.overall <= 5);
	FUZZ_CHECK(r.nchoices <= RESPONSE_CHOICES_MAX);
	FUZZ_CHECK(r.nreasons <= RESPONSE_REASONS_MAX);
	for (i = 0; i < r.nchoices; i++) {
		FUZZ_CHECK(strlen(r.choices[i].q) <= QUESTION_ID_MAX);
		FUZZ_CHECK(strlen(r.choices[i].option) <= QUESTION_ID_MAX);
	}
	FUZZ_CHECK(r.comment_len <= COMMENT_BYTES_MAX);
	FUZZ_CHECK(utf8_valid(r.comment, r.comment_len));
	FUZZ_CHECK(r.lang >= -1 && r.lang < LANG_COUNT);
}

static void
fuzz_enrol(const char *s, size_t n)
{
	struct enrol_req	 e;
	char			 why[256];

	if (json_in_enrol(s, n, &e, why, sizeof(why)) != HL_OK)
		return;
	FUZZ_CHECK(e.len >= 1 && e.len <= ENROL_CODE_IN_MAX);
	FUZZ_CHECK(strlen(e.code) == e.len);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*s = (const char *)data;
	int64_t		 t;

	if (size > JSON_BODY_MAX)
		return (0);	/* the HTTP layer refuses it first */
	fuzz_ticket(s, size);
	fuzz_response(s, size);
	fuzz_enrol(s, size);
	if (size <= ANSWERED_AT_MAX)
		(void)json_in_time(s, size, &t);
	return (0);
}
