/*
 * unitimport.h: the official unit list as CSV (columns by header name,
 * schema/README.md), read whole and compared with the catalogue in use:
 * what would be added, renamed, moved, given another kind or hotline, or
 * retired with a successor; every error named "line N: reason" (in
 * Vietnamese, for the page). Nothing here writes: the writer stores a
 * plan (WOP_CATIMPORT) all or nothing.
 */
#ifndef UNITIMPORT_H
#define UNITIMPORT_H

#include <stddef.h>

#include "catalog.h"
#include "hl.h"

#define UIMPORT_BYTES_MAX	(4u * 1024 * 1024)	/* a file */
/* A request's body: the file, or the file and a form around it. */
#define UIMPORT_BODY_MAX	(UIMPORT_BYTES_MAX + 64u * 1024)
#define UIMPORT_REPLY_MAX	(16u * 1024 * 1024)	/* a preview */
#define UIMPORT_ROWS_MAX	20000	/* rows of a file */
#define UIMPORT_ERRORS_MAX	100	/* named; more are counted */
#define UIMPORT_WHY_MAX		240

/* What a row changes (uimport_row.what); 0: the unit as it is. */
#define UI_ADD		0x01
#define UI_NAME		0x02
#define UI_MOVE		0x04
#define UI_KIND		0x08
#define UI_HOTLINE	0x10
#define UI_RETIRE	0x20
#define UI_SECTOR	0x40	/* a procedure's */
#define UI_WITHDRAW	0x80	/* a procedure's */

struct uimport_row {
	int		 line;
	unsigned	 what;		/* UI_* */
	struct catrow	 row;		/* the unit after */
	struct catrow	 before;	/* the unit in use (not UI_ADD) */
};

struct uimport_err {
	int		 line;		/* 0: the file as a whole */
	char		 why[UIMPORT_WHY_MAX];
};

struct uimport {
	size_t			 nrows;		/* read, unchanged ones too */
	struct uimport_row	*rows;		/* changed ones first */
	size_t			 nchanged;
	size_t			 nerr;
	struct uimport_err	 err[UIMPORT_ERRORS_MAX];
	size_t			 more;		/* errors not named */
	int			 forbidden;	/* a row outside top's */
	char			 unused[UIMPORT_WHY_MAX];	/* columns */
};

/*
 * Reads text[0..len) (UTF-8, a BOM and CRLF allowed) against cat; top is
 * the importer's unit ("" the whole province): rows outside its subtree
 * are errors (forbidden set). HL_TOO_BIG over UIMPORT_BYTES_MAX bytes or
 * UIMPORT_ROWS_MAX rows; else HL_OK with u filled: errors in u->err (then
 * nothing may be applied), the changes in u->rows[0..nchanged). Checks
 * the result as a whole catalogue with schema_dir's files and stored
 * rows[0..nstored) (cycles, successors), naming the line when it can.
 */
enum hl_rc uimport_plan(const char *text, size_t len,
	    const struct catalog *cat, const char *top, const char *schema_dir,
	    const struct catrow *stored, size_t nstored, struct uimport *u);
/*
 * The same for the procedures (the national database's export: columns
 * by header name, "Lĩnh vực" mapped to a sector by its name, columns not
 * used listed in u->unused): rows of CATROW_PROC, UI_ADD, UI_NAME,
 * UI_SECTOR, UI_WITHDRAW. Procedures are the whole province's.
 */
enum hl_rc pimport_plan(const char *text, size_t len,
	    const struct catalog *cat, const char *schema_dir,
	    const struct catrow *stored, size_t nstored, struct uimport *u);
void	 uimport_clear(struct uimport *);
/* The changes of a row in Vietnamese words ("thêm mới", "đổi tên"...). */
void	 uimport_what_vi(unsigned what, char *out, size_t outlen);

#endif
