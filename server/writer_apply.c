/*
 * writer_apply.c: what each writer op writes, in the nested transaction
 * the writer gives it: a ticket (its case index, its link to its
 * dossier), an answer (the response, the answered record, the comment
 * index, the idempotency record), keys, kiosk enrolments and
 * revocations, a kiosk's status, a dossier's event; and, once per batch,
 * the counters the ops gathered, each key written once in key order.
 * Only writer.c calls these.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "counts.h"
#include "record.h"
#include "store_priv.h"
#include "util.h"
#include "writer.h"
#include "writer_priv.h"

/* The desks rows a batch adds, each key once; tb merged. */
static int
writer_flush_desks(struct store *st, MDB_txn *txn, struct counts_table *tb)
{
	uint8_t		 vb[DESK_VAL_LEN];
	uint64_t	 c[DESK_NCOUNTERS];
	MDB_val		 k, v;
	size_t		 i, j;
	int		 rc;

	for (i = 0; i < tb->ndesk; i++) {
		k.mv_data = tb->desk[i].k;
		k.mv_size = DESK_KEY_LEN;
		memset(c, 0, sizeof(c));
		rc = mdb_get(txn, st->desks, &k, &v);
		if (rc == 0) {
			if (record_desk_counters(v.mv_data, v.mv_size,
			    c) == -1)
				return (MDB_CORRUPTED);
		} else if (rc != MDB_NOTFOUND)
			return (rc);
		for (j = 0; j < DESK_NCOUNTERS; j++)
			c[j] += tb->desk[i].c[j];
		record_desk_value(c, vb);
		v.mv_data = vb;
		v.mv_size = DESK_VAL_LEN;
		if ((rc = mdb_put(txn, st->desks, &k, &v, 0)) != 0)
			return (rc);
	}
	return (0);
}

/* The counters a batch adds, each key once (counts.h). */
int
writer_flush_counts(struct store *st, MDB_txn *txn, struct counts_table *tb)
{
	uint8_t		 vb[SUM_VAL_LEN];
	uint64_t	 c[SUM_NCOUNTERS], n;
	MDB_val		 k, v;
	size_t		 i, j;
	int		 rc;

	counts_table_merge(tb);
	for (i = 0; i < tb->nagg; i++) {
		k.mv_data = tb->agg[i].k;
		k.mv_size = AGG_KEY_LEN;
		n = 0;
		rc = mdb_get(txn, st->agg, &k, &v);
		if (rc == 0 && v.mv_size == 8)
			n = be64_get(v.mv_data);
		else if (rc != 0 && rc != MDB_NOTFOUND)
			return (rc);
		be64_put(vb, n + tb->agg[i].n);
		v.mv_data = vb;
		v.mv_size = 8;
		if ((rc = mdb_put(txn, st->agg, &k, &v, 0)) != 0)
			return (rc);
	}
	for (i = 0; i < tb->nsum; i++) {
		k.mv_data = tb->sum[i].k;
		k.mv_size = SUM_KEY_LEN;
		memset(c, 0, sizeof(c));
		rc = mdb_get(txn, st->sums, &k, &v);
		if (rc == 0) {
			if (record_sum_counters(v.mv_data, v.mv_size, c) == -1)
				return (MDB_CORRUPTED);
		} else if (rc != MDB_NOTFOUND)
			return (rc);
		for (j = 0; j < SUM_NCOUNTERS; j++)
			c[j] += tb->sum[i].c[j];
		record_sum_value(c, vb);
		v.mv_data = vb;
		v.mv_size = SUM_VAL_LEN;
		if ((rc = mdb_put(txn, st->sums, &k, &v, 0)) != 0)
			return (rc);
	}
	for (i = 0; i < tb->nstage; i++) {
		k.mv_data = tb->stage[i].k;
		k.mv_size = STAGE_AGG_KEY_LEN;
		n = 0;
		rc = mdb_get(txn, st->stage_agg, &k, &v);
		if (rc == 0 && v.mv_size == 8)
			n = be64_get(v.mv_data);
		else if (rc != 0 && rc != MDB_NOTFOUND)
			return (rc);
		be64_put(vb, n + tb->stage[i].n);
		v.mv_data = vb;
		v.mv_size = 8;
		if ((rc = mdb_put(txn, st->stage_agg, &k, &v, 0)) != 0)
			return (rc);
	}
	for (i = 0; i < tb->nstsum; i++) {
		uint64_t	 sc[STAGE_SUM_NCOUNTERS];
		uint8_t		 sb[STAGE_SUM_VAL_LEN];

		k.mv_data = tb->stsum[i].k;
		k.mv_size = STAGE_SUM_KEY_LEN;
		memset(sc, 0, sizeof(sc));
		rc = mdb_get(txn, st->stage_sums, &k, &v);
		if (rc == 0) {
			if (counts_stsum_counters(v.mv_data, v.mv_size,
			    sc) == -1)
				return (MDB_CORRUPTED);
		} else if (rc != MDB_NOTFOUND)
			return (rc);
		for (j = 0; j < STAGE_SUM_NCOUNTERS; j++)
			sc[j] += tb->stsum[i].c[j];
		counts_stsum_value(sc, sb);
		v.mv_data = sb;
		v.mv_size = sizeof(sb);
		if ((rc = mdb_put(txn, st->stage_sums, &k, &v, 0)) != 0)
			return (rc);
	}
	return (writer_flush_desks(st, txn, tb));
}

/*
 * An open ticket of a counter becomes the one its kiosk is offered, kept
 * so that a restart does not forget it (the pairing in memory is the
 * same; see pair.c).
 */
static int
put_pending(struct store *st, MDB_txn *txn, const struct wop *op)
{
	const struct ticket *t = &op->u.ticket.t;
	struct pending	 p;
	uint8_t		 key[32], enc[PENDING_ENC_MAX];
	MDB_val		 k = { sizeof(key), key }, v;

	if (!op->u.ticket.offer || t->counter[0] == '\0' ||
	    t->state != TICKET_OPEN)
		return (0);
	memcpy(p.ticket, t->id, TICKET_ID_LEN);
	p.offered = now_sec();
	record_pending_key(t->unit, t->counter, key);
	if ((v.mv_size = record_pending_encode(&p, enc, sizeof(enc))) == 0)
		return (0);
	v.mv_data = enc;
	return (mdb_put(txn, st->pending, &k, &v, 0));
}

/* Returns an LMDB code; logical outcomes go to op->rc. */
static int
apply_ticket(struct store *st, MDB_txn *txn, struct wop *op,
    struct counts *c)
{
	struct ticket	*t = &op->u.ticket.t, old;
	uint8_t		 ck[CASE_KEY_LEN], enc[TICKET_ENC_MAX], sh[32];
	uint8_t		 dk[CASE_KEY_LEN], lv[LINK_VAL_LEN];
	MDB_val		 k, v;
	size_t		 n;
	int		 rc;

	op->u.ticket.created = 0;
	if (op->u.ticket.has_case) {
		record_stage_hash(op->u.ticket.case_hash, op->u.ticket.stage,
		    sh);
		record_case_key(t->unit, sh, ck);
		k.mv_data = ck;
		k.mv_size = CASE_KEY_LEN;
		rc = mdb_get(txn, st->by_case, &k, &v);
		if (rc == 0) {
			if (v.mv_size != TICKET_ID_LEN)
				return (MDB_CORRUPTED);
			k = v;
			if ((rc = mdb_get(txn, st->tickets, &k, &v)) != 0)
				return (rc == MDB_NOTFOUND ?
				    MDB_CORRUPTED : rc);
			if ((rc = store_ticket_read(st, txn, &v, &old)) != 0)
				return (rc);
			*t = old;
			return (put_pending(st, txn, op));
		}
		if (rc != MDB_NOTFOUND)
			return (rc);
	}
	if (month_of(t->issued) == 0 ||
	    (n = record_ticket_encode(t, enc, sizeof(enc))) == 0) {
		op->rc = HL_INVALID;
		return (0);
	}
	k.mv_data = t->id;
	k.mv_size = TICKET_ID_LEN;
	v.mv_data = enc;
	v.mv_size = n;
	if ((rc = mdb_put(txn, st->tickets, &k, &v, MDB_NOOVERWRITE)) != 0) {
		if (rc != MDB_KEYEXIST)
			return (rc);
		op->rc = HL_ERROR;	/* random ids collided */
		return (0);
	}
	if (op->u.ticket.has_case) {
		k.mv_data = ck;
		k.mv_size = CASE_KEY_LEN;
		v.mv_data = t->id;
		v.mv_size = TICKET_ID_LEN;
		if ((rc = mdb_put(txn, st->by_case, &k, &v, 0)) != 0)
			return (rc);
		/* Its dossier, whether its events came yet or not. */
		record_case_key(t->unit, op->u.ticket.case_hash, dk);
		if (record_ticket_link_encode((uint8_t)op->u.ticket.stage, dk,
		    lv) == 0) {
			op->rc = HL_INVALID;
			return (0);
		}
		k.mv_data = t->id;
		k.mv_size = TICKET_ID_LEN;
		v.mv_data = lv;
		v.mv_size = sizeof(lv);
		if ((rc = mdb_put(txn, st->ticket_dossiers, &k, &v, 0)) != 0)
			return (rc);
	}
	if (counts_ticket(t, c) == -1) {
		op->rc = HL_INVALID;
		return (0);
	}
	op->u.ticket.created = 1;
	return (put_pending(st, txn, op));
}

/* Next response key: now, or one past the last key when the clock is
 * behind it. */
static int
next_key(struct store *st, MDB_txn *txn, uint64_t *key)
{
	MDB_cursor	*c;
	MDB_val		 k, v;
	uint64_t	 last = 0, now;
	int		 rc;

	if ((rc = mdb_cursor_open(txn, st->responses, &c)) != 0)
		return (rc);
	rc = mdb_cursor_get(c, &k, &v, MDB_LAST);
	if (rc == 0 && k.mv_size == 8)
		last = be64_get(k.mv_data);
	mdb_cursor_close(c);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return (rc);
	now = now_usec();
	*key = now > last ? now : last + 1;
	return (0);
}

static int
apply_answer(struct store *st, MDB_txn *txn, struct wop *op,
    struct counts *c)
{
	struct response	*r = &op->u.answer.r;
	struct ticket	 t;
	uint8_t		 kb[8], *renc = NULL;
	MDB_val		 k, v;
	size_t		 n;
	int		 rc = 0;

	if (r->channel >= CHANNEL_COUNT) {
		op->rc = HL_INVALID;
		goto out;
	}
	/* A retry gets the first outcome, whatever became of the ticket. */
	op->u.answer.duplicate = 0;
	if (op->u.answer.has_idem) {
		struct idem	 im;

		k.mv_data = op->u.answer.idem;
		k.mv_size = 32;
		rc = mdb_get(txn, st->idem, &k, &v);
		if (rc == 0) {
			if (record_idem_decode(v.mv_data, v.mv_size, &im) == -1) {
				rc = MDB_CORRUPTED;
				goto out;
			}
			op->u.answer.duplicate = 1;
			r->key = im.response;
			r->channel = im.channel;
			r->flags = im.flags;
			goto out;
		}
		if (rc != MDB_NOTFOUND)
			goto out;
		rc = 0;
	}
	if (r->has_ticket) {
		k.mv_data = r->ticket;
		k.mv_size = TICKET_ID_LEN;
		if ((rc = mdb_get(txn, st->tickets, &k, &v)) != 0) {
			if (rc == MDB_NOTFOUND) {
				op->rc = HL_NOT_FOUND;
				rc = 0;
			}
			goto out;
		}
		if ((rc = store_ticket_read(st, txn, &v, &t)) != 0)
			goto out;
		if (t.state == TICKET_ANSWERED) {
			op->rc = HL_CONFLICT;
			goto out;
		}
		if (t.state == TICKET_VOID || now_sec() > t.expires) {
			op->rc = HL_GONE;
			goto out;
		}
		/* A service's code in the procedure's place. */
		strlcpy(r->procedure, t.service[0] != '\0' ? t.service :
		    t.procedure, sizeof(r->procedure));
		strlcpy(r->sector, t.sector, sizeof(r->sector));
		strlcpy(r->unit, ticket_count_unit(&t), sizeof(r->unit));
	}
	if (r->answered == 0)
		r->answered = now_sec();
	if ((r->month = month_of(r->answered)) == 0) {
		op->rc = HL_INVALID;
		goto out;
	}
	if ((rc = next_key(st, txn, &r->key)) != 0)
		goto out;

	renc = xmalloc(RESPONSE_ENC_MAX);
	if ((n = record_response_encode(r, renc, RESPONSE_ENC_MAX)) == 0) {
		op->rc = HL_INVALID;
		goto out;
	}
	be64_put(kb, r->key);
	k.mv_data = kb;
	k.mv_size = 8;
	v.mv_data = renc;
	v.mv_size = n;
	if ((rc = mdb_put(txn, st->responses, &k, &v, MDB_NOOVERWRITE)) != 0)
		goto out;
	/* The month's comments are read from the index, not by walking
	 * the responses. */
	if (r->comment_len > 0) {
		uint8_t	 ckb[COMMENT_KEY_LEN], cvb[COMMENT_VAL_LEN];

		record_comment(r, ckb, cvb);
		k.mv_data = ckb;
		k.mv_size = sizeof(ckb);
		v.mv_data = cvb;
		v.mv_size = sizeof(cvb);
		if ((rc = mdb_put(txn, st->comments, &k, &v, 0)) != 0)
			goto out;
	}
	if (op->u.answer.has_idem) {
		struct idem	 im;
		uint8_t		 ienc[IDEM_ENC_MAX];

		im.created = now_sec();
		im.response = r->key;
		im.channel = r->channel;
		im.flags = r->flags;
		if ((n = record_idem_encode(&im, ienc, sizeof(ienc))) == 0) {
			op->rc = HL_INVALID;
			goto out;
		}
		k.mv_data = op->u.answer.idem;
		k.mv_size = 32;
		v.mv_data = ienc;
		v.mv_size = n;
		if ((rc = mdb_put(txn, st->idem, &k, &v, 0)) != 0)
			goto out;
	}
	/* The ticket record stays as issued (see store_ticket_read). */
	if (r->has_ticket) {
		uint8_t	 akb[ANSWERED_KEY_LEN], avb[8];

		record_answered_key(&t, akb);
		be64_put(avb, r->key);
		k.mv_data = akb;
		k.mv_size = sizeof(akb);
		v.mv_data = avb;
		v.mv_size = sizeof(avb);
		if ((rc = mdb_put(txn, st->answered, &k, &v,
		    MDB_NOOVERWRITE)) != 0)
			goto out;
	}
	/* A complaint filed with the answer, or a low rating with a
	 * comment, reaches the unit's head. */
	if (op->u.answer.filed)
		rc = writer_followup_kiosk(st, txn, op);
	else if (op->u.answer.followup)
		rc = writer_followup_auto(st, txn, r, op->u.answer.level,
		    op->u.answer.notify);
	if (rc != 0)
		goto out;
	/* -1: a field too long for a key. */
	if (counts_response(r, r->has_ticket ? &t : NULL, c) == -1)
		op->rc = HL_INVALID;
out:
	free(renc);
	return (rc);
}

static int
apply_key(struct store *st, MDB_txn *txn, struct wop *op)
{
	uint8_t	 enc[APIKEY_ENC_MAX];
	MDB_val	 k = { 32, op->u.key.hash }, v;
	size_t	 n;
	int	 rc;

	if ((n = record_apikey_encode(&op->u.key.key, enc, sizeof(enc))) == 0) {
		op->rc = HL_INVALID;
		return (0);
	}
	v.mv_data = enc;
	v.mv_size = n;
	rc = mdb_put(txn, st->keys, &k, &v, MDB_NOOVERWRITE);
	if (rc == MDB_KEYEXIST) {
		op->rc = HL_CONFLICT;
		return (0);
	}
	if (rc != 0)
		return (rc);
	return (writer_audit(st, txn, op, "key.add", op->u.key.key.unit, NULL,
	    audit_key_json(op->u.key.hash, &op->u.key.key)));
}

static int
apply_enrol_add(struct store *st, MDB_txn *txn, struct wop *op)
{
	uint8_t	 enc[ENROL_ENC_MAX];
	MDB_val	 k = { 32, op->u.enrol.e.hash }, v;
	size_t	 n;
	int	 rc;

	if ((n = record_enrol_encode(&op->u.enrol.e, enc, sizeof(enc))) == 0) {
		op->rc = HL_INVALID;
		return (0);
	}
	v.mv_data = enc;
	v.mv_size = n;
	rc = mdb_put(txn, st->enrol, &k, &v, MDB_NOOVERWRITE);
	if (rc == MDB_KEYEXIST) {
		op->rc = HL_CONFLICT;
		return (0);
	}
	if (rc != 0)
		return (rc);
	return (writer_audit(st, txn, op, "kiosk.add", op->u.enrol.e.unit,
	    NULL, audit_enrol_json(&op->u.enrol.e)));
}

/* The code goes and the key comes in one transaction: single use. */
static int
apply_enrol(struct store *st, MDB_txn *txn, struct wop *op)
{
	struct enrol	*e = &op->u.enrol.e;
	struct apikey	*key = &op->u.enrol.key;
	uint8_t		 hash[32], enc[APIKEY_ENC_MAX];
	MDB_val		 k = { 32, e->hash }, v;
	size_t		 n;
	int		 rc;

	if ((rc = mdb_get(txn, st->enrol, &k, &v)) != 0) {
		if (rc == MDB_NOTFOUND) {
			op->rc = HL_NOT_FOUND;
			rc = 0;
		}
		return (rc);
	}
	memcpy(hash, e->hash, 32);
	if (record_enrol_decode(v.mv_data, v.mv_size, e) == -1)
		return (MDB_CORRUPTED);
	memcpy(e->hash, hash, 32);
	if (now_sec() > e->expires) {
		op->rc = HL_NOT_FOUND;
		return (0);
	}
	if ((rc = mdb_del(txn, st->enrol, &k, NULL)) != 0)
		return (rc);
	memset(key, 0, sizeof(*key));
	key->role = ROLE_KIOSK;
	key->created = op->u.enrol.created;
	strlcpy(key->name, e->name, sizeof(key->name));
	strlcpy(key->unit, e->unit, sizeof(key->unit));
	strlcpy(key->counter, e->counter, sizeof(key->counter));
	if ((n = record_apikey_encode(key, enc, sizeof(enc))) == 0) {
		op->rc = HL_INVALID;
		return (0);
	}
	k.mv_data = op->u.enrol.key_hash;
	k.mv_size = 32;
	v.mv_data = enc;
	v.mv_size = n;
	rc = mdb_put(txn, st->keys, &k, &v, MDB_NOOVERWRITE);
	if (rc == MDB_KEYEXIST) {
		op->rc = HL_CONFLICT;
		return (0);
	}
	if (rc != 0)
		return (rc);
	/* The kiosk itself is the actor: the code it spent, the key it
	 * got (never the secret). */
	memset(&op->by, 0, sizeof(op->by));
	op->by.role = ROLE_KIOSK;
	snprintf(op->by.who, sizeof(op->by.who), "kiosk %s", key->name);
	strlcpy(op->by.unit, key->unit, sizeof(op->by.unit));
	return (writer_audit(st, txn, op, "kiosk.enrol", key->unit,
	    audit_enrol_json(e), audit_key_json(op->u.enrol.key_hash, key)));
}

/* 1 when a key (its hash h and record) is one that op revokes. */
static int
revoke_match(const struct wop *op, const uint8_t *h, size_t hlen,
    const struct apikey *ak)
{
	if (op->u.revoke.role != 0 && (ak->role & op->u.revoke.role) == 0)
		return (0);
	if (op->u.revoke.name[0] != '\0' &&
	    strcmp(ak->name, op->u.revoke.name) != 0)
		return (0);
	if (op->u.revoke.idlen > 0 && (hlen < op->u.revoke.idlen ||
	    memcmp(h, op->u.revoke.id, op->u.revoke.idlen) != 0))
		return (0);
	return (1);
}

/* Deletes every record of db that op names; counts them, adds each to
 * gone (what the audit entry says was there); *unit: the unit of the
 * first, "" when they differ. */
static int
revoke_in(MDB_txn *txn, MDB_dbi db, int keys, const struct wop *op,
    size_t *count, json_t *gone, char unit[UNIT_CODE_MAX + 1], int *nunit)
{
	MDB_cursor	*c;
	MDB_val		 k, v;
	struct apikey	 ak;
	struct enrol	 en;
	int		 rc, hit;
	MDB_cursor_op	 cop = MDB_FIRST;

	*count = 0;
	if ((rc = mdb_cursor_open(txn, db, &c)) != 0)
		return (rc);
	for (;; cop = MDB_NEXT) {
		if ((rc = mdb_cursor_get(c, &k, &v, cop)) != 0)
			break;
		if (keys)
			hit = record_apikey_decode(v.mv_data, v.mv_size, &ak) == 0 &&
			    revoke_match(op, k.mv_data, k.mv_size, &ak);
		else
			hit = record_enrol_decode(v.mv_data, v.mv_size, &en) == 0 &&
			    op->u.revoke.idlen == 0 &&
			    (op->u.revoke.role == 0 ||
			    (op->u.revoke.role & ROLE_KIOSK) != 0) &&
			    strcmp(en.name, op->u.revoke.name) == 0;
		if (!hit)
			continue;
		json_array_append_new(gone, keys && k.mv_size == 32 ?
		    audit_key_json(k.mv_data, &ak) : keys ? json_null() :
		    audit_enrol_json(&en));
		if ((*nunit)++ == 0)
			strlcpy(unit, keys ? ak.unit : en.unit,
			    UNIT_CODE_MAX + 1);
		else if (strcmp(unit, keys ? ak.unit : en.unit) != 0)
			unit[0] = '\0';
		if ((rc = mdb_cursor_del(c, 0)) != 0)
			break;
		(*count)++;
	}
	mdb_cursor_close(c);
	return (rc == MDB_NOTFOUND ? 0 : rc);
}

static int
apply_revoke(struct store *st, MDB_txn *txn, struct wop *op)
{
	json_t	*gone;
	char	 unit[UNIT_CODE_MAX + 1] = "";
	int	 rc, nunit = 0;

	if (op->u.revoke.name[0] == '\0' && op->u.revoke.idlen == 0) {
		op->rc = HL_INVALID;	/* never "every key" */
		return (0);
	}
	gone = json_array();
	if ((rc = revoke_in(txn, st->keys, 1, op, &op->u.revoke.nkeys, gone,
	    unit, &nunit)) != 0 || (rc = revoke_in(txn, st->enrol, 0, op,
	    &op->u.revoke.ncodes, gone, unit, &nunit)) != 0) {
		json_decref(gone);
		return (rc);
	}
	if (op->u.revoke.nkeys == 0 && op->u.revoke.ncodes == 0) {
		json_decref(gone);
		op->rc = HL_NOT_FOUND;
		return (0);
	}
	return (writer_audit(st, txn, op, op->u.revoke.role == ROLE_KIOSK ?
	    "kiosk.revoke" : "key.revoke", unit, gone, NULL));
}

/* A kiosk's queue report, written into its key record. */
static int
apply_kiosk_status(struct store *st, MDB_txn *txn, struct wop *op)
{
	struct apikey	 ak;
	uint8_t		 enc[APIKEY_ENC_MAX];
	MDB_val		 k = { 32, op->u.kstatus.hash }, v;
	size_t		 n;
	int		 rc;

	if ((rc = mdb_get(txn, st->keys, &k, &v)) != 0) {
		if (rc == MDB_NOTFOUND) {
			op->rc = HL_NOT_FOUND;
			rc = 0;
		}
		return (rc);
	}
	if (record_apikey_decode(v.mv_data, v.mv_size, &ak) == -1)
		return (MDB_CORRUPTED);
	if (ak.role != ROLE_KIOSK) {
		op->rc = HL_NOT_FOUND;
		return (0);
	}
	ak.status_at = op->u.kstatus.at;
	ak.queued = op->u.kstatus.queued;
	ak.refused = op->u.kstatus.refused;
	ak.held = op->u.kstatus.held;
	strlcpy(ak.app, op->u.kstatus.app, sizeof(ak.app));
	if ((n = record_apikey_encode(&ak, enc, sizeof(enc))) == 0) {
		op->rc = HL_INVALID;
		return (0);
	}
	v.mv_data = enc;
	v.mv_size = n;
	return (mdb_put(txn, st->keys, &k, &v, 0));
}

/* An event of the one-stop software applied to its dossier. */
static int
apply_dossier(struct store *st, MDB_txn *txn, struct wop *op)
{
	struct dossier	*d = &op->u.dossier.d;
	uint8_t		 enc[DOSSIER_ENC_MAX];
	MDB_val		 k = { DOSSIER_KEY_LEN, op->u.dossier.key }, v;
	size_t		 n;
	int		 rc, exists;

	op->u.dossier.changed = 0;
	op->u.dossier.created = 0;
	op->u.dossier.why[0] = '\0';
	rc = mdb_get(txn, st->dossiers, &k, &v);
	if (rc == 0) {
		if (record_dossier_decode(v.mv_data, v.mv_size, d) == -1)
			return (MDB_CORRUPTED);
		exists = 1;
	} else if (rc == MDB_NOTFOUND) {
		memset(d, 0, sizeof(*d));
		exists = 0;
	} else
		return (rc);
	switch (dossier_event_apply(d, exists, &op->u.dossier.ev,
	    op->u.dossier.why, sizeof(op->u.dossier.why))) {
	case DOSSIER_SAME:
		return (0);
	case DOSSIER_CHANGED:
		break;
	default:
		op->rc = HL_INVALID;
		return (0);
	}
	d->updated = now_sec();
	if ((n = record_dossier_encode(d, enc, sizeof(enc))) == 0) {
		op->rc = HL_INVALID;
		return (0);
	}
	v.mv_data = enc;
	v.mv_size = n;
	if ((rc = mdb_put(txn, st->dossiers, &k, &v, 0)) != 0)
		return (rc);
	op->u.dossier.changed = 1;
	op->u.dossier.created = !exists;
	return (0);
}

/* Imported statistics: every row new or the same, else none written. */
static int
apply_dstats(struct store *st, MDB_txn *txn, struct wop *op)
{
	uint8_t		 kb[DSTAT_KEY_LEN], vb[DSTAT_VAL_LEN];
	MDB_val		 k, v;
	size_t		 i;
	int		 rc, conflict = 0;

	op->u.dstats.added = 0;
	for (i = 0; i < op->u.dstats.n; i++) {
		op->u.dstats.state[i] = 0;
		if (record_dstat_key(&op->u.dstats.rows[i], kb) == -1) {
			op->rc = HL_INVALID;
			return (0);
		}
		k.mv_data = kb;
		k.mv_size = sizeof(kb);
		if ((rc = mdb_get(txn, st->dossier_stats, &k, &v)) ==
		    MDB_NOTFOUND)
			continue;
		if (rc != 0)
			return (rc);
		if (record_dstat_decode(kb, sizeof(kb), v.mv_data, v.mv_size,
		    &op->u.dstats.old[i]) == -1)
			return (MDB_CORRUPTED);
		if (dossier_stat_same(&op->u.dstats.old[i],
		    &op->u.dstats.rows[i]))
			op->u.dstats.state[i] = 1;
		else {
			op->u.dstats.state[i] = 2;
			conflict = 1;
		}
	}
	if (conflict) {
		op->rc = HL_CONFLICT;
		return (0);
	}
	for (i = 0; i < op->u.dstats.n; i++) {
		if (op->u.dstats.state[i] != 0)
			continue;
		record_dstat_key(&op->u.dstats.rows[i], kb);
		record_dstat_value(&op->u.dstats.rows[i], vb);
		k.mv_data = kb;
		k.mv_size = sizeof(kb);
		v.mv_data = vb;
		v.mv_size = sizeof(vb);
		if ((rc = mdb_put(txn, st->dossier_stats, &k, &v, 0)) != 0)
			return (rc);
		op->u.dstats.added++;
	}
	return (0);
}

int
writer_apply(struct store *st, MDB_txn *txn, struct wop *op,
    struct counts *c)
{
	op->rc = HL_OK;
	counts_reset(c);
	switch (op->kind) {
	case WOP_TICKET:
		return (apply_ticket(st, txn, op, c));
	case WOP_ANSWER:
		return (apply_answer(st, txn, op, c));
	case WOP_KEY:
		return (apply_key(st, txn, op));
	case WOP_ENROL_ADD:
		return (apply_enrol_add(st, txn, op));
	case WOP_ENROL:
		return (apply_enrol(st, txn, op));
	case WOP_REVOKE:
		return (apply_revoke(st, txn, op));
	case WOP_KIOSK_STATUS:
		return (apply_kiosk_status(st, txn, op));
	case WOP_USER:
		return (writer_apply_user(st, txn, op));
	case WOP_CATROW:
		return (writer_apply_catrow(st, txn, op));
	case WOP_SURVEY:
		return (writer_apply_survey(st, txn, op));
	case WOP_TARGET:
		return (writer_apply_target(st, txn, op));
	case WOP_CATIMPORT:
		return (writer_apply_catimport(st, txn, op));
	case WOP_DOSSIER:
		return (apply_dossier(st, txn, op));
	case WOP_DSTATS:
		return (apply_dstats(st, txn, op));
	case WOP_FOLLOWUP_FILE:
		return (writer_followup_file(st, txn, op));
	case WOP_FOLLOWUP_REPLY:
		return (writer_followup_reply(st, txn, op));
	case WOP_OUTBOX_DONE:
	case WOP_OUTBOX_RETRY:
		return (writer_outbox(st, txn, op));
	}
	op->rc = HL_INVALID;
	return (0);
}
