/*
 * store_followup.c: reads of the follow-up items, their history, the
 * sealed call-back numbers, and the dossiers with a complaint that
 * Decision 766's ratio leaves out. Each read runs in its own read
 * transaction and copies out.
 * Trap: struct followup is some 8 KB: walks keep one on the heap.
 */
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "store_priv.h"
#include "util.h"

enum hl_rc
store_followup_get(struct store *st, uint64_t id, struct followup *f)
{
	MDB_txn	*txn = NULL;
	uint8_t	 kb[8];
	MDB_val	 k = { 8, kb }, v;
	int	 rc;

	be64_put(kb, id);
	if ((rc = store_txn_begin(st, MDB_RDONLY, &txn)) != 0)
		goto out;
	if ((rc = mdb_get(txn, st->followups, &k, &v)) != 0)
		goto out;
	if (record_followup_decode(v.mv_data, v.mv_size, f) == -1)
		rc = MDB_CORRUPTED;
out:
	store_txn_abort(st, txn);
	return (store_rc(rc));
}

int
store_each_followup(struct store *st,
    int (*fn)(const struct followup *, void *), void *arg)
{
	struct followup	*f;
	MDB_txn		*txn = NULL;
	MDB_cursor	*c = NULL;
	MDB_val		 k, v;
	int		 rc, ret = -1;

	f = xmalloc(sizeof(*f));
	if (store_txn_begin(st, MDB_RDONLY, &txn) != 0) {
		txn = NULL;
		goto out;
	}
	if (mdb_cursor_open(txn, st->followups, &c) != 0)
		goto out;
	for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		if (record_followup_decode(v.mv_data, v.mv_size, f) == -1)
			goto out;
		if ((rc = fn(f, arg)) != 0) {
			ret = rc;
			goto out;
		}
	}
	if (rc == MDB_NOTFOUND)
		ret = 0;
out:
	if (c != NULL)
		mdb_cursor_close(c);
	store_txn_abort(st, txn);
	free(f);
	return (ret);
}

int
store_each_followup_event(struct store *st, uint64_t id,
    int (*fn)(const struct followup_event *, void *), void *arg)
{
	struct followup_event	*ev;
	MDB_txn			*txn = NULL;
	MDB_cursor		*c = NULL;
	MDB_val			 k, v;
	uint8_t			 kb[FOLLOWUP_EV_KEY_LEN];
	int			 rc, ret = -1;

	ev = xmalloc(sizeof(*ev));
	if (store_txn_begin(st, MDB_RDONLY, &txn) != 0) {
		txn = NULL;
		goto out;
	}
	if (mdb_cursor_open(txn, st->followup_log, &c) != 0)
		goto out;
	record_followup_event_key(id, 0, kb);
	k.mv_data = kb;
	k.mv_size = sizeof(kb);
	for (rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE); rc == 0;
	    rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		if (k.mv_size != FOLLOWUP_EV_KEY_LEN ||
		    be64_get(k.mv_data) != id) {
			rc = MDB_NOTFOUND;
			break;
		}
		if (record_followup_event_decode(k.mv_data, k.mv_size,
		    v.mv_data, v.mv_size, ev) == -1)
			goto out;
		if ((rc = fn(ev, arg)) != 0) {
			ret = rc;
			goto out;
		}
	}
	if (rc == MDB_NOTFOUND)
		ret = 0;
out:
	if (c != NULL)
		mdb_cursor_close(c);
	store_txn_abort(st, txn);
	free(ev);
	return (ret);
}

enum hl_rc
store_contact_get(struct store *st, uint64_t id, uint8_t *out, size_t outlen,
    size_t *len)
{
	MDB_txn	*txn = NULL;
	uint8_t	 kb[8];
	MDB_val	 k = { 8, kb }, v;
	int	 rc;

	*len = 0;
	be64_put(kb, id);
	if ((rc = store_txn_begin(st, MDB_RDONLY, &txn)) != 0)
		goto out;
	if ((rc = mdb_get(txn, st->contacts, &k, &v)) != 0)
		goto out;
	if (v.mv_size > outlen) {
		rc = MDB_CORRUPTED;
		goto out;
	}
	memcpy(out, v.mv_data, v.mv_size);
	*len = v.mv_size;
out:
	store_txn_abort(st, txn);
	return (store_rc(rc));
}

int
store_each_outbox(struct store *st,
    int (*fn)(const struct outbox_entry *, void *), void *arg)
{
	struct outbox_entry	*o;
	MDB_txn			*txn = NULL;
	MDB_cursor		*c = NULL;
	MDB_val			 k, v;
	int			 rc, ret = -1;

	o = xmalloc(sizeof(*o));
	if (store_txn_begin(st, MDB_RDONLY, &txn) != 0) {
		txn = NULL;
		goto out;
	}
	if (mdb_cursor_open(txn, st->outbox, &c) != 0)
		goto out;
	for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		if (record_outbox_decode(v.mv_data, v.mv_size, o) == -1)
			continue;	/* damaged: verify's business */
		if ((rc = fn(o, arg)) != 0) {
			ret = rc;
			goto out;
		}
	}
	if (rc == MDB_NOTFOUND)
		ret = 0;
out:
	if (c != NULL)
		mdb_cursor_close(c);
	store_txn_abort(st, txn);
	free(o);
	return (ret);
}

static int
cmp_id(const void *a, const void *b)
{
	return (memcmp(a, b, TICKET_ID_LEN));
}

static int
cmp_hash(const void *a, const void *b)
{
	return (memcmp(a, b, 32));
}

int
store_complaint_dossiers(struct store *st, int64_t from, int64_t to,
    int (*in_scope)(const char *, void *), void *arg, uint64_t *n)
{
	struct followup	*f;
	MDB_txn		*txn = NULL;
	MDB_cursor	*c = NULL;
	MDB_val		 k, v;
	uint8_t		*ids = NULL, *hashes = NULL;
	size_t		 nids = 0, capids = 0, nh = 0, caph = 0, i;
	int		 rc, ret = -1;

	*n = 0;
	f = xmalloc(sizeof(*f));
	if (store_txn_begin(st, MDB_RDONLY, &txn) != 0) {
		txn = NULL;
		goto out;
	}
	/* The tickets with a filed item in the period and scope. */
	if (mdb_cursor_open(txn, st->followups, &c) != 0)
		goto out;
	for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		if (record_followup_decode(v.mv_data, v.mv_size, f) == -1)
			goto out;
		if (!f->filed || !f->has_ticket || f->created < from ||
		    f->created >= to ||
		    (in_scope != NULL && !in_scope(f->unit, arg)))
			continue;
		if (nids == capids) {
			capids = capids == 0 ? 64 : capids * 2;
			ids = xrealloc(ids, capids * TICKET_ID_LEN);
		}
		memcpy(ids + nids++ * TICKET_ID_LEN, f->ticket, TICKET_ID_LEN);
	}
	mdb_cursor_close(c);
	c = NULL;
	if (rc != MDB_NOTFOUND)
		goto out;
	if (nids == 0) {
		ret = 0;
		goto out;
	}
	qsort(ids, nids, TICKET_ID_LEN, cmp_id);
	/* Their cases: one walk of the case index. */
	if (mdb_cursor_open(txn, st->by_case, &c) != 0)
		goto out;
	for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		if (k.mv_size != CASE_KEY_LEN || v.mv_size != TICKET_ID_LEN ||
		    bsearch(v.mv_data, ids, nids, TICKET_ID_LEN,
		    cmp_id) == NULL)
			continue;
		if (nh == caph) {
			caph = caph == 0 ? 64 : caph * 2;
			hashes = xrealloc(hashes, caph * 32);
		}
		memcpy(hashes + nh++ * 32,
		    (const uint8_t *)k.mv_data + UNIT_CODE_MAX, 32);
	}
	if (rc != MDB_NOTFOUND)
		goto out;
	if (nh > 0)
		qsort(hashes, nh, 32, cmp_hash);
	for (i = 0; i < nh; i++)
		if (i == 0 || memcmp(hashes + i * 32, hashes + (i - 1) * 32,
		    32) != 0)
			(*n)++;
	ret = 0;
out:
	if (c != NULL)
		mdb_cursor_close(c);
	store_txn_abort(st, txn);
	free(ids);
	free(hashes);
	free(f);
	return (ret);
}
