#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "kiosk_def.h"
#include "page.h"
#include "survey.h"
#include "util.h"

/*
 * kiosk_def.c: a survey's definition as the kiosk gets it: the
 * questions of schema/survey*.ini (levels: the overall options' levels,
 * three of them on a short scale) and the kiosk's own words of
 * templates/strings.ini, in every language, in one JSON document that
 * the kiosk keeps for when it is offline.
 * Trap: kiosk_def_keys must list every key kiosk/kiosk.js looks up; a key
 * listed here but missing from strings.ini stops the start, a key the
 * kiosk uses but not listed here shows as an empty text (the integration
 * test test_kiosk_strings.py reads kiosk.js to catch that).
 */

/* The words of the kiosk's screens, status line and enrolment. */
static const char *const kiosk_def_keys[] = {
	"lang_name", "language", "optional", "submit", "msg_thanks_title",
	"kiosk_how", "kiosk_walkin", "kiosk_procedure", "kiosk_service",
	"kiosk_why", "procedure",
	"kiosk_why_sub", "kiosk_next", "kiosk_skip", "kiosk_send_now",
	"kiosk_back", "kiosk_cancel", "kiosk_change", "kiosk_confirm",
	"kiosk_your_rating", "kiosk_answered", "kiosk_question_of",
	"kiosk_online", "kiosk_offline", "kiosk_unit_retired",
	"kiosk_queued", "kiosk_refused",
	"kiosk_held", "kiosk_counter", "kiosk_enrol_title",
	"kiosk_enrol_label", "kiosk_enrol_button", "kiosk_enrol_bad",
	"kiosk_enrol_error", "kiosk_revoked",
	"fu_heading", "fu_kind", "fu_kind_complaint", "fu_kind_request",
	"fu_text", "fu_phone", "fu_phone_hint", "fu_consent", "fu_error_text",
	"fu_error_long", "fu_error_phone", "fu_error_consent",
	"kiosk_fu_intro", "kiosk_fu_done", "kiosk_fu_attached"
};

static json_t *
kiosk_def_options(const struct survey_question *q)
{
	json_t	*a = json_array();
	size_t	 i, k;

	for (i = 0; i < q->noptions; i++) {
		k = q->highest_first ? q->noptions - 1 - i : i;
		if (!q->options[k].retired)	/* kept for old answers only */
			json_array_append_new(a, json_pack("{s:s, s:o}", "id",
			    q->options[k].id, "label",
			    text_json(&q->options[k].label, NULL)));
	}
	return (a);
}

/* {"vi": {key: text}, "en": ..., "km": ...}, or NULL with why. */
static json_t *
kiosk_def_strings(const struct pages *pg, char *why, size_t whylen)
{
	json_t	*o, *s;
	int	 l;

	o = json_object();
	for (l = 0; l < LANG_COUNT; l++) {
		if ((s = page_strings(pg, l, kiosk_def_keys,
		    sizeof(kiosk_def_keys) / sizeof(*kiosk_def_keys), why,
		    whylen)) == NULL) {
			json_decref(o);
			return (NULL);
		}
		json_object_set_new(o, lang_code(l), s);
	}
	return (o);
}

char *
kiosk_def_json(const struct survey *sv, const struct pages *pg, char *why,
    size_t whylen)
{
	json_t	*o = NULL, *levels, *qs, *reasons = json_null(), *strings;
	char	*s = NULL;
	size_t	 i;

	if ((strings = kiosk_def_strings(pg, why, whylen)) == NULL)
		return (NULL);
	levels = json_array();
	for (i = 0; i < sv->overall->noptions; i++)
		json_array_append_new(levels, json_pack("{s:i, s:o}", "value",
		    sv->overall->options[i].id[0] - '0', "label",
		    text_json(&sv->overall->options[i].label, NULL)));
	qs = json_array();
	for (i = 0; i < sv->nquestions; i++) {
		const struct survey_question *q = &sv->questions[i];

		if (q == sv->overall || q == sv->reasons)
			continue;
		json_array_append_new(qs, json_pack("{s:s, s:o, s:b, s:o}",
		    "id", q->id, "text", text_json(&q->text, NULL), "required",
		    q->required, "options", kiosk_def_options(q)));
	}
	if (sv->reasons != NULL)
		reasons = json_pack("{s:s, s:o, s:o}", "id", sv->reasons->id,
		    "text", text_json(&sv->reasons->text, NULL), "options",
		    kiosk_def_options(sv->reasons));
	o = json_pack("{s:s, s:i, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, "
	    "s:i}", "id", sv->id, "version", (int)sv->version,
	    "title", text_json(&sv->title, NULL),
	    "intro", text_json(&sv->intro, NULL),
	    "comment_prompt", text_json(&sv->comment_prompt, NULL),
	    "thanks", text_json(&sv->thanks, NULL),
	    "levels", levels, "reasons", reasons, "questions", qs,
	    "strings", strings, "low", SURVEY_LOW_LEVEL);
	/* A service survey asks its own overall question on the start
	 * screen (kiosk_how is the procedure survey's). */
	if (o != NULL && !survey_is_procedure(sv->id))
		json_object_set_new(o, "overall", text_json(&sv->overall->text,
		    NULL));
	if (o == NULL || (s = json_dumps(o, JSON_COMPACT)) == NULL)
		snprintf(why, whylen, "cannot render the survey's definition");
	json_decref(o);
	return (s);
}
