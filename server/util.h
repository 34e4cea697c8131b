/*
 * util.h: memory that never fails (it aborts), fatal start-up errors,
 * bounded number parsing, UTF-8 checks, time and month arithmetic, logging.
 */
#ifndef UTIL_H
#define UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "hl.h"

/* Allocation aborts the process when memory runs out. */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);

/*
 * Reads the rest of f into *text, a new NUL-terminated buffer of *len
 * bytes (the caller's). The buffer is sized from the file and grows while
 * it grows, never allocated at max up front: a large block freed at start
 * raises glibc's mmap threshold and leaves the heap holding pages.
 * Returns HL_OK; HL_TOO_BIG when f holds more than max bytes; HL_ERROR on
 * a read error. *text is NULL and *len 0 unless HL_OK.
 */
enum hl_rc file_slurp(FILE *f, size_t max, char **text, size_t *len);

/* Before serving only: prints "hailong: <message>" to stderr, exits 1. */
void	 fatal(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));

/*
 * A reason for people about a file: "path:line: reason", or "path: reason"
 * when line is 0. Writes nothing when why is NULL or whylen 0.
 */
void	 why_at(char *why, size_t whylen, const char *path, int line,
	    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/*
 * Logging: one line per event to stderr, as key=value pairs that
 * journald and log shippers split without a pattern:
 *   ts=2026-11-27T08:00:00.123Z level=warn msg="..."
 * msg is quoted (\" \\ \n escaped). log_kv() takes pairs already
 * formatted (each value the caller's to quote) for machine-made lines
 * such as the request log. A line goes out in one write(2), cut at
 * LOG_LINE_MAX bytes, so that lines of several threads never interleave.
 * Lines below the level set by log_set_level() (once, before any thread
 * starts; LOG_INFO by default) are dropped.
 */
#define LOG_LINE_MAX	1024
enum log_level {
	LOG_INFO = 0,
	LOG_WARN,
	LOG_ERROR
};
void	 log_set_level(enum log_level);
/* 1 when a line of that level would be written. */
int	 log_enabled(enum log_level);
/* "info", "warn", "error" to a level; -1 when unknown. */
int	 log_level_parse(const char *);
void	 log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	 log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	 log_error(const char *, ...) __attribute__((format(printf, 1, 2)));
void	 log_kv(enum log_level, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

/*
 * Parses the decimal integer s[0..len) (no sign unless min < 0, no
 * spaces, no leading '+') into *v. Returns 0, or -1 when it is not a
 * number or lies outside [min, max]; *v is untouched then.
 */
int	 parse_num(const char *s, size_t len, long long min, long long max,
	    long long *v);

/* 1 when s[0..len) is valid UTF-8 without NUL bytes or C0 controls other
 * than tab, CR and LF; 0 otherwise. */
int	 utf8_valid(const char *s, size_t len);
/* Number of code points of valid UTF-8 s[0..len). */
size_t	 utf8_chars(const char *s, size_t len);

/* 1 when s[0..len) is 1..max bytes of [a-z0-9_] (ids in schema/). */
int	 ident_valid(const char *s, size_t len, size_t max);
/* Value of a hexadecimal digit, either case; -1 if none. */
int	 hex_digit(char c);

/* Wall-clock now in seconds and in microseconds since the epoch (UTC). */
int64_t	 now_sec(void);
uint64_t now_usec(void);
/* A monotonic clock in microseconds, for durations. */
uint64_t mono_usec(void);

/*
 * Month (YYYY*100 + MM) of t in the province's time zone; util_set_tz()
 * must have been called once before (store_open() does it).
 * Returns 0 when the time cannot be converted.
 */
uint32_t month_of(int64_t t);
/*
 * When month (YYYYMM) closes: MONTH_CLOSE_DAYS days after its end, at
 * midnight in the province's zone. No answer enters a closed month.
 * Returns -1 when month is not a month.
 */
#define MONTH_CLOSE_DAYS	7
int64_t	 month_closes(uint32_t month);
/* Sets the process's time zone (an IANA name); -1 when unknown. */
int	 util_set_tz(const char *tz);
/* Parses YYYY-MM-DD as midnight in the province's zone; -1 on error. */
int	 parse_date(const char *s, int64_t *t);
/* Formats t as ISO 8601 with the province's offset into out[32]. */
void	 format_time(int64_t t, char out[32]);
/* "dd/mm/yyyy hh:mm" in the process's (the province's) zone. */
void	 format_time_local(int64_t t, char out[32]);
/* A day "YYYY-MM-DD" as people write it, "DD/MM/YYYY" (anything else
 * as it is), into out. */
const char *format_day(const char *iso, char out[16]);
/*
 * 1 when a spreadsheet could take the text s for a formula: it starts
 * with = + - @, TAB or CR, or with the full-width ＝ ＋ － ＠ (U+FF1D,
 * U+FF0B, U+FF0D, U+FF20). Every CSV and XLSX writer then puts a ' in
 * front of it, so that it is shown as text and never run.
 */
int	 cell_is_formula(const char *s);

/* BSD strlcpy (glibc 2.36 has none): copies, always terminates, returns
 * strlen(src); truncation when the result is >= size. */
size_t	 strlcpy(char *dst, const char *src, size_t size);
size_t	 strlcat(char *dst, const char *src, size_t size);

/* Language code ("vi", "en", "km") to enum lang; -1 when unknown. */
int	 lang_parse(const char *s, size_t len);
const char *lang_code(enum lang);
/*
 * A text in every language as a JSON object {"vi": ..., "en": ...,
 * "km": ...} (a missing one as ""); with text NULL, s in every language
 * (a code that has no name).
 */
struct json_t *text_json(const struct text *text, const char *s);

#endif
