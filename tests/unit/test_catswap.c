/*
 * test_catswap.c: a retired catalogue is freed only once every request
 * that began before its swap has left (a request may have read any
 * catalogue in use after its start); requests of later epochs do not
 * hold it; a flood of epochs never frees early.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "catswap.h"

static struct catalog *
cat_new(void)
{
	return (calloc(1, sizeof(struct catalog)));
}

static void
test_epochs(void **state)
{
	struct catswap	*cs = catswap_new();
	uint64_t	 a, b, c;

	(void)state;
	a = catswap_enter(cs);
	catswap_retire(cs, cat_new(), strdup("u"), NULL, NULL);
	assert_int_equal(catswap_waiting(cs), 1);
	b = catswap_enter(cs);		/* after the swap: holds nothing */
	assert_true(b > a);
	catswap_retire(cs, cat_new(), NULL, NULL, NULL);
	assert_int_equal(catswap_waiting(cs), 2);
	/* a may have read the second one too, after its own start. */
	catswap_leave(cs, b);
	assert_int_equal(catswap_waiting(cs), 2);
	c = catswap_enter(cs);		/* holds neither */
	catswap_leave(cs, a);
	assert_int_equal(catswap_waiting(cs), 0);
	catswap_leave(cs, c);
	/* Nobody in flight: freed at once. */
	catswap_retire(cs, cat_new(), NULL, NULL, NULL);
	assert_int_equal(catswap_waiting(cs), 0);
	catswap_free(cs);
}

static int	 freed;

static void
obj_free(void *p)
{
	free(p);
	freed++;
}

/* Anything swapped by the same rule (the surveys in use) alike. */
static void
test_objects(void **state)
{
	struct catswap	*cs = catswap_new();
	uint64_t	 a;

	(void)state;
	freed = 0;
	a = catswap_enter(cs);
	catswap_retire_obj(cs, malloc(8), obj_free);
	catswap_retire(cs, cat_new(), NULL, NULL, NULL);
	assert_int_equal(catswap_waiting(cs), 2);
	assert_int_equal(freed, 0);
	catswap_leave(cs, a);
	assert_int_equal(catswap_waiting(cs), 0);
	assert_int_equal(freed, 1);
	/* Freed with the swap when a server stops. */
	a = catswap_enter(cs);
	catswap_retire_obj(cs, malloc(8), obj_free);
	catswap_free(cs);
	assert_int_equal(freed, 2);
}

static void
test_many_epochs(void **state)
{
	struct catswap	*cs = catswap_new();
	uint64_t	 first, e[CATSWAP_EPOCHS_MAX + 8];
	size_t		 i;

	(void)state;
	first = catswap_enter(cs);
	for (i = 0; i < CATSWAP_EPOCHS_MAX + 8; i++) {
		catswap_retire(cs, cat_new(), NULL, NULL, NULL);
		e[i] = catswap_enter(cs);
	}
	/* Held by the first request, every one waits. */
	assert_int_equal(catswap_waiting(cs), CATSWAP_EPOCHS_MAX + 8);
	for (i = 0; i < CATSWAP_EPOCHS_MAX + 8; i++)
		catswap_leave(cs, e[i]);
	assert_int_equal(catswap_waiting(cs), CATSWAP_EPOCHS_MAX + 8);
	catswap_leave(cs, first);
	assert_int_equal(catswap_waiting(cs), 0);
	catswap_free(cs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_epochs),
		cmocka_unit_test(test_many_epochs),
		cmocka_unit_test(test_objects),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
