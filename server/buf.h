/*
 * buf.h: a growable byte buffer with a hard cap. Appending past the cap
 * fails and marks the buffer, so that one bad render never grows without
 * bound; data is always NUL-terminated.
 */
#ifndef BUF_H
#define BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char	*data;		/* NULL until the first append */
	size_t	 len;
	size_t	 cap;
	size_t	 max;		/* hard cap of len */
	int	 overflow;	/* set when an append hit max */
};

#define BUF_MAX_DEFAULT	(8u * 1024 * 1024)

void	 buf_init(struct buf *, size_t max);
void	 buf_clear(struct buf *);		/* frees, back to empty */
void	 buf_reset(struct buf *);		/* len = 0, keeps memory */
/* Each returns 0, or -1 when the cap would be passed (nothing added). */
int	 buf_add(struct buf *, const void *, size_t);
int	 buf_addstr(struct buf *, const char *);
int	 buf_addc(struct buf *, char);
int	 buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* Appends s[0..len) escaped for HTML text and attribute values. */
int	 buf_add_html(struct buf *, const char *s, size_t len);
/* Hands the data to the caller (free() it); the buffer is empty after. */
char	*buf_steal(struct buf *, size_t *len);

#endif
