/*
 * keyseen.c: the table of keys last used, open addressing over the
 * first bytes of the key's hash (already uniform: a SHA-256), under one
 * mutex held for a few compares per request.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "keyseen.h"
#include "util.h"

struct keyseen_ent {
	uint8_t		 id[8];
	int64_t		 at;		/* 0: free */
};

struct keyseen {
	pthread_mutex_t		 mu;
	struct keyseen_ent	 tab[KEYSEEN_MAX];
};

struct keyseen *
keyseen_new(void)
{
	struct keyseen	*ks = xcalloc(1, sizeof(*ks));

	pthread_mutex_init(&ks->mu, NULL);
	return (ks);
}

void
keyseen_free(struct keyseen *ks)
{
	if (ks == NULL)
		return;
	pthread_mutex_destroy(&ks->mu);
	free(ks);
}

static size_t
keyseen_slot(const uint8_t hash[32])
{
	return (((size_t)hash[8] << 8 | hash[9]) % KEYSEEN_MAX);
}

void
keyseen_mark(struct keyseen *ks, const uint8_t hash[32], int64_t now)
{
	struct keyseen_ent	*e, *old = NULL;
	size_t			 i, s = keyseen_slot(hash);

	pthread_mutex_lock(&ks->mu);
	for (i = 0; i < KEYSEEN_PROBE; i++) {
		e = &ks->tab[(s + i) % KEYSEEN_MAX];
		if (e->at != 0 && memcmp(e->id, hash, sizeof(e->id)) == 0) {
			old = e;
			break;
		}
		if (old == NULL || e->at < old->at)
			old = e;
	}
	memcpy(old->id, hash, sizeof(old->id));
	old->at = now;
	pthread_mutex_unlock(&ks->mu);
}

int64_t
keyseen_last(struct keyseen *ks, const uint8_t hash[32])
{
	struct keyseen_ent	*e;
	size_t			 i, s = keyseen_slot(hash);
	int64_t			 at = 0;

	pthread_mutex_lock(&ks->mu);
	for (i = 0; i < KEYSEEN_PROBE; i++) {
		e = &ks->tab[(s + i) % KEYSEEN_MAX];
		if (e->at != 0 && memcmp(e->id, hash, sizeof(e->id)) == 0) {
			at = e->at;
			break;
		}
	}
	pthread_mutex_unlock(&ks->mu);
	return (at);
}
