/*
 * test_workdays.c: the working-day calendar: weekends and the listed
 * days off skipped, the deadline at the start of the day after the last
 * working day, a malformed days-off file refused with its line.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "util.h"
#include "workdays.h"

static int64_t
at(int y, int mo, int d, int h, int mi)
{
	struct tm	 tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_isdst = -1;
	return ((int64_t)mktime(&tm));
}

static int
write_file(const char *path, const char *text)
{
	FILE	*f = fopen(path, "w");

	if (f == NULL)
		return (-1);
	fputs(text, f);
	return (fclose(f));
}

static void
test_weekends(void **state)
{
	struct workdays	 wd;

	(void)state;
	memset(&wd, 0, sizeof(wd));
	/* Friday 4 Dec 2026: Mon 7 .. Fri 11, due at Sat 12 00:00. */
	assert_int_equal(workdays_deadline(&wd, at(2026, 12, 4, 10, 0), 5),
	    at(2026, 12, 12, 0, 0));
	/* Saturday: from Monday. */
	assert_int_equal(workdays_deadline(&wd, at(2026, 12, 12, 9, 0), 5),
	    at(2026, 12, 19, 0, 0));
	/* One day: a Monday's item is due by the end of Tuesday. */
	assert_int_equal(workdays_deadline(&wd, at(2026, 12, 7, 23, 59), 1),
	    at(2026, 12, 9, 0, 0));
	assert_int_equal(workdays_is_working(&wd, 20261205), 0);
	assert_int_equal(workdays_is_working(&wd, 20261207), 1);
}

static void
test_days_off(void **state)
{
	struct workdays	 wd;
	char		 path[] = "/tmp/hl-workdays-XXXXXX", why[256];
	int		 fd;

	(void)state;
	assert_true((fd = mkstemp(path)) != -1);
	close(fd);
	assert_int_equal(write_file(path, "# days off\ndate,name\n"
	    "2026-05-01,Lao động\n2026-04-30,Giải phóng\n"
	    "2026-04-27,Giỗ Tổ\n"), 0);
	assert_int_equal(workdays_load(path, &wd, why, sizeof(why)), 0);
	assert_int_equal(wd.n, 3);
	assert_int_equal(workdays_is_working(&wd, 20260430), 0);
	/* Fri 24 Apr: Tue 28, Wed 29, Mon 4, Tue 5, Wed 6 May. */
	assert_int_equal(workdays_deadline(&wd, at(2026, 4, 24, 15, 0), 5),
	    at(2026, 5, 7, 0, 0));
	assert_int_equal(write_file(path, "date,name\n2026-02-30,x\n"), 0);
	assert_int_equal(workdays_load(path, &wd, why, sizeof(why)), -1);
	assert_non_null(strstr(why, ":2: date"));
	assert_int_equal(write_file(path, "date,name\n30/04/2026,x\n"), 0);
	assert_int_equal(workdays_load(path, &wd, why, sizeof(why)), -1);
	unlink(path);
	/* No file: no days off. */
	assert_int_equal(workdays_load(path, &wd, why, sizeof(why)), 0);
	assert_int_equal(wd.n, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_weekends),
		cmocka_unit_test(test_days_off),
	};

	if (util_set_tz("Asia/Ho_Chi_Minh") == -1)
		return (1);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
