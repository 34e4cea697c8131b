/*
 * store_priv.h: what the store's files (store.c, store_read.c,
 * store_verify.c) share with the writer (writer.c) and the tests only:
 * the store's insides, transactions under the store's lock, map growth,
 * reading a ticket with its answer, and the rebuilds of a format
 * upgrade. Nothing else includes it.
 *
 * Every transaction (read or write) of this process holds st->lock
 * shared for its whole life; changing the map size (MDB_MAP_FULL in the
 * writer, MDB_MAP_RESIZED from another process) holds it exclusive, since
 * LMDB unmaps the old map under any transaction still open. So: never
 * wait for the writer from inside a store_each_*() callback.
 */
#ifndef STORE_PRIV_H
#define STORE_PRIV_H

#include <pthread.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>

#include <lmdb.h>

#include "record.h"
#include "store.h"

#define STORE_MAXDBS		32
#define STORE_MAXREADERS	256
#define STORE_RESIZE_TRIES	8	/* MDB_MAP_RESIZED retries per begin */

struct store {
	MDB_env			*env;
	MDB_dbi			 meta;
	MDB_dbi			 tickets;
	MDB_dbi			 by_case;
	MDB_dbi			 responses;
	MDB_dbi			 agg;
	MDB_dbi			 keys;
	MDB_dbi			 enrol;		/* code hash -> struct enrol */
	MDB_dbi			 idem;		/* idem key -> struct idem */
	MDB_dbi			 sums;		/* SUM_KEY_LEN -> counters */
	MDB_dbi			 comments;	/* month | response key */
	MDB_dbi			 answered;	/* issued | ticket id */
	MDB_dbi			 desks;		/* DESK_KEY_LEN -> counters */
	MDB_dbi			 pending;	/* unit+counter hash -> pending */
	MDB_dbi			 users;		/* name slot -> struct user */
	MDB_dbi			 audit;		/* µs -> struct audit */
	MDB_dbi			 catalog;	/* type | code -> catrow */
	MDB_dbi			 dossiers;	/* CASE_KEY_LEN -> dossier */
	MDB_dbi			 ticket_dossiers; /* ticket id -> link */
	MDB_dbi			 dossier_stats;	/* DSTAT_KEY_LEN -> row */
	MDB_dbi			 followups;	/* response key -> item */
	MDB_dbi			 followup_log;	/* id | seq -> event */
	MDB_dbi			 contacts;	/* id -> sealed number */
	MDB_dbi			 outbox;	/* delivery id -> entry */
	MDB_dbi			 stage_agg;	/* STAGE_AGG_KEY_LEN -> u64 */
	MDB_dbi			 stage_sums;	/* STAGE_SUM_KEY_LEN -> counters */
	pthread_rwlock_t	 lock;
	int			 lock_init;
	struct keyring		 kr;
	char			 tz[STORE_TZ_MAX + 1];
	char			*dir;
};

/* store.c */
/* LMDB or errno code to a result: MDB_NOTFOUND is HL_NOT_FOUND, ENOSPC
 * HL_FULL, anything else HL_ERROR. */
enum hl_rc store_rc(int);
/*
 * Begins a transaction (flags: 0 or MDB_RDONLY; never nested) holding
 * st->lock shared, picking up a map grown by another process. Returns 0
 * with the lock held, or an LMDB code with it released.
 */
int	 store_txn_begin(struct store *, unsigned int flags, MDB_txn **);
/* Aborts txn (NULL is fine) and releases the lock. */
void	 store_txn_abort(struct store *, MDB_txn *);
/* Commits txn (durably) and releases the lock; returns the LMDB code. */
int	 store_txn_commit(struct store *, MDB_txn *);
/*
 * Doubles the map. The caller holds no transaction of this store.
 * Returns 0 or an LMDB code.
 */
int	 store_grow(struct store *);
/* Sets the map size (LMDB rounds it up to the data's size); tests. */
int	 store_mapsize_set(struct store *, size_t);
/* Current map size in bytes. */
size_t	 store_mapsize(struct store *);

/* store_read.c */
/*
 * A ticket record v read in txn, with its answer: since format 5 an
 * answer leaves the record as it was issued and adds a record to
 * `answered` keyed by issue time, so that the answers of one batch, to
 * tickets issued close together, dirty few pages. Returns 0, an LMDB
 * code, or MDB_CORRUPTED for a record that does not decode.
 */
int	 store_ticket_read(struct store *, MDB_txn *, const MDB_val *v,
	    struct ticket *);

/* store_verify.c: the rebuilds of a format upgrade, in its txn. */
/*
 * Rebuilds agg (every counter, with the unit "" rollups), sums and desks
 * from tickets and responses (counts.h) in txn, a write transaction: the
 * upgrade from formats 1 to 7. Returns an LMDB code.
 */
int	 store_rebuild_sums(struct store *, MDB_txn *);
/* Builds the comment index from the responses: the upgrade to format 4. */
int	 store_rebuild_comments(struct store *, MDB_txn *);

/* store_stage.c: the counters by stage (format 10). */
/*
 * Creates stage_agg and stage_sums when missing and, for a directory of an older
 * format (was 1 to 9), fills it from the responses and their tickets
 * (counts.h) in txn. Returns an LMDB code.
 */
int	 store_add_stage_counts(struct store *, MDB_txn *, uint32_t was);
struct counts_table;
/* Compares stage_agg and stage_sums with tb (merged), both ways: one line per
 * difference to out; the number of them, or -1 on a read error. */
long	 store_stage_verify(struct store *, MDB_txn *,
	    const struct counts_table *tb, FILE *out);
/* The transaction of a snapshot (store_read.c). */
MDB_txn	*store_snap_txn(struct store_snap *);

/*
 * A walk over one database in key order, in a read transaction of its
 * own: store_walk_next() gives each record in k and v.
 */
struct store_walk {
	struct store	*st;
	MDB_txn		*txn;
	MDB_cursor	*c;
	MDB_val		 k, v;
	MDB_cursor_op	 op;
};

static inline void
store_walk_end(struct store_walk *w)
{
	if (w->c != NULL)
		mdb_cursor_close(w->c);
	store_txn_abort(w->st, w->txn);
	w->c = NULL;
	w->txn = NULL;
}

/* From the first key, or from the first >= start[0..len). 0 or -1. */
static inline int
store_walk_begin(struct store_walk *w, struct store *st, MDB_dbi dbi,
    const void *start, size_t len)
{
	memset(w, 0, sizeof(*w));
	w->st = st;
	w->op = start != NULL ? MDB_SET_RANGE : MDB_FIRST;
	w->k.mv_data = (void *)start;
	w->k.mv_size = len;
	if (store_txn_begin(st, MDB_RDONLY, &w->txn) != 0) {
		w->txn = NULL;
		return (-1);
	}
	if (mdb_cursor_open(w->txn, dbi, &w->c) != 0) {
		w->c = NULL;
		store_walk_end(w);
		return (-1);
	}
	return (0);
}

/* 1 with the next record in w->k, w->v; 0 at the end; -1 on an error. */
static inline int
store_walk_next(struct store_walk *w)
{
	int	 rc;

	rc = mdb_cursor_get(w->c, &w->k, &w->v, w->op);
	w->op = MDB_NEXT;
	if (rc == MDB_NOTFOUND)
		return (0);
	return (rc == 0 ? 1 : -1);
}


/*
 * One table of counter rows checked against its recomputation, both
 * sorted by key (verify's walk of sums, desks and stage_sums): decode
 * gives a stored value's counters (-1 when malformed); report says each
 * counter of a key that differs (a row missing on one side is zeros) and
 * returns how many. store_verify_rows() returns the disagreements, -1
 * when LMDB fails.
 */
#define VERIFY_ROW_COUNTERS_MAX	16
struct verify_rows {
	const char	*name;
	MDB_dbi		 dbi;
	size_t		 klen;
	size_t		 ncounters;	/* <= VERIFY_ROW_COUNTERS_MAX */
	const void	*rows;		/* nrows of stride bytes: the key at */
	size_t		 nrows;		/* koff, the counters (u64) at coff */
	size_t		 stride, koff, coff;
	int		(*decode)(const uint8_t *, size_t, uint64_t *);
	long		(*report)(FILE *, const uint8_t *key,
			    const uint64_t *stored, const uint64_t *recomp);
};
long	 store_verify_rows(MDB_txn *, const struct verify_rows *, FILE *);

#endif
