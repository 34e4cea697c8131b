/*
 * test_dossier.c: a dossier's events in every order against the state
 * they give, repeats, impossible sequences (refused, nothing changed),
 * lateness at given times; the dossier's record and the ticket's link
 * (round trips, every truncation and damage rejected), the stage hashes,
 * the rows of imported statistics.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dossier.h"
#include "record.h"
#include "util.h"

#define T0	1764522000	/* 2025-11-30 */
#define DAY	86400

static struct dossier_ev
ev(int e, int64_t at, int64_t due)
{
	struct dossier_ev	 x;

	memset(&x, 0, sizeof(x));
	strlcpy(x.unit, "92-VD01", sizeof(x.unit));
	strlcpy(x.procedure, "1.001234", sizeof(x.procedure));
	x.event = e;
	x.at = at;
	x.due = due;
	return (x);
}

/* Applies the events in order; returns the last result. */
static int
play(struct dossier *d, int *exists, const struct dossier_ev *evs, size_t n)
{
	char	 why[160];
	size_t	 i;
	int	 rc = DOSSIER_SAME;

	for (i = 0; i < n; i++) {
		rc = dossier_event_apply(d, *exists, &evs[i], why,
		    sizeof(why));
		if (rc == DOSSIER_CHANGED)
			*exists = 1;
		if (rc == DOSSIER_IMPOSSIBLE)
			return (rc);
	}
	return (rc);
}

static void
test_every_order(void **state)
{
	struct dossier_ev	 evs[3], perm[3];
	struct dossier		 d;
	static const int	 orders[6][3] = { { 0, 1, 2 }, { 0, 2, 1 },
	    { 1, 0, 2 }, { 1, 2, 0 }, { 2, 0, 1 }, { 2, 1, 0 } };
	size_t			 i, j;
	int			 exists;

	(void)state;
	evs[0] = ev(DOSSIER_RECEIVED, T0, T0 + 5 * DAY);
	evs[1] = ev(DOSSIER_SUPPLEMENT, T0 + DAY, 0);
	evs[2] = ev(DOSSIER_RETURNED, T0 + 6 * DAY, 0);
	for (i = 0; i < 6; i++) {
		for (j = 0; j < 3; j++)
			perm[j] = evs[orders[i][j]];
		memset(&d, 0, sizeof(d));
		exists = 0;
		assert_int_not_equal(play(&d, &exists, perm, 3),
		    DOSSIER_IMPOSSIBLE);
		assert_string_equal(dossier_state(&d), "returned");
		assert_int_equal(d.received, T0);
		assert_int_equal(d.due, T0 + 5 * DAY);
		assert_int_equal(d.settled, T0 + 6 * DAY);
		assert_int_equal(dossier_late(&d, T0 + 100 * DAY), 1);
		/* Each again: a repeat. */
		for (j = 0; j < 3; j++)
			assert_int_equal(dossier_event_apply(&d, 1, &evs[j],
			    NULL, 0), DOSSIER_SAME);
	}
}

static void
test_impossible(void **state)
{
	struct dossier_ev	 base[2], bad[] = {
		ev(DOSSIER_RECEIVED, T0 + 9 * DAY, 0),	/* after outcome */
		ev(DOSSIER_RECEIVED, T0, T0 + 6 * DAY),	/* other due */
		ev(DOSSIER_REFUSED, T0 + 3 * DAY, 0),	/* second outcome */
		ev(DOSSIER_RETURNED, T0 + 4 * DAY, 0),	/* another time */
		ev(DOSSIER_SUPPLEMENT, T0 + 3 * DAY, 0),	/* after */
		ev(DOSSIER_SUPPLEMENT, T0 - DAY, 0),	/* before receipt */
		ev(DOSSIER_WITHDRAWN, T0 - DAY, 0),
		ev(DOSSIER_RECEIVED, T0, T0 - 1),	/* due before at */
		ev(DOSSIER_RETURNED, T0 + 2 * DAY, T0 + 9 * DAY),
		ev(DOSSIER_NONE, T0, 0),
		ev(7, T0, 0),
	};
	struct dossier		 d, keep;
	char			 why[160];
	size_t			 i;
	int			 exists = 0;

	(void)state;
	base[0] = ev(DOSSIER_RECEIVED, T0, T0 + 5 * DAY);
	base[1] = ev(DOSSIER_RETURNED, T0 + 2 * DAY, 0);
	memset(&d, 0, sizeof(d));
	assert_int_equal(play(&d, &exists, base, 2), DOSSIER_CHANGED);
	keep = d;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		assert_int_equal(dossier_event_apply(&d, 1, &bad[i], why,
		    sizeof(why)), DOSSIER_IMPOSSIBLE);
		assert_true(why[0] != '\0');
		assert_memory_equal(&d, &keep, sizeof(d));
	}
	/* Another procedure, another handling unit. */
	bad[0] = ev(DOSSIER_RETURNED, T0 + 2 * DAY, 0);
	strlcpy(bad[0].procedure, "2.000", sizeof(bad[0].procedure));
	assert_int_equal(dossier_event_apply(&d, 1, &bad[0], why,
	    sizeof(why)), DOSSIER_IMPOSSIBLE);
	assert_non_null(strstr(why, "procedure"));
	bad[0] = ev(DOSSIER_RETURNED, T0 + 2 * DAY, 0);
	strlcpy(bad[0].handling_unit, "92", sizeof(bad[0].handling_unit));
	assert_int_equal(dossier_event_apply(&d, 1, &bad[0], why,
	    sizeof(why)), DOSSIER_CHANGED);	/* named late: taken */
	assert_string_equal(dossier_count_unit(&d), "92");
	strlcpy(bad[0].handling_unit, "93", sizeof(bad[0].handling_unit));
	assert_int_equal(dossier_event_apply(&d, 1, &bad[0], why,
	    sizeof(why)), DOSSIER_IMPOSSIBLE);
}

static void
test_late(void **state)
{
	struct dossier	 d;

	(void)state;
	memset(&d, 0, sizeof(d));
	d.received = T0;
	assert_int_equal(dossier_late(&d, T0 + 999 * DAY), 0);	/* no due */
	d.due = T0 + DAY;
	assert_int_equal(dossier_late(&d, T0 + DAY), 0);
	assert_int_equal(dossier_late(&d, T0 + DAY + 1), 1);	/* open */
	assert_int_equal(dossier_open(&d), 1);
	d.outcome = DOSSIER_RETURNED;
	d.settled = T0 + DAY;
	assert_int_equal(dossier_late(&d, T0 + 9 * DAY), 0);
	d.settled = T0 + DAY + 1;
	assert_int_equal(dossier_late(&d, T0 + 9 * DAY), 1);
	d.outcome = DOSSIER_REFUSED;
	assert_int_equal(dossier_late(&d, T0 + 9 * DAY), 0);
	d.outcome = DOSSIER_WITHDRAWN;
	assert_int_equal(dossier_late(&d, T0 + 9 * DAY), 0);
	assert_int_equal(dossier_open(&d), 0);
}

static void
test_names(void **state)
{
	int	 i;

	(void)state;
	for (i = DOSSIER_RECEIVED; i <= DOSSIER_WITHDRAWN; i++)
		assert_int_equal(dossier_event_parse(dossier_event_name(i),
		    strlen(dossier_event_name(i))), i);
	assert_int_equal(dossier_event_parse("return", 6), DOSSIER_NONE);
	assert_null(dossier_event_name(0));
	assert_null(dossier_event_name(6));
	for (i = 0; i < STAGE_COUNT; i++) {
		assert_int_equal(dossier_stage_parse(dossier_stage_name(i),
		    strlen(dossier_stage_name(i))), i);
		assert_true(strlen(dossier_stage_name(i)) <= STAGE_NAME_MAX);
	}
	assert_int_equal(dossier_stage_parse("supplement_requested", 20), -1);
	assert_null(dossier_stage_name(STAGE_COUNT));
}

static void
test_records(void **state)
{
	struct dossier	 d, back;
	uint8_t		 enc[DOSSIER_ENC_MAX], key[CASE_KEY_LEN];
	uint8_t		 k2[CASE_KEY_LEN];
	uint8_t		 lv[LINK_VAL_LEN], h[32], h2[32], stage;
	size_t		 n, i;
	int		 s;

	(void)state;
	memset(&d, 0, sizeof(d));
	memset(d.unit, 'u', UNIT_CODE_MAX);
	memset(d.handling_unit, 'h', UNIT_CODE_MAX);
	memset(d.procedure, 'p', PROC_CODE_MAX);
	d.received = T0;
	d.due = T0 + DAY;
	d.supplement_first = T0 + 1;
	d.supplement_last = T0 + 2;
	d.outcome = DOSSIER_WITHDRAWN;
	d.settled = T0 + 3;
	d.updated = T0 + 4;
	n = record_dossier_encode(&d, enc, sizeof(enc));
	assert_true(n > 0 && n <= DOSSIER_ENC_MAX);
	assert_int_equal(record_dossier_decode(enc, n, &back), 0);
	assert_memory_equal(&d, &back, sizeof(d));
	for (i = 0; i < n; i++)
		assert_int_equal(record_dossier_decode(enc, i, &back), -1);
	enc[0] = 2;
	assert_int_equal(record_dossier_decode(enc, n, &back), -1);
	enc[0] = 1;
	enc[33] = DOSSIER_SUPPLEMENT;	/* not an outcome */
	assert_int_equal(record_dossier_decode(enc, n, &back), -1);
	d.outcome = DOSSIER_RECEIVED;
	assert_int_equal(record_dossier_encode(&d, enc, sizeof(enc)), 0);

	memset(h, 0x5a, sizeof(h));
	record_case_key("92", h, key);
	assert_int_equal(record_ticket_link_encode(STAGE_REFUSED, key, lv),
	    LINK_VAL_LEN);
	assert_int_equal(record_ticket_link_decode(lv, sizeof(lv), &stage,
	    k2), 0);
	assert_int_equal(stage, STAGE_REFUSED);
	assert_memory_equal(key, k2, sizeof(key));
	assert_int_equal(record_ticket_link_decode(lv, sizeof(lv) - 1,
	    &stage, k2), -1);
	lv[1] = STAGE_COUNT;
	assert_int_equal(record_ticket_link_decode(lv, sizeof(lv), &stage,
	    k2), -1);
	assert_int_equal(record_ticket_link_encode(STAGE_COUNT, key, lv), 0);

	/* Returned: the case hash itself; the others all apart. */
	record_stage_hash(h, STAGE_RETURNED, h2);
	assert_memory_equal(h, h2, 32);
	for (s = 1; s < STAGE_COUNT; s++) {
		record_stage_hash(h, s, h2);
		assert_memory_not_equal(h, h2, 32);
		record_stage_hash(h, s == 1 ? 2 : 1, key);
		assert_memory_not_equal(key, h2, 32);
	}
}

static void
test_stats(void **state)
{
	struct dossier_stat	 a, b;
	uint8_t			 kb[DSTAT_KEY_LEN], vb[DSTAT_VAL_LEN];

	(void)state;
	memset(&a, 0, sizeof(a));
	a.month = 202611;
	memset(a.agency, 'a', UNIT_CODE_MAX);
	memset(a.procedure, 'p', PROC_CODE_MAX);
	a.received = DSTAT_COUNT_MAX;
	a.on_time = 1;
	a.late = 2;
	a.refused = 3;
	a.withdrawn = 4;
	a.imported = T0;
	assert_int_equal(record_dstat_key(&a, kb), 0);
	record_dstat_value(&a, vb);
	assert_int_equal(record_dstat_decode(kb, sizeof(kb), vb, sizeof(vb),
	    &b), 0);
	assert_memory_equal(&a, &b, sizeof(a));
	assert_true(dossier_stat_same(&a, &b));
	b.imported++;
	assert_true(dossier_stat_same(&a, &b));	/* counts only */
	b.late++;
	assert_false(dossier_stat_same(&a, &b));
	assert_int_equal(record_dstat_decode(kb, sizeof(kb) - 1, vb,
	    sizeof(vb), &b), -1);
	assert_int_equal(record_dstat_decode(kb, sizeof(kb), vb,
	    sizeof(vb) - 1, &b), -1);
	vb[0] = 9;
	assert_int_equal(record_dstat_decode(kb, sizeof(kb), vb, sizeof(vb),
	    &b), -1);
	vb[0] = 1;
	kb[4 + UNIT_CODE_MAX] = 'x';	/* the agency's slot has no NUL */
	assert_int_equal(record_dstat_decode(kb, sizeof(kb), vb, sizeof(vb),
	    &b), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_order),
		cmocka_unit_test(test_impossible),
		cmocka_unit_test(test_late),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_records),
		cmocka_unit_test(test_stats),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
