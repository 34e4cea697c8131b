/*
 * inifile.c: INI files for inih (survey-*.ini, sectors.ini,
 * indicators.ini), each line checked first so that nothing inih would
 * misread gets through and every error says path:line: reason
 * (inifile.h says what is refused).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "inifile.h"
#include "util.h"

static int
is_space(int c)
{
	return (c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f');
}

/*
 * Checks every line of text[0..len) as inih will read it; see inifile.h.
 * Fills doc with the sections' first lines.
 */
static int
ini_precheck(const char *path, const char *text, size_t len,
    int (*sec)(void *, const char *), void *user, const char *reason,
    struct ini_doc *doc, char *why, size_t whylen)
{
	const char	*p = text, *end = text + len, *nl, *a, *b, *d;
	char		 prev[INI_NAME_MAX + 1] = "";
	size_t		 n, i, k;
	int		 line = 0;

	doc->nsections = 0;
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (p < end) {
		line++;
		if ((nl = memchr(p, '\n', end - p)) == NULL)
			nl = end;
		n = nl - p;
		if (n > INI_LINE_MAX) {
			why_at(why, whylen, path, line, "line longer than %d "
			    "bytes: continue the text on the next line, "
			    "indented", INI_LINE_MAX);
			return (-1);
		}
		if (!utf8_valid(p, n)) {
			why_at(why, whylen, path, line, "not valid UTF-8");
			return (-1);
		}
		a = p;
		b = nl;
		p = nl < end ? nl + 1 : end;
		while (a < b && is_space((unsigned char)*a))
			a++;
		while (b > a && is_space((unsigned char)b[-1]))
			b--;
		if (a == b || *a == ';' || *a == '#')
			continue;
		for (d = a + 1; d < b; d++) {
			if (*d == ';' && is_space((unsigned char)d[-1])) {
				why_at(why, whylen, path, line, "';' after a "
				    "space starts a comment: remove the space "
				    "or reword");
				return (-1);
			}
		}
		if (prev[0] != '\0' && a > nl - n)
			continue;	/* continuation of prev */
		if (*a == '[') {
			if ((d = memchr(a, ']', b - a)) == NULL) {
				why_at(why, whylen, path, line,
				    "section header without ']'");
				return (-1);
			}
			if (d + 1 != b) {
				why_at(why, whylen, path, line,
				    "text after ']'");
				return (-1);
			}
			k = d - (a + 1);
			if (k == 0 || k > INI_NAME_MAX) {
				why_at(why, whylen, path, line, "section name "
				    "empty or longer than %d bytes",
				    INI_NAME_MAX);
				return (-1);
			}
			for (i = 0; i < doc->nsections; i++) {
				if (strlen(doc->sections[i].name) == k &&
				    memcmp(doc->sections[i].name, a + 1,
				    k) == 0) {
					why_at(why, whylen, path, line,
					    "section [%.*s] given twice (first "
					    "at line %d)", (int)k, a + 1,
					    doc->sections[i].line);
					return (-1);
				}
			}
			if (doc->nsections == INI_SECTIONS_MAX) {
				why_at(why, whylen, path, line,
				    "more than %d sections", INI_SECTIONS_MAX);
				return (-1);
			}
			memcpy(doc->sections[doc->nsections].name, a + 1, k);
			doc->sections[doc->nsections].name[k] = '\0';
			doc->sections[doc->nsections].line = line;
			if (sec != NULL &&
			    !sec(user, doc->sections[doc->nsections].name)) {
				why_at(why, whylen, path, line, "%s", reason);
				return (-1);
			}
			doc->nsections++;
			prev[0] = '\0';
			continue;
		}
		for (d = a; d < b && *d != '=' && *d != ':'; d++)
			;
		if (d == b) {
			why_at(why, whylen, path, line, "expected "
			    "'key = value', '[section]' or a comment");
			return (-1);
		}
		while (d > a && is_space((unsigned char)d[-1]))
			d--;
		k = d - a;
		if (k == 0 || k > INI_NAME_MAX) {
			why_at(why, whylen, path, line, "key empty or longer "
			    "than %d bytes", INI_NAME_MAX);
			return (-1);
		}
		if (strlen(prev) == k && memcmp(prev, a, k) == 0) {
			why_at(why, whylen, path, line, "%s given twice",
			    prev);
			return (-1);
		}
		memcpy(prev, a, k);
		prev[k] = '\0';
	}
	return (0);
}

int
inifile_parse_text(const char *path, const char *text, size_t len,
    int (*sec)(void *, const char *),
    int (*h)(void *, const char *, const char *, const char *),
    void *user, const char *reason, struct ini_doc *doc,
    char *why, size_t whylen)
{
	int	 line;

	if (ini_precheck(path, text, len, sec, user, reason, doc, why,
	    whylen) == -1)
		return (-1);
	if ((line = ini_parse_string(text, h, user)) != 0) {
		why_at(why, whylen, path, line, "%s",
		    reason[0] != '\0' ? reason : "syntax error");
		return (-1);
	}
	return (0);
}

int
inifile_parse(const char *path, int (*sec)(void *, const char *),
    int (*h)(void *, const char *, const char *, const char *),
    void *user, const char *reason, struct ini_doc *doc,
    char *why, size_t whylen)
{
	FILE		*f = NULL;
	char		*text = NULL;
	size_t		 len = 0;
	enum hl_rc	 rd;
	int		 rc = -1;

	if ((f = fopen(path, "rb")) == NULL) {
		why_at(why, whylen, path, 0, "%s", strerror(errno));
		goto out;
	}
	if ((rd = file_slurp(f, INI_FILE_MAX, &text, &len)) == HL_ERROR) {
		why_at(why, whylen, path, 0, "read error");
		goto out;
	}
	if (rd == HL_TOO_BIG) {
		why_at(why, whylen, path, 0, "larger than %d bytes",
		    INI_FILE_MAX);
		goto out;
	}
	if (inifile_parse_text(path, text, len, sec, h, user, reason, doc, why,
	    whylen) == -1)
		goto out;
	rc = 0;
out:
	if (f != NULL)
		fclose(f);
	free(text);
	return (rc);
}

int
inifile_line(const struct ini_doc *doc, const char *name)
{
	size_t	 i;

	for (i = 0; i < doc->nsections; i++)
		if (strcmp(doc->sections[i].name, name) == 0)
			return (doc->sections[i].line);
	return (0);
}
