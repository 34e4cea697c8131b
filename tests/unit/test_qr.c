/* test_qr.c: SVG and PNG output; the PNG is read back by zbarimg. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <png.h>

#include "buf.h"
#include "crypto.h"
#include "qr.h"
#include "token.h"

static const char	 png_sig[8] = { '\x89', 'P', 'N', 'G', '\r', '\n',
    '\x1a', '\n' };

/* A ticket URL as the server builds it, lower-case path. */
static void
make_url(char *url, size_t len, char *upper)
{
	struct keyring	 kr;
	uint8_t		 id[TICKET_ID_LEN];
	char		 tok[TOKEN_LEN + 1];
	size_t		 i;

	memset(&kr, 0, sizeof(kr));
	kr.n = 1;
	kr.kid[0] = 3;
	crypto_random(kr.key[0], KEY_LEN);
	crypto_random(id, sizeof(id));
	token_encode(&kr, 3, id, tok);
	keyring_clear(&kr);
	snprintf(url, len, "http://127.0.0.1:8080/s/%s", tok);
	for (i = 0; url[i] != '\0'; i++)
		upper[i] = (char)toupper((unsigned char)url[i]);
	upper[i] = '\0';
}

static void
test_svg(void **state)
{
	struct buf	 b;
	char		 url[128], up[128];

	(void)state;
	make_url(url, sizeof(url), up);
	buf_init(&b, BUF_MAX_DEFAULT);
	assert_int_equal(buf_addstr(&b, "<p>"), 0);
	assert_int_equal(qr_svg(url, &b), 0);
	assert_memory_equal(b.data, "<p><svg ", 8);
	assert_non_null(strstr(b.data, "viewBox=\"0 0 "));
	assert_non_null(strstr(b.data, "crispEdges"));
	assert_non_null(strstr(b.data, "<path"));
	assert_non_null(strstr(b.data, " d=\"M4 4h7v1h-7z"));	/* finder */
	assert_null(strstr(b.data, "<?xml"));
	assert_int_equal(strcmp(b.data + b.len - 6, "</svg>"), 0);
	assert_int_equal(strlen(b.data), b.len);

	/* Too small a buffer: fails and leaves what was there. */
	buf_clear(&b);
	buf_init(&b, 200);
	assert_int_equal(buf_addstr(&b, "<p>"), 0);
	assert_int_equal(qr_svg(url, &b), -1);
	assert_int_equal(b.len, 3);
	assert_string_equal(b.data, "<p>");
	buf_clear(&b);
}

static void
read_back(const struct buf *b, char *got, size_t gotlen)
{
	char	 path[] = "/tmp/hl-qr-XXXXXX.png", cmd[128];
	FILE	*p;
	size_t	 n;
	int	 fd;

	fd = mkstemps(path, 4);
	assert_true(fd != -1);
	assert_int_equal(write(fd, b->data, b->len), (ssize_t)b->len);
	close(fd);
	snprintf(cmd, sizeof(cmd), "zbarimg --raw -q '%s' 2>/dev/null", path);
	p = popen(cmd, "r");
	assert_non_null(p);
	n = fread(got, 1, gotlen - 1, p);
	got[n] = '\0';
	assert_int_equal(pclose(p), 0);
	unlink(path);
	while (n > 0 && (got[n - 1] == '\n' || got[n - 1] == '\r'))
		got[--n] = '\0';
}

static void
test_png(void **state)
{
	struct buf	 b;
	char		 url[128], up[128], got[256];
	static const int scales[] = { QR_SCALE_MIN, 2, 3, QR_SCALE_DEFAULT };
	const unsigned char *u;
	size_t		 i, last = 0;
	uint32_t	 w, h, n;

	(void)state;
	make_url(url, sizeof(url), up);
	for (i = 0; i < sizeof(scales) / sizeof(scales[0]); i++) {
		buf_init(&b, BUF_MAX_DEFAULT);
		assert_int_equal(qr_png(url, scales[i], &b), 0);
		assert_true(b.len > sizeof(png_sig));
		assert_memory_equal(b.data, png_sig, sizeof(png_sig));
		/* IHDR: square, a whole number of modules, a QR version. */
		u = (const unsigned char *)b.data + 16;
		w = (uint32_t)u[0] << 24 | u[1] << 16 | u[2] << 8 | u[3];
		h = (uint32_t)u[4] << 24 | u[5] << 16 | u[6] << 8 | u[7];
		assert_int_equal(w, h);
		assert_true(w > last);	/* bigger scale, bigger image */
		last = w;
		assert_int_equal(w % scales[i], 0);
		n = w / scales[i] - 2 * QR_MARGIN;
		assert_true(n >= 21 && n <= 177 && (n - 21) % 4 == 0);
		assert_int_equal(u[8], 1);	/* bit depth */
		assert_int_equal(u[9], 0);	/* grayscale */
		/* zbar needs at least two pixels per module. */
		if (scales[i] > 1) {
			read_back(&b, got, sizeof(got));
			assert_string_equal(got, up);
		}
		buf_clear(&b);
	}

	/* Appends after what the buffer held. */
	buf_init(&b, BUF_MAX_DEFAULT);
	assert_int_equal(buf_add(&b, "xy", 2), 0);
	assert_int_equal(qr_png(url, QR_SCALE_MAX, &b), 0);
	assert_memory_equal(b.data + 2, png_sig, sizeof(png_sig));
	buf_clear(&b);
}

/* The SVG's runs and the scale-1 PNG's pixels draw the same modules. */
static void
test_same_modules(void **state)
{
	png_image	 img;
	struct buf	 svg, png;
	char		 url[128], up[128];
	unsigned char	*px, *grid;
	const char	*d;
	int		 w, x, y, run, run2, k, n;

	(void)state;
	make_url(url, sizeof(url), up);
	buf_init(&svg, BUF_MAX_DEFAULT);
	buf_init(&png, BUF_MAX_DEFAULT);
	assert_int_equal(qr_svg(url, &svg), 0);
	assert_int_equal(qr_png(url, 1, &png), 0);

	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	assert_true(png_image_begin_read_from_memory(&img, png.data,
	    png.len));
	img.format = PNG_FORMAT_GRAY;
	w = (int)img.width;
	assert_int_equal(sscanf(strstr(svg.data, "viewBox"),
	    "viewBox=\"0 0 %d %d\"", &x, &y), 2);
	assert_int_equal(x, w);
	assert_int_equal(y, w);
	px = malloc(PNG_IMAGE_SIZE(img));
	grid = calloc((size_t)w * (size_t)w, 1);
	assert_non_null(px);
	assert_non_null(grid);
	assert_true(png_image_finish_read(&img, NULL, px, 0, NULL));

	d = strstr(svg.data, " d=\"") + 4;
	for (n = 0; *d == 'M'; n++) {
		assert_int_equal(sscanf(d, "M%d %dh%dv1h-%dz%n", &x, &y, &run,
		    &run2, &k), 4);
		assert_int_equal(run, run2);
		assert_true(x >= QR_MARGIN && y >= QR_MARGIN);
		assert_true(x + run <= w - QR_MARGIN && y < w - QR_MARGIN);
		while (run-- > 0)
			grid[y * w + x++] = 1;
		d += k;
	}
	assert_string_equal(d, "\"/></svg>");
	assert_true(n > 50);
	for (k = 0; k < w * w; k++)
		assert_int_equal(px[k] == 0, grid[k]);
	free(px);
	free(grid);
	buf_clear(&svg);
	buf_clear(&png);
}

static void
test_bad(void **state)
{
	struct buf	 b;
	char		 url[128], up[128], *big;

	(void)state;
	make_url(url, sizeof(url), up);
	buf_init(&b, BUF_MAX_DEFAULT);
	assert_int_equal(qr_png(url, QR_SCALE_MIN - 1, &b), -1);
	assert_int_equal(qr_png(url, QR_SCALE_MAX + 1, &b), -1);
	assert_int_equal(qr_png(url, -8, &b), -1);
	assert_int_equal(b.len, 0);

	/* Capped output: libpng's error path, nothing left behind. */
	buf_clear(&b);
	buf_init(&b, 100);
	assert_int_equal(qr_png(url, QR_SCALE_DEFAULT, &b), -1);
	assert_int_equal(b.len, 0);
	buf_clear(&b);

	/* Too much text for any QR version. */
	big = malloc(8000);
	assert_non_null(big);
	memset(big, 'a', 7999);
	big[7999] = '\0';
	buf_init(&b, BUF_MAX_DEFAULT);
	assert_int_equal(qr_svg(big, &b), -1);
	assert_int_equal(qr_png(big, 1, &b), -1);
	assert_int_equal(b.len, 0);
	buf_clear(&b);
	free(big);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_svg),
		cmocka_unit_test(test_png),
		cmocka_unit_test(test_same_modules),
		cmocka_unit_test(test_bad),
	};

	if (crypto_init() != 0)
		return (1);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
