/*
 * store_status.c: counts, sizes and the oldest record of every table,
 * for `hailong status`.
 * Trap: tickets, keys, enrolment codes and idempotency records are keyed
 * by hashes and random ids, so their oldest record takes a walk over the
 * table (a second or so per million tickets) in the one read
 * transaction; the other tables' keys start with a time or a month.
 */
#include <string.h>

#include "store_priv.h"
#include "store_status.h"
#include "util.h"

/* What a table's records say of their time. */
enum status_how {
	HOW_NONE,
	HOW_KEY_USEC,		/* be64 µs at the key's start */
	HOW_KEY_SEC,		/* be64 seconds */
	HOW_KEY_MONTH,		/* be32 YYYYMM */
	HOW_TICKET,
	HOW_APIKEY,
	HOW_ENROL,
	HOW_IDEM,
	HOW_PENDING,
	HOW_USER
};

/* The record's time (seconds or YYYYMM); -1 when it has none. */
static int64_t
status_time(enum status_how how, const MDB_val *k, const MDB_val *v)
{
	struct ticket	 t;
	struct apikey	 ak;
	struct enrol	 en;
	struct idem	 im;
	struct pending	 pd;
	struct user	 u;

	switch (how) {
	case HOW_KEY_USEC:
		return (k->mv_size >= 8 ?
		    (int64_t)(be64_get(k->mv_data) / 1000000u) : -1);
	case HOW_KEY_SEC:
		return (k->mv_size >= 8 ? (int64_t)be64_get(k->mv_data) : -1);
	case HOW_KEY_MONTH:
		return (k->mv_size >= 4 ? (int64_t)be32_get(k->mv_data) : -1);
	case HOW_TICKET:
		return (record_ticket_decode(v->mv_data, v->mv_size, &t) == 0 ?
		    t.issued : -1);
	case HOW_APIKEY:
		return (record_apikey_decode(v->mv_data, v->mv_size,
		    &ak) == 0 ? ak.created : -1);
	case HOW_ENROL:
		return (record_enrol_decode(v->mv_data, v->mv_size, &en) == 0 ?
		    en.created : -1);
	case HOW_IDEM:
		return (record_idem_decode(v->mv_data, v->mv_size, &im) == 0 ?
		    im.created : -1);
	case HOW_PENDING:
		return (record_pending_decode(v->mv_data, v->mv_size,
		    &pd) == 0 ? pd.offered : -1);
	case HOW_USER:
		return (record_user_decode(v->mv_data, v->mv_size, &u) == 0 ?
		    u.created : -1);
	default:
		return (-1);
	}
}

static int
status_table(MDB_txn *txn, MDB_dbi db, enum status_how how,
    struct store_table_status *ts)
{
	MDB_stat	 ms;
	MDB_cursor	*c;
	MDB_val		 k, v;
	int64_t		 t;
	int		 rc;
	MDB_cursor_op	 op = MDB_FIRST;
	int		 walk = how == HOW_TICKET || how == HOW_APIKEY ||
	    how == HOW_ENROL || how == HOW_IDEM || how == HOW_PENDING;

	if ((rc = mdb_stat(txn, db, &ms)) != 0)
		return (rc);
	ts->records = ms.ms_entries;
	ts->bytes = (uint64_t)ms.ms_psize * (ms.ms_branch_pages +
	    ms.ms_leaf_pages + ms.ms_overflow_pages);
	ts->kind = how == HOW_NONE ? STORE_OLDEST_NONE :
	    how == HOW_KEY_MONTH ? STORE_OLDEST_MONTH : STORE_OLDEST_TIME;
	ts->oldest = 0;
	if (how == HOW_NONE || ms.ms_entries == 0)
		return (0);
	if ((rc = mdb_cursor_open(txn, db, &c)) != 0)
		return (rc);
	for (;; op = MDB_NEXT) {
		if ((rc = mdb_cursor_get(c, &k, &v, op)) != 0)
			break;
		if ((t = status_time(how, &k, &v)) >= 0 &&
		    (ts->oldest == 0 || t < ts->oldest))
			ts->oldest = t;
		if (!walk && ts->oldest != 0)
			break;
	}
	mdb_cursor_close(c);
	return (rc == MDB_NOTFOUND ? 0 : rc);
}

int
store_status(struct store *st, struct store_status *out)
{
	const struct {
		const char	*name;
		MDB_dbi		 db;
		enum status_how	 how;
	} tables[STORE_STATUS_TABLES] = {
		{ "meta", st->meta, HOW_NONE },
		{ "tickets", st->tickets, HOW_TICKET },
		{ "by_case", st->by_case, HOW_NONE },
		{ "answered", st->answered, HOW_KEY_SEC },
		{ "responses", st->responses, HOW_KEY_USEC },
		{ "comments", st->comments, HOW_KEY_MONTH },
		{ "agg", st->agg, HOW_KEY_MONTH },
		{ "sums", st->sums, HOW_KEY_MONTH },
		{ "desks", st->desks, HOW_KEY_MONTH },
		{ "stage_agg", st->stage_agg, HOW_KEY_MONTH },
		{ "stage_sums", st->stage_sums, HOW_KEY_MONTH },
		{ "keys", st->keys, HOW_APIKEY },
		{ "enrol", st->enrol, HOW_ENROL },
		{ "idem", st->idem, HOW_IDEM },
		{ "pending", st->pending, HOW_PENDING },
		{ "users", st->users, HOW_USER },
		{ "audit", st->audit, HOW_KEY_USEC },
		{ "catalog", st->catalog, HOW_NONE },
		{ "dossiers", st->dossiers, HOW_NONE },
		{ "ticket_dossiers", st->ticket_dossiers, HOW_NONE },
		{ "dossier_stats", st->dossier_stats, HOW_KEY_MONTH },
		/* Keyed by the response's key (µs), as responses. */
		{ "followups", st->followups, HOW_KEY_USEC },
		{ "followup_log", st->followup_log, HOW_KEY_USEC },
		{ "contacts", st->contacts, HOW_KEY_USEC },
		{ "outbox", st->outbox, HOW_KEY_USEC },
	};
	MDB_txn		*txn = NULL;
	MDB_envinfo	 ei;
	MDB_stat	 ms;
	size_t		 i;
	int		 rc;

	memset(out, 0, sizeof(*out));
	if ((rc = store_txn_begin(st, MDB_RDONLY, &txn)) != 0)
		return (-1);
	if ((rc = mdb_env_info(st->env, &ei)) != 0 ||
	    (rc = mdb_env_stat(st->env, &ms)) != 0)
		goto out;
	out->map_size = ei.me_mapsize;
	out->page_size = ms.ms_psize;
	out->map_used = (uint64_t)(ei.me_last_pgno + 1) * ms.ms_psize;
	out->readers = ei.me_numreaders;
	for (i = 0; i < STORE_STATUS_TABLES; i++) {
		out->tables[i].name = tables[i].name;
		if ((rc = status_table(txn, tables[i].db, tables[i].how,
		    &out->tables[i])) != 0)
			goto out;
	}
	out->ntables = STORE_STATUS_TABLES;
out:
	store_txn_abort(st, txn);
	return (rc == 0 ? 0 : -1);
}
