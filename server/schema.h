/*
 * schema.h: the surveys and the indicators in use, with everything
 * compiled from them (the pages and their per-survey parts, the kiosk's
 * survey definitions, the ids the writer counts by), loaded and checked
 * as one whole and swapped as one whole while a server runs (SIGHUP, a
 * survey published from the admin console): a request keeps the set it
 * read until it completes (catswap.c), however many swaps happen.
 * Trap: everything in a set points into the same set; never mix the
 * surveys of one with the pages or kiosk definitions of another.
 */
#ifndef SCHEMA_H
#define SCHEMA_H

#include <stddef.h>

#include "catalog.h"
#include "indicators.h"
#include "page.h"
#include "survey.h"

struct schema {
	struct surveys	 surveys;	/* schema/survey*.ini, or stored */
	struct survey	*sv;		/* surveys.s[0], the procedure survey */
	struct indicators *ind;		/* schema/indicators.ini */
	const char	*ind_ids[IND_MAX];	/* their ids, for the writer */
	const char	*survey_ids[SURVEYS_MAX];	/* the same */
	struct pages	*pg;		/* NULL unless asked for */
	/* GET /api/v1/survey (kiosk_def.c), by surveys.s[] index. */
	char		*kiosk_def[SURVEYS_MAX];
};

/*
 * A survey stored over a file of schema/ (the admin console's
 * versions): its id and its text, in the format of the file.
 */
struct schema_override {
	char		 id[SURVEY_ID_MAX + 1];
	unsigned	 version;
	const char	*text;
	size_t		 len;
};

/*
 * Loads share/schema's surveys (each replaced by the override of its
 * id, when there is one, unless the file's version is higher), checks
 * the indicators against them and the catalogue *catp, then, when with_pages, compiles share/templates and
 * the kiosk's definitions (the pages read *catp at every lookup).
 * Returns 0, or -1 with "path:line: reason" in why. schema_free() frees.
 */
int	 schema_load(const char *share, struct catalog *_Atomic *catp,
	    const struct schema_override *ov, size_t nov, int with_pages,
	    struct schema **, char *why, size_t whylen);
void	 schema_free(struct schema *);
/* The same for catswap_retire_obj(). */
void	 schema_free_obj(void *);
/* The index of sv in s->surveys, or -1. */
int	 schema_index(const struct schema *, const struct survey *sv);

#endif
