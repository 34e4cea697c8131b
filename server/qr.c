#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>
#include <qrencode.h>

#include "qr.h"
#include "util.h"

/*
 * qr.c: QR codes of ticket URLs as an inline SVG or a 1-bit PNG; the only
 * file that includes qrencode.h.
 * Trap: libpng reports errors by longjmp, so locals live across setjmp are
 * volatile and out is rolled back to its old length on every failure.
 */

static QRcode *
qr_encode(const char *text, int exact)
{
	/* Case-insensitive: upper case, alphanumeric mode, a smaller code. */
	return (QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8,
	    exact));
}

static int
qr_dark(const QRcode *qr, int x, int y)
{
	return (qr->data[(size_t)y * (size_t)qr->width + (size_t)x] & 1);
}

static void
qr_rollback(struct buf *out, size_t len)
{
	out->len = len;
	if (out->data != NULL)
		out->data[len] = '\0';
}

/*
 * No XML prolog, so the document can be inlined in HTML; no width or
 * height, so the page's CSS sizes it.
 */
/* Appends the decimal digits of 0 <= v < 1000 (a module coordinate). */
static int
qr_num(char *p, int v)
{
	int	 n = 0;

	if (v >= 100)
		p[n++] = (char)('0' + v / 100);
	if (v >= 10)
		p[n++] = (char)('0' + v / 10 % 10);
	p[n++] = (char)('0' + v % 10);
	return (n);
}

static int
qr_svg_of(const char *text, int exact, struct buf *out)
{
	QRcode	*qr;
	size_t	 start = out->len;
	int	 x, y, run, w, rc = -1;

	if ((qr = qr_encode(text, exact)) == NULL)
		return (-1);
	w = qr->width + 2 * QR_MARGIN;
	if (buf_printf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\""
	    " viewBox=\"0 0 %d %d\" shape-rendering=\"crispEdges\">"
	    "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>"
	    "<path fill=\"#000\" d=\"", w, w, w, w) == -1)
		goto out;
	for (y = 0; y < qr->width; y++) {
		for (x = 0; x < qr->width; x += run) {
			for (run = 0; x + run < qr->width &&
			    qr_dark(qr, x + run, y); run++)
				;
			if (run == 0) {
				run = 1;
				continue;
			}
			/* "M<x> <y>h<run>v1h-<run>z", without printf: an SVG
			 * has hundreds of runs and tickets come by thousands. */
			{
				char	 seg[32];
				int	 n = 0;

				seg[n++] = 'M';
				n += qr_num(seg + n, x + QR_MARGIN);
				seg[n++] = ' ';
				n += qr_num(seg + n, y + QR_MARGIN);
				seg[n++] = 'h';
				n += qr_num(seg + n, run);
				memcpy(seg + n, "v1h-", 4);
				n += 4;
				n += qr_num(seg + n, run);
				seg[n++] = 'z';
				if (buf_add(out, seg, (size_t)n) == -1)
					goto out;
			}
		}
	}
	if (buf_addstr(out, "\"/></svg>") == -1)
		goto out;
	rc = 0;
out:
	if (rc == -1)
		qr_rollback(out, start);
	QRcode_free(qr);
	return (rc);
}

int
qr_svg(const char *text, struct buf *out)
{
	return (qr_svg_of(text, 0, out));
}

int
qr_svg_exact(const char *text, struct buf *out)
{
	return (qr_svg_of(text, 1, out));
}

static void
qr_png_write(png_structp png, png_bytep data, png_size_t len)
{
	if (buf_add(png_get_io_ptr(png), data, len) == -1)
		png_error(png, "output too large");
}

static void
qr_png_flush(png_structp png)
{
	(void)png;
}

static void
qr_png_error(png_structp png, png_const_charp msg)
{
	(void)msg;
	png_longjmp(png, 1);
}

static void
qr_png_warning(png_structp png, png_const_charp msg)
{
	(void)png;
	(void)msg;
}

/* One pixel row of module row my (the quiet zone outside the code). */
static void
qr_png_row(const QRcode *qr, int scale, int my, png_bytep row, int w)
{
	int	 px, mx;

	memset(row, 0xff, ((size_t)w + 7) / 8);	/* 1 is white */
	if (my < 0 || my >= qr->width)
		return;
	for (px = 0; px < w; px++) {
		mx = px / scale - QR_MARGIN;
		if (mx >= 0 && mx < qr->width && qr_dark(qr, mx, my))
			row[px / 8] &= (png_byte)~(0x80 >> (px % 8));
	}
}

int
qr_png(const char *text, int scale, struct buf *out)
{
	QRcode *volatile	 qr = NULL;
	png_bytep volatile	 row = NULL;
	png_structp		 png = NULL;
	png_infop		 info = NULL;
	size_t			 start = out->len;
	volatile int		 rc = -1;
	int			 w, y;

	if (scale < QR_SCALE_MIN || scale > QR_SCALE_MAX)
		return (-1);
	if ((qr = qr_encode(text, 0)) == NULL)
		return (-1);
	w = (qr->width + 2 * QR_MARGIN) * scale;
	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL,
	    qr_png_error, qr_png_warning);
	if (png == NULL)
		goto out;
	if ((info = png_create_info_struct(png)) == NULL)
		goto out;
	if (setjmp(png_jmpbuf(png)))
		goto out;
	row = xmalloc(((size_t)w + 7) / 8);
	png_set_write_fn(png, out, qr_png_write, qr_png_flush);
	png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)w, 1,
	    PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
	    PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (y = 0; y < w; y++) {
		if (y % scale == 0)	/* rows repeat scale times */
			qr_png_row(qr, scale, y / scale - QR_MARGIN, row, w);
		png_write_row(png, row);
	}
	png_write_end(png, NULL);
	rc = 0;
out:
	if (png != NULL)
		png_destroy_write_struct(&png, info != NULL ? &info : NULL);
	if (rc == -1)
		qr_rollback(out, start);
	free(row);
	QRcode_free(qr);
	return (rc);
}
