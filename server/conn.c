/*
 * conn.c: connection caps and deadlines. A table of open connections
 * (a list under one mutex) and of counts per address (open addressing,
 * entries removed by backward shift so lookups never miss); a watchdog
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

static pthread_mutex_t	 conn_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	 conn_cv = PTHREAD_COND_INITIALIZER;
static struct conn	*conn_list;
static size_t		 conn_total;
static struct conn_addr	 conn_addrs[CONN_ADDR_SLOTS];
static pthread_t	 conn_thread;
static int		 conn_running, conn_stopping;

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
conn_addr_get(const uint8_t a[16], int client, int make)
{
	size_t	 i = conn_hash(a, client), k;

	for (k = 0; k < CONN_ADDR_SLOTS; k++, i = (i + 1) &
	    (CONN_ADDR_SLOTS - 1)) {
		struct conn_addr *s = &conn_addrs[i];

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
conn_addr_put(const uint8_t a[16], int client)
{
	struct conn_addr	*s = conn_addr_get(a, client, 0);
	size_t			 i, j, h;

	if (s == NULL || s->n == 0 || --s->n > 0)
		return;
	/* Backward shift: later members of the run move up. */
	i = (size_t)(s - conn_addrs);
	j = i;
	for (;;) {
		j = (j + 1) & (CONN_ADDR_SLOTS - 1);
		if (conn_addrs[j].n == 0)
			break;
		h = conn_hash(conn_addrs[j].addr, conn_addrs[j].client);
		/* j may move to i when its home is not within (i, j]. */
		if ((i <= j) ? (h > i && h <= j) : (h > i || h <= j))
			continue;
		conn_addrs[i] = conn_addrs[j];
		i = j;
	}
	memset(&conn_addrs[i], 0, sizeof(conn_addrs[i]));
}

struct conn *
conn_open(int fd, const uint8_t peer[16], int trusted)
{
	struct conn		*c;
	struct conn_addr	*s = NULL;

	pthread_mutex_lock(&conn_mu);
	if (!trusted) {
		if ((s = conn_addr_get(peer, 0, 1)) == NULL ||
		    s->n >= CONN_PER_ADDR ||
		    (conn_total >= CONN_BUSY && s->n >= CONN_PER_ADDR_BUSY)) {
			pthread_mutex_unlock(&conn_mu);
			return (NULL);
		}
		s->n++;
	}
	c = xcalloc(1, sizeof(*c));
	c->fd = fd;
	c->trusted = trusted;
	memcpy(c->peer, peer, 16);
	c->deadline = conn_now_ms() + CONN_HEADER_SEC * 1000;
	c->next = conn_list;
	if (conn_list != NULL)
		conn_list->prev = c;
	conn_list = c;
	conn_total++;
	pthread_mutex_unlock(&conn_mu);
	return (c);
}

void
conn_close(struct conn *c)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&conn_mu);
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		conn_list = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	conn_total--;
	if (!c->trusted)
		conn_addr_put(c->peer, 0);
	pthread_mutex_unlock(&conn_mu);
	free(c);
}

static void
conn_set(struct conn *c, int64_t deadline)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&conn_mu);
	c->deadline = deadline;
	pthread_mutex_unlock(&conn_mu);
}

void
conn_headers_done(struct conn *c, uint64_t len)
{
	uint64_t	 ms;

	if (len == 0) {
		conn_set(c, 0);
		return;
	}
	ms = len * 1000 / CONN_BODY_MIN_RATE;
	conn_set(c, conn_now_ms() + CONN_BODY_GRACE_SEC * 1000 +
	    (int64_t)(ms > INT32_MAX ? INT32_MAX : ms));
}

void
conn_busy(struct conn *c)
{
	conn_set(c, 0);
}

void
conn_idle(struct conn *c)
{
	conn_set(c, conn_now_ms() + CONN_KEEPALIVE_SEC * 1000);
}

int
conn_client_enter(const uint8_t client[16])
{
	struct conn_addr	*s;
	int			 rc = 0;

	pthread_mutex_lock(&conn_mu);
	if ((s = conn_addr_get(client, 1, 1)) == NULL ||
	    s->n >= CONN_CLIENT_REQS)
		rc = -1;
	else
		s->n++;
	pthread_mutex_unlock(&conn_mu);
	return (rc);
}

void
conn_client_leave(const uint8_t client[16])
{
	pthread_mutex_lock(&conn_mu);
	conn_addr_put(client, 1);
	pthread_mutex_unlock(&conn_mu);
}

size_t
conn_count(void)
{
	size_t	 n;

	pthread_mutex_lock(&conn_mu);
	n = conn_total;
	pthread_mutex_unlock(&conn_mu);
	return (n);
}

static void *
conn_watch(void *arg)
{
	struct timespec	 ts;
	struct conn	*c;
	int64_t		 now;

	(void)arg;
	pthread_mutex_lock(&conn_mu);
	while (!conn_stopping) {
		now = conn_now_ms();
		for (c = conn_list; c != NULL; c = c->next)
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
		pthread_cond_timedwait(&conn_cv, &conn_mu, &ts);
	}
	pthread_mutex_unlock(&conn_mu);
	return (NULL);
}

int
conn_watch_start(void)
{
	conn_stopping = 0;
	if (pthread_create(&conn_thread, NULL, conn_watch, NULL) != 0)
		return (-1);
	conn_running = 1;
	return (0);
}

void
conn_watch_stop(void)
{
	if (!conn_running)
		return;
	pthread_mutex_lock(&conn_mu);
	conn_stopping = 1;
	pthread_cond_signal(&conn_cv);
	pthread_mutex_unlock(&conn_mu);
	pthread_join(conn_thread, NULL);
	conn_running = 0;
}
