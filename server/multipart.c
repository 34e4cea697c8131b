/*
 * multipart.c: multipart/form-data (RFC 7578) split in place. A part is
 * "--boundary CRLF headers CRLF CRLF content CRLF"; the last boundary
 * ends with "--". Only Content-Disposition's name and filename are read;
 * a part's content type and charset are ignored (callers check bytes).
 * Trap: the content may hold anything but "CRLF--boundary", so it is
 * searched with memmem, never as a C string.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "multipart.h"

static void
mp_why(char *why, size_t whylen, const char *s)
{
	if (why != NULL && whylen > 0)
		snprintf(why, whylen, "%s", s);
}

/* The boundary of ctype into b (with "--" before it); 0 or -1. */
static int
mp_boundary(const char *ctype, char *b, size_t *blen)
{
	const char	*p, *e;
	size_t		 n;

	if (ctype == NULL || strncasecmp(ctype, "multipart/form-data", 19))
		return (-1);
	if ((p = strcasestr(ctype, "boundary=")) == NULL)
		return (-1);
	p += 9;
	if (*p == '"') {
		p++;
		if ((e = strchr(p, '"')) == NULL)
			return (-1);
	} else
		for (e = p; *e != '\0' && *e != ';' && *e != ' '; e++)
			;
	n = (size_t)(e - p);
	if (n == 0 || n > MULTIPART_BOUNDARY_MAX)
		return (-1);
	b[0] = b[1] = '-';
	memcpy(b + 2, p, n);
	*blen = n + 2;
	return (0);
}

/* A parameter k="v" of a Content-Disposition line h[0..n) into out. */
static int
mp_param(const char *h, size_t n, const char *k, char *out, size_t outlen)
{
	size_t	 kl = strlen(k), i, j;

	for (i = 0; i + kl + 2 <= n; i++) {
		if ((i > 0 && h[i - 1] != ' ' && h[i - 1] != ';') ||
		    strncasecmp(h + i, k, kl) != 0 || h[i + kl] != '=' ||
		    h[i + kl + 1] != '"')
			continue;
		for (j = i + kl + 2; j < n && h[j] != '"'; j++)
			;
		if (j == n || j - (i + kl + 2) >= outlen)
			return (-1);
		memcpy(out, h + i + kl + 2, j - (i + kl + 2));
		out[j - (i + kl + 2)] = '\0';
		return (1);
	}
	return (0);
}

int
multipart_parse(const char *ctype, const char *body, size_t len,
    struct mpart *parts, size_t *n, char *why, size_t whylen)
{
	char		 b[MULTIPART_BOUNDARY_MAX + 5], fname[256];
	const char	*p = body, *end = body + len, *he, *h, *nl, *c;
	size_t		 blen, i;
	struct mpart	*m;

	*n = 0;
	if (mp_boundary(ctype, b, &blen) == -1) {
		mp_why(why, whylen, "Content-Type: multipart/form-data "
		    "without a boundary");
		return (-1);
	}
	if (len < blen || memcmp(p, b, blen) != 0) {
		mp_why(why, whylen, "body: does not start with the boundary");
		return (-1);
	}
	p += blen;
	for (;;) {
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			return (0);	/* the closing boundary */
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n') {
			mp_why(why, whylen, "body: bad boundary line");
			return (-1);
		}
		p += 2;
		if (*n == MULTIPART_PARTS_MAX) {
			mp_why(why, whylen, "body: too many parts");
			return (-1);
		}
		m = &parts[*n];
		memset(m, 0, sizeof(*m));
		if ((he = memmem(p, end - p, "\r\n\r\n", 4)) == NULL) {
			mp_why(why, whylen, "body: a part without its headers' "
			    "end");
			return (-1);
		}
		for (h = p; h < he; h = nl + 2) {
			if ((nl = memmem(h, he + 2 - h, "\r\n", 2)) == NULL)
				nl = he;
			if ((size_t)(nl - h) > 20 &&
			    strncasecmp(h, "Content-Disposition:", 20) == 0) {
				if (mp_param(h, nl - h, "name", m->name,
				    sizeof(m->name)) != 1) {
					mp_why(why, whylen, "body: a part "
					    "without a name");
					return (-1);
				}
				m->file = mp_param(h, nl - h, "filename",
				    fname, sizeof(fname)) != 0;
			}
		}
		if (m->name[0] == '\0') {
			mp_why(why, whylen, "body: a part without a name");
			return (-1);
		}
		for (i = 0; i < *n; i++)
			if (strcmp(parts[i].name, m->name) == 0) {
				mp_why(why, whylen, "body: a field twice");
				return (-1);
			}
		c = he + 4;
		/* The content ends at CRLF and the boundary. */
		for (p = c; ; p++) {
			p = memmem(p, end - p, "\r\n", 2);
			if (p == NULL || (size_t)(end - p) < 2 + blen) {
				mp_why(why, whylen, "body: no closing "
				    "boundary");
				return (-1);
			}
			if (memcmp(p + 2, b, blen) == 0)
				break;
		}
		m->data = c;
		m->len = (size_t)(p - c);
		(*n)++;
		p += 2 + blen;
	}
}

const struct mpart *
multipart_get(const struct mpart *parts, size_t n, const char *name)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strcmp(parts[i].name, name) == 0)
			return (&parts[i]);
	return (NULL);
}
