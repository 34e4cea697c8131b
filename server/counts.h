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

/* What one record adds: agg keys (each by n), sums and desks rows. */
struct counts {
	size_t			 nagg;
	struct counts_agg	 agg[COUNTS_AGG_MAX];
	size_t			 nsum;
	struct counts_sum	 sum[COUNTS_SUM_MAX];
	size_t			 ndesk;
	struct counts_desk	 desk[COUNTS_DESK_MAX];
};

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
};

void	 counts_table_add(struct counts_table *, const struct counts *);
/* Sorts the arrays by key and adds up the entries of one key. */
void	 counts_table_merge(struct counts_table *);
/* Empties the table, keeping its memory. */
void	 counts_table_reset(struct counts_table *);
/* Frees the table's memory; it is empty afterwards. */
void	 counts_table_clear(struct counts_table *);

#endif
