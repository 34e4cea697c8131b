/*
 * adminword.h: the admin console's words (Vietnamese, as its pages are):
 * unit kinds and roles by name, the fields of audit entries, an audit
 * entry's before and after as field changes, and the English reasons of
 * the checks (which the JSON API keeps) said in Vietnamese for the
 * pages. Pure functions; a code without a word is shown as it is.
 */
#ifndef ADMINWORD_H
#define ADMINWORD_H

#include <stddef.h>

#include <jansson.h>

/* The word of a unit kind ("ward" -> "Phường"), or kind itself. */
const char	*adminword_kind(const char *kind);
/* Every unit kind with its word: a new array of {"code", "word"}. */
json_t		*adminword_kinds(void);
/* A kind typed as its word ("Bệnh viện", "xa") as its code
 * ("hospital", "commune"); anything else as typed. */
const char	*adminword_kind_code(const char *typed);
/* The word of an audit action ("unit.add" -> "Thêm đơn vị"), or it. */
const char	*adminword_action(const char *action);
/* Every audit action with its word: a new array of {"code", "word"}. */
json_t		*adminword_actions(void);
/* The word of a role name ("head" -> "Lãnh đạo đơn vị"), or role. */
const char	*adminword_role(const char *role);
/* The word of a field of a record ("name_vi" -> "Tên tiếng Việt"). */
const char	*adminword_field(const char *field);
/*
 * An audit entry's before and after (JSON values, NULL or null for none)
 * as a new array of {"field", "old", "new"} (texts; "" for none), one
 * per field that differs, in the order of after's keys then before's;
 * for a list (a revocation's keys), one item per element's fields. Kinds
 * and roles in words.
 */
json_t		*adminword_changes(json_t *before, json_t *after);
/*
 * A reason of a check (English, "field: rule") in Vietnamese into out:
 * the field and each known phrase translated, what was typed (after a
 * known phrase) kept. Unknown phrases stay English.
 */
void		 adminword_reason(const char *en, char *out, size_t outlen);

#endif
