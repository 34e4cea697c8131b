/*
 * session.c: the table of browser sessions, in memory under its mutex
 * (one table per server, made by whoever serves).
 * Ids and CSRF tokens are random (crypto_random) in hex; a lookup
 * compares in constant time and drops an expired session.
 * Trap: the id arrives from a cookie: its length is checked before any
 * compare, and nothing is copied out of a session that has expired.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "session.h"
#include "util.h"

struct slot {
	int		 used;
	unsigned long	 seq;		/* creation order, for ties */
	char		 id[SESSION_ID_LEN + 1];
	struct session	 s;
};

/* Recent sign-ins per key, for SESSION_SIGNINS_MAX. */
struct signins {
	uint8_t		 key[32];
	long long	 start;
	unsigned	 n;
};

struct sessions {
	pthread_mutex_t	 mtx;		/* guards everything below */
	struct slot	 tab[SESSIONS_MAX];
	unsigned long	 seq;
	struct signins	 signins[SESSIONS_MAX];
};

struct sessions *
sessions_new(void)
{
	struct sessions	*ss = xcalloc(1, sizeof(*ss));

	pthread_mutex_init(&ss->mtx, NULL);
	return (ss);
}

void
sessions_free(struct sessions *ss)
{
	if (ss == NULL)
		return;
	pthread_mutex_destroy(&ss->mtx);
	crypto_zero(ss, sizeof(*ss));
	free(ss);
}

static void
session_hex(char *out, size_t chars)
{
	static const char	 hex[] = "0123456789abcdef";
	uint8_t			 raw[SESSION_ID_LEN / 2];
	size_t			 i;

	crypto_random(raw, chars / 2);
	for (i = 0; i < chars / 2; i++) {
		out[2 * i] = hex[raw[i] >> 4];
		out[2 * i + 1] = hex[raw[i] & 15];
	}
	out[chars] = '\0';
	crypto_zero(raw, sizeof(raw));
}

/* Counts a sign-in of key; 1 when it is over the limit. Mutex held. */
static int
session_signin_over(struct sessions *ss, const uint8_t key[32],
    long long now)
{
	struct signins	*sg = NULL, *c;
	size_t		 i;

	for (i = 0; i < SESSIONS_MAX; i++) {
		c = &ss->signins[i];
		if (c->n > 0 && memcmp(c->key, key, 32) == 0) {
			sg = c;
			break;
		}
	}
	if (sg == NULL) {
		/* A free or stale entry, else the one started first. */
		for (i = 0; i < SESSIONS_MAX; i++) {
			c = &ss->signins[i];
			if (c->n == 0 || now - c->start >= SESSION_SIGNIN_WINDOW) {
				sg = c;
				break;
			}
			if (sg == NULL || c->start < sg->start)
				sg = c;
		}
		memset(sg, 0, sizeof(*sg));
		memcpy(sg->key, key, 32);
		sg->start = now;
	} else if (now - sg->start >= SESSION_SIGNIN_WINDOW) {
		sg->start = now;
		sg->n = 0;
	}
	return (++sg->n > SESSION_SIGNINS_MAX);
}

/*
 * The slot a new session of key takes: its own oldest when the key is at
 * its cap, else a free one, else the oldest of all. Mutex held.
 */
static struct slot *
session_pick(struct sessions *ss, const uint8_t key[32], long long now)
{
	struct slot	*own = NULL, *free_sl = NULL, *old = NULL, *c;
	unsigned	 mine = 0;
	size_t		 i;

	for (i = 0; i < SESSIONS_MAX; i++) {
		c = &ss->tab[i];
		if (c->used && c->s.expires <= now)
			memset(c, 0, sizeof(*c));
		if (!c->used) {
			if (free_sl == NULL)
				free_sl = c;
			continue;
		}
		if (old == NULL || c->seq < old->seq)
			old = c;
		if (memcmp(c->s.key, key, 32) == 0) {
			mine++;
			if (own == NULL || c->seq < own->seq)
				own = c;
		}
	}
	if (mine >= SESSIONS_PER_KEY)
		return (own);
	return (free_sl != NULL ? free_sl : old);
}

static int
session_new(struct sessions *ss, int role, const char *unit,
    const uint8_t key[32], const char *name, const char *user, uint32_t gen,
    char id[SESSION_ID_LEN + 1], struct session *out)
{
	struct slot	*sl;
	long long	 now = (long long)now_sec();

	if (role == 0 || unit == NULL || strlen(unit) > UNIT_CODE_MAX)
		return (-1);
	pthread_mutex_lock(&ss->mtx);
	if (session_signin_over(ss, key, now)) {
		pthread_mutex_unlock(&ss->mtx);
		return (1);
	}
	sl = session_pick(ss, key, now);
	memset(sl, 0, sizeof(*sl));
	sl->used = 1;
	sl->seq = ++ss->seq;
	session_hex(sl->id, SESSION_ID_LEN);
	session_hex(sl->s.csrf, SESSION_CSRF_LEN);
	sl->s.role = role;
	strlcpy(sl->s.unit, unit, sizeof(sl->s.unit));
	memcpy(sl->s.key, key, 32);
	strlcpy(sl->s.name, name, sizeof(sl->s.name));
	strlcpy(sl->s.user, user, sizeof(sl->s.user));
	sl->s.gen = gen;
	sl->s.expires = now + SESSION_TTL;
	memcpy(id, sl->id, SESSION_ID_LEN + 1);
	if (out != NULL)
		*out = sl->s;
	pthread_mutex_unlock(&ss->mtx);
	return (0);
}

int
session_create(struct sessions *ss, int role, const char *unit,
    const uint8_t key[32], const char *name, char id[SESSION_ID_LEN + 1],
    struct session *out)
{
	return (session_new(ss, role, unit, key, name, "", 0, id, out));
}

int
session_create_user(struct sessions *ss, int role, const char *unit,
    const char *user, uint32_t gen, char id[SESSION_ID_LEN + 1],
    struct session *out)
{
	uint8_t	 key[CRYPTO_HASH_LEN];
	char	 buf[5 + USER_NAME_MAX + 1];
	int	 n;

	n = snprintf(buf, sizeof(buf), "user\n%s", user);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return (-1);
	crypto_sha256(buf, (size_t)n, key);
	return (session_new(ss, role, unit, key, user, user, gen, id, out));
}

/* The slot of id, or NULL; the caller holds the mutex. */
static struct slot *
session_find(struct sessions *ss, const char *id, size_t len)
{
	size_t	 i;

	if (id == NULL || len != SESSION_ID_LEN)
		return (NULL);
	for (i = 0; i < SESSIONS_MAX; i++)
		if (ss->tab[i].used &&
		    crypto_equal(ss->tab[i].id, id, SESSION_ID_LEN))
			return (&ss->tab[i]);
	return (NULL);
}

int
session_get(struct sessions *ss, const char *id, size_t len,
    struct session *out)
{
	struct slot	*sl;
	int		 rc = -1;

	pthread_mutex_lock(&ss->mtx);
	if ((sl = session_find(ss, id, len)) != NULL) {
		if (sl->s.expires <= (long long)now_sec())
			memset(sl, 0, sizeof(*sl));
		else {
			*out = sl->s;
			rc = 0;
		}
	}
	pthread_mutex_unlock(&ss->mtx);
	return (rc);
}

void
session_end(struct sessions *ss, const char *id, size_t len)
{
	struct slot	*sl;

	pthread_mutex_lock(&ss->mtx);
	if ((sl = session_find(ss, id, len)) != NULL)
		memset(sl, 0, sizeof(*sl));
	pthread_mutex_unlock(&ss->mtx);
}
