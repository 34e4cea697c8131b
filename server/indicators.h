/*
 * indicators.h: the resolution's indicators (schema/indicators.ini, read
 * with inih), loaded and checked once at start against the surveys and
 * the catalogue. A province replaces the file with its own; no code
 * knows an indicator's id.
 *
 * An indicator counts the answers to one question of one survey: those
 * at its levels are satisfied, all of the question's answers are the
 * base. It may be narrowed to some sectors and to units of some kinds
 * (none listed: all, walk-ins included). A service survey's answers are
 * counted under its marked sector (model.h, AGG_SURVEY_MARK): its
 * indicators take those only, the procedure survey's never. An indicator
 * of a survey not loaded is accepted unchecked and has no answers yet.
 */
#ifndef INDICATORS_H
#define INDICATORS_H

#include <stddef.h>

#include "catalog.h"
#include "hl.h"
#include "survey.h"

#define IND_MAX			16	/* indicators in a file */
#define IND_ID_MAX		39	/* INI_NAME_MAX less "indicator " */
#define IND_TEXT_MAX		512	/* bytes of a name or the item */
#define IND_KINDS_MAX		8
#define IND_SECTION		"indicator "
#define IND_HEAD		"resolution"

struct indicator {
	char		 id[IND_ID_MAX + 1];
	struct text	 name;
	char		*item;		/* the resolution's item, free text */
	char		 survey[SURVEY_ID_MAX + 1];
	char		 question[QUESTION_ID_MAX + 1];
	unsigned	 levels;	/* bit L - 1: level L is satisfied */
	int		 collected;	/* survey is a loaded one */
	int		 procedure;	/* survey is the procedure survey */
	int		 scale;		/* the overall's options (5, 3), or 0 */
	size_t		 nsectors;	/* 0: every sector and walk-ins */
	char		 sectors[CATALOG_SECTORS_MAX][SECTOR_CODE_MAX + 1];
	size_t		 nkinds;	/* 0: units of every kind */
	char		 kinds[IND_KINDS_MAX][UNIT_KIND_MAX + 1];
	size_t		 ntargets;
	struct target	 targets[TARGETS_MAX];	/* by year, ascending */
};

struct indicators {
	struct text	 name;		/* the resolution */
	int		 from, to;	/* the years it covers */
	size_t		 n;
	struct indicator ind[IND_MAX];	/* file order */
};

/*
 * Loads path, checking questions and levels against sv and sectors
 * against cat. Returns 0, or -1 with "path:line: reason" in why (an
 * unknown section or key, a bad or repeated id, a missing language, an
 * unknown question or sector, a level out of range, target years not
 * ascending or outside the resolution's years). The caller owns *ip and
 * frees it with indicators_free().
 */
int	 indicators_load(const char *path, const struct surveys *sv,
	    const struct catalog *cat, struct indicators **ip, char *why,
	    size_t whylen);
void	 indicators_free(struct indicators *);
/* Each row of an indicator (TARGET_INDICATOR) over its targets. */
void	 indicators_targets_apply(struct indicators *,
	    const struct target_row *, size_t n);
/*
 * 1 when ind counts answers of this (aggregates') sector and unit kind: a
 * service survey's indicator those under its marked sector "@id" only,
 * a procedure survey's indicator none of those.
 */
int	 indicators_counts(const struct indicator *, const char *sector,
	    const char *kind);

#endif
