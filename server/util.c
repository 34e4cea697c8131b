/*
 * util.c: allocation that aborts, whole-file reads, start-up fatals,
 * logging, bounded number parsing, UTF-8 checks, times in the
 * province's zone, languages and texts in every language.
 * Trap: month_of() depends on the process's TZ, set once by
 * util_set_tz() before any thread starts; localtime_r() reads it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "util.h"

void *
xmalloc(size_t n)
{
	void	*p;

	if ((p = malloc(n == 0 ? 1 : n)) == NULL)
		abort();
	return (p);
}

void *
xcalloc(size_t n, size_t size)
{
	void	*p;

	if ((p = calloc(n == 0 ? 1 : n, size == 0 ? 1 : size)) == NULL)
		abort();
	return (p);
}

void *
xrealloc(void *p, size_t n)
{
	if ((p = realloc(p, n == 0 ? 1 : n)) == NULL)
		abort();
	return (p);
}

char *
xstrdup(const char *s)
{
	return (xstrndup(s, strlen(s)));
}

char *
xstrndup(const char *s, size_t len)
{
	char	*p;

	p = xmalloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return (p);
}

enum hl_rc
file_slurp(FILE *f, size_t max, char **text, size_t *len)
{
	struct stat	 st;
	char		*p;
	size_t		 cap = 4096, n = 0;
	enum hl_rc	 rc = HL_ERROR;

	*text = NULL;
	*len = 0;
	/* One read of a regular file: its size and one byte to see EOF. */
	if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_size >= 0 && (uintmax_t)st.st_size <= max)
		cap = (size_t)st.st_size + 1;
	if (cap > max + 1)
		cap = max + 1;
	p = xmalloc(cap + 1);
	for (;;) {
		n += fread(p + n, 1, cap - n, f);
		if (ferror(f))
			goto out;
		if (n > max) {
			rc = HL_TOO_BIG;
			goto out;
		}
		if (n < cap)
			break;
		cap = cap > max / 2 ? max + 1 : 2 * cap;
		p = xrealloc(p, cap + 1);
	}
	p[n] = '\0';
	*text = p;
	*len = n;
	p = NULL;
	rc = HL_OK;
out:
	free(p);
	return (rc);
}

void
fatal(const char *fmt, ...)
{
	va_list	 ap;

	fputs("hailong: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

void
why_at(char *why, size_t whylen, const char *path, int line,
    const char *fmt, ...)
{
	char	 r[512];
	va_list	 ap;

	if (why == NULL || whylen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(r, sizeof(r), fmt, ap);
	va_end(ap);
	if (line > 0)
		snprintf(why, whylen, "%s:%d: %s", path, line, r);
	else
		snprintf(why, whylen, "%s: %s", path, r);
}

/*
 * The one process-wide setting of this file: the lowest level logged,
 * written once before any thread starts and only read afterwards.
 */
static enum log_level log_min = LOG_INFO;

void
log_set_level(enum log_level l)
{
	log_min = l;
}

int
log_enabled(enum log_level l)
{
	return (l >= log_min);
}

int
log_level_parse(const char *s)
{
	if (strcmp(s, "info") == 0)
		return (LOG_INFO);
	if (strcmp(s, "warn") == 0 || strcmp(s, "warning") == 0)
		return (LOG_WARN);
	if (strcmp(s, "error") == 0)
		return (LOG_ERROR);
	return (-1);
}

static const char *
log_level_name(enum log_level l)
{
	return (l == LOG_ERROR ? "error" : l == LOG_WARN ? "warn" : "info");
}

/* "ts=... level=..." into line; returns its length. */
static size_t
log_head(char *line, size_t size, enum log_level l)
{
	struct timespec	 ts;
	struct tm	 tm;
	char		 stamp[32];
	int		 n;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	n = snprintf(line, size, "ts=%s.%03ldZ level=%s ", stamp,
	    ts.tv_nsec / 1000000, log_level_name(l));
	return (n < 0 ? 0 : (size_t)n >= size ? size - 1 : (size_t)n);
}

/* Ends line[0..n) with a newline and writes it in one call. */
static void
log_write(char *line, size_t n)
{
	ssize_t	 w;

	if (n > LOG_LINE_MAX - 1)
		n = LOG_LINE_MAX - 1;
	line[n++] = '\n';
	do
		w = write(STDERR_FILENO, line, n);
	while (w == -1 && errno == EINTR);
}

static void
log_line(enum log_level l, const char *fmt, va_list ap)
{
	char		 line[LOG_LINE_MAX], msg[LOG_LINE_MAX];
	const char	*p;
	size_t		 n;

	if (!log_enabled(l))
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = log_head(line, sizeof(line), l);
	n += (size_t)snprintf(line + n, sizeof(line) - n, "msg=\"");
	/* Room for an escape and the closing quote. */
	for (p = msg; *p != '\0' && n < sizeof(line) - 4; p++) {
		if (*p == '"' || *p == '\\') {
			line[n++] = '\\';
			line[n++] = *p;
		} else if (*p == '\n' || *p == '\r' || *p == '\t') {
			line[n++] = '\\';
			line[n++] = *p == '\n' ? 'n' : *p == '\r' ? 'r' : 't';
		} else if ((unsigned char)*p < 0x20 || *p == 0x7f)
			line[n++] = '?';
		else
			line[n++] = *p;
	}
	line[n++] = '"';
	log_write(line, n);
}

void
log_info(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_line(LOG_INFO, fmt, ap);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_line(LOG_WARN, fmt, ap);
	va_end(ap);
}

void
log_error(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_line(LOG_ERROR, fmt, ap);
	va_end(ap);
}

void
log_kv(enum log_level l, const char *fmt, ...)
{
	char		 line[LOG_LINE_MAX];
	va_list		 ap;
	size_t		 n;
	int		 m;

	if (!log_enabled(l))
		return;
	n = log_head(line, sizeof(line), l);
	va_start(ap, fmt);
	m = vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	if (m > 0)
		n += (size_t)m;
	log_write(line, n);
}

int
parse_num(const char *s, size_t len, long long min, long long max,
    long long *v)
{
	unsigned long long	 acc = 0, lim;
	size_t			 i = 0;
	int			 neg = 0;

	if (s == NULL || len == 0 || len > 20)
		return (-1);
	if (s[0] == '-') {
		if (min >= 0)
			return (-1);
		neg = 1;
		i = 1;
	}
	if (i == len)
		return (-1);
	lim = neg ? (unsigned long long)(-(min + 1)) + 1 :
	    (unsigned long long)max;
	if (!neg && max < 0)
		return (-1);
	for (; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return (-1);
		/* lim < digit: a one-digit number over a small max. */
		if (lim < (unsigned long long)(s[i] - '0') ||
		    acc > (lim - (unsigned long long)(s[i] - '0')) / 10)
			return (-1);
		acc = acc * 10 + (unsigned long long)(s[i] - '0');
	}
	if (neg) {
		long long r = acc == 0 ? 0 : -(long long)(acc - 1) - 1;

		if (r < min || r > max)
			return (-1);
		*v = r;
	} else {
		if ((long long)acc < min)
			return (-1);
		*v = (long long)acc;
	}
	return (0);
}

int
utf8_valid(const char *str, size_t len)
{
	const unsigned char	*s = (const unsigned char *)str;
	size_t			 i = 0, n, k;
	uint32_t		 cp;

	while (i < len) {
		if (s[i] < 0x80) {
			if ((s[i] < 0x20 && s[i] != '\t' && s[i] != '\n' &&
			    s[i] != '\r') || s[i] == 0x7f)
				return (0);
			i++;
			continue;
		}
		if (s[i] >= 0xc2 && s[i] <= 0xdf) {
			n = 1;
			cp = s[i] & 0x1f;
		} else if (s[i] >= 0xe0 && s[i] <= 0xef) {
			n = 2;
			cp = s[i] & 0x0f;
		} else if (s[i] >= 0xf0 && s[i] <= 0xf4) {
			n = 3;
			cp = s[i] & 0x07;
		} else
			return (0);
		if (len - i <= n)
			return (0);
		for (k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return (0);
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ||
		    (cp >= 0x80 && cp < 0xa0))
			return (0);
		i += n + 1;
	}
	return (1);
}

size_t
utf8_chars(const char *s, size_t len)
{
	size_t	 i, n = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return (n);
}

int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (c - 'A' + 10);
	return (-1);
}

int
ident_valid(const char *s, size_t len, size_t max)
{
	size_t	 i;

	if (len == 0 || len > max)
		return (0);
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return (0);
	return (1);
}

int64_t
now_sec(void)
{
	return ((int64_t)time(NULL));
}

uint64_t
now_usec(void)
{
	struct timeval	 tv;

	gettimeofday(&tv, NULL);
	return ((uint64_t)tv.tv_sec * 1000000u + (uint64_t)tv.tv_usec);
}

uint64_t
mono_usec(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000u +
	    (uint64_t)ts.tv_nsec / 1000u);
}

int
util_set_tz(const char *tz)
{
	char	 path[256];
	FILE	*f;
	int	 n;

	/* An unknown zone would silently mean UTC: check the zone file. */
	if (tz == NULL || *tz == '\0' || strstr(tz, "..") != NULL ||
	    tz[0] == '/')
		return (-1);
	n = snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", tz);
	if (n < 0 || (size_t)n >= sizeof(path))
		return (-1);
	if ((f = fopen(path, "r")) == NULL)
		return (-1);
	fclose(f);
	if (setenv("TZ", tz, 1) == -1)
		return (-1);
	tzset();
	return (0);
}

uint32_t
month_of(int64_t t)
{
	time_t		 tt = (time_t)t;
	struct tm	 tm;

	if (localtime_r(&tt, &tm) == NULL)
		return (0);
	return ((uint32_t)(tm.tm_year + 1900) * 100u +
	    (uint32_t)(tm.tm_mon + 1));
}

int64_t
month_closes(uint32_t month)
{
	struct tm	 tm;
	time_t		 r;

	if (month / 100 < 1970 || month / 100 > 9999 || month % 100 < 1 ||
	    month % 100 > 12)
		return (-1);
	memset(&tm, 0, sizeof(tm));
	/* The month after: tm_mon is 0-based, so month % 100 is the next. */
	tm.tm_year = (int)(month / 100) - 1900;
	tm.tm_mon = (int)(month % 100);
	tm.tm_mday = 1 + MONTH_CLOSE_DAYS;
	tm.tm_isdst = -1;
	if ((r = mktime(&tm)) == (time_t)-1)
		return (-1);
	return ((int64_t)r);
}

int
parse_date(const char *s, int64_t *t)
{
	long long	 y, m, d;
	struct tm	 tm;
	time_t		 r;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return (-1);
	if (parse_num(s, 4, 1970, 9999, &y) == -1 ||
	    parse_num(s + 5, 2, 1, 12, &m) == -1 ||
	    parse_num(s + 8, 2, 1, 31, &d) == -1)
		return (-1);
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = (int)y - 1900;
	tm.tm_mon = (int)m - 1;
	tm.tm_mday = (int)d;
	tm.tm_isdst = -1;
	if ((r = mktime(&tm)) == (time_t)-1 || tm.tm_mday != (int)d)
		return (-1);
	*t = (int64_t)r;
	return (0);
}

void
format_time(int64_t t, char out[32])
{
	time_t		 tt = (time_t)t;
	struct tm	 tm;
	char		 z[8];
	size_t		 n;

	if (localtime_r(&tt, &tm) == NULL) {
		snprintf(out, 32, "%lld", (long long)t);
		return;
	}
	n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
	/* ISO 8601 wants +07:00, strftime gives +0700. */
	strftime(z, sizeof(z), "%z", &tm);
	if (n + 6 < 32 && strlen(z) == 5)
		snprintf(out + n, 32 - n, "%.3s:%.2s", z, z + 3);
}

void
format_time_local(int64_t t, char out[32])
{
	time_t		 tt = (time_t)t;
	struct tm	 tm;

	if (localtime_r(&tt, &tm) == NULL ||
	    strftime(out, 32, "%d/%m/%Y %H:%M", &tm) == 0)
		snprintf(out, 32, "%lld", (long long)t);
}

int
cell_is_formula(const char *s)
{
	const unsigned char	*u = (const unsigned char *)s;

	switch (u[0]) {
	case '=': case '+': case '-': case '@': case '\t': case '\r':
		return (1);
	}
	/* U+FF0B ＋, U+FF0D －: EF BC 8B, EF BC 8D; U+FF1D ＝: EF BC 9D;
	 * U+FF20 ＠: EF BC A0. */
	return (u[0] == 0xEF && u[1] == 0xBC && (u[2] == 0x8B ||
	    u[2] == 0x8D || u[2] == 0x9D || u[2] == 0xA0));
}

size_t
strlcpy(char *dst, const char *src, size_t size)
{
	size_t	 n = strlen(src);

	if (size > 0) {
		size_t	 k = n < size - 1 ? n : size - 1;

		memcpy(dst, src, k);
		dst[k] = '\0';
	}
	return (n);
}

size_t
strlcat(char *dst, const char *src, size_t size)
{
	size_t	 d = strnlen(dst, size);

	if (d == size)
		return (d + strlen(src));
	return (d + strlcpy(dst + d, src, size - d));
}

static const char *const lang_codes[LANG_COUNT] = { "vi", "en", "km" };

int
lang_parse(const char *s, size_t len)
{
	int	 i;

	if (s == NULL)
		return (-1);
	for (i = 0; i < LANG_COUNT; i++)
		if (len == 2 && strncasecmp(s, lang_codes[i], 2) == 0)
			return (i);
	return (-1);
}

const char *
lang_code(enum lang l)
{
	return ((unsigned)l < LANG_COUNT ? lang_codes[l] : "vi");
}

json_t *
text_json(const struct text *text, const char *s)
{
	json_t	*o = json_object();
	int	 l;

	for (l = 0; l < LANG_COUNT; l++)
		json_object_set_new(o, lang_code(l), json_string(text == NULL ?
		    s : text->s[l] != NULL ? text->s[l] : ""));
	return (o);
}

const char *
format_day(const char *iso, char out[16])
{
	if (iso == NULL || strlen(iso) != 10 || iso[4] != '-' ||
	    iso[7] != '-')
		return (iso != NULL ? iso : "");
	snprintf(out, 16, "%.2s/%.2s/%.4s", iso + 8, iso + 5, iso);
	return (out);
}
