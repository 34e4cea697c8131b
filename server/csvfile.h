/*
 * csvfile.h: reading a CSV file of schema/ row by row, with the line of
 * each record for error messages.
 */
#ifndef CSVFILE_H
#define CSVFILE_H

#include <stddef.h>

#define CSVFILE_FIELDS_MAX	12
#define CSVFILE_WHY_MAX		256

/* Set path, header, nheader, nopt, why, whylen, row and arg; zero the rest. */
struct csvfile {
	const char	*path;
	const char *const *header;
	size_t		 nheader;	/* required columns */
	size_t		 nopt;		/* optional ones after them */
	size_t		 ncols;		/* the file's: nheader..+nopt */
	int		 header_done;
	int		 recline;	/* where the current record began */
	size_t		 nf;
	char		*f[CSVFILE_FIELDS_MAX];
	size_t		 flen[CSVFILE_FIELDS_MAX];
	int		 failed;
	char		*why;
	size_t		 whylen;
	int		(*row)(struct csvfile *, void *);
	void		*arg;
};

/*
 * Reads x->path (at most max bytes) and calls x->row once per record
 * after the header (fields in x->f, their lengths in x->flen, the
 * record's first line in x->recline); a row returning -1 stops it.
 * Returns 0, or -1 with x->why set ("path:line: reason").
 */
int	 csvfile_read(struct csvfile *x, size_t max);

#endif
