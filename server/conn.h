/*
 * conn.h: the server's connections as a whole: how many each client
 * address holds, deadlines that idle time cannot stretch, and a watchdog
 * thread that cuts a connection past its deadline.
 *
 * Caps: CONN_PER_ADDR connections per address; once CONN_BUSY are open,
 * an address already holding CONN_PER_ADDR_BUSY gets no more, so the
 * rest stay for new addresses. A trusted proxy's own address is not
 * capped (its clients are): requests per forwarded client address are
 * capped by conn_client_enter(), and a parked long poll leaves the count.
 * Deadlines: a new connection's first request must have its headers in
 * within CONN_HEADER_SEC, a later request within CONN_KEEPALIVE_SEC of
 * the end of the one before, however slowly bytes trickle in; a body
 * must arrive at CONN_BODY_MIN_RATE bytes a second after
 * CONN_BODY_GRACE_SEC.
 */
#ifndef CONN_H
#define CONN_H

#include <stddef.h>
#include <stdint.h>

#define CONN_TOTAL_MAX		4096	/* the daemon's limit */
#define CONN_BUSY		3072
#define CONN_PER_ADDR		128
#define CONN_PER_ADDR_BUSY	16
#define CONN_CLIENT_REQS	64	/* requests at once per forwarded client */
#define CONN_HEADER_SEC		10
#define CONN_KEEPALIVE_SEC	30	/* idle between two requests */
#define CONN_BODY_GRACE_SEC	10
#define CONN_BODY_MIN_RATE	512	/* bytes per second */
#define CONN_TICK_MS		250

struct conn;
struct conn_set;

/*
 * The connections of one daemon, with its watchdog thread running.
 * NULL when the thread cannot start. conn_set_free() stops it; every
 * connection must have been closed by then.
 */
struct conn_set	*conn_set_create(void);
void		 conn_set_free(struct conn_set *);
/*
 * A new connection on socket fd from peer (trusted: a proxy of ours).
 * Returns it with the header deadline set, or NULL when a cap refuses it
 * (the caller shuts the socket down).
 */
struct conn	*conn_open(struct conn_set *, int fd, const uint8_t peer[16],
		    int trusted);
/* The connection is gone; c may be NULL. */
void		 conn_close(struct conn *c);
/* Its headers are in: a body of len bytes (0: none) must follow in time. */
void		 conn_headers_done(struct conn *c, uint64_t len);
/* Its body is in, or it is being answered or parked: no deadline. */
void		 conn_busy(struct conn *c);
/* Its request is answered: the next one's headers are due in time. */
void		 conn_idle(struct conn *c);
/*
 * A request of a forwarded client begins: 0, or -1 when that client has
 * CONN_CLIENT_REQS requests in progress. conn_client_leave() once for
 * each 0.
 */
int		 conn_client_enter(struct conn_set *, const uint8_t client[16]);
void		 conn_client_leave(struct conn_set *, const uint8_t client[16]);

#endif
