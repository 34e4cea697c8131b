/*
 * keyseen.h: when each API key was last used (a Bearer request, or a
 * request of a session signed in with it), in memory since the server
 * started: a restart forgets it. At most KEYSEEN_MAX keys; past that
 * the oldest of a probe window is forgotten.
 */
#ifndef KEYSEEN_H
#define KEYSEEN_H

#include <stdint.h>

#define KEYSEEN_MAX	4096
#define KEYSEEN_PROBE	8

struct keyseen;

struct keyseen	*keyseen_new(void);
void		 keyseen_free(struct keyseen *);	/* NULL is fine */
/* The key whose hash is hash was used at now. */
void		 keyseen_mark(struct keyseen *, const uint8_t hash[32],
		    int64_t now);
/* When it was last used, 0 when not since the start. */
int64_t		 keyseen_last(struct keyseen *, const uint8_t hash[32]);

#endif
