/*
 * inifile.h: checked INI files (inifile.c).
 */
#ifndef INIFILE_H
#define INIFILE_H

#include <stddef.h>

/*
 * INI files for inih: the surveys, sectors.ini, indicators.ini.
 * Debian's inih cuts a line at 200 bytes and reads the rest as a line of
 * its own, truncates section and key names at 49 bytes, and ends a value
 * at a ';' that follows a space (inline comment). inifile_parse()
 * reads path whole (at most INI_FILE_MAX bytes) and refuses, with
 * "path:line: reason" in why, every line that inih would misread: longer
 * than INI_LINE_MAX bytes, not UTF-8, " ;" outside a comment line, a name
 * too long, a line that is neither section, key = value, comment nor
 * continuation, a section or a key given twice in a row. Only then does
 * inih run, so the line it reports is the file's. A continuation line
 * (indented, after a key) reaches h again with the same section and name:
 * h joins it. sec, when not NULL, is called with every section header
 * before inih runs (so an empty section is seen too) and returns 0 to
 * refuse it, with its reason in the caller's buffer reason. When sec or h
 * returns 0, why is "path:line: reason". doc receives the line where each
 * section starts, for checks made after parsing. Returns 0 or -1.
 */
#define INI_FILE_MAX		(1024 * 1024)
#define INI_LINE_MAX		190
#define INI_NAME_MAX		49
#define INI_SECTIONS_MAX	48

struct ini_doc {
	size_t	 nsections;
	struct {
		char	 name[INI_NAME_MAX + 1];
		int	 line;
	}	 sections[INI_SECTIONS_MAX];
};

int	 inifile_parse(const char *path,
	    int (*sec)(void *, const char *),
	    int (*h)(void *, const char *, const char *, const char *),
	    void *user, const char *reason, struct ini_doc *doc,
	    char *why, size_t whylen);
/* First line of section name in doc, or 0 when it is not there. */
int	 inifile_line(const struct ini_doc *doc, const char *name);
/* The same for text[0..len) (text[len] a NUL), named path in reasons. */
int	 inifile_parse_text(const char *path, const char *text, size_t len,
	    int (*sec)(void *, const char *),
	    int (*h)(void *, const char *, const char *, const char *),
	    void *user, const char *reason, struct ini_doc *doc,
	    char *why, size_t whylen);

#endif
