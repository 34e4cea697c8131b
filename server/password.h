/*
 * password.h: users' passwords as Argon2id hashes (Debian's libargon2):
 * a random salt per user, the costs below stored with each hash so that
 * they can be raised later without invalidating older hashes. Checking
 * a password for an unknown or disabled user hashes it all the same
 * (against a dummy), so that the answer takes the same time.
 * At most PASSWORD_HASHING_MAX hashes run at once in a process (each
 * takes PASSWORD_M_COST KiB); more wait their turn.
 */
#ifndef PASSWORD_H
#define PASSWORD_H

#include <stddef.h>

#include "model.h"

/* OWASP's recommended minimum for Argon2id: 19 MiB, 2 passes, 1 lane. */
#define PASSWORD_T_COST		2
#define PASSWORD_M_COST		19456	/* KiB */
#define PASSWORD_LANES		1
#define PASSWORD_MIN		10	/* bytes */
#define PASSWORD_MAX		256	/* bytes */
#define PASSWORD_HASHING_MAX	2

/*
 * Hashes pw[0..len) under a new random salt with the costs above into
 * u's t_cost, m_cost, lanes, salt and hash. Returns 0, or -1 with why
 * (too short, too long, not UTF-8 text, a control character).
 */
int	 password_set(struct user *u, const char *pw, size_t len,
	    char *why, size_t whylen);
/*
 * 1 when pw[0..len) is u's password, else 0; u NULL (an unknown user)
 * hashes a dummy with the same costs and returns 0. Never logs.
 */
int	 password_check(const struct user *u, const char *pw, size_t len);

#endif
