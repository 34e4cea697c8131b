/*
 * store_dossier.c: the reads of dossiers: one dossier, every dossier with
 * its tickets' ratings and complaints, a ticket's dossier, the answers to
 * take to the national evaluation system, the imported monthly
 * statistics.
 * Trap: as every read (store_read.c), values are decoded before the
 * transaction ends, and a callback runs inside the walk's transaction.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "store.h"
#include "store_priv.h"
#include "util.h"

enum hl_rc
store_dossier_get(struct store *st, const uint8_t key[DOSSIER_KEY_LEN],
    struct dossier *d)
{
	MDB_txn	*txn = NULL;
	MDB_val	 k = { DOSSIER_KEY_LEN, (void *)key }, v;
	int	 rc;

	if ((rc = store_txn_begin(st, MDB_RDONLY, &txn)) != 0)
		goto out;
	if ((rc = mdb_get(txn, st->dossiers, &k, &v)) != 0)
		goto out;
	if (record_dossier_decode(v.mv_data, v.mv_size, d) == -1)
		rc = MDB_CORRUPTED;
out:
	store_txn_abort(st, txn);
	return (store_rc(rc));
}

/*
 * The overall level of the answer to a ticket id, in txn: 0 when it is
 * not answered, has no overall answer or was flagged suspect. An LMDB
 * code.
 */
static int
ticket_overall(struct store *st, MDB_txn *txn, const MDB_val *id,
    struct response *r, uint8_t *level, uint8_t *complaint)
{
	struct ticket	 t;
	struct followup	*f;
	uint8_t		 kb[8];
	MDB_val		 k, v;
	size_t		 i;
	int		 rc;

	*level = 0;
	k = *id;
	if ((rc = mdb_get(txn, st->tickets, &k, &v)) != 0)
		return (rc == MDB_NOTFOUND ? MDB_CORRUPTED : rc);
	if ((rc = store_ticket_read(st, txn, &v, &t)) != 0)
		return (rc);
	if (t.state != TICKET_ANSWERED)
		return (0);
	be64_put(kb, t.response);
	k.mv_data = kb;
	k.mv_size = 8;
	if ((rc = mdb_get(txn, st->responses, &k, &v)) != 0)
		return (rc == MDB_NOTFOUND ? MDB_CORRUPTED : rc);
	if (record_response_decode(v.mv_data, v.mv_size, r) == -1)
		return (MDB_CORRUPTED);
	/* A follow-up the citizen filed on this answer: a complaint. */
	k.mv_data = kb;
	k.mv_size = 8;
	if ((rc = mdb_get(txn, st->followups, &k, &v)) == 0) {
		f = xmalloc(sizeof(*f));
		if (record_followup_decode(v.mv_data, v.mv_size, f) == -1) {
			free(f);
			return (MDB_CORRUPTED);
		}
		if (f->filed)
			*complaint = 1;
		free(f);
	} else if (rc != MDB_NOTFOUND)
		return (rc);
	if (r->flags & RESPONSE_SUSPECT)
		return (0);
	for (i = 0; i < r->nanswers; i++)
		if (strcmp(r->answers[i].q, SURVEY_OVERALL) == 0) {
			*level = r->answers[i].level;
			break;
		}
	return (0);
}

int
store_each_dossier(struct store *st,
    int (*fn)(const struct dossier *, const struct dossier_ratings *,
    void *), void *arg)
{
	struct store_walk		 w;
	struct dossier		 d;
	struct dossier_ratings	 rt;
	struct response		*r;
	uint8_t			 sh[32], ck[CASE_KEY_LEN];
	MDB_val			 k, v;
	int			 rc, ret = 0, s;

	if (store_walk_begin(&w, st, st->dossiers, NULL, 0) == -1)
		return (-1);
	r = xmalloc(sizeof(*r));
	while ((rc = store_walk_next(&w)) == 1) {
		if (w.k.mv_size != DOSSIER_KEY_LEN ||
		    record_dossier_decode(w.v.mv_data, w.v.mv_size,
		    &d) == -1) {
			ret = -1;
			break;
		}
		memset(&rt, 0, sizeof(rt));
		/* Its tickets, one per stage, found as issuing finds
		 * them again. */
		for (s = 0; s < STAGE_COUNT && ret == 0; s++) {
			record_stage_hash((const uint8_t *)w.k.mv_data +
			    UNIT_CODE_MAX, s, sh);
			record_case_key(d.unit, sh, ck);
			k.mv_data = ck;
			k.mv_size = sizeof(ck);
			rc = mdb_get(w.txn, st->by_case, &k, &v);
			if (rc == MDB_NOTFOUND)
				continue;
			if (rc != 0 || v.mv_size != TICKET_ID_LEN ||
			    ticket_overall(st, w.txn, &v, r,
			    &rt.level[s], &rt.complaint) != 0) {
				ret = -1;
				break;
			}
			rt.asked[s] = 1;
		}
		if (ret != 0 || (ret = fn(&d, &rt, arg)) != 0)
			break;
	}
	if (rc == -1)
		ret = -1;
	free(r);
	store_walk_end(&w);
	return (ret);
}

enum hl_rc
store_ticket_dossier(struct store *st, const uint8_t id[TICKET_ID_LEN],
    int *stage, struct dossier *d)
{
	MDB_txn	*txn = NULL;
	MDB_val	 k = { TICKET_ID_LEN, (void *)id }, v;
	uint8_t	 dk[CASE_KEY_LEN], s;
	int	 rc;

	*stage = STAGE_RETURNED;
	memset(d, 0, sizeof(*d));
	if ((rc = store_txn_begin(st, MDB_RDONLY, &txn)) != 0)
		goto out;
	if ((rc = mdb_get(txn, st->ticket_dossiers, &k, &v)) != 0)
		goto out;
	if (record_ticket_link_decode(v.mv_data, v.mv_size, &s, dk) == -1) {
		rc = MDB_CORRUPTED;
		goto out;
	}
	*stage = s;
	k.mv_data = dk;
	k.mv_size = sizeof(dk);
	if ((rc = mdb_get(txn, st->dossiers, &k, &v)) != 0)
		goto out;
	if (record_dossier_decode(v.mv_data, v.mv_size, d) == -1)
		rc = MDB_CORRUPTED;
out:
	store_txn_abort(st, txn);
	return (store_rc(rc));
}

int
store_each_evaluation(struct store *st, uint64_t from_us, uint64_t to_us,
    int (*fn)(const struct store_eval *, void *), void *arg)
{
	struct store_walk		 w;
	struct store_eval	 e;
	struct response		*r;
	struct ticket		 t;
	struct dossier		 d;
	uint8_t			 kb[8], dk[CASE_KEY_LEN], stage;
	MDB_val			 k, v;
	int			 rc, ret = -1;

	be64_put(kb, from_us);
	if (store_walk_begin(&w, st, st->responses, kb, sizeof(kb)) == -1)
		return (-1);
	r = xmalloc(sizeof(*r));
	while ((rc = store_walk_next(&w)) == 1) {
		if (w.k.mv_size != 8)
			goto out;
		if (be64_get(w.k.mv_data) >= to_us) {
			rc = 0;
			break;
		}
		if (record_response_decode(w.v.mv_data, w.v.mv_size, r) == -1)
			goto out;
		if (!r->has_ticket)
			continue;
		k.mv_data = r->ticket;
		k.mv_size = TICKET_ID_LEN;
		if ((rc = mdb_get(w.txn, st->ticket_dossiers, &k, &v)) ==
		    MDB_NOTFOUND)
			continue;
		if (rc != 0 || record_ticket_link_decode(v.mv_data,
		    v.mv_size, &stage, dk) == -1)
			goto out;
		if (mdb_get(w.txn, st->tickets, &k, &v) != 0 ||
		    store_ticket_read(st, w.txn, &v, &t) != 0)
			goto out;
		memset(&e, 0, sizeof(e));
		e.r = r;
		e.t = &t;
		e.stage = stage;
		e.dkey = dk;
		k.mv_data = dk;
		k.mv_size = sizeof(dk);
		rc = mdb_get(w.txn, st->dossiers, &k, &v);
		if (rc == 0) {
			if (record_dossier_decode(v.mv_data, v.mv_size,
			    &d) == -1)
				goto out;
			e.d = &d;
		} else if (rc != MDB_NOTFOUND)
			goto out;
		if ((rc = fn(&e, arg)) != 0)
			break;
	}
	ret = rc;
out:
	store_walk_end(&w);
	free(r);
	return (ret);
}

int
store_each_dossier_stat(struct store *st, uint32_t from, uint32_t to,
    int (*fn)(const struct dossier_stat *, void *), void *arg)
{
	struct store_walk		 w;
	struct dossier_stat	 ds;
	uint8_t			 kb[4];
	int			 rc, ret = 0;

	be32_put(kb, from);
	if (store_walk_begin(&w, st, st->dossier_stats, kb, sizeof(kb)) == -1)
		return (-1);
	while ((rc = store_walk_next(&w)) == 1) {
		if (record_dstat_decode(w.k.mv_data, w.k.mv_size, w.v.mv_data,
		    w.v.mv_size, &ds) == -1) {
			ret = -1;
			break;
		}
		if (ds.month > to)
			break;
		if ((ret = fn(&ds, arg)) != 0)
			break;
	}
	if (rc == -1)
		ret = -1;
	store_walk_end(&w);
	return (ret);
}
