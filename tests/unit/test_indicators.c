/*
 * test_indicators.c: the shipped schema/indicators.ini loads against the
 * shipped survey and sectors; every kind of broken file is refused with
 * "file:line: reason" naming the right line.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "catalog.h"
#include "indicators.h"
#include "survey.h"
#include "util.h"

#define SHIPPED	HL_SRCDIR "/schema"

struct env {
	struct surveys	 sv;
	struct catalog	*cat;
	char		 path[64];
};

#define HEAD \
	"; test indicators\n" \
	"[resolution]\n" \
	"name.vi = Nghị quyết\nname.en = Resolution\nname.km = សេចក្តី\n" \
	"from = 2021\nto = 2030\n"
#define IND(id, rest) \
	"[indicator " id "]\n" \
	"name.vi = Chỉ số\nname.en = Indicator\nname.km = សូចនាករ\n" \
	"item = (14) Mục\n" rest
#define GOOD_BODY \
	"survey = default\nquestion = overall\nlevels = 4 5\n" \
	"target.2025 = 90\ntarget.2030 = 95\n"

static int
setup(void **state)
{
	struct env	*e;
	char		 why[256];
	int		 fd;

	e = calloc(1, sizeof(*e));
	assert_non_null(e);
	assert_int_equal(surveys_load(SHIPPED, &e->sv, why, sizeof(why)), 0);
	assert_int_equal(catalog_load(SHIPPED, &e->cat, why, sizeof(why)), 0);
	strlcpy(e->path, "/tmp/hl-ind-XXXXXX", sizeof(e->path));
	assert_true((fd = mkstemp(e->path)) >= 0);
	close(fd);
	*state = e;
	return (0);
}

static int
teardown(void **state)
{
	struct env	*e = *state;

	unlink(e->path);
	surveys_clear(&e->sv);
	catalog_free(e->cat);
	free(e);
	return (0);
}

static int
load_text(struct env *e, const char *text, struct indicators **ip,
    char *why, size_t whylen)
{
	FILE	*f;

	assert_non_null(f = fopen(e->path, "wb"));
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
	return (indicators_load(e->path, &e->sv, e->cat, ip, why, whylen));
}

/* text is refused at line (0: no line) with a reason containing want. */
static void
refused(struct env *e, const char *text, int line, const char *want)
{
	struct indicators	*ip = (void *)1;
	char			 why[512], at[96];

	why[0] = '\0';
	if (load_text(e, text, &ip, why, sizeof(why)) != -1)
		fail_msg("accepted, wanted \"%s\"", want);
	assert_null(ip);
	if (line > 0)
		snprintf(at, sizeof(at), "%s:%d: ", e->path, line);
	else
		snprintf(at, sizeof(at), "%s: ", e->path);
	if (strncmp(why, at, strlen(at)) != 0 || strstr(why, want) == NULL)
		fail_msg("got \"%s\", wanted \"%s\" + \"%s\"", why, at, want);
}

static void
test_shipped(void **state)
{
	struct env		*e = *state;
	struct indicators	*ip = NULL;
	const struct indicator	*d;
	char			 why[256];
	size_t			 i;
	int			 l;

	assert_int_equal(indicators_load(SHIPPED "/indicators.ini", &e->sv,
	    e->cat, &ip, why, sizeof(why)), 0);
	assert_int_equal(ip->from, 2021);
	assert_int_equal(ip->to, 2030);
	assert_int_equal(ip->n, 5);
	for (l = 0; l < LANG_COUNT; l++)
		assert_non_null(ip->name.s[l]);
	assert_string_equal(ip->ind[0].id, "tthc");
	assert_string_equal(ip->ind[1].id,
	    "tthc_land_construction_investment");
	assert_string_equal(ip->ind[2].id, "agency_service");
	assert_string_equal(ip->ind[3].id, "health_services");
	assert_string_equal(ip->ind[4].id, "education_services");
	for (i = 0; i < ip->n; i++) {
		d = &ip->ind[i];
		for (l = 0; l < LANG_COUNT; l++)
			assert_non_null(d->name.s[l]);
		assert_non_null(d->item);
		assert_int_equal(d->levels, (1u << 3) | (1u << 4));
		assert_int_equal(d->ntargets, 2);
		assert_int_equal(d->targets[0].year, 2025);
		assert_int_equal(d->targets[1].year, 2030);
	}
	d = &ip->ind[0];
	assert_true(d->collected);
	assert_int_equal(d->nsectors, 0);
	assert_true(d->targets[0].percent == 90.0);
	assert_true(d->targets[1].percent == 95.0);
	assert_non_null(strstr(d->item, "(14)"));
	/* the three sectors together, at 85/90 */
	d = &ip->ind[1];
	assert_int_equal(d->nsectors, 3);
	assert_string_equal(d->sectors[0], "land");
	assert_string_equal(d->sectors[1], "construction");
	assert_string_equal(d->sectors[2], "investment");
	assert_true(d->targets[0].percent == 85.0);
	assert_true(indicators_counts(d, "land", "ward"));
	assert_false(indicators_counts(d, "health", "ward"));
	assert_false(indicators_counts(d, "walk-in", "ward"));
	assert_true(indicators_counts(&ip->ind[0], "walk-in", NULL));
	assert_string_equal(ip->ind[2].question, "agency_service");
	assert_true(ip->ind[2].collected);
	/* the service surveys: their answers under their marked sector */
	assert_true(ip->ind[3].collected);
	assert_string_equal(ip->ind[3].survey, "health");
	assert_true(ip->ind[4].collected);
	assert_true(indicators_counts(&ip->ind[3], "@health", "hospital"));
	assert_false(indicators_counts(&ip->ind[3], "@education", NULL));
	assert_false(indicators_counts(&ip->ind[3], "health", NULL));
	assert_false(indicators_counts(&ip->ind[0], "@health", NULL));
	assert_true(indicators_counts(&ip->ind[4], "@education", "school"));
	assert_true(ip->ind[4].targets[0].percent == 85.0);
	indicators_free(ip);
	indicators_free(NULL);
}

static void
test_good_variants(void **state)
{
	struct env		*e = *state;
	struct indicators	*ip = NULL;
	char			 why[256];

	/* continuation of a text, kinds, an empty sector list */
	assert_int_equal(load_text(e, HEAD IND("a",
	    "survey = default\nquestion = on_time\nlevels = 1\n"
	    "sectors =\nkinds = ward commune\ntarget.2025 = 80.5\n")
	    "[indicator b]\nname.vi = B\n\tnối tiếp\nname.en = B\n"
	    "name.km = ខ\nitem = x\nsurvey = default\nquestion = overall\n"
	    "levels = 5\ntarget.2030 = 95\n", &ip, why, sizeof(why)), 0);
	assert_int_equal(ip->n, 2);
	assert_int_equal(ip->ind[0].levels, 1);
	assert_int_equal(ip->ind[0].nkinds, 2);
	assert_true(indicators_counts(&ip->ind[0], "land", "ward"));
	assert_false(indicators_counts(&ip->ind[0], "land", "province"));
	assert_false(indicators_counts(&ip->ind[0], "land", NULL));
	assert_true(ip->ind[0].targets[0].percent == 80.5);
	assert_string_equal(ip->ind[1].name.s[LANG_VI], "B nối tiếp");
	indicators_free(ip);
}

static void
test_broken(void **state)
{
	struct env	*e = *state;

	/* the header: lines 2..5 */
	refused(e, "[indicator a]\n", 0, "no [resolution]");
	refused(e, HEAD, 0, "no [indicator ID]");
	refused(e, "[resolution]\nname.vi = N\nname.en = N\nfrom = 2021\n"
	    "to = 2030\n" IND("a", GOOD_BODY), 1, "name.km missing");
	refused(e, "[resolution]\nname.vi = N\nname.en = N\nname.km = N\n"
	    "from = 2031\nto = 2030\n" IND("a", GOOD_BODY), 1, "from = YEAR");
	refused(e, "[resolution]\nname.vi = N\nyear = 2021\n", 3,
	    "unknown key year in [resolution]");
	refused(e, "[resolution]\nname.vi = N\nfrom = 20x1\n", 3,
	    "from: a year");
	refused(e, HEAD "[resolution]\n", 8, "[resolution] given twice");
	/* sections: line 7 is the indicator's header */
	refused(e, HEAD "[target tthc]\n", 8, "unknown section [target tthc]");
	refused(e, HEAD "[indicator Bad-Id]\n", 8, "indicator id");
	refused(e, HEAD IND("a", GOOD_BODY) IND("b", GOOD_BODY)
	    IND("a", GOOD_BODY), 28, "[indicator a] given twice");
	/* keys: lines 8.. (name.vi 8, name.en 9, name.km 10, item 11) */
	refused(e, HEAD IND("a", "survey = default\nwho = me\n"), 14,
	    "unknown key who in [indicator a]");
	refused(e, HEAD "[indicator a]\nname.vi = A\nname.en = A\n"
	    "item = x\n" GOOD_BODY, 8, "[indicator a] name.km missing");
	refused(e, HEAD "[indicator a]\nname.vi = A\nname.en = A\n"
	    "name.km = A\n" GOOD_BODY, 8, "[indicator a] item missing");
	refused(e, HEAD IND("a", "survey = default\nquestion = overall\n"
	    "target.2025 = 90\n"), 8, "[indicator a] levels missing");
	refused(e, HEAD IND("a", "survey = default\nquestion = nope\n"), 14,
	    "unknown question nope");
	refused(e, HEAD IND("a", "survey = default\nquestion = reasons\n"), 14,
	    "several answers");
	refused(e, HEAD IND("a", "question = overall\n"), 13, "after survey");
	refused(e, HEAD IND("a", "survey = Default\n"), 13, "survey: an id");
	refused(e, HEAD IND("a", "survey = default\nquestion = overall\n"
	    "levels = 4 6\n"), 15, "6 is not a level from 1 to 5");
	refused(e, HEAD IND("a", "survey = default\nquestion = on_time\n"
	    "levels = 4\n"), 15, "4 is not a level from 1 to 3");
	refused(e, HEAD IND("a", "survey = default\nquestion = overall\n"
	    "levels = 0\n"), 15, "not a level");
	refused(e, HEAD IND("a", "survey = default\nquestion = overall\n"
	    "levels = 5 5\n"), 15, "levels: 5 given twice");
	refused(e, HEAD IND("a", "survey = default\nquestion = overall\n"
	    "levels =\n"), 15, "at least one level");
	refused(e, HEAD IND("a", "survey = later\nquestion = overall\n"
	    "levels = 13\n"), 15, "not a level from 1 to 12");
	refused(e, HEAD IND("a", "sectors = land farms\n"), 13,
	    "unknown sector farms");
	refused(e, HEAD IND("a", "sectors = land land\n"), 13,
	    "land given twice");
	refused(e, HEAD IND("a", "kinds = averyveryverylongkind\n"), 13,
	    "kinds: a unit kind");
	refused(e, HEAD IND("a", GOOD_BODY "target.2024 = 85\n"), 18,
	    "years must ascend");
	refused(e, HEAD IND("a", GOOD_BODY "target.2030 = 96\n"), 18,
	    "given twice");
	refused(e, HEAD IND("a", "target.2025 = 101\n"), 13,
	    "a percent from 0 to 100");
	refused(e, HEAD IND("a", "target.2025 = 90.123\n"), 13,
	    "a percent from 0 to 100");
	refused(e, HEAD IND("a", "survey = default\nquestion = overall\n"
	    "levels = 4 5\ntarget.2035 = 99\n"), 8,
	    "target.2035: outside the resolution's years 2021 to 2030");
	refused(e, HEAD IND("a", "survey = default\nquestion = overall\n"
	    "survey = x\n"), 15,
	    "survey given twice");
	refused(e, HEAD IND("a", "survey = default\nquestion = overall\n"
	    "levels = 4\n\t5\n"), 16, "no continuation lines here");
	refused(e, HEAD IND("a", "name.vi = again\n"), 13,
	    "name.vi given twice");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped),
		cmocka_unit_test(test_good_variants),
		cmocka_unit_test(test_broken),
	};

	return (cmocka_run_group_tests(tests, setup, teardown));
}
