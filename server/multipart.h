/*
 * multipart.h: a multipart/form-data body (a form with a file) split
 * into its parts, in place: names, file names, contents as pointer and
 * length into the body (no copy, no decoding: a part is its bytes).
 */
#ifndef MULTIPART_H
#define MULTIPART_H

#include <stddef.h>

#define MULTIPART_PARTS_MAX	16
#define MULTIPART_NAME_MAX	32
#define MULTIPART_BOUNDARY_MAX	70	/* RFC 2046 */

struct mpart {
	char		 name[MULTIPART_NAME_MAX + 1];
	int		 file;		/* had a filename= */
	const char	*data;		/* into the body */
	size_t		 len;
};

/*
 * Splits body[0..len) sent as ctype (its boundary=) into parts[0..*n),
 * at most MULTIPART_PARTS_MAX. Returns 0, or -1 with why (no boundary, a
 * part without a name, a name twice, no closing boundary, too many).
 */
int	 multipart_parse(const char *ctype, const char *body, size_t len,
	    struct mpart *parts, size_t *n, char *why, size_t whylen);
/* The part named name, or NULL. */
const struct mpart *multipart_get(const struct mpart *parts, size_t n,
	    const char *name);

#endif
