/*
 * pair.h: pairing a kiosk with its counter, in memory. For each (unit,
 * counter) the ticket last issued there through the API, and the kiosks
 * of that counter waiting (long poll) for one. The writer keeps each
 * counter's ticket in the store as well (the pending table, written with
 * the ticket), and a server starts from it (pair_restore): a restart
 * loses no offer; waiting kiosks simply poll again.
 */
#ifndef PAIR_H
#define PAIR_H

#include <stdint.h>

#include "model.h"

#define PAIR_WINDOW_SEC		PENDING_WINDOW_SEC /* offered so long */
#define PAIR_WAIT_DEFAULT	25	/* seconds a kiosk waits */
#define PAIR_WAIT_MIN		1
#define PAIR_WAIT_MAX		30
#define PAIR_SLOTS_MAX		4096	/* counters remembered */
#define PAIR_WAITERS_MAX	4096	/* kiosks waiting at once */

struct pair;

/* The pairing of a server, with its timer thread; NULL when none. */
struct pair *pair_new(void);
/* Wakes every waiter (NULL) and refuses new ones; stops the timer. */
void	 pair_stop(struct pair *);
void	 pair_free(struct pair *);	/* stops first */

/*
 * After a ticket was issued through the API (created or found again):
 * it becomes the pending ticket of its unit and counter (none when the
 * counter is empty or the ticket is not open), and the kiosks waiting
 * there get it.
 */
void	 pair_ticket_issued(struct pair *, const struct ticket *);
/*
 * At start, before any request: t was offered at its counter at offered
 * (from the store); it is pending again when still open, unexpired and
 * in the window, and the latest of its counter.
 */
void	 pair_restore(struct pair *, const struct ticket *, int64_t offered);
/* A ticket was answered (any channel): it is pending no more. */
void	 pair_ticket_answered(struct pair *, const uint8_t id[TICKET_ID_LEN]);

/*
 * The pending ticket of unit + counter, unanswered, unexpired, offered
 * for less than PAIR_WINDOW_SEC, and other than seen (NULL: none): 1
 * and *out filled. Otherwise, when wait_sec > 0, calls park(arg) with
 * the pairing lock held; when park returns 0 the waiter is kept and 0 is
 * returned: later, exactly once and from another thread, wake(arg, t)
 * is called without the lock, with the ticket or with NULL at the
 * deadline or at shutdown. Returns -1 when nothing is pending and
 * nothing waits (wait_sec 0, park failed, too many waiters, shutdown).
 */
int	 pair_next(struct pair *, const char *unit, const char *counter,
	    const uint8_t *seen, int wait_sec, int (*park)(void *),
	    void (*wake)(void *, const struct ticket *), void *arg,
	    struct ticket *out);

#endif
