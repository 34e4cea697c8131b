/*
 * workdays.h: the working-day calendar of follow-ups: Saturdays and
 * Sundays are days off, and so are the dates of schema/daysoff.csv
 * (public holidays, Tết, days given in lieu), in the province's time
 * zone (the store's, set by store_open()).
 */
#ifndef WORKDAYS_H
#define WORKDAYS_H

#include <stddef.h>
#include <stdint.h>

#define WORKDAYS_MAX		1024	/* dates in the file */
#define WORKDAYS_FILE_MAX	(64u * 1024)

struct workdays {
	size_t	 n;
	uint32_t day[WORKDAYS_MAX];	/* YYYYMMDD, ascending */
};

/*
 * Loads path (columns date, name; date as YYYY-MM-DD). A missing file
 * is an empty list. 0, or -1 with "path:line: reason" in why.
 */
int	 workdays_load(const char *path, struct workdays *, char *why,
	    size_t whylen);
/* 1 when YYYYMMDD is a working day. */
int	 workdays_is_working(const struct workdays *, uint32_t ymd);
/*
 * The end of the n-th working day after the day of t (the day of t
 * itself does not count): the first second of the next day, local
 * time. 0 when the time cannot be converted.
 */
int64_t	 workdays_deadline(const struct workdays *, int64_t t, int n);

#endif
