#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "tpl.h"
#include "util.h"

/*
 * tpl.c: compiles templates to flat node lists once, renders them against
 * a jansson context stack. A section node's children follow it up to its
 * end index, so rendering is a loop plus recursion per section/partial.
 * Trap: any template that compiles may be hostile (the fuzzer feeds them):
 * partials may recurse and sections may repeat over arrays, so rendering
 * is bounded by TPL_DEPTH_MAX and by TPL_STEPS_MAX node visits.
 */

enum node_kind {
	N_TEXT,
	N_VAR,		/* escaped */
	N_RAW,
	N_SECTION,
	N_INVERTED,
	N_PARTIAL
};

struct node {
	enum node_kind	 kind;
	unsigned	 line;
	const char	*text;		/* into tpl->src: text, section name */
	size_t		 len;
	char		*name;		/* segments separated by NULs */
	int		 nseg;		/* 0: "." (the current context) */
	size_t		 end;		/* sections: index after children */
	const struct tpl *partial;	/* resolved after every compile */
};

struct tpl {
	char		*name;
	char		*file;		/* for messages */
	char		*src;
	size_t		 srclen;
	struct node	*nodes;
	size_t		 nnodes;
	size_t		 cap;
};

struct tplset {
	size_t		 n;
	struct tpl	*t[TPL_MAX];
};

struct rctx {
	json_t		*stack[TPL_DEPTH_MAX + 2];
	int		 nstack;
	int		 depth;
	unsigned long	 steps;
	struct buf	*out;
};

static void
tpl_why(char *why, size_t whylen, const char *file, unsigned line,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void
tpl_why(char *why, size_t whylen, const char *file, unsigned line,
    const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	if (why == NULL || whylen == 0)
		return;
	if (line > 0)
		n = snprintf(why, whylen, "%s:%u: ", file, line);
	else
		n = snprintf(why, whylen, "%s: ", file);
	if (n < 0 || (size_t)n >= whylen)
		return;
	va_start(ap, fmt);
	vsnprintf(why + n, whylen - n, fmt, ap);
	va_end(ap);
}

static void
tpl_one_free(struct tpl *t)
{
	size_t	 i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nnodes; i++)
		free(t->nodes[i].name);
	free(t->nodes);
	free(t->src);
	free(t->file);
	free(t->name);
	free(t);
}

void
tpl_free(struct tplset *ts)
{
	size_t	 i;

	if (ts == NULL)
		return;
	for (i = 0; i < ts->n; i++)
		tpl_one_free(ts->t[i]);
	free(ts);
}

const struct tpl *
tpl_get(const struct tplset *ts, const char *name)
{
	size_t	 i;

	if (ts == NULL || name == NULL)
		return (NULL);
	for (i = 0; i < ts->n; i++)
		if (strcmp(ts->t[i]->name, name) == 0)
			return (ts->t[i]);
	return (NULL);
}

static struct node *
tpl_add(struct tpl *t, enum node_kind kind, unsigned line)
{
	struct node	*n;

	if (t->nnodes == t->cap) {
		t->cap = t->cap == 0 ? 32 : t->cap * 2;
		t->nodes = xrealloc(t->nodes, t->cap * sizeof(*t->nodes));
	}
	n = &t->nodes[t->nnodes++];
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->line = line;
	return (n);
}

static unsigned
count_lines(const char *s, size_t len)
{
	unsigned	 n = 0;
	size_t		 i;

	for (i = 0; i < len; i++)
		if (s[i] == '\n')
			n++;
	return (n);
}

static int
name_char(char c)
{
	return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '-');
}

/* A partial's or a file's name: [A-Za-z0-9_-]+. */
static int
tpl_name_ok(const char *s, size_t len)
{
	size_t	 i;

	if (len == 0)
		return (0);
	for (i = 0; i < len; i++)
		if (!name_char(s[i]))
			return (0);
	return (1);
}

/* "." or segments of [A-Za-z0-9_-]+ joined by single dots. */
static int
var_name_ok(const char *s, size_t len)
{
	size_t	 i;

	if (len == 1 && s[0] == '.')
		return (1);
	if (len == 0 || s[0] == '.' || s[len - 1] == '.')
		return (0);
	for (i = 0; i < len; i++) {
		if (s[i] == '.') {
			if (s[i + 1] == '.')
				return (0);
		} else if (!name_char(s[i]))
			return (0);
	}
	return (1);
}

static void
node_name(struct node *n, const char *s, size_t len)
{
	size_t	 i;

	n->name = xstrndup(s, len);
	if (len == 1 && s[0] == '.') {
		n->nseg = 0;
		return;
	}
	n->nseg = 1;
	for (i = 0; i < len; i++)
		if (n->name[i] == '.') {
			n->name[i] = '\0';
			n->nseg++;
		}
}

static void
trim(const char **s, size_t *len)
{
	while (*len > 0 && isspace((unsigned char)**s)) {
		(*s)++;
		(*len)--;
	}
	while (*len > 0 && isspace((unsigned char)(*s)[*len - 1]))
		(*len)--;
}

/* Compiles t->src into t->nodes. Returns 0, or -1 with why. */
static int
tpl_compile(struct tpl *t, char *why, size_t whylen)
{
	const char	*s = t->src, *open, *close, *name;
	size_t		 len = t->srclen, pos = 0, nlen, next;
	size_t		 stack[TPL_DEPTH_MAX];
	unsigned	 sline[TPL_DEPTH_MAX], line = 1, tagline;
	int		 depth = 0, raw;
	char		 sigil;
	struct node	*n;

	while (pos < len) {
		open = memmem(s + pos, len - pos, "{{", 2);
		if (open == NULL) {
			n = tpl_add(t, N_TEXT, line);
			n->text = s + pos;
			n->len = len - pos;
			break;
		}
		if (open > s + pos) {
			n = tpl_add(t, N_TEXT, line);
			n->text = s + pos;
			n->len = open - (s + pos);
			line += count_lines(n->text, n->len);
		}
		tagline = line;
		raw = (size_t)(open - s) + 2 < len && open[2] == '{';
		if (raw) {
			name = open + 3;
			close = memmem(name, len - (name - s), "}}}", 3);
			if (close == NULL) {
				tpl_why(why, whylen, t->file, tagline,
				    "unterminated {{{ tag");
				return (-1);
			}
			next = (close - s) + 3;
		} else {
			name = open + 2;
			close = memmem(name, len - (name - s), "}}", 2);
			if (close == NULL) {
				tpl_why(why, whylen, t->file, tagline,
				    "unterminated {{ tag");
				return (-1);
			}
			next = (close - s) + 2;
		}
		line += count_lines(open, next - (open - s));
		pos = next;
		nlen = close - name;
		sigil = '\0';
		if (!raw && nlen > 0 && strchr("!#^/>&=", name[0]) != NULL) {
			sigil = name[0];
			name++;
			nlen--;
		}
		if (sigil == '!')
			continue;
		if (sigil == '=') {
			tpl_why(why, whylen, t->file, tagline,
			    "delimiter changes are not supported");
			return (-1);
		}
		trim(&name, &nlen);
		if (nlen == 0) {
			tpl_why(why, whylen, t->file, tagline, "empty tag");
			return (-1);
		}
		if (sigil == '>' ? !tpl_name_ok(name, nlen) :
		    !var_name_ok(name, nlen)) {
			tpl_why(why, whylen, t->file, tagline,
			    "bad name in tag '%.*s'", (int)(nlen > 40 ? 40 :
			    nlen), name);
			return (-1);
		}
		switch (sigil) {
		case '#':
		case '^':
			if (depth == TPL_DEPTH_MAX) {
				tpl_why(why, whylen, t->file, tagline,
				    "sections nested deeper than %d",
				    TPL_DEPTH_MAX);
				return (-1);
			}
			n = tpl_add(t, sigil == '#' ? N_SECTION : N_INVERTED,
			    tagline);
			node_name(n, name, nlen);
			n->text = name;		/* to match the closing tag */
			n->len = nlen;
			stack[depth] = t->nnodes - 1;
			sline[depth++] = tagline;
			break;
		case '/':
			if (depth == 0) {
				tpl_why(why, whylen, t->file, tagline,
				    "{{/%.*s}} closes no section",
				    (int)(nlen > 40 ? 40 : nlen), name);
				return (-1);
			}
			n = &t->nodes[stack[depth - 1]];
			if (nlen != n->len ||
			    memcmp(n->text, name, nlen) != 0) {
				tpl_why(why, whylen, t->file, tagline,
				    "{{/%.*s}} does not close the section "
				    "opened at line %u",
				    (int)(nlen > 40 ? 40 : nlen), name,
				    sline[depth - 1]);
				return (-1);
			}
			n->end = t->nnodes;
			depth--;
			break;
		case '>':
			n = tpl_add(t, N_PARTIAL, tagline);
			n->name = xstrndup(name, nlen);
			n->nseg = 1;
			break;
		default:
			n = tpl_add(t, raw || sigil == '&' ? N_RAW : N_VAR,
			    tagline);
			node_name(n, name, nlen);
			break;
		}
	}
	if (depth > 0) {
		n = &t->nodes[stack[depth - 1]];
		tpl_why(why, whylen, t->file, sline[depth - 1],
		    "section '%s' is never closed", n->name);
		return (-1);
	}
	return (0);
}

static struct tpl *
tpl_new(const char *name, const char *file, const char *src, size_t len)
{
	struct tpl	*t;

	t = xcalloc(1, sizeof(*t));
	t->name = xstrdup(name);
	t->file = xstrdup(file);
	t->src = xmalloc(len + 1);
	if (len > 0)
		memcpy(t->src, src, len);
	t->src[len] = '\0';
	t->srclen = len;
	return (t);
}

/* Points every partial node at its template; -1 with why if unknown. */
static int
tpl_resolve(struct tplset *ts, char *why, size_t whylen)
{
	size_t		 i, j;
	struct tpl	*t;
	struct node	*n;

	for (i = 0; i < ts->n; i++) {
		t = ts->t[i];
		for (j = 0; j < t->nnodes; j++) {
			n = &t->nodes[j];
			if (n->kind != N_PARTIAL)
				continue;
			if ((n->partial = tpl_get(ts, n->name)) == NULL) {
				tpl_why(why, whylen, t->file, n->line,
				    "unknown partial '%s'", n->name);
				return (-1);
			}
		}
	}
	return (0);
}

struct tplset *
tpl_load_mem(const char *name, const char *src, size_t len, char *why,
    size_t whylen)
{
	struct tplset	*ts;

	if (len > TPL_FILE_MAX) {
		tpl_why(why, whylen, name, 0, "larger than %u bytes",
		    TPL_FILE_MAX);
		return (NULL);
	}
	ts = xcalloc(1, sizeof(*ts));
	ts->t[ts->n++] = tpl_new(name, name, src, len);
	if (tpl_compile(ts->t[0], why, whylen) == -1 ||
	    tpl_resolve(ts, why, whylen) == -1) {
		tpl_free(ts);
		return (NULL);
	}
	return (ts);
}

static int
cmp_str(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

/* Reads path (at most TPL_FILE_MAX bytes) into *src; -1 with why. */
static int
read_file(const char *path, char **src, size_t *len, char *why,
    size_t whylen)
{
	FILE		*f;
	enum hl_rc	 rd;
	int		 rc = -1;

	*src = NULL;
	if ((f = fopen(path, "rb")) == NULL) {
		tpl_why(why, whylen, path, 0, "%s", strerror(errno));
		return (-1);
	}
	if ((rd = file_slurp(f, TPL_FILE_MAX, src, len)) == HL_ERROR)
		tpl_why(why, whylen, path, 0, "read error");
	else if (rd == HL_TOO_BIG)
		tpl_why(why, whylen, path, 0, "larger than %u bytes",
		    TPL_FILE_MAX);
	else
		rc = 0;
	fclose(f);
	return (rc);
}

int
tpl_load(const char *dir, struct tplset **tsp, char *why, size_t whylen)
{
	DIR		*d = NULL;
	struct dirent	*de;
	struct tplset	*ts = NULL;
	char		*names[TPL_MAX], *path = NULL, *src = NULL;
	size_t		 nnames = 0, i, nl, len;
	int		 rc = -1;

	*tsp = NULL;
	if ((d = opendir(dir)) == NULL) {
		tpl_why(why, whylen, dir, 0, "%s", strerror(errno));
		goto out;
	}
	while ((de = readdir(d)) != NULL) {
		nl = strlen(de->d_name);
		if (nl <= 5 || de->d_name[0] == '.' ||
		    strcmp(de->d_name + nl - 5, ".html") != 0)
			continue;
		if (!tpl_name_ok(de->d_name, nl - 5)) {
			tpl_why(why, whylen, de->d_name, 0,
			    "template names are letters, digits, _ and -");
			goto out;
		}
		if (nnames == TPL_MAX) {
			tpl_why(why, whylen, dir, 0,
			    "more than %d templates", TPL_MAX);
			goto out;
		}
		names[nnames++] = xstrndup(de->d_name, nl - 5);
	}
	/* Sorted, so that the same tree always fails the same way. */
	qsort(names, nnames, sizeof(*names), cmp_str);
	ts = xcalloc(1, sizeof(*ts));
	for (i = 0; i < nnames; i++) {
		if (asprintf(&path, "%s/%s.html", dir, names[i]) == -1)
			fatal("out of memory");
		if (read_file(path, &src, &len, why, whylen) == -1)
			goto out;
		ts->t[ts->n] = tpl_new(names[i], path, src, len);
		free(src);
		src = NULL;
		free(path);
		path = NULL;
		if (tpl_compile(ts->t[ts->n++], why, whylen) == -1)
			goto out;
	}
	if (tpl_resolve(ts, why, whylen) == -1)
		goto out;
	*tsp = ts;
	ts = NULL;
	rc = 0;
out:
	for (i = 0; i < nnames; i++)
		free(names[i]);
	free(path);
	free(src);
	tpl_free(ts);
	if (d != NULL)
		closedir(d);
	return (rc);
}

/* The value of n's name: innermost context first, then dotted descent. */
static json_t *
tpl_lookup(const struct rctx *r, const struct node *n)
{
	json_t		*v = NULL;
	const char	*seg = n->name;
	int		 i;

	if (n->nseg == 0)
		return (r->nstack > 0 ? r->stack[r->nstack - 1] : NULL);
	for (i = r->nstack - 1; i >= 0; i--) {
		if (json_is_object(r->stack[i]) &&
		    (v = json_object_get(r->stack[i], seg)) != NULL)
			break;
	}
	for (i = 1; v != NULL && i < n->nseg; i++) {
		seg += strlen(seg) + 1;
		v = json_is_object(v) ? json_object_get(v, seg) : NULL;
	}
	return (v);
}

static int
tpl_truthy(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return (1);
	case JSON_ARRAY:
		return (json_array_size(v) > 0);
	case JSON_STRING:
		return (json_string_length(v) > 0);
	case JSON_INTEGER:
		return (json_integer_value(v) != 0);
	case JSON_REAL:
		return (json_real_value(v) != 0.0);
	case JSON_TRUE:
		return (1);
	default:
		return (0);
	}
}

static int
tpl_emit(struct buf *out, const json_t *v, int raw)
{
	char	 num[64];
	int	 n;

	if (v == NULL)
		return (0);
	switch (json_typeof(v)) {
	case JSON_STRING:
		if (raw)
			return (buf_add(out, json_string_value(v),
			    json_string_length(v)));
		return (buf_add_html(out, json_string_value(v),
		    json_string_length(v)));
	case JSON_INTEGER:
		n = snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
		break;
	case JSON_REAL:
		n = snprintf(num, sizeof(num), "%g", json_real_value(v));
		break;
	default:
		return (0);
	}
	if (n < 0 || (size_t)n >= sizeof(num))
		return (-1);
	return (buf_add(out, num, (size_t)n));
}

static int
tpl_nodes(const struct tpl *t, size_t from, size_t to, struct rctx *r)
{
	const struct node	*n;
	json_t			*v;
	size_t			 i = from, k;
	int			 rc, truthy;

	while (i < to) {
		if (++r->steps > TPL_STEPS_MAX)
			return (-1);
		n = &t->nodes[i];
		switch (n->kind) {
		case N_TEXT:
			if (buf_add(r->out, n->text, n->len) == -1)
				return (-1);
			break;
		case N_VAR:
		case N_RAW:
			if (tpl_emit(r->out, tpl_lookup(r, n),
			    n->kind == N_RAW) == -1)
				return (-1);
			break;
		case N_SECTION:
		case N_INVERTED:
			v = tpl_lookup(r, n);
			truthy = v != NULL && tpl_truthy(v);
			if (n->kind == N_INVERTED ? truthy : !truthy)
				break;
			if (r->depth >= TPL_DEPTH_MAX)
				return (-1);
			r->depth++;
			if (n->kind == N_INVERTED)
				rc = tpl_nodes(t, i + 1, n->end, r);
			else if (json_is_array(v)) {
				rc = 0;
				for (k = 0; rc == 0 &&
				    k < json_array_size(v); k++) {
					r->stack[r->nstack++] =
					    json_array_get(v, k);
					rc = tpl_nodes(t, i + 1, n->end, r);
					r->nstack--;
				}
			} else {
				r->stack[r->nstack++] = v;
				rc = tpl_nodes(t, i + 1, n->end, r);
				r->nstack--;
			}
			r->depth--;
			if (rc == -1)
				return (-1);
			break;
		case N_PARTIAL:
			if (r->depth >= TPL_DEPTH_MAX)
				return (-1);
			r->depth++;
			rc = tpl_nodes(n->partial, 0, n->partial->nnodes, r);
			r->depth--;
			if (rc == -1)
				return (-1);
			break;
		}
		i = (n->kind == N_SECTION || n->kind == N_INVERTED) ?
		    n->end : i + 1;
	}
	return (0);
}

int
tpl_render(const struct tpl *t, json_t *ctx, struct buf *out)
{
	struct rctx	 r;

	if (t == NULL)
		return (-1);
	memset(&r, 0, sizeof(r));
	r.out = out;
	if (ctx != NULL)
		r.stack[r.nstack++] = ctx;
	return (tpl_nodes(t, 0, t->nnodes, &r));
}
