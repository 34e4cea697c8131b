/*
 * survey.h: survey definitions (schema/survey*.ini, read with inih) and
 * the check of a response's answers against one.
 *
 * Every question's answer is stored as a level: the 1-based index of the
 * chosen option (for the overall question, 1 = rất không hài lòng ...
 * 5 = rất hài lòng). Options are therefore append-only across versions.
 * The reasons question is multi-choice and asked when the overall answer
 * is at most SURVEY_LOW_LEVEL; every chosen reason is one answer.
 */
#ifndef SURVEY_H
#define SURVEY_H

#include <stddef.h>
#include <stdint.h>

#include "dossier.h"
#include "hl.h"
#include "inifile.h"

#define SURVEY_QUESTIONS_MAX	12
/*
 * The surveys: survey.ini is the procedure survey, its id "procedure"
 * (answers stored with "default", its id before, are its); each
 * survey-NAME.ini is a service survey (patients, pupils' families).
 * A service survey's answers are counted under the sector slot "@id"
 * (model.h): its id is one character shorter than a sector code.
 */
#define SURVEY_PROCEDURE	"procedure"
#define SURVEY_PROCEDURE_OLD	"default"
#define SURVEY_SERVICE_ID_MAX	(SECTOR_CODE_MAX - 1)
#define SURVEYS_MAX		4
/* Unit kinds a service survey is the default of (units.csv's kind). */
#define SURVEY_KINDS_MAX	8
#define SURVEY_KIND_MAX		15
/* A short overall scale: three options (national practice). */
#define SURVEY_LEVELS_SHORT	3
#define SURVEY_OPTIONS_MAX	12
#define SURVEY_LEVELS		5	/* the overall scale */
#define SURVEY_LOW_LEVEL	2	/* at or below: ask for reasons */
#define SURVEY_OVERALL		"overall"
#define SURVEY_REASONS		"reasons"
#define SURVEY_COMMENT		"comment"

enum question_kind {
	QK_SCALE,	/* the overall question: 5 levels, or 3 of them */
	QK_CHOICE,	/* one option */
	QK_MULTI	/* several options (reasons) */
};

struct survey_option {
	char		 id[QUESTION_ID_MAX + 1];
	struct text	 label;
	int		 retired;	/* no longer asked; old answers keep it */
};

struct survey_question {
	char			 id[QUESTION_ID_MAX + 1];
	enum question_kind	 kind;
	int			 required;
	/* order = highest-first: shown from the last option to the first
	 * (a scale written from worst to best shown best first, as the
	 * overall question is); stored answers keep the positions. */
	int			 highest_first;
	struct text		 text;
	size_t			 noptions;
	struct survey_option	 options[SURVEY_OPTIONS_MAX];
};

struct survey {
	char			 id[SURVEY_ID_MAX + 1];
	unsigned		 version;
	struct text		 title;
	struct text		 intro;
	/* The intro of a ticket at a stage of its dossier (intro.STAGE.L),
	 * all NULL when the file has none: [STAGE_RETURNED] is unused. */
	struct text		 intro_stage[STAGE_COUNT];
	struct text		 comment_prompt;
	struct text		 thanks;
	size_t			 nquestions;	/* [0] is the overall question */
	struct survey_question	 questions[SURVEY_QUESTIONS_MAX];
	const struct survey_question *overall;
	const struct survey_question *reasons;	/* NULL when none */
	/*
	 * The overall levels counted as satisfied (bit L - 1). Levels are
	 * those of the five-level scale: a three-level survey's options
	 * have as ids the levels they count at (2 4 5: Không hài lòng,
	 * Hài lòng, Rất hài lòng), so every count stays on one scale.
	 */
	unsigned		 satisfied;
	/* A service survey's: the units of these kinds ask it. */
	size_t			 nkinds;
	char			 kinds[SURVEY_KINDS_MAX][SURVEY_KIND_MAX + 1];
};

/*
 * A version of a survey an admin published, kept in the store
 * (`catalog`, type CATROW_SURVEY): its INI text, read with the file's
 * rules; the newest of an id is used over the file of that id.
 */
#define CATROW_SURVEY		's'
#define SURVEY_ROW_WHO_MAX	64
struct survey_row {
	char		 id[SURVEY_ID_MAX + 1];
	uint32_t	 version;
	int64_t		 at;		/* published, seconds */
	char		 who[SURVEY_ROW_WHO_MAX + 1];
	char		*text;		/* NUL-terminated; the owner's */
	size_t		 len;
};

/* Every survey loaded; s[0] is the procedure survey. */
struct surveys {
	size_t		 n;
	struct survey	*s[SURVEYS_MAX];
};

/* One answer: question id and level (1-based option index). */
struct answer {
	char	 q[QUESTION_ID_MAX + 1];
	uint8_t	 level;
};

#define RESPONSE_ANSWERS_MAX	32

/* Longest text of a survey, in bytes, after joining continuation lines. */
#define SURVEY_TEXT_MAX		1024

/*
 * Loads and validates path. Returns 0, or -1 with "file:line: reason" in
 * why. The caller owns *sp and frees it with survey_free().
 */
int	 survey_load(const char *path, struct survey **sp,
	    char *why, size_t whylen);
/*
 * As survey_load() on text[0..len) (untrusted, need not end in NUL; at
 * most INI_FILE_MAX bytes), named name in why. For tests and fuzzers.
 */
int	 survey_load_mem(const char *name, const char *text, size_t len,
	    struct survey **sp, char *why, size_t whylen);
void	 survey_free(struct survey *);
/*
 * Loads dir/survey.ini (id SURVEY_PROCEDURE) and every dir/survey-*.ini
 * (service surveys, in name order; ids unique, at most
 * SURVEY_SERVICE_ID_MAX characters) into set. Returns 0, or -1 with
 * "file:line: reason" in why; set is then empty. surveys_clear() frees.
 */
int	 surveys_load(const char *dir, struct surveys *set, char *why,
	    size_t whylen);
void	 surveys_clear(struct surveys *);
/* The survey of id (SURVEY_PROCEDURE_OLD: the procedure survey), or
 * NULL. */
const struct survey *surveys_find(const struct surveys *, const char *id,
	    size_t idlen);
/*
 * The survey that units of kind ask by default: the service survey
 * naming the kind, else the procedure survey (s[0]).
 */
const struct survey *surveys_for_kind(const struct surveys *,
	    const char *kind);
/* 1 when id names the procedure survey (its id or its former one). */
int	 survey_is_procedure(const char *id);
/*
 * The sector that a service survey's tickets and answers are stored and
 * counted under, AGG_SURVEY_MARK and the id ("@health"), into out; ""
 * for the procedure survey (its sectors are the procedures').
 */
void	 survey_sector(const struct survey *, char out[SECTOR_CODE_MAX + 1]);
/* The option index (0-based) of the overall level, or -1. */
int	 survey_overall_index(const struct survey *, int level);
const struct survey_question *survey_question(const struct survey *,
	    const char *id, size_t idlen);
/* Option level (1-based) of option id in q, or 0 when unknown. */
int	 survey_option_level(const struct survey_question *q,
	    const char *id, size_t idlen);
/*
 * Checks answers against s: overall present and 1..5, every question
 * known, levels in range, a single-choice question answered at most once,
 * reasons only when overall is low. Returns HL_OK or HL_INVALID with a
 * reason naming the question in why.
 */
enum hl_rc survey_check(const struct survey *s, const struct answer *a,
	    size_t n, char *why, size_t whylen);

/*
 * Drops from a[0..*n) the answers to questions not asked with the
 * overall level given (the reasons when overall is above
 * SURVEY_LOW_LEVEL), keeping the order of the others; *n is updated.
 * Returns how many were dropped. The phone form shows the reasons to
 * everyone, marked "if you were not satisfied": a citizen who ticks one
 * and then rates 3 keeps the rating.
 */
size_t	 survey_keep_asked(const struct survey *s, struct answer *a,
	    size_t *n);

#endif
