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
#include "httpc.h"
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

/* Receivers' URLs: what is taken and what is refused, with why. */
static void
test_urls(void **state)
{
	static const char *const good[] = { "http://h", "https://h/x?y=1",
	    "http://10.0.5.30:8080/hooks", "https://[::1]:8443/h",
	    "https://hooks.example.gov.vn/hailong", "http://h:65535/" };
	static const struct { const char *url, *why; } bad[] = {
		{ "ftp://h/", "want http" }, { "https://", "bad host" },
		{ "http:///x", "bad host" }, { "http://h:0/", "bad port" },
		{ "http://h:65536/", "bad port" }, { "http://h:/", "bad port" },
		{ "http://h:8x/", "bad port" }, { "http://[::1/", "IPv6" },
		{ "http://[::1]x/", "IPv6" }, { "http://a b/", "spaces" },
		{ "http://h/\x7f", "control" },
	};
	char	 why[160];
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_int_equal(httpc_url_check(good[i], why, sizeof(why)),
		    0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		assert_int_equal(httpc_url_check(bad[i].url, why,
		    sizeof(why)), -1);
		if (strstr(why, bad[i].why) == NULL)
			fail_msg("%s: %s", bad[i].url, why);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sign),
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_urls),
	};

	if (crypto_init() == -1)
		return (1);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
