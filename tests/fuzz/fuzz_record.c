#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "fuzz.h"

/*
 * fuzz_record.c: untrusted bytes (a damaged data file) through every
 * record decoder of record.c. The first byte picks the record, the rest
 * is its bytes. A record that decodes must encode again, and the encoding
 * must decode to the same record; records of the current version (and
 * the fixed-width keys) must encode to the very bytes they came from.
 * Trap: decoders zero their output before they start, so two decodes of
 * one record compare equal byte for byte, padding included.
 */

enum {
	REC_TICKET,
	REC_RESPONSE,
	REC_APIKEY,
	REC_ENROL,
	REC_IDEM,
	REC_AGG_KEY,
	REC_SUM,
	REC_COMMENT,
	REC_DESK,
	REC_USER,
	REC_AUDIT,
	REC_CATROW,
	REC_PENDING,
	REC_DOSSIER,
	REC_LINK,
	REC_DSTAT,
	REC_FOLLOWUP,
	REC_FOLLOWUP_EVENT,
	REC_OUTBOX,
	REC_SURVEY_ROW,
	REC_TARGET_ROW,
	REC_COUNT
};

static uint8_t	 enc[AUDIT_ENC_MAX + RESPONSE_ENC_MAX + FOLLOWUP_ENC_MAX +
    OUTBOX_ENC_MAX];
static struct response r1, r2;
static struct audit au1, au2;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return (0);
}

/* Version 1 (before format 8) decodes too: it encodes as version 2. */
static void
fuzz_ticket(const uint8_t *p, size_t n)
{
	struct ticket	 a, b;
	size_t		 m;

	if (record_ticket_decode(p, n, &a) == -1)
		return;
	m = record_ticket_encode(&a, enc, TICKET_ENC_MAX);
	if (p[0] == 1)	/* version 1: no officer, survey or service */
		FUZZ_CHECK(m == n + 4 && enc[0] == 2 &&
		    memcmp(enc + 1, p + 1, n - 1) == 0 && enc[n] == 0 &&
		    enc[n + 1] == 0 && enc[n + 2] == 0 && enc[n + 3] == 0);
	else
		FUZZ_CHECK(m == n && memcmp(enc, p, n) == 0);
	FUZZ_CHECK(record_ticket_decode(enc, m, &b) == 0);
	FUZZ_CHECK(memcmp(&a, &b, sizeof(a)) == 0);
}

static void
fuzz_response(const uint8_t *p, size_t n)
{
	size_t	 m;

	if (record_response_decode(p, n, &r1) == -1)
		return;
	m = record_response_encode(&r1, enc, RESPONSE_ENC_MAX);
	FUZZ_CHECK(m == n && memcmp(enc, p, n) == 0);
	FUZZ_CHECK(record_response_decode(enc, m, &r2) == 0);
	FUZZ_CHECK(memcmp(&r1, &r2, sizeof(r1)) == 0);
}

/* Versions 1 to 3 decode too: they encode as the current version. */
static void
fuzz_apikey(const uint8_t *p, size_t n)
{
	struct apikey	 a, b;
	size_t		 m;

	if (record_apikey_decode(p, n, &a) == -1)
		return;
	m = record_apikey_encode(&a, enc, APIKEY_ENC_MAX);
	FUZZ_CHECK(m > 0);
	FUZZ_CHECK(p[0] != 4 || (m == n && memcmp(enc, p, n) == 0));
	FUZZ_CHECK(record_apikey_decode(enc, m, &b) == 0);
	FUZZ_CHECK(memcmp(&a, &b, sizeof(a)) == 0);
}

static void
fuzz_enrol(const uint8_t *p, size_t n)
{
	struct enrol	 a, b;
	size_t		 m;

	if (record_enrol_decode(p, n, &a) == -1)
		return;
	m = record_enrol_encode(&a, enc, ENROL_ENC_MAX);
	FUZZ_CHECK(m == n && memcmp(enc, p, n) == 0);
	FUZZ_CHECK(record_enrol_decode(enc, m, &b) == 0);
	FUZZ_CHECK(memcmp(&a, &b, sizeof(a)) == 0);
}

static void
fuzz_idem(const uint8_t *p, size_t n)
{
	struct idem	 a, b;
	size_t		 m;

	if (record_idem_decode(p, n, &a) == -1)
		return;
	m = record_idem_encode(&a, enc, IDEM_ENC_MAX);
	FUZZ_CHECK(m == n && memcmp(enc, p, n) == 0);
	FUZZ_CHECK(record_idem_decode(enc, m, &b) == 0);
	FUZZ_CHECK(memcmp(&a, &b, sizeof(a)) == 0);
}

static void
fuzz_pending(const uint8_t *p, size_t n)
{
	struct pending	 a, b;
	size_t		 m;

	if (record_pending_decode(p, n, &a) == -1)
		return;
	m = record_pending_encode(&a, enc, PENDING_ENC_MAX);
	FUZZ_CHECK(m == n && memcmp(enc, p, n) == 0);
	FUZZ_CHECK(record_pending_decode(enc, m, &b) == 0);
	FUZZ_CHECK(memcmp(&a, &b, sizeof(a)) == 0);
}

static void
fuzz_agg_key(const uint8_t *p, size_t n)
{
	struct agg_key	 a;
	uint8_t		 k[AGG_KEY_LEN];

	if (record_agg_key_decode(p, n, &a) == -1)
		return;
	FUZZ_CHECK(record_agg_key(&a, k) == 0);
	FUZZ_CHECK(n == AGG_KEY_LEN && memcmp(k, p, n) == 0);
}

/* A sums record: the key, then the value. */
static void
fuzz_sum(const uint8_t *p, size_t n)
{
	struct store_sum s;
	uint64_t	 c[SUM_NCOUNTERS];
	uint8_t		 k[SUM_KEY_LEN], v[SUM_VAL_LEN];

	if (n < SUM_KEY_LEN || record_sum_decode(p, SUM_KEY_LEN,
	    p + SUM_KEY_LEN, n - SUM_KEY_LEN, &s) == -1)
		return;
	FUZZ_CHECK(record_sum_key(s.month, s.unit, s.sector, k) == 0);
	FUZZ_CHECK(memcmp(k, p, SUM_KEY_LEN) == 0);
	FUZZ_CHECK(record_sum_counters(p + SUM_KEY_LEN, n - SUM_KEY_LEN,
	    c) == 0);
	record_sum_value(c, v);
	FUZZ_CHECK(n - SUM_KEY_LEN == SUM_VAL_LEN &&
	    memcmp(v, p + SUM_KEY_LEN, SUM_VAL_LEN) == 0);
	FUZZ_CHECK(s.issued == c[SUM_ISSUED] && s.suspect == c[SUM_SUSPECT] &&
	    s.answered == c[SUM_ANSWERED]);
}

/* A desks record: the key, then the value. */
static void
fuzz_desk(const uint8_t *p, size_t n)
{
	struct store_desk d;
	uint64_t	 c[DESK_NCOUNTERS];
	uint8_t		 k[DESK_KEY_LEN], v[DESK_VAL_LEN];

	if (n < DESK_KEY_LEN || record_desk_decode(p, DESK_KEY_LEN,
	    p + DESK_KEY_LEN, n - DESK_KEY_LEN, &d) == -1)
		return;
	FUZZ_CHECK(record_desk_key(&d, k) == 0);
	FUZZ_CHECK(memcmp(k, p, DESK_KEY_LEN) == 0);
	FUZZ_CHECK(record_desk_counters(p + DESK_KEY_LEN, n - DESK_KEY_LEN,
	    c) == 0);
	record_desk_value(c, v);
	FUZZ_CHECK(n - DESK_KEY_LEN == DESK_VAL_LEN &&
	    memcmp(v, p + DESK_KEY_LEN, DESK_VAL_LEN) == 0);
	FUZZ_CHECK(d.issued == c[DESK_ISSUED] &&
	    d.answered == c[DESK_ANSWERED] && d.suspect == c[DESK_SUSPECT]);
}

static void
fuzz_comment(const uint8_t *p, size_t n)
{
	char	 sector[SECTOR_CODE_MAX + 1], unit[UNIT_CODE_MAX + 1];

	if (record_comment_decode(p, n, sector, unit) == -1)
		return;
	FUZZ_CHECK(n == COMMENT_VAL_LEN);
	FUZZ_CHECK(strlen(sector) <= SECTOR_CODE_MAX &&
	    strlen(unit) <= UNIT_CODE_MAX);
}

static void
fuzz_user(const uint8_t *p, size_t n)
{
	struct user	 a, b;
	size_t		 m;

	if (record_user_decode(p, n, &a) == -1)
		return;
	m = record_user_encode(&a, enc, USER_ENC_MAX);
	/* Version 1 decodes too: it encodes as the current version. */
	FUZZ_CHECK(m > 0);
	FUZZ_CHECK(p[0] != 2 || (m == n && memcmp(enc, p, n) == 0));
	FUZZ_CHECK(record_user_decode(enc, m, &b) == 0);
	FUZZ_CHECK(memcmp(&a, &b, sizeof(a)) == 0);
}

static void
fuzz_audit(const uint8_t *p, size_t n)
{
	size_t	 m;

	if (record_audit_decode(p, n, &au1) == -1)
		return;
	m = record_audit_encode(&au1, enc, AUDIT_ENC_MAX);
	FUZZ_CHECK(m == n && memcmp(enc, p, n) == 0);
	FUZZ_CHECK(record_audit_decode(enc, m, &au2) == 0);
	FUZZ_CHECK(memcmp(&au1, &au2, sizeof(au1)) == 0);
}

static void
fuzz_catrow(const uint8_t *p, size_t n)
{
	static struct catrow	 a, b;
	size_t			 m;

	if (record_catrow_decode(p, n, &a) == -1)
		return;
	m = record_catrow_encode(&a, enc, CATROW_ENC_MAX);
	FUZZ_CHECK(m == n && memcmp(enc, p, n) == 0);
	FUZZ_CHECK(record_catrow_decode(enc, m, &b) == 0);
	FUZZ_CHECK(memcmp(&a, &b, sizeof(a)) == 0);
}

static void
fuzz_survey_row(const uint8_t *p, size_t n)
{
	struct survey_row	 a, b;
	uint8_t			*e;
	size_t			 m;

	if (record_survey_row_decode(p, n, &a) == -1)
		return;
	FUZZ_CHECK(record_survey_row_encode(&a, &e, &m) == 0);
	FUZZ_CHECK(m == n && memcmp(e, p, n) == 0);
	FUZZ_CHECK(record_survey_row_decode(e, m, &b) == 0);
	FUZZ_CHECK(b.len == a.len && memcmp(b.text, a.text, a.len) == 0 &&
	    b.version == a.version && strcmp(b.id, a.id) == 0);
	free(e);
	free(a.text);
	free(b.text);
}

static void
fuzz_target_row(const uint8_t *p, size_t n)
{
	struct target_row	 a, b;
	uint8_t			 e[TARGET_ROW_ENC_MAX];
	size_t			 m;

	if (record_target_row_decode(p, n, &a) == -1)
		return;
	m = record_target_row_encode(&a, e, sizeof(e));
	FUZZ_CHECK(m == n && memcmp(e, p, n) == 0);
	FUZZ_CHECK(record_target_row_decode(e, m, &b) == 0);
	FUZZ_CHECK(memcmp(&a, &b, sizeof(a)) == 0);
}

static void
fuzz_dossier(const uint8_t *p, size_t n)
{
	struct dossier	 a, b;
	size_t		 m;

	if (record_dossier_decode(p, n, &a) == -1)
		return;
	m = record_dossier_encode(&a, enc, DOSSIER_ENC_MAX);
	FUZZ_CHECK(m == n && memcmp(enc, p, n) == 0);
	FUZZ_CHECK(record_dossier_decode(enc, m, &b) == 0);
	FUZZ_CHECK(memcmp(&a, &b, sizeof(a)) == 0);
}

static void
fuzz_link(const uint8_t *p, size_t n)
{
	uint8_t	 dk[CASE_KEY_LEN], v[LINK_VAL_LEN], stage;

	if (record_ticket_link_decode(p, n, &stage, dk) == -1)
		return;
	FUZZ_CHECK(record_ticket_link_encode(stage, dk, v) == LINK_VAL_LEN);
	FUZZ_CHECK(n == LINK_VAL_LEN && memcmp(v, p, n) == 0);
}

/* A dossier_stats record: the key, then the value. */
static void
fuzz_dstat(const uint8_t *p, size_t n)
{
	struct dossier_stat ds;
	uint8_t		 k[DSTAT_KEY_LEN], v[DSTAT_VAL_LEN];

	if (n < DSTAT_KEY_LEN || record_dstat_decode(p, DSTAT_KEY_LEN,
	    p + DSTAT_KEY_LEN, n - DSTAT_KEY_LEN, &ds) == -1)
		return;
	FUZZ_CHECK(record_dstat_key(&ds, k) == 0);
	FUZZ_CHECK(memcmp(k, p, DSTAT_KEY_LEN) == 0);
	record_dstat_value(&ds, v);
	FUZZ_CHECK(n - DSTAT_KEY_LEN == DSTAT_VAL_LEN &&
	    memcmp(v, p + DSTAT_KEY_LEN, DSTAT_VAL_LEN) == 0);
}

static struct followup f1, f2;
static struct followup_event e1, e2;

static void
fuzz_followup(const uint8_t *p, size_t n)
{
	size_t	 m;

	if (record_followup_decode(p, n, &f1) == -1)
		return;
	m = record_followup_encode(&f1, enc, FOLLOWUP_ENC_MAX);
	FUZZ_CHECK(m == n && memcmp(enc, p, n) == 0);
	FUZZ_CHECK(record_followup_decode(enc, m, &f2) == 0);
	FUZZ_CHECK(memcmp(&f1, &f2, sizeof(f1)) == 0);
}

/* The key first (FOLLOWUP_EV_KEY_LEN), then the value. */
static void
fuzz_followup_event(const uint8_t *p, size_t n)
{
	uint8_t	 k[FOLLOWUP_EV_KEY_LEN];
	size_t	 m;

	if (n < FOLLOWUP_EV_KEY_LEN || record_followup_event_decode(p,
	    FOLLOWUP_EV_KEY_LEN, p + FOLLOWUP_EV_KEY_LEN,
	    n - FOLLOWUP_EV_KEY_LEN, &e1) == -1)
		return;
	record_followup_event_key(e1.id, e1.seq, k);
	FUZZ_CHECK(memcmp(k, p, FOLLOWUP_EV_KEY_LEN) == 0);
	m = record_followup_event_encode(&e1, enc, FOLLOWUP_EV_ENC_MAX);
	FUZZ_CHECK(m == n - FOLLOWUP_EV_KEY_LEN &&
	    memcmp(enc, p + FOLLOWUP_EV_KEY_LEN, m) == 0);
	FUZZ_CHECK(record_followup_event_decode(k, sizeof(k), enc, m,
	    &e2) == 0);
	FUZZ_CHECK(memcmp(&e1, &e2, sizeof(e1)) == 0);
}

static struct outbox_entry o1, o2;

static void
fuzz_outbox(const uint8_t *p, size_t n)
{
	size_t	 m;

	if (record_outbox_decode(p, n, &o1) == -1)
		return;
	m = record_outbox_encode(&o1, enc, OUTBOX_ENC_MAX);
	FUZZ_CHECK(m == n && memcmp(enc, p, n) == 0);
	FUZZ_CHECK(record_outbox_decode(enc, m, &o2) == 0);
	FUZZ_CHECK(memcmp(&o1, &o2, sizeof(o1)) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return (0);
	switch (data[0] % REC_COUNT) {
	case REC_TICKET:
		fuzz_ticket(data + 1, size - 1);
		break;
	case REC_RESPONSE:
		fuzz_response(data + 1, size - 1);
		break;
	case REC_APIKEY:
		fuzz_apikey(data + 1, size - 1);
		break;
	case REC_ENROL:
		fuzz_enrol(data + 1, size - 1);
		break;
	case REC_IDEM:
		fuzz_idem(data + 1, size - 1);
		break;
	case REC_AGG_KEY:
		fuzz_agg_key(data + 1, size - 1);
		break;
	case REC_SUM:
		fuzz_sum(data + 1, size - 1);
		break;
	case REC_COMMENT:
		fuzz_comment(data + 1, size - 1);
		break;
	case REC_DESK:
		fuzz_desk(data + 1, size - 1);
		break;
	case REC_USER:
		fuzz_user(data + 1, size - 1);
		break;
	case REC_AUDIT:
		fuzz_audit(data + 1, size - 1);
		break;
	case REC_CATROW:
		fuzz_catrow(data + 1, size - 1);
		break;
	case REC_PENDING:
		fuzz_pending(data + 1, size - 1);
		break;
	case REC_DOSSIER:
		fuzz_dossier(data + 1, size - 1);
		break;
	case REC_LINK:
		fuzz_link(data + 1, size - 1);
		break;
	case REC_DSTAT:
		fuzz_dstat(data + 1, size - 1);
		break;
	case REC_FOLLOWUP:
		fuzz_followup(data + 1, size - 1);
		break;
	case REC_FOLLOWUP_EVENT:
		fuzz_followup_event(data + 1, size - 1);
		break;
	case REC_OUTBOX:
		fuzz_outbox(data + 1, size - 1);
		break;
	case REC_SURVEY_ROW:
		fuzz_survey_row(data + 1, size - 1);
		break;
	case REC_TARGET_ROW:
		fuzz_target_row(data + 1, size - 1);
		break;
	}
	return (0);
}
