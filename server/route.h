/*
 * route.h: the table of routes: method, path pattern ('*' matches one
 * non-empty path segment), roles allowed, body cap, content type, handler.
 */
#ifndef ROUTE_H
#define ROUTE_H

#include <stddef.h>

#include "http.h"

enum ctype_need {
	CT_NONE = 0,
	CT_JSON,
	CT_FORM,
	CT_MULTIPART	/* multipart/form-data: a form with a file */
};

#define API_BODY_MAX	JSON_BODY_MAX
/* A survey's draft (JSON or the console's form): every text in three
 * languages, percent-encoded. */
#define SURVEY_BODY_MAX	(512u * 1024)

struct route {
	const char	*method;
	const char	*path;
	int		 roles;		/* ROLE_* mask; ROLE_NONE = open */
	size_t		 body_max;
	enum ctype_need	 ct;
	void		(*fn)(struct req *);
	/*
	 * For a page a browser opens: what it gets instead when its session
	 * may not see it (401 none, 403 another role); NULL: a JSON error.
	 */
	void		(*denied)(struct req *, unsigned status);
};

/*
 * The route for method and url (path only, no query), with the '*'
 * segment in *arg. NULL when none: *allow then lists the methods the path
 * has ("" when the path is unknown), for 405's Allow header.
 */
const struct route *route_find(const char *method, const char *url,
	    const char **arg, size_t *arglen, char *allow, size_t allowlen);

/* The table's size, a route's index in it, the route at an index. */
size_t	 route_count(void);
size_t	 route_index(const struct route *);
const struct route *route_at(size_t);

#endif
