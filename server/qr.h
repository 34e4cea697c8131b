/*
 * qr.h: QR codes of ticket URLs through libqrencode, as SVG or PNG.
 * Text is encoded case-insensitively (upper case, alphanumeric mode),
 * which gives a smaller code on 58 mm receipts: the server accepts the
 * upper-case path and token.
 */
#ifndef QR_H
#define QR_H

#include "buf.h"

#define QR_SCALE_MIN		1
#define QR_SCALE_MAX		40
#define QR_SCALE_DEFAULT	8
#define QR_MARGIN		4	/* modules of quiet zone */

/* Append an SVG document / a PNG image of text to out; 0 or -1. */
int	 qr_svg(const char *text, struct buf *out);
/* The same, its case kept (a kiosk's enrolment address, an otpauth://
 * URI: what is read from it is case-sensitive). */
int	 qr_svg_exact(const char *text, struct buf *out);
int	 qr_png(const char *text, int scale, struct buf *out);

#endif
