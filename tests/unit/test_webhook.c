/*
 * test_webhook.c: the signature a receiver checks (HMAC-SHA256 of the
 * body, as any HMAC library computes it) and the wait between tries,
 * doubled up to its cap.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "crypto.h"
#include "webhook.h"

static void
test_sign(void **state)
{
	char	 sig[WEBHOOK_SIG_LEN + 1];

	(void)state;
	webhook_sign("webhook-secret-0123456789", "{\"a\":1}", 7, sig);
	assert_string_equal(sig, "sha256=e3e19b8f8f21de59027e5336c56177bd6968f82c6ecf9886594f940560ace68f");
}

static void
test_backoff(void **state)
{
	(void)state;
	assert_int_equal(webhook_backoff(30, 1), 30);
	assert_int_equal(webhook_backoff(30, 2), 60);
	assert_int_equal(webhook_backoff(30, 3), 120);
	assert_int_equal(webhook_backoff(30, 8), WEBHOOK_WAIT_MAX);
	assert_int_equal(webhook_backoff(30, 4000000000u), WEBHOOK_WAIT_MAX);
	assert_int_equal(webhook_backoff(1, 1), 1);
	assert_int_equal(webhook_backoff(0, 1), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sign),
		cmocka_unit_test(test_backoff),
	};

	if (crypto_init() == -1)
		return (1);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
