/*
 * test_session.c: sessions: create, look up, CSRF token, end, a full
 * table, one key's cap and sign-in limit, and bad ids of every kind.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "crypto.h"
#include "session.h"
#include "store.h"

/* The table under test, one for the whole run as a server has. */
static struct sessions	*ss;

/* A key hash made of n, for sessions of many keys. */
static const uint8_t *
key_of(unsigned n)
{
	static uint8_t	 k[32];

	memset(k, 0, sizeof(k));
	memcpy(k, &n, sizeof(n));
	k[31] = 0x5a;
	return (k);
}

static void
test_create_get_end(void **state)
{
	char		 id[SESSION_ID_LEN + 1], id2[SESSION_ID_LEN + 1];
	struct session	 s, g;
	size_t		 i;

	(void)state;
	assert_int_equal(session_create(ss, ROLE_VIEWER, "92-VD01", key_of(1),
	    "Clerk A",
	    id, &s), 0);
	assert_int_equal(strlen(id), SESSION_ID_LEN);
	assert_int_equal(strlen(s.csrf), SESSION_CSRF_LEN);
	for (i = 0; i < SESSION_ID_LEN; i++)
		assert_non_null(strchr("0123456789abcdef", id[i]));
	assert_int_equal(session_get(ss, id, strlen(id), &g), 0);
	assert_int_equal(g.role, ROLE_VIEWER);
	assert_string_equal(g.unit, "92-VD01");
	assert_string_equal(g.csrf, s.csrf);
	assert_string_equal(g.name, "Clerk A");
	assert_memory_equal(g.key, key_of(1), 32);
	assert_true(g.expires > 0);
	assert_int_equal(session_create(ss, ROLE_ADMIN, "", key_of(2), "x", id2,
	    NULL), 0);
	assert_string_not_equal(id, id2);
	session_end(ss, id, strlen(id));
	assert_int_equal(session_get(ss, id, strlen(id), &g), -1);
	assert_int_equal(session_get(ss, id2, strlen(id2), &g), 0);
	assert_int_equal(g.role, ROLE_ADMIN);
	session_end(ss, id2, strlen(id2));
}

static void
test_bad_ids(void **state)
{
	char		 id[SESSION_ID_LEN + 1], bad[SESSION_ID_LEN + 2];
	struct session	 g;

	(void)state;
	assert_int_equal(session_create(ss, ROLE_VIEWER, "", key_of(3), "x", id,
	    NULL), 0);
	assert_int_equal(session_get(ss, NULL, 0, &g), -1);
	assert_int_equal(session_get(ss, "", 0, &g), -1);
	assert_int_equal(session_get(ss, id, SESSION_ID_LEN - 1, &g), -1);
	memcpy(bad, id, SESSION_ID_LEN);
	bad[SESSION_ID_LEN] = 'a';
	bad[SESSION_ID_LEN + 1] = '\0';
	assert_int_equal(session_get(ss, bad, SESSION_ID_LEN + 1, &g), -1);
	bad[0] = bad[0] == 'a' ? 'b' : 'a';
	assert_int_equal(session_get(ss, bad, SESSION_ID_LEN, &g), -1);
	/* Ending an unknown id does nothing to the others. */
	session_end(ss, bad, SESSION_ID_LEN);
	session_end(ss, NULL, 0);
	assert_int_equal(session_get(ss, id, SESSION_ID_LEN, &g), 0);
	/* No role, or a unit too long: refused. */
	assert_int_equal(session_create(ss, 0, "", key_of(3), "x", id, NULL),
	    -1);
	assert_int_equal(session_create(ss, ROLE_VIEWER,
	    "0123456789012345678901234567890123456789", key_of(3), "x", id,
	    NULL), -1);
}

static void
test_full_table(void **state)
{
	char		 first[SESSION_ID_LEN + 1], id[SESSION_ID_LEN + 1];
	struct session	 g;
	unsigned	 i;

	(void)state;
	assert_int_equal(session_create(ss, ROLE_VIEWER, "", key_of(100), "x",
	    first, NULL), 0);
	for (i = 0; i < SESSIONS_MAX + 10; i++)
		assert_int_equal(session_create(ss, ROLE_VIEWER, "",
		    key_of(1000 + i), "x", id, NULL), 0);
	/* The oldest went to make room; the newest is there. */
	assert_int_equal(session_get(ss, first, SESSION_ID_LEN, &g), -1);
	assert_int_equal(session_get(ss, id, SESSION_ID_LEN, &g), 0);
}

/*
 * One key signing in again and again (a counter key in a loop) pushes
 * out only its own sessions, and is stopped after SESSION_SIGNINS_MAX.
 */
static void
test_one_key_flood(void **state)
{
	char		 viewer[SESSION_ID_LEN + 1], id[SESSION_ID_LEN + 1];
	char		 firstown[SESSION_ID_LEN + 1];
	struct session	 g;
	int		 i, rc, made = 0, refused = 0;

	(void)state;
	assert_int_equal(session_create(ss, ROLE_VIEWER, "", key_of(7), "viewer",
	    viewer, NULL), 0);
	for (i = 0; i < SESSIONS_MAX + 100; i++) {
		rc = session_create(ss, ROLE_COUNTER, "", key_of(8), "counter",
		    id,
		    NULL);
		assert_true(rc == 0 || rc == 1);
		if (rc == 0 && made++ == 0)
			memcpy(firstown, id, sizeof(id));
		refused += rc == 1;
	}
	assert_int_equal(made, SESSION_SIGNINS_MAX);
	assert_int_equal(refused, SESSIONS_MAX + 100 - SESSION_SIGNINS_MAX);
	assert_int_equal(session_get(ss, viewer, SESSION_ID_LEN, &g), 0);
	assert_string_equal(g.name, "viewer");
	/* Within its cap, the key's own sessions are all kept. */
	if (SESSION_SIGNINS_MAX <= SESSIONS_PER_KEY)
		assert_int_equal(session_get(ss, firstown, SESSION_ID_LEN, &g),
		    0);
}

/* Past SESSIONS_PER_KEY a key loses its own oldest session. */
static void
test_per_key_cap(void **state)
{
	char		 ids[SESSIONS_PER_KEY + 1][SESSION_ID_LEN + 1];
	struct session	 g;
	int		 i;

	(void)state;
	for (i = 0; i <= SESSIONS_PER_KEY; i++)
		assert_int_equal(session_create(ss, ROLE_VIEWER, "", key_of(9),
		    "v", ids[i], NULL), 0);
	assert_int_equal(session_get(ss, ids[0], SESSION_ID_LEN, &g), -1);
	for (i = 1; i <= SESSIONS_PER_KEY; i++)
		assert_int_equal(session_get(ss, ids[i], SESSION_ID_LEN, &g), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_get_end),
		cmocka_unit_test(test_bad_ids),
		cmocka_unit_test(test_full_table),
		cmocka_unit_test(test_one_key_flood),
		cmocka_unit_test(test_per_key_cap),
	};
	int	 rc;

	if (crypto_init() == -1)
		return (1);
	ss = sessions_new();
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	sessions_free(ss);
	return (rc);
}
