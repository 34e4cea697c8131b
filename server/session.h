/*
 * session.h: browser sessions after a sign-in with a key or a password:
 * a random id in an HttpOnly, SameSite=Strict cookie, a role, an expiry
 * and a CSRF token that every state-changing request from the session
 * must echo in the X-CSRF-Token header (or, posting a plain form, in its
 * field csrf). Kept in memory only: a restart signs everyone out.
 */
#ifndef SESSION_H
#define SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "hl.h"
#include "model.h"

#define SESSION_COOKIE		"hl_session"
#define SESSION_ID_LEN		64	/* hex characters */
#define SESSION_CSRF_LEN	32	/* hex characters */
#define SESSION_TTL		(8 * 3600)
#define SESSIONS_MAX		4096
#define SESSIONS_PER_KEY	24	/* one key's browsers at once */
#define SESSION_SIGNINS_MAX	30	/* sign-ins of one key ... */
#define SESSION_SIGNIN_WINDOW	600	/* ... within this many seconds */
#define SESSION_NAME_MAX	64

struct session {
	int	 role;
	char	 unit[UNIT_CODE_MAX + 1];
	char	 csrf[SESSION_CSRF_LEN + 1];
	long long expires;
	uint8_t	 key[32];		/* the hash of the key signed in with */
	char	 name[SESSION_NAME_MAX + 1];	/* that key's name */
	char	 user[USER_NAME_MAX + 1];	/* "" for a key's session */
	uint32_t gen;				/* the user's, at sign-in */
};

struct sessions;

struct sessions	*sessions_new(void);
void		 sessions_free(struct sessions *);	/* zeroizes */

/*
 * Sessions of a key (session_create) or of a user who signed in with a
 * password (session_create_user: user and the gen of its record, which
 * http.c compares with the stored one on every request).
 *
 * A new session for role (and unit, "" = any) signed in with the key
 * whose hash is key and whose name is name; writes its id. A key over
 * SESSION_SIGNINS_MAX sign-ins in SESSION_SIGNIN_WINDOW gets none
 * (returns 1: too many). A key at SESSIONS_PER_KEY loses its own oldest
 * session; a full table loses the oldest session of the key holding the
 * most, so one key can never push out another's. Returns 0, 1 or -1.
 */
int	 session_create(struct sessions *, int role, const char *unit,
	    const uint8_t key[32], const char *name,
	    char id[SESSION_ID_LEN + 1], struct session *out);
/* The same for a user: its caps count under SHA-256 of "user\n" name. */
int	 session_create_user(struct sessions *, int role, const char *unit,
	    const char *user, uint32_t gen, char id[SESSION_ID_LEN + 1],
	    struct session *out);
/* Looks up id[0..len) (untrusted); 0 and *out filled, -1 when none. */
int	 session_get(struct sessions *, const char *id, size_t len,
	    struct session *out);
void	 session_end(struct sessions *, const char *id, size_t len);

#endif
