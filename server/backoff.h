/*
 * backoff.h: a growing delay per account name after failed password
 * sign-ins, in memory. After BACKOFF_FREE failures in a row, the next
 * attempt for that name must wait 2^(failures - BACKOFF_FREE) seconds
 * after the last failure (at most BACKOFF_MAX); an attempt sooner is
 * refused without looking at its password. A right password resets the
 * name; so do BACKOFF_FORGET quiet seconds. Unknown names are counted
 * like known ones, so the delay says nothing about who exists.
 */
#ifndef BACKOFF_H
#define BACKOFF_H

#include <stddef.h>
#include <stdint.h>

#define BACKOFF_FREE	3
#define BACKOFF_MAX	300	/* seconds */
#define BACKOFF_FORGET	3600	/* seconds */
#define BACKOFF_BUCKETS	1024
#define BACKOFF_WAYS	4

struct backoff;

/* A new, empty table; backoff_free(NULL) is fine. After crypto_init(). */
struct backoff	*backoff_create(void);
void		 backoff_free(struct backoff *);
/* 0, or the seconds name[0..len) must still wait. */
int64_t		 backoff_wait(struct backoff *, const char *name, size_t len,
		    int64_t now);
/* Counts a failure of name; a right password clears it. */
void		 backoff_fail(struct backoff *, const char *name, size_t len,
		    int64_t now);
void		 backoff_clear(struct backoff *, const char *name, size_t len);

#endif
