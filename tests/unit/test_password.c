/*
 * test_password.c: Argon2id passwords: the costs stored are the stated
 * ones, every user gets its own salt (the same password, two hashes),
 * a right password passes and a wrong, longer, shorter or unknown one
 * does not, bad passwords are refused with a reason; and the growing
 * delay per name (backoff.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <argon2.h>

#include "backoff.h"
#include "crypto.h"
#include "password.h"

static void
test_hash_and_check(void **state)
{
	struct user	 a, b;
	char		 why[128];
	uint8_t		 want[USER_HASH_LEN];
	const char	*pw = "correct horse battery";

	(void)state;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	assert_int_equal(password_set(&a, pw, strlen(pw), why,
	    sizeof(why)), 0);
	assert_int_equal(password_set(&b, pw, strlen(pw), why,
	    sizeof(why)), 0);
	assert_int_equal(a.t_cost, 2);
	assert_int_equal(a.m_cost, 19456);
	assert_int_equal(a.lanes, 1);
	/* A salt of its own: the same password hashes apart. */
	assert_memory_not_equal(a.salt, b.salt, USER_SALT_LEN);
	assert_memory_not_equal(a.hash, b.hash, USER_HASH_LEN);
	/* It is plain Argon2id of the password under that salt. */
	assert_int_equal(argon2id_hash_raw(2, 19456, 1, pw, strlen(pw),
	    a.salt, USER_SALT_LEN, want, sizeof(want)), ARGON2_OK);
	assert_memory_equal(want, a.hash, USER_HASH_LEN);
	assert_int_equal(password_check(&a, pw, strlen(pw)), 1);
	assert_int_equal(password_check(&b, pw, strlen(pw)), 1);
	assert_int_equal(password_check(&a, "correct horse batterY", 21), 0);
	assert_int_equal(password_check(&a, pw, strlen(pw) - 1), 0);
	assert_int_equal(password_check(&a, "", 0), 0);
	assert_int_equal(password_check(NULL, pw, strlen(pw)), 0);
}

static void
test_refused(void **state)
{
	struct user	 u;
	char		 why[128], big[PASSWORD_MAX + 2];

	(void)state;
	memset(&u, 0, sizeof(u));
	assert_int_equal(password_set(&u, "short", 5, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "10 to 256"));
	memset(big, 'x', sizeof(big));
	assert_int_equal(password_set(&u, big, PASSWORD_MAX + 1, why,
	    sizeof(why)), -1);
	assert_int_equal(password_set(&u, "tab\there ok", 11, why,
	    sizeof(why)), -1);
	assert_non_null(strstr(why, "control"));
	assert_int_equal(password_set(&u, "\xff\xfe not text", 11, why,
	    sizeof(why)), -1);
	/* At the limit: accepted; one byte more never matches it. */
	assert_int_equal(password_set(&u, big, PASSWORD_MAX, why,
	    sizeof(why)), 0);
	assert_int_equal(password_check(&u, big, PASSWORD_MAX), 1);
	assert_int_equal(password_check(&u, big, PASSWORD_MAX + 1), 0);
}

static void
test_backoff(void **state)
{
	struct backoff	*b = backoff_create();
	int		 i;

	(void)state;
	/* Times in ms. */
	for (i = 0; i < BACKOFF_FREE; i++) {
		assert_int_equal(backoff_wait(b, "ann", 3, 100000), 0);
		backoff_fail(b, "ann", 3, 100000);
	}
	assert_int_equal(backoff_wait(b, "ann", 3, 100000), 1000);
	assert_int_equal(backoff_wait(b, "ann", 3, 100999), 1);
	assert_int_equal(backoff_wait(b, "ann", 3, 101000), 0);
	assert_int_equal(backoff_wait(b, "bob", 3, 100000), 0);
	backoff_fail(b, "ann", 3, 101000);
	assert_int_equal(backoff_wait(b, "ann", 3, 101000), 2000);
	backoff_fail(b, "ann", 3, 103000);
	assert_int_equal(backoff_wait(b, "ann", 3, 103000), 4000);
	for (i = 0; i < 30; i++)
		backoff_fail(b, "ann", 3, 200000);
	assert_int_equal(backoff_wait(b, "ann", 3, 200000), BACKOFF_MAX);
	/* A quiet hour forgets; a right password clears at once. */
	assert_int_equal(backoff_wait(b, "ann", 3, 200000 + BACKOFF_FORGET),
	    0);
	backoff_fail(b, "ann", 3, 300000);
	backoff_clear(b, "ann", 3);
	assert_int_equal(backoff_wait(b, "ann", 3, 300001), 0);
	/* A crowd of other names does not wipe a name under attack. */
	for (i = 0; i < 10; i++)
		backoff_fail(b, "eve", 3, 500000);
	for (i = 0; i < 20000; i++) {
		char	 n[16];
		int	 len = snprintf(n, sizeof(n), "x%d", i);

		backoff_fail(b, n, (size_t)len, 500000);
	}
	assert_true(backoff_wait(b, "eve", 3, 500000) > 0);
	backoff_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_and_check),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_backoff),
	};

	if (crypto_init() == -1)
		return (1);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
