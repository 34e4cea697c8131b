/*
 * session.h: browser sessions after a sign-in with a key: a random id in
 * an HttpOnly, SameSite=Strict cookie, a role, an expiry and a CSRF token
 * that every state-changing request from the session must echo in the
 * X-CSRF-Token header. Kept in memory only: a restart signs everyone out.
 */
#ifndef SESSION_H
#define SESSION_H

#include <stddef.h>

#include "hl.h"

#define SESSION_COOKIE		"hl_session"
#define SESSION_ID_LEN		64	/* hex characters */
#define SESSION_CSRF_LEN	32	/* hex characters */
#define SESSION_TTL		(8 * 3600)
#define SESSIONS_MAX		4096

struct session {
	int	 role;
	char	 unit[UNIT_CODE_MAX + 1];
	char	 csrf[SESSION_CSRF_LEN + 1];
	long long expires;
};

/*
 * A new session for role (and unit, "" = any); writes its id. When full,
 * the session closest to expiry is dropped. Returns 0 or -1.
 */
int	 session_create(int role, const char *unit,
	    char id[SESSION_ID_LEN + 1], struct session *out);
/* Looks up id[0..len) (untrusted); 0 and *out filled, -1 when none. */
int	 session_get(const char *id, size_t len, struct session *out);
void	 session_end(const char *id, size_t len);

#endif
