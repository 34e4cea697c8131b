/*
 * writer_priv.h: between writer.c (the thread, batches, commits, purge)
 * and writer_apply.c (what each op writes). Nothing else includes it.
 */
#ifndef WRITER_PRIV_H
#define WRITER_PRIV_H

#include <jansson.h>
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
/* writer_admin.c */
/* A user added, given a new password or disabled (WOP_USER). */
int	 writer_apply_user(struct store *, MDB_txn *, struct wop *);
/* A unit or procedure row added or changed (WOP_CATROW). */
int	 writer_apply_catrow(struct store *, MDB_txn *, struct wop *);
/* writer_survey.c: a survey's new version, a target, with their audit
 * entries. */
int	 writer_apply_survey(struct store *, MDB_txn *, struct wop *);
int	 writer_apply_target(struct store *, MDB_txn *, struct wop *);
/* writer_catimport.c: an import's units, all or none (WOP_CATIMPORT). */
int	 writer_apply_catimport(struct store *, MDB_txn *, struct wop *);
/*
 * The audit entry of op's change in txn, when op->by names someone:
 * action, the unit of the thing changed, before and after as JSON
 * (NULL: nothing; the references are consumed). Keys strictly increase
 * (µs, one past the last when the clock is behind). Returns an LMDB code.
 */
int	 writer_audit(struct store *, MDB_txn *, const struct wop *,
	    const char *action, const char *unit, json_t *before,
	    json_t *after);
/* The counters a batch gathered, each key written once, in key order. */
int	 writer_flush_counts(struct store *, MDB_txn *, struct counts_table *);

/*
 * writer_followup.c: the follow-up items' writes. The ops (WOP_FOLLOWUP_*)
 * as writer_apply(); writer_followup_auto() opens the item of a response
 * just stored (r with its key) when the answer asks for one; each
 * appends an event to the item's history. writer_followup_purge()
 * deletes, in its own small transaction, the call-back numbers of items
 * closed more than keep seconds ago (the item says so, and one event
 * more); *gone counts them. With rules (NULL: not this), it also marks
 * the open items past their deadline with an `overdue` event, once
 * (again only after the item is opened again), and queues its webhook
 * delivery when rules->notify; *overdue counts them. LMDB codes.
 */
int	 writer_followup_file(struct store *, MDB_txn *, struct wop *);
int	 writer_followup_reply(struct store *, MDB_txn *, struct wop *);
int	 writer_followup_auto(struct store *, MDB_txn *, const struct response *,
	    uint8_t level, int notify);
struct workdays;
struct writer_fu_rules {
	const struct workdays	*wd;
	int			 answer_days;
	int			 notify;
};
int	 writer_followup_purge(struct store *, int64_t keep,
	    const struct writer_fu_rules *rules, uint64_t *gone,
	    uint64_t *overdue);
/* The item of a complaint filed with an answer op (WOP_ANSWER with
 * filed), its response just stored; seals the number. */
int	 writer_followup_kiosk(struct store *, MDB_txn *, struct wop *);
/* WOP_OUTBOX_DONE and WOP_OUTBOX_RETRY. */
int	 writer_outbox(struct store *, MDB_txn *, struct wop *);

#endif
