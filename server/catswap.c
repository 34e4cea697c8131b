/*
 * catswap.c: epochs of requests and the retired catalogues, under one
 * mutex (two short holds per request).
 * Trap: a request that cannot be counted (more than CATSWAP_EPOCHS_MAX
 * epochs in flight at once, i.e. as many swaps during one long request)
 * is counted under the oldest epoch in the table, which only delays
 * freeing; nothing is freed early.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "catswap.h"
#include "util.h"

struct catswap_epoch {
	uint64_t	 epoch;
	unsigned	 inflight;
};

struct catswap_old {
	struct catalog		*cat;
	char			*json[3];
	void			*obj;		/* or this, freed by fn */
	void			(*fn)(void *);
	uint64_t		 retired;	/* the epoch it ended */
	struct catswap_old	*next;
};

struct catswap {
	pthread_mutex_t		 change;	/* one change at a time */
	pthread_mutex_t		 mu;
	uint64_t		 epoch;		/* the current one */
	struct catswap_epoch	 tab[CATSWAP_EPOCHS_MAX];
	size_t			 n;
	struct catswap_old	*old;
	unsigned		 nold;
};

struct catswap *
catswap_new(void)
{
	struct catswap	*cs = xcalloc(1, sizeof(*cs));

	pthread_mutex_init(&cs->mu, NULL);
	pthread_mutex_init(&cs->change, NULL);
	cs->epoch = 1;
	return (cs);
}

static void
catswap_old_free(struct catswap_old *o)
{
	if (o->cat != NULL)
		catalog_free(o->cat);
	if (o->fn != NULL)
		o->fn(o->obj);
	free(o->json[0]);
	free(o->json[1]);
	free(o->json[2]);
	free(o);
}

void
catswap_free(struct catswap *cs)
{
	struct catswap_old	*o, *next;

	if (cs == NULL)
		return;
	for (o = cs->old; o != NULL; o = next) {
		next = o->next;
		catswap_old_free(o);
	}
	pthread_mutex_destroy(&cs->mu);
	pthread_mutex_destroy(&cs->change);
	free(cs);
}

/* Frees the retired catalogues no request in flight can hold. Mutex. */
static void
catswap_collect(struct catswap *cs)
{
	struct catswap_old	**op, *o;
	uint64_t		 oldest = cs->epoch;
	size_t			 i;

	for (i = 0; i < cs->n; i++)
		if (cs->tab[i].epoch < oldest)
			oldest = cs->tab[i].epoch;
	for (op = &cs->old; (o = *op) != NULL;) {
		if (o->retired <= oldest) {
			*op = o->next;
			cs->nold--;
			catswap_old_free(o);
		} else
			op = &o->next;
	}
}

uint64_t
catswap_enter(struct catswap *cs)
{
	uint64_t	 e;
	size_t		 i, low = 0;

	pthread_mutex_lock(&cs->mu);
	e = cs->epoch;
	for (i = 0; i < cs->n; i++)
		if (cs->tab[i].epoch == e)
			break;
	if (i == cs->n && cs->n < CATSWAP_EPOCHS_MAX) {
		cs->tab[cs->n].epoch = e;
		cs->tab[cs->n].inflight = 0;
		cs->n++;
	} else if (i == cs->n) {
		for (i = 1; i < cs->n; i++)
			if (cs->tab[i].epoch < cs->tab[low].epoch)
				low = i;
		i = low;
		e = cs->tab[i].epoch;
	}
	cs->tab[i].inflight++;
	pthread_mutex_unlock(&cs->mu);
	return (e);
}

void
catswap_leave(struct catswap *cs, uint64_t epoch)
{
	size_t	 i;

	pthread_mutex_lock(&cs->mu);
	for (i = 0; i < cs->n; i++)
		if (cs->tab[i].epoch == epoch)
			break;
	if (i < cs->n && --cs->tab[i].inflight == 0) {
		cs->tab[i] = cs->tab[--cs->n];
		if (cs->old != NULL)
			catswap_collect(cs);
	}
	pthread_mutex_unlock(&cs->mu);
}

static void	 catswap_push(struct catswap *, struct catswap_old *);

void
catswap_retire(struct catswap *cs, struct catalog *cat, char *json0,
    char *json1, char *json2)
{
	struct catswap_old	*o = xcalloc(1, sizeof(*o));

	o->cat = cat;
	o->json[0] = json0;
	o->json[1] = json1;
	o->json[2] = json2;
	catswap_push(cs, o);
}

void
catswap_retire_obj(struct catswap *cs, void *obj, void (*fn)(void *))
{
	struct catswap_old	*o = xcalloc(1, sizeof(*o));

	o->obj = obj;
	o->fn = fn;
	catswap_push(cs, o);
}

static void
catswap_push(struct catswap *cs, struct catswap_old *o)
{
	pthread_mutex_lock(&cs->mu);
	o->retired = ++cs->epoch;
	o->next = cs->old;
	cs->old = o;
	cs->nold++;
	catswap_collect(cs);
	pthread_mutex_unlock(&cs->mu);
}

void
catswap_change_begin(struct catswap *cs)
{
	pthread_mutex_lock(&cs->change);
}

void
catswap_change_end(struct catswap *cs)
{
	pthread_mutex_unlock(&cs->change);
}

unsigned
catswap_waiting(struct catswap *cs)
{
	unsigned	 n;

	pthread_mutex_lock(&cs->mu);
	n = cs->nold;
	pthread_mutex_unlock(&cs->mu);
	return (n);
}
