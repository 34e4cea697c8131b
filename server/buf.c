/*
 * buf.c: the capped, growable buffer every renderer writes into.
 * Trap: data may be NULL while len is 0; buf_steal() never returns NULL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "util.h"

void
buf_init(struct buf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
}

void
buf_clear(struct buf *b)
{
	size_t	 max = b->max;

	free(b->data);
	buf_init(b, max);
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	b->overflow = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

static int
buf_grow(struct buf *b, size_t n)
{
	size_t	 want;

	if (n > b->max - b->len) {
		b->overflow = 1;
		return (-1);
	}
	if (b->len + n + 1 <= b->cap)
		return (0);
	want = b->cap < 256 ? 256 : b->cap;
	while (want < b->len + n + 1)
		want *= 2;
	if (want > b->max + 1)
		want = b->max + 1;
	b->data = xrealloc(b->data, want);
	b->cap = want;
	return (0);
}

int
buf_add(struct buf *b, const void *p, size_t n)
{
	if (buf_grow(b, n) == -1)
		return (-1);
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return (0);
}

int
buf_addstr(struct buf *b, const char *s)
{
	return (buf_add(b, s, strlen(s)));
}

int
buf_addc(struct buf *b, char c)
{
	return (buf_add(b, &c, 1));
}

int
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;
	char	 small[256];

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return (-1);
	if ((size_t)n < sizeof(small))
		return (buf_add(b, small, (size_t)n));
	if (buf_grow(b, (size_t)n) == -1)
		return (-1);
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return (0);
}

int
buf_add_html(struct buf *b, const char *s, size_t len)
{
	size_t		 i, start = 0, len0 = b->len;
	const char	*rep;
	int		 rc = -1;

	for (i = 0; i < len; i++) {
		switch (s[i]) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&#39;";
			break;
		default:
			continue;
		}
		if (buf_add(b, s + start, i - start) == -1 ||
		    buf_addstr(b, rep) == -1)
			goto out;
		start = i + 1;
	}
	rc = buf_add(b, s + start, len - start);
out:
	/* Like the other appends, a failure adds nothing. */
	if (rc == -1 && b->data != NULL) {
		b->len = len0;
		b->data[b->len] = '\0';
	}
	return (rc);
}

char *
buf_steal(struct buf *b, size_t *len)
{
	char	*p = b->data;

	if (len != NULL)
		*len = b->len;
	if (p == NULL)
		p = xcalloc(1, 1);
	buf_init(b, b->max);
	return (p);
}
