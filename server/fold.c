/*
 * fold.c: Vietnamese text folded for searching as clerks type it: lower
 * case, diacritics dropped (precomposed or combining), đ as d, every run
 * of other characters one space; so "Cấp GCN, QSDĐ" and "cap gcn qsdd"
 * meet. The counter page's script folds the same way (kiosk/counter.js).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fold.h"
#include "util.h"

/* A letter with Vietnamese diacritics and its base letter. */
struct fold_map {
	uint32_t	 cp;
	char		 base;
};

/* Sorted by code point; upper and lower case alike. */
static const struct fold_map fold_map[] = {
	{ 0x00c0, 'a' }, { 0x00c1, 'a' }, { 0x00c2, 'a' }, { 0x00c3, 'a' },
	{ 0x00c8, 'e' }, { 0x00c9, 'e' }, { 0x00ca, 'e' }, { 0x00cc, 'i' },
	{ 0x00cd, 'i' }, { 0x00d2, 'o' }, { 0x00d3, 'o' }, { 0x00d4, 'o' },
	{ 0x00d5, 'o' }, { 0x00d9, 'u' }, { 0x00da, 'u' }, { 0x00dd, 'y' },
	{ 0x00e0, 'a' }, { 0x00e1, 'a' }, { 0x00e2, 'a' }, { 0x00e3, 'a' },
	{ 0x00e8, 'e' }, { 0x00e9, 'e' }, { 0x00ea, 'e' }, { 0x00ec, 'i' },
	{ 0x00ed, 'i' }, { 0x00f2, 'o' }, { 0x00f3, 'o' }, { 0x00f4, 'o' },
	{ 0x00f5, 'o' }, { 0x00f9, 'u' }, { 0x00fa, 'u' }, { 0x00fd, 'y' },
	{ 0x0102, 'a' }, { 0x0103, 'a' }, { 0x0110, 'd' }, { 0x0111, 'd' },
	{ 0x0128, 'i' }, { 0x0129, 'i' }, { 0x0168, 'u' }, { 0x0169, 'u' },
	{ 0x01a0, 'o' }, { 0x01a1, 'o' }, { 0x01af, 'u' }, { 0x01b0, 'u' },
	{ 0x1ea0, 'a' }, { 0x1ea1, 'a' }, { 0x1ea2, 'a' }, { 0x1ea3, 'a' },
	{ 0x1ea4, 'a' }, { 0x1ea5, 'a' }, { 0x1ea6, 'a' }, { 0x1ea7, 'a' },
	{ 0x1ea8, 'a' }, { 0x1ea9, 'a' }, { 0x1eaa, 'a' }, { 0x1eab, 'a' },
	{ 0x1eac, 'a' }, { 0x1ead, 'a' }, { 0x1eae, 'a' }, { 0x1eaf, 'a' },
	{ 0x1eb0, 'a' }, { 0x1eb1, 'a' }, { 0x1eb2, 'a' }, { 0x1eb3, 'a' },
	{ 0x1eb4, 'a' }, { 0x1eb5, 'a' }, { 0x1eb6, 'a' }, { 0x1eb7, 'a' },
	{ 0x1eb8, 'e' }, { 0x1eb9, 'e' }, { 0x1eba, 'e' }, { 0x1ebb, 'e' },
	{ 0x1ebc, 'e' }, { 0x1ebd, 'e' }, { 0x1ebe, 'e' }, { 0x1ebf, 'e' },
	{ 0x1ec0, 'e' }, { 0x1ec1, 'e' }, { 0x1ec2, 'e' }, { 0x1ec3, 'e' },
	{ 0x1ec4, 'e' }, { 0x1ec5, 'e' }, { 0x1ec6, 'e' }, { 0x1ec7, 'e' },
	{ 0x1ec8, 'i' }, { 0x1ec9, 'i' }, { 0x1eca, 'i' }, { 0x1ecb, 'i' },
	{ 0x1ecc, 'o' }, { 0x1ecd, 'o' }, { 0x1ece, 'o' }, { 0x1ecf, 'o' },
	{ 0x1ed0, 'o' }, { 0x1ed1, 'o' }, { 0x1ed2, 'o' }, { 0x1ed3, 'o' },
	{ 0x1ed4, 'o' }, { 0x1ed5, 'o' }, { 0x1ed6, 'o' }, { 0x1ed7, 'o' },
	{ 0x1ed8, 'o' }, { 0x1ed9, 'o' }, { 0x1eda, 'o' }, { 0x1edb, 'o' },
	{ 0x1edc, 'o' }, { 0x1edd, 'o' }, { 0x1ede, 'o' }, { 0x1edf, 'o' },
	{ 0x1ee0, 'o' }, { 0x1ee1, 'o' }, { 0x1ee2, 'o' }, { 0x1ee3, 'o' },
	{ 0x1ee4, 'u' }, { 0x1ee5, 'u' }, { 0x1ee6, 'u' }, { 0x1ee7, 'u' },
	{ 0x1ee8, 'u' }, { 0x1ee9, 'u' }, { 0x1eea, 'u' }, { 0x1eeb, 'u' },
	{ 0x1eec, 'u' }, { 0x1eed, 'u' }, { 0x1eee, 'u' }, { 0x1eef, 'u' },
	{ 0x1ef0, 'u' }, { 0x1ef1, 'u' }, { 0x1ef2, 'y' }, { 0x1ef3, 'y' },
	{ 0x1ef4, 'y' }, { 0x1ef5, 'y' }, { 0x1ef6, 'y' }, { 0x1ef7, 'y' },
	{ 0x1ef8, 'y' }, { 0x1ef9, 'y' },
};

static int
fold_cmp(const void *k, const void *e)
{
	uint32_t		 cp = *(const uint32_t *)k;
	const struct fold_map	*m = e;

	return (cp < m->cp ? -1 : cp > m->cp ? 1 : 0);
}

size_t
fold_into(const char *s, size_t len, char *out, size_t *other)
{
	const unsigned char	*u = (const unsigned char *)s;
	const struct fold_map	*m;
	uint32_t		 cp;
	size_t			 i = 0, n = 0, k, more;
	int			 gap = 0;
	char			 c;

	*other = 0;
	while (i < len) {
		cp = u[i];
		more = cp >= 0xf0 ? 3 : cp >= 0xe0 ? 2 : cp >= 0xc0 ? 1 : 0;
		if (more > len - i - 1)
			more = len - i - 1;
		if (more > 0)
			cp &= 0x3f >> more;
		for (k = 1; k <= more; k++)
			cp = cp << 6 | (u[i + k] & 0x3f);
		i += more + 1;
		c = 0;
		if (cp >= 'A' && cp <= 'Z')
			c = (char)(cp - 'A' + 'a');
		else if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9'))
			c = (char)cp;
		else if (cp >= 0x300 && cp <= 0x36f)
			continue;	/* a combining mark: NFD text */
		else if ((m = bsearch(&cp, fold_map, sizeof(fold_map) /
		    sizeof(fold_map[0]), sizeof(fold_map[0]), fold_cmp)) != NULL)
			c = m->base;
		if (c == 0) {
			(*other)++;
			gap = 1;
			continue;
		}
		if (gap && n > 0)
			out[n++] = ' ';
		gap = 0;
		out[n++] = c;
	}
	out[n] = '\0';
	return (n);
}

char *
fold_text(const char *s, size_t len)
{
	char	*out = xmalloc(len + 1);
	size_t	 other;

	fold_into(s, len, out, &other);
	return (out);
}

int
fold_has(const char *t, const char *w)
{
	size_t		 n = strlen(w);
	const char	*p = t;

	if (n == 0)
		return (0);
	while ((p = strstr(p, w)) != NULL) {
		if ((p == t || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
			return (1);
		p++;
	}
	return (0);
}
