/*
 * store_status.h: what `hailong status` shows of a data directory: for
 * each table its records, the bytes of its pages and its oldest record,
 * read in one read transaction (it never writes).
 */
#ifndef STORE_STATUS_H
#define STORE_STATUS_H

#include <stddef.h>
#include <stdint.h>

#define STORE_STATUS_TABLES	25

enum store_oldest {
	STORE_OLDEST_NONE = 0,	/* the table has no time (meta, by_case) */
	STORE_OLDEST_TIME,	/* seconds since the epoch */
	STORE_OLDEST_MONTH	/* YYYYMM */
};

struct store_table_status {
	const char		*name;
	uint64_t		 records;
	uint64_t		 bytes;		/* its pages */
	enum store_oldest	 kind;
	int64_t			 oldest;	/* 0: no record */
};

struct store_status {
	uint64_t		 map_size;
	uint64_t		 map_used;
	uint64_t		 page_size;
	unsigned		 readers;	/* reader slots in use */
	size_t			 ntables;
	struct store_table_status tables[STORE_STATUS_TABLES];
};

struct store;
/*
 * Fills out from one read transaction. Tables keyed by time give their
 * oldest record from their first key; the others (tickets, keys,
 * enrolment codes, idempotency records) are walked. 0, or -1 when the
 * store cannot be read.
 */
int	 store_status(struct store *, struct store_status *out);

#endif
