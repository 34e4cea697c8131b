/*
 * backoff.h: a growing delay per account name after failed password
 * sign-ins, in memory. After BACKOFF_FREE failures in a row, the next
 * attempt for that name must wait 2^(failures - BACKOFF_FREE) seconds
 * after the last failure (at most BACKOFF_MAX ms, 5 minutes); an attempt
 * sooner is refused without looking at its password. A right password
 * resets the name; so does an hour without failures (BACKOFF_FORGET).
 * Unknown names are counted like known ones, so the delay says nothing
 * about who exists.
 */
#ifndef BACKOFF_H
#define BACKOFF_H

#include <stddef.h>
#include <stdint.h>

#define BACKOFF_FREE	3
#define BACKOFF_MAX	300000	/* ms */
#define BACKOFF_FORGET	3600000	/* ms */
#define BACKOFF_BUCKETS	1024
#define BACKOFF_WAYS	4

struct backoff;

/* A new, empty table; backoff_free(NULL) is fine. After crypto_init(). */
struct backoff	*backoff_create(void);
void		 backoff_free(struct backoff *);
/* Times are in ms (a clock that never steps back: mono_usec() / 1000). */
/* 0, or the ms name[0..len) must still wait. */
int64_t		 backoff_wait(struct backoff *, const char *name, size_t len,
		    int64_t now);
/* Counts a failure of name; a right password clears it. */
void		 backoff_fail(struct backoff *, const char *name, size_t len,
		    int64_t now);
void		 backoff_clear(struct backoff *, const char *name, size_t len);

#endif
