/*
 * test_escpos.c: the byte layout of a slip: init, code page, the QR
 * commands with their exact lengths, double size, cut; Windows-1258 and
 * ASCII text; bad widths and data.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"
#include "escpos.h"

static const char url[] = "https://khaosat.example.vn/s/"
    "QPANKC6K76WNR3SH079EFBB0YF7VRZCK";

static const uint8_t *
find(const struct buf *b, const void *needle, size_t n)
{
	size_t	 i;

	for (i = 0; i + n <= b->len; i++)
		if (memcmp(b->data + i, needle, n) == 0)
			return ((const uint8_t *)b->data + i);
	return (NULL);
}

static void
slip_of(struct buf *b, int width, enum escpos_text t)
{
	struct escpos_slip	 sl;

	memset(&sl, 0, sizeof(sl));
	sl.url = url;
	sl.code = "QPANK-C6K76";
	sl.title = "ĐÁNH GIÁ";
	sl.procedure = "Đăng ký khai sinh";
	sl.unit = "Phường Ninh Kiều";
	sl.date = "28/11/2026 04:29";
	sl.instruction = "Quét mã QR";
	sl.width = width;
	sl.text = t;
	buf_init(b, ESCPOS_MAX);
	assert_int_equal(escpos_slip(b, &sl), 0);
}

static void
test_layout(void **state)
{
	struct buf	 b;
	const uint8_t	*p;
	const uint8_t	 model[] = { 0x1d, 0x28, 0x6b, 4, 0, 49, 65, 50, 0 };
	const uint8_t	 size80[] = { 0x1d, 0x28, 0x6b, 3, 0, 49, 67, 8 };
	const uint8_t	 size58[] = { 0x1d, 0x28, 0x6b, 3, 0, 49, 67, 6 };
	const uint8_t	 ecc[] = { 0x1d, 0x28, 0x6b, 3, 0, 49, 69, 49 };
	const uint8_t	 print[] = { 0x1d, 0x28, 0x6b, 3, 0, 49, 81, 48 };
	const uint8_t	 big[] = { 0x1d, 0x21, 0x11 };
	const uint8_t	 cut[] = { 0x1d, 0x56, 66, 0 };
	uint8_t		 store[] = { 0x1d, 0x28, 0x6b, 0, 0, 49, 80, 48 };
	size_t		 n = strlen(url) + 3;

	(void)state;
	slip_of(&b, ESCPOS_WIDTH_80, ESCPOS_CP1258);
	assert_memory_equal(b.data, "\x1b@\x1bt\x34", 5);	/* ESC t 52 */
	assert_non_null(find(&b, model, sizeof(model)));
	assert_non_null(find(&b, size80, sizeof(size80)));
	assert_null(find(&b, size58, sizeof(size58)));
	assert_non_null(find(&b, ecc, sizeof(ecc)));
	/* Store: pL pH = data + 3, then cn 49, fn 80, m 48, the data. */
	store[3] = (uint8_t)(n & 0xff);
	store[4] = (uint8_t)(n >> 8);
	p = find(&b, store, sizeof(store));
	assert_non_null(p);
	assert_int_equal(p[3], n & 0xff);
	assert_int_equal(p[4], n >> 8);
	assert_int_equal(p[5], 49);
	assert_int_equal(p[7], 48);
	assert_memory_equal(p + 8, url, strlen(url));
	assert_memory_equal(p + 8 + strlen(url), print, sizeof(print));
	p = find(&b, big, sizeof(big));
	assert_non_null(p);
	assert_memory_equal(p + 3, "QPANK-C6K76\n", 12);
	assert_memory_equal(b.data + b.len - sizeof(cut), cut, sizeof(cut));
	assert_memory_equal(b.data + b.len - sizeof(cut) - 3, "\x1b" "d\x04",
	    3);
	buf_clear(&b);

	slip_of(&b, ESCPOS_WIDTH_58, ESCPOS_CP1258);
	assert_non_null(find(&b, size58, sizeof(size58)));
	buf_clear(&b);
}

static void
test_text(void **state)
{
	struct buf	 b;
	size_t		 i;

	(void)state;
	buf_init(&b, 1024);
	/* ư, ờ = ơ + grave, đ, ệ = ê + dot below, Ả = A + hook. */
	assert_int_equal(escpos_text(&b, "Phường đệ Ả", strlen("Phường đệ Ả"),
	    ESCPOS_CP1258), 0);
	assert_int_equal(b.len, 14);
	assert_memory_equal(b.data, "Ph\xfd\xf5\xccng \xf0\xea\xf2 A\xd2", 14);
	buf_reset(&b);
	assert_int_equal(escpos_text(&b, "Phường đệ Ả", strlen("Phường đệ Ả"),
	    ESCPOS_ASCII), 0);
	assert_int_equal(b.len, 11);
	assert_memory_equal(b.data, "Phuong de A", 11);
	buf_reset(&b);
	/* Unknown letters, bad UTF-8, controls. */
	assert_int_equal(escpos_text(&b, "ក\xff\x01\n\xc3", 7,
	    ESCPOS_CP1258), 0);
	assert_memory_equal(b.data, "?? \n?", 5);
	assert_int_equal(b.len, 5);
	buf_clear(&b);
	slip_of(&b, ESCPOS_WIDTH_80, ESCPOS_ASCII);
	assert_memory_equal(b.data, "\x1b@\x1bt\x00", 5);
	for (i = 0; i < b.len; i++)
		assert_true((uint8_t)b.data[i] < 0x80);
	buf_clear(&b);
}

static void
test_bad(void **state)
{
	struct buf		 b;
	struct escpos_slip	 sl;
	char			*big;

	(void)state;
	buf_init(&b, ESCPOS_MAX);
	memset(&sl, 0, sizeof(sl));
	sl.url = url;
	sl.code = "X";
	sl.width = 57;
	assert_int_equal(escpos_slip(&b, &sl), -1);
	assert_int_equal(escpos_qr(&b, url, 0, 8), -1);
	assert_int_equal(escpos_qr(&b, url, strlen(url), 0), -1);
	assert_int_equal(escpos_qr(&b, url, strlen(url), 17), -1);
	big = malloc(ESCPOS_QR_DATA_MAX + 1);
	memset(big, 'A', ESCPOS_QR_DATA_MAX + 1);
	assert_int_equal(escpos_qr(&b, big, ESCPOS_QR_DATA_MAX + 1, 8), -1);
	buf_reset(&b);
	assert_int_equal(escpos_qr(&b, big, ESCPOS_QR_DATA_MAX, 8), 0);
	/* pL pH of the largest store: 7092 = 0x1bb4. */
	assert_int_equal((uint8_t)b.data[9 + 8 + 8 + 3], 0xb4);
	assert_int_equal((uint8_t)b.data[9 + 8 + 8 + 4], 0x1b);
	free(big);
	buf_clear(&b);
	/* A buffer too small fails. */
	buf_init(&b, 16);
	sl.width = ESCPOS_WIDTH_80;
	assert_int_equal(escpos_slip(&b, &sl), -1);
	buf_clear(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_bad),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
