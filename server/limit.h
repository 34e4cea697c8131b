/*
 * limit.h: failed attempts per client address and kind, in memory. An
 * address with LIMIT_FAILS_MAX failures of one kind within LIMIT_WINDOW
 * seconds is refused further attempts of that kind (429); other kinds
 * and valid credentials from it are not affected. IPv6 clients count by
 * their /64, the block one subscriber is given.
 */
#ifndef LIMIT_H
#define LIMIT_H

#include <stdint.h>

#define LIMIT_FAILS_MAX	10
#define LIMIT_WINDOW	60	/* seconds */
#define LIMIT_BUCKETS	2048
#define LIMIT_WAYS	8	/* addresses per bucket */

enum limit_kind {
	LIMIT_KEY = 0,		/* Bearer keys */
	LIMIT_SIGNIN,		/* keys typed on /signin */
	LIMIT_CODE,		/* receipt and enrolment codes */
	LIMIT_KINDS
};

struct limit;

/* A new, empty table (some 1 MiB); limit_free(NULL) is fine. */
struct limit	*limit_create(void);
void		 limit_free(struct limit *);
/* 0, or the seconds left of addr's block for kind. */
int64_t		 limit_blocked(struct limit *, const uint8_t addr[16],
		    enum limit_kind, int64_t now);
/* Counts one failure of kind from addr. */
void		 limit_fail(struct limit *, const uint8_t addr[16],
		    enum limit_kind, int64_t now);

#endif
