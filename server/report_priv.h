/*
 * report_priv.h: what report.c shares with report_table.c and
 * report_html.c only. Nothing else includes it.
 */
#ifndef REPORT_PRIV_H
#define REPORT_PRIV_H

#include <stdint.h>

#include "catalog.h"

#define REPORT_MONTH_STR	8	/* "YYYY-MM" and its NUL */

/* "YYYY-MM" of YYYYMM into out. */
void	 report_month_str(uint32_t month, char out[REPORT_MONTH_STR]);
/* The Vietnamese text of t, or dflt when there is none; borrowed. */
const char *report_txt_vi(const struct text *t, const char *dflt);

#endif
