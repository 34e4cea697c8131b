/*
 * xlsxread.h: reading the first worksheet of an XLSX file (Office Open
 * XML, as Excel and LibreOffice save it) row by row: libzip for the
 * archive, expat for its XML. Only what a table of values needs: the
 * workbook's first sheet (xl/workbook.xml and its relationships), the
 * shared strings, inline strings, numbers, booleans, and which numbers
 * are dates (xl/styles.xml). Untrusted files: every part's uncompressed
 * size, the strings, the cells and each text are capped before and
 * while they are read, and a DTD is refused.
 */
#ifndef XLSXREAD_H
#define XLSXREAD_H

#include <stddef.h>

#define XLSXREAD_PART_MAX	(1u * 1024 * 1024)	/* workbook, rels, styles */
#define XLSXREAD_SHEET_MAX	(64u * 1024 * 1024)	/* the sheet's XML */
#define XLSXREAD_STRINGS_BYTES	(32u * 1024 * 1024)	/* sharedStrings.xml */
#define XLSXREAD_STRINGS_MAX	1000000		/* shared strings */
#define XLSXREAD_CELLS_MAX	4000000		/* cells with a value */
#define XLSXREAD_TEXT_MAX	1024		/* bytes of one cell's text */
#define XLSXREAD_COLS_MAX	32		/* columns A.. read */
#define XLSXREAD_WHY_MAX	512

enum xlsx_kind {
	XK_EMPTY = 0,
	XK_TEXT,
	XK_NUMBER,	/* s: the number as written ("12", "1.5") */
	XK_DATE,	/* s: "YYYY-MM-DD" of a number with a date format */
	XK_BOOL		/* s: "0" or "1" */
};

struct xlsx_cell {
	enum xlsx_kind	 kind;
	const char	*s;	/* NUL-terminated; "" when empty */
	size_t		 len;
	int		 formula;	/* the saved value of a formula */
};

/* One row with a value: its number as Excel shows it, its cells by
 * column (A = 0), ncols one past the last with a value. */
struct xlsx_row {
	int			 row;
	size_t			 ncols;
	struct xlsx_cell	 cells[XLSXREAD_COLS_MAX];
};

/*
 * Reads the first worksheet of path and calls fn once per row that has
 * a value, in order; the row and its texts are valid during the call
 * only. fn returning non-zero stops the read, and xlsxread() returns
 * that. Returns 0, or -1 with why set ("path: reason", "path: row N:
 * reason"): not a zip archive, no worksheet, a part too large, too many
 * strings or cells, a text longer than XLSXREAD_TEXT_MAX, a shared
 * string out of range, a formula with no saved value, an error value, a
 * value beyond column XLSXREAD_COLS_MAX, malformed XML.
 */
int	 xlsxread(const char *path,
	    int (*fn)(const struct xlsx_row *, void *), void *arg,
	    char *why, size_t whylen);

#endif
