/*
 * store_stage.c: the counters by stage (format 10): the answers of each
 * stage a ticket asks at (received, supplement, refused, returned) and of
 * walk-ins: stage_sums, the overall question's levels per month, unit,
 * sector and stage (one row each: what a report reads for every unit),
 * and stage_agg, the aspect questions' answers per month, sector, unit
 * (with the unit "" rollups), question, level and stage. The writer adds
 * to them (counts.c says what); here they are created and filled on the
 * upgrade, compared by verify and read by reports.
 * Trap: the upgrade's fill writes, like the other rebuilds, only in the
 * open's own transaction; everything else here only reads.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "counts.h"
#include "record.h"
#include "store.h"
#include "store_priv.h"
#include "util.h"

/* Every response's stage counts, added up in tb. */
static int
stage_recount(struct store *st, MDB_txn *txn, struct counts_table *tb)
{
	MDB_cursor	*c = NULL;
	MDB_val		 k, v, tk, tv;
	struct response	*r;
	struct counts	*cc;
	struct ticket	 t;
	const struct ticket *tp;
	int		 rc;

	r = xmalloc(sizeof(*r));
	cc = xmalloc(sizeof(*cc));
	if ((rc = mdb_cursor_open(txn, st->responses, &c)) != 0)
		goto out;
	for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		/* A damaged record is passed over (verify names it). */
		if (k.mv_size != 8 ||
		    record_response_decode(v.mv_data, v.mv_size, r) == -1)
			continue;
		tp = NULL;
		if (r->has_ticket) {
			tk.mv_data = r->ticket;
			tk.mv_size = TICKET_ID_LEN;
			if (mdb_get(txn, st->tickets, &tk, &tv) == 0 &&
			    store_ticket_read(st, txn, &tv, &t) == 0)
				tp = &t;
		}
		if (counts_response(r, tp, cc) == 0) {
			/* Only the stage parts: the rest is stored. */
			cc->nagg = cc->nsum = cc->ndesk = 0;
			counts_table_add(tb, cc);
		}
	}
	if (rc == MDB_NOTFOUND)
		rc = 0;
out:
	if (c != NULL)
		mdb_cursor_close(c);
	free(cc);
	free(r);
	return (rc);
}

int
store_add_stage_counts(struct store *st, MDB_txn *txn, uint32_t was)
{
	struct counts_table	 tb;
	MDB_val			 k, v;
	uint8_t			 vb[STAGE_SUM_VAL_LEN];
	size_t			 i;
	int			 rc;

	if ((rc = mdb_dbi_open(txn, "stage_agg", MDB_CREATE,
	    &st->stage_agg)) != 0 ||
	    (rc = mdb_dbi_open(txn, "stage_sums", MDB_CREATE,
	    &st->stage_sums)) != 0)
		return (rc);
	/* A new directory, or one that counts by stage already. */
	if (was == 0 || was >= 10)
		return (0);
	memset(&tb, 0, sizeof(tb));
	if ((rc = mdb_drop(txn, st->stage_agg, 0)) != 0 ||
	    (rc = mdb_drop(txn, st->stage_sums, 0)) != 0 ||
	    (rc = stage_recount(st, txn, &tb)) != 0)
		goto out;
	counts_table_merge(&tb);
	for (i = 0; i < tb.nstage; i++) {
		be64_put(vb, tb.stage[i].n);
		k.mv_data = tb.stage[i].k;
		k.mv_size = STAGE_AGG_KEY_LEN;
		v.mv_data = vb;
		v.mv_size = 8;
		if ((rc = mdb_put(txn, st->stage_agg, &k, &v, 0)) != 0)
			goto out;
	}
	for (i = 0; i < tb.nstsum; i++) {
		counts_stsum_value(tb.stsum[i].c, vb);
		k.mv_data = tb.stsum[i].k;
		k.mv_size = STAGE_SUM_KEY_LEN;
		v.mv_data = vb;
		v.mv_size = STAGE_SUM_VAL_LEN;
		if ((rc = mdb_put(txn, st->stage_sums, &k, &v, 0)) != 0)
			goto out;
	}
out:
	counts_table_clear(&tb);
	return (rc);
}

static void
stage_report(FILE *out, const uint8_t *kb, uint64_t stored, uint64_t recomp)
{
	struct agg_key	 ak;

	if (record_agg_key_decode(kb, AGG_KEY_LEN, &ak) == -1) {
		fprintf(out, "stage_agg (malformed key): stored %llu, "
		    "recomputed %llu\n", (unsigned long long)stored,
		    (unsigned long long)recomp);
		return;
	}
	fprintf(out, "stage_agg %u %s %s %s %u stage %u: stored %llu, "
	    "recomputed %llu\n", (unsigned)ak.month, ak.sector, ak.unit,
	    ak.question, (unsigned)ak.level, (unsigned)kb[AGG_KEY_LEN],
	    (unsigned long long)stored, (unsigned long long)recomp);
}

static long
stage_agg_verify(struct store *st, MDB_txn *txn,
    const struct counts_table *tb, FILE *out)
{
	MDB_cursor	*c = NULL;
	MDB_val		 k, v;
	uint64_t	 stored;
	long		 bad = 0;
	size_t		 i = 0;
	int		 rc, cmp;

	if (mdb_cursor_open(txn, st->stage_agg, &c) != 0)
		return (-1);
	rc = mdb_cursor_get(c, &k, &v, MDB_FIRST);
	while (rc == 0 || i < tb->nstage) {
		if (rc != 0 && rc != MDB_NOTFOUND) {
			bad = -1;
			break;
		}
		if (rc == 0 && (k.mv_size != STAGE_AGG_KEY_LEN ||
		    v.mv_size != 8)) {
			fprintf(out, "stage_agg record of %zu+%zu bytes: "
			    "malformed\n", k.mv_size, v.mv_size);
			bad++;
			rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
			continue;
		}
		if (rc != 0)
			cmp = 1;
		else if (i == tb->nstage)
			cmp = -1;
		else
			cmp = memcmp(k.mv_data, tb->stage[i].k,
			    STAGE_AGG_KEY_LEN);
		stored = cmp <= 0 ? be64_get(v.mv_data) : 0;
		if (cmp < 0) {
			if (stored != 0) {
				stage_report(out, k.mv_data, stored, 0);
				bad++;
			}
			rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
		} else if (cmp > 0) {
			stage_report(out, tb->stage[i].k, 0, tb->stage[i].n);
			bad++;
			i++;
		} else {
			if (stored != tb->stage[i].n) {
				stage_report(out, tb->stage[i].k, stored,
				    tb->stage[i].n);
				bad++;
			}
			rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
			i++;
		}
	}
	mdb_cursor_close(c);
	return (bad);
}

static long
stsum_report(FILE *out, const uint8_t *kb, const uint64_t *stored,
    const uint64_t *recomp)
{
	char	 unit[UNIT_CODE_MAX + 1], sector[SECTOR_CODE_MAX + 1];
	uint32_t month;
	long	 bad = 0;
	size_t	 i;

	if (record_sum_key_decode(kb, SUM_KEY_LEN, &month, unit,
	    sector) == -1) {
		fprintf(out, "stage_sums (malformed key)\n");
		return (1);
	}
	for (i = 0; i < STAGE_SUM_NCOUNTERS; i++) {
		if (stored[i] == recomp[i])
			continue;
		fprintf(out, "stage_sums %u %s %s stage %u %slevel %zu: stored "
		    "%llu, recomputed %llu\n", (unsigned)month, unit, sector,
		    (unsigned)kb[SUM_KEY_LEN], i >= SURVEY_LEVELS ?
		    "suspect " : "", i % SURVEY_LEVELS + 1,
		    (unsigned long long)stored[i],
		    (unsigned long long)recomp[i]);
		bad++;
	}
	return (bad);
}

static long
stage_sums_verify(struct store *st, MDB_txn *txn,
    const struct counts_table *tb, FILE *out)
{
	struct verify_rows	 t = { "stage_sums", st->stage_sums,
	    STAGE_SUM_KEY_LEN, STAGE_SUM_NCOUNTERS, tb->stsum, tb->nstsum,
	    sizeof(tb->stsum[0]), offsetof(struct counts_stsum, k),
	    offsetof(struct counts_stsum, c), counts_stsum_counters,
	    stsum_report };

	return (store_verify_rows(txn, &t, out));
}

long
store_stage_verify(struct store *st, MDB_txn *txn,
    const struct counts_table *tb, FILE *out)
{
	long	 n, n2;

	if ((n = stage_agg_verify(st, txn, tb, out)) == -1 ||
	    (n2 = stage_sums_verify(st, txn, tb, out)) == -1)
		return (-1);
	return (n + n2);
}

int
store_each_stage_sum(struct store *st, struct store_snap *snap,
    uint32_t month, int (*fn)(const struct store_stage_sum *, void *),
    void *arg)
{
	MDB_cursor		*c = NULL;
	MDB_val			 k, v;
	struct store_stage_sum	 ss;
	uint8_t			 kb[4];
	int			 rc, ret = -1;

	if (mdb_cursor_open(store_snap_txn(snap), st->stage_sums, &c) != 0)
		return (-1);
	be32_put(kb, month);
	k.mv_data = kb;
	k.mv_size = sizeof(kb);
	for (rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE); rc == 0;
	    rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		if (k.mv_size != STAGE_SUM_KEY_LEN ||
		    record_sum_key_decode(k.mv_data, SUM_KEY_LEN, &ss.month,
		    ss.unit, ss.sector) == -1 ||
		    counts_stsum_counters(v.mv_data, v.mv_size, ss.c) == -1)
			goto out;
		if (ss.month != month)
			break;
		ss.stage = ((const uint8_t *)k.mv_data)[SUM_KEY_LEN];
		if ((rc = fn(&ss, arg)) != 0) {
			ret = rc;
			goto out;
		}
	}
	if (rc != 0 && rc != MDB_NOTFOUND)
		goto out;
	ret = 0;
out:
	mdb_cursor_close(c);
	return (ret);
}

int
store_each_stage_q(struct store *st, struct store_snap *snap, uint32_t month,
    const char *unit,
    int (*fn)(const struct agg_key *, int stage, uint64_t, void *),
    void *arg)
{
	MDB_cursor	*c = NULL;
	MDB_val		 k, v;
	struct agg_key	 ak;
	uint8_t		 kb[STAGE_AGG_KEY_LEN];
	const size_t	 so = 4, uo = 4 + SECTOR_CODE_MAX + 1;
	const size_t	 qo = uo + UNIT_CODE_MAX + 1;
	size_t		 ul;
	int		 rc, ret = -1;

	if ((ul = strnlen(unit, UNIT_CODE_MAX + 1)) > UNIT_CODE_MAX)
		return (0);
	if (mdb_cursor_open(store_snap_txn(snap), st->stage_agg, &c) != 0)
		return (-1);
	/* Sector by sector: a seek to (month, sector, unit), its run. */
	memset(kb, 0, sizeof(kb));
	be32_put(kb, month);
	for (;;) {
		memset(kb + uo, 0, sizeof(kb) - uo);
		memcpy(kb + uo, unit, ul);
		k.mv_data = kb;
		k.mv_size = sizeof(kb);
		if ((rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE)) != 0)
			break;
		if (k.mv_size != STAGE_AGG_KEY_LEN)
			goto out;
		if (be32_get(k.mv_data) != month)
			break;
		/* Landed in a later sector: look there. */
		if (memcmp(k.mv_data, kb, uo) != 0) {
			memcpy(kb + so, (uint8_t *)k.mv_data + so,
			    SECTOR_CODE_MAX + 1);
			continue;
		}
		for (; rc == 0; rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
			if (k.mv_size != STAGE_AGG_KEY_LEN)
				goto out;
			if (memcmp(k.mv_data, kb, qo) != 0)
				break;
			if (v.mv_size != 8 || record_agg_key_decode(k.mv_data,
			    AGG_KEY_LEN, &ak) == -1)
				goto out;
			if ((rc = fn(&ak, ((const uint8_t *)k.mv_data)[
			    AGG_KEY_LEN], be64_get(v.mv_data), arg)) != 0) {
				ret = rc;
				goto out;
			}
		}
		if (rc != 0)
			break;
		/* Past this sector: the next one present. */
		memset(kb + uo, 0xff, sizeof(kb) - uo);
		k.mv_data = kb;
		k.mv_size = sizeof(kb);
		if ((rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE)) != 0)
			break;
		if (k.mv_size != STAGE_AGG_KEY_LEN)
			goto out;
		if (be32_get(k.mv_data) != month)
			break;
		memcpy(kb + so, (uint8_t *)k.mv_data + so, SECTOR_CODE_MAX + 1);
	}
	if (rc != 0 && rc != MDB_NOTFOUND)
		goto out;
	ret = 0;
out:
	mdb_cursor_close(c);
	return (ret);
}
