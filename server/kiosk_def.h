/*
 * kiosk_def.h: the survey's definition as the kiosk gets it (GET
 * /api/v1/survey), rendered once when the server starts.
 */
#ifndef KIOSK_DEF_H
#define KIOSK_DEF_H

#include <stddef.h>

#include "page.h"
#include "survey.h"

/*
 * The definition as compact JSON: id, version, title, intro,
 * comment_prompt, thanks, levels, reasons, questions (texts as {"vi",
 * "en", "km"}; retired options left out) and "strings": per language the
 * kiosk's interface words from strings.ini. The caller's (free). NULL
 * with why when a word the kiosk uses is not in strings.ini.
 */
char	*kiosk_def_json(const struct survey *, const struct pages *,
	    char *why, size_t whylen);

#endif
