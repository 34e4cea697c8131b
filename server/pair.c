/*
 * pair.c: pending tickets per counter, and the kiosks waiting for one;
 * one mutex, and a timer thread that ends waits at their deadline.
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

static pthread_mutex_t	 pair_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	 pair_cv;
static pthread_t	 pair_thread;
static int		 pair_started;
static int		 pair_stopping;
static struct pair_slot	*pair_slots;
static size_t		 pair_nslots;
static struct pair_waiter *pair_waiters;
static size_t		 pair_nwaiters;

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
	struct pair_waiter	*w, **wp, *due;
	struct timespec		 now, next;
	int			 have;

	(void)arg;
	pthread_mutex_lock(&pair_mu);
	while (!pair_stopping) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		due = NULL;
		have = 0;
		for (wp = &pair_waiters; (w = *wp) != NULL;) {
			if (!ts_before(&now, &w->deadline)) {
				*wp = w->next;
				w->next = due;
				due = w;
				pair_nwaiters--;
				continue;
			}
			if (!have || ts_before(&w->deadline, &next))
				next = w->deadline;
			have = 1;
			wp = &w->next;
		}
		if (due != NULL) {
			pthread_mutex_unlock(&pair_mu);
			pair_wake_list(due);
			pthread_mutex_lock(&pair_mu);
			continue;
		}
		if (have)
			pthread_cond_timedwait(&pair_cv, &pair_mu, &next);
		else
			pthread_cond_wait(&pair_cv, &pair_mu);
	}
	pthread_mutex_unlock(&pair_mu);
	return (NULL);
}

/* With the lock held. */
static int
pair_start(void)
{
	pthread_condattr_t	 ca;

	if (pair_started)
		return (0);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&pair_cv, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&pair_thread, NULL, pair_timer, NULL) != 0) {
		pthread_cond_destroy(&pair_cv);
		return (-1);
	}
	pair_started = 1;
	return (0);
}

static struct pair_slot *
pair_slot(const char *unit, const char *counter, int create)
{
	struct pair_slot	*s;
	size_t			 i, oldest = 0;

	for (i = 0; i < pair_nslots; i++) {
		s = &pair_slots[i];
		if (strcmp(s->unit, unit) == 0 &&
		    strcmp(s->counter, counter) == 0)
			return (s);
		if (s->offered < pair_slots[oldest].offered)
			oldest = i;
	}
	if (!create)
		return (NULL);
	if (pair_slots == NULL)
		pair_slots = xcalloc(PAIR_SLOTS_MAX, sizeof(*pair_slots));
	if (pair_nslots < PAIR_SLOTS_MAX)
		s = &pair_slots[pair_nslots++];
	else
		s = &pair_slots[oldest];	/* the stalest counter goes */
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
pair_ticket_issued(const struct ticket *t)
{
	struct pair_slot	*s;
	struct pair_waiter	*w, **wp, *due = NULL;

	if (t->counter[0] == '\0' || t->state != TICKET_OPEN)
		return;
	pthread_mutex_lock(&pair_mu);
	s = pair_slot(t->unit, t->counter, 1);
	s->pending = 1;
	s->offered = now_sec();
	s->t = *t;
	for (wp = &pair_waiters; (w = *wp) != NULL;) {
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
		pair_nwaiters--;
	}
	pthread_mutex_unlock(&pair_mu);
	pair_wake_list(due);
}

void
pair_ticket_answered(const uint8_t id[TICKET_ID_LEN])
{
	size_t	 i;

	pthread_mutex_lock(&pair_mu);
	for (i = 0; i < pair_nslots; i++)
		if (pair_slots[i].pending &&
		    memcmp(pair_slots[i].t.id, id, TICKET_ID_LEN) == 0)
			pair_slots[i].pending = 0;
	pthread_mutex_unlock(&pair_mu);
}

int
pair_next(const char *unit, const char *counter, const uint8_t *seen,
    int wait_sec, int (*park)(void *),
    void (*wake)(void *, const struct ticket *), void *arg,
    struct ticket *out)
{
	struct pair_slot	*s;
	struct pair_waiter	*w;
	int			 ret = -1;

	pthread_mutex_lock(&pair_mu);
	s = pair_slot(unit, counter, 0);
	if (pair_offerable(s, seen, now_sec())) {
		*out = s->t;
		ret = 1;
		goto out;
	}
	if (wait_sec <= 0 || pair_stopping ||
	    pair_nwaiters >= PAIR_WAITERS_MAX || pair_start() == -1)
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
	w->next = pair_waiters;
	pair_waiters = w;
	pair_nwaiters++;
	pthread_cond_signal(&pair_cv);
	ret = 0;
out:
	pthread_mutex_unlock(&pair_mu);
	return (ret);
}

void
pair_shutdown(void)
{
	struct pair_waiter	*due;
	int			 started;

	pthread_mutex_lock(&pair_mu);
	pair_stopping = 1;
	due = pair_waiters;
	pair_waiters = NULL;
	pair_nwaiters = 0;
	started = pair_started;
	pair_started = 0;
	if (started)
		pthread_cond_signal(&pair_cv);
	pthread_mutex_unlock(&pair_mu);
	pair_wake_list(due);
	if (started) {
		pthread_join(pair_thread, NULL);
		pthread_cond_destroy(&pair_cv);
	}
	pthread_mutex_lock(&pair_mu);
	free(pair_slots);
	pair_slots = NULL;
	pair_nslots = 0;
	pthread_mutex_unlock(&pair_mu);
}
