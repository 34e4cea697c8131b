/*
 * catalog.h: sectors and their targets (schema/sectors.ini), the unit tree
 * (schema/units.csv), the procedure catalogue (schema/procedures.csv) and
 * the services of the service surveys (schema/services.csv), loaded and
 * validated once at start. Lookups are binary searches over
 * arrays sorted by code; nothing here changes after catalog_load().
 *
 * Units form a tree of any depth (province -> commune today, province ->
 * district -> commune before 2025): nothing may assume a number of levels.
 */
#ifndef CATALOG_H
#define CATALOG_H

#include <stddef.h>
#include <stdint.h>

#include "hl.h"

#define CATALOG_SECTORS_MAX	32
#define UNIT_KIND_MAX		15
#define UNIT_HOTLINE_MIN	3	/* digits, and characters */
#define UNIT_HOTLINE_MAX	32
#define CATALOG_UNITS_MAX	100000
#define CATALOG_PROCS_MAX	100000
#define CATALOG_NAME_MAX	512		/* bytes, one language */
#define CATALOG_FILE_MAX	(16 * 1024 * 1024)	/* one CSV file */
#define CATALOG_SYNONYMS_MAX	1000
#define CATALOG_SERVICES_MAX	1000
#define SYNONYM_ABBR_MAX	32		/* bytes */
#define UNIT_DATE_LEN		10		/* YYYY-MM-DD */

struct target {
	int	 year;
	double	 percent;	/* 0..100 */
};

#define TARGETS_MAX	4

/*
 * A target an admin set (the console, the admin API), kept in the store
 * (`catalog`, type CATROW_TARGET) over the one of the same year in
 * sectors.ini or indicators.ini: of an indicator, a sector or all
 * sectors together ([overall], code ""). In tenths of a percent.
 */
#define CATROW_TARGET		't'
#define TARGET_INDICATOR	'i'
#define TARGET_SECTOR		's'
#define TARGET_OVERALL		'o'
#define TARGET_CODE_MAX		39	/* an indicator's id, IND_ID_MAX */
#define TARGET_WHO_MAX		64
struct target_row {
	char	 kind;				/* TARGET_* */
	char	 code[TARGET_CODE_MAX + 1];
	int	 year;
	int	 tenths;			/* 0..1000 */
	int64_t	 at;
	char	 who[TARGET_WHO_MAX + 1];
};

/*
 * Sets the target of year in ts[0..*n) (years ascending), replacing the
 * one of that year or inserting it in its place; -1 when a new year
 * would make more than TARGETS_MAX.
 */
int	 catalog_target_set(struct target *ts, size_t *n, int year,
	    double percent);

struct sector {
	char		 code[SECTOR_CODE_MAX + 1];
	struct text	 name;
	size_t		 ntargets;
	struct target	 targets[TARGETS_MAX];	/* by year, ascending */
};

/*
 * Names: the Vietnamese and English names are required. An empty Khmer
 * name in units.csv or procedures.csv falls back to the Vietnamese one:
 * name.s[LANG_KM] then holds a copy of name.s[LANG_VI], so every pointer
 * is set and callers need no fallback of their own.
 */
struct unit {
	char		 code[UNIT_CODE_MAX + 1];
	char		 parent[UNIT_CODE_MAX + 1];	/* "" for the root */
	char		 kind[UNIT_KIND_MAX + 1];	/* province, commune, ward, ... */
	int		 depth;				/* root = 0 */
	struct text	 name;
	char		 hotline[UNIT_HOTLINE_MAX + 1];	/* "" when none */
	/*
	 * Retired: from local midnight of retired (YYYY-MM-DD) on, the
	 * unit takes no new tickets, kiosks or counters; successor (never
	 * "" then) takes its place in the current tree. "" when active.
	 */
	char		 retired[UNIT_DATE_LEN + 1];
	char		 successor[UNIT_CODE_MAX + 1];
};

/*
 * aliases: what else a clerk may type to find the procedure, from
 * synonyms.csv: the abbreviations whose words are in its Vietnamese name
 * ("GPXD" for "Cấp giấy phép xây dựng ...") and the words of the
 * abbreviations written in its name. Borrowed from the catalog.
 */
struct procedure {
	char		 code[PROC_CODE_MAX + 1];
	char		 sector[SECTOR_CODE_MAX + 1];
	struct text	 name;
	size_t		 naliases;
	const char	**aliases;
	/* Withdrawn (bãi bỏ) from local midnight of this day: no new
	 * tickets; "" in force. */
	char		 withdrawn[UNIT_DATE_LEN + 1];
};

/*
 * A service of a service survey (an outpatient visit, an enrolment): what
 * a clerk at a hospital or a school picks instead of a procedure. The
 * survey is an id of schema/survey-*.ini, checked by app.c once the
 * surveys are loaded (line: its line in services.csv).
 */
struct service {
	char		 code[SERVICE_CODE_MAX + 1];
	char		 survey[SURVEY_ID_MAX + 1];
	struct text	 name;
	int		 line;
};

/* A row of synonyms.csv, as written and folded (fold_text()). */
struct synonym {
	char		*abbr;		/* "ĐKKD" */
	char		*words;		/* "đăng ký kinh doanh" */
	char		*abbr_fold;	/* "dkkd" */
	char		*words_fold;	/* "dang ky kinh doanh" */
};

struct catalog {
	size_t		  nsectors;
	struct sector	  sectors[CATALOG_SECTORS_MAX];	/* file order */
	struct sector	  overall;	/* "all sectors" targets ([overall]),
					   code "overall" */
	size_t		  nunits;
	struct unit	 *units;	/* sorted by code */
	size_t		  nprocs;
	struct procedure *procs;	/* sorted by code */
	size_t		  nsyns;
	struct synonym	 *syns;		/* file order */
	size_t		  nservices;
	struct service	 *services;	/* file order */
};

/*
 * Loads sectors.ini, units.csv, procedures.csv and, when present,
 * synonyms.csv and services.csv from dir. Returns 0, or -1 with
 * "file:line: reason" in why (duplicate codes, unknown parent or sector,
 * a cycle, a missing language, a bad target, a bad or repeated
 * synonym...).
 */
/*
 * A row of units.csv or procedures.csv kept in the store: added or
 * changed by an admin while the server runs (schema/STORAGE.md,
 * catalog). It is added to the files' rows, or replaces the row of the
 * same code (a rename, a new kind or parent, a new sector).
 */
#define CATROW_UNIT	'u'
#define CATROW_PROC	'p'

struct catrow {
	char	 type;				/* CATROW_* */
	char	 code[UNIT_CODE_MAX + 1];	/* PROC_CODE_MAX alike */
	char	 parent[UNIT_CODE_MAX + 1];	/* a unit's, "" the root */
	char	 kind[UNIT_KIND_MAX + 1];	/* a unit's */
	char	 sector[SECTOR_CODE_MAX + 1];	/* a procedure's */
	char	 name[LANG_COUNT][CATALOG_NAME_MAX + 1];	/* km "" = vi */
	char	 hotline[UNIT_HOTLINE_MAX + 1];	/* a unit's, "" none */
	char	 retired[UNIT_DATE_LEN + 1];	/* a unit's retirement, a
						   procedure's withdrawal;
						   "" none */
	char	 successor[UNIT_CODE_MAX + 1];	/* a retired unit's */
};
_Static_assert(PROC_CODE_MAX == UNIT_CODE_MAX, "one code slot");

/*
 * catalog_load() with rows from the store over the files' (rows[0..n),
 * in any order); a row that breaks a rule is named "unit CODE: reason"
 * or "procedure CODE: reason" in why.
 */
int	 catalog_load_rows(const char *dir, const struct catrow *rows,
	    size_t n, struct catalog **cp, char *why, size_t whylen);
/* A unit or a procedure of a catalogue as a row (names resolved). */
void	 catalog_unit_row(const struct unit *, struct catrow *);
void	 catalog_proc_row(const struct procedure *, struct catrow *);
int	 catalog_load(const char *dir, struct catalog **cp,
	    char *why, size_t whylen);
void	 catalog_free(struct catalog *);
/* Each target row of a sector or of all sectors over the catalogue's. */
void	 catalog_targets_apply(struct catalog *, const struct target_row *,
	    size_t n);
const struct sector *catalog_sector(const struct catalog *,
	    const char *code, size_t len);
const struct unit *catalog_unit(const struct catalog *,
	    const char *code, size_t len);
/* The root of the unit tree (the province or city); NULL without units. */
const struct unit *catalog_root(const struct catalog *);
const struct procedure *catalog_procedure(const struct catalog *,
	    const char *code, size_t len);
const struct service *catalog_service(const struct catalog *,
	    const char *code, size_t len);
/*
 * 1 when the unit code u (NUL-terminated) is top or lies below it; 0 for
 * an unknown u. An empty top is the whole tree: every known unit.
 */
int	 catalog_in_subtree(const struct catalog *, const char *u,
	    const char *top);
/*
 * 1 when u is retired at time now (its date's local midnight has come),
 * 0 when active or retiring later.
 */
int	 catalog_unit_retired(const struct unit *u, int64_t now);
/*
 * The unit that stands for u at time now: u itself when active, else the
 * end of its chain of successors retired by now (never NULL for a unit
 * of the catalogue: the chains are checked at load).
 */
/* 1 when p is withdrawn at time now. */
int	 catalog_proc_withdrawn(const struct procedure *p, int64_t now);
const struct unit *catalog_unit_current(const struct catalog *,
	    const struct unit *u, int64_t now);

#endif
