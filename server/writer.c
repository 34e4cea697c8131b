/*
 * writer.c: the one thread that writes. It takes up to max_batch queued
 * ops, applies each in a nested transaction of one write transaction,
 * commits once (durably) and only then calls the ops' done callbacks.
 * Trap: MDB_MAP_FULL may come from any put or from the commit; the whole
 * batch is then aborted, the map doubled (no transaction of this process
 * may be open: store_grow() takes the store's lock exclusive) and the
 * batch redone from scratch, so every op recomputes its outputs.
 * What each op writes is in writer_apply.c: every write of records is
 * there or here (the store's files only read, but for the format
 * upgrades of store_open()). The counters a record adds
 * (counts.h: agg, its unit "" rollups, sums, desks) are gathered while each op
 * runs in its nested transaction, kept only when that commits, and
 * written once per key for the whole batch, in key order, in the batch's
 * transaction: a batch of answers to one unit touches each counter once.
 * Between batches it purges old idempotency records, expired
 * enrolment codes and tickets no longer offered to a kiosk a few at a
 * time, and pings systemd's watchdog from its
 * loop (writer_watchdog), so that a writer stuck in a commit is seen.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "counts.h"
#include "metrics.h"
#include "record.h"
#include "store_priv.h"
#include "util.h"
#include "writer.h"
#include "writer_priv.h"

#define WRITER_GROW_MAX	16	/* doublings tried for one batch */

struct writer {
	struct store	*st;
	size_t		 max_batch;
	struct wop	**batch;
	pthread_t	 thread;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	struct wop	*head;
	struct wop	*tail;
	int		 stopping;
	struct counts	 cur;		/* what the op being applied adds */
	struct counts_table counts;	/* what the batch adds */
	size_t		 nqueued;	/* under mu */
	/* The watchdog: ping every ping_us / 2; set under mu. */
	uint64_t	 ping_us;
	void		(*ping)(void);
	uint64_t	 pinged;		/* mono_usec(), the writer's */
	/* The purge: the next pass (mono_usec()), where the pass is. */
	uint64_t	 purge_at;
	int		 purge_table;	/* 0 idem, 1 enrol, 2 pending,
					 * 3 contacts, 4 done */
	_Atomic int_fast64_t contact_keep;	/* seconds */
	int		 contacts_due;	/* under mu: a contacts pass now */
	/* Overdue follow-ups' rules, under mu; wd NULL: not marked. */
	struct writer_fu_rules fu_rules;
	uint8_t		 purge_from[32];	/* the next key to look at */
	int		 purge_has_from;
	/* Figures (writer_stats). */
	atomic_uint_fast64_t batches, failed, ops, tickets, suspects;
	atomic_uint_fast64_t answers[CHANNEL_COUNT];
	/* By survey and indicator: the writer's, read under mu. */
	struct writer_survey_stats surveys[WRITER_SURVEYS_MAX];
	size_t		 nsurveys;
	uint32_t	(*classify)(const struct response *, void *);
	void		*classify_arg;
	char		 ind_ids[WRITER_IND_MAX][WRITER_IND_ID_MAX + 1];
	uint64_t	 ind_answers[WRITER_IND_MAX];
	size_t		 nind;
	atomic_uint_fast64_t purged_idem, purged_enrol, purged_contacts;
	struct metrics_hist batch_ops, apply_us, commit_us;
};

static const uint64_t writer_batch_bounds[] = { 1, 2, 4, 8, 16, 32, 64,
    128, 256, 512, 1024 };

/* writer_run()'s wait; lives on the caller's stack. */
struct run_wait {
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	int		 done;
	void		(*done_fn)(struct wop *, void *);
	void		*arg;
};

/* The figures of a committed batch. */
/* The entry of survey id, a new one or "other" when full; mu held. */
static struct writer_survey_stats *
writer_survey(struct writer *w, const char *id)
{
	struct writer_survey_stats	*s;
	size_t				 i;

	for (i = 0; i < w->nsurveys; i++)
		if (strcmp(w->surveys[i].id, id) == 0)
			return (&w->surveys[i]);
	if (w->nsurveys < WRITER_SURVEYS_MAX - 1)
		s = &w->surveys[w->nsurveys++];
	else {
		s = &w->surveys[WRITER_SURVEYS_MAX - 1];
		if (w->nsurveys < WRITER_SURVEYS_MAX) {
			w->nsurveys = WRITER_SURVEYS_MAX;
			strlcpy(s->id, "other", sizeof(s->id));
		}
		return (s);
	}
	strlcpy(s->id, id, sizeof(s->id));
	return (s);
}

/* A committed batch's tickets and answers by survey and indicator. */
static void
writer_count_kinds(struct writer *w, struct wop **ops, size_t n)
{
	const struct response	*r;
	uint32_t		 bits;
	size_t			 i, b;

	pthread_mutex_lock(&w->mu);
	for (i = 0; i < n; i++) {
		if (ops[i]->rc != HL_OK)
			continue;
		if (ops[i]->kind == WOP_TICKET && ops[i]->u.ticket.created)
			writer_survey(w, ticket_survey(
			    &ops[i]->u.ticket.t))->tickets++;
		if (ops[i]->kind != WOP_ANSWER || ops[i]->u.answer.duplicate)
			continue;
		r = &ops[i]->u.answer.r;
		if (r->channel < CHANNEL_COUNT)
			writer_survey(w, r->survey)->answers[r->channel]++;
		bits = w->classify != NULL ? w->classify(r, w->classify_arg) :
		    0;
		for (b = 0; b < w->nind; b++)
			if (bits & (UINT32_C(1) << b))
				w->ind_answers[b]++;
	}
	pthread_mutex_unlock(&w->mu);
}

static void
writer_count(struct writer *w, struct wop **ops, size_t n)
{
	const struct response	*r;
	size_t			 i;

	atomic_fetch_add_explicit(&w->batches, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&w->ops, n, memory_order_relaxed);
	for (i = 0; i < n; i++) {
		if (ops[i]->rc != HL_OK)
			continue;
		if (ops[i]->kind == WOP_TICKET && ops[i]->u.ticket.created)
			atomic_fetch_add_explicit(&w->tickets, 1,
			    memory_order_relaxed);
		if (ops[i]->kind != WOP_ANSWER || ops[i]->u.answer.duplicate)
			continue;
		r = &ops[i]->u.answer.r;
		if (r->channel < CHANNEL_COUNT)
			atomic_fetch_add_explicit(&w->answers[r->channel], 1,
			    memory_order_relaxed);
		if (r->flags & RESPONSE_SUSPECT)
			atomic_fetch_add_explicit(&w->suspects, 1,
			    memory_order_relaxed);
	}
	writer_count_kinds(w, ops, n);
}

void
writer_surveys(struct writer *w, const char *const *ids, size_t n)
{
	size_t	 i;

	pthread_mutex_lock(&w->mu);
	for (i = 0; i < n; i++)
		writer_survey(w, ids[i]);
	pthread_mutex_unlock(&w->mu);
}

void
writer_classify(struct writer *w,
    uint32_t (*classify)(const struct response *, void *), void *arg,
    const char *const *ids, size_t n)
{
	char		 old[WRITER_IND_MAX][WRITER_IND_ID_MAX + 1];
	uint64_t	 count[WRITER_IND_MAX];
	size_t		 i, j, nold;

	pthread_mutex_lock(&w->mu);
	nold = w->nind;
	memcpy(old, w->ind_ids, sizeof(old));
	memcpy(count, w->ind_answers, sizeof(count));
	w->classify = classify;
	w->classify_arg = arg;
	w->nind = n < WRITER_IND_MAX ? n : WRITER_IND_MAX;
	for (i = 0; i < w->nind; i++) {
		strlcpy(w->ind_ids[i], ids[i], sizeof(w->ind_ids[i]));
		w->ind_answers[i] = 0;
		for (j = 0; j < nold; j++)
			if (strcmp(old[j], w->ind_ids[i]) == 0)
				w->ind_answers[i] = count[j];
	}
	pthread_mutex_unlock(&w->mu);
}

/*
 * The call-back numbers of items closed long enough, and the open items
 * newly past their deadline: one small pass.
 */
static void
writer_purge_contacts(struct writer *w)
{
	struct writer_fu_rules rules;
	uint64_t	 gone = 0, overdue = 0;
	int		 rc;

	pthread_mutex_lock(&w->mu);
	rules = w->fu_rules;
	pthread_mutex_unlock(&w->mu);
	if ((rc = writer_followup_purge(w->st, atomic_load(&w->contact_keep),
	    &rules, &gone, &overdue)) != 0)
		log_warn("%s: purge of contacts: %s", store_dir(w->st),
		    mdb_strerror(rc));
	else if (gone > 0) {
		log_info("%s: deleted %llu call-back numbers of closed "
		    "follow-ups", store_dir(w->st), (unsigned long long)gone);
		atomic_fetch_add_explicit(&w->purged_contacts, gone,
		    memory_order_relaxed);
	}
	if (rc == 0 && overdue > 0)
		log_info("%s: %llu follow-ups overdue, marked", store_dir(w->st),
		    (unsigned long long)overdue);
}

/*
 * One purge step: looks at up to WRITER_PURGE_SCAN records of the table
 * the pass is in, from where the last step ended, and deletes the stale
 * ones in one small transaction. Returns 1 while the pass goes on.
 */
static int
writer_purge_step(struct writer *w)
{
	struct store	*st = w->st;
	MDB_txn		*txn = NULL;
	MDB_cursor	*c = NULL;
	MDB_val		 k, v;
	MDB_dbi		 db = w->purge_table == 0 ? st->idem :
	    w->purge_table == 1 ? st->enrol : st->pending;
	struct idem	 im;
	struct enrol	 en;
	struct pending	 pd;
	int64_t		 now = now_sec();
	uint64_t	 gone = 0;
	uint8_t		 last[32];
	size_t		 seen = 0;
	int		 rc, stale, has_last = 0, table = w->purge_table;
	MDB_cursor_op	 op;

	if (w->purge_table == 3) {
		writer_purge_contacts(w);
		w->purge_table = 0;
		w->purge_has_from = 0;
		w->purge_at = mono_usec() + (uint64_t)WRITER_PURGE_EVERY *
		    1000000u;
		return (0);
	}
	if ((rc = store_txn_begin(st, 0, &txn)) != 0) {
		txn = NULL;
		goto out;
	}
	if ((rc = mdb_cursor_open(txn, db, &c)) != 0)
		goto out;
	if (w->purge_has_from) {
		k.mv_data = w->purge_from;
		k.mv_size = sizeof(w->purge_from);
		op = MDB_SET_RANGE;
	} else
		op = MDB_FIRST;
	for (;; op = MDB_NEXT) {
		if ((rc = mdb_cursor_get(c, &k, &v, op)) != 0)
			break;
		/* The last step's last key, kept: looked at already. */
		if (op == MDB_SET_RANGE && k.mv_size == sizeof(last) &&
		    memcmp(k.mv_data, w->purge_from, sizeof(last)) == 0)
			continue;
		if (seen++ == WRITER_PURGE_SCAN)
			break;
		if (k.mv_size == sizeof(last)) {
			memcpy(last, k.mv_data, sizeof(last));
			has_last = 1;
		}
		if (w->purge_table == 0)
			stale = record_idem_decode(v.mv_data, v.mv_size,
			    &im) == 0 && now - im.created > WRITER_IDEM_KEEP;
		else if (w->purge_table == 1)
			stale = record_enrol_decode(v.mv_data, v.mv_size,
			    &en) == 0 && now - en.expires > WRITER_ENROL_KEEP;
		else
			stale = record_pending_decode(v.mv_data, v.mv_size,
			    &pd) == 0 && now - pd.offered > PENDING_WINDOW_SEC;
		if (!stale)
			continue;
		if ((rc = mdb_cursor_del(c, 0)) != 0)
			break;
		gone++;
	}
	mdb_cursor_close(c);
	c = NULL;
	if (rc == MDB_NOTFOUND || (rc == 0 && !has_last)) {
		/* This table is done: the next one from its start. */
		rc = 0;
		w->purge_table++;
		w->purge_has_from = 0;
	} else if (rc == 0) {
		memcpy(w->purge_from, last, sizeof(last));
		w->purge_has_from = 1;
	}
	if (rc == 0 && gone > 0) {
		rc = store_txn_commit(st, txn);
		txn = NULL;
	}
out:
	if (c != NULL)
		mdb_cursor_close(c);
	if (txn != NULL)
		store_txn_abort(st, txn);
	if (rc != 0) {
		/* Try again at the next pass (a full disk, say). */
		log_warn("%s: purge: %s", store_dir(st), mdb_strerror(rc));
		w->purge_table = 4;
		w->purge_has_from = 0;
	} else if (gone > 0 && table < 2)
		atomic_fetch_add_explicit(table == 0 ? &w->purged_idem :
		    &w->purged_enrol, gone, memory_order_relaxed);
	if (w->purge_table == 3)
		return (1);	/* the contacts next */
	if (w->purge_table >= 4) {
		w->purge_table = 0;
		w->purge_has_from = 0;
		w->purge_at = mono_usec() + (uint64_t)WRITER_PURGE_EVERY *
		    1000000u;
		return (0);
	}
	return (1);
}

/* Applies ops[0..n) in one durable commit; every op's rc is set. */
static void
batch_apply(struct writer *w, struct wop **ops, size_t n)
{
	struct store	*st = w->st;
	MDB_txn		*txn, *child;
	uint64_t	 t0, t1;
	size_t		 i;
	int		 rc, grown = 0;

again:
	t0 = mono_usec();
	counts_table_reset(&w->counts);
	if ((rc = store_txn_begin(st, 0, &txn)) != 0)
		goto fail;
	for (i = 0; i < n; i++) {
		if ((rc = mdb_txn_begin(st->env, txn, 0, &child)) != 0)
			break;
		if ((rc = writer_apply(st, child, ops[i], &w->cur)) != 0) {
			mdb_txn_abort(child);
			if (rc == MDB_MAP_FULL)
				break;
			/* This op alone fails (a damaged record, say). */
			log_warn("%s: write: %s", store_dir(st),
			    mdb_strerror(rc));
			ops[i]->rc = store_rc(rc) == HL_FULL ?
			    HL_FULL : HL_ERROR;
			rc = 0;
			continue;
		}
		if (ops[i]->rc != HL_OK)
			mdb_txn_abort(child);
		else if ((rc = mdb_txn_commit(child)) != 0)
			break;
		else
			counts_table_add(&w->counts, &w->cur);
	}
	/* Each counter once for the whole batch, in key order. */
	if (rc == 0)
		rc = writer_flush_counts(st, txn, &w->counts);
	t1 = mono_usec();
	if (rc != 0)
		store_txn_abort(st, txn);
	else
		rc = store_txn_commit(st, txn);
	if (rc == 0) {
		metrics_hist_observe(&w->apply_us, t1 - t0);
		metrics_hist_observe(&w->commit_us, mono_usec() - t1);
		metrics_hist_observe(&w->batch_ops, n);
		writer_count(w, ops, n);
		return;
	}
	if (rc == MDB_MAP_FULL && grown++ < WRITER_GROW_MAX &&
	    (rc = store_grow(st)) == 0)
		goto again;
fail:
	atomic_fetch_add_explicit(&w->failed, 1, memory_order_relaxed);
	log_error("%s: batch of %zu not written: %s", store_dir(st), n,
	    mdb_strerror(rc));
	for (i = 0; i < n; i++)
		ops[i]->rc = rc == ENOSPC ? HL_FULL : HL_ERROR;
}

/* Pings the watchdog when half its interval has passed. Under mu. */
static void
writer_ping(struct writer *w, uint64_t now)
{
	if (w->ping == NULL || w->ping_us == 0 ||
	    now - w->pinged < w->ping_us / 2)
		return;
	w->pinged = now;
	w->ping();
}

/* Waits under mu for ops, the stop, the next ping or purge step. */
static void
writer_wait(struct writer *w)
{
	struct timespec	 ts;
	uint64_t	 now = mono_usec(), until = w->purge_at;

	if (w->ping != NULL && w->ping_us > 0 &&
	    w->pinged + w->ping_us / 2 < until)
		until = w->pinged + w->ping_us / 2;
	if (until <= now)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += (time_t)((until - now) / 1000000u);
	ts.tv_nsec += (long)((until - now) % 1000000u) * 1000;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_cond_timedwait(&w->cv, &w->mu, &ts);
}

static void *
writer_main(void *arg)
{
	struct writer	*w = arg;
	struct wop	*op;
	size_t		 i, n;

	for (;;) {
		pthread_mutex_lock(&w->mu);
		writer_ping(w, mono_usec());
		while (w->head == NULL && !w->stopping &&
		    mono_usec() < w->purge_at && !w->contacts_due) {
			writer_wait(w);
			writer_ping(w, mono_usec());
		}
		if (w->head == NULL && w->stopping) {
			pthread_mutex_unlock(&w->mu);
			break;
		}
		if (w->head == NULL && w->contacts_due) {
			/* The retention changed: its pass first. */
			w->contacts_due = 0;
			pthread_mutex_unlock(&w->mu);
			writer_purge_contacts(w);
			continue;
		}
		if (w->head == NULL) {
			/* Idle and a purge step is due: ops come first. */
			pthread_mutex_unlock(&w->mu);
			if (writer_purge_step(w))
				w->purge_at = mono_usec();
			continue;
		}
		for (n = 0; n < w->max_batch && w->head != NULL; n++) {
			op = w->head;
			w->head = op->next;
			op->next = NULL;
			w->batch[n] = op;
		}
		if (w->head == NULL)
			w->tail = NULL;
		w->nqueued -= n;
		pthread_mutex_unlock(&w->mu);

		batch_apply(w, w->batch, n);
		/* done() may free the op: nothing reads it afterwards. */
		for (i = 0; i < n; i++)
			if (w->batch[i]->done != NULL)
				w->batch[i]->done(w->batch[i],
				    w->batch[i]->arg);
	}
	return (NULL);
}

int
writer_start(struct writer **wp, struct store *st, size_t max_batch)
{
	struct writer		*w;
	pthread_condattr_t	 ca;
	size_t			 i;

	*wp = NULL;
	if (max_batch == 0)
		max_batch = WRITER_BATCH_DEFAULT;
	if (max_batch > WRITER_BATCH_MAX)
		max_batch = WRITER_BATCH_MAX;
	w = xcalloc(1, sizeof(*w));
	w->st = st;
	w->max_batch = max_batch;
	w->batch = xcalloc(max_batch, sizeof(*w->batch));
	/* The first purge pass right away, once idle. */
	w->purge_at = mono_usec();
	atomic_init(&w->batches, 0);
	atomic_init(&w->failed, 0);
	atomic_init(&w->ops, 0);
	atomic_init(&w->tickets, 0);
	atomic_init(&w->suspects, 0);
	atomic_init(&w->purged_idem, 0);
	atomic_init(&w->purged_enrol, 0);
	atomic_init(&w->purged_contacts, 0);
	atomic_init(&w->contact_keep, WRITER_CONTACT_KEEP);
	for (i = 0; i < CHANNEL_COUNT; i++)
		atomic_init(&w->answers[i], 0);
	metrics_hist_init(&w->batch_ops, writer_batch_bounds,
	    sizeof(writer_batch_bounds) / sizeof(*writer_batch_bounds));
	metrics_hist_init(&w->apply_us, metrics_usec_bounds,
	    metrics_usec_nbounds);
	metrics_hist_init(&w->commit_us, metrics_usec_bounds,
	    metrics_usec_nbounds);
	pthread_mutex_init(&w->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cv, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
		pthread_cond_destroy(&w->cv);
		pthread_mutex_destroy(&w->mu);
		free(w->batch);
		free(w);
		return (-1);
	}
	*wp = w;
	return (0);
}

void
writer_stop(struct writer *w)
{
	if (w == NULL)
		return;
	pthread_mutex_lock(&w->mu);
	w->stopping = 1;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	counts_table_clear(&w->counts);
	free(w->batch);
	free(w);
}

void
writer_submit(struct writer *w, struct wop *op)
{
	op->next = NULL;
	pthread_mutex_lock(&w->mu);
	if (w->tail != NULL)
		w->tail->next = op;
	else
		w->head = op;
	w->tail = op;
	w->nqueued++;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

static void
run_done(struct wop *op, void *arg)
{
	struct run_wait	*rw = arg;

	/* The caller's own callback first, with its own argument. */
	op->done = rw->done_fn;
	op->arg = rw->arg;
	if (op->done != NULL)
		op->done(op, op->arg);
	pthread_mutex_lock(&rw->mu);
	rw->done = 1;
	pthread_cond_signal(&rw->cv);
	pthread_mutex_unlock(&rw->mu);
}

enum hl_rc
writer_run(struct writer *w, struct wop *op)
{
	struct run_wait	 rw;

	memset(&rw, 0, sizeof(rw));
	pthread_mutex_init(&rw.mu, NULL);
	pthread_cond_init(&rw.cv, NULL);
	rw.done_fn = op->done;
	rw.arg = op->arg;
	op->done = run_done;
	op->arg = &rw;
	writer_submit(w, op);
	pthread_mutex_lock(&rw.mu);
	while (!rw.done)
		pthread_cond_wait(&rw.cv, &rw.mu);
	pthread_mutex_unlock(&rw.mu);
	pthread_cond_destroy(&rw.cv);
	pthread_mutex_destroy(&rw.mu);
	return (op->rc);
}

void
writer_stats(struct writer *w, struct writer_stats *ws)
{
	MDB_envinfo	 ei;
	MDB_stat	 ms;
	size_t		 i;

	memset(ws, 0, sizeof(*ws));
	pthread_mutex_lock(&w->mu);
	ws->queued = w->nqueued;
	ws->nsurveys = w->nsurveys;
	memcpy(ws->surveys, w->surveys, sizeof(ws->surveys));
	ws->nind = w->nind;
	memcpy(ws->ind_ids, w->ind_ids, sizeof(ws->ind_ids));
	memcpy(ws->ind_answers, w->ind_answers, sizeof(ws->ind_answers));
	pthread_mutex_unlock(&w->mu);
	ws->batches = atomic_load(&w->batches);
	ws->failed = atomic_load(&w->failed);
	ws->ops = atomic_load(&w->ops);
	ws->tickets = atomic_load(&w->tickets);
	ws->suspects = atomic_load(&w->suspects);
	ws->purged_idem = atomic_load(&w->purged_idem);
	ws->purged_enrol = atomic_load(&w->purged_enrol);
	ws->purged_contacts = atomic_load(&w->purged_contacts);
	for (i = 0; i < CHANNEL_COUNT; i++)
		ws->answers[i] = atomic_load(&w->answers[i]);
	/* Shared: a map being grown is unmapped under the exclusive one. */
	pthread_rwlock_rdlock(&w->st->lock);
	if (mdb_env_info(w->st->env, &ei) == 0 &&
	    mdb_env_stat(w->st->env, &ms) == 0) {
		ws->map_size = ei.me_mapsize;
		ws->map_used = (uint64_t)(ei.me_last_pgno + 1) * ms.ms_psize;
	}
	pthread_rwlock_unlock(&w->st->lock);
	ws->batch_ops = &w->batch_ops;
	ws->apply_us = &w->apply_us;
	ws->commit_us = &w->commit_us;
}

void
writer_watchdog(struct writer *w, uint64_t usec, void (*ping)(void))
{
	pthread_mutex_lock(&w->mu);
	w->ping_us = usec;
	w->ping = ping;
	w->pinged = 0;
	/* The writer's wait shortens to the ping's interval. */
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

void
writer_followup_rules(struct writer *w, const struct workdays *wd,
    int answer_days, int notify)
{
	pthread_mutex_lock(&w->mu);
	w->fu_rules.wd = wd;
	w->fu_rules.answer_days = answer_days;
	w->fu_rules.notify = notify;
	w->contacts_due = 1;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

void
writer_contact_keep(struct writer *w, int64_t secs)
{
	atomic_store(&w->contact_keep, secs);
	pthread_mutex_lock(&w->mu);
	w->contacts_due = 1;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}
