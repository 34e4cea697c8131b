/*
 * password.c: Argon2id hashing of users' passwords (libargon2) under a
 * gate of PASSWORD_HASHING_MAX at once.
 * Traps: the gate is the process's own (a mutex and a condition, made
 * statically): a burst of sign-ins waits instead of taking
 * PASSWORD_M_COST KiB each at once. Every buffer that held a password or
 * a hash is zeroed before it is released.
 */
#include <pthread.h>
#include <string.h>

#include <argon2.h>

#include "crypto.h"
#include "password.h"
#include "util.h"

static pthread_mutex_t	 password_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	 password_cv = PTHREAD_COND_INITIALIZER;
static int		 password_running;

/* Argon2id of pw under u's costs and salt into out; 0 or -1. */
static int
password_hash(const struct user *u, const char *pw, size_t len,
    uint8_t out[USER_HASH_LEN])
{
	int	 rc;

	pthread_mutex_lock(&password_mu);
	while (password_running >= PASSWORD_HASHING_MAX)
		pthread_cond_wait(&password_cv, &password_mu);
	password_running++;
	pthread_mutex_unlock(&password_mu);
	rc = argon2id_hash_raw(u->t_cost, u->m_cost, u->lanes, pw, len,
	    u->salt, USER_SALT_LEN, out, USER_HASH_LEN);
	pthread_mutex_lock(&password_mu);
	password_running--;
	pthread_cond_signal(&password_cv);
	pthread_mutex_unlock(&password_mu);
	return (rc == ARGON2_OK ? 0 : -1);
}

int
password_set(struct user *u, const char *pw, size_t len, char *why,
    size_t whylen)
{
	size_t	 i;

	if (len < PASSWORD_MIN || len > PASSWORD_MAX) {
		snprintf(why, whylen, "a password has %d to %d bytes",
		    PASSWORD_MIN, PASSWORD_MAX);
		return (-1);
	}
	if (!utf8_valid(pw, len)) {
		snprintf(why, whylen, "a password is UTF-8 text");
		return (-1);
	}
	for (i = 0; i < len; i++)
		if ((unsigned char)pw[i] < 0x20 || pw[i] == 0x7f) {
			snprintf(why, whylen, "a password has no control "
			    "characters");
			return (-1);
		}
	u->t_cost = PASSWORD_T_COST;
	u->m_cost = PASSWORD_M_COST;
	u->lanes = PASSWORD_LANES;
	crypto_random(u->salt, USER_SALT_LEN);
	if (password_hash(u, pw, len, u->hash) == -1) {
		snprintf(why, whylen, "cannot hash the password");
		return (-1);
	}
	return (0);
}

int
password_check(const struct user *u, const char *pw, size_t len)
{
	static const struct user dummy = {
		.t_cost = PASSWORD_T_COST, .m_cost = PASSWORD_M_COST,
		.lanes = PASSWORD_LANES
	};
	uint8_t	 got[USER_HASH_LEN];
	size_t	 n = len > PASSWORD_MAX ? PASSWORD_MAX : len;
	int	 ok;

	/* Too long: the same work, never a match. */
	ok = password_hash(u != NULL ? u : &dummy, pw, n, got) == 0 &&
	    u != NULL && n == len &&
	    crypto_equal(got, u->hash, USER_HASH_LEN);
	crypto_zero(got, sizeof(got));
	return (ok);
}
