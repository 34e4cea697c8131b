/*
 * session.c: the table of browser sessions, in memory under one mutex.
 * Ids and CSRF tokens are random (crypto_random) in hex; a lookup
 * compares in constant time and drops an expired session.
 * Trap: the id arrives from a cookie: its length is checked before any
 * compare, and nothing is copied out of a session that has expired.
 */
#include <pthread.h>
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

static pthread_mutex_t	 session_mtx = PTHREAD_MUTEX_INITIALIZER;
static struct slot	 session_tab[SESSIONS_MAX];
static unsigned long	 session_seq;

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

int
session_create(int role, const char *unit, char id[SESSION_ID_LEN + 1],
    struct session *out)
{
	struct slot	*sl = NULL;
	long long	 now = (long long)now_sec();
	size_t		 i;

	if (role == 0 || unit == NULL || strlen(unit) > UNIT_CODE_MAX)
		return (-1);
	pthread_mutex_lock(&session_mtx);
	/* A free or expired slot, else the one closest to expiry. */
	for (i = 0; i < SESSIONS_MAX; i++) {
		struct slot *c = &session_tab[i];

		if (!c->used || c->s.expires <= now) {
			sl = c;
			break;
		}
		if (sl == NULL || c->s.expires < sl->s.expires ||
		    (c->s.expires == sl->s.expires && c->seq < sl->seq))
			sl = c;
	}
	memset(sl, 0, sizeof(*sl));
	sl->used = 1;
	sl->seq = ++session_seq;
	session_hex(sl->id, SESSION_ID_LEN);
	session_hex(sl->s.csrf, SESSION_CSRF_LEN);
	sl->s.role = role;
	strlcpy(sl->s.unit, unit, sizeof(sl->s.unit));
	sl->s.expires = now + SESSION_TTL;
	memcpy(id, sl->id, SESSION_ID_LEN + 1);
	if (out != NULL)
		*out = sl->s;
	pthread_mutex_unlock(&session_mtx);
	return (0);
}

/* The slot of id, or NULL; the caller holds the mutex. */
static struct slot *
session_find(const char *id, size_t len)
{
	size_t	 i;

	if (id == NULL || len != SESSION_ID_LEN)
		return (NULL);
	for (i = 0; i < SESSIONS_MAX; i++)
		if (session_tab[i].used &&
		    crypto_equal(session_tab[i].id, id, SESSION_ID_LEN))
			return (&session_tab[i]);
	return (NULL);
}

int
session_get(const char *id, size_t len, struct session *out)
{
	struct slot	*sl;
	int		 rc = -1;

	pthread_mutex_lock(&session_mtx);
	if ((sl = session_find(id, len)) != NULL) {
		if (sl->s.expires <= (long long)now_sec())
			memset(sl, 0, sizeof(*sl));
		else {
			*out = sl->s;
			rc = 0;
		}
	}
	pthread_mutex_unlock(&session_mtx);
	return (rc);
}

void
session_end(const char *id, size_t len)
{
	struct slot	*sl;

	pthread_mutex_lock(&session_mtx);
	if ((sl = session_find(id, len)) != NULL)
		memset(sl, 0, sizeof(*sl));
	pthread_mutex_unlock(&session_mtx);
}
