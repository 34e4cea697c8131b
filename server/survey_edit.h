/*
 * survey_edit.h: a survey edited while the server runs (the admin
 * console, the admin API): a survey as JSON and back, the draft's
 * checks against the version in use (every text in every language,
 * lengths, ids, questions and options appended only), the survey
 * written as its INI file, and what changed between two versions.
 * Reasons are for people, in Vietnamese.
 */
#ifndef SURVEY_EDIT_H
#define SURVEY_EDIT_H

#include <jansson.h>

#include "buf.h"
#include "hl.h"
#include "survey.h"

#define SURVEY_EDIT_REASON_MAX	256

/*
 * s as JSON: {"id", "version", "texts": {"title": {"vi", "en", "km"},
 * "intro", "intro.received", ..., "comment", "thanks"}, "satisfied",
 * "kinds", "questions": [{"id", "kind", "required", "text": {...},
 * "options": [{"id", "text": {...}, "retired"}]}]}; the caller's.
 */
json_t	*survey_edit_json(const struct survey *s);

/*
 * A draft (the JSON above, untrusted) of the survey cur: its "version"
 * must be cur's (HL_CONFLICT otherwise: another version came first).
 * Every text of cur is in the draft in every language; the questions
 * and options of cur are there in their order, with their ids and
 * kinds (an option is retired, never removed); new questions (choice,
 * or multi as the reasons question when cur has none) and options come
 * after them. Texts are trimmed and their spaces joined, as the file
 * would read them. On HL_OK, *text (the caller's, free()) is the INI
 * file of version cur->version + 1 and *sp (survey_free()) the survey
 * it loads as. HL_INVALID with why.
 */
enum hl_rc survey_edit_draft(const struct survey *cur, const json_t *draft,
	    char **text, size_t *len, struct survey **sp, char *why,
	    size_t whylen);

/*
 * s written as its INI file (what survey_load() reads back as s): long
 * texts continued on indented lines at spaces. -1 with why when a text
 * cannot be written so (a word too long for a line).
 */
int	 survey_edit_ini(const struct survey *s, struct buf *out, char *why,
	    size_t whylen);

/*
 * What changed from a to b (a NULL: b whole), as two JSON objects
 * {"id", "version", "texts": {"title.vi": ..., "question.Q.text.km":
 * ..., "question.Q.option.O.en": ..., "question.Q.retired": "O ..."}}
 * holding only the keys that differ; the caller's.
 */
void	 survey_edit_diff(const struct survey *a, const struct survey *b,
	    json_t **before, json_t **after);

#endif
