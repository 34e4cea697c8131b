/*
 * test_limit.c: failure limits: the tenth failure blocks that kind only,
 * the window ends it, an address at the limit is not reset by a crowd of
 * others, IPv6 counts by /64.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "crypto.h"
#include "limit.h"

static void
v4(uint32_t n, uint8_t a[16])
{
	memset(a, 0, 16);
	a[10] = a[11] = 0xff;
	a[12] = (uint8_t)(n >> 24);
	a[13] = (uint8_t)(n >> 16);
	a[14] = (uint8_t)(n >> 8);
	a[15] = (uint8_t)n;
}

static void
test_kinds_and_window(void **state)
{
	struct limit	*l = limit_create();
	uint8_t	 a[16];
	int	 i;

	(void)state;
		v4(0xc0000201, a);
	for (i = 0; i < LIMIT_FAILS_MAX - 1; i++)
		limit_fail(l, a, LIMIT_CODE, 1000);
	assert_int_equal(limit_blocked(l, a, LIMIT_CODE, 1000), 0);
	limit_fail(l, a, LIMIT_CODE, 1000);
	assert_int_equal(limit_blocked(l, a, LIMIT_CODE, 1010), LIMIT_WINDOW - 10);
	/* Other kinds from the same address are not held back. */
	assert_int_equal(limit_blocked(l, a, LIMIT_KEY, 1010), 0);
	assert_int_equal(limit_blocked(l, a, LIMIT_SIGNIN, 1010), 0);
	/* The window ends it, and counting starts afresh. */
	assert_int_equal(limit_blocked(l, a, LIMIT_CODE, 1000 + LIMIT_WINDOW), 0);
	limit_fail(l, a, LIMIT_CODE, 1000 + LIMIT_WINDOW);
	assert_int_equal(limit_blocked(l, a, LIMIT_CODE, 1000 + LIMIT_WINDOW), 0);
	limit_free(l);
}

/* 100 000 other addresses failing once each cannot free a blocked one. */
static void
test_crowd_does_not_reset(void **state)
{
	struct limit	*l = limit_create();
	uint8_t		 a[16], o[16];
	uint32_t	 i;

	(void)state;
		v4(0xcb007101, a);
	for (i = 0; i < LIMIT_FAILS_MAX; i++)
		limit_fail(l, a, LIMIT_KEY, 5000);
	for (i = 0; i < 100000; i++) {
		v4(0x0a000000 + i, o);
		limit_fail(l, o, LIMIT_KEY, 5001);
	}
	assert_true(limit_blocked(l, a, LIMIT_KEY, 5002) > 0);
	limit_free(l);
}

static void
test_ipv6_by_64(void **state)
{
	struct limit	*l = limit_create();
	uint8_t	 a[16], b[16];
	int	 i;

	(void)state;
		memset(a, 0, 16);
	a[0] = 0x20;
	a[1] = 0x01;
	a[2] = 0x0d;
	a[3] = 0xb8;
	memcpy(b, a, 16);
	for (i = 0; i < LIMIT_FAILS_MAX; i++) {
		a[15] = (uint8_t)i;	/* new interface ids, one /64 */
		limit_fail(l, a, LIMIT_SIGNIN, 9000);
	}
	b[15] = 0xee;
	assert_true(limit_blocked(l, b, LIMIT_SIGNIN, 9000) > 0);
	b[7] = 1;			/* another /64 */
	assert_int_equal(limit_blocked(l, b, LIMIT_SIGNIN, 9000), 0);
	limit_free(l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds_and_window),
		cmocka_unit_test(test_crowd_does_not_reset),
		cmocka_unit_test(test_ipv6_by_64),
	};

	if (crypto_init() == -1)
		return (1);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
