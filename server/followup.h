/*
 * followup.h: the rules of follow-up items (model.h's struct followup):
 * when one is overdue, who may see and answer it, what a text may be.
 *
 * An item is overdue when it is still open (never answered, or opened
 * again) at the end of its answer_days-th working day after it was
 * opened (workdays.h). The head of the item's unit sees and answers it;
 * once overdue, so does the head of the parent unit (escalation). An
 * admin sees every item of its subtree (every item when it has no
 * unit). Nobody else sees an item.
 */
#ifndef FOLLOWUP_H
#define FOLLOWUP_H

#include <stddef.h>
#include <stdint.h>

#include "catalog.h"
#include "hl.h"
#include "model.h"
#include "workdays.h"

/* What a reader is shown besides the record. */
struct followup_view {
	int64_t	 deadline;	/* seconds: the end of the last day */
	int	 overdue;
	int	 escalated;	/* seen by the parent's head for it */
};

void	 followup_view(const struct workdays *, int answer_days,
	    const struct followup *, int64_t now, struct followup_view *);
/*
 * 1 when a reader of role (ROLE_*) and unit ("" = none) may see and
 * answer f; view->escalated set when only the escalation lets it.
 */
int	 followup_visible(const struct catalog *, const struct followup *,
	    int role, const char *unit, struct followup_view *);
/*
 * A citizen's or a head's text s[0..len): HL_OK; HL_INVALID for an
 * empty one (white space only), HL_TOO_BIG past FOLLOWUP_TEXT_CHARS
 * characters. Encoding and control characters are the parsers' (form.c,
 * json_in.c). why for people.
 */
/*
 * Decision 766's dossiers with a complaint: the distinct dossiers (case
 * hashes) received by the units of unit's subtree ("" = every unit)
 * whose citizen filed a complaint or request between from and to
 * (seconds, from <= filed item's opening < to), into *n. 0 or -1
 * (store_complaint_dossiers()).
 */
struct store;
int	 followup_complaint_dossiers(struct store *, const struct catalog *,
	    const char *unit, int64_t from, int64_t to, uint64_t *n);
enum hl_rc followup_text_check(const char *s, size_t len, int empty_ok,
	    char *why, size_t whylen);

#endif
