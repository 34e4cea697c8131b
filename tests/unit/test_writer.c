/*
 * test_writer.c: tickets, answers and keys written through the writer
 * thread into a real LMDB directory under /tmp, read back with the store;
 * the failures that must leave nothing behind; aggregates and verify
 * (with raw LMDB tampering); concurrent submitters; a tiny map that must
 * grow without failing an op; strictly increasing response keys.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <ftw.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "enrol.h"
#include "record.h"
#include "store.h"
#include "store_priv.h"
#include "util.h"
#include "writer.h"

#define THREADS		8
#define PER_THREAD	200

struct env {
	char		 base[64];
	char		 dir[96];
	struct store	*st;
	struct writer	*w;
};

static uint32_t	 id_seq;

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return (remove(path));
}

static void
env_open(struct env *e)
{
	char	 why[256];

	assert_int_equal(store_open(&e->st, e->dir, 1, NULL, why,
	    sizeof(why)), 0);
	assert_int_equal(writer_start(&e->w, e->st, 0), 0);
}

static void
env_close(struct env *e)
{
	writer_stop(e->w);
	store_close(e->st);
	e->w = NULL;
	e->st = NULL;
}

static int
setup(void **state)
{
	struct env	*e;

	e = calloc(1, sizeof(*e));
	strlcpy(e->base, "/tmp/hl-writer-XXXXXX", sizeof(e->base));
	if (mkdtemp(e->base) == NULL)
		return (-1);
	snprintf(e->dir, sizeof(e->dir), "%s/data", e->base);
	env_open(e);
	*state = e;
	return (0);
}

static int
teardown(void **state)
{
	struct env	*e = *state;
	int		 rc;

	if (e->st != NULL)
		env_close(e);
	rc = nftw(e->base, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(e);
	return (rc);
}

static FILE *
devnull(void)
{
	FILE	*f = fopen("/dev/null", "w");

	assert_non_null(f);
	return (f);
}

static void
ticket_op(struct wop *op, const char *unit, const char *handling,
    int64_t issued, int64_t expires)
{
	uint32_t n = ++id_seq;

	memset(op, 0, sizeof(*op));
	op->kind = WOP_TICKET;
	op->u.ticket.t.id[0] = 0x42;
	op->u.ticket.t.id[6] = (uint8_t)(n >> 24);
	op->u.ticket.t.id[7] = (uint8_t)(n >> 16);
	op->u.ticket.t.id[8] = (uint8_t)(n >> 8);
	op->u.ticket.t.id[9] = (uint8_t)n;
	op->u.ticket.t.id[1] = (uint8_t)(n * 131);	/* spread the codes */
	op->u.ticket.t.kid = 1;
	op->u.ticket.t.issued = issued;
	op->u.ticket.t.expires = expires;
	strlcpy(op->u.ticket.t.procedure, "1.004", PROC_CODE_MAX + 1);
	strlcpy(op->u.ticket.t.sector, "land", SECTOR_CODE_MAX + 1);
	strlcpy(op->u.ticket.t.unit, unit, UNIT_CODE_MAX + 1);
	strlcpy(op->u.ticket.t.handling_unit, handling, UNIT_CODE_MAX + 1);
	strlcpy(op->u.ticket.t.counter, "c1", COUNTER_MAX + 1);
}

/* An open ticket, valid for a day; its id in id. */
static void
issue(struct env *e, const char *unit, const char *handling,
    uint8_t id[TICKET_ID_LEN])
{
	struct wop	 op;

	ticket_op(&op, unit, handling, now_sec(), now_sec() + 86400);
	assert_int_equal(writer_run(e->w, &op), HL_OK);
	assert_int_equal(op.u.ticket.created, 1);
	memcpy(id, op.u.ticket.t.id, TICKET_ID_LEN);
}

static void
answer_op(struct wop *op, const uint8_t *ticket, uint8_t overall)
{
	struct response	*r = &op->u.answer.r;

	memset(op, 0, sizeof(*op));
	op->kind = WOP_ANSWER;
	if (ticket != NULL) {
		r->has_ticket = 1;
		memcpy(r->ticket, ticket, TICKET_ID_LEN);
		r->channel = CHANNEL_QR;
	} else {
		r->channel = CHANNEL_WALKIN;
		strlcpy(r->sector, "health", sizeof(r->sector));
		strlcpy(r->unit, "92.010", sizeof(r->unit));
		strlcpy(r->procedure, "-", sizeof(r->procedure));
	}
	strlcpy(r->survey, "tthc", sizeof(r->survey));
	r->survey_version = 1;
	strlcpy(r->lang, "vi", sizeof(r->lang));
	r->nanswers = 2;
	strlcpy(r->answers[0].q, "overall", sizeof(r->answers[0].q));
	r->answers[0].level = overall;
	strlcpy(r->answers[1].q, "attitude", sizeof(r->answers[1].q));
	r->answers[1].level = 2;
}

/* One counter, read as the report reads them (store_each_agg_prefix). */
struct agg_want {
	const char	*q;
	uint8_t		 level;
	uint64_t	 n;
};

static int
agg_pick(const struct agg_key *k, uint64_t n, void *arg)
{
	struct agg_want	*w = arg;

	if (strcmp(k->question, w->q) == 0 && k->level == w->level)
		w->n = n;
	return (0);
}

static uint64_t
agg(struct env *e, const char *sector, const char *unit, const char *q,
    uint8_t level)
{
	struct agg_want	 w = { q, level, 0 };

	assert_int_equal(store_each_agg_prefix(e->st, NULL,
	    month_of(now_sec()), sector, unit, agg_pick, &w), 0);
	return (w.n);
}

struct walk {
	size_t		 n;
	uint64_t	 last;
	int		 increasing;
};

static int
walk_fn(const struct response *r, void *arg)
{
	struct walk	*w = arg;

	if (w->n > 0 && r->key <= w->last)
		w->increasing = 0;
	w->last = r->key;
	w->n++;
	return (0);
}

static struct walk
walk(struct env *e)
{
	struct walk	 w = { 0, 0, 1 };

	assert_int_equal(store_each_response(e->st, 0, UINT64_MAX, walk_fn,
	    &w), 0);
	return (w);
}

static void
test_issue_get(void **state)
{
	struct env	*e = *state;
	struct wop	 op;
	struct ticket	 t;
	uint8_t		 prefix[CODE_PREFIX_LEN];

	ticket_op(&op, "92.001", "", now_sec(), now_sec() + 3600);
	assert_int_equal(writer_run(e->w, &op), HL_OK);
	assert_int_equal(op.u.ticket.created, 1);
	assert_int_equal(store_ticket_get(e->st, op.u.ticket.t.id, &t), HL_OK);
	assert_memory_equal(&t, &op.u.ticket.t, sizeof(t));
	assert_int_equal(t.state, TICKET_OPEN);
	assert_int_equal(agg(e, "land", "92.001", AGG_ISSUED, 0), 1);

	/* By the typed code: first CODE_BITS bits, the rest zero. */
	memcpy(prefix, op.u.ticket.t.id, CODE_PREFIX_LEN);
	prefix[6] &= 0xc0;
	memset(&t, 0, sizeof(t));
	assert_int_equal(store_ticket_by_code(e->st, prefix, &t), HL_OK);
	assert_memory_equal(t.id, op.u.ticket.t.id, TICKET_ID_LEN);
	prefix[6] ^= 0x40;	/* last bit of the code */
	assert_int_equal(store_ticket_by_code(e->st, prefix, &t),
	    HL_NOT_FOUND);
	prefix[6] ^= 0x40;
	prefix[0] = 0xff;
	assert_int_equal(store_ticket_by_code(e->st, prefix, &t),
	    HL_NOT_FOUND);

	/* Same id again: refused, nothing counted. */
	op.u.ticket.created = 7;
	assert_int_equal(writer_run(e->w, &op), HL_ERROR);
	assert_int_equal(op.u.ticket.created, 0);
	assert_int_equal(agg(e, "land", "92.001", AGG_ISSUED, 0), 1);

	/* Counted under the handling unit when there is one. */
	ticket_op(&op, "92.001", "92", now_sec(), now_sec() + 3600);
	assert_int_equal(writer_run(e->w, &op), HL_OK);
	assert_int_equal(agg(e, "land", "92", AGG_ISSUED, 0), 1);
	assert_int_equal(agg(e, "land", "92.001", AGG_ISSUED, 0), 1);

	/* An unencodable ticket is invalid and leaves nothing. */
	ticket_op(&op, "92.001", "", now_sec(), now_sec() + 3600);
	op.u.ticket.t.state = 7;
	assert_int_equal(writer_run(e->w, &op), HL_INVALID);
	assert_int_equal(store_ticket_get(e->st, op.u.ticket.t.id, &t),
	    HL_NOT_FOUND);
}

static void
test_issue_idempotent(void **state)
{
	struct env	*e = *state;
	struct wop	 a, b, c, d;
	struct ticket	 t;

	ticket_op(&a, "92.001", "", now_sec(), now_sec() + 3600);
	a.u.ticket.has_case = 1;
	memset(a.u.ticket.case_hash, 0x11, 32);
	assert_int_equal(writer_run(e->w, &a), HL_OK);
	assert_int_equal(a.u.ticket.created, 1);

	ticket_op(&b, "92.001", "", now_sec() + 5, now_sec() + 7200);
	b.u.ticket.has_case = 1;
	memset(b.u.ticket.case_hash, 0x11, 32);
	assert_int_equal(writer_run(e->w, &b), HL_OK);
	assert_int_equal(b.u.ticket.created, 0);
	assert_memory_equal(&b.u.ticket.t, &a.u.ticket.t, sizeof(t));
	assert_int_equal(agg(e, "land", "92.001", AGG_ISSUED, 0), 1);

	/* Same case hash in another unit: another ticket. */
	ticket_op(&c, "92.002", "", now_sec(), now_sec() + 3600);
	c.u.ticket.has_case = 1;
	memset(c.u.ticket.case_hash, 0x11, 32);
	assert_int_equal(writer_run(e->w, &c), HL_OK);
	assert_int_equal(c.u.ticket.created, 1);

	/* Two asks for one new case in the same batch: one ticket. */
	ticket_op(&c, "92.003", "", now_sec(), now_sec() + 3600);
	c.u.ticket.has_case = 1;
	memset(c.u.ticket.case_hash, 0x22, 32);
	ticket_op(&d, "92.003", "", now_sec(), now_sec() + 3600);
	d.u.ticket.has_case = 1;
	memset(d.u.ticket.case_hash, 0x22, 32);
	writer_submit(e->w, &c);
	assert_int_equal(writer_run(e->w, &d), HL_OK);
	assert_int_equal(c.rc, HL_OK);	/* FIFO: c was done before d */
	assert_int_equal(c.u.ticket.created + d.u.ticket.created, 1);
	assert_memory_equal(c.u.ticket.t.id, d.u.ticket.t.id, TICKET_ID_LEN);
	assert_int_equal(agg(e, "land", "92.003", AGG_ISSUED, 0), 1);
}

static void
test_answer(void **state)
{
	struct env	*e = *state;
	struct wop	 op, t;
	struct ticket	 tk;
	struct response	*r;
	uint8_t		 id[TICKET_ID_LEN], gone[TICKET_ID_LEN];
	uint8_t		 unknown[TICKET_ID_LEN] = { 0x99 };
	uint64_t	 key;
	FILE		*null;

	r = malloc(sizeof(*r));
	issue(e, "92.001", "92", id);
	answer_op(&op, id, 5);
	op.u.answer.r.flags = RESPONSE_SUSPECT;
	assert_int_equal(writer_run(e->w, &op), HL_OK);
	key = op.u.answer.r.key;
	assert_true(key > 0);
	assert_true(key <= now_usec());
	assert_int_equal(op.u.answer.r.month, month_of(now_sec()));
	assert_string_equal(op.u.answer.r.sector, "land");
	assert_string_equal(op.u.answer.r.unit, "92");	/* handling unit */
	assert_string_equal(op.u.answer.r.procedure, "1.004");

	assert_int_equal(store_ticket_get(e->st, id, &tk), HL_OK);
	assert_int_equal(tk.state, TICKET_ANSWERED);
	assert_true(tk.response == key);
	assert_int_equal(store_response_get(e->st, key, r), HL_OK);
	assert_memory_equal(r, &op.u.answer.r, sizeof(*r));

	assert_int_equal(agg(e, "land", "92", "overall", 5), 1);
	assert_int_equal(agg(e, "land", "92", "attitude", 2), 1);
	assert_int_equal(agg(e, "land", "92", AGG_CHANNEL, CHANNEL_QR + 1), 1);
	assert_int_equal(agg(e, "land", "92", AGG_SUSPECT, 0), 1);
	assert_int_equal(agg(e, "land", "92.001", "overall", 5), 0);

	/* Failures: nothing stored, nothing counted. */
	answer_op(&op, id, 4);
	assert_int_equal(writer_run(e->w, &op), HL_CONFLICT);
	ticket_op(&t, "92.001", "", now_sec() - 864000, now_sec() - 1);
	assert_int_equal(writer_run(e->w, &t), HL_OK);
	memcpy(gone, t.u.ticket.t.id, TICKET_ID_LEN);
	answer_op(&op, gone, 4);
	assert_int_equal(writer_run(e->w, &op), HL_GONE);
	ticket_op(&t, "92.001", "", now_sec(), now_sec() + 3600);
	t.u.ticket.t.state = TICKET_VOID;
	assert_int_equal(writer_run(e->w, &t), HL_OK);
	answer_op(&op, t.u.ticket.t.id, 4);
	assert_int_equal(writer_run(e->w, &op), HL_GONE);
	answer_op(&op, unknown, 4);
	assert_int_equal(writer_run(e->w, &op), HL_NOT_FOUND);
	answer_op(&op, NULL, 4);
	op.u.answer.r.channel = CHANNEL_COUNT;
	assert_int_equal(writer_run(e->w, &op), HL_INVALID);
	answer_op(&op, NULL, 4);
	memset(op.u.answer.r.answers[1].q, 'q', QUESTION_ID_MAX + 1);
	assert_int_equal(writer_run(e->w, &op), HL_INVALID);

	assert_int_equal(walk(e).n, 1);
	assert_int_equal(agg(e, "land", "92", "overall", 4), 0);
	assert_int_equal(agg(e, "land", "92.001", "overall", 4), 0);
	assert_int_equal(agg(e, "land", "92", AGG_CHANNEL, CHANNEL_QR + 1), 1);
	assert_int_equal(agg(e, AGG_WALKIN, "92.010", AGG_CHANNEL,
	    CHANNEL_WALKIN + 1), 0);
	assert_int_equal(store_ticket_get(e->st, gone, &tk), HL_OK);
	assert_int_equal(tk.state, TICKET_OPEN);

	/* A walk-in answer keeps its unit and counts in no sector. */
	answer_op(&op, NULL, 3);
	op.u.answer.r.answered = now_sec() - 5;
	memcpy(op.u.answer.r.comment, "Nhanh", 5);
	op.u.answer.r.comment_len = 5;
	assert_int_equal(writer_run(e->w, &op), HL_OK);
	assert_true(op.u.answer.r.key > key);
	assert_true(op.u.answer.r.answered == now_sec() - 5 ||
	    op.u.answer.r.answered == now_sec() - 6);
	assert_int_equal(agg(e, AGG_WALKIN, "92.010", "overall", 3), 1);
	assert_int_equal(agg(e, AGG_WALKIN, "92.010", AGG_CHANNEL,
	    CHANNEL_WALKIN + 1), 1);
	assert_int_equal(store_response_get(e->st, op.u.answer.r.key, r),
	    HL_OK);
	assert_int_equal(r->comment_len, 5);
	assert_string_equal(r->comment, "Nhanh");
	assert_int_equal(r->has_ticket, 0);

	null = devnull();
	assert_int_equal(store_verify(e->st, null), 0);
	fclose(null);
	free(r);
}

static void
test_key(void **state)
{
	struct env	*e = *state;
	struct wop	 op;
	struct apikey	 k;

	memset(&op, 0, sizeof(op));
	op.kind = WOP_KEY;
	memset(op.u.key.hash, 0x77, 32);
	op.u.key.key.role = ROLE_COUNTER;
	op.u.key.key.created = now_sec();
	strlcpy(op.u.key.key.name, "một cửa", sizeof(op.u.key.key.name));
	strlcpy(op.u.key.key.unit, "92.001", sizeof(op.u.key.key.unit));
	assert_int_equal(writer_run(e->w, &op), HL_OK);
	assert_int_equal(store_key_get(e->st, op.u.key.hash, &k), HL_OK);
	assert_memory_equal(&k, &op.u.key.key, sizeof(k));
	op.u.key.key.role = ROLE_ADMIN;
	assert_int_equal(writer_run(e->w, &op), HL_CONFLICT);
	assert_int_equal(store_key_get(e->st, op.u.key.hash, &k), HL_OK);
	assert_int_equal(k.role, ROLE_COUNTER);
}

static int
count_kiosks(const uint8_t *hash, const struct apikey *k, void *arg)
{
	(void)hash;
	if (k->role == ROLE_KIOSK)
		(*(int *)arg)++;
	return (0);
}

static int
count_codes(const struct enrol *en, void *arg)
{
	(void)en;
	(*(int *)arg)++;
	return (0);
}

static void
enrol_add(struct env *e, const char *code, const char *name,
    int64_t expires, enum hl_rc want)
{
	struct wop	 op;

	memset(&op, 0, sizeof(op));
	op.kind = WOP_ENROL_ADD;
	assert_int_equal(enrol_code_hash(code, strlen(code),
	    op.u.enrol.e.hash), 0);
	op.u.enrol.e.created = now_sec();
	op.u.enrol.e.expires = expires;
	strlcpy(op.u.enrol.e.name, name, sizeof(op.u.enrol.e.name));
	strlcpy(op.u.enrol.e.unit, "92-VD01", sizeof(op.u.enrol.e.unit));
	strlcpy(op.u.enrol.e.counter, "3", sizeof(op.u.enrol.e.counter));
	assert_int_equal(writer_run(e->w, &op), want);
}

static enum hl_rc
enrol_use(struct env *e, const char *code, uint8_t fill, struct apikey *k)
{
	struct wop	 op;
	enum hl_rc	 rc;

	memset(&op, 0, sizeof(op));
	op.kind = WOP_ENROL;
	assert_int_equal(enrol_code_hash(code, strlen(code),
	    op.u.enrol.e.hash), 0);
	memset(op.u.enrol.key_hash, fill, 32);
	op.u.enrol.created = now_sec();
	rc = writer_run(e->w, &op);
	if (k != NULL)
		*k = op.u.enrol.key;
	return (rc);
}

/* Codes: single use, expiry, the key they make; revoking by name. */
static void
test_enrol_revoke(void **state)
{
	struct env	*e = *state;
	struct wop	 op;
	struct apikey	 k, got;
	uint8_t		 hash[32];
	int		 n;

	enrol_add(e, "AAAA-BBBB", "sảnh", now_sec() + 60, HL_OK);
	enrol_add(e, "aaaabbbb", "other", now_sec() + 60, HL_CONFLICT);
	enrol_add(e, "CCCC-DDDD", "old", now_sec() - 1, HL_OK);
	enrol_add(e, "EEEE-FFFF", "sảnh", now_sec() + 60, HL_OK);
	n = 0;
	assert_int_equal(store_each_enrol(e->st, count_codes, &n), 0);
	assert_int_equal(n, 3);

	assert_int_equal(enrol_use(e, "aaaa-bbbb", 0x11, &k), HL_OK);
	assert_int_equal(k.role, ROLE_KIOSK);
	assert_string_equal(k.name, "sảnh");
	assert_string_equal(k.unit, "92-VD01");
	assert_string_equal(k.counter, "3");
	memset(hash, 0x11, 32);
	assert_int_equal(store_key_get(e->st, hash, &got), HL_OK);
	assert_memory_equal(&k, &got, sizeof(k));
	/* Once only; an expired or unknown code is not found. */
	assert_int_equal(enrol_use(e, "AAAA-BBBB", 0x12, NULL), HL_NOT_FOUND);
	assert_int_equal(enrol_use(e, "CCCC-DDDD", 0x13, NULL), HL_NOT_FOUND);
	assert_int_equal(enrol_use(e, "ZZZZ-ZZZZ", 0x14, NULL), HL_NOT_FOUND);
	memset(hash, 0x12, 32);
	assert_int_equal(store_key_get(e->st, hash, &got), HL_NOT_FOUND);
	/* A key hash that exists already: the code stays. */
	assert_int_equal(enrol_use(e, "EEEE-FFFF", 0x11, NULL), HL_CONFLICT);
	n = 0;
	assert_int_equal(store_each_enrol(e->st, count_codes, &n), 0);
	assert_int_equal(n, 2);

	/* Revoke: the kiosk key and the pending code of that name. */
	memset(&op, 0, sizeof(op));
	op.kind = WOP_REVOKE;
	strlcpy(op.u.revoke.name, "sảnh", sizeof(op.u.revoke.name));
	assert_int_equal(writer_run(e->w, &op), HL_OK);
	assert_int_equal(op.u.revoke.nkeys, 1);
	assert_int_equal(op.u.revoke.ncodes, 1);
	memset(hash, 0x11, 32);
	assert_int_equal(store_key_get(e->st, hash, &got), HL_NOT_FOUND);
	n = 0;
	assert_int_equal(store_each_key(e->st, count_kiosks, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(writer_run(e->w, &op), HL_NOT_FOUND);
	/* A kiosk revoke (role ROLE_KIOSK) leaves other roles alone. */
	memset(&op, 0, sizeof(op));
	op.kind = WOP_KEY;
	memset(op.u.key.hash, 0x21, 32);
	op.u.key.key.role = ROLE_COUNTER;
	strlcpy(op.u.key.key.name, "old", sizeof(op.u.key.key.name));
	assert_int_equal(writer_run(e->w, &op), HL_OK);
	memset(&op, 0, sizeof(op));
	op.kind = WOP_REVOKE;
	op.u.revoke.role = ROLE_KIOSK;
	strlcpy(op.u.revoke.name, "old", sizeof(op.u.revoke.name));
	assert_int_equal(writer_run(e->w, &op), HL_OK);
	assert_int_equal(op.u.revoke.nkeys, 0);
	assert_int_equal(op.u.revoke.ncodes, 1);
	memset(hash, 0x21, 32);
	assert_int_equal(store_key_get(e->st, hash, &got), HL_OK);
	/* Any role by id: the first bytes of the hash; a wrong id, none. */
	memset(&op, 0, sizeof(op));
	op.kind = WOP_REVOKE;
	memset(op.u.revoke.id, 0x22, KEY_ID_LEN);
	op.u.revoke.idlen = KEY_ID_LEN;
	assert_int_equal(writer_run(e->w, &op), HL_NOT_FOUND);
	memset(op.u.revoke.id, 0x21, KEY_ID_LEN);
	assert_int_equal(writer_run(e->w, &op), HL_OK);
	assert_int_equal(op.u.revoke.nkeys, 1);
	assert_int_equal(store_key_get(e->st, hash, &got), HL_NOT_FOUND);
	/* Neither name nor id: refused, never "every key". */
	memset(&op, 0, sizeof(op));
	op.kind = WOP_REVOKE;
	assert_int_equal(writer_run(e->w, &op), HL_INVALID);
}

/* The same idempotency key: one response, the first outcome back. */
static void
test_idempotent_answer(void **state)
{
	struct env	*e = *state;
	struct wop	*ops;
	uint8_t		 tid[TICKET_ID_LEN];
	struct idem	 im;
	uint8_t		 kh[32], ih[32];
	FILE		*f;
	size_t		 i;

	ops = calloc(4, sizeof(*ops));
	memset(kh, 5, 32);
	record_idem_key(kh, "abcdefghijklmnop", 16, ih);
	answer_op(&ops[0], NULL, 1);
	ops[0].u.answer.r.flags = RESPONSE_SUSPECT;
	ops[0].u.answer.has_idem = 1;
	memcpy(ops[0].u.answer.idem, ih, 32);
	assert_int_equal(writer_run(e->w, &ops[0]), HL_OK);
	assert_int_equal(ops[0].u.answer.duplicate, 0);
	assert_int_equal(store_idem_get(e->st, ih, &im), HL_OK);
	assert_int_equal(im.response, ops[0].u.answer.r.key);
	assert_int_equal(im.channel, CHANNEL_WALKIN);
	assert_int_equal(im.flags, RESPONSE_SUSPECT);
	/* A retry with other answers and no flag: the first outcome. */
	answer_op(&ops[1], NULL, 5);
	ops[1].u.answer.has_idem = 1;
	memcpy(ops[1].u.answer.idem, ih, 32);
	assert_int_equal(writer_run(e->w, &ops[1]), HL_OK);
	assert_int_equal(ops[1].u.answer.duplicate, 1);
	assert_int_equal(ops[1].u.answer.r.key, ops[0].u.answer.r.key);
	assert_int_equal(ops[1].u.answer.r.flags, RESPONSE_SUSPECT);
	assert_int_equal(walk(e).n, 1);
	assert_int_equal(agg(e, AGG_WALKIN, "92.010", "overall", 5), 0);
	assert_int_equal(agg(e, AGG_WALKIN, "92.010", "overall", 1), 1);
	assert_int_equal(agg(e, AGG_WALKIN, "92.010", AGG_SUSPECT, 0), 1);

	/* Paired: the retry after success is no conflict. */
	issue(e, "92.001", "", tid);
	record_idem_key(kh, "paired-0000000001", 17, ih);
	answer_op(&ops[2], tid, 4);
	ops[2].u.answer.r.channel = CHANNEL_KIOSK;
	ops[2].u.answer.has_idem = 1;
	memcpy(ops[2].u.answer.idem, ih, 32);
	ops[3] = ops[2];
	assert_int_equal(writer_run(e->w, &ops[2]), HL_OK);
	assert_int_equal(writer_run(e->w, &ops[3]), HL_OK);
	assert_int_equal(ops[3].u.answer.duplicate, 1);
	assert_int_equal(ops[3].u.answer.r.channel, CHANNEL_KIOSK);
	/* Without the key it is a conflict, as before. */
	ops[3].u.answer.has_idem = 0;
	assert_int_equal(writer_run(e->w, &ops[3]), HL_CONFLICT);
	assert_int_equal(walk(e).n, 2);
	for (i = 0; i < 4; i++)
		assert_int_equal(ops[i].rc, i == 3 ? HL_CONFLICT : HL_OK);
	f = devnull();
	assert_int_equal(store_verify(e->st, f), 0);
	fclose(f);
	free(ops);
}

/* Tampers with the first agg record of a unit whose question is q (raw
 * LMDB). */
static void
tamper(const char *dir, const char *q, int del)
{
	MDB_env		*env;
	MDB_txn		*txn;
	MDB_dbi		 dbi;
	MDB_cursor	*c;
	MDB_val		 k, v;
	struct agg_key	 ak;
	uint8_t		 vb[8], kb[AGG_KEY_LEN];
	int		 rc;

	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, STORE_MAXDBS), 0);
	assert_int_equal(mdb_env_open(env, dir, MDB_NOTLS, 0600), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
	assert_int_equal(mdb_dbi_open(txn, "agg", 0, &dbi), 0);
	assert_int_equal(mdb_cursor_open(txn, dbi, &c), 0);
	for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		assert_int_equal(record_agg_key_decode(k.mv_data, k.mv_size,
		    &ak), 0);
		/* The unit's own counter, not the unit "" rollup. */
		if (strcmp(ak.question, q) == 0 && ak.unit[0] != '\0')
			break;
	}
	assert_int_equal(rc, 0);
	memcpy(kb, k.mv_data, AGG_KEY_LEN);
	mdb_cursor_close(c);
	k.mv_data = kb;
	if (del)
		assert_int_equal(mdb_del(txn, dbi, &k, NULL), 0);
	else {
		be64_put(vb, be64_get(v.mv_data) + 1);
		v.mv_data = vb;
		v.mv_size = 8;
		assert_int_equal(mdb_put(txn, dbi, &k, &v, 0), 0);
	}
	assert_int_equal(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
}

/* Adds one to the first unit "" rollup (raw LMDB). */
static void
tamper_rollup(const char *dir)
{
	MDB_env		*env;
	MDB_txn		*txn;
	MDB_dbi		 dbi;
	MDB_cursor	*c;
	MDB_val		 k, v;
	uint8_t		 vb[8], kb[AGG_KEY_LEN];

	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, STORE_MAXDBS), 0);
	assert_int_equal(mdb_env_open(env, dir, MDB_NOTLS, 0600), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
	assert_int_equal(mdb_dbi_open(txn, "agg", 0, &dbi), 0);
	assert_int_equal(mdb_cursor_open(txn, dbi, &c), 0);
	/* The month's first overall key: land, unit "", level 3. */
	assert_int_equal(mdb_cursor_get(c, &k, &v, MDB_FIRST), 0);
	while (memcmp((uint8_t *)k.mv_data + 4 + SECTOR_CODE_MAX + 1 +
	    UNIT_CODE_MAX + 1, "overall", 8) != 0)
		assert_int_equal(mdb_cursor_get(c, &k, &v, MDB_NEXT), 0);
	memcpy(kb, k.mv_data, AGG_KEY_LEN);
	be64_put(vb, be64_get(v.mv_data) + 1);
	mdb_cursor_close(c);
	k.mv_data = kb;
	v.mv_data = vb;
	v.mv_size = 8;
	assert_int_equal(mdb_put(txn, dbi, &k, &v, 0), 0);
	assert_int_equal(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
}

static void
test_verify_tamper(void **state)
{
	struct env	*e = *state;
	struct wop	 op;
	uint8_t		 id[TICKET_ID_LEN];
	char		*out = NULL;
	size_t		 outlen = 0;
	FILE		*f;
	int		 i;

	for (i = 0; i < 5; i++) {
		issue(e, "92.001", "", id);
		answer_op(&op, id, (uint8_t)(i + 1));
		assert_int_equal(writer_run(e->w, &op), HL_OK);
	}
	f = devnull();
	assert_int_equal(store_verify(e->st, f), 0);
	fclose(f);
	env_close(e);

	tamper(e->dir, "overall", 0);
	env_open(e);
	assert_non_null(f = open_memstream(&out, &outlen));
	assert_int_equal(store_verify(e->st, f), 1);
	fclose(f);
	assert_non_null(strstr(out, " land 92.001 overall "));
	assert_non_null(strstr(out, ": stored 2, recomputed 1\n"));
	free(out);
	out = NULL;
	env_close(e);

	/* A missing counter is a disagreement too. */
	tamper(e->dir, AGG_ISSUED, 1);
	env_open(e);
	assert_non_null(f = open_memstream(&out, &outlen));
	assert_int_equal(store_verify(e->st, f), 2);
	fclose(f);
	assert_non_null(strstr(out, "land 92.001 _issued 0: stored 0, "
	    "recomputed 5\n"));
	free(out);
}

/* Collects sums rows. */
struct sums {
	size_t		 n;
	struct store_sum rows[64];
};

static int
sums_fn(const struct store_sum *s, void *arg)
{
	struct sums	*l = arg;

	if (l->n < 64)
		l->rows[l->n] = *s;
	l->n++;
	return (0);
}

static const struct store_sum *
sums_find(const struct sums *l, uint32_t month, const char *unit,
    const char *sector)
{
	size_t	 i;

	for (i = 0; i < l->n && i < 64; i++)
		if (l->rows[i].month == month &&
		    strcmp(l->rows[i].unit, unit) == 0 &&
		    strcmp(l->rows[i].sector, sector) == 0)
			return (&l->rows[i]);
	return (NULL);
}

struct aggs {
	size_t		 n;
	uint64_t	 total;
	int		 bad;		/* a row outside what was asked */
	const char	*unit;
	const char	*sector;	/* NULL: any */
};

static int
aggs_fn(const struct agg_key *k, uint64_t n, void *arg)
{
	struct aggs	*a = arg;

	if (strcmp(k->unit, a->unit) != 0 ||
	    (a->sector != NULL && strcmp(k->sector, a->sector) != 0))
		a->bad = 1;
	a->n++;
	a->total += n;
	return (0);
}

static int
stop_fn(const struct store_sum *s, void *arg)
{
	(void)s;
	(void)arg;
	return (7);
}

/* Issues and answers in two sectors, three units and two months. */
static void
fill_mixed(struct env *e, int64_t t1, int64_t t2)
{
	struct wop	 op;
	uint8_t		 id[TICKET_ID_LEN];
	int		 i;

	for (i = 0; i < 3; i++) {
		ticket_op(&op, i == 2 ? "92.003" : "92.001", "", t1,
		    now_sec() + 86400);
		assert_int_equal(writer_run(e->w, &op), HL_OK);
		memcpy(id, op.u.ticket.t.id, TICKET_ID_LEN);
		answer_op(&op, id, (uint8_t)(3 + i));
		op.u.answer.r.answered = t1;
		if (i == 0)
			op.u.answer.r.flags = RESPONSE_SUSPECT;
		assert_int_equal(writer_run(e->w, &op), HL_OK);
	}
	/* An open ticket and a walk-in in the other month. */
	ticket_op(&op, "92.001", "", t2, now_sec() + 86400);
	assert_int_equal(writer_run(e->w, &op), HL_OK);
	answer_op(&op, NULL, 1);
	op.u.answer.r.answered = t2;
	assert_int_equal(writer_run(e->w, &op), HL_OK);
}

static void
test_sums_and_rollups(void **state)
{
	struct env		*e = *state;
	struct sums		 l;
	struct aggs		 a;
	const struct store_sum	*s;
	int64_t			 t1 = now_sec() - 40 * 86400, t2 = now_sec();
	uint32_t		 m1 = month_of(t1), m2 = month_of(t2);
	FILE			*f;

	fill_mixed(e, t1, t2);
	f = devnull();
	assert_int_equal(store_verify(e->st, f), 0);
	fclose(f);

	/* Every row: units and the "" rows, both months. */
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_each_sum(e->st, NULL, 0, UINT32_MAX, NULL,
	    sums_fn, &l), 0);
	assert_int_equal(l.n, 7);
	assert_non_null(s = sums_find(&l, m1, "92.001", "land"));
	assert_int_equal(s->issued, 2);
	assert_int_equal(s->levels[2], 1);
	assert_int_equal(s->levels[3], 1);
	assert_int_equal(s->levels[4], 0);
	assert_int_equal(s->channels[CHANNEL_QR], 2);
	assert_int_equal(s->suspect, 1);
	assert_non_null(s = sums_find(&l, m1, "", "land"));
	assert_int_equal(s->issued, 3);
	assert_int_equal(s->levels[4], 1);
	assert_int_equal(s->channels[CHANNEL_QR], 3);
	assert_int_equal(s->suspect, 1);
	assert_non_null(s = sums_find(&l, m2, "92.010", AGG_WALKIN));
	assert_int_equal(s->issued, 0);
	assert_int_equal(s->levels[0], 1);
	assert_int_equal(s->channels[CHANNEL_WALKIN], 1);
	assert_non_null(s = sums_find(&l, m2, "", "land"));
	assert_int_equal(s->issued, 1);
	assert_int_equal(s->levels[0] + s->levels[1] + s->levels[2] +
	    s->levels[3] + s->levels[4], 0);

	/* One unit, through the months; "" = the every-unit rows. */
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_each_sum(e->st, NULL, 0, UINT32_MAX, "92.001",
	    sums_fn, &l), 0);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.rows[0].month, m1);
	assert_int_equal(l.rows[1].month, m2);
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_each_sum(e->st, NULL, m2, m2, "", sums_fn,
	    &l), 0);
	assert_int_equal(l.n, 2);	/* land, walk-in */
	assert_string_equal(l.rows[1].sector, AGG_WALKIN);
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_each_sum(e->st, NULL, m1, m1, "92.010",
	    sums_fn, &l), 0);
	assert_int_equal(l.n, 0);
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_each_sum(e->st, NULL, m2 + 1, UINT32_MAX, NULL,
	    sums_fn, &l), 0);
	assert_int_equal(l.n, 0);
	assert_int_equal(store_each_sum(e->st, NULL, 0, UINT32_MAX, "92.003",
	    stop_fn, NULL), 7);
	/* A unit code too long for a key has no rows. */
	assert_int_equal(store_each_sum(e->st, NULL, 0, UINT32_MAX,
	    "123456789012345678901234567890123", sums_fn, &l), 0);

	/* Rollups: each answer under "" as well. */
	assert_int_equal(agg(e, AGG_WALKIN, "", "overall", 1), 1);
	assert_int_equal(agg(e, AGG_WALKIN, "", "attitude", 2), 1);
	memset(&a, 0, sizeof(a));
	a.unit = "";
	assert_int_equal(store_each_agg_prefix(e->st, NULL, m1, NULL, "",
	    aggs_fn, &a), 0);
	assert_false(a.bad);
	/* 3 overall + 3 attitude + the suspect answer's overall again */
	assert_int_equal(a.total, 7);
	memset(&a, 0, sizeof(a));
	a.unit = "";
	a.sector = AGG_WALKIN;
	assert_int_equal(store_each_agg_prefix(e->st, NULL, m2, AGG_WALKIN, "",
	    aggs_fn, &a), 0);
	assert_false(a.bad);
	assert_int_equal(a.n, 2);
	/* Every sector of a month for one unit (two seeks per sector). */
	memset(&a, 0, sizeof(a));
	a.unit = "92.010";
	assert_int_equal(store_each_agg_prefix(e->st, NULL, m2, NULL,
	    "92.010", aggs_fn, &a), 0);
	assert_false(a.bad);
	assert_int_equal(a.n, 3);	/* overall, attitude, _channel */
	memset(&a, 0, sizeof(a));
	a.unit = "92.010";
	assert_int_equal(store_each_agg_prefix(e->st, NULL, m2, "land",
	    "92.010", aggs_fn, &a), 0);
	assert_int_equal(a.n, 0);
	memset(&a, 0, sizeof(a));
	a.unit = "92.003";
	assert_int_equal(store_each_agg_prefix(e->st, NULL, m1, NULL,
	    "92.003", aggs_fn, &a), 0);
	assert_false(a.bad);
	assert_int_equal(a.n, 4);	/* _channel _issued attitude overall */
}

/* Raw LMDB on a closed directory: drop sums and the rollups, set the
 * format, as a format-2 hailong left it. */
static void
make_format2(const char *dir)
{
	MDB_env		*env;
	MDB_txn		*txn;
	MDB_dbi		 dbi;
	MDB_cursor	*c;
	MDB_val		 k, v;
	struct agg_key	 ak;
	uint8_t		 fmt[4] = { 0, 0, 0, 2 };
	int		 rc, n = 0;

	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, STORE_MAXDBS), 0);
	assert_int_equal(mdb_env_open(env, dir, MDB_NOTLS, 0600), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
	assert_int_equal(mdb_dbi_open(txn, "sums", 0, &dbi), 0);
	assert_int_equal(mdb_drop(txn, dbi, 1), 0);
	assert_int_equal(mdb_dbi_open(txn, "agg", 0, &dbi), 0);
	assert_int_equal(mdb_cursor_open(txn, dbi, &c), 0);
	for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		assert_int_equal(record_agg_key_decode(k.mv_data, k.mv_size,
		    &ak), 0);
		if (ak.unit[0] == '\0') {
			assert_int_equal(mdb_cursor_del(c, 0), 0);
			n++;
		}
	}
	assert_true(n > 0);
	mdb_cursor_close(c);
	assert_int_equal(mdb_dbi_open(txn, "meta", 0, &dbi), 0);
	k.mv_data = "format";
	k.mv_size = 6;
	v.mv_data = fmt;
	v.mv_size = 4;
	assert_int_equal(mdb_put(txn, dbi, &k, &v, 0), 0);
	assert_int_equal(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
}

static uint32_t
format_of(const char *dir)
{
	MDB_env		*env;
	MDB_txn		*txn;
	MDB_dbi		 dbi;
	MDB_val		 k = { 6, "format" }, v;
	uint32_t	 f;

	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, STORE_MAXDBS), 0);
	assert_int_equal(mdb_env_open(env, dir, MDB_NOTLS | MDB_RDONLY,
	    0600), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, MDB_RDONLY, &txn), 0);
	assert_int_equal(mdb_dbi_open(txn, "meta", 0, &dbi), 0);
	assert_int_equal(mdb_get(txn, dbi, &k, &v), 0);
	assert_int_equal(v.mv_size, 4);
	f = be32_get(v.mv_data);
	mdb_txn_abort(txn);
	mdb_env_close(env);
	return (f);
}

/*
 * Rewrites the counters as a format-5 hailong left them: walk-ins under
 * the sector stored with them ("health" here), not under AGG_WALKIN.
 */
static void
rekey_walkins(MDB_txn *txn, MDB_dbi dbi, size_t off, size_t klen)
{
	MDB_cursor	*c;
	MDB_val		 k, v;
	uint8_t		 kb[128], vb[256];
	int		 rc, n = 0;

	assert_true(klen <= sizeof(kb));
	assert_int_equal(mdb_cursor_open(txn, dbi, &c), 0);
	for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		if (memcmp((uint8_t *)k.mv_data + off, AGG_WALKIN,
		    sizeof(AGG_WALKIN)) != 0)
			continue;
		memcpy(kb, k.mv_data, klen);
		assert_true(v.mv_size <= sizeof(vb));
		memcpy(vb, v.mv_data, v.mv_size);
		memset(kb + off, 0, SECTOR_CODE_MAX + 1);
		memcpy(kb + off, "health", 6);
		assert_int_equal(mdb_cursor_del(c, 0), 0);
		k.mv_data = kb;
		v.mv_data = vb;
		/* Added where "health" has none: the walk-ins' only. */
		assert_int_equal(mdb_put(txn, dbi, &k, &v, MDB_NOOVERWRITE), 0);
		n++;
	}
	mdb_cursor_close(c);
	assert_true(n > 0);
}

static void
make_format5(const char *dir)
{
	MDB_env		*env;
	MDB_txn		*txn;
	MDB_dbi		 dbi;
	MDB_val		 k, v;
	uint8_t		 fmt[4] = { 0, 0, 0, 5 };

	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, STORE_MAXDBS), 0);
	assert_int_equal(mdb_env_open(env, dir, MDB_NOTLS, 0600), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
	assert_int_equal(mdb_dbi_open(txn, "agg", 0, &dbi), 0);
	rekey_walkins(txn, dbi, 4, AGG_KEY_LEN);
	assert_int_equal(mdb_dbi_open(txn, "sums", 0, &dbi), 0);
	rekey_walkins(txn, dbi, 4 + UNIT_CODE_MAX + 1, SUM_KEY_LEN);
	assert_int_equal(mdb_dbi_open(txn, "meta", 0, &dbi), 0);
	k.mv_data = "format";
	k.mv_size = 6;
	v.mv_data = fmt;
	v.mv_size = 4;
	assert_int_equal(mdb_put(txn, dbi, &k, &v, 0), 0);
	assert_int_equal(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
}

/* Format 5 counted walk-ins in a sector: opening recounts them. */
static void
test_upgrade_format5_walkins(void **state)
{
	struct env	*e = *state;
	struct wop	 op;
	struct store	*st;
	char		 why[256];
	FILE		*f;

	answer_op(&op, NULL, 2);
	assert_int_equal(writer_run(e->w, &op), HL_OK);
	assert_int_equal(agg(e, AGG_WALKIN, "92.010", "overall", 2), 1);
	assert_int_equal(agg(e, "health", "92.010", "overall", 2), 0);
	env_close(e);
	make_format5(e->dir);
	/* What a format-5 store looks like to verify: walk-ins misfiled. */
	assert_int_equal(store_open(&st, e->dir, 0, NULL, why, sizeof(why)),
	    0);
	store_close(st);
	assert_int_equal(format_of(e->dir), STORE_FORMAT);
	env_open(e);
	f = devnull();
	assert_int_equal(store_verify(e->st, f), 0);
	fclose(f);
	assert_int_equal(agg(e, AGG_WALKIN, "92.010", "overall", 2), 1);
	assert_int_equal(agg(e, AGG_WALKIN, "", "overall", 2), 1);
	assert_int_equal(agg(e, "health", "92.010", "overall", 2), 0);
	assert_int_equal(agg(e, "health", "", "overall", 2), 0);
}

/* What a format-8 hailong left: no users, audit or catalog table. */
static void
make_format8(const char *dir)
{
	MDB_env		*env;
	MDB_txn		*txn;
	MDB_dbi		 dbi;
	MDB_val		 k, v;
	uint8_t		 fmt[4] = { 0, 0, 0, 8 };
	const char	*names[] = { "users", "audit", "catalog" };
	size_t		 i;

	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, STORE_MAXDBS), 0);
	assert_int_equal(mdb_env_open(env, dir, MDB_NOTLS, 0600), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
	for (i = 0; i < 3; i++) {
		assert_int_equal(mdb_dbi_open(txn, names[i], 0, &dbi), 0);
		assert_int_equal(mdb_drop(txn, dbi, 1), 0);
	}
	assert_int_equal(mdb_dbi_open(txn, "meta", 0, &dbi), 0);
	k.mv_data = "format";
	k.mv_size = 6;
	v.mv_data = fmt;
	v.mv_size = 4;
	assert_int_equal(mdb_put(txn, dbi, &k, &v, 0), 0);
	assert_int_equal(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
}

/* Format 8 to 9: the three tables made, nothing else touched. */
static void
test_upgrade_format8(void **state)
{
	struct env	*e = *state;
	struct wop	 op;
	struct user	 u;
	struct catrow	*rows;
	uint64_t	 gen;
	size_t		 n;
	FILE		*f;

	answer_op(&op, NULL, 2);
	assert_int_equal(writer_run(e->w, &op), HL_OK);
	env_close(e);
	make_format8(e->dir);
	assert_int_equal(format_of(e->dir), 8);
	env_open(e);
	assert_int_equal(format_of(e->dir), STORE_FORMAT);
	assert_int_equal(store_user_get(e->st, "nobody", &u), HL_NOT_FOUND);
	assert_int_equal(store_catrows(e->st, &rows, &n, &gen), 0);
	assert_int_equal(n, 0);
	assert_int_equal(gen, 0);
	free(rows);
	f = devnull();
	assert_int_equal(store_verify(e->st, f), 0);
	fclose(f);
	/* The new tables take writes: a user with its audit entry. */
	memset(&op, 0, sizeof(op));
	op.kind = WOP_USER;
	op.u.user.mode = WOP_USER_ADD;
	strlcpy(op.u.user.u.name, "ann", sizeof(op.u.user.u.name));
	op.u.user.u.role = ROLE_VIEWER;
	op.u.user.u.t_cost = op.u.user.u.m_cost = op.u.user.u.lanes = 1;
	strlcpy(op.by.who, "command test", sizeof(op.by.who));
	assert_int_equal(writer_run(e->w, &op), HL_OK);
	assert_int_equal(store_user_get(e->st, "ann", &u), HL_OK);
	assert_int_equal(u.gen, 1);
	assert_int_equal(agg(e, AGG_WALKIN, "92.010", "overall", 2), 1);
}

/*
 * Two changes of the catalogue checked against the same generation: the
 * first is stored, the second refused as stale (checked apart, together
 * they might make a catalogue nobody checked); checked again, stored.
 */
static void
test_catrow_generations(void **state)
{
	struct env	*e = *state;
	struct wop	 a, b;
	struct catrow	*rows;
	uint64_t	 gen;
	size_t		 n;

	assert_int_equal(store_catrows(e->st, &rows, &n, &gen), 0);
	free(rows);
	assert_int_equal(gen, 0);
	memset(&a, 0, sizeof(a));
	a.kind = WOP_CATROW;
	a.u.catrow.row.type = CATROW_UNIT;
	strlcpy(a.u.catrow.row.code, "92-X1", sizeof(a.u.catrow.row.code));
	strlcpy(a.u.catrow.row.parent, "92", sizeof(a.u.catrow.row.parent));
	strlcpy(a.u.catrow.row.kind, "ward", sizeof(a.u.catrow.row.kind));
	strlcpy(a.u.catrow.row.name[LANG_VI], "x",
	    sizeof(a.u.catrow.row.name[LANG_VI]));
	b = a;
	strlcpy(b.u.catrow.row.code, "92-X2", sizeof(b.u.catrow.row.code));
	strlcpy(a.by.who, "command test", sizeof(a.by.who));
	assert_int_equal(writer_run(e->w, &a), HL_OK);
	assert_int_equal(a.u.catrow.stale, 0);
	assert_int_equal(writer_run(e->w, &b), HL_CONFLICT);
	assert_int_equal(b.u.catrow.stale, 1);
	assert_int_equal(store_catrows(e->st, &rows, &n, &gen), 0);
	assert_int_equal(n, 1);
	assert_int_equal(gen, 1);
	free(rows);
	b.u.catrow.gen = gen;
	assert_int_equal(writer_run(e->w, &b), HL_OK);
	/* The same code again, at the right generation: it exists. */
	a.u.catrow.gen = 2;
	assert_int_equal(writer_run(e->w, &a), HL_CONFLICT);
	assert_int_equal(a.u.catrow.stale, 0);
}

static void
test_upgrade_format2(void **state)
{
	struct env	*e = *state;
	struct sums	 before, after;
	char		*out = NULL;
	size_t		 outlen = 0, i;
	FILE		*f;

	/* 2026-03-31 20:00 UTC: April in the directory's zone. */
	fill_mixed(e, 1774987200, now_sec());
	memset(&before, 0, sizeof(before));
	assert_int_equal(store_each_sum(e->st, NULL, 0, UINT32_MAX, NULL,
	    sums_fn, &before), 0);
	env_close(e);
	make_format2(e->dir);
	assert_int_equal(format_of(e->dir), 2);

	{
		struct store	*st;
		char		 why[256];

		/* Opening upgrades (months in the directory's zone, not
		 * the process's): verify is clean, sums as written. */
		assert_int_equal(util_set_tz("UTC"), 0);
		assert_int_equal(store_open(&st, e->dir, 0, NULL, why,
		    sizeof(why)), 0);
		assert_non_null(f = open_memstream(&out, &outlen));
		assert_int_equal(store_verify(st, f), 0);
		fclose(f);
		assert_int_equal(outlen, 0);
		free(out);
		out = NULL;
		store_close(st);
	}
	assert_int_equal(format_of(e->dir), STORE_FORMAT);
	env_open(e);
	memset(&after, 0, sizeof(after));
	assert_int_equal(store_each_sum(e->st, NULL, 0, UINT32_MAX, NULL,
	    sums_fn, &after), 0);
	assert_int_equal(after.n, before.n);
	for (i = 0; i < before.n; i++)
		assert_memory_equal(&after.rows[i], &before.rows[i],
		    sizeof(before.rows[i]));
	assert_int_equal(agg(e, AGG_WALKIN, "", "attitude", 2), 1);
	/* And it goes on counting. */
	fill_mixed(e, now_sec(), now_sec());
	f = devnull();
	assert_int_equal(store_verify(e->st, f), 0);
	fclose(f);
}

/* A walk-in answer with a comment, answered at t, in unit. */
static uint64_t
comment_answer(struct env *e, const char *unit, int64_t t, const char *text)
{
	struct wop	 op;

	answer_op(&op, NULL, 2);
	strlcpy(op.u.answer.r.unit, unit, sizeof(op.u.answer.r.unit));
	op.u.answer.r.answered = t;
	if (text != NULL) {
		op.u.answer.r.comment_len = strlen(text);
		memcpy(op.u.answer.r.comment, text, strlen(text));
	}
	assert_int_equal(writer_run(e->w, &op), HL_OK);
	return (op.u.answer.r.key);
}

struct picked {
	const char	*skip_unit;	/* passed over */
	size_t		 stop_after;	/* 0: never */
	size_t		 n;
	uint64_t	 keys[16];
	char		 text[16][32];
};

static int
picked_pick(const char *sector, const char *unit, void *arg)
{
	struct picked	*p = arg;

	assert_string_equal(sector, AGG_WALKIN);
	if (p->stop_after != 0 && p->n == p->stop_after)
		return (-1);
	if (p->skip_unit != NULL && strcmp(unit, p->skip_unit) == 0)
		return (0);
	return (1);
}

static int
picked_add(const struct response *r, void *arg)
{
	struct picked	*p = arg;

	assert_true(p->n < 16);
	assert_true(r->comment_len > 0);
	p->keys[p->n] = r->key;
	snprintf(p->text[p->n], sizeof(p->text[0]), "%.*s",
	    (int)r->comment_len, r->comment);
	p->n++;
	return (0);
}

/* A write transaction on dir with plain LMDB, as another program would. */
static MDB_txn *
raw_begin(const char *dir, MDB_env **env)
{
	MDB_txn	*txn;

	assert_int_equal(mdb_env_create(env), 0);
	assert_int_equal(mdb_env_set_maxdbs(*env, STORE_MAXDBS), 0);
	assert_int_equal(mdb_env_open(*env, dir, MDB_NOTLS, 0600), 0);
	assert_int_equal(mdb_txn_begin(*env, NULL, 0, &txn), 0);
	return (txn);
}

static void
raw_commit(MDB_env *env, MDB_txn *txn)
{
	assert_int_equal(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
}

/*
 * Rewrites the counters as a format-6 hailong left them: sums values of
 * version 1 (ten counters; the overall levels with the suspect ones in
 * them, no answered, no suspect levels), no _suspect_overall in agg.
 */
static void
make_format6(const char *dir)
{
	MDB_env		*env;
	MDB_txn		*txn = raw_begin(dir, &env);
	MDB_cursor	*c;
	MDB_dbi		 dbi;
	MDB_val		 k, v;
	struct agg_key	 ak;
	uint8_t		 vb[1 + 8 * 10], fmt[4] = { 0, 0, 0, 6 };
	uint64_t	 cn[SUM_NCOUNTERS];
	int		 rc, i, n = 0;

	assert_int_equal(mdb_dbi_open(txn, "sums", 0, &dbi), 0);
	assert_int_equal(mdb_cursor_open(txn, dbi, &c), 0);
	for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		assert_int_equal(record_sum_counters(v.mv_data, v.mv_size,
		    cn), 0);
		vb[0] = 1;
		for (i = 0; i < 10; i++)
			be64_put(vb + 1 + 8 * i, cn[i]);
		v.mv_data = vb;
		v.mv_size = sizeof(vb);
		assert_int_equal(mdb_cursor_put(c, &k, &v, MDB_CURRENT), 0);
	}
	mdb_cursor_close(c);
	assert_int_equal(mdb_dbi_open(txn, "agg", 0, &dbi), 0);
	assert_int_equal(mdb_cursor_open(txn, dbi, &c), 0);
	for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		assert_int_equal(record_agg_key_decode(k.mv_data, k.mv_size,
		    &ak), 0);
		if (strcmp(ak.question, AGG_SUSPECT_OVERALL) != 0)
			continue;
		assert_int_equal(mdb_cursor_del(c, 0), 0);
		n++;
	}
	mdb_cursor_close(c);
	assert_true(n > 0);
	assert_int_equal(mdb_dbi_open(txn, "meta", 0, &dbi), 0);
	k.mv_data = "format";
	k.mv_size = 6;
	v.mv_data = fmt;
	v.mv_size = 4;
	assert_int_equal(mdb_put(txn, dbi, &k, &v, 0), 0);
	raw_commit(env, txn);
}

/*
 * Format 6 kept no suspect levels and no answers by issue month: opening
 * rebuilds them; verify is clean and the sums are as a format-7 hailong
 * writes them, a ticket answered a month after its issue counted in its
 * issue month.
 */
static void
test_upgrade_format6(void **state)
{
	struct env	*e = *state;
	struct sums	 before, after;
	const struct store_sum *s;
	struct wop	 op;
	uint8_t		 id[TICKET_ID_LEN];
	int64_t		 t1 = now_sec() - 40 * 86400, t2 = now_sec();
	uint32_t	 m1 = month_of(t1), m2 = month_of(t2);
	char		*out = NULL;
	size_t		 outlen = 0, i;
	FILE		*f;

	fill_mixed(e, t1, t2);
	ticket_op(&op, "92.001", "", t1, now_sec() + 86400);
	assert_int_equal(writer_run(e->w, &op), HL_OK);
	memcpy(id, op.u.ticket.t.id, TICKET_ID_LEN);
	answer_op(&op, id, 5);
	op.u.answer.r.answered = t2;
	assert_int_equal(writer_run(e->w, &op), HL_OK);
	memset(&before, 0, sizeof(before));
	assert_int_equal(store_each_sum(e->st, NULL, 0, UINT32_MAX, NULL,
	    sums_fn, &before), 0);
	/* Issued in m1 (three answered then, one a month later). */
	assert_non_null(s = sums_find(&before, m1, "", "land"));
	assert_int_equal(s->issued, 4);
	assert_int_equal(s->answered, 4);
	assert_int_equal(s->suspect, 1);
	assert_int_equal(s->suspect_levels[2], 1);
	assert_int_equal(s->levels[2], 1);
	assert_non_null(s = sums_find(&before, m2, "", "land"));
	assert_int_equal(s->issued, 1);
	assert_int_equal(s->answered, 0);
	assert_int_equal(s->levels[4], 1);
	env_close(e);
	make_format6(e->dir);
	assert_int_equal(format_of(e->dir), 6);
	{
		struct store	*st;
		char		 why[256];

		/* What a format-6 directory looks like to verify. */
		assert_int_equal(store_open(&st, e->dir, 0, NULL, why,
		    sizeof(why)), 0);
		assert_non_null(f = open_memstream(&out, &outlen));
		assert_int_equal(store_verify(st, f), 0);
		fclose(f);
		assert_int_equal(outlen, 0);
		free(out);
		store_close(st);
	}
	assert_int_equal(format_of(e->dir), STORE_FORMAT);
	env_open(e);
	memset(&after, 0, sizeof(after));
	assert_int_equal(store_each_sum(e->st, NULL, 0, UINT32_MAX, NULL,
	    sums_fn, &after), 0);
	assert_int_equal(after.n, before.n);
	for (i = 0; i < before.n; i++)
		assert_memory_equal(&after.rows[i], &before.rows[i],
		    sizeof(before.rows[i]));
	fill_mixed(e, now_sec(), now_sec());
	f = devnull();
	assert_int_equal(store_verify(e->st, f), 0);
	fclose(f);
}

static void	 make_format7(const char *);

/*
 * Format 7 tickets name no survey: opening marks the directory 8 and
 * reads them as the procedure survey's; the counters are as they were,
 * verify is clean, and an old open ticket answered afterwards counts
 * under its sector as before.
 */
static void
test_upgrade_format7_surveys(void **state)
{
	struct env	*e = *state;
	struct sums	 before, after;
	const struct store_sum *s;
	struct ticket	 t;
	struct wop	 op;
	uint8_t		 id[TICKET_ID_LEN];
	uint32_t	 m = month_of(now_sec());
	size_t		 i;
	FILE		*f;

	fill_mixed(e, now_sec(), now_sec());
	issue(e, "92.001", "", id);
	memset(&before, 0, sizeof(before));
	assert_int_equal(store_each_sum(e->st, NULL, 0, UINT32_MAX, NULL,
	    sums_fn, &before), 0);
	env_close(e);
	make_format7(e->dir);
	assert_int_equal(format_of(e->dir), 7);
	env_open(e);
	assert_int_equal(format_of(e->dir), STORE_FORMAT);
	f = devnull();
	assert_int_equal(store_verify(e->st, f), 0);
	fclose(f);
	memset(&after, 0, sizeof(after));
	assert_int_equal(store_each_sum(e->st, NULL, 0, UINT32_MAX, NULL,
	    sums_fn, &after), 0);
	assert_int_equal(after.n, before.n);
	for (i = 0; i < before.n; i++)
		assert_memory_equal(&after.rows[i], &before.rows[i],
		    sizeof(before.rows[i]));
	assert_int_equal(store_ticket_get(e->st, id, &t), HL_OK);
	assert_string_equal(ticket_survey(&t), SURVEY_PROCEDURE);
	assert_string_equal(t.service, "");
	answer_op(&op, id, 5);
	assert_int_equal(writer_run(e->w, &op), HL_OK);
	memset(&after, 0, sizeof(after));
	assert_int_equal(store_each_sum(e->st, NULL, 0, UINT32_MAX, NULL,
	    sums_fn, &after), 0);
	assert_non_null(s = sums_find(&after, m, "", "land"));
	assert_int_equal(s->levels[4], 1 + sums_find(&before, m, "",
	    "land")->levels[4]);
	for (i = 0; i < after.n; i++)
		assert_true(after.rows[i].sector[0] != AGG_SURVEY_MARK);
	f = devnull();
	assert_int_equal(store_verify(e->st, f), 0);
	fclose(f);
}

/* Deletes the comment index and marks the directory format 3. */
static void
make_format3(const char *dir)
{
	MDB_env		*env;
	MDB_txn		*txn = raw_begin(dir, &env);
	MDB_dbi		 dbi;
	MDB_val		 k = { 6, "format" }, v;
	uint8_t		 fmt[4] = { 0, 0, 0, 3 };

	assert_int_equal(mdb_dbi_open(txn, "comments", 0, &dbi), 0);
	assert_int_equal(mdb_drop(txn, dbi, 1), 0);
	assert_int_equal(mdb_dbi_open(txn, "meta", 0, &dbi), 0);
	v.mv_data = fmt;
	v.mv_size = 4;
	assert_int_equal(mdb_put(txn, dbi, &k, &v, 0), 0);
	raw_commit(env, txn);
}

/* Deletes the first record of the comment index (raw LMDB). */
static void
drop_first_comment(const char *dir)
{
	MDB_env		*env;
	MDB_txn		*txn = raw_begin(dir, &env);
	MDB_dbi		 dbi;
	MDB_cursor	*c;
	MDB_val		 k, v;

	assert_int_equal(mdb_dbi_open(txn, "comments", 0, &dbi), 0);
	assert_int_equal(mdb_cursor_open(txn, dbi, &c), 0);
	assert_int_equal(mdb_cursor_get(c, &k, &v, MDB_FIRST), 0);
	assert_int_equal(mdb_cursor_del(c, 0), 0);
	mdb_cursor_close(c);
	raw_commit(env, txn);
}

static void
test_comment_index(void **state)
{
	struct env	*e = *state;
	struct picked	 p;
	int64_t		 t1 = now_sec() - 40 * 86400, t2 = now_sec();
	uint32_t	 m1 = month_of(t1), m2 = month_of(t2);
	uint64_t	 k1, k2, k3, late;
	char		*out = NULL;
	size_t		 outlen = 0;
	FILE		*f;

	k1 = comment_answer(e, "92.001", t1, "one");
	comment_answer(e, "92.001", t1, NULL);
	k2 = comment_answer(e, "92.002", t2, "two");
	k3 = comment_answer(e, "92.001", t2, "three");
	/* Sent late (a kiosk back online): written now, counted in m1. */
	late = comment_answer(e, "92.002", t1, "late");

	/* The month's comments only, newest (last written) first. */
	memset(&p, 0, sizeof(p));
	assert_int_equal(store_each_comment(e->st, m2, picked_pick,
	    picked_add, &p), 0);
	assert_int_equal(p.n, 2);
	assert_true(p.keys[0] == k3 && p.keys[1] == k2);
	assert_string_equal(p.text[0], "three");
	memset(&p, 0, sizeof(p));
	assert_int_equal(store_each_comment(e->st, m1, picked_pick,
	    picked_add, &p), 0);
	assert_int_equal(p.n, 2);
	assert_true(p.keys[0] == late && p.keys[1] == k1);
	/* Passed over by pick, and a walk ended by it. */
	memset(&p, 0, sizeof(p));
	p.skip_unit = "92.002";
	assert_int_equal(store_each_comment(e->st, m1, picked_pick,
	    picked_add, &p), 0);
	assert_int_equal(p.n, 1);
	assert_true(p.keys[0] == k1);
	memset(&p, 0, sizeof(p));
	p.stop_after = 1;
	assert_int_equal(store_each_comment(e->st, m2, picked_pick,
	    picked_add, &p), 0);
	assert_int_equal(p.n, 1);
	/* No month around it. */
	memset(&p, 0, sizeof(p));
	assert_int_equal(store_each_comment(e->st, 209912, picked_pick,
	    picked_add, &p), 0);
	assert_int_equal(p.n, 0);
	f = devnull();
	assert_int_equal(store_verify(e->st, f), 0);
	fclose(f);

	/* A directory of format 3 gets its index built when opened. */
	env_close(e);
	make_format3(e->dir);
	assert_int_equal(format_of(e->dir), 3);
	env_open(e);
	assert_int_equal(format_of(e->dir), STORE_FORMAT);
	memset(&p, 0, sizeof(p));
	assert_int_equal(store_each_comment(e->st, m1, picked_pick,
	    picked_add, &p), 0);
	assert_int_equal(p.n, 2);
	assert_true(p.keys[0] == late && p.keys[1] == k1);
	f = devnull();
	assert_int_equal(store_verify(e->st, f), 0);
	fclose(f);

	/* verify finds an index record gone. */
	env_close(e);
	drop_first_comment(e->dir);
	env_open(e);
	assert_non_null(f = open_memstream(&out, &outlen));
	assert_int_equal(store_verify(e->st, f), 2);
	fclose(f);
	assert_non_null(strstr(out, "not in the comment index"));
	assert_non_null(strstr(out, "3 entries for 4 responses"));
	free(out);
	out = NULL;

	/* A damaged response does not stop the upgrade; verify names it. */
	env_close(e);
	{
		MDB_env		*env;
		MDB_txn		*txn = raw_begin(e->dir, &env);
		MDB_dbi		 dbi;
		uint8_t		 kb[8];
		MDB_val		 k = { 8, kb }, v = { 4, "junk" };

		be64_put(kb, UINT64_MAX);
		assert_int_equal(mdb_dbi_open(txn, "responses", 0, &dbi), 0);
		assert_int_equal(mdb_put(txn, dbi, &k, &v, 0), 0);
		raw_commit(env, txn);
	}
	make_format3(e->dir);
	env_open(e);
	assert_int_equal(format_of(e->dir), STORE_FORMAT);
	memset(&p, 0, sizeof(p));
	assert_int_equal(store_each_comment(e->st, m1, picked_pick,
	    picked_add, &p), 0);
	assert_int_equal(p.n, 2);
	assert_non_null(f = open_memstream(&out, &outlen));
	assert_true(store_verify(e->st, f) >= 1);
	fclose(f);
	assert_non_null(strstr(out, "malformed"));
	free(out);
}

/* The raw ticket record of id (plain LMDB), decoded. */
static void
raw_ticket(const char *dir, const uint8_t *id, struct ticket *t)
{
	MDB_env		*env;
	MDB_txn		*txn = raw_begin(dir, &env);
	MDB_dbi		 dbi;
	MDB_val		 k = { TICKET_ID_LEN, (void *)id }, v;

	assert_int_equal(mdb_dbi_open(txn, "tickets", 0, &dbi), 0);
	assert_int_equal(mdb_get(txn, dbi, &k, &v), 0);
	assert_int_equal(record_ticket_decode(v.mv_data, v.mv_size, t), 0);
	mdb_txn_abort(txn);
	mdb_env_close(env);
}

/*
 * Puts t as its record (plain LMDB) and deletes its answer record: the
 * ticket as a hailong before format 5 left it.
 */
static void
raw_ticket_in_place(const char *dir, const struct ticket *t)
{
	MDB_env		*env;
	MDB_txn		*txn = raw_begin(dir, &env);
	MDB_dbi		 dbi;
	uint8_t		 enc[TICKET_ENC_MAX], ak[8 + TICKET_ID_LEN];
	MDB_val		 k = { TICKET_ID_LEN, (void *)t->id }, v;

	v.mv_data = enc;
	v.mv_size = record_ticket_encode(t, enc, sizeof(enc));
	assert_true(v.mv_size > 0);
	assert_int_equal(mdb_dbi_open(txn, "tickets", 0, &dbi), 0);
	assert_int_equal(mdb_put(txn, dbi, &k, &v, 0), 0);
	be64_put(ak, (uint64_t)t->issued);
	memcpy(ak + 8, t->id, TICKET_ID_LEN);
	k.mv_data = ak;
	k.mv_size = sizeof(ak);
	assert_int_equal(mdb_dbi_open(txn, "answered", 0, &dbi), 0);
	assert_int_equal(mdb_del(txn, dbi, &k, NULL), 0);
	raw_commit(env, txn);
}

/* An answer record for a ticket that does not exist (plain LMDB). */
static void
raw_orphan_answer(const char *dir)
{
	MDB_env		*env;
	MDB_txn		*txn = raw_begin(dir, &env);
	MDB_dbi		 dbi;
	uint8_t		 kb[8 + TICKET_ID_LEN], vb[8];
	MDB_val		 k = { sizeof(kb), kb }, v = { sizeof(vb), vb };

	memset(kb, 0x77, sizeof(kb));
	memset(vb, 0, sizeof(vb));
	assert_int_equal(mdb_dbi_open(txn, "answered", 0, &dbi), 0);
	assert_int_equal(mdb_put(txn, dbi, &k, &v, 0), 0);
	raw_commit(env, txn);
}

static void
test_answer_records(void **state)
{
	struct env	*e = *state;
	struct wop	 op;
	struct ticket	 t, raw;
	uint8_t		 id[TICKET_ID_LEN];
	uint64_t	 key;
	char		*out = NULL;
	size_t		 outlen = 0;
	FILE		*f;

	ticket_op(&op, "92.001", "", now_sec(), now_sec() + 86400);
	assert_int_equal(writer_run(e->w, &op), HL_OK);
	memcpy(id, op.u.ticket.t.id, TICKET_ID_LEN);
	answer_op(&op, id, 4);
	assert_int_equal(writer_run(e->w, &op), HL_OK);
	key = op.u.answer.r.key;

	/* The record stays as issued; the answer is read with it. */
	assert_int_equal(store_ticket_get(e->st, id, &t), HL_OK);
	assert_int_equal(t.state, TICKET_ANSWERED);
	assert_true(t.response == key);
	env_close(e);
	raw_ticket(e->dir, id, &raw);
	assert_int_equal(raw.state, TICKET_OPEN);
	env_open(e);
	answer_op(&op, id, 5);
	assert_int_equal(writer_run(e->w, &op), HL_CONFLICT);
	f = devnull();
	assert_int_equal(store_verify(e->st, f), 0);
	fclose(f);

	/* A ticket answered in place by an older hailong stays answered. */
	env_close(e);
	raw_ticket_in_place(e->dir, &t);
	raw_ticket(e->dir, id, &raw);
	assert_int_equal(raw.state, TICKET_ANSWERED);
	env_open(e);
	assert_int_equal(store_ticket_get(e->st, id, &t), HL_OK);
	assert_int_equal(t.state, TICKET_ANSWERED);
	assert_true(t.response == key);
	answer_op(&op, id, 5);
	assert_int_equal(writer_run(e->w, &op), HL_CONFLICT);
	f = devnull();
	assert_int_equal(store_verify(e->st, f), 0);
	fclose(f);

	/* verify names an answer record without its ticket. */
	env_close(e);
	raw_orphan_answer(e->dir);
	env_open(e);
	assert_non_null(f = open_memstream(&out, &outlen));
	assert_int_equal(store_verify(e->st, f), 1);
	fclose(f);
	assert_non_null(strstr(out, "no such open ticket"));
	free(out);
}

/* Adds delta to counter i of the first sums row of unit (raw LMDB), or
 * deletes the row when del. */
static void
tamper_sum(const char *dir, const char *unit, size_t i, int del)
{
	MDB_env		*env;
	MDB_txn		*txn;
	MDB_dbi		 dbi;
	MDB_cursor	*c;
	MDB_val		 k, v;
	uint8_t		 vb[SUM_VAL_LEN], kb[SUM_KEY_LEN];
	int		 rc;

	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, STORE_MAXDBS), 0);
	assert_int_equal(mdb_env_open(env, dir, MDB_NOTLS, 0600), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
	assert_int_equal(mdb_dbi_open(txn, "sums", 0, &dbi), 0);
	assert_int_equal(mdb_cursor_open(txn, dbi, &c), 0);
	for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(c, &k, &v, MDB_NEXT))
		if (strncmp((char *)k.mv_data + 4, unit,
		    UNIT_CODE_MAX + 1) == 0)
			break;
	assert_int_equal(rc, 0);
	assert_int_equal(v.mv_size, SUM_VAL_LEN);
	memcpy(kb, k.mv_data, SUM_KEY_LEN);
	memcpy(vb, v.mv_data, SUM_VAL_LEN);
	mdb_cursor_close(c);
	k.mv_data = kb;
	if (del)
		assert_int_equal(mdb_del(txn, dbi, &k, NULL), 0);
	else {
		be64_put(vb + 1 + 8 * i, be64_get(vb + 1 + 8 * i) + 1);
		v.mv_data = vb;
		assert_int_equal(mdb_put(txn, dbi, &k, &v, 0), 0);
	}
	assert_int_equal(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
}

static void
test_verify_sums(void **state)
{
	struct env	*e = *state;
	char		*out = NULL;
	size_t		 outlen = 0;
	FILE		*f;

	fill_mixed(e, now_sec(), now_sec());
	env_close(e);
	tamper_sum(e->dir, "92.001", SUM_ISSUED, 0);
	env_open(e);
	assert_non_null(f = open_memstream(&out, &outlen));
	assert_int_equal(store_verify(e->st, f), 1);
	fclose(f);
	assert_non_null(strstr(out, " 92.001 land issued: stored 4, "
	    "recomputed 3\n"));
	free(out);
	out = NULL;
	env_close(e);

	/* The every-unit row missing: each of its counters. */
	tamper_sum(e->dir, "", 0, 1);
	env_open(e);
	assert_non_null(f = open_memstream(&out, &outlen));
	assert_true(store_verify(e->st, f) >= 3);
	fclose(f);
	assert_non_null(strstr(out, " (all) land issued: stored 0, "
	    "recomputed 4\n"));
	free(out);
	out = NULL;
	env_close(e);

	/* A rollup that disagrees. */
	tamper_rollup(e->dir);
	env_open(e);
	assert_non_null(f = open_memstream(&out, &outlen));
	assert_true(store_verify(e->st, f) >= 4);
	fclose(f);
	assert_non_null(strstr(out, "agg "));
	assert_non_null(strstr(out, " land  overall 3: stored 2, "
	    "recomputed 1\n"));
	free(out);
}

struct sub {
	struct env	*e;
	struct wop	*ops;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	size_t		 done;
	size_t		 failed;
	int		 with_tickets;
};

static void
sub_done(struct wop *op, void *arg)
{
	struct sub	*s = arg;

	pthread_mutex_lock(&s->mu);
	if (op->rc != HL_OK)
		s->failed++;
	s->done++;
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
}

static void *
sub_main(void *arg)
{
	struct sub	*s = arg;
	size_t		 i;

	for (i = 0; i < PER_THREAD; i++) {
		answer_op(&s->ops[i], NULL, (uint8_t)(i % 5 + 1));
		if (i % 3 == 0) {
			memset(s->ops[i].u.answer.r.comment, 'x',
			    COMMENT_BYTES_MAX);
			s->ops[i].u.answer.r.comment_len = COMMENT_BYTES_MAX;
		}
		s->ops[i].done = sub_done;
		s->ops[i].arg = s;
		writer_submit(s->e->w, &s->ops[i]);
	}
	pthread_mutex_lock(&s->mu);
	while (s->done < PER_THREAD)
		pthread_cond_wait(&s->cv, &s->mu);
	pthread_mutex_unlock(&s->mu);
	return (NULL);
}

static void
run_concurrent(struct env *e)
{
	struct sub	 s[THREADS];
	pthread_t	 th[THREADS];
	struct walk	 w;
	uint64_t	 sum = 0;
	FILE		*f;
	int		 i, lvl;

	for (i = 0; i < THREADS; i++) {
		memset(&s[i], 0, sizeof(s[i]));
		s[i].e = e;
		s[i].ops = calloc(PER_THREAD, sizeof(struct wop));
		assert_non_null(s[i].ops);
		pthread_mutex_init(&s[i].mu, NULL);
		pthread_cond_init(&s[i].cv, NULL);
		assert_int_equal(pthread_create(&th[i], NULL, sub_main,
		    &s[i]), 0);
	}
	for (i = 0; i < THREADS; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(s[i].failed, 0);
		assert_int_equal(s[i].done, PER_THREAD);
		free(s[i].ops);
		pthread_mutex_destroy(&s[i].mu);
		pthread_cond_destroy(&s[i].cv);
	}
	w = walk(e);
	assert_int_equal(w.n, THREADS * PER_THREAD);
	assert_true(w.increasing);
	for (lvl = 1; lvl <= 5; lvl++)
		sum += agg(e, AGG_WALKIN, "92.010", "overall", (uint8_t)lvl);
	assert_int_equal(sum, THREADS * PER_THREAD);
	assert_int_equal(agg(e, AGG_WALKIN, "92.010", AGG_CHANNEL,
	    CHANNEL_WALKIN + 1), THREADS * PER_THREAD);
	f = devnull();
	assert_int_equal(store_verify(e->st, f), 0);
	fclose(f);
}

static void
test_concurrent(void **state)
{
	run_concurrent(*state);
}

static void
test_tiny_map_grows(void **state)
{
	struct env	*e = *state;
	size_t		 before;

	/* LMDB rounds it up to the pages in use: the map is full at once. */
	assert_int_equal(store_mapsize_set(e->st, 1), 0);
	before = store_mapsize(e->st);
	assert_true(before < 1024 * 1024);
	run_concurrent(e);
	assert_true(store_mapsize(e->st) > 4 * before);
	env_close(e);
	/* Everything written while growing is there after a reopen. */
	env_open(e);
	assert_int_equal(walk(e).n, THREADS * PER_THREAD);
}

static void
test_keys_after_clock_jump(void **state)
{
	struct env	*e = *state;
	struct wop	 op;
	struct response	*r;
	uint8_t		*enc, kb[8];
	uint64_t	 future;
	size_t		 n;
	MDB_env		*env;
	MDB_txn		*txn;
	MDB_dbi		 dbi;
	MDB_val		 k, v;

	/* A response stamped an hour ahead, as if the clock went back. */
	answer_op(&op, NULL, 5);
	assert_int_equal(writer_run(e->w, &op), HL_OK);
	env_close(e);
	future = now_usec() + 3600ull * 1000000;
	r = &op.u.answer.r;
	r->key = future;
	enc = malloc(RESPONSE_ENC_MAX);
	assert_true((n = record_response_encode(r, enc, RESPONSE_ENC_MAX)) > 0);
	be64_put(kb, future);
	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, STORE_MAXDBS), 0);
	assert_int_equal(mdb_env_open(env, e->dir, MDB_NOTLS, 0600), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
	assert_int_equal(mdb_dbi_open(txn, "responses", 0, &dbi), 0);
	k.mv_data = kb;
	k.mv_size = 8;
	v.mv_data = enc;
	v.mv_size = n;
	assert_int_equal(mdb_put(txn, dbi, &k, &v, 0), 0);
	assert_int_equal(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
	free(enc);

	env_open(e);
	answer_op(&op, NULL, 4);
	assert_int_equal(writer_run(e->w, &op), HL_OK);
	assert_true(op.u.answer.r.key == future + 1);
	answer_op(&op, NULL, 4);
	assert_int_equal(writer_run(e->w, &op), HL_OK);
	assert_true(op.u.answer.r.key == future + 2);
	assert_true(walk(e).increasing);
	assert_int_equal(walk(e).n, 4);
}

static int
range_fn(const struct response *r, void *arg)
{
	uint64_t	*keys = arg;

	keys[keys[0] + 1] = r->key;
	keys[0]++;
	return (keys[0] == 2 ? 42 : 0);
}

static void
test_iterations(void **state)
{
	struct env	*e = *state;
	struct wop	 op;
	uint64_t	 k[4], got[4];
	int		 i;

	for (i = 0; i < 4; i++) {
		answer_op(&op, NULL, 5);
		assert_int_equal(writer_run(e->w, &op), HL_OK);
		k[i] = op.u.answer.r.key;
	}
	/* [k1, k3): two records; a non-zero return stops the walk. */
	memset(got, 0, sizeof(got));
	assert_int_equal(store_each_response(e->st, k[1], k[3], range_fn,
	    got), 42);
	assert_true(got[0] == 2 && got[1] == k[1] && got[2] == k[2]);
	memset(got, 0, sizeof(got));
	assert_int_equal(store_each_response(e->st, k[2], k[3], range_fn,
	    got), 0);
	assert_true(got[0] == 1 && got[1] == k[2]);
	memset(got, 0, sizeof(got));
	assert_int_equal(store_each_response(e->st, k[3] + 1, UINT64_MAX,
	    range_fn, got), 0);
	assert_true(got[0] == 0);
}

/* Collects desks rows. */
struct desks {
	size_t		 n;
	struct store_desk rows[64];
};

static int
desks_fn(const struct store_desk *d, void *arg)
{
	struct desks	*l = arg;

	if (l->n < 64)
		l->rows[l->n] = *d;
	l->n++;
	return (0);
}

static const struct store_desk *
desks_find(const struct desks *l, uint32_t month, int kind, const char *code)
{
	size_t	 i;

	for (i = 0; i < l->n && i < 64; i++)
		if (l->rows[i].month == month && l->rows[i].kind == kind &&
		    strcmp(l->rows[i].code, code) == 0)
			return (&l->rows[i]);
	return (NULL);
}

/* A ticket of unit 92.001 issued at issued at counter, by officer. */
static void
desk_ticket(struct env *e, int64_t issued, const char *counter,
    const char *officer, const char *name, uint8_t id[TICKET_ID_LEN])
{
	struct wop	 op;

	ticket_op(&op, "92.001", "92.003", issued, now_sec() + 86400);
	strlcpy(op.u.ticket.t.counter, counter, COUNTER_MAX + 1);
	strlcpy(op.u.ticket.t.officer, officer, KEY_ID_HEX + 1);
	strlcpy(op.u.ticket.t.officer_name, name, KEY_NAME_MAX + 1);
	assert_int_equal(writer_run(e->w, &op), HL_OK);
	assert_int_equal(op.u.ticket.created, 1);
	memcpy(id, op.u.ticket.t.id, TICKET_ID_LEN);
}

static void
desk_answer(struct env *e, const uint8_t *id, uint8_t overall,
    int64_t answered, int suspect)
{
	struct wop	 op;

	answer_op(&op, id, overall);
	op.u.answer.r.answered = answered;
	if (suspect)
		op.u.answer.r.flags = RESPONSE_SUSPECT;
	assert_int_equal(writer_run(e->w, &op), HL_OK);
}

/* Two months of tickets at two counters by two officers and none. */
static void
fill_desks(struct env *e, int64_t t1, int64_t t2)
{
	uint8_t		 id[TICKET_ID_LEN];

	/* Month 1: officer A at counter 1, three answered (one suspect,
	 * one in month 2); officer B at counter 2, one open. */
	desk_ticket(e, t1, "1", "aaaaaaaaaaaa", "Officer A", id);
	desk_answer(e, id, 5, t1, 0);
	desk_ticket(e, t1, "1", "aaaaaaaaaaaa", "Officer A", id);
	desk_answer(e, id, 4, t1, 1);
	desk_ticket(e, t1, "1", "aaaaaaaaaaaa", "Officer A", id);
	desk_answer(e, id, 2, t2, 0);
	desk_ticket(e, t1, "2", "bbbbbbbbbbbb", "Officer B", id);
	/* Month 2: no officer, no counter, answered. */
	desk_ticket(e, t2, "", "", "", id);
	desk_answer(e, id, 4, t2, 0);
}

/*
 * Desks: a ticket counts issued at its counter and officer, under its
 * receiving unit (not the handling one) and its issue month; its answer
 * counts there whenever it comes, suspect ones apart; verify recounts
 * them and names a row that disagrees.
 */
static void
test_desks(void **state)
{
	struct env	*e = *state;
	struct desks	 l;
	const struct store_desk *d;
	int64_t		 t1 = now_sec() - 40 * 86400, t2 = now_sec();
	uint32_t	 m1 = month_of(t1), m2 = month_of(t2);
	char		*out = NULL;
	size_t		 outlen = 0;
	FILE		*f;

	fill_desks(e, t1, t2);
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_each_desk(e->st, NULL, m1, m2, "92.001",
	    desks_fn, &l), 0);
	assert_int_equal(l.n, 6);
	/* In key order: month, then counters before officers. */
	assert_int_equal(l.rows[0].month, m1);
	assert_int_equal(l.rows[0].kind, DESK_COUNTER);
	assert_int_equal(l.rows[2].kind, DESK_OFFICER);
	assert_int_equal(l.rows[5].month, m2);
	assert_non_null(d = desks_find(&l, m1, DESK_COUNTER, "1"));
	assert_string_equal(d->name, "");
	assert_int_equal(d->issued, 3);
	assert_int_equal(d->answered, 3);
	assert_int_equal(d->levels[4], 1);
	assert_int_equal(d->levels[3], 0);	/* the suspect 4 */
	assert_int_equal(d->levels[1], 1);	/* answered in month 2 */
	assert_int_equal(d->suspect, 1);
	assert_non_null(d = desks_find(&l, m1, DESK_OFFICER,
	    "aaaaaaaaaaaa"));
	assert_string_equal(d->name, "Officer A");
	assert_int_equal(d->issued, 3);
	assert_int_equal(d->answered, 3);
	assert_non_null(d = desks_find(&l, m1, DESK_OFFICER,
	    "bbbbbbbbbbbb"));
	assert_int_equal(d->issued, 1);
	assert_int_equal(d->answered, 0);
	assert_non_null(d = desks_find(&l, m2, DESK_OFFICER, ""));
	assert_int_equal(d->issued, 1);
	assert_int_equal(d->levels[3], 1);
	assert_non_null(d = desks_find(&l, m2, DESK_COUNTER, ""));
	assert_int_equal(d->issued, 1);
	/* One month only; the handling unit has none. */
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_each_desk(e->st, NULL, m2, m2, "92.001",
	    desks_fn, &l), 0);
	assert_int_equal(l.n, 2);
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_each_desk(e->st, NULL, m1, m2, "92.003",
	    desks_fn, &l), 0);
	assert_int_equal(l.n, 0);

	f = devnull();
	assert_int_equal(store_verify(e->st, f), 0);
	fclose(f);
	env_close(e);
	{
		MDB_env		*env;
		MDB_txn		*txn = raw_begin(e->dir, &env);
		MDB_dbi		 dbi;
		MDB_cursor	*c;
		MDB_val		 k, v;

		/* The first row (month 1, counter 1) lost. */
		assert_int_equal(mdb_dbi_open(txn, "desks", 0, &dbi), 0);
		assert_int_equal(mdb_cursor_open(txn, dbi, &c), 0);
		assert_int_equal(mdb_cursor_get(c, &k, &v, MDB_FIRST), 0);
		assert_int_equal(mdb_cursor_del(c, 0), 0);
		mdb_cursor_close(c);
		raw_commit(env, txn);
	}
	env_open(e);
	assert_non_null(f = open_memstream(&out, &outlen));
	assert_int_equal(store_verify(e->st, f), 5);
	fclose(f);
	assert_non_null(strstr(out, "92.001 counter 1 issued: stored 0, "
	    "recomputed 3\n"));
	assert_non_null(strstr(out, "92.001 counter 1 suspect: stored 0, "
	    "recomputed 1\n"));
	free(out);
}

/*
 * Rewrites the tickets as a format-7 hailong left them (version 1: no
 * officer, survey or service) and drops desks.
 */
static void
make_format7(const char *dir)
{
	MDB_env		*env;
	MDB_txn		*txn = raw_begin(dir, &env);
	MDB_cursor	*c;
	MDB_dbi		 dbi;
	MDB_val		 k, v;
	struct ticket	 t;
	uint8_t		 vb[32][TICKET_ENC_MAX], fmt[4] = { 0, 0, 0, 7 };
	uint8_t		 kb[32][TICKET_ID_LEN];
	size_t		 n[32], i, nt = 0;
	int		 rc;

	assert_int_equal(mdb_dbi_open(txn, "tickets", 0, &dbi), 0);
	assert_int_equal(mdb_cursor_open(txn, dbi, &c), 0);
	for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		assert_true(nt < 32 && k.mv_size == TICKET_ID_LEN);
		assert_int_equal(record_ticket_decode(v.mv_data, v.mv_size,
		    &t), 0);
		/* Version 1: the record without its last four strings. */
		n[nt] = v.mv_size - 4 - strlen(t.officer) -
		    strlen(t.officer_name) - strlen(t.survey) -
		    strlen(t.service);
		memcpy(vb[nt], v.mv_data, n[nt]);
		vb[nt][0] = 1;
		memcpy(kb[nt++], k.mv_data, TICKET_ID_LEN);
	}
	mdb_cursor_close(c);
	for (i = 0; i < nt; i++) {
		k.mv_data = kb[i];
		k.mv_size = TICKET_ID_LEN;
		v.mv_data = vb[i];
		v.mv_size = n[i];
		assert_int_equal(mdb_put(txn, dbi, &k, &v, 0), 0);
	}
	assert_int_equal(mdb_dbi_open(txn, "desks", 0, &dbi), 0);
	assert_int_equal(mdb_drop(txn, dbi, 1), 0);
	assert_int_equal(mdb_dbi_open(txn, "meta", 0, &dbi), 0);
	k.mv_data = "format";
	k.mv_size = 6;
	v.mv_data = fmt;
	v.mv_size = 4;
	assert_int_equal(mdb_put(txn, dbi, &k, &v, 0), 0);
	raw_commit(env, txn);
}

/* What a hailong of format 8 left: no dossier tables. */
static void
make_format8_dossiers(const char *dir)
{
	static const char *const names[] = { "dossiers", "ticket_dossiers",
	    "dossier_stats" };
	MDB_env		*env;
	MDB_txn		*txn;
	MDB_dbi		 dbi;
	MDB_val		 k, v;
	uint8_t		 fmt[4] = { 0, 0, 0, 8 };
	size_t		 i;

	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, STORE_MAXDBS), 0);
	assert_int_equal(mdb_env_open(env, dir, MDB_NOTLS, 0600), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
	for (i = 0; i < 3; i++) {
		assert_int_equal(mdb_dbi_open(txn, names[i], 0, &dbi), 0);
		assert_int_equal(mdb_drop(txn, dbi, 1), 0);
	}
	assert_int_equal(mdb_dbi_open(txn, "meta", 0, &dbi), 0);
	k.mv_data = "format";
	k.mv_size = 6;
	v.mv_data = fmt;
	v.mv_size = 4;
	assert_int_equal(mdb_put(txn, dbi, &k, &v, 0), 0);
	assert_int_equal(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
}

static int
count_dossier(const struct dossier *d, const struct dossier_ratings *rt,
    void *arg)
{
	(void)d;
	(void)rt;
	(*(int *)arg)++;
	return (0);
}

/* Puts a raw record into db of dir (no hailong open). */
static void
raw_put(const char *dir, const char *db, const void *kb, size_t klen,
    const void *vb, size_t vlen)
{
	MDB_env		*env;
	MDB_txn		*txn;
	MDB_dbi		 dbi;
	MDB_val		 k = { klen, (void *)kb }, v = { vlen, (void *)vb };

	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, STORE_MAXDBS), 0);
	assert_int_equal(mdb_env_open(env, dir, MDB_NOTLS, 0600), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
	assert_int_equal(mdb_dbi_open(txn, db, 0, &dbi), 0);
	assert_int_equal(mdb_put(txn, dbi, &k, &v, 0), 0);
	assert_int_equal(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
}

/*
 * verify reads the dossier tables: clean after a stage ticket and its
 * dossier; a link to no ticket, a damaged dossier and a damaged
 * imported row are each one disagreement.
 */
static void
test_verify_dossiers(void **state)
{
	struct env	*e = *state;
	struct wop	 op;
	uint8_t		 kb[CASE_KEY_LEN], lv[LINK_VAL_LEN];
	uint8_t		 bogus[TICKET_ID_LEN], sk[DSTAT_KEY_LEN];
	char		*out = NULL;
	size_t		 outlen = 0;
	FILE		*f;

	ticket_op(&op, "92.001", "", now_sec(), now_sec() + 86400);
	op.u.ticket.has_case = 1;
	memset(op.u.ticket.case_hash, 0x31, 32);
	op.u.ticket.stage = STAGE_RECEIVED;
	assert_int_equal(writer_run(e->w, &op), HL_OK);
	memset(&op, 0, sizeof(op));
	op.kind = WOP_DOSSIER;
	strlcpy(op.u.dossier.ev.unit, "92.001", UNIT_CODE_MAX + 1);
	strlcpy(op.u.dossier.ev.procedure, "1.004", PROC_CODE_MAX + 1);
	op.u.dossier.ev.event = DOSSIER_RECEIVED;
	op.u.dossier.ev.at = now_sec() - 60;
	memcpy(op.u.dossier.key, "92.001", 6);
	memset(op.u.dossier.key + UNIT_CODE_MAX, 0x31, 32);
	memcpy(kb, op.u.dossier.key, sizeof(kb));
	assert_int_equal(writer_run(e->w, &op), HL_OK);
	f = devnull();
	assert_int_equal(store_verify(e->st, f), 0);
	fclose(f);
	env_close(e);

	memset(bogus, 0xee, sizeof(bogus));
	assert_int_equal(record_ticket_link_encode(STAGE_REFUSED, kb, lv),
	    LINK_VAL_LEN);
	raw_put(e->dir, "ticket_dossiers", bogus, sizeof(bogus), lv,
	    sizeof(lv));
	raw_put(e->dir, "dossiers", kb, sizeof(kb), "\x01\x02", 2);
	memset(sk, 0, sizeof(sk));
	raw_put(e->dir, "dossier_stats", sk, sizeof(sk), "\x01", 1);
	env_open(e);
	assert_non_null(f = open_memstream(&out, &outlen));
	assert_int_equal(store_verify(e->st, f), 3);
	fclose(f);
	assert_non_null(strstr(out, "ticket_dossiers record of ticket "
	    "eeeeeeeeeeeeeeeeeeee: no such ticket\n"));
	assert_non_null(strstr(out, "dossier record of 2 bytes: "
	    "malformed\n"));
	assert_non_null(strstr(out, "dossier_stats record of 1 bytes: "
	    "malformed\n"));
	free(out);
}

/*
 * verify checks the follow-ups' tables: an item opened by a low rating
 * with a comment is clean; an event of no item, a gap in an item's
 * history, a number of no item and an item whose state its history does
 * not end in are each said.
 */
static void
test_verify_followups(void **state)
{
	struct env		*e = *state;
	struct wop		 op;
	struct followup_event	 ev;
	uint8_t			 id[TICKET_ID_LEN], kb[FOLLOWUP_EV_KEY_LEN];
	uint8_t			 vb[FOLLOWUP_EV_ENC_MAX], ck[8];
	uint64_t		 item;
	size_t			 n;
	char			*out = NULL;
	size_t			 outlen = 0;
	FILE			*f;

	issue(e, "92.001", "", id);
	answer_op(&op, id, 1);
	strlcpy(op.u.answer.r.comment, "slow", sizeof(op.u.answer.r.comment));
	op.u.answer.r.comment_len = 4;
	op.u.answer.followup = 1;
	op.u.answer.level = 1;
	assert_int_equal(writer_run(e->w, &op), HL_OK);
	item = op.u.answer.r.key;
	f = devnull();
	assert_int_equal(store_verify(e->st, f), 0);
	fclose(f);
	env_close(e);

	memset(&ev, 0, sizeof(ev));
	ev.at = now_sec();
	ev.action = FOLLOWUP_EV_REPLY;
	ev.state = FOLLOWUP_CLOSED;
	assert_true((n = record_followup_event_encode(&ev, vb,
	    sizeof(vb))) > 0);
	record_followup_event_key(item + 7, 0, kb);	/* no such item */
	raw_put(e->dir, "followup_log", kb, sizeof(kb), vb, n);
	record_followup_event_key(item, 2, kb);	/* a gap after event 0 */
	raw_put(e->dir, "followup_log", kb, sizeof(kb), vb, n);
	be64_put(ck, item + 9);
	raw_put(e->dir, "contacts", ck, sizeof(ck), "\x01\x02", 2);
	env_open(e);
	assert_non_null(f = open_memstream(&out, &outlen));
	assert_int_equal(store_verify(e->st, f), 3);
	fclose(f);
	assert_non_null(strstr(out, "its history breaks at event 1\n"));
	assert_non_null(strstr(out, "contacts record of follow-up "));
	assert_non_null(strstr(out, ": no such item\n"));
	free(out);
	out = NULL;
	outlen = 0;
	env_close(e);

	/* The gap filled with a closing event: the item still says open. */
	record_followup_event_key(item, 1, kb);
	raw_put(e->dir, "followup_log", kb, sizeof(kb), vb, n);
	env_open(e);
	assert_non_null(f = open_memstream(&out, &outlen));
	assert_int_equal(store_verify(e->st, f), 3);
	fclose(f);
	assert_non_null(strstr(out, ": state open, its history ends in "
	    "closed\n"));
	assert_null(strstr(out, "breaks"));
	free(out);
}

/*
 * Format 8 had no dossiers: opening adds the empty tables and nothing
 * else; tickets and answers stay, verify is clean, and events and
 * stage tickets are stored afterwards.
 */
static void
test_upgrade_format8_dossiers(void **state)
{
	struct env	*e = *state;
	struct wop	 op;
	struct ticket	 t;
	struct dossier	 d;
	uint8_t		 id[TICKET_ID_LEN];
	int		 n = 0, stage;
	FILE		*f;

	issue(e, "92.001", "", id);
	answer_op(&op, id, 5);
	assert_int_equal(writer_run(e->w, &op), HL_OK);
	env_close(e);
	make_format8_dossiers(e->dir);
	assert_int_equal(format_of(e->dir), 8);
	env_open(e);
	assert_int_equal(format_of(e->dir), STORE_FORMAT);
	f = devnull();
	assert_int_equal(store_verify(e->st, f), 0);
	fclose(f);
	assert_int_equal(store_ticket_get(e->st, id, &t), HL_OK);
	assert_int_equal(t.state, TICKET_ANSWERED);
	assert_int_equal(store_each_dossier(e->st, count_dossier, &n), 0);
	assert_int_equal(n, 0);
	/* A ticket at a stage, then its dossier's first event. */
	ticket_op(&op, "92.001", "", now_sec(), now_sec() + 86400);
	op.u.ticket.has_case = 1;
	memset(op.u.ticket.case_hash, 0x77, 32);
	op.u.ticket.stage = STAGE_REFUSED;
	assert_int_equal(writer_run(e->w, &op), HL_OK);
	memcpy(id, op.u.ticket.t.id, TICKET_ID_LEN);
	assert_int_equal(store_ticket_dossier(e->st, id, &stage, &d),
	    HL_NOT_FOUND);
	assert_int_equal(stage, STAGE_REFUSED);
	memset(&op, 0, sizeof(op));
	op.kind = WOP_DOSSIER;
	strlcpy(op.u.dossier.ev.unit, "92.001", UNIT_CODE_MAX + 1);
	strlcpy(op.u.dossier.ev.procedure, "1.004", PROC_CODE_MAX + 1);
	op.u.dossier.ev.event = DOSSIER_REFUSED;
	op.u.dossier.ev.at = now_sec() - 60;
	memset(op.u.dossier.key, 0, sizeof(op.u.dossier.key));
	memcpy(op.u.dossier.key, "92.001", 6);
	memset(op.u.dossier.key + UNIT_CODE_MAX, 0x77, 32);
	assert_int_equal(writer_run(e->w, &op), HL_OK);
	assert_int_equal(op.u.dossier.created, 1);
	assert_int_equal(store_ticket_dossier(e->st, id, &stage, &d), HL_OK);
	assert_int_equal(d.outcome, DOSSIER_REFUSED);
	/* The same event again: nothing written. */
	op.u.dossier.created = 7;
	assert_int_equal(writer_run(e->w, &op), HL_OK);
	assert_int_equal(op.u.dossier.changed, 0);
	assert_int_equal(op.u.dossier.created, 0);
}

/*
 * Format 7 kept no officer and no desks: opening counts the old tickets
 * at their counters and under no officer; verify is clean, and tickets
 * issued afterwards count under their officer.
 */
static void
test_upgrade_format7(void **state)
{
	struct env	*e = *state;
	struct desks	 l;
	const struct store_desk *d;
	struct ticket	 t;
	uint8_t		 id[TICKET_ID_LEN];
	int64_t		 t1 = now_sec() - 40 * 86400, t2 = now_sec();
	uint32_t	 m1 = month_of(t1), m2 = month_of(t2);
	FILE		*f;

	fill_desks(e, t1, t2);
	fill_mixed(e, t1, t2);
	env_close(e);
	make_format7(e->dir);
	assert_int_equal(format_of(e->dir), 7);
	env_open(e);
	assert_int_equal(format_of(e->dir), STORE_FORMAT);
	f = devnull();
	assert_int_equal(store_verify(e->st, f), 0);
	fclose(f);
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_each_desk(e->st, NULL, m1, m2, "92.001",
	    desks_fn, &l), 0);
	/* Month 1: counters 1, 2, c1 (fill_mixed) and no officer; month
	 * 2: counters "" and c1, and no officer. */
	assert_int_equal(l.n, 7);
	assert_null(desks_find(&l, m1, DESK_OFFICER, "aaaaaaaaaaaa"));
	assert_non_null(d = desks_find(&l, m1, DESK_OFFICER, ""));
	assert_string_equal(d->name, "");
	assert_int_equal(d->issued, 6);
	assert_int_equal(d->answered, 5);
	assert_non_null(d = desks_find(&l, m1, DESK_COUNTER, "1"));
	assert_int_equal(d->issued, 3);
	assert_int_equal(d->suspect, 1);
	assert_non_null(d = desks_find(&l, m2, DESK_OFFICER, ""));
	assert_int_equal(d->issued, 2);
	/* The records themselves are as they were, with no officer. */
	desk_ticket(e, t2, "1", "cccccccccccc", "Officer C", id);
	assert_int_equal(store_ticket_get(e->st, id, &t), HL_OK);
	assert_string_equal(t.officer, "cccccccccccc");
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_each_desk(e->st, NULL, m2, m2, "92.001",
	    desks_fn, &l), 0);
	assert_non_null(d = desks_find(&l, m2, DESK_OFFICER,
	    "cccccccccccc"));
	assert_int_equal(d->issued, 1);
	f = devnull();
	assert_int_equal(store_verify(e->st, f), 0);
	fclose(f);
}

/* Raw LMDB on a closed directory: the first record of table deleted. */
static void
tamper_stage(const char *dir, const char *table)
{
	MDB_env		*env;
	MDB_txn		*txn;
	MDB_dbi		 dbi;
	MDB_cursor	*c;
	MDB_val		 k, v;

	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, STORE_MAXDBS), 0);
	assert_int_equal(mdb_env_open(env, dir, MDB_NOTLS, 0600), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
	assert_int_equal(mdb_dbi_open(txn, table, 0, &dbi), 0);
	assert_int_equal(mdb_cursor_open(txn, dbi, &c), 0);
	assert_int_equal(mdb_cursor_get(c, &k, &v, MDB_FIRST), 0);
	assert_int_equal(mdb_cursor_del(c, 0), 0);
	mdb_cursor_close(c);
	assert_int_equal(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
}
/* The counters by stage of a month, added up: [stage][level] of the
 * overall question, suspect apart in [stage][0]. */
struct stage_sum {
	uint64_t	 n[STAGE_AGG_STAGES][SURVEY_LEVELS + 1];
	uint64_t	 aspect[STAGE_AGG_STAGES];
	uint64_t	 keys;
};

static int
stage_sum_fn(const struct store_stage_sum *r, void *arg)
{
	struct stage_sum	*ss = arg;
	size_t			 i;

	assert_true(r->stage >= 0 && r->stage < STAGE_AGG_STAGES);
	ss->keys++;
	for (i = 0; i < SURVEY_LEVELS; i++) {
		ss->n[r->stage][i + 1] += r->c[i];
		ss->n[r->stage][0] += r->c[SURVEY_LEVELS + i];
	}
	return (0);
}

static int
stage_q_fn(const struct agg_key *k, int stage, uint64_t n, void *arg)
{
	struct stage_sum	*ss = arg;

	assert_true(stage >= 0 && stage < STAGE_AGG_STAGES);
	assert_string_equal(k->unit, "");
	assert_string_equal(k->question, "attitude");
	ss->aspect[stage] += n;
	return (0);
}

static void
stage_sums(struct env *e, struct stage_sum *ss)
{
	struct store_snap	*snap;

	memset(ss, 0, sizeof(*ss));
	assert_int_equal(store_snap_begin(e->st, &snap), 0);
	assert_int_equal(store_each_stage_sum(e->st, snap,
	    month_of(now_sec()), stage_sum_fn, ss), 0);
	assert_int_equal(store_each_stage_q(e->st, snap, month_of(now_sec()),
	    "", stage_q_fn, ss), 0);
	store_snap_end(snap);
}

/* A ticket of a case at a stage, answered at overall. */
static void
stage_answer(struct env *e, uint8_t casebyte, int stage, uint8_t overall)
{
	struct wop	 op;
	uint8_t		 id[TICKET_ID_LEN];

	ticket_op(&op, "92.001", "", now_sec(), now_sec() + 86400);
	op.u.ticket.has_case = 1;
	op.u.ticket.case_hash[0] = casebyte;
	op.u.ticket.stage = stage;
	assert_int_equal(writer_run(e->w, &op), HL_OK);
	assert_int_equal(op.u.ticket.created, 1);
	memcpy(id, op.u.ticket.t.id, TICKET_ID_LEN);
	answer_op(&op, id, overall);
	assert_int_equal(writer_run(e->w, &op), HL_OK);
}

/* Raw LMDB on a closed directory: no counters by stage, format 9. */
static void
make_format9(const char *dir)
{
	MDB_env		*env;
	MDB_txn		*txn;
	MDB_dbi		 dbi;
	MDB_val		 k, v;
	uint8_t		 fmt[4] = { 0, 0, 0, 9 };

	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, STORE_MAXDBS), 0);
	assert_int_equal(mdb_env_open(env, dir, MDB_NOTLS, 0600), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
	assert_int_equal(mdb_dbi_open(txn, "stage_agg", 0, &dbi), 0);
	assert_int_equal(mdb_drop(txn, dbi, 1), 0);
	assert_int_equal(mdb_dbi_open(txn, "stage_sums", 0, &dbi), 0);
	assert_int_equal(mdb_drop(txn, dbi, 1), 0);
	assert_int_equal(mdb_dbi_open(txn, "meta", 0, &dbi), 0);
	k.mv_data = "format";
	k.mv_size = 6;
	v.mv_data = fmt;
	v.mv_size = 4;
	assert_int_equal(mdb_put(txn, dbi, &k, &v, 0), 0);
	assert_int_equal(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
}

/*
 * Answers at every stage (a ticket without a case is returned), a
 * walk-in apart; a format-9 directory (no stage_agg) opened gets them
 * back from its records, and verify finds a damaged one.
 */
static void
test_stage_counts_upgrade(void **state)
{
	struct env		*e = *state;
	struct stage_sum	 before, after;
	struct wop		 op;
	uint8_t			 id[TICKET_ID_LEN];
	FILE			*f;

	stage_answer(e, 1, STAGE_RECEIVED, 5);
	stage_answer(e, 1, STAGE_REFUSED, 1);
	stage_answer(e, 2, STAGE_REFUSED, 2);
	stage_answer(e, 2, STAGE_SUPPLEMENT, 4);
	stage_answer(e, 3, STAGE_RETURNED, 3);
	issue(e, "92.001", "", id);		/* no case: returned */
	answer_op(&op, id, 4);
	assert_int_equal(writer_run(e->w, &op), HL_OK);
	answer_op(&op, NULL, 2);		/* a walk-in */
	op.u.answer.r.month = month_of(now_sec());
	assert_int_equal(writer_run(e->w, &op), HL_OK);

	stage_sums(e, &before);
	assert_int_equal(before.n[STAGE_RECEIVED][5], 1);
	assert_int_equal(before.n[STAGE_REFUSED][1], 1);
	assert_int_equal(before.n[STAGE_REFUSED][2], 1);
	assert_int_equal(before.n[STAGE_SUPPLEMENT][4], 1);
	assert_int_equal(before.n[STAGE_RETURNED][3], 1);
	assert_int_equal(before.n[STAGE_RETURNED][4], 1);
	assert_int_equal(before.n[STAGE_AGG_WALKIN][2], 1);
	assert_int_equal(before.aspect[STAGE_REFUSED], 2);
	assert_int_equal(before.aspect[STAGE_AGG_WALKIN], 1);
	f = devnull();
	assert_int_equal(store_verify(e->st, f), 0);
	fclose(f);

	env_close(e);
	make_format9(e->dir);
	assert_int_equal(format_of(e->dir), 9);
	env_open(e);
	assert_int_equal(format_of(e->dir), STORE_FORMAT);
	stage_sums(e, &after);
	assert_memory_equal(&before, &after, sizeof(before));
	f = devnull();
	assert_int_equal(store_verify(e->st, f), 0);
	fclose(f);

	/* A counter by stage lost: verify says so. */
	env_close(e);
	tamper_stage(e->dir, "stage_agg");
	env_open(e);
	f = devnull();
	assert_int_equal(store_verify(e->st, f), 1);
	fclose(f);
	env_close(e);
	tamper_stage(e->dir, "stage_sums");	/* a row of two levels */
	env_open(e);
	f = devnull();
	assert_int_equal(store_verify(e->st, f), 1 + 2);
	fclose(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_issue_get, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_issue_idempotent, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_answer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_enrol_revoke, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_idempotent_answer, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_verify_tamper, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_sums_and_rollups, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_comment_index, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_answer_records, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_upgrade_format8, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_catrow_generations, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_upgrade_format5_walkins,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_upgrade_format7_surveys,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_upgrade_format6, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_desks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_upgrade_format7, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_upgrade_format8_dossiers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_verify_dossiers, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_verify_followups, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_upgrade_format2, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_verify_sums, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_concurrent, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_tiny_map_grows, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_keys_after_clock_jump,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_stage_counts_upgrade,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_iterations, setup,
		    teardown),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
