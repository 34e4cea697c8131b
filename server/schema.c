/*
 * schema.c: the surveys and indicators in use as one set, loaded,
 * checked and compiled (pages, kiosk definitions) whole, so that a
 * swap never shows a page of one survey version with the kiosk
 * definition of another.
 * Trap: a survey stored over its file keeps the file's place (index):
 * the procedure survey is always s[0].
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kiosk_def.h"
#include "schema.h"
#include "util.h"

void
schema_free(struct schema *s)
{
	size_t	 i;

	if (s == NULL)
		return;
	for (i = 0; i < SURVEYS_MAX; i++)
		free(s->kiosk_def[i]);
	if (s->pg != NULL)
		page_free(s->pg);
	indicators_free(s->ind);
	surveys_clear(&s->surveys);
	free(s);
}

void
schema_free_obj(void *p)
{
	schema_free(p);
}

int
schema_index(const struct schema *s, const struct survey *sv)
{
	size_t	 i;

	for (i = 0; i < s->surveys.n; i++)
		if (s->surveys.s[i] == sv)
			return ((int)i);
	return (-1);
}

/* Each stored survey over the file of its id; the id must be one. */
static int
schema_overrides(struct surveys *set, const struct schema_override *ov,
    size_t nov, char *why, size_t whylen)
{
	struct survey	*sv;
	char		 name[SURVEY_ID_MAX + 32];
	size_t		 i, j;

	for (i = 0; i < nov; i++) {
		for (j = 0; j < set->n; j++)
			if (strcmp(set->s[j]->id, ov[i].id) == 0)
				break;
		snprintf(name, sizeof(name), "stored survey %s", ov[i].id);
		if (j == set->n) {
			snprintf(why, whylen, "%s: no schema/ file has that "
			    "id", name);
			return (-1);
		}
		/* A file raised past the stored version wins. */
		if (set->s[j]->version > ov[i].version)
			continue;
		if (survey_load_mem(name, ov[i].text, ov[i].len, &sv, why,
		    whylen) == -1)
			return (-1);
		if (strcmp(sv->id, ov[i].id) != 0 || (j > 0 &&
		    strcmp(sv->id, set->s[j]->id) != 0)) {
			snprintf(why, whylen, "%s: its text has the id %s",
			    name, sv->id);
			survey_free(sv);
			return (-1);
		}
		survey_free(set->s[j]);
		set->s[j] = sv;
	}
	return (0);
}

int
schema_load(const char *share, struct catalog *_Atomic *catp,
    const struct schema_override *ov, size_t nov, int with_pages,
    struct schema **sp, char *why, size_t whylen)
{
	struct schema	*s;
	char		 p[PATH_MAX + 32];
	size_t		 i;
	int		 rc = -1;

	*sp = NULL;
	s = xcalloc(1, sizeof(*s));
	snprintf(p, sizeof(p), "%s/schema", share);
	if (surveys_load(p, &s->surveys, why, whylen) == -1)
		goto out;
	if (schema_overrides(&s->surveys, ov, nov, why, whylen) == -1)
		goto out;
	s->sv = s->surveys.s[0];
	for (i = 0; i < s->surveys.n; i++)
		s->survey_ids[i] = s->surveys.s[i]->id;
	snprintf(p, sizeof(p), "%s/schema/indicators.ini", share);
	if (indicators_load(p, &s->surveys, *catp, &s->ind, why,
	    whylen) == -1)
		goto out;
	for (i = 0; i < s->ind->n; i++)
		s->ind_ids[i] = s->ind->ind[i].id;
	if (with_pages) {
		snprintf(p, sizeof(p), "%s/templates", share);
		if (page_init(&s->pg, p, &s->surveys, catp, why,
		    whylen) == -1)
			goto out;
		for (i = 0; i < s->surveys.n; i++)
			if ((s->kiosk_def[i] = kiosk_def_json(s->surveys.s[i],
			    s->pg, why, whylen)) == NULL)
				goto out;
	}
	*sp = s;
	s = NULL;
	rc = 0;
out:
	schema_free(s);
	return (rc);
}
