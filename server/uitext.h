/*
 * uitext.h: the interface texts of templates/strings.ini (uitext.c).
 */
#ifndef HL_UITEXT_H
#define HL_UITEXT_H

#include <stddef.h>

#include <jansson.h>

#include "hl.h"

/*
 * Reads path into out[lang] (objects key -> text, the caller's), every
 * key of required[0..nrequired) present in [vi] and every key in every
 * language. Returns 0, or -1 with why (nothing in out).
 */
int	 uitext_load(const char *path, const char *const *required,
	    size_t nrequired, json_t *out[LANG_COUNT], char *why,
	    size_t whylen);

#endif
