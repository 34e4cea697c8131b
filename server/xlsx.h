/*
 * xlsx.h: libxlsxwriter, opened with dlopen() when the first workbook is
 * written, not linked: only XLSX reports need it, and it brings OpenSSL,
 * which nothing else here uses, into every process that maps it. Only
 * report_table.c and xlsx.c include it.
 *
 * The soname (HL_XLSX_SONAME) comes from configure, which finds it in a
 * program linked against the -dev package, so the loaded library is the
 * one the header describes. Once loaded it stays loaded.
 */
#ifndef XLSX_H
#define XLSX_H

#include <stddef.h>

#include <xlsxwriter.h>

/* The functions report_table.c calls; each field has its function's type. */
#define XLSX_FUNCS(X)						\
	X(workbook_new) X(workbook_add_format)				\
	X(workbook_add_worksheet) X(workbook_add_chart)			\
	X(workbook_close)						\
	X(format_set_bold) X(format_set_text_wrap)			\
	X(format_set_bg_color) X(format_set_align)			\
	X(format_set_num_format)					\
	X(worksheet_freeze_panes) X(worksheet_set_row)			\
	X(worksheet_set_column) X(worksheet_write_string)		\
	X(worksheet_write_number)		\
	X(worksheet_insert_chart)					\
	X(chart_title_set_name) X(chart_add_series)			\
	X(chart_series_set_categories) X(chart_series_set_values)	\
	X(chart_series_set_name) X(chart_series_set_name_range)		\
	X(chart_axis_set_min) X(chart_axis_set_max)			\
	X(chart_axis_set_num_format)

struct xlsx {
#define XLSX_FIELD(f)	__typeof__(f)	*f;
	XLSX_FUNCS(XLSX_FIELD)
#undef XLSX_FIELD
};

/*
 * The library's functions, loaded on the first call (any thread; later
 * calls only read). NULL when it cannot be loaded or lacks a function;
 * why then says which library and why, the same on every call.
 */
const struct xlsx *xlsx_load(char *why, size_t whylen);

#endif
