/*
 * workdays.c: days off and deadlines counted in working days
 * (workdays.h).
 * Trap: days are stepped with mktime() at noon, so that a change of
 * clock (none in Vietnam today, but the zone is data) never skips or
 * repeats a date.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "csvfile.h"
#include "util.h"
#include "workdays.h"

static int
workdays_cmp(const void *a, const void *b)
{
	uint32_t	 x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x < y ? -1 : x > y);
}

/* "YYYY-MM-DD" to YYYYMMDD, a real date; 0 when not. */
static uint32_t
workdays_parse(const char *s, size_t len)
{
	long long	 y, m, d;
	struct tm	 tm;

	if (len != 10 || s[4] != '-' || s[7] != '-' ||
	    parse_num(s, 4, 2000, 2199, &y) == -1 ||
	    parse_num(s + 5, 2, 1, 12, &m) == -1 ||
	    parse_num(s + 8, 2, 1, 31, &d) == -1)
		return (0);
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = (int)y - 1900;
	tm.tm_mon = (int)m - 1;
	tm.tm_mday = (int)d;
	tm.tm_hour = 12;
	tm.tm_isdst = -1;
	if (mktime(&tm) == (time_t)-1 || tm.tm_mday != (int)d)
		return (0);
	return ((uint32_t)(y * 10000 + m * 100 + d));
}

static int
workdays_row(struct csvfile *x, void *arg)
{
	struct workdays	*wd = arg;
	uint32_t	 ymd;

	if ((ymd = workdays_parse(x->f[0], x->flen[0])) == 0) {
		snprintf(x->why, x->whylen, "%s:%d: date: not a date as "
		    "YYYY-MM-DD", x->path, x->recline);
		return (-1);
	}
	if (wd->n == WORKDAYS_MAX) {
		snprintf(x->why, x->whylen, "%s:%d: more than %d days off",
		    x->path, x->recline, WORKDAYS_MAX);
		return (-1);
	}
	wd->day[wd->n++] = ymd;
	return (0);
}

int
workdays_load(const char *path, struct workdays *wd, char *why,
    size_t whylen)
{
	static const char *const header[] = { "date", "name" };
	struct csvfile	 x;
	struct stat	 sb;

	memset(wd, 0, sizeof(*wd));
	if (stat(path, &sb) == -1)
		return (0);
	memset(&x, 0, sizeof(x));
	x.path = path;
	x.header = header;
	x.nheader = 2;
	x.why = why;
	x.whylen = whylen;
	x.row = workdays_row;
	x.arg = wd;
	if (csvfile_read(&x, WORKDAYS_FILE_MAX) == -1)
		return (-1);
	qsort(wd->day, wd->n, sizeof(wd->day[0]), workdays_cmp);
	return (0);
}

static uint32_t
workdays_ymd(const struct tm *tm)
{
	return ((uint32_t)((tm->tm_year + 1900) * 10000 +
	    (tm->tm_mon + 1) * 100 + tm->tm_mday));
}

int
workdays_is_working(const struct workdays *wd, uint32_t ymd)
{
	struct tm	 tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = (int)(ymd / 10000) - 1900;
	tm.tm_mon = (int)(ymd / 100 % 100) - 1;
	tm.tm_mday = (int)(ymd % 100);
	tm.tm_hour = 12;
	tm.tm_isdst = -1;
	if (mktime(&tm) == (time_t)-1 || tm.tm_wday == 0 || tm.tm_wday == 6)
		return (0);
	return (bsearch(&ymd, wd->day, wd->n, sizeof(wd->day[0]),
	    workdays_cmp) == NULL);
}

int64_t
workdays_deadline(const struct workdays *wd, int64_t t, int n)
{
	struct tm	 tm;
	time_t		 tt = (time_t)t, end;
	int		 left = n, guard = 0;

	if (localtime_r(&tt, &tm) == NULL)
		return (0);
	tm.tm_hour = 12;
	tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	while (left > 0 && guard++ < 3660) {
		tm.tm_mday++;
		tm.tm_hour = 12;
		tm.tm_isdst = -1;
		if (mktime(&tm) == (time_t)-1)
			return (0);
		if (workdays_is_working(wd, workdays_ymd(&tm)))
			left--;
	}
	/* The first second of the day after. */
	tm.tm_mday++;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	if ((end = mktime(&tm)) == (time_t)-1)
		return (0);
	return ((int64_t)end);
}
