/*
 * retire.c: retired units: what a retirement must satisfy before it is
 * checked as a whole catalogue (catalog.c checks the chains again), and
 * the one wording of a refusal, so that the API, the kiosk and the
 * counter page name the successor alike.
 * Trap: a successor retired later is fine (chains A -> B -> C), but a
 * retirement may not name a successor already retired: the clerk is told
 * to name the end of its chain.
 */
#include <stdio.h>
#include <string.h>

#include "retire.h"
#include "util.h"

int
retire_refused(const struct catalog *cat, const char *code, int64_t now,
    char *why, size_t whylen)
{
	const struct unit	*u, *s;

	u = catalog_unit(cat, code, strnlen(code, UNIT_CODE_MAX + 1));
	if (u == NULL || !catalog_unit_retired(u, now))
		return (0);
	s = catalog_unit_current(cat, u, now);
	snprintf(why, whylen, "unit %s (%s) was retired on %s: its successor "
	    "is %s (%s); issue tickets and pair kiosks and counters for %s",
	    u->code, u->name.s[LANG_VI], u->retired, s->code,
	    s->name.s[LANG_VI], s->code);
	return (1);
}

unsigned
retire_check(const struct catalog *cat, const char *code, const char *date,
    const char *successor, const char *top, struct catrow *row, char *why,
    size_t whylen)
{
	const struct unit	*u, *s, *x;
	int64_t			 t;
	size_t			 i;

	memset(row, 0, sizeof(*row));
	if ((u = catalog_unit(cat, code, strlen(code))) == NULL) {
		snprintf(why, whylen, "no such unit");
		return (404);
	}
	if (top[0] != '\0' && !catalog_in_subtree(cat, code, top)) {
		snprintf(why, whylen, "unit: outside the units this key or "
		    "user may change");
		return (403);
	}
	if (top[0] != '\0' && strcmp(top, code) == 0) {
		snprintf(why, whylen, "unit: an admin of a unit may not "
		    "retire the unit itself");
		return (403);
	}
	if (u->parent[0] == '\0') {
		snprintf(why, whylen, "unit: the root unit cannot be retired");
		return (422);
	}
	if (u->retired[0] != '\0') {
		snprintf(why, whylen, "unit: %s is already retired since %s "
		    "(successor %s)", u->code, u->retired, u->successor);
		return (409);
	}
	if (strlen(date) != UNIT_DATE_LEN || parse_date(date, &t) == -1) {
		snprintf(why, whylen, "date: want a day as YYYY-MM-DD, e.g. "
		    "2025-07-01");
		return (422);
	}
	if (successor[0] == '\0') {
		snprintf(why, whylen, "successor: required (the unit that "
		    "takes over)");
		return (422);
	}
	if (strcmp(successor, code) == 0) {
		snprintf(why, whylen, "successor: a unit cannot be its own "
		    "successor");
		return (422);
	}
	if ((s = catalog_unit(cat, successor, strlen(successor))) == NULL) {
		snprintf(why, whylen, "successor: no unit %s", successor);
		return (422);
	}
	if (catalog_in_subtree(cat, successor, code)) {
		snprintf(why, whylen, "successor: %s is below %s, which it "
		    "would replace", successor, code);
		return (422);
	}
	if (s->retired[0] != '\0') {
		x = catalog_unit_current(cat, s, INT64_MAX);
		snprintf(why, whylen, "successor: %s is retired since %s; "
		    "name %s instead", s->code, s->retired, x->code);
		return (422);
	}
	if (top[0] != '\0' && !catalog_in_subtree(cat, successor, top)) {
		snprintf(why, whylen, "successor: outside the units this key "
		    "or user may change");
		return (403);
	}
	for (i = 0; i < cat->nunits; i++) {
		x = &cat->units[i];
		if (x != u && x->retired[0] == '\0' &&
		    catalog_in_subtree(cat, x->code, code)) {
			snprintf(why, whylen, "unit: %s below it is still "
			    "active: move or retire it first", x->code);
			return (422);
		}
	}
	catalog_unit_row(u, row);
	strlcpy(row->retired, date, sizeof(row->retired));
	strlcpy(row->successor, successor, sizeof(row->successor));
	return (0);
}
