/*
 * backoff.c: the per-account delay table: set-associative, under one
 * mutex, names kept as a keyed hash (a random seed drawn at creation),
 * never as text.
 * Trap: a bucket's entry is only taken over when it is free, forgotten,
 * or has the fewest failures of the bucket, so a flood of new names
 * cannot wipe the delay of a name under attack for long.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "backoff.h"
#include "crypto.h"
#include "util.h"

#define BACKOFF_ID_LEN	16

struct backoff_ent {
	uint8_t		 id[BACKOFF_ID_LEN];
	int		 used;
	unsigned	 fails;
	int64_t		 last;
};

struct backoff {
	pthread_mutex_t		 mu;
	uint8_t			 seed[32];
	struct backoff_ent	 tab[BACKOFF_BUCKETS][BACKOFF_WAYS];
};

struct backoff *
backoff_create(void)
{
	struct backoff	*b = xcalloc(1, sizeof(*b));

	pthread_mutex_init(&b->mu, NULL);
	crypto_random(b->seed, sizeof(b->seed));
	return (b);
}

void
backoff_free(struct backoff *b)
{
	if (b == NULL)
		return;
	pthread_mutex_destroy(&b->mu);
	crypto_zero(b, sizeof(*b));
	free(b);
}

/* The name's id and its bucket. */
static struct backoff_ent *
backoff_bucket(struct backoff *b, const char *name, size_t len,
    uint8_t id[BACKOFF_ID_LEN])
{
	uint8_t	 h[CRYPTO_HASH_LEN];

	crypto_hmac_sha256(b->seed, sizeof(b->seed), name, len, h);
	memcpy(id, h, BACKOFF_ID_LEN);
	return (b->tab[((uint32_t)h[BACKOFF_ID_LEN] << 8 |
	    h[BACKOFF_ID_LEN + 1]) % BACKOFF_BUCKETS]);
}

static struct backoff_ent *
backoff_find(struct backoff_ent *bk, const uint8_t id[BACKOFF_ID_LEN],
    int64_t now)
{
	size_t	 i;

	for (i = 0; i < BACKOFF_WAYS; i++)
		if (bk[i].used && memcmp(bk[i].id, id, BACKOFF_ID_LEN) == 0) {
			if (now - bk[i].last >= BACKOFF_FORGET)
				bk[i].fails = 0;
			return (&bk[i]);
		}
	return (NULL);
}

/* 1 s, 2 s, 4 s ... after BACKOFF_FREE failures, at most BACKOFF_MAX. */
static int64_t
backoff_delay(unsigned fails)
{
	unsigned	 n;
	int64_t		 d;

	if (fails < BACKOFF_FREE)
		return (0);
	n = fails - BACKOFF_FREE;
	if (n >= 20)
		return (BACKOFF_MAX);
	d = (int64_t)1000 << n;
	return (d > BACKOFF_MAX ? BACKOFF_MAX : d);
}

int64_t
backoff_wait(struct backoff *b, const char *name, size_t len, int64_t now)
{
	struct backoff_ent	*e;
	uint8_t			 id[BACKOFF_ID_LEN];
	int64_t			 left = 0;

	pthread_mutex_lock(&b->mu);
	e = backoff_find(backoff_bucket(b, name, len, id), id, now);
	if (e != NULL && (left = e->last + backoff_delay(e->fails) - now) < 0)
		left = 0;
	pthread_mutex_unlock(&b->mu);
	return (left);
}

void
backoff_fail(struct backoff *b, const char *name, size_t len, int64_t now)
{
	struct backoff_ent	*bk, *e, *victim = NULL;
	uint8_t			 id[BACKOFF_ID_LEN];
	size_t			 i;

	pthread_mutex_lock(&b->mu);
	bk = backoff_bucket(b, name, len, id);
	if ((e = backoff_find(bk, id, now)) == NULL) {
		for (i = 0; i < BACKOFF_WAYS; i++) {
			if (!bk[i].used ||
			    now - bk[i].last >= BACKOFF_FORGET) {
				victim = &bk[i];
				break;
			}
			if (victim == NULL || bk[i].fails < victim->fails)
				victim = &bk[i];
		}
		e = victim;
		memcpy(e->id, id, BACKOFF_ID_LEN);
		e->used = 1;
		e->fails = 0;
	}
	if (e->fails < 1000)
		e->fails++;
	e->last = now;
	pthread_mutex_unlock(&b->mu);
}

void
backoff_clear(struct backoff *b, const char *name, size_t len)
{
	struct backoff_ent	*e;
	uint8_t			 id[BACKOFF_ID_LEN];

	pthread_mutex_lock(&b->mu);
	e = backoff_find(backoff_bucket(b, name, len, id), id, 0);
	if (e != NULL)
		memset(e, 0, sizeof(*e));
	pthread_mutex_unlock(&b->mu);
}
