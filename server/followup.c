/*
 * followup.c: the rules of follow-up items (followup.h): overdue,
 * escalation, who sees what, texts.
 * Trap: escalation is worked out when read, from the calendar and the
 * unit tree of the moment: nothing is written when an item becomes
 * overdue, so a changed calendar or tree applies to old items too.
 */
#include <stdio.h>
#include <string.h>

#include "followup.h"
#include "store.h"
#include "util.h"

void
followup_view(const struct workdays *wd, int answer_days,
    const struct followup *f, int64_t now, struct followup_view *v)
{
	memset(v, 0, sizeof(*v));
	v->deadline = workdays_deadline(wd, f->created, answer_days);
	v->overdue = f->state == FOLLOWUP_OPEN && v->deadline != 0 &&
	    now >= v->deadline;
}

int
followup_visible(const struct catalog *cat, const struct followup *f,
    int role, const char *unit, struct followup_view *v)
{
	const struct unit	*u;

	v->escalated = 0;
	if (role & ROLE_ADMIN)
		return (unit[0] == '\0' ||
		    catalog_in_subtree(cat, f->unit, unit));
	if (!(role & ROLE_HEAD) || unit[0] == '\0')
		return (0);
	if (strcmp(f->unit, unit) == 0)
		return (1);
	if (!v->overdue ||
	    (u = catalog_unit(cat, f->unit, strlen(f->unit))) == NULL ||
	    strcmp(u->parent, unit) != 0)
		return (0);
	v->escalated = 1;
	return (1);
}

enum hl_rc
followup_text_check(const char *s, size_t len, int empty_ok, char *why,
    size_t whylen)
{
	size_t	 i;

	if (len > FOLLOWUP_TEXT_MAX ||
	    utf8_chars(s, len) > FOLLOWUP_TEXT_CHARS) {
		snprintf(why, whylen, "text: at most %d characters",
		    FOLLOWUP_TEXT_CHARS);
		return (HL_TOO_BIG);
	}
	for (i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' &&
		    s[i] != '\n')
			break;
	if (i == len && !empty_ok) {
		snprintf(why, whylen, "text: empty");
		return (HL_INVALID);
	}
	return (HL_OK);
}

struct followup_scope {
	const struct catalog	*cat;
	const char		*unit;
};

static int
followup_in_scope(const char *u, void *arg)
{
	const struct followup_scope	*sc = arg;

	return (sc->unit[0] == '\0' || catalog_in_subtree(sc->cat, u,
	    sc->unit));
}

int
followup_complaint_dossiers(struct store *st, const struct catalog *cat,
    const char *unit, int64_t from, int64_t to, uint64_t *n)
{
	struct followup_scope	 sc = { cat, unit != NULL ? unit : "" };

	return (store_complaint_dossiers(st, from, to, followup_in_scope, &sc,
	    n));
}
