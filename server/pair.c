/*
 * pair.c: pending tickets per counter, and the kiosks waiting for one;
 * one object per server with its mutex, and a timer thread that ends
 * waits at their deadline.
 * Trap: a waiter is taken off the list under the lock and only then
 * woken, without it: after wake() its request may be freed at once, so
 * nothing here touches it again.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pair.h"
#include "util.h"

struct pair_slot {
	char		 unit[UNIT_CODE_MAX + 1];
	char		 counter[COUNTER_MAX + 1];
	int		 pending;
	int64_t		 offered;	/* issued through the API */
	struct ticket	 t;
};

struct pair_waiter {
	char		 unit[UNIT_CODE_MAX + 1];
	char		 counter[COUNTER_MAX + 1];
	int		 has_seen;
	uint8_t		 seen[TICKET_ID_LEN];
	struct timespec	 deadline;	/* CLOCK_MONOTONIC */
	void		(*wake)(void *, const struct ticket *);
	void		*arg;
	struct ticket	 t;		/* what wake() gets */
	int		 got;
	struct pair_waiter *next;
};

struct pair {
	pthread_mutex_t	 mu;		/* guards everything below */
	pthread_cond_t	 cv;		/* the timer's: a new waiter, a stop */
	pthread_t	 thread;
	int		 stopping;
	struct pair_slot *slots;	/* PAIR_SLOTS_MAX */
	size_t		 nslots;
	struct pair_waiter *waiters;
	size_t		 nwaiters;
};

static int
ts_before(const struct timespec *a, const struct timespec *b)
{
	return (a->tv_sec < b->tv_sec ||
	    (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec));
}

/* Calls wake() of each waiter of list and frees it; lock not held. */
static void
pair_wake_list(struct pair_waiter *list)
{
	struct pair_waiter	*w;

	while ((w = list) != NULL) {
		list = w->next;
		w->wake(w->arg, w->got ? &w->t : NULL);
		free(w);
	}
}

static void *
pair_timer(void *arg)
{
	struct pair		*pp = arg;
	struct pair_waiter	*w, **wp, *due;
	struct timespec		 now, next;
	int			 have;

	pthread_mutex_lock(&pp->mu);
	while (!pp->stopping) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		due = NULL;
		have = 0;
		for (wp = &pp->waiters; (w = *wp) != NULL;) {
			if (!ts_before(&now, &w->deadline)) {
				*wp = w->next;
				w->next = due;
				due = w;
				pp->nwaiters--;
				continue;
			}
			if (!have || ts_before(&w->deadline, &next))
				next = w->deadline;
			have = 1;
			wp = &w->next;
		}
		if (due != NULL) {
			pthread_mutex_unlock(&pp->mu);
			pair_wake_list(due);
			pthread_mutex_lock(&pp->mu);
			continue;
		}
		if (have)
			pthread_cond_timedwait(&pp->cv, &pp->mu, &next);
		else
			pthread_cond_wait(&pp->cv, &pp->mu);
	}
	pthread_mutex_unlock(&pp->mu);
	return (NULL);
}

static struct pair_slot *
pair_slot(struct pair *pp, const char *unit, const char *counter,
    int create)
{
	struct pair_slot	*s;
	size_t			 i, oldest = 0;

	for (i = 0; i < pp->nslots; i++) {
		s = &pp->slots[i];
		if (strcmp(s->unit, unit) == 0 &&
		    strcmp(s->counter, counter) == 0)
			return (s);
		if (s->offered < pp->slots[oldest].offered)
			oldest = i;
	}
	if (!create)
		return (NULL);
	if (pp->nslots < PAIR_SLOTS_MAX)
		s = &pp->slots[pp->nslots++];
	else
		s = &pp->slots[oldest];	/* the stalest counter goes */
	memset(s, 0, sizeof(*s));
	strlcpy(s->unit, unit, sizeof(s->unit));
	strlcpy(s->counter, counter, sizeof(s->counter));
	return (s);
}

static int
pair_offerable(const struct pair_slot *s, const uint8_t *seen, int64_t now)
{
	if (s == NULL || !s->pending)
		return (0);
	if (now - s->offered > PAIR_WINDOW_SEC || now > s->t.expires)
		return (0);
	return (seen == NULL || memcmp(seen, s->t.id, TICKET_ID_LEN) != 0);
}

void
pair_ticket_issued(struct pair *pp, const struct ticket *t)
{
	struct pair_slot	*s;
	struct pair_waiter	*w, **wp, *due = NULL;

	if (t->counter[0] == '\0' || t->state != TICKET_OPEN)
		return;
	pthread_mutex_lock(&pp->mu);
	s = pair_slot(pp, t->unit, t->counter, 1);
	s->pending = 1;
	s->offered = now_sec();
	s->t = *t;
	for (wp = &pp->waiters; (w = *wp) != NULL;) {
		if (strcmp(w->unit, t->unit) != 0 ||
		    strcmp(w->counter, t->counter) != 0 ||
		    (w->has_seen &&
		    memcmp(w->seen, t->id, TICKET_ID_LEN) == 0)) {
			wp = &w->next;
			continue;
		}
		*wp = w->next;
		w->t = *t;
		w->got = 1;
		w->next = due;
		due = w;
		pp->nwaiters--;
	}
	pthread_mutex_unlock(&pp->mu);
	pair_wake_list(due);
}

void
pair_restore(struct pair *pp, const struct ticket *t, int64_t offered)
{
	struct pair_slot	*s;
	int64_t			 now = now_sec();

	if (t->counter[0] == '\0' || t->state != TICKET_OPEN ||
	    now - offered > PAIR_WINDOW_SEC || now > t->expires)
		return;
	pthread_mutex_lock(&pp->mu);
	s = pair_slot(pp, t->unit, t->counter, 1);
	if (!s->pending || offered >= s->offered) {
		s->pending = 1;
		s->offered = offered;
		s->t = *t;
	}
	pthread_mutex_unlock(&pp->mu);
}

void
pair_ticket_answered(struct pair *pp, const uint8_t id[TICKET_ID_LEN])
{
	size_t	 i;

	pthread_mutex_lock(&pp->mu);
	for (i = 0; i < pp->nslots; i++)
		if (pp->slots[i].pending &&
		    memcmp(pp->slots[i].t.id, id, TICKET_ID_LEN) == 0)
			pp->slots[i].pending = 0;
	pthread_mutex_unlock(&pp->mu);
}

int
pair_next(struct pair *pp, const char *unit, const char *counter,
    const uint8_t *seen, int wait_sec, int (*park)(void *),
    void (*wake)(void *, const struct ticket *), void *arg,
    struct ticket *out)
{
	struct pair_slot	*s;
	struct pair_waiter	*w;
	int			 ret = -1;

	pthread_mutex_lock(&pp->mu);
	s = pair_slot(pp, unit, counter, 0);
	if (pair_offerable(s, seen, now_sec())) {
		*out = s->t;
		ret = 1;
		goto out;
	}
	if (wait_sec <= 0 || pp->stopping ||
	    pp->nwaiters >= PAIR_WAITERS_MAX)
		goto out;
	if (park(arg) != 0)
		goto out;
	w = xcalloc(1, sizeof(*w));
	strlcpy(w->unit, unit, sizeof(w->unit));
	strlcpy(w->counter, counter, sizeof(w->counter));
	if (seen != NULL) {
		w->has_seen = 1;
		memcpy(w->seen, seen, TICKET_ID_LEN);
	}
	clock_gettime(CLOCK_MONOTONIC, &w->deadline);
	w->deadline.tv_sec += wait_sec;
	w->wake = wake;
	w->arg = arg;
	w->next = pp->waiters;
	pp->waiters = w;
	pp->nwaiters++;
	pthread_cond_signal(&pp->cv);
	ret = 0;
out:
	pthread_mutex_unlock(&pp->mu);
	return (ret);
}

struct pair *
pair_new(void)
{
	struct pair		*pp = xcalloc(1, sizeof(*pp));
	pthread_condattr_t	 ca;

	pthread_mutex_init(&pp->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&pp->cv, &ca);
	pthread_condattr_destroy(&ca);
	pp->slots = xcalloc(PAIR_SLOTS_MAX, sizeof(*pp->slots));
	if (pthread_create(&pp->thread, NULL, pair_timer, pp) != 0) {
		pthread_cond_destroy(&pp->cv);
		pthread_mutex_destroy(&pp->mu);
		free(pp->slots);
		free(pp);
		return (NULL);
	}
	return (pp);
}

void
pair_stop(struct pair *pp)
{
	struct pair_waiter	*due;
	int			 was;

	pthread_mutex_lock(&pp->mu);
	was = pp->stopping;
	pp->stopping = 1;
	due = pp->waiters;
	pp->waiters = NULL;
	pp->nwaiters = 0;
	pthread_cond_signal(&pp->cv);
	pthread_mutex_unlock(&pp->mu);
	pair_wake_list(due);
	if (!was)
		pthread_join(pp->thread, NULL);
}

void
pair_free(struct pair *pp)
{
	if (pp == NULL)
		return;
	pair_stop(pp);
	pthread_cond_destroy(&pp->cv);
	pthread_mutex_destroy(&pp->mu);
	free(pp->slots);
	free(pp);
}
