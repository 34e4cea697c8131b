/*
 * retire.h: retired units: the checks of a retirement (a day, a
 * successor that is active, not the unit, not below it; no active unit
 * left below it) and the words of a refusal that names the successor
 * (new tickets, kiosks and counters of a retired unit).
 */
#ifndef RETIRE_H
#define RETIRE_H

#include <stddef.h>
#include <stdint.h>

#include "catalog.h"

/*
 * Whether unit code u (NUL-terminated) is retired at now: 1 with why
 * ("unit X (name) was retired on D: its successor is Y (name) ..."), 0
 * when active or unknown.
 */
int	 retire_refused(const struct catalog *, const char *u, int64_t now,
	    char *why, size_t whylen);

/*
 * A request to retire unit code on date (YYYY-MM-DD) into successor,
 * against the catalogue in use; top is the requester's unit ("" the
 * whole province). Returns 0 with row filled (the unit's row, retired
 * and successor set), or the HTTP status (403, 404, 409, 422) with why.
 */
unsigned retire_check(const struct catalog *, const char *code,
	    const char *date, const char *successor, const char *top,
	    struct catrow *row, char *why, size_t whylen);

#endif
