/*
 * report_priv.h: what report.c shares with report_table.c and
 * report_html.c only. Nothing else includes it.
 */
#ifndef REPORT_PRIV_H
#define REPORT_PRIV_H

#include <stdint.h>

#include "catalog.h"
#include "report.h"

struct report;

#define REPORT_MONTH_STR	8	/* "YYYY-MM" and its NUL */

/* "YYYY-MM" of YYYYMM into out. */
void	 report_month_str(uint32_t month, char out[REPORT_MONTH_STR]);
/* "Số liệu tạm thời - chốt ngày DD/MM/YYYY" or "Số liệu đã chốt ngày
 * DD/MM/YYYY" into out. */
void	 report_final_vi(const struct report *, char *out, size_t outlen);
/* Which year's targets judge the period, in words, into out. */
void	 report_targets_vi(const struct report *, char *out, size_t outlen);
/* The Vietnamese text of t, or dflt when there is none; borrowed. */
const char *report_txt_vi(const struct text *t, const char *dflt);

/* report_ind.c: the indicators' figures (rep->ind NULL: none). */
struct indicators;
struct json_t;
void	 report_ind_init(struct report *, const struct indicators *);
void	 report_ind_free(struct report *);
/* Sets "indicator_set", "indicators" and "agencies" in o. */
void	 report_json_indicators(const struct report *, struct json_t *o);
/* report_desk.c: the section by counter and officer. */
struct store;
/* Reads the desks rows of rep's units in its period; 0 or -1. */
int	 report_desks_build(struct report *, struct store *);
void	 report_desks_free(struct report *);
/* Adds counters, officers and their definition to o, when built. */
void	 report_desks_json(const struct report *, struct json_t *o);
/* report_fu.c: the follow-ups' figures of rep's scope and units in its
 * period, under calendar wd; 0 or -1. */
int	 report_fu_build(struct report *, struct store *,
	    const struct workdays *wd, int answer_days, int64_t now);
void	 report_fu_free(struct report *);
/* Adds "followups" to o, when built. */
void	 report_fu_json(const struct report *, struct json_t *o);

/* report_766.c: Decision 766's ratio from the dossiers. */
/* Reads every dossier once; rep's period, scope and units set. 0/-1. */
int	 report_766_build(struct report *, struct store *, int64_t now);
void	 report_766_free(struct report *);
/* Sets "decision_766" in o. */
void	 report_766_json(const struct report *, struct json_t *o);
/* The ratio of f as a fraction, NaN without dossiers. */
double	 report_766_ratio(const struct report_766 *f);

/* report_stage.c: the survey's figures by stage (stage_agg). */
/* Reads the period's counters by stage of rep's scope and units; 0/-1. */
int	 report_stage_build(struct report *, struct store *);
void	 report_stage_free(struct report *);
/* Sets `by_stage` in o's overall and units, and its definition. */
void	 report_stage_json(const struct report *, struct json_t *o);
/* The page's fields: stage_heads, stage_q_rows, f_percent. */
void	 report_stage_html(struct json_t *o);
/* report_tree.c: each catalogue unit's index in tree (owned array). */
int	*report_tree_map(const struct catalog *, int tree, int64_t now);
/*
 * The unit a record of code counts under in rep's tree (code's own unit
 * as recorded; the end of its successors' chain in the current tree);
 * NULL when code is no unit of the catalogue.
 */
const struct unit *report_tree_unit(const struct report *, const char *code);

/* report.c: month in the period; the walk-ins' row name. */
int	 report_period_has(const struct report_period *, uint32_t month);
extern const struct text report_walkin_name;

#endif
