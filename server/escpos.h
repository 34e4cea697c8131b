/*
 * escpos.h: a ticket's receipt slip as ESC/POS bytes for 58 and 80 mm
 * thermal printers: the title and how to answer, the QR code drawn by
 * the printer itself (GS ( k, model 2, error correction M), the short
 * address where the code can be typed and the code in double size, the
 * procedure, the unit, the dates, then a partial cut. The full survey
 * address is in the QR code only.
 *
 * Vietnamese text is sent in Windows-1258 after ESC t ESCPOS_CODEPAGE_VI
 * (52 is "WPC1258 (Vietnamese)" in Epson's table, which most Xprinter
 * and other Epson-compatible printers follow). A printer without that
 * page prints the ESCPOS_ASCII form: the same text without diacritics
 * (đ as d), after ESC t 0. Neither page has Khmer letters: the slip
 * has no Khmer line (the HTML slip has one).
 */
#ifndef ESCPOS_H
#define ESCPOS_H

#include <stddef.h>

#include "buf.h"

#define ESCPOS_CODEPAGE_VI	52
#define ESCPOS_CODEPAGE_ASCII	0
#define ESCPOS_WIDTH_58		58
#define ESCPOS_WIDTH_80		80
#define ESCPOS_WIDTH_DEFAULT	ESCPOS_WIDTH_80
#define ESCPOS_QR_MODULE_58	6	/* dots per module */
#define ESCPOS_QR_MODULE_80	8
#define ESCPOS_QR_ECC_M		49	/* GS ( k fn 69: 48 L, 49 M */
#define ESCPOS_QR_DATA_MAX	7089	/* what GS ( k may store */
#define ESCPOS_FEED_LINES	4	/* before the cut */
#define ESCPOS_MAX		(16u * 1024)

enum escpos_text {
	ESCPOS_CP1258 = 0,	/* Vietnamese with its diacritics */
	ESCPOS_ASCII		/* diacritics stripped */
};

/* What a slip shows; every string is UTF-8 and NUL-terminated. */
struct escpos_slip {
	const char	*url;		/* in the QR code */
	const char	*code;		/* XXXXX-XXXXX */
	const char	*title;
	const char	*instruction;	/* above the QR; may be NULL */
	const char	*how;		/* "or go to ...": may be NULL */
	const char	*site;		/* the short address; may be NULL */
	const char	*procedure;
	const char	*unit;
	const char	*date;
	const char	*expires;	/* may be NULL */
	int		 width;		/* ESCPOS_WIDTH_58 or _80 */
	enum escpos_text text;
};

/*
 * Appends the slip's bytes to out. Returns 0, or -1 for a width other
 * than 58 or 80, a URL longer than ESCPOS_QR_DATA_MAX or a full buffer.
 */
int	 escpos_slip(struct buf *out, const struct escpos_slip *);
/*
 * Appends UTF-8 s[0..len) converted to Windows-1258 or ASCII; what the
 * page cannot show becomes '?', control characters but LF a space.
 * Returns 0 or -1 (buffer full).
 */
int	 escpos_text(struct buf *out, const char *s, size_t len,
	    enum escpos_text);
/* Appends the GS ( k commands that store and print data as a QR code
 * of module dots per module. Returns 0 or -1. */
int	 escpos_qr(struct buf *out, const char *data, size_t len,
	    int module);

#endif
