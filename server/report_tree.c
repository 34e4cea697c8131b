/*
 * report_tree.c: which tree a report counts units in. As recorded (the
 * default), every answer stays under the unit it was given to, and a
 * retired unit is a row of its own, marked retired since its day. In the
 * current tree, a unit retired by the report's time is no row: its
 * answers count under the end of its chain of successors (A -> B -> C
 * when B retired too), and roll up from there, so no answer is counted
 * twice and none is lost.
 * Trap: the map is by catalogue index; a unit's answers are read by its
 * own code (the aggregates keep the code they were written under), then
 * added to its mapped unit's row and that unit's ancestors.
 */
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "report_priv.h"
#include "util.h"

int
report_tree_parse(const char *s, int *tree)
{
	if (s == NULL || s[0] == '\0' || strcmp(s, "recorded") == 0)
		*tree = REPORT_TREE_RECORDED;
	else if (strcmp(s, "current") == 0)
		*tree = REPORT_TREE_CURRENT;
	else
		return (-1);
	return (0);
}

const char *
report_tree_name(int tree)
{
	return (tree == REPORT_TREE_CURRENT ? "current" : "recorded");
}

const struct unit *
report_tree_unit(const struct report *rep, const char *code)
{
	const struct unit	*u;

	u = catalog_unit(rep->cat, code, strnlen(code, UNIT_CODE_MAX + 1));
	if (u == NULL || rep->tree_map == NULL)
		return (u);
	return (&rep->cat->units[rep->tree_map[u - rep->cat->units]]);
}

int *
report_tree_map(const struct catalog *cat, int tree, int64_t now)
{
	const struct unit	*u;
	int			*map;
	size_t			 i;

	map = xcalloc(cat->nunits > 0 ? cat->nunits : 1, sizeof(*map));
	for (i = 0; i < cat->nunits; i++) {
		u = &cat->units[i];
		if (tree == REPORT_TREE_CURRENT)
			u = catalog_unit_current(cat, u, now);
		map[i] = (int)(u - cat->units);
	}
	return (map);
}
