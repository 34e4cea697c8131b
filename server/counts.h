/*
 * counts.h: what a record adds to the counters, said once. The writer
 * bumps these counters when it stores a record, verify recomputes them
 * from the records, and a format upgrade rebuilds them: all three take
 * them from counts_response() and counts_ticket().
 *
 * A response adds one to: each answer's agg key under (sector, unit) and
 * its unit "" rollup; its channel and, when flagged, suspect under
 * (sector, unit); and a sums row (month, unit, sector) with its unit ""
 * row, the overall answer's level, channel and suspect. When flagged,
 * its overall level is also counted as suspect (agg _suspect_overall
 * under (sector, unit) and its rollup, the sums' suspect levels), so
 * that figures can leave it out. The sector is response_agg_sector(). A ticket adds
 * issued, under its counting unit and sector, in the month of issue, to
 * agg and sums; its answer adds answered to the same sums rows (the
 * ticket's issue month, counting unit and sector), whenever it comes: a
 * response rate of the tickets issued in a month, never above 100%.
 *
 * A ticket also adds issued to two desks rows of its issue month and its
 * receiving unit (where the counter and the officer are): its counter's
 * and its officer's ("" for either when not known). Its answer adds, to
 * the same two rows whenever it comes, answered and either its overall
 * level or, when flagged, suspect.
 *
 * By the stage its ticket asked at (t->stage: returned for a ticket
 * without a case or whose record is gone; STAGE_AGG_WALKIN for a
 * walk-in), a response also adds its overall level (and, when flagged,
 * its suspect level) to the stage_sums row (month, unit, sector, stage),
 * with no unit "" row, and one to stage_agg for each answer to an aspect
 * question under (sector, unit, stage) and its unit "" rollup.
 */
#ifndef COUNTS_H
#define COUNTS_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "record.h"

#define COUNTS_AGG_MAX	(4 * RESPONSE_ANSWERS_MAX + 2)
#define COUNTS_SUM_MAX	4
#define COUNTS_DESK_MAX	2
#define COUNTS_STAGE_MAX	(2 * RESPONSE_ANSWERS_MAX)
#define COUNTS_STSUM_MAX	1

/* One sums row's increments, by its key. */
struct counts_sum {
	uint8_t	 k[SUM_KEY_LEN];
	uint64_t c[SUM_NCOUNTERS];
};

/* One agg key's increment. */
struct counts_agg {
	uint8_t	 k[AGG_KEY_LEN];
	uint64_t n;
};

/* One desks row's increments, by its key. */
struct counts_desk {
	uint8_t	 k[DESK_KEY_LEN];
	uint64_t c[DESK_NCOUNTERS];
};

/* One stage_agg key's increment. */
struct counts_stage {
	uint8_t	 k[STAGE_AGG_KEY_LEN];
	uint64_t n;
};

/* One stage_sums row's increments, by its key. */
struct counts_stsum {
	uint8_t	 k[STAGE_SUM_KEY_LEN];
	uint64_t c[STAGE_SUM_NCOUNTERS];
};

/* What one record adds: agg keys (each by n), sums and desks rows,
 * stage_agg keys, stage_sums rows. */
struct counts {
	size_t			 nagg;
	struct counts_agg	 agg[COUNTS_AGG_MAX];
	size_t			 nsum;
	struct counts_sum	 sum[COUNTS_SUM_MAX];
	size_t			 ndesk;
	struct counts_desk	 desk[COUNTS_DESK_MAX];
	size_t			 nstage;
	struct counts_stage	 stage[COUNTS_STAGE_MAX];
	size_t			 nstsum;
	struct counts_stsum	 stsum[COUNTS_STSUM_MAX];
};

/* A stage_sums value of counters c, and back (-1 when malformed). */
void	 counts_stsum_value(const uint64_t *c, uint8_t out[STAGE_SUM_VAL_LEN]);
int	 counts_stsum_counters(const uint8_t *in, size_t len, uint64_t *c);

/* Empties c. */
void	 counts_reset(struct counts *c);

/*
 * The counters one stored response (its month set) or one issued ticket
 * adds, into c. t is the ticket the response answers (its record as
 * issued), NULL for a response without one or whose ticket is gone (no
 * answered counter then). Returns 0, or -1 (c empty) when a field is too
 * long for its key slot, the channel is unknown or the issue time has no
 * month.
 */
int	 counts_response(const struct response *, const struct ticket *t,
	    struct counts *c);
int	 counts_ticket(const struct ticket *, struct counts *c);

/*
 * The counts of many records, each key once after counts_table_merge():
 * additions are appended and merged whenever the arrays fill, so memory
 * follows the number of distinct keys, not of records. Zeroed storage is
 * an empty table.
 */
struct counts_table {
	struct counts_agg	*agg;
	size_t			 nagg;
	size_t			 capagg;
	struct counts_sum	*sum;
	size_t			 nsum;
	size_t			 capsum;
	struct counts_desk	*desk;
	size_t			 ndesk;
	size_t			 capdesk;
	struct counts_stage	*stage;
	size_t			 nstage;
	size_t			 capstage;
	struct counts_stsum	*stsum;
	size_t			 nstsum;
	size_t			 capstsum;
};

void	 counts_table_add(struct counts_table *, const struct counts *);
/* Sorts the arrays by key and adds up the entries of one key. */
void	 counts_table_merge(struct counts_table *);
/* Empties the table, keeping its memory. */
void	 counts_table_reset(struct counts_table *);
/* Frees the table's memory; it is empty afterwards. */
void	 counts_table_clear(struct counts_table *);

#endif
