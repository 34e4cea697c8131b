/*
 * conn.c: connection caps and deadlines. A set holds the open connections
 * (a list under the set's mutex) and counts per address (open addressing,
 * entries removed by backward shift so lookups never miss); its watchdog
 * thread wakes every CONN_TICK_MS and shuts down the socket of every
 * connection past its deadline.
 * Trap: the watchdog only calls shutdown(2), never close(2): the socket
 * stays libmicrohttpd's, which sees the end, closes it and reports the
 * close, which is when the entry goes.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "conn.h"
#include "util.h"

#define CONN_ADDR_SLOTS	16384	/* > CONN_TOTAL_MAX + requests, power of 2 */

struct conn {
	struct conn_set	*set;
	struct conn	*prev, *next;
	int		 fd;
	int		 trusted;
	uint8_t		 peer[16];
	int64_t		 deadline;	/* ms, monotonic; 0 = none */
};

struct conn_addr {
	uint8_t		 addr[16];
	uint32_t	 n;		/* 0 = free slot */
	uint8_t		 client;	/* a forwarded client's count */
};

struct conn_set {
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	struct conn	*list;
	size_t		 total;
	pthread_t	 thread;
	int		 stopping;
	struct conn_addr addrs[CONN_ADDR_SLOTS];
};

static int64_t
conn_now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

static size_t
conn_hash(const uint8_t a[16], int client)
{
	uint32_t	 h = 2166136261u ^ (uint32_t)client;
	size_t		 i;

	for (i = 0; i < 16; i++)
		h = (h ^ a[i]) * 16777619u;
	return (h & (CONN_ADDR_SLOTS - 1));
}

/* The slot of (a, client), found or made; mutex held. NULL when full. */
static struct conn_addr *
conn_addr_get(struct conn_set *cs, const uint8_t a[16], int client,
    int make)
{
	size_t	 i = conn_hash(a, client), k;

	for (k = 0; k < CONN_ADDR_SLOTS; k++, i = (i + 1) &
	    (CONN_ADDR_SLOTS - 1)) {
		struct conn_addr *s = &cs->addrs[i];

		if (s->n == 0) {
			if (!make)
				return (NULL);
			memcpy(s->addr, a, 16);
			s->client = (uint8_t)client;
			return (s);
		}
		if (s->client == client && memcmp(s->addr, a, 16) == 0)
			return (s);
	}
	return (NULL);
}

/* Takes one from (a, client); a slot at 0 is removed. Mutex held. */
static void
conn_addr_put(struct conn_set *cs, const uint8_t a[16], int client)
{
	struct conn_addr	*s = conn_addr_get(cs, a, client, 0);
	struct conn_addr	*t = cs->addrs;
	size_t			 i, j, h;

	if (s == NULL || s->n == 0 || --s->n > 0)
		return;
	/* Backward shift: later members of the run move up. */
	i = (size_t)(s - t);
	j = i;
	for (;;) {
		j = (j + 1) & (CONN_ADDR_SLOTS - 1);
		if (t[j].n == 0)
			break;
		h = conn_hash(t[j].addr, t[j].client);
		/* j may move to i when its home is not within (i, j]. */
		if ((i <= j) ? (h > i && h <= j) : (h > i || h <= j))
			continue;
		t[i] = t[j];
		i = j;
	}
	memset(&t[i], 0, sizeof(t[i]));
}

struct conn *
conn_open(struct conn_set *cs, int fd, const uint8_t peer[16], int trusted)
{
	struct conn		*c;
	struct conn_addr	*s = NULL;

	pthread_mutex_lock(&cs->mu);
	if (!trusted) {
		if ((s = conn_addr_get(cs, peer, 0, 1)) == NULL ||
		    s->n >= CONN_PER_ADDR ||
		    (cs->total >= CONN_BUSY && s->n >= CONN_PER_ADDR_BUSY)) {
			pthread_mutex_unlock(&cs->mu);
			return (NULL);
		}
		s->n++;
	}
	c = xcalloc(1, sizeof(*c));
	c->set = cs;
	c->fd = fd;
	c->trusted = trusted;
	memcpy(c->peer, peer, 16);
	c->deadline = conn_now_ms() + CONN_HEADER_SEC * 1000;
	c->next = cs->list;
	if (cs->list != NULL)
		cs->list->prev = c;
	cs->list = c;
	cs->total++;
	pthread_mutex_unlock(&cs->mu);
	return (c);
}

void
conn_close(struct conn *c)
{
	struct conn_set	*cs;

	if (c == NULL)
		return;
	cs = c->set;
	pthread_mutex_lock(&cs->mu);
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		cs->list = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	cs->total--;
	if (!c->trusted)
		conn_addr_put(cs, c->peer, 0);
	pthread_mutex_unlock(&cs->mu);
	free(c);
}

static void
conn_deadline(struct conn *c, int64_t deadline)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&c->set->mu);
	c->deadline = deadline;
	pthread_mutex_unlock(&c->set->mu);
}

void
conn_headers_done(struct conn *c, uint64_t len)
{
	uint64_t	 ms;

	if (len == 0) {
		conn_deadline(c, 0);
		return;
	}
	ms = len * 1000 / CONN_BODY_MIN_RATE;
	conn_deadline(c, conn_now_ms() + CONN_BODY_GRACE_SEC * 1000 +
	    (int64_t)(ms > INT32_MAX ? INT32_MAX : ms));
}

void
conn_busy(struct conn *c)
{
	conn_deadline(c, 0);
}

void
conn_idle(struct conn *c)
{
	conn_deadline(c, conn_now_ms() + CONN_KEEPALIVE_SEC * 1000);
}

int
conn_client_enter(struct conn_set *cs, const uint8_t client[16])
{
	struct conn_addr	*s;
	int			 rc = 0;

	pthread_mutex_lock(&cs->mu);
	if ((s = conn_addr_get(cs, client, 1, 1)) == NULL ||
	    s->n >= CONN_CLIENT_REQS)
		rc = -1;
	else
		s->n++;
	pthread_mutex_unlock(&cs->mu);
	return (rc);
}

void
conn_client_leave(struct conn_set *cs, const uint8_t client[16])
{
	pthread_mutex_lock(&cs->mu);
	conn_addr_put(cs, client, 1);
	pthread_mutex_unlock(&cs->mu);
}

static void *
conn_watch(void *arg)
{
	struct conn_set	*cs = arg;
	struct timespec	 ts;
	struct conn	*c;
	int64_t		 now;

	pthread_mutex_lock(&cs->mu);
	while (!cs->stopping) {
		now = conn_now_ms();
		for (c = cs->list; c != NULL; c = c->next)
			if (c->deadline != 0 && now > c->deadline) {
				shutdown(c->fd, SHUT_RDWR);
				c->deadline = 0;	/* once */
			}
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += CONN_TICK_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&cs->cv, &cs->mu, &ts);
	}
	pthread_mutex_unlock(&cs->mu);
	return (NULL);
}

struct conn_set *
conn_set_create(void)
{
	struct conn_set	*cs = xcalloc(1, sizeof(*cs));

	pthread_mutex_init(&cs->mu, NULL);
	pthread_cond_init(&cs->cv, NULL);
	if (pthread_create(&cs->thread, NULL, conn_watch, cs) != 0) {
		pthread_cond_destroy(&cs->cv);
		pthread_mutex_destroy(&cs->mu);
		free(cs);
		return (NULL);
	}
	return (cs);
}

void
conn_set_free(struct conn_set *cs)
{
	if (cs == NULL)
		return;
	pthread_mutex_lock(&cs->mu);
	cs->stopping = 1;
	pthread_cond_signal(&cs->cv);
	pthread_mutex_unlock(&cs->mu);
	pthread_join(cs->thread, NULL);
	pthread_cond_destroy(&cs->cv);
	pthread_mutex_destroy(&cs->mu);
	free(cs);
}
