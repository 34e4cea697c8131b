/*
 * report.h: the satisfaction report of a period: a month, a quarter, a
 * year or a range of whole months. report_build() fills one struct
 * report from the stored monthly sums and rollups, added month by month
 * (a few ranges in one read snapshot, never a scan of responses; unit
 * rows carry the period and the one before only) and the newest comments
 * of the period (read backwards from its end in growing windows, so that
 * a busy month is not read whole); the renderers turn it into JSON, CSV
 * (UTF-8 with a BOM), XLSX and HTML. A period is provisional until
 * month_closes() of its last month: late answers may still come.
 *
 * Figures: satisfied = top two levels of the overall question among all
 * its answers but those of responses flagged suspect (their count and
 * the rate with them are shown beside); a 95% Wilson interval; a target
 * is met when the whole interval is at or above it, not met when the
 * whole interval is below, inconclusive otherwise; beside it the
 * probability that the true rate reaches the target under a Jeffreys
 * prior, Beta(s + 1/2, n - s + 1/2).
 * No answers means "no data" (JSON null), never 0% or NaN. The response
 * rate is that of the tickets issued in the month: answered (whenever)
 * over issued, never above 100%.
 *
 * Walk-in kiosk answers (no ticket, so no procedure) count in their
 * unit's and the overall totals and in no sector; they have a row of
 * their own ("walkin") with no targets. Units are ranked among the
 * units of their own depth; the scope's top unit is the total, never
 * ranked.
 *
 * The resolution's indicators (schema/indicators.ini, report_ind.c) are
 * counted from the aggregates per month, for the scope and each unit,
 * and judged as the rows are against their target in force.
 */
#ifndef REPORT_H
#define REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "catalog.h"
#include "dossier.h"
#include "hl.h"
#include "model.h"
#include "survey.h"

struct store;
struct indicators;
struct report_stages;

#define REPORT_MONTHS		12	/* a month's trend, with the month */
#define REPORT_RANGE_MAX	36	/* months of a range */
#define REPORT_TREND_MAX	REPORT_RANGE_MAX	/* months of a trend */
#define REPORT_PERIOD_STR	32	/* "YYYY-MM..YYYY-MM", its label */
#define REPORT_MIN_DEFAULT	30	/* fewer answers: not ranked */
#define REPORT_MIN_MAX		1000000
#define REPORT_COMMENTS_MAX	200	/* newest shown */
#define REPORT_PRINT_COMMENTS	30	/* printed, the lowest ratings first */
#define REPORT_PRINT_AGENCIES	12	/* indicators per agency: printed */
#define REPORT_Z		1.959963984540054	/* 95% two-sided */
#define REPORT_SAT_LEVEL	4	/* levels 4-5 are satisfied */
#define REPORT_UNSAT_LEVEL	2	/* levels 1-2 are unsatisfied */
#define REPORT_OUT_MAX		(16u * 1024 * 1024)	/* any rendering */

/*
 * Counts of one scope (a sector, a unit or all) in one month. The
 * figures (levels to unsatisfied) leave out the answers of responses
 * flagged suspect; those are in suspect_levels, shown beside them.
 */
struct report_fig {
	uint64_t	 levels[SURVEY_LEVELS];	/* overall answers by level */
	uint64_t	 responses;		/* overall answers */
	uint64_t	 satisfied;
	uint64_t	 unsatisfied;
	uint64_t	 issued;		/* tickets issued */
	uint64_t	 channels[CHANNEL_COUNT];
	uint64_t	 suspect;		/* responses flagged */
	/* Of the tickets issued in the month, those answered (so far). */
	uint64_t	 answered;
	/* Overall answers of the suspect responses, by level. */
	uint64_t	 suspect_levels[SURVEY_LEVELS];
};

/* A sector, "overall", or a unit: the period, the one before, and the
 * trend's months (rep->months[]; overall, sector and walk-in rows only:
 * NULL for a unit). */
struct report_row {
	char			 code[UNIT_CODE_MAX + 1];
	const struct text	*name;		/* NULL for an unknown code */
	const struct sector	*targets;	/* whose targets apply */
	const struct unit	*unit;		/* unit rows only */
	struct report_fig	 cur;
	struct report_fig	 prev;
	struct report_fig	*m;		/* rep->nmonths, owned */
};

/* Whole months from..to (YYYYMM, both included). */
enum report_kind {
	RP_MONTH = 0,
	RP_QUARTER,
	RP_YEAR,
	RP_RANGE
};
struct report_period {
	enum report_kind	 kind;
	uint32_t		 from;
	uint32_t		 to;
};

struct report_comment {
	int64_t		 answered;
	uint64_t	 key;
	char		 sector[SECTOR_CODE_MAX + 1];
	char		 unit[UNIT_CODE_MAX + 1];
	char		 procedure[PROC_CODE_MAX + 1];	/* "" for a walk-in */
	int		 rating;	/* overall level, 0 = none */
	char		*text;
};

/*
 * A row of the section by counter and officer (report_opts.desks): the
 * tickets issued in the period at a unit's one-stop counter or by an
 * officer's key, and their answers, suspect ones apart (levels,
 * responses and satisfied leave them out). code "" is the counter or
 * officer not known.
 */
struct report_desk {
	char		 unit[UNIT_CODE_MAX + 1];	/* a counter's */
	size_t		 unit_index;			/* in units[] */
	char		 code[COUNTER_MAX + 1];	/* counter, or key id */
	char		 name[KEY_NAME_MAX + 1];	/* an officer's */
	uint64_t	 issued;
	uint64_t	 answered;		/* of issued, whenever */
	uint64_t	 levels[SURVEY_LEVELS];
	uint64_t	 responses;
	uint64_t	 satisfied;
	uint64_t	 suspect;
};

/*
 * Follow-ups of a unit in the period (report_fu.c): items opened in it
 * (received), of them answered, answered by their deadline, the median
 * time from opening to the first answer (seconds, -1 with none), and the
 * unit's items overdue at the time of the report, whenever opened.
 */
struct report_fu {
	uint64_t	 received;
	uint64_t	 answered;
	uint64_t	 in_time;
	int64_t		 median_secs;
	uint64_t	 overdue_now;
};

struct workdays;

struct report_opts {
	uint32_t	 month;		/* YYYYMM, when period is NULL */
	const struct report_period *period;	/* NULL: the month */
	int64_t		 now;		/* 0: now_sec(); for provisional */
	const char	*unit;		/* NULL or "": the whole province */
	const char	*sector;	/* NULL or "": every sector */
	uint64_t	 min_responses;	/* 0: REPORT_MIN_DEFAULT */
	int		 no_comments;	/* skip the responses read */
	const struct indicators *ind;	/* NULL: no indicators */
	/* The section by counter and officer: a unit's report only, for
	 * those allowed to see it (the unit's head, an admin). */
	int		 desks;
	/* The follow-ups' figures: with a calendar (NULL: none) and the
	 * working days to answer. */
	const struct workdays *wd;
	int		 answer_days;
	/* REPORT_TREE_*: units as recorded, or in the current tree. */
	int		 tree;
};

/*
 * The tree a report counts units in (report_tree.c): as recorded (a
 * retired unit keeps its own figures, marked retired), or the current
 * tree (a unit retired by the report's time counts under the end of its
 * chain of successors and has no row).
 */
#define REPORT_TREE_RECORDED	0
#define REPORT_TREE_CURRENT	1
/* "recorded" (or NULL, "") or "current" into *tree; -1 otherwise. */
int	 report_tree_parse(const char *s, int *tree);
const char *report_tree_name(int tree);

/*
 * One indicator's answers in one scope: all of them, at its levels, and
 * at levels 3 to 5 (of a five-level overall question: the share that
 * compares with surveys on the three-level scale of national practice,
 * where "Hài lòng" takes in the middle of five).
 */
#define REPORT_MID_LEVEL	3	/* "Bình thường" of five */
struct report_ind_fig {
	uint64_t	 responses;
	uint64_t	 satisfied;
	uint64_t	 mid_up;
};

/*
 * Decision 766/QĐ-TTg's satisfaction ratio, from the dossiers of the
 * one-stop software (report_766.c): (dossiers - those rated
 * dissatisfied, with a complaint, or late) / dossiers, each dossier
 * subtracted once whatever it has. A period's dossiers are those
 * returned or refused in it, and those still open whose due date fell
 * in it and has passed (late). Rated dissatisfied: an answer at levels
 * 1-2 of the overall question through a ticket of the case (any stage),
 * suspect answers left out; walk-ins and tickets without a case are
 * never dossiers. Per stage: the tickets of those dossiers at that
 * stage, answered, dissatisfied. Imported monthly statistics (hailong
 * dossiers import) add their settled and refused dossiers, the late
 * ones late, for the months, agencies and procedures that no event
 * covers (never both).
 */
struct report_766 {
	uint64_t	 dossiers;
	uint64_t	 returned;
	uint64_t	 refused;
	uint64_t	 open_late;
	uint64_t	 dissatisfied;
	uint64_t	 complaints;
	uint64_t	 late;
	uint64_t	 against;	/* any of the three, once */
	/* Of dossiers, those of imported monthly statistics rows (no
	 * ticket: never rated); rows left out, their month, agency and
	 * procedure covered by events. */
	uint64_t	 imported;
	uint64_t	 import_rows_overlapped;
	uint64_t	 asked[STAGE_COUNT];
	uint64_t	 answered[STAGE_COUNT];
	uint64_t	 stage_dissatisfied[STAGE_COUNT];
};

struct report {
	uint32_t		 month;		/* the period's last month */
	struct report_period	 period;
	struct report_period	 previous;	/* as long, just before */
	/* Late answers may still come until final_at (month_closes()). */
	int			 provisional;
	int64_t			 final_at;
	size_t			 nmonths;
	uint32_t		 months[REPORT_TREND_MAX];	/* ascending */
	char			 unit[UNIT_CODE_MAX + 1];	/* "" = all */
	char			 sector[SECTOR_CODE_MAX + 1];	/* "" = all */
	uint64_t		 min_responses;
	const struct catalog	*cat;
	const struct survey	*sv;
	size_t			 nsectors;
	struct report_row	*sectors;	/* catalogue order */
	struct report_row	 overall;
	/* Walk-in kiosk answers: in overall and the units, in no sector. */
	struct report_row	 walkin;
	size_t			 nunits;
	struct report_row	*units;		/* the scope's subtree */
	int			 tree;		/* REPORT_TREE_* */
	/* Catalogue unit -> the catalogue unit it counts under. */
	int			*tree_map;
	/* Answers per question (sv order) and level, in the period. */
	uint64_t		 q[SURVEY_QUESTIONS_MAX][SURVEY_OPTIONS_MAX];
	size_t			 ncomments;
	struct report_comment	*comments;	/* newest first */
	int			 comments_more;	/* older ones not shown */
	double			 build_ms;
	/*
	 * The resolution's indicators (report_ind.c): ind_total[i] is
	 * indicator i in the scope, ind_units[u * ind->n + i] in units[u]'s
	 * subtree, both over the months added with report_ind_month().
	 */
	const struct indicators	*ind;
	struct report_ind_fig	*ind_total;
	struct report_ind_fig	*ind_units;
	/* By counter and officer, when asked for (report_opts.desks):
	 * counters by unit and code, officers by name; JSON counters and
	 * officers, absent without. */
	int			 has_desks;
	size_t			 ncounters;
	struct report_desk	*counters;
	size_t			 nofficers;
	struct report_desk	*officers;
	/* Decision 766: the scope's, and each units[] row's subtree. */
	/* The survey's figures by stage (report_stage.c), owned. */
	struct report_stages	*stages;
	struct report_766	 d766;
	struct report_766	*d766_units;
	/* Follow-ups (report_opts.wd): the scope's, each unit's own (by
	 * units[] index), and the dossiers with a complaint (filed by the
	 * citizen) the scope received in the period, for Decision 766. */
	int			 has_fu;
	struct report_fu	 fu_total;
	struct report_fu	*fu_units;
	uint64_t		 fu_dossiers;
};

/*
 * Fills rep from st for o. Returns HL_OK; HL_INVALID with why for an
 * unknown unit or sector or a bad month; HL_ERROR when the store cannot
 * be read. rep must be report_free()d after HL_OK.
 */
enum hl_rc report_build(struct report *rep, struct store *st,
	    const struct catalog *cat, const struct survey *sv,
	    const struct report_opts *o, char *why, size_t whylen);
void	 report_free(struct report *);
/*
 * Adds the indicators' answers of month to rep's figures (report_build()
 * adds its own month; a longer period adds each of its months). 0, or -1
 * when the store cannot be read.
 */
int	 report_ind_month(struct report *, struct store *, uint32_t month);

/* "YYYY-MM" to YYYYMM; 0 when malformed (untrusted s[0..len)). */
uint32_t report_month_parse(const char *s, size_t len);
/*
 * A period from untrusted s[0..len): "YYYY-MM" (a month), "YYYY-Qn" (a
 * quarter), "YYYY" (a year) or "YYYY-MM..YYYY-MM" (a range of whole
 * months, ascending, at most REPORT_RANGE_MAX). now is this month
 * (YYYYMM): a range may not end after it, any other period may not begin
 * after it. Returns 0, or -1 with why saying what is wrong ("period:
 * ...").
 */
int	 report_period_parse(const char *s, size_t len, uint32_t now,
	    struct report_period *p, char *why, size_t whylen);
/* The period as parsed ("2026-Q4") and its Vietnamese title ("Quý
 * IV/2026"), into out[REPORT_PERIOD_STR]. */
void	 report_period_str(const struct report_period *, char *out);
void	 report_period_label(const struct report_period *, char *out);
/* Months in p. */
int	 report_period_months(const struct report_period *p);
/* YYYYMM plus delta months. */
uint32_t report_month_add(uint32_t month, int delta);
/* First second of month in the province's zone; -1 on error. */
int64_t	 report_month_start(uint32_t month);

/* The maths, exposed for the tests. */
/* Wilson interval of s of n at REPORT_Z; -1 when n is 0. */
int	 report_wilson(uint64_t s, uint64_t n, double *lo, double *hi);
/* Regularized incomplete beta I_x(a, b) (the Beta(a, b) CDF at x). */
double	 report_beta_cdf(double x, double a, double b);
/* P(true rate >= t) under Beta(s + 1/2, n - s + 1/2); t in 0..1. */
double	 report_p_reach(uint64_t s, uint64_t n, double t);

enum report_status {
	RS_NO_DATA = 0,
	RS_MET,
	RS_NOT_MET,
	RS_INCONCLUSIVE
};
/* Status of s of n against target t (0..1). */
enum report_status report_status(uint64_t s, uint64_t n, double t);
const char *report_status_name(enum report_status);

/*
 * The verdict a reader sees, one per target: "too_few" (under the
 * minimum: no verdict at all) or "no_data" first, then "met",
 * "not_met", or, for an interval straddling the target, "likely"
 * (P(reach) >= REPORT_LIKELY) or "unlikely".
 */
#define REPORT_LIKELY		0.5
const char *report_verdict(uint64_t s, uint64_t n, uint64_t min,
	    double t);
/* Its Vietnamese words ("Đạt", "Nhiều khả năng đạt", ...). */
const char *report_verdict_vi(const char *verdict);

/* Renderings. The JSON value is the caller's (json_decref). */
struct json_t;
struct json_t *report_json(const struct report *);
/*
 * The JSON text, compact or indented, and a newline, appended to out.
 * Reals print with 10 significant digits: figures are rounded to 4
 * decimals at most, so 89.91 stays 89.91 (not 89.909999999999997).
 * Returns 0, or -1 when out is full.
 */
int	 report_json_text(const struct report *, int indent, struct buf *out);
/* Appends the CSV (UTF-8 BOM, CRLF, one block per part); 0 or -1. */
int	 report_csv(const struct report *, struct buf *out);
/*
 * XLSX needs libxlsxwriter, loaded on first use: report_xlsx_ready()
 * loads it and returns 0, or -1 with why naming the library and the
 * reason (the renderers below then fail too).
 */
int	 report_xlsx_ready(char *why, size_t whylen);
/* Writes the workbook to path; 0 or -1. */
int	 report_xlsx(const struct report *, const char *path);
/* Reads the XLSX into out through a temporary file in tmpdir; 0 or -1. */
int	 report_xlsx_buf(const struct report *, const char *tmpdir,
	    struct buf *out);
/*
 * Renders the HTML page with tp, templates/report.html compiled once
 * (page_tpl(pg, "report"), or tpl_get() of a tpl_load()ed set); borrowed,
 * NULL fails. extra, when not NULL, is a JSON object merged into the
 * template's context (the handler's csrf token, query strings). 0 or -1.
 */
struct tpl;
int	 report_html(const struct report *, const struct tpl *tp,
	    struct json_t *extra, struct buf *out);

#endif
