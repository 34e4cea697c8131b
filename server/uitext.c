/*
 * uitext.c: templates/strings.ini, the interface texts of every page
 * and of the kiosk: one section per language ([vi], [en], [km]), key =
 * text, an indented line continuing the text above; the same keys in
 * every language, every key the caller needs present; errors as
 * path:line: reason.
 * Trap: inih splits lines longer than its buffer and cuts values at
 * " ;": the reader here refuses both, and an indented line continues the
 * value above it (Khmer lines are long).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>
#include <jansson.h>

#include "page.h"
#include "uitext.h"
#include "util.h"

struct uitext_load {
	const char	*path;
	const char	*src;
	size_t		 len;
	size_t		 off;
	unsigned	 line;
	int		 indented;	/* current line starts with a blank */
	int		 bad;
	int		 prev_lang;	/* of the last key, for continuations */
	char		 prev_key[PAGE_STRINGS_KEY_MAX + 1];
	json_t		*str[LANG_COUNT];
	json_t		*lines[LANG_COUNT];	/* key -> line */
	char		 why[256];
};

static void
strings_why(char *why, size_t whylen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
strings_why(char *why, size_t whylen, const char *fmt, ...)
{
	va_list	 ap;

	if (why == NULL || whylen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
}

/* inih's reader: one whole line, or stop with a reason. */
static char *
strings_reader(char *str, int num, void *stream)
{
	struct uitext_load	*s = stream;
	const char		*p, *nl;
	size_t			 n, i;

	if (s->bad || s->off >= s->len)
		return (NULL);
	p = s->src + s->off;
	nl = memchr(p, '\n', s->len - s->off);
	n = nl != NULL ? (size_t)(nl - p) + 1 : s->len - s->off;
	s->line++;
	s->off += n;
	if (num < 3 || n + 3 > (size_t)num) {
		snprintf(s->why, sizeof(s->why), "%s:%u: line longer than %d "
		    "bytes (continue it on an indented line)", s->path,
		    s->line, num - 3);
		s->bad = 1;
		return (NULL);
	}
	for (i = 0; i < n && (p[i] == ' ' || p[i] == '\t'); i++)
		;
	s->indented = i > 0;
	if (i < n && p[i] != ';' && p[i] != '#') {
		for (; i + 1 < n; i++)
			if ((p[i] == ' ' || p[i] == '\t') && p[i + 1] == ';') {
				snprintf(s->why, sizeof(s->why), "%s:%u: ';' "
				    "after a blank would start a comment",
				    s->path, s->line);
				s->bad = 1;
				return (NULL);
			}
	}
	memcpy(str, p, n);
	str[n] = '\0';
	return (str);
}

static int
strings_key_ok(const char *k)
{
	size_t	 i;

	for (i = 0; k[i] != '\0'; i++)
		if (!((k[i] >= 'a' && k[i] <= 'z') ||
		    (k[i] >= '0' && k[i] <= '9') || k[i] == '_'))
			return (0);
	return (i > 0 && i <= PAGE_STRINGS_KEY_MAX);
}

static int
strings_handler(void *user, const char *section, const char *name,
    const char *value)
{
	struct uitext_load	*s = user;
	json_t			*old, *v;
	int			 l;
	char			*joined;

	if (s->bad)
		return (0);
	if ((l = lang_parse(section, strlen(section))) < 0 ||
	    strcmp(section, lang_code(l)) != 0) {
		snprintf(s->why, sizeof(s->why), "%s:%u: [%.20s]: sections "
		    "are vi, en and km", s->path, s->line, section);
		goto bad;
	}
	if (!strings_key_ok(name)) {
		snprintf(s->why, sizeof(s->why), "%s:%u: [%s]: bad key "
		    "'%.40s' (a-z, 0-9, _)", s->path, s->line, section, name);
		goto bad;
	}
	old = json_object_get(s->str[l], name);
	if (old != NULL && s->indented && s->prev_lang == l &&
	    strcmp(s->prev_key, name) == 0) {
		if (asprintf(&joined, "%s %s", json_string_value(old),
		    value) == -1)
			fatal("out of memory");
		json_object_set_new(s->str[l], name, json_string(joined));
		free(joined);
		return (1);
	}
	if (old != NULL) {
		snprintf(s->why, sizeof(s->why), "%s:%u: [%s]: key '%s' "
		    "given twice", s->path, s->line, section, name);
		goto bad;
	}
	if (*value == '\0') {
		snprintf(s->why, sizeof(s->why), "%s:%u: [%s]: key '%s' "
		    "is empty", s->path, s->line, section, name);
		goto bad;
	}
	if ((v = json_string(value)) == NULL) {
		snprintf(s->why, sizeof(s->why), "%s:%u: [%s]: key '%s' "
		    "is not UTF-8", s->path, s->line, section, name);
		goto bad;
	}
	json_object_set_new(s->str[l], name, v);
	json_object_set_new(s->lines[l], name, json_integer(s->line));
	s->prev_lang = l;
	snprintf(s->prev_key, sizeof(s->prev_key), "%s", name);
	return (1);
bad:
	s->bad = 1;
	return (0);
}

int
uitext_load(const char *path, const char *const *required,
    size_t nrequired, json_t *out[LANG_COUNT], char *why, size_t whylen)
{
	struct uitext_load	 load, *s = &load;
	FILE		*f = NULL;
	char		*src = NULL;
	const char	*key;
	json_t		*v;
	size_t		 len, i;
	enum hl_rc	 rd;
	int		 rc = -1, line, a, b;

	memset(s, 0, sizeof(*s));
	s->path = path;
	s->prev_lang = -1;
	for (a = 0; a < LANG_COUNT; a++) {
		s->str[a] = json_object();
		s->lines[a] = json_object();
	}
	if ((f = fopen(path, "rb")) == NULL) {
		strings_why(why, whylen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if ((rd = file_slurp(f, PAGE_STRINGS_MAX, &src, &len)) != HL_OK) {
		strings_why(why, whylen, "%s: %s", path, rd == HL_ERROR ?
		    "read error" : "too large");
		goto out;
	}
	if (!utf8_valid(src, len)) {
		strings_why(why, whylen, "%s: not UTF-8 text", path);
		goto out;
	}
	s->src = src;
	s->len = len;
	line = ini_parse_stream(strings_reader, s, strings_handler, s);
	if (s->bad) {
		strings_why(why, whylen, "%s", s->why);
		goto out;
	}
	if (line != 0) {
		strings_why(why, whylen, "%s:%d: syntax error", path, line);
		goto out;
	}
	/* The same keys in every language. */
	for (a = 0; a < LANG_COUNT; a++) {
		json_object_foreach(s->str[a], key, v) {
			for (b = 0; b < LANG_COUNT; b++) {
				if (json_object_get(s->str[b], key) != NULL)
					continue;
				strings_why(why, whylen, "%s:%d: [%s]: key '%s' "
				    "is missing in [%s]", path,
				    (int)json_integer_value(json_object_get(
				    s->lines[a], key)), lang_code(a), key,
				    lang_code(b));
				goto out;
			}
		}
	}
	for (i = 0; i < nrequired; i++)
		if (json_object_get(s->str[LANG_VI], required[i]) == NULL) {
			strings_why(why, whylen, "%s: [vi]: key '%s' is missing",
			    path, required[i]);
			goto out;
		}
	rc = 0;
out:
	for (a = 0; a < LANG_COUNT; a++) {
		json_decref(s->lines[a]);
		if (rc == 0)
			out[a] = s->str[a];
		else
			json_decref(s->str[a]);
	}
	if (f != NULL)
		fclose(f);
	free(src);
	return (rc);
}
