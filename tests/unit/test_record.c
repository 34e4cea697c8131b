/*
 * test_record.c: the record encodings (round trips; every truncation and
 * damage rejected), key layouts, enrolment codes and idempotency keys,
 * and the domain's names. Pure functions: no data directory.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "enrol.h"
#include "model.h"
#include "record.h"
#include "util.h"

static void
sample_ticket(struct ticket *t)
{
	size_t	 i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < TICKET_ID_LEN; i++)
		t->id[i] = (uint8_t)(0xa0 + i);
	t->kid = 3;
	t->state = TICKET_ANSWERED;
	t->issued = 1764522000;
	t->expires = -5;
	t->response = UINT64_MAX - 7;
	strlcpy(t->procedure, "1.001234.000.00.00.H12", sizeof(t->procedure));
	strlcpy(t->sector, "land", sizeof(t->sector));
	strlcpy(t->unit, "92", sizeof(t->unit));
	memset(t->handling_unit, 'u', UNIT_CODE_MAX);	/* full width */
	strlcpy(t->counter, "quay-3", sizeof(t->counter));
	strlcpy(t->officer, "0a1b2c3d4e5f", sizeof(t->officer));
	strlcpy(t->officer_name, "Nguyễn Thị Bình", sizeof(t->officer_name));
}

/*
 * Tickets before format 8 (version 1) have no officer, survey or
 * service: they still decode, with none; the officer is empty or a key
 * id in lower-case hex, and the longest ticket fits TICKET_ENC_MAX. The
 * sample has no survey or service: their two empty strings end it.
 */
static void
test_ticket_officer(void **state)
{
	struct ticket	 t, u;
	uint8_t		 b[TICKET_ENC_MAX + 1], c[TICKET_ENC_MAX + 1];
	size_t		 n, m;

	(void)state;
	sample_ticket(&t);
	n = record_ticket_encode(&t, b, sizeof(b));
	/* Version 1: the same bytes without the last four strings. */
	m = n - (1 + strlen(t.officer)) - (1 + strlen(t.officer_name)) - 2;
	memcpy(c, b, m);
	c[0] = 1;
	assert_int_equal(record_ticket_decode(c, m, &u), 0);
	assert_string_equal(u.officer, "");
	assert_string_equal(u.officer_name, "");
	assert_string_equal(u.counter, t.counter);
	/* ... and no version 1 record has more. */
	assert_int_equal(record_ticket_decode(c, n, &u), -1);
	memcpy(c, b, n);
	c[0] = 1;
	assert_int_equal(record_ticket_decode(c, n, &u), -1);

	/* No officer is two empty strings. */
	memset(t.officer, 0, sizeof(t.officer));
	memset(t.officer_name, 0, sizeof(t.officer_name));
	m = record_ticket_encode(&t, c, sizeof(c));
	assert_int_equal(m, n - strlen("0a1b2c3d4e5f") -
	    strlen("Nguyễn Thị Bình"));
	assert_int_equal(c[m - 4], 0);
	assert_int_equal(c[m - 3], 0);
	assert_int_equal(record_ticket_decode(c, m, &u), 0);
	assert_memory_equal(&t, &u, sizeof(t));

	/* A key id is 12 lower-case hex digits, nothing else. */
	sample_ticket(&t);
	strlcpy(t.officer, "0A1B2C3D4E5F", sizeof(t.officer));
	assert_int_equal(record_ticket_encode(&t, c, sizeof(c)), 0);
	strlcpy(t.officer, "0a1b2c", sizeof(t.officer));
	assert_int_equal(record_ticket_encode(&t, c, sizeof(c)), 0);
	strlcpy(t.officer, "0a1b2c3d4e5g", sizeof(t.officer));
	assert_int_equal(record_ticket_encode(&t, c, sizeof(c)), 0);
	memcpy(c, b, n);
	c[n - 3 - strlen(t.officer_name) - 1] = 'G';	/* last digit */
	assert_int_equal(record_ticket_decode(c, n, &u), -1);

	/* Every field at its longest. */
	memset(&t, 0, sizeof(t));
	memset(t.procedure, 'p', PROC_CODE_MAX);
	memset(t.sector, 's', SECTOR_CODE_MAX);
	memset(t.unit, 'u', UNIT_CODE_MAX);
	memset(t.handling_unit, 'h', UNIT_CODE_MAX);
	memset(t.counter, 'c', COUNTER_MAX);
	memset(t.officer, 'f', KEY_ID_HEX);
	memset(t.officer_name, 'n', KEY_NAME_MAX);
	memset(t.survey, 'v', SURVEY_ID_MAX);
	memset(t.service, 'e', SERVICE_CODE_MAX);
	n = record_ticket_encode(&t, b, TICKET_ENC_MAX);
	assert_true(n > 0 && n <= TICKET_ENC_MAX);
	assert_int_equal(record_ticket_decode(b, n, &u), 0);
	assert_memory_equal(&t, &u, sizeof(t));
}

/* A desks row: key and value round trip; bad kinds and slots refused. */
static void
test_desk_records(void **state)
{
	struct store_desk d, e;
	uint64_t	 c[DESK_NCOUNTERS];
	uint8_t		 k[DESK_KEY_LEN], v[DESK_VAL_LEN], x[DESK_KEY_LEN];
	size_t		 i;

	(void)state;
	memset(&d, 0, sizeof(d));
	d.month = 202611;
	strlcpy(d.unit, "92-VD01", sizeof(d.unit));
	d.kind = DESK_OFFICER;
	strlcpy(d.code, "0a1b2c3d4e5f", sizeof(d.code));
	strlcpy(d.name, "Nguyễn Thị Bình", sizeof(d.name));
	assert_int_equal(record_desk_key(&d, k), 0);
	for (i = 0; i < DESK_NCOUNTERS; i++)
		c[i] = 1000 + i;
	record_desk_value(c, v);
	assert_int_equal(v[0], DESK_VERSION);
	assert_int_equal(record_desk_decode(k, sizeof(k), v, sizeof(v), &e),
	    0);
	assert_int_equal(e.month, 202611);
	assert_string_equal(e.unit, "92-VD01");
	assert_int_equal(e.kind, DESK_OFFICER);
	assert_string_equal(e.code, "0a1b2c3d4e5f");
	assert_string_equal(e.name, "Nguyễn Thị Bình");
	assert_int_equal(e.issued, 1000 + DESK_ISSUED);
	assert_int_equal(e.answered, 1000 + DESK_ANSWERED);
	for (i = 0; i < SURVEY_LEVELS; i++)
		assert_int_equal(e.levels[i], 1000 + DESK_LEVEL + i);
	assert_int_equal(e.suspect, 1000 + DESK_SUSPECT);
	/* Counters sort before officers in a (month, unit). */
	e = d;
	e.kind = DESK_COUNTER;
	e.name[0] = '\0';
	strlcpy(e.code, "zz", sizeof(e.code));
	assert_int_equal(record_desk_key(&e, x), 0);
	assert_true(memcmp(x, k, DESK_KEY_LEN) < 0);

	/* Refused: an unknown kind, a value of another size or version,
	 * padding not NUL, a slot without a terminator. */
	e = d;
	e.kind = 'x';
	assert_int_equal(record_desk_key(&e, x), -1);
	memcpy(x, k, sizeof(x));
	x[4 + UNIT_CODE_MAX + 1] = 'x';
	assert_int_equal(record_desk_decode(x, sizeof(x), v, sizeof(v), &e),
	    -1);
	assert_int_equal(record_desk_decode(k, sizeof(k), v, sizeof(v) - 1,
	    &e), -1);
	assert_int_equal(record_desk_decode(k, sizeof(k) - 1, v, sizeof(v),
	    &e), -1);
	v[0] = DESK_VERSION + 1;
	assert_int_equal(record_desk_decode(k, sizeof(k), v, sizeof(v), &e),
	    -1);
	v[0] = DESK_VERSION;
	memcpy(x, k, sizeof(x));
	x[DESK_KEY_LEN - 1] = 'n';
	assert_int_equal(record_desk_decode(x, sizeof(x), v, sizeof(v), &e),
	    -1);
	memcpy(x, k, sizeof(x));
	memset(x + 4, 'u', UNIT_CODE_MAX + 1);
	assert_int_equal(record_desk_decode(x, sizeof(x), v, sizeof(v), &e),
	    -1);
	memset(e.code, 'c', sizeof(e.code));
	e.kind = DESK_COUNTER;
	assert_int_equal(record_desk_key(&e, x), -1);
}

static void
test_ticket_encoding(void **state)
{
	struct ticket	 t, u;
	uint8_t		 b[TICKET_ENC_MAX + 1], c[TICKET_ENC_MAX + 1];
	size_t		 n, i;

	(void)state;
	sample_ticket(&t);
	n = record_ticket_encode(&t, b, TICKET_ENC_MAX);
	assert_true(n > 0 && n <= TICKET_ENC_MAX);
	assert_int_equal(record_ticket_decode(b, n, &u), 0);
	assert_memory_equal(&t, &u, sizeof(t));

	/* Every truncation, and one byte too many. */
	for (i = 0; i < n; i++)
		assert_int_equal(record_ticket_decode(b, i, &u), -1);
	b[n] = 0;
	assert_int_equal(record_ticket_decode(b, n + 1, &u), -1);
	assert_int_equal(record_ticket_decode(NULL, 0, &u), -1);
	/* Too small an output. */
	assert_int_equal(record_ticket_encode(&t, c, n - 1), 0);
	assert_int_equal(record_ticket_encode(&t, c, n), n);

	/* Unknown version (2 is this one, with its officer). */
	assert_int_equal(b[0], 2);
	memcpy(c, b, n);
	c[0] = 3;
	assert_int_equal(record_ticket_decode(c, n, &u), -1);
	/* Bad state (offset 1 + 10 + 1). */
	memcpy(c, b, n);
	c[12] = 3;
	assert_int_equal(record_ticket_decode(c, n, &u), -1);
	/* A string length past its limit (procedure at 1+10+2+24). */
	memcpy(c, b, n);
	assert_int_equal(c[37], strlen(t.procedure));
	c[37] = PROC_CODE_MAX + 1;
	assert_int_equal(record_ticket_decode(c, n, &u), -1);
	/* A NUL inside a string. */
	memcpy(c, b, n);
	c[38] = '\0';
	assert_int_equal(record_ticket_decode(c, n, &u), -1);

	/* Fields too long (no terminator) or a bad state do not encode. */
	sample_ticket(&u);
	memset(u.sector, 'x', sizeof(u.sector));
	assert_int_equal(record_ticket_encode(&u, c, sizeof(c)), 0);
	sample_ticket(&u);
	u.state = 9;
	assert_int_equal(record_ticket_encode(&u, c, sizeof(c)), 0);

	/* Garbage of every length never crashes. */
	for (n = 0; n < sizeof(c); n++) {
		for (i = 0; i < n; i++)
			c[i] = (uint8_t)(i * 37 + n);
		c[0] = 1;
		(void)record_ticket_decode(c, n, &u);
	}
}

static void
sample_response(struct response *r)
{
	size_t	 i;

	memset(r, 0, sizeof(*r));
	r->key = 1764522000123456ull;
	r->answered = 1764522000;
	r->month = 202512;
	r->channel = CHANNEL_KIOSK;
	r->flags = RESPONSE_SUSPECT;
	r->has_ticket = 1;
	memset(r->ticket, 0x5a, TICKET_ID_LEN);
	strlcpy(r->procedure, "2.000123", sizeof(r->procedure));
	strlcpy(r->sector, "health", sizeof(r->sector));
	strlcpy(r->unit, "92.001", sizeof(r->unit));
	strlcpy(r->survey, "tthc", sizeof(r->survey));
	r->survey_version = 7;
	strlcpy(r->lang, "km", sizeof(r->lang));
	r->nanswers = RESPONSE_ANSWERS_MAX;
	for (i = 0; i < r->nanswers; i++) {
		snprintf(r->answers[i].q, sizeof(r->answers[i].q), "q%zu", i);
		r->answers[i].level = (uint8_t)(i % 5 + 1);
	}
	memset(r->comment, 'c', COMMENT_BYTES_MAX);
	memcpy(r->comment, "Rất tốt", strlen("Rất tốt"));
	r->comment_len = COMMENT_BYTES_MAX;
}

static void
test_response_encoding(void **state)
{
	struct response	*r, *u;
	uint8_t		*b, *c;
	size_t		 n, i;

	(void)state;
	r = malloc(sizeof(*r));
	u = malloc(sizeof(*u));
	b = malloc(RESPONSE_ENC_MAX + 1);
	c = malloc(RESPONSE_ENC_MAX + 1);
	assert_true(r && u && b && c);
	sample_response(r);
	n = record_response_encode(r, b, RESPONSE_ENC_MAX);
	assert_true(n > 0 && n <= RESPONSE_ENC_MAX);
	assert_int_equal(record_response_decode(b, n, u), 0);
	assert_memory_equal(r, u, sizeof(*r));
	for (i = 0; i < n; i++)
		assert_int_equal(record_response_decode(b, i, u), -1);
	b[n] = 0;
	assert_int_equal(record_response_decode(b, n + 1, u), -1);
	assert_int_equal(record_response_encode(r, c, n - 1), 0);

	/* Channel out of range (offset 1 + 8 + 8 + 4). */
	memcpy(c, b, n);
	c[21] = CHANNEL_COUNT;
	assert_int_equal(record_response_decode(c, n, u), -1);
	/* has_ticket not 0/1. */
	memcpy(c, b, n);
	c[23] = 2;
	assert_int_equal(record_response_decode(c, n, u), -1);
	/* Comment length past the limit (last 2 + COMMENT_BYTES_MAX). */
	memcpy(c, b, n);
	c[n - COMMENT_BYTES_MAX - 2] = 0xff;
	assert_int_equal(record_response_decode(c, n, u), -1);
	/* A NUL in the comment. */
	memcpy(c, b, n);
	c[n - 1] = '\0';
	assert_int_equal(record_response_decode(c, n, u), -1);

	/* Every byte set to a few values: decodes or is refused, in bounds. */
	for (i = 0; i < n; i++) {
		static const uint8_t vals[] = { 0, 1, 0x20, 0x7f, 0xff };
		size_t	 j;

		for (j = 0; j < sizeof(vals); j++) {
			memcpy(c, b, n);
			c[i] = vals[j];
			if (record_response_decode(c, n, u) == 0)
				assert_true(u->nanswers <=
				    RESPONSE_ANSWERS_MAX &&
				    u->comment_len <= COMMENT_BYTES_MAX);
		}
	}

	/* Smallest: no answers, no comment, no ticket. */
	memset(r, 0, sizeof(*r));
	r->channel = CHANNEL_WALKIN;
	n = record_response_encode(r, b, RESPONSE_ENC_MAX);
	assert_true(n > 0);
	assert_int_equal(record_response_decode(b, n, u), 0);
	assert_memory_equal(r, u, sizeof(*r));

	/* Limits refused at encoding. */
	sample_response(r);
	r->nanswers = RESPONSE_ANSWERS_MAX + 1;
	assert_int_equal(record_response_encode(r, b, RESPONSE_ENC_MAX), 0);
	sample_response(r);
	r->comment_len = COMMENT_BYTES_MAX + 1;
	assert_int_equal(record_response_encode(r, b, RESPONSE_ENC_MAX), 0);
	sample_response(r);
	r->channel = CHANNEL_COUNT;
	assert_int_equal(record_response_encode(r, b, RESPONSE_ENC_MAX), 0);
	sample_response(r);
	r->comment[3] = '\0';
	assert_int_equal(record_response_encode(r, b, RESPONSE_ENC_MAX), 0);
	free(r);
	free(u);
	free(b);
	free(c);
}

/* Kiosk keys carry a counter and their last queue report; keys written
 * before (version 1) still read; enrolment, idempotency and pending records;
 * enrolment codes. */
static void
test_kiosk_records(void **state)
{
	struct apikey	 k, u;
	struct enrol	 e, f;
	struct idem	 im, jm;
	struct pending	 pd, qd;
	uint8_t		 enc[ENROL_ENC_MAX + APIKEY_ENC_MAX + 1], h1[32], h2[32];
	uint8_t		 v1[] = { 1, ROLE_COUNTER, 0, 0, 0, 0, 0x69, 0x2b, 0x2a,
	    0x10, 2, 'c', '1', 0 };
	char		 code[ENROL_CODE_LEN + 1];
	size_t		 n, i;

	(void)state;
	memset(&k, 0, sizeof(k));
	k.role = ROLE_KIOSK;
	k.created = 1764522000;
	strlcpy(k.name, "sảnh 1", sizeof(k.name));
	strlcpy(k.unit, "92-VD01", sizeof(k.unit));
	memset(k.counter, '9', COUNTER_MAX);
	k.status_at = 1764522100;
	k.queued = 7;
	k.refused = 1000000;
	k.held = 3;
	/* Version 3 had no app version: the same bytes without its field. */
	n = record_apikey_encode(&k, enc, APIKEY_ENC_MAX);
	assert_true(n > 0);
	assert_int_equal(enc[n - 1], 0);
	enc[0] = 3;
	assert_int_equal(record_apikey_decode(enc, n - 1, &u), 0);
	assert_memory_equal(&k, &u, sizeof(k));
	memset(k.app, 'v', KIOSK_APP_MAX);
	n = record_apikey_encode(&k, enc, APIKEY_ENC_MAX);
	assert_true(n > 0);
	assert_int_equal(enc[0], 4);
	assert_int_equal(record_apikey_decode(enc, n, &u), 0);
	assert_memory_equal(&k, &u, sizeof(k));
	for (i = 0; i < n; i++)
		assert_int_equal(record_apikey_decode(enc, i, &u), -1);
	k.counter[COUNTER_MAX] = '9';	/* one byte too long */
	assert_int_equal(record_apikey_encode(&k, enc, APIKEY_ENC_MAX), 0);
	assert_int_equal(record_apikey_decode(v1, sizeof(v1), &u), 0);
	assert_int_equal(u.role, ROLE_COUNTER);
	assert_string_equal(u.name, "c1");
	assert_string_equal(u.counter, "");
	assert_int_equal(u.status_at, 0);
	assert_int_equal(u.refused, 0);
	v1[0] = 5;
	assert_int_equal(record_apikey_decode(v1, sizeof(v1), &u), -1);

	memset(&e, 0, sizeof(e));
	e.created = 1764522000;
	e.expires = e.created + ENROL_TTL;
	memset(e.name, 'n', KEY_NAME_MAX);
	memset(e.unit, 'u', UNIT_CODE_MAX);
	memset(e.counter, 'c', COUNTER_MAX);
	n = record_enrol_encode(&e, enc, sizeof(enc));
	assert_int_equal(n, ENROL_ENC_MAX);
	assert_int_equal(record_enrol_decode(enc, n, &f), 0);
	assert_memory_equal(&e, &f, sizeof(e));
	for (i = 0; i < n; i++)
		assert_int_equal(record_enrol_decode(enc, i, &f), -1);
	enc[0] = 9;
	assert_int_equal(record_enrol_decode(enc, n, &f), -1);

	memset(&im, 0, sizeof(im));
	im.created = 1764522000;
	im.response = 1764522000123456ull;
	im.channel = CHANNEL_WALKIN;
	im.flags = RESPONSE_SUSPECT;
	n = record_idem_encode(&im, enc, sizeof(enc));
	assert_int_equal(n, IDEM_ENC_MAX);
	assert_int_equal(record_idem_decode(enc, n, &jm), 0);
	assert_memory_equal(&im, &jm, sizeof(im));
	for (i = 0; i < n; i++)
		assert_int_equal(record_idem_decode(enc, i, &jm), -1);
	enc[n - 2] = CHANNEL_COUNT;
	assert_int_equal(record_idem_decode(enc, n, &jm), -1);
	im.channel = CHANNEL_COUNT;
	assert_int_equal(record_idem_encode(&im, enc, sizeof(enc)), 0);

	/* The ticket offered at a counter; one key per unit and counter. */
	memset(&pd, 0, sizeof(pd));
	memset(pd.ticket, 0xa5, sizeof(pd.ticket));
	pd.offered = 1764522000;
	n = record_pending_encode(&pd, enc, sizeof(enc));
	assert_int_equal(n, PENDING_ENC_MAX);
	assert_int_equal(record_pending_decode(enc, n, &qd), 0);
	assert_memory_equal(&pd, &qd, sizeof(pd));
	for (i = 0; i < n; i++)
		assert_int_equal(record_pending_decode(enc, i, &qd), -1);
	enc[0] = 9;
	assert_int_equal(record_pending_decode(enc, n, &qd), -1);
	record_pending_key("92-VD01", "1", h1);
	record_pending_key("92-VD0", "11", h2);
	assert_memory_not_equal(h1, h2, 32);
	record_pending_key("92-VD01", "1", h2);
	assert_memory_equal(h1, h2, 32);

	/* Codes: any case, dash optional, look-alikes; else refused. */
	enrol_code_new(code);
	assert_int_equal(strlen(code), ENROL_CODE_LEN);
	assert_int_equal(code[4], '-');
	assert_int_equal(enrol_code_hash(code, strlen(code), h1), 0);
	assert_int_equal(enrol_code_hash("AB01-CDEF", 9, h1), 0);
	assert_int_equal(enrol_code_hash("abo1cdef", 8, h2), 0);
	assert_memory_equal(h1, h2, 32);
	assert_int_equal(enrol_code_hash("ab0l-cdef", 9, h2), 0);
	assert_memory_equal(h1, h2, 32);
	assert_int_equal(enrol_code_hash("AB01-CDEG", 9, h2), 0);
	assert_memory_not_equal(h1, h2, 32);
	assert_int_equal(enrol_code_hash("AB01-CDE", 8, h2), -1);
	assert_int_equal(enrol_code_hash("AB01-CDEFG", 10, h2), -1);
	assert_int_equal(enrol_code_hash("AB01-CDEU", 9, h2), -1);
	assert_int_equal(enrol_code_hash("AB01\0CDEF", 9, h2), -1);
	assert_int_equal(enrol_code_hash("", 0, h2), -1);

	/* Idempotency hashes depend on the key and the kiosk. */
	memset(h1, 1, 32);
	record_idem_key(h1, "abcdefghijklmnop", 16, h2);
	record_idem_key(h1, "abcdefghijklmnoq", 16, enc);
	assert_memory_not_equal(h2, enc, 32);
	h1[0] = 2;
	record_idem_key(h1, "abcdefghijklmnop", 16, enc);
	assert_memory_not_equal(h2, enc, 32);
}

static void
test_apikey_and_keys(void **state)
{
	struct apikey	 k, u;
	struct agg_key	 a, b;
	uint8_t		 enc[APIKEY_ENC_MAX + 1], kb[AGG_KEY_LEN];
	uint8_t		 ck[CASE_KEY_LEN], hash[32];
	size_t		 n, i;

	(void)state;
	memset(&k, 0, sizeof(k));
	k.role = ROLE_KIOSK;
	k.created = 1764522000;
	memset(k.name, 'n', KEY_NAME_MAX);
	strlcpy(k.unit, "92.001", sizeof(k.unit));
	n = record_apikey_encode(&k, enc, APIKEY_ENC_MAX);
	assert_int_equal(n, APIKEY_ENC_MAX - UNIT_CODE_MAX - COUNTER_MAX -
	    KIOSK_APP_MAX + 6);
	assert_int_equal(record_apikey_decode(enc, n, &u), 0);
	assert_memory_equal(&k, &u, sizeof(k));
	for (i = 0; i < n; i++)
		assert_int_equal(record_apikey_decode(enc, i, &u), -1);

	memset(&a, 0, sizeof(a));
	a.month = 202611;
	strlcpy(a.sector, "land", sizeof(a.sector));
	strlcpy(a.unit, "92", sizeof(a.unit));
	strlcpy(a.question, "overall", sizeof(a.question));
	a.level = 5;
	assert_int_equal(record_agg_key(&a, kb), 0);
	assert_int_equal(kb[0], 0);	/* month big-endian */
	assert_int_equal(kb[3], 202611 & 0xff);
	assert_int_equal(kb[AGG_KEY_LEN - 1], 5);
	assert_int_equal(record_agg_key_decode(kb, AGG_KEY_LEN, &b), 0);
	assert_memory_equal(&a, &b, sizeof(a));
	assert_int_equal(record_agg_key_decode(kb, AGG_KEY_LEN - 1, &b), -1);
	kb[4 + 6] = 'x';	/* garbage after the sector's NUL */
	assert_int_equal(record_agg_key_decode(kb, AGG_KEY_LEN, &b), -1);
	assert_int_equal(record_agg_key(&a, kb), 0);
	memset(kb + 4, 'y', SECTOR_CODE_MAX + 1);	/* no NUL at all */
	assert_int_equal(record_agg_key_decode(kb, AGG_KEY_LEN, &b), -1);
	memset(a.question, 'q', sizeof(a.question));
	assert_int_equal(record_agg_key(&a, kb), -1);

	/* Months sort in key order. */
	{
		uint8_t	 k1[AGG_KEY_LEN], k2[AGG_KEY_LEN];

		strlcpy(a.question, "overall", sizeof(a.question));
		a.month = 202612;
		assert_int_equal(record_agg_key(&a, k1), 0);
		a.month = 202701;
		assert_int_equal(record_agg_key(&a, k2), 0);
		assert_true(memcmp(k1, k2, AGG_KEY_LEN) < 0);
	}

	memset(hash, 0xee, sizeof(hash));
	record_case_key("92", hash, ck);
	assert_memory_equal(ck, "92\0\0", 4);
	assert_memory_equal(ck + UNIT_CODE_MAX, hash, 32);
}

static void
test_names(void **state)
{
	struct ticket	 t;

	(void)state;
	assert_string_equal(channel_name(CHANNEL_QR), "qr");
	assert_string_equal(channel_name(CHANNEL_KIOSK), "kiosk");
	assert_string_equal(channel_name(CHANNEL_WALKIN), "kiosk-walkin");
	assert_string_equal(channel_name(CHANNEL_COUNT), "unknown");
	assert_string_equal(role_name(ROLE_COUNTER), "counter");
	assert_string_equal(role_name(ROLE_VIEWER), "viewer");
	assert_string_equal(role_name(ROLE_ADMIN), "admin");
	assert_string_equal(role_name(ROLE_KIOSK), "kiosk");
	assert_int_equal(role_parse("counter"), ROLE_COUNTER);
	assert_int_equal(role_parse("viewer"), ROLE_VIEWER);
	assert_int_equal(role_parse("admin"), ROLE_ADMIN);
	assert_int_equal(role_parse("kiosk"), ROLE_KIOSK);
	assert_int_equal(role_parse("Admin"), -1);
	assert_int_equal(role_parse(""), -1);
	assert_int_equal(role_parse("none"), -1);
	assert_int_equal(role_parse(NULL), -1);

	memset(&t, 0, sizeof(t));
	strlcpy(t.unit, "92.001", sizeof(t.unit));
	assert_string_equal(ticket_count_unit(&t), "92.001");
	strlcpy(t.handling_unit, "92", sizeof(t.handling_unit));
	assert_string_equal(ticket_count_unit(&t), "92");
}

/* Users and audit entries: full records round-trip, every truncation
 * and a wrong version or role are refused, names are checked. */
static void
test_user_and_audit(void **state)
{
	struct user	 u, v;
	struct audit	*a, *b;
	uint8_t		 enc[AUDIT_ENC_MAX], k[USER_KEY_LEN];
	size_t		 n, i;

	(void)state;
	memset(&u, 0, sizeof(u));
	u.role = ROLE_HEAD;
	u.flags = USER_DISABLED;
	u.created = 1764522000;
	u.changed = 1764522999;
	u.gen = 7;
	memset(u.unit, 'u', UNIT_CODE_MAX);
	u.t_cost = 2;
	u.m_cost = 19456;
	u.lanes = 1;
	memset(u.salt, 0x5a, sizeof(u.salt));
	memset(u.hash, 0xa5, sizeof(u.hash));
	/* Version 1 had no one-time codes: the same bytes without them. */
	n = record_user_encode(&u, enc, sizeof(enc));
	assert_int_equal(n, USER_ENC_MAX - USER_TOTP_SEALED);
	assert_int_equal(enc[0], 2);
	enc[0] = 1;
	assert_int_equal(record_user_decode(enc, n - 9, &v), 0);
	assert_memory_equal(&u, &v, sizeof(u));
	enc[2] = USER_DISABLED | USER_TOTP;	/* not in version 1 */
	assert_int_equal(record_user_decode(enc, n - 9, &v), -1);
	/* With codes on, the sealed secret and the last step. */
	u.flags = USER_DISABLED | USER_TOTP;
	memset(u.totp, 0x77, sizeof(u.totp));
	u.totp_step = 41152263;
	n = record_user_encode(&u, enc, sizeof(enc));
	assert_int_equal(n, USER_ENC_MAX);
	assert_int_equal(record_user_decode(enc, n, &v), 0);
	assert_memory_equal(&u, &v, sizeof(u));
	for (i = 0; i < n; i++)
		assert_int_equal(record_user_decode(enc, i, &v), -1);
	enc[2] = USER_DISABLED;	/* a secret without its flag */
	assert_int_equal(record_user_decode(enc, n, &v), -1);
	enc[2] = USER_DISABLED | USER_TOTP;
	enc[1] = ROLE_KIOSK;	/* a kiosk never signs in by password */
	assert_int_equal(record_user_decode(enc, n, &v), -1);
	enc[1] = ROLE_HEAD;
	enc[2] = 0x80;		/* an unknown flag */
	assert_int_equal(record_user_decode(enc, n, &v), -1);
	u.lanes = 0;
	assert_int_equal(record_user_encode(&u, enc, sizeof(enc)), 0);
	u.lanes = 1;
	u.role = ROLE_KIOSK;
	assert_int_equal(record_user_encode(&u, enc, sizeof(enc)), 0);

	assert_int_equal(record_user_key("ha.nguyen@sonv", k), 0);
	assert_memory_equal(k, "ha.nguyen@sonv\0", 15);
	assert_int_equal(k[USER_NAME_MAX], 0);
	assert_int_equal(record_user_key("", k), -1);
	assert_int_equal(record_user_key("has space", k), -1);
	assert_int_equal(record_user_key("Nguyễn", k), -1);
	assert_int_equal(user_name_ok("a", 1), 1);
	assert_int_equal(user_name_ok("a/b", 3), 0);

	a = calloc(1, sizeof(*a));
	b = calloc(1, sizeof(*b));
	a->at = 1764522000;
	a->role = ROLE_ADMIN;
	memset(a->who, 'w', AUDIT_WHO_MAX);
	memset(a->action, 'a', AUDIT_ACTION_MAX);
	memset(a->unit, 'u', UNIT_CODE_MAX);
	memset(a->before, '[', AUDIT_JSON_MAX);
	memset(a->after, ']', AUDIT_JSON_MAX);
	n = record_audit_encode(a, enc, sizeof(enc));
	assert_int_equal(n, AUDIT_ENC_MAX);
	assert_int_equal(record_audit_decode(enc, n, b), 0);
	assert_memory_equal(a, b, sizeof(*a));
	for (i = 0; i < n; i += 97)
		assert_int_equal(record_audit_decode(enc, i, b), -1);
	assert_int_equal(record_audit_decode(enc, n - 1, b), -1);
	assert_string_equal(b->who, "");
	enc[0] = 2;
	assert_int_equal(record_audit_decode(enc, n, b), -1);
	a->after[0] = '\0';
	a->before[0] = '\0';
	n = record_audit_encode(a, enc, sizeof(enc));
	assert_int_equal(record_audit_decode(enc, n, b), 0);
	assert_string_equal(b->before, "");
	free(a);
	free(b);
}

static void
test_catrow(void **state)
{
	struct catrow	 c, d;
	uint8_t		 enc[CATROW_ENC_MAX], k[CATROW_KEY_LEN];
	size_t		 n, i;
	int		 l;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.type = CATROW_UNIT;
	memset(c.code, 'c', UNIT_CODE_MAX);
	memset(c.parent, 'p', UNIT_CODE_MAX);
	memset(c.kind, 'k', UNIT_KIND_MAX);
	memset(c.sector, 's', SECTOR_CODE_MAX);
	for (l = 0; l < LANG_COUNT; l++)
		memset(c.name[l], 'a' + l, CATALOG_NAME_MAX);
	memset(c.hotline, '1', UNIT_HOTLINE_MAX);
	/* A row of before retirements: no tail, read back as active. */
	n = record_catrow_encode(&c, enc, sizeof(enc));
	assert_int_equal(n, CATROW_ENC_MAX - 2 - UNIT_DATE_LEN -
	    UNIT_CODE_MAX);
	assert_int_equal(record_catrow_decode(enc, n, &d), 0);
	assert_memory_equal(&c, &d, sizeof(c));
	memcpy(c.retired, "2025-07-01", UNIT_DATE_LEN);
	memset(c.successor, 's', UNIT_CODE_MAX);
	n = record_catrow_encode(&c, enc, sizeof(enc));
	assert_int_equal(n, CATROW_ENC_MAX);
	assert_int_equal(record_catrow_decode(enc, n, &d), 0);
	assert_memory_equal(&c, &d, sizeof(c));
	for (i = 0; i < n; i += 7)
		assert_int_equal(record_catrow_decode(enc, i, &d), -1);
	enc[1] = 'x';
	assert_int_equal(record_catrow_decode(enc, n, &d), -1);
	c.type = 'x';
	assert_int_equal(record_catrow_encode(&c, enc, sizeof(enc)), 0);
	assert_int_equal(record_catrow_key('u', "92", k), 0);
	assert_memory_equal(k, "u92\0", 4);
	assert_int_equal(record_catrow_key('u', "", k), -1);
	assert_int_equal(record_catrow_key('z', "92", k), -1);
}

/* Follow-up items and their events: round trips, and what is refused. */
static void
test_followups(void **state)
{
	static struct followup	 f, g;
	static struct followup_event e, d;
	static uint8_t		 b[FOLLOWUP_ENC_MAX];
	uint8_t			 k[FOLLOWUP_EV_KEY_LEN];
	size_t			 n;

	(void)state;
	memset(&f, 0, sizeof(f));
	f.id = 0x000661c612631a5dULL;
	f.created = 1765000000;
	f.updated = 1765000100;
	f.state = FOLLOWUP_ANSWERED;
	f.origin = FOLLOWUP_PHONE;
	f.kind = FOLLOWUP_REQUEST;
	f.filed = 1;
	f.level = 1;
	f.has_ticket = 1;
	memset(f.ticket, 7, TICKET_ID_LEN);
	strlcpy(f.unit, "92-VD01", sizeof(f.unit));
	strlcpy(f.lang, "km", sizeof(f.lang));
	memset(f.text, 'x', FOLLOWUP_TEXT_MAX);
	f.text_len = FOLLOWUP_TEXT_MAX;
	strlcpy(f.answer, "<b>ok</b>\n=1+1", sizeof(f.answer));
	f.answer_len = strlen(f.answer);
	assert_true((n = record_followup_encode(&f, b, sizeof(b))) > 0);
	assert_int_equal(record_followup_decode(b, n, &g), 0);
	assert_memory_equal(&f, &g, sizeof(f));
	assert_int_equal(record_followup_decode(b, n - 1, &g), -1);
	assert_int_equal(g.id, 0);
	b[0] = 2;
	assert_int_equal(record_followup_decode(b, n, &g), -1);
	f.state = FOLLOWUP_STATES;
	assert_int_equal(record_followup_encode(&f, b, sizeof(b)), 0);
	f.state = FOLLOWUP_OPEN;
	f.text[3] = '\0';
	assert_int_equal(record_followup_encode(&f, b, sizeof(b)), 0);
	f.text[3] = 'x';
	f.text_len = FOLLOWUP_TEXT_MAX + 1;
	assert_int_equal(record_followup_encode(&f, b, sizeof(b)), 0);

	memset(&e, 0, sizeof(e));
	e.at = 1765000100;
	e.action = FOLLOWUP_EV_REPLY;
	e.state = FOLLOWUP_CLOSED;
	strlcpy(e.who, "0a1b2c3d4e5f head", sizeof(e.who));
	strlcpy(e.text, "Đã xử lý", sizeof(e.text));
	e.text_len = strlen(e.text);
	assert_true((n = record_followup_event_encode(&e, b, sizeof(b))) > 0);
	record_followup_event_key(42, 3, k);
	assert_int_equal(record_followup_event_decode(k, sizeof(k), b, n, &d),
	    0);
	assert_int_equal(d.id, 42);
	assert_int_equal(d.seq, 3);
	assert_string_equal(d.text, "Đã xử lý");
	assert_int_equal(record_followup_event_decode(k, sizeof(k) - 1, b, n,
	    &d), -1);
	e.action = 0;
	assert_int_equal(record_followup_event_encode(&e, b, sizeof(b)), 0);
}

static void
test_outbox(void **state)
{
	static struct outbox_entry	 o, p;
	static uint8_t			 b[OUTBOX_ENC_MAX];
	size_t				 n;

	(void)state;
	memset(&o, 0, sizeof(o));
	o.id = 1765000000123456ULL;
	o.created = 1765000000;
	o.next = 1765000030;
	o.attempts = 3;
	o.item = 1764999999000001ULL;
	strlcpy(o.unit, "92-VD01", sizeof(o.unit));
	memset(o.body, 'x', OUTBOX_BODY_MAX);
	o.body_len = OUTBOX_BODY_MAX;
	assert_true((n = record_outbox_encode(&o, b, sizeof(b))) > 0);
	assert_int_equal(record_outbox_decode(b, n, &p), 0);
	assert_memory_equal(&o, &p, sizeof(o));
	assert_int_equal(record_outbox_decode(b, n + 1, &p), -1);
	o.body_len = OUTBOX_BODY_MAX + 1;
	assert_int_equal(record_outbox_encode(&o, b, sizeof(b)), 0);
}

/* A survey's stored version: round trip, the seed, truncation, keys. */
static void
test_survey_row(void **state)
{
	struct survey_row	 r, back;
	uint8_t			*enc;
	uint8_t			 k1[SURVEY_ROW_KEY_LEN], k2[SURVEY_ROW_KEY_LEN];
	size_t			 n;
	FILE			*f;
	uint8_t			 seed[512];
	char			 text[] =
	    "[survey]\nid = procedure\nversion = 5\n";

	(void)state;
	memset(&r, 0, sizeof(r));
	strlcpy(r.id, "procedure", sizeof(r.id));
	r.version = 5;
	r.at = 1796656916;
	strlcpy(r.who, "adm", sizeof(r.who));
	r.text = text;
	r.len = strlen(text);
	assert_int_equal(record_survey_row_encode(&r, &enc, &n), 0);
	assert_int_equal(record_survey_row_decode(enc, n, &back), 0);
	assert_string_equal(back.text, text);
	assert_int_equal(back.version, 5);
	assert_string_equal(back.who, "adm");
	free(back.text);
	/* The fuzzer's seed is this record. */
	f = fopen(HL_SRCDIR "/tests/fuzz/corpus/record/"
	    "survey-row-procedure-v5.bin", "rb");
	assert_non_null(f);
	assert_int_equal(fread(seed, 1, sizeof(seed), f), n + 1);
	fclose(f);
	assert_memory_equal(seed + 1, enc, n);
	assert_int_equal(record_survey_row_decode(enc, n - 1, &back), -1);
	enc[n - 3] = '\0';		/* a NUL inside the text */
	assert_int_equal(record_survey_row_decode(enc, n, &back), -1);
	free(enc);
	/* Keys run by id, then version. */
	assert_int_equal(record_survey_row_key("procedure", 5, k1), 0);
	assert_int_equal(record_survey_row_key("procedure", 10, k2), 0);
	assert_true(memcmp(k1, k2, sizeof(k1)) < 0);
	assert_int_equal(record_survey_row_key("", 1, k1), -1);
}

/* A target an admin set: round trip, the seed, a bad kind, keys. */
static void
test_target_row(void **state)
{
	struct target_row	 t, back;
	uint8_t			 enc[TARGET_ROW_ENC_MAX], seed[256];
	uint8_t			 k1[TARGET_ROW_KEY_LEN], k2[TARGET_ROW_KEY_LEN];
	size_t			 n;
	FILE			*f;

	(void)state;
	memset(&t, 0, sizeof(t));
	t.kind = TARGET_INDICATOR;
	strlcpy(t.code, "tthc", sizeof(t.code));
	t.year = 2025;
	t.tenths = 925;
	t.at = 1796656916;
	strlcpy(t.who, "adm", sizeof(t.who));
	assert_true((n = record_target_row_encode(&t, enc, sizeof(enc))) > 0);
	assert_int_equal(record_target_row_decode(enc, n, &back), 0);
	assert_memory_equal(&t, &back, sizeof(t));
	f = fopen(HL_SRCDIR "/tests/fuzz/corpus/record/"
	    "target-row-tthc-2025.bin", "rb");
	assert_non_null(f);
	assert_int_equal(fread(seed, 1, sizeof(seed), f), n + 1);
	fclose(f);
	assert_memory_equal(seed + 1, enc, n);
	enc[2] = 'x';
	assert_int_equal(record_target_row_decode(enc, n, &back), -1);
	t.tenths = 1001;
	assert_int_equal(record_target_row_encode(&t, enc, sizeof(enc)), 0);
	assert_int_equal(record_target_row_key('i', "tthc", 2025, k1), 0);
	assert_int_equal(record_target_row_key('i', "tthc", 2030, k2), 0);
	assert_true(memcmp(k1, k2, sizeof(k1)) < 0);
	assert_int_equal(record_target_row_key('i', "", 2025, k1), -1);
	assert_int_equal(record_target_row_key('o', "", 2025, k1), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ticket_encoding),
		cmocka_unit_test(test_ticket_officer),
		cmocka_unit_test(test_desk_records),
		cmocka_unit_test(test_response_encoding),
		cmocka_unit_test(test_apikey_and_keys),
		cmocka_unit_test(test_kiosk_records),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_user_and_audit),
		cmocka_unit_test(test_catrow),
		cmocka_unit_test(test_followups),
		cmocka_unit_test(test_outbox),
		cmocka_unit_test(test_survey_row),
		cmocka_unit_test(test_target_row),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
