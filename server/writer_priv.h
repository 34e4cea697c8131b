/*
 * writer_priv.h: between writer.c (the thread, batches, commits, purge)
 * and writer_apply.c (what each op writes). Nothing else includes it.
 */
#ifndef WRITER_PRIV_H
#define WRITER_PRIV_H

#include <lmdb.h>

#include "counts.h"
#include "store.h"
#include "writer.h"

/*
 * Applies op in txn (a nested transaction): its records written, op->rc
 * set; c gets the counters it adds. Returns 0, or an LMDB error that
 * fails the op (MDB_MAP_FULL: the whole batch).
 */
int	 writer_apply(struct store *, MDB_txn *, struct wop *, struct counts *);
/* The counters a batch gathered, each key written once, in key order. */
int	 writer_flush_counts(struct store *, MDB_txn *, struct counts_table *);

#endif
