/*
 * store_priv.h: what store.c shares with writer.c (and the tests) only:
 * the store's insides, the LMDB key layouts, transactions under the
 * store's lock, and map growth. Nothing else includes it.
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
#include <stddef.h>
#include <stdint.h>

#include <lmdb.h>

#include "store.h"

#define STORE_MAXDBS		16
#define STORE_MAXREADERS	256
#define STORE_RESIZE_TRIES	8	/* MDB_MAP_RESIZED retries per begin */

/* Fixed-width keys (schema/STORAGE.md). */
#define CASE_KEY_LEN	(UNIT_CODE_MAX + 32)
#define AGG_KEY_LEN	(4 + (SECTOR_CODE_MAX + 1) + (UNIT_CODE_MAX + 1) + \
	    (QUESTION_ID_MAX + 1) + 1)
/* sums: month | unit (33) | sector (16) -> version, SUM_NCOUNTERS u64. */
#define SUM_KEY_LEN	(4 + (UNIT_CODE_MAX + 1) + (SECTOR_CODE_MAX + 1))
#define SUM_VERSION	1
#define SUM_ISSUED	SURVEY_LEVELS
#define SUM_CHANNEL	(SUM_ISSUED + 1)
#define SUM_SUSPECT	(SUM_CHANNEL + CHANNEL_COUNT)
#define SUM_NCOUNTERS	(SUM_SUSPECT + 1)
#define SUM_VAL_LEN	(1 + 8 * SUM_NCOUNTERS)
#define COMMENT_KEY_LEN	(4 + 8)
#define ANSWERED_KEY_LEN	(8 + TICKET_ID_LEN)
#define COMMENT_VAL_LEN	((SECTOR_CODE_MAX + 1) + (UNIT_CODE_MAX + 1))
#define APIKEY_ENC_MAX	(1 + 1 + 8 + 1 + KEY_NAME_MAX + 1 + UNIT_CODE_MAX + \
	    1 + COUNTER_MAX + 8 + 3 * 4)

struct store {
	MDB_env			*env;
	MDB_dbi			 meta;
	MDB_dbi			 tickets;
	MDB_dbi			 by_case;
	MDB_dbi			 responses;
	MDB_dbi			 agg;
	MDB_dbi			 keys;
	MDB_dbi			 enrol;		/* code hash -> struct enrol */
	MDB_dbi			 idem;		/* idem_hash -> struct idem */
	MDB_dbi			 sums;		/* SUM_KEY_LEN -> counters */
	MDB_dbi			 comments;	/* month | response key */
	MDB_dbi			 answered;	/* issued | ticket id */
	pthread_rwlock_t	 lock;
	int			 lock_init;
	struct keyring		 kr;
	char			 tz[STORE_TZ_MAX + 1];
	char			*dir;
};

/* LMDB or errno code to a result: MDB_NOTFOUND is HL_NOT_FOUND, ENOSPC
 * HL_FULL, anything else HL_ERROR. */
enum hl_rc store_rc(int);

/*
 * Begins a transaction (flags: 0 or MDB_RDONLY; never nested) holding
 * st->lock shared, picking up a map grown by another process. Returns 0
 * with the lock held, or an LMDB code with it released.
 */
int	 store_txn_begin(struct store *, unsigned int flags, MDB_txn **);
/* Aborts txn and releases the lock. */
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

void	 store_case_key(const char *unit, const uint8_t hash[32],
	    uint8_t out[CASE_KEY_LEN]);
/* -1 when a field is too long for its slot. */
int	 store_agg_key(const struct agg_key *, uint8_t out[AGG_KEY_LEN]);
int	 store_agg_key_decode(const uint8_t *, size_t, struct agg_key *);

/* -1 when a field is too long for its slot. */
int	 store_sum_key(uint32_t month, const char *unit, const char *sector,
	    uint8_t out[SUM_KEY_LEN]);
/*
 * Adds d[0..SUM_NCOUNTERS) to the sums row (month, unit, sector) and,
 * when unit is not "", to (month, "", sector); in the writer's txn.
 * Returns an LMDB code, or EINVAL for a field too long.
 */
int	 store_sum_bump(struct store *, MDB_txn *, uint32_t month,
	    const char *unit, const char *sector, const uint64_t *d);
/*
 * Where the counters of one record go: agg() one agg key, sum() one sums
 * row (the callee adds the unit "" row too, as store_sum_bump() does).
 * Each returns 0 or a code that stops the count and is returned.
 */
struct count_sink {
	int	(*agg)(void *, uint32_t month, const char *sector,
		    const char *unit, const char *q, uint8_t level);
	int	(*sum)(void *, uint32_t month, const char *unit,
		    const char *sector, const uint64_t *d);
	void	*arg;
};
/*
 * The counters one stored response (its month set) or one issued ticket
 * adds: the one rule that the writer applies and that verify and the
 * rebuild recompute. A response: each answer under (sector, unit) and
 * its unit "" rollup, its channel and suspect flag under (sector, unit),
 * one sums row; the sector is response_agg_sector(). A ticket: issued,
 * under its counting unit, in the month of issue.
 */
int	 store_count_response(const struct response *,
	    const struct count_sink *);
int	 store_count_ticket(const struct ticket *, const struct count_sink *);
/*
 * Rebuilds agg (every counter, with the unit "" rollups) and sums from
 * tickets and responses in txn (a write transaction): the upgrade from
 * formats 1 to 5. Returns an LMDB code.
 */
int	 store_rebuild_sums(struct store *, MDB_txn *);
/*
 * Indexes a stored response that has a comment (no-op without one), in
 * the writer's txn: the month's comments are read from the index, not by
 * walking the responses. Returns an LMDB code, or EINVAL.
 */
int	 store_comment_index(struct store *, MDB_txn *,
	    const struct response *);
/*
 * A ticket record v read in txn, with its answer: since format 5 an
 * answer leaves the record as it was issued and adds a record to
 * `answered` keyed by issue time, so that the answers of one batch, to
 * tickets issued close together, dirty few pages. Returns 0, an LMDB
 * code, or MDB_CORRUPTED for a record that does not decode.
 */
int	 store_ticket_read(struct store *, MDB_txn *, const MDB_val *v,
	    struct ticket *);
/* Records t as answered by response (t must be open), in the writer's txn. */
int	 store_ticket_answer(struct store *, MDB_txn *, const struct ticket *,
	    uint64_t response);
/* Builds the comment index from the responses: the upgrade to format 4. */
int	 store_rebuild_comments(struct store *, MDB_txn *);

size_t	 apikey_encode(const struct apikey *, uint8_t *out, size_t outlen);
int	 apikey_decode(const uint8_t *in, size_t len, struct apikey *);

static inline void
be64_put(uint8_t *p, uint64_t v)
{
	int	 i;

	for (i = 7; i >= 0; i--) {
		p[i] = (uint8_t)v;
		v >>= 8;
	}
}

static inline uint64_t
be64_get(const uint8_t *p)
{
	uint64_t v = 0;
	int	 i;

	for (i = 0; i < 8; i++)
		v = (v << 8) | p[i];
	return (v);
}

static inline void
be32_put(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline uint32_t
be32_get(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3]);
}

#endif
