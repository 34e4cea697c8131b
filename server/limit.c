/*
 * limit.c: the table of failed attempts, a set-associative hash table
 * under one mutex. A bucket's entry is only taken over when it is free,
 * its window has passed, or it has fewer failures than every other
 * candidate: an address at the limit is never reset by another's
 * arrival. The hash is keyed by a random seed, so nobody can aim
 * addresses at one bucket.
 * Trap: the seed is drawn at creation, so crypto_init() comes first.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "limit.h"
#include "util.h"

struct limit_ent {
	uint8_t		 addr[16];
	uint8_t		 kind;
	uint8_t		 used;
	unsigned	 fails;
	int64_t		 start;
};

struct limit {
	pthread_mutex_t		 mu;
	uint64_t		 seed;
	struct limit_ent	 tab[LIMIT_BUCKETS][LIMIT_WAYS];
};

struct limit *
limit_create(void)
{
	struct limit	*l = xcalloc(1, sizeof(*l));

	pthread_mutex_init(&l->mu, NULL);
	crypto_random(&l->seed, sizeof(l->seed));
	return (l);
}

void
limit_free(struct limit *l)
{
	if (l == NULL)
		return;
	pthread_mutex_destroy(&l->mu);
	free(l);
}

/* The address as counted: an IPv6 address by its /64. */
static void
limit_norm(const uint8_t in[16], uint8_t out[16])
{
	static const uint8_t	 v4[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff };

	memcpy(out, in, 16);
	if (memcmp(in, v4, sizeof(v4)) != 0)
		memset(out + 8, 0, 8);
}

static struct limit_ent *
limit_bucket(struct limit *l, const uint8_t a[16], enum limit_kind kind)
{
	uint64_t	 h;
	size_t		 i;

	h = l->seed ^ 14695981039346656037ULL;
	for (i = 0; i < 16; i++)
		h = (h ^ a[i]) * 1099511628211ULL;
	h = (h ^ (uint64_t)kind) * 1099511628211ULL;
	h ^= h >> 29;
	return (l->tab[h % LIMIT_BUCKETS]);
}

static struct limit_ent *
limit_find(struct limit_ent *b, const uint8_t a[16], enum limit_kind kind)
{
	size_t	 i;

	for (i = 0; i < LIMIT_WAYS; i++)
		if (b[i].used && b[i].kind == kind &&
		    memcmp(b[i].addr, a, 16) == 0)
			return (&b[i]);
	return (NULL);
}

int64_t
limit_blocked(struct limit *l, const uint8_t addr[16], enum limit_kind kind,
    int64_t now)
{
	struct limit_ent	*e;
	uint8_t			 a[16];
	int64_t			 left = 0;

	limit_norm(addr, a);
	pthread_mutex_lock(&l->mu);
	e = limit_find(limit_bucket(l, a, kind), a, kind);
	if (e != NULL && e->fails >= LIMIT_FAILS_MAX &&
	    now - e->start < LIMIT_WINDOW)
		left = LIMIT_WINDOW - (now - e->start);
	pthread_mutex_unlock(&l->mu);
	return (left);
}

void
limit_fail(struct limit *l, const uint8_t addr[16], enum limit_kind kind,
    int64_t now)
{
	struct limit_ent	*b, *e, *c;
	uint8_t			 a[16];
	size_t			 i;

	limit_norm(addr, a);
	pthread_mutex_lock(&l->mu);
	b = limit_bucket(l, a, kind);
	if ((e = limit_find(b, a, kind)) == NULL) {
		/* Free or over, else the fewest failures, then the oldest. */
		for (i = 0; i < LIMIT_WAYS; i++) {
			c = &b[i];
			if (!c->used || now - c->start >= LIMIT_WINDOW) {
				e = c;
				break;
			}
			if (e == NULL || c->fails < e->fails ||
			    (c->fails == e->fails && c->start < e->start))
				e = c;
		}
		memset(e, 0, sizeof(*e));
		memcpy(e->addr, a, 16);
		e->kind = (uint8_t)kind;
		e->used = 1;
		e->start = now;
	} else if (now - e->start >= LIMIT_WINDOW) {
		e->start = now;
		e->fails = 0;
	}
	if (e->fails < UINT32_MAX)
		e->fails++;
	pthread_mutex_unlock(&l->mu);
}
